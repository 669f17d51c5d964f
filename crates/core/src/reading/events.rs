//! The events an article reports, proposed for the analyst's review: the
//! passages that tell of something happening (an explosion, an attack, an
//! arrest, a raid, a warning, a protest…), each with its date, its place,
//! a category, the actors named, casualty figures and a confidence.
//!
//! A passage is a sentence, or a clause of one when one sentence tells of
//! two things ("a bomb exploded in Chelsea, and a second device was found
//! four blocks away"). A sentence that only goes on about what the one
//! before told ("The blast injured 29 people.") is more words of the same
//! event. Its date is the one its words give, else the one the article gave
//! last; its place the most precise one it names, else (a street, a
//! building the gazetteer cannot place, or words like "four blocks away")
//! the place of the event before or the article's own, with that place's
//! radius. Statements ("the Kremlin said") are events only when the data
//! set has a category for them.

use std::ops::Range;

use crate::filter::fold;
use crate::gazetteer::{Gazetteer, Kind};

use super::Context;
use super::dates::{DateMention, Value};
use super::places::PlaceMention;
use super::text::{Token, TokenKind, Tokens};

/// What kind of thing happened, as the engine knows kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Attack,
    Explosion,
    Operation,
    Arrest,
    Protest,
    Warning,
    Statement,
    Fire,
    Crash,
    Kidnapping,
    Disaster,
}

impl Class {
    /// Its name, as a category's label when the data set has none for it.
    pub fn label(self) -> &'static str {
        match self {
            Class::Attack => "Attack",
            Class::Explosion => "Explosion",
            Class::Operation => "Security operation",
            Class::Arrest => "Arrest",
            Class::Protest => "Protest",
            Class::Warning => "Warning",
            Class::Statement => "Statement",
            Class::Fire => "Fire",
            Class::Crash => "Crash",
            Class::Kidnapping => "Kidnapping",
            Class::Disaster => "Disaster",
        }
    }

    /// Words in a category's id or label that say it is of this kind.
    fn category_words(self) -> &'static [&'static str] {
        match self {
            Class::Attack => &[
                "attack", "violence", "shooting", "armed", "battle", "terror", "assault",
            ],
            Class::Explosion => &[
                "explosion",
                "bomb",
                "blast",
                "remote violence",
                "attack",
                "violence",
            ],
            Class::Operation => &[
                "operation",
                "raid",
                "counter",
                "security",
                "police",
                "strategic",
            ],
            Class::Arrest => &["arrest", "detention", "police", "operation", "strategic"],
            Class::Protest => &["protest", "demonstration", "riot", "unrest"],
            Class::Warning => &["warning", "alert", "threat", "advisory"],
            Class::Statement => &[
                "statement",
                "reaction",
                "response",
                "declaration",
                "announcement",
            ],
            Class::Fire => &["fire", "arson"],
            Class::Crash => &["crash", "accident", "collision"],
            Class::Kidnapping => &["kidnap", "abduction", "hostage"],
            Class::Disaster => &["disaster", "flood", "earthquake", "storm", "natural"],
        }
    }
}

/// Words that tell of something happening, by kind; the weight says how
/// surely (a verb that says it happened surely, a noun less, a vague word
/// like "incident" or "said" hardly).
fn trigger(lower: &str) -> Option<(Class, f32)> {
    use Class::*;
    Some(match lower {
        "exploded" | "detonated" | "blew" | "bombed" => (Explosion, 0.8),
        "explosion" | "explosions" | "blast" | "blasts" | "bombing" | "bombings" | "detonation" => {
            (Explosion, 0.6)
        }
        "bomb" | "bombs" | "explosive" | "explosives" | "ied" | "device" | "devices" => {
            (Explosion, 0.4)
        }
        "attacked" | "shot" | "stabbed" | "assaulted" | "ambushed" | "shelled" | "massacred"
        | "gunned" | "murdered" | "opened" | "stormed" | "struck" | "fired" => (Attack, 0.7),
        "killed" | "wounded" | "injured" => (Attack, 0.55),
        "attack" | "attacks" | "shooting" | "shootings" | "gunmen" | "gunman" | "gunfire"
        | "stabbing" | "assault" | "massacre" | "ambush" | "shelling" | "airstrike"
        | "airstrikes" | "rocket" | "rockets" | "missile" | "missiles" | "killing" | "killings"
        | "gunfight" | "firefight" | "clash" | "clashes" | "clashed" | "fighting" | "strike"
        | "shootout" | "shootouts" => (Attack, 0.45),
        "incident" | "incidents" | "target" | "targeted" | "plotting" | "plot" => (Attack, 0.3),
        "raided" | "neutralized" | "neutralised" | "prevented" | "thwarted" | "foiled"
        | "searched" | "seized" | "dismantled" => (Operation, 0.7),
        "raid" | "raids" | "operation" | "operations" => (Operation, 0.45),
        "arrested" | "detained" | "captured" | "apprehended" | "charged" => (Arrest, 0.7),
        "arrest" | "arrests" | "detention" | "custody" => (Arrest, 0.45),
        "protested" | "marched" | "rallied" | "rioted" => (Protest, 0.7),
        "protest" | "protests" | "protesters" | "protestors" | "demonstration"
        | "demonstrations" | "demonstrators" | "rally" | "rallies" | "riot" | "riots"
        | "rioters" => (Protest, 0.5),
        "warned" | "warns" => (Warning, 0.7),
        "warning" | "warnings" | "alert" | "alerts" | "advisory" => (Warning, 0.5),
        "burned" | "burnt" | "torched" => (Fire, 0.6),
        "fire" | "fires" | "blaze" | "arson" => (Fire, 0.35),
        "crashed" | "derailed" | "collided" => (Crash, 0.7),
        "crash" | "collision" | "derailment" => (Crash, 0.5),
        "kidnapped" | "abducted" => (Kidnapping, 0.75),
        "flooded" | "inundated" => (Disaster, 0.7),
        "flood" | "floods" | "flooding" | "earthquake" | "quake" | "landslide" | "landslides"
        | "mudslide" | "cyclone" | "hurricane" | "typhoon" | "tornado" | "wildfire"
        | "wildfires" | "storm" | "rains" => (Disaster, 0.5),
        "kidnapping" | "abduction" | "hostage" | "hostages" => (Kidnapping, 0.5),
        "said" | "says" | "stated" | "statement" | "announced" | "described" | "denounced"
        | "condemned" | "denied" | "claimed" | "declared" | "called" => (Statement, 0.4),
        _ => return None,
    })
}

/// Words that make a sentence speak of things in general, or of what might
/// be, rather than of something that happened.
const GENERAL: &[&str] = &[
    "would",
    "could",
    "might",
    "should",
    "if",
    "perfect",
    "emphasizes",
    "emphasises",
    "demonstrates",
    "demonstrated",
    "highlights",
    "reminder",
    "necessity",
    "shows",
    "show",
    "continue",
    "frequently",
    "often",
    "generally",
    "whole",
    "ongoing",
    "global",
    "possibility",
    "risk",
    "concerns",
    "terrorism",
    "danger",
    "dangerous",
    "narrative",
    "complexity",
    "difficulties",
    "sum",
    "efficiency",
    "fact",
    "period",
    "relations",
    "complicated",
    "hostilities",
    "tensions",
];

/// Words by which an operation undoes an attack ("prevented an assault"):
/// the sentence tells of the operation.
const FOILED: &[&str] = &[
    "prevented",
    "thwarted",
    "foiled",
    "neutralized",
    "neutralised",
    "stopped",
];

/// An event proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Its passages (bytes): the words that report it, the first the main one.
    pub passages: Vec<Range<usize>>,
    /// A title made of its first passage.
    pub title: String,
    /// When: the date its words give (an index of the dates found), and its value.
    pub date: Option<usize>,
    pub when: Option<Value>,
    /// Where: the place its words name (an index of the places found), and
    /// the gazetteer's place (the best candidate, or the place it falls
    /// back to).
    pub place_mention: Option<usize>,
    pub place: Option<u32>,
    /// Words that say where more finely than the place ("West 23rd
    /// Street", "four blocks away"): the place is what holds them.
    pub finer: Option<Range<usize>>,
    pub class: Class,
    /// The data set's category it fits, by id; `None`: a new one, named by
    /// the class's label.
    pub category: Option<String>,
    pub actors: Vec<String>,
    pub killed: Option<u32>,
    pub injured: Option<u32>,
    /// How sure the engine is that this is an event, 0 to 1.
    pub confidence: f32,
}

/// Number words in casualty figures ("29", "1,200", "two", "a dozen"; not
/// "a" alone).
fn count_of(w: &str) -> Option<u32> {
    let w = w.to_ascii_lowercase().replace(',', "");
    if let Ok(n) = w.parse::<u32>() {
        return Some(n);
    }
    match w.as_str() {
        "dozen" => Some(12),
        "a" | "an" | "couple" => None,
        _ => super::dates::number_word(&w).and_then(|n| u32::try_from(n).ok()),
    }
}

/// The casualty figures a passage's tokens give: (killed, injured).
fn casualties(text: &str, toks: &[Token]) -> (Option<u32>, Option<u32>) {
    let words: Vec<String> = toks
        .iter()
        .map(|t| t.text(text).to_ascii_lowercase())
        .collect();
    let killed_words = [
        "killed",
        "dead",
        "died",
        "deaths",
        "killing",
        "lives",
        "fatalities",
        "death",
    ];
    let injured_words = [
        "injured",
        "wounded",
        "hurt",
        "injuring",
        "wounding",
        "injuries",
        "hospitalized",
    ];
    let (mut killed, mut injured) = (None::<u32>, None::<u32>);
    let mut note = |kind: &str, n: u32| {
        let slot = if kind == "k" {
            &mut killed
        } else {
            &mut injured
        };
        *slot = Some(slot.map_or(n, |m| m.max(n)));
    };
    for (i, w) in words.iter().enumerate() {
        let Some(n) = count_of(w) else { continue };
        if toks[i].kind == TokenKind::Number
            && (n > 1_000_000 || words.get(i + 1).is_some_and(|x| x == "%" || x == "percent"))
        {
            continue;
        }
        // "29 people were injured", "killed 44", "injuring 29 people".
        for (j, x) in words.iter().enumerate().skip(i + 1).take(4) {
            if killed_words.contains(&x.as_str()) {
                note("k", n);
                break;
            }
            if injured_words.contains(&x.as_str()) {
                note("i", n);
                break;
            }
            if j > i + 1 && toks[j].kind == TokenKind::Number {
                break;
            }
        }
        if let Some(p) = i.checked_sub(1).map(|p| words[p].as_str()) {
            let p = if matches!(p, "least" | "some" | "about" | "nearly" | "more" | "than") {
                i.checked_sub(3).map_or("", |q| words[q].as_str())
            } else {
                p
            };
            if matches!(p, "killing" | "killed" | "left") {
                note("k", n);
            } else if matches!(p, "injuring" | "injured" | "wounding" | "wounded") {
                note("i", n);
            } else if p == "to" && i >= 3 && words[i - 3] == "toll" {
                note("k", n);
            }
        }
    }
    (killed, injured)
}

/// Words that refer back to the event just told of.
fn refers_back(text: &str, toks: &[Token]) -> bool {
    let words: Vec<String> = toks
        .iter()
        .take(4)
        .map(|t| t.text(text).to_ascii_lowercase())
        .collect();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        w[..],
        [
            "the" | "that" | "this",
            "blast"
                | "explosion"
                | "attack"
                | "bombing"
                | "incident"
                | "shooting"
                | "fire"
                | "raid"
                | "operation"
                | "gunfight"
                | "crash",
            ..
        ] | ["it", ..]
            | ["they", ..]
    )
}

/// The clauses of a sentence that each tell of one thing: cut before ", and
/// a second …", "; ", "and another …".
fn clauses(text: &str, toks: &[Token], range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = range.start;
    for k in range.clone() {
        let w = toks[k].text(text);
        let next = toks
            .get(k + 1)
            .map(|t| t.text(text).to_ascii_lowercase())
            .unwrap_or_default();
        let next2 = toks
            .get(k + 2)
            .map(|t| t.text(text).to_ascii_lowercase())
            .unwrap_or_default();
        let cut = (w == ";" && k + 1 < range.end)
            || (w.eq_ignore_ascii_case("and")
                && (matches!(next.as_str(), "another" | "later" | "then")
                    || (matches!(next.as_str(), "a" | "the")
                        && matches!(next2.as_str(), "second" | "third" | "further"))));
        if cut && k > start + 3 {
            out.push(start..k);
            start = if w == ";" { k + 1 } else { k };
        }
    }
    out.push(start..range.end);
    // A clause that tells of nothing happening joins the next (or the one
    // before): "a man who found a backpack … alerted police; it held bombs".
    let tells = |r: &Range<usize>| {
        toks[r.clone()].iter().any(|t| {
            trigger(&t.text(text).to_ascii_lowercase()).is_some_and(|(c, _)| c != Class::Statement)
        })
    };
    let mut joined: Vec<Range<usize>> = Vec::new();
    let mut pending: Option<usize> = None;
    for r in out {
        let start = pending.take().unwrap_or(r.start);
        if !tells(&r) {
            match joined.last_mut() {
                Some(last) if last.end == r.start || last.end + 1 == r.start => last.end = r.end,
                _ => pending = Some(start),
            }
            continue;
        }
        joined.push(start..r.end);
    }
    if let Some(start) = pending {
        joined.push(start..range.end);
    }
    joined
}

/// The named actors in a passage: organisations and people written with
/// capitals (not places, dates or a sentence's first word), and acronyms.
fn actors(text: &str, toks: &[Token], places: &[&PlaceMention]) -> Vec<String> {
    let is_place = |t: &Token| {
        places
            .iter()
            .any(|p| p.span.start <= t.start && t.end <= p.span.end && !p.demonym)
    };
    let skip = |w: &str| {
        let l = w.to_ascii_lowercase();
        super::dates::DATE_WORDS.contains(&l.as_str())
            || [
                "the", "a", "an", "on", "in", "at", "after", "before", "when", "while", "but",
                "and", "it", "he", "she", "they", "this", "that", "there", "some", "many",
                "police",
            ]
            .contains(&l.as_str())
    };
    let mut out: Vec<String> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let t = toks[k];
        if !(t.is_capitalised(text)) || is_place(&t) || skip(t.text(text)) {
            k += 1;
            continue;
        }
        let mut j = k;
        let mut words = Vec::new();
        while j < toks.len() {
            let u = toks[j];
            let w = u.text(text);
            if u.is_capitalised(text) && !skip(w) && !is_place(&u) && !w.ends_with("-based")
                || (!words.is_empty()
                    && ["of", "for", "de", "al"].contains(&w)
                    && toks.get(j + 1).is_some_and(|n| n.is_capitalised(text)))
            {
                words.push(w);
                j += 1;
            } else {
                break;
            }
        }
        let name = words.join(" ");
        let acronym = words.len() == 1
            && name.len() >= 2
            && name.len() <= 6
            && name.chars().all(|c| c.is_ascii_uppercase());
        let first_word = k == 0;
        // A street is no actor ("Seventh Avenue").
        let street = words.last().is_some_and(|w| {
            super::places::STREETS.contains(&w.trim_end_matches('.').to_ascii_lowercase().as_str())
        });
        if (words.len() >= 2 || acronym)
            && !(first_word && words.len() < 2)
            && !street
            && !out.contains(&name)
        {
            out.push(name);
        }
        k = j.max(k + 1);
    }
    out
}

/// How sure a clause must make the engine to be proposed as an event.
const THRESHOLD: f32 = 0.55;

/// What a clause says, read once.
struct Clause<'a> {
    span: Range<usize>,
    class: Class,
    weight: f32,
    date: Option<usize>,
    /// Where its date's words are (bytes), if it has one.
    date_at: Option<usize>,
    places: Vec<(usize, &'a PlaceMention)>,
    killed: Option<u32>,
    injured: Option<u32>,
    actors: Vec<String>,
}

/// The proposals of a text.
pub fn find(
    text: &str,
    tokens: &Tokens,
    dates: &[DateMention],
    places: &[PlaceMention],
    context: &Context<'_>,
    g: &Gazetteer,
) -> Vec<Proposal> {
    let toks = &tokens.tokens;
    let statements = context.categories.iter().any(|c| {
        let l = fold(&format!("{} {}", c.id, c.label));
        Class::Statement
            .category_words()
            .iter()
            .any(|w| l.contains(w))
    });
    // The place the article is most about: its most named place (not a
    // demonym's country), by how often.
    let focus: Option<u32> = {
        let mut votes: rustc_hash::FxHashMap<u32, usize> = Default::default();
        for p in places.iter().filter(|p| !p.demonym && !p.fallback) {
            if let Some(b) = p.best() {
                *votes.entry(b).or_default() += 1;
            }
        }
        votes
            .into_iter()
            .max_by_key(|&(p, n)| (n, std::cmp::Reverse(p)))
            .map(|(p, _)| p)
    };
    let mut out: Vec<Proposal> = Vec::new();
    // The sentence of the last clause told of in `out`.
    let mut last_sentence: Option<usize> = None;
    for (s, range) in tokens.sentences.iter().enumerate() {
        for clause in clauses(text, toks, range.clone()) {
            let Some(c) = read_clause(text, toks, clause, dates, places, statements) else {
                continue;
            };
            let near = last_sentence.is_some_and(|l| s <= l + 2);
            let next_to = last_sentence.is_some_and(|l| s <= l + 1);
            let ctoks = &toks[clause_tokens(toks, &c.span)];
            // More words of the event just told: words that refer back to
            // it, weak words beside it that add what it lacked, or the next
            // sentence going on about it (no date or place of its own).
            if let Some(prev) = out.last_mut()
                && near
                && !new_one(text, ctoks)
                && (refers_back(text, ctoks)
                    || (next_to && c.weight < 0.5 && adds_to(prev, &c, g))
                    || (next_to && goes_on(prev, &c))
                    || (same_thing(prev, &c) && agrees(prev, &c, dates, g)))
            {
                merge(text, prev, &c, dates, g);
                last_sentence = Some(s);
                continue;
            }
            let mut confidence = c.weight;
            confidence += if c.date.is_some() { 0.15 } else { 0.0 };
            confidence += if located(&c).is_some() { 0.15 } else { 0.0 };
            confidence += if c.killed.is_some() || c.injured.is_some() {
                0.1
            } else {
                0.0
            };
            // (What somebody said may well speak in general.)
            if c.class != Class::Statement {
                confidence -= general(text, &toks[clause_tokens(toks, &c.span)]);
            }
            if confidence < THRESHOLD {
                continue;
            }
            let place_mention = located(&c);
            let finer = finer_place(text, &toks[clause_tokens(toks, &c.span)]);
            let place = match place_mention {
                Some(i) => places[i].best(),
                // Nothing placed in its words: the event before's place when
                // it goes on from there, else the article's.
                None => out
                    .last()
                    .and_then(|p| p.place)
                    .filter(|_| finer.is_some())
                    .or(focus),
            };
            // Its date: its words', else the one the article gave last.
            let date = c.date.or_else(|| {
                dates.iter().rposition(|d| {
                    d.span.end <= c.span.start
                        && d.value.is_some()
                        && d.sentence + 3 >= s
                        && !adjectival(text, d)
                        && !stamp(text, tokens, d)
                })
            });
            let category = category_of(c.class, context.categories);
            out.push(Proposal {
                passages: vec![c.span.clone()],
                title: String::new(),
                date,
                when: date.and_then(|i| dates[i].value.clone()),
                place_mention,
                place,
                finer,
                class: c.class,
                category,
                actors: c.actors.clone(),
                killed: c.killed,
                injured: c.injured,
                confidence: confidence.min(1.0),
            });
            last_sentence = Some(s);
        }
    }
    // Each titled by its first passage, the one that leads.
    for p in &mut out {
        p.title = title(text, &toks[clause_tokens(toks, &p.passages[0])]);
    }
    out
}

/// The data set's category for a kind of event: the one whose id or label
/// has the kind's surest word ("attack" before "terror", so an attack is
/// not put in "counter-terrorism").
fn category_of(class: Class, categories: &[crate::model::Category]) -> Option<String> {
    let words = class.category_words();
    categories
        .iter()
        .filter_map(|cat| {
            let l = fold(&format!("{} {}", cat.id, cat.label));
            words
                .iter()
                .position(|w| l.contains(w))
                .map(|rank| (rank, cat))
        })
        .min_by_key(|&(rank, _)| rank)
        .map(|(_, cat)| cat.id.clone())
}

/// The tokens of a span (bytes), as a range of `toks`.
fn clause_tokens(toks: &[Token], span: &Range<usize>) -> Range<usize> {
    let a = toks.partition_point(|t| t.start < span.start);
    let b = toks.partition_point(|t| t.end <= span.end);
    a..b.max(a)
}

/// Reads one clause: its surest trigger, its date, places, casualties, actors.
fn read_clause<'a>(
    text: &str,
    toks: &[Token],
    clause: Range<usize>,
    dates: &[DateMention],
    places: &'a [PlaceMention],
    statements: bool,
) -> Option<Clause<'a>> {
    let ctoks = &toks[clause.clone()];
    let span = ctoks.first()?.start..ctoks.last()?.end;
    let words: Vec<String> = ctoks
        .iter()
        .map(|t| t.text(text).to_ascii_lowercase())
        .collect();
    let mut best: Option<(Class, f32)> = None;
    for (k, w) in words.iter().enumerate() {
        let Some((class, mut weight)) = trigger(w) else {
            continue;
        };
        if class == Class::Statement {
            // A statement is an event only when the data set has them, and
            // somebody named makes it.
            let named = (k.saturating_sub(4)..k).any(|j| ctoks[j].is_capitalised(text) && j > 0)
                || k > 0 && ctoks[k - 1].is_capitalised(text);
            if !statements || !named {
                continue;
            }
            weight = 0.6;
        }
        if best.is_none_or(|(_, b)| weight > b) {
            best = Some((class, weight));
        }
    }
    // "Prevented an assault": the operation, not the assault.
    if let Some((Class::Attack | Class::Explosion, w)) = best
        && words.iter().any(|w| FOILED.contains(&w.as_str()))
    {
        best = Some((Class::Operation, w.max(0.7)));
    }
    // "Taken into custody": an arrest, whatever else is named beside it.
    if words
        .windows(2)
        .any(|w| w[0] == "into" && w[1] == "custody")
        && best.is_none_or(|(_, w)| w < 0.75)
    {
        best = Some((Class::Arrest, 0.75));
    }
    let (class, mut weight) = best?;
    let (killed, injured) = casualties(text, ctoks);
    // Casualties said in words ("casualties and injuries"), and a verb that
    // says it happened, make a vague word an event.
    if words.iter().any(|w| {
        matches!(
            w.as_str(),
            "casualties" | "injuries" | "dead" | "wounded" | "victims"
        )
    }) {
        weight += 0.2;
    }
    if words.iter().any(|w| {
        matches!(
            w.as_str(),
            "occurred" | "happened" | "caused" | "erupted" | "broke" | "took"
        )
    }) {
        weight += 0.1;
    }
    let inside = |r: &Range<usize>| span.start <= r.start && r.end <= span.end;
    let date = dates
        .iter()
        .position(|d| inside(&d.span) && d.value.is_some() && !adjectival(text, d));
    // A country's name on its embassy or government ("the U.S. Embassy")
    // says who, not where.
    let institution = |p: &PlaceMention| {
        let after = text[p.span.end..]
            .trim_start_matches(['\'', '’', 's'])
            .trim_start();
        let next = after
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        [
            "Embassy",
            "Consulate",
            "Mission",
            "Ministry",
            "Government",
            "government",
            "State",
            "Department",
            "officials",
            "diplomats",
            "authorities",
        ]
        .contains(&next)
    };
    let clause_places: Vec<(usize, &PlaceMention)> = places
        .iter()
        .enumerate()
        .filter(|(_, p)| inside(&p.span) && !institution(p))
        .collect();
    let mentions: Vec<&PlaceMention> = clause_places.iter().map(|(_, p)| *p).collect();
    Some(Clause {
        span,
        class,
        weight,
        date,
        date_at: date.map(|i| dates[i].span.start),
        places: clause_places,
        killed,
        injured,
        actors: actors(text, ctoks, &mentions),
    })
}

/// Words of a line that stamps the page rather than tells of a day:
/// "Updated 12:06 pm Sept. 19", "[Previous story, published 3:50 pm Sept. 18]".
const STAMPS: &[&str] = &["updated", "posted", "published", "modified", "edited"];

/// Whether a date is the page's stamp: in a short line that says so, or a
/// line that is nothing but a date (a byline's). Later words do not
/// inherit it.
fn stamp(text: &str, tokens: &Tokens, d: &DateMention) -> bool {
    let Some(range) = tokens.sentences.get(d.sentence) else {
        return false;
    };
    let words = &tokens.tokens[range.clone()];
    let short = words.len() <= 14;
    let says = words
        .iter()
        .any(|t| STAMPS.contains(&t.text(text).to_ascii_lowercase().as_str()));
    let only = words
        .iter()
        .all(|t| t.kind != TokenKind::Word || (d.span.start <= t.start && t.end <= d.span.end));
    short && (says || only)
}

/// "Today's global environment": a date as an adjective tells of no day.
fn adjectival(text: &str, d: &DateMention) -> bool {
    let t = &text[d.span.clone()];
    t.ends_with("'s") || t.ends_with("’s")
}

/// How much a clause speaks of things in general rather than of what
/// happened.
fn general(text: &str, toks: &[Token]) -> f32 {
    let n = toks
        .iter()
        .filter(|t| GENERAL.contains(&t.text(text).to_ascii_lowercase().as_str()))
        .count();
    (0.15 * n as f32).min(0.45)
}

/// The clause's place for an event: the most precise it names that is not
/// a demonym nor part of a name ("U.S. Embassy", "Afghan branch").
fn located(c: &Clause<'_>) -> Option<usize> {
    // Of several, the one written nearest its date ("the incidents in
    // Manhattan and Seaside Park, as well as the devices found in
    // Elizabeth on Sunday night"); else the first.
    // (A state written after its town, "Linden, New Jersey", only says
    // which town.)
    let qualifier = |p: &PlaceMention| {
        c.places
            .iter()
            .any(|(_, q)| q.span.end <= p.span.start && p.span.start - q.span.end <= 3)
    };
    let placed = c
        .places
        .iter()
        .filter(|(_, p)| p.best().is_some() && !p.demonym && !p.fallback && !qualifier(p));
    match c.date_at {
        Some(at) => placed.min_by_key(|(_, p)| p.span.start.abs_diff(at)),
        None => placed.min_by_key(|(_, p)| p.span.start),
    }
    .map(|(i, _)| *i)
    .or_else(|| c.places.iter().find(|(_, p)| p.fallback).map(|(i, _)| *i))
}

/// Words that start telling of another event: "a second device", "another
/// bomb", "separately", "elsewhere".
fn new_one(text: &str, toks: &[Token]) -> bool {
    toks.iter().any(|t| {
        matches!(
            t.text(text).to_ascii_lowercase().as_str(),
            "second" | "another" | "third" | "separately" | "elsewhere" | "meanwhile" | "later"
        )
    })
}

/// Whether a clause goes on about the event before: it gives no date nor
/// place of its own, and tells of that event's kind, or of what came of it
/// (casualties, violence in it).
fn goes_on(prev: &Proposal, c: &Clause<'_>) -> bool {
    let own_place =
        located(c).is_some_and(|i| c.places.iter().any(|(j, p)| *j == i && !p.fallback));
    if c.date.is_some()
        || own_place
        || c.class == Class::Statement && prev.class != Class::Statement
    {
        return false;
    }
    same_thing(prev, c)
        || c.killed.is_some()
        || c.injured.is_some()
        || (c.class == Class::Attack
            && matches!(
                prev.class,
                Class::Operation | Class::Arrest | Class::Protest | Class::Explosion
            ))
}

/// Whether two clauses tell of one kind of thing.
fn same_thing(prev: &Proposal, c: &Clause<'_>) -> bool {
    prev.class == c.class
        || matches!(
            (prev.class, c.class),
            (Class::Operation, Class::Arrest) | (Class::Arrest, Class::Operation)
        )
}

/// Whether a clause adds to an event what it lacked (a place, a date) or
/// names what it named.
fn adds_to(prev: &Proposal, c: &Clause<'_>, _g: &Gazetteer) -> bool {
    (prev.place_mention.is_none() && located(c).is_some())
        || (prev.date.is_none() && c.date.is_some())
        || c.actors.iter().any(|a| prev.actors.contains(a))
}

/// Whether a clause's date and place agree with an event's (none differs).
fn agrees(prev: &Proposal, c: &Clause<'_>, dates: &[DateMention], g: &Gazetteer) -> bool {
    let day = |i: Option<usize>| i.and_then(|i| dates[i].value.as_ref()).and_then(Value::day);
    let dates_agree = match (day(prev.date), day(c.date)) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let places_agree = match (
        prev.place_mention.and(prev.place),
        located(c)
            .and_then(|i| c.places.iter().find(|(j, _)| *j == i))
            .and_then(|(_, p)| p.best()),
    ) {
        (Some(a), Some(b)) => {
            let (a, b) = (g.place(a as usize), g.place(b as usize));
            a == b
                || crate::gazetteer::haversine_km(a.point, b.point)
                    < f64::from(a.radius_km.max(b.radius_km)) + 25.0
        }
        _ => true,
    };
    dates_agree && places_agree
}

/// Puts a clause's words into the event it tells more of: its passage, and
/// what it tells more precisely (a day over a range, a town over a country).
fn merge(text: &str, prev: &mut Proposal, c: &Clause<'_>, dates: &[DateMention], g: &Gazetteer) {
    // A headline's words first (no full stop), the report's after: the
    // report leads.
    let headline = !text[prev.passages[0].clone()]
        .trim_end()
        .ends_with(['.', '!', '?', '"', '”']);
    if prev.passages.len() == 1 && prev.date.is_none() && c.date.is_some() && headline {
        prev.passages.insert(0, c.span.clone());
    } else {
        prev.passages.push(c.span.clone());
    }
    prev.killed = max_opt(prev.killed, c.killed);
    prev.injured = max_opt(prev.injured, c.injured);
    for a in &c.actors {
        if !prev.actors.contains(a) {
            prev.actors.push(a.clone());
        }
    }
    let finer_date = |i: usize| dates[i].value.as_ref().is_some_and(|v| v.day().is_some());
    if let Some(d) = c.date
        && (prev.date.is_none() || (!prev.date.is_some_and(finer_date) && finer_date(d)))
    {
        prev.date = Some(d);
        prev.when = dates[d].value.clone();
    }
    if let Some(i) = located(c) {
        let p = c.places.iter().find(|(j, _)| *j == i).map(|(_, p)| *p);
        let rank = |k: Kind| match k {
            Kind::City => 0,
            Kind::County => 1,
            Kind::Region => 2,
            Kind::Country => 3,
            Kind::Area => 4,
        };
        let new = p.and_then(PlaceMention::best);
        let better = match (prev.place_mention.and(prev.place), new) {
            (None, Some(_)) => true,
            (Some(a), Some(b)) => rank(g.place(b as usize).kind) < rank(g.place(a as usize).kind),
            _ => false,
        };
        if better {
            prev.place_mention = Some(i);
            prev.place = new;
        }
    }
    prev.confidence = (prev.confidence + 0.05).min(1.0);
}

fn max_opt(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Words that place something more finely than a town: a street ("West
/// 23rd Street", "Sixth Avenue"), "N blocks away".
fn finer_place(text: &str, toks: &[Token]) -> Option<Range<usize>> {
    for (k, t) in toks.iter().enumerate() {
        let w = t.text(text).trim_end_matches('.').to_ascii_lowercase();
        if [
            "street",
            "st",
            "avenue",
            "ave",
            "road",
            "boulevard",
            "blvd",
            "square",
            "bridge",
            "station",
        ]
        .contains(&w.as_str())
            && t.is_capitalised(text)
            && k > 0
        {
            // Back over its name: "West 23rd", "Sixth".
            let mut a = k;
            while a > 0
                && (toks[a - 1].is_capitalised(text) || toks[a - 1].kind == TokenKind::Number)
            {
                a -= 1;
            }
            if a < k {
                return Some(toks[a].start..t.end);
            }
        }
        if ["blocks", "miles", "kilometers", "kilometres"].contains(&w.as_str())
            && toks.get(k + 1).is_some_and(|n| {
                ["away", "from", "north", "south", "east", "west", "outside"]
                    .contains(&n.text(text).to_ascii_lowercase().as_str())
            })
            && k > 0
        {
            return Some(toks[k - 1].start..toks[k + 1].end);
        }
    }
    None
}

/// A title of at most about 100 characters from a passage's words, cut at
/// a word, never inside an abbreviation.
fn title(text: &str, toks: &[Token]) -> String {
    // A dateline is no part of it: "SEASIDE PARK, N.J. — A pipe bomb…".
    let toks = match toks
        .iter()
        .take(12)
        .position(|t| matches!(t.text(text), "—" | "–" | "--"))
    {
        Some(k)
            if k + 1 < toks.len()
                && toks[..k]
                    .iter()
                    .all(|t| !t.text(text).chars().any(char::is_lowercase)) =>
        {
            &toks[k + 1..]
        }
        _ => toks,
    };
    let start = toks[0].start;
    let mut end = toks[0].end;
    for t in toks {
        if t.end - start > 100 {
            break;
        }
        end = t.end;
    }
    let mut s = text[start..end]
        .trim()
        .trim_end_matches([',', ';', ':'])
        .to_string();
    if end < toks[toks.len() - 1].end {
        s.push('…');
    }
    s
}

/// What accepting a proposal adds to a data set: the event (its passages
/// quoting `source`, anchored), and the category it names when the data set
/// has no such category yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub event: crate::model::Event,
    pub new_category: Option<crate::model::Category>,
}

/// Several proposals as events of `ds` at once (one step of the history):
/// each with an id of its own, and a new category made once for all of
/// them that are of its kind.
pub fn accept_many(
    ps: &[&Proposal],
    text: &str,
    source: &crate::model::Source,
    ds: &crate::model::Dataset,
    g: &Gazetteer,
) -> (Vec<crate::model::Event>, Vec<crate::model::Category>) {
    let mut events: Vec<crate::model::Event> = Vec::with_capacity(ps.len());
    let mut categories: Vec<crate::model::Category> = Vec::new();
    for p in ps {
        let Accepted {
            mut event,
            new_category,
        } = accept(p, text, source, ds, g);
        if events.iter().any(|e| e.id == event.id) {
            event.id = crate::edit::unused_id(
                ds.events.iter().chain(&events).map(|e| e.id.as_str()),
                "event",
            );
        }
        if let Some(mut c) = new_category
            && !categories.iter().any(|k| k.id == c.id)
        {
            c.color = Some(
                crate::formats::import::palette(ds.categories.len() + categories.len() + 1)
                    .to_string(),
            );
            categories.push(c);
        }
        events.push(event);
    }
    (events, categories)
}

/// `p` as an event of `ds`, quoting `source` (whose text was read): its
/// time in the zone of its place (else the data set's; a time with no zone
/// to be had is kept as its day), its place as a point with the place's
/// precision and radius, its category (a new one named by its kind when
/// the data set has none for it), actors and casualties as of the source's
/// date.
pub fn accept(
    p: &Proposal,
    text: &str,
    source: &crate::model::Source,
    ds: &crate::model::Dataset,
    g: &Gazetteer,
) -> Accepted {
    use crate::model::{CasualtyReport, Location, Precision, When};
    let offsets = super::text::CharOffsets::new(text);
    let mut event = crate::edit::event_from(
        ds,
        crate::edit::passage_at(
            source,
            offsets.chars(p.passages[0].start),
            offsets.chars(p.passages[0].end),
        )
        .expect("a proposal's passage holds words"),
    );
    for extra in &p.passages[1..] {
        if let Some(more) =
            crate::edit::passage_at(source, offsets.chars(extra.start), offsets.chars(extra.end))
        {
            event.passages.push(more);
        }
    }
    event.title = p.title.clone();
    let place = p.place.map(|i| super::places::Resolved::of(g, i));
    let zone = place
        .as_ref()
        .and_then(|r| jiff::tz::TimeZone::get(&r.zone).ok())
        .or_else(|| {
            ds.time_zone
                .as_deref()
                .and_then(|z| jiff::tz::TimeZone::get(z).ok())
        });
    event.when = match (&p.when, &zone) {
        (Some(v), Some(z)) => v.to_when(z),
        // No zone to put a time in: its day, honestly.
        (Some(Value::Minute(d, _)), None) => When::At(crate::model::Moment::Day(*d)),
        (Some(v), None) => v.to_when(&jiff::tz::TimeZone::UTC),
        (None, _) => When::Unknown,
    };
    if let Some(r) = &place {
        let precision = match r.kind {
            Kind::City | Kind::County => {
                if p.finer.is_some() {
                    Precision::District
                } else {
                    Precision::Town
                }
            }
            Kind::Region => Precision::Region,
            Kind::Country | Kind::Area => Precision::Country,
        };
        let finer = p.finer.as_ref().map(|f| &text[f.clone()]);
        event.location = Some(Location {
            place: None,
            point: Some(r.point),
            precision: Some(precision),
            uncertainty_m: Some((r.radius_km * 1000.0).round()),
            geometry: None,
            note: Some(match finer {
                Some(f) => format!(
                    "{f}: placed at {} (the gazetteer has no finer place)",
                    r.label
                ),
                None => format!("Place: {}", r.label),
            }),
        });
    }
    let mut new_category = None;
    event.category = Some(match &p.category {
        Some(id) => id.clone(),
        None => {
            let label = p.class.label();
            match ds
                .categories
                .iter()
                .find(|c| c.label.eq_ignore_ascii_case(label))
            {
                Some(c) => c.id.clone(),
                None => {
                    let id = crate::formats::import::category_id(label, &ds.categories);
                    new_category = Some(crate::model::Category {
                        id: id.clone(),
                        label: label.to_string(),
                        color: Some(
                            crate::formats::import::palette(ds.categories.len() + 1).to_string(),
                        ),
                        description: None,
                    });
                    id
                }
            }
        }
    });
    event.actors = p.actors.clone();
    if p.killed.is_some() || p.injured.is_some() {
        event.casualties.push(CasualtyReport {
            killed: p.killed.map(u64::from),
            injured: p.injured.map(u64::from),
            as_of: source.published.clone(),
            source: Some(source.id.clone()),
            note: None,
        });
    }
    Accepted {
        event,
        new_category,
    }
}

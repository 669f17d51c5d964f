//! The places a text names, found and resolved.
//!
//! Finding: runs of capitalised words (with "of", "de", abbreviations like
//! "N.J.") are looked up, longest first, among the gazetteer's names,
//! alternate names and demonyms ("Kenyan"). What reads as something else is
//! passed over: a person ("George Washington", "Paris Hilton", "Mr.
//! Lincoln"), a street ("Dublin Road"), an English word at a sentence's
//! start or standing alone ("Mobile", "Reading" need more than a capital).
//!
//! Resolving: each name's candidates are ranked by what they are (a country
//! or a state before a town of the name, a large town before a small one)
//! and by what the article itself says: a state or country written beside
//! it ("Elizabeth, New Jersey", "Seaside Park, N.J."), the country and
//! state the article's other places are in, how near they are to each
//! other, and the data set's own places. The ranking runs three times, each
//! reading the places chosen by the last.

use std::ops::Range;

use crate::gazetteer::{Gazetteer, Kind, haversine_km};
use crate::model::LatLon;

use super::text::{Token, TokenKind, Tokens};

/// A place found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    /// Where its words are (bytes).
    pub span: Range<usize>,
    /// Its sentence (an index of the text's sentences).
    pub sentence: usize,
    /// Found by a demonym or an adjective ("Kenyan", "Russian").
    pub demonym: bool,
    /// The gazetteer's places of that name, best first, with their scores
    /// (indices of [`Gazetteer::places`]).
    pub candidates: Vec<(u32, f64)>,
    /// The gazetteer knows no place of the name: its one candidate is what
    /// holds it, as far as the article tells (its most named town, or state).
    pub fallback: bool,
}

impl PlaceMention {
    /// The place it is taken to be: the best candidate.
    pub fn best(&self) -> Option<u32> {
        self.candidates.first().map(|&(p, _)| p)
    }
}

/// A place as the outside sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub name: String,
    /// "Krasnogorsk, Moscow Oblast, Russia".
    pub label: String,
    pub country: String,
    pub point: LatLon,
    pub radius_km: f64,
    pub kind: Kind,
    pub zone: String,
    pub geonameid: Option<u32>,
}

impl Resolved {
    pub fn of(g: &Gazetteer, index: u32) -> Resolved {
        let p = g.place(index as usize);
        let region = g
            .region_of(p)
            .filter(|r| r.name != p.name && p.kind != Kind::Country)
            .map(|r| r.name.as_str())
            .or_else(|| {
                let a = p.admin1();
                (p.kind != Kind::Country
                    && p.kind != Kind::Region
                    && (2..=3).contains(&a.len())
                    && a.bytes().all(|b| b.is_ascii_uppercase()))
                .then_some(a)
            });
        let country = g
            .country_of(p)
            .map_or(g.country_code(p), |c| c.name.as_str());
        let label = match (p.kind, region) {
            (Kind::Country, _) => p.name.clone(),
            (_, Some(r)) => format!("{}, {r}, {country}", p.name),
            _ => format!("{}, {country}", p.name),
        };
        Resolved {
            name: p.name.clone(),
            label,
            country: g.country_code(p).to_string(),
            point: p.point,
            radius_km: f64::from(p.radius_km),
            kind: p.kind,
            zone: g.zone(p).to_string(),
            geonameid: (p.geonameid != 0).then_some(p.geonameid),
        }
    }
}

/// Words joined into a place's name between capitalised words.
const CONNECTORS: &[&str] = &[
    "of", "de", "del", "la", "le", "du", "da", "upon", "on", "and", "el", "al",
];

/// Countries' codes as news writes them.
const WRITTEN_CODES: &[&str] = &[
    "US", "USA", "UK", "UAE", "DRC", "PRC", "ROK", "DPRK", "USSR", "KSA", "NZ", "RSA",
];

/// Titles and words before a person's name: what follows is a person.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "president",
    "judge",
    "justice",
    "officer",
    "sheriff",
    "chief",
    "coach",
    "rev",
    "reverend",
    "pastor",
    "father",
    "sister",
    "brother",
    "deputy",
    "sgt",
    "sergeant",
    "lt",
    "lieutenant",
    "capt",
    "captain",
    "col",
    "colonel",
    "gen",
    "general",
    "maj",
    "major",
    "cpl",
    "corporal",
    "pvt",
    "private",
    "prof",
    "professor",
    "mayor",
    "councilman",
    "councilwoman",
    "commissioner",
    "superintendent",
    "detective",
    "trooper",
    "st",
    "saint",
    "king",
    "queen",
    "prince",
    "princess",
    "lord",
    "lady",
    "sir",
    "pope",
    "bishop",
    "minister",
    "secretary",
    "director",
    "attorney",
    "spokesman",
    "spokeswoman",
    "manager",
    "principal",
    "agent",
    "inspector",
    "chairman",
];

/// Words after a street's name.
pub(super) const STREETS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "av",
    "boulevard",
    "blvd",
    "drive",
    "dr",
    "lane",
    "ln",
    "way",
    "pike",
    "highway",
    "hwy",
    "court",
    "ct",
    "circle",
    "cir",
    "parkway",
    "pkwy",
    "trail",
    "terrace",
    "expressway",
    "freeway",
    "turnpike",
    "alley",
    "square",
    "plaza",
];

/// Words after a place's name in the name of something in it ("Ohio State
/// University", "Dawson County Jail"): the place is still named.
const INSTITUTIONS: &[&str] = &[
    "police",
    "fire",
    "department",
    "dept",
    "county",
    "city",
    "school",
    "schools",
    "high",
    "middle",
    "elementary",
    "university",
    "college",
    "hospital",
    "medical",
    "center",
    "centre",
    "church",
    "bank",
    "company",
    "corp",
    "council",
    "board",
    "commission",
    "court",
    "airport",
    "station",
    "times",
    "post",
    "herald",
    "news",
    "tribune",
    "journal",
    "gazette",
    "daily",
    "zoo",
    "museum",
    "library",
    "club",
    "chamber",
    "authority",
    "housing",
    "transit",
    "public",
    "state",
    "national",
    "international",
    "community",
    "regional",
    "area",
    "health",
    "water",
    "electric",
    "power",
    "energy",
    "sheriff",
    "sheriff's",
    "office",
    "parks",
    "recreation",
    "fair",
    "festival",
    "jail",
    "correctional",
    "prison",
    "district",
    "township",
    "village",
    "town",
    "region",
    "province",
    "government",
    "legislature",
    "assembly",
    "senate",
    "house",
    "parliament",
    "army",
    "forces",
    "ministry",
    "embassy",
    "consulate",
    "republic",
    "federation",
    "union",
    "league",
    "association",
    "institute",
    "foundation",
    "society",
    "party",
    "county's",
    "city's",
    "valley",
    "river",
    "lake",
    "mountains",
    "mountain",
    "bay",
    "beach",
    "island",
    "islands",
    "coast",
    "border",
    "metro",
    "cathedral",
    "mall",
    "hotel",
    "theater",
    "theatre",
    "stadium",
    "arena",
    "park",
    "memorial",
    "general",
    "regional",
    "fbi",
    "swat",
    "emergency",
    "services",
    "service",
    "team",
    "squad",
    "unit",
    "patrol",
    "guard",
    "guards",
    "navy",
    "air",
    "rangers",
    "campus",
    "branch",
    "office's",
    "sandhills",
    "area's",
    "officials",
    "authorities",
    "leaders",
    "residents",
    "voters",
    "lawmakers",
    "delegation",
    "officer",
    "officers",
    "troops",
    "soldiers",
    "forces'",
    "people",
    "president",
    "prime",
    "foreign",
    "defense",
    "interior",
    "capital",
    "market",
    "markets",
];

/// Words before a place's name that do not make it part of another name
/// ("North Texas", "Greater London", "downtown Atlanta").
const LEADS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "upper",
    "lower",
    "greater",
    "downtown",
    "metro",
    "suburban",
    "rural",
    "coastal",
    "inner",
    "outer",
    "mid",
    "new",
];

/// Words a sentence often begins with that some place is named: they are
/// places there only when written out with a state or country.
const NOT_ALONE: &[&str] = &[
    "will",
    "may",
    "can",
    "said",
    "says",
    "police",
    "officials",
    "after",
    "before",
    "during",
    "since",
    "while",
    "when",
    "where",
    "but",
    "and",
    "the",
    "this",
    "that",
    "there",
    "here",
    "today",
    "tonight",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "god",
    "christmas",
    "easter",
    "president",
    "governor",
    "mayor",
    "sheriff",
    "chief",
    "officer",
    "judge",
    "court",
    "congress",
    "senate",
    "house",
    "republicans",
    "democrats",
    "republican",
    "democrat",
    "council",
    "city",
    "county",
    "state",
    "america's",
    "man",
    "woman",
    "boy",
    "girl",
    "father",
    "mother",
    "jesus",
    "christ",
    "obama",
    "bush",
    "clinton",
    "lincoln",
    "washington's",
    "union",
    "federal",
    "national",
    "university",
    "college",
    "school",
    "church",
    "hospital",
    "center",
    "street",
    "road",
    "avenue",
    "main",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "one",
    "two",
    "three",
    "new",
    "old",
    "big",
    "little",
    "good",
    "best",
    "great",
    "young",
    "early",
    "late",
    "more",
    "most",
    "all",
    "every",
    "each",
    "some",
    "many",
    "several",
    "other",
    "another",
    "both",
    "either",
    "neither",
    "no",
    "not",
    "also",
    "only",
    "just",
    "even",
    "still",
    "however",
    "meanwhile",
    "although",
    "though",
    "because",
    "if",
    "as",
    "at",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "to",
    "with",
    "about",
    "over",
    "under",
    "up",
    "down",
    "out",
    "off",
    "than",
    "then",
    "so",
    "such",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "how",
    "why",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "your",
    "he",
    "she",
    "it",
    "they",
    "we",
    "you",
    "i",
    "me",
    "him",
    "them",
    "us",
    "an",
    "a",
    "or",
    "nor",
    "yet",
    "once",
    "twice",
    "ever",
    "never",
    "always",
    "often",
    "again",
    "already",
    "soon",
    "later",
    "earlier",
    "now",
    "yesterday",
    "tomorrow",
    "well",
    "very",
    "much",
    "too",
    "chase",
    "story",
    "photo",
    "video",
    "update",
    "breaking",
    "read",
    "click",
    "comments",
    "weather",
    "sports",
    "business",
    "opinion",
    "obituaries",
    "home",
    "page",
    "top",
    "local",
    "world",
    "nation",
    "report",
    "reports",
    "reported",
    "according",
    "accord",
    "last",
    "next",
    "this",
    "those",
    "these",
    "inc",
    "co",
    "corp",
    "ltd",
    "llc",
    "jr",
    "sr",
    "ii",
    "iii",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "gen",
    "lt",
    "sgt",
    "capt",
    "col",
    "cpl",
    "st",
    "ft",
    "mt",
    "arab",
    "olympic",
    "olympics",
    "passover",
    "ramadan",
    "hamas",
    "hezbollah",
    "taliban",
    "allah",
];

/// Names of places that are, in news, something else.
const NOT_PLACES: &[&str] = &[
    "white house",
    "pentagon",
    "kremlin",
    "vatican city",
    "wall street",
    "capitol hill",
    "downing street",
];

/// Words after a single name that make it a person's: "Jones said".
const SPEECH: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "noted",
    "stated",
    "asked",
    "wrote",
    "testified",
    "agreed",
    "argued",
    "recalled",
    "replied",
    "admitted",
    "acknowledged",
    "insisted",
    "sees",
    "thinks",
    "believes",
    "hopes",
    "wants",
    "plans",
    "has",
    "had",
    "was",
    "is",
    "who",
    "whose",
];

/// Whether a word is one of `list` (case aside, a trailing dot aside).
fn one_of(w: &str, list: &[&str]) -> bool {
    let w = w.trim_end_matches('.').to_lowercase();
    list.contains(&w.as_str())
}

/// Whether `t` starts its sentence (or a quotation, or a headline's line).
fn starts_sentence(
    text: &str,
    tokens: &[Token],
    sentences: &[Range<usize>],
    k: usize,
    sentence: usize,
) -> bool {
    let first = sentences[sentence].start;
    let mut j = k;
    while j > first {
        let p = tokens[j - 1];
        if p.kind == TokenKind::Punct
            && matches!(p.text(text), "\"" | "“" | "'" | "‘" | "(" | "—" | "-" | ":")
        {
            j -= 1;
        } else {
            break;
        }
    }
    j == first
}

/// A token that can be part of a place's name: a capitalised word (or an
/// all-capital one, or a state's abbreviation "N.J.").
fn name_word(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Word && t.is_capitalised(text)
}

/// A name's places by index, each with whether the name is its demonym and
/// whether it is its own name (not another spelling).
type Candidates = Vec<(u32, bool, bool)>;

/// How much of the text around a passage is read for its context.
const AROUND: usize = 3000;

/// The places to offer for an event whose words are `spans` of `text`
/// (bytes), best first: those its words name (each's best, then the
/// others of its name), then the others of the text around, as the ranker
/// reads them in context. At most `limit`; only the text near the passages
/// is read, so a long source costs no more than a short one.
pub fn suggest(
    text: &str,
    spans: &[Range<usize>],
    g: &Gazetteer,
    near: &[LatLon],
    limit: usize,
) -> Vec<u32> {
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.start).min(),
        spans.iter().map(|s| s.end).max(),
    ) else {
        return Vec::new();
    };
    let floor = |mut b: usize| {
        b = b.min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let (a, b) = (floor(first.saturating_sub(AROUND)), floor(last + AROUND));
    let window = &text[a..b];
    let tokens = super::text::tokenize(window);
    let found = find(window, &tokens, g, near);
    let inside = |m: &PlaceMention| {
        spans
            .iter()
            .any(|s| s.start <= m.span.start + a && m.span.end + a <= s.end)
    };
    let mut out: Vec<u32> = Vec::new();
    let mut add = |p: u32| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    let (mine, others): (Vec<&PlaceMention>, Vec<&PlaceMention>) =
        found.iter().filter(|m| !m.demonym).partition(|m| inside(m));
    for m in &mine {
        m.best().into_iter().for_each(&mut add);
    }
    for m in &mine {
        m.candidates
            .iter()
            .skip(1)
            .take(3)
            .for_each(|&(p, _)| add(p));
    }
    for m in &others {
        m.best().into_iter().for_each(&mut add);
    }
    out.truncate(limit);
    out
}

/// The places named in `text`, resolved.
pub fn find(text: &str, tokens: &Tokens, g: &Gazetteer, near: &[LatLon]) -> Vec<PlaceMention> {
    let toks = &tokens.tokens;
    let mut sentence_of = vec![0usize; toks.len()];
    for (s, r) in tokens.sentences.iter().enumerate() {
        for k in r.clone() {
            sentence_of[k] = s;
        }
    }
    let persons = persons(text, toks, g);
    let mut found: Vec<(Range<usize>, Range<usize>, Candidates)> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if !name_word(text, &toks[k]) {
            k += 1;
            continue;
        }
        // The capitalised run from here: its end (exclusive).
        let mut run_end = k;
        while run_end < toks.len() {
            let t = &toks[run_end];
            let joins = run_end > k
                && t.kind == TokenKind::Word
                && one_of(t.text(text), CONNECTORS)
                && toks.get(run_end + 1).is_some_and(|n| name_word(text, n));
            if name_word(text, t) || joins {
                run_end += 1;
            } else {
                break;
            }
        }
        // Inside the run, the longest names first, from its start on.
        let mut i = k;
        while i < run_end {
            // A state's abbreviation glued by its dots: "Ind.", "W.Va.".
            if let Some((len, cands)) = glued(text, toks, i, g) {
                let span = toks[i].start..toks[i + len - 1].end;
                if keep_glued(text, &cands, g) {
                    found.push((span, i..i + len, cands));
                }
                i += len;
                if i > run_end {
                    break;
                }
                continue;
            }
            let mut matched = None;
            let longest = (run_end - i).min(6);
            for len in (1..=longest).rev() {
                let last = i + len - 1;
                if one_of(toks[last].text(text), CONNECTORS) {
                    continue;
                }
                let mut name = String::new();
                for t in &toks[i..=last] {
                    if !name.is_empty() {
                        name.push(' ');
                    }
                    name.push_str(t.text(text));
                }
                // A possessive is its place: "Georgia's".
                let name = name
                    .strip_suffix("'s")
                    .or_else(|| name.strip_suffix("’s"))
                    .unwrap_or(&name)
                    .to_string();
                if one_of(&name, NOT_PLACES) {
                    break;
                }
                let hits = g.named(&name);
                if hits.is_empty() {
                    continue;
                }
                let cands: Candidates = hits
                    .iter()
                    .map(|h| {
                        (
                            g.index_of(h.place) as u32,
                            h.demonym,
                            h.matched == h.place.name,
                        )
                    })
                    .collect();
                matched = Some((len, cands));
                break;
            }
            let Some((len, cands)) = matched else {
                i += 1;
                continue;
            };
            let span_tokens = i..i + len;
            let person = len == 1 && persons.contains(&crate::filter::fold(toks[i].text(text)));
            if !person
                && keep(
                    text,
                    toks,
                    &tokens.sentences,
                    &sentence_of,
                    span_tokens.clone(),
                    k..run_end,
                    &cands,
                    g,
                    &persons,
                )
            {
                let span = toks[i].start..toks[i + len - 1].end;
                // A possessive's "'s" is not the place's.
                let mut span = span;
                for s in ["'s", "’s"] {
                    if text[span.clone()].ends_with(s) {
                        span.end -= s.len();
                    }
                }
                found.push((span, span_tokens, cands));
            }
            i += len;
        }
        // (A name glued by dots may end past the run.)
        k = run_end.max(i).max(k + 1);
    }
    let mut mentions: Vec<PlaceMention> = found
        .into_iter()
        .map(|(span, toks_range, cands)| {
            let demonym = cands.iter().all(|c| c.1);
            PlaceMention {
                span,
                sentence: sentence_of[toks_range.start],
                demonym,
                candidates: cands
                    .iter()
                    .map(|c| (c.0, if c.2 { 0.5 } else { 0.0 }))
                    .collect(),
                fallback: false,
            }
        })
        .collect();
    rank(text, &mut mentions, g, near);
    mentions
}

/// Whether the name found at `span` (inside the capitalised run `run`)
/// reads as a place here.
#[allow(clippy::too_many_arguments)]
fn keep(
    text: &str,
    toks: &[Token],
    sentences: &[Range<usize>],
    sentence_of: &[usize],
    span: Range<usize>,
    run: Range<usize>,
    cands: &[(u32, bool, bool)],
    g: &Gazetteer,
    persons: &rustc_hash::FxHashSet<String>,
) -> bool {
    let first = toks[span.start];
    let word = first.text(text);
    let lower = crate::filter::fold(word.trim_end_matches('.'));
    let single = span.len() == 1;
    let big = cands.iter().any(|&(p, demonym, _)| {
        let p = g.place(p as usize);
        demonym || matches!(p.kind, Kind::Country | Kind::Region) || p.population >= 100_000
    });
    let any_city_only = cands
        .iter()
        .all(|&(p, _, _)| matches!(g.place(p as usize).kind, Kind::City | Kind::County));
    let before = span.start.checked_sub(1).map(|p| toks[p]);
    let after = toks.get(span.end).copied();
    let sentence = sentence_of[span.start];
    // After a title, a person.
    if let Some(b) = before
        && one_of(b.text(text), TITLES)
    {
        return false;
    }
    // Before a street's word, a street.
    if let Some(a) = after
        && a.kind == TokenKind::Word
        && one_of(a.text(text), STREETS)
        && name_word(text, &a)
    {
        return false;
    }
    // In a longer run of names: a person's or a thing's name around it.
    if span.start > run.start {
        let b = toks[span.start - 1];
        let connector = one_of(b.text(text), CONNECTORS);
        let lead = one_of(b.text(text), LEADS);
        if !connector && !lead && any_city_only {
            // "George Washington", "Lake Charles Smith".
            return false;
        }
    }
    if span.end < run.end {
        let a = toks[span.end];
        let institution = one_of(a.text(text), INSTITUTIONS)
            || a.text(text).chars().all(|c| c.is_uppercase() || c == '.');
        // Two names alone ("Paris Hilton"), the second a person's.
        let pair = (span.start == run.start || one_of(toks[span.start - 1].text(text), CONNECTORS))
            && toks.get(span.end + 1).is_none_or(|n| !name_word(text, n));
        let country = cands
            .iter()
            .any(|&(p, demonym, _)| demonym || matches!(g.place(p as usize).kind, Kind::Country));
        // A word that is only another spelling of a place's name, first of
        // longer name: a person's ("Ahmad Khan Rahami", not Al Ahmadi).
        let spelling = single && cands.iter().all(|&(_, demonym, own)| !own && !demonym);
        if !institution
            && (!big
                || spelling
                || (pair && !country && persons.contains(&crate::filter::fold(a.text(text)))))
            && !one_of(a.text(text), CONNECTORS)
        {
            // "Paris Hilton", "Jordan Smith".
            return false;
        }
    }
    // An acronym names a country or a state, not a town ("KBR", "TIF").
    let short_caps = word.len() <= 5
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if single && short_caps && !word.contains('.') {
        // A country by a code only when it is one people write ("US",
        // "UAE"), not any ISO code ("ATF" is an agency, not the French
        // Southern Lands).
        return cands
            .iter()
            .any(|&(p, _, own)| match g.place(p as usize).kind {
                Kind::Region => true,
                Kind::Country => own || WRITTEN_CODES.contains(&word),
                _ => false,
            });
    }
    // "Jones said": a person.
    if single
        && after.is_some_and(|a| one_of(a.text(text), SPEECH))
        && !cands.iter().any(|&(p, demonym, _)| {
            demonym || matches!(g.place(p as usize).kind, Kind::Country | Kind::Region)
        })
    {
        return false;
    }
    if single {
        let common = g.is_word(&lower) || one_of(word, NOT_ALONE);
        let at_start = starts_sentence(text, toks, sentences, span.start, sentence);
        let all_caps = word.len() > 3 && word.chars().all(|c| !c.is_lowercase());
        // What is written beside it: "Alliance, Neb.", "in Mobile".
        // ("Linden, New Jersey": the state's name may be of several words.)
        let qualified = after.is_some_and(|a| a.text(text) == ",")
            && (1..=3).any(|n| {
                let words =
                    &toks[(span.end + 1).min(toks.len())..(span.end + 1 + n).min(toks.len())];
                words.len() == n
                    && words.iter().all(|w| name_word(text, w))
                    && g.named(&text[words[0].start..words[n - 1].end])
                        .iter()
                        .any(|h| matches!(h.place.kind, Kind::Region | Kind::Country))
            });
        let located = before.is_some_and(|b| {
            one_of(
                b.text(text),
                &[
                    "in",
                    "at",
                    "near",
                    "from",
                    "to",
                    "outside",
                    "across",
                    "throughout",
                    "around",
                    "into",
                    "of",
                    "toward",
                    "towards",
                    "via",
                    "between",
                ],
            )
        });
        if one_of(word, NOT_ALONE) && !qualified && word != "US" {
            return false;
        }
        if common && !qualified && !(located && !at_start && big) {
            return false;
        }
        if at_start && !big && !qualified && !located && !all_caps {
            // A sentence's first word: a place only when it is a known one.
            return cands
                .iter()
                .any(|&(p, _, own)| own && g.place(p as usize).population >= 20_000);
        }
        // Short names and initials: "Ga" is no place without its dot.
        if word.chars().count() <= 2 && !word.ends_with('.') && word != "US" && word != "UK" {
            return false;
        }
    }
    true
}

/// A name glued by dots from token `i` on ("Ind.", "W.Va.", "N.J."): how
/// many tokens it takes, and its places.
fn glued(text: &str, toks: &[Token], i: usize, g: &Gazetteer) -> Option<(usize, Candidates)> {
    let mut end = i + 1;
    while end < toks.len()
        && end - i < 5
        && toks[end].start == toks[end - 1].end
        && (toks[end].text(text) == "." || toks[end].kind == TokenKind::Word)
    {
        end += 1;
    }
    (2..=end - i).rev().find_map(|len| {
        let last = toks[i + len - 1];
        if last.text(text) != "." {
            return None;
        }
        let name = &text[toks[i].start..last.end];
        let hits = g.named(name);
        (!hits.is_empty()).then(|| {
            (
                len,
                hits.iter()
                    .map(|h| {
                        (
                            g.index_of(h.place) as u32,
                            h.demonym,
                            h.matched == h.place.name,
                        )
                    })
                    .collect(),
            )
        })
    })
}

/// A glued abbreviation is a place when it names a state or a country
/// ("Ind.", "Ga."), not a town's alternate spelling.
fn keep_glued(_text: &str, cands: &[(u32, bool, bool)], g: &Gazetteer) -> bool {
    cands
        .iter()
        .any(|&(p, _, _)| matches!(g.place(p as usize).kind, Kind::Country | Kind::Region))
}

/// The words of a text that name people: the last word of a capitalised
/// run of two or three words that is no place ("Mary Jones": "jones"), and
/// a word after a title ("Mr. Lincoln": "lincoln"), folded.
fn persons(text: &str, toks: &[Token], g: &Gazetteer) -> rustc_hash::FxHashSet<String> {
    let mut out = rustc_hash::FxHashSet::default();
    let mut k = 0;
    while k < toks.len() {
        if !name_word(text, &toks[k]) {
            k += 1;
            continue;
        }
        let mut end = k;
        while end < toks.len() && name_word(text, &toks[end]) {
            end += 1;
        }
        let words: Vec<&str> = toks[k..end].iter().map(|t| t.text(text)).collect();
        let after_title = k > 0 && one_of(toks[k - 1].text(text), TITLES);
        let named = (2..=3).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().any(char::is_lowercase) && !w.contains('.'))
            && !one_of(words[0], LEADS)
            && !one_of(words[0], TITLES)
            && !words
                .iter()
                .any(|w| one_of(w, INSTITUTIONS) || one_of(w, STREETS) || one_of(w, NOT_ALONE))
            && g.named(&words.join(" ")).is_empty()
            && !g
                .named(words[0])
                .iter()
                .any(|h| h.demonym || h.place.kind == Kind::Country);
        if after_title || named {
            out.insert(crate::filter::fold(words[words.len() - 1]));
        }
        k = end;
    }
    out
}

/// How much the article's countries, states and nearness weigh against
/// a place's size (a tenfold larger town is one more).
const COUNTRY_VOTE: f64 = 2.5;
const STATE_VOTE: f64 = 2.5;
const NEAR: f64 = 1.5;
/// Half of `NEAR` this far from another place of the article, in km.
const NEAR_KM: f64 = 80.0;

/// Ranks each mention's candidates by what they are and what the text
/// says around them; best first. A name the gazetteer does not know falls
/// back to where the article is (its most named town, else its state),
/// with a radius of at least [`FALLBACK_KM`].
fn rank(text: &str, mentions: &mut [PlaceMention], g: &Gazetteer, near: &[LatLon]) {
    // The prior: a country or a state before a town of its name; a larger
    // town before a smaller one.
    let prior = |p: u32, own: f64, demonym: bool| -> f64 {
        let place = g.place(p as usize);
        let size = match place.kind {
            Kind::Area => 7.0,
            Kind::Country => 7.5,
            // A state before a county-sized division of a name.
            Kind::Region => 4.5 + 2.0 * (f64::from(place.radius_km) / 150.0).min(1.0),
            Kind::County => 4.0,
            Kind::City => (f64::from(place.population.max(1))).log10(),
        };
        // A town found by its own name before one found by an old or
        // foreign spelling of it.
        let own = if place.kind == Kind::City {
            2.0 * own
        } else {
            own
        };
        size + own + if demonym { 0.5 } else { 0.0 }
    };
    let base: Vec<Vec<(u32, f64)>> = mentions
        .iter()
        .map(|m| {
            m.candidates
                .iter()
                .map(|&(p, own)| (p, prior(p, own, m.demonym)))
                .collect()
        })
        .collect();
    // The place written right after a name: "Elizabeth, New Jersey".
    let qualifier: Vec<Option<usize>> = (0..mentions.len())
        .map(|i| {
            let next = mentions.get(i + 1)?;
            let between = text.get(mentions[i].span.end..next.span.start)?.trim();
            matches!(between, "," | "(").then_some(i + 1)
        })
        .collect();
    // "The Chelsea neighborhood of Manhattan": a place inside another, the
    // latter named just after (its index).
    let inside_of: Vec<Option<usize>> = (0..mentions.len())
        .map(|i| {
            let next = mentions.get(i + 1)?;
            let between = text
                .get(mentions[i].span.end..next.span.start)?
                .trim()
                .to_lowercase();
            let words: Vec<&str> = between.split_whitespace().collect();
            matches!(
                words[..],
                [
                    "neighborhood"
                        | "neighbourhood"
                        | "district"
                        | "section"
                        | "suburb"
                        | "part"
                        | "borough",
                    "of" | "in"
                ] | [
                    ",",
                    "a",
                    "neighborhood" | "neighbourhood" | "district" | "suburb" | "village" | "town",
                    "in" | "of"
                ] | ["in" | "outside" | "near"]
            )
            .then_some(i + 1)
        })
        .collect();
    // A name followed by "area", "region", "province": the region, not its town.
    let regional: Vec<bool> = mentions
        .iter()
        .map(|m| {
            let after = text[m.span.end..].trim_start();
            let next = after
                .split(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("")
                .to_lowercase();
            [
                "area",
                "region",
                "province",
                "oblast",
                "governorate",
                "state",
                "district",
                "county",
            ]
            .contains(&next.as_str())
        })
        .collect();
    // Whether `outer` (a country or a division) holds `inner`.
    let holds = |outer: &crate::gazetteer::Place, inner: &crate::gazetteer::Place| match outer.kind
    {
        Kind::Country => g.country_code(outer) == g.country_code(inner),
        Kind::Region | Kind::County => {
            g.country_code(outer) == g.country_code(inner)
                && outer.admin1() == inner.admin1()
                && inner.kind != outer.kind
                && inner.kind != Kind::Country
        }
        Kind::City | Kind::Area => false,
    };
    let best_of = |scored: &[(u32, f64)]| {
        scored
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|&(p, _)| p)
    };
    // Each mention's name, folded: what its votes are counted by.
    let folded: Vec<String> = mentions
        .iter()
        .map(|m| crate::filter::fold(text[m.span.clone()].trim()))
        .collect();
    let names: Vec<&str> = folded.iter().map(String::as_str).collect();
    let mut scores = base.clone();
    let mut chosen: Vec<Option<u32>> = base.iter().map(|c| best_of(c)).collect();
    for _round in 0..3 {
        // What the article is about: the countries and states of the
        // places chosen, by how often (each mention's own vote left out).
        // Each name votes once (a town named ten times is one voice), and
        // a name does not vote for its own reading.
        let mut voters: Vec<(&str, u32)> = Vec::new();
        for (i, p) in chosen.iter().enumerate() {
            if let Some(p) = p
                && !voters.iter().any(|(n, _)| *n == names[i])
            {
                voters.push((names[i], *p));
            }
        }
        for (i, cands) in base.iter().enumerate() {
            let mut countries: rustc_hash::FxHashMap<&str, f64> = Default::default();
            let mut states: rustc_hash::FxHashMap<(&str, &str), f64> = Default::default();
            let (mut total, mut with_state) = (0.0f64, 0.0f64);
            for &(name, p) in &voters {
                if name == names[i] {
                    continue;
                }
                let place = g.place(p as usize);
                let cc = g.country_code(place);
                *countries.entry(cc).or_default() += 1.0;
                if !matches!(place.kind, Kind::Country | Kind::Area) {
                    *states.entry((cc, place.admin1())).or_default() += 1.0;
                    with_state += 1.0;
                }
                total += 1.0;
            }
            let others = total.max(1.0);
            let with_state = with_state.max(1.0);
            scores[i] = cands
                .iter()
                .map(|&(p, prior)| {
                    let place = g.place(p as usize);
                    let cc = g.country_code(place);
                    let mut score = prior;
                    let votes = countries.get(cc).copied().unwrap_or(0.0);
                    score += COUNTRY_VOTE * votes / others;
                    if !matches!(place.kind, Kind::Country | Kind::Area) {
                        let votes = states.get(&(cc, place.admin1())).copied().unwrap_or(0.0);
                        score += STATE_VOTE * votes / with_state;
                    }
                    // A state that holds the article's other places.
                    if place.kind == Kind::Region {
                        let held = voters
                            .iter()
                            .filter(|(n, _)| *n != names[i])
                            .any(|&(_, q)| holds(place, g.place(q as usize)));
                        if held {
                            score += NEAR;
                        }
                    }
                    // Near the other places chosen.
                    if matches!(place.kind, Kind::City | Kind::County) {
                        let d = voters
                            .iter()
                            .filter(|(n, _)| *n != names[i])
                            .map(|&(_, q)| haversine_km(g.place(q as usize).point, place.point))
                            .fold(f64::INFINITY, f64::min);
                        if d.is_finite() {
                            score += NEAR * 0.5f64.powf(d / NEAR_KM);
                        }
                    }
                    // Near the data set's places.
                    let d = near
                        .iter()
                        .map(|q| haversine_km(*q, place.point))
                        .fold(f64::INFINITY, f64::min);
                    if d.is_finite() {
                        score += 2.0 * 0.5f64.powf(d / 150.0);
                    }
                    // Inside the place named after it, or not at all.
                    if let Some(outer) = inside_of[i].and_then(|j| chosen[j]) {
                        let outer = g.place(outer as usize);
                        let d = haversine_km(outer.point, place.point);
                        if d <= f64::from(outer.radius_km) + 5.0 || holds(outer, place) {
                            score += 6.0;
                        } else {
                            score -= 6.0;
                        }
                    }
                    if regional[i] && matches!(place.kind, Kind::Region | Kind::County) {
                        score += 3.0;
                    }
                    // Written with its state or country beside it.
                    if let Some(q) = qualifier[i].and_then(|j| chosen[j])
                        && holds(g.place(q as usize), place)
                    {
                        score += 6.0;
                    }
                    (p, score)
                })
                .collect();
        }
        let mut next: Vec<Option<u32>> = scores.iter().map(|s| best_of(s)).collect();
        // A qualifier takes the reading its town gives it: "Georgia" after
        // "Athens, " is the state when Athens is the town in it.
        for (i, q) in qualifier.iter().enumerate() {
            let (Some(j), Some(town)) = (*q, next[i]) else {
                continue;
            };
            let town = g.place(town as usize);
            if let Some(&(p, _)) = scores[j]
                .iter()
                .filter(|&&(p, _)| holds(g.place(p as usize), town))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            {
                let top = scores[j].iter().map(|s| s.1).fold(f64::MIN, f64::max);
                if let Some(s) = scores[j].iter_mut().find(|s| s.0 == p) {
                    s.1 = top + 1.0;
                }
                next[j] = Some(p);
            }
        }
        chosen = next;
    }
    // Where the article is: its most named town (or county), else state,
    // else country; what a name the gazetteer does not know falls back to.
    let mut counts: rustc_hash::FxHashMap<u32, usize> = Default::default();
    for p in chosen.iter().flatten() {
        *counts.entry(*p).or_default() += 1;
    }
    let by_kind = |kinds: &[Kind]| {
        counts
            .iter()
            .filter(|(p, _)| kinds.contains(&g.place(**p as usize).kind))
            .max_by_key(|&(p, n)| (*n, std::cmp::Reverse(*p)))
            .map(|(p, _)| *p)
    };
    let focus = by_kind(&[Kind::City, Kind::County])
        .or_else(|| by_kind(&[Kind::Region]))
        .or_else(|| by_kind(&[Kind::Country]));
    for (i, (m, mut s)) in mentions.iter_mut().zip(scores).enumerate() {
        s.sort_by(|a, b| b.1.total_cmp(&a.1));
        m.candidates = s;
        // Said to be inside a place that holds none of its namesakes ("the
        // Chelsea neighborhood of Manhattan"): the place that holds it.
        if let Some(outer) = inside_of[i].and_then(|j| chosen[j]) {
            let o = g.place(outer as usize);
            let inside = |p: u32| {
                let p = g.place(p as usize);
                haversine_km(o.point, p.point) <= f64::from(o.radius_km) + 5.0 || holds(o, p)
            };
            if !m.candidates.iter().any(|&(p, _)| inside(p))
                && !matches!(o.kind, Kind::Country | Kind::Area)
            {
                m.candidates.insert(0, (outer, f64::INFINITY));
                m.fallback = true;
                continue;
            }
        }
        if m.candidates.is_empty()
            && let Some(f) = focus
        {
            m.candidates.push((f, f64::NEG_INFINITY));
            m.fallback = true;
        }
    }
}

/// The least radius of a place a name falls back to (km).
pub const FALLBACK_KM: f64 = 25.0;

/// How the text writes dates as numbers: day first, unless its dates
/// show the month first (a second number over 12) or it is an American
/// text (its places in the United States, "U.S.", a state's abbreviation).
pub fn date_order(text: &str) -> super::dates::Order {
    super::dates::order_of(text)
}

/// The places at exactly these spans of `text` (bytes), resolved together
/// as they would be had they been found.
pub fn resolve_spans(
    text: &str,
    spans: &[Range<usize>],
    g: &Gazetteer,
    near: &[LatLon],
) -> Vec<PlaceMention> {
    let tokens = super::text::tokenize(text);
    let sentence_at = |b: usize| {
        tokens
            .sentences
            .iter()
            .position(|r| tokens.tokens.get(r.end - 1).is_some_and(|t| t.end >= b))
            .unwrap_or(0)
    };
    let mut mentions: Vec<PlaceMention> = spans
        .iter()
        .map(|span| {
            let name = text.get(span.clone()).unwrap_or("").trim();
            let name = name
                .strip_suffix("'s")
                .or_else(|| name.strip_suffix("’s"))
                .unwrap_or(name);
            let mut hits = g.named(name);
            if hits.is_empty() {
                // "the Gaza Strip", "Georgia's": the name without its article.
                let trimmed = name.trim_start_matches("the ").trim_start_matches("The ");
                hits = g.named(trimmed);
            }
            let demonym = !hits.is_empty() && hits.iter().all(|h| h.demonym);
            PlaceMention {
                span: span.clone(),
                sentence: sentence_at(span.start),
                demonym,
                candidates: hits
                    .iter()
                    .map(|h| {
                        (
                            g.index_of(h.place) as u32,
                            if h.matched == h.place.name { 0.5 } else { 0.0 },
                        )
                    })
                    .collect(),
                fallback: false,
            }
        })
        .collect();
    rank(text, &mut mentions, g, near);
    mentions
}

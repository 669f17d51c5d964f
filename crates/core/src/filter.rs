//! What is shown: one [`Filter`] for every view (markers and clusters, the
//! timeline and its histogram, next and previous, the counts, Fit, export)
//! and for the command line, so that a script gets exactly what the app
//! shows.
//!
//! A filter is a value: a time window, categories hidden, actors, words,
//! precisions, sources and a box. [`Filter::flags`] applies it to a table on
//! every core, in one pass. Words are looked up in a [`SearchIndex`], the
//! events' own text folded once (case and accents set aside).
//!
//! Time: an event is in a window when its time overlaps it, by its whole
//! span (a month-precise event overlaps every day of its month; it is never
//! put on a guessed day). Undated and disputed events are in no window: they
//! are shown with a window only when asked for (`include_undated`).

use std::collections::BTreeSet;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rayon::prelude::*;

use crate::common_words::CommonWords;
use crate::model::{BBox, Precision, Reliability};
use crate::store::{EventTable, Store, TimeKind};

/// What is shown. The default shows everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// The first and last second shown (UTC, inclusive).
    pub window: Option<(i64, i64)>,
    /// Undated and disputed events are shown with a window too.
    pub include_undated: bool,
    /// Categories not shown, by id.
    pub hidden_categories: BTreeSet<String>,
    /// Events with an actor whose name holds one of these (any case);
    /// empty: any actor, or none.
    pub actors: Vec<String>,
    /// Words every event shown holds, somewhere in its own text (any case,
    /// any accents); empty: no words asked for.
    pub text: String,
    /// Precisions shown; empty: all, and events of no stated precision.
    pub precisions: BTreeSet<Precision>,
    /// Sources one of which an event shown cites, by name; empty: any.
    pub sources: BTreeSet<String>,
    /// Reliabilities (Admiralty, A–F) of the most reliable source an event
    /// shown cites; empty: any, and events of no graded source.
    pub reliabilities: BTreeSet<Reliability>,
    /// The box an event's marker is in (inclusive); events with no place
    /// are outside every box.
    pub bbox: Option<BBox>,
}

/// Each event's verdict: [`BASE`] when every part but the time window lets
/// it through, [`IN_WINDOW`] when the window does. Shown: both.
pub type Flags = Vec<u8>;
pub const BASE: u8 = 1;
pub const IN_WINDOW: u8 = 2;
pub const SHOWN: u8 = BASE | IN_WINDOW;

impl Filter {
    /// Whether it shows every event.
    pub fn is_everything(&self) -> bool {
        *self == Filter::default()
    }

    /// Whether the words need a [`SearchIndex`].
    pub fn needs_text(&self) -> bool {
        !words(&self.text).is_empty()
    }

    /// Whether the sources need a [`SearchIndex`] (it knows what each cites).
    pub fn needs_sources(&self) -> bool {
        !self.sources.is_empty()
    }

    /// Each event's [`Flags`], on every core. `search` is needed when the
    /// filter has words or sources (see [`Filter::needs_text`]); without it
    /// they match nothing.
    pub fn flags(&self, table: &EventTable, search: Option<&SearchIndex>) -> Flags {
        self.flags_found(table, search, None)
    }

    /// [`Filter::flags`], given the events holding the filter's words when
    /// they were found already (`found`, by event: a search of the same
    /// words), so they are not looked for twice.
    pub fn flags_found(
        &self,
        table: &EventTable,
        search: Option<&SearchIndex>,
        found: Option<&[bool]>,
    ) -> Flags {
        let categories: Vec<bool> = table
            .meta
            .categories
            .iter()
            .map(|c| !self.hidden_categories.contains(&c.id))
            .collect();
        let actor_words: Vec<String> = self.actors.iter().map(|a| fold(a.trim())).collect();
        let names = table.actor_names();
        // Which actor names match, once per name rather than per event.
        let actor_ok: Vec<bool> = if actor_words.is_empty() {
            Vec::new()
        } else {
            (0..names.len())
                .into_par_iter()
                .map(|k| {
                    let name = fold(names.get(k as u32));
                    actor_words.iter().any(|w| name.contains(w.as_str()))
                })
                .collect()
        };
        let hits: Option<Option<std::borrow::Cow<'_, [bool]>>> = self.needs_text().then(|| {
            found
                .map(std::borrow::Cow::Borrowed)
                .or_else(|| search.map(|s| std::borrow::Cow::Owned(s.find(&self.text))))
        });
        let source_ids: Option<Vec<u32>> = self.needs_sources().then(|| {
            search.map_or_else(Vec::new, |s| {
                s.source_names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| self.sources.contains(n.as_str()))
                    .map(|(k, _)| k as u32)
                    .collect()
            })
        });
        (0..table.len())
            .into_par_iter()
            .map(|i| {
                let base = table.category(i).is_none_or(|c| categories[c])
                    && (actor_words.is_empty() || table.actor_ids(i).any(|a| actor_ok[a as usize]))
                    && (self.precisions.is_empty()
                        || table
                            .precision(i)
                            .is_some_and(|p| self.precisions.contains(&p)))
                    && (self.reliabilities.is_empty()
                        || table
                            .reliability(i)
                            .is_some_and(|r| self.reliabilities.contains(&r)))
                    && self.bbox.is_none_or(|b| {
                        table.point(i).is_some_and(|p| {
                            (b.sw.lat..=b.ne.lat).contains(&p.lat)
                                && (b.sw.lon..=b.ne.lon).contains(&p.lon)
                        })
                    })
                    && match &hits {
                        None => true,
                        Some(None) => false,
                        Some(Some(h)) => h[i],
                    }
                    && match (&source_ids, search) {
                        (None, _) => true,
                        (Some(ids), Some(s)) => s.sources(i).iter().any(|k| ids.contains(k)),
                        (Some(_), None) => false,
                    };
                let in_window = match self.window {
                    None => true,
                    Some((from, to)) => {
                        let t = table.time(i);
                        match t.kind() {
                            TimeKind::At | TimeKind::Between => t.start <= to && t.end >= from,
                            TimeKind::Unknown | TimeKind::Disputed => self.include_undated,
                        }
                    }
                };
                u8::from(base) | (u8::from(in_window) << 1)
            })
            .collect()
    }

    /// What it shows, in a few words for the status bar: "7 Mar 2024 – 22
    /// Mar 2024 · 2 categories hidden · “crocus”". Empty when it shows everything.
    pub fn describe(&self, tz: &TimeZone) -> String {
        let mut parts = Vec::new();
        if let Some((a, b)) = self.window {
            parts.push(window_words(a, b, tz));
            if self.include_undated {
                parts.push("with the undated".into());
            }
        }
        match self.hidden_categories.len() {
            0 => {}
            1 => parts.push("1 category hidden".into()),
            n => parts.push(format!("{n} categories hidden")),
        }
        if !self.actors.is_empty() {
            parts.push(format!("actor: {}", self.actors.join(" or ")));
        }
        if !self.precisions.is_empty() {
            let p: Vec<&str> = self.precisions.iter().map(|p| p.as_str()).collect();
            parts.push(format!("precision: {}", p.join(", ")));
        }
        if !self.reliabilities.is_empty() {
            let r: Vec<&str> = self.reliabilities.iter().map(|r| r.as_str()).collect();
            parts.push(format!("reliability: {}", r.join(", ")));
        }
        if !self.sources.is_empty() {
            parts.push(match self.sources.len() {
                1 => "1 source".to_string(),
                n => format!("{n} sources"),
            });
        }
        if let Some(b) = self.bbox {
            parts.push(format!(
                "in {:.2},{:.2} – {:.2},{:.2}",
                b.sw.lat, b.sw.lon, b.ne.lat, b.ne.lon
            ));
        }
        if self.needs_text() {
            parts.push(format!("“{}”", self.text.trim()));
        }
        parts.join(" · ")
    }
}

/// A filter as the command line words it (`--from`, `--to`, `--search`,
/// `--category`, `--actor`, `--bbox`, `--include-undated`): checked against
/// the table it will filter, so a category that is not there is an error,
/// not a filter that silently shows nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterSpec {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub search: Option<String>,
    /// Category ids shown (any of them); empty: all.
    pub categories: Vec<String>,
    pub actors: Vec<String>,
    pub bbox: Option<BBox>,
    pub include_undated: bool,
}

impl FilterSpec {
    /// The filter it asks for on `table`; days are the data set's days.
    pub fn to_filter(&self, table: &EventTable) -> Result<Filter, String> {
        if let (Some(a), Some(b)) = (self.from, self.to)
            && a > b
        {
            return Err(format!(
                "--from {a} is after --to {b}: the window would be empty"
            ));
        }
        let known: Vec<&str> = table
            .meta
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        for c in &self.categories {
            if !known.contains(&c.as_str()) {
                return Err(format!(
                    "there is no category \"{c}\" in this file; its categories are: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                ));
            }
        }
        Ok(Filter {
            window: day_window(self.from, self.to, table.tz()),
            include_undated: self.include_undated,
            hidden_categories: if self.categories.is_empty() {
                BTreeSet::new()
            } else {
                known
                    .iter()
                    .filter(|k| !self.categories.iter().any(|c| c == *k))
                    .map(|k| k.to_string())
                    .collect()
            },
            actors: self.actors.clone(),
            text: self.search.clone().unwrap_or_default(),
            bbox: self.bbox,
            ..Filter::default()
        })
    }
}

/// `SOUTH,WEST,NORTH,EAST` in degrees, as `--bbox` takes it.
pub fn parse_bbox(s: &str) -> Result<BBox, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [south, west, north, east] = parts[..] else {
        return Err(format!(
            "\"{s}\" is not a box: write SOUTH,WEST,NORTH,EAST in degrees, e.g. 55.5,37.3,56.0,37.9"
        ));
    };
    let num = |v: &str, what: &str, limit: f64| -> Result<f64, String> {
        let x: f64 = v
            .parse()
            .map_err(|_| format!("\"{v}\" is not a number ({what} of the box)"))?;
        if !x.is_finite() || x.abs() > limit {
            return Err(format!("{what} {v} is out of range (±{limit})"));
        }
        Ok(x)
    };
    let (s_, w) = (num(south, "south", 90.0)?, num(west, "west", 180.0)?);
    let (n, e) = (num(north, "north", 90.0)?, num(east, "east", 180.0)?);
    if s_ > n || w > e {
        return Err(format!(
            "the box {s} is upside down: SOUTH must not exceed NORTH, nor WEST EAST"
        ));
    }
    Ok(BBox {
        sw: crate::model::LatLon { lat: s_, lon: w },
        ne: crate::model::LatLon { lat: n, lon: e },
    })
}

/// How many choices of each facet are listed (the most frequent first).
pub const MAX_FACET: usize = 30;

/// Counts of the events shown, by each thing a filter can choose: what the
/// filter panel shows beside each choice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    /// By category index.
    pub categories: Vec<u32>,
    /// Events with no category.
    pub uncategorised: u32,
    /// By precision, and (last) events of no stated precision.
    pub precisions: Vec<(Option<Precision>, u32)>,
    /// By the reliability of the best source cited, and (last) events of
    /// no graded source.
    pub reliabilities: Vec<(Option<Reliability>, u32)>,
    /// The most frequent actors, by name.
    pub actors: Vec<(String, u32)>,
    /// The most frequent sources cited, by name (when the search index is built).
    pub sources: Vec<(String, u32)>,
}

impl Facets {
    /// Counts the events of `table` whose flags are [`SHOWN`] (all when `flags` is `None`).
    pub fn count(
        table: &EventTable,
        flags: Option<&Flags>,
        search: Option<&SearchIndex>,
    ) -> Facets {
        let n = table.len();
        let ncat = table.meta.categories.len();
        let nactors = table.actor_names().len();
        let nsources = search.map_or(0, |s| s.source_names.len());
        const CHUNK: usize = 1 << 15;
        let shown = |i: usize| flags.is_none_or(|f| f[i] == SHOWN);
        let range = |c: usize| c * CHUNK..((c + 1) * CHUNK).min(n);
        // One pass on every core, a chunk at a time: category, precision
        // (its code: 0 none, else its place in `Precision::ALL` plus one),
        // actor and source counts.
        let zero = || {
            (
                vec![0u32; ncat + 1],
                [0u32; 8],
                vec![0u32; nactors],
                vec![0u32; nsources],
                [0u32; 7],
            )
        };
        let (cats, precisions, actors, sources, grades) = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut acc = zero();
                for i in range(c).filter(|&i| shown(i)) {
                    acc.0[table.category(i).unwrap_or(ncat)] += 1;
                    acc.1[match table.precision_code(i) {
                        0 => 7,
                        p => usize::from(p - 1).min(6),
                    }] += 1;
                    for a in table.actor_ids(i) {
                        acc.2[a as usize] += 1;
                    }
                    if let Some(s) = search {
                        for &k in s.sources(i) {
                            acc.3[k as usize] += 1;
                        }
                    }
                    acc.4[table.reliability(i).map_or(6, |r| r as usize)] += 1;
                }
                acc
            })
            .reduce(zero, |mut a, b| {
                a.0.iter_mut().zip(b.0).for_each(|(x, y)| *x += y);
                a.1.iter_mut().zip(b.1).for_each(|(x, y)| *x += y);
                a.2.iter_mut().zip(b.2).for_each(|(x, y)| *x += y);
                a.3.iter_mut().zip(b.3).for_each(|(x, y)| *x += y);
                a.4.iter_mut().zip(b.4).for_each(|(x, y)| *x += y);
                a
            });
        let top = |counts: Vec<u32>, name: &dyn Fn(usize) -> String| {
            let mut v: Vec<(String, u32)> = counts
                .into_iter()
                .enumerate()
                .filter(|(_, c)| *c > 0)
                .map(|(k, c)| (name(k), c))
                .collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v.truncate(MAX_FACET);
            v
        };
        Facets {
            categories: cats[..ncat].to_vec(),
            uncategorised: cats[ncat],
            precisions: Precision::ALL
                .iter()
                .map(|p| Some(*p))
                .chain([None])
                .zip(
                    precisions
                        .iter()
                        .take(Precision::ALL.len())
                        .chain([&precisions[7]]),
                )
                .map(|(p, c)| (p, *c))
                .collect(),
            reliabilities: Reliability::ALL
                .iter()
                .map(|r| Some(*r))
                .chain([None])
                .zip(grades)
                .collect(),
            actors: top(actors, &|k| table.actor_names().get(k as u32).to_string()),
            sources: top(sources, &|k| {
                search.map_or_else(String::new, |s| s.source_names[k].clone())
            }),
        }
    }
}

/// A time window in words, in the data set's zone: "22 Mar 2024", "7 Mar
/// 2024 – 13 Mar 2024", or "22 Mar 2024, 20:00–20:59" within a day; an
/// open end is "…".
pub fn window_words(from: i64, to: i64, tz: &TimeZone) -> String {
    let zoned = |s: i64| {
        jiff::Timestamp::from_second(s)
            .ok()
            .filter(|t| *t > jiff::Timestamp::MIN && *t < jiff::Timestamp::MAX)
            .map(|t| t.to_zoned_datetime(tz.clone()))
    };
    let day = |z: &Option<jiff::ZonedDateTime>| {
        z.as_ref().map_or("…".to_string(), |z| {
            z.date().strftime("%-d %b %Y").to_string()
        })
    };
    let (a, b) = (zoned(from), zoned(to));
    let whole_days = a
        .as_ref()
        .is_none_or(|z| z.time() == jiff::civil::Time::midnight())
        && b.as_ref()
            .is_none_or(|z| z.time() == jiff::civil::time(23, 59, 59, 0));
    match (&a, &b) {
        (Some(x), Some(y)) if x.date() == y.date() && !whole_days => format!(
            "{}, {}–{}",
            day(&a),
            x.strftime("%H:%M"),
            y.strftime("%H:%M")
        ),
        _ if day(&a) == day(&b) => day(&a),
        _ => format!("{} – {}", day(&a), day(&b)),
    }
}

/// The window from the first second of `from` to the last of `to`, days of
/// the data set's time zone (either end open when not given).
pub fn day_window(from: Option<Date>, to: Option<Date>, tz: &TimeZone) -> Option<(i64, i64)> {
    if from.is_none() && to.is_none() {
        return None;
    }
    let start = from
        .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
        .map_or(i64::MIN, |z| z.timestamp().as_second());
    let end = to
        .and_then(|d| d.tomorrow().ok())
        .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
        .map_or(i64::MAX, |z| z.timestamp().as_second() - 1);
    Some((start, end))
}

/// Text folded for searching: lower case, accents set aside (é → e,
/// ё → е), a few letters written out (ß → ss, æ → ae, ø → o, ł → l).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // Most text: lower case is all there is to do.
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] as bytes, appended to `out`; ASCII runs lowered in bulk.
pub fn fold_bytes(s: &str, out: &mut Vec<u8>) {
    let mut rest = s;
    let mut one = String::new();
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (head, tail) = rest.split_at(ascii);
        out.extend(head.bytes().map(|b| b.to_ascii_lowercase()));
        let Some(c) = tail.chars().next() else { break };
        one.clear();
        fold_into(&tail[..c.len_utf8()], &mut one);
        out.extend_from_slice(one.as_bytes());
        rest = &tail[c.len_utf8()..];
    }
}

/// The words of `store`'s events `which` (see [`Store::searched`]),
/// each folded, one after another.
pub(crate) fn read_folded(store: &Store, which: &[usize], each: &mut dyn FnMut(usize, &[u8])) {
    let mut folded = Vec::new();
    store.searched(which, &mut |i, words| {
        folded.clear();
        fold_bytes(&words.text, &mut folded);
        each(i, &folded);
    });
}

/// [`fold`], appended to `out`.
pub fn fold_into(s: &str, out: &mut String) {
    let table = fold_table();
    for c in s.chars() {
        match table.get(c as usize) {
            Some(&(start, len)) => out.push_str(
                &FOLDED.get().expect("made with the table")[start as usize..][..usize::from(len)],
            ),
            None => fold_char(c, out),
        }
    }
}

/// Each character of the Basic Multilingual Plane folded, once: where its
/// folded text starts in [`FOLDED`], and how long it is. Folding is one
/// character at a time (a decomposition's marks are dropped, and marks are
/// what canonical order moves), so a table gives what `fold_char` would.
fn fold_table() -> &'static [(u32, u8)] {
    static TABLE: std::sync::OnceLock<Vec<(u32, u8)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut folded = String::new();
        let mut table = Vec::with_capacity(0x1_0000);
        for code in 0..0x1_0000u32 {
            let start = folded.len() as u32;
            if let Some(c) = char::from_u32(code) {
                fold_char(c, &mut folded);
            }
            table.push((start, (folded.len() as u32 - start) as u8));
        }
        let _ = FOLDED.set(folded);
        table
    })
}

/// The folded text of every character of [`fold_table`], one after another.
static FOLDED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// One character folded (see [`fold`]).
fn fold_char(c: char, out: &mut String) {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    decompose_canonical(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        match d {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ı' => out.push('i'),
            'þ' | 'Þ' => out.push_str("th"),
            d => out.extend(d.to_lowercase()),
        }
    });
}

/// The words of a query, folded: what every event shown must hold.
pub(crate) fn words(query: &str) -> Vec<String> {
    terms(query).into_iter().map(|t| t.text).collect()
}

/// One thing a search asks for, folded: a word, found inside longer ones
/// as it is typed ("kab" finds Kabul), or a phrase in double quotes, its
/// words in order and whole ("Place 42" is not "Place 420"). A quote not
/// closed yet is a phrase whole at its start only, so that typing it
/// narrows step by step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    /// Whether a letter or digit may not come just before it.
    pub whole_start: bool,
    /// Whether a letter or digit may not come just after it.
    pub whole_end: bool,
}

impl Term {
    /// Whether `text` (folded) holds the term, `finder` finding its text.
    fn in_text(&self, text: &[u8], finder: &memchr::memmem::Finder) -> bool {
        if !self.whole_start && !self.whole_end {
            return finder.find(text).is_some();
        }
        finder.find_iter(text).any(|at| self.bounded(text, at))
    }

    /// Whether the occurrence at `at` in `text` is bounded as the term asks.
    fn bounded(&self, text: &[u8], at: usize) -> bool {
        let word = |s: &str| s.chars().next().is_some_and(char::is_alphanumeric);
        let before = || {
            let head = &text[..at];
            let from = (0..head.len().min(4))
                .map(|k| head.len() - 1 - k)
                .find(|&k| (head[k] as i8) >= -0x40)
                .unwrap_or(head.len());
            std::str::from_utf8(&head[from..]).is_ok_and(word)
        };
        let after = || {
            let tail = &text[at + self.text.len()..];
            let to = tail.len().min(4);
            let s = match std::str::from_utf8(&tail[..to]) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&tail[..e.valid_up_to()]).unwrap_or(""),
            };
            word(s)
        };
        let cut_at_start = self.whole_start && before();
        let cut_at_end = self.whole_end && after();
        !cut_at_start && !cut_at_end
    }
}

/// The terms of a query (see [`Term`]), folded.
pub fn terms(query: &str) -> Vec<Term> {
    let folded = fold(query);
    let mut out = Vec::new();
    let mut rest = folded.as_str();
    let word = |w: &str| Term {
        text: w.to_string(),
        whole_start: false,
        whole_end: false,
    };
    loop {
        let quote = rest.find(['"', '\u{201c}', '\u{201d}']);
        let (outside, after) = match quote {
            Some(q) => (&rest[..q], Some(&rest[q..])),
            None => (rest, None),
        };
        out.extend(outside.split_whitespace().map(word));
        let Some(after) = after else { break };
        let open = after.chars().next().map_or(1, char::len_utf8);
        let inside = &after[open..];
        let close = inside.find(['"', '\u{201c}', '\u{201d}']);
        let phrase = close.map_or(inside, |c| &inside[..c]);
        let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        if !phrase.is_empty() {
            out.push(Term {
                text: phrase,
                whole_start: true,
                whole_end: close.is_some(),
            });
        }
        match close {
            Some(c) => {
                let end = inside[c..].chars().next().map_or(1, char::len_utf8);
                rest = &inside[c + end..];
            }
            None => break,
        }
    }
    out
}

/// Whether every event holding the words of `new` holds those of `old`
/// too (each word of `old` is inside one of `new`, as typing on does): a
/// search of `new` need only look among what `old` found.
pub fn narrows(old: &str, new: &str) -> bool {
    let (old, new) = (terms(old), terms(new));
    !old.is_empty()
        && old.iter().all(|o| {
            !o.whole_start && !o.whole_end && new.iter().any(|n| n.text.contains(o.text.as_str()))
        })
}

/// See [`SearchIndex::scan`].
const QUICK_LOOK_FROM: usize = 10;

/// The events' own words, folded once, for finding words fast: title,
/// summary, actors, place names, the passages quoted, claims and notes (not
/// the sources' whole texts: one article is cited by every event). Also
/// which sources each event cites, by name.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Every event's folded text, one after another, each ended by a 0 byte.
    text: Vec<u8>,
    /// Where each event's text starts in `text` (one more at the end).
    starts: Vec<u64>,
    /// The names of the sources cited (a source's publisher when it has
    /// one, else its title), and each event's, as indices.
    pub source_names: Vec<String>,
    source_ends: Vec<u32>,
    source_list: Vec<u32>,
}

/// A chunk of the index as a thread makes it: folded texts, their lengths,
/// and the names of the sources each event cites.
type Chunk = (Vec<u8>, Vec<u64>, Vec<Vec<String>>);

impl SearchIndex {
    /// Builds the index of a store's events on every core; `progress` is
    /// told the share done now and then.
    pub fn build(store: &Store, progress: &(dyn Fn(f32) + Sync)) -> SearchIndex {
        Self::build_until(store, progress, &|| false).expect("never stopped")
    }

    /// [`SearchIndex::build`], given up (`None`) as soon as `stop` says so:
    /// it is asked between chunks of a few thousand events, so an index no
    /// longer wanted (the search cleared, another file opened) stops within
    /// moments and lets go of the cores.
    pub fn build_until(
        store: &Store,
        progress: &(dyn Fn(f32) + Sync),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<SearchIndex> {
        const CHUNK: usize = 4096;
        let n = store.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let chunks: Option<Vec<Chunk>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                if stop() {
                    return None;
                }
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut text = Vec::new();
                let mut lens = Vec::with_capacity(range.len());
                let mut cited = Vec::with_capacity(range.len());
                let which: Vec<usize> = range.clone().collect();
                store.searched(&which, &mut |_, words| {
                    let start = text.len();
                    fold_bytes(&words.text, &mut text);
                    text.push(0);
                    lens.push((text.len() - start) as u64);
                    let mut names = words.sources.clone();
                    names.sort();
                    names.dedup();
                    cited.push(names);
                });
                let k = done.fetch_add(range.len(), std::sync::atomic::Ordering::Relaxed);
                progress((k + range.len()) as f32 / n.max(1) as f32);
                Some((text, lens, cited))
            })
            .collect();
        let chunks = chunks?;
        let mut index = SearchIndex {
            starts: Vec::with_capacity(n + 1),
            ..SearchIndex::default()
        };
        let mut names: rustc_hash::FxHashMap<String, u32> = Default::default();
        index.starts.push(0);
        for (text, lens, cited) in chunks {
            index.text.extend_from_slice(&text);
            for len in lens {
                let last = *index.starts.last().expect("a start");
                index.starts.push(last + len);
            }
            for event in cited {
                for name in event {
                    let next = names.len() as u32;
                    let k = *names.entry(name.clone()).or_insert_with(|| {
                        index.source_names.push(name);
                        next
                    });
                    index.source_list.push(k);
                }
                index.source_ends.push(index.source_list.len() as u32);
            }
        }
        Some(index)
    }

    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.starts.capacity() * 8 + self.source_list.capacity() * 4
    }

    /// The sources event `i` cites, as indices of `source_names`.
    pub fn sources(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            self.source_ends[i - 1] as usize
        };
        &self.source_list[start..self.source_ends[i] as usize]
    }

    /// Which events hold every word of `query` (any case, any accents),
    /// by event index. Searched on every core.
    pub fn find(&self, query: &str) -> Vec<bool> {
        let terms = terms(query);
        let n = self.len();
        if terms.is_empty() {
            return vec![true; n];
        }
        // For each term, the events holding it; then all of them.
        let mut all = vec![true; n];
        for term in &terms {
            let finder = memchr::memmem::Finder::new(term.text.as_bytes());
            let has: Vec<bool> = (0..n)
                .into_par_iter()
                .with_min_len(4096)
                .map(|i| {
                    all[i] && {
                        let text = &self.text[self.starts[i] as usize..self.starts[i + 1] as usize];
                        term.in_text(text, &finder)
                    }
                })
                .collect();
            all = has;
        }
        all
    }

    /// Which events of `store` hold every word of `query` (what
    /// [`SearchIndex::find`] answers), read from the events one after
    /// another on every core and kept nowhere: what one search costs
    /// without an index (the command line's `--search`), no memory beyond
    /// a byte an event. `None` as soon as `stop` says so.
    /// `within`: only those events can hold them (they held words these
    /// narrow, see [`narrows`]), so only they are read.
    ///
    /// `common`: the common words' bitmaps of `store`, when built: the
    /// events they are sure of, or sure cannot hold the words, are not read.
    ///
    /// The quick look over a file's bytes costs about what reading a tenth of
    /// its events does: it is taken when more than `n / QUICK_LOOK_FROM` are left.
    pub fn scan(
        store: &Store,
        query: &str,
        within: Option<&[bool]>,
        common: Option<&CommonWords>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<bool>> {
        const CHUNK: usize = 4096;
        let terms = terms(query);
        let n = store.len();
        if terms.is_empty() {
            return Some(vec![true; n]);
        }
        let finders: Vec<memchr::memmem::Finder> = terms
            .iter()
            .map(|t| memchr::memmem::Finder::new(t.text.as_bytes()))
            .collect();
        let split = common.filter(|c| c.len() == n).map(|c| c.split(&terms));
        // The reader's quick look over the whole file next, where it can
        // tell: only the events that may hold the words are read. Not when
        // few are left to read (the last words narrowed, the bitmaps
        // decided most): reading those costs less than looking at all.
        let left = (0..n)
            .into_par_iter()
            .with_min_len(1 << 16)
            .filter(|&i| {
                split.as_ref().is_none_or(|s| s.is_maybe(i)) && within.is_none_or(|w| w[i])
            })
            .count();
        let texts: Vec<&str> = terms.iter().map(|t| t.text.as_str()).collect();
        let may = if left > n / QUICK_LOOK_FROM {
            store.may_hold(&texts, stop)
        } else {
            None
        };
        let parts: Option<Vec<Vec<bool>>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                if stop() {
                    return None;
                }
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                let mut has = vec![false; range.len()];
                let within = |i: usize| within.is_none_or(|w| w[i]);
                if let Some(s) = &split {
                    for (i, h) in range.clone().zip(has.iter_mut()) {
                        *h = s.is_sure(i) && within(i);
                    }
                }
                let which: Vec<usize> = range
                    .clone()
                    .filter(|&i| split.as_ref().is_none_or(|s| s.is_maybe(i)))
                    .filter(|&i| may.as_ref().is_none_or(|m| m[i]))
                    .filter(|&i| within(i))
                    .collect();
                read_folded(store, &which, &mut |i, text| {
                    has[i - range.start] =
                        terms.iter().zip(&finders).all(|(t, f)| t.in_text(text, f));
                });
                Some(has)
            })
            .collect();
        Some(parts?.concat())
    }

    /// Where the words of `query` occur in `text` (folded alike), as byte
    /// ranges of `text`: what the context panel highlights.
    pub fn highlights(text: &str, query: &str) -> Vec<std::ops::Range<usize>> {
        let terms = terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        // Folding can change lengths: fold character by character, keeping
        // where each folded byte came from.
        let mut folded = String::with_capacity(text.len());
        let mut from = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            let f = fold(c.encode_utf8(&mut [0; 4]));
            for _ in 0..f.len() {
                from.push(at);
            }
            folded.push_str(&f);
        }
        from.push(text.len());
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        for term in &terms {
            let word = &term.text;
            for (k, _) in folded.match_indices(word.as_str()) {
                if !term.bounded(folded.as_bytes(), k) {
                    continue;
                }
                let start = from[k];
                let last = from[k + word.len() - 1];
                let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
                out.push(start..end);
            }
        }
        out.sort_by_key(|r| r.start);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_grades_are_read_kept_faceted_and_filtered() {
        use crate::formats::{LoadOptions, load};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("graded.json");
        let text = r#"{"format": "incident-map", "version": 1, "title": "Graded",
 "sources": [
  {"id": "wire", "title": "Wire report", "text": "A blast hit the market. Police fired shots. A rumour spread.", "reliability": "B"},
  {"id": "blog", "title": "A blog", "text": "A rumour spread.", "reliability": "E"}],
 "events": [
  {"id": "blast", "title": "Blast", "when": "2024-03-25", "where": {"point": {"lat": 54.5, "lon": 36.3}},
   "passages": [{"source": "wire", "quote": "A blast hit the market.", "credibility": 2},
                {"source": "blog", "quote": "A rumour spread.", "credibility": 5}]},
  {"id": "rumour", "title": "Rumour", "when": "2024-03-26", "where": {"point": {"lat": 54.6, "lon": 36.2}},
   "passages": [{"source": "blog", "quote": "A rumour spread.", "credibility": 5}]},
  {"id": "shots", "title": "Shots", "when": "2024-03-26", "where": {"point": {"lat": 54.6, "lon": 36.2}}}]}"#;
        std::fs::write(&file, text).unwrap();
        let loaded = load(&file, &LoadOptions::default()).unwrap();
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let store = loaded.usable().unwrap();
        let t = store.table();
        // The best of each event's evidence: its most reliable source, its
        // most credible passage.
        assert_eq!(t.reliability(0), Some(Reliability::B));
        assert_eq!(t.credibility(0).map(|c| c.number()), Some(2));
        assert_eq!(t.reliability(1), Some(Reliability::E));
        assert!(t.credibility(1).is_some_and(|c| c.is_low()));
        assert_eq!((t.reliability(2), t.credibility(2)), (None, None));
        // Written back as read.
        let ds = store.to_dataset();
        let json = crate::formats::write(&ds, crate::formats::Format::Native).unwrap();
        assert!(json.contains(r#""reliability": "B""#) && json.contains(r#""credibility": 5"#));
        // A facet, and a filter.
        let facets = Facets::count(t, None, None);
        let count = |r: Option<Reliability>| {
            facets
                .reliabilities
                .iter()
                .find(|(x, _)| *x == r)
                .map(|(_, n)| *n)
        };
        assert_eq!(count(Some(Reliability::B)), Some(1));
        assert_eq!(count(Some(Reliability::E)), Some(1));
        assert_eq!(count(None), Some(1));
        let f = Filter {
            reliabilities: [Reliability::A, Reliability::B].into(),
            ..Filter::default()
        };
        let flags = f.flags(t, None);
        assert_eq!(flags.iter().filter(|&&x| x == SHOWN).count(), 1);
        assert_eq!(flags[0], SHOWN);
        assert!(f.describe(t.tz()).contains("reliability: A, B"));
        // Grades off the scale are errors at their place.
        std::fs::write(
            &file,
            text.replace(r#""reliability": "B""#, r#""reliability": "G""#)
                .replace(r#""credibility": 2"#, r#""credibility": 9"#),
        )
        .unwrap();
        let loaded = load(&file, &LoadOptions::default()).unwrap();
        let paths: Vec<&str> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| d.json_path.as_deref())
            .collect();
        assert!(paths.contains(&"$.sources[0].reliability"), "{paths:?}");
        assert!(
            paths.contains(&"$.events[0].passages[0].credibility"),
            "{paths:?}"
        );
    }

    #[test]
    fn folding_sets_case_and_accents_aside() {
        assert_eq!(fold("Crocus CITY Hall"), "crocus city hall");
        // The table gives what folding the whole text after NFD gives, for
        // every character and for marks that follow a letter apart.
        fn by_nfd(s: &str) -> String {
            use unicode_normalization::UnicodeNormalization;
            use unicode_normalization::char::is_combining_mark;
            let mut out = String::new();
            for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
                match c {
                    'ß' => out.push_str("ss"),
                    'æ' | 'Æ' => out.push_str("ae"),
                    'œ' | 'Œ' => out.push_str("oe"),
                    'ø' | 'Ø' => out.push('o'),
                    'ł' | 'Ł' => out.push('l'),
                    'đ' | 'Đ' => out.push('d'),
                    'ı' => out.push('i'),
                    'þ' | 'Þ' => out.push_str("th"),
                    c => out.extend(c.to_lowercase()),
                }
            }
            out
        }
        let every: String = (0..0x2_0000u32).filter_map(char::from_u32).collect();
        assert_eq!(fold(&every), by_nfd(&every));
        for s in [
            "e\u{301}e\u{327}\u{301}",
            "Ǆemal",
            "한국어",
            "ᾎ Ῥ",
            "İstanbul",
        ] {
            assert_eq!(fold(s), by_nfd(s), "{s}");
        }
        assert_eq!(fold("Évian-les-Bains, Łódź"), "evian-les-bains, lodz");
        assert_eq!(fold("Ёлки Straße"), "елки strasse");
        let hits = SearchIndex::highlights("Near Évian, then évian again", "EVIAN");
        assert_eq!(hits, [5..11, 18..24]);
    }

    #[test]
    fn a_quoted_phrase_is_found_whole_and_in_order() {
        let csv = "id,title,event_date,latitude,longitude\n\
                   a,Place 42,2024-03-22,1,1\n\
                   b,Place 420,2024-03-22,1,1\n\
                   c,42 place,2024-03-22,1,1\n\
                   d,Plâce 42 et 7,2024-03-22,1,1\n\
                   e,\"the place, 42\",2024-03-22,1,1\n";
        let loaded = crate::formats::load_bytes(std::path::Path::new("t.csv"), csv.as_bytes());
        let store = loaded.store.unwrap();
        let index = SearchIndex::build(&store, &|_| {});
        let found = |q: &str| {
            let hits = index.find(q);
            (0..store.len())
                .filter(|&i| hits[i])
                .map(|i| store.table().id(i).to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(found("\"place 42\""), "a d");
        assert_eq!(found("\u{201c}Place   42\u{201d}"), "a d");
        assert_eq!(found("place 42"), "a b c d e");
        // A quote still being typed narrows as it goes.
        assert_eq!(found("\"place 4"), "a b d");
        assert_eq!(found("\"PLACE 42\" 7"), "d");
        assert_eq!(found("\"42\""), "a c d e");
        assert_eq!(
            terms("x \"a  b\" y"),
            [
                Term {
                    text: "x".into(),
                    whole_start: false,
                    whole_end: false
                },
                Term {
                    text: "a b".into(),
                    whole_start: true,
                    whole_end: true
                },
                Term {
                    text: "y".into(),
                    whole_start: false,
                    whole_end: false
                },
            ]
        );
        // Typing on narrows a search; a phrase, or a word taken back, does not.
        assert!(narrows("pla", "place 4"));
        assert!(narrows("place 4", "place 42"));
        assert!(narrows("42 place", "Place 42"));
        assert!(!narrows("place 42", "place 4"));
        assert!(!narrows("\"place 4\"", "\"place 42\""));
        assert!(!narrows("", "place"));
        let text = "Place 420 and Plâce 42.";
        assert_eq!(SearchIndex::highlights(text, "\"place 42\""), vec![14..23]);
    }

    #[test]
    fn a_window_takes_what_overlaps_it_by_its_whole_span() {
        let tz = TimeZone::UTC;
        let w = day_window(
            Some(Date::constant(2024, 3, 8)),
            Some(Date::constant(2024, 3, 8)),
            &tz,
        )
        .unwrap();
        assert_eq!(w.1 - w.0, 86_399);
        let moscow = TimeZone::get("Europe/Moscow").unwrap();
        let m = day_window(Some(Date::constant(2024, 3, 8)), None, &moscow).unwrap();
        assert_eq!(m.0, w.0 - 3 * 3600);
        assert_eq!(m.1, i64::MAX);
    }

    fn scenario() -> Store {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/moscow-march-2024.json");
        crate::formats::load(&path, &Default::default())
            .unwrap()
            .store
            .unwrap()
    }

    fn shown(store: &Store, f: &Filter, index: Option<&SearchIndex>) -> Vec<String> {
        let table = store.table();
        let flags = f.flags(table, index);
        let mut ids: Vec<String> = (0..table.len())
            .filter(|&i| flags[i] == SHOWN)
            .map(|i| table.id(i).to_string())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn each_part_of_a_filter_and_their_verdicts() {
        let store = scenario();
        let table = store.table();
        let index = SearchIndex::build(&store, &|_| {});
        let tz = table.tz().clone();
        assert_eq!(shown(&store, &Filter::default(), None).len(), 4);
        // A month-precise or ranged event overlaps by its whole span; the
        // disputed one is in no window unless asked for.
        let march = Filter {
            window: day_window(
                Some(Date::constant(2024, 3, 1)),
                Some(Date::constant(2024, 3, 31)),
                &tz,
            ),
            ..Filter::default()
        };
        assert_eq!(shown(&store, &march, None).len(), 3);
        let with_undated = Filter {
            include_undated: true,
            ..march.clone()
        };
        assert_eq!(shown(&store, &with_undated, None).len(), 4);
        // BASE and IN_WINDOW apart: the attack hidden by category is still in the window.
        let both = Filter {
            hidden_categories: ["attack".into()].into(),
            ..march.clone()
        };
        let flags = both.flags(table, None);
        let crocus = table.find("crocus-attack").unwrap();
        assert_eq!(flags[crocus], IN_WINDOW);
        // Words need the index; without it they match nothing.
        let words = Filter {
            text: "  crocus  ".into(),
            ..Filter::default()
        };
        assert!(words.needs_text());
        assert!(shown(&store, &words, None).is_empty());
        assert_eq!(shown(&store, &words, Some(&index)), ["crocus-attack"]);
        // Every word must be there, anywhere in the event's own text.
        let two = Filter {
            text: "crocus zanzibar".into(),
            ..Filter::default()
        };
        assert!(shown(&store, &two, Some(&index)).is_empty());
        // Precision, box and sources.
        let building = Filter {
            precisions: [Precision::Building].into(),
            ..Filter::default()
        };
        assert!(shown(&store, &building, None).contains(&"crocus-attack".to_string()));
        let region = Filter {
            precisions: [Precision::Region].into(),
            ..Filter::default()
        };
        assert!(!shown(&store, &region, None).contains(&"crocus-attack".to_string()));
        let source = index.source_names.first().cloned().expect("a source");
        let by_source = Filter {
            sources: [source].into(),
            ..Filter::default()
        };
        assert_eq!(
            shown(&store, &by_source, Some(&index)).len(),
            4,
            "one article for all"
        );
        // In words, for the status bar.
        let said = Filter {
            actors: vec!["FSB".into()],
            ..both
        }
        .describe(&tz);
        assert_eq!(
            said,
            "1 Mar 2024 – 31 Mar 2024 · 1 category hidden · actor: FSB"
        );
    }

    #[test]
    fn a_window_in_words() {
        let moscow = TimeZone::get("Europe/Moscow").unwrap();
        let day = |d| day_window(Some(d), Some(d), &moscow).unwrap();
        let (a, b) = day(Date::constant(2024, 3, 22));
        assert_eq!(window_words(a, b, &moscow), "22 Mar 2024");
        let (_, c) = day(Date::constant(2024, 3, 28));
        assert_eq!(window_words(a, c, &moscow), "22 Mar 2024 – 28 Mar 2024");
        assert_eq!(
            window_words(a + 20 * 3600, a + 21 * 3600 - 1, &moscow),
            "22 Mar 2024, 20:00–20:59"
        );
        assert_eq!(window_words(a, i64::MAX, &moscow), "22 Mar 2024 – …");
    }

    #[test]
    fn the_command_lines_words_are_checked_against_the_table() {
        let store = scenario();
        let table = store.table();
        let spec = FilterSpec {
            categories: vec!["attack".into(), "warning".into()],
            ..FilterSpec::default()
        };
        let f = spec.to_filter(table).unwrap();
        assert_eq!(
            f.hidden_categories,
            ["counter-terrorism".to_string(), "statement".to_string()].into()
        );
        let wrong = FilterSpec {
            categories: vec!["nope".into()],
            ..FilterSpec::default()
        };
        assert!(
            wrong
                .to_filter(table)
                .unwrap_err()
                .contains("its categories are: warning")
        );
        assert!(
            parse_bbox("56,37,55,38")
                .unwrap_err()
                .contains("upside down")
        );
        assert!(parse_bbox("55,nan,56,38").is_err());
        let b = parse_bbox(" 55.5, 37.3 ,56,37.9").unwrap();
        assert_eq!((b.sw.lat, b.ne.lon), (55.5, 37.9));
    }

    /// An ACLED-like table with what makes reading words back hard: dates
    /// to the day, the week and the month in two spellings, accents,
    /// quotes, markup, blanks, missing points and bad rows.
    fn acled_like(rows: usize) -> String {
        let mut out = String::from(
            "event_id_cnty,event_date,time_precision,disorder_type,event_type,sub_event_type,\
             actor1,assoc_actor_1,actor2,country,admin1,admin2,location,latitude,longitude,\
             geo_precision,source,source_scale,notes,fatalities,tags\n",
        );
        let mut seed: u64 = 42;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let places = [
            "Place 12",
            "Place 120",
            "Krasnogórsk",
            "Zürich",
            "Place 4",
            "Homs",
        ];
        let actors = [
            "Militia (Syria)",
            "Police Forces; Army",
            "Protesters",
            "",
            "Rebels – North",
        ];
        let kinds = ["Armed clash", "Peaceful protest", "", "Shelling/artillery"];
        for k in 0..rows {
            let (y, m, d) = (2019 + next(3), 1 + next(12), 1 + next(28));
            let date = if k % 2 == 0 {
                jiff::civil::date(y as i16, m as i8, d as i8)
                    .strftime("%d %B %Y")
                    .to_string()
            } else {
                format!("{y}-{m:02}-{d:02}")
            };
            let date = if k % 257 == 5 {
                "not a date".to_string()
            } else {
                date
            };
            let place = places[next(6) as usize];
            let notes = match next(5) {
                0 => String::new(),
                1 => format!(
                    "\"On {date}, a \"\"clash\"\" near {place}; 1234 <b>shots</b> & more.\""
                ),
                2 => format!("Week {k} in {place}, precision 2 of the source."),
                _ => format!("Residents of {place} report {} killed.", next(50)),
            };
            let (lat, lon) = if k % 11 == 3 {
                (String::new(), String::new())
            } else {
                (
                    format!("{}", 30.0 + next(100) as f64 / 10.0),
                    format!("{}", 35.0 + next(100) as f64 / 10.0),
                )
            };
            out.push_str(&format!(
                "SYR{k},{date},{},Political violence,Battles,{},\"{}\",,{},Syria,Homs,District {},\"{place}\",{lat},{lon},{},Reuters,National,{notes},{},\n",
                1 + next(3),
                kinds[next(4) as usize],
                actors[next(5) as usize],
                actors[next(5) as usize],
                next(9),
                1 + next(3),
                next(5),
            ));
            if k % 499 == 7 {
                out.push_str("broken,row\n");
            }
        }
        out
    }

    /// The events holding every term of `query`, found in each event's
    /// words read from it in full (`full`, folded): what the search found
    /// before any quicker way.
    fn found_in_full(full: &[String], query: &str) -> Vec<bool> {
        let terms = terms(query);
        full.iter()
            .map(|text| {
                terms.iter().all(|t| {
                    t.in_text(
                        text.as_bytes(),
                        &memchr::memmem::Finder::new(t.text.as_bytes()),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn the_search_finds_what_the_events_in_full_hold() {
        let csv = acled_like(3000);
        let loaded = crate::formats::load_bytes(std::path::Path::new("acled.csv"), csv.as_bytes());
        let store = loaded.store.unwrap();
        assert!(store.dataset().is_none(), "read back from the file");
        assert!(store.len() > 2900);
        // What the fast reading gives is what each event in full gives.
        let all: Vec<usize> = (0..store.len()).collect();
        store.searched(&all, &mut |i, fast| {
            let mut full = crate::store::Searched::default();
            store.detail(i).searched(&mut full);
            let lines = |s: &str| {
                let mut l: Vec<String> = s.lines().map(str::to_string).collect();
                l.sort();
                l.dedup();
                l
            };
            assert_eq!(lines(&fast.text), lines(&full.text), "event {i}");
            let mut a = fast.sources.clone();
            let mut b = full.sources.clone();
            a.sort();
            b.sort();
            assert_eq!(a, b, "event {i}");
        });
        let full: Vec<String> = (0..store.len())
            .map(|i| {
                let mut words = crate::store::Searched::default();
                store.detail(i).searched(&mut words);
                fold(&words.text)
            })
            .collect();
        let index = SearchIndex::build(&store, &|_| {});
        let common = CommonWords::build_until(&store, &|_| {}, &|| false).unwrap();
        let mut read_left = Vec::new();
        let mut some = 0;
        for query in [
            "place 12",
            "pla",
            "\"place 12\"",
            "\"Place 4\"",
            "PLACE",
            "krasnogorsk",
            "KRASNOGÓRSK",
            "zurich",
            "country: syria",
            "\"sub_event_type: armed clash\"",
            "armed clash",
            "09",
            "2020",
            "2021-03",
            "2020-11-1",
            "week",
            "precision 2",
            "acled coded",
            "event",
            "<b>",
            "&",
            "\"clash\"",
            "1234",
            "place 1234",
            "syr12",
            "militia homs",
            "rebels – north",
            "district 3",
            "killed 7",
            "residents",
            "ö",
            "national reuters",
            "4",
            "place 4",
            "\"place 4",
        ] {
            let want = found_in_full(&full, query);
            let count = want.iter().filter(|&&b| b).count();
            if count > 0 && count < store.len() {
                some += 1;
            }
            let differ = |got: Vec<bool>| (0..want.len()).find(|&i| got[i] != want[i]);
            assert_eq!(differ(index.find(query)), None, "the index, {query}");
            let scanned = SearchIndex::scan(&store, query, None, None, &|| false).unwrap();
            assert_eq!(differ(scanned), None, "the scan, {query}");
            let split = common.split(&terms(query));
            let (sure, maybe) = (0..want.len()).fold((0, 0), |(s, m), i| {
                (
                    s + split.is_sure(i) as usize,
                    m + split.is_maybe(i) as usize,
                )
            });
            let quick = SearchIndex::scan(&store, query, None, Some(&common), &|| false).unwrap();
            assert_eq!(
                differ(quick),
                None,
                "the scan with the common words, {query}"
            );
            // Narrowing the last words' events, with and without them.
            let within = found_in_full(&full, "s");
            let narrowed =
                SearchIndex::scan(&store, query, Some(&within), Some(&common), &|| false);
            let both: Vec<bool> = (0..want.len()).map(|i| want[i] && within[i]).collect();
            assert_eq!(narrowed.unwrap(), both, "narrowed, {query}");
            read_left.push((query, sure, maybe));
        }
        assert!(some > 20, "most queries find some events, not all: {some}");
        // The common words answer a word every event holds without reading
        // one; a word no common word holds is read where its bytes may be.
        let left = |q: &str| {
            read_left
                .iter()
                .find(|r| r.0 == q)
                .map(|r| (r.1, r.2))
                .unwrap()
        };
        let n = store.len();
        for (query, word) in [("PLACE", "place"), ("event", "event"), ("pla", "pla")] {
            let (sure, maybe) = left(query);
            let holding = full.iter().filter(|t| t.contains(word)).count();
            assert_eq!(sure, holding, "{query}: every event holding it is sure");
            assert!(
                sure > n / 2 && maybe < n / 3,
                "{query}: {sure} sure, {maybe} read"
            );
        }
        // A place in one event of six is common too: every event naming
        // it is sure, the rest with its letters read.
        let holding = full.iter().filter(|t| t.contains("krasnogorsk")).count();
        assert_eq!(left("krasnogorsk").0, holding);
        // A number of one or two digits is answered by its bitmap alone, as
        // is a word typed with one; a longer number is read only where all
        // its pairs of digits are.
        for (query, digits) in [("4", "4"), ("09", "09")] {
            let holding = full.iter().filter(|t| t.contains(digits)).count();
            assert!(holding > n / 20 && holding < n, "{query}: {holding}");
            assert_eq!(left(query), (holding, 0), "{query}");
        }
        let (sure, maybe) = left("place 4");
        assert!(
            sure > n / 2 && maybe < n / 20,
            "place 4: {sure} sure, {maybe} read"
        );
        let holding = full.iter().filter(|t| t.contains("1234")).count();
        let (sure, maybe) = left("1234");
        assert!(
            maybe < n / 4 && sure + maybe >= holding,
            "1234: {sure} sure, {maybe} read"
        );
        // A phrase is never sure; its whole common words say where it may be.
        assert_eq!(left("\"place 12\"").0, 0);
        assert!(left("\"place 12\"").1 < n / 2, "{:?}", left("\"place 12\""));
        // The quick look passes over most events for a word a field gives.
        let may = store.may_hold(&["1234"], &|| false).unwrap();
        let may = may.iter().filter(|&&b| b).count();
        assert!(may < store.len() * 3 / 4, "{may} of {}", store.len());
        // A word the reader writes itself gives no quick look.
        assert!(store.may_hold(&["place"], &|| false).is_none());
    }
}

//! Checks on a whole dataset that no single field can make: unique and
//! well-formed ids, references that lead somewhere, coordinates on the globe,
//! ranges that end after they start, events that cite their evidence.
//!
//! It runs on the model, whatever format it came from. Each diagnostic names
//! the JSON path of the value at fault (`$.events[12].where.place`, from
//! the item's place in its list); the loader turns that path into a line and
//! column. Paths are written only for problems found: a million sound events
//! cost no string.

use rustc_hash::FxHashSet;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model::*;

/// Above this many events citing no passage, one warning says so for all.
const UNCITED_ONE_BY_ONE: usize = 10;

/// Every problem with `dataset` that its fields alone do not show.
pub fn check(dataset: &Dataset) -> Vec<Diagnostic> {
    let mut v = Validator::new(dataset);
    for (i, event) in dataset.events.iter().enumerate() {
        v.event(i, event);
    }
    v.finish(dataset.events.len(), |k| (k, dataset.events[k].id.as_str()))
}

/// The checks of [`check`] an event at a time, for a file too large to
/// hold every event at once: the header (categories, places, sources)
/// checked first, then each event as it is read, then what needs every
/// event (ids used twice, references to events and passages).
pub struct Validator<'d> {
    c: Checker,
    category_ids: FxHashSet<&'d str>,
    place_ids: FxHashSet<&'d str>,
    source_ids: FxHashSet<&'d str>,
    /// Passage ids, with the event (its index in the file) and passage.
    passage_ids: Vec<(String, usize, usize)>,
    /// References to a passage id, from a disputed date's reading.
    passage_refs: Vec<(String, String)>,
    /// References to an event id: the id, the path, and whether the
    /// event refers to itself.
    event_refs: Vec<(String, String, bool)>,
    /// Events that cite no passage: how many, and the first few.
    uncited: (usize, Vec<(usize, String)>),
    events: usize,
}

impl<'d> Validator<'d> {
    /// Checks `header`'s categories, places and sources (its events are
    /// left to [`Validator::event`]).
    pub fn new(header: &'d Dataset) -> Self {
        let mut c = Checker {
            out: Vec::new(),
            tz: header.tz(),
            suggestions_left: SUGGESTIONS,
            suggestion_work_left: SUGGESTION_WORK,
            known_lists: Default::default(),
        };
        let category_ids = header.categories.iter().map(|x| x.id.as_str()).collect();
        let categories = &header.categories;
        c.ids(
            "category",
            categories.len(),
            |i| &categories[i].id,
            |i| format!("$.categories[{i}].id"),
        );
        let place_ids: FxHashSet<&str> = header.places.iter().map(|p| p.id.as_str()).collect();
        let places = &header.places;
        c.ids(
            "place",
            places.len(),
            |i| &places[i].id,
            |i| format!("$.places[{i}].id"),
        );
        let source_ids = header.sources.iter().map(|s| s.id.as_str()).collect();
        let sources = &header.sources;
        c.ids(
            "source",
            sources.len(),
            |i| &sources[i].id,
            |i| format!("$.sources[{i}].id"),
        );
        if let Some(r) = &header.reference_place {
            c.reference("place", r, &place_ids, || "$.reference_place".into());
        }
        for (i, place) in header.places.iter().enumerate() {
            c.place(i, place, &place_ids);
        }
        for (i, source) in header.sources.iter().enumerate() {
            c.source(i, source);
        }
        Validator {
            c,
            category_ids,
            place_ids,
            source_ids,
            passage_ids: Vec::new(),
            passage_refs: Vec::new(),
            event_refs: Vec::new(),
            uncited: (0, Vec::new()),
            events: 0,
        }
    }

    /// Checks the event at index `i` of the file's events.
    pub fn event(&mut self, i: usize, event: &Event) {
        let c = &mut self.c;
        self.events += 1;
        let path = |rest: &str| format!("$.events[{i}]{rest}");
        if let (Some(cat), false) = (&event.category, self.category_ids.is_empty()) {
            c.reference("category", cat, &self.category_ids, || path(".category"));
        }
        c.when(&event.when, &|| path(".when"));
        if let When::Disputed(readings) = &event.when {
            for (j, r) in readings.iter().enumerate() {
                if let Some(s) = &r.source {
                    c.reference("source", s, &self.source_ids, || {
                        path(&format!(".when.disputed[{j}].source"))
                    });
                }
                if let Some(p) = &r.passage {
                    self.passage_refs
                        .push((p.clone(), path(&format!(".when.disputed[{j}].passage"))));
                }
            }
        }
        if let Some(loc) = &event.location {
            if let Some(place) = &loc.place {
                c.reference("place", place, &self.place_ids, || path(".where.place"));
            }
            if let Some(p) = &loc.point {
                c.point(p, || path(".where.point"));
            }
            if let Some(u) = loc.uncertainty_m
                && u < 0.0
            {
                c.out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("the uncertainty {u} m is negative"),
                    )
                    .with_help("give the radius, in metres, within which the event happened")
                    .at_path(path(".where.uncertainty_m")),
                );
            }
        }
        if event.passages.is_empty() {
            self.uncited.0 += 1;
            if self.uncited.1.len() <= UNCITED_ONE_BY_ONE {
                self.uncited.1.push((i, event.id.clone()));
            }
        }
        let own_passages: FxHashSet<&str> = event
            .passages
            .iter()
            .filter_map(|p| p.id.as_deref())
            .collect();
        for (j, p) in event.passages.iter().enumerate() {
            if let Some(id) = &p.id {
                self.passage_ids.push((id.clone(), i, j));
            }
            c.reference("source", &p.source, &self.source_ids, || {
                path(&format!(".passages[{j}].source"))
            });
            if let (Some(s), Some(e)) = (p.start, p.end)
                && e < s
            {
                c.out.push(
                    Diagnostic::error(Code::RangeReversed, format!("the passage ends (at {e}) before it starts (at {s})"))
                        .with_help("\"start\" and \"end\" are character offsets with start ≤ end; or remove them")
                        .at_path(path(&format!(".passages[{j}].end"))),
                );
            }
        }
        for (j, claim) in event.claims.iter().enumerate() {
            if let Some(p) = &claim.passage {
                c.reference("passage of this event", p, &own_passages, || {
                    path(&format!(".claims[{j}].passage"))
                });
            }
        }
        for (j, cas) in event.casualties.iter().enumerate() {
            if let Some(s) = &cas.source {
                c.reference("source", s, &self.source_ids, || {
                    path(&format!(".casualties[{j}].source"))
                });
            }
            if let Some(w) = &cas.as_of {
                c.when(w, &|| path(&format!(".casualties[{j}].as_of")));
            }
        }
        for (j, rel) in event.relations.iter().enumerate() {
            self.event_refs.push((
                rel.event.clone(),
                path(&format!(".relations[{j}].event")),
                rel.event == event.id,
            ));
        }
    }

    /// What needs every event: `id(k)` gives the `k`th of `n` events'
    /// index in the file and its id, in file order.
    pub fn finish<'e>(
        mut self,
        n: usize,
        id: impl Fn(usize) -> (usize, &'e str),
    ) -> Vec<Diagnostic> {
        let c = &mut self.c;
        c.ids(
            "event",
            n,
            |k| id(k).1,
            |k| format!("$.events[{}].id", id(k).0),
        );
        let passage_ids = &self.passage_ids;
        c.ids(
            "passage",
            passage_ids.len(),
            |k| &passage_ids[k].0,
            |k| {
                let (_, i, j) = passage_ids[k];
                format!("$.events[{i}].passages[{j}].id")
            },
        );
        if !self.passage_refs.is_empty() {
            let known: FxHashSet<&str> = passage_ids.iter().map(|p| p.0.as_str()).collect();
            for (id, path) in &self.passage_refs {
                c.reference("passage", id, &known, || path.clone());
            }
        }
        if !self.event_refs.is_empty() {
            let known: FxHashSet<&str> = (0..n).map(|k| id(k).1).collect();
            for (id, path, itself) in &self.event_refs {
                c.reference("event", id, &known, || path.clone());
                if *itself {
                    c.out.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("event \"{id}\" is related to itself"),
                        )
                        .with_help("a relation links two different events")
                        .at_path(path.clone()),
                    );
                }
            }
        }
        c.out.extend(uncited_warnings(&self.uncited, self.events));
        self.c.out
    }
}

impl Checker {
    fn place(&mut self, i: usize, place: &Place, place_ids: &FxHashSet<&str>) {
        let path = |field: &str| format!("$.places[{i}].{field}");
        self.point(&place.point, || path("point"));
        if let Some(w) = &place.within {
            self.reference("place", w, place_ids, || path("within"));
            if w == &place.id {
                self.out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("place \"{w}\" lies within itself"),
                    )
                    .with_help("name the larger place it lies in, or remove \"within\"")
                    .at_path(path("within")),
                );
            }
        }
        if let Some(code) = &place.iso3166_2 {
            let ok = code.len() >= 4
                && code.len() <= 6
                && code.as_bytes()[2] == b'-'
                && code[..2].bytes().all(|b| b.is_ascii_uppercase())
                && code[3..]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                self.out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("\"{code}\" is not an ISO 3166-2 code"),
                    )
                    .with_help(
                        "write a country code, a hyphen and the region's code, e.g. \"RU-KLU\"",
                    )
                    .at_path(path("iso3166_2")),
                );
            }
        }
    }

    fn source(&mut self, i: usize, source: &Source) {
        if let Some(w) = &source.published {
            self.when(w, &|| format!("$.sources[{i}].published"));
        }
        if let Some(h) = &source.sha256
            && (h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            self.out.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("\"{h}\" is not a SHA-256: 64 hexadecimal digits"),
                )
                .with_help("remove it (the app records it again when the data set is saved), or give the text's SHA-256 (sha256sum FILE)")
                .at_path(format!("$.sources[{i}].sha256")),
            );
        }
        if let Some(d) = &source.added
            && d.parse::<jiff::civil::Date>().is_err()
        {
            self.out.push(
                Diagnostic::error(
                    Code::InvalidDate,
                    format!("the day a source was added, \"{d}\", is not a date"),
                )
                .with_help("write it YYYY-MM-DD, e.g. 2026-12-02")
                .at_path(format!("$.sources[{i}].added")),
            );
        }
    }
}

/// Events that cite no passage: a warning each, or one for all when many
/// (a file of a tool that keeps no words gives none for any).
fn uncited_warnings(uncited: &(usize, Vec<(usize, String)>), events: usize) -> Vec<Diagnostic> {
    let help = "quote the words of a source that report it, so its marker leads back to them";
    let (count, first) = uncited;
    if *count > UNCITED_ONE_BY_ONE {
        return vec![
            Diagnostic::warning(
                Code::NoPassage,
                format!(
                    "{count} of {events} events cite no passage: the file gives no words for them (the first is here)",
                ),
            )
            .with_help(help)
            .at_path(format!("$.events[{}]", first[0].0)),
        ];
    }
    first
        .iter()
        .map(|(i, id)| {
            Diagnostic::warning(Code::NoPassage, format!("event \"{id}\" cites no passage"))
                .with_help(help)
                .at_path(format!("$.events[{i}]"))
        })
        .collect()
}

/// How many unknown references get a "did you mean": each compares the id
/// with every known one.
const SUGGESTIONS: usize = 200;

/// How many character comparisons all the "did you mean"s of one file may
/// cost together (a comparison of two words costs the product of their
/// lengths): a fraction of a second, however many long ids the file has.
const SUGGESTION_WORK: usize = 40_000_000;

struct Checker {
    out: Vec<Diagnostic>,
    tz: jiff::tz::TimeZone,
    suggestions_left: usize,
    /// What is left of [`SUGGESTION_WORK`].
    suggestion_work_left: usize,
    /// "known places: …", by kind, once made.
    known_lists: std::collections::HashMap<String, String>,
}

impl Checker {
    /// Ids must be non-empty words without spaces, unique within their
    /// kind; `id(k)` is the `k`th of `n`, `path(k)` its path. (Each id is
    /// held as its number only, four bytes, however many there are.)
    fn ids<'a>(
        &mut self,
        kind: &str,
        n: usize,
        id: impl Fn(usize) -> &'a str,
        path: impl Fn(usize) -> String,
    ) {
        use std::hash::BuildHasher;
        let hasher = rustc_hash::FxBuildHasher;
        let mut first: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(n);
        for k in 0..n {
            let this = id(k);
            let ok = !this.is_empty()
                && this
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
            if !ok {
                self.out.push(
                    Diagnostic::error(
                        Code::InvalidId,
                        format!("\"{this}\" is not a valid {kind} id"),
                    )
                    .with_help("use letters, digits and - _ . : only, e.g. \"crocus-attack\"")
                    .at_path(path(k)),
                );
            }
            let hash = hasher.hash_one(this);
            match first.find(hash, |&at| id(at as usize) == this) {
                Some(&at) => self.out.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the {kind} id \"{this}\" is used twice"),
                    )
                    .with_help(format!(
                        "it is first used at {}; give each {kind} its own id",
                        path(at as usize)
                    ))
                    .at_path(path(k)),
                ),
                None => {
                    first.insert_unique(hash, k as u32, |&at| hasher.hash_one(id(at as usize)));
                }
            }
        }
    }

    fn reference(
        &mut self,
        kind: &str,
        id: &str,
        known: &FxHashSet<&str>,
        path: impl FnOnce() -> String,
    ) {
        if known.contains(id) {
            return;
        }
        // About what comparing `id` with every known id costs.
        let longest = crate::limits::MAX_SUGGESTED_WORD * 4;
        let cost = known
            .len()
            .saturating_mul(id.len().min(longest).max(1))
            .saturating_mul(id.len().min(longest).max(1));
        let suggestion = if self.suggestions_left > 0 && cost <= self.suggestion_work_left {
            self.suggestions_left -= 1;
            self.suggestion_work_left -= cost;
            did_you_mean(id, known.iter().copied())
        } else {
            None
        };
        let help = match suggestion {
            Some(m) => format!("did you mean \"{m}\"?"),
            None if known.is_empty() => format!("the file defines no {kind}s"),
            // Made once per kind: a file with many unknown references
            // among many ids does not sort them all again for each.
            None => self
                .known_lists
                .entry(kind.to_string())
                .or_insert_with(|| {
                    let mut list: Vec<&str> = known.iter().copied().collect();
                    let first = list.len().min(12);
                    if first < list.len() {
                        list.select_nth_unstable(first);
                    }
                    list.truncate(first);
                    list.sort_unstable();
                    format!("known {kind}s: {}", list.join(", "))
                })
                .clone(),
        };
        self.out.push(
            Diagnostic::error(
                Code::UnknownReference,
                format!("no {kind} has the id \"{id}\""),
            )
            .with_help(help)
            .at_path(path()),
        );
    }

    /// Coordinates on the globe. A non-finite one was never read from a file:
    /// it stands for a point the reader already reported as broken.
    fn point(&mut self, p: &LatLon, path: impl Fn() -> String) {
        if !p.lat.is_finite() || !p.lon.is_finite() {
            return;
        }
        if !(-90.0..=90.0).contains(&p.lat) {
            self.out.push(
                Diagnostic::error(
                    Code::CoordinateOutOfRange,
                    format!("latitude {} is out of range", p.lat),
                )
                .with_help("latitude is between -90 and 90; are latitude and longitude swapped?")
                .at_path(format!("{}.lat", path())),
            );
        }
        if !(-180.0..=180.0).contains(&p.lon) {
            self.out.push(
                Diagnostic::error(
                    Code::CoordinateOutOfRange,
                    format!("longitude {} is out of range", p.lon),
                )
                .with_help("longitude is between -180 and 180")
                .at_path(format!("{}.lon", path())),
            );
        }
    }

    fn when(&mut self, w: &When, path: &dyn Fn() -> String) {
        match w {
            When::Between(Some(a), Some(b)) => {
                if let (Some(a), Some(b)) = (a.span(&self.tz), b.span(&self.tz))
                    && b.1 < a.0
                {
                    self.out.push(
                        Diagnostic::error(
                            Code::RangeReversed,
                            format!("the range \"{w}\" ends before it starts"),
                        )
                        .with_help("write the earlier date first: START/END")
                        .at_path(path()),
                    );
                }
            }
            When::Disputed(readings) => {
                for (j, r) in readings.iter().enumerate() {
                    self.when(&r.when, &|| format!("{}.disputed[{j}].when", path()));
                }
            }
            _ => {}
        }
    }
}

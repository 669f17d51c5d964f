//! Checks on a whole dataset that no single field can make: unique and
//! well-formed ids, references that lead somewhere, coordinates on the globe,
//! ranges that end after they start, events that cite their evidence.
//!
//! It runs on the model, whatever format it came from. Each diagnostic names
//! the JSON path of the value at fault (`$.events[12].where.place`, from
//! the item's place in its list); the loader turns that path into a line and
//! column. Paths are written only for problems found: a million sound events
//! cost no string.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model::*;

/// Above this many events citing no passage, one warning says so for all.
const UNCITED_ONE_BY_ONE: usize = 10;

/// Every problem with `dataset` that its fields alone do not show.
pub fn check(dataset: &Dataset) -> Vec<Diagnostic> {
    let mut c = Checker {
        out: Vec::new(),
        tz: dataset.tz(),
        suggestions_left: SUGGESTIONS,
    };
    let category_ids: FxHashSet<&str> = dataset.categories.iter().map(|x| x.id.as_str()).collect();
    c.ids(
        "category",
        dataset.categories.iter().map(|x| x.id.as_str()),
        |i| format!("$.categories[{i}].id"),
    );
    let place_ids: FxHashSet<&str> = dataset.places.iter().map(|p| p.id.as_str()).collect();
    c.ids("place", dataset.places.iter().map(|p| p.id.as_str()), |i| {
        format!("$.places[{i}].id")
    });
    let source_ids: FxHashSet<&str> = dataset.sources.iter().map(|s| s.id.as_str()).collect();
    c.ids(
        "source",
        dataset.sources.iter().map(|s| s.id.as_str()),
        |i| format!("$.sources[{i}].id"),
    );
    let event_ids: FxHashSet<&str> = dataset.events.iter().map(|e| e.id.as_str()).collect();
    c.ids("event", dataset.events.iter().map(|e| e.id.as_str()), |i| {
        format!("$.events[{i}].id")
    });
    let passage_ids: Vec<(&str, usize, usize)> = dataset
        .events
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.passages
                .iter()
                .enumerate()
                .filter_map(move |(j, p)| p.id.as_deref().map(|id| (id, i, j)))
        })
        .collect();
    c.ids("passage", passage_ids.iter().map(|p| p.0), |k| {
        let (_, i, j) = passage_ids[k];
        format!("$.events[{i}].passages[{j}].id")
    });
    let all_passage_ids: FxHashSet<&str> = passage_ids.iter().map(|p| p.0).collect();

    if let Some(r) = &dataset.reference_place {
        c.reference("place", r, &place_ids, || "$.reference_place".into());
    }

    for (i, place) in dataset.places.iter().enumerate() {
        let path = |field: &str| format!("$.places[{i}].{field}");
        c.point(&place.point, || path("point"));
        if let Some(w) = &place.within {
            c.reference("place", w, &place_ids, || path("within"));
            if w == &place.id {
                c.out.push(
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
                c.out.push(
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

    for (i, source) in dataset.sources.iter().enumerate() {
        if let Some(w) = &source.published {
            c.when(w, &|| format!("$.sources[{i}].published"));
        }
        if let Some(h) = &source.sha256
            && (h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            c.out.push(
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
            c.out.push(
                Diagnostic::error(
                    Code::InvalidDate,
                    format!("the day a source was added, \"{d}\", is not a date"),
                )
                .with_help("write it YYYY-MM-DD, e.g. 2026-12-02")
                .at_path(format!("$.sources[{i}].added")),
            );
        }
    }

    let mut uncited = Vec::new();
    for (i, event) in dataset.events.iter().enumerate() {
        let path = |rest: &str| format!("$.events[{i}]{rest}");
        if let (Some(cat), false) = (&event.category, category_ids.is_empty()) {
            c.reference("category", cat, &category_ids, || path(".category"));
        }
        c.when(&event.when, &|| path(".when"));
        if let When::Disputed(readings) = &event.when {
            for (j, r) in readings.iter().enumerate() {
                if let Some(s) = &r.source {
                    c.reference("source", s, &source_ids, || {
                        path(&format!(".when.disputed[{j}].source"))
                    });
                }
                if let Some(p) = &r.passage {
                    c.reference("passage", p, &all_passage_ids, || {
                        path(&format!(".when.disputed[{j}].passage"))
                    });
                }
            }
        }
        if let Some(loc) = &event.location {
            if let Some(place) = &loc.place {
                c.reference("place", place, &place_ids, || path(".where.place"));
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
            uncited.push(i);
        }
        let own_passages: FxHashSet<&str> = event
            .passages
            .iter()
            .filter_map(|p| p.id.as_deref())
            .collect();
        for (j, p) in event.passages.iter().enumerate() {
            c.reference("source", &p.source, &source_ids, || {
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
                c.reference("source", s, &source_ids, || {
                    path(&format!(".casualties[{j}].source"))
                });
            }
            if let Some(w) = &cas.as_of {
                c.when(w, &|| path(&format!(".casualties[{j}].as_of")));
            }
        }
        for (j, rel) in event.relations.iter().enumerate() {
            let rp = || path(&format!(".relations[{j}].event"));
            c.reference("event", &rel.event, &event_ids, rp);
            if rel.event == event.id {
                c.out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("event \"{}\" is related to itself", event.id),
                    )
                    .with_help("a relation links two different events")
                    .at_path(rp()),
                );
            }
        }
    }
    c.out.extend(uncited_warnings(dataset, &uncited));
    c.out
}

/// Events that cite no passage: a warning each, or one for all when many
/// (a file of a tool that keeps no words gives none for any).
fn uncited_warnings(dataset: &Dataset, uncited: &[usize]) -> Vec<Diagnostic> {
    let help = "quote the words of a source that report it, so its marker leads back to them";
    if uncited.len() > UNCITED_ONE_BY_ONE {
        return vec![
            Diagnostic::warning(
                Code::NoPassage,
                format!(
                    "{} of {} events cite no passage: the file gives no words for them (the first is here)",
                    uncited.len(),
                    dataset.events.len()
                ),
            )
            .with_help(help)
            .at_path(format!("$.events[{}]", uncited[0])),
        ];
    }
    uncited
        .iter()
        .map(|&i| {
            Diagnostic::warning(
                Code::NoPassage,
                format!("event \"{}\" cites no passage", dataset.events[i].id),
            )
            .with_help(help)
            .at_path(format!("$.events[{i}]"))
        })
        .collect()
}

/// How many unknown references get a "did you mean": each compares the id
/// with every known one.
const SUGGESTIONS: usize = 200;

struct Checker {
    out: Vec<Diagnostic>,
    tz: jiff::tz::TimeZone,
    suggestions_left: usize,
}

impl Checker {
    /// Ids must be non-empty words without spaces, unique within their
    /// kind; `path(k)` is the path of the `k`th.
    fn ids<'a>(
        &mut self,
        kind: &str,
        ids: impl Iterator<Item = &'a str>,
        path: impl Fn(usize) -> String,
    ) {
        let mut first: FxHashMap<&str, usize> = FxHashMap::default();
        for (k, id) in ids.enumerate() {
            let ok = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
            if !ok {
                self.out.push(
                    Diagnostic::error(
                        Code::InvalidId,
                        format!("\"{id}\" is not a valid {kind} id"),
                    )
                    .with_help("use letters, digits and - _ . : only, e.g. \"crocus-attack\"")
                    .at_path(path(k)),
                );
            }
            match first.get(id) {
                Some(&at) => self.out.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the {kind} id \"{id}\" is used twice"),
                    )
                    .with_help(format!(
                        "it is first used at {}; give each {kind} its own id",
                        path(at)
                    ))
                    .at_path(path(k)),
                ),
                None => {
                    first.insert(id, k);
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
        let suggestion = if self.suggestions_left > 0 {
            self.suggestions_left -= 1;
            did_you_mean(id, known.iter().copied())
        } else {
            None
        };
        let help = match suggestion {
            Some(m) => format!("did you mean \"{m}\"?"),
            None if known.is_empty() => format!("the file defines no {kind}s"),
            None => {
                let mut list: Vec<&str> = known.iter().copied().collect();
                list.sort_unstable();
                list.truncate(12);
                format!("known {kind}s: {}", list.join(", "))
            }
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

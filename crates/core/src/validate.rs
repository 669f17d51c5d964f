//! Checks on a whole dataset that no single field can make: unique and
//! well-formed ids, references that lead somewhere, coordinates on the globe,
//! ranges that end after they start, events that cite their evidence.
//!
//! It runs on the model, whatever format it came from. Each diagnostic names
//! the JSON path of the value at fault (from the item's [`Origin`], or its
//! index); the loader turns that path into a line and column.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::model::*;

/// Every problem with `dataset` that its fields alone do not show.
pub fn check(dataset: &Dataset) -> Vec<Diagnostic> {
    let mut c = Checker {
        out: Vec::new(),
        tz: dataset.tz(),
        suggestions_left: SUGGESTIONS,
    };
    let path_of = |origin: &Origin, kind: &str, i: usize| {
        if origin.json_path.is_empty() {
            format!("$.{kind}[{i}]")
        } else {
            origin.json_path.clone()
        }
    };

    let category_ids: HashSet<&str> = dataset.categories.iter().map(|x| x.id.as_str()).collect();
    c.ids(
        "category",
        dataset
            .categories
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), format!("$.categories[{i}].id"))),
    );
    let place_ids: HashSet<&str> = dataset.places.iter().map(|p| p.id.as_str()).collect();
    c.ids(
        "place",
        dataset
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), path_of(&p.origin, "places", i) + ".id")),
    );
    let source_ids: HashSet<&str> = dataset.sources.iter().map(|s| s.id.as_str()).collect();
    c.ids(
        "source",
        dataset
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), path_of(&s.origin, "sources", i) + ".id")),
    );
    let event_ids: HashSet<&str> = dataset.events.iter().map(|e| e.id.as_str()).collect();
    c.ids(
        "event",
        dataset
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), path_of(&e.origin, "events", i) + ".id")),
    );
    let passage_ids: Vec<(&str, String)> = dataset
        .events
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            let ep = path_of(&e.origin, "events", i);
            e.passages.iter().enumerate().filter_map(move |(j, p)| {
                p.id.as_deref()
                    .map(|id| (id, format!("{ep}.passages[{j}].id")))
            })
        })
        .collect();
    c.ids(
        "passage",
        passage_ids.iter().map(|(id, p)| (*id, p.clone())),
    );
    let all_passage_ids: HashSet<&str> = passage_ids.iter().map(|(id, _)| *id).collect();

    if let Some(r) = &dataset.reference_place {
        c.reference("place", r, &place_ids, "$.reference_place".into());
    }

    for (i, place) in dataset.places.iter().enumerate() {
        let path = path_of(&place.origin, "places", i);
        c.point(&place.point, &format!("{path}.point"));
        if let Some(w) = &place.within {
            c.reference("place", w, &place_ids, format!("{path}.within"));
            if w == &place.id {
                c.out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("place \"{w}\" lies within itself"),
                    )
                    .with_help("name the larger place it lies in, or remove \"within\"")
                    .at_path(format!("{path}.within")),
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
                    .at_path(format!("{path}.iso3166_2")),
                );
            }
        }
    }

    for (i, source) in dataset.sources.iter().enumerate() {
        let path = path_of(&source.origin, "sources", i);
        if let Some(w) = &source.published {
            c.when(w, &format!("{path}.published"));
        }
    }

    for (i, event) in dataset.events.iter().enumerate() {
        let path = path_of(&event.origin, "events", i);
        if let (Some(cat), false) = (&event.category, category_ids.is_empty()) {
            c.reference("category", cat, &category_ids, format!("{path}.category"));
        }
        c.when(&event.when, &format!("{path}.when"));
        if let When::Disputed(readings) = &event.when {
            for (j, r) in readings.iter().enumerate() {
                let rp = format!("{path}.when.disputed[{j}]");
                if let Some(s) = &r.source {
                    c.reference("source", s, &source_ids, format!("{rp}.source"));
                }
                if let Some(p) = &r.passage {
                    c.reference("passage", p, &all_passage_ids, format!("{rp}.passage"));
                }
            }
        }
        if let Some(loc) = &event.location {
            if let Some(place) = &loc.place {
                c.reference("place", place, &place_ids, format!("{path}.where.place"));
            }
            if let Some(p) = &loc.point {
                c.point(p, &format!("{path}.where.point"));
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
                    .at_path(format!("{path}.where.uncertainty_m")),
                );
            }
        }
        if event.passages.is_empty() {
            c.out.push(
                Diagnostic::warning(
                    Code::NoPassage,
                    format!("event \"{}\" cites no passage", event.id),
                )
                .with_help(
                    "quote the words of a source that report it, so its marker leads back to them",
                )
                .at_path(path.clone()),
            );
        }
        let own_passages: HashSet<&str> = event
            .passages
            .iter()
            .filter_map(|p| p.id.as_deref())
            .collect();
        for (j, p) in event.passages.iter().enumerate() {
            let pp = format!("{path}.passages[{j}]");
            c.reference("source", &p.source, &source_ids, format!("{pp}.source"));
            if let (Some(s), Some(e)) = (p.start, p.end)
                && e < s
            {
                c.out.push(
                    Diagnostic::error(Code::RangeReversed, format!("the passage ends (at {e}) before it starts (at {s})"))
                        .with_help("\"start\" and \"end\" are character offsets with start ≤ end; or remove them")
                        .at_path(format!("{pp}.end")),
                );
            }
        }
        for (j, claim) in event.claims.iter().enumerate() {
            if let Some(p) = &claim.passage {
                c.reference(
                    "passage of this event",
                    p,
                    &own_passages,
                    format!("{path}.claims[{j}].passage"),
                );
            }
        }
        for (j, cas) in event.casualties.iter().enumerate() {
            let cp = format!("{path}.casualties[{j}]");
            if let Some(s) = &cas.source {
                c.reference("source", s, &source_ids, format!("{cp}.source"));
            }
            if let Some(w) = &cas.as_of {
                c.when(w, &format!("{cp}.as_of"));
            }
        }
        for (j, rel) in event.relations.iter().enumerate() {
            let rp = format!("{path}.relations[{j}].event");
            c.reference("event", &rel.event, &event_ids, rp.clone());
            if rel.event == event.id {
                c.out.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("event \"{}\" is related to itself", event.id),
                    )
                    .with_help("a relation links two different events")
                    .at_path(rp),
                );
            }
        }
    }
    c.out
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
    /// Ids must be non-empty words without spaces, unique within their kind.
    fn ids<'a>(&mut self, kind: &str, ids: impl Iterator<Item = (&'a str, String)>) {
        let mut first: HashMap<&str, String> = HashMap::new();
        for (id, path) in ids {
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
                    .at_path(path.clone()),
                );
            }
            match first.get(id) {
                Some(at) => self.out.push(
                    Diagnostic::error(
                        Code::DuplicateId,
                        format!("the {kind} id \"{id}\" is used twice"),
                    )
                    .with_help(format!(
                        "it is first used at {at}; give each {kind} its own id"
                    ))
                    .at_path(path),
                ),
                None => {
                    first.insert(id, path);
                }
            }
        }
    }

    fn reference(&mut self, kind: &str, id: &str, known: &HashSet<&str>, path: String) {
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
            .at_path(path),
        );
    }

    /// Coordinates on the globe. A non-finite one was never read from a file:
    /// it stands for a point the reader already reported as broken.
    fn point(&mut self, p: &LatLon, path: &str) {
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
                .at_path(format!("{path}.lat")),
            );
        }
        if !(-180.0..=180.0).contains(&p.lon) {
            self.out.push(
                Diagnostic::error(
                    Code::CoordinateOutOfRange,
                    format!("longitude {} is out of range", p.lon),
                )
                .with_help("longitude is between -180 and 180")
                .at_path(format!("{path}.lon")),
            );
        }
    }

    fn when(&mut self, w: &When, path: &str) {
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
                        .at_path(path.to_string()),
                    );
                }
            }
            When::Disputed(readings) => {
                for (j, r) in readings.iter().enumerate() {
                    self.when(&r.when, &format!("{path}.disputed[{j}].when"));
                }
            }
            _ => {}
        }
    }
}

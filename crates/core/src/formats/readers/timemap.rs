//! Forensic Architecture's TimeMap (and Bellingcat's ukraine-timemap): an
//! `events.json` array, with `sources.json` and `associations.json` beside
//! it (the schema of forensic-architecture/timemap's
//! `src/reducers/validate/`). Each event has a `description`, a `date`
//! (M/D/YYYY) and `time` (HH:mm), `location` with `latitude` and
//! `longitude` as text (`time_precision` "month" or "year" when the date
//! is only that), `associations` (ids of filters and narratives:
//! its filterable tags) and `sources` (ids). Events with only a place or
//! only a date are kept: the latter on the timeline as not on the map.
//!
//! A TimeMap site serves the three as one bundle, `{"Events": [...],
//! "Sources": {...}, "Associations": [...]}` (its keys in any case), read
//! the same way ([`is_bundle`], [`read_bundle`]).
//!
//! What the markers lead to: the descriptions of the event's sources (one
//! source of ours per TimeMap source, quoted by each event citing it);
//! for an event citing none with words, its own description.

use std::path::Path;

use serde_json::Value as J;

use super::dates::{DateOrder, parse_in};
use super::import::{self, Import, RecordText};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{LatLon, Moment, Passage, When};

/// Whether a parsed JSON document is TimeMap's `events.json`: an array of
/// objects with a `description` and a `date` or `latitude`, and
/// `associations` or `sources` (its first twenty looked at, on the parsed
/// tree: nothing is converted for a document that is not).
pub fn is_timemap(root: &jsonc_parser::ast::Value) -> bool {
    let jsonc_parser::ast::Value::Array(events) = root else {
        return false;
    };
    !events.elements.is_empty()
        && events.elements.iter().take(20).all(|e| {
            let has = |k| member_ci(e, k).is_some();
            has("description")
                && (has("date") || has("latitude"))
                && (has("associations") || has("sources"))
        })
}

/// A member of a JSON object, its key in any case.
fn member_ci<'v, 't>(
    node: &'v jsonc_parser::ast::Value<'t>,
    key: &str,
) -> Option<&'v jsonc_parser::ast::Value<'t>> {
    match node {
        jsonc_parser::ast::Value::Object(o) => o
            .properties
            .iter()
            .find(|p| p.name.as_str().eq_ignore_ascii_case(key))
            .map(|p| &p.value),
        _ => None,
    }
}

/// The events array of a TimeMap site's bundle (`{"Events": [...],
/// "Sources": ..., "Associations": ...}`), when `root` is one: its events
/// look like TimeMap's, and it has sources or associations beside them.
pub fn bundle_events<'v, 't>(
    root: &'v jsonc_parser::ast::Value<'t>,
) -> Option<&'v jsonc_parser::ast::Value<'t>> {
    let events = member_ci(root, "events")?;
    (is_timemap(events)
        && (member_ci(root, "sources").is_some() || member_ci(root, "associations").is_some()))
    .then_some(events)
}

/// The records of a bundle's `key` (sources, associations): an array, or
/// an object of records by id.
fn bundled(root: &J, key: &str) -> Vec<(String, J)> {
    get_ci(root, key).cloned().map(records).unwrap_or_default()
}

/// A member of a JSON object, its key in any case (the exact key first).
fn get_ci<'v>(v: &'v J, key: &str) -> Option<&'v J> {
    v.get(key).or_else(|| {
        v.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Reads a TimeMap site's bundle (parsed); `offsets` are its events'.
pub fn read_bundle(root: &J, offsets: &[usize], name: &str) -> Import {
    let mut import = Import::new(name);
    let associations = bundled(root, "associations");
    let sources = bundled(root, "sources");
    let events = get_ci(root, "events").cloned().unwrap_or(J::Null);
    read_parts(&events, &sources, &associations, offsets, name, &mut import);
    import
}

/// A TimeMap file beside `events`: an array, or an object of records by
/// id; each record with its id. A file that is missing is none; one that
/// does not read is a warning.
fn sibling(events: &Path, name: &str, import: &mut Import) -> Vec<(String, J)> {
    let path = events.with_file_name(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let value: J = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            import.diagnostics.push(
                Diagnostic::warning(
                    Code::Syntax,
                    format!("{name} beside it does not read as JSON ({e}); its records are left out"),
                )
                .with_help("TimeMap's sources.json and associations.json are JSON arrays of objects with an id")
                .at_offset(0),
            );
            return Vec::new();
        }
    };
    records(value)
}

/// Records as TimeMap keeps them: an array, or an object of records by
/// id; each with its id.
fn records(value: J) -> Vec<(String, J)> {
    let id_of = |v: &J, fallback: &str| {
        get_ci(v, "id")
            .and_then(text_of)
            .unwrap_or_else(|| fallback.to_string())
    };
    match value {
        J::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (id_of(&v, &i.to_string()), v))
            .collect(),
        J::Object(map) => map.into_iter().map(|(k, v)| (id_of(&v, &k), v)).collect(),
        _ => Vec::new(),
    }
}

/// A value as text: a string (trimmed, non-empty) or a number.
fn text_of(v: &J) -> Option<String> {
    super::timelinejs::text_of(v, &[])
}

fn field(v: &J, key: &str) -> Option<String> {
    get_ci(v, key).and_then(text_of)
}

/// The ids in a list field (strings or numbers).
fn ids(v: &J, key: &str) -> Vec<String> {
    get_ci(v, key)
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(text_of).collect())
        .unwrap_or_default()
}

/// A TimeMap date (M/D/YYYY, or ISO) and time (HH:mm), read in UTC (TimeMap
/// gives no zone).
fn when_of(date: Option<&str>, time: Option<&str>) -> Result<When, String> {
    let Some(date) = date else {
        return Ok(When::Unknown);
    };
    let day = parse_in(date, DateOrder::MonthFirst)
        .ok_or_else(|| format!("the date \"{date}\" does not read"))?;
    let (Moment::Day(d), Some(time)) = (&day, time) else {
        return Ok(When::At(day));
    };
    let t: jiff::civil::Time = time
        .parse()
        .map_err(|_| format!("the time \"{time}\" does not read"))?;
    d.to_datetime(t)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| When::At(Moment::Instant(z)))
        .map_err(|e| e.to_string())
}

/// A title for an event TimeMap gives none: its description's first
/// sentence, cut at about eighty characters; else its place.
fn title_of(description: Option<&str>, place: Option<&str>, n: usize) -> String {
    if let Some(d) = description
        .map(import::plain_text)
        .filter(|d| !d.trim().is_empty())
    {
        let sentence = d
            .split_inclusive(['.', '!', '?', '\n'])
            .next()
            .unwrap_or(&d)
            .trim()
            .trim_end_matches('.');
        if sentence.chars().count() <= 90 {
            return sentence.to_string();
        }
        let cut: String = sentence.chars().take(80).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
        return format!("{cut}…");
    }
    place.map_or_else(|| format!("Event {n}"), str::to_string)
}

/// Reads TimeMap's `events.json` (parsed) at `path`, with the files beside it.
pub fn read(root: &J, path: &Path, offsets: &[usize], name: &str) -> Import {
    let mut import = Import::new(name);
    let associations = sibling(path, "associations.json", &mut import);
    let sources = sibling(path, "sources.json", &mut import);
    read_parts(root, &sources, &associations, offsets, name, &mut import);
    import
}

/// Reads `root`'s events, citing `sources`, tagged by `associations`,
/// into `import`.
fn read_parts(
    root: &J,
    sources: &[(String, J)],
    associations: &[(String, J)],
    offsets: &[usize],
    name: &str,
    import: &mut Import,
) {
    let association = |id: &str| associations.iter().find(|(k, _)| k == id).map(|(_, v)| v);
    // Each TimeMap source with words, as one source of ours; its passage.
    let mut cited: rustc_hash::FxHashMap<String, Passage> = Default::default();
    for (id, s) in sources {
        let Some(text) = field(s, "description") else {
            continue;
        };
        let url = field(s, "url").or_else(|| {
            s.get("paths")
                .and_then(J::as_array)
                .and_then(|p| p.iter().find_map(text_of))
        });
        let words = RecordText {
            text: import::plain_text(&text),
            title: field(s, "title").unwrap_or_else(|| format!("TimeMap source {id}")),
            author: field(s, "author"),
            url: url.filter(|u| u.starts_with("http://") || u.starts_with("https://")),
            note: field(s, "date").map(|d| format!("Dated {d} in TimeMap.")),
            ..RecordText::default()
        };
        let key = format!("timemap-source-{}", super::record::clean_id(id));
        if let Some(p) = import.words(&key, words) {
            cited.insert(id.clone(), p);
        }
    }
    let events = root.as_array().map(Vec::as_slice).unwrap_or_default();
    for (i, v) in events.iter().enumerate() {
        let offset = offsets.get(i).copied();
        let description = field(v, "description");
        let place = field(v, "location");
        let title = title_of(description.as_deref(), place.as_deref(), i + 1);
        let id = import.id(field(v, "id").as_deref(), &format!("event-{}", i + 1));
        let when = match when_of(field(v, "date").as_deref(), field(v, "time").as_deref()) {
            // A month or a year written as its first day.
            Ok(When::At(Moment::Day(d))) => match field(v, "time_precision").as_deref() {
                Some("month") => When::At(Moment::Month {
                    year: d.year(),
                    month: d.month(),
                }),
                Some("year") => When::At(Moment::Year(d.year())),
                _ => When::At(Moment::Day(d)),
            },
            Ok(w) => w,
            Err(e) => {
                import.problem(
                    offset,
                    format!(
                        "event {} (\"{title}\"): {e}; it is kept without a date",
                        i + 1
                    ),
                    "TimeMap dates are M/D/YYYY (3/22/2024) and times HH:mm (20:00)",
                );
                When::Unknown
            }
        };
        let mut e = import::event(id.clone(), title.clone(), when, offset);
        let degrees = |k: &str| field(v, k).and_then(|s| s.parse::<f64>().ok());
        match (degrees("latitude"), degrees("longitude")) {
            (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => {
                e.location = Some(import::at_point(
                    LatLon { lat, lon },
                    place.as_ref().map(|p| format!("Place: {p}")),
                ));
            }
            (None, None) if field(v, "latitude").is_none() && field(v, "longitude").is_none() => {}
            _ => import.problem(
                offset,
                format!(
                    "event {} (\"{title}\"): its latitude \"{}\" and longitude \"{}\" are not a point on the globe; it is kept without a place",
                    i + 1,
                    field(v, "latitude").unwrap_or_default(),
                    field(v, "longitude").unwrap_or_default()
                ),
                "TimeMap coordinates are decimal degrees as text: \"55.7558\", \"37.6173\"",
            ),
        }
        // Associations: filters are its tags (the first, its category when
        // it has none of its own); narratives are listed.
        let (mut tags, mut narratives) = (Vec::new(), Vec::new());
        for a in ids(v, "associations") {
            let (title, mode) = association(&a).map_or((a.clone(), None), |x| {
                (field(x, "title").unwrap_or(a.clone()), field(x, "mode"))
            });
            match mode.as_deref().map(str::to_ascii_uppercase).as_deref() {
                Some("NARRATIVE") => narratives.push(title),
                _ => tags.push(title),
            }
        }
        let category = field(v, "category").or_else(|| tags.first().cloned());
        e.category = category.and_then(|c| import.category(&c));
        // The words: its sources' descriptions; else its own description.
        for s in ids(v, "sources") {
            if let Some(p) = cited.get(&s) {
                e.passages.push(p.clone());
            }
        }
        if e.passages.is_empty()
            && let Some(d) = &description
            && let Some(p) = import.words(
                &id,
                RecordText {
                    text: import::plain_text(d),
                    title: format!("{name}: description of \"{title}\""),
                    ..RecordText::default()
                },
            )
        {
            e.passages.push(p);
        } else if let Some(d) = &description {
            // The description past the sentence that made the title.
            let d = import::plain_text(d);
            let rest = d
                .strip_prefix(title.as_str())
                .map_or(d.as_str(), |r| r.trim_start_matches(['.', ' ']))
                .trim();
            e.summary = (!rest.is_empty()).then(|| rest.to_string());
        }
        let notes: Vec<String> = [
            (!tags.is_empty()).then(|| format!("Tags: {}", tags.join("; "))),
            (!narratives.is_empty()).then(|| format!("Narratives: {}", narratives.join("; "))),
            field(v, "comments").map(|c| format!("Comments: {c}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !notes.is_empty() {
            e.notes = Some(notes.join("\n"));
        }
        import.push(e);
    }
}

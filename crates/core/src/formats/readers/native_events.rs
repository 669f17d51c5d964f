//! Reading a native file of any size: its events found by a structural scan
//! and decoded on every core, the rest of the file (categories, places,
//! sources) decoded as before. A file of up to [`KEPT_IN_MEMORY`] events
//! keeps them in memory, in full; a larger one is read a part at a time
//! (decoded, checked, anchored, made rows of the table) and its events are
//! left in the file, decoded again when one is asked for ([`NativeRecords`]).
//!
//! An event of the common shape (id, title, summary, category, actors, a
//! dated `when`, a `where` with a place or point, notes) is decoded straight
//! into the model by serde; any other event, and any event serde refuses, goes
//! through the checking decoder of [`super::native`], which reports every
//! problem with its place. The fast way accepts nothing the checking one would
//! not: a test holds the two to the same result on every file we have.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jiff::tz::TimeZone;
use rayon::prelude::*;
use serde::Deserialize;

use super::file::FileBytes;
use super::json_scan;
use super::json_tree::{self, Report};
use super::native;
use super::{Progress, Stage};
use crate::diagnostic::Diagnostic;
use crate::evidence::{Searches, anchor_events};
use crate::model::{Dataset, Event, LatLon, Location, Origin, Precision, When};
use crate::store::{ById, Detail, EventRows, EventTable, Meta, Records, TableBuilder};
use crate::validate::Validator;

/// Events a native file may have and still be held in memory in full; a
/// larger one's events stay in the file (about 100 bytes an event in
/// memory instead of about a kilobyte).
pub const KEPT_IN_MEMORY: usize = 50_000;

/// Events decoded, checked and anchored at a time when they stay in the file.
pub const CHUNK: usize = 1 << 13;

/// Events decoded between updates of the progress.
const PROGRESS_EVERY: usize = 4096;

/// A native file split in two: the events' places in the text, and the
/// text without them.
pub struct Split<'t> {
    text: &'t str,
    /// Each event's bytes in `text`.
    pub events: Vec<Range<usize>>,
    /// The bytes of the event list's contents, left out of `header`.
    cut: Range<usize>,
    /// The file with its event list emptied.
    header: String,
}

impl<'t> Split<'t> {
    /// Splits `text` when it is a JSON object with an `events` array;
    /// `None` otherwise, and when its structure breaks (the whole-file
    /// parser then says where).
    pub fn new(text: &'t str) -> Option<Self> {
        let b = text.as_bytes();
        let members = json_scan::members(b, 0).ok()??;
        let (_, list) = members.iter().find(|(k, _)| &b[k.clone()] == b"events")?;
        if b.get(list.start) != Some(&b'[') {
            return None;
        }
        let events = json_scan::elements(b, list.start).ok()?;
        let cut = list.start + 1..list.end - 1;
        let mut header = String::with_capacity(text.len() - cut.len());
        header.push_str(&text[..cut.start]);
        header.push_str(&text[cut.end..]);
        Some(Split {
            text,
            events,
            cut,
            header,
        })
    }

    /// Whether the file says it is ours (a TimelineJS file has events too).
    pub fn is_native(&self) -> bool {
        json_tree::parse(&self.header).is_ok_and(|root| native::is_native(&root))
    }

    /// An offset in the header, as an offset in the file.
    fn shift(&self, offset: usize) -> usize {
        if offset >= self.cut.start {
            offset + self.cut.len()
        } else {
            offset
        }
    }

    /// Where the value at a JSON path (of the file) starts in the file.
    fn locate(&self, header: &jsonc_parser::ast::Value, path: &str) -> Option<usize> {
        if let Some(rest) = path.strip_prefix("$.events[")
            && let Some((i, rest)) = rest.split_once(']')
            && let Ok(i) = i.parse::<usize>()
            && let Some(range) = self.events.get(i)
        {
            let root = json_tree::parse(&self.text[range.clone()]).ok()?;
            return json_tree::locate(&root, &format!("${rest}")).map(|o| o + range.start);
        }
        json_tree::locate(header, path).map(|o| self.shift(o))
    }
}

impl Split<'_> {
    /// The file without its events: its JSON (when it parses), decoded
    /// (when it can be), and its problems, placed in the file.
    #[allow(clippy::type_complexity)]
    fn header(
        &self,
    ) -> (
        Option<jsonc_parser::ast::Value<'_>>,
        Option<Dataset>,
        Vec<Diagnostic>,
    ) {
        let root = match json_tree::parse(&self.header) {
            Ok(root) => root,
            Err(mut d) => {
                d.offset = d.offset.map(|o| self.shift(o));
                return (None, None, vec![*d]);
            }
        };
        let mut report = Report::default();
        let dataset = native::decode(&root, &mut report);
        let mut diagnostics = report.diagnostics;
        for d in &mut diagnostics {
            d.offset = d.offset.map(|o| self.shift(o));
        }
        (Some(root), dataset, diagnostics)
    }

    /// Places each diagnostic that has a JSON path but no offset.
    fn place(&self, header: &jsonc_parser::ast::Value, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if d.offset.is_none()
                && let Some(path) = &d.json_path
            {
                d.offset = self.locate(header, path);
            }
        }
    }
}

/// A native file read from a [`Split`]: the dataset, if its header decoded,
/// and every problem, located. Source texts are read, the data checked and
/// passages anchored by `finish`, given the dataset.
pub fn read(
    split: &Split,
    progress: Option<&Progress>,
    finish: impl FnOnce(&mut Dataset) -> Vec<Diagnostic>,
) -> Result<(Option<Dataset>, Vec<Diagnostic>), super::Cancelled> {
    let (header, dataset, mut diagnostics) = split.header();
    let (Some(header), Some(mut dataset)) = (header, dataset) else {
        return Ok((None, diagnostics));
    };
    let tz = named_tz(&dataset);
    let (events, problems) = decode_events(split, tz.as_ref(), progress)?;
    dataset.events = events;
    diagnostics.extend(problems);
    if progress.is_some_and(Progress::is_cancelled) {
        return Err(super::Cancelled);
    }
    let mut more = finish(&mut dataset);
    split.place(&header, &mut more);
    diagnostics.extend(more);
    Ok((Some(dataset), diagnostics))
}

/// What [`read_records`] gives: the table and the events left in the
/// file (when the file's header could be read), and every problem.
pub type Read = (Option<(EventTable, NativeRecords)>, Vec<Diagnostic>);

/// A large native file read a part of `chunk` events at a time into a
/// table, its events left in `file` (whose bytes from `start` are the
/// split's text). `sources` reads the header's source texts. What is
/// checked and reported is what [`read`] checks and reports.
pub fn read_records(
    split: &Split,
    file: Arc<FileBytes>,
    start: usize,
    progress: Option<&Progress>,
    chunk: usize,
    sources: impl FnOnce(&mut Dataset) -> Vec<Diagnostic>,
) -> Result<Read, super::Cancelled> {
    let (root, header, mut diagnostics) = split.header();
    let (Some(root), Some(mut header)) = (root, header) else {
        return Ok((None, diagnostics));
    };
    let tz = named_tz(&header);
    let mut found = sources(&mut header);
    let mut checks = Validator::new(&header);
    let rows = EventRows::new(&header);
    let mut table = TableBuilder::default();
    table.reserve(split.events.len());
    let mut spans = Vec::with_capacity(split.events.len());
    // Each row's index in the file's list (a row is left out when its
    // event could not be decoded at all).
    let mut index: Vec<u32> = Vec::with_capacity(split.events.len());
    let mut relations = Vec::new();
    let mut searches = Searches::default();
    let total = split.events.len().max(1);
    let chunk = chunk.max(1);
    // A part's events decoded on every core: each kept with its index in
    // the file.
    let decode = |c: usize| -> (Vec<usize>, Vec<Event>, Vec<Diagnostic>) {
        let base = c * chunk;
        let ranges = &split.events[base..(base + chunk).min(split.events.len())];
        let decoded: Vec<(Option<Event>, Vec<Diagnostic>)> = ranges
            .par_iter()
            .enumerate()
            .with_min_len(256)
            .map(|(k, range)| {
                let text = &split.text[range.clone()];
                match fast(text, tz.as_ref()) {
                    Some(e) => (Some(e), Vec::new()),
                    None => checked(text, range.start, base + k, tz.as_ref()),
                }
            })
            .collect();
        let (mut at, mut events, mut problems) = (Vec::new(), Vec::new(), Vec::new());
        for (k, (event, found)) in decoded.into_iter().enumerate() {
            problems.extend(found);
            if let Some(e) = event {
                at.push(base + k);
                events.push(e);
            }
        }
        (at, events, problems)
    };
    // A decoded part anchored, checked and made rows, while the next part
    // is decoded.
    let mut take = |(at, mut events, problems): (Vec<usize>, Vec<Event>, Vec<Diagnostic>)| {
        found.extend(problems);
        found.extend(anchor_events(
            &header.sources,
            &mut events,
            |k| at[k],
            &mut searches,
        ));
        for (e, &i) in events.iter().zip(&at) {
            checks.event(i, e);
            let row = table.len() as u32;
            rows.push(&mut table, e);
            relations.extend(e.relations.iter().map(|r| (row, r.kind, r.event.clone())));
            spans.push(split.events[i].start as u64);
            index.push(i as u32);
        }
    };
    let parts = split.events.len().div_ceil(chunk);
    let mut decoded = None;
    for c in 0..=parts {
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(super::Cancelled);
        }
        if let Some(p) = progress {
            p.set_fraction(Stage::Parsing, (c * chunk) as f32 / total as f32);
        }
        let last = decoded.take();
        let (next, ()) = rayon::join(
            || (c < parts).then(|| decode(c)),
            || {
                if let Some(last) = last {
                    take(last);
                }
            },
        );
        decoded = next;
    }
    table.relate_by_id(relations.iter().map(|(a, k, b)| (*a, *k, b.as_str())));
    drop(relations);
    drop(rows);
    found.extend(checks.finish(table.len(), |r| (index[r] as usize, table.id(r))));
    drop(index);
    let table = table.finish(Meta::of(&header));
    split.place(&root, &mut found);
    diagnostics.extend(found);
    let records = NativeRecords {
        file,
        start,
        spans,
        by_id: ById::new(&header),
        header,
        tz,
    };
    Ok((Some((table, records)), diagnostics))
}

/// A large native file's events, left in the file: an event is decoded
/// and its passages anchored again when it is asked for.
pub struct NativeRecords {
    file: Arc<FileBytes>,
    /// Where the JSON text starts in the file (after a byte order mark).
    start: usize,
    /// Where each row's event starts in the text (where it ends is found
    /// again by a scan).
    spans: Vec<u64>,
    /// Everything but the events: title, categories, places, sources
    /// with their texts.
    header: Dataset,
    by_id: ById,
    tz: Option<TimeZone>,
}

impl NativeRecords {
    /// Row `i`'s event, decoded and anchored; `None` only if the file
    /// changed under the app.
    fn event(&self, i: usize) -> Option<Event> {
        let text = self.file.get(self.start..)?;
        let at = self.spans[i] as usize;
        let end = json_scan::skip_value(text, at).ok()?;
        let text = std::str::from_utf8(&text[at..end]).ok()?;
        fast(text, self.tz.as_ref()).or_else(|| checked(text, 0, i, self.tz.as_ref()).0)
    }
}

/// What the table knows of row `i`, for an event its file no longer holds.
fn stand_in(table: &EventTable, i: usize) -> Event {
    super::import::event(
        table.id(i).to_string(),
        table.title(i).to_string(),
        When::Unknown,
        None,
    )
}

/// The time zone a data set names, if it is one.
fn named_tz(ds: &Dataset) -> Option<TimeZone> {
    ds.time_zone
        .as_deref()
        .and_then(|name| TimeZone::get(name).ok())
}

impl Records for NativeRecords {
    fn detail(&self, table: &EventTable, i: usize) -> Detail {
        let event = self.event(i).unwrap_or_else(|| stand_in(table, i));
        let mut d = Detail::of(event, &self.header, &self.by_id);
        // Anchored in the sources it cites only.
        anchor_events(
            &d.sources,
            std::slice::from_mut(&mut d.event),
            |k| k,
            &mut Searches::default(),
        );
        d
    }

    fn heap_bytes(&self) -> usize {
        self.spans.capacity() * std::mem::size_of::<u64>()
            + self.by_id.heap_bytes()
            + self
                .header
                .sources
                .iter()
                .map(|s| s.full_text().map_or(0, str::len))
                .sum::<usize>()
    }

    fn dataset(&self, table: &EventTable) -> Option<Dataset> {
        let mut ds = self.header.clone();
        ds.events = (0..self.spans.len())
            .into_par_iter()
            .map(|i| self.event(i).unwrap_or_else(|| stand_in(table, i)))
            .collect();
        let Dataset {
            sources, events, ..
        } = &mut ds;
        anchor_events(sources, events, |k| k, &mut Searches::default());
        Some(ds)
    }
}

/// Every event, in file order, and the problems of those that have any.
fn decode_events(
    split: &Split,
    tz: Option<&TimeZone>,
    progress: Option<&Progress>,
) -> Result<(Vec<Event>, Vec<Diagnostic>), super::Cancelled> {
    let cancelled = || progress.is_some_and(Progress::is_cancelled);
    let done = AtomicUsize::new(0);
    let total = split.events.len().max(1);
    let problems = Mutex::new(Vec::new());
    // Decoded in place, each into its slot: no second copy of the list.
    let mut slots: Vec<Option<Event>> = Vec::new();
    split
        .events
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(index, range)| {
            if cancelled() {
                return None;
            }
            let n = done.fetch_add(1, Ordering::Relaxed);
            if let Some(p) = progress
                && n.is_multiple_of(PROGRESS_EVERY)
            {
                p.set_fraction(Stage::Parsing, n as f32 / total as f32);
            }
            let text = &split.text[range.clone()];
            fast(text, tz).or_else(|| {
                let (event, found) = checked(text, range.start, index, tz);
                if !found.is_empty() {
                    problems
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((index, found));
                }
                event
            })
        })
        .collect_into_vec(&mut slots);
    if cancelled() {
        return Err(super::Cancelled);
    }
    let events: Vec<Event> = if slots.iter().all(Option::is_some) {
        slots.into_iter().map(Option::unwrap).collect()
    } else {
        slots.into_iter().flatten().collect()
    };
    let mut problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
    problems.sort_unstable_by_key(|(index, _)| *index);
    Ok((events, problems.into_iter().flat_map(|(_, p)| p).collect()))
}

/// The event at `start` in the file, decoded by the checking decoder, with
/// its problems placed in the file.
fn checked(
    text: &str,
    start: usize,
    index: usize,
    tz: Option<&TimeZone>,
) -> (Option<Event>, Vec<Diagnostic>) {
    let root = match json_tree::parse(text) {
        Ok(root) => root,
        Err(mut d) => {
            d.offset = d.offset.map(|o| o + start);
            return (None, vec![*d]);
        }
    };
    let path = json_tree::index_path("$.events", index);
    let mut report = Report::default();
    let event = native::decode_event(&root, path.clone(), tz, &mut report);
    let mut problems = report.diagnostics;
    for d in &mut problems {
        d.offset = match (d.offset, &d.json_path) {
            (Some(o), _) => Some(o + start),
            (None, Some(p)) => p
                .strip_prefix(path.as_str())
                .and_then(|rest| json_tree::locate(&root, &format!("${rest}")))
                .map(|o| o + start),
            (None, None) => None,
        };
    }
    (event, problems)
}

/// An event as serde reads it: the common shape only, nothing unknown, no
/// field given as `null`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    id: String,
    title: String,
    #[serde(default, deserialize_with = "present")]
    summary: Option<String>,
    #[serde(default, deserialize_with = "present")]
    category: Option<String>,
    #[serde(default)]
    actors: Vec<String>,
    when: String,
    #[serde(default)]
    approximate: bool,
    #[serde(default, deserialize_with = "present")]
    when_note: Option<String>,
    #[serde(rename = "where", default, deserialize_with = "present")]
    location: Option<WireWhere>,
    #[serde(default, deserialize_with = "present")]
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireWhere {
    #[serde(default, deserialize_with = "present")]
    place: Option<String>,
    #[serde(default, deserialize_with = "present")]
    point: Option<WirePoint>,
    #[serde(default, deserialize_with = "present")]
    precision: Option<String>,
    #[serde(default, deserialize_with = "present")]
    uncertainty_m: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePoint {
    lat: f64,
    lon: f64,
}

/// A field that is there has a value: `null` is refused (the checking
/// decoder says why).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// The event in `text` if it has the common shape and nothing wrong with
/// it; `None` sends it to the checking decoder.
fn fast(text: &str, tz: Option<&TimeZone>) -> Option<Event> {
    let w: Wire = serde_json::from_str(text).ok()?;
    if w.id.trim().is_empty() || w.title.trim().is_empty() {
        return None;
    }
    let when = When::parse(&w.when, tz).ok()?;
    let location = match w.location {
        None => None,
        Some(l) => {
            if l.place.is_none() && l.point.is_none() {
                return None;
            }
            let precision = match l.precision {
                None => None,
                Some(p) => Some(Precision::ALL.into_iter().find(|x| x.as_str() == p)?),
            };
            Some(Location {
                place: l.place,
                point: l.point.map(|p| LatLon {
                    lat: p.lat,
                    lon: p.lon,
                }),
                precision,
                uncertainty_m: l.uncertainty_m,
                geometry: None,
                note: l.note,
            })
        }
    };
    Some(Event {
        id: w.id,
        title: w.title,
        summary: w.summary,
        category: w.category,
        actors: w.actors,
        when,
        approximate: w.approximate,
        when_note: w.when_note,
        location,
        passages: Vec::new(),
        claims: Vec::new(),
        casualties: Vec::new(),
        relations: Vec::new(),
        notes: w.notes,
        origin: Origin::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checking decoder's event, if it found nothing wrong.
    fn clean(text: &str) -> Option<Event> {
        let (e, problems) = checked(text, 0, 0, None);
        if problems.is_empty() { e } else { None }
    }

    #[test]
    fn the_fast_way_agrees_with_the_checking_decoder_or_steps_aside() {
        let cases = [
            r#"{"id":"a","title":"T","when":"2024-03-22","where":{"point":{"lat":55.75,"lon":37.6},"precision":"town"}}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22T20:00:00+03:00","actors":["x","y"],"notes":"n \"q\" \u00e9","approximate":true,"when_note":"w","summary":"s","category":"c"}"#,
            r#"{"id":"a","title":"T","when":"unknown","where":{"place":"p","uncertainty_m":500,"note":"z"}}"#,
            r#"{"id":"a","title":"T","when":"2024-03","where":{"point":{"lat":55,"lon":-0}}}"#,
            // Each of these the checking decoder has something to say about.
            r#"{"id":"a","title":"T","when":"2024-03-22","summary":null}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","where":{"point":{"lat":55.75,"lng":37.6}}}"#,
            r#"{"id":"a","title":" ","when":"2024-03-22"}"#,
            r#"{"id":"a","id":"b","title":"T","when":"2024-03-22"}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","where":{"point":{"lat":55,"lon":37},"precision":"Town"}}"#,
            r#"{"id":"a","title":"T","when":"2024-13-40"}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","where":{}}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","where":{"point":{"lat":"55","lon":37}}}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","where":{"point":{"lat":1e400,"lon":37}}}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","actors":null}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","approximate":"yes"}"#,
            r#"{"id":"a","title":"T"}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","colour":"red"}"#,
            // Shapes the fast way leaves to the checking decoder.
            r#"{"id":"a","title":"T","when":{"disputed":[{"when":"2024-03-22"},{"when":"2024-03-23"}]}}"#,
            r#"{"id":"a","title":"T","when":"2024-03-22","passages":[{"source":"s","quote":"q"}]}"#,
        ];
        let mut fast_ones = 0;
        for case in cases {
            match fast(case, None) {
                Some(e) => {
                    fast_ones += 1;
                    assert_eq!(Some(e), clean(case), "{case}");
                }
                None => assert!(
                    case.contains("passages") || case.contains("disputed") || clean(case).is_none(),
                    "the fast way refused a clean event: {case}"
                ),
            }
        }
        assert_eq!(fast_ones, 4);
    }

    #[test]
    fn offsets_and_paths_point_into_the_whole_file() {
        let text = r#"{"format":"incident-map","version":1,"title":"t","events":[
 {"id":"a","title":"T","when":"2024-03-22"},
 {"id":"b","title":"T","when":"2024-03-22","where":{"point":{"lat":95,"lon":0}}},
 {"id":"c","title":"T","when":"soon"}],
 "places":[{"id":"p","name":"P"}]}"#;
        let split = Split::new(text).unwrap();
        assert_eq!(split.events.len(), 3);
        let (ds, diagnostics) = read(&split, None, |ds| crate::validate::check(ds)).unwrap();
        // Each event is kept, its problems reported.
        assert_eq!(ds.unwrap().events.len(), 3);
        let at = |needle: &str| text.find(needle).unwrap();
        let mut found: Vec<(String, usize)> = diagnostics
            .iter()
            .map(|d| (d.json_path.clone().unwrap_or_default(), d.offset.unwrap()))
            .collect();
        found.sort_by_key(|f| f.1);
        // The place with no point (in the header, after the events), the
        // date nobody can read, the latitude off the globe.
        assert!(
            found.contains(&("$.events[2].when".into(), at("\"soon\""))),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(p, o)| p.starts_with("$.places[0]") && *o == at("{\"id\":\"p\"")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(p, o)| p.starts_with("$.events[1].where.point") && *o >= at("{\"lat\":95")),
            "{found:?}"
        );
    }
}

//! Changes to a data set, each one value applied in one place and undone
//! there: what the app's authoring does (a source added, an event made from
//! a passage of it, placed, dated, deleted), headless and tested.
//!
//! [`Edit::apply`] makes a change and returns the edit that undoes it;
//! [`History`] keeps those, so every change, deletes included, is undone
//! (Ctrl+Z) and redone (Ctrl+Shift+Z) exactly. [`passage_at`] and
//! [`event_from`] make the passage and event a selection of words gives.

use crate::evidence::{Quote, anchor};
use crate::model::{Category, Dataset, Event, Origin, Passage, Source, When, sha256_hex};

/// One change to a data set.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Put `event` at index `at` of the events.
    AddEvent {
        at: usize,
        event: Event,
    },
    /// Take out the event at `at`.
    RemoveEvent {
        at: usize,
    },
    /// Put `event` in place of the event at `at` (any change to one event).
    ReplaceEvent {
        at: usize,
        event: Event,
    },
    /// Put `source` at index `at` of the sources.
    AddSource {
        at: usize,
        source: Source,
    },
    RemoveSource {
        at: usize,
    },
    /// Put `source` in place of the source at `at` (its grade, its title).
    ReplaceSource {
        at: usize,
        source: Source,
    },
    AddCategory {
        at: usize,
        category: Category,
    },
    RemoveCategory {
        at: usize,
    },
    /// Put `category` in place of the category at `at` (its label, colour).
    ReplaceCategory {
        at: usize,
        category: Category,
    },
    /// Put `place` at index `at` of the places (a region an event is in).
    AddPlace {
        at: usize,
        place: crate::model::Place,
    },
    RemovePlace {
        at: usize,
    },
    /// The data set's title.
    SetTitle(String),
    /// The data set's time zone (an IANA name; `None`: UTC): the zone of
    /// its days, and of times written without one.
    SetTimeZone(Option<String>),
}

/// Why an edit could not be made (the data set is left as it was).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("there is no {what} number {at} (there are {len})")]
    NoSuch {
        what: &'static str,
        at: usize,
        len: usize,
    },
    #[error("the id \"{0}\" is taken: ids are unique in a data set")]
    IdTaken(String),
    #[error("source \"{id}\" is quoted by {events} event(s): delete or move those passages first")]
    SourceInUse { id: String, events: usize },
}

fn check_index(what: &'static str, at: usize, len: usize) -> Result<(), EditError> {
    if at < len {
        Ok(())
    } else {
        Err(EditError::NoSuch { what, at, len })
    }
}

/// Puts `item` at `at` of `list`, unless its id is taken.
fn insert<T>(
    list: &mut Vec<T>,
    at: usize,
    item: T,
    id: impl Fn(&T) -> &str,
    what: &'static str,
) -> Result<(), EditError> {
    check_index(what, at, list.len() + 1)?;
    if list.iter().any(|x| id(x) == id(&item)) {
        return Err(EditError::IdTaken(id(&item).to_string()));
    }
    list.insert(at, item);
    Ok(())
}

/// Puts `item` in place of item `at` of `list`, which has its id; the
/// item it replaces.
fn replace<T>(
    list: &mut [T],
    at: usize,
    item: T,
    id: impl Fn(&T) -> &str,
    what: &'static str,
) -> Result<T, EditError> {
    check_index(what, at, list.len())?;
    if id(&list[at]) != id(&item) {
        return Err(EditError::IdTaken(id(&item).to_string()));
    }
    Ok(std::mem::replace(&mut list[at], item))
}

/// Takes out item `at` of `list`.
fn remove<T>(list: &mut Vec<T>, at: usize, what: &'static str) -> Result<T, EditError> {
    check_index(what, at, list.len())?;
    Ok(list.remove(at))
}

impl Edit {
    /// Makes the change; the edit that undoes it.
    pub fn apply(self, ds: &mut Dataset) -> Result<Edit, EditError> {
        Ok(match self {
            Edit::AddEvent { at, event } => {
                insert(&mut ds.events, at, event, |e| &e.id, "place for an event")?;
                Edit::RemoveEvent { at }
            }
            Edit::RemoveEvent { at } => Edit::AddEvent {
                at,
                event: remove(&mut ds.events, at, "event")?,
            },
            Edit::ReplaceEvent { at, event } => {
                check_index("event", at, ds.events.len())?;
                if ds
                    .events
                    .iter()
                    .enumerate()
                    .any(|(i, e)| i != at && e.id == event.id)
                {
                    return Err(EditError::IdTaken(event.id));
                }
                Edit::ReplaceEvent {
                    at,
                    event: std::mem::replace(&mut ds.events[at], event),
                }
            }
            Edit::AddSource { at, source } => {
                insert(&mut ds.sources, at, source, |s| &s.id, "place for a source")?;
                Edit::RemoveSource { at }
            }
            Edit::RemoveSource { at } => {
                check_index("source", at, ds.sources.len())?;
                let id = &ds.sources[at].id;
                let events = ds
                    .events
                    .iter()
                    .filter(|e| e.passages.iter().any(|p| &p.source == id))
                    .count();
                if events > 0 {
                    return Err(EditError::SourceInUse {
                        id: id.clone(),
                        events,
                    });
                }
                Edit::AddSource {
                    at,
                    source: remove(&mut ds.sources, at, "source")?,
                }
            }
            Edit::ReplaceSource { at, source } => Edit::ReplaceSource {
                at,
                source: replace(&mut ds.sources, at, source, |s| &s.id, "source")?,
            },
            Edit::AddCategory { at, category } => {
                insert(
                    &mut ds.categories,
                    at,
                    category,
                    |c| &c.id,
                    "place for a category",
                )?;
                Edit::RemoveCategory { at }
            }
            Edit::RemoveCategory { at } => Edit::AddCategory {
                at,
                category: remove(&mut ds.categories, at, "category")?,
            },
            Edit::ReplaceCategory { at, category } => Edit::ReplaceCategory {
                at,
                category: replace(&mut ds.categories, at, category, |c| &c.id, "category")?,
            },
            Edit::AddPlace { at, place } => {
                insert(&mut ds.places, at, place, |p| &p.id, "place for a place")?;
                Edit::RemovePlace { at }
            }
            Edit::RemovePlace { at } => Edit::AddPlace {
                at,
                place: remove(&mut ds.places, at, "place")?,
            },
            Edit::SetTitle(title) => Edit::SetTitle(std::mem::replace(&mut ds.title, title)),
            Edit::SetTimeZone(zone) => {
                Edit::SetTimeZone(std::mem::replace(&mut ds.time_zone, zone))
            }
        })
    }
}

/// One step of the history: what the user did, in words, and the edits
/// that take it back (last first).
#[derive(Debug, Clone)]
struct Step {
    label: String,
    edits: Vec<Edit>,
}

/// What was done and undone, to undo and redo it.
#[derive(Debug, Clone, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Steps made, undone or redone so far.
    changes: u64,
}

/// Applies `edits` in order as one step; on an error, takes back those
/// already made, so the data set is as it was. The edits that undo them.
fn apply_all(ds: &mut Dataset, edits: Vec<Edit>) -> Result<Vec<Edit>, EditError> {
    let mut inverse = Vec::with_capacity(edits.len());
    for edit in edits {
        match edit.apply(ds) {
            Ok(back) => inverse.push(back),
            Err(e) => {
                for back in inverse.into_iter().rev() {
                    back.apply(ds)
                        .expect("an inverse applies to what it undoes");
                }
                return Err(e);
            }
        }
    }
    inverse.reverse();
    Ok(inverse)
}

/// Applies the last step of `from` and keeps what takes it back in `to`.
fn replay(from: &mut Vec<Step>, to: &mut Vec<Step>, ds: &mut Dataset) -> Option<String> {
    let step = from.pop()?;
    let back = apply_all(ds, step.edits).expect("a step applies to what it was made for");
    to.push(Step {
        label: step.label.clone(),
        edits: back,
    });
    Some(step.label)
}

impl History {
    /// Makes `edits`, one step called `label` ("New event"); what was undone
    /// can no longer be redone.
    pub fn apply(
        &mut self,
        ds: &mut Dataset,
        label: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Result<(), EditError> {
        let back = apply_all(ds, edits)?;
        self.undo.push(Step {
            label: label.into(),
            edits: back,
        });
        self.redo.clear();
        self.changes += 1;
        Ok(())
    }

    /// Takes back the last step; what it was, if there was one.
    pub fn undo(&mut self, ds: &mut Dataset) -> Option<String> {
        let done = replay(&mut self.undo, &mut self.redo, ds);
        self.changes += u64::from(done.is_some());
        done
    }

    /// Makes again the last step undone; what it was, if there was one.
    pub fn redo(&mut self, ds: &mut Dataset) -> Option<String> {
        let done = replay(&mut self.redo, &mut self.undo, ds);
        self.changes += u64::from(done.is_some());
        done
    }

    /// A number that changes whenever the data set does through this
    /// history (a step made, undone or redone): what a view of the data
    /// set worked out once is kept for.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// What Undo would take back.
    pub fn next_undo(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// What Redo would make again.
    pub fn next_redo(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// How many steps can be undone (to tell whether anything changed
    /// since a save: compare with the count then).
    pub fn depth(&self) -> usize {
        self.undo.len()
    }
}

/// How many characters of context a passage keeps on each side.
const CONTEXT: usize = 32;

/// The passage quoting characters `start..end` (Unicode scalar values) of
/// `source`'s text, with the words around it and its offsets, anchored;
/// `None` when the range is empty, blank or outside the text.
pub fn passage_at(source: &Source, start: usize, end: usize) -> Option<Passage> {
    let text = source.full_text()?;
    let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
    if start >= end || start >= text.chars().count() {
        return None;
    }
    let (mut a, mut b) = (byte(start), byte(end));
    // A selection begun or ended inside a word takes the whole word.
    let word = |c: char| c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
    if text[a..].starts_with(word) {
        while let Some(c) = text[..a].chars().next_back().filter(|&c| word(c)) {
            a -= c.len_utf8();
        }
    }
    if text[..b].ends_with(word) {
        while let Some(c) = text[b..].chars().next().filter(|&c| word(c)) {
            b += c.len_utf8();
        }
    }
    let raw = &text[a..b];
    // The words selected, without the blanks around them.
    let lead = raw.len() - raw.trim_start().len();
    let quote = raw.trim();
    if quote.is_empty() {
        return None;
    }
    let (a, b) = (a + lead, a + lead + quote.len());
    let start = text[..a].chars().count();
    let end = start + quote.chars().count();
    let before: String = {
        let chars: Vec<char> = text[..a].chars().collect();
        chars[chars.len().saturating_sub(CONTEXT)..]
            .iter()
            .collect()
    };
    let after: String = text[b..].chars().take(CONTEXT).collect();
    let prefix = (!before.is_empty()).then_some(before);
    let suffix = (!after.is_empty()).then_some(after);
    let anchoring = anchor(
        text,
        &Quote {
            exact: quote,
            prefix: prefix.as_deref(),
            suffix: suffix.as_deref(),
            start_hint: Some(start),
        },
    );
    Some(Passage {
        id: None,
        source: source.id.clone(),
        quote: quote.to_string(),
        prefix,
        suffix,
        start: Some(start),
        end: Some(end),
        note: None,
        credibility: None,
        anchoring,
        origin: Origin::default(),
    })
}

/// A new event reporting `passage`: an id not yet taken ("event-3"), the
/// passage's first sentence as its title (the user edits it), its date
/// unknown until set.
pub fn event_from(ds: &Dataset, passage: Passage) -> Event {
    let id = unused_id(ds.events.iter().map(|e| e.id.as_str()), "event");
    let sentence = crate::reading::text::first_sentence(&passage.quote);
    let mut title: String = sentence.chars().take(120).collect();
    if title.len() < sentence.len() {
        title.push('…');
    }
    let mut event = crate::formats::import::event(id, title, When::Unknown, None);
    event.passages.push(passage);
    event
}

/// A date as the editor writes it: `2024-03-22`, a range, `unknown`; or a
/// disputed date, its readings separated by `|`, each with what gives it
/// in brackets: `2024-03-22 (the embassy) | 2024-03-23 (police)`.
pub fn when_from_text(text: &str, tz: Option<&jiff::tz::TimeZone>) -> Result<When, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(When::Unknown);
    }
    if !text.contains('|') {
        return When::parse(text, tz).map_err(|e| e.to_string());
    }
    let readings = text
        .split('|')
        .map(|part| {
            let part = part.trim();
            let (date, note) = match part.split_once('(') {
                Some((d, n)) => (d.trim(), Some(n.trim_end().trim_end_matches(')').trim())),
                None => (part, None),
            };
            let when = When::parse(date, tz).map_err(|e| format!("\"{date}\": {e}"))?;
            if matches!(when, When::Disputed(_) | When::Unknown) {
                return Err(format!("\"{date}\" is not a date a reading can give"));
            }
            Ok(crate::model::Reading {
                when,
                source: None,
                passage: None,
                note: note.filter(|n| !n.is_empty()).map(str::to_string),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if readings.len() < 2 {
        return Err("a disputed date has two readings or more, separated by |".into());
    }
    Ok(When::Disputed(readings))
}

/// An event's date as [`when_from_text`] reads it back.
pub fn when_text(when: &When) -> String {
    match when {
        When::Unknown => String::new(),
        When::Disputed(readings) => readings
            .iter()
            .map(|r| match &r.note {
                Some(n) => format!("{} ({n})", r.when),
                None => r.when.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" | "),
        w => w.to_string(),
    }
}

/// Casualty figures as the editor writes them, each as of its date,
/// separated by `;`: `40 killed as of 2024-03-22; 145 killed, 551 injured
/// as of 2024-03-27`.
pub fn casualties_from_text(
    text: &str,
    tz: Option<&jiff::tz::TimeZone>,
) -> Result<Vec<crate::model::CasualtyReport>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let (figures, as_of) = match part.split_once(" as of ") {
                Some((f, d)) => (
                    f,
                    Some(When::parse(d.trim(), tz).map_err(|e| format!("\"{}\": {e}", d.trim()))?),
                ),
                None => (part, None),
            };
            let mut report = crate::model::CasualtyReport {
                killed: None,
                injured: None,
                as_of,
                source: None,
                note: None,
            };
            for figure in figures.split(',').map(str::trim) {
                let (n, what) = figure.split_once(' ').unwrap_or((figure, ""));
                let n: u64 = n.parse().map_err(|_| {
                    format!("\"{figure}\": write a number and killed or injured, e.g. 12 killed")
                })?;
                match what.trim() {
                    "killed" | "dead" | "died" => report.killed = Some(n),
                    "injured" | "wounded" => report.injured = Some(n),
                    other => {
                        return Err(format!(
                            "\"{other}\": a figure is killed or injured, e.g. 12 killed, 30 injured"
                        ));
                    }
                }
            }
            Ok(report)
        })
        .collect()
}

/// Casualty figures as [`casualties_from_text`] reads them back.
pub fn casualties_text(reports: &[crate::model::CasualtyReport]) -> String {
    reports
        .iter()
        .map(|c| {
            let mut figures = Vec::new();
            figures.extend(c.killed.map(|k| format!("{k} killed")));
            figures.extend(c.injured.map(|i| format!("{i} injured")));
            match &c.as_of {
                Some(d) => format!("{} as of {d}", figures.join(", ")),
                None => figures.join(", "),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `stem-1`, `stem-2` …: the first not among `taken`.
pub fn unused_id<'a>(taken: impl Iterator<Item = &'a str>, stem: &str) -> String {
    let taken: rustc_hash::FxHashSet<&str> = taken.collect();
    (1..)
        .map(|n| format!("{stem}-{n}"))
        .find(|id| !taken.contains(id.as_str()))
        .expect("some number is free")
}

/// A source made of `text` (a report pasted, or read from a file), with
/// the SHA-256 of its text and the day it was added; its id not yet taken.
pub fn new_source(ds: &Dataset, title: &str, text: String, today: &str) -> Source {
    Source {
        id: unused_id(ds.sources.iter().map(|s| s.id.as_str()), "source"),
        title: title.to_string(),
        author: None,
        publisher: None,
        published: None,
        url: None,
        text_file: None,
        sha256: Some(sha256_hex(&text)),
        added: Some(today.to_string()),
        reliability: None,
        text: Some(text),
        note: None,
        loaded_text: None,
        origin: Origin::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Moment;

    fn dataset() -> Dataset {
        let mut ds = Dataset {
            title: "Notes".into(),
            ..Dataset::default()
        };
        let text = "Police said. A blast hit the market in Kaluga on Monday. Two died.".to_string();
        ds.sources
            .push(new_source(&ds, "Report", text, "2026-12-02"));
        ds
    }

    #[test]
    fn a_selection_becomes_an_event_whose_passage_is_anchored_in_its_source() {
        let mut ds = dataset();
        let source = &ds.sources[0];
        assert_eq!(source.id, "source-1");
        assert_eq!(source.sha256.as_deref().map(str::len), Some(64));
        // " A blast … Monday." selected with a blank before it.
        let (start, end) = (12, 56);
        let p = passage_at(source, start, end).unwrap();
        assert_eq!(p.quote, "A blast hit the market in Kaluga on Monday.");
        assert_eq!((p.start, p.end), (Some(13), Some(56)));
        assert_eq!(p.prefix.as_deref(), Some("Police said. "));
        assert_eq!(p.suffix.as_deref(), Some(" Two died."));
        assert!(p.anchoring.anchor().is_some());
        let e = event_from(&ds, p);
        assert_eq!(e.id, "event-1");
        assert_eq!(e.title, "A blast hit the market in Kaluga on Monday.");
        let mut history = History::default();
        history
            .apply(
                &mut ds,
                "New event",
                vec![Edit::AddEvent {
                    at: 0,
                    event: e.clone(),
                }],
            )
            .unwrap();
        assert_eq!(event_from(&ds, e.passages[0].clone()).id, "event-2");
        // Begun or ended inside a word: the whole word.
        let source = &ds.sources[0];
        let p = passage_at(source, 17, 30).unwrap();
        assert_eq!(p.quote, "blast hit the market");
        assert_eq!((p.start, p.end), (Some(15), Some(35)));
        // Nothing, blanks only, or past the end: no passage.
        let source = &ds.sources[0];
        assert!(passage_at(source, 5, 5).is_none());
        assert!(passage_at(source, 12, 13).is_none());
        assert!(passage_at(source, 500, 600).is_none());
    }

    #[test]
    fn every_change_is_undone_and_redone_exactly_deletes_included() {
        let mut ds = dataset();
        let first = ds.clone();
        let mut h = History::default();
        let p = passage_at(&ds.sources[0], 12, 55).unwrap();
        let e = event_from(&ds, p);
        h.apply(
            &mut ds,
            "New event",
            vec![
                Edit::AddCategory {
                    at: 0,
                    category: Category {
                        id: "blast".into(),
                        label: "Blast".into(),
                        color: Some("#d62728".into()),
                        description: None,
                    },
                },
                Edit::AddEvent { at: 0, event: e },
            ],
        )
        .unwrap();
        let made = ds.clone();
        let mut dated = ds.events[0].clone();
        dated.when = When::parse("2024-03-25", None).unwrap();
        dated.category = Some("blast".into());
        h.apply(
            &mut ds,
            "Date",
            vec![Edit::ReplaceEvent {
                at: 0,
                event: dated,
            }],
        )
        .unwrap();
        let with_date = ds.clone();
        h.apply(&mut ds, "Delete event", vec![Edit::RemoveEvent { at: 0 }])
            .unwrap();
        assert!(ds.events.is_empty());
        assert_eq!(h.next_undo(), Some("Delete event"));
        // Undo brings the deleted event back as it was, then the date goes.
        assert_eq!(h.undo(&mut ds).as_deref(), Some("Delete event"));
        assert_eq!(ds, with_date);
        assert!(matches!(ds.events[0].when, When::At(Moment::Day(_))));
        h.undo(&mut ds);
        assert_eq!(ds, made);
        h.undo(&mut ds);
        assert_eq!(ds, first);
        assert_eq!(h.undo(&mut ds), None);
        // Redo makes them again, in order.
        assert_eq!(h.redo(&mut ds).as_deref(), Some("New event"));
        assert_eq!(ds, made);
        h.redo(&mut ds);
        h.redo(&mut ds);
        assert!(ds.events.is_empty());
        assert_eq!(h.redo(&mut ds), None);
        // A new change after undoing drops what could be redone.
        h.undo(&mut ds);
        h.apply(&mut ds, "Title", vec![Edit::SetTitle("Kaluga".into())])
            .unwrap();
        assert_eq!(h.next_redo(), None);
        assert_eq!(h.depth(), 3);
    }

    #[test]
    fn saved_work_reopens_with_its_source_beside_it_and_a_changed_text_is_reported() {
        use crate::diagnostic::Code;
        use crate::formats::{LoadOptions, export, load};
        let mut ds = dataset();
        let p = passage_at(&ds.sources[0], 12, 56).unwrap();
        let mut e = event_from(&ds, p);
        e.when = When::parse("2024-03-25", None).unwrap();
        e.location = Some(crate::model::Location {
            place: None,
            point: Some(crate::model::LatLon {
                lat: 54.53,
                lon: 36.27,
            }),
            precision: Some(crate::model::Precision::Town),
            uncertainty_m: None,
            geometry: None,
            note: None,
        });
        ds.events.push(e);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.json");
        let written = export::save_work(&ds, &path).unwrap();
        let text_file = dir.path().join("notes-source-1.txt");
        assert_eq!(
            written.sources[0].text_file.as_deref(),
            Some(std::path::Path::new("notes-source-1.txt"))
        );
        assert_eq!(
            std::fs::read_to_string(&text_file).unwrap(),
            ds.sources[0].full_text().unwrap()
        );
        let loaded = load(&path, &LoadOptions::default()).unwrap();
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        let back = loaded.dataset().unwrap().into_owned();
        let p = &back.events[0].passages[0];
        assert_eq!(p.quote, "A blast hit the market in Kaluga on Monday.");
        assert!(p.anchoring.anchor().is_some());
        assert_eq!(back.sources[0].sha256, written.sources[0].sha256);
        // Saved again: the same text file, not a second one.
        export::save_work(&back, &path).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        // The text edited outside the app: said on load, the passage found again.
        std::fs::write(
            &text_file,
            "Police said on Tuesday. A blast hit the market in Kaluga on Monday. Two died.",
        )
        .unwrap();
        let loaded = load(&path, &LoadOptions::default()).unwrap();
        let codes: Vec<Code> = loaded.diagnostics.iter().map(|d| d.code).collect();
        // The passage moved: where to, listed.
        assert_eq!(
            codes,
            [Code::SourceChanged, Code::PassageOffsetsStale],
            "{:#?}",
            loaded.diagnostics
        );
        let again = loaded.dataset().unwrap().into_owned();
        assert!(again.events[0].passages[0].anchoring.anchor().is_some());
    }

    #[test]
    fn disputed_dates_and_casualty_figures_are_written_and_read_as_text() {
        let w = when_from_text("2024-03-22 (the embassy) | 2024-03-23 (police)", None).unwrap();
        let When::Disputed(readings) = &w else {
            panic!("{w:?}")
        };
        assert_eq!(readings.len(), 2);
        assert_eq!(readings[1].note.as_deref(), Some("police"));
        assert_eq!(
            when_text(&w),
            "2024-03-22 (the embassy) | 2024-03-23 (police)"
        );
        assert_eq!(when_from_text("", None), Ok(When::Unknown));
        assert!(when_from_text("2024-03-22 |", None).is_err());
        assert!(
            when_from_text("2024-03-22 | soon", None)
                .unwrap_err()
                .contains("soon")
        );
        let c = casualties_from_text(
            "40 killed as of 2024-03-22; 145 killed, 551 injured as of 2024-03-27",
            None,
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!((c[1].killed, c[1].injured), (Some(145), Some(551)));
        assert_eq!(
            c[0].as_of.as_ref().map(When::to_string).as_deref(),
            Some("2024-03-22")
        );
        assert_eq!(
            casualties_text(&c),
            "40 killed as of 2024-03-22; 145 killed, 551 injured as of 2024-03-27"
        );
        assert!(
            casualties_from_text("many killed", None)
                .unwrap_err()
                .contains("a number")
        );
        assert!(
            casualties_from_text("3 missing", None)
                .unwrap_err()
                .contains("killed or injured")
        );
    }

    #[test]
    fn a_step_that_fails_leaves_the_data_as_it_was() {
        let mut ds = dataset();
        let p = passage_at(&ds.sources[0], 12, 55).unwrap();
        let e = event_from(&ds, p);
        let mut h = History::default();
        h.apply(
            &mut ds,
            "New event",
            vec![Edit::AddEvent {
                at: 0,
                event: e.clone(),
            }],
        )
        .unwrap();
        let before = ds.clone();
        // The second edit fails (the id is taken): the first is taken back.
        let err = h
            .apply(
                &mut ds,
                "Two",
                vec![
                    Edit::SetTitle("Changed".into()),
                    Edit::AddEvent { at: 1, event: e },
                ],
            )
            .unwrap_err();
        assert_eq!(err, EditError::IdTaken("event-1".into()));
        assert_eq!(ds, before);
        assert_eq!(h.depth(), 1);
        // A source still quoted cannot go; an index past the end is refused.
        assert!(matches!(
            Edit::RemoveSource { at: 0 }.apply(&mut ds),
            Err(EditError::SourceInUse { events: 1, .. })
        ));
        assert!(matches!(
            Edit::RemoveEvent { at: 7 }.apply(&mut ds),
            Err(EditError::NoSuch { at: 7, len: 1, .. })
        ));
        assert_eq!(ds, before);
    }

    #[test]
    fn an_events_title_is_its_first_sentence_whole_abbreviations_and_all() {
        let mut ds = Dataset::default();
        let text = "At 9:30 a.m. a bomb exploded near the U.S. Embassy. Two died.";
        let source = new_source(&ds, "R", text.into(), "2024-03-22");
        ds.sources.push(source.clone());
        let p = passage_at(&source, 0, text.chars().count()).unwrap();
        let e = event_from(&ds, p);
        assert_eq!(
            e.title,
            "At 9:30 a.m. a bomb exploded near the U.S. Embassy."
        );
    }
}

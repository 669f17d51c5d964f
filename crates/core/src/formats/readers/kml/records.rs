//! A KML file of any size: its outline found first, then its placemarks
//! parsed on every core straight into the event table
//! ([`super::super::runs`]), each read again in full when asked for.

use std::ops::Range;
use std::sync::Arc;

use super::outline::{Outline, outline};
use super::{Placemark, Sink, make_event, walk};
use crate::diagnostic::{Code, Diagnostic};
use crate::formats::file::FileBytes;
use crate::formats::record::clean_id;
use crate::formats::runs::{self, Part};
use crate::formats::{Cancelled, Progress, Stage};
use crate::model::{Dataset, Event};
use crate::store::{Detail, EventTable, Meta, PackedTime, Records, Row};

/// Placemarks parsed together: about this many bytes of them.
const RUN: usize = 1 << 20;

/// Where a placemark's bytes are, its number in the file, and its folder path.
type PlacemarkRef = (u64, u32, u32, u32);

/// What reading a KML file this way gave.
pub struct Read {
    pub table: (EventTable, KmlRecords),
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the KML document in `bytes[start..]` (UTF-8, checked) on every
/// core; `None` when its outline could not be found or it has no
/// placemark (the whole-document reader then reads it and says why).
pub fn read_records(
    bytes: Arc<FileBytes>,
    start: usize,
    name: &str,
    progress: Option<&Progress>,
) -> Result<Option<Read>, Cancelled> {
    let Some(Outline {
        title,
        mut placemarks,
        folders,
    }) = outline(&bytes[start..])
    else {
        return Ok(None);
    };
    if placemarks.is_empty() {
        return Ok(None);
    }
    for (r, _) in &mut placemarks {
        *r = r.start + start..r.end + start;
    }
    let run_list = runs::group(placemarks.iter().map(|(r, _)| r.len()), RUN);
    let styles = super::icon_styles(&bytes[start..]);
    let merged = runs::parse_all(
        &run_list,
        placemarks.len(),
        |run| {
            parse_run(
                &bytes,
                &placemarks[run.clone()],
                run.start,
                &folders,
                name,
                &styles,
            )
        },
        progress,
    )?;
    drop(placemarks);
    let mut diagnostics = merged.problems.clone();
    diagnostics.extend(merged.no_passage());
    if let Some(p) = progress {
        p.set_stage(Stage::Indexing);
    }
    let mut categories = crate::formats::csv::categories(&merged.labels);
    super::colour_categories(&mut categories, &merged.colours);
    let meta = Meta {
        title: title.unwrap_or_else(|| name.to_string()),
        categories,
        ..Meta::default()
    };
    let table = merged.table.finish(meta);
    Ok(Some(Read {
        table: (
            table,
            KmlRecords {
                bytes,
                name: name.to_string(),
                folders,
                refs: merged.refs,
            },
        ),
        diagnostics,
    }))
}

/// The one placemark of a slice, and the problems found in it.
#[derive(Default)]
struct One {
    placemark: Option<Placemark>,
    problems: Vec<Diagnostic>,
}

impl Sink for One {
    fn title(&mut self, _: String) {}
    fn problem(&mut self, offset: usize, message: String, help: &'static str) {
        self.problems.push(
            Diagnostic::error(Code::BadRecord, message)
                .with_help(help)
                .at_offset(offset),
        );
    }
    fn syntax(&mut self, d: Diagnostic) {
        self.problems.push(d);
    }
    fn placemark(&mut self, p: Placemark, _: &str) {
        self.placemark = Some(p);
    }
}

/// Placemark `n`'s event, with its own id (or `placemark-{n+1}`), and the
/// problems found in it.
/// Its icon's colour too, when `styles` are given.
#[allow(clippy::type_complexity)]
fn event_at(
    bytes: &[u8],
    range: &Range<usize>,
    n: usize,
    name: &str,
    styles: Option<&super::Styles>,
) -> (
    Option<Event>,
    Vec<Diagnostic>,
    Option<crate::model::Source>,
    Option<String>,
) {
    let mut one = One::default();
    // Cut at a '<' and a '>' of a text checked to be UTF-8.
    let text = std::str::from_utf8(&bytes[range.clone()]).unwrap_or_default();
    walk(text, range.start, &mut one);
    let Some(p) = one.placemark else {
        return (None, one.problems, None, None);
    };
    let colour = styles.and_then(|s| p.colour(s));
    let id =
        p.id.as_deref()
            .map(clean_id)
            .filter(|id| !id.is_empty())
            .map_or_else(|| format!("placemark-{}", n + 1), |id| id.into_owned());
    let offset = p.offset;
    let made = make_event(p, id, n, name);
    let mut problems = one.problems;
    for (message, help) in made.problems {
        problems.push(
            Diagnostic::error(Code::BadRecord, message)
                .with_help(help)
                .at_offset(offset),
        );
    }
    let mut event = made.event;
    let source = made.words.map(|(source, passage)| {
        event.passages.push(passage);
        source
    });
    (Some(event), problems, source, colour)
}

/// Parses one run of placemarks into table rows; `first` is the number of
/// the run's first placemark.
fn parse_run(
    bytes: &[u8],
    run: &[(Range<usize>, u32)],
    first: usize,
    folders: &[String],
    name: &str,
    styles: &super::Styles,
) -> Part<PlacemarkRef> {
    let mut part = Part::new(run.len());
    let utc = jiff::tz::TimeZone::UTC;
    for (k, (range, folder)) in run.iter().enumerate() {
        let n = first + k;
        let (event, problems, words, colour) = event_at(bytes, range, n, name, Some(styles));
        part.problems.extend(problems);
        let Some(e) = event else { continue };
        let time = PackedTime::of(&e.when, false, &utc);
        if let crate::model::When::Between(Some(_), Some(_)) = e.when
            && time.start > time.end
        {
            part.problems.push(
                Diagnostic::error(
                    Code::RangeReversed,
                    format!(
                        "placemark \"{}\": its time span ends before it begins",
                        e.title
                    ),
                )
                .with_help("swap <begin> and <end>")
                .at_offset(range.start),
            );
        }
        // Its ExtendedData's category, else its folders.
        let label = e.category.as_deref().unwrap_or(&folders[*folder as usize]);
        let category = (!label.is_empty()).then(|| part.category(label));
        if let Some(c) = colour.filter(|_| !label.is_empty()) {
            part.colour(label, &c);
        }
        if words.is_none() {
            part.uncited(range.start, &e.id);
        }
        let at = e.location.as_ref();
        part.table.push(Row {
            id: &e.id,
            title: &e.title,
            time: Some(time),
            point: at.and_then(|l| l.point),
            precision: at.and_then(|l| l.precision),
            uncertainty_m: at.and_then(|l| l.uncertainty_m),
            region: None,
            category,
            actors: e
                .actors
                .iter()
                .map(|a| std::borrow::Cow::Borrowed(a.as_str()))
                .collect(),
            geometry: at.and_then(|l| l.geometry.clone()),
            passages: u32::from(words.is_some()),
            anchored: u32::from(words.is_some()),
            grade: 0,
        });
        part.refs
            .push((range.start as u64, range.len() as u32, n as u32, *folder));
    }
    part
}

/// The placemarks of a KML file that stay in it, each parsed again when
/// asked for.
pub struct KmlRecords {
    bytes: Arc<FileBytes>,
    name: String,
    folders: Vec<String>,
    refs: Vec<PlacemarkRef>,
}

impl Records for KmlRecords {
    fn detail(&self, table: &EventTable, i: usize) -> Detail {
        let (start, len, n, _) = self.refs[i];
        let range = start as usize..start as usize + len as usize;
        let (event, _, source, _) = event_at(&self.bytes, &range, n as usize, &self.name, None);
        let mut event = event.expect("a placemark that parsed once parses again");
        event.id = table.id(i).to_string();
        event.category = table
            .category(i)
            .map(|c| table.meta.categories[c].id.clone());
        // Its passage anchored as any other: in a data set of its own.
        let mut one = Dataset {
            events: vec![event],
            sources: source.into_iter().collect(),
            ..Dataset::default()
        };
        crate::evidence::anchor_dataset(&mut one);
        Detail {
            event: one.events.pop().expect("the event"),
            sources: one.sources,
            places: Vec::new(),
        }
    }

    fn heap_bytes(&self) -> usize {
        self.refs.capacity() * std::mem::size_of::<PlacemarkRef>()
            + self.folders.iter().map(String::capacity).sum::<usize>()
    }
}

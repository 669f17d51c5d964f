//! Writing a dataset for other tools: GeoJSON (RFC 7946, time as OGC
//! JSON-FG's `time` member and as plain properties) and CSV (one row per
//! event, ACLED-like columns where they fit). Both keep our own `when`,
//! `precision` and `uncertainty_m`, so reading them back loses no date and
//! no precision. [`subset`] narrows a dataset to the events a user chose
//! (those in view, say) before writing.

use serde_json::{Map, Value as J, json};

use crate::model::{Dataset, Event, LatLon, Moment, Precision, When};

/// The dataset with only the events at `keep` (indices), and relations
/// between kept events only.
pub fn subset(ds: &Dataset, keep: &[usize]) -> Dataset {
    let mut out = Dataset {
        events: keep
            .iter()
            .filter_map(|&i| ds.events.get(i).cloned())
            .collect(),
        ..ds.clone()
    };
    let ids: std::collections::HashSet<String> = out.events.iter().map(|e| e.id.clone()).collect();
    for e in &mut out.events {
        e.relations.retain(|r| ids.contains(&r.event));
    }
    out
}

/// Where an event is: its point (its own or its place's), precision and place name.
struct Resolved<'a> {
    point: Option<LatLon>,
    precision: Option<Precision>,
    place: Option<&'a str>,
}

/// An event's sources and places found by id: a dataset's, through its
/// index (not by a scan each: an export of a million events citing a
/// million sources stays linear), or those one event read from its file
/// carries with it.
enum Find<'a> {
    Dataset {
        ds: &'a Dataset,
        by_id: crate::store::ById,
    },
    Detail(&'a crate::store::Detail),
}

/// The words of an event's row as the app's search reads them, for the
/// cells a row's caller adds after it.
pub struct RowWords<'r, 'a> {
    find: &'r Find<'a>,
    event: &'a Event,
}

impl RowWords<'_, '_> {
    /// The words the row holds that the app searches, one line each, as
    /// the app reads them from the row: its title, summary, actors, place
    /// ("Place: …", as a reader notes it; and the place's other names),
    /// and passages. (An event's notes and claims are not in its row.)
    pub fn searched(&self, out: &mut crate::store::Searched) {
        let e = self.event;
        out.line(&e.title);
        if let Some(s) = &e.summary {
            out.line(s);
        }
        for a in &e.actors {
            out.line(a);
        }
        if let Some(place) = resolve(self.find, e).place {
            out.line(&format!("Place: {place}"));
        }
        let named = e.location.as_ref().and_then(|l| l.place.as_deref());
        if let Some(p) = named.and_then(|id| self.find.place(id)) {
            for o in &p.other_names {
                out.line(&o.name);
            }
        }
        for p in &e.passages {
            out.line(&p.quote);
            // (Read back, a passage's markup is taken off.)
            if p.quote.contains(['<', '&']) {
                out.line(&crate::formats::import::plain_text(&p.quote));
            }
        }
    }
}

impl<'a> Find<'a> {
    fn new(ds: &'a Dataset) -> Self {
        Find::Dataset {
            ds,
            by_id: crate::store::ById::new(ds),
        }
    }

    fn source(&self, id: &str) -> Option<&'a crate::model::Source> {
        match self {
            Find::Dataset { ds, by_id } => by_id.source(ds, id),
            Find::Detail(d) => d.source(id),
        }
    }

    fn place(&self, id: &str) -> Option<&'a crate::model::Place> {
        match self {
            Find::Dataset { ds, by_id } => by_id.place(ds, id),
            Find::Detail(d) => d.place(id),
        }
    }
}

fn resolve<'a>(f: &Find<'a>, e: &'a Event) -> Resolved<'a> {
    let loc = e.location.as_ref();
    let place = loc
        .and_then(|l| l.place.as_deref())
        .and_then(|id| f.place(id));
    Resolved {
        point: crate::model::Located::resolve(e, |id| f.place(id)).map(|l| l.point),
        precision: loc.and_then(|l| l.precision).or(place.map(|p| p.precision)),
        // The named place; or the place an imported record named (its
        // note "Place: …", as the readers write it), read back the same.
        place: place.map(|p| p.name.as_str()).or_else(|| {
            loc.and_then(|l| l.note.as_deref())
                .and_then(|n| n.strip_prefix("Place: "))
        }),
    }
}

/// The `when` as files carry it: the text form, or JSON for a disputed date.
/// A reading's source and passage are ids of this dataset, which the
/// written file does not hold: they move into the reading's note.
fn when_value(w: &When) -> J {
    let w = match w {
        When::Disputed(readings) => When::Disputed(
            readings
                .iter()
                .map(|r| {
                    let refs: Vec<String> = [("source", &r.source), ("passage", &r.passage)]
                        .iter()
                        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
                        .collect();
                    let note = match (&r.note, refs.is_empty()) {
                        (n, true) => n.clone(),
                        (Some(n), false) => Some(format!("{n} ({})", refs.join(", "))),
                        (None, false) => Some(format!("({})", refs.join(", "))),
                    };
                    crate::model::Reading {
                        when: r.when.clone(),
                        source: None,
                        passage: None,
                        note,
                    }
                })
                .collect(),
        ),
        other => other.clone(),
    };
    serde_json::to_value(&w).unwrap_or(J::Null)
}

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} is the file the data came from; choose another name (it is never written over)", .0.display())]
    WouldOverwriteInput(std::path::PathBuf),
    #[error("{} is the source text \"{}\" of the file the data came from; choose another name (it is never written over)", .0.display(), .1)]
    WouldOverwriteSource(std::path::PathBuf, String),
    #[error("{0}")]
    Format(String),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// Writes `ds`, read from `input` (if from a file), to `output` in
/// `format`: never over the input, atomically, standing on its own.
pub fn save(
    ds: &Dataset,
    input: Option<&std::path::Path>,
    output: &std::path::Path,
    format: super::Format,
) -> Result<(), ExportError> {
    if input.is_some_and(|i| same_file(i, output)) {
        return Err(ExportError::WouldOverwriteInput(output.to_path_buf()));
    }
    // Nor any text the input's sources are read from.
    let from = folder_of(input);
    if let Some(source) = ds.sources.iter().find(|s| {
        s.text_file
            .as_deref()
            .is_some_and(|t| same_file(&from.join(t), output))
    }) {
        return Err(ExportError::WouldOverwriteSource(
            output.to_path_buf(),
            source.id.clone(),
        ));
    }
    if format == super::Format::TimeMap {
        // A folder of three files, as TimeMap reads them.
        let io = |source| ExportError::Io {
            path: output.to_path_buf(),
            source,
        };
        let made = !output.exists();
        std::fs::create_dir_all(output).map_err(io)?;
        let mut written = Vec::new();
        for (name, text) in timemap(ds) {
            let path = output.join(name);
            if let Err(source) = super::save_atomic(&path, text.as_bytes()) {
                // Nothing half made is left (a full disk): a folder this
                // export made goes, with what it wrote there. (In a folder
                // that was there, each file was replaced whole or not at
                // all, and what was there before stays.)
                if made {
                    for w in &written {
                        let _ = std::fs::remove_file(w);
                    }
                    let _ = std::fs::remove_dir(output);
                }
                return Err(ExportError::Io { path, source });
            }
            written.push(path);
        }
        return Ok(());
    }
    let ds = relocate(ds, &folder_of(input), &folder_of(Some(output)));
    let bytes = match format {
        super::Format::GeoPackage => super::gpkg::write(&ds).map_err(ExportError::Format)?,
        _ => super::write(&ds, format)
            .map_err(ExportError::Format)?
            .into_bytes(),
    };
    super::save_atomic(output, &bytes).map_err(|source| ExportError::Io {
        path: output.to_path_buf(),
        source,
    })
}

/// Saves the events `keep` of `store` (all of them when `None`) to `output`
/// in `format`, as [`save`] does. A CSV of events that stay in their file
/// is written a part at a time: each part's events read in full on every
/// core, written, and let go, so a large selection is never held whole
/// (its columns: as many passages as the most any event of the file has).
pub fn save_store(
    store: &crate::store::Store,
    keep: Option<&[usize]>,
    input: Option<&std::path::Path>,
    output: &std::path::Path,
    format: super::Format,
) -> Result<(), ExportError> {
    if format != super::Format::Csv || store.dataset().is_some() {
        return match keep {
            None => save(&store.to_dataset(), input, output, format),
            Some(keep) => save(&store.subset(keep), input, output, format),
        };
    }
    if input.is_some_and(|i| same_file(i, output)) {
        return Err(ExportError::WouldOverwriteInput(output.to_path_buf()));
    }
    let all: Vec<usize>;
    let keep = match keep {
        Some(k) => k,
        None => {
            all = (0..store.len()).collect();
            &all
        }
    };
    let most = store.table().most_passages;
    let failed = |e: String| std::io::Error::other(e);
    super::save_atomic_with(output, &mut |w| {
        let mut head = ::csv::Writer::from_writer(Vec::new());
        head.write_record(csv_columns(most))
            .map_err(|e| failed(e.to_string()))?;
        w.write_all(&head.into_inner().map_err(|e| failed(e.to_string()))?)?;
        store_csv_rows(store, keep, most, w, |_, _| Vec::new()).map_err(failed)?;
        Ok(())
    })
    .map_err(|source| ExportError::Io {
        path: output.to_path_buf(),
        source,
    })
}

/// The rows of `store`'s events `keep` under [`csv_columns`]`(most)`, each
/// followed by the cells `extra(k)` gives for `keep[k]`. Events that stay
/// in their file are read back in full on every core, each with its own
/// sources and places, made a row and let go, a part at a time: no data
/// set is put together. A data set in memory is written as it is.
pub fn store_csv_rows(
    store: &crate::store::Store,
    keep: &[usize],
    most: usize,
    w: &mut dyn std::io::Write,
    extra: impl Fn(usize, &RowWords) -> Vec<String> + Sync,
) -> Result<(), String> {
    use rayon::prelude::*;
    const PART: usize = 1 << 16;
    const SOME: usize = 2048;
    if store.dataset().is_some() {
        return csv_rows(&store.subset(keep), most, w, extra);
    }
    let categories = &store.table().meta.categories;
    for (p, part) in keep.chunks(PART).enumerate() {
        let rows: Vec<Result<Vec<u8>, String>> = part
            .par_chunks(SOME)
            .enumerate()
            .map(|(s, some)| {
                let mut out = ::csv::Writer::from_writer(Vec::new());
                for (k, &i) in some.iter().enumerate() {
                    let d = store.detail(i);
                    let at = p * PART + s * SOME + k;
                    let find = Find::Detail(&d);
                    let words = RowWords {
                        find: &find,
                        event: &d.event,
                    };
                    csv_row(
                        &find,
                        categories,
                        most,
                        &d.event,
                        extra(at, &words),
                        &mut out,
                    )?;
                }
                out.into_inner().map_err(|e| e.to_string())
            })
            .collect();
        for r in rows {
            w.write_all(&r?).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Saves a data set being authored to `path`, in our format, atomically:
/// the texts of the sources the user added (those that record a SHA-256)
/// go into files beside it (`NAME-SOURCE.txt`, never over another text),
/// and each such source records its text's SHA-256 as it is now. The data
/// set as written (its sources' `text_file` set), to go on editing.
pub fn save_work(ds: &Dataset, path: &std::path::Path) -> Result<Dataset, ExportError> {
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Io { path, source }
    };
    let dir = folder_of(Some(path));
    let stem = path
        .file_stem()
        .map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned());
    let mut out = ds.clone();
    for s in &mut out.sources {
        let Some(text) = s.full_text().map(str::to_string) else {
            continue;
        };
        if s.sha256.is_none() {
            continue;
        }
        s.sha256 = Some(crate::model::sha256_hex(&text));
        if s.text_file.is_some() && s.loaded_text.is_some() {
            continue;
        }
        // A name of its own beside the data file: the same text may stay.
        let name = (1..)
            .map(|n| match n {
                1 => format!("{stem}-{}.txt", s.id),
                n => format!("{stem}-{}-{n}.txt", s.id),
            })
            .find(|name| std::fs::read(dir.join(name)).map_or(true, |old| old == text.as_bytes()))
            .expect("some name is free");
        let file = dir.join(&name);
        super::save_atomic(&file, text.as_bytes()).map_err(io(&file))?;
        s.text_file = Some(name.into());
        s.loaded_text = Some(text);
        s.text = None;
    }
    let json = super::write(&out, super::Format::Native).map_err(ExportError::Format)?;
    super::save_atomic(path, json.as_bytes()).map_err(io(path))?;
    Ok(out)
}

/// The data set as Forensic Architecture's TimeMap reads it: `events.json`,
/// `sources.json` and `associations.json` (what our TimeMap reader reads
/// back). An event's description is its title and summary; its date
/// M/D/YYYY and time HH:mm in UTC (a month or a year as its first day, with
/// `time_precision`; a range by its start, the range in `comments`);
/// latitude and longitude as text; its category as a filter association;
/// each passage as a TimeMap source whose description is the quoted words
/// (so a TimeMap card shows what the marker leads to), titled and linked as
/// the source it quotes.
pub fn timemap(ds: &Dataset) -> [(&'static str, String); 3] {
    let find = Find::new(ds);
    let mut sources = Map::new();
    let events: Vec<J> = ds
        .events
        .iter()
        .map(|e| {
            let r = resolve(&find, e);
            let start = e.when.start();
            let (date, time, precision) = match start {
                Some(Moment::Instant(z)) => {
                    let utc = z.with_time_zone(jiff::tz::TimeZone::UTC);
                    (
                        utc.strftime("%-m/%-d/%Y").to_string(),
                        utc.strftime("%H:%M").to_string(),
                        "",
                    )
                }
                Some(Moment::Day(d)) => (d.strftime("%-m/%-d/%Y").to_string(), String::new(), ""),
                Some(Moment::Month { year, month }) => {
                    (format!("{month}/1/{year}"), String::new(), "month")
                }
                Some(Moment::Year(y)) => (format!("1/1/{y}"), String::new(), "year"),
                None => (String::new(), String::new(), ""),
            };
            let mut comments = Vec::new();
            match &e.when {
                When::Between(..) => comments.push(format!("When: {}", e.when)),
                When::Disputed(_) => comments.push(format!("Date disputed: {}", e.when.describe())),
                _ => {}
            }
            if let Some(n) = &e.notes {
                comments.push(n.clone());
            }
            let mut cited = Vec::new();
            for (k, p) in e.passages.iter().enumerate() {
                let id = format!("{}-{}", e.id, k + 1);
                let source = ds.source(&p.source);
                sources.insert(
                    id.clone(),
                    json!({
                        "id": id,
                        "title": source.map_or(p.source.as_str(), |s| s.title.as_str()),
                        "url": source.and_then(|s| s.url.clone()).unwrap_or_default(),
                        "paths": source.and_then(|s| s.url.clone()).into_iter().collect::<Vec<_>>(),
                        "author": source.and_then(|s| s.author.clone()).unwrap_or_default(),
                        "date": source.and_then(|s| s.published.as_ref().map(|d| d.to_string())).unwrap_or_default(),
                        "type": "Text",
                        "description": p.quote,
                    }),
                );
                cited.push(J::String(id));
            }
            let description = match &e.summary {
                Some(s) => format!("{}. {s}", e.title.trim_end_matches('.')),
                None => e.title.clone(),
            };
            let degrees = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
            json!({
                "id": e.id,
                "description": description,
                "date": date,
                "time": time,
                "time_precision": precision,
                "location": r.place.unwrap_or_default(),
                "latitude": degrees(r.point.map(|p| p.lat)),
                "longitude": degrees(r.point.map(|p| p.lon)),
                "category": category_label(&ds.categories, e).unwrap_or_default(),
                "associations": e.category.iter().collect::<Vec<_>>(),
                "sources": cited,
                "comments": comments.join("\n"),
            })
        })
        .collect();
    let associations: Vec<J> = ds
        .categories
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "title": c.label,
                "desc": c.description.clone().unwrap_or_default(),
                "mode": "FILTER",
                "colour": c.color.clone().unwrap_or_default(),
                "filter_paths": [c.label],
            })
        })
        .collect();
    let pretty = |v: &J| {
        let mut t = serde_json::to_string_pretty(v).expect("JSON values serialize");
        t.push('\n');
        t
    };
    [
        ("events.json", pretty(&J::Array(events))),
        ("sources.json", pretty(&J::Object(sources))),
        ("associations.json", pretty(&J::Array(associations))),
    ]
}

/// Whether two paths name the same file (also through links and `..`).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || a.canonicalize()
            .ok()
            .zip(b.canonicalize().ok())
            .is_some_and(|(a, b)| a == b)
}

/// The folder a file is in ("." for a bare name or none).
fn folder_of(p: Option<&std::path::Path>) -> std::path::PathBuf {
    match p.and_then(std::path::Path::parent) {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}

/// The dataset made ready to be written into `to_dir`: source texts kept
/// in files beside it are taken into the file when it goes elsewhere, so
/// the written file stands on its own.
pub fn relocate<'d>(
    ds: &'d Dataset,
    from_dir: &std::path::Path,
    to_dir: &std::path::Path,
) -> std::borrow::Cow<'d, Dataset> {
    let moved = |s: &crate::model::Source| {
        s.text_file.is_some() && s.text.is_none() && s.loaded_text.is_some()
    };
    // Nothing to carry (most data sets: no text in a file of its own).
    if !ds.sources.iter().any(moved) || from_dir.canonicalize().ok() == to_dir.canonicalize().ok() {
        return std::borrow::Cow::Borrowed(ds);
    }
    let mut out = ds.clone();
    for s in &mut out.sources {
        if moved(s) {
            s.text = s.loaded_text.clone();
            s.text_file = None;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A moment as a JSON-FG instant: a date, or a UTC timestamp.
fn instant(m: &Moment, at_end: bool) -> String {
    match m {
        Moment::Instant(z) => z.timestamp().to_string(),
        Moment::Day(d) => d.to_string(),
        Moment::Month { year, month } => {
            let first = jiff::civil::Date::new(*year, *month, 1).unwrap_or_default();
            if at_end { first.last_of_month() } else { first }.to_string()
        }
        Moment::Year(y) => {
            if at_end {
                format!("{y:04}-12-31")
            } else {
                format!("{y:04}-01-01")
            }
        }
    }
}

/// OGC JSON-FG's `time` member for a `when`.
fn jsonfg_time(w: &When) -> J {
    match w {
        When::At(Moment::Instant(z)) => json!({"timestamp": z.timestamp().to_string()}),
        When::At(Moment::Day(d)) => json!({"date": d.to_string()}),
        When::At(m) => json!({"interval": [instant(m, false), instant(m, true)]}),
        When::Between(a, b) => json!({"interval": [
            a.as_ref().map_or("..".to_string(), |m| instant(m, false)),
            b.as_ref().map_or("..".to_string(), |m| instant(m, true)),
        ]}),
        When::Unknown | When::Disputed(_) => J::Null,
    }
}

/// Passage `i` of an event, with its source's title and URL.
fn words_at<'a>(
    f: &Find<'a>,
    e: &'a Event,
    i: usize,
) -> (Option<&'a str>, Option<&'a str>, Option<&'a str>) {
    let Some(p) = e.passages.get(i) else {
        return (None, None, None);
    };
    let source = f.source(&p.source);
    (
        Some(p.quote.as_str()),
        source.map(|s| s.title.as_str()),
        source.and_then(|s| s.url.as_deref()),
    )
}

fn category_label<'a>(categories: &'a [crate::model::Category], e: &'a Event) -> Option<&'a str> {
    let id = e.category.as_deref()?;
    Some(
        categories
            .iter()
            .find(|c| c.id == id)
            .map_or(id, |c| c.label.as_str()),
    )
}

/// The dataset as a GeoJSON FeatureCollection; events without a place
/// have a null geometry.
pub fn geojson(ds: &Dataset) -> String {
    let find = Find::new(ds);
    let features: Vec<J> = ds
        .events
        .iter()
        .map(|e| {
            let r = resolve(&find, e);
            let geometry = match e.location.as_ref().and_then(|l| l.geometry.as_ref()) {
                Some(g) => {
                    serde_json::to_value(geojson::Geometry::from(geojson::GeometryValue::from(g)))
                        .unwrap_or(J::Null)
                }
                None => r.point.map_or(
                    J::Null,
                    |p| json!({"type": "Point", "coordinates": [p.lon, p.lat]}),
                ),
            };
            let mut props = Map::new();
            let mut put = |k: &str, v: J| {
                if !v.is_null() {
                    props.insert(k.to_string(), v);
                }
            };
            put("title", json!(e.title));
            put("when", when_value(&e.when));
            put("start", json!(e.when.start().map(|m| instant(m, false))));
            put("end", json!(e.when.end().map(|m| instant(m, true))));
            put("category", json!(category_label(&ds.categories, e)));
            put("summary", json!(e.summary));
            put("precision", json!(r.precision.map(Precision::as_str)));
            put(
                "uncertainty_m",
                json!(e.location.as_ref().and_then(|l| l.uncertainty_m)),
            );
            put("place", json!(r.place));
            if !e.actors.is_empty() {
                put("actors", json!(e.actors.join("; ")));
            }
            // The first passage as `quote`, the next as `quote_2` …
            for i in 0..e.passages.len() {
                let (quote, source, url) = words_at(&find, e, i);
                let suffix = if i == 0 {
                    String::new()
                } else {
                    format!("_{}", i + 1)
                };
                put(&format!("quote{suffix}"), json!(quote));
                put(&format!("source{suffix}"), json!(source));
                put(&format!("source_url{suffix}"), json!(url));
            }
            put(
                "killed",
                json!(e.casualties.iter().rev().find_map(|c| c.killed)),
            );
            // Notes as "comments": a table's "notes" are its words (ACLED's).
            put("comments", json!(e.notes));
            json!({
                "type": "Feature",
                "id": e.id,
                "geometry": geometry,
                "properties": props,
                "time": jsonfg_time(&e.when),
            })
        })
        .collect();
    let doc = json!({
        "type": "FeatureCollection",
        "name": ds.title,
        "features": features,
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    text.push('\n');
    text
}

/// The CSV columns, ACLED's names where they mean the same.
const CSV_COLUMNS: &[&str] = &[
    "id",
    "title",
    "when",
    "event_date",
    "time_precision",
    "category",
    "latitude",
    "longitude",
    "precision",
    "uncertainty_m",
    "geo_precision",
    "place",
    "actor1",
    "actor2",
    "fatalities",
    "summary",
    "notes",
    "source",
    "source_url",
];

/// The dataset as CSV, one row per event (events without a place have
/// empty coordinates).
/// The columns of [`CSV_COLUMNS`] that hold numbers (written as they are).
const NUMBER_COLUMNS: [usize; 6] = [4, 6, 7, 9, 10, 14];

/// A text cell a spreadsheet would run as a formula (it begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) written with a leading `'`,
/// as OWASP advises against CSV injection; our reader takes the `'` off.
pub fn defuse(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// What begins a cell a spreadsheet reads as a formula.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written before [`defuse`] (the `'` taken off again).
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

pub fn csv(ds: &Dataset) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let most = most_passages(ds);
    w.write_record(csv_columns(most))
        .map_err(|e| e.to_string())?;
    let mut bytes = w.into_inner().map_err(|e| e.to_string())?;
    csv_rows(ds, most, &mut bytes, |_, _| Vec::new())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The most passages an event of `ds` has.
pub fn most_passages(ds: &Dataset) -> usize {
    ds.events
        .iter()
        .map(|e| e.passages.len())
        .max()
        .unwrap_or(0)
}

/// The CSV's columns for events of up to `most` passages: an event's
/// second and later passages in `quote_2`, `source_2`, `source_url_2` …
pub fn csv_columns(most: usize) -> Vec<String> {
    CSV_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain((2..=most).flat_map(|k| {
            [
                format!("quote_{k}"),
                format!("source_{k}"),
                format!("source_url_{k}"),
            ]
        }))
        .collect()
}

/// The rows of `ds`'s events under [`csv_columns`]`(most)`, each followed
/// by the cells `extra(i)` gives for event `i`: made on every core, a part
/// of the events each, and written in order.
pub fn csv_rows(
    ds: &Dataset,
    most: usize,
    w: &mut dyn std::io::Write,
    extra: impl Fn(usize, &RowWords) -> Vec<String> + Sync,
) -> Result<(), String> {
    use rayon::prelude::*;
    const PART: usize = 2048;
    let find = Find::new(ds);
    let parts: Vec<Result<Vec<u8>, String>> = ds
        .events
        .par_chunks(PART)
        .enumerate()
        .map(|(k, part)| {
            let mut out = ::csv::Writer::from_writer(Vec::new());
            csv_part(&find, ds, most, k * PART, part, &mut out, &extra)?;
            out.into_inner().map_err(|e| e.to_string())
        })
        .collect();
    for part in parts {
        w.write_all(&part?).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The rows of events `part` (the first being event `first` of `ds`).
fn csv_part<W: std::io::Write>(
    find: &Find,
    ds: &Dataset,
    most: usize,
    first: usize,
    part: &[Event],
    w: &mut ::csv::Writer<W>,
    extra: &(impl Fn(usize, &RowWords) -> Vec<String> + Sync),
) -> Result<(), String> {
    for (i, e) in part.iter().enumerate().map(|(k, e)| (first + k, e)) {
        let words = RowWords { find, event: e };
        csv_row(find, &ds.categories, most, e, extra(i, &words), w)?;
    }
    Ok(())
}

/// Event `e`'s row under [`csv_columns`]`(most)`, `extra` after it.
fn csv_row<W: std::io::Write>(
    find: &Find,
    categories: &[crate::model::Category],
    most: usize,
    e: &Event,
    extra: Vec<String>,
    w: &mut ::csv::Writer<W>,
) -> Result<(), String> {
    {
        let r = resolve(find, e);
        let (quote, source, url) = words_at(find, e, 0);
        let when = match &e.when {
            When::Disputed(_) => when_value(&e.when).to_string(),
            other => other.to_string(),
        };
        let start = e.when.start();
        let event_date = start.and_then(|m| match m {
            Moment::Instant(z) => Some(z.date().to_string()),
            Moment::Day(d) => Some(d.to_string()),
            _ => None,
        });
        let time_precision = match (&e.when, start) {
            (When::At(Moment::Instant(_) | Moment::Day(_)), _) => "1",
            (When::At(Moment::Month { .. }), _) => "3",
            (_, Some(_)) => "2",
            _ => "",
        };
        let geo_precision = match r.precision {
            Some(Precision::Building | Precision::Street | Precision::Town) => "1",
            Some(Precision::District) => "2",
            Some(Precision::Region | Precision::Country) => "3",
            None => "",
        };
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        let row: Vec<String> = vec![
            e.id.clone(),
            e.title.clone(),
            when,
            event_date.unwrap_or_default(),
            time_precision.into(),
            category_label(categories, e).unwrap_or_default().into(),
            num(r.point.map(|p| p.lat)),
            num(r.point.map(|p| p.lon)),
            r.precision
                .map(Precision::as_str)
                .unwrap_or_default()
                .into(),
            num(e.location.as_ref().and_then(|l| l.uncertainty_m)),
            geo_precision.into(),
            r.place.unwrap_or_default().into(),
            e.actors.first().cloned().unwrap_or_default(),
            e.actors.get(1..).map(|a| a.join("; ")).unwrap_or_default(),
            e.casualties
                .iter()
                .rev()
                .find_map(|c| c.killed)
                .map(|k| k.to_string())
                .unwrap_or_default(),
            e.summary.clone().unwrap_or_default(),
            quote.unwrap_or_default().into(),
            source.unwrap_or_default().into(),
            url.unwrap_or_default().into(),
        ];
        let row = row.into_iter().chain((1..most).flat_map(|i| {
            let (quote, source, url) = words_at(find, e, i);
            [quote, source, url].map(|c| c.unwrap_or_default().to_string())
        }));
        let row = row.enumerate().map(|(i, cell)| {
            if NUMBER_COLUMNS.contains(&i) {
                cell
            } else {
                defuse(cell)
            }
        });
        w.write_record(row.chain(extra))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;

    /// A CSV of events read back from their file, written a part at a
    /// time from each event alone, is the CSV of the same events made a
    /// data set first: every field kept, for ACLED's codebook and for our
    /// own columns with further passages.
    #[test]
    fn a_csv_written_from_the_records_is_the_data_sets() {
        let dir = tempfile::tempdir().unwrap();
        let acled = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,\
                     location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n\
                     X1,06 September 2020,1,Battles,Armed clash,Militia,Police,Homs,34.7,36.7,1,Reuters,National,\"On 6 September, a \"\"clash\"\" near Homs.\",3\n\
                     X2,07 September 2020,2,Protests,,Protesters,,Zürich,47.4,8.5,2,Local,,=cmd,0\n\
                     X3,08 September 2020,3,Riots,Mob violence,,,,,,,,,,\n";
        let ours = "id,title,when,latitude,longitude,place,actor1,quote,source,source_url,quote_2,source_2,source_url_2\n\
                    a,First,2024-03-22,55.7,37.6,Moscow,FSB,The first words.,Wire,https://example.org/a,,,\n\
                    b,Second,2024-03-23,55.8,37.5,Krasnogorsk,,Said once.,Paper,,Said twice.,Blog,https://example.org/b\n\
                    c,Third,2024-03,,,,,,,,,,\n";
        for (name, text) in [("acled.csv", acled), ("ours.csv", ours)] {
            let loaded = crate::formats::load_bytes(std::path::Path::new(name), text.as_bytes());
            let store = loaded.store.unwrap();
            assert!(store.dataset().is_none(), "{name}: read back from the file");
            for keep in [vec![0, 1, 2], vec![1, 2]] {
                let streamed = dir.path().join("streamed.csv");
                save_store(&store, Some(&keep), None, &streamed, Format::Csv).unwrap();
                let whole = dir.path().join("whole.csv");
                save(&store.subset(&keep), None, &whole, Format::Csv).unwrap();
                let (a, b) = (
                    std::fs::read_to_string(&streamed).unwrap(),
                    std::fs::read_to_string(&whole).unwrap(),
                );
                assert_eq!(a, b, "{name} {keep:?}");
                assert_eq!(
                    a.lines().count(),
                    keep.len() + 1,
                    "{name}: a header and a row each"
                );
            }
        }
    }
}

//! CSV: ACLED exports of every era (2016's `data_id`, `gwno`, `ally_actor_1`;
//! today's 31 columns with `disorder_type`, `civilian_targeting`, `tags`),
//! the files our own writer makes, and any table with latitude and longitude
//! columns, a date and a title, found from the header. The delimiter is
//! guessed from the header line; a byte order mark is dropped before this
//! runs. A bad row is a located diagnostic and the rest is read.
//!
//! A file of any size is read the same way: [`scan`] cuts it into runs of
//! whole records, each run is parsed on its own core straight into the
//! packed [`EventTable`] (only what the views need, no event built), and
//! the file stays memory-mapped: an event is read in full from its record
//! when it is asked for ([`CsvRecords`]). [`Layout::event`] is that full
//! reading; the table's columns come from the same helpers, so the two
//! always agree (tested).

pub mod scan;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::file::FileBytes;
use super::import::{self, RecordText};
use super::{Progress, Stage};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    CasualtyReport, Category, LatLon, Location, Moment, Origin, Passage, Precision, Source,
    When,
};
use crate::store::{Detail, EventTable, Meta, PackedTime, Records, Row, TableBuilder};

/// Names a column may go by, lower case, in order of preference.
const LAT: &[&str] = &["latitude", "lat"];
const LON: &[&str] = &["longitude", "lon", "lng", "long"];
const WHEN: &[&str] = &["when"];
const DATE: &[&str] = &[
    "event_date",
    "date",
    "start_date",
    "start",
    "datetime",
    "time",
    "begin",
];
const END: &[&str] = &["end_date", "end"];
const TITLE: &[&str] = &["title", "headline", "name", "event", "event_name"];
const ID: &[&str] = &["id", "event_id_cnty", "data_id", "event_id", "uid"];
const CATEGORY: &[&str] = &["category", "event_type", "type"];
const TEXT: &[&str] = &["notes", "description", "summary", "text", "details"];
const URL: &[&str] = &["source_url", "url", "link"];
const ACLED_ACTORS: &[&str] = &[
    "actor1",
    "assoc_actor_1",
    "ally_actor_1",
    "actor2",
    "assoc_actor_2",
    "ally_actor_2",
];
const OTHER_ACTORS: &[&str] = &["actor1", "actor2", "actors"];
const ACLED_DETAILS: &[&str] = &[
    "disorder_type",
    "sub_event_type",
    "civilian_targeting",
    "interaction",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "tags",
    "source",
    "source_scale",
];

/// About how many bytes of records each core parses at a time.
const CHUNK: usize = 4 << 20;

/// The delimiter of a header line: the most frequent of `,` `;` tab `|`
/// outside quotes.
fn delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            '|' if !quoted => counts[3] += 1,
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|&i| (counts[i], 4 - i)).unwrap_or(0);
    [b',', b';', b'\t', b'|'][best]
}

/// Whether a text looks like a table with a header: several delimited columns.
pub fn looks_like(text: &str) -> bool {
    let header = text.lines().next().unwrap_or("");
    let d = delimiter(header) as char;
    header.split(d).count() >= 2
}

/// The columns a file's header gave, by role.
#[derive(Debug, Clone)]
pub struct Layout {
    pub names: Vec<String>,
    /// Column index by name (the first of repeated names).
    index: HashMap<String, usize>,
    pub acled: bool,
    pub delimiter: u8,
    lat: usize,
    lon: usize,
    when_col: Option<usize>,
    date_col: Option<usize>,
    end_col: Option<usize>,
    title_col: Option<usize>,
    id_col: Option<usize>,
    category_col: Option<usize>,
    text_col: Option<usize>,
    url_col: Option<usize>,
    /// The file's name, as events and sources name it.
    name: String,
}

/// One record's fields, trimmed, an empty one as none.
pub struct Fields<'r> {
    record: &'r ::csv::ByteRecord,
}

impl<'r> Fields<'r> {
    fn get(&self, c: Option<usize>) -> Option<&'r str> {
        c.and_then(|i| self.record.get(i))
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn all_empty(&self) -> bool {
        self.record.iter().all(|f| f.trim_ascii().is_empty())
    }
}

/// What a row's date says, and the note that goes with an ACLED week or month.
enum DateNote {
    None,
    Week(jiff::civil::Date),
    Month(jiff::civil::Date),
}

/// A problem with one row: what, and how to fix it.
struct RowProblem {
    message: String,
    help: &'static str,
}

impl Layout {
    /// The layout a header gives, or why the file cannot be read as events.
    fn new(header: &::csv::ByteRecord, delimiter: u8, name: &str) -> Result<(Layout, Vec<Diagnostic>), Diagnostic> {
        let names: Vec<String> = header
            .iter()
            .map(|s| String::from_utf8_lossy(s).trim().to_lowercase())
            .collect();
        let mut index = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            index.entry(n.clone()).or_insert(i);
        }
        let find = |c: &[&str]| c.iter().find_map(|n| index.get(*n).copied());
        let (Some(lat), Some(lon)) = (find(LAT), find(LON)) else {
            return Err(Diagnostic::error(
                Code::MissingField,
                format!(
                    "no latitude and longitude columns in this CSV file; its columns are: {}",
                    names.join(", ")
                ),
            )
            .with_help(
                "name them lat and lon (or lat/lng, latitude/longitude; any case), in decimal degrees",
            )
            .at_offset(0));
        };
        let acled = (index.contains_key("event_id_cnty") || index.contains_key("data_id"))
            && index.contains_key("event_date");
        let layout = Layout {
            lat,
            lon,
            when_col: find(WHEN),
            date_col: find(DATE),
            end_col: find(END),
            title_col: find(TITLE),
            id_col: find(ID),
            category_col: find(CATEGORY),
            text_col: find(TEXT),
            url_col: find(URL),
            acled,
            delimiter,
            names,
            index,
            name: name.to_string(),
        };
        let mut notes = Vec::new();
        if layout.when_col.or(layout.date_col).is_none() {
            notes.push(
                Diagnostic::warning(
                    Code::MissingField,
                    format!(
                        "no date column (looked for {}); every event is undated",
                        DATE.join(", ")
                    ),
                )
                .with_help("add a date column in ISO 8601 (2024-03-22) or as ACLED writes dates")
                .at_offset(0),
            );
        }
        if layout.title_col.is_none() && !acled {
            notes.push(
                Diagnostic::warning(
                    Code::MissingField,
                    format!(
                        "no title column (looked for {}); events are named by their row",
                        TITLE.join(", ")
                    ),
                )
                .at_offset(0),
            );
        }
        Ok((layout, notes))
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The data set's description: which columns were read as what.
    fn description(&self) -> String {
        let used = |role: &str, c: Option<usize>| match c {
            Some(i) => format!("{role} = \"{}\"", self.names[i]),
            None => format!("{role}: none"),
        };
        format!(
            "Imported from {} ({}): {}.",
            self.name,
            if self.acled { "an ACLED export" } else { "CSV" },
            [
                used("latitude", Some(self.lat)),
                used("longitude", Some(self.lon)),
                used("date", self.when_col.or(self.date_col)),
                used("title", self.title_col),
                used("id", self.id_col),
                used("category", self.category_col),
                used("text", self.text_col),
            ]
            .join(", ")
        )
    }

    /// The row's point: none when both coordinates are empty; an error
    /// (the row is skipped) when one is missing, not a number or off the globe.
    fn point(&self, f: &Fields, row: usize) -> Result<Option<LatLon>, RowProblem> {
        if f.get(Some(self.lat)).is_none() && f.get(Some(self.lon)).is_none() {
            return Ok(None);
        }
        let coord = |c: usize, what: &str, range: f64| -> Result<f64, String> {
            let raw = f.get(Some(c)).ok_or_else(|| format!("row {row}: no {what}"))?;
            let v: f64 = raw
                .parse()
                .map_err(|_| format!("row {row}: {what} \"{raw}\" is not a number"))?;
            if !v.is_finite() || v.abs() > range {
                return Err(format!(
                    "row {row}: {what} {raw} is out of range (-{range}..{range})"
                ));
            }
            Ok(v)
        };
        match (
            coord(self.lat, "latitude", 90.0),
            coord(self.lon, "longitude", 180.0),
        ) {
            (Ok(lat), Ok(lon)) => Ok(Some(LatLon { lat, lon })),
            (Err(e), _) | (_, Err(e)) => Err(RowProblem {
                message: format!("{e}; the row was skipped"),
                help: "write coordinates in decimal degrees (WGS84), latitude first: 55.7558, 37.6173",
            }),
        }
    }

    /// The row's date: a `when` in our text form, or a date (and an end),
    /// at ACLED's precision in an ACLED file. A date that does not read
    /// leaves the event undated, with a problem.
    fn when(&self, f: &Fields, row: usize) -> (When, DateNote, Option<RowProblem>) {
        if let Some(w) = f.get(self.when_col) {
            return match read_when(w) {
                Ok(w) => (w, DateNote::None, None),
                Err(e) => (
                    When::Unknown,
                    DateNote::None,
                    Some(RowProblem {
                        message: format!("row {row}: the date \"{w}\" does not read ({e}); the event is kept without a date"),
                        help: "write dates as 2024-03-22, 2024-03, 2024, or 2024-03-22T20:00+03:00",
                    }),
                ),
            };
        }
        let Some(d) = f.get(self.date_col) else {
            return (When::Unknown, DateNote::None, None);
        };
        let Some(start) = parse_date(d) else {
            return (
                When::Unknown,
                DateNote::None,
                Some(RowProblem {
                    message: format!("row {row}: the date \"{d}\" does not read; the event is kept without a date"),
                    help: "write dates as 2024-03-22, 01 November 2024 or 9-May-20",
                }),
            );
        };
        if self.acled {
            let (when, note) = acled_when(start, f.get(self.col("time_precision")));
            return (when, note, None);
        }
        let when = match f.get(self.end_col).and_then(parse_date) {
            Some(end) => When::Between(Some(start), Some(end)),
            None => When::At(start),
        };
        (when, DateNote::None, None)
    }

    /// The row's title: its own, or ACLED's kind of event and place, or its row.
    fn title<'f>(&self, f: &Fields<'f>, row: usize) -> Cow<'f, str> {
        match (f.get(self.title_col), self.acled) {
            (Some(t), _) => Cow::Borrowed(t),
            (None, true) => {
                let what = f
                    .get(self.col("sub_event_type"))
                    .or(f.get(self.col("event_type")))
                    .unwrap_or("Event");
                match f.get(self.col("location")) {
                    Some(place) => Cow::Owned(format!("{what}: {place}")),
                    None => Cow::Borrowed(what),
                }
            }
            (None, false) => Cow::Owned(format!("Row {row}")),
        }
    }

    /// How precisely the row is placed, and within what radius.
    fn precision(&self, f: &Fields) -> (Option<Precision>, Option<f64>) {
        if self.acled {
            acled_precision(f.get(self.col("geo_precision")))
        } else {
            (
                f.get(self.col("precision")).and_then(Precision::parse),
                f.get(self.col("uncertainty_m"))
                    .and_then(|u| u.parse().ok()),
            )
        }
    }

    /// The row's actors, split at `;`.
    fn actors<'a>(&'a self, f: &'a Fields<'a>) -> impl Iterator<Item = &'a str> + 'a {
        let columns = if self.acled { ACLED_ACTORS } else { OTHER_ACTORS };
        columns
            .iter()
            .filter_map(move |c| f.get(self.col(c)))
            .flat_map(|a| a.split(';').map(str::trim).filter(|a| !a.is_empty()))
    }

    /// The row's own words: ACLED's notes, or the text column.
    fn text<'f>(&self, f: &Fields<'f>) -> Option<&'f str> {
        if self.acled {
            f.get(self.col("notes"))
        } else {
            f.get(self.text_col)
        }
    }

    /// ACLED's fatality count, when it is one; a problem when it is not a number.
    fn fatalities(&self, f: &Fields, row: usize) -> Result<Option<u64>, RowProblem> {
        let Some(raw) = f.get(self.col("fatalities")).filter(|_| self.acled) else {
            return Ok(None);
        };
        raw.parse::<u64>().map(Some).map_err(|_| RowProblem {
            message: format!("row {row}: fatalities \"{raw}\" is not a whole number; left out"),
            help: "fatalities is a count, like 0 or 12",
        })
    }

    /// The row as an event in full, with its words as a source: what the
    /// context panel shows and an export writes. `id` is the one the table
    /// gave the row; `category` its category's id.
    fn event(&self, f: &Fields, row: usize, offset: usize, id: &str, category: Option<String>) -> Detail {
        let (when, note, _) = self.when(f, row);
        let mut e = import::event(id.to_string(), self.title(f, row).into_owned(), when, Some(offset));
        e.when_note = match note {
            DateNote::None => None,
            DateNote::Week(d) => Some(format!(
                "ACLED time precision 2: the source gives only the week; ACLED coded {d}."
            )),
            DateNote::Month(d) => Some(format!(
                "ACLED time precision 3: the source gives only the month; ACLED coded {d}."
            )),
        };
        e.category = category;
        e.summary = if self.acled {
            None
        } else {
            f.get(self.col("summary")).map(str::to_string)
        };
        let (precision, uncertainty_m) = self.precision(f);
        e.location = self.point(f, row).ok().flatten().map(|point| Location {
            place: None,
            point: Some(point),
            precision,
            uncertainty_m,
            geometry: None,
            note: f
                .get(self.col(if self.acled { "location" } else { "place" }))
                .map(|p| format!("Place: {p}")),
        });
        e.actors = self.actors(f).map(str::to_string).collect();
        let mut sources = Vec::new();
        if let Some(text) = self.text(f) {
            let words = if self.acled {
                let source = f.get(self.col("source"));
                RecordText {
                    text: text.to_string(),
                    title: format!("ACLED notes on event {id}"),
                    publisher: Some("ACLED".into()),
                    note: source.map(|s| match f.get(self.col("source_scale")) {
                        Some(scale) => format!("ACLED's summary. Original source: {s} ({scale})."),
                        None => format!("ACLED's summary. Original source: {s}."),
                    }),
                    ..RecordText::default()
                }
            } else {
                RecordText {
                    text: text.to_string(),
                    title: f
                        .get(self.col("source"))
                        .map_or_else(|| format!("{}, row {row}", self.name), str::to_string),
                    url: f.get(self.url_col).map(str::to_string),
                    ..RecordText::default()
                }
            };
            let (source, passage) = words_of(id, words);
            sources.push(source);
            e.passages.push(passage);
        }
        if let Ok(Some(n)) = self.fatalities(f, row) {
            e.casualties.push(CasualtyReport {
                killed: Some(n),
                injured: None,
                as_of: None,
                source: e.passages.first().map(|p| p.source.clone()),
                note: Some("ACLED's fatality count: a conservative estimate".into()),
            });
        }
        if self.acled {
            let details: Vec<String> = ACLED_DETAILS
                .iter()
                .filter_map(|k| f.get(self.col(k)).map(|v| format!("{k}: {v}")))
                .collect();
            if !details.is_empty() {
                e.notes = Some(details.join("\n"));
            }
        }
        Detail {
            event: e,
            sources,
            places: Vec::new(),
        }
    }
}

/// A record's own words as a source of their own, and the passage that
/// quotes them all (as [`import::Import::words`] makes them).
fn words_of(event_id: &str, words: RecordText) -> (Source, Passage) {
    let text = words.text.trim().to_string();
    let id = format!("{event_id}-text");
    let source = Source {
        id: id.clone(),
        title: words.title,
        author: words.author,
        publisher: words.publisher,
        published: None,
        url: words.url,
        text_file: None,
        text: Some(text.clone()),
        note: words.note,
        loaded_text: None,
        origin: Origin::default(),
    };
    let mut passage = Passage {
        id: None,
        source: id,
        quote: text.clone(),
        prefix: None,
        suffix: None,
        start: None,
        end: None,
        note: None,
        anchoring: Default::default(),
        origin: Origin::default(),
    };
    passage.anchoring = crate::evidence::anchor(&text, &crate::evidence::Quote {
        exact: &text,
        ..Default::default()
    });
    (source, passage)
}

/// Our own `when` column: the native text form, or its JSON for a disputed date.
fn read_when(s: &str) -> Result<When, String> {
    if s.starts_with('{') {
        return super::native::when_from_json(s);
    }
    When::parse(s, Some(&jiff::tz::TimeZone::UTC)).map_err(|e| e.message)
}

/// A date as CSV files write it: the two forms ACLED exports use
/// (`2024-03-22`, `22 March 2024`) read at once, anything else by
/// [`import::parse_date`].
fn parse_date(s: &str) -> Option<Moment> {
    let b = s.as_bytes();
    let num = |r: &[u8]| -> Option<i32> {
        r.iter().try_fold(0i32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    let day = |y: i32, m: i32, d: i32| {
        jiff::civil::Date::new(i16::try_from(y).ok()?, m as i8, d as i8)
            .ok()
            .map(Moment::Day)
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (num(&b[..4]), num(&b[5..7]), num(&b[8..])) {
            return day(y, m, d);
        }
    }
    if let [d, month, y] = s.split(' ').collect::<Vec<_>>().as_slice()
        && y.len() == 4
        && d.len() <= 2
        && let (Some(d), Some(y)) = (num(d.as_bytes()), num(y.as_bytes()))
        && let Some(m) = MONTHS.iter().position(|name| name.eq_ignore_ascii_case(month))
    {
        return day(y, m as i32 + 1, d);
    }
    import::parse_date(s)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// ACLED's `time_precision`: 1, the day is known; 2, only the week (ACLED
/// codes a day of it); 3, only the month. Never more precise than that.
fn acled_when(day: Moment, precision: Option<&str>) -> (When, DateNote) {
    let Moment::Day(d) = day else {
        return (When::At(day), DateNote::None);
    };
    match precision {
        Some("2") => {
            let a = d.checked_sub(jiff::ToSpan::days(3)).unwrap_or(d);
            let b = d.checked_add(jiff::ToSpan::days(3)).unwrap_or(d);
            (
                When::Between(Some(Moment::Day(a)), Some(Moment::Day(b))),
                DateNote::Week(d),
            )
        }
        Some("3") => (
            When::At(Moment::Month {
                year: d.year(),
                month: d.month(),
            }),
            DateNote::Month(d),
        ),
        _ => (When::At(Moment::Day(d)), DateNote::None),
    }
}

/// ACLED's `geo_precision`: 1, the town itself; 2, near a town or in its
/// district; 3, only the region (coded to its capital).
fn acled_precision(p: Option<&str>) -> (Option<Precision>, Option<f64>) {
    match p {
        Some("1") => (Some(Precision::Town), None),
        Some("2") => (Some(Precision::District), Some(25_000.0)),
        Some("3") => (Some(Precision::Region), Some(100_000.0)),
        _ => (None, None),
    }
}

/// An id as ids are written: letters, digits and `- _ . :`; others become `-`.
fn clean_id(s: &str) -> Cow<'_, str> {
    let s = s.trim();
    let ok = |c: char| c.is_alphanumeric() || "-_.:".contains(c);
    if s.chars().all(ok) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(|c| if ok(c) { c } else { '-' }).collect())
    }
}

fn csv_error(e: &::csv::Error, what: &str) -> Diagnostic {
    let mut d = Diagnostic::error(Code::Syntax, format!("{what} of this CSV file does not read: {e}"))
        .with_help("check the quoting: a field with the delimiter or a line break in it is enclosed in double quotes, and a quote inside it is doubled");
    d.offset = e.position().map(|p| p.byte() as usize);
    if matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. }) {
        d.code = Code::NotUtf8;
    }
    d
}

/// A problem a row has, where the row starts.
fn located(offset: usize, p: RowProblem) -> Diagnostic {
    Diagnostic::error(Code::BadRecord, p.message)
        .with_help(p.help)
        .at_offset(offset)
}

/// One run of records parsed into table rows.
struct Part {
    table: TableBuilder,
    /// Where each kept row's record starts, and its row number.
    offsets: Vec<u64>,
    rows: Vec<u32>,
    /// Category labels in the order they first appear in this run.
    labels: Vec<String>,
    problems: Vec<Diagnostic>,
    /// Rows with no words of their own: how many, and where the first is.
    uncited: (usize, Option<(usize, String)>),
    records: usize,
}

/// Parses one run of records into table rows.
fn parse_part(bytes: &[u8], chunk: &scan::Chunk, layout: &Layout) -> Part {
    let base = chunk.range.start;
    let mut part = Part {
        table: TableBuilder::default(),
        offsets: Vec::new(),
        rows: Vec::new(),
        labels: Vec::new(),
        problems: Vec::new(),
        uncited: (0, None),
        records: 0,
    };
    let mut labels: HashMap<String, u16> = HashMap::new();
    // Dates repeat: each distinct one is read and placed in time once.
    let mut dates: HashMap<String, PackedTime> = HashMap::new();
    let mut key = String::new();
    let utc = jiff::tz::TimeZone::UTC;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(layout.delimiter)
        .flexible(true)
        .from_reader(&bytes[chunk.range.clone()]);
    let mut record = ::csv::ByteRecord::new();
    let mut row = chunk.first_row - 1;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let mut d = csv_error(&e, "a row");
                d.offset = d.offset.map(|o| o + base);
                part.problems.push(d);
                if matches!(e.kind(), ::csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        row += 1;
        part.records += 1;
        let offset = base + record.position().map_or(0, |p| p.byte() as usize);
        let f = Fields { record: &record };
        if f.all_empty() {
            continue;
        }
        let point = match layout.point(&f, row) {
            Ok(p) => p,
            Err(p) => {
                part.problems.push(located(offset, p));
                continue;
            }
        };
        let id: Cow<str> = match f.get(layout.id_col).map(clean_id).filter(|s| !s.is_empty()) {
            Some(id) => id,
            None => Cow::Owned(format!("row-{row}")),
        };
        key.clear();
        for c in [layout.date_col, layout.col("time_precision"), layout.end_col] {
            key.push_str(f.get(c).unwrap_or(""));
            key.push('\u{1}');
        }
        let cached = layout
            .when_col
            .is_none()
            .then(|| dates.get(key.as_str()).copied())
            .flatten();
        let time = match cached {
            Some(t) => t,
            None => {
                let (when, _, problem) = layout.when(&f, row);
                if let Some(p) = problem {
                    part.problems.push(located(offset, p));
                }
                let t = PackedTime::of(&when, false, &utc);
                if let When::Between(Some(_), Some(_)) = when
                    && t.start > t.end
                {
                    part.problems.push(
                        Diagnostic::error(
                            Code::RangeReversed,
                            format!("the range \"{when}\" ends before it starts"),
                        )
                        .with_help("write the earlier date first: START/END")
                        .at_offset(offset),
                    );
                }
                if layout.when_col.is_none() && !matches!(when, When::Unknown) {
                    dates.insert(key.clone(), t);
                }
                t
            }
        };
        let (precision, uncertainty_m) = layout.precision(&f);
        if let Some(u) = uncertainty_m.filter(|u| *u < 0.0) {
            part.problems.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("the uncertainty {u} m is negative"),
                )
                .with_help("give the radius, in metres, within which the event happened")
                .at_offset(offset),
            );
        }
        if let Err(p) = layout.fatalities(&f, row) {
            part.problems.push(located(offset, p));
        }
        let category = f.get(layout.category_col).map(|label| {
            let next = labels.len() as u16;
            *labels.entry(label.to_string()).or_insert_with(|| {
                part.labels.push(label.to_string());
                next
            })
        });
        let text = layout.text(&f);
        if text.is_none() {
            part.uncited.0 += 1;
            if part.uncited.1.is_none() {
                part.uncited.1 = Some((offset, id.to_string()));
            }
        }
        let title = layout.title(&f, row);
        part.table.push(Row {
            id: &id,
            title: &title,
            time: Some(time),
            point,
            precision,
            uncertainty_m,
            region: None,
            category,
            actors: layout.actors(&f).collect(),
            geometry: None,
            passages: u32::from(text.is_some()),
            anchored: u32::from(text.is_some()),
        });
        part.offsets.push(offset as u64);
        part.rows.push(row as u32);
    }
    part
}

/// The events of a CSV file that stay in it: each read again from its
/// record when asked for.
pub struct CsvRecords {
    bytes: Arc<FileBytes>,
    layout: Layout,
    /// Where each event's record starts, and its row number.
    offsets: Vec<u64>,
    rows: Vec<u32>,
}

impl Records for CsvRecords {
    fn detail(&self, table: &EventTable, i: usize) -> Detail {
        let offset = self.offsets[i] as usize;
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(self.layout.delimiter)
            .flexible(true)
            .from_reader(&self.bytes[offset..]);
        let mut record = ::csv::ByteRecord::new();
        let _ = reader.read_byte_record(&mut record);
        let category = table
            .category(i)
            .map(|c| table.meta.categories[c].id.clone());
        self.layout.event(
            &Fields { record: &record },
            self.rows[i] as usize,
            offset,
            table.id(i),
            category,
        )
    }

    fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 8 + self.rows.capacity() * 4
    }
}

/// What reading a CSV file gave.
pub struct Read {
    pub table: Option<(EventTable, CsvRecords)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a CSV file's bytes (UTF-8, a byte order mark already skipped at
/// `start`) into an event table, on every core.
pub fn read(
    bytes: Arc<FileBytes>,
    start: usize,
    name: &str,
    progress: Option<&Progress>,
) -> Result<Read, super::Cancelled> {
    let text = &bytes[start..];
    let header_line = text.split(|&b| b == b'\n').next().unwrap_or(b"");
    let delimiter = delimiter(&String::from_utf8_lossy(header_line));
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text);
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Ok(Read {
                table: None,
                diagnostics: vec![csv_error(&e, "the header")],
            });
        }
    };
    let data_start = start + reader.position().byte() as usize;
    drop(reader);
    let (layout, mut diagnostics) = match Layout::new(&header, delimiter, name) {
        Ok(x) => x,
        Err(d) => {
            return Ok(Read {
                table: None,
                diagnostics: vec![d],
            });
        }
    };
    let scanned = scan::scan(&bytes, data_start, delimiter, CHUNK, 2);
    if let Some(open) = scanned.unterminated {
        diagnostics.push(
            Diagnostic::error(
                Code::Syntax,
                "a quoted field opens here and is never closed: read on, the rest of the file would be one value",
            )
            .with_help("close the quote, or double a quote that is part of the text (\"\"); the file may be cut short")
            .at_offset(open),
        );
        return Ok(Read {
            table: None,
            diagnostics,
        });
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = scanned.chunks.len().max(1);
    let parts: Vec<Option<Part>> = scanned
        .chunks
        .par_iter()
        .map(|chunk| {
            if progress.is_some_and(Progress::is_cancelled) {
                return None;
            }
            let part = parse_part(&bytes, chunk, &layout);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(p) = progress {
                p.set_fraction(Stage::Parsing, n as f32 / total as f32);
            }
            Some(part)
        })
        .collect();
    let Some(parts) = parts.into_iter().collect::<Option<Vec<Part>>>() else {
        return Err(super::Cancelled);
    };
    // One table from the runs, in file order; categories in the order they
    // first appear in the file, coloured in that order.
    let mut table = TableBuilder::default();
    let mut offsets = Vec::new();
    let mut rows = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut uncited = (0, None);
    for mut part in parts {
        let map: Vec<u16> = part
            .labels
            .iter()
            .map(|l| match labels.iter().position(|k| k == l) {
                Some(i) => i as u16,
                None => {
                    labels.push(l.clone());
                    (labels.len() - 1) as u16
                }
            })
            .collect();
        part.table.map_categories(&map);
        table.append(part.table);
        offsets.extend(part.offsets);
        rows.extend(part.rows);
        diagnostics.extend(part.problems);
        uncited.0 += part.uncited.0;
        if uncited.1.is_none() {
            uncited.1 = part.uncited.1;
        }
    }
    if let Some((offset, id)) = uncited.1 {
        diagnostics.push(no_passage(uncited.0, table.len(), &id, offset));
    }
    if let Some(p) = progress {
        p.set_stage(Stage::Indexing);
    }
    let meta = Meta {
        title: name.to_string(),
        description: Some(layout.description()),
        categories: categories(&labels),
        ..Meta::default()
    };
    let table = table.finish(meta);
    Ok(Read {
        table: Some((
            table,
            CsvRecords {
                bytes,
                layout,
                offsets,
                rows,
            },
        )),
        diagnostics,
    })
}

/// The warning for events with no words of their own: one for the file.
pub fn no_passage(uncited: usize, total: usize, first_id: &str, offset: usize) -> Diagnostic {
    let message = if uncited > 1 {
        format!(
            "{uncited} of {total} events cite no passage: the file gives no text for them (the first is here)"
        )
    } else {
        format!("event \"{first_id}\" cites no passage")
    };
    Diagnostic::warning(Code::NoPassage, message)
        .with_help("quote the words of a source that report it, so its marker leads back to them")
        .at_offset(offset)
}

/// Categories from labels, in order: ids from the labels, colours from the palette.
pub fn categories(labels: &[String]) -> Vec<Category> {
    let mut out: Vec<Category> = Vec::new();
    for label in labels {
        let id = import::category_id(label, &out);
        out.push(Category {
            id,
            label: label.clone(),
            color: Some(import::palette(out.len() + 1).to_string()),
            description: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_fast_agree_with_the_general_reader() {
        for s in [
            "2024-03-22",
            "01 November 2024",
            "1 november 2024",
            "31 February 2024",
            "2024-13-01",
            "9-May-20",
            "22/03/2024",
        ] {
            assert_eq!(parse_date(s), import::parse_date(s), "{s}");
        }
    }

    #[test]
    fn ids_are_cleaned_as_imports_clean_them() {
        assert_eq!(clean_id(" UKR123 "), "UKR123");
        assert_eq!(clean_id("way/1"), "way-1");
        assert!(matches!(clean_id("a.b:c_d-e"), Cow::Borrowed(_)));
    }
}

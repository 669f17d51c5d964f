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
use std::sync::Arc;

use super::file::FileBytes;
use super::import;
use super::record::{Codebook, Fields, Flavor, Problem, Role, Slots, clean_id};
use super::runs::{self, Part};
use super::{Progress, Stage};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Category, LatLon, When};
use crate::store::{Detail, EventTable, Meta, PackedTime, Records, Row, Searched};

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
    pub delimiter: u8,
    /// The zone of days and times given without one.
    time_zone: jiff::tz::TimeZone,
    slots: Slots<usize>,
    flavor: Flavor,
}

/// One record's fields, by role.
pub struct CsvFields<'r, 'l> {
    record: &'r ::csv::StringRecord,
    layout: &'l Layout,
}

impl<'r> Fields<'r> for CsvFields<'r, '_> {
    fn text(&self, role: Role) -> Option<Cow<'r, str>> {
        self.layout.slots.get(role).and_then(|i| self.field(i))
    }

    fn more_words(&self) -> Vec<super::record::MoreWords<'r>> {
        self.layout.slots.more_words(|i| self.field(i))
    }
}

impl<'r> CsvFields<'r, '_> {
    /// Column `i`, trimmed, as our exports wrote it; an empty one as none.
    fn field(&self, i: usize) -> Option<Cow<'r, str>> {
        self.record
            .get(i)
            .map(trim)
            .map(super::export::restore)
            .filter(|s| !s.is_empty())
            .map(Cow::Borrowed)
    }

    /// Whether every field is blank: the fields one after the other are.
    fn all_empty(&self) -> bool {
        self.record.as_slice().trim().is_empty()
    }
}

/// `str::trim`, at once for a field that starts and ends with a visible
/// ASCII character (most fields: nothing to decode).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

impl Layout {
    /// The layout a header gives, or why the file cannot be read as events.
    fn new(
        header: &::csv::ByteRecord,
        delimiter: u8,
        name: &str,
    ) -> Result<(Layout, Vec<Diagnostic>), Box<Diagnostic>> {
        let names: Vec<String> = header
            .iter()
            .map(|s| String::from_utf8_lossy(s).trim().to_lowercase())
            .collect();
        let mut slots = Slots::new();
        for (i, n) in names.iter().enumerate() {
            slots.offer(n, i);
        }
        let one_column = slots.get(Role::Coordinates).is_some();
        if (slots.get(Role::Lat).is_none() || slots.get(Role::Lon).is_none()) && !one_column {
            return Err(Box::new(
                Diagnostic::error(
                    Code::MissingField,
                    format!(
                        "no latitude and longitude columns in this CSV file; its columns are: {}",
                        names.join(", ")
                    ),
                )
                .with_help(
                    "name them lat and lon (or lat/lng, latitude/longitude; any case), in decimal degrees; or give both in one column named coordinates (\"55.75, 37.62\") or WKT (POINT(37.62 55.75))",
                )
                .at_offset(0),
            ));
        }
        let layout = Layout {
            names,
            delimiter,
            time_zone: jiff::tz::TimeZone::UTC,
            flavor: Flavor::of(&slots, name, "row"),
            slots,
        };
        let mut notes = Vec::new();
        if layout
            .slots
            .get(Role::When)
            .or(layout.slots.get(Role::Date))
            .or(layout.slots.get(Role::Year))
            .is_none()
        {
            notes.push(
                Diagnostic::warning(
                    Code::MissingField,
                    format!(
                        "no date column (looked for {}); every event is undated",
                        Role::Date.names().join(", ")
                    ),
                )
                .with_help("add a date column in ISO 8601 (2024-03-22) or as ACLED writes dates")
                .at_offset(0),
            );
        }
        if layout.slots.get(Role::Title).is_none() && layout.flavor.codebook == Codebook::Other {
            notes.push(
                Diagnostic::warning(
                    Code::MissingField,
                    format!(
                        "no title column (looked for {}); events are named by their row",
                        Role::Title.names().join(", ")
                    ),
                )
                .at_offset(0),
            );
        }
        Ok((layout, notes))
    }

    fn fields<'r>(&self, record: &'r ::csv::StringRecord) -> CsvFields<'r, '_> {
        CsvFields {
            record,
            layout: self,
        }
    }

    /// The data set's description: which columns were read as what.
    fn description(&self) -> String {
        let used = |role: &str, r: Role| match self.slots.get(r) {
            Some(i) => format!("{role} = \"{}\"", self.names[i]),
            None => format!("{role}: none"),
        };
        let date = if self.slots.get(Role::When).is_some() {
            Role::When
        } else {
            Role::Date
        };
        format!(
            "Imported from {} ({}): {}.",
            self.flavor.file,
            match self.flavor.codebook {
                Codebook::Other => "CSV",
                other => other.describe(),
            },
            [
                if self.slots.get(Role::Lat).is_none() {
                    used("coordinates", Role::Coordinates)
                } else {
                    format!(
                        "{}, {}",
                        used("latitude", Role::Lat),
                        used("longitude", Role::Lon)
                    )
                },
                used("date", date),
                used("title", Role::Title),
                used("id", Role::Id),
                used("category", Role::Category),
                used("text", Role::Text),
            ]
            .join(", ")
        )
    }

    /// The row's point: none when both coordinates are empty; an error
    /// (the row is skipped) when one is missing, not a number or off the globe.
    fn point(&self, f: &CsvFields, row: usize) -> Result<Option<LatLon>, Problem> {
        let (lat, lon) = (f.text(Role::Lat), f.text(Role::Lon));
        if lat.is_none() && lon.is_none() {
            // Both in one column, when the file has one.
            return match f.text(Role::Coordinates) {
                None => Ok(None),
                Some(both) => super::record::parse_coordinates(&both)
                    .map(Some)
                    .map_err(|e| Problem {
                        message: format!("row {row}: coordinates {e}; the row was skipped"),
                        help: "write both as \"latitude, longitude\" in decimal degrees (55.7558, 37.6173), or as WKT: POINT(37.6173 55.7558)",
                    }),
            };
        }
        let coord = |raw: Option<Cow<str>>, what: &str, range: f64| -> Result<f64, String> {
            let raw = raw.ok_or_else(|| format!("row {row}: no {what}"))?;
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
        match (coord(lat, "latitude", 90.0), coord(lon, "longitude", 180.0)) {
            (Ok(lat), Ok(lon)) => Ok(Some(LatLon { lat, lon })),
            (Err(e), _) | (_, Err(e)) => Err(Problem {
                message: format!("{e}; the row was skipped"),
                help: "write coordinates in decimal degrees (WGS84), latitude first: 55.7558, 37.6173",
            }),
        }
    }

    /// The row as an event in full, with its words as a source. `id` is
    /// the one the table gave the row; `category` its category's id.
    fn event(
        &self,
        record: &::csv::StringRecord,
        row: usize,
        offset: usize,
        id: &str,
        category: Option<String>,
    ) -> Detail {
        let f = self.fields(record);
        let point = self.point(&f, row).ok().flatten();
        self.flavor
            .event(&f, row, offset, id, category, point, None)
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

/// The file is not UTF-8 from `offset` on.
fn not_utf8(bytes: &[u8], offset: usize) -> Diagnostic {
    Diagnostic::error(
        Code::NotUtf8,
        format!(
            "the file is not UTF-8 text: byte 0x{:02X} at byte offset {offset}",
            bytes[offset]
        ),
    )
    .with_help("save it as UTF-8 (most editors offer \"Save with encoding\")")
    .at_offset(offset)
}

/// A problem a row has, where the row starts.
fn located(offset: usize, p: Problem) -> Diagnostic {
    Diagnostic::error(Code::BadRecord, p.message)
        .with_help(p.help)
        .at_offset(offset)
}

/// Where a row's record starts, and its row number.
type RowRef = (u64, u32);

/// Parses one run of records into table rows.
fn parse_part(bytes: &[u8], chunk: &scan::Chunk, layout: &Layout) -> Part<RowRef> {
    let base = chunk.range.start;
    let mut part = Part::new(chunk.records);
    // Dates repeat: each distinct one is read and placed in time once.
    let mut dates: rustc_hash::FxHashMap<String, PackedTime> = Default::default();
    let mut key = String::new();
    let tz = &layout.time_zone;
    let mut reader = records_reader(&bytes[chunk.range.clone()], layout);
    let mut raw = ::csv::ByteRecord::new();
    let mut title = String::new();
    let mut row = chunk.first_row - 1;
    loop {
        match reader.read_byte_record(&mut raw) {
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
        // The record's first byte (a CRLF's LF is not where it starts).
        let mut offset = base + raw.position().map_or(0, |p| p.byte() as usize);
        while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        // A row with a few bytes that are not UTF-8 (Windows-1252 text in a
        // UTF-8 file) is read, those bytes as U+FFFD, and said so.
        let (record, lossy) = text_record(std::mem::take(&mut raw));
        if lossy {
            part.problems.push(
                Diagnostic::warning(
                    Code::NotUtf8,
                    format!("row {row} holds bytes that are not UTF-8 (Windows-1252 text?); they were read as \u{fffd}"),
                )
                .with_help("save the file as UTF-8 (in Excel: Save As, CSV UTF-8)")
                .at_offset(offset),
            );
        }
        let f = layout.fields(&record);
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
        let id: Cow<str> = match f.text(Role::Id) {
            Some(Cow::Borrowed(raw)) => clean_id(raw),
            Some(Cow::Owned(raw)) => Cow::Owned(clean_id(&raw).into_owned()),
            None => Cow::Borrowed(""),
        };
        let id = if id.is_empty() {
            Cow::Owned(format!("row-{row}"))
        } else {
            id
        };
        let flavor = &layout.flavor;
        key.clear();
        for r in [
            Role::Date,
            Role::TimePrecision,
            Role::End,
            Role::Year,
            Role::Month,
            Role::Day,
        ] {
            key.push_str(f.text(r).as_deref().unwrap_or(""));
            key.push('\u{1}');
        }
        let cacheable = layout.slots.get(Role::When).is_none();
        let cached = cacheable
            .then(|| dates.get(key.as_str()).copied())
            .flatten();
        let time = match cached {
            Some(t) => t,
            None => {
                let (when, _, problem) = flavor.when(&f, row);
                if let Some(p) = problem {
                    part.problems.push(located(offset, p));
                }
                let t = PackedTime::of(&when, false, tz);
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
                if cacheable && !matches!(when, When::Unknown) {
                    dates.insert(key.clone(), t);
                }
                t
            }
        };
        let (precision, uncertainty_m) = flavor.precision(&f);
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
        if let Err(p) = flavor.fatalities(&f, row) {
            part.problems.push(located(offset, p));
        }
        let category = flavor.category(&f).map(|label| part.category(&label));
        let passages = flavor.passages(&f);
        if passages == 0 {
            part.uncited(offset, &id);
        }
        flavor.title_into(&f, row, &mut title);
        part.table.push(Row {
            id: &id,
            title: &title,
            time: Some(time),
            point,
            precision,
            uncertainty_m,
            region: None,
            category,
            actors: flavor.actors(&f),
            geometry: None,
            passages,
            anchored: passages,
            grade: 0,
        });
        part.refs.push((offset as u64, row as u32));
        raw = record.into_byte_record();
    }
    part
}

/// A record's text: its bytes when they are UTF-8, else read with U+FFFD
/// for what is not (and `true`).
fn text_record(raw: ::csv::ByteRecord) -> (::csv::StringRecord, bool) {
    match ::csv::StringRecord::from_byte_record(raw) {
        Ok(r) => (r, false),
        Err(e) => {
            let raw = e.into_byte_record();
            let mut r: ::csv::StringRecord =
                raw.iter().map(|f| String::from_utf8_lossy(f)).collect();
            r.set_position(raw.position().cloned());
            (r, true)
        }
    }
}

/// The columns holding a record's dates; none when one column holds its
/// whole time (ours, read as ISO 8601).
fn date_columns(layout: &Layout) -> Vec<usize> {
    if layout.slots.get(Role::When).is_some() {
        return Vec::new();
    }
    [Role::Date, Role::End]
        .iter()
        .filter_map(|&r| layout.slots.get(r))
        .collect()
}

/// The words (runs of letters and digits) of `term` (folded) that are in
/// none of the `generated` words: only a field can give one, so a record
/// without it cannot hold the term.
fn field_words<'t>(term: &'t str, generated: &[String]) -> Vec<&'t str> {
    term.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !generated.iter().any(|g| g.contains(w)))
        .collect()
}

/// A reader of records (no header) in `bytes`.
fn records_reader<'b>(bytes: &'b [u8], layout: &Layout) -> ::csv::Reader<&'b [u8]> {
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(layout.delimiter)
        .flexible(true)
        .from_reader(bytes)
}

/// A record's date fields, as text (one that is not UTF-8 is no date).
fn date_values<'r>(record: &'r ::csv::ByteRecord, columns: &[usize]) -> Vec<&'r str> {
    columns
        .iter()
        .filter_map(|&c| std::str::from_utf8(record.get(c)?).ok())
        .collect()
}

/// Whether the first thousand records from `from` on have a numeric date
/// (30/04/2019), whose order the whole file must settle; ISO dates and
/// ACLED's "22 March 2024" have nothing to settle.
fn numeric_dates(bytes: &[u8], from: usize, layout: &Layout) -> bool {
    let columns = date_columns(layout);
    !columns.is_empty()
        && records_reader(&bytes[from..], layout)
            .byte_records()
            .take(1000)
            .filter_map(Result::ok)
            .any(|r| {
                date_values(&r, &columns)
                    .iter()
                    .any(|v| super::dates::numeric_date(v).is_some())
            })
}

/// The order of the file's numeric dates (30/04/2019 or 4/30/2019),
/// decided from the whole of its date columns, and a warning when they do
/// not settle it.
fn date_order(
    bytes: &[u8],
    chunks: &[scan::Chunk],
    layout: &Layout,
) -> (super::dates::DateOrder, Option<Diagnostic>) {
    use super::dates::OrderEvidence;
    use rayon::prelude::*;
    let columns = date_columns(layout);
    let evidence = chunks
        .par_iter()
        .map(|chunk| {
            let mut e = OrderEvidence::default();
            for record in records_reader(&bytes[chunk.range.clone()], layout)
                .byte_records()
                .filter_map(Result::ok)
            {
                for v in date_values(&record, &columns) {
                    e.add(v);
                }
            }
            e
        })
        .reduce(OrderEvidence::default, OrderEvidence::merge);
    let (order, warning) = evidence.decide(&layout.names[columns[0]]);
    (order, warning.map(|w| w.at_offset(0)))
}

/// A table made from TimelineJS's Google Sheets template (Year, Month,
/// Day, Time, End …, Headline, Text, Media …, Type, Group), read as
/// TimelineJS reads it: its `title` row is the data set's title, its
/// events have no place (the timeline lists them as not on the map).
/// `None` when the header is not the template's. `text` starts after any
/// byte order mark, `base` bytes into the file.
pub fn timelinejs_sheet(text: &[u8], base: usize, name: &str) -> Option<super::import::Import> {
    let header_line = text.split(|&b| b == b'\n').next().unwrap_or(b"");
    let delimiter = delimiter(&String::from_utf8_lossy(header_line));
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text);
    let names: Vec<String> = reader
        .byte_headers()
        .ok()?
        .iter()
        .map(|s| String::from_utf8_lossy(s).trim().to_lowercase())
        .collect();
    if !super::timelinejs::is_sheet(&names) {
        return None;
    }
    let mut import = super::import::Import::new(name);
    let mut slides = Vec::new();
    let mut record = ::csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let offset = base + record.position().map_or(0, |p| p.byte() as usize);
                let values: Vec<&str> = record.iter().collect();
                slides.push((
                    super::timelinejs::sheet_slide(&names, &values),
                    Some(offset),
                ));
            }
            Err(e) => {
                let mut d = csv_error(&e, "a row");
                d.offset = d.offset.map(|o| o + base);
                import.diagnostics.push(d);
                if !matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    super::timelinejs::read_slides(&mut import, None, slides, name);
    Some(import)
}

/// The events of a CSV file that stay in it: each read again from its
/// record when asked for.
pub struct CsvRecords {
    bytes: Arc<FileBytes>,
    layout: Layout,
    /// Where each event's record starts, and its row number.
    refs: Vec<RowRef>,
    /// Readers over the whole file, made once and moved to each record
    /// asked for: making a CSV reader (its buffer, its parser's tables)
    /// cost more than reading the record itself. One per thread at most.
    readers: std::sync::Mutex<Vec<::csv::Reader<Window>>>,
}

/// The file's bytes as a reader can go through them and jump within, up
/// to `end` (where the record asked for ends at the latest: a reader
/// moved to a record then copies that record, not a buffer's worth).
struct Window {
    bytes: Arc<FileBytes>,
    at: usize,
    end: usize,
}

impl std::io::Read for Window {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = self.end.min(self.bytes.len());
        let rest = self.bytes.get(self.at..end).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

impl std::io::Seek for Window {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let len = self.bytes.len() as i128;
        let at = match to {
            std::io::SeekFrom::Start(n) => i128::from(n),
            std::io::SeekFrom::End(n) => len + i128::from(n),
            std::io::SeekFrom::Current(n) => self.at as i128 + i128::from(n),
        };
        self.at = at.clamp(0, len) as usize;
        Ok(self.at as u64)
    }
}

impl CsvRecords {
    fn new(bytes: Arc<FileBytes>, layout: Layout, refs: Vec<RowRef>) -> CsvRecords {
        CsvRecords {
            bytes,
            layout,
            refs,
            readers: Default::default(),
        }
    }

    /// The record that starts at `offset` and ends by `end`.
    fn record_at(&self, offset: usize, end: usize) -> ::csv::StringRecord {
        let taken = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut reader = taken.unwrap_or_else(|| {
            ::csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(self.layout.delimiter)
                .flexible(true)
                .buffer_capacity(2048)
                .from_reader(Window {
                    bytes: self.bytes.clone(),
                    at: 0,
                    end,
                })
        });
        reader.get_mut().end = end;
        let mut raw = ::csv::ByteRecord::new();
        let mut at = ::csv::Position::new();
        at.set_byte(offset as u64);
        // The next record read in file order (an export, the search's
        // index) goes on from where the reader is, its buffer kept.
        if reader.seek(at).is_ok() {
            let _ = reader.read_byte_record(&mut raw);
        }
        self.readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(reader);
        text_record(raw).0
    }
}

impl Records for CsvRecords {
    fn detail(&self, table: &EventTable, i: usize) -> Detail {
        let (offset, row) = self.refs[i];
        let offset = offset as usize;
        // (The next event's record starts after this one's end.)
        let end = self
            .refs
            .get(i + 1)
            .map(|r| r.0 as usize)
            .filter(|&e| e > offset)
            .unwrap_or(usize::MAX);
        let record = self.record_at(offset, end);
        let category = table
            .category(i)
            .map(|c| table.meta.categories[c].id.clone());
        self.layout
            .event(&record, row as usize, offset, table.id(i), category)
    }

    /// The records read one after another by one reader (a new one where
    /// the records asked for skip ahead), each made only into what it is
    /// searched by.
    fn searched(
        &self,
        table: &EventTable,
        which: &[usize],
        each: &mut dyn FnMut(usize, &Searched),
    ) {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(self.layout.delimiter)
            .flexible(true)
            .from_reader(std::io::Cursor::new(&self.bytes[..]));
        let mut raw = ::csv::ByteRecord::new();
        let mut out = Searched::default();
        for &i in which {
            let (offset, row) = self.refs[i];
            // Next in the file: read on; elsewhere: jump there.
            if reader.position().byte() != offset {
                let mut at = ::csv::Position::new();
                at.set_byte(offset);
                if reader.seek(at).is_err() {
                    continue;
                }
            }
            out.clear();
            if reader.read_byte_record(&mut raw).unwrap_or(false) {
                let (record, _) = text_record(std::mem::take(&mut raw));
                let f = self.layout.fields(&record);
                self.layout
                    .flavor
                    .searched(&f, row as usize, table.point(i).is_some(), &mut out);
                raw = record.into_byte_record();
            } else {
                self.detail(table, i).searched(&mut out);
            }
            each(i, &out);
        }
    }

    /// ACLED's records: each record's bytes (lowered) looked through for a
    /// word of each term that only a field can give (see
    /// [`Flavor::generated`]); a record with bytes beyond ASCII, or with no
    /// date or time of one day, may hold anything.
    fn may_hold(
        &self,
        table: &EventTable,
        terms: &[&str],
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<bool>> {
        use crate::store::{Grain, TimeKind};
        use rayon::prelude::*;
        const CHUNK: usize = 4096;
        let generated = self.layout.flavor.generated()?;
        // Each term's words only a field (or a date written out) can give,
        // longest first.
        let words: Vec<Vec<memchr::memmem::Finder>> = terms
            .iter()
            .map(|t| {
                let mut w = field_words(t, &generated);
                w.sort_by_key(|w| std::cmp::Reverse(w.len()));
                w.iter()
                    .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
                    .collect()
            })
            .collect();
        if words.iter().all(Vec::is_empty) {
            return None;
        }
        let n = self.refs.len();
        let end_of = |i: usize| {
            self.refs
                .get(i + 1)
                .map_or(self.bytes.len(), |r| r.0 as usize)
        };
        let parts: Vec<Vec<bool>> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let range = c * CHUNK..((c + 1) * CHUNK).min(n);
                if stop() {
                    return vec![true; range.len()];
                }
                let mut lower = Vec::new();
                let mut years = String::new();
                range
                    .map(|i| {
                        let bytes = &self.bytes[self.refs[i].0 as usize..end_of(i)];
                        if !bytes.is_ascii() {
                            return true;
                        }
                        // A week or a month has a note that writes its day
                        // out (year-month-day): digits no field need give.
                        let t = table.time(i);
                        let day = match (t.kind(), t.start_grain()) {
                            (TimeKind::At, Grain::Day) => true,
                            (TimeKind::At, Grain::Month) | (TimeKind::Between, Grain::Day) => false,
                            _ => return true,
                        };
                        years.clear();
                        if !day {
                            for at in [t.start, t.end] {
                                let y = jiff::Timestamp::from_second(at)
                                    .map_or(-1, |s| table.tz().to_datetime(s).year());
                                if y < 0 {
                                    return true;
                                }
                                years.push_str(&format!("{y:04} "));
                            }
                        }
                        lower.clear();
                        lower.extend(bytes.iter().map(u8::to_ascii_lowercase));
                        words.iter().all(|term| {
                            let from_note = |w: &[u8]| {
                                !day && w.iter().all(u8::is_ascii_digit)
                                    && (w.len() <= 2
                                        || years.as_bytes().windows(w.len()).any(|y| y == w))
                            };
                            match term.iter().find(|f| !from_note(f.needle())) {
                                Some(f) => f.find(&lower).is_some(),
                                None => true,
                            }
                        })
                    })
                    .collect()
            })
            .collect();
        Some(parts.concat())
    }

    fn heap_bytes(&self) -> usize {
        self.refs.capacity() * std::mem::size_of::<RowRef>()
    }
}

/// What reading a CSV file gave.
pub struct Read {
    pub table: Option<(EventTable, CsvRecords)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a CSV file's bytes (UTF-8, a byte order mark already skipped at
/// `start`) into an event table, on every core.
///
/// Days and times without a zone are in `time_zone` (UTC when `None`): a
/// table's own zone, when a server says which it is.
pub fn read(
    bytes: Arc<FileBytes>,
    start: usize,
    name: &str,
    progress: Option<&Progress>,
    time_zone: Option<&str>,
) -> Result<Read, super::Cancelled> {
    // Excel's first line `sep=;` names the delimiter; the header follows.
    let (start, told) = match excel_sep(&bytes[start..]) {
        Some((len, d)) => (start + len, Some(d)),
        None => (start, None),
    };
    let text = &bytes[start..];
    let header_line = text.split(|&b| b == b'\n').next().unwrap_or(b"");
    // A GDELT table has no header: its columns are known from its shape.
    if let Some(columns) = super::gdelt::recognise(header_line) {
        let header = ::csv::ByteRecord::from(columns);
        return read_rows(bytes, start, &header, b'\t', name, progress, time_zone);
    }
    let delimiter = told.unwrap_or_else(|| delimiter(&String::from_utf8_lossy(header_line)));
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
    let mut data_start = start + reader.position().byte() as usize;
    // HXL (the Humanitarian Exchange Language, as HDX exports carry it): a
    // row of hashtags under the header (#geo+lat, #date) says what each
    // column is; it is no event.
    let mut second = ::csv::ByteRecord::new();
    if reader.read_byte_record(&mut second).unwrap_or(false) && is_hxl(&second) {
        data_start = start + reader.position().byte() as usize;
    }
    drop(reader);
    if let Err(e) = std::str::from_utf8(&bytes[start..data_start]) {
        return Ok(Read {
            table: None,
            diagnostics: vec![not_utf8(&bytes, start + e.valid_up_to())],
        });
    }
    read_rows(
        bytes, data_start, &header, delimiter, name, progress, time_zone,
    )
}

/// The length of an Excel `sep=X` first line (its line end too) and X.
fn excel_sep(text: &[u8]) -> Option<(usize, u8)> {
    let rest = text.strip_prefix(b"sep=")?;
    let d = *rest.first()?;
    let after = &rest[1..];
    let end = match after {
        [b'\r', b'\n', ..] => 2,
        [b'\n', ..] | [b'\r', ..] => 1,
        _ => return None,
    };
    Some((4 + 1 + end, d))
}

/// Whether a row is HXL hashtags: every field that is not empty starts
/// with `#`, and one at least does.
fn is_hxl(record: &::csv::ByteRecord) -> bool {
    let mut tags = 0;
    for f in record.iter() {
        let f = f.trim_ascii();
        if f.is_empty() {
            continue;
        }
        if f[0] != b'#' {
            return false;
        }
        tags += 1;
    }
    tags > 0
}

/// Reads the rows from `data_start` on under `header` (the file's own, or
/// the columns its shape gave).
fn read_rows(
    bytes: Arc<FileBytes>,
    data_start: usize,
    header: &::csv::ByteRecord,
    delimiter: u8,
    name: &str,
    progress: Option<&Progress>,
    time_zone: Option<&str>,
) -> Result<Read, super::Cancelled> {
    let (mut layout, mut diagnostics) = match Layout::new(header, delimiter, name) {
        Ok(x) => x,
        Err(d) => {
            return Ok(Read {
                table: None,
                diagnostics: vec![*d],
            });
        }
    };
    if let Some(tz) = time_zone.and_then(|name| jiff::tz::TimeZone::get(name).ok()) {
        layout.time_zone = tz;
    }
    let mut scanner = scan::Scanner::new(&bytes, data_start, delimiter, CHUNK, 2);
    // Records are found while the first are parsed, but for a file of
    // numeric dates: the whole of it settles their order before any is read.
    let found = if numeric_dates(&bytes, data_start, &layout) {
        let chunks = scanner.next_chunks(usize::MAX);
        if let Some(open) = scanner.unterminated {
            return Ok(unterminated(diagnostics, open));
        }
        let (order, warning) = date_order(&bytes, &chunks, &layout);
        layout.flavor.date_order = order;
        diagnostics.extend(warning);
        chunks
    } else {
        scanner.next_chunks(rayon::current_num_threads())
    };
    // About as many rows in all as the chunks found hold for their size.
    let (n, size) = found
        .iter()
        .fold((0, 0), |(n, s), c| (n + c.records, s + c.range.len()));
    let rows = (n as f64 / size.max(1) as f64 * (bytes.len() - data_start) as f64 * 1.05) as usize;
    let total = bytes.len().max(1) as f32;
    let mut found = found.into_iter();
    let merged = runs::parse_stream(
        |n| match found.len() {
            0 => scanner.next_chunks(n),
            _ => found.by_ref().take(n).collect(),
        },
        rows,
        |chunk| parse_part(&bytes, chunk, &layout),
        |_, last| last.range.end as f32 / total,
        progress,
    )?;
    if let Some(open) = scanner.unterminated {
        return Ok(unterminated(diagnostics, open));
    }
    diagnostics.extend(merged.problems.iter().cloned());
    diagnostics.extend(merged.no_passage());
    if let Some(p) = progress {
        p.set_stage(Stage::Indexing);
    }
    let meta = Meta {
        title: name.to_string(),
        description: Some(layout.description()),
        categories: categories(&merged.labels),
        time_zone: time_zone.map(str::to_string),
        ..Meta::default()
    };
    let table = merged.table.finish(meta);
    Ok(Read {
        table: Some((table, CsvRecords::new(bytes, layout, merged.refs))),
        diagnostics,
    })
}

/// What reading a file with a quoted field never closed gives: no table,
/// and where the quote opens.
fn unterminated(mut diagnostics: Vec<Diagnostic>, open: usize) -> Read {
    diagnostics.push(
        Diagnostic::error(
            Code::Syntax,
            "a quoted field opens here and is never closed: read on, the rest of the file would be one value",
        )
        .with_help("close the quote, or double a quote that is part of the text (\"\"); the file may be cut short")
        .at_offset(open),
    );
    Read {
        table: None,
        diagnostics,
    }
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
    fn load(bytes: &[u8]) -> crate::formats::Loaded {
        crate::formats::load_bytes(std::path::Path::new("t.csv"), bytes)
    }

    /// Habits of real CSV files, each read as the user meant it: Excel's
    /// `sep=;` line, HDX's row of HXL hashtags, a coordinates column named
    /// with a qualifier, and a row with Windows-1252 bytes in a UTF-8 file
    /// (read, with a warning, not dropped).
    #[test]
    fn csv_habits_of_real_files_are_read_as_meant() {
        let sep = load(
            b"sep=;\r\nid;title;event_date;latitude;longitude\r\na;First;2024-03-22;55.7;37.6\r\n",
        );
        let hxl = load(
            b"id,title,event_date,latitude,longitude\n#id,#description,#date,#geo+lat,#geo+lon\na,First,2024-03-22,55.7,37.6\n",
        );
        let qualified = load(
            b"id,title,event_date,Estimated Coordinates\na,First,2024-03-22,\"19.93, 39.07\"\n",
        );
        for (what, loaded) in [("sep=", &sep), ("HXL", &hxl), ("qualified", &qualified)] {
            assert!(!loaded.has_errors(), "{what}: {:?}", loaded.diagnostics);
            let store = loaded.store.as_ref().unwrap();
            assert_eq!(store.len(), 1, "{what}");
            assert_eq!(store.table().id(0), "a", "{what}");
            assert!(store.table().point(0).is_some(), "{what}");
        }
        let w1252 = load(
            b"id,title,event_date,latitude,longitude\na,Caf\xe9 attack,2024-03-22,55.7,37.6\nb,Fine,2024-03-23,55.7,37.6\n",
        );
        assert!(!w1252.has_errors(), "{:?}", w1252.diagnostics);
        let store = w1252.store.as_ref().unwrap();
        assert_eq!(store.len(), 2);
        assert_eq!(store.detail(0).event.title, "Caf\u{fffd} attack");
        let said: Vec<&str> = w1252
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            said.iter()
                .any(|m| m.starts_with("row 2 holds bytes that are not UTF-8")),
            "{said:?}"
        );
    }

    /// UCDP GED's rows (its 2024 columns, as its CSV download writes them):
    /// dated by `date_start`/`date_end` (midnight times read as days),
    /// titled by dyad and place, the type of violence as the category, the
    /// sides as actors, best/low/high as the dead, `where_prec` as the
    /// precision, `source_article` as the words from `source_original`.
    #[test]
    fn ucdp_ged_rows_read_by_its_codebook() {
        let csv = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob\n\
244657,IRQ-2017-1-524-2,2017,1,Clear,1,259,259,Iraq: Government,406,406,Government of Iraq - IS,116,116,Government of Iraq,234,234,IS,1,\"Agence France Presse,2017-06-19,Iraqi forces push into Mosul old city\",,,,Agence France Presse,1,Mosul town,Mosul,Nineveh province,Mosul district,36.34,43.13,POINT (43.13 36.34),174637,Iraq,645,Middle East,1,1,2017-06-19 00:00:00.000,2017-06-19 00:00:00.000,0,4,0,0,4,6,4,645,\n\
244658,SYR-2015-3-300-1,2015,1,Clear,3,447,447,IS - Civilians,447,447,IS - Civilians,234,234,IS,1,1,Civilians,2,\"BBC Monitoring,2015-08-05,IS kills civilians near Raqqa\",,,,BBC Monitoring,4,Ar Raqqah governorate,,Ar Raqqah governorate,,35.95,39.01,POINT (39.01 35.95),,Syria,652,Middle East,1,3,2015-08-01T00:00:00,2015-08-07T00:00:00,0,0,12,0,12,15,10,652,\n";
        let loaded = load(csv.as_bytes());
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let store = loaded.store.as_ref().unwrap();
        assert_eq!(store.len(), 2);
        let first = store.detail(0);
        let e = &first.event;
        assert_eq!(e.id, "244657");
        assert_eq!(e.title, "Government of Iraq - IS: Mosul town");
        assert_eq!(e.when.to_string(), "2017-06-19");
        assert_eq!(e.category.as_deref(), Some("state-based-conflict"));
        assert_eq!(e.actors, ["Government of Iraq", "IS"]);
        let loc = e.location.as_ref().unwrap();
        assert_eq!(loc.precision, Some(crate::model::Precision::Town));
        assert_eq!(e.casualties[0].killed, Some(4));
        assert_eq!(
            e.casualties[0].note.as_deref(),
            Some("UCDP's best estimate of the dead, between 4 and 6")
        );
        assert_eq!(first.sources[0].title, "Agence France Presse");
        assert!(
            e.notes
                .as_deref()
                .unwrap()
                .contains("conflict_name: Iraq: Government")
        );
        let second = store.detail(1).event;
        assert_eq!(second.when.to_string(), "2015-08-01/2015-08-07");
        assert_eq!(second.category.as_deref(), Some("one-sided-violence"));
        assert_eq!(
            second.location.unwrap().precision,
            Some(crate::model::Precision::Region)
        );
        // The packed table the views read agrees.
        assert_eq!(
            store.table().title(1),
            "IS - Civilians: Ar Raqqah governorate"
        );
        let labels: Vec<&str> = store
            .table()
            .meta
            .categories
            .iter()
            .map(|c| c.label.as_str())
            .collect();
        assert_eq!(labels, ["State-based conflict", "One-sided violence"]);
    }

    /// GTD's rows: the date split in `iyear`/`imonth`/`iday`, 0 for what is
    /// unknown giving the coarser honest date; its attack type, group,
    /// summary, counts and specificity.
    #[test]
    fn gtd_rows_and_split_dates_read_as_meant() {
        let csv = "eventid,iyear,imonth,iday,approxdate,extended,country_txt,provstate,city,latitude,longitude,specificity,summary,attacktype1_txt,targtype1_txt,gname,nkill,nwound,scite1\n\
201401010001,2014,1,1,,0,Iraq,Anbar,Fallujah,33.35,43.78,1,\"01/01/2014: Assailants opened fire on a checkpoint in Fallujah.\",Armed Assault,Police,Islamic State of Iraq and the Levant (ISIL),2.0,3.0,\"\"\"Gunmen kill two,\"\" Reuters, January 1, 2014.\"\n\
197001000002,1970,1,0,,0,Mexico,Federal,Mexico city,19.37,-99.08,1,,Hostage Taking (Kidnapping),Government (Diplomatic),23rd of September Communist League,0,0,\n\
197000000001,1970,0,0,,0,Dominican Republic,,Santo Domingo,18.45,-69.95,1,,Assassination,Private Citizens & Property,MANO-D,1,0,\n";
        let loaded = load(csv.as_bytes());
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let store = loaded.store.as_ref().unwrap();
        let e = store.detail(0).event;
        assert_eq!(e.title, "Armed Assault: Fallujah");
        assert_eq!(e.when.to_string(), "2014-01-01");
        assert_eq!(e.actors, ["Islamic State of Iraq and the Levant (ISIL)"]);
        assert_eq!(e.casualties[0].killed, Some(2));
        assert_eq!(e.casualties[0].injured, Some(3));
        assert!(e.summary.is_none(), "the summary is the event's words");
        assert_eq!(e.passages.len(), 1);
        assert_eq!(store.detail(1).event.when.to_string(), "1970-01");
        assert_eq!(store.detail(2).event.when.to_string(), "1970");
        // Any table whose date is split, months by name.
        let news = load(
            b"headline,Year,Month,Day,lat,lon\nA,2016,Sept,17,40.74,-73.99\nB,2016,march,,40.7,-74\nC,2016,Smarch,3,40.7,-74\n",
        );
        let store = news.store.as_ref().unwrap();
        assert_eq!(store.detail(0).event.when.to_string(), "2016-09-17");
        assert_eq!(store.detail(1).event.when.to_string(), "2016-03");
        assert_eq!(store.detail(2).event.when.to_string(), "unknown");
        assert!(
            news.diagnostics.iter().any(|d| d.message
                == "row 4: the month \"Smarch\" is not a month; the event is kept without a date"),
            "{:?}",
            news.diagnostics
        );
    }

    /// Records read back in any order, again and again, from readers made
    /// once: each is its own row (a blank line and a quoted line break
    /// between them), the first data row not taken for the header.
    #[test]
    fn records_read_back_in_any_order_are_their_own_rows() {
        let csv = "id,title,event_date,latitude,longitude\n\
                   a,First,2024-03-22,1,1\n\
                   \n\
                   b,\"Second, with\na line break\",2024-03-23,2,2\n\
                   c,Third,2024-03-24,3,3";
        let loaded = crate::formats::load_bytes(std::path::Path::new("t.csv"), csv.as_bytes());
        let store = loaded.store.unwrap();
        let title = |i: usize| store.detail(i).event.title;
        let want = ["First", "Second, with\na line break", "Third"];
        for i in [2, 0, 1, 1, 2, 0, 0, 1, 2] {
            assert_eq!(title(i), want[i], "event {i}");
        }
        // On every core at once.
        use rayon::prelude::*;
        let all: Vec<String> = (0..300).into_par_iter().map(|k| title(k % 3)).collect();
        assert!(all.iter().enumerate().all(|(k, t)| t == want[k % 3]));
    }
}

//! CSV: ACLED exports of every era (2016's `data_id`, `gwno`, `ally_actor_1`;
//! today's 31 columns with `disorder_type`, `civilian_targeting`, `tags`),
//! the files our own writer makes, and any table with latitude and longitude
//! columns, a date and a title, found from the header. The delimiter is
//! guessed from the header line; a byte order mark is dropped before this
//! runs. A bad row is a located diagnostic and the rest is read.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{CasualtyReport, LatLon, Location, Moment, Precision, When};

use super::import::{self, Import, RecordText};

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

/// The columns a file's header gave, by role.
struct Columns {
    names: Vec<String>,
    /// Column index by name (the first of repeated names).
    index: std::collections::HashMap<String, usize>,
    acled: bool,
}

impl Columns {
    fn new(names: Vec<String>) -> Columns {
        let mut index = std::collections::HashMap::new();
        for (i, n) in names.iter().enumerate() {
            index.entry(n.clone()).or_insert(i);
        }
        let acled = (index.contains_key("event_id_cnty") || index.contains_key("data_id"))
            && index.contains_key("event_date");
        Columns {
            names,
            index,
            acled,
        }
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    fn find(&self, candidates: &[&str]) -> Option<usize> {
        candidates.iter().find_map(|c| self.get(c))
    }
}

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

/// Reads a CSV text.
pub fn read(text: &str, name: &str) -> Import {
    let mut import = Import::new(name);
    let header_line = text.lines().next().unwrap_or("");
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter(header_line))
        .flexible(true)
        .from_reader(text.as_bytes());
    let names: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
        Err(e) => {
            import.diagnostics.push(csv_error(&e, "the header"));
            return import;
        }
    };
    let cols = Columns::new(names);
    let (Some(lat), Some(lon)) = (cols.find(LAT), cols.find(LON)) else {
        let mut d = Diagnostic::error(
            Code::MissingField,
            format!(
                "no latitude and longitude columns in this CSV file; its columns are: {}",
                cols.names.join(", ")
            ),
        )
        .with_help(
            "name them lat and lon (or lat/lng, latitude/longitude; any case), in decimal degrees",
        );
        d.offset = Some(0);
        import.diagnostics.push(d);
        return import;
    };
    let when_col = cols.find(WHEN);
    let date_col = cols.find(DATE);
    let end_col = cols.find(END);
    let title_col = cols.find(TITLE);
    let id_col = cols.find(ID);
    let category_col = cols.find(CATEGORY);
    let text_col = cols.find(TEXT);
    let url_col = cols.find(URL);
    let col = |name: &str| cols.get(name);
    let used = |role: &str, c: Option<usize>| match c {
        Some(i) => format!("{role} = \"{}\"", cols.names[i]),
        None => format!("{role}: none"),
    };
    import.dataset.description = Some(format!(
        "Imported from {name} ({}): {}.",
        if cols.acled { "an ACLED export" } else { "CSV" },
        [
            used("latitude", Some(lat)),
            used("longitude", Some(lon)),
            used("date", when_col.or(date_col)),
            used("title", title_col),
            used("id", id_col),
            used("category", category_col),
            used("text", text_col),
        ]
        .join(", ")
    ));
    if when_col.or(date_col).is_none() {
        let mut d = Diagnostic::warning(
            Code::MissingField,
            format!(
                "no date column (looked for {}); every event is undated",
                DATE.join(", ")
            ),
        )
        .with_help("add a date column in ISO 8601 (2024-03-22) or as ACLED writes dates");
        d.offset = Some(0);
        import.diagnostics.push(d);
    }
    if title_col.is_none() && !cols.acled {
        let mut d = Diagnostic::warning(
            Code::MissingField,
            format!(
                "no title column (looked for {}); events are named by their row",
                TITLE.join(", ")
            ),
        );
        d.offset = Some(0);
        import.diagnostics.push(d);
    }

    let mut record = ::csv::StringRecord::new();
    let mut row = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                import.diagnostics.push(csv_error(&e, "a row"));
                // The reader cannot resync after an I/O-level error; a field
                // error leaves it at the next record.
                if matches!(e.kind(), ::csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        row += 1;
        let offset = record.position().map(|p| p.byte() as usize);
        let get = |c: Option<usize>| {
            c.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |name: &str| get(col(name));
        // Where: both coordinates, in range; else the row is skipped.
        let coord = |c: usize, what: &str, range: f64| -> Result<f64, String> {
            let raw = get(Some(c)).ok_or_else(|| format!("row {row}: no {what}"))?;
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
        // Both coordinates empty: an event with no place (kept, off the map).
        let unplaced = get(Some(lat)).is_none() && get(Some(lon)).is_none();
        let point = match (coord(lat, "latitude", 90.0), coord(lon, "longitude", 180.0)) {
            _ if unplaced => None,
            (Ok(lat), Ok(lon)) => Some(LatLon { lat, lon }),
            (Err(e), _) | (_, Err(e)) => {
                import.problem(
                    offset,
                    format!("{e}; the row was skipped"),
                    "write coordinates in decimal degrees (WGS84), latitude first: 55.7558, 37.6173",
                );
                continue;
            }
        };
        let id = import.id(get(id_col), &format!("row-{row}"));
        // When.
        let mut when_note = None;
        let when = match (get(when_col), get(date_col)) {
            (Some(w), _) => match read_when(w) {
                Ok(w) => w,
                Err(e) => {
                    import.problem(
                        offset,
                        format!("row {row}: the date \"{w}\" does not read ({e}); the event is kept without a date"),
                        "write dates as 2024-03-22, 2024-03, 2024, or 2024-03-22T20:00+03:00",
                    );
                    When::Unknown
                }
            },
            (None, Some(d)) => match import::parse_date(d) {
                Some(start) => {
                    let end = get(end_col).and_then(import::parse_date);
                    let (when, note) = if cols.acled {
                        acled_when(start, field("time_precision"))
                    } else {
                        (
                            match end {
                                Some(end) => When::Between(Some(start), Some(end)),
                                None => When::At(start),
                            },
                            None,
                        )
                    };
                    when_note = note;
                    when
                }
                None => {
                    import.problem(
                        offset,
                        format!("row {row}: the date \"{d}\" does not read; the event is kept without a date"),
                        "write dates as 2024-03-22, 01 November 2024 or 9-May-20",
                    );
                    When::Unknown
                }
            },
            _ => When::Unknown,
        };
        let title = match (get(title_col), cols.acled) {
            (Some(t), _) => t.to_string(),
            (None, true) => {
                let what = field("sub_event_type")
                    .or(field("event_type"))
                    .unwrap_or("Event");
                match field("location") {
                    Some(place) => format!("{what}: {place}"),
                    None => what.to_string(),
                }
            }
            (None, false) => format!("Row {row}"),
        };
        let mut e = import::event(id.clone(), title, when, offset);
        e.when_note = when_note;
        e.category = get(category_col).and_then(|c| import.category(c));
        e.summary = if cols.acled { None } else { field("summary") }.map(str::to_string);
        let (precision, uncertainty_m) = if cols.acled {
            acled_precision(field("geo_precision"))
        } else {
            (
                field("precision").and_then(Precision::parse),
                field("uncertainty_m").and_then(|u| u.parse().ok()),
            )
        };
        e.location = point.map(|point| Location {
            place: None,
            point: Some(point),
            precision,
            uncertainty_m,
            geometry: None,
            note: if cols.acled {
                field("location")
            } else {
                field("place")
            }
            .map(|p| format!("Place: {p}")),
        });
        if !cols.acled {
            for actors in [field("actor1"), field("actor2"), field("actors")]
                .into_iter()
                .flatten()
            {
                e.actors.extend(
                    actors
                        .split(';')
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty()),
                );
            }
        }
        if cols.acled {
            acled_details(&mut import, &mut e, &record, &cols, row);
        } else if let Some(text) = get(text_col) {
            let passage = import.words(
                &id,
                RecordText {
                    text: text.to_string(),
                    title: field("source")
                        .map_or_else(|| format!("{name}, row {row}"), str::to_string),
                    url: get(url_col).map(str::to_string),
                    ..RecordText::default()
                },
            );
            e.passages.extend(passage);
        }
        import.push(e);
    }
    import
}

/// Our own `when` column: the native text form, or its JSON for a disputed date.
fn read_when(s: &str) -> Result<When, String> {
    if s.starts_with('{') {
        return super::native::when_from_json(s);
    }
    When::parse(s, Some(&jiff::tz::TimeZone::UTC)).map_err(|e| e.message)
}

/// ACLED's `time_precision`: 1, the day is known; 2, only the week (ACLED
/// codes a day of it); 3, only the month. Never more precise than that.
fn acled_when(day: Moment, precision: Option<&str>) -> (When, Option<String>) {
    let Moment::Day(d) = day else {
        return (When::At(day), None);
    };
    match precision {
        Some("2") => {
            let a = d.checked_sub(jiff::ToSpan::days(3)).unwrap_or(d);
            let b = d.checked_add(jiff::ToSpan::days(3)).unwrap_or(d);
            (
                When::Between(Some(Moment::Day(a)), Some(Moment::Day(b))),
                Some(format!(
                    "ACLED time precision 2: the source gives only the week; ACLED coded {d}."
                )),
            )
        }
        Some("3") => (
            When::At(Moment::Month {
                year: d.year(),
                month: d.month(),
            }),
            Some(format!(
                "ACLED time precision 3: the source gives only the month; ACLED coded {d}."
            )),
        ),
        _ => (When::At(Moment::Day(d)), None),
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

/// The rest of an ACLED row: actors, fatalities, its notes as the words the
/// marker leads to, and the other columns as notes.
fn acled_details(
    import: &mut Import,
    e: &mut crate::model::Event,
    record: &::csv::StringRecord,
    cols: &Columns,
    row: usize,
) {
    let field = |name: &str| {
        cols.get(name)
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    for actor in [
        "actor1",
        "assoc_actor_1",
        "ally_actor_1",
        "actor2",
        "assoc_actor_2",
        "ally_actor_2",
    ] {
        if let Some(a) = field(actor) {
            e.actors.extend(
                a.split(';')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            );
        }
    }
    let source_name = field("source");
    let words_source = format!("{}-text", e.id);
    if let Some(notes) = field("notes") {
        let passage = import.words(
            &e.id,
            RecordText {
                text: notes.to_string(),
                title: format!("ACLED notes on event {}", e.id),
                publisher: Some("ACLED".into()),
                note: source_name.map(|s| match field("source_scale") {
                    Some(scale) => format!("ACLED's summary. Original source: {s} ({scale})."),
                    None => format!("ACLED's summary. Original source: {s}."),
                }),
                ..RecordText::default()
            },
        );
        e.passages.extend(passage);
    }
    if let Some(f) = field("fatalities") {
        match f.parse::<u64>() {
            Ok(n) => e.casualties.push(CasualtyReport {
                killed: Some(n),
                injured: None,
                as_of: None,
                source: e.passages.first().map(|_| words_source.clone()),
                note: Some("ACLED's fatality count: a conservative estimate".into()),
            }),
            Err(_) => import.problem(
                e.origin.offset,
                format!("row {row}: fatalities \"{f}\" is not a whole number; left out"),
                "fatalities is a count, like 0 or 12",
            ),
        }
    }
    let details: Vec<String> = [
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
    ]
    .iter()
    .filter_map(|k| field(k).map(|v| format!("{k}: {v}")))
    .collect();
    if !details.is_empty() {
        e.notes = Some(details.join("\n"));
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

//! Generated files for the benchmarks: ACLED-like records in each format,
//! made in memory from their number alone (no randomness, nothing on disk).

/// The formats made here (not every benchmark uses every one).
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Native,
    GeoJson,
    Csv,
    Kml,
    TimelineJs,
}

fn lat(i: usize) -> f64 {
    54.0 + (i % 3000) as f64 / 1000.0
}

fn lon(i: usize) -> f64 {
    35.0 + (i % 5000) as f64 / 1000.0
}

/// The head, one record, the separator and the tail of a file of `kind`.
fn parts(
    kind: Kind,
) -> (
    &'static str,
    fn(usize) -> String,
    &'static str,
    &'static str,
) {
    match kind {
        Kind::Native => (
            r#"{"format": "incident-map", "version": 1, "title": "t", "events": ["#,
            |i| {
                format!(
                    r#"{{"id": "e{i}", "title": "Event {i}", "when": "2024-03-{:02}", "where": {{"point": {{"lat": {}, "lon": {}}}, "precision": "town"}}, "notes": "On {} March 2024, people protested in place {i}."}}"#,
                    i % 28 + 1,
                    lat(i),
                    lon(i),
                    i % 28 + 1
                )
            },
            ",\n",
            "]}\n",
        ),
        Kind::GeoJson => (
            r#"{"type": "FeatureCollection", "features": ["#,
            |i| {
                format!(
                    r#"{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [{}, {}]}}, "properties": {{"event_id_cnty": "RUS{i}", "event_date": "2024-03-{:02}", "time_precision": 1, "event_type": "Protests", "sub_event_type": "Peaceful protest", "actor1": "Protesters (Russia)", "location": "Place {i}", "geo_precision": 1, "source": "Local news", "notes": "On {} March 2024, people protested in place {i}.", "fatalities": 0}}}}"#,
                    lon(i),
                    lat(i),
                    i % 28 + 1,
                    i % 28 + 1
                )
            },
            ",\n",
            "]}\n",
        ),
        Kind::Csv => (
            "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,location,latitude,longitude,geo_precision,source,notes,fatalities\n",
            |i| {
                format!(
                    "RUS{i},{:02} March 2024,1,Protests,Peaceful protest,Protesters (Russia),Place {i},{},{},1,Local news,\"On {} March 2024, people protested in place {i}.\",0",
                    i % 28 + 1,
                    lat(i),
                    lon(i),
                    i % 28 + 1
                )
            },
            "\n",
            "\n",
        ),
        Kind::Kml => (
            "<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Folder><name>Events</name>\n",
            |i| {
                format!(
                    "<Placemark><name>Placemark {i}</name><description>Something &amp; more at {i}</description><TimeStamp><when>2024-03-{:02}</when></TimeStamp><Point><coordinates>{},{},0</coordinates></Point></Placemark>",
                    i % 28 + 1,
                    lon(i),
                    lat(i)
                )
            },
            "\n",
            "\n</Folder></Document></kml>\n",
        ),
        Kind::TimelineJs => (
            r#"{"title": {"text": {"headline": "t"}}, "events": ["#,
            |i| {
                format!(
                    r#"{{"start_date": {{"year": "2024", "month": "3", "day": "{}"}}, "text": {{"headline": "Event {i}", "text": "<p>Something happened, number {i}.</p>"}}, "group": "g{}"}}"#,
                    i % 28 + 1,
                    i % 5
                )
            },
            ",\n",
            "]}\n",
        ),
    }
}

/// A file of `kind` with records until `done(records, bytes)` says so.
fn generate(kind: Kind, done: impl Fn(usize, usize) -> bool) -> Vec<u8> {
    let (head, record, sep, tail) = parts(kind);
    let mut out = String::from(head);
    let mut i = 0;
    while !done(i, out.len()) {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&record(i));
        i += 1;
    }
    out.push_str(tail);
    out.into_bytes()
}

/// A file of `kind` with `n` records.
#[allow(dead_code)]
pub fn records(kind: Kind, n: usize) -> Vec<u8> {
    generate(kind, |i, _| i == n)
}

/// A file of `kind` of about `size` bytes.
#[allow(dead_code)]
pub fn sized(kind: Kind, size: usize) -> Vec<u8> {
    generate(kind, |_, len| len >= size)
}

//! Each reader's throughput in MB/s on a generated file of about 100 MB:
//! native JSON, GeoJSON, CSV (ACLED columns), KML and TimelineJS. What is
//! measured is `formats::load_bytes`: parsing, decoding, checking and
//! anchoring every record's text. Run with `cargo bench --bench readers`.

use std::path::Path;
use std::sync::OnceLock;

use incident_map_core::formats;

fn main() {
    divan::main();
}

const TARGET: usize = 100 << 20;

/// Records repeated until the file is about 100 MB, between a head and a tail.
fn generate(head: &str, record: impl Fn(usize) -> String, sep: &str, tail: &str) -> Vec<u8> {
    let mut out = String::with_capacity(TARGET + (1 << 20));
    out.push_str(head);
    let mut i = 0;
    while out.len() < TARGET {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&record(i));
        i += 1;
    }
    out.push_str(tail);
    out.into_bytes()
}

fn lat(i: usize) -> f64 {
    54.0 + (i % 3000) as f64 / 1000.0
}

fn lon(i: usize) -> f64 {
    35.0 + (i % 5000) as f64 / 1000.0
}

fn file(name: &str) -> &'static [u8] {
    static FILES: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        vec![
            (
                "native",
                generate(
                    r#"{"format": "incident-map", "version": 1, "title": "t", "events": ["#,
                    |i| format!(r#"{{"id": "e{i}", "title": "Event {i}", "when": "2024-03-{:02}", "where": {{"point": {{"lat": {}, "lon": {}}}, "precision": "town"}}}}"#, i % 28 + 1, lat(i), lon(i)),
                    ",\n",
                    "]}\n",
                ),
            ),
            (
                "geojson",
                generate(
                    r#"{"type": "FeatureCollection", "features": ["#,
                    |i| format!(r#"{{"type": "Feature", "id": "f{i}", "geometry": {{"type": "Point", "coordinates": [{}, {}]}}, "properties": {{"title": "Feature {i}", "date": "2024-03-{:02}", "description": "Something happened at place {i}."}}}}"#, lon(i), lat(i), i % 28 + 1),
                    ",\n",
                    "]}\n",
                ),
            ),
            (
                "csv",
                generate(
                    "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,location,latitude,longitude,geo_precision,source,notes,fatalities\n",
                    |i| format!("RUS{i},{:02} March 2024,1,Protests,Peaceful protest,Protesters (Russia),Place {i},{},{},1,Local news,\"On {} March 2024, people protested in place {i}.\",0", i % 28 + 1, lat(i), lon(i), i % 28 + 1),
                    "\n",
                    "\n",
                ),
            ),
            (
                "kml",
                generate(
                    "<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Folder><name>Events</name>\n",
                    |i| format!("<Placemark><name>Placemark {i}</name><description>Something &amp; more at {i}</description><TimeStamp><when>2024-03-{:02}</when></TimeStamp><Point><coordinates>{},{},0</coordinates></Point></Placemark>", i % 28 + 1, lon(i), lat(i)),
                    "\n",
                    "\n</Folder></Document></kml>\n",
                ),
            ),
            (
                "timelinejs",
                generate(
                    r#"{"title": {"text": {"headline": "t"}}, "events": ["#,
                    |i| format!(r#"{{"start_date": {{"year": "2024", "month": "3", "day": "{}"}}, "text": {{"headline": "Event {i}", "text": "<p>Something happened, number {i}.</p>"}}, "group": "g{}"}}"#, i % 28 + 1, i % 5),
                    ",\n",
                    "]}\n",
                ),
            ),
        ]
    });
    &files
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a generated format")
        .1
}

#[divan::bench(args = ["native", "geojson", "csv", "kml", "timelinejs"], sample_count = 3, sample_size = 1)]
fn read_100_mb(bencher: divan::Bencher, format: &str) {
    let bytes = file(format);
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench(|| {
            let loaded = formats::load_bytes(Path::new("bench"), divan::black_box(bytes));
            assert!(loaded.usable().is_some());
            loaded
        });
}

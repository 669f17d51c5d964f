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

mod generated;
use generated::Kind;

fn file(name: &str) -> &'static [u8] {
    static FILES: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        [
            ("native", Kind::Native),
            ("geojson", Kind::GeoJson),
            ("csv", Kind::Csv),
            ("kml", Kind::Kml),
            ("timelinejs", Kind::TimelineJs),
        ]
        .into_iter()
        .map(|(name, kind)| (name, generated::sized(kind, 100 << 20)))
        .collect()
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

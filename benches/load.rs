//! Loading speed. An annotated native file of 10^3 to 10^5 events (each
//! with a place, a relation and a quote in a shared source): parsed,
//! decoded, checked and anchored. ACLED-like files of 10^5 and 10^6 records
//! in CSV, GeoJSON, native JSON and KML: loaded, and loaded and made ready
//! for the app (its marker index, timeline and frame built).
//! Run with `cargo bench --bench load`.

use std::fmt::Write;
use std::path::Path;

use incident_map_core::formats::load_bytes;
use incident_map_core::summary::Summary;

mod generated;
use generated::Kind;

fn main() {
    divan::main();
}

/// A native file with `n` events, `n / 10` places and one source whose text
/// holds one sentence per event.
fn synthetic(n: usize) -> String {
    let places = (n / 10).max(1);
    let mut text = String::new();
    for i in 0..n {
        write!(
            text,
            "Incident number {i} happened near place {} today. ",
            i % places
        )
        .unwrap();
    }
    let mut out = String::from(
        r#"{"format": "incident-map", "version": 1, "title": "bench", "time_zone": "UTC", "places": ["#,
    );
    for p in 0..places {
        let sep = if p > 0 { "," } else { "" };
        let (lat, lon) = (40.0 + (p % 100) as f64 * 0.1, 20.0 + (p / 100) as f64 * 0.1);
        write!(out, r#"{sep}{{"id": "pl{p}", "name": "Place {p}", "point": {{"lat": {lat}, "lon": {lon}}}, "precision": "town"}}"#).unwrap();
    }
    write!(
        out,
        r#"], "sources": [{{"id": "s", "title": "S", "text": {}}}], "events": ["#,
        serde_json::to_string(&text).unwrap()
    )
    .unwrap();
    for i in 0..n {
        let sep = if i > 0 { "," } else { "" };
        let rel = if i > 0 {
            format!(
                r#", "relations": [{{"kind": "follows", "event": "e{}"}}]"#,
                i - 1
            )
        } else {
            String::new()
        };
        write!(
            out,
            r#"{sep}{{"id": "e{i}", "title": "Event {i}", "when": "2024-03-{:02}", "where": {{"place": "pl{}"}}, "passages": [{{"source": "s", "quote": "Incident number {i} happened"}}]{rel}}}"#,
            1 + i % 28,
            i % places
        )
        .unwrap();
    }
    out.push_str("]}");
    out
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5)]
fn load(bencher: divan::Bencher, n: usize) {
    let file = synthetic(n);
    bencher
        .counter(divan::counter::BytesCount::new(file.len()))
        .bench(|| {
            let loaded = load_bytes(Path::new("bench.json"), divan::black_box(file.as_bytes()));
            assert!(
                loaded.diagnostics.is_empty(),
                "{:?}",
                loaded.diagnostics.first()
            );
            loaded
        });
}

#[divan::bench(args = [1_000, 100_000], sample_count = 5)]
fn summary(bencher: divan::Bencher, n: usize) {
    let store = load_bytes(Path::new("bench.json"), synthetic(n).as_bytes())
        .store
        .unwrap();
    bencher.bench(|| Summary::of(divan::black_box(&store)));
}

/// Loads `n` generated records of `kind`.
fn load_n(bencher: divan::Bencher, kind: Kind, n: usize) {
    let bytes = generated::records(kind, n);
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench(|| {
            let loaded = load_bytes(Path::new("bench"), divan::black_box(&bytes));
            assert_eq!(loaded.usable().map(|s| s.len()), Some(n));
            loaded
        });
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn load_csv(bencher: divan::Bencher, n: usize) {
    load_n(bencher, Kind::Csv, n);
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn load_geojson(bencher: divan::Bencher, n: usize) {
    load_n(bencher, Kind::GeoJson, n);
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn load_native(bencher: divan::Bencher, n: usize) {
    load_n(bencher, Kind::Native, n);
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn load_kml(bencher: divan::Bencher, n: usize) {
    load_n(bencher, Kind::Kml, n);
}

/// Loads `n` CSV records and builds what the app's views need of them.
#[divan::bench(args = [100_000, 1_000_000], sample_count = 3, sample_size = 1)]
fn ready_csv(bencher: divan::Bencher, n: usize) {
    use incident_map::views::ViewIndex;
    let bytes = generated::records(Kind::Csv, n);
    let regions = incident_map_core::geography::RegionIndex::default();
    let everything = Default::default();
    bencher.bench(|| {
        let loaded = load_bytes(Path::new("bench.csv"), divan::black_box(&bytes));
        let store = loaded.store.expect("a table");
        let views = ViewIndex::build(incident_map_core::view::ViewInputs::new(
            store.table(),
            &regions,
            &everything,
        ));
        (store, views)
    });
}

//! The bare parse a reader is measured against: the `csv` crate reading
//! every record, or `serde_json` reading every GeoJSON feature into typed
//! values, on one thread, doing nothing else. Used by `tools/bench-compare`.
//!
//!     cargo run --release -p incident-map-core --example bare_parse -- FILE

use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Feature {
    geometry: Option<Geometry>,
    properties: Properties,
}

/// The properties `tools/gen_incidents.py` writes, typed.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Properties {
    event_id_cnty: String,
    event_date: String,
    time_precision: String,
    disorder_type: String,
    event_type: String,
    sub_event_type: String,
    actor1: String,
    actor2: String,
    country: String,
    admin1: String,
    admin2: String,
    location: String,
    geo_precision: String,
    source: String,
    notes: String,
    fatalities: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: [f64; 2],
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: bare_parse FILE");
    let start = std::time::Instant::now();
    let count = if path.ends_with(".csv") {
        let mut reader = csv::Reader::from_path(&path).expect("a CSV file");
        let mut record = csv::ByteRecord::new();
        let mut n = 0;
        while reader.read_byte_record(&mut record).expect("a record") {
            n += 1;
        }
        n
    } else {
        let bytes = std::fs::read(&path).expect("a file");
        let c: Collection = serde_json::from_slice(&bytes).expect("a FeatureCollection");
        c.features.len()
    };
    println!("{count} records in {:.2} s", start.elapsed().as_secs_f64());
}

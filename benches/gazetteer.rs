//! The offline gazetteer: reading it once (off the UI thread, the first time
//! a place is looked up), a name typed, and the place names of a passage.
//! Run with `cargo bench --bench gazetteer`.

use std::sync::OnceLock;

use incident_map_core::gazetteer::Gazetteer;
use incident_map_core::model::LatLon;

fn main() {
    divan::main();
}

fn bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/gazetteer.tsv.gz"
        ))
        .unwrap()
    })
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::parse(bytes()).unwrap())
}

const NEAR: [LatLon; 1] = [LatLon {
    lat: 55.7558,
    lon: 37.6173,
}];

#[divan::bench(sample_count = 5)]
fn parse() -> Gazetteer {
    Gazetteer::parse(divan::black_box(bytes())).unwrap()
}

/// A keystroke: a name begun matches thousands of names.
#[divan::bench(args = ["k", "kra", "krasnogorsk"])]
fn search(query: &str) -> usize {
    gazetteer().search(divan::black_box(query), &NEAR, 10).len()
}

#[divan::bench]
fn places_in_a_passage() -> usize {
    let text = "Gunmen opened fire at Crocus City Hall in Krasnogorsk, outside Moscow, \
                and later a raid was reported near Kaluga.";
    gazetteer()
        .places_in(divan::black_box(text), &NEAR, 10)
        .len()
}

//! The map's per-frame marker work at 10^3, 10^5 and 10^6 events: which
//! cells are on screen, clusters or single markers for each, and spreading
//! the markers that overlap. It must not grow with the data (only with what
//! is on screen). Also the one-off cost of indexing at load.
//! Run with `cargo bench --bench markers`.

use std::sync::OnceLock;

use incident_map_core::markers::{MarkerIndex, Screen, mercator, synthetic};
use incident_map_core::model::LatLon;
use incident_map_core::store::EventTable;

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 100_000, 1_000_000];

fn index(n: usize) -> &'static (EventTable, MarkerIndex) {
    static INDEXES: OnceLock<Vec<(usize, (EventTable, MarkerIndex))>> = OnceLock::new();
    let all = INDEXES.get_or_init(|| {
        SIZES
            .iter()
            .map(|&n| {
                let table = EventTable::of(&synthetic(n));
                let index = MarkerIndex::build(&table);
                (n, (table, index))
            })
            .collect()
    });
    &all.iter()
        .find(|(m, _)| *m == n)
        .expect("a benchmarked size")
        .1
}

fn view(zoom: f64) -> Screen {
    Screen {
        center: mercator(LatLon {
            lat: 55.5,
            lon: 37.5,
        }),
        zoom,
        size: [1280.0, 800.0],
    }
}

/// One frame's layout over Moscow and its region at zoom 5 (all of it on
/// screen), 9 (the region) and 14 (a few streets).
#[divan::bench(args = SIZES, consts = [5, 9, 14])]
fn frame_layout<const ZOOM: u32>(bencher: divan::Bencher, n: usize) {
    let (table, index) = index(n);
    let view = view(f64::from(ZOOM));
    bencher.bench(|| divan::black_box(index.layout(table, divan::black_box(&view))));
}

/// Building the index when a file is loaded (once, on the loading thread).
#[divan::bench(args = [1_000, 100_000, 1_000_000], sample_count = 5)]
fn build_index(bencher: divan::Bencher, n: usize) {
    let (table, _) = index(n);
    bencher.bench(|| MarkerIndex::build(divan::black_box(table)));
}

/// A filter's markers (every other event): a subsequence of the full index.
#[divan::bench(args = [100_000, 1_000_000], sample_count = 5)]
fn filter_index(bencher: divan::Bencher, n: usize) {
    let (table, index) = index(n);
    bencher.bench(|| index.filter(table, |i| i % 2 == 0));
}

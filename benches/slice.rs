//! Slicing speed at 10^5 and 10^6 events (an ACLED-like table made here,
//! seeded: six event types, a dozen actors, two years of days, a spread of
//! places). What the issue asks of it:
//!
//! - a filter change (a step of a window drag, a category, a search
//!   keystroke) applied off the UI thread in ≤ 50 ms median: the whole
//!   rebuild of the views the background thread does
//!   ([`ViewIndex::build_after`] the table's first view, its marker index
//!   and time bins kept);
//! - a playback frame's own work ≤ 4 ms: the layout of the markers on
//!   screen under a week's window, with each cluster's category segments.
//!
//! Run with `cargo bench --bench slice`.

use std::sync::{Arc, OnceLock};

use incident_map::map::overlays::CLUSTER_SAMPLE;
use incident_map::views::ViewIndex;
use incident_map_core::filter::{Filter, SearchIndex, day_window};
use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::geography::RegionIndex;
use incident_map_core::markers::{MarkerIndex, Screen, mercator};
use incident_map_core::model::LatLon;
use incident_map_core::store::Store;
use incident_map_core::view::ViewInputs;

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [100_000, 1_000_000];

const TYPES: [&str; 6] = [
    "Battles",
    "Protests",
    "Riots",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
];

/// A table of `n` rows, loaded as the app loads it; its full marker index,
/// search index and first view (everything shown).
struct Loaded {
    store: Arc<Store>,
    markers: Arc<MarkerIndex>,
    words: SearchIndex,
    first: ViewIndex,
}

fn table(n: usize) -> &'static Loaded {
    static SMALL: OnceLock<Loaded> = OnceLock::new();
    static LARGE: OnceLock<Loaded> = OnceLock::new();
    let cell = if n == SIZES[0] { &SMALL } else { &LARGE };
    cell.get_or_init(|| {
        let mut seed: u64 = 0x51ce;
        let mut next = move |m: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % m
        };
        let mut csv = String::from(
            "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,location,latitude,longitude,geo_precision,source,notes,fatalities\n",
        );
        let start = jiff::civil::date(2023, 1, 1);
        for i in 0..n {
            let day = start
                .checked_add(jiff::Span::new().days(next(730) as i64))
                .unwrap();
            let notes = if next(50) == 0 {
                "Shelling hit the market near the Souk Café."
            } else {
                "Clashes were reported near the river crossing."
            };
            csv.push_str(&format!(
                "X{i},{},1,{},x,Actor {} of the region,Place {i},{:.4},{:.4},1,Local news,\"{notes}\",0\n",
                day.strftime("%d %B %Y"),
                TYPES[next(6) as usize],
                next(12),
                10.0 + next(100_000) as f64 / 5_000.0,
                20.0 + next(100_000) as f64 / 5_000.0,
            ));
        }
        let dir = std::env::temp_dir().join(format!("incident-map-slice-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{n}.csv"));
        std::fs::write(&path, csv).unwrap();
        let loaded = formats::load(&path, &LoadOptions::default()).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let store = Arc::new(loaded.store.unwrap());
        assert_eq!(store.len(), n);
        let markers = Arc::new(MarkerIndex::build(store.table()));
        let words = SearchIndex::build(&store, &|_| {});
        let everything = Filter::default();
        let first = ViewIndex::build(ViewInputs {
            all_markers: Some(&markers),
            ..ViewInputs::new(store.table(), regions(), &everything)
        });
        Loaded {
            store,
            markers,
            words,
            first,
        }
    })
}

fn regions() -> &'static RegionIndex {
    static R: OnceLock<RegionIndex> = OnceLock::new();
    R.get_or_init(RegionIndex::bundled)
}

/// A week's window in the middle of the data.
fn a_week(t: &Loaded) -> Filter {
    let tz = t.store.table().tz().clone();
    Filter {
        window: day_window(
            Some(jiff::civil::date(2024, 3, 4)),
            Some(jiff::civil::date(2024, 3, 10)),
            &tz,
        ),
        ..Filter::default()
    }
}

/// The views rebuilt for a new filter, as the background thread does it
/// (after the view on screen: here the first).
fn rebuild(t: &Loaded, filter: &Filter, search: &str) -> ViewIndex {
    ViewIndex::build(ViewInputs {
        all_markers: Some(&t.markers),
        search,
        index: Some(&t.words),
        before: Some(&t.first.view),
        ..ViewInputs::new(t.store.table(), regions(), filter)
    })
}

/// One step of a window drag: a week's window.
#[divan::bench(args = SIZES, sample_count = 10)]
fn filter_window(bencher: divan::Bencher, n: usize) {
    let t = table(n);
    let f = a_week(t);
    bencher.bench(|| rebuild(t, &f, ""));
}

/// A category hidden.
#[divan::bench(args = SIZES, sample_count = 10)]
fn filter_category(bencher: divan::Bencher, n: usize) {
    let t = table(n);
    let f = Filter {
        hidden_categories: ["battles".to_string()].into(),
        ..Filter::default()
    };
    bencher.bench(|| rebuild(t, &f, ""));
}

/// A search keystroke, only matches shown ("souk c": the index is built).
#[divan::bench(args = SIZES, sample_count = 10)]
fn filter_search_keystroke(bencher: divan::Bencher, n: usize) {
    let t = table(n);
    let f = Filter {
        text: "souk c".into(),
        ..Filter::default()
    };
    bencher.bench(|| rebuild(t, &f, "souk c"));
}

/// A playback frame's own work: the markers on screen laid out under a
/// week's window, each cluster's segments sampled; at zoom 5 (the whole
/// area, clustered) and 8.
#[divan::bench(args = SIZES, consts = [5, 8], sample_count = 50)]
fn playback_frame<const ZOOM: u8>(bencher: divan::Bencher, n: usize) {
    let t = table(n);
    let view = rebuild(t, &a_week(t), "");
    let table = t.store.table();
    let at = Screen {
        center: mercator(LatLon {
            lat: 20.0,
            lon: 30.0,
        }),
        zoom: f64::from(ZOOM),
        size: [1280.0, 800.0],
    };
    bencher.bench(|| {
        let layout = view.markers.layout(table, &at);
        let mut segments = 0usize;
        for c in &layout.clusters {
            for e in view.markers.sample(c.zoom, &c.cells, CLUSTER_SAMPLE) {
                segments += table.category(e).unwrap_or(0);
            }
        }
        (layout.singles.len(), segments)
    });
}

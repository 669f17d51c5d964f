//! Reading events back after loading, at 10^6 events of an ACLED-like
//! table (made here, seeded; a tenth of its records dated to the week or
//! the month, a few with accents): a word search over every event's own
//! words (a word only a field gives, as the quick look over the file's
//! bytes can use; a word the reader writes itself, which needs every
//! record read; the same words narrowing the last), the index the app
//! builds when asked, each event read back in full, and a tenth of the
//! events made a data set and written as CSV (the filtered export).
//! `tools/bench-readback` sets the same side by side with our load and
//! DuckDB. Run with `cargo bench --bench readback`.

use std::sync::OnceLock;

use incident_map_core::common_words::CommonWords;
use incident_map_core::filter::SearchIndex;
use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::store::Store;

fn main() {
    divan::main();
}

const N: usize = 1_000_000;

fn store() -> &'static Store {
    static S: OnceLock<Store> = OnceLock::new();
    S.get_or_init(|| {
        let mut seed: u64 = 0x5ea7c4;
        let mut next = move |m: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % m
        };
        let mut csv = String::from(
            "event_id_cnty,event_date,time_precision,disorder_type,event_type,sub_event_type,actor1,\
             actor2,country,admin1,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n",
        );
        let start = jiff::civil::date(2020, 1, 1);
        for i in 0..N {
            let day = start
                .checked_add(jiff::Span::new().days(next(1500) as i64))
                .unwrap();
            let place = if next(40) == 0 {
                format!("Krasnogórsk {}", next(100))
            } else {
                format!("Place {}", next(50_000))
            };
            csv.push_str(&format!(
                "X{i},{},{},Political violence,Battles,Armed clash,Militia {} of the region,Police Forces,Country {},Province {},{place},{:.4},{:.4},1,Local news,National,\"On {}, clashes near {place}; {} killed.\",{}\n",
                day.strftime("%d %B %Y"),
                [1, 1, 1, 1, 1, 1, 1, 1, 2, 3][next(10) as usize],
                next(12),
                next(60),
                next(30),
                10.0 + next(100_000) as f64 / 5_000.0,
                20.0 + next(100_000) as f64 / 5_000.0,
                day.strftime("%d %B %Y"),
                next(9),
                next(9),
            ));
        }
        let dir = std::env::temp_dir().join(format!("incident-map-readback-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("acled.csv");
        std::fs::write(&path, csv).unwrap();
        let loaded = formats::load(&path, &LoadOptions::default()).unwrap();
        let store = loaded.store.unwrap();
        // The file stays mapped: the directory goes, its bytes stay.
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(store.len(), N);
        store
    })
}

/// A word search over every event: a word only a field gives ("12345"),
/// a phrase, and a word the reader writes itself ("place", in every
/// event's notes), which needs every record read.
#[divan::bench(args = ["12345", "\"place 4242\"", "place"], sample_count = 5)]
fn search(words: &str) -> usize {
    let found = SearchIndex::scan(store(), words, None, None, &|| false).unwrap();
    found.iter().filter(|&&b| b).count()
}

/// The common words' bitmaps, built once (what the app builds after a
/// large file's first search).
fn common() -> &'static CommonWords {
    static C: OnceLock<CommonWords> = OnceLock::new();
    C.get_or_init(|| CommonWords::build_until(store(), &|_| {}, &|| false).unwrap())
}

/// The same words and keystrokes with the common words' bitmaps: what
/// they are sure of, or sure cannot hold the words, is not read. "pla"
/// and "1" as typed, every event or most holding them.
#[divan::bench(args = ["12345", "\"place 4242\"", "place", "pla", "1"], sample_count = 5)]
fn search_with_common_words(words: &str) -> usize {
    let found = SearchIndex::scan(store(), words, None, Some(common()), &|| false).unwrap();
    found.iter().filter(|&&b| b).count()
}

/// Building the common words' bitmaps (once, in the background).
#[divan::bench(sample_count = 3)]
fn common_words_build() -> usize {
    CommonWords::build_until(store(), &|_| {}, &|| false)
        .unwrap()
        .heap_bytes()
}

/// A keystroke narrowing the last search: only what it found is read.
#[divan::bench(sample_count = 5)]
fn search_narrowed(bencher: divan::Bencher) {
    let last = SearchIndex::scan(store(), "place 42", None, None, &|| false).unwrap();
    bencher.bench(|| SearchIndex::scan(store(), "place 424", Some(&last), None, &|| false));
}

/// The index the app builds when asked (the sources' facet): every
/// event's words folded and kept.
#[divan::bench(sample_count = 3)]
fn index_build() -> usize {
    SearchIndex::build(store(), &|_| {}).len()
}

/// Every tenth event read back in full (what the context shows, what an
/// export writes), one at a time.
#[divan::bench(sample_count = 3)]
fn read_back_a_tenth_in_full() -> usize {
    let s = store();
    (0..N)
        .step_by(10)
        .map(|i| s.detail(i).event.title.len())
        .sum()
}

/// A tenth of the events (a run of them, as a time window gives in a
/// file in time order) made a data set and written as CSV.
#[divan::bench(sample_count = 3)]
fn export_a_tenth() -> usize {
    let keep: Vec<usize> = (0..N / 10).collect();
    let ds = store().subset(&keep);
    formats::export::csv(&ds).unwrap().len()
}

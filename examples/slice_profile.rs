//! Where a filter change's time goes: each part of rebuilding the views,
//! timed on a file. `cargo run --release --example slice_profile FILE`.

use std::sync::Arc;
use std::time::Instant;

use incident_map::views::{ViewIndex, row_tops};
use incident_map_core::filter::{Facets, Filter, SHOWN};
use incident_map_core::formats::{LoadOptions, load};
use incident_map_core::geography::RegionIndex;
use incident_map_core::histogram::{Histogram, TimeBins};
use incident_map_core::markers::MarkerIndex;
use incident_map_core::timeline::Timeline;
use incident_map_core::view::{ViewInputs, frame};

fn main() {
    let path = std::path::PathBuf::from(
        std::env::args_os()
            .nth(1)
            .expect("usage: slice_profile FILE"),
    );
    let loaded = load(&path, &LoadOptions::default()).unwrap();
    let store = loaded.store.unwrap();
    let table = store.table();
    let regions = RegionIndex::bundled();
    // The full index holds every event's words again: not at 10^7.
    if store.len() <= 2_000_000 {
        let t = Instant::now();
        let words = incident_map_core::filter::SearchIndex::build(&store, &|_| {});
        println!(
            "search index: {:?}, {} MB",
            t.elapsed(),
            words.heap_bytes() / 1_000_000
        );
    }
    let t = Instant::now();
    let common =
        incident_map_core::common_words::CommonWords::build_until(&store, &|_| {}, &|| false)
            .unwrap();
    println!(
        "common words' bitmaps: {:?}, {} MB ({:.1} B an event)",
        t.elapsed(),
        common.heap_bytes() / 1_000_000,
        common.heap_bytes() as f64 / store.len().max(1) as f64
    );
    for words in [
        "place",
        "pla",
        "1",
        "place 4",
        "place 42",
        "place 424",
        "12345",
        "\"place 4242\"",
    ] {
        let t = Instant::now();
        let plain =
            incident_map_core::filter::SearchIndex::scan(&store, words, None, None, &|| false);
        let t_plain = t.elapsed();
        let t = Instant::now();
        let quick = incident_map_core::filter::SearchIndex::scan(
            &store,
            words,
            None,
            Some(&common),
            &|| false,
        );
        let t_quick = t.elapsed();
        assert_eq!(plain, quick);
        let found = quick.map_or(0, |f| f.iter().filter(|&&b| b).count());
        println!(
            "search {words}: {t_plain:?} reading, {t_quick:?} with the bitmaps ({found} found)"
        );
    }
    let all = Arc::new(MarkerIndex::build(table));
    let time_bins = TimeBins::build(table);
    let everything = Filter::default();
    let first_view = ViewIndex::build(ViewInputs {
        all_markers: Some(&all),
        ..ViewInputs::new(table, &regions, &everything)
    });
    let first = table
        .meta
        .categories
        .first()
        .map(|c| c.id.clone())
        .unwrap_or_default();
    let filter = Filter {
        hidden_categories: [first].into(),
        ..Filter::default()
    };
    // A keystroke under the same filter: all but the matches kept.
    for words in ["place", "place 4242"] {
        let found = incident_map_core::filter::SearchIndex::scan(
            &store,
            words,
            None,
            Some(&common),
            &|| false,
        );
        let t = Instant::now();
        let v = ViewIndex::build_after(
            ViewInputs {
                all_markers: Some(&all),
                search: words,
                found: found.as_deref(),
                before: Some(&first_view.view),
                ..ViewInputs::new(table, &regions, &everything)
            },
            &first_view,
        );
        println!(
            "a search of {words} under the same filter: the view in {:?} ({} matches)",
            t.elapsed(),
            v.matches.len()
        );
    }
    for round in 0..3 {
        let t = Instant::now();
        let flags = filter.flags(table, None);
        let t_flags = t.elapsed();
        let shown = |i: usize| flags[i] == SHOWN;
        let t = Instant::now();
        let timeline = Timeline::build_where(table, shown);
        let t_timeline = t.elapsed();
        let t = Instant::now();
        let markers = all.filter(table, shown);
        let t_markers = t.elapsed();
        let t = Instant::now();
        let h = Histogram::count(table, &time_bins, Some(&flags));
        let t_hist = t.elapsed();
        let t = Instant::now();
        let f = Facets::count(table, Some(&flags), None);
        let t_facets = t.elapsed();
        let t = Instant::now();
        let tops = row_tops(table, &timeline);
        let t_tops = t.elapsed();
        let t = Instant::now();
        let fr = frame(&markers, &regions);
        let t_frame = t.elapsed();
        let t = Instant::now();
        let v = ViewIndex::build(ViewInputs {
            all_markers: Some(&all),
            before: Some(&first_view.view),
            ..ViewInputs::new(table, &regions, &filter)
        });
        let t_all = t.elapsed();
        println!(
            "round {round}: flags {t_flags:?} timeline {t_timeline:?} markers {t_markers:?} histogram {t_hist:?} facets {t_facets:?} row_tops {t_tops:?} frame {t_frame:?} | whole {t_all:?} ({} shown, {} bins, {} actors, {})",
            v.shown(),
            h.bins(),
            f.actors.len(),
            tops.len() + fr.is_some() as usize
        );
    }
}

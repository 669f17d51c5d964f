//! Loads a file as the app does and builds what its views need (marker
//! index, timeline, frame), printing how long each step took: the "ready"
//! time `tools/bench-compare` measures. `cargo run --release --example ready FILE`.

use std::time::Instant;

use incident_map::views::ViewIndex;
use incident_map_core::formats::{LoadOptions, load};
use incident_map_core::geography::RegionIndex;

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: ready FILE");
        std::process::exit(2);
    };
    let path = std::path::PathBuf::from(path);
    let start = Instant::now();
    let loaded = match load(&path, &LoadOptions::default()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let loaded_at = start.elapsed();
    let Some(store) = loaded.usable() else {
        eprintln!(
            "{}: not usable ({} problems)",
            path.display(),
            loaded.diagnostics.len()
        );
        std::process::exit(1);
    };
    let (regions, everything) = (RegionIndex::default(), Default::default());
    let views = ViewIndex::build(incident_map_core::view::ViewInputs::new(
        store.table(),
        &regions,
        &everything,
    ));
    let ready_at = start.elapsed();
    println!(
        "{} events: loaded in {:.2} s, ready in {:.2} s ({} timeline rows)",
        store.len(),
        loaded_at.as_secs_f64(),
        ready_at.as_secs_f64(),
        views.timeline.order.len()
    );
}

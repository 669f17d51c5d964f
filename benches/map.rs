//! Map speed: decoding and styling one vector tile of the bundled basemap
//! (what a tile costs when it first comes into view), and one whole frame of
//! the app with the map at zoom 5 (Europe) and 12 (central Moscow), tiles
//! cached, drawn offscreen; and the same with 100 000 events loaded.
//! Run with `cargo bench --bench map`.

use std::path::PathBuf;

use incident_map_core::basemap::Archive;
use incident_map_core::model::LatLon;

use incident_map::render::OffscreenMap;

fn main() {
    divan::main();
}

/// Tiles over Moscow at zoom 5, 8, 12 and 14.
const TILES: [(u8, u32, u32); 4] = [(5, 19, 9), (8, 154, 80), (12, 2476, 1279), (14, 9904, 5119)];

#[divan::bench(args = TILES, sample_count = 20)]
fn decode_and_style_tile(bencher: divan::Bencher, (z, x, y): (u8, u32, u32)) {
    let archive =
        Archive::open(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/basemap.pmtiles"))
            .unwrap();
    let bytes = archive.tile(z, x, y).expect("the tile exists");
    let style = incident_map::map::tiles::bundled_style();
    let ctx = egui::Context::default();
    std::mem::forget(ctx.run_ui(Default::default(), |_| {}));
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench(|| walkers::Tile::new(divan::black_box(&bytes), &style, z, 512, &ctx).unwrap());
}

#[divan::bench(args = [5.0, 12.0], sample_count = 20)]
fn frame(bencher: divan::Bencher, zoom: f64) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/moscow-march-2024.json");
    let mut map = OffscreenMap::new(&file, None, (1280, 800));
    map.render(Some((
        LatLon {
            lat: 55.7558,
            lon: 37.6173,
        },
        zoom,
    )))
    .unwrap();
    bencher.bench_local(|| map.harness().step());
}

/// A whole frame with 100 000 events loaded (the synthetic set over Moscow
/// and its region), at zoom 5 (all in view, clustered) and 12: what panning
/// and zooming cost with that much data.
#[divan::bench(args = [5.0, 12.0], sample_count = 20)]
fn frame_100k_events(bencher: divan::Bencher, zoom: f64) {
    let dir = std::env::temp_dir().join(format!("incident-map-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("100k.json");
    let ds = incident_map_core::markers::synthetic(100_000);
    std::fs::write(&file, incident_map_core::formats::native::write(&ds)).unwrap();
    let mut map = OffscreenMap::new(&file, None, (1280, 800));
    assert_eq!(map.app().state.view().unwrap().markers.len(), 100_000);
    let ctx = map.ctx();
    map.app()
        .apply(&ctx, incident_map::action::WindowAction::DismissProblems);
    map.render(Some((
        LatLon {
            lat: 55.5,
            lon: 37.5,
        },
        zoom,
    )))
    .unwrap();
    bencher.bench_local(|| map.harness().step());
    let _ = std::fs::remove_dir_all(&dir);
}

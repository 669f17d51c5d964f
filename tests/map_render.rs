//! The map as users see it, rendered offscreen (wgpu on Mesa's CPU driver):
//! four views compared with committed references, and no blank tiles at any
//! zoom over the scenario's places. Run `UPDATE_SNAPSHOTS=1 cargo test --test
//! map_render` after an intended change to the map, and look at the new images.

use egui_kittest::SnapshotOptions;
use incident_map::panels::map::SEA;
use incident_map::render::OffscreenMap;
use incident_map_core::model::LatLon;

mod common;
use common::scenario;

const MOSCOW: LatLon = LatLon {
    lat: 55.7558,
    lon: 37.6173,
};
const KRASNOGORSK: LatLon = LatLon {
    lat: 55.8257,
    lon: 37.3889,
};
const KALUGA: LatLon = LatLon {
    lat: 54.5293,
    lon: 36.2754,
};

/// Share of the map's pixels (below the top bar, above the status bar) that
/// are the sea colour drawn where no tile is.
fn sea_share(image: &image::RgbaImage) -> f64 {
    let (w, h) = image.dimensions();
    let rows = 40..h.saturating_sub(30);
    let total = f64::from(w) * (rows.end - rows.start) as f64;
    let mut sea = 0u64;
    for y in rows {
        for x in 0..w {
            let p = image.get_pixel(x, y).0;
            let near = |a: u8, b: u8| a.abs_diff(b) <= 3;
            if near(p[0], SEA.r()) && near(p[1], SEA.g()) && near(p[2], SEA.b()) {
                sea += 1;
            }
        }
    }
    sea as f64 / total
}

fn snapshot(image: &image::RgbaImage, name: &str) {
    // Text and antialiasing may differ by a hair between runs of the CPU
    // renderer; a moved road or a missing tile differs by far more.
    let options = SnapshotOptions::new()
        .threshold(2.0)
        .max_failed_pixels(1500);
    egui_kittest::image_snapshot_options(image, name, &options);
}

#[test]
fn europe_at_zoom_5() {
    let mut map = OffscreenMap::new(&scenario(), None, (900, 600)).map_only();
    let image = map
        .render(Some((
            LatLon {
                lat: 54.0,
                lon: 25.0,
            },
            5.0,
        )))
        .unwrap();
    let sea = sea_share(&image);
    assert!(
        (0.05..0.5).contains(&sea),
        "Europe shows land and sea: {sea:.2} sea"
    );
    snapshot(&image, "map_z5_europe");
}

#[test]
fn moscow_and_kaluga_at_zoom_8() {
    let mut map = OffscreenMap::new(&scenario(), None, (900, 600)).map_only();
    let image = map
        .render(Some((
            LatLon {
                lat: 55.1,
                lon: 36.6,
            },
            8.0,
        )))
        .unwrap();
    assert!(
        sea_share(&image) < 0.02,
        "no blank tiles over Moscow and Kaluga"
    );
    snapshot(&image, "map_z8_moscow_kaluga");
}

#[test]
fn central_moscow_at_zoom_12() {
    let mut map = OffscreenMap::new(&scenario(), None, (900, 600)).map_only();
    let image = map.render(Some((MOSCOW, 12.0))).unwrap();
    assert!(sea_share(&image) < 0.02);
    snapshot(&image, "map_z12_central_moscow");
}

#[test]
fn central_moscow_at_zoom_17_is_over_zoomed_not_blank() {
    let mut map = OffscreenMap::new(&scenario(), None, (900, 600)).map_only();
    let image = map
        .render(Some((
            LatLon {
                lat: 55.7539,
                lon: 37.6208,
            },
            17.0,
        )))
        .unwrap();
    assert!(sea_share(&image) < 0.02);
    snapshot(&image, "map_z17_central_moscow");
}

#[test]
fn no_zoom_from_2_to_18_is_blank_over_moscow_krasnogorsk_or_kaluga() {
    let mut map = OffscreenMap::new(&scenario(), None, (320, 240)).map_only();
    for place in [MOSCOW, KRASNOGORSK, KALUGA] {
        for zoom in (2..=18).step_by(2) {
            let image = map.render(Some((place, f64::from(zoom)))).unwrap();
            let sea = sea_share(&image);
            // Below zoom 6 the view reaches the Baltic and the Black Sea.
            let limit = if zoom < 6 { 0.5 } else { 0.02 };
            assert!(
                sea < limit,
                "{place:?} at zoom {zoom}: {sea:.2} of the map is blank"
            );
        }
    }
}

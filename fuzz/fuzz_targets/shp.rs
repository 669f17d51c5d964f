//! Shapefiles: the input as a `.shp` (without its `.dbf`), loaded as the
//! app loads it and written out as GeoJSON by the Shapefile reader itself.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::guarded_panics_are_not_crashes();
    common::load_and_use("f.shp", data);
    let parts = incident_map_core::formats::shp::Parts {
        shp: data.to_vec(),
        ..Default::default()
    };
    let _ = incident_map_core::formats::shp::to_geojson(&parts);
});

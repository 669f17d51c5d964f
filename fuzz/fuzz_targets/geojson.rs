//! GeoJSON: the input as the features of a FeatureCollection (found by the
//! structural scan, parsed on every core, each read again in full).
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::framed(r#"{"type": "FeatureCollection", "features": ["#, data, "]}");
    common::load_and_use("f.geojson", &file);
});

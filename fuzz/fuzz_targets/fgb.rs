//! FlatGeobuf: the input as a whole file, loaded as the app loads it and
//! read by the FlatGeobuf reader.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::guarded_panics_are_not_crashes();
    common::load_and_use("f.fgb", data);
    let _ = incident_map_core::formats::fgb::to_geojson(data);
});

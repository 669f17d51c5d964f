//! GeoPackage: the input as a whole file (an SQLite database), loaded as
//! the app loads it and its first layer read by the GeoPackage reader.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::guarded_panics_are_not_crashes();
    common::load_and_use("f.gpkg", data);
    let _ = incident_map_core::formats::gpkg::read(data, None);
});

//! KMZ: the input as a zip archive.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = incident_map_core::formats::kml::unzip(data);
    let file = common::framed("PK\u{3}\u{4}", data, "");
    common::load_and_use("f.kmz", &file);
    common::load_and_use("g.kmz", data);
});

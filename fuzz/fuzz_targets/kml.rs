//! KML: the input inside a document (its outline scanned, its placemarks
//! parsed on every core), and read by the whole-document reader.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::framed(
        r#"<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>"#,
        data,
        "</Document></kml>",
    );
    common::load_and_use("f.kml", &file);
    if let Ok(text) = std::str::from_utf8(&file) {
        let import = incident_map_core::formats::kml::read(text, "f.kml");
        let _ = import.diagnostics.len();
    }
});

//! GPX: the input inside a document, loaded as a file and read by the
//! GPX reader itself.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::framed(
        r#"<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">"#,
        data,
        "</gpx>",
    );
    common::load_and_use("f.gpx", &file);
    if let Ok(text) = std::str::from_utf8(&file) {
        let import = incident_map_core::formats::gpx::read(text, "f.gpx");
        let _ = import.diagnostics.len();
    }
});

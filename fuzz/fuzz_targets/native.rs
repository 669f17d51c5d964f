//! Our JSON format: the input as the events of a native file (split and
//! decoded on every core), and as a whole file.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::framed(
        r#"{"format": "incident-map", "version": 1, "title": "f", "time_zone": "Europe/Moscow", "events": ["#,
        data,
        "]}",
    );
    common::load_and_use("f.json", &file);
    common::load_and_use("g.json", data);
});

//! Dates and times, as our format writes them and as other tools do.
#![no_main]

use incident_map_core::model::When;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let tz = jiff::tz::TimeZone::get("Europe/Moscow").ok();
    for zone in [None, tz.as_ref()] {
        if let Ok(w) = When::parse(s, zone) {
            // What parses prints, and what prints parses to the same.
            let text = w.to_string();
            let again = When::parse(&text, zone);
            assert!(again.is_ok(), "{s:?} printed as {text:?}, which does not parse");
            let _ = w.span(&jiff::tz::TimeZone::UTC);
            let _ = w.describe();
        }
    }
    if let Some(m) = incident_map_core::formats::dates::parse(s) {
        let _ = m.to_string();
    }
    let _ = incident_map_core::formats::native::when_from_json(s);
});

//! Spreadsheets: the input loaded as a workbook (a zip, an OLE2 file), and
//! its first sheet written out as CSV by the spreadsheet reader itself.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::guarded_panics_are_not_crashes();
    common::load_and_use("f.xlsx", data);
    if let Ok(table) = incident_map_core::formats::sheet::to_csv(data, None) {
        let _ = table.csv.len();
    }
});

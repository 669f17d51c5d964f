//! Parquet and GeoParquet: the input as a whole file, loaded as the app
//! loads it and read by the Parquet reader.
#![no_main]
#[path = "common.rs"]
mod common;

use std::sync::Arc;

use incident_map_core::formats::file::FileBytes;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::guarded_panics_are_not_crashes();
    common::load_and_use("f.parquet", data);
    let _ = incident_map_core::formats::parquet::read(Arc::new(FileBytes::Owned(data.to_vec())), None);
});

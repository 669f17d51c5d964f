//! Any bytes as a file: the format recognised by content, then read.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::load_and_use("file", data);
});

//! What every reader's target does with what the reader made of the input:
//! each event read in full, the store exported in every format, the
//! diagnostics printed. None of it may panic, whatever the input.

// Each target uses part of this module.
#![allow(dead_code)]

use std::path::Path;

use incident_map_core::formats::{self, Format, Loaded};

/// Loads `bytes` as the app loads a file named `name` (in a folder that
/// does not exist, so no source text is read from disk), and uses the result.
pub fn load_and_use(name: &str, bytes: &[u8]) {
    let loaded = formats::load_bytes(&Path::new("/nonexistent-fuzz-folder").join(name), bytes);
    use_loaded(&loaded);
}

pub fn use_loaded(loaded: &Loaded) {
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
    if let Some(store) = &loaded.store {
        let _ = incident_map_core::summary::Summary::of(store);
        for i in 0..store.len().min(8) {
            let _ = store.detail(i);
        }
        if store.len() <= 64 {
            let ds = store.to_dataset();
            for format in [Format::Native, Format::GeoJson, Format::Csv] {
                if let Ok(text) = formats::write(&ds, format) {
                    // What we write, we read.
                    let _ = formats::load_bytes(Path::new("/nonexistent-fuzz-folder/back"), text.as_bytes());
                }
            }
        }
    }
}

/// `head`, the input, then `tail`: the input inside a frame of the format,
/// so that the reader under test is the one that reads it.
pub fn framed(head: &str, data: &[u8], tail: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len() + data.len() + tail.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(tail.as_bytes());
    out
}

/// A panic inside the app's own guard around a third-party reader
/// (`catch_unwind` around calamine and shapefile, where the app says the
/// file is damaged) is no crash: the app survives it. libFuzzer's hook
/// would abort on it before the guard is reached, so it is replaced by one
/// that says nothing; a panic outside a guard still reaches libFuzzer's
/// own `catch_unwind`, which aborts: a crash, as before.
pub fn guarded_panics_are_not_crashes() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

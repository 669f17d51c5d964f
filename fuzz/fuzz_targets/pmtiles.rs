//! A PMTiles basemap, as a user may choose any file: its header and
//! directories checked, then read (description, tiles) as the map reads it.
#![no_main]

use incident_map_core::basemap::Archive;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let bytes = bytes::Bytes::copy_from_slice(data);
    if let Ok(archive) = Archive::from_bytes(bytes, std::path::Path::new("fuzz.pmtiles")) {
        let info = archive.info();
        for z in info.min_zoom..=info.max_zoom.min(info.min_zoom + 3) {
            for (x, y) in [(0, 0), (1, 0), (0, 1)] {
                let _ = archive.tile(z, x, y);
            }
        }
    }
});

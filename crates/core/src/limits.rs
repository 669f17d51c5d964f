//! Every limit on what a file may make the app do, in one place: how deep,
//! how long, how large. Each protects against a file built to hang the app
//! or exhaust its memory, and each is far beyond what real data needs. A
//! message that names a limit gives its number and, where it can be raised,
//! how (an environment variable). `docs/format.md` lists them for users.

/// How deeply JSON may nest (objects and arrays); real data files need a handful.
pub const MAX_JSON_DEPTH: usize = 64;

/// The largest source text read (a book is a few MB), in bytes. Raise it
/// with `INCIDENT_MAP_MAX_SOURCE_MB`.
pub fn max_source_text() -> u64 {
    // Offsets into a text are kept in 32 bits.
    (raised("INCIDENT_MAP_MAX_SOURCE_MB", 64) << 20).min(u64::from(u32::MAX))
}

/// How many times larger than its compressed size a KMZ's KML may be (real
/// KML compresses 10 to 30 times). Raise it with `INCIDENT_MAP_MAX_KMZ_RATIO`.
pub fn max_kmz_ratio() -> u64 {
    raised("INCIDENT_MAP_MAX_KMZ_RATIO", 200)
}

/// The largest KML a KMZ may hold, in bytes. Raise it with `INCIDENT_MAP_MAX_KMZ_MB`.
pub fn max_kmz_entry() -> u64 {
    raised("INCIDENT_MAP_MAX_KMZ_MB", 2048) << 20
}

/// The largest directory of a PMTiles basemap, decompressed, in bytes.
pub const MAX_DIRECTORY_BYTES: u64 = 64 << 20;

/// The largest tile of a PMTiles basemap, as stored, in bytes (real tiles
/// are under a megabyte).
pub const MAX_TILE_BYTES: u64 = 8 << 20;

/// Words longer than this (in characters) get no "did you mean": comparing
/// two words costs the product of their lengths.
pub const MAX_SUGGESTED_WORD: usize = 64;

/// How much of a passage's prefix and suffix (in bytes) is compared with
/// the text around each place its quote occurs.
pub const MAX_QUOTE_CONTEXT: usize = 1024;

/// How many places a quote may occur in one source and still have each
/// scored by its context; beyond it, the offsets or the first one decide.
pub const MAX_SCORED_OCCURRENCES: usize = 10_000;

/// `default`, or the whole number in the environment variable `name`.
fn raised(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

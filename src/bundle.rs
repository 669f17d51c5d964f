//! What the binary carries: the scenario and its article, the offline
//! basemap and its style, the gazetteer, and the fonts (the region outlines are in the
//! core). A copied or `cargo install`ed binary needs no source tree.
//!
//! Files the app opens by path (the scenario, the basemap) are looked for
//! beside the executable first (`share/incident-map/` next to it or one
//! folder up, where a package puts them); otherwise the copies inside the
//! binary are written once to the XDG data folder
//! (`~/.local/share/incident-map/bundled-VERSION/`) and opened from there.
//! User-chosen basemaps stay wherever the user keeps them. The headless
//! commands ([`Bundle::keep_private`]) write them to a private temporary
//! folder instead, removed when they finish: they touch nothing under HOME
//! or the XDG folders.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the headless commands: install into a private temporary folder.
static PRIVATE: AtomicBool = AtomicBool::new(false);

/// The style of the bundled basemap.
pub const STYLE: &str = include_str!("../assets/basemap-style.json");
/// The gazetteer: GeoNames' places of over 1,000 people (CC BY 4.0), made by
/// `tools/build_gazetteer.py`, read by [`incident_map_core::gazetteer`].
pub const GAZETTEER: &[u8] = include_bytes!("../assets/gazetteer.tsv.gz");
/// Noto Sans (SIL OFL 1.1): Latin, Cyrillic and Greek.
pub const FONT: &[u8] = include_bytes!("../assets/fonts/NotoSans-Regular.ttf");

/// The bundled scenario's data file and its article, by file name.
const SCENARIO_FILES: &[(&str, &[u8])] = &[
    (SCENARIO, include_bytes!("../data/moscow-march-2024.json")),
    (
        "moscow-march-2024-article.txt",
        include_bytes!("../data/moscow-march-2024-article.txt"),
    ),
];
const SCENARIO: &str = "moscow-march-2024.json";
/// The offline basemap.
const BASEMAP: (&str, &[u8]) = (
    "basemap.pmtiles",
    include_bytes!("../assets/basemap.pmtiles"),
);

/// Where the bundled files are on disk, once found or written.
#[derive(Debug, Clone)]
pub struct Bundle {
    dir: PathBuf,
}

impl Bundle {
    /// The bundle, found or installed on first use.
    pub fn get() -> Result<&'static Bundle, String> {
        static BUNDLE: OnceLock<Result<Bundle, String>> = OnceLock::new();
        BUNDLE
            .get_or_init(Bundle::locate)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The bundled scenario's data file.
    pub fn scenario(&self) -> PathBuf {
        self.dir.join(SCENARIO)
    }

    /// The bundled basemap.
    pub fn basemap(&self) -> PathBuf {
        self.dir.join(BASEMAP.0)
    }

    /// Makes the bundle, when first needed, go to a private temporary
    /// folder (for `render`); [`Bundle::discard`] removes it.
    pub fn keep_private() {
        PRIVATE.store(true, Ordering::Relaxed);
    }

    /// Removes the private folder, if the bundle was installed in one.
    pub fn discard() {
        if PRIVATE.load(Ordering::Relaxed)
            && let Ok(b) = Bundle::get()
            && b.dir.starts_with(std::env::temp_dir())
        {
            let _ = std::fs::remove_dir_all(&b.dir);
        }
    }

    fn locate() -> Result<Bundle, String> {
        let beside = std::env::current_exe().ok().and_then(|exe| {
            let dir = exe.parent()?.to_path_buf();
            [
                dir.join("share/incident-map"),
                dir.join("../share/incident-map"),
            ]
            .into_iter()
            .find(|d| holds_all(d))
        });
        if let Some(dir) = beside {
            return Ok(Bundle { dir });
        }
        let folder = format!("bundled-{}", env!("CARGO_PKG_VERSION"));
        if PRIVATE.load(Ordering::Relaxed) {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let dir =
                std::env::temp_dir().join(format!("incident-map-{}-{nanos}", std::process::id()));
            return match install(&dir) {
                Ok(()) => Ok(Bundle { dir }),
                Err(e) => Err(format!(
                    "the bundled files could not be written to {}: {e}",
                    dir.display()
                )),
            };
        }
        let data = directories::ProjectDirs::from("", "", "incident-map")
            .map(|d| d.data_dir().join(&folder));
        let mut tried = Vec::new();
        for dir in data
            .into_iter()
            .chain([std::env::temp_dir().join("incident-map").join(&folder)])
        {
            match install(&dir) {
                Ok(()) => return Ok(Bundle { dir }),
                Err(e) => tried.push(format!("{}: {e}", dir.display())),
            }
        }
        Err(format!(
            "the bundled files could not be written anywhere ({})",
            tried.join("; ")
        ))
    }
}

fn every_file() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    SCENARIO_FILES.iter().copied().chain([BASEMAP])
}

/// Whether `dir` holds every bundled file as this build has it.
fn holds_all(dir: &Path) -> bool {
    every_file().all(|(name, bytes)| same(&dir.join(name), bytes))
}

/// Whether the file at `path` is `bytes` (by size for large files, whose
/// copies are written whole or not at all).
fn same(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            bytes.len() > 1 << 20 || std::fs::read(path).is_ok_and(|b| b == bytes)
        }
        _ => false,
    }
}

/// Writes the bundled files into `dir` (each atomically), unless there already.
fn install(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in every_file() {
        let path = dir.join(name);
        if !same(&path, bytes) {
            incident_map_core::formats::save_atomic(&path, bytes)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_installs_once_and_is_found_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b");
        install(&target).unwrap();
        assert!(holds_all(&target));
        let scenario = std::fs::read(target.join(SCENARIO)).unwrap();
        assert_eq!(scenario, SCENARIO_FILES[0].1);
        // A damaged copy is not taken for the bundle, and is mended.
        std::fs::write(target.join("moscow-march-2024-article.txt"), "changed").unwrap();
        assert!(!holds_all(&target));
        install(&target).unwrap();
        assert!(holds_all(&target));
        // The scenario opens from there, with its article beside it.
        let loaded =
            incident_map_core::formats::load(&target.join(SCENARIO), &Default::default()).unwrap();
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    }
}

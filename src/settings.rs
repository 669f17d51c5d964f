//! What the app remembers between runs, as one versioned value in eframe's
//! storage: the basemap chosen, the last file and the recent ones, the map's
//! view, whether the side panels are shown. Settings written by an older
//! build are read (and rewritten in this form); settings the app cannot
//! read (a newer build's, or damaged) are dropped with a note, never a crash.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use incident_map_core::model::LatLon;

/// The storage key of the settings.
pub const KEY: &str = "incident-map.settings";
/// The version this build writes; it reads this and older ones.
pub const VERSION: u32 = 2;

/// Keys of the settings before they were one value (version 1).
const OLD_BASEMAP: &str = "basemap_path";
const OLD_LAST_FILE: &str = "last_file";
const OLD_RECENT: &str = "recent_files";
const OLD_MAP_VIEW: &str = "map_view";

/// Everything the app remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub version: u32,
    /// A basemap the user chose; `None` is the bundled one.
    pub basemap: Option<PathBuf>,
    pub last_file: Option<PathBuf>,
    /// Files opened recently, the latest first.
    pub recent: Vec<PathBuf>,
    /// Where the map looked last.
    pub map_view: Option<MapView>,
    pub panels_shown: bool,
}

/// A map's centre and zoom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    pub lat: f64,
    pub lon: f64,
    pub zoom: f64,
}

impl MapView {
    pub fn new(center: LatLon, zoom: f64) -> MapView {
        MapView {
            lat: center.lat,
            lon: center.lon,
            zoom,
        }
    }

    pub fn center(&self) -> LatLon {
        LatLon {
            lat: self.lat,
            lon: self.lon,
        }
    }

    /// Whether it is a view a map can show.
    pub fn is_valid(&self) -> bool {
        (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
            && (0.0..=22.0).contains(&self.zoom)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: VERSION,
            basemap: None,
            last_file: None,
            recent: Vec::new(),
            map_view: None,
            panels_shown: true,
        }
    }
}

impl Settings {
    /// The settings in `storage`, with a note for the user when some could
    /// not be read. No storage (tests, a read-only home): the defaults.
    pub fn read(storage: Option<&dyn eframe::Storage>) -> (Settings, Option<String>) {
        let Some(storage) = storage else {
            return (Settings::default(), None);
        };
        let Some(text) = storage.get_string(KEY) else {
            return (Settings::from_version_1(storage), None);
        };
        let dropped = |why: &str| {
            (
                Settings::default(),
                Some(format!(
                    "Settings not read ({why}): the app starts with its defaults."
                )),
            )
        };
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        match serde_json::from_str::<Versioned>(&text) {
            Ok(v) if v.version > VERSION => dropped("they were written by a newer incident-map"),
            Ok(_) => match serde_json::from_str::<Settings>(&text) {
                Ok(mut s) => {
                    s.version = VERSION;
                    s.map_view = s.map_view.filter(MapView::is_valid);
                    (s, None)
                }
                Err(_) => dropped("they are damaged"),
            },
            Err(_) => dropped("they are damaged"),
        }
    }

    /// Version 1 kept each setting under a key of its own.
    fn from_version_1(storage: &dyn eframe::Storage) -> Settings {
        let get = |key: &str| storage.get_string(key).filter(|s| !s.is_empty());
        Settings {
            basemap: get(OLD_BASEMAP).map(PathBuf::from),
            last_file: get(OLD_LAST_FILE).map(PathBuf::from),
            recent: get(OLD_RECENT)
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect(),
            map_view: get(OLD_MAP_VIEW).and_then(|v| parse_old_view(&v)),
            ..Settings::default()
        }
    }

    pub fn write(&self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(self) {
            storage.set_string(KEY, text);
        }
    }
}

/// Version 1's view: "55.75 37.61 12.5".
fn parse_old_view(s: &str) -> Option<MapView> {
    let mut it = s.split_whitespace().map(str::parse::<f64>);
    let (lat, lon, zoom) = (it.next()?.ok()?, it.next()?.ok()?, it.next()?.ok()?);
    let view = MapView { lat, lon, zoom };
    (view.is_valid() && it.next().is_none()).then_some(view)
}

/// The most a settings file may weigh to be read at start (they are a few
/// kilobytes; a file grown past this was not written by this app).
const MOST: u64 = 4 << 20;

/// Checks the settings file eframe reads before the window opens (in
/// `dir`): one that is not a regular file (a FIFO would block the window, a
/// link to `/dev/zero` never end) or that is too large is moved aside
/// (`app.ron.set-aside`), so the window comes first. What was done, for
/// the user.
pub fn guard_file(dir: &std::path::Path) -> Option<String> {
    let file = dir.join("app.ron");
    let meta = std::fs::symlink_metadata(&file).ok()?;
    let why = if !meta.file_type().is_file() {
        "it is not a regular file"
    } else if meta.len() > MOST {
        "it is far larger than settings ever are"
    } else {
        return None;
    };
    let aside = dir.join("app.ron.set-aside");
    match std::fs::rename(&file, &aside) {
        Ok(()) => Some(format!(
            "Settings not read ({why}): moved aside to {}; the app starts with its defaults.",
            aside.display()
        )),
        Err(e) => Some(format!(
            "Settings at {} not usable ({why}) and could not be moved aside: {e}",
            file.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Memory(HashMap<String, String>);

    impl eframe::Storage for Memory {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.into(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn settings_round_trip() {
        let s = Settings {
            basemap: Some("/maps/world.pmtiles".into()),
            last_file: Some("/data/a.json".into()),
            recent: vec!["/data/a.json".into(), "/data/b.csv".into()],
            map_view: Some(MapView {
                lat: 55.75,
                lon: 37.61,
                zoom: 12.5,
            }),
            panels_shown: false,
            ..Settings::default()
        };
        let mut storage = Memory::default();
        s.write(&mut storage);
        assert_eq!(Settings::read(Some(&storage)), (s, None));
        assert_eq!(Settings::read(None), (Settings::default(), None));
    }

    #[test]
    fn an_older_builds_settings_are_read() {
        let mut storage = Memory::default();
        for (k, v) in [
            (OLD_BASEMAP, "/maps/x.pmtiles"),
            (OLD_LAST_FILE, "/data/a.json"),
            (OLD_RECENT, "/data/a.json\n/data/b.csv"),
            (OLD_MAP_VIEW, "55.75 37.61 12.5"),
        ] {
            eframe::Storage::set_string(&mut storage, k, v.into());
        }
        let (s, note) = Settings::read(Some(&storage));
        assert_eq!(note, None);
        assert_eq!(s.basemap, Some("/maps/x.pmtiles".into()));
        assert_eq!(s.recent.len(), 2);
        assert_eq!(s.map_view.unwrap().zoom, 12.5);
        for bad in ["", "55.75 37.61", "95 37 3", "55 37 40", "a b c", "1 2 3 4"] {
            assert_eq!(parse_old_view(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn newer_or_damaged_settings_are_dropped_with_a_note() {
        for (text, why) in [
            (r#"{"version": 99, "recent": 7}"#, "newer"),
            ("{not json", "damaged"),
            (r#"{"version": 2, "recent": 7}"#, "damaged"),
        ] {
            let mut storage = Memory::default();
            eframe::Storage::set_string(&mut storage, KEY, text.into());
            let (s, note) = Settings::read(Some(&storage));
            assert_eq!(s, Settings::default());
            assert!(note.unwrap().contains(why), "{text}");
        }
        // A view no map can show is forgotten, the rest kept.
        let mut storage = Memory::default();
        let text =
            r#"{"version": 2, "map_view": {"lat": 95, "lon": 0, "zoom": 3}, "recent": ["/a"]}"#;
        eframe::Storage::set_string(&mut storage, KEY, text.into());
        let (s, note) = Settings::read(Some(&storage));
        assert_eq!((s.map_view, s.recent.len(), note), (None, 1, None));
    }

    #[cfg(unix)]
    #[test]
    fn a_settings_file_that_would_block_or_never_end_is_set_aside_before_the_window() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(guard_file(dir.path()), None, "none: nothing to do");
        std::fs::write(dir.path().join("app.ron"), "(kv: {})").unwrap();
        assert_eq!(guard_file(dir.path()), None, "a small file is read");
        std::fs::remove_file(dir.path().join("app.ron")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("app.ron")).unwrap();
        let note = guard_file(dir.path()).unwrap();
        assert!(note.contains("not a regular file"), "{note}");
        assert!(!dir.path().join("app.ron").exists());
        let big = std::fs::File::create(dir.path().join("app.ron")).unwrap();
        big.set_len(MOST + 1).unwrap();
        assert!(guard_file(dir.path()).unwrap().contains("far larger"));
    }
}

//! The offline basemap: the bundled PMTiles archive of vector tiles, what it
//! covers at which zoom, and the layers it holds.
//!
//! `assets/basemap.pmtiles` is built by `tools/build-basemap.sh` in three
//! passes: Europe to zoom 8, central Russia to 12, Moscow to 14. Its metadata
//! (`incident_map_coverage`) says where each pass lies, so the map can draw a
//! deeper zoom by enlarging the deepest tile that exists there ([`Coverage::
//! source_zoom`]) instead of asking for tiles that do not exist and showing
//! nothing. Any other PMTiles archive is covered uniformly to its max zoom.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, NoCache, PmtResult};
use serde::Deserialize;

/// The file name of the bundled archive in the assets folder.
pub const BUNDLED_FILE: &str = "basemap.pmtiles";

/// Who made the data of the bundled basemap: always shown with the map.
pub const ATTRIBUTION: &str = "Natural Earth · © OpenStreetMap contributors · GeoNames (CC BY 4.0)";

/// Why an archive could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a PMTiles archive: {source}", path.display())]
    NotPmTiles {
        path: PathBuf,
        source: pmtiles::PmtError,
    },
    #[error("{} is not a usable PMTiles archive: {why}", path.display())]
    Damaged { path: PathBuf, why: String },
}

/// One pass of tiles: a zoom range over a block of tiles.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Pass {
    pub minzoom: u8,
    pub maxzoom: u8,
    /// The block, as tile ranges at `zoom`; absent means everywhere.
    #[serde(default)]
    pub zoom: Option<u8>,
    #[serde(default)]
    pub x: Option<[u32; 2]>,
    #[serde(default)]
    pub y: Option<[u32; 2]>,
}

impl Pass {
    /// Whether this pass holds tile `(z, x, y)`.
    fn holds(&self, z: u8, x: u32, y: u32) -> bool {
        if z < self.minzoom || z > self.maxzoom {
            return false;
        }
        match (self.zoom, self.x, self.y) {
            (Some(bz), Some([x0, x1]), Some([y0, y1])) if z >= bz => {
                let shift = z - bz;
                let (bx, by) = (x >> shift, y >> shift);
                (x0..=x1).contains(&bx) && (y0..=y1).contains(&by)
            }
            _ => true,
        }
    }
}

/// Which zooms an archive has where.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub passes: Vec<Pass>,
}

impl Coverage {
    /// An archive with every tile from `min` to `max` zoom.
    pub fn uniform(min: u8, max: u8) -> Self {
        Coverage {
            passes: vec![Pass {
                minzoom: min,
                maxzoom: max,
                zoom: None,
                x: None,
                y: None,
            }],
        }
    }

    /// The deepest zoom, at most `z`, at which the archive has the tile
    /// covering tile `(z, x, y)`; `None` where it has none at all.
    pub fn source_zoom(&self, z: u8, x: u32, y: u32) -> Option<u8> {
        (0..=z).rev().find(|&sz| {
            let shift = z - sz;
            self.passes
                .iter()
                .any(|p| p.holds(sz, x >> shift, y >> shift))
        })
    }

    /// The deepest zoom of any pass.
    pub fn max_zoom(&self) -> u8 {
        self.passes.iter().map(|p| p.maxzoom).max().unwrap_or(0)
    }
}

/// What an archive holds, read from its header and metadata.
#[derive(Debug, Clone)]
pub struct ArchiveInfo {
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub vector: bool,
    pub tiles: u64,
    /// The names of its vector layers.
    pub layers: Vec<String>,
    pub attribution: Option<String>,
    pub coverage: Coverage,
    /// Where it has data: west, south, east, north in degrees.
    pub bounds: [f64; 4],
}

/// A whole archive in memory, as a pmtiles backend (no I/O runtime needed).
struct InMemory(Bytes);

impl AsyncBackend for InMemory {
    async fn read(&self, offset: usize, length: usize) -> PmtResult<BackendResponse> {
        let end = offset.saturating_add(length).min(self.0.len());
        let start = offset.min(end);
        Ok(BackendResponse::new(self.0.slice(start..end)))
    }
}

/// An open archive, for reading its description and single tiles.
pub struct Archive {
    reader: AsyncPmTilesReader<InMemory, NoCache>,
    path: PathBuf,
}

impl Archive {
    /// Opens an archive, any file a user may choose: a regular file only,
    /// memory-mapped, its structure checked through (every section, directory
    /// and tile inside the file, within [`crate::limits`]) before a tile is read.
    pub fn open(path: &Path) -> Result<Archive, BasemapError> {
        let io = |source| BasemapError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bytes = crate::formats::file::map(path).map_err(io)?;
        Archive::from_bytes(Bytes::from_owner(bytes), path)
    }

    /// An archive already in memory (`path` names it in messages), checked
    /// through as [`Archive::open`] does.
    pub fn from_bytes(bytes: Bytes, path: &Path) -> Result<Archive, BasemapError> {
        check_archive(&bytes).map_err(|why| BasemapError::Damaged {
            path: path.to_path_buf(),
            why,
        })?;
        let reader =
            futures::executor::block_on(AsyncPmTilesReader::try_from_source(InMemory(bytes)))
                .map_err(|source| BasemapError::NotPmTiles {
                    path: path.to_path_buf(),
                    source,
                })?;
        Ok(Archive {
            reader,
            path: path.to_path_buf(),
        })
    }

    /// The archive's zooms, layers, attribution and coverage.
    pub fn info(&self) -> ArchiveInfo {
        #[derive(Deserialize, Default)]
        struct Metadata {
            #[serde(default)]
            vector_layers: Vec<Layer>,
            attribution: Option<String>,
            incident_map_coverage: Option<std::collections::BTreeMap<String, Pass>>,
        }
        #[derive(Deserialize)]
        struct Layer {
            id: String,
        }
        let h = self.reader.get_header();
        let meta: Metadata = futures::executor::block_on(self.reader.get_metadata())
            .ok()
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        let coverage = match meta.incident_map_coverage {
            Some(passes) if !passes.is_empty() => Coverage {
                passes: passes.into_values().collect(),
            },
            _ => Coverage::uniform(h.min_zoom, h.max_zoom),
        };
        ArchiveInfo {
            min_zoom: h.min_zoom,
            max_zoom: h.max_zoom,
            vector: h.tile_type == pmtiles::TileType::Mvt,
            tiles: h.n_addressed_tiles().map_or(0, |n| n.get()),
            layers: meta.vector_layers.into_iter().map(|l| l.id).collect(),
            attribution: meta.attribution,
            coverage,
            bounds: [
                h.min_longitude,
                h.min_latitude,
                h.max_longitude,
                h.max_latitude,
            ],
        }
    }

    /// One tile's bytes, decompressed; `None` if the archive lacks it.
    pub fn tile(&self, z: u8, x: u32, y: u32) -> Option<Bytes> {
        let coord = pmtiles::TileCoord::new(z, x, y).ok()?;
        futures::executor::block_on(self.reader.get_tile_decompressed(coord))
            .ok()
            .flatten()
    }

    /// One tile's bytes gzipped (as the bundled archive stores them: read as
    /// they are; any other compression is undone and gzip applied).
    pub fn tile_gzipped(&self, z: u8, x: u32, y: u32) -> Option<Bytes> {
        let coord = pmtiles::TileCoord::new(z, x, y).ok()?;
        if self.reader.get_header().tile_compression == pmtiles::Compression::Gzip {
            return futures::executor::block_on(self.reader.get_tile(coord))
                .ok()
                .flatten();
        }
        let raw = self.tile(z, x, y)?;
        Some(Bytes::from(crate::publish::gzip(&raw, 9)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Checks a PMTiles (v3) archive through before anything reads it: the
/// header's sections inside the file, the root and leaf directories
/// decompressed within a bound, each entry's count possible for its bytes,
/// leaves at most four deep, and every tile inside the tile data and no
/// larger than [`crate::limits::MAX_TILE_BYTES`]. `Err` says what is wrong.
pub fn check_archive(b: &[u8]) -> Result<(), String> {
    use crate::limits::{MAX_DIRECTORY_BYTES, MAX_TILE_BYTES};
    if b.len() < 127 || &b[..7] != b"PMTiles" {
        return Err("it does not start with a PMTiles header".into());
    }
    if b[7] != 3 {
        return Err(format!("its version is {}; this app reads version 3", b[7]));
    }
    let u64_at = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let section = |name: &str, at: usize| -> Result<std::ops::Range<u64>, String> {
        let (offset, length) = (u64_at(at), u64_at(at + 8));
        match offset.checked_add(length) {
            Some(end) if end <= b.len() as u64 => Ok(offset..end),
            _ => Err(format!(
                "its {name} ({length} bytes at {offset}) lies past the end of the file ({} bytes): it may be cut short",
                b.len()
            )),
        }
    };
    let root = section("root directory", 8)?;
    section("metadata", 24)?;
    let leaves = section("leaf directories", 40)?;
    let data = section("tile data", 56)?;
    let compression = b[97];
    let directory = |range: std::ops::Range<u64>| -> Result<Vec<u8>, String> {
        if range.end - range.start > MAX_DIRECTORY_BYTES {
            return Err(format!(
                "a directory of {} bytes is larger than any real archive's ({MAX_DIRECTORY_BYTES})",
                range.end - range.start
            ));
        }
        let raw = &b[range.start as usize..range.end as usize];
        match compression {
            1 => Ok(raw.to_vec()),
            2 => {
                use std::io::Read;
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(raw)
                    .take(MAX_DIRECTORY_BYTES + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("a directory does not decompress: {e}"))?;
                if out.len() as u64 > MAX_DIRECTORY_BYTES {
                    return Err(format!(
                        "a directory decompresses to more than {MAX_DIRECTORY_BYTES} bytes"
                    ));
                }
                Ok(out)
            }
            other => Err(format!(
                "its directories are compressed in a way this app does not read (code {other}); re-pack it with gzip"
            )),
        }
    };
    // Directories to read: (where, depth). Leaves are at most four deep, so
    // no directory can lead back to itself for ever.
    let mut pending = vec![(root, 0u8)];
    let mut directories = 0usize;
    while let Some((range, depth)) = pending.pop() {
        directories += 1;
        if directories > 1 << 20 {
            return Err("it has more than a million directories".into());
        }
        let bytes = directory(range)?;
        let entries = parse_directory(&bytes)?;
        for (run_length, offset, length) in entries {
            let in_section = |s: &std::ops::Range<u64>| {
                s.start
                    .checked_add(offset)
                    .and_then(|start| Some(start..start.checked_add(length)?))
                    .filter(|r| r.end <= s.end)
            };
            if run_length == 0 {
                if depth >= 4 {
                    return Err("its leaf directories nest more than four deep".into());
                }
                let leaf =
                    in_section(&leaves).ok_or("a leaf directory lies outside the leaf section")?;
                pending.push((leaf, depth + 1));
            } else {
                in_section(&data).ok_or("a tile lies outside the tile data")?;
                if length > MAX_TILE_BYTES {
                    return Err(format!(
                        "a tile of {length} bytes is larger than any real map tile ({MAX_TILE_BYTES})"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A directory's entries as (run length, offset, length), offsets resolved.
fn parse_directory(b: &[u8]) -> Result<Vec<(u32, u64, u64)>, String> {
    let mut at = 0usize;
    let mut varint = || -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *b.get(at).ok_or("a directory is cut short")?;
            at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a directory holds a number too long to read".into())
    };
    let n = varint()?;
    // Each entry takes four numbers of at least a byte each.
    if n > (b.len() as u64) / 4 {
        return Err(format!(
            "a directory claims {n} entries in {} bytes",
            b.len()
        ));
    }
    let n = n as usize;
    for _ in 0..n {
        varint()?; // tile id deltas: not needed here
    }
    let run_lengths: Vec<u64> = (0..n).map(|_| varint()).collect::<Result<_, _>>()?;
    let lengths: Vec<u64> = (0..n).map(|_| varint()).collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(n);
    let mut next = 0u64;
    for k in 0..n {
        let raw = varint()?;
        let offset = if raw == 0 {
            if k == 0 {
                return Err("a directory's first entry has no offset".into());
            }
            next
        } else {
            raw - 1
        };
        let run = u32::try_from(run_lengths[k]).map_err(|_| "a run of tiles is too long")?;
        next = offset
            .checked_add(lengths[k])
            .ok_or("an offset overflows")?;
        out.push((run, offset, lengths[k]));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Archive {
        Archive::open(&crate::repo("assets/basemap.pmtiles")).unwrap()
    }

    /// The tile holding a point at a zoom.
    fn tile_of(lat: f64, lon: f64, z: u8) -> (u32, u32) {
        let n = f64::from(1u32 << z);
        let x = ((lon + 180.0) / 360.0 * n) as u32;
        let r = lat.to_radians();
        let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
        (x, y)
    }

    #[test]
    fn the_bundled_archive_has_its_passes_layers_and_attribution() {
        let a = bundled();
        let info = a.info();
        assert_eq!((info.min_zoom, info.max_zoom), (0, 14));
        assert!(info.vector);
        assert!(
            (20_000..40_000).contains(&info.tiles),
            "{} tiles",
            info.tiles
        );
        for layer in [
            "land",
            "water",
            "waterway",
            "boundaries",
            "places",
            "roads_major",
            "roads_minor",
            "districts",
            "district_labels",
            "region_labels",
            "country_labels",
        ] {
            assert!(
                info.layers.iter().any(|l| l == layer),
                "no layer {layer}: {:?}",
                info.layers
            );
        }
        assert!(info.attribution.unwrap().contains("OpenStreetMap"));
        assert_eq!(info.coverage.passes.len(), 4);
        // The whole world, at least to zoom 6.
        assert_eq!(info.bounds[0], -180.0);
        assert_eq!(info.bounds[2], 180.0);
        assert!(
            info.bounds[1] < -85.0 && info.bounds[3] > 85.0,
            "{:?}",
            info.bounds
        );
        let size = std::fs::metadata(a.path()).unwrap().len();
        assert!(size <= 25_000_000, "the archive is {size} bytes");
    }

    #[test]
    fn every_covered_tile_exists_so_no_covered_view_is_blank() {
        let a = bundled();
        let cov = a.info().coverage;
        // Every tile of the detailed passes (inland: central Russia, Moscow),
        // at their first zoom, and spot checks deeper. (Europe's and the
        // world's open-sea tiles are left out by GDAL: the sea is the map's
        // ground colour.)
        for pass in cov
            .passes
            .iter()
            .filter(|p| p.zoom.is_some() && p.minzoom >= 9)
        {
            let (z, [x0, x1], [y0, y1]) = (pass.zoom.unwrap(), pass.x.unwrap(), pass.y.unwrap());
            let first = pass.minzoom;
            let shift = first - z;
            for x in (x0 << shift)..((x1 + 1) << shift) {
                for y in (y0 << shift)..((y1 + 1) << shift) {
                    assert!(
                        a.tile(first, x, y).is_some(),
                        "missing tile {first}/{x}/{y}"
                    );
                }
            }
        }
        for (lat, lon, z) in [
            (55.7558, 37.6173, 14),
            (55.8257, 37.3889, 14),
            (54.5293, 36.2754, 12),
            (55.7558, 37.6173, 5),
            (48.85, 2.35, 8),
        ] {
            let (x, y) = tile_of(lat, lon, z);
            assert_eq!(cov.source_zoom(z, x, y), Some(z), "{lat},{lon} z{z}");
            assert!(
                a.tile(z, x, y).is_some(),
                "missing {z}/{x}/{y} at {lat},{lon}"
            );
        }
    }

    #[test]
    fn the_whole_world_is_drawn_to_zoom_6() {
        let a = bundled();
        let cov = a.info().coverage;
        // Land on every continent, at every zoom to 6: the tile is there
        // and holds land, so no view is the "no offline map" grey.
        for (lat, lon, place) in [
            (-1.29, 36.82, "Nairobi"),
            (-34.6, -58.38, "Buenos Aires"),
            (35.68, 139.69, "Tokyo"),
            (40.71, -74.0, "New York"),
            (-33.87, 151.21, "Sydney"),
            (9.0, 38.75, "Addis Ababa"),
            (-77.85, 166.67, "McMurdo, Antarctica"),
            (64.18, -51.7, "Nuuk"),
        ] {
            for z in 0..=6 {
                let (x, y) = tile_of(lat, lon, z);
                assert_eq!(cov.source_zoom(z, x, y), Some(z), "{place} z{z}");
                let tile = a.tile(z, x, y);
                assert!(tile.is_some(), "no tile {z}/{x}/{y} at {place}");
            }
            // Deeper, the world's zoom 6 is enlarged outside Europe.
            let (x, y) = tile_of(lat, lon, 10);
            assert_eq!(cov.source_zoom(10, x, y), Some(6), "{place} z10");
        }
    }

    /// The names in a tile's `country_labels` layer, with their ranks.
    fn country_names(a: &Archive, z: u8, x: u32, y: u32) -> Vec<(String, String)> {
        let tile = a.tile(z, x, y).unwrap();
        let reader = mvt_reader::Reader::new(tile.to_vec()).unwrap();
        let names = reader.get_layer_names().unwrap();
        let Some(i) = names.iter().position(|n| n == "country_labels") else {
            return Vec::new();
        };
        let text = |v: Option<&mvt_reader::feature::Value>| match v {
            Some(mvt_reader::feature::Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        reader
            .get_features(i)
            .unwrap()
            .iter()
            .filter_map(|f| f.properties.as_ref())
            .map(|p| (text(p.get("name")), text(p.get("rank"))))
            .collect()
    }

    #[test]
    fn country_names_are_there_from_zoom_0_ranked_by_size() {
        let a = bundled();
        // The whole world's first tile names the largest countries, and
        // every name has the rank the style filters on.
        let world = country_names(&a, 0, 0, 0);
        let first: Vec<&str> = world
            .iter()
            .filter(|(_, r)| r == "00")
            .map(|(n, _)| n.as_str())
            .collect();
        for name in ["Russia", "Canada", "China"] {
            assert!(first.contains(&name), "{name} not at zoom 0: {first:?}");
        }
        let rank = |name: &str| {
            world
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, r)| r.clone())
        };
        assert_eq!(rank("United States of America").as_deref(), Some("01"));
        assert_eq!(rank("Brazil").as_deref(), Some("01"));
        assert!(!first.contains(&"Bermuda"), "{first:?}");
        assert!(world.iter().all(|(_, r)| r.len() == 2), "{world:?}");
        // Russia and Fiji cross the antimeridian: their names are on them
        // (the eastern half of the map at zoom 1), not at longitude 0.
        let east: Vec<String> = [0, 1]
            .iter()
            .flat_map(|&y| country_names(&a, 1, 1, y))
            .map(|(n, _)| n)
            .collect();
        for name in ["Russia", "Fiji", "China", "Australia"] {
            assert!(east.iter().any(|n| n == name), "{name} not east: {east:?}");
        }
        let west: Vec<String> = [0, 1]
            .iter()
            .flat_map(|&y| country_names(&a, 1, 0, y))
            .map(|(n, _)| n)
            .collect();
        assert!(!west.iter().any(|n| n == "Fiji"), "{west:?}");
        // Where both Europe's and the world's layer would name a country
        // clipped by Europe's box, only one does (Algeria).
        let algeria = (0..=3)
            .flat_map(|y| (0..=3).map(move |x| (x, y)))
            .flat_map(|(x, y)| country_names(&a, 2, x, y))
            .filter(|(n, _)| n == "Algeria")
            .count();
        assert_eq!(algeria, 1);
    }

    #[test]
    fn deeper_zooms_come_from_the_deepest_tile_that_exists() {
        let cov = bundled().info().coverage;
        let at = |lat, lon, z| {
            let (x, y) = tile_of(lat, lon, z);
            cov.source_zoom(z, x, y)
        };
        assert_eq!(
            at(55.7558, 37.6173, 18),
            Some(14),
            "central Moscow over-zooms from 14"
        );
        assert_eq!(at(54.5293, 36.2754, 16), Some(12), "Kaluga from 12");
        assert_eq!(
            at(55.8257, 37.3889, 17),
            Some(14),
            "Crocus City Hall from 14"
        );
        assert_eq!(at(48.85, 2.35, 15), Some(8), "Paris from 8");
        assert_eq!(cov.max_zoom(), 14);
        assert_eq!(Coverage::uniform(0, 15).source_zoom(17, 1, 1), Some(15));
    }

    #[test]
    fn a_file_that_is_not_pmtiles_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pmtiles");
        std::fs::write(&p, b"not an archive").unwrap();
        assert!(matches!(
            Archive::open(&p),
            Err(BasemapError::Damaged { .. })
        ));
        assert!(matches!(
            Archive::open(&dir.path().join("none")),
            Err(BasemapError::Io { .. })
        ));
        // A folder is not a basemap, and is said to be a folder.
        let e = Archive::open(dir.path()).err().unwrap().to_string();
        assert!(e.contains("folder") || e.contains("directory"), "{e}");
    }

    /// An uncompressed archive: a header, `root` as its root directory,
    /// `leaves` after it, then `tiles` bytes of tile data.
    fn archive(root: &[u8], leaves: &[u8], tiles: usize) -> Vec<u8> {
        let mut b = vec![0u8; 127];
        b[..7].copy_from_slice(b"PMTiles");
        b[7] = 3;
        let mut put = |at: usize, v: u64| b[at..at + 8].copy_from_slice(&v.to_le_bytes());
        let root_at = 127u64;
        let leaves_at = root_at + root.len() as u64;
        let data_at = leaves_at + leaves.len() as u64;
        put(8, root_at);
        put(16, root.len() as u64);
        put(24, data_at + tiles as u64);
        put(32, 0);
        put(40, leaves_at);
        put(48, leaves.len() as u64);
        put(56, data_at);
        put(64, tiles as u64);
        b[97] = 1; // directories not compressed
        b[98] = 1;
        b[99] = 1;
        b.extend_from_slice(root);
        b.extend_from_slice(leaves);
        b.extend(std::iter::repeat_n(0u8, tiles));
        b
    }

    #[test]
    fn hostile_archives_are_refused_with_what_is_wrong() {
        // One tile of 10 bytes at 0: n=1, id 0, run 1, length 10, offset 0+1.
        let good = archive(&[1, 0, 1, 10, 1], &[], 10);
        assert_eq!(check_archive(&good), Ok(()));
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (good[..good.len() - 5].to_vec(), "past the end of the file"),
            (archive(&[1, 0, 1, 20, 1], &[], 10), "outside the tile data"),
            // A directory claiming 2^35 entries in five bytes.
            (archive(&[0x80, 0x80, 0x80, 0x80, 0x01], &[], 0), "claims"),
            // A leaf that points at itself, for ever.
            (archive(&[1, 0, 0, 5, 1], &[1, 0, 0, 5, 1], 0), "four deep"),
            (
                archive(&[1, 0, 0, 9, 1], &[1, 0, 0, 5, 1], 0),
                "outside the leaf section",
            ),
            (
                archive(&[1, 0, 1, 0xff, 0xff, 0xff, 0x0f, 1], &[], 0),
                "outside the tile data",
            ),
        ];
        for (bytes, why) in cases {
            let e = check_archive(&bytes).unwrap_err();
            assert!(e.contains(why), "{e} (expected: {why})");
        }
        let mut wrong_version = good.clone();
        wrong_version[7] = 2;
        assert!(
            check_archive(&wrong_version)
                .unwrap_err()
                .contains("version is 2")
        );
    }
}

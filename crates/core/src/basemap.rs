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
        let end = (offset + length).min(self.0.len());
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
    pub fn open(path: &Path) -> Result<Archive, BasemapError> {
        let bytes = std::fs::read(path).map_err(|source| BasemapError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let reader = futures::executor::block_on(AsyncPmTilesReader::try_from_source(InMemory(
            bytes.into(),
        )))
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

    pub fn path(&self) -> &Path {
        &self.path
    }
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
        assert_eq!(info.coverage.passes.len(), 3);
        let size = std::fs::metadata(a.path()).unwrap().len();
        assert!(size <= 20_000_000, "the archive is {size} bytes");
    }

    #[test]
    fn every_covered_tile_exists_so_no_covered_view_is_blank() {
        let a = bundled();
        let cov = a.info().coverage;
        // Every tile of the detailed passes, at their first zoom, and spot checks deeper.
        for pass in cov.passes.iter().filter(|p| p.zoom.is_some()) {
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
            Err(BasemapError::NotPmTiles { .. })
        ));
        assert!(matches!(
            Archive::open(&dir.path().join("none")),
            Err(BasemapError::Io { .. })
        ));
    }
}

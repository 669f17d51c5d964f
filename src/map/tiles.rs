//! Tile layers for the map: the offline basemap (any PMTiles archive, drawn
//! with a style that fits its schema) and OpenStreetMap's online tiles.
//!
//! [`OverZoom`] wraps a tile source so that a zoom deeper than the archive
//! has at some place is drawn by enlarging the deepest tile that exists
//! there, instead of asking for tiles that do not exist and drawing nothing.

use std::path::{Path, PathBuf};

use egui::{Context, Rect};
use walkers::{
    HttpOptions, HttpTiles, PmTiles, Style, TileId, TilePiece, Tiles, sources::Attribution,
};

use incident_map_core::basemap::{Archive, ArchiveInfo, BasemapError, Coverage};

/// Draws a zoom the source lacks from the deepest tile it has there.
pub struct OverZoom<T> {
    inner: T,
    coverage: Coverage,
}

impl<T: Tiles> OverZoom<T> {
    pub fn new(inner: T, coverage: Coverage) -> Self {
        OverZoom { inner, coverage }
    }
}

impl<T: Tiles> Tiles for OverZoom<T> {
    fn at(&mut self, id: TileId) -> Option<TilePiece> {
        let source = self.coverage.source_zoom(id.zoom, id.x, id.y)?;
        if source == id.zoom {
            return self.inner.at(id);
        }
        let shift = id.zoom - source;
        let parent = TileId {
            x: id.x >> shift,
            y: id.y >> shift,
            zoom: source,
        };
        let piece = self.inner.at(parent)?;
        // The part of the parent this tile covers, within the part the piece shows.
        let n = (1u32 << shift) as f32;
        let fx = (id.x - (parent.x << shift)) as f32 / n;
        let fy = (id.y - (parent.y << shift)) as f32 / n;
        let size = piece.uv.size();
        let min = piece.uv.min + egui::vec2(fx * size.x, fy * size.y);
        Some(TilePiece::new(
            piece.tile,
            Rect::from_min_size(min, size / n),
        ))
    }

    fn attribution(&self) -> Attribution {
        self.inner.attribution()
    }

    fn tile_size(&self) -> u32 {
        self.inner.tile_size()
    }

    fn stats(&self) -> walkers::Stats {
        self.inner.stats()
    }
}

/// The offline basemap in use.
pub struct Basemap {
    pub tiles: OverZoom<PmTiles>,
    pub info: ArchiveInfo,
    pub path: PathBuf,
}

/// The style of the bundled basemap.
pub fn bundled_style() -> Style {
    serde_json::from_str(crate::bundle::STYLE).expect("the bundled style is valid")
}

impl Basemap {
    /// Opens a PMTiles archive, raster or vector. Vector archives in the
    /// Protomaps or OpenMapTiles schema get walkers' matching style; others
    /// (the bundled one) ours.
    pub fn open(path: &Path, ctx: &Context) -> Result<Basemap, BasemapError> {
        let info = Archive::open(path)?.info();
        let has = |layer: &str| info.layers.iter().any(|l| l == layer);
        let style = if !info.vector {
            Style::default()
        } else if has("earth") {
            Style::protomaps_basemap_light()
        } else if has("transportation") {
            Style::openmaptiles_basemap_light()
        } else {
            bundled_style()
        };
        let tiles = PmTiles::with_style(path, style, ctx.clone());
        Ok(Basemap {
            tiles: OverZoom::new(tiles, info.coverage.clone()),
            info,
            path: path.to_path_buf(),
        })
    }
}

/// The user agent sent to online tile servers: OpenStreetMap's tile usage
/// policy asks that it name the application.
pub const USER_AGENT: &str = concat!(
    "incident-map/",
    env!("CARGO_PKG_VERSION"),
    " (desktop incident map)"
);

/// OpenStreetMap's standard tiles, cached on disk in `cache`.
pub fn openstreetmap(cache: Option<PathBuf>, ctx: &Context) -> HttpTiles {
    openstreetmap_from(walkers::sources::OpenStreetMap, cache, ctx)
}

/// Online tiles from any source, with the app's user agent and a disk cache.
pub fn openstreetmap_from(
    source: impl walkers::sources::TileSource + Send + Sync + 'static,
    cache: Option<PathBuf>,
    ctx: &Context,
) -> HttpTiles {
    let options = HttpOptions {
        cache,
        user_agent: Some(walkers::HeaderValue::from_static(USER_AGENT)),
        ..HttpOptions::default()
    };
    HttpTiles::with_options(source, options, ctx.clone())
}

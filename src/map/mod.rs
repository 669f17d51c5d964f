//! What the map is made of besides its panel: tile layers and over-zoom
//! ([`tiles`]), walkers plugins that draw regions, markers, clusters and
//! shapes ([`overlays`]), and where the map looks and how it glides there
//! ([`camera`]).

pub mod camera;
pub mod overlays;
pub mod tiles;

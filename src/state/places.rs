//! *View › Find a place…*: the offline gazetteer (read once, in the
//! background, the first time it is asked for) searched as the user types,
//! and the places found, to take the map to.

use std::sync::Arc;

use incident_map_core::gazetteer::Gazetteer;
use incident_map_core::model::LatLon;

/// The places listed for a name typed.
pub const LISTED: usize = 12;

/// The gazetteer, as far as it has been read.
#[derive(Default)]
pub enum GazetteerRead {
    #[default]
    NotYet,
    Reading,
    Ready(Arc<Gazetteer>),
    Failed(String),
}

/// A place found, as the finder lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceHit {
    /// "Krasnogorsk, Moscow Oblast, Russia".
    pub label: String,
    pub point: LatLon,
    pub population: u32,
}

impl From<&incident_map_core::gazetteer::Hit<'_>> for PlaceHit {
    fn from(h: &incident_map_core::gazetteer::Hit<'_>) -> PlaceHit {
        PlaceHit {
            label: h.label(),
            point: h.place.point,
            population: h.place.population,
        }
    }
}

/// The finder's window: whether it is open, the name typed, what it found.
#[derive(Default)]
pub struct PlaceFinder {
    pub open: bool,
    pub query: String,
    pub hits: Vec<PlaceHit>,
    pub reading: GazetteerRead,
}

impl PlaceFinder {
    /// Whether the gazetteer is being read.
    pub fn is_reading(&self) -> bool {
        matches!(self.reading, GazetteerRead::Reading)
    }

    /// The gazetteer, once read.
    pub fn gazetteer(&self) -> Option<&Arc<Gazetteer>> {
        match &self.reading {
            GazetteerRead::Ready(g) => Some(g),
            _ => None,
        }
    }

    /// Why the gazetteer could not be read, if it could not.
    pub fn failed(&self) -> Option<&str> {
        match &self.reading {
            GazetteerRead::Failed(why) => Some(why),
            _ => None,
        }
    }

    /// Lists the places named `query`, the nearest to `near` first among
    /// places of a size.
    pub fn search(&mut self, near: &[LatLon]) {
        self.hits = match &self.reading {
            GazetteerRead::Ready(g) => g
                .search(&self.query, near, LISTED)
                .iter()
                .map(PlaceHit::from)
                .collect(),
            _ => Vec::new(),
        };
    }
}

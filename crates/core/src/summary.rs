//! A dataset at a glance: counts, how much evidence anchored, the time span
//! and the bounding box. `incident-map check` prints it; the app shows it.

use serde::Serialize;

use crate::model::{Anchoring, BBox, Dataset, describe_moment};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub events: usize,
    pub places: usize,
    pub sources: usize,
    pub passages: usize,
    pub passages_anchored: usize,
    /// Events with an unknown or disputed date.
    pub undated_events: usize,
    /// Where the dated events start and end, as people read it.
    pub first: Option<String>,
    pub last: Option<String>,
    /// The box of all events' and places' points.
    pub bounds: Option<BBox>,
}

impl Summary {
    pub fn of(ds: &Dataset) -> Summary {
        let tz = ds.tz();
        let dated: Vec<_> = ds
            .events
            .iter()
            .filter_map(|e| e.when.span(&tz).map(|s| (s, e)))
            .collect();
        let first = dated
            .iter()
            .min_by_key(|(s, _)| s.0)
            .and_then(|(_, e)| e.when.start())
            .map(describe_moment);
        let last = dated
            .iter()
            .max_by_key(|(s, _)| s.1)
            .and_then(|(_, e)| e.when.end())
            .map(describe_moment);
        let places = ds.places_by_id();
        let bounds = BBox::around(
            ds.events
                .iter()
                .filter_map(|e| places.locate(e).map(|l| l.point))
                .chain(
                    ds.places
                        .iter()
                        .map(|p| p.point)
                        .filter(|p| p.lat.is_finite() && p.lon.is_finite()),
                ),
        );
        Summary {
            events: ds.events.len(),
            places: ds.places.len(),
            sources: ds.sources.len(),
            passages: ds.passages().count(),
            passages_anchored: ds
                .passages()
                .filter(|(_, p)| matches!(p.anchoring, Anchoring::Found(_)))
                .count(),
            undated_events: ds.events.iter().filter(|e| e.when.is_undated()).count(),
            first,
            last,
            bounds,
        }
    }
}

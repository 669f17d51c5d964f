//! Where the map goes: the box Fit frames (what is shown), the move that
//! brings the selected event into view (its region or shape whole, else its
//! point at street level), and how close a place found by name is shown.

use geo::BoundingRect;
use incident_map_core::geography::RegionIndex;
use incident_map_core::markers::Shape;
use incident_map_core::model::BBox;
use incident_map_core::view::frame;

use super::document::Document;
use super::selection::Selection;
use crate::action::CameraMove;
use crate::views::ViewIndex;

/// The zoom a point event is brought to at least.
pub const FOCUS_ZOOM: f64 = 12.0;

/// The box the map frames first and Fit frames: what is shown; the
/// bundled regions' home when nothing is.
pub fn home(view: Option<&ViewIndex>, regions: &RegionIndex) -> BBox {
    view.and_then(|v| v.frame)
        .or_else(|| frame(&Default::default(), regions))
        .unwrap_or(BBox::WORLD)
}

/// Fit: frames [`home`].
pub fn fit(view: Option<&ViewIndex>, regions: &RegionIndex) -> CameraMove {
    let b = home(view, regions);
    CameraMove::Fit {
        sw: b.sw,
        ne: b.ne,
        min_zoom: 0.0,
    }
}

/// Brings the selected event into view: its region for a region-level
/// event, its shape for a line or an area, else its point, zoomed in to
/// street level at least. `None` when it has no marker.
pub fn focus(doc: &Document, s: &Selection, regions: &RegionIndex) -> Option<CameraMove> {
    let index = &doc.view.markers;
    let marker = index.marker(doc.table(), index.of_event(s.event)?);
    let shape = doc
        .table()
        .geometry(marker.event)
        .filter(|g| !matches!(g, geo::Geometry::Point(_)))
        .and_then(|g| g.bounding_rect());
    let area = match &marker.shape {
        Shape::Region { code } => regions.get(code).and_then(|r| r.outline.bounding_rect()),
        _ => shape,
    };
    Some(match area {
        Some(r) => {
            let b = BBox::of_rect(r);
            CameraMove::Fit {
                sw: b.sw,
                ne: b.ne,
                min_zoom: 0.0,
            }
        }
        None => CameraMove::Approach {
            point: marker.point,
            min_zoom: FOCUS_ZOOM,
        },
    })
}

/// How close a place of `population` people is shown when found by name:
/// a city whole, a village with its streets.
pub fn place_zoom(population: u32) -> f64 {
    match population {
        1_000_000.. => 10.0,
        100_000.. => 11.0,
        10_000.. => 12.0,
        _ => 13.0,
    }
}

/// The zoom that shows a place of this radius (km) whole.
pub fn radius_zoom(radius_km: f64) -> f64 {
    (12.0 - radius_km.max(0.5).log2()).clamp(4.0, 11.0)
}

//! What every view reads, built once per dataset and filter, never per
//! frame: the timeline and its row heights, the map's marker index, the
//! event lookups, each category's colour resolved once, and the box that
//! frames what is shown. Built on a background thread (when a file loads,
//! when a filter changes); the view in use stays until the new one is ready.

use std::collections::HashSet;

use egui::Color32;
use incident_map_core::geography::{RegionIndex, describe_shape, situate};
use incident_map_core::links::Links;
use incident_map_core::markers::{MarkerIndex, mercator, world_pixels};
use incident_map_core::model::{BBox, Dataset, Event, LatLon};
use incident_map_core::timeline::{Row, Timeline};

/// The colour of events with no category (or a category without a colour).
pub const NO_CATEGORY: Color32 = Color32::from_rgb(60, 60, 60);

/// Heights of the timeline's rows, in points.
pub const DAY_ROW: f32 = 26.0;
pub const EVENT_ROW: f32 = 40.0;
pub const RELATION_LINE: f32 = 16.0;

/// The views of one dataset under one filter.
#[derive(Default)]
pub struct ViewIndex {
    pub timeline: Timeline,
    pub markers: MarkerIndex,
    pub links: Links,
    /// Where each row of the timeline's list starts and, last, its height.
    pub row_tops: Vec<f32>,
    /// Each category's colour, by category index.
    pub category_colors: Vec<Color32>,
    /// Each event's category index, by event index.
    pub event_category: Vec<Option<u16>>,
    /// What Fit and the first view frame: the events shown (regions whole
    /// for region-level ones); Moscow and Kaluga Oblast when none has a place.
    pub frame: Option<BBox>,
    /// The categories hidden when it was built.
    pub hidden: HashSet<String>,
}

impl ViewIndex {
    /// The views of the events whose category is not in `hidden`.
    pub fn build(ds: &Dataset, regions: &RegionIndex, hidden: &HashSet<String>) -> ViewIndex {
        let shown = |i: usize| {
            ds.events[i]
                .category
                .as_ref()
                .is_none_or(|c| !hidden.contains(c))
        };
        let timeline = Timeline::build_where(ds, shown);
        let markers = MarkerIndex::build_where(ds, shown);
        let category_colors = ds
            .categories
            .iter()
            .map(|c| {
                c.color
                    .as_deref()
                    .and_then(|hex| Color32::from_hex(hex).ok())
                    .unwrap_or(NO_CATEGORY)
            })
            .collect();
        let index: std::collections::HashMap<&str, u16> = ds
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i as u16))
            .collect();
        let event_category = ds
            .events
            .iter()
            .map(|e| e.category.as_deref().and_then(|c| index.get(c).copied()))
            .collect();
        let frame = frame(&markers, regions);
        ViewIndex {
            row_tops: row_tops(ds, &timeline),
            timeline,
            frame,
            markers,
            links: Links::build(ds),
            category_colors,
            event_category,
            hidden: hidden.clone(),
        }
    }

    /// The events whose markers are in a map view of `size` points
    /// centred on `center` at `zoom`, in file order.
    pub fn events_in_view(&self, center: LatLon, zoom: f64, size: [f32; 2]) -> Vec<usize> {
        let c = mercator(center);
        let scale = world_pixels(zoom);
        let (hw, hh) = (
            f64::from(size[0]) / 2.0 / scale,
            f64::from(size[1]) / 2.0 / scale,
        );
        let mut events: Vec<usize> = self
            .markers
            .markers()
            .iter()
            .filter(|m| (m.world[0] - c[0]).abs() <= hw && (m.world[1] - c[1]).abs() <= hh)
            .map(|m| m.event)
            .collect();
        events.sort_unstable();
        events
    }

    /// An event's colour.
    pub fn color(&self, event: usize) -> Color32 {
        self.event_category
            .get(event)
            .copied()
            .flatten()
            .map_or(NO_CATEGORY, |c| self.category_color(c as usize))
    }

    /// A category's colour, by index.
    pub fn category_color(&self, category: usize) -> Color32 {
        self.category_colors
            .get(category)
            .copied()
            .unwrap_or(NO_CATEGORY)
    }

    /// How many events are shown (not hidden by a filter).
    pub fn shown(&self) -> usize {
        self.timeline.order.len()
    }
}

/// Where an event is, in the words the context panel shows: worked out
/// when the event is selected, since it looks up regions (a point in a
/// polygon) and measures geodesics, which are not work for every frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Situated {
    /// "Crocus City Hall, Moscow Oblast"; `None` when the data gives no place.
    pub line: Option<String>,
    /// "an area of 0.66 km² · building-level location · ≈ 16 km NW of Moscow centre".
    pub detail: Option<String>,
    /// The location's own note.
    pub note: Option<String>,
}

impl Situated {
    pub fn of(ds: &Dataset, e: &Event, regions: &RegionIndex) -> Situated {
        let Some(s) = situate(ds, e, regions) else {
            return Situated::default();
        };
        let place = e
            .location
            .as_ref()
            .and_then(|l| l.place.as_deref())
            .and_then(|id| ds.place(id));
        let mut line = place.map_or_else(
            || format!("{:.4}, {:.4}", s.point.lat, s.point.lon),
            |p| p.name.clone(),
        );
        if let Some(r) = s.region.filter(|r| place.is_none_or(|p| p.name != r.name)) {
            line.push_str(&format!(", {}", r.name));
        }
        let mut detail = Vec::new();
        let shape = e.location.as_ref().and_then(|l| l.geometry.as_ref());
        detail.extend(shape.and_then(describe_shape));
        if let Some(p) = s.precision {
            detail.push(format!("{}-level location", p.as_str()));
        }
        // The offset from the reference place carries a radius of a
        // kilometre or more ("± 136 km"); otherwise it is said here.
        let offset = s.describe_offset();
        match s.uncertainty_m {
            Some(u) if u < 1000.0 => detail.push(format!("within {u:.0} m")),
            Some(u) if offset.is_none() => detail.push(format!("within {:.0} km", u / 1000.0)),
            _ => {}
        }
        detail.extend(offset);
        Situated {
            line: Some(line),
            detail: (!detail.is_empty()).then(|| detail.join(" · ")),
            note: e.location.as_ref().and_then(|l| l.note.clone()),
        }
    }
}

/// The box of the markers shown, with the whole region of region-level
/// ones; Moscow and Kaluga Oblast (the bundled regions' home) when no
/// event shown has a place.
pub fn frame(markers: &MarkerIndex, regions: &RegionIndex) -> Option<BBox> {
    use geo::BoundingRect;
    let codes: Vec<&str> = if markers.markers().is_empty() {
        vec!["RU-MOW", "RU-KLU"]
    } else {
        markers.regions().iter().map(|(c, _)| c.as_str()).collect()
    };
    let outlines = codes
        .into_iter()
        .filter_map(|code| regions.get(code)?.outline.bounding_rect())
        .map(BBox::of_rect);
    let points = BBox::around(markers.markers().iter().map(|m| m.point));
    outlines.chain(points).reduce(BBox::union)
}

/// The top of each row of the timeline's list and, last, the list's
/// height: worked out once per view, so a frame draws only the rows in view.
pub fn row_tops(ds: &Dataset, timeline: &Timeline) -> Vec<f32> {
    let mut tops = Vec::with_capacity(timeline.rows.len() + 1);
    let mut y = 0.0;
    for row in &timeline.rows {
        tops.push(y);
        y += match row {
            Row::Day(_) | Row::Undated => DAY_ROW,
            Row::Event(i) => EVENT_ROW + RELATION_LINE * ds.events[*i].relations.len() as f32,
        };
    }
    tops.push(y);
    tops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_follows_the_filter_and_colours_are_resolved_once() {
        let path = crate::tests::repo("data/moscow-march-2024.json");
        let ds = incident_map_core::formats::load(&path, &Default::default())
            .unwrap()
            .dataset
            .unwrap();
        let regions = RegionIndex::bundled();
        let all = ViewIndex::build(&ds, &regions, &HashSet::new());
        let frame = all.frame.unwrap();
        // The FSB operation frames the whole of Kaluga Oblast.
        assert!(frame.sw.lat < 54.0 && frame.sw.lon < 35.0, "{frame:?}");
        let crocus = ds
            .events
            .iter()
            .position(|e| e.id == "crocus-attack")
            .unwrap();
        assert_eq!(all.color(crocus), Color32::from_hex("#d62728").unwrap());
        // Only the attack shown: a box around Krasnogorsk alone.
        let others: HashSet<String> = ds
            .categories
            .iter()
            .map(|c| c.id.clone())
            .filter(|c| c != "attack")
            .collect();
        let one = ViewIndex::build(&ds, &regions, &others);
        assert_eq!(one.shown(), 1);
        let b = one.frame.unwrap();
        assert!(b.contains(LatLon {
            lat: 55.8257,
            lon: 37.3889
        }));
        assert!(b.ne.lat - b.sw.lat < 0.01, "{b:?}");
    }
}

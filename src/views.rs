//! What every view reads, built once per dataset and filter, never per
//! frame: the timeline and its row heights, the map's marker index, the
//! event lookups, each category's colour resolved once, and the box that
//! frames what is shown. Built on a background thread (when a file loads,
//! when a filter changes); the view in use stays until the new one is ready.

use std::sync::Arc;

use egui::Color32;
use incident_map_core::filter::{Facets, Filter, Flags, SHOWN, SearchIndex};
use incident_map_core::geography::{RegionIndex, describe_shape, situate};
use incident_map_core::histogram::{Histogram, TimeBins};
use incident_map_core::markers::{MarkerIndex, mercator, world_pixels};
use incident_map_core::model::{BBox, LatLon};
use incident_map_core::store::{Detail, EventTable, Meta};
use incident_map_core::timeline::{Row, Timeline};

/// The colour of events with no category (or a category without a colour).
pub const NO_CATEGORY: Color32 = Color32::from_rgb(60, 60, 60);

/// Heights of the timeline's rows, in points.
pub const DAY_ROW: f32 = 26.0;
pub const EVENT_ROW: f32 = 40.0;
pub const RELATION_LINE: f32 = 16.0;

/// The views of one table under one filter.
#[derive(Default)]
pub struct ViewIndex {
    pub timeline: Timeline,
    /// The markers of the events shown.
    pub markers: Arc<MarkerIndex>,
    /// The markers of every event: what a filter's markers are taken from.
    pub all_markers: Arc<MarkerIndex>,
    /// Where each row of the timeline's list starts and, last, its height.
    pub row_tops: Vec<f32>,
    /// Each category's colour, by category index.
    pub category_colors: Vec<Color32>,
    /// What Fit and the first view frame: the events shown (regions whole
    /// for region-level ones); Moscow and Kaluga Oblast when none has a place.
    pub frame: Option<BBox>,
    /// The filter it was built under.
    pub filter: Filter,
    /// Each event's verdict under it; `None` when it shows everything.
    pub flags: Option<Arc<Flags>>,
    /// Events per stretch of time, under every part of the filter but its window.
    pub histogram: Histogram,
    /// Where each event falls among the histogram's bins: made with the
    /// table's first view, kept by the views after it.
    pub time_bins: Arc<TimeBins>,
    /// Counts of the events shown, for the filter panel (of the sources
    /// too when `indexed`: built with the search index, which knows them).
    pub facets: Facets,
    pub indexed: bool,
    /// The words searched for, and the events shown that hold them, in
    /// timeline order: what Enter walks through and the views highlight.
    pub search: String,
    pub matches: Vec<u32>,
    /// Whether each event matches the search, by event index (empty: no search).
    pub is_match: Vec<bool>,
    /// The events shown here that the view before did not show, ascending
    /// (none when more than [`MAX_ENTERED`] entered: a fade is for a few).
    pub entered: Vec<u32>,
}

impl std::fmt::Debug for ViewIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ViewIndex({} shown, {:?})", self.shown(), self.filter)
    }
}

/// Above this many events entering at once, none fades in.
pub const MAX_ENTERED: usize = 20_000;

impl ViewIndex {
    /// The views of a table's events under `filter`; `all_markers` is the
    /// table's full marker index, when already built; `search` the words
    /// to find among those shown (with `index`, needed for words).
    pub fn build(
        table: &EventTable,
        all_markers: Option<Arc<MarkerIndex>>,
        regions: &RegionIndex,
        filter: &Filter,
        search: &str,
        index: Option<&SearchIndex>,
    ) -> ViewIndex {
        Self::build_after(table, all_markers, regions, filter, search, index, None)
    }

    /// [`ViewIndex::build`], after the view `before` (the one on screen):
    /// its histogram is kept when only the window changed (a drag, a step
    /// of playback), and the events it did not show are marked as entering.
    pub fn build_after(
        table: &EventTable,
        all_markers: Option<Arc<MarkerIndex>>,
        regions: &RegionIndex,
        filter: &Filter,
        search: &str,
        index: Option<&SearchIndex>,
        before: Option<&ViewIndex>,
    ) -> ViewIndex {
        let same_base = |b: &&ViewIndex| {
            let mut f = b.filter.clone();
            f.window = filter.window;
            f.include_undated = filter.include_undated;
            f == *filter && !b.histogram.edges.is_empty()
        };
        let kept_histogram = before.filter(same_base).map(|b| b.histogram.clone());
        // The table's bins, from the view before when it is of this table.
        let same_table = |b: &&ViewIndex| {
            all_markers
                .as_ref()
                .is_some_and(|m| Arc::ptr_eq(m, &b.all_markers))
                && b.time_bins.size().is_some()
        };
        let kept_bins = before.filter(same_table).map(|b| b.time_bins.clone());
        let categories = &table.meta.categories;
        // The words searched for, found once: for the matches, and for the
        // filter too when it holds the same words (only matches).
        let is_match = match index {
            Some(index) if !search.trim().is_empty() => index.find(search),
            _ => Vec::new(),
        };
        let same_words = !is_match.is_empty() && filter.text.trim() == search.trim();
        let flags = (!filter.is_everything())
            .then(|| filter.flags_found(table, index, same_words.then_some(is_match.as_slice())));
        let shown = |i: usize| flags.as_ref().is_none_or(|f| f[i] == SHOWN);
        // The map's index and the timeline side by side; the histogram and
        // the counts beside them.
        let ((all_markers, timeline), ((time_bins, histogram), facets)) = rayon::join(
            || {
                rayon::join(
                    || all_markers.unwrap_or_else(|| Arc::new(MarkerIndex::build(table))),
                    || match &flags {
                        Some(_) => Timeline::build_where(table, shown),
                        None => Timeline::build(table),
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        let bins = kept_bins.unwrap_or_else(|| Arc::new(TimeBins::build(table)));
                        let histogram = kept_histogram
                            .unwrap_or_else(|| Histogram::count(table, &bins, flags.as_ref()));
                        (bins, histogram)
                    },
                    || Facets::count(table, flags.as_ref(), index),
                )
            },
        );
        let markers = match &flags {
            Some(_) => Arc::new(all_markers.filter(table, shown)),
            None => all_markers.clone(),
        };
        // A category the file gives no colour (or a bad one) takes the
        // palette's colour for its place, as an imported one does.
        let category_colors = categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.color
                    .as_deref()
                    .and_then(|hex| Color32::from_hex(hex).ok())
                    .or_else(|| {
                        Color32::from_hex(incident_map_core::formats::import::palette(i + 1)).ok()
                    })
                    .unwrap_or(NO_CATEGORY)
            })
            .collect();
        let (row_tops, frame) =
            rayon::join(|| row_tops(table, &timeline), || frame(&markers, regions));
        let matches = if is_match.is_empty() {
            Vec::new()
        } else {
            timeline
                .order
                .iter()
                .copied()
                .filter(|&i| is_match[i as usize])
                .collect()
        };
        let mut view = ViewIndex {
            row_tops,
            frame,
            timeline,
            markers,
            all_markers,
            category_colors,
            filter: filter.clone(),
            flags: flags.map(Arc::new),
            histogram,
            time_bins,
            facets,
            indexed: index.is_some(),
            search: search.to_string(),
            matches,
            is_match,
            entered: Vec::new(),
        };
        if let Some(b) = before {
            view.mark_entered(b.flags.as_deref());
        }
        view
    }

    /// Notes the events shown here that were not under `before` (the
    /// flags of the view before; `None`: it showed everything, so none enters).
    fn mark_entered(&mut self, before: Option<&Flags>) {
        let Some(before) = before else { return };
        let mut entered = Vec::new();
        for m in 0..self.markers.len() {
            let e = self.markers.event(m);
            if before.get(e).is_some_and(|&f| f != SHOWN) {
                entered.push(e as u32);
                if entered.len() > MAX_ENTERED {
                    return;
                }
            }
        }
        entered.sort_unstable();
        self.entered = entered;
    }

    /// Whether event `i` entered with this view.
    pub fn entered(&self, i: usize) -> bool {
        self.entered.binary_search(&(i as u32)).is_ok()
    }

    /// Whether event `i` holds the words searched for.
    pub fn is_match(&self, i: usize) -> bool {
        self.is_match.get(i).copied().unwrap_or(false)
    }

    /// An event's colour, by its category.
    pub fn color(&self, category: Option<usize>) -> Color32 {
        category.map_or(NO_CATEGORY, |c| {
            self.category_colors.get(c).copied().unwrap_or(NO_CATEGORY)
        })
    }

    /// How many events are shown (not hidden by a filter).
    pub fn shown(&self) -> usize {
        self.timeline.len()
    }

    /// The events whose markers are in a map view of `size` points
    /// centred on `center` at `zoom`, in file order.
    pub fn events_in_view(
        &self,
        table: &EventTable,
        center: LatLon,
        zoom: f64,
        size: [f32; 2],
    ) -> Vec<usize> {
        let c = mercator(center);
        let scale = world_pixels(zoom);
        let (hw, hh) = (
            f64::from(size[0]) / 2.0 / scale,
            f64::from(size[1]) / 2.0 / scale,
        );
        let mut events: Vec<usize> = self
            .markers
            .markers(table)
            .filter(|m| (m.world[0] - c[0]).abs() <= hw && (m.world[1] - c[1]).abs() <= hh)
            .map(|m| m.event)
            .collect();
        events.sort_unstable();
        events
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
    pub fn of(detail: &Detail, meta: &Meta, regions: &RegionIndex) -> Situated {
        let Some(at) = detail.locate() else {
            return Situated::default();
        };
        let s = situate(at, meta.reference.as_ref(), regions);
        let mut line = at.place.map_or_else(
            || format!("{:.4}, {:.4}", s.point.lat, s.point.lon),
            |p| p.name.clone(),
        );
        if let Some(r) = s
            .region
            .filter(|r| at.place.is_none_or(|p| p.name != r.name))
        {
            line.push_str(&format!(", {}", r.name));
        }
        let mut detail_words = Vec::new();
        detail_words.extend(at.geometry.and_then(describe_shape));
        if let Some(p) = s.precision {
            detail_words.push(format!("{}-level location", p.as_str()));
        }
        // The offset from the reference place carries a radius of a
        // kilometre or more ("± 136 km"); otherwise it is said here.
        let offset = s.describe_offset();
        match s.uncertainty_m {
            Some(u) if u < 1000.0 => detail_words.push(format!("within {u:.0} m")),
            Some(u) if offset.is_none() => {
                detail_words.push(format!("within {:.0} km", u / 1000.0))
            }
            _ => {}
        }
        detail_words.extend(offset);
        Situated {
            line: Some(line),
            detail: (!detail_words.is_empty()).then(|| detail_words.join(" · ")),
            note: detail.event.location.as_ref().and_then(|l| l.note.clone()),
        }
    }
}

/// The box of the markers shown, with the whole region of region-level
/// ones; Moscow and Kaluga Oblast (the bundled regions' home) when no
/// event shown has a place.
pub fn frame(markers: &MarkerIndex, regions: &RegionIndex) -> Option<BBox> {
    use geo::BoundingRect;
    let codes: Vec<&str> = if markers.is_empty() {
        vec!["RU-MOW", "RU-KLU"]
    } else {
        markers.regions().iter().map(|(c, _)| c.as_str()).collect()
    };
    let outlines = codes
        .into_iter()
        .filter_map(|code| regions.get(code)?.outline.bounding_rect())
        .map(BBox::of_rect);
    let points = markers.bounds_all();
    outlines.chain(points).reduce(BBox::union)
}

/// The top of each row of the timeline's list and, last, the list's
/// height: worked out once per view, so a frame draws only the rows in view.
pub fn row_tops(table: &EventTable, timeline: &Timeline) -> Vec<f32> {
    let mut tops = Vec::with_capacity(timeline.rows.len() + 1);
    let mut y = 0.0;
    for row in &timeline.rows {
        tops.push(y);
        y += match row {
            Row::Day(_) | Row::Undated => DAY_ROW,
            Row::Event(i) => {
                EVENT_ROW + RELATION_LINE * table.relations(*i as usize).count() as f32
            }
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
        let loaded = incident_map_core::formats::load(&path, &Default::default()).unwrap();
        let table = loaded.store.as_ref().unwrap().table();
        let regions = RegionIndex::bundled();
        let all = ViewIndex::build(table, None, &regions, &Filter::default(), "", None);
        assert!(all.histogram.bins() > 0, "{:?}", all.histogram);
        let frame = all.frame.unwrap();
        // The FSB operation frames the whole of Kaluga Oblast.
        assert!(frame.sw.lat < 54.0 && frame.sw.lon < 35.0, "{frame:?}");
        let crocus = table.find("crocus-attack").unwrap();
        assert_eq!(
            all.color(table.category(crocus)),
            Color32::from_hex("#d62728").unwrap()
        );
        // Only the attack shown: a box around Krasnogorsk alone.
        let others = Filter {
            hidden_categories: table
                .meta
                .categories
                .iter()
                .map(|c| c.id.clone())
                .filter(|c| c != "attack")
                .collect(),
            ..Filter::default()
        };
        let one = ViewIndex::build(
            table,
            Some(all.all_markers.clone()),
            &regions,
            &others,
            "",
            None,
        );
        assert_eq!(one.shown(), 1);
        assert_eq!(one.markers.len(), 1);
        assert_eq!(one.all_markers.len(), 4);
        let b = one.frame.unwrap();
        assert!((b.sw.lat - 55.8257).abs() < 1e-5 && (b.sw.lon - 37.3889).abs() < 1e-5);
        assert!(b.ne.lat - b.sw.lat < 0.01, "{b:?}");
    }

    #[test]
    fn categories_without_a_colour_take_the_palettes_in_turn() {
        let text = r##"{"format": "incident-map", "version": 1, "title": "t",
            "categories": [{"id": "a", "label": "A"}, {"id": "b", "label": "B", "color": "#00ff00"},
                           {"id": "c", "label": "C", "color": "not a colour"}],
            "events": [{"id": "e", "title": "E", "when": "2024-03-01", "category": "a"}]}"##;
        let loaded =
            incident_map_core::formats::load_bytes(std::path::Path::new("t.json"), text.as_bytes());
        let table = loaded.store.as_ref().unwrap().table();
        let view = ViewIndex::build(
            table,
            None,
            &RegionIndex::bundled(),
            &Filter::default(),
            "",
            None,
        );
        let hex = |n| Color32::from_hex(incident_map_core::formats::import::palette(n)).unwrap();
        assert_eq!(view.color(Some(0)), hex(1));
        assert_eq!(view.color(Some(1)), Color32::from_rgb(0, 255, 0));
        assert_eq!(view.color(Some(2)), hex(3));
        assert_ne!(hex(1), hex(3));
        assert_eq!(view.color(None), NO_CATEGORY);
    }

    #[test]
    fn after_a_window_moves_the_new_events_enter_and_the_histogram_is_kept() {
        let path = crate::tests::repo("data/moscow-march-2024.json");
        let loaded = incident_map_core::formats::load(&path, &Default::default()).unwrap();
        let table = loaded.store.as_ref().unwrap().table();
        let regions = RegionIndex::bundled();
        let tz = table.tz().clone();
        let days = |a, b| Filter {
            window: incident_map_core::filter::day_window(
                Some(jiff::civil::date(2024, 3, a)),
                Some(jiff::civil::date(2024, 3, b)),
                &tz,
            ),
            ..Filter::default()
        };
        let first = ViewIndex::build(table, None, &regions, &days(7, 7), "", None);
        assert_eq!(first.shown(), 1);
        let mut marked = first.histogram.clone();
        marked.max += 1000; // a mark: kept, not built again
        let first = ViewIndex {
            histogram: marked,
            ..first
        };
        let next = ViewIndex::build_after(
            table,
            Some(first.all_markers.clone()),
            &regions,
            &days(7, 8),
            "",
            None,
            Some(&first),
        );
        assert_eq!(
            next.histogram.max, first.histogram.max,
            "only the window moved"
        );
        let warning = table.find("us-embassy-alert").unwrap();
        let fsb = table.find("fsb-kaluga-operation").unwrap();
        assert!(next.entered(warning), "{:?}", next.entered);
        assert!(!next.entered(fsb), "it was there before");
        // Another kind of change builds the histogram again.
        let hidden = Filter {
            hidden_categories: ["attack".into()].into(),
            ..days(7, 8)
        };
        let other = ViewIndex::build_after(
            table,
            Some(first.all_markers.clone()),
            &regions,
            &hidden,
            "",
            None,
            Some(&next),
        );
        assert_ne!(other.histogram.max, first.histogram.max);
    }
}

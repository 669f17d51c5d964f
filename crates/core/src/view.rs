//! What every view of a table shows under one filter, assembled once from
//! the core's parts: each event's verdict ([`crate::filter`]), the timeline,
//! the markers ([`crate::markers`]), the histogram, the counts by facet,
//! the words searched for, the box that frames what is shown, each
//! category's colour. One [`ViewInputs`] value in, one [`View`] out: the
//! app builds it off its UI thread (and adds only its style: row heights,
//! colours as its painter wants them); `render` and anything that
//! publishes build the same thing without a window.
//!
//! [`Situated`] is where one event is, in the words the context shows.

use std::sync::Arc;

use rayon::prelude::*;

use crate::filter::{Facets, Filter, Flags, SHOWN, SearchIndex};
use crate::geography::{RegionIndex, describe_shape, situate};
use crate::histogram::{Histogram, TimeBins};
use crate::markers::{MarkerIndex, mercator, world_pixels};
use crate::model::{BBox, LatLon};
use crate::store::{Detail, EventTable, Meta};
use crate::timeline::Timeline;

/// Everything a [`View`] is built from.
#[derive(Clone, Copy)]
pub struct ViewInputs<'a> {
    pub table: &'a EventTable,
    /// The table's full marker index, when already built (else built here).
    pub all_markers: Option<&'a Arc<MarkerIndex>>,
    pub regions: &'a RegionIndex,
    pub filter: &'a Filter,
    /// The words to find among the events shown (with `index`).
    pub search: &'a str,
    /// The events' words, folded: needed for words and sources.
    pub index: Option<&'a SearchIndex>,
    /// The events holding `search`, when found already without an index
    /// (read from the events once: [`SearchIndex::scan`]).
    pub found: Option<&'a [bool]>,
    /// The view on screen: its histogram is kept when only the window
    /// changed (a drag, a step of playback), its table's time bins reused,
    /// and the events it did not show are marked as entering.
    pub before: Option<&'a View>,
}

impl<'a> ViewInputs<'a> {
    /// The inputs of a table's view under `filter`, nothing else known yet.
    pub fn new(table: &'a EventTable, regions: &'a RegionIndex, filter: &'a Filter) -> Self {
        ViewInputs {
            table,
            all_markers: None,
            regions,
            filter,
            search: "",
            index: None,
            found: None,
            before: None,
        }
    }
}

/// Above this many events entering at once, none fades in.
pub const MAX_ENTERED: usize = 20_000;

/// The views of one table under one filter.
#[derive(Default)]
pub struct View {
    /// Shared with the view before when only the words searched changed.
    pub timeline: Arc<Timeline>,
    /// The markers of the events shown.
    pub markers: Arc<MarkerIndex>,
    /// The markers of every event: what a filter's markers are taken from.
    pub all_markers: Arc<MarkerIndex>,
    /// Each category's colour (red, green, blue), by category index: its
    /// own, or the palette's for its place when it has none (or a bad one).
    pub category_colors: Vec<[u8; 3]>,
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

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "View({} shown, {:?})", self.shown(), self.filter)
    }
}

/// The events of `timeline` that match (`is_match`, by event index), in
/// its order.
fn matches_in(timeline: &Timeline, is_match: &[bool]) -> Vec<u32> {
    if is_match.is_empty() {
        return Vec::new();
    }
    // A word every event holds: all of them, copied whole.
    if is_match.par_iter().all(|&m| m) {
        return timeline.order.clone();
    }
    timeline
        .order
        .par_iter()
        .with_min_len(1 << 16)
        .copied()
        .filter(|&i| is_match[i as usize])
        .collect()
}

impl View {
    /// The views of `inputs.table`'s events under `inputs.filter`.
    pub fn build(inputs: ViewInputs<'_>) -> View {
        let ViewInputs {
            table,
            all_markers,
            regions,
            filter,
            search,
            index,
            found,
            before,
        } = inputs;
        let same_base = |b: &&View| {
            let mut f = b.filter.clone();
            f.window = filter.window;
            f.include_undated = filter.include_undated;
            f == *filter && !b.histogram.edges.is_empty()
        };
        let kept_histogram = before.filter(same_base).map(|b| b.histogram.clone());
        // The table's bins, from the view before when it is of this table.
        let same_table = |b: &&View| {
            all_markers.is_some_and(|m| Arc::ptr_eq(m, &b.all_markers))
                && b.time_bins.size().is_some()
        };
        let kept_bins = before.filter(same_table).map(|b| b.time_bins.clone());
        // Only the words searched changed (or nothing): what is shown is
        // what the view before showed, so all but the matches is its own
        // (a keystroke over 10^7 events rebuilds nothing but them).
        let same_shown =
            before.filter(|b| same_table(b) && b.filter == *filter && b.indexed == index.is_some());
        // The words searched for, found once: for the matches, and for the
        // filter too when it holds the same words (only matches).
        let is_match = match (found, index) {
            _ if search.trim().is_empty() => Vec::new(),
            (Some(found), _) => found.to_vec(),
            (None, Some(index)) => index.find(search),
            (None, None) => Vec::new(),
        };
        if let Some(b) = same_shown {
            let matches = matches_in(&b.timeline, &is_match);
            return View {
                frame: b.frame,
                timeline: b.timeline.clone(),
                markers: b.markers.clone(),
                all_markers: b.all_markers.clone(),
                category_colors: b.category_colors.clone(),
                filter: filter.clone(),
                flags: b.flags.clone(),
                histogram: b.histogram.clone(),
                time_bins: b.time_bins.clone(),
                facets: b.facets.clone(),
                indexed: b.indexed,
                search: search.to_string(),
                matches,
                is_match,
                entered: Vec::new(),
            };
        }
        let same_words = !is_match.is_empty() && filter.text.trim() == search.trim();
        let flags = (!filter.is_everything())
            .then(|| filter.flags_found(table, index, same_words.then_some(is_match.as_slice())));
        let shown = |i: usize| flags.as_ref().is_none_or(|f| f[i] == SHOWN);
        // The map's index and the timeline side by side; the histogram and
        // the counts beside them.
        let ((all_markers, timeline), ((time_bins, histogram), facets)) = rayon::join(
            || {
                rayon::join(
                    || {
                        all_markers
                            .cloned()
                            .unwrap_or_else(|| Arc::new(MarkerIndex::build(table)))
                    },
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
                    || {
                        let mut facets = Facets::count(table, flags.as_ref(), index);
                        hidden_counts(
                            &mut facets,
                            table,
                            filter,
                            index,
                            same_words.then_some(is_match.as_slice()),
                        );
                        facets
                    },
                )
            },
        );
        let markers = match &flags {
            Some(_) => Arc::new(all_markers.filter(table, shown)),
            None => all_markers.clone(),
        };
        let frame = frame(&markers, regions);
        let matches = matches_in(&timeline, &is_match);
        let mut view = View {
            frame,
            timeline: Arc::new(timeline),
            markers,
            all_markers,
            category_colors: category_colors(&table.meta),
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

    /// Whether event `i` is shown (not hidden by the filter).
    pub fn is_shown(&self, i: usize) -> bool {
        self.flags.as_ref().is_none_or(|f| f.get(i) == Some(&SHOWN))
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

/// Each category's colour: its own when it parses (`#rrggbb`), else the
/// import palette's for its place.
pub fn category_colors(meta: &Meta) -> Vec<[u8; 3]> {
    meta.categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.color
                .as_deref()
                .and_then(rgb)
                .or_else(|| rgb(crate::formats::import::palette(i + 1)))
                .unwrap_or(NO_CATEGORY)
        })
        .collect()
}

/// The colour of events with no category (or a category whose colour is lost).
pub const NO_CATEGORY: [u8; 3] = [60, 60, 60];

/// A colour written `#rgb`, `#rrggbb` (an alpha after them, `#rgba` or
/// `#rrggbbaa`, set aside) as its red, green and blue.
pub fn rgb(hex: &str) -> Option<[u8; 3]> {
    let h = hex.trim().strip_prefix('#')?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&h[i..i + 1], 16).ok();
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    match h.len() {
        3 | 4 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 | 8 => Some([byte(0)?, byte(2)?, byte(4)?]),
        _ => None,
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

/// A hidden category's count: how many of its events the rest of the
/// filter shows (what ticking it again would bring back), not zero. One
/// more pass over the table, only while a category is hidden.
fn hidden_counts(
    facets: &mut Facets,
    table: &EventTable,
    filter: &Filter,
    index: Option<&SearchIndex>,
    found: Option<&[bool]>,
) {
    if filter.hidden_categories.is_empty() {
        return;
    }
    let hidden: Vec<usize> = table
        .meta
        .categories
        .iter()
        .enumerate()
        .filter(|(_, c)| filter.hidden_categories.contains(&c.id))
        .map(|(k, _)| k)
        .collect();
    let others = Filter {
        hidden_categories: Default::default(),
        ..filter.clone()
    };
    let flags = (!others.is_everything()).then(|| others.flags_found(table, index, found));
    let mut counts = vec![0u32; table.meta.categories.len()];
    for i in 0..table.len() {
        if flags.as_ref().is_none_or(|f| f[i] == SHOWN)
            && let Some(c) = table.category(i)
        {
            counts[c] += 1;
        }
    }
    for k in hidden {
        if let Some(slot) = facets.categories.get_mut(k) {
            *slot = counts[k];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> crate::formats::Loaded {
        crate::formats::load(
            &crate::repo("data/moscow-march-2024.json"),
            &Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn the_frame_follows_the_filter_and_colours_are_resolved_once() {
        let loaded = scenario();
        let table = loaded.store.as_ref().unwrap().table();
        let regions = RegionIndex::bundled();
        let everything = Filter::default();
        let all = View::build(ViewInputs::new(table, &regions, &everything));
        assert!(all.histogram.bins() > 0, "{:?}", all.histogram);
        let frame = all.frame.unwrap();
        // The FSB operation frames the whole of Kaluga Oblast.
        assert!(frame.sw.lat < 54.0 && frame.sw.lon < 35.0, "{frame:?}");
        let crocus = table.find("crocus-attack").unwrap();
        let c = table.category(crocus).unwrap();
        assert_eq!(all.category_colors[c], rgb("#d62728").unwrap());
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
        let one = View::build(ViewInputs {
            all_markers: Some(&all.all_markers),
            ..ViewInputs::new(table, &regions, &others)
        });
        assert_eq!(one.shown(), 1);
        assert_eq!(one.markers.len(), 1);
        assert_eq!(one.all_markers.len(), 4);
        assert!(one.is_shown(crocus) && !one.is_shown(table.find("fsb-kaluga-operation").unwrap()));
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
        let loaded = crate::formats::load_bytes(std::path::Path::new("t.json"), text.as_bytes());
        let table = loaded.store.as_ref().unwrap().table();
        let colors = category_colors(&table.meta);
        let palette = |n| rgb(crate::formats::import::palette(n)).unwrap();
        assert_eq!(colors, [palette(1), [0, 255, 0], palette(3)]);
        assert_ne!(palette(1), palette(3));
    }

    #[test]
    fn after_a_window_moves_the_new_events_enter_and_the_histogram_is_kept() {
        let loaded = scenario();
        let table = loaded.store.as_ref().unwrap().table();
        let regions = RegionIndex::bundled();
        let tz = table.tz().clone();
        let days = |a, b| Filter {
            window: crate::filter::day_window(
                Some(jiff::civil::date(2024, 3, a)),
                Some(jiff::civil::date(2024, 3, b)),
                &tz,
            ),
            ..Filter::default()
        };
        let seventh = days(7, 7);
        let first = View::build(ViewInputs::new(table, &regions, &seventh));
        assert_eq!(first.shown(), 1);
        let mut marked = first.histogram.clone();
        marked.max += 1000; // a mark: kept, not built again
        let first = View {
            histogram: marked,
            ..first
        };
        let two_days = days(7, 8);
        let next = View::build(ViewInputs {
            all_markers: Some(&first.all_markers),
            before: Some(&first),
            ..ViewInputs::new(table, &regions, &two_days)
        });
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
        let other = View::build(ViewInputs {
            all_markers: Some(&first.all_markers),
            before: Some(&next),
            ..ViewInputs::new(table, &regions, &hidden)
        });
        assert_ne!(other.histogram.max, first.histogram.max);
    }

    #[test]
    fn a_new_search_under_the_same_filter_keeps_all_but_the_matches() {
        let loaded = scenario();
        let store = loaded.store.as_ref().unwrap();
        let table = store.table();
        let regions = RegionIndex::bundled();
        let index = SearchIndex::build(store, &|_| {});
        let hidden = Filter {
            hidden_categories: ["attack".into()].into(),
            ..Filter::default()
        };
        let first = View::build(ViewInputs {
            index: Some(&index),
            ..ViewInputs::new(table, &regions, &hidden)
        });
        for words in ["kaluga", "fsb", "", "nothing holds this"] {
            let inputs = || ViewInputs {
                all_markers: Some(&first.all_markers),
                search: words,
                index: Some(&index),
                ..ViewInputs::new(table, &regions, &hidden)
            };
            let next = View::build(ViewInputs {
                before: Some(&first),
                ..inputs()
            });
            let fresh = View::build(inputs());
            assert!(
                Arc::ptr_eq(&next.timeline, &first.timeline),
                "{words}: kept"
            );
            assert!(Arc::ptr_eq(&next.markers, &first.markers));
            // What it keeps is what building it anew gives.
            assert_eq!(*next.timeline, *fresh.timeline, "{words}");
            assert_eq!(next.matches, fresh.matches, "{words}");
            assert_eq!(next.is_match, fresh.is_match, "{words}");
            assert_eq!(next.facets, fresh.facets, "{words}");
            assert_eq!(next.frame, fresh.frame, "{words}");
            assert_eq!(next.search, words);
            if words == "kaluga" {
                assert!(!next.matches.is_empty());
            }
        }
        // Only matches: the filter changed, so the events shown are worked out anew.
        let only = Filter {
            text: "kaluga".into(),
            ..hidden.clone()
        };
        let narrowed = View::build(ViewInputs {
            all_markers: Some(&first.all_markers),
            search: "kaluga",
            index: Some(&index),
            before: Some(&first),
            ..ViewInputs::new(table, &regions, &only)
        });
        assert!(!Arc::ptr_eq(&narrowed.timeline, &first.timeline));
        assert!(narrowed.shown() < first.shown());
    }

    #[test]
    fn a_hidden_categorys_count_is_what_ticking_it_again_brings_back() {
        let loaded = scenario();
        let table = loaded.store.as_ref().unwrap().table();
        let regions = RegionIndex::bundled();
        let attack = table
            .meta
            .categories
            .iter()
            .position(|c| c.id == "attack")
            .unwrap();
        let hidden = Filter {
            hidden_categories: ["attack".into()].into(),
            ..Filter::default()
        };
        let view = View::build(ViewInputs::new(table, &regions, &hidden));
        assert_eq!(view.shown(), 3, "the attack is hidden");
        assert_eq!(view.facets.categories[attack], 1, "and counted, not 0");
        // Under a window it is not in, its count is what the window holds.
        let tz = table.tz().clone();
        let early = Filter {
            window: crate::filter::day_window(
                Some(jiff::civil::date(2024, 3, 7)),
                Some(jiff::civil::date(2024, 3, 8)),
                &tz,
            ),
            ..hidden
        };
        let view = View::build(ViewInputs::new(table, &regions, &early));
        assert_eq!(view.facets.categories[attack], 0);
    }
}

//! What the panels read, built once per data set and filter, never per
//! frame: the core's [`View`] (timeline, markers, histogram, counts,
//! matches, the box that frames what is shown), and the app's style over
//! it: each category's colour as the painter takes it, the timeline's row
//! heights. Built on a background thread; the view in use stays until the
//! new one is ready. Also what one view of a server's table holds
//! ([`LiveView`]): the page of events it sent, with its views.
//!
//! This module names nothing else of the app.

use std::ops::Deref;
use std::sync::Arc;

use egui::Color32;
use incident_map_core::postgis::live::Ask;
use incident_map_core::postgis::view::CellCount;
use incident_map_core::store::{EventTable, Store};
use incident_map_core::timeline::{Row, Timeline};
use incident_map_core::view::{View, ViewInputs};

pub use incident_map_core::view::Situated;

/// The colour of events with no category (or a category without a colour).
pub const NO_CATEGORY: Color32 = {
    let [r, g, b] = incident_map_core::view::NO_CATEGORY;
    Color32::from_rgb(r, g, b)
};

/// Heights of the timeline's rows, in points.
pub const DAY_ROW: f32 = 26.0;
pub const EVENT_ROW: f32 = 40.0;
pub const RELATION_LINE: f32 = 16.0;

/// The views of one table under one filter, with the app's style.
#[derive(Default)]
pub struct ViewIndex {
    pub view: View,
    /// Where each row of the timeline's list starts and, last, its height
    /// (shared with the view before when its timeline is).
    pub row_tops: Arc<Vec<f32>>,
    /// Each category's colour, by category index.
    pub category_colors: Vec<Color32>,
}

impl Deref for ViewIndex {
    type Target = View;
    fn deref(&self) -> &View {
        &self.view
    }
}

impl std::fmt::Debug for ViewIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.view.fmt(f)
    }
}

impl ViewIndex {
    /// The core's view of `inputs`, styled.
    pub fn build(inputs: ViewInputs<'_>) -> ViewIndex {
        ViewIndex::styled(inputs.table, View::build(inputs))
    }

    /// [`ViewIndex::build`] after `before` (whose view is `inputs.before`):
    /// what the new view shares with it is not worked out again.
    pub fn build_after(inputs: ViewInputs<'_>, before: &ViewIndex) -> ViewIndex {
        let table = inputs.table;
        let view = View::build(inputs);
        if Arc::ptr_eq(&view.timeline, &before.view.timeline) {
            return ViewIndex {
                row_tops: before.row_tops.clone(),
                category_colors: before.category_colors.clone(),
                view,
            };
        }
        ViewIndex::styled(table, view)
    }

    /// `view` of `table`, styled.
    pub fn styled(table: &EventTable, view: View) -> ViewIndex {
        let category_colors = view
            .category_colors
            .iter()
            .map(|&[r, g, b]| Color32::from_rgb(r, g, b))
            .collect();
        ViewIndex {
            row_tops: Arc::new(row_tops(table, &view.timeline)),
            category_colors,
            view,
        }
    }

    /// An event's colour, by its category.
    pub fn color(&self, category: Option<usize>) -> Color32 {
        category.map_or(NO_CATEGORY, |c| {
            self.category_colors.get(c).copied().unwrap_or(NO_CATEGORY)
        })
    }
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

/// What one view of a server's table shows: its page of events (a store
/// and its views, as a file's), the cells the server counted, and the counts.
pub struct LiveView {
    pub ask: Ask,
    /// The search the page's matches were found for.
    pub search: String,
    pub store: Arc<Store>,
    pub view: Arc<ViewIndex>,
    /// The events in view by cells of `ask.zoom` (drawn when the page does
    /// not hold them all).
    pub cells: Vec<CellCount>,
    /// The page holds every event in view.
    pub complete: bool,
    pub in_view: u64,
    /// The events under the filter, in the whole table.
    pub total: u64,
}

impl std::fmt::Debug for LiveView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LiveView({} of {} in view, {} in all)",
            self.store.len(),
            self.in_view,
            self.total
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use incident_map_core::filter::Filter;
    use incident_map_core::geography::RegionIndex;

    #[test]
    fn the_style_follows_the_view() {
        let path = crate::tests::repo("data/moscow-march-2024.json");
        let loaded = incident_map_core::formats::load(&path, &Default::default()).unwrap();
        let table = loaded.store.as_ref().unwrap().table();
        let regions = RegionIndex::bundled();
        let everything = Filter::default();
        let view = ViewIndex::build(ViewInputs::new(table, &regions, &everything));
        let crocus = table.find("crocus-attack").unwrap();
        assert_eq!(
            view.color(table.category(crocus)),
            Color32::from_hex("#d62728").unwrap()
        );
        assert_eq!(view.color(None), NO_CATEGORY);
        // A row per day and per event, each event's as tall as its relations make it.
        assert_eq!(view.row_tops.len(), view.timeline.rows.len() + 1);
        let height = *view.row_tops.last().unwrap();
        let days = view
            .timeline
            .rows
            .iter()
            .filter(|r| !matches!(r, Row::Event(_)))
            .count();
        let relations: usize = (0..table.len()).map(|i| table.relations(i).count()).sum();
        let expected = days as f32 * DAY_ROW + 4.0 * EVENT_ROW + relations as f32 * RELATION_LINE;
        assert!((height - expected).abs() < 1e-3, "{height} vs {expected}");
        // Another search under the same filter: the rows' tops are kept;
        // another filter works them out anew.
        let searched = ViewIndex::build_after(
            ViewInputs {
                all_markers: Some(&view.all_markers),
                search: "crocus",
                before: Some(&view.view),
                ..ViewInputs::new(table, &regions, &everything)
            },
            &view,
        );
        assert!(Arc::ptr_eq(&searched.row_tops, &view.row_tops));
        let hidden = Filter {
            hidden_categories: ["attack".into()].into(),
            ..Filter::default()
        };
        let other = ViewIndex::build_after(
            ViewInputs {
                all_markers: Some(&view.all_markers),
                before: Some(&view.view),
                ..ViewInputs::new(table, &regions, &hidden)
            },
            &view,
        );
        assert!(!Arc::ptr_eq(&other.row_tops, &view.row_tops));
        assert_eq!(other.row_tops.len(), other.timeline.rows.len() + 1);
    }
}

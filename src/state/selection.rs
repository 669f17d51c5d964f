//! The selection: the event selected (with the passage of it shown, where
//! it is in words and the event in full, both read once when it is
//! selected), walking the events in time and the search's matches, and the
//! events of a cluster that no zoom can split, listed to choose from. An
//! event is selected only while it is shown.

use std::sync::Arc;

use incident_map_core::geography::RegionIndex;
use incident_map_core::markers::unmercator;
use incident_map_core::store::Detail;

use super::document::Document;
use crate::action::CameraMove;
use crate::views::Situated;

/// The selected event.
#[derive(Debug, Clone)]
pub struct Selection {
    pub id: String,
    /// Its index in the dataset.
    pub event: usize,
    /// Which of its passages is shown.
    pub passage: usize,
    /// Where it is, in words: worked out when it was selected.
    pub situated: Situated,
    /// It in full, with its sources and places: read when it was selected.
    pub detail: Arc<Detail>,
}

/// The selection room.
#[derive(Debug, Default)]
pub struct Selected {
    current: Option<Selection>,
    /// The events of a cluster that zooming cannot split, listed to choose from.
    listed: Option<Vec<usize>>,
}

impl Selected {
    pub fn get(&self) -> Option<&Selection> {
        self.current.as_ref()
    }

    pub fn listed(&self) -> Option<&[usize]> {
        self.listed.as_deref()
    }

    pub fn clear(&mut self) {
        self.current = None;
    }

    pub fn close_list(&mut self) {
        self.listed = None;
    }

    /// Selects the event `id` of `doc`, if it is there and shown; whether
    /// it was. The passage shown stays when it is the same event.
    pub fn select(&mut self, doc: &Document, regions: &RegionIndex, id: &str) -> bool {
        let Some(event) = doc.table().find(id) else {
            return false;
        };
        if doc.view.timeline.position(event).is_none() {
            return false;
        }
        let passage = match &self.current {
            Some(s) if s.id == id => s.passage,
            _ => 0,
        };
        let detail = doc.store.detail(event);
        let situated = Situated::of(&detail, &doc.table().meta, regions);
        self.current = Some(Selection {
            id: id.to_string(),
            event,
            passage,
            situated,
            detail: Arc::new(detail),
        });
        true
    }

    /// Shows passage `n` of the selected event; whether there is one selected.
    pub fn show_passage(&mut self, n: usize) -> bool {
        match &mut self.current {
            Some(s) => {
                s.passage = n;
                true
            }
            None => false,
        }
    }

    /// A new view of `doc` is on screen: the selection stays (with its
    /// passage) when its event is still there and shown; no list stays.
    pub fn keep(&mut self, doc: &Document, regions: &RegionIndex) {
        self.listed = None;
        let Some(old) = self.current.take() else {
            return;
        };
        if self.select(doc, regions, &old.id)
            && let Some(s) = &mut self.current
        {
            s.passage = old.passage;
        }
    }

    /// Selects the next (or previous) event in time; whether one was.
    pub fn step(&mut self, doc: &Document, regions: &RegionIndex, forward: bool) -> bool {
        let timeline = &doc.view.timeline;
        let current = self.current.as_ref().map(|s| s.event);
        let next = if forward {
            timeline.next(current)
        } else {
            timeline.previous(current)
        };
        next.is_some_and(|i| {
            let id = doc.table().id(i).to_string();
            self.select(doc, regions, &id)
        })
    }

    /// Selects the next (or previous) event in time that holds the words
    /// searched for, round again at the ends; whether one was.
    pub fn step_match(&mut self, doc: &Document, regions: &RegionIndex, forward: bool) -> bool {
        let matches = &doc.view.matches;
        let timeline = &doc.view.timeline;
        let here = self
            .current
            .as_ref()
            .and_then(|s| timeline.position(s.event));
        let rank = |i: u32| timeline.position(i as usize).unwrap_or(usize::MAX);
        let next = if forward {
            matches
                .iter()
                .copied()
                .find(|&i| here.is_none_or(|h| rank(i) > h))
                .or(matches.first().copied())
        } else {
            matches
                .iter()
                .rev()
                .copied()
                .find(|&i| here.is_none_or(|h| rank(i) < h))
                .or(matches.last().copied())
        };
        next.is_some_and(|i| {
            let id = doc.table().id(i as usize).to_string();
            self.select(doc, regions, &id)
        })
    }

    /// A cluster clicked: the move that zooms into it, or (its events on one
    /// spot that no zoom can split) `None` and its events listed.
    pub fn open_cluster(&mut self, doc: &Document, zoom: u8, cells: &[u64]) -> Option<CameraMove> {
        let index = &doc.view.markers;
        if index.cluster_splits(zoom, cells) {
            // The box of all their markers, one zoom level deeper at least.
            let (nw, se) = index.bounds(doc.table(), zoom, cells)?;
            return Some(CameraMove::Fit {
                sw: unmercator([nw[0], se[1]]),
                ne: unmercator([se[0], nw[1]]),
                min_zoom: f64::from(zoom) + 1.0,
            });
        }
        let mut events: Vec<usize> = cells
            .iter()
            .flat_map(|&c| index.members(zoom, c))
            .map(|m| index.event(m))
            .collect();
        events.sort_by_key(|&e| doc.view.timeline.time_rank[e]);
        self.listed = Some(events);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::ViewIndex;
    use incident_map_core::filter::Filter;
    use incident_map_core::origin::Origin;
    use incident_map_core::view::ViewInputs;

    fn scenario(filter: &Filter, regions: &RegionIndex) -> Document {
        let path = crate::tests::repo("data/moscow-march-2024.json");
        let loaded = incident_map_core::formats::load(&path, &Default::default()).unwrap();
        let store = Arc::new(loaded.store.unwrap());
        let view = ViewIndex::build(ViewInputs::new(store.table(), regions, filter));
        Document {
            origin: Origin::File(path),
            store,
            view: Arc::new(view),
            search_index: None,
            format: None,
            live: None,
            parts: Vec::new(),
        }
    }

    #[test]
    fn an_event_is_selected_while_it_is_shown_and_kept_with_its_passage() {
        let regions = RegionIndex::bundled();
        let all = scenario(&Filter::default(), &regions);
        let mut s = Selected::default();
        assert!(!s.select(&all, &regions, "no-such-event"));
        assert!(s.select(&all, &regions, "crocus-attack"));
        assert_eq!(
            s.get().unwrap().situated.line.as_deref(),
            Some("Crocus City Hall, Moscow Oblast")
        );
        assert!(s.show_passage(1));
        // The same event shown again keeps its passage; hidden, it goes.
        s.keep(&all, &regions);
        assert_eq!(s.get().map(|x| x.passage), Some(1));
        let hidden = Filter {
            hidden_categories: ["attack".into()].into(),
            ..Filter::default()
        };
        let without = scenario(&hidden, &regions);
        s.keep(&without, &regions);
        assert!(s.get().is_none());
        assert!(!s.select(&without, &regions, "crocus-attack"));
        // Walking in time: the first, then the next.
        assert!(s.step(&all, &regions, true));
        assert_eq!(s.get().unwrap().id, "fsb-kaluga-operation");
        assert!(s.step(&all, &regions, true));
        assert_eq!(s.get().unwrap().id, "us-embassy-alert");
        assert!(s.step(&all, &regions, false));
        assert_eq!(s.get().unwrap().id, "fsb-kaluga-operation");
        // No words searched: no match to walk to.
        assert!(!s.step_match(&all, &regions, true));
    }
}

//! A server's table asked per view: the question the map's view asks under
//! the lens (asked again only when it changes), taking in the table and
//! each answer, and how many events are about in the view. The thread that
//! asks is the app's `live` module; what an answer holds, `views::LiveView`.

use std::sync::{Arc, Weak};

use incident_map_core::markers::{mercator, world_pixels};
use incident_map_core::origin::Origin;
use incident_map_core::postgis::live::{Ask, Live};

use super::document::{Document, LiveDoc};
use super::status::Status;
use super::{AppState, Viewport, camera};
use crate::action::Effect;
use crate::views::LiveView;

/// The question a map view asks of a server's table: its zoom level and
/// its box widened to whole tiles of that level (a small pan asks nothing
/// new); the whole world when that is most of it.
pub fn ask_of(viewport: &Viewport, filter: &incident_map_core::filter::Filter) -> Ask {
    use incident_map_core::markers::{MAX_CLUSTER_ZOOM, unmercator};
    use incident_map_core::model::BBox;
    let z = viewport
        .zoom
        .floor()
        .clamp(0.0, f64::from(MAX_CLUSTER_ZOOM));
    let c = mercator(viewport.center);
    let scale = world_pixels(viewport.zoom);
    let (hw, hh) = (
        f64::from(viewport.size[0]) / 2.0 / scale,
        f64::from(viewport.size[1]) / 2.0 / scale,
    );
    let tile = 1.0 / 2f64.powf(z);
    let snap_down = |v: f64| (v / tile).floor() * tile;
    let snap_up = |v: f64| (v / tile).ceil() * tile;
    let (x0, x1) = (snap_down(c[0] - hw), snap_up(c[0] + hw));
    let (y0, y1) = (snap_down(c[1] - hh), snap_up(c[1] + hh));
    let world = x1 - x0 >= 0.75 && y1 - y0 >= 0.75;
    let view = (!world).then(|| BBox {
        sw: unmercator([x0.max(0.0), y1.min(1.0)]),
        ne: unmercator([x1.min(1.0), y0.max(0.0)]),
    });
    Ask {
        filter: filter.clone(),
        zoom: z as u8,
        view,
    }
}

impl AppState {
    /// What the map showed in the frame just drawn; a live table is
    /// asked what it shows when that is a new question.
    pub fn set_viewport(&mut self, viewport: Option<Viewport>) -> Vec<Effect> {
        self.viewport = viewport;
        let mut fx = Vec::new();
        if self.live().is_some() {
            self.ask_live(&mut fx);
            // A live table's count in view follows the view.
            let n = self.live_in_view();
            if let (Status::Live { in_view, .. }, Some(n)) = (&mut self.status, n) {
                *in_view = n;
            }
        }
        fx
    }

    /// About how many events of the live table open are in the map's
    /// view: those of the server's cells whose events' mean is in it (a
    /// view's cells are a few hundred at most).
    pub fn live_in_view(&self) -> Option<u64> {
        let (live, viewport) = (self.live()?, self.viewport?);
        let c = mercator(viewport.center);
        let scale = world_pixels(viewport.zoom);
        let (hw, hh) = (
            f64::from(viewport.size[0]) / 2.0 / scale,
            f64::from(viewport.size[1]) / 2.0 / scale,
        );
        Some(
            live.shown
                .cells
                .iter()
                .filter(|cell| (cell.at[0] - c[0]).abs() <= hw && (cell.at[1] - c[1]).abs() <= hh)
                .map(|cell| cell.count)
                .sum(),
        )
    }

    /// Asks the live table open what the map's view shows under the
    /// filter, unless that was the last question.
    pub(super) fn ask_live(&mut self, fx: &mut Vec<Effect>) {
        let Some(viewport) = self.viewport else {
            return;
        };
        let question = ask_of(&viewport, self.lens.effective());
        let search = self.lens.search().to_string();
        let Some(live) = self.docs.open_mut().and_then(|d| d.live.as_mut()) else {
            return;
        };
        if live
            .asked
            .as_ref()
            .is_some_and(|(a, s)| *a == question && *s == search)
        {
            return;
        }
        live.asked = Some((question.clone(), search.clone()));
        live.error = None;
        fx.push(Effect::AskLive {
            live: live.source.clone(),
            ask: question,
            search,
        });
    }

    /// Takes in a server's table asked per view, showing its first view.
    pub(super) fn take_in_live(
        &mut self,
        origin: Origin,
        live: Arc<Live>,
        first: Arc<LiveView>,
        frame: bool,
        fx: &mut Vec<Effect>,
    ) {
        let another = self.origin() != Some(&origin);
        // The filter holds through a reload of the same table (asked
        // under it with the next frame's view), not into another.
        if another {
            self.lens.forget(true);
        }
        self.selection.clear();
        self.selection.close_list();
        let doc = Document {
            origin: origin.clone(),
            store: first.store.clone(),
            view: first.view.clone(),
            search_index: None,
            format: None,
            live: Some(LiveDoc {
                source: live,
                asked: Some((first.ask.clone(), first.search.clone())),
                shown: first,
                error: None,
            }),
            parts: Vec::new(),
        };
        fx.extend(self.docs.replace(doc));
        self.docs.remember(&origin);
        self.docs.set_problems(None);
        self.windows.problems_open = false;
        self.status = self.shown_status();
        if frame {
            fx.push(Effect::Camera(camera::fit(self.view(), &self.regions)));
        }
    }

    /// Takes in what a server answered for a view of its table: its page
    /// replaces the one on screen when it answers the latest question.
    pub(super) fn take_live_answer(
        &mut self,
        live: Weak<Live>,
        ask: Ask,
        answer: Result<Arc<LiveView>, String>,
    ) {
        let Some(doc) = self.docs.open_mut() else {
            return;
        };
        let Some(l) = &mut doc.live else { return };
        if !std::ptr::eq(live.as_ptr(), Arc::as_ptr(&l.source))
            || l.asked.as_ref().is_some_and(|(a, _)| *a != ask)
        {
            return;
        }
        match answer {
            Ok(view) => {
                if l.asked.as_ref().is_some_and(|(_, s)| *s != view.search) {
                    return;
                }
                l.error = None;
                l.shown = view.clone();
                doc.store = view.store.clone();
                doc.search_index = None;
                self.install_view(view.view.clone());
                self.status = self.shown_status();
            }
            Err(why) => {
                l.error = Some(why.clone());
                // The view on screen stays; the server is asked again
                // when the view or the filter changes (not every frame).
                self.status = Status::Note(format!("The server did not answer: {why}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use incident_map_core::filter::Filter;
    use incident_map_core::model::LatLon;

    #[test]
    fn a_view_asks_for_whole_tiles_and_the_world_when_it_shows_most_of_it() {
        let at = |lat, lon, zoom| Viewport {
            center: LatLon { lat, lon },
            zoom,
            size: [800.0, 600.0],
        };
        let world = ask_of(&at(20.0, 10.0, 1.4), &Filter::default());
        assert_eq!((world.zoom, world.view), (1, None));
        let close = at(50.45, 30.52, 8.6);
        let ask = ask_of(&close, &Filter::default());
        assert_eq!(ask.zoom, 8);
        let b = ask.view.unwrap();
        // The view is inside the box, and the box is whole tiles of zoom 8.
        let c = mercator(close.center);
        let half = [400.0 / world_pixels(8.6), 300.0 / world_pixels(8.6)];
        let (sw, ne) = (mercator(b.sw), mercator(b.ne));
        assert!(sw[0] <= c[0] - half[0] && ne[0] >= c[0] + half[0]);
        assert!(ne[1] <= c[1] - half[1] && sw[1] >= c[1] + half[1]);
        for v in [sw[0], sw[1], ne[0], ne[1]] {
            let tiles = v * 256.0;
            assert!((tiles - tiles.round()).abs() < 1e-6, "{v}");
        }
        // A small pan asks the same; a filter is part of the question.
        let nudged = at(50.451, 30.521, 8.6);
        assert_eq!(ask_of(&nudged, &Filter::default()), ask);
        let hidden = Filter {
            hidden_categories: ["riots".to_string()].into(),
            ..Filter::default()
        };
        assert_ne!(ask_of(&close, &hidden), ask);
    }
}

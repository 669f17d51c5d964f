//! A server's table asked per view ([`incident_map_core::postgis::live`]):
//! what the app keeps of the view on screen ([`LiveView`]), the question a
//! map view asks ([`ask_of`]), and the one thread per table that asks it
//! ([`Asker`]): it keeps its session, answers the latest question only,
//! cancels on the server the one a moved view no longer needs, and keeps
//! the last answers, so panning back costs nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::geography::RegionIndex;
use incident_map_core::markers::{MAX_CLUSTER_ZOOM, mercator, unmercator, world_pixels};
use incident_map_core::model::BBox;
use incident_map_core::postgis;
use incident_map_core::postgis::live::{self, Ask, Live};
use incident_map_core::postgis::view::CellCount;
use incident_map_core::store::Store;

use crate::background::Reporter;
use crate::state::Viewport;
use crate::views::ViewIndex;

/// What one view of a live table shows: its page of events (a store and
/// its views, as a file's), the cells the server counted, and the counts.
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

/// The question the map's `viewport` asks under `filter`: its zoom level
/// and its box widened to whole tiles of that level (a small pan asks
/// nothing new); the whole world when that is most of it.
pub fn ask_of(viewport: &Viewport, filter: &Filter) -> Ask {
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

/// Asks `live` what `ask` shows, on `client`, and builds the views of its
/// page: the page's own views, with the server's histogram and counts by
/// category in place of the page's.
pub fn answer(
    live: &Live,
    client: &mut postgis::Client,
    ask: &Ask,
    search: &str,
    regions: &RegionIndex,
    counts: &mut Counts,
) -> Result<LiveView, String> {
    let answer = live.answer(client, ask)?;
    let store = answer
        .page
        .store
        .ok_or_else(|| "the server's rows could not be read".to_string())?;
    let store = Arc::new(store);
    // The page is what the filter lets through already; only the words
    // searched for are found in it here.
    let index = (!search.trim().is_empty()).then(|| SearchIndex::build(&store, &|_| {}));
    let mut view = ViewIndex::build(
        store.table(),
        None,
        regions,
        &Filter::default(),
        search,
        index.as_ref(),
    );
    let (histogram, (by_category, uncategorised), total) = counts.of(live, client, &ask.filter)?;
    view.histogram = histogram;
    view.facets.categories = by_category;
    view.facets.uncategorised = uncategorised;
    view.filter = ask.filter.clone();
    Ok(LiveView {
        ask: ask.clone(),
        search: search.to_string(),
        store,
        view: Arc::new(view),
        cells: answer.cells,
        complete: answer.complete,
        in_view: answer.in_view,
        total,
    })
}

/// The counts of the whole table under a filter (its histogram without
/// the window, by category, in all), kept for the last filters asked.
#[derive(Default)]
pub struct Counts {
    kept: Vec<(Filter, Arc<CountsOf>)>,
}

type CountsOf = (
    incident_map_core::histogram::Histogram,
    (Vec<u32>, u32),
    u64,
);

/// How many filters' counts are kept.
const KEPT_COUNTS: usize = 8;

impl Counts {
    fn of(
        &mut self,
        live: &Live,
        client: &mut postgis::Client,
        filter: &Filter,
    ) -> Result<CountsOf, String> {
        if let Some((_, c)) = self.kept.iter().find(|(f, _)| f == filter) {
            return Ok((**c).clone());
        }
        // The histogram does not change with the window: one without it
        // is kept for the next window.
        let mut base = filter.clone();
        base.window = None;
        base.include_undated = true;
        let histogram = match self.kept.iter().find(|(f, _)| {
            let mut g = f.clone();
            g.window = None;
            g.include_undated = true;
            g == base
        }) {
            Some((_, c)) => c.0.clone(),
            None => live.histogram(client, filter)?,
        };
        let categories = live.category_counts(client, filter)?;
        let total = live.count(client, filter)?;
        let counts = Arc::new((histogram, categories, total));
        self.kept.insert(0, (filter.clone(), counts.clone()));
        self.kept.truncate(KEPT_COUNTS);
        Ok((*counts).clone())
    }
}

/// How many answers are kept per table.
const KEPT_ANSWERS: usize = 24;

/// The thread that asks one table's server; dropped, it ends.
pub struct Asker {
    pub live: Arc<Live>,
    tx: Sender<(Ask, String)>,
    asking: Asking,
}

/// What the thread is asking now and how to stop it, and whether it was
/// stopped because a newer question came (not because it took too long).
#[derive(Clone, Default)]
struct Asking {
    now: Arc<Mutex<Option<(Ask, postgis::CancelToken)>>>,
    overtaken: Arc<AtomicBool>,
}

impl Asker {
    /// The thread for `live`, answering through `reporter`.
    pub fn start(live: Arc<Live>, regions: Arc<RegionIndex>, reporter: Reporter) -> Asker {
        let (tx, rx) = channel();
        let asking = Asking::default();
        let worker = Worker {
            live: live.clone(),
            regions,
            reporter,
            asking: asking.clone(),
            kept: Vec::new(),
            counts: Counts::default(),
            client: None,
        };
        let started = std::thread::Builder::new()
            .name("server".into())
            .spawn(move || worker.run(rx));
        if let Err(e) = started {
            eprintln!("incident-map: the thread that asks the server could not start: {e}");
        }
        Asker { live, tx, asking }
    }

    /// Asks `ask` (and finds `search` in its page); what is being asked for
    /// another view is cancelled (from a thread of its own: a cancel
    /// request is a connection to the server, never made on the UI thread).
    pub fn ask(&self, ask: Ask, search: String) {
        let now = self.asking.now.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((asked, token)) = now.as_ref()
            && *asked != ask
        {
            self.asking.overtaken.store(true, Ordering::SeqCst);
            let token = token.clone();
            let _ = std::thread::Builder::new()
                .name("cancel".into())
                .spawn(move || live::cancel(&token));
        }
        drop(now);
        let _ = self.tx.send((ask, search));
    }
}

struct Worker {
    live: Arc<Live>,
    regions: Arc<RegionIndex>,
    reporter: Reporter,
    asking: Asking,
    kept: Vec<Arc<LiveView>>,
    counts: Counts,
    client: Option<postgis::Client>,
}

impl Worker {
    fn run(mut self, rx: Receiver<(Ask, String)>) {
        let mut next = None;
        loop {
            let first = match next.take() {
                Some(q) => q,
                None => match rx.recv() {
                    Ok(q) => q,
                    Err(_) => return,
                },
            };
            // Only the latest question is answered.
            let (ask, search) = rx.try_iter().last().unwrap_or(first);
            self.asking.overtaken.store(false, Ordering::SeqCst);
            let done = self.answer(&ask, &search);
            *self.asking.now.lock().unwrap_or_else(|e| e.into_inner()) = None;
            if done.is_err() && self.asking.overtaken.swap(false, Ordering::SeqCst) {
                // Stopped for a newer question: that one is answered next.
                // (A cancel that came late stopped this one, the newest:
                // it is asked again.)
                next = Some(rx.try_iter().last().unwrap_or((ask, search)));
                continue;
            }
            self.reporter.send(crate::action::Done::LiveAnswer {
                live: Arc::downgrade(&self.live),
                ask: Box::new(ask),
                answer: done,
            });
        }
    }

    fn answer(&mut self, ask: &Ask, search: &str) -> Result<Arc<LiveView>, String> {
        if let Some(k) = self
            .kept
            .iter()
            .position(|v| v.ask == *ask && v.search == search)
        {
            let v = self.kept.remove(k);
            self.kept.insert(0, v.clone());
            return Ok(v);
        }
        let client = match self.client.take() {
            Some(c) if !c.is_closed() => c,
            _ => self.live.connect()?,
        };
        let client = self.client.insert(client);
        *self.asking.now.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((ask.clone(), client.cancel_token()));
        let view = answer(
            &self.live,
            client,
            ask,
            search,
            &self.regions,
            &mut self.counts,
        )?;
        let view = Arc::new(view);
        self.kept.insert(0, view.clone());
        self.kept.truncate(KEPT_ANSWERS);
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

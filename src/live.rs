//! A server's table asked per view ([`incident_map_core::postgis::live`]):
//! the one thread per table that asks it ([`Asker`]): it keeps its
//! session, answers the latest question only, cancels on the server the
//! one a moved view no longer needs, and keeps the last answers, so
//! panning back costs nothing; and how an answer becomes a
//! [`LiveView`] (a page of events with its views). The question a map view
//! asks is the state's (`state::live_table`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::geography::RegionIndex;
use incident_map_core::postgis;
use incident_map_core::postgis::live::{self, Ask, Live};
use incident_map_core::view::ViewInputs;

use crate::action::Done;
use crate::views::{LiveView, ViewIndex};

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
    let everything = Filter::default();
    let mut view = ViewIndex::build(ViewInputs {
        search,
        index: index.as_ref(),
        ..ViewInputs::new(store.table(), regions, &everything)
    });
    let (histogram, (by_category, uncategorised), total) = counts.of(live, client, &ask.filter)?;
    view.view.histogram = histogram;
    view.view.facets.categories = by_category;
    view.view.facets.uncategorised = uncategorised;
    view.view.filter = ask.filter.clone();
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
    /// The thread for `live`, handing each answer to `report`.
    pub fn start(
        live: Arc<Live>,
        regions: Arc<RegionIndex>,
        report: impl Fn(Done) + Send + 'static,
    ) -> Asker {
        let (tx, rx) = channel();
        let asking = Asking::default();
        let worker = Worker {
            live: live.clone(),
            regions,
            report: Box::new(report),
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
    report: Box<dyn Fn(Done) + Send>,
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
            (self.report)(Done::LiveAnswer {
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

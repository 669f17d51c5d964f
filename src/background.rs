//! Work off the UI thread: loading a file and indexing it, the system's
//! file dialogs, exports, and rebuilding the views for a filter. Each job
//! runs on a thread of its own and reports what became of it as a [`Done`]
//! through one channel, which the app drains into its queue every frame:
//! a large file or a slow disk never freezes the window.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, Weak};

use incident_map_core::common_words::CommonWords;
use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::formats::{self, Format, LoadOptions, Loaded, Progress, Stage};
use incident_map_core::geography::RegionIndex;
use incident_map_core::origin::Origin;
use incident_map_core::postgis::{self, live::Live};
use incident_map_core::store::Store;
use incident_map_core::view::ViewInputs;

use crate::action::{Done, Exported, Opened, Outcome, PathFor, Published, Rebuild, SourceFile};

/// A dialog that answers sooner than this never opened: no one cancels
/// one that fast.
const NO_DIALOG: std::time::Duration = std::time::Duration::from_millis(250);
use crate::live::Asker;
use crate::views::ViewIndex;

/// A report file, read as a source: its title and text, and its date as
/// the page's metadata or its byline gives it.
pub fn read_source(path: &Path) -> Result<SourceFile, String> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (title, text) = formats::import::document(&name, &bytes)?;
    let published = incident_map_core::reading::byline::published(&String::from_utf8_lossy(&bytes))
        .and_then(|v| v.day())
        .map(|d| d.to_string());
    Ok(SourceFile {
        path: path.to_path_buf(),
        title,
        text,
        published,
    })
}

/// Loads a file or a table and, if it is fit to show, builds its views
/// under `filter` (its words aside: they need the search index, built
/// later). A table too large to read whole is opened on its first view.
pub fn load(
    origin: &Origin,
    progress: Option<Arc<Progress>>,
    regions: &RegionIndex,
    filter: &Filter,
) -> Outcome {
    if let Origin::Table(target) = origin
        && let Some(live) = Live::open(target)?
    {
        return open_live(live, progress.as_deref(), regions);
    }
    let options = LoadOptions {
        progress: progress.clone(),
        ..LoadOptions::default()
    };
    let loaded = formats::open(origin, &options).map_err(|e| e.to_string())?;
    if let Some(p) = &progress {
        if p.is_cancelled() {
            return Err("cancelled".into());
        }
        p.set_stage(Stage::Indexing);
    }
    let mut filter = filter.clone();
    filter.text.clear();
    filter.sources.clear();
    let view = loaded.usable().map(|store| {
        Arc::new(ViewIndex::build(ViewInputs::new(
            store.table(),
            regions,
            &filter,
        )))
    });
    Ok(Opened {
        loaded,
        view,
        live: None,
    })
}

/// A table too large to read whole, opened on its first view: the whole
/// world, as the map shows it before it frames the data.
fn open_live(live: Live, progress: Option<&Progress>, regions: &RegionIndex) -> Outcome {
    if let Some(p) = progress {
        p.set_stage(Stage::Indexing);
    }
    let mut client = live.connect()?;
    let ask = postgis::live::Ask {
        filter: Filter::default(),
        zoom: 2,
        view: None,
    };
    let first = crate::live::answer(
        &live,
        &mut client,
        &ask,
        "",
        regions,
        &mut Default::default(),
    )?;
    if progress.is_some_and(|p| p.is_cancelled()) {
        return Err("cancelled".into());
    }
    Ok(Opened {
        loaded: Loaded {
            path: PathBuf::from(&live.target.shown),
            store: None,
            diagnostics: Vec::new(),
            format: None,
            parts: Vec::new(),
        },
        view: None,
        live: Some((Arc::new(live), Arc::new(first))),
    })
}

/// The search index of the store searched last, shared by the jobs: the
/// first that needs it builds it (the others for that store wait for it)
/// and the rest reuse it. A job for another store never waits for it: the
/// build under way is stopped, as it is when the index is no longer wanted.
#[derive(Default, Clone)]
pub struct Indexes(Arc<Mutex<Option<Cached>>>);

/// The store indexed last (weakly held: its address is not reused by
/// another store while the index is kept) and its index, once built.
struct Cached {
    store: Weak<Store>,
    slot: Arc<IndexSlot>,
}

#[derive(Default)]
struct IndexSlot {
    /// The index; `None` when its building was stopped.
    index: std::sync::OnceLock<Option<Arc<SearchIndex>>>,
    stop: AtomicBool,
}

impl Indexes {
    /// The index of `store`, built now if it is not yet (the status says
    /// so); `None` when the building was stopped before it was done.
    pub fn of(&self, store: &Arc<Store>, reporter: &Reporter) -> Option<Arc<SearchIndex>> {
        let slot = {
            let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
            match cached.as_ref() {
                Some(c)
                    if std::ptr::eq(c.store.as_ptr(), Arc::as_ptr(store))
                        && !matches!(c.slot.index.get(), Some(None)) =>
                {
                    c.slot.clone()
                }
                _ => {
                    if let Some(old) = cached.take() {
                        old.slot.stop.store(true, Ordering::SeqCst);
                    }
                    let slot = Arc::new(IndexSlot::default());
                    *cached = Some(Cached {
                        store: Arc::downgrade(store),
                        slot: slot.clone(),
                    });
                    slot
                }
            }
        };
        // Built outside the lock: only jobs for this store wait for it.
        slot.index
            .get_or_init(|| {
                let progress = |share: f32| {
                    reporter.progress(format!("Indexing the events' words… {:.0}%", share * 100.0))
                };
                let stop = || slot.stop.load(Ordering::SeqCst);
                SearchIndex::build_until(store, &progress, &stop).map(Arc::new)
            })
            .clone()
    }

    /// The index of `store`, when it is built already.
    pub fn ready(&self, store: &Arc<Store>) -> Option<Arc<SearchIndex>> {
        let cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let c = cached.as_ref()?;
        if !std::ptr::eq(c.store.as_ptr(), Arc::as_ptr(store)) {
            return None;
        }
        c.slot.index.get().cloned().flatten()
    }

    /// Stops the index being built, if one is, and forgets it: it is no
    /// longer wanted (the search was cleared, another file is opening).
    /// A finished index is kept.
    pub fn stop(&self) {
        let mut cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cached
            .as_ref()
            .is_some_and(|c| c.slot.index.get().is_none())
            && let Some(c) = cached.take()
        {
            c.slot.stop.store(true, Ordering::SeqCst);
        }
    }
}

/// The words last looked for in a store without an index, and the events
/// that hold them: the next words typed, narrowing them, are looked for
/// among those only.
#[derive(Clone, Default)]
struct LastFound(Arc<Mutex<Option<Found>>>);

/// Words looked for in a store, and the events holding them.
type Found = (Weak<Store>, String, Arc<Vec<bool>>);

impl LastFound {
    /// What the last words found, when `words` in `store` are they or
    /// narrow them.
    fn narrowed(&self, store: &Arc<Store>, words: &str) -> Option<Arc<Vec<bool>>> {
        let last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (of, old, found) = last.as_ref()?;
        // (The same words again, as when only matches are shown: a
        // phrase narrows nothing, but is itself.)
        (std::ptr::eq(of.as_ptr(), Arc::as_ptr(store))
            && (old == words || incident_map_core::filter::narrows(old, words)))
        .then(|| found.clone())
    }

    /// Keeps what `words` found in `store` (in place of the last).
    fn keep(&self, store: &Arc<Store>, words: &str, found: Vec<bool>) -> Arc<Vec<bool>> {
        let found = Arc::new(found);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Arc::downgrade(store), words.to_string(), found.clone()));
        found
    }
}

/// The common words' bitmaps of the store searched last without an index
/// (see [`CommonWords`]): built on a thread of their own after its first
/// search, used by the searches after, dropped for another store.
#[derive(Clone, Default)]
struct Common(Arc<Mutex<Option<CommonSlot>>>);

struct CommonSlot {
    store: Weak<Store>,
    built: Option<Arc<CommonWords>>,
    stop: Arc<AtomicBool>,
    /// How far the building got, in thousandths.
    made: Arc<std::sync::atomic::AtomicU32>,
}

/// What the status says while a search reads every event of a large
/// store: its common words' bitmaps not made yet (`making`: how far).
fn reading_every_event(making: Option<f32>) -> String {
    match making {
        Some(share) => format!(
            "Reading every event for the words; their index is {:.0}% made, then searches are quick…",
            share * 100.0
        ),
        None => "Reading every event for the words…".to_string(),
    }
}

/// A store with fewer events is read whole faster than its bitmaps help.
const COMMON_FROM: usize = 20_000;

impl Common {
    /// The bitmaps of `store` when built; else `None`, and their building
    /// is begun if it is not under way (on a thread of its own, on one core).
    fn of(&self, store: &Arc<Store>) -> Option<Arc<CommonWords>> {
        // Not on a machine short of memory: searches read the events instead.
        if store.len() < COMMON_FROM
            || !CommonWords::fit(store.len(), formats::file::available_memory())
        {
            return None;
        }
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slot.as_ref()
            && std::ptr::eq(s.store.as_ptr(), Arc::as_ptr(store))
        {
            return s.built.clone();
        }
        if let Some(old) = slot.take() {
            old.stop.store(true, Ordering::SeqCst);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let made = Arc::new(std::sync::atomic::AtomicU32::new(0));
        *slot = Some(CommonSlot {
            store: Arc::downgrade(store),
            built: None,
            stop: stop.clone(),
            made: made.clone(),
        });
        let (me, of) = (self.clone(), Arc::downgrade(store));
        let _ = std::thread::Builder::new()
            .name("common words".into())
            .spawn(move || {
                let Some(store) = of.upgrade() else { return };
                // On one core: the views rebuilt and searched meanwhile
                // keep the other.
                let progress = |share: f32| made.store((share * 1000.0) as u32, Ordering::Relaxed);
                let build =
                    || CommonWords::build_until(&store, &progress, &|| stop.load(Ordering::SeqCst));
                let built = match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                    Ok(one) => one.install(build),
                    Err(_) => build(),
                };
                drop(store);
                let mut slot = me.0.lock().unwrap_or_else(|e| e.into_inner());
                if let (Some(built), Some(s)) = (built, slot.as_mut())
                    && std::ptr::eq(s.store.as_ptr(), of.as_ptr())
                    && !stop.load(Ordering::SeqCst)
                {
                    s.built = Some(Arc::new(built));
                }
            });
        None
    }

    /// How far the bitmaps of `store` are made (0 to 1), while they are
    /// being made.
    fn making(&self, store: &Arc<Store>) -> Option<f32> {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let s = slot.as_ref()?;
        (std::ptr::eq(s.store.as_ptr(), Arc::as_ptr(store)) && s.built.is_none())
            .then(|| s.made.load(Ordering::Relaxed) as f32 / 1000.0)
    }

    /// The bitmaps of `store`, when built.
    fn ready(&self, store: &Arc<Store>) -> Option<Arc<CommonWords>> {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let s = slot.as_ref()?;
        std::ptr::eq(s.store.as_ptr(), Arc::as_ptr(store))
            .then(|| s.built.clone())
            .flatten()
    }

    /// Lets go of the bitmaps, made or being made, of any store but
    /// `store` (it holds that store while it builds them).
    fn forget_others(&self, store: &Arc<Store>) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot
            .as_ref()
            .is_some_and(|s| !std::ptr::eq(s.store.as_ptr(), Arc::as_ptr(store)))
            && let Some(s) = slot.take()
        {
            s.stop.store(true, Ordering::SeqCst);
        }
    }

    /// Stops bitmaps being built, if they are, and forgets them; finished
    /// ones are kept.
    fn stop(&self) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|s| s.built.is_none())
            && let Some(s) = slot.take()
        {
            s.stop.store(true, Ordering::SeqCst);
        }
    }
}

/// The jobs running, and the channel they report through.
pub struct Background {
    ctx: egui::Context,
    regions: Arc<RegionIndex>,
    tx: Sender<Done>,
    rx: Receiver<Done>,
    /// A file dialog is open: a second is not opened over it.
    dialog_open: Arc<AtomicBool>,
    indexes: Indexes,
    /// The latest filter asked for, and a lock one rebuild holds at a
    /// time: a rebuild that waited and was overtaken is skipped, so a
    /// drag across the histogram never piles up work.
    latest_filter: Arc<AtomicU64>,
    rebuilding: Arc<Mutex<()>>,
    /// The words last looked for without an index, and what they found.
    last_found: LastFound,
    /// The common words of the store searched without an index.
    common: Common,
    /// The thread asking the server of the live table open, if one is.
    asker: Option<Asker>,
}

impl Background {
    pub fn new(ctx: &egui::Context, regions: Arc<RegionIndex>) -> Background {
        let (tx, rx) = channel();
        Background {
            ctx: ctx.clone(),
            regions,
            tx,
            rx,
            dialog_open: Arc::new(AtomicBool::new(false)),
            indexes: Indexes::default(),
            latest_filter: Arc::new(AtomicU64::new(0)),
            rebuilding: Arc::new(Mutex::new(())),
            last_found: LastFound::default(),
            common: Common::default(),
            asker: None,
        }
    }

    /// What finished since the last call.
    pub fn finished(&self) -> Vec<Done> {
        self.rx.try_iter().collect()
    }

    /// Where a job that does not run here (a screenshot) reports.
    pub fn reporter(&self) -> Reporter {
        Reporter {
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
        }
    }

    /// Runs `job` on a thread of its own and reports its result.
    fn spawn(&self, name: &str, job: impl FnOnce() -> Done + Send + 'static) {
        let reporter = self.reporter();
        let started = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || reporter.send(job()));
        if let Err(e) = started {
            // No thread to be had: say so rather than wait for ever.
            let _ = self
                .tx
                .send(Done::Failed(format!("The {name} could not start: {e}")));
        }
    }

    /// Indexes the words of a store's events (shared with the searches
    /// that need it meanwhile: they wait for this one rather than start
    /// another).
    pub fn index_words(&self, store: Arc<Store>) {
        // Another file's bitmaps are let go (a file of ordinary size has
        // its index instead; a large one asking for the index keeps them).
        self.common.forget_others(&store);
        let indexes = self.indexes.clone();
        let reporter = self.reporter();
        self.spawn("index", move || match indexes.of(&store, &reporter) {
            Some(index) => Done::Indexed {
                index,
                store: Arc::downgrade(&store),
            },
            None => Done::Superseded,
        });
    }

    /// Makes the common words' bitmaps of `store` in the background, if
    /// they are not made or being made.
    pub fn common_words(&self, store: &Arc<Store>) {
        self.common.of(store);
    }

    /// Stops the index being built, if any (see [`Indexes::stop`]).
    pub fn stop_indexing(&self) {
        self.indexes.stop();
        self.common.stop();
    }

    /// Lets go of a file's data on a thread of its own (a large one takes a
    /// while to free), then gives the freed memory back to the system.
    pub fn release(&self, old: Box<dyn std::any::Any + Send>) {
        let dropped = std::thread::Builder::new()
            .name("release".into())
            .spawn(move || {
                drop(old);
                give_back_memory();
            });
        // No thread to be had: it was dropped here instead.
        drop(dropped);
    }

    /// Loads a file or a table; the load stops at its next step once
    /// `progress` is cancelled.
    pub fn load(
        &self,
        job: u64,
        origin: Origin,
        intent: crate::action::LoadIntent,
        progress: Arc<Progress>,
        filter: Filter,
    ) {
        let regions = self.regions.clone();
        self.spawn("load", move || {
            let outcome = load(&origin, Some(progress), &regions, &filter);
            Done::Loaded {
                job,
                origin,
                intent,
                outcome: Box::new(outcome),
            }
        });
    }

    /// Runs a system dialog on a thread of its own (it blocks that thread
    /// until the user chooses); one dialog at a time.
    /// Runs a system dialog (`pick` blocks until the user chooses) for
    /// `kind`; `answer` makes its outcome. A dialog that gives nothing back
    /// sooner than anyone could cancel one did not open (no desktop portal,
    /// no dialog program): then [`Done::NoDialog`], so the app asks for the
    /// path itself rather than doing nothing.
    fn dialog(
        &self,
        name: &str,
        kind: PathFor,
        pick: impl FnOnce() -> Option<PathBuf> + Send + 'static,
        answer: impl FnOnce(Option<PathBuf>) -> Done + Send + 'static,
    ) {
        if self.dialog_open.swap(true, Ordering::SeqCst) {
            return;
        }
        let open = self.dialog_open.clone();
        self.spawn(name, move || {
            let started = std::time::Instant::now();
            let path = pick();
            open.store(false, Ordering::SeqCst);
            if path.is_none() && started.elapsed() < NO_DIALOG {
                return Done::NoDialog(kind);
            }
            answer(path)
        });
    }

    /// The system's open dialog (it blocks its thread until the user chooses).
    pub fn open_dialog(&self) {
        self.dialog(
            "open dialog",
            PathFor::Open,
            || {
                rfd::FileDialog::new()
                    .set_title("Open an incident file")
                    .add_filter(
                        "Incident files",
                        &incident_map_core::formats::catalog::extensions(),
                    )
                    .add_filter("All files", &["*"])
                    .pick_file()
            },
            Done::OpenDialog,
        );
    }

    /// The system's open dialog, for a report to add as a source; the file
    /// chosen is read (as text; HTML as its text).
    pub fn source_dialog(&self) {
        self.dialog(
            "source dialog",
            PathFor::Source,
            || {
                rfd::FileDialog::new()
                    .set_title("Add a source: a report to read and quote")
                    .add_filter(
                        "Text, Markdown or HTML",
                        &["txt", "md", "markdown", "html", "htm"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file()
            },
            |path| match path {
                Some(path) => Done::SourceRead(read_source(&path)),
                None => Done::SourceDialog,
            },
        );
    }

    /// Reads a report file, to add as a source.
    pub fn read_source(&self, path: PathBuf) {
        self.spawn("source", move || Done::SourceRead(read_source(&path)));
    }

    /// The system's save dialog, for the data set being authored.
    pub fn save_dialog(&self, name: String) {
        self.dialog(
            "save dialog",
            PathFor::Save,
            move || {
                rfd::FileDialog::new()
                    .set_title("Save the data set")
                    .set_file_name(name)
                    .add_filter("incident-map JSON", &["json"])
                    .save_file()
            },
            Done::SaveDialog,
        );
    }

    /// Saves the data set being authored (its sources' texts beside it).
    pub fn save_work(&self, dataset: incident_map_core::model::Dataset, path: PathBuf) {
        self.spawn("save", move || {
            Done::Saved(
                formats::export::save_work(&dataset, &path)
                    .map(|written| (path, Box::new(written)))
                    .map_err(|e| e.to_string()),
            )
        });
    }

    /// Builds the views of the data set as edited (then `select` is selected).
    pub fn build_work(
        &self,
        job: u64,
        store: Arc<Store>,
        filter: Filter,
        select: Option<(String, bool)>,
    ) {
        let regions = self.regions.clone();
        self.spawn("views of the edit", move || {
            let view = ViewIndex::build(ViewInputs::new(store.table(), &regions, &filter));
            Done::WorkView {
                job,
                store,
                view: Arc::new(view),
                select,
            }
        });
    }

    /// Reads the bundled gazetteer (half a second; once).
    /// Reads a source for the events it reports.
    pub fn read_events(
        &self,
        job: u64,
        ask: crate::proposals::Ask,
        gazetteer: Arc<incident_map_core::gazetteer::Gazetteer>,
    ) {
        self.spawn("reading", move || Done::EventsRead {
            job,
            read: Box::new(crate::proposals::read(&ask, &gazetteer)),
        });
    }

    pub fn read_gazetteer(&self) {
        self.spawn("gazetteer", || {
            Done::Gazetteer(
                incident_map_core::gazetteer::Gazetteer::parse(crate::bundle::GAZETTEER)
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
            )
        });
    }

    /// The system's save dialog, for an export.
    pub fn export_dialog(&self) {
        self.dialog(
            "export dialog",
            PathFor::Export,
            || {
                rfd::FileDialog::new()
                    .set_title("Export events")
                    .set_file_name("events.geojson")
                    .add_filter("GeoJSON", &["geojson"])
                    .add_filter("CSV", &["csv"])
                    .add_filter("GeoPackage (QGIS)", &["gpkg"])
                    .add_filter("incident-map JSON", &["json"])
                    .add_filter(
                        "TimeMap folder (events, sources, associations)",
                        &["timemap"],
                    )
                    .save_file()
            },
            Done::ExportDialog,
        );
    }

    pub fn publish_dialog(&self) {
        self.dialog(
            "publish dialog",
            PathFor::Publish,
            || {
                rfd::FileDialog::new()
                    .set_title("Publish as a web page")
                    .set_file_name("incidents.html")
                    .add_filter("Web page", &["html", "htm"])
                    .save_file()
            },
            Done::PublishDialog,
        );
    }

    /// Publishes `keep` of `store` as one HTML page at `path` (atomically),
    /// its map cut from the bundled basemap.
    pub fn publish(&self, store: Arc<Store>, keep: Vec<usize>, path: PathBuf) {
        self.spawn("publish", move || {
            let result = (|| {
                let basemap = crate::bundle::Bundle::get()?.basemap();
                let archive = incident_map_core::basemap::Archive::open(&basemap)
                    .map_err(|e| e.to_string())?;
                let ds = if keep.len() == store.len() {
                    store.to_dataset()
                } else {
                    std::borrow::Cow::Owned(store.subset(&keep))
                };
                let page = incident_map_core::publish::page(&ds, &archive, &Default::default())
                    .map_err(|e| e.to_string())?;
                formats::save_atomic(&path, page.html.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(Published {
                    path,
                    count: keep.len(),
                    total: store.len(),
                    bytes: page.html.len(),
                })
            })();
            Done::Published(result)
        });
    }

    /// Writes `keep` of `store` to `path` (atomically, never over `opened`).
    pub fn export(
        &self,
        store: Arc<Store>,
        keep: Vec<usize>,
        opened: Option<PathBuf>,
        path: PathBuf,
        format: Format,
    ) {
        self.spawn("export", move || {
            let result =
                formats::export::save_store(&store, Some(&keep), opened.as_deref(), &path, format)
                    .map(|()| Exported {
                        path,
                        format,
                        count: keep.len(),
                        total: store.len(),
                    })
                    .map_err(|e| e.to_string());
            Done::Exported(result)
        });
    }

    /// Asks `live`'s server what a view shows (on the thread that asks it,
    /// started for it; the thread of another table ends).
    pub fn ask_live(&mut self, live: Arc<Live>, ask: postgis::live::Ask, search: String) {
        if !self
            .asker
            .as_ref()
            .is_some_and(|a| Arc::ptr_eq(&a.live, &live))
        {
            let reporter = self.reporter();
            self.asker = Some(Asker::start(live, self.regions.clone(), move |done| {
                reporter.send(done)
            }));
        }
        if let Some(a) = &self.asker {
            a.ask(ask, search);
        }
    }

    /// Builds the views of `store` for a filter.
    pub fn rebuild(&self, job: Rebuild) {
        let regions = self.regions.clone();
        let indexes = self.indexes.clone();
        let reporter = self.reporter();
        let (latest, lock) = (self.latest_filter.clone(), self.rebuilding.clone());
        let last_found = self.last_found.clone();
        let common = self.common.clone();
        latest.fetch_max(job.generation, Ordering::SeqCst);
        self.spawn("filter", move || {
            let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
            if latest.load(Ordering::SeqCst) != job.generation {
                return Done::Superseded;
            }
            let Rebuild {
                generation,
                store,
                all_markers,
                filter,
                search,
                index,
                before,
                index_wanted,
            } = job;
            let needs = index_wanted
                || filter.needs_text()
                || filter.needs_sources()
                || !search.trim().is_empty();
            // Words alone (no sources, no facet asking for the index): with
            // no index (a large file has none unless asked: it would hold
            // the events' words twice), the events are read for them, only
            // among those the last words found when these narrow them.
            let words_only = !index_wanted
                && !filter.needs_sources()
                && !search.trim().is_empty()
                && (!filter.needs_text() || filter.text.trim() == search.trim());
            let index = index.or_else(|| indexes.ready(&store));
            let mut found = None;
            let built = match index {
                Some(index) => Some(index),
                None if words_only => {
                    let overtaken = || latest.load(Ordering::SeqCst) != generation;
                    let within = last_found.narrowed(&store, &search);
                    let bitmaps = common.ready(&store);
                    // Every event read: the status says why it takes a moment.
                    if bitmaps.is_none() && within.is_none() && store.len() >= COMMON_FROM {
                        reporter.progress(reading_every_event(common.making(&store)));
                    }
                    match SearchIndex::scan(
                        &store,
                        &search,
                        within.as_deref().map(Vec::as_slice),
                        bitmaps.as_deref(),
                        &overtaken,
                    ) {
                        Some(f) => found = Some(last_found.keep(&store, &search, f)),
                        None => return Done::Superseded,
                    }
                    // The next searches of this store read less: its
                    // common words are found once, now the first is answered.
                    if bitmaps.is_none() {
                        common.of(&store);
                    }
                    None
                }
                None if needs => match indexes.of(&store, &reporter) {
                    Some(index) => Some(index),
                    // Stopped: the search it was for is gone.
                    None => return Done::Superseded,
                },
                None => None,
            };
            let view = ViewIndex::build_after(
                ViewInputs {
                    all_markers: Some(&all_markers),
                    search: &search,
                    index: built.as_deref(),
                    found: found.as_deref().map(Vec::as_slice),
                    before: Some(&before.view),
                    ..ViewInputs::new(store.table(), &regions, &filter)
                },
                &before,
            );
            Done::ViewBuilt {
                generation,
                view: Arc::new(view),
                index: built,
                store: Arc::downgrade(&store),
            }
        })
    }
}

/// Sends a job's result to the app and wakes the window.
#[derive(Clone)]
pub struct Reporter {
    tx: Sender<Done>,
    ctx: egui::Context,
}

impl Reporter {
    pub fn send(&self, done: Done) {
        let _ = self.tx.send(done);
        self.ctx.request_repaint();
    }

    /// Tells the status bar how far a long job got.
    pub fn progress(&self, text: String) {
        self.send(Done::Progress(text));
    }
}

/// Hands the heap's free pages back to the system: glibc keeps what the
/// loading threads freed in their arenas otherwise, so switching from a
/// large file to a small one would not show in the memory used.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns memory the allocator holds free; it
    // reads or moves nothing the program owns, and may be called from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store of `n` generated events, large enough that indexing it
    /// takes many chunks.
    fn store(n: usize) -> Arc<Store> {
        let mut csv = String::from("id,title,event_date,latitude,longitude\n");
        for i in 0..n {
            csv.push_str(&format!("e{i},Event in Place {i},2024-03-22,1,1\n"));
        }
        let loaded = formats::load_bytes(std::path::Path::new("g.csv"), csv.as_bytes());
        Arc::new(loaded.store.unwrap())
    }

    /// Starts indexing `big` on a thread, and waits until it has begun
    /// (its first progress report).
    fn indexing(
        indexes: &Indexes,
        big: &Arc<Store>,
    ) -> std::thread::JoinHandle<Option<Arc<SearchIndex>>> {
        let (tx, rx) = channel();
        let reporter = Reporter {
            tx,
            ctx: egui::Context::default(),
        };
        let (indexes, big) = (indexes.clone(), big.clone());
        let job = std::thread::spawn(move || indexes.of(&big, &reporter));
        assert!(matches!(rx.recv(), Ok(Done::Progress(_))), "it began");
        job
    }

    #[test]
    fn an_index_no_longer_wanted_stops_and_another_store_never_waits_for_it() {
        let (big, small) = (store(400_000), store(10));
        let indexes = Indexes::default();
        let quiet = Reporter {
            tx: channel().0,
            ctx: egui::Context::default(),
        };
        // Another store asks while the big one is being indexed: it gets
        // its own index, and the big one's building stops.
        let job = indexing(&indexes, &big);
        let own = indexes.of(&small, &quiet).expect("built");
        assert_eq!(own.len(), 10);
        assert!(job.join().unwrap().is_none(), "the big one stopped");
        // Stopped because the search was cleared: asked again, it is built
        // anew, whole.
        let job = indexing(&indexes, &big);
        indexes.stop();
        assert!(job.join().unwrap().is_none());
        let again = indexes.of(&big, &quiet).expect("built anew");
        assert_eq!(again.len(), 400_000);
        assert_eq!(
            again
                .find("\"place 399999\"")
                .iter()
                .filter(|&&b| b)
                .count(),
            1
        );
        // A finished index is kept: stopping forgets nothing.
        indexes.stop();
        assert!(Arc::ptr_eq(&indexes.of(&big, &quiet).unwrap(), &again));
    }

    /// What `get` gives, once it gives something (asked every 20 ms, for
    /// two minutes at most).
    fn until<T>(what: &str, mut get: impl FnMut() -> Option<T>) -> T {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            if let Some(t) = get() {
                return t;
            }
            assert!(std::time::Instant::now() < deadline, "no {what}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[test]
    fn words_are_answered_by_reading_the_events_without_an_index() {
        let big = store(150_000);
        let bg = Background::new(
            &egui::Context::default(),
            Arc::new(incident_map_core::geography::RegionIndex::bundled()),
        );
        let all_markers = Arc::new(incident_map_core::markers::MarkerIndex::build(big.table()));
        let full = SearchIndex::build(&big, &|_| {});
        // The view the app gets for `words` under `filter`, and the index
        // built for it; what the status was told meanwhile, in `said`.
        let said = std::cell::RefCell::new(Vec::<String>::new());
        let searched = |generation, filter, words: &str| {
            said.borrow_mut().clear();
            bg.rebuild(Rebuild {
                generation,
                store: big.clone(),
                all_markers: all_markers.clone(),
                filter,
                search: words.into(),
                index: None,
                before: Arc::new(ViewIndex::default()),
                index_wanted: false,
            });
            until(&format!("a view for {words}"), || {
                bg.finished().into_iter().find_map(|d| match d {
                    Done::ViewBuilt { view, index, .. } => Some((view, index)),
                    Done::Progress(text) => {
                        said.borrow_mut().push(text);
                        None
                    }
                    _ => None,
                })
            })
        };
        let reading = || {
            said.borrow()
                .iter()
                .any(|t| t.starts_with("Reading every event"))
        };
        // Typed on, each narrowing the last; then a phrase; then only matches.
        for (generation, words, only) in [
            (1, "place 14", false),
            (2, "place 149", false),
            (3, "\"place 1499\"", false),
            (4, "\"place 1499\"", true),
        ] {
            let filter = Filter {
                text: if only { words.into() } else { String::new() },
                ..Filter::default()
            };
            let (view, index) = searched(generation, filter, words);
            assert!(index.is_none() && !view.indexed, "no index built");
            // The first reads every event, and the status says so; those
            // typed on read only what it found.
            assert_eq!(reading(), generation == 1, "{words}: {:?}", said.borrow());
            assert_eq!(view.is_match, full.find(words), "{words}");
            let shown = view.is_match.iter().filter(|&&b| b).count();
            match words {
                // Every number with 14 in it.
                "place 14" => assert_eq!(
                    shown,
                    (0..150_000)
                        .filter(|n| n.to_string().contains("14"))
                        .count()
                ),
                // A phrase: whole words only.
                "\"place 1499\"" => assert_eq!(shown, 1),
                _ => {}
            }
            if only {
                assert_eq!(view.timeline.len(), 1, "only matches shown");
            }
        }
        // The first search began the common words' bitmaps (as opening
        // the file does in the app); once built,
        // the same searches use them and find the same events.
        let common = until("the bitmaps", || bg.common.ready(&big));
        assert_eq!(common.len(), 150_000);
        for (generation, words) in [
            (5, "place"),
            (6, "place 14"),
            (7, "\"place 1499\""),
            (8, "1"),
        ] {
            let (view, _) = searched(generation, Filter::default(), words);
            assert_eq!(view.is_match, full.find(words), "{words}, with the bitmaps");
            assert!(!reading(), "{words}: {:?}", said.borrow());
        }
        // Cleared: finished bitmaps are kept; another store's replace them.
        bg.stop_indexing();
        assert!(bg.common.ready(&big).is_some());
        let other = store(30_000);
        assert!(bg.common.of(&other).is_none());
        assert!(bg.common.ready(&big).is_none(), "the big one's let go");
        // Asked for by the app as the file opens, without a search.
        bg.common_words(&other);
        until("the other's bitmaps", || bg.common.ready(&other));
        let small = store(100);
        bg.common_words(&small);
        assert!(
            bg.common.ready(&small).is_none(),
            "a small store is read whole"
        );
        assert!(bg.common.ready(&other).is_some(), "and changes nothing");
        // A file of ordinary size opened (its words indexed): the large
        // one's bitmaps are let go; the large one asking for its index keeps them.
        bg.index_words(other.clone());
        assert!(bg.common.ready(&other).is_some(), "its own index asked for");
        bg.index_words(small);
        assert!(bg.common.ready(&other).is_none(), "another file: let go");
    }
}

//! The app's state, in one place: the document open (its data and the views
//! built from it), the selection, the filter, what is loading, the status
//! message, the problems of the last file, the recent files. Fields are
//! private; panels read through methods, and only [`AppState::apply`]
//! changes anything, so every change keeps the state's invariants (the
//! selection names an event shown; the view matches the data and filter).

mod apply;
mod places;
mod status;
mod work;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::formats::Progress;
use incident_map_core::geography::RegionIndex;
use incident_map_core::model::LatLon;
use incident_map_core::store::{Detail, EventTable, Store};

use crate::action::Effect;
use crate::views::{Situated, ViewIndex};
pub use places::{PlaceFinder, PlaceHit};
pub use status::{Status, thousands};
pub use work::{MAX_EDITABLE, Then, Work};

/// At most this many recent files are kept.
pub const MAX_RECENT: usize = 10;

/// An open file: its events and the views of them under the current filter.
pub struct Document {
    pub path: PathBuf,
    pub store: Arc<Store>,
    pub view: Arc<ViewIndex>,
    /// The events' words, folded, once a search or a source filter needed them.
    pub search_index: Option<Arc<SearchIndex>>,
    /// The format it was read in (ours is saved where it is; another is
    /// saved as ours, elsewhere).
    pub format: Option<incident_map_core::formats::Format>,
    /// A server's table asked per view: `store` and `view` are then the
    /// page of events of the view on screen.
    pub live: Option<LiveDoc>,
}

/// A server's table asked per view, as the app has it.
pub struct LiveDoc {
    pub source: Arc<incident_map_core::postgis::live::Live>,
    /// The latest question asked (and the words searched for).
    pub asked: Option<(incident_map_core::postgis::live::Ask, String)>,
    /// The answer on screen.
    pub shown: Arc<crate::live::LiveView>,
    /// Why the server did not answer the latest question.
    pub error: Option<String>,
}

impl LiveDoc {
    /// The answer on screen is to the latest question, or the server
    /// said why it could not answer it.
    pub fn is_current(&self) -> bool {
        // (A question the server failed to answer is done with too.)
        self.error.is_some()
            || self
                .asked
                .as_ref()
                .is_none_or(|(a, s)| *a == self.shown.ask && *s == self.shown.search)
    }
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Document({}: {} events)",
            self.path.display(),
            self.store.len()
        )
    }
}

impl Document {
    pub fn table(&self) -> &EventTable {
        self.store.table()
    }
}

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

/// A file being loaded.
#[derive(Debug, Clone)]
pub struct Loading {
    pub job: u64,
    pub path: PathBuf,
    pub progress: Arc<Progress>,
}

/// Problems found in a file, for the window that lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Problems {
    pub path: PathBuf,
    /// Whether the file was opened anyway (only warnings, or passages that did not anchor).
    pub opened: bool,
    /// Every diagnostic, one per paragraph, as `check` prints them.
    pub text: String,
    /// What the window shows: the first [`SHOWN_PROBLEMS`] of them (laying
    /// out a hundred thousand each frame would freeze the window).
    pub shown: String,
    /// How many there are.
    pub count: usize,
}

/// At most this many problems are shown; "Copy all" copies every one.
pub const SHOWN_PROBLEMS: usize = 200;

impl Problems {
    pub fn new(
        path: PathBuf,
        opened: bool,
        diagnostics: &[incident_map_core::diagnostic::Diagnostic],
    ) -> Problems {
        let all: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        Problems::from_paragraphs(path, opened, all)
    }

    /// Problems that are one message (the file could not be read at all).
    pub fn message(path: PathBuf, text: String) -> Problems {
        Problems::from_paragraphs(path, false, vec![text])
    }

    fn from_paragraphs(path: PathBuf, opened: bool, all: Vec<String>) -> Problems {
        let mut shown = all[..all.len().min(SHOWN_PROBLEMS)].join("\n\n");
        if all.len() > SHOWN_PROBLEMS {
            shown.push_str(&format!(
                "\n\n… and {} more: \"Copy all\" copies every one, or run `incident-map check` on the file.",
                all.len() - SHOWN_PROBLEMS
            ));
        }
        Problems {
            path,
            opened,
            count: all.len(),
            text: all.join("\n\n"),
            shown,
        }
    }
}

/// What the map shows, as the map panel last drew it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub center: LatLon,
    pub zoom: f64,
    /// In points.
    pub size: [f32; 2],
}

/// Signals that live one frame: set while a frame is drawn, read by the next.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// The event under the pointer, in whichever view.
    pub hovered: Option<String>,
    /// The selection changed: views bring it into view.
    pub scroll_to_selection: bool,
    /// The search field takes the keyboard (Ctrl+F).
    pub focus_search: bool,
    /// *Find a place…*'s field takes the keyboard.
    pub focus_place_finder: bool,
}

/// Moving the time window through the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    pub playing: bool,
    /// Keep what came before (everything up to now), not only the window.
    pub accumulate: bool,
    /// Start again at the end.
    pub looped: bool,
    /// Steps (bins of the histogram) a second.
    pub speed: f32,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            playing: false,
            accumulate: false,
            looped: false,
            speed: 2.0,
        }
    }
}

/// The speeds playback steps through, in steps a second.
pub const SPEEDS: [f32; 7] = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

/// Everything the app shows and works on.
pub struct AppState {
    doc: Option<Document>,
    regions: Arc<RegionIndex>,
    selection: Option<Selection>,
    /// What every view shows (without the words searched for).
    filter: Filter,
    /// The words in the search field, and whether they filter every view.
    search: String,
    only_matches: bool,
    playback: Playback,
    /// The user asked for the words to be indexed (to count sources).
    index_wanted: bool,
    /// The latest filter's number: a view built for an older one is dropped.
    generation: u64,
    /// A view for the latest filter is being built.
    pending: bool,
    loading: Option<Loading>,
    next_job: u64,
    status: Status,
    problems: Option<Problems>,
    problems_open: bool,
    recent: Vec<PathBuf>,
    /// The events of a cluster that zooming cannot split, listed to choose from.
    listed: Option<Vec<usize>>,
    panels_shown: bool,
    online: bool,
    shortcuts_open: bool,
    /// Whether exports write only what is shown.
    export_only_shown: bool,
    /// The map view was restored from the last run: the file loading at
    /// start keeps it rather than framing its data.
    keep_view: bool,
    /// What this frame marks, and what the next one will.
    marks: Marks,
    next_marks: Marks,
    viewport: Option<Viewport>,
    /// A remark shown beside the status until the user does something
    /// (settings that could not be read, at start).
    note: Option<String>,
    /// *Find a place…*: the gazetteer and what it found.
    places: PlaceFinder,
    /// The data set being authored, and the last build of its views.
    work: Option<Work>,
    work_job: u64,
    /// The event to select once the views of an edit are in, and whether
    /// to bring it into view (it was placed somewhere else).
    select_after: Option<(String, bool)>,
    /// What waits on "Save the changes first?".
    unsaved: Option<Then>,
    paste_open: bool,
    /// Where the recovery copy is kept, and the one a crash left.
    recovery: Option<PathBuf>,
    recoverable: Option<PathBuf>,
    /// The file loading is a recovery copy: it becomes unsaved work.
    recovering: bool,
    /// Where the work a crash left was saved, if it was.
    recovered_path: Option<PathBuf>,
    /// Markers of doubtful evidence are drawn faded.
    fade_doubtful: bool,
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new(Arc::new(RegionIndex::bundled()))
    }
}

impl AppState {
    /// No data yet.
    pub fn new(regions: Arc<RegionIndex>) -> AppState {
        AppState {
            doc: None,
            regions,
            selection: None,
            filter: Filter::default(),
            search: String::new(),
            only_matches: false,
            playback: Playback::default(),
            index_wanted: false,
            generation: 0,
            pending: false,
            loading: None,
            next_job: 1,
            status: Status::Quiet,
            problems: None,
            problems_open: false,
            recent: Vec::new(),
            listed: None,
            panels_shown: true,
            online: false,
            shortcuts_open: false,
            export_only_shown: false,
            keep_view: false,
            marks: Marks::default(),
            next_marks: Marks::default(),
            viewport: None,
            note: None,
            places: PlaceFinder::default(),
            work: None,
            work_job: 0,
            select_after: None,
            unsaved: None,
            paste_open: false,
            recovery: None,
            recoverable: None,
            recovering: false,
            recovered_path: None,
            fade_doubtful: false,
        }
    }

    /// Remembered files, the latest first (from the settings).
    pub fn remember_recent(&mut self, files: impl IntoIterator<Item = PathBuf>) {
        for p in files {
            if !self.recent.contains(&p) {
                self.recent.push(p);
            }
        }
        self.recent.truncate(MAX_RECENT);
    }

    /// The next file loaded at start keeps the map's view (restored from
    /// the last run) instead of framing its data.
    pub fn keep_view_for_next_load(&mut self) {
        self.keep_view = true;
    }

    /// Moves this frame's signals in: what the last frame set.
    pub fn begin_frame(&mut self) {
        self.marks = std::mem::take(&mut self.next_marks);
    }

    /// What the map showed in the frame just drawn; a live table is
    /// asked what it shows when that is a new question.
    pub fn set_viewport(&mut self, viewport: Option<Viewport>) -> Vec<Effect> {
        self.viewport = viewport;
        let mut fx = Vec::new();
        self.ask_live(&mut fx);
        // A live table's count in view follows the view.
        let n = self.live_in_view();
        if let (Status::Live { in_view, .. }, Some(n)) = (&mut self.status, n) {
            *in_view = n;
        }
        fx
    }

    /// About how many events of the live table open are in the map's
    /// view: those of the server's cells whose events' mean is in it (a
    /// view's cells are a few hundred at most).
    pub fn live_in_view(&self) -> Option<u64> {
        let (live, viewport) = (self.live()?, self.viewport?);
        let c = incident_map_core::markers::mercator(viewport.center);
        let scale = incident_map_core::markers::world_pixels(viewport.zoom);
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
        let filter = self.effective_filter();
        let (Some(viewport), Some(doc)) = (self.viewport, &mut self.doc) else {
            return;
        };
        let Some(live) = &mut doc.live else { return };
        let question = (crate::live::ask_of(&viewport, &filter), self.search.clone());
        if live.asked.as_ref() != Some(&question) {
            live.asked = Some(question.clone());
            live.error = None;
            fx.push(Effect::AskLive {
                live: live.source.clone(),
                ask: question.0,
                search: question.1,
            });
        }
    }

    /// The live table open, if one is.
    pub fn live(&self) -> Option<&LiveDoc> {
        self.doc.as_ref().and_then(|d| d.live.as_ref())
    }

    pub fn document(&self) -> Option<&Document> {
        self.doc.as_ref()
    }

    pub fn store(&self) -> Option<&Store> {
        self.doc.as_ref().map(|d| &*d.store)
    }

    pub fn table(&self) -> Option<&EventTable> {
        self.doc.as_ref().map(Document::table)
    }

    pub fn view(&self) -> Option<&ViewIndex> {
        self.doc.as_ref().map(|d| &*d.view)
    }

    /// The file open.
    pub fn path(&self) -> Option<&Path> {
        self.doc.as_ref().map(|d| d.path.as_path())
    }

    pub fn regions(&self) -> &RegionIndex {
        &self.regions
    }

    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selection.as_ref().map(|s| s.id.as_str())
    }

    /// The filter set (the words searched for apart).
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// The filter every view shows: the filter set, with the words searched
    /// for when they filter too.
    pub fn effective_filter(&self) -> Filter {
        let mut f = self.filter.clone();
        if self.only_matches {
            f.text = self.search.clone();
        }
        f
    }

    /// The words in the search field.
    pub fn search(&self) -> &str {
        &self.search
    }

    pub fn only_matches(&self) -> bool {
        self.only_matches
    }

    pub fn playback(&self) -> Playback {
        self.playback
    }

    /// Whether the views show the latest filter (none is being built).
    pub fn view_is_current(&self) -> bool {
        !self.pending && self.live().is_none_or(LiveDoc::is_current)
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The problems of the last file, while their window is open.
    pub fn problems(&self) -> Option<&Problems> {
        self.problems.as_ref().filter(|_| self.problems_open)
    }

    pub fn recent(&self) -> &[PathBuf] {
        &self.recent
    }

    pub fn listed(&self) -> Option<&[usize]> {
        self.listed.as_deref()
    }

    pub fn loading(&self) -> Option<&Loading> {
        self.loading.as_ref()
    }

    pub fn panels_shown(&self) -> bool {
        self.panels_shown
    }

    pub fn online(&self) -> bool {
        self.online
    }

    pub fn shortcuts_open(&self) -> bool {
        self.shortcuts_open
    }

    /// Whether markers of doubtful evidence are drawn faded.
    pub fn fade_doubtful(&self) -> bool {
        self.fade_doubtful
    }

    /// *Find a place…*: whether it is open, the name typed, the places found.
    pub fn place_finder(&self) -> &PlaceFinder {
        &self.places
    }

    pub fn export_only_shown(&self) -> bool {
        self.export_only_shown
    }

    /// A remark to show beside the status until the user does something.
    pub fn note(&mut self, text: String) {
        self.note = Some(text);
    }

    pub fn current_note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Clears the status bar (a clean start needs no message).
    pub fn quiet(&mut self) {
        // A remark said in the status bar instead of a window stays, as
        // does what a server's table holds.
        if !matches!(
            self.status,
            Status::Opened { uncited: true, .. } | Status::Live { .. }
        ) {
            self.status = Status::Quiet;
        }
    }

    /// The event the pointer was over in the frame drawn last, in any view.
    pub fn pointer_over(&self) -> Option<&str> {
        self.next_marks.hovered.as_deref()
    }

    /// This frame's signals.
    pub fn marks(&self) -> &Marks {
        &self.marks
    }

    pub fn viewport(&self) -> Option<Viewport> {
        self.viewport
    }
}

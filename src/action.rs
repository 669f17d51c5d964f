//! What goes through the app's one queue, one way: [`Action`]s the user
//! asks for (from panels, menus and keys), grouped by the room of the state
//! they change; [`Done`]: work that finished in the background (a load, a
//! dialog, an export), with the outcome types it carries; and the
//! [`Effect`]s that applying either asks of the world outside the state
//! (start a thread, open a dialog, move the map).
//!
//! This module sits under the rest of the app: it names only the command
//! table ([`crate::command`]), the views' data ([`crate::views`]) and what
//! reading a source proposes ([`crate::proposals`]), none of which names
//! anything else of the app, so messages never run in a circle back
//! through the code that sends them.

use std::any::Any;
use std::path::PathBuf;
use std::sync::{Arc, Weak};

use crate::command::Command;
use crate::proposals;
use crate::views::{LiveView, ViewIndex};
use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::formats::{Format, Loaded, Progress};
use incident_map_core::markers::MarkerIndex;
use incident_map_core::model::{Category, Dataset, Event, LatLon, Reliability, Source};
use incident_map_core::origin::Origin;
use incident_map_core::postgis::live::{Ask, Live};
use incident_map_core::store::Store;

/// What the user asks for, by the room of the state it changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A command from the table: a menu, a button or a key.
    Command(Command),
    /// The filter, the words searched for, playback.
    Lens(LensAction),
    /// Which event is selected, hovered, listed.
    Selection(SelectionAction),
    /// What is open: loading, exporting, the basemap.
    Document(DocumentAction),
    /// The windows and panels around the map.
    Window(WindowAction),
    /// The data set being authored.
    Author(AuthorAction),
    /// The events proposed by reading a source.
    Review(ReviewAction),
    /// Move the map.
    Move(CameraMove),
    /// Tell the user something in the status bar (a date typed wrong).
    Note(String),
}

impl Action {
    /// Open `origin`, framing its data.
    pub fn open(origin: impl Into<Origin>) -> Action {
        Action::Document(DocumentAction::Open(origin.into()))
    }

    /// Select the event with this id.
    pub fn select(id: impl Into<String>) -> Action {
        Action::Selection(SelectionAction::Select(id.into()))
    }

    /// Write the events (all, or only those shown) to `path`.
    pub fn export(path: impl Into<PathBuf>, only_shown: bool) -> Action {
        Action::Document(DocumentAction::Export {
            path: path.into(),
            only_shown,
        })
    }

    /// Search for these words.
    pub fn search(words: impl Into<String>) -> Action {
        Action::Lens(LensAction::Search(words.into()))
    }

    /// Change the filter.
    pub fn filter(edit: FilterEdit) -> Action {
        Action::Lens(LensAction::Filter(edit))
    }
}

impl From<Command> for Action {
    fn from(c: Command) -> Action {
        Action::Command(c)
    }
}

impl From<LensAction> for Action {
    fn from(a: LensAction) -> Action {
        Action::Lens(a)
    }
}

impl From<SelectionAction> for Action {
    fn from(a: SelectionAction) -> Action {
        Action::Selection(a)
    }
}

impl From<DocumentAction> for Action {
    fn from(a: DocumentAction) -> Action {
        Action::Document(a)
    }
}

impl From<WindowAction> for Action {
    fn from(a: WindowAction) -> Action {
        Action::Window(a)
    }
}

impl From<AuthorAction> for Action {
    fn from(a: AuthorAction) -> Action {
        Action::Author(a)
    }
}

impl From<ReviewAction> for Action {
    fn from(a: ReviewAction) -> Action {
        Action::Review(a)
    }
}

/// What the panels of one frame ask for, in order: anything an [`Action`]
/// is made from may be pushed.
#[derive(Debug, Default)]
pub struct Actions(Vec<Action>);

impl Actions {
    pub fn push(&mut self, a: impl Into<Action>) {
        self.0.push(a.into());
    }

    pub fn extend(&mut self, actions: impl IntoIterator<Item = Action>) {
        self.0.extend(actions);
    }

    /// What was asked, to be applied.
    pub fn take(self) -> Vec<Action> {
        self.0
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Action> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Changes to what every view shows.
#[derive(Debug, Clone, PartialEq)]
pub enum LensAction {
    /// Change the filter every view shows.
    Filter(FilterEdit),
    /// Show what this filter shows (the command line's, say).
    SetFilter(Filter),
    /// The words in the search field.
    Search(String),
    /// Playback's next step is due (the shell sends it on time).
    Tick,
    /// Index the events' words now (for the sources' counts), not only
    /// when a search needs them.
    IndexWords,
}

/// Which event is selected, and what of it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectionAction {
    /// Select an event by id.
    Select(String),
    /// The pointer is over this event in one view; the others mark it.
    Hover(String),
    /// Show the selected event's passage with this index.
    ShowPassage(usize),
    /// A cluster on the map was clicked: zoom into it, or list its events
    /// when zooming cannot split it.
    OpenCluster { zoom: u8, cells: Vec<u64> },
    /// Close the list of a cluster's events.
    CloseClusterList,
}

/// What is open.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentAction {
    /// Load a file or a table (in the background), framing its data.
    Open(Origin),
    /// Write the events (all, or only those shown) to a file, in the format
    /// its extension names.
    Export { path: PathBuf, only_shown: bool },
    /// Publish what the filter shows as one HTML page at this path.
    Publish(PathBuf),
    /// Whether an export writes only the events shown (in the map's view,
    /// categories not hidden) or all of them.
    SetExportOnlyShown(bool),
    /// Use another basemap archive; `None` for the bundled one.
    UseBasemap(Option<PathBuf>),
}

/// The windows around the map.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowAction {
    DismissProblems,
    CloseShortcuts,
    /// The name typed in *Find a place…*.
    FindPlace(String),
    /// Take the map to the place listed at this index, and close the finder.
    GoToPlace(usize),
    ClosePlaceFinder,
    ClosePasteSource,
    /// Read the gazetteer now if it is not yet (the editor finds places in it).
    WantGazetteer,
    /// Close the window that asks for a path in place of a system dialog:
    /// `answered` with a path (what waited for it goes on), or cancelled.
    ClosePathPrompt {
        answered: bool,
    },
}

/// What a system file dialog was opened for: when none can open (no
/// desktop portal), a window asks for the path in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathFor {
    /// A file (or table) to open.
    Open,
    /// A report to add as a source.
    Source,
    /// Where to save the data set being authored.
    Save,
    /// Where to export events.
    Export,
    /// Where to publish a page.
    Publish,
}

impl PathFor {
    /// The prompt window's title.
    pub fn title(self) -> &'static str {
        match self {
            PathFor::Open => "Open a file",
            PathFor::Source => "Add a source",
            PathFor::Save => "Save the data set",
            PathFor::Export => "Export events",
            PathFor::Publish => "Publish as a web page",
        }
    }

    /// Its button.
    pub fn verb(self) -> &'static str {
        match self {
            PathFor::Open => "Open",
            PathFor::Source => "Add",
            PathFor::Save => "Save",
            PathFor::Export => "Export",
            PathFor::Publish => "Publish",
        }
    }
}

/// Changes to the data set being authored.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthorAction {
    /// Read this source of the data set being authored (`None`: stop).
    ReadSource(Option<String>),
    /// The words selected in the source being read (`None`: nothing).
    SelectWords(Option<Words>),
    /// The editor's event, changed: put in place of the event of its id.
    EditEvent(Box<Event>),
    /// Open the event with this id in the editor.
    OpenEditor(String),
    CloseEditor,
    /// Put the event being edited here (a click on the map while placing).
    PlaceAt(LatLon),
    /// Move the event being edited here (its marker dragged).
    MoveTo(LatLon),
    /// Put the event being edited in this bundled region (its ISO 3166-2
    /// code), drawn as its outline.
    PlaceInRegion(String),
    /// Add a source made of pasted text.
    AddSourceText(Box<NewSource>),
    /// Add the report in this file as a source.
    AddSourceFile(PathBuf),
    /// Save the data set being authored to this file.
    SaveTo(PathBuf),
    /// What to do with unsaved changes before going on.
    Unsaved(UnsavedChoice),
    /// Take back the work a crash left (`true`), or let it go.
    Recover(bool),
    /// The data set's title.
    SetTitle(String),
    /// The data set's time zone, as typed (an IANA name; empty: UTC).
    SetTimeZone(String),
    /// A source's title, author, publisher, date or address, changed.
    EditSource(Box<Source>),
    /// A category's label or colour, changed.
    EditCategory(Category),
    /// A source's reliability (Admiralty grade A–F; `None`: ungraded).
    GradeSource {
        source: String,
        reliability: Option<Reliability>,
    },
}

/// What the analyst does with the events proposed by reading a source,
/// each named by its index among them.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewAction {
    /// Choose one: its words, date and place are shown, the map goes to it.
    Choose(usize),
    /// Make it an event of the data set.
    Accept(usize),
    /// Make it an event and open that in the editor.
    Edit(usize),
    /// Set it aside.
    Reject(usize),
    /// Take back a rejection.
    Restore(usize),
    /// Make every one not rejected an event, in one step.
    AcceptAll,
    /// Put it at another of the places its words may name.
    Alternative {
        candidate: usize,
        alternative: usize,
    },
    /// Stop reviewing.
    Close,
}

/// Words selected in a source: its id, and the characters (Unicode scalar
/// values) from `start` to `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    pub source: String,
    pub start: usize,
    pub end: usize,
}

/// A source typed or pasted in: its text and what is known of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewSource {
    pub title: String,
    pub author: String,
    pub publisher: String,
    /// Its date, as a date is written ("2024-03-22").
    pub published: String,
    pub url: String,
    pub text: String,
}

/// The answer to "Save the changes first?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsavedChoice {
    Save,
    Discard,
    Cancel,
}

/// A change to the filter.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterEdit {
    /// Show or hide a category's events.
    ToggleCategory(String),
    /// Show only events with this actor, or stop (several: any of them).
    ToggleActor(String),
    /// Show only events of this precision, or stop (several: any of them).
    TogglePrecision(incident_map_core::model::Precision),
    /// Show only events that cite this source, or stop.
    ToggleSource(String),
    /// Show only events whose best source has this reliability, or stop
    /// (several: any of them).
    ToggleReliability(Reliability),
    /// The time window, first and last second; `None` for all time.
    Window(Option<(i64, i64)>),
    /// A window of whole days of the data set's time zone (either end open).
    Days(Option<jiff::civil::Date>, Option<jiff::civil::Date>),
}

/// Why a load was started: what becomes of what it opens.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadIntent {
    /// Open it; `frame`: the map frames its data (not when the view of the
    /// last run was restored for it).
    Open { frame: bool },
    /// It is a recovery copy: its data becomes unsaved work, saved where
    /// that work was saved (`saved`), if it was.
    Recover { saved: Option<PathBuf> },
}

/// A load's outcome: what it opened, or why it could not be read.
pub type Outcome = Result<Opened, String>;

/// What a load opened.
pub struct Opened {
    pub loaded: Loaded,
    /// The views of its data under the filter, when it is fit to show.
    pub view: Option<Arc<ViewIndex>>,
    /// A server's table asked per view, and what its first view shows
    /// (then `loaded` holds no events: they stay on the server).
    pub live: Option<(Arc<Live>, Arc<LiveView>)>,
}

/// Work that finished away from the UI thread.
pub enum Done {
    /// A load finished (or failed, or was cancelled).
    Loaded {
        job: u64,
        origin: Origin,
        intent: LoadIntent,
        outcome: Box<Outcome>,
    },
    /// The open dialog closed, with the file chosen if any.
    OpenDialog(Option<PathBuf>),
    /// No system file dialog could open (it gave up at once): the path is
    /// asked for in a window instead.
    NoDialog(PathFor),
    /// The export dialog closed.
    ExportDialog(Option<PathBuf>),
    /// An export was written, or not, with what to tell the user.
    Exported(Result<Exported, String>),
    /// The publish dialog closed.
    PublishDialog(Option<PathBuf>),
    /// A page was published, or not.
    Published(Result<Published, String>),
    /// The map image was saved, or not.
    MapImage(Result<PathBuf, String>),
    /// The views were rebuilt for a filter (and the search index built,
    /// when it was needed).
    ViewBuilt {
        generation: u64,
        view: Arc<ViewIndex>,
        index: Option<Arc<SearchIndex>>,
        /// The store it was built for: an index is kept only for the data
        /// it indexes.
        store: Weak<Store>,
    },
    /// A rebuild was overtaken by a newer filter before it began.
    Superseded,
    /// The words of a store's events were indexed.
    Indexed {
        store: Weak<Store>,
        index: Arc<SearchIndex>,
    },
    /// How far a long background job got, for the status bar.
    Progress(String),
    /// The map switched to a basemap, or could not.
    Basemap(Result<PathBuf, String>),
    /// The source dialog closed with nothing chosen.
    SourceDialog,
    /// A report file chosen to add as a source.
    SourceRead(Result<SourceFile, String>),
    /// The save dialog closed, with the file chosen if any.
    SaveDialog(Option<PathBuf>),
    /// The data set was saved (as written: its sources' files set), or not.
    Saved(Result<(PathBuf, Box<Dataset>), String>),
    /// The views of the data set as edited were built; `select`: the event
    /// to select then, and whether to bring it into view.
    WorkView {
        job: u64,
        store: Arc<Store>,
        view: Arc<ViewIndex>,
        select: Option<(String, bool)>,
    },
    /// The gazetteer was read, or could not be.
    Gazetteer(Result<Arc<incident_map_core::gazetteer::Gazetteer>, String>),
    /// A source was read for the events it reports (`job` names the reading).
    EventsRead {
        job: u64,
        read: Box<proposals::Read>,
    },
    /// A server answered what one view of its table shows (or said why not).
    LiveAnswer {
        live: Weak<Live>,
        ask: Box<Ask>,
        answer: Result<Arc<LiveView>, String>,
    },
    /// A job could not even start.
    Failed(String),
}

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Done::Loaded { job, origin, .. } => write!(f, "Loaded({job}, {origin})"),
            Done::OpenDialog(p) => write!(f, "OpenDialog({p:?})"),
            Done::NoDialog(k) => write!(f, "NoDialog({k:?})"),
            Done::ExportDialog(p) => write!(f, "ExportDialog({p:?})"),
            Done::Exported(r) => write!(f, "Exported({r:?})"),
            Done::PublishDialog(p) => write!(f, "PublishDialog({p:?})"),
            Done::Published(r) => write!(f, "Published({r:?})"),
            Done::MapImage(r) => write!(f, "MapImage({r:?})"),
            Done::ViewBuilt { generation, .. } => write!(f, "ViewBuilt({generation})"),
            Done::Progress(p) => write!(f, "Progress({p})"),
            Done::Superseded => f.write_str("Superseded"),
            Done::Indexed { .. } => f.write_str("Indexed"),
            Done::Basemap(r) => write!(f, "Basemap({r:?})"),
            Done::SourceDialog => f.write_str("SourceDialog"),
            Done::SourceRead(r) => {
                write!(
                    f,
                    "SourceRead({:?})",
                    r.as_ref().map(|s| (&s.path, &s.title))
                )
            }
            Done::EventsRead { job, read } => {
                write!(f, "EventsRead({job}, {} proposed)", read.candidates.len())
            }
            Done::SaveDialog(p) => write!(f, "SaveDialog({p:?})"),
            Done::Saved(r) => write!(f, "Saved({:?})", r.as_ref().map(|(p, _)| p)),
            Done::WorkView { job, .. } => write!(f, "WorkView({job})"),
            Done::Gazetteer(r) => {
                write!(f, "Gazetteer({})", r.as_ref().map_or("failed", |_| "read"))
            }
            Done::LiveAnswer { answer, .. } => write!(f, "LiveAnswer({answer:?})"),
            Done::Failed(why) => write!(f, "Failed({why})"),
        }
    }
}

/// A report file read to add as a source: its title, its text, and its
/// date as the page or its byline gives it ("2016-09-18").
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub title: String,
    pub text: String,
    pub published: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub path: PathBuf,
    pub format: Format,
    pub count: usize,
    pub total: usize,
}

/// What a publish wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub path: PathBuf,
    pub count: usize,
    pub total: usize,
    /// The page's size.
    pub bytes: usize,
}

/// One item of the queue.
#[derive(Debug)]
pub enum Msg {
    Do(Action),
    Done(Done),
}

/// Anything an [`Action`] is made from goes in the queue as one.
macro_rules! into_msg {
    ($($t:ty),*) => {$(
        impl From<$t> for Msg {
            fn from(a: $t) -> Msg {
                Msg::Do(a.into())
            }
        }
    )*};
}
into_msg!(
    Action,
    Command,
    LensAction,
    SelectionAction,
    DocumentAction,
    WindowAction,
    AuthorAction,
    ReviewAction
);

impl From<Done> for Msg {
    fn from(d: Done) -> Msg {
        Msg::Done(d)
    }
}

/// What applying a message asks of the world outside the state.
pub enum Effect {
    /// Start loading `origin`; `job` names the load. Its views are built
    /// under `filter`.
    Load {
        job: u64,
        origin: Origin,
        intent: LoadIntent,
        progress: Arc<Progress>,
        filter: Filter,
    },
    OpenDialog,
    ExportDialog,
    /// Write `keep` (event indices) of `store` to `path`.
    Export {
        store: Arc<Store>,
        keep: Vec<usize>,
        opened: Option<PathBuf>,
        path: PathBuf,
        format: Format,
    },
    /// Ask where to publish a page.
    PublishDialog,
    /// Publish `keep` (event indices) of `store` as one HTML page at `path`.
    Publish {
        store: Arc<Store>,
        keep: Vec<usize>,
        path: PathBuf,
    },
    /// Save the map as a PNG.
    MapImage,
    /// Rebuild the views for a filter, off the UI thread.
    RebuildView(Rebuild),
    /// Index the words of a store's events, in the background.
    IndexWords(Arc<Store>),
    /// Find a large store's common words (see `common_words`), in the
    /// background, so that its searches read fewer events.
    CommonWords(Arc<Store>),
    /// Stop an index being built: it is no longer wanted.
    StopIndexing,
    /// Let go of what a replaced document held, off the UI thread (a large
    /// file takes a while to free).
    Release(Box<dyn Any + Send>),
    /// Switch the map's basemap (`None`: the bundled one).
    UseBasemap(Option<PathBuf>),
    SetOnline(bool),
    /// Move the map.
    Camera(CameraMove),
    /// Read the gazetteer, in the background.
    ReadGazetteer,
    /// Read a source for the events it reports, in the background.
    ReadEvents {
        job: u64,
        ask: Box<proposals::Ask>,
        gazetteer: Arc<incident_map_core::gazetteer::Gazetteer>,
    },
    /// Ask for a report file to add as a source, and read it.
    SourceDialog,
    /// Read this report file, to add as a source.
    ReadSource(PathBuf),
    /// Ask where to save, suggesting this name.
    SaveDialog(String),
    /// Save the data set being authored, in the background.
    SaveWork {
        dataset: Box<Dataset>,
        path: PathBuf,
    },
    /// Build the views of the data set as edited, in the background; then
    /// select `select` (and bring it into view when it says so).
    BuildWork {
        job: u64,
        store: Arc<Store>,
        filter: Filter,
        select: Option<(String, bool)>,
    },
    /// Keep a recovery copy of the work, with where it is saved (`None`:
    /// remove it, all is saved).
    Recovery(Option<(Box<Dataset>, Option<PathBuf>)>),
    /// Ask a server's table what a view shows, in the background.
    AskLive {
        live: Arc<Live>,
        ask: Ask,
        search: String,
    },
    /// The window's title.
    Title(String),
    Quit,
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Load { job, origin, .. } => write!(f, "Load({job}, {origin})"),
            Effect::OpenDialog => f.write_str("OpenDialog"),
            Effect::ExportDialog => f.write_str("ExportDialog"),
            Effect::PublishDialog => f.write_str("PublishDialog"),
            Effect::Publish { path, keep, .. } => {
                write!(f, "Publish({}, {} events)", path.display(), keep.len())
            }
            Effect::Export { path, format, .. } => {
                write!(f, "Export({}, {format:?})", path.display())
            }
            Effect::MapImage => f.write_str("MapImage"),
            Effect::RebuildView(r) => write!(f, "{r:?}"),
            Effect::IndexWords(_) => f.write_str("IndexWords"),
            Effect::CommonWords(_) => f.write_str("CommonWords"),
            Effect::StopIndexing => f.write_str("StopIndexing"),
            Effect::Release(_) => f.write_str("Release"),
            Effect::UseBasemap(p) => write!(f, "UseBasemap({p:?})"),
            Effect::SetOnline(on) => write!(f, "SetOnline({on})"),
            Effect::Camera(m) => write!(f, "Camera({m:?})"),
            Effect::ReadGazetteer => f.write_str("ReadGazetteer"),
            Effect::ReadEvents { job, ask, .. } => write!(f, "ReadEvents({job}, {})", ask.source),
            Effect::SourceDialog => f.write_str("SourceDialog"),
            Effect::ReadSource(p) => write!(f, "ReadSource({})", p.display()),
            Effect::SaveDialog(n) => write!(f, "SaveDialog({n})"),
            Effect::SaveWork { path, .. } => write!(f, "SaveWork({})", path.display()),
            Effect::BuildWork { job, select, .. } => write!(f, "BuildWork({job}, {select:?})"),
            Effect::Recovery(w) => write!(
                f,
                "Recovery({})",
                if w.is_some() { "keep" } else { "remove" }
            ),
            Effect::AskLive { ask, .. } => write!(f, "AskLive(zoom {})", ask.zoom),
            Effect::Title(t) => write!(f, "Title({t})"),
            Effect::Quit => f.write_str("Quit"),
        }
    }
}

/// Rebuild the views of `store` under `filter`, finding `search` among
/// them; the search index is built first when it is needed and `index` is
/// `None`.
#[derive(Debug)]
pub struct Rebuild {
    pub generation: u64,
    pub store: Arc<Store>,
    pub all_markers: Arc<MarkerIndex>,
    pub filter: Filter,
    pub search: String,
    pub index: Option<Arc<SearchIndex>>,
    /// The view on screen: the events it did not show enter the new one
    /// (the map fades them in); its histogram is kept when only the
    /// window changes.
    pub before: Arc<ViewIndex>,
    /// Build the search index even if nothing needs it yet.
    pub index_wanted: bool,
}

/// A move of the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CameraMove {
    ZoomBy(f64),
    /// Frame a box (south-west, north-east), at `min_zoom` or deeper.
    Fit {
        sw: LatLon,
        ne: LatLon,
        min_zoom: f64,
    },
    /// Glide to a point, zoomed in to `min_zoom` at least.
    Approach {
        point: LatLon,
        min_zoom: f64,
    },
}

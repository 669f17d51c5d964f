//! What goes through the app's one queue: [`Action`]s the user asks for
//! (from panels, menus and keys) and [`Done`]: work that finished in the
//! background (a load, a dialog, an export). Both are applied in one place,
//! [`crate::state::AppState::apply`], which answers with the [`Effect`]s the
//! shell must carry out (start a thread, open a dialog, take a screenshot).

use std::path::PathBuf;
use std::sync::Arc;

use crate::command::Command;
use crate::views::ViewIndex;
use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::formats::Format;
use incident_map_core::markers::MarkerIndex;
use incident_map_core::model::LatLon;
use incident_map_core::store::Store;

/// What the user asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A command from the table: a menu, a button or a key.
    Command(Command),
    /// Select an event by id.
    Select(String),
    /// The pointer is over this event in one view; the others mark it.
    Hover(String),
    /// Show the selected event's passage with this index.
    ShowPassage(usize),
    /// Load an incident file (in the background).
    Open(PathBuf),
    /// Write the events (all, or only those shown) to a file, in the format
    /// its extension names.
    Export {
        path: PathBuf,
        only_shown: bool,
    },
    /// Use another basemap archive; `None` for the bundled one.
    UseBasemap(Option<PathBuf>),
    /// Change the filter every view shows.
    Filter(FilterEdit),
    /// Show what this filter shows (the command line's, say).
    SetFilter(Filter),
    /// The words in the search field.
    Search(String),
    /// Playback's next step is due (the shell sends it on time).
    Tick,
    /// Tell the user something in the status bar (a date typed wrong).
    Note(String),
    /// Index the events' words now (for the sources' counts), not only
    /// when a search needs them.
    IndexWords,
    /// A cluster on the map was clicked: zoom into it, or list its events
    /// when zooming cannot split it.
    OpenCluster {
        zoom: u8,
        cells: Vec<u64>,
    },
    /// A cell the server counted was clicked: glide to `point`, zoomed to
    /// `zoom` at least.
    ZoomInto {
        point: LatLon,
        zoom: f64,
    },
    /// Close the list of a cluster's events.
    CloseClusterList,
    /// Whether an export writes only the events shown (in the map's view,
    /// categories not hidden) or all of them.
    SetExportOnlyShown(bool),
    DismissProblems,
    CloseShortcuts,
    /// The name typed in *Find a place…*.
    FindPlace(String),
    /// Take the map to the place listed at this index, and close the finder.
    GoToPlace(usize),
    ClosePlaceFinder,
    /// Read this source of the data set being authored (`None`: stop).
    ReadSource(Option<String>),
    /// The words selected in the source being read (`None`: nothing).
    SelectWords(Option<Words>),
    /// The editor's event, changed: put in place of the event of its id.
    EditEvent(Box<incident_map_core::model::Event>),
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
    ClosePasteSource,
    /// Save the data set being authored to this file.
    SaveTo(PathBuf),
    /// What to do with unsaved changes before going on.
    Unsaved(UnsavedChoice),
    /// Take back the work a crash left (`true`), or let it go.
    Recover(bool),
    /// The data set's title.
    SetTitle(String),
    /// A source's title, author, publisher, date or address, changed.
    EditSource(Box<incident_map_core::model::Source>),
    /// A category's label or colour, changed.
    EditCategory(incident_map_core::model::Category),
    /// A source's reliability (Admiralty grade A–F; `None`: ungraded).
    GradeSource {
        source: String,
        reliability: Option<incident_map_core::model::Reliability>,
    },
    /// Read the gazetteer now if it is not yet (the editor finds places in it).
    WantGazetteer,
    /// Add the report in this file as a source.
    AddSourceFile(PathBuf),
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
    ToggleReliability(incident_map_core::model::Reliability),
    /// The time window, first and last second; `None` for all time.
    Window(Option<(i64, i64)>),
    /// A window of whole days of the data set's time zone (either end open).
    Days(Option<jiff::civil::Date>, Option<jiff::civil::Date>),
}

/// Work that finished away from the UI thread.
pub enum Done {
    /// A load finished (or failed, or was cancelled).
    Loaded {
        job: u64,
        path: PathBuf,
        outcome: Box<crate::background::Outcome>,
    },
    /// The open dialog closed, with the file chosen if any.
    OpenDialog(Option<PathBuf>),
    /// The export dialog closed.
    ExportDialog(Option<PathBuf>),
    /// An export was written, or not, with what to tell the user.
    Exported(Result<Exported, String>),
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
        store: std::sync::Weak<Store>,
    },
    /// A rebuild was overtaken by a newer filter before it began.
    Superseded,
    /// The words of a store's events were indexed.
    Indexed {
        store: std::sync::Weak<Store>,
        index: Arc<SearchIndex>,
    },
    /// How far a long background job got, for the status bar.
    Progress(String),
    /// The map switched to a basemap, or could not.
    Basemap(Result<PathBuf, String>),
    /// A report file chosen to add as a source: its path, title and text.
    SourceRead(Result<(PathBuf, String, String), String>),
    /// The save dialog closed, with the file chosen if any.
    SaveDialog(Option<PathBuf>),
    /// The data set was saved (as written: its sources' files set), or not.
    Saved(Result<(PathBuf, Box<incident_map_core::model::Dataset>), String>),
    /// The views of the data set as edited were built.
    WorkView {
        job: u64,
        store: Arc<Store>,
        view: Arc<ViewIndex>,
    },
    /// The gazetteer was read, or could not be.
    Gazetteer(Result<Arc<incident_map_core::gazetteer::Gazetteer>, String>),
    /// A server answered what one view of its table shows (or said why not).
    LiveAnswer {
        live: std::sync::Weak<incident_map_core::postgis::live::Live>,
        ask: Box<incident_map_core::postgis::live::Ask>,
        answer: Result<Arc<crate::live::LiveView>, String>,
    },
    /// A job could not even start.
    Failed(String),
}

impl std::fmt::Debug for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Done::Loaded { job, path, .. } => write!(f, "Loaded({job}, {})", path.display()),
            Done::OpenDialog(p) => write!(f, "OpenDialog({p:?})"),
            Done::ExportDialog(p) => write!(f, "ExportDialog({p:?})"),
            Done::Exported(r) => write!(f, "Exported({r:?})"),
            Done::MapImage(r) => write!(f, "MapImage({r:?})"),
            Done::ViewBuilt { generation, .. } => write!(f, "ViewBuilt({generation})"),
            Done::Progress(p) => write!(f, "Progress({p})"),
            Done::Superseded => f.write_str("Superseded"),
            Done::Indexed { .. } => f.write_str("Indexed"),
            Done::Basemap(r) => write!(f, "Basemap({r:?})"),
            Done::SourceRead(r) => {
                write!(f, "SourceRead({:?})", r.as_ref().map(|(p, t, _)| (p, t)))
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

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub path: PathBuf,
    pub format: Format,
    pub count: usize,
    pub total: usize,
}

/// One item of the queue.
#[derive(Debug)]
pub enum Msg {
    Do(Action),
    Done(Done),
}

impl From<Action> for Msg {
    fn from(a: Action) -> Msg {
        Msg::Do(a)
    }
}

impl From<Command> for Msg {
    fn from(c: Command) -> Msg {
        Msg::Do(Action::Command(c))
    }
}

impl From<Done> for Msg {
    fn from(d: Done) -> Msg {
        Msg::Done(d)
    }
}

/// What applying a message asks of the world outside the state.
#[derive(Debug)]
pub enum Effect {
    /// Start loading a file; `job` names the load. Its views are built
    /// under `filter`.
    Load {
        job: u64,
        path: PathBuf,
        progress: Arc<incident_map_core::formats::Progress>,
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
    /// Save the map as a PNG.
    MapImage,
    /// Rebuild the views for a filter, off the UI thread.
    RebuildView(Rebuild),
    /// Index the words of a store's events, in the background.
    IndexWords(Arc<Store>),
    /// Let go of a file that was replaced, off the UI thread.
    Release(Box<crate::state::Document>),
    /// Switch the map's basemap (`None`: the bundled one).
    UseBasemap(Option<PathBuf>),
    SetOnline(bool),
    /// Move the map.
    Camera(CameraMove),
    /// Read the gazetteer, in the background.
    ReadGazetteer,
    /// Ask for a report file to add as a source, and read it.
    SourceDialog,
    /// Read this report file, to add as a source.
    ReadSource(PathBuf),
    /// Ask where to save, suggesting this name.
    SaveDialog(String),
    /// Save the data set being authored, in the background.
    SaveWork {
        dataset: Box<incident_map_core::model::Dataset>,
        path: PathBuf,
    },
    /// Build the views of the data set as edited, in the background.
    BuildWork {
        job: u64,
        store: Arc<Store>,
        filter: Filter,
    },
    /// Keep a recovery copy of the work, with where it is saved (`None`:
    /// remove it, all is saved).
    Recovery(Option<(Box<incident_map_core::model::Dataset>, Option<PathBuf>)>),
    /// Ask a server's table what a view shows, in the background.
    AskLive {
        live: Arc<incident_map_core::postgis::live::Live>,
        ask: incident_map_core::postgis::live::Ask,
        search: String,
    },
    /// The window's title.
    Title(String),
    Quit,
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

/// A move of the map asked for by a command.
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

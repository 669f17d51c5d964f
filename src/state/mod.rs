//! The app's state, in rooms, each its own type with its own reducer in
//! its own file:
//!
//! - [`lens`]: what every view shows (the filter, the words searched for,
//!   only matches, playback, the number of the view being built);
//!   [`playback`] steps its time window;
//! - [`document`]: what is open (a file, a table, unsaved work), what is
//!   loading, the recent list, the last file's problems, and taking a load in;
//! - [`selection`]: the selected event, walking events and matches, the
//!   events of a cluster listed;
//! - [`windows`]: the windows and panels (problems, shortcuts, a pasted
//!   source, the place finder, the side panels, the online layer);
//! - [`work`] and [`authoring`]: the data set being authored, its saving
//!   and its edits;
//! - [`review`] and [`reviewing`]: the events proposed by reading a source
//!   of the work, accepted or rejected one by one;
//!
//! [`status`] words the status bar; [`camera`] says where the map goes.
//! These name no file of the jobs that join them, each a file of
//! `impl AppState` of its own: [`apply`] routes every message to its room
//! (the one place the state changes, tested without an egui context);
//! [`opening`] starts loads and takes in what they open; [`rebuild`] asks
//! for views and installs them keeping the selection; [`selecting`] selects
//! and walks events; [`live_table`] asks a server's table per view;
//! [`export`] checks an export; [`authoring`] changes the work and
//! [`saving`] saves it. Fields are private; panels read through methods.

mod apply;
mod authoring;
mod camera;
mod document;
mod export;
mod lens;
mod live_table;
mod opening;
mod places;
mod playback;
mod rebuild;
mod review;
mod reviewing;
mod saving;
mod selecting;
mod selection;
mod status;
mod windows;
mod work;

use std::sync::Arc;

use incident_map_core::filter::Filter;
use incident_map_core::geography::RegionIndex;
use incident_map_core::model::LatLon;
use incident_map_core::origin::Origin;
use incident_map_core::store::{EventTable, Store};

pub use crate::recovery::Offer;
use crate::views::ViewIndex;
pub use document::{Document, Documents, LiveDoc, Loading, MAX_RECENT, Problems, SHOWN_PROBLEMS};
pub use lens::{Lens, Playback, SPEEDS};
pub use places::{PlaceFinder, PlaceHit};
pub use review::{Review, Verdict};
pub use selection::{Selected, Selection};
pub use status::{Status, thousands};
pub use windows::Windows;
pub use work::{Authoring, MAX_EDITABLE, Then, Work};

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

/// Everything the app shows and works on.
pub struct AppState {
    regions: Arc<RegionIndex>,
    lens: Lens,
    docs: Documents,
    selection: Selected,
    windows: Windows,
    author: Authoring,
    /// The events proposed by reading a source, under review; the number
    /// of the latest reading.
    review: Option<Review>,
    review_job: u64,
    /// Where recovery copies of the work are written (none in tests), and
    /// the copy a crash left, until the user answers.
    recovery_file: Option<std::path::PathBuf>,
    offer: Option<Offer>,
    status: Status,
    /// A remark shown beside the status until the user does something
    /// (settings that could not be read, at start).
    note: Option<String>,
    /// What this frame marks, and what the next one will.
    marks: Marks,
    next_marks: Marks,
    viewport: Option<Viewport>,
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
            regions,
            lens: Lens::default(),
            docs: Documents::default(),
            selection: Selected::default(),
            windows: Windows::default(),
            author: Authoring::default(),
            review: None,
            review_job: 0,
            recovery_file: None,
            offer: None,
            status: Status::Quiet,
            note: None,
            marks: Marks::default(),
            next_marks: Marks::default(),
            viewport: None,
        }
    }

    /// Remembered files and tables, the latest first (from the settings).
    pub fn remember_recent(&mut self, origins: impl IntoIterator<Item = Origin>) {
        self.docs.remember_all(origins);
    }

    /// Where recovery copies are kept (the shell sets it; none in tests),
    /// and the copy a crash left, offered to the user.
    pub fn set_recovery(&mut self, file: Option<std::path::PathBuf>, offer: Option<Offer>) {
        self.recovery_file = file;
        self.offer = offer;
    }

    /// Moves this frame's signals in: what the last frame set.
    pub fn begin_frame(&mut self) {
        self.marks = std::mem::take(&mut self.next_marks);
    }

    pub fn document(&self) -> Option<&Document> {
        self.docs.open()
    }

    pub fn store(&self) -> Option<&Store> {
        self.document().map(|d| &*d.store)
    }

    pub fn table(&self) -> Option<&EventTable> {
        self.document().map(Document::table)
    }

    pub fn view(&self) -> Option<&ViewIndex> {
        self.document().map(|d| &*d.view)
    }

    /// Where the data open comes from.
    pub fn origin(&self) -> Option<&Origin> {
        self.document().map(|d| &d.origin)
    }

    /// The live table open, if one is.
    pub fn live(&self) -> Option<&LiveDoc> {
        self.document().and_then(|d| d.live.as_ref())
    }

    pub fn regions(&self) -> &RegionIndex {
        &self.regions
    }

    pub fn selection(&self) -> Option<&Selection> {
        self.selection.get()
    }

    pub fn selected_id(&self) -> Option<&str> {
        self.selection().map(|s| s.id.as_str())
    }

    /// The events of a cluster that zooming cannot split, listed to choose from.
    pub fn listed(&self) -> Option<&[usize]> {
        self.selection.listed()
    }

    /// The filter set (the words searched for apart).
    pub fn filter(&self) -> &Filter {
        self.lens.filter()
    }

    /// The filter every view shows: the filter set, with the words searched
    /// for when they filter too.
    pub fn effective_filter(&self) -> &Filter {
        self.lens.effective()
    }

    /// The words in the search field.
    pub fn search(&self) -> &str {
        self.lens.search()
    }

    pub fn only_matches(&self) -> bool {
        self.lens.only_matches()
    }

    pub fn playback(&self) -> Playback {
        self.lens.playback()
    }

    /// Whether the views show the latest filter (none is being built).
    pub fn view_is_current(&self) -> bool {
        !self.lens.pending() && self.live().is_none_or(LiveDoc::is_current)
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The problems of the last file, while their window is open.
    pub fn problems(&self) -> Option<&Problems> {
        self.docs.problems().filter(|_| self.windows.problems_open)
    }

    /// Files and tables opened recently, the latest first.
    pub fn recent(&self) -> &[Origin] {
        self.docs.recent()
    }

    pub fn loading(&self) -> Option<&Loading> {
        self.docs.loading()
    }

    pub fn windows(&self) -> &Windows {
        &self.windows
    }

    pub fn panels_shown(&self) -> bool {
        self.windows.panels_shown
    }

    pub fn online(&self) -> bool {
        self.windows.online
    }

    pub fn shortcuts_open(&self) -> bool {
        self.windows.shortcuts_open
    }

    /// What a path is asked for, when no system dialog could open.
    pub fn path_prompt(&self) -> Option<crate::action::PathFor> {
        self.windows.path_prompt
    }

    /// Whether markers of doubtful evidence are drawn faded.
    pub fn fade_doubtful(&self) -> bool {
        self.windows.fade_doubtful
    }

    /// *Find a place…*: whether it is open, the name typed, the places found.
    pub fn place_finder(&self) -> &PlaceFinder {
        &self.windows.places
    }

    pub fn export_only_shown(&self) -> bool {
        self.docs.export_only_shown
    }

    /// The data set being authored, if any.
    pub fn work(&self) -> Option<&Work> {
        self.author.work.as_ref()
    }

    /// What waits on the answer to "Save the changes first?".
    pub fn unsaved_question(&self) -> Option<&Then> {
        self.author.unsaved.as_ref()
    }

    pub fn paste_source_open(&self) -> bool {
        self.windows.paste_open
    }

    /// The recovery copy a crash left, offered at start.
    pub fn recovery_offer(&self) -> Option<&Offer> {
        self.offer.as_ref()
    }

    /// Where the recovery copy is written.
    pub fn recovery_file(&self) -> Option<&std::path::Path> {
        self.recovery_file.as_deref()
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

    /// Where the data and the view are: the places a name typed in *Find a
    /// place…* is looked for near first (worked out when asked, never per frame).
    pub fn near_points(&self) -> Vec<LatLon> {
        let mut near: Vec<LatLon> = self.viewport.map(|v| v.center).into_iter().collect();
        if let Some(table) = self.table() {
            let step = (table.len() / 16).max(1);
            near.extend(
                (0..table.len())
                    .step_by(step)
                    .filter_map(|i| table.point(i)),
            );
        }
        near
    }

    /// The data set's time zone (UTC when nothing is open).
    fn tz(&self) -> jiff::tz::TimeZone {
        self.table()
            .map_or(jiff::tz::TimeZone::UTC, |t| t.tz().clone())
    }
}

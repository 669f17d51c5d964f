//! The authoring room: the data set being made or changed in the app. Its
//! changes go through the core's [`History`] (so each is undone and redone
//! exactly); this keeps where it is saved and whether it changed since,
//! the source being read and the words selected in it, the event open in
//! the editor, and what waits on a question about unsaved changes. Changed
//! by [`super::authoring`], saved by [`super::saving`].

use std::path::{Path, PathBuf};

use incident_map_core::edit::History;
use incident_map_core::model::{Dataset, Event};
use incident_map_core::origin::Origin;

use crate::action::Words;

/// The most events a file may have to be edited in the app (its events are
/// all held in full while it is).
pub const MAX_EDITABLE: usize = 200_000;

/// The data set being authored.
pub struct Work {
    pub dataset: Dataset,
    pub history: History,
    /// The history's depth when it was last saved (or opened); `None` when
    /// that state can no longer be reached by undoing or redoing.
    pub(super) saved_at: Option<usize>,
    /// Where Save writes; `None` asks (a new data set, an imported file).
    pub path: Option<PathBuf>,
    /// The file of another format it was imported from: never written.
    pub imported_from: Option<PathBuf>,
    /// The source being read, and the words selected in it.
    pub reading: Option<String>,
    pub words: Option<Words>,
    /// The event open in the editor, and whether a click on the map places it.
    pub editing: Option<String>,
    pub placing: bool,
}

impl Work {
    pub(super) fn new(dataset: Dataset, path: Option<PathBuf>, saved: bool) -> Work {
        Work {
            dataset,
            history: History::default(),
            saved_at: saved.then_some(0),
            path,
            imported_from: None,
            reading: None,
            words: None,
            editing: None,
            placing: false,
        }
    }

    /// Whether it changed since it was saved (or opened).
    pub fn is_dirty(&self) -> bool {
        self.saved_at != Some(self.history.depth())
    }

    /// Its name, as the window's title shows it.
    pub fn name(&self) -> String {
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| "Untitled".into(), |n| n.to_string_lossy().into_owned())
    }

    /// Where its data comes from, as the document on screen names it.
    pub fn origin(&self) -> Origin {
        match self.path.clone().or_else(|| self.imported_from.clone()) {
            Some(p) => Origin::File(p),
            None => Origin::Unsaved(self.name()),
        }
    }

    /// The event with this id, and its index.
    pub(super) fn event(&self, id: &str) -> Option<(usize, &Event)> {
        self.dataset
            .events
            .iter()
            .enumerate()
            .find(|(_, e)| e.id == id)
    }

    /// Stops editing (and placing) the event open in the editor.
    pub(super) fn close_editor(&mut self) {
        self.editing = None;
        self.placing = false;
    }
}

/// What waits on the answer to "Save the changes first?".
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Quit,
    Open(Origin),
    OpenDialog,
    NewDataSet,
}

impl Then {
    /// What it would do, in words: "before quitting".
    pub fn describe(&self) -> String {
        match self {
            Then::Quit => "before quitting".into(),
            Then::Open(o) => format!("before opening {o}"),
            Then::OpenDialog => "before opening another file".into(),
            Then::NewDataSet => "before starting a new data set".into(),
        }
    }
}

/// The authoring room: the work, the number of the latest build of its
/// views, and what waits on "Save the changes first?".
#[derive(Default)]
pub struct Authoring {
    pub work: Option<Work>,
    pub(super) job: u64,
    pub unsaved: Option<Then>,
}

/// A data set with nothing in it yet.
pub(super) fn blank() -> Dataset {
    Dataset {
        title: "Untitled".into(),
        ..Dataset::default()
    }
}

/// The window's title for the work: its name, marked when it has unsaved changes.
pub(super) fn title(work: &Work) -> String {
    if work.is_dirty() {
        format!("● {} — incident-map", work.name())
    } else {
        format!("{} — incident-map", work.name())
    }
}

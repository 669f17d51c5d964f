//! Authoring: the data set being made or changed in the app. Its changes go
//! through the core's [`History`] (so each is undone and redone exactly);
//! this keeps where it is saved and whether it changed since, the source
//! being read and the words selected in it, the event open in the editor,
//! and what waits on a question about unsaved changes. After each change
//! the views are rebuilt in the background from the data set as it now is,
//! and a recovery copy is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use incident_map_core::edit::{self, Edit, History};
use incident_map_core::formats::{Format, export};
use incident_map_core::model::{Dataset, LatLon, Location, When};
use incident_map_core::store::Store;

use super::{AppState, Document, Status};
use crate::action::{Done, Effect, NewSource, UnsavedChoice, Words};
use crate::command::Command;
use crate::views::ViewIndex;

/// The most events a file may have to be edited in the app (its events are
/// all held in full while it is).
pub const MAX_EDITABLE: usize = 200_000;

/// The data set being authored.
pub struct Work {
    pub dataset: Dataset,
    pub history: History,
    /// The history's depth when it was last saved (or opened); `None` when
    /// that state can no longer be reached by undoing or redoing.
    saved_at: Option<usize>,
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
    fn new(dataset: Dataset, path: Option<PathBuf>, saved: bool) -> Work {
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

    /// Work a crash left: all of it unsaved, saved where it was (or where
    /// the user says).
    pub fn recovered(dataset: Dataset, path: Option<PathBuf>) -> Work {
        Work::new(dataset, path, false)
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

    /// The event with this id, and its index.
    fn event(&self, id: &str) -> Option<(usize, &incident_map_core::model::Event)> {
        self.dataset
            .events
            .iter()
            .enumerate()
            .find(|(_, e)| e.id == id)
    }
}

/// What waits on the answer to "Save the changes first?".
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Quit,
    Open(PathBuf),
    OpenDialog,
    NewDataSet,
}

impl Then {
    /// What it would do, in words: "before quitting".
    pub fn describe(&self) -> String {
        match self {
            Then::Quit => "before quitting".into(),
            Then::Open(p) => format!("before opening {}", p.display()),
            Then::OpenDialog => "before opening another file".into(),
            Then::NewDataSet => "before starting a new data set".into(),
        }
    }
}

/// Today, in the computer's time zone: the day a source is added.
fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

impl AppState {
    /// The data set being authored, if any.
    pub fn work(&self) -> Option<&Work> {
        self.work.as_ref()
    }

    /// What waits on the answer to "Save the changes first?".
    pub fn unsaved_question(&self) -> Option<&Then> {
        self.unsaved.as_ref()
    }

    pub fn paste_source_open(&self) -> bool {
        self.paste_open
    }

    /// The recovery copy a crash left, offered at start.
    pub fn recoverable(&self) -> Option<&Path> {
        self.recoverable.as_deref()
    }

    /// Where the recovery copy is written.
    pub fn recovery_file(&self) -> Option<&Path> {
        self.recovery.as_deref()
    }

    /// Where recovery copies are kept (the shell sets it; none in tests),
    /// and the copy a crash left, with where that work was saved.
    pub fn set_recovery(&mut self, file: Option<PathBuf>, left: Option<Option<PathBuf>>) {
        self.recoverable = file.clone().filter(|_| left.is_some());
        self.recovered_path = left.flatten();
        self.recovery = file;
    }

    /// Whether `then` may go ahead now; if unsaved changes would be lost,
    /// it waits for the user's answer instead.
    pub(super) fn may(&mut self, then: Then) -> bool {
        if self.work.as_ref().is_some_and(Work::is_dirty) {
            self.unsaved = Some(then);
            false
        } else {
            true
        }
    }

    /// Goes on with what waited on the question.
    fn go_on(&mut self, then: Then, fx: &mut Vec<Effect>) {
        self.work = None;
        fx.push(Effect::Recovery(None));
        fx.push(Effect::Title(String::new()));
        match then {
            Then::Quit => fx.push(Effect::Quit),
            Then::Open(path) => self.start_load(path, fx),
            Then::OpenDialog => fx.push(Effect::OpenDialog),
            Then::NewDataSet => self.new_data_set(fx),
        }
    }

    pub(super) fn answer_unsaved(&mut self, choice: UnsavedChoice, fx: &mut Vec<Effect>) {
        match choice {
            UnsavedChoice::Save => self.save(false, fx),
            UnsavedChoice::Discard => {
                if let Some(then) = self.unsaved.take() {
                    self.go_on(then, fx);
                }
            }
            UnsavedChoice::Cancel => self.unsaved = None,
        }
    }

    /// The work, begun from the open data if there is none yet: a native
    /// file is saved where it is; an imported one is saved as ours,
    /// elsewhere. `None` (and the status says why) when the open data is
    /// too large to edit.
    pub(super) fn work_mut(&mut self) -> Option<&mut Work> {
        if self.work.is_none() {
            let work = match &self.doc {
                None => Work::new(blank(), None, true),
                Some(doc) if doc.live.is_some() => {
                    self.status = Status::Note(format!(
                        "{} is a table on a server, asked per view: it is not edited here. Export what is listed (File ▸ Export) and edit that file",
                        doc.path.display()
                    ));
                    return None;
                }
                Some(doc) if doc.store.len() > MAX_EDITABLE => {
                    self.status = Status::Note(format!(
                        "{} has too many events to edit here (more than {}): edit a part of it, exported with only what is shown",
                        doc.path.display(),
                        super::thousands(MAX_EDITABLE)
                    ));
                    return None;
                }
                Some(doc) => {
                    let dataset = doc.store.to_dataset().into_owned();
                    let mut w = Work::new(dataset, None, true);
                    if doc.format == Some(Format::Native) {
                        w.path = Some(doc.path.clone());
                    } else {
                        w.imported_from = Some(doc.path.clone());
                    }
                    w
                }
            };
            self.work = Some(work);
        }
        self.work.as_mut()
    }

    fn new_data_set(&mut self, fx: &mut Vec<Effect>) {
        let mut work = Work::new(blank(), None, true);
        work.saved_at = Some(0);
        self.work = Some(work);
        self.selection = None;
        self.status = Status::Note(
            "A new data set: add a source (File › Add source… or Paste a source…), select its words, then Edit › New event from selection (Ctrl+N)".into(),
        );
        self.show_work(fx);
    }

    /// Makes `edits` as one step called `label`; rebuilds the views.
    fn commit(&mut self, label: &str, edits: Vec<Edit>, fx: &mut Vec<Effect>) -> bool {
        let Some(work) = self.work_mut() else {
            return false;
        };
        let depth = work.history.depth();
        match work.history.apply(&mut work.dataset, label, edits) {
            Ok(()) => {
                // The saved state was undone and is now past reach.
                if work.saved_at.is_some_and(|s| s > depth) {
                    work.saved_at = None;
                }
                self.show_work(fx);
                true
            }
            Err(e) => {
                self.status = Status::Note(format!("{label}: {e}"));
                false
            }
        }
    }

    /// The views of the data set as it now is, built in the background; the
    /// recovery copy and the window's title follow it.
    fn show_work(&mut self, fx: &mut Vec<Effect>) {
        let Some(work) = &self.work else { return };
        self.work_job += 1;
        let mut filter = self.effective_filter();
        filter.text.clear();
        filter.sources.clear();
        fx.push(Effect::BuildWork {
            job: self.work_job,
            store: Arc::new(Store::from_dataset(work.dataset.clone())),
            filter,
        });
        fx.push(Effect::Recovery(
            work.is_dirty()
                .then(|| (Box::new(work.dataset.clone()), work.path.clone())),
        ));
        fx.push(Effect::Title(title(work)));
    }

    /// Puts in place the views of the data set as edited.
    pub(super) fn take_work_view(
        &mut self,
        job: u64,
        store: Arc<Store>,
        view: Arc<ViewIndex>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = &self.work else { return };
        if job != self.work_job {
            return;
        }
        let path = work
            .path
            .clone()
            .or_else(|| work.imported_from.clone())
            .unwrap_or_else(|| PathBuf::from(work.name()));
        let format = self.doc.as_ref().and_then(|d| d.format);
        let old = self.doc.replace(Document {
            path,
            store,
            view: Arc::new(ViewIndex::default()),
            search_index: None,
            format,
            live: None,
        });
        if let Some(old) = old {
            fx.push(Effect::Release(Box::new(old)));
        }
        self.install_view(view);
        if let Some((id, focus)) = self.select_after.take() {
            self.select(&id);
            if focus {
                self.focus_selected(fx);
            }
        }
        if let Some(doc) = &self.doc {
            fx.push(Effect::IndexWords(doc.store.clone()));
        }
        if !self.search.is_empty() || !self.effective_filter().sources.is_empty() {
            self.refilter(fx);
        }
    }

    /// A source's reliability.
    pub(super) fn grade_source(
        &mut self,
        id: &str,
        reliability: Option<incident_map_core::model::Reliability>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = self.work_mut() else { return };
        let Some(mut source) = work.dataset.source(id).cloned() else {
            return;
        };
        source.reliability = reliability;
        self.replace_source(source, fx);
    }

    /// A source changed (its grade, title, author …), in place of the one of its id.
    pub(super) fn replace_source(
        &mut self,
        source: incident_map_core::model::Source,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = self.work_mut() else { return };
        let Some(at) = work.dataset.sources.iter().position(|s| s.id == source.id) else {
            return;
        };
        if work.dataset.sources[at] != source {
            self.commit("Edit source", vec![Edit::ReplaceSource { at, source }], fx);
        }
    }

    /// A category changed (its label, its colour), in place of the one of its id.
    pub(super) fn replace_category(
        &mut self,
        category: incident_map_core::model::Category,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = self.work_mut() else { return };
        let Some(at) = work
            .dataset
            .categories
            .iter()
            .position(|c| c.id == category.id)
        else {
            return;
        };
        if work.dataset.categories[at] != category {
            self.commit(
                "Edit category",
                vec![Edit::ReplaceCategory { at, category }],
                fx,
            );
        }
    }

    /// The data set's title.
    pub(super) fn set_title(&mut self, title: String, fx: &mut Vec<Effect>) {
        let title = title.trim().to_string();
        let same = self.work.as_ref().is_some_and(|w| w.dataset.title == title);
        if !title.is_empty() && !same {
            self.commit("Title", vec![Edit::SetTitle(title)], fx);
        }
    }

    pub(super) fn work_command(&mut self, command: Command, fx: &mut Vec<Effect>) {
        match command {
            Command::NewDataSet if self.may(Then::NewDataSet) => self.new_data_set(fx),
            Command::AddSource => fx.push(Effect::SourceDialog),
            Command::PasteSource => self.paste_open = true,
            Command::Save => self.save(false, fx),
            Command::SaveAs => self.save(true, fx),
            Command::Undo | Command::Redo => self.undo_redo(command == Command::Undo, fx),
            Command::NewEventFromSelection => self.event_from_words(fx),
            Command::AddEvidence => self.add_evidence(fx),
            Command::PlaceOnMap => match self.work.as_mut() {
                Some(w) if w.editing.is_some() => w.placing = !w.placing,
                _ => {
                    self.status =
                        Status::Note("Open an event in the editor first, then place it".into());
                }
            },
            Command::DeleteEvent => self.delete_selected(fx),
            _ => {}
        }
    }

    fn undo_redo(&mut self, undo: bool, fx: &mut Vec<Effect>) {
        let Some(work) = self.work.as_mut() else {
            self.status = Status::Note("Nothing to undo: nothing was changed".into());
            return;
        };
        let done = if undo {
            work.history.undo(&mut work.dataset)
        } else {
            work.history.redo(&mut work.dataset)
        };
        match done {
            Some(label) => {
                let what = if undo { "Undone" } else { "Redone" };
                self.status = Status::Note(format!("{what}: {label}"));
                self.show_work(fx);
            }
            None => {
                let what = if undo { "undo" } else { "redo" };
                self.status = Status::Note(format!("Nothing to {what}"));
            }
        }
    }

    /// The words selected in the source being read, as a passage.
    fn selected_passage(&mut self) -> Option<incident_map_core::model::Passage> {
        let Some(words) = self.work.as_ref().and_then(|w| w.words.clone()) else {
            self.status = Status::Note(
                "Select words in a source first (File › Add source…, then pick it under Sources)"
                    .into(),
            );
            return None;
        };
        let work = self.work.as_ref()?;
        let source = work.dataset.source(&words.source)?;
        let passage = edit::passage_at(source, words.start, words.end);
        if passage.is_none() {
            self.status = Status::Note("The selection holds no words".into());
        }
        passage
    }

    fn event_from_words(&mut self, fx: &mut Vec<Effect>) {
        let Some(passage) = self.selected_passage() else {
            return;
        };
        let Some(work) = self.work.as_ref() else {
            return;
        };
        let event = edit::event_from(&work.dataset, passage);
        let (id, at) = (event.id.clone(), work.dataset.events.len());
        let title = event.title.clone();
        if self.commit("New event", vec![Edit::AddEvent { at, event }], fx) {
            if let Some(w) = self.work.as_mut() {
                w.editing = Some(id.clone());
                w.words = None;
            }
            self.select_after = Some((id, false));
            self.status = Status::Note(format!(
                "New event: {}. Give it a date and a place in the editor",
                title.trim_end_matches(['.', '…'])
            ));
        }
    }

    fn add_evidence(&mut self, fx: &mut Vec<Effect>) {
        let Some(id) = self.selection.as_ref().map(|s| s.id.clone()) else {
            self.status = Status::Note("Select the event the words are evidence of".into());
            return;
        };
        let Some(passage) = self.selected_passage() else {
            return;
        };
        let Some((at, e)) = self.work.as_ref().and_then(|w| w.event(&id)) else {
            return;
        };
        let mut event = e.clone();
        event.passages.push(passage);
        let n = event.passages.len();
        if self.commit("Add evidence", vec![Edit::ReplaceEvent { at, event }], fx) {
            if let Some(s) = &mut self.selection {
                s.passage = n - 1;
            }
            self.select_after = Some((id, false));
            self.status = Status::Note(format!("The event now cites {n} passages"));
        }
    }

    fn delete_selected(&mut self, fx: &mut Vec<Effect>) {
        let Some(id) = self.selection.as_ref().map(|s| s.id.clone()) else {
            self.status = Status::Note("Select the event to delete".into());
            return;
        };
        let Some(at) = self.work_mut().and_then(|w| w.event(&id)).map(|(at, _)| at) else {
            return;
        };
        if self.commit("Delete event", vec![Edit::RemoveEvent { at }], fx) {
            self.selection = None;
            if let Some(w) = self.work.as_mut()
                && w.editing.as_deref() == Some(id.as_str())
            {
                w.editing = None;
                w.placing = false;
            }
            self.status = Status::Note("Event deleted (Edit › Undo brings it back)".into());
        }
    }

    /// The editor's event in place of the one with its id. A category
    /// named that the data set lacks is made, with a colour of its own.
    pub(super) fn edit_event(
        &mut self,
        mut event: incident_map_core::model::Event,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = self.work.as_ref() else {
            return;
        };
        let Some((at, old)) = work.event(&event.id) else {
            return;
        };
        let mut edits = Vec::new();
        if let Some(named) = event.category.clone() {
            let categories = &work.dataset.categories;
            match categories
                .iter()
                .find(|c| c.id == named || c.label.eq_ignore_ascii_case(named.trim()))
            {
                Some(c) => event.category = Some(c.id.clone()),
                None => {
                    let stem: String = named
                        .trim()
                        .to_lowercase()
                        .chars()
                        .map(|c| if c.is_alphanumeric() { c } else { '-' })
                        .collect();
                    let id = if categories.iter().any(|c| c.id == stem) || stem.is_empty() {
                        edit::unused_id(categories.iter().map(|c| c.id.as_str()), "category")
                    } else {
                        stem
                    };
                    edits.push(Edit::AddCategory {
                        at: categories.len(),
                        category: incident_map_core::model::Category {
                            id: id.clone(),
                            label: named.trim().to_string(),
                            color: Some(
                                incident_map_core::formats::import::palette(categories.len() + 1)
                                    .to_string(),
                            ),
                            description: None,
                        },
                    });
                    event.category = Some(id);
                }
            }
        }
        if *old == event {
            return;
        }
        let id = event.id.clone();
        // Placed somewhere else (a place found by name): the map goes there.
        let point = |e: &incident_map_core::model::Event| e.location.as_ref().and_then(|l| l.point);
        let moved = point(old) != point(&event) && point(&event).is_some();
        edits.push(Edit::ReplaceEvent { at, event });
        if self.commit("Edit event", edits, fx) {
            self.select_after = Some((id, moved));
        }
    }

    /// Puts the event being edited at `point`.
    pub(super) fn place_at(&mut self, point: LatLon, fx: &mut Vec<Effect>) {
        let Some(w) = self.work.as_mut() else { return };
        let Some(id) = w.editing.clone().filter(|_| w.placing) else {
            return;
        };
        w.placing = false;
        let Some((at, e)) = w.event(&id) else { return };
        let mut event = e.clone();
        let old = event.location.take();
        // To about 10 cm: more digits than that say nothing.
        let round = |v: f64| (v * 1e6).round() / 1e6;
        let point = LatLon {
            lat: round(point.lat),
            lon: round(point.lon),
        };
        // A click is a point of its own: the name of a place found before goes.
        event.location = Some(Location {
            point: Some(point),
            place: None,
            geometry: None,
            precision: old.as_ref().and_then(|l| l.precision),
            uncertainty_m: old.as_ref().and_then(|l| l.uncertainty_m),
            note: None,
        });
        if self.commit("Place event", vec![Edit::ReplaceEvent { at, event }], fx) {
            self.select_after = Some((id, false));
            self.status = Status::Note(format!("Placed at {:.5}, {:.5}", point.lat, point.lon));
        }
    }

    /// Puts the event being edited in a bundled region: a place of the data
    /// set standing for it (made if there is none), drawn as its outline.
    pub(super) fn place_in_region(&mut self, code: &str, fx: &mut Vec<Effect>) {
        let Some(region) = self.regions.get(code) else {
            return;
        };
        let (name, outline) = (region.name.clone(), region.outline.clone());
        let Some(w) = self.work.as_ref() else { return };
        let Some(id) = w.editing.clone() else { return };
        let Some((at, e)) = w.event(&id) else { return };
        let mut edits = Vec::new();
        let place = match w
            .dataset
            .places
            .iter()
            .find(|p| p.iso3166_2.as_deref() == Some(code))
        {
            Some(p) => p.id.clone(),
            None => {
                use geo::InteriorPoint;
                let point = outline
                    .interior_point()
                    .map_or(LatLon { lat: 0.0, lon: 0.0 }, |p| LatLon {
                        lat: p.y(),
                        lon: p.x(),
                    });
                let id = code.to_lowercase();
                edits.push(Edit::AddPlace {
                    at: w.dataset.places.len(),
                    place: incident_map_core::model::Place {
                        id: id.clone(),
                        name: name.clone(),
                        other_names: Vec::new(),
                        kind: Some("region".into()),
                        point,
                        precision: incident_map_core::model::Precision::Region,
                        iso3166_2: Some(code.to_string()),
                        within: None,
                        note: None,
                        origin: Default::default(),
                    },
                });
                id
            }
        };
        let mut event = e.clone();
        event.location = Some(Location {
            place: Some(place),
            point: None,
            precision: Some(incident_map_core::model::Precision::Region),
            uncertainty_m: None,
            geometry: None,
            note: None,
        });
        edits.push(Edit::ReplaceEvent { at, event });
        if self.commit("Place event", edits, fx) {
            self.select_after = Some((id, true));
            self.status = Status::Note(format!("Placed in {name}"));
        }
    }

    pub(super) fn add_source(&mut self, new: NewSource, fx: &mut Vec<Effect>) {
        let Some(work) = self.work_mut() else { return };
        let title = if new.title.trim().is_empty() {
            "Untitled source".to_string()
        } else {
            new.title.trim().to_string()
        };
        if new.text.trim().is_empty() {
            self.status = Status::Note("A source needs its text: paste it in".into());
            return;
        }
        let mut source = edit::new_source(&work.dataset, &title, new.text, &today());
        let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        source.author = some(new.author);
        source.publisher = some(new.publisher);
        source.url = some(new.url);
        source.published = some(new.published).and_then(|d| When::parse(&d, None).ok());
        let (id, at) = (source.id.clone(), work.dataset.sources.len());
        if self.commit("Add source", vec![Edit::AddSource { at, source }], fx) {
            if let Some(w) = self.work.as_mut() {
                w.reading = Some(id);
            }
            self.paste_open = false;
            self.status = Status::Note(format!(
                "Source added: {title}. Select words in it, then Edit › New event from selection (Ctrl+N)"
            ));
        }
    }

    pub(super) fn save(&mut self, ask: bool, fx: &mut Vec<Effect>) {
        let Some(work) = &self.work else {
            self.status = Status::Note("Nothing to save: nothing was changed".into());
            return;
        };
        match work.path.clone().filter(|_| !ask) {
            Some(path) => fx.push(Effect::SaveWork {
                dataset: Box::new(work.dataset.clone()),
                path,
            }),
            None => {
                let name = work
                    .imported_from
                    .as_deref()
                    .and_then(Path::file_stem)
                    .map_or_else(|| "incidents".into(), |s| s.to_string_lossy().into_owned());
                fx.push(Effect::SaveDialog(format!("{name}.json")));
            }
        }
    }

    /// Saves to `path` (named `.json` when it has no extension), never over
    /// the file it was imported from.
    pub(super) fn save_to(&mut self, mut path: PathBuf, fx: &mut Vec<Effect>) {
        let Some(work) = &self.work else { return };
        if path.extension().is_none() {
            path.set_extension("json");
        }
        if work
            .imported_from
            .as_deref()
            .is_some_and(|from| export::same_file(from, &path))
        {
            self.status = Status::Note(format!(
                "{} is the file the data was imported from; it is never written over: choose another name",
                path.display()
            ));
            return;
        }
        fx.push(Effect::SaveWork {
            dataset: Box::new(work.dataset.clone()),
            path,
        });
    }

    pub(super) fn take_saved(&mut self, done: Done, fx: &mut Vec<Effect>) {
        match done {
            Done::Saved(Ok((path, written))) => {
                let Some(work) = self.work.as_mut() else {
                    return;
                };
                // The sources as written: their text files and SHA-256.
                for (s, w) in work.dataset.sources.iter_mut().zip(&written.sources) {
                    if s.id == w.id {
                        s.text_file.clone_from(&w.text_file);
                        s.text.clone_from(&w.text);
                        s.loaded_text.clone_from(&w.loaded_text);
                        s.sha256.clone_from(&w.sha256);
                    }
                }
                work.path = Some(path.clone());
                work.imported_from = None;
                work.saved_at = Some(work.history.depth());
                fx.push(Effect::Recovery(None));
                fx.push(Effect::Title(title(work)));
                if let Some(doc) = &mut self.doc {
                    doc.path = path.clone();
                    doc.format = Some(Format::Native);
                }
                self.recent.retain(|p| p != &path);
                self.recent.insert(0, path.clone());
                self.recent.truncate(super::MAX_RECENT);
                self.status = Status::Note(format!("Saved {}", path.display()));
                if let Some(then) = self.unsaved.take() {
                    self.go_on(then, fx);
                }
            }
            Done::Saved(Err(why)) => {
                self.unsaved = None;
                self.status = Status::Note(format!("Not saved: {why}"));
            }
            Done::SaveDialog(Some(path)) => self.save_to(path, fx),
            Done::SaveDialog(None) => self.unsaved = None,
            Done::SourceRead(Ok((_, title, text))) => self.add_source(
                NewSource {
                    title,
                    text,
                    ..NewSource::default()
                },
                fx,
            ),
            Done::SourceRead(Err(why)) => {
                self.status = Status::Note(format!("The source was not added: {why}"));
            }
            _ => {}
        }
    }
}

/// A data set with nothing in it yet.
fn blank() -> Dataset {
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

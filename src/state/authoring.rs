//! Changing the data set being authored, each change one step of its
//! history (so Undo takes it back): events made from words selected in a
//! source, further evidence, an event edited, placed on the map or in a
//! region, or deleted; sources added, graded and completed; categories;
//! the title. After each change the views are rebuilt in the background
//! from the data set as it now is (then the event the change names is
//! selected), a recovery copy is written, and the window's title follows.

use incident_map_core::edit::{self, Edit};
use incident_map_core::formats::import;
use incident_map_core::model::{
    Category, Event, LatLon, Location, Passage, Place, Precision, Reliability, Source, When,
};

use std::path::Path;
use std::sync::Arc;

use incident_map_core::formats::Format;
use incident_map_core::store::Store;

use super::AppState;
use super::document::Document;
use super::status::{Status, thousands};
use super::work::{Then, Work, blank, title};
use crate::action::{AuthorAction, Effect, NewSource};
use crate::command::Command;
use crate::views::ViewIndex;

/// Today, in the computer's time zone: the day a source is added.
fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

impl AppState {
    /// Applies one of the authoring actions.
    pub(super) fn author(&mut self, action: AuthorAction, fx: &mut Vec<Effect>) {
        match action {
            AuthorAction::ReadSource(id) => {
                if let Some(w) = &mut self.author.work {
                    w.reading = id;
                    w.words = None;
                }
            }
            AuthorAction::SelectWords(words) => {
                if let Some(w) = &mut self.author.work {
                    w.words = words;
                }
            }
            AuthorAction::EditEvent(event) => self.edit_event(*event, fx),
            AuthorAction::OpenEditor(id) => {
                if let Some(w) = self.work_mut() {
                    w.editing = Some(id);
                    w.placing = false;
                }
            }
            AuthorAction::CloseEditor => {
                if let Some(w) = &mut self.author.work {
                    w.close_editor();
                }
            }
            AuthorAction::PlaceAt(point) => self.place_at(point, fx),
            AuthorAction::MoveTo(point) => {
                if let Some(w) = self.author.work.as_mut()
                    && w.editing.is_some()
                {
                    w.placing = true;
                    self.place_at(point, fx);
                }
            }
            AuthorAction::PlaceInRegion(code) => self.place_in_region(&code, fx),
            AuthorAction::AddSourceText(new) => self.add_source(*new, fx),
            AuthorAction::AddSourceFile(path) => fx.push(Effect::ReadSource(path)),
            AuthorAction::SaveTo(path) => self.save_to(path, fx),
            AuthorAction::Unsaved(choice) => self.answer_unsaved(choice, fx),
            AuthorAction::Recover(take) => self.recover(take, fx),
            AuthorAction::SetTitle(title) => self.set_title(title, fx),
            AuthorAction::SetTimeZone(zone) => self.set_time_zone(&zone, fx),
            AuthorAction::EditSource(source) => self.replace_source(*source, fx),
            AuthorAction::EditCategory(category) => self.replace_category(category, fx),
            AuthorAction::GradeSource {
                source,
                reliability,
            } => self.grade_source(&source, reliability, fx),
        }
    }

    /// The work a crash left: opened again as unsaved work, or let go.
    fn recover(&mut self, take: bool, fx: &mut Vec<Effect>) {
        match self.offer.take() {
            Some(offer) if take => self.start_load(
                incident_map_core::origin::Origin::File(offer.file),
                crate::action::LoadIntent::Recover { saved: offer.saved },
                fx,
            ),
            _ => fx.push(Effect::Recovery(None)),
        }
    }

    /// Applies one of authoring's commands.
    pub(super) fn work_command(&mut self, command: Command, fx: &mut Vec<Effect>) {
        match command {
            Command::NewDataSet if self.may(Then::NewDataSet) => self.new_data_set(fx),
            Command::AddSource => fx.push(Effect::SourceDialog),
            Command::Save => self.save(false, fx),
            Command::SaveAs => self.save(true, fx),
            Command::Undo | Command::Redo => self.undo_redo(command == Command::Undo, fx),
            Command::NewEventFromSelection => self.event_from_words(fx),
            Command::AddEvidence => self.add_evidence(fx),
            Command::PlaceOnMap => match self.author.work.as_mut() {
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

    /// A source's reliability.
    fn grade_source(&mut self, id: &str, reliability: Option<Reliability>, fx: &mut Vec<Effect>) {
        let Some(work) = self.work_mut() else { return };
        let Some(mut source) = work.dataset.source(id).cloned() else {
            return;
        };
        source.reliability = reliability;
        self.replace_source(source, fx);
    }

    /// A source changed (its grade, title, author …), in place of the one of its id.
    fn replace_source(&mut self, source: Source, fx: &mut Vec<Effect>) {
        let Some(work) = self.work_mut() else { return };
        let Some(at) = work.dataset.sources.iter().position(|s| s.id == source.id) else {
            return;
        };
        if work.dataset.sources[at] != source {
            self.commit(
                "Edit source",
                vec![Edit::ReplaceSource { at, source }],
                None,
                fx,
            );
        }
    }

    /// A category changed (its label, its colour), in place of the one of its id.
    fn replace_category(&mut self, category: Category, fx: &mut Vec<Effect>) {
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
                None,
                fx,
            );
        }
    }

    /// The data set's title.
    fn set_title(&mut self, title: String, fx: &mut Vec<Effect>) {
        let title = title.trim().to_string();
        let same = self
            .author
            .work
            .as_ref()
            .is_some_and(|w| w.dataset.title == title);
        if !title.is_empty() && !same {
            self.commit("Title", vec![Edit::SetTitle(title)], None, fx);
        }
    }

    /// The data set's time zone: an IANA name, or nothing for UTC.
    fn set_time_zone(&mut self, typed: &str, fx: &mut Vec<Effect>) {
        let typed = typed.trim();
        let zone = if typed.is_empty() || typed.eq_ignore_ascii_case("UTC") {
            None
        } else {
            match jiff::tz::TimeZone::get(typed) {
                Ok(_) => Some(typed.to_string()),
                Err(_) => {
                    self.status = Status::Note(format!(
                        "“{typed}” is no time zone this app knows: write an IANA name such as Europe/Moscow, America/New_York or UTC"
                    ));
                    return;
                }
            }
        };
        let same = self
            .author
            .work
            .as_ref()
            .is_some_and(|w| w.dataset.time_zone == zone);
        if !same && self.commit("Time zone", vec![Edit::SetTimeZone(zone.clone())], None, fx) {
            self.status = Status::Note(format!(
                "Days are now those of {}; times keep their own zones",
                zone.as_deref().unwrap_or("UTC")
            ));
        }
    }

    fn undo_redo(&mut self, undo: bool, fx: &mut Vec<Effect>) {
        let Some(work) = self.author.work.as_mut() else {
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
                self.show_work(None, fx);
            }
            None => {
                let what = if undo { "undo" } else { "redo" };
                self.status = Status::Note(format!("Nothing to {what}"));
            }
        }
    }

    /// The words selected in the source being read, as a passage.
    fn selected_passage(&mut self) -> Option<Passage> {
        let Some(words) = self.author.work.as_ref().and_then(|w| w.words.clone()) else {
            self.status = Status::Note(
                "Select words in a source first (File › Add source…, then pick it under Sources)"
                    .into(),
            );
            return None;
        };
        let work = self.author.work.as_ref()?;
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
        let Some(work) = self.author.work.as_ref() else {
            return;
        };
        let event = edit::event_from(&work.dataset, passage);
        let (id, at) = (event.id.clone(), work.dataset.events.len());
        let title = event.title.clone();
        let select = Some((id.clone(), false));
        if self.commit("New event", vec![Edit::AddEvent { at, event }], select, fx) {
            if let Some(w) = self.author.work.as_mut() {
                w.editing = Some(id);
                w.words = None;
            }
            self.status = Status::Note(format!(
                "New event: {}. Give it a date and a place in the editor",
                title.trim_end_matches(['.', '…'])
            ));
        }
    }

    fn add_evidence(&mut self, fx: &mut Vec<Effect>) {
        let Some(id) = self.selected_id().map(str::to_string) else {
            self.status = Status::Note("Select the event the words are evidence of".into());
            return;
        };
        let Some(passage) = self.selected_passage() else {
            return;
        };
        let Some((at, e)) = self.author.work.as_ref().and_then(|w| w.event(&id)) else {
            return;
        };
        let mut event = e.clone();
        event.passages.push(passage);
        let n = event.passages.len();
        let select = Some((id, false));
        if self.commit(
            "Add evidence",
            vec![Edit::ReplaceEvent { at, event }],
            select,
            fx,
        ) {
            self.selection.show_passage(n - 1);
            self.status = Status::Note(format!("The event now cites {n} passages"));
        }
    }

    fn delete_selected(&mut self, fx: &mut Vec<Effect>) {
        let Some(id) = self.selected_id().map(str::to_string) else {
            self.status = Status::Note("Select the event to delete".into());
            return;
        };
        let Some(at) = self.work_mut().and_then(|w| w.event(&id)).map(|(at, _)| at) else {
            return;
        };
        if self.commit("Delete event", vec![Edit::RemoveEvent { at }], None, fx) {
            self.selection.clear();
            if let Some(w) = self.author.work.as_mut()
                && w.editing.as_deref() == Some(id.as_str())
            {
                w.close_editor();
            }
            self.status = Status::Note("Event deleted (Edit › Undo brings it back)".into());
        }
    }

    /// The editor's event in place of the one with its id. A category
    /// named that the data set lacks is made, with a colour of its own.
    fn edit_event(&mut self, mut event: Event, fx: &mut Vec<Effect>) {
        let Some(work) = self.author.work.as_ref() else {
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
                    let id = import::category_id(&named, categories);
                    edits.push(Edit::AddCategory {
                        at: categories.len(),
                        category: Category {
                            id: id.clone(),
                            label: named.trim().to_string(),
                            color: Some(import::palette(categories.len() + 1).to_string()),
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
        let point = |e: &Event| e.location.as_ref().and_then(|l| l.point);
        let moved = point(old) != point(&event) && point(&event).is_some();
        edits.push(Edit::ReplaceEvent { at, event });
        self.commit("Edit event", edits, Some((id, moved)), fx);
    }

    /// Puts the event being edited at `point`.
    fn place_at(&mut self, point: LatLon, fx: &mut Vec<Effect>) {
        let Some(w) = self.author.work.as_mut() else {
            return;
        };
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
        let select = Some((id, false));
        if self.commit(
            "Place event",
            vec![Edit::ReplaceEvent { at, event }],
            select,
            fx,
        ) {
            self.status = Status::Note(format!("Placed at {:.5}, {:.5}", point.lat, point.lon));
        }
    }

    /// Puts the event being edited in a bundled region: a place of the data
    /// set standing for it (made if there is none), drawn as its outline.
    fn place_in_region(&mut self, code: &str, fx: &mut Vec<Effect>) {
        let Some(region) = self.regions.get(code) else {
            return;
        };
        let (name, outline) = (region.name.clone(), region.outline.clone());
        let Some(w) = self.author.work.as_ref() else {
            return;
        };
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
                    place: Place {
                        id: id.clone(),
                        name: name.clone(),
                        other_names: Vec::new(),
                        kind: Some("region".into()),
                        point,
                        precision: Precision::Region,
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
            precision: Some(Precision::Region),
            uncertainty_m: None,
            geometry: None,
            note: None,
        });
        edits.push(Edit::ReplaceEvent { at, event });
        if self.commit("Place event", edits, Some((id, true)), fx) {
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
        if self.commit("Add source", vec![Edit::AddSource { at, source }], None, fx) {
            if let Some(w) = self.author.work.as_mut() {
                w.reading = Some(id);
            }
            self.windows.paste_open = false;
            self.status = Status::Note(format!(
                "Source added: {title}. Select words in it, then Edit › New event from selection (Ctrl+N)"
            ));
        }
    }

    /// The work, begun from the open data if there is none yet: a native
    /// file is saved where it is; an imported one is saved as ours,
    /// elsewhere. `None` (and the status says why) when the open data is
    /// too large to edit.
    pub(super) fn work_mut(&mut self) -> Option<&mut Work> {
        if self.author.work.is_none() {
            let work = match self.docs.open() {
                None => Work::new(blank(), None, true),
                Some(doc) if doc.live.is_some() => {
                    self.status = Status::Note(format!(
                        "{} is a table on a server, asked per view: it is not edited here. Export what is listed (File ▸ Export) and edit that file",
                        doc.origin
                    ));
                    return None;
                }
                Some(doc) if doc.store.len() > super::work::MAX_EDITABLE => {
                    self.status = Status::Note(format!(
                        "{} has too many events to edit here (more than {}): edit a part of it, exported with only what is shown",
                        doc.origin,
                        thousands(super::work::MAX_EDITABLE)
                    ));
                    return None;
                }
                Some(doc) => {
                    let dataset = doc.store.to_dataset().into_owned();
                    let mut w = Work::new(dataset, None, true);
                    let file = doc.origin.file().map(Path::to_path_buf);
                    if doc.format == Some(Format::Native) {
                        w.path = file;
                    } else {
                        w.imported_from = file;
                    }
                    w
                }
            };
            self.author.work = Some(work);
        }
        self.author.work.as_mut()
    }

    pub(super) fn new_data_set(&mut self, fx: &mut Vec<Effect>) {
        self.author.work = Some(Work::new(blank(), None, true));
        self.selection.clear();
        self.status = Status::Note(
            "A new data set: add a source (File › Add source… or Paste a source…), select its words, then Edit › New event from selection (Ctrl+N)".into(),
        );
        self.show_work(None, fx);
    }

    /// Makes `edits` as one step called `label`; rebuilds the views, then
    /// selects `select` (bringing it into view when it says so).
    pub(super) fn commit(
        &mut self,
        label: &str,
        edits: Vec<Edit>,
        select: Option<(String, bool)>,
        fx: &mut Vec<Effect>,
    ) -> bool {
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
                self.show_work(select, fx);
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
    pub(super) fn show_work(&mut self, select: Option<(String, bool)>, fx: &mut Vec<Effect>) {
        let Some(work) = &self.author.work else {
            return;
        };
        self.author.job += 1;
        let mut filter = self.lens.effective().clone();
        filter.text.clear();
        filter.sources.clear();
        fx.push(Effect::BuildWork {
            job: self.author.job,
            store: Arc::new(Store::from_dataset(work.dataset.clone())),
            filter,
            select,
        });
        fx.push(Effect::Recovery(
            work.is_dirty()
                .then(|| (Box::new(work.dataset.clone()), work.path.clone())),
        ));
        fx.push(Effect::Title(title(work)));
        self.review_follows_work(fx);
    }

    /// Puts in place the views of the data set as edited.
    pub(super) fn take_work_view(
        &mut self,
        job: u64,
        store: Arc<Store>,
        view: Arc<ViewIndex>,
        select: Option<(String, bool)>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(work) = &self.author.work else {
            return;
        };
        if job != self.author.job {
            return;
        }
        let format = self.docs.open().and_then(|d| d.format);
        let doc = Document {
            origin: work.origin(),
            store: store.clone(),
            view: Arc::new(ViewIndex::default()),
            search_index: None,
            format,
            live: None,
            parts: Vec::new(),
        };
        fx.extend(self.docs.replace(doc));
        self.install_view(view);
        if let Some((id, focus)) = select {
            self.select(&id);
            if focus {
                self.focus_selected(fx);
            }
        }
        fx.push(Effect::IndexWords(store));
        if !self.lens.search().is_empty() || !self.lens.effective().sources.is_empty() {
            self.refilter(fx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Words;

    /// The views of the work as the background builds them, taken in.
    fn built(state: &mut AppState, fx: Vec<Effect>) {
        for e in fx {
            if let Effect::BuildWork {
                job,
                store,
                filter,
                select,
            } = e
            {
                let view = ViewIndex::build(incident_map_core::view::ViewInputs::new(
                    store.table(),
                    &incident_map_core::geography::RegionIndex::default(),
                    &filter,
                ));
                state.apply(crate::action::Done::WorkView {
                    job,
                    store,
                    view: Arc::new(view),
                    select,
                });
            }
        }
    }

    #[test]
    fn an_event_made_from_words_is_one_step_undone_whole() {
        let mut state = AppState::default();
        let fx = state.apply(Command::NewDataSet);
        built(&mut state, fx);
        let text = "On 22 March gunmen attacked Crocus City Hall in Krasnogorsk.";
        let fx = state.apply(AuthorAction::AddSourceText(Box::new(NewSource {
            title: "Report".into(),
            text: text.into(),
            ..NewSource::default()
        })));
        built(&mut state, fx);
        let source = state.work().unwrap().dataset.sources[0].id.clone();
        assert_eq!(
            state.work().unwrap().reading.as_deref(),
            Some(source.as_str())
        );
        // Nothing selected yet: no event, and the status says what to do.
        state.apply(Command::NewEventFromSelection);
        assert!(state.status().to_string().contains("Select words"));
        state.apply(AuthorAction::SelectWords(Some(Words {
            source,
            start: 12,
            end: 60,
        })));
        let fx = state.apply(Command::NewEventFromSelection);
        let select = fx.iter().find_map(|e| match e {
            Effect::BuildWork { select, .. } => select.clone(),
            _ => None,
        });
        let work = state.work().unwrap();
        assert_eq!(work.dataset.events.len(), 1);
        let id = work.dataset.events[0].id.clone();
        assert_eq!(select, Some((id.clone(), false)), "selected once built");
        assert_eq!(work.editing.as_deref(), Some(id.as_str()));
        assert!(work.is_dirty());
        assert!(
            fx.iter().any(|e| matches!(e, Effect::Recovery(Some(_)))),
            "a recovery copy follows the change"
        );
        built(&mut state, fx);
        assert_eq!(state.selected_id(), Some(id.as_str()));
        let fx = state.apply(Command::Undo);
        assert_eq!(state.work().unwrap().dataset.events.len(), 0);
        assert_eq!(state.status().to_string(), "Undone: New event");
        built(&mut state, fx);
        assert_eq!(state.selected_id(), None, "it is gone");
        state.apply(Command::Redo);
        assert_eq!(state.work().unwrap().dataset.events.len(), 1);
    }
}

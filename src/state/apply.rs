//! The router: the one place where what the user asks for and what
//! finished in the background reach the state. Each message goes to the
//! room it changes (the lens, the document, the selection, the windows,
//! the work); what a room's change means for the others (a new view, the
//! map moving) is said here. It needs no egui context: what it cannot do
//! itself (start a thread, open a dialog, move the map) it returns as
//! [`Effect`]s for the shell to carry out.

use incident_map_core::origin::Origin;

use super::places::GazetteerRead;
use super::windows::WindowChange;
use super::{AppState, Status, Then, camera};
use crate::action::{
    Action, CameraMove, DocumentAction, Done, Effect, LensAction, LoadIntent, Msg, PathFor,
    SelectionAction, WindowAction,
};
use crate::command::Command;

impl AppState {
    /// Applies one message; returns what the shell must do about it.
    pub fn apply(&mut self, msg: impl Into<Msg>) -> Vec<Effect> {
        let mut fx = Vec::new();
        match msg.into() {
            Msg::Do(action) => self.act(action, &mut fx),
            Msg::Done(done) => self.take(done, &mut fx),
        }
        fx
    }

    fn act(&mut self, action: Action, fx: &mut Vec<Effect>) {
        if !matches!(action, Action::Selection(SelectionAction::Hover(_))) {
            self.note = None;
        }
        match action {
            Action::Command(c) => self.command(c, fx),
            Action::Lens(a) => self.lens_action(a, fx),
            Action::Selection(a) => self.selection_action(a, fx),
            Action::Document(DocumentAction::Open(origin)) => self.open(origin, true, fx),
            Action::Document(DocumentAction::Export { path, only_shown }) => {
                self.export(path, only_shown, fx)
            }
            Action::Document(DocumentAction::Publish(path)) => self.publish(path, fx),
            Action::Document(DocumentAction::SetExportOnlyShown(on)) => {
                self.docs.export_only_shown = on
            }
            Action::Document(DocumentAction::UseBasemap(path)) => fx.push(Effect::UseBasemap(path)),
            Action::Window(WindowAction::ClosePathPrompt { answered }) => {
                self.close_path_prompt(answered)
            }
            Action::Window(a) => {
                let near = match a {
                    WindowAction::FindPlace(_) => self.near_points(),
                    _ => Vec::new(),
                };
                let change = self.windows.apply(a, || near);
                self.window_change(change, fx);
            }
            Action::Author(a) => self.author(a, fx),
            Action::Review(a) => self.review_action(a, fx),
            Action::Move(m) => fx.push(Effect::Camera(m)),
            Action::Note(text) => self.status = Status::Note(text),
        }
    }

    /// Opens `origin` (framing its data when `frame`), once unsaved work is
    /// saved or let go.
    pub fn open(&mut self, origin: Origin, frame: bool, fx: &mut Vec<Effect>) {
        if self.may(Then::Open(origin.clone())) {
            self.author.work = None;
            self.review = None;
            self.start_load(origin, LoadIntent::Open { frame }, fx);
        }
    }

    fn lens_action(&mut self, a: LensAction, fx: &mut Vec<Effect>) {
        let tz = self.tz();
        let histogram = self.docs.open().map(|d| &d.view.histogram);
        if self.lens.apply(a, histogram, &tz) {
            self.refilter(fx);
        }
    }

    fn lens_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        let tz = self.tz();
        let histogram = self.docs.open().map(|d| &d.view.histogram);
        if self.lens.command(c, histogram, &tz) {
            self.refilter(fx);
        }
    }

    fn selection_action(&mut self, a: SelectionAction, fx: &mut Vec<Effect>) {
        match a {
            SelectionAction::Select(id) => self.select(&id),
            SelectionAction::Hover(id) => self.next_marks.hovered = Some(id),
            SelectionAction::ShowPassage(n) => {
                if self.selection.show_passage(n) {
                    self.next_marks.scroll_to_selection = true;
                }
            }
            SelectionAction::OpenCluster { zoom, cells } => {
                if let Some(doc) = self.docs.open() {
                    fx.extend(
                        self.selection
                            .open_cluster(doc, zoom, &cells)
                            .map(Effect::Camera),
                    );
                }
            }
            SelectionAction::CloseClusterList => self.selection.close_list(),
        }
    }

    fn window_change(&mut self, change: WindowChange, fx: &mut Vec<Effect>) {
        match change {
            WindowChange::None => {}
            WindowChange::ReadGazetteer => fx.push(Effect::ReadGazetteer),
            WindowChange::GoTo(hit) => {
                fx.push(Effect::Camera(CameraMove::Approach {
                    point: hit.point,
                    min_zoom: camera::place_zoom(hit.population),
                }));
                self.status = Status::Note(hit.label);
            }
        }
    }

    fn command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        match c {
            Command::ToggleOnlyMatches
            | Command::ResetFilter
            | Command::PlayPause
            | Command::StepForward
            | Command::StepBack
            | Command::WindowDay
            | Command::WindowWeek
            | Command::WindowMonth
            | Command::WindowAll
            | Command::ToggleUndated
            | Command::ToggleAccumulate
            | Command::ToggleLoop
            | Command::Faster
            | Command::Slower => self.lens_command(c, fx),
            Command::TogglePanels
            | Command::ShowShortcuts
            | Command::ToggleFadeDoubtful
            | Command::PasteSource
            | Command::FindPlace => {
                let change = self.windows.command(c);
                self.window_change(change, fx);
                if c == Command::FindPlace {
                    self.next_marks.focus_place_finder = true;
                }
            }
            Command::ToggleOnline => {
                self.windows.command(c);
                fx.push(Effect::SetOnline(self.windows.online));
            }
            Command::NewDataSet
            | Command::AddSource
            | Command::Save
            | Command::SaveAs
            | Command::Undo
            | Command::Redo
            | Command::NewEventFromSelection
            | Command::AddEvidence
            | Command::PlaceOnMap
            | Command::DeleteEvent => self.work_command(c, fx),
            Command::FindEvents
            | Command::AcceptProposal
            | Command::RejectProposal
            | Command::EditProposal
            | Command::AcceptAllProposals
            | Command::NextProposal
            | Command::PreviousProposal => self.review_command(c, fx),
            Command::Open => {
                if self.may(Then::OpenDialog) {
                    fx.push(Effect::OpenDialog);
                }
            }
            Command::ExportEvents => fx.push(Effect::ExportDialog),
            Command::ExportMapImage => fx.push(Effect::MapImage),
            Command::Publish => fx.push(Effect::PublishDialog),
            Command::CancelLoad => {
                if let Some(origin) = self.docs.cancel() {
                    self.status = Status::Stopped(origin.shown());
                }
            }
            Command::Quit => {
                if self.may(Then::Quit) {
                    fx.push(Effect::Quit);
                }
            }
            Command::ZoomIn => fx.push(Effect::Camera(CameraMove::ZoomBy(1.0))),
            Command::ZoomOut => fx.push(Effect::Camera(CameraMove::ZoomBy(-1.0))),
            Command::Fit => fx.push(Effect::Camera(camera::fit(self.view(), &self.regions))),
            Command::ShowProblems => {
                self.windows.problems_open = self.docs.problems().is_some();
                if !self.windows.problems_open {
                    self.status =
                        Status::Note("No problems: the file opened last had none.".into());
                }
            }
            Command::SelectNext | Command::SelectPrevious => {
                self.step(c == Command::SelectNext);
            }
            Command::FocusSelected => self.focus_selected(fx),
            // Escape closes the place finder first, then the editor, then
            // lets go of the selection.
            Command::ClearSelection => {
                if self.windows.path_prompt.is_some() {
                    self.close_path_prompt(false);
                } else if !self.windows.escape() {
                    match self.author.work.as_mut().filter(|w| w.editing.is_some()) {
                        Some(w) => w.close_editor(),
                        None => self.selection.clear(),
                    }
                }
            }
            Command::Search => self.next_marks.focus_search = true,
            Command::NextMatch | Command::PreviousMatch => {
                self.step_match(c == Command::NextMatch, fx)
            }
        }
    }

    /// Closes the window asking for a path; a save that was waiting for
    /// its path, cancelled, is not made.
    fn close_path_prompt(&mut self, answered: bool) {
        if !answered && self.windows.path_prompt == Some(PathFor::Save) {
            self.author.unsaved = None;
        }
        self.windows.path_prompt = None;
    }

    /// Takes in work that finished in the background.
    fn take(&mut self, done: Done, fx: &mut Vec<Effect>) {
        match done {
            Done::Loaded {
                job,
                origin,
                intent,
                outcome,
            } => self.take_loaded(job, origin, intent, *outcome, fx),
            Done::OpenDialog(Some(path)) => match Origin::of_path(&path) {
                Ok(origin) => self.start_load(origin, LoadIntent::Open { frame: true }, fx),
                Err(why) => self.status = Status::NotRead { why },
            },
            Done::OpenDialog(None) => self.status = Status::NoFileChosen,
            Done::NoDialog(kind) => {
                self.windows.path_prompt = Some(kind);
                self.status = Status::Note(
                    "No file dialog could open on this system (no desktop portal): type the path in the window instead".into(),
                );
            }
            Done::ExportDialog(Some(path)) => {
                self.export(path, self.docs.export_only_shown, fx);
            }
            Done::ExportDialog(None) | Done::SourceDialog | Done::Superseded => {}
            Done::Exported(result) => self.exported(result),
            Done::PublishDialog(Some(path)) => self.publish(path, fx),
            Done::PublishDialog(None) => {}
            Done::Published(result) => self.published(result),
            Done::MapImage(Ok(path)) => self.status = Status::MapImageSaved(path),
            Done::MapImage(Err(why)) => self.status = Status::MapImageNotSaved(why),
            Done::ViewBuilt {
                generation,
                view,
                index,
                store,
            } => self.take_view(generation, view, index, store),
            Done::Indexed { store, index } => self.take_index(&store, index),
            Done::Basemap(Ok(path)) => self.status = Status::Basemap(path),
            Done::Basemap(Err(why)) => self.status = Status::BasemapNotChanged(why),
            Done::Gazetteer(Ok(g)) => {
                self.windows.places.reading = GazetteerRead::Ready(g);
                let near = self.near_points();
                self.windows.places.search(&near);
                self.gazetteer_ready(fx);
            }
            Done::Gazetteer(Err(why)) => {
                self.status = Status::Note(format!("The gazetteer could not be read: {why}"));
                self.windows.places.reading = GazetteerRead::Failed(why);
                if self.review.as_ref().is_some_and(|r| r.is_reading()) {
                    self.review = None;
                }
            }
            Done::EventsRead { job, read } => self.take_events_read(job, *read, fx),
            Done::WorkView {
                job,
                store,
                view,
                select,
            } => self.take_work_view(job, store, view, select, fx),
            done @ (Done::Saved(_) | Done::SaveDialog(_) | Done::SourceRead(_)) => {
                self.take_saved(done, fx);
            }
            Done::LiveAnswer { live, ask, answer } => self.take_live_answer(live, *ask, answer),
            Done::Progress(text) => {
                if matches!(self.status, Status::Filtering | Status::Working(_)) {
                    self.status = Status::Working(text);
                }
            }
            Done::Failed(why) => {
                self.docs.abandon();
                self.status = Status::Note(why);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Exported, FilterEdit, Rebuild, WindowAction};
    use crate::state::Viewport;
    use crate::views::ViewIndex;
    use incident_map_core::filter::Filter;
    use incident_map_core::formats::Format;
    use incident_map_core::model::LatLon;
    use incident_map_core::view::ViewInputs;
    use std::sync::Arc;

    /// Opens a file of the repository and takes in its load, as the
    /// background would; the effects of taking it in.
    fn open(state: &mut AppState, rel: &str) -> Vec<Effect> {
        let fx = state.apply(Action::open(crate::tests::repo(rel)));
        take_the_load(state, &fx)
    }

    /// Takes in the one load `fx` starts, as the background would.
    fn take_the_load(state: &mut AppState, fx: &[Effect]) -> Vec<Effect> {
        let [
            Effect::Load {
                job,
                origin,
                intent,
                ..
            },
        ] = fx
        else {
            panic!("{fx:?}");
        };
        take_load(state, *job, origin, intent)
    }

    /// Takes in the load of `origin` as the background would give it.
    fn take_load(
        state: &mut AppState,
        job: u64,
        origin: &Origin,
        intent: &LoadIntent,
    ) -> Vec<Effect> {
        let outcome = crate::background::load(origin, None, state.regions(), &Filter::default());
        state.apply(Done::Loaded {
            job,
            origin: origin.clone(),
            intent: intent.clone(),
            outcome: Box::new(outcome),
        })
    }

    /// The state with the scenario taken in, as a finished load gives it.
    fn scenario() -> AppState {
        let mut state = AppState::default();
        let fx = open(&mut state, "data/moscow-march-2024.json");
        assert!(
            matches!(
                fx.as_slice(),
                [
                    Effect::IndexWords(_),
                    Effect::Camera(CameraMove::Fit { .. })
                ]
            ),
            "a new file has its words indexed and is framed: {fx:?}"
        );
        state
    }

    #[test]
    fn another_file_lets_go_of_the_last_one_off_the_ui_thread() {
        let mut state = scenario();
        let old_store = Arc::downgrade(&state.docs.open().unwrap().store);
        let fx = open(&mut state, "tests/files/good/small.json");
        assert_eq!(state.store().unwrap().len(), 2);
        let released: Vec<_> = fx
            .into_iter()
            .filter_map(|e| match e {
                Effect::Release(old) => Some(old),
                _ => None,
            })
            .collect();
        assert_eq!(released.len(), 1, "the old file is handed over to be freed");
        assert!(
            old_store.upgrade().is_some(),
            "not freed by the state itself"
        );
        drop(released);
        assert!(old_store.upgrade().is_none(), "nothing else holds it");
    }

    /// A file opened again (from Recent, say) is framed again: the user
    /// may have wandered off it since.
    #[test]
    fn the_same_file_opened_again_is_framed_again() {
        let mut state = scenario();
        let fx = open(&mut state, "data/moscow-march-2024.json");
        assert!(
            fx.iter()
                .any(|e| matches!(e, Effect::Camera(CameraMove::Fit { .. }))),
            "{fx:?}"
        );
        // Not when the last run's view is restored for it (at start).
        let origin = Origin::of_path(&crate::tests::repo("data/moscow-march-2024.json")).unwrap();
        let mut fx = Vec::new();
        state.open(origin, false, &mut fx);
        let fx = take_the_load(&mut state, &fx);
        assert!(!fx.iter().any(|e| matches!(e, Effect::Camera(_))), "{fx:?}");
    }

    #[test]
    fn a_finished_load_opens_the_file_and_frames_it() {
        let state = scenario();
        assert_eq!(state.store().unwrap().len(), 4);
        assert!(state.loading().is_none());
        assert_eq!(
            state
                .recent()
                .first()
                .map(|o| o.shown().ends_with("moscow-march-2024.json")),
            Some(true)
        );
        assert!(
            state.status().to_string().contains(": 4 events"),
            "{}",
            state.status()
        );
        assert!(state.problems().is_none());
    }

    #[test]
    fn selecting_walking_and_clearing() {
        let mut state = scenario();
        state.apply(Action::select("crocus-attack"));
        let s = state.selection().unwrap();
        assert_eq!(s.id, "crocus-attack");
        assert_eq!(
            s.situated.line.as_deref(),
            Some("Crocus City Hall, Moscow Oblast")
        );
        state.begin_frame();
        assert!(
            state.marks().scroll_to_selection,
            "the views bring it into view"
        );
        state.begin_frame();
        assert!(!state.marks().scroll_to_selection, "for one frame only");
        // Next in time after the attack is the undated Kremlin reaction.
        state.apply(Command::SelectNext);
        assert_eq!(state.selected_id(), Some("kremlin-reaction"));
        state.apply(Command::SelectPrevious);
        assert_eq!(state.selected_id(), Some("crocus-attack"));
        // An id that is not there selects nothing.
        state.apply(Action::select("no-such-event"));
        assert_eq!(state.selected_id(), Some("crocus-attack"));
        state.apply(Command::ClearSelection);
        assert_eq!(state.selected_id(), None);
        state.apply(Command::SelectNext);
        assert_eq!(state.selected_id(), Some("fsb-kaluga-operation"));
    }

    #[test]
    fn a_dialog_that_cannot_open_becomes_a_path_window_that_escape_closes() {
        let mut state = AppState::default();
        for kind in [
            PathFor::Open,
            PathFor::Source,
            PathFor::Save,
            PathFor::Export,
            PathFor::Publish,
        ] {
            state.apply(Done::NoDialog(kind));
            assert_eq!(state.path_prompt(), Some(kind));
            assert!(state.status().to_string().contains("type the path"));
            // Escape closes it before anything else it would do.
            state.apply(Command::ClearSelection);
            assert_eq!(state.path_prompt(), None);
        }
        state.apply(Done::NoDialog(PathFor::Save));
        state.apply(WindowAction::ClosePathPrompt { answered: true });
        assert_eq!(state.path_prompt(), None);
    }

    #[test]
    fn focusing_frames_a_region_and_approaches_a_point() {
        let mut state = scenario();
        state.apply(Action::select("fsb-kaluga-operation"));
        match state.apply(Command::FocusSelected).as_slice() {
            [Effect::Camera(CameraMove::Fit { sw, ne, .. })] => {
                assert!(
                    sw.lat < 54.0 && ne.lat > 55.0,
                    "Kaluga Oblast whole: {sw:?} {ne:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        state.apply(Action::select("crocus-attack"));
        match state.apply(Command::FocusSelected).as_slice() {
            [Effect::Camera(CameraMove::Approach { point, min_zoom })] => {
                assert!((point.lat - 55.8257).abs() < 1e-3);
                assert_eq!(*min_zoom, camera::FOCUS_ZOOM);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hiding_a_category_rebuilds_the_views_off_thread_and_keeps_the_old_until_then() {
        let mut state = scenario();
        state.apply(Action::select("crocus-attack"));
        let fx = state.apply(Action::filter(FilterEdit::ToggleCategory("attack".into())));
        let [
            Effect::RebuildView(Rebuild {
                generation,
                store,
                all_markers,
                filter,
                search,
                index,
                ..
            }),
        ] = fx.as_slice()
        else {
            panic!("{fx:?}");
        };
        assert!(filter.hidden_categories.contains("attack"));
        assert!(index.is_none() && search.is_empty());
        assert_eq!(*state.status(), Status::Filtering);
        assert_eq!(
            state.view().unwrap().shown(),
            4,
            "the old view until the new is ready"
        );
        let view = Arc::new(ViewIndex::build(ViewInputs {
            all_markers: Some(all_markers),
            search,
            ..ViewInputs::new(store.table(), state.regions(), filter)
        }));
        let at = Arc::downgrade(store);
        // A view for an older filter is dropped.
        state.apply(Done::ViewBuilt {
            generation: generation - 1,
            view: view.clone(),
            index: None,
            store: at.clone(),
        });
        assert_eq!(state.view().unwrap().shown(), 4);
        state.apply(Done::ViewBuilt {
            generation: *generation,
            view,
            index: None,
            store: at,
        });
        assert_eq!(state.view().unwrap().shown(), 3);
        assert_eq!(state.selected_id(), None, "a hidden event is not selected");
        assert_eq!(
            state.status().to_string(),
            "3 of 4 events shown (1 category hidden)"
        );
        // Fit follows the filter: the attack's box is gone from it.
        let [Effect::Camera(CameraMove::Fit { ne, .. })] = state.apply(Command::Fit)[..] else {
            panic!()
        };
        assert!(
            ne.lat < 55.8,
            "Crocus City Hall is no longer framed: {ne:?}"
        );
        state.apply(Action::select("crocus-attack"));
        assert_eq!(
            state.selected_id(),
            None,
            "hidden events cannot be selected"
        );
    }

    #[test]
    fn a_failed_load_keeps_the_data_and_lists_its_problems() {
        let mut state = scenario();
        open(&mut state, "tests/files/bad/truncated.json");
        assert_eq!(state.store().unwrap().len(), 4);
        let problems = state.problems().expect("listed");
        assert!(!problems.opened);
        assert!(
            state
                .status()
                .to_string()
                .ends_with("was not opened: 1 errors. The data shown is unchanged.")
        );
        state.apply(WindowAction::DismissProblems);
        assert!(state.problems().is_none());
        state.apply(Command::ShowProblems);
        assert!(state.problems().is_some(), "they can be listed again");
    }

    #[test]
    fn a_cancelled_or_replaced_load_reports_nothing() {
        let mut state = scenario();
        let fx = state.apply(Action::open(crate::tests::repo(
            "tests/files/good/small.json",
        )));
        let [
            Effect::Load {
                job,
                origin,
                intent,
                progress,
                ..
            },
        ] = fx.as_slice()
        else {
            panic!()
        };
        state.apply(Command::CancelLoad);
        assert!(progress.is_cancelled());
        assert!(state.status().to_string().starts_with("Stopped opening"));
        take_load(&mut state, *job, origin, intent);
        assert_eq!(state.store().unwrap().len(), 4, "nothing replaced");
    }

    #[test]
    fn export_checks_the_name_and_never_writes_over_the_open_file() {
        let mut state = scenario();
        state.apply(Action::export("out.txt", false));
        assert!(
            state
                .status()
                .to_string()
                .contains("name the file .geojson")
        );
        let open = state.origin().unwrap().file().unwrap().to_path_buf();
        assert!(state.apply(Action::export(open, false)).is_empty());
        assert!(
            state
                .status()
                .to_string()
                .contains("that is the file you opened")
        );
        // Only what the map shows: here, a view of Krasnogorsk alone.
        state.set_viewport(Some(Viewport {
            center: LatLon {
                lat: 55.8257,
                lon: 37.3889,
            },
            zoom: 14.0,
            size: [800.0, 600.0],
        }));
        // A name without an extension, or ending .timemap: a TimeMap folder.
        for name in ["site", "site.timemap"] {
            let fx = state.apply(Action::export(name, false));
            let [Effect::Export { format, .. }] = fx.as_slice() else {
                panic!("{fx:?}")
            };
            assert_eq!(*format, Format::TimeMap, "{name}");
        }
        let fx = state.apply(Action::export("shown.geojson", true));
        let [Effect::Export { keep, format, .. }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(*format, Format::GeoJson);
        let table = state.table().unwrap();
        assert_eq!(
            keep.iter().map(|&i| table.id(i)).collect::<Vec<_>>(),
            ["crocus-attack"]
        );
        state.apply(Done::Exported(Ok(Exported {
            path: "shown.geojson".into(),
            format: Format::GeoJson,
            count: 1,
            total: 4,
        })));
        assert_eq!(
            state.status().to_string(),
            "Exported 1 of 4 events to shown.geojson (GeoJSON)"
        );
    }

    #[test]
    fn publishing_asks_where_then_checks_the_name_and_writes_what_is_shown() {
        let mut state = AppState::default();
        assert!(matches!(
            state.apply(Command::Publish).as_slice(),
            [Effect::PublishDialog]
        ));
        state.apply(Done::PublishDialog(Some("page.html".into())));
        assert_eq!(state.status().to_string(), "Not published: no data is open");
        let mut state = scenario();
        assert!(
            state
                .apply(DocumentAction::Publish("page.txt".into()))
                .is_empty()
        );
        assert!(state.status().to_string().contains("name the page .html"));
        let fx = state.apply(Done::PublishDialog(Some("page.HTML".into())));
        let [Effect::Publish { keep, path, .. }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(
            keep,
            &[0, 1, 2, 3],
            "every event the filter shows, undated ones too"
        );
        assert_eq!(path, &std::path::PathBuf::from("page.HTML"));
        assert!(
            state
                .status()
                .to_string()
                .starts_with("Publishing 4 events")
        );
        state.apply(Done::Published(Err(
            "cannot write page.html: disk full".into()
        )));
        assert_eq!(
            state.status().to_string(),
            "Not published: cannot write page.html: disk full"
        );
        state.apply(Done::Published(Ok(crate::action::Published {
            path: "page.html".into(),
            count: 4,
            total: 4,
            bytes: 4_600_000,
        })));
        assert!(
            state
                .status()
                .to_string()
                .starts_with("Published 4 of 4 events to page.html (4.6 MB;")
        );
    }

    #[test]
    fn stepping_moves_by_a_bin_or_by_a_windows_own_length() {
        let mut state = scenario();
        let edges = state.view().unwrap().histogram.edges.clone();
        // Playing with no window starts on the first bin (7 March, Moscow).
        state.apply(Command::PlayPause);
        assert!(state.playback().playing);
        assert_eq!(state.filter().window, Some((edges[0], edges[1] - 1)));
        state.apply(LensAction::Tick);
        assert_eq!(state.filter().window, Some((edges[1], edges[2] - 1)));
        state.apply(Command::PlayPause);
        // Half a day moves by half a day.
        let half = (edges[15], edges[15] + 43_199);
        state.apply(Action::filter(FilterEdit::Window(Some(half))));
        state.apply(Command::StepForward);
        assert_eq!(
            state.filter().window,
            Some((half.0 + 43_200, half.1 + 43_200))
        );
        // Past the end: it stays, and playing stops there.
        state.apply(Command::PlayPause);
        state.apply(LensAction::Tick);
        assert!(!state.playback().playing);
        // Accumulating grows the window a bin at a time.
        state.apply(Action::filter(FilterEdit::Window(Some((
            edges[0],
            edges[1] - 1,
        )))));
        state.apply(Command::ToggleAccumulate);
        state.apply(Command::StepForward);
        assert_eq!(state.filter().window, Some((edges[0], edges[2] - 1)));
        // Looping starts again at the beginning.
        state.apply(Command::ToggleAccumulate);
        state.apply(Command::ToggleLoop);
        let last = edges.len() - 2;
        state.apply(Action::filter(FilterEdit::Window(Some((
            edges[last],
            edges[last + 1] - 1,
        )))));
        state.apply(Command::StepForward);
        assert_eq!(state.filter().window, Some((edges[0], edges[1] - 1)));
    }
}

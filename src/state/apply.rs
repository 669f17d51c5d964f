//! The one place where what the user asks for and what finished in the
//! background change the state. It needs no egui context: what it cannot do
//! itself (start a thread, open a dialog, move the map) it returns as
//! [`Effect`]s for the shell to carry out.

use std::path::PathBuf;
use std::sync::Arc;

use geo::BoundingRect;
use incident_map_core::formats::{self, Format, Progress};
use incident_map_core::markers::{Shape, unmercator};
use incident_map_core::model::{BBox, LatLon};

use incident_map_core::filter::{Filter, day_window};

use super::{AppState, Document, Loading, MAX_RECENT, Problems, SPEEDS, Selection, Status, places};
use crate::action::{Action, CameraMove, Done, Effect, FilterEdit, Msg, Rebuild};
use crate::command::Command;

/// A window whose ends are this far (in seconds, about a thousand years)
/// outside the data is open-ended: it moves by bins, not by its length.
const MAX_SPAN: i64 = 1000 * 366 * 86_400;

/// Files of up to this many events have their words indexed as they open
/// (a few seconds and some 40 MB at most, in the background); larger ones
/// when a search first needs them.
pub const AUTO_INDEX: usize = 100_000;
use crate::views::{Situated, ViewIndex, frame};

/// The zoom a point event is brought to at least.
const FOCUS_ZOOM: f64 = 12.0;

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
        if !matches!(action, Action::Hover(_)) {
            self.note = None;
        }
        match action {
            Action::Command(c) => self.command(c, fx),
            Action::Select(id) => self.select(&id),
            Action::Hover(id) => self.next_marks.hovered = Some(id),
            Action::ShowPassage(n) => {
                if let Some(s) = &mut self.selection {
                    s.passage = n;
                    self.next_marks.scroll_to_selection = true;
                }
            }
            Action::Open(path) => {
                if self.may(super::Then::Open(path.clone())) {
                    self.work = None;
                    self.start_load(path, fx);
                }
            }
            Action::Export { path, only_shown } => self.export(path, only_shown, fx),
            Action::UseBasemap(path) => fx.push(Effect::UseBasemap(path)),
            Action::Filter(edit) => self.edit_filter(edit, fx),
            Action::SetFilter(filter) => {
                self.filter = filter;
                self.refilter(fx);
            }
            Action::Search(words) => {
                if words != self.search {
                    self.search = words;
                    self.refilter(fx);
                }
            }
            Action::Note(text) => self.status = Status::Note(text),
            Action::IndexWords => {
                self.index_wanted = true;
                self.refilter(fx);
            }
            Action::Tick => {
                if self.playback.playing {
                    self.step_window(true, fx);
                }
            }
            Action::OpenCluster { zoom, cells } => self.open_cluster(zoom, &cells, fx),
            Action::ZoomInto { point, zoom } => fx.push(Effect::Camera(CameraMove::Approach {
                point,
                min_zoom: zoom,
            })),
            Action::CloseClusterList => self.listed = None,
            Action::SetExportOnlyShown(on) => self.export_only_shown = on,
            Action::DismissProblems => self.problems_open = false,
            Action::CloseShortcuts => self.shortcuts_open = false,
            Action::FindPlace(query) => {
                self.places.query = query;
                let near = self.near_points();
                self.places.search(&near);
            }
            Action::GoToPlace(i) => {
                if let Some(hit) = self.places.hits.get(i).cloned() {
                    // A city shown whole, a village with its streets.
                    let min_zoom = match hit.population {
                        1_000_000.. => 10.0,
                        100_000.. => 11.0,
                        10_000.. => 12.0,
                        _ => 13.0,
                    };
                    fx.push(Effect::Camera(CameraMove::Approach {
                        point: hit.point,
                        min_zoom,
                    }));
                    self.status = Status::Note(hit.label);
                    self.places.open = false;
                }
            }
            Action::ClosePlaceFinder => self.places.open = false,
            Action::ReadSource(id) => {
                if let Some(w) = &mut self.work {
                    w.reading = id;
                    w.words = None;
                }
            }
            Action::SelectWords(words) => {
                if let Some(w) = &mut self.work {
                    w.words = words;
                }
            }
            Action::EditEvent(event) => self.edit_event(*event, fx),
            Action::OpenEditor(id) => {
                if let Some(w) = self.work_mut() {
                    w.editing = Some(id);
                    w.placing = false;
                }
            }
            Action::CloseEditor => {
                if let Some(w) = &mut self.work {
                    w.editing = None;
                    w.placing = false;
                }
            }
            Action::PlaceAt(point) => self.place_at(point, fx),
            Action::MoveTo(point) => {
                if let Some(w) = self.work.as_mut()
                    && w.editing.is_some()
                {
                    w.placing = true;
                    self.place_at(point, fx);
                }
            }
            Action::PlaceInRegion(code) => self.place_in_region(&code, fx),
            Action::WantGazetteer => self.want_gazetteer(fx),
            Action::SetTitle(title) => self.set_title(title, fx),
            Action::GradeSource {
                source,
                reliability,
            } => self.grade_source(&source, reliability, fx),
            Action::EditSource(source) => self.replace_source(*source, fx),
            Action::EditCategory(category) => self.replace_category(category, fx),
            Action::AddSourceFile(path) => fx.push(Effect::ReadSource(path)),
            Action::AddSourceText(new) => self.add_source(*new, fx),
            Action::ClosePasteSource => self.paste_open = false,
            Action::SaveTo(path) => self.save_to(path, fx),
            Action::Unsaved(choice) => self.answer_unsaved(choice, fx),
            Action::Recover(take) => {
                let file = self.recoverable.take();
                match file {
                    Some(file) if take => {
                        self.recovering = true;
                        self.start_load(file, fx);
                    }
                    _ => fx.push(Effect::Recovery(None)),
                }
            }
        }
    }

    /// Reads the gazetteer, unless it is read or being read.
    fn want_gazetteer(&mut self, fx: &mut Vec<Effect>) {
        if matches!(
            self.places.reading,
            places::GazetteerRead::NotYet | places::GazetteerRead::Failed(_)
        ) {
            self.places.reading = places::GazetteerRead::Reading;
            fx.push(Effect::ReadGazetteer);
        }
    }

    /// Where the data and the view are: the places a name typed in *Find a
    /// place…* is looked for near first.
    pub fn near_points(&self) -> Vec<LatLon> {
        let mut near: Vec<LatLon> = self.viewport.map(|v| v.center).into_iter().collect();
        if let Some(doc) = &self.doc {
            let table = doc.table();
            let step = (table.len() / 16).max(1);
            near.extend(
                (0..table.len())
                    .step_by(step)
                    .filter_map(|i| table.point(i)),
            );
        }
        near
    }

    fn command(&mut self, command: Command, fx: &mut Vec<Effect>) {
        match command {
            Command::Open => {
                if self.may(super::Then::OpenDialog) {
                    fx.push(Effect::OpenDialog);
                }
            }
            Command::NewDataSet
            | Command::AddSource
            | Command::PasteSource
            | Command::Save
            | Command::SaveAs
            | Command::Undo
            | Command::Redo
            | Command::NewEventFromSelection
            | Command::AddEvidence
            | Command::PlaceOnMap
            | Command::DeleteEvent => self.work_command(command, fx),
            Command::ExportEvents => fx.push(Effect::ExportDialog),
            Command::ExportMapImage => fx.push(Effect::MapImage),
            Command::CancelLoad => {
                // The thread stops at its next step; whatever it had is dropped.
                if let Some(job) = self.loading.take() {
                    job.progress.cancel();
                    self.status = Status::Stopped(job.path);
                }
            }
            Command::Quit => {
                if self.may(super::Then::Quit) {
                    fx.push(Effect::Quit);
                }
            }
            Command::ZoomIn => fx.push(Effect::Camera(CameraMove::ZoomBy(1.0))),
            Command::ZoomOut => fx.push(Effect::Camera(CameraMove::ZoomBy(-1.0))),
            Command::Fit => {
                let b = self.home();
                fx.push(Effect::Camera(CameraMove::Fit {
                    sw: b.sw,
                    ne: b.ne,
                    min_zoom: 0.0,
                }));
            }
            Command::TogglePanels => self.panels_shown = !self.panels_shown,
            Command::ToggleOnline => {
                self.online = !self.online;
                fx.push(Effect::SetOnline(self.online));
            }
            Command::ShowProblems => {
                self.problems_open = self.problems.is_some();
                if self.problems.is_none() {
                    self.status =
                        Status::Note("No problems: the file opened last had none.".into());
                }
            }
            Command::SelectNext | Command::SelectPrevious => self.step(command),
            Command::FocusSelected => self.focus_selected(fx),
            // Escape closes the place finder first, then the editor.
            Command::ClearSelection if self.places.open => self.places.open = false,
            Command::ClearSelection if self.work.as_ref().is_some_and(|w| w.editing.is_some()) => {
                if let Some(w) = &mut self.work {
                    w.editing = None;
                    w.placing = false;
                }
            }
            Command::ClearSelection => self.selection = None,
            Command::ShowShortcuts => self.shortcuts_open = !self.shortcuts_open,
            Command::ToggleFadeDoubtful => self.fade_doubtful = !self.fade_doubtful,
            Command::FindPlace => {
                self.places.open = true;
                self.next_marks.focus_place_finder = true;
                self.want_gazetteer(fx);
            }
            Command::Search => self.next_marks.focus_search = true,
            Command::NextMatch | Command::PreviousMatch => self.step_match(command, fx),
            Command::ToggleOnlyMatches => {
                self.only_matches = !self.only_matches;
                self.refilter(fx);
            }
            Command::ResetFilter => {
                self.filter = Filter::default();
                self.only_matches = false;
                self.playback.playing = false;
                self.refilter(fx);
            }
            Command::PlayPause => {
                self.playback.playing = !self.playback.playing;
                if self.playback.playing && self.filter.window.is_none() {
                    // Playing starts at the beginning.
                    self.step_window(true, fx);
                }
            }
            Command::StepForward => self.step_window(true, fx),
            Command::StepBack => self.step_window(false, fx),
            Command::WindowDay | Command::WindowWeek | Command::WindowMonth => {
                self.preset_window(command, fx)
            }
            Command::WindowAll => {
                self.playback.playing = false;
                self.edit_filter(FilterEdit::Window(None), fx);
            }
            Command::ToggleUndated => {
                self.filter.include_undated = !self.filter.include_undated;
                self.refilter(fx);
            }
            Command::ToggleAccumulate => self.playback.accumulate = !self.playback.accumulate,
            Command::ToggleLoop => self.playback.looped = !self.playback.looped,
            Command::Faster | Command::Slower => {
                let k = SPEEDS
                    .iter()
                    .position(|&v| v >= self.playback.speed)
                    .unwrap_or(SPEEDS.len() - 1);
                let k = if command == Command::Faster {
                    (k + 1).min(SPEEDS.len() - 1)
                } else {
                    k.saturating_sub(1)
                };
                self.playback.speed = SPEEDS[k];
            }
        }
    }

    /// Changes the filter and rebuilds the views for it.
    fn edit_filter(&mut self, edit: FilterEdit, fx: &mut Vec<Effect>) {
        fn toggle<T: Ord>(set: &mut std::collections::BTreeSet<T>, v: T) {
            if !set.remove(&v) {
                set.insert(v);
            }
        }
        let tz = self
            .table()
            .map_or(jiff::tz::TimeZone::UTC, |t| t.tz().clone());
        let f = &mut self.filter;
        match edit {
            FilterEdit::ToggleCategory(id) => toggle(&mut f.hidden_categories, id),
            FilterEdit::TogglePrecision(p) => toggle(&mut f.precisions, p),
            FilterEdit::ToggleReliability(r) => toggle(&mut f.reliabilities, r),
            FilterEdit::ToggleSource(s) => toggle(&mut f.sources, s),
            FilterEdit::ToggleActor(a) => match f.actors.iter().position(|x| *x == a) {
                Some(k) => {
                    f.actors.remove(k);
                }
                None => f.actors.push(a),
            },
            FilterEdit::Window(w) => f.window = w,
            FilterEdit::Days(from, to) => f.window = day_window(from, to, &tz),
        }
        self.refilter(fx);
    }

    /// Moves the time window one bin of the histogram later or earlier
    /// (playing: keeping its length, or growing it when accumulating).
    fn step_window(&mut self, forward: bool, fx: &mut Vec<Effect>) {
        let Some(view) = self.view() else { return };
        let h = &view.histogram;
        let n = h.bins();
        if n == 0 {
            self.playback.playing = false;
            return;
        }
        let edges = &h.edges;
        let span = |a: usize, b: usize| Some((edges[a], edges[b + 1] - 1));
        let accumulate = self.playback.accumulate;
        let window = match self.filter.window {
            None => {
                if forward {
                    span(0, 0)
                } else {
                    span(n - 1, n - 1)
                }
            }
            // A window that is not whole bins (a week typed or chosen over
            // monthly bins) moves by its own length.
            Some((from, to))
                if !accumulate
                    && from > edges[0] - MAX_SPAN
                    && to < edges[n] + MAX_SPAN
                    && !(edges.binary_search(&from).is_ok()
                        && edges.binary_search(&(to + 1)).is_ok()) =>
            {
                let len = to - from + 1;
                let (a, b) = if forward {
                    (from + len, to + len)
                } else {
                    (from - len, to - len)
                };
                if a > edges[n] - 1 || b < edges[0] {
                    // Past the data: round again, or stop there.
                    if forward && self.playback.looped {
                        Some((edges[0], edges[0] + len - 1))
                    } else {
                        self.playback.playing = false;
                        return;
                    }
                } else {
                    Some((a, b))
                }
            }
            Some((from, to)) => {
                let a = h.bin_at(from.max(edges[0])).unwrap_or(0);
                let b = h.bin_at(to.min(edges[n] - 1)).unwrap_or(n - 1);
                let (a2, b2) = match (forward, accumulate) {
                    (true, true) => (a, b + 1),
                    (true, false) => (a + 1, b + 1),
                    (false, true) => (a, b.saturating_sub(1).max(a)),
                    (false, false) => (a.saturating_sub(1), b.saturating_sub(1).max(b - a)),
                };
                if b2 >= n {
                    // The end: round again, or stop there.
                    if self.playback.looped {
                        if accumulate {
                            span(a, a)
                        } else {
                            span(0, b - a)
                        }
                    } else {
                        self.playback.playing = false;
                        return;
                    }
                } else {
                    span(a2, b2)
                }
            }
        };
        self.filter.window = window;
        self.refilter(fx);
    }

    /// A window of a day, a week or a month, from the window's start (or
    /// the data's first day), in the data set's time zone.
    fn preset_window(&mut self, command: Command, fx: &mut Vec<Effect>) {
        use jiff::ToSpan;
        let Some(table) = self.table() else { return };
        let tz = table.tz().clone();
        let Some(first) = self
            .filter
            .window
            .map(|w| w.0)
            .or_else(|| self.view().and_then(|v| v.histogram.edges.first().copied()))
        else {
            return;
        };
        let Ok(start) = jiff::Timestamp::from_second(first) else {
            return;
        };
        let day = start.to_zoned_datetime(tz.clone()).date();
        let last = match command {
            Command::WindowDay => Some(day),
            Command::WindowWeek => day.checked_add(6.days()).ok(),
            _ => day
                .checked_add(1.month())
                .ok()
                .and_then(|d| d.yesterday().ok()),
        };
        self.filter.window = day_window(Some(day), last, &tz);
        self.refilter(fx);
    }

    /// Selects the next or previous event that holds the words searched for.
    fn step_match(&mut self, command: Command, fx: &mut Vec<Effect>) {
        let Some(doc) = &self.doc else { return };
        let matches = &doc.view.matches;
        if matches.is_empty() {
            return;
        }
        let timeline = &doc.view.timeline;
        let here = self
            .selection
            .as_ref()
            .and_then(|s| timeline.position(s.event));
        let rank = |i: u32| timeline.position(i as usize).unwrap_or(usize::MAX);
        let next = if command == Command::NextMatch {
            matches
                .iter()
                .copied()
                .find(|&i| here.is_none_or(|h| rank(i) > h))
                .or(matches.first().copied())
        } else {
            matches
                .iter()
                .rev()
                .copied()
                .find(|&i| here.is_none_or(|h| rank(i) < h))
                .or(matches.last().copied())
        };
        if let Some(i) = next {
            let id = doc.table().id(i as usize).to_string();
            self.select(&id);
            self.focus_selected(fx);
        }
    }

    /// Takes in work that finished in the background.
    fn take(&mut self, done: Done, fx: &mut Vec<Effect>) {
        match done {
            Done::Loaded { job, path, outcome } => {
                // A load that was cancelled or replaced reports nothing.
                if self.loading.as_ref().is_some_and(|l| l.job == job) {
                    self.loading = None;
                    // Remembered and shown: a table's URL without its password.
                    let path = incident_map_core::postgis::shown(&path);
                    self.take_in(path, *outcome, fx);
                }
            }
            Done::OpenDialog(Some(path)) => self.start_load(path, fx),
            Done::OpenDialog(None) => self.status = Status::NoFileChosen,
            Done::ExportDialog(Some(path)) => {
                let only_shown = self.export_only_shown;
                self.export(path, only_shown, fx);
            }
            Done::ExportDialog(None) => {}
            Done::Exported(Ok(e)) => {
                self.status = match self.live() {
                    // A server's table: what was written is what is listed.
                    Some(l) => Status::Note(format!(
                        "Exported the {} events listed (of {} on the server under the filter) to {}; for the whole table: incident-map convert '{}' FILE",
                        super::thousands(e.count),
                        super::thousands(l.shown.total as usize),
                        e.path.display(),
                        l.source.target.shown
                    )),
                    None => Status::Exported(e),
                }
            }
            Done::Exported(Err(why)) => self.status = Status::NotExported(why),
            Done::MapImage(Ok(path)) => self.status = Status::MapImageSaved(path),
            Done::MapImage(Err(why)) => self.status = Status::MapImageNotSaved(why),
            Done::ViewBuilt {
                generation,
                view,
                index,
                store,
            } => {
                if let (Some(doc), Some(index)) = (&mut self.doc, index)
                    && std::ptr::eq(store.as_ptr(), Arc::as_ptr(&doc.store))
                {
                    doc.search_index = Some(index);
                }
                // A view is of the store it was built for (a live table's
                // page may have been replaced meanwhile).
                let same = self
                    .doc
                    .as_ref()
                    .is_some_and(|d| std::ptr::eq(store.as_ptr(), Arc::as_ptr(&d.store)));
                if generation == self.generation {
                    self.pending = false;
                }
                if generation == self.generation && same {
                    self.install_view(view);
                    self.status = self.shown_status();
                }
            }
            Done::Basemap(Ok(path)) => self.status = Status::Basemap(path),
            Done::Basemap(Err(why)) => self.status = Status::BasemapNotChanged(why),
            Done::Gazetteer(Ok(g)) => {
                self.places.reading = places::GazetteerRead::Ready(g);
                let near = self.near_points();
                self.places.search(&near);
            }
            Done::Gazetteer(Err(why)) => {
                self.status = Status::Note(format!("The gazetteer could not be read: {why}"));
                self.places.reading = places::GazetteerRead::Failed(why);
            }
            Done::WorkView { job, store, view } => self.take_work_view(job, store, view, fx),
            done @ (Done::Saved(_) | Done::SaveDialog(_) | Done::SourceRead(_)) => {
                self.take_saved(done, fx);
            }
            Done::Superseded => {}
            Done::LiveAnswer { live, ask, answer } => self.take_live_answer(live, ask, answer),
            Done::Indexed { store, index } => {
                if let Some(doc) = &mut self.doc
                    && std::ptr::eq(store.as_ptr(), Arc::as_ptr(&doc.store))
                    && doc.search_index.is_none()
                {
                    doc.search_index = Some(index);
                }
            }
            Done::Progress(text) => {
                if matches!(self.status, Status::Filtering | Status::Working(_)) {
                    self.status = Status::Working(text);
                }
            }
            Done::Failed(why) => {
                self.loading = None;
                self.status = Status::Note(why);
            }
        }
    }

    /// The box the map frames first and Fit frames: what is shown.
    pub fn home(&self) -> BBox {
        self.view()
            .and_then(|v| v.frame)
            .or_else(|| frame(&Default::default(), &self.regions))
            .unwrap_or(BBox::WORLD)
    }

    pub(super) fn start_load(&mut self, path: PathBuf, fx: &mut Vec<Effect>) {
        if let Some(old) = self.loading.take() {
            old.progress.cancel();
        }
        let job = self.next_job;
        self.next_job += 1;
        let progress = Arc::new(Progress::default());
        // A filter holds through a reload of the same file, not into another.
        // The filter holds through a reload of the same file, not into another.
        let filter = if self.path() == Some(path.as_path()) {
            let mut f = self.effective_filter();
            f.text.clear();
            f
        } else {
            Filter::default()
        };
        // (A table's URL is shown without its password.)
        let shown = incident_map_core::postgis::shown(&path);
        self.loading = Some(Loading {
            job,
            path: shown.clone(),
            progress: progress.clone(),
        });
        self.status = Status::Opening(shown);
        fx.push(Effect::Load {
            job,
            path,
            progress,
            filter,
        });
    }

    /// Takes in a finished load: the new data replaces the old only if it
    /// is fit to show. Says what happened, and lists problems.
    fn take_in(
        &mut self,
        path: PathBuf,
        outcome: crate::background::Outcome,
        fx: &mut Vec<Effect>,
    ) {
        let crate::background::Opened {
            mut loaded,
            view,
            live,
        } = match outcome {
            Ok(x) => x,
            Err(why) => {
                self.problems = Some(Problems::message(path, why.clone()));
                self.problems_open = true;
                self.status = Status::NotRead { why };
                return;
            }
        };
        if let Some((live, first)) = live {
            return self.take_in_live(path, live, first, fx);
        }
        let (errors, warnings) = incident_map_core::diagnostic::count(&loaded.diagnostics);
        let usable = loaded.usable().is_some();
        // Taken, not copied: a large dataset is not cloned on the UI thread.
        let (Some(store), Some(view)) = (loaded.store.take().filter(|_| usable), view) else {
            self.problems = Some(Problems::new(path.clone(), false, &loaded.diagnostics));
            self.problems_open = true;
            self.status = Status::NotOpened { path, errors };
            return;
        };
        // A file whose only remark is that it cites no passage opens
        // quietly: the status bar says so; the problems list holds it.
        let uncited = !loaded.diagnostics.is_empty()
            && loaded
                .diagnostics
                .iter()
                .all(|d| d.code == incident_map_core::diagnostic::Code::NoPassage);
        self.status = Status::Opened {
            path: path.clone(),
            events: store.len(),
            errors,
            warnings,
            uncited,
        };
        let another = self.path() != Some(path.as_path());
        if another {
            self.filter = Filter::default();
            self.index_wanted = false;
            self.playback.playing = false;
        }
        self.listed = None;
        let format = loaded.format;
        let old = self.doc.replace(Document {
            path: path.clone(),
            store: Arc::new(store),
            view: Arc::new(ViewIndex::default()),
            search_index: None,
            format,
            live: None,
        });
        // A recovery copy opened: its data is unsaved work, saved where it
        // was; the copy itself is no file to remember.
        let recovered = std::mem::take(&mut self.recovering);
        if recovered && let Some(doc) = &mut self.doc {
            let dataset = doc.store.to_dataset().into_owned();
            let saved = self.recovered_path.take();
            doc.path = saved.clone().unwrap_or_else(|| PathBuf::from("Recovered"));
            let work = super::Work::recovered(dataset, saved);
            fx.push(Effect::Title(super::work::title(&work)));
            self.work = Some(work);
            self.status =
                Status::Note("Recovered the unsaved work: save it (Ctrl+S) to keep it".into());
            return;
        }
        if let Some(old) = old {
            fx.push(Effect::Release(Box::new(old)));
        }
        self.install_view(view);
        // The words of a file of ordinary size are indexed at once, in the
        // background: its first search finds them ready.
        if let Some(doc) = &self.doc
            && doc.store.len() <= AUTO_INDEX
        {
            fx.push(Effect::IndexWords(doc.store.clone()));
        }
        if self
            .view()
            .is_some_and(|v| v.filter != self.effective_filter() || v.search != self.search)
        {
            // The filter changed while the file loaded.
            self.refilter(fx);
        }
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path.clone());
        self.recent.truncate(MAX_RECENT);
        self.problems = (!loaded.diagnostics.is_empty())
            .then(|| Problems::new(path, true, &loaded.diagnostics));
        self.problems_open = self.problems.is_some() && !uncited;
        // Data from another file is framed, unless the view was restored for it.
        if another && !std::mem::take(&mut self.keep_view) {
            self.command(Command::Fit, fx);
        }
    }

    /// Takes in a server's table asked per view, showing its first view.
    fn take_in_live(
        &mut self,
        path: PathBuf,
        live: Arc<incident_map_core::postgis::live::Live>,
        first: Arc<crate::live::LiveView>,
        fx: &mut Vec<Effect>,
    ) {
        let another = self.path() != Some(path.as_path());
        // The filter holds through a reload of the same table (asked
        // under it with the next frame's view), not into another.
        if another {
            self.filter = Filter::default();
            self.search.clear();
            self.only_matches = false;
            self.index_wanted = false;
            self.playback.playing = false;
        }
        self.listed = None;
        self.selection = None;
        let old = self.doc.replace(Document {
            path: path.clone(),
            store: first.store.clone(),
            view: first.view.clone(),
            search_index: None,
            format: Some(incident_map_core::formats::Format::Csv),
            live: Some(super::LiveDoc {
                source: live,
                asked: Some((first.ask.clone(), first.search.clone())),
                shown: first,
                error: None,
            }),
        });
        if let Some(old) = old {
            fx.push(Effect::Release(Box::new(old)));
        }
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path.clone());
        self.recent.truncate(MAX_RECENT);
        self.problems = None;
        self.problems_open = false;
        self.status = self.shown_status();
        if another && !std::mem::take(&mut self.keep_view) {
            self.command(Command::Fit, fx);
        }
    }

    /// Takes in what a server answered for a view of its table: its page
    /// replaces the one on screen when it answers the latest question.
    fn take_live_answer(
        &mut self,
        live: std::sync::Weak<incident_map_core::postgis::live::Live>,
        ask: Box<incident_map_core::postgis::live::Ask>,
        answer: Result<Arc<crate::live::LiveView>, String>,
    ) {
        let Some(doc) = &mut self.doc else { return };
        let Some(l) = &mut doc.live else { return };
        if !std::ptr::eq(live.as_ptr(), Arc::as_ptr(&l.source))
            || l.asked.as_ref().is_some_and(|(a, _)| *a != *ask)
        {
            return;
        }
        match answer {
            Ok(view) => {
                if l.asked.as_ref().is_some_and(|(_, s)| *s != view.search) {
                    return;
                }
                l.error = None;
                l.shown = view.clone();
                doc.store = view.store.clone();
                doc.search_index = None;
                self.install_view(view.view.clone());
                self.status = self.shown_status();
            }
            Err(why) => {
                l.error = Some(why.clone());
                // The view on screen stays; the server is asked again
                // when the view or the filter changes (not every frame).
                self.status = Status::Note(format!("The server did not answer: {why}"));
            }
        }
    }

    /// Puts a view of the open data in place; the selection survives when
    /// its event is still there and shown.
    pub(super) fn install_view(&mut self, view: Arc<ViewIndex>) {
        let Some(doc) = &mut self.doc else { return };
        doc.view = view;
        self.listed = None;
        let id = self.selection.as_ref().map(|s| s.id.clone());
        let passage = self.selection.as_ref().map_or(0, |s| s.passage);
        self.selection = None;
        if let Some(id) = id {
            self.select(&id);
            if let Some(s) = &mut self.selection {
                s.passage = passage;
            }
        }
    }

    fn shown_status(&self) -> Status {
        if let Some(l) = self.live() {
            return Status::Live {
                total: l.shown.total,
                in_view: self.live_in_view().unwrap_or(l.shown.in_view),
                around: l.shown.in_view,
                listed: l.shown.store.len(),
                filter: self.effective_filter().describe(
                    &self
                        .table()
                        .map_or(jiff::tz::TimeZone::UTC, |t| t.tz().clone()),
                ),
            };
        }
        Status::Shown {
            shown: self.view().map_or(0, ViewIndex::shown),
            total: self.store().map_or(0, |s| s.len()),
            filter: self.effective_filter().describe(
                &self
                    .table()
                    .map_or(jiff::tz::TimeZone::UTC, |t| t.tz().clone()),
            ),
        }
    }

    /// Rebuilds the views for the filter, in the background; the view on
    /// screen stays until the new one is ready.
    pub(super) fn refilter(&mut self, fx: &mut Vec<Effect>) {
        let Some(doc) = &self.doc else { return };
        if doc.live.is_some() {
            // The server is asked what the view shows under the filter.
            if let Err(why) = self.live().map_or(Ok(()), |l| {
                l.source.clause(&self.effective_filter()).map(|_| ())
            }) {
                self.status = Status::Note(why);
                return;
            }
            self.status = Status::Filtering;
            self.ask_live(fx);
            return;
        }
        self.generation += 1;
        self.pending = true;
        self.status = Status::Filtering;
        fx.push(Effect::RebuildView(Rebuild {
            generation: self.generation,
            store: doc.store.clone(),
            all_markers: doc.view.all_markers.clone(),
            filter: self.effective_filter(),
            search: self.search.clone(),
            index: doc.search_index.clone(),
            before: doc.view.clone(),
            index_wanted: self.index_wanted,
        }));
    }

    /// Selects an event by id, if it is there and shown.
    pub(super) fn select(&mut self, id: &str) {
        let Some(doc) = &self.doc else { return };
        let Some(event) = doc.table().find(id) else {
            return;
        };
        if doc.view.timeline.position(event).is_none() {
            return;
        }
        let passage = match &self.selection {
            Some(s) if s.id == id => s.passage,
            _ => 0,
        };
        let detail = doc.store.detail(event);
        let situated = Situated::of(&detail, &doc.table().meta, &self.regions);
        self.selection = Some(Selection {
            id: id.to_string(),
            event,
            passage,
            situated,
            detail: Arc::new(detail),
        });
        self.next_marks.scroll_to_selection = true;
    }

    /// Selects the next or previous event in time.
    fn step(&mut self, command: Command) {
        let Some(doc) = &self.doc else { return };
        let timeline = &doc.view.timeline;
        let current = self.selection.as_ref().map(|s| s.event);
        let next = if command == Command::SelectNext {
            timeline.next(current)
        } else {
            timeline.previous(current)
        };
        if let Some(i) = next {
            let id = doc.table().id(i).to_string();
            self.select(&id);
        }
    }

    /// Brings the selected event into view: its region for a region-level
    /// event, its shape for a line or an area, else its point, zoomed in to
    /// street level at least.
    pub(super) fn focus_selected(&mut self, fx: &mut Vec<Effect>) {
        let (Some(doc), Some(s)) = (&self.doc, &self.selection) else {
            return;
        };
        let index = &doc.view.markers;
        let Some(m) = index.of_event(s.event) else {
            return;
        };
        let marker = index.marker(doc.table(), m);
        let shape = doc
            .table()
            .geometry(marker.event)
            .filter(|g| !matches!(g, geo::Geometry::Point(_)))
            .and_then(|g| g.bounding_rect());
        let area = match &marker.shape {
            Shape::Region { code } => self
                .regions
                .get(code)
                .and_then(|r| r.outline.bounding_rect()),
            _ => shape,
        };
        fx.push(Effect::Camera(match area {
            Some(r) => {
                let b = BBox::of_rect(r);
                CameraMove::Fit {
                    sw: b.sw,
                    ne: b.ne,
                    min_zoom: 0.0,
                }
            }
            None => CameraMove::Approach {
                point: marker.point,
                min_zoom: FOCUS_ZOOM,
            },
        }));
    }

    /// Zooms into a cluster, or lists its events when they share one spot.
    fn open_cluster(&mut self, zoom: u8, cells: &[u64], fx: &mut Vec<Effect>) {
        let Some(doc) = &self.doc else { return };
        let index = &doc.view.markers;
        if index.cluster_splits(zoom, cells) {
            // The box of all their markers, one zoom level deeper at least.
            let Some((nw, se)) = index.bounds(doc.table(), zoom, cells) else {
                return;
            };
            fx.push(Effect::Camera(CameraMove::Fit {
                sw: unmercator([nw[0], se[1]]),
                ne: unmercator([se[0], nw[1]]),
                min_zoom: f64::from(zoom) + 1.0,
            }));
        } else {
            let mut events: Vec<usize> = cells
                .iter()
                .flat_map(|&c| index.members(zoom, c))
                .map(|m| index.event(m))
                .collect();
            events.sort_by_key(|&e| doc.view.timeline.time_rank[e]);
            self.listed = Some(events);
        }
    }

    /// Writes the events (all, or those shown in the map's view) to `path`,
    /// in the background.
    fn export(&mut self, path: PathBuf, only_shown: bool, fx: &mut Vec<Effect>) {
        let Some(doc) = &self.doc else {
            self.status = Status::NotExported("no data is open".into());
            return;
        };
        let Some(format) = Format::for_export(&path) else {
            self.status = Status::NotExported(format!(
                "name the file .geojson, .csv or .json to choose the format, or .timemap for a TimeMap folder ({})",
                path.display()
            ));
            return;
        };
        if formats::export::same_file(&doc.path, &path) {
            self.status =
                Status::NotExported("that is the file you opened; choose another name".into());
            return;
        }
        let keep: Vec<usize> = match (only_shown, self.viewport) {
            (true, Some(v)) => doc
                .view
                .events_in_view(doc.table(), v.center, v.zoom, v.size),
            (true, None) => {
                let mut shown: Vec<usize> = doc
                    .view
                    .timeline
                    .order
                    .iter()
                    .map(|&i| i as usize)
                    .collect();
                shown.sort_unstable();
                shown
            }
            (false, _) => (0..doc.store.len()).collect(),
        };
        self.status = Status::Note(format!("Exporting to {}…", path.display()));
        fx.push(Effect::Export {
            store: doc.store.clone(),
            keep,
            opened: Some(doc.path.clone()),
            path,
            format,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Exported;
    use crate::state::Viewport;
    use incident_map_core::model::LatLon;

    /// Opens a file of the repository and takes in its load, as the
    /// background would; the effects of taking it in.
    fn open(state: &mut AppState, rel: &str) -> Vec<Effect> {
        let fx = state.apply(Action::Open(crate::tests::repo(rel)));
        let [Effect::Load { job, path, .. }] = fx.as_slice() else {
            panic!("{fx:?}");
        };
        let outcome = crate::background::load(path, None, state.regions(), &Filter::default());
        state.apply(Done::Loaded {
            job: *job,
            path: path.clone(),
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
        let old_store = Arc::downgrade(&state.doc.as_ref().unwrap().store);
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

    #[test]
    fn a_finished_load_opens_the_file_and_frames_it() {
        let state = scenario();
        assert_eq!(state.store().unwrap().len(), 4);
        assert!(state.loading().is_none());
        assert_eq!(
            state
                .recent()
                .first()
                .map(|p| p.ends_with("moscow-march-2024.json")),
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
        state.apply(Action::Select("crocus-attack".into()));
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
        state.apply(Action::Select("no-such-event".into()));
        assert_eq!(state.selected_id(), Some("crocus-attack"));
        state.apply(Command::ClearSelection);
        assert_eq!(state.selected_id(), None);
        state.apply(Command::SelectNext);
        assert_eq!(state.selected_id(), Some("fsb-kaluga-operation"));
    }

    #[test]
    fn focusing_frames_a_region_and_approaches_a_point() {
        let mut state = scenario();
        state.apply(Action::Select("fsb-kaluga-operation".into()));
        match state.apply(Command::FocusSelected).as_slice() {
            [Effect::Camera(CameraMove::Fit { sw, ne, .. })] => {
                assert!(
                    sw.lat < 54.0 && ne.lat > 55.0,
                    "Kaluga Oblast whole: {sw:?} {ne:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        state.apply(Action::Select("crocus-attack".into()));
        match state.apply(Command::FocusSelected).as_slice() {
            [Effect::Camera(CameraMove::Approach { point, min_zoom })] => {
                assert!((point.lat - 55.8257).abs() < 1e-3);
                assert_eq!(*min_zoom, FOCUS_ZOOM);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hiding_a_category_rebuilds_the_views_off_thread_and_keeps_the_old_until_then() {
        let mut state = scenario();
        state.apply(Action::Select("crocus-attack".into()));
        let fx = state.apply(Action::Filter(FilterEdit::ToggleCategory("attack".into())));
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
        let view = Arc::new(ViewIndex::build(
            store.table(),
            Some(all_markers.clone()),
            state.regions(),
            filter,
            search,
            None,
        ));
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
        state.apply(Action::Select("crocus-attack".into()));
        assert_eq!(
            state.selected_id(),
            None,
            "hidden events cannot be selected"
        );
    }

    #[test]
    fn a_failed_load_keeps_the_data_and_lists_its_problems() {
        let mut state = scenario();
        let fx = state.apply(Action::Open(crate::tests::repo(
            "tests/files/bad/truncated.json",
        )));
        let [Effect::Load { job, path, .. }] = fx.as_slice() else {
            panic!()
        };
        let outcome = crate::background::load(path, None, state.regions(), &Filter::default());
        state.apply(Done::Loaded {
            job: *job,
            path: path.clone(),
            outcome: Box::new(outcome),
        });
        assert_eq!(state.store().unwrap().len(), 4);
        let problems = state.problems().expect("listed");
        assert!(!problems.opened);
        assert!(
            state
                .status()
                .to_string()
                .ends_with("was not opened: 1 errors. The data shown is unchanged.")
        );
        state.apply(Action::DismissProblems);
        assert!(state.problems().is_none());
        state.apply(Command::ShowProblems);
        assert!(state.problems().is_some(), "they can be listed again");
    }

    #[test]
    fn a_cancelled_or_replaced_load_reports_nothing() {
        let mut state = scenario();
        let fx = state.apply(Action::Open(crate::tests::repo(
            "tests/files/good/small.json",
        )));
        let [
            Effect::Load {
                job,
                path,
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
        let outcome = crate::background::load(path, None, state.regions(), &Filter::default());
        state.apply(Done::Loaded {
            job: *job,
            path: path.clone(),
            outcome: Box::new(outcome),
        });
        assert_eq!(state.store().unwrap().len(), 4, "nothing replaced");
    }

    #[test]
    fn export_checks_the_name_and_never_writes_over_the_open_file() {
        let mut state = scenario();
        state.apply(Action::Export {
            path: "out.txt".into(),
            only_shown: false,
        });
        assert!(
            state
                .status()
                .to_string()
                .contains("name the file .geojson")
        );
        let open = state.path().unwrap().to_path_buf();
        assert!(
            state
                .apply(Action::Export {
                    path: open,
                    only_shown: false,
                })
                .is_empty()
        );
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
            let fx = state.apply(Action::Export {
                path: name.into(),
                only_shown: false,
            });
            let [Effect::Export { format, .. }] = fx.as_slice() else {
                panic!("{fx:?}")
            };
            assert_eq!(*format, Format::TimeMap, "{name}");
        }
        let fx = state.apply(Action::Export {
            path: "shown.geojson".into(),
            only_shown: true,
        });
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
    fn stepping_moves_by_a_bin_or_by_a_windows_own_length() {
        let mut state = scenario();
        let edges = state.view().unwrap().histogram.edges.clone();
        // Playing with no window starts on the first bin (7 March, Moscow).
        state.apply(Command::PlayPause);
        assert!(state.playback().playing);
        assert_eq!(state.filter().window, Some((edges[0], edges[1] - 1)));
        state.apply(Action::Tick);
        assert_eq!(state.filter().window, Some((edges[1], edges[2] - 1)));
        state.apply(Command::PlayPause);
        // Half a day moves by half a day.
        let half = (edges[15], edges[15] + 43_199);
        state.apply(Action::Filter(FilterEdit::Window(Some(half))));
        state.apply(Command::StepForward);
        assert_eq!(
            state.filter().window,
            Some((half.0 + 43_200, half.1 + 43_200))
        );
        // Past the end: it stays, and playing stops there.
        state.apply(Command::PlayPause);
        state.apply(Action::Tick);
        assert!(!state.playback().playing);
        // Accumulating grows the window a bin at a time.
        state.apply(Action::Filter(FilterEdit::Window(Some((
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
        state.apply(Action::Filter(FilterEdit::Window(Some((
            edges[last],
            edges[last + 1] - 1,
        )))));
        state.apply(Command::StepForward);
        assert_eq!(state.filter().window, Some((edges[0], edges[1] - 1)));
    }
}

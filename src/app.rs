//! The window: [`IncidentMapApp`] lays out the panels, feeds what they and
//! the keys ask for (and what finished in the background) through the one
//! queue into [`AppState::apply`], and carries out the effects. Its frame
//! reads as a table of contents; the work is in the panels, the state and
//! the background jobs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::Ui;

use crate::action::{Action, Actions, Done, Effect, LensAction, Msg};
use crate::background::{self, Background};
use crate::bundle::Bundle;
use crate::command::Command;
use crate::map::tiles::Basemap;
use crate::map_image;
use crate::panels::cluster_list::ClusterList;
use crate::panels::context::ContextPanel;
use crate::panels::dialogs::{self, PasteSourceWindow};
use crate::panels::editor::EditorPanel;
use crate::panels::map::MapPanel;
use crate::panels::path_prompt::PathPrompt;
use crate::panels::place_finder::PlaceFinderWindow;
use crate::panels::problems::ProblemsWindow;
use crate::panels::review::ReviewWindow;
use crate::panels::shortcuts::ShortcutsWindow;
use crate::panels::status_bar::StatusBar;
use crate::panels::timeline::TimelinePanel;
use crate::panels::top_bar::TopBar;
use crate::recovery;
use crate::settings::{MapView, Settings};
use crate::state::AppState;
use incident_map_core::geography::RegionIndex;
use incident_map_core::origin::Origin;

pub struct IncidentMapApp {
    pub state: AppState,
    background: Background,
    top_bar: TopBar,
    status_bar: StatusBar,
    timeline: TimelinePanel,
    context: ContextPanel,
    map: MapPanel,
    problems: ProblemsWindow,
    cluster_list: ClusterList,
    shortcuts: ShortcutsWindow,
    place_finder: PlaceFinderWindow,
    path_prompt: PathPrompt,
    /// Clicks held back behind keys still on their way.
    click_hold: crate::typing::ClickHold,
    /// Letters typed after Ctrl+F before the field has the keyboard.
    type_ahead: crate::typing::TypeAhead,
    /// Where the plain keys act (the map, the timeline, the context, the
    /// lists), as drawn last frame.
    key_areas: crate::typing::KeyAreas,
    review: ReviewWindow,
    editor: EditorPanel,
    paste_source: PasteSourceWindow,
    /// Writes recovery copies of the work, in order.
    recovery: recovery::Writer,
    /// When playback last stepped (the window's clock, in seconds).
    last_tick: f64,
}

impl IncidentMapApp {
    /// The app on `file`, loaded before this returns (for rendering and
    /// tests), with the basemap at `basemap` (the bundled one if `None`).
    pub fn new(ctx: &egui::Context, file: &Path, basemap: Option<PathBuf>) -> Self {
        let mut app = Self::empty(ctx, basemap);
        let opened = match Origin::of_path(file) {
            Ok(origin) => app.state.apply(Action::open(origin)),
            Err(why) => app.state.apply(Action::Note(why)),
        };
        for effect in opened {
            match effect {
                Effect::Load {
                    job,
                    origin,
                    intent,
                    progress,
                    filter,
                } => {
                    let outcome =
                        background::load(&origin, Some(progress), app.state.regions(), &filter);
                    app.apply(
                        ctx,
                        Done::Loaded {
                            job,
                            origin,
                            intent,
                            outcome: Box::new(outcome),
                        },
                    );
                }
                other => app.run(ctx, vec![other]),
            }
        }
        // A clean start needs no message; problems keep theirs.
        if app.state.problems().is_none() {
            app.state.quiet();
        }
        app
    }

    /// The app with no data yet, loading `origin` in the background (as it
    /// starts from the desktop: a large file never holds up the window);
    /// `frame`: the map frames its data (not when the view of the last run
    /// is restored).
    pub fn loading(
        ctx: &egui::Context,
        origin: Origin,
        frame: bool,
        basemap: Option<PathBuf>,
    ) -> Self {
        let mut app = Self::empty(ctx, basemap);
        let mut fx = Vec::new();
        app.state.open(origin, frame, &mut fx);
        app.run(ctx, fx);
        app
    }

    fn empty(ctx: &egui::Context, basemap: Option<PathBuf>) -> Self {
        crate::fonts::install(ctx);
        let regions = Arc::new(RegionIndex::bundled());
        let chosen = basemap.filter(|p| !is_bundled_basemap(p));
        let tiles = match chosen.clone().map_or_else(bundled_basemap, Ok) {
            Ok(path) => Basemap::open(&path, ctx).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        IncidentMapApp {
            state: AppState::new(regions.clone()),
            background: Background::new(ctx, regions),
            top_bar: TopBar::new(chosen.as_ref()),
            status_bar: StatusBar,
            timeline: TimelinePanel::default(),
            context: ContextPanel::default(),
            map: MapPanel::new(tiles),
            problems: ProblemsWindow,
            cluster_list: ClusterList,
            shortcuts: ShortcutsWindow,
            place_finder: PlaceFinderWindow::default(),
            path_prompt: PathPrompt::default(),
            click_hold: Default::default(),
            type_ahead: Default::default(),
            review: ReviewWindow,
            editor: EditorPanel::default(),
            key_areas: crate::typing::KeyAreas::default(),
            paste_source: PasteSourceWindow::default(),
            recovery: recovery::Writer::default(),
            last_tick: f64::NEG_INFINITY,
        }
    }

    /// The map panel.
    pub fn map(&self) -> &MapPanel {
        &self.map
    }

    pub fn map_mut(&mut self) -> &mut MapPanel {
        &mut self.map
    }

    /// Applies a message now and carries out what it asks for.
    pub fn apply(&mut self, ctx: &egui::Context, msg: impl Into<Msg>) {
        let effects = self.state.apply(msg);
        self.run(ctx, effects);
    }

    /// The whole window, one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.state.begin_frame();
        self.take_finished(&ctx);
        // A text field, or the source being read, takes the plain keys; so
        // does a field about to take the keyboard (after Ctrl+F, the next
        // keys are the words searched for).
        let marks = self.state.marks();
        // An open menu takes the plain keys too: Escape closes it and
        // nothing else (the selection stays).
        let typing = ctx.egui_wants_keyboard_input()
            || egui::Popup::is_any_open(&ctx)
            || ctx.memory(|m| m.has_focus(crate::panels::reader::reader_id()))
            || marks.focus_search
            || marks.focus_place_finder;
        let mut actions = Actions::default();
        let here = self.key_areas.here(&ctx);
        self.key_areas.clear();
        let commands = Command::from_keys(&ctx, typing, here, self.state.reviewing());
        let opened = commands.iter().any(|c| c.opens_a_field());
        // (When a field already has the keyboard, it takes them itself.)
        if !ctx.egui_wants_keyboard_input() {
            let focusing = marks.focus_search || marks.focus_place_finder;
            ctx.input(|i| self.type_ahead.collect(&i.events, opened, focusing));
        }
        actions.extend(commands.into_iter().map(Action::Command));
        actions.extend(dropped_file(&ctx).map(Action::open));
        actions.extend(self.playback_tick(&ctx));
        egui::Panel::top("top").show(ui, |ui| {
            self.top_bar.ui(ui, &self.state, &mut actions);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            let (cursor, zoom) = (self.map.cursor(), self.map.zoom());
            self.status_bar.ui(ui, &self.state, cursor, zoom);
        });
        self.problems.ui(&ctx, &self.state, &mut actions);
        let list = self.cluster_list.ui(&ctx, &self.state, &mut actions);
        self.shortcuts.ui(&ctx, &self.state, &mut actions);
        self.place_finder.ui(&ctx, &self.state, &mut actions);
        self.path_prompt.ui(&ctx, &self.state, &mut actions);
        let review = self.review.ui(&ctx, &self.state, &mut actions);
        for r in [list, review].into_iter().flatten() {
            self.key_areas.add(r.layer_id, r.rect);
        }
        self.paste_source.ui(&ctx, &self.state, &mut actions);
        dialogs::unsaved(&ctx, &self.state, &mut actions);
        dialogs::recovery(&ctx, &self.state, &mut actions);
        // The window's close button asks first when work is unsaved.
        if ctx.input(|i| i.viewport().close_requested())
            && self.state.work().is_some_and(crate::state::Work::is_dirty)
            && self.state.unsaved_question().is_none()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            actions.push(Action::Command(Command::Quit));
        }
        if self.state.panels_shown() && self.state.document().is_some() {
            let timeline = egui::Panel::left("timeline")
                .default_size(340.0)
                .resizable(true)
                .show(ui, |ui| self.timeline.ui(ui, &self.state, &mut actions));
            self.key_areas
                .add(timeline.response.layer_id, timeline.response.rect);
            // The event editor, when open, docks above the context.
            let context = egui::Panel::right("context")
                .default_size(400.0)
                .resizable(true)
                .show(ui, |ui| {
                    self.editor.dock(ui, &self.state, &mut actions);
                    let below = ui.available_rect_before_wrap();
                    self.context.ui(ui, &self.state, &mut actions);
                    below
                });
            self.key_areas.add(context.response.layer_id, context.inner);
        } else if EditorPanel::is_open(&self.state) {
            egui::Panel::right("context")
                .default_size(400.0)
                .resizable(true)
                .show(ui, |ui| self.editor.dock(ui, &self.state, &mut actions));
        }
        let map = egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.map.ui(ui, &self.state, &mut actions));
        self.key_areas.add(map.response.layer_id, map.response.rect);
        for &(layer, rect) in self.map.overlays() {
            self.key_areas.add(layer, rect);
        }
        let asks = self.state.set_viewport(self.map.viewport());
        self.run(&ctx, asks);
        for action in actions.take() {
            self.apply(&ctx, action);
        }
        // The map glides without waiting for input.
        if self.map.is_moving() {
            ctx.request_repaint();
        }
    }

    /// Playback's next step, when it is due and the last one is shown (a
    /// step never outruns the view it asked for); keeps the frames coming.
    fn playback_tick(&mut self, ctx: &egui::Context) -> Option<Action> {
        let playback = self.state.playback();
        let now = ctx.input(|i| i.time);
        if !playback.playing {
            // The first step after Play waits its turn.
            self.last_tick = now;
            return None;
        }
        let period = 1.0 / f64::from(playback.speed.max(0.01));
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(period.min(0.05)));
        (self.state.view_is_current() && now - self.last_tick >= period).then(|| {
            self.last_tick = now;
            LensAction::Tick.into()
        })
    }

    /// What finished in the background since the last frame.
    fn take_finished(&mut self, ctx: &egui::Context) {
        for done in self.background.finished() {
            self.apply(ctx, done);
        }
    }

    /// Carries out what applying a message asked for.
    fn run(&mut self, ctx: &egui::Context, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Load {
                    job,
                    origin,
                    intent,
                    progress,
                    filter,
                } => self.background.load(job, origin, intent, progress, filter),
                Effect::OpenDialog => self.background.open_dialog(),
                Effect::ExportDialog => self.background.export_dialog(),
                Effect::Export {
                    store,
                    keep,
                    opened,
                    path,
                    format,
                } => self.background.export(store, keep, opened, path, format),
                Effect::PublishDialog => self.background.publish_dialog(),
                Effect::Publish { store, keep, path } => self.background.publish(store, keep, path),
                Effect::MapImage => self.save_map_image(ctx),
                Effect::RebuildView(job) => self.background.rebuild(job),
                Effect::Release(old) => self.background.release(old),
                Effect::IndexWords(store) => self.background.index_words(store),
                Effect::CommonWords(store) => self.background.common_words(&store),
                Effect::StopIndexing => self.background.stop_indexing(),
                Effect::UseBasemap(path) => {
                    let result = path
                        .map_or_else(bundled_basemap, Ok)
                        .and_then(|p| self.map.use_basemap(&p, ctx).map(|()| p));
                    self.apply(ctx, Done::Basemap(result));
                }
                Effect::SetOnline(on) => self.map.set_online(on, ctx),
                Effect::Camera(m) => self.map.move_camera(m),
                Effect::ReadGazetteer => self.background.read_gazetteer(),
                Effect::ReadEvents {
                    job,
                    ask,
                    gazetteer,
                } => self.background.read_events(job, *ask, gazetteer),
                Effect::SourceDialog => self.background.source_dialog(),
                Effect::ReadSource(path) => self.background.read_source(path),
                Effect::SaveDialog(name) => self.background.save_dialog(name),
                Effect::SaveWork { dataset, path } => self.background.save_work(*dataset, path),
                Effect::BuildWork {
                    job,
                    store,
                    filter,
                    select,
                } => {
                    self.background.build_work(job, store, filter, select);
                }
                Effect::Recovery(work) => {
                    if let Some(file) = self.state.recovery_file() {
                        self.recovery.write(file.to_path_buf(), work);
                    }
                }
                Effect::AskLive { live, ask, search } => {
                    self.background.ask_live(live, ask, search);
                }
                Effect::Title(title) => {
                    let title = if title.is_empty() {
                        "incident-map".to_string()
                    } else {
                        title
                    };
                    ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));
                }
                Effect::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            }
        }
    }

    /// Takes a screenshot; the map's part of it is saved when it arrives.
    fn save_map_image(&self, ctx: &egui::Context) {
        let (rect, ppp) = (self.map.rect(), ctx.pixels_per_point());
        let path = map_image::default_path();
        let reporter = self.background.reporter();
        let callback = egui::ScreenshotCallback::new(move |image| {
            reporter.send(Done::MapImage(map_image::save_map_image(
                &image, rect, ppp, &path,
            )));
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
    }

    /// What the app remembers for the next run.
    pub fn settings(&self) -> Settings {
        Settings {
            basemap: self
                .map
                .basemap_path()
                .filter(|p| !is_bundled_basemap(p))
                .cloned(),
            last_file: self
                .state
                .origin()
                .and_then(Origin::remembered)
                .map(PathBuf::from),
            recent: self
                .state
                .recent()
                .iter()
                .filter_map(Origin::remembered)
                .map(PathBuf::from)
                .collect(),
            map_view: self
                .map
                .destination()
                .map(|(center, zoom)| MapView::new(center, zoom)),
            panels_shown: self.state.panels_shown(),
            ..Settings::default()
        }
    }
}

/// A file dropped on the window, which opens like any other.
fn dropped_file(ctx: &egui::Context) -> Option<PathBuf> {
    ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .find_map(|f| (!f.path().as_os_str().is_empty()).then(|| f.path().to_path_buf()))
    })
}

/// The bundled basemap's path.
pub fn bundled_basemap() -> Result<PathBuf, String> {
    Bundle::get().map(Bundle::basemap)
}

/// The bundled scenario's data file.
pub fn bundled_scenario() -> Result<PathBuf, String> {
    Bundle::get().map(Bundle::scenario)
}

fn is_bundled_basemap(p: &Path) -> bool {
    bundled_basemap().is_ok_and(|b| b == p)
}

impl eframe::App for IncidentMapApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    /// A click right after typing waits for the keys still on their way
    /// (see [`crate::typing`]).
    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        let typing = ctx.egui_wants_keyboard_input();
        let now = std::time::Instant::now();
        if let Some(wait) = self.click_hold.frame(&mut raw_input.events, typing, now) {
            ctx.request_repaint_after(wait);
        }
        self.type_ahead.hand_on(&mut raw_input.events);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings().write(storage);
    }
}

/// Opens the window on `file`, or else the file opened last, or else the
/// bundled scenario.
pub fn run(file: Option<PathBuf>) -> eframe::Result {
    // walkers' HTTP client needs a TLS crypto provider; ring builds fast.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // eframe reads its settings file before the first frame: nothing there
    // may block the window or grow without end.
    let set_aside =
        eframe::storage_dir("incident-map").and_then(|d| crate::settings::guard_file(&d));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("incident-map")
            .with_inner_size([1280.0, 800.0])
            .with_drag_and_drop(true),
        renderer: eframe::Renderer::Wgpu,
        ..Default::default()
    };
    eframe::run_native(
        "incident-map",
        options,
        Box::new(move |cc| {
            walkers::install_renderer(cc.wgpu_render_state.as_ref());
            let (settings, note) = Settings::read(cc.storage);
            let basemap = settings.basemap.clone().filter(|p| p.exists());
            // The file (or table) opened last, when it can still be opened;
            // a table is asked for its password where libpq finds it.
            let last = settings
                .last_file
                .as_deref()
                .and_then(|p| Origin::of_path(p).ok())
                .filter(Origin::is_there);
            let origin = match file {
                Some(f) => Origin::of_path(&f)
                    .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?,
                None => match last.clone() {
                    Some(o) => o,
                    None => Origin::File(bundled_scenario()?),
                },
            };
            // The view of the last run, when the same data opens again.
            let view = settings.map_view.filter(|_| last.as_ref() == Some(&origin));
            let mut app = IncidentMapApp::loading(&cc.egui_ctx, origin, view.is_none(), basemap);
            if let Some(view) = view {
                app.map.look_at(view.center(), view.zoom);
            }
            if !settings.panels_shown {
                app.apply(&cc.egui_ctx, Command::TogglePanels);
            }
            app.state.remember_recent(
                settings
                    .recent
                    .iter()
                    .filter_map(|p| Origin::of_path(p).ok()),
            );
            // Work a crash left is offered; new work is kept there too.
            let place = recovery::place();
            let offer = place.as_deref().and_then(recovery::offer);
            app.state.set_recovery(place, offer);
            if let Some(note) = note.or(set_aside) {
                app.state.note(note);
            }
            Ok(Box::new(app))
        }),
    )
}

//! The desktop app: a thin egui layer over the core library.
//!
//! [`AppState`] holds everything the user works with; panels draw from it
//! and return [`Action`]s, which [`IncidentMapApp::apply`] carries out in one
//! place each frame, so a click on the map, a key and a menu are the same.

pub mod context_panel;
mod fonts;
pub mod loading;
pub mod map_view;
pub mod overlays;
pub mod render;
pub mod tiles;
pub mod timeline_panel;

use std::path::{Path, PathBuf};

use egui::{Key, Ui};

use crate::basemap;
use crate::formats;
use crate::geography::RegionIndex;
use crate::model::{Dataset, LatLon};
use map_view::MapView;
use tiles::Basemap;

/// Where the app's assets are: `$INCIDENT_MAP_ASSETS`, else `assets/` beside
/// the executable, else the source tree's `assets/` (for `cargo run`).
pub fn assets_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("INCIDENT_MAP_ASSETS") {
        return dir.into();
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("assets")))
        .filter(|d| d.join(basemap::BUNDLED_FILE).exists())
    {
        return dir;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")
}

/// The bundled scenario, opened when no file is given.
pub fn bundled_scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moscow-march-2024.json")
}

/// What the user does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Select(String),
    ClearSelection,
    /// Bring the selected event into view on the map.
    FocusSelected,
    /// Select the next or previous event in time.
    SelectNext,
    SelectPrevious,
    /// Show the selected event's passage with this index.
    ShowPassage(usize),
    ZoomIn,
    ZoomOut,
    FitToData,
    SetOnline(bool),
    UseBasemap(PathBuf),
    /// Save what the map shows as a PNG.
    ExportMapImage,
    /// Show or hide the timeline and context panels.
    TogglePanels,
    /// The pointer is over this event in one view; the others mark it.
    Hover(String),
    /// Load an incident file (in the background).
    Open(PathBuf),
    /// Ask for a file with the system's dialog.
    ShowOpenDialog,
    CancelLoad,
    /// A cluster on the map was clicked: zoom into it, or list its events
    /// when zooming cannot split it.
    OpenCluster {
        zoom: u8,
        cells: Vec<usize>,
    },
    /// Close the list of a cluster's events.
    CloseList,
    /// Write the events (all, or those in the map's view) to a file, in the
    /// format its extension names.
    Export {
        path: PathBuf,
        in_view_only: bool,
    },
    /// Ask where to export with the system's dialog.
    ShowExportDialog,
    /// Show or hide a category's events in every view.
    ToggleCategory(String),
    DismissProblems,
}

/// Everything the app shows, in one place.
pub struct AppState {
    pub dataset: Option<Dataset>,
    pub path: Option<PathBuf>,
    /// The box the map frames first and homes to: computed when a dataset is
    /// taken in, not per frame.
    pub home: (LatLon, LatLon),
    /// A message for the status bar (an error opening something).
    pub status: Option<String>,
    pub regions: RegionIndex,
    /// The selected event's id: it survives a reload when the ids match.
    pub selected: Option<String>,
    /// Which of the selected event's passages is shown.
    pub passage: usize,
    /// The timeline, the map's marker index and the event lookups, built
    /// once per dataset.
    pub index: loading::Indexes,
    /// Set for one frame when the selection changes, so the views scroll to it.
    pub scroll_to_selection: bool,
    /// The event under the pointer in the last frame, in whichever view.
    pub hovered: Option<String>,
    /// A file being loaded.
    pub loading: Option<loading::LoadJob>,
    /// Problems of the last file opened, until dismissed.
    pub problems: Option<loading::Problems>,
    /// Files opened recently, the latest first.
    pub recent: Vec<PathBuf>,
    /// The events of a cluster that zooming cannot split, listed to choose from.
    pub listed: Option<Vec<usize>>,
    /// Categories whose events are hidden in every view (and left out of
    /// an export of what is shown).
    pub hidden: std::collections::HashSet<String>,
}

impl AppState {
    /// Loads `path` now, on this thread (or starts empty and says why).
    pub fn open(path: &Path) -> AppState {
        let mut state = AppState::empty();
        state.finish_load(path.to_path_buf(), loading::load(path, None));
        // A clean start needs no message; problems keep theirs.
        if state.problems.is_none() {
            state.status = None;
        }
        state
    }

    /// No data yet.
    pub fn empty() -> AppState {
        let mut state = AppState {
            dataset: None,
            path: None,
            home: (LatLon { lat: 0.0, lon: 0.0 }, LatLon { lat: 0.0, lon: 0.0 }),
            status: None,
            regions: RegionIndex::bundled(),
            selected: None,
            passage: 0,
            index: loading::Indexes::default(),
            scroll_to_selection: false,
            hovered: None,
            loading: None,
            problems: None,
            recent: Vec::new(),
            listed: None,
            hidden: Default::default(),
        };
        state.home = state.compute_home();
        state
    }

    /// Takes in a finished load: the new data replaces the old only if it is
    /// fit to show. Says what happened in the status bar, and lists problems.
    /// True when data from another file than the one shown came in.
    pub fn finish_load(&mut self, path: PathBuf, result: loading::Outcome) -> bool {
        let (mut loaded, indexes) = match result {
            Ok(x) => x,
            Err(e) => {
                self.status = Some(format!("Not opened: {e}. The data shown is unchanged."));
                self.problems = Some(loading::Problems::message(path, e));
                return false;
            }
        };
        let (errors, warnings) = crate::diagnostic::count(&loaded.diagnostics);
        // Taken, not copied: a large dataset is not cloned on the UI thread.
        let usable = loaded.usable().is_some();
        match loaded.dataset.take().filter(|_| usable) {
            Some(ds) => {
                self.status = Some(format!(
                    "Opened {}: {} events{}",
                    path.display(),
                    ds.events.len(),
                    if errors + warnings > 0 {
                        format!(", {errors} errors, {warnings} warnings")
                    } else {
                        String::new()
                    }
                ));
                // The selection survives a reload when its event is still there.
                if self
                    .selected
                    .as_deref()
                    .is_some_and(|id| ds.event(id).is_none())
                {
                    self.selected = None;
                }
                let another = self.path.as_ref() != Some(&path);
                // A filter holds through a reload of the same file, not into another.
                if another {
                    self.hidden.clear();
                }
                self.index = match indexes {
                    Some(built) if self.hidden.is_empty() => built,
                    _ => loading::Indexes::build_filtered(&ds, &self.hidden),
                };
                self.listed = None;
                self.dataset = Some(ds);
                self.home = self.compute_home();
                self.recent.retain(|p| p != &path);
                self.recent.insert(0, path.clone());
                self.recent.truncate(10);
                self.path = Some(path.clone());
                self.problems = (!loaded.diagnostics.is_empty())
                    .then(|| loading::Problems::new(path, true, &loaded.diagnostics));
                another
            }
            None => {
                self.status = Some(format!(
                    "{} was not opened: {errors} errors. The data shown is unchanged.",
                    path.display()
                ));
                self.problems = Some(loading::Problems::new(path, false, &loaded.diagnostics));
                false
            }
        }
    }

    /// Rebuilds the views for the category filter; a selection it hides is cleared.
    pub fn refilter(&mut self) {
        let Some(ds) = &self.dataset else { return };
        self.index = loading::Indexes::build_filtered(ds, &self.hidden);
        self.listed = None;
        if let Some(e) = self
            .selected
            .as_deref()
            .and_then(|id| self.index.links.event(id))
            && self.index.timeline.position(e).is_none()
        {
            self.selected = None;
        }
        let shown = self.index.timeline.order.len();
        self.status = Some(if self.hidden.is_empty() {
            format!("All {shown} events shown")
        } else {
            format!(
                "{shown} of {} events shown (categories hidden: {})",
                ds.events.len(),
                self.hidden.len()
            )
        });
    }

    /// The box the map frames first: every event, with the whole region
    /// of region-level ones; Moscow and Kaluga Oblast when there is none.
    fn compute_home(&self) -> (LatLon, LatLon) {
        use geo::BoundingRect;
        let mut sw = LatLon {
            lat: 90.0,
            lon: 180.0,
        };
        let mut ne = LatLon {
            lat: -90.0,
            lon: -180.0,
        };
        let mut add = |p: LatLon| {
            sw = LatLon {
                lat: sw.lat.min(p.lat),
                lon: sw.lon.min(p.lon),
            };
            ne = LatLon {
                lat: ne.lat.max(p.lat),
                lon: ne.lon.max(p.lon),
            };
        };
        let markers = &self.index.markers;
        let regions: Vec<&str> = if markers.markers().is_empty() {
            vec!["RU-MOW", "RU-KLU"]
        } else {
            markers.regions().iter().map(|(c, _)| c.as_str()).collect()
        };
        for code in regions {
            if let Some(r) = self
                .regions
                .get(code)
                .and_then(|r| r.outline.bounding_rect())
            {
                add(LatLon {
                    lat: r.min().y,
                    lon: r.min().x,
                });
                add(LatLon {
                    lat: r.max().y,
                    lon: r.max().x,
                });
            }
        }
        markers.markers().iter().for_each(|m| add(m.point));
        if sw.lat > ne.lat {
            // Nothing to frame at all: the world.
            return (
                LatLon {
                    lat: -60.0,
                    lon: -170.0,
                },
                LatLon {
                    lat: 75.0,
                    lon: 170.0,
                },
            );
        }
        (sw, ne)
    }

    /// The box of the data alone (or the default frame when there is none).
    pub fn data_frame(&self) -> (LatLon, LatLon) {
        match self
            .dataset
            .as_ref()
            .map(crate::summary::Summary::of)
            .and_then(|s| s.bounds)
        {
            Some(b) => b,
            None => self.home,
        }
    }
}

/// The setting that keeps the chosen basemap between runs.
pub const BASEMAP_KEY: &str = "basemap_path";
/// The settings that keep the last file opened and the recent ones.
pub const LAST_FILE_KEY: &str = "last_file";
pub const RECENT_KEY: &str = "recent_files";
/// The setting that keeps the map's centre and zoom.
pub const MAP_VIEW_KEY: &str = "map_view";

pub struct IncidentMapApp {
    pub state: AppState,
    /// The system's file dialog, while it is open.
    dialog: Option<loading::FileDialog>,
    /// The path typed in the File menu.
    open_field: String,
    /// The export path typed in the File menu, and whether to export only what is in view.
    export_field: String,
    export_in_view: bool,
    save_dialog: Option<loading::SaveDialog>,
    pub map: MapView,
    /// Whether the timeline and context panels are shown beside the map.
    pub show_panels: bool,
    basemap_field: String,
    /// What became of map images being exported, as status messages.
    exports: (
        std::sync::mpsc::Sender<String>,
        std::sync::mpsc::Receiver<String>,
    ),
    /// The map's rectangle in the window, for cropping screenshots.
    map_rect: egui::Rect,
    /// The map view was restored from the last run: the file loading at
    /// start keeps it rather than framing its data.
    keep_view: bool,
}

impl IncidentMapApp {
    /// The app on `file`, with the basemap at `basemap_path` (the bundled one if `None`).
    pub fn new(ctx: &egui::Context, file: &Path, basemap_path: Option<PathBuf>) -> Self {
        Self::with_state(ctx, AppState::open(file), basemap_path)
    }

    /// The app with no data yet, loading `file` in the background (as it
    /// starts from the desktop: a large file never holds up the window).
    pub fn loading(ctx: &egui::Context, file: PathBuf, basemap_path: Option<PathBuf>) -> Self {
        let mut app = Self::with_state(ctx, AppState::empty(), basemap_path);
        app.apply(ctx, Action::Open(file));
        app
    }

    fn with_state(ctx: &egui::Context, state: AppState, basemap_path: Option<PathBuf>) -> Self {
        fonts::install(ctx);
        // The field shows a basemap the user chose; empty means the bundled one.
        let basemap_field = basemap_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let path = basemap_path.unwrap_or_else(|| assets_dir().join(basemap::BUNDLED_FILE));
        let map = MapView::new(Basemap::open(&path, ctx).map_err(|e| e.to_string()));
        IncidentMapApp {
            basemap_field,
            state,
            map,
            show_panels: true,
            dialog: None,
            open_field: String::new(),
            export_field: String::new(),
            export_in_view: false,
            save_dialog: None,
            exports: std::sync::mpsc::channel(),
            map_rect: egui::Rect::NOTHING,
            keep_view: false,
        }
    }

    /// Brings the selected event into view: its region for a region-level
    /// event, else its point, zoomed in at least to street level. The map
    /// glides there.
    fn focus_selected(&mut self) {
        use geo::BoundingRect;
        let index = &self.state.index;
        let Some(m) = self
            .state
            .selected
            .as_deref()
            .and_then(|id| index.links.event(id))
            .and_then(|e| index.markers.of_event(e))
        else {
            return;
        };
        let marker = &index.markers.markers()[m];
        // A region, a line or an area is framed whole; a point is come close to.
        let geometry = self.state.dataset.as_ref().and_then(|ds| {
            let g = ds.events[marker.event]
                .location
                .as_ref()?
                .geometry
                .as_ref()?;
            (!matches!(g, geo::Geometry::Point(_))).then(|| g.bounding_rect())?
        });
        let area = match &marker.shape {
            crate::markers::Shape::Region { code } => self
                .state
                .regions
                .get(code)
                .and_then(|r| r.outline.bounding_rect()),
            _ => geometry,
        };
        match area {
            Some(r) => self.map.fit(
                LatLon {
                    lat: r.min().y,
                    lon: r.min().x,
                },
                LatLon {
                    lat: r.max().y,
                    lon: r.max().x,
                },
            ),
            None => {
                let zoom = self.map.memory.zoom().max(12.0);
                self.map.fly_to(marker.point, zoom);
            }
        }
    }

    /// Writes the events (all, or those in view) to `path`; says what happened.
    fn export(&self, path: &Path, in_view_only: bool) -> String {
        use formats::Format;
        let Some(ds) = &self.state.dataset else {
            return "Nothing to export: no data is open".into();
        };
        let Some(format) = Format::from_extension(path).filter(|f| Format::WRITABLE.contains(f))
        else {
            return format!(
                "Not exported: name the file .geojson, .csv or .json to choose the format ({})",
                path.display()
            );
        };
        if self
            .state
            .path
            .as_deref()
            .is_some_and(|open| formats::export::same_file(open, path))
        {
            return "Not exported: that is the file you opened; choose another name".into();
        }
        let keep: Vec<usize> = if in_view_only {
            self.map
                .events_in_view(&self.state.index.markers, self.map_rect.size())
        } else {
            (0..ds.events.len()).collect()
        };
        let subset = formats::export::subset(ds, &keep);
        match formats::export::save(&subset, self.state.path.as_deref(), path, format) {
            Ok(()) => format!(
                "Exported {} of {} events to {} ({})",
                keep.len(),
                ds.events.len(),
                path.display(),
                format.name()
            ),
            Err(e) => format!("Not exported: {e}"),
        }
    }

    /// Zooms into a cluster, or lists its events when they share one spot.
    fn open_cluster(&mut self, zoom: u8, cells: &[usize]) {
        let index = &self.state.index.markers;
        let cells_of = || cells.iter().filter_map(|&c| index.cell(zoom, c));
        if index.cluster_splits(zoom, cells) {
            // The box of all their markers, one zoom level deeper at least.
            let Some((nw, se)) = cells_of().map(crate::markers::Cell::bounds).reduce(|a, b| {
                (
                    [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                    [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
                )
            }) else {
                return;
            };
            let (sw, ne) = (
                crate::markers::unmercator([nw[0], se[1]]),
                crate::markers::unmercator([se[0], nw[1]]),
            );
            self.map.fit_at_least(sw, ne, f64::from(zoom) + 1.0);
        } else {
            let mut events: Vec<usize> = cells_of()
                .flat_map(|c| index.members(c))
                .map(|m| m.event)
                .collect();
            events.sort_by_key(|&e| self.state.index.timeline.rank[e]);
            self.state.listed = Some(events);
        }
    }

    /// Carries out what the user asked for.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Select(id) => {
                if self.state.selected.as_deref() != Some(id.as_str()) {
                    self.state.passage = 0;
                }
                self.state.selected = Some(id);
                self.state.scroll_to_selection = true;
            }
            Action::ClearSelection => self.state.selected = None,
            Action::SelectNext | Action::SelectPrevious => {
                let Some(ds) = &self.state.dataset else {
                    return;
                };
                let current = self
                    .state
                    .selected
                    .as_deref()
                    .and_then(|id| self.state.index.links.event(id));
                let next = if action == Action::SelectNext {
                    self.state.index.timeline.next(current)
                } else {
                    self.state.index.timeline.previous(current)
                };
                if let Some(i) = next {
                    let id = ds.events[i].id.clone();
                    self.apply(ctx, Action::Select(id));
                }
            }
            Action::ShowPassage(n) => {
                self.state.passage = n;
                self.state.scroll_to_selection = true;
            }
            Action::FocusSelected => self.focus_selected(),
            Action::TogglePanels => self.show_panels = !self.show_panels,
            Action::Hover(id) => self.state.hovered = Some(id),
            Action::Open(path) => {
                self.state.status = Some(format!("Opening {}…", path.display()));
                self.state.loading = Some(loading::LoadJob::start(path, ctx));
            }
            Action::ShowOpenDialog => {
                if self.dialog.is_none() {
                    self.dialog = Some(loading::FileDialog::open(ctx));
                }
            }
            Action::CancelLoad => {
                // The thread stops at its next step; whatever it had is dropped.
                if let Some(job) = self.state.loading.take() {
                    job.cancel();
                    self.state.status = Some(format!("Stopped opening {}", job.path.display()));
                }
            }
            Action::DismissProblems => self.state.problems = None,
            Action::OpenCluster { zoom, cells } => self.open_cluster(zoom, &cells),
            Action::ToggleCategory(id) => {
                if !self.state.hidden.remove(&id) {
                    self.state.hidden.insert(id);
                }
                self.state.refilter();
            }
            Action::Export { path, in_view_only } => {
                self.state.status = Some(self.export(&path, in_view_only));
            }
            Action::ShowExportDialog => {
                if self.save_dialog.is_none() {
                    self.save_dialog = Some(loading::SaveDialog::open(ctx, "events.geojson"));
                }
            }
            Action::CloseList => self.state.listed = None,
            Action::ZoomIn => {
                self.map.stop_flight();
                let _ = self.map.memory.zoom_in();
            }
            Action::ZoomOut => {
                self.map.stop_flight();
                let _ = self.map.memory.zoom_out();
            }
            Action::FitToData => {
                let (sw, ne) = self.state.data_frame();
                self.map.fit(sw, ne);
            }
            Action::SetOnline(on) => {
                self.map.online = on.then(|| {
                    let cache = directories::ProjectDirs::from("", "", "incident-map")
                        .map(|d| d.cache_dir().join("tiles"));
                    tiles::openstreetmap(cache, ctx)
                });
            }
            Action::UseBasemap(path) => match Basemap::open(&path, ctx) {
                Ok(b) => {
                    self.map.basemap = Some(b);
                    self.map.basemap_error = None;
                    self.state.status = Some(format!("Basemap: {}", path.display()));
                }
                Err(e) => self.state.status = Some(format!("Basemap not changed: {e}")),
            },
            Action::ExportMapImage => {
                let dir = directories::UserDirs::new()
                    .and_then(|d| {
                        d.picture_dir()
                            .or(Some(d.home_dir()))
                            .map(Path::to_path_buf)
                    })
                    .unwrap_or_else(|| PathBuf::from("."));
                let stamp = jiff::ZonedDateTime::now().strftime("%Y%m%d-%H%M%S");
                let path = dir.join(format!("incident-map-{stamp}.png"));
                let (rect, ppp) = (self.map_rect, ctx.pixels_per_point());
                let (tx, repaint) = (self.exports.0.clone(), ctx.clone());
                let callback = egui::ScreenshotCallback::new(move |image| {
                    let _ = tx.send(save_map_image(&image, rect, ppp, &path));
                    repaint.request_repaint();
                });
                ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
            }
        }
    }

    /// The whole window.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        while let Ok(message) = self.exports.1.try_recv() {
            self.state.status = Some(message);
        }
        if let Some(result) = self.state.loading.as_ref().and_then(|job| job.finished()) {
            let job = self.state.loading.take().expect("a job just finished");
            // Data from another file is framed, unless the view was restored for it.
            if self.state.finish_load(job.path, result) && !std::mem::take(&mut self.keep_view) {
                let (sw, ne) = self.state.home;
                self.map.fit(sw, ne);
            }
        }
        let mut opened = None;
        if let Some(choice) = self.dialog.as_ref().and_then(|d| d.closed()) {
            self.dialog = None;
            match choice {
                Some(path) => opened = Some(path),
                None => {
                    self.state.status = Some(
                        "No file chosen (type its path in File instead if no dialog appeared)"
                            .into(),
                    )
                }
            }
        }
        if let Some(choice) = self.save_dialog.as_ref().and_then(|d| d.closed()) {
            self.save_dialog = None;
            if let Some(path) = choice {
                self.export_field = path.display().to_string();
                let in_view_only = self.export_in_view;
                self.apply(&ctx, Action::Export { path, in_view_only });
            }
        }
        // A file dropped on the window opens like any other.
        opened = opened.or_else(|| {
            ctx.input(|i| {
                i.raw.dropped_files.iter().find_map(|f| {
                    (!f.path().as_os_str().is_empty()).then(|| f.path().to_path_buf())
                })
            })
        });
        let mut actions = keyboard_actions(&ctx);
        actions.extend(opened.map(Action::Open));
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("incident-map");
                // Closes on a click outside it, not in it: it holds a text field.
                let config = egui::containers::menu::MenuConfig::new()
                    .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
                egui::containers::menu::MenuButton::new("File").config(config).ui(ui, |ui| {
                    let mut export_now = false;
                    if ui.button("Open… (Ctrl+O)").clicked() {
                        actions.push(Action::ShowOpenDialog);
                        ui.close();
                    }
                    ui.horizontal(|ui| {
                        let entered = path_field(ui, "File path:", &mut self.open_field, 280.0, "");
                        let load = ui.button("Load").clicked() || entered;
                        if load && !self.open_field.trim().is_empty() {
                            actions.push(Action::Open(PathBuf::from(self.open_field.trim())));
                            ui.close();
                        }
                    });
                    ui.separator();
                    ui.label("Export (GeoJSON, CSV or incident-map JSON, by extension)");
                    ui.horizontal(|ui| {
                        export_now = path_field(
                            ui,
                            "Export to:",
                            &mut self.export_field,
                            240.0,
                            "events.geojson",
                        );
                        if ui.button("Choose…").clicked() {
                            actions.push(Action::ShowExportDialog);
                        }
                    });
                    ui.checkbox(
                        &mut self.export_in_view,
                        "Only the events shown: in the map's view, categories not hidden",
                    );
                    export_now |= ui.button("Export").clicked();
                    if export_now && !self.export_field.trim().is_empty() {
                        actions.push(Action::Export {
                            path: PathBuf::from(self.export_field.trim()),
                            in_view_only: self.export_in_view,
                        });
                        ui.close();
                    }
                    if !self.state.recent.is_empty() {
                        ui.separator();
                        ui.label("Recent");
                        for path in &self.state.recent {
                            if ui.button(path.display().to_string()).clicked() {
                                actions.push(Action::Open(path.clone()));
                                ui.close();
                            }
                        }
                    }
                });
                if let Some(job) = &self.state.loading {
                    ui.spinner();
                    let name = job.path.file_name().unwrap_or_default().to_string_lossy();
                    ui.label(format!("Opening {name}: {}", job.progress.describe()))
                        .on_hover_text(job.path.display().to_string());
                    if let Some(f) = job.progress.fraction_read() {
                        ui.add(egui::ProgressBar::new(f).desired_width(120.0));
                    }
                    // Keep the progress moving on screen.
                    ctx.request_repaint_after(std::time::Duration::from_millis(100));
                    if ui.button("Cancel").clicked() {
                        actions.push(Action::CancelLoad);
                    }
                }
                ui.separator();
                let mut online = self.map.online.is_some();
                if ui
                    .checkbox(&mut online, "OpenStreetMap (online)")
                    .on_hover_text("Draw OpenStreetMap's tiles over the offline basemap. Off by default: it asks a tile server for the places you look at.")
                    .changed()
                {
                    actions.push(Action::SetOnline(online));
                }
                ui.separator();
                let entered = path_field(
                    ui,
                    "Basemap:",
                    &mut self.basemap_field,
                    260.0,
                    "bundled; or the path of a .pmtiles file",
                );
                let used = ui
                    .button("Use")
                    .on_hover_text("Switch to this PMTiles archive (raster or vector)")
                    .clicked();
                if used || entered {
                    let field = self.basemap_field.trim();
                    let path = if field.is_empty() {
                        assets_dir().join(basemap::BUNDLED_FILE)
                    } else {
                        PathBuf::from(field)
                    };
                    actions.push(Action::UseBasemap(path));
                }
                ui.separator();
                if ui
                    .button("Export map image")
                    .on_hover_text("Save what the map shows as a PNG in your Pictures folder (Ctrl+E)")
                    .clicked()
                {
                    actions.push(Action::ExportMapImage);
                }
                // The title takes what room is left, cut short if need be.
                if let Some(ds) = &self.state.dataset {
                    ui.separator();
                    ui.add(egui::Label::new(&ds.title).truncate());
                }
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                match self.map.cursor {
                    Some(c) => ui.monospace(format!("{:.5}, {:.5}", c.lat, c.lon)),
                    None => ui.monospace("—"),
                };
                ui.separator();
                ui.label(format!("zoom {:.1}", self.map.memory.zoom()));
                if let Some(s) = &self.state.status {
                    ui.separator();
                    ui.label(s);
                }
            });
        });
        if let Some(problems) = &self.state.problems {
            let title = if problems.opened {
                "Problems found (the file was opened)"
            } else {
                "The file was not opened"
            };
            egui::Window::new(title)
                .default_width(560.0)
                // Above the map's legend and buttons, which are areas too.
                .order(egui::Order::Foreground)
                .show(&ctx, |ui| {
                    ui.label(problems.path.display().to_string());
                    if !problems.opened {
                        ui.label(
                            "The data on screen is unchanged. Fix these and open the file again:",
                        );
                    }
                    let mut text = problems.shown.as_str();
                    egui::ScrollArea::vertical()
                        .max_height(320.0)
                        .show(ui, |ui| {
                            ui.add(
                                egui::TextEdit::multiline(&mut text)
                                    .code_editor()
                                    .desired_width(f32::INFINITY),
                            );
                        });
                    ui.horizontal(|ui| {
                        if ui.button("Copy all").clicked() {
                            ui.ctx().copy_text(problems.text.clone());
                        }
                        if ui.button("Close").clicked() {
                            actions.push(Action::DismissProblems);
                        }
                    });
                });
        }
        if let (Some(list), Some(ds)) = (&self.state.listed, &self.state.dataset) {
            egui::Window::new(format!("{} events at one spot", list.len()))
                .default_width(380.0)
                // Above the map's legend and buttons, which are areas too.
                .order(egui::Order::Foreground)
                .show(&ctx, |ui| {
                    let selected = self.state.selected.as_deref();
                    let labels = &self.state.index.timeline.labels;
                    let height = ui.text_style_height(&egui::TextStyle::Button) + 4.0;
                    egui::ScrollArea::vertical().max_height(360.0).show_rows(
                        ui,
                        height,
                        list.len(),
                        |ui, rows| {
                            for &i in &list[rows] {
                                let e = &ds.events[i];
                                let text = format!("{} ({})", e.title, labels[i]);
                                if ui
                                    .selectable_label(selected == Some(e.id.as_str()), text)
                                    .clicked()
                                {
                                    actions.push(Action::Select(e.id.clone()));
                                }
                            }
                        },
                    );
                    if ui.button("Close").clicked() {
                        actions.push(Action::CloseList);
                    }
                });
        }
        let scroll = std::mem::take(&mut self.state.scroll_to_selection);
        // What was hovered last frame is marked this frame; views report anew.
        let hovered = self.state.hovered.take();
        if let (Some(ds), true) = (&self.state.dataset, self.show_panels) {
            let selected = self.state.selected.as_deref();
            egui::Panel::left("timeline")
                .default_size(300.0)
                .resizable(true)
                .show(ui, |ui| {
                    timeline_panel::show(
                        ui,
                        ds,
                        &self.state.index,
                        timeline_panel::Marks {
                            selected,
                            hovered: hovered.as_deref(),
                            scroll,
                        },
                        &mut actions,
                    );
                });
            egui::Panel::right("context")
                .default_size(400.0)
                .resizable(true)
                .show(ui, |ui| {
                    let (index, regions, passage) =
                        (&self.state.index, &self.state.regions, self.state.passage);
                    context_panel::show(
                        ui,
                        ds,
                        index,
                        regions,
                        selected,
                        passage,
                        scroll,
                        &mut actions,
                    );
                });
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                let frame = self.state.home;
                let links = &self.state.index.links;
                let selected = self
                    .state
                    .selected
                    .as_deref()
                    .and_then(|id| links.event(id));
                let hovered = hovered.as_deref().and_then(|id| links.event(id));
                self.map_rect = ui.available_rect_before_wrap();
                let data = self
                    .state
                    .dataset
                    .as_ref()
                    .map(|ds| (ds, &self.state.index.markers));
                actions.extend(self.map.ui(
                    ui,
                    data,
                    &self.state.regions,
                    selected,
                    hovered,
                    frame,
                ));
            });
        self.map.legend = self.state.dataset.as_ref().and_then(|ds| {
            map_view::legend(ui, ds, &self.state.hidden, self.map_rect, &mut actions)
        });
        for action in actions {
            self.apply(&ctx, action);
        }
        // An action may have started the map moving: draw the next frame now,
        // not at the next input.
        if self.map.is_moving() {
            ctx.request_repaint();
        }
    }
}

/// "responds to" → "Responds to".
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Crops a window screenshot to the map, saves it as a PNG (atomically), and
/// says what happened.
fn save_map_image(image: &egui::ColorImage, map: egui::Rect, ppp: f32, path: &Path) -> String {
    // The part of the map that is on the screenshot, in points.
    let [w, h] = image.size;
    let shot = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / ppp);
    let map = map.intersect(shot);
    if !map.is_positive() {
        return "Map image not saved: the map is not on screen".to_string();
    }
    let region = image.region(&map, Some(ppp));
    let rgba: Vec<u8> = region.pixels.iter().flat_map(|c| c.to_array()).collect();
    let [w, h] = region.size;
    let png = image::RgbaImage::from_raw(w as u32, h as u32, rgba).and_then(|img| {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .ok()?;
        Some(out)
    });
    match png.map(|png| formats::save_atomic(path, &png)) {
        Some(Ok(())) => format!("Map image saved to {}", path.display()),
        Some(Err(e)) => format!("Map image not saved: cannot write {}: {e}", path.display()),
        None => "Map image not saved: the screenshot could not be encoded".to_string(),
    }
}

/// Keys: + and − zoom, 0 fits the data, ↑/↓ or K/J walk the events in time,
/// Enter brings the selected one into view, Esc clears the selection, P shows
/// or hides the panels, Ctrl+E exports the map image.
fn keyboard_actions(ctx: &egui::Context) -> Vec<Action> {
    if ctx.egui_wants_keyboard_input() {
        return Vec::new();
    }
    ctx.input(|i| {
        let mut out = Vec::new();
        if i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals) {
            out.push(Action::ZoomIn);
        }
        if i.key_pressed(Key::Minus) {
            out.push(Action::ZoomOut);
        }
        if i.key_pressed(Key::Num0) {
            out.push(Action::FitToData);
        }
        if i.key_pressed(Key::Escape) {
            out.push(Action::ClearSelection);
        }
        if i.key_pressed(Key::ArrowDown) || i.key_pressed(Key::J) {
            out.push(Action::SelectNext);
        }
        if i.key_pressed(Key::ArrowUp) || i.key_pressed(Key::K) {
            out.push(Action::SelectPrevious);
        }
        if i.key_pressed(Key::Enter) {
            out.push(Action::FocusSelected);
        }
        if i.key_pressed(Key::P) {
            out.push(Action::TogglePanels);
        }
        if i.modifiers.command && i.key_pressed(Key::E) {
            out.push(Action::ExportMapImage);
        }
        if i.modifiers.command && i.key_pressed(Key::O) {
            out.push(Action::ShowOpenDialog);
        }
        out
    })
}

impl eframe::App for IncidentMapApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(b) = &self.map.basemap {
            // The bundled basemap is the default, not a choice to remember
            // (an empty setting means it).
            let bundled = b.path == assets_dir().join(basemap::BUNDLED_FILE);
            let value = if bundled {
                String::new()
            } else {
                b.path.display().to_string()
            };
            storage.set_string(BASEMAP_KEY, value);
        }
        if let Some(p) = &self.state.path {
            storage.set_string(LAST_FILE_KEY, p.display().to_string());
        }
        let recent: Vec<String> = self
            .state
            .recent
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        storage.set_string(RECENT_KEY, recent.join("\n"));
        if let Some((center, zoom)) = self.map.destination() {
            storage.set_string(
                MAP_VIEW_KEY,
                format!("{} {} {zoom}", center.lat, center.lon),
            );
        }
    }
}

/// "55.75 37.61 12.5" → centre and zoom; `None` if it is not that.
pub fn parse_view(s: &str) -> Option<(LatLon, f64)> {
    let mut it = s.split_whitespace().map(str::parse::<f64>);
    let (lat, lon, zoom) = (it.next()?.ok()?, it.next()?.ok()?, it.next()?.ok()?);
    let ok = (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && (0.0..=22.0).contains(&zoom)
        && it.next().is_none();
    ok.then_some((LatLon { lat, lon }, zoom))
}

/// Opens the window on `file`, or else the file opened last, or else the
/// bundled scenario.
pub fn run(file: Option<PathBuf>) -> eframe::Result {
    // walkers' HTTP client needs a TLS crypto provider; ring builds fast.
    let _ = rustls::crypto::ring::default_provider().install_default();
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
            let setting = |key: &str| cc.storage.and_then(|s| s.get_string(key));
            let remembered = setting(BASEMAP_KEY)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .filter(|p| p.exists() && *p != assets_dir().join(basemap::BUNDLED_FILE));
            let last = setting(LAST_FILE_KEY)
                .map(PathBuf::from)
                .filter(|p| p.exists());
            let file = file.or(last.clone()).unwrap_or_else(bundled_scenario);
            let same_file = last.as_ref() == Some(&file);
            let mut app = IncidentMapApp::loading(&cc.egui_ctx, file, remembered);
            // The view of the last run, when the same file opens again.
            if let Some((center, zoom)) = setting(MAP_VIEW_KEY)
                .and_then(|v| parse_view(&v))
                .filter(|_| same_file)
            {
                app.map.look_at(center, zoom);
                app.keep_view = true;
            }
            for p in setting(RECENT_KEY)
                .unwrap_or_default()
                .lines()
                .map(PathBuf::from)
            {
                if !app.state.recent.contains(&p) {
                    app.state.recent.push(p);
                }
            }
            app.state.recent.truncate(10);
            Ok(Box::new(app))
        }),
    )
}

/// A labelled one-line field for a path; returns whether Enter was pressed
/// in it, which submits it as its button does.
fn path_field(ui: &mut Ui, label: &str, text: &mut String, width: f32, hint: &str) -> bool {
    let label = ui.label(label);
    let field = ui
        .add(
            egui::TextEdit::singleline(text)
                .desired_width(width)
                .hint_text(hint),
        )
        .labelled_by(label.id);
    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_map_view_is_read_back_or_ignored() {
        let (c, z) = parse_view("55.75 37.61 12.5").unwrap();
        assert_eq!((c.lat, c.lon, z), (55.75, 37.61, 12.5));
        for bad in ["", "55.75 37.61", "95 37 3", "55 37 40", "a b c", "1 2 3 4"] {
            assert_eq!(parse_view(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn saving_a_map_image_crops_to_the_map_and_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.png");
        let shot = egui::ColorImage::new([200, 100], vec![egui::Color32::RED; 200 * 100]);
        let map = egui::Rect::from_min_max(egui::pos2(10.0, 20.0), egui::pos2(110.0, 70.0));
        let message = save_map_image(&shot, map, 1.0, &path);
        assert!(message.starts_with("Map image saved to"), "{message}");
        let saved = image::open(&path).unwrap();
        assert_eq!((saved.width(), saved.height()), (100, 50));
        // A map partly off the screenshot is cut to what is on it; one wholly off, or
        // no map at all, is a message, not a panic.
        let message = save_map_image(
            &shot,
            egui::Rect::from_min_max(egui::pos2(150.0, 50.0), egui::pos2(400.0, 400.0)),
            1.0,
            &path,
        );
        assert!(message.starts_with("Map image saved"), "{message}");
        assert_eq!(image::open(&path).unwrap().width(), 50);
        for rect in [
            egui::Rect::NOTHING,
            egui::Rect::from_min_max(egui::pos2(300.0, 0.0), egui::pos2(400.0, 50.0)),
        ] {
            assert_eq!(
                save_map_image(&shot, rect, 1.0, &path),
                "Map image not saved: the map is not on screen"
            );
        }
        let message = save_map_image(&shot, map, 1.0, &dir.path().join("no/such/dir/map.png"));
        assert!(
            message.starts_with("Map image not saved: cannot write"),
            "{message}"
        );
    }
}

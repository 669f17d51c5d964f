//! The map as a PNG, without a display: the app's own UI, drawn offscreen by
//! wgpu on whatever adapter the machine has (Mesa's lavapipe or llvmpipe on a
//! headless machine). `incident-map render` and the snapshot tests use it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::wgpu::{WgpuTestRenderer, create_render_state, default_wgpu_setup};

use crate::action::LensAction;
use crate::app::IncidentMapApp;
use crate::command::Command;
use incident_map_core::filter::{Filter, FilterSpec};
use incident_map_core::model::LatLon;

/// The app in an offscreen window, ready to render views of its map.
pub struct OffscreenMap {
    harness: Harness<'static, Option<IncidentMapApp>>,
    /// Longest to wait for tiles to load.
    pub timeout: Duration,
}

impl OffscreenMap {
    /// The app on `file` (with the basemap at `basemap`, or the bundled one)
    /// in a window of `size` pixels.
    pub fn new(file: &Path, basemap: Option<PathBuf>, size: (u32, u32)) -> Self {
        let render_state = create_render_state(
            default_wgpu_setup(),
            egui_wgpu::RendererOptions::PREDICTABLE,
        );
        walkers::install_renderer(Some(&render_state));
        let mut harness: Harness<'static, Option<IncidentMapApp>> = Harness::builder()
            .with_size(egui::vec2(size.0 as f32, size.1 as f32))
            .with_pixels_per_point(1.0)
            .renderer(WgpuTestRenderer::from_render_state(render_state))
            .build_ui_state(
                |ui, app: &mut Option<IncidentMapApp>| {
                    if let Some(app) = app {
                        app.show(ui);
                    }
                },
                None,
            );
        let app = IncidentMapApp::new(&harness.ctx, file, basemap);
        *harness.state_mut() = Some(app);
        OffscreenMap {
            harness,
            timeout: Duration::from_secs(30),
        }
    }

    /// Shows the map alone, without the timeline and context panels.
    pub fn map_only(mut self) -> Self {
        let ctx = self.ctx();
        if self.app().state.panels_shown() {
            self.app().apply(&ctx, Command::TogglePanels);
        }
        self
    }

    /// Lets the first view frame the data (all of it: a filter applied
    /// after keeps the same view, as frames of a playback do).
    pub fn settle(&mut self) {
        for _ in 0..200 {
            self.harness.step();
            if !self.app().map().is_moving() {
                break;
            }
        }
    }

    /// Shows what `filter` shows, once the views are rebuilt for it.
    pub fn show(&mut self, filter: Filter) -> Result<(), String> {
        let ctx = self.ctx();
        self.app().apply(&ctx, LensAction::SetFilter(filter));
        let start = Instant::now();
        while !self.app().state.view_is_current() {
            self.harness.step();
            if start.elapsed() > self.timeout {
                return Err(format!(
                    "the filter was still being applied after {:?}",
                    self.timeout
                ));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Ok(())
    }

    /// The test harness driving the window, to click and type in it.
    pub fn harness(&mut self) -> &mut Harness<'static, Option<IncidentMapApp>> {
        &mut self.harness
    }

    /// The egui context the app runs in.
    pub fn ctx(&self) -> egui::Context {
        self.harness.ctx.clone()
    }

    /// The app, to inspect or drive it.
    pub fn app(&mut self) -> &mut IncidentMapApp {
        self.harness
            .state_mut()
            .as_mut()
            .expect("the app is set in new")
    }

    /// Renders the window looking at `view` (centre and zoom), or at the
    /// app's first view, once no tile of the offline basemap is loading (an
    /// online layer is drawn with whatever tiles it has by then).
    pub fn render(&mut self, view: Option<(LatLon, f64)>) -> Result<image::RgbaImage, String> {
        if let Some((center, zoom)) = view {
            self.app().map_mut().look_at(center, zoom);
        }
        let start = Instant::now();
        let mut quiet_frames = 0;
        // Tiles load on background threads and enter the cache a few per
        // frame: step until none has been loading for a while.
        while quiet_frames < 40 {
            self.harness.step();
            let loading = self.app().map().basemap_loading();
            quiet_frames = if loading == 0 { quiet_frames + 1 } else { 0 };
            if start.elapsed() > self.timeout {
                return Err(format!("tiles were still loading after {:?}", self.timeout));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.harness.render()
    }
}

/// What to render, for `incident-map render`.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// The incident file to show.
    pub file: PathBuf,
    /// The basemap archive; the bundled one if `None`.
    pub basemap: Option<PathBuf>,
    /// Where to look; the app's first view if `None`.
    pub view: Option<(LatLon, f64)>,
    /// The image size in pixels.
    pub size: (u32, u32),
    /// What is shown, as the command line asks (checked once the file is open).
    pub filter: FilterSpec,
}

impl RenderRequest {
    pub fn new(file: PathBuf) -> Self {
        RenderRequest {
            file,
            basemap: None,
            view: None,
            size: (1280, 800),
            filter: FilterSpec::default(),
        }
    }
}

/// Renders one view of the map alone.
/// `Err` when the basemap or the incident file cannot be used, or the
/// filter does not fit the file: an image of the failure is no image of the map.
pub fn render(request: &RenderRequest) -> Result<image::RgbaImage, String> {
    let (mut map, filter) = open(request)?;
    map.settle();
    map.show(filter)?;
    map.render(request.view)
}

/// Renders a frame per `step` of time through the filter's window (or the
/// data's days), each showing that step, or everything up to it when
/// `accumulate`, from one view of the map: what playback shows. Each frame
/// goes to `write` as it is made; returns how many there were.
pub fn render_frames(
    request: &RenderRequest,
    step: jiff::Span,
    accumulate: bool,
    max_frames: usize,
    mut write: impl FnMut(usize, &image::RgbaImage) -> Result<(), String>,
) -> Result<usize, String> {
    let (mut map, filter) = open(request)?;
    let Some(table) = map
        .app()
        .state
        .table()
        .map(|t| (t.tz().clone(), first_last_day(t)))
    else {
        return Err("no data is open".into());
    };
    let (tz, span) = table;
    let Some((first, last)) = request.filter.from.zip(request.filter.to).or_else(|| {
        span.map(|(a, b)| {
            (
                request.filter.from.unwrap_or(a),
                request.filter.to.unwrap_or(b),
            )
        })
    }) else {
        return Err("no event has a date, so there is no time to step through".into());
    };
    let start = first
        .to_zoned_datetime(tz.clone())
        .map_err(|e| format!("the first day: {e}"))?;
    let end = last
        .tomorrow()
        .and_then(|d| d.to_zoned_datetime(tz.clone()))
        .map_err(|e| format!("the last day: {e}"))?
        .timestamp()
        .as_second();
    map.settle();
    let mut at = start.clone();
    let mut k = 0;
    while at.timestamp().as_second() < end {
        if k == max_frames {
            return Err(format!(
                "more than {max_frames} frames: choose a longer --step or a shorter window"
            ));
        }
        let next = at
            .checked_add(step)
            .map_err(|e| format!("stepping on: {e}"))?;
        let from = if accumulate { &start } else { &at };
        let mut f = filter.clone();
        f.window = Some((
            from.timestamp().as_second(),
            next.timestamp().as_second().min(end) - 1,
        ));
        map.show(f)?;
        let image = map.render(request.view)?;
        write(k, &image)?;
        k += 1;
        at = next;
    }
    Ok(k)
}

/// The first and last day of the data's dated events, in its zone.
fn first_last_day(
    table: &incident_map_core::store::EventTable,
) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
    let tz = table.tz().clone();
    let (a, b) = (0..table.len())
        .map(|i| table.time(i))
        .filter(|t| t.is_dated())
        .fold(None, |acc: Option<(i64, i64)>, t| {
            Some(acc.map_or((t.start, t.end), |(a, b)| (a.min(t.start), b.max(t.end))))
        })?;
    let day = |s: i64| {
        jiff::Timestamp::from_second(s)
            .ok()
            .map(|t| t.to_zoned_datetime(tz.clone()).date())
    };
    Some((day(a)?, day(b)?))
}

/// The app on the request's file, map alone, and the filter it asks for.
fn open(request: &RenderRequest) -> Result<(OffscreenMap, Filter), String> {
    if let Some(path) = &request.basemap {
        incident_map_core::basemap::Archive::open(path).map_err(|e| e.to_string())?;
    }
    let mut map = OffscreenMap::new(&request.file, request.basemap.clone(), request.size);
    let state = &map.app().state;
    let asked = incident_map_core::origin::Origin::of_path(&request.file)?;
    if state.origin() != Some(&asked) {
        return Err(format!(
            "{} was not opened: {}",
            request.file.display(),
            state.status()
        ));
    }
    let table = state.table().ok_or("no data is open")?;
    let filter = request.filter.to_filter(table)?;
    // A letter no bundled font has is drawn as a box, as in the app, not a
    // failure (the tests' harness fails on one, to catch it in our own text).
    map.ctx()
        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
    Ok((map.map_only(), filter))
}

//! The map as a PNG, without a display: the app's own UI, drawn offscreen by
//! wgpu on whatever adapter the machine has (Mesa's lavapipe or llvmpipe on a
//! headless machine). `incident-map render` and the snapshot tests use it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::wgpu::{WgpuTestRenderer, create_render_state, default_wgpu_setup};

use crate::app::IncidentMapApp;
use crate::command::Command;
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
}

impl RenderRequest {
    pub fn new(file: PathBuf) -> Self {
        RenderRequest {
            file,
            basemap: None,
            view: None,
            size: (1280, 800),
        }
    }
}

/// Renders one view of the map alone.
/// `Err` when the basemap or the incident file cannot be used: an image of
/// the failure is no image of the map.
pub fn render(request: &RenderRequest) -> Result<image::RgbaImage, String> {
    if let Some(path) = &request.basemap {
        incident_map_core::basemap::Archive::open(path).map_err(|e| e.to_string())?;
    }
    let mut map = OffscreenMap::new(&request.file, request.basemap.clone(), request.size);
    let state = &map.app().state;
    if state.path() != Some(request.file.as_path()) {
        return Err(format!(
            "{} was not opened: {}",
            request.file.display(),
            state.status()
        ));
    }
    map.map_only().render(request.view)
}

//! The map as a PNG, without a display: the app's own UI, drawn offscreen by
//! wgpu on whatever adapter the machine has (Mesa's CPU one on a headless
//! machine). `incident-map render` and the snapshot tests use it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::wgpu::{WgpuTestRenderer, create_render_state, default_wgpu_setup};

use super::IncidentMapApp;
use crate::model::LatLon;

/// What to render.
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
    /// Longest to wait for tiles to load.
    pub timeout: Duration,
}

impl RenderRequest {
    pub fn new(file: PathBuf) -> Self {
        RenderRequest {
            file,
            basemap: None,
            view: None,
            size: (1280, 800),
            timeout: Duration::from_secs(30),
        }
    }
}

/// The rendered window, once every tile has loaded (or the timeout passed).
pub fn render(request: &RenderRequest) -> Result<image::RgbaImage, String> {
    let render_state = create_render_state(
        default_wgpu_setup(),
        egui_wgpu::RendererOptions::PREDICTABLE,
    );
    walkers::install_renderer(Some(&render_state));
    let mut harness: Harness<'_, Option<IncidentMapApp>> = Harness::builder()
        .with_size(egui::vec2(request.size.0 as f32, request.size.1 as f32))
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
    let mut app = IncidentMapApp::new(&harness.ctx, &request.file, request.basemap.clone());
    if let Some((center, zoom)) = request.view {
        app.map.look_at(center, zoom);
    }
    *harness.state_mut() = Some(app);
    let start = Instant::now();
    let mut quiet_frames = 0;
    // Tiles load on background threads: step until none is loading for a few frames.
    while quiet_frames < 40 {
        harness.step();
        let loading = harness
            .state()
            .as_ref()
            .map_or(0, |a| a.map.tiles_loading());
        quiet_frames = if loading == 0 { quiet_frames + 1 } else { 0 };
        if start.elapsed() > request.timeout {
            return Err(format!(
                "tiles were still loading after {:?}",
                request.timeout
            ));
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    harness.step();
    harness.render()
}

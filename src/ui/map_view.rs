//! The map panel: the offline basemap, the optional online layer, region
//! outlines, event markers, and the controls a map needs (zoom buttons, fit,
//! scale bar, cursor coordinates, attribution of every visible layer).

use egui::{Align2, Color32, FontId, RichText, Ui, vec2};
use walkers::{HttpTiles, Map, MapMemory, lat_lon};

use super::Action;
use super::overlays::{EventMarkers, RegionOutlines, scale_bar};
use super::tiles::Basemap;
use crate::geography::RegionIndex;
use crate::model::{Dataset, LatLon};

/// The sea: what shows where no tile is drawn.
pub const SEA: Color32 = Color32::from_rgb(170, 211, 223);

pub struct MapView {
    pub memory: MapMemory,
    pub basemap: Option<Basemap>,
    /// Why the basemap could not be opened, shown on the map.
    pub basemap_error: Option<String>,
    /// OpenStreetMap's tiles, when the user turned them on.
    pub online: Option<HttpTiles>,
    /// Where the cursor is, in degrees.
    pub cursor: Option<LatLon>,
    /// The first frame frames the data; later ones leave the view alone.
    framed: bool,
    /// A view to frame on the next frame: south-west and north-east corners.
    pending_fit: Option<(LatLon, LatLon)>,
}

impl MapView {
    pub fn new(basemap: Result<Basemap, String>) -> Self {
        let (basemap, basemap_error) = match basemap {
            Ok(b) => (Some(b), None),
            Err(e) => (None, Some(e)),
        };
        MapView {
            memory: MapMemory::default(),
            basemap,
            basemap_error,
            online: None,
            cursor: None,
            framed: false,
            pending_fit: None,
        }
    }

    /// Frames a box on the next frame.
    pub fn fit(&mut self, sw: LatLon, ne: LatLon) {
        self.pending_fit = Some((sw, ne));
        self.framed = true;
    }

    /// Centres on a point at a zoom, now.
    pub fn look_at(&mut self, center: LatLon, zoom: f64) {
        self.framed = true;
        self.memory.center_at(lat_lon(center.lat, center.lon));
        let _ = self.memory.set_zoom(zoom);
    }

    /// Tiles of the offline basemap still loading.
    pub fn basemap_loading(&self) -> usize {
        use walkers::Tiles;
        self.basemap
            .as_ref()
            .map_or(0, |b| b.tiles.stats().in_progress)
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        dataset: Option<&Dataset>,
        regions: &RegionIndex,
        selected: Option<&str>,
        hovered: Option<&str>,
        default_frame: (LatLon, LatLon),
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        let size = ui.available_size();
        if !self.framed {
            self.pending_fit = Some(default_frame);
            self.framed = true;
        }
        if let Some((sw, ne)) = self.pending_fit.take() {
            let (center, zoom) = frame_box(sw, ne, size);
            self.memory.center_at(lat_lon(center.lat, center.lon));
            let _ = self.memory.set_zoom(zoom);
        }
        let rect = ui.available_rect_before_wrap();
        ui.painter().rect_filled(rect, 0.0, SEA);

        let home = lat_lon(default_frame.0.lat, default_frame.0.lon);
        let online_on = self.online.is_some();
        let mut marker_actions = Vec::new();
        let emphasised = selected
            .and_then(|id| dataset?.event(id))
            .and_then(|e| e.location.as_ref()?.place.as_deref())
            .and_then(|p| dataset?.place(p)?.iso3166_2.as_deref());
        let basemap = self
            .basemap
            .as_mut()
            .map(|b| &mut b.tiles as &mut dyn walkers::Tiles);
        let mut map = Map::new(basemap, &mut self.memory, home)
            .zoom_with_ctrl(false)
            .with_plugin(RegionOutlines {
                regions,
                emphasised,
            });
        if let Some(online) = self.online.as_mut() {
            map = map.with_layer(online, 1.0);
        }
        if let Some(ds) = dataset {
            map = map.with_plugin(EventMarkers {
                dataset: ds,
                regions,
                selected,
                hovered,
                actions: &mut marker_actions,
            });
        }
        let mut cursor = None;
        map.show(ui, |ui, response, projector, _memory| {
            if let Some(pos) = response.hover_pos() {
                let p = projector.unproject(pos.to_vec2());
                cursor = Some(LatLon {
                    lat: p.y(),
                    lon: p.x(),
                });
            }
            let r = response.rect;
            scale_bar(ui, projector, r.left_bottom() + vec2(12.0, -28.0));
            let attribution = if online_on {
                format!(
                    "{} · Online tiles © OpenStreetMap contributors",
                    crate::basemap::ATTRIBUTION
                )
            } else {
                crate::basemap::ATTRIBUTION.to_string()
            };
            ui.painter().text(
                r.right_bottom() + vec2(-6.0, -4.0),
                Align2::RIGHT_BOTTOM,
                attribution,
                FontId::proportional(11.0),
                Color32::from_gray(40),
            );
        });
        self.cursor = cursor;
        actions.extend(marker_actions);

        // Controls in the map's top-right corner.
        egui::Area::new(ui.scope_id().with("map-controls"))
            .pivot(Align2::RIGHT_TOP)
            .fixed_pos(rect.right_top() + vec2(-10.0, 10.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.vertical(|ui| {
                        if ui
                            .button(RichText::new("+").size(18.0))
                            .on_hover_text("Zoom in (+)")
                            .clicked()
                        {
                            actions.push(Action::ZoomIn);
                        }
                        if ui
                            .button(RichText::new("−").size(18.0))
                            .on_hover_text("Zoom out (−)")
                            .clicked()
                        {
                            actions.push(Action::ZoomOut);
                        }
                        if ui.button("Fit").on_hover_text("Fit to data (0)").clicked() {
                            actions.push(Action::FitToData);
                        }
                    });
                });
            });
        if let Some(ds) = dataset.filter(|d| !d.categories.is_empty()) {
            legend(ui, ds, rect);
        }
        if let Some(err) = &self.basemap_error {
            ui.painter().text(
                rect.center(),
                Align2::CENTER_CENTER,
                format!("No basemap: {err}"),
                FontId::proportional(14.0),
                Color32::DARK_RED,
            );
        }
        actions
    }
}

/// The centre and zoom that fit a box in `size` pixels, with a margin.
pub fn frame_box(sw: LatLon, ne: LatLon, size: egui::Vec2) -> (LatLon, f64) {
    let x = |lon: f64| (lon + 180.0) / 360.0;
    let y = |lat: f64| {
        let r = lat.to_radians();
        (1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0
    };
    let dx = (x(ne.lon) - x(sw.lon)).abs().max(1e-9);
    let dy = (y(sw.lat) - y(ne.lat)).abs().max(1e-9);
    let zx = (f64::from(size.x.max(64.0)) * 0.85 / (256.0 * dx)).log2();
    let zy = (f64::from(size.y.max(64.0)) * 0.85 / (256.0 * dy)).log2();
    let center = LatLon {
        lat: (sw.lat + ne.lat) / 2.0,
        lon: (sw.lon + ne.lon) / 2.0,
    };
    (center, zx.min(zy).clamp(2.0, 16.0))
}

/// The categories and their colours, in the map's top-left corner.
fn legend(ui: &Ui, ds: &Dataset, map: egui::Rect) {
    egui::Area::new(ui.scope_id().with("legend"))
        .fixed_pos(map.left_top() + vec2(10.0, 10.0))
        .interactable(false)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                for c in &ds.categories {
                    ui.horizontal(|ui| {
                        let (dot, _) =
                            ui.allocate_exact_size(vec2(12.0, 12.0), egui::Sense::hover());
                        let color = super::overlays::category_color(ds, Some(&c.id));
                        ui.painter().circle_filled(dot.center(), 5.0, color);
                        ui.label(RichText::new(&c.label).small());
                    });
                }
            });
        });
}

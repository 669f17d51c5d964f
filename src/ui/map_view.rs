//! The map panel: the offline basemap, the optional online layer, region
//! outlines, event markers, and the controls a map needs (zoom buttons, fit,
//! scale bar, cursor coordinates, attribution of every visible layer).

use egui::{Align2, Color32, FontId, RichText, Ui, vec2};
use walkers::{HttpTiles, Map, MapMemory, lat_lon};

use super::Action;
use super::overlays::{EventMarkers, RegionOutlines, scale_bar};
use super::tiles::Basemap;
use crate::geography::RegionIndex;
use crate::markers::{MarkerIndex, mercator, unmercator};
use crate::model::{Dataset, LatLon};

/// The sea: what shows where no tile is drawn.
pub const SEA: Color32 = Color32::from_rgb(170, 211, 223);
/// What shows where the offline basemap has no data at all.
pub const NO_MAP: Color32 = Color32::from_rgb(226, 224, 218);

/// Half the view's width and height in degrees (near its centre's latitude).
fn view_half_extent(zoom: f64, size: egui::Vec2, lat: f64) -> (f64, f64) {
    let deg_per_px = 360.0 / crate::markers::world_pixels(zoom);
    let half_w = f64::from(size.x) / 2.0 * deg_per_px;
    let half_h = f64::from(size.y) / 2.0 * deg_per_px * lat.to_radians().cos().max(0.05);
    (half_w, half_h)
}

pub struct MapView {
    pub memory: MapMemory,
    pub basemap: Option<Basemap>,
    /// Why the basemap could not be opened, shown on the map.
    pub basemap_error: Option<String>,
    /// OpenStreetMap's tiles, when the user turned them on.
    pub online: Option<HttpTiles>,
    /// Where the cursor is, in degrees.
    pub cursor: Option<LatLon>,
    /// The view is wholly outside the offline basemap's area (and no online
    /// layer is on): the map says so rather than showing sea.
    pub outside_basemap: bool,
    /// The first frame frames the data; later ones leave the view alone.
    framed: bool,
    /// A flight to a view in progress: the map glides there over a few frames.
    flight: Option<Flight>,
    /// A view to frame on the next frame: south-west and north-east corners,
    /// and the least zoom to frame it at.
    pending_fit: Option<(LatLon, LatLon, f64)>,
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
            outside_basemap: false,
            framed: false,
            flight: None,
            pending_fit: None,
        }
    }

    /// Frames a box on the next frame.
    pub fn fit(&mut self, sw: LatLon, ne: LatLon) {
        self.fit_at_least(sw, ne, 0.0);
    }

    /// Frames a box on the next frame, at `min_zoom` or deeper.
    pub fn fit_at_least(&mut self, sw: LatLon, ne: LatLon, min_zoom: f64) {
        self.pending_fit = Some((sw, ne, min_zoom));
        self.framed = true;
    }

    /// Centres on a point at a zoom, now.
    pub fn look_at(&mut self, center: LatLon, zoom: f64) {
        self.framed = true;
        self.flight = None;
        self.memory.center_at(lat_lon(center.lat, center.lon));
        let _ = self.memory.set_zoom(zoom);
    }

    /// Glides to a point at a zoom, over [`FLIGHT_SECONDS`].
    pub fn fly_to(&mut self, center: LatLon, zoom: f64) {
        self.framed = true;
        let from = self.center().unwrap_or(center);
        self.flight = Some(Flight {
            from: (mercator(from), self.memory.zoom()),
            to: (mercator(center), zoom),
            started: None,
        });
    }

    /// The events whose markers are in the map's view of `size` points.
    pub fn events_in_view(&self, index: &MarkerIndex, size: egui::Vec2) -> Vec<usize> {
        let Some(center) = self.center() else {
            return Vec::new();
        };
        let zoom = self.memory.zoom();
        let c = mercator(center);
        let scale = crate::markers::world_pixels(zoom);
        let (hw, hh) = (
            f64::from(size.x) / 2.0 / scale,
            f64::from(size.y) / 2.0 / scale,
        );
        let mut events: Vec<usize> = index
            .markers()
            .iter()
            .filter(|m| (m.world[0] - c[0]).abs() <= hw && (m.world[1] - c[1]).abs() <= hh)
            .map(|m| m.event)
            .collect();
        events.sort_unstable();
        events
    }

    /// The map's centre, once it has one.
    pub fn center(&self) -> Option<LatLon> {
        self.memory.detached().map(|p| LatLon {
            lat: p.y(),
            lon: p.x(),
        })
    }

    /// Whether the view will change on the next frame without any input
    /// (a flight or a framing is pending).
    pub fn is_moving(&self) -> bool {
        self.flight.is_some() || self.pending_fit.is_some()
    }

    /// Ends a flight where it is (the user took the map in hand).
    pub fn stop_flight(&mut self) {
        self.flight = None;
    }

    /// Where the map is headed: the end of a flight, else where it is.
    pub fn destination(&self) -> Option<(LatLon, f64)> {
        match &self.flight {
            Some(f) => Some((unmercator(f.to.0), f.to.1)),
            None => self.center().map(|c| (c, self.memory.zoom())),
        }
    }

    /// Moves the map along its flight, if one is under way.
    fn advance_flight(&mut self, ui: &Ui) {
        let Some(flight) = &mut self.flight else {
            return;
        };
        let now = ui.input(|i| i.time);
        let started = *flight.started.get_or_insert(now);
        let t = ((now - started) / FLIGHT_SECONDS).clamp(0.0, 1.0);
        // Zooming in, pan first and zoom last; zooming out, the reverse: the
        // destination comes into view early and stays in it.
        let (a, b) = (flight.from, flight.to);
        let ease_out = 1.0 - (1.0 - t) * (1.0 - t);
        let ease_in = t * t;
        let (kp, kz) = if b.1 >= a.1 {
            (ease_out, ease_in)
        } else {
            (ease_in, ease_out)
        };
        let w = [
            a.0[0] + (b.0[0] - a.0[0]) * kp,
            a.0[1] + (b.0[1] - a.0[1]) * kp,
        ];
        let p = unmercator(w);
        self.memory.center_at(lat_lon(p.lat, p.lon));
        let _ = self.memory.set_zoom(a.1 + (b.1 - a.1) * kz);
        if t >= 1.0 {
            self.flight = None;
        } else {
            ui.ctx().request_repaint();
        }
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
        dataset: Option<(&Dataset, &MarkerIndex)>,
        regions: &RegionIndex,
        selected: Option<usize>,
        hovered: Option<usize>,
        default_frame: (LatLon, LatLon),
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        let size = ui.available_size();
        if !self.framed {
            self.pending_fit = Some((default_frame.0, default_frame.1, 0.0));
            self.framed = true;
        }
        if let Some((sw, ne, min_zoom)) = self.pending_fit.take() {
            let (center, zoom) = frame_box(sw, ne, size);
            let zoom = zoom.max(min_zoom);
            if self.memory.detached().is_some() {
                self.fly_to(center, zoom);
            } else {
                self.look_at(center, zoom);
            }
        }
        self.advance_flight(ui);
        let rect = ui.available_rect_before_wrap();
        // Outside the offline basemap's area there is no map, not sea: say so.
        let outside = self.online.is_none()
            && self.basemap.as_ref().is_some_and(|b| {
                let [w, s, e, n] = b.info.bounds;
                self.memory.detached().is_some_and(|c| {
                    let (half_w, half_h) = view_half_extent(self.memory.zoom(), rect.size(), c.y());
                    c.x() + half_w < w
                        || c.x() - half_w > e
                        || c.y() + half_h < s
                        || c.y() - half_h > n
                })
            });
        self.outside_basemap = outside;
        ui.painter()
            .rect_filled(rect, 0.0, if outside { NO_MAP } else { SEA });

        let home = lat_lon(default_frame.0.lat, default_frame.0.lon);
        let online_on = self.online.is_some();
        let mut marker_actions = Vec::new();
        let emphasised = selected
            .zip(dataset)
            .and_then(|(e, (_, index))| Some(&index.markers()[index.of_event(e)?].shape))
            .and_then(|shape| match shape {
                crate::markers::Shape::Region { code } => Some(code.as_str()),
                _ => None,
            });
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
        if let Some((ds, index)) = dataset {
            map = map.with_plugin(EventMarkers {
                dataset: ds,
                index,
                regions,
                selected,
                hovered,
                actions: &mut marker_actions,
            });
        }
        let mut cursor = None;
        let mut taken_in_hand = false;
        map.show(ui, |ui, response, projector, _memory| {
            taken_in_hand = response.dragged()
                || (response.hovered() && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO));
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
        if taken_in_hand {
            self.stop_flight();
        }
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
        if outside {
            ui.painter().text(
                rect.center_bottom() + vec2(0.0, -40.0),
                Align2::CENTER_BOTTOM,
                "Outside the offline basemap (it covers Europe): turn on OpenStreetMap (online) for a map here",
                FontId::proportional(14.0),
                Color32::from_gray(60),
            );
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

/// How long the map takes to glide to a new view.
pub const FLIGHT_SECONDS: f64 = 0.6;

/// A glide from one view to another, in Web Mercator so the path is straight on screen.
struct Flight {
    from: ([f64; 2], f64),
    to: ([f64; 2], f64),
    /// When it started, in egui's time: set on its first frame.
    started: Option<f64>,
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

/// The categories and their colours, in the map's top-left corner; each
/// with a box that shows or hides its events in every view.
pub fn legend(
    ui: &Ui,
    ds: &Dataset,
    hidden: &std::collections::HashSet<String>,
    map: egui::Rect,
    actions: &mut Vec<Action>,
) {
    if ds.categories.is_empty() {
        return;
    }
    egui::Area::new(ui.scope_id().with("legend"))
        .fixed_pos(map.left_top() + vec2(10.0, 10.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.spacing_mut().item_spacing.y = 1.0;
                for c in &ds.categories {
                    ui.horizontal(|ui| {
                        let mut shown = !hidden.contains(&c.id);
                        let color = super::overlays::category_color(ds, Some(&c.id));
                        let (dot, _) =
                            ui.allocate_exact_size(vec2(12.0, 12.0), egui::Sense::hover());
                        ui.painter().circle_filled(dot.center(), 5.0, color);
                        if ui
                            .checkbox(&mut shown, RichText::new(&c.label).small())
                            .on_hover_text(
                                "Show or hide these events on the map and in the timeline",
                            )
                            .changed()
                        {
                            actions.push(Action::ToggleCategory(c.id.clone()));
                        }
                    });
                }
            });
        });
}

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

pub struct MapView {
    pub memory: MapMemory,
    pub basemap: Option<Basemap>,
    /// Why the basemap could not be opened, shown on the map.
    pub basemap_error: Option<String>,
    /// OpenStreetMap's tiles, when the user turned them on.
    pub online: Option<HttpTiles>,
    /// Where the cursor is, in degrees.
    pub cursor: Option<LatLon>,
    /// Most of the view is outside the offline basemap's area (and no online
    /// layer is on): the map says so; it is grey there, not sea.
    pub outside_basemap: bool,
    /// The first frame frames the data; later ones leave the view alone.
    framed: bool,
    /// A flight to a view in progress: the map glides there over a few frames.
    flight: Option<Flight>,
    /// A box to frame, on the next frames.
    pending_fit: Option<PendingFit>,
    /// Where the legend was last drawn, if it was: framing keeps clear of it.
    pub legend: Option<egui::Rect>,
    /// Where the zoom buttons were last drawn.
    controls: Option<egui::Rect>,
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
            legend: None,
            controls: None,
        }
    }

    /// Frames a box on the next frame.
    pub fn fit(&mut self, sw: LatLon, ne: LatLon) {
        self.fit_at_least(sw, ne, 0.0);
    }

    /// Frames a box on the next frame, at `min_zoom` or deeper.
    pub fn fit_at_least(&mut self, sw: LatLon, ne: LatLon, min_zoom: f64) {
        self.pending_fit = Some(PendingFit {
            sw,
            ne,
            min_zoom,
            waited: false,
            jump: false,
        });
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

    /// The part of the map's `rect` the offline basemap covers, when it is
    /// the only layer (the online one covers the world).
    fn basemap_coverage(&self, rect: egui::Rect) -> Option<egui::Rect> {
        if self.online.is_some() {
            return None;
        }
        let [w, s, e, n] = self.basemap.as_ref()?.info.bounds;
        let center = mercator(self.center()?);
        let scale = crate::markers::world_pixels(self.memory.zoom());
        let to_screen = |lat: f64, lon: f64| {
            let p = mercator(LatLon { lat, lon });
            rect.center()
                + vec2(
                    ((p[0] - center[0]) * scale) as f32,
                    ((p[1] - center[1]) * scale) as f32,
                )
        };
        Some(egui::Rect::from_two_pos(to_screen(s, w), to_screen(n, e)).intersect(rect))
    }

    /// What a framed box keeps clear of in the map's `rect`: the legend and
    /// the zoom buttons along the top, the scale bar and attribution along
    /// the bottom, and a little room at the sides for markers' names.
    fn insets(&self, rect: egui::Rect) -> Insets {
        let below_overlays = [self.legend, self.controls]
            .into_iter()
            .flatten()
            .filter(|r| r.intersects(rect))
            .map(|r| r.bottom() - rect.top())
            .fold(0.0, f32::max);
        Insets {
            top: below_overlays + 16.0,
            bottom: 56.0,
            left: 40.0,
            right: 40.0,
        }
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
        let rect = ui.available_rect_before_wrap();
        let size = rect.size();
        if !self.framed {
            self.fit(default_frame.0, default_frame.1);
        }
        match &mut self.pending_fit {
            Some(fit) if !fit.waited => {
                // Wait a frame, so that the legend of data just loaded is
                // drawn and measured before the box is fitted around it.
                fit.waited = true;
                ui.ctx().request_repaint();
                if self.memory.detached().is_none() {
                    // No view yet: roughly there now, exactly on the next frame.
                    fit.jump = true;
                    let (center, zoom) = frame_box(fit.sw, fit.ne, size, Insets::default(), 0.0);
                    self.memory.center_at(lat_lon(center.lat, center.lon));
                    let _ = self.memory.set_zoom(zoom);
                }
            }
            Some(_) => {
                let fit = self.pending_fit.take().expect("matched");
                let insets = self.insets(rect);
                let (center, zoom) = frame_box(fit.sw, fit.ne, size, insets, fit.min_zoom);
                if fit.jump {
                    self.look_at(center, zoom);
                } else {
                    self.fly_to(center, zoom);
                }
            }
            None => {}
        }
        self.advance_flight(ui);
        // Where the offline basemap has no data there is no map, not sea:
        // grey there, and said so when that is most of the view.
        let covered = self.basemap_coverage(rect);
        let outside = covered.is_some_and(|c| {
            let area = if c.is_positive() { c.area() } else { 0.0 };
            area < rect.area() / 2.0
        });
        self.outside_basemap = outside;
        match covered {
            Some(c) => {
                ui.painter().rect_filled(rect, 0.0, NO_MAP);
                if c.is_positive() {
                    ui.painter().rect_filled(c, 0.0, SEA);
                }
            }
            None => {
                ui.painter().rect_filled(rect, 0.0, SEA);
            }
        }

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
        let controls = egui::Area::new(ui.scope_id().with("map-controls"))
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
        self.controls = Some(controls.response.rect);
        let unplaced = dataset
            .filter(|(_, index)| index.markers().is_empty())
            .map_or(0, |(_, index)| index.unplaced());
        let notice = if unplaced > 0 {
            Some(format!(
                "None of the {unplaced} events shown has a place on the map: the timeline lists them."
            ))
        } else if outside {
            Some(
                "Grey: no offline map here (it covers Europe). Turn on OpenStreetMap (online) for one."
                    .to_owned(),
            )
        } else {
            None
        };
        if let Some(text) = notice {
            // In the band along the top, between the legend and the zoom
            // buttons, which framing keeps free of markers.
            let left = self.legend.map_or(rect.left(), |r| r.right()) + 12.0;
            let right = self.controls.map_or(rect.right(), |r| r.left()) - 12.0;
            let galley = ui.painter().layout(
                text,
                FontId::proportional(14.0),
                Color32::from_gray(50),
                (right - left).max(120.0),
            );
            let at = egui::pos2((left + right - galley.size().x) / 2.0, rect.top() + 14.0);
            let backdrop = egui::Rect::from_min_size(at, galley.size()).expand(4.0);
            ui.painter()
                .rect_filled(backdrop, 3.0, Color32::from_white_alpha(200));
            ui.painter().galley(at, galley, Color32::from_gray(50));
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

/// A box the map will frame.
struct PendingFit {
    sw: LatLon,
    ne: LatLon,
    /// The least zoom to frame it at.
    min_zoom: f64,
    /// It waited its frame.
    waited: bool,
    /// There was no view before it: show it at once rather than glide.
    jump: bool,
}

/// Points of the map a framed box keeps clear of, on each side.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Insets {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

/// The centre and zoom that show a box whole in a map of `size` points,
/// inside its `insets`, at `min_zoom` or deeper. Where the insets would
/// leave too little room, the box gets 40% of the map's size.
pub fn frame_box(
    sw: LatLon,
    ne: LatLon,
    size: egui::Vec2,
    insets: Insets,
    min_zoom: f64,
) -> (LatLon, f64) {
    let (a, b) = (mercator(sw), mercator(ne));
    let dx = (b[0] - a[0]).abs().max(1e-9);
    let dy = (a[1] - b[1]).abs().max(1e-9);
    let room = |total: f32, less: f32| f64::from((total - less).max(total * 0.4).max(48.0));
    let (w, h) = (
        room(size.x, insets.left + insets.right),
        room(size.y, insets.top + insets.bottom),
    );
    let zoom = (w / (256.0 * dx))
        .log2()
        .min((h / (256.0 * dy)).log2())
        .clamp(2.0, 16.0)
        .max(min_zoom);
    // The box's centre goes to the centre of the room inside the insets.
    let scale = crate::markers::world_pixels(zoom);
    let shift = |less: f32, more: f32| f64::from(less - more) / 2.0 / scale;
    let center = unmercator([
        (a[0] + b[0]) / 2.0 - shift(insets.left, insets.right),
        (a[1] + b[1]) / 2.0 - shift(insets.top, insets.bottom),
    ]);
    (center, zoom)
}

/// The categories and their colours, in the map's top-left corner; each
/// with a box that shows or hides its events in every view. Returns where
/// it was drawn.
pub fn legend(
    ui: &Ui,
    ds: &Dataset,
    hidden: &std::collections::HashSet<String>,
    map: egui::Rect,
    actions: &mut Vec<Action>,
) -> Option<egui::Rect> {
    if ds.categories.is_empty() {
        return None;
    }
    let area = egui::Area::new(ui.scope_id().with("legend"))
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
    Some(area.response.rect)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markers::world_pixels;

    /// Where `p` lands on a map of `size` centred on `center` at `zoom`.
    fn on_screen(p: LatLon, center: LatLon, zoom: f64, size: egui::Vec2) -> egui::Pos2 {
        let (p, c) = (mercator(p), mercator(center));
        let s = world_pixels(zoom);
        egui::pos2(
            size.x / 2.0 + ((p[0] - c[0]) * s) as f32,
            size.y / 2.0 + ((p[1] - c[1]) * s) as f32,
        )
    }

    #[test]
    fn a_framed_box_fills_the_room_inside_the_insets() {
        let (sw, ne) = (
            LatLon {
                lat: 14.7,
                lon: 35.1,
            },
            LatLon {
                lat: 31.4,
                lon: 44.2,
            },
        );
        let size = vec2(600.0, 750.0);
        let insets = Insets {
            top: 110.0,
            bottom: 56.0,
            left: 40.0,
            right: 40.0,
        };
        let (center, zoom) = frame_box(sw, ne, size, insets, 0.0);
        let room = egui::Rect::from_min_max(
            egui::pos2(insets.left, insets.top),
            egui::pos2(size.x - insets.right, size.y - insets.bottom),
        );
        let (a, b) = (
            on_screen(sw, center, zoom, size),
            on_screen(ne, center, zoom, size),
        );
        let framed = egui::Rect::from_two_pos(a, b);
        assert!(
            room.expand(0.01).contains_rect(framed),
            "{framed:?} in {room:?}"
        );
        // Tall box: it spans the room's height, centred across.
        assert!((framed.height() - room.height()).abs() < 0.5, "{framed:?}");
        assert!((framed.center().x - room.center().x).abs() < 0.5);
        // Deeper than asked when asked.
        assert_eq!(frame_box(sw, ne, size, insets, 9.0).1, 9.0);
    }
}

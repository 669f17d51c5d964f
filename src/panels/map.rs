//! The map panel: the offline basemap, the optional online layer, region
//! outlines, the events' markers, and what a map needs around them (the
//! legend with its category boxes, zoom buttons, fit, scale bar, notices,
//! the attribution of every visible layer). It owns walkers' map memory and
//! the tile layers; it moves when the state asks ([`CameraMove`]) or the
//! user drags and scrolls, and glides rather than jumps.

use std::path::{Path, PathBuf};

use egui::{Align2, Color32, FontId, RichText, Stroke, Ui, vec2};
use walkers::{HttpTiles, Map, MapMemory, lat_lon};

use crate::action::{Action, Actions, AuthorAction, CameraMove};
use crate::command::Command;
use crate::map::camera::{Flight, Insets, frame_box};
use crate::map::overlays::{EventMarkers, RegionOutlines, ServerCells, scale_bar};
use crate::map::tiles::{self, Basemap};
use crate::panels::facets::FacetsPanel;
use crate::state::{AppState, Viewport};
use incident_map_core::markers::{mercator, world_pixels};
use incident_map_core::model::LatLon;

/// The sea: what shows where no tile is drawn.
pub const SEA: Color32 = Color32::from_rgb(170, 211, 223);
/// What shows where the offline basemap has no data at all.
pub const NO_MAP: Color32 = Color32::from_rgb(226, 224, 218);

/// Who made the data of the bundled basemap: always shown with the map.
pub const ATTRIBUTION: &str = incident_map_core::basemap::ATTRIBUTION;

pub struct MapPanel {
    memory: MapMemory,
    basemap: Option<Basemap>,
    /// Why the basemap could not be opened, shown on the map.
    basemap_error: Option<String>,
    /// OpenStreetMap's tiles, when the user turned them on.
    online: Option<HttpTiles>,
    /// Where the cursor is, in degrees.
    cursor: Option<LatLon>,
    /// Most of the view is outside the offline basemap's area (and no online
    /// layer is on): the map says so; it is grey there, not sea.
    outside_basemap: bool,
    /// The deepest zoom the offline basemap has at the view's centre, when
    /// the view is more than a level deeper (over-zoomed: coarse; the map
    /// says so).
    coarse_basemap: Option<u8>,
    /// The first frame frames the data; later ones leave the view alone.
    framed: bool,
    flight: Option<Flight>,
    /// A box to frame, on the next frames.
    pending_fit: Option<PendingFit>,
    /// Where the legend and the zoom buttons were last drawn: framing keeps clear of them.
    legend: Option<egui::Rect>,
    controls: Option<egui::Rect>,
    /// Where the time window's date was drawn last: names keep clear of it.
    caption: Option<egui::Rect>,
    /// The legend's and the buttons' layers and rectangles, last drawn
    /// (the plain keys act over them as over the map).
    overlays: Vec<(egui::LayerId, egui::Rect)>,
    /// The map's rectangle in the window.
    rect: egui::Rect,
    /// The view last drawn (its address) and when it was first drawn: the
    /// markers that entered with it fade in from then.
    view_seen: usize,
    view_since: f64,
    /// The legend, grown into the filter's facets.
    facets: FacetsPanel,
    /// Where the event open in the editor was drawn last frame, and whether
    /// it is being dragged (the map does not pan meanwhile).
    edited_at: Option<egui::Pos2>,
    /// Where the drag of the edited event began, while it is dragged.
    dragging_edited: Option<egui::Pos2>,
}

/// How long a marker takes to fade in, in seconds.
const FADE_IN: f64 = 0.4;

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

impl MapPanel {
    pub fn new(basemap: Result<Basemap, String>) -> Self {
        let (basemap, basemap_error) = match basemap {
            Ok(b) => (Some(b), None),
            Err(e) => (None, Some(e)),
        };
        MapPanel {
            memory: MapMemory::default(),
            basemap,
            basemap_error,
            online: None,
            cursor: None,
            outside_basemap: false,
            coarse_basemap: None,
            framed: false,
            flight: None,
            pending_fit: None,
            legend: None,
            controls: None,
            caption: None,
            overlays: Vec::new(),
            rect: egui::Rect::NOTHING,
            view_seen: 0,
            view_since: 0.0,
            edited_at: None,
            dragging_edited: None,
            facets: FacetsPanel::default(),
        }
    }

    /// Switches to the archive at `path`; on failure the current one stays.
    pub fn use_basemap(&mut self, path: &Path, ctx: &egui::Context) -> Result<(), String> {
        let b = Basemap::open(path, ctx).map_err(|e| e.to_string())?;
        self.basemap = Some(b);
        self.basemap_error = None;
        Ok(())
    }

    /// Turns OpenStreetMap's online tiles on or off.
    pub fn set_online(&mut self, on: bool, ctx: &egui::Context) {
        self.online = on.then(|| {
            let cache = directories::ProjectDirs::from("", "", "incident-map")
                .map(|d| d.cache_dir().join("tiles"));
            tiles::openstreetmap(cache, ctx)
        });
    }

    /// Uses these online tiles (any source: tests serve them from 127.0.0.1).
    pub fn set_online_tiles(&mut self, tiles: Option<HttpTiles>) {
        self.online = tiles;
    }

    /// Online tiles still loading.
    pub fn online_loading(&self) -> usize {
        use walkers::Tiles;
        self.online.as_ref().map_or(0, |t| t.stats().in_progress)
    }

    /// Carries out a move the state asked for.
    pub fn move_camera(&mut self, m: CameraMove) {
        match m {
            CameraMove::ZoomBy(by) => {
                // The user took the map in hand: a glide under way ends here.
                self.flight = None;
                let zoom = self.memory.zoom() + by;
                let _ = self.memory.set_zoom(zoom.clamp(0.0, 26.0));
            }
            CameraMove::Fit { sw, ne, min_zoom } => self.fit_at_least(sw, ne, min_zoom),
            CameraMove::Approach { point, min_zoom } => {
                let zoom = self.memory.zoom().max(min_zoom);
                self.fly_to(point, zoom);
            }
        }
    }

    /// Frames a box on the next frame, at `min_zoom` or deeper.
    fn fit_at_least(&mut self, sw: LatLon, ne: LatLon, min_zoom: f64) {
        self.pending_fit = Some(PendingFit {
            sw,
            ne,
            min_zoom,
            waited: false,
            jump: false,
        });
        self.framed = true;
    }

    /// Centres on a point at a zoom, now (a glide or framing under way is dropped).
    pub fn look_at(&mut self, center: LatLon, zoom: f64) {
        self.framed = true;
        self.flight = None;
        self.pending_fit = None;
        self.memory.center_at(lat_lon(center.lat, center.lon));
        let _ = self.memory.set_zoom(zoom);
    }

    /// Glides to a point at a zoom.
    fn fly_to(&mut self, center: LatLon, zoom: f64) {
        self.framed = true;
        let from = self.center().unwrap_or(center);
        self.flight = Some(Flight::new((from, self.memory.zoom()), (center, zoom)));
    }

    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    /// The map's centre, once it has one.
    pub fn center(&self) -> Option<LatLon> {
        self.memory.detached().map(|p| LatLon {
            lat: p.y(),
            lon: p.x(),
        })
    }

    /// The map's centre as walkers holds it.
    pub fn position(&self) -> Option<walkers::Position> {
        self.memory.detached()
    }

    /// Where the map is headed: the end of a glide, else where it is.
    pub fn destination(&self) -> Option<(LatLon, f64)> {
        match &self.flight {
            Some(f) => Some(f.destination()),
            None => self.center().map(|c| (c, self.memory.zoom())),
        }
    }

    /// What the map showed in its last frame.
    pub fn viewport(&self) -> Option<Viewport> {
        Some(Viewport {
            center: self.center()?,
            zoom: self.memory.zoom(),
            size: [self.rect.width(), self.rect.height()],
        })
        .filter(|_| self.rect.is_positive())
    }

    /// Whether the view will change on the next frame without any input.
    pub fn is_moving(&self) -> bool {
        self.flight.is_some() || self.pending_fit.is_some()
    }

    pub fn basemap(&self) -> Option<&Basemap> {
        self.basemap.as_ref()
    }

    pub fn basemap_path(&self) -> Option<&PathBuf> {
        self.basemap.as_ref().map(|b| &b.path)
    }

    pub fn cursor(&self) -> Option<LatLon> {
        self.cursor
    }

    pub fn outside_basemap(&self) -> bool {
        self.outside_basemap
    }

    /// The deepest zoom of the offline basemap at the view's centre, when
    /// the view is zoomed well beyond it.
    pub fn coarse_basemap(&self) -> Option<u8> {
        self.coarse_basemap
    }

    /// The map's own overlays (legend, buttons): their layers and
    /// rectangles, as last drawn.
    pub fn overlays(&self) -> &[(egui::LayerId, egui::Rect)] {
        &self.overlays
    }

    /// Where the legend was drawn last, if it was.
    pub fn legend_rect(&self) -> Option<egui::Rect> {
        self.legend
    }

    /// The map's rectangle in the window.
    pub fn rect(&self) -> egui::Rect {
        self.rect
    }

    /// Tiles of the offline basemap still loading.
    pub fn basemap_loading(&self) -> usize {
        use walkers::Tiles;
        self.basemap
            .as_ref()
            .map_or(0, |b| b.tiles.stats().in_progress)
    }

    /// The part of the map's `rect` the offline basemap covers, when it is
    /// the only layer (the online one covers the world).
    fn basemap_coverage(&self, rect: egui::Rect) -> Option<egui::Rect> {
        if self.online.is_some() {
            return None;
        }
        let [w, s, e, n] = self.basemap.as_ref()?.info.bounds;
        let center = mercator(self.center()?);
        let scale = world_pixels(self.memory.zoom());
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
    /// the zoom buttons along the top, the scale bar, attribution and the
    /// window's date along the bottom, and a little room at the sides for
    /// markers' names.
    fn insets(&self, rect: egui::Rect) -> Insets {
        let below_overlays = [self.legend, self.controls]
            .into_iter()
            .flatten()
            .filter(|r| r.intersects(rect))
            .map(|r| r.bottom() - rect.top())
            .fold(0.0, f32::max);
        // The window's date, when it sits along the bottom.
        let above_caption = self
            .caption
            .filter(|c| c.intersects(rect) && c.center().y > rect.center().y)
            .map_or(0.0, |c| rect.bottom() - c.top() + 8.0);
        Insets {
            top: below_overlays + 16.0,
            bottom: above_caption.max(56.0),
            left: 40.0,
            right: 40.0,
        }
    }

    /// Moves the map along its glide, if one is under way.
    fn advance_flight(&mut self, ui: &Ui) {
        let Some(flight) = &mut self.flight else {
            return;
        };
        let ((p, zoom), done) = flight.at(ui.input(|i| i.time));
        self.memory.center_at(lat_lon(p.lat, p.lon));
        let _ = self.memory.set_zoom(zoom);
        if done {
            self.flight = None;
        } else {
            ui.ctx().request_repaint();
        }
    }

    /// A framing asked for: measured once the overlays have been drawn.
    fn advance_fit(&mut self, ui: &Ui, rect: egui::Rect) {
        match &mut self.pending_fit {
            Some(fit) if !fit.waited => {
                // Wait a frame, so that the legend of data just loaded is
                // drawn and measured before the box is fitted around it.
                fit.waited = true;
                ui.ctx().request_repaint();
                if self.memory.detached().is_none() {
                    // No view yet: roughly there now, exactly on the next frame.
                    fit.jump = true;
                    let (center, zoom) =
                        frame_box(fit.sw, fit.ne, rect.size(), Insets::default(), 0.0);
                    self.memory.center_at(lat_lon(center.lat, center.lon));
                    let _ = self.memory.set_zoom(zoom);
                }
            }
            Some(_) => {
                let fit = self.pending_fit.take().expect("matched");
                let insets = self.insets(rect);
                let (center, zoom) = frame_box(fit.sw, fit.ne, rect.size(), insets, fit.min_zoom);
                if fit.jump {
                    self.look_at(center, zoom);
                } else {
                    self.fly_to(center, zoom);
                }
            }
            None => {}
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let rect = ui.available_rect_before_wrap();
        self.rect = rect;
        if !self.framed {
            let home = state.home();
            self.fit_at_least(home.sw, home.ne, 0.0);
        }
        self.advance_fit(ui, rect);
        self.advance_flight(ui);
        self.draw_ground(ui, rect);

        let home = state.home();
        let online_on = self.online.is_some();
        let doc = state.document();
        let selected = state.selection().map(|s| s.event);
        let hovered = state
            .marks()
            .hovered
            .as_deref()
            .and_then(|id| doc?.table().find(id));
        let emphasised = selected.zip(doc).and_then(|(e, d)| d.table().region(e));
        let mut marker_actions = Actions::default();
        let mut proposed_actions = Actions::default();
        let basemap = self
            .basemap
            .as_mut()
            .map(|b| &mut b.tiles as &mut dyn walkers::Tiles);
        // The event open in the editor, dragged to move it: a press on it
        // takes the pointer from the map's panning until released.
        let edited = state.work().and_then(|w| {
            let e = w.dataset.event(w.editing.as_deref()?)?;
            e.location.as_ref()?.point
        });
        let (pressed, origin, released) = ui.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.press_origin(),
                i.pointer.primary_released(),
            )
        });
        if edited.is_none() {
            self.dragging_edited = None;
        } else if pressed
            && let (Some(o), Some(at)) = (origin, self.edited_at)
            && o.distance(at) <= 12.0
        {
            self.dragging_edited = Some(o);
        }
        let drag_from = self.dragging_edited;
        let dragging = drag_from.is_some();
        let keep_clear: Vec<egui::Rect> = [self.legend, self.controls, self.caption]
            .into_iter()
            .flatten()
            .collect();
        let mut drawn = Vec::new();
        let mut map = Map::new(basemap, &mut self.memory, lat_lon(home.sw.lat, home.sw.lon))
            .zoom_with_ctrl(false)
            .drag_pan_buttons(if dragging {
                egui::DragPanButtons::empty()
            } else {
                egui::DragPanButtons::PRIMARY
            })
            .with_plugin(RegionOutlines {
                regions: state.regions(),
                emphasised,
            });
        if let Some(online) = self.online.as_mut() {
            map = map.with_layer(online, 1.0);
        }
        let now = ui.input(|i| i.time);
        let seen = doc.map_or(0, |d| std::sync::Arc::as_ptr(&d.view) as usize);
        if seen != self.view_seen {
            (self.view_seen, self.view_since) = (seen, now);
        }
        let fade = ((now - self.view_since) / FADE_IN).clamp(0.0, 1.0) as f32;
        if fade < 1.0 && doc.is_some_and(|d| !d.view.entered.is_empty()) {
            ui.ctx().request_repaint();
        }
        let counted = doc
            .and_then(|d| d.live.as_ref())
            .filter(|l| !l.shown.complete);
        if let (Some(d), Some(l)) = (doc, counted) {
            let selected = selected.and_then(|e| {
                let p = d.table().point(e)?;
                Some((p, d.view.color(d.table().category(e))))
            });
            map = map.with_plugin(ServerCells {
                cells: &l.shown.cells,
                zoom: l.shown.ask.zoom,
                selected,
                actions: &mut marker_actions,
            });
        } else if let Some(d) = doc {
            map = map.with_plugin(EventMarkers {
                fade,
                table: d.table(),
                view: &d.view,
                regions: state.regions(),
                selected,
                hovered,
                fade_doubtful: state.fade_doubtful(),
                keep_clear: &keep_clear,
                drawn: &mut drawn,
                actions: &mut marker_actions,
            });
        }
        if let Some(review) = state.review() {
            map = map.with_plugin(crate::map::overlays::ProposedMarkers {
                review,
                actions: &mut proposed_actions,
            });
        }
        let mut cursor = None;
        let mut taken_in_hand = false;
        // Authoring: the next click puts the event being edited there.
        let placing = state.work().is_some_and(|w| w.placing);
        let mut placed = None;
        let mut moved = None;
        let mut edited_at = None;
        map.show(ui, |ui, response, projector, _memory| {
            edited_at = edited.map(|p| projector.project(lat_lon(p.lat, p.lon)).to_pos2());
            if dragging && let Some(pos) = ui.input(|i| i.pointer.latest_pos()) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
                ui.painter()
                    .circle_stroke(pos, 9.0, Stroke::new(2.5, Color32::BLACK));
                // A click on it (no move) is no move.
                if released && drag_from.is_some_and(|o| o.distance(pos) > 3.0) {
                    let p = projector.unproject(pos.to_vec2());
                    moved = Some(LatLon {
                        lat: p.y(),
                        lon: p.x(),
                    });
                }
            }
            taken_in_hand = response.dragged()
                || (response.hovered() && ui.input(|i| i.smooth_scroll_delta != egui::Vec2::ZERO));
            if placing {
                if response.hovered() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
                }
                if response.clicked()
                    && let Some(pos) = response.interact_pointer_pos()
                {
                    let p = projector.unproject(pos.to_vec2());
                    placed = Some(LatLon {
                        lat: p.y(),
                        lon: p.x(),
                    });
                }
            }
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
                format!("{ATTRIBUTION} · Online tiles © OpenStreetMap contributors")
            } else {
                ATTRIBUTION.to_string()
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
            self.flight = None;
        }
        self.edited_at = edited_at;
        if released {
            self.dragging_edited = None;
        }
        match (placed, moved) {
            (Some(point), _) => actions.push(AuthorAction::PlaceAt(point)),
            (None, Some(point)) => actions.push(AuthorAction::MoveTo(point)),
            (None, None) if !dragging => {
                actions.extend(marker_actions.take());
                actions.extend(proposed_actions.take());
            }
            (None, None) => {}
        }
        let controls = self.controls(ui, rect, actions);
        let legend = self.facets.ui(
            ui,
            state,
            rect.left_top() + vec2(10.0, 10.0),
            (rect.height() - 120.0).max(80.0),
            actions,
        );
        self.legend = legend.as_ref().map(|r| r.rect);
        self.overlays = [Some(controls), legend]
            .into_iter()
            .flatten()
            .map(|r| (r.layer_id, r.rect))
            .collect();
        self.notices(ui, state, rect);
        let taken: Vec<egui::Rect> = drawn
            .into_iter()
            .chain(self.legend)
            .chain(self.controls)
            .collect();
        self.caption = window_date(ui, state, rect, &taken);
    }

    /// Sea where the offline basemap has data, grey where it has none (and
    /// says so when that is most of the view).
    fn draw_ground(&mut self, ui: &Ui, rect: egui::Rect) {
        let covered = self.basemap_coverage(rect);
        self.outside_basemap = covered.is_some_and(|c| {
            let area = if c.is_positive() { c.area() } else { 0.0 };
            area < rect.area() / 2.0
        });
        // Over-zoomed: the deepest tile the archive has here, if it is
        // more than a level above the view's zoom.
        self.coarse_basemap = covered.and_then(|_| {
            let basemap = self.basemap.as_ref()?;
            let [x, y] = mercator(self.center()?);
            let zoom = self.memory.zoom().floor().clamp(0.0, 24.0) as u8;
            let tiles = f64::from(1u32 << zoom);
            let tile = |v: f64| ((v * tiles) as u32).min((1u32 << zoom) - 1);
            let deepest = basemap.info.coverage.source_zoom(zoom, tile(x), tile(y))?;
            // (Where it has its deepest detail, as in Moscow, nothing is said.)
            let coarse = self.memory.zoom() > f64::from(deepest) + 1.0
                && deepest < basemap.info.coverage.max_zoom();
            coarse.then_some(deepest)
        });
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
    }

    /// Zoom and fit buttons in the map's top-right corner.
    fn controls(&mut self, ui: &Ui, rect: egui::Rect, actions: &mut Actions) -> egui::Response {
        let area = egui::Area::new(ui.scope_id().with("map-controls"))
            .pivot(Align2::RIGHT_TOP)
            .fixed_pos(rect.right_top() + vec2(-10.0, 10.0))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.vertical(|ui| {
                        for (command, label) in [
                            (Command::ZoomIn, RichText::new("+").size(18.0)),
                            (Command::ZoomOut, RichText::new("−").size(18.0)),
                            (Command::Fit, RichText::new("Fit")),
                        ] {
                            if command.button(ui, label) {
                                actions.push(Action::Command(command));
                            }
                        }
                    });
                });
            });
        self.controls = Some(area.response.rect);
        area.response
    }

    /// A notice along the top, between the legend and the zoom buttons
    /// (framing keeps that band free of markers); and a basemap that failed.
    fn notices(&self, ui: &Ui, state: &AppState, rect: egui::Rect) {
        let unplaced = state
            .view()
            .filter(|v| v.markers.is_empty())
            .map_or(0, |v| v.markers.unplaced());
        let notice = if unplaced > 0 {
            Some(format!(
                "None of the {unplaced} events shown has a place on the map: the timeline lists them."
            ))
        } else if self.outside_basemap {
            Some("Grey: no offline map here. Turn on OpenStreetMap (online) for one.".to_owned())
        } else {
            self.coarse_basemap.map(|deepest| {
                format!(
                    "The offline map has no more detail here than at zoom {deepest}: \
                     turn on OpenStreetMap (online) for more."
                )
            })
        };
        if let Some(text) = notice {
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
    }
}

/// The time window, large along the bottom of the map (as it plays, the
/// date moves on); where that would hide a marker or cluster (`taken`, with
/// the legend and buttons), in a bottom corner or along the top instead.
/// Returns where it was drawn.
fn window_date(
    ui: &Ui,
    state: &AppState,
    rect: egui::Rect,
    taken: &[egui::Rect],
) -> Option<egui::Rect> {
    let (Some((from, to)), Some(table)) = (state.filter().window, state.table()) else {
        return None;
    };
    let words = incident_map_core::filter::window_words(from, to, table.tz());
    let galley = ui.painter().layout_no_wrap(
        words,
        FontId::proportional(if state.playback().playing { 30.0 } else { 22.0 }),
        Color32::from_gray(25),
    );
    let at = caption_place(rect, galley.size(), taken);
    let backdrop = egui::Rect::from_min_size(at, galley.size()).expand2(vec2(10.0, 4.0));
    ui.painter()
        .rect_filled(backdrop, 6.0, Color32::from_white_alpha(210));
    let label = format!("Time window: {}", galley.text());
    ui.painter().galley(at, galley, Color32::from_gray(25));
    ui.interact(
        backdrop,
        ui.scope_id().with("window-date"),
        egui::Sense::hover(),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
    Some(backdrop)
}

/// Where a caption of `size` goes on the map's `rect`: the middle of the
/// bottom (above the scale bar and attribution), else its left or right
/// end, else the middle of the top, below the legend's band; the first
/// that covers none of `taken`, else the one covering fewest.
fn caption_place(rect: egui::Rect, size: egui::Vec2, taken: &[egui::Rect]) -> egui::Pos2 {
    let bottom = rect.bottom() - 34.0 - size.y;
    let top = rect.top() + 56.0;
    let candidates = [
        egui::pos2(rect.center().x - size.x / 2.0, bottom),
        egui::pos2(rect.left() + 22.0, bottom - 24.0),
        egui::pos2(rect.right() - 22.0 - size.x, bottom),
        egui::pos2(rect.center().x - size.x / 2.0, top),
    ];
    let covered = |at: &egui::Pos2| {
        let r = egui::Rect::from_min_size(*at, size).expand2(vec2(10.0, 4.0));
        taken.iter().filter(|t| t.intersects(r)).count()
    };
    candidates
        .iter()
        .copied()
        .min_by_key(covered)
        .unwrap_or(candidates[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_date_goes_where_it_hides_nothing() {
        let map = egui::Rect::from_min_size(egui::pos2(0.0, 0.0), vec2(800.0, 600.0));
        let size = vec2(300.0, 28.0);
        // Nothing in the way: the middle of the bottom.
        let at = caption_place(map, size, &[]);
        assert_eq!(at, egui::pos2(250.0, 538.0));
        // A marker there: the bottom's left end.
        let marker = egui::Rect::from_center_size(egui::pos2(400.0, 550.0), vec2(16.0, 16.0));
        let at = caption_place(map, size, &[marker]);
        assert_eq!(at, egui::pos2(22.0, 514.0));
        // Markers along the whole bottom: the top.
        let row: Vec<egui::Rect> = (0..20)
            .map(|k| {
                egui::Rect::from_center_size(
                    egui::pos2(20.0 + 40.0 * k as f32, 540.0),
                    vec2(16.0, 16.0),
                )
            })
            .collect();
        let at = caption_place(map, size, &row);
        assert_eq!(at, egui::pos2(250.0, 56.0));
        // Nowhere free: where it hides fewest, the top.
        let mut crowded = row.clone();
        crowded.extend((0..4).map(|k| {
            egui::Rect::from_center_size(
                egui::pos2(300.0 + 60.0 * k as f32, 70.0),
                vec2(16.0, 16.0),
            )
        }));
        let at = caption_place(map, size, &crowded);
        let hidden = |at: egui::Pos2| {
            let r = egui::Rect::from_min_size(at, size).expand2(vec2(10.0, 4.0));
            crowded.iter().filter(|t| t.intersects(r)).count()
        };
        // (Along the bottom it would hide more than the four at the top.)
        assert_eq!((at, hidden(at)), (egui::pos2(250.0, 56.0), 4));
    }
}

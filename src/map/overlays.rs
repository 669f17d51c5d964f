//! What the app draws over the tiles: the regions the scenario happens in,
//! the events, and a scale bar. Each overlay is a walkers plugin that only
//! draws; what the user clicks comes back as an [`Action`].

use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, Ui, vec2};
use walkers::{MapMemory, Plugin, Projector, lat_lon};

use crate::action::{Action, Actions, CameraMove, SelectionAction};
use crate::views::ViewIndex;
use incident_map_core::geography::{Region, RegionIndex};
use incident_map_core::markers::{Screen, Shape as MarkerShape, cluster_radius, mercator};
use incident_map_core::model::LatLon;
use incident_map_core::store::EventTable;

const REGION_COLOR: Color32 = Color32::from_rgb(120, 70, 150);

/// The colour of what is proposed, not yet decided: on the map, on the
/// timeline, in the review.
pub const PROPOSED: Color32 = Color32::from_rgb(120, 60, 200);

/// The events proposed by reading a source, not yet decided: each a hollow
/// diamond in the review's colour at its place, with a ring as wide as the
/// place when that shows; the chosen one filled, named and ringed. A click
/// chooses one.
pub struct ProposedMarkers<'a> {
    pub review: &'a crate::state::Review,
    pub actions: &'a mut Actions,
}

impl Plugin for ProposedMarkers<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        _response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let Some(read) = self.review.read() else {
            return;
        };
        let painter = ui.painter().clone();
        let chosen = self.review.chosen;
        // The chosen one last, over the others.
        let order =
            self.review.pending().filter(|&i| Some(i) != chosen).chain(
                chosen.filter(|&i| self.review.verdict(i) == crate::state::Verdict::Pending),
            );
        for i in order {
            let Some(c) = read.candidates.get(i) else {
                continue;
            };
            let Some(place) = &c.place else { continue };
            let at = projector
                .project(lat_lon(place.point.lat, place.point.lon))
                .to_pos2();
            let is_chosen = chosen == Some(i);
            // How wide the place is, on screen.
            let edge = projector
                .project(lat_lon(
                    place.point.lat + place.radius_km / 111.2,
                    place.point.lon,
                ))
                .to_pos2();
            let ring = at.distance(edge);
            if ring > 10.0 && ring < 4000.0 {
                let points: Vec<Pos2> = (0..=64)
                    .map(|k| {
                        let a = k as f32 / 64.0 * std::f32::consts::TAU;
                        at + vec2(a.cos(), a.sin()) * ring
                    })
                    .collect();
                painter.add(Shape::dashed_line(
                    &points,
                    Stroke::new(if is_chosen { 2.0 } else { 1.2 }, PROPOSED),
                    6.0,
                    5.0,
                ));
            }
            let r = if is_chosen { 10.0 } else { 7.0 };
            let diamond = vec![
                at + vec2(0.0, -r),
                at + vec2(r, 0.0),
                at + vec2(0.0, r),
                at + vec2(-r, 0.0),
            ];
            let (fill, stroke) = if is_chosen {
                (PROPOSED, Stroke::new(2.0, Color32::WHITE))
            } else {
                (Color32::WHITE, Stroke::new(2.5, PROPOSED))
            };
            painter.add(Shape::convex_polygon(diamond, fill, stroke));
            if is_chosen {
                let title: String = c.proposal.title.chars().take(60).collect();
                painter.text(
                    at + vec2(r + 6.0, 0.0),
                    Align2::LEFT_CENTER,
                    title,
                    FontId::proportional(12.0),
                    PROPOSED,
                );
            }
            let response = ui.interact(
                egui::Rect::from_center_size(at, vec2(2.0 * r + 4.0, 2.0 * r + 4.0)),
                ui.scope_id().with(("proposed", i)),
                egui::Sense::click(),
            );
            let label = format!("Proposed: {}", c.proposal.title);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if response
                .on_hover_text(format!("{label}\n{}: click to review it", place.label))
                .clicked()
            {
                self.actions.push(crate::action::ReviewAction::Choose(i));
            }
        }
    }
}

/// Outlines and names of the bundled regions (Moscow, Moscow Oblast, Kaluga Oblast).
pub struct RegionOutlines<'a> {
    pub regions: &'a RegionIndex,
    /// The region to emphasise: that of a selected region-level event.
    pub emphasised: Option<&'a str>,
}

impl Plugin for RegionOutlines<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        _response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let painter = ui.painter();
        for region in self.regions.regions() {
            let emphasised = self.emphasised == Some(region.code.as_str());
            let stroke = Stroke::new(if emphasised { 3.0 } else { 1.6 }, REGION_COLOR);
            for polygon in &region.outline.0 {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    let points = project_ring(ring, projector);
                    painter.add(Shape::line(points, stroke));
                }
            }
            // Below zoom 6 the tiles' own labels say enough.
            if projector.zoom() >= 6.0 {
                draw_region_name(painter, region, projector);
            }
        }
    }
}

/// A ring of lon/lat coordinates on screen.
fn project_ring(ring: &geo::LineString<f64>, projector: &Projector) -> Vec<Pos2> {
    ring.coords()
        .map(|c| projector.project(lat_lon(c.y, c.x)).to_pos2())
        .collect()
}

fn draw_region_name(painter: &egui::Painter, region: &Region, projector: &Projector) {
    let Some(label) = region_label_point(region) else {
        return;
    };
    let at = projector.project(lat_lon(label.1, label.0)).to_pos2();
    if !painter.clip_rect().contains(at) {
        return;
    }
    painter.text(
        at,
        Align2::CENTER_CENTER,
        &region.name,
        FontId::proportional(15.0),
        REGION_COLOR,
    );
}

/// Where a region's name goes: the centre of its bounding box, nudged for
/// Moscow Oblast, whose centre is the city of Moscow.
fn region_label_point(region: &Region) -> Option<(f64, f64)> {
    use geo::BoundingRect;
    let r = region.outline.bounding_rect()?;
    let c = r.center();
    Some(match region.code.as_str() {
        "RU-MOS" => (c.x, r.max().y - (r.max().y - r.min().y) * 0.15),
        "RU-MOW" => (c.x, c.y - (r.max().y - r.min().y) * 0.3),
        _ => (c.x, c.y),
    })
}

/// The events of a live table's view as the server counted them, while
/// the view holds more than the page of events sent in full: one bubble
/// per cell with its count, at its events' mean position; a click zooms in.
pub struct ServerCells<'a> {
    pub cells: &'a [incident_map_core::postgis::view::CellCount],
    /// The zoom the cells were counted at.
    pub zoom: u8,
    /// The selected event, drawn over the cells.
    pub selected: Option<(LatLon, Color32)>,
    pub actions: &'a mut Actions,
}

impl Plugin for ServerCells<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        _response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let painter = ui.painter().clone();
        let clip = projector.clip_rect().expand(40.0);
        for cell in self.cells {
            let point = incident_map_core::markers::unmercator(cell.at);
            let at = projector.project(lat_lon(point.lat, point.lon)).to_pos2();
            if !clip.contains(at) {
                continue;
            }
            let r = cluster_radius(cell.count as usize) as f32;
            bubble(&painter, at, r);
            count_label(&painter, at, crate::state::thousands(cell.count as usize));
            let response = ui.interact(
                egui::Rect::from_center_size(at, vec2(2.0 * r, 2.0 * r)),
                ui.scope_id().with(("server cell", self.zoom, cell.key)),
                egui::Sense::click(),
            );
            let label = format!("Cluster of {} events", cell.count);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if response
                .on_hover_text(format!("{label}, counted by the server: click to zoom in"))
                .clicked()
            {
                self.actions.push(Action::Move(CameraMove::Approach {
                    point,
                    min_zoom: f64::from(self.zoom) + 2.0,
                }));
            }
        }
        if let Some((point, color)) = self.selected {
            let at = projector.project(lat_lon(point.lat, point.lon)).to_pos2();
            painter.circle(at, 9.0, color, Stroke::new(2.0, Color32::WHITE));
            painter.circle_stroke(at, 14.0, Stroke::new(2.5, Color32::BLACK));
        }
    }
}

/// A cluster's disc, of radius `r`.
fn bubble(painter: &egui::Painter, at: Pos2, r: f32) {
    painter.circle(
        at,
        r,
        Color32::from_rgb(40, 70, 140).gamma_multiply(0.9),
        Stroke::new(2.0, Color32::WHITE),
    );
}

/// The count on a cluster's disc.
fn count_label(painter: &egui::Painter, at: Pos2, text: String) {
    painter.text(
        at,
        Align2::CENTER_CENTER,
        text,
        FontId::proportional(12.0),
        Color32::WHITE,
    );
}

/// Up to this many markers on screen, uncertainty circles are tinted;
/// beyond it, only outlined (tints of many overlap into a carpet).
const MAX_TINTED: usize = 24;

/// The dataset's events, as laid out by the [`MarkerIndex`]: a pin for a
/// building or street, a pin with its uncertainty circle for a town, the
/// region's outline for a region; a numbered cluster where they are dense.
/// Only what is on screen is drawn.
pub struct EventMarkers<'a> {
    pub table: &'a EventTable,
    pub view: &'a ViewIndex,
    pub regions: &'a RegionIndex,
    /// The selected event, by index: always drawn, even inside a cluster.
    pub selected: Option<usize>,
    /// The event hovered in another view (the timeline): ringed here.
    pub hovered: Option<usize>,
    /// How far the markers that entered with this view have faded in (0–1).
    pub fade: f32,
    /// Draw faded the events whose best evidence is doubtful or improbable.
    pub fade_doubtful: bool,
    /// What names must keep clear of besides the markers: the map's own
    /// overlays (legend, buttons, the window's date), as last drawn.
    pub keep_clear: &'a [egui::Rect],
    /// Where markers and clusters were drawn (for the overlays drawn after
    /// them to keep clear of); as many as are on screen, never more.
    pub drawn: &'a mut Vec<egui::Rect>,
    pub actions: &'a mut Actions,
}

impl Plugin for EventMarkers<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        _response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let clip = projector.clip_rect();
        let c = projector.unproject(clip.center().to_vec2());
        let view = Screen {
            center: mercator(LatLon {
                lat: c.y(),
                lon: c.x(),
            }),
            zoom: projector.zoom(),
            size: [f64::from(clip.width()), f64::from(clip.height())],
        };
        let to_pos = |p: [f64; 2]| clip.min + vec2(p[0] as f32, p[1] as f32);
        let table = self.table;
        let index = &self.view.markers;
        let selected_marker = self.selected.and_then(|e| index.of_event(e));
        let selected_region = selected_marker.and_then(|m| table.region(index.event(m)));
        let painter = ui.painter().clone();

        // Region-level events: each region's outline once, dashed.
        for (code, first) in index.regions() {
            let Some(region) = self.regions.get(code) else {
                continue;
            };
            let chosen = selected_region == Some(code.as_str());
            let color = self.view.color(table.category(index.event(*first)));
            for polygon in &region.outline.0 {
                let pts = project_ring(polygon.exterior(), projector);
                painter.add(Shape::dashed_line(
                    &pts,
                    Stroke::new(if chosen { 4.0 } else { 2.5 }, color),
                    10.0,
                    6.0,
                ));
            }
        }

        let layout = index.layout(table, &view);
        for cluster in &layout.clusters {
            let at = to_pos(cluster.at);
            let r = cluster_radius(cluster.count) as f32;
            bubble(&painter, at, r);
            self.drawn
                .push(egui::Rect::from_center_size(at, vec2(2.0 * r, 2.0 * r)));
            // What it holds, by category: a ring of segments.
            let sample = index.sample(cluster.zoom, &cluster.cells, CLUSTER_SAMPLE);
            category_ring(&painter, at, r - 3.0, &sample, |e| {
                self.view.color(table.category(e))
            });
            count_label(&painter, at, cluster.count.to_string());
            let response = ui.interact(
                egui::Rect::from_center_size(at, vec2(2.0 * r, 2.0 * r)),
                ui.scope_id()
                    .with(("cluster", cluster.zoom, cluster.cells[0])),
                egui::Sense::click(),
            );
            let label = format!("Cluster of {} events", cluster.count);
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            let hint = if index.cluster_splits(cluster.zoom, &cluster.cells) {
                "click to zoom in"
            } else {
                "at one spot: click to list them"
            };
            if response.on_hover_text(format!("{label}: {hint}")).clicked() {
                self.actions.push(SelectionAction::OpenCluster {
                    zoom: cluster.zoom,
                    cells: cluster.cells.clone(),
                });
            }
        }

        let mut singles: Vec<(usize, Pos2, Pos2)> = layout
            .singles
            .iter()
            .map(|s| (s.marker, to_pos(s.at), to_pos(s.true_at)))
            .collect();
        // The selected and hovered events show even when clustered.
        for m in [
            selected_marker,
            self.hovered.and_then(|e| index.of_event(e)),
        ]
        .into_iter()
        .flatten()
        {
            if !singles.iter().any(|s| s.0 == m) {
                let at = to_pos(view.to_screen(index.marker(table, m).world));
                singles.push((m, at, at));
            }
        }
        // Few markers and a close view: each is named, not only on hover.
        let roomy = singles.len() <= MAX_LABELS && projector.zoom() >= LABEL_ZOOM;
        self.drawn.extend(
            singles
                .iter()
                .map(|s| egui::Rect::from_center_size(s.1, vec2(16.0, 16.0))),
        );
        // What names must not cover: the markers and clusters, the map's
        // overlays, and the names already on the map (a name with no free
        // place is left out). The hovered or selected marker's name is
        // drawn last, over the other names, but clear of markers and
        // overlays where it can be.
        let marks: Vec<egui::Rect> = self.drawn.iter().chain(self.keep_clear).copied().collect();
        let mut named = marks.clone();
        let mut emphasised = Vec::new();
        let map = painter.clip_rect().shrink(4.0);
        let diagonal = clip.size().length();
        let few_circles = singles.len() <= MAX_TINTED;
        for (m, at, true_at) in singles {
            let marker = index.marker(table, m);
            let id = table.id(marker.event);
            let title = table.title(marker.event);
            let selected = Some(m) == selected_marker;
            // A marker that just entered (playing, brushing) fades in.
            let alpha = if self.fade < 1.0 && !selected && self.view.entered(marker.event) {
                self.fade
            } else {
                1.0
            };
            // Doubtful or improbable evidence, faded when asked.
            let doubtful = self.fade_doubtful
                && !selected
                && table.credibility(marker.event).is_some_and(|c| c.is_low());
            let alpha = if doubtful { alpha * 0.35 } else { alpha };
            let color = self
                .view
                .color(table.category(marker.event))
                .gamma_multiply(alpha);
            if at != true_at {
                painter.line_segment([true_at, at], Stroke::new(1.0, Color32::from_gray(90)));
                painter.circle_filled(true_at, 2.0, Color32::from_gray(60));
            }
            if let Some(g) = table.geometry(marker.event) {
                draw_geometry(&painter, g, projector, color, selected);
            }
            if let MarkerShape::Circle { radius_m } = marker.shape {
                // Tinted when few or chosen; an outline when many overlap;
                // nothing when the whole view is inside it (no news there).
                let px = radius_m as f32
                    * projector.scale_pixel_per_meter(lat_lon(marker.point.lat, marker.point.lon));
                let chosen = selected || self.hovered == Some(marker.event);
                if px <= diagonal {
                    if chosen || few_circles {
                        painter.circle(at, px, color.gamma_multiply(0.15), Stroke::new(1.0, color));
                    } else {
                        painter.circle_stroke(at, px, Stroke::new(1.0, color.gamma_multiply(0.5)));
                    }
                }
            }
            let r = if selected { 9.0 } else { 7.0 };
            let response = ui.interact(
                egui::Rect::from_center_size(at, vec2(2.0 * r + 4.0, 2.0 * r + 4.0)),
                ui.scope_id().with(id),
                egui::Sense::click(),
            );
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Map: {title}"))
            });
            if matches!(marker.shape, MarkerShape::Region { .. }) {
                // No pin: the region is the location.
                painter.text(
                    at,
                    Align2::CENTER_CENTER,
                    "◌",
                    FontId::proportional(20.0),
                    color,
                );
            } else {
                painter.circle(
                    at,
                    r,
                    color,
                    Stroke::new(2.0, Color32::WHITE.gamma_multiply(alpha)),
                );
            }
            if response.hovered() || selected {
                let label = format!("{title}: {}", table.label(marker.event));
                emphasised.push((at, r + 6.0, label, color));
            } else if roomy {
                let galley = painter.layout_no_wrap(
                    title.to_string(),
                    FontId::proportional(11.0),
                    Color32::from_gray(20),
                );
                if let Some(frame) = tag_place(map, at, r + 4.0, galley.size(), &named) {
                    painter.rect_filled(frame.expand(2.0), 2.0, Color32::from_white_alpha(200));
                    painter.galley(frame.min, galley, Color32::BLACK);
                    named.push(frame.expand(2.0));
                }
            }
            if self.hovered == Some(marker.event) {
                painter.circle_stroke(at, r + 5.0, Stroke::new(2.5, Color32::BLACK));
            }
            if response.hovered() {
                self.actions.push(SelectionAction::Hover(id.to_string()));
            }
            if response.clicked() {
                self.actions.push(SelectionAction::Select(id.to_string()));
            }
        }
        for (at, gap, label, color) in emphasised {
            // On one line, or on two where one line finds no free place.
            let font = FontId::proportional(13.0);
            let line = painter.layout_no_wrap(label.clone(), font.clone(), Color32::BLACK);
            let two = painter.layout(
                label,
                font,
                Color32::BLACK,
                (line.size().x / 2.0).max(160.0) + 8.0,
            );
            let (k, frame) = chosen_name_place(
                map,
                at,
                gap,
                &[line.size(), two.size()],
                self.drawn,
                self.keep_clear,
            );
            let galley = if k == 0 { line } else { two };
            painter.rect(
                frame.expand(3.0),
                3.0,
                Color32::from_white_alpha(235),
                Stroke::new(1.0, color),
                egui::StrokeKind::Outside,
            );
            painter.galley(frame.min, galley, Color32::BLACK);
        }
    }
}

/// A cluster's segments are measured on at most this many of its events,
/// evenly spread through it (all of them in a smaller one): a frame's cost
/// does not grow with what a cluster holds.
pub const CLUSTER_SAMPLE: usize = 256;

/// A ring around `at` split into arcs in proportion to the events' colours,
/// the most frequent first from twelve o'clock.
fn category_ring(
    painter: &egui::Painter,
    at: Pos2,
    radius: f32,
    events: &[usize],
    color: impl Fn(usize) -> Color32,
) {
    if events.is_empty() {
        return;
    }
    let mut counts: Vec<(Color32, usize)> = Vec::new();
    for &e in events {
        let c = color(e);
        match counts.iter_mut().find(|(k, _)| *k == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((c, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let total = events.len() as f32;
    let mut start = -std::f32::consts::FRAC_PI_2;
    for (c, n) in counts {
        let sweep = std::f32::consts::TAU * n as f32 / total;
        let steps = ((sweep * radius / 3.0).ceil() as usize).max(2);
        let points: Vec<Pos2> = (0..=steps)
            .map(|k| {
                let a = start + sweep * k as f32 / steps as f32;
                at + vec2(a.cos(), a.sin()) * radius
            })
            .collect();
        painter.add(Shape::line(points, Stroke::new(5.0, c)));
        start += sweep;
    }
}

/// An event's own shape: its lines, or its areas filled lightly.
fn draw_geometry(
    painter: &egui::Painter,
    g: &geo::Geometry<f64>,
    projector: &Projector,
    color: Color32,
    selected: bool,
) {
    use geo::Geometry as G;
    let stroke = Stroke::new(if selected { 4.0 } else { 2.5 }, color);
    match g {
        G::LineString(l) => {
            painter.add(Shape::line(project_ring(l, projector), stroke));
        }
        G::MultiLineString(m) => {
            for l in &m.0 {
                painter.add(Shape::line(project_ring(l, projector), stroke));
            }
        }
        G::Polygon(p) => {
            let ring = project_ring(p.exterior(), projector);
            // egui fills convex shapes only: the outline with a light band inside.
            painter.add(Shape::line(
                ring.clone(),
                Stroke::new(8.0, color.gamma_multiply(0.25)),
            ));
            painter.add(Shape::closed_line(ring, stroke));
        }
        G::MultiPolygon(m) => {
            for p in &m.0 {
                draw_geometry(painter, &G::Polygon(p.clone()), projector, color, selected);
            }
        }
        G::GeometryCollection(c) => {
            for g in &c.0 {
                draw_geometry(painter, g, projector, color, selected);
            }
        }
        G::MultiPoint(m) => {
            for p in &m.0 {
                let at = projector.project(lat_lon(p.y(), p.x())).to_pos2();
                painter.circle(at, 4.0, color, Stroke::new(1.0, Color32::WHITE));
            }
        }
        _ => {}
    }
}

/// Markers are named on the map, not only on hover, when at most this many
/// are drawn one by one and the map is zoomed in at least this far.
const MAX_LABELS: usize = 20;
const LABEL_ZOOM: f64 = 10.0;

/// A scale bar of a round length (1, 2 or 5 × 10ⁿ m) about 100 px long.
pub fn scale_bar(ui: &Ui, projector: &Projector, at: Pos2) {
    let center = projector.unproject(projector.clip_rect().center().to_vec2());
    let px_per_m = projector.scale_pixel_per_meter(center) as f64;
    if px_per_m <= 0.0 || !px_per_m.is_finite() {
        return;
    }
    let target = 100.0 / px_per_m;
    let magnitude = 10f64.powf(target.log10().floor());
    let meters = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|k| k * magnitude)
        .take_while(|m| *m <= target)
        .last()
        .unwrap_or(magnitude);
    let width = (meters * px_per_m) as f32;
    let text = if meters >= 1000.0 {
        format!("{} km", meters / 1000.0)
    } else {
        format!("{meters} m")
    };
    let painter = ui.painter();
    let y = at.y;
    let bar = [
        Pos2::new(at.x, y - 5.0),
        Pos2::new(at.x, y),
        Pos2::new(at.x + width, y),
        Pos2::new(at.x + width, y - 5.0),
    ];
    painter.add(Shape::line(bar.to_vec(), Stroke::new(4.0, Color32::WHITE)));
    painter.add(Shape::line(bar.to_vec(), Stroke::new(2.0, Color32::BLACK)));
    painter.text(
        Pos2::new(at.x + width / 2.0, y - 7.0),
        Align2::CENTER_BOTTOM,
        text,
        FontId::proportional(12.0),
        Color32::BLACK,
    );
}

/// Where the selected or hovered marker's name goes, laid out in one of
/// `sizes` (one line, then two): clear of the other markers (`marks`,
/// which may hold its own) and the overlays (`keep_clear`) in the first
/// size that can be, else on one line clear of the overlays, else anywhere
/// on the `map`; a name wider than the map starts at its left edge. Gives
/// which size, and where.
fn chosen_name_place(
    map: egui::Rect,
    at: Pos2,
    gap: f32,
    sizes: &[egui::Vec2],
    marks: &[egui::Rect],
    keep_clear: &[egui::Rect],
) -> (usize, egui::Rect) {
    // Its own marker is no obstacle (the name is beside it).
    let others: Vec<egui::Rect> = marks
        .iter()
        .filter(|r| !r.contains(at))
        .chain(keep_clear)
        .copied()
        .collect();
    let first = sizes[0];
    sizes
        .iter()
        .enumerate()
        .find_map(|(k, size)| Some((k, tag_place(map, at, gap, *size, &others)?)))
        .or_else(|| Some((0, tag_place(map, at, gap, first, keep_clear)?)))
        .or_else(|| Some((0, tag_place(map, at, gap, first, &[])?)))
        .unwrap_or_else(|| {
            (
                0,
                egui::Rect::from_min_size(egui::pos2(map.left(), at.y + gap), first),
            )
        })
}

/// Where a marker's name of `size` goes: `gap` points to the right of the
/// marker at `at`, else to its left, else below it, else above it; the
/// first place wholly on the `map` that covers none of the rectangles
/// `taken` (names, markers, overlays).
fn tag_place(
    map: egui::Rect,
    at: Pos2,
    gap: f32,
    size: egui::Vec2,
    taken: &[egui::Rect],
) -> Option<egui::Rect> {
    let below_x = (at.x - size.x / 2.0)
        .min(map.right() - size.x)
        .max(map.left());
    [
        egui::pos2(at.x + gap, at.y - size.y / 2.0),
        egui::pos2(at.x - gap - size.x, at.y - size.y / 2.0),
        egui::pos2(below_x, at.y + gap),
        egui::pos2(below_x, at.y - gap - size.y),
    ]
    .into_iter()
    .map(|top_left| egui::Rect::from_min_size(top_left, size))
    .find(|r| map.contains_rect(*r) && !taken.iter().any(|t| t.intersects(*r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_goes_right_else_left_else_below_and_never_over_another() {
        let map = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(400.0, 300.0));
        let size = vec2(100.0, 12.0);
        let right = tag_place(map, egui::pos2(100.0, 100.0), 10.0, size, &[]).unwrap();
        assert_eq!(right.min, egui::pos2(110.0, 94.0));
        // Near the right edge: left of the marker.
        let left = tag_place(map, egui::pos2(350.0, 100.0), 10.0, size, &[]).unwrap();
        assert_eq!(left.max.x, 340.0);
        // Another name on the right: left again.
        let at = egui::pos2(200.0, 200.0);
        let other = egui::Rect::from_min_size(egui::pos2(230.0, 191.0), size);
        let left = tag_place(map, at, 10.0, size, &[other]).unwrap();
        assert_eq!(left.max.x, 190.0);
        // Both sides taken: below.
        let below = tag_place(map, at, 10.0, size, &[other, left]).unwrap();
        assert_eq!(below.min, egui::pos2(150.0, 210.0));
        // And below (a legend there, say): above.
        let above = tag_place(map, at, 10.0, size, &[other, left, below]).unwrap();
        assert_eq!(above.min, egui::pos2(150.0, 178.0));
        // The chosen marker's name: clear of a neighbour on its right and
        // of the legend below-left, so above; with the map too crowded, clear
        // of the overlays at least; over its own marker never counts.
        let own = egui::Rect::from_center_size(at, vec2(16.0, 16.0));
        let neighbour = egui::Rect::from_center_size(egui::pos2(240.0, 200.0), vec2(16.0, 16.0));
        let legend = egui::Rect::from_min_max(egui::pos2(0.0, 191.0), egui::pos2(195.0, 300.0));
        let chosen = chosen_name_place(map, at, 10.0, &[size], &[own, neighbour], &[legend]);
        assert_eq!(
            chosen,
            (0, egui::Rect::from_min_size(egui::pos2(150.0, 178.0), size))
        );
        // A long name that fits nowhere on one line: on two, on the right.
        let long = vec2(300.0, 12.0);
        let two = vec2(160.0, 26.0);
        let beside = [egui::Rect::from_min_size(
            egui::pos2(150.0, 178.0),
            vec2(16.0, 16.0),
        )];
        let (k, frame) = chosen_name_place(map, at, 10.0, &[long, two], &beside, &[legend]);
        assert_eq!((k, frame.min), (1, egui::pos2(210.0, 187.0)));
        let crowd: Vec<egui::Rect> = (0..40)
            .flat_map(|x| {
                (0..30).map(move |y| {
                    egui::Rect::from_center_size(
                        egui::pos2(x as f32 * 10.0, y as f32 * 10.0),
                        vec2(4.0, 4.0),
                    )
                })
            })
            .collect();
        let (_, chosen) = chosen_name_place(map, at, 10.0, &[size], &crowd, &[legend]);
        assert!(!chosen.intersects(legend), "{chosen:?}");
        // Nowhere free: no name.
        assert_eq!(
            tag_place(map, egui::pos2(150.0, 100.0), 10.0, size, &[map]),
            None
        );
    }
}

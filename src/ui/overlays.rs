//! What the app draws over the tiles: the regions the scenario happens in,
//! the events, and a scale bar. Each overlay is a walkers plugin that only
//! draws; what the user clicks comes back as an [`Action`].

use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, Ui, vec2};
use walkers::{MapMemory, Plugin, Projector, lat_lon};

use super::Action;
use crate::geography::{Region, RegionIndex};
use crate::model::{Dataset, Precision};

const REGION_COLOR: Color32 = Color32::from_rgb(120, 70, 150);

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

/// The dataset's events: a pin for a building or street, a pin with its
/// uncertainty circle for a town, the region's outline for a region.
pub struct EventMarkers<'a> {
    pub dataset: &'a Dataset,
    pub regions: &'a RegionIndex,
    pub selected: Option<&'a str>,
    /// The event hovered in another view (the timeline): ringed here.
    pub hovered: Option<&'a str>,
    pub actions: &'a mut Vec<Action>,
}

impl Plugin for EventMarkers<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        _response: &egui::Response,
        projector: &Projector,
        _memory: &MapMemory,
    ) {
        let ds = self.dataset;
        let spread = spread_markers(ds, projector);
        for (index, event) in ds.events.iter().enumerate() {
            let Some(point) = ds.point_of(event) else {
                continue;
            };
            let loc = event.location.as_ref();
            let place = loc
                .and_then(|l| l.place.as_deref())
                .and_then(|id| ds.place(id));
            let precision = loc.and_then(|l| l.precision).or(place.map(|p| p.precision));
            let color = category_color(ds, event.category.as_deref());
            let true_at = projector.project(lat_lon(point.lat, point.lon)).to_pos2();
            let at = spread.get(&index).copied().unwrap_or(true_at);
            let selected = self.selected == Some(event.id.as_str());
            let painter = ui.painter();
            if at != true_at {
                painter.line_segment([true_at, at], Stroke::new(1.0, Color32::from_gray(90)));
                painter.circle_filled(true_at, 2.0, Color32::from_gray(60));
            }
            let region_level = matches!(precision, Some(Precision::Region | Precision::Country));
            if region_level {
                // No pin: the region is the location. Hatch-like dashed ring at its outline.
                if let Some(region) = place
                    .and_then(|p| p.iso3166_2.as_deref())
                    .and_then(|c| self.regions.get(c))
                {
                    for polygon in &region.outline.0 {
                        let pts = project_ring(polygon.exterior(), projector);
                        painter.add(Shape::dashed_line(
                            &pts,
                            Stroke::new(if selected { 4.0 } else { 2.5 }, color),
                            10.0,
                            6.0,
                        ));
                    }
                }
            } else if let Some(radius_m) = loc.and_then(|l| l.uncertainty_m) {
                let px = radius_m as f32
                    * projector.scale_pixel_per_meter(lat_lon(point.lat, point.lon));
                painter.circle(at, px, color.gamma_multiply(0.15), Stroke::new(1.0, color));
            }
            let r = if selected { 9.0 } else { 7.0 };
            let response = ui.interact(
                egui::Rect::from_center_size(at, vec2(2.0 * r + 4.0, 2.0 * r + 4.0)),
                ui.scope_id().with(&event.id),
                egui::Sense::click(),
            );
            let label = format!("{}: {}", event.title, event.when.describe());
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Map: {}", event.title))
            });
            let painter = ui.painter();
            if region_level {
                painter.text(
                    at,
                    Align2::CENTER_CENTER,
                    "◌",
                    FontId::proportional(20.0),
                    color,
                );
            } else {
                painter.circle(at, r, color, Stroke::new(2.0, Color32::WHITE));
            }
            if response.hovered() || selected {
                // On a pale box, so the map's own labels do not garble it.
                let galley =
                    painter.layout_no_wrap(label, FontId::proportional(13.0), Color32::BLACK);
                let top_left = at + vec2(r + 6.0, -galley.size().y / 2.0);
                let frame = egui::Rect::from_min_size(top_left, galley.size()).expand(3.0);
                painter.rect(
                    frame,
                    3.0,
                    Color32::from_white_alpha(235),
                    Stroke::new(1.0, color),
                    egui::StrokeKind::Outside,
                );
                painter.galley(top_left, galley, Color32::BLACK);
            }
            if self.hovered == Some(event.id.as_str()) {
                ui.painter()
                    .circle_stroke(at, r + 5.0, Stroke::new(2.5, Color32::BLACK));
            }
            if response.hovered() {
                self.actions.push(Action::Hover(event.id.clone()));
            }
            if response.clicked() {
                self.actions.push(Action::Select(event.id.clone()));
            }
        }
    }
}

/// Where markers that would sit on top of each other are drawn instead: each
/// group sharing a 14 px cell of the screen is spread on a small circle
/// around its true spot (a "spiderfy"), so every one stays reachable. Only
/// markers on screen are grouped, through a hash of cells: linear, not pairwise.
fn spread_markers(ds: &Dataset, projector: &Projector) -> std::collections::HashMap<usize, Pos2> {
    const CELL: f32 = 14.0;
    let clip = projector.clip_rect().expand(CELL);
    let mut cells: std::collections::HashMap<(i32, i32), Vec<(usize, Pos2)>> =
        std::collections::HashMap::new();
    for (i, e) in ds.events.iter().enumerate() {
        let Some(p) = ds.point_of(e) else { continue };
        let at = projector.project(lat_lon(p.lat, p.lon)).to_pos2();
        if clip.contains(at) {
            cells
                .entry(((at.x / CELL).floor() as i32, (at.y / CELL).floor() as i32))
                .or_default()
                .push((i, at));
        }
    }
    let mut out = std::collections::HashMap::new();
    for group in cells.values().filter(|g| g.len() > 1) {
        let n = group.len() as f32;
        let center = group
            .iter()
            .fold(egui::Vec2::ZERO, |acc, (_, p)| acc + p.to_vec2())
            / n;
        let radius = 12.0 + 2.5 * n;
        for (k, (i, _)) in group.iter().enumerate() {
            let angle = std::f32::consts::TAU * k as f32 / n - std::f32::consts::FRAC_PI_2;
            out.insert(
                *i,
                (center + radius * egui::vec2(angle.cos(), angle.sin())).to_pos2(),
            );
        }
    }
    out
}

/// A category's colour from the dataset, or a neutral one.
pub fn category_color(ds: &Dataset, category: Option<&str>) -> Color32 {
    category
        .and_then(|c| ds.categories.iter().find(|k| k.id == c))
        .and_then(|k| k.color.as_deref())
        .and_then(|hex| Color32::from_hex(hex).ok())
        .unwrap_or(Color32::from_rgb(60, 60, 60))
}

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

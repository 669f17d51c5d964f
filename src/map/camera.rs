//! Where the map looks and how it gets there: framing a box inside the room
//! the map's overlays leave, and gliding from one view to another. Plain
//! arithmetic in Web Mercator, tested without a window.

use incident_map_core::markers::{mercator, unmercator, world_pixels};
use incident_map_core::model::LatLon;

/// How long the map takes to glide to a new view, in seconds.
pub const FLIGHT_SECONDS: f64 = 0.6;

/// A glide from one view to another, in Web Mercator so the path is straight on screen.
#[derive(Debug, Clone)]
pub struct Flight {
    from: ([f64; 2], f64),
    to: ([f64; 2], f64),
    /// When it started, in egui's time: set on its first frame.
    started: Option<f64>,
}

impl Flight {
    pub fn new(from: (LatLon, f64), to: (LatLon, f64)) -> Flight {
        Flight {
            from: (mercator(from.0), from.1),
            to: (mercator(to.0), to.1),
            started: None,
        }
    }

    /// Where it ends.
    pub fn destination(&self) -> (LatLon, f64) {
        (unmercator(self.to.0), self.to.1)
    }

    /// Where the map is at time `now` (egui's clock), and whether the
    /// flight is over. Zooming in, it pans first and zooms last; zooming
    /// out, the reverse: the destination comes into view early and stays.
    pub fn at(&mut self, now: f64) -> ((LatLon, f64), bool) {
        let started = *self.started.get_or_insert(now);
        let t = ((now - started) / FLIGHT_SECONDS).clamp(0.0, 1.0);
        let (a, b) = (self.from, self.to);
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
        ((unmercator(w), a.1 + (b.1 - a.1) * kz), t >= 1.0)
    }
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
    let scale = world_pixels(zoom);
    let shift = |less: f32, more: f32| f64::from(less - more) / 2.0 / scale;
    let center = unmercator([
        (a[0] + b[0]) / 2.0 - shift(insets.left, insets.right),
        (a[1] + b[1]) / 2.0 - shift(insets.top, insets.bottom),
    ]);
    (center, zoom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;

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

    #[test]
    fn a_flight_ends_where_it_was_sent_and_zooms_last_going_in() {
        let from = (
            LatLon {
                lat: 55.0,
                lon: 37.0,
            },
            5.0,
        );
        let to = (
            LatLon {
                lat: 55.8,
                lon: 37.4,
            },
            12.0,
        );
        let mut f = Flight::new(from, to);
        let ((_, z0), done) = f.at(10.0);
        assert!(!done && (z0 - 5.0).abs() < 1e-9);
        let ((mid, zmid), _) = f.at(10.0 + FLIGHT_SECONDS / 2.0);
        // Half way in time: most of the pan done, little of the zoom.
        assert!(mid.lat > 55.5, "{mid:?}");
        assert!(zmid < 8.5, "{zmid}");
        let ((end, zend), done) = f.at(10.0 + FLIGHT_SECONDS * 1.01);
        assert!(done);
        assert!((end.lat - 55.8).abs() < 1e-9 && (zend - 12.0).abs() < 1e-9);
    }
}

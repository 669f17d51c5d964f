//! The time histogram above the timeline, and the controls of the time
//! window: events per bin stacked by category colour (those whose time is
//! longer than a bin drawn apart, as a band over every bin they cover), the
//! undated count beside it, the window drawn over it. Drag across it to set
//! a window, drag the window to move it, its edges to resize it,
//! double-click to clear it; or type the dates, or pick a preset; and play.

use egui::{Color32, CursorIcon, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};

use crate::action::{Action, Actions, FilterEdit, LensAction};
use crate::command::Command;
use crate::state::{AppState, thousands};
use crate::views::NO_CATEGORY;
use incident_map_core::histogram::{BinSize, Histogram};

/// Its height, in points.
const HEIGHT: f32 = 64.0;
/// How near an edge of the window (in points) a drag resizes it.
const EDGE: f32 = 5.0;

/// The histogram and the window's controls, with what is being dragged
/// and the text of the date fields.
#[derive(Default)]
pub struct TimeBar {
    drag: Option<Drag>,
    /// The window last asked for by a drag: asked for again only when it changes.
    asked: Option<(i64, i64)>,
    from_field: String,
    to_field: String,
    /// The window the fields were last filled from.
    fields_for: Option<Option<(i64, i64)>>,
}

/// What a drag across the histogram does.
#[derive(Debug, Clone, Copy)]
enum Drag {
    /// A new window from the bin where it began.
    New {
        anchor: usize,
    },
    /// The window, moved by whole bins: where it was grabbed, and its bins then.
    Move {
        grab: usize,
        a: usize,
        b: usize,
    },
    /// One edge, the other held.
    Start {
        b: usize,
    },
    End {
        a: usize,
    },
}

impl TimeBar {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let Some(doc) = state.document() else { return };
        let table = doc.table();
        let view = &doc.view;
        let h = &view.histogram;
        let window = state.filter().window;
        if h.bins() == 0 {
            if h.undated > 0 {
                ui.weak(format!(
                    "No dates: the {} events are undated or disputed.",
                    thousands(h.undated as usize)
                ));
            }
            return;
        }
        let (rect, response) =
            ui.allocate_exact_size(vec2(ui.available_width(), HEIGHT), Sense::click_and_drag());
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Time histogram"));
        let axis = Axis::new(h, rect);
        self.draw(ui, state, h, &axis, rect, window);
        let tz = table.tz().clone();
        self.interact(&response, h, &axis, window, &tz, actions);
        self.controls(ui, state, h, actions);
    }

    /// The bars, the band of long events, the window and the selection.
    fn draw(
        &self,
        ui: &Ui,
        state: &AppState,
        h: &Histogram,
        axis: &Axis,
        rect: Rect,
        window: Option<(i64, i64)>,
    ) {
        let Some(doc) = state.document() else { return };
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
        let base = rect.bottom() - 14.0;
        let top = rect.top() + 4.0;
        let scale = (base - top) / h.max.max(1) as f32;
        for k in 0..h.bins() {
            let (xa, xb) = (axis.x(h.edges[k]), axis.x(h.edges[k + 1]));
            let (xa, xb) = (xa + 0.5, (xb - 0.5).max(xa + 1.0));
            let mut y = base;
            for (s, &n) in h.bin(k).iter().enumerate() {
                if n == 0 {
                    continue;
                }
                let color = h.stacks[s].map_or(NO_CATEGORY, |c| doc.view.color(Some(c)));
                let y2 = y - n as f32 * scale;
                painter.rect_filled(
                    Rect::from_min_max(Pos2::new(xa, y2), Pos2::new(xb, y)),
                    0.0,
                    color,
                );
                y = y2;
            }
            let spanning = h.spanning[k];
            if spanning > 0 {
                // Events longer than a bin: never put on a guessed day.
                painter.rect_filled(
                    Rect::from_min_max(
                        Pos2::new(xa, y - spanning as f32 * scale),
                        Pos2::new(xb, y),
                    ),
                    0.0,
                    Color32::from_gray(150).gamma_multiply(0.5),
                );
            }
        }
        let grey = Color32::from_gray(140);
        let font = FontId::proportional(10.0);
        let tz = doc.table().tz().clone();
        let label = |s: i64| bin_label(s, h.size, &tz);
        painter.text(
            Pos2::new(rect.left() + 2.0, rect.bottom() - 1.0),
            egui::Align2::LEFT_BOTTOM,
            label(h.edges[0]),
            font.clone(),
            grey,
        );
        painter.text(
            Pos2::new(rect.right() - 2.0, rect.bottom() - 1.0),
            egui::Align2::RIGHT_BOTTOM,
            label(h.edges[h.bins()] - 1),
            font,
            grey,
        );
        if let Some((from, to)) = window {
            let (xa, xb) = (axis.x(from), axis.x(to.saturating_add(1)));
            let shade = Color32::from_black_alpha(90);
            for r in [
                Rect::from_min_max(rect.min, Pos2::new(xa.max(rect.left()), rect.bottom())),
                Rect::from_min_max(Pos2::new(xb.min(rect.right()), rect.top()), rect.max),
            ] {
                if r.width() > 0.0 {
                    painter.rect_filled(r, 0.0, shade);
                }
            }
            let w = Rect::from_min_max(
                Pos2::new(xa.max(rect.left()), rect.top()),
                Pos2::new(xb.min(rect.right()), rect.bottom()),
            );
            painter.rect_stroke(
                w,
                2.0,
                Stroke::new(1.5, Color32::from_rgb(90, 160, 255)),
                egui::StrokeKind::Inside,
            );
        }
        if let Some(s) = state.selection()
            && let Some((a, _)) = doc.table().time(s.event).span()
        {
            let x = axis.x(a.as_second());
            painter.line_segment(
                [Pos2::new(x, rect.top()), Pos2::new(x, base)],
                Stroke::new(1.5, ui.visuals().strong_text_color()),
            );
        }
    }

    /// Brushing: drag to set, move or resize the window; double-click to
    /// clear it; click a bar for its bin alone.
    fn interact(
        &mut self,
        response: &egui::Response,
        h: &Histogram,
        axis: &Axis,
        window: Option<(i64, i64)>,
        tz: &jiff::tz::TimeZone,
        actions: &mut Actions,
    ) {
        let n = h.bins();
        let bins_of = |w: (i64, i64)| {
            let a = h.bin_at(w.0.max(h.edges[0])).unwrap_or(0);
            let b = h.bin_at(w.1.min(h.edges[n] - 1)).unwrap_or(n - 1);
            (a, b.max(a))
        };
        let span = |a: usize, b: usize| (h.edges[a], h.edges[b + 1] - 1);
        let hover_bin = response.hover_pos().map(|p| axis.bin(h, p.x));
        // What a press here would do, for the cursor.
        let near = |x: f32| -> Option<Drag> {
            let (from, to) = window?;
            let (xa, xb) = (axis.x(from), axis.x(to.saturating_add(1)));
            let (a, b) = bins_of((from, to));
            if (x - xa).abs() <= EDGE {
                Some(Drag::Start { b })
            } else if (x - xb).abs() <= EDGE {
                Some(Drag::End { a })
            } else if x > xa && x < xb {
                Some(Drag::Move {
                    grab: axis.bin(h, x),
                    a,
                    b,
                })
            } else {
                None
            }
        };
        if let Some(p) = response.hover_pos() {
            match near(p.x) {
                Some(Drag::Start { .. } | Drag::End { .. }) => {
                    response.ctx.set_cursor_icon(CursorIcon::ResizeHorizontal)
                }
                Some(Drag::Move { .. }) => response.ctx.set_cursor_icon(CursorIcon::Grab),
                _ => {}
            }
        }
        if response.double_clicked() {
            self.drag = None;
            actions.push(LensAction::Filter(FilterEdit::Window(None)));
            return;
        }
        if response.drag_started()
            && let Some(p) = response
                .ctx
                .input(|i| i.pointer.press_origin())
                .or(response.interact_pointer_pos())
        {
            self.drag = Some(near(p.x).unwrap_or(Drag::New {
                anchor: axis.bin(h, p.x),
            }));
            self.asked = window;
        }
        if response.dragged()
            && let (Some(drag), Some(p)) = (self.drag, response.interact_pointer_pos())
        {
            let k = axis.bin(h, p.x);
            let w = match drag {
                Drag::New { anchor } => span(anchor.min(k), anchor.max(k)),
                Drag::Move { grab, a, b } => {
                    let len = b - a;
                    let start = (a as i64 + k as i64 - grab as i64).clamp(0, (n - 1 - len) as i64);
                    span(start as usize, start as usize + len)
                }
                Drag::Start { b } => span(k.min(b), b),
                Drag::End { a } => span(a, k.max(a)),
            };
            if self.asked != Some(w) {
                self.asked = Some(w);
                actions.push(LensAction::Filter(FilterEdit::Window(Some(w))));
            }
        }
        if response.drag_stopped() {
            self.drag = None;
        }
        if response.clicked()
            && let Some(k) = hover_bin
        {
            actions.push(LensAction::Filter(FilterEdit::Window(Some(span(k, k)))));
        }
        if let Some(k) = hover_bin
            && self.drag.is_none()
        {
            let stacked: u32 = h.bin(k).iter().sum();
            let mut text = format!(
                "{}: {} events",
                bin_label(h.edges[k], h.size, tz),
                thousands(stacked as usize)
            );
            if h.spanning[k] > 0 {
                text.push_str(&format!(
                    ", and {} whose time spans more than a {}",
                    thousands(h.spanning[k] as usize),
                    h.size.map_or("bin", BinSize::as_str)
                ));
            }
            text.push_str(
                "\nDrag to choose a window; click for this one; double-click for all time.",
            );
            response.clone().on_hover_text(text);
        }
    }

    /// Play, step, presets, the dates typed, the undated.
    fn controls(&mut self, ui: &mut Ui, state: &AppState, h: &Histogram, actions: &mut Actions) {
        let playback = state.playback();
        let window = state.filter().window;
        let tz = state
            .table()
            .map_or(jiff::tz::TimeZone::UTC, |t| t.tz().clone());
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            let play = if playback.playing { "Pause" } else { "Play" };
            if Command::PlayPause.button(ui, play) {
                actions.push(Action::Command(Command::PlayPause));
            }
            for (c, label) in [(Command::StepBack, "«"), (Command::StepForward, "»")] {
                if Command::button(c, ui, label) {
                    actions.push(Action::Command(c));
                }
            }
            if Command::Slower.button(ui, RichText::new("slower").small()) {
                actions.push(Action::Command(Command::Slower));
            }
            ui.label(RichText::new(format!("{}/s", playback.speed)).small())
                .on_hover_text("Steps a second while playing");
            if Command::Faster.button(ui, RichText::new("faster").small()) {
                actions.push(Action::Command(Command::Faster));
            }
            for (c, on) in [
                (Command::ToggleLoop, playback.looped),
                (Command::ToggleAccumulate, playback.accumulate),
            ] {
                let text = if c == Command::ToggleLoop {
                    "Loop"
                } else {
                    "Accumulate"
                };
                if ui
                    .selectable_label(on, RichText::new(text).small())
                    .on_hover_text(c.hover_text(ui.ctx()))
                    .clicked()
                {
                    actions.push(Action::Command(c));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            for (c, label) in [
                (Command::WindowDay, "Day"),
                (Command::WindowWeek, "Week"),
                (Command::WindowMonth, "Month"),
                (Command::WindowAll, "All"),
            ] {
                if c.button(ui, RichText::new(label).small()) {
                    actions.push(Action::Command(c));
                }
            }
            if h.undated > 0 {
                let on = state.filter().include_undated;
                if ui
                    .selectable_label(
                        on,
                        RichText::new(format!("{} undated", thousands(h.undated as usize))).small(),
                    )
                    .on_hover_text(Command::ToggleUndated.hover_text(ui.ctx()))
                    .clicked()
                {
                    actions.push(Action::Command(Command::ToggleUndated));
                }
            }
        });
        // The dates typed: filled from the window whenever it changes.
        if self.fields_for != Some(window) {
            self.fields_for = Some(window);
            let day = |s: i64| {
                jiff::Timestamp::from_second(s)
                    .ok()
                    .filter(|t| *t > jiff::Timestamp::MIN && *t < jiff::Timestamp::MAX)
                    .map(|t| t.to_zoned_datetime(tz.clone()).date().to_string())
                    .unwrap_or_default()
            };
            (self.from_field, self.to_field) = match window {
                Some((a, b)) => (day(a), day(b)),
                None => (String::new(), String::new()),
            };
        }
        let mut entered = false;
        let mut problem = None;
        ui.horizontal(|ui| {
            for (label, field) in [("From", &mut self.from_field), ("to", &mut self.to_field)] {
                let l = ui.label(RichText::new(label).small());
                let r = ui
                    .add(
                        egui::TextEdit::singleline(field)
                            .desired_width(92.0)
                            .hint_text("YYYY-MM-DD")
                            .font(egui::TextStyle::Small),
                    )
                    .labelled_by(l.id);
                entered |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            }
        });
        if entered {
            let parse = |s: &str| -> Result<Option<jiff::civil::Date>, String> {
                let s = s.trim();
                if s.is_empty() {
                    return Ok(None);
                }
                s.parse()
                    .map(Some)
                    .map_err(|_| format!("“{s}” is not a date: write it as 2024-03-22"))
            };
            match (parse(&self.from_field), parse(&self.to_field)) {
                (Ok(a), Ok(b)) if a.zip(b).is_some_and(|(a, b)| a > b) => {
                    problem = Some("The window ends before it starts.".to_string())
                }
                (Ok(a), Ok(b)) => actions.push(LensAction::Filter(FilterEdit::Days(a, b))),
                (Err(e), _) | (_, Err(e)) => problem = Some(e),
            }
        }
        if let Some(p) = problem {
            actions.push(Action::Note(p));
        }
    }
}

/// Where each time is across the histogram.
struct Axis {
    first: i64,
    last: i64,
    x0: f32,
    x1: f32,
}

impl Axis {
    fn new(h: &Histogram, rect: Rect) -> Axis {
        Axis {
            first: h.edges[0],
            last: h.edges[h.bins()],
            x0: rect.left() + 1.0,
            x1: rect.right() - 1.0,
        }
    }

    fn x(&self, s: i64) -> f32 {
        let f = (s.clamp(self.first, self.last) - self.first) as f64
            / (self.last - self.first).max(1) as f64;
        self.x0 + (self.x1 - self.x0) * f as f32
    }

    /// The bin under `x`.
    fn bin(&self, h: &Histogram, x: f32) -> usize {
        let f = ((x - self.x0) / (self.x1 - self.x0).max(1.0)).clamp(0.0, 1.0) as f64;
        let s = self.first + ((self.last - self.first) as f64 * f) as i64;
        h.bin_at(s.min(self.last - 1)).unwrap_or(0)
    }
}

/// A bin's start in words fit for its size: "22 Mar 2024, 20:00", "22 Mar
/// 2024", "Mar 2024", "2024".
fn bin_label(s: i64, size: Option<BinSize>, tz: &jiff::tz::TimeZone) -> String {
    let Ok(t) = jiff::Timestamp::from_second(s) else {
        return String::new();
    };
    let z = t.to_zoned_datetime(tz.clone());
    let format = match size {
        Some(BinSize::Hour) => "%-d %b %Y, %H:%M",
        Some(BinSize::Day | BinSize::Week) | None => "%-d %b %Y",
        Some(BinSize::Month) => "%b %Y",
        Some(BinSize::Year) => "%Y",
    };
    z.strftime(format).to_string()
}

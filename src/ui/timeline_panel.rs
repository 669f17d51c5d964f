//! The timeline panel: a compact time axis, then the events by day, then
//! those with no date or a disputed one. Clicking a row selects the event and
//! brings it into view on the map.

use egui::{Align, Color32, FontId, Pos2, RichText, Sense, Stroke, Ui, vec2};

use super::overlays::category_color;
use super::{Action, capitalise};
use crate::model::Dataset;
use crate::timeline::Timeline;

/// Which event is selected and which hovered, and whether to bring the
/// selected row into view this frame.
#[derive(Clone, Copy)]
pub struct Marks<'a> {
    pub selected: Option<&'a str>,
    pub hovered: Option<&'a str>,
    pub scroll: bool,
}

/// Draws the panel.
pub fn show(
    ui: &mut Ui,
    ds: &Dataset,
    timeline: &Timeline,
    marks: Marks<'_>,
    actions: &mut Vec<Action>,
) {
    let Marks { selected, .. } = marks;
    ui.heading("Timeline");
    axis(ui, ds, timeline, selected, actions);
    ui.separator();
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        for day in &timeline.days {
            ui.add_space(4.0);
            ui.label(RichText::new(day.date.strftime("%a %-d %b %Y").to_string()).strong());
            for &i in &day.events {
                row(ui, ds, timeline, i, marks, actions);
            }
        }
        if !timeline.undated.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Undated or disputed").strong())
                .on_hover_text("Events whose date nobody knows, or that sources date differently: never placed on a guessed day.");
            for &i in &timeline.undated {
                row(ui, ds, timeline, i, marks, actions);
            }
        }
        if ds.events.is_empty() {
            ui.weak("No events.");
        }
    });
}

fn row(
    ui: &mut Ui,
    ds: &Dataset,
    timeline: &Timeline,
    i: usize,
    marks: Marks<'_>,
    actions: &mut Vec<Action>,
) {
    let Marks {
        selected,
        hovered,
        scroll,
    } = marks;
    let e = &ds.events[i];
    let is_selected = selected == Some(e.id.as_str());
    let color = category_color(ds, e.category.as_deref());
    ui.horizontal(|ui| {
        let (dot, _) = ui.allocate_exact_size(vec2(10.0, 14.0), Sense::hover());
        ui.painter().circle_filled(dot.center(), 4.5, color);
        ui.vertical(|ui| {
            let text = RichText::new(&e.title);
            let response = ui.selectable_label(is_selected, text);
            if hovered == Some(e.id.as_str()) && !is_selected {
                // Its marker is hovered on the map.
                ui.painter().rect_stroke(
                    response.rect.expand(2.0),
                    3.0,
                    egui::Stroke::new(1.5, color),
                    egui::StrokeKind::Outside,
                );
            }
            if response.hovered() {
                actions.push(Action::Hover(e.id.clone()));
            }
            ui.label(RichText::new(&timeline.labels[i]).small().weak());
            for rel in &e.relations {
                if let Some(other) = ds.event(&rel.event) {
                    ui.label(
                        RichText::new(format!("{} {}", capitalise(rel.kind.phrase()), other.title))
                            .small()
                            .italics(),
                    );
                }
            }
            if response.clicked() {
                actions.push(Action::Select(e.id.clone()));
                actions.push(Action::FocusSelected);
            }
            if is_selected && scroll {
                response.scroll_to_me(Some(Align::Center));
            }
        });
    });
}

/// A strip with the dated events as dots on a time axis, ticks per day.
fn axis(
    ui: &mut Ui,
    ds: &Dataset,
    timeline: &Timeline,
    selected: Option<&str>,
    actions: &mut Vec<Action>,
) {
    let Some((start, end)) = timeline.span else {
        return;
    };
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), 40.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let (x0, x1) = (rect.left() + 8.0, rect.right() - 8.0);
    let y = rect.top() + 16.0;
    let secs = (end.as_second() - start.as_second()).max(1) as f32;
    let x_of =
        |t: jiff::Timestamp| x0 + (x1 - x0) * (t.as_second() - start.as_second()) as f32 / secs;
    painter.line_segment(
        [Pos2::new(x0, y), Pos2::new(x1, y)],
        Stroke::new(1.0, Color32::GRAY),
    );
    let tz = ds.tz();
    // A tick at each midnight; a label at the ends.
    if let (Ok(first), Ok(last)) = (
        start.to_zoned_datetime(tz.clone()).start_of_day(),
        end.to_zoned_datetime(tz.clone()).start_of_day(),
    ) {
        let mut day = first.clone();
        let mut n = 0;
        while day <= last && n < 400 {
            let x = x_of(day.timestamp());
            if x >= x0 {
                painter.line_segment(
                    [Pos2::new(x, y - 3.0), Pos2::new(x, y + 3.0)],
                    Stroke::new(1.0, Color32::GRAY),
                );
            }
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
            n += 1;
        }
        let font = FontId::proportional(10.0);
        painter.text(
            Pos2::new(x0, y + 8.0),
            egui::Align2::LEFT_TOP,
            first.strftime("%-d %b").to_string(),
            font.clone(),
            Color32::GRAY,
        );
        painter.text(
            Pos2::new(x1, y + 8.0),
            egui::Align2::RIGHT_TOP,
            last.strftime("%-d %b").to_string(),
            font,
            Color32::GRAY,
        );
    }
    for day in &timeline.days {
        for &i in &day.events {
            let e = &ds.events[i];
            let Some((a, _)) = e.when.span(&tz) else {
                continue;
            };
            let at = Pos2::new(x_of(a), y);
            let chosen = selected == Some(e.id.as_str());
            painter.circle(
                at,
                if chosen { 6.0 } else { 4.0 },
                category_color(ds, e.category.as_deref()),
                Stroke::new(1.0, Color32::WHITE),
            );
            let hit = ui.interact(
                egui::Rect::from_center_size(at, vec2(12.0, 12.0)),
                ui.scope_id().with(("axis", i)),
                Sense::click(),
            );
            if hit
                .on_hover_text(format!("{}\n{}", e.title, timeline.labels[i]))
                .clicked()
            {
                actions.push(Action::Select(e.id.clone()));
                actions.push(Action::FocusSelected);
            }
        }
    }
}

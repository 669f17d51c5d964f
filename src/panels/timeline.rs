//! The timeline panel: a compact time axis, then the events by day, then
//! those with no date or a disputed one. Clicking a row selects the event and
//! brings it into view on the map.

use egui::{Align, Color32, FontId, Pos2, RichText, Sense, Stroke, Ui, vec2};

use super::capitalise;
use crate::action::Action;
use crate::command::Command;
use crate::state::AppState;
use crate::views::ViewIndex;
use incident_map_core::store::EventTable;
use incident_map_core::timeline::{BINS, Row, Timeline};

/// Which event is selected and which hovered, and whether to bring the
/// selected row into view this frame.
#[derive(Clone, Copy)]
struct Marks<'a> {
    selected: Option<&'a str>,
    hovered: Option<&'a str>,
    scroll: bool,
}

/// The timeline panel, on the left of the map.
#[derive(Default)]
pub struct TimelinePanel;

impl TimelinePanel {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Vec<Action>) {
        let Some(doc) = state.document() else { return };
        let marks = Marks {
            selected: state.selected_id(),
            hovered: state.marks().hovered.as_deref(),
            scroll: state.marks().scroll_to_selection,
        };
        show(ui, doc.table(), &doc.view, marks, actions);
    }
}

/// Draws the panel.
fn show(
    ui: &mut Ui,
    table: &EventTable,
    index: &ViewIndex,
    marks: Marks<'_>,
    actions: &mut Vec<Action>,
) {
    let Marks {
        selected, scroll, ..
    } = marks;
    let timeline = &index.timeline;
    ui.heading("Timeline");
    axis(ui, table, index, selected, actions);
    ui.separator();
    if table.is_empty() {
        ui.weak("No events.");
        return;
    }
    let tops = &index.row_tops;
    let total = tops.last().copied().unwrap_or(0.0);
    let selected_row = selected
        .filter(|_| scroll)
        .and_then(|id| table.find(id))
        .and_then(|i| timeline.row(i));
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_viewport(ui, |ui, viewport| {
            ui.set_height(total);
            let origin = ui.max_rect().min;
            let width = ui.available_width();
            let rect_of = |r: usize| {
                egui::Rect::from_min_size(
                    origin + vec2(0.0, tops[r]),
                    vec2(width, tops[r + 1] - tops[r]),
                )
            };
            let first = tops.partition_point(|&t| t <= viewport.min.y).saturating_sub(1);
            let in_view = (first..timeline.rows.len()).take_while(|&r| tops[r] <= viewport.max.y);
            for (r, kind) in in_view.map(|r| (r, timeline.rows[r])) {
                ui.scope_builder(egui::UiBuilder::new().max_rect(rect_of(r)), |ui| {
                    match kind {
                        Row::Day(n) => {
                            ui.add_space(6.0);
                            ui.label(
                                RichText::new(&timeline.days[n as usize].heading)
                                    .strong(),
                            );
                        }
                        Row::Undated => {
                            ui.add_space(6.0);
                            ui.label(RichText::new("Undated or disputed").strong())
                                .on_hover_text("Events whose date nobody knows, or that sources date differently: never placed on a guessed day.");
                        }
                        Row::Event(i) => row(ui, table, index, i as usize, marks, actions),
                    }
                });
            }
            // The selected row may be out of view, hence not drawn: scroll by its place.
            if let Some(r) = selected_row {
                ui.scroll_to_rect(rect_of(r), Some(Align::Center));
            }
        });
}

fn row(
    ui: &mut Ui,
    table: &EventTable,
    index: &ViewIndex,
    i: usize,
    marks: Marks<'_>,
    actions: &mut Vec<Action>,
) {
    let Marks {
        selected, hovered, ..
    } = marks;
    let (id, title) = (table.id(i), table.title(i));
    let is_selected = selected == Some(id);
    let color = index.color(table.category(i));
    ui.horizontal(|ui| {
        let (dot, _) = ui.allocate_exact_size(vec2(10.0, 14.0), Sense::hover());
        ui.painter().circle_filled(dot.center(), 4.5, color);
        ui.vertical(|ui| {
            let text = RichText::new(title);
            // One line, cut short if need be (rows have fixed heights, so
            // only those in view are drawn); the whole title on hover.
            let response = ui
                .add(egui::Button::selectable(is_selected, text).truncate())
                .on_hover_text(title);
            if hovered == Some(id) && !is_selected {
                // Its marker is hovered on the map.
                ui.painter().rect_stroke(
                    response.rect.expand(2.0),
                    3.0,
                    egui::Stroke::new(1.5, color),
                    egui::StrokeKind::Outside,
                );
            }
            if response.hovered() {
                actions.push(Action::Hover(id.to_string()));
            }
            let mut label = table.label(i);
            if index.markers.of_event(i).is_none() {
                // No place in the data (a TimelineJS event, say): listed, never guessed.
                label.push_str(" · not on the map");
            }
            ui.label(RichText::new(label).small().weak());
            for (kind, other) in table.relations(i) {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!(
                            "{} {}",
                            capitalise(kind.phrase()),
                            table.title(other)
                        ))
                        .small()
                        .italics(),
                    )
                    .truncate(),
                );
            }
            if response.clicked() {
                actions.push(Action::Select(id.to_string()));
                actions.push(Action::Command(Command::FocusSelected));
            }
        });
    });
}

/// Above this many dated events the axis shows their density, not dots.
const MAX_DOTS: usize = 500;

/// A strip with the dated events as dots on a time axis, ticks at days,
/// months or years.
fn axis(
    ui: &mut Ui,
    table: &EventTable,
    index: &ViewIndex,
    selected: Option<&str>,
    actions: &mut Vec<Action>,
) {
    let timeline: &Timeline = &index.timeline;
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
    // Ticks at days, months or years; the dates of the ends.
    for &t in &timeline.axis.ticks {
        let x = x_of(t);
        if x >= x0 {
            painter.line_segment(
                [Pos2::new(x, y - 3.0), Pos2::new(x, y + 3.0)],
                Stroke::new(1.0, Color32::GRAY),
            );
        }
    }
    let font = FontId::proportional(10.0);
    painter.text(
        Pos2::new(x0, y + 8.0),
        egui::Align2::LEFT_TOP,
        &timeline.axis.first,
        font.clone(),
        Color32::GRAY,
    );
    painter.text(
        Pos2::new(x1, y + 8.0),
        egui::Align2::RIGHT_TOP,
        &timeline.axis.last,
        font,
        Color32::GRAY,
    );
    let dated = timeline.undated.start;
    if dated > MAX_DOTS {
        // Too many for dots: how many start in each column of the strip.
        let columns = ((x1 - x0) as usize).max(1);
        let mut counts = vec![0u32; columns];
        for (b, &n) in timeline.density.iter().enumerate() {
            counts[(b * columns / BINS).min(columns - 1)] += n;
        }
        let most = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
        for (c, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            let h = 2.0 + 12.0 * (n as f32 / most).sqrt();
            let x = x0 + c as f32;
            painter.line_segment(
                [Pos2::new(x, y), Pos2::new(x, y - h)],
                Stroke::new(1.0, Color32::from_rgb(70, 90, 140)),
            );
        }
        return;
    }
    for &i in &timeline.order[..dated] {
        let i = i as usize;
        let Some((a, _)) = table.time(i).span() else {
            continue;
        };
        {
            let at = Pos2::new(x_of(a), y);
            let id = table.id(i);
            let chosen = selected == Some(id);
            painter.circle(
                at,
                if chosen { 6.0 } else { 4.0 },
                index.color(table.category(i)),
                Stroke::new(1.0, Color32::WHITE),
            );
            let hit = ui.interact(
                egui::Rect::from_center_size(at, vec2(12.0, 12.0)),
                ui.scope_id().with(("axis", i)),
                Sense::click(),
            );
            if hit
                .on_hover_text(format!("{}\n{}", table.title(i), table.label(i)))
                .clicked()
            {
                actions.push(Action::Select(id.to_string()));
                actions.push(Action::Command(Command::FocusSelected));
            }
        }
    }
}

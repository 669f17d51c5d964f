//! The timeline panel: a compact time axis, then the events proposed by
//! reading a source (while they are reviewed), then the events by day, then
//! those with no date or a disputed one. Clicking a row selects the event and
//! brings it into view on the map.

use egui::{Align, RichText, Sense, Ui, vec2};

use super::time_bar::TimeBar;
use super::{capitalise, highlighted};
use crate::action::{Action, Actions, SelectionAction};
use crate::command::Command;
use crate::state::AppState;
use crate::views::ViewIndex;
use incident_map_core::store::EventTable;
use incident_map_core::timeline::Row;

/// Which event is selected and which hovered, and whether to bring the
/// selected row into view this frame.
#[derive(Clone, Copy)]
struct Marks<'a> {
    selected: Option<&'a str>,
    hovered: Option<&'a str>,
    scroll: bool,
}

/// The timeline panel, on the left of the map, with the time histogram
/// and the window's controls above its list.
#[derive(Default)]
pub struct TimelinePanel {
    time_bar: TimeBar,
}

impl TimelinePanel {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let Some(doc) = state.document() else { return };
        let marks = Marks {
            selected: state.selected_id(),
            hovered: state.marks().hovered.as_deref(),
            scroll: state.marks().scroll_to_selection,
        };
        ui.horizontal(|ui| {
            ui.heading("Timeline");
            let zone = doc.table().tz().iana_name().unwrap_or("UTC");
            ui.weak(format!("days in {zone}")).on_hover_text(
                "The data set's time zone: the days the events are grouped by. A time shows the zone it is in (File › Time zone sets the data set's)",
            );
        });
        self.time_bar.ui(ui, state, actions);
        if let Some(review) = state.review() {
            proposed(ui, review, actions);
        }
        show(ui, doc.table(), &doc.view, marks, actions);
    }
}

/// The events proposed and not yet decided, by date, each a row that
/// chooses it.
fn proposed(ui: &mut Ui, review: &crate::state::Review, actions: &mut Actions) {
    use super::review::PROPOSED;
    let Some(read) = review.read() else { return };
    let mut rows: Vec<usize> = review.pending().collect();
    if rows.is_empty() {
        return;
    }
    // Undated last.
    rows.sort_by_key(|&i| {
        let w = read.candidates[i].when.as_deref();
        (w.is_none(), w.unwrap_or_default().to_string())
    });
    ui.separator();
    ui.label(
        RichText::new(format!("Proposed, to review ({})", rows.len()))
            .strong()
            .color(PROPOSED),
    );
    egui::ScrollArea::vertical()
        .id_salt("proposed-rows")
        .max_height(160.0)
        .show(ui, |ui| {
            for i in rows {
                let c = &read.candidates[i];
                ui.horizontal(|ui| {
                    let (dot, _) = ui.allocate_exact_size(vec2(10.0, 14.0), Sense::hover());
                    let at = dot.center();
                    ui.painter().add(egui::Shape::convex_polygon(
                        vec![
                            at + vec2(0.0, -5.0),
                            at + vec2(5.0, 0.0),
                            at + vec2(0.0, 5.0),
                            at + vec2(-5.0, 0.0),
                        ],
                        egui::Color32::WHITE,
                        egui::Stroke::new(2.0, PROPOSED),
                    ));
                    let when = c.when.as_deref().unwrap_or("date unknown");
                    let text = format!("{when} · {}", c.proposal.title);
                    let chosen = review.chosen == Some(i);
                    if ui
                        .add(
                            egui::Button::selectable(chosen, RichText::new(&text).italics())
                                .truncate(),
                        )
                        .on_hover_text(&text)
                        .clicked()
                    {
                        actions.push(crate::action::ReviewAction::Choose(i));
                    }
                });
            }
        });
}

/// Draws the panel.
fn show(
    ui: &mut Ui,
    table: &EventTable,
    index: &ViewIndex,
    marks: Marks<'_>,
    actions: &mut Actions,
) {
    let Marks {
        selected, scroll, ..
    } = marks;
    let timeline = &index.timeline;
    ui.separator();
    if table.is_empty() {
        ui.weak("No events.");
        return;
    }
    if timeline.rows.is_empty() {
        ui.weak("No event shown: the filter leaves none (Show everything, on the map, clears it).");
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
    actions: &mut Actions,
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
            // One line, cut short if need be (rows have fixed heights, so
            // only those in view are drawn); the whole title on hover. The
            // words searched for are marked.
            let text: egui::WidgetText = if index.is_match(i) {
                highlighted(ui, title, &index.search, egui::TextStyle::Button).into()
            } else {
                RichText::new(title).into()
            };
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
                actions.push(SelectionAction::Hover(id.to_string()));
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
                actions.push(SelectionAction::Select(id.to_string()));
                actions.push(Action::Command(Command::FocusSelected));
            }
        });
    });
}

//! *Proposed events*: what reading a source found, listed to review. Each
//! row says what happened, when, where, in which category and how sure the
//! reading is; the one chosen shows its words and all its parts, the other
//! places its words may name (one click moves it there), and Accept
//! (Enter), Edit (E), Reject (Delete). *Accept all* takes every one not
//! rejected in one step.

use egui::{Color32, RichText, Ui};

use crate::action::{Actions, ReviewAction};
use crate::command::Command;
use crate::proposals::Candidate;
use crate::state::{AppState, Review, Verdict};

pub use crate::map::overlays::PROPOSED;

#[derive(Default)]
pub struct ReviewWindow;

impl ReviewWindow {
    /// Draws the window, if a review is under way; returns where it is
    /// (its keys act there).
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        actions: &mut Actions,
    ) -> Option<egui::Response> {
        let review = state.review()?;
        let source = state.work().and_then(|w| w.dataset.source(&review.source));
        let mut open = true;
        let shown = egui::Window::new("Proposed events")
            .id(egui::Id::unique("review-window"))
            .open(&mut open)
            .default_width(420.0)
            .max_width(460.0)
            .default_height(480.0)
            // Over the timeline's foot, clear of the map's middle (where the
            // map takes the proposal chosen).
            .default_pos(egui::pos2(8.0, (ctx.content_rect().height() - 520.0).max(60.0)))
            .resizable(true)
            .collapsible(true)
            .show(ctx, |ui| {
                if let Some(s) = source {
                    ui.label(RichText::new(&s.title).italics());
                    match review.read().and_then(|r| r.date) {
                        Some(d) => ui.weak(format!("Dated {d}: “yesterday”, “Saturday” count from it (About this source corrects it)")),
                        None => ui.colored_label(
                            ui.visuals().warn_fg_color,
                            "No date known: relative dates are left unknown. Give it one in About this source",
                        ),
                    };
                }
                if review.is_reading() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Reading the source…");
                    });
                    return;
                }
                summary(ui, review, actions);
                ui.separator();
                list(ui, review, state.marks().scroll_to_selection, actions);
            });
        if !open {
            actions.push(ReviewAction::Close);
        }
        shown.map(|r| r.response)
    }
}

/// How many are proposed, decided and left; *Accept all*.
fn summary(ui: &mut Ui, review: &Review, actions: &mut Actions) {
    let n = review.len();
    let left = review.pending().count();
    let accepted = (0..n)
        .filter(|&i| matches!(review.verdict(i), Verdict::Accepted(_)))
        .count();
    ui.horizontal(|ui| {
        ui.label(format!(
            "{n} proposed · {left} to review · {accepted} accepted · {} rejected",
            n - left - accepted
        ));
        let all = ui.add_enabled(left > 0, egui::Button::new("Accept all"));
        if all
            .on_hover_text(Command::AcceptAllProposals.hover_text(ui.ctx()))
            .clicked()
        {
            actions.push(ReviewAction::AcceptAll);
        }
    });
}

/// The proposals, the chosen one opened.
fn list(ui: &mut Ui, review: &Review, scroll: bool, actions: &mut Actions) {
    let Some(read) = review.read() else { return };
    egui::ScrollArea::vertical()
        .id_salt("review-list")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (i, c) in read.candidates.iter().enumerate() {
                let verdict = review.verdict(i);
                let chosen = review.chosen == Some(i);
                let color = match verdict {
                    Verdict::Pending => PROPOSED,
                    Verdict::Accepted(_) => ACCEPTED,
                    Verdict::Rejected => Color32::GRAY,
                };
                let title =
                    RichText::new(&c.proposal.title).color(if verdict == Verdict::Rejected {
                        Color32::GRAY
                    } else {
                        ui.visuals().text_color()
                    });
                let row = ui
                    .horizontal(|ui| {
                        sign(ui, &verdict);
                        ui.add(egui::Button::selectable(chosen, title).truncate())
                    })
                    .inner;
                let row = row.on_hover_text(&c.proposal.title);
                if row.clicked() {
                    actions.push(ReviewAction::Choose(i));
                }
                ui.label(RichText::new(line(c)).small().color(color));
                if chosen {
                    if scroll {
                        row.scroll_to_me(Some(egui::Align::Center));
                    }
                    details(ui, i, c, &verdict, &read.text, actions);
                }
                ui.add_space(4.0);
            }
        });
}

const ACCEPTED: Color32 = Color32::from_rgb(40, 140, 60);

/// What became of a proposal, drawn: a hollow diamond (to review), a green
/// disc (accepted), a grey cross (rejected).
fn sign(ui: &mut Ui, verdict: &Verdict) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 14.0), egui::Sense::hover());
    let at = rect.center();
    let p = ui.painter();
    match verdict {
        Verdict::Pending => {
            p.add(egui::Shape::convex_polygon(
                vec![
                    at + egui::vec2(0.0, -5.0),
                    at + egui::vec2(5.0, 0.0),
                    at + egui::vec2(0.0, 5.0),
                    at + egui::vec2(-5.0, 0.0),
                ],
                Color32::WHITE,
                egui::Stroke::new(2.0, PROPOSED),
            ));
        }
        Verdict::Accepted(_) => {
            p.circle_filled(at, 5.0, ACCEPTED);
        }
        Verdict::Rejected => {
            let s = egui::Stroke::new(2.0, Color32::GRAY);
            p.line_segment([at + egui::vec2(-4.0, -4.0), at + egui::vec2(4.0, 4.0)], s);
            p.line_segment([at + egui::vec2(-4.0, 4.0), at + egui::vec2(4.0, -4.0)], s);
        }
    }
}

/// "2016-09-17T20:30 · Manhattan, NY, United States · Explosion · 85 %".
fn line(c: &Candidate) -> String {
    format!(
        "{} · {} · {}{} · {:.0} %",
        c.when.as_deref().unwrap_or("date unknown"),
        c.place
            .as_ref()
            .map_or("place unknown", |p| p.label.as_str()),
        c.category,
        if c.new_category { " (new)" } else { "" },
        c.proposal.confidence * 100.0
    )
}

/// All of the chosen proposal: its words, its parts, its other places, and
/// what to do with it.
fn details(
    ui: &mut Ui,
    i: usize,
    c: &Candidate,
    verdict: &Verdict,
    text: &str,
    actions: &mut Actions,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        for p in &c.proposal.passages {
            let words = text.get(p.clone()).unwrap_or_default();
            let shown: String = words.chars().take(400).collect();
            ui.label(RichText::new(format!("“{shown}”")).italics());
        }
        egui::Grid::new(("review-parts", i))
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("When:");
                ui.label(
                    c.when
                        .as_deref()
                        .unwrap_or("unknown (set it in the editor)"),
                );
                ui.end_row();
                ui.label("Where:");
                ui.label(match (&c.place, &c.proposal.finer) {
                    (Some(p), Some(f)) => format!(
                        "{} (“{}”: the gazetteer has nothing finer; within {:.0} km)",
                        p.label,
                        text.get(f.clone()).unwrap_or_default(),
                        p.radius_km
                    ),
                    (Some(p), None) => format!("{} (within {:.0} km)", p.label, p.radius_km),
                    (None, _) => "unknown (place it in the editor)".into(),
                });
                ui.end_row();
                ui.label("Category:");
                ui.label(if c.new_category {
                    format!("{} (new to the data set)", c.category)
                } else {
                    c.category.clone()
                });
                ui.end_row();
                if !c.proposal.actors.is_empty() {
                    ui.label("Actors:");
                    ui.label(c.proposal.actors.join("; "));
                    ui.end_row();
                }
                if c.proposal.killed.is_some() || c.proposal.injured.is_some() {
                    ui.label("Casualties:");
                    let part = |n: Option<u32>, what: &str| n.map(|n| format!("{n} {what}"));
                    let parts: Vec<String> = [
                        part(c.proposal.killed, "killed"),
                        part(c.proposal.injured, "injured"),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    ui.label(parts.join(", "));
                    ui.end_row();
                }
                ui.label("Confidence:");
                ui.label(format!("{:.0} %", c.proposal.confidence * 100.0));
                ui.end_row();
            });
        if !c.alternatives.is_empty() && *verdict == Verdict::Pending {
            ui.horizontal_wrapped(|ui| {
                ui.weak("Or:");
                for (k, a) in c.alternatives.iter().enumerate() {
                    if ui
                        .small_button(&a.label)
                        .on_hover_text(format!(
                            "Put it here instead: {:.4}, {:.4}",
                            a.point.lat, a.point.lon
                        ))
                        .clicked()
                    {
                        actions.push(ReviewAction::Alternative {
                            candidate: i,
                            alternative: k,
                        });
                    }
                }
            });
        }
        ui.horizontal(|ui| match verdict {
            Verdict::Pending | Verdict::Rejected => {
                if Command::AcceptProposal.button(ui, "Accept") {
                    actions.push(ReviewAction::Accept(i));
                }
                if Command::EditProposal.button(ui, "Accept and edit…") {
                    actions.push(ReviewAction::Edit(i));
                }
                if *verdict == Verdict::Rejected {
                    if ui
                        .button("Restore")
                        .on_hover_text("Take back the rejection")
                        .clicked()
                    {
                        actions.push(ReviewAction::Restore(i));
                    }
                } else if Command::RejectProposal.button(ui, "Reject") {
                    actions.push(ReviewAction::Reject(i));
                }
            }
            Verdict::Accepted(id) => {
                ui.label(format!("Accepted as {id}"));
                if ui
                    .button("Open in the editor")
                    .on_hover_text("Open the event in the editor")
                    .clicked()
                {
                    actions.push(ReviewAction::Edit(i));
                }
            }
        });
    });
}

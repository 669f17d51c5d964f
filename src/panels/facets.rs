//! The filter panel on the map's top-left corner: the legend grown into
//! facets. Categories with their colours, then actors, precision and
//! sources, each choice with the count of events shown; a click toggles
//! it (several of one kind: any of them; different kinds: all of them),
//! and one button shows everything again.

use egui::{Color32, RichText, Ui, vec2};

use crate::action::{Action, Actions, FilterEdit, LensAction};
use crate::command::Command;
use crate::state::{AppState, thousands};

/// The panel; how tall a long list (actors, sources) may grow before it scrolls.
#[derive(Default)]
pub struct FacetsPanel {
    list_height: f32,
}

impl FacetsPanel {
    /// Draws the panel at `at` (the map's corner), at most `max_height`
    /// tall; returns where it was drawn (its layer and rectangle).
    pub fn ui(
        &mut self,
        parent: &Ui,
        state: &AppState,
        at: egui::Pos2,
        max_height: f32,
        actions: &mut Actions,
    ) -> Option<egui::Response> {
        let doc = state.document()?;
        // Nothing to list yet (a new data set): no empty frame on the map.
        if doc.store.is_empty() {
            return None;
        }
        // Two long lists may be open at once, under the categories.
        self.list_height = ((max_height - 200.0) / 2.0).clamp(60.0, 240.0);
        let table = doc.table();
        let categories = &table.meta.categories;
        let facets = &doc.view.facets;
        let filter = state.filter();
        let area = egui::Area::new(parent.scope_id().with("legend"))
            .fixed_pos(at)
            .show(parent.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(230.0);
                    {
                        ui.spacing_mut().item_spacing.y = 1.0;
                        for (i, c) in categories.iter().enumerate() {
                            ui.horizontal(|ui| {
                                let mut shown = !filter.hidden_categories.contains(&c.id);
                                let (dot, _) =
                                    ui.allocate_exact_size(vec2(12.0, 12.0), egui::Sense::hover());
                                ui.painter().circle_filled(
                                    dot.center(),
                                    5.0,
                                    doc.view.color(Some(i)),
                                );
                                if ui
                                    .checkbox(&mut shown, RichText::new(&c.label).small())
                                    .on_hover_text(
                                        "Show or hide these events on the map and in the timeline",
                                    )
                                    .changed()
                                {
                                    actions.push(LensAction::Filter(FilterEdit::ToggleCategory(
                                        c.id.clone(),
                                    )));
                                }
                                count(ui, facets.categories.get(i).copied().unwrap_or(0));
                            });
                        }
                        if !table.is_empty() {
                            self.more(ui, state, actions);
                        }
                        if !state.effective_filter().is_everything() {
                            ui.add_space(4.0);
                            if Command::ResetFilter.button(ui, "Show everything") {
                                actions.push(Action::Command(Command::ResetFilter));
                            }
                        }
                    }
                });
            });
        Some(area.response)
    }

    /// Actors, precision and sources, each a section that opens.
    fn more(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let Some(doc) = state.document() else { return };
        let facets = &doc.view.facets;
        let filter = state.filter();
        // A server's table: the categories are counted in the whole table,
        // the sections below among the events listed.
        if doc.live.is_some() {
            ui.label(
                RichText::new(format!(
                    "Below: counts among the {} events listed",
                    crate::state::thousands(doc.store.len())
                ))
                .small()
                .weak(),
            );
        }
        // Actors: the most frequent among those shown, and those chosen.
        let mut actors: Vec<(String, u32)> = facets.actors.clone();
        for a in &filter.actors {
            if !actors.iter().any(|(n, _)| n == a) {
                actors.push((a.clone(), 0));
            }
        }
        let title = match filter.actors.len() {
            0 => "Actors".to_string(),
            n => format!("Actors ({n} chosen)"),
        };
        egui::CollapsingHeader::new(RichText::new(title).small().strong())
            .id_salt("facet-actors")
            .show(ui, |ui| {
                if actors.is_empty() {
                    ui.weak("No actors named.");
                }
                list(ui, "actors", self.list_height, |ui| {
                    for (name, n) in &actors {
                        let on = filter.actors.contains(name);
                        if choice(
                            ui,
                            on,
                            name,
                            *n,
                            "Show only events with this actor (several: any of them)",
                        ) {
                            actions.push(LensAction::Filter(FilterEdit::ToggleActor(name.clone())));
                        }
                    }
                });
            });
        egui::CollapsingHeader::new(RichText::new("Precision").small().strong())
            .id_salt("facet-precision")
            .show(ui, |ui| {
                for (p, n) in &facets.precisions {
                    match p {
                        Some(p) => {
                            let on = filter.precisions.contains(p);
                            if (*n > 0 || on)
                                && choice(
                                    ui,
                                    on,
                                    &format!("{}-level", p.as_str()),
                                    *n,
                                    "Show only events located this precisely (several: any of them)",
                                )
                            {
                                actions.push(LensAction::Filter(FilterEdit::TogglePrecision(*p)));
                            }
                        }
                        None if *n > 0 => {
                            ui.horizontal(|ui| {
                                ui.weak(RichText::new("precision not stated").small());
                                count(ui, *n);
                            });
                        }
                        None => {}
                    }
                }
            });
        // Reliability (Admiralty grades), once any source is graded.
        if facets
            .reliabilities
            .iter()
            .any(|(r, n)| r.is_some() && *n > 0)
            || !filter.reliabilities.is_empty()
        {
            egui::CollapsingHeader::new(RichText::new("Reliability").small().strong())
                .id_salt("facet-reliability")
                .show(ui, |ui| {
                    for (r, n) in &facets.reliabilities {
                        match r {
                            Some(r) => {
                                let on = filter.reliabilities.contains(r);
                                if (*n > 0 || on)
                                    && choice(
                                        ui,
                                        on,
                                        &format!("{}: {}", r.as_str(), r.meaning()),
                                        *n,
                                        "Show only events whose most reliable source has this grade (several: any of them)",
                                    )
                                {
                                    actions
                                        .push(LensAction::Filter(FilterEdit::ToggleReliability(*r)));
                                }
                            }
                            None if *n > 0 => {
                                ui.horizontal(|ui| {
                                    ui.weak(RichText::new("no graded source").small());
                                    count(ui, *n);
                                });
                            }
                            None => {}
                        }
                    }
                });
        }
        egui::CollapsingHeader::new(RichText::new("Sources").small().strong())
            .id_salt("facet-sources")
            .show(ui, |ui| {
                if !doc.view.indexed {
                    if ui
                        .small_button("Count the sources")
                        .on_hover_text(
                            "Read which sources each event cites (indexes the events' words once)",
                        )
                        .clicked()
                    {
                        actions.push(LensAction::IndexWords);
                    }
                    return;
                }
                let mut sources = facets.sources.clone();
                for s in &filter.sources {
                    if !sources.iter().any(|(n, _)| n == s) {
                        sources.push((s.clone(), 0));
                    }
                }
                if sources.is_empty() {
                    ui.weak("No sources cited.");
                }
                list(ui, "sources", self.list_height, |ui| {
                    for (name, n) in &sources {
                        let on = filter.sources.contains(name);
                        if choice(
                            ui,
                            on,
                            name,
                            *n,
                            "Show only events that cite this source (several: any of them)",
                        ) {
                            actions
                                .push(LensAction::Filter(FilterEdit::ToggleSource(name.clone())));
                        }
                    }
                });
            });
    }
}

/// A list of choices that scrolls past `height`.
fn list(ui: &mut Ui, id: &str, height: f32, add: impl FnOnce(&mut Ui)) {
    egui::ScrollArea::vertical()
        .id_salt(id)
        .max_height(height)
        .show(ui, add);
}

/// One choice of a facet: a toggle with its count; returns whether clicked.
fn choice(ui: &mut Ui, on: bool, label: &str, n: u32, hint: &str) -> bool {
    ui.horizontal(|ui| {
        let clicked = ui
            .add(egui::Button::selectable(on, RichText::new(label).small()).truncate())
            .on_hover_text(format!("{label}: {hint}"))
            .clicked();
        count(ui, n);
        clicked
    })
    .inner
}

/// A count, right of its choice.
fn count(ui: &mut Ui, n: u32) {
    ui.label(
        RichText::new(thousands(n as usize))
            .small()
            .color(Color32::from_gray(140)),
    );
}

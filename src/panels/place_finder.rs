//! *View › Find a place…* (Ctrl+G): a name typed, in any language, and the
//! places of the world that have it, the map taken to the one chosen.

use crate::action::{Actions, WindowAction};
use crate::state::AppState;

#[derive(Default)]
pub struct PlaceFinderWindow {
    /// The name as typed (the state keeps what was searched for).
    text: String,
}

impl PlaceFinderWindow {
    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
        let finder = state.place_finder();
        if !finder.open {
            return;
        }
        let mut open = true;
        egui::Window::new("Find a place")
            .open(&mut open)
            .default_width(380.0)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 48.0])
            .collapsible(false)
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                let label = ui.label("Name:");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.text)
                            .desired_width(f32::INFINITY)
                            .hint_text("Krasnogorsk, Москва, Kyiv…"),
                    )
                    .labelled_by(label.id);
                if state.marks().focus_place_finder {
                    field.request_focus();
                }
                if field.changed() {
                    actions.push(WindowAction::FindPlace(self.text.clone()));
                }
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                if enter && !finder.hits.is_empty() {
                    actions.push(WindowAction::GoToPlace(0));
                }
                if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    actions.push(WindowAction::ClosePlaceFinder);
                }
                ui.add_space(4.0);
                if finder.is_reading() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Reading the gazetteer…");
                    });
                } else if let Some(why) = finder.failed() {
                    ui.colored_label(ui.visuals().error_fg_color, why);
                } else if !finder.query.trim().is_empty() && finder.hits.is_empty() {
                    ui.weak("No place of over 1,000 people has that name.");
                }
                for (i, hit) in finder.hits.iter().enumerate() {
                    let people = crate::state::thousands(hit.population as usize);
                    let button = ui
                        .add(egui::Button::new(hit.label.as_str()).frame(false))
                        .on_hover_text(format!(
                            "{people} people; {:.4}, {:.4}. Take the map there (Enter for the first)",
                            hit.point.lat, hit.point.lon
                        ));
                    if button.clicked() {
                        actions.push(WindowAction::GoToPlace(i));
                    }
                }
                ui.add_space(4.0);
                ui.weak("Places of over 1,000 people: GeoNames (CC BY 4.0)");
            });
        if !open {
            actions.push(WindowAction::ClosePlaceFinder);
        }
    }
}

//! The window that lists the problems of the file opened last, to read
//! and copy.

use crate::action::{Actions, WindowAction};
use crate::state::AppState;

#[derive(Default)]
pub struct ProblemsWindow;

impl ProblemsWindow {
    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
        let Some(problems) = state.problems() else {
            return;
        };
        let title = if problems.opened {
            "Problems found (the file was opened)"
        } else {
            "The file was not opened"
        };
        egui::Window::new(title)
            .default_width(560.0)
            // Above the map's legend and buttons, which are areas too.
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                ui.label(&problems.path);
                if !problems.opened {
                    ui.label("The data on screen is unchanged. Fix these and open the file again:");
                }
                let mut text = problems.shown.as_str();
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut text)
                                .code_editor()
                                .desired_width(f32::INFINITY),
                        );
                    });
                ui.horizontal(|ui| {
                    if ui.button("Copy all").clicked() {
                        ui.ctx().copy_text(problems.text.clone());
                    }
                    if ui.button("Close").clicked() {
                        actions.push(WindowAction::DismissProblems);
                    }
                });
            });
    }
}

//! The path asked for in a window of the app's own, when no system file
//! dialog could open (no desktop portal): *Open…*, *Add file…*, *Save as…*
//! and *Export…* are never silent no-ops.

use std::path::PathBuf;

use crate::action::{Action, Actions, AuthorAction, DocumentAction, PathFor, WindowAction};
use crate::state::AppState;
use incident_map_core::origin::Origin;

/// The window, and the path typed in it.
#[derive(Default)]
pub struct PathPrompt {
    text: String,
    /// What the text was typed for (a new question starts afresh).
    asked: Option<PathFor>,
}

impl PathPrompt {
    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
        let Some(kind) = state.path_prompt() else {
            self.asked = None;
            return;
        };
        let fresh = self.asked != Some(kind);
        if fresh {
            self.asked = Some(kind);
            self.text = match kind {
                PathFor::Save => "incidents.json".into(),
                PathFor::Export => "events.geojson".into(),
                PathFor::Publish => "incidents.html".into(),
                PathFor::Open | PathFor::Source => String::new(),
            };
        }
        let mut open = true;
        let mut answer = false;
        egui::Window::new(kind.title())
            .open(&mut open)
            .collapsible(false)
            .order(egui::Order::Foreground)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label("No file dialog could open on this system. Type the file's path:");
                ui.horizontal(|ui| {
                    let label = ui.label("Path:");
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut self.text).desired_width(360.0))
                        .labelled_by(label.id);
                    if fresh {
                        field.request_focus();
                    }
                    answer |= field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                });
                ui.horizontal(|ui| {
                    answer |= ui.button(kind.verb()).clicked();
                    if ui.button("Cancel").clicked() {
                        actions.push(WindowAction::ClosePathPrompt { answered: false });
                    }
                });
            });
        if !open || ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            actions.push(WindowAction::ClosePathPrompt { answered: false });
            return;
        }
        let path = self.text.trim();
        if !answer || path.is_empty() {
            return;
        }
        actions.push(WindowAction::ClosePathPrompt { answered: true });
        let file = PathBuf::from(path);
        match kind {
            PathFor::Open => match Origin::parse(path) {
                Ok(origin) => actions.push(Action::open(origin)),
                Err(why) => actions.push(Action::Note(format!("Not opened: {why}"))),
            },
            PathFor::Source => actions.push(AuthorAction::AddSourceFile(file)),
            PathFor::Save => actions.push(AuthorAction::SaveTo(file)),
            PathFor::Export => actions.push(DocumentAction::Export {
                path: file,
                only_shown: state.export_only_shown(),
            }),
            PathFor::Publish => actions.push(DocumentAction::Publish(file)),
        }
    }
}

//! The small windows of authoring: a source pasted in, "Save the changes
//! first?", and the work a crash left, offered at start.

use crate::action::{Actions, AuthorAction, NewSource, UnsavedChoice, WindowAction};
use crate::state::AppState;

/// *File › Paste a source…*: a report's text and what is known of it.
#[derive(Default)]
pub struct PasteSourceWindow {
    new: NewSource,
}

impl PasteSourceWindow {
    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
        if !state.paste_source_open() {
            return;
        }
        let mut open = true;
        egui::Window::new("Paste a source")
            .open(&mut open)
            .default_width(520.0)
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                egui::Grid::new("source-fields")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (label, text, hint) in [
                            ("Title:", &mut self.new.title, "the report's headline"),
                            ("Author:", &mut self.new.author, ""),
                            ("Publisher:", &mut self.new.publisher, ""),
                            ("Date:", &mut self.new.published, "2024-03-22"),
                            ("Address:", &mut self.new.url, "https://…"),
                        ] {
                            let l = ui.label(label);
                            ui.add(
                                egui::TextEdit::singleline(text)
                                    .desired_width(360.0)
                                    .hint_text(hint),
                            )
                            .labelled_by(l.id);
                            ui.end_row();
                        }
                    });
                let l = ui.label("Text:");
                egui::ScrollArea::vertical()
                    .max_height(280.0)
                    .show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut self.new.text)
                                .desired_width(f32::INFINITY)
                                .desired_rows(12)
                                .hint_text("Paste the report's text here"),
                        )
                        .labelled_by(l.id);
                    });
                ui.horizontal(|ui| {
                    let ready = !self.new.text.trim().is_empty();
                    if ui
                        .add_enabled(ready, egui::Button::new("Add source"))
                        .clicked()
                    {
                        actions.push(AuthorAction::AddSourceText(Box::new(std::mem::take(
                            &mut self.new,
                        ))));
                    }
                    if ui.button("Cancel").clicked() {
                        actions.push(WindowAction::ClosePasteSource);
                    }
                });
            });
        if !open {
            actions.push(WindowAction::ClosePasteSource);
        }
    }
}

/// "Save the changes first?" before quitting, opening or starting anew.
pub fn unsaved(ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
    let (Some(then), Some(work)) = (state.unsaved_question(), state.work()) else {
        return;
    };
    egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!(
            "Save the changes to {} {}?",
            work.name(),
            then.describe()
        ));
        ui.horizontal(|ui| {
            for (text, choice) in [
                ("Save", UnsavedChoice::Save),
                ("Don't save", UnsavedChoice::Discard),
                ("Cancel", UnsavedChoice::Cancel),
            ] {
                if ui.button(text).clicked() {
                    actions.push(AuthorAction::Unsaved(choice));
                }
            }
        });
    });
}

/// The work a crash left, offered at start.
pub fn recovery(ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
    let Some(offer) = state.recovery_offer() else {
        return;
    };
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.heading("Unsaved work was left");
        ui.label(format!(
            "The app closed with changes that were not saved (kept {}). Open them again?",
            offer.kept
        ));
        ui.horizontal(|ui| {
            if ui.button("Recover").clicked() {
                actions.push(AuthorAction::Recover(true));
            }
            if ui.button("Discard").clicked() {
                actions.push(AuthorAction::Recover(false));
            }
        });
    });
}

//! The panels and windows of the app, each a struct that owns its own UI
//! state (a text field, say) and draws from the [`crate::state::AppState`]
//! in one `ui` call, pushing what the user asks for as
//! [`crate::action::Action`]s. No panel reaches into another's state.

pub mod cluster_list;
pub mod context;
pub mod map;
pub mod problems;
pub mod shortcuts;
pub mod status_bar;
pub mod timeline;
pub mod top_bar;

/// "responds to" → "Responds to".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A labelled one-line field for a path; returns whether Enter was pressed
/// in it, which submits it as its button does.
pub fn path_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    width: f32,
    hint: &str,
) -> bool {
    let label = ui.label(label);
    let field = ui
        .add(
            egui::TextEdit::singleline(text)
                .desired_width(width)
                .hint_text(hint),
        )
        .labelled_by(label.id);
    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

//! The panels and windows of the app, each a struct that owns its own UI
//! state (a text field, say) and draws from the [`crate::state::AppState`]
//! in one `ui` call, pushing what the user asks for as
//! [`crate::action::Action`]s. No panel reaches into another's state.

pub mod cluster_list;
pub mod context;
pub mod dialogs;
pub mod editor;
pub mod facets;
pub mod map;
pub mod path_prompt;
pub mod place_finder;
pub mod problems;
pub mod reader;
pub mod review;
pub mod shortcuts;
pub mod status_bar;
pub mod time_bar;
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
    left_field(ui, label, text, width, hint) && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// A one-line text field after its label (which names it to a screen
/// reader).
fn labelled_line(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    width: f32,
    hint: &str,
) -> egui::Response {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(width)
            .hint_text(hint),
    )
    .labelled_by(label.id)
}

/// A labelled one-line field whose text counts once it is left: by Enter,
/// Tab or a click elsewhere (what was typed is never lost for want of
/// Enter). Whether it was left this frame.
pub fn left_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    width: f32,
    hint: &str,
) -> bool {
    labelled_line(ui, label, text, width, hint).lost_focus()
}

/// `text` with the words of `query` marked (case and accents aside), in
/// `style`: how the timeline and the context panel show what was searched for.
pub fn highlighted(
    ui: &egui::Ui,
    text: &str,
    query: &str,
    style: egui::TextStyle,
) -> egui::text::LayoutJob {
    use egui::text::{LayoutJob, TextFormat};
    let font = style.resolve(ui.style());
    let color = ui.visuals().text_color();
    let plain = TextFormat::simple(font.clone(), color);
    let marked = TextFormat {
        background: HIGHLIGHT,
        color: egui::Color32::BLACK,
        ..TextFormat::simple(font, color)
    };
    let mut job = LayoutJob::default();
    let mut at = 0;
    for r in incident_map_core::filter::SearchIndex::highlights(text, query) {
        if r.start < at || r.end > text.len() {
            continue;
        }
        job.append(&text[at..r.start], 0.0, plain.clone());
        job.append(&text[r.clone()], 0.0, marked.clone());
        at = r.end;
    }
    job.append(&text[at..], 0.0, plain);
    job
}

/// The background of words found by a search.
pub const HIGHLIGHT: egui::Color32 = egui::Color32::from_rgb(255, 178, 102);

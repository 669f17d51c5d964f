//! The bar along the top: the menus (generated from the command table, the
//! File menu with its path fields and recent files), a load's progress
//! with its Cancel, the online layer, the basemap field, the map image
//! export, and the data set's title.

use std::path::PathBuf;

use egui::Ui;

use super::path_field;
use crate::action::{Action, Actions, AuthorAction, DocumentAction, LensAction};
use crate::command::{Command, MENUS};
use crate::state::AppState;
use incident_map_core::origin::Origin;

/// The top bar and the text its fields hold.
#[derive(Default)]
pub struct TopBar {
    /// The path typed in File → File path.
    open_field: String,
    /// The path typed in File → Export to.
    export_field: String,
    /// The paths typed in File → Source file and Save to.
    source_field: String,
    save_field: String,
    /// The data set's title, as typed (filled from it when the menu opens).
    title_field: Option<String>,
    /// The data set's time zone, as typed.
    zone_field: Option<String>,
    /// A basemap's path; empty means the bundled one.
    basemap_field: String,
    /// The words searched for, as typed.
    search_field: String,
}

impl TopBar {
    /// The bar, its Basemap field showing a basemap the user chose.
    pub fn new(chosen_basemap: Option<&PathBuf>) -> TopBar {
        TopBar {
            basemap_field: chosen_basemap
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            ..TopBar::default()
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        ui.horizontal(|ui| {
            ui.strong("incident-map");
            for (name, commands) in MENUS {
                // The File and View menus hold text fields: they close on a
                // click outside them, not on one in them.
                let config = egui::containers::menu::MenuConfig::new().close_behavior(
                    if *name == "File" || *name == "View" {
                        egui::PopupCloseBehavior::CloseOnClickOutside
                    } else {
                        egui::PopupCloseBehavior::CloseOnClick
                    },
                );
                egui::containers::menu::MenuButton::new(*name)
                    .config(config)
                    .ui(ui, |ui| {
                        for &c in *commands {
                            if command_entry(ui, c, state) {
                                actions.push(Action::Command(c));
                                ui.close();
                            }
                        }
                        if *name == "File" {
                            self.file_fields(ui, state, actions);
                        }
                        if *name == "View" {
                            self.basemap_field(ui, actions);
                        }
                    });
            }
            if state.document().is_some() {
                ui.separator();
                self.search(ui, state, actions);
            }
            if let Some(job) = state.loading() {
                ui.separator();
                ui.spinner();
                ui.label(format!(
                    "Opening {}: {}",
                    job.origin.name(),
                    job.progress.describe()
                ))
                .on_hover_text(job.origin.shown());
                if let Some(f) = job.progress.fraction_read() {
                    ui.add(egui::ProgressBar::new(f).desired_width(120.0));
                }
                // Keep the progress moving on screen.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
                if Command::CancelLoad.button(ui, "Cancel") {
                    actions.push(Action::Command(Command::CancelLoad));
                }
            }
            ui.separator();
            let mut online = state.online();
            if ui
                .checkbox(&mut online, Command::ToggleOnline.text())
                .on_hover_text(Command::ToggleOnline.hover_text(ui.ctx()))
                .changed()
            {
                actions.push(Action::Command(Command::ToggleOnline));
            }
            ui.separator();
            if Command::ExportMapImage.button(ui, Command::ExportMapImage.text()) {
                actions.push(Action::Command(Command::ExportMapImage));
            }
            self.parts_picker(ui, state, actions);
            // The title takes what room is left, cut short if need be.
            if let Some(table) = state.table() {
                ui.separator();
                ui.add(egui::Label::new(&table.meta.title).truncate());
            }
        });
    }

    /// A workbook's sheets or a GeoPackage's layers, when the file has
    /// several: the one shown, and the others to open in its place.
    fn parts_picker(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let Some(doc) = state.document().filter(|d| d.parts.len() > 1) else {
            return;
        };
        let Origin::File(path) = &doc.origin else {
            return;
        };
        let word = match doc.format {
            Some(incident_map_core::formats::Format::Spreadsheet) => "sheet",
            _ => "layer",
        };
        let text = path.to_string_lossy();
        let key = format!("?{word}=");
        let (base, current) = match text.rfind(&key) {
            Some(at) => (&text[..at], text[at + key.len()..].to_string()),
            None => (text.as_ref(), doc.parts[0].clone()),
        };
        ui.separator();
        ui.label(if word == "sheet" { "Sheet:" } else { "Layer:" })
            .on_hover_text(format!(
                "This file has {} {word}s; one is shown. Choose another to open it in its place.",
                doc.parts.len()
            ));
        egui::ComboBox::from_id_salt("file parts")
            .selected_text(&current)
            .show_ui(ui, |ui| {
                for part in &doc.parts {
                    if ui.selectable_label(*part == current, part).clicked() && *part != current {
                        actions.push(Action::open(Origin::File(PathBuf::from(format!(
                            "{base}{key}{part}"
                        )))));
                    }
                }
            });
    }

    /// *View*'s basemap field: another PMTiles archive, or the bundled one.
    fn basemap_field(&mut self, ui: &mut Ui, actions: &mut Actions) {
        ui.separator();
        ui.horizontal(|ui| {
            let entered = path_field(
                ui,
                "Basemap:",
                &mut self.basemap_field,
                260.0,
                "bundled; or the path of a .pmtiles file",
            );
            let used = ui
                .button("Use")
                .on_hover_text("Switch to this PMTiles archive (raster or vector)")
                .clicked();
            if used || entered {
                let field = self.basemap_field.trim();
                actions.push(DocumentAction::UseBasemap(
                    (!field.is_empty()).then(|| PathBuf::from(field)),
                ));
                ui.close();
            }
        });
    }

    /// The search field: results as you type; Enter or ↓ walks to the next
    /// (each selected and brought into view), Shift+Enter or ↑ back; the
    /// count; *Only matches* filters every view to them.
    fn search(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let id = ui.scope_id().with("search-field");
        let focused = ui.memory(|m| m.has_focus(id));
        if !focused && self.search_field != state.search() {
            self.search_field = state.search().to_string();
        }
        let label = ui.label("Search:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut self.search_field)
                    .id(id)
                    .desired_width(150.0)
                    .hint_text(format!(
                        "words ({})",
                        Command::Search.shortcut_text(ui.ctx()).unwrap_or_default()
                    )),
            )
            .labelled_by(label.id)
            .on_hover_text(Command::Search.tooltip());
        if state.marks().focus_search {
            field.request_focus();
            if let Some(mut text) = egui::TextEdit::load_state(ui.ctx(), id) {
                let all = egui::text::CCursorRange::two(
                    egui::text::CCursor::new(0),
                    egui::text::CCursor::new(self.search_field.chars().count()),
                );
                text.cursor.set_char_range(Some(all));
                text.store(ui.ctx(), id);
            }
        }
        if field.changed() {
            actions.push(LensAction::Search(self.search_field.clone()));
        }
        let (enter, shift, down, up) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::Enter),
                i.modifiers.shift,
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::ArrowUp),
            )
        });
        let walk = if field.lost_focus() && enter {
            // Enter walks on and keeps the keyboard here.
            field.request_focus();
            Some(if shift {
                Command::PreviousMatch
            } else {
                Command::NextMatch
            })
        } else if field.has_focus() && (down || up) {
            Some(if up {
                Command::PreviousMatch
            } else {
                Command::NextMatch
            })
        } else {
            None
        };
        if let Some(c) = walk {
            actions.push(Action::Command(c));
        }
        let Some(view) = state.view() else { return };
        if state.search().trim().is_empty() {
            return;
        }
        if view.search != state.search() {
            ui.weak("…");
        } else {
            let n = view.matches.len();
            let at = state
                .selection()
                .and_then(|s| view.matches.iter().position(|&m| m as usize == s.event));
            let text = match (n, at) {
                (0, _) => "no results".to_string(),
                (n, Some(k)) => format!("{} of {}", k + 1, crate::state::thousands(n)),
                (1, None) => "1 result".to_string(),
                (n, None) => format!("{} results", crate::state::thousands(n)),
            };
            ui.label(text);
        }
        for (c, label) in [(Command::PreviousMatch, "‹"), (Command::NextMatch, "›")] {
            if c.button(ui, label) {
                actions.push(Action::Command(c));
            }
        }
        let mut only = state.only_matches();
        if ui
            .checkbox(&mut only, Command::ToggleOnlyMatches.text())
            .on_hover_text(Command::ToggleOnlyMatches.hover_text(ui.ctx()))
            .changed()
        {
            actions.push(Action::Command(Command::ToggleOnlyMatches));
        }
    }

    /// The File menu's own part: a path to open, where to export, recent files.
    fn file_fields(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        ui.separator();
        ui.horizontal(|ui| {
            let entered = path_field(ui, "File path:", &mut self.open_field, 280.0, "");
            let load = ui.button("Load").clicked() || entered;
            if load && !self.open_field.trim().is_empty() {
                match Origin::parse(self.open_field.trim()) {
                    Ok(origin) => actions.push(Action::open(origin)),
                    Err(why) => actions.push(Action::Note(format!("Not opened: {why}"))),
                }
                ui.close();
            }
        });
        // Authoring: a report to add as a source, where to save, by path.
        ui.horizontal(|ui| {
            let entered = path_field(
                ui,
                "Source file:",
                &mut self.source_field,
                240.0,
                "report.html",
            );
            if (Command::AddSource.button(ui, "Add") || entered)
                && !self.source_field.trim().is_empty()
            {
                actions.push(AuthorAction::AddSourceFile(PathBuf::from(
                    self.source_field.trim(),
                )));
                ui.close();
            }
        });
        if let Some(work) = state.work() {
            ui.horizontal(|ui| {
                let title = self
                    .title_field
                    .get_or_insert_with(|| work.dataset.title.clone());
                // Kept when left, not only on Enter or Set.
                let left = super::left_field(ui, "Title:", title, 240.0, "the data set's title");
                if (left || ui.button("Set").clicked()) && *title != work.dataset.title {
                    actions.push(AuthorAction::SetTitle(title.clone()));
                    self.title_field = None;
                } else if left {
                    self.title_field = None;
                }
            });
            ui.horizontal(|ui| {
                let zone = self.zone_field.get_or_insert_with(|| {
                    work.dataset.time_zone.clone().unwrap_or_else(|| "UTC".into())
                });
                let left = super::left_field(ui, "Time zone:", zone, 240.0, "Europe/Moscow, UTC…");
                let set = ui
                    .button("Set zone")
                    .on_hover_text("The zone of the data set's days, and of times written without one (an IANA name)")
                    .clicked();
                let now = work.dataset.time_zone.clone().unwrap_or_else(|| "UTC".into());
                if (left || set) && zone.trim() != now {
                    actions.push(AuthorAction::SetTimeZone(zone.clone()));
                    self.zone_field = None;
                } else if left {
                    self.zone_field = None;
                }
            });
            ui.horizontal(|ui| {
                let entered = path_field(
                    ui,
                    "Save to:",
                    &mut self.save_field,
                    240.0,
                    "incidents.json",
                );
                if (Command::SaveAs.button(ui, "Save") || entered)
                    && !self.save_field.trim().is_empty()
                {
                    actions.push(AuthorAction::SaveTo(PathBuf::from(self.save_field.trim())));
                    ui.close();
                }
            });
        }
        ui.separator();
        ui.label("Export (GeoJSON, CSV or incident-map JSON, by extension)");
        let mut export_now = false;
        ui.horizontal(|ui| {
            export_now = path_field(
                ui,
                "Export to:",
                &mut self.export_field,
                240.0,
                "events.geojson",
            );
            if Command::ExportEvents.button(ui, "Choose…") {
                actions.push(Action::Command(Command::ExportEvents));
            }
        });
        let mut only_shown = state.export_only_shown();
        if ui
            .checkbox(
                &mut only_shown,
                "Only the events shown: in the map's view, categories not hidden",
            )
            .changed()
        {
            actions.push(DocumentAction::SetExportOnlyShown(only_shown));
        }
        export_now |= ui.button("Export").clicked();
        if export_now && !self.export_field.trim().is_empty() {
            actions.push(DocumentAction::Export {
                path: PathBuf::from(self.export_field.trim()),
                only_shown,
            });
            ui.close();
        }
        if !state.recent().is_empty() {
            ui.separator();
            ui.label("Recent");
            for origin in state.recent() {
                if ui.button(origin.shown()).clicked() {
                    actions.push(Action::open(origin.clone()));
                    ui.close();
                }
            }
        }
    }
}

/// A command's menu entry: toggles show whether they are on, commands that
/// cannot apply now are greyed out.
fn command_entry(ui: &mut Ui, c: Command, state: &AppState) -> bool {
    let has_data = state.store().is_some();
    let enabled = match c {
        Command::CancelLoad => state.loading().is_some(),
        Command::ExportEvents | Command::Fit => has_data,
        Command::SelectNext | Command::SelectPrevious => has_data,
        Command::FocusSelected | Command::ClearSelection => state.selection().is_some(),
        Command::NextMatch | Command::PreviousMatch => {
            state.view().is_some_and(|v| !v.matches.is_empty())
        }
        Command::FindEvents => state.work().is_some_and(|w| !w.dataset.sources.is_empty()),
        Command::AcceptProposal
        | Command::RejectProposal
        | Command::EditProposal
        | Command::NextProposal
        | Command::PreviousProposal => state.reviewing(),
        Command::AcceptAllProposals => state.review().is_some_and(|r| r.pending().next().is_some()),
        _ => true,
    };
    let checked = match c {
        Command::TogglePanels => Some(state.panels_shown()),
        Command::ToggleOnline => Some(state.online()),
        Command::ToggleFadeDoubtful => Some(state.fade_doubtful()),
        Command::ShowShortcuts => Some(state.shortcuts_open()),
        Command::ToggleOnlyMatches => Some(state.only_matches()),
        Command::ToggleUndated => Some(state.filter().include_undated),
        Command::ToggleAccumulate => Some(state.playback().accumulate),
        Command::ToggleLoop => Some(state.playback().looped),
        Command::PlayPause => Some(state.playback().playing),
        _ => None,
    };
    match checked {
        Some(on) => {
            let mut button = egui::Button::selectable(on, c.text());
            if let Some(s) = c.shortcuts().first() {
                button = button.shortcut_text(ui.ctx().format_shortcut(s));
            }
            ui.add_enabled(enabled, button)
                .on_hover_text(c.hover_text(ui.ctx()))
                .clicked()
        }
        None => c.menu_item(ui, enabled),
    }
}

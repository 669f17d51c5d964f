//! Help → Keyboard shortcuts: every command with its keys, from the
//! command table.

use crate::action::{Actions, WindowAction};
use crate::command::{MENUS, Scope};
use crate::state::AppState;

#[derive(Default)]
pub struct ShortcutsWindow;

impl ShortcutsWindow {
    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, actions: &mut Actions) {
        if !state.shortcuts_open() {
            return;
        }
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .default_width(460.0)
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                // Taller than a small window: it scrolls.
                let room = (ctx.content_rect().height() - 160.0).max(120.0);
                egui::ScrollArea::vertical()
                    .max_height(room)
                    .show(ui, |ui| {
                        egui::Grid::new("shortcuts")
                            .num_columns(2)
                            .striped(true)
                            .spacing([16.0, 4.0])
                            .show(ui, |ui| {
                                for (menu, commands) in MENUS {
                                    ui.strong(*menu);
                                    ui.end_row();
                                    for c in commands.iter() {
                                        ui.label(c.text()).on_hover_text(c.tooltip());
                                        let keys =
                                            c.shortcut_text(ctx).unwrap_or_else(|| "—".into());
                                        // The review's keys work while it is under way.
                                        match c.scope() {
                                            Scope::Everywhere => ui.monospace(keys),
                                            Scope::Review => {
                                                ui.monospace(format!("{keys} (reviewing)"))
                                            }
                                        };
                                        ui.end_row();
                                    }
                                }
                            });
                    });
                ui.weak(
                    "Keys without Ctrl that type (letters, digits, Space, Enter, Delete) act \
                     with the pointer over the map, the timeline, the context or a list, \
                     never while a text field has the keyboard.",
                );
                ui.weak("Mouse: drag to pan, wheel to zoom, click a marker or a row to select it.");
                if ui.button("Close").clicked() {
                    actions.push(WindowAction::CloseShortcuts);
                }
            });
        if !open {
            actions.push(WindowAction::CloseShortcuts);
        }
    }
}

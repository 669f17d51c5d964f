//! The bar along the bottom: where the cursor is, the zoom, and the status.

use egui::Ui;

use crate::state::AppState;
use incident_map_core::model::LatLon;

#[derive(Default)]
pub struct StatusBar;

impl StatusBar {
    /// `cursor` and `zoom` are the map's, as it drew its last frame.
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, cursor: Option<LatLon>, zoom: f64) {
        ui.horizontal(|ui| {
            match cursor {
                Some(c) => ui.monospace(format!("{:.5}, {:.5}", c.lat, c.lon)),
                None => ui.monospace("—"),
            };
            ui.separator();
            ui.label(format!("zoom {zoom:.1}"));
            if let Some(s) = state.status().text() {
                ui.separator();
                ui.label(s);
            }
            if let Some(note) = state.current_note() {
                ui.separator();
                ui.colored_label(ui.visuals().warn_fg_color, note);
            }
        });
    }
}

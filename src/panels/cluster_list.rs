//! The window that lists the events of a cluster no zoom can split (events
//! stacked on one spot), to pick one.

use crate::action::{Actions, SelectionAction};
use crate::state::AppState;

#[derive(Default)]
pub struct ClusterList;

impl ClusterList {
    /// Draws the list, if one is open; returns where it is (the plain keys
    /// act there).
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        actions: &mut Actions,
    ) -> Option<egui::Response> {
        let (Some(list), Some(doc)) = (state.listed(), state.document()) else {
            return None;
        };
        egui::Window::new(format!("{} events at one spot", list.len()))
            .id(egui::Id::unique("cluster-list"))
            .default_width(380.0)
            // Above the map's legend and buttons, which are areas too.
            .order(egui::Order::Foreground)
            .show(ctx, |ui| {
                let selected = state.selected_id();
                let table = doc.table();
                let height = ui.text_style_height(&egui::TextStyle::Button) + 4.0;
                egui::ScrollArea::vertical().max_height(360.0).show_rows(
                    ui,
                    height,
                    list.len(),
                    |ui, rows| {
                        for &i in &list[rows] {
                            let id = table.id(i);
                            let text = format!("{} ({})", table.title(i), table.label(i));
                            if ui.selectable_label(selected == Some(id), text).clicked() {
                                actions.push(SelectionAction::Select(id.to_string()));
                            }
                        }
                    },
                );
                if ui.button("Close").clicked() {
                    actions.push(SelectionAction::CloseClusterList);
                }
            })
            .map(|r| r.response)
    }
}

//! Selecting: an event by id (only while it is shown), the next or
//! previous in time, the next or previous match of the words searched for,
//! and bringing the selection into view; the views are told to scroll to it.

use incident_map_core::model::BBox;

use super::{AppState, camera};
use crate::action::Effect;

impl AppState {
    /// Selects the event `id`, if it is there and shown; the views bring
    /// it into view.
    pub(super) fn select(&mut self, id: &str) {
        if let Some(doc) = self.docs.open()
            && self.selection.select(doc, &self.regions, id)
        {
            self.next_marks.scroll_to_selection = true;
        }
    }

    /// Selects the next or previous event in time.
    pub(super) fn step(&mut self, forward: bool) {
        if let Some(doc) = self.docs.open()
            && self.selection.step(doc, &self.regions, forward)
        {
            self.next_marks.scroll_to_selection = true;
        }
    }

    /// Selects the next or previous event that holds the words searched
    /// for, and brings it into view.
    pub(super) fn step_match(&mut self, forward: bool, fx: &mut Vec<Effect>) {
        if let Some(doc) = self.docs.open()
            && self.selection.step_match(doc, &self.regions, forward)
        {
            self.next_marks.scroll_to_selection = true;
            self.focus_selected(fx);
        }
    }

    /// The box the map frames first and Fit frames.
    pub fn home(&self) -> BBox {
        camera::home(self.view(), &self.regions)
    }

    /// Brings the selected event into view.
    pub(super) fn focus_selected(&mut self, fx: &mut Vec<Effect>) {
        if let (Some(doc), Some(s)) = (self.docs.open(), self.selection.get())
            && let Some(m) = camera::focus(doc, s, &self.regions)
        {
            fx.push(Effect::Camera(m));
        }
    }
}

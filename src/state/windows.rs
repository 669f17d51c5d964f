//! The windows room: what is open around the map (the problems list, the
//! shortcuts, a source being pasted, *Find a place…* with the gazetteer it
//! searches) and how the map is shown (the side panels, the online layer,
//! doubtful evidence faded). Its reducer changes only these.

use incident_map_core::model::LatLon;

use super::places::{GazetteerRead, PlaceFinder, PlaceHit};
use crate::action::{PathFor, WindowAction};
use crate::command::Command;

/// The windows and panels.
pub struct Windows {
    pub problems_open: bool,
    pub shortcuts_open: bool,
    pub paste_open: bool,
    pub panels_shown: bool,
    pub online: bool,
    /// Markers of doubtful evidence are drawn faded.
    pub fade_doubtful: bool,
    /// *Find a place…*: the gazetteer and what it found.
    pub places: PlaceFinder,
    /// The window asking for a path, in place of a system dialog that
    /// could not open.
    pub path_prompt: Option<PathFor>,
}

impl Default for Windows {
    fn default() -> Self {
        Windows {
            problems_open: false,
            shortcuts_open: false,
            paste_open: false,
            panels_shown: true,
            online: false,
            fade_doubtful: false,
            places: PlaceFinder::default(),
            path_prompt: None,
        }
    }
}

/// What a window's change asks of the rest.
#[derive(Debug, PartialEq)]
pub enum WindowChange {
    None,
    /// Read the gazetteer (it is not read, nor being read).
    ReadGazetteer,
    /// Take the map to this place (found by name).
    GoTo(PlaceHit),
}

impl Windows {
    /// Applies `action`; `near` are the places a name is looked for near
    /// first (asked for only when a name is typed).
    pub fn apply(
        &mut self,
        action: WindowAction,
        near: impl FnOnce() -> Vec<LatLon>,
    ) -> WindowChange {
        match action {
            WindowAction::DismissProblems => self.problems_open = false,
            WindowAction::CloseShortcuts => self.shortcuts_open = false,
            WindowAction::FindPlace(query) => {
                self.places.query = query;
                self.places.search(&near());
            }
            WindowAction::GoToPlace(i) => {
                if let Some(hit) = self.places.hits.get(i).cloned() {
                    self.places.open = false;
                    return WindowChange::GoTo(hit);
                }
            }
            WindowAction::ClosePlaceFinder => self.places.open = false,
            WindowAction::ClosePasteSource => self.paste_open = false,
            WindowAction::ClosePathPrompt { .. } => self.path_prompt = None,
            WindowAction::WantGazetteer => return self.want_gazetteer(),
        }
        WindowChange::None
    }

    /// Applies one of the windows' commands.
    pub fn command(&mut self, c: Command) -> WindowChange {
        match c {
            Command::TogglePanels => self.panels_shown = !self.panels_shown,
            Command::ToggleOnline => self.online = !self.online,
            Command::ShowShortcuts => self.shortcuts_open = !self.shortcuts_open,
            Command::ToggleFadeDoubtful => self.fade_doubtful = !self.fade_doubtful,
            Command::PasteSource => self.paste_open = true,
            Command::FindPlace => {
                self.places.open = true;
                return self.want_gazetteer();
            }
            _ => {}
        }
        WindowChange::None
    }

    /// The gazetteer is to be read, unless it is read or being read.
    fn want_gazetteer(&mut self) -> WindowChange {
        if matches!(
            self.places.reading,
            GazetteerRead::NotYet | GazetteerRead::Failed(_)
        ) {
            self.places.reading = GazetteerRead::Reading;
            WindowChange::ReadGazetteer
        } else {
            WindowChange::None
        }
    }

    /// Escape closes what is on top: the place finder (then the editor,
    /// then the selection, which are not windows); whether it closed one.
    pub fn escape(&mut self) -> bool {
        // The shortcuts first (they lie over everything), then the finder.
        std::mem::replace(&mut self.shortcuts_open, false)
            || std::mem::replace(&mut self.places.open, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gazetteer_is_read_once_and_escape_closes_the_finder() {
        let mut w = Windows::default();
        assert_eq!(w.command(Command::FindPlace), WindowChange::ReadGazetteer);
        assert!(w.places.open);
        assert_eq!(
            w.apply(WindowAction::WantGazetteer, Vec::new),
            WindowChange::None
        );
        assert!(w.escape());
        assert!(!w.escape(), "nothing left to close");
        w.command(Command::ShowShortcuts);
        assert!(
            w.escape() && !w.shortcuts_open,
            "Escape closes the shortcuts"
        );
        w.command(Command::TogglePanels);
        assert!(!w.panels_shown);
        w.problems_open = true;
        w.apply(WindowAction::DismissProblems, Vec::new);
        assert!(!w.problems_open);
        // A place listed that is not there goes nowhere.
        assert_eq!(
            w.apply(WindowAction::GoToPlace(3), Vec::new),
            WindowChange::None
        );
    }
}

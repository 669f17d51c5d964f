//! Every command a user can give, as data: its text, what it does in a
//! sentence, and its keyboard shortcuts. Menus, buttons, tooltips, the key
//! map and the *Help → Keyboard shortcuts* window are all generated from this
//! one table (the pattern of Rerun's `UICommand`), so a shortcut is written
//! once and shown wherever the command is.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A command with no argument: what a menu entry, a button or a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    Open,
    ExportEvents,
    ExportMapImage,
    Publish,
    CancelLoad,
    Quit,
    ZoomIn,
    ZoomOut,
    Fit,
    TogglePanels,
    ToggleOnline,
    ShowProblems,
    SelectNext,
    SelectPrevious,
    FocusSelected,
    ClearSelection,
    Search,
    NextMatch,
    PreviousMatch,
    ToggleOnlyMatches,
    ResetFilter,
    PlayPause,
    StepForward,
    StepBack,
    WindowDay,
    WindowWeek,
    WindowMonth,
    WindowAll,
    ToggleUndated,
    ToggleAccumulate,
    ToggleLoop,
    Faster,
    Slower,
    ShowShortcuts,
    FindPlace,
    NewDataSet,
    AddSource,
    PasteSource,
    Save,
    SaveAs,
    Undo,
    Redo,
    NewEventFromSelection,
    AddEvidence,
    PlaceOnMap,
    DeleteEvent,
    ToggleFadeDoubtful,
    FindEvents,
    AcceptProposal,
    RejectProposal,
    EditProposal,
    AcceptAllProposals,
    NextProposal,
    PreviousProposal,
}

/// Where a command's keys work: everywhere, or while events proposed by
/// reading a source are reviewed (there Enter accepts, Delete rejects and
/// the arrows walk the proposals, before what they do elsewhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Review,
}

/// A `'static` list of shortcuts.
macro_rules! keys {
    ($($k:expr),* $(,)?) => {{
        const KEYS: &[KeyboardShortcut] = &[$($k),*];
        KEYS
    }};
}

const fn key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

/// The menus of the top bar and the commands in each, in order. Every
/// command is in one (tested), so none is reachable by a key alone.
pub const MENUS: &[(&str, &[Command])] = &[
    (
        "File",
        &[
            Command::NewDataSet,
            Command::Open,
            Command::AddSource,
            Command::PasteSource,
            Command::Save,
            Command::SaveAs,
            Command::ExportEvents,
            Command::ExportMapImage,
            Command::Publish,
            Command::CancelLoad,
            Command::Quit,
        ],
    ),
    (
        "Edit",
        &[
            Command::Undo,
            Command::Redo,
            Command::NewEventFromSelection,
            Command::AddEvidence,
            Command::PlaceOnMap,
            Command::DeleteEvent,
            Command::FindEvents,
            Command::AcceptProposal,
            Command::RejectProposal,
            Command::EditProposal,
            Command::AcceptAllProposals,
            Command::NextProposal,
            Command::PreviousProposal,
        ],
    ),
    (
        "View",
        &[
            Command::ZoomIn,
            Command::ZoomOut,
            Command::Fit,
            Command::FindPlace,
            Command::ToggleFadeDoubtful,
            Command::TogglePanels,
            Command::ToggleOnline,
            Command::ShowProblems,
        ],
    ),
    (
        "Events",
        &[
            Command::SelectNext,
            Command::SelectPrevious,
            Command::FocusSelected,
            Command::ClearSelection,
            Command::Search,
            Command::NextMatch,
            Command::PreviousMatch,
            Command::ToggleOnlyMatches,
            Command::ResetFilter,
        ],
    ),
    (
        "Time",
        &[
            Command::PlayPause,
            Command::StepForward,
            Command::StepBack,
            Command::WindowDay,
            Command::WindowWeek,
            Command::WindowMonth,
            Command::WindowAll,
            Command::ToggleUndated,
            Command::ToggleAccumulate,
            Command::ToggleLoop,
            Command::Faster,
            Command::Slower,
        ],
    ),
    ("Help", &[Command::ShowShortcuts]),
];

impl Command {
    /// Every command, in the order of the menus (each is in one: tested),
    /// as the shortcuts window lists them.
    pub fn all() -> impl Iterator<Item = Command> {
        MENUS
            .iter()
            .flat_map(|(_, commands)| commands.iter().copied())
    }

    /// Its name in menus.
    pub fn text(self) -> &'static str {
        self.text_and_tooltip().0
    }

    /// What it does, in a sentence.
    pub fn tooltip(self) -> &'static str {
        self.text_and_tooltip().1
    }

    fn text_and_tooltip(self) -> (&'static str, &'static str) {
        match self {
            Command::Open => (
                "Open…",
                "Open an incident file: incident-map JSON, GeoJSON, CSV, KML/KMZ or TimelineJS",
            ),
            Command::ExportEvents => (
                "Export events…",
                "Write the events to a GeoJSON, CSV or incident-map JSON file",
            ),
            Command::ExportMapImage => (
                "Export map image",
                "Save what the map shows as a PNG in your Pictures folder",
            ),
            Command::Publish => (
                "Publish as a web page…",
                "Write what the filter shows as ONE HTML file that works offline in any browser: the map, the timeline and every passage in its source, linked; a link can point at one event",
            ),
            Command::CancelLoad => ("Cancel loading", "Stop opening the file being loaded"),
            Command::Quit => ("Quit", "Close the window"),
            Command::ZoomIn => ("Zoom in", "Zoom the map in one level"),
            Command::ZoomOut => ("Zoom out", "Zoom the map out one level"),
            Command::Fit => ("Fit to data", "Frame the events shown on the map"),
            Command::TogglePanels => (
                "Show or hide panels",
                "Show or hide the timeline and context panels beside the map",
            ),
            Command::ToggleOnline => (
                "OpenStreetMap (online)",
                "Draw OpenStreetMap's tiles over the offline basemap. Off by default: it asks a tile server for the places you look at.",
            ),
            Command::ShowProblems => (
                "Problems…",
                "List the problems found in the file opened last",
            ),
            Command::SelectNext => ("Next event", "Select the next event in time"),
            Command::SelectPrevious => ("Previous event", "Select the previous event in time"),
            Command::FocusSelected => (
                "Bring into view",
                "Move the map to the selected event (its whole area for a region, line or area)",
            ),
            Command::ClearSelection => ("Clear selection", "Select no event"),
            Command::Search => (
                "Search…",
                "Find events by their words: title, summary, actors, places, quotes, claims and notes (any case, any accents)",
            ),
            Command::NextMatch => (
                "Next match",
                "Select the next event that holds the words searched for",
            ),
            Command::PreviousMatch => (
                "Previous match",
                "Select the previous event that holds the words searched for",
            ),
            Command::ToggleOnlyMatches => (
                "Only matches",
                "Show only the events that hold the words searched for, in every view",
            ),
            Command::ResetFilter => (
                "Show everything",
                "Clear the filter: every time, category, actor, precision, source and word",
            ),
            Command::PlayPause => (
                "Play or pause",
                "Move the time window through the data, one step of the histogram at a time",
            ),
            Command::StepForward => ("Step forward", "Move the time window one step later"),
            Command::StepBack => ("Step back", "Move the time window one step earlier"),
            Command::WindowDay => (
                "A day",
                "Show one day, from the window's start (or the data's)",
            ),
            Command::WindowWeek => (
                "A week",
                "Show seven days, from the window's start (or the data's)",
            ),
            Command::WindowMonth => (
                "A month",
                "Show a month, from the window's start (or the data's)",
            ),
            Command::WindowAll => ("All time", "Show every date: no time window"),
            Command::ToggleUndated => (
                "Undated with the window",
                "Show the undated and disputed events with a time window too (they are in no window)",
            ),
            Command::ToggleAccumulate => (
                "Accumulate while playing",
                "While playing, keep what came before (everything up to now) instead of only the window",
            ),
            Command::ToggleLoop => (
                "Loop",
                "Start again from the beginning when playing reaches the end",
            ),
            Command::Faster => ("Play faster", "Take more steps a second"),
            Command::Slower => ("Play slower", "Take fewer steps a second"),
            Command::ShowShortcuts => ("Keyboard shortcuts", "List every command and its keys"),
            Command::NewDataSet => (
                "New data set",
                "Start a data set of your own: add the sources you read, then mark what happened in their words",
            ),
            Command::AddSource => (
                "Add source…",
                "Add a report to read and quote: a text, Markdown or HTML file (HTML read as text)",
            ),
            Command::PasteSource => (
                "Paste a source…",
                "Add a report by pasting its text, with its title, author, publisher, date and address",
            ),
            Command::Save => (
                "Save",
                "Write the data set in this app's format (its sources' texts beside it), atomically",
            ),
            Command::SaveAs => (
                "Save as…",
                "Write the data set to a new file of your choice",
            ),
            Command::Undo => ("Undo", "Take back the last change"),
            Command::Redo => ("Redo", "Make again the change last taken back"),
            Command::NewEventFromSelection => (
                "New event from selection",
                "Make an event from the words selected in the source, quoting them, and open it in the editor",
            ),
            Command::AddEvidence => (
                "Add selection as evidence",
                "Quote the words selected in the source as a further passage of the selected event",
            ),
            Command::PlaceOnMap => (
                "Place on the map",
                "Put the event being edited where you click on the map next",
            ),
            Command::DeleteEvent => (
                "Delete event",
                "Delete the selected event (Undo brings it back)",
            ),
            Command::ToggleFadeDoubtful => (
                "Fade doubtful evidence",
                "Draw faded the markers of events whose most credible passage is doubtful or improbable (4 or 5 on the Admiralty scale)",
            ),
            Command::FindEvents => (
                "Find events in this source",
                "Read the source being read and propose the events it reports, each dated, placed and tied to its words, for you to accept or reject",
            ),
            Command::AcceptProposal => (
                "Accept proposed event",
                "Make the proposed event chosen an event of the data set (Undo takes it back)",
            ),
            Command::RejectProposal => (
                "Reject proposed event",
                "Set the proposed event chosen aside: it is not made an event",
            ),
            Command::EditProposal => (
                "Accept and edit proposed event",
                "Make the proposed event chosen an event and open it in the editor, to correct its date, place or category",
            ),
            Command::AcceptAllProposals => (
                "Accept all proposed events",
                "Make every proposed event not yet rejected an event of the data set, in one step (Undo takes them all back)",
            ),
            Command::NextProposal => ("Next proposed event", "Choose the next proposed event"),
            Command::PreviousProposal => (
                "Previous proposed event",
                "Choose the previous proposed event",
            ),
            Command::FindPlace => (
                "Find a place…",
                "Find a place of the world by its name, in any language (offline: GeoNames' places of over 1,000 people), and take the map there",
            ),
        }
    }

    /// Its keys, the main one first.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        match self {
            Command::Open => keys![cmd(Key::O)],
            Command::ExportEvents => keys![KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::E
            )],
            Command::ExportMapImage => keys![cmd(Key::E)],
            Command::Publish => keys![KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::P
            )],
            Command::Quit => keys![cmd(Key::Q)],
            Command::ZoomIn => keys![key(Key::Plus), key(Key::Equals)],
            Command::ZoomOut => keys![key(Key::Minus)],
            Command::Fit => keys![key(Key::Num0)],
            Command::TogglePanels => keys![key(Key::P)],
            Command::SelectNext => keys![key(Key::ArrowDown), key(Key::J)],
            Command::SelectPrevious => keys![key(Key::ArrowUp), key(Key::K)],
            Command::FocusSelected => keys![key(Key::Enter)],
            Command::ClearSelection => keys![key(Key::Escape)],
            Command::Search => keys![cmd(Key::F)],
            Command::NextMatch => keys![key(Key::F3)],
            Command::PreviousMatch => keys![KeyboardShortcut::new(Modifiers::SHIFT, Key::F3)],
            Command::ToggleOnlyMatches => keys![KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::F
            )],
            Command::ResetFilter => keys![KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::Backspace
            )],
            Command::PlayPause => keys![key(Key::Space)],
            Command::StepForward => keys![key(Key::ArrowRight)],
            Command::StepBack => keys![key(Key::ArrowLeft)],
            Command::WindowDay => keys![key(Key::D)],
            Command::WindowWeek => keys![key(Key::W)],
            Command::WindowMonth => keys![key(Key::M)],
            Command::WindowAll => keys![key(Key::A)],
            Command::ToggleUndated => keys![key(Key::U)],
            Command::ToggleAccumulate => &[],
            Command::ToggleLoop => keys![key(Key::L)],
            Command::Faster => keys![key(Key::CloseBracket)],
            Command::Slower => keys![key(Key::OpenBracket)],
            Command::ShowShortcuts => keys![key(Key::F1)],
            Command::FindPlace => keys![cmd(Key::G)],
            Command::Save => keys![cmd(Key::S)],
            Command::SaveAs => keys![KeyboardShortcut::new(
                Modifiers::COMMAND.plus(Modifiers::SHIFT),
                Key::S
            )],
            Command::Undo => keys![cmd(Key::Z)],
            Command::Redo => keys![
                KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
                cmd(Key::Y)
            ],
            Command::NewEventFromSelection => keys![cmd(Key::N)],
            Command::DeleteEvent => keys![key(Key::Delete)],
            Command::FindEvents => keys![cmd(Key::R)],
            Command::AcceptProposal => keys![key(Key::Enter)],
            Command::RejectProposal => keys![key(Key::Delete), key(Key::Backspace)],
            Command::EditProposal => keys![key(Key::E)],
            Command::AcceptAllProposals => keys![cmd(Key::Enter)],
            Command::NextProposal => keys![key(Key::ArrowDown), key(Key::J)],
            Command::PreviousProposal => keys![key(Key::ArrowUp), key(Key::K)],
            Command::NewDataSet
            | Command::AddSource
            | Command::PasteSource
            | Command::AddEvidence
            | Command::PlaceOnMap
            | Command::ToggleFadeDoubtful => &[],
            Command::CancelLoad | Command::ToggleOnline | Command::ShowProblems => &[],
        }
    }

    /// Whether it puts the keyboard in a text field: keys after it are typing.
    pub fn opens_a_field(self) -> bool {
        matches!(self, Command::Search | Command::FindPlace)
    }

    /// Where its keys work.
    pub fn scope(self) -> Scope {
        match self {
            Command::AcceptProposal
            | Command::RejectProposal
            | Command::EditProposal
            | Command::AcceptAllProposals
            | Command::NextProposal
            | Command::PreviousProposal => Scope::Review,
            _ => Scope::Everywhere,
        }
    }

    /// Its keys as people read them: "Ctrl+O", "Down or J".
    pub fn shortcut_text(self, ctx: &egui::Context) -> Option<String> {
        let keys: Vec<String> = self
            .shortcuts()
            .iter()
            .map(|s| ctx.format_shortcut(s))
            .collect();
        (!keys.is_empty()).then(|| keys.join(" or "))
    }

    /// The tooltip with the keys: "Zoom the map in one level (+ or =)".
    pub fn hover_text(self, ctx: &egui::Context) -> String {
        match self.shortcut_text(ctx) {
            Some(keys) => format!("{} ({keys})", self.tooltip()),
            None => self.tooltip().to_string(),
        }
    }

    /// A menu entry: its text, its main key on the right, its tooltip.
    /// True when clicked.
    pub fn menu_item(self, ui: &mut egui::Ui, enabled: bool) -> bool {
        let mut button = egui::Button::new(self.text());
        if let Some(s) = self.shortcuts().first() {
            button = button.shortcut_text(ui.ctx().format_shortcut(s));
        }
        ui.add_enabled(enabled, button)
            .on_hover_text(self.hover_text(ui.ctx()))
            .clicked()
    }

    /// A button drawn as `label` (an icon, say), with the command's tooltip
    /// and keys. True when clicked.
    pub fn button(self, ui: &mut egui::Ui, label: impl Into<egui::WidgetText>) -> bool {
        ui.button(label)
            .on_hover_text(self.hover_text(ui.ctx()))
            .clicked()
    }

    /// The commands whose keys were pressed this frame (the keys are taken,
    /// so no widget sees them too). While the user is `typing` (a text
    /// field has the keyboard), only shortcuts with Ctrl (⌘) count: plain
    /// letters are typing. Keys that type ([`types`]) alone
    /// act only `here`, with the pointer or focus on the map, the timeline,
    /// the context or a list. While `reviewing` proposed events, the
    /// review's keys come first; otherwise they are not keys at all.
    pub fn from_keys(
        ctx: &egui::Context,
        typing: bool,
        here: bool,
        reviewing: bool,
    ) -> Vec<Command> {
        let mut all: Vec<(Command, KeyboardShortcut)> = Command::all()
            .filter(|c| reviewing || c.scope() == Scope::Everywhere)
            .flat_map(|c| c.shortcuts().iter().map(move |s| (c, *s)))
            .filter(|(_, s)| {
                let held = s.modifiers.command || s.modifiers.ctrl;
                held || (!typing && (here || !types(s.logical_key)))
            })
            .collect();
        // The review's first, then the most specific: Ctrl+Shift+E before Ctrl+E.
        all.sort_by_key(|(c, s)| {
            (
                c.scope() == Scope::Everywhere,
                std::cmp::Reverse(modifier_count(s.modifiers)),
            )
        });
        ctx.input_mut(|i| {
            let mut out: Vec<Command> = Vec::new();
            for (c, s) in all {
                // After a command that puts the keyboard in a text field
                // (Ctrl+F), what follows in the same frame is typing.
                let plain = !(s.modifiers.command || s.modifiers.ctrl || s.modifiers.alt);
                if plain && out.iter().any(|c| c.opens_a_field()) {
                    continue;
                }
                if i.consume_shortcut(&s) && !out.contains(&c) {
                    out.push(c);
                }
            }
            out
        })
    }
}

/// Whether `key` writes or edits words in a text field (a letter, a
/// digit, a sign, Space, Enter, Backspace, Delete): alone, it is a command
/// only where `typing::KeyAreas` says. Escape, the arrows and F1 act anywhere.
pub fn types(key: Key) -> bool {
    !matches!(
        key,
        Key::ArrowDown | Key::ArrowLeft | Key::ArrowRight | Key::ArrowUp
    ) && (matches!(key, Key::Space | Key::Enter | Key::Backspace | Key::Delete)
        || key.symbol_or_name().chars().count() == 1)
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.alt) + u8::from(m.shift) + u8::from(m.command || m.ctrl) + u8::from(m.mac_cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut_in_one_scope() {
        let mut seen: Vec<(KeyboardShortcut, Command)> = Vec::new();
        for c in Command::all() {
            for s in c.shortcuts() {
                if let Some((_, other)) =
                    seen.iter().find(|(t, o)| t == s && o.scope() == c.scope())
                {
                    panic!("{c:?} and {other:?} share {s:?}");
                }
                seen.push((*s, c));
            }
        }
    }

    #[test]
    fn every_command_is_in_a_menu_once() {
        for c in Command::all() {
            assert_eq!(Command::all().filter(|&a| a == c).count(), 1, "{c:?}");
            assert!(!c.text().is_empty() && !c.tooltip().is_empty(), "{c:?}");
        }
        // Every variant is in a menu: a new one breaks this match until it
        // has a number, and then this test until it is in a menu.
        const VARIANTS: usize = 54;
        let number = |c: Command| match c {
            Command::Open => 0,
            Command::ExportEvents => 1,
            Command::ExportMapImage => 2,
            Command::CancelLoad => 3,
            Command::Quit => 4,
            Command::ZoomIn => 5,
            Command::ZoomOut => 6,
            Command::Fit => 7,
            Command::TogglePanels => 8,
            Command::ToggleOnline => 9,
            Command::ShowProblems => 10,
            Command::SelectNext => 11,
            Command::SelectPrevious => 12,
            Command::FocusSelected => 13,
            Command::ClearSelection => 14,
            Command::Search => 15,
            Command::NextMatch => 16,
            Command::PreviousMatch => 17,
            Command::ToggleOnlyMatches => 18,
            Command::ResetFilter => 19,
            Command::PlayPause => 20,
            Command::StepForward => 21,
            Command::StepBack => 22,
            Command::WindowDay => 23,
            Command::WindowWeek => 24,
            Command::WindowMonth => 25,
            Command::WindowAll => 26,
            Command::ToggleUndated => 27,
            Command::ToggleAccumulate => 28,
            Command::ToggleLoop => 29,
            Command::Faster => 30,
            Command::Slower => 31,
            Command::ShowShortcuts => 32,
            Command::FindPlace => 33,
            Command::NewDataSet => 34,
            Command::AddSource => 35,
            Command::PasteSource => 36,
            Command::Save => 37,
            Command::SaveAs => 38,
            Command::Undo => 39,
            Command::Redo => 40,
            Command::NewEventFromSelection => 41,
            Command::AddEvidence => 42,
            Command::PlaceOnMap => 43,
            Command::DeleteEvent => 44,
            Command::ToggleFadeDoubtful => 45,
            Command::FindEvents => 46,
            Command::AcceptProposal => 47,
            Command::RejectProposal => 48,
            Command::EditProposal => 49,
            Command::AcceptAllProposals => 50,
            Command::NextProposal => 51,
            Command::PreviousProposal => 52,
            Command::Publish => 53,
        };
        let mut in_a_menu = [false; VARIANTS];
        for c in Command::all() {
            in_a_menu[number(c)] = true;
        }
        assert!(in_a_menu.iter().all(|&m| m), "{in_a_menu:?}");
    }

    #[test]
    fn the_keys_that_type_are_those_a_field_would_take() {
        for k in [
            Key::A,
            Key::L,
            Key::Num0,
            Key::Space,
            Key::Enter,
            Key::Delete,
            Key::Minus,
            Key::OpenBracket,
        ] {
            assert!(types(k), "{k:?}");
        }
        for k in [
            Key::Escape,
            Key::F1,
            Key::F3,
            Key::ArrowDown,
            Key::ArrowLeft,
            Key::Tab,
            Key::Home,
        ] {
            assert!(!types(k), "{k:?}");
        }
    }

    #[test]
    fn keys_become_commands_and_plain_keys_wait_while_typing() {
        let ctx = egui::Context::default();
        let press = |key: Key, modifiers: Modifiers| egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        };
        let input = egui::RawInput {
            events: vec![
                press(Key::J, Modifiers::NONE),
                press(Key::E, Modifiers::COMMAND.plus(Modifiers::SHIFT)),
            ],
            ..Default::default()
        };
        let mut got = Vec::new();
        ctx.run_ui(input.clone(), |_| {
            got = Command::from_keys(&ctx, false, true, false)
        })
        .textures_delta
        .clear();
        assert_eq!(got, [Command::ExportEvents, Command::SelectNext]);
        // Away from the map and lists, J is no command; Ctrl+Shift+E and
        // the arrows still are.
        let away = egui::RawInput {
            events: vec![
                press(Key::J, Modifiers::NONE),
                press(Key::Space, Modifiers::NONE),
                press(Key::ArrowDown, Modifiers::NONE),
                press(Key::E, Modifiers::COMMAND.plus(Modifiers::SHIFT)),
            ],
            ..Default::default()
        };
        ctx.run_ui(away, |_| {
            got = Command::from_keys(&ctx, false, false, false)
        })
        .textures_delta
        .clear();
        assert_eq!(got, [Command::ExportEvents, Command::SelectNext]);
        // Ctrl+F, then letters in the same frame: they are typing, not commands.
        let typed = egui::RawInput {
            events: vec![
                press(Key::F, Modifiers::COMMAND),
                press(Key::P, Modifiers::NONE),
                press(Key::L, Modifiers::NONE),
            ],
            ..Default::default()
        };
        ctx.run_ui(typed, |_| {
            got = Command::from_keys(&ctx, false, true, false)
        })
        .textures_delta
        .clear();
        assert_eq!(got, [Command::Search]);
        // While proposed events are reviewed, J walks them instead.
        ctx.run_ui(input, |_| got = Command::from_keys(&ctx, false, true, true))
            .textures_delta
            .clear();
        assert_eq!(got, [Command::NextProposal, Command::ExportEvents]);
    }
}

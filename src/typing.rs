//! Nothing typed is lost to a click that follows it. On X11 a key's text
//! goes through the input method and comes back a moment later, while a
//! mouse button comes straight: a click made right after the last key can
//! reach the app first, move the keyboard out of the field, and the last
//! letters then land nowhere (or as commands). So a click that comes while
//! a text field has the keyboard, within moments of typing, is held back a
//! few frames' time, and the keys still on their way go in first.
//!
//! And no key typed for words becomes a command: [`KeyAreas`] says where
//! the plain keys (letters, digits, Space, Enter, Delete) act — with the
//! pointer or the keyboard's focus on the map, the timeline, the context
//! or a list — so typing with the pointer over a window, the top bar or a
//! form's empty space does nothing.

use std::time::{Duration, Instant};

use egui::{Event, LayerId, Pos2, Rect};

/// How long a click is held back after the keys stop coming.
pub const HOLD: Duration = Duration::from_millis(80);

/// How long a click is held back at most, however long keys keep coming.
const MAX_HOLD: Duration = Duration::from_millis(500);

/// How many frames a click is held back at least: on a loaded machine a
/// frame takes longer than [`HOLD`], and the keys come with the next one.
const MIN_FRAMES: u8 = 2;

/// How soon after a key a click counts as following the typing.
const AFTER_TYPING: Duration = Duration::from_millis(300);

/// Letters typed right after a command that gives a field the keyboard
/// (Ctrl+F): they come in the frame of the command and the next, before
/// the field has the keyboard, and would land nowhere. They are kept and
/// handed to the field in the frame it has it (through the raw input, as
/// if typed then).
#[derive(Default)]
pub struct TypeAhead {
    text: String,
    /// Frames still to collect in before handing the text on.
    frames_left: u8,
}

impl TypeAhead {
    /// One frame's text, when a field is being given the keyboard:
    /// `opened`, a command did it this frame; `focusing`, the field takes
    /// it this frame and has it in the next.
    pub fn collect(&mut self, events: &[Event], opened: bool, focusing: bool) {
        if opened {
            self.frames_left = 2;
        } else if focusing {
            self.frames_left = self.frames_left.max(1);
        }
        if self.frames_left == 0 {
            return;
        }
        self.frames_left -= 1;
        for e in events {
            if let Event::Text(t) = e {
                self.text.push_str(t);
            }
        }
    }

    /// The next frame's `events`, with what was kept first once the field
    /// has the keyboard.
    pub fn hand_on(&mut self, events: &mut Vec<Event>) {
        if self.frames_left == 0 && !self.text.is_empty() {
            events.insert(0, Event::Text(std::mem::take(&mut self.text)));
        }
    }
}

/// The pointer events held back, and when the last key came.
#[derive(Default)]
pub struct ClickHold {
    held: Vec<Event>,
    since: Option<Instant>,
    last_key: Option<Instant>,
    /// Frames the click has been held back.
    frames: u8,
}

fn is_typing(e: &Event) -> bool {
    matches!(
        e,
        Event::Text(_) | Event::Key { .. } | Event::Ime(_) | Event::Paste(_)
    )
}

impl ClickHold {
    /// Reorders one frame's `events` (taken at `now`; `typing`: a text
    /// field has the keyboard). Gives how long until what is held back is
    /// let go, for a repaint then.
    pub fn frame(
        &mut self,
        events: &mut Vec<Event>,
        typing: bool,
        now: Instant,
    ) -> Option<Duration> {
        if events.iter().any(is_typing) {
            self.last_key = Some(now);
        }
        if let Some(since) = self.since {
            // Keys go in now; the pointer waits behind what is held, until
            // the keys have stopped coming for a while (and a frame or two
            // has passed), or at most MAX_HOLD.
            let (keys, pointer): (Vec<Event>, Vec<Event>) = events.drain(..).partition(is_typing);
            self.held.extend(pointer);
            *events = keys;
            self.frames = self.frames.saturating_add(1);
            let quiet = now.duration_since(self.last_key.unwrap_or(since).max(since));
            let waited = now.duration_since(since);
            if waited < MAX_HOLD && (quiet < HOLD || self.frames < MIN_FRAMES) {
                return Some(HOLD.saturating_sub(quiet).max(Duration::from_millis(10)));
            }
            events.append(&mut self.held);
            self.since = None;
            return None;
        }
        let recent = self
            .last_key
            .is_some_and(|k| now.duration_since(k) < AFTER_TYPING);
        let press = events
            .iter()
            .position(|e| matches!(e, Event::PointerButton { pressed: true, .. }));
        match press {
            Some(at) if typing && recent => {
                let rest: Vec<Event> = events.drain(at..).collect();
                let (keys, pointer): (Vec<Event>, Vec<Event>) =
                    rest.into_iter().partition(is_typing);
                events.extend(keys);
                self.held = pointer;
                self.since = Some(now);
                self.frames = 0;
                Some(HOLD)
            }
            _ => None,
        }
    }
}

/// Where the plain keys act: the map, the timeline, the context and the
/// lists, as each was drawn (its layer and its rectangle). Gathered as the
/// frame is drawn, asked at the start of the next.
#[derive(Default)]
pub struct KeyAreas {
    areas: Vec<(LayerId, Rect)>,
}

impl KeyAreas {
    /// Forgets last frame's, before the panels are drawn again.
    pub fn clear(&mut self) {
        self.areas.clear();
    }

    /// One more place where plain keys act.
    pub fn add(&mut self, layer: LayerId, rect: Rect) {
        self.areas.push((layer, rect));
    }

    /// Whether `pos`, on the topmost `layer` there, is in one of them.
    fn holds(&self, layer: Option<LayerId>, pos: Pos2) -> bool {
        self.areas
            .iter()
            .any(|(l, r)| Some(*l) == layer && r.contains(pos))
    }

    /// Whether plain keys act now: the keyboard's focus is on a widget in
    /// one of the areas, or the pointer is over one (and no window over
    /// it), or the pointer is not over the app at all (the keyboard is
    /// then all the user has).
    pub fn here(&self, ctx: &egui::Context) -> bool {
        let focused = ctx
            .memory(egui::Memory::focused)
            .and_then(|id| ctx.read_response(id));
        if let Some(r) = focused
            && self.holds(Some(r.layer_id), r.rect.center())
        {
            return true;
        }
        match ctx.input(|i| i.pointer.hover_pos()) {
            None => true,
            Some(pos) => self.holds(ctx.layer_id_at(pos), pos),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(pressed: bool) -> Event {
        Event::PointerButton {
            pos: egui::pos2(600.0, 400.0),
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        }
    }

    #[test]
    fn letters_typed_before_the_field_has_the_keyboard_are_handed_to_it() {
        let mut ahead = TypeAhead::default();
        // Ctrl+F's frame, then the frame that focuses the field.
        ahead.collect(&[Event::Text("Kre".into())], true, false);
        let mut next = Vec::new();
        ahead.hand_on(&mut next);
        assert!(next.is_empty(), "not yet: the field has no keyboard");
        ahead.collect(&[Event::Text("ml".into())], false, true);
        // The field has it: the letters come first, in their order.
        let mut next = vec![Event::Text("in".into())];
        ahead.hand_on(&mut next);
        assert_eq!(
            next,
            [Event::Text("Kreml".into()), Event::Text("in".into())]
        );
        ahead.collect(&next, false, false);
        let mut after = Vec::new();
        ahead.hand_on(&mut after);
        assert!(after.is_empty(), "handed on once");
    }

    #[test]
    fn a_click_right_after_typing_waits_for_the_keys_still_on_their_way() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut hold = ClickHold::default();
        let mut frame = vec![Event::Text("revise".into())];
        assert_eq!(hold.frame(&mut frame, true, ms(0)), None);
        assert_eq!(frame.len(), 1);
        // The click overtakes the last letter: it is held back.
        let mut frame = vec![
            Event::PointerMoved(egui::pos2(600.0, 400.0)),
            press(true),
            press(false),
        ];
        assert_eq!(hold.frame(&mut frame, true, ms(10)), Some(HOLD));
        assert_eq!(frame, [Event::PointerMoved(egui::pos2(600.0, 400.0))]);
        // The letter comes: it goes in at once, the click still waits.
        let mut frame = vec![Event::Text("d".into())];
        assert!(hold.frame(&mut frame, true, ms(20)).is_some());
        assert_eq!(frame, [Event::Text("d".into())]);
        // Until the keys have stopped coming for HOLD; then the click, in
        // its order.
        let mut frame = Vec::new();
        assert!(hold.frame(&mut frame, true, ms(90)).is_some());
        assert!(frame.is_empty());
        assert_eq!(hold.frame(&mut frame, true, ms(20 + 80)), None);
        assert_eq!(frame, [press(true), press(false)]);
        // Not typing, or long after the last key: a click goes straight in.
        let mut frame = vec![press(true)];
        assert_eq!(hold.frame(&mut frame, false, ms(100)), None);
        assert_eq!(frame.len(), 1);
        let mut frame = vec![press(true)];
        assert_eq!(hold.frame(&mut frame, true, ms(1000)), None);
        assert_eq!(frame.len(), 1);
    }

    /// On a loaded machine: keys keep coming, each a frame apart and
    /// slower than HOLD; the click waits for them all, and for two frames
    /// at least, but never more than MAX_HOLD.
    #[test]
    fn a_click_waits_while_keys_keep_coming_on_a_slow_machine() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut hold = ClickHold::default();
        hold.frame(&mut vec![Event::Text("DeBe".into())], true, ms(0));
        let mut frame = vec![press(true), press(false)];
        assert!(hold.frame(&mut frame, true, ms(50)).is_some());
        // One slow frame (150 ms) with no key yet: a second frame is waited for.
        let mut frame = Vec::new();
        assert!(hold.frame(&mut frame, true, ms(200)).is_some());
        // Keys then: each starts the wait again.
        for (t, text) in [(260, "ne"), (330, "de"), (400, "tto")] {
            let mut frame = vec![Event::Text(text.into())];
            assert!(hold.frame(&mut frame, true, ms(t)).is_some(), "{text}");
            assert_eq!(frame, [Event::Text(text.into())]);
        }
        let mut frame = Vec::new();
        assert_eq!(hold.frame(&mut frame, true, ms(490)), None);
        assert_eq!(frame, [press(true), press(false)]);
        // Keys without end: the click goes in after MAX_HOLD all the same.
        hold.frame(&mut vec![Event::Text("a".into())], true, ms(1000));
        let mut frame = vec![press(true)];
        assert!(hold.frame(&mut frame, true, ms(1010)).is_some());
        let mut t = 1010;
        let mut let_go = None;
        while let_go.is_none() && t < 2000 {
            t += 40;
            let mut frame = vec![Event::Text("b".into())];
            if hold.frame(&mut frame, true, ms(t)).is_none() {
                let_go = Some(t);
                assert_eq!(frame.last(), Some(&press(true)));
            }
        }
        assert_eq!(let_go, Some(1530), "let go once 500 ms had passed");
    }
}

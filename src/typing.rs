//! Nothing typed is lost to a click that follows it. On X11 a key's text
//! goes through the input method and comes back a moment later, while a
//! mouse button comes straight: a click made right after the last key can
//! reach the app first, move the keyboard out of the field, and the last
//! letters then land nowhere (or as commands). So a click that comes while
//! a text field has the keyboard, within moments of typing, is held back a
//! few frames' time, and the keys still on their way go in first.

use std::time::{Duration, Instant};

use egui::Event;

/// How long a click is held back at most.
pub const HOLD: Duration = Duration::from_millis(80);

/// How soon after a key a click counts as following the typing.
const AFTER_TYPING: Duration = Duration::from_millis(300);

/// The pointer events held back, and when the last key came.
#[derive(Default)]
pub struct ClickHold {
    held: Vec<Event>,
    since: Option<Instant>,
    last_key: Option<Instant>,
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
            // Keys go in now; the pointer waits behind what is held.
            let (keys, pointer): (Vec<Event>, Vec<Event>) = events.drain(..).partition(is_typing);
            self.held.extend(pointer);
            *events = keys;
            let waited = now.duration_since(since);
            if waited < HOLD {
                return Some(HOLD - waited);
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
                Some(HOLD)
            }
            _ => None,
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
        // Then the click, in its order.
        let mut frame = Vec::new();
        assert_eq!(hold.frame(&mut frame, true, ms(10 + 80)), None);
        assert_eq!(frame, [press(true), press(false)]);
        // Not typing, or long after the last key: a click goes straight in.
        let mut frame = vec![press(true)];
        assert_eq!(hold.frame(&mut frame, false, ms(100)), None);
        assert_eq!(frame.len(), 1);
        let mut frame = vec![press(true)];
        assert_eq!(hold.frame(&mut frame, true, ms(1000)), None);
        assert_eq!(frame.len(), 1);
    }
}

//! Moving the lens's time window: a step of playback (a bin of the
//! histogram, or a window's own length), the presets (a day, a week, a
//! month from the window's start), and playback's speed.

use jiff::tz::TimeZone;

use incident_map_core::filter::day_window;
use incident_map_core::histogram::Histogram;

use super::lens::{Lens, SPEEDS};
use crate::command::Command;

/// A window whose ends are this far (in seconds, about a thousand years)
/// outside the data is open-ended: it moves by bins, not by its length.
const MAX_SPAN: i64 = 1000 * 366 * 86_400;

impl Lens {
    /// Moves the time window one bin of `histogram` later or earlier
    /// (playing: keeping its length, or growing it when accumulating);
    /// whether it moved. At the end, playing stops (or starts again when
    /// looping).
    pub(super) fn step(&mut self, histogram: Option<&Histogram>, forward: bool) -> bool {
        let Some(h) = histogram.filter(|h| h.bins() > 0) else {
            self.playback.playing = false;
            return false;
        };
        let n = h.bins();
        let edges = &h.edges;
        let span = |a: usize, b: usize| Some((edges[a], edges[b + 1] - 1));
        let (accumulate, looped) = (self.playback.accumulate, self.playback.looped);
        let window = match self.filter().window {
            None => {
                if forward {
                    span(0, 0)
                } else {
                    span(n - 1, n - 1)
                }
            }
            // A window that is not whole bins (a week typed or chosen over
            // monthly bins) moves by its own length.
            Some((from, to))
                if !accumulate
                    && from > edges[0] - MAX_SPAN
                    && to < edges[n] + MAX_SPAN
                    && !(edges.binary_search(&from).is_ok()
                        && edges.binary_search(&(to + 1)).is_ok()) =>
            {
                let len = to - from + 1;
                let (a, b) = if forward {
                    (from + len, to + len)
                } else {
                    (from - len, to - len)
                };
                if a > edges[n] - 1 || b < edges[0] {
                    // Past the data: round again, or stop there.
                    if forward && looped {
                        Some((edges[0], edges[0] + len - 1))
                    } else {
                        self.playback.playing = false;
                        return false;
                    }
                } else {
                    Some((a, b))
                }
            }
            Some((from, to)) => {
                let a = h.bin_at(from.max(edges[0])).unwrap_or(0);
                let b = h.bin_at(to.min(edges[n] - 1)).unwrap_or(n - 1);
                let (a2, b2) = match (forward, accumulate) {
                    (true, true) => (a, b + 1),
                    (true, false) => (a + 1, b + 1),
                    (false, true) => (a, b.saturating_sub(1).max(a)),
                    (false, false) => (a.saturating_sub(1), b.saturating_sub(1).max(b - a)),
                };
                if b2 >= n {
                    // The end: round again, or stop there.
                    if looped {
                        if accumulate {
                            span(a, a)
                        } else {
                            span(0, b - a)
                        }
                    } else {
                        self.playback.playing = false;
                        return false;
                    }
                } else {
                    span(a2, b2)
                }
            }
        };
        self.set_window(window);
        true
    }

    /// A window of a day, a week or a month, from the window's start (or
    /// the data's first day), in the data set's time zone; whether it was set.
    pub(super) fn preset(
        &mut self,
        command: Command,
        histogram: Option<&Histogram>,
        tz: &TimeZone,
    ) -> bool {
        use jiff::ToSpan;
        let Some(first) = self
            .filter()
            .window
            .map(|w| w.0)
            .or_else(|| histogram.and_then(|h| h.edges.first().copied()))
        else {
            return false;
        };
        let Ok(start) = jiff::Timestamp::from_second(first) else {
            return false;
        };
        let day = start.to_zoned_datetime(tz.clone()).date();
        let last = match command {
            Command::WindowDay => Some(day),
            Command::WindowWeek => day.checked_add(6.days()).ok(),
            _ => day
                .checked_add(1.month())
                .ok()
                .and_then(|d| d.yesterday().ok()),
        };
        self.set_window(day_window(Some(day), last, tz));
        true
    }

    /// The next speed up or down the list.
    pub(super) fn change_speed(&mut self, faster: bool) {
        let k = SPEEDS
            .iter()
            .position(|&v| v >= self.playback.speed)
            .unwrap_or(SPEEDS.len() - 1);
        let k = if faster {
            (k + 1).min(SPEEDS.len() - 1)
        } else {
            k.saturating_sub(1)
        };
        self.playback.speed = SPEEDS[k];
    }
}

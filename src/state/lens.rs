//! The lens: what every view shows. The filter, the words in the search
//! field and whether they filter every view too (*only matches*), playback,
//! and the number of the latest view asked for (a view built for an older
//! one is dropped). Its reducer changes only the lens and answers whether
//! the views must follow; the filter every view shows is worked out once
//! per change ([`Lens::effective`]), never per frame.

use jiff::tz::TimeZone;

use incident_map_core::filter::{Filter, day_window};
use incident_map_core::histogram::Histogram;

use crate::action::{FilterEdit, LensAction};
use crate::command::Command;

/// Moving the time window through the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    pub playing: bool,
    /// Keep what came before (everything up to now), not only the window.
    pub accumulate: bool,
    /// Start again at the end.
    pub looped: bool,
    /// Steps (bins of the histogram) a second.
    pub speed: f32,
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            playing: false,
            accumulate: false,
            looped: false,
            speed: 2.0,
        }
    }
}

/// The speeds playback steps through, in steps a second.
pub const SPEEDS: [f32; 7] = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];

/// What every view shows.
#[derive(Debug, Clone, Default)]
pub struct Lens {
    /// The filter set (without the words searched for).
    filter: Filter,
    /// The words in the search field.
    search: String,
    only_matches: bool,
    /// The filter every view shows: `filter`, with the words searched for
    /// when they filter too.
    effective: Filter,
    pub(super) playback: Playback,
    /// The user asked for the words to be indexed (to count sources).
    index_wanted: bool,
    /// The latest view's number, and whether it is still being built.
    generation: u64,
    pending: bool,
}

impl Lens {
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn effective(&self) -> &Filter {
        &self.effective
    }

    pub fn search(&self) -> &str {
        &self.search
    }

    pub fn only_matches(&self) -> bool {
        self.only_matches
    }

    pub fn playback(&self) -> Playback {
        self.playback
    }

    pub fn index_wanted(&self) -> bool {
        self.index_wanted
    }

    /// A view for the latest lens is being built.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// The effective filter follows the filter and the search.
    fn sync(&mut self) {
        self.effective = self.filter.clone();
        if self.only_matches {
            self.effective.text = self.search.clone();
        }
    }

    /// The time window, changed by playback.
    pub(super) fn set_window(&mut self, window: Option<(i64, i64)>) {
        self.filter.window = window;
        self.sync();
    }

    /// Applies `action`; whether the views must be built again. `histogram`
    /// is the one on screen (a tick steps through its bins).
    pub fn apply(
        &mut self,
        action: LensAction,
        histogram: Option<&Histogram>,
        tz: &TimeZone,
    ) -> bool {
        match action {
            LensAction::Filter(edit) => {
                self.edit(edit, tz);
                true
            }
            LensAction::SetFilter(filter) => {
                self.filter = filter;
                self.sync();
                true
            }
            LensAction::Search(words) => {
                let changed = words != self.search;
                self.search = words;
                self.sync();
                changed
            }
            LensAction::Tick => self.playback.playing && self.step(histogram, true),
            LensAction::IndexWords => {
                self.index_wanted = true;
                true
            }
        }
    }

    fn edit(&mut self, edit: FilterEdit, tz: &TimeZone) {
        fn toggle<T: Ord>(set: &mut std::collections::BTreeSet<T>, v: T) {
            if !set.remove(&v) {
                set.insert(v);
            }
        }
        let f = &mut self.filter;
        match edit {
            FilterEdit::ToggleCategory(id) => toggle(&mut f.hidden_categories, id),
            FilterEdit::TogglePrecision(p) => toggle(&mut f.precisions, p),
            FilterEdit::ToggleReliability(r) => toggle(&mut f.reliabilities, r),
            FilterEdit::ToggleSource(s) => toggle(&mut f.sources, s),
            FilterEdit::ToggleActor(a) => match f.actors.iter().position(|x| *x == a) {
                Some(k) => {
                    f.actors.remove(k);
                }
                None => f.actors.push(a),
            },
            FilterEdit::Window(w) => f.window = w,
            FilterEdit::Days(from, to) => f.window = day_window(from, to, tz),
        }
        self.sync();
    }

    /// Applies one of the lens's commands; whether
    /// the views must be built again.
    pub fn command(&mut self, c: Command, histogram: Option<&Histogram>, tz: &TimeZone) -> bool {
        match c {
            Command::ToggleOnlyMatches => {
                self.only_matches = !self.only_matches;
                self.sync();
                true
            }
            Command::ResetFilter => {
                self.filter = Filter::default();
                self.only_matches = false;
                self.playback.playing = false;
                self.sync();
                true
            }
            Command::PlayPause => {
                self.playback.playing = !self.playback.playing;
                // Playing starts at the beginning.
                self.playback.playing && self.filter.window.is_none() && self.step(histogram, true)
            }
            Command::StepForward => self.step(histogram, true),
            Command::StepBack => self.step(histogram, false),
            Command::WindowDay | Command::WindowWeek | Command::WindowMonth => {
                self.preset(c, histogram, tz)
            }
            Command::WindowAll => {
                self.playback.playing = false;
                self.set_window(None);
                true
            }
            Command::ToggleUndated => {
                self.filter.include_undated = !self.filter.include_undated;
                self.sync();
                true
            }
            Command::ToggleAccumulate => {
                self.playback.accumulate = !self.playback.accumulate;
                false
            }
            Command::ToggleLoop => {
                self.playback.looped = !self.playback.looped;
                false
            }
            Command::Faster | Command::Slower => {
                self.change_speed(c == Command::Faster);
                false
            }
            _ => false,
        }
    }

    /// Another data set opened: its filter starts afresh (and, for a
    /// server's table, its words too: they are asked of the server).
    pub fn forget(&mut self, words_too: bool) {
        self.filter = Filter::default();
        self.index_wanted = false;
        self.playback.playing = false;
        if words_too {
            self.search.clear();
            self.only_matches = false;
        }
        self.sync();
    }

    /// The filter a reload of the same data keeps: what is shown, without
    /// the words (they need the search index, built later).
    pub fn kept_for_reload(&self) -> Filter {
        let mut f = self.effective.clone();
        f.text.clear();
        f
    }

    /// A new view is asked for: its number.
    pub fn ask(&mut self) -> u64 {
        self.generation += 1;
        self.pending = true;
        self.generation
    }

    /// A view numbered `generation` was built: whether it is the latest.
    pub fn built(&mut self, generation: u64) -> bool {
        let latest = generation == self.generation;
        if latest {
            self.pending = false;
        }
        latest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_matches_puts_the_words_in_the_filter_every_view_shows() {
        let mut lens = Lens::default();
        let tz = TimeZone::UTC;
        assert!(lens.apply(LensAction::Search("crocus".into()), None, &tz));
        assert!(
            !lens.apply(LensAction::Search("crocus".into()), None, &tz),
            "unchanged"
        );
        assert!(lens.effective().text.is_empty(), "the words only mark");
        assert!(lens.command(Command::ToggleOnlyMatches, None, &tz));
        assert_eq!(lens.effective().text, "crocus");
        assert!(lens.filter().text.is_empty(), "the filter set is apart");
        lens.apply(
            LensAction::Filter(FilterEdit::ToggleCategory("attack".into())),
            None,
            &tz,
        );
        assert!(lens.effective().hidden_categories.contains("attack"));
        assert_eq!(lens.effective().text, "crocus");
        assert!(lens.kept_for_reload().text.is_empty());
        lens.command(Command::ResetFilter, None, &tz);
        assert!(lens.effective().is_everything());
        assert_eq!(lens.search(), "crocus", "the field keeps its words");
        lens.forget(true);
        assert!(lens.search().is_empty());
    }

    #[test]
    fn a_view_for_an_older_lens_is_not_the_latest() {
        let mut lens = Lens::default();
        let first = lens.ask();
        let second = lens.ask();
        assert!(lens.pending());
        assert!(!lens.built(first));
        assert!(lens.pending());
        assert!(lens.built(second));
        assert!(!lens.pending());
    }

    #[test]
    fn playback_toggles_and_speeds_need_no_new_view() {
        let mut lens = Lens::default();
        let tz = TimeZone::UTC;
        assert!(!lens.command(Command::ToggleLoop, None, &tz));
        assert!(lens.playback().looped);
        assert!(!lens.command(Command::Faster, None, &tz));
        assert_eq!(lens.playback().speed, 4.0);
        for _ in 0..10 {
            lens.command(Command::Slower, None, &tz);
        }
        assert_eq!(lens.playback().speed, SPEEDS[0]);
        // No histogram: nothing to play through.
        assert!(!lens.command(Command::PlayPause, None, &tz));
        assert!(!lens.playback().playing);
    }
}

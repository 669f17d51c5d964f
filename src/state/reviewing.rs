//! Reviewing the events a source reports: reading it (in the background,
//! once the gazetteer is read), choosing a proposal, accepting (one or
//! all: edits of the work, so undo, save and recovery work as for any
//! event), editing, rejecting, and moving one to another of its places. A
//! source's date corrected in *About this source* reads it again.

use std::sync::Arc;

use incident_map_core::edit::Edit;
use incident_map_core::model::{Moment, When};

use super::AppState;
use super::places::GazetteerRead;
use super::review::{Review, Verdict};
use super::status::Status;
use crate::action::{AuthorAction, CameraMove, Effect, ReviewAction};
use crate::command::Command;
use crate::proposals::{Ask, Read};

/// At most this many of the data set's events tell the reading where the
/// data set is.
const NEAR: usize = 64;

impl AppState {
    /// The review under way, if one is.
    pub fn review(&self) -> Option<&Review> {
        self.review.as_ref()
    }

    /// Whether the review's keys apply: proposals are listed and one is chosen.
    pub fn reviewing(&self) -> bool {
        self.review
            .as_ref()
            .is_some_and(|r| r.chosen.is_some() && !r.is_empty())
    }

    /// Applies one of the review's commands.
    pub(super) fn review_command(&mut self, c: Command, fx: &mut Vec<Effect>) {
        if c == Command::FindEvents {
            self.find_events(fx);
            return;
        }
        let Some(review) = self.review.as_mut() else {
            self.status = Status::Note(
                "No events proposed yet: read a source, then Edit › Find events in this source (Ctrl+R)"
                    .into(),
            );
            return;
        };
        let chosen = review.chosen;
        let action = match (c, chosen) {
            (Command::AcceptAllProposals, _) => ReviewAction::AcceptAll,
            (Command::NextProposal | Command::PreviousProposal, _) => {
                review.step(c == Command::NextProposal);
                if let Some(i) = review.chosen {
                    self.choose(i, fx);
                }
                return;
            }
            (Command::AcceptProposal, Some(i)) => ReviewAction::Accept(i),
            (Command::RejectProposal, Some(i)) => ReviewAction::Reject(i),
            (Command::EditProposal, Some(i)) => ReviewAction::Edit(i),
            _ => {
                self.status = Status::Note("Choose a proposed event first".into());
                return;
            }
        };
        self.review_action(action, fx);
    }

    /// Applies what the analyst did with a proposal.
    pub(super) fn review_action(&mut self, action: ReviewAction, fx: &mut Vec<Effect>) {
        match action {
            ReviewAction::Choose(i) => self.choose(i, fx),
            ReviewAction::Accept(i) => {
                self.accept(&[i], false, fx);
            }
            ReviewAction::Edit(i) => match self.review.as_ref().map(|r| r.verdict(i)) {
                Some(Verdict::Accepted(id)) => self.author(AuthorAction::OpenEditor(id), fx),
                Some(_) => {
                    self.accept(&[i], true, fx);
                }
                None => {}
            },
            ReviewAction::Reject(i) => {
                if let Some(r) = self.review.as_mut() {
                    if matches!(r.verdict(i), Verdict::Accepted(_)) {
                        self.status = Status::Note(
                            "It is an event already: Undo takes it back, or delete the event"
                                .into(),
                        );
                        return;
                    }
                    r.reject(i, true);
                    r.choose_next_pending(i);
                    let left = r.pending().count();
                    self.status = Status::Note(format!("Rejected; {left} left to review"));
                    if let Some(next) = self.review.as_ref().and_then(|r| r.chosen) {
                        self.choose(next, fx);
                    }
                }
            }
            ReviewAction::Restore(i) => {
                if let Some(r) = self.review.as_mut() {
                    r.reject(i, false);
                }
            }
            ReviewAction::AcceptAll => {
                let all: Vec<usize> = self
                    .review
                    .as_ref()
                    .map(|r| r.pending().collect())
                    .unwrap_or_default();
                if all.is_empty() {
                    self.status = Status::Note("Nothing left to accept".into());
                } else {
                    self.accept(&all, false, fx);
                }
            }
            ReviewAction::Alternative {
                candidate,
                alternative,
            } => {
                let Some(r) = self.review.as_mut() else {
                    return;
                };
                if r.verdict(candidate) != Verdict::Pending {
                    self.status = Status::Note(
                        "It is decided already: move the event in the editor instead".into(),
                    );
                    return;
                }
                if let Some(c) = r
                    .read_mut()
                    .and_then(|read| read.candidates.get_mut(candidate))
                {
                    c.take_alternative(alternative);
                    let label = c.place.as_ref().map(|p| p.label.clone());
                    self.status = Status::Note(format!(
                        "Now at {}",
                        label.unwrap_or_else(|| "no place".into())
                    ));
                }
                self.choose(candidate, fx);
            }
            ReviewAction::Close => self.review = None,
        }
    }

    /// Reads the source being read (or the work's one source) for events.
    fn find_events(&mut self, fx: &mut Vec<Effect>) {
        let Some(work) = self.work_mut() else { return };
        let source_id = work
            .reading
            .clone()
            .or_else(|| match &work.dataset.sources[..] {
                [one] => Some(one.id.clone()),
                _ => None,
            });
        let Some(source) = source_id.and_then(|id| work.dataset.source(&id)) else {
            self.status = Status::Note(
                "Pick the source to read first (under Sources, in the panel on the right), or add one: File › Add source…"
                    .into(),
            );
            return;
        };
        let Some(text) = source.full_text() else {
            self.status = Status::Note(format!("The text of “{}” is not available", source.title));
            return;
        };
        let date = source.published.as_ref().and_then(day_of);
        let near = work
            .dataset
            .events
            .iter()
            .filter_map(|e| e.location.as_ref()?.point)
            .take(NEAR)
            .collect();
        let ask = Ask {
            source: source.id.clone(),
            text: Arc::from(text),
            date,
            zone: work.dataset.time_zone.clone(),
            categories: work.dataset.categories.clone(),
            near,
        };
        let title = source.title.clone();
        work.reading = Some(source.id.clone());
        self.review_job += 1;
        let mut review = Review::new(ask.source.clone(), self.review_job);
        // What was rejected of an earlier reading of this source stays so.
        if let Some(old) = self.review.take().filter(|r| r.source == ask.source) {
            review = old;
            review.job = self.review_job;
        }
        self.status = Status::Working(match date {
            Some(d) => format!("Reading “{title}” (dated {d})…"),
            None => format!(
                "Reading “{title}” (no date known: give it one in About this source for “yesterday” and “Saturday”)…"
            ),
        });
        match &self.windows.places.reading {
            GazetteerRead::Ready(g) => fx.push(Effect::ReadEvents {
                job: review.job,
                ask: Box::new(ask),
                gazetteer: g.clone(),
            }),
            GazetteerRead::Failed(why) => {
                self.status = Status::Note(format!(
                    "The gazetteer could not be read, so places cannot be found: {why}"
                ));
                return;
            }
            GazetteerRead::Reading => review.waiting = Some(ask),
            GazetteerRead::NotYet => {
                self.windows.places.reading = GazetteerRead::Reading;
                fx.push(Effect::ReadGazetteer);
                review.waiting = Some(ask);
            }
        }
        self.review = Some(review);
    }

    /// The gazetteer is read: a reading that waited for it starts.
    pub(super) fn gazetteer_ready(&mut self, fx: &mut Vec<Effect>) {
        let Some(g) = self.windows.places.gazetteer().cloned() else {
            return;
        };
        if let Some(r) = self.review.as_mut()
            && let Some(ask) = r.waiting.take()
        {
            fx.push(Effect::ReadEvents {
                job: r.job,
                ask: Box::new(ask),
                gazetteer: g,
            });
        }
    }

    /// Takes in a source read for events.
    pub(super) fn take_events_read(&mut self, job: u64, read: Read, fx: &mut Vec<Effect>) {
        let Some(work) = self.author.work.as_ref() else {
            return;
        };
        let Some(review) = self.review.as_mut().filter(|r| r.job == job) else {
            return;
        };
        let title = work
            .dataset
            .source(&read.source)
            .map_or_else(String::new, |s| s.title.clone());
        review.take(read, &work.dataset);
        let (n, left) = (review.len(), review.pending().count());
        self.status = Status::Note(match (n, left) {
            (0, _) => format!(
                "No event found in “{title}”: mark what happened by hand (select its words, Ctrl+N)"
            ),
            (n, left) if left < n => format!(
                "{n} events proposed in “{title}”, {} already in the data set: Enter accepts, Delete rejects, E edits, Down the next",
                n - left
            ),
            (n, _) => format!(
                "{n} events proposed in “{title}”: Enter accepts, Delete rejects, E edits, Down the next"
            ),
        });
        if let Some(i) = self.review.as_ref().and_then(|r| r.chosen) {
            self.choose(i, fx);
        }
    }

    /// Chooses a proposal: the reader and the map bring it into view.
    fn choose(&mut self, i: usize, fx: &mut Vec<Effect>) {
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let Some(place) = r
            .read()
            .and_then(|read| read.candidates.get(i))
            .map(|c| c.place.clone())
        else {
            return;
        };
        r.chosen = Some(i);
        self.next_marks.scroll_to_selection = true;
        if let Some(p) = place {
            fx.push(Effect::Camera(CameraMove::Approach {
                point: p.point,
                min_zoom: super::camera::radius_zoom(p.radius_km),
            }));
        }
    }

    /// Makes proposals `which` events of the work, in one step; the editor
    /// opens on the first when `edit`.
    fn accept(&mut self, which: &[usize], edit: bool, fx: &mut Vec<Effect>) -> bool {
        let Some(g) = self.windows.places.gazetteer().cloned() else {
            return false;
        };
        let Some(review) = self.review.as_ref() else {
            return false;
        };
        let Some(read) = review.read() else {
            return false;
        };
        let Some(work) = self.author.work.as_ref() else {
            return false;
        };
        let Some(source) = work.dataset.source(&review.source) else {
            self.status = Status::Note("The source read is no longer in the data set".into());
            return false;
        };
        if source.full_text() != Some(&*read.text) {
            self.status = Status::Note(
                "The source's text changed since it was read: Find events in this source again"
                    .into(),
            );
            return false;
        }
        let chosen: Vec<&incident_map_core::reading::Proposal> = which
            .iter()
            .filter(|&&i| review.verdict(i) != Verdict::Rejected || which.len() == 1)
            .filter(|&&i| !matches!(review.verdict(i), Verdict::Accepted(_)))
            .filter_map(|&i| read.candidates.get(i).map(|c| &c.proposal))
            .collect();
        if chosen.is_empty() {
            if let Some(&i) = which.first()
                && let Verdict::Accepted(id) = review.verdict(i)
            {
                self.status = Status::Note(format!("Already accepted, as {id}"));
            }
            return false;
        }
        let (events, categories) = incident_map_core::reading::events::accept_many(
            &chosen,
            &read.text,
            source,
            &work.dataset,
            &g,
        );
        let first = events[0].id.clone();
        let n = events.len();
        // A data set with no zone of its own takes that of the first time
        // accepted, so its days are the days things happened there.
        let zone = work
            .dataset
            .time_zone
            .is_none()
            .then(|| {
                events.iter().find_map(|e| match e.when.start() {
                    Some(Moment::Instant(z)) => z.time_zone().iana_name().map(str::to_string),
                    _ => None,
                })
            })
            .flatten();
        let mut edits: Vec<Edit> = categories
            .into_iter()
            .enumerate()
            .map(|(k, category)| Edit::AddCategory {
                at: work.dataset.categories.len() + k,
                category,
            })
            .collect();
        edits.extend(zone.clone().map(|z| Edit::SetTimeZone(Some(z))));
        let at = work.dataset.events.len();
        edits.extend(
            events
                .into_iter()
                .enumerate()
                .map(|(k, event)| Edit::AddEvent { at: at + k, event }),
        );
        let label = if n == 1 {
            "Accept proposed event".to_string()
        } else {
            format!("Accept {n} proposed events")
        };
        if !self.commit(&label, edits, Some((first.clone(), false)), fx) {
            return false;
        }
        if edit && let Some(w) = self.author.work.as_mut() {
            w.editing = Some(first);
        }
        let left = self.review.as_ref().map_or(0, |r| r.pending().count());
        let zone = zone.map_or_else(String::new, |z| {
            format!("; the data set's days are now those of {z}, where it happened")
        });
        self.status = Status::Note(if n == 1 {
            format!("Accepted; {left} left to review (Undo takes it back){zone}")
        } else {
            format!("{n} events accepted in one step (Undo takes them back){zone}")
        });
        if let Some(r) = self.review.as_mut()
            && let Some(&i) = which.first()
        {
            r.choose_next_pending(i);
            if let Some(next) = r.chosen.filter(|_| n == 1 && !edit) {
                self.choose(next, fx);
            }
        }
        true
    }

    /// After a change to the work: which proposals its events quote; a
    /// source whose date changed is read again.
    pub(super) fn review_follows_work(&mut self, fx: &mut Vec<Effect>) {
        let Some(work) = self.author.work.as_ref() else {
            self.review = None;
            return;
        };
        let Some(review) = self.review.as_mut() else {
            return;
        };
        let Some(source) = work.dataset.source(&review.source) else {
            self.review = None;
            return;
        };
        review.refresh(&work.dataset);
        let date = source.published.as_ref().and_then(day_of);
        if review.read().is_some_and(|r| r.date != date) {
            self.find_events(fx);
        }
    }
}

/// The day a source's date falls on.
fn day_of(when: &When) -> Option<jiff::civil::Date> {
    match when.start()? {
        Moment::Day(d) => Some(*d),
        Moment::Instant(z) => Some(z.date()),
        Moment::Month { .. } | Moment::Year(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Done, NewSource};
    use crate::views::ViewIndex;

    /// The views of the work as the background builds them, taken in; and
    /// the effects of that.
    fn built(state: &mut AppState, fx: Vec<Effect>) -> Vec<Effect> {
        let mut out = Vec::new();
        for e in fx {
            match e {
                Effect::BuildWork {
                    job,
                    store,
                    filter,
                    select,
                } => {
                    let view = ViewIndex::build(incident_map_core::view::ViewInputs::new(
                        store.table(),
                        &incident_map_core::geography::RegionIndex::default(),
                        &filter,
                    ));
                    out.extend(state.apply(Done::WorkView {
                        job,
                        store,
                        view: Arc::new(view),
                        select,
                    }));
                }
                other => out.push(other),
            }
        }
        out
    }

    #[test]
    fn a_source_is_read_once_the_gazetteer_is_and_its_proposals_are_decided_through_the_history() {
        let mut state = AppState::default();
        let fx = state.apply(Command::NewDataSet);
        built(&mut state, fx);
        // Nothing to read yet.
        state.apply(Command::FindEvents);
        assert!(state.status().to_string().contains("Pick the source"));
        let fx = state.apply(AuthorAction::AddSourceText(Box::new(NewSource {
            title: "Report".into(),
            text: "A bomb exploded in Seaside Park, N.J., on Saturday. Police arrested a man in Linden, New Jersey, on Monday.".into(),
            published: "2016-09-19".into(),
            ..NewSource::default()
        })));
        built(&mut state, fx);
        // Ctrl+R: the gazetteer first, the reading waits for it.
        let fx = state.apply(Command::FindEvents);
        assert!(matches!(fx.as_slice(), [Effect::ReadGazetteer]), "{fx:?}");
        assert!(state.review().is_some_and(Review::is_reading));
        let g = Arc::new(
            incident_map_core::gazetteer::Gazetteer::parse(crate::bundle::GAZETTEER).unwrap(),
        );
        let fx = state.apply(Done::Gazetteer(Ok(g.clone())));
        let Some(Effect::ReadEvents { job, ask, .. }) = fx
            .into_iter()
            .find(|e| matches!(e, Effect::ReadEvents { .. }))
        else {
            panic!("no reading asked for");
        };
        assert_eq!(
            ask.date.map(|d| d.to_string()).as_deref(),
            Some("2016-09-19")
        );
        let read = crate::proposals::read(&ask, &g);
        state.apply(Done::EventsRead {
            job,
            read: Box::new(read),
        });
        let review = state.review().unwrap();
        assert_eq!(review.len(), 2);
        assert_eq!(review.chosen, Some(0));
        assert!(state.reviewing(), "the review's keys apply");
        // Enter: an event of the work, one step of its history.
        let fx = state.apply(Command::AcceptProposal);
        built(&mut state, fx);
        let work = state.work().unwrap();
        assert_eq!(work.dataset.events.len(), 1);
        assert_eq!(work.dataset.events[0].when.to_string(), "2016-09-17");
        assert!(matches!(
            state.review().unwrap().verdict(0),
            Verdict::Accepted(_)
        ));
        assert_eq!(state.review().unwrap().chosen, Some(1));
        // Delete: set aside, no event.
        state.apply(Command::RejectProposal);
        assert_eq!(state.review().unwrap().verdict(1), Verdict::Rejected);
        assert_eq!(state.work().unwrap().dataset.events.len(), 1);
        // Undo: the event goes, its proposal is to decide again.
        let fx = state.apply(Command::Undo);
        built(&mut state, fx);
        assert_eq!(state.work().unwrap().dataset.events.len(), 0);
        assert_eq!(state.review().unwrap().verdict(0), Verdict::Pending);
        // Accept all takes what is not rejected, in one step.
        let fx = state.apply(Command::AcceptAllProposals);
        built(&mut state, fx);
        assert_eq!(state.work().unwrap().dataset.events.len(), 1);
        assert_eq!(
            state.work().unwrap().history.depth(),
            2,
            "the source, then all at once (the undone accept is gone)"
        );
    }
}

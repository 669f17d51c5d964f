//! The review room: the events proposed by reading one source of the work
//! (*Edit › Find events in this source*), which the analyst chooses one by
//! one and accepts, edits, rejects or moves to another of its places. What
//! was accepted is an event of the data set like any other (made through
//! the history, so Undo takes it back); which proposals are accepted is
//! worked out from the data set after each change (a proposal whose words
//! an event of the data set quotes is accepted), so an undo, a reopened
//! file or a second reading all show it as it is. Changed by
//! [`super::reviewing`].

use incident_map_core::model::Dataset;
use incident_map_core::reading::text::CharOffsets;

use crate::proposals::{Ask, Read};

/// What became of a proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pending,
    /// It is this event of the data set.
    Accepted(String),
    Rejected,
}

/// The review of one source.
pub struct Review {
    /// The source read, by id.
    pub source: String,
    /// The number of the latest reading asked for.
    pub(super) job: u64,
    /// What it was asked to read, kept while the gazetteer is read first.
    pub(super) waiting: Option<Ask>,
    /// The reading, once done.
    pub(super) read: Option<Read>,
    /// The proposal chosen.
    pub chosen: Option<usize>,
    rejected: Vec<bool>,
    /// For each proposal, the event of the data set that quotes its words.
    accepted: Vec<Option<String>>,
}

impl Review {
    pub(super) fn new(source: String, job: u64) -> Review {
        Review {
            source,
            job,
            waiting: None,
            read: None,
            chosen: None,
            rejected: Vec::new(),
            accepted: Vec::new(),
        }
    }

    /// The number of the reading asked for last.
    pub fn job(&self) -> u64 {
        self.job
    }

    /// The reading, once done.
    pub fn read(&self) -> Option<&Read> {
        self.read.as_ref()
    }

    pub fn is_reading(&self) -> bool {
        self.read.is_none()
    }

    /// How many were proposed.
    pub fn len(&self) -> usize {
        self.read.as_ref().map_or(0, |r| r.candidates.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn verdict(&self, i: usize) -> Verdict {
        match self.accepted.get(i) {
            Some(Some(id)) => Verdict::Accepted(id.clone()),
            _ if self.rejected.get(i).copied().unwrap_or(false) => Verdict::Rejected,
            _ => Verdict::Pending,
        }
    }

    /// The proposals still to decide on, in order.
    pub fn pending(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&i| self.verdict(i) == Verdict::Pending)
    }

    /// Takes in a reading: what was rejected of the last one stays so (by
    /// its words), and the first proposal still to decide is chosen.
    pub(super) fn take(&mut self, read: Read, dataset: &Dataset) {
        let rejected_words: Vec<usize> = self
            .read
            .iter()
            .flat_map(|r| {
                r.candidates
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| self.rejected.get(*i).copied().unwrap_or(false))
                    .map(|(_, c)| c.passage().start)
            })
            .collect();
        self.rejected = read
            .candidates
            .iter()
            .map(|c| rejected_words.contains(&c.passage().start))
            .collect();
        self.read = Some(read);
        self.waiting = None;
        self.refresh(dataset);
        let first = self.pending().next();
        self.chosen = first;
    }

    /// Works out again which proposals the data set's events quote.
    pub(super) fn refresh(&mut self, dataset: &Dataset) {
        let Some(read) = &self.read else { return };
        // The characters at which each of this source's quoted passages begins.
        let offsets = CharOffsets::new(&read.text);
        let quoted: Vec<(usize, &str)> = dataset
            .events
            .iter()
            .flat_map(|e| {
                e.passages
                    .iter()
                    .filter(|p| p.source == self.source)
                    .filter_map(move |p| Some((p.start?, e.id.as_str())))
            })
            .collect();
        self.accepted = read
            .candidates
            .iter()
            .map(|c| {
                let at = offsets.chars(c.passage().start);
                quoted
                    .iter()
                    .find(|(start, _)| *start == at)
                    .map(|(_, id)| (*id).to_string())
            })
            .collect();
    }

    pub(super) fn reject(&mut self, i: usize, rejected: bool) {
        if let Some(r) = self.rejected.get_mut(i) {
            *r = rejected;
        }
    }

    /// The next proposal (or the one before) from the chosen one, going round.
    pub(super) fn step(&mut self, forward: bool) {
        let n = self.len();
        if n == 0 {
            return;
        }
        self.chosen = Some(match self.chosen {
            None => 0,
            Some(i) if forward => (i + 1) % n,
            Some(i) => (i + n - 1) % n,
        });
    }

    /// After a decision on `i`: the next one still to decide, else `i`.
    pub(super) fn choose_next_pending(&mut self, i: usize) {
        let n = self.len();
        self.chosen = (1..=n)
            .map(|k| (i + k) % n)
            .find(|&k| self.verdict(k) == Verdict::Pending)
            .or(Some(i).filter(|&i| i < n));
    }

    pub(super) fn read_mut(&mut self) -> Option<&mut Read> {
        self.read.as_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposals::{Ask, read};
    use incident_map_core::gazetteer::Gazetteer;

    fn gazetteer() -> &'static Gazetteer {
        static G: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        G.get_or_init(|| Gazetteer::parse(crate::bundle::GAZETTEER).unwrap())
    }

    const TEXT: &str = "A bomb exploded in Seaside Park, N.J., on Saturday. \
                        Police arrested a man in Linden, New Jersey, on Monday.";

    fn reading() -> Read {
        read(
            &Ask {
                source: "source-1".into(),
                text: TEXT.into(),
                date: Some("2016-09-19".parse().unwrap()),
                zone: None,
                categories: Vec::new(),
                near: Vec::new(),
            },
            gazetteer(),
        )
    }

    /// A data set whose one source is `TEXT`, with an event quoting the
    /// words of proposal `i` of `read` (as accepting it makes).
    fn quoting(read: &Read, i: usize) -> Dataset {
        let mut ds = Dataset::default();
        let source = incident_map_core::edit::new_source(&ds, "R", TEXT.into(), "2016-09-19");
        ds.sources.push(source.clone());
        let p = &read.candidates[i].proposal;
        let accepted =
            incident_map_core::reading::events::accept(p, TEXT, &source, &ds, gazetteer());
        ds.events.push(accepted.event);
        ds
    }

    #[test]
    fn what_the_data_set_quotes_is_accepted_and_a_rejection_outlives_a_new_reading() {
        let mut review = Review::new("source-1".into(), 1);
        assert!(review.is_reading());
        let read_once = reading();
        assert_eq!(read_once.candidates.len(), 2);
        let ds = quoting(&read_once, 0);
        review.take(read_once, &ds);
        assert!(matches!(review.verdict(0), Verdict::Accepted(ref id) if id == &ds.events[0].id));
        assert_eq!(review.verdict(1), Verdict::Pending);
        assert_eq!(review.chosen, Some(1), "the first still to decide");
        // Rejected, then read again (a date corrected): still rejected.
        review.reject(1, true);
        assert_eq!(review.pending().count(), 0);
        review.take(reading(), &ds);
        assert_eq!(review.verdict(1), Verdict::Rejected);
        // The event undone: its proposal is to decide again.
        review.refresh(&Dataset::default());
        assert_eq!(review.verdict(0), Verdict::Pending);
    }

    #[test]
    fn stepping_goes_round_and_a_decision_moves_to_the_next_undecided() {
        let mut review = Review::new("source-1".into(), 1);
        review.take(reading(), &Dataset::default());
        assert_eq!(review.chosen, Some(0));
        review.step(false);
        assert_eq!(review.chosen, Some(1), "back from the first is the last");
        review.step(true);
        assert_eq!(review.chosen, Some(0));
        review.reject(0, true);
        review.choose_next_pending(0);
        assert_eq!(review.chosen, Some(1));
        review.reject(1, true);
        review.choose_next_pending(1);
        assert_eq!(review.chosen, Some(1), "none left: it stays");
    }
}

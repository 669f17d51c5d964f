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

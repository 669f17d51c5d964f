//! Reading a large file on every core: its records cut into runs, each run
//! parsed on its own into table rows ([`Part`]), and the parts merged into
//! one table in file order. Runs are parsed a batch at a time and each
//! batch is merged while the next one is parsed, so what is in flight stays
//! a few runs' worth of memory. CSV and GeoJSON read this way.

use rayon::prelude::*;

use super::{Cancelled, Progress, Stage};
use crate::diagnostic::Diagnostic;
use crate::store::TableBuilder;

/// One run of records as table rows.
pub struct Part<R> {
    pub table: TableBuilder,
    /// What finds each row's record again (where it starts, its number…).
    pub refs: Vec<R>,
    /// Category labels in the order they first appear in this run.
    labels: Vec<String>,
    label_index: rustc_hash::FxHashMap<String, u16>,
    pub problems: Vec<Diagnostic>,
    /// Rows with no words of their own: how many, and where the first is.
    uncited: (usize, Option<(usize, String)>),
    /// A colour the file gives a category label (a KML icon's), the first.
    colours: Vec<(String, String)>,
}

impl<R> Part<R> {
    pub fn new(rows: usize) -> Part<R> {
        let mut table = TableBuilder::default();
        table.reserve(rows);
        Part {
            table,
            refs: Vec::with_capacity(rows),
            labels: Vec::new(),
            label_index: Default::default(),
            problems: Vec::new(),
            uncited: (0, None),
            colours: Vec::new(),
        }
    }

    /// The colour the file gives the category labelled `label` (the first
    /// one given counts).
    pub fn colour(&mut self, label: &str, colour: &str) {
        if !self.colours.iter().any(|(l, _)| l == label) {
            self.colours.push((label.to_string(), colour.to_string()));
        }
    }

    /// The run's number for the category labelled `label`.
    pub fn category(&mut self, label: &str) -> u16 {
        if let Some(&c) = self.label_index.get(label) {
            return c;
        }
        let c = self.labels.len() as u16;
        self.labels.push(label.to_string());
        self.label_index.insert(label.to_string(), c);
        c
    }

    /// A row with no words of its own, at `offset`, with this id.
    pub fn uncited(&mut self, offset: usize, id: &str) {
        self.uncited.0 += 1;
        if self.uncited.1.is_none() {
            self.uncited.1 = Some((offset, id.to_string()));
        }
    }
}

/// The runs of a file merged into one table, in file order.
pub struct Merged<R> {
    pub table: TableBuilder,
    pub refs: Vec<R>,
    /// Category labels in the order they first appear in the file.
    pub labels: Vec<String>,
    pub problems: Vec<Diagnostic>,
    uncited: (usize, Option<(usize, String)>),
    /// The colour the file gives each category label, if it gives one.
    pub colours: Vec<(String, String)>,
}

impl<R> Merged<R> {
    fn new(rows: usize) -> Merged<R> {
        let mut table = TableBuilder::default();
        table.reserve(rows);
        Merged {
            table,
            refs: Vec::with_capacity(rows),
            labels: Vec::new(),
            problems: Vec::new(),
            uncited: (0, None),
            colours: Vec::new(),
        }
    }

    /// Appends runs, in order.
    fn take(&mut self, parts: Vec<Part<R>>) {
        for mut part in parts {
            let map: Vec<u16> = part
                .labels
                .iter()
                .map(|l| match self.labels.iter().position(|k| k == l) {
                    Some(i) => i as u16,
                    None => {
                        self.labels.push(l.clone());
                        (self.labels.len() - 1) as u16
                    }
                })
                .collect();
            part.table.map_categories(&map);
            self.table.append(part.table);
            self.refs.extend(part.refs);
            self.problems.extend(part.problems);
            for (label, colour) in part.colours {
                if !self.colours.iter().any(|(l, _)| *l == label) {
                    self.colours.push((label, colour));
                }
            }
            self.uncited.0 += part.uncited.0;
            if self.uncited.1.is_none() {
                self.uncited.1 = part.uncited.1;
            }
        }
    }

    /// The one warning for rows with no words of their own, if any.
    pub fn no_passage(&self) -> Option<Diagnostic> {
        let (offset, id) = self.uncited.1.as_ref()?;
        Some(super::csv::no_passage(
            self.uncited.0,
            self.table.len(),
            id,
            *offset,
        ))
    }
}

/// Records of the given sizes (in bytes) grouped into runs of about
/// `target` bytes, as ranges of the list.
pub fn group(sizes: impl Iterator<Item = usize>, target: usize) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let (mut from, mut size, mut n) = (0, 0, 0);
    for len in sizes {
        n += 1;
        size += len;
        if size >= target {
            runs.push(from..n);
            (from, size) = (n, 0);
        }
    }
    if from < n {
        runs.push(from..n);
    }
    runs
}

/// Parses `runs` with `parse` on every core and merges the parts in order;
/// `rows` is about how many rows there are in all. Stops when `progress`
/// is cancelled.
pub fn parse_all<T: Sync, R: Send>(
    runs: &[T],
    rows: usize,
    parse: impl Fn(&T) -> Part<R> + Sync,
    progress: Option<&Progress>,
) -> Result<Merged<R>, Cancelled> {
    let mut rest = runs.iter();
    parse_stream(
        |n| rest.by_ref().take(n).collect(),
        rows,
        |run: &&T| parse(run),
        |done, _| done as f32 / runs.len().max(1) as f32,
        progress,
    )
}

/// Parses runs as `next(n)` gives them (up to `n` more; none at the end),
/// a batch at a time: each batch is parsed on every core while the parts
/// of the one before are merged and the next batch is found, so a file's
/// runs can be found while the first are parsed. `fraction` tells the
/// progress from how many runs are parsed and the last of them.
pub fn parse_stream<T: Sync + Send, R: Send>(
    mut next: impl FnMut(usize) -> Vec<T> + Send,
    rows: usize,
    parse: impl Fn(&T) -> Part<R> + Sync,
    fraction: impl Fn(usize, &T) -> f32,
    progress: Option<&Progress>,
) -> Result<Merged<R>, Cancelled> {
    let mut merged = Merged::new(rows);
    let threads = rayon::current_num_threads();
    let mut pending: Vec<Part<R>> = Vec::new();
    // A small first batch, to start soon; then a dozen runs a core.
    let mut batch = next(threads);
    let mut done = 0;
    while !batch.is_empty() {
        if progress.is_some_and(Progress::is_cancelled) {
            return Err(Cancelled);
        }
        let (parts, following) = rayon::join(
            || batch.par_iter().map(&parse).collect::<Vec<_>>(),
            || {
                merged.take(std::mem::take(&mut pending));
                next(threads * 12)
            },
        );
        done += batch.len();
        if let (Some(p), Some(last)) = (progress, batch.last()) {
            p.set_fraction(Stage::Parsing, fraction(done, last));
        }
        pending = parts;
        batch = following;
    }
    merged.take(pending);
    Ok(merged)
}

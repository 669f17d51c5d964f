//! Where the events of an open file live, behind one narrow interface: the
//! [`EventTable`] every view reads (each event's time, point, category,
//! title, a few bytes each), an event by index or by id, and its details
//! (its full record, sources and places) on demand. Whether the events are
//! all in memory (a [`Dataset`]) or read again from their file when asked
//! (a large CSV or GeoJSON, memory-mapped) is the store's business, not the
//! views'.

mod table;

use std::borrow::Cow;

pub use table::{
    Arena, EventRows, EventTable, Grain, Interner, Meta, NONE, PackedTime, Row, TableBuilder,
    TimeKind, day_range, grade, label,
};

use crate::model::{Dataset, Event, Located, Place, Source};

/// The events of one file.
pub struct Store {
    table: EventTable,
    backing: Backing,
}

/// Where the full events are.
enum Backing {
    /// Every event in memory, in full.
    Dataset(Box<Dataset>, ById),
    /// Read again from the file's bytes when asked.
    Records(Box<dyn Records>),
}

/// Events that stay in their file and are read again, one at a time, when
/// asked for in full: what the fast readers of large files leave behind.
pub trait Records: Send + Sync {
    /// Event `i` in full, with the sources and places it refers to.
    fn detail(&self, table: &EventTable, i: usize) -> Detail;

    /// What events `which` (indices, ascending) are searched by, each given
    /// to `each` with its index: by default read from each event in full;
    /// a reader that can say it without making the event (a CSV's) says it
    /// faster.
    fn searched(
        &self,
        table: &EventTable,
        which: &[usize],
        each: &mut dyn FnMut(usize, &Searched),
    ) {
        let mut out = Searched::default();
        for &i in which {
            out.clear();
            self.detail(table, i).searched(&mut out);
            each(i, &out);
        }
    }

    /// For a search of `terms` (folded, each to be found in an event's
    /// searched text): which events may hold them all, told from the
    /// file's bytes without reading the events; every event that does is
    /// among them. `None` when the reader cannot tell. Once `stop` says
    /// so, the rest is passed over (every event may).
    fn may_hold(
        &self,
        _table: &EventTable,
        _terms: &[&str],
        _stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<bool>> {
        None
    }

    /// Bytes held beyond the table (the file is memory-mapped, not held).
    fn heap_bytes(&self) -> usize;

    /// The whole data set, when the file holds more than its events'
    /// records (places and sources of their own, a title): every event
    /// read in full. `None` when the events' details say it all.
    fn dataset(&self, _table: &EventTable) -> Option<Dataset> {
        None
    }
}

/// One event in full, with the sources and places it refers to: what the
/// context panel shows and an export writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub event: Event,
    pub sources: Vec<Source>,
    pub places: Vec<Place>,
}

/// What an event is searched by: its own words (title, summary, actors,
/// place names, the passages quoted, claims and notes; not the sources'
/// whole texts, which one article gives every event it reports), a line
/// each, as written (not folded); and the names of the sources it cites
/// (a source's publisher when it has one, else its title), for the
/// sources' facet.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Searched {
    pub text: String,
    pub sources: Vec<String>,
}

impl Searched {
    pub fn clear(&mut self) {
        self.text.clear();
        self.sources.clear();
    }

    /// One line of words.
    pub fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// A source cited, by its name.
    pub fn source(&mut self, s: &Source) {
        let name = s.publisher.as_deref().unwrap_or(&s.title);
        if !self.sources.iter().any(|n| n == name) {
            self.sources.push(name.to_string());
        }
    }

    /// What `e` is searched by, its places and sources found by id.
    pub fn of_event<'d>(
        &mut self,
        e: &Event,
        place: impl Fn(&str) -> Option<&'d Place>,
        source: impl Fn(&str) -> Option<&'d Source>,
    ) {
        self.line(&e.title);
        if let Some(s) = &e.summary {
            self.line(s);
        }
        for a in &e.actors {
            self.line(a);
        }
        if let Some(l) = &e.location {
            if let Some(p) = l.place.as_deref().and_then(&place) {
                self.line(&p.name);
                for o in &p.other_names {
                    self.line(&o.name);
                }
            }
            if let Some(n) = &l.note {
                self.line(n);
            }
        }
        for p in &e.passages {
            self.line(&p.quote);
        }
        for c in &e.claims {
            self.line(&c.says);
            self.line(&c.record);
        }
        if let Some(n) = &e.notes {
            self.line(n);
        }
        if let Some(n) = &e.when_note {
            self.line(n);
        }
        for p in &e.passages {
            if let Some(s) = source(&p.source) {
                self.source(s);
            }
        }
    }
}

impl Detail {
    /// What the event is searched by, added to `out`.
    pub fn searched(&self, out: &mut Searched) {
        out.of_event(&self.event, |id| self.place(id), |id| self.source(id));
    }

    /// `event` with the sources and places of `ds` it refers to (found
    /// through `by_id`, made for `ds`).
    pub fn of(event: Event, ds: &Dataset, by_id: &ById) -> Detail {
        let mut source_ids: Vec<&str> = event.passages.iter().map(|p| p.source.as_str()).collect();
        if let crate::model::When::Disputed(readings) = &event.when {
            source_ids.extend(readings.iter().filter_map(|r| r.source.as_deref()));
        }
        source_ids.extend(event.casualties.iter().filter_map(|c| c.source.as_deref()));
        let mut sources: Vec<Source> = Vec::new();
        for id in source_ids {
            if let Some(s) = by_id.source(ds, id)
                && !sources.iter().any(|t| t.id == s.id)
            {
                sources.push(s.clone());
            }
        }
        // In the data set's order, as before.
        sources.sort_by_key(|s| by_id.source_rank(ds, &s.id));
        let place = event.location.as_ref().and_then(|l| l.place.as_deref());
        let mut places: Vec<Place> = place
            .and_then(|p| by_id.place(ds, p))
            .into_iter()
            .cloned()
            .collect();
        // The places it lies within, for its region.
        while let Some(up) = places.last().and_then(|p| p.within.as_deref()) {
            match by_id.place(ds, up) {
                Some(p) if !places.iter().any(|q| q.id == p.id) => places.push(p.clone()),
                _ => break,
            }
        }
        Detail {
            event,
            sources,
            places,
        }
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id)
    }

    /// Where the event is (see [`Dataset::locate`]).
    pub fn locate(&self) -> Option<Located<'_>> {
        Located::resolve(&self.event, |id| self.place(id))
    }
}

/// A data set's sources and places in the order of their ids, each
/// found by a binary search: four bytes each, for a data set of a million
/// sources as for one of four.
#[derive(Debug, Default)]
pub struct ById {
    sources: Vec<u32>,
    places: Vec<u32>,
}

impl ById {
    pub fn new(ds: &Dataset) -> ById {
        let order = |ids: Vec<&str>| {
            let mut order: Vec<u32> = (0..ids.len() as u32).collect();
            order.sort_by_key(|&i| (ids[i as usize], i));
            order
        };
        ById {
            sources: order(ds.sources.iter().map(|s| s.id.as_str()).collect()),
            places: order(ds.places.iter().map(|p| p.id.as_str()).collect()),
        }
    }

    /// The first of `ids` (in `order`) that is `id`.
    fn find<'d>(order: &[u32], id: &str, of: impl Fn(usize) -> &'d str) -> Option<usize> {
        let at = order.partition_point(|&i| of(i as usize) < id);
        order.get(at).map(|&i| i as usize).filter(|&i| of(i) == id)
    }

    pub fn source<'d>(&self, ds: &'d Dataset, id: &str) -> Option<&'d Source> {
        Self::find(&self.sources, id, |i| &ds.sources[i].id).map(|i| &ds.sources[i])
    }

    /// Where the source `id` is in the data set's list.
    fn source_rank(&self, ds: &Dataset, id: &str) -> Option<usize> {
        Self::find(&self.sources, id, |i| &ds.sources[i].id)
    }

    pub fn place<'d>(&self, ds: &'d Dataset, id: &str) -> Option<&'d Place> {
        Self::find(&self.places, id, |i| &ds.places[i].id).map(|i| &ds.places[i])
    }

    pub fn heap_bytes(&self) -> usize {
        (self.sources.capacity() + self.places.capacity()) * 4
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({} events)", self.len())
    }
}

impl Store {
    /// A store of events all in memory.
    pub fn from_dataset(ds: Dataset) -> Store {
        let by_id = ById::new(&ds);
        Store {
            table: EventTable::of(&ds),
            backing: Backing::Dataset(Box::new(ds), by_id),
        }
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn table(&self) -> &EventTable {
        &self.table
    }

    /// The title, zone and categories, to correct as a store is made
    /// (a pushed table's, from what its server kept).
    pub fn meta_mut(&mut self) -> &mut Meta {
        &mut self.table.meta
    }

    /// Takes `all` as the categories (see [`EventTable::use_categories`]).
    pub fn use_categories(&mut self, all: &[crate::model::Category]) {
        self.table.use_categories(all);
    }

    /// The dataset, when the events are all in memory.
    pub fn dataset(&self) -> Option<&Dataset> {
        match &self.backing {
            Backing::Dataset(ds, _) => Some(ds),
            Backing::Records(_) => None,
        }
    }

    /// The whole dataset: the one in memory, or every record read in full.
    pub fn to_dataset(&self) -> Cow<'_, Dataset> {
        match &self.backing {
            Backing::Dataset(ds, _) => Cow::Borrowed(ds),
            Backing::Records(r) => Cow::Owned(
                r.dataset(&self.table)
                    .unwrap_or_else(|| self.subset(&(0..self.len()).collect::<Vec<_>>())),
            ),
        }
    }

    /// Event `i` in full.
    pub fn event(&self, i: usize) -> Cow<'_, Event> {
        match &self.backing {
            Backing::Dataset(ds, _) => Cow::Borrowed(&ds.events[i]),
            Backing::Records(r) => Cow::Owned(r.detail(&self.table, i).event),
        }
    }

    /// What events `which` (indices, ascending) are searched by (see
    /// [`Searched`]), each given to `each` with its index, in order.
    pub fn searched(&self, which: &[usize], each: &mut dyn FnMut(usize, &Searched)) {
        match &self.backing {
            Backing::Dataset(ds, by_id) => {
                let mut out = Searched::default();
                for &i in which {
                    out.clear();
                    out.of_event(
                        &ds.events[i],
                        |id| by_id.place(ds, id),
                        |id| by_id.source(ds, id),
                    );
                    each(i, &out);
                }
            }
            Backing::Records(r) => r.searched(&self.table, which, each),
        }
    }

    /// Which events may hold every one of `terms` (see
    /// [`Records::may_hold`]); `None` when all may.
    pub fn may_hold(&self, terms: &[&str], stop: &(dyn Fn() -> bool + Sync)) -> Option<Vec<bool>> {
        match &self.backing {
            Backing::Dataset(..) => None,
            Backing::Records(r) => r.may_hold(&self.table, terms, stop),
        }
    }

    /// Event `i` with the sources and places it refers to.
    pub fn detail(&self, i: usize) -> Detail {
        match &self.backing {
            Backing::Dataset(ds, by_id) => Detail::of(ds.events[i].clone(), ds, by_id),
            Backing::Records(r) => r.detail(&self.table, i),
        }
    }

    /// The dataset with only the events at `keep` (indices), and relations
    /// between kept events only: what an export of a selection writes.
    pub fn subset(&self, keep: &[usize]) -> Dataset {
        match &self.backing {
            Backing::Dataset(ds, _) => crate::formats::export::subset(ds, keep),
            Backing::Records(r) => {
                let meta = &self.table.meta;
                let mut out = Dataset {
                    title: meta.title.clone(),
                    description: meta.description.clone(),
                    time_zone: meta.time_zone.clone(),
                    categories: meta.categories.clone(),
                    ..Dataset::default()
                };
                // Each event read in full on every core (in order); sources
                // and places shared by events are written once.
                let details: Vec<Vec<Detail>> = {
                    use rayon::prelude::*;
                    keep.par_chunks(2048)
                        .map(|part| part.iter().map(|&i| r.detail(&self.table, i)).collect())
                        .collect()
                };
                let mut seen = std::collections::HashSet::new();
                for d in details.into_iter().flatten() {
                    out.events.push(d.event);
                    for s in d.sources {
                        if seen.insert(("source", s.id.clone())) {
                            out.sources.push(s);
                        }
                    }
                    for p in d.places {
                        if seen.insert(("place", p.id.clone())) {
                            out.places.push(p);
                        }
                    }
                }
                out
            }
        }
    }

    /// A store of events read again from their file when asked.
    pub fn from_records(table: EventTable, records: Box<dyn Records>) -> Store {
        Store {
            table,
            backing: Backing::Records(records),
        }
    }

    /// Bytes held in memory, roughly, beyond the file (which, when the
    /// events stay in it, is memory-mapped).
    pub fn heap_bytes(&self) -> usize {
        self.table.heap_bytes()
            + match &self.backing {
                Backing::Dataset(ds, by_id) => {
                    ds.events.len() * std::mem::size_of::<Event>() + by_id.heap_bytes()
                }
                Backing::Records(r) => r.heap_bytes(),
            }
    }

    /// How many places and sources the data holds.
    pub fn counts(&self) -> (usize, usize) {
        match &self.backing {
            Backing::Dataset(ds, _) => (ds.places.len(), ds.sources.len()),
            Backing::Records(_) => (0, self.table.passages),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_id_finds_the_first_of_an_id_and_nothing_for_none() {
        let mut ds = Dataset::default();
        for (id, title) in [("b", "b1"), ("a", "a1"), ("b", "b2"), ("c", "c1")] {
            let mut s = crate::edit::new_source(&ds, title, "words".into(), "2026-12-02");
            s.id = id.into();
            ds.sources.push(s);
        }
        let by_id = ById::new(&ds);
        let title = |id| by_id.source(&ds, id).map(|s| s.title.as_str());
        assert_eq!(title("b"), Some("b1"));
        assert_eq!(title("a"), Some("a1"));
        assert_eq!(title("c"), Some("c1"));
        assert_eq!(title("bb"), None);
        assert_eq!(title(""), None);
        assert_eq!(by_id.source_rank(&ds, "c"), Some(3));
        assert!(by_id.place(&ds, "a").is_none());
    }
}

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
    Arena, EventTable, Grain, Interner, Meta, NONE, PackedTime, Row, TableBuilder, TimeKind,
    day_range, grade, label,
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
    Dataset(Dataset),
    /// Read again from the file's bytes when asked.
    Records(Box<dyn Records>),
}

/// Events that stay in their file and are read again, one at a time, when
/// asked for in full: what the fast readers of large files leave behind.
pub trait Records: Send + Sync {
    /// Event `i` in full, with the sources and places it refers to.
    fn detail(&self, table: &EventTable, i: usize) -> Detail;

    /// Bytes held beyond the table (the file is memory-mapped, not held).
    fn heap_bytes(&self) -> usize;
}

/// One event in full, with the sources and places it refers to: what the
/// context panel shows and an export writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub event: Event,
    pub sources: Vec<Source>,
    pub places: Vec<Place>,
}

impl Detail {
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

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({} events)", self.len())
    }
}

impl Store {
    /// A store of events all in memory.
    pub fn from_dataset(ds: Dataset) -> Store {
        Store {
            table: EventTable::of(&ds),
            backing: Backing::Dataset(ds),
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

    /// The dataset, when the events are all in memory.
    pub fn dataset(&self) -> Option<&Dataset> {
        match &self.backing {
            Backing::Dataset(ds) => Some(ds),
            Backing::Records(_) => None,
        }
    }

    /// The whole dataset: the one in memory, or every record read in full.
    pub fn to_dataset(&self) -> Cow<'_, Dataset> {
        match &self.backing {
            Backing::Dataset(ds) => Cow::Borrowed(ds),
            Backing::Records(_) => Cow::Owned(self.subset(&(0..self.len()).collect::<Vec<_>>())),
        }
    }

    /// Event `i` in full.
    pub fn event(&self, i: usize) -> Cow<'_, Event> {
        match &self.backing {
            Backing::Dataset(ds) => Cow::Borrowed(&ds.events[i]),
            Backing::Records(r) => Cow::Owned(r.detail(&self.table, i).event),
        }
    }

    /// Event `i` with the sources and places it refers to.
    pub fn detail(&self, i: usize) -> Detail {
        match &self.backing {
            Backing::Dataset(ds) => {
                let event = ds.events[i].clone();
                let mut source_ids: Vec<&str> =
                    event.passages.iter().map(|p| p.source.as_str()).collect();
                if let crate::model::When::Disputed(readings) = &event.when {
                    source_ids.extend(readings.iter().filter_map(|r| r.source.as_deref()));
                }
                source_ids.extend(event.casualties.iter().filter_map(|c| c.source.as_deref()));
                let sources = ds
                    .sources
                    .iter()
                    .filter(|s| source_ids.contains(&s.id.as_str()))
                    .cloned()
                    .collect();
                let place = event.location.as_ref().and_then(|l| l.place.as_deref());
                let mut places: Vec<Place> = place
                    .and_then(|p| ds.place(p))
                    .into_iter()
                    .cloned()
                    .collect();
                // The places it lies within, for its region.
                while let Some(up) = places.last().and_then(|p| p.within.as_deref()) {
                    match ds.place(up) {
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
            Backing::Records(r) => r.detail(&self.table, i),
        }
    }

    /// The dataset with only the events at `keep` (indices), and relations
    /// between kept events only: what an export of a selection writes.
    pub fn subset(&self, keep: &[usize]) -> Dataset {
        match &self.backing {
            Backing::Dataset(ds) => crate::formats::export::subset(ds, keep),
            Backing::Records(r) => {
                let meta = &self.table.meta;
                let mut out = Dataset {
                    title: meta.title.clone(),
                    description: meta.description.clone(),
                    time_zone: meta.time_zone.clone(),
                    categories: meta.categories.clone(),
                    ..Dataset::default()
                };
                for &i in keep {
                    let d = r.detail(&self.table, i);
                    out.events.push(d.event);
                    out.sources.extend(d.sources);
                    for p in d.places {
                        if !out.places.iter().any(|q| q.id == p.id) {
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
                Backing::Dataset(ds) => ds.events.len() * std::mem::size_of::<Event>(),
                Backing::Records(r) => r.heap_bytes(),
            }
    }

    /// How many places and sources the data holds.
    pub fn counts(&self) -> (usize, usize) {
        match &self.backing {
            Backing::Dataset(ds) => (ds.places.len(), ds.sources.len()),
            Backing::Records(_) => (0, self.table.passages),
        }
    }
}

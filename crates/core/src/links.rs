//! Lookups built once per dataset, so that nothing a frame does scans every
//! event: an event by its id, and the relations that point at each event
//! (what shows as "Event B responds to this" on event A).

use std::collections::HashMap;

use crate::model::{Dataset, RelationKind};

#[derive(Debug, Default)]
pub struct Links {
    by_id: HashMap<String, usize>,
    /// For each event, the events whose relations name it, with the relation's kind.
    incoming: Vec<Vec<(usize, RelationKind)>>,
}

impl Links {
    pub fn build(ds: &Dataset) -> Links {
        let mut by_id = HashMap::with_capacity(ds.events.len());
        for (i, e) in ds.events.iter().enumerate() {
            // The first of duplicate ids wins, as `Dataset::event` does.
            by_id.entry(e.id.clone()).or_insert(i);
        }
        let mut incoming = vec![Vec::new(); ds.events.len()];
        for (i, e) in ds.events.iter().enumerate() {
            for r in &e.relations {
                if let Some(&target) = by_id.get(&r.event) {
                    incoming[target].push((i, r.kind));
                }
            }
        }
        Links { by_id, incoming }
    }

    /// The index of the event with this id.
    pub fn event(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The events whose relations point at event `i`.
    pub fn incoming(&self, i: usize) -> &[(usize, RelationKind)] {
        self.incoming.get(i).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_links_both_ways() {
        let path = crate::repo("data/moscow-march-2024.json");
        let ds = crate::formats::load(&path, &Default::default())
            .unwrap()
            .dataset
            .unwrap();
        let links = Links::build(&ds);
        for (i, e) in ds.events.iter().enumerate() {
            assert_eq!(links.event(&e.id), Some(i));
            for r in &e.relations {
                let target = links.event(&r.event).unwrap();
                assert!(
                    links.incoming(target).contains(&(i, r.kind)),
                    "{} -> {}",
                    e.id,
                    r.event
                );
            }
        }
        let total: usize = (0..ds.events.len()).map(|i| links.incoming(i).len()).sum();
        let relations: usize = ds.events.iter().map(|e| e.relations.len()).sum();
        assert!(relations > 0);
        assert_eq!(total, relations);
        assert_eq!(links.event("no-such-event"), None);
    }
}

//! A data set at a glance: counts, how much evidence anchored, the time span
//! and the bounding box. `incident-map check` prints it; the app shows it.

use serde::Serialize;

use crate::model::BBox;
use crate::store::{Grain, Store};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub events: usize,
    pub places: usize,
    pub sources: usize,
    pub passages: usize,
    pub passages_anchored: usize,
    /// Events with an unknown or disputed date.
    pub undated_events: usize,
    /// Where the dated events start and end, as people read it.
    pub first: Option<String>,
    pub last: Option<String>,
    /// The box of all events' and places' points.
    pub bounds: Option<BBox>,
}

impl Summary {
    pub fn of(store: &Store) -> Summary {
        let table = store.table();
        let tz = table.tz().clone();
        let dated = &table.by_time()[..table.dated()];
        let describe = |second: i64, grain: Grain| {
            let z = jiff::Timestamp::from_second(second)
                .ok()?
                .to_zoned_datetime(tz.clone());
            Some(match grain {
                Grain::Instant | Grain::Open => z.strftime("%-d %b %Y, %H:%M %Z").to_string(),
                Grain::Day => z.strftime("%-d %b %Y").to_string(),
                Grain::Month => z.strftime("%b %Y").to_string(),
                Grain::Year => format!("{}", z.year()),
            })
        };
        let first = dated.first().and_then(|&i| {
            let t = table.time(i as usize);
            let grain = match t.start_grain() {
                Grain::Open => t.end_grain(),
                g => g,
            };
            describe(t.start, grain)
        });
        let last = dated
            .iter()
            .map(|&i| table.time(i as usize))
            .max_by_key(|t| t.end)
            .and_then(|t| {
                let grain = match (t.end_grain(), t.start_grain()) {
                    (Grain::Open, g) => g,
                    (g, _) => g,
                };
                describe(t.end, grain)
            });
        let (places, sources) = store.counts();
        Summary {
            events: table.len(),
            places,
            sources,
            passages: table.passages,
            passages_anchored: table.anchored,
            undated_events: table.len() - table.dated(),
            first,
            last,
            bounds: table.bounds(),
        }
    }
}

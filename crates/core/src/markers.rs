//! Where the map draws each event, worked out once per file so that a frame
//! costs what is on screen, not what is in the file.
//!
//! [`MarkerIndex::build`] projects every placed event of the [`EventTable`]
//! to Web Mercator and sorts the markers along a Z-order curve of 64-pixel
//! cells at zoom [`MAX_CLUSTER_ZOOM`]. On that order every cell of every
//! coarser zoom is a contiguous run, found by two binary searches; running
//! sums of the markers' positions give any run's centre at once. So a
//! cluster's count is exact at every zoom, and nothing is stored per zoom:
//! about 28 bytes a marker. A filter's index ([`MarkerIndex::filter`]) is a
//! subsequence of the full one, made in one pass without sorting again.
//!
//! [`MarkerIndex::layout`] answers one frame: the cells in view, each drawn
//! as its markers when it holds few, or as one cluster with its count when
//! it holds many; markers that would sit on top of each other are spread on
//! a small circle ("spiderfy") so each stays reachable.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{BBox, Dataset, LatLon};
use crate::store::EventTable;

/// The deepest zoom at which markers are clustered; beyond it the cells of
/// this zoom are used, which only grow on screen.
pub const MAX_CLUSTER_ZOOM: u8 = 17;
/// A cell is 64 px at its zoom: a world of 256·2^z px has 2^(z+2) cells a side.
const CELL_SHIFT: u32 = 2;
/// The bits of a cell's key at [`MAX_CLUSTER_ZOOM`] (two per level, a
/// column's and a row's), and the bits left beside them in a `u64` for an
/// event's number while the index sorts.
const KEY_BITS: u32 = 2 * (MAX_CLUSTER_ZOOM as u32 + CELL_SHIFT);
const EVENT_BITS: u32 = 64 - KEY_BITS;
/// A cell with at most this many markers shows them one by one.
pub const SPREAD_MAX: usize = 8;
/// Markers closer than this on screen (in points) are spread apart.
const OVERLAP: f64 = 14.0;

/// How an event's location is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A building, a street, or a point with no stated precision.
    Pin,
    /// A point known to within this radius.
    Circle { radius_m: f64 },
    /// Somewhere in this region (ISO 3166-2): its outline is the location.
    Region { code: String },
}

/// One event's marker.
#[derive(Debug, Clone)]
pub struct Marker {
    /// The event's index in the table.
    pub event: usize,
    pub point: LatLon,
    /// Web Mercator, 0..1 from the west and from the north.
    pub world: [f64; 2],
    pub shape: Shape,
}

/// The marker of event `i` of `table`, if it has a place.
pub fn marker_of(table: &EventTable, i: usize) -> Option<Marker> {
    let point = table.point(i)?;
    let shape = match (table.region(i), table.uncertainty_m(i)) {
        (Some(code), _) => Shape::Region {
            code: code.to_string(),
        },
        (None, Some(r)) => Shape::Circle { radius_m: r },
        (None, None) => Shape::Pin,
    };
    Some(Marker {
        event: i,
        point,
        world: mercator(point),
        shape,
    })
}

/// The screen a frame draws: its centre in world units, its zoom, its size in points.
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    pub center: [f64; 2],
    pub zoom: f64,
    pub size: [f64; 2],
}

impl Screen {
    /// World units to points, with the view's top-left corner at (0, 0).
    pub fn to_screen(&self, world: [f64; 2]) -> [f64; 2] {
        let scale = world_pixels(self.zoom);
        [
            (world[0] - self.center[0]) * scale + self.size[0] / 2.0,
            (world[1] - self.center[1]) * scale + self.size[1] / 2.0,
        ]
    }
}

/// What one frame draws.
#[derive(Debug, Default)]
pub struct Layout {
    /// Markers drawn one by one: index into the index's markers, where
    /// it is drawn, and where it truly is (they differ when spread apart).
    pub singles: Vec<Single>,
    /// Cells drawn as one cluster each.
    pub clusters: Vec<Cluster>,
}

#[derive(Debug, Clone, Copy)]
pub struct Single {
    pub marker: usize,
    pub at: [f64; 2],
    pub true_at: [f64; 2],
}

/// One numbered bubble: the markers of one or more cells of a zoom level
/// (neighbouring cells whose bubbles would overlap are drawn as one).
#[derive(Debug, Clone)]
pub struct Cluster {
    pub zoom: u8,
    /// The cells' keys at that zoom.
    pub cells: Vec<u64>,
    pub count: usize,
    pub at: [f64; 2],
}

/// A cluster's radius on screen, in points: it grows with the count's digits.
pub fn cluster_radius(count: usize) -> f64 {
    11.0 + 4.0 * (count.max(1) as f64).log10()
}

/// How an index finds an event's marker.
#[derive(Debug, Clone)]
enum OfEvent {
    /// By event, `u32::MAX` for none: the full index's.
    Own(std::sync::Arc<Vec<u32>>),
    /// A filter's index: the full index's marker, then its place among
    /// the full index's markers kept (ascending, so a binary search).
    Through {
        full: std::sync::Arc<Vec<u32>>,
        kept: Vec<u32>,
    },
}

impl Default for OfEvent {
    fn default() -> Self {
        OfEvent::Own(Default::default())
    }
}

/// The placed events of a table (or of a filter's part of it), in Z-order.
#[derive(Debug, Default, Clone)]
pub struct MarkerIndex {
    /// Each marker's cell at [`MAX_CLUSTER_ZOOM`], ascending.
    keys: Vec<u64>,
    /// Each marker's event.
    events: Vec<u32>,
    /// `sums[k]`: the sum of the first `k` markers' world positions.
    sums: Vec<[f64; 2]>,
    /// Event → marker.
    of_event: OfEvent,
    /// The regions that region-level events stand for, each with its first marker.
    regions: Vec<(String, usize)>,
    /// How many of the events shown have no place on the map.
    unplaced: usize,
}

impl MarkerIndex {
    /// Every placed event of the table, projected and sorted.
    pub fn build(table: &EventTable) -> MarkerIndex {
        Self::build_sorting(table, (1 << EVENT_BITS) - 1)
    }

    /// [`MarkerIndex::build`], sorting one number each when the table has
    /// no more than `most` events (pairs otherwise).
    fn build_sorting(table: &EventTable, most: u64) -> MarkerIndex {
        use rayon::prelude::*;
        const EVENT: u64 = (1 << EVENT_BITS) - 1;
        // Projected once, on every core (NaN for an event with no place),
        // with its cell and number as one number to sort, when the events'
        // numbers fit beside the cells' (below 2^26 events); an event with
        // no place sorts last.
        let (mut world, mut packed): (Vec<[f64; 2]>, Vec<u64>) = Default::default();
        (0..table.len())
            .into_par_iter()
            .map(|i| match table.point(i) {
                Some(p) => {
                    let w = mercator(p);
                    (w, cell_key(w, MAX_CLUSTER_ZOOM) << EVENT_BITS | i as u64)
                }
                None => ([f64::NAN; 2], u64::MAX),
            })
            .unzip_into_vecs(&mut world, &mut packed);
        let (keys, events): (Vec<u64>, Vec<u32>) = if table.len() as u64 <= most.min(EVENT) {
            packed.par_sort_unstable();
            let unplaced = packed.iter().rev().take_while(|&&p| p == u64::MAX).count();
            packed.truncate(packed.len() - unplaced);
            rayon::join(
                || packed.par_iter().map(|&p| p >> EVENT_BITS).collect(),
                || packed.par_iter().map(|&p| (p & EVENT) as u32).collect(),
            )
        } else {
            drop(packed);
            let mut order: Vec<(u64, u32)> = (0..table.len())
                .into_par_iter()
                .filter(|&i| !world[i][0].is_nan())
                .map(|i| (cell_key(world[i], MAX_CLUSTER_ZOOM), i as u32))
                .collect();
            order.par_sort_unstable();
            order.into_iter().unzip()
        };
        MarkerIndex::from_sorted(table, keys, events, table.len(), |e| world[e as usize])
    }

    /// The markers of the events `shown` keeps (by event index): a filter's
    /// view, a subsequence of this index, made on every core without
    /// sorting again or projecting again (each marker's position is the
    /// step of this index's running sums).
    pub fn filter(&self, table: &EventTable, shown: impl Fn(usize) -> bool + Sync) -> MarkerIndex {
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 14;
        let chunks = self.len().div_ceil(CHUNK);
        let range = |c: usize| c * CHUNK..((c + 1) * CHUNK).min(self.len());
        let keep = |m: usize| shown(self.events[m] as usize);
        // How many each chunk keeps, then each chunk writes its own part.
        let counts: Vec<usize> = (0..chunks)
            .into_par_iter()
            .map(|c| range(c).filter(|&m| keep(m)).count())
            .collect();
        let n: usize = counts.iter().sum();
        let mut keys = vec![0u64; n];
        let mut events = vec![0u32; n];
        let mut sums = vec![[0.0f64; 2]; n + 1];
        let mut kept = vec![0u32; n];
        let mut parts = Vec::with_capacity(chunks);
        let (mut k, mut e, mut w, mut p) = (
            &mut keys[..],
            &mut events[..],
            &mut sums[1..],
            &mut kept[..],
        );
        for (c, &count) in counts.iter().enumerate() {
            let (k1, k2) = k.split_at_mut(count);
            let (e1, e2) = e.split_at_mut(count);
            let (w1, w2) = w.split_at_mut(count);
            let (p1, p2) = p.split_at_mut(count);
            parts.push((c, k1, e1, w1, p1));
            (k, e, w, p) = (k2, e2, w2, p2);
        }
        // Where each kept marker is in the full index (this one's own place
        // when this is the full index).
        let (full, place): (&std::sync::Arc<Vec<u32>>, Option<&[u32]>) = match &self.of_event {
            OfEvent::Own(full) => (full, None),
            OfEvent::Through { full, kept } => (full, Some(kept)),
        };
        // Each part writes its markers and its own running sums (each
        // marker's step is its step in this index's sums)...
        parts.par_iter_mut().for_each(|(c, k, e, w, p)| {
            let mut acc = [0.0, 0.0];
            for (slot, m) in range(*c).filter(|&m| keep(m)).enumerate() {
                k[slot] = self.keys[m];
                e[slot] = self.events[m];
                let (a, b) = (self.sums[m], self.sums[m + 1]);
                acc = [acc[0] + (b[0] - a[0]), acc[1] + (b[1] - a[1])];
                w[slot] = acc;
                p[slot] = place.map_or(m as u32, |pl| pl[m]);
            }
        });
        // ...then the parts before each are added in.
        let mut carry = [0.0, 0.0];
        let offsets: Vec<[f64; 2]> = parts
            .iter()
            .map(|(_, _, _, w, _)| {
                let before = carry;
                if let Some(last) = w.last() {
                    carry = [carry[0] + last[0], carry[1] + last[1]];
                }
                before
            })
            .collect();
        parts
            .into_par_iter()
            .zip(offsets)
            .filter(|(_, add)| *add != [0.0, 0.0])
            .for_each(|((_, _, _, w, _), add)| {
                for o in w.iter_mut() {
                    *o = [o[0] + add[0], o[1] + add[1]];
                }
            });
        let shown_events = (0..table.len())
            .into_par_iter()
            .filter(|&i| shown(i))
            .count();
        let of_event = OfEvent::Through {
            full: full.clone(),
            kept,
        };
        // The regions, each with its first marker here (none to look for
        // when the full index has none).
        let mut regions: Vec<(String, usize)> = Vec::new();
        if !self.regions.is_empty() {
            for (m, &e) in events.iter().enumerate() {
                if let Some(code) = table.region(e as usize)
                    && !regions.iter().any(|(c, _)| c == code)
                {
                    regions.push((code.to_string(), m));
                }
            }
        }
        MarkerIndex {
            unplaced: shown_events - n,
            keys,
            events,
            sums,
            of_event,
            regions,
        }
    }

    fn from_sorted(
        table: &EventTable,
        keys: Vec<u64>,
        events: Vec<u32>,
        shown_events: usize,
        world: impl Fn(u32) -> [f64; 2] + Sync,
    ) -> MarkerIndex {
        use rayon::prelude::*;
        // The markers' positions gathered on every core, then summed in order.
        let mut sums = Vec::with_capacity(events.len() + 1);
        sums.push([0.0, 0.0]);
        sums.par_extend(events.par_iter().map(|&e| world(e)));
        let mut acc = [0.0, 0.0];
        for w in &mut sums[1..] {
            acc = [acc[0] + w[0], acc[1] + w[1]];
            *w = acc;
        }
        let mut of_event = vec![u32::MAX; table.len()];
        for (m, &e) in events.iter().enumerate() {
            of_event[e as usize] = m as u32;
        }
        // The regions, each with its first marker (none to look for when
        // the table names none).
        let mut regions: Vec<(String, usize)> = Vec::new();
        if table.has_regions() {
            for (m, &e) in events.iter().enumerate() {
                if let Some(code) = table.region(e as usize)
                    && !regions.iter().any(|(c, _)| c == code)
                {
                    regions.push((code.to_string(), m));
                }
            }
        }
        MarkerIndex {
            unplaced: shown_events - events.len(),
            keys,
            events,
            sums,
            of_event: OfEvent::Own(std::sync::Arc::new(of_event)),
            regions,
        }
    }

    /// How many markers there are.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// How many of the events shown have no place on the map.
    pub fn unplaced(&self) -> usize {
        self.unplaced
    }

    /// Marker `m`'s event.
    pub fn event(&self, m: usize) -> usize {
        self.events[m] as usize
    }

    /// Marker `m`, resolved from the table.
    pub fn marker(&self, table: &EventTable, m: usize) -> Marker {
        marker_of(table, self.event(m)).expect("only placed events have markers")
    }

    /// The markers, in the index's order.
    pub fn markers<'t>(&'t self, table: &'t EventTable) -> impl Iterator<Item = Marker> + 't {
        (0..self.len()).map(|m| self.marker(table, m))
    }

    /// The marker of an event, by the event's index.
    pub fn of_event(&self, event: usize) -> Option<usize> {
        match &self.of_event {
            OfEvent::Own(of) => of
                .get(event)
                .copied()
                .filter(|&m| m != u32::MAX)
                .map(|m| m as usize),
            OfEvent::Through { full, kept } => {
                let m = *full.get(event).filter(|&&m| m != u32::MAX)?;
                kept.binary_search(&m).ok()
            }
        }
    }

    /// The regions region-level events stand for, each with its first marker.
    pub fn regions(&self) -> &[(String, usize)] {
        &self.regions
    }

    /// The markers in cell `key` of zoom `zoom`: a run of the index.
    pub fn members(&self, zoom: u8, key: u64) -> Range<usize> {
        let shift = 2 * u32::from(MAX_CLUSTER_ZOOM - zoom.min(MAX_CLUSTER_ZOOM));
        let lo = key << shift;
        let hi = (key + 1) << shift;
        self.keys.partition_point(|&k| k < lo)..self.keys.partition_point(|&k| k < hi)
    }

    /// Up to `max` events of a cluster's cells, evenly spread through its
    /// markers (all of them when it has no more): what a cluster's category
    /// segments are drawn from, at a cost that does not grow with its size.
    /// The markers are in Z-order, so an even spread is spread over the area too.
    pub fn sample(&self, zoom: u8, cells: &[u64], max: usize) -> Vec<usize> {
        let runs: Vec<Range<usize>> = cells.iter().map(|&c| self.members(zoom, c)).collect();
        let total: usize = runs.iter().map(|r| r.len()).sum();
        if total == 0 || max == 0 {
            return Vec::new();
        }
        let take = total.min(max);
        let at = |k: usize| {
            // The k-th of `take` positions through the runs laid end to end.
            let mut pos = k * total / take;
            for r in &runs {
                if pos < r.len() {
                    return self.event(r.start + pos);
                }
                pos -= r.len();
            }
            unreachable!("pos < total")
        };
        (0..take).map(at).collect()
    }

    /// The box of every marker, from the steps of the running sums (read in
    /// order, on every core: no lookups in the table).
    pub fn bounds_all(&self) -> Option<BBox> {
        use rayon::prelude::*;
        let (lo, hi) = self
            .sums
            .par_windows(2)
            .with_min_len(1 << 14)
            .map(|w| [w[1][0] - w[0][0], w[1][1] - w[0][1]])
            .fold(
                || ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
                |(lo, hi), p| {
                    (
                        [lo[0].min(p[0]), lo[1].min(p[1])],
                        [hi[0].max(p[0]), hi[1].max(p[1])],
                    )
                },
            )
            .reduce(
                || ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
                |a, b| {
                    (
                        [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                        [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
                    )
                },
            );
        (lo[0] <= hi[0]).then(|| {
            // World y grows southwards.
            let (nw, se) = (unmercator(lo), unmercator(hi));
            BBox {
                sw: LatLon {
                    lat: se.lat,
                    lon: nw.lon,
                },
                ne: LatLon {
                    lat: nw.lat,
                    lon: se.lon,
                },
            }
        })
    }

    /// The mean position of a run of markers, in world units.
    fn centroid(&self, run: &Range<usize>) -> [f64; 2] {
        let n = run.len().max(1) as f64;
        let (a, b) = (self.sums[run.start], self.sums[run.end]);
        [(b[0] - a[0]) / n, (b[1] - a[1]) / n]
    }

    /// The box of a cluster's markers, in world units: north-west and
    /// south-east corners.
    pub fn bounds(
        &self,
        table: &EventTable,
        zoom: u8,
        cells: &[u64],
    ) -> Option<([f64; 2], [f64; 2])> {
        cells
            .iter()
            .flat_map(|&c| self.members(zoom, c))
            .map(|m| self.marker(table, m).world)
            .fold(None, |b: Option<([f64; 2], [f64; 2])>, w| {
                Some(match b {
                    None => (w, w),
                    Some((lo, hi)) => (
                        [lo[0].min(w[0]), lo[1].min(w[1])],
                        [hi[0].max(w[0]), hi[1].max(w[1])],
                    ),
                })
            })
    }

    /// Whether zooming in can split these cells' markers apart: several
    /// cells always can; one can unless all its markers share a deepest cell.
    pub fn cluster_splits(&self, zoom: u8, cells: &[u64]) -> bool {
        match cells {
            [one] => {
                let run = self.members(zoom, *one);
                !run.is_empty() && self.keys[run.start] != self.keys[run.end - 1]
            }
            _ => cells.len() > 1,
        }
    }

    /// What a frame at `view` draws: the cells on screen (and a cell's
    /// margin around it), as their markers or as one cluster each.
    pub fn layout(&self, table: &EventTable, view: &Screen) -> Layout {
        let mut out = Layout::default();
        if self.keys.is_empty() {
            return out;
        }
        let z = view.zoom.floor().clamp(0.0, f64::from(MAX_CLUSTER_ZOOM)) as u8;
        let per_side = 1u64 << (u32::from(z) + CELL_SHIFT);
        let scale = world_pixels(view.zoom);
        let cell_world = 1.0 / per_side as f64;
        let half = [
            view.size[0] / 2.0 / scale + cell_world,
            view.size[1] / 2.0 / scale + cell_world,
        ];
        let range = |c: f64, h: f64| {
            let lo = ((c - h).max(0.0) * per_side as f64).floor() as u64;
            let hi = (((c + h).min(1.0) * per_side as f64).floor() as u64).min(per_side - 1);
            (lo, hi)
        };
        let (x0, x1) = range(view.center[0], half[0]);
        let (y0, y1) = range(view.center[1], half[1]);
        for cy in y0..=y1 {
            for cx in x0..=x1 {
                let key = interleave(cx) | (interleave(cy) << 1);
                let run = self.members(z, key);
                if run.is_empty() {
                    continue;
                }
                if run.len() <= SPREAD_MAX {
                    for m in run {
                        let at = view.to_screen(self.marker(table, m).world);
                        out.singles.push(Single {
                            marker: m,
                            at,
                            true_at: at,
                        });
                    }
                } else {
                    out.clusters.push(Cluster {
                        zoom: z,
                        cells: vec![key],
                        count: run.len(),
                        at: view.to_screen(self.centroid(&run)),
                    });
                }
            }
        }
        spread(&mut out.singles);
        // A merged bubble is larger and has moved: merge again until none overlap.
        loop {
            let before = out.clusters.len();
            out.clusters = merge_overlapping(std::mem::take(&mut out.clusters));
            if out.clusters.len() == before {
                break;
            }
        }
        out
    }

    /// Bytes held, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8
            + self.events.capacity() * 4
            + self.sums.capacity() * 16
            + match &self.of_event {
                // The full index's is shared, counted once, by it.
                OfEvent::Own(of) => of.capacity() * 4,
                OfEvent::Through { kept, .. } => kept.capacity() * 4,
            }
    }
}

/// Spreads markers that would overlap on a small circle around their mean.
/// Markers closer than [`OVERLAP`] are grouped (transitively), found through
/// a hash of cells of that size and their neighbours: linear in the markers
/// on screen, and no pair is missed for straddling a cell's edge.
fn spread(singles: &mut [Single]) {
    let cell_of = |s: &Single| {
        (
            (s.at[0] / OVERLAP).floor() as i64,
            (s.at[1] / OVERLAP).floor() as i64,
        )
    };
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, s) in singles.iter().enumerate() {
        cells.entry(cell_of(s)).or_default().push(i);
    }
    // Union-find over close pairs.
    let mut parent: Vec<usize> = (0..singles.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, s) in singles.iter().enumerate() {
        let (cx, cy) = cell_of(s);
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &j in cells.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let o = &singles[j];
                    let d2 = (s.at[0] - o.at[0]).powi(2) + (s.at[1] - o.at[1]).powi(2);
                    if j > i && d2 < OVERLAP * OVERLAP {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a] = b;
                    }
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..singles.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    for group in groups.values().filter(|g| g.len() > 1) {
        let n = group.len() as f64;
        let (sx, sy) = group.iter().fold((0.0, 0.0), |(x, y), &i| {
            (x + singles[i].at[0], y + singles[i].at[1])
        });
        let center = [sx / n, sy / n];
        let radius = 12.0 + 2.5 * n;
        for (k, &i) in group.iter().enumerate() {
            let angle = std::f64::consts::TAU * k as f64 / n - std::f64::consts::FRAC_PI_2;
            singles[i].at = [
                center[0] + radius * angle.cos(),
                center[1] + radius * angle.sin(),
            ];
        }
    }
}

/// Clusters whose bubbles would overlap, drawn as one: their counts added,
/// at their weighted mean. A hash of cells as wide as the largest bubble
/// finds the neighbours; linear in the clusters on screen.
fn merge_overlapping(clusters: Vec<Cluster>) -> Vec<Cluster> {
    if clusters.len() < 2 {
        return clusters;
    }
    let widest = clusters
        .iter()
        .map(|c| cluster_radius(c.count))
        .fold(0.0, f64::max)
        * 2.0;
    let cell_of = |c: &Cluster| {
        (
            (c.at[0] / widest).floor() as i64,
            (c.at[1] / widest).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, c) in clusters.iter().enumerate() {
        grid.entry(cell_of(c)).or_default().push(i);
    }
    let mut parent: Vec<usize> = (0..clusters.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (i, c) in clusters.iter().enumerate() {
        let (cx, cy) = cell_of(c);
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &j in grid.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let o = &clusters[j];
                    let d = (c.at[0] - o.at[0]).hypot(c.at[1] - o.at[1]);
                    if j > i && d < cluster_radius(c.count) + cluster_radius(o.count) {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a] = b;
                    }
                }
            }
        }
    }
    let mut merged: HashMap<usize, Cluster> = HashMap::new();
    let mut order = Vec::new();
    for (i, c) in clusters.into_iter().enumerate() {
        let r = root(&mut parent, i);
        match merged.get_mut(&r) {
            Some(m) => {
                let total = (m.count + c.count) as f64;
                for k in 0..2 {
                    m.at[k] = (m.at[k] * m.count as f64 + c.at[k] * c.count as f64) / total;
                }
                m.count += c.count;
                m.cells.extend(c.cells);
            }
            None => {
                order.push(r);
                merged.insert(r, c);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|r| merged.remove(&r))
        .collect()
}

/// Points across the world at `zoom` (256 at zoom 0, as walkers counts).
pub fn world_pixels(zoom: f64) -> f64 {
    256.0 * 2f64.powf(zoom)
}

/// Web Mercator, normalised to 0..1 from the west and from the north.
pub fn mercator(p: LatLon) -> [f64; 2] {
    let lat = p.lat.clamp(-85.051_128_78, 85.051_128_78).to_radians();
    let x = (p.lon + 180.0) / 360.0;
    // asinh(tan φ) = atanh(sin φ): one sine and one logarithm.
    let sin = lat.sin();
    let y = (1.0 - 0.5 * ((1.0 + sin) / (1.0 - sin)).ln() / std::f64::consts::PI) / 2.0;
    [x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)]
}

/// The inverse of [`mercator`].
pub fn unmercator(w: [f64; 2]) -> LatLon {
    let lon = w[0] * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * w[1]))
        .sinh()
        .atan()
        .to_degrees();
    LatLon { lat, lon }
}

/// The key of the cell at `zoom` holding `world` (a Web Mercator
/// position, 0..1): the cells [`MarkerIndex::members`] takes.
pub fn cell_key(world: [f64; 2], zoom: u8) -> u64 {
    let per_side = 1u64 << (u32::from(zoom) + CELL_SHIFT);
    let c = |v: f64| ((v * per_side as f64) as u64).min(per_side - 1);
    cell_of(c(world[0]), c(world[1]))
}

/// The key of cell column `x`, row `y` (of any zoom).
pub fn cell_of(x: u64, y: u64) -> u64 {
    interleave(x) | (interleave(y) << 1)
}

/// How many cells a side the world has at `zoom`.
pub fn cells_per_side(zoom: u8) -> u64 {
    1u64 << (u32::from(zoom) + CELL_SHIFT)
}

/// Spreads the low 32 bits of `v` to the even bits of the result.
fn interleave(v: u64) -> u64 {
    let mut x = v & 0xffff_ffff;
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
    x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    x = (x | (x << 1)) & 0x5555_5555_5555_5555;
    x
}

#[cfg(test)]
fn deinterleave(key: u64) -> (u64, u64) {
    let squeeze = |mut x: u64| {
        x &= 0x5555_5555_5555_5555;
        x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
        x = (x | (x >> 2)) & 0x0f0f_0f0f_0f0f_0f0f;
        x = (x | (x >> 4)) & 0x00ff_00ff_00ff_00ff;
        x = (x | (x >> 8)) & 0x0000_ffff_0000_ffff;
        x = (x | (x >> 16)) & 0x0000_0000_ffff_ffff;
        x
    };
    (squeeze(key), squeeze(key >> 1))
}

/// A synthetic dataset of `n` events scattered over Moscow and its region
/// (a tenth of them stacked on a few exact spots), for benchmarks and tests.
pub fn synthetic(n: usize) -> Dataset {
    use crate::model::{Event, Location, Origin, Precision, When};
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let events = (0..n)
        .map(|i| {
            let point = if i % 10 == 0 {
                LatLon {
                    lat: 55.75 + ((i / 10) % 50) as f64 * 0.01,
                    lon: 37.6,
                }
            } else {
                LatLon {
                    lat: 54.0 + 3.0 * next(),
                    lon: 35.0 + 5.0 * next(),
                }
            };
            Event {
                id: format!("e{i}"),
                title: format!("Event {i}"),
                summary: None,
                category: None,
                actors: Vec::new(),
                when: When::Unknown,
                approximate: false,
                when_note: None,
                location: Some(Location {
                    place: None,
                    point: Some(point),
                    precision: Some(Precision::Building),
                    uncertainty_m: None,
                    geometry: None,
                    note: None,
                }),
                passages: Vec::new(),
                claims: Vec::new(),
                casualties: Vec::new(),
                relations: Vec::new(),
                notes: None,
                origin: Origin::default(),
            }
        })
        .collect();
    Dataset {
        title: format!("{n} synthetic events"),
        events,
        ..Dataset::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(p: LatLon, zoom: f64) -> Screen {
        Screen {
            center: mercator(p),
            zoom,
            size: [1280.0, 800.0],
        }
    }

    fn index_of(ds: &Dataset) -> (EventTable, MarkerIndex) {
        let table = EventTable::of(ds);
        let index = MarkerIndex::build(&table);
        (table, index)
    }

    #[test]
    fn markers_sorted_as_numbers_are_those_sorted_as_pairs() {
        let mut ds = synthetic(3000);
        // Some events with no place: not markers, counted as unplaced.
        for e in ds.events.iter_mut().step_by(7) {
            e.location = None;
        }
        let table = EventTable::of(&ds);
        let (numbers, pairs) = (
            MarkerIndex::build(&table),
            MarkerIndex::build_sorting(&table, 0),
        );
        assert_eq!(numbers.keys, pairs.keys);
        assert_eq!(numbers.events, pairs.events);
        assert_eq!(numbers.sums, pairs.sums);
        assert_eq!(numbers.unplaced, 3000usize.div_ceil(7));
        assert_eq!(numbers.unplaced, pairs.unplaced);
        assert_eq!(numbers.len(), 3000 - numbers.unplaced);
        let (OfEvent::Own(a), OfEvent::Own(b)) = (&numbers.of_event, &pairs.of_event) else {
            panic!("a full index finds markers by event");
        };
        assert_eq!(a, b);
        // In cell order, each event once, each found again by its event.
        assert!(numbers.keys.windows(2).all(|w| w[0] <= w[1]));
        for (m, &e) in numbers.events.iter().enumerate() {
            assert_eq!(a[e as usize], m as u32);
            let w = mercator(table.point(e as usize).unwrap());
            assert_eq!(numbers.keys[m], cell_key(w, MAX_CLUSTER_ZOOM));
        }
    }

    #[test]
    fn keys_interleave_and_come_back() {
        for (x, y) in [(0, 0), (1, 0), (0, 1), (12345, 54321), (524_287, 3)] {
            let key = interleave(x) | (interleave(y) << 1);
            assert_eq!(deinterleave(key), (x, y));
        }
        // A cell's parent is its key shifted by one level.
        let w = mercator(LatLon {
            lat: 55.75,
            lon: 37.62,
        });
        for z in 1..=MAX_CLUSTER_ZOOM {
            assert_eq!(cell_key(w, z) >> 2, cell_key(w, z - 1));
        }
        let back = unmercator(w);
        assert!((back.lat - 55.75).abs() < 1e-9 && (back.lon - 37.62).abs() < 1e-9);
    }

    #[test]
    fn a_sample_spreads_through_a_clusters_cells_and_takes_all_of_a_small_one() {
        let ds = synthetic(20_000);
        let (_, index) = index_of(&ds);
        let z = 4;
        let shift = 2 * u32::from(MAX_CLUSTER_ZOOM - z);
        let mut cells: Vec<u64> = index.keys.iter().map(|k| k >> shift).collect();
        cells.dedup();
        let members: Vec<usize> = cells
            .iter()
            .flat_map(|&c| index.members(z, c))
            .map(|m| index.event(m))
            .collect();
        let sample = index.sample(z, &cells, 100);
        assert_eq!(sample.len(), 100);
        assert!(sample.iter().all(|e| members.contains(e)));
        // Distinct, drawn from the start to the end of the run.
        let mut distinct = sample.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 100);
        assert_eq!(sample[0], members[0]);
        assert!(members.iter().rposition(|e| *e == sample[99]).unwrap() >= members.len() - 200);
        // A small cluster: every one of its events.
        let one = index.members(MAX_CLUSTER_ZOOM, index.keys[0]);
        let small = index.sample(MAX_CLUSTER_ZOOM, &[index.keys[0]], 1000);
        assert_eq!(small.len(), one.len());
        assert!(index.sample(z, &[], 10).is_empty());
    }

    #[test]
    fn a_filtered_index_is_the_subsequence_with_its_own_sums_and_lookups() {
        let ds = synthetic(70_000);
        let (table, index) = index_of(&ds);
        let keep = |i: usize| !i.is_multiple_of(3);
        let f = index.filter(&table, keep);
        let kept: Vec<usize> = (0..index.len())
            .map(|m| index.event(m))
            .filter(|&e| keep(e))
            .collect();
        assert_eq!(f.len(), kept.len());
        assert_eq!((0..f.len()).map(|m| f.event(m)).collect::<Vec<_>>(), kept);
        for (m, &e) in kept.iter().enumerate().step_by(101) {
            assert_eq!(f.of_event(e), Some(m));
            assert_eq!(f.keys[m], index.keys[index.of_event(e).unwrap()]);
        }
        assert_eq!(f.of_event(0), None, "event 0 is filtered out");
        // The running sums add up the kept markers' positions.
        let direct = kept.iter().fold([0.0, 0.0], |a, &e| {
            let w = mercator(table.point(e).unwrap());
            [a[0] + w[0], a[1] + w[1]]
        });
        let total = f.sums[f.len()];
        assert!((total[0] - direct[0]).abs() < 1e-6 && (total[1] - direct[1]).abs() < 1e-6);
        for m in [0, 1, 17_000, f.len() - 1] {
            let (a, b) = (f.sums[m], f.sums[m + 1]);
            let w = mercator(table.point(f.event(m)).unwrap());
            assert!((b[0] - a[0] - w[0]).abs() < 1e-9 && (b[1] - a[1] - w[1]).abs() < 1e-9);
        }
        assert_eq!(f.unplaced(), 0);
        // A filter of a filter is the filter of both.
        let ff = f.filter(&table, |i| !i.is_multiple_of(5));
        let both = index.filter(&table, |i| keep(i) && !i.is_multiple_of(5));
        assert_eq!(ff.events, both.events);
        for e in [1, 2, 5, 7, 10, 11, 69_998] {
            assert_eq!(ff.of_event(e), both.of_event(e), "event {e}");
        }
        assert_eq!(ff.bounds_all(), both.bounds_all());
    }

    #[test]
    fn clusters_count_exactly_at_every_zoom() {
        let ds = synthetic(20_000);
        let (table, index) = index_of(&ds);
        assert_eq!(index.len(), 20_000);
        for z in 0..=MAX_CLUSTER_ZOOM {
            // Every marker is in exactly one cell of each zoom, and in its own.
            let shift = 2 * u32::from(MAX_CLUSTER_ZOOM - z);
            let mut cells: Vec<u64> = index.keys.iter().map(|k| k >> shift).collect();
            cells.dedup();
            let total: usize = cells.iter().map(|&c| index.members(z, c).len()).sum();
            assert_eq!(total, 20_000, "zoom {z}");
            for &c in cells.iter().step_by(97) {
                for m in index.members(z, c) {
                    assert_eq!(cell_key(index.marker(&table, m).world, z), c);
                }
            }
        }
        // Zoomed out, the whole region is a handful of clusters whose counts add up.
        let center = LatLon {
            lat: 55.5,
            lon: 37.5,
        };
        let layout = index.layout(&table, &view_of(center, 5.0));
        let shown: usize =
            layout.clusters.iter().map(|c| c.count).sum::<usize>() + layout.singles.len();
        assert_eq!(shown, 20_000);
        assert!(layout.clusters.len() < 50, "{}", layout.clusters.len());
        // No two bubbles overlap, at any zoom.
        for zoom in [3.0, 5.0, 7.5, 9.0, 11.0] {
            let layout = index.layout(&table, &view_of(center, zoom));
            for (i, a) in layout.clusters.iter().enumerate() {
                for b in &layout.clusters[i + 1..] {
                    let d = (a.at[0] - b.at[0]).hypot(a.at[1] - b.at[1]);
                    assert!(
                        d >= cluster_radius(a.count) + cluster_radius(b.count),
                        "zoom {zoom}: {d}"
                    );
                }
            }
            let shown: usize =
                layout.clusters.iter().map(|c| c.count).sum::<usize>() + layout.singles.len();
            assert!(shown <= 20_000);
        }
    }

    #[test]
    fn a_frame_draws_only_what_is_on_screen() {
        let ds = synthetic(50_000);
        let (table, index) = index_of(&ds);
        let center = LatLon {
            lat: 55.5,
            lon: 37.5,
        };
        let view = view_of(center, 14.0);
        let layout = index.layout(&table, &view);
        let shown = layout.singles.len() + layout.clusters.len();
        assert!(shown > 0 && shown < 2_000, "{shown}");
        let margin = 64.0 * 2.0;
        for s in &layout.singles {
            assert!(s.true_at[0] > -margin && s.true_at[0] < 1280.0 + margin);
            assert!(s.true_at[1] > -margin && s.true_at[1] < 800.0 + margin);
        }
        // Every marker truly on screen is drawn, alone or in a cluster.
        let on_screen = index
            .markers(&table)
            .filter(|m| {
                let p = view.to_screen(m.world);
                (0.0..1280.0).contains(&p[0]) && (0.0..800.0).contains(&p[1])
            })
            .count();
        let drawn: usize =
            layout.singles.len() + layout.clusters.iter().map(|c| c.count).sum::<usize>();
        assert!(drawn >= on_screen, "{drawn} < {on_screen}");
    }

    #[test]
    fn a_filter_is_a_subsequence_with_exact_counts() {
        let ds = synthetic(10_000);
        let (table, index) = index_of(&ds);
        let odd = index.filter(&table, |i| i % 2 == 1);
        assert_eq!(odd.len(), 5_000);
        assert!(odd.keys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(odd.of_event(2), None);
        assert_eq!(odd.event(odd.of_event(3).unwrap()), 3);
        let layout = odd.layout(
            &table,
            &view_of(
                LatLon {
                    lat: 55.5,
                    lon: 37.5,
                },
                4.0,
            ),
        );
        let shown: usize =
            layout.clusters.iter().map(|c| c.count).sum::<usize>() + layout.singles.len();
        assert_eq!(shown, 5_000);
    }

    #[test]
    fn stacked_markers_spread_and_cannot_be_split_by_zooming() {
        // The synthetic set stacks 1 in 10 events on 50 exact spots: ~100 per spot
        // at 5000 events; a cluster of one spot never splits, so the app lists it.
        let ds = synthetic(5_000);
        let (table, index) = index_of(&ds);
        let spot = LatLon {
            lat: 55.75,
            lon: 37.6,
        };
        let layout = index.layout(&table, &view_of(spot, 19.0));
        let stacked = layout
            .clusters
            .iter()
            .find(|c| (c.at[0] - 640.0).abs() < 1.0 && (c.at[1] - 400.0).abs() < 1.0)
            .expect("a cluster at the stacked spot");
        assert_eq!(stacked.count, 10);
        assert!(!index.cluster_splits(stacked.zoom, &stacked.cells));
        // A cluster at zoom 8 does split.
        let wide = index.layout(&table, &view_of(spot, 8.0));
        let big = wide.clusters.iter().max_by_key(|c| c.count).unwrap();
        assert!(index.cluster_splits(big.zoom, &big.cells));
        let (nw, se) = index.bounds(&table, big.zoom, &big.cells).unwrap();
        assert!(nw[0] < se[0] && nw[1] < se[1]);

        // A few markers on one spot are spread around it, each apart.
        let mut few = synthetic(3);
        for e in &mut few.events {
            e.location.as_mut().unwrap().point = Some(spot);
        }
        let (table, index) = index_of(&few);
        let layout = index.layout(&table, &view_of(spot, 12.0));
        assert_eq!(layout.singles.len(), 3);
        for (i, a) in layout.singles.iter().enumerate() {
            assert!((a.true_at[0] - 640.0).abs() < 0.01 && (a.true_at[1] - 400.0).abs() < 0.01);
            for b in &layout.singles[i + 1..] {
                let d = ((a.at[0] - b.at[0]).powi(2) + (a.at[1] - b.at[1]).powi(2)).sqrt();
                assert!(d > 14.0, "{d}");
            }
        }
    }

    #[test]
    fn close_markers_on_either_side_of_a_cell_edge_are_spread_too() {
        let single = |x: f64| Single {
            marker: 0,
            at: [x, 100.0],
            true_at: [x, 100.0],
        };
        // 13.9 and 14.1 fall in different 14-point cells but overlap.
        let mut s = vec![single(13.9), single(14.1), single(300.0)];
        spread(&mut s);
        let d = (s[0].at[0] - s[1].at[0]).hypot(s[0].at[1] - s[1].at[1]);
        assert!(d > OVERLAP, "{d}");
        assert_eq!(s[2].at, [300.0, 100.0], "a lone marker stays put");
    }

    #[test]
    fn shapes_follow_precision() {
        let path = crate::repo("data/moscow-march-2024.json");
        let loaded = crate::formats::load(&path, &Default::default()).unwrap();
        let ds = loaded.dataset().unwrap().into_owned();
        let (table, index) = index_of(&ds);
        let shape = |id: &str| {
            let e = table.find(id).unwrap();
            index.marker(&table, index.of_event(e).unwrap()).shape
        };
        assert_eq!(
            shape("fsb-kaluga-operation"),
            Shape::Region {
                code: "RU-KLU".into()
            }
        );
        assert_eq!(shape("crocus-attack"), Shape::Pin);
        assert_eq!(index.regions().len(), 1);
        assert_eq!(index.len(), ds.events.len());
    }
}

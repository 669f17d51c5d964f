//! The event table: one row per event, in packed columns, holding what the
//! views read (time span and how precise it is, point, precision, region,
//! category, title, id, actors), a few bytes each. Built once per file, from
//! a [`Dataset`] or straight from a file's records by the fast readers, and
//! never changed after: filters and views are orders and subsets of it.

use std::collections::HashMap;
use std::ops::Range;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rayon::prelude::*;

use crate::model::{
    BBox, Category, Credibility, Dataset, LatLon, Moment, Place, Precision, RelationKind,
    Reliability, When, describe_range,
};

/// Strings one after the other, each found by its index.
#[derive(Debug, Default, Clone)]
pub struct Arena {
    bytes: String,
    ends: Vec<u32>,
}

impl Arena {
    pub fn push(&mut self, s: &str) -> u32 {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
        (self.ends.len() - 1) as u32
    }

    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Another arena's strings after these.
    fn append(&mut self, other: &Arena) {
        let base = self.bytes.len() as u32;
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }

    fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 4
    }
}

/// Strings kept once each however often they are pushed, while building:
/// the index holds only numbers, the strings stay in the arena.
#[derive(Default)]
pub struct Interner {
    arena: Arena,
    index: hashbrown::HashTable<u32>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Interner({} strings)", self.arena.len())
    }
}

fn hash_str(s: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(s)
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        let arena = &mut self.arena;
        let hash = hash_str(s);
        if let Some(&i) = self.index.find(hash, |&i| arena.get(i) == s) {
            return i;
        }
        let i = arena.push(s);
        self.index
            .insert_unique(hash, i, |&i| hash_str(arena.get(i)));
        i
    }

    pub fn arena(&self) -> &Arena {
        &self.arena
    }

    /// Another interner's strings after these, as they are (not merged).
    fn append(&mut self, other: Interner) {
        let base = self.arena.len() as u32;
        self.arena.append(&other.arena);
        // Strings pushed after this are looked up among the new ones only.
        self.index = other.index;
        for v in self.index.iter_mut() {
            *v += base;
        }
    }

    fn finish(self) -> Arena {
        self.arena
    }
}

/// How precise one end of a time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Grain {
    /// No moment: an open end.
    Open = 0,
    Instant = 1,
    Day = 2,
    Month = 3,
    Year = 4,
}

impl Grain {
    fn of(m: &Moment) -> Grain {
        match m {
            Moment::Instant(_) => Grain::Instant,
            Moment::Day(_) => Grain::Day,
            Moment::Month { .. } => Grain::Month,
            Moment::Year(_) => Grain::Year,
        }
    }

    fn from_bits(b: u16) -> Grain {
        match b & 7 {
            1 => Grain::Instant,
            2 => Grain::Day,
            3 => Grain::Month,
            4 => Grain::Year,
            _ => Grain::Open,
        }
    }
}

/// What kind of time an event has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    At,
    Between,
    Unknown,
    Disputed,
}

/// An event's time as the table keeps it: its span in seconds (UTC), what
/// kind of time it is and how precise each end is. Enough to order, window
/// and label every event without the `When` it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedTime {
    /// The first and last second it covers; both 0 when undated.
    pub start: i64,
    pub end: i64,
    /// Kind (2 bits), start grain (3), end grain (3), approximate (1).
    bits: u16,
}

impl PackedTime {
    pub const UNKNOWN: PackedTime = PackedTime {
        start: 0,
        end: 0,
        bits: 2,
    };

    /// Packs a `When`: days, months and years span their whole length in `tz`.
    pub fn of(when: &When, approximate: bool, tz: &TimeZone) -> PackedTime {
        let approx = if approximate { 1 << 8 } else { 0 };
        let pack =
            |kind: u16, a: Grain, b: Grain| kind | (a as u16) << 2 | (b as u16) << 5 | approx;
        let span = when.span(tz);
        match (when, span) {
            (When::At(m), Some((a, b))) => PackedTime {
                start: floor_second(a),
                end: floor_second(b),
                bits: pack(0, Grain::of(m), Grain::Open),
            },
            (When::Between(a, b), Some((s, e))) => PackedTime {
                start: floor_second(s),
                end: floor_second(e),
                bits: pack(
                    1,
                    a.as_ref().map_or(Grain::Open, Grain::of),
                    b.as_ref().map_or(Grain::Open, Grain::of),
                ),
            },
            (When::Disputed(_), _) => PackedTime {
                bits: 3 | approx,
                ..PackedTime::UNKNOWN
            },
            // Unknown, or a date no calendar here can place.
            _ => PackedTime {
                bits: 2 | approx,
                ..PackedTime::UNKNOWN
            },
        }
    }

    /// A day (of the dataset's time zone) as the fast readers give it.
    pub fn day(first: i64, last: i64) -> PackedTime {
        PackedTime {
            start: first,
            end: last,
            bits: (Grain::Day as u16) << 2,
        }
    }

    pub fn kind(&self) -> TimeKind {
        match self.bits & 3 {
            0 => TimeKind::At,
            1 => TimeKind::Between,
            2 => TimeKind::Unknown,
            _ => TimeKind::Disputed,
        }
    }

    pub fn is_dated(&self) -> bool {
        matches!(self.kind(), TimeKind::At | TimeKind::Between)
    }

    pub fn start_grain(&self) -> Grain {
        Grain::from_bits(self.bits >> 2)
    }

    pub fn end_grain(&self) -> Grain {
        Grain::from_bits(self.bits >> 5)
    }

    pub fn approximate(&self) -> bool {
        self.bits & (1 << 8) != 0
    }

    /// The span, for a dated event.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        if !self.is_dated() {
            return None;
        }
        Some((
            Timestamp::from_second(self.start).ok()?,
            Timestamp::from_second(self.end).ok()?,
        ))
    }
}

/// The second a timestamp falls in (jiff truncates towards zero, which is
/// the next second for instants before 1970).
fn floor_second(t: Timestamp) -> i64 {
    if t.subsec_nanosecond() < 0 {
        t.as_second() - 1
    } else {
        t.as_second()
    }
}

/// Packed times in three columns (18 bytes an event, not a padded 24).
#[derive(Debug, Default, Clone)]
pub struct Times {
    start: Vec<i64>,
    end: Vec<i64>,
    bits: Vec<u16>,
}

impl Times {
    fn push(&mut self, t: PackedTime) {
        self.start.push(t.start);
        self.end.push(t.end);
        self.bits.push(t.bits);
    }

    fn get(&self, i: usize) -> PackedTime {
        PackedTime {
            start: self.start[i],
            end: self.end[i],
            bits: self.bits[i],
        }
    }

    fn len(&self) -> usize {
        self.bits.len()
    }

    fn append(&mut self, other: Times) {
        self.start.extend(other.start);
        self.end.extend(other.end);
        self.bits.extend(other.bits);
    }

    fn heap_bytes(&self) -> usize {
        self.start.capacity() * 8 + self.end.capacity() * 8 + self.bits.capacity() * 2
    }
}

/// What the whole table shares: the data set's title and time zone, its
/// categories, the place distances are measured from.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub description: Option<String>,
    /// The IANA name of the time zone days are counted in, if one was given.
    pub time_zone: Option<String>,
    pub categories: Vec<Category>,
    /// The place distances and bearings are measured from.
    pub reference: Option<Place>,
    /// The box of the data set's places (events' points are the table's).
    pub places_bounds: Option<BBox>,
}

impl Meta {
    pub fn of(ds: &Dataset) -> Meta {
        Meta {
            title: ds.title.clone(),
            description: ds.description.clone(),
            time_zone: ds.time_zone.clone(),
            categories: ds.categories.clone(),
            reference: ds
                .reference_place
                .as_deref()
                .and_then(|id| ds.place(id))
                .cloned(),
            places_bounds: BBox::around(
                ds.places
                    .iter()
                    .map(|p| p.point)
                    .filter(|p| p.lat.is_finite() && p.lon.is_finite()),
            ),
        }
    }

    /// The time zone days are counted in: UTC when none (or a bad one) is named.
    pub fn tz(&self) -> TimeZone {
        self.time_zone
            .as_deref()
            .and_then(|name| TimeZone::get(name).ok())
            .unwrap_or(TimeZone::UTC)
    }
}

/// No category, region or list.
pub const NONE: u16 = u16::MAX;

/// One event as a reader hands it to the table.
#[derive(Debug, Default)]
pub struct Row<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub time: Option<PackedTime>,
    pub point: Option<LatLon>,
    pub precision: Option<Precision>,
    pub uncertainty_m: Option<f64>,
    /// The ISO 3166-2 region the event stands for (a region-level place).
    pub region: Option<&'a str>,
    /// The index of its category in the meta's categories.
    pub category: Option<u16>,
    pub actors: Vec<std::borrow::Cow<'a, str>>,
    /// Its shape, when it is not a point.
    pub geometry: Option<geo::Geometry<f64>>,
    /// How many passages it cites, and how many of them were found.
    pub passages: u32,
    pub anchored: u32,
    /// Its evidence's best grade ([`grade`]); 0 for none.
    pub grade: u8,
}

/// An event's evidence graded in one byte: the most reliable of its
/// sources (A = 1 … F = 6) in the high half, the most credible of its
/// passages (1 … 6) in the low; 0 for none.
pub fn grade(reliability: Option<Reliability>, credibility: Option<Credibility>) -> u8 {
    (reliability.map_or(0, |r| r as u8 + 1) << 4) | credibility.map_or(0, Credibility::number)
}

/// Rows being gathered into a table (a chunk of a file, or all of it).
#[derive(Debug, Default)]
pub struct TableBuilder {
    ids: Arena,
    titles: Interner,
    title_of: Vec<u32>,
    time: Times,
    point: Vec<[f32; 2]>,
    precision: Vec<u8>,
    grade: Vec<u8>,
    radius: Vec<f32>,
    regions: Interner,
    region_of: Vec<u16>,
    category: Vec<u16>,
    actors: Interner,
    actor_ends: Vec<u32>,
    actor_list: Vec<u32>,
    geometry: Vec<(u32, geo::Geometry<f64>)>,
    relations: Vec<(u32, RelationKind, u32)>,
    passages: usize,
    most_passages: u32,
    anchored: usize,
}

impl TableBuilder {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.len() == 0
    }

    /// Row `i`'s id as given (the table makes ids used twice unique).
    pub fn id(&self, i: usize) -> &str {
        self.ids.get(i as u32)
    }

    /// Room for `n` more rows in every column.
    pub fn reserve(&mut self, n: usize) {
        self.ids.ends.reserve(n);
        self.title_of.reserve(n);
        self.time.start.reserve(n);
        self.time.end.reserve(n);
        self.time.bits.reserve(n);
        self.point.reserve(n);
        self.precision.reserve(n);
        self.grade.reserve(n);
        self.radius.reserve(n);
        self.region_of.reserve(n);
        self.category.reserve(n);
        self.actor_ends.reserve(n);
    }

    pub fn push(&mut self, row: Row<'_>) {
        let i = self.len() as u32;
        self.ids.push(row.id);
        let title = self.titles.intern(row.title);
        self.title_of.push(title);
        self.time.push(row.time.unwrap_or(PackedTime::UNKNOWN));
        self.point.push(match row.point {
            Some(p) if p.lat.is_finite() && p.lon.is_finite() => [p.lat as f32, p.lon as f32],
            _ => [f32::NAN, f32::NAN],
        });
        self.precision
            .push(row.precision.map_or(0, |p| p as u8 + 1));
        self.grade.push(row.grade);
        self.radius.push(
            row.uncertainty_m
                .filter(|r| r.is_finite() && *r > 0.0)
                .map_or(0.0, |r| r as f32),
        );
        let region = row.region.map_or(NONE, |r| self.regions.intern(r) as u16);
        self.region_of.push(region);
        self.category.push(row.category.unwrap_or(NONE));
        for a in row.actors {
            let a = self.actors.intern(&a);
            self.actor_list.push(a);
        }
        self.actor_ends.push(self.actor_list.len() as u32);
        if let Some(g) = row.geometry {
            self.geometry.push((i, g));
        }
        self.passages += row.passages as usize;
        self.most_passages = self.most_passages.max(row.passages);
        self.anchored += row.anchored as usize;
    }

    /// Renumbers the rows' categories: index `c` becomes `map[c]`.
    pub fn map_categories(&mut self, map: &[u16]) {
        for c in &mut self.category {
            if *c != NONE {
                *c = map[usize::from(*c)];
            }
        }
    }

    /// A relation from event `from` to event `to` (indices of this table).
    pub fn relate(&mut self, from: u32, kind: RelationKind, to: u32) {
        self.relations.push((from, kind, to));
    }

    /// Relations given by the id of the event they lead to (the first
    /// event with that id; an id no row has is left out, `validate` says so).
    pub fn relate_by_id<'a>(
        &mut self,
        relations: impl Iterator<Item = (u32, RelationKind, &'a str)>,
    ) {
        let mut relations = relations.peekable();
        if relations.peek().is_none() {
            return;
        }
        let ids: HashMap<&str, u32> = (0..self.ids.len() as u32)
            .rev()
            .map(|i| (self.ids.get(i), i))
            .collect();
        let found: Vec<(u32, RelationKind, u32)> = relations
            .filter_map(|(from, kind, to)| Some((from, kind, *ids.get(to)?)))
            .collect();
        self.relations.extend(found);
    }

    /// Appends another builder's rows after these (the chunks of a file, in order).
    pub fn append(&mut self, other: TableBuilder) {
        let base = self.len() as u32;
        self.ids.append(&other.ids);
        // Titles repeat within a run; across runs they are kept as they
        // come (interning every run's titles again would cost more than it saves).
        let title_base = self.titles.arena.len() as u32;
        self.titles.append(other.titles);
        self.title_of
            .extend(other.title_of.iter().map(|&t| t + title_base));
        self.time.append(other.time);
        self.point.extend(other.point);
        self.precision.extend(other.precision);
        self.grade.extend(other.grade);
        self.radius.extend(other.radius);
        let regions: Vec<u16> = (0..other.regions.arena().len() as u32)
            .map(|r| self.regions.intern(other.regions.arena().get(r)) as u16)
            .collect();
        self.region_of.extend(
            other
                .region_of
                .iter()
                .map(|&r| if r == NONE { NONE } else { regions[r as usize] }),
        );
        self.category.extend(other.category);
        let actors: Vec<u32> = (0..other.actors.arena().len() as u32)
            .map(|a| self.actors.intern(other.actors.arena().get(a)))
            .collect();
        let offset = self.actor_list.len() as u32;
        self.actor_list
            .extend(other.actor_list.iter().map(|&a| actors[a as usize]));
        self.actor_ends
            .extend(other.actor_ends.iter().map(|&e| e + offset));
        self.geometry
            .extend(other.geometry.into_iter().map(|(i, g)| (i + base, g)));
        self.relations.extend(
            other
                .relations
                .into_iter()
                .map(|(a, k, b)| (a + base, k, b + base)),
        );
        self.passages += other.passages;
        self.most_passages = self.most_passages.max(other.most_passages);
        self.anchored += other.anchored;
    }

    /// The table, with its orders and lookups made.
    pub fn finish(mut self, meta: Meta) -> EventTable {
        let tz = meta.tz();
        self.geometry.sort_by_key(|(i, _)| *i);
        self.relations.sort_by_key(|r| (r.0, r.2));
        let mut incoming: Vec<(u32, RelationKind, u32)> =
            self.relations.iter().map(|&(a, k, b)| (b, k, a)).collect();
        incoming.sort_by_key(|r| (r.0, r.2));
        let titles = self.titles.finish();
        let (time, title_of, ids) = (self.time, self.title_of, self.ids);
        // The lookup by id, and the order in time, side by side.
        let ((ids, index), (day, by_time)) = rayon::join(
            || {
                let index = id_index(&ids);
                let repeated = index
                    .windows(2)
                    .any(|w| w[0].0 == w[1].0 && ids.get(w[0].1) == ids.get(w[1].1));
                if repeated {
                    let ids = unique_ids(&ids);
                    let index = id_index(&ids);
                    (ids, index)
                } else {
                    (ids, index)
                }
            },
            || (days_of(&time, &tz), time_order(&time)),
        );
        let mut time_rank = vec![0u32; by_time.len()];
        for (p, &i) in by_time.iter().enumerate() {
            time_rank[i as usize] = p as u32;
        }
        // Each event's group (its first day and whether it is day-, month-
        // or year-precise), in time order: a timeline finds where its
        // groups begin reading this in order, not the events at random.
        let day_group: Vec<u32> = by_time
            .par_iter()
            .map(|&i| day_group(day[i as usize], time.get(i as usize).start_grain()))
            .collect();
        let dated = (0..time.len()).filter(|&i| time.get(i).is_dated()).count();
        EventTable {
            tz: tz.clone(),
            meta,
            ids,
            titles,
            title_of,
            time,
            point: self.point,
            precision: self.precision,
            grade: self.grade,
            radius: self.radius,
            regions: self.regions.finish(),
            region_of: self.region_of,
            category: self.category,
            actors: self.actors.finish(),
            actor_ends: self.actor_ends,
            actor_list: self.actor_list,
            geometry: self.geometry,
            relations: self.relations,
            incoming,
            id_index: index,
            day,
            by_time,
            time_rank: std::sync::Arc::new(time_rank),
            day_group,
            dated,
            passages: self.passages,
            most_passages: self.most_passages as usize,
            anchored: self.anchored,
        }
    }
}

/// The ids made unique in file order, as readers of other tools' files
/// make them: the first keeps its id, a later one that repeats it becomes
/// `id-2`, `id-3`, … (whichever is not taken yet).
fn unique_ids(ids: &Arena) -> Arena {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out = Arena::default();
    for i in 0..ids.len() as u32 {
        let base = ids.get(i);
        let mut id = base.to_string();
        let mut n = 2;
        while seen.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        out.push(&id);
        seen.insert(id);
    }
    out
}

/// A stable hash (FNV-1a, folded to 32 bits) for the id lookup; equal
/// hashes are told apart by comparing the ids.
fn hash(s: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

/// (hash of id, event), sorted.
fn id_index(ids: &Arena) -> Vec<(u32, u32)> {
    let mut index: Vec<(u32, u32)> = (0..ids.len() as u32)
        .into_par_iter()
        .map(|i| (hash(ids.get(i)), i))
        .collect();
    index.par_sort_unstable();
    index
}

/// Each event's first day in `tz`, as days since 1970-01-01 (0 when
/// undated). In UTC a division; elsewhere each quarter hour is placed once
/// (every time zone's midnight falls on a quarter hour).
fn days_of(time: &Times, tz: &TimeZone) -> Vec<i32> {
    let epoch = Date::constant(1970, 1, 1);
    let utc = *tz == TimeZone::UTC;
    let mut cache: rustc_hash::FxHashMap<i64, i32> = Default::default();
    (0..time.len())
        .map(|i| {
            let t = time.get(i);
            if !t.is_dated() {
                return 0;
            }
            if utc {
                return t.start.div_euclid(86_400) as i32;
            }
            *cache.entry(t.start.div_euclid(900)).or_insert_with(|| {
                Timestamp::from_second(t.start).map_or(0, |ts| {
                    let date = ts.to_zoned_datetime(tz.clone()).date();
                    (date - epoch).get_days()
                })
            })
        })
        .collect()
}

/// Every event once: the dated in time order (by start, then end; events
/// that tie stay in file order), then the undated in file order.
fn time_order(time: &Times) -> Vec<u32> {
    sort_by_time(time, 48)
}

/// [`time_order`], sorting one number each when the starts and ends of
/// the dated span less than 2^`span_bits` seconds (48 bits are nine
/// million years: every time a calendar here places), pairs otherwise.
fn sort_by_time(time: &Times, span_bits: u32) -> Vec<u32> {
    let dated = |i: usize| time.get(i).is_dated();
    let (first, last) = (0..time.len())
        .into_par_iter()
        .filter(|&i| dated(i))
        .map(|i| {
            (
                time.start[i].min(time.end[i]),
                time.start[i].max(time.end[i]),
            )
        })
        .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    let span = i128::from(last) - i128::from(first);
    if span < (1 << span_bits.min(48)) - 1 {
        // The start's second from the first, the end's, the event's
        // number; an undated event after every dated one, by its number.
        let mut keys = Vec::new();
        (0..time.len())
            .into_par_iter()
            .map(|i| {
                let high = if dated(i) {
                    ((time.start[i] - first) as u128) << 48 | (time.end[i] - first) as u128
                } else {
                    u128::MAX >> 32
                };
                high << 32 | i as u128
            })
            .collect_into_vec(&mut keys);
        keys.par_sort_unstable();
        return keys.par_iter().map(|&k| k as u32).collect();
    }
    let mut keys: Vec<(i64, i64, u32)> = (0..time.len())
        .into_par_iter()
        .filter(|&i| dated(i))
        .map(|i| (time.start[i], time.end[i], i as u32))
        .collect();
    keys.par_sort_unstable();
    let mut order: Vec<u32> = keys.into_iter().map(|k| k.2).collect();
    order.extend((0..time.len() as u32).filter(|&i| !dated(i as usize)));
    order
}

/// The timeline's group of an event that starts on `day` (days since
/// 1970) at `grain`: events of one day apart from those known only to its
/// month or year, which head groups of their own.
pub fn day_group(day: i32, grain: Grain) -> u32 {
    let class = match grain {
        Grain::Month => 1,
        Grain::Year => 2,
        _ => 0,
    };
    ((day.wrapping_add(1 << 28) as u32) << 2) | class
}

/// The events, packed: what every view reads.
#[derive(Debug)]
pub struct EventTable {
    pub meta: Meta,
    /// The data set's time zone, resolved once (each lookup reads the
    /// time zone database).
    tz: TimeZone,
    ids: Arena,
    titles: Arena,
    title_of: Vec<u32>,
    time: Times,
    /// Latitude and longitude; NaN for an event with no place.
    point: Vec<[f32; 2]>,
    /// `Precision as u8 + 1`; 0 for none.
    precision: Vec<u8>,
    /// The evidence's best grade ([`grade`]).
    grade: Vec<u8>,
    /// Uncertainty radius in metres; 0 for none.
    radius: Vec<f32>,
    regions: Arena,
    region_of: Vec<u16>,
    category: Vec<u16>,
    actors: Arena,
    actor_ends: Vec<u32>,
    actor_list: Vec<u32>,
    /// The shapes of events that are not points, by event.
    geometry: Vec<(u32, geo::Geometry<f64>)>,
    /// Relations (from, kind, to), by `from`; and the same by `to`.
    relations: Vec<(u32, RelationKind, u32)>,
    incoming: Vec<(u32, RelationKind, u32)>,
    /// (hash of id, event), sorted: the lookup by id.
    id_index: Vec<(u32, u32)>,
    /// Each event's first day, in days since 1970 in the data set's time zone.
    day: Vec<i32>,
    /// Every event once, in time order (the undated last).
    by_time: Vec<u32>,
    /// Each event's place in `by_time` (shared: a timeline keeps it to
    /// find an event's row by binary search).
    time_rank: std::sync::Arc<Vec<u32>>,
    /// Each event's day group ([`day_group`]), in the order of `by_time`.
    day_group: Vec<u32>,
    dated: usize,
    pub passages: usize,
    /// The most passages one event cites.
    pub most_passages: usize,
    pub anchored: usize,
}

impl Default for EventTable {
    /// No events.
    fn default() -> Self {
        TableBuilder::default().finish(Meta::default())
    }
}

/// A data set's events made rows: its places, categories and sources'
/// reliability looked up once, the events given one at a time (all at
/// once by [`EventTable::of`], a part of a large file at a time by its reader).
pub struct EventRows<'d> {
    tz: TimeZone,
    places: crate::model::Places<'d>,
    categories: HashMap<&'d str, u16>,
    reliability: HashMap<&'d str, Reliability>,
}

impl<'d> EventRows<'d> {
    /// For the events of `ds` (its events themselves are not read).
    pub fn new(ds: &'d Dataset) -> Self {
        EventRows {
            tz: ds.tz(),
            places: ds.places_by_id(),
            categories: ds
                .categories
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i as u16))
                .collect(),
            reliability: ds
                .sources
                .iter()
                .filter_map(|s| Some((s.id.as_str(), s.reliability?)))
                .collect(),
        }
    }

    /// Adds `e` as the next row of `b` (its relations are left to
    /// [`TableBuilder::relate_by_id`]).
    pub fn push(&self, b: &mut TableBuilder, e: &crate::model::Event) {
        let at = self.places.locate(e);
        let best_source = e
            .passages
            .iter()
            .filter_map(|p| self.reliability.get(p.source.as_str()).copied())
            .min();
        let best_passage = e.passages.iter().filter_map(|p| p.credibility).min();
        b.push(Row {
            id: &e.id,
            title: &e.title,
            time: Some(PackedTime::of(&e.when, e.approximate, &self.tz)),
            point: at.map(|a| a.point),
            precision: at.and_then(|a| a.precision),
            uncertainty_m: at.and_then(|a| a.uncertainty_m),
            region: at.and_then(|a| a.region_code()),
            category: e
                .category
                .as_deref()
                .and_then(|c| self.categories.get(c).copied()),
            actors: e.actors.iter().map(|a| a.as_str().into()).collect(),
            geometry: at.and_then(|a| a.geometry.cloned()),
            passages: e.passages.len() as u32,
            anchored: e
                .passages
                .iter()
                .filter(|p| p.anchoring.anchor().is_some())
                .count() as u32,
            grade: grade(best_source, best_passage),
        });
    }
}

impl EventTable {
    /// Takes `all` as the categories, in its order: each event keeps its
    /// category (found by label; one `all` lacks is added after them).
    pub fn use_categories(&mut self, all: &[crate::model::Category]) {
        let mut merged: Vec<crate::model::Category> = all.to_vec();
        let map: Vec<u16> = self
            .meta
            .categories
            .iter()
            .map(|c| match merged.iter().position(|k| k.label == c.label) {
                Some(k) => k as u16,
                None => {
                    merged.push(c.clone());
                    (merged.len() - 1) as u16
                }
            })
            .collect();
        for c in &mut self.category {
            if *c != NONE {
                *c = map[usize::from(*c)];
            }
        }
        self.meta.categories = merged;
    }

    /// The table of a dataset's events (passages counted as anchored by
    /// `crate::evidence`).
    pub fn of(ds: &Dataset) -> EventTable {
        let rows = EventRows::new(ds);
        let mut b = TableBuilder::default();
        for e in &ds.events {
            rows.push(&mut b, e);
        }
        b.relate_by_id(ds.events.iter().enumerate().flat_map(|(i, e)| {
            e.relations
                .iter()
                .map(move |r| (i as u32, r.kind, r.event.as_str()))
        }));
        b.finish(Meta::of(ds))
    }

    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.len() == 0
    }

    pub fn id(&self, i: usize) -> &str {
        self.ids.get(i as u32)
    }

    pub fn title(&self, i: usize) -> &str {
        self.titles.get(self.title_of[i])
    }

    pub fn time(&self, i: usize) -> PackedTime {
        self.time.get(i)
    }

    /// The event's first day, in days since 1970-01-01 in the data set's time zone.
    pub fn day_number(&self, i: usize) -> i32 {
        self.day[i]
    }

    pub fn point(&self, i: usize) -> Option<LatLon> {
        let [lat, lon] = self.point[i];
        (!lat.is_nan()).then_some(LatLon {
            lat: f64::from(lat),
            lon: f64::from(lon),
        })
    }

    pub fn precision(&self, i: usize) -> Option<Precision> {
        match self.precision[i] {
            0 => None,
            p => Precision::ALL.get(usize::from(p - 1)).copied(),
        }
    }

    /// The reliability of the most reliable source event `i` cites.
    pub fn reliability(&self, i: usize) -> Option<Reliability> {
        let r = self.grade[i] >> 4;
        (r > 0).then(|| Reliability::ALL[usize::from(r - 1)])
    }

    /// The credibility of the most credible passage event `i` cites.
    pub fn credibility(&self, i: usize) -> Option<Credibility> {
        Credibility::new(u64::from(self.grade[i] & 0xF))
    }

    /// [`Self::precision`] as its code: 0 for none, else its place in
    /// [`Precision::ALL`] plus one (for counting without a match).
    pub fn precision_code(&self, i: usize) -> u8 {
        self.precision[i]
    }

    /// How far from its point the event may have been, in metres.
    pub fn uncertainty_m(&self, i: usize) -> Option<f64> {
        let r = self.radius[i];
        (r > 0.0).then_some(f64::from(r))
    }

    /// Whether any event stands for a region.
    pub fn has_regions(&self) -> bool {
        !self.regions.is_empty()
    }

    /// The ISO 3166-2 region a region-level event stands for.
    pub fn region(&self, i: usize) -> Option<&str> {
        match self.region_of[i] {
            NONE => None,
            r => Some(self.regions.get(u32::from(r))),
        }
    }

    /// The index of the event's category in `meta.categories`.
    pub fn category(&self, i: usize) -> Option<usize> {
        match self.category[i] {
            NONE => None,
            c => Some(usize::from(c)),
        }
    }

    pub fn actors(&self, i: usize) -> impl Iterator<Item = &str> {
        let start = if i == 0 {
            0
        } else {
            self.actor_ends[i - 1] as usize
        };
        self.actor_list[start..self.actor_ends[i] as usize]
            .iter()
            .map(|&a| self.actors.get(a))
    }

    /// The event's actors, as indices of [`Self::actor_names`].
    pub fn actor_ids(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        let start = if i == 0 {
            0
        } else {
            self.actor_ends[i - 1] as usize
        };
        self.actor_list[start..self.actor_ends[i] as usize]
            .iter()
            .copied()
    }

    /// Every actor named, once each.
    pub fn actor_names(&self) -> &Arena {
        &self.actors
    }

    /// The event's shape, when it is not a point.
    pub fn geometry(&self, i: usize) -> Option<&geo::Geometry<f64>> {
        let k = self
            .geometry
            .binary_search_by_key(&(i as u32), |g| g.0)
            .ok()?;
        Some(&self.geometry[k].1)
    }

    /// The relations event `i` holds: (kind, other event).
    pub fn relations(&self, i: usize) -> impl Iterator<Item = (RelationKind, usize)> + '_ {
        related(&self.relations, i)
    }

    /// The relations that point at event `i`: (kind, the event holding it).
    pub fn incoming(&self, i: usize) -> impl Iterator<Item = (RelationKind, usize)> + '_ {
        related(&self.incoming, i)
    }

    /// The event with this id (the first, if several share it).
    pub fn find(&self, id: &str) -> Option<usize> {
        let h = hash(id);
        let start = self.id_index.partition_point(|(k, _)| *k < h);
        self.id_index[start..]
            .iter()
            .take_while(|(k, _)| *k == h)
            .map(|&(_, i)| i as usize)
            .filter(|&i| self.id(i) == id)
            .min()
    }

    /// Every event once, in time order, the undated last.
    pub fn by_time(&self) -> &[u32] {
        &self.by_time
    }

    /// Each event's day group ([`day_group`]), in the order of [`Self::by_time`].
    pub fn day_groups(&self) -> &[u32] {
        &self.day_group
    }

    /// Each event's place in [`Self::by_time`], by event index.
    pub fn time_rank(&self) -> &std::sync::Arc<Vec<u32>> {
        &self.time_rank
    }

    /// How many events have a date (they come first in [`Self::by_time`]).
    pub fn dated(&self) -> usize {
        self.dated
    }

    /// The time label the timeline shows: "22 Mar 2024, about 20:00 MSK",
    /// "7 Mar 2024", "March 2024"... "date unknown", "date disputed".
    pub fn label(&self, i: usize) -> String {
        label(&self.time.get(i), &self.tz)
    }

    /// The heading of the group the event starts in: "Fri 22 Mar 2024",
    /// "July 1943", "1951" (never a guessed day).
    pub fn heading(&self, i: usize) -> String {
        let t = self.time.get(i);
        let Some(date) = date_of(t.start, &self.tz) else {
            return String::new();
        };
        match t.start_grain() {
            Grain::Month => date.strftime("%B %Y").to_string(),
            Grain::Year => format!("{}", date.year()),
            _ => date.strftime("%a %-d %b %Y").to_string(),
        }
    }

    /// The data set's time zone (the one `meta` names, resolved once).
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The first day of a day number.
    pub fn date_of_day(day: i32) -> Date {
        Date::constant(1970, 1, 1)
            .checked_add(i64::from(day).days())
            .unwrap_or_default()
    }

    /// The box of every event's point and the data set's places.
    pub fn bounds(&self) -> Option<BBox> {
        let points = BBox::around((0..self.len()).filter_map(|i| self.point(i)));
        match (points, self.meta.places_bounds) {
            (Some(a), Some(b)) => Some(a.union(b)),
            (a, b) => a.or(b),
        }
    }

    /// Bytes held, roughly: what the table costs beyond the data it came from.
    pub fn heap_bytes(&self) -> usize {
        self.ids.heap_bytes()
            + self.titles.heap_bytes()
            + self.title_of.capacity() * 4
            + self.time.heap_bytes()
            + self.point.capacity() * 8
            + self.precision.capacity()
            + self.grade.capacity()
            + self.radius.capacity() * 4
            + self.regions.heap_bytes()
            + self.region_of.capacity() * 2
            + self.category.capacity() * 2
            + self.actors.heap_bytes()
            + self.actor_ends.capacity() * 4
            + self.actor_list.capacity() * 4
            + self.geometry.capacity() * std::mem::size_of::<(u32, geo::Geometry<f64>)>()
            + self.relations.capacity() * 12 * 2
            + self.id_index.capacity() * 8
            + self.day.capacity() * 4
            + self.by_time.capacity() * 4
            + self.time_rank.capacity() * 4
            + self.day_group.capacity() * 4
    }
}

fn related(
    list: &[(u32, RelationKind, u32)],
    i: usize,
) -> impl Iterator<Item = (RelationKind, usize)> + '_ {
    let i = i as u32;
    let start = list.partition_point(|r| r.0 < i);
    list[start..]
        .iter()
        .take_while(move |r| r.0 == i)
        .map(|&(_, k, o)| (k, o as usize))
}

fn date_of(second: i64, tz: &TimeZone) -> Option<Date> {
    Some(
        Timestamp::from_second(second)
            .ok()?
            .to_zoned_datetime(tz.clone())
            .date(),
    )
}

/// One end of a packed time as people read it, in `tz`: "22 Mar 2024,
/// 20:00 MSK", "7 Mar 2024", "Mar 2024", "1951".
fn describe_end(second: i64, grain: Grain, tz: &TimeZone) -> Option<String> {
    let z = Timestamp::from_second(second)
        .ok()?
        .to_zoned_datetime(tz.clone());
    Some(match grain {
        Grain::Open => return None,
        Grain::Instant => z.strftime("%-d %b %Y, %H:%M %Z").to_string(),
        Grain::Day => z.strftime("%-d %b %Y").to_string(),
        Grain::Month => z.strftime("%b %Y").to_string(),
        Grain::Year => format!("{}", z.year()),
    })
}

/// The timeline's label of a packed time, in `tz` (as `timeline::time_label`
/// says it of a `When`).
pub fn label(t: &PackedTime, tz: &TimeZone) -> String {
    let about = if t.approximate() { "about " } else { "" };
    let at = |s: i64| Timestamp::from_second(s).map(|ts| ts.to_zoned_datetime(tz.clone()));
    match (t.kind(), t.start_grain(), t.end_grain()) {
        (TimeKind::Unknown, ..) => "date unknown".into(),
        (TimeKind::Disputed, ..) => "date disputed".into(),
        (TimeKind::At, Grain::Instant, _) => match at(t.start) {
            Ok(z) => format!(
                "{}, {about}{}",
                z.strftime("%-d %b %Y"),
                z.strftime("%H:%M %Z")
            ),
            Err(_) => "date unknown".into(),
        },
        (TimeKind::At, grain, _) => {
            describe_end(t.start, grain, tz).unwrap_or_else(|| "date unknown".into())
        }
        (TimeKind::Between, Grain::Instant, Grain::Instant) => match (at(t.start), at(t.end)) {
            (Ok(a), Ok(b)) if a.date() == b.date() => format!(
                "{}, {about}{}–{}",
                a.strftime("%-d %b %Y"),
                a.strftime("%H:%M"),
                b.strftime("%H:%M %Z")
            ),
            (Ok(a), Ok(b)) => format!(
                "{} – {}",
                a.strftime("%-d %b %Y, %H:%M"),
                b.strftime("%-d %b %Y, %H:%M %Z")
            ),
            _ => "date unknown".into(),
        },
        (TimeKind::Between, a, b) => {
            // An open start spans its end's moment; an open end its start's.
            let end_second = if a == Grain::Open { t.start } else { t.end };
            describe_range(
                describe_end(t.start, a, tz),
                describe_end(end_second, b, tz),
            )
        }
    }
}

/// The half-open range of `order` whose events start on day `day`.
pub fn day_range(table: &EventTable, order: &[u32], day: i32) -> Range<usize> {
    let start = order.partition_point(|&i| table.day[i as usize] < day);
    let end = order.partition_point(|&i| table.day[i as usize] <= day);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::time_label;

    fn scenario() -> Dataset {
        crate::formats::load(
            &crate::repo("data/moscow-march-2024.json"),
            &Default::default(),
        )
        .unwrap()
        .dataset()
        .unwrap()
        .into_owned()
    }

    #[test]
    fn the_table_says_what_the_dataset_says() {
        let ds = scenario();
        let t = EventTable::of(&ds);
        assert_eq!(t.len(), ds.events.len());
        let tz = ds.tz();
        for (i, e) in ds.events.iter().enumerate() {
            assert_eq!(t.id(i), e.id);
            assert_eq!(t.title(i), e.title);
            assert_eq!(t.label(i), time_label(e, &tz), "{}", e.id);
            assert_eq!(t.find(&e.id), Some(i));
            let p = ds.point_of(e).unwrap();
            let q = t.point(i).unwrap();
            assert!((p.lat - q.lat).abs() < 1e-5 && (p.lon - q.lon).abs() < 1e-5);
            assert_eq!(t.relations(i).count(), e.relations.len());
        }
        let kaluga = t.find("fsb-kaluga-operation").unwrap();
        assert_eq!(t.region(kaluga), Some("RU-KLU"));
        assert_eq!(t.precision(kaluga), Some(Precision::Region));
        assert_eq!(t.uncertainty_m(kaluga), Some(136_000.0));
        assert_eq!(t.find("nope"), None);
        // Reverse relations: the embassy's warning is pointed at.
        let embassy = t.find("us-embassy-alert").unwrap();
        assert!(t.incoming(embassy).count() >= 1);
        assert_eq!(t.dated(), 3);
        assert_eq!(t.passages, 17);
        assert_eq!(t.anchored, 17);
    }

    #[test]
    fn labels_of_every_kind_of_time_match_the_timelines() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        for s in [
            "1815-12-10/1852-11-27",
            "1943-07/1946",
            "2024-03-22T20:00:00+03:00[Europe/Moscow]",
            "2024-03-07",
            "2024-03",
            "1951",
            "2024-03-07/2024-03-08",
            "2024-03-08/..",
            "../2024-03-08",
            "2024-03/2024-05",
            "2024-03-08T02:00+03:00/2024-03-08T08:00+03:00",
            "2024-03-07T18:00-05:00/2024-03-09T00:00-05:00",
            "unknown",
        ] {
            let when = When::parse(s, None).unwrap();
            let mut e = crate::markers::synthetic(1).events.remove(0);
            e.when = when.clone();
            for approximate in [false, true] {
                e.approximate = approximate;
                let packed = PackedTime::of(&when, approximate, &tz);
                assert_eq!(label(&packed, &tz), time_label(&e, &tz), "{s}");
            }
        }
    }

    #[test]
    fn chunks_appended_keep_their_strings_and_relations() {
        let row = |id: &'static str, title: &'static str, actor: &'static str| Row {
            id,
            title,
            actors: vec![actor.into(), "shared".into()],
            region: Some("RU-MOW"),
            ..Row::default()
        };
        let mut a = TableBuilder::default();
        a.push(row("a1", "T", "x"));
        a.relate(0, RelationKind::Follows, 0);
        let mut b = TableBuilder::default();
        b.push(row("b1", "U", "y"));
        b.push(row("b2", "T", "x"));
        b.relate(1, RelationKind::Causes, 0);
        a.append(b);
        let t = a.finish(Meta::default());
        assert_eq!((t.id(2), t.title(2)), ("b2", "T"));
        assert_eq!(t.actors(1).collect::<Vec<_>>(), ["y", "shared"]);
        assert_eq!(t.actor_names().len(), 3);
        assert_eq!(t.region(2), Some("RU-MOW"));
        assert_eq!(
            t.relations(2).collect::<Vec<_>>(),
            [(RelationKind::Causes, 1)]
        );
        assert_eq!(t.incoming(1).count(), 1);
        // All undated: file order.
        assert_eq!(t.by_time(), [0, 1, 2]);
    }

    #[test]
    fn times_sorted_as_numbers_are_in_the_order_pairs_give() {
        // Seeded noise: days and instants from year -9999 to 9999 (the
        // calendar's ends), ties, reversed ranges, undated events.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (lo, hi) = (-377_705_116_800i64, 253_402_207_199i64);
        let mut time = Times::default();
        for i in 0..5000 {
            let t = match next() % 6 {
                0 => PackedTime::UNKNOWN,
                1 => PackedTime::day(lo, lo + 86_399),
                2 => PackedTime::day(hi - 86_399, hi),
                3 => PackedTime::day(1_700_000_000, 1_700_000_000 - (i % 3)),
                _ => {
                    let a = lo + (next() % (hi - lo) as u64) as i64;
                    PackedTime::day(a, a + (next() % 1000) as i64)
                }
            };
            time.push(t);
        }
        let mut pairs: Vec<u32> = (0..time.len() as u32)
            .filter(|&i| time.get(i as usize).is_dated())
            .collect();
        pairs.sort_by_key(|&i| (time.start[i as usize], time.end[i as usize]));
        pairs.extend((0..time.len() as u32).filter(|&i| !time.get(i as usize).is_dated()));
        assert_eq!(sort_by_time(&time, 48), pairs, "as numbers");
        assert_eq!(sort_by_time(&time, 0), pairs, "as pairs");
        // A table with no dated event: all of them, in file order.
        let mut undated = Times::default();
        (0..3).for_each(|_| undated.push(PackedTime::UNKNOWN));
        assert_eq!(sort_by_time(&undated, 48), vec![0, 1, 2]);
    }
}

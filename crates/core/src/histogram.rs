//! Events per stretch of time, for the histogram above the timeline: bins
//! that follow the data's span (hours to years, in the data set's time
//! zone), each split by category. An event counts in the one bin its time
//! falls in; an event whose time is longer than a bin (a month-precise date
//! on a daily histogram, a range) is never put on a guessed day: it counts
//! apart, as a span over every bin it covers.

use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::filter::{BASE, Flags};
use crate::store::{EventTable, TimeKind};

/// How long a bin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BinSize {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl BinSize {
    pub fn as_str(self) -> &'static str {
        match self {
            BinSize::Hour => "hour",
            BinSize::Day => "day",
            BinSize::Week => "week",
            BinSize::Month => "month",
            BinSize::Year => "year",
        }
    }
}

/// At most this many bins: the coarsest size that keeps under it is chosen.
pub const MAX_BINS: usize = 150;

/// At most this many categories are stacked; the rest count as one.
pub const MAX_STACKS: usize = 8;

/// Categories beyond this many are counted with the rest from the start.
pub const MAX_CATEGORIES: usize = 1024;

/// The histogram of a table's events under a filter's other parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    pub size: Option<BinSize>,
    /// Bin edges in seconds (UTC): bin `k` is `edges[k]..edges[k + 1]`.
    pub edges: Vec<i64>,
    /// What each stack is: a category index, or `None` for the rest.
    pub stacks: Vec<Option<usize>>,
    /// Counts, `stacks.len()` a bin: events that fall in one bin.
    pub counts: Vec<u32>,
    /// Events whose time is longer than a bin, by each bin they cover.
    pub spanning: Vec<u32>,
    /// Undated and disputed events.
    pub undated: u32,
    /// The tallest bin (its stacks and spanning events together).
    pub max: u32,
}

/// Where every event of a table falls among the bins of the table's span:
/// made once per table (the span is of every dated event, whatever the
/// filter), so a histogram under a new filter is one pass of counting.
#[derive(Debug, Clone, Default)]
pub struct TimeBins {
    size: Option<BinSize>,
    edges: Vec<i64>,
    /// Each event's first and last bin; [`NOT_BINNED`] when undated.
    of_event: Vec<[u16; 2]>,
}

/// The bin of an undated or disputed event.
const NOT_BINNED: u16 = u16::MAX;

impl TimeBins {
    pub fn build(table: &EventTable) -> TimeBins {
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 15;
        let tz = table.tz().clone();
        let n = table.len();
        let chunks = n.div_ceil(CHUNK);
        let range = |c: usize| c * CHUNK..((c + 1) * CHUNK).min(n);
        let binned =
            |t: &crate::store::PackedTime| matches!(t.kind(), TimeKind::At | TimeKind::Between);
        // The span of every dated event (not only those counted): brushing
        // keeps its place on the axis as the filter changes.
        let span = (0..chunks)
            .into_par_iter()
            .filter_map(|c| {
                range(c)
                    .map(|i| table.time(i))
                    .filter(binned)
                    .map(|t| (t.start, t.end))
                    .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
            })
            .reduce_with(|(a, b), (c, d)| (a.min(c), b.max(d)));
        let Some((first, last)) = span else {
            return TimeBins {
                of_event: vec![[NOT_BINNED; 2]; n],
                ..TimeBins::default()
            };
        };
        let (size, edges) = bins(first, last, &tz);
        let nbins = edges.len() - 1;
        let bin_of = |s: i64| {
            edges
                .partition_point(|&e| e <= s)
                .saturating_sub(1)
                .min(nbins - 1) as u16
        };
        let of_event = (0..n)
            .into_par_iter()
            .with_min_len(CHUNK)
            .map(|i| {
                let t = table.time(i);
                if binned(&t) {
                    [bin_of(t.start), bin_of(t.end)]
                } else {
                    [NOT_BINNED; 2]
                }
            })
            .collect();
        TimeBins {
            size: Some(size),
            edges,
            of_event,
        }
    }

    /// The bins' edges (seconds, UTC), as [`bins`] made them.
    pub fn edges(&self) -> &[i64] {
        &self.edges
    }

    /// The bins' size; `None` when no event is dated.
    pub fn size(&self) -> Option<BinSize> {
        self.size
    }

    pub fn heap_bytes(&self) -> usize {
        self.edges.capacity() * 8 + self.of_event.capacity() * 4
    }
}

impl Histogram {
    /// The histogram of the events of `table` whose flags have [`BASE`]
    /// (every part of the filter but its time window), or of all of them.
    pub fn build(table: &EventTable, flags: Option<&Flags>) -> Histogram {
        Histogram::count(table, &TimeBins::build(table), flags)
    }

    /// [`Histogram::build`] with the table's bins made already.
    pub fn count(table: &EventTable, time_bins: &TimeBins, flags: Option<&Flags>) -> Histogram {
        use rayon::prelude::*;
        const CHUNK: usize = 1 << 15;
        let counted = |i: usize| flags.is_none_or(|f| f[i] & BASE != 0);
        let n = table.len().min(time_bins.of_event.len());
        let chunks = n.div_ceil(CHUNK);
        let range = |c: usize| c * CHUNK..((c + 1) * CHUNK).min(n);
        let Some(size) = time_bins.size else {
            let undated = (0..n).into_par_iter().filter(|&i| counted(i)).count();
            return Histogram {
                undated: undated as u32,
                ..Histogram::default()
            };
        };
        let edges = time_bins.edges.clone();
        let nbins = edges.len() - 1;
        // Counted by category first (the last column: none, or one of too
        // many); the stacks are chosen after, the largest categories.
        let ncat = table.meta.categories.len().min(MAX_CATEGORIES);
        let width = ncat + 1;
        let column = |c: Option<usize>| c.filter(|&c| c < ncat).unwrap_or(ncat);
        // Per chunk: counts by bin and category; spanning events as steps
        // (+1 where one starts, −1 after it ends, summed once: a long range
        // costs no more than a short one); the undated.
        let zero = || (vec![0u32; nbins * width], vec![0i64; nbins + 1], 0u32);
        let (by_category, steps, undated) = (0..chunks)
            .into_par_iter()
            .map(|c| {
                let mut acc = zero();
                for i in range(c).filter(|&i| counted(i)) {
                    let [a, b] = time_bins.of_event[i];
                    if a == NOT_BINNED {
                        acc.2 += 1;
                        continue;
                    }
                    let (a, b) = (usize::from(a), usize::from(b));
                    if a == b {
                        acc.0[a * width + column(table.category(i))] += 1;
                    } else {
                        acc.1[a] += 1;
                        acc.1[b + 1] -= 1;
                    }
                }
                acc
            })
            .reduce(zero, |mut x, y| {
                x.0.iter_mut().zip(y.0).for_each(|(a, b)| *a += b);
                x.1.iter_mut().zip(y.1).for_each(|(a, b)| *a += b);
                x.2 += y.2;
                x
            });
        Histogram::assemble(size, edges, ncat, by_category, steps, undated)
    }

    /// The histogram from its counts: `by_category[bin * (ncat + 1) + k]`
    /// events of category `k` (`ncat`: none, or one of too many) in one
    /// bin; spanning events as `steps` (+1 at the bin one starts in, −1 at
    /// the bin after it ends); `undated`. Counted in memory by
    /// [`Histogram::count`], or by a server.
    pub fn assemble(
        size: BinSize,
        edges: Vec<i64>,
        ncat: usize,
        by_category: Vec<u32>,
        steps: Vec<i64>,
        undated: u32,
    ) -> Histogram {
        let nbins = edges.len() - 1;
        let width = ncat + 1;
        // Stacks: the categories with events, the most frequent first when
        // there are more than [`MAX_STACKS`]; the rest (and none) as one.
        let totals: Vec<u32> = (0..width)
            .map(|k| (0..nbins).map(|b| by_category[b * width + k]).sum())
            .collect();
        let mut used: Vec<usize> = (0..ncat).filter(|&k| totals[k] > 0).collect();
        used.sort_by_key(|&k| std::cmp::Reverse(totals[k]));
        let rest = used.len() > MAX_STACKS || totals[ncat] > 0;
        used.truncate(MAX_STACKS);
        used.sort_unstable();
        let mut stacks: Vec<Option<usize>> = used.iter().map(|&k| Some(k)).collect();
        if rest {
            stacks.push(None);
        }
        let ns = stacks.len();
        let mut counts = vec![0u32; nbins * ns];
        for b in (0..nbins).filter(|_| ns > 0) {
            for k in 0..width {
                let s = used
                    .iter()
                    .position(|&u| u == k)
                    .unwrap_or(ns.saturating_sub(1));
                counts[b * ns + s] += by_category[b * width + k];
            }
        }
        let mut running = 0i64;
        let spanning: Vec<u32> = steps[..nbins]
            .iter()
            .map(|d| {
                running += d;
                running as u32
            })
            .collect();
        let max = (0..nbins)
            .map(|k| counts[k * ns..(k + 1) * ns].iter().sum::<u32>() + spanning[k])
            .max()
            .unwrap_or(0);
        Histogram {
            size: Some(size),
            edges,
            stacks,
            counts,
            spanning,
            undated,
            max,
        }
    }

    pub fn bins(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }

    /// Bin `k`'s count in each stack.
    pub fn bin(&self, k: usize) -> &[u32] {
        let n = self.stacks.len();
        &self.counts[k * n..(k + 1) * n]
    }

    /// The bin holding second `s`, if any.
    pub fn bin_at(&self, s: i64) -> Option<usize> {
        if self.edges.len() < 2 || s < self.edges[0] || s >= *self.edges.last()? {
            return None;
        }
        Some(self.edges.partition_point(|&e| e <= s) - 1)
    }
}

/// The bins that cover `first..=last`: the finest size that keeps under
/// [`MAX_BINS`], aligned to whole hours, days, weeks (from Monday), months
/// or years of `tz`.
pub fn bins(first: i64, last: i64, tz: &TimeZone) -> (BinSize, Vec<i64>) {
    let length = (last - first).max(1);
    let size = [
        (BinSize::Hour, 3600),
        (BinSize::Day, 86_400),
        (BinSize::Week, 7 * 86_400),
        (BinSize::Month, 31 * 86_400),
    ]
    .into_iter()
    .find(|(_, s)| length / s < MAX_BINS as i64)
    .map_or(BinSize::Year, |(b, _)| b);
    let zoned = |s: i64| {
        jiff::Timestamp::from_second(s.clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        ))
        .expect("clamped")
        .to_zoned_datetime(tz.clone())
    };
    let start = zoned(first);
    let day: Date = start.date();
    let first_edge = match size {
        BinSize::Hour => start
            .with()
            .minute(0)
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .unwrap_or(start.clone()),
        BinSize::Day => day.to_zoned_datetime(tz.clone()).unwrap_or(start.clone()),
        BinSize::Week => {
            let monday = day
                .checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
                .unwrap_or(day);
            monday
                .to_zoned_datetime(tz.clone())
                .unwrap_or(start.clone())
        }
        BinSize::Month => day
            .first_of_month()
            .to_zoned_datetime(tz.clone())
            .unwrap_or(start.clone()),
        BinSize::Year => day
            .first_of_year()
            .to_zoned_datetime(tz.clone())
            .unwrap_or(start.clone()),
    };
    let step = match size {
        BinSize::Hour => 1.hour(),
        BinSize::Day => 1.day(),
        BinSize::Week => 1.week(),
        BinSize::Month => 1.month(),
        BinSize::Year => 1.year(),
    };
    let mut edges = vec![first_edge.timestamp().as_second()];
    let mut at = first_edge;
    while *edges.last().expect("an edge") <= last && edges.len() <= MAX_BINS * 8 {
        match at.checked_add(step) {
            Ok(next) => {
                edges.push(next.timestamp().as_second());
                at = next;
            }
            Err(_) => {
                edges.push(last + 1);
                break;
            }
        }
    }
    (size, edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_the_span_in_the_data_sets_zone() {
        let moscow = TimeZone::get("Europe/Moscow").unwrap();
        let day = |y, m, d| {
            Date::new(y, m, d)
                .unwrap()
                .to_zoned_datetime(moscow.clone())
                .unwrap()
                .timestamp()
                .as_second()
        };
        // Two weeks: days, starting at midnight in Moscow.
        let (size, edges) = bins(
            day(2024, 3, 7) + 3600 * 5,
            day(2024, 3, 22) + 3600 * 20,
            &moscow,
        );
        assert_eq!(size, BinSize::Day);
        assert_eq!(edges[0], day(2024, 3, 7));
        assert_eq!(edges.len(), 17);
        // Seven years: months; fifty: years.
        assert_eq!(
            bins(day(2018, 1, 1), day(2024, 12, 31), &moscow).0,
            BinSize::Month
        );
        assert_eq!(
            bins(day(1950, 1, 1), day(2024, 12, 31), &moscow).0,
            BinSize::Year
        );
        // A few hours: hours.
        assert_eq!(
            bins(day(2024, 3, 22), day(2024, 3, 22) + 7200, &moscow).0,
            BinSize::Hour
        );
    }
}

#[cfg(test)]
mod scenario_tests {
    use super::*;
    use crate::filter::Filter;

    #[test]
    fn the_scenario_is_three_dated_days_and_one_disputed_event() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/moscow-march-2024.json");
        let loaded = crate::formats::load(&path, &Default::default()).unwrap();
        let table = loaded.store.as_ref().unwrap().table();
        let h = Histogram::build(table, None);
        assert_eq!(h.size, Some(BinSize::Day));
        assert_eq!(h.undated, 1);
        // 7 to 22 March, a bin a day.
        assert_eq!(h.bins(), 16);
        let day = |s: i64| h.bin_at(s).unwrap();
        let crocus = table.time(table.find("crocus-attack").unwrap());
        assert_eq!(day(crocus.start), 15);
        assert_eq!(h.bin(15).iter().sum::<u32>(), 1);
        assert_eq!(h.max, 1);
        let counted: u32 = h.counts.iter().sum::<u32>() + h.spanning.iter().sum::<u32>();
        assert!(counted >= 3, "{h:?}");
        // Every category with dated events has its stack (the statement,
        // disputed, has none).
        assert_eq!(h.stacks, [Some(0), Some(1), Some(3)]);
        // Hiding the attack takes it out of its bin, not off the axis.
        let f = Filter {
            hidden_categories: ["attack".to_string()].into(),
            ..Filter::default()
        };
        let flags = f.flags(table, None);
        let without = Histogram::build(table, Some(&flags));
        assert_eq!(without.edges, h.edges);
        assert_eq!(
            without.counts.iter().sum::<u32>(),
            h.counts.iter().sum::<u32>() - 1
        );
    }
}

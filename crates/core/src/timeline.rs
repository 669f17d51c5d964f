//! The timeline: events in time order, grouped by day, each with a label that
//! says exactly as much as the data knows ("22 Mar 2024, about 20:00 MSK",
//! "7 Mar 2024", "date disputed"). Undated and disputed events are kept apart
//! and never placed on a guessed day.
//!
//! Built once per dataset ([`Timeline::build`]); the UI only reads it.

use std::ops::Range;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use crate::model::{Event, Moment, When, describe_moment, describe_range};
use crate::store::{EventTable, Grain};

/// One day with the events that start on it; or, for events known only to
/// the month or the year, that month or year (never a guessed day).
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: Date,
    /// "Fri 22 Mar 2024", "July 1943", "1951".
    pub heading: String,
    /// Its events: a run of the timeline's `order`.
    pub events: Range<usize>,
}

/// The events of a table (or a filter's part of it) in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub days: Vec<Day>,
    /// Events whose date is unknown or disputed, in file order: a run of `order`.
    pub undated: Range<usize>,
    /// Every event shown once: dated ones in time order, then the undated.
    /// What "next" and "previous" walk.
    pub order: Vec<u32>,
    /// The first and last instant of the dated events.
    pub span: Option<(Timestamp, Timestamp)>,
    /// Each event's position in `order`, by event index (`u32::MAX` for
    /// an event filtered out).
    pub rank: Vec<u32>,
    /// The list as the panel shows it, one entry per line group: a day's
    /// heading, its events, then the undated section. Lets the panel draw
    /// only the rows in view.
    pub rows: Vec<Row>,
    /// Each event's row, by event index (`u32::MAX` for none).
    pub row_of: Vec<u32>,
    /// How many dated events start in each of [`BINS`] equal slices of `span`:
    /// the axis draws this when there are too many events for dots.
    pub density: Vec<u32>,
    /// The time axis over `span`: its ticks and its end labels.
    pub axis: Axis,
}

/// A time axis: ticks at days, months or years (whichever suits the span,
/// at most a few dozen), and the dates at its two ends as they suit it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Axis {
    pub ticks: Vec<Timestamp>,
    pub first: String,
    pub last: String,
}

impl Axis {
    /// The axis from `a` to `b`, with calendar ticks in `tz`.
    pub fn new(a: Timestamp, b: Timestamp, tz: &TimeZone) -> Axis {
        use jiff::ToSpan;
        let (za, zb) = (
            a.to_zoned_datetime(tz.clone()),
            b.to_zoned_datetime(tz.clone()),
        );
        let days = (b.as_second() - a.as_second()) / 86_400;
        let years = i64::from(zb.year()) - i64::from(za.year());
        // The unit, the first tick at or before `a`, and the label format.
        let (step, first, format) = if days <= 92 {
            (1.day(), za.start_of_day(), "%-d %b")
        } else if years <= 4 {
            (
                1.month(),
                za.start_of_day().and_then(|d| d.first_of_month()),
                "%b %Y",
            )
        } else {
            let every = [1i16, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
                .into_iter()
                .find(|&n| years / i64::from(n) <= 40)
                .unwrap_or(1000);
            let year = za.year() - za.year().rem_euclid(every);
            let first = za
                .start_of_day()
                .and_then(|d| d.first_of_year())
                .and_then(|d| d.with().year(year).build());
            (every.years(), first, "%Y")
        };
        let mut ticks = Vec::new();
        let mut tick = first.ok();
        while let Some(t) = tick.filter(|t| t.timestamp() <= b && ticks.len() < 200) {
            ticks.push(t.timestamp());
            tick = t.checked_add(step).ok();
        }
        Axis {
            ticks,
            first: za.strftime(format).to_string(),
            last: zb.strftime(format).to_string(),
        }
    }
}

/// Slices of the time span counted in [`Timeline::density`].
pub const BINS: usize = 1024;

/// One entry of the timeline's list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Row {
    /// The heading of `days[n]`.
    Day(u32),
    /// The heading of the undated section.
    Undated,
    /// An event, by index.
    Event(u32),
}

impl Timeline {
    pub fn build(table: &EventTable) -> Timeline {
        Self::build_where(table, |_| true)
    }

    /// The timeline of the events `shown` keeps (by index): a filter's
    /// view. The table's time order is filtered, never sorted again.
    pub fn build_where(table: &EventTable, shown: impl Fn(usize) -> bool) -> Timeline {
        let tz = table.meta.tz();
        let order: Vec<u32> = table
            .by_time()
            .iter()
            .copied()
            .filter(|&i| shown(i as usize))
            .collect();
        let dated = order.partition_point(|&i| table.time(i as usize).is_dated());
        // Days: runs of events starting on one day at one grain (a month-long
        // event heads its month, beside the day's own events).
        let grain_class = |i: u32| match table.time(i as usize).start_grain() {
            Grain::Month => 1,
            Grain::Year => 2,
            _ => 0,
        };
        let mut days: Vec<Day> = Vec::new();
        let mut run_start = 0;
        for k in 0..=dated {
            let ends = k == dated
                || (k > run_start && {
                    let (a, b) = (order[run_start], order[k]);
                    table.day_number(a as usize) != table.day_number(b as usize)
                        || grain_class(a) != grain_class(b)
                });
            if ends && k > run_start {
                let first = order[run_start] as usize;
                days.push(Day {
                    date: EventTable::date_of_day(table.day_number(first)),
                    heading: table.heading(first),
                    events: run_start..k,
                });
                run_start = k;
            }
        }
        let span = (dated > 0).then(|| {
            let start = table.time(order[0] as usize).start;
            let end = order[..dated]
                .iter()
                .map(|&i| table.time(i as usize).end)
                .max()
                .unwrap_or(start);
            let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
            (ts(start), ts(end))
        });
        let mut rank = vec![u32::MAX; table.len()];
        for (p, &i) in order.iter().enumerate() {
            rank[i as usize] = p as u32;
        }
        let mut rows = Vec::with_capacity(days.len() + order.len() + 1);
        for (n, day) in days.iter().enumerate() {
            rows.push(Row::Day(n as u32));
            rows.extend(order[day.events.clone()].iter().map(|&i| Row::Event(i)));
        }
        if dated < order.len() {
            rows.push(Row::Undated);
            rows.extend(order[dated..].iter().map(|&i| Row::Event(i)));
        }
        let mut row_of = vec![u32::MAX; table.len()];
        for (r, row) in rows.iter().enumerate() {
            if let Row::Event(i) = row {
                row_of[*i as usize] = r as u32;
            }
        }
        let mut density = Vec::new();
        if let Some((a, b)) = span {
            density = vec![0; BINS];
            let width = (b.as_second() - a.as_second()).max(1) as f64;
            for &i in &order[..dated] {
                let f = (table.time(i as usize).start - a.as_second()) as f64 / width;
                density[((f * BINS as f64) as usize).min(BINS - 1)] += 1;
            }
        }
        let axis = span.map_or_else(Axis::default, |(a, b)| Axis::new(a, b, &tz));
        Timeline {
            days,
            undated: dated..order.len(),
            order,
            span,
            rank,
            rows,
            row_of,
            density,
            axis,
        }
    }

    /// How many events are shown.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Where event `i` is in `order`, if it is shown.
    pub fn position(&self, i: usize) -> Option<usize> {
        self.rank
            .get(i)
            .copied()
            .filter(|&p| p != u32::MAX)
            .map(|p| p as usize)
    }

    /// The row event `i` is drawn in, if it is shown.
    pub fn row(&self, i: usize) -> Option<usize> {
        self.row_of
            .get(i)
            .copied()
            .filter(|&r| r != u32::MAX)
            .map(|r| r as usize)
    }

    /// The event after `current` in time order (the first if none is current).
    pub fn next(&self, current: Option<usize>) -> Option<usize> {
        let at = match current.and_then(|c| self.position(c)) {
            Some(p) => self.order.get(p + 1).or(self.order.last()),
            None => self.order.first(),
        };
        at.map(|&i| i as usize)
    }

    /// The event before `current` in time order (the last if none is current).
    pub fn previous(&self, current: Option<usize>) -> Option<usize> {
        let at = match current.and_then(|c| self.position(c)) {
            Some(p) => self.order.get(p.saturating_sub(1)),
            None => self.order.last(),
        };
        at.map(|&i| i as usize)
    }
}

/// A moment in the dataset's time zone (instants are converted; days stay days).
fn in_zone(m: &Moment, tz: &TimeZone) -> Moment {
    match m {
        Moment::Instant(z) => Moment::Instant(z.with_time_zone(tz.clone())),
        other => other.clone(),
    }
}

/// "22 Mar 2024, about 20:00 MSK"; "8 Mar 2024, 02:00–08:00 MSK"; "7 Mar 2024";
/// "date unknown"; "date disputed".
pub fn time_label(e: &Event, tz: &TimeZone) -> String {
    let about = if e.approximate { "about " } else { "" };
    match &e.when {
        When::At(Moment::Instant(z)) => {
            let z = z.with_time_zone(tz.clone());
            format!(
                "{}, {about}{}",
                z.strftime("%-d %b %Y"),
                z.strftime("%H:%M %Z")
            )
        }
        When::At(m) => describe_moment(m),
        When::Between(Some(Moment::Instant(a)), Some(Moment::Instant(b))) => {
            let (a, b): (ZonedDateTime, ZonedDateTime) =
                (a.with_time_zone(tz.clone()), b.with_time_zone(tz.clone()));
            if a.date() == b.date() {
                format!(
                    "{}, {about}{}–{}",
                    a.strftime("%-d %b %Y"),
                    a.strftime("%H:%M"),
                    b.strftime("%H:%M %Z")
                )
            } else {
                format!(
                    "{} – {}",
                    a.strftime("%-d %b %Y, %H:%M"),
                    b.strftime("%-d %b %Y, %H:%M %Z")
                )
            }
        }
        When::Between(a, b) => {
            let part = |m: &Option<Moment>| m.as_ref().map(|m| describe_moment(&in_zone(m, tz)));
            describe_range(part(a), part(b))
        }
        When::Unknown => "date unknown".into(),
        When::Disputed(_) => "date disputed".into(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_axis_ticks_days_months_or_years_as_the_span_suits() {
        let tz = TimeZone::UTC;
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        // Two weeks: a tick each midnight, the ends as days.
        let axis = Axis::new(t("2024-03-07T12:00Z"), t("2024-03-22T17:00Z"), &tz);
        assert_eq!(axis.ticks.len(), 16);
        assert_eq!(axis.ticks[1], t("2024-03-08T00:00Z"));
        assert_eq!(
            (axis.first.as_str(), axis.last.as_str()),
            ("7 Mar", "22 Mar")
        );
        // Two years: months.
        let axis = Axis::new(t("2022-11-15T00:00Z"), t("2024-02-01T00:00Z"), &tz);
        assert_eq!(axis.ticks.len(), 16, "Nov 2022 to Feb 2024");
        assert_eq!(axis.ticks[1], t("2022-12-01T00:00Z"));
        assert_eq!(
            (axis.first.as_str(), axis.last.as_str()),
            ("Nov 2022", "Feb 2024")
        );
        // 170 years: every 5 years, on round years.
        let axis = Axis::new(t("1815-12-10T00:00Z"), t("1985-01-01T00:00Z"), &tz);
        assert_eq!(axis.ticks[0], t("1815-01-01T00:00Z"));
        assert_eq!(axis.ticks[1], t("1820-01-01T00:00Z"));
        assert_eq!(axis.ticks.last(), Some(&t("1985-01-01T00:00Z")));
        assert_eq!((axis.first.as_str(), axis.last.as_str()), ("1815", "1985"));
    }
    use super::*;
    use crate::formats::{LoadOptions, load};
    use crate::model::Dataset;

    fn scenario() -> (Dataset, EventTable) {
        let path = crate::repo("data/moscow-march-2024.json");
        let ds = load(&path, &LoadOptions::default())
            .unwrap()
            .dataset()
            .unwrap()
            .into_owned();
        let table = EventTable::of(&ds);
        (ds, table)
    }

    #[test]
    fn the_scenario_in_time_order_with_the_kremlin_reaction_undated() {
        let (ds, table) = scenario();
        let t = Timeline::build(&table);
        let id = |i: u32| ds.events[i as usize].id.as_str();
        let days: Vec<(String, Vec<&str>)> = t
            .days
            .iter()
            .map(|d| {
                (
                    d.date.to_string(),
                    t.order[d.events.clone()].iter().map(|&i| id(i)).collect(),
                )
            })
            .collect();
        assert_eq!(
            days,
            [
                ("2024-03-07".to_string(), vec!["fsb-kaluga-operation"]),
                ("2024-03-08".to_string(), vec!["us-embassy-alert"]),
                ("2024-03-22".to_string(), vec!["crocus-attack"]),
            ]
        );
        assert_eq!(
            t.order[t.undated.clone()]
                .iter()
                .map(|&i| id(i))
                .collect::<Vec<_>>(),
            ["kremlin-reaction"]
        );
        assert_eq!(
            t.order.iter().map(|&i| id(i)).collect::<Vec<_>>(),
            [
                "fsb-kaluga-operation",
                "us-embassy-alert",
                "crocus-attack",
                "kremlin-reaction"
            ]
        );
    }

    #[test]
    fn labels_say_what_the_data_knows_in_moscow_time() {
        let (_, table) = scenario();
        let label = |id: &str| table.label(table.find(id).unwrap());
        assert_eq!(label("crocus-attack"), "22 Mar 2024, about 20:00 MSK");
        assert_eq!(label("fsb-kaluga-operation"), "7 Mar 2024");
        assert_eq!(label("us-embassy-alert"), "8 Mar 2024, 02:00–08:00 MSK");
        assert_eq!(label("kremlin-reaction"), "date disputed");
    }

    #[test]
    fn next_and_previous_walk_every_event_and_stop_at_the_ends() {
        let (_, table) = scenario();
        let t = Timeline::build(&table);
        let mut at = t.next(None);
        let mut seen = vec![at.unwrap() as u32];
        for _ in 0..5 {
            at = t.next(at);
            if seen.last().map(|&s| s as usize) != at {
                seen.push(at.unwrap() as u32);
            }
        }
        assert_eq!(seen, t.order, "next reaches every event, the undated last");
        assert_eq!(
            t.previous(Some(t.order[0] as usize)),
            Some(t.order[0] as usize)
        );
        assert_eq!(t.previous(None), t.order.last().map(|&i| i as usize));
    }

    #[test]
    fn rows_list_each_day_then_the_undated_and_density_counts_the_dated() {
        let (ds, table) = scenario();
        let t = Timeline::build(&table);
        let id = |i: u32| ds.events[i as usize].id.as_str();
        let rows: Vec<String> = t
            .rows
            .iter()
            .map(|r| match r {
                Row::Day(n) => t.days[*n as usize].date.to_string(),
                Row::Undated => "undated".into(),
                Row::Event(i) => id(*i).to_string(),
            })
            .collect();
        assert_eq!(
            rows,
            [
                "2024-03-07",
                "fsb-kaluga-operation",
                "2024-03-08",
                "us-embassy-alert",
                "2024-03-22",
                "crocus-attack",
                "undated",
                "kremlin-reaction"
            ]
        );
        assert_eq!(t.density.len(), BINS);
        assert_eq!(t.density.iter().sum::<u32>(), 3);
        assert_eq!(t.density[0], 1, "the first event starts the span");
        for (p, &i) in t.order.iter().enumerate() {
            assert_eq!(t.rank[i as usize] as usize, p);
            assert_eq!(t.rows[t.row(i as usize).unwrap()], Row::Event(i));
        }
        // Filtered: the attack's day goes with it.
        let crocus = table.find("crocus-attack").unwrap();
        let f = Timeline::build_where(&table, |i| i != crocus);
        assert_eq!((f.len(), f.days.len()), (3, 2));
        assert_eq!(f.position(crocus), None);
    }

    #[test]
    fn vague_dates_head_their_month_or_year_not_a_day() {
        let mut ds = Dataset::default();
        for (id, when) in [("y", "1951"), ("m", "1943-07"), ("d", "1943-07-01")] {
            let mut e = crate::markers::synthetic(1).events.remove(0);
            e.id = id.into();
            e.when = When::parse(when, None).unwrap();
            ds.events.push(e);
        }
        let t = Timeline::build(&EventTable::of(&ds));
        let headings: Vec<&str> = t.days.iter().map(|d| d.heading.as_str()).collect();
        // Same start: the shorter span first.
        assert_eq!(headings, ["Thu 1 Jul 1943", "July 1943", "1951"]);
        // Same span: in the file's order.
        let mut twins = Dataset::default();
        for id in ["b", "a"] {
            let mut e = crate::markers::synthetic(1).events.remove(0);
            e.id = id.into();
            e.title = format!("Title {id}");
            e.when = When::parse("2024-03-07", None).unwrap();
            twins.events.push(e);
        }
        assert_eq!(Timeline::build(&EventTable::of(&twins)).order, [0, 1]);
    }

    #[test]
    fn an_empty_dataset_has_an_empty_timeline() {
        let t = Timeline::build(&EventTable::of(&Dataset::default()));
        assert!(t.days.is_empty() && t.order.is_empty() && t.span.is_none());
        assert_eq!(t.next(None), None);
    }
}

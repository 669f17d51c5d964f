//! The timeline: events in time order, grouped by day, each with a label that
//! says exactly as much as the data knows ("22 Mar 2024, about 20:00 MSK",
//! "7 Mar 2024", "date disputed"). Undated and disputed events are kept apart
//! and never placed on a guessed day.
//!
//! Built once per dataset ([`Timeline::build`]); the UI only reads it.

use std::ops::Range;

use jiff::ZonedDateTime;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::model::{Event, Moment, When, describe_moment, describe_range};
use crate::store::EventTable;

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
    /// Each event's place in the table's time order (the table's, shared):
    /// `order` ascends in it, so an event's position is a binary search.
    pub time_rank: std::sync::Arc<Vec<u32>>,
    /// The list as the panel shows it, one entry per line group: a day's
    /// heading, its events, then the undated section. Lets the panel draw
    /// only the rows in view.
    pub rows: Vec<Row>,
}

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
    pub fn build_where(table: &EventTable, shown: impl Fn(usize) -> bool + Sync) -> Timeline {
        use rayon::prelude::*;
        // The events shown in time order, each with its day group (read
        // from the table in that order: no jumping about the table).
        let by_time = table.by_time();
        let groups = table.day_groups();
        // How many each stretch of the time order keeps, then each writes
        // its own part of `order` and `group` (no list of parts to join).
        const CHUNK: usize = 1 << 14;
        let n = by_time.len();
        let range = |c: usize| c * CHUNK..((c + 1) * CHUNK).min(n);
        let counts: Vec<usize> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| range(c).filter(|&r| shown(by_time[r] as usize)).count())
            .collect();
        let total = counts.iter().sum();
        let mut order = vec![0u32; total];
        let mut group = vec![0u32; total];
        let mut parts = Vec::with_capacity(counts.len());
        let (mut o, mut g) = (&mut order[..], &mut group[..]);
        for (c, &count) in counts.iter().enumerate() {
            let (o1, o2) = o.split_at_mut(count);
            let (g1, g2) = g.split_at_mut(count);
            parts.push((c, o1, g1));
            (o, g) = (o2, g2);
        }
        parts.into_par_iter().for_each(|(c, o, g)| {
            let kept = range(c).filter(|&r| shown(by_time[r] as usize));
            for (slot, r) in kept.enumerate() {
                o[slot] = by_time[r];
                g[slot] = groups[r];
            }
        });
        let dated = order.partition_point(|&i| table.time(i as usize).is_dated());
        // Days: runs of events in one group (a month-long event heads its
        // month, beside the day's own events), found on every core.
        let starts: Vec<usize> = (0..dated)
            .into_par_iter()
            .filter(|&k| k == 0 || group[k - 1] != group[k])
            .collect();
        let days: Vec<Day> = starts
            .iter()
            .enumerate()
            .map(|(n, &start)| {
                let first = order[start] as usize;
                Day {
                    date: EventTable::date_of_day(table.day_number(first)),
                    heading: table.heading(first),
                    events: start..starts.get(n + 1).copied().unwrap_or(dated),
                }
            })
            .collect();
        // The rows: each day's heading and events written in its own part.
        let undated_rows = if dated < order.len() {
            order.len() - dated + 1
        } else {
            0
        };
        let mut rows = vec![Row::Undated; days.len() + dated + undated_rows];
        let mut parts = Vec::with_capacity(days.len() + 1);
        let mut rest = &mut rows[..];
        for (n, day) in days.iter().enumerate() {
            let (part, after) = rest.split_at_mut(day.events.len() + 1);
            parts.push((Row::Day(n as u32), &order[day.events.clone()], part));
            rest = after;
        }
        if undated_rows > 0 {
            parts.push((Row::Undated, &order[dated..], rest));
        }
        parts.into_par_iter().for_each(|(heading, events, part)| {
            part[0] = heading;
            for (slot, &i) in part[1..].iter_mut().zip(events) {
                *slot = Row::Event(i);
            }
        });
        Timeline {
            days,
            undated: dated..order.len(),
            order,
            time_rank: table.time_rank().clone(),
            rows,
        }
    }

    /// How many events are shown.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Where event `i` is in `order`, if it is shown: a binary search by
    /// its place in the table's time order.
    pub fn position(&self, i: usize) -> Option<usize> {
        let r = *self.time_rank.get(i)?;
        let p = self
            .order
            .partition_point(|&j| self.time_rank[j as usize] < r);
        (self.order.get(p) == Some(&(i as u32))).then_some(p)
    }

    /// The row event `i` is drawn in, if it is shown: its position, with
    /// the headings above it (its day's and those before; the undated
    /// section's).
    pub fn row(&self, i: usize) -> Option<usize> {
        let p = self.position(i)?;
        if p < self.undated.start {
            Some(p + self.days.partition_point(|d| d.events.end <= p) + 1)
        } else {
            Some(p + self.days.len() + 1)
        }
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
    fn rows_list_each_day_then_the_undated() {
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
        for (p, &i) in t.order.iter().enumerate() {
            assert_eq!(t.position(i as usize), Some(p));
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
        assert!(t.days.is_empty() && t.order.is_empty());
        assert_eq!(t.next(None), None);
    }
}

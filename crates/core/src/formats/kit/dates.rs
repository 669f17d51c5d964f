//! Dates as the files of other tools write them, read in one place for
//! every reader: ISO 8601 and its cousins, ACLED's forms (`22 March 2024`,
//! `9-May-20`), GDELT's `20240322`, numeric dates in the order a whole
//! column settles ([`DateOrder`], [`OrderEvidence`]), month names, and
//! years BC. The readers of tables (`record`), GeoJSON, KML, GPX, TimeMap
//! and GDELT all come here; TimelineJS's dates come in parts and are put
//! together in `timelinejs`.

use jiff::civil::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Moment;

/// Whether numeric dates give the day or the month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// 30/04/2019, 30.04.2019: most of the world, and ACLED.
    #[default]
    DayFirst,
    /// 4/30/2019: the United States.
    MonthFirst,
}

/// A numeric date's two first numbers and its year: `a/b/yyyy`,
/// `a.b.yyyy`, `a-b-yyyy` (a two-digit year is 1970–2069).
pub fn numeric_date(s: &str) -> Option<(u8, u8, i16)> {
    let s = s.trim();
    let sep = s.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = s.split(sep);
    let (a, b, y) = (parts.next()?, parts.next()?, parts.next()?);
    let small = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit());
    if parts.next().is_some()
        || !small(a)
        || !small(b)
        || !(y.len() == 2 || y.len() == 4)
        || !y.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let two_digits = y.len() == 2;
    let y: i16 = y.parse().ok()?;
    let y = match y {
        0..=69 if two_digits => 2000 + y,
        70..=99 if two_digits => 1900 + y,
        y => y,
    };
    Some((a.parse().ok()?, b.parse().ok()?, y))
}

/// A date as [`parse`] reads it, numeric ones in `order`.
pub fn parse_in(s: &str, order: DateOrder) -> Option<Moment> {
    match numeric_date(s) {
        Some((a, b, y)) => {
            let (d, m) = match order {
                DateOrder::DayFirst => (a, b),
                DateOrder::MonthFirst => (b, a),
            };
            jiff::civil::Date::new(y, m as i8, d as i8)
                .ok()
                .map(Moment::Day)
        }
        None => parse(s),
    }
}

/// What a column's numeric dates say of their order: values only one
/// order reads (a first number over 12 is a day; a second over 12, a day
/// after the month), and values either could.
#[derive(Debug, Clone, Default)]
pub struct OrderEvidence {
    pub day_first: usize,
    pub month_first: usize,
    pub either: usize,
    /// One of each, for the message.
    pub examples: [Option<String>; 3],
}

impl OrderEvidence {
    pub fn add(&mut self, value: &str) {
        let Some((a, b, _)) = numeric_date(value) else {
            return;
        };
        let k = match (a > 12, b > 12) {
            (true, false) => {
                self.day_first += 1;
                0
            }
            (false, true) => {
                self.month_first += 1;
                1
            }
            (false, false) => {
                self.either += 1;
                2
            }
            (true, true) => return,
        };
        if self.examples[k].is_none() {
            self.examples[k] = Some(value.trim().to_string());
        }
    }

    pub fn merge(mut self, other: OrderEvidence) -> OrderEvidence {
        self.day_first += other.day_first;
        self.month_first += other.month_first;
        self.either += other.either;
        for (mine, theirs) in self.examples.iter_mut().zip(other.examples) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        self
    }

    /// The order the whole column gives, and a warning when it does not
    /// settle it (never a silent guess): values that could be either and
    /// none that only one order reads, or values of both orders.
    pub fn decide(&self, column: &str) -> (DateOrder, Option<Diagnostic>) {
        let ex = |k: usize| self.examples[k].clone().unwrap_or_default();
        match (self.day_first > 0, self.month_first > 0) {
            (true, false) => (DateOrder::DayFirst, None),
            (false, true) => (DateOrder::MonthFirst, None),
            (false, false) if self.either == 0 => (DateOrder::DayFirst, None),
            (false, false) => (
                DateOrder::DayFirst,
                Some(
                    Diagnostic::warning(
                        Code::DateOrder,
                        format!(
                            "the {} numeric dates of column \"{column}\" (like {}) read as day/month or as month/day, and none settles it: they were read day first (day/month/year)",
                            self.either,
                            ex(2)
                        ),
                    )
                    .with_help("if they are month/day/year, write them as ISO dates (2019-04-30) or add one whose day is over 12; ISO dates are never ambiguous"),
                ),
            ),
            (true, true) => {
                let order = if self.month_first > self.day_first {
                    DateOrder::MonthFirst
                } else {
                    DateOrder::DayFirst
                };
                let (read, left) = match order {
                    DateOrder::DayFirst => ("day first", self.month_first),
                    DateOrder::MonthFirst => ("month first", self.day_first),
                };
                (
                    order,
                    Some(
                        Diagnostic::warning(
                            Code::DateOrder,
                            format!(
                                "column \"{column}\" mixes orders: {} dates are day first (like {}), {} month first (like {}); read {read}, so {left} of them do not read",
                                self.day_first,
                                ex(0),
                                self.month_first,
                                ex(1)
                            ),
                        )
                        .with_help("write every date in one order, or as ISO dates (2019-04-30)"),
                    ),
                )
            }
        }
    }
}

/// A date as table-like files write it: the two forms ACLED exports use
/// (`2024-03-22`, `22 March 2024`) read at once, anything else by
/// the general reader.
pub fn parse(s: &str) -> Option<Moment> {
    let b = s.as_bytes();
    let num = |r: &[u8]| -> Option<i32> {
        (!r.is_empty()).then_some(())?;
        r.iter().try_fold(0i32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    let day = |y: i32, m: i32, d: i32| {
        jiff::civil::Date::new(i16::try_from(y).ok()?, m as i8, d as i8)
            .ok()
            .map(Moment::Day)
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (num(&b[..4]), num(&b[5..7]), num(&b[8..]))
    {
        return day(y, m, d);
    }
    // ISO 8601's expanded years before year 1 (astronomical: -0043 is 44
    // BC), as jiff and the server's BC dates are written: -000043-03-15.
    if let Some(rest) = s.strip_prefix('-')
        && let Some(ymd) = (rest.len() == 10 || rest.len() == 12).then_some(rest.as_bytes())
        && let k = ymd.len() - 6
        && ymd[k] == b'-'
        && ymd[k + 3] == b'-'
        && let (Some(y), Some(m), Some(d)) =
            (num(&ymd[..k]), num(&ymd[k + 1..k + 3]), num(&ymd[k + 4..]))
    {
        return day(-y, m, d);
    }
    // ISO 8601's basic form, as GDELT's SQLDATE writes it: 20240322.
    if b.len() == 8
        && let (Some(y), Some(m), Some(d)) = (num(&b[..4]), num(&b[4..6]), num(&b[6..]))
    {
        return day(y, m, d);
    }
    let mut parts = s.split(' ');
    if let (Some(d), Some(month), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
        && y.len() == 4
        && d.len() <= 2
        && let (Some(d), Some(y)) = (num(d.as_bytes()), num(y.as_bytes()))
        && let Some(m) = MONTHS
            .iter()
            .position(|name| name.eq_ignore_ascii_case(month))
    {
        return day(y, m as i32 + 1, d);
    }
    parse_general(s)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month as a number (1-12; 0 for unknown) or a name in English, full
/// or cut to three letters or more ("Mar", "Sept").
pub fn month_number(s: &str) -> Option<i8> {
    let s = s.trim().trim_end_matches('.');
    if let Ok(m) = s.parse::<f64>() {
        return (m.fract() == 0.0 && (0.0..=12.0).contains(&m)).then_some(m as i8);
    }
    (s.len() >= 3)
        .then(|| {
            MONTHS
                .iter()
                .position(|m| m.len() >= s.len() && m[..s.len()].eq_ignore_ascii_case(s))
        })
        .flatten()
        .map(|k| k as i8 + 1)
}

/// A date or time as the files of other tools write them: ISO 8601 (a
/// date-time, with `Z` or an offset; a date; `YYYY-MM`; `YYYY`; with
/// milliseconds too), `01 November 2024`, `9-May-20`, `2024/03/22`,
/// `22/03/2024` (day first, as ACLED and most of the world), a Unix
/// timestamp in seconds.
fn parse_general(s: &str) -> Option<Moment> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match Moment::parse(s, Some(&jiff::tz::TimeZone::UTC)) {
        Ok(m) => return Some(m),
        // A date and time it refused (an offset off the clock, a day that
        // does not exist) is refused here too.
        Err(_) if s.contains(['T', 't']) && s.parse::<jiff::civil::DateTime>().is_ok() => {
            return None;
        }
        Err(_) => {}
    }
    // Other timestamps jiff reads.
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(Moment::Instant(
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC),
        ));
    }
    for format in [
        "%d %B %Y",
        "%d %b %Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%Y/%m/%d",
        "%d/%m/%Y",
    ] {
        if let Ok(d) = Date::strptime(format, s) {
            return Some(Moment::Day(d));
        }
    }
    // 9-May-20: day, month's short name, two-digit year (ACLED's older exports).
    let parts: Vec<&str> = s.split('-').collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 2
        && let (Ok(d), Ok(y)) = (d.parse::<i8>(), y.parse::<i16>())
    {
        let year = if y < 70 { 2000 + y } else { 1900 + y };
        let month = month_number(m)?;
        return Date::new(year, month, d).ok().map(Moment::Day);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_dates_follow_the_columns_order() {
        let day = |s: &str, o| match parse_in(s, o) {
            Some(Moment::Day(d)) => Some(d.to_string()),
            _ => None,
        };
        assert_eq!(
            day("30/04/2019", DateOrder::DayFirst).as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(
            day("30.04.2019", DateOrder::DayFirst).as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(
            day("4/30/2019", DateOrder::MonthFirst).as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(
            day("4/30/19", DateOrder::MonthFirst).as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(
            day("03/04/2019", DateOrder::MonthFirst).as_deref(),
            Some("2019-03-04")
        );
        assert_eq!(day("4/30/2019", DateOrder::DayFirst), None);
        // Other forms are as before.
        assert_eq!(
            day("30-Apr-19", DateOrder::MonthFirst).as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(
            day("2019-04-30", DateOrder::MonthFirst).as_deref(),
            Some("2019-04-30")
        );
        assert_eq!(numeric_date("2019-04-30"), None);
        // The column decides; a warning when it cannot, or when it mixes.
        let decide = |values: &[&str]| {
            let mut e = OrderEvidence::default();
            values.iter().for_each(|v| e.add(v));
            let (order, warning) = e.decide("date");
            (order, warning.map(|w| w.message))
        };
        assert_eq!(
            decide(&["03/04/2019", "4/30/2019"]),
            (DateOrder::MonthFirst, None)
        );
        assert_eq!(
            decide(&["03/04/2019", "30/04/2019"]),
            (DateOrder::DayFirst, None)
        );
        let (order, w) = decide(&["03/04/2019", "05/06/2019"]);
        assert_eq!(order, DateOrder::DayFirst);
        assert!(w.unwrap().contains("read day first"));
        let (_, w) = decide(&["30/04/2019", "4/30/2019", "5/31/2019"]);
        assert!(w.unwrap().contains("mixes orders"));
        assert_eq!(decide(&["2019-04-30"]), (DateOrder::DayFirst, None));
    }

    #[test]
    fn dates_read_fast_agree_with_the_general_reader() {
        for s in [
            "2024-03-22",
            "01 November 2024",
            "1 november 2024",
            "31 February 2024",
            "2024-13-01",
            "2024--3-01",
            "9-May-20",
            "22/03/2024",
        ] {
            assert_eq!(parse(s), parse_general(s), "{s}");
        }
    }
    #[test]
    fn dates_in_the_forms_other_tools_write() {
        // ("9-Foo-20": a month that is none; "2024-13": a thirteenth month.)
        let day = |y, m, d| Some(Moment::Day(Date::new(y, m, d).unwrap()));
        assert_eq!(parse("2016-07-02"), day(2016, 7, 2));
        assert_eq!(parse("01 November 2024"), day(2024, 11, 1));
        assert_eq!(parse("9-May-20"), day(2020, 5, 9));
        assert_eq!(parse("24-Dec-99"), day(1999, 12, 24));
        assert_eq!(parse("2024/03/22"), day(2024, 3, 22));
        assert_eq!(parse("22/03/2024"), day(2024, 3, 22));
        assert_eq!(
            parse("2008-08"),
            Some(Moment::Month {
                year: 2008,
                month: 8
            })
        );
        assert_eq!(parse("2008"), Some(Moment::Year(2008)));
        match parse("2022-12-24T00:00:00.000Z") {
            Some(Moment::Instant(z)) => assert_eq!(z.timestamp().as_second(), 1_671_840_000),
            other => panic!("{other:?}"),
        }
        for bad in ["", "soon", "32 November 2024", "9-Foo-20", "2024-13"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}

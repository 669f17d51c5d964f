//! When something happened, as precisely as the data knows it and no more.
//!
//! A [`When`] is an instant with its time zone, a calendar day, a month, a year,
//! a range between two of those (either end may be open), *unknown*, or
//! *disputed* between several readings, each naming what gives it. Nothing here
//! ever turns a vague date into a precise one: a day stays a day, and an
//! unknown date has no place on the time axis at all ([`When::span`] is `None`).
//!
//! Text form (ISO 8601 / RFC 9557, as written in data files):
//! `2024-03-22T20:00:00+03:00[Europe/Moscow]`, `2024-03-22T17:00Z`, `2024-03-07`,
//! `2024-03`, `2024`, `2024-03-07/2024-03-08`, `2024-03-08/..`, `unknown`.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, DateTime, Time};
use jiff::fmt::temporal::Pieces;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, ZonedDateTime};

/// A point in time at some precision.
#[derive(Debug, Clone, PartialEq)]
pub enum Moment {
    /// A time of day on a date, in a time zone (a named zone or a fixed offset).
    Instant(ZonedDateTime),
    /// A calendar day, in the dataset's time zone.
    Day(Date),
    /// A month of a year.
    Month { year: i16, month: i8 },
    /// A year.
    Year(i16),
}

/// One candidate date of a disputed event, and what gives it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reading {
    /// The date this reading gives (never itself disputed).
    pub when: When,
    /// The id of the source that gives it, if it is one of the dataset's sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The id of a passage that gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<String>,
    /// Why this reading, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// When an event happened.
#[derive(Debug, Clone, PartialEq)]
pub enum When {
    At(Moment),
    /// From `start` to `end`; `None` is an open end.
    Between(Option<Moment>, Option<Moment>),
    Unknown,
    Disputed(Vec<Reading>),
}

/// Why a date string did not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct WhenError {
    pub message: String,
    pub help: String,
}

fn when_error(message: impl Into<String>, help: impl Into<String>) -> WhenError {
    WhenError {
        message: message.into(),
        help: help.into(),
    }
}

const FORMS: &str = "write a date as 2024-03-07, a month as 2024-03, a year as 2024, a time as \
                     2024-03-22T20:00+03:00[Europe/Moscow], a range as START/END (.. for an open end), \
                     or \"unknown\"";

impl Moment {
    /// Parses one moment. `default_tz` is used for a time of day written
    /// without an offset or zone.
    pub fn parse(s: &str, default_tz: Option<&TimeZone>) -> Result<Moment, WhenError> {
        let s = s.trim();
        if s.contains('T') || s.contains('t') {
            return parse_instant(s, default_tz).map(Moment::Instant);
        }
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, what: &str| -> Result<i64, WhenError> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(when_error(
                    format!("{what} \"{p}\" in \"{s}\" is not a number"),
                    FORMS,
                ));
            }
            p.parse::<i64>()
                .map_err(|_| when_error(format!("{what} in \"{s}\" is too large"), FORMS))
        };
        match parts.as_slice() {
            [y] if y.len() == 4 => Ok(Moment::Year(num(y, "the year")? as i16)),
            [y, m] if y.len() == 4 && m.len() == 2 => {
                let (year, month) = (num(y, "the year")?, num(m, "the month")?);
                if !(1..=12).contains(&month) {
                    return Err(when_error(
                        format!("month {month} in \"{s}\" is not between 01 and 12"),
                        FORMS,
                    ));
                }
                Ok(Moment::Month {
                    year: year as i16,
                    month: month as i8,
                })
            }
            [y, _, _] if y.len() == 4 => Date::from_str(s).map(Moment::Day).map_err(|e| {
                when_error(format!("\"{s}\" is not a valid calendar date: {e}"), FORMS)
            }),
            _ => Err(when_error(
                format!("\"{s}\" is not a date this app reads"),
                FORMS,
            )),
        }
    }

    /// The first and last instant this moment covers, in `tz` for days, months
    /// and years. `None` only for dates jiff cannot represent.
    pub fn span(&self, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
        let (first, next): (Date, Date) = match self {
            Moment::Instant(z) => return Some((z.timestamp(), z.timestamp())),
            Moment::Day(d) => (*d, d.checked_add(1.day()).ok()?),
            Moment::Month { year, month } => {
                let d = Date::new(*year, *month, 1).ok()?;
                (d, d.checked_add(1.month()).ok()?)
            }
            Moment::Year(y) => {
                let d = Date::new(*y, 1, 1).ok()?;
                (d, d.checked_add(1.year()).ok()?)
            }
        };
        let start = first.to_zoned_datetime(tz.clone()).ok()?.timestamp();
        let end = next.to_zoned_datetime(tz.clone()).ok()?.timestamp() - 1.nanosecond();
        Some((start, end))
    }
}

fn parse_instant(s: &str, default_tz: Option<&TimeZone>) -> Result<ZonedDateTime, WhenError> {
    let pieces = Pieces::parse(s)
        .map_err(|e| when_error(format!("\"{s}\" is not a valid date and time: {e}"), FORMS))?;
    let time = pieces.time().unwrap_or(Time::midnight());
    let datetime = DateTime::from_parts(pieces.date(), time);
    if pieces.time_zone_annotation().is_some() {
        // A named zone, checked against the offset when both are given.
        return ZonedDateTime::from_str(s).map_err(|e| {
            when_error(
                format!("\"{s}\" is not a valid time in its time zone: {e}"),
                "check the zone name (e.g. Europe/Moscow) and that the offset matches it",
            )
        });
    }
    if let Some(offset) = pieces.to_numeric_offset() {
        // No place keeps a clock more than 14 hours from UTC.
        if offset.seconds().unsigned_abs() > 14 * 3600 {
            return Err(when_error(
                format!("the offset {offset} in \"{s}\" is more than 14 hours from UTC"),
                "offsets run from -12:00 to +14:00; check the sign and the digits",
            ));
        }
        let tz = TimeZone::fixed(offset);
        return zoned_within_range(tz, datetime, s);
    }
    match default_tz {
        Some(tz) => zoned_within_range(tz.clone(), datetime, s),
        None => Err(when_error(
            format!("the time \"{s}\" has no time zone"),
            "add an offset (2024-03-22T20:00+03:00) or a zone (2024-03-22T20:00[Europe/Moscow]), \
             or set the dataset's \"time_zone\"",
        )),
    }
}

/// `datetime` in `tz`. The last day jiff can place in every zone ends a day
/// before 10000-01-01: a time on 9999-12-31 (the usual "no end" written by
/// other tools) is held at the latest instant there is, kept in its zone.
fn zoned_within_range(
    tz: TimeZone,
    datetime: DateTime,
    s: &str,
) -> Result<ZonedDateTime, WhenError> {
    match tz.to_ambiguous_zoned_datetime(datetime).compatible() {
        Ok(z) => Ok(z),
        Err(_) if datetime.date() == Date::constant(9999, 12, 31) => {
            Ok(Timestamp::MAX.to_zoned_datetime(tz))
        }
        Err(e) => Err(when_error(format!("\"{s}\" is out of range: {e}"), FORMS)),
    }
}

impl fmt::Display for Moment {
    /// The ISO 8601 text form, as written in data files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Moment::Instant(z) => {
                if z.time_zone().iana_name().is_some() {
                    write!(f, "{z}")
                } else {
                    write!(f, "{}", z.timestamp().display_with_offset(z.offset()))
                }
            }
            Moment::Day(d) => write!(f, "{d}"),
            Moment::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Moment::Year(y) => write!(f, "{y:04}"),
        }
    }
}

impl When {
    /// Parses the text form: a moment, a `START/END` range (`..` for an open
    /// end) or `unknown`.
    pub fn parse(s: &str, default_tz: Option<&TimeZone>) -> Result<When, WhenError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("unknown") {
            return Ok(When::Unknown);
        }
        if s.is_empty() {
            return Err(when_error("the date is empty", FORMS));
        }
        // The range's slash, not one inside a zone name like [Europe/Moscow].
        let mut depth = 0i32;
        let slash = s.char_indices().find_map(|(i, c)| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                '/' if depth == 0 => return Some(i),
                _ => {}
            }
            None
        });
        let Some(slash) = slash else {
            return Moment::parse(s, default_tz).map(When::At);
        };
        let (a, b) = (&s[..slash], &s[slash + 1..]);
        let end_of = |p: &str| -> Result<Option<Moment>, WhenError> {
            let p = p.trim();
            if p == ".." {
                Ok(None)
            } else if p.is_empty() {
                Err(when_error(
                    format!("the range \"{s}\" has an end missing"),
                    "write .. for an open end (2024-03/..), or give both ends",
                ))
            } else {
                Moment::parse(p, default_tz).map(Some)
            }
        };
        let (start, end) = (end_of(a)?, end_of(b)?);
        if start.is_none() && end.is_none() {
            return Err(when_error(
                format!("the range \"{s}\" is open at both ends"),
                "give at least one end, or write \"unknown\"",
            ));
        }
        Ok(When::Between(start, end))
    }

    /// The first and last instant this covers, for placing it on a time axis.
    /// `None` for unknown and disputed dates: they have no place on the axis.
    pub fn span(&self, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
        match self {
            When::At(m) => m.span(tz),
            When::Between(a, b) => {
                let a = a.as_ref().and_then(|m| m.span(tz));
                let b = b.as_ref().and_then(|m| m.span(tz));
                match (a, b) {
                    (Some(a), Some(b)) => Some((a.0, b.1)),
                    (Some(a), None) => Some((a.0, a.1)),
                    (None, Some(b)) => Some((b.0, b.1)),
                    (None, None) => None,
                }
            }
            When::Unknown | When::Disputed(_) => None,
        }
    }

    /// The moment this starts at, if known: the first end of a range.
    pub fn start(&self) -> Option<&Moment> {
        match self {
            When::At(m) => Some(m),
            When::Between(a, b) => a.as_ref().or(b.as_ref()),
            When::Unknown | When::Disputed(_) => None,
        }
    }

    /// The moment this ends at, if known: the last end of a range.
    pub fn end(&self) -> Option<&Moment> {
        match self {
            When::At(m) => Some(m),
            When::Between(a, b) => b.as_ref().or(a.as_ref()),
            When::Unknown | When::Disputed(_) => None,
        }
    }

    /// True when the date is not known or is disputed.
    pub fn is_undated(&self) -> bool {
        matches!(self, When::Unknown | When::Disputed(_))
    }

    /// A short description for people: "22 Mar 2024, 20:00 MSK", "7 Mar 2024",
    /// "Mar 2024", "date unknown", "date disputed (3 readings)".
    pub fn describe(&self) -> String {
        match self {
            When::At(m) => describe_moment(m),
            When::Between(a, b) => describe_range(
                a.as_ref().map(describe_moment),
                b.as_ref().map(describe_moment),
            ),
            When::Unknown => "date unknown".into(),
            When::Disputed(r) => format!("date disputed ({} readings)", r.len()),
        }
    }
}

/// A range for people from its ends' descriptions: "a – b", "from a",
/// "until b", or "date unknown" when both are open.
pub fn describe_range(a: Option<String>, b: Option<String>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, Some(b)) => format!("until {b}"),
        (None, None) => "date unknown".into(),
    }
}

/// A moment for people: "22 Mar 2024, 20:00 MSK", "7 Mar 2024", "Mar 2024".
pub fn describe_moment(m: &Moment) -> String {
    match m {
        Moment::Instant(z) => z.strftime("%-d %b %Y, %H:%M %Z").to_string(),
        // Before year 1, as people write it: -43 is 44 BC.
        Moment::Day(d) if d.year() <= 0 => {
            format!("{} {} BC", d.strftime("%-d %b"), 1 - i32::from(d.year()))
        }
        Moment::Day(d) => d.strftime("%-d %b %Y").to_string(),
        Moment::Month { year, month } => Date::new(*year, *month, 1)
            .map(|d| d.strftime("%b %Y").to_string())
            .unwrap_or_else(|_| format!("{year:04}-{month:02}")),
        Moment::Year(y) => format!("{y}"),
    }
}

impl fmt::Display for When {
    /// The text form; a disputed date prints its readings joined by " | ".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::At(m) => write!(f, "{m}"),
            When::Between(a, b) => {
                let end =
                    |m: &Option<Moment>| m.as_ref().map_or("..".to_string(), |m| m.to_string());
                write!(f, "{}/{}", end(a), end(b))
            }
            When::Unknown => f.write_str("unknown"),
            When::Disputed(r) => {
                let parts: Vec<String> = r.iter().map(|r| r.when.to_string()).collect();
                f.write_str(&parts.join(" | "))
            }
        }
    }
}

impl serde::Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A plain `When` serializes as its text form; a disputed one as
/// `{"disputed": [readings]}`.
impl serde::Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            When::Disputed(readings) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("disputed", readings)?;
                map.end()
            }
            other => s.collect_str(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moscow() -> TimeZone {
        TimeZone::get("Europe/Moscow").unwrap()
    }

    #[test]
    fn parses_and_prints_every_precision() {
        for s in [
            "2024-03-22T20:00:00+03:00[Europe/Moscow]",
            "2024-03-22T17:00:00+05:00",
            "2024-03-07T18:00:00-05:00[America/New_York]/2024-03-08T00:00:00-05:00[America/New_York]",
            "2024-03-07",
            "2024-03",
            "2024",
            "2024-03-07/2024-03-08",
            "2024-03-08/..",
            "../2024-03-08",
            "unknown",
        ] {
            let w = When::parse(s, None).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(w.to_string(), s, "round trip of {s}");
        }
    }

    #[test]
    fn short_forms_normalise() {
        let w = When::parse("2024-03-22T17:00Z", None).unwrap();
        assert_eq!(w.to_string(), "2024-03-22T17:00:00+00:00[UTC]");
        let w = When::parse("2024-03-22T20:00", Some(&moscow())).unwrap();
        assert_eq!(w.to_string(), "2024-03-22T20:00:00+03:00[Europe/Moscow]");
    }

    #[test]
    fn rejects_what_is_not_a_date_with_help() {
        for (s, needle) in [
            ("2024-02-30", "not a valid calendar date"),
            ("2024-13", "month 13"),
            ("March 8", "not a date this app reads"),
            ("2024-03-22T20:00", "has no time zone"),
            ("../..", "open at both ends"),
            (
                "2024-03-22T20:00+05:00[Europe/Moscow]",
                "not a valid time in its time zone",
            ),
            ("", "empty"),
        ] {
            let e = When::parse(s, None).unwrap_err();
            assert!(e.message.contains(needle), "{s}: {}", e.message);
            assert!(!e.help.is_empty());
        }
    }

    #[test]
    fn a_day_spans_the_whole_day_in_the_given_zone() {
        let w = When::parse("2024-03-07", None).unwrap();
        let (a, b) = w.span(&moscow()).unwrap();
        assert_eq!(a.to_string(), "2024-03-06T21:00:00Z");
        assert_eq!(b.to_string(), "2024-03-07T20:59:59.999999999Z");
    }

    #[test]
    fn unknown_and_disputed_have_no_place_on_the_axis() {
        assert!(When::Unknown.span(&moscow()).is_none());
        let d = When::Disputed(vec![Reading {
            when: When::parse("2022-02-21", None).unwrap(),
            source: None,
            passage: None,
            note: None,
        }]);
        assert!(d.span(&moscow()).is_none());
        assert!(d.is_undated());
        assert_eq!(d.describe(), "date disputed (1 readings)");
    }

    #[test]
    fn describes_in_the_events_own_zone() {
        let w = When::parse("2024-03-22T20:00:00+03:00[Europe/Moscow]", None).unwrap();
        assert_eq!(w.describe(), "22 Mar 2024, 20:00 MSK");
        let w = When::parse(
            "2024-03-07T18:00-05:00[America/New_York]/2024-03-08T00:00-05:00[America/New_York]",
            None,
        )
        .unwrap();
        assert_eq!(
            w.describe(),
            "7 Mar 2024, 18:00 EST – 8 Mar 2024, 00:00 EST"
        );
    }
}

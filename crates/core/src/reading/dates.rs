//! Dates and times in a text, found and resolved: absolute ("8 March
//! 2024", "March 8", "2024-03-08", "08/03/2024" by the source's
//! convention), relative to the source's date ("Saturday", "yesterday",
//! "last week", "earlier this month", "early March", "a year ago") and
//! relative to the date mentioned just before ("that same night", "the
//! next day", "about an hour later"); times of day ("9:30 a.m.", "at
//! noon"), local to wherever the event turns out to be. Each at its honest
//! precision: a minute, a day, a week, a month, a quarter, a year, a
//! decade, a range (early March is the 1st to the 10th), or no value when
//! the words give none to be had.

use std::fmt;
use std::ops::Range;

use jiff::ToSpan;
use jiff::civil::{Date, Time, Weekday};

use super::text::{Token, TokenKind, Tokens};

/// A date or time the words give.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A time of day on a date, local to the place of what happened.
    Minute(Date, Time),
    Day(Date),
    /// An ISO week of a year.
    Week(i16, i8),
    Month(i16, i8),
    Quarter(i16, i8),
    Year(i16),
    /// The ten years from this one (1990: the 1990s).
    Decade(i16),
    /// From one to the other, both included.
    Range(Box<Value>, Box<Value>),
}

impl fmt::Display for Value {
    /// ISO 8601: `2016-09-17T20:30`, `2016-09-17`, `2016-W37`, `2016-09`,
    /// `2016-Q3`, `2016`, an interval `2024-03-01/2024-03-10`, a decade
    /// `1990/1999`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Minute(d, t) => write!(f, "{d}T{:02}:{:02}", t.hour(), t.minute()),
            Value::Day(d) => write!(f, "{d}"),
            Value::Week(y, w) => write!(f, "{y:04}-W{w:02}"),
            Value::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Value::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Value::Year(y) => write!(f, "{y:04}"),
            Value::Decade(y) => write!(f, "{y:04}/{:04}", y + 9),
            Value::Range(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

impl Value {
    /// The day it falls on, when it is a day or finer.
    pub fn day(&self) -> Option<Date> {
        match self {
            Value::Minute(d, _) | Value::Day(d) => Some(*d),
            _ => None,
        }
    }

    /// Its first day.
    pub fn first_day(&self) -> Option<Date> {
        match self {
            Value::Minute(d, _) | Value::Day(d) => Some(*d),
            Value::Week(y, w) => jiff::civil::ISOWeekDate::new(*y, *w, Weekday::Monday)
                .ok()
                .map(|d| d.date()),
            Value::Month(y, m) => Date::new(*y, *m, 1).ok(),
            Value::Quarter(y, q) => Date::new(*y, (q - 1) * 3 + 1, 1).ok(),
            Value::Year(y) | Value::Decade(y) => Date::new(*y, 1, 1).ok(),
            Value::Range(a, _) => a.first_day(),
        }
    }

    /// It as the data model's date: a time in `zone`, a day, a month, a
    /// year, or a range of those (a week, a quarter and a decade are
    /// ranges of days and years).
    pub fn to_when(&self, zone: &jiff::tz::TimeZone) -> crate::model::When {
        use crate::model::{Moment, When};
        let moment = |v: &Value| -> Option<Moment> {
            Some(match v {
                Value::Minute(d, t) => {
                    Moment::Instant(d.to_datetime(*t).to_zoned_datetime(zone.clone()).ok()?)
                }
                Value::Day(d) => Moment::Day(*d),
                Value::Month(y, m) => Moment::Month {
                    year: *y,
                    month: *m,
                },
                Value::Year(y) => Moment::Year(*y),
                _ => return None,
            })
        };
        match self {
            Value::Week(..) | Value::Quarter(..) => {
                let first = self.first_day();
                let last = match self {
                    Value::Week(..) => first.and_then(|d| d.checked_add(6.days()).ok()),
                    _ => first
                        .and_then(|d| d.checked_add(3.months()).ok())
                        .and_then(|d| d.yesterday().ok()),
                };
                match (first, last) {
                    (Some(a), Some(b)) => When::Between(Some(Moment::Day(a)), Some(Moment::Day(b))),
                    _ => When::Unknown,
                }
            }
            Value::Decade(y) => When::Between(Some(Moment::Year(*y)), Some(Moment::Year(y + 9))),
            Value::Range(a, b) => When::Between(moment(a), moment(b)),
            v => moment(v).map_or(When::Unknown, When::At),
        }
    }
}

/// A date or time found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// Where its words are (bytes).
    pub span: Range<usize>,
    /// What it resolves to; `None` when the words give no date that can be had.
    pub value: Option<Value>,
    /// The sentence it is in (an index of the text's sentences).
    pub sentence: usize,
    /// A time of day with no date of its own in its words.
    pub time_only: bool,
}

/// How a text writes a date as numbers: 08/03/2024 is 8 March (day first)
/// or August 3 (month first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    DayFirst,
    MonthFirst,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month(w: &str) -> Option<i8> {
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    if let Some(k) = MONTHS.iter().position(|m| *m == w) {
        return Some(k as i8 + 1);
    }
    let short = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if w == "sept" {
        return Some(9);
    }
    short.iter().position(|m| *m == w).map(|k| k as i8 + 1)
}

fn weekday(w: &str) -> Option<Weekday> {
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    let w = w.trim_end_matches("'s");
    Some(match w {
        "monday" | "mon" | "mondays" => Weekday::Monday,
        "tuesday" | "tue" | "tues" => Weekday::Tuesday,
        "wednesday" | "wed" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return None,
    })
}

/// "one" … "fifty-nine", "a", "an", "a couple", "a hundred" as numbers.
pub(super) fn number_word(w: &str) -> Option<i64> {
    let w = w.to_ascii_lowercase();
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    if let Some(k) = ONES.iter().position(|o| *o == w) {
        return Some(k as i64);
    }
    match w.as_str() {
        "a" | "an" => Some(1),
        "couple" => Some(2),
        "twenty" => Some(20),
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "hundred" => Some(100),
        _ => {
            let (tens, one) = w.split_once('-')?;
            let t = match tens {
                "twenty" => 20,
                "thirty" => 30,
                "forty" => 40,
                "fifty" => 50,
                _ => return None,
            };
            Some(t + ONES.iter().position(|o| *o == one)? as i64)
        }
    }
}

/// A day of the month written as a number or an ordinal ("8", "8th",
/// "eighth" is not read).
fn day_number(w: &str) -> Option<i8> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") || digits.is_empty() || digits.len() > 2 {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_number(w: &str) -> Option<i16> {
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1000..=2199).contains(y))
}

/// What the reader knows while it reads: the text, its tokens, the
/// source's date, how numbers are ordered.
struct Reader<'a> {
    text: &'a str,
    tokens: &'a [Token],
    /// For each token, its sentence.
    sentence_of: Vec<usize>,
    sentences: &'a [Range<usize>],
    today: Option<Date>,
    order: Order,
}

/// How a relative expression is anchored.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Anchor {
    /// The source's date.
    Today,
    /// The date mentioned just before.
    Previous,
}

/// What a pattern found: how many tokens, and how to get its value.
enum Found {
    Value(Option<Value>),
    /// Relative to an anchor: a function of the anchor's value.
    Relative(Anchor, Rel),
    /// A time of day, to be put on a date.
    Time(Time),
}

#[derive(Debug, Clone, Copy)]
enum Rel {
    /// Days from the anchor's day.
    Days(i64),
    /// The anchor's day, a time this many minutes from the anchor's time
    /// when it has one.
    Minutes(i64),
    /// The week (0: this, -1: last, 1: next).
    Week(i64),
    Month(i64),
    Quarter(i64),
    Year(i64),
    /// The nearest such weekday in the direction given (0: the same week
    /// by the tense of the sentence).
    Weekday(Weekday, i64),
    /// The named month, the last (-1), this (0) or the next (1) of it.
    NamedMonth(i8, i64),
    /// The named month of the anchor's year.
    YearsMonth(i8),
    /// A year's part: early, mid or late this (0), last or next year.
    YearPart(i64, Part),
    /// A part of the month: early, mid or late this month.
    MonthPart(i64, Part),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Early,
    Mid,
    Late,
}

fn part(w: &str) -> Option<Part> {
    match w.to_ascii_lowercase().as_str() {
        "early" | "earlier" | "beginning" | "start" => Some(Part::Early),
        "mid" | "middle" => Some(Part::Mid),
        "late" | "later" | "end" => Some(Part::Late),
        _ => None,
    }
}

impl Reader<'_> {
    fn word(&self, k: usize) -> Option<&str> {
        self.tokens
            .get(k)
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|t| t.text(self.text))
    }

    fn lower(&self, k: usize) -> Option<String> {
        self.tokens
            .get(k)
            .map(|t| t.text(self.text).to_ascii_lowercase())
    }

    fn is(&self, k: usize, words: &[&str]) -> bool {
        self.lower(k).is_some_and(|w| words.contains(&w.as_str()))
    }

    fn punct(&self, k: usize, p: &str) -> bool {
        self.tokens
            .get(k)
            .is_some_and(|t| t.kind == TokenKind::Punct && t.text(self.text) == p)
    }

    /// Whether the sentence of token `k` speaks of what is to come.
    fn future(&self, k: usize) -> bool {
        let s = &self.sentences[self.sentence_of[k]];
        (s.start..s.end).any(|j| {
            self.is(
                j,
                &[
                    "will",
                    "'ll",
                    "shall",
                    "plans",
                    "planned",
                    "scheduled",
                    "expected",
                    "expects",
                    "upcoming",
                    "coming",
                    "begins",
                    "starts",
                    "would",
                ],
            )
        }) && !(s.start..s.end).any(|j| self.is(j, &["was", "were", "had", "said", "did"]))
    }

    /// A year after `k`: "2024", or ", 2024".
    fn year_after(&self, k: usize) -> Option<(usize, i16)> {
        if let Some(y) = self.word(k).and_then(year_number) {
            return Some((1, y));
        }
        if self.punct(k, ",")
            && let Some(y) = self.word(k + 1).and_then(year_number)
        {
            return Some((2, y));
        }
        None
    }

    /// The year of a month-and-day without one: the source's year, or the
    /// year before when that puts it after the source's date (and the
    /// sentence is not of what is to come).
    fn year_for(&self, k: usize, m: i8, d: i8) -> Option<i16> {
        let today = self.today?;
        let mut y = today.year();
        let this = Date::new(y, m, d.min(28)).ok()?;
        let future = self.future(k);
        if !future && this > today && (this - today).get_days() > 31 {
            y -= 1;
        } else if future && this < today && (today - this).get_days() > 31 {
            y += 1;
        }
        Some(y)
    }

    fn date(&self, y: i16, m: i8, d: i8) -> Option<Value> {
        Date::new(y, m, d).ok().map(Value::Day)
    }

    /// The patterns, tried at token `k`, longest first where they overlap.
    fn at(&self, k: usize) -> Option<(usize, Found)> {
        let t = self.tokens[k];
        let w = t.text(self.text);
        let lw = w.to_ascii_lowercase();
        match t.kind {
            TokenKind::Number => self.number_at(k, w),
            TokenKind::Word => self
                .day_month_at(k)
                .or_else(|| self.month_at(k, &lw))
                .or_else(|| self.weekday_at(k, &lw))
                .or_else(|| self.relative_at(k, &lw))
                .or_else(|| self.time_word_at(k, &lw)),
            TokenKind::Punct => None,
        }
    }

    /// "2024-03-08", "08/03/2024", "9:30 a.m.", "8 p.m.", "8 March 2024",
    /// "1990s", "2024".
    fn number_at(&self, k: usize, w: &str) -> Option<(usize, Found)> {
        // Times first: "9:30", "8 p.m.", "9:30 a.m.".
        if let Some(found) = self.time_at(k, w) {
            return Some(found);
        }
        let parts: Vec<&str> = w.split(['-', '/', '.']).collect();
        let num = |p: &str| p.parse::<i64>().ok();
        if parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            let (a, b, c) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
            if parts[0].len() == 4 {
                return Some((1, Found::Value(self.date(a as i16, b as i8, c as i8))));
            }
            if w.contains(['/', '.']) || parts[2].len() == 4 {
                let year = if parts[2].len() == 2 { 2000 + c } else { c } as i16;
                let (d, m) = match self.order {
                    _ if a > 12 => (a, b),
                    _ if b > 12 => (b, a),
                    Order::DayFirst => (a, b),
                    Order::MonthFirst => (b, a),
                };
                return Some((1, Found::Value(self.date(year, m as i8, d as i8))));
            }
            return None;
        }
        if parts.len() == 2
            && parts[0].len() == 4
            && parts[1].len() == 2
            && w.contains('-')
            && let (Some(y), Some(m)) = (num(parts[0]), num(parts[1]))
            && (1..=12).contains(&m)
        {
            return Some((1, Found::Value(Some(Value::Month(y as i16, m as i8)))));
        }
        // A day before a month: "8 March [2024]", "8th of March".
        if let Some(d) = day_number(w) {
            let mut j = k + 1;
            if self.is(j, &["of"]) {
                j += 1;
            }
            if let Some(m) = self.word(j).and_then(month) {
                let (n, y) = match self.year_after(j + 1) {
                    Some((n, y)) => (n, Some(y)),
                    None => (0, self.year_for(k, m, d)),
                };
                let v = y.and_then(|y| self.date(y, m, d));
                return Some((j + 1 + n - k, Found::Value(v)));
            }
        }
        // A decade: "1990s", "'90s".
        if let Some(d) = w
            .strip_suffix('s')
            .and_then(year_number)
            .filter(|y| y % 10 == 0)
        {
            return Some((1, Found::Value(Some(Value::Decade(d)))));
        }
        // A year alone, where a year is meant.
        if let Some(y) = year_number(w) {
            let before = k
                .checked_sub(1)
                .and_then(|p| self.lower(p))
                .unwrap_or_default();
            let after = self.lower(k + 1).unwrap_or_default();
            let money = before == "$" || before.ends_with('$') || before == "€" || before == "£";
            let counted = [
                "people",
                "persons",
                "percent",
                "%",
                "men",
                "women",
                "children",
                "troops",
                "soldiers",
                "dollars",
                "euros",
                "pounds",
                "residents",
                "votes",
                "miles",
                "km",
                "kilometers",
                "meters",
                "feet",
                "acres",
                "homes",
                "houses",
                "units",
                "jobs",
                "cases",
                "points",
                "students",
                "members",
                "employees",
                "workers",
                "police",
                "officers",
                "rounds",
                "tons",
                "tonnes",
                "barrels",
                "pages",
                "words",
                "copies",
                "shares",
            ]
            .contains(&after.as_str());
            if money
                || counted
                || (after == "," && self.word(k + 2).and_then(year_number).is_some())
            {
                return None;
            }
            if (1800..=2100).contains(&y)
                || [
                    "in", "since", "until", "by", "of", "from", "during", "fiscal", "year",
                    "early", "late", "mid",
                ]
                .contains(&before.as_str())
            {
                return Some((1, Found::Value(Some(Value::Year(y)))));
            }
        }
        None
    }

    /// A time of day: "9:30", "20:30", "8 p.m.", "9:30 a.m.", "8pm".
    fn time_at(&self, k: usize, w: &str) -> Option<(usize, Found)> {
        let (digits, glued) = match w.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => (&w[..i], Some(w[i..].to_ascii_lowercase())),
            None => (w, None),
        };
        let (h, m) = match digits.split_once(':') {
            Some((h, m)) if m.len() == 2 => (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?),
            Some(_) => return None,
            None => (digits.parse::<i8>().ok()?, 0),
        };
        let meridiem = |s: &str| match s.trim_end_matches('.').replace('.', "").as_str() {
            "am" => Some(false),
            "pm" => Some(true),
            _ => None,
        };
        let (n, pm) = match glued {
            Some(g) => (1, Some(meridiem(&g)?)),
            None => match self.lower(k + 1).as_deref().and_then(meridiem) {
                Some(pm) => (2, Some(pm)),
                None => (1, None),
            },
        };
        let h = match pm {
            Some(_) if !(1..=12).contains(&h) => return None,
            Some(true) if h < 12 => h + 12,
            Some(false) if h == 12 => 0,
            Some(_) => h,
            // Without a.m./p.m.: only HH:MM reads as a time.
            None if digits.contains(':') => h,
            None => return None,
        };
        let time = Time::new(h, m, 0, 0).ok()?;
        Some((n, Found::Time(time)))
    }

    /// "noon", "midnight".
    fn time_word_at(&self, _k: usize, w: &str) -> Option<(usize, Found)> {
        match w {
            "noon" | "midday" => Some((1, Found::Time(Time::constant(12, 0, 0, 0)))),
            "midnight" => Some((1, Found::Time(Time::constant(23, 59, 0, 0)))),
            _ => None,
        }
    }

    /// "the 8th of March".
    fn day_month_at(&self, k: usize) -> Option<(usize, Found)> {
        if !self.is(k, &["the"]) {
            return None;
        }
        let d = self.word(k + 1).and_then(day_number)?;
        if !self.is(k + 2, &["of"]) {
            return None;
        }
        let m = self.word(k + 3).and_then(month)?;
        let (n, y) = match self.year_after(k + 4) {
            Some((n, y)) => (n, Some(y)),
            None => (0, self.year_for(k, m, d)),
        };
        Some((4 + n, Found::Value(y.and_then(|y| self.date(y, m, d)))))
    }

    /// "March 8, 2024", "Mar. 8", "March 2024", "March", "early March".
    fn month_at(&self, k: usize, lw: &str) -> Option<(usize, Found)> {
        // "early March", "mid-March" (one token), "late March 2024".
        let (part_of, k0) = match (part(lw), self.word(k + 1).and_then(month)) {
            (Some(p), Some(_)) => (Some(p), k + 1),
            _ => match lw.strip_prefix("mid-").and_then(month) {
                Some(_) => (Some(Part::Mid), k),
                None => (None, k),
            },
        };
        let w = self.word(k0)?;
        let bare = w.strip_prefix("mid-").unwrap_or(w);
        let m = month(bare)?;
        // "May" and "March" are words too: a capital, and a number or a
        // year near it, or a preposition before it.
        let capital = bare.chars().next().is_some_and(char::is_uppercase);
        if !capital {
            return None;
        }
        // An abbreviation's dot: "Sept. 30".
        let dotted = bare.len() <= 4
            && self.punct(k0 + 1, ".")
            && self.tokens[k0 + 1].start == self.tokens[k0].end;
        let ambiguous = matches!(m, 3 | 5) && w.len() > 3 && !dotted;
        let k0 = if dotted { k0 + 1 } else { k0 };
        if let Some(d) = self.word(k0 + 1).and_then(day_number) {
            // Not "March 8 people": a day is not followed by a count's noun.
            let (n, y) = match self.year_after(k0 + 2) {
                Some((n, y)) => (n, Some(y)),
                None => (0, self.year_for(k, m, d)),
            };
            let v = y.and_then(|y| self.date(y, m, d));
            return Some((k0 + 2 + n - k, Found::Value(v)));
        }
        if let Some((n, y)) = self.year_after(k0 + 1) {
            let v = match part_of {
                Some(p) => month_part(y, m, p),
                None => Some(Value::Month(y, m)),
            };
            return Some((k0 + 1 + n - k, Found::Value(v)));
        }
        let before = k
            .checked_sub(1)
            .and_then(|p| self.lower(p))
            .unwrap_or_default();
        let lead = [
            "in", "since", "until", "by", "during", "of", "early", "late", "mid", "last", "next",
            "this", "from", "through", "before", "after",
        ];
        if ambiguous && part_of.is_none() && !lead.contains(&before.as_str()) {
            return None;
        }
        // A month alone: the last one before the source's date (or the next
        // one, of what is to come). ("last March" is read from "last".)
        let value = self.today.and_then(|today| {
            let y = named_month_year(today, m, 0, self.future(k));
            match part_of {
                Some(p) => month_part(y, m, p),
                None => Some(Value::Month(y, m)),
            }
        });
        Some((k0 + 1 - k, Found::Value(value)))
    }

    /// "Saturday", "on Sunday night", "Friday, March 8".
    fn weekday_at(&self, k: usize, lw: &str) -> Option<(usize, Found)> {
        let day = weekday(lw)?;
        if !self.tokens[k].is_capitalised(self.text) {
            return None;
        }
        // A date given with it wins: "Friday, March 8, 2024".
        let mut j = k + 1;
        if self.punct(j, ",") {
            j += 1;
        }
        if let Some(t) = self.tokens.get(j)
            && t.kind == TokenKind::Word
            && let Some((n, found)) = self.month_at(j, &t.text(self.text).to_ascii_lowercase())
            && matches!(found, Found::Value(Some(Value::Day(_))))
        {
            return Some((j + n - k, found));
        }
        if let Some(t) = self.tokens.get(j)
            && t.kind == TokenKind::Number
            && let Some((n, found)) = self.number_at(j, t.text(self.text))
            && matches!(found, Found::Value(Some(Value::Day(_))))
        {
            return Some((j + n - k, found));
        }
        let before = k
            .checked_sub(1)
            .and_then(|p| self.lower(p))
            .unwrap_or_default();
        let dir = match before.as_str() {
            "last" | "past" => -1,
            "next" | "coming" => 1,
            _ if self.future(k) => 1,
            _ => 0,
        };
        // "Sunday night", "Friday morning".
        let n = if self.is(k + 1, &["night", "morning", "afternoon", "evening"]) {
            2
        } else {
            1
        };
        Some((n, Found::Relative(Anchor::Today, Rel::Weekday(day, dir))))
    }

    /// Words relative to the source's date or to the date just before.
    fn relative_at(&self, k: usize, lw: &str) -> Option<(usize, Found)> {
        let today = |rel| Found::Relative(Anchor::Today, rel);
        let previous = |rel| Found::Relative(Anchor::Previous, rel);
        let next = self.lower(k + 1).unwrap_or_default();
        let next2 = self.lower(k + 2).unwrap_or_default();
        let parts_of_day = ["morning", "afternoon", "evening", "night"];
        let lw = lw.trim_end_matches("'s").trim_end_matches("’s");
        match lw {
            "today" | "tonight" => return Some((1, today(Rel::Days(0)))),
            "yesterday" => {
                let n = if parts_of_day.contains(&next.as_str()) {
                    2
                } else {
                    1
                };
                return Some((n, today(Rel::Days(-1))));
            }
            "tomorrow" => {
                let n = if parts_of_day.contains(&next.as_str()) {
                    2
                } else {
                    1
                };
                return Some((n, today(Rel::Days(1))));
            }
            "this" | "last" | "next" | "past" | "coming" => {
                let dir = match lw {
                    "last" | "past" => -1,
                    "next" | "coming" => 1,
                    _ => 0,
                };
                let rel = match next.as_str() {
                    "morning" | "afternoon" | "evening" if lw == "this" => Rel::Days(0),
                    "week" | "weekend" => Rel::Week(dir),
                    "month" => Rel::Month(dir),
                    "quarter" => Rel::Quarter(dir),
                    "year" => Rel::Year(dir),
                    m if month(m).is_some() && self.tokens[k + 1].is_capitalised(self.text) => {
                        let m = month(m)?;
                        // "this September": the source's year's.
                        let rel = if lw == "this" {
                            Rel::YearsMonth(m)
                        } else {
                            Rel::NamedMonth(m, dir)
                        };
                        return Some((2, today(rel)));
                    }
                    d if weekday(d).is_some() => {
                        return Some((
                            2,
                            today(Rel::Weekday(weekday(d)?, if dir == 0 { 1 } else { dir })),
                        ));
                    }
                    _ => return None,
                };
                // "last week" in "the past week" is a span: not a date.
                if lw == "past" && matches!(rel, Rel::Week(_) | Rel::Month(_) | Rel::Year(_)) {
                    return None;
                }
                return Some((2, today(rel)));
            }
            // "earlier this month", "later this year", "early next year".
            "earlier" | "later" | "early" | "late"
                if ["this", "next", "last"].contains(&next.as_str()) =>
            {
                let dir = match next.as_str() {
                    "last" => -1,
                    "next" => 1,
                    _ => 0,
                };
                let p = part(lw)?;
                let rel = match next2.as_str() {
                    "year" if lw == "earlier" || lw == "later" => Rel::Year(dir),
                    "year" => Rel::YearPart(dir, p),
                    "month" if lw == "earlier" || lw == "later" => Rel::Month(dir),
                    "month" => Rel::MonthPart(dir, p),
                    "week" => Rel::Week(dir),
                    _ => return None,
                };
                return Some((3, today(rel)));
            }
            "the" => {
                // "the next day", "the following week", "the day before",
                // "the previous day", "the same day".
                let rel = match (next.as_str(), next2.as_str()) {
                    ("next" | "following", "day") => Rel::Days(1),
                    ("previous", "day") | ("day", "before") => Rel::Days(-1),
                    ("same", "day")
                    | ("same", "night")
                    | ("same", "evening")
                    | ("same", "morning") => Rel::Days(0),
                    ("next" | "following", "week") => Rel::Week(1),
                    ("next" | "following", "month") => Rel::Month(1),
                    ("next" | "following", "year") => Rel::Year(1),
                    ("day", "after") => Rel::Days(1),
                    _ => return None,
                };
                return Some((3, previous(rel)));
            }
            "that" => {
                // "that night", "that same night", "that day", "that evening".
                let (n, what) = if next == "same" {
                    (3, next2.as_str())
                } else {
                    (2, next.as_str())
                };
                return match what {
                    "day" | "night" | "morning" | "afternoon" | "evening" => {
                        Some((n, previous(Rel::Days(0))))
                    }
                    "week" => Some((n, previous(Rel::Week(0)))),
                    "month" => Some((n, previous(Rel::Month(0)))),
                    "year" => Some((n, previous(Rel::Year(0)))),
                    _ => None,
                };
            }
            "later" | "earlier"
                if next == "that" && parts_of_day.iter().chain(&["day"]).any(|p| *p == next2) =>
            {
                return Some((3, previous(Rel::Days(0))));
            }
            "shortly"
                if matches!(
                    next.as_str(),
                    "after" | "afterwards" | "afterward" | "before"
                ) =>
            {
                return Some((
                    2,
                    previous(Rel::Minutes(if next == "before" { -15 } else { 15 })),
                ));
            }
            "moments" | "minutes" if matches!(next.as_str(), "later" | "after" | "afterwards") => {
                return Some((
                    2,
                    previous(Rel::Minutes(if lw == "moments" { 1 } else { 10 })),
                ));
            }
            _ => {}
        }
        // "N units ago", "N units later/earlier", "about an hour later".
        let mut j = k;
        if matches!(
            lw,
            "about" | "around" | "some" | "nearly" | "almost" | "roughly" | "approximately"
        ) {
            j += 1;
        }
        let count = self
            .lower(j)
            .and_then(|w| number_word(&w).or_else(|| w.parse().ok()))?;
        let unit = self.lower(j + 1)?;
        let unit = unit.trim_end_matches('s');
        let how = self.lower(j + 2)?;
        let (anchor, sign) = match how.as_str() {
            "ago" => (Anchor::Today, -1),
            "earlier" | "before" => (Anchor::Previous, -1),
            "later" | "after" | "afterwards" | "afterward" => (Anchor::Previous, 1),
            _ => return None,
        };
        let c = count * sign;
        let rel = match unit {
            "minute" => Rel::Minutes(c),
            "hour" => Rel::Minutes(60 * c),
            "day" => Rel::Days(c),
            "week" => Rel::Days(7 * c),
            "month" => Rel::Month(c),
            "year" => Rel::Year(c),
            _ => return None,
        };
        // "a year earlier" in news is a year before the source's (the
        // year-ago figure), unless a date was just given.
        let anchor = if matches!(rel, Rel::Year(_) | Rel::Month(_)) && anchor == Anchor::Previous {
            Anchor::Today
        } else {
            anchor
        };
        Some((j + 3 - k, Found::Relative(anchor, rel)))
    }
}

/// The year of a month named alone, around `today`.
fn named_month_year(today: Date, m: i8, rel: i64, future: bool) -> i16 {
    let y = today.year();
    match rel {
        -1 if m >= today.month() => y - 1,
        -1 => y,
        1 if m <= today.month() => y + 1,
        1 => y,
        _ if !future && m > today.month() + 1 => y - 1,
        _ if future && m < today.month() => y + 1,
        _ => y,
    }
}

/// Early, mid or late in a month: the 1st–10th, 11th–20th, 21st–last.
fn month_part(y: i16, m: i8, p: Part) -> Option<Value> {
    let first = Date::new(y, m, 1).ok()?;
    let last = first.last_of_month().day();
    let (a, b) = match p {
        Part::Early => (1, 10),
        Part::Mid => (11, 20),
        Part::Late => (21, last),
    };
    Some(Value::Range(
        Box::new(Value::Day(Date::new(y, m, a).ok()?)),
        Box::new(Value::Day(Date::new(y, m, b).ok()?)),
    ))
}

/// The value of `rel` from `anchor`.
fn resolve(rel: Rel, anchor: &Value, sentence_future: bool) -> Option<Value> {
    let day = anchor.day().or_else(|| anchor.first_day())?;
    Some(match rel {
        Rel::Days(n) => Value::Day(day.checked_add(n.days()).ok()?),
        Rel::Minutes(n) => match anchor {
            Value::Minute(d, t) => {
                let dt = d.to_datetime(*t).checked_add(n.minutes()).ok()?;
                Value::Minute(dt.date(), dt.time())
            }
            _ => Value::Day(day),
        },
        Rel::Week(n) => {
            let d = day.checked_add((7 * n).days()).ok()?;
            let w = d.iso_week_date();
            Value::Week(w.year(), w.week())
        }
        Rel::Month(n) => {
            let d = day.first_of_month().checked_add(n.months()).ok()?;
            Value::Month(d.year(), d.month())
        }
        Rel::Quarter(n) => {
            let q0 = i64::from(day.year()) * 4 + i64::from((day.month() - 1) / 3) + n;
            Value::Quarter(q0.div_euclid(4) as i16, (q0.rem_euclid(4) + 1) as i8)
        }
        Rel::Year(n) => Value::Year((i64::from(day.year()) + n) as i16),
        Rel::Weekday(w, dir) => {
            let today = day.weekday();
            let back = (today.to_monday_zero_offset() - w.to_monday_zero_offset()).rem_euclid(7);
            let ahead = (w.to_monday_zero_offset() - today.to_monday_zero_offset()).rem_euclid(7);
            let d = match dir {
                -1 => day
                    .checked_sub(i64::from(if back == 0 { 7 } else { back }).days())
                    .ok()?,
                1 => day
                    .checked_add(i64::from(if ahead == 0 { 7 } else { ahead }).days())
                    .ok()?,
                _ if back == 0 => day,
                _ if sentence_future => day.checked_add(i64::from(ahead).days()).ok()?,
                _ => day.checked_sub(i64::from(back).days()).ok()?,
            };
            Value::Day(d)
        }
        Rel::NamedMonth(m, dir) => Value::Month(named_month_year(day, m, dir, sentence_future), m),
        Rel::YearsMonth(m) => Value::Month(day.year(), m),
        Rel::YearPart(n, p) => {
            let y = (i64::from(day.year()) + n) as i16;
            let (a, b) = match p {
                Part::Early => (1, 4),
                Part::Mid => (5, 8),
                Part::Late => (9, 12),
            };
            Value::Range(Box::new(Value::Month(y, a)), Box::new(Value::Month(y, b)))
        }
        Rel::MonthPart(n, p) => {
            let d = day.first_of_month().checked_add(n.months()).ok()?;
            month_part(d.year(), d.month(), p)?
        }
    })
}

/// Every date and time in `text` (as `tokens` cut it), resolved against
/// the source's date `today` and against each other, in order.
pub fn find(text: &str, tokens: &Tokens, today: Option<Date>, order: Order) -> Vec<DateMention> {
    let mut sentence_of = vec![0; tokens.tokens.len()];
    for (s, r) in tokens.sentences.iter().enumerate() {
        for k in r.clone() {
            sentence_of[k] = s;
        }
    }
    let reader = Reader {
        text,
        tokens: &tokens.tokens,
        sentence_of,
        sentences: &tokens.sentences,
        today,
        order,
    };
    // The words between two mentions that join them into one.
    let glue = |a: usize, b: usize| {
        let g = text[a..b].trim().to_ascii_lowercase();
        matches!(
            g.trim_matches(',').trim(),
            "" | "at" | "at about" | "at around" | "around" | "about" | "on" | "by"
        )
    };
    let mut out: Vec<DateMention> = Vec::new();
    // The date the next relative words count from: the last one given.
    let mut last: Option<Value> = today.map(Value::Day);
    let mut k = 0;
    while k < reader.tokens.len() {
        let Some((n, found)) = reader.at(k) else {
            k += 1;
            continue;
        };
        let n = n.max(1);
        let end = reader.tokens[(k + n - 1).min(reader.tokens.len() - 1)].end;
        let span = reader.tokens[k].start..end;
        let sentence = reader.sentence_of[k];
        k += n;
        let future = reader.future(k - n);
        let value = match found {
            Found::Time(time) => {
                // Joined to the date just before it: "Saturday at 8:30 p.m.".
                if let Some(p) = out.last_mut().filter(|p| {
                    p.sentence == sentence
                        && !p.time_only
                        && glue(p.span.end, span.start)
                        && p.value.as_ref().is_some_and(|v| v.day().is_some())
                }) {
                    let d = p.value.as_ref().and_then(Value::day).expect("a day");
                    p.value = Some(Value::Minute(d, time));
                    p.span.end = span.end;
                    last = p.value.clone();
                    continue;
                }
                // Else on the date given last.
                let value = last
                    .as_ref()
                    .and_then(Value::day)
                    .map(|d| Value::Minute(d, time));
                if value.is_some() {
                    last = value.clone();
                }
                out.push(DateMention {
                    span,
                    value,
                    sentence,
                    time_only: true,
                });
                continue;
            }
            Found::Value(v) => v,
            Found::Relative(Anchor::Today, rel) => {
                today.and_then(|d| resolve(rel, &Value::Day(d), future))
            }
            Found::Relative(Anchor::Previous, rel) => {
                last.as_ref().and_then(|a| resolve(rel, a, future))
            }
        };
        // A time just before its date: "8:30 p.m. Saturday".
        if let Some(p) = out
            .last_mut()
            .filter(|p| p.time_only && p.sentence == sentence && glue(p.span.end, span.start))
            && let (Some(d), Some(Value::Minute(_, t))) =
                (value.as_ref().and_then(Value::day), p.value.clone())
        {
            p.value = Some(Value::Minute(d, t));
            p.span.end = span.end;
            p.time_only = false;
            last = p.value.clone();
            continue;
        }
        if value.is_some() {
            last = value.clone();
        }
        out.push(DateMention {
            span,
            value,
            sentence,
            time_only: false,
        });
    }
    out
}

/// How a text writes dates as numbers: as its own dates show (a first
/// number over 12 is a day, a second one a day too), else month first in
/// an American text ("U.S.", a state's abbreviation after a town), else
/// day first.
pub fn order_of(text: &str) -> Order {
    for w in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
    {
        let parts: Vec<&str> = w.trim_end_matches('.').split('/').collect();
        if let [a, b, y] = parts[..]
            && y.len() >= 2
            && let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>())
        {
            if a > 12 && b <= 12 {
                return Order::DayFirst;
            }
            if b > 12 && a <= 12 {
                return Order::MonthFirst;
            }
        }
    }
    let american = [
        "U.S.",
        "United States",
        " Calif.",
        " Fla.",
        " N.Y.",
        " N.J.",
        " Texas",
        " Ga.",
        " Ill.",
        " Pa.",
        " Ohio",
        "a.m.",
        "p.m.",
    ];
    if american.iter().any(|a| text.contains(a)) {
        Order::MonthFirst
    } else {
        Order::DayFirst
    }
}

/// Words of dates: months and weekdays (not names of anyone or anything).
pub const DATE_WORDS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

//! When a source says it was published: an HTML page's metadata
//! (`article:published_time`, JSON-LD's `datePublished`, a `<time
//! datetime>`), or the byline at a text's head ("September 18, 2016
//! 9:44am", "Posted at 9:33 PM, Sep 17, 2016", "Sep 18, 2016"). What
//! "yesterday" and "Saturday" in it count from.

use jiff::civil::{Date, Time};

use super::dates::{Order, Value};

/// The source's date, from the page's metadata or its byline.
pub fn published(raw: &str) -> Option<Value> {
    from_metadata(raw).or_else(|| from_byline(raw))
}

/// An ISO date or time in the page's metadata.
fn from_metadata(raw: &str) -> Option<Value> {
    let lower = raw.to_ascii_lowercase();
    let keys = [
        "article:published_time",
        "\"datepublished\"",
        "itemprop=\"datepublished\"",
        "name=\"date\"",
        "name=\"pubdate\"",
        "<time",
    ];
    for key in keys {
        let Some(at) = lower.find(key) else { continue };
        // The first ISO date after the key, within the element.
        let window = &raw[at..raw.len().min(at + 400)];
        if let Some(v) = iso_in(window) {
            return Some(v);
        }
    }
    None
}

/// The first `YYYY-MM-DD` (with a time `THH:MM`) in `s`.
fn iso_in(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    for i in 0..b.len().saturating_sub(9) {
        let digits = |a: usize, n: usize| {
            b.get(a..a + n)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        };
        if digits(i, 4)
            && b[i + 4] == b'-'
            && digits(i + 5, 2)
            && b[i + 7] == b'-'
            && digits(i + 8, 2)
        {
            let date: Date = s[i..i + 10].parse().ok()?;
            if b.get(i + 10) == Some(&b'T')
                && digits(i + 11, 2)
                && b.get(i + 13) == Some(&b':')
                && digits(i + 14, 2)
            {
                let t = Time::new(
                    s[i + 11..i + 13].parse().ok()?,
                    s[i + 14..i + 16].parse().ok()?,
                    0,
                    0,
                )
                .ok()?;
                return Some(Value::Minute(date, t));
            }
            return Some(Value::Day(date));
        }
    }
    None
}

/// A date (with its time) in the first lines of a text: a byline.
fn from_byline(raw: &str) -> Option<Value> {
    // The text as a reader sees it: an HTML page's tags aside.
    let head: String = if raw.trim_start().starts_with('<') {
        let mut out = String::new();
        let mut inside = false;
        for c in raw.chars().take(20_000) {
            match c {
                '<' => inside = true,
                '>' => {
                    inside = false;
                    out.push(' ');
                }
                c if !inside => out.push(c),
                _ => {}
            }
        }
        out
    } else {
        raw.chars().take(1_500).collect()
    };
    let head: String = head.chars().take(1_500).collect();
    let tokens = super::text::tokenize(&head);
    // Dates written out with their year, the first one.
    let found = super::dates::find(&head, &tokens, None, Order::MonthFirst);
    let first = found
        .iter()
        .find(|d| matches!(&d.value, Some(Value::Day(_) | Value::Minute(..))))?;
    let date = first.value.as_ref()?.day()?;
    // A time beside it: "September 18, 2016 9:44am", "9:33 PM, Sep 17, 2016".
    let near = |d: &super::dates::DateMention| {
        d.span.start.abs_diff(first.span.end) < 12 || first.span.start.abs_diff(d.span.end) < 12
    };
    let time = tokens.tokens.iter().find_map(|t| {
        let w = t.text(&head);
        let span = t.start..t.end;
        (span.start.abs_diff(first.span.end) < 12 || first.span.start.abs_diff(span.end) < 16)
            .then(|| clock(w, head.get(span.end..).unwrap_or("")))
            .flatten()
    });
    let _ = near;
    Some(match (first.value.as_ref()?, time) {
        (Value::Minute(d, t), _) => Value::Minute(*d, *t),
        (_, Some(t)) => Value::Minute(date, t),
        _ => Value::Day(date),
    })
}

/// A time of day written "9:44am", "9:33 PM", "14:26".
fn clock(w: &str, after: &str) -> Option<Time> {
    let (digits, glued) = match w.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&w[..i], w[i..].to_ascii_lowercase()),
        None => (w, String::new()),
    };
    let (h, m) = digits.split_once(':')?;
    let (mut h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    let suffix = if glued.is_empty() {
        after
            .trim_start()
            .chars()
            .take(4)
            .collect::<String>()
            .to_ascii_lowercase()
            .replace('.', "")
    } else {
        glued.replace('.', "")
    };
    if suffix.starts_with("pm") && h < 12 {
        h += 12;
    } else if suffix.starts_with("am") && h == 12 {
        h = 0;
    }
    Time::new(h, m, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pages_metadata_and_a_byline_give_the_sources_date() {
        let html = r#"<html><head><meta property="article:published_time" content="2016-09-18T09:44:00-04:00"></head><body>x</body></html>"#;
        assert_eq!(
            published(html).map(|v| v.to_string()).as_deref(),
            Some("2016-09-18T09:44")
        );
        let ld = r#"<script type="application/ld+json">{"datePublished": "2024-03-22"}</script>"#;
        assert_eq!(
            published(ld).map(|v| v.to_string()).as_deref(),
            Some("2024-03-22")
        );
        let text =
            "Blast in Chelsea\nBy Ann Smith | September 18, 2016 9:44am\n\nAn explosion rocked…";
        assert_eq!(
            published(text).map(|v| v.to_string()).as_deref(),
            Some("2016-09-18T09:44")
        );
        let posted =
            "NYC blast injures 29\nPosted at 9:33 PM, Sep 17, 2016\nNEW YORK — An explosion";
        assert_eq!(
            published(posted).map(|v| v.to_string()).as_deref(),
            Some("2016-09-17T21:33")
        );
        assert_eq!(published("No date here at all."), None);
    }
}

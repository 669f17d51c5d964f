//! Knight Lab's TimelineJS JSON: `events[]` with `start_date`/`end_date` in
//! parts (year, month, day, hour, ...), `text.headline`, `text.text`,
//! `media` (`url`, `caption`, `credit`), `group`, `display_date`,
//! `unique_id`; and the older `{"timeline": {"date": [...]}}` shape with
//! `startDate: "2011,12,10"`. TimelineJS events have no place (StoryMapJS
//! slides have a `location`, read when present): they are kept, and shown
//! in the timeline as not on the map. HTML in text becomes plain text.
//! StoryMapJS's `overview` slide is the data set's title, not an event; so
//! is the `title` row of TimelineJS's Google Sheets template, whose rows
//! (Year, Month, Day, Time, End …, Headline, Text, Media …, Group) the CSV
//! reader hands here ([`is_sheet`], [`sheet_slide`]).

use jiff::civil::DateTime;
use jsonc_parser::ast::Value;
use jsonc_parser::common::Ranged;
use serde_json::Value as J;

use super::import::{self, Import, RecordText};
use super::json_tree::{member, to_serde};
use crate::model::{LatLon, Moment, When};

/// Whether a parsed JSON document is a TimelineJS (or StoryMapJS) timeline.
pub fn is_timelinejs(root: &Value) -> bool {
    let slides_like = |v: Option<&Value>| {
        matches!(v, Some(Value::Array(a)) if a.elements.iter().any(|e|
            member(e, "start_date").is_some() || member(e, "text").is_some() || member(e, "startDate").is_some()))
    };
    slides_like(member(root, "events"))
        || member(root, "timeline").is_some_and(|t| slides_like(member(t, "date")))
        || member(root, "storymap").is_some_and(|s| slides_like(member(s, "slides")))
}

/// Reads a TimelineJS document.
pub fn read(root: &Value, name: &str) -> Import {
    let mut import = Import::new(name);
    let (slides, title): (Vec<&Value>, Option<J>) = if let Some(Value::Array(a)) =
        member(root, "events")
    {
        (
            a.elements.iter().collect(),
            member(root, "title").map(to_serde),
        )
    } else if let Some(t) = member(root, "timeline") {
        let slides = match member(t, "date") {
            Some(Value::Array(a)) => a.elements.iter().collect(),
            _ => Vec::new(),
        };
        (slides, Some(to_serde(t)))
    } else if let Some(Value::Array(a)) = member(root, "storymap").and_then(|s| member(s, "slides"))
    {
        (a.elements.iter().collect(), None)
    } else {
        (Vec::new(), None)
    };
    let slides = slides
        .iter()
        .map(|v| (to_serde(v), Some(v.range().start)))
        .collect();
    read_slides(&mut import, title.as_ref(), slides, name);
    import
}

/// Reads the title slide and the slides (each with where it starts in the
/// file) into `import`. A StoryMapJS `overview` slide, or a sheet's `title`
/// row, is the data set's title and description, not an event.
pub fn read_slides(
    import: &mut Import,
    title: Option<&J>,
    slides: Vec<(J, Option<usize>)>,
    name: &str,
) {
    let is_title = |s: &J| {
        matches!(
            text_of(s, &["type"])
                .map(|t| t.to_ascii_lowercase())
                .as_deref(),
            Some("overview" | "title")
        )
    };
    let title = title.or_else(|| slides.iter().map(|(s, _)| s).find(|s| is_title(s)));
    if let Some(t) = title {
        let headline = text_of(t, &["text", "headline"]).or_else(|| text_of(t, &["headline"]));
        if let Some(h) = headline {
            import.dataset.title = import::plain_text(&h);
        }
        import.dataset.description = text_of(t, &["text", "text"])
            .or_else(|| text_of(t, &["text"]))
            .map(|s| import::plain_text(&s))
            .filter(|s| !s.is_empty());
    }
    let slides = slides.iter().filter(|(s, _)| !is_title(s));
    for (i, (slide, offset)) in slides.enumerate() {
        let offset = *offset;
        let headline = text_of(slide, &["text", "headline"])
            .or_else(|| text_of(slide, &["headline"]))
            .map(|h| import::plain_text(&h))
            .filter(|h| !h.is_empty());
        let title = headline.unwrap_or_else(|| format!("Event {}", i + 1));
        let id = import.id(
            text_of(slide, &["unique_id"]).as_deref(),
            &format!("event-{}", i + 1),
        );
        let start = date_of(slide, "start_date", "startDate");
        let end = date_of(slide, "end_date", "endDate");
        let when = match (start, end) {
            (Ok(Some(a)), Ok(Some(b))) => When::Between(Some(a), Some(b)),
            (Ok(Some(a)), Ok(None)) => When::At(a),
            (Ok(None), Ok(Some(b))) => When::Between(None, Some(b)),
            (Ok(None), Ok(None)) => When::Unknown,
            (Err(e), _) | (_, Err(e)) => {
                import.problem(
                    offset,
                    format!(
                        "event {} (\"{title}\"): {e}; it is kept without a date",
                        i + 1
                    ),
                    "TimelineJS dates are {\"year\": 1815, \"month\": 12, \"day\": 10}",
                );
                When::Unknown
            }
        };
        let mut e = import::event(id.clone(), title.clone(), when, offset);
        if let Some(d) = text_of(slide, &["display_date"]) {
            e.when_note = Some(format!("Shown as \"{d}\" in the timeline."));
        }
        e.category = text_of(slide, &["group"])
            .or_else(|| text_of(slide, &["tag"]))
            .and_then(|g| import.category(&g));
        let (lat, lon) = (
            slide.pointer("/location/lat").filter(|v| !v.is_null()),
            slide.pointer("/location/lon").filter(|v| !v.is_null()),
        );
        // Degrees as numbers, or as text (StoryMapJS writes either).
        let degrees = |v: &J| {
            match v {
                J::Number(n) => n.as_f64(),
                J::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            }
            .filter(|x| x.is_finite())
        };
        match (lat.and_then(degrees), lon.and_then(degrees)) {
            (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => {
                e.location = Some(import::at_point(
                    LatLon { lat, lon },
                    text_of(slide, &["location", "name"]).map(|n| format!("Place: {n}")),
                ));
            }
            _ if lat.is_none() && lon.is_none() => {}
            _ => {
                let show = |v: Option<&J>| v.map_or_else(|| "none".to_string(), J::to_string);
                import.problem(
                    offset,
                    format!(
                        "event {} (\"{title}\"): its location (lat {}, lon {}) is not a point on the globe; it is kept without a place",
                        i + 1,
                        show(lat),
                        show(lon)
                    ),
                    "TimelineJS and StoryMapJS locations are {\"lat\": 55.75, \"lon\": 37.62}, in degrees",
                );
            }
        }
        let body = text_of(slide, &["text", "text"])
            .or_else(|| text_of(slide, &["text"]).filter(|_| !slide["text"].is_object()))
            .map(|t| import::plain_text(&t))
            .filter(|t| !t.is_empty());
        let media = slide.get("media").or(slide.get("asset"));
        let media_text = |key: &str| {
            media
                .and_then(|m| m.get(key))
                .and_then(J::as_str)
                .map(import::plain_text)
                .filter(|s| !s.is_empty())
        };
        let url = media_text("url")
            .or_else(|| media_text("media"))
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        if let Some(body) = body {
            let passage = import.words(
                &id,
                RecordText {
                    text: body,
                    title: format!("{name}: \"{title}\""),
                    author: media_text("credit"),
                    url: url.clone(),
                    note: media_text("caption").map(|c| format!("Media: {c}")),
                    ..RecordText::default()
                },
            );
            e.passages.extend(passage);
        } else {
            let parts: Vec<String> = [
                url.map(|u| format!("Media: {u}")),
                media_text("caption").map(|c| format!("Caption: {c}")),
                media_text("credit").map(|c| format!("Credit: {c}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !parts.is_empty() {
                e.notes = Some(parts.join("\n"));
            }
        }
        import.push(e);
    }
}

/// Whether a table's header is TimelineJS's Google Sheets template (Year,
/// Month, Day, …, Headline, Text): its columns, lower-cased and trimmed.
pub fn is_sheet(names: &[String]) -> bool {
    // A table with coordinates is a table of places, whatever its dates.
    let placed = names.iter().any(|n| {
        matches!(
            super::record::Role::of(n),
            Some((
                super::record::Role::Lat | super::record::Role::Coordinates,
                _
            ))
        )
    });
    !placed
        && ["year", "month", "day", "headline"]
            .iter()
            .all(|c| names.iter().any(|n| n == c))
}

/// A row of TimelineJS's sheet template as a slide: the columns (names
/// lower-cased and trimmed) and their values.
pub fn sheet_slide(names: &[String], values: &[&str]) -> J {
    let get = |column: &str| {
        names
            .iter()
            .position(|n| n == column)
            .and_then(|i| values.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let text = |column: &str| get(column).map_or(J::Null, |v| J::String(v.to_string()));
    // "Time" is "20:00" or "8:30 PM"; its hour and minute as parts.
    let time = |column: &str| -> (J, J) {
        let Some(t) = get(column) else {
            return (J::Null, J::Null);
        };
        let upper = t.to_ascii_uppercase();
        let pm = upper.ends_with("PM");
        let clock = upper.trim_end_matches("AM").trim_end_matches("PM").trim();
        let mut parts = clock.split(':');
        let hour = parts.next().and_then(|h| h.trim().parse::<i64>().ok());
        let minute = parts.next().and_then(|m| m.trim().parse::<i64>().ok());
        match hour {
            Some(h) => {
                let h = if pm && h < 12 {
                    h + 12
                } else if !pm && upper.ends_with("AM") && h == 12 {
                    0
                } else {
                    h
                };
                (J::from(h), minute.map_or(J::Null, J::from))
            }
            None => (J::String(t.to_string()), J::Null),
        }
    };
    let date = |prefix: &str| {
        let (hour, minute) = time(&format!("{prefix}time"));
        serde_json::json!({
            "year": text(&format!("{prefix}year")),
            "month": text(&format!("{prefix}month")),
            "day": text(&format!("{prefix}day")),
            "hour": hour,
            "minute": minute,
        })
    };
    let mut slide = serde_json::json!({
        "start_date": date(""),
        "text": {"headline": text("headline"), "text": text("text")},
        "media": {
            "url": text("media"),
            "credit": text("media credit"),
            "caption": text("media caption"),
        },
        "group": text("group"),
        "display_date": text("display date"),
        "type": text("type"),
    });
    if get("end year").is_some() {
        slide["end_date"] = date("end ");
    }
    slide
}

/// The string at a path of keys, if it is a non-empty string or a number.
pub(super) fn text_of(v: &J, path: &[&str]) -> Option<String> {
    let mut node = v;
    for key in path {
        node = node.get(key)?;
    }
    match node {
        J::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        J::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A TimelineJS date: an object of parts (new shape) or "YYYY,MM,DD" (old).
fn date_of(slide: &J, key: &str, old_key: &str) -> Result<Option<Moment>, String> {
    if let Some(d) = slide.get(key).filter(|d| d.is_object()) {
        let part = |k: &str| -> Result<Option<i64>, String> {
            match d.get(k) {
                None | Some(J::Null) => Ok(None),
                Some(J::String(s)) if s.trim().is_empty() => Ok(None),
                Some(J::String(s)) => s
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{key}.{k} \"{s}\" is not a number")),
                Some(J::Number(n)) => n
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| format!("{key}.{k} {n} is not a whole number")),
                Some(other) => Err(format!("{key}.{k} is {other}, not a number")),
            }
        };
        return moment_of(
            part("year")?,
            part("month")?,
            part("day")?,
            part("hour")?,
            part("minute")?,
            part("second")?,
        )
        .map_err(|e| format!("{key}: {e}"));
    }
    if let Some(s) = slide.get(old_key).and_then(J::as_str) {
        let nums: Vec<Option<i64>> = s.split(',').map(|p| p.trim().parse().ok()).collect();
        let at = |i: usize| nums.get(i).copied().flatten();
        return moment_of(at(0), at(1), at(2), at(3), at(4), at(5))
            .map_err(|e| format!("{old_key} \"{s}\": {e}"));
    }
    Ok(None)
}

/// A moment as precise as the parts given, and no more.
fn moment_of(
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    hour: Option<i64>,
    minute: Option<i64>,
    second: Option<i64>,
) -> Result<Option<Moment>, String> {
    let Some(year) = year else {
        return Ok(None);
    };
    let year = i16::try_from(year).map_err(|_| format!("year {year} is out of range"))?;
    let Some(month) = month else {
        return Ok(Some(Moment::Year(year)));
    };
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not between 1 and 12"));
    }
    let Some(day) = day else {
        return Ok(Some(Moment::Month {
            year,
            month: month as i8,
        }));
    };
    let date = jiff::civil::Date::new(year, month as i8, day.clamp(0, 127) as i8)
        .map_err(|e| format!("{year}-{month}-{day} is not a date: {e}"))?;
    let Some(hour) = hour else {
        return Ok(Some(Moment::Day(date)));
    };
    let time = jiff::civil::Time::new(
        hour.clamp(-1, 99) as i8,
        minute.unwrap_or(0).clamp(-1, 99) as i8,
        second.unwrap_or(0).clamp(-1, 99) as i8,
        0,
    )
    .map_err(|e| format!("{hour}:{:02} is not a time: {e}", minute.unwrap_or(0)))?;
    // TimelineJS times carry no zone: read as UTC.
    DateTime::from_parts(date, time)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| Some(Moment::Instant(z)))
        .map_err(|e| e.to_string())
}

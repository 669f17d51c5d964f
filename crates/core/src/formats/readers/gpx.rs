//! GPX, what GPS devices, phones and trackers write (version 1.0 and
//! 1.1): each waypoint (`wpt`) is an event at its point and time; each
//! track (`trk`, its segments) and route (`rte`) an event drawn as its
//! line, spanning its first to its last time, as a KML track is. A name is
//! the title, `type` the category, `desc` and `cmt` the words (with the
//! `link` as their address).

use geo::{Coord, Geometry, LineString, MultiLineString};
use quick_xml::events::Event as Xml;

use super::import::{self, Import, RecordText};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{LatLon, Location, Moment, When, representative_point};

/// Whether a text is GPX: XML whose first element is `<gpx`.
pub fn looks_like(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('<') && head.contains("<gpx")
}

/// What a waypoint, track or route gives while it is read.
#[derive(Default)]
struct Feature {
    kind: &'static str,
    offset: usize,
    name: Option<String>,
    desc: Option<String>,
    cmt: Option<String>,
    kind_label: Option<String>,
    link: Option<String>,
    /// Its own time (a waypoint's), or its points' (a track's).
    times: Vec<String>,
    point: Option<LatLon>,
    /// A track's segments, a route's one line.
    lines: Vec<Vec<Coord<f64>>>,
}

/// Reads a GPX document; `name` names it in titles of its words.
pub fn read(text: &str, name: &str) -> Import {
    let mut import = Import::new(name);
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<Feature> = None;
    let mut counts = [0usize; 3];
    let mut title = None;
    let mut buf = String::new();
    loop {
        let at = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                import.diagnostics.push(
                    Diagnostic::error(Code::Syntax, format!("the GPX does not read as XML: {e}"))
                        .with_help(
                            "the file may be cut short; export it again from the device or app",
                        )
                        .at_offset(reader.error_position() as usize),
                );
                break;
            }
        };
        match event {
            Xml::Start(e) => {
                buf.clear();
                let tag = open(&e, at, &mut current, &mut import);
                stack.push(tag);
            }
            Xml::Empty(e) => {
                open(&e, at, &mut current, &mut import);
            }
            // An element's text may come in pieces: between entities, CDATA.
            Xml::Text(t) => buf.push_str(&t.decode().unwrap_or_default()),
            Xml::CData(t) => buf.push_str(&String::from_utf8_lossy(&t)),
            Xml::GeneralRef(r) => super::kml::push_entity(&r, &mut buf),
            Xml::End(e) => {
                let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                text_into(&stack, &mut current, &mut title, std::mem::take(&mut buf));
                stack.pop();
                if matches!(tag.as_str(), "wpt" | "trk" | "rte")
                    && let Some(f) = current.take()
                {
                    let k = match f.kind {
                        "waypoint" => 0,
                        "track" => 1,
                        _ => 2,
                    };
                    counts[k] += 1;
                    feature(&mut import, f, counts[k], name);
                }
            }
            Xml::Eof => break,
            _ => {}
        }
    }
    if let Some(t) = title {
        import.dataset.title = t;
    }
    if counts.iter().sum::<usize>() == 0 && !import.diagnostics.iter().any(Diagnostic::is_error) {
        import.diagnostics.push(
            Diagnostic::warning(
                Code::MissingField,
                "this GPX holds no waypoints, tracks or routes",
            )
            .with_help("export the waypoints or tracks themselves from the device or app")
            .at_offset(0),
        );
    }
    import
}

/// An element opening at `at`: a waypoint, track or route begins, a
/// segment or point is added to the one being read; its local name.
fn open(
    e: &quick_xml::events::BytesStart,
    at: usize,
    current: &mut Option<Feature>,
    import: &mut Import,
) -> String {
    let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let attr = |key: &[u8]| {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == key)
            .and_then(|a| a.unescape_value().ok().map(|v| v.trim().to_string()))
    };
    match (tag.as_str(), current) {
        ("wpt" | "trk" | "rte", current @ None) => {
            let mut f = Feature {
                kind: match tag.as_str() {
                    "wpt" => "waypoint",
                    "trk" => "track",
                    _ => "route",
                },
                offset: at,
                ..Feature::default()
            };
            if tag == "wpt" {
                f.point = point(import, at, attr(b"lat"), attr(b"lon"));
            }
            *current = Some(f);
        }
        ("trkseg", Some(f)) => f.lines.push(Vec::new()),
        ("trkpt" | "rtept", Some(f)) => {
            if let Some(p) = point(import, at, attr(b"lat"), attr(b"lon")) {
                if f.lines.is_empty() {
                    f.lines.push(Vec::new());
                }
                let line = f.lines.last_mut().expect("pushed");
                line.push(Coord { x: p.lon, y: p.lat });
            }
        }
        ("link", Some(f)) if f.link.is_none() => f.link = attr(b"href"),
        _ => {}
    }
    tag
}

/// A text inside the element on top of `stack`, kept where it belongs.
fn text_into(
    stack: &[String],
    current: &mut Option<Feature>,
    title: &mut Option<String>,
    value: String,
) {
    let value = value.trim().to_string();
    if value.is_empty() {
        return;
    }
    let top = stack.last().map(String::as_str);
    let parent = stack.len().checked_sub(2).map(|k| stack[k].as_str());
    match (current, top, parent) {
        (None, Some("name"), Some("metadata")) => *title = Some(value),
        (Some(f), Some("time"), _) => f.times.push(value),
        (Some(f), Some("name"), Some("wpt" | "trk" | "rte")) => f.name = Some(value),
        (Some(f), Some("desc"), Some("wpt" | "trk" | "rte")) => f.desc = Some(value),
        (Some(f), Some("cmt"), Some("wpt" | "trk" | "rte")) => f.cmt = Some(value),
        (Some(f), Some("type"), Some("wpt" | "trk" | "rte")) => f.kind_label = Some(value),
        _ => {}
    }
}

/// A point from its `lat` and `lon` attributes; a problem when they are
/// missing or off the globe.
fn point(
    import: &mut Import,
    at: usize,
    lat: Option<String>,
    lon: Option<String>,
) -> Option<LatLon> {
    let (la, lo) = (lat.unwrap_or_default(), lon.unwrap_or_default());
    match (la.parse::<f64>(), lo.parse::<f64>()) {
        (Ok(lat), Ok(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => Some(LatLon { lat, lon }),
        _ => {
            import.problem(
                Some(at),
                format!("the point lat=\"{la}\" lon=\"{lo}\" is not on the globe; it was left out"),
                "GPX points have lat and lon attributes in decimal degrees: <wpt lat=\"55.75\" lon=\"37.62\">",
            );
            None
        }
    }
}

/// The event a waypoint, track or route makes, the `n`th of its kind.
fn feature(import: &mut Import, f: Feature, n: usize, file: &str) {
    let mut kind = f.kind.chars();
    let fallback = match kind.next() {
        Some(first) => format!("{}{} {n}", first.to_uppercase(), kind.as_str()),
        None => format!("Feature {n}"),
    };
    let title = f.name.clone().unwrap_or_else(|| fallback.clone());
    let mut times: Vec<Moment> = Vec::new();
    for t in &f.times {
        match super::dates::parse(t) {
            Some(m) => times.push(m),
            None => import.problem(
                Some(f.offset),
                format!(
                    "{} \"{title}\": the time \"{t}\" does not read; it was left out",
                    f.kind
                ),
                "GPX times are UTC in ISO 8601: 2024-03-22T17:05:00Z",
            ),
        }
    }
    let when = match (times.iter().min_by(cmp), times.iter().max_by(cmp)) {
        (Some(a), Some(b)) if a == b => When::At(a.clone()),
        (Some(a), Some(b)) => When::Between(Some(a.clone()), Some(b.clone())),
        _ => When::Unknown,
    };
    let id_key = format!("{}-{n}", f.kind);
    let id = import.id(None, &id_key);
    let mut e = import::event(id.clone(), title.clone(), when, Some(f.offset));
    let lines: Vec<LineString<f64>> = f
        .lines
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(LineString::new)
        .collect();
    e.location = match (f.point, lines.len()) {
        (Some(p), _) => Some(import::at_point(p, None)),
        (None, 0) => None,
        (None, k) => {
            let g = if k == 1 {
                let line = lines.into_iter().next().expect("one");
                if line.0.len() == 1 {
                    Geometry::Point(geo::Point(line.0[0]))
                } else {
                    Geometry::LineString(line)
                }
            } else {
                Geometry::MultiLineString(MultiLineString::new(lines))
            };
            representative_point(&g).map(|point| Location {
                place: None,
                point: Some(point),
                precision: None,
                uncertainty_m: None,
                geometry: (!matches!(g, Geometry::Point(_))).then_some(g),
                note: None,
            })
        }
    };
    if let Some(label) = &f.kind_label {
        e.category = import.category(label);
    }
    let words = match (&f.desc, &f.cmt) {
        (Some(d), Some(c)) if d != c => Some(format!("{d}\n{c}")),
        (Some(d), _) => Some(d.clone()),
        (None, Some(c)) => Some(c.clone()),
        (None, None) => None,
    };
    if let Some(text) = words {
        let url = f
            .link
            .clone()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        if let Some(p) = import.words(
            &id,
            RecordText {
                text: import::plain_text(&text),
                title: format!("{file}, {}", fallback.to_lowercase()),
                url,
                ..RecordText::default()
            },
        ) {
            e.passages.push(p);
        }
    } else if let Some(link) = f.link {
        e.notes = Some(format!("Link: {link}"));
    }
    import.push(e);
}

/// Times in order (GPX's are instants in UTC; a zone never needed).
fn cmp(a: &&Moment, b: &&Moment) -> std::cmp::Ordering {
    let start = |m: &Moment| m.span(&jiff::tz::TimeZone::UTC).map(|(s, _)| s);
    start(a).cmp(&start(b))
}

#[cfg(test)]
mod tests {
    /// A waypoint's time, name, type and words (its description and
    /// comment, with its link as their address); a point off the globe
    /// said where it is, the rest read.
    #[test]
    fn a_waypoint_gives_its_time_words_and_category() {
        let gpx = r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>Field notes</name></metadata>
  <wpt lat="50.45" lon="30.52">
    <time>2024-03-22T17:05:00Z</time>
    <name>Crater by the bridge</name>
    <desc><![CDATA[A crater <b>4 m</b> across, filmed at dusk.]]></desc>
    <cmt>Seen from the east bank &amp; the road.</cmt>
    <type>Shelling</type>
    <link href="https://example.org/video"><text>Video</text></link>
  </wpt>
  <wpt lat="95" lon="30.52"><name>Nowhere</name></wpt>
</gpx>"#;
        let import = super::read(gpx, "notes.gpx");
        let d = &import.dataset;
        assert_eq!(d.title, "Field notes");
        assert_eq!(d.events.len(), 2);
        let e = &d.events[0];
        assert_eq!(e.title, "Crater by the bridge");
        assert_eq!(e.when.to_string(), "2024-03-22T17:05:00+00:00[UTC]");
        assert_eq!(e.category.as_deref(), Some("shelling"));
        let source = &d.sources[0];
        assert_eq!(source.url.as_deref(), Some("https://example.org/video"));
        assert_eq!(
            e.passages[0].quote,
            "A crater 4 m across, filmed at dusk.\nSeen from the east bank & the road."
        );
        assert!(d.events[1].location.is_none());
        let said: Vec<&str> = import
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            said,
            ["the point lat=\"95\" lon=\"30.52\" is not on the globe; it was left out"]
        );
        assert!(import.diagnostics[0].offset.unwrap() > gpx.find("Nowhere").unwrap() - 60);
    }
}

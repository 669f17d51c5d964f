//! KML (Google Earth) and KMZ (zipped KML): each Placemark becomes an event.
//! `TimeStamp/when` and `TimeSpan/begin,end` (either end may be missing;
//! values a dateTime, a date, `YYYY-MM` or `YYYY`); `name`; `description`
//! (HTML turned into plain text, never rendered); `ExtendedData` into the
//! event's notes; the Folders a placemark sits in as its category; Point,
//! LineString, Polygon and MultiGeometry.

use std::io::Read;

use geo::{Coord, Geometry, GeometryCollection, LineString, Point, Polygon};
use quick_xml::Reader;
use quick_xml::events::Event as Xml;

use super::import::{self, Import, RecordText};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{LatLon, Location, When, representative_point};

/// Whether a text is KML: XML with a `<kml` element near its start.
pub fn looks_like(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('<') && head.contains("<kml")
}

/// The KML document inside a KMZ archive: `doc.kml`, else its first `.kml` file.
pub fn unzip(bytes: &[u8]) -> Result<String, Box<Diagnostic>> {
    let fail = |message: String| {
        Diagnostic::error(Code::Syntax, message)
            .with_help(
                "a KMZ file is a zip archive holding a doc.kml; re-export it from Google Earth",
            )
            .at_offset(0)
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("this KMZ (zip) file does not open: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| {
            fail(format!(
                "this zip file holds no .kml file (it holds: {})",
                names.join(", ")
            ))
        })?
        .clone();
    let mut file = zip
        .by_name(&name)
        .map_err(|e| fail(format!("{name} in this KMZ file does not open: {e}")))?;
    // A KML larger than this inside a small KMZ is a zip bomb, not data.
    const LIMIT: u64 = 256 * 1024 * 1024;
    let mut text = String::new();
    (&mut file)
        .take(LIMIT)
        .read_to_string(&mut text)
        .map_err(|e| fail(format!("{name} in this KMZ file is not UTF-8 text: {e}")))?;
    Ok(text)
}

/// What is being read inside a placemark.
#[derive(Default)]
struct Placemark {
    offset: usize,
    name: Option<String>,
    description: Option<String>,
    id: Option<String>,
    when: Option<String>,
    begin: Option<String>,
    end: Option<String>,
    data: Vec<(String, String)>,
    geometries: Vec<Geometry<f64>>,
    /// Rings of the polygon being read: outer first.
    rings: Vec<LineString<f64>>,
}

/// Reads a KML text.
pub fn read(text: &str, name: &str) -> Import {
    let mut import = Import::new(name);
    let mut reader = Reader::from_str(text);
    // Element names from the root down, and the text of the innermost.
    let mut stack: Vec<String> = Vec::new();
    let mut content = String::new();
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut data_name: Option<String> = None;
    let mut placemark: Option<Placemark> = None;
    let mut count = 0;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let d =
                    Diagnostic::error(Code::Syntax, format!("the KML (XML) does not read: {e}"))
                        .with_help("check that every element is closed and that & is written &amp;")
                        .at_offset(reader.error_position() as usize);
                import.diagnostics.push(d);
                break;
            }
        };
        match event {
            Xml::Start(e) => {
                let tag = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                content.clear();
                match tag.as_str() {
                    "Placemark" => {
                        // Where its tag opens: the last '<' before the reader.
                        let end = (reader.buffer_position() as usize).min(text.len());
                        let offset = text.get(..end).and_then(|t| t.rfind('<')).unwrap_or(0);
                        placemark = Some(Placemark {
                            offset,
                            id: attribute(&e, "id"),
                            ..Placemark::default()
                        })
                    }
                    "Folder" => folders.push(None),
                    "Data" => data_name = attribute(&e, "name"),
                    "SimpleData" => data_name = attribute(&e, "name"),
                    _ => {}
                }
                stack.push(tag);
            }
            Xml::Empty(_) => {}
            Xml::Text(t) => content.push_str(&t.decode().unwrap_or_default()),
            Xml::CData(t) => content.push_str(&t.decode().unwrap_or_default()),
            Xml::GeneralRef(r) => {
                let name = r.decode().unwrap_or_default();
                let c = match name.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                match c {
                    Some(c) => content.push(c),
                    None => {
                        content.push('&');
                        content.push_str(&name);
                        content.push(';');
                    }
                }
            }
            Xml::End(_) => {
                let Some(tag) = stack.pop() else { continue };
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let value = std::mem::take(&mut content).trim().to_string();
                if let Some(p) = placemark.as_mut() {
                    match (tag.as_str(), parent) {
                        ("name", "Placemark") => p.name = Some(value),
                        ("description", "Placemark") => p.description = Some(value),
                        ("when", "TimeStamp") => p.when = Some(value),
                        ("begin", "TimeSpan") => p.begin = Some(value),
                        ("end", "TimeSpan") => p.end = Some(value),
                        ("value", "Data") => {
                            if let Some(n) = data_name.clone() {
                                p.data.push((n, value));
                            }
                        }
                        ("SimpleData", _) => {
                            if let Some(n) = data_name.take() {
                                p.data.push((n, value));
                            }
                        }
                        ("coordinates", _) => match coordinates(&value) {
                            Ok(coords) => match parent {
                                "Point" => p.geometries.extend(
                                    coords.first().map(|c| Geometry::Point(Point::from(*c))),
                                ),
                                "LineString" => p
                                    .geometries
                                    .push(Geometry::LineString(LineString::new(coords))),
                                "LinearRing" => p.rings.push(LineString::new(coords)),
                                _ => {}
                            },
                            Err(e) => import.problem(
                                Some(p.offset),
                                format!(
                                    "placemark \"{}\": {e}; that geometry was left out",
                                    p.name.as_deref().unwrap_or("?")
                                ),
                                "KML coordinates are lon,lat[,alt] triples separated by spaces",
                            ),
                        },
                        ("Polygon", _) => {
                            let mut rings = std::mem::take(&mut p.rings).into_iter();
                            if let Some(outer) = rings.next() {
                                p.geometries
                                    .push(Geometry::Polygon(Polygon::new(outer, rings.collect())));
                            }
                        }
                        ("Placemark", _) => {
                            let done = placemark.take().expect("inside a placemark");
                            let folder = folders.iter().flatten().cloned().collect::<Vec<_>>();
                            take_placemark(&mut import, done, &folder.join(" / "), count, name);
                            count += 1;
                        }
                        _ => {}
                    }
                } else if tag == "name" && parent == "Folder" {
                    if let Some(f) = folders.last_mut() {
                        *f = Some(value);
                    }
                } else if tag == "name" && parent == "Document" {
                    import.dataset.title = value;
                } else if tag == "Folder" {
                    folders.pop();
                }
            }
            Xml::Eof => break,
            _ => {}
        }
    }
    if count == 0 && import.diagnostics.is_empty() {
        let d = Diagnostic::warning(Code::EmptyValue, "this KML file has no Placemark")
            .with_help("events are read from Placemark elements")
            .at_offset(0);
        import.diagnostics.push(d);
    }
    import
}

fn attribute(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// "lon,lat[,alt] lon,lat[,alt] ..." as coordinates, each checked for range.
fn coordinates(s: &str) -> Result<Vec<Coord<f64>>, String> {
    s.split_whitespace()
        .map(|tuple| {
            let mut parts = tuple.split(',');
            let mut num = |what: &str| -> Result<f64, String> {
                let raw = parts
                    .next()
                    .ok_or_else(|| format!("\"{tuple}\" has no {what}"))?;
                raw.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("the {what} \"{raw}\" is not a number"))
            };
            let (x, y) = (num("longitude")?, num("latitude")?);
            if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
                return Err(format!("the coordinates {x},{y} are out of range"));
            }
            Ok(Coord { x, y })
        })
        .collect()
}

fn take_placemark(import: &mut Import, p: Placemark, folder: &str, n: usize, file: &str) {
    let title = p
        .name
        .clone()
        .unwrap_or_else(|| format!("Placemark {}", n + 1));
    let id = import.id(p.id.as_deref(), &format!("placemark-{}", n + 1));
    let moment = |s: &Option<String>, import: &mut Import| -> Option<crate::model::Moment> {
        let s = s.as_deref()?;
        let m = import::parse_date(s);
        if m.is_none() {
            import.problem(
                Some(p.offset),
                format!("placemark \"{title}\": the time \"{s}\" does not read; it was left out"),
                "KML times are dateTime (2008-08-12T01:00:00Z), date (2008-08-12), YYYY-MM or YYYY",
            );
        }
        m
    };
    let when = if p.when.is_some() {
        moment(&p.when, import).map_or(When::Unknown, When::At)
    } else if p.begin.is_some() || p.end.is_some() {
        let (a, b) = (moment(&p.begin, import), moment(&p.end, import));
        if a.is_none() && b.is_none() {
            When::Unknown
        } else {
            When::Between(a, b)
        }
    } else {
        When::Unknown
    };
    let mut e = import::event(id.clone(), title.clone(), when, Some(p.offset));
    e.category = import.category(folder);
    let geometry = match p.geometries.len() {
        0 => None,
        1 => p.geometries.into_iter().next(),
        _ => Some(Geometry::GeometryCollection(GeometryCollection::new_from(
            p.geometries,
        ))),
    };
    if let Some(g) = geometry {
        let (point, shape) = match &g {
            Geometry::Point(pt) => (
                Some(LatLon {
                    lat: pt.y(),
                    lon: pt.x(),
                }),
                None,
            ),
            other => (representative_point(other), Some(g.clone())),
        };
        e.location = Some(Location {
            place: None,
            point,
            precision: None,
            uncertainty_m: None,
            geometry: shape,
            note: None,
        });
    }
    if let Some(d) = p.description.as_deref().map(import::plain_text) {
        let passage = import.words(
            &id,
            RecordText {
                text: d,
                title: format!("{file}: description of \"{title}\""),
                ..RecordText::default()
            },
        );
        e.passages.extend(passage);
    }
    if !p.data.is_empty() {
        e.notes = Some(
            p.data
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    import.push(e);
}

//! GeoJSON (RFC 7946), as QGIS, kepler.gl and overpass write it: a
//! FeatureCollection (or one Feature) whose features become events. Every
//! geometry type is taken: a non-point event keeps its geometry and gets a
//! representative point for the marker. Time comes from the conventions in
//! use: our own `when` property, OGC JSON-FG's top-level `time` (`date`,
//! `timestamp`, `interval` with `..` for an open end), plain properties
//! (`time`, `times`, `date`, `start`/`end`, `datetime`), and namespaced keys
//! such as `incident:date:start`.

use jsonc_parser::ast::Value;
use jsonc_parser::common::Ranged;
use serde_json::{Map, Value as J};

use super::import::{self, Import, RecordText};
use super::json_tree::{member, to_serde};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Location, Moment, Precision, When, representative_point};

const GEOMETRY_TYPES: &[&str] = &[
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Whether a parsed JSON document is GeoJSON.
pub fn is_geojson(root: &Value) -> bool {
    matches!(member(root, "type"), Some(Value::StringLit(s))
        if s.value == "FeatureCollection" || s.value == "Feature" || GEOMETRY_TYPES.contains(&s.value.as_ref()))
}

const TITLE: &[&str] = &[
    "title",
    "name",
    "headline",
    "label",
    "incident:detail",
    "event",
];
const TEXT: &[&str] = &["description", "quote", "text", "details"];
const CATEGORY: &[&str] = &["category", "incident:type", "event_type", "type", "kind"];
const URL: &[&str] = &["url", "source_url", "incident:source:url", "link"];
const START: &[&str] = &[
    "time",
    "date",
    "start",
    "start_date",
    "datetime",
    "timestamp",
    "begin",
    "incident:date:start",
    "incident:date",
];
const END: &[&str] = &["end", "end_date", "incident:date:end"];

/// Reads a GeoJSON document.
pub fn read(root: &Value, name: &str) -> Import {
    let mut import = Import::new(name);
    if let Some(Value::StringLit(s)) = member(root, "name").or(member(root, "title")) {
        import.dataset.title = s.value.to_string();
    }
    let features: Vec<&Value> = match member(root, "type") {
        Some(Value::StringLit(s)) if s.value == "FeatureCollection" => {
            match member(root, "features") {
                Some(Value::Array(a)) => a.elements.iter().collect(),
                other => {
                    let mut d = Diagnostic::error(
                    Code::MissingField,
                    "this FeatureCollection has no \"features\" array",
                )
                .with_help("a FeatureCollection is {\"type\": \"FeatureCollection\", \"features\": [...]}")
                .at_path("$.features");
                    d.offset = Some(other.map_or(root.range().start, |v| v.range().start));
                    import.diagnostics.push(d);
                    return import;
                }
            }
        }
        Some(Value::StringLit(s)) if s.value == "Feature" => vec![root],
        // A bare geometry: one event with no properties.
        _ => vec![root],
    };
    for (i, v) in features.iter().enumerate() {
        let offset = Some(v.range().start);
        let json = to_serde(v);
        let json = if json.get("type").and_then(J::as_str) == Some("Feature") {
            json
        } else {
            serde_json::json!({"type": "Feature", "geometry": json, "properties": {}})
        };
        let feature: geojson::Feature = match serde_json::from_value(json.clone()) {
            Ok(f) => f,
            Err(e) => {
                import.problem(
                    offset,
                    format!("feature {i} is not valid GeoJSON ({e}); it was skipped"),
                    "a feature is {\"type\": \"Feature\", \"geometry\": {...}, \"properties\": {...}}",
                );
                continue;
            }
        };
        let props = feature.properties.clone().unwrap_or_default();
        let text = |keys: &[&str]| first_text(&props, keys);
        let own_id = match &feature.id {
            Some(geojson::feature::Id::String(s)) => Some(s.clone()),
            Some(geojson::feature::Id::Number(n)) => Some(n.to_string()),
            None => text(&["id"]),
        };
        let id = import.id(own_id.as_deref(), &format!("feature-{i}"));
        let title = text(TITLE).unwrap_or_else(|| format!("Feature {i}"));
        let when = match feature_when(&props, json.get("time")) {
            Ok(w) => w,
            Err(e) => {
                import.problem(
                    offset,
                    format!("feature {i} (\"{title}\"): {e}; the event is kept without a date"),
                    "write times in ISO 8601: 2022-12-24, 2022-12-24T18:00:00Z, or an interval [start, end]",
                );
                When::Unknown
            }
        };
        let mut e = import::event(id.clone(), title.clone(), when, offset);
        e.category = text(CATEGORY).and_then(|c| import.category(&c));
        e.summary = text(&["summary"]);
        match props.get("actors") {
            Some(J::String(s)) => e.actors = split_list(s),
            Some(J::Array(a)) => {
                e.actors = a.iter().filter_map(J::as_str).map(str::to_string).collect()
            }
            _ => {}
        }
        if let Some(geometry) = &feature.geometry {
            match geo::Geometry::<f64>::try_from(&geometry.value) {
                Ok(g) => {
                    let (point, shape) = match &g {
                        geo::Geometry::Point(p) => (
                            Some(crate::model::LatLon {
                                lat: p.y(),
                                lon: p.x(),
                            }),
                            None,
                        ),
                        other => (representative_point(other), Some(g.clone())),
                    };
                    if let Some(p) = point.filter(|p| p.lat.abs() > 90.0 || p.lon.abs() > 180.0) {
                        import.problem(
                            offset,
                            format!(
                                "feature {i} (\"{title}\"): coordinates {}, {} are out of range; the event is kept without a place",
                                p.lon, p.lat
                            ),
                            "GeoJSON positions are [longitude, latitude] in WGS84 degrees",
                        );
                    } else {
                        e.location = Some(Location {
                            place: None,
                            point,
                            precision: text(&["precision"]).and_then(|p| Precision::parse(&p)),
                            uncertainty_m: props.get("uncertainty_m").and_then(J::as_f64),
                            geometry: shape,
                            note: text(&["place"]).map(|p| format!("Place: {p}")),
                        });
                    }
                }
                Err(err) => import.problem(
                    offset,
                    format!("feature {i}: its geometry does not read ({err}); the event is kept without a place"),
                    "see RFC 7946 for the geometry types",
                ),
            }
        }
        let url = text(URL).filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        match text(TEXT) {
            Some(words) => {
                let passage = import.words(
                    &id,
                    RecordText {
                        text: import::plain_text(&words),
                        title: text(&["source"])
                            .or(url.clone())
                            .unwrap_or_else(|| format!("{name}: {title}")),
                        url: url.clone(),
                        ..RecordText::default()
                    },
                );
                e.passages.extend(passage);
            }
            None => {
                if let Some(u) = &url {
                    e.notes = Some(format!("Source: {u}"));
                }
            }
        }
        let other: Vec<String> = props
            .iter()
            .filter(|(k, _)| !is_read(k))
            .filter_map(|(k, v)| scalar(v).map(|v| format!("{k}: {v}")))
            .collect();
        if !other.is_empty() {
            let notes = e.notes.take().map(|n| n + "\n").unwrap_or_default();
            e.notes = Some(notes + &other.join("\n"));
        }
        import.push(e);
    }
    import
}

/// Keys this reader takes a meaning from (the rest go to the event's notes).
fn is_read(key: &str) -> bool {
    [TITLE, TEXT, CATEGORY, URL, START, END]
        .iter()
        .any(|keys| keys.contains(&key))
        || matches!(
            key,
            "id" | "when"
                | "times"
                | "precision"
                | "uncertainty_m"
                | "summary"
                | "place"
                | "source"
                | "actors"
        )
}

fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

fn scalar(v: &J) -> Option<String> {
    match v {
        J::String(s) if !s.is_empty() => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn first_text(props: &Map<String, J>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        props
            .get(*k)
            .and_then(scalar)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    })
}

/// An event's time, by the first convention the feature uses.
fn feature_when(props: &Map<String, J>, jsonfg: Option<&J>) -> Result<When, String> {
    // Ours first: it carries disputed dates and ranges exactly.
    if let Some(w) = props.get("when") {
        return match w {
            J::String(s) => When::parse(s, Some(&jiff::tz::TimeZone::UTC)).map_err(|e| e.message),
            other => super::native::when_from_json(&other.to_string()),
        };
    }
    if let Some(J::Object(t)) = jsonfg {
        if let Some(J::Array(iv)) = t.get("interval") {
            let end = |v: Option<&J>| -> Result<Option<Moment>, String> {
                match v.and_then(J::as_str) {
                    None | Some("..") => Ok(None),
                    Some(s) => moment(s).map(Some),
                }
            };
            return Ok(When::Between(end(iv.first())?, end(iv.get(1))?));
        }
        if let Some(s) = t.get("timestamp").or(t.get("date")).and_then(J::as_str) {
            return moment(s).map(When::At);
        }
    }
    if let Some(J::Array(times)) = props.get("times") {
        let all: Vec<Moment> = times
            .iter()
            .filter_map(J::as_str)
            .map(moment)
            .collect::<Result<_, _>>()?;
        return Ok(match all.as_slice() {
            [] => When::Unknown,
            [one] => When::At(one.clone()),
            [first, .., last] => When::Between(Some(first.clone()), Some(last.clone())),
        });
    }
    let start = first_text(props, START);
    let end = first_text(props, END);
    Ok(match (start, end) {
        (Some(a), Some(b)) => When::Between(Some(moment(&a)?), Some(moment(&b)?)),
        (Some(a), None) => When::At(moment(&a)?),
        (None, Some(b)) => When::Between(None, Some(moment(&b)?)),
        (None, None) => When::Unknown,
    })
}

fn moment(s: &str) -> Result<Moment, String> {
    import::parse_date(s).ok_or_else(|| format!("the time \"{s}\" does not read"))
}

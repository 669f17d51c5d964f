//! GeoJSON (RFC 7946), as QGIS, kepler.gl and overpass write it: a
//! FeatureCollection (or one Feature, or a bare geometry) whose features
//! become events. Every geometry type is taken: a non-point event keeps its
//! shape and gets a representative point for its marker. Time comes from the
//! conventions in use: our own `when` property, OGC JSON-FG's top-level
//! `time` (`date`, `timestamp`, `interval` with `..` for an open end), a
//! `times` list, and the dates of the shared vocabulary (`date`, `start`/
//! `end`, ACLED's `event_date` at its `time_precision`, `incident:date:start`…).
//! Properties mean what they mean in a CSV ([`super::record`]): an ACLED
//! export turned into GeoJSON reads as the CSV does.
//!
//! A file of any size is read the same way: [`super::json_scan`] finds
//! each feature's bytes, features are parsed on every core straight into the
//! packed table, and the file stays memory-mapped: a feature is parsed in
//! full again when its event is asked for ([`GeoJsonRecords`]).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::file::FileBytes;
use super::json_scan::{self, Member};
use super::record::{Fields, Flavor, Problem, Role, Slots, clean_id};
use super::runs::{self, Part};
use super::{Cancelled, Progress, Stage};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{LatLon, Moment, When, representative_point};
use crate::store::{Detail, EventTable, Meta, PackedTime, Records, Row};

const GEOMETRY_TYPES: &[&str] = &[
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// About how many bytes of features each core parses at a time.
const RUN: usize = 4 << 20;

/// A key of a JSON object, borrowed from the file when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON object's members in file order, their values unparsed.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(Key(k)) = map.next_key()? {
                    let v: &'de RawValue = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'a> Members<'a> {
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// A key that appears more than once (a reader would silently take either).
    fn repeated(&self) -> Option<&str> {
        // A few keys are compared pairwise; many (a feature of 10^5
        // properties) through a set, never in time growing with the square.
        if self.0.len() <= 16 {
            return self
                .0
                .iter()
                .enumerate()
                .find(|(i, (k, _))| self.0[..*i].iter().any(|(o, _)| o == k))
                .map(|(_, (k, _))| k.as_ref());
        }
        let mut seen = rustc_hash::FxHashSet::default();
        self.0
            .iter()
            .find(|(k, _)| !seen.insert(k.as_ref()))
            .map(|(k, _)| k.as_ref())
    }
}

/// A JSON value as text: a string unescaped, a number or a boolean as
/// written; `None` for null, an object or an array.
fn scalar<'a>(v: &'a RawValue) -> Option<Cow<'a, str>> {
    let raw = v.get();
    match raw.as_bytes().first()? {
        b'"' => {
            let inner = &raw[1..raw.len() - 1];
            if inner.contains('\\') {
                serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
            } else {
                Some(Cow::Borrowed(inner))
            }
        }
        b'-' | b'0'..=b'9' => serde_json::from_str::<serde_json::Number>(raw)
            .ok()
            .map(|n| Cow::Owned(n.to_string())),
        b't' | b'f' => Some(Cow::Borrowed(raw)),
        _ => None,
    }
}

/// A feature's properties, by role.
struct Props<'a> {
    members: Members<'a>,
    slots: Slots<usize>,
}

impl<'a> Props<'a> {
    fn new(members: Members<'a>) -> Props<'a> {
        let mut slots = Slots::new();
        for (i, (k, _)) in members.0.iter().enumerate() {
            slots.offer(k, i);
        }
        Props { members, slots }
    }

    fn raw(&self, role: Role) -> Option<&'a RawValue> {
        self.slots.get(role).map(|i| self.members.0[i].1)
    }
}

/// A property's value as text, trimmed; none when empty or not a scalar.
fn trimmed(v: &RawValue) -> Option<Cow<'_, str>> {
    match scalar(v)? {
        Cow::Borrowed(s) => Some(Cow::Borrowed(s.trim())).filter(|s| !s.is_empty()),
        Cow::Owned(s) => Some(Cow::<str>::Owned(s.trim().to_string())).filter(|s| !s.is_empty()),
    }
}

impl<'a> Fields<'a> for Props<'a> {
    fn text(&self, role: Role) -> Option<Cow<'a, str>> {
        let v = self.raw(role)?;
        // Our own `when` may be an object: a disputed date, in its JSON.
        if role == Role::When && v.get().starts_with('{') {
            return Some(Cow::Borrowed(v.get()));
        }
        trimmed(v)
    }

    fn more_words(&self) -> Vec<super::record::MoreWords<'a>> {
        self.slots.more_words(|i| trimmed(self.members.0[i].1))
    }

    fn list_into(&self, role: Role, out: &mut Vec<Cow<'a, str>>) {
        match self.raw(role) {
            Some(v) if v.get().starts_with('[') => out.extend(
                serde_json::from_str::<Vec<&RawValue>>(v.get())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(scalar)
                    .map(|s| Cow::<str>::Owned(s.trim().to_string()))
                    .filter(|s| !s.is_empty()),
            ),
            _ => super::record::split_into(self.text(role), out),
        }
    }

    /// Properties no role of a plain table reads, as `name: value`.
    fn unread(&self) -> Vec<String> {
        self.members
            .0
            .iter()
            .filter(|(k, _)| k != "times")
            .filter(|(k, _)| Role::of(k).is_none_or(|(r, _)| r.codebook_only()))
            .filter(|(k, _)| super::record::more_words_field(k).is_none())
            .filter_map(|(k, v)| {
                let v = scalar(v)?;
                (!v.is_empty()).then(|| format!("{k}: {v}"))
            })
            .collect()
    }
}

/// A feature parsed: its members, its properties by role, its geometry.
struct Feature<'a> {
    members: Members<'a>,
    props: Props<'a>,
}

/// Parses the feature in `bytes` (a geometry alone is a feature with no
/// properties); an error says what is wrong, and whether the JSON itself is.
fn parse_feature(bytes: &[u8]) -> Result<Feature<'_>, serde_json::Error> {
    let members: Members = serde_json::from_slice(bytes)?;
    let is_feature = members
        .get("type")
        .is_some_and(|t| t.get() == "\"Feature\"");
    if !is_feature {
        // A bare geometry: one event, no properties.
        return Ok(Feature {
            props: Props::new(Members(Vec::new())),
            members: Members(vec![(
                Cow::Borrowed("geometry"),
                serde_json::from_slice::<&RawValue>(bytes)?,
            )]),
        });
    }
    let props = match members.get("properties") {
        Some(p) if p.get() != "null" => serde_json::from_str::<Members>(p.get())?,
        _ => Members(Vec::new()),
    };
    Ok(Feature {
        members,
        props: Props::new(props),
    })
}

/// A feature's point and shape: a Point's coordinates read at once, other
/// geometries through `geojson` and `geo`.
#[allow(clippy::type_complexity)]
fn geometry(raw: &RawValue) -> Result<Option<(LatLon, Option<geo::Geometry<f64>>)>, String> {
    if raw.get() == "null" {
        return Ok(None);
    }
    #[derive(serde::Deserialize)]
    struct Point<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        coordinates: Option<&'a RawValue>,
    }
    let p: Point = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    if p.kind == "Point" {
        let c: Vec<f64> = p
            .coordinates
            .map(|c| serde_json::from_str(c.get()))
            .transpose()
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        return match c.as_slice() {
            [lon, lat, ..] => Ok(Some((
                LatLon {
                    lat: *lat,
                    lon: *lon,
                },
                None,
            ))),
            _ => Err("a Point needs [longitude, latitude]".into()),
        };
    }
    let g: geojson::Geometry = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    let kind = g.value.type_name();
    let g = geo::Geometry::<f64>::try_from(&g.value).map_err(|e| e.to_string())?;
    // A geometry with no positions (`"coordinates": []`) is no place, and
    // said so, not silently an event without one.
    match representative_point(&g) {
        Some(p) => Ok(Some((p, Some(g)))),
        None => Err(format!(
            "the {kind} is empty, it has no positions; give its coordinates, or \"geometry\": null for an event with no place"
        )),
    }
}

/// A time in one of the forms these files write it.
fn moment(s: &str) -> Result<Moment, String> {
    super::dates::parse(s).ok_or_else(|| format!("the time \"{s}\" does not read"))
}

/// A feature's time by the conventions `props` does not cover: JSON-FG's
/// `time` member and a `times` list. `None` when it uses neither.
fn other_time(f: &Feature) -> Option<Result<When, String>> {
    if let Some(t) = f.members.get("time").filter(|t| t.get().starts_with('{')) {
        #[derive(serde::Deserialize)]
        struct Time {
            interval: Option<Vec<Option<String>>>,
            timestamp: Option<String>,
            date: Option<String>,
        }
        if let Ok(t) = serde_json::from_str::<Time>(t.get()) {
            if let Some(iv) = t.interval {
                let end = |v: Option<&Option<String>>| -> Result<Option<Moment>, String> {
                    match v.and_then(Option::as_deref) {
                        None | Some("..") => Ok(None),
                        Some(s) => moment(s).map(Some),
                    }
                };
                return Some((|| Ok(When::Between(end(iv.first())?, end(iv.get(1))?)))());
            }
            if let Some(s) = t.timestamp.or(t.date) {
                return Some(moment(&s).map(When::At));
            }
        }
    }
    let times = f.props.members.get("times")?;
    let all: Result<Vec<Moment>, String> = serde_json::from_str::<Vec<&RawValue>>(times.get())
        .ok()?
        .into_iter()
        .filter_map(scalar)
        .map(|s| moment(&s))
        .collect();
    Some(all.map(|all| match all.as_slice() {
        [] => When::Unknown,
        [one] => When::At(one.clone()),
        [first, .., last] => When::Between(Some(first.clone()), Some(last.clone())),
    }))
}

/// A feature's time: our `when`, JSON-FG's, `times`, or the vocabulary's dates.
fn feature_when(f: &Feature, flavor: &Flavor, n: usize) -> (When, Option<Problem>) {
    let problem = |e: String| Problem {
        message: format!("feature {n}: {e}; the event is kept without a date"),
        help: "write times in ISO 8601: 2022-12-24, 2022-12-24T18:00:00Z, or an interval [start, end]",
    };
    if f.props.raw(Role::When).is_none()
        && let Some(other) = other_time(f)
    {
        return match other {
            Ok(w) => (w, None),
            Err(e) => (When::Unknown, Some(problem(e))),
        };
    }
    let (when, _, p) = flavor.when(&f.props, n);
    (when, p)
}

/// The feature's own id, if it has one: its `id` member, else its properties'.
fn own_id<'a>(f: &Feature<'a>) -> Option<Cow<'a, str>> {
    f.members
        .get("id")
        .and_then(scalar)
        .or_else(|| f.props.text(Role::Id))
}

/// Where a feature's bytes are, and its number in the collection.
type FeatureRef = (u64, u32, u32);

/// Parses one run of features into table rows.
/// `first` is the number of the run's first feature.
fn parse_run(bytes: &[u8], run: &[Range<usize>], first: usize, name: &str) -> Part<FeatureRef> {
    let mut part = Part::new(run.len());
    let utc = jiff::tz::TimeZone::UTC;
    let mut title = String::new();
    for (k, range) in run.iter().enumerate() {
        let (n, offset) = (first + k, range.start);
        let feature = match parse_feature(&bytes[range.clone()]) {
            Ok(f) => f,
            Err(e) => {
                part.problems.push(bad_feature(bytes, range, n, &e));
                continue;
            }
        };
        let flavor = Flavor::of(&feature.props.slots, name, "feature");
        if let Some(k) = feature
            .props
            .members
            .repeated()
            .or(feature.members.repeated())
        {
            part.problems.push(
                Diagnostic::warning(
                    Code::DuplicateKey,
                    format!("feature {n} names \"{k}\" twice; the first was read"),
                )
                .with_help("keep one of them: other tools may read the other")
                .at_offset(offset),
            );
        }
        let point = match feature.members.get("geometry").map(geometry) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some((p, shape)))) => {
                if p.lat.abs() > 90.0
                    || p.lon.abs() > 180.0
                    || !p.lat.is_finite()
                    || !p.lon.is_finite()
                {
                    part.problems.push(located(
                        offset,
                        Problem {
                            message: format!(
                                "feature {n}: coordinates {}, {} are out of range; the event is kept without a place",
                                p.lon, p.lat
                            ),
                            help: "GeoJSON positions are [longitude, latitude] in WGS84 degrees",
                        },
                    ));
                    None
                } else {
                    Some((p, shape))
                }
            }
            Some(Err(e)) => {
                part.problems.push(located(
                    offset,
                    Problem {
                        message: format!(
                            "feature {n}: its geometry does not read ({e}); the event is kept without a place"
                        ),
                        help: "see RFC 7946 for the geometry types",
                    },
                ));
                None
            }
        };
        let id = match own_id(&feature) {
            Some(raw) => clean_id(&raw).into_owned(),
            None => String::new(),
        };
        let id = if id.is_empty() {
            format!("feature-{n}")
        } else {
            id
        };
        let (when, problem) = feature_when(&feature, &flavor, n);
        if let Some(p) = problem {
            part.problems.push(located(offset, p));
        }
        let time = PackedTime::of(&when, false, &utc);
        if let When::Between(Some(_), Some(_)) = when
            && time.start > time.end
        {
            part.problems.push(
                Diagnostic::error(
                    Code::RangeReversed,
                    format!("the range \"{when}\" ends before it starts"),
                )
                .with_help("write the earlier date first: START/END")
                .at_offset(offset),
            );
        }
        let (precision, uncertainty_m) = flavor.precision(&feature.props);
        if let Some(u) = uncertainty_m.filter(|u| *u < 0.0) {
            part.problems.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("the uncertainty {u} m is negative"),
                )
                .with_help("give the radius, in metres, within which the event happened")
                .at_offset(offset),
            );
        }
        if let Err(p) = flavor.fatalities(&feature.props, n) {
            part.problems.push(located(offset, p));
        }
        let category = flavor
            .category(&feature.props)
            .map(|label| part.category(&label));
        let passages = flavor.passages(&feature.props);
        if passages == 0 {
            part.uncited(offset, &id);
        }
        flavor.title_into(&feature.props, n, &mut title);
        let (point, shape) = point.map_or((None, None), |(p, s)| (Some(p), s));
        part.table.push(Row {
            id: &id,
            title: &title,
            time: Some(time),
            point,
            precision,
            uncertainty_m,
            region: None,
            category,
            actors: flavor.actors(&feature.props),
            geometry: shape,
            passages,
            anchored: passages,
            grade: 0,
        });
        part.refs
            .push((offset as u64, range.len() as u32, n as u32));
    }
    part
}

fn located(offset: usize, p: Problem) -> Diagnostic {
    Diagnostic::error(Code::BadRecord, p.message)
        .with_help(p.help)
        .at_offset(offset)
}

/// A feature that does not parse: its JSON broken (the file is), or not
/// the shape of a feature (it is skipped).
fn bad_feature(bytes: &[u8], range: &Range<usize>, n: usize, e: &serde_json::Error) -> Diagnostic {
    use serde_json::error::Category;
    // serde_json says where, in lines and columns of the feature's bytes.
    let slice = &bytes[range.clone()];
    let line_start: usize = slice
        .split(|&b| b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    let at = range.start + (line_start + e.column().saturating_sub(1)).min(slice.len());
    match e.classify() {
        Category::Syntax | Category::Eof => {
            Diagnostic::error(Code::Syntax, format!("invalid JSON: {e}"))
                .with_help("check the JSON syntax near this position")
                .at_offset(at)
        }
        _ => Diagnostic::error(
            Code::BadRecord,
            format!("feature {n} is not valid GeoJSON ({e}); it was skipped"),
        )
        .with_help(
            "a feature is {\"type\": \"Feature\", \"geometry\": {...}, \"properties\": {...}}",
        )
        .at_offset(range.start),
    }
}

/// The features of a GeoJSON file that stay in it, each parsed again when asked for.
pub struct GeoJsonRecords {
    bytes: Arc<FileBytes>,
    name: String,
    refs: Vec<FeatureRef>,
}

impl Records for GeoJsonRecords {
    fn detail(&self, table: &EventTable, i: usize) -> Detail {
        let (start, len, n) = self.refs[i];
        let range = start as usize..start as usize + len as usize;
        let feature = parse_feature(&self.bytes[range.clone()])
            .expect("a feature that parsed once parses again");
        let flavor = Flavor::of(&feature.props.slots, &self.name, "feature");
        let (point, shape) = match feature.members.get("geometry").map(geometry) {
            Some(Ok(Some((p, s)))) if p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0 => (Some(p), s),
            _ => (None, None),
        };
        let category = table
            .category(i)
            .map(|c| table.meta.categories[c].id.clone());
        let mut detail = flavor.event(
            &feature.props,
            n as usize,
            range.start,
            table.id(i),
            category,
            point,
            shape,
        );
        // JSON-FG's time and `times` are read as the table read them.
        if feature.props.raw(Role::When).is_none()
            && let Some(Ok(w)) = other_time(&feature)
        {
            detail.event.when = w;
        }
        detail
    }

    fn heap_bytes(&self) -> usize {
        self.refs.capacity() * std::mem::size_of::<FeatureRef>()
    }
}

/// What reading a GeoJSON file gave.
pub struct Read {
    pub table: Option<(EventTable, GeoJsonRecords)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a document's top members say it is GeoJSON (and not ours).
pub fn is_geojson(bytes: &[u8], members: &[Member]) -> bool {
    let value = |key: &str| {
        members
            .iter()
            .find(|(k, _)| &bytes[k.clone()] == key.as_bytes())
            .map(|(_, v)| &bytes[v.clone()])
    };
    let is_type = value("type").is_some_and(|t| {
        let t = t
            .strip_prefix(b"\"")
            .and_then(|t| t.strip_suffix(b"\""))
            .unwrap_or(b"");
        t == b"FeatureCollection"
            || t == b"Feature"
            || GEOMETRY_TYPES.iter().any(|g| g.as_bytes() == t)
    });
    is_type && value("format") != Some(b"\"incident-map\"")
}

/// Reads a GeoJSON document whose top object's members are `members`.
pub fn read(
    bytes: Arc<FileBytes>,
    root: Range<usize>,
    members: &[Member],
    name: &str,
    progress: Option<&Progress>,
) -> Result<Read, Cancelled> {
    let value = |key: &str| {
        members
            .iter()
            .find(|(k, _)| &bytes[k.clone()] == key.as_bytes())
            .map(|(_, v)| v.clone())
    };
    let fail = |d: Diagnostic| Read {
        table: None,
        diagnostics: vec![d],
    };
    let is_collection = value("type").is_some_and(|t| &bytes[t] == b"\"FeatureCollection\"");
    let features: Vec<Range<usize>> = if is_collection {
        match value("features") {
            Some(f) if bytes.get(f.start) == Some(&b'[') => {
                match json_scan::elements(&bytes, f.start) {
                    Ok(e) => e,
                    Err(e) => return Ok(fail(scan_error(e))),
                }
            }
            other => {
                return Ok(fail(
                    Diagnostic::error(
                        Code::MissingField,
                        "this FeatureCollection has no \"features\" array",
                    )
                    .with_help("a FeatureCollection is {\"type\": \"FeatureCollection\", \"features\": [...]}")
                    .at_offset(other.map_or(root.start, |r| r.start)),
                ));
            }
        }
    } else {
        vec![root]
    };
    // The data set's name, if the collection gives one.
    let title = value("name")
        .or(value("title"))
        .and_then(|r| serde_json::from_slice::<String>(&bytes[r]).ok())
        .unwrap_or_else(|| name.to_string());
    let run_list = runs::group(features.iter().map(Range::len), RUN);
    let merged = runs::parse_all(
        &run_list,
        features.len(),
        |run| parse_run(&bytes, &features[run.clone()], run.start, name),
        progress,
    )?;
    drop(features);
    let mut diagnostics = merged.problems.clone();
    diagnostics.extend(merged.no_passage());
    if let Some(p) = progress {
        p.set_stage(Stage::Indexing);
    }
    let meta = Meta {
        title,
        categories: super::csv::categories(&merged.labels),
        ..Meta::default()
    };
    let table = merged.table.finish(meta);
    Ok(Read {
        table: Some((
            table,
            GeoJsonRecords {
                bytes,
                name: name.to_string(),
                refs: merged.refs,
            },
        )),
        diagnostics,
    })
}

/// The structure of the document breaks here.
pub fn scan_error(e: json_scan::ScanError) -> Diagnostic {
    Diagnostic::error(Code::Syntax, format!("invalid JSON: {}", e.message))
        .with_help("the file may be cut short, or a } or ] is missing or out of place")
        .at_offset(e.offset)
}

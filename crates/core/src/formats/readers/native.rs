//! The native format: a versioned JSON file that holds a whole [`Dataset`].
//!
//! Written by hand and read back losslessly; documented with an annotated
//! example in `docs/format.md`. Reading decodes the positioned JSON tree field
//! by field so that every problem is reported with its place, and unknown
//! fields are errors with a hint rather than silently dropped.

use jiff::tz::TimeZone;
use jsonc_parser::ast::Value;
use jsonc_parser::common::Ranged;

use super::json_tree::{Obj, Report};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;

const ROOT_FIELDS: &[&str] = &[
    "$schema",
    "format",
    "version",
    "title",
    "description",
    "time_zone",
    "reference_place",
    "categories",
    "places",
    "sources",
    "events",
];
const CATEGORY_FIELDS: &[&str] = &["id", "label", "color", "description"];
const PLACE_FIELDS: &[&str] = &[
    "id",
    "name",
    "other_names",
    "kind",
    "point",
    "precision",
    "iso3166_2",
    "within",
    "note",
];
const POINT_FIELDS: &[&str] = &["lat", "lon"];
const SOURCE_FIELDS: &[&str] = &[
    "id",
    "title",
    "author",
    "publisher",
    "published",
    "url",
    "text_file",
    "text",
    "note",
    "sha256",
    "added",
    "reliability",
];
const EVENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "summary",
    "category",
    "actors",
    "when",
    "approximate",
    "when_note",
    "where",
    "passages",
    "claims",
    "casualties",
    "relations",
    "notes",
];
const WHERE_FIELDS: &[&str] = &[
    "place",
    "point",
    "precision",
    "uncertainty_m",
    "geometry",
    "note",
];
const PASSAGE_FIELDS: &[&str] = &[
    "id",
    "source",
    "quote",
    "prefix",
    "suffix",
    "start",
    "end",
    "note",
    "credibility",
];
const CLAIM_FIELDS: &[&str] = &["about", "says", "record", "verdict", "passage"];
const CASUALTY_FIELDS: &[&str] = &["killed", "injured", "as_of", "source", "note"];
const RELATION_FIELDS: &[&str] = &["kind", "event", "note"];
const READING_FIELDS: &[&str] = &["when", "source", "passage", "note"];

/// Words people write by habit, and the field this format uses for them.
const ALIASES: &[(&str, &str)] = &[
    ("latitude", "lat"),
    ("lng", "lon"),
    ("long", "lon"),
    ("longitude", "lon"),
    ("date", "when"),
    ("time", "when"),
    ("location", "where"),
    ("place", "where"),
    ("description", "summary"),
    ("name", "title"),
    ("type", "category"),
    ("text", "quote"),
    ("exact", "quote"),
];

/// True when `root` looks like a native file (it says so in `format`).
pub fn is_native(root: &Value) -> bool {
    matches!(root, Value::Object(o) if o.properties.iter().any(|p| p.name.as_str() == "format"
        && matches!(&p.value, Value::StringLit(s) if s.value == FORMAT_NAME)))
}

/// Decodes a parsed native file into a dataset, reporting every problem.
pub fn decode(root: &Value, report: &mut Report) -> Option<Dataset> {
    let o = Obj::new(root, "$", "the data file", ROOT_FIELDS, &[], report)?;
    let format = o.req_string(
        "format",
        "the data file",
        "start the file with \"format\": \"incident-map\", \"version\": 1",
        report,
    )?;
    if format != FORMAT_NAME {
        report.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("\"{format}\" is not the incident-map format"),
            )
            .with_help("set \"format\": \"incident-map\"")
            .at_path("$.format")
            .at_offset(o.get("format").map_or(0, |v| v.start())),
        );
        return None;
    }
    let version = match o.get("version") {
        None => {
            o.missing("version", "the data file", "add \"version\": 1", report);
            return None;
        }
        Some(v) => report.count(v, "$.version")?,
    };
    if version == 0 || version > u64::from(FORMAT_VERSION) {
        report.push(
            Diagnostic::error(
                Code::UnsupportedVersion,
                format!("format version {version} is not supported; this app reads version {FORMAT_VERSION}"),
            )
            .with_help("a newer version needs a newer incident-map; otherwise set \"version\": 1")
            .at_path("$.version")
            .at_offset(o.get("version").map_or(0, |v| v.start())),
        );
        return None;
    }
    let time_zone = o.opt_string("time_zone", report);
    let tz = time_zone
        .as_deref()
        .and_then(|name| match TimeZone::get(name) {
            Ok(tz) => Some(tz),
            Err(_) => {
                report.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("\"{name}\" is not a known time zone"),
                    )
                    .with_help("use an IANA zone name such as \"Europe/Moscow\" or \"UTC\"")
                    .at_path("$.time_zone")
                    .at_offset(o.get("time_zone").map_or(0, |v| v.start())),
                );
                None
            }
        });
    let tz = tz.as_ref();
    Some(Dataset {
        title: o
            .req_string(
                "title",
                "the data file",
                "give the data set a title",
                report,
            )
            .unwrap_or_default(),
        description: o.opt_string("description", report),
        time_zone,
        reference_place: o.opt_string("reference_place", report),
        categories: o.each("categories", report, decode_category),
        places: o.each("places", report, decode_place),
        sources: o.each("sources", report, |v, p, r| decode_source(v, p, tz, r)),
        events: o.each("events", report, |v, p, r| decode_event(v, p, tz, r)),
    })
}

fn decode_category(v: &Value, path: String, r: &mut Report) -> Option<Category> {
    let o = Obj::new(v, &path, "a category", CATEGORY_FIELDS, &[], r)?;
    let color = o.opt_string("color", r);
    if let Some(c) = &color {
        let ok =
            c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            r.push(
                Diagnostic::error(Code::InvalidValue, format!("\"{c}\" is not a colour"))
                    .with_help("write colours as #rrggbb, e.g. \"#d62728\"")
                    .at_path(o.path_of("color"))
                    .at_offset(o.get("color").map_or(0, |v| v.start())),
            );
        }
    }
    Some(Category {
        id: o.req_string(
            "id",
            "a category",
            "give the category an id, e.g. \"attack\"",
            r,
        )?,
        label: o
            .req_string(
                "label",
                "a category",
                "give the category a label to show in the legend",
                r,
            )
            .unwrap_or_default(),
        color,
        description: o.opt_string("description", r),
    })
}

fn decode_point(v: &Value, path: String, r: &mut Report) -> Option<LatLon> {
    let o = Obj::new(v, &path, "a point", POINT_FIELDS, ALIASES, r)?;
    let help = "write a point as {\"lat\": 55.7558, \"lon\": 37.6173} in WGS84 degrees";
    let lat = o.opt_number("lat", r);
    let lon = o.opt_number("lon", r);
    if o.get("lat").is_none() {
        o.missing("lat", "the point", help, r);
    }
    if o.get("lon").is_none() {
        o.missing("lon", "the point", help, r);
    }
    Some(LatLon {
        lat: lat?,
        lon: lon?,
    })
}

fn decode_precision(o: &Obj, r: &mut Report) -> Option<Precision> {
    let v = o.get("precision")?;
    let words: Vec<&str> = Precision::ALL.iter().map(|p| p.as_str()).collect();
    r.one_of(v, &o.path_of("precision"), &words)
        .and_then(|s| Precision::parse(&s))
}

fn decode_place(v: &Value, path: String, r: &mut Report) -> Option<Place> {
    let o = Obj::new(v, &path, "a place", PLACE_FIELDS, ALIASES, r)?;
    let id = o.req_string("id", "a place", "give the place an id, e.g. \"kremlin\"", r);
    let name = o.req_string("name", "a place", "give the place a name", r);
    let point = match o.get("point") {
        Some(p) => decode_point(p, o.path_of("point"), r),
        None => {
            o.missing(
                "point",
                "a place",
                "give its point, {\"lat\": .., \"lon\": ..}; for a region, a point inside it",
                r,
            );
            None
        }
    };
    let precision = decode_precision(&o, r);
    if o.get("precision").is_none() {
        o.missing(
            "precision",
            "a place",
            "say how precise its point is: building, street, district, town, region or country",
            r,
        );
    }
    let other_names = o.each("other_names", r, |v, p, r| {
        let n = Obj::new(v, &p, "another name", &["lang", "name"], &[], r)?;
        Some(OtherName {
            lang: n.req_string(
                "lang",
                "another name",
                "give the language code, e.g. \"ru\"",
                r,
            )?,
            name: n.req_string("name", "another name", "give the name", r)?,
        })
    });
    // A place whose id decoded is kept even when other fields are broken (the
    // error is reported), so that references to it do not cascade into more errors.
    Some(Place {
        id: id?,
        name: name.unwrap_or_default(),
        other_names,
        kind: o.opt_string("kind", r),
        point: point.unwrap_or(LatLon {
            lat: f64::NAN,
            lon: f64::NAN,
        }),
        precision: precision.unwrap_or(Precision::Region),
        iso3166_2: o.opt_string("iso3166_2", r),
        within: o.opt_string("within", r),
        note: o.opt_string("note", r),
        origin: Origin::default(),
    })
}

fn decode_when_string(
    v: &Value,
    path: &str,
    tz: Option<&TimeZone>,
    r: &mut Report,
) -> Option<When> {
    let s = r.string(v, path)?;
    match When::parse(&s, tz) {
        Ok(w) => Some(w),
        Err(e) => {
            r.push(
                Diagnostic::error(Code::InvalidDate, e.message)
                    .with_help(e.help)
                    .at_path(path)
                    .at_offset(v.start()),
            );
            None
        }
    }
}

/// A `when`: a date string, or `{"disputed": [readings]}`.
/// A `when` written as JSON text (a string, or `{"disputed": [...]}`), as
/// other formats carry ours; `Err` says why it is not one.
pub fn when_from_json(text: &str) -> Result<When, String> {
    let root = super::json_tree::parse(text).map_err(|d| d.message)?;
    let mut r = Report::default();
    match decode_when(&root, "$", None, &mut r) {
        Some(w) if r.diagnostics.is_empty() => Ok(w),
        _ => Err(r
            .diagnostics
            .first()
            .map_or("not a date".to_string(), |d| d.message.clone())),
    }
}

pub fn decode_when(v: &Value, path: &str, tz: Option<&TimeZone>, r: &mut Report) -> Option<When> {
    if !matches!(v, Value::Object(_)) {
        return decode_when_string(v, path, tz, r);
    }
    let o = Obj::new(v, path, "a disputed date", &["disputed"], &[], r)?;
    let readings = o.each("disputed", r, |v, p, r| {
        let ro = Obj::new(v, &p, "a reading", READING_FIELDS, &[], r)?;
        let when = match ro.get("when") {
            Some(w) => decode_when_string(w, &ro.path_of("when"), tz, r)?,
            None => {
                ro.missing("when", "a reading", "give the date this reading gives", r);
                return None;
            }
        };
        Some(Reading {
            when,
            source: ro.opt_string("source", r),
            passage: ro.opt_string("passage", r),
            note: ro.opt_string("note", r),
        })
    });
    if o.get("disputed").is_none() || readings.len() < 2 {
        r.push(
            Diagnostic::error(Code::InvalidValue, "a disputed date needs two or more readings")
                .with_help("list each candidate date with what gives it; for a date nobody gives, write \"unknown\"")
                .at_path(path)
                .at_offset(v.start()),
        );
        return None;
    }
    Some(When::Disputed(readings))
}

fn decode_source(v: &Value, path: String, tz: Option<&TimeZone>, r: &mut Report) -> Option<Source> {
    let o = Obj::new(v, &path, "a source", SOURCE_FIELDS, &[], r)?;
    let id = o.req_string(
        "id",
        "a source",
        "give the source an id, e.g. \"article\"",
        r,
    );
    let title = o.req_string("title", "a source", "give the source its title", r);
    let text_file = o.opt_string("text_file", r);
    let text = o.opt_string("text", r);
    if text_file.is_some() && text.is_some() {
        r.push(
            Diagnostic::error(
                Code::InvalidValue,
                "a source has both \"text_file\" and \"text\"",
            )
            .with_help("keep one: the full text inline, or the path of a file beside the data file")
            .at_path(o.path_of("text"))
            .at_offset(o.get("text").map_or(0, |v| v.start())),
        );
    }
    let published = o
        .get("published")
        .and_then(|v| decode_when_string(v, &o.path_of("published"), tz, r));
    Some(Source {
        id: id?,
        title: title.unwrap_or_default(),
        author: o.opt_string("author", r),
        publisher: o.opt_string("publisher", r),
        published,
        url: o.opt_string("url", r),
        text_file: text_file.map(Into::into),
        text,
        note: o.opt_string("note", r),
        sha256: o.opt_string("sha256", r),
        added: o.opt_string("added", r),
        reliability: o.get("reliability").and_then(|v| {
            let letters: Vec<&str> = Reliability::ALL.iter().map(|g| g.as_str()).collect();
            r.one_of(v, &o.path_of("reliability"), &letters)
                .and_then(|s| Reliability::parse(&s))
        }),
        loaded_text: None,
        origin: Origin::default(),
    })
}

pub(crate) fn decode_event(
    v: &Value,
    path: String,
    tz: Option<&TimeZone>,
    r: &mut Report,
) -> Option<Event> {
    let o = Obj::new(v, &path, "an event", EVENT_FIELDS, ALIASES, r)?;
    let id = o.req_string(
        "id",
        "an event",
        "give the event an id, e.g. \"crocus-attack\"",
        r,
    );
    let title = o.req_string("title", "an event", "give the event a title", r);
    let when = match o.get("when") {
        Some(w) => decode_when(w, &o.path_of("when"), tz, r),
        None => {
            o.missing(
                "when",
                "an event",
                "give its date, e.g. \"2024-03-07\"; if nobody knows it, write \"when\": \"unknown\"",
                r,
            );
            None
        }
    };
    let location = o
        .get("where")
        .and_then(|w| decode_where(w, o.path_of("where"), r));
    let actors = o.each("actors", r, |v, p, r| r.string(v, &p));
    let passages = o.each("passages", r, decode_passage);
    let claims = o.each("claims", r, decode_claim);
    let casualties = o.each("casualties", r, |v, p, r| decode_casualty(v, p, tz, r));
    let relations = o.each("relations", r, decode_relation);
    Some(Event {
        id: id?,
        title: title.unwrap_or_default(),
        summary: o.opt_string("summary", r),
        category: o.opt_string("category", r),
        actors,
        when: when.unwrap_or(When::Unknown),
        approximate: o.opt_bool("approximate", r).unwrap_or(false),
        when_note: o.opt_string("when_note", r),
        location,
        passages,
        claims,
        casualties,
        relations,
        notes: o.opt_string("notes", r),
        origin: Origin::default(),
    })
}

fn decode_where(v: &Value, path: String, r: &mut Report) -> Option<Location> {
    let o = Obj::new(v, &path, "a location (\"where\")", WHERE_FIELDS, ALIASES, r)?;
    let point = o
        .get("point")
        .and_then(|p| decode_point(p, o.path_of("point"), r));
    let place = o.opt_string("place", r);
    let geometry = o
        .get("geometry")
        .and_then(|g| decode_geometry(g, &o.path_of("geometry"), r));
    if o.get("point").is_none() && o.get("place").is_none() && o.get("geometry").is_none() {
        o.missing(
            "place",
            "the location",
            "give \"place\" (the id of a place) or \"point\" ({\"lat\": .., \"lon\": ..}), or both",
            r,
        );
    }
    let point = point.or_else(|| {
        geometry
            .as_ref()
            .and_then(crate::model::representative_point)
    });
    Some(Location {
        place,
        point,
        precision: decode_precision(&o, r),
        uncertainty_m: o.opt_number("uncertainty_m", r),
        geometry,
        note: o.opt_string("note", r),
    })
}

/// A GeoJSON geometry object, checked by the `geojson` crate.
pub fn decode_geometry(v: &Value, path: &str, r: &mut Report) -> Option<geo::Geometry<f64>> {
    let json = super::json_tree::to_serde(v);
    let problem = match serde_json::from_value::<geojson::Geometry>(json) {
        Ok(g) => match geo::Geometry::<f64>::try_from(&g.value) {
            Ok(g) => return Some(g),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    };
    r.push(
        Diagnostic::error(Code::InvalidValue, format!("not a GeoJSON geometry: {problem}"))
            .with_help("write a geometry as {\"type\": \"LineString\", \"coordinates\": [[lon, lat], ...]} (RFC 7946)")
            .at_path(path),
    );
    None
}

fn decode_passage(v: &Value, path: String, r: &mut Report) -> Option<Passage> {
    let o = Obj::new(v, &path, "a passage", PASSAGE_FIELDS, ALIASES, r)?;
    let source = o.req_string(
        "source",
        "a passage",
        "give the id of the source it quotes",
        r,
    );
    let quote = o.req_string("quote", "a passage", "give the source's exact words", r);
    Some(Passage {
        id: o.opt_string("id", r),
        source: source?,
        quote: quote?,
        prefix: o.opt_string("prefix", r),
        suffix: o.opt_string("suffix", r),
        start: o.opt_count("start", r).map(|n| n as usize),
        end: o.opt_count("end", r).map(|n| n as usize),
        note: o.opt_string("note", r),
        credibility: o.opt_count("credibility", r).and_then(|n| {
            let c = Credibility::new(n);
            if c.is_none() {
                r.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("credibility {n} is not on the Admiralty scale"),
                    )
                    .with_help("give 1 (confirmed by other sources) to 6 (truth cannot be judged)")
                    .at_path(o.path_of("credibility"))
                    .at_offset(o.get("credibility").map_or(0, |v| v.start())),
                );
            }
            c
        }),
        anchoring: Default::default(),
        origin: Origin::default(),
    })
}

fn decode_claim(v: &Value, path: String, r: &mut Report) -> Option<Claim> {
    let o = Obj::new(v, &path, "a claim", CLAIM_FIELDS, &[], r)?;
    let words: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
    let verdict = match o.get("verdict") {
        Some(v) => r
            .one_of(v, &o.path_of("verdict"), &words)
            .and_then(|s| Verdict::ALL.into_iter().find(|v| v.as_str() == s)),
        None => {
            o.missing(
                "verdict",
                "a claim",
                "say how it compares: matches, vague, silent or differs",
                r,
            );
            None
        }
    };
    let about = o.req_string(
        "about",
        "a claim",
        "say what the claim is about: date, place, target, ...",
        r,
    );
    let says = o.req_string("says", "a claim", "give what the source says", r);
    let record = o.req_string("record", "a claim", "give what the record shows", r);
    Some(Claim {
        about: about?,
        says: says?,
        record: record?,
        verdict: verdict?,
        passage: o.opt_string("passage", r),
    })
}

fn decode_casualty(
    v: &Value,
    path: String,
    tz: Option<&TimeZone>,
    r: &mut Report,
) -> Option<CasualtyReport> {
    let o = Obj::new(v, &path, "a casualty report", CASUALTY_FIELDS, &[], r)?;
    if o.get("killed").is_none() && o.get("injured").is_none() {
        o.missing(
            "killed",
            "a casualty report",
            "give \"killed\", \"injured\" or both",
            r,
        );
    }
    Some(CasualtyReport {
        killed: o.opt_count("killed", r),
        injured: o.opt_count("injured", r),
        as_of: o
            .get("as_of")
            .and_then(|w| decode_when_string(w, &o.path_of("as_of"), tz, r)),
        source: o.opt_string("source", r),
        note: o.opt_string("note", r),
    })
}

fn decode_relation(v: &Value, path: String, r: &mut Report) -> Option<Relation> {
    let o = Obj::new(v, &path, "a relation", RELATION_FIELDS, &[], r)?;
    let words: Vec<&str> = RelationKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = match o.get("kind") {
        Some(v) => r
            .one_of(v, &o.path_of("kind"), &words)
            .and_then(|s| RelationKind::ALL.into_iter().find(|k| k.as_str() == s)),
        None => {
            o.missing(
                "kind",
                "a relation",
                &format!("say which: {}", words.join(", ")),
                r,
            );
            None
        }
    };
    let event = o.req_string("event", "a relation", "give the id of the other event", r);
    Some(Relation {
        kind: kind?,
        event: event?,
        note: o.opt_string("note", r),
    })
}

/// The native file text of a dataset: pretty JSON, ending in a newline,
/// always in the current format version.
pub fn write(dataset: &Dataset) -> String {
    #[derive(serde::Serialize)]
    struct Header<'a> {
        format: &'static str,
        version: u32,
        #[serde(flatten)]
        dataset: &'a Dataset,
    }
    let header = Header {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        dataset,
    };
    let mut text = serde_json::to_string_pretty(&header).expect("a dataset always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::diagnostic::Code;
    use crate::formats::{Loaded, load_bytes};

    /// Loads a native document whose events are `events` (JSON text), with one
    /// place, one source with inline text and one category.
    fn load(events: &str) -> Loaded {
        let doc = format!(
            r##"{{"format": "incident-map", "version": 1, "title": "t",
            "categories": [{{"id": "attack", "label": "Attack", "color": "#d62728"}}],
            "places": [{{"id": "hall", "name": "Hall", "point": {{"lat": 55.8, "lon": 37.4}}, "precision": "building", "iso3166_2": "RU-MOS"}}],
            "sources": [{{"id": "s", "title": "S", "text": "It was a warning. It was a warning. Gunmen attacked."}}],
            "events": {events}}}"##
        );
        load_bytes(Path::new("test.json"), doc.as_bytes())
    }

    fn codes(l: &Loaded) -> Vec<(Code, String)> {
        l.diagnostics
            .iter()
            .map(|d| (d.code, d.json_path.clone().unwrap_or_default()))
            .collect()
    }

    const OK_EVENT: &str = r#"{"id": "a", "title": "A", "when": "2024-03-22", "category": "attack",
        "where": {"place": "hall"}, "passages": [{"id": "p", "source": "s", "quote": "Gunmen attacked."}]}"#;

    #[test]
    fn a_minimal_event_loads_clean() {
        let l = load(&format!("[{OK_EVENT}]"));
        assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
        assert!(
            l.usable().unwrap().event(0).passages[0]
                .anchoring
                .anchor()
                .is_some()
        );
    }

    #[test]
    fn references_inside_events_are_checked() {
        let l = load(&format!(
            r#"[{OK_EVENT}, {{"id": "b", "title": "B", "category": "atack",
            "when": {{"disputed": [{{"when": "2024", "source": "nope"}}, {{"when": "2023", "passage": "zzz"}}]}},
            "passages": [{{"id": "q", "source": "s", "quote": "Gunmen attacked."}}],
            "claims": [{{"about": "x", "says": "y", "record": "z", "verdict": "differs", "passage": "p"}}],
            "relations": [{{"kind": "follows", "event": "b"}}]}}]"#
        ));
        assert_eq!(
            codes(&l),
            [
                (Code::UnknownReference, "$.events[1].category".into()),
                (
                    Code::UnknownReference,
                    "$.events[1].when.disputed[0].source".into()
                ),
                (
                    Code::UnknownReference,
                    "$.events[1].when.disputed[1].passage".into()
                ),
                // "p" belongs to event "a": a claim cites its own event's passages.
                (
                    Code::UnknownReference,
                    "$.events[1].claims[0].passage".into()
                ),
                (Code::InvalidValue, "$.events[1].relations[0].event".into()),
            ]
        );
        assert!(l.diagnostics[0].help.as_deref() == Some("did you mean \"attack\"?"));
    }

    #[test]
    fn a_disputed_date_needs_two_readings_and_enums_suggest_values() {
        let l = load(
            r#"[{"id": "a", "title": "A", "when": {"disputed": [{"when": "2024"}]},
            "where": {"place": "hall", "precision": "bulding"},
            "passages": [{"source": "s", "quote": "Gunmen attacked."}],
            "relations": [{"kind": "respond_to", "event": "a"}]}]"#,
        );
        let msgs: Vec<String> = l
            .diagnostics
            .iter()
            .map(|d| format!("{} | {}", d.message, d.help.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(msgs.len(), 3, "{msgs:#?}");
        assert!(msgs[0].starts_with("a disputed date needs two or more readings"));
        assert!(
            msgs[1].contains("\"bulding\" is not an allowed value | did you mean \"building\"?")
        );
        assert!(
            msgs[2]
                .contains("\"respond_to\" is not an allowed value | did you mean \"responds_to\"?")
        );
    }

    #[test]
    fn repeated_quotes_and_stale_offsets_are_warnings_that_still_load() {
        let l = load(
            r#"[{"id": "a", "title": "A", "when": "unknown",
            "passages": [{"source": "s", "quote": "a warning"},
                         {"source": "s", "quote": "a warning", "prefix": "It was a warning. It was "},
                         {"source": "s", "quote": "Gunmen attacked.", "start": 3, "end": 19}]}]"#,
        );
        assert_eq!(
            codes(&l),
            [
                (
                    Code::PassageAmbiguous,
                    "$.events[0].passages[0].quote".into()
                ),
                (
                    Code::PassageOffsetsStale,
                    "$.events[0].passages[2].start".into()
                ),
            ]
        );
        assert!(
            l.diagnostics[1]
                .help
                .as_deref()
                .unwrap()
                .contains("\"start\": 36, \"end\": 52")
        );
        let store = l.usable().expect("warnings do not stop the app opening it");
        let event = store.event(0);
        let second = event.passages[1].anchoring.anchor().unwrap();
        assert_eq!(
            second.chars.start, 25,
            "the prefix chose the second occurrence"
        );
    }

    #[test]
    fn source_and_place_fields_are_checked() {
        let doc = r##"{"format": "incident-map", "version": 1, "title": "t", "time_zone": "Mars/Olympus",
            "categories": [{"id": "x", "label": "X", "color": "red"}],
            "places": [{"id": "p", "name": "P", "point": {"lat": 1, "lon": 2}, "precision": "town", "iso3166_2": "Moscow", "within": "p"}],
            "sources": [{"id": "s", "title": "S", "text": "abc", "text_file": "abc.txt"}, {"id": "e", "title": "E"}],
            "events": [{"id": "a", "title": "A", "when": "2024", "where": {"uncertainty_m": -5},
                        "passages": [{"source": "e", "quote": "abc"}]}]}"##;
        let l = load_bytes(Path::new("t.json"), doc.as_bytes());
        assert_eq!(
            codes(&l),
            [
                (Code::InvalidValue, "$.time_zone".into()),
                (Code::InvalidValue, "$.categories[0].color".into()),
                (Code::InvalidValue, "$.places[0].iso3166_2".into()),
                (Code::InvalidValue, "$.places[0].within".into()),
                (Code::InvalidValue, "$.sources[0].text".into()),
                (Code::SourceMissing, "$.sources[0].text_file".into()),
                (Code::MissingField, "$.events[0].where".into()),
                (Code::InvalidValue, "$.events[0].where.uncertainty_m".into()),
                (
                    Code::SourceHasNoText,
                    "$.events[0].passages[0].source".into()
                ),
            ]
        );
    }
}

//! The incident data model: what analysts record about incidents.
//!
//! A [`Dataset`] holds [`Event`]s, the [`Place`]s they happened at and the
//! [`Source`]s that report them. Each event cites [`Passage`]s: the exact words
//! of a source that support it. Where a source says one thing and the public
//! record another, the event carries [`Claim`]s that keep both side by side.
//!
//! The model is plain data: readers in [`crate::formats`] build it, [`crate::validate`]
//! checks it, [`crate::evidence`] locates passages in their sources. Fields
//! marked `#[serde(skip)]` are filled while loading and never written.

mod anchor;
mod when;

use std::path::PathBuf;

use serde::Serialize;

pub use anchor::{Anchor, Anchoring, Closest, Method};
pub use when::{Moment, Reading, When, WhenError, describe_moment, describe_range};

/// The format name written in every native file.
pub const FORMAT_NAME: &str = "incident-map";
/// The newest format version this build reads and the one it writes.
pub const FORMAT_VERSION: u32 = 1;

/// A whole incident data set, as loaded from one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dataset {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The IANA time zone for days and for times written without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The place distances and bearings are measured from ("≈ 160 km SW of Moscow").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_place: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    pub places: Vec<Place>,
    pub sources: Vec<Source>,
    pub events: Vec<Event>,
}

impl Dataset {
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    /// The dataset's time zone, or UTC when it names none (or a bad one: the
    /// validator reports that).
    pub fn tz(&self) -> jiff::tz::TimeZone {
        self.time_zone
            .as_deref()
            .and_then(|name| jiff::tz::TimeZone::get(name).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Every passage of every event, with the event it belongs to.
    pub fn passages(&self) -> impl Iterator<Item = (&Event, &Passage)> {
        self.events
            .iter()
            .flat_map(|e| e.passages.iter().map(move |p| (e, p)))
    }

    /// Where an event is: its own point, else its place's (see [`Located`]).
    /// For many events, [`Places::locate`] looks places up by id instead.
    pub fn locate<'d>(&'d self, event: &'d Event) -> Option<Located<'d>> {
        let place = |id: &str| self.place(id);
        Located::resolve(event, place)
    }

    /// The point an event is drawn at: its own, else its place's.
    pub fn point_of(&self, event: &Event) -> Option<LatLon> {
        self.locate(event).map(|l| l.point)
    }

    /// The places by id, to locate many events.
    pub fn places_by_id(&self) -> Places<'_> {
        Places(self.places.iter().map(|p| (p.id.as_str(), p)).collect())
    }
}

/// The dataset's places by id.
pub struct Places<'d>(std::collections::HashMap<&'d str, &'d Place>);

impl<'d> Places<'d> {
    pub fn get(&self, id: &str) -> Option<&'d Place> {
        self.0.get(id).copied()
    }

    /// Where an event is, as [`Dataset::locate`] says.
    pub fn locate(&self, event: &'d Event) -> Option<Located<'d>> {
        Located::resolve(event, |id| self.get(id))
    }
}

/// Where an event is, resolved once for every view that asks (markers,
/// the summary, geography): its point (its own, else its place's), how
/// precise that is, and the place and shape it has.
#[derive(Debug, Clone, Copy)]
pub struct Located<'d> {
    pub point: LatLon,
    /// The location's own precision, else its place's.
    pub precision: Option<Precision>,
    pub place: Option<&'d Place>,
    pub uncertainty_m: Option<f64>,
    /// Its shape, when it is not a point.
    pub geometry: Option<&'d geo::Geometry<f64>>,
}

impl<'d> Located<'d> {
    /// Where `event` is, its place looked up by `place_of`.
    pub fn resolve(event: &'d Event, place_of: impl Fn(&str) -> Option<&'d Place>) -> Option<Self> {
        let loc = event.location.as_ref()?;
        let place = loc.place.as_deref().and_then(place_of);
        let point = loc.point.or(place.map(|p| p.point))?;
        if !(point.lat.is_finite() && point.lon.is_finite()) {
            return None;
        }
        Some(Located {
            point,
            precision: loc.precision.or(place.map(|p| p.precision)),
            place,
            uncertainty_m: loc.uncertainty_m.filter(|r| r.is_finite() && *r > 0.0),
            geometry: loc.geometry.as_ref(),
        })
    }

    /// The ISO 3166-2 region this stands for, when its place is a region
    /// or a country that names one.
    pub fn region_code(&self) -> Option<&'d str> {
        match self.precision {
            Some(Precision::Region | Precision::Country) => self.place?.iso3166_2.as_deref(),
            _ => None,
        }
    }
}

/// A box on the globe: its south-west and north-east corners, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BBox {
    pub sw: LatLon,
    pub ne: LatLon,
}

impl BBox {
    /// The box of one point.
    pub fn point(p: LatLon) -> BBox {
        BBox { sw: p, ne: p }
    }

    /// The smallest box holding every point; `None` for none.
    pub fn around(points: impl IntoIterator<Item = LatLon>) -> Option<BBox> {
        points.into_iter().fold(None, |b: Option<BBox>, p| {
            Some(b.map_or(BBox::point(p), |b| b.with(p)))
        })
    }

    /// This box grown to hold `p`.
    pub fn with(self, p: LatLon) -> BBox {
        BBox {
            sw: LatLon {
                lat: self.sw.lat.min(p.lat),
                lon: self.sw.lon.min(p.lon),
            },
            ne: LatLon {
                lat: self.ne.lat.max(p.lat),
                lon: self.ne.lon.max(p.lon),
            },
        }
    }

    /// The box holding both.
    pub fn union(self, other: BBox) -> BBox {
        self.with(other.sw).with(other.ne)
    }

    /// The box of a geometry's bounding rectangle.
    pub fn of_rect(r: geo::Rect<f64>) -> BBox {
        BBox {
            sw: LatLon {
                lat: r.min().y,
                lon: r.min().x,
            },
            ne: LatLon {
                lat: r.max().y,
                lon: r.max().x,
            },
        }
    }

    /// Whether `p` is inside, edges included.
    pub fn contains(&self, p: LatLon) -> bool {
        (self.sw.lat..=self.ne.lat).contains(&p.lat) && (self.sw.lon..=self.ne.lon).contains(&p.lon)
    }

    /// The whole inhabited world, for data with no place at all.
    pub const WORLD: BBox = BBox {
        sw: LatLon {
            lat: -60.0,
            lon: -170.0,
        },
        ne: LatLon {
            lat: 75.0,
            lon: 170.0,
        },
    };
}

/// Where an item came from in its file: filled by readers, used to locate
/// diagnostics. Never written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    /// Where the item starts in its file, in bytes, for formats that are not
    /// JSON (a CSV row, a KML placemark).
    pub offset: Option<usize>,
}

/// A kind of event, with how the map shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub id: String,
    pub label: String,
    /// A colour as `#rrggbb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A latitude and longitude in WGS84 decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// How precisely a location is known, from a single building to a whole country.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Building,
    Street,
    District,
    Town,
    Region,
    Country,
}

impl Precision {
    pub const ALL: [Precision; 6] = [
        Precision::Building,
        Precision::Street,
        Precision::District,
        Precision::Town,
        Precision::Region,
        Precision::Country,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Building => "building",
            Precision::Street => "street",
            Precision::District => "district",
            Precision::Town => "town",
            Precision::Region => "region",
            Precision::Country => "country",
        }
    }

    pub fn parse(s: &str) -> Option<Precision> {
        Precision::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A named place: a building, a town, a region. Events refer to places by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub id: String,
    pub name: String,
    /// Other names, e.g. in Russian: `{"lang": "ru", "name": "Калужская область"}`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<OtherName>,
    /// What it is, in words: "concert hall", "federal city", "oblast".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The point that stands for it (for a region, a representative point).
    pub point: LatLon,
    pub precision: Precision,
    /// The ISO 3166-2 code of a region (`RU-KLU`), which resolves to its outline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iso3166_2: Option<String>,
    /// The id of the place this one lies in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OtherName {
    pub lang: String,
    pub name: String,
}

/// A document that reports events: an article, a statement, a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<When>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The path of its full text, relative to the data file's folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_file: Option<PathBuf>,
    /// Its full text, written inline in the data file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The SHA-256 of its full text (lower-case hex) when it was added: a
    /// text that no longer has it has changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The day it was added to the data set (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<String>,
    /// How reliable it is (Admiralty scale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<Reliability>,
    /// The text read from `text_file` while loading.
    #[serde(skip)]
    pub loaded_text: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Source {
    /// The full text, whether inline or read from its file.
    pub fn full_text(&self) -> Option<&str> {
        self.loaded_text.as_deref().or(self.text.as_deref())
    }
}

/// The SHA-256 of a text, in lower-case hex: what a source records of its
/// text when it is added.
pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<String>,
    pub when: When,
    /// True when the time is approximate ("about 20:00").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// What the time means in words ("evening in Washington, early hours in Moscow").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_note: Option<String>,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<Passage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub casualties: Vec<CasualtyReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// Where an event happened: a place, a point, or a place and a more precise point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// The id of one of the dataset's places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<LatLon>,
    /// Overrides the place's precision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// How far from the point it may have been, in metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty_m: Option<f64>,
    /// The shape of an event that is not a point (a road, an area), in
    /// lon/lat; `point` is then its representative point.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "geometry_as_geojson"
    )]
    pub geometry: Option<geo::Geometry<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A geometry in files is a GeoJSON geometry object.
fn geometry_as_geojson<S: serde::Serializer>(
    g: &Option<geo::Geometry<f64>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match g {
        Some(g) => geojson::Geometry::from(geojson::GeometryValue::from(g)).serialize(s),
        None => s.serialize_none(),
    }
}

/// The point that stands for a geometry: inside it when it is an area,
/// on it when it is a line.
pub fn representative_point(g: &geo::Geometry<f64>) -> Option<LatLon> {
    use geo::InteriorPoint;
    g.interior_point().map(|p| LatLon {
        lat: p.y(),
        lon: p.x(),
    })
}

/// The words of a source that support an event (a W3C Web Annotation
/// TextQuoteSelector, with a TextPositionSelector's offsets as a hint).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The id of the source quoted.
    pub source: String,
    /// The exact words, verbatim.
    pub quote: String,
    /// Text just before the quote, to tell repeats apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Text just after the quote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// Character offsets (Unicode scalar values) of the quote in the source: a hint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// How credible what it says is (Admiralty scale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credibility: Option<Credibility>,
    /// Where the quote was found in the source, once anchored.
    #[serde(skip)]
    pub anchoring: Anchoring,
    #[serde(skip)]
    pub origin: Origin,
}

/// What a source says about one aspect of an event, beside what is on record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// The aspect: "date", "place", "target", "order", "casualties", ...
    pub about: String,
    /// What the source says, in its words or a close summary.
    pub says: String,
    /// What the public record shows.
    pub record: String,
    pub verdict: Verdict,
    /// The id of the passage where the source says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<String>,
}

/// How reliable a source is, on the Admiralty (NATO) scale investigators
/// use (the Berkeley Protocol, MISP's `admiralty-scale`): A to F.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Reliability {
    A,
    B,
    C,
    D,
    E,
    F,
}

impl Reliability {
    pub const ALL: [Reliability; 6] = [
        Reliability::A,
        Reliability::B,
        Reliability::C,
        Reliability::D,
        Reliability::E,
        Reliability::F,
    ];

    /// "A" … "F".
    pub fn as_str(self) -> &'static str {
        ["A", "B", "C", "D", "E", "F"][self as usize]
    }

    /// What the grade means.
    pub fn meaning(self) -> &'static str {
        [
            "completely reliable",
            "usually reliable",
            "fairly reliable",
            "not usually reliable",
            "unreliable",
            "reliability cannot be judged",
        ][self as usize]
    }

    pub fn parse(s: &str) -> Option<Reliability> {
        Reliability::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// How credible a passage's information is, on the Admiralty scale: 1
/// (confirmed by other sources) to 6 (truth cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Credibility(u8);

impl Credibility {
    pub const ALL: [Credibility; 6] = [
        Credibility(1),
        Credibility(2),
        Credibility(3),
        Credibility(4),
        Credibility(5),
        Credibility(6),
    ];

    /// The grade `n`, if it is one of 1 to 6.
    pub fn new(n: u64) -> Option<Credibility> {
        (1..=6).contains(&n).then_some(Credibility(n as u8))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn meaning(self) -> &'static str {
        [
            "confirmed by other sources",
            "probably true",
            "possibly true",
            "doubtful",
            "improbable",
            "truth cannot be judged",
        ][usize::from(self.0 - 1)]
    }

    /// Doubtful or improbable: what a map can show faded.
    pub fn is_low(self) -> bool {
        matches!(self.0, 4 | 5)
    }
}

impl Serialize for Credibility {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

/// How a source's claim compares with the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The source agrees with the record.
    Matches,
    /// The source is imprecise but not wrong.
    Vague,
    /// The source does not say.
    Silent,
    /// The source differs from the record.
    Differs,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Matches,
        Verdict::Vague,
        Verdict::Silent,
        Verdict::Differs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Matches => "matches",
            Verdict::Vague => "vague",
            Verdict::Silent => "silent",
            Verdict::Differs => "differs",
        }
    }
}

/// A casualty figure as reported at some time: figures get revised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasualtyReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub injured: Option<u64>,
    /// When this figure was reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<When>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A link from one event to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relation {
    pub kind: RelationKind,
    /// The id of the other event.
    pub event: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    RespondsTo,
    WarnedOf,
    Follows,
    Causes,
    PartOf,
    RelatedTo,
}

impl RelationKind {
    pub const ALL: [RelationKind; 6] = [
        RelationKind::RespondsTo,
        RelationKind::WarnedOf,
        RelationKind::Follows,
        RelationKind::Causes,
        RelationKind::PartOf,
        RelationKind::RelatedTo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::RespondsTo => "responds_to",
            RelationKind::WarnedOf => "warned_of",
            RelationKind::Follows => "follows",
            RelationKind::Causes => "causes",
            RelationKind::PartOf => "part_of",
            RelationKind::RelatedTo => "related_to",
        }
    }

    /// How the relation reads from the event that holds it: "responds to".
    pub fn phrase(self) -> &'static str {
        match self {
            RelationKind::RespondsTo => "responds to",
            RelationKind::WarnedOf => "warned of",
            RelationKind::Follows => "follows",
            RelationKind::Causes => "causes",
            RelationKind::PartOf => "is part of",
            RelationKind::RelatedTo => "is related to",
        }
    }
}

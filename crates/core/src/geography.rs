//! Geography: the regions events happen in, which region holds a point, and
//! how far and in which direction a place lies from the dataset's reference
//! point ("≈ 161 km SW of Moscow centre").
//!
//! Region outlines ship in `assets/regions.geojson` (built by
//! `tools/build-regions.py` from GIS-Lab / OpenStreetMap boundaries), keyed by
//! ISO 3166-2 code. They are indexed once: each region's bounding box is
//! checked before its polygon. Distances and bearings are geodesic (WGS84,
//! Karney's algorithm via `geo`).

use geo::{Bearing, BoundingRect, Contains, Distance, Geodesic, MultiPolygon, Point, Rect};

use crate::model::{LatLon, Located, Place, Precision};

/// The bundled region outlines.
pub const BUNDLED_REGIONS: &str = include_str!("../../../assets/regions.geojson");

/// A region with its outline.
#[derive(Debug, Clone)]
pub struct Region {
    /// ISO 3166-2 code, e.g. `RU-KLU`.
    pub code: String,
    pub name: String,
    /// The name in the region's own language, if known.
    pub local_name: Option<String>,
    pub outline: MultiPolygon<f64>,
    bounds: Rect<f64>,
}

impl Region {
    pub fn contains(&self, p: LatLon) -> bool {
        let pt = Point::new(p.lon, p.lat);
        self.bounds.contains(&pt) && self.outline.contains(&pt)
    }
}

/// Why a region file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("the region file is not GeoJSON: {0}")]
    NotGeoJson(#[from] geojson::Error),
    #[error("region feature {index}: {what}")]
    BadFeature { index: usize, what: String },
}

/// All known regions, indexed for lookups by code and by point.
#[derive(Debug, Clone, Default)]
pub struct RegionIndex {
    regions: Vec<Region>,
}

impl RegionIndex {
    /// The regions shipped with the app.
    pub fn bundled() -> RegionIndex {
        RegionIndex::from_geojson(BUNDLED_REGIONS).expect("the bundled regions are valid")
    }

    /// Reads a GeoJSON FeatureCollection of (Multi)Polygons, each with an
    /// `iso3166_2` and a `name` property (and optionally `name_ru`).
    pub fn from_geojson(text: &str) -> Result<RegionIndex, RegionError> {
        let collection: geojson::FeatureCollection = text.parse()?;
        let mut regions = Vec::new();
        for (index, f) in collection.features.iter().enumerate() {
            let bad = |what: &str| RegionError::BadFeature {
                index,
                what: what.to_string(),
            };
            let prop = |key: &str| f.property(key).and_then(|v| v.as_str()).map(str::to_string);
            let code = prop("iso3166_2").ok_or_else(|| bad("no \"iso3166_2\" property"))?;
            let name = prop("name").ok_or_else(|| bad("no \"name\" property"))?;
            let geometry = f.geometry.as_ref().ok_or_else(|| bad("no geometry"))?;
            let outline: MultiPolygon<f64> = match geo::Geometry::<f64>::try_from(geometry) {
                Ok(geo::Geometry::Polygon(p)) => p.into(),
                Ok(geo::Geometry::MultiPolygon(m)) => m,
                _ => return Err(bad("the geometry is not a Polygon or MultiPolygon")),
            };
            let bounds = outline
                .bounding_rect()
                .ok_or_else(|| bad("the outline is empty"))?;
            regions.push(Region {
                code,
                name,
                local_name: prop("name_ru"),
                outline,
                bounds,
            });
        }
        Ok(RegionIndex { regions })
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The region that holds a point, if any.
    pub fn containing(&self, p: LatLon) -> Option<&Region> {
        self.regions.iter().find(|r| r.contains(p))
    }

    /// The regions `words` name: a capitalised word that is the first word
    /// of a region's name ("Kaluga" names Kaluga Oblast), or begins it
    /// (three letters or more), case and accents aside.
    pub fn named_in(&self, words: &str) -> Vec<&Region> {
        let names: Vec<String> = words
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .map(crate::filter::fold)
            .collect();
        self.named_by(&names)
    }

    /// The regions whose name a name typed is, or begins (as [`RegionIndex::named_in`]).
    pub fn named(&self, typed: &str) -> Vec<&Region> {
        self.named_by(&[crate::filter::fold(typed.trim())])
    }

    fn named_by(&self, names: &[String]) -> Vec<&Region> {
        self.regions
            .iter()
            .filter(|r| {
                let name = crate::filter::fold(&r.name);
                let first = name.split_whitespace().next().unwrap_or_default();
                names.iter().any(|w| {
                    !w.is_empty() && (first == w || name.starts_with(w.as_str()) && w.len() >= 3)
                })
            })
            .collect()
    }
}

/// Where one point lies from another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offset {
    pub distance_m: f64,
    /// Degrees clockwise from north, 0 to 360.
    pub bearing_deg: f64,
}

impl Offset {
    /// The geodesic distance and initial bearing from `from` to `to`.
    pub fn between(from: LatLon, to: LatLon) -> Offset {
        let (a, b) = (Point::new(from.lon, from.lat), Point::new(to.lon, to.lat));
        Offset {
            distance_m: Geodesic.distance(a, b),
            bearing_deg: Geodesic.bearing(a, b).rem_euclid(360.0),
        }
    }

    /// The 8-point compass direction: N, NE, E, SE, S, SW, W or NW.
    pub fn compass(&self) -> &'static str {
        const POINTS: [&str; 8] = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];
        POINTS[((self.bearing_deg + 22.5).rem_euclid(360.0) / 45.0) as usize % 8]
    }

    /// "≈ 161 km SW of Moscow centre"; `from` names the reference point.
    pub fn describe(&self, from: &str) -> String {
        let km = self.distance_m / 1000.0;
        if km < 0.05 {
            return format!("at {from}");
        }
        let distance = if km < 10.0 {
            format!("{km:.1} km")
        } else {
            format!("{km:.0} km")
        };
        format!("≈ {distance} {} of {from}", self.compass())
    }
}

/// Where an event is, for people: its region and its offset from the
/// dataset's reference place.
#[derive(Debug, Clone)]
pub struct Situation<'r> {
    pub point: LatLon,
    pub precision: Option<Precision>,
    pub region: Option<&'r Region>,
    pub offset: Option<Offset>,
    /// How the reference place is named in `Offset::describe`.
    pub reference: Option<String>,
    /// How far from `point` the event may have been, in metres.
    pub uncertainty_m: Option<f64>,
}

impl Situation<'_> {
    /// "≈ 16 km NW of Moscow centre" when there is a reference place, with the
    /// uncertainty when it is a kilometre or more: "≈ 207 km SW of Moscow
    /// centre (± 136 km)".
    pub fn describe_offset(&self) -> Option<String> {
        let text = self.offset?.describe(self.reference.as_deref()?);
        Some(match self.uncertainty_m {
            Some(u) if u >= 1000.0 => format!("{text} (± {:.0} km)", u / 1000.0),
            _ => text,
        })
    }
}

/// Situates an event located at `at`: its region (the one its place
/// names, else the one holding its point) and its offset from the
/// `reference` place.
pub fn situate<'r>(
    at: Located<'_>,
    reference: Option<&Place>,
    regions: &'r RegionIndex,
) -> Situation<'r> {
    let region = at
        .place
        .and_then(|p| p.iso3166_2.as_deref())
        .and_then(|code| regions.get(code))
        .or_else(|| regions.containing(at.point));
    let offset = reference.map(|r| Offset::between(r.point, at.point));
    let reference = reference.map(|r| match r.precision {
        Precision::Town | Precision::District => format!("{} centre", r.name),
        _ => r.name.clone(),
    });
    Situation {
        point: at.point,
        precision: at.precision,
        region,
        offset,
        reference,
        uncertainty_m: at.uncertainty_m,
    }
}

/// What an event's shape is, in words: "an area of 0.12 km²", "a line
/// 1.3 km long", "3 points". `None` for a point, which needs no words.
/// Lengths and areas are geodesic (WGS84).
pub fn describe_shape(g: &geo::Geometry) -> Option<String> {
    use geo::{GeodesicArea, Geometry, Length};
    let length = |m: f64| {
        if m < 1000.0 {
            format!("{m:.0} m")
        } else {
            format!("{:.1} km", m / 1000.0)
        }
    };
    let area = |m2: f64| {
        let km2 = m2 / 1e6;
        if km2 >= 10.0 {
            format!("{km2:.0} km²")
        } else if km2 >= 0.01 {
            format!("{km2:.2} km²")
        } else {
            format!("{m2:.0} m²")
        }
    };
    Some(match g {
        Geometry::Point(_) => return None,
        Geometry::MultiPoint(m) => format!("{} points", m.0.len()),
        Geometry::Line(l) => format!("a line {} long", length(Geodesic.length(l))),
        Geometry::LineString(l) => format!("a line {} long", length(Geodesic.length(l))),
        Geometry::MultiLineString(l) => {
            format!("{} lines, {} in all", l.0.len(), length(Geodesic.length(l)))
        }
        Geometry::GeometryCollection(c) => format!("{} shapes", c.0.len()),
        polygonal => format!("an area of {}", area(polygonal.geodesic_area_unsigned())),
    })
}

#[cfg(test)]
mod tests {
    use super::{Region, RegionIndex};

    #[test]
    fn regions_are_found_by_the_words_that_name_them() {
        let r = RegionIndex::bundled();
        let codes = |v: Vec<&Region>| v.into_iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        assert_eq!(
            codes(r.named_in("FSB officers in Kaluga reported")),
            ["RU-KLU"]
        );
        // Lower-case words are not names; a name begun is.
        assert!(r.named_in("the kaluga road").is_empty());
        assert_eq!(codes(r.named("kalu")), ["RU-KLU"]);
        assert!(r.named("ka").is_empty(), "too short to begin a name");
        assert!(r.named("").is_empty());
    }

    #[test]
    fn shapes_are_described_by_their_geodesic_size() {
        use geo::{Geometry, LineString, MultiPoint, Polygon, point};
        // 0.01° of latitude is about 1.1 km.
        let line = LineString::from(vec![(37.6, 55.75), (37.6, 55.76)]);
        assert_eq!(
            describe_shape(&Geometry::LineString(line)).as_deref(),
            Some("a line 1.1 km long")
        );
        // About 1.1 km × 0.63 km (0.01° of longitude at 55.75° N).
        let square = Polygon::new(
            LineString::from(vec![
                (37.6, 55.75),
                (37.61, 55.75),
                (37.61, 55.76),
                (37.6, 55.76),
                (37.6, 55.75),
            ]),
            vec![],
        );
        assert_eq!(
            describe_shape(&Geometry::Polygon(square)).as_deref(),
            Some("an area of 0.70 km²")
        );
        let points = MultiPoint::from(vec![(37.6, 55.75), (36.0, 54.5), (37.3, 55.8)]);
        assert_eq!(
            describe_shape(&Geometry::MultiPoint(points)).as_deref(),
            Some("3 points")
        );
        assert_eq!(
            describe_shape(&Geometry::Point(point!(x: 37.6, y: 55.75))),
            None
        );
    }
    use super::*;

    const MOSCOW: LatLon = LatLon {
        lat: 55.7558,
        lon: 37.6173,
    };

    #[test]
    fn distances_and_bearings_match_known_values() {
        let kaluga = Offset::between(
            MOSCOW,
            LatLon {
                lat: 54.5293,
                lon: 36.2754,
            },
        );
        assert!(
            (kaluga.distance_m - 161_000.0).abs() < 1_500.0,
            "{kaluga:?}"
        );
        assert!((kaluga.bearing_deg - 213.0).abs() < 1.5, "{kaluga:?}");
        assert_eq!(kaluga.compass(), "SW");
        assert_eq!(
            kaluga.describe("Moscow centre"),
            "≈ 161 km SW of Moscow centre"
        );

        let crocus = Offset::between(
            MOSCOW,
            LatLon {
                lat: 55.8257,
                lon: 37.3889,
            },
        );
        assert!((crocus.distance_m - 16_000.0).abs() < 700.0, "{crocus:?}");
        assert!((crocus.bearing_deg - 299.0).abs() < 1.5, "{crocus:?}");
        assert_eq!(crocus.compass(), "NW");

        let embassy = Offset::between(
            MOSCOW,
            LatLon {
                lat: 55.7557,
                lon: 37.5808,
            },
        );
        assert_eq!(embassy.compass(), "W");
        assert!(
            embassy.describe("Moscow centre").starts_with("≈ 2.3 km W"),
            "{embassy:?}"
        );
        assert_eq!(
            Offset::between(MOSCOW, MOSCOW).describe("Moscow centre"),
            "at Moscow centre"
        );
    }

    #[test]
    fn compass_points_split_the_circle_evenly() {
        let at = |b: f64| {
            Offset {
                distance_m: 1.0,
                bearing_deg: b,
            }
            .compass()
        };
        assert_eq!(
            [
                at(0.0),
                at(22.4),
                at(22.6),
                at(90.0),
                at(180.0),
                at(247.0),
                at(337.6),
                at(359.9)
            ],
            ["N", "N", "NE", "E", "S", "SW", "N", "N"]
        );
    }

    #[test]
    fn the_bundled_regions_hold_the_places_of_the_scenario() {
        let regions = RegionIndex::bundled();
        let codes: Vec<&str> = regions.regions().iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["RU-MOW", "RU-MOS", "RU-KLU"]);
        let region_of = |lat, lon| {
            regions
                .containing(LatLon { lat, lon })
                .map(|r| r.code.as_str())
        };
        assert_eq!(region_of(55.7520, 37.6175), Some("RU-MOW"), "the Kremlin");
        assert_eq!(
            region_of(55.7557, 37.5808),
            Some("RU-MOW"),
            "the US Embassy"
        );
        assert_eq!(
            region_of(55.8257, 37.3889),
            Some("RU-MOS"),
            "Crocus City Hall, outside the city"
        );
        assert_eq!(region_of(54.5293, 36.2754), Some("RU-KLU"), "Kaluga");
        assert_eq!(region_of(55.0968, 36.6101), Some("RU-KLU"), "Obninsk");
        assert_eq!(region_of(55.2075, 36.4872), Some("RU-KLU"), "Borovsk");
        assert_eq!(region_of(52.52, 13.40), None, "Berlin");
        assert_eq!(
            regions.get("RU-KLU").unwrap().local_name.as_deref(),
            Some("Калужская область")
        );
    }

    #[test]
    fn bad_region_files_are_errors_not_panics() {
        assert!(RegionIndex::from_geojson("nope").is_err());
        let no_code = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"X"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        assert!(
            RegionIndex::from_geojson(no_code)
                .unwrap_err()
                .to_string()
                .contains("iso3166_2")
        );
        let point = no_code.replace(r#""name":"X""#, r#""name":"X","iso3166_2":"XX-1""#);
        assert!(
            RegionIndex::from_geojson(&point)
                .unwrap_err()
                .to_string()
                .contains("not a Polygon")
        );
    }
}

//! GeoPackage, QGIS's default format (an SQLite database), read and
//! written with `rusqlite` and its bundled SQLite.
//!
//! Reading: every feature table is listed (`gpkg_contents`); the first is
//! read, or the one `FILE.gpkg?layer=NAME` names, and the others are named
//! in a warning. Its rows become GeoJSON features (the geometry from its
//! GeoPackage blob's WKB, the other columns as properties) and are read by
//! the GeoJSON reader: the same names, codebooks and dates. Coordinates
//! must be longitude and latitude: a layer in a projection is refused,
//! naming it. The database is opened read-only, from the file's bytes.
//!
//! Writing: one feature table, `events`, with our CSV's columns (the
//! point or shape in its geometry column instead of latitude/longitude),
//! in WGS 84, made in memory and saved atomically: what it writes, it
//! reads back with every date, precision, place and passage.

use rusqlite::{Connection, OpenFlags, types::ValueRef};
use serde_json::{Map, Value, json};

use super::wkb;
use crate::model::Dataset;

/// Whether bytes are a GeoPackage: an SQLite database whose application
/// id says GPKG (or, for an older one, named `.gpkg`).
pub fn is_gpkg(bytes: &[u8], path: &std::path::Path) -> bool {
    bytes.starts_with(b"SQLite format 3\0")
        && (matches!(bytes.get(68..72), Some(b"GPKG" | b"GP10" | b"GP11"))
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gpkg")))
}

/// A layer read: its features as GeoJSON text, its name, and every
/// feature table's.
#[derive(Debug)]
pub struct Layer {
    pub geojson: Vec<u8>,
    pub name: String,
    pub layers: Vec<String>,
}

/// What is wrong and how to fix it.
pub type Refusal = (String, &'static str);

const CONVERT: &str = "open it in QGIS and export the layer as GeoJSON (Layer › Export › Save Features As…), or: ogr2ogr -f GeoJSON out.geojson IN.gpkg";

/// The layer `wanted` (the first when `None`) of the GeoPackage in `bytes`.
pub fn read(bytes: &[u8], wanted: Option<&str>) -> Result<Layer, Refusal> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_layer(bytes, wanted)))
        .unwrap_or_else(|_| {
            Err((
                "this GeoPackage does not read: it is damaged".into(),
                CONVERT,
            ))
        })
}

fn read_layer(bytes: &[u8], wanted: Option<&str>) -> Result<Layer, Refusal> {
    let fail = |e: rusqlite::Error| (format!("this GeoPackage does not read: {e}"), CONVERT);
    let mut db = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(fail)?;
    db.deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), true)
        .map_err(fail)?;
    let mut layers: Vec<(String, String, i64)> = Vec::new();
    {
        let mut q = db
            .prepare(
                "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
                 JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
                 WHERE c.data_type = 'features' ORDER BY c.table_name",
            )
            .map_err(|_| {
                (
                    "this SQLite database is not a GeoPackage with feature tables (it has no gpkg_contents listing them)".to_string(),
                    CONVERT,
                )
            })?;
        let rows = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(fail)?;
        for row in rows {
            layers.push(row.map_err(fail)?);
        }
    }
    let names: Vec<String> = layers.iter().map(|l| l.0.clone()).collect();
    let (table, column, srs) = match wanted {
        None => layers.first().cloned().ok_or((
            "this GeoPackage has no feature tables (only tiles or attributes)".to_string(),
            CONVERT,
        ))?,
        Some(w) => layers
            .iter()
            .find(|l| l.0 == w)
            .or_else(|| layers.iter().find(|l| l.0.eq_ignore_ascii_case(w)))
            .cloned()
            .ok_or_else(|| {
                (
                    format!(
                        "this GeoPackage has no layer \"{w}\"; its layers are: {}",
                        names.join(", ")
                    ),
                    "open it as FILE.gpkg?layer=NAME with one of those names",
                )
            })?,
    };
    if let Some(projection) = projected(&db, srs) {
        return Err((
            format!(
                "the layer \"{table}\" is in the projection \"{projection}\", not in longitude and latitude"
            ),
            "save it in WGS 84: in QGIS, Export › Save Features As… with CRS EPSG:4326; or ogr2ogr -t_srs EPSG:4326 out.gpkg IN.gpkg",
        ));
    }
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut q = db
        .prepare(&format!("SELECT * FROM {}", quoted(&table)))
        .map_err(fail)?;
    let columns: Vec<String> = q.column_names().map(str::to_string).collect();
    let mut features = Vec::new();
    let mut rows = q.query([]).map_err(fail)?;
    while let Some(row) = rows.next().map_err(fail)? {
        let mut props = Map::new();
        let mut geometry = Value::Null;
        for (k, name) in columns.iter().enumerate() {
            let v = row.get_ref(k).map_err(fail)?;
            if name.eq_ignore_ascii_case(&column) {
                if let ValueRef::Blob(b) = v {
                    geometry = gpkg_geometry(b).unwrap_or(Value::Null);
                }
                continue;
            }
            let value = match v {
                ValueRef::Null | ValueRef::Blob(_) => continue,
                ValueRef::Integer(i) => json!(i),
                ValueRef::Real(f) => {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
                ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            };
            props.insert(name.clone(), value);
        }
        features.push(json!({"type": "Feature", "geometry": geometry, "properties": props}));
    }
    let doc = json!({"type": "FeatureCollection", "features": features});
    Ok(Layer {
        geojson: serde_json::to_vec(&doc).expect("JSON values write"),
        name: table,
        layers: names,
    })
}

/// The projection a layer's coordinate system is, when it is not degrees.
fn projected(db: &Connection, srs: i64) -> Option<String> {
    if matches!(srs, 4326 | 0 | -1) {
        return None;
    }
    let (name, org, id, definition): (String, String, i64, String) = db
        .query_row(
            "SELECT srs_name, organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .ok()?;
    let geographic = definition.trim_start().starts_with("GEOGCS")
        || definition.trim_start().starts_with("GEOGCRS")
        || (org.eq_ignore_ascii_case("EPSG") && id == 4326);
    (!geographic).then(|| format!("{name} ({org}:{id})"))
}

/// A GeoPackage geometry blob (its header, then WKB) as GeoJSON.
fn gpkg_geometry(b: &[u8]) -> Option<Value> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return None;
    }
    let flags = b[3];
    if flags & 0b1_0000 != 0 {
        return None; // empty
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return None,
    };
    wkb::geometry(b.get(8 + envelope..)?)
}

/// WGS 84, as GeoPackage's own table of coordinate systems writes it.
const WGS84: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]"#;

/// The columns of the CSV we write that hold numbers, stored as REAL.
const NUMBERS: [&str; 4] = [
    "time_precision",
    "uncertainty_m",
    "geo_precision",
    "fatalities",
];

/// `ds` as a GeoPackage's bytes: one feature table, `events`.
pub fn write(ds: &Dataset) -> Result<Vec<u8>, String> {
    let fail = |e: rusqlite::Error| e.to_string();
    let text = super::export::csv(ds)?;
    let mut rows = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let kept: Vec<usize> = (0..header.len())
        .filter(|&k| !matches!(header[k].as_str(), "latitude" | "longitude"))
        .collect();
    let mut db = Connection::open_in_memory().map_err(fail)?;
    let columns: String = kept
        .iter()
        .map(|&k| {
            let kind = if NUMBERS.contains(&header[k].as_str()) {
                "REAL"
            } else {
                "TEXT"
            };
            format!(", \"{}\" {kind}", header[k].replace('"', "\"\""))
        })
        .collect();
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for e in &ds.events {
        if let Some(p) = ds.point_of(e) {
            min = [min[0].min(p.lon), min[1].min(p.lat)];
            max = [max[0].max(p.lon), max[1].max(p.lat)];
        }
    }
    let bounds = |v: f64| v.is_finite().then_some(v);
    db.execute_batch(&format!(
        "PRAGMA application_id = 1196444487;
         PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE events (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY{columns});"
    ))
    .map_err(fail)?;
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES ('events', 'features', ?1, ?2, ?3, ?4, ?5, ?6, 4326)",
        rusqlite::params![
            if ds.title.is_empty() { "events" } else { ds.title.as_str() },
            ds.description.clone().unwrap_or_default(),
            bounds(min[0]),
            bounds(min[1]),
            bounds(max[0]),
            bounds(max[1]),
        ],
    )
    .map_err(fail)?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('events', 'geom', 'GEOMETRY', 4326, 0, 0)",
        [],
    )
    .map_err(fail)?;
    let tx = db.transaction().map_err(fail)?;
    {
        let marks: String = (0..=kept.len())
            .map(|k| format!("?{}", k + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let names: String = kept
            .iter()
            .map(|&k| format!(", \"{}\"", header[k].replace('"', "\"\"")))
            .collect();
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO events (geom{names}) VALUES ({marks})"
            ))
            .map_err(fail)?;
        for (e, row) in ds.events.iter().zip(rows.records()) {
            let row = row.map_err(|e| e.to_string())?;
            let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(kept.len() + 1);
            values.push(match blob(ds, e) {
                Some(b) => rusqlite::types::Value::Blob(b),
                None => rusqlite::types::Value::Null,
            });
            for &k in &kept {
                let cell = super::export::restore(row.get(k).unwrap_or(""));
                values.push(if cell.is_empty() {
                    rusqlite::types::Value::Null
                } else if NUMBERS.contains(&header[k].as_str())
                    && let Ok(v) = cell.parse::<f64>()
                {
                    rusqlite::types::Value::Real(v)
                } else {
                    rusqlite::types::Value::Text(cell.to_string())
                });
            }
            insert
                .execute(rusqlite::params_from_iter(values))
                .map_err(fail)?;
        }
    }
    tx.commit().map_err(fail)?;
    let data = db.serialize(rusqlite::MAIN_DB).map_err(fail)?;
    Ok(data.to_vec())
}

/// An event's shape (or point) as a GeoPackage geometry blob in WGS 84.
/// (Its point may be its place's.)
fn blob(ds: &Dataset, e: &crate::model::Event) -> Option<Vec<u8>> {
    let g = match e.location.as_ref().and_then(|l| l.geometry.as_ref()) {
        Some(g) => g.clone(),
        None => {
            let p = ds.point_of(e)?;
            geo::Geometry::Point(geo::Point::new(p.lon, p.lat))
        }
    };
    let mut out = b"GP\x00\x01".to_vec();
    out.extend_from_slice(&4326i32.to_le_bytes());
    write_wkb(&g, &mut out);
    Some(out)
}

/// A geometry as little-endian WKB.
fn write_wkb(g: &geo::Geometry<f64>, out: &mut Vec<u8>) {
    use geo::Geometry as G;
    let head = |code: u32, out: &mut Vec<u8>| {
        out.push(1);
        out.extend_from_slice(&code.to_le_bytes());
    };
    let coord = |c: &geo::Coord<f64>, out: &mut Vec<u8>| {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    };
    let line = |l: &geo::LineString<f64>, out: &mut Vec<u8>| {
        out.extend_from_slice(&(l.0.len() as u32).to_le_bytes());
        for c in &l.0 {
            coord(c, out);
        }
    };
    let polygon = |p: &geo::Polygon<f64>, out: &mut Vec<u8>| {
        out.extend_from_slice(&(1 + p.interiors().len() as u32).to_le_bytes());
        line(p.exterior(), out);
        for r in p.interiors() {
            line(r, out);
        }
    };
    match g {
        G::Point(p) => {
            head(1, out);
            coord(&p.0, out);
        }
        G::Line(l) => write_wkb(&G::LineString(geo::LineString::from(*l)), out),
        G::LineString(l) => {
            head(2, out);
            line(l, out);
        }
        G::Polygon(p) => {
            head(3, out);
            polygon(p, out);
        }
        G::MultiPoint(m) => {
            head(4, out);
            out.extend_from_slice(&(m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                write_wkb(&G::Point(*p), out);
            }
        }
        G::MultiLineString(m) => {
            head(5, out);
            out.extend_from_slice(&(m.0.len() as u32).to_le_bytes());
            for l in &m.0 {
                head(2, out);
                line(l, out);
            }
        }
        G::MultiPolygon(m) => {
            head(6, out);
            out.extend_from_slice(&(m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                head(3, out);
                polygon(p, out);
            }
        }
        G::GeometryCollection(c) => {
            head(7, out);
            out.extend_from_slice(&(c.0.len() as u32).to_le_bytes());
            for g in &c.0 {
                write_wkb(g, out);
            }
        }
        G::Rect(r) => write_wkb(&G::Polygon(r.to_polygon()), out),
        G::Triangle(t) => write_wkb(&G::Polygon(t.to_polygon()), out),
    }
}

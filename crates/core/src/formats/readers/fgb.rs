//! FlatGeobuf, GDAL's and QGIS's fast streaming format, read with the
//! `flatgeobuf` crate: its features are written out as GeoJSON by
//! `geozero` (each property by its typed column) and read by the GeoJSON
//! reader, so the same names, codebooks and dates apply. Coordinates must
//! be longitude and latitude: a file whose header names a projection is
//! refused, naming it.

use std::io::Cursor;

use fallible_streaming_iterator::FallibleStreamingIterator;
use flatgeobuf::FgbReader;
use geozero::geojson::GeoJsonWriter;
use geozero::{ColumnValue, FeatureProperties, GeozeroGeometry, PropertyProcessor};
use serde_json::{Map, Value, json};

/// What is wrong and how to fix it.
pub type Refusal = (String, &'static str);

const CONVERT: &str = "convert it with GDAL (ogr2ogr -f GeoJSON out.geojson IN.fgb) or QGIS (Export › Save Features As… GeoJSON), then open that";

/// Whether `bytes` begin as a FlatGeobuf file does (`fgb`, version 3).
pub fn is_fgb(bytes: &[u8]) -> bool {
    bytes.starts_with(b"fgb\x03")
}

/// The features of the FlatGeobuf file in `bytes`, as GeoJSON.
pub fn to_geojson(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    std::panic::catch_unwind(|| features(bytes)).unwrap_or_else(|_| {
        Err((
            "this FlatGeobuf file does not read: it is damaged".into(),
            CONVERT,
        ))
    })
}

fn features(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    let fail = |e: flatgeobuf::Error| (format!("this FlatGeobuf file does not read: {e}"), CONVERT);
    let reader = FgbReader::open(Cursor::new(bytes)).map_err(fail)?;
    if let Some(projection) = projected(&reader) {
        return Err((
            format!(
                "this FlatGeobuf file is in the projection \"{projection}\", not in longitude and latitude"
            ),
            "save it in WGS 84: ogr2ogr -t_srs EPSG:4326 out.fgb IN.fgb; in QGIS, Export › Save Features As… with CRS EPSG:4326",
        ));
    }
    let mut features = reader.select_all().map_err(fail)?;
    let mut out = b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec();
    let mut n = 0usize;
    while let Some(feature) = features.next().map_err(fail)? {
        let mut geometry = Vec::new();
        let geometry = match feature.process_geom(&mut GeoJsonWriter::new(&mut geometry)) {
            Ok(()) if !geometry.is_empty() => geometry,
            _ => b"null".to_vec(),
        };
        let mut props = Properties(Map::new());
        feature.process_properties(&mut props).map_err(|e| {
            (
                format!("feature {}: its properties do not read: {e}", n + 1),
                CONVERT,
            )
        })?;
        if n > 0 {
            out.push(b',');
        }
        n += 1;
        out.extend_from_slice(b"{\"type\":\"Feature\",\"geometry\":");
        out.extend_from_slice(&geometry);
        out.extend_from_slice(b",\"properties\":");
        out.extend_from_slice(Value::Object(props.0).to_string().as_bytes());
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// A feature's properties as JSON values by their typed columns: a JSON
/// column's text parsed (kept as text when it is not JSON), binary left out.
struct Properties(Map<String, Value>);

impl PropertyProcessor for Properties {
    fn property(
        &mut self,
        _i: usize,
        name: &str,
        value: &ColumnValue,
    ) -> geozero::error::Result<bool> {
        let v = match *value {
            ColumnValue::Byte(v) => json!(v),
            ColumnValue::UByte(v) => json!(v),
            ColumnValue::Bool(v) => json!(v),
            ColumnValue::Short(v) => json!(v),
            ColumnValue::UShort(v) => json!(v),
            ColumnValue::Int(v) => json!(v),
            ColumnValue::UInt(v) => json!(v),
            ColumnValue::Long(v) => json!(v),
            ColumnValue::ULong(v) => json!(v),
            ColumnValue::Float(v) => {
                serde_json::Number::from_f64(f64::from(v)).map_or(Value::Null, Value::Number)
            }
            ColumnValue::Double(v) => {
                serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
            }
            ColumnValue::String(s) | ColumnValue::DateTime(s) => Value::String(s.to_string()),
            ColumnValue::Json(s) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
            }
            ColumnValue::Binary(_) => return Ok(false),
        };
        self.0.insert(name.to_string(), v);
        Ok(false)
    }
}

/// The projection the header's coordinate system is, when it is not
/// longitude/latitude (EPSG:4326, CRS84, or none given).
fn projected<R: std::io::Read>(reader: &FgbReader<R>) -> Option<String> {
    let crs = reader.header().crs()?;
    let code = crs.code();
    let org = crs.org().unwrap_or("EPSG");
    let wkt = crs.wkt().unwrap_or("").trim_start().to_ascii_uppercase();
    let geographic = matches!(code, 0 | 4326)
        || crs.code_string().is_some_and(|c| c.contains("CRS84"))
        || wkt.starts_with("GEOGCS")
        || wkt.starts_with("GEOGCRS");
    (!geographic).then(|| match crs.name() {
        Some(name) => format!("{name} ({org}:{code})"),
        None => format!("{org}:{code}"),
    })
}

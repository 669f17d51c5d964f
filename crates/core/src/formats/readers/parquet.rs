//! Parquet and GeoParquet, what big event data is published and exported
//! as (DuckDB, GDAL, GeoPandas, Overture), read with the `parquet` crate's
//! column readers (no Arrow), a row group and a column at a time on every
//! core, straight from the mapped file.
//!
//! Each flat column becomes text as a table file would hold it (a date as
//! an ISO date, a timestamp as ISO 8601 in UTC, a decimal with its point),
//! and the geometry (GeoParquet's `geo` metadata names it: WKB or GeoArrow
//! points; or Parquet's own `GEOMETRY` type; or a WKB column named
//! `geometry`/`geom`) becomes `longitude`/`latitude`. The table is then
//! read by the CSV reader: every codebook and column name it knows, a
//! Parquet file knows. A layer with lines or areas is written as GeoJSON
//! features instead and read by the GeoJSON reader. Coordinates must be
//! longitude and latitude: a projected CRS is refused, named.

use std::io::Write as _;
use std::sync::Arc;

use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as Physical};
use parquet::column::reader::ColumnReader;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::schema::types::ColumnDescriptor;
use rayon::prelude::*;
use serde_json::Value;

use super::file::FileBytes;
use super::record::Role;
use super::wkb;
use super::{Progress, Stage};

/// What is wrong and how to fix it.
pub type Refusal = (String, &'static str);

const CONVERT: &str = "convert it to CSV with DuckDB (COPY (SELECT * FROM 'IN.parquet') TO 'out.csv') or to GeoJSON with GDAL (ogr2ogr -f GeoJSON out.geojson IN.parquet), then open that";

/// Whether `bytes` begin as a Parquet file does (`PAR1`; a whole one
/// ends so too).
pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

/// The table a Parquet file holds, as text another reader reads.
pub struct Table {
    /// CSV when every geometry is a point (or there is none), else a
    /// GeoJSON feature collection.
    pub text: Vec<u8>,
    pub geojson: bool,
    /// Columns not read (nested lists and maps, binary data), by name.
    pub skipped: Vec<String>,
}

/// Reads the Parquet file `file` into a table, telling `progress` the
/// share of row groups read (as reading) and stopping when it is
/// cancelled. A file the `parquet` crate cannot read is refused with its
/// reason, never a panic.
pub fn read(file: Arc<FileBytes>, progress: Option<&Progress>) -> Result<Table, Refusal> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_table(file, progress)))
        .unwrap_or_else(|_| {
            Err((
                "this Parquet file does not read: it is damaged".into(),
                CONVERT,
            ))
        })
}

/// The file's bytes, shared with the reader without a copy.
struct Owner(Arc<FileBytes>);

impl AsRef<[u8]> for Owner {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// How a column's values become text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Conv {
    /// Numbers and booleans as they print; text as it is.
    Plain,
    /// Days since 1970-01-01.
    Date,
    /// Units since the epoch: units per second.
    Timestamp(i64),
    /// Units since midnight: units per second.
    Time(i64),
    /// An unscaled integer with this many digits after the point.
    Decimal(i32),
    /// An unsigned integer stored in a signed one.
    Unsigned,
    /// Parquet's legacy nanosecond timestamp.
    Int96,
    Uuid,
    /// A WKB geometry.
    Wkb,
    /// GeoArrow's point: this column is its x (or y).
    PointX,
    PointY,
}

/// A column that is read: which leaf, named what, converted how.
#[derive(Debug, Clone)]
struct Plan {
    leaf: usize,
    name: String,
    conv: Conv,
    /// Whether its text is a JSON number (for GeoJSON properties).
    number: bool,
}

/// One column of one row group as text: `text[ends[i-1]..ends[i]]` is row
/// `i`'s cell, empty when null.
#[derive(Default)]
struct Cells {
    /// As the file holds it: text that is not UTF-8 is the CSV reader's
    /// to find and say.
    text: Vec<u8>,
    ends: Vec<usize>,
    /// A geometry column's points (NaN when empty or not a point) and its
    /// other shapes as GeoJSON (`text`).
    x: Vec<f64>,
    y: Vec<f64>,
    shapes: bool,
}

impl Cells {
    fn cell(&self, row: usize) -> &[u8] {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.text[start..self.ends[row]]
    }

    fn end(&mut self) {
        self.ends.push(self.text.len());
    }
}

fn read_table(file: Arc<FileBytes>, progress: Option<&Progress>) -> Result<Table, Refusal> {
    if file.len() < 12 || !file.ends_with(b"PAR1") {
        return Err((
            "this Parquet file is cut short: it does not end with its footer (PAR1), so its columns cannot be found".into(),
            "copy or download it again whole; a Parquet file is read from its end",
        ));
    }
    let bytes = bytes::Bytes::from_owner(Owner(file));
    let reader = SerializedFileReader::new(bytes).map_err(|e| {
        let e = e.to_string();
        (format!("this Parquet file does not read: {e}"), CONVERT)
    })?;
    let meta = reader.metadata().file_metadata();
    let schema = meta.schema_descr();
    let geo: Option<Value> = meta
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.as_deref())
        .and_then(|v| serde_json::from_str(v).ok());
    let geo_columns = geo
        .as_ref()
        .and_then(|g| g.get("columns"))
        .and_then(Value::as_object);
    // The geometry: the primary column GeoParquet names, else one of
    // Parquet's GEOMETRY type, else a binary column named as geometry is.
    let primary = geo
        .as_ref()
        .and_then(|g| g.get("primary_column"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(columns) = geo_columns {
        for (name, c) in columns {
            if primary.as_deref().is_some_and(|p| p != name) {
                continue;
            }
            if let Some(projection) = c.get("crs").and_then(projected) {
                return Err(projection_refusal(name, &projection));
            }
            if let Some(enc) = c.get("encoding").and_then(Value::as_str)
                && !enc.eq_ignore_ascii_case("wkb")
                && !enc.eq_ignore_ascii_case("point")
            {
                return Err((
                    format!(
                        "the geometry column \"{name}\" is in GeoArrow's \"{enc}\" encoding, which this app does not read (it reads WKB and points)"
                    ),
                    "write it with WKB geometry: GeoPandas to_parquet(geometry_encoding='WKB'); ogr2ogr -lco GEOMETRY_ENCODING=WKB",
                ));
            }
        }
    }
    let leaves = schema.columns();
    let top = |c: &ColumnDescriptor| c.path().parts()[0].clone();
    let is_geometry_name = |n: &str| {
        primary.as_deref().map_or_else(
            || {
                geo_columns.is_some_and(|g| g.contains_key(n))
                    || ["geometry", "geom", "wkb_geometry", "the_geom", "shape"]
                        .iter()
                        .any(|g| n.eq_ignore_ascii_case(g))
            },
            |p| p == n,
        )
    };
    let mut plans = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut skip = |name: String| {
        if !skipped.contains(&name) {
            skipped.push(name);
        }
    };
    for (leaf, c) in leaves.iter().enumerate() {
        let name = top(c);
        let parts = c.path().parts();
        let geometry_type = matches!(
            c.logical_type_ref(),
            Some(LogicalType::Geometry(_) | LogicalType::Geography(_))
        );
        if let Some(LogicalType::Geometry(g)) = c.logical_type_ref()
            && let Some(crs) = g.crs.as_deref()
            && let Some(projection) = projected(&Value::String(crs.into()))
        {
            return Err(projection_refusal(&name, &projection));
        }
        if c.max_rep_level() > 0 {
            skip(name);
            continue;
        }
        // GeoArrow's point: a struct of x and y.
        if parts.len() == 2 && is_geometry_name(&name) {
            let conv = match parts[1].as_str() {
                "x" => Conv::PointX,
                "y" => Conv::PointY,
                _ => continue,
            };
            plans.push(Plan {
                leaf,
                name,
                conv,
                number: true,
            });
            continue;
        }
        if parts.len() > 1 {
            // A struct (GeoParquet's bbox covering, and others).
            if !name.eq_ignore_ascii_case("bbox") {
                skip(parts.join("."));
            }
            continue;
        }
        let binary = matches!(
            c.physical_type(),
            Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY
        );
        if binary && (geometry_type || is_geometry_name(&name)) {
            plans.push(Plan {
                leaf,
                name,
                conv: Conv::Wkb,
                number: false,
            });
            continue;
        }
        match conversion(c) {
            Some((conv, number)) => plans.push(Plan {
                leaf,
                name,
                conv,
                number,
            }),
            None => skip(name),
        }
    }
    let geometry = plans
        .iter()
        .any(|p| matches!(p.conv, Conv::Wkb | Conv::PointX));
    // A table with latitude/longitude columns of its own keeps them.
    // (Named as the CSV reader knows a latitude and a longitude.)
    let named = |role: Role| {
        plans.iter().any(|p| {
            role.names()
                .contains(&p.name.trim().to_ascii_lowercase().as_str())
        })
    };
    let has_coordinates = named(Role::Lat) && named(Role::Lon);
    let groups: Vec<usize> = (0..reader.num_row_groups()).collect();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let read_group = |g: usize| -> Result<Vec<Cells>, String> {
        if progress.is_some_and(Progress::is_cancelled) {
            return Err("cancelled".into());
        }
        let group = reader.get_row_group(g).map_err(|e| e.to_string())?;
        let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        let cells = plans
            .iter()
            .map(|p| {
                let column = group
                    .get_column_reader(p.leaf)
                    .map_err(|e| format!("column \"{}\": {e}", p.name))?;
                let descriptor = &leaves[p.leaf];
                column_cells(column, descriptor, p.conv, rows)
                    .map_err(|e| format!("column \"{}\": {e}", p.name))
            })
            .collect();
        if let Some(p) = progress {
            let k = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            p.set_fraction(Stage::Reading, k as f32 / groups.len().max(1) as f32);
        }
        cells
    };
    let failed = |e: String| {
        let message = if e.contains("compile time") || e.contains("not supported") {
            format!("this Parquet file uses a compression or encoding this app does not read ({e})")
        } else {
            format!("this Parquet file does not read: {e}")
        };
        (
            message,
            "rewrite it with snappy, zstd, gzip or lz4 compression (DuckDB: COPY (SELECT * FROM 'IN.parquet') TO 'out.parquet' (COMPRESSION zstd)), or convert it to CSV",
        )
    };
    // Points (or no geometry): each row group straight to its CSV rows,
    // its cells dropped as soon as they are written. A group with a line
    // or an area makes the whole file GeoJSON, read again.
    let coordinates = geometry && !has_coordinates;
    let chunks: Vec<Option<Vec<u8>>> = groups
        .par_iter()
        .map(|&g| {
            let cells = read_group(g)?;
            Ok((!cells.iter().any(|c| c.shapes)).then(|| csv_rows(&plans, &cells, coordinates)))
        })
        .collect::<Result<_, String>>()
        .map_err(failed)?;
    if chunks.iter().all(Option::is_some) {
        let mut text = csv_header(&plans, coordinates);
        text.reserve(chunks.iter().flatten().map(Vec::len).sum());
        for c in chunks.into_iter().flatten() {
            text.extend_from_slice(&c);
        }
        return Ok(Table {
            text,
            geojson: false,
            skipped,
        });
    }
    drop(chunks);
    let cells: Vec<Vec<Cells>> = groups
        .par_iter()
        .map(|&g| read_group(g))
        .collect::<Result<_, _>>()
        .map_err(failed)?;
    Ok(Table {
        text: geojson_text(&plans, &cells),
        geojson: true,
        skipped,
    })
}

/// A refusal for a geometry column `name` in `projection`.
fn projection_refusal(name: &str, projection: &str) -> Refusal {
    (
        format!(
            "the geometry column \"{name}\" is in the projection \"{projection}\", not in longitude and latitude"
        ),
        "save it in WGS 84 (EPSG:4326): ogr2ogr -t_srs EPSG:4326 out.parquet IN.parquet; in GeoPandas, df.to_crs(4326).to_parquet(…)",
    )
}

/// The projection a GeoParquet `crs` (PROJJSON, or a string such as
/// `EPSG:3857`) names, when it is not longitude/latitude.
fn projected(crs: &Value) -> Option<String> {
    match crs {
        Value::Null => None,
        Value::String(s) => {
            let t = s.trim();
            if let Ok(v) = serde_json::from_str::<Value>(t.strip_prefix("projjson:").unwrap_or(t))
                && v.is_object()
            {
                return projected(&v);
            }
            let u = t.to_ascii_uppercase();
            let geographic = u.is_empty()
                || u.contains("CRS84")
                || u.contains("4326")
                || u.contains("WGS 84\"")
                || u.starts_with("GEOGCS")
                || u.starts_with("GEOGCRS")
                || u == "SRID:0";
            (!geographic).then(|| t.chars().take(80).collect())
        }
        Value::Object(o) => {
            let kind = o.get("type").and_then(Value::as_str).unwrap_or("");
            let id = o.get("id");
            let authority = id
                .and_then(|i| i.get("authority"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let code = id.and_then(|i| i.get("code"));
            let code_text = code.map(|c| match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let name = o.get("name").and_then(Value::as_str).unwrap_or("unnamed");
            let geographic = kind == "GeographicCRS"
                || kind == "GeodeticCRS"
                || code_text.as_deref() == Some("4326")
                || code_text.as_deref() == Some("CRS84");
            (!geographic).then(|| match code_text {
                Some(c) => format!("{name} ({authority}:{c})"),
                None => name.to_string(),
            })
        }
        _ => None,
    }
}

/// How a column's values become text, and whether they are numbers;
/// `None` for a column that is not read (plain binary).
fn conversion(c: &ColumnDescriptor) -> Option<(Conv, bool)> {
    let per_second = |u: &TimeUnit| match u {
        TimeUnit::MILLIS => 1_000,
        TimeUnit::MICROS => 1_000_000,
        _ => 1_000_000_000,
    };
    let logical = c.logical_type_ref();
    let conv = match (c.physical_type(), logical, c.converted_type()) {
        (_, Some(LogicalType::Date), _) | (_, _, ConvertedType::DATE) => Conv::Date,
        (_, Some(LogicalType::Timestamp(t)), _) => Conv::Timestamp(per_second(&t.unit)),
        (_, _, ConvertedType::TIMESTAMP_MILLIS) => Conv::Timestamp(1_000),
        (_, _, ConvertedType::TIMESTAMP_MICROS) => Conv::Timestamp(1_000_000),
        (_, Some(LogicalType::Time(t)), _) => Conv::Time(per_second(&t.unit)),
        (_, _, ConvertedType::TIME_MILLIS) => Conv::Time(1_000),
        (_, _, ConvertedType::TIME_MICROS) => Conv::Time(1_000_000),
        (_, Some(LogicalType::Decimal(d)), _) => Conv::Decimal(d.scale),
        (_, _, ConvertedType::DECIMAL) => Conv::Decimal(c.type_scale()),
        (_, Some(LogicalType::Integer(i)), _) if !i.is_signed => Conv::Unsigned,
        (_, _, ConvertedType::UINT_32 | ConvertedType::UINT_64) => Conv::Unsigned,
        (Physical::INT96, _, _) => Conv::Int96,
        (_, Some(LogicalType::Uuid), _) => Conv::Uuid,
        (
            Physical::BYTE_ARRAY,
            Some(LogicalType::String | LogicalType::Enum | LogicalType::Json),
            _,
        )
        | (
            Physical::BYTE_ARRAY,
            _,
            ConvertedType::UTF8 | ConvertedType::ENUM | ConvertedType::JSON,
        ) => Conv::Plain,
        (Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY, _, _) => return None,
        _ => Conv::Plain,
    };
    let number = match conv {
        Conv::Plain => !matches!(c.physical_type(), Physical::BOOLEAN | Physical::BYTE_ARRAY),
        Conv::Decimal(_) | Conv::Unsigned => true,
        _ => false,
    };
    Some((conv, number))
}

/// Reads one column of one row group (`rows` rows) as text.
fn column_cells(
    column: ColumnReader,
    c: &ColumnDescriptor,
    conv: Conv,
    rows: usize,
) -> Result<Cells, String> {
    let max_def = c.max_def_level();
    let mut cells = Cells {
        text: Vec::with_capacity(rows * 8),
        ends: Vec::with_capacity(rows),
        ..Cells::default()
    };
    /// Reads every value with its definition level and calls `put` for
    /// each row: `Some(value)`, or `None` for a null.
    macro_rules! each {
        ($reader:expr, $put:expr) => {{
            let mut reader = $reader;
            let mut defs: Vec<i16> = Vec::new();
            let mut values = Vec::new();
            loop {
                defs.clear();
                values.clear();
                let (records, _, levels) = reader
                    .read_records(65_536, Some(&mut defs), None, &mut values)
                    .map_err(|e| e.to_string())?;
                if records == 0 {
                    break;
                }
                let mut v = values.iter();
                if max_def == 0 {
                    for value in v {
                        $put(&mut cells, Some(value));
                    }
                } else {
                    for d in &defs[..levels] {
                        if *d == max_def {
                            $put(&mut cells, v.next());
                        } else {
                            $put(&mut cells, None);
                        }
                    }
                }
            }
        }};
    }
    match column {
        ColumnReader::BoolColumnReader(r) => each!(r, |c: &mut Cells, v: Option<&bool>| {
            if let Some(v) = v {
                c.text
                    .extend_from_slice(if *v { b"true" } else { b"false" });
            }
            c.end();
        }),
        ColumnReader::Int32ColumnReader(r) => each!(r, |c: &mut Cells, v: Option<&i32>| {
            if let Some(&v) = v {
                integer(c, i64::from(v), conv, u64::from(v as u32));
            } else {
                point_or_end(c, conv);
            }
        }),
        ColumnReader::Int64ColumnReader(r) => each!(r, |c: &mut Cells, v: Option<&i64>| {
            if let Some(&v) = v {
                integer(c, v, conv, v as u64);
            } else {
                point_or_end(c, conv);
            }
        }),
        ColumnReader::Int96ColumnReader(r) => {
            each!(r, |c: &mut Cells, v: Option<&parquet::data_type::Int96>| {
                if let Some(v) = v {
                    let nanos = i128::from(v.to_nanos());
                    timestamp(
                        c,
                        nanos / 1_000_000_000,
                        (nanos % 1_000_000_000) as i64,
                        1_000_000_000,
                    );
                }
                c.end();
            })
        }
        ColumnReader::FloatColumnReader(r) => each!(r, |c: &mut Cells, v: Option<&f32>| {
            float(c, v.map(|v| f64::from(*v)), conv);
        }),
        ColumnReader::DoubleColumnReader(r) => each!(r, |c: &mut Cells, v: Option<&f64>| {
            float(c, v.copied(), conv);
        }),
        ColumnReader::ByteArrayColumnReader(r) => {
            each!(
                r,
                |c: &mut Cells, v: Option<&parquet::data_type::ByteArray>| {
                    bytes(c, v.map(|v| v.data()), conv);
                }
            )
        }
        ColumnReader::FixedLenByteArrayColumnReader(r) => {
            each!(
                r,
                |c: &mut Cells, v: Option<&parquet::data_type::FixedLenByteArray>| {
                    bytes(c, v.map(|v| v.data()), conv);
                }
            )
        }
    }
    let read = match conv {
        Conv::PointX => cells.x.len(),
        Conv::PointY => cells.y.len(),
        _ => cells.ends.len(),
    };
    if read != rows {
        return Err(format!("it holds {read} values for {rows} rows"));
    }
    Ok(cells)
}

/// A null: a GeoArrow point's coordinate is NaN, other cells empty.
fn point_or_end(c: &mut Cells, conv: Conv) {
    match conv {
        Conv::PointX => c.x.push(f64::NAN),
        Conv::PointY => c.y.push(f64::NAN),
        _ => c.end(),
    }
}

fn integer(c: &mut Cells, v: i64, conv: Conv, unsigned: u64) {
    match conv {
        Conv::Date => {
            if let Ok(t) = jiff::Timestamp::from_second(v.saturating_mul(86_400)) {
                let _ = write!(c.text, "{}", t.strftime("%Y-%m-%d"));
            }
        }
        Conv::Timestamp(per) => {
            timestamp(c, v.div_euclid(per).into(), v.rem_euclid(per), per);
        }
        Conv::Time(per) => {
            let secs = v.div_euclid(per);
            let _ = write!(
                c.text,
                "{:02}:{:02}:{:02}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            );
        }
        Conv::Decimal(scale) => decimal(c, i128::from(v), scale),
        Conv::Unsigned => c
            .text
            .extend_from_slice(itoa::Buffer::new().format(unsigned).as_bytes()),
        _ => c
            .text
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
    }
    c.end();
}

/// Seconds and the part of a second (`frac` of `per`) since the epoch, as
/// ISO 8601 in UTC; nothing when out of range.
fn timestamp(c: &mut Cells, secs: i128, frac: i64, per: i64) {
    let Ok(secs) = i64::try_from(secs) else {
        return;
    };
    let nanos = frac * (1_000_000_000 / per);
    if let Ok(t) = jiff::Timestamp::new(secs, nanos as i32) {
        if nanos == 0 {
            let _ = write!(c.text, "{}", t.strftime("%Y-%m-%dT%H:%M:%SZ"));
        } else {
            let _ = write!(c.text, "{t}");
        }
    }
}

/// An unscaled integer with `scale` digits after the point.
fn decimal(c: &mut Cells, v: i128, scale: i32) {
    if scale <= 0 {
        let _ = write!(c.text, "{v}{}", "0".repeat(scale.unsigned_abs() as usize));
        return;
    }
    let digits = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let (whole, frac) = if digits.len() > scale {
        digits.split_at(digits.len() - scale)
    } else {
        ("0", digits.as_str())
    };
    let sign = if v < 0 { "-" } else { "" };
    let _ = write!(c.text, "{sign}{whole}.{frac:0>scale$}");
}

fn float(c: &mut Cells, v: Option<f64>, conv: Conv) {
    match conv {
        Conv::PointX => c.x.push(v.unwrap_or(f64::NAN)),
        Conv::PointY => c.y.push(v.unwrap_or(f64::NAN)),
        _ => {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                c.text
                    .extend_from_slice(zmij::Buffer::new().format_finite(v).as_bytes());
            }
            c.end();
        }
    }
}

fn bytes(c: &mut Cells, v: Option<&[u8]>, conv: Conv) {
    match (v, conv) {
        (Some(b), Conv::Wkb) => match wkb::point(b) {
            Some(Some((x, y))) => {
                c.x.push(x);
                c.y.push(y);
            }
            Some(None) => {
                c.x.push(f64::NAN);
                c.y.push(f64::NAN);
            }
            None => {
                c.x.push(f64::NAN);
                c.y.push(f64::NAN);
                if let Some(g) = wkb::geometry(b) {
                    c.shapes = true;
                    c.text.extend_from_slice(g.to_string().as_bytes());
                }
            }
        },
        (None, Conv::Wkb) => {
            c.x.push(f64::NAN);
            c.y.push(f64::NAN);
        }
        (Some(b), Conv::Decimal(scale)) => {
            // Big-endian two's complement.
            let mut v: i128 = if b.first().is_some_and(|f| f & 0x80 != 0) {
                -1
            } else {
                0
            };
            for byte in b.iter().take(16) {
                v = (v << 8) | i128::from(*byte);
            }
            decimal(c, v, scale);
        }
        (Some(b), Conv::Uuid) if b.len() == 16 => {
            for (i, byte) in b.iter().enumerate() {
                if matches!(i, 4 | 6 | 8 | 10) {
                    c.text.push(b'-');
                }
                let _ = write!(c.text, "{byte:02x}");
            }
        }
        (Some(b), _) => c.text.extend_from_slice(b),
        (None, _) => {}
    }
    c.end();
}

/// Writes `field` to `out` as CSV does: quoted when it must be.
fn csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

fn xy(x: Option<f64>, y: Option<f64>) -> Option<(f64, f64)> {
    let (x, y) = (x?, y?);
    (!x.is_nan() && !y.is_nan()).then_some((x, y))
}

/// The columns written as CSV: all but the geometry's.
fn csv_columns(plans: &[Plan]) -> Vec<usize> {
    (0..plans.len())
        .filter(|&i| !matches!(plans[i].conv, Conv::Wkb | Conv::PointX | Conv::PointY))
        .collect()
}

/// The CSV header: the columns' names, then `longitude`/`latitude` from
/// the geometry when `coordinates`.
fn csv_header(plans: &[Plan], coordinates: bool) -> Vec<u8> {
    let mut header = Vec::new();
    let mut names: Vec<&str> = csv_columns(plans)
        .into_iter()
        .map(|i| plans[i].name.as_str())
        .collect();
    if coordinates {
        names.extend(["longitude", "latitude"]);
    }
    for (k, n) in names.iter().enumerate() {
        if k > 0 {
            header.push(b',');
        }
        csv_field(&mut header, n.as_bytes());
    }
    header.push(b'\n');
    header
}

/// A row group's rows as CSV, in the header's order.
fn csv_rows(plans: &[Plan], cells: &[Cells], coordinates: bool) -> Vec<u8> {
    let columns: Vec<&Cells> = csv_columns(plans).into_iter().map(|i| &cells[i]).collect();
    let rows = rows_in(plans, cells);
    let size: usize = columns.iter().map(|c| c.text.len() + rows).sum();
    let mut out = Vec::with_capacity(size + rows * 24);
    // Where each column's next cell starts.
    let mut starts = vec![0usize; columns.len()];
    let (xs, ys) = coordinates_of(plans, cells);
    let mut number = zmij::Buffer::new();
    for row in 0..rows {
        for (k, c) in columns.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            let end = c.ends[row];
            csv_field(&mut out, &c.text[starts[k]..end]);
            starts[k] = end;
        }
        if coordinates {
            if !columns.is_empty() {
                out.push(b',');
            }
            match xy(xs.get(row).copied(), ys.get(row).copied()) {
                Some((x, y)) => {
                    out.extend_from_slice(number.format(x).as_bytes());
                    out.push(b',');
                    out.extend_from_slice(number.format(y).as_bytes());
                }
                None => out.push(b','),
            }
        }
        out.push(b'\n');
    }
    out
}

/// A row group's longitudes and latitudes (NaN where there is no point).
fn coordinates_of<'a>(plans: &[Plan], cells: &'a [Cells]) -> (&'a [f64], &'a [f64]) {
    let (mut xs, mut ys): (&[f64], &[f64]) = (&[], &[]);
    for (p, c) in plans.iter().zip(cells) {
        match p.conv {
            Conv::Wkb => return (&c.x, &c.y),
            Conv::PointX => xs = &c.x,
            Conv::PointY => ys = &c.y,
            _ => {}
        }
    }
    (xs, ys)
}

/// How many rows a row group's cells hold.
fn rows_in(plans: &[Plan], cells: &[Cells]) -> usize {
    plans
        .iter()
        .zip(cells)
        .map(|(p, c)| match p.conv {
            Conv::PointX | Conv::PointY => c.x.len().max(c.y.len()),
            _ => c.ends.len(),
        })
        .max()
        .unwrap_or(0)
}

/// The table as GeoJSON features: a point, line or area each, its other
/// columns as properties.
fn geojson_text(plans: &[Plan], groups: &[Vec<Cells>]) -> Vec<u8> {
    let geometry = plans.iter().position(|p| p.conv == Conv::Wkb);
    // Each property's name as JSON, once.
    let keys: Vec<Option<String>> = plans
        .iter()
        .map(|p| {
            (!matches!(p.conv, Conv::Wkb | Conv::PointX | Conv::PointY))
                .then(|| Value::String(p.name.clone()).to_string())
        })
        .collect();
    let mut out = b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec();
    let mut first = true;
    for cells in groups {
        let (xs, ys) = coordinates_of(plans, cells);
        for row in 0..rows_in(plans, cells) {
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(b"{\"type\":\"Feature\",\"geometry\":");
            match (xy(xs.get(row).copied(), ys.get(row).copied()), geometry) {
                (Some((x, y)), _) => {
                    let _ = std::io::Write::write_fmt(
                        &mut out,
                        format_args!("{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}"),
                    );
                }
                (None, Some(g)) if !cells[g].cell(row).is_empty() => {
                    out.extend_from_slice(cells[g].cell(row));
                }
                _ => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"properties\":{");
            let mut k = 0;
            for ((p, c), key) in plans.iter().zip(cells).zip(&keys) {
                let Some(key) = key else { continue };
                let v = c.cell(row);
                if v.is_empty() {
                    continue;
                }
                if k > 0 {
                    out.push(b',');
                }
                k += 1;
                out.extend_from_slice(key.as_bytes());
                out.push(b':');
                if p.number {
                    out.extend_from_slice(v);
                } else {
                    let text = String::from_utf8_lossy(v).into_owned();
                    out.extend_from_slice(Value::String(text).to_string().as_bytes());
                }
            }
            out.extend_from_slice(b"}}");
        }
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        let path = format!(
            "{}/../../tests/files/interop/geoparquet/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(path).unwrap();
        read(Arc::new(FileBytes::Owned(bytes)), None).unwrap()
    }

    /// Each Parquet type as pyarrow writes it becomes the text a table
    /// would hold; nulls are empty cells; a list column is left out.
    #[test]
    fn each_type_is_written_as_a_table_holds_it() {
        let t = table("typed.parquet");
        assert!(!t.geojson);
        assert_eq!(t.skipped, ["tags"]);
        let text = String::from_utf8(t.text).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "title,date,latitude,longitude,fatalities,amount,flag,share,day,kind",
                "Strike on a depot,2024-03-22T17:05:00Z,54.5293,36.2754,3,12.50,true,0.25,2024-03-01,x",
                "Protest at the square,2024-03-23T08:00:00.25Z,55.0968,36.5983,0,-0.05,false,1.5,1969-12-31,y",
                ",,,,,,,,,x",
            ]
        );
    }

    /// GeoParquet's WKB points become longitude/latitude columns; a
    /// cancelled load stops before reading a row group.
    #[test]
    fn points_become_coordinates_and_a_cancelled_read_stops() {
        let t = table("acled-geoparquet.parquet");
        let text = String::from_utf8(t.text).unwrap();
        let header = text.lines().next().unwrap();
        assert!(header.ends_with(",longitude,latitude"), "{header}");
        assert!(text.contains(",35.1365,31.3942\n"), "{text}");
        let path = format!(
            "{}/../../tests/files/interop/geoparquet/acled-geoparquet.parquet",
            env!("CARGO_MANIFEST_DIR")
        );
        let progress = Progress::default();
        progress.cancel();
        let file = Arc::new(FileBytes::Owned(std::fs::read(path).unwrap()));
        assert!(read(file, Some(&progress)).is_err());
    }

    #[test]
    fn decimals_keep_their_point() {
        let text = |v: i128, scale: i32| {
            let mut c = Cells::default();
            decimal(&mut c, v, scale);
            String::from_utf8(c.text).unwrap()
        };
        assert_eq!(text(1250, 2), "12.50");
        assert_eq!(text(-5, 2), "-0.05");
        assert_eq!(text(7, 0), "7");
        assert_eq!(text(7, -2), "700");
    }
}

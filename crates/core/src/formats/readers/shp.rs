//! Shapefiles: a `.shp` with its `.dbf` (the attributes), `.shx`, `.prj`
//! (the coordinate system) and `.cpg` beside it, or all of them in a
//! `.zip`; read with the `shapefile` crate. The features are written out
//! as GeoJSON (each record's attributes its properties, in the table's
//! order) and read by the GeoJSON reader, so the same names mean the same
//! things (an ACLED layer saved as a Shapefile by QGIS reads with ACLED's
//! codebook). Coordinates must be longitude and latitude: a `.prj` naming a
//! projection is refused with the projection named and how to reproject.

use std::io::Cursor;
use std::path::Path;

use ::shapefile::dbase;
use serde_json::{Map, Value, json};

/// The files of one Shapefile, read.
#[derive(Debug, Default)]
pub struct Parts {
    pub shp: Vec<u8>,
    pub dbf: Option<Vec<u8>>,
    pub prj: Option<String>,
    /// The `.cpg`: the code page the table's text is in (`UTF-8`, `1252`,
    /// `CP1251`, `ISO-8859-1`…).
    pub cpg: Option<String>,
}

/// Whether bytes begin as a `.shp` does (its file code, 9994).
pub fn is_shp(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x00\x00\x27\x0a") && bytes.len() >= 100
}

/// The parts beside `path` (a `.shp` whose bytes are `shp`): the files of
/// the same name with the other extensions, in any case.
pub fn parts_beside(path: &Path, shp: &[u8]) -> Parts {
    let sibling = |ext: &str| -> Option<Vec<u8>> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let stem = path.file_stem()?.to_str()?;
        std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
            let p = entry.path();
            let same = p.file_stem().and_then(|s| s.to_str()) == Some(stem)
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext));
            if !same {
                return None;
            }
            // Never more than a table could hold for a file this size.
            let meta = entry.metadata().ok()?;
            (meta.is_file() && meta.len() < 4 << 30).then(|| std::fs::read(&p).ok())?
        })
    };
    Parts {
        shp: shp.to_vec(),
        dbf: sibling("dbf"),
        prj: sibling("prj").map(|b| String::from_utf8_lossy(&b).into_owned()),
        cpg: sibling("cpg").map(|b| String::from_utf8_lossy(&b).into_owned()),
    }
}

/// The parts of the first Shapefile in a zip archive; what is wrong when
/// it holds none or its entries do not read.
pub fn parts_in_zip(bytes: &[u8]) -> Result<Parts, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("this zip archive does not open: {e}"))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let shp = names
        .iter()
        .find(|n| n.to_ascii_lowercase().ends_with(".shp"))
        .ok_or("this zip archive holds no .shp file")?
        .clone();
    let stem = &shp[..shp.len() - 4];
    let mut read = |ext: &str| -> Result<Option<Vec<u8>>, String> {
        let Some(name) = names.iter().find(|n| {
            n.len() == stem.len() + 4
                && n.starts_with(stem)
                && n[stem.len()..].eq_ignore_ascii_case(ext)
        }) else {
            return Ok(None);
        };
        let mut entry = zip
            .by_name(name)
            .map_err(|e| format!("{name} in this zip archive does not open: {e}"))?;
        let limit = crate::limits::max_kmz_entry();
        if entry.size() > limit {
            return Err(format!(
                "{name} in this zip archive is {} bytes, more than the {limit} this app reads from an archive",
                entry.size()
            ));
        }
        let mut out = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("{name} in this zip archive does not read: {e}"))?;
        Ok(Some(out))
    };
    Ok(Parts {
        shp: read(".shp")?.unwrap_or_default(),
        dbf: read(".dbf")?,
        prj: read(".prj")?.map(|b| String::from_utf8_lossy(&b).into_owned()),
        cpg: read(".cpg")?.map(|b| String::from_utf8_lossy(&b).into_owned()),
    })
}

/// A refusal: what is wrong and how to fix it.
pub type Refusal = (String, &'static str);

const REPROJECT: &str = "save it in longitude/latitude (WGS 84): in QGIS, Export › Save Features As… with CRS EPSG:4326; or ogr2ogr -t_srs EPSG:4326 out.geojson IN.shp";

/// The Shapefile as a GeoJSON FeatureCollection's text, and how many of
/// its features have no attributes; refused when its coordinates are not
/// degrees or it does not read.
pub fn to_geojson(parts: &Parts) -> Result<Vec<u8>, Refusal> {
    if let Some(prj) = &parts.prj
        && let Some(name) = projection(prj)
    {
        return Err((
            format!(
                "this Shapefile's coordinates are in the projection \"{name}\" (its .prj says so), not in longitude and latitude"
            ),
            REPROJECT,
        ));
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| features(parts))).unwrap_or_else(|_| {
        Err((
            "this Shapefile does not read: its contents are damaged".to_string(),
            "export it again from the program that made it, or convert it: ogr2ogr -f GeoJSON out.geojson IN.shp",
        ))
    })
}

/// The projection a `.prj` names (its `PROJCS`), none for degrees (`GEOGCS`).
fn projection(prj: &str) -> Option<String> {
    let at = prj.find("PROJCS[")?;
    let rest = &prj[at + 7..];
    let name = rest
        .strip_prefix('"')
        .and_then(|r| r.split('"').next())
        .unwrap_or("unnamed");
    Some(name.to_string())
}

fn features(parts: &Parts) -> Result<Vec<u8>, Refusal> {
    let damaged = |e: &dyn std::fmt::Display| {
        (
            format!("this Shapefile does not read: {e}"),
            "export it again from the program that made it, or convert it: ogr2ogr -f GeoJSON out.geojson IN.shp",
        )
    };
    plausible(&parts.shp).map_err(|e| damaged(&e))?;
    let shapes = ::shapefile::ShapeReader::new(Cursor::new(parts.shp.as_slice()))
        .map_err(|e| damaged(&e))?;
    let mut table = match &parts.dbf {
        Some(dbf) => {
            // The .cpg names the code page; else the table's header does
            // (its language byte), else it is UTF-8.
            let builder = dbase::ReaderBuilder::new();
            // (ESRI's 0x57, "ANSI", is Windows-1252 but not in `dbase`'s list.)
            let ansi = (dbf.get(29) == Some(&0x57)).then_some("windows-1252");
            let builder = match parts.cpg.as_deref().or(ansi).and_then(code_page) {
                Some(e) => builder.with_encoding(dbase::encoding::EncodingRs::from(e)),
                None => builder,
            };
            Some(
                builder
                    .build(Cursor::new(dbf.as_slice()))
                    .map_err(|e| damaged(&e))?,
            )
        }
        None => None,
    };
    let names: Vec<String> = table
        .as_ref()
        .map(|t| t.fields().iter().map(|f| f.name().to_string()).collect())
        .unwrap_or_default();
    let records: Vec<dbase::Record> = match &mut table {
        Some(t) => t.read().map_err(|e| damaged(&e))?,
        None => Vec::new(),
    };
    let mut shapes = shapes;
    let mut out = Vec::new();
    let mut records = records.into_iter();
    for shape in shapes.iter_shapes() {
        let shape = shape.map_err(|e| damaged(&e))?;
        let mut props = Map::new();
        if let Some(mut record) = records.next() {
            for name in &names {
                if let Some(v) = record.remove(name) {
                    props.insert(name.clone(), value(v));
                }
            }
        }
        out.push(json!({
            "type": "Feature",
            "geometry": geometry(&shape),
            "properties": props,
        }));
    }
    let doc = json!({"type": "FeatureCollection", "features": out});
    Ok(serde_json::to_vec(&doc).expect("JSON values write"))
}

/// The encoding a `.cpg` names: a WHATWG label (`UTF-8`, `ISO-8859-1`,
/// `windows-1251`) or a Windows code page's number, bare or after `CP` or
/// `ANSI ` (`1252`, `CP1251`, `ANSI 1250`).
fn code_page(cpg: &str) -> Option<&'static encoding_rs::Encoding> {
    let label = cpg.trim();
    if let Some(e) = encoding_rs::Encoding::for_label(label.as_bytes()) {
        return Some(e);
    }
    let upper = label.to_ascii_uppercase();
    let number = upper
        .strip_prefix("ANSI ")
        .or_else(|| upper.strip_prefix("CP"))
        .unwrap_or(&upper)
        .trim();
    let label = match number.parse::<u32>().ok()? {
        65001 => "utf-8".to_string(),
        866 => "ibm866".to_string(),
        874 | 1250..=1258 => format!("windows-{number}"),
        932 => "shift_jis".to_string(),
        936 => "gbk".to_string(),
        949 => "euc-kr".to_string(),
        950 => "big5".to_string(),
        n @ 28591..=28606 => format!("iso-8859-{}", n - 28590),
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// Whether every record of a `.shp` fits in the file, and holds the
/// points and parts it counts: a count the bytes cannot hold is said
/// before the `shapefile` crate would set memory aside for it.
fn plausible(shp: &[u8]) -> Result<(), String> {
    let be = |at: usize| -> Option<usize> {
        let b: [u8; 4] = shp.get(at..at + 4)?.try_into().ok()?;
        usize::try_from(i32::from_be_bytes(b)).ok()
    };
    let le = |at: usize| -> Option<usize> {
        let b: [u8; 4] = shp.get(at..at + 4)?.try_into().ok()?;
        usize::try_from(i32::from_le_bytes(b)).ok()
    };
    // The records end where the header says the file does (bytes after
    // that are not read by anyone).
    let end = be(24).map_or(shp.len(), |words| words.saturating_mul(2).min(shp.len()));
    let mut at = 100;
    let mut record = 1;
    while at + 8 <= end {
        let cut = || format!("record {record} runs past the end of the .shp (is it whole?)");
        let length = be(at + 4).ok_or_else(cut)?.saturating_mul(2);
        let content = at + 8;
        if content.saturating_add(length) > end {
            return Err(cut());
        }
        let counts = |fixed: usize, per_part: usize| -> Result<(), String> {
            let (parts, points) = if per_part == 0 {
                (0, le(content + 36).unwrap_or(usize::MAX))
            } else {
                (
                    le(content + 36).unwrap_or(usize::MAX),
                    le(content + 40).unwrap_or(usize::MAX),
                )
            };
            let needed = fixed
                .saturating_add(parts.saturating_mul(per_part))
                .saturating_add(points.saturating_mul(16));
            if needed > length {
                return Err(format!(
                    "record {record} counts {points} points in {length} bytes, which cannot hold them"
                ));
            }
            Ok(())
        };
        match le(content) {
            Some(3 | 5 | 13 | 15 | 23 | 25) => counts(44, 4)?,
            Some(8 | 18 | 28) => counts(40, 0)?,
            Some(31) => counts(44, 8)?,
            _ => {}
        }
        at = content + length;
        record += 1;
    }
    Ok(())
}

/// An attribute as a GeoJSON property (blank as null).
fn value(v: dbase::FieldValue) -> Value {
    use dbase::FieldValue as F;
    let number = |f: f64| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    match v {
        F::Character(Some(s)) => Value::String(s.trim().to_string()),
        F::Memo(s) => Value::String(s),
        F::Numeric(Some(f)) | F::Currency(f) | F::Double(f) => number(f),
        F::Float(Some(f)) => number(f64::from(f)),
        F::Integer(i) => json!(i),
        F::Logical(Some(b)) => json!(b),
        F::Date(Some(d)) => json!(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
        F::DateTime(t) => {
            let (d, c) = (t.date(), t.time());
            json!(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                c.hours(),
                c.minutes(),
                c.seconds()
            ))
        }
        _ => Value::Null,
    }
}

/// A shape as a GeoJSON geometry (its Z and M dropped); none for a null shape.
fn geometry(shape: &::shapefile::Shape) -> Value {
    use ::shapefile::Shape as S;
    fn xy<P: ::shapefile::record::traits::HasXY>(p: &P) -> Value {
        json!([p.x(), p.y()])
    }
    fn line<P: ::shapefile::record::traits::HasXY>(points: &[P]) -> Value {
        Value::Array(points.iter().map(xy).collect())
    }
    fn lines<P: ::shapefile::record::traits::HasXY>(parts: &[Vec<P>]) -> Value {
        match parts {
            [one] => json!({"type": "LineString", "coordinates": line(one)}),
            _ => {
                json!({"type": "MultiLineString", "coordinates": parts.iter().map(|p| line(p)).collect::<Vec<_>>()})
            }
        }
    }
    fn polygons<P: ::shapefile::record::traits::HasXY>(
        rings: &[::shapefile::PolygonRing<P>],
    ) -> Value {
        // Each outer ring begins a polygon; the inner rings after it are its holes.
        let mut polys: Vec<Vec<Value>> = Vec::new();
        for ring in rings {
            match ring {
                ::shapefile::PolygonRing::Outer(points) => polys.push(vec![line(points)]),
                ::shapefile::PolygonRing::Inner(points) => match polys.last_mut() {
                    Some(p) => p.push(line(points)),
                    None => polys.push(vec![line(points)]),
                },
            }
        }
        match polys.len() {
            1 => json!({"type": "Polygon", "coordinates": polys.pop()}),
            _ => json!({"type": "MultiPolygon", "coordinates": polys}),
        }
    }
    let points = |pts: Vec<Value>| match pts.len() {
        1 => json!({"type": "Point", "coordinates": pts[0]}),
        _ => json!({"type": "MultiPoint", "coordinates": pts}),
    };
    match shape {
        S::NullShape => Value::Null,
        S::Point(p) => json!({"type": "Point", "coordinates": xy(p)}),
        S::PointM(p) => json!({"type": "Point", "coordinates": xy(p)}),
        S::PointZ(p) => json!({"type": "Point", "coordinates": xy(p)}),
        S::Multipoint(m) => points(m.points().iter().map(xy).collect()),
        S::MultipointM(m) => points(m.points().iter().map(xy).collect()),
        S::MultipointZ(m) => points(m.points().iter().map(xy).collect()),
        S::Polyline(l) => lines(l.parts()),
        S::PolylineM(l) => lines(l.parts()),
        S::PolylineZ(l) => lines(l.parts()),
        S::Polygon(p) => polygons(p.rings()),
        S::PolygonM(p) => polygons(p.rings()),
        S::PolygonZ(p) => polygons(p.rings()),
        // A 3D surface: its points, as a cloud.
        S::Multipatch(m) => points(
            m.patches()
                .iter()
                .flat_map(|p| p.points().iter().map(xy))
                .collect(),
        ),
    }
}

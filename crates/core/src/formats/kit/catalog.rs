//! The formats, in one list: those this app reads ([`READERS`]: name,
//! file extensions, what is read from each) and those it recognises by
//! their first bytes but does not read ([`KNOWN`]: ZIP, SQLite, gzip,
//! a Shapefile's table alone, PDF, images…), each
//! with how to get its data into a format that is read. The loader's messages,
//! the open dialog's filter, `--help` and the README's format table all
//! come from here, so a new reader is one entry.

use std::path::Path;

use super::{Cancelled, Format, Input, Loaded};
use super::{fgb, gpkg, parquet, sheet, shp};

/// A format this app reads.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub format: Format,
    /// As the user knows it: "GeoJSON", "KML or KMZ (Google Earth)".
    pub name: &'static str,
    /// The extensions its files go by, lower case, without the dot.
    pub extensions: &'static [&'static str],
    /// What is read from it, in a few words (the README's format table).
    pub reads: &'static str,
    /// Whether a file is in this format, by its first bytes (and a zip's
    /// entries); `None` for a text format, told apart from the others by
    /// its content when it is read as text.
    pub(super) recognise: Option<fn(&Input) -> bool>,
    /// Reads it.
    pub(super) read: fn(&Input) -> Result<Loaded, Cancelled>,
}

/// Every format this app reads. The file's content decides how it is
/// read, never its name: the extensions are for the open dialog and for
/// messages. Files are offered to the readers that recognise their first
/// bytes in this order; the text formats are told apart by their content.
pub const READERS: &[Reader] = &[
    Reader {
        format: Format::Native,
        name: "incident-map JSON",
        extensions: &["json"],
        reads: "everything: events, sources, passages and their anchors, places, grades, history",
        recognise: None,
        read: super::read_text,
    },
    Reader {
        format: Format::GeoJson,
        name: "GeoJSON",
        extensions: &["geojson", "json"],
        reads: "features with points, lines or areas; properties by name (ACLED's, UCDP's, our exports'); QGIS's exports",
        recognise: None,
        read: super::read_text,
    },
    Reader {
        format: Format::Csv,
        name: "CSV or TSV (ACLED, UCDP GED, GTD, GDELT, or any table with latitude/longitude or coordinates)",
        extensions: &["csv", "tsv", "txt"],
        reads: "a row per event; columns by name in any case; dates in any common form or split in year/month/day; codebooks' precision, actors and counts",
        recognise: None,
        read: super::read_text,
    },
    Reader {
        format: Format::Kml,
        name: "KML (Google Earth, Google My Maps, QGIS)",
        extensions: &["kml"],
        reads: "placemarks with points, lines, areas and tracks; TimeStamp and TimeSpan; ExtendedData; styles as categories",
        recognise: None,
        read: super::read_text,
    },
    Reader {
        format: Format::Kmz,
        name: "KMZ (zipped KML)",
        extensions: &["kmz"],
        reads: "its KML, as KML",
        recognise: Some(|i| i.bytes().starts_with(b"PK\x03\x04") && i.holds_kml()),
        read: super::read_kmz,
    },
    Reader {
        format: Format::Gpx,
        name: "GPX (GPS tracks and waypoints)",
        extensions: &["gpx"],
        reads: "waypoints with their times; tracks and routes as lines over their time span",
        recognise: None,
        read: super::read_text,
    },
    Reader {
        format: Format::Spreadsheet,
        name: "spreadsheets (XLSX: ACLED's download format; XLS, XLSB, ODS)",
        extensions: &["xlsx", "xls", "xlsm", "xlsb", "ods"],
        reads: "the first sheet, or FILE.xlsx?sheet=NAME, as a CSV table: the same columns, codebooks and dates; date cells as dates",
        recognise: Some(|i| sheet::is_spreadsheet(i.bytes(), &i.zip_names)),
        read: super::read_sheet,
    },
    Reader {
        format: Format::Shapefile,
        name: "Shapefile (.shp with its .dbf and .prj, or zipped)",
        extensions: &["shp", "zip"],
        reads: "points, lines and polygons with their attributes, read as GeoJSON properties are (ACLED's names too); coordinates in longitude/latitude (a projected .prj is refused, naming it)",
        recognise: Some(|i| shp::is_shp(i.bytes()) || i.zipped_shp()),
        read: super::read_shapefile,
    },
    Reader {
        format: Format::GeoPackage,
        name: "GeoPackage (QGIS's default)",
        extensions: &["gpkg"],
        reads: "every feature table listed, the first read (or FILE.gpkg?layer=NAME); its columns read as GeoJSON properties are; geometries from WKB; longitude/latitude only (a projected layer is refused, naming it)",
        recognise: Some(|i| gpkg::is_gpkg(i.bytes(), i.path)),
        read: super::read_gpkg,
    },
    Reader {
        format: Format::Parquet,
        name: "GeoParquet or Parquet (DuckDB's, GDAL's, GeoPandas')",
        extensions: &["parquet", "geoparquet"],
        reads: "every flat column, as a table's are (dates, timestamps, decimals typed); the geometry GeoParquet names (WKB or GeoArrow points), Parquet's GEOMETRY type, or latitude/longitude columns; points, lines and areas; a projected CRS is refused, naming it",
        recognise: Some(|i| parquet::is_parquet(i.bytes())),
        read: super::read_parquet,
    },
    Reader {
        format: Format::FlatGeobuf,
        name: "FlatGeobuf",
        extensions: &["fgb"],
        reads: "points, lines and areas with their typed properties, read as GeoJSON properties are; longitude/latitude only (a projected file is refused, naming it)",
        recognise: Some(|i| fgb::is_fgb(i.bytes())),
        read: super::read_fgb,
    },
    Reader {
        format: Format::TimelineJs,
        name: "TimelineJS JSON or sheet",
        extensions: &["json", "csv"],
        reads: "slides with dates, headlines and text (StoryMapJS's too)",
        recognise: None,
        read: super::read_text,
    },
    Reader {
        format: Format::TimeMap,
        name: "TimeMap (events.json with sources.json and associations.json, or a site's bundle)",
        extensions: &["json"],
        reads: "events with dates, times and places; sources' words; filters as tags and categories; narratives",
        recognise: None,
        read: super::read_text,
    },
];

/// The formats read, as named to the user: "incident-map JSON, GeoJSON, …".
pub fn supported() -> String {
    READERS
        .iter()
        .map(|r| r.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every extension a file that is read may have, each once (the open
/// dialog's filter).
pub fn extensions() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for e in READERS.iter().flat_map(|r| r.extensions) {
        if !out.contains(e) {
            out.push(e);
        }
    }
    out
}

/// The format read whose first extension is the file's (a `.json` is ours
/// until its content says otherwise).
pub fn by_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    READERS
        .iter()
        .find(|r| r.extensions.first() == Some(&ext.as_str()))
        .map(|r| r.format)
}

/// A format recognised but not read.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    /// How to get its events into a format this app reads.
    pub help: &'static str,
}

/// Formats recognised by their first bytes (or, for one without a
/// signature, its name) that this app does not read.
pub const KNOWN: &[Known] = &[
    Known {
        name: "an SQLite database",
        extensions: &["sqlite", "db", "sqlite3"],
        help: "export the table of events as CSV (sqlite3 -header -csv FILE 'SELECT * FROM events' > events.csv) with latitude and longitude columns",
    },
    Known {
        name: "a Shapefile's table (.dbf)",
        extensions: &["dbf"],
        help: "open the .shp of the same name beside it: its table is read with it",
    },
    Known {
        name: "a zip archive",
        extensions: &["zip"],
        help: "unzip it and open the data file it holds (a KMZ holds a .kml and is read as it is)",
    },
    Known {
        name: "a gzip-compressed file",
        extensions: &["gz"],
        help: "decompress it (gunzip FILE) and open what it holds",
    },
    Known {
        name: "a PDF document",
        extensions: &["pdf"],
        help: "to read a report as a source, save its text (File › Export as text, or pdftotext) and use Edit › Add source; its events are then found with Ctrl+R",
    },
    Known {
        name: "an image",
        extensions: &["png", "jpg", "jpeg", "gif", "webp"],
        help: "an image holds no events; open the table or map file they come from",
    },
    Known {
        name: "a TIFF image (a GeoTIFF raster?)",
        extensions: &["tif", "tiff"],
        help: "a raster holds no events; open the table or map file they come from",
    },
    Known {
        name: "a file saved as UTF-16",
        extensions: &[],
        help: "save it as UTF-8 (most editors offer \"Save with encoding\"; Excel: Save As › CSV UTF-8)",
    },
];

/// The known format `bytes` (a file's first bytes, at least 16 of them
/// when it has them) are in, by their signature, or for a file without
/// one by the extension of `path`.
pub fn recognise(bytes: &[u8], path: &Path) -> Option<&'static Known> {
    let known = |name: &str| KNOWN.iter().find(|k| k.name.starts_with(name));
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"SQLite format 3\0") {
        // (A GeoPackage is read before this is asked.)
        return known("an SQLite");
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        return known("a zip archive");
    }
    let by_magic: [(&[u8], &str); 6] = [
        (b"\x1f\x8b", "a gzip"),
        (b"%PDF-", "a PDF"),
        (b"\x89PNG\r\n\x1a\n", "an image"),
        (b"\xff\xd8\xff", "an image"),
        (b"GIF8", "an image"),
        (b"II*\x00", "a TIFF"),
    ];
    if let Some((_, name)) = by_magic.iter().find(|(m, _)| starts(m)) {
        return known(name);
    }
    if starts(b"MM\x00*") {
        return known("a TIFF");
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return known("an image");
    }
    if starts(b"\xff\xfe") || starts(b"\xfe\xff") {
        return known("a file saved as UTF-16");
    }
    // A dBase table has no signature but its version byte; its extension says.
    if ext == "dbf" && matches!(bytes.first(), Some(0x02..=0x05 | 0x30 | 0x31 | 0x83 | 0x8b)) {
        return known("a Shapefile's table");
    }
    None
}

/// What to say of a file in a known format: what it is and how to get
/// its events into a format that is read.
pub fn refusal(k: &Known) -> (String, String) {
    (
        format!("this is {}, which this app does not read", k.name),
        format!("{}; this app reads {}", k.help, supported()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each known format is recognised by its signature, whatever the
    /// file is named, and named in what is said.
    #[test]
    fn known_formats_are_named_by_their_first_bytes() {
        let mut sqlite = b"SQLite format 3\0".to_vec();
        sqlite.resize(100, 0);
        let cases: [(&[u8], &str, &str); 5] = [
            (&sqlite, "x.dat", "an SQLite database"),
            (b"PK\x03\x04", "x.zip", "a zip archive"),
            (b"\x03\x7c\x01\x01", "roads.DBF", "a Shapefile's table"),
            (b"%PDF-1.7", "report", "a PDF"),
            (b"\xff\xfei\x00d\x00", "t.csv", "a file saved as UTF-16"),
        ];
        for (bytes, name, want) in cases {
            let k = recognise(bytes, Path::new(name)).unwrap_or_else(|| panic!("{want}"));
            assert!(k.name.starts_with(want), "{want}: {}", k.name);
            assert!(refusal(k).0.contains(k.name));
        }
        assert!(recognise(b"id,lat,lon\n", Path::new("x.csv")).is_none());
        assert!(recognise(b"{\"type\"", Path::new("x.json")).is_none());
    }

    /// The list gives the dialog every extension once, and the name of
    /// every format read.
    #[test]
    fn the_list_gives_names_and_extensions() {
        let ext = extensions();
        for e in ["json", "geojson", "csv", "kml", "kmz", "gpx"] {
            assert_eq!(ext.iter().filter(|x| **x == e).count(), 1, "{e}");
        }
        assert_eq!(by_extension(Path::new("a.GeoJSON")), Some(Format::GeoJson));
        assert_eq!(by_extension(Path::new("a.json")), Some(Format::Native));
        assert_eq!(by_extension(Path::new("a.gpx")), Some(Format::Gpx));
        assert!(supported().contains("GPX"));
        assert!(supported().contains("Shapefile"));
    }
}

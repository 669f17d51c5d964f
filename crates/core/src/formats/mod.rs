//! Reading and writing incident files.
//!
//! [`load`] is the one way in: it reads a file (refusing what is too large or
//! not text), parses it, decodes it into a [`Dataset`], reads the source texts
//! its passages quote, runs [`crate::validate`], anchors every passage
//! ([`crate::evidence`]) and gives back the dataset with every diagnostic,
//! each located by file, line and column. I/O failures (no such file, no
//! permission) are a [`LoadError`]; everything wrong *in* a file is a diagnostic.
//!
//! One module per format: [`native`] is ours; [`geojson`], [`csv`] (ACLED,
//! UCDP, GTD, GDELT and any table with coordinates), [`kml`] (and KMZ),
//! [`gpx`], [`timelinejs`] and [`timemap`] read the files of other tools,
//! through what [`record`] and [`import`] give them; [`sheet`] (XLSX, XLS,
//! ODS), [`shp`] (Shapefile) and [`gpkg`] (GeoPackage, also written) turn
//! theirs into CSV or GeoJSON text for those readers. Every reader reads
//! dates with [`dates`]. [`catalog`] lists
//! them all, and the formats recognised but not read. The format is
//! recognised by content, not by the file's name.

// The folders say what each module is; the modules keep flat names
// (`formats::csv`, `formats::record`), so no path elsewhere changes.

// readers/: one per format of other tools (and ours), each turning a file
// into events.
#[path = "readers/csv/mod.rs"]
pub mod csv;
#[path = "readers/fgb.rs"]
pub mod fgb;
#[path = "readers/gdelt.rs"]
pub mod gdelt;
#[path = "readers/geojson.rs"]
pub mod geojson;
#[path = "readers/gpkg.rs"]
pub mod gpkg;
#[path = "readers/gpx.rs"]
pub mod gpx;
#[path = "readers/kml/mod.rs"]
pub mod kml;
#[path = "readers/native.rs"]
pub mod native;
#[path = "readers/native_events.rs"]
mod native_events;
#[path = "readers/parquet.rs"]
pub mod parquet;
#[path = "readers/sheet.rs"]
pub mod sheet;
#[path = "readers/shp.rs"]
pub mod shp;
#[path = "readers/timelinejs.rs"]
pub mod timelinejs;
#[path = "readers/timemap.rs"]
pub mod timemap;

// kit/: what the readers share: the list of formats, dates, the record
// vocabulary, file access, JSON scanning, runs of records on every core.
#[path = "kit/catalog.rs"]
pub mod catalog;
#[path = "kit/dates.rs"]
pub mod dates;
#[path = "kit/file.rs"]
pub mod file;
#[path = "kit/import.rs"]
pub mod import;
#[path = "kit/json_scan.rs"]
pub mod json_scan;
#[path = "kit/json_tree.rs"]
pub mod json_tree;
#[path = "kit/record.rs"]
pub mod record;
#[path = "kit/runs.rs"]
pub mod runs;
#[path = "kit/wkb.rs"]
pub mod wkb;

// writers/: GeoJSON, CSV and TimeMap (ours is `native::write`, a
// GeoPackage `gpkg::write`), and atomic saving.
#[path = "writers/export.rs"]
pub mod export;

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use file::FileBytes;

use std::borrow::Cow;

use crate::diagnostic::{Code, Diagnostic, TextIndex};
use crate::model::Dataset;
use crate::store::Store;

/// How `load` goes about a file, and where it reports how far it got.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Refuse, before reading, a file that would need more memory than the
    /// machine has available (set `INCIDENT_MAP_NO_MEMORY_CHECK=1` to read
    /// it anyway).
    pub check_memory: bool,
    /// Shared with whoever waits for the load: how far it got, and a way to stop it.
    pub progress: Option<Arc<Progress>>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            check_memory: std::env::var_os("INCIDENT_MAP_NO_MEMORY_CHECK").is_none(),
            progress: None,
        }
    }
}

/// What a load is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Parsing,
    Checking,
    Anchoring,
    /// Building what the views need (done by the app after `load`).
    Indexing,
}

impl Stage {
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Parsing => "parsing",
            Stage::Checking => "checking",
            Stage::Anchoring => "finding the passages in their sources",
            Stage::Indexing => "indexing for the map and timeline",
        }
    }
}

/// How far a load has got, updated by the loading thread and read by the
/// UI; [`Progress::cancel`] makes the load stop at its next step.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    /// How far the current stage got, as `f32` bits (0 when it does not say).
    fraction: std::sync::atomic::AtomicU32,
    cancelled: AtomicBool,
}

impl Progress {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    pub fn stage(&self) -> Stage {
        match self.stage.load(Ordering::Relaxed) {
            0 => Stage::Reading,
            1 => Stage::Parsing,
            2 => Stage::Checking,
            3 => Stage::Anchoring,
            _ => Stage::Indexing,
        }
    }

    pub fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
        self.fraction.store(0, Ordering::Relaxed);
    }

    /// Enters `stage`, `fraction` of it done.
    pub fn set_fraction(&self, stage: Stage, fraction: f32) {
        self.stage.store(stage as u8, Ordering::Relaxed);
        self.fraction
            .store(fraction.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }

    /// The share of the current stage done, when it says (the records parsed).
    pub fn fraction_read(&self) -> Option<f32> {
        let f = f32::from_bits(self.fraction.load(Ordering::Relaxed));
        (f > 0.0).then_some(f)
    }

    /// "reading 45%", "parsing 30%", "checking".
    pub fn describe(&self) -> String {
        match self.fraction_read() {
            Some(f) => format!("{} {:.0}%", self.stage().describe(), f * 100.0),
            None => self.stage().describe().to_string(),
        }
    }
}

/// Steps the load through its stages; `Err` once the user cancelled.
struct Steps<'a>(Option<&'a Progress>);

impl Steps<'_> {
    fn enter(&self, stage: Stage) -> Result<(), Cancelled> {
        match self.0 {
            Some(p) if p.is_cancelled() => Err(Cancelled),
            Some(p) => {
                p.set_stage(stage);
                Ok(())
            }
            None => Ok(()),
        }
    }
}

/// The user stopped the load.
#[derive(Debug)]
pub struct Cancelled;

/// A file that could not be read at all (or whose load was cancelled).
#[derive(Debug, thiserror::Error)]
#[error("cannot read {}: {source}", path.display())]
pub struct LoadError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl LoadError {
    /// Whether the user cancelled the load.
    pub fn is_cancelled(&self) -> bool {
        self.source.kind() == std::io::ErrorKind::Interrupted
    }
}

/// The outcome of loading a file.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    /// The events, unless the file could not be understood at all.
    pub store: Option<Store>,
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// What the file turned out to be, once recognised.
    pub format: Option<Format>,
    /// The sheets of a workbook or the layers of a GeoPackage, when it has
    /// more than one (one was read: the first, or the one asked for).
    pub parts: Vec<String>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The events, if they are fit to show: they decoded, and the only
    /// errors are ones the app can show beside the data (a passage that did
    /// not anchor, a bad row skipped).
    pub fn usable(&self) -> Option<&Store> {
        if self.diagnostics.iter().any(Diagnostic::prevents_opening) {
            None
        } else {
            self.store.as_ref()
        }
    }

    /// The whole dataset (every record read in full when the events live
    /// in their file), usable or not.
    pub fn dataset(&self) -> Option<Cow<'_, Dataset>> {
        self.store.as_ref().map(Store::to_dataset)
    }
}

/// Loads what `origin` names: a file, or a table on a server.
pub fn open(origin: &crate::origin::Origin, options: &LoadOptions) -> Result<Loaded, LoadError> {
    use crate::origin::Origin;
    match origin {
        Origin::File(path) => load(path, options),
        Origin::Table(target) => crate::postgis::load(target, options),
        Origin::Unsaved(name) => Err(LoadError {
            path: PathBuf::from(name),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "it was made in the app and has no file yet: save it first",
            ),
        }),
    }
}

/// Loads an incident file (a table on a server: [`open`]).
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    // `book.xlsx?sheet=Events`: one part of a file that has several.
    let (path, choice) = match sheet::split_choice(path) {
        Some((file, choice)) => (file, Some(choice)),
        None => (path.to_path_buf(), None),
    };
    let path = path.as_path();
    let io_err = |source| LoadError {
        path: path.to_path_buf(),
        source,
    };
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.set_stage(Stage::Reading);
    }
    // Weighed before a byte is mapped: a file too big is never read.
    let (head, size) = file::head(path, 4096).map_err(io_err)?;
    if options.check_memory
        && let Some(d) = too_big(&head, size, file::available_memory())
    {
        return Ok(finish(path, None, vec![d], None));
    }
    let bytes = file::map(path).map_err(io_err)?;
    load_steps(
        path,
        Arc::new(bytes),
        Steps(progress),
        None,
        choice.as_deref(),
    )
    .map_err(|Cancelled| {
        io_err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "cancelled",
        ))
    })
}

/// Memory a file of `size` bytes needs for each of its bytes, roughly: the
/// fast readers (CSV, GeoJSON, KML, a large native file) keep a packed table
/// beside the file, which stays mapped; the others build every event in full.
fn memory_per_byte(head: &[u8], size: u64) -> f64 {
    // Measured at 10^6 records (README, "Size and speed"): the file mapped,
    // plus the table and the indexes the app builds.
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    let says = |what: &[u8]| memchr::memmem::find(head, what).is_some();
    match first {
        Some(b'P') if head.starts_with(b"PK") => 60.0,
        // Its rows made CSV text in memory (about 7 times the compressed
        // file), then read as a CSV file is: 13 times at 10^6 rows.
        Some(b'P') if head.starts_with(b"PAR1") => 14.0,
        // Made GeoJSON in memory, then read as GeoJSON is.
        _ if head.starts_with(b"fgb\x03") || head.starts_with(b"SQLite format 3\0") => 6.0,
        Some(b'<') => 1.8,
        // Its events kept in memory up to native_events::KEPT_IN_MEMORY
        // (a few tens of megabytes), left in the file beyond.
        Some(b'{') if says(b"\"incident-map\"") && size < 64 << 20 => 5.0,
        Some(b'{') if says(b"\"incident-map\"") => 1.8,
        Some(b'{') if says(b"FeatureCollection") => 1.5,
        Some(b'{' | b'[') | None => 6.0,
        _ => 1.7,
    }
}

/// The diagnostic for a file of `size` bytes beginning with `head` that
/// would not fit in `available` bytes of memory.
fn too_big(head: &[u8], size: u64, available: Option<u64>) -> Option<Diagnostic> {
    let available = available?;
    let needed = (size as f64 * memory_per_byte(head, size)) as u64;
    (needed > available).then(|| {
        let mut d = Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "the file is {} and would need about {} of memory to open; {} is available",
                file::human_bytes(size),
                file::human_bytes(needed),
                file::human_bytes(available)
            ),
        )
        .with_help("close other programs, split the file, or set INCIDENT_MAP_NO_MEMORY_CHECK=1 to try anyway")
        .at_offset(0);
        d.position = Some(crate::diagnostic::LineCol { line: 1, column: 1 });
        d
    })
}

/// Loads an incident file already read into memory. `path` names it in
/// diagnostics and is where relative source paths start from.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Loaded {
    load_steps(
        path,
        Arc::new(FileBytes::Owned(bytes.to_vec())),
        Steps(None),
        None,
        None,
    )
    .expect("only a Progress cancels")
}

/// Loads what a server wrote (`path` names it), as a file's bytes.
/// A table's days are in `time_zone`.
pub(crate) fn load_owned(
    path: &Path,
    bytes: Vec<u8>,
    progress: Option<&Progress>,
    time_zone: Option<&str>,
) -> Result<Loaded, Cancelled> {
    load_steps(
        path,
        Arc::new(FileBytes::Owned(bytes)),
        Steps(progress),
        time_zone,
        None,
    )
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Native,
    GeoJson,
    Csv,
    Kml,
    Kmz,
    Gpx,
    Spreadsheet,
    Shapefile,
    GeoPackage,
    Parquet,
    FlatGeobuf,
    TimelineJs,
    TimeMap,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "incident-map JSON",
            Format::GeoJson => "GeoJSON",
            Format::Csv => "CSV",
            Format::Kml => "KML",
            Format::Kmz => "KMZ",
            Format::Gpx => "GPX",
            Format::Spreadsheet => "spreadsheet",
            Format::Shapefile => "Shapefile",
            Format::GeoPackage => "GeoPackage",
            Format::Parquet => "Parquet",
            Format::FlatGeobuf => "FlatGeobuf",
            Format::TimelineJs => "TimelineJS JSON",
            Format::TimeMap => "TimeMap JSON",
        }
    }
}

/// What a reader is given: the file, where it is and how it was asked
/// to be read.
struct Input<'a> {
    path: &'a Path,
    file: Arc<FileBytes>,
    /// The file's name, as problems are placed in it.
    name: String,
    steps: Steps<'a>,
    /// A table's days are in this zone (UTC when `None`).
    time_zone: Option<&'a str>,
    /// The sheet or layer asked for (`FILE?sheet=NAME`, `?layer=NAME`).
    choice: Option<&'a str>,
    /// A zip archive's entries, which say what it is (a KMZ, a zipped
    /// Shapefile, a workbook); empty for any other file.
    zip_names: Vec<String>,
}

impl Input<'_> {
    fn bytes(&self) -> &[u8] {
        &self.file
    }

    /// A KMZ, or a zip archive that does not open (said as a KMZ's error).
    fn holds_kml(&self) -> bool {
        self.bytes().starts_with(b"PK") && self.zip_names.is_empty()
            || self
                .path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("kmz"))
            || self
                .zip_names
                .iter()
                .any(|n| n.to_ascii_lowercase().ends_with(".kml"))
    }

    /// A zip archive holding a Shapefile.
    fn zipped_shp(&self) -> bool {
        !self.holds_kml()
            && self
                .zip_names
                .iter()
                .any(|n| n.to_ascii_lowercase().ends_with(".shp"))
    }
}

/// Reads `file` (a table's days in `time_zone`, UTC when `None`; of a
/// workbook, the sheet `choice` names): by the first reader in
/// [`catalog::READERS`] whose first bytes it has, else, when it is in a
/// format known but not read, said so; else as text.
fn load_steps(
    path: &Path,
    file: Arc<FileBytes>,
    steps: Steps,
    time_zone: Option<&str>,
    choice: Option<&str>,
) -> Result<Loaded, Cancelled> {
    steps.enter(Stage::Parsing)?;
    let zip_names = if file.starts_with(b"PK") {
        kml::zip_names(&file)
    } else {
        Vec::new()
    };
    let input = Input {
        path,
        name: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        file,
        steps,
        time_zone,
        choice,
        zip_names,
    };
    for reader in catalog::READERS {
        if let Some(recognise) = reader.recognise
            && recognise(&input)
        {
            return (reader.read)(&input);
        }
    }
    // A format known by its first bytes that is not read (a PDF, an SQLite
    // database that is not a GeoPackage…) is named, with how to convert it.
    if !input.holds_kml()
        && let Some(known) = catalog::recognise(input.bytes(), path)
    {
        let (message, help) = catalog::refusal(known);
        return Ok(refused(path, message, &help));
    }
    read_text(&input)
}

/// A KMZ: its KML, whose problems are placed in the entry:
/// `places.kmz/doc.kml:12:5`.
fn read_kmz(input: &Input) -> Result<Loaded, Cancelled> {
    let (path, name, steps) = (input.path, &input.name, &input.steps);
    let (entry, kml) = match kml::unzip(input.bytes()) {
        Ok(x) => x,
        Err(d) => return Ok(finish(path, None, vec![*d], None)),
    };
    let inner = path.join(&entry);
    let kml_bytes = Arc::new(FileBytes::Owned(kml.into_bytes()));
    let mut loaded = match kml::read_records(kml_bytes.clone(), 0, name, steps.0)? {
        Some(read) => {
            let (table, records) = read.table;
            let store = Store::from_records(table, Box::new(records));
            finish_store(&inner, Some(store), read.diagnostics, &kml_bytes)
        }
        None => {
            steps.enter(Stage::Checking)?;
            let kml = std::str::from_utf8(&kml_bytes).expect("unzip gives text");
            take_import(&inner, kml::read(kml, name), Vec::new(), Some(kml), steps)?
        }
    };
    loaded.path = path.to_path_buf();
    loaded.format = Some(Format::Kmz);
    Ok(loaded)
}

/// A FlatGeobuf file, read as the GeoJSON its features make.
fn read_fgb(input: &Input) -> Result<Loaded, Cancelled> {
    match fgb::to_geojson(input.bytes()) {
        Ok(json) => {
            let mut loaded = read_geojson(input.path, json, &input.name, &input.steps, Vec::new())?;
            loaded.format = Some(Format::FlatGeobuf);
            Ok(loaded)
        }
        Err((message, help)) => Ok(refused(input.path, message, help)),
    }
}

/// A text file: CSV, GeoJSON, GPX, KML, or JSON (ours, TimelineJS's,
/// TimeMap's), told apart by their content in that order.
fn read_text(input: &Input) -> Result<Loaded, Cancelled> {
    let (path, file, steps, time_zone) = (input.path, &input.file, &input.steps, input.time_zone);
    let bytes = input.bytes();
    let name = input.name.as_str();
    // Text never holds a NUL byte: one near the start decides the file
    // (binary, UTF-16, a sparse or zeroed file) before any of it is read
    // further, however large it is.
    if let Some(at) = memchr::memchr(0, &bytes[..bytes.len().min(1 << 16)]) {
        let d = Diagnostic::error(
            Code::UnknownFormat,
            "this file is not text: it holds a NUL byte here (a binary file, a file saved as UTF-16, or one whose bytes are zeros)",
        )
        .with_help(format!(
            "save it as UTF-8 text; this app reads {}",
            catalog::supported()
        ))
        .at_offset(at);
        let before = std::str::from_utf8(&bytes[..=at]).ok();
        return Ok(finish(path, None, vec![d], before));
    }
    // A table: read straight from the bytes, on every core (its text is
    // checked to be UTF-8 a run of records at a time).
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let body = &bytes[bom..];
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    // A file named as JSON, or that starts like JavaScript, is JSON that
    // may not parse: its error is a JSON one, at its line, never "a CSV
    // file without coordinates".
    let jsonish = looks_like_javascript(body)
        || path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["json", "geojson", "js", "jsonc"].contains(&e.to_ascii_lowercase().as_str())
        });
    if first.is_some_and(|b| !matches!(b, b'<' | b'{' | b'['))
        && !jsonish
        && csv::looks_like(&String::from_utf8_lossy(&body[..body.len().min(1 << 16)]))
    {
        let mut diagnostics = Vec::new();
        if bom > 0 {
            diagnostics.push(bom_warning());
        }
        // TimelineJS's sheet template: a timeline, read as TimelineJS reads it.
        if let Some(import) = csv::timelinejs_sheet(body, bom, name) {
            steps.enter(Stage::Checking)?;
            let text = std::str::from_utf8(bytes).ok();
            let mut loaded = take_import(path, import, diagnostics, text, steps)?;
            loaded.format = Some(Format::Csv);
            return Ok(loaded);
        }
        let read = csv::read(file.clone(), bom, name, steps.0, time_zone)?;
        diagnostics.extend(read.diagnostics);
        let store = read
            .table
            .map(|(table, records)| Store::from_records(table, Box::new(records)));
        let mut loaded = finish_store(path, store, diagnostics, bytes);
        loaded.format = Some(Format::Csv);
        return Ok(loaded);
    }
    // GeoJSON: its features found without parsing them, then parsed on
    // every core.
    if first == Some(&b'{')
        && let Ok(Some(members)) = json_scan::members(bytes, bom)
        && geojson::is_geojson(bytes, &members)
    {
        let root = json_scan::skip_ws(bytes, bom)..bytes.len();
        let mut diagnostics = Vec::new();
        if bom > 0 {
            diagnostics.push(bom_warning());
        }
        let read = geojson::read(file.clone(), root, &members, name, steps.0)?;
        diagnostics.extend(read.diagnostics);
        let store = read
            .table
            .map(|(table, records)| Store::from_records(table, Box::new(records)));
        let mut loaded = finish_store(path, store, diagnostics, bytes);
        loaded.format = Some(Format::GeoJson);
        return Ok(loaded);
    }
    let (text, mut diagnostics) = match decode_utf8(bytes, Code::NotUtf8, "the file") {
        Ok(x) => x,
        Err(d) => return Ok(finish(path, None, vec![*d], None)),
    };
    let start = text.trim_start();
    if start.starts_with('<') && gpx::looks_like(text) {
        steps.enter(Stage::Checking)?;
        let mut loaded = take_import(path, gpx::read(text, name), diagnostics, Some(text), steps)?;
        loaded.format = Some(Format::Gpx);
        return Ok(loaded);
    }
    if start.starts_with('<') {
        if !kml::looks_like(text) {
            diagnostics.push(unknown_format(
                "this XML file is not KML or GPX (it has no <kml> or <gpx> element)",
            ));
            return Ok(finish(path, None, diagnostics, Some(text)));
        }
        // Its placemarks on every core, when its outline is clear.
        let start = bytes.len() - text.len();
        if let Some(read) = kml::read_records(file.clone(), start, name, steps.0)? {
            diagnostics.extend(read.diagnostics);
            let (table, records) = read.table;
            let store = Store::from_records(table, Box::new(records));
            let mut loaded = finish_store(path, Some(store), diagnostics, bytes);
            loaded.format = Some(Format::Kml);
            return Ok(loaded);
        }
        steps.enter(Stage::Checking)?;
        let mut loaded = take_import(path, kml::read(text, name), diagnostics, Some(text), steps)?;
        loaded.format = Some(Format::Kml);
        return Ok(loaded);
    }
    // JavaScript, or a file named as JSON: read as JSON, whose error says
    // where it stops being JSON (and, for JavaScript, what to keep).
    if !start.is_empty() && !start.starts_with(['{', '[']) && !jsonish {
        diagnostics.push(unknown_format(
            "this file is not in a format this app reads",
        ));
        return Ok(finish(path, None, diagnostics, Some(text)));
    }
    read_json(path, text, Some(file), diagnostics, steps, Native::CHOSEN)
}

/// A Shapefile (`bytes`, its `.shp`, or a zip holding one when `zipped`)
/// read as the GeoJSON its features make.
fn read_shapefile(input: &Input) -> Result<Loaded, Cancelled> {
    let (path, bytes, name, steps) = (input.path, input.bytes(), &input.name, &input.steps);
    let parts = if input.zipped_shp() {
        shp::parts_in_zip(bytes).map_err(|m| {
            (
                m,
                "zip the Shapefile's .shp, .dbf, .shx and .prj together, or open the .shp itself",
            )
        })
    } else {
        Ok(shp::parts_beside(path, bytes))
    };
    let mut diagnostics = Vec::new();
    if let Ok(p) = &parts
        && p.dbf.is_none()
    {
        diagnostics.push(
            Diagnostic::warning(
                Code::MissingField,
                "no .dbf beside this Shapefile: its features have no attributes (no titles, dates or words)",
            )
            .with_help("keep the .dbf (and .prj) of the same name beside the .shp, or zip them together")
            .at_offset(0),
        );
    }
    match parts.and_then(|p| shp::to_geojson(&p)) {
        Ok(json) => {
            let mut loaded = read_geojson(path, json, name, steps, diagnostics)?;
            loaded.format = Some(Format::Shapefile);
            Ok(loaded)
        }
        Err((message, help)) => Ok(refused(path, message, help)),
    }
}

/// A GeoPackage's layer (`choice`, or the first) read as the GeoJSON its
/// features make; its other layers named.
fn read_gpkg(input: &Input) -> Result<Loaded, Cancelled> {
    let (path, name, steps) = (input.path, &input.name, &input.steps);
    let mut diagnostics = Vec::new();
    match gpkg::read(input.bytes(), input.choice) {
        Ok(layer) => {
            diagnostics.extend(other_parts(
                "GeoPackage",
                "layer",
                &layer.layers,
                &layer.name,
            ));
            let mut loaded = read_geojson(path, layer.geojson, name, steps, diagnostics)?;
            loaded.format = Some(Format::GeoPackage);
            if layer.layers.len() > 1 {
                loaded.parts = layer.layers;
            }
            Ok(loaded)
        }
        Err((message, help)) => Ok(refused(path, message, help)),
    }
}

/// A GeoJSON text made from another format's features (a Shapefile's),
/// read as GeoJSON is; `diagnostics` said first. Its problems are placed
/// by feature ("feature 3"), the text's lines being no file's.
fn read_geojson(
    path: &Path,
    json: Vec<u8>,
    name: &str,
    steps: &Steps,
    mut diagnostics: Vec<Diagnostic>,
) -> Result<Loaded, Cancelled> {
    let file = Arc::new(FileBytes::Owned(json));
    let members = match json_scan::members(&file, 0) {
        Ok(Some(m)) => m,
        _ => {
            diagnostics.push(unknown_format("the features did not make GeoJSON"));
            return Ok(finish(path, None, diagnostics, Some("")));
        }
    };
    let read = geojson::read(file.clone(), 0..file.len(), &members, name, steps.0)?;
    diagnostics.extend(read.diagnostics);
    let store = read
        .table
        .map(|(table, records)| Store::from_records(table, Box::new(records)));
    let mut loaded = finish_store(path, store, diagnostics, &file);
    unplaced(&mut loaded, false);
    Ok(loaded)
}

/// Problems of a file read through a text made from it (a Parquet file's
/// rows as CSV, a GeoPackage's features as GeoJSON): the text's lines and
/// columns are no place in the file, so only the row or feature the
/// message names says where. `rows`: the text was CSV, whose row numbers
/// count its header; a table's rows count from its first.
fn unplaced(loaded: &mut Loaded, rows: bool) {
    for d in &mut loaded.diagnostics {
        d.position = None;
        if rows
            && let Some(rest) = d.message.strip_prefix("row ")
            && let Some((n, tail)) = rest.split_once(':')
            && let Ok(n) = n.parse::<usize>()
        {
            d.message = format!("row {}:{tail}", n.saturating_sub(1));
        }
    }
}

/// The warning for a file of several `parts` (a workbook's sheets, a
/// GeoPackage's layers) of which `read` was read; none for a file of one.
fn other_parts(file: &str, part: &str, parts: &[String], read: &str) -> Option<Diagnostic> {
    let ext = if part == "sheet" { "xlsx" } else { "gpkg" };
    let list = if part == "sheet" { "Sheet" } else { "Layer" };
    (parts.len() > 1).then(|| {
        Diagnostic::warning(
            Code::OtherParts,
            format!(
                "this {file} has {} {part}s ({}); the {part} \"{read}\" was read",
                parts.len(),
                parts.join(", ")
            ),
        )
        .with_help(format!(
            "to read another, choose it in the top bar's {list} list, or open the file as FILE.{ext}?{part}=NAME"
        ))
        .at_offset(0)
    })
}

/// A file refused whole: what is wrong and how to fix it, at its start.
fn refused(path: &Path, message: String, help: &str) -> Loaded {
    let d = Diagnostic::error(Code::UnknownFormat, message)
        .with_help(help.to_string())
        .at_offset(0);
    finish(path, None, vec![d], Some(""))
}

/// A spreadsheet's sheet (`choice`, or the first), read as the CSV it is
/// written out as; a workbook's other sheets named, with how to read one.
fn read_sheet(input: &Input) -> Result<Loaded, Cancelled> {
    let (path, name, steps, time_zone) = (input.path, &input.name, &input.steps, input.time_zone);
    let table = match sheet::to_csv(input.bytes(), input.choice) {
        Ok(t) => t,
        Err(message) => {
            return Ok(refused(
                path,
                message,
                "open it in a spreadsheet app and save the sheet as CSV UTF-8, or name a sheet: FILE.xlsx?sheet=NAME",
            ));
        }
    };
    let diagnostics: Vec<Diagnostic> =
        other_parts("workbook", "sheet", &table.sheets, &table.sheet)
            .into_iter()
            .collect();
    let mut loaded = read_csv_text(path, table.csv, name, steps, time_zone, diagnostics)?;
    loaded.format = Some(Format::Spreadsheet);
    if table.sheets.len() > 1 {
        loaded.parts = table.sheets;
    }
    Ok(loaded)
}

/// A CSV text made from another format's table (a sheet's, a Parquet
/// file's), read as a CSV file is; `diagnostics` said first. Its problems
/// are placed by line, line 2 being the first row.
fn read_csv_text(
    path: &Path,
    csv: Vec<u8>,
    name: &str,
    steps: &Steps,
    time_zone: Option<&str>,
    mut diagnostics: Vec<Diagnostic>,
) -> Result<Loaded, Cancelled> {
    let csv_bytes = Arc::new(FileBytes::Owned(csv));
    let read = csv::read(csv_bytes.clone(), 0, name, steps.0, time_zone)?;
    diagnostics.extend(read.diagnostics);
    let store = read
        .table
        .map(|(table, records)| Store::from_records(table, Box::new(records)));
    Ok(finish_store(path, store, diagnostics, &csv_bytes))
}

/// A Parquet or GeoParquet file read as the CSV (points) or GeoJSON
/// (lines and areas) its table makes.
fn read_parquet(input: &Input) -> Result<Loaded, Cancelled> {
    let (path, name, steps, time_zone) = (input.path, &input.name, &input.steps, input.time_zone);
    let table = match parquet::read(input.file.clone(), steps.0) {
        Ok(t) => t,
        Err((message, help)) => {
            steps.enter(Stage::Parsing)?;
            return Ok(refused(path, message, help));
        }
    };
    steps.enter(Stage::Parsing)?;
    let mut diagnostics = Vec::new();
    if !table.skipped.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                Code::MissingField,
                format!(
                    "these columns are not read (lists, maps, structs or binary data): {}",
                    table.skipped.join(", ")
                ),
            )
            .with_help("flatten them into text or number columns (DuckDB: SELECT *, list_aggr(col, 'string_agg', '; ') AS col_text …) if they hold what the events need")
            .at_offset(0),
        );
    }
    let mut loaded = if table.geojson {
        read_geojson(path, table.text, name, steps, diagnostics)?
    } else {
        let mut loaded = read_csv_text(path, table.text, name, steps, time_zone, diagnostics)?;
        unplaced(&mut loaded, true);
        loaded
    };
    loaded.format = Some(Format::Parquet);
    Ok(loaded)
}

/// How a native file's events are read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Native {
    /// With the rest of the file, in one parse: the reference the others
    /// are tested against.
    Whole,
    /// Found by a scan and decoded on every core: kept in memory when
    /// there are at most `kept`, otherwise read `chunk` at a time and
    /// left in the file.
    Split { kept: usize, chunk: usize },
}

impl Native {
    /// What a file is read with.
    const CHOSEN: Native = Native::Split {
        kept: native_events::KEPT_IN_MEMORY,
        chunk: native_events::CHUNK,
    };
}

/// A JSON file: ours (its events decoded on every core when `split` and
/// the file allows), or TimelineJS.
fn read_json(
    path: &Path,
    text: &str,
    file: Option<&Arc<FileBytes>>,
    mut diagnostics: Vec<Diagnostic>,
    steps: &Steps,
    native: Native,
) -> Result<Loaded, Cancelled> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let base = path.parent().unwrap_or(Path::new("."));
    let check = |ds: &mut Dataset| {
        if let Some(p) = steps.0 {
            p.set_stage(Stage::Checking);
        }
        let mut found = read_source_texts(ds, base);
        found.extend(crate::validate::check(ds));
        if let Some(p) = steps.0 {
            p.set_stage(Stage::Anchoring);
        }
        found.extend(crate::evidence::anchor_dataset(ds));
        found
    };
    if native != Native::Whole
        && let Some(split) = native_events::Split::new(text)
        && split.is_native()
    {
        let chunk = match native {
            Native::Split { kept, chunk } if split.events.len() > kept => Some(chunk),
            _ => None,
        };
        // The text's place in the file (after a byte order mark).
        let start = file.and_then(|f| (text.as_ptr() as usize).checked_sub(f.as_ptr() as usize));
        if let (Some(chunk), Some(file), Some(start)) = (chunk, file, start) {
            let sources = |ds: &mut Dataset| read_source_texts(ds, base);
            let (read, more) =
                native_events::read_records(&split, file.clone(), start, steps.0, chunk, sources)?;
            diagnostics.extend(more);
            let store = read.map(|(table, records)| Store::from_records(table, Box::new(records)));
            let mut loaded = finish_store(path, store, diagnostics, text.as_bytes());
            loaded.format = Some(Format::Native);
            return Ok(loaded);
        }
        let (dataset, more) = native_events::read(&split, steps.0, check)?;
        diagnostics.extend(more);
        let mut loaded = finish(path, dataset, diagnostics, Some(text));
        loaded.format = Some(Format::Native);
        return Ok(loaded);
    }
    let root = match json_tree::parse(text) {
        Ok(root) => root,
        Err(mut d) => {
            if looks_like_javascript(text.as_bytes()) || text.contains("{'") || text.contains(": '")
            {
                let help = d.help.take().map(|h| format!("{h}; ")).unwrap_or_default();
                d.help = Some(format!(
                    "{help}this looks like JavaScript (a variable, comments or single quotes), not JSON: keep only the value from its first {{ to its last }}, with every name and text in double quotes, and no comments"
                ));
            }
            diagnostics.push(*d);
            return Ok(finish(path, None, diagnostics, Some(text)));
        }
    };
    let import = if timelinejs::is_timelinejs(&root) && !native::is_native(&root) {
        Some((timelinejs::read(&root, &name), Format::TimelineJs))
    } else if timemap::is_timemap(&root)
        && let jsonc_parser::ast::Value::Array(items) = &root
    {
        use jsonc_parser::common::Ranged;
        let offsets: Vec<usize> = items.elements.iter().map(|e| e.range().start).collect();
        let events = json_tree::to_serde(&root);
        Some((
            timemap::read(&events, path, &offsets, &name),
            Format::TimeMap,
        ))
    } else if !native::is_native(&root)
        && let Some(jsonc_parser::ast::Value::Array(items)) = timemap::bundle_events(&root)
    {
        // A TimeMap site's bundle: events, sources and associations in one.
        use jsonc_parser::common::Ranged;
        let offsets: Vec<usize> = items.elements.iter().map(|e| e.range().start).collect();
        let bundle = json_tree::to_serde(&root);
        Some((
            timemap::read_bundle(&bundle, &offsets, &name),
            Format::TimeMap,
        ))
    } else {
        None
    };
    if let Some((import, format)) = import {
        steps.enter(Stage::Checking)?;
        let mut loaded = take_import(path, import, diagnostics, Some(text), steps)?;
        loaded.format = Some(format);
        return Ok(loaded);
    }
    if !native::is_native(&root) && !matches!(root, jsonc_parser::ast::Value::Object(_)) {
        diagnostics.push(unknown_format(
            "this JSON file is not an incident-map data file, nor GeoJSON or TimelineJS",
        ));
        return Ok(finish(path, None, diagnostics, Some(text)));
    }
    steps.enter(Stage::Checking)?;
    let mut report = json_tree::Report::default();
    let mut dataset = native::decode(&root, &mut report);
    diagnostics.extend(report.diagnostics);
    if let Some(ds) = &mut dataset {
        diagnostics.extend(check(ds));
    }
    // Resolve JSON paths to offsets while the tree is at hand.
    for d in &mut diagnostics {
        if d.offset.is_none()
            && let Some(p) = &d.json_path
        {
            d.offset = json_tree::locate(&root, p);
        }
    }
    let mut loaded = finish(path, dataset, diagnostics, Some(text));
    loaded.format = Some(Format::Native);
    Ok(loaded)
}

impl Format {
    /// The format a file name asks for, by its extension.
    pub fn from_extension(path: &Path) -> Option<Format> {
        catalog::by_extension(path)
    }

    /// The format an export to `path` writes: by its extension (.json,
    /// .geojson, .csv); a name without one, or ending `.timemap`, is a
    /// TimeMap folder.
    pub fn for_export(path: &Path) -> Option<Format> {
        match path.extension().and_then(|e| e.to_str()) {
            None => Some(Format::TimeMap),
            Some(e) if e.eq_ignore_ascii_case("timemap") => Some(Format::TimeMap),
            Some(_) => Format::from_extension(path).filter(|f| Format::WRITABLE.contains(f)),
        }
    }

    /// The formats this app writes (TimeMap as a folder of three files).
    pub const WRITABLE: [Format; 5] = [
        Format::Native,
        Format::GeoJson,
        Format::Csv,
        Format::GeoPackage,
        Format::TimeMap,
    ];
}

/// A dataset as the text of a file in `format` (one this app writes).
pub fn write(ds: &Dataset, format: Format) -> Result<String, String> {
    match format {
        Format::Native => Ok(native::write(ds)),
        Format::GeoJson => Ok(export::geojson(ds)),
        Format::Csv => export::csv(ds),
        Format::GeoPackage => Err("a GeoPackage is not text: export::save writes it".into()),
        other => Err(format!(
            "this app does not write {}; it writes incident-map JSON, GeoJSON, CSV, GeoPackage and TimeMap",
            other.name()
        )),
    }
}

fn unknown_format(message: &str) -> Diagnostic {
    Diagnostic::error(Code::UnknownFormat, message)
        .with_help(format!("this app reads {}", catalog::supported()))
        .at_offset(0)
}

/// Whether a text starts like JavaScript, not JSON: a declaration, an
/// export, an assignment to `window`, or a comment.
fn looks_like_javascript(text: &[u8]) -> bool {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&text[..0], |p| &text[p..]);
    [
        &b"var "[..],
        b"let ",
        b"const ",
        b"export ",
        b"module.exports",
        b"window.",
        b"//",
        b"/*",
        b"function",
    ]
    .iter()
    .any(|p| start.starts_with(p))
}

/// A dataset read from another format: checked and anchored like ours, its
/// diagnostics located by the records they are about.
fn take_import(
    path: &Path,
    import: import::Import,
    mut diagnostics: Vec<Diagnostic>,
    text: Option<&str>,
    steps: &Steps,
) -> Result<Loaded, Cancelled> {
    let import::Import {
        dataset: mut ds,
        diagnostics: found,
        ..
    } = import;
    diagnostics.extend(found);
    if diagnostics.iter().any(Diagnostic::prevents_opening) {
        return Ok(finish(path, None, diagnostics, text));
    }
    let mut more = crate::validate::check(&ds);
    steps.enter(Stage::Anchoring)?;
    more.extend(crate::evidence::anchor_dataset(&mut ds));
    for d in &mut more {
        // "$.events[12].where" → where event 12 starts in the file.
        if d.offset.is_none()
            && let Some(i) = d
                .json_path
                .as_deref()
                .and_then(|p| p.strip_prefix("$.events["))
                .and_then(|p| p.split(']').next())
                .and_then(|n| n.parse::<usize>().ok())
        {
            d.offset = ds.events.get(i).and_then(|e| e.origin.offset);
        }
        // The path is into a dataset the user never saw as JSON.
        d.json_path = None;
    }
    // Files of other tools often carry no words at all: one warning, not one per event.
    let uncited = more.iter().filter(|d| d.code == Code::NoPassage).count();
    if uncited > 1 {
        let first = more
            .iter()
            .position(|d| d.code == Code::NoPassage)
            .expect("counted");
        let mut summary = more[first].clone();
        summary.message = format!(
            "{uncited} of {} events cite no passage: the file gives no text for them (the first is here)",
            ds.events.len()
        );
        more.retain(|d| d.code != Code::NoPassage);
        more.push(summary);
    }
    diagnostics.extend(more);
    Ok(finish(path, Some(ds), diagnostics, text))
}

/// The outcome of a fast reader: its store, its diagnostics located.
fn finish_store(
    path: &Path,
    store: Option<Store>,
    mut diagnostics: Vec<Diagnostic>,
    text: &[u8],
) -> Loaded {
    diagnostics.sort_by_key(|d| d.offset.unwrap_or(0));
    locate(text, &mut diagnostics);
    for d in &mut diagnostics {
        d.file = Some(path.to_path_buf());
    }
    Loaded {
        path: path.to_path_buf(),
        store,
        diagnostics,
        format: None,
        parts: Vec::new(),
    }
}

/// Sets line:column from the offset of each diagnostic (sorted by offset),
/// counting lines once through the text.
fn locate(text: &[u8], diagnostics: &mut [Diagnostic]) {
    let (mut line, mut line_start, mut at) = (1, 0, 0);
    for d in diagnostics.iter_mut() {
        let Some(offset) = d.offset else { continue };
        let offset = offset.min(text.len()).max(at);
        // A line ends at LF, at CRLF (counted once, at its LF), or at a CR alone.
        for nl in memchr::memchr2_iter(b'\n', b'\r', &text[at..offset]) {
            let i = at + nl;
            if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
                continue;
            }
            line += 1;
            line_start = i + 1;
        }
        at = offset;
        // Characters, not bytes: continuation bytes do not start one.
        let column = text[line_start..offset]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        d.position = Some(crate::diagnostic::LineCol {
            line,
            column: column + 1,
        });
    }
}

/// Sets file and line:column on every diagnostic and sorts them by position.
fn finish(
    path: &Path,
    dataset: Option<Dataset>,
    mut diagnostics: Vec<Diagnostic>,
    text: Option<&str>,
) -> Loaded {
    let index = text.map(TextIndex::new);
    for d in &mut diagnostics {
        d.file = Some(path.to_path_buf());
        if let (Some(index), Some(offset)) = (&index, d.offset) {
            d.position = Some(index.line_col(offset));
        }
    }
    diagnostics.sort_by_key(|d| d.offset.unwrap_or(0));
    Loaded {
        path: path.to_path_buf(),
        store: dataset.map(Store::from_dataset),
        diagnostics,
        format: None,
        parts: Vec::new(),
    }
}

fn bom_warning() -> Diagnostic {
    Diagnostic::warning(
        Code::ByteOrderMark,
        "the file starts with a byte order mark; it was ignored",
    )
    .with_help("save the file as UTF-8 without BOM")
    .at_offset(0)
}

/// The text of a file: UTF-8, with a byte order mark dropped (and noted).
fn decode_utf8<'b>(
    bytes: &'b [u8],
    code: Code,
    what: &str,
) -> Result<(&'b str, Vec<Diagnostic>), Box<Diagnostic>> {
    let mut notes = Vec::new();
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            notes.push(bom_warning());
            rest
        }
        None => bytes,
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text, notes)),
        Err(e) => Err(Box::new(not_utf8(bytes, e, code, what))),
    }
}

/// Describes where a text stops being UTF-8, by line and column of the bad byte.
fn not_utf8(bytes: &[u8], e: std::str::Utf8Error, code: Code, what: &str) -> Diagnostic {
    let good = e.valid_up_to();
    let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
    let pos = TextIndex::new(prefix).line_col(good);
    let mut d = Diagnostic::error(
        code,
        format!(
            "{what} is not UTF-8 text: byte 0x{:02X} at byte offset {good} (line {}, column {})",
            bytes[good], pos.line, pos.column
        ),
    )
    .with_help("save it as UTF-8 (most editors offer \"Save with encoding\")");
    if code == Code::NotUtf8 {
        // The position is in the file being loaded; for a source text it is
        // in another file, so it stays in the message only.
        d.position = Some(pos);
    }
    d
}

/// Reads each source's `text_file`, relative to `base`, refusing paths that
/// lead outside `base`.
fn read_source_texts(dataset: &mut Dataset, base: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, source) in dataset.sources.iter_mut().enumerate() {
        let Some(rel) = source.text_file.clone() else {
            out.extend(changed(source, i));
            continue;
        };
        let at = format!("$.sources[{i}].text_file");
        let full = match inside(base, &rel) {
            Ok(full) => full,
            Err(why) => {
                out.push(
                    Diagnostic::error(
                        Code::SourcePathEscapes,
                        format!("the source path \"{}\" {why}", rel.display()),
                    )
                    .with_help("put the text beside the data file (or in a folder below it) and give its relative path")
                    .at_path(at),
                );
                continue;
            }
        };
        let read = file::read_limited(
            &full,
            crate::limits::max_source_text(),
            "set INCIDENT_MAP_MAX_SOURCE_MB to allow more",
        );
        match read {
            Err(e) => out.push(
                Diagnostic::error(
                    Code::SourceMissing,
                    format!("cannot read the source text \"{}\": {e}", rel.display()),
                )
                .with_help(format!(
                    "the path is relative to the data file's folder, {}",
                    base.display()
                ))
                .at_path(at),
            ),
            Ok(bytes) => {
                let what = format!("the source text \"{}\"", rel.display());
                match decode_utf8(&bytes, Code::SourceNotUtf8, &what) {
                    Ok((text, _)) => source.loaded_text = Some(text.to_string()),
                    Err(d) => out.push(d.at_path(at)),
                }
                out.extend(changed(source, i));
            }
        }
    }
    out
}

/// A warning when a source's text is no longer the one whose SHA-256 it
/// records: its passages are found again in the new text (the anchoring
/// that follows says what moved or was lost).
fn changed(source: &crate::model::Source, i: usize) -> Option<Diagnostic> {
    let want = source.sha256.as_deref()?;
    let now = crate::model::sha256_hex(source.full_text()?);
    (!now.eq_ignore_ascii_case(want.trim())).then(|| {
        let added = source
            .added
            .as_deref()
            .map(|d| format!(" on {d}"))
            .unwrap_or_default();
        Diagnostic::warning(
            Code::SourceChanged,
            format!(
                "the text of source \"{}\" changed since it was added{added} (its SHA-256 is {now}, not {want}); its passages were looked for again in the new text",
                source.id
            ),
        )
        .with_help("check the passages listed below; if the new text is the right one, save the data set again to record it")
        .at_path(format!("$.sources[{i}].sha256"))
    })
}

/// `base/rel`, if `rel` is relative and stays inside `base` (following links).
fn inside(base: &Path, rel: &Path) -> Result<PathBuf, &'static str> {
    let mut depth = 0i32;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return Err("leads outside the data file's folder");
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err("is absolute"),
        }
    }
    let full = base.join(rel);
    // A link inside the folder may still point outside it.
    if let (Ok(real), Ok(real_base)) = (full.canonicalize(), base.canonicalize())
        && !real.starts_with(&real_base)
    {
        return Err("leads outside the data file's folder (through a link)");
    }
    Ok(full)
}

/// Writes `bytes` to `path` atomically: to a temporary file beside it, then
/// renamed over it, so a crash never leaves a half-written file.
pub fn save_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    save_atomic_with(path, &mut |f| f.write_all(bytes))
}

/// [`save_atomic`], the file's bytes written by `write` as they come (a
/// large export is never held whole).
pub fn save_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A link is followed to the file it names (the link stays a link); what
    // is there must be a regular file or nothing: a device, a pipe or a
    // folder is never replaced by a file.
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|_| {
            let target = std::fs::read_link(path).unwrap_or_default();
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "it is a link to {}, not to a file: give the path of a file to write",
                    target.display()
                ),
            )
        })?,
        _ => path.to_path_buf(),
    };
    if let Ok(meta) = std::fs::metadata(&path)
        && let Some(kind) = file::kind_of(&meta)
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {kind}, not a file: give the path of a file to write"),
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Short, whatever the name's length (names are limited to 255 bytes).
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(32).collect::<String>())
        .unwrap_or_default();
    remove_stale_temporaries(dir, &name);
    // Made anew under a name nobody can guess (never through a link
    // planted where it will be).
    let (tmp, mut f) = {
        let mut tries = 0;
        loop {
            let tmp = dir.join(format!(
                ".{name}.{}.{:016x}.tmp",
                std::process::id(),
                unguessable()
            ));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => break (tmp, f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    };
    let result = (|| {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, &mut f);
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A number nobody outside this process can predict (the standard
/// library's hasher keys are drawn from the system's randomness).
fn unguessable() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Temporary files this app left beside `name` when it was stopped mid-write
/// (`.NAME.….tmp`, regular files over an hour old): removed.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten().take(100_000) {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if !(file.starts_with(&prefix) && file.ends_with(".tmp")) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > hour);
        if meta.file_type().is_file() && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Parquet file is weighed by the text its rows become, not by its
    /// compressed size: 100 MB of it does not fit in 1 GB, a 100 MB CSV does.
    #[test]
    fn a_parquet_file_is_weighed_by_what_its_rows_become() {
        let gb = 1 << 30;
        let mb100 = 100 << 20;
        assert!(too_big(b"PAR1\x15\x04", mb100, Some(gb)).is_some());
        assert!(too_big(b"id,lat,lon\n", mb100, Some(gb)).is_none());
        assert!(too_big(b"fgb\x03fgb\x00", mb100, Some(gb)).is_none());
        assert!(too_big(b"fgb\x03fgb\x00", mb100, Some(gb / 2)).is_some());
    }

    #[test]
    fn inside_refuses_paths_that_leave_the_folder() {
        let base = Path::new("/data");
        assert!(inside(base, Path::new("a.txt")).is_ok());
        assert!(inside(base, Path::new("sub/../a.txt")).is_ok());
        assert!(inside(base, Path::new("../a.txt")).is_err());
        assert!(inside(base, Path::new("sub/../../a.txt")).is_err());
        assert_eq!(inside(base, Path::new("/etc/passwd")), Err("is absolute"));
    }

    #[test]
    fn save_atomic_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(&p, "old contents that are longer").unwrap();
        save_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_where_the_temporary_file_goes_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "mine").unwrap();
        // Links at every name the old writer would have used, and a few more.
        let pid = std::process::id();
        for n in [pid, pid + 1, 1, 2] {
            std::os::unix::fs::symlink(&victim, dir.path().join(format!(".out.json.{n}.tmp")))
                .unwrap();
        }
        let out = dir.path().join("out.json");
        save_atomic(&out, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        assert!(
            !std::fs::symlink_metadata(&out)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A temporary file of ours an hour old (a write stopped by kill -9)
        // is cleaned up; a fresh one (another writer's, now) is left.
        let stale = dir.path().join(".out.json.7.abc.tmp");
        let f = std::fs::File::create(&stale).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
            .unwrap();
        let fresh = dir.path().join(".out.json.8.def.tmp");
        std::fs::write(&fresh, "").unwrap();
        save_atomic(&out, b"again").unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists());
        assert!(victim.exists(), "a link is never removed or followed");
    }

    /// Every JSON file we have, read whole and with its events split off
    /// and decoded on every core: the same data, the same problems in the
    /// same places.
    #[test]
    fn native_files_read_the_same_split_or_whole() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        for dir in [
            "data",
            "tests/files/good",
            "tests/files/bad",
            "tests/files/interop",
            "tests/files/samples",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = entry.unwrap().path();
                if p.extension().is_some_and(|e| e == "json") {
                    files.push(p);
                }
            }
        }
        // And one with every kind of event side by side.
        let dir = tempfile::tempdir().unwrap();
        let mixed = dir.path().join("mixed.json");
        let mut events = Vec::new();
        for i in 0..5000 {
            events.push(match i % 5 {
                0 => format!(r#"{{"id":"e{i}","title":"T","when":"2024-03-22","where":{{"point":{{"lat":55.7,"lon":37.6}},"precision":"town"}}}}"#),
                1 => format!(r#"{{"id":"e{i}","title":"T","when":{{"disputed":[{{"when":"2024-03-22"}},{{"when":"2024-03-23"}}]}}}}"#),
                2 => format!(r#"{{"id":"e{i}","title":"T","when":"2024-03-22","where":{{"point":{{"lat":95,"lon":37.6}}}}}}"#),
                3 => format!(r#"{{"id":"e{i}","title":"T","when":"2024-03-22","relations":[{{"kind":"follows","event":"e{}"}}]}}"#, i + 1),
                _ => format!(r#"{{"id":"e{i}","titel":"T","when":"someday"}}"#),
            });
        }
        std::fs::write(
            &mixed,
            format!(
                "{{\"format\": \"incident-map\", \"version\": 1, \"title\": \"m\",\n\"events\": [\n{}\n], \"categories\": []}}\n",
                events.join(",\n")
            ),
        )
        .unwrap();
        files.push(mixed);
        let mut split_ones = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            let read =
                |native| read_json(&path, &text, None, Vec::new(), &Steps(None), native).unwrap();
            let (whole, parts) = (
                read(Native::Whole),
                read(Native::Split {
                    kept: usize::MAX,
                    chunk: 1,
                }),
            );
            split_ones +=
                usize::from(native_events::Split::new(&text).is_some_and(|s| s.is_native()));
            let problems = |l: &Loaded| {
                l.diagnostics
                    .iter()
                    .map(|d| format!("{d}"))
                    .collect::<Vec<_>>()
            };
            assert_eq!(problems(&whole), problems(&parts), "{}", path.display());
            let (a, b) = (whole.dataset(), parts.dataset());
            assert_eq!(a.is_some(), b.is_some(), "{}", path.display());
            if let (Some(a), Some(b)) = (a, b) {
                assert_eq!(a.events, b.events, "{}", path.display());
                // (Debug, since a point never read is NaN.)
                let show =
                    |d: &Dataset| format!("{:?} {:?} {:?}", d.places, d.sources, d.categories);
                assert_eq!(show(&a), show(&b), "{}", path.display());
            }
            // Read a few events at a time and left in the file: the same
            // table, each event the same in full, the same problems.
            let file = Arc::new(FileBytes::Owned(text.clone().into_bytes()));
            let in_file = std::str::from_utf8(&file).unwrap();
            let chunk = Native::Split { kept: 0, chunk: 7 };
            let left = read_json(&path, in_file, Some(&file), Vec::new(), &Steps(None), chunk);
            let left = left.unwrap();
            let name = path.display();
            let (Some(kept), Some(left_store)) = (&parts.store, &left.store) else {
                assert_eq!(parts.store.is_some(), left.store.is_some(), "{name}");
                continue;
            };
            let (t, u) = (kept.table(), left_store.table());
            assert_eq!(t.len(), u.len(), "{name}");
            for i in 0..t.len() {
                let row = |t: &crate::store::EventTable| {
                    let rel: Vec<_> = t.relations(i).collect();
                    format!(
                        "{} {} {:?} {:?} {:?} {:?} {:?} {:?}",
                        t.id(i),
                        t.title(i),
                        t.time(i),
                        t.point(i),
                        t.category(i),
                        t.region(i),
                        t.credibility(i),
                        rel
                    )
                };
                assert_eq!(row(t), row(u), "{name}: row {i}");
                let detail = |s: &Store| format!("{:?}", s.detail(i));
                assert_eq!(detail(kept), detail(left_store), "{name}: event {i}");
            }
            let whole_set = |s: &Store| format!("{:?}", s.to_dataset());
            assert_eq!(whole_set(kept), whole_set(left_store), "{name}");
            // (Where an event could not be decoded at all, the paths of
            // the events after it differ: those read in parts are right.)
            let dropped =
                native_events::Split::new(&text).is_some_and(|s| s.events.len() != t.len());
            if !dropped {
                let sorted = |l: &Loaded| {
                    let mut p = problems(l);
                    p.sort();
                    p
                };
                assert_eq!(sorted(&parts), sorted(&left), "{name}");
            }
        }
        assert!(split_ones >= 15, "{split_ones}");
    }
}

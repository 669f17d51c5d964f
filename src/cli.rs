//! The headless commands, `check`, `convert` and `render`: what they read,
//! what they print, and how they end. Output goes through [`Out`], which
//! stops quietly at a closed pipe and says so when the output cannot be
//! written; everything printed that came from a file is made printable.

use std::fmt::Display;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use incident_map_core::diagnostic::{self, Diagnostic, TextIndex, printable};
use incident_map_core::evidence::{Anchoring, Method};
use incident_map_core::filter::{Filter, FilterSpec, SHOWN, SearchIndex};
use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::geography::{self, RegionIndex};
use incident_map_core::model::{Dataset, LatLon};
use incident_map_core::origin::Origin;
use incident_map_core::store::Store;
use incident_map_core::summary::Summary;

use crate::app;
use crate::render::{self as offscreen, RenderRequest};
use incident_map_core::postgis::hide_secrets;

/// A file has errors.
pub const DATA_ERRORS: u8 = 1;
/// The command line is wrong, or a file cannot be read or written.
pub const USAGE_OR_IO: u8 = 2;
/// The output was closed before everything was written (as a shell reports
/// a process ended by SIGPIPE).
pub const CLOSED_PIPE: u8 = 141;

/// Standard output, line by line; the first failure to write is kept and
/// decides how the command ends.
pub struct Out {
    stdout: io::StdoutLock<'static>,
    failed: Option<io::Error>,
}

impl Default for Out {
    fn default() -> Self {
        Out {
            stdout: io::stdout().lock(),
            failed: None,
        }
    }
}

impl Out {
    /// Writes one line (nothing more once a write has failed).
    pub fn line(&mut self, line: impl Display) {
        if self.failed.is_none()
            && let Err(e) = writeln!(self.stdout, "{}", hide_secrets(&line.to_string()))
        {
            self.failed = Some(e);
        }
    }

    /// Writes a JSON document.
    pub fn json(&mut self, doc: &serde_json::Value) {
        if self.failed.is_none() {
            let text = serde_json::to_string_pretty(doc).unwrap_or_default();
            let written = writeln!(self.stdout, "{}", hide_secrets(&text));
            if let Err(e) = written {
                self.failed = Some(e);
            }
        }
    }

    /// How the command ends: `status`, unless the output could not be written.
    pub fn finish(mut self, status: u8) -> ExitCode {
        let flushed = match self.failed.take() {
            Some(e) => Err(e),
            None => self.stdout.flush(),
        };
        match flushed {
            Ok(()) => ExitCode::from(status),
            // The reader went away (`| head`): nothing to say, nobody to say it to.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(CLOSED_PIPE),
            Err(e) => {
                say(format_args!("error: cannot write the output: {e}"));
                say("  help: check that the disk has room and the output can be written to");
                ExitCode::from(USAGE_OR_IO)
            }
        }
    }
}

/// `println!` through an [`Out`].
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {
        $out.line(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics.
macro_rules! errln {
    ($($arg:tt)*) => {
        say(format_args!($($arg)*))
    };
}

/// Writes a line to standard error, which may be closed too: then it is not written.
pub fn say(line: impl Display) {
    let _ = writeln!(io::stderr(), "{}", hide_secrets(&line.to_string()));
}

/// `input` (a file, or a table by its URL) as an origin; the exit code,
/// said, when it is a URL that does not read.
fn origin_of(input: &Path) -> Result<Origin, ExitCode> {
    Origin::of_path(input).map_err(|e| {
        errln!("error: {}", printable(&e));
        errln!("  help: write the table as postgresql://USER@HOST[:PORT]/DB?table=NAME (the password in PGPASSWORD or ~/.pgpass)");
        ExitCode::from(USAGE_OR_IO)
    })
}

/// `input` loaded for a command that writes it elsewhere (`what` it is
/// then: "converted", "pushed"), its problems printed; the exit code when
/// it cannot be read or has errors that keep it from opening.
fn load_for(input: &Origin, what: &str) -> Result<formats::Loaded, ExitCode> {
    let loaded = match formats::open(input, &LoadOptions::default()) {
        Ok(l) => l,
        Err(e) => {
            errln!("error: {}", printable(&e.to_string()));
            if input.table().is_some() {
                errln!(
                    "  help: check the server's address, the table's name and your password (PGPASSWORD, ~/.pgpass)"
                );
            } else {
                errln!("  help: check the path, and that the file is a regular file you may read");
            }
            return Err(ExitCode::from(USAGE_OR_IO));
        }
    };
    for d in &loaded.diagnostics {
        errln!("{d}");
    }
    if loaded.usable().is_none() {
        errln!(
            "error: {} was not {what}: it has errors (above)",
            printable(&input.shown())
        );
        errln!(
            "  help: fix the errors listed above (each says where and how), then run the command again"
        );
        return Err(ExitCode::from(DATA_ERRORS));
    }
    Ok(loaded)
}

/// `incident-map push`.
pub fn push(input: &std::path::Path, url: &str, replace: bool) -> ExitCode {
    let target = match incident_map_core::postgis::Target::parse(url) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: {}", printable(&e));
            errln!(
                "  help: write the table as postgresql://USER@HOST[:PORT]/DB?table=NAME (the password in PGPASSWORD or ~/.pgpass)"
            );
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let loaded = match origin_of(input).and_then(|o| load_for(&o, "pushed")) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let store = loaded.usable().expect("load_for gives usable data");
    let progress = |done: usize, total: usize| {
        say(format_args!("  {done} of {total} events written"));
    };
    match incident_map_core::postgis::push(store, &target, replace, &progress) {
        Ok(n) => {
            say(format_args!(
                "{} ({} events) -> {}",
                printable(&loaded.path.to_string_lossy()),
                n,
                printable(&target.shown)
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("error: {}", printable(&e));
            errln!(
                "  help: nothing was left half-written on the server; fix what is said above and push again (--replace to write over a table pushed before)"
            );
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

/// `incident-map convert`.
pub fn convert(
    input: &std::path::Path,
    output: &std::path::Path,
    format: Option<formats::Format>,
    spec: &FilterSpec,
) -> ExitCode {
    let mut out = Out::default();
    let Some(format) = format.or_else(|| formats::Format::for_export(output)) else {
        errln!(
            "error: cannot tell which format to write from {}: give --format json, geojson, csv, gpkg or timemap",
            printable(&output.to_string_lossy())
        );
        errln!(
            "  help: name the output .json, .geojson or .csv (or a folder for TimeMap), or add --format"
        );
        return ExitCode::from(USAGE_OR_IO);
    };
    let mut input = match origin_of(input) {
        Ok(o) => o,
        Err(code) => return code,
    };
    // A table that keeps its words folded sends only the rows that may
    // hold the words searched (through its index); the search below
    // finds exactly which do.
    if let Origin::Table(t) = &mut input {
        t.holding = spec.search.clone();
    }
    let opened = input.file();
    if opened.is_some_and(|i| formats::export::same_file(i, output)) {
        errln!(
            "error: the output is the input file; choose another name (the input is never overwritten)"
        );
        errln!(
            "  help: write to a new file, e.g. converted.json, and replace the old one yourself once checked"
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    let loaded = match load_for(&input, "converted") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let store = loaded.usable().expect("load_for gives usable data");
    let filter = match filter_for(store, spec, "convert") {
        Ok(f) => f,
        Err(code) => return code,
    };
    let keep = shown(store, &filter);
    let written = formats::export::save_store(store, keep.as_deref(), opened, output, format);
    if let Err(e) = written {
        errln!("error: {}", printable(&e.to_string()));
        errln!(
            "  help: check that the output's folder exists, you may write there and the disk has room; nothing was written over"
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    let count = match &keep {
        None => format!("{} events", store.len()),
        // (The server may have sent only the rows that may hold the words.)
        Some(k) if input.table().is_some_and(|t| t.holding.is_some()) => format!(
            "{} events found among the {} the server sent",
            k.len(),
            store.len()
        ),
        Some(k) => format!("{} of {} events", k.len(), store.len()),
    };
    outln!(
        out,
        "{} ({}, {count}) -> {} ({})",
        printable(&input.shown()),
        loaded.format.map_or("?", formats::Format::name),
        printable(&output.to_string_lossy()),
        format.name()
    );
    out.finish(0)
}

/// What `incident-map publish` is given.
pub struct PublishArgs {
    pub input: PathBuf,
    pub output: PathBuf,
    pub title: Option<String>,
    pub basemap: Option<PathBuf>,
    pub filter: FilterSpec,
}

/// `incident-map publish`.
pub fn publish(args: PublishArgs) -> ExitCode {
    // As `render`: the bundle (the basemap) in a private temporary folder.
    crate::bundle::Bundle::keep_private();
    let status = publish_to(args);
    crate::bundle::Bundle::discard();
    status
}

fn publish_to(args: PublishArgs) -> ExitCode {
    let mut out = Out::default();
    let input = match origin_of(&args.input) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if input
        .file()
        .is_some_and(|i| formats::export::same_file(i, &args.output))
    {
        errln!(
            "error: the output is the input file; choose another name (the input is never overwritten)"
        );
        errln!("  help: write the page to a new file, e.g. incidents.html");
        return ExitCode::from(USAGE_OR_IO);
    }
    let basemap = match args
        .basemap
        .clone()
        .map_or_else(|| crate::bundle::Bundle::get().map(|b| b.basemap()), Ok)
    {
        Ok(p) => p,
        Err(e) => {
            errln!(
                "error: the bundled basemap cannot be used: {}",
                printable(&e)
            );
            errln!("  help: give a PMTiles archive with --basemap");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let archive = match open_basemap(&basemap) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let loaded = match load_for(&input, "published") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let store = loaded.usable().expect("load_for gives usable data");
    let filter = match filter_for(store, &args.filter, "publish") {
        Ok(f) => f,
        Err(code) => return code,
    };
    let keep = shown(store, &filter);
    let ds = match &keep {
        None => store.to_dataset(),
        Some(keep) => std::borrow::Cow::Owned(store.subset(keep)),
    };
    let options = incident_map_core::publish::PageOptions {
        title: args.title,
        ..Default::default()
    };
    let page = match incident_map_core::publish::page(&ds, &archive, &options) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {}", printable(&e.to_string()));
            errln!("  help: this is a fault of the app's: please report it with the input file");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    if let Err(e) = formats::save_atomic(&args.output, page.html.as_bytes()) {
        errln!(
            "error: cannot write {}: {}",
            printable(&args.output.to_string_lossy()),
            printable(&e.to_string())
        );
        errln!(
            "  help: check that the output's folder exists, you may write there and the disk has room; nothing was written over"
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    let b = &page.basemap;
    outln!(
        out,
        "{} ({} of {} events) -> {} ({:.1} MB; map: the world to zoom {}, {} to zoom {}, {} tiles)",
        printable(&input.shown()),
        page.events,
        store.len(),
        printable(&args.output.to_string_lossy()),
        page.html.len() as f64 / 1e6,
        b.world_zoom,
        if b.area.is_some() {
            "the data's area"
        } else {
            "nothing"
        },
        b.max_zoom,
        b.tiles
    );
    out.finish(0)
}

/// A basemap archive a command was given (2 when it cannot be used: a file
/// that cannot be read, not data with errors), said.
fn open_basemap(path: &Path) -> Result<incident_map_core::basemap::Archive, ExitCode> {
    incident_map_core::basemap::Archive::open(path).map_err(|e| {
        errln!(
            "error: the basemap {} cannot be used: {}",
            printable(&path.to_string_lossy()),
            printable(&e.to_string())
        );
        errln!(
            "  help: give a PMTiles archive of vector tiles (see tools/build-basemap.sh), or leave out --basemap for the bundled one"
        );
        ExitCode::from(USAGE_OR_IO)
    })
}

/// The filter `spec` says, checked against `store` (`command` names the help
/// to read when it does not hold), said when wrong.
fn filter_for(store: &Store, spec: &FilterSpec, command: &str) -> Result<Filter, ExitCode> {
    spec.to_filter(store.table()).map_err(|e| {
        errln!("error: {}", printable(&e));
        errln!("  help: see `incident-map {command} --help` for how each filter is written");
        ExitCode::from(USAGE_OR_IO)
    })
}

/// The events `filter` shows, in file order; `None` when it shows all.
pub fn shown(store: &Store, filter: &Filter) -> Option<Vec<usize>> {
    if filter.is_everything() {
        return None;
    }
    // Words alone are looked for once, without keeping an index; sources
    // need the index (it knows what each event cites).
    let index = filter
        .needs_sources()
        .then(|| SearchIndex::build(store, &|_| {}));
    let found = (filter.needs_text() && index.is_none()).then(|| {
        SearchIndex::scan(store, &filter.text, None, None, &|| false).expect("never stopped")
    });
    let flags = filter.flags_found(store.table(), index.as_ref(), found.as_deref());
    Some(
        flags
            .iter()
            .enumerate()
            .filter(|(_, f)| **f == SHOWN)
            .map(|(i, _)| i)
            .collect(),
    )
}

#[derive(serde::Serialize)]
struct FileReport {
    /// The file's path (a table's URL without its password).
    file: String,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    io_error: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

/// `incident-map check`.
pub fn check(files: &[PathBuf], json: bool, list_passages: bool, list_events: bool) -> ExitCode {
    let mut out = Out::default();
    let regions = list_events.then(RegionIndex::bundled);
    let mut status = 0u8;
    let mut reports = Vec::new();
    for file in files {
        // A table's URL is shown without its password; a name that is not
        // text with U+FFFD for what is not.
        let origin = Origin::of_path(file);
        let shown = match &origin {
            Ok(o) => o.shown(),
            Err(_) => incident_map_core::origin::without_password(&file.to_string_lossy()),
        };
        let loaded = origin
            .and_then(|o| formats::open(&o, &LoadOptions::default()).map_err(|e| e.to_string()));
        let report = match loaded {
            Err(e) => {
                status = status.max(USAGE_OR_IO);
                FileReport {
                    file: shown,
                    valid: false,
                    summary: None,
                    io_error: Some(e),
                    diagnostics: Vec::new(),
                }
            }
            Ok(loaded) => {
                let valid = !loaded.has_errors();
                if list_passages
                    && !json
                    && let Some(ds) = loaded.dataset()
                {
                    print_passages(&mut out, &ds);
                }
                if let (Some(regions), false, Some(store)) = (&regions, json, &loaded.store) {
                    print_events(&mut out, store, regions);
                }
                if !valid {
                    status = status.max(DATA_ERRORS);
                }
                FileReport {
                    file: shown,
                    valid,
                    summary: loaded.store.as_ref().map(Summary::of),
                    io_error: None,
                    diagnostics: loaded.diagnostics,
                }
            }
        };
        if !json {
            print_report(&mut out, &report);
        }
        reports.push(report);
    }
    if json {
        out.json(&serde_json::json!({ "files": reports }));
    }
    out.finish(status)
}

fn print_report(out: &mut Out, r: &FileReport) {
    if let Some(e) = &r.io_error {
        errln!("error: {}", printable(e));
        if incident_map_core::postgis::is_url(&r.file) {
            errln!(
                "  help: check the server's address, the table's name and your password (PGPASSWORD, ~/.pgpass)"
            );
        } else {
            errln!("  help: check the path, and that the file is a regular file you may read");
        }
        return;
    }
    for d in &r.diagnostics {
        outln!(out, "{d}");
    }
    let (errors, warnings) = diagnostic::count(&r.diagnostics);
    let verdict = if r.valid { "ok" } else { "FAILED" };
    outln!(
        out,
        "{}: {verdict} ({}, {})",
        printable(&r.file),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if let Some(s) = &r.summary {
        outln!(
            out,
            "  {}, {}, {}",
            plural(s.events, "event"),
            plural(s.places, "place"),
            plural(s.sources, "source")
        );
        outln!(
            out,
            "  passages anchored: {}/{}",
            s.passages_anchored,
            s.passages
        );
        match (&s.first, &s.last) {
            (Some(a), Some(b)) => outln!(out, "  time span: {a} → {b}"),
            _ => outln!(out, "  time span: no dated events"),
        }
        if s.undated_events > 0 {
            outln!(
                out,
                "  undated or disputed: {}",
                plural(s.undated_events, "event")
            );
        }
        if let Some(b) = s.bounds {
            outln!(
                out,
                "  bounding box: lat {:.4}..{:.4}, lon {:.4}..{:.4}",
                b.sw.lat,
                b.ne.lat,
                b.sw.lon,
                b.ne.lon
            );
        }
    }
}

/// One line per event: `id: when · place (region) · precision · offset`.
fn print_events(out: &mut Out, store: &Store, regions: &RegionIndex) {
    let table = store.table();
    for i in 0..store.len() {
        let detail = store.detail(i);
        let e = &detail.event;
        let mut parts = vec![e.when.describe()];
        match detail.locate() {
            Some(at) => {
                let s = geography::situate(at, table.meta.reference.as_ref(), regions);
                let name = at.place.map_or_else(
                    || format!("{:.4}, {:.4}", s.point.lat, s.point.lon),
                    |p| p.name.clone(),
                );
                parts.push(match s.region {
                    Some(r) if at.place.is_none_or(|p| p.name != r.name) => {
                        format!("{name} ({})", r.name)
                    }
                    _ => name,
                });
                if let Some(p) = s.precision {
                    parts.push(format!("{}-level", p.as_str()));
                }
                parts.extend(s.describe_offset());
            }
            None => parts.push("unplaced".into()),
        }
        outln!(
            out,
            "{}: {}",
            printable(&e.id),
            printable(&parts.join(" · "))
        );
    }
}

/// One line per passage: `event/passage: source file:line:col (how)`.
fn print_passages(out: &mut Out, ds: &Dataset) {
    for (event, p) in ds.passages() {
        let name = format!("{}/{}", event.id, p.id.as_deref().unwrap_or("(no id)"));
        let source = ds.source(&p.source);
        let where_ = match (&p.anchoring, source.and_then(|s| s.full_text())) {
            (Anchoring::Found(a), Some(text)) => {
                let file = source
                    .and_then(|s| s.text_file.as_ref())
                    .map_or_else(|| p.source.clone(), |f| f.display().to_string());
                let how = match a.method {
                    Method::Exact => "exact",
                    Method::Typographic => "typographic variants folded",
                };
                format!(
                    "{file}:{} ({how})",
                    TextIndex::new(text).line_col(a.bytes.start)
                )
            }
            (Anchoring::Found(_), None) | (Anchoring::Pending, _) => "not checked".into(),
            (Anchoring::NotFound { .. }, _) => "NOT FOUND".into(),
            (Anchoring::NoText, _) => "source has no text".into(),
        };
        outln!(out, "{}: {}", printable(&name), printable(&where_));
    }
}

/// `incident-map render`.
/// What `incident-map render` is asked for.
pub struct RenderArgs {
    /// Where to write the PNG (one image).
    pub out: Option<PathBuf>,
    pub view: Option<(LatLon, f64)>,
    pub size: (u32, u32),
    pub basemap: Option<PathBuf>,
    pub file: Option<PathBuf>,
    pub filter: FilterSpec,
    /// A frame per step of time instead of one image.
    pub frames: Option<Frames>,
}

/// `render --frames DIR --step 1d [--accumulate]`.
pub struct Frames {
    pub dir: PathBuf,
    pub step: Step,
    pub accumulate: bool,
}

/// How far each frame moves the window: a number of hours, days, weeks,
/// months or years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub count: i64,
    pub unit: jiff::Unit,
}

impl Step {
    pub const DAY: Step = Step {
        count: 1,
        unit: jiff::Unit::Day,
    };

    /// "12h", "1d", "7d", "1w", "1mo", "1y".
    pub fn parse(s: &str) -> Result<Step, String> {
        let s = s.trim();
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        let (n, unit) = s.split_at(digits);
        let count: i64 = n.parse().unwrap_or(if digits == 0 { 1 } else { 0 });
        let unit = match unit {
            "h" => jiff::Unit::Hour,
            "d" => jiff::Unit::Day,
            "w" => jiff::Unit::Week,
            "mo" => jiff::Unit::Month,
            "y" => jiff::Unit::Year,
            _ => {
                return Err(format!(
                    "\"{s}\" is not a step: write a number and h, d, w, mo or y, e.g. 1d or 12h"
                ));
            }
        };
        if !(1..=10_000).contains(&count) {
            return Err(format!("\"{s}\": the step must be 1 to 10000 {unit:?}s"));
        }
        Ok(Step { count, unit })
    }

    fn span(self) -> jiff::Span {
        let n = self.count;
        let span = jiff::Span::new();
        match self.unit {
            jiff::Unit::Hour => span.try_hours(n),
            jiff::Unit::Week => span.try_weeks(n),
            jiff::Unit::Month => span.try_months(n),
            jiff::Unit::Year => span.try_years(n),
            _ => span.try_days(n),
        }
        .unwrap_or_else(|_| span.days(1))
    }
}

/// At most this many frames are written.
pub const MAX_FRAMES: usize = 10_000;

/// `incident-map render`.
pub fn render(args: RenderArgs) -> ExitCode {
    // Nothing under HOME or the XDG folders: the bundle goes to a private
    // temporary folder, removed when done.
    crate::bundle::Bundle::keep_private();
    let status = render_to(args);
    crate::bundle::Bundle::discard();
    status
}

fn render_to(args: RenderArgs) -> ExitCode {
    let file = match args.file.clone().map_or_else(app::bundled_scenario, Ok) {
        Ok(f) => f,
        Err(e) => {
            errln!("error: {e}");
            errln!("  help: give the file to render: incident-map render FILE --out map.png");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    // A basemap that cannot be read is a file that cannot be read (2),
    // not data with errors.
    if let Some(path) = &args.basemap
        && let Err(code) = open_basemap(path)
    {
        return code;
    }
    let mut request = RenderRequest::new(file);
    request.view = args.view;
    request.size = args.size;
    request.basemap = args.basemap;
    request.filter = args.filter;
    let mut out = Out::default();
    let Some(frames) = args.frames else {
        let png_path = args.out.expect("clap requires --out without --frames");
        let image = match offscreen::render(&request) {
            Ok(image) => image,
            Err(e) => {
                errln!("error: the map could not be rendered: {e}");
                errln!(
                    "  help: run `incident-map check` on the file to see every problem and where it is"
                );
                return ExitCode::from(DATA_ERRORS);
            }
        };
        return match write_png(&image, &png_path) {
            Ok((w, h)) => {
                outln!(
                    out,
                    "{}: {w}x{h} map image",
                    printable(&png_path.to_string_lossy())
                );
                out.finish(0)
            }
            Err(e) => {
                errln!("error: {e}");
                errln!(
                    "  help: check that the folder of --out exists, you may write there and the disk has room"
                );
                ExitCode::from(USAGE_OR_IO)
            }
        };
    };
    if let Err(e) = std::fs::create_dir_all(&frames.dir) {
        errln!(
            "error: cannot make the folder {}: {e}",
            printable(&frames.dir.to_string_lossy())
        );
        errln!("  help: give --frames a folder you may write to");
        return ExitCode::from(USAGE_OR_IO);
    }
    let (step, accumulate) = (frames.step.span(), frames.accumulate);
    let result = offscreen::render_frames(&request, step, accumulate, MAX_FRAMES, |k, image| {
        let path = frames.dir.join(format!("frame-{:04}.png", k + 1));
        write_png(image, &path).map(|_| ())
    });
    match result {
        Ok(n) => {
            outln!(
                out,
                "{}: {n} frames of {}x{}",
                printable(&frames.dir.to_string_lossy()),
                args.size.0,
                args.size.1
            );
            out.finish(0)
        }
        Err(e) => {
            errln!("error: the frames could not be rendered: {e}");
            errln!(
                "  help: run `incident-map check` on the file, and check that the frames' folder has room"
            );
            ExitCode::from(DATA_ERRORS)
        }
    }
}

/// Writes an image as a PNG, atomically; its size.
fn write_png(image: &image::RgbaImage, path: &Path) -> Result<(u32, u32), String> {
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    formats::save_atomic(path, &png)
        .map_err(|e| format!("cannot write {}: {e}", printable(&path.to_string_lossy())))?;
    Ok((image.width(), image.height()))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What `incident-map extract` is asked.
pub struct ExtractArgs {
    pub sources: Vec<PathBuf>,
    /// One date for every source, or one per source, in order.
    pub dates: Vec<jiff::civil::Date>,
    pub json: bool,
    pub out: Option<PathBuf>,
    /// One file of spans per source, in order.
    pub places_at: Vec<PathBuf>,
}

/// A source read for `extract`: its text as read, its title, and its date
/// (given, else its own).
struct ReadSource {
    path: PathBuf,
    title: String,
    text: String,
    date: Option<incident_map_core::reading::Value>,
}

/// `incident-map extract`: the events each source reports, as JSON lines,
/// a data set, or a list to read.
pub fn extract(args: ExtractArgs) -> ExitCode {
    use incident_map_core::reading::{self, Context};
    use rayon::prelude::*;
    let n = args.sources.len();
    if !(args.dates.len() <= 1 || args.dates.len() == n) {
        errln!(
            "error: give one --date for every source, or one per source ({n} sources, {} dates)",
            args.dates.len()
        );
        errln!(
            "  help: --date 2016-09-18 applies to every source; repeat it once per source, in order, for each its own"
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    if !args.places_at.is_empty() && args.places_at.len() != n {
        errln!(
            "error: give one --places-at per source ({n} sources, {} span files)",
            args.places_at.len()
        );
        errln!("  help: repeat --places-at SPANS.json once per source, in the sources' order");
        return ExitCode::from(USAGE_OR_IO);
    }
    if let Some(out) = &args.out
        && args
            .sources
            .iter()
            .any(|s| formats::export::same_file(s, out))
    {
        errln!(
            "error: --out {} is one of the sources; extract never writes over what it reads",
            printable(&out.to_string_lossy())
        );
        errln!("  help: name a new file for the data set, e.g. --out events.json");
        return ExitCode::from(USAGE_OR_IO);
    }
    // Every source read first: a missing or binary one ends the command.
    let mut sources = Vec::with_capacity(n);
    for (k, path) in args.sources.iter().enumerate() {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                errln!(
                    "error: cannot read {}: {e}",
                    printable(&path.to_string_lossy())
                );
                errln!(
                    "  help: check the path, and that it is a text, Markdown or HTML file you may read"
                );
                return ExitCode::from(USAGE_OR_IO);
            }
        };
        let name = path.file_name().map_or_else(
            || path.to_string_lossy().into_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let raw = String::from_utf8_lossy(&bytes);
        let (title, text) = match formats::import::document(&name, &bytes) {
            Ok(d) => d,
            Err(e) => {
                errln!("error: {}", printable(&e));
                errln!("  help: extract reads text, Markdown and HTML files saved as UTF-8");
                return ExitCode::from(USAGE_OR_IO);
            }
        };
        let date = args
            .dates
            .get(if args.dates.len() == 1 { 0 } else { k })
            .map(|d| reading::Value::Day(*d))
            .or_else(|| reading::byline::published(&raw));
        sources.push(ReadSource {
            path: path.clone(),
            title,
            text,
            date,
        });
    }
    let mut spans: Vec<Option<Vec<std::ops::Range<usize>>>> = vec![None; n];
    for (k, f) in args.places_at.iter().enumerate() {
        let parsed = std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<Vec<(usize, usize)>>(&t).map_err(|e| e.to_string())
            });
        match parsed {
            Ok(v) => {
                let o = reading::text::CharOffsets::new(&sources[k].text);
                spans[k] = Some(
                    v.iter()
                        .map(|&(a, b)| o.bytes(a)..o.bytes(b.max(a)))
                        .collect(),
                );
            }
            Err(e) => {
                errln!("error: {}: {e}", printable(&f.to_string_lossy()));
                errln!(
                    "  help: --places-at takes a JSON array of [start, end] character offsets, e.g. [[0, 10], [109, 119]]"
                );
                return ExitCode::from(USAGE_OR_IO);
            }
        }
    }
    let gazetteer = match incident_map_core::gazetteer::Gazetteer::parse(crate::bundle::GAZETTEER) {
        Ok(g) => g,
        Err(e) => {
            errln!("error: the bundled gazetteer could not be read: {e}");
            errln!("  help: this binary is damaged: build or download it again");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    // Every source read on every core, printed in order.
    let readings: Vec<reading::Reading> = sources
        .par_iter()
        .zip(spans.par_iter())
        .map(|(s, spans)| {
            let context = Context {
                date: s.date.as_ref().and_then(|d| d.day()),
                ..Context::default()
            };
            let mut r = reading::read(&s.text, &context, &gazetteer);
            if let Some(spans) = spans {
                r.places = reading::places::resolve_spans(&s.text, spans, &gazetteer, &[]);
            }
            r
        })
        .collect();
    let mut out = Out::default();
    if let Some(path) = &args.out {
        let mut ds = incident_map_core::model::Dataset {
            title: match &sources[..] {
                [one] => one.title.clone(),
                _ => format!("Events read from {n} sources"),
            },
            ..Default::default()
        };
        let today = jiff::ZonedDateTime::now().date().to_string();
        for (s, r) in sources.iter().zip(&readings) {
            let mut source =
                incident_map_core::edit::new_source(&ds, &s.title, s.text.clone(), &today);
            source.published = s.date.as_ref().map(|d| d.to_when(&jiff::tz::TimeZone::UTC));
            ds.sources.push(source.clone());
            for p in &r.events {
                let accepted = reading::events::accept(p, &s.text, &source, &ds, &gazetteer);
                ds.categories.extend(accepted.new_category);
                ds.events.push(accepted.event);
            }
        }
        // Its days are those of where things happened (the first time's zone).
        ds.time_zone = ds.events.iter().find_map(|e| match e.when.start() {
            Some(incident_map_core::model::Moment::Instant(z)) => {
                z.time_zone().iana_name().map(str::to_string)
            }
            _ => None,
        });
        let events = ds.events.len();
        if let Err(e) = formats::export::save_work(&ds, path) {
            errln!("error: {}", printable(&e.to_string()));
            errln!(
                "  help: check that the folder of --out exists, you may write there and the disk has room"
            );
            return ExitCode::from(USAGE_OR_IO);
        }
        say(format_args!(
            "{} events from {n} source{} -> {}",
            events,
            if n == 1 { "" } else { "s" },
            printable(&path.to_string_lossy())
        ));
    }
    if args.json {
        for (s, r) in sources.iter().zip(&readings) {
            let mut doc = reading::json::to_json(&s.text, r, &gazetteer);
            if let Some(map) = doc.as_object_mut() {
                map.insert(
                    "source".into(),
                    serde_json::json!({
                        "path": s.path.to_string_lossy(),
                        "title": s.title,
                        "date": s.date.as_ref().map(ToString::to_string),
                        "chars": s.text.chars().count(),
                    }),
                );
            }
            outln!(out, "{doc}");
        }
    } else if args.out.is_none() {
        for (s, r) in sources.iter().zip(&readings) {
            outln!(
                out,
                "{} ({}): {} events, {} dates, {} places",
                printable(&s.path.to_string_lossy()),
                s.date
                    .as_ref()
                    .map_or_else(|| "no date".to_string(), ToString::to_string),
                r.events.len(),
                r.dates.len(),
                r.places.len()
            );
            for e in &r.events {
                let place = e
                    .place
                    .map(|p| reading::places::Resolved::of(&gazetteer, p).label);
                outln!(
                    out,
                    "  {} · {} · {} · {:.0}% · {}",
                    e.when
                        .as_ref()
                        .map_or_else(|| "date unknown".to_string(), ToString::to_string),
                    printable(&place.unwrap_or_else(|| "place unknown".into())),
                    e.category
                        .clone()
                        .unwrap_or_else(|| e.class.label().to_string()),
                    e.confidence * 100.0,
                    printable(&e.title)
                );
            }
        }
    }
    out.finish(0)
}

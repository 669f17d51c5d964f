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
use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::geography::{self, RegionIndex};
use incident_map_core::model::{Dataset, LatLon};
use incident_map_core::store::Store;
use incident_map_core::summary::Summary;

use crate::app;
use crate::render::{self as offscreen, RenderRequest};

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
            && let Err(e) = writeln!(self.stdout, "{line}")
        {
            self.failed = Some(e);
        }
    }

    /// Writes a JSON document.
    pub fn json(&mut self, doc: &serde_json::Value) {
        if self.failed.is_none() {
            let written = serde_json::to_writer_pretty(&mut self.stdout, doc)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(self.stdout));
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
    let _ = writeln!(io::stderr(), "{line}");
}

/// `incident-map convert`.
pub fn convert(
    input: &std::path::Path,
    output: &std::path::Path,
    to: Option<formats::Format>,
) -> ExitCode {
    let mut out = Out::default();
    let Some(format) = to.or_else(|| formats::Format::from_extension(output)) else {
        errln!(
            "error: cannot tell which format to write from {}: give --to json, geojson or csv",
            printable(&output.to_string_lossy())
        );
        return ExitCode::from(USAGE_OR_IO);
    };
    if formats::export::same_file(input, output) {
        errln!(
            "error: the output is the input file; choose another name (the input is never overwritten)"
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    let loaded = match formats::load(input, &LoadOptions::default()) {
        Ok(l) => l,
        Err(e) => {
            errln!("error: {}", printable(&e.to_string()));
            errln!("  help: check the path, and that the file is a regular file you may read");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    for d in &loaded.diagnostics {
        errln!("{d}");
    }
    let Some(store) = loaded.usable() else {
        errln!(
            "error: {} was not converted: it has errors (above)",
            printable(&input.to_string_lossy())
        );
        return ExitCode::from(DATA_ERRORS);
    };
    if let Err(e) = formats::export::save(&store.to_dataset(), Some(input), output, format) {
        errln!("error: {}", printable(&e.to_string()));
        return ExitCode::from(USAGE_OR_IO);
    }
    outln!(
        out,
        "{} ({}, {} events) -> {} ({})",
        printable(&input.to_string_lossy()),
        loaded.format.map_or("?", formats::Format::name),
        store.len(),
        printable(&output.to_string_lossy()),
        format.name()
    );
    out.finish(0)
}

#[derive(serde::Serialize)]
struct FileReport {
    #[serde(serialize_with = "lossy")]
    file: PathBuf,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    io_error: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

/// A file name in JSON: not every name is text (U+FFFD stands for what is not).
fn lossy<S: serde::Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

/// `incident-map check`.
pub fn check(files: &[PathBuf], json: bool, list_passages: bool, list_events: bool) -> ExitCode {
    let mut out = Out::default();
    let regions = list_events.then(RegionIndex::bundled);
    let mut status = 0u8;
    let mut reports = Vec::new();
    for file in files {
        let report = match formats::load(file, &LoadOptions::default()) {
            Err(e) => {
                status = status.max(USAGE_OR_IO);
                FileReport {
                    file: file.clone(),
                    valid: false,
                    summary: None,
                    io_error: Some(e.to_string()),
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
                    file: file.clone(),
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
        errln!("  help: check the path, and that the file is a regular file you may read");
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
        printable(&r.file.to_string_lossy()),
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
pub fn render(
    png_path: PathBuf,
    view: Option<(LatLon, f64)>,
    size: (u32, u32),
    basemap: Option<PathBuf>,
    file: Option<PathBuf>,
) -> ExitCode {
    // Nothing under HOME or the XDG folders: the bundle goes to a private
    // temporary folder, removed when done.
    crate::bundle::Bundle::keep_private();
    let status = render_to(png_path, view, size, basemap, file);
    crate::bundle::Bundle::discard();
    status
}

fn render_to(
    png_path: PathBuf,
    view: Option<(LatLon, f64)>,
    size: (u32, u32),
    basemap: Option<PathBuf>,
    file: Option<PathBuf>,
) -> ExitCode {
    let file = match file.map_or_else(app::bundled_scenario, Ok) {
        Ok(f) => f,
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let mut request = RenderRequest::new(file);
    request.view = view;
    request.size = size;
    request.basemap = basemap;
    let image = match offscreen::render(&request) {
        Ok(image) => image,
        Err(e) => {
            errln!("error: the map could not be rendered: {e}");
            return ExitCode::from(DATA_ERRORS);
        }
    };
    let mut png = Vec::new();
    if let Err(e) = image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png) {
        errln!("error: cannot encode the PNG: {e}");
        return ExitCode::from(USAGE_OR_IO);
    }
    let mut out = Out::default();
    match formats::save_atomic(&png_path, &png) {
        Ok(()) => {
            outln!(
                out,
                "{}: {}x{} map image",
                printable(&png_path.to_string_lossy()),
                image.width(),
                image.height()
            );
            out.finish(0)
        }
        Err(e) => {
            errln!(
                "error: cannot write {}: {e}",
                printable(&png_path.to_string_lossy())
            );
            ExitCode::from(USAGE_OR_IO)
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

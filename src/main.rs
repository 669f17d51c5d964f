//! The `incident-map` command: the desktop app, and headless subcommands for
//! scripts and CI (`check`, `render`, `convert`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use incident_map::app;
use incident_map::render::{self, RenderRequest};
use incident_map_core::diagnostic::{self, Diagnostic, TextIndex};
use incident_map_core::evidence::{Anchoring, Method};
use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::geography::{self, RegionIndex};
use incident_map_core::model::{Dataset, LatLon};
use incident_map_core::store::Store;
use incident_map_core::summary::Summary;

/// Incidents on a map, each tied to its timeline entry and its source's words.
#[derive(Parser)]
#[command(
    name = "incident-map",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The incident file to open in the app (default: the one opened last, or
    /// the bundled scenario).
    file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Load, validate and anchor incident files; print a summary and every problem.
    ///
    /// Exit status: 0 when every file is valid, 1 when any has errors, 2 when a
    /// file cannot be read.
    Check {
        /// The files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// List every passage and where it was found in its source.
        #[arg(long, short)]
        passages: bool,
        /// List every event: when, where, its region and its distance from the reference place.
        #[arg(long, short)]
        events: bool,
    },
    /// Render the map view to a PNG, without a display.
    Render {
        /// Where to write the PNG.
        #[arg(long)]
        out: PathBuf,
        /// The map's centre, as LAT,LON (default: the app's first view).
        #[arg(long, value_parser = parse_lat_lon, requires = "zoom")]
        center: Option<LatLon>,
        /// The zoom level, 2 to 19.
        #[arg(long, requires = "center")]
        zoom: Option<f64>,
        /// The image size, as WIDTHxHEIGHT.
        #[arg(long, value_parser = parse_size, default_value = "1280x800")]
        size: (u32, u32),
        /// A PMTiles basemap to use instead of the bundled one.
        #[arg(long)]
        basemap: Option<PathBuf>,
        /// The incident file to show (default: the bundled scenario).
        file: Option<PathBuf>,
    },
    /// Convert an incident file to another format (any format `check` reads
    /// in; incident-map JSON, GeoJSON or CSV out).
    ///
    /// Exit status: 0 when written, 1 when the input has errors that keep it
    /// from opening, 2 on a usage or I/O problem. The output is written
    /// atomically; the input is never written to.
    Convert {
        /// The file to read.
        input: PathBuf,
        /// The file to write.
        output: PathBuf,
        /// The format to write: json (incident-map), geojson or csv. By
        /// default, from OUTPUT's extension.
        #[arg(long, value_parser = parse_format)]
        to: Option<formats::Format>,
    },
}

fn parse_format(s: &str) -> Result<formats::Format, String> {
    match s.to_ascii_lowercase().as_str() {
        "json" | "native" | "incident-map" => Ok(formats::Format::Native),
        "geojson" => Ok(formats::Format::GeoJson),
        "csv" => Ok(formats::Format::Csv),
        other => Err(format!(
            "\"{other}\" is not a format this app writes: use json, geojson or csv"
        )),
    }
}

fn parse_lat_lon(s: &str) -> Result<LatLon, String> {
    let (lat, lon) = s
        .split_once(',')
        .ok_or("write the centre as LAT,LON, e.g. 55.75,37.62")?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("\"{lat}\" is not a latitude"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("\"{lon}\" is not a longitude"))?;
    if !(-85.0..=85.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err("the centre must be within latitude ±85 and longitude ±180".into());
    }
    Ok(LatLon { lat, lon })
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or("write the size as WIDTHxHEIGHT, e.g. 1280x800")?;
    let (w, h): (u32, u32) = (
        w.parse().map_err(|_| "bad width")?,
        h.parse().map_err(|_| "bad height")?,
    );
    if !(16..=8192).contains(&w) || !(16..=8192).contains(&h) {
        return Err("width and height must be between 16 and 8192".into());
    }
    Ok((w, h))
}

const DATA_ERRORS: u8 = 1;
const USAGE_OR_IO: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check {
            files,
            json,
            passages,
            events,
        }) => check(&files, json, passages, events),
        Some(Command::Render {
            out,
            center,
            zoom,
            size,
            basemap,
            file,
        }) => render(out, center.zip(zoom), size, basemap, file),
        Some(Command::Convert { input, output, to }) => convert(&input, &output, to),
        None => match app::run(cli.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: the window could not be opened: {e}");
                ExitCode::from(USAGE_OR_IO)
            }
        },
    }
}

/// `incident-map convert`.
fn convert(
    input: &std::path::Path,
    output: &std::path::Path,
    to: Option<formats::Format>,
) -> ExitCode {
    let Some(format) = to.or_else(|| formats::Format::from_extension(output)) else {
        eprintln!(
            "error: cannot tell which format to write from {}: give --to json, geojson or csv",
            output.display()
        );
        return ExitCode::from(USAGE_OR_IO);
    };
    if formats::export::same_file(input, output) {
        eprintln!(
            "error: the output is the input file; choose another name (the input is never overwritten)"
        );
        return ExitCode::from(USAGE_OR_IO);
    }
    let loaded = match formats::load(input, &LoadOptions::default()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    for d in &loaded.diagnostics {
        eprintln!("{d}");
    }
    let Some(store) = loaded.usable() else {
        eprintln!(
            "error: {} was not converted: it has errors (above)",
            input.display()
        );
        return ExitCode::from(DATA_ERRORS);
    };
    if let Err(e) = formats::export::save(&store.to_dataset(), Some(input), output, format) {
        eprintln!("error: {e}");
        return ExitCode::from(USAGE_OR_IO);
    }
    println!(
        "{} ({}, {} events) -> {} ({})",
        input.display(),
        loaded.format.map_or("?", formats::Format::name),
        store.len(),
        output.display(),
        format.name()
    );
    ExitCode::SUCCESS
}

#[derive(serde::Serialize)]
struct FileReport {
    file: PathBuf,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    io_error: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

fn check(files: &[PathBuf], json: bool, list_passages: bool, list_events: bool) -> ExitCode {
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
                    print_passages(&ds);
                }
                if let (Some(regions), false, Some(store)) = (&regions, json, &loaded.store) {
                    print_events(store, regions);
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
            print_report(&report);
        }
        reports.push(report);
    }
    if json {
        let doc = serde_json::json!({ "files": reports });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("reports serialize")
        );
    }
    ExitCode::from(status)
}

fn print_report(r: &FileReport) {
    if let Some(e) = &r.io_error {
        eprintln!("error: {e}");
        return;
    }
    for d in &r.diagnostics {
        println!("{d}");
    }
    let (errors, warnings) = diagnostic::count(&r.diagnostics);
    let verdict = if r.valid { "ok" } else { "FAILED" };
    println!(
        "{}: {verdict} ({}, {})",
        r.file.display(),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if let Some(s) = &r.summary {
        println!(
            "  {}, {}, {}",
            plural(s.events, "event"),
            plural(s.places, "place"),
            plural(s.sources, "source")
        );
        println!(
            "  passages anchored: {}/{}",
            s.passages_anchored, s.passages
        );
        match (&s.first, &s.last) {
            (Some(a), Some(b)) => println!("  time span: {a} → {b}"),
            _ => println!("  time span: no dated events"),
        }
        if s.undated_events > 0 {
            println!(
                "  undated or disputed: {}",
                plural(s.undated_events, "event")
            );
        }
        if let Some(b) = s.bounds {
            println!(
                "  bounding box: lat {:.4}..{:.4}, lon {:.4}..{:.4}",
                b.sw.lat, b.ne.lat, b.sw.lon, b.ne.lon
            );
        }
    }
}

/// One line per event: `id: when · place (region) · precision · offset`.
fn print_events(store: &Store, regions: &RegionIndex) {
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
        println!("{}: {}", e.id, parts.join(" · "));
    }
}

/// One line per passage: `event/passage: source file:line:col (how)`.
fn print_passages(ds: &Dataset) {
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
        println!("{name}: {where_}");
    }
}

fn render(
    out: PathBuf,
    view: Option<(LatLon, f64)>,
    size: (u32, u32),
    basemap: Option<PathBuf>,
    file: Option<PathBuf>,
) -> ExitCode {
    let file = match file.map_or_else(app::bundled_scenario, Ok) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(USAGE_OR_IO);
        }
    };
    let mut request = RenderRequest::new(file);
    request.view = view;
    request.size = size;
    request.basemap = basemap;
    let image = match render::render(&request) {
        Ok(image) => image,
        Err(e) => {
            eprintln!("error: the map could not be rendered: {e}");
            return ExitCode::from(DATA_ERRORS);
        }
    };
    let mut png = Vec::new();
    if let Err(e) = image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png) {
        eprintln!("error: cannot encode the PNG: {e}");
        return ExitCode::from(USAGE_OR_IO);
    }
    match formats::save_atomic(&out, &png) {
        Ok(()) => {
            println!(
                "{}: {}x{} map image",
                out.display(),
                image.width(),
                image.height()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
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

//! The `incident-map` command: the desktop app, and headless subcommands for
//! scripts and CI (`check`, `render`, `convert`; see [`incident_map::cli`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use incident_map::app;
use incident_map::cli::{self, USAGE_OR_IO};
use incident_map_core::formats;
use incident_map_core::model::LatLon;
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check {
            files,
            json,
            passages,
            events,
        }) => cli::check(&files, json, passages, events),
        Some(Command::Render {
            out,
            center,
            zoom,
            size,
            basemap,
            file,
        }) => cli::render(out, center.zip(zoom), size, basemap, file),
        Some(Command::Convert { input, output, to }) => cli::convert(&input, &output, to),
        None => match app::run(cli.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                cli::say(format_args!("error: the window could not be opened: {e}"));
                ExitCode::from(USAGE_OR_IO)
            }
        },
    }
}

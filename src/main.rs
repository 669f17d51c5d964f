//! The `incident-map` command: the desktop app, and headless subcommands for
//! scripts and CI (`check`, `render`, `convert`, `publish`, `push`,
//! `extract`; see [`incident_map::cli`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use incident_map::app;
use incident_map::cli::{self, USAGE_OR_IO};
use incident_map_core::filter::{FilterSpec, parse_bbox};
use incident_map_core::formats;
use incident_map_core::model::{BBox, LatLon};
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
    /// Render the map view to a PNG, without a display; or, with --frames,
    /// one PNG per step of a time window (the app's playback, for a report or
    /// a video).
    Render {
        /// Where to write the PNG.
        #[arg(long, required_unless_present = "frames")]
        out: Option<PathBuf>,
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
        /// Write frames into this folder (frame-0001.png …), one per --step
        /// from --from to --to (or the data's first and last day).
        #[arg(long, conflicts_with = "out")]
        frames: Option<PathBuf>,
        /// How far each frame moves the window: 12h, 1d (the default), 7d,
        /// 1w, 1mo, 1y.
        #[arg(long, value_parser = parse_step)]
        step: Option<cli::Step>,
        /// Each frame shows everything up to its step, not the step alone.
        #[arg(long)]
        accumulate: bool,
        #[command(flatten)]
        filter: FilterArgs,
        /// The incident file to show (default: the bundled scenario).
        file: Option<PathBuf>,
    },
    /// Convert an incident file to another format (any format `check` reads
    /// in; incident-map JSON, GeoJSON or CSV out), all of it or what a filter shows.
    ///
    /// Exit status: 0 when written, 1 when the input has errors that keep it
    /// from opening, 2 on a usage or I/O problem. The output is written
    /// atomically; the input is never written to.
    Convert {
        /// The file to read.
        input: PathBuf,
        /// The file to write (for timemap, the folder: events.json,
        /// sources.json and associations.json are written in it).
        output: PathBuf,
        /// The format to write: json (incident-map), geojson, csv or
        /// timemap (Forensic Architecture's TimeMap). By default, from
        /// OUTPUT's extension (none, or .timemap, for a TimeMap folder).
        #[arg(long, value_parser = parse_format)]
        format: Option<formats::Format>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Publish a data set (all of it, or what a filter shows) as ONE HTML
    /// page that works offline in any browser: the map (the bundled basemap
    /// cut to the data's area), the timeline and every passage in its
    /// source, linked; OUT.html#event=ID opens with that event selected.
    ///
    /// Exit status: 0 when written, 1 when the input has errors that keep it
    /// from opening, 2 on a usage or I/O problem. The page is written
    /// atomically; the input is never written to.
    Publish {
        /// The incident file to publish (any format `check` reads; a table by its URL).
        input: PathBuf,
        /// The page to write (.html).
        output: PathBuf,
        /// The page's title (default: the data set's).
        #[arg(long)]
        title: Option<String>,
        /// A PMTiles basemap to cut the page's map from instead of the bundled one.
        #[arg(long)]
        basemap: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Read news articles and reports (text, Markdown, HTML): propose the
    /// events each reports, dated and placed, each tied to its words.
    ///
    /// Exit status: 0 when read, 2 when a source cannot be read or the
    /// command line is wrong.
    Extract {
        /// The sources to read.
        #[arg(required = true)]
        sources: Vec<PathBuf>,
        /// The source's date (YYYY-MM-DD), what "yesterday" and "Saturday"
        /// count from: once for every source, or once per source in order.
        /// By default the date the source gives itself (its metadata, its byline).
        #[arg(long, value_parser = parse_date)]
        date: Vec<jiff::civil::Date>,
        /// Print one JSON object per source: its dates, places and events,
        /// offsets in characters of the text as read.
        #[arg(long)]
        json: bool,
        /// Write a data set (incident-map JSON) with every event proposed,
        /// its sources' texts beside it.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Resolve exactly these spans as places (a JSON array of [start,
        /// end] character offsets): once per source, in order.
        #[arg(long, value_name = "SPANS.json")]
        places_at: Vec<PathBuf>,
    },
    /// Load an incident file (any format `check` reads) into a new
    /// PostgreSQL/PostGIS table: postgresql://USER@HOST/DB?table=NAME.
    /// Credentials come from PGPASSWORD, ~/.pgpass or a service file.
    ///
    /// Exit status: 0 when written, 1 when the file has errors that keep it
    /// from opening, 2 on a usage, file or server problem (nothing is left
    /// half-written on the server).
    Push {
        /// The file to read.
        input: PathBuf,
        /// The table to write, as a postgresql:// URL with ?table=NAME.
        url: String,
        /// Replace the table if it exists (otherwise a push refuses).
        #[arg(long)]
        replace: bool,
    },
}

/// The filter, as the app's: flags of one kind are OR, of different kinds AND.
#[derive(Args, Debug, Clone)]
struct FilterArgs {
    /// Only events on or after this day (YYYY-MM-DD, the data set's time zone; an event counts when its time overlaps).
    #[arg(long, value_parser = parse_date)]
    from: Option<jiff::civil::Date>,
    /// Only events on or before this day (inclusive).
    #[arg(long, value_parser = parse_date)]
    to: Option<jiff::civil::Date>,
    /// Only events whose words hold these (title, summary, actors, places, quotes, claims, notes; any case or accents).
    #[arg(long)]
    search: Option<String>,
    /// Only events of this category id (repeat for any of several).
    #[arg(long = "category", value_name = "ID")]
    categories: Vec<String>,
    /// Only events with an actor whose name holds this, any case (repeat for any of several).
    #[arg(long = "actor", value_name = "NAME")]
    actors: Vec<String>,
    /// Only events whose marker is in this box: SOUTH,WEST,NORTH,EAST (inclusive).
    #[arg(long, value_parser = parse_bbox_arg)]
    bbox: Option<BBox>,
    /// With --from/--to, keep the undated and disputed events too (they are in no window).
    #[arg(long)]
    include_undated: bool,
}

impl FilterArgs {
    fn spec(self) -> FilterSpec {
        FilterSpec {
            from: self.from,
            to: self.to,
            search: self.search,
            categories: self.categories,
            actors: self.actors,
            bbox: self.bbox,
            include_undated: self.include_undated,
        }
    }
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("\"{s}\" is not a day: write it as YYYY-MM-DD, e.g. 2024-03-22"))
}

fn parse_bbox_arg(s: &str) -> Result<BBox, String> {
    parse_bbox(s)
}

fn parse_step(s: &str) -> Result<cli::Step, String> {
    cli::Step::parse(s)
}

fn parse_format(s: &str) -> Result<formats::Format, String> {
    match s.to_ascii_lowercase().as_str() {
        "json" | "native" | "incident-map" => Ok(formats::Format::Native),
        "geojson" => Ok(formats::Format::GeoJson),
        "csv" => Ok(formats::Format::Csv),
        "timemap" => Ok(formats::Format::TimeMap),
        "gpkg" | "geopackage" => Ok(formats::Format::GeoPackage),
        other => Err(format!(
            "\"{other}\" is not a format this app writes: use json, geojson, csv, gpkg or timemap"
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
    // Every password typed on the command line is hidden from whatever is
    // printed, the command line's own errors too.
    for arg in std::env::args_os() {
        incident_map_core::postgis::remember_secrets_of(&arg.to_string_lossy());
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let text = incident_map_core::postgis::hide_secrets(&text);
            let _ = if e.use_stderr() {
                std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes())
            } else {
                std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())
            };
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match cli.command {
        Some(Command::Check {
            files,
            json,
            passages,
            events,
        }) => cli::check(&files, json, passages, events),
        Some(Command::Render {
            frames,
            step,
            accumulate,
            ..
        }) if frames.is_none() && (step.is_some() || accumulate) => {
            cli::say("error: --step and --accumulate are for --frames DIR (a frame per step)");
            cli::say(
                "  help: add --frames DIR, or leave out --step and --accumulate for one image",
            );
            ExitCode::from(USAGE_OR_IO)
        }
        Some(Command::Render {
            out,
            center,
            zoom,
            size,
            basemap,
            frames,
            step,
            accumulate,
            filter,
            file,
        }) => cli::render(cli::RenderArgs {
            out,
            view: center.zip(zoom),
            size,
            basemap,
            file,
            filter: filter.spec(),
            frames: frames.map(|dir| cli::Frames {
                dir,
                step: step.unwrap_or(cli::Step::DAY),
                accumulate,
            }),
        }),
        Some(Command::Convert {
            input,
            output,
            format,
            filter,
        }) => cli::convert(&input, &output, format, &filter.spec()),
        Some(Command::Publish {
            input,
            output,
            title,
            basemap,
            filter,
        }) => cli::publish(cli::PublishArgs {
            input,
            output,
            title,
            basemap,
            filter: filter.spec(),
        }),
        Some(Command::Extract {
            sources,
            date,
            json,
            out,
            places_at,
        }) => cli::extract(cli::ExtractArgs {
            sources,
            dates: date,
            json,
            out,
            places_at,
        }),
        Some(Command::Push {
            input,
            url,
            replace,
        }) => cli::push(&input, &url, replace),
        None => match app::run(cli.file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                cli::say(format_args!("error: the window could not be opened: {e}"));
                cli::say(
                    "  help: the app needs a display (X11 or Wayland) and OpenGL; without one, use the commands: incident-map --help",
                );
                ExitCode::from(USAGE_OR_IO)
            }
        },
    }
}

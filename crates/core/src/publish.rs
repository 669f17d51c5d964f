//! A data set published as one HTML page that works offline in any browser:
//! the map (the bundled basemap cut to the data's area), the timeline and
//! every passage in its source, linked as in the app.
//!
//! The page is assembled from `assets/web/`: `page.html` (the frame),
//! `page.css` and `page.js` (ours), and `vendor/` (Leaflet, protomaps-leaflet,
//! the `pmtiles` reader and supercluster, pinned and fetched by
//! `tools/fetch-web-libs`, with their licences). All of it is compiled into
//! the binary, so publishing needs no network and no files beside it.
//!
//! What goes in: [`page_data`] (the events, sources and categories as the
//! page reads them: dates described, days in the data set's zone, passages
//! located in UTF-16 offsets of their source's text) and [`cut_basemap`] (the
//! world at the zooms it is small at, and the data's area as deep as a budget
//! allows, as a PMTiles archive of its own). Nothing in the page asks the
//! network for anything: a Content-Security-Policy forbids it.

use std::io::Cursor;

use serde::Serialize;

use crate::basemap::{ATTRIBUTION, Archive};
use std::collections::HashMap;

use crate::model::{BBox, Credibility, Dataset, Event, LatLon, Moment, Source, When};

/// Why a page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot write the page's basemap: {0}")]
    Basemap(String),
    #[error("cannot write the page's data: {0}")]
    Data(#[from] serde_json::Error),
}

/// How a page is made.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// The page's title (default: the data set's).
    pub title: Option<String>,
    /// At most this many bytes of basemap tiles (before base64).
    pub basemap_budget: usize,
    /// The world is included whole up to the deepest zoom that fits in this.
    pub world_budget: usize,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            title: None,
            basemap_budget: 3_300_000,
            world_budget: 2_000_000,
        }
    }
}

/// A page made, and what is in it.
pub struct Page {
    pub html: String,
    pub events: usize,
    pub basemap: BasemapCut,
}

/// The part of a basemap a page carries.
pub struct BasemapCut {
    /// A PMTiles v3 archive (tiles and directories gzipped).
    pub archive: Vec<u8>,
    /// Every tile of the world up to this zoom.
    pub world_zoom: u8,
    /// The data's area up to this zoom (at least `world_zoom`).
    pub max_zoom: u8,
    /// The area cut deeper than `world_zoom`: west, south, east, north.
    pub area: Option<[f64; 4]>,
    pub tiles: usize,
}

/// The page for `ds`: one self-contained HTML document.
pub fn page(ds: &Dataset, basemap: &Archive, options: &PageOptions) -> Result<Page, PublishError> {
    let mut data = page_data(ds);
    if let Some(t) = options.title.as_ref().filter(|t| !t.trim().is_empty()) {
        data.title = t.clone();
    }
    let area = data_area(ds);
    // The basemap is cut while the two parts of the data are written and
    // gzipped: what the map and the timeline need, read first, and the
    // sources and each event's context, read once the page is drawn.
    let (cut, packed) = std::thread::scope(|s| {
        let cut = s.spawn(|| cut_basemap(basemap, area, options));
        let details = s.spawn(|| {
            use rayon::prelude::*;
            (0..data.events.len().div_ceil(DETAILS_PER_PART).max(1))
                .into_par_iter()
                .map(|k| {
                    let part =
                        k * DETAILS_PER_PART..((k + 1) * DETAILS_PER_PART).min(data.events.len());
                    serde_json::to_vec(&data.details(part)).map(|j| gzip(&j, 4))
                })
                .collect::<Result<Vec<_>, _>>()
        });
        let index = serde_json::to_vec(&data).map(|j| gzip(&j, 4));
        let details = details.join().expect("writing the details panicked");
        (
            cut.join().expect("cutting the basemap panicked"),
            index.and_then(|i| details.map(|d| (i, d))),
        )
    });
    let (cut, packed) = (cut?, packed?);
    let basemap = PageBasemap {
        world_zoom: cut.world_zoom,
        max_zoom: cut.max_zoom,
        area: cut.area,
    };
    let html = assemble(&data.title, &packed, &basemap, &cut.archive);
    Ok(Page {
        html,
        events: data.events.len(),
        basemap: cut,
    })
}

/// The page's frame and our own script and style.
const PAGE_HTML: &str = include_str!("../../../assets/web/page.html");
const PAGE_CSS: &str = include_str!("../../../assets/web/page.css");
const PAGE_JS: &str = include_str!("../../../assets/web/page.js");
/// The libraries, in the order they load.
const VENDOR_JS: [(&str, &str); 4] = [
    (
        "leaflet.js",
        include_str!("../../../assets/web/vendor/leaflet.js"),
    ),
    (
        "pmtiles.js",
        include_str!("../../../assets/web/vendor/pmtiles.js"),
    ),
    (
        "protomaps-leaflet.js",
        include_str!("../../../assets/web/vendor/protomaps-leaflet.js"),
    ),
    (
        "supercluster.min.js",
        include_str!("../../../assets/web/vendor/supercluster.min.js"),
    ),
];
const VENDOR_CSS: &str = include_str!("../../../assets/web/vendor/leaflet.css");
const VERSIONS: &str = include_str!("../../../assets/web/vendor/VERSIONS");
const LICENCES: [(&str, &str); 6] = [
    (
        "Leaflet",
        include_str!("../../../assets/web/vendor/licenses/leaflet.txt"),
    ),
    (
        "protomaps-leaflet",
        include_str!("../../../assets/web/vendor/licenses/protomaps-leaflet.txt"),
    ),
    (
        "pmtiles",
        include_str!("../../../assets/web/vendor/licenses/pmtiles.txt"),
    ),
    (
        "supercluster",
        include_str!("../../../assets/web/vendor/licenses/supercluster.txt"),
    ),
    (
        "kdbush (inside supercluster)",
        include_str!("../../../assets/web/vendor/licenses/kdbush.txt"),
    ),
    (
        "Noto Sans (SIL Open Font License)",
        include_str!("../../../assets/fonts/NotoSans-OFL.txt"),
    ),
];
const FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");

/// Events per part of the details: each part is read on its own when one
/// of its events is selected (a browser's string holds at most about 512 MB,
/// and reading a part takes a fraction of a second).
pub const DETAILS_PER_PART: usize = 20_000;

/// Fills the frame's slots. Each slot is replaced once, in one pass, so
/// nothing inserted is ever read again as a slot. `data`: the index and the
/// parts of the details, each gzipped.
fn assemble(
    title: &str,
    data: &(Vec<u8>, Vec<Vec<u8>>),
    cut: &PageBasemap,
    basemap: &[u8],
) -> String {
    let details: usize = data.1.iter().map(Vec::len).sum();
    let mut out = String::with_capacity(
        PAGE_HTML.len() + (data.0.len() + details + basemap.len() + FONT.len()) * 4 / 3 + 400_000,
    );
    let mut rest = PAGE_HTML;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find("}}") else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let slot = &rest[at + 2..at + end];
        rest = &rest[at + end + 2..];
        match slot {
            "TITLE" => out.push_str(&html_escape(title)),
            "STYLE" => {
                out.push_str(VENDOR_CSS);
                out.push('\n');
                out.push_str(PAGE_CSS);
            }
            "FONT" => base64_into(&mut out, FONT),
            "LIBRARIES" => {
                for (name, js) in VENDOR_JS {
                    out.push_str("<script data-library=\"");
                    out.push_str(name);
                    out.push_str("\">\n");
                    out.push_str(js);
                    out.push_str("\n</script>\n");
                }
            }
            "SCRIPT" => out.push_str(PAGE_JS),
            // The data gzipped (a tenth of its size, the page reads it with
            // the browser's own DecompressionStream), then as base64, which
            // cannot close its script element.
            "DATA" => base64_into(&mut out, &data.0),
            "DETAILS" => {
                for (k, part) in data.1.iter().enumerate() {
                    out.push_str(&format!(
                        "<script type=\"application/octet-stream\" class=\"incident-details\" data-first=\"{}\" data-encoding=\"gzip\">",
                        k * DETAILS_PER_PART
                    ));
                    base64_into(&mut out, part);
                    out.push_str("</script>\n");
                }
            }
            // What of the basemap is in the page, read before the data is.
            "CUT" => out.push_str(&html_escape(
                &serde_json::to_string(cut).expect("numbers serialise"),
            )),
            "BASEMAP" => base64_into(&mut out, basemap),
            "LICENCES" => {
                out.push_str(&html_escape(&format!(
                    "Map data: {ATTRIBUTION}; Natural Earth is in the public domain, OpenStreetMap \
                     data is under the ODbL, GeoNames under CC BY 4.0.\n\nLibraries \
                     (npm registry, pinned by SHA-512):\n{VERSIONS}\n"
                )));
                for (name, text) in LICENCES {
                    out.push_str(&html_escape(&format!("\n— {name} —\n{text}\n")));
                }
            }
            other => {
                out.push_str("{{");
                out.push_str(other);
                out.push_str("}}");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first part of a page's data (what the map and the timeline read:
/// title, categories, each event's id, title, category, date and point), as
/// [`page`] wrote it; `None` if `html` is not such a page.
pub fn read_index(html: &str) -> Option<serde_json::Value> {
    use std::io::Read;
    let start = html.find("id=\"incident-data\"")?;
    let text = &html[start..];
    let text = &text[text.find('>')? + 1..];
    let text = &text[..text.find('<')?];
    let gz = base64_decode(text.trim())?;
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut json)
        .ok()?;
    serde_json::from_slice(&json).ok()
}

/// Standard base64 (padding optional) decoded; `None` at a character
/// outside the alphabet.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut n = 0;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

pub(crate) fn gzip(raw: &[u8], level: u32) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
    e.write_all(raw).expect("writing to memory");
    e.finish().expect("writing to memory")
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn base64_into(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

/// What the page reads: the data set in the words the app shows it in.
#[derive(Debug, Serialize)]
pub struct PageData {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The zone days are counted in (the data set's, or UTC).
    pub time_zone: String,
    pub attribution: &'static str,
    pub categories: Vec<PageCategory>,
    /// The outlines events stand for (a region, an area), as GeoJSON
    /// geometries; an event names its own by index (`shape`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shapes: Vec<serde_json::Value>,
    /// In the page's second part ([`PageData::details`]).
    #[serde(skip)]
    pub sources: Vec<PageSource>,
    pub events: Vec<PageEvent>,
}

#[derive(Debug, Serialize)]
pub struct PageBasemap {
    pub world_zoom: u8,
    pub max_zoom: u8,
    /// West, south, east, north of what is deeper than `world_zoom`.
    pub area: Option<[f64; 4]>,
}

#[derive(Debug, Serialize)]
pub struct PageCategory {
    pub id: String,
    pub label: String,
    pub color: String,
}

#[derive(Debug, Serialize)]
pub struct PageSource {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// "B: usually reliable".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PageEvent {
    pub id: String,
    pub title: String,
    /// The category's index in `categories`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cat: Option<usize>,
    /// When, for people.
    pub when: String,
    /// "undated" or "disputed"; absent when dated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dating: Option<&'static str>,
    /// The day it is listed under, in the data set's zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// The last day it covers, when not `day`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_day: Option<String>,
    /// [lat, lon], rounded to 6 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<[f64; 2]>,
    /// Its place's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The outline it stands for, an index in `shapes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shape: Option<usize>,
    /// What the context shows: in the page's second part, read once the
    /// page is drawn.
    #[serde(skip)]
    pub detail: PageDetail,
}

/// An event's context, beyond what the map and the timeline need.
#[derive(Debug, Serialize)]
pub struct PageDetail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<PageReading>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub casualties: Vec<PageCasualties>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<PageClaim>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<PagePassage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<PageRelation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A part of the page's second part: some events' [`PageDetail`]s, in the
/// order of [`PageData::events`], and the sources their passages quote.
#[derive(Serialize)]
pub struct PageDetails<'a> {
    pub sources: Vec<&'a PageSource>,
    pub events: Vec<&'a PageDetail>,
}

impl PageData {
    /// The details of the events in `part`.
    pub fn details(&self, part: std::ops::Range<usize>) -> PageDetails<'_> {
        let events: Vec<&PageDetail> = self.events[part].iter().map(|e| &e.detail).collect();
        let quoted: std::collections::HashSet<&str> = events
            .iter()
            .flat_map(|d| d.passages.iter().map(|p| p.source.as_str()))
            .collect();
        PageDetails {
            sources: self
                .sources
                .iter()
                .filter(|s| quoted.contains(s.id.as_str()))
                .collect(),
            events,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PageReading {
    pub when: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PageCasualties {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub injured: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PageClaim {
    pub about: String,
    pub says: String,
    pub record: String,
    pub verdict: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PagePassage {
    pub source: String,
    /// The words quoted, when they are not found in the source's text (when
    /// they are, `range` says where, and the page reads them there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where the quote is in its source's text, in UTF-16 code units (what
    /// a browser's strings count); absent when it was not found there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[usize; 2]>,
    /// "2: probably true".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credibility: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PageRelation {
    pub phrase: &'static str,
    pub event: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The colours categories get when the data set names none (the app's).
const PALETTE: [&str; 10] = [
    "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f",
];

/// `ds` as the page reads it, events in time order (undated and disputed last).
pub fn page_data(ds: &Dataset) -> PageData {
    let tz = ds.tz();
    let mut categories: Vec<PageCategory> = ds
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| PageCategory {
            id: c.id.clone(),
            label: c.label.clone(),
            color: c
                .color
                .as_deref()
                .filter(|c| is_plain_colour(c))
                .map_or_else(|| PALETTE[i % PALETTE.len()].to_string(), str::to_string),
        })
        .collect();
    let mut category_of = |id: &str| -> usize {
        if let Some(i) = categories.iter().position(|c| c.id == id) {
            return i;
        }
        let i = categories.len();
        categories.push(PageCategory {
            id: id.to_string(),
            label: id.to_string(),
            color: PALETTE[i % PALETTE.len()].to_string(),
        });
        i
    };
    let places = ds.places_by_id();
    let sources: HashMap<&str, &Source> = ds.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    // An event's own area, or the region its place is: each outline once.
    let regions = std::sync::LazyLock::new(crate::geography::RegionIndex::bundled);
    let mut shapes: Vec<serde_json::Value> = Vec::new();
    let mut shape_at: HashMap<String, usize> = HashMap::new();
    let mut shape_of = |e: &Event| -> Option<usize> {
        let l = places.locate(e)?;
        let (key, geometry) = match (l.geometry, l.region_code()) {
            (Some(g), _) => (format!("event:{}", e.id), geojson::GeometryValue::from(g)),
            (None, Some(code)) => (
                format!("region:{code}"),
                geojson::GeometryValue::from(&regions.get(code)?.outline),
            ),
            _ => return None,
        };
        if let Some(&i) = shape_at.get(&key) {
            return Some(i);
        }
        shapes.push(serde_json::to_value(geojson::Geometry::new(geometry)).ok()?);
        shape_at.insert(key, shapes.len() - 1);
        Some(shapes.len() - 1)
    };
    // Categories and outlines are numbered in one pass; the events are then
    // written on every core.
    let cats: Vec<Option<usize>> = ds
        .events
        .iter()
        .map(|e| e.category.as_deref().map(&mut category_of))
        .collect();
    let outlines: Vec<Option<usize>> = ds.events.iter().map(&mut shape_of).collect();
    let mut events: Vec<(Option<i64>, PageEvent)> = {
        use rayon::prelude::*;
        ds.events
            .par_iter()
            .zip(cats)
            .zip(outlines)
            .map(|((e, cat), shape)| {
                let span = e.when.span(&tz);
                let mut page = page_event(&sources, e, &tz, span, cat, &places);
                page.shape = shape;
                (span.map(|s| s.0.as_millisecond()), page)
            })
            .collect()
    };
    // Dated ones by time, then undated, then disputed; the file's order within.
    events.sort_by_key(|(t, e)| (e.dating.is_some(), e.dating == Some("disputed"), *t));
    PageData {
        title: ds.title.clone(),
        description: ds.description.clone(),
        time_zone: ds.time_zone.clone().unwrap_or_else(|| "UTC".into()),
        attribution: ATTRIBUTION,
        categories,
        shapes,
        sources: ds.sources.iter().map(page_source).collect(),
        events: events.into_iter().map(|(_, e)| e).collect(),
    }
}

fn page_source(s: &Source) -> PageSource {
    PageSource {
        id: s.id.clone(),
        title: s.title.clone(),
        author: s.author.clone(),
        publisher: s.publisher.clone(),
        published: s.published.as_ref().map(When::describe),
        url: s.url.clone().filter(|u| is_web_link(u)),
        sha256: s.sha256.clone(),
        reliability: s
            .reliability
            .map(|r| format!("{}: {}", r.as_str(), r.meaning())),
        note: s.note.clone(),
        text: s.full_text().map(str::to_string),
    }
}

fn page_event(
    sources: &HashMap<&str, &Source>,
    e: &Event,
    tz: &jiff::tz::TimeZone,
    span: Option<(jiff::Timestamp, jiff::Timestamp)>,
    cat: Option<usize>,
    places: &crate::model::Places<'_>,
) -> PageEvent {
    let located = places.locate(e);
    let day = e.when.start().and_then(|m| match m {
        Moment::Instant(z) => Some(z.with_time_zone(tz.clone()).date()),
        Moment::Day(d) => Some(*d),
        _ => span.map(|(a, _)| a.to_zoned_datetime(tz.clone()).date()),
    });
    let readings = match &e.when {
        When::Disputed(r) => r
            .iter()
            .map(|r| PageReading {
                when: r.when.describe(),
                source: r
                    .source
                    .as_deref()
                    .map(|s| sources.get(s).map_or(s, |s| s.title.as_str()).to_string()),
                note: r.note.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let day = span.and(day);
    let last_day = span
        .map(|(a, b)| {
            let b = if b > a {
                b - jiff::SignedDuration::from_millis(1)
            } else {
                b
            };
            b.to_zoned_datetime(tz.clone()).date()
        })
        .filter(|last| day.is_some_and(|d| *last > d));
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let detail = PageDetail {
        summary: e.summary.clone(),
        actors: e.actors.clone(),
        readings,
        approximate: e.approximate,
        when_note: e.when_note.clone(),
        precision: located
            .as_ref()
            .and_then(|l| l.precision)
            .map(|p| p.as_str()),
        uncertainty_m: located.as_ref().and_then(|l| l.uncertainty_m),
        region: located
            .as_ref()
            .and_then(|l| l.region_code())
            .map(str::to_string),
        casualties: e
            .casualties
            .iter()
            .map(|c| PageCasualties {
                killed: c.killed,
                injured: c.injured,
                as_of: c.as_of.as_ref().map(When::describe),
                source: c
                    .source
                    .as_deref()
                    .map(|s| sources.get(s).map_or(s, |s| s.title.as_str()).to_string()),
                note: c.note.clone(),
            })
            .collect(),
        claims: e
            .claims
            .iter()
            .map(|c| PageClaim {
                about: c.about.clone(),
                says: c.says.clone(),
                record: c.record.clone(),
                verdict: c.verdict.as_str(),
            })
            .collect(),
        passages: e
            .passages
            .iter()
            .map(|p| {
                let text = sources.get(p.source.as_str()).and_then(|s| s.full_text());
                let range = match (p.anchoring.anchor(), text) {
                    (Some(a), Some(text))
                        if a.bytes.end <= text.len()
                            && text.is_char_boundary(a.bytes.start)
                            && text.is_char_boundary(a.bytes.end) =>
                    {
                        let start = utf16_len(&text[..a.bytes.start]);
                        Some([start, start + utf16_len(&text[a.bytes.clone()])])
                    }
                    _ => None,
                };
                PagePassage {
                    source: p.source.clone(),
                    quote: range.is_none().then(|| p.quote.clone()),
                    range,
                    credibility: p
                        .credibility
                        .map(|c: Credibility| format!("{}: {}", c.number(), c.meaning())),
                    note: p.note.clone(),
                }
            })
            .collect(),
        relations: e
            .relations
            .iter()
            .map(|r| PageRelation {
                phrase: r.kind.phrase(),
                event: r.event.clone(),
                note: r.note.clone(),
            })
            .collect(),
        notes: e.notes.clone(),
    };
    PageEvent {
        id: e.id.clone(),
        title: e.title.clone(),
        cat,
        when: e.when.describe(),
        dating: match &e.when {
            When::Disputed(_) => Some("disputed"),
            w if span.is_none() || w.is_undated() => Some("undated"),
            _ => None,
        },
        day: day.map(|d| d.to_string()),
        last_day: last_day.map(|d| d.to_string()),
        at: located
            .as_ref()
            .map(|l| [round(l.point.lat), round(l.point.lon)]),
        place: located
            .as_ref()
            .and_then(|l| l.place.map(|p| p.name.clone())),
        shape: None,
        detail,
    }
}

/// A colour the page may put in a style: `#` and 3, 4, 6 or 8 hex digits,
/// or a name of letters only ("red"). Anything else (`red;background:url(…)`)
/// could make the page ask for something, and gets a palette colour.
fn is_plain_colour(c: &str) -> bool {
    match c.strip_prefix('#') {
        Some(hex) => {
            [3, 4, 6, 8].contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => !c.is_empty() && c.len() <= 30 && c.bytes().all(|b| b.is_ascii_alphabetic()),
    }
}

/// A link the page may offer: http or https only (never `javascript:`).
fn is_web_link(u: &str) -> bool {
    let u = u.trim_start().to_ascii_lowercase();
    u.starts_with("https://") || u.starts_with("http://")
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Where the data set's located events are, padded so the map has room
/// around them; `None` when none is located.
pub fn data_area(ds: &Dataset) -> Option<BBox> {
    let places = ds.places_by_id();
    let b = BBox::around(
        ds.events
            .iter()
            .filter_map(|e| places.locate(e).map(|l| l.point)),
    )?;
    let pad_lat = ((b.ne.lat - b.sw.lat) * 0.3).max(0.3);
    let pad_lon = ((b.ne.lon - b.sw.lon) * 0.3).max(0.5);
    Some(BBox {
        sw: LatLon {
            lat: (b.sw.lat - pad_lat).max(-85.0),
            lon: (b.sw.lon - pad_lon).max(-180.0),
        },
        ne: LatLon {
            lat: (b.ne.lat + pad_lat).min(85.0),
            lon: (b.ne.lon + pad_lon).min(180.0),
        },
    })
}

/// The tiles at zoom `z` covering `b`: x and y ranges, inclusive.
fn tile_range(b: &BBox, z: u8) -> ([u32; 2], [u32; 2]) {
    let n = f64::from(1u32 << z);
    let tile = |w: f64| ((w * n).floor() as u32).min((1u32 << z) - 1);
    let [west, north] = crate::markers::mercator(LatLon {
        lat: b.ne.lat,
        lon: b.sw.lon,
    });
    let [east, south] = crate::markers::mercator(LatLon {
        lat: b.sw.lat,
        lon: b.ne.lon,
    });
    ([tile(west), tile(east)], [tile(north), tile(south)])
}

/// Most tiles one zoom of the data's area may take.
const MAX_TILES_PER_ZOOM: u64 = 20_000;

/// The part of `archive` a page carries: every tile of the world up to the
/// deepest zoom whose tiles fit in `world_budget`, then the tiles of `area`
/// zoom by zoom, as long as the archive has every one of them at that zoom
/// (so the page never shows a hole) and the whole stays within
/// `basemap_budget`. Tiles are gzipped; the archive is a PMTiles v3 file.
pub fn cut_basemap(
    archive: &Archive,
    area: Option<BBox>,
    options: &PageOptions,
) -> Result<BasemapCut, PublishError> {
    let info = archive.info();
    let zoom_tiles = |z: u8, xs: [u32; 2], ys: [u32; 2]| -> Vec<(pmtiles::TileCoord, Vec<u8>)> {
        let mut out = Vec::new();
        for x in xs[0]..=xs[1] {
            for y in ys[0]..=ys[1] {
                if let (Some(gz), Ok(c)) = (
                    archive.tile_gzipped(z, x, y),
                    pmtiles::TileCoord::new(z, x, y),
                ) {
                    out.push((c, gz.to_vec()));
                }
            }
        }
        out
    };
    let size = |t: &[(pmtiles::TileCoord, Vec<u8>)]| t.iter().map(|(_, b)| b.len()).sum::<usize>();
    let mut tiles = Vec::new();
    let mut used = 0;
    let mut world_zoom = info.min_zoom;
    for z in info.min_zoom..=info.max_zoom.min(8) {
        let n = (1u32 << z) - 1;
        let covered = [0, n / 2, n]
            .into_iter()
            .all(|y| (0..=n).all(|x| info.coverage.source_zoom(z, x, y) == Some(z)));
        if !covered {
            break;
        }
        let t = zoom_tiles(z, [0, n], [0, n]);
        let s = size(&t);
        if z > info.min_zoom && used + s > options.world_budget {
            break;
        }
        used += s;
        tiles.extend(t);
        world_zoom = z;
    }
    let mut max_zoom = world_zoom;
    if let Some(b) = &area {
        for z in world_zoom + 1..=info.max_zoom {
            let (xs, ys) = tile_range(b, z);
            let count = u64::from(xs[1] - xs[0] + 1) * u64::from(ys[1] - ys[0] + 1);
            if count > MAX_TILES_PER_ZOOM {
                break;
            }
            let whole = (xs[0]..=xs[1])
                .all(|x| (ys[0]..=ys[1]).all(|y| info.coverage.source_zoom(z, x, y) == Some(z)));
            if !whole {
                break;
            }
            let t = zoom_tiles(z, xs, ys);
            let s = size(&t);
            if used + s > options.basemap_budget {
                break;
            }
            used += s;
            tiles.extend(t);
            max_zoom = z;
        }
    }
    tiles.sort_by_key(|(c, _)| pmtiles::TileId::from(*c).value());
    let count = tiles.len();
    let err = |e: pmtiles::PmtError| PublishError::Basemap(e.to_string());
    let area_bounds = area
        .filter(|_| max_zoom > world_zoom)
        .map(|b| [b.sw.lon, b.sw.lat, b.ne.lon, b.ne.lat]);
    let bounds = area_bounds.unwrap_or([-180.0, -85.0, 180.0, 85.0]);
    let mut out = Cursor::new(Vec::new());
    let mut w = pmtiles::PmTilesWriter::new(pmtiles::TileType::Mvt)
        .tile_compression(pmtiles::Compression::Gzip)
        .internal_compression(pmtiles::Compression::Gzip)
        .min_zoom(info.min_zoom)
        .max_zoom(max_zoom)
        .bounds(bounds[0], bounds[1], bounds[2], bounds[3])
        .metadata(
            &serde_json::json!({
                "attribution": ATTRIBUTION,
                "world_zoom": world_zoom,
                "vector_layers": info.layers.iter().map(|l| serde_json::json!({"id": l})).collect::<Vec<_>>(),
            })
            .to_string(),
        )
        .create(&mut out)
        .map_err(err)?;
    for (c, bytes) in &tiles {
        w.add_raw_tile(*c, bytes).map_err(err)?;
    }
    w.finalize().map_err(err)?;
    Ok(BasemapCut {
        archive: out.into_inner(),
        world_zoom,
        max_zoom,
        area: area_bounds,
        tiles: count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        for (raw, want) in [
            (&b""[..], ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"foobar", "Zm9vYmFy"),
            (&[0xff, 0xfe, 0x00], "//4A"),
        ] {
            let mut s = String::new();
            base64_into(&mut s, raw);
            assert_eq!(s, want, "{raw:?}");
            assert_eq!(base64_decode(&s).as_deref(), Some(raw), "{s}");
        }
    }

    #[test]
    fn slots_are_filled_once_and_text_is_escaped() {
        let data = (gzip(br#"{"t":"</script><x>"}"#, 6), vec![gzip(b"{}", 6)]);
        let cut = PageBasemap {
            world_zoom: 4,
            max_zoom: 11,
            area: None,
        };
        let html = assemble("A <b> & \"c\"", &data, &cut, b"foo");
        assert!(html.contains("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"));
        let mut encoded = String::new();
        base64_into(&mut encoded, &data.0);
        assert!(
            html.contains(&format!(">{encoded}<")),
            "the data, gzipped, as base64"
        );
        assert!(html.contains(
            r#"data-cut="{&quot;world_zoom&quot;:4,&quot;max_zoom&quot;:11,&quot;area&quot;:null}""#
        ));
        for slot in [
            "TITLE",
            "STYLE",
            "FONT",
            "LIBRARIES",
            "SCRIPT",
            "DATA",
            "BASEMAP",
            "LICENCES",
        ] {
            assert!(!html.contains(&format!("{{{{{slot}}}}}")), "{slot} filled");
        }
        assert!(html.contains(">Zm9v<"), "the basemap as base64");
        assert_eq!(html.matches("data-library=").count(), VENDOR_JS.len());
    }

    #[test]
    fn a_data_sets_colours_and_links_cannot_reach_outside_the_page() {
        let category = |id: &str, color: &str| crate::model::Category {
            id: id.into(),
            label: id.into(),
            color: Some(color.into()),
            description: None,
        };
        let source = |id: &str, url: &str| crate::model::Source {
            id: id.into(),
            title: id.into(),
            author: None,
            publisher: None,
            published: None,
            url: Some(url.into()),
            text_file: None,
            text: None,
            note: None,
            sha256: None,
            added: None,
            reliability: None,
            loaded_text: None,
            origin: Default::default(),
        };
        let ds = Dataset {
            categories: vec![
                category("a", "#D62728"),
                category("b", "red;background:url(http://example.com/x)"),
                category("c", "steelblue"),
            ],
            sources: vec![
                source("web", "https://example.org/report"),
                source("script", " JavaScript:alert(1)"),
                source("file", "file:///etc/passwd"),
            ],
            ..Dataset::default()
        };
        let page = page_data(&ds);
        let colours: Vec<&str> = page.categories.iter().map(|c| c.color.as_str()).collect();
        assert_eq!(colours, ["#D62728", PALETTE[1], "steelblue"]);
        let urls: Vec<Option<&str>> = page.sources.iter().map(|s| s.url.as_deref()).collect();
        assert_eq!(urls, [Some("https://example.org/report"), None, None]);
    }

    #[test]
    fn utf16_offsets_count_astral_characters_twice() {
        assert_eq!(utf16_len("a"), 1);
        assert_eq!(utf16_len("é"), 1);
        assert_eq!(utf16_len("𝄞"), 2);
    }
}

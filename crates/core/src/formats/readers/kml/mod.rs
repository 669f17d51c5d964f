//! KML (Google Earth) and KMZ (zipped KML): each Placemark becomes an event.
//! `TimeStamp/when` and `TimeSpan/begin,end` (either end may be missing;
//! values a dateTime, a date, `YYYY-MM` or `YYYY`); `name`; `description`
//! (HTML turned into plain text, never rendered); `ExtendedData` into the
//! event's notes; the Folders a placemark sits in as its category; Point,
//! LineString, Polygon and MultiGeometry. As Google Earth reads time (5.1's
//! rules): a `TimeSpan`/`TimeStamp` on a Document or Folder is the time of
//! the placemarks inside with none of their own; a `gx:Track` (or each of a
//! `gx:MultiTrack`'s) is drawn as its line, the event spanning its first to
//! its last `when`. A placemark's icon colour (its own `IconStyle`, or
//! its `styleUrl`'s, through a `StyleMap`'s normal style) is its
//! category's colour, the first one given.

use std::io::Read;

mod outline;
mod records;

pub use records::{KmlRecords, read_records};

use geo::{Coord, Geometry, GeometryCollection, LineString, Point, Polygon};
use quick_xml::Reader;
use quick_xml::events::Event as Xml;

use super::import::{self, Import, RecordText};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits;
use crate::model::{Event, Passage, Source};
use crate::model::{LatLon, Location, When, representative_point};

/// An XML entity or character reference (`&amp;`, `&#233;`) added to
/// `out` as its character; one XML does not define, as it is written.
pub(crate) fn push_entity(r: &quick_xml::events::BytesRef, out: &mut String) {
    let name = r.decode().unwrap_or_default();
    let c = match name.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => r.resolve_char_ref().ok().flatten(),
    };
    match c {
        Some(c) => out.push(c),
        None => {
            out.push('&');
            out.push_str(&name);
            out.push(';');
        }
    }
}

/// Whether a text is KML: XML with a `<kml` element near its start.
pub fn looks_like(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    head.trim_start().starts_with('<') && head.contains("<kml")
}

/// The names of a zip archive's entries (none when it does not open).
pub fn zip_names(bytes: &[u8]) -> Vec<String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|zip| {
            zip.file_names()
                .take(10_000)
                .filter_map(|n| n.ok().map(|n| n.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The KML document inside a KMZ archive: `doc.kml`, else its first `.kml`
/// file; its name and text. Refused, with the numbers, when it is larger
/// than [`limits::max_kmz_entry`] or expands more than
/// [`limits::max_kmz_ratio`] times (a zip bomb is not data); never cut short.
pub fn unzip(bytes: &[u8]) -> Result<(String, String), Box<Diagnostic>> {
    use crate::formats::file::human_bytes;
    let fail = |message: String, help: &str| {
        Box::new(
            Diagnostic::error(Code::Syntax, message)
                .with_help(help.to_string())
                .at_offset(0)
                // About the archive as a whole: its first byte.
                .at_position(1, 1),
        )
    };
    let reexport = "a KMZ file is a zip archive holding a doc.kml; re-export it from Google Earth";
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(format!("this KMZ (zip) file does not open: {e}"), reexport))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| {
            names
                .iter()
                .find(|n| n.to_ascii_lowercase().ends_with(".kml"))
        })
        .ok_or_else(|| {
            fail(
                format!(
                    "this zip file holds no .kml file (it holds: {})",
                    names.join(", ")
                ),
                reexport,
            )
        })?
        .clone();
    let mut file = zip.by_name(&name).map_err(|e| {
        fail(
            format!("{name} in this KMZ file does not open: {e}"),
            reexport,
        )
    })?;
    // A link is not a file: its target's name is never read as KML (and
    // never followed).
    if file.is_symlink() {
        return Err(fail(
            format!("{name} in this KMZ file is a symbolic link, not a file: it is not followed"),
            reexport,
        ));
    }
    let (limit, ratio) = (limits::max_kmz_entry(), limits::max_kmz_ratio());
    let (size, packed) = (file.size(), file.compressed_size().max(1));
    if size > limit {
        return Err(fail(
            format!(
                "{name} in this KMZ file is {} uncompressed, more than the {} this app reads",
                human_bytes(size),
                human_bytes(limit)
            ),
            "unzip it and open the KML, or set INCIDENT_MAP_MAX_KMZ_MB to allow more",
        ));
    }
    if size / packed > ratio {
        return Err(fail(
            format!(
                "{name} in this KMZ file expands {} times ({} to {}), more than the {ratio} times real KML does: it looks like a zip bomb",
                size / packed,
                human_bytes(packed),
                human_bytes(size)
            ),
            "if it is real data, unzip it and open the KML, or set INCIDENT_MAP_MAX_KMZ_RATIO",
        ));
    }
    let mut raw = Vec::with_capacity(size as usize);
    // Never more than the entry says it holds (nor the limit).
    (&mut file)
        .take(size.min(limit) + 1)
        .read_to_end(&mut raw)
        .map_err(|e| {
            fail(
                format!("{name} in this KMZ file does not decompress: {e}"),
                reexport,
            )
        })?;
    if raw.len() as u64 > size {
        return Err(fail(
            format!(
                "{name} in this KMZ file holds more than the {} it says it does",
                human_bytes(size)
            ),
            reexport,
        ));
    }
    let text = String::from_utf8(raw).map_err(|e| {
        fail(
            format!("{name} in this KMZ file is not UTF-8 text: {e}"),
            "save the KML as UTF-8",
        )
    })?;
    Ok((name, text))
}

/// The elements this reader cares about; the rest are `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Document,
    Folder,
    Placemark,
    Name,
    Description,
    TimeStamp,
    When,
    TimeSpan,
    Begin,
    End,
    Data,
    Value,
    SimpleData,
    Coordinates,
    Point,
    LineString,
    LinearRing,
    Polygon,
    /// `gx:Track`: `when`s and `gx:coord`s, pairwise.
    Track,
    Coord,
    StyleUrl,
    IconStyle,
    Color,
    Other,
}

impl Tag {
    fn of(local_name: &[u8]) -> Tag {
        match local_name {
            b"Document" => Tag::Document,
            b"Folder" => Tag::Folder,
            b"Placemark" => Tag::Placemark,
            b"name" => Tag::Name,
            b"description" => Tag::Description,
            b"TimeStamp" => Tag::TimeStamp,
            b"when" => Tag::When,
            b"TimeSpan" => Tag::TimeSpan,
            b"begin" => Tag::Begin,
            b"end" => Tag::End,
            b"Data" => Tag::Data,
            b"value" => Tag::Value,
            b"SimpleData" => Tag::SimpleData,
            b"coordinates" => Tag::Coordinates,
            b"Point" => Tag::Point,
            b"LineString" => Tag::LineString,
            b"LinearRing" => Tag::LinearRing,
            b"Polygon" => Tag::Polygon,
            b"Track" => Tag::Track,
            b"coord" => Tag::Coord,
            b"styleUrl" => Tag::StyleUrl,
            b"IconStyle" => Tag::IconStyle,
            b"color" => Tag::Color,
            _ => Tag::Other,
        }
    }

    /// Whether the text inside the element is read.
    fn has_text(self) -> bool {
        matches!(
            self,
            Tag::Name
                | Tag::Description
                | Tag::When
                | Tag::Begin
                | Tag::End
                | Tag::Value
                | Tag::SimpleData
                | Tag::Coordinates
                | Tag::Coord
                | Tag::StyleUrl
                | Tag::Color
        )
    }
}

/// What is being read inside a placemark.
#[derive(Default)]
struct Placemark {
    offset: usize,
    name: Option<String>,
    description: Option<String>,
    id: Option<String>,
    when: Option<String>,
    begin: Option<String>,
    end: Option<String>,
    data: Vec<(String, String)>,
    geometries: Vec<Geometry<f64>>,
    /// Rings of the polygon being read: outer first.
    rings: Vec<LineString<f64>>,
    /// The times and points of its `gx:Track`s (of a `gx:MultiTrack` too).
    track_when: Vec<String>,
    track: Vec<Coord<f64>>,
    /// Its icon's colour, given inline, or the style it names.
    icon: Option<String>,
    style_url: Option<String>,
}

impl Placemark {
    /// Its icon's colour ("#rrggbb"): its own, or its style's in `styles`.
    fn colour(&self, styles: &Styles) -> Option<String> {
        self.icon
            .clone()
            .or_else(|| styles.get(self.style_url.as_deref()?).cloned())
    }
}

/// Icon colours by style URL ("#id" → "#rrggbb"), a StyleMap's by its
/// normal style's.
pub type Styles = rustc_hash::FxHashMap<String, String>;

/// A KML colour (`aabbggrr`, hex) as "#rrggbb".
fn kml_colour(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!("#{}{}{}", &s[6..8], &s[4..6], &s[2..4]).to_ascii_lowercase())
}

/// The icon colours of a KML document's shared styles: each `<Style id>`
/// with an `<IconStyle><color>`, and each `<StyleMap id>` by its `normal`
/// pair. A plain scan of the bytes (styles are small and flat); what it
/// does not find is no colour, never an error.
pub fn icon_styles(b: &[u8]) -> Styles {
    use memchr::memmem;
    let text = |r: &[u8]| String::from_utf8_lossy(r).into_owned();
    let inner = |hay: &[u8], open: &[u8], close: &[u8]| -> Option<String> {
        let a = memmem::find(hay, open)?;
        let rest = &hay[a..];
        let gt = memchr::memchr(b'>', rest)? + 1;
        let end = memmem::find(&rest[gt..], close)?;
        Some(text(&rest[gt..gt + end]).trim().to_string())
    };
    let id_of = |tag: &[u8]| -> Option<String> {
        let at = memmem::find(tag, b"id=")? + 3;
        let quote = *tag.get(at)?;
        let end = memchr::memchr(quote, &tag[at + 1..])?;
        Some(text(&tag[at + 1..at + 1 + end]))
    };
    let mut styles = Styles::default();
    let mut maps = Vec::new();
    for (open, close, is_map) in [
        (&b"<Style "[..], &b"</Style>"[..], false),
        (b"<StyleMap ", b"</StyleMap>", true),
    ] {
        for at in memmem::find_iter(b, open) {
            let rest = &b[at..];
            let Some(tag_end) = memchr::memchr(b'>', rest) else {
                continue;
            };
            let Some(id) = id_of(&rest[..tag_end]) else {
                continue;
            };
            let Some(end) = memmem::find(rest, close) else {
                continue;
            };
            let body = &rest[..end];
            if is_map {
                // The pair whose key is "normal": its style.
                for p in memmem::find_iter(body, b"<Pair") {
                    let pair = &body[p..];
                    let pair = &pair[..memmem::find(pair, b"</Pair>").unwrap_or(pair.len())];
                    if inner(pair, b"<key", b"</key>").as_deref() == Some("normal")
                        && let Some(url) = inner(pair, b"<styleUrl", b"</styleUrl>")
                    {
                        maps.push((format!("#{id}"), url));
                    }
                }
            } else if let Some(icon) = memmem::find(body, b"<IconStyle")
                && let Some(colour) = inner(&body[icon..], b"<color", b"</color>")
                && let Some(c) = kml_colour(&colour)
            {
                styles.insert(format!("#{id}"), c);
            }
        }
    }
    for (map, url) in maps {
        if let Some(c) = styles.get(&url).cloned() {
            styles.insert(map, c);
        }
    }
    styles
}

/// Placemark icon colours (category label, "#rrggbb", the first given for
/// each) as their categories' colours; the others keep the palette's.
pub fn colour_categories(categories: &mut [crate::model::Category], colours: &[(String, String)]) {
    for c in categories {
        if let Some((_, colour)) = colours.iter().find(|(l, _)| *l == c.label) {
            c.color = Some(colour.clone());
        }
    }
}

/// A time given to a Document or Folder: its placemarks with none of
/// their own have it (Google Earth 5.1's rule).
#[derive(Default, Clone)]
struct Inherited {
    when: Option<String>,
    begin: Option<String>,
    end: Option<String>,
}

/// What the reader finds, handed on as it goes: the document's name,
/// problems, and each placemark with the folders it sits in.
trait Sink {
    fn title(&mut self, title: String);
    fn problem(&mut self, offset: usize, message: String, help: &'static str);
    fn syntax(&mut self, d: Diagnostic);
    fn placemark(&mut self, p: Placemark, folder: &str);
}

/// Reads a whole KML document into a dataset, one placemark after another.
pub fn read(text: &str, name: &str) -> Import {
    struct Whole<'a> {
        import: Import,
        count: usize,
        file: &'a str,
        styles: Styles,
        /// The first icon colour of each category's placemarks.
        colours: Vec<(String, String)>,
    }
    impl Sink for Whole<'_> {
        fn title(&mut self, title: String) {
            self.import.dataset.title = title;
        }
        fn problem(&mut self, offset: usize, message: String, help: &'static str) {
            self.import.problem(Some(offset), message, help);
        }
        fn syntax(&mut self, d: Diagnostic) {
            self.import.diagnostics.push(d);
        }
        fn placemark(&mut self, p: Placemark, folder: &str) {
            let offset = p.offset;
            let id = self
                .import
                .id(p.id.as_deref(), &format!("placemark-{}", self.count + 1));
            let colour = p.colour(&self.styles);
            let made = make_event(p, id, self.count, self.file);
            for (message, help) in made.problems {
                self.import.problem(Some(offset), message, help);
            }
            let mut event = made.event;
            let label = event.category.take();
            let label = label.as_deref().unwrap_or(folder);
            event.category = self.import.category(label);
            if let Some(c) = colour
                && event.category.is_some()
                && !self.colours.iter().any(|(l, _)| l == label)
            {
                self.colours.push((label.to_string(), c));
            }
            if let Some((source, passage)) = made.words {
                self.import.dataset.sources.push(source);
                event.passages.push(passage);
            }
            self.import.push(event);
            self.count += 1;
        }
    }
    let mut whole = Whole {
        import: Import::new(name),
        count: 0,
        file: name,
        styles: icon_styles(text.as_bytes()),
        colours: Vec::new(),
    };
    walk(text, 0, &mut whole);
    let Whole {
        mut import,
        count,
        colours,
        ..
    } = whole;
    colour_categories(&mut import.dataset.categories, &colours);
    if count == 0 && import.diagnostics.is_empty() {
        let d = Diagnostic::warning(Code::EmptyValue, "this KML file has no Placemark")
            .with_help("events are read from Placemark elements")
            .at_offset(0);
        import.diagnostics.push(d);
    }
    import
}

/// Reads the KML `text` (which starts at byte `base` of its file) event by
/// event into `sink`, until its end or its first syntax error.
fn walk(text: &str, base: usize, sink: &mut impl Sink) {
    let mut reader = Reader::from_str(text);
    // Elements from the root down, and the text of the innermost.
    let mut stack: Vec<Tag> = Vec::new();
    let mut content = String::new();
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut data_name: Option<String> = None;
    let mut placemark: Option<Placemark> = None;
    // The time of each open Document and Folder, if it has one.
    let mut times: Vec<Inherited> = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                sink.syntax(
                    Diagnostic::error(Code::Syntax, format!("the KML (XML) does not read: {e}"))
                        .with_help("check that every element is closed and that & is written &amp;")
                        .at_offset(base + reader.error_position() as usize),
                );
                return;
            }
        };
        // Text is gathered only inside an element whose text is read.
        let reading = stack.last().is_some_and(|t| t.has_text());
        match event {
            Xml::Start(e) => {
                let tag = Tag::of(e.local_name().as_ref());
                content.clear();
                match tag {
                    Tag::Placemark => {
                        // Where its tag opens: the last '<' before the reader.
                        let end = (reader.buffer_position() as usize).min(text.len());
                        let offset = text.get(..end).and_then(|t| t.rfind('<')).unwrap_or(0);
                        placemark = Some(Placemark {
                            offset: base + offset,
                            id: attribute(&e, "id"),
                            ..Placemark::default()
                        })
                    }
                    Tag::Folder => {
                        folders.push(None);
                        times.push(Inherited::default());
                    }
                    Tag::Document => times.push(Inherited::default()),
                    Tag::Data | Tag::SimpleData => data_name = attribute(&e, "name"),
                    _ => {}
                }
                stack.push(tag);
            }
            Xml::Text(t) if reading => content.push_str(&t.decode().unwrap_or_default()),
            Xml::CData(t) if reading => content.push_str(&t.decode().unwrap_or_default()),
            Xml::GeneralRef(r) if reading => push_entity(&r, &mut content),
            Xml::End(_) => {
                let Some(tag) = stack.pop() else { continue };
                let parent = stack.last().copied().unwrap_or(Tag::Other);
                let value = || content.trim().to_string();
                if let Some(p) = placemark.as_mut() {
                    match (tag, parent) {
                        (Tag::Name, Tag::Placemark) => p.name = Some(value()),
                        (Tag::Description, Tag::Placemark) => p.description = Some(value()),
                        (Tag::When, Tag::TimeStamp) => p.when = Some(value()),
                        (Tag::When, Tag::Track) => p.track_when.push(value()),
                        (Tag::StyleUrl, Tag::Placemark) => p.style_url = Some(value()),
                        (Tag::Color, Tag::IconStyle) => p.icon = kml_colour(&value()),
                        (Tag::Coord, Tag::Track) => {
                            let v: Vec<f64> = content
                                .split_whitespace()
                                .filter_map(|x| x.parse().ok())
                                .collect();
                            match v.as_slice() {
                                [lon, lat, ..] if lat.abs() <= 90.0 && lon.abs() <= 180.0 => {
                                    p.track.push(Coord { x: *lon, y: *lat })
                                }
                                _ => sink.problem(
                                    p.offset,
                                    format!(
                                        "placemark \"{}\": the track point \"{}\" is not lon lat [alt]; it was left out",
                                        p.name.as_deref().unwrap_or("?"),
                                        content.trim()
                                    ),
                                    "gx:coord is longitude, latitude and altitude separated by spaces",
                                ),
                            }
                        }
                        (Tag::Track, _) => {
                            let points = std::mem::take(&mut p.track);
                            match points.len() {
                                0 => {}
                                1 => p.geometries.push(Geometry::Point(Point::from(points[0]))),
                                _ => p
                                    .geometries
                                    .push(Geometry::LineString(LineString::new(points))),
                            }
                        }
                        (Tag::Begin, Tag::TimeSpan) => p.begin = Some(value()),
                        (Tag::End, Tag::TimeSpan) => p.end = Some(value()),
                        (Tag::Value, Tag::Data) => {
                            if let Some(n) = data_name.clone() {
                                p.data.push((n, value()));
                            }
                        }
                        (Tag::SimpleData, _) => {
                            if let Some(n) = data_name.take() {
                                p.data.push((n, value()));
                            }
                        }
                        (Tag::Coordinates, _) => match coordinates(content.trim()) {
                            Ok(coords) if coords.is_empty() => sink.problem(
                                p.offset,
                                format!(
                                    "placemark \"{}\": its <coordinates> are empty; that geometry was left out",
                                    p.name.as_deref().unwrap_or("?")
                                ),
                                "KML coordinates are lon,lat[,alt] triples separated by spaces",
                            ),
                            Ok(coords) => match parent {
                                Tag::Point => p.geometries.extend(
                                    coords.first().map(|c| Geometry::Point(Point::from(*c))),
                                ),
                                Tag::LineString => p
                                    .geometries
                                    .push(Geometry::LineString(LineString::new(coords))),
                                Tag::LinearRing => p.rings.push(LineString::new(coords)),
                                _ => {}
                            },
                            Err(e) => sink.problem(
                                p.offset,
                                format!(
                                    "placemark \"{}\": {e}; that geometry was left out",
                                    p.name.as_deref().unwrap_or("?")
                                ),
                                "KML coordinates are lon,lat[,alt] triples separated by spaces",
                            ),
                        },
                        (Tag::Polygon, _) => {
                            let mut rings = std::mem::take(&mut p.rings).into_iter();
                            if let Some(outer) = rings.next() {
                                p.geometries
                                    .push(Geometry::Polygon(Polygon::new(outer, rings.collect())));
                            }
                        }
                        (Tag::Placemark, _) => {
                            let mut done = placemark.take().expect("inside a placemark");
                            // No id of its own: its ExtendedData's (event_id_cnty …).
                            if done.id.is_none() {
                                use super::record::Fields;
                                done.id = DataFields::new(&done.data)
                                    .text(super::record::Role::Id)
                                    .map(std::borrow::Cow::into_owned);
                            }
                            let own = done.when.is_some() || done.begin.is_some() || done.end.is_some();
                            if !own && !done.track_when.is_empty() {
                                // A track spans its first to its last time.
                                done.begin = done.track_when.iter().min().cloned();
                                done.end = done.track_when.iter().max().cloned();
                            } else if !own
                                && let Some(t) = times.iter().rev().find(|t| {
                                    t.when.is_some() || t.begin.is_some() || t.end.is_some()
                                })
                            {
                                done.when = t.when.clone();
                                done.begin = t.begin.clone();
                                done.end = t.end.clone();
                            }
                            let folder = folders.iter().flatten().cloned().collect::<Vec<_>>();
                            sink.placemark(done, &folder.join(" / "));
                        }
                        _ => {}
                    }
                } else if matches!(tag, Tag::When | Tag::Begin | Tag::End)
                    && stack.len() >= 2
                    && matches!(stack[stack.len() - 2], Tag::Folder | Tag::Document)
                    && let Some(t) = times.last_mut()
                {
                    match tag {
                        Tag::When if parent == Tag::TimeStamp => t.when = Some(value()),
                        Tag::Begin if parent == Tag::TimeSpan => t.begin = Some(value()),
                        Tag::End if parent == Tag::TimeSpan => t.end = Some(value()),
                        _ => {}
                    }
                } else if tag == Tag::Name && parent == Tag::Folder {
                    if let Some(f) = folders.last_mut() {
                        *f = Some(value());
                    }
                } else if tag == Tag::Name && parent == Tag::Document {
                    sink.title(value());
                } else if tag == Tag::Folder {
                    folders.pop();
                    times.pop();
                } else if tag == Tag::Document {
                    times.pop();
                }
                content.clear();
            }
            Xml::Empty(e)
                if Tag::of(e.local_name().as_ref()) == Tag::Coordinates
                    && let Some(p) = placemark.as_ref() =>
            {
                sink.problem(
                    p.offset,
                    format!(
                        "placemark \"{}\": its <coordinates/> are empty; that geometry was left out",
                        p.name.as_deref().unwrap_or("?")
                    ),
                    "KML coordinates are lon,lat[,alt] triples separated by spaces",
                );
            }
            Xml::Eof => {
                if !stack.is_empty() {
                    sink.syntax(
                        Diagnostic::error(
                            Code::Syntax,
                            format!(
                                "the KML ends with {} elements still open: the file is cut short",
                                stack.len()
                            ),
                        )
                        .with_help("the end of the file is missing; export or download it again")
                        .at_offset(base + text.len()),
                    );
                }
                return;
            }
            _ => {}
        }
    }
}

fn attribute(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// "lon,lat[,alt] lon,lat[,alt] ..." as coordinates, each checked for range.
fn coordinates(s: &str) -> Result<Vec<Coord<f64>>, String> {
    s.split_whitespace()
        .map(|tuple| {
            let mut parts = tuple.split(',');
            let mut num = |what: &str| -> Result<f64, String> {
                let raw = parts
                    .next()
                    .ok_or_else(|| format!("\"{tuple}\" has no {what}"))?;
                raw.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("the {what} \"{raw}\" is not a number"))
            };
            let (x, y) = (num("longitude")?, num("latitude")?);
            if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
                return Err(format!("the coordinates {x},{y} are out of range"));
            }
            Ok(Coord { x, y })
        })
        .collect()
}

/// A placemark as an event: its words (the description) as a source of
/// their own, and the problems found in it (each at the placemark).
struct Made {
    /// Its `category` is a label (its ExtendedData's, in the shared
    /// vocabulary), not yet an id; none when the folders name it.
    event: Event,
    words: Option<(Source, Passage)>,
    problems: Vec<(String, &'static str)>,
}

/// A placemark's `ExtendedData`, read through the vocabulary every table
/// shares (`event_date`, `event_type`, `actor1`, `notes`, `fatalities`,
/// `geo_precision` …): an ACLED or GDELT table turned into KML reads as
/// the table does.
struct DataFields<'a> {
    data: &'a [(String, String)],
    slots: super::record::Slots<usize>,
}

impl<'a> DataFields<'a> {
    fn new(data: &'a [(String, String)]) -> Self {
        let mut slots = super::record::Slots::new();
        for (i, (name, _)) in data.iter().enumerate() {
            slots.offer(name, i);
        }
        DataFields { data, slots }
    }

    /// Whether the data speak the vocabulary: a date, a kind of event,
    /// actors or words.
    fn speaks(&self) -> bool {
        use super::record::Role;
        [
            Role::Date,
            Role::Category,
            Role::Actor1,
            Role::Actors,
            Role::Text,
        ]
        .iter()
        .any(|&r| self.slots.get(r).is_some())
    }
}

impl<'a> super::record::Fields<'a> for DataFields<'a> {
    fn text(&self, role: super::record::Role) -> Option<std::borrow::Cow<'a, str>> {
        let i = self.slots.get(role)?;
        let v = self.data[i].1.trim();
        (!v.is_empty()).then_some(std::borrow::Cow::Borrowed(v))
    }
}

/// The event of placemark number `n` (from 0), given its id.
fn make_event(p: Placemark, id: String, n: usize, file: &str) -> Made {
    let title = p
        .name
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("Placemark {}", n + 1));
    let mut problems = Vec::new();
    let mut moment = |s: &Option<String>| -> Option<crate::model::Moment> {
        let s = s.as_deref()?;
        let m = super::dates::parse(s);
        if m.is_none() {
            problems.push((
                format!("placemark \"{title}\": the time \"{s}\" does not read; it was left out"),
                "KML times are dateTime (2008-08-12T01:00:00Z), date (2008-08-12), YYYY-MM or YYYY",
            ));
        }
        m
    };
    let when = if p.when.is_some() {
        moment(&p.when).map_or(When::Unknown, When::At)
    } else if p.begin.is_some() || p.end.is_some() {
        let (a, b) = (moment(&p.begin), moment(&p.end));
        if a.is_none() && b.is_none() {
            When::Unknown
        } else {
            When::Between(a, b)
        }
    } else {
        When::Unknown
    };
    let mut e = import::event(id.clone(), title.clone(), when, Some(p.offset));
    let geometry = match p.geometries.len() {
        0 => None,
        1 => p.geometries.into_iter().next(),
        _ => Some(Geometry::GeometryCollection(GeometryCollection::new_from(
            p.geometries,
        ))),
    };
    if let Some(g) = geometry {
        let (point, shape) = match &g {
            Geometry::Point(pt) => (
                Some(LatLon {
                    lat: pt.y(),
                    lon: pt.x(),
                }),
                None,
            ),
            other => (representative_point(other), Some(g.clone())),
        };
        e.location = Some(Location {
            place: None,
            point,
            precision: None,
            uncertainty_m: None,
            geometry: shape,
            note: None,
        });
    }
    let words = p.description.as_deref().and_then(|d| {
        super::record::words_of(
            &id,
            RecordText {
                text: import::plain_text(d),
                title: format!("{file}: description of \"{title}\""),
                ..RecordText::default()
            },
        )
    });
    let fields = DataFields::new(&p.data);
    if fields.speaks() {
        // Read as the table it came from; the placemark's own name, time,
        // geometry and description come first.
        let flavor = super::record::Flavor::of(&fields.slots, file, "placemark");
        let point = e.location.as_ref().and_then(|l| l.point);
        let table = flavor.event(&fields, n + 1, p.offset, &id, None, point, None);
        let mut t = table.event;
        if p.name.as_deref().is_none_or(str::is_empty) {
            e.title = t.title;
        }
        if e.when == When::Unknown {
            e.when = t.when;
            e.when_note = t.when_note.take();
        }
        if let Some(l) = e.location.as_mut()
            && let Some(tl) = &t.location
        {
            l.precision = tl.precision;
            l.uncertainty_m = tl.uncertainty_m;
            l.note = tl.note.clone();
        }
        e.category = flavor.category(&fields).map(std::borrow::Cow::into_owned);
        e.actors = t.actors;
        e.casualties = t.casualties;
        e.notes = t.notes;
        let mut words = words;
        if words.is_none()
            && let (Some(source), Some(passage)) =
                (table.sources.into_iter().next(), t.passages.pop())
        {
            words = Some((source, passage));
        }
        if let Some((_, passage)) = &words
            && let Some(c) = e.casualties.first_mut()
        {
            c.source = Some(passage.source.clone());
        }
        return Made {
            event: e,
            words,
            problems,
        };
    }
    if !p.data.is_empty() {
        e.notes = Some(
            p.data
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    Made {
        event: e,
        words,
        problems,
    }
}

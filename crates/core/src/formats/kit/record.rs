//! One vocabulary for the records of table-like files: a CSV row, a GeoJSON
//! feature's properties (and, through them, what QGIS writes when it turns
//! an ACLED export into GeoJSON). A field's name gives it a [`Role`]
//! (`event_date`, `date` and `start` are dates; `notes`, `description` and
//! `text` are the record's words; `actor1`, `actors` are actors…), matched
//! trimmed and in any case, so the same columns mean the same thing in
//! every format.
//!
//! A record is read in one of two flavours: ACLED's (its ids and
//! `event_date` say so), whose precision codes, notes and actors follow
//! ACLED's codebook, and any other table's. Each reader gives its fields
//! through [`Fields`]; the functions here decide what they mean, for the
//! packed table (what the views read, fast) and for the full event (read
//! on demand) alike, so the two always agree.

use std::borrow::Cow;

use super::dates::month_number;
use super::dates::{DateOrder, parse_in};
use super::import::{self, RecordText};
use crate::model::{
    CasualtyReport, LatLon, Location, Moment, Origin, Passage, Precision, Source, When,
};
use crate::store::{Detail, Searched};

/// What a field means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Id,
    Title,
    /// Our own `when`: the native text form, or JSON for a disputed date.
    When,
    Date,
    End,
    Lat,
    Lon,
    Category,
    Text,
    Summary,
    Url,
    Source,
    SourceScale,
    Precision,
    Uncertainty,
    Place,
    Actors,
    Actor1,
    Actor2,
    AssocActor1,
    AssocActor2,
    AllyActor1,
    AllyActor2,
    Fatalities,
    TimePrecision,
    GeoPrecision,
    SubEventType,
    Location,
    DisorderType,
    CivilianTargeting,
    Interaction,
    Country,
    Admin1,
    Admin2,
    Admin3,
    Tags,
    /// GDELT's full CAMEO event code ("0251"), its mentions and its
    /// Goldstein scale: kept in the event's notes.
    EventCode,
    Mentions,
    Goldstein,
    /// Both coordinates in one field: "19.93, 39.07", "19.93 39.07", or
    /// WKT's `POINT(39.07 19.93)` (a QGIS `WKT` or `geometry` column).
    Coordinates,
    /// Remarks on the record that are not its words (our exports' event
    /// notes, TimeMap's comments): kept as the event's notes.
    Comments,
    /// A date split into columns (GTD's `iyear`, `imonth`, `iday`; a
    /// newsroom's year, month name and day): 0 or blank for what is unknown.
    Year,
    Month,
    Day,
    /// The count of the injured (GTD's `nwound`).
    Injured,
    /// UCDP's low and high estimates of the dead, beside its best.
    DeathsLow,
    DeathsHigh,
    /// UCDP's conflict and the two sides of it, kept in the event's notes.
    Conflict,
    Dyad,
}

/// How many roles there are.
pub const ROLES: usize = 49;

impl Role {
    pub const ALL: [Role; ROLES] = [
        Role::Id,
        Role::Title,
        Role::When,
        Role::Date,
        Role::End,
        Role::Lat,
        Role::Lon,
        Role::Category,
        Role::Text,
        Role::Summary,
        Role::Url,
        Role::Source,
        Role::SourceScale,
        Role::Precision,
        Role::Uncertainty,
        Role::Place,
        Role::Actors,
        Role::Actor1,
        Role::Actor2,
        Role::AssocActor1,
        Role::AssocActor2,
        Role::AllyActor1,
        Role::AllyActor2,
        Role::Fatalities,
        Role::TimePrecision,
        Role::GeoPrecision,
        Role::SubEventType,
        Role::Location,
        Role::DisorderType,
        Role::CivilianTargeting,
        Role::Interaction,
        Role::Country,
        Role::Admin1,
        Role::Admin2,
        Role::Admin3,
        Role::Tags,
        Role::EventCode,
        Role::Mentions,
        Role::Goldstein,
        Role::Coordinates,
        Role::Comments,
        Role::Year,
        Role::Month,
        Role::Day,
        Role::Injured,
        Role::DeathsLow,
        Role::DeathsHigh,
        Role::Conflict,
        Role::Dyad,
    ];

    /// Whether only a codebook (ACLED's, UCDP's, GTD's) reads this role
    /// (elsewhere such a field is kept in the event's notes as it is).
    pub fn codebook_only(self) -> bool {
        matches!(
            self,
            Role::SourceScale
                | Role::DeathsLow
                | Role::DeathsHigh
                | Role::Conflict
                | Role::Dyad
                | Role::AssocActor1
                | Role::AssocActor2
                | Role::AllyActor1
                | Role::AllyActor2
                | Role::TimePrecision
                | Role::GeoPrecision
                | Role::SubEventType
                | Role::Location
                | Role::DisorderType
                | Role::CivilianTargeting
                | Role::Interaction
                | Role::Country
                | Role::Admin1
                | Role::Admin2
                | Role::Admin3
                | Role::Tags
        )
    }

    /// The names a field in this role goes by, lower case, the preferred first.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Role::Id => &[
                "id",
                "event_id_cnty",
                "data_id",
                "event_id",
                "uid",
                "globaleventid",
                "eventid",
                // ACLED's names cut to a Shapefile's ten letters.
                "event_id_c",
            ],
            Role::Title => &[
                "title",
                "headline",
                "name",
                "event",
                "event_name",
                "label",
                "incident:detail",
            ],
            Role::When => &["when"],
            Role::Date => &[
                "event_date",
                "date",
                "start_date",
                "start",
                "datetime",
                "time",
                "begin",
                "timestamp",
                "incident:date:start",
                "incident:date",
                "sqldate",
                "date_start",
            ],
            Role::End => &["end_date", "end", "incident:date:end", "date_end"],
            Role::Lat => &["latitude", "lat", "actiongeo_lat"],
            Role::Lon => &["longitude", "lon", "lng", "long", "actiongeo_long"],
            Role::Category => &[
                "category",
                "event_type",
                "type",
                "incident:type",
                "kind",
                "eventrootcode",
                "type_of_violence",
                "attacktype1_txt",
            ],
            Role::Text => &[
                "notes",
                "description",
                "text",
                "details",
                "quote",
                "source_article",
            ],
            Role::Summary => &["summary"],
            Role::Url => &[
                "source_url",
                "url",
                "link",
                "incident:source:url",
                "sourceurl",
            ],
            Role::Source => &["source", "source_original", "scite1"],
            Role::SourceScale => &["source_scale", "source_sca"],
            Role::Precision => &["precision", "actiongeo_type"],
            Role::Uncertainty => &["uncertainty_m"],
            Role::Place => &["place", "actiongeo_fullname", "where_coordinates", "city"],
            Role::Actors => &["actors"],
            Role::Actor1 => &["actor1", "actor1name", "side_a", "gname"],
            Role::Actor2 => &["actor2", "actor2name", "side_b"],
            Role::AssocActor1 => &["assoc_actor_1", "assoc_acto"],
            Role::AssocActor2 => &["assoc_actor_2", "assoc_ac_1"],
            Role::AllyActor1 => &["ally_actor_1"],
            Role::AllyActor2 => &["ally_actor_2"],
            Role::Fatalities => &["fatalities", "best", "nkill", "killed", "deaths"],
            Role::TimePrecision => &["time_precision", "date_prec", "time_preci"],
            Role::GeoPrecision => &["geo_precision", "where_prec", "specificity", "geo_precis"],
            Role::SubEventType => &["sub_event_type", "sub_event_"],
            Role::Location => &["location"],
            Role::DisorderType => &["disorder_type", "disorder_t"],
            Role::CivilianTargeting => &["civilian_targeting", "civilian_t"],
            Role::Interaction => &["interaction", "interactio"],
            Role::Country => &["country", "country_txt"],
            Role::Admin1 => &["admin1", "adm_1", "provstate"],
            Role::Admin2 => &["admin2", "adm_2"],
            Role::Admin3 => &["admin3"],
            Role::Tags => &["tags"],
            Role::EventCode => &["eventcode"],
            Role::Mentions => &["nummentions"],
            Role::Goldstein => &["goldsteinscale"],
            Role::Coordinates => &[
                "coordinates",
                "coords",
                "latlon",
                "lat_lon",
                "lat/lon",
                "latlng",
                "lat,lon",
                "wkt",
                "geometry",
                "the_geom",
                "geom",
                "point",
            ],
            Role::Comments => &["comments", "remarks"],
            Role::Year => &["year", "iyear", "event_year"],
            Role::Month => &["month", "imonth", "event_month"],
            Role::Day => &["day", "iday", "event_day"],
            Role::Injured => &["injured", "nwound", "wounded"],
            Role::DeathsLow => &["low", "deaths_low"],
            Role::DeathsHigh => &["high", "deaths_high"],
            Role::Conflict => &["conflict_name"],
            Role::Dyad => &["dyad_name"],
        }
    }

    /// The role of a field's name (matched trimmed, in any case), with its
    /// rank among the names of that role (0 is the preferred).
    pub fn of(name: &str) -> Option<(Role, u8)> {
        let lower;
        let name = name.trim();
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = name.to_ascii_lowercase();
            lower.as_str()
        } else {
            name
        };
        Role::ALL
            .iter()
            .find_map(|&r| {
                r.names()
                    .iter()
                    .position(|n| *n == name)
                    .map(|rank| (r, rank as u8))
            })
            .or_else(|| {
                // A coordinates column named with a qualifier ("Estimated
                // Coordinates", "event_coords"): after every plain name.
                let last = name
                    .rsplit(|c: char| c.is_whitespace() || c == '_' || c == '-')
                    .next()
                    .unwrap_or("");
                (last != name && ["coordinates", "coords"].contains(&last)).then(|| {
                    (
                        Role::Coordinates,
                        (Role::Coordinates.names().len() - 1) as u8,
                    )
                })
            })
    }
}

/// Which field fills each role: for each role the best-ranked field; and
/// where a record keeps its further passages.
#[derive(Debug, Clone)]
pub struct Slots<T> {
    slots: [Option<(u8, T)>; ROLES],
    /// The fields of passage 2, 3 …: its words, its source's name, its URL.
    more: Vec<[Option<T>; 3]>,
}

/// The most passages one record carries (`quote_2` … `quote_100`).
const MORE_WORDS: usize = 100;

/// Which part of a further passage a field named `name` holds, and the
/// passage's number: our exports write an event's second and later
/// passages as `quote_2`, `source_2`, `source_url_2` … (`notes_2` is read
/// as `quote_2`).
pub fn more_words_field(name: &str) -> Option<(usize, usize)> {
    let (stem, k) = name.trim().rsplit_once('_')?;
    let k: usize = k.parse().ok().filter(|k| (2..=MORE_WORDS).contains(k))?;
    let part = ["quote", "source", "source_url", "notes"]
        .iter()
        .position(|p| stem.eq_ignore_ascii_case(p))?;
    Some((k, part % 3))
}

/// A further passage of a record: its words, its source's name and URL.
#[derive(Debug, Clone, PartialEq)]
pub struct MoreWords<'r> {
    pub text: Cow<'r, str>,
    pub source: Option<Cow<'r, str>>,
    pub url: Option<Cow<'r, str>>,
}

impl<T: Copy> Slots<T> {
    pub fn new() -> Self {
        Slots {
            slots: [None; ROLES],
            more: Vec::new(),
        }
    }

    /// Offers `value` (a column index, a property) for the field `name`:
    /// it fills the role if no better-named field has.
    pub fn offer(&mut self, name: &str, value: T) -> Option<Role> {
        let Some((role, rank)) = Role::of(name) else {
            if name.ends_with(|c: char| c.is_ascii_digit())
                && let Some((k, part)) = more_words_field(name)
            {
                if self.more.len() < k - 1 {
                    self.more.resize(k - 1, [None; 3]);
                }
                self.more[k - 2][part].get_or_insert(value);
            }
            return None;
        };
        let slot = &mut self.slots[role as usize];
        if slot.is_none_or(|(r, _)| rank < r) {
            *slot = Some((rank, value));
        }
        Some(role)
    }

    pub fn get(&self, role: Role) -> Option<T> {
        self.slots[role as usize].map(|(_, v)| v)
    }

    /// The name of the field that fills `role`, as the vocabulary spells it.
    pub fn name(&self, role: Role) -> Option<&'static str> {
        self.slots[role as usize].map(|(rank, _)| role.names()[usize::from(rank)])
    }

    /// The record's further passages, in order, each field read by `get`
    /// (none without words).
    pub fn more_words<'r>(&self, get: impl Fn(T) -> Option<Cow<'r, str>>) -> Vec<MoreWords<'r>> {
        self.more
            .iter()
            .filter_map(|[text, source, url]| {
                Some(MoreWords {
                    text: text.and_then(&get)?,
                    source: source.and_then(&get),
                    url: url.and_then(&get),
                })
            })
            .collect()
    }

    /// Whether the fields are a GDELT event table's: its event ids and dates.
    pub fn is_gdelt(&self) -> bool {
        self.name(Role::Id) == Some("globaleventid") && self.name(Role::Date) == Some("sqldate")
    }

    /// Whether the fields are an ACLED export's: its event ids and dates.
    pub fn is_acled(&self) -> bool {
        matches!(
            self.name(Role::Id),
            Some("event_id_cnty" | "data_id" | "event_id_c")
        ) && self.name(Role::Date) == Some("event_date")
    }

    /// The codebook the fields' names say the records follow.
    pub fn codebook(&self) -> Codebook {
        if self.is_acled() {
            Codebook::Acled
        } else if self.is_gdelt() {
            Codebook::Gdelt
        } else if self.name(Role::Category) == Some("type_of_violence")
            && self.name(Role::Date) == Some("date_start")
        {
            Codebook::Ucdp
        } else if self.name(Role::Id) == Some("eventid") && self.name(Role::Year) == Some("iyear") {
            Codebook::Gtd
        } else {
            Codebook::Other
        }
    }
}

/// Whose rules a file's records follow: a conflict data set's codebook
/// (its codes for precision, categories and counts), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codebook {
    /// ACLED's exports (and QGIS's GeoJSON of them).
    Acled,
    /// GDELT's event tables: CAMEO categories, its geo types.
    Gdelt,
    /// UCDP's Georeferenced Event Dataset: `type_of_violence`, `side_a` and
    /// `side_b`, deaths as best/low/high, `where_prec`, `source_article`.
    Ucdp,
    /// The Global Terrorism Database: dates split in `iyear`, `imonth`,
    /// `iday`, `attacktype1_txt`, `gname`, `summary`, `nkill`, `nwound`.
    Gtd,
    /// Any other table.
    Other,
}

impl Codebook {
    /// What a file following it is, for the data set's description.
    pub fn describe(self) -> &'static str {
        match self {
            Codebook::Acled => "an ACLED export",
            Codebook::Gdelt => "a GDELT event table",
            Codebook::Ucdp => "a UCDP GED table",
            Codebook::Gtd => "a Global Terrorism Database table",
            Codebook::Other => "a table",
        }
    }
}

impl<T: Copy> Default for Slots<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A record's fields, by role, however the file keeps them.
pub trait Fields<'r> {
    /// The field in `role`: its text trimmed (a number written out), an
    /// empty one as none.
    fn text(&self, role: Role) -> Option<Cow<'r, str>>;

    /// The field in `role` as a list (a JSON array of texts, or the text
    /// split at `;`), added to `out`.
    fn list_into(&self, role: Role, out: &mut Vec<Cow<'r, str>>) {
        split_into(self.text(role), out);
    }

    /// Fields no role reads, as `name: value` lines for the event's notes.
    fn unread(&self) -> Vec<String> {
        Vec::new()
    }

    /// The record's further passages (our exports' `quote_2` …).
    fn more_words(&self) -> Vec<MoreWords<'r>> {
        Vec::new()
    }
}

/// A text's items between `;`s, trimmed, added to `out` (none when empty).
pub fn split_into<'r>(text: Option<Cow<'r, str>>, out: &mut Vec<Cow<'r, str>>) {
    fn split(s: &str) -> impl Iterator<Item = &str> {
        s.split(';').map(str::trim).filter(|a| !a.is_empty())
    }
    match text {
        None => {}
        Some(Cow::Borrowed(s)) => out.extend(split(s).map(Cow::Borrowed)),
        Some(Cow::Owned(s)) => out.extend(split(&s).map(|a| Cow::Owned(a.to_string()))),
    }
}

/// How to read a file's records.
#[derive(Debug, Clone)]
pub struct Flavor {
    /// The codebook that applies.
    pub codebook: Codebook,
    /// The file's name, as sources made from records name it.
    pub file: String,
    /// What a record is called in messages: "row", "feature".
    pub record: &'static str,
    /// How numeric dates (30/04/2019, 4/30/2019) are read: decided from
    /// the whole column ([`OrderEvidence`]).
    pub date_order: DateOrder,
}

/// A problem with one record: what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub help: &'static str,
}

/// The note on an ACLED date known only to the week or the month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DateNote {
    None,
    Week(jiff::civil::Date),
    Month(jiff::civil::Date),
}

impl DateNote {
    pub fn text(self) -> Option<String> {
        match self {
            DateNote::None => None,
            DateNote::Week(d) => Some(format!(
                "ACLED time precision 2: the source gives only the week; ACLED coded {d}."
            )),
            DateNote::Month(d) => Some(format!(
                "ACLED time precision 3: the source gives only the month; ACLED coded {d}."
            )),
        }
    }
}

impl Flavor {
    /// Whether ACLED's codebook applies.
    pub fn acled(&self) -> bool {
        self.codebook == Codebook::Acled
    }

    /// Whether GDELT's codebook applies.
    pub fn gdelt(&self) -> bool {
        self.codebook == Codebook::Gdelt
    }

    /// The flavour the fields' names give (ACLED's or GDELT's codebook, or
    /// any table's), for records called `record` in file `file`; numeric
    /// dates day first until a column says otherwise.
    pub fn of<T: Copy>(slots: &Slots<T>, file: &str, record: &'static str) -> Flavor {
        Flavor {
            codebook: slots.codebook(),
            file: file.to_string(),
            record,
            date_order: DateOrder::default(),
        }
    }

    /// The record's date: a `when` in our text form, or a date (and an end),
    /// at ACLED's precision in an ACLED file. A date that does not read
    /// leaves the event undated, with a problem; `n` numbers the record
    /// ("row 7").
    pub fn when<'r>(&self, f: &impl Fields<'r>, n: usize) -> (When, DateNote, Option<Problem>) {
        let who = || format!("{} {n}", self.record);
        if let Some(w) = f.text(Role::When) {
            return match read_when(&w) {
                Ok(w) => (w, DateNote::None, None),
                Err(e) => (
                    When::Unknown,
                    DateNote::None,
                    Some(Problem {
                        message: format!(
                            "{}: the date \"{w}\" does not read ({e}); the event is kept without a date",
                            who()
                        ),
                        help: "write dates as 2024-03-22, 2024-03, 2024, or 2024-03-22T20:00+03:00",
                    }),
                ),
            };
        }
        let Some(d) = f.text(Role::Date) else {
            return match split_date(f) {
                Ok(Some(m)) => (When::At(m), DateNote::None, None),
                Ok(None) => (When::Unknown, DateNote::None, None),
                Err(what) => (
                    When::Unknown,
                    DateNote::None,
                    Some(Problem {
                        message: format!("{}: {what}; the event is kept without a date", who()),
                        help: "give the year as a number (2016), the month as a number or a name (3, March, Mar) and the day as a number; 0 or blank for what is not known",
                    }),
                ),
            };
        };
        let ucdp = self.codebook == Codebook::Ucdp;
        let day = |s: Cow<'r, str>| if ucdp { midnight_as_day(s) } else { s };
        let d = day(d);
        let Some(start) = parse_in(&d, self.date_order) else {
            return (
                When::Unknown,
                DateNote::None,
                Some(Problem {
                    message: format!(
                        "{}: the date \"{d}\" does not read; the event is kept without a date",
                        who()
                    ),
                    help: "write dates as 2024-03-22, 01 November 2024 or 9-May-20",
                }),
            );
        };
        if self.acled() {
            return acled_when(start, f.text(Role::TimePrecision).as_deref());
        }
        let when = match f
            .text(Role::End)
            .and_then(|e| parse_in(&day(e), self.date_order))
        {
            // UCDP gives an end to every event, most the day it starts.
            Some(end) if end == start => When::At(start),
            Some(end) => When::Between(Some(start), Some(end)),
            None => When::At(start),
        };
        (when, DateNote::None, None)
    }

    /// The record's title: its own, or ACLED's kind of event and place, or
    /// its number ("Row 7"), written into `out`.
    pub fn title_into<'r>(&self, f: &impl Fields<'r>, n: usize, out: &mut String) {
        use std::fmt::Write;
        out.clear();
        if let Some(t) = f.text(Role::Title) {
            out.push_str(&t);
            return;
        }
        if self.gdelt() {
            // "Protest: POLICE – PROTESTER"; the place is the event's own.
            out.push_str(self.category(f).as_deref().unwrap_or("Event"));
            let actors: Vec<_> = [Role::Actor1, Role::Actor2]
                .iter()
                .filter_map(|&r| f.text(r))
                .collect();
            if !actors.is_empty() {
                out.push_str(": ");
                out.push_str(&actors.join(" – "));
            }
            return;
        }
        // A codebook's kind of event (UCDP's dyad) and its place.
        let (what, place) = match self.codebook {
            Codebook::Acled => (
                f.text(Role::SubEventType).or(f.text(Role::Category)),
                Role::Location,
            ),
            Codebook::Ucdp => (f.text(Role::Dyad).or(self.category(f)), Role::Place),
            Codebook::Gtd => (self.category(f), Role::Place),
            Codebook::Gdelt | Codebook::Other => {
                let mut name = self.record.chars();
                if let Some(first) = name.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(name.as_str());
                }
                let _ = write!(out, " {n}");
                return;
            }
        };
        out.push_str(what.as_deref().unwrap_or("Event"));
        if let Some(place) = f.text(place) {
            out.push_str(": ");
            out.push_str(&place);
        }
    }

    /// The record's title (see [`Flavor::title_into`]).
    pub fn title<'r>(&self, f: &impl Fields<'r>, n: usize) -> String {
        let mut out = String::new();
        self.title_into(f, n, &mut out);
        out
    }

    /// The record's category label: its own, or the name of GDELT's CAMEO
    /// root code ("14" → "Protest").
    pub fn category<'r>(&self, f: &impl Fields<'r>) -> Option<Cow<'r, str>> {
        let label = f.text(Role::Category)?;
        if self.codebook == Codebook::Ucdp {
            let name = match label.as_ref() {
                "1" => "State-based conflict",
                "2" => "Non-state conflict",
                "3" => "One-sided violence",
                _ => return Some(label),
            };
            return Some(Cow::Borrowed(name));
        }
        if self.gdelt()
            && let Some(name) = super::gdelt::cameo_root(&label)
        {
            return Some(Cow::Borrowed(name));
        }
        Some(label)
    }

    /// How precisely the record is placed, and within what radius.
    pub fn precision<'r>(&self, f: &impl Fields<'r>) -> (Option<Precision>, Option<f64>) {
        if self.gdelt() {
            let p = f.text(Role::Precision);
            return (p.and_then(|p| super::gdelt::precision(&p)), None);
        }
        let code = || f.text(Role::GeoPrecision);
        if self.acled() {
            acled_precision(code().as_deref())
        } else if self.codebook == Codebook::Ucdp {
            ucdp_precision(code().as_deref())
        } else if self.codebook == Codebook::Gtd {
            gtd_precision(code().as_deref())
        } else {
            (
                f.text(Role::Precision).and_then(|p| Precision::parse(&p)),
                f.text(Role::Uncertainty).and_then(|u| u.parse().ok()),
            )
        }
    }

    /// The record's actors.
    pub fn actors<'r>(&self, f: &impl Fields<'r>) -> Vec<Cow<'r, str>> {
        let roles: &[Role] = if self.acled() {
            &[
                Role::Actor1,
                Role::AssocActor1,
                Role::AllyActor1,
                Role::Actor2,
                Role::AssocActor2,
                Role::AllyActor2,
            ]
        } else {
            &[Role::Actor1, Role::Actor2, Role::Actors]
        };
        let mut out = Vec::new();
        for &r in roles {
            f.list_into(r, &mut out);
        }
        out
    }

    /// The record's own words: ACLED's notes, UCDP's source article, GTD's
    /// summary, or its text.
    pub fn words<'r>(&self, f: &impl Fields<'r>) -> Option<Cow<'r, str>> {
        match self.codebook {
            Codebook::Gtd => f.text(Role::Text).or_else(|| f.text(Role::Summary)),
            _ => f.text(Role::Text),
        }
    }

    /// The record's further passages (our exports' `quote_2`, `source_2`,
    /// `source_url_2` …): none in ACLED's or GDELT's codebook.
    pub fn more_words<'r>(&self, f: &impl Fields<'r>) -> Vec<MoreWords<'r>> {
        if self.acled() || self.gdelt() {
            return Vec::new();
        }
        let mut more = f.more_words();
        more.retain(|m| self.has_words(&m.text));
        more
    }

    /// How many passages the record gives (its words, and its further
    /// passages), as [`Flavor::event`] reads them.
    pub fn passages<'r>(&self, f: &impl Fields<'r>) -> u32 {
        let first = self.words(f).is_some_and(|w| self.has_words(&w));
        u32::from(first) + self.more_words(f).len() as u32
    }

    /// Whether a record's text leaves words once read as this flavour reads
    /// it (HTML as plain text outside ACLED).
    pub fn has_words(&self, text: &str) -> bool {
        self.acled() || !text.contains(['<', '&']) || !import::plain_text(text).trim().is_empty()
    }

    /// The count of the dead (ACLED's fatalities, UCDP's best estimate,
    /// GTD's `nkill`), when it is one; a problem when a codebook's is not a
    /// number (another table's is left out).
    pub fn fatalities<'r>(&self, f: &impl Fields<'r>, n: usize) -> Result<Option<u64>, Problem> {
        let Some(raw) = f.text(Role::Fatalities) else {
            return Ok(None);
        };
        match count(&raw) {
            Some(k) => Ok(Some(k)),
            None if self.codebook == Codebook::Other => Ok(None),
            None => Err(Problem {
                message: format!(
                    "{} {n}: the count of the dead \"{raw}\" is not a whole number; left out",
                    self.record
                ),
                help: "the count of the dead is a whole number, like 0 or 12",
            }),
        }
    }

    /// What the record counts of the dead and the injured, as its
    /// codebook means it; none when it counts neither.
    fn casualties<'r>(
        &self,
        f: &impl Fields<'r>,
        n: usize,
        source: Option<String>,
    ) -> Option<CasualtyReport> {
        let killed = self.fatalities(f, n).ok().flatten();
        let injured = f.text(Role::Injured).and_then(|v| count(&v));
        if killed.is_none() && injured.is_none() {
            return None;
        }
        let note = match self.codebook {
            Codebook::Acled => Some("ACLED's fatality count: a conservative estimate".to_string()),
            Codebook::Ucdp => {
                let bound = |r| f.text(r).and_then(|v| count(&v));
                Some(match (bound(Role::DeathsLow), bound(Role::DeathsHigh)) {
                    (Some(low), Some(high)) => {
                        format!("UCDP's best estimate of the dead, between {low} and {high}")
                    }
                    _ => "UCDP's best estimate of the dead".to_string(),
                })
            }
            Codebook::Gtd => Some(
                "GTD's counts: the dead (nkill) and the injured (nwound), perpetrators included"
                    .to_string(),
            ),
            Codebook::Gdelt | Codebook::Other => None,
        };
        Some(CasualtyReport {
            killed,
            injured,
            as_of: None,
            source,
            note,
        })
    }

    /// The record in full: its event (with `id`, its category's id, its
    /// point and shape), and its words as a source of their own. `n` is its
    /// number in the file (the row, the feature).
    #[allow(clippy::too_many_arguments)]
    pub fn event<'r>(
        &self,
        f: &impl Fields<'r>,
        n: usize,
        offset: usize,
        id: &str,
        category: Option<String>,
        point: Option<LatLon>,
        geometry: Option<geo::Geometry<f64>>,
    ) -> Detail {
        let (when, note, _) = self.when(f, n);
        let mut e = import::event(id.to_string(), self.title(f, n), when, Some(offset));
        e.when_note = note.text();
        e.category = category;
        e.summary = self.summary(f).map(Cow::into_owned);
        let (precision, uncertainty_m) = self.precision(f);
        e.location = point.map(|point| Location {
            place: None,
            point: Some(point),
            precision,
            uncertainty_m,
            geometry,
            note: self.place_note(f),
        });
        e.actors = self.actors(f).into_iter().map(Cow::into_owned).collect();
        let mut sources = Vec::new();
        let url = self.url(f);
        if let Some(text) = self.words(f) {
            let words = if self.acled() {
                let source = f.text(Role::Source);
                RecordText {
                    text: text.into_owned(),
                    title: format!("ACLED notes on event {id}"),
                    publisher: Some("ACLED".into()),
                    note: source.map(|s| match f.text(Role::SourceScale) {
                        Some(scale) => format!("ACLED's summary. Original source: {s} ({scale})."),
                        None => format!("ACLED's summary. Original source: {s}."),
                    }),
                    ..RecordText::default()
                }
            } else {
                RecordText {
                    text: import::plain_text(&text),
                    title: self.words_source(f, n, url.clone(), None),
                    url: url.clone().map(Cow::into_owned),
                    ..RecordText::default()
                }
            };
            if let Some((source, passage)) = words_of(id, words) {
                sources.push(source);
                e.passages.push(passage);
            }
        }
        for (k, m) in self.more_words(f).into_iter().enumerate() {
            let url = m
                .url
                .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
            let words = RecordText {
                text: import::plain_text(&m.text),
                title: self.words_source(f, n, m.source.or(url.clone()), Some(k)),
                url: url.map(Cow::into_owned),
                ..RecordText::default()
            };
            if let Some((source, passage)) = words_as(format!("{id}-text-{}", k + 2), words) {
                sources.push(source);
                e.passages.push(passage);
            }
        }
        let source = e.passages.first().map(|p| p.source.clone());
        e.casualties.extend(self.casualties(f, n, source));
        e.notes = self.notes(f, url.as_deref());
        Detail {
            event: e,
            sources,
            places: Vec::new(),
        }
    }

    /// Words only the record gives its event's summary (none in ACLED's
    /// codebook: its notes are the event's words).
    fn summary<'r>(&self, f: &impl Fields<'r>) -> Option<Cow<'r, str>> {
        f.text(Role::Summary)
            .filter(|_| !matches!(self.codebook, Codebook::Acled | Codebook::Gtd))
    }

    /// The note on the event's location: the place the record names.
    fn place_note<'r>(&self, f: &impl Fields<'r>) -> Option<String> {
        let place = if self.acled() {
            Role::Location
        } else {
            Role::Place
        };
        f.text(place).map(|p| format!("Place: {p}"))
    }

    /// The record's web address (http or https only).
    fn url<'r>(&self, f: &impl Fields<'r>) -> Option<Cow<'r, str>> {
        f.text(Role::Url)
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
    }

    /// The title of the source the record's words (`more`: its further
    /// passage `more + 2`) are kept as, outside ACLED: the source named,
    /// else its address, else the record's place in the file.
    fn words_source<'r>(
        &self,
        f: &impl Fields<'r>,
        n: usize,
        named: Option<Cow<'r, str>>,
        more: Option<usize>,
    ) -> String {
        let named = match more {
            None => f.text(Role::Source).or(named),
            Some(_) => named,
        };
        named.map_or_else(
            || match more {
                None => format!("{}, {} {n}", self.file, self.record),
                Some(k) => format!("{}, {} {n}, passage {}", self.file, self.record, k + 2),
            },
            Cow::into_owned,
        )
    }

    /// The event's notes: the record's address when it has no words of its
    /// own, its comments, and the fields no role reads as `name: value`
    /// lines (ACLED's and GDELT's codes).
    fn notes<'r>(&self, f: &impl Fields<'r>, url: Option<&str>) -> Option<String> {
        let mut notes = String::new();
        self.notes_into(f, url, &mut notes);
        (!notes.is_empty()).then_some(notes)
    }

    /// [`Flavor::notes`], its lines each added to `out` (none: nothing added).
    fn notes_into<'r>(&self, f: &impl Fields<'r>, url: Option<&str>, out: &mut String) {
        let start = out.len();
        let mut line = |name: &str, value: &str| {
            if out.len() > start {
                out.push('\n');
            }
            if !name.is_empty() {
                out.push_str(name);
                out.push_str(": ");
            }
            out.push_str(value);
        };
        if let Some(u) = url.filter(|_| self.words(f).is_none()) {
            line("Source", u);
        }
        if let Some(c) = f.text(Role::Comments) {
            line("", &c);
        }
        if self.acled() {
            for r in ACLED_DETAILS {
                if let Some(v) = f.text(r) {
                    line(r.names()[0], &v);
                }
            }
        } else if let Some(details) = self.details() {
            for &(r, what) in details {
                if let Some(v) = f.text(r) {
                    line(what, &v);
                }
            }
        } else if self.gdelt() {
            for (r, what) in [
                (Role::EventCode, "CAMEO event code"),
                (Role::Mentions, "Mentions"),
                (Role::Goldstein, "Goldstein scale"),
            ] {
                if let Some(v) = f.text(r) {
                    line(what, &v);
                }
            }
        } else {
            for u in f.unread() {
                line("", &u);
            }
        }
    }

    /// The words this flavour writes into an event's searched text itself,
    /// beside the record's own (the title's fallback, the notes' labels),
    /// folded, when it knows them all: ACLED's, for an event dated to a day
    /// (others carry a note on their date, with a date written out). A
    /// word of a search that is in none of them can only come from the
    /// record's fields, so a record whose bytes lack it is passed over
    /// unread. `None` for the other flavours (their titles number rows,
    /// their notes name columns).
    pub fn generated(&self) -> Option<Vec<String>> {
        if !self.acled() {
            return None;
        }
        let week = DateNote::Week(jiff::civil::Date::ZERO).text();
        let month = DateNote::Month(jiff::civil::Date::ZERO).text();
        let mut words: Vec<String> = ["Event", "Place", "Source"]
            .into_iter()
            .chain(ACLED_DETAILS.iter().map(|r| r.names()[0]))
            .chain(week.iter().chain(&month).map(String::as_str))
            .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_ascii_lowercase)
            .collect();
        words.sort();
        words.dedup();
        Some(words)
    }

    /// What the event [`Flavor::event`] makes of the record is searched by
    /// (see [`Searched`]), added to `out` without making the event: no
    /// source, passage or anchoring is built, only their words. `placed`:
    /// the record has a point (its place is then named in the event's
    /// location). A test holds it to the event's own.
    pub fn searched<'r>(&self, f: &impl Fields<'r>, n: usize, placed: bool, out: &mut Searched) {
        self.title_into(f, n, &mut out.text);
        out.text.push('\n');
        if let Some(s) = self.summary(f) {
            out.line(&s);
        }
        for a in self.actors(f) {
            out.line(&a);
        }
        if placed && let Some(p) = self.place_note(f) {
            out.line(&p);
        }
        let url = self.url(f);
        if let Some(text) = self.words(f) {
            let quote = if self.acled() {
                text
            } else {
                Cow::Owned(import::plain_text(&text))
            };
            let quote = quote.trim();
            if !quote.is_empty() {
                out.line(quote);
                if self.acled() {
                    out.sources.push("ACLED".to_string());
                } else {
                    out.sources.push(self.words_source(f, n, url.clone(), None));
                }
            }
        }
        for (k, m) in self.more_words(f).into_iter().enumerate() {
            let quote = import::plain_text(&m.text);
            let quote = quote.trim();
            if !quote.is_empty() {
                out.line(quote);
                let url = m
                    .url
                    .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
                let name = self.words_source(f, n, m.source.or(url), Some(k));
                if !out.sources.contains(&name) {
                    out.sources.push(name);
                }
            }
        }
        let before = out.text.len();
        self.notes_into(f, url.as_deref(), &mut out.text);
        if out.text.len() > before {
            out.text.push('\n');
        }
        if let Some(note) = self.when(f, n).1.text() {
            out.line(&note);
        }
    }
}

impl Flavor {
    /// The fields a UCDP or GTD record keeps in its event's notes, with
    /// the names its codebook gives them.
    fn details(&self) -> Option<&'static [(Role, &'static str)]> {
        match self.codebook {
            Codebook::Ucdp => Some(&[
                (Role::Conflict, "conflict_name"),
                (Role::Dyad, "dyad_name"),
                (Role::Country, "country"),
                (Role::Admin1, "adm_1"),
                (Role::Admin2, "adm_2"),
                (Role::TimePrecision, "date_prec"),
                (Role::GeoPrecision, "where_prec"),
            ]),
            Codebook::Gtd => Some(&[
                (Role::Country, "country_txt"),
                (Role::Admin1, "provstate"),
                (Role::GeoPrecision, "specificity"),
            ]),
            _ => None,
        }
    }
}

/// A count as tables write it: `12`, or `12.0` as a spreadsheet does.
fn count(s: &str) -> Option<u64> {
    let s = s.trim();
    s.parse::<u64>().ok().or_else(|| {
        let v: f64 = s.parse().ok()?;
        (v >= 0.0 && v.fract() == 0.0 && v < 1e15).then_some(v as u64)
    })
}

/// A UCDP date, written with a midnight time (`2009-02-20T00:00:00`,
/// `2009-02-20 00:00:00.000`), as the day it means.
fn midnight_as_day(s: Cow<'_, str>) -> Cow<'_, str> {
    let b = s.as_bytes();
    let midnight = b.len() > 10
        && matches!(b[10], b'T' | b' ')
        && s[11..]
            .trim_end_matches('Z')
            .bytes()
            .all(|c| matches!(c, b'0' | b':' | b'.'));
    match s {
        Cow::Borrowed(x) if midnight => Cow::Borrowed(&x[..10]),
        Cow::Owned(x) if midnight => Cow::Owned(x[..10].to_string()),
        other => other,
    }
}

/// A date split into year, month and day fields: a day, or only its month
/// or year when the finer part is 0 or blank (GTD's unknowns); none
/// without a year; what does not read, said.
fn split_date<'r>(f: &impl Fields<'r>) -> Result<Option<Moment>, String> {
    let Some(y) = f.text(Role::Year) else {
        return Ok(None);
    };
    let year = count(&y)
        .and_then(|y| i16::try_from(y).ok())
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| format!("the year \"{y}\" is not a year"))?;
    let month = match f.text(Role::Month) {
        None => 0,
        Some(m) => month_number(&m).ok_or_else(|| format!("the month \"{m}\" is not a month"))?,
    };
    if month == 0 {
        return Ok(Some(Moment::Year(year)));
    }
    let day = match f.text(Role::Day) {
        None => 0,
        Some(d) => count(&d)
            .filter(|d| *d <= 31)
            .ok_or_else(|| format!("the day \"{d}\" is not a day of the month"))?
            as i8,
    };
    if day == 0 {
        return Ok(Some(Moment::Month { year, month }));
    }
    jiff::civil::Date::new(year, month, day)
        .map(|d| Some(Moment::Day(d)))
        .map_err(|_| format!("{year}-{month:02}-{day:02} is not a day of the calendar"))
}

/// UCDP's `where_prec`: 1, the place itself; 2, within 25 km of it; 3, a
/// second-order division; 4, a first-order one; 5, a stretch between
/// such; 6, only the country; 7, waters or airspace.
fn ucdp_precision(p: Option<&str>) -> (Option<Precision>, Option<f64>) {
    match p {
        Some("1") => (Some(Precision::Town), None),
        Some("2") => (Some(Precision::District), Some(25_000.0)),
        Some("3") => (Some(Precision::Region), Some(50_000.0)),
        Some("4" | "5") => (Some(Precision::Region), Some(100_000.0)),
        Some("6" | "7") => (Some(Precision::Country), None),
        _ => (None, None),
    }
}

/// GTD's `specificity`: 1, the town itself; 2, the centroid of the
/// smallest division known; 3 and 4, of a larger one; 5, no place known
/// but a country.
fn gtd_precision(p: Option<&str>) -> (Option<Precision>, Option<f64>) {
    match p {
        Some("1") => (Some(Precision::Town), None),
        Some("2") => (Some(Precision::District), Some(25_000.0)),
        Some("3" | "4") => (Some(Precision::Region), Some(100_000.0)),
        Some("5") => (Some(Precision::Country), None),
        _ => (None, None),
    }
}

/// The fields of an ACLED record kept in its event's notes, as
/// `name: value` lines.
const ACLED_DETAILS: [Role; 12] = [
    Role::DisorderType,
    Role::SubEventType,
    Role::CivilianTargeting,
    Role::Interaction,
    Role::Country,
    Role::Admin1,
    Role::Admin2,
    Role::Admin3,
    Role::Location,
    Role::Tags,
    Role::Source,
    Role::SourceScale,
];

/// A record's own words as a source of their own, and the passage that
/// quotes them all, found in it; `None` for words that are only blanks.
pub fn words_of(event_id: &str, words: RecordText) -> Option<(Source, Passage)> {
    words_as(format!("{event_id}-text"), words)
}

/// [`words_of`], the source given its id.
fn words_as(id: String, words: RecordText) -> Option<(Source, Passage)> {
    let text = words.text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    let anchoring = crate::evidence::anchor(
        &text,
        &crate::evidence::Quote {
            exact: &text,
            ..Default::default()
        },
    );
    let source = Source {
        id: id.clone(),
        title: words.title,
        author: words.author,
        publisher: words.publisher,
        published: None,
        url: words.url,
        text_file: None,
        text: Some(text.clone()),
        note: words.note,
        sha256: None,
        added: None,
        reliability: None,
        loaded_text: None,
        origin: Origin::default(),
    };
    let passage = Passage {
        id: None,
        source: id,
        quote: text,
        prefix: None,
        suffix: None,
        start: None,
        end: None,
        note: None,
        credibility: None,
        anchoring,
        origin: Origin::default(),
    };
    Some((source, passage))
}

/// Both coordinates from one field: a WKT point (`POINT(lon lat)`, with an
/// optional `SRID=4326;` and `Z`), else two numbers, latitude first,
/// separated by a comma, a semicolon or blanks ("19.93, 39.07", "19.93 39.07").
pub fn parse_coordinates(s: &str) -> Result<LatLon, String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    let wkt = upper
        .strip_prefix("SRID=4326;")
        .unwrap_or(&upper)
        .trim_start();
    let (numbers, lon_first) = if let Some(rest) = wkt.strip_prefix("POINT") {
        let inner = rest
            .trim_start()
            .trim_start_matches(['Z', 'M'])
            .trim()
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| format!("\"{t}\" are not a WKT point: write POINT(lon lat)"))?;
        (inner.to_string(), true)
    } else if wkt.starts_with(|c: char| c.is_ascii_alphabetic()) {
        let kind: String = wkt.chars().take_while(char::is_ascii_alphabetic).collect();
        return Err(format!(
            "are a WKT {kind}: only points are read from a coordinates column (open lines and shapes as GeoJSON or KML)"
        ));
    } else {
        (t.to_string(), false)
    };
    let values: Vec<f64> = numbers
        .split([',', ';', ' ', '\t'])
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("\"{t}\" are not two numbers"))?;
    let (lat, lon) = match (values.as_slice(), lon_first) {
        ([lon, lat, ..], true) if values.len() <= 4 => (*lat, *lon),
        ([lat, lon], false) => (*lat, *lon),
        _ => return Err(format!("\"{t}\" are not a latitude and a longitude")),
    };
    if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
        return Err(format!(
            "\"{t}\" are off the globe (latitude −90..90, longitude −180..180)"
        ));
    }
    Ok(LatLon { lat, lon })
}

/// Our own `when`: the native text form, or its JSON for a disputed date.
fn read_when(s: &str) -> Result<When, String> {
    if s.starts_with('{') {
        return super::native::when_from_json(s);
    }
    When::parse(s, Some(&jiff::tz::TimeZone::UTC)).map_err(|e| e.message)
}

/// ACLED's `time_precision`: 1, the day is known; 2, only the week (ACLED
/// codes a day of it); 3, only the month. Never more precise than that.
fn acled_when(day: Moment, precision: Option<&str>) -> (When, DateNote, Option<Problem>) {
    let Moment::Day(d) = day else {
        return (When::At(day), DateNote::None, None);
    };
    let (when, note) = match precision {
        Some("2") => {
            let a = d.checked_sub(jiff::ToSpan::days(3)).unwrap_or(d);
            let b = d.checked_add(jiff::ToSpan::days(3)).unwrap_or(d);
            (
                When::Between(Some(Moment::Day(a)), Some(Moment::Day(b))),
                DateNote::Week(d),
            )
        }
        Some("3") => (
            When::At(Moment::Month {
                year: d.year(),
                month: d.month(),
            }),
            DateNote::Month(d),
        ),
        _ => (When::At(Moment::Day(d)), DateNote::None),
    };
    (when, note, None)
}

/// ACLED's `geo_precision`: 1, the town itself; 2, near a town or in its
/// district; 3, only the region (coded to its capital).
fn acled_precision(p: Option<&str>) -> (Option<Precision>, Option<f64>) {
    match p {
        Some("1") => (Some(Precision::Town), None),
        Some("2") => (Some(Precision::District), Some(25_000.0)),
        Some("3") => (Some(Precision::Region), Some(100_000.0)),
        _ => (None, None),
    }
}

/// An id as ids are written: letters, digits and `- _ . :`; others become `-`.
pub fn clean_id(s: &str) -> Cow<'_, str> {
    let s = s.trim();
    let ok = |c: char| c.is_alphanumeric() || "-_.:".contains(c);
    if s.chars().all(ok) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(|c| if ok(c) { c } else { '-' }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn further_passages_are_found_by_their_numbered_names() {
        assert_eq!(more_words_field("quote_2"), Some((2, 0)));
        assert_eq!(more_words_field(" Source_URL_12 "), Some((12, 2)));
        assert_eq!(more_words_field("notes_3"), Some((3, 0)));
        assert_eq!(more_words_field("source_3"), Some((3, 1)));
        // Not a further passage: the first, a number out of range, other names.
        for name in ["quote", "quote_1", "quote_101", "admin_2", "quote_x"] {
            assert_eq!(more_words_field(name), None, "{name}");
        }
        let mut slots = Slots::new();
        let names = [
            "id",
            "source_url_3",
            "quote_3",
            "quote_2",
            "source_2",
            "notes",
        ];
        for (i, n) in names.iter().enumerate() {
            slots.offer(n, i);
        }
        let values = [
            "e1",
            "https://b.example",
            "Third",
            "",
            "Some paper",
            "First",
        ];
        let more = slots.more_words(|i| Some(Cow::Borrowed(values[i])).filter(|v| !v.is_empty()));
        // Passage 2 has no words (it is skipped); passage 3 keeps its URL.
        assert_eq!(
            more,
            [MoreWords {
                text: Cow::Borrowed("Third"),
                source: None,
                url: Some(Cow::Borrowed("https://b.example")),
            }]
        );
    }

    #[test]
    fn coordinates_in_one_field() {
        let at = |s: &str| parse_coordinates(s).map(|p| (p.lat, p.lon));
        assert_eq!(at("19.93, 39.07"), Ok((19.93, 39.07)));
        assert_eq!(at("19.93 39.07"), Ok((19.93, 39.07)));
        assert_eq!(at(" 19.93;39.07 "), Ok((19.93, 39.07)));
        assert_eq!(at("POINT(39.07 19.93)"), Ok((19.93, 39.07)));
        assert_eq!(at("Point (39.07 19.93)"), Ok((19.93, 39.07)));
        assert_eq!(
            at("SRID=4326;POINT Z (39.07 19.93 120)"),
            Ok((19.93, 39.07))
        );
        assert!(at("POINT(39.07)").is_err());
        assert!(
            at("LINESTRING(1 2, 3 4)")
                .unwrap_err()
                .contains("WKT LINESTRING")
        );
        assert!(at("19.93").is_err());
        assert!(at("north, east").is_err());
        assert!(at("95, 10").unwrap_err().contains("off the globe"));
    }

    #[test]
    fn names_find_their_roles_in_any_case_and_with_stray_spaces() {
        assert_eq!(Role::of(" Event_Date "), Some((Role::Date, 0)));
        assert_eq!(Role::of("DATE"), Some((Role::Date, 1)));
        assert_eq!(Role::of("notes"), Some((Role::Text, 0)));
        assert_eq!(Role::of("nothing"), None);
        for r in Role::ALL {
            assert_eq!(Role::ALL[r as usize], r);
            for (rank, n) in r.names().iter().enumerate() {
                assert_eq!(Role::of(n), Some((r, rank as u8)), "{n} names two roles");
            }
        }
        let mut s = Slots::new();
        s.offer("date", 3);
        s.offer("event_date", 1);
        s.offer("start", 5);
        s.offer("event_id_cnty", 0);
        assert_eq!(s.get(Role::Date), Some(1));
        assert!(s.is_acled());
    }

    #[test]
    fn ids_are_cleaned_as_imports_clean_them() {
        assert_eq!(clean_id(" UKR123 "), "UKR123");
        assert_eq!(clean_id("way/1"), "way-1");
        assert!(matches!(clean_id("a.b:c_d-e"), Cow::Borrowed(_)));
    }
}

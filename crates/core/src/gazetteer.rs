//! Finding places by name, offline: the gazetteer bundled with the app.
//! GeoNames' 170,391 places of over 1,000 people, with their alternate
//! names in every script (Москва, Moscou, Mosca …), their GeoNames ids and
//! time zones; the world's countries (with other spellings and demonyms:
//! "Kenyan" names Kenya), first-level divisions (Natural Earth's admin-1:
//! Texas, Kaluga Oblast, Bavaria) and the United States' counties, each
//! with a point inside it and the radius of a circle of its area. Searched
//! as the user types a name ([`Gazetteer::search`]), and by the reading
//! engine ([`crate::reading`]) for the places an article names.
//!
//! Several places share a name (Moscow, Russia; Moscow, Idaho): a whole name
//! matched comes before a name begun, then the larger place and the one
//! nearer the data set's other places first, each shown with its country
//! and region. The file is `assets/gazetteer.tsv.gz`, made by
//! `tools/build_gazetteer.py`; [`Gazetteer::parse`] reads it into one
//! sorted list of folded names (done once, off the UI thread, on every core).

use std::io::Read;

use rayon::prelude::*;

use crate::filter::fold;
use crate::model::LatLon;

/// What kind of place an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An area that is no country nor division: a continent, a region
    /// across countries ("Middle East") or inside one ("Darfur").
    Area,
    Country,
    /// A first-level division: a state, a province, an oblast.
    Region,
    /// A second-level division: a county, a parish.
    County,
    /// A populated place: a city, a town, a village.
    City,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Area => "area",
            Kind::Country => "country",
            Kind::Region => "region",
            Kind::County => "county",
            Kind::City => "city",
        }
    }
}

/// A place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub point: LatLon,
    pub population: u32,
    pub kind: Kind,
    /// How far the place reaches from its point: the radius of a circle of
    /// its area for a country or a division, about a town's for a place.
    pub radius_km: f32,
    /// GeoNames' id, when the place comes from GeoNames (0 otherwise).
    pub geonameid: u32,
    country: u16,
    /// The region whose name labels it (an index of the places).
    label: Option<u32>,
    /// GeoNames' code of its first-level division: a state's letters in
    /// the United States ("PA"), numbers in most countries.
    admin1: Box<str>,
    zone: u16,
}

impl Place {
    /// GeoNames' code of its first-level division ("" for a country).
    pub fn admin1(&self) -> &str {
        &self.admin1
    }
}

/// A place found, with where it is and how well it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<'g> {
    pub place: &'g Place,
    /// The country's name ("Russia").
    pub country: &'g str,
    /// The region's name, where the gazetteer knows it ("Moscow Oblast"),
    /// or its code where that is letters ("PA").
    pub region: Option<&'g str>,
    /// The name it was found by (an alternate name, folded).
    pub matched: &'g str,
    /// The whole name matched, not only its beginning.
    pub whole: bool,
    /// It was found by a demonym ("Kenyan").
    pub demonym: bool,
    score: f64,
}

impl Hit<'_> {
    /// "Krasnogorsk, Moscow Oblast, Russia"; "Texas, United States of
    /// America"; "Kenya".
    pub fn label(&self) -> String {
        if self.place.kind == Kind::Country
            || (self.place.kind == Kind::Area && self.country == "--")
        {
            return self.place.name.clone();
        }
        match self.region {
            Some(r) if r != self.place.name => {
                format!("{}, {r}, {}", self.place.name, self.country)
            }
            _ => format!("{}, {}", self.place.name, self.country),
        }
    }
}

/// Why the gazetteer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("the gazetteer is not gzip'd text: {0}")]
    Gzip(#[from] std::io::Error),
    #[error("the gazetteer's line {line} does not read: {why}")]
    Line { line: usize, why: &'static str },
}

/// The places and their names, folded and sorted for search.
pub struct Gazetteer {
    places: Vec<Place>,
    /// Each country's ISO code and its place.
    countries: Vec<([u8; 2], u32)>,
    zones: Vec<String>,
    /// Every name and alternate name, folded, one after another.
    arena: String,
    /// (start in `arena`, length, place with [`ALTERNATE`] and [`DEMONYM`]
    /// flags), sorted by the folded name.
    names: Vec<(u32, u32, u32)>,
    /// English words that are places' names too ("mobile", "reading").
    words: rustc_hash::FxHashSet<String>,
}

/// A name's place flag: the name is an alternate one.
const ALTERNATE: u32 = 1 << 31;
/// A name's place flag: the name is a demonym ("Kenyan").
const DEMONYM: u32 = 1 << 30;
const INDEX: u32 = DEMONYM - 1;

/// Candidates looked at for a name begun (a short beginning matches many).
const PREFIX_CANDIDATES: usize = 20_000;

/// One line of the file, read.
enum Line<'t> {
    Country {
        code: &'t str,
        place: Place,
        names: Vec<&'t str>,
        demonyms: Vec<&'t str>,
        zone: &'t str,
    },
    Division {
        code: &'t str,
        place: Place,
        names: Vec<&'t str>,
        zone: &'t str,
        label: bool,
    },
    City {
        code: &'t str,
        place: Place,
        names: Vec<&'t str>,
        zone: &'t str,
    },
    /// An English word that is a place's name too.
    Word(&'t str),
}

/// A radius for a town of `population` people: about 1 km for a village,
/// 20 km for a city of ten million.
fn town_radius(population: u32) -> f32 {
    (1.0 + (population as f32).sqrt() / 160.0).min(30.0)
}

fn list(field: &str) -> Vec<&str> {
    field.split(',').filter(|a| !a.is_empty()).collect()
}

fn number<T: std::str::FromStr>(field: &str) -> Option<T> {
    field.parse().ok()
}

impl<'t> Line<'t> {
    fn read(line: &'t str) -> Result<Option<Line<'t>>, &'static str> {
        let f: Vec<&str> = line.split('\t').collect();
        let point = |lat: &str, lon: &str| -> Result<LatLon, &'static str> {
            match (lat.parse(), lon.parse()) {
                (Ok(lat), Ok(lon)) => Ok(LatLon { lat, lon }),
                _ => Err("latitude and longitude are numbers"),
            }
        };
        let place = |name: &str, at: LatLon, kind, radius: f32, admin1: &str| Place {
            name: name.to_string(),
            point: at,
            population: 0,
            kind,
            radius_km: radius,
            geonameid: 0,
            country: 0,
            label: None,
            admin1: admin1.into(),
            zone: 0,
        };
        Ok(Some(match f[0] {
            "C" | "A" => {
                let (code, name, lat, lon, radius, zone, id, population, names, demonyms) =
                    match f[..] {
                        [
                            "C",
                            code,
                            name,
                            lat,
                            lon,
                            radius,
                            zone,
                            id,
                            population,
                            names,
                            demonyms,
                        ] => (
                            code, name, lat, lon, radius, zone, id, population, names, demonyms,
                        ),
                        ["A", code, name, lat, lon, radius, zone, id, names, demonyms] => {
                            (code, name, lat, lon, radius, zone, id, "0", names, demonyms)
                        }
                        _ => return Err("a country has ten fields after C, an area nine after A"),
                    };
                let kind = if f[0] == "C" {
                    Kind::Country
                } else {
                    Kind::Area
                };
                let mut p = place(
                    name,
                    point(lat, lon)?,
                    kind,
                    number(radius).ok_or("a radius is a number")?,
                    "",
                );
                p.geonameid = number(id).unwrap_or(0);
                p.population = number(population).unwrap_or(0);
                Line::Country {
                    code,
                    place: p,
                    names: list(names),
                    demonyms: list(demonyms),
                    zone,
                }
            }
            "R" | "D" => {
                let (code, admin1, name, lat, lon, radius, zone, label, names) = match f[..] {
                    [
                        "R",
                        code,
                        admin1,
                        name,
                        lat,
                        lon,
                        radius,
                        zone,
                        label,
                        names,
                    ] => (
                        code,
                        admin1,
                        name,
                        lat,
                        lon,
                        radius,
                        zone,
                        label == "1",
                        names,
                    ),
                    ["D", code, admin1, name, lat, lon, radius, zone, names] => {
                        (code, admin1, name, lat, lon, radius, zone, false, names)
                    }
                    _ => return Err("a division has nine fields after R, eight after D"),
                };
                let kind = if f[0] == "R" {
                    Kind::Region
                } else {
                    Kind::County
                };
                Line::Division {
                    code,
                    place: place(
                        name,
                        point(lat, lon)?,
                        kind,
                        number(radius).ok_or("a radius is a number")?,
                        admin1,
                    ),
                    names: list(names),
                    zone,
                    label,
                }
            }
            "P" => {
                let [
                    _,
                    name,
                    lat,
                    lon,
                    code,
                    admin1,
                    population,
                    alternates,
                    id,
                    zone,
                ] = f[..]
                else {
                    return Err("a place has nine fields after P");
                };
                let population = number(population).unwrap_or(0);
                let mut p = place(
                    name,
                    point(lat, lon)?,
                    Kind::City,
                    town_radius(population),
                    admin1,
                );
                p.population = population;
                p.geonameid = number(id).unwrap_or(0);
                Line::City {
                    code,
                    place: p,
                    names: list(alternates),
                    zone,
                }
            }
            "W" => Line::Word(f.get(1).copied().ok_or("a word follows W")?),
            _ => return Ok(None),
        }))
    }
}

impl Gazetteer {
    /// Reads the gazetteer from its gzip'd text (see `tools/build_gazetteer.py`).
    pub fn parse(gz: &[u8]) -> Result<Gazetteer, GazetteerError> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz).read_to_string(&mut text)?;
        // The lines read and their names folded on every core, in order.
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.is_empty())
            .collect();
        // A part of the file, read on one core: its lines, and their names
        // folded into an arena of its own (place numbers within the part).
        struct Part<'t> {
            lines: Vec<Line<'t>>,
            arena: String,
            names: Vec<(u32, u32, u32)>,
            words: Vec<&'t str>,
        }
        let parts: Vec<Part<'_>> = lines
            .par_chunks(8192)
            .map(|chunk| {
                let mut part = Part {
                    lines: Vec::with_capacity(chunk.len()),
                    arena: String::new(),
                    names: Vec::new(),
                    words: Vec::new(),
                };
                for &(n, line) in chunk {
                    let l = match Line::read(line) {
                        Ok(Some(Line::Word(w))) => {
                            part.words.push(w);
                            continue;
                        }
                        Ok(Some(l)) => l,
                        Ok(None) => continue,
                        Err(why) => return Err(GazetteerError::Line { line: n + 1, why }),
                    };
                    let index = part.lines.len() as u32;
                    let (own, alternates, demonyms): (&str, &[&str], &[&str]) = match &l {
                        Line::Country {
                            place,
                            names,
                            demonyms,
                            ..
                        } => (&place.name, names, demonyms),
                        Line::Division { place, names, .. } | Line::City { place, names, .. } => {
                            (&place.name, names, &[])
                        }
                        Line::Word(_) => unreachable!("words are kept apart"),
                    };
                    let flagged = std::iter::once((own, 0))
                        .chain(alternates.iter().map(|a| (*a, ALTERNATE)))
                        .chain(demonyms.iter().map(|d| (*d, ALTERNATE | DEMONYM)));
                    for (name, flag) in flagged {
                        let start = part.arena.len();
                        let name = name.trim();
                        if name.is_ascii() {
                            part.arena
                                .extend(name.bytes().map(|b| b.to_ascii_lowercase() as char));
                        } else {
                            crate::filter::fold_into(name, &mut part.arena);
                        }
                        let len = part.arena.len() - start;
                        if len > 0 {
                            part.names.push((start as u32, len as u32, index | flag));
                        }
                    }
                    part.lines.push(l);
                }
                Ok(part)
            })
            .collect::<Result<_, _>>()?;
        let mut g = Gazetteer {
            places: Vec::with_capacity(parts.iter().map(|p| p.lines.len()).sum()),
            countries: Vec::new(),
            zones: Vec::new(),
            arena: String::new(),
            names: Vec::new(),
            words: Default::default(),
        };
        let mut zones: rustc_hash::FxHashMap<String, u16> = Default::default();
        let mut zone_of = |z: &str, zones_out: &mut Vec<String>| -> u16 {
            if let Some(&k) = zones.get(z) {
                return k;
            }
            zones_out.push(z.to_string());
            let k = (zones_out.len() - 1) as u16;
            zones.insert(z.to_string(), k);
            k
        };
        // Label regions by (country, admin1); countries by code.
        let mut country_index: rustc_hash::FxHashMap<[u8; 2], u16> = Default::default();
        let mut labels: rustc_hash::FxHashMap<([u8; 2], Box<str>), u32> = Default::default();
        let code2 = |c: &str| -> [u8; 2] {
            let b = c.as_bytes();
            [
                b.first().copied().unwrap_or(b'?'),
                b.get(1).copied().unwrap_or(b'?'),
            ]
        };
        g.names.reserve(parts.iter().map(|p| p.names.len()).sum());
        g.arena.reserve(parts.iter().map(|p| p.arena.len()).sum());
        for part in parts {
            let (base, at) = (g.places.len() as u32, g.arena.len() as u32);
            g.names.extend(
                part.names
                    .iter()
                    .map(|&(s, l, p)| (s + at, l, ((p & INDEX) + base) | (p & !INDEX))),
            );
            g.arena.push_str(&part.arena);
            g.words.extend(part.words.iter().map(|w| fold(w)));
            for line in part.lines {
                let index = g.places.len() as u32;
                let (code, mut place, zone) = match line {
                    Line::Country {
                        code, place, zone, ..
                    } if place.kind == Kind::Country => {
                        country_index
                            .entry(code2(code))
                            .or_insert(g.countries.len() as u16);
                        g.countries.push((code2(code), index));
                        (code, place, zone)
                    }
                    // An area across countries is of none: "--".
                    Line::Country {
                        code, place, zone, ..
                    } => (if code.is_empty() { "--" } else { code }, place, zone),
                    Line::Division {
                        code,
                        place,
                        zone,
                        label,
                        ..
                    } => {
                        if label && !place.admin1.is_empty() {
                            labels
                                .entry((code2(code), place.admin1.clone()))
                                .or_insert(index);
                        }
                        (code, place, zone)
                    }
                    Line::City {
                        code, place, zone, ..
                    } => (code, place, zone),
                    Line::Word(_) => continue,
                };
                place.zone = zone_of(zone, &mut g.zones);
                place.country = match country_index.get(&code2(code)) {
                    Some(&c) => c,
                    None => {
                        // A place of a country the file does not list: itself named by its code.
                        let c = g.countries.len() as u16;
                        country_index.insert(code2(code), c);
                        g.countries.push((code2(code), u32::MAX));
                        c
                    }
                };
                g.places.push(place);
            }
        }
        // Each place's label region; a region is as large as its largest
        // town (GeoNames lists a city's districts too: a sum counts them twice).
        let mut largest: rustc_hash::FxHashMap<u32, u32> = Default::default();
        for p in &mut g.places {
            if p.kind != Kind::Country {
                let cc = g.countries[usize::from(p.country)].0;
                p.label = labels.get(&(cc, p.admin1.clone())).copied();
            }
            if p.kind == Kind::City
                && let Some(l) = p.label
            {
                let n = largest.entry(l).or_default();
                *n = (*n).max(p.population);
            }
        }
        for (l, n) in largest {
            g.places[l as usize].population = n;
        }
        // Sorted by name: most names differ in their first eight bytes,
        // compared as one number; the rest of the name only on a tie.
        let arena = &g.arena;
        let key = |&(s, l, _): &(u32, u32, u32)| &arena[s as usize..(s + l) as usize];
        let prefix = |n: &(u32, u32, u32)| {
            let mut b = [0u8; 8];
            let k = key(n).as_bytes();
            b[..k.len().min(8)].copy_from_slice(&k[..k.len().min(8)]);
            u64::from_be_bytes(b)
        };
        let mut keyed: Vec<(u64, (u32, u32, u32))> =
            g.names.iter().map(|n| (prefix(n), *n)).collect();
        keyed.par_sort_unstable_by(|(pa, a), (pb, b)| {
            pa.cmp(pb)
                .then_with(|| key(a).cmp(key(b)))
                .then(a.2.cmp(&b.2))
        });
        g.names.clear();
        g.names.extend(keyed.into_iter().map(|(_, n)| n));
        g.names
            .dedup_by(|a, b| key(a) == key(b) && a.2 & INDEX == b.2 & INDEX);
        Ok(g)
    }

    /// Whether `folded` (one word, folded) is an English word as well as a
    /// place's name: alone, its capital does not make it a place.
    pub fn is_word(&self, folded: &str) -> bool {
        self.words.contains(folded)
    }

    /// Every place, of every kind.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Every place, in the file's order (countries, divisions, then cities).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The place at `index` of [`Gazetteer::places`].
    pub fn place(&self, index: usize) -> &Place {
        &self.places[index]
    }

    /// The index of `place` in [`Gazetteer::places`].
    pub fn index_of(&self, place: &Place) -> usize {
        let base = self.places.as_ptr() as usize;
        (std::ptr::from_ref(place) as usize - base) / std::mem::size_of::<Place>()
    }

    /// The ISO 3166-1 code of the country `place` is in ("RU").
    pub fn country_code(&self, place: &Place) -> &str {
        std::str::from_utf8(&self.countries[usize::from(place.country)].0).unwrap_or("??")
    }

    /// The country `place` is in, as a place (`None` for a code the file
    /// does not list).
    pub fn country_of(&self, place: &Place) -> Option<&Place> {
        let (_, i) = self.countries[usize::from(place.country)];
        self.places.get(i as usize)
    }

    /// The region whose name labels `place` ("Moscow Oblast"), if any.
    pub fn region_of(&self, place: &Place) -> Option<&Place> {
        place.label.map(|l| &self.places[l as usize])
    }

    /// The IANA time zone of `place` ("Europe/Moscow").
    pub fn zone(&self, place: &Place) -> &str {
        &self.zones[usize::from(place.zone)]
    }

    /// The IANA time zone at `point`: that of the nearest town or city
    /// within 250 km (GeoNames gives each its zone), `None` out at sea or
    /// in empty land. What a time typed without a zone is read in, for an
    /// event there.
    pub fn zone_at(&self, point: LatLon) -> Option<&str> {
        const REACH_KM: f64 = 250.0;
        // Degrees of latitude bound the search before any distance.
        let reach_deg = REACH_KM / 111.0;
        let nearest = self
            .places
            .iter()
            .filter(|p| p.kind == Kind::City && (p.point.lat - point.lat).abs() <= reach_deg)
            .map(|p| (haversine_km(p.point, point), p))
            .filter(|(d, _)| *d <= REACH_KM)
            .min_by(|a, b| a.0.total_cmp(&b.0))?;
        Some(self.zone(nearest.1))
    }

    fn name_at(&self, i: usize) -> &str {
        let (s, l, _) = self.names[i];
        &self.arena[s as usize..(s + l) as usize]
    }

    /// Every place whose name, an alternate name or a demonym is exactly
    /// `name` (folded, spaces single), with the name it was found by.
    pub fn named(&self, name: &str) -> Vec<Hit<'_>> {
        let q = fold(name.trim());
        let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
        let first = self
            .names
            .partition_point(|&(s, l, _)| &self.arena[s as usize..(s + l) as usize] < q.as_str());
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for i in first..self.names.len() {
            if self.name_at(i) != q {
                break;
            }
            let hit = self.hit(i, true, &[]);
            match hits.iter_mut().find(|h| std::ptr::eq(h.place, hit.place)) {
                // Its own name rather than another that folds alike.
                Some(h) if h.demonym && !hit.demonym => *h = hit,
                Some(_) => {}
                None => hits.push(hit),
            }
        }
        hits
    }

    /// Whether some place is named (or begins to be named) `folded`: a
    /// cheap test before a lookup.
    pub fn has_prefix(&self, folded: &str) -> bool {
        let first = self
            .names
            .partition_point(|&(s, l, _)| &self.arena[s as usize..(s + l) as usize] < folded);
        first < self.names.len() && self.name_at(first).starts_with(folded)
    }

    /// The places whose name (or an alternate name) is `query` or begins
    /// with it, best first: whole names before names begun, then by size
    /// and nearness to `near` (the data set's other places).
    pub fn search(&self, query: &str, near: &[LatLon], limit: usize) -> Vec<Hit<'_>> {
        let q = fold(query.trim());
        let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
        if q.is_empty() {
            return Vec::new();
        }
        let first = self
            .names
            .partition_point(|&(s, l, _)| &self.arena[s as usize..(s + l) as usize] < q.as_str());
        let mut best: rustc_hash::FxHashMap<u32, Hit<'_>> = Default::default();
        for i in (first..self.names.len()).take(PREFIX_CANDIDATES) {
            let name = self.name_at(i);
            if !name.starts_with(q.as_str()) {
                break;
            }
            let hit = self.hit(i, name.len() == q.len(), near);
            let place = self.names[i].2 & INDEX;
            match best.get(&place) {
                Some(b) if (b.whole, b.score) >= (hit.whole, hit.score) => {}
                _ => {
                    best.insert(place, hit);
                }
            }
        }
        let mut hits: Vec<Hit<'_>> = best.into_values().collect();
        hits.sort_by(|a, b| {
            (b.whole, b.score)
                .partial_cmp(&(a.whole, a.score))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.place.name.cmp(&b.place.name))
        });
        hits.truncate(limit);
        hits
    }

    fn hit(&self, i: usize, whole: bool, near: &[LatLon]) -> Hit<'_> {
        let (s, l, p) = self.names[i];
        let place = &self.places[(p & INDEX) as usize];
        let own = p & ALTERNATE == 0;
        // Size: a tenfold larger place is a point better; nearness: up to
        // three points, half of that 200 km away.
        let nearest = near
            .iter()
            .map(|n| haversine_km(*n, place.point))
            .fold(f64::INFINITY, f64::min);
        let nearness = if nearest.is_finite() {
            3.0 * 0.5f64.powf(nearest / 200.0)
        } else {
            0.0
        };
        let score =
            f64::from(place.population.max(1)).log10() + nearness + if own { 0.3 } else { 0.0 };
        // The name as the file writes it, for the matched name: the arena
        // holds it folded, so an alternate is shown folded.
        let matched = if own {
            place.name.as_str()
        } else {
            &self.arena[s as usize..(s + l) as usize]
        };
        let country = self
            .country_of(place)
            .map_or_else(|| self.country_code(place), |c| c.name.as_str());
        Hit {
            place,
            country,
            region: self.region_of(place).map(|r| r.name.as_str()).or_else(|| {
                let code = &*place.admin1;
                (place.kind != Kind::Region
                    && (2..=3).contains(&code.len())
                    && code.bytes().all(|b| b.is_ascii_uppercase()))
                .then_some(code)
            }),
            matched,
            whole,
            demonym: p & DEMONYM != 0,
            score,
        }
    }

    /// The places named in `text` (a passage's words): each run of one to
    /// three capitalised words that is a place's whole name, best first, a
    /// name found once (its best place) before the other places of that name.
    pub fn places_in(&self, text: &str, near: &[LatLon], limit: usize) -> Vec<Hit<'_>> {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .filter(|w| !w.is_empty())
            .collect();
        let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
        let mut firsts = Vec::new();
        let mut others = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for start in 0..words.len() {
            if !capital(words[start]) {
                continue;
            }
            for len in (1..=3).rev() {
                let Some(run) = words.get(start..start + len) else {
                    continue;
                };
                if !run.iter().all(|w| capital(w)) {
                    continue;
                }
                let name = run.join(" ");
                // One short or common-looking word ("She", "I", "Moore
                // School") is a place only by that place's own name.
                let single = len == 1;
                let ascii = name.is_ascii();
                let hits: Vec<Hit<'_>> = self
                    .search(&name, near, 8)
                    .into_iter()
                    .filter(|h| h.whole && !h.demonym)
                    .filter(|h| {
                        !single
                            || (name.chars().count() >= 4 && (!ascii || h.matched == h.place.name))
                    })
                    .collect();
                if hits.is_empty() {
                    continue;
                }
                for (k, h) in hits.into_iter().enumerate() {
                    if seen.insert(std::ptr::from_ref(h.place)) {
                        if k == 0 { &mut firsts } else { &mut others }.push(h);
                    }
                }
                break;
            }
        }
        let by_score = |a: &Hit<'_>, b: &Hit<'_>| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        firsts.sort_by(by_score);
        others.sort_by(by_score);
        firsts.extend(others);
        firsts.truncate(limit);
        firsts
    }
}

/// The great-circle distance, in km (haversine: near enough for ranking,
/// and cheaper than the geodesic for thousands of candidates).
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The bundled gazetteer, read once for every test.
    pub(crate) fn bundled() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            let bytes = std::fs::read(crate::repo("assets/gazetteer.tsv.gz")).unwrap();
            Gazetteer::parse(&bytes).unwrap()
        })
    }

    const MOSCOW: LatLon = LatLon {
        lat: 55.7558,
        lon: 37.6173,
    };

    #[test]
    fn the_zone_at_a_point_is_its_nearest_towns() {
        let g = bundled();
        let at = |lat, lon| g.zone_at(LatLon { lat, lon });
        assert_eq!(at(MOSCOW.lat, MOSCOW.lon), Some("Europe/Moscow"));
        // Brooklyn; Kaliningrad, an hour behind Moscow; Kabul, half hours.
        assert_eq!(at(40.678, -73.944), Some("America/New_York"));
        assert_eq!(at(54.71, 20.51), Some("Europe/Kaliningrad"));
        assert_eq!(at(34.53, 69.17), Some("Asia/Kabul"));
        // The middle of the Atlantic has no town near.
        assert_eq!(at(30.0, -40.0), None);
    }

    #[test]
    fn krasnogorsk_near_moscow_comes_first_with_its_region() {
        let g = bundled();
        let cities = g.places().iter().filter(|p| p.kind == Kind::City).count();
        assert_eq!(cities, 170_391);
        let hits = g.search("Krasnogorsk", &[], 5);
        assert_eq!(hits[0].label(), "Krasnogorsk, Moscow Oblast, Russia");
        assert!(hits[0].whole);
        assert_eq!(g.zone(hits[0].place), "Europe/Moscow");
        assert_eq!(hits[0].place.geonameid, 542374);
        assert_eq!(g.country_code(hits[0].place), "RU");
        // The other Krasnogorsk (Sakhalin) is there too, after it.
        assert!(
            hits.iter()
                .any(|h| h.place.name == "Krasnogorsk" && h.place.point.lon > 140.0),
            "{hits:?}"
        );
        // Typed in Russian, in any case, or only begun.
        assert_eq!(
            g.search("красногорск", &[], 1)[0].label(),
            "Krasnogorsk, Moscow Oblast, Russia"
        );
        let begun = g.search("krasnogo", &[MOSCOW], 10);
        assert!(begun.iter().all(|h| !h.whole || h.matched.len() == 8));
        assert_eq!(begun[0].place.name, "Krasnogorsk");
        assert_eq!(begun[0].region, Some("Moscow Oblast"));
    }

    #[test]
    fn moscow_is_the_large_one_unless_the_data_is_in_idaho() {
        let g = bundled();
        let hits = g.search("Moscow", &[], 3);
        assert_eq!(hits[0].label(), "Moscow, Russia");
        // Near Pullman, Washington, the Moscow next door wins.
        let pullman = LatLon {
            lat: 46.73,
            lon: -117.18,
        };
        let hits = g.search("moscow", &[pullman], 3);
        assert_eq!(hits[0].label(), "Moscow, ID, United States of America");
        assert_eq!(g.zone(hits[0].place), "America/Los_Angeles");
        // Where the region is only a number and no region names it, none is shown.
        assert_eq!(g.search("Nairobi", &[], 1)[0].label(), "Nairobi, Kenya");
        // Alternate names in other scripts find it too.
        assert_eq!(g.search("Москва", &[], 1)[0].place.name, "Moscow");
        assert!(g.search("", &[], 3).is_empty());
        assert!(g.search("zzzzqqq", &[], 3).is_empty());
    }

    #[test]
    fn countries_regions_and_counties_are_places_too() {
        let g = bundled();
        let kenya = g.named("Kenyan");
        assert_eq!(kenya.len(), 1, "{kenya:?}");
        assert_eq!(kenya[0].place.kind, Kind::Country);
        assert!(kenya[0].demonym);
        assert_eq!(kenya[0].label(), "Kenya");
        assert!(kenya[0].place.radius_km > 200.0);
        // Georgia: a country, a state, and towns.
        let georgia = g.named("Georgia");
        let kinds: Vec<Kind> = georgia.iter().map(|h| h.place.kind).collect();
        assert!(kinds.contains(&Kind::Country) && kinds.contains(&Kind::Region));
        let state = georgia
            .iter()
            .find(|h| h.place.kind == Kind::Region)
            .unwrap();
        assert_eq!(g.country_code(state.place), "US");
        assert_eq!(state.place.admin1(), "GA");
        // A state by the Associated Press's letters, a county by its name.
        let nj = g.named("N.J.");
        assert!(nj.iter().any(|h| h.place.name == "New Jersey"), "{nj:?}");
        let laurel = g.named("Laurel County");
        assert_eq!(laurel[0].place.kind, Kind::County);
        assert_eq!(
            laurel[0].label(),
            "Laurel County, KY, United States of America"
        );
        // Regions worldwide, each with its zone.
        let bavaria = g.named("Bavaria");
        let b = bavaria
            .iter()
            .find(|h| h.place.kind == Kind::Region)
            .expect("Bavaria");
        assert_eq!(g.country_code(b.place), "DE");
        assert_eq!(g.zone(b.place), "Europe/Berlin");
        assert!(g.has_prefix("krasnog") && !g.has_prefix("zzzzq"));
        // English words that are places too are known as words.
        assert!(g.is_word("mobile") && g.is_word("reading"));
        assert!(!g.is_word("krasnogorsk"));
    }

    #[test]
    fn place_names_in_a_sentence_are_found() {
        let g = bundled();
        let text = "Gunmen opened fire at Crocus City Hall in Krasnogorsk, outside Moscow, \
                    and later a raid was reported near Kaluga.";
        let hits = g.places_in(text, &[MOSCOW], 10);
        let names: Vec<String> = hits.iter().take(3).map(Hit::label).collect();
        for want in [
            "Krasnogorsk, Moscow Oblast, Russia",
            "Moscow, Russia",
            "Kaluga, Kaluga Oblast, Russia",
        ] {
            assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
        }
        // Short words that some place has as another name are no places.
        let hits = g.places_in("She said I would go. Then she developed it.", &[], 10);
        assert!(
            hits.is_empty(),
            "{:?}",
            hits.iter().map(Hit::label).collect::<Vec<_>>()
        );
        // In another script, a place's other names count.
        let hits = g.places_in("Взрыв в Калуга утром", &[MOSCOW], 3);
        assert_eq!(hits[0].place.name, "Kaluga");
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        assert!(Gazetteer::parse(b"not gzip").is_err());
        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            e.write_all(b"P\tOnly a name\n").unwrap();
        }
        assert!(matches!(
            Gazetteer::parse(&gz),
            Err(GazetteerError::Line { line: 1, .. })
        ));
    }
}

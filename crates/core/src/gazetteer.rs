//! Finding places by name, offline: the gazetteer bundled with the app
//! (GeoNames' 170,391 places of over 1,000 people, with their alternate
//! names in every script: Москва, Moscou, Mosca …), searched as the user
//! types a name, or for the place names in a passage's words.
//!
//! Several places share a name (Moscow, Russia; Moscow, Idaho): a whole name
//! matched comes before a name begun, then the larger place and the one
//! nearer the data set's other places first, each shown with its country
//! and (in Russia) its region. The file is `assets/gazetteer.tsv.gz`, made
//! by `tools/build_gazetteer.py`; [`Gazetteer::parse`] reads it into one
//! sorted list of folded names (about 30 MB, half a second, done once, off
//! the UI thread).

use std::io::Read;

use crate::filter::fold;
use crate::model::LatLon;

/// A place of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub point: LatLon,
    pub population: u32,
    country: u16,
    region: Option<u16>,
    /// GeoNames' code of its first-level division: a state's letters in
    /// the United States ("PA"), numbers in most countries.
    admin1: Box<str>,
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
    /// The name it was found by (an alternate name, in its script).
    pub matched: &'g str,
    /// The whole name matched, not only its beginning.
    pub whole: bool,
    score: f64,
}

impl Hit<'_> {
    /// "Krasnogorsk, Moscow Oblast, Russia".
    pub fn label(&self) -> String {
        match self.region {
            Some(r) => format!("{}, {r}, {}", self.place.name, self.country),
            None => format!("{}, {}", self.place.name, self.country),
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
    countries: Vec<(String, String)>,
    regions: Vec<String>,
    /// Every name and alternate name, folded, one after another.
    arena: String,
    /// (start in `arena`, length, place; the place's own name when the top
    /// bit of the place is clear), sorted by the folded name.
    names: Vec<(u32, u32, u32)>,
}

/// The top bit of a name's place: the name is an alternate one.
const ALTERNATE: u32 = 1 << 31;

/// Candidates looked at for a name begun (a short beginning matches many).
const PREFIX_CANDIDATES: usize = 20_000;

impl Gazetteer {
    /// Reads the gazetteer from its gzip'd text (see `tools/build_gazetteer.py`).
    pub fn parse(gz: &[u8]) -> Result<Gazetteer, GazetteerError> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz).read_to_string(&mut text)?;
        let mut g = Gazetteer {
            places: Vec::new(),
            countries: Vec::new(),
            regions: Vec::new(),
            arena: String::new(),
            names: Vec::new(),
        };
        let mut region_keys: Vec<(String, String)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let bad = |why| GazetteerError::Line { line: n + 1, why };
            let mut f = line.split('\t');
            match f.next() {
                Some("C") => {
                    let (Some(cc), Some(name)) = (f.next(), f.next()) else {
                        return Err(bad("a country is C, its code and its name"));
                    };
                    g.countries.push((cc.to_string(), name.to_string()));
                }
                Some("R") => {
                    let (Some(cc), Some(code), Some(name)) = (f.next(), f.next(), f.next()) else {
                        return Err(bad("a region is R, its country, its code and its name"));
                    };
                    region_keys.push((cc.to_string(), code.to_string()));
                    g.regions.push(name.to_string());
                }
                Some("P") => {
                    let fields: Vec<&str> = f.collect();
                    let [name, lat, lon, cc, admin1, population, alternates] = fields[..] else {
                        return Err(bad("a place has seven fields after P"));
                    };
                    let (Ok(lat), Ok(lon)) = (lat.parse(), lon.parse()) else {
                        return Err(bad("a place's latitude and longitude are numbers"));
                    };
                    let country = match g.countries.iter().position(|(c, _)| c == cc) {
                        Some(i) => i,
                        None => {
                            g.countries.push((cc.to_string(), cc.to_string()));
                            g.countries.len() - 1
                        }
                    } as u16;
                    let region = region_keys
                        .iter()
                        .position(|(c, r)| c == cc && r == admin1)
                        .map(|r| r as u16);
                    let index = g.places.len() as u32;
                    g.places.push(Place {
                        name: name.to_string(),
                        point: LatLon { lat, lon },
                        population: population.parse().unwrap_or(0),
                        country,
                        region,
                        admin1: admin1.into(),
                    });
                    let mut add = |name: &str, flag: u32| {
                        let folded = fold(name.trim());
                        if !folded.is_empty() {
                            g.names
                                .push((g.arena.len() as u32, folded.len() as u32, index | flag));
                            g.arena.push_str(&folded);
                        }
                    };
                    add(name, 0);
                    for a in alternates.split(',').filter(|a| !a.is_empty()) {
                        add(a, ALTERNATE);
                    }
                }
                _ => {}
            }
        }
        let arena = &g.arena;
        let key = |&(s, l, _): &(u32, u32, u32)| &arena[s as usize..(s + l) as usize];
        g.names
            .sort_unstable_by(|a, b| key(a).cmp(key(b)).then(a.2.cmp(&b.2)));
        g.names
            .dedup_by(|a, b| key(a) == key(b) && a.2 & !ALTERNATE == b.2 & !ALTERNATE);
        Ok(g)
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    fn name_at(&self, i: usize) -> &str {
        let (s, l, _) = self.names[i];
        &self.arena[s as usize..(s + l) as usize]
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
            let place = self.names[i].2 & !ALTERNATE;
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
        let place = &self.places[(p & !ALTERNATE) as usize];
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
        Hit {
            place,
            country: &self.countries[usize::from(place.country)].1,
            region: place
                .region
                .map(|r| self.regions[usize::from(r)].as_str())
                .or_else(|| {
                    let code = &*place.admin1;
                    ((2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase()))
                        .then_some(code)
                }),
            matched,
            whole,
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
                    .filter(|h| h.whole)
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
fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn bundled() -> &'static Gazetteer {
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
    fn krasnogorsk_near_moscow_comes_first_with_its_region() {
        let g = bundled();
        assert_eq!(g.len(), 170_391);
        let hits = g.search("Krasnogorsk", &[], 5);
        assert_eq!(hits[0].label(), "Krasnogorsk, Moscow Oblast, Russia");
        assert!(hits[0].whole);
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
        assert_eq!(hits[0].label(), "Moscow, Moscow, Russia");
        // Near Pullman, Washington, the Moscow next door wins.
        let pullman = LatLon {
            lat: 46.73,
            lon: -117.18,
        };
        let hits = g.search("moscow", &[pullman], 3);
        assert_eq!(hits[0].label(), "Moscow, ID, United States of America");
        // Where the region is only a number, none is shown.
        assert_eq!(g.search("Nairobi", &[], 1)[0].label(), "Nairobi, Kenya");
        // Alternate names in other scripts find it too.
        assert_eq!(g.search("Москва", &[], 1)[0].place.name, "Moscow");
        assert!(g.search("", &[], 3).is_empty());
        assert!(g.search("zzzzqqq", &[], 3).is_empty());
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
            "Moscow, Moscow, Russia",
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

//! What reading a source proposes, as the review shows it: each event the
//! engine found ([`incident_map_core::reading`]), with its place already
//! named and located and its alternatives listed, worked out in the
//! background where the gazetteer is at hand, so nothing is looked up
//! while a frame is drawn. Names only the core: the messages
//! ([`crate::action`]), the state and the panels all name it.

use std::ops::Range;
use std::sync::Arc;

use incident_map_core::gazetteer::Gazetteer;
use incident_map_core::model::{Category, LatLon};
use incident_map_core::reading::{self, PlaceMention, Proposal, Reading, Resolved};

/// At most this many alternatives of a place are offered.
const ALTERNATIVES: usize = 6;

/// What to read: the source's text and what is known around it.
#[derive(Debug, Clone)]
pub struct Ask {
    /// The source's id and its text as the data set holds it.
    pub source: String,
    pub text: Arc<str>,
    /// The source's date ("yesterday" counts from it).
    pub date: Option<jiff::civil::Date>,
    /// The data set's time zone and categories, and where its events are.
    pub zone: Option<String>,
    pub categories: Vec<Category>,
    pub near: Vec<LatLon>,
}

/// A place as the review shows it: its gazetteer index, its name with its
/// state and country, where it is and how wide.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub index: u32,
    pub label: String,
    pub point: LatLon,
    pub radius_km: f64,
}

impl Placed {
    fn of(g: &Gazetteer, index: u32) -> Placed {
        let r = Resolved::of(g, index);
        Placed {
            index,
            label: r.label,
            point: r.point,
            radius_km: r.radius_km,
        }
    }
}

/// One event proposed.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub proposal: Proposal,
    /// Its date as ISO 8601 ("2016-09-17T20:30"), if it has one.
    pub when: Option<String>,
    pub place: Option<Placed>,
    /// The other places it may be at, best first: those the rest of its
    /// words name, then the others its place's name may be.
    pub alternatives: Vec<Placed>,
    /// Its category's label: the data set's, else the kind's (new).
    pub category: String,
    /// Whether that category is new to the data set.
    pub new_category: bool,
}

impl Candidate {
    /// Its main passage (bytes of the source's text).
    pub fn passage(&self) -> Range<usize> {
        self.proposal.passages[0].clone()
    }

    /// Its date's and place's words (bytes), when its words give them.
    pub fn parts(&self, read: &Read) -> (Option<Range<usize>>, Option<Range<usize>>) {
        let date = self
            .proposal
            .date
            .and_then(|i| read.reading.dates.get(i))
            .map(|d| d.span.clone());
        let place = self
            .proposal
            .place_mention
            .and_then(|i| read.reading.places.get(i))
            .map(|p| p.span.clone());
        (date, place)
    }

    /// Puts it at another of its places.
    pub fn take_alternative(&mut self, k: usize) {
        if k >= self.alternatives.len() {
            return;
        }
        let chosen = self.alternatives.remove(k);
        if let Some(old) = self.place.take() {
            self.alternatives.insert(0, old);
        }
        self.proposal.place = Some(chosen.index);
        self.place = Some(chosen);
    }
}

/// A source read: the text read (the passages' offsets are its bytes),
/// what the engine found in it, and the events proposed.
#[derive(Debug)]
pub struct Read {
    pub source: String,
    pub text: Arc<str>,
    pub date: Option<jiff::civil::Date>,
    pub reading: Reading,
    pub candidates: Vec<Candidate>,
}

/// Reads what `ask` says with the gazetteer: the work of the background.
pub fn read(ask: &Ask, g: &Gazetteer) -> Read {
    let context = reading::Context {
        date: ask.date,
        zone: ask.zone.as_deref(),
        categories: &ask.categories,
        near: &ask.near,
        ..reading::Context::default()
    };
    let found = reading::read(&ask.text, &context, g);
    let candidates = found
        .events
        .iter()
        .map(|p| {
            let place = p.place.map(|i| Placed::of(g, i));
            // The other places its words name ("… after a shootout in
            // Linden"), then the namesakes of its own.
            let named = found
                .places
                .iter()
                .filter(|m| !m.demonym && !m.fallback)
                .filter(|m| {
                    p.passages
                        .iter()
                        .any(|r| r.start <= m.span.start && m.span.end <= r.end)
                })
                .filter_map(PlaceMention::best);
            let namesakes = p
                .place_mention
                .and_then(|m| found.places.get(m))
                .filter(|m| !m.fallback)
                .into_iter()
                .flat_map(|m| m.candidates.iter().map(|&(i, _)| i));
            let mut others: Vec<u32> = Vec::new();
            for i in named.chain(namesakes) {
                if Some(i) != p.place && !others.contains(&i) {
                    others.push(i);
                }
            }
            let alternatives = others
                .into_iter()
                .take(ALTERNATIVES)
                .map(|i| Placed::of(g, i))
                .collect();
            let existing = p
                .category
                .as_deref()
                .and_then(|id| ask.categories.iter().find(|c| c.id == id));
            Candidate {
                proposal: p.clone(),
                when: p.when.as_ref().map(ToString::to_string),
                place,
                alternatives,
                category: existing.map_or_else(|| p.class.label().to_string(), |c| c.label.clone()),
                new_category: existing.is_none(),
            }
        })
        .collect();
    Read {
        source: ask.source.clone(),
        text: ask.text.clone(),
        date: ask.date,
        reading: found,
        candidates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> Gazetteer {
        Gazetteer::parse(crate::bundle::GAZETTEER).unwrap()
    }

    #[test]
    fn each_candidate_is_placed_with_its_alternatives_and_one_can_be_taken() {
        let g = gazetteer();
        let text = "Storms hit Paris on Monday, flooding streets and killing two people.";
        let ask = Ask {
            source: "s".into(),
            text: text.into(),
            date: Some("2016-09-19".parse().unwrap()),
            zone: None,
            categories: Vec::new(),
            near: Vec::new(),
        };
        let mut paris = read(&ask, &g);
        assert_eq!(paris.candidates.len(), 1, "{:?}", paris.candidates);
        let c = &mut paris.candidates[0];
        assert_eq!(c.when.as_deref(), Some("2016-09-19"));
        assert_eq!(c.place.as_ref().unwrap().label, "Paris, France");
        assert!(c.new_category, "no category of the data set fits");
        let texas = c
            .alternatives
            .iter()
            .position(|a| a.label == "Paris, TX, United States of America")
            .expect("Paris, Texas is offered");
        c.take_alternative(texas);
        assert_eq!(
            c.place.as_ref().unwrap().label,
            "Paris, TX, United States of America"
        );
        assert_eq!(
            c.alternatives[0].label, "Paris, France",
            "the first choice stays offered"
        );
        assert_eq!(c.proposal.place, Some(c.place.as_ref().unwrap().index));
        // The other places its words name come first.
        let text =
            "Police arrested a man in Chelsea after a shootout in Linden, New Jersey, on Monday.";
        let other = read(
            &Ask {
                text: text.into(),
                ..ask.clone()
            },
            &g,
        );
        let arrest = &other.candidates[0];
        let first: Vec<&str> = arrest
            .place
            .iter()
            .chain(arrest.alternatives.iter().take(1))
            .map(|p| p.label.as_str())
            .collect();
        assert!(
            first.iter().any(|l| l.starts_with("Linden, NJ"))
                && first.iter().any(|l| l.starts_with("Chelsea")),
            "{first:?}"
        );
    }
}

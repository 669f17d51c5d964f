//! The reading engine: what an article reports, proposed as events for the
//! analyst to review, each tied to its words. Given a source's text and
//! date, [`read`] finds:
//!
//! - the dates and times it gives ([`dates`]), resolved against the
//!   source's date and each other, at their honest precision;
//! - the places it names ([`places`]): cities, regions, countries and their
//!   demonyms, each resolved to a place of the [`crate::gazetteer`] by a
//!   ranker that reads the article's own context (the state named beside a
//!   town, the country the article is about, the other places it names),
//!   alternatives kept, ranked; a street or a building the gazetteer cannot
//!   place falls back to what holds it, with that place's radius;
//! - the events ([`events`]): the passages that report something that
//!   happened, each with its date (and a time in the zone of its place),
//!   its place, a category (the data set's own first), actors, casualty
//!   figures and a confidence.
//!
//! Nothing here knows the app: the app's review panel and the `extract`
//! command both call [`read`]. [`text`] cuts a text into tokens and
//! sentences; offsets are bytes inside, characters outside ([`json`]).

pub mod byline;
pub mod dates;
pub mod events;
pub mod json;
pub mod places;
pub mod text;

use jiff::civil::Date;

use crate::gazetteer::Gazetteer;
use crate::model::{Category, LatLon};

pub use dates::{DateMention, Order, Value};
pub use events::Proposal;
pub use places::{PlaceMention, Resolved};

/// What is known of a source before it is read.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// The source's date: what "yesterday" and "Saturday" count from.
    pub date: Option<Date>,
    /// How the source writes dates as numbers (08/03/2024).
    pub order: Option<Order>,
    /// The data set's time zone, for times where no place gives one.
    pub zone: Option<&'a str>,
    /// The data set's categories: an event is put in one of them first.
    pub categories: &'a [Category],
    /// Where the data set's events already are: places near them are
    /// preferred among those of one name.
    pub near: &'a [LatLon],
}

/// What a source reports.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub dates: Vec<DateMention>,
    pub places: Vec<PlaceMention>,
    pub events: Vec<Proposal>,
}

/// Reads `text` with what `context` knows, places found in `gazetteer`.
pub fn read(text: &str, context: &Context<'_>, gazetteer: &Gazetteer) -> Reading {
    let tokens = text::tokenize(text);
    let order = context.order.unwrap_or_else(|| places::date_order(text));
    let dates = dates::find(text, &tokens, context.date, order);
    let places = places::find(text, &tokens, gazetteer, context.near);
    let events = events::find(text, &tokens, &dates, &places, context, gazetteer);
    Reading {
        dates,
        places,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::tests::bundled;
    use crate::model::{Dataset, When};

    fn read_with(text: &str, date: &str) -> Reading {
        let context = Context {
            date: Some(date.parse().unwrap()),
            ..Context::default()
        };
        read(text, &context, bundled())
    }

    fn dates(text: &str, date: &str) -> Vec<(String, Option<String>)> {
        read_with(text, date)
            .dates
            .iter()
            .map(|d| {
                (
                    text[d.span.clone()].to_string(),
                    d.value.as_ref().map(ToString::to_string),
                )
            })
            .collect()
    }

    fn value_of<'a>(found: &'a [(String, Option<String>)], words: &str) -> Option<&'a str> {
        found
            .iter()
            .find(|(w, _)| w.contains(words))
            .and_then(|(_, v)| v.as_deref())
    }

    #[test]
    fn dates_count_from_the_sources_date_and_from_each_other() {
        // Monday 19 September 2016.
        let text = "A bomb exploded on Saturday. That same night, at about 8:30 p.m., a second blast \
                    shook the city; about an hour later police sealed the street. The next day the \
                    mayor spoke. Yesterday officials met. Sales fell last week and earlier this month; \
                    the plan dates from early March and the program from the 1990s. A year ago it was \
                    smaller. The hearing is on Oct. 15, 2016, and the report of 2015-11-03 is old.";
        let found = dates(text, "2016-09-19");
        let v = |w| value_of(&found, w);
        assert_eq!(v("Saturday"), Some("2016-09-17"));
        assert_eq!(v("That same night"), Some("2016-09-17T20:30"));
        assert_eq!(v("an hour later"), Some("2016-09-17T21:30"));
        assert_eq!(v("The next day"), Some("2016-09-18"));
        assert_eq!(v("Yesterday"), Some("2016-09-18"));
        assert_eq!(v("last week"), Some("2016-W37"));
        assert_eq!(v("earlier this month"), Some("2016-09"));
        assert_eq!(v("early March"), Some("2016-03-01/2016-03-10"));
        assert_eq!(v("1990s"), Some("1990/1999"));
        assert_eq!(v("A year ago"), Some("2015"));
        assert_eq!(v("Oct. 15, 2016"), Some("2016-10-15"));
        assert_eq!(v("2015-11-03"), Some("2015-11-03"));
    }

    #[test]
    fn numbers_read_by_the_sources_convention_and_a_word_is_no_date() {
        let day_first = read(
            "The raid on 08/03/2024 in Kaluga.",
            &Context {
                order: Some(Order::DayFirst),
                ..Context::default()
            },
            bundled(),
        );
        assert_eq!(
            day_first.dates[0]
                .value
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("2024-03-08")
        );
        let month_first = read(
            "The raid on 08/03/2024 in Ohio.",
            &Context {
                order: Some(Order::MonthFirst),
                ..Context::default()
            },
            bundled(),
        );
        assert_eq!(
            month_first.dates[0]
                .value
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("2024-08-03")
        );
        // Unsaid, a day over 12 settles it.
        assert_eq!(
            dates::order_of("It was 30/04/2019 and 01/02/2019."),
            Order::DayFirst
        );
        // "May" the verb and 2,000 people are no dates.
        let found = dates("Police may arrest 2000 people, he said.", "2016-09-19");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn places_are_read_in_the_articles_context() {
        let g = bundled();
        let label = |r: &Reading, words: &str, text: &str| {
            r.places
                .iter()
                .find(|p| &text[p.span.clone()] == words)
                .and_then(|p| p.best())
                .map(|b| places::Resolved::of(g, b).label)
        };
        // The state written beside a town, and the article's other places.
        let text = "The blast in Elizabeth, New Jersey, came a day after one in Seaside Park, N.J.";
        let r = read_with(text, "2016-09-19");
        assert_eq!(
            label(&r, "Elizabeth", text).as_deref(),
            Some("Elizabeth, NJ, United States of America")
        );
        assert_eq!(
            label(&r, "Seaside Park", text).as_deref(),
            Some("Seaside Park, NJ, United States of America")
        );
        let text = "Storms hit Dallas and Tyler on Monday, and Paris lost power for a day.";
        let r = read_with(text, "2016-09-19");
        assert_eq!(
            label(&r, "Paris", text).as_deref(),
            Some("Paris, TX, United States of America")
        );
        let text = "Ministers met in Paris and Lyon to discuss the strikes.";
        let r = read_with(text, "2016-09-19");
        assert_eq!(label(&r, "Paris", text).as_deref(), Some("Paris, France"));
        // Demonyms are their countries; a word that is a town's name too is not a town.
        let text = "Kenyan police said mobile phones were seized. Reading the report, he left.";
        let r = read_with(text, "2016-09-19");
        assert_eq!(label(&r, "Kenyan", text).as_deref(), Some("Kenya"));
        assert!(
            r.places
                .iter()
                .all(|p| !["mobile", "Reading"].contains(&&text[p.span.clone()])),
            "{:?}",
            r.places
        );
        // People are no places.
        let text = "George Washington and Paris Hilton met Mr. Lincoln; Jones said so.";
        let r = read_with(text, "2016-09-19");
        assert!(
            r.places.is_empty(),
            "{:?}",
            r.places
                .iter()
                .map(|p| &text[p.span.clone()])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn what_the_gazetteer_cannot_place_falls_back_to_what_holds_it() {
        let g = bundled();
        // Not the Chelsea of Staten Island: the one in Manhattan, which the
        // gazetteer has not, so Manhattan itself.
        let text = "An explosion tore through the Chelsea neighborhood of Manhattan on Saturday.";
        let r = read_with(text, "2016-09-19");
        let chelsea = r
            .places
            .iter()
            .find(|p| &text[p.span.clone()] == "Chelsea")
            .unwrap();
        assert!(chelsea.fallback);
        assert_eq!(
            places::Resolved::of(g, chelsea.best().unwrap()).name,
            "Manhattan"
        );
        // A name it has never heard of, in an article about one town.
        let text = "Zqxvillebay is a hamlet near Seaside Park in New Jersey.";
        let at = |w: &str| text.find(w).unwrap()..text.find(w).unwrap() + w.len();
        let spans = [at("Zqxvillebay"), at("Seaside Park"), at("New Jersey")];
        let r = places::resolve_spans(text, &spans, g, &[]);
        assert!(r[0].fallback);
        assert_eq!(
            places::Resolved::of(g, r[0].best().unwrap()).name,
            "Seaside Park"
        );
    }

    #[test]
    fn the_scenarios_article_proposes_its_three_events_each_on_its_words() {
        let text =
            std::fs::read_to_string(crate::repo("data/moscow-march-2024-article.txt")).unwrap();
        let loaded = crate::formats::load(
            &crate::repo("data/moscow-march-2024.json"),
            &Default::default(),
        )
        .unwrap();
        let ds = loaded.dataset().unwrap().into_owned();
        let context = Context {
            date: Some("2024-03-22".parse().unwrap()),
            categories: &ds.categories,
            ..Context::default()
        };
        let r = read(&text, &context, bundled());
        let g = bundled();
        let find = |words: &str| {
            r.events
                .iter()
                .find(|e| e.passages.iter().any(|p| text[p.clone()].contains(words)))
                .unwrap_or_else(|| panic!("no event on “{words}”"))
        };
        let warning = find("this warning was sent out on March 8");
        assert_eq!(warning.category.as_deref(), Some("warning"));
        assert_eq!(
            warning.when.as_ref().map(ToString::to_string).as_deref(),
            Some("2024-03-08")
        );
        assert_eq!(
            places::Resolved::of(g, warning.place.unwrap()).name,
            "Moscow"
        );
        let fsb = find("prevented an assault");
        assert_eq!(fsb.category.as_deref(), Some("counter-terrorism"));
        assert_eq!(
            places::Resolved::of(g, fsb.place.unwrap()).name,
            "Kaluga Oblast"
        );
        assert!(
            fsb.passages
                .iter()
                .any(|p| text[p.clone()].contains("Kaluga area"))
        );
        let attack = find("The second incident near Moscow");
        assert_eq!(attack.category.as_deref(), Some("attack"));
        assert_eq!(
            places::Resolved::of(g, attack.place.unwrap()).name,
            "Moscow"
        );
        // The Kremlin's reaction: the data set has statements.
        assert!(r.events.iter().any(|e| {
            e.category.as_deref() == Some("statement")
                && e.passages
                    .iter()
                    .any(|p| text[p.clone()].contains("The Kremlin described"))
        }));
        // Accepted, each is an event of the data set whose passages anchor.
        let source = ds.sources[0].clone();
        for p in &r.events {
            let accepted = events::accept(p, &text, &source, &ds, g);
            assert!(
                accepted
                    .event
                    .passages
                    .iter()
                    .all(|q| text.contains(&q.quote))
            );
            assert!(
                accepted.new_category.is_none(),
                "{:?}",
                accepted.new_category
            );
        }
    }

    #[test]
    fn a_time_takes_the_zone_of_its_place_and_two_sentences_can_be_one_event() {
        let text = "A bomb exploded in Seaside Park, N.J., at 8:30 p.m. on Saturday. The blast injured 29 people.";
        let r = read_with(text, "2016-09-19");
        assert_eq!(r.events.len(), 1, "{:?}", r.events);
        let e = &r.events[0];
        assert_eq!(e.passages.len(), 2);
        assert_eq!(e.injured, Some(29));
        let ds = Dataset::default();
        let source = crate::edit::new_source(&ds, "Report", text.to_string(), "2016-09-19");
        let accepted = events::accept(e, text, &source, &ds, bundled());
        match &accepted.event.when {
            When::At(crate::model::Moment::Instant(z)) => {
                assert_eq!(z.time_zone().iana_name(), Some("America/New_York"));
                assert_eq!(z.to_string(), "2016-09-17T20:30:00-04:00[America/New_York]");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            accepted.new_category.map(|c| c.label).as_deref(),
            Some("Explosion")
        );
        // With no place and no data set's zone, a time is kept as its day.
        let text = "Gunmen attacked a convoy at 9:30 a.m. on Saturday.";
        let r = read_with(text, "2016-09-19");
        let accepted = events::accept(
            &r.events[0],
            text,
            &crate::edit::new_source(&ds, "R", text.into(), "2016-09-19"),
            &ds,
            bundled(),
        );
        assert_eq!(accepted.event.when.to_string(), "2016-09-17");
    }

    /// An article of `tests/files/reading/` against the answers written
    /// before the engine read it.
    fn against_gold(name: &str) {
        let g = bundled();
        let text = std::fs::read_to_string(crate::repo(&format!("tests/files/reading/{name}.txt")))
            .unwrap();
        let gold: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(crate::repo(&format!(
                "tests/files/reading/{name}.gold.json"
            )))
            .unwrap(),
        )
        .unwrap();
        // The source's date is its byline's.
        let date = byline::published(&text)
            .and_then(|v| v.day())
            .map(|d| d.to_string());
        assert_eq!(date.as_deref(), gold["date"].as_str(), "{name}: the byline");
        let r = read_with(&text, gold["date"].as_str().unwrap());
        let events = gold["events"].as_array().unwrap();
        assert_eq!(
            r.events.len(),
            events.len(),
            "{name}: {:#?}",
            r.events
                .iter()
                .map(|e| &text[e.passages[0].clone()])
                .collect::<Vec<_>>()
        );
        for want in events {
            let words = want["words"].as_str().unwrap();
            let e = r
                .events
                .iter()
                .find(|e| e.passages.iter().any(|p| text[p.clone()].contains(words)))
                .unwrap_or_else(|| panic!("{name}: no event on “{words}”"));
            let when = e.when.as_ref().map(ToString::to_string);
            assert_eq!(when.as_deref(), want["when"].as_str(), "{name}: {words}");
            let place = places::Resolved::of(
                g,
                e.place
                    .unwrap_or_else(|| panic!("{name}: {words}: no place")),
            );
            if let Some(p) = want["place"].as_str() {
                assert_eq!(place.name, p, "{name}: {words}");
            }
            if let Some(c) = want["country"].as_str() {
                assert_eq!(place.country, c, "{name}: {words}");
            }
            if let Some(zone) = want["zone"].as_str() {
                assert_eq!(place.zone, zone, "{name}: {words}");
            }
            if let Some(near) = want["near"].as_array() {
                let at = crate::model::LatLon {
                    lat: near[0].as_f64().unwrap(),
                    lon: near[1].as_f64().unwrap(),
                };
                let d = crate::gazetteer::haversine_km(at, place.point);
                assert!(
                    d <= want["within_km"].as_f64().unwrap(),
                    "{name}: {words}: {} is {d:.0} km off",
                    place.label
                );
            }
            if let Some(c) = want["category"].as_str() {
                assert_eq!(
                    e.category
                        .clone()
                        .unwrap_or_else(|| e.class.label().to_string()),
                    c,
                    "{name}: {words}"
                );
            }
            for (field, got) in [("killed", e.killed), ("injured", e.injured)] {
                if let Some(n) = want[field].as_u64() {
                    assert_eq!(got.map(u64::from), Some(n), "{name}: {words}: {field}");
                }
            }
        }
    }

    #[test]
    fn a_five_incident_report_over_two_states_and_one_citys_streets() {
        against_gold("two-cities");
    }

    #[test]
    fn a_report_from_kenya() {
        against_gold("kenya-floods");
    }
}

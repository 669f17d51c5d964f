//! The bundled Moscow, March 2024 scenario: it loads clean, every passage is
//! the article's own words, and it records what `../shared/scenario-facts.md`
//! says, including where the article and the record differ.

use std::path::{Path, PathBuf};

use incident_map_core::evidence::Method;
use incident_map_core::formats::{self, LoadOptions, native};
use incident_map_core::model::*;

fn scenario_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moscow-march-2024.json")
}

fn scenario() -> Dataset {
    let loaded = formats::load(&scenario_path(), &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    loaded.dataset().unwrap().into_owned()
}

fn event<'d>(ds: &'d Dataset, id: &str) -> &'d Event {
    ds.event(id).unwrap_or_else(|| panic!("no event {id}"))
}

#[test]
fn loads_with_no_diagnostics_and_every_passage_anchors_verbatim() {
    let ds = scenario();
    assert_eq!(ds.events.len(), 4);
    let text = ds.source("article").unwrap().full_text().unwrap();
    for (e, p) in ds.passages() {
        let a = p
            .anchoring
            .anchor()
            .unwrap_or_else(|| panic!("{}: {:?} did not anchor", e.id, p.id));
        assert_eq!(a.method, Method::Exact, "{:?} is not verbatim", p.id);
        assert_eq!(&text[a.bytes.clone()], p.quote);
    }
    for e in &ds.events {
        assert!(!e.passages.is_empty(), "{} cites nothing", e.id);
    }
}

#[test]
fn the_article_in_data_is_the_users_document_unchanged() {
    let ours = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moscow-march-2024-article.txt"),
    )
    .unwrap();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/sources/moscow-march-2024-article.txt");
    match std::fs::read(&shared) {
        Ok(theirs) => assert_eq!(ours, theirs, "data/ must hold the article unchanged"),
        Err(_) => eprintln!(
            "note: {} is not beside the repo; compared nothing",
            shared.display()
        ),
    }
}

/// Sentences of the article that comment on the story as a whole and speak of
/// no one event: the only ones the data set does not cite.
const COMMENTARY: &[&str] = &[
    "With its focus on public safety",
    "This chain of events provides",
    "It does so by demonstrating",
    "The circumstances also call into question",
    "In a perfect world",
    "To sum up, this incident",
    "As countries navigate",
];

#[test]
fn every_sentence_about_an_event_is_cited() {
    let ds = scenario();
    let text = ds.source("article").unwrap().full_text().unwrap();
    let cited: Vec<std::ops::Range<usize>> = ds
        .passages()
        .filter_map(|(_, p)| p.anchoring.anchor().map(|a| a.bytes.clone()))
        .collect();
    // Split into sentences at ". " and line ends, but not after "U.S.".
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(['.', '\n']) {
        let end = i + 1;
        let after = &text[end.min(text.len())..];
        let is_end = text[i..].starts_with('\n')
            || after.starts_with(' ')
            || after.starts_with('\n')
            || after.is_empty();
        if is_end && !text[..end].ends_with("U.S.") {
            let s = text[start..end].trim();
            if s.len() > 1 {
                let offset = start + text[start..end].find(s).unwrap();
                sentences.push((offset..offset + s.len(), s));
            }
            start = end;
        }
    }
    let previews: Vec<String> = sentences
        .iter()
        .map(|(_, s)| s.chars().take(30).collect())
        .collect();
    assert_eq!(sentences.len(), 21, "sentences found: {previews:#?}");
    let mut uncited = Vec::new();
    for (range, s) in &sentences {
        let covered = cited
            .iter()
            .any(|c| c.start <= range.start && range.end <= c.end + 1);
        if !covered {
            uncited.push(*s);
        }
    }
    let unexpected: Vec<&&str> = uncited
        .iter()
        .filter(|s| !COMMENTARY.iter().any(|c| s.starts_with(c)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "sentences that speak of an event but are not cited: {unexpected:#?}"
    );
    assert_eq!(
        uncited.len(),
        COMMENTARY.len(),
        "a commentary sentence is now cited; update the list: {uncited:#?}"
    );
}

#[test]
fn places_are_at_the_coordinates_of_the_facts_with_honest_precision() {
    let ds = scenario();
    for (id, lat, lon, precision, iso) in [
        ("moscow", 55.7558, 37.6173, Precision::Town, Some("RU-MOW")),
        ("kremlin", 55.7520, 37.6175, Precision::Building, None),
        ("us-embassy", 55.7557, 37.5808, Precision::Building, None),
        (
            "crocus-city-hall",
            55.8257,
            37.3889,
            Precision::Building,
            None,
        ),
        (
            "kaluga-oblast",
            54.3725,
            35.4457,
            Precision::Region,
            Some("RU-KLU"),
        ),
        (
            "moscow-oblast",
            55.8190,
            37.3298,
            Precision::Region,
            Some("RU-MOS"),
        ),
    ] {
        let p = ds.place(id).unwrap_or_else(|| panic!("no place {id}"));
        assert!(
            (p.point.lat - lat).abs() < 1e-6 && (p.point.lon - lon).abs() < 1e-6,
            "{id}"
        );
        assert_eq!(p.precision, precision, "{id}");
        assert_eq!(p.iso3166_2.as_deref(), iso, "{id}");
    }
    assert_eq!(
        ds.place("crocus-city-hall").unwrap().within.as_deref(),
        Some("moscow-oblast")
    );
    assert_eq!(ds.reference_place.as_deref(), Some("moscow"));
}

#[test]
fn the_fsb_operation_is_region_level_with_an_uncertainty_not_a_village() {
    let ds = scenario();
    let e = event(&ds, "fsb-kaluga-operation");
    let loc = e.location.as_ref().unwrap();
    assert_eq!(loc.place.as_deref(), Some("kaluga-oblast"));
    assert_eq!(loc.point, None, "no invented point");
    assert_eq!(loc.precision, Some(Precision::Region));
    assert!(loc.uncertainty_m.unwrap() >= 100_000.0);
    assert_eq!(e.when.to_string(), "2024-03-07");
}

#[test]
fn the_alert_was_evening_in_washington_and_early_8_march_in_moscow() {
    let ds = scenario();
    let e = event(&ds, "us-embassy-alert");
    let When::Between(Some(Moment::Instant(a)), Some(Moment::Instant(b))) = &e.when else {
        panic!("{:?}", e.when)
    };
    assert_eq!(a.time_zone().iana_name(), Some("America/New_York"));
    assert_eq!(a.date().to_string(), "2024-03-07");
    let msk = |z: &jiff::ZonedDateTime| z.in_tz("Europe/Moscow").unwrap();
    assert_eq!(
        msk(a).date().to_string(),
        "2024-03-08",
        "evening in Washington is 8 March in Moscow"
    );
    assert_eq!(msk(b).date().to_string(), "2024-03-08");
    let date_claim = e.claims.iter().find(|c| c.about == "date").unwrap();
    assert_eq!(date_claim.says, "this warning was sent out on March 8");
    assert_eq!(date_claim.verdict, Verdict::Matches);
}

#[test]
fn the_kremlin_reaction_has_a_disputed_date_and_no_invented_one() {
    let ds = scenario();
    let e = event(&ds, "kremlin-reaction");
    let When::Disputed(readings) = &e.when else {
        panic!("{:?}", e.when)
    };
    let dates: Vec<String> = readings.iter().map(|r| r.when.to_string()).collect();
    assert_eq!(dates, ["2024-03-08/..", "2022-02-21", "2024-03-19"]);
    assert_eq!(readings[0].source.as_deref(), Some("article"));
    assert!(
        e.when.span(&ds.tz()).is_none(),
        "an undated event has no place on the axis"
    );
    assert_eq!(e.when.describe(), "date disputed (3 readings)");
    assert!(
        e.claims
            .iter()
            .any(|c| c.about == "date" && c.verdict == Verdict::Differs)
    );
    assert!(
        e.relations
            .iter()
            .any(|r| r.kind == RelationKind::RespondsTo && r.event == "us-embassy-alert")
    );
}

#[test]
fn the_fsb_order_and_target_discrepancies_are_recorded() {
    let ds = scenario();
    let e = event(&ds, "fsb-kaluga-operation");
    let claim = |about: &str| {
        e.claims
            .iter()
            .find(|c| c.about == about)
            .unwrap_or_else(|| panic!("no {about} claim"))
    };
    assert_eq!(claim("order").verdict, Verdict::Differs);
    assert!(claim("order").says.contains("shortly after the warning"));
    assert_eq!(claim("target").verdict, Verdict::Differs);
    assert!(
        claim("target").says.contains("Kaluga area")
            && claim("target").says.contains("Moscow-based")
    );
    assert_eq!(claim("place").verdict, Verdict::Matches);
}

#[test]
fn the_attack_is_at_crocus_city_hall_about_20_00_msk_with_revised_tolls() {
    let ds = scenario();
    let e = event(&ds, "crocus-attack");
    assert_eq!(
        e.when.to_string(),
        "2024-03-22T20:00:00+03:00[Europe/Moscow]"
    );
    assert!(e.approximate);
    assert_eq!(
        e.location.as_ref().unwrap().place.as_deref(),
        Some("crocus-city-hall")
    );
    let killed: Vec<u64> = e.casualties.iter().filter_map(|c| c.killed).collect();
    assert_eq!(killed, [40, 60, 115, 133, 143, 144, 145]);
    assert!(
        e.claims
            .iter()
            .any(|c| c.about == "place" && c.says == "near Moscow")
    );
    assert!(
        event(&ds, "us-embassy-alert")
            .relations
            .iter()
            .any(|r| r.kind == RelationKind::WarnedOf && r.event == "crocus-attack")
    );
}

#[test]
fn events_in_time_order_put_the_raid_before_the_alert_and_the_attack_last() {
    let ds = scenario();
    let tz = ds.tz();
    let mut dated: Vec<(&str, jiff::Timestamp)> = ds
        .events
        .iter()
        .filter_map(|e| e.when.span(&tz).map(|s| (e.id.as_str(), s.0)))
        .collect();
    dated.sort_by_key(|(_, t)| *t);
    let order: Vec<&str> = dated.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        order,
        ["fsb-kaluga-operation", "us-embassy-alert", "crocus-attack"]
    );
}

#[test]
fn writing_and_reading_back_keeps_everything() {
    let ds = scenario();
    let text = native::write(&ds);
    let again = formats::load_bytes(&scenario_path(), text.as_bytes());
    assert!(again.diagnostics.is_empty(), "{:#?}", again.diagnostics);
    let again = again.dataset().unwrap().into_owned();
    assert!(
        serde_json::to_value(&ds).unwrap() == serde_json::to_value(&again).unwrap(),
        "the dataset changed in a round trip"
    );
    assert_eq!(native::write(&again), text, "writing is stable");
    // The bundled file is written in the writer's own layout.
    let on_disk = std::fs::read_to_string(scenario_path()).unwrap();
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert!(
        parse(&on_disk) == parse(&text),
        "data/moscow-march-2024.json differs from what the writer writes"
    );
}

#[test]
fn geography_checks_the_articles_southwest_and_near_moscow() {
    use incident_map_core::geography::{RegionIndex, situate};
    let ds = scenario();
    let regions = RegionIndex::bundled();
    let reference = ds.place(ds.reference_place.as_deref().unwrap());
    let at = |id: &str| situate(ds.locate(event(&ds, id)).unwrap(), reference, &regions);

    let raid = at("fsb-kaluga-operation");
    assert_eq!(raid.region.unwrap().code, "RU-KLU");
    assert_eq!(
        raid.offset.unwrap().compass(),
        "SW",
        "the article says south-west of Moscow: it is"
    );
    assert_eq!(raid.precision, Some(Precision::Region));

    let attack = at("crocus-attack");
    assert_eq!(
        attack.region.unwrap().code,
        "RU-MOS",
        "near Moscow, but outside the city"
    );
    assert_eq!(
        attack.describe_offset().unwrap(),
        "≈ 16 km NW of Moscow centre"
    );

    assert_eq!(at("us-embassy-alert").region.unwrap().code, "RU-MOW");
    assert_eq!(at("kremlin-reaction").region.unwrap().code, "RU-MOW");
}

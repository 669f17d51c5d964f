//! Reading a source as a user does (egui_kittest, headless): a report added
//! from its file (its date read from its byline), *Find events in this
//! source* (Ctrl+R), the proposals listed, highlighted and marked on the
//! map; one accepted with Enter, one rejected with Delete, one edited, one
//! moved to another of its places, the rest accepted at once; Undo and
//! Redo; saved and opened again — the marker of an accepted event leads to
//! the words that report it.

use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use incident_map::action::{Action, AuthorAction, Done, ReviewAction};
use incident_map::render::OffscreenMap;
use incident_map::state::Verdict;

mod common;

const ARTICLE: &str = "tests/files/reading/two-cities.txt";

/// Steps the app until `done` holds (60 s at most: the gazetteer is read
/// on first use, unoptimised in tests).
fn wait(map: &mut OffscreenMap, what: &str, done: impl Fn(&mut OffscreenMap) -> bool) {
    let start = Instant::now();
    while !done(map) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} never happened; status: {}",
            map.app().state.status()
        );
        std::thread::sleep(Duration::from_millis(10));
        map.harness().run_steps(1);
    }
    map.harness().run_steps(3);
}

fn events(map: &mut OffscreenMap) -> usize {
    map.app().state.work().map_or(0, |w| w.dataset.events.len())
}

fn verdicts(map: &mut OffscreenMap) -> Vec<Verdict> {
    let review = map.app().state.review().expect("a review");
    (0..review.len()).map(|i| review.verdict(i)).collect()
}

fn pending(map: &mut OffscreenMap) -> usize {
    verdicts(map)
        .iter()
        .filter(|v| **v == Verdict::Pending)
        .count()
}

#[test]
fn an_articles_events_are_proposed_reviewed_accepted_saved_and_lead_back_to_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::repo(ARTICLE)).unwrap();
    let mut map = common::scenario_app((1400, 900));
    let ctx = map.ctx();
    map.app()
        .apply(&ctx, incident_map::command::Command::NewDataSet);
    map.app()
        .apply(&ctx, AuthorAction::AddSourceFile(common::repo(ARTICLE)));
    wait(&mut map, "the source added", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    // Its date, from its byline.
    let source = &map.app().state.work().unwrap().dataset.sources[0];
    assert_eq!(
        source
            .published
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("2016-09-19")
    );
    // Ctrl+R: read, in the background (the gazetteer first).
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::R);
    wait(&mut map, "the proposals", |m| {
        m.app().state.review().is_some_and(|r| !r.is_reading())
    });
    assert_eq!(verdicts(&mut map).len(), 5, "five incidents");
    assert_eq!(pending(&mut map), 5);
    assert!(map.harness().query_by_label("Accept all").is_some());
    // Each is on the map in the proposed style, and listed with its parts.
    let on_map = map
        .harness()
        .query_all_by_label_contains("Proposed: ")
        .count();
    assert_eq!(on_map, 5);
    assert!(
        map.harness()
            .query_all_by_label_contains(
                "2016-09-17 · Seaside Park, NJ, United States of America · Explosion (new)"
            )
            .next()
            .is_some(),
        "the first proposal's line"
    );
    // The first is chosen: Enter accepts it, an event quoting its words.
    assert_eq!(map.app().state.review().unwrap().chosen, Some(0));
    map.harness().key_press(Key::Enter);
    wait(&mut map, "the first accepted", |m| events(m) == 1);
    let e = map.app().state.work().unwrap().dataset.events[0].clone();
    assert_eq!(e.when.to_string(), "2016-09-17");
    assert!(
        e.passages[0].quote.contains("A pipe bomb exploded"),
        "{}",
        e.passages[0].quote
    );
    assert!(
        e.location
            .as_ref()
            .and_then(|l| l.note.as_deref())
            .is_some_and(|n| n.contains("Seaside Park")),
        "{:?}",
        e.location
    );
    assert!(matches!(verdicts(&mut map)[0], Verdict::Accepted(_)));
    // The next is chosen; Delete rejects it.
    assert_eq!(map.app().state.review().unwrap().chosen, Some(1));
    map.harness().key_press(Key::Delete);
    map.harness().run_steps(2);
    assert_eq!(verdicts(&mut map)[1], Verdict::Rejected);
    assert_eq!(events(&mut map), 1, "a rejection makes no event");
    // A time of day is kept in the zone of its place: the third, at 22:30 in New York.
    assert_eq!(map.app().state.review().unwrap().chosen, Some(2));
    map.harness().get_by_label("Accept and edit…").click();
    wait(&mut map, "the third accepted and open", |m| events(m) == 2);
    assert!(
        map.app().state.work().unwrap().editing.is_some(),
        "the editor is open"
    );
    assert!(
        map.harness().query_by_label("Event").is_some(),
        "its window shows"
    );
    let third = map.app().state.work().unwrap().dataset.events[1].clone();
    assert_eq!(
        third.when.to_string(),
        "2016-09-17T22:30:00-04:00[America/New_York]"
    );
    // The data set had no zone: it takes the zone of the first time, so its
    // days are New York's.
    assert_eq!(
        map.app().state.work().unwrap().dataset.time_zone.as_deref(),
        Some("America/New_York")
    );
    map.app().apply(&ctx, AuthorAction::CloseEditor);
    map.harness().run_steps(2);
    // One moved to another of its places, in one click.
    let (i, alternative) = {
        let review = map.app().state.review().unwrap();
        let read = review.read().unwrap();
        (0..review.len())
            .filter(|&i| review.verdict(i) == Verdict::Pending)
            .find_map(|i| Some((i, read.candidates[i].alternatives.first()?.label.clone())))
            .expect("a proposal whose place has alternatives")
    };
    map.app().apply(&ctx, ReviewAction::Choose(i));
    map.harness().run_steps(3);
    map.harness().get_by_label(&alternative).click();
    map.harness().run_steps(2);
    let moved = map.app().state.review().unwrap().read().unwrap().candidates[i]
        .place
        .clone()
        .unwrap();
    assert_eq!(moved.label, alternative);
    // Accept all: the rest, in one step; the rejected one stays out.
    map.harness().get_by_label("Accept all").click();
    wait(&mut map, "all accepted", |m| events(m) == 4);
    assert_eq!(pending(&mut map), 0);
    assert_eq!(verdicts(&mut map)[1], Verdict::Rejected);
    assert_eq!(
        map.harness()
            .query_all_by_label_contains("Proposed: ")
            .count(),
        0,
        "nothing left proposed on the map"
    );
    let start = text[..read_start(&mut map, i)].chars().count();
    let placed = map
        .app()
        .state
        .work()
        .unwrap()
        .dataset
        .events
        .iter()
        .find(|e| e.passages[0].start == Some(start))
        .and_then(|e| e.location.as_ref()?.note.clone());
    assert!(
        placed.is_some_and(|n| n.contains(&alternative)),
        "accepted where it was moved"
    );
    // Undo takes the two of Accept all back; they are proposals again. Redo.
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::Z);
    wait(&mut map, "the undo", |m| events(m) == 2);
    assert_eq!(pending(&mut map), 2);
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::Y);
    wait(&mut map, "the redo", |m| events(m) == 4);
    // Saved, and opened again: the marker leads to the words.
    let path = dir.path().join("read.json");
    map.app().apply(&ctx, Done::SaveDialog(Some(path.clone())));
    wait(&mut map, "the save", |m| {
        m.app().state.work().is_some_and(|w| !w.is_dirty())
    });
    map.app().apply(&ctx, Action::open(path));
    common::wait_for_load(&mut map);
    assert!(
        map.app().state.problems().is_none(),
        "{:?}",
        map.app().state.problems()
    );
    // At Seaside Park, its marker alone.
    map.app().apply(
        &ctx,
        Action::Move(incident_map::action::CameraMove::Approach {
            point: incident_map::core::model::LatLon {
                lat: 39.927,
                lon: -74.077,
            },
            min_zoom: 13.0,
        }),
    );
    wait(&mut map, "the map there", |m| !m.app().map().is_moving());
    map.harness()
        .get_by_label_contains("Map: A pipe bomb exploded")
        .click();
    map.harness().run_steps(3);
    let selection = map.app().state.selection().expect("the marker selects it");
    let p = &selection.detail.event.passages[0];
    let anchored = p.anchoring.anchor().map(|a| &text[a.bytes.clone()]);
    assert!(
        anchored.is_some_and(|w| w.contains("A pipe bomb exploded in a trash can")),
        "{anchored:?}"
    );
}

/// Where the words of proposal `i` begin (bytes of the source's text).
fn read_start(map: &mut OffscreenMap, i: usize) -> usize {
    map.app().state.review().unwrap().read().unwrap().candidates[i]
        .passage()
        .start
}

#[test]
fn a_corrected_source_date_reads_the_source_again() {
    let mut map = common::scenario_app((1400, 900));
    let ctx = map.ctx();
    map.app()
        .apply(&ctx, incident_map::command::Command::NewDataSet);
    map.app().apply(
        &ctx,
        AuthorAction::AddSourceText(Box::new(incident_map::action::NewSource {
            title: "Report".into(),
            text: "A bomb exploded in Seaside Park, N.J., on Saturday.".into(),
            ..Default::default()
        })),
    );
    map.harness().run_steps(3);
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::R);
    wait(&mut map, "the proposal", |m| {
        m.app().state.review().is_some_and(|r| !r.is_reading())
    });
    // No date: "Saturday" cannot be placed in time, and the window says so.
    let when = |m: &mut OffscreenMap| {
        m.app().state.review().unwrap().read().unwrap().candidates[0]
            .when
            .clone()
    };
    assert_eq!(when(&mut map), None);
    assert!(
        map.harness()
            .query_all_by_label_contains("No date known")
            .next()
            .is_some()
    );
    // Dated in About this source: read again, Saturday is a day.
    let mut source = map.app().state.work().unwrap().dataset.sources[0].clone();
    source.published = Some(incident_map::core::model::When::parse("2016-09-19", None).unwrap());
    map.app()
        .apply(&ctx, AuthorAction::EditSource(Box::new(source)));
    wait(&mut map, "the second reading", |m| {
        m.app()
            .state
            .review()
            .and_then(|r| r.read())
            .is_some_and(|r| r.date.is_some())
    });
    assert_eq!(when(&mut map).as_deref(), Some("2016-09-17"));
}

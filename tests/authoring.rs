//! Authoring as a user does it (egui_kittest, headless): a new data set, a
//! source pasted in, a sentence of it selected, Ctrl+N, the event placed by
//! a click on the map and given a day, saved and opened again — its marker
//! leads to that sentence — then deleted and brought back by Undo, and the
//! source's text changed outside the app reported and its passage found
//! again.

use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use incident_map::action::{Action, Done};
use incident_map::command::Command;
use incident_map::render::OffscreenMap;

mod common;

const TEXT: &str = "Police said. A blast hit the market in Kaluga on Monday. Two died.";
const SENTENCE: &str = "A blast hit the market in Kaluga on Monday.";

/// Steps the app until `done` holds (20 s at most).
fn wait(map: &mut OffscreenMap, what: &str, done: impl Fn(&mut OffscreenMap) -> bool) {
    let start = Instant::now();
    while !done(map) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what} never happened; status: {}",
            map.app().state.status()
        );
        std::thread::sleep(Duration::from_millis(10));
        map.harness().run_steps(1);
    }
    map.harness().run_steps(2);
}

/// How many events the open data shows.
fn events(map: &mut OffscreenMap) -> usize {
    map.app().state.document().map_or(0, |d| d.store.len())
}

fn menu(map: &mut OffscreenMap, menu: &str, item: &str) {
    map.harness().get_by_label(menu).click();
    map.harness().run_steps(2);
    // The menu entry (its text may also be a label inside it).
    map.harness()
        .query_all_by_label_contains(item)
        .next()
        .unwrap_or_else(|| panic!("no {item} in {menu}"))
        .click();
    map.harness().run_steps(3);
}

fn click_at(map: &mut OffscreenMap, pos: egui::Pos2) {
    let h = map.harness();
    h.event(egui::Event::PointerMoved(pos));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::default(),
        });
    }
    h.run_steps(2);
}

/// A new data set with one source pasted in (as *Paste a source…* adds it).
fn new_work_with_source(map: &mut OffscreenMap, title: &str, text: &str) {
    let ctx = map.ctx();
    map.app().apply(&ctx, Command::NewDataSet);
    map.app().apply(
        &ctx,
        incident_map::action::AuthorAction::AddSourceText(Box::new(
            incident_map::action::NewSource {
                title: title.into(),
                text: text.into(),
                ..Default::default()
            },
        )),
    );
}

/// Characters `start..end` of the first source selected, and Ctrl+N's command.
fn event_from_words(map: &mut OffscreenMap, start: usize, end: usize) {
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        incident_map::action::AuthorAction::SelectWords(Some(incident_map::action::Words {
            source: "source-1".into(),
            start,
            end,
        })),
    );
    map.app().apply(&ctx, Command::NewEventFromSelection);
}

#[test]
fn a_sentence_becomes_a_placed_dated_saved_event_that_leads_back_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut map = common::scenario_app((1400, 900));
    menu(&mut map, "File", "New data set");
    wait(&mut map, "the new data set", |m| {
        m.app().state.work().is_some() && events(m) == 0
    });
    // A source pasted in.
    menu(&mut map, "File", "Paste a source…");
    map.harness().get_by_label("Title:").focus();
    map.harness()
        .get_by_label("Title:")
        .type_text("Blast report");
    map.harness().get_by_label("Text:").focus();
    map.harness().get_by_label("Text:").type_text(TEXT);
    map.harness().run_steps(2);
    map.harness().get_by_label("Add source").click();
    wait(&mut map, "the source read", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    let work = map.app().state.work().unwrap();
    assert_eq!(work.dataset.sources[0].title, "Blast report");
    assert!(work.is_dirty());
    // Its second sentence selected with the keyboard: 13 characters in, 43 long.
    map.harness().get_by_label("Source text").focus();
    // (Arrows keep to a field from its second frame with the keyboard.)
    map.harness().run_steps(3);
    // To the text's start (focus puts the cursor at its end).
    for _ in 0..TEXT.chars().count() {
        map.harness().key_press(Key::ArrowLeft);
    }
    for _ in 0..13 {
        map.harness().key_press(Key::ArrowRight);
    }
    for _ in 0..SENTENCE.chars().count() {
        map.harness()
            .key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    }
    map.harness().run_steps(2);
    let words = map.app().state.work().unwrap().words.clone();
    assert_eq!(words.map(|w| (w.start, w.end)), Some((13, 56)));
    // Ctrl+N: the event, quoting it, open in the editor.
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::N);
    wait(&mut map, "the new event", |m| events(m) == 1);
    let e = &map.app().state.work().unwrap().dataset.events[0];
    assert_eq!(e.title, SENTENCE);
    assert_eq!(e.passages[0].quote, SENTENCE);
    assert_eq!(
        map.app().state.work().unwrap().editing.as_deref(),
        Some("event-1")
    );
    assert!(
        map.harness().query_by_label("When:").is_some(),
        "the editor is open"
    );
    // Placed by a click on the map.
    map.harness().get_by_label("Place on the map").click();
    map.harness().run_steps(2);
    assert!(map.app().state.work().unwrap().placing);
    // (Left of the editor's window, clear of the scale bar.)
    let rect = map.app().map().rect();
    let spot = rect.left_bottom() + egui::vec2(90.0, -110.0);
    click_at(&mut map, spot);
    wait(&mut map, "the event placed", |m| {
        m.app().state.work().unwrap().dataset.events[0]
            .location
            .is_some()
    });
    let point = map.app().state.work().unwrap().dataset.events[0]
        .location
        .as_ref()
        .and_then(|l| l.point)
        .unwrap();
    let center = map.app().map().center().unwrap();
    assert!(
        point.lon < center.lon && point.lat < center.lat,
        "{point:?} below and left of the centre {center:?}"
    );
    // A day typed in the editor.
    map.harness().get_by_label("When:").focus();
    map.harness().get_by_label("When:").type_text("2024-03-25");
    map.harness().key_press(Key::Enter);
    map.harness().run_steps(2);
    wait(&mut map, "the day set", |m| {
        m.app().state.work().unwrap().dataset.events[0]
            .when
            .to_string()
            == "2024-03-25"
    });
    // Dragged east on the map: moved, and the map did not pan.
    let center = map.app().map().center().unwrap();
    let to = spot + egui::vec2(80.0, 0.0);
    {
        let h = map.harness();
        h.event(egui::Event::PointerMoved(spot));
        h.event(egui::Event::PointerButton {
            pos: spot,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::default(),
        });
        for k in 1..=8 {
            h.event(egui::Event::PointerMoved(
                spot + egui::vec2(10.0 * k as f32, 0.0),
            ));
        }
        h.event(egui::Event::PointerButton {
            pos: to,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::default(),
        });
        h.run_steps(2);
    }
    wait(&mut map, "the event moved", |m| {
        m.app().state.work().unwrap().dataset.events[0]
            .location
            .as_ref()
            .and_then(|l| l.point)
            .is_some_and(|p| p.lon > point.lon + 1e-6)
    });
    assert_eq!(map.app().map().center(), Some(center), "the map stayed");
    // Saved where the save dialog would say.
    let path = dir.path().join("blast.json");
    let ctx = map.ctx();
    map.app().apply(&ctx, Done::SaveDialog(Some(path.clone())));
    wait(&mut map, "the save", |m| {
        m.app().state.work().is_some_and(|w| !w.is_dirty())
    });
    assert!(dir.path().join("blast-source-1.txt").exists());
    // Opened again: the marker leads to the sentence, highlighted in its source.
    map.app().apply(&ctx, Action::open(path.clone()));
    common::wait_for_load(&mut map);
    assert!(
        map.app().state.problems().is_none(),
        "{:?}",
        map.app().state.problems()
    );
    map.harness()
        .get_by_label_contains("Map: A blast hit the market")
        .click();
    map.harness().run_steps(3);
    let selection = map.app().state.selection().expect("the marker selects it");
    let p = &selection.detail.event.passages[0];
    assert_eq!(p.quote, SENTENCE);
    assert_eq!(
        p.anchoring.anchor().map(|a| &TEXT[a.bytes.clone()]),
        Some(SENTENCE)
    );
    assert!(
        map.harness()
            .query_all_by_label_contains(SENTENCE)
            .next()
            .is_some()
    );
    // Deleted, then Undo brings it back as it was.
    map.harness().key_press(Key::Delete);
    wait(&mut map, "the delete", |m| events(m) == 0);
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::Z);
    wait(&mut map, "the undo", |m| events(m) == 1);
    let back = &map.app().state.work().unwrap().dataset.events[0];
    assert_eq!(back.when.to_string(), "2024-03-25");
    assert_eq!(back.passages[0].quote, SENTENCE);
    // Ctrl+S saves where it was opened (nothing asked); all is saved.
    map.app().apply(&ctx, Command::Save);
    wait(&mut map, "the second save", |m| {
        m.app().state.work().is_some_and(|w| !w.is_dirty())
    });
    // The source's text changed outside the app: said on opening, and the
    // passage found again where it moved.
    std::fs::write(
        dir.path().join("blast-source-1.txt"),
        format!("Updated. {TEXT}"),
    )
    .unwrap();
    map.app().apply(&ctx, Action::open(path));
    common::wait_for_load(&mut map);
    let problems = common::listed_problems(&mut map).expect("problems listed");
    assert!(
        problems.text.contains("changed since it was added"),
        "{}",
        problems.text
    );
    map.harness()
        .get_by_label_contains("Map: A blast hit the market")
        .click();
    map.harness().run_steps(3);
    let p = &map.app().state.selection().unwrap().detail.event.passages[0];
    assert!(
        p.anchoring.anchor().is_some(),
        "found again in the new text"
    );
}

#[test]
fn unsaved_work_is_asked_about_before_it_is_lost() {
    let mut map = common::scenario_app((1400, 900));
    // An edit of the scenario: its title changed in the editor.
    map.harness()
        .get_by_label_contains("Map: Attack on Crocus City Hall")
        .click();
    map.harness().run_steps(2);
    map.harness().get_by_label("Edit…").click();
    map.harness().run_steps(3);
    map.harness().get_by_label("Title:").focus();
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::A);
    map.harness()
        .get_by_label("Title:")
        .type_text("Attack at Crocus");
    map.harness().key_press(Key::Enter);
    wait(&mut map, "the edit", |m| {
        m.app().state.work().is_some_and(|w| w.is_dirty())
    });
    // Opening another file asks first; Cancel keeps the work.
    let ctx = map.ctx();
    let other = common::repo("tests/files/interop/variants.geojson");
    map.app().apply(&ctx, Action::open(other.clone()));
    map.harness().run_steps(2);
    assert!(map.app().state.unsaved_question().is_some());
    assert!(map.app().state.loading().is_none());
    map.harness().get_by_label("Cancel").click();
    map.harness().run_steps(2);
    assert!(map.app().state.unsaved_question().is_none());
    assert!(map.app().state.work().unwrap().is_dirty());
    // Undo takes the change back: nothing to ask about; the file opens.
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::Z);
    wait(&mut map, "the undo", |m| {
        m.app().state.work().is_some_and(|w| !w.is_dirty())
    });
    map.app().apply(&ctx, Action::open(other));
    common::wait_for_load(&mut map);
    assert!(map.app().state.work().is_none());
    assert!(events(&mut map) > 0);
}

#[test]
fn work_a_crash_left_is_offered_at_the_next_start_and_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("recovery").join("work.json");
    let mut map = common::scenario_app((1400, 900));
    map.app().state.set_recovery(Some(copy.clone()), None);
    new_work_with_source(&mut map, "Blast report", TEXT);
    // An event from a sentence, placed in Kaluga and dated.
    event_from_words(&mut map, 13, 56);
    wait(&mut map, "the event", |m| events(m) == 1);
    let ctx = map.ctx();
    let kaluga = incident_map_core::model::LatLon {
        lat: 54.5293,
        lon: 36.2754,
    };
    map.app()
        .apply(&ctx, incident_map::action::AuthorAction::MoveTo(kaluga));
    wait(&mut map, "the event placed", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| d.table().point(0).is_some())
    });
    // Dated, in a zone of its own (the data set's days are New York's).
    map.app().apply(
        &ctx,
        incident_map::action::AuthorAction::SetTimeZone("America/New_York".into()),
    );
    let mut dated = map.app().state.work().unwrap().dataset.events[0].clone();
    dated.when =
        incident_map_core::model::When::parse("2024-03-25T20:30[America/New_York]", None).unwrap();
    map.app().apply(
        &ctx,
        incident_map::action::AuthorAction::EditEvent(Box::new(dated)),
    );
    wait(&mut map, "the event dated", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| !d.view.timeline.is_empty() && d.table().point(0).is_some())
    });
    // Saved too, to compare the work recovered with the file reopened.
    let saved = dir.path().join("saved.json");
    map.app().apply(&ctx, Done::SaveDialog(Some(saved.clone())));
    wait(&mut map, "the save", |m| {
        m.app().state.work().is_some_and(|w| !w.is_dirty())
    });
    // A change after the save, so the copy is newer than the file.
    map.app().apply(
        &ctx,
        incident_map::action::AuthorAction::SetTitle("After the save".into()),
    );
    // The copy is written after the change, off the UI thread.
    wait(&mut map, "the recovery copy", |_| {
        std::fs::read_to_string(&copy).is_ok_and(|t| t.contains("After the save"))
    });
    drop(map);
    // The next start (after a crash: the copy is still there) offers it.
    let mut again = common::scenario_app((1400, 900));
    let offer = incident_map::recovery::offer(&copy).expect("the copy is offered");
    again
        .app()
        .state
        .set_recovery(Some(copy.clone()), Some(offer));
    again.harness().run_steps(3);
    assert!(
        again
            .harness()
            .query_by_label_contains("Unsaved work was left")
            .is_some()
    );
    again.harness().get_by_label("Recover").click();
    wait(&mut again, "the recovery", |m| {
        m.app().state.work().is_some_and(|w| w.is_dirty())
    });
    let work = again.app().state.work().unwrap();
    assert_eq!(work.dataset.sources[0].title, "Blast report");
    assert_eq!(work.dataset.sources[0].full_text(), Some(TEXT));
    // Not a file to remember: the recovery copy is in no recent list.
    assert!(!again.app().state.recent().contains(&copy.clone().into()));
    // Whole, as the file reopened is: its event on the map, under no
    // filter left from before, with its marker.
    wait(&mut again, "the recovered views", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| d.view.markers.len() == 1)
    });
    let recovered = shown_state(&mut again);
    let mut reopened = common::scenario_app((1400, 900));
    let ctx = reopened.ctx();
    reopened.app().apply(&ctx, Action::open(saved));
    common::wait_for_load(&mut reopened);
    wait(&mut reopened, "the reopened views", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| d.view.markers.len() == 1)
    });
    assert_eq!(recovered, shown_state(&mut reopened));
}

/// What a user sees of the data on screen: each event's id, point and
/// verdict, whether the filter shows everything, and the markers drawn.
fn shown_state(map: &mut OffscreenMap) -> (Vec<(String, bool, bool)>, bool, usize) {
    let state = &map.app().state;
    let doc = state.document().unwrap();
    let table = doc.table();
    let events = (0..table.len())
        .map(|i| {
            (
                table.id(i).to_string(),
                table.point(i).is_some(),
                doc.view.is_shown(i),
            )
        })
        .collect();
    (
        events,
        state.filter().is_everything(),
        doc.view.markers.len(),
    )
}

#[test]
fn evidence_is_graded_shown_filtered_and_faded() {
    let mut map = common::scenario_app((1400, 900));
    let ctx = map.ctx();
    new_work_with_source(&mut map, "Blast report", TEXT);
    wait(&mut map, "the source", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    // The source graded in the reader: B, usually reliable.
    map.harness()
        .get_by_label_contains("How reliable this source is")
        .click();
    map.harness().run_steps(2);
    map.harness().get_by_label("B: usually reliable").click();
    wait(&mut map, "the grade", |m| {
        m.app().state.work().unwrap().dataset.sources[0].reliability
            == Some(incident_map_core::model::Reliability::B)
    });
    // An event from its second sentence, its passage doubtful (4).
    event_from_words(&mut map, 13, 56);
    wait(&mut map, "the event", |m| events(m) == 1);
    reach(&mut map, "How credible what this passage says is").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("4: doubtful").click();
    wait(&mut map, "the credibility", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| d.table().credibility(0).is_some_and(|c| c.number() == 4))
    });
    let table = map.app().state.document().unwrap().table();
    assert_eq!(
        table.reliability(0),
        Some(incident_map_core::model::Reliability::B)
    );
    // The filter panel's Reliability facet lists it.
    map.harness().get_by_label("Reliability").click();
    map.harness().run_steps(2);
    assert!(
        map.harness()
            .query_by_label_contains("B: usually reliable")
            .is_some()
    );
    // View › Fade doubtful evidence: on, then off.
    assert!(!map.app().state.fade_doubtful());
    map.app().apply(&ctx, Command::ToggleFadeDoubtful);
    assert!(map.app().state.fade_doubtful());
    // Undo takes the credibility back, then the grade.
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::Z);
    wait(&mut map, "the undo", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| d.table().credibility(0).is_none())
    });
}

#[test]
fn the_editor_takes_a_region_named_a_disputed_date_and_revised_figures() {
    let text = "Police said. A raid was reported near Kaluga on Monday. Two died.";
    let mut map = common::scenario_app((1400, 900));
    new_work_with_source(&mut map, "Raid report", text);
    wait(&mut map, "the source", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    event_from_words(&mut map, 13, 55);
    wait(&mut map, "the event and the gazetteer", |m| {
        events(m) == 1
            && m.harness()
                .query_by_label("Here: Kaluga, Kaluga Oblast, Russia")
                .is_some()
    });
    // The region its words name, from the bundled outlines.
    map.harness()
        .get_by_label("In the region: Kaluga Oblast")
        .click();
    wait(&mut map, "placed in the region", |m| {
        m.app()
            .state
            .document()
            .is_some_and(|d| d.table().region(0).is_some())
    });
    let work = map.app().state.work().unwrap();
    assert_eq!(work.dataset.places[0].iso3166_2.as_deref(), Some("RU-KLU"));
    // A time typed without a zone is in the zone of the event's place
    // (Kaluga's, Moscow time), not UTC, the data set having none; and the
    // editor says so.
    assert!(
        map.harness()
            .query_by_label_contains("Europe/Moscow, the zone at the event's place")
            .is_some()
    );
    map.harness().get_by_label("When:").focus();
    map.harness()
        .get_by_label("When:")
        .type_text("2024-03-25T20:30");
    map.harness().key_press(Key::Enter);
    wait(&mut map, "the time", |m| {
        matches!(
            m.app().state.work().unwrap().dataset.events[0].when,
            incident_map_core::model::When::At(incident_map_core::model::Moment::Instant(_))
        )
    });
    let when = map.app().state.work().unwrap().dataset.events[0]
        .when
        .clone();
    let incident_map_core::model::When::At(incident_map_core::model::Moment::Instant(at)) = when
    else {
        unreachable!()
    };
    assert_eq!(at.time_zone().iana_name(), Some("Europe/Moscow"));
    assert_eq!(at.offset().seconds(), 3 * 3600);
    assert_eq!((at.hour(), at.minute()), (20, 30));
    // A disputed date, each reading with what gives it.
    map.harness().get_by_label("When:").focus();
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::A);
    map.harness()
        .get_by_label("When:")
        .type_text("2024-03-25 (police) | 2024-03-26 (the governor)");
    map.harness().key_press(Key::Enter);
    wait(&mut map, "the disputed date", |m| {
        matches!(
            m.app().state.work().unwrap().dataset.events[0].when,
            incident_map_core::model::When::Disputed(ref r) if r.len() == 2
        )
    });
    // Casualty figures as of their dates.
    map.harness().get_by_label("Casualties:").focus();
    map.harness()
        .get_by_label("Casualties:")
        .type_text("2 killed as of 2024-03-25; 3 killed, 5 injured as of 2024-03-27");
    map.harness().key_press(Key::Enter);
    wait(&mut map, "the figures", |m| {
        m.app().state.work().unwrap().dataset.events[0]
            .casualties
            .len()
            == 2
    });
    // A figure that does not read says why, and changes nothing.
    map.harness().get_by_label("Casualties:").focus();
    map.harness()
        .key_press_modifiers(Modifiers::COMMAND, Key::A);
    map.harness()
        .get_by_label("Casualties:")
        .type_text("many dead");
    map.harness().key_press(Key::Enter);
    map.harness().run_steps(3);
    assert!(
        map.harness()
            .query_by_label_contains("write a number and killed or injured")
            .is_some()
    );
    assert_eq!(
        map.app().state.work().unwrap().dataset.events[0]
            .casualties
            .len(),
        2
    );
    // A claim: what the source says beside what is on record.
    // (The docked editor scrolls: down to the claims, as a user would.)
    reach(&mut map, "Claims (0)").click();
    map.harness().run_steps(2);
    for (field, text) in [
        ("About:", "date"),
        ("The source says:", "on Monday"),
        ("On record:", "Tuesday 26 March"),
    ] {
        reach(&mut map, field).focus();
        map.harness().get_by_label(field).type_text(text);
    }
    map.harness().run_steps(2);
    reach(&mut map, "Add claim").click();
    wait(&mut map, "the claim", |m| {
        m.app().state.work().unwrap().dataset.events[0].claims.len() == 1
    });
    // A second event, related to the first.
    event_from_words(&mut map, 56, 65);
    wait(&mut map, "the second event", |m| events(m) == 2);
    reach(&mut map, "Related events (0)").click();
    map.harness().run_steps(2);
    reach(&mut map, "The other event").click();
    map.harness().run_steps(2);
    // (The entry in the list; the title is also the timeline's row.)
    map.harness()
        .query_all_by_label("A raid was reported near Kaluga on Monday.")
        .last()
        .unwrap()
        .click();
    map.harness().run_steps(2);
    reach(&mut map, "Relate").click();
    wait(&mut map, "the relation", |m| {
        m.app().state.work().unwrap().dataset.events[1]
            .relations
            .len()
            == 1
    });
    let r = &map.app().state.work().unwrap().dataset.events[1].relations[0];
    assert_eq!(r.event, "event-1");
}

/// When no system file dialog can open (no desktop portal: it gives up at
/// once), the app says so and asks for the path in a window of its own;
/// the path typed there opens the file, and Escape closes it.
#[test]
fn a_dialog_that_cannot_open_asks_for_the_path_in_its_place() {
    let mut map = common::scenario_app((1280, 800));
    common::wait_for_load(&mut map);
    let ctx = map.ctx();
    map.app()
        .apply(&ctx, Done::NoDialog(incident_map::action::PathFor::Open));
    map.harness().run_steps(3);
    assert!(
        map.app()
            .state
            .status()
            .to_string()
            .contains("No file dialog could open"),
        "{}",
        map.app().state.status()
    );
    let file = common::repo("tests/files/good/small.json");
    map.harness().get_by_label("Path:").click();
    map.harness().run_steps(2);
    map.harness()
        .get_by_label("Path:")
        .type_text(&file.to_string_lossy());
    map.harness().run_steps(2);
    map.harness().get_by_label("Open").click();
    map.harness().run_steps(2);
    wait(&mut map, "the file typed opened", |m| {
        m.app()
            .state
            .origin()
            .and_then(|o| o.file().map(|f| f.ends_with("small.json")))
            .unwrap_or(false)
    });
    assert!(map.app().state.path_prompt().is_none(), "the window closed");
    // Asked again, and left with Escape: nothing opens, the window goes.
    map.app()
        .apply(&ctx, Done::NoDialog(incident_map::action::PathFor::Export));
    map.harness().run_steps(3);
    assert!(map.harness().query_by_label("Export").is_some());
    map.harness().key_press(Key::Escape);
    map.harness().run_steps(2);
    assert!(map.app().state.path_prompt().is_none());
}

/// A source's details typed and then left (a click elsewhere, the very
/// next frame) are kept in the data set: no Apply is needed, nothing typed
/// is lost for want of one.
#[test]
fn source_details_typed_then_left_are_kept() {
    let mut map = common::scenario_app((1400, 900));
    new_work_with_source(&mut map, "Blast report", TEXT);
    wait(&mut map, "the source", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    map.harness().get_by_label("About this source").click();
    map.harness().run_steps(2);
    for (field, typed) in [("Author:", "Paul DeBenedetto"), ("Publisher:", "DNAinfo")] {
        map.harness().get_by_label(field).click();
        map.harness().run_steps(2);
        map.harness().get_by_label(field).type_text(typed);
        map.harness().run_steps(1);
        // Then straight to something else.
        map.harness().get_by_label("Source text").click();
        map.harness().run_steps(2);
    }
    wait(&mut map, "the details kept", |m| {
        let s = &m.app().state.work().unwrap().dataset.sources[0];
        s.author.as_deref() == Some("Paul DeBenedetto") && s.publisher.as_deref() == Some("DNAinfo")
    });
    // Each is one change: two steps back, and they are gone.
    let ctx = map.ctx();
    map.app().apply(&ctx, Command::Undo);
    map.app().apply(&ctx, Command::Undo);
    let s = &map.app().state.work().unwrap().dataset.sources[0];
    assert_eq!((s.author.as_deref(), s.publisher.as_deref()), (None, None));
}

/// The data set's title typed in the File menu and left with a click
/// elsewhere (no Enter, no Set) is kept.
#[test]
fn a_title_typed_in_the_file_menu_then_left_is_kept() {
    let mut map = common::scenario_app((1400, 900));
    new_work_with_source(&mut map, "Blast report", TEXT);
    wait(&mut map, "the source", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    map.harness().get_by_label("File").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("Title:").click();
    map.harness().run_steps(2);
    map.harness()
        .get_by_label("Title:")
        .type_text(" – September 2016");
    map.harness().run_steps(1);
    click_at(&mut map, egui::pos2(700.0, 500.0));
    map.harness().run_steps(2);
    wait(&mut map, "the title kept", |m| {
        m.app()
            .state
            .work()
            .is_some_and(|w| w.dataset.title.ends_with(" – September 2016"))
    });
}

/// Every letter, digit and space typed into every kind of text field:
/// each field holds exactly what was typed, and no key became a command
/// (P hides the panels, L loops, Space plays, D sets a day's window…).
/// And the same keys typed with the pointer over no field — a form's
/// empty space, the top bar — are no commands either: they act over the
/// map, the timeline and the lists only.
#[test]
fn every_key_typed_into_every_field_is_typing_not_a_command() {
    const TYPED: &str = "The quick brown fox jumps over the lazy dog 0123456789";
    let mut map = common::scenario_app((1400, 900));
    new_work_with_source(&mut map, "Blast report", TEXT);
    wait(&mut map, "the source", |m| {
        m.harness().query_by_label("Source text").is_some()
    });
    // What the keys would change, were they commands.
    let commands_state = |m: &mut OffscreenMap| {
        let s = &m.app().state;
        let p = s.playback();
        format!(
            "{:?}",
            (
                s.panels_shown(),
                p.playing,
                p.looped,
                p.accumulate,
                s.filter().window,
                s.shortcuts_open(),
                s.selected_id().map(str::to_string),
                s.work().map(|w| w.dataset.events.len()),
            )
        )
    };
    let type_into = |map: &mut OffscreenMap, label: &str, before: &str| {
        reach(map, label).click();
        map.harness().run_steps(2);
        // (The click may put the cursor inside the words: to their end.)
        map.harness().key_press(Key::End);
        map.harness().run_steps(1);
        let start = map
            .harness()
            .get_by_label(label)
            .value()
            .unwrap_or_default();
        type_keys(map, TYPED);
        let held = map
            .harness()
            .get_by_label(label)
            .value()
            .unwrap_or_default();
        assert_eq!(held, format!("{start}{TYPED}"), "the field {label}");
        assert_eq!(
            commands_state(map),
            before,
            "a key typed into {label} was a command"
        );
    };
    let before = commands_state(&mut map);
    type_into(&mut map, "Search:", &before);
    assert_eq!(map.app().state.search(), TYPED);
    // The File menu's fields.
    map.harness().get_by_label("File").click();
    map.harness().run_steps(2);
    for label in [
        "File path:",
        "Source file:",
        "Title:",
        "Time zone:",
        "Save to:",
        "Export to:",
    ] {
        type_into(&mut map, label, &before);
    }
    click_at(&mut map, egui::pos2(700.0, 500.0));
    map.harness().run_steps(2);
    // The source's details.
    map.harness().get_by_label("About this source").click();
    map.harness().run_steps(2);
    for label in ["Author:", "Publisher:", "Address:"] {
        type_into(&mut map, label, &before);
    }
    reach(&mut map, "About this source").click();
    map.harness().run_steps(2);
    // Find a place.
    let ctx = map.ctx();
    map.app().apply(&ctx, Command::FindPlace);
    map.harness().run_steps(3);
    type_into(&mut map, "Name:", &before);
    map.harness().key_press(Key::Escape);
    map.harness().run_steps(2);
    // The window asking for a path when no file dialog opens.
    map.app()
        .apply(&ctx, Done::NoDialog(incident_map::action::PathFor::Export));
    map.harness().run_steps(3);
    type_into(&mut map, "Path:", &before);
    map.harness().key_press(Key::Escape);
    map.harness().run_steps(2);
    assert!(map.app().state.path_prompt().is_none());
    // The event editor, docked, every field of it.
    map.app().apply(&ctx, Command::ClearSelection);
    event_from_words(&mut map, 13, 56);
    wait(&mut map, "the editor", |m| {
        m.harness().query_by_label("Summary:").is_some()
    });
    // The new event is selected once the views are rebuilt in the
    // background (later on a busy machine).
    wait(&mut map, "the new event selected", |m| {
        m.app().state.selected_id().is_some()
    });
    map.harness().run_steps(3);
    let before = commands_state(&mut map);
    for label in [
        "Title:",
        "When:",
        "Casualties:",
        "Actors:",
        "Summary:",
        "Notes:",
        "Find a place:",
    ] {
        type_into(&mut map, label, &before);
    }
    reach(&mut map, "Claims (0)").click();
    map.harness().run_steps(2);
    for label in ["About:", "The source says:", "On record:"] {
        type_into(&mut map, label, &before);
    }
    // The pointer over the editor's empty space (no field has the
    // keyboard): still no command.
    let blank = {
        let h = map.harness();
        let r = h.get_by_label("Close").rect();
        egui::pos2(r.left() - 120.0, r.center().y)
    };
    click_at(&mut map, blank);
    map.harness().run_steps(2);
    type_keys(&mut map, "lp d");
    assert_eq!(commands_state(&mut map), before, "typed over the editor");
    // Over the top bar's empty space: none either.
    click_at(&mut map, egui::pos2(1300.0, 12.0));
    map.harness().run_steps(2);
    type_keys(&mut map, "lp d");
    assert_eq!(commands_state(&mut map), before, "typed over the top bar");
    // The same keys over the map are commands: L loops.
    click_at(&mut map, egui::pos2(700.0, 500.0));
    map.harness().run_steps(2);
    type_keys(&mut map, "l");
    assert!(map.app().state.playback().looped, "L on the map loops");
}

/// The widget labelled `label` (or whose label starts so), scrolled into
/// view first, as a user scrolls the docked editor to it.
fn reach<'a>(map: &'a mut OffscreenMap, label: &'a str) -> egui_kittest::Node<'a> {
    let h = map.harness();
    let node = h
        .query_by_label(label)
        .or_else(|| h.query_all_by_label_contains(label).next())
        .unwrap_or_else(|| panic!("no {label:?}"));
    node.scroll_to_me();
    // (The scroll glides: until it is still.)
    h.run_steps(20);
    h.query_by_label(label)
        .or_else(|| h.query_all_by_label_contains(label).next())
        .unwrap()
}

/// `text` typed as a keyboard types it: each key pressed (what shortcuts
/// listen to), its character, the key released; a frame every few keys.
fn type_keys(map: &mut OffscreenMap, text: &str) {
    for (k, c) in text.chars().enumerate() {
        let name = match c {
            ' ' => "Space".to_string(),
            c => c.to_ascii_uppercase().to_string(),
        };
        let key = Key::from_name(&name).unwrap_or_else(|| panic!("no key for {c:?}"));
        let modifiers = if c.is_ascii_uppercase() {
            Modifiers::SHIFT
        } else {
            Modifiers::NONE
        };
        let h = map.harness();
        for pressed in [true, false] {
            h.event(egui::Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers,
            });
            if pressed {
                h.event(egui::Event::Text(c.to_string()));
            }
        }
        if k % 3 == 2 {
            h.run_steps(1);
        }
    }
    map.harness().run_steps(2);
}

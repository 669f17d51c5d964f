//! *View › Find a place…* as a user drives it (egui_kittest, headless): the
//! offline gazetteer read in the background, a name typed, the places that
//! have it listed with region and country, and the map taken to the one
//! clicked.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use incident_map::render::OffscreenMap;

mod common;

/// Steps the app until the finder lists `label` (20 s at most).
fn wait_for_place(map: &mut OffscreenMap, label: &str) {
    let start = Instant::now();
    while map.harness().query_by_label(label).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{label} was never listed; status: {}",
            map.app().state.status()
        );
        std::thread::sleep(Duration::from_millis(20));
        map.harness().run_steps(1);
    }
}

#[test]
fn krasnogorsk_is_found_and_the_map_goes_there() {
    let mut map = common::scenario_app((1400, 800));
    // From the View menu, as its key (Ctrl+G) does.
    map.harness().get_by_label("View").click();
    map.harness().run_steps(2);
    map.harness().get_by_label_contains("Find a place…").click();
    // A window shows from its second frame (the first measures it).
    map.harness().run_steps(3);
    assert!(map.app().state.place_finder().open);
    map.harness().get_by_label("Name:").focus();
    map.harness().get_by_label("Name:").type_text("Krasnogorsk");
    map.harness().run_steps(2);
    // Krasnogorsk near Moscow first, the one on Sakhalin after it.
    wait_for_place(&mut map, "Krasnogorsk, Moscow Oblast, Russia");
    let hits = &map.app().state.place_finder().hits;
    assert_eq!(hits[0].label, "Krasnogorsk, Moscow Oblast, Russia");
    assert!(
        hits.iter()
            .skip(1)
            .any(|h| h.label == "Krasnogorsk, Sakhalin Oblast, Russia"),
        "{hits:?}"
    );
    map.harness()
        .get_by_label("Krasnogorsk, Moscow Oblast, Russia")
        .click();
    map.harness().run_steps(2);
    // The map glides there; the finder closes; the status names it.
    let (to, zoom) = map.app().map().destination().expect("a destination");
    assert!(
        (to.lat - 55.819).abs() < 0.01 && (to.lon - 37.330).abs() < 0.01,
        "{to:?}"
    );
    assert!(zoom >= 12.0, "zoom {zoom}");
    assert!(!map.app().state.place_finder().open);
    assert_eq!(
        map.app().state.status().to_string(),
        "Krasnogorsk, Moscow Oblast, Russia"
    );
}

#[test]
fn a_name_in_another_script_and_enter_for_the_first() {
    let mut map = common::scenario_app((1400, 800));
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::G);
    map.harness().run_steps(2);
    map.harness().get_by_label("Name:").type_text("Калуга");
    map.harness().run_steps(2);
    wait_for_place(&mut map, "Kaluga, Kaluga Oblast, Russia");
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(2);
    let (to, _) = map.app().map().destination().expect("a destination");
    assert!((to.lat - 54.53).abs() < 0.01, "{to:?}");
    // A name no place has says so; Escape closes the window.
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::G);
    map.harness().run_steps(2);
    map.harness().get_by_label("Name:").focus();
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    map.harness().get_by_label("Name:").type_text("Qqqxyzzy");
    map.harness().run_steps(3);
    assert!(
        map.harness()
            .query_by_label_contains("No place of over 1,000 people")
            .is_some()
    );
    map.harness().key_press(egui::Key::Escape);
    map.harness().run_steps(2);
    assert!(!map.app().state.place_finder().open);
}

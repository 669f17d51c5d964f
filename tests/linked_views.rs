//! One selection, three views: a marker, a timeline row or a key selects an
//! event; the context panel shows it with its passage highlighted in the
//! source; the map comes to it. Driven headless with egui_kittest.

use egui_kittest::kittest::Queryable;
use incident_map::render::OffscreenMap;

mod common;

fn app() -> OffscreenMap {
    common::scenario_app((1400, 900))
}

/// (marker's accessible name, event id, its date as the context shows it, words of its first passage)
const EVENTS: [(&str, &str, &str, &str); 4] = [
    (
        "Map: Attack on Crocus City Hall, Krasnogorsk",
        "crocus-attack",
        "22 Mar 2024, about 20:00 MSK",
        "The second incident near Moscow",
    ),
    (
        "Map: US Embassy warns of imminent plans to attack gatherings in Moscow",
        "us-embassy-alert",
        "8 Mar 2024, 02:00–08:00 MSK",
        "prompting the U.S. Embassy in Moscow",
    ),
    (
        "Map: FSB says it stopped an IS-Khorasan cell in Kaluga Oblast",
        "fsb-kaluga-operation",
        "7 Mar 2024",
        "The Russian Federal Security Service (FSB) declared",
    ),
    (
        "Map: Kremlin reaction to the US warning",
        "kremlin-reaction",
        "date disputed",
        "The Kremlin described as “highly unusual”",
    ),
];

#[test]
fn clicking_each_marker_shows_its_title_date_and_passage_and_selects_its_row() {
    let mut map = app();
    for (marker, id, date, words) in EVENTS {
        map.harness().get_by_label(marker).click();
        map.harness().run_steps(3);
        assert_eq!(map.app().state.selected_id(), Some(id));
        let title = marker.trim_start_matches("Map: ");
        // The title shows twice: the timeline row (selected) and the context heading.
        let nodes = map.harness().get_all_by_label(title).count();
        assert!(nodes >= 2, "{title}: {nodes} nodes");
        assert!(
            map.harness()
                .get_all_by_label_contains(date)
                .next()
                .is_some(),
            "{id}: no {date:?}"
        );
        assert!(
            map.harness()
                .get_all_by_label_contains(words)
                .next()
                .is_some(),
            "{id}: passage {words:?} not shown"
        );
        // Brought into view in the source's text: its paragraph starts in
        // the lower part of the panel, and ends within the window.
        let text = map
            .harness()
            .get_by_label_contains("The source's words")
            .rect();
        let passage = map
            .harness()
            .get_all_by_label_contains(words)
            .last()
            .unwrap()
            .rect();
        assert!(
            passage.top() > text.bottom() && passage.top() < 900.0 - 40.0,
            "{id}: the passage at {passage:?} is out of view (its text begins under {text:?})"
        );
    }
}

#[test]
fn the_disputed_date_shows_every_reading_and_why() {
    let mut map = app();
    map.harness()
        .get_by_label("Map: Kremlin reaction to the US warning")
        .click();
    map.harness().run_steps(3);
    for reading in [
        "• from 8 Mar 2024 (Untitled article",
        "• 21 Feb 2022",
        "• 19 Mar 2024",
    ] {
        assert!(
            map.harness()
                .get_all_by_label_contains(reading)
                .next()
                .is_some(),
            "no reading {reading:?}"
        );
    }
    assert!(
        map.harness()
            .get_all_by_label_contains("Peskov called an earlier US embassy warning")
            .next()
            .is_some()
    );
}

#[test]
fn clicking_a_timeline_row_brings_the_map_to_the_event() {
    let mut map = app();
    let before = map.app().map().zoom();
    let start = map.app().map().position().expect("the map is framed");
    let target = (55.8257, 37.3889);
    let far = |p: walkers::Position| (p.y() - target.0).abs() + (p.x() - target.1).abs();
    // The timeline row is the selectable label with the title (the marker is "Map: ...").
    map.harness()
        .get_by_label("Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(2);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    // Under way: the map glides, it does not jump.
    let midway = map.app().map().position().unwrap();
    assert!(
        far(midway) < far(start) && far(midway) > 1e-3,
        "start {start:?}, midway {midway:?}"
    );
    map.harness().run_steps(4);
    let c = map.app().map().position().expect("the map moved");
    assert!(
        (c.y() - 55.8257).abs() < 1e-3 && (c.x() - 37.3889).abs() < 1e-3,
        "centre {c:?}"
    );
    assert!(map.app().map().zoom() >= before.max(12.0) - 1e-9);
}

#[test]
fn keys_walk_the_events_in_time_and_reach_the_undated_one() {
    let mut map = app();
    let mut seen = Vec::new();
    for _ in 0..4 {
        map.harness().key_press(egui::Key::ArrowDown);
        map.harness().run_steps(2);
        seen.push(map.app().state.selected_id().unwrap().to_string());
    }
    assert_eq!(
        seen,
        [
            "fsb-kaluga-operation",
            "us-embassy-alert",
            "crocus-attack",
            "kremlin-reaction"
        ]
    );
    map.harness().key_press(egui::Key::K);
    map.harness().run_steps(2);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    // Enter brings it into view.
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(5);
    let c = map.app().map().position().unwrap();
    assert!((c.y() - 55.8257).abs() < 1e-3, "centre {c:?}");
}

#[test]
fn a_region_level_event_frames_its_region() {
    let mut map = app();
    map.harness()
        .get_by_label("FSB says it stopped an IS-Khorasan cell in Kaluga Oblast")
        .click();
    map.harness().run_steps(3);
    let c = map.app().map().position().unwrap();
    // Kaluga Oblast spans lat 53.3–55.4, lon 33.5–37.3: framed, not a pin zoomed in.
    assert!(
        (53.8..55.0).contains(&c.y()) && (34.5..36.5).contains(&c.x()),
        "centre {c:?}"
    );
    assert!(map.app().map().zoom() < 10.0);
    // Its radius is said once, with the distance from Moscow.
    assert!(
        map.harness()
            .query_by_label_contains("SW of Moscow centre (± 136 km)")
            .is_some()
    );
    assert!(
        map.harness()
            .query_by_label_contains("within 136 km")
            .is_none()
    );
}

#[test]
fn an_event_located_by_an_area_frames_it_and_says_its_size() {
    let mut map = app();
    let ctx = map.ctx();
    let file = common::repo("tests/files/samples/geojson_unmiss_incidents.geojson");
    map.app()
        .apply(&ctx, incident_map::action::Action::open(file));
    common::wait_for_load(&mut map);
    common::dismiss_problems(&mut map);
    map.harness().get_by_label("Rumamier").click();
    map.harness().run_steps(6);
    // Rumamier's polygon spans lon 28.660–28.669, lat 9.438–9.445.
    let c = map.app().map().position().unwrap();
    assert!(
        (28.660..28.669).contains(&c.x()) && (9.438..9.445).contains(&c.y()),
        "centre {c:?}"
    );
    assert!(map.app().map().zoom() >= 15.0, "the area fills the view");
    assert!(
        map.harness()
            .query_by_label_contains("an area of 0.")
            .is_some(),
        "the context panel gives the area's size"
    );
}

#[test]
fn hovering_a_row_or_a_marker_marks_the_event_in_both_views() {
    let mut map = app();
    map.harness()
        .get_by_label("Attack on Crocus City Hall, Krasnogorsk")
        .hover();
    map.harness().run_steps(2);
    assert_eq!(
        map.app().state.pointer_over(),
        Some("crocus-attack"),
        "row hovered"
    );
    map.harness()
        .get_by_label("Map: US Embassy warns of imminent plans to attack gatherings in Moscow")
        .hover();
    map.harness().run_steps(2);
    assert_eq!(
        map.app().state.pointer_over(),
        Some("us-embassy-alert"),
        "marker hovered"
    );
}

#[test]
fn the_legend_names_every_category() {
    let mut map = app();
    for label in [
        "Warning",
        "Counter-terrorism operation",
        "Statement",
        "Attack",
    ] {
        assert!(
            map.harness().query_by_label(label).is_some(),
            "no legend entry {label:?}"
        );
    }
}

#[test]
fn the_whole_window_with_the_attack_selected() {
    let mut map = app();
    map.harness()
        .get_by_label("Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(6);
    let image = map.render(None).unwrap();
    let options = egui_kittest::SnapshotOptions::new()
        .threshold(2.0)
        .max_failed_pixels(2500);
    egui_kittest::image_snapshot_options(&image, "window_attack_selected", &options);
}

#[test]
fn hiding_a_category_in_the_legend_hides_its_events_everywhere() {
    let mut map = app();
    map.harness()
        .get_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(2);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    // Untick "Attack" in the legend.
    map.harness()
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "Attack")
        .click();
    common::wait_for_filter(&mut map);
    let state = &map.app().state;
    assert!(state.filter().hidden_categories.contains("attack"));
    assert_eq!(
        state.selected_id(),
        None,
        "a hidden event is no longer selected"
    );
    assert_eq!(
        state.status().to_string(),
        "3 of 4 events shown (1 category hidden)"
    );
    assert!(
        map.harness()
            .query_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
            .is_none()
    );
    assert!(
        map.harness()
            .query_by_label("Attack on Crocus City Hall, Krasnogorsk")
            .is_none()
    );
    assert!(
        map.harness()
            .query_by_label(
                "Map: US Embassy warns of imminent plans to attack gatherings in Moscow"
            )
            .is_some()
    );
    // Walking the events in time skips it.
    let mut seen = Vec::new();
    for _ in 0..3 {
        map.harness().key_press(egui::Key::ArrowDown);
        map.harness().run_steps(1);
        seen.push(map.app().state.selected_id().unwrap().to_string());
    }
    assert_eq!(
        seen,
        [
            "fsb-kaluga-operation",
            "us-embassy-alert",
            "kremlin-reaction"
        ]
    );
    // Exporting what is shown leaves it out; exporting everything does not.
    let dir = tempfile::tempdir().unwrap();
    let ctx = map.ctx();
    for (only_shown, expected) in [(true, 3), (false, 4)] {
        let path = dir.path().join(format!("{only_shown}.geojson"));
        map.app().apply(
            &ctx,
            incident_map::action::DocumentAction::Export {
                path: path.clone(),
                only_shown,
            },
        );
        common::wait_for_export(&mut map);
        let back = incident_map_core::formats::load(&path, &Default::default()).unwrap();
        assert_eq!(back.usable().unwrap().to_dataset().events.len(), expected);
    }
    // Published, what is shown is what the page holds.
    let page = dir.path().join("shown.html");
    map.app().apply(
        &ctx,
        incident_map::action::DocumentAction::Publish(page.clone()),
    );
    let status = common::wait_for_export(&mut map);
    assert!(status.starts_with("Published 3 of 4 events"), "{status}");
    let index = incident_map_core::publish::read_index(&std::fs::read_to_string(&page).unwrap())
        .expect("a published page");
    let mut ids: Vec<&str> = index["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "fsb-kaluga-operation",
            "kremlin-reaction",
            "us-embassy-alert"
        ]
    );
    // Ticked again, it is back.
    map.harness()
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "Attack")
        .click();
    common::wait_for_filter(&mut map);
    assert!(
        map.harness()
            .query_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
            .is_some()
    );
}

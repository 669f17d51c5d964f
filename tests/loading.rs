//! Opening files from the app (egui_kittest, headless): through the File
//! menu's path field, on a background thread. A bad file leaves the data on
//! screen and lists its problems; a good one replaces it; the selection
//! survives reloading the same file.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use incident_map::ui::Action;
use incident_map::ui::render::OffscreenMap;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn app() -> OffscreenMap {
    let mut map = OffscreenMap::new(
        &root().join("data/moscow-march-2024.json"),
        None,
        (1400, 800),
    );
    map.harness().run_steps(3);
    map
}

/// Opens `path` through File > File path > Load, and waits for the load.
fn open_through_the_menu(map: &mut OffscreenMap, path: &std::path::Path) {
    map.harness().get_by_label("File").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("File path:").click();
    map.harness().run_steps(1);
    map.harness()
        .get_by_label("File path:")
        .type_text(&path.display().to_string());
    map.harness().run_steps(1);
    map.harness().get_by_label("Load").click();
    map.harness().run_steps(2);
    wait_for_load(map);
}

fn wait_for_load(map: &mut OffscreenMap) {
    let start = Instant::now();
    while map.app().state.loading.is_some() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the load never finished"
        );
        std::thread::sleep(Duration::from_millis(10));
        map.harness().run_steps(1);
    }
    map.harness().run_steps(2);
}

#[test]
fn a_bad_file_keeps_the_data_on_screen_and_lists_its_problems() {
    let mut map = app();
    let bad = root().join("tests/files/bad/truncated.json");
    open_through_the_menu(&mut map, &bad);
    let state = &map.app().state;
    assert_eq!(
        state.dataset.as_ref().unwrap().events.len(),
        4,
        "the scenario is still shown"
    );
    assert!(
        state
            .path
            .as_ref()
            .unwrap()
            .ends_with("data/moscow-march-2024.json")
    );
    assert!(
        state
            .status
            .as_deref()
            .unwrap()
            .contains("was not opened: 1 errors. The data shown is unchanged."),
        "{:?}",
        state.status
    );
    let problems = state.problems.as_ref().expect("the problems are listed");
    assert!(!problems.opened);
    assert!(
        problems
            .text
            .contains("truncated.json:41:19: error: invalid JSON: unterminated array"),
        "{}",
        problems.text
    );
    // And on screen, in a window the user can copy from.
    assert!(
        map.harness()
            .query_by_label("The file was not opened")
            .is_some()
    );
    assert!(map.harness().query_by_label("Copy all").is_some());
}

#[test]
fn a_good_file_replaces_the_data_and_joins_the_recent_files() {
    let mut map = app();
    let good = root().join("tests/files/good/small.json");
    open_through_the_menu(&mut map, &good);
    let state = &map.app().state;
    let ds = state.dataset.as_ref().unwrap();
    assert_eq!(ds.events.len(), 2);
    assert_eq!(state.timeline.order.len(), 2, "the timeline was rebuilt");
    assert_eq!(state.recent.first(), Some(&good));
    assert!(state.problems.is_none(), "a clean file shows no problems");
    assert!(
        map.harness().get_all_by_label("Attack").next().is_some(),
        "its events are in the timeline"
    );
}

#[test]
fn the_selection_survives_reloading_the_same_file() {
    let mut map = app();
    map.harness()
        .get_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(2);
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        Action::Open(root().join("data/moscow-march-2024.json")),
    );
    wait_for_load(&mut map);
    assert_eq!(map.app().state.selected.as_deref(), Some("crocus-attack"));
    // A file without that event clears it.
    map.app().apply(
        &ctx,
        Action::Open(root().join("tests/files/good/small.json")),
    );
    wait_for_load(&mut map);
    assert_eq!(map.app().state.selected, None);
}

#[test]
fn cancelling_a_load_keeps_the_data() {
    let mut map = app();
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        Action::Open(root().join("tests/files/good/small.json")),
    );
    map.app().apply(&ctx, Action::CancelLoad);
    map.harness().run_steps(3);
    std::thread::sleep(Duration::from_millis(200));
    map.harness().run_steps(3);
    assert_eq!(map.app().state.dataset.as_ref().unwrap().events.len(), 4);
    assert!(
        map.app()
            .state
            .status
            .as_deref()
            .unwrap()
            .starts_with("Stopped opening")
    );
}

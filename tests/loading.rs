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
    assert_eq!(
        state.index.timeline.order.len(),
        2,
        "the timeline was rebuilt"
    );
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

#[test]
fn another_file_is_framed_on_the_map() {
    let mut map = app();
    let dir = tempfile::tempdir().unwrap();
    let paris = dir.path().join("paris.json");
    let mut ds = incident_map::markers::synthetic(1);
    ds.events[0].location.as_mut().unwrap().point = Some(incident_map::model::LatLon {
        lat: 48.8566,
        lon: 2.3522,
    });
    std::fs::write(&paris, incident_map::formats::native::write(&ds)).unwrap();
    let ctx = map.ctx();
    map.app().apply(&ctx, Action::Open(paris));
    wait_for_load(&mut map);
    map.harness().run_steps(5);
    let c = map.app().map.memory.detached().unwrap();
    assert!(
        (c.y() - 48.8566).abs() < 0.05 && (c.x() - 2.3522).abs() < 0.05,
        "centre {c:?}"
    );
}

#[test]
fn a_load_reports_its_stages_and_stops_when_cancelled() {
    use incident_map::formats::{self, LoadOptions, Progress, Stage};
    use std::sync::Arc;
    let file = root().join("data/moscow-march-2024.json");
    let progress = Arc::new(Progress::default());
    assert_eq!(progress.describe(), "reading");
    let options = LoadOptions {
        progress: Some(progress.clone()),
        ..LoadOptions::default()
    };
    let loaded = formats::load(&file, &options).unwrap();
    assert!(loaded.usable().is_some());
    assert_eq!(progress.stage(), Stage::Anchoring, "the last step it took");
    assert_eq!(progress.fraction_read(), None, "reading is over");
    progress.set_stage(Stage::Reading);
    assert_eq!(progress.describe(), "reading 100%");

    // Cancelled: it stops at its next step, with an error that says so.
    let progress = Arc::new(Progress::default());
    progress.cancel();
    let options = LoadOptions {
        progress: Some(progress),
        ..LoadOptions::default()
    };
    let err = formats::load(&file, &options).unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    // The app's loader gives no data either.
    let cancelled = Arc::new(Progress::default());
    cancelled.cancel();
    assert!(incident_map::ui::loading::load(&file, Some(cancelled)).is_err());
}

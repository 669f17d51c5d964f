//! Opening files from the app (egui_kittest, headless): through the File
//! menu's path field, on a background thread. A bad file leaves the data on
//! screen and lists its problems; a good one replaces it; the selection
//! survives reloading the same file.

use std::path::PathBuf;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use incident_map::action::Action;
use incident_map::command::Command;
use incident_map::render::OffscreenMap;

mod common;
use common::{repo, scenario, wait_for_load};

fn app() -> OffscreenMap {
    common::scenario_app((1400, 800))
}

/// Types `path` into File > File path.
fn type_in_the_path_field(map: &mut OffscreenMap, path: &std::path::Path) {
    map.harness().get_by_label("File").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("File path:").click();
    map.harness().run_steps(1);
    map.harness()
        .get_by_label("File path:")
        .type_text(&path.display().to_string());
    map.harness().run_steps(1);
}

/// Opens `path` through File > File path > Load, and waits for the load.
fn open_through_the_menu(map: &mut OffscreenMap, path: &std::path::Path) {
    type_in_the_path_field(map, path);
    map.harness().get_by_label("Load").click();
    map.harness().run_steps(2);
    wait_for_load(map);
}

#[test]
fn a_bad_file_keeps_the_data_on_screen_and_lists_its_problems() {
    let mut map = app();
    let bad = repo("tests/files/bad/truncated.json");
    open_through_the_menu(&mut map, &bad);
    let state = &map.app().state;
    assert_eq!(
        state.store().unwrap().len(),
        4,
        "the scenario is still shown"
    );
    assert!(
        state
            .origin()
            .and_then(|o| o.file())
            .unwrap()
            .ends_with("data/moscow-march-2024.json")
    );
    assert!(
        state
            .status()
            .to_string()
            .contains("was not opened: 1 errors. The data shown is unchanged."),
        "{}",
        state.status()
    );
    let problems = state.problems().expect("the problems are listed");
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
fn thousands_of_problems_show_the_first_few_hundred_and_copy_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let n = 3000;
    let mut csv = String::from("event_id_cnty,event_date,latitude,longitude,notes\n");
    for i in 0..n {
        // Every other row has a latitude off the globe: skipped, reported.
        let lat = if i % 2 == 0 { "95" } else { "55.75" };
        csv.push_str(&format!("E{i},2024-01-02,{lat},37.6,note {i}\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let mut map = app();
    open_through_the_menu(&mut map, &path);
    let state = &map.app().state;
    assert_eq!(
        state.store().map(|s| s.len()),
        Some(n / 2),
        "{}",
        state.status()
    );
    let problems = state.problems().expect("the problems are listed").clone();
    assert!(
        problems.opened,
        "skipped rows do not keep the file from opening"
    );
    assert_eq!(problems.count, n / 2);
    assert_eq!(
        problems.text.matches("latitude 95 is out of range").count(),
        n / 2
    );
    assert!(problems.shown.len() < problems.text.len() / 5);
    assert!(
        problems
            .shown
            .ends_with("or run `incident-map check` on the file."),
        "{}",
        &problems.shown[problems.shown.len().saturating_sub(300)..]
    );
    map.harness().run_steps(2);
    assert!(map.harness().query_by_label("Copy all").is_some());
}

#[test]
fn a_good_file_replaces_the_data_and_joins_the_recent_files() {
    let mut map = app();
    let good = repo("tests/files/good/small.json");
    open_through_the_menu(&mut map, &good);
    let state = &map.app().state;
    assert_eq!(state.store().unwrap().len(), 2);
    assert_eq!(
        state.view().unwrap().timeline.order.len(),
        2,
        "the timeline was rebuilt"
    );
    assert_eq!(state.recent().first(), Some(&good.clone().into()));
    assert!(state.problems().is_none(), "a clean file shows no problems");
    assert!(
        map.harness().get_all_by_label("Attack").next().is_some(),
        "its events are in the timeline"
    );
}

#[test]
fn enter_in_the_path_field_loads_the_file() {
    let mut map = app();
    type_in_the_path_field(&mut map, &repo("tests/files/good/small.json"));
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(2);
    wait_for_load(&mut map);
    let events = map.app().state.store().unwrap().len();
    assert_eq!(events, 2, "{}", map.app().state.status());
    // Enter went to the field, not to the map: nothing was selected or focused.
    assert_eq!(map.app().state.selected_id(), None);
}

#[test]
fn the_selection_survives_reloading_the_same_file() {
    let mut map = app();
    map.harness()
        .get_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(2);
    let ctx = map.ctx();
    map.app().apply(&ctx, Action::open(scenario()));
    wait_for_load(&mut map);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    // A file without that event clears it.
    map.app()
        .apply(&ctx, Action::open(repo("tests/files/good/small.json")));
    wait_for_load(&mut map);
    assert_eq!(map.app().state.selected_id(), None);
}

#[test]
fn cancelling_a_load_keeps_the_data() {
    let mut map = app();
    let ctx = map.ctx();
    map.app()
        .apply(&ctx, Action::open(repo("tests/files/good/small.json")));
    map.app().apply(&ctx, Command::CancelLoad);
    map.harness().run_steps(3);
    std::thread::sleep(Duration::from_millis(200));
    map.harness().run_steps(3);
    assert_eq!(map.app().state.store().unwrap().len(), 4);
    assert!(
        map.app()
            .state
            .status()
            .to_string()
            .starts_with("Stopped opening")
    );
}

#[test]
fn another_file_is_framed_on_the_map() {
    let mut map = app();
    let dir = tempfile::tempdir().unwrap();
    let paris = dir.path().join("paris.json");
    let mut ds = incident_map_core::markers::synthetic(1);
    ds.events[0].location.as_mut().unwrap().point = Some(incident_map_core::model::LatLon {
        lat: 48.8566,
        lon: 2.3522,
    });
    std::fs::write(&paris, incident_map_core::formats::native::write(&ds)).unwrap();
    let ctx = map.ctx();
    map.app().apply(&ctx, Action::open(paris));
    wait_for_load(&mut map);
    map.harness().run_steps(5);
    let c = map.app().map().position().unwrap();
    assert!(
        (c.y() - 48.8566).abs() < 0.05 && (c.x() - 2.3522).abs() < 0.05,
        "centre {c:?}"
    );
}

#[test]
fn a_load_reports_its_stages_and_stops_when_cancelled() {
    use incident_map_core::formats::{self, LoadOptions, Progress, Stage};
    use std::sync::Arc;
    let file = scenario();
    let progress = Arc::new(Progress::default());
    assert_eq!(progress.describe(), "reading");
    let options = LoadOptions {
        progress: Some(progress.clone()),
        ..LoadOptions::default()
    };
    let loaded = formats::load(&file, &options).unwrap();
    assert!(loaded.usable().is_some());
    assert_eq!(progress.stage(), Stage::Anchoring, "the last step it took");
    assert_eq!(progress.fraction_read(), None, "anchoring does not count");
    progress.set_fraction(Stage::Parsing, 0.3);
    assert_eq!(progress.describe(), "parsing 30%");

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
    let regions = incident_map_core::geography::RegionIndex::bundled();
    assert!(
        incident_map::background::load(
            &file.into(),
            Some(cancelled),
            &regions,
            &Default::default()
        )
        .is_err()
    );
}

/// A file dropped on the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops a file on the window, as a user drags it from their file manager.
fn drop_file(map: &mut OffscreenMap, path: PathBuf) {
    map.harness()
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    map.harness().run_steps(1);
    wait_for_load(map);
    map.harness().run_steps(5);
}

#[test]
fn a_gdelt_day_opens_quietly_on_the_world_map_and_a_marker_shows_its_record() {
    let mut map = app();
    drop_file(&mut map, repo("tests/files/interop/20240324.export.CSV"));
    assert_eq!(map.app().state.store().unwrap().len(), 3);
    // No problems window; the status bar says what there is to say.
    assert!(map.app().state.problems().is_none());
    assert!(
        map.harness()
            .query_by_label_contains("3 events; they cite no source passage")
            .is_some()
    );
    // Nairobi on the drawn world map, not grey.
    assert!(!map.app().map().outside_basemap());
    assert!(
        map.harness()
            .query_by_label("Map: Protest: POLICE – PROTESTER")
            .is_some()
    );
    map.harness()
        .get_by_label("Map: Protest: POLICE – PROTESTER")
        .click();
    map.harness().run_steps(3);
    // The context: its actors and GDELT's fields kept in its notes.
    for shown in [
        "POLICE; PROTESTER",
        "Place: Nairobi, Nairobi Area, Kenya",
        "Mentions: 10",
        "Goldstein scale: -7.5",
        "CAMEO event code: 145",
    ] {
        assert!(
            map.harness().query_by_label_contains(shown).is_some(),
            "{shown} is not shown"
        );
    }
    assert!(
        map.harness()
            .query_by_label("Source: https://example.org/news/nairobi-protest")
            .is_some()
    );
    // The one without a point is on the timeline, marked so.
    assert!(
        map.harness()
            .query_by_label_contains("24 Mar 2024 · not on the map")
            .is_some()
    );
}

#[test]
fn files_of_other_tools_open_by_drag_and_drop() {
    let mut map = app();
    assert!(!map.app().map().outside_basemap());
    let samples = repo("tests/files/samples");
    // GeoJSON: its polygons and points on the map, framed.
    drop_file(&mut map, samples.join("geojson_unmiss_incidents.geojson"));
    assert_eq!(map.app().state.store().unwrap().len(), 5);
    // Its only remark (no passages cited) opens no window: the status bar
    // says it, and Problems… lists it for whoever looks.
    assert!(map.app().state.problems().is_none(), "no problems window");
    assert!(
        map.harness()
            .query_by_label_contains("they cite no source passage")
            .is_some()
    );
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        incident_map::action::Action::Command(incident_map::command::Command::ShowProblems),
    );
    let listed = map
        .app()
        .state
        .problems()
        .expect("Problems… lists it")
        .clone();
    assert!(format!("{listed:?}").contains("no-passage"), "{listed:?}");
    common::dismiss_problems(&mut map);
    map.harness().run_steps(2);
    assert!(map.harness().query_by_label("Map: Rumamier").is_some());
    // South Sudan is on the offline world map (land, not grey), at less
    // detail than the view's zoom: the map says so.
    assert!(!map.app().map().outside_basemap());
    let deepest = map.app().map().coarse_basemap();
    let zoom = map.app().map().zoom();
    assert_eq!(
        deepest,
        Some(6),
        "the world's detail ends at zoom 6 (view at {zoom})"
    );
    // TimelineJS: no places, so the events are listed and marked as not on the map.
    drop_file(&mut map, samples.join("timelinejs_women_in_computing.json"));
    common::dismiss_problems(&mut map);
    map.harness().run_steps(2);
    assert_eq!(map.app().state.store().unwrap().len(), 10);
    // The map says why it has no markers: all ten are unplaced.
    assert!(map.app().state.view().unwrap().markers.is_empty());
    assert_eq!(map.app().state.view().unwrap().markers.unplaced(), 10);
    // The histogram's bins are years, not days, from 1815.
    let h = &map.app().state.view().unwrap().histogram;
    assert_eq!(h.size, Some(incident_map_core::histogram::BinSize::Year));
    let first = jiff::Timestamp::from_second(h.edges[0]).unwrap();
    assert_eq!(
        first.to_zoned_datetime(jiff::tz::TimeZone::UTC).year(),
        1815
    );
    assert!(map.harness().query_by_label("Ada Lovelace").is_some());
    assert!(
        map.harness()
            .query_by_label_contains("10 Dec 1815 – 27 Nov 1852 · not on the map")
            .is_some()
    );
    // KML and ACLED CSV.
    for (file, marker) in [
        ("kml_TimeTest.kml", "Map: startPointMarker"),
        (
            "acled_sample_2024_format.csv",
            "Map: Peaceful protest: Dawran ad Daydah",
        ),
    ] {
        drop_file(&mut map, samples.join(file));
        common::dismiss_problems(&mut map);
        map.harness().run_steps(2);
        assert!(map.harness().query_by_label(marker).is_some(), "{file}");
    }
}

#[test]
fn export_writes_all_events_or_those_in_view() {
    let mut map = app();
    let dir = tempfile::tempdir().unwrap();
    let ctx = map.ctx();
    let all = dir.path().join("all.geojson");
    map.app().apply(
        &ctx,
        incident_map::action::DocumentAction::Export {
            path: all.clone(),
            only_shown: false,
        },
    );
    let status = common::wait_for_export(&mut map);
    assert!(status.starts_with("Exported 4 of 4 events"), "{status}");
    let back = incident_map_core::formats::load(&all, &Default::default()).unwrap();
    assert_eq!(back.usable().unwrap().to_dataset().events.len(), 4);
    // Zoomed on Crocus City Hall, only the attack is in view.
    map.app().map_mut().look_at(
        incident_map_core::model::LatLon {
            lat: 55.8257,
            lon: 37.3889,
        },
        14.0,
    );
    map.harness().run_steps(2);
    let in_view = dir.path().join("view.csv");
    map.app().apply(
        &ctx,
        incident_map::action::DocumentAction::Export {
            path: in_view.clone(),
            only_shown: true,
        },
    );
    let status = common::wait_for_export(&mut map);
    assert!(status.starts_with("Exported 1 of 4 events"), "{status}");
    let back = incident_map_core::formats::load(&in_view, &Default::default()).unwrap();
    assert_eq!(
        back.usable().unwrap().to_dataset().events[0].id,
        "crocus-attack"
    );
    // Never over the file that is open, and only formats it writes.
    for (path, message) in [
        (scenario(), "that is the file you opened"),
        (
            dir.path().join("x.kml"),
            "name the file .geojson, .csv or .json",
        ),
    ] {
        map.app().apply(
            &ctx,
            incident_map::action::DocumentAction::Export {
                path,
                only_shown: false,
            },
        );
        let status = map.app().state.status().to_string();
        assert!(status.contains(message), "{status}");
    }
}

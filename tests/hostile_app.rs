//! The app under the hostile files of `tests/hostile.rs` (egui_kittest,
//! offscreen): whatever a file does, the app stays alive, the data on
//! screen stays when the file cannot be opened, and the problems are listed
//! where they are. One case per class.

use std::path::PathBuf;

use incident_map::action::Action;
use incident_map::render::OffscreenMap;

mod common;
use common::{repo, wait_for_load};

fn open(map: &mut OffscreenMap, path: PathBuf) -> String {
    let ctx = map.ctx();
    map.app().apply(&ctx, Action::open(path));
    wait_for_load(map);
    map.app().state.status().to_string()
}

/// The scenario is still what the app shows.
fn scenario_still_shown(map: &mut OffscreenMap, case: &str) {
    assert_eq!(map.app().state.store().map(|s| s.len()), Some(4), "{case}");
    assert!(
        map.app()
            .state
            .origin()
            .and_then(|o| o.file())
            .unwrap()
            .ends_with("data/moscow-march-2024.json"),
        "{case}"
    );
    // And still drawn: a frame runs, the markers are there.
    map.harness().run_steps(2);
    assert!(common::markers_in_the_clear(map) > 0, "{case}");
}

#[test]
fn files_that_cannot_be_opened_leave_the_data_on_screen_and_say_why() {
    let mut map = common::scenario_app((1280, 800));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let cases: Vec<(PathBuf, &str)> = vec![
        // Not files at all.
        (fifo, "named pipe"),
        (dir.path().to_path_buf(), "folder"),
        (PathBuf::from("/dev/zero"), "character device"),
        // Broken in ways that keep a file from opening.
        (
            repo("tests/files/hostile/unterminated-quote.csv"),
            "was not opened",
        ),
        (repo("tests/files/hostile/cut-short.kml"), "was not opened"),
        (repo("tests/files/hostile/raw-tab.json"), "was not opened"),
        (
            repo("tests/files/hostile/offset-25-hours.json"),
            "was not opened",
        ),
        (
            repo("tests/files/hostile/root-past-end.pmtiles"),
            "was not opened",
        ),
        (
            repo("tests/files/hostile/terminal-escapes.json"),
            "was not opened",
        ),
    ];
    for (path, why) in cases {
        let status = open(&mut map, path.clone());
        assert!(status.contains(why), "{}: {status}", path.display());
        scenario_still_shown(&mut map, &path.display().to_string());
        // What the file holds is shown escaped, never raw.
        if let Some(problems) = map.app().state.problems() {
            assert!(!problems.text.contains('\u{1b}'), "{}", problems.text);
        }
        let ctx = map.ctx();
        map.app()
            .apply(&ctx, incident_map::action::WindowAction::DismissProblems);
    }
}

#[test]
fn files_that_open_with_problems_list_them_in_place() {
    let mut map = common::scenario_app((1280, 800));
    for (file, events, problem) in [
        ("empty-coordinates.kml", 2, "its <coordinates/> are empty"),
        (
            "timelinejs-off-the-globe.json",
            3,
            "is not a point on the globe",
        ),
        ("crlf-bad-row.csv", 1, "crlf-bad-row.csv:3:1: error: row 3"),
    ] {
        let status = open(&mut map, repo(&format!("tests/files/hostile/{file}")));
        assert_eq!(
            map.app().state.store().map(|s| s.len()),
            Some(events),
            "{file}: {status}"
        );
        let problems = map.app().state.problems().expect("problems listed").clone();
        assert!(problems.text.contains(problem), "{file}: {}", problems.text);
        assert!(
            !problems.text.contains('\u{1b}'),
            "{file}: raw escapes shown"
        );
        map.harness().run_steps(2);
        let ctx = map.ctx();
        map.app()
            .apply(&ctx, incident_map::action::WindowAction::DismissProblems);
    }
}

#[test]
fn a_hostile_basemap_is_refused_and_the_map_keeps_its_own() {
    let mut map = common::scenario_app((1280, 800));
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        incident_map::action::DocumentAction::UseBasemap(Some(repo(
            "tests/files/hostile/root-past-end.pmtiles",
        ))),
    );
    map.harness().run_steps(3);
    let status = map.app().state.status().to_string();
    assert!(status.contains("lies past the end of the file"), "{status}");
    assert!(
        map.app()
            .map()
            .basemap_path()
            .is_some_and(|p| p.ends_with("basemap.pmtiles")),
        "the bundled basemap stays"
    );
    scenario_still_shown(&mut map, "basemap");
}

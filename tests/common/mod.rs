//! What the test binaries share: paths inside the repository, and the app
//! opened offscreen on the bundled scenario.

// Each test binary uses only part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::kittest::{NodeT, Queryable};
use incident_map::render::OffscreenMap;

/// `rel`, a path inside the repository.
pub fn repo(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The bundled scenario's data file.
pub fn scenario() -> PathBuf {
    repo("data/moscow-march-2024.json")
}

/// The whole window on the bundled scenario, `size` pixels, first frames drawn.
pub fn scenario_app(size: (u32, u32)) -> OffscreenMap {
    let mut map = OffscreenMap::new(&scenario(), None, size);
    map.harness().run_steps(3);
    map
}

/// Steps the app until its load has finished (20 s at most).
pub fn wait_for_load(map: &mut OffscreenMap) {
    let start = Instant::now();
    while map.app().state.loading().is_some() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the load never finished"
        );
        std::thread::sleep(Duration::from_millis(10));
        map.harness().run_steps(1);
    }
    map.harness().run_steps(2);
}

/// Asserts that every marker on the map is drawn clear of the legend, the
/// zoom buttons and the time window's date, and between them from side to
/// side; returns how many markers there are.
pub fn markers_in_the_clear(map: &mut OffscreenMap) -> usize {
    let legend = map.app().map().legend_rect().expect("a legend");
    let controls = ["+", "−", "Fit"]
        .iter()
        .map(|l| map.harness().get_by_label(l).rect())
        .reduce(|a, b| a.union(b))
        .unwrap()
        .expand(4.0);
    let markers: Vec<_> = map
        .harness()
        .get_all_by_label_contains("Map: ")
        .map(|n| (n.rect(), n.accesskit_node().label().unwrap_or_default()))
        .collect();
    // The time window's date, when shown, hides none either.
    let caption = map
        .harness()
        .query_all_by_label_contains("Time window: ")
        .next()
        .map(|n| n.rect());
    for (rect, name) in &markers {
        assert!(
            caption.is_none_or(|c| !rect.intersects(c)),
            "{name} at {rect:?} is under the window's date at {caption:?}"
        );
        assert!(
            !rect.intersects(controls) && !rect.intersects(legend.expand(4.0)),
            "{name} at {rect:?} is under the controls {controls:?} or the legend {legend:?}"
        );
        assert!(
            rect.left() > legend.left() - 10.0
                && rect.right() < controls.right() + 10.0
                && rect.top() > legend.top() - 10.0,
            "{name} at {rect:?} is at or past the map's edge"
        );
    }
    markers.len()
}

/// Closes the problems window; what it listed, if it was open.
pub fn dismiss_problems(map: &mut OffscreenMap) -> Option<incident_map::state::Problems> {
    let problems = map.app().state.problems().cloned();
    let ctx = map.ctx();
    map.app()
        .apply(&ctx, incident_map::action::WindowAction::DismissProblems);
    problems
}

/// The problems of the file opened last, as *View → Problems…* lists them
/// (also when the file opened quietly), the window closed after.
pub fn listed_problems(map: &mut OffscreenMap) -> Option<incident_map::state::Problems> {
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        incident_map::action::Action::Command(incident_map::command::Command::ShowProblems),
    );
    dismiss_problems(map)
}

/// Steps the app until an export (or a publish) has finished; the status it left.
pub fn wait_for_export(map: &mut OffscreenMap) -> String {
    let start = Instant::now();
    loop {
        map.harness().run_steps(1);
        let status = map.app().state.status().to_string();
        if !status.starts_with("Exporting") && !status.starts_with("Publishing") {
            return status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the export never finished: {status}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Steps the app until a filter has been applied (its views built and shown).
pub fn wait_for_filter(map: &mut OffscreenMap) {
    let start = Instant::now();
    map.harness().run_steps(1);
    while !map.app().state.view_is_current() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the filter never finished"
        );
        std::thread::sleep(Duration::from_millis(10));
        map.harness().run_steps(1);
    }
    map.harness().run_steps(2);
}

/// The ids of the events in an incident-map JSON file, sorted.
pub fn event_ids(path: &std::path::Path) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut ids: Vec<String> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

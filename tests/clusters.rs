//! Dense data on the map: clusters with exact counts that zoom in when
//! clicked, and a list for events stacked on one spot. The data is the
//! synthetic set of `incident_map_core::markers::synthetic`, written to a temp file.

use egui_kittest::kittest::{NodeT, Queryable};
use incident_map::render::OffscreenMap;
use incident_map_core::markers::synthetic;
use incident_map_core::model::LatLon;

mod common;

fn app_with(n: usize) -> (OffscreenMap, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dense.json");
    std::fs::write(
        &path,
        incident_map_core::formats::native::write(&synthetic(n)),
    )
    .unwrap();
    let mut map = OffscreenMap::new(&path, None, (1280, 800)).map_only();
    assert_eq!(
        map.app().state.store().map(|d| d.len()),
        Some(n),
        "{}",
        map.app().state.status()
    );
    // Synthetic events cite no source: one warning says so for them all,
    // in the problems list; the file opens without a window (the status
    // bar says it).
    assert!(map.app().state.problems().is_none());
    let status = map.app().state.status().to_string();
    assert!(status.contains("cite no source passage"), "{status}");
    let problems = common::listed_problems(&mut map).expect("warnings");
    assert_eq!(problems.count, 1, "{}", problems.text);
    assert!(
        problems
            .text
            .contains(&format!("{n} of {n} events cite no passage")),
        "{}",
        problems.text
    );
    map.harness().run_steps(2);
    (map, dir)
}

/// "Cluster of 123 events" → 123.
fn count_of(label: &str) -> usize {
    label
        .trim_start_matches("Cluster of ")
        .trim_end_matches(" events")
        .parse()
        .unwrap()
}

#[test]
fn clusters_count_every_event_exactly_and_zoom_in_when_clicked() {
    let (mut map, _dir) = app_with(3000);
    // Framed on all the data: every event is in a cluster or drawn alone.
    let labels: Vec<String> = map
        .harness()
        .get_all_by_label_contains("Cluster of ")
        .map(|n| n.accesskit_node().label().unwrap_or_default().to_string())
        .collect();
    assert!(!labels.is_empty());
    let in_clusters: usize = labels.iter().map(|l| count_of(l)).sum();
    let alone = map
        .harness()
        .get_all_by_label_contains("Map: Event ")
        .count();
    assert_eq!(in_clusters + alone, 3000, "{labels:?}");

    // Clicking the largest one zooms the map in, towards it.
    let largest = labels.iter().max_by_key(|l| count_of(l)).unwrap().clone();
    let before = map.app().map().zoom();
    map.harness().get_by_label(&largest).click();
    map.harness().run_steps(6);
    assert!(
        map.app().map().zoom() >= before.floor() + 1.0,
        "{before} -> {}",
        map.app().map().zoom()
    );
}

#[test]
fn a_cluster_on_one_spot_lists_its_events_to_choose_from() {
    // synthetic() stacks ten events on each of 50 spots: 55.75 N 37.6 E is one.
    let (mut map, _dir) = app_with(5000);
    map.app().map_mut().look_at(
        LatLon {
            lat: 55.75,
            lon: 37.6,
        },
        18.0,
    );
    map.harness().run_steps(2);
    map.harness().get_by_label("Cluster of 10 events").click();
    map.harness().run_steps(2);
    assert_eq!(map.app().state.listed().map(<[usize]>::len), Some(10));
    // A new window takes a few frames to lay itself out.
    map.harness().run_steps(3);
    assert!(
        map.harness()
            .query_by_label("10 events at one spot")
            .is_some()
    );
    let zoom = map.app().map().zoom();
    assert!((zoom - 18.0).abs() < 1e-9, "listing does not zoom: {zoom}");
    map.harness().get_by_label("Event 0 (date unknown)").click();
    map.harness().run_steps(2);
    assert_eq!(map.app().state.selected_id(), Some("e0"));
    // The selected event is drawn even inside its cluster.
    assert!(map.harness().query_by_label("Map: Event 0").is_some());
    map.harness().get_by_label("Close").click();
    map.harness().run_steps(1);
    assert!(map.app().state.listed().is_none());
}

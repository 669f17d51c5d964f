//! The app's window as a user drives it (egui_kittest, headless): the zoom
//! buttons and keys, fitting the data, clicking a marker by its accessible
//! name, and a basemap that fails to open leaving the current one in place.

use egui_kittest::kittest::Queryable;
use incident_map::action::Action;
use incident_map::render::OffscreenMap;
use incident_map::settings::Settings;
use incident_map_core::model::LatLon;

mod common;

fn app() -> OffscreenMap {
    common::scenario_app((1400, 800))
}

#[test]
fn opens_on_moscow_and_kaluga_oblast() {
    let mut map = app();
    let zoom = map.app().map().zoom();
    assert!((6.5..9.0).contains(&zoom), "zoom {zoom}");
    // Both the Kremlin and Kaluga city are in view: the centre lies between them.
    let c = map.app().map().position().expect("the view is set");
    assert!(
        (54.3..56.0).contains(&c.y()) && (35.0..37.7).contains(&c.x()),
        "centre {c:?}"
    );
}

#[test]
fn zoom_buttons_and_keys_change_the_zoom_by_one() {
    let mut map = app();
    let z0 = map.app().map().zoom();
    map.harness().get_by_label("+").click();
    map.harness().run_steps(2);
    assert!((map.app().map().zoom() - (z0 + 1.0)).abs() < 1e-9);
    map.harness().get_by_label("−").click();
    map.harness().run_steps(2);
    assert!((map.app().map().zoom() - z0).abs() < 1e-9);
    map.harness().key_press(egui::Key::Plus);
    map.harness().run_steps(2);
    assert!((map.app().map().zoom() - (z0 + 1.0)).abs() < 1e-9);
    map.harness().key_press(egui::Key::Minus);
    map.harness().run_steps(2);
    assert!((map.app().map().zoom() - z0).abs() < 1e-9);
}

#[test]
fn fit_frames_the_events() {
    // The size of the window at the first start on a 1280×800 screen.
    let mut map = common::scenario_app((1280, 800));
    map.app().map_mut().look_at(
        LatLon {
            lat: 48.85,
            lon: 2.35,
        },
        12.0,
    );
    map.harness().run_steps(2);
    map.harness().get_by_label("Fit").click();
    // The map glides there: 0.6 s, 0.25 s a step.
    map.harness().run_steps(6);
    let c = map.app().map().position().unwrap();
    // The events span Kaluga Oblast's centre to Crocus City Hall.
    assert!(
        (54.3..55.9).contains(&c.y()) && (35.4..37.7).contains(&c.x()),
        "centre {c:?}"
    );
    assert!(map.app().map().zoom() > 6.0);
    // Markers on the frame's edge stay clear of the zoom buttons and the legend.
    assert_eq!(common::markers_in_the_clear(&mut map), 4);
}

#[test]
fn a_file_far_away_is_framed_clear_of_the_legend() {
    // Two ACLED events, Hebron and Sana'a: framed, the northern one near
    // the top-left corner, where the legend is.
    let mut map = common::scenario_app((1280, 800));
    let ctx = map.ctx();
    let file = common::repo("tests/files/samples/acled_sample_2024_format.csv");
    map.app().apply(&ctx, Action::open(file));
    common::wait_for_load(&mut map);
    map.harness().run_steps(6);
    assert_eq!(map.app().state.store().unwrap().len(), 2);
    assert_eq!(common::markers_in_the_clear(&mut map), 2);
}

/// A GeoPackage of three layers opens on its first; the top bar offers
/// the others, and choosing one opens it in its place.
#[test]
fn a_files_other_layers_are_offered_and_opened() {
    let mut map = common::scenario_app((1280, 800));
    let ctx = map.ctx();
    let file = common::repo("tests/files/interop/acled-gdal.gpkg");
    map.app().apply(&ctx, Action::open(file));
    common::wait_for_load(&mut map);
    assert_eq!(map.app().state.store().unwrap().len(), 2);
    map.harness().run_steps(2);
    // Its only remark, the other layers, is no window of problems: the top
    // bar offers them.
    assert!(
        map.harness()
            .query_by_label_contains("Problems found")
            .is_none()
    );
    map.harness().get_by_label("Layer:");
    map.harness().get_by_value("acled_events").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("tracks").click();
    map.harness().run_steps(2);
    common::wait_for_load(&mut map);
    let store = map.app().state.store().unwrap();
    assert_eq!(store.len(), 2);
    assert_eq!(store.table().title(0), "Day 01");
    // The layer shown is the one chosen.
    map.harness().get_by_value("tracks");
}

#[test]
fn clicking_a_marker_by_its_name_selects_the_event() {
    let mut map = app();
    map.harness()
        .get_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(2);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    // Escape with a menu open closes the menu and only that.
    map.harness().get_by_label("Events").click();
    map.harness().run_steps(2);
    assert!(
        map.harness()
            .query_by_label_contains("Next event")
            .is_some()
    );
    map.harness().key_press(egui::Key::Escape);
    map.harness().run_steps(2);
    assert!(
        map.harness()
            .query_by_label_contains("Next event")
            .is_none()
    );
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    map.harness().key_press(egui::Key::Escape);
    map.harness().run_steps(2);
    assert_eq!(map.app().state.selected_id(), None);
}

#[test]
fn a_basemap_that_fails_to_open_keeps_the_current_one_and_says_why() {
    let mut map = app();
    let before = map.app().map().basemap().unwrap().path.clone();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-really.pmtiles");
    std::fs::write(&bad, "not an archive").unwrap();
    // The field is in the View menu.
    map.harness().get_by_label("View").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("Basemap:").focus();
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    map.harness()
        .get_by_label("Basemap:")
        .type_text(&bad.display().to_string());
    map.harness().run_steps(2);
    map.harness().get_by_label("Use").click();
    map.harness().run_steps(2);
    assert_eq!(map.app().map().basemap().unwrap().path, before);
    let status = map.app().state.status().to_string();
    assert!(
        status.starts_with("Basemap not changed:")
            && status
                .contains("not a usable PMTiles archive: it does not start with a PMTiles header"),
        "{status}"
    );
    // The status bar says so on screen.
    map.harness().get_by_label_contains("Basemap not changed");
}

#[test]
fn switching_to_a_raster_archive_draws_it_and_over_zooms_it() {
    let raster = common::repo("tests/files/raster-red.pmtiles");
    let file = common::scenario();
    let mut map = OffscreenMap::new(&file, Some(raster.clone()), (320, 240)).map_only();
    let info = &map.app().map().basemap().unwrap().info;
    assert!(!info.vector);
    assert!(info.max_zoom <= 1);
    // At zoom 9 the archive has nothing; its zoom-1 tile is enlarged: all red.
    let image = map
        .render(Some((
            LatLon {
                lat: 55.75,
                lon: 37.62,
            },
            9.0,
        )))
        .unwrap();
    let p = image.get_pixel(220, 170).0;
    assert!(
        p[0] > 150 && p[1] < 90 && p[2] < 90,
        "not the raster's red: {p:?}"
    );
}

/// Settings kept in memory, as eframe keeps them on disk.
#[derive(Default)]
struct MemoryStorage(std::collections::HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn the_chosen_basemap_is_remembered() {
    let mut map = app();
    // The bundled basemap is the default, not a choice: remembered as none.
    let mut storage = MemoryStorage::default();
    eframe::App::save(map.app(), &mut storage);
    let (saved, _) = Settings::read(Some(&storage));
    assert_eq!(saved.basemap, None);
    let raster = common::repo("tests/files/raster-red.pmtiles");
    // The field is in the View menu.
    map.harness().get_by_label("View").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("Basemap:").focus();
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    map.harness()
        .get_by_label("Basemap:")
        .type_text(&raster.display().to_string());
    map.harness().get_by_label("Use").click();
    map.harness().run_steps(2);
    assert_eq!(map.app().map().basemap().unwrap().path, raster);
    eframe::App::save(map.app(), &mut storage);
    let (saved, note) = Settings::read(Some(&storage));
    assert_eq!(note, None);
    assert_eq!(saved.basemap, Some(raster));
    // And the map view, for the next start.
    let view = saved.map_view.unwrap();
    let here = map.app().map().position().unwrap();
    assert!(
        (view.lat - here.y()).abs() < 1e-9 && (view.zoom - map.app().map().zoom()).abs() < 1e-9
    );
}

#[test]
fn help_lists_every_command_with_its_keys_from_the_one_table() {
    use incident_map::command::Command;
    let mut map = app();
    map.harness().get_by_label("Help").click();
    map.harness().run_steps(2);
    // A menu entry reads its text and its key: "Keyboard shortcuts F1".
    map.harness()
        .get_by_label_contains("Keyboard shortcuts")
        .click();
    map.harness().run_steps(3);
    assert!(map.app().state.shortcuts_open());
    // Every command is listed, with its keys as the menus show them.
    for c in Command::all() {
        assert!(
            map.harness().query_all_by_label(c.text()).next().is_some(),
            "{} is not listed",
            c.text()
        );
    }
    for keys in ["Down or J", "Ctrl+O", "Ctrl+Shift+E", "Escape"] {
        assert!(
            map.harness().query_by_label(keys).is_some(),
            "{keys} is not shown"
        );
    }
    // F1 closes it again, and a menu's command runs like its key.
    map.harness().key_press(egui::Key::F1);
    map.harness().run_steps(2);
    assert!(!map.app().state.shortcuts_open());
    map.harness().get_by_label("Events").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("Next event Down").click();
    map.harness().run_steps(2);
    assert_eq!(
        map.app().state.selected_id(),
        Some("fsb-kaluga-operation"),
        "the first event in time"
    );
}

/// Keys as a keyboard sends them: each a key press and its text.
fn typed(map: &mut OffscreenMap, text: &str) {
    let h = map.harness();
    for c in text.chars() {
        if let Some(key) = egui::Key::from_name(&c.to_ascii_uppercase().to_string()) {
            h.event(egui::Event::Key {
                key,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.event(egui::Event::Text(c.to_string()));
    }
}

#[test]
fn keys_typed_right_after_ctrl_f_are_the_words_searched_for_not_commands() {
    let mut map = app();
    let looped = map.app().state.playback().looped;
    // Ctrl+F and the words at once, as a fast typist's keys come in.
    map.harness().event(egui::Event::Key {
        key: egui::Key::F,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::COMMAND,
    });
    typed(&mut map, "Place");
    map.harness().run_steps(1);
    typed(&mut map, "ml 42");
    map.harness().run_steps(3);
    assert_eq!(map.app().state.search(), "Placeml 42");
    assert!(map.app().state.panels_shown(), "P did not hide the panels");
    assert_eq!(
        map.app().state.playback().looped,
        looped,
        "L did not toggle Loop"
    );
    assert!(
        map.app().state.filter().window.is_none(),
        "M chose no month"
    );
}

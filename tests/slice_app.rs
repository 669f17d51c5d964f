//! Slicing the data in the app, as a user does it: brushing the time
//! histogram, playing the window through time, searching with Ctrl+F, the
//! actor facet, and exporting what is shown. Driven headless with egui_kittest.

use egui_kittest::kittest::Queryable;
use incident_map::render::OffscreenMap;

mod common;

const ATTACK: &str = "Attack on Crocus City Hall, Krasnogorsk";
const FSB: &str = "FSB says it stopped an IS-Khorasan cell in Kaluga Oblast";
const WARNING: &str = "US Embassy warns of imminent plans to attack gatherings in Moscow";

fn app() -> OffscreenMap {
    common::scenario_app((1400, 900))
}

/// Whether the timeline lists the event and the map shows its marker.
fn listed_and_on_the_map(map: &mut OffscreenMap, title: &str) -> (bool, bool) {
    let h = map.harness();
    (
        h.query_all_by_label(title).next().is_some(),
        h.query_by_label(&format!("Map: {title}")).is_some(),
    )
}

/// Drags across the histogram from `a` to `b`, as fractions of its width.
fn brush(map: &mut OffscreenMap, a: f32, b: f32) {
    let rect = map.harness().get_by_label("Time histogram").rect();
    let at = |f: f32| egui::pos2(rect.left() + rect.width() * f, rect.center().y);
    let h = map.harness();
    h.hover_at(at(a));
    h.run_steps(1);
    h.drag_at(at(a));
    h.run_steps(1);
    for k in 1..=6 {
        h.hover_at(at(a + (b - a) * k as f32 / 6.0));
        h.run_steps(1);
    }
    h.drop_at(at(b));
    h.run_steps(1);
    common::wait_for_filter(map);
}

#[test]
fn brushing_the_histogram_changes_the_timeline_and_the_markers() {
    let mut map = app();
    assert_eq!(listed_and_on_the_map(&mut map, ATTACK), (true, true));
    // 16 days, 7 to 22 March: the first third holds the FSB's 7 March and
    // the warning of the 8th, not the attack of the 22nd.
    brush(&mut map, 0.01, 0.3);
    let window = map.app().state.filter().window.expect("a window");
    assert!(window.0 < window.1);
    assert_eq!(listed_and_on_the_map(&mut map, ATTACK), (false, false));
    assert_eq!(listed_and_on_the_map(&mut map, FSB), (true, true));
    assert_eq!(listed_and_on_the_map(&mut map, WARNING), (true, true));
    // The window shows in the status bar and on the map.
    let status = map.app().state.status().to_string();
    assert!(
        status.starts_with("2 of 4 events shown (7 Mar 2024 – "),
        "{status}"
    );
    assert!(
        map.harness()
            .query_all_by_label_contains("7 Mar 2024 – ")
            .next()
            .is_some()
    );
    // Drag the window to the end: the attack comes in, the FSB goes.
    let rect = map.harness().get_by_label("Time histogram").rect();
    let x = |f: f32| egui::pos2(rect.left() + rect.width() * f, rect.center().y);
    {
        let h = map.harness();
        h.hover_at(x(0.15));
        h.run_steps(1);
        h.drag_at(x(0.15));
        h.run_steps(1);
        for k in 1..=8 {
            h.hover_at(x(0.15 + 0.85 * k as f32 / 8.0));
            h.run_steps(1);
        }
        h.drop_at(x(1.0));
        h.run_steps(1);
    }
    common::wait_for_filter(&mut map);
    let moved = map.app().state.filter().window.unwrap();
    assert_eq!(
        moved.1 - moved.0,
        window.1 - window.0,
        "moving keeps its length"
    );
    assert_eq!(listed_and_on_the_map(&mut map, ATTACK), (true, true));
    assert_eq!(listed_and_on_the_map(&mut map, FSB), (false, false));
    // Double-click clears it.
    // (The harness steps a quarter of a second a frame and takes one
    // press or release a frame: a double-click's clicks are further apart
    // than egui's 0.3 s here.)
    map.ctx()
        .options_mut(|o| o.input_options.max_double_click_delay = 1.0);
    let h = map.harness();
    h.get_by_label("Time histogram").click();
    h.run_steps(1);
    h.get_by_label("Time histogram").click();
    h.run_steps(1);
    common::wait_for_filter(&mut map);
    assert_eq!(map.app().state.filter().window, None);
    assert_eq!(listed_and_on_the_map(&mut map, FSB), (true, true));
}

#[test]
fn play_advances_the_date_and_markers_appear() {
    let mut map = app();
    // Play from the first day: a day's window; pause there.
    map.harness().key_press(egui::Key::Space);
    map.harness().run_steps(1);
    assert!(map.app().state.playback().playing);
    map.harness().key_press(egui::Key::Space);
    map.harness().run_steps(1);
    assert!(!map.app().state.playback().playing);
    common::wait_for_filter(&mut map);
    let first = map
        .app()
        .state
        .filter()
        .window
        .expect("playing starts a window");
    assert_eq!(first.1 - first.0, 86_399, "a day");
    assert_eq!(listed_and_on_the_map(&mut map, FSB), (true, true));
    assert_eq!(listed_and_on_the_map(&mut map, ATTACK), (false, false));
    // Faster: the fastest speed.
    for _ in 0..6 {
        map.harness().key_press(egui::Key::CloseBracket);
    }
    map.harness().run_steps(1);
    assert_eq!(map.app().state.playback().speed, 32.0);
    map.harness().key_press(egui::Key::Space);
    map.harness().run_steps(1);
    // It steps on by itself, a day at a time, to the last day and stops.
    let mut windows = vec![first];
    let start = std::time::Instant::now();
    while map.app().state.playback().playing {
        assert!(start.elapsed().as_secs() < 60, "playback never ended");
        map.harness().run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(5));
        if let Some(w) = map.app().state.filter().window
            && windows.last() != Some(&w)
        {
            windows.push(w);
        }
    }
    common::wait_for_filter(&mut map);
    assert!(windows.len() >= 10, "{} steps", windows.len());
    assert!(windows.windows(2).all(|w| w[1].0 > w[0].0), "always later");
    // The last day: the attack's marker has appeared, with the date on the map.
    assert_eq!(listed_and_on_the_map(&mut map, ATTACK), (true, true));
    assert_eq!(listed_and_on_the_map(&mut map, FSB), (false, false));
    assert!(
        map.harness()
            .query_all_by_label("Time window: 22 Mar 2024")
            .next()
            .is_some()
    );
}

#[test]
fn ctrl_f_crocus_gives_one_result_and_enter_selects_its_marker() {
    let mut map = app();
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    map.harness().run_steps(2);
    let field = map.harness().get_by_label("Search:");
    assert!(field.is_focused(), "Ctrl+F focuses the search field");
    field.type_text("Crocus");
    common::wait_for_filter(&mut map);
    assert!(map.harness().query_by_label("1 result").is_some());
    let view = map.app().state.view().unwrap();
    assert_eq!(view.matches.len(), 1);
    // Nothing selected yet; Enter selects the result and goes to it.
    assert_eq!(map.app().state.selected_id(), None);
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(3);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    assert!(map.harness().query_by_label("1 of 1").is_some());
    assert!(
        map.harness()
            .query_by_label(&format!("Map: {ATTACK}"))
            .is_some()
    );
    // Accents and case aside: "KRASNOGÓRSK" finds it too; a word nobody
    // wrote finds nothing.
    let field = map.harness().get_by_label("Search:");
    field.focus();
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    map.harness()
        .get_by_label("Search:")
        .type_text("KRASNOGÓRSK");
    common::wait_for_filter(&mut map);
    assert_eq!(map.app().state.view().unwrap().matches.len(), 1);
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        incident_map::action::LensAction::Search("zanzibar".into()),
    );
    common::wait_for_filter(&mut map);
    assert!(map.harness().query_by_label("no results").is_some());
    // Only matches: every view shows the matches alone.
    map.app().apply(
        &ctx,
        incident_map::action::LensAction::Search("crocus".into()),
    );
    map.harness()
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "Only matches")
        .click();
    common::wait_for_filter(&mut map);
    let shown = map.app().state.view().unwrap().shown();
    let matched = map.app().state.view().unwrap().matches.len();
    assert_eq!(shown, matched);
    assert_eq!(shown, 1);
    assert!(!listed_and_on_the_map(&mut map, FSB).1);
}

#[test]
fn the_actor_facet_narrows_the_counts() {
    let mut map = app();
    let all = map.app().state.view().unwrap().facets.clone();
    assert_eq!(all.categories.iter().sum::<u32>(), 4);
    map.harness().get_by_label("Actors").click();
    map.harness().run_steps(2);
    // The embassy's entry, with its count.
    let (name, count) = all
        .actors
        .iter()
        .find(|(n, _)| n.contains("Embassy"))
        .cloned()
        .expect("an embassy actor");
    map.harness().get_by_label(&name).click();
    common::wait_for_filter(&mut map);
    let state = &map.app().state;
    assert_eq!(state.filter().actors, vec![name.clone()]);
    let view = state.view().unwrap();
    assert_eq!(view.shown(), count as usize);
    assert!(view.shown() < 4);
    // Every count now counts those shown.
    assert_eq!(
        view.facets.categories.iter().sum::<u32>() + view.facets.uncategorised,
        count
    );
    assert!(view.facets.actors.iter().all(|(_, c)| *c <= count));
    assert!(
        state
            .status()
            .to_string()
            .contains(&format!("of 4 events shown (actor: {name})"))
    );
    // One click shows everything again (the pointer moved off the actor
    // first, taking its tooltip away).
    map.harness().hover_at(egui::pos2(700.0, 600.0));
    map.harness().run_steps(1);
    map.harness().get_by_label("Show everything").click();
    common::wait_for_filter(&mut map);
    assert!(
        map.app().state.filter().is_everything(),
        "{:?}",
        map.app().state.filter()
    );
    assert_eq!(map.app().state.view().unwrap().shown(), 4);
    assert!(map.app().state.filter().is_everything());
}

#[test]
fn export_of_what_is_shown_respects_every_part_of_the_filter() {
    let mut map = app();
    let ctx = map.ctx();
    // A window (8–22 March), a category hidden, an actor, words, a precision.
    let tz = map.app().state.table().unwrap().meta.tz();
    let window = incident_map_core::filter::day_window(
        Some(jiff::civil::date(2024, 3, 8)),
        Some(jiff::civil::date(2024, 3, 22)),
        &tz,
    );
    map.app().apply(
        &ctx,
        incident_map::action::LensAction::SetFilter(incident_map_core::filter::Filter {
            window,
            hidden_categories: ["statement".to_string()].into(),
            ..Default::default()
        }),
    );
    common::wait_for_filter(&mut map);
    let export = |map: &mut OffscreenMap, name: &str| -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        let ctx = map.ctx();
        map.app().apply(
            &ctx,
            incident_map::action::DocumentAction::Export {
                path: path.clone(),
                only_shown: true,
            },
        );
        let status = common::wait_for_export(map);
        assert!(status.starts_with("Exported"), "{status}");
        common::event_ids(&path)
    };
    // The map shows everything the filter keeps (Fit frames them).
    map.app().apply(&ctx, incident_map::command::Command::Fit);
    for _ in 0..120 {
        map.harness().run_steps(1);
    }
    assert_eq!(
        export(&mut map, "window.json"),
        ["crocus-attack", "us-embassy-alert"]
    );
    // Words, only matching: the attack alone.
    map.app().apply(
        &ctx,
        incident_map::action::LensAction::Search("crocus city".into()),
    );
    map.app()
        .apply(&ctx, incident_map::command::Command::ToggleOnlyMatches);
    common::wait_for_filter(&mut map);
    assert_eq!(export(&mut map, "words.json"), ["crocus-attack"]);
    // An actor the attack does not have: nothing is left to export.
    map.app().apply(
        &ctx,
        incident_map::action::LensAction::Filter(incident_map::action::FilterEdit::ToggleActor(
            "Embassy".into(),
        )),
    );
    common::wait_for_filter(&mut map);
    assert_eq!(map.app().state.view().unwrap().shown(), 0);
    assert!(export(&mut map, "none.json").is_empty());
}

#[test]
fn a_file_of_ordinary_size_is_indexed_as_it_opens_and_its_sources_counted() {
    let mut map = app();
    // Indexed in the background as it opened: the first search finds it ready.
    let start = std::time::Instant::now();
    while map.app().state.document().unwrap().search_index.is_none() {
        assert!(start.elapsed().as_secs() < 20, "never indexed");
        std::thread::sleep(std::time::Duration::from_millis(10));
        map.harness().run_steps(1);
    }
    map.harness().get_by_label("Sources").click();
    map.harness().run_steps(2);
    map.harness().get_by_label("Count the sources").click();
    common::wait_for_filter(&mut map);
    let view = map.app().state.view().unwrap();
    assert!(view.indexed);
    let (name, count) = view.facets.sources.first().cloned().expect("a source");
    assert_eq!(count, 4, "the one article is cited by every event");
    // Choosing it keeps all four; the count shows beside it.
    map.harness().hover_at(egui::pos2(700.0, 600.0));
    map.harness().run_steps(1);
    map.harness().get_by_label(&name).click();
    common::wait_for_filter(&mut map);
    assert_eq!(map.app().state.filter().sources.len(), 1);
    assert_eq!(map.app().state.view().unwrap().shown(), 4);
}

#[test]
fn typed_dates_set_the_window_and_a_wrong_one_says_how_to_write_it() {
    let mut map = app();
    for field in ["From", "to"] {
        map.harness().get_by_label(field).focus();
        map.harness().run_steps(1);
        map.harness().get_by_label(field).type_text("2024-03-08");
        map.harness().run_steps(1);
    }
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(1);
    common::wait_for_filter(&mut map);
    let tz = map.app().state.table().unwrap().meta.tz();
    let day = jiff::civil::date(2024, 3, 8);
    assert_eq!(
        map.app().state.filter().window,
        incident_map_core::filter::day_window(Some(day), Some(day), &tz)
    );
    assert_eq!(map.app().state.view().unwrap().shown(), 1);
    assert_eq!(listed_and_on_the_map(&mut map, WARNING), (true, true));
    assert!(
        map.app()
            .state
            .status()
            .to_string()
            .ends_with("(8 Mar 2024)"),
        "{}",
        map.app().state.status()
    );
    // A day that is not one: the window stays, the status says what to write.
    let from = map.harness().get_by_label("From");
    from.focus();
    map.harness().run_steps(1);
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    map.harness().get_by_label("From").type_text("8 March");
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(2);
    let status = map.app().state.status().to_string();
    assert!(status.contains("write it as 2024-03-22"), "{status}");
    assert_eq!(map.app().state.view().unwrap().shown(), 1);
}

#[test]
fn ctrl_f_in_the_search_field_selects_its_words_so_typing_replaces_them() {
    let mut map = app();
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    map.harness().run_steps(2);
    map.harness().get_by_label("Search:").type_text("Crocus");
    common::wait_for_filter(&mut map);
    assert_eq!(map.app().state.search(), "Crocus");
    // The field still has the keyboard: Ctrl+F again, then new words.
    assert!(map.harness().get_by_label("Search:").is_focused());
    map.harness()
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    map.harness().run_steps(2);
    map.harness().get_by_label("Search:").type_text("Kaluga");
    common::wait_for_filter(&mut map);
    assert_eq!(map.app().state.search(), "Kaluga");
}

/// The time window's date, large on the map, never hides a marker: with the
/// Crocus marker brought to where the date sits (the middle of the bottom),
/// the date moves aside.
#[test]
fn the_window_date_on_the_map_keeps_clear_of_the_markers() {
    let mut map = app();
    for (field, day) in [("From", "2024-03-01"), ("to", "2024-03-31")] {
        map.harness().get_by_label(field).focus();
        map.harness().run_steps(1);
        map.harness().get_by_label(field).type_text(day);
        map.harness().run_steps(1);
    }
    map.harness().key_press(egui::Key::Enter);
    map.harness().run_steps(1);
    common::wait_for_filter(&mut map);
    let table = map.app().state.table().unwrap();
    let crocus = (0..table.len())
        .find(|&i| table.title(i) == ATTACK)
        .and_then(|i| table.point(i))
        .unwrap();
    let mut moved_aside = 0;
    // From the marker at the middle of the map to near its bottom edge.
    for k in 0..12 {
        let dlat = 0.004 * f64::from(k);
        map.app().map_mut().look_at(
            incident_map_core::model::LatLon {
                lat: crocus.lat + dlat,
                lon: crocus.lon,
            },
            13.0,
        );
        map.harness().run_steps(3);
        common::markers_in_the_clear(&mut map);
        let caption = map
            .harness()
            .get_all_by_label_contains("Time window: ")
            .next()
            .unwrap()
            .rect();
        let marker = map.harness().get_by_label(&format!("Map: {ATTACK}")).rect();
        // Where the date goes when nothing is in the way.
        let area = map.app().map().rect();
        let usual = egui::Rect::from_center_size(
            egui::pos2(
                area.center().x,
                area.bottom() - 34.0 - caption.height() / 2.0 + 4.0,
            ),
            caption.size(),
        );
        if marker.intersects(usual) {
            assert!(!marker.intersects(caption));
            moved_aside += 1;
        }
    }
    assert!(
        moved_aside > 0,
        "the marker never came under the date's usual place"
    );
}

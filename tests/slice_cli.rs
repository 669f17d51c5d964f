//! The filter on the command line (`convert` and `render` with `--from`,
//! `--to`, `--search`, `--category`, `--actor`, `--bbox`,
//! `--include-undated`): every flag alone and together, on the scenario and
//! on a generated table whose expected counts the test works out itself
//! from the rows it wrote.

use std::path::Path;

use assert_cmd::Command;

mod common;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("incident-map").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Converts `input` to JSON under `flags`; the ids of the events written.
fn ids_after(input: &Path, flags: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let output = cmd()
        .arg("convert")
        .arg(input)
        .arg(&out)
        .args(flags)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{flags:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    common::event_ids(&out)
}

fn scenario() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/moscow-march-2024.json")
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const ALL: [&str; 4] = [
    "crocus-attack",
    "fsb-kaluga-operation",
    "kremlin-reaction",
    "us-embassy-alert",
];

#[test]
fn each_flag_alone_on_the_scenario() {
    let s = scenario();
    assert_eq!(ids_after(&s, &[]), sorted(&ALL));
    // A window of days (Moscow's): the warning of 8 March alone; the
    // disputed reaction is in no window unless asked for.
    assert_eq!(
        ids_after(&s, &["--from", "2024-03-08", "--to", "2024-03-08"]),
        sorted(&["us-embassy-alert"])
    );
    assert_eq!(
        ids_after(
            &s,
            &[
                "--from",
                "2024-03-08",
                "--to",
                "2024-03-08",
                "--include-undated"
            ]
        ),
        sorted(&["us-embassy-alert", "kremlin-reaction"])
    );
    // Open ends.
    assert_eq!(
        ids_after(&s, &["--from", "2024-03-09"]),
        sorted(&["crocus-attack"])
    );
    assert_eq!(
        ids_after(&s, &["--to", "2024-03-07"]),
        sorted(&["fsb-kaluga-operation"])
    );
    // Words: any case, any accents; not ids.
    assert_eq!(
        ids_after(&s, &["--search", "CROCUS"]),
        sorted(&["crocus-attack"])
    );
    assert!(ids_after(&s, &["--search", "fsb-kaluga-operation"]).is_empty());
    // Categories, one or several (OR).
    assert_eq!(
        ids_after(&s, &["--category", "attack"]),
        sorted(&["crocus-attack"])
    );
    assert_eq!(
        ids_after(&s, &["--category", "attack", "--category", "warning"]),
        sorted(&["crocus-attack", "us-embassy-alert"])
    );
    // A box around Krasnogorsk (inclusive) holds the attack alone.
    assert_eq!(
        ids_after(&s, &["--bbox", "55.82,37.38,55.83,37.40"]),
        sorted(&["crocus-attack"])
    );
}

#[test]
fn actors_match_by_part_of_their_name_and_flags_combine() {
    let s = scenario();
    let embassy = ids_after(&s, &["--actor", "embassy"]);
    assert!(
        embassy.contains(&"us-embassy-alert".to_string()),
        "{embassy:?}"
    );
    assert!(
        !embassy.contains(&"crocus-attack".to_string()),
        "{embassy:?}"
    );
    // Kinds AND: the embassy's events within the attack's category: none.
    assert!(ids_after(&s, &["--actor", "embassy", "--category", "attack"]).is_empty());
    // Same kind OR: two actors give at least what each gives.
    let fsb = ids_after(&s, &["--actor", "FSB"]);
    let both = ids_after(&s, &["--actor", "embassy", "--actor", "FSB"]);
    for id in embassy.iter().chain(&fsb) {
        assert!(both.contains(id), "{id} missing from {both:?}");
    }
    // Window, words and box together.
    assert_eq!(
        ids_after(
            &s,
            &[
                "--from",
                "2024-03-20",
                "--to",
                "2024-03-31",
                "--search",
                "concert",
                "--bbox",
                "55,37,56,38"
            ]
        ),
        sorted(&["crocus-attack"])
    );
}

#[test]
fn wrong_flags_are_usage_errors_that_say_what_to_write() {
    let s = scenario();
    for (flags, says) in [
        (vec!["--category", "nope"], "its categories are: warning"),
        (
            vec!["--from", "2024-03-22", "--to", "2024-03-01"],
            "is after --to",
        ),
        (vec!["--from", "22/03/2024"], "YYYY-MM-DD"),
        (vec!["--bbox", "56,37,55,38"], "upside down"),
        (vec!["--bbox", "1,2,3"], "SOUTH,WEST,NORTH,EAST"),
        (vec!["--bbox", "95,0,96,1"], "out of range"),
    ] {
        let out = cmd()
            .arg("convert")
            .arg(&s)
            .arg(std::env::temp_dir().join("never-written.json"))
            .args(&flags)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flags:?}: {err}");
    }
    // `--to` is the end date now; the format flag is --format.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.txt");
    let output = cmd()
        .arg("convert")
        .arg(&s)
        .arg(&out)
        .args(["--format", "geojson"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["type"], "FeatureCollection");
}

/// One generated row, as the test wrote it.
struct Row {
    day: u32,
    kind: usize,
    actor: usize,
    lat: f64,
    lon: f64,
    word: bool,
}

const KINDS: [(&str, &str); 3] = [
    ("Battles", "battles"),
    ("Protests", "protests"),
    ("Violence against civilians", "violence-against-civilians"),
];
const ACTORS: [&str; 4] = [
    "Military Forces of Sudan (2019-)",
    "Rapid Support Forces",
    "Protesters (Sudan)",
    "Civilians (Sudan)",
];

/// A seeded table of `n` ACLED-like rows, and the rows.
fn generated(n: usize, path: &Path) -> Vec<Row> {
    let mut seed: u64 = 0x5eed;
    let mut next = move |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let mut csv = String::from(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,location,latitude,longitude,geo_precision,source,notes,fatalities\n",
    );
    let mut rows = Vec::new();
    for i in 0..n {
        let row = Row {
            day: 1 + next(31) as u32,
            kind: next(3) as usize,
            actor: next(4) as usize,
            lat: 10.0 + next(1000) as f64 / 100.0,
            lon: 25.0 + next(1000) as f64 / 100.0,
            word: next(10) == 0,
        };
        let notes = if row.word {
            "Shelling hit the Souk Café near the river."
        } else {
            "Clashes were reported near the river."
        };
        csv.push_str(&format!(
            "SDN{i},{:02} March 2024,1,{},x,{},Place {i},{},{},1,Local news,\"{notes}\",0\n",
            row.day, KINDS[row.kind].0, ACTORS[row.actor], row.lat, row.lon
        ));
        rows.push(row);
    }
    std::fs::write(path, csv).unwrap();
    rows
}

#[test]
fn every_flag_on_a_generated_table_gives_what_the_rows_say() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("sudan.csv");
    let rows = generated(3000, &table);
    let count = |keep: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| keep(r)).count();
    let n = |flags: &[&str]| ids_after(&table, flags).len();
    assert_eq!(n(&[]), 3000);
    assert_eq!(
        n(&["--from", "2024-03-10", "--to", "2024-03-12"]),
        count(&|r| (10..=12).contains(&r.day))
    );
    assert_eq!(n(&["--category", "protests"]), count(&|r| r.kind == 1));
    assert_eq!(
        n(&["--category", "protests", "--category", "battles"]),
        count(&|r| r.kind <= 1)
    );
    // "forces" is in two actors' names.
    assert_eq!(n(&["--actor", "FORCES"]), count(&|r| r.actor <= 1));
    // Accents set aside: "cafe" finds "Café"; "souk" is in the same rows.
    assert_eq!(n(&["--search", "cafe"]), count(&|r| r.word));
    assert_eq!(
        n(&["--bbox", "12,27,15,30"]),
        count(&|r| { (12.0..=15.0).contains(&r.lat) && (27.0..=30.0).contains(&r.lon) })
    );
    // All at once: every kind of flag is AND.
    let all = n(&[
        "--from",
        "2024-03-05",
        "--to",
        "2024-03-25",
        "--category",
        "violence-against-civilians",
        "--category",
        "battles",
        "--actor",
        "forces",
        "--search",
        "souk",
        "--bbox",
        "10,25,18,33",
    ]);
    assert_eq!(
        all,
        count(&|r| (5..=25).contains(&r.day)
            && r.kind != 1
            && r.actor <= 1
            && r.word
            && r.lat <= 18.0
            && r.lon <= 33.0)
    );
    assert!(all > 0, "the combination should keep some rows");
}

#[test]
fn render_takes_the_filter_and_writes_a_frame_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let frames = dir.path().join("frames");
    let out = cmd()
        .env("XDG_RUNTIME_DIR", dir.path())
        .args([
            "render",
            "--size",
            "320x240",
            "--step",
            "1w",
            "--from",
            "2024-03-07",
            "--to",
            "2024-03-22",
            "--frames",
        ])
        .arg(&frames)
        .arg(scenario())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 7–13, 14–20, 21–22 March: three frames.
    let mut names: Vec<String> = std::fs::read_dir(&frames)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["frame-0001.png", "frame-0002.png", "frame-0003.png"]
    );
    let first = image::open(frames.join("frame-0001.png")).unwrap();
    assert_eq!((first.width(), first.height()), (320, 240));
    // Frames differ: the window moved (and its date with it).
    assert_ne!(
        std::fs::read(frames.join("frame-0001.png")).unwrap(),
        std::fs::read(frames.join("frame-0002.png")).unwrap()
    );
    // One image, filtered; a filter that does not fit the file fails.
    let png = dir.path().join("one.png");
    let out = cmd()
        .env("XDG_RUNTIME_DIR", dir.path())
        .args(["render", "--size", "320x240", "--category", "nope", "--out"])
        .arg(&png)
        .arg(scenario())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no category \"nope\""));
    assert!(!png.exists());
    // --step without --frames is a usage error.
    let out = cmd()
        .args(["render", "--step", "1d", "--out"])
        .arg(&png)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

//! The `incident-map` command as scripts use it: output and exit status.

use assert_cmd::Command;

fn cmd() -> Command {
    let mut c = Command::cargo_bin("incident-map").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout(c: &mut Command) -> (i32, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn check_on_the_bundled_scenario_passes_with_every_passage_anchored() {
    let (code, out) = stdout(cmd().args(["check", "--passages", "data/moscow-march-2024.json"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("data/moscow-march-2024.json: ok (0 errors, 0 warnings)"),
        "{out}"
    );
    assert!(out.contains("4 events, 6 places, 1 source"), "{out}");
    assert!(out.contains("passages anchored: 17/17"), "{out}");
    assert!(
        out.contains("time span: 7 Mar 2024 → 22 Mar 2024, 20:00 MSK"),
        "{out}"
    );
    assert!(out.contains("undated or disputed: 1 event"), "{out}");
    // Each passage is listed with where it sits in the article.
    assert!(
        out.contains("crocus-attack/p-attack-second: moscow-march-2024-article.txt:5:1 (exact)"),
        "{out}"
    );
    assert_eq!(out.lines().filter(|l| l.ends_with("(exact)")).count(), 17);
}

#[test]
fn check_events_lists_when_where_and_how_far_from_moscow() {
    let (code, out) = stdout(cmd().args(["check", "--events", "data/moscow-march-2024.json"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("crocus-attack: 22 Mar 2024, 20:00 MSK · Crocus City Hall (Moscow Oblast) · building-level · ≈ 16 km NW of Moscow centre"), "{out}");
    assert!(
        out.contains("fsb-kaluga-operation: 7 Mar 2024 · Kaluga Oblast · region-level · ≈ 207 km SW of Moscow centre (± 136 km)"),
        "{out}"
    );
    assert!(out.contains("kremlin-reaction: date disputed (3 readings) · Moscow Kremlin (Moscow) · building-level"), "{out}");
}

#[test]
fn check_on_a_bad_file_prints_compiler_style_diagnostics_and_exits_1() {
    let (code, out) = stdout(cmd().args(["check", "tests/files/bad/dangling-references.json"]));
    assert_eq!(code, 1);
    assert!(out.contains("tests/files/bad/dangling-references.json:39:18: error: no place has the id \"hal\" [unknown-reference]\n  at $.events[0].where.place\n  help: did you mean \"hall\"?"), "{out}");
    assert!(out.contains("FAILED (3 errors, 0 warnings)"), "{out}");
}

#[test]
fn warnings_alone_do_not_fail_check() {
    let (code, out) = stdout(cmd().args(["check", "tests/files/bad/bom.json"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1:1: warning: the file starts with a byte order mark"),
        "{out}"
    );
}

#[test]
fn several_files_exit_with_the_worst_status() {
    let (code, out) = stdout(cmd().args([
        "check",
        "data/moscow-march-2024.json",
        "tests/files/bad/truncated.json",
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("data/moscow-march-2024.json: ok"), "{out}");
    assert!(
        out.contains(
            "tests/files/bad/truncated.json:41:19: error: invalid JSON: unterminated array"
        ),
        "{out}"
    );
    let out = cmd()
        .args([
            "check",
            "tests/files/bad/truncated.json",
            "no-such-file.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: cannot read no-such-file.json"));
}

#[test]
fn json_output_is_one_machine_readable_document() {
    let (code, out) = stdout(cmd().args([
        "check",
        "--json",
        "tests/files/bad/bad-coordinates.json",
        "data/moscow-march-2024.json",
    ]));
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON");
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["valid"], false);
    let d = &files[0]["diagnostics"][0];
    assert_eq!(d["code"], "coordinate-out-of-range");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["position"]["line"], 20);
    assert_eq!(d["position"]["column"], 16);
    assert_eq!(d["json_path"], "$.places[1].point.lat");
    assert_eq!(files[1]["valid"], true);
    assert_eq!(files[1]["summary"]["passages_anchored"], 17);
}

#[test]
fn usage_errors_exit_2() {
    let out = cmd().args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cmd()
        .args(["check", "--frobnicate", "data/moscow-march-2024.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cmd()
        .args([
            "render", "--out", "x.png", "--center", "95,37", "--zoom", "3",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude ±85"));
}

#[test]
fn render_writes_a_png_of_the_map_without_a_display() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.png");
    let (code, stdout) = stdout(cmd().args(["render", "--out"]).arg(&out).args([
        "--center",
        "55.7558,37.6173",
        "--zoom",
        "10",
        "--size",
        "400x300",
    ]));
    assert_eq!(code, 0, "{stdout}");
    let img = image::open(&out).unwrap();
    assert_eq!((img.width(), img.height()), (400, 300));
    assert!(stdout.contains("400x300 map image"));
}

#[test]
fn convert_turns_each_sample_into_each_written_format() {
    let dir = tempfile::tempdir().unwrap();
    for sample in [
        "timelinejs_women_in_computing.json",
        "kml_TimeTest.kml",
        "acled_sample_2024_format.csv",
        "geojson_unmiss_incidents.geojson",
    ] {
        let input = format!("tests/files/samples/{sample}");
        let events = {
            let (_, out) = stdout(cmd().args(["check", &input]));
            out.lines()
                .find_map(|l| {
                    l.trim()
                        .strip_suffix(" sources")
                        .and_then(|l| l.split(" events").next())
                        .map(str::to_string)
                })
                .unwrap_or_default()
        };
        assert!(events.parse::<usize>().unwrap() > 0, "{sample}");
        for ext in ["geojson", "csv", "json"] {
            let out = dir.path().join(format!("{sample}.{ext}"));
            let (code, text) = stdout(cmd().args(["convert", &input, out.to_str().unwrap()]));
            assert_eq!(code, 0, "{sample} -> {ext}: {text}");
            assert!(text.contains(&format!("{events} events) ->")), "{text}");
            // What was written reads back, with as many events.
            let (code, check) = stdout(cmd().args(["check", out.to_str().unwrap()]));
            assert_eq!(code, 0, "{sample} -> {ext}: {check}");
            assert!(check.contains(&format!("  {events} events")), "{check}");
        }
    }
}

#[test]
fn convert_never_writes_over_its_input_and_says_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("in.csv");
    std::fs::copy(
        format!(
            "{}/tests/files/samples/acled_sample_2024_format.csv",
            env!("CARGO_MANIFEST_DIR")
        ),
        &copy,
    )
    .unwrap();
    let before = std::fs::read(&copy).unwrap();
    let out = cmd()
        .args([
            "convert",
            copy.to_str().unwrap(),
            copy.to_str().unwrap(),
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the input is never overwritten"));
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    // No format from the name: ask for --format.
    let out = cmd()
        .args([
            "convert",
            copy.to_str().unwrap(),
            dir.path().join("out.dat").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("give --format json, geojson, csv, gpkg or timemap")
    );
    let out = cmd()
        .args([
            "convert",
            copy.to_str().unwrap(),
            "x.kml",
            "--format",
            "kml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A file with errors is not converted.
    let out = cmd()
        .args([
            "convert",
            "tests/files/bad/truncated.json",
            dir.path().join("o.csv").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("o.csv").exists());
}

#[test]
fn extract_lists_the_events_an_article_reports_dated_and_placed() {
    let (code, out) = stdout(cmd().args(["extract", "tests/files/reading/two-cities.txt"]));
    assert_eq!(code, 0, "{out}");
    // The byline's date, and five events each with a day and a place.
    assert!(
        out.starts_with("tests/files/reading/two-cities.txt (2016-09-19"),
        "{out}"
    );
    assert!(out.contains(": 5 events,"), "{out}");
    assert!(
        out.contains("  2016-09-17 · Seaside Park, NJ, United States of America · Explosion ·"),
        "{out}"
    );
    assert!(
        out.contains("  2016-09-19 · Linden, NJ, United States of America · Arrest ·"),
        "{out}"
    );
    // As JSON: one object per source, each event on its words.
    let (code, out) = stdout(cmd().args([
        "extract",
        "--json",
        "--date",
        "2016-09-19",
        "tests/files/reading/two-cities.txt",
    ]));
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let text = std::fs::read_to_string("tests/files/reading/two-cities.txt").unwrap();
    let chars: Vec<char> = text.chars().collect();
    let events = doc["events"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    let words = |p: &serde_json::Value| {
        let (a, b) = (
            p["start"].as_u64().unwrap() as usize,
            p["end"].as_u64().unwrap() as usize,
        );
        chars[a..b].iter().collect::<String>()
    };
    assert!(
        words(&events[0]).contains("A pipe bomb exploded"),
        "{}",
        words(&events[0])
    );
    assert_eq!(events[0]["when"], "2016-09-17");
    assert_eq!(events[0]["zone"], "America/New_York");
    assert_eq!(doc["source"]["date"], "2016-09-19");
}

#[test]
fn extract_out_writes_a_data_set_whose_passages_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("read.json");
    let (code, out) = stdout(
        cmd()
            .args([
                "extract",
                "tests/files/reading/two-cities.txt",
                "tests/files/reading/kenya-floods.txt",
                "--out",
            ])
            .arg(&out_path),
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = stdout(cmd().args(["check", "--passages"]).arg(&out_path));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 sources"), "{out}");
    let anchored = out
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("passages anchored:"))
        .unwrap();
    let (got, all) = anchored["passages anchored: ".len()..]
        .split_once('/')
        .unwrap();
    assert_eq!(got, all, "{out}");
    // Never over a source, and dates that do not fit the sources are refused.
    let (code, _) = stdout(cmd().args([
        "extract",
        "tests/files/reading/two-cities.txt",
        "--out",
        "tests/files/reading/two-cities.txt",
    ]));
    assert_eq!(code, 2);
    let (code, _) = stdout(cmd().args([
        "extract",
        "--date",
        "2016-09-19",
        "--date",
        "2016-09-20",
        "tests/files/reading/two-cities.txt",
    ]));
    assert_eq!(code, 2);
}

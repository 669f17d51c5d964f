//! Hostile input, as a hostile user would give it to the commands: one test
//! per class (issue: "every reader fuzzed, no panic, no hang, no escape").
//! The small files are in `tests/files/hostile/`; the large and special ones
//! (FIFOs, devices, sparse files, zip bombs, a million keys) are made here.
//! Each asserts the exit status and the located message; a watchdog ends a
//! command that would hang, so a regression fails instead of blocking CI.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

mod common;

/// Long enough for any of these on a slow machine; a hang fails the test.
const WATCHDOG: Duration = Duration::from_secs(120);

fn cmd() -> Command {
    let mut c = Command::cargo_bin("incident-map").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR")).timeout(WATCHDOG);
    c
}

/// Exit status, standard output and standard error.
fn run(c: &mut Command) -> (Option<i32>, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn hostile(name: &str) -> String {
    format!("tests/files/hostile/{name}")
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo");
}

#[test]
fn output_to_a_closed_pipe_ends_quietly_and_to_a_full_disk_says_so() {
    // `check -e FILE | head -1`: the reader goes after a line.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' check -e data/moscow-march-2024.json data/moscow-march-2024.json | head -1; echo \"status ${{PIPESTATUS[0]}}\" >&2",
            assert_cmd::cargo::cargo_bin("incident-map").display()
        ))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SHELL", "bash")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    // Straight into a closed pipe, without a shell in between.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("incident-map"))
        .args(["check", "-e", "--json", "data/moscow-march-2024.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A full disk.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("incident-map"))
        .args(["check", "data/moscow-march-2024.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(full)
        .output()
        .unwrap();
    let (code, err) = (out.status.code(), String::from_utf8_lossy(&out.stderr));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot write the output") && err.contains("help:"),
        "{err}"
    );
}

#[test]
fn a_file_name_that_is_not_text_is_reported_in_json() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.json");
    let path = dir.path().join(name);
    std::fs::copy(common::repo("tests/files/good/small.json"), &path).unwrap();
    std::fs::copy(
        common::repo("tests/files/good/source.txt"),
        dir.path().join("source.txt"),
    )
    .unwrap();
    let (code, out, err) = run(cmd().arg("check").arg("--json").arg(&path));
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        doc["files"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("bad\u{fffd}name.json"),
        "{out}"
    );
}

#[test]
fn files_that_are_not_files_are_refused_at_once_saying_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    mkfifo(&fifo);
    for (path, what) in [
        (fifo.clone(), "named pipe"),
        (dir.path().to_path_buf(), "folder"),
        (PathBuf::from("/dev/zero"), "character device"),
    ] {
        let (code, _, err) = run(cmd().arg("check").arg(&path));
        assert_eq!(code, Some(2), "{}: {err}", path.display());
        assert!(err.contains(what) && err.contains("help:"), "{err}");
    }
    // A source text that is a FIFO or a device, beside a data file.
    for (name, what) in [("pipe.txt", "named pipe"), ("zero.txt", "character device")] {
        let text = dir.path().join(name);
        if name == "pipe.txt" {
            mkfifo(&text);
        } else {
            std::os::unix::fs::symlink("/dev/zero", &text).unwrap();
        }
        let data = dir.path().join(format!("{name}.json"));
        std::fs::write(
            &data,
            format!(
                r#"{{"format": "incident-map", "version": 1, "title": "t",
                "sources": [{{"id": "s", "title": "S", "text_file": "{name}"}}],
                "events": [{{"id": "a", "title": "A", "when": "2024-03-22",
                  "passages": [{{"source": "s", "quote": "words"}}]}}]}}"#
            ),
        )
        .unwrap();
        let (code, out, _) = run(cmd().arg("check").arg(&data));
        assert_eq!(code, Some(1), "{out}");
        // (A link to a device elsewhere is refused before it is looked at.)
        assert!(
            out.contains(what) && out.contains("[source-missing]")
                || out.contains("leads outside the data file's folder"),
            "{out}"
        );
        assert!(out.contains(".json:2:"), "located at the source: {out}");
    }
    // A basemap that is a FIFO or a folder.
    for basemap in [fifo.as_path(), dir.path()] {
        let (code, _, err) = run(cmd()
            .args(["render", "--out"])
            .arg(dir.path().join("map.png"))
            .arg("--basemap")
            .arg(basemap));
        // A file that cannot be read: 2, as the README says.
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("not a file"), "{err}");
        assert!(!dir.path().join("map.png").exists());
    }
}

#[test]
fn adversarial_shapes_cost_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    // An event with 10^5 unknown fields, and ids too long to compare.
    let mut fields = String::new();
    for i in 0..100_000 {
        fields.push_str(&format!(r#""unknown{i}": 1, "#));
    }
    let long = "x".repeat(100_000);
    let path = dir.path().join("keys.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"format": "incident-map", "version": 1, "title": "t", "events": [
            {{{fields}"id": "a", "title": "A", "when": "2024-03-22"}},
            {{"id": "b", "title": "B", "when": "2024-03-22", "relations": [{{"kind": "follows", "event": "{long}"}}]}}]}}"#
        ),
    )
    .unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&path));
    assert_eq!(code, Some(1));
    assert_eq!(out.matches("[unknown-field]").count(), 100_000);
    assert!(out.contains("[unknown-reference]"));
    // A short quote with long context, in a long repetitive source.
    let source = "ab ".repeat(2_000_000);
    std::fs::write(dir.path().join("source.txt"), &source).unwrap();
    let context = "ab ".repeat(50_000);
    let path = dir.path().join("quote.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"format": "incident-map", "version": 1, "title": "t",
            "sources": [{{"id": "s", "title": "S", "text_file": "source.txt"}}],
            "events": [{{"id": "a", "title": "A", "when": "2024-03-22",
              "passages": [{{"source": "s", "quote": "ab", "prefix": "{context}", "suffix": "{context}"}}]}}]}}"#
        ),
    )
    .unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&path));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("more than 10000 times"), "{out}");
}

/// Work that grew with the square of what a valid file holds: a feature
/// with 10^5 properties (its repeated key looked for pairwise), and "did
/// you mean" over 10^5 long ids for each of 200 unknown references. Both
/// now answer at once (the watchdog catches a regression): the repeated
/// key is still found, and when comparing would cost too much the help
/// lists known ids instead of guessing.
#[test]
fn many_properties_and_many_long_ids_cost_no_square() {
    let dir = tempfile::tempdir().unwrap();
    let mut props = String::new();
    for i in 0..100_000 {
        props.push_str(&format!(r#""p{i}": {i}, "#));
    }
    let path = dir.path().join("props.geojson");
    std::fs::write(
        &path,
        format!(
            r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature",
            "properties": {{{props}"title": "T", "date": "2024-03-22", "p7": 1}},
            "geometry": {{"type": "Point", "coordinates": [37.6, 55.7]}}}}]}}"#
        ),
    )
    .unwrap();
    let (code, out, err) = run(cmd().arg("check").arg(&path));
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("names \"p7\" twice"),
        "the repeated key is named: {out}"
    );
    let id = |i: usize| format!("{i:08}-{}", "place-of-a-long-name-".repeat(2));
    let places: Vec<String> = (0..100_000)
        .map(|i| format!(r#"{{"id": "{}", "name": "P", "precision": "town", "point": {{"lat": 1, "lon": 1}}}}"#, id(i)))
        .collect();
    let events: Vec<String> = (0..200)
        .map(|i| {
            format!(
                r#"{{"id": "e{i}", "title": "E", "when": "2024-03-22", "where": {{"place": "{}x"}}}}"#,
                id(i)
            )
        })
        .collect();
    let path = dir.path().join("ids.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"format": "incident-map", "version": 1, "title": "t", "places": [{}], "events": [{}]}}"#,
            places.join(","),
            events.join(",")
        ),
    )
    .unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&path));
    assert_eq!(code, Some(1));
    assert_eq!(out.matches("[unknown-reference]").count(), 200, "{out}");
    assert!(out.contains("known places: "), "{out}");
    assert!(!out.contains("did you mean"), "{out}");
}

#[test]
fn what_is_too_large_is_refused_with_the_numbers_and_how_to_go_past() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse source text of 3 GB: refused before a byte is read.
    let text = std::fs::File::create(dir.path().join("huge.txt")).unwrap();
    text.set_len(3 << 30).unwrap();
    let data = dir.path().join("huge.json");
    std::fs::write(
        &data,
        r#"{"format": "incident-map", "version": 1, "title": "t",
        "sources": [{"id": "s", "title": "S", "text_file": "huge.txt"}],
        "events": [{"id": "a", "title": "A", "when": "2024-03-22",
          "passages": [{"source": "s", "quote": "words"}]}]}"#,
    )
    .unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&data));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("it is 3.0 GiB, larger than the 64 MiB this app reads")
            && out.contains("INCIDENT_MAP_MAX_SOURCE_MB"),
        "{out}"
    );
    // A KMZ whose KML expands a thousand times: a zip bomb, refused by name.
    let kmz = dir.path().join("bomb.kmz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&kmz).unwrap());
    zip.start_file(
        "doc.kml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    zip.write_all(b"<kml><Document><Placemark><description>")
        .unwrap();
    zip.write_all(&vec![b'a'; 50 << 20]).unwrap();
    zip.write_all(b"</description></Placemark></Document></kml>")
        .unwrap();
    zip.finish().unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&kmz));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("doc.kml in this KMZ file expands")
            && out.contains("INCIDENT_MAP_MAX_KMZ_RATIO"),
        "{out}"
    );
    // Allowed, it opens: the limit is a guard, not a wall.
    let (code, out, _) = run(cmd()
        .arg("check")
        .arg(&kmz)
        .env("INCIDENT_MAP_MAX_KMZ_RATIO", "100000"));
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn nothing_is_lost_without_a_located_word() {
    let expect = [
        (
            "unterminated-quote.csv",
            1,
            ":2:24: error: a quoted field opens here and is never closed",
        ),
        (
            "cut-short.kml",
            1,
            ":4:33: error: the KML (XML) does not read",
        ),
        (
            "empty-coordinates.kml",
            1,
            ":3:1: error: placemark \"Nowhere\": its <coordinates/> are empty",
        ),
        (
            "timelinejs-off-the-globe.json",
            1,
            ":2:1: error: event 1 (\"Lat 95\"): its location (lat 95, lon 37) is not a point on the globe",
        ),
        (
            "timelinejs-off-the-globe.json",
            1,
            ":3:1: error: event 2 (\"Huge\")",
        ),
        (
            "timelinejs-off-the-globe.json",
            1,
            ":4:1: error: event 3 (\"Year\"): start_date.year \"1e400\" is not a number",
        ),
        (
            "records-past-the-end.shp",
            1,
            ":1:1: error: this Shapefile does not read: record 6 runs past the end of the .shp (is it whole?)",
        ),
    ];
    for (file, status, message) in expect {
        let (code, out, _) = run(cmd().arg("check").arg(hostile(file)));
        assert_eq!(code, Some(status), "{file}: {out}");
        assert!(out.contains(&format!("{file}{message}")), "{file}: {out}");
    }
}

#[test]
fn right_verdicts_on_dates_and_strings() {
    for (file, status, message) in [
        (
            "offset-25-hours.json",
            1,
            ":2:35: error: the offset +25 in \"2024-03-22T10:00:00+25:00\" is more than 14 hours from UTC",
        ),
        (
            "range-end-missing.json",
            1,
            ":2:35: error: the range \"2024/\" has an end missing",
        ),
        ("last-second.json", 0, ": ok (0 errors, 1 warning)"),
        (
            "raw-tab.json",
            1,
            ":2:24: error: invalid JSON: a string holds a raw control character",
        ),
    ] {
        let (code, out, _) = run(cmd().arg("check").arg(hostile(file)));
        assert_eq!(code, Some(status), "{file}: {out}");
        assert!(out.contains(&format!("{file}{message}")), "{file}: {out}");
    }
    // The same for a table's dates.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("dates.csv");
    std::fs::write(
        &csv,
        "id,date,lat,lon,title\na,2024-03-22T10:00:00+25:00,55,37,x\nb,9999-12-31T23:59:59Z,55,37,y\n",
    )
    .unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&csv));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(":2:1: error: row 2: the date \"2024-03-22T10:00:00+25:00\" does not read")
    );
    assert!(!out.contains("row 3"), "{out}");
}

#[test]
fn a_hostile_basemap_is_refused_by_render_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("map.png");
    for (basemap, why) in [
        (
            hostile("root-past-end.pmtiles"),
            "lies past the end of the file",
        ),
        (
            "tests/files/good/small.json".to_string(),
            "does not start with a PMTiles header",
        ),
    ] {
        let (code, _, err) = run(cmd()
            .args(["render", "--out"])
            .arg(&png)
            .args(["--basemap", &basemap]));
        // A file that cannot be read: 2, as the README says.
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(err.contains("  help: "), "{err}");
        assert!(!png.exists(), "no picture of the failure");
    }
}

#[test]
fn convert_writes_only_files_and_never_over_what_it_read() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["moscow-march-2024.json", "moscow-march-2024-article.txt"] {
        std::fs::copy(common::repo(&format!("data/{f}")), dir.path().join(f)).unwrap();
    }
    let input = dir.path().join("moscow-march-2024.json");
    let article = dir.path().join("moscow-march-2024-article.txt");
    let before = (
        std::fs::read(&input).unwrap(),
        std::fs::read(&article).unwrap(),
    );
    let link = dir.path().join("fd.json");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    for (out, why) in [
        (PathBuf::from("/dev/null"), "character device"),
        (link.clone(), "not to a file"),
        (article.clone(), "is the source text \"article\""),
        (input.clone(), "the output is the input file"),
    ] {
        let (code, _, err) = run(cmd()
            .arg("convert")
            .arg(&input)
            .arg(&out)
            .args(["--format", "json"]));
        assert_eq!(code, Some(2), "{}: {err}", out.display());
        assert!(err.contains(why), "{err}");
    }
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        (
            std::fs::read(&input).unwrap(),
            std::fs::read(&article).unwrap()
        ),
        before
    );
    // A name of 250 characters is fine (the temporary file's name is short).
    let long = dir.path().join(format!("{}.json", "n".repeat(245)));
    let (code, _, err) = run(cmd().arg("convert").arg(&input).arg(&long));
    assert_eq!(code, Some(0), "{err}");
    assert!(long.is_file());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

use std::os::unix::fs::FileTypeExt;

#[test]
fn every_problem_says_where_and_how_to_fix_it() {
    // Bad rows on their own lines, whatever the line ends.
    for file in ["crlf-bad-row.csv", "cr-only-bad-row.csv"] {
        let (_, out, _) = run(cmd().arg("check").arg(hostile(file)));
        assert!(
            out.contains(&format!("{file}:3:1: error: row 3: latitude 95")),
            "{out}"
        );
    }
    // Help lines for null, a negative count and a list for a date.
    let (_, out, _) = run(cmd().arg("check").arg(hostile("null-and-negative.json")));
    for (at, help) in [
        (
            "$.events[0].when",
            "help: give one value in double quotes, not a list",
        ),
        (
            "$.events[0].where.point.lat",
            "help: null is not a value here",
        ),
        (
            "$.events[0].casualties[0].killed",
            "help: counts are whole numbers",
        ),
    ] {
        assert!(out.contains(&format!("at {at}\n  {help}")), "{out}");
    }
    // A KMZ's problems are placed inside its KML.
    let dir = tempfile::tempdir().unwrap();
    let kmz = dir.path().join("places.kmz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&kmz).unwrap());
    zip.start_file("doc.kml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&std::fs::read(common::repo(&hostile("empty-coordinates.kml"))).unwrap())
        .unwrap();
    zip.finish().unwrap();
    let (_, out, _) = run(cmd().arg("check").arg(&kmz));
    assert!(
        out.contains("places.kmz/doc.kml:3:1: error: placemark \"Nowhere\""),
        "{out}"
    );
}

#[test]
fn nothing_from_a_file_reaches_the_terminal_raw() {
    let (_, out, _) = run(cmd()
        .args(["check", "-e"])
        .arg(hostile("terminal-escapes.json")));
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains(r"a\u{1b}]0;pwned\u{7}\u{1b}[2J"), "{out}");
    // A forged diagnostic stays on the line of the real one.
    assert!(!out.lines().any(|l| l.starts_with("fake.json")), "{out}");
    // And a file name with a line break in it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two\nlines.json");
    std::fs::write(&path, "{").unwrap();
    let (_, out, _) = run(cmd().arg("check").arg(&path));
    assert!(out.contains(r"two\u{a}lines.json:1:1: error"), "{out}");
}

#[test]
fn exported_cells_never_run_as_formulas_and_read_back_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let (code, _, err) = run(cmd()
        .arg("convert")
        .arg(hostile("formula-cells.csv"))
        .arg(&out));
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    for cell in ["'=HYPERLINK", "'+cmd|calc", "'@SUM(A1:A9)", "'-2+3"] {
        assert!(text.contains(cell), "{cell} not defused: {text}");
    }
    // Numbers are left alone: a negative coordinate is a number.
    assert!(text.contains(",-33.9,-70.6,"), "{text}");
    // Read back, the cells are what they were.
    let back = dir.path().join("back.json");
    let (code, _, err) = run(cmd().arg("convert").arg(&out).arg(&back));
    assert_eq!(code, Some(0), "{err}");
    let back = std::fs::read_to_string(&back).unwrap();
    assert!(
        back.contains(r#""title": "=HYPERLINK(\"http://x\",\"click\")""#),
        "{back}"
    );
    assert!(back.contains(r#""title": "@SUM(A1:A9)""#), "{back}");
}

/// A sparse file of gigabytes (all zeros) is decided by its first bytes:
/// not text, said where, without reading (or mapping in) the rest.
#[test]
fn a_sparse_file_of_gigabytes_is_refused_at_its_first_byte() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["zeros.json", "zeros.csv", "zeros.geojson"] {
        let path = dir.path().join(name);
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(3 << 30).unwrap();
        let (code, out, _) = run(cmd().arg("check").arg(&path));
        assert_eq!(code, Some(1), "{out}");
        assert!(
            out.contains(&format!("{name}:1:1: error: this file is not text")),
            "{out}"
        );
    }
}

/// Every error a command ends on says how to fix it (a `help:` line after
/// it), and ends with the status the README gives: 1 for data with
/// errors, 2 for what cannot be read or written or a wrong command line.
#[test]
fn every_error_a_command_ends_on_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let scenario = "data/moscow-march-2024.json".to_string();
    let bad = "tests/files/bad/dangling-references.json".to_string();
    let not_a_folder = out("file");
    std::fs::write(&not_a_folder, "x").unwrap();
    let cases: Vec<(Vec<String>, i32)> = vec![
        (
            vec!["convert".into(), scenario.clone(), out("x.unknown")],
            2,
        ),
        (
            vec!["convert".into(), scenario.clone(), scenario.clone()],
            2,
        ),
        (
            vec![
                "convert".into(),
                scenario.clone(),
                out("x.json"),
                "--from".into(),
                "2024-13-01".into(),
            ],
            2,
        ),
        (
            vec![
                "convert".into(),
                scenario.clone(),
                out("x.json"),
                "--category".into(),
                "nope".into(),
            ],
            2,
        ),
        (
            vec![
                "convert".into(),
                scenario.clone(),
                format!("{not_a_folder}/x.json"),
            ],
            2,
        ),
        (vec!["convert".into(), bad.clone(), out("y.json")], 1),
        (
            vec![
                "render".into(),
                scenario.clone(),
                "--out".into(),
                out("m.png"),
                "--step".into(),
                "1d".into(),
            ],
            2,
        ),
        (
            vec![
                "render".into(),
                scenario.clone(),
                "--out".into(),
                format!("{not_a_folder}/m.png"),
                "--size".into(),
                "64x64".into(),
            ],
            2,
        ),
        (
            vec![
                "render".into(),
                scenario.clone(),
                "--frames".into(),
                format!("{not_a_folder}/f"),
            ],
            2,
        ),
        (
            vec![
                "push".into(),
                scenario.clone(),
                "postgresql://u@h/db".into(),
            ],
            2,
        ),
        (
            vec![
                "push".into(),
                scenario.clone(),
                "postgresql://u@127.0.0.1:1/db?table=t&connect_timeout=1".into(),
            ],
            2,
        ),
        (vec!["extract".into(), out("missing.txt")], 2),
        (vec!["check".into(), out("missing.json")], 2),
    ];
    for (args, status) in &cases {
        let (code, _, err) = run(cmd().args(args));
        assert_eq!(code, Some(*status), "{args:?}: {err}");
        let lines: Vec<&str> = err.lines().collect();
        let last_error = lines
            .iter()
            .rposition(|l| l.starts_with("error: ") || l.contains(": error: "))
            .unwrap_or_else(|| panic!("{args:?} says no error: {err}"));
        assert!(
            lines[last_error + 1..]
                .iter()
                .any(|l| l.trim_start().starts_with("help: ") || l.contains("try '--help'")),
            "{args:?} ends on an error without help: {err}"
        );
    }
}

/// What used to pass with a warning or silently: a polygon with no
/// positions, a KMZ whose KML is a symbolic link (never followed), and a
/// KMZ that is no zip (said at its first byte, like every other problem).
#[test]
fn empty_shapes_linked_entries_and_broken_archives_are_errors_that_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.geojson");
    std::fs::write(
        &path,
        r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"title": "e", "date": "2024-01-01"}, "geometry": {"type": "Polygon", "coordinates": []}},
{"type": "Feature", "properties": {"title": "f", "date": "2024-01-01"}, "geometry": {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 1]]]}}]}"#,
    )
    .unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&path));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "empty.geojson:2:1: error: feature 0: its geometry does not read (the Polygon is empty"
        ),
        "{out}"
    );
    assert_eq!(out.matches("[bad-record]").count(), 1, "{out}");
    let kmz = dir.path().join("link.kmz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&kmz).unwrap());
    zip.add_symlink(
        "doc.kml",
        "/etc/passwd",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.finish().unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&kmz));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("link.kmz:1:1: error: doc.kml in this KMZ file is a symbolic link"),
        "{out}"
    );
    assert!(
        !out.contains("root"),
        "the link's target is not read: {out}"
    );
    let broken = dir.path().join("broken.kmz");
    std::fs::write(&broken, b"PK\x03\x04 not a zip").unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&broken));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("broken.kmz:1:1: error: this KMZ (zip) file does not open"),
        "{out}"
    );
}

/// A Shapefile record that counts more points than its bytes hold (found
/// by the fuzzer: 2^28 points, four gigabytes asked of the allocator) is
/// refused before any memory is set aside for them.
#[test]
fn a_shapefile_counting_more_points_than_it_holds_is_refused() {
    let mut shp = vec![0u8; 100];
    shp[..4].copy_from_slice(&9994i32.to_be_bytes());
    shp[28..32].copy_from_slice(&1000i32.to_le_bytes());
    shp[32..36].copy_from_slice(&3i32.to_le_bytes());
    // One polyline: 44 bytes of box and counts, then one part's start.
    let mut content = Vec::new();
    content.extend_from_slice(&3i32.to_le_bytes());
    content.extend_from_slice(&[0u8; 32]);
    content.extend_from_slice(&1i32.to_le_bytes());
    content.extend_from_slice(&(1i32 << 28).to_le_bytes());
    content.extend_from_slice(&0i32.to_le_bytes());
    shp.extend_from_slice(&1i32.to_be_bytes());
    shp.extend_from_slice(&((content.len() / 2) as i32).to_be_bytes());
    shp.extend_from_slice(&content);
    let words = (shp.len() / 2) as i32;
    shp[24..28].copy_from_slice(&words.to_be_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge-count.shp");
    std::fs::write(&path, &shp).unwrap();
    let (code, out, _) = run(cmd().arg("check").arg(&path));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("record 1 counts 268435456 points in 48 bytes, which cannot hold them"),
        "{out}"
    );
}

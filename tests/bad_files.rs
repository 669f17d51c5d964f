//! The corpus of bad files in `tests/files/bad/`: each must give its precise
//! diagnostic at its precise place, and nothing may panic.

use std::path::{Path, PathBuf};

use incident_map_core::diagnostic::{Code, Diagnostic, LineCol, Severity};
use incident_map_core::formats::{self, LoadOptions, Loaded};

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/files/bad")
        .join(name)
}

fn load(name: &str) -> Loaded {
    formats::load(&bad(name), &LoadOptions::default()).expect("file is readable")
}

/// Asserts that `loaded` has exactly these diagnostics:
/// (code, line, column, a piece of the message, a piece of the help).
#[track_caller]
fn expect(loaded: &Loaded, want: &[(Code, usize, usize, &str, &str)]) {
    let got: Vec<&Diagnostic> = loaded.diagnostics.iter().collect();
    assert_eq!(got.len(), want.len(), "diagnostics: {got:#?}");
    for (d, (code, line, column, message, help)) in got.iter().zip(want) {
        assert_eq!(d.code, *code, "{d}");
        assert_eq!(
            d.position,
            Some(LineCol {
                line: *line,
                column: *column
            }),
            "{d}"
        );
        assert!(
            d.message.contains(message),
            "message of {d}\nshould contain {message:?}"
        );
        assert!(
            d.help.as_deref().unwrap_or("").contains(help),
            "help of {d}\nshould contain {help:?}"
        );
        assert_eq!(d.file.as_deref(), Some(loaded.path.as_path()));
    }
}

#[test]
fn truncated_file_is_a_syntax_error_at_the_unclosed_bracket() {
    let l = load("truncated.json");
    expect(
        &l,
        &[(Code::Syntax, 41, 19, "unterminated array", "truncated")],
    );
    assert!(l.store.is_none());
}

#[test]
fn wrong_types_are_each_reported_with_their_path() {
    let l = load("wrong-types.json");
    expect(
        &l,
        &[
            (
                Code::WrongType,
                11,
                16,
                "expected a number, found a string",
                "without quotes",
            ),
            (
                Code::WrongType,
                36,
                16,
                "expected a string, found a number",
                "double quotes",
            ),
            (
                Code::NoPassage,
                49,
                5,
                "event \"toll\" cites no passage",
                "quote the words",
            ),
            (
                Code::WrongType,
                60,
                19,
                "expected an array, found an object",
                "make it a list",
            ),
        ],
    );
    assert_eq!(
        l.diagnostics[0].json_path.as_deref(),
        Some("$.places[0].point.lat")
    );
    assert_eq!(
        l.diagnostics[3].json_path.as_deref(),
        Some("$.events[1].passages")
    );
}

#[test]
fn coordinates_out_of_range() {
    let l = load("bad-coordinates.json");
    expect(
        &l,
        &[
            (
                Code::CoordinateOutOfRange,
                20,
                16,
                "latitude 91.5 is out of range",
                "swapped",
            ),
            (
                Code::CoordinateOutOfRange,
                56,
                18,
                "longitude 200 is out of range",
                "-180 and 180",
            ),
        ],
    );
}

#[test]
fn dangling_references_suggest_the_id_meant() {
    let l = load("dangling-references.json");
    expect(
        &l,
        &[
            (
                Code::UnknownReference,
                39,
                18,
                "no place has the id \"hal\"",
                "did you mean \"hall\"?",
            ),
            (
                Code::UnknownReference,
                44,
                21,
                "no source has the id \"reprot\"",
                "did you mean \"report\"?",
            ),
            (
                Code::UnknownReference,
                69,
                20,
                "no event has the id \"atack\"",
                "did you mean \"attack\"?",
            ),
        ],
    );
}

#[test]
fn duplicate_ids_point_at_the_second_use_and_name_the_first() {
    let l = load("duplicate-ids.json");
    expect(
        &l,
        &[
            (
                Code::DuplicateId,
                17,
                13,
                "place id \"hall\" is used twice",
                "$.places[0].id",
            ),
            (
                Code::DuplicateId,
                50,
                13,
                "event id \"attack\" is used twice",
                "$.events[0].id",
            ),
        ],
    );
}

#[test]
fn a_quote_not_in_the_source_names_the_closest_text() {
    let l = load("quote-not-in-source.json");
    expect(
        &l,
        &[(
            Code::PassageNotFound,
            63,
            20,
            "the quote is not in source \"report\"",
            "closest text in the source is \"The death toll was revised for\"",
        )],
    );
    // The app still opens it, with the passage marked unverified.
    assert!(l.usable().is_some());
}

#[test]
fn a_source_path_may_not_escape_the_data_folder() {
    let l = load("path-escapes.json");
    expect(
        &l,
        &[(
            Code::SourcePathEscapes,
            30,
            20,
            "\"../../../etc/passwd\" leads outside",
            "beside the data file",
        )],
    );
    let ds = l.dataset().unwrap();
    assert!(
        ds.sources[0].full_text().is_none(),
        "nothing was read from outside"
    );
}

#[test]
fn a_missing_source_file_is_reported_once() {
    let l = load("source-missing.json");
    expect(
        &l,
        &[(
            Code::SourceMissing,
            30,
            20,
            "cannot read the source text \"no-such-file.txt\"",
            "relative to the data file",
        )],
    );
}

#[test]
fn a_source_text_that_is_not_utf8_says_where_in_it() {
    let l = load("source-not-utf8.json");
    expect(
        &l,
        &[(
            Code::SourceNotUtf8,
            30,
            20,
            "byte 0xE9 at byte offset 52 (line 2, column 4)",
            "UTF-8",
        )],
    );
}

#[test]
fn a_data_file_that_is_not_utf8_points_at_the_bad_byte() {
    let l = load("invalid-utf8.json");
    expect(&l, &[(Code::NotUtf8, 51, 23, "byte 0xE9", "UTF-8")]);
    assert!(l.store.is_none());
}

#[test]
fn unknown_fields_suggest_the_right_name_once() {
    let l = load("unknown-fields.json");
    expect(
        &l,
        &[
            (
                Code::UnknownField,
                11,
                9,
                "unknown field \"latitude\" in a point",
                "did you mean \"lat\"?",
            ),
            (
                Code::UnknownField,
                47,
                7,
                "unknown field \"titel\" in an event",
                "did you mean \"title\"?",
            ),
        ],
    );
}

#[test]
fn missing_required_fields() {
    let l = load("missing-fields.json");
    expect(
        &l,
        &[
            (
                Code::MissingField,
                34,
                5,
                "an event has no \"when\"",
                "\"when\": \"unknown\"",
            ),
            (
                Code::MissingField,
                48,
                5,
                "an event has no \"title\"",
                "title",
            ),
        ],
    );
}

#[test]
fn impossible_dates_and_reversed_ranges() {
    let l = load("bad-dates.json");
    expect(
        &l,
        &[
            (
                Code::InvalidDate,
                37,
                15,
                "\"2024-02-30\" is not a valid calendar date",
                "2024-03-07",
            ),
            (
                Code::RangeReversed,
                52,
                15,
                "\"2024-03-27/2024-03-23\" ends before it starts",
                "earlier date first",
            ),
        ],
    );
}

#[test]
fn a_newer_format_version_is_refused() {
    let l = load("wrong-version.json");
    expect(
        &l,
        &[(
            Code::UnsupportedVersion,
            3,
            14,
            "version 7 is not supported",
            "newer incident-map",
        )],
    );
    assert!(l.store.is_none());
}

#[test]
fn a_byte_order_mark_is_ignored_with_a_warning() {
    let l = load("bom.json");
    expect(
        &l,
        &[(Code::ByteOrderMark, 1, 1, "byte order mark", "without BOM")],
    );
    assert_eq!(l.diagnostics[0].severity, Severity::Warning);
    assert_eq!(l.usable().unwrap().to_dataset().events.len(), 2);
}

#[test]
fn crlf_files_get_the_same_positions_and_quotes_match_across_line_breaks() {
    let l = load("crlf.json");
    expect(
        &l,
        &[(
            Code::CoordinateOutOfRange,
            20,
            16,
            "latitude -95 is out of range",
            "",
        )],
    );
    let ds = l.dataset().unwrap().into_owned();
    let passage = &ds.events[1].passages[0];
    let anchor = passage
        .anchoring
        .anchor()
        .expect("quote across CRLF anchors");
    let text = ds.sources[0].full_text().unwrap();
    assert_eq!(
        &text[anchor.bytes.clone()],
        "at about 20:00.\r\nThe death toll"
    );
}

#[test]
fn an_empty_file_and_a_non_object_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (content, message) in [
        ("", "the file is empty"),
        ("   \n", "the file is empty"),
        ("[1, 2]", "not an incident-map data file"),
        ("{\"format\": \"geojson\"}", "not the incident-map format"),
    ] {
        let p = dir.path().join("x.json");
        std::fs::write(&p, content).unwrap();
        let l = formats::load(&p, &LoadOptions::default()).unwrap();
        assert!(l.has_errors() && l.usable().is_none(), "{content:?}");
        assert!(
            l.diagnostics.iter().any(|d| d.message.contains(message)),
            "{content:?}: {:#?}",
            l.diagnostics
        );
    }
}

#[test]
fn a_deeply_nested_file_is_refused_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deep.json");
    std::fs::write(
        &p,
        format!(
            "{{\"format\": \"incident-map\", \"x\": {}",
            "[".repeat(1_000_000)
        ),
    )
    .unwrap();
    let l = formats::load(&p, &LoadOptions::default()).unwrap();
    assert_eq!(l.diagnostics.len(), 1);
    assert_eq!(l.diagnostics[0].code, Code::TooDeep);
    // 32 characters of prefix, then the `{` and 64 `[` are allowed: the 65th bracket is refused.
    assert_eq!(
        l.diagnostics[0].position,
        Some(LineCol {
            line: 1,
            column: 32 + 64
        })
    );
}

#[test]
fn a_file_too_big_for_memory_is_refused_before_reading_with_the_numbers() {
    let available = formats::file::available_memory().expect("this machine says its memory");
    // Sparse, in the build folder (on disk, not a RAM-backed /tmp): it costs
    // no disk and no time, and is never read.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let p = dir.path().join("huge.csv");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(available * 2)
        .unwrap();
    let l = formats::load(&p, &LoadOptions::default()).unwrap();
    assert_eq!(l.diagnostics.len(), 1, "{:#?}", l.diagnostics);
    let d = &l.diagnostics[0];
    assert_eq!(d.code, Code::FileTooLarge);
    // Placed, like every other problem: the file, line 1.
    assert_eq!(d.position, Some(LineCol { line: 1, column: 1 }));
    assert!(
        d.message
            .contains(&formats::file::human_bytes(available * 2))
            && d.message.contains("available"),
        "{d}"
    );
    assert!(
        d.help
            .as_deref()
            .unwrap()
            .contains("INCIDENT_MAP_NO_MEMORY_CHECK")
    );
    assert!(l.store.is_none());
}

#[test]
fn every_prefix_of_a_good_file_loads_or_fails_cleanly() {
    // Truncation at every byte: never a panic, and always a located diagnostic.
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/files/good/small.json");
    let bytes = std::fs::read(&good).unwrap();
    let content_len = bytes.trim_ascii_end().len();
    for cut in 0..content_len {
        let l = formats::load_bytes(&good, &bytes[..cut]);
        assert!(
            l.has_errors(),
            "a file cut at byte {cut} should have errors"
        );
        assert!(
            l.diagnostics.iter().all(|d| d.position.is_some()),
            "cut at {cut}: {:#?}",
            l.diagnostics
        );
    }
    assert!(!formats::load_bytes(&good, &bytes).has_errors());
}

#[test]
fn a_missing_file_is_an_io_error_not_a_diagnostic() {
    let e = formats::load(Path::new("/no/such/file.json"), &LoadOptions::default()).unwrap_err();
    assert!(
        e.to_string().starts_with("cannot read /no/such/file.json"),
        "{e}"
    );
}

#[test]
fn random_mutations_of_a_good_file_never_panic() {
    // A seeded xorshift: the same 3000 mutants on every run.
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/files/good/small.json");
    let original = std::fs::read(&good).unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let interesting = b"{}[]\",:0-.e\\ntfu\xC3\xE9\xFF";
    for _ in 0..3000 {
        let mut bytes = original.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[at] = interesting[(next() as usize) % interesting.len()],
                1 => {
                    bytes.remove(at);
                }
                _ => {
                    let len = ((next() as usize) % 40).min(bytes.len() - at);
                    let span: Vec<u8> = bytes[at..at + len].to_vec();
                    bytes.splice(at..at, span);
                }
            }
        }
        let loaded = formats::load_bytes(&good, &bytes);
        // Whatever it is, every diagnostic says where.
        for d in &loaded.diagnostics {
            assert!(d.position.is_some() || d.json_path.is_some(), "{d}");
        }
    }
}

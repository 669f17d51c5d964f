//! Reading the files of other tools (GeoJSON, ACLED and other CSV, KML and
//! KMZ, TimelineJS), writing GeoJSON and CSV, and round trips through them.
//! The real files are in `tests/files/samples/` (origin in its README);
//! the variants in `tests/files/interop/`.

use std::path::Path;

use incident_map_core::diagnostic::Code;
use incident_map_core::formats::{self, Format, LoadOptions, Loaded};
use incident_map_core::model::{Dataset, LatLon, Moment, Precision, When};

mod common;
use common::{repo, scenario};

fn load(path: &Path) -> Loaded {
    formats::load(path, &LoadOptions::default()).unwrap()
}

fn sample(name: &str) -> Loaded {
    load(&repo("tests/files/samples").join(name))
}

fn variant(name: &str) -> Loaded {
    load(&repo("tests/files/interop").join(name))
}

fn ds(l: &Loaded) -> Dataset {
    l.usable()
        .unwrap_or_else(|| panic!("not usable: {:#?}", l.diagnostics))
        .to_dataset()
        .into_owned()
}

fn event<'a>(ds: &'a Dataset, id: &str) -> &'a incident_map_core::model::Event {
    ds.event(id).unwrap_or_else(|| panic!("no event {id}"))
}

fn point(ds: &Dataset, id: &str) -> LatLon {
    ds.point_of(event(ds, id)).unwrap()
}

fn day(y: i16, m: i8, d: i8) -> Moment {
    Moment::Day(jiff::civil::Date::new(y, m, d).unwrap())
}

fn utc(s: &str) -> Moment {
    Moment::Instant(
        s.parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC),
    )
}

fn quote<'a>(ds: &'a Dataset, id: &str) -> &'a str {
    &event(ds, id).passages[0].quote
}

/// Errors and warnings as (line, code).
fn problems(l: &Loaded) -> Vec<(usize, Code)> {
    l.diagnostics
        .iter()
        .map(|d| (d.position.map_or(0, |p| p.line), d.code))
        .collect()
}

#[test]
fn timelinejs_sample() {
    let l = sample("timelinejs_women_in_computing.json");
    assert_eq!(l.format, Some(Format::TimelineJs));
    let ds = &ds(&l);
    assert_eq!(ds.title, "Women in Computing");
    assert_eq!(ds.events.len(), 10);
    let ada = &ds.events[0];
    assert_eq!(ada.title, "Ada Lovelace");
    assert_eq!(
        ada.when,
        When::Between(Some(day(1815, 12, 10)), Some(day(1852, 11, 27)))
    );
    // No place in TimelineJS: kept, unplaced, never dropped.
    assert!(ds.events.iter().all(|e| e.location.is_none()));
    // The text, as plain text, is the passage; the media's credit its author.
    assert!(
        ada.passages[0]
            .quote
            .starts_with("Women have been programming since before it was a thing.")
    );
    assert!(!ada.passages[0].quote.contains('<'));
    let source = ds.source(&ada.passages[0].source).unwrap();
    assert_eq!(source.author.as_deref(), Some("Wikimedia Commons"));
    assert!(
        source
            .url
            .as_deref()
            .unwrap()
            .starts_with("https://upload.wikimedia.org/")
    );
    // Partial dates stay partial: July 1943 to 1946; 1951.
    let eniac = ds
        .events
        .iter()
        .find(|e| e.title == "...And the women who made it work")
        .unwrap();
    assert_eq!(
        eniac.when,
        When::Between(
            Some(Moment::Month {
                year: 1943,
                month: 7
            }),
            Some(Moment::Year(1946))
        )
    );
    assert!(
        ds.events
            .iter()
            .any(|e| e.when == When::At(Moment::Year(1951)))
    );
    // Every passage anchors in its source.
    assert!(ds.passages().all(|(_, p)| p.anchoring.anchor().is_some()));
}

#[test]
fn kml_sample_with_every_time_variant() {
    let l = sample("kml_TimeTest.kml");
    assert_eq!(l.format, Some(Format::Kml));
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let ds = &ds(&l);
    let whens: Vec<(&str, &When)> = ds
        .events
        .iter()
        .map(|e| (e.title.as_str(), &e.when))
        .collect();
    assert_eq!(
        whens,
        [
            ("startPointMarker", &When::At(utc("2008-08-12T01:00:00Z"))),
            (
                "no-start-time-point",
                &When::Between(None, Some(utc("2008-08-12T02:00:00Z")))
            ),
            (
                "start-end-time-point",
                &When::Between(
                    Some(utc("2008-08-12T03:00:00Z")),
                    Some(utc("2008-08-12T04:00:00Z"))
                )
            ),
            (
                "no-end-time-point",
                &When::Between(Some(utc("2008-08-12T04:00:00Z")), None)
            ),
            ("endPointMarker", &When::At(utc("2008-08-12T05:00:00Z"))),
            ("noTime-StaticMarker", &When::Unknown),
        ]
    );
    let p = ds.point_of(&ds.events[0]).unwrap();
    assert_eq!((p.lon, p.lat), (-76.72894181350101, 39.104144789924));
    assert_eq!(ds.events[2].passages[0].quote, "point 3");
}

#[test]
fn acled_sample_2024_columns() {
    let l = sample("acled_sample_2024_format.csv");
    assert_eq!(l.format, Some(Format::Csv));
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let ds = &ds(&l);
    assert_eq!(ds.events.len(), 2);
    let e = event(ds, "PSE62716");
    assert_eq!(e.when, When::At(day(2024, 11, 1)));
    assert_eq!(
        point(ds, "PSE62716"),
        LatLon {
            lat: 31.3942,
            lon: 35.1365
        }
    );
    assert_eq!(
        e.location.as_ref().unwrap().precision,
        Some(Precision::Town)
    );
    assert!(
        quote(ds, "PSE62716").starts_with("Land seizure: On 1 November 2024, Israeli settlers")
    );
    assert_eq!(e.actors, ["Settlers (Israel)", "Civilians (Palestine)"]);
    assert_eq!(e.casualties[0].killed, Some(0));
    let source = ds.source(&e.passages[0].source).unwrap();
    assert_eq!(source.publisher.as_deref(), Some("ACLED"));
    assert!(
        source
            .note
            .as_deref()
            .unwrap()
            .contains("PLO Negotiations Affairs Department (Other)")
    );
    let yemen = event(ds, "YEM93235");
    // geo_precision 2: near the town, not at it.
    assert_eq!(
        yemen.location.as_ref().unwrap().precision,
        Some(Precision::District)
    );
    assert!(
        yemen
            .notes
            .as_deref()
            .unwrap()
            .contains("tags: crowd size=large")
    );
    let categories: Vec<&str> = ds.categories.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(categories, ["Strategic developments", "Protests"]);
}

#[test]
fn geojson_sample_with_mixed_geometries() {
    let path = repo("tests/files/samples/geojson_unmiss_incidents.geojson");
    let l = load(&path);
    assert_eq!(l.format, Some(Format::GeoJson));
    let ds = &ds(&l);
    let raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let features = raw["features"].as_array().unwrap();
    assert_eq!(ds.events.len(), features.len());
    for (e, f) in ds.events.iter().zip(features) {
        // OSM ids like "way/253955885" become valid ids: "way-253955885".
        assert_eq!(e.id, f["id"].as_str().unwrap().replace('/', "-"));
        assert_eq!(e.when, When::At(utc("2022-12-24T00:00:00Z")));
        assert_eq!(e.category.as_deref(), Some("violence"));
        let loc = e.location.as_ref().unwrap();
        let p = loc.point.unwrap();
        match f["geometry"]["type"].as_str().unwrap() {
            "Point" => {
                let c = &f["geometry"]["coordinates"];
                assert_eq!(
                    (p.lon, p.lat),
                    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
                );
                assert!(loc.geometry.is_none());
            }
            "Polygon" => {
                use geo::Contains;
                let geo::Geometry::Polygon(poly) = loc.geometry.as_ref().unwrap() else {
                    panic!("{:?}", loc.geometry)
                };
                assert!(
                    poly.contains(&geo::point!(x: p.lon, y: p.lat)),
                    "the marker is inside"
                );
            }
            "LineString" => assert!(matches!(loc.geometry, Some(geo::Geometry::LineString(_)))),
            other => panic!("{other}"),
        }
        // The source URL is kept.
        let url = f["properties"]["incident:source:url"].as_str().unwrap();
        assert!(e.notes.as_deref().unwrap().contains(url));
    }
    assert_eq!(event(ds, "way-253955885").title, "Rumamier");
    assert_eq!(
        event(ds, "way-676500227").title,
        "Gumuruk",
        "incident:detail when no name"
    );
}

#[test]
fn geojson_time_conventions_and_geometries() {
    let l = variant("variants.geojson");
    let ds = &*l.dataset().unwrap();
    assert_eq!(event(ds, "fg-date").when, When::At(day(2024, 3, 7)));
    assert_eq!(
        event(ds, "fg-timestamp").when,
        When::At(utc("2024-03-22T17:00:00Z"))
    );
    assert_eq!(
        event(ds, "fg-open").when,
        When::Between(Some(day(2024, 3, 8)), None)
    );
    assert_eq!(
        event(ds, "7").when,
        When::Between(Some(day(2024, 3, 1)), Some(day(2024, 3, 5)))
    );
    let unplaced = ds
        .events
        .iter()
        .find(|e| e.title == "Start and end")
        .unwrap();
    assert_eq!(
        unplaced.when,
        When::Between(Some(day(2024, 3, 1)), Some(day(2024, 3, 2)))
    );
    assert!(unplaced.location.is_none());
    assert_eq!(quote(ds, "fg-timestamp"), "Gunmen & fire");
    assert!(matches!(
        event(ds, "fg-open").location.as_ref().unwrap().geometry,
        Some(geo::Geometry::MultiLineString(_))
    ));
    // A date that does not read: a located error, the event kept undated.
    assert_eq!(event(ds, "bad-date").when, When::Unknown);
    let bad: Vec<_> = problems(&l)
        .into_iter()
        .filter(|p| p.1 == Code::BadRecord)
        .collect();
    assert_eq!(bad, [(19, Code::BadRecord)]);
    assert!(
        l.usable().is_some(),
        "a bad record does not keep the rest from opening"
    );
}

#[test]
fn acled_2016_columns_and_precisions() {
    let l = variant("acled-2016.csv");
    let ds = &*l.dataset().unwrap();
    let e = event(ds, "1001");
    assert_eq!(e.when, When::At(day(2016, 7, 2)));
    assert_eq!(e.title, "Battle-No change of territory: Luanda");
    assert_eq!(e.casualties[0].killed, Some(3));
    // 9-May-20 with time precision 2: the week around it, and why.
    let e = event(ds, "1002");
    assert_eq!(
        e.when,
        When::Between(Some(day(2020, 5, 6)), Some(day(2020, 5, 12)))
    );
    assert!(e.when_note.as_deref().unwrap().contains("only the week"));
    assert_eq!(
        e.actors,
        ["Protesters (Angola)", "Teachers"],
        "ally_actor_1 is read"
    );
    // Time precision 3: the month only; geo precision 3: the region.
    let e = event(ds, "1003");
    assert_eq!(
        e.when,
        When::At(Moment::Month {
            year: 2020,
            month: 6
        })
    );
    let loc = e.location.as_ref().unwrap();
    assert_eq!(
        (loc.precision, loc.uncertainty_m),
        (Some(Precision::Region), Some(100_000.0))
    );
    // A bad fatalities count: located at its row, the event kept.
    assert_eq!(problems(&l), [(4, Code::BadRecord)]);
}

#[test]
fn any_csv_with_coordinates_delimiter_and_bom_detected() {
    let l = variant("semicolon-bom.csv");
    let ds = &*l.dataset().unwrap();
    let titles: Vec<&str> = ds.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Alpha", "Charlie", "Delta; with semicolon"]);
    assert_eq!(ds.events[0].when, When::At(day(2024, 3, 22)));
    assert_eq!(ds.events[2].passages[0].quote, "Quoted; field");
    // The columns it used are named.
    let about = ds.description.as_deref().unwrap();
    assert!(
        about.contains("latitude = \"lat\"") && about.contains("longitude = \"lng\""),
        "{about}"
    );
    assert_eq!(
        problems(&l),
        [
            (1, Code::ByteOrderMark),
            (3, Code::BadRecord),
            (4, Code::BadRecord)
        ]
    );
    let out_of_range = &l.diagnostics[1];
    assert!(
        out_of_range
            .message
            .contains("latitude 123.0 is out of range"),
        "{}",
        out_of_range.message
    );
}

#[test]
fn kml_folders_spans_html_and_multigeometry() {
    let l = variant("variants.kml");
    let ds = &*l.dataset().unwrap();
    assert_eq!(ds.title, "KML variants");
    let march = event(ds, "march");
    assert_eq!(
        march.when,
        When::Between(
            Some(Moment::Month {
                year: 2024,
                month: 3
            }),
            Some(Moment::Year(2024))
        )
    );
    assert_eq!(march.category.as_deref(), Some("protests"));
    // HTML is plain text, scripts included as text, never run or rendered.
    assert_eq!(march.passages[0].quote, "Crowds & banners\nalert(1)");
    assert_eq!(
        march.notes.as_deref(),
        Some("crowd: large\norganiser: Unions & students")
    );
    let polygon = ds.events.iter().find(|e| e.title == "A polygon").unwrap();
    assert_eq!(polygon.category.as_deref(), Some("areas"));
    assert!(matches!(
        polygon.location.as_ref().unwrap().geometry,
        Some(geo::Geometry::Polygon(_))
    ));
    let multi = ds.events.iter().find(|e| e.title == "Multi").unwrap();
    assert!(matches!(
        multi.location.as_ref().unwrap().geometry,
        Some(geo::Geometry::GeometryCollection(_))
    ));
    match &multi.when {
        When::At(Moment::Instant(z)) => {
            assert_eq!(z.timestamp().to_string(), "2024-03-22T17:00:00Z")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        problems(&l)
            .iter()
            .filter(|p| p.1 == Code::BadRecord)
            .collect::<Vec<_>>(),
        [&(35, Code::BadRecord)]
    );
}

#[test]
fn kmz_is_read_from_its_zip() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("time.kmz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("doc.kml", options).unwrap();
    zip.write_all(&std::fs::read(repo("tests/files/samples/kml_TimeTest.kml")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    let l = load(&path);
    assert_eq!(l.format, Some(Format::Kmz));
    assert_eq!(ds(&l).events.len(), 6);
    // Not a zip after all: a clear error, no panic.
    std::fs::write(&path, b"PK\x03\x04 this is not a zip").unwrap();
    let l = load(&path);
    assert!(l.usable().is_none());
    assert!(
        l.diagnostics[0]
            .message
            .contains("KMZ (zip) file does not open"),
        "{:?}",
        l.diagnostics
    );
}

#[test]
fn timelinejs_old_shape() {
    let l = variant("timeline-old.json");
    let ds = &ds(&l);
    assert_eq!(ds.title, "Old shape");
    assert_eq!(
        ds.events[0].when,
        When::Between(Some(day(2011, 12, 10)), Some(day(2011, 12, 11)))
    );
    assert_eq!(ds.events[0].passages[0].quote, "One");
    assert_eq!(ds.events[1].when, When::At(Moment::Year(2012)));
}

#[test]
fn format_is_recognised_by_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    for (sample, name, format) in [
        (
            "geojson_unmiss_incidents.geojson",
            "a.json",
            Format::GeoJson,
        ),
        ("acled_sample_2024_format.csv", "a.txt", Format::Csv),
        ("kml_TimeTest.kml", "a.xml", Format::Kml),
        (
            "timelinejs_women_in_computing.json",
            "a.data",
            Format::TimelineJs,
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::copy(repo("tests/files/samples").join(sample), &p).unwrap();
        assert_eq!(load(&p).format, Some(format), "{sample}");
    }
    // Nothing this app reads: the message lists what it does read.
    for (name, content) in [
        ("a.bin", "\u{1}\u{2} just some words"),
        ("b.xml", "<html><body/></html>"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let l = load(&p);
        assert!(l.usable().is_none());
        let d = &l.diagnostics[0];
        assert_eq!(d.code, Code::UnknownFormat, "{name}");
        assert!(
            d.help.as_deref().unwrap().contains("GeoJSON")
                && d.help.as_deref().unwrap().contains("KML")
        );
    }
}

#[test]
fn bad_input_in_each_format_is_located_and_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    // Every prefix of every sample (and variant): a diagnostic or data, no panic.
    for folder in [
        "samples",
        "interop",
        "interop/geoparquet",
        "interop/flatgeobuf",
    ] {
        for entry in std::fs::read_dir(repo("tests/files").join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(path).unwrap();
            for cut in (0..bytes.len()).step_by(97) {
                let _ = formats::load_bytes(Path::new("cut"), &bytes[..cut]);
            }
        }
    }
    let cases: [(&str, &str, usize, Code); 7] = [
        (
            "t.geojson",
            "{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": [200, 95]}, \"properties\": {}}]}",
            2,
            Code::BadRecord,
        ),
        (
            "t.kml",
            "<kml><Placemark><name>x</name>\n<Point><coordinates>200,95</coordinates></Point></Placemark></kml>",
            1,
            Code::BadRecord,
        ),
        (
            "t.geojson",
            "{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\",",
            2,
            Code::Syntax,
        ),
        (
            "t.kml",
            "<kml><Document>\n<Placemark><name>x</name>\n</Document></kml>",
            3,
            Code::Syntax,
        ),
        ("t.csv", "name,x,y\na,1,2\n", 1, Code::MissingField),
        (
            "t.csv",
            // A quote never closed: the rest would be one value, so it is an error.
            "name,lat,lon,date\na,55.7,37.6,2024-03-01\nb,55.7,\"37.6,2024\n",
            3,
            Code::Syntax,
        ),
        (
            "t.json",
            "{\"events\": [{\"start_date\": {\"year\": 2024, \"month\": 13}, \"text\": {\"headline\": \"x\"}}]}",
            1,
            Code::BadRecord,
        ),
    ];
    for (name, content, line, code) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let l = load(&p);
        assert!(
            problems(&l).contains(&(line, code)),
            "{name}: {content}\n{:#?}",
            l.diagnostics
        );
    }
    // A Parquet file cut short is said to be, not taken for text.
    let parquet = std::fs::read(repo("tests/files/interop/geoparquet/example.parquet")).unwrap();
    let cut = formats::load_bytes(Path::new("cut.parquet"), &parquet[..parquet.len() / 2]);
    assert!(
        cut.diagnostics[0].message.contains("cut short"),
        "{:?}",
        cut.diagnostics
    );
    // The wrong columns are named, and the ones it looked for.
    let p = dir.path().join("t.csv");
    std::fs::write(&p, "name,x,y\na,1,2\n").unwrap();
    let d = &load(&p).diagnostics[0];
    assert!(
        d.message.contains("its columns are: name, x, y"),
        "{}",
        d.message
    );
    assert!(d.help.as_deref().unwrap().contains("lat and lon"));
}

#[test]
fn a_70_mb_csv_over_the_old_64_mb_cap_loads_with_its_bad_rows_located() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.csv");
    let mut text = String::with_capacity(72 << 20);
    text.push_str("id,title,date,latitude,longitude\n");
    let mut rows = 0;
    while text.len() < 70 << 20 {
        rows += 1;
        match rows % 100_000 {
            7 => text.push_str(&format!("r{rows},Bad latitude,2024-03-01,95.5,37.6\n")),
            8 => text.push_str(&format!("r{rows},Bad date,2024-02-30,55.5,37.6\n")),
            _ => text.push_str(&format!(
                "r{rows},Event number {rows} somewhere near Moscow,2024-03-{:02},{:.5},{:.5}\n",
                rows % 28 + 1,
                55.0 + (rows % 1000) as f64 / 1000.0,
                37.0 + (rows % 777) as f64 / 777.0
            )),
        }
    }
    std::fs::write(&p, &text).unwrap();
    let l = load(&p);
    let store = l
        .usable()
        .expect("bad rows do not keep the rest from opening");
    let bad_lat = rows / 100_000 + usize::from(rows % 100_000 >= 7);
    assert_eq!(store.len(), rows - bad_lat);
    // The last event, read again from its record, is the file's last row.
    let last = store.event(store.len() - 1);
    assert_eq!(last.id, format!("r{rows}"));
    assert_eq!(
        last.title,
        format!("Event number {rows} somewhere near Moscow")
    );
    let bad: Vec<_> = problems(&l)
        .into_iter()
        .filter(|p| p.1 != Code::NoPassage)
        .collect();
    assert_eq!(
        bad.len(),
        2 * (rows / 100_000) + usize::from(rows % 100_000 >= 7) + usize::from(rows % 100_000 >= 8)
    );
    assert!(
        bad.iter()
            .all(|(line, code)| *code == Code::BadRecord && *line > 1)
    );
    // Events without words: one warning for all of them.
    assert_eq!(
        l.diagnostics
            .iter()
            .filter(|d| d.code == Code::NoPassage)
            .count(),
        1
    );
    // The first bad latitude is on line 8 (row 7, after the header).
    assert_eq!(bad.first(), Some(&(8, Code::BadRecord)));
}

#[test]
fn a_native_file_of_many_events_is_read_in_parts_and_left_in_its_file() {
    // More events than a native file keeps in memory: each is decoded,
    // checked and anchored a part at a time, then read again when opened.
    let n = 60_001;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.json");
    let article = "The first report came at dawn. Shelling was heard near the river. \
                   Later the mayor confirmed two deaths.";
    let mut text = format!(
        "{{\"format\": \"incident-map\", \"version\": 1, \"title\": \"Many\", \"sources\": [{{\"id\": \"wire\", \"title\": \"Wire\", \"text\": \"{article}\"}}],\n\"events\": [\n"
    );
    for i in 0..n {
        let lat = if i == 55_000 {
            95.0
        } else {
            50.0 + (i % 100) as f64 / 100.0
        };
        let id = if i == n - 1 {
            "e7".to_string()
        } else {
            format!("e{i}")
        };
        let mut event = format!(
            "{{\"id\": \"{id}\", \"title\": \"Event {i}\", \"when\": \"2024-03-{:02}\", \"where\": {{\"point\": {{\"lat\": {lat}, \"lon\": 30.5}}}}",
            i % 28 + 1
        );
        if i % 10_000 == 3 {
            event.push_str(", \"passages\": [{\"source\": \"wire\", \"quote\": \"Shelling was heard near the river.\"}]");
        }
        if i == 59_000 {
            event.push_str(", \"relations\": [{\"kind\": \"follows\", \"event\": \"e10\"}]");
        }
        event.push('}');
        if i + 1 < n {
            event.push(',');
        }
        text.push_str(&event);
        text.push('\n');
    }
    text.push_str("]}\n");
    std::fs::write(&p, &text).unwrap();
    let l = load(&p);
    let store = l.store.as_ref().expect("the file reads");
    assert!(store.dataset().is_none(), "the events stay in the file");
    assert_eq!(store.len(), n);
    // Problems at their lines: event i is on line i + 3.
    let at = |code: Code| {
        l.diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| {
                (
                    d.position.map(|p| p.line),
                    d.json_path.clone().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        at(Code::CoordinateOutOfRange),
        [(Some(55_003), "$.events[55000].where.point.lat".to_string())]
    );
    assert_eq!(
        at(Code::DuplicateId),
        [(Some(n + 2), format!("$.events[{}].id", n - 1))]
    );
    let dup = l
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DuplicateId)
        .unwrap();
    assert!(
        dup.help.as_deref().unwrap().contains("$.events[7].id"),
        "{dup:?}"
    );
    // An event opened is read again, its passage found in the source.
    let d = store.detail(20_003);
    assert_eq!(d.event.title, "Event 20003");
    let anchor = d.event.passages[0].anchoring.anchor().expect("anchored");
    assert_eq!(
        &article[anchor.bytes.clone()],
        "Shelling was heard near the river."
    );
    assert_eq!(d.sources.len(), 1);
    assert_eq!(store.table().passages, 6);
    assert_eq!(
        store
            .table()
            .relations(59_000)
            .map(|r| r.1)
            .collect::<Vec<_>>(),
        [10]
    );
    // A few bytes an event in memory beyond the table.
    let beyond = store.heap_bytes() - store.table().heap_bytes();
    assert!(beyond < 16 * n, "{beyond} bytes");
    // The whole of it, when asked (an export, an edit), is all there.
    let all = store.to_dataset();
    assert_eq!(all.events.len(), n);
    assert_eq!(all.events[59_000].relations[0].event, "e10");
    assert_eq!(all.sources.len(), 1);
}

/// The scenario written in `format`, read back.
fn round_trip(format: Format, ext: &str) -> (Dataset, Dataset) {
    let original = ds(&load(&scenario())).clone();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(format!("scenario.{ext}"));
    // Written as the app and `convert` write (a GeoPackage is not text).
    formats::export::save(&original, Some(&scenario()), &p, format).unwrap();
    let back = load(&p);
    assert!(
        !back.diagnostics.iter().any(|d| d.is_error()),
        "{:#?}",
        back.diagnostics
    );
    // And on to native, and read once more.
    let native = dir.path().join("again.json");
    std::fs::write(&native, formats::write(&ds(&back), Format::Native).unwrap()).unwrap();
    let again = load(&native);
    (original, ds(&again).clone())
}

/// The words of every passage of an event, in order.
fn quotes(e: &incident_map_core::model::Event) -> Vec<&str> {
    e.passages.iter().map(|p| p.quote.trim()).collect()
}

fn assert_same_events(original: &Dataset, back: &Dataset) {
    assert_eq!(original.events.len(), back.events.len());
    for (a, b) in original.events.iter().zip(&back.events) {
        assert_eq!(a.id, b.id);
        // Every passage's words, the second and later ones too.
        assert_eq!(quotes(a), quotes(b), "{}", a.id);
        match (&a.when, &b.when) {
            // Readings keep their dates and notes; their ids point into the original.
            (When::Disputed(x), When::Disputed(y)) => {
                let dates = |r: &Vec<incident_map_core::model::Reading>| {
                    r.iter().map(|r| r.when.clone()).collect::<Vec<_>>()
                };
                assert_eq!(dates(x), dates(y));
            }
            (x, y) => assert_eq!(x, y, "{}", a.id),
        }
        let precision = |ds: &Dataset, e: &incident_map_core::model::Event| {
            let loc = e.location.as_ref()?;
            loc.precision
                .or_else(|| Some(ds.place(loc.place.as_deref()?)?.precision))
        };
        assert_eq!(precision(original, a), precision(back, b), "{}", a.id);
        let (p, q) = (original.point_of(a).unwrap(), back.point_of(b).unwrap());
        assert!(
            (p.lat - q.lat).abs() < 1e-6 && (p.lon - q.lon).abs() < 1e-6,
            "{}",
            a.id
        );
        assert_eq!(
            a.location.as_ref().and_then(|l| l.uncertainty_m),
            b.location.as_ref().and_then(|l| l.uncertainty_m)
        );
    }
}

#[test]
fn gdelt_exports_are_recognised_by_shape_and_read_with_its_codebook() {
    let l = variant("20240324.export.CSV");
    assert_eq!(l.format, Some(Format::Csv));
    let d = ds(&l);
    assert_eq!(d.events.len(), 3);
    assert!(
        d.description.as_deref().unwrap().contains("GDELT"),
        "{:?}",
        d.description
    );
    // The CAMEO root code, named, is the category.
    let labels: Vec<&str> = d.categories.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Protest", "Consult", "Fight"]);
    let protest = event(&d, "1158093520");
    assert_eq!(protest.title, "Protest: POLICE – PROTESTER");
    assert_eq!(protest.when, When::At(day(2024, 3, 22)));
    assert_eq!(protest.actors, ["POLICE", "PROTESTER"]);
    let loc = protest.location.as_ref().unwrap();
    assert_eq!(
        loc.precision,
        Some(Precision::Town),
        "ActionGeo_Type 4: a city"
    );
    assert_eq!(
        loc.note.as_deref(),
        Some("Place: Nairobi, Nairobi Area, Kenya")
    );
    assert!((point(&d, "1158093520").lat + 1.28333).abs() < 1e-9);
    let notes = protest.notes.as_deref().unwrap();
    for kept in [
        "Source: https://example.org/news/nairobi-protest",
        "CAMEO event code: 145",
        "Mentions: 10",
        "Goldstein scale: -7.5",
    ] {
        assert!(notes.contains(kept), "{kept} not in {notes}");
    }
    // Type 1: the country.
    let talks = event(&d, "1158093521");
    assert_eq!(
        talks.location.as_ref().unwrap().precision,
        Some(Precision::Country)
    );
    // No geo point: on the timeline, not on the map.
    let fight = event(&d, "1158093522");
    assert!(fight.location.is_none());
    assert_eq!(fight.when, When::At(day(2024, 3, 24)));
    // Its only remark: no passages.
    assert_eq!(problems(&l), [(1, Code::NoPassage)]);

    // GDELT 1.0's daily file, 58 columns, named .txt.
    let one = ds(&variant("gdelt-1.0-daily.txt"));
    let e = event(&one, "301000001");
    assert_eq!(e.title, "Assault: MILITANT – CIVILIAN");
    assert_eq!(e.when, When::At(day(2014, 4, 15)));
    assert_eq!(
        e.location.as_ref().unwrap().precision,
        Some(Precision::Region)
    );
    assert!((point(&one, "301000001").lon - 13.0).abs() < 1e-9);

    // The same columns with a header (BigQuery): the same reading.
    let bq = ds(&variant("gdelt-bigquery.csv"));
    let e = event(&bq, "1158093530");
    assert_eq!(e.category.as_deref(), Some("protest"));
    assert_eq!(e.when, When::At(day(2024, 4, 1)));
    assert_eq!(
        e.location.as_ref().unwrap().precision,
        Some(Precision::Town)
    );
}

#[test]
fn coordinates_in_one_column_and_headers_with_stray_spaces() {
    // " Title ", "DATE", " Coordinates ": "lat, lon" and "lat lon".
    let l = variant("one-column-coordinates.csv");
    let d = ds(&l);
    assert_eq!(d.events.len(), 3);
    let fire = &d.events[0];
    assert_eq!(fire.title, "Market fire");
    assert_eq!(fire.when, When::At(day(2019, 4, 30)));
    let p = d.point_of(fire).unwrap();
    assert_eq!((p.lat, p.lon), (19.93, 39.07));
    let p = d.point_of(&d.events[1]).unwrap();
    assert_eq!((p.lat, p.lon), (19.95, 39.10));
    // An empty one: on the timeline, not on the map.
    assert!(d.events[2].location.is_none());
    // Off the globe: the row is skipped, and the problem says where.
    let bad = l
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BadRecord)
        .expect("the bad row is reported");
    assert!(
        bad.message.contains("\"95, 10\" are off the globe"),
        "{}",
        bad.message
    );
    assert_eq!(problems(&l), [(2, Code::NoPassage), (5, Code::BadRecord)]);
    // QGIS's WKT column: POINT(lon lat), with Z too; a line is refused by name.
    let l = variant("qgis-wkt.csv");
    let d = ds(&l);
    let p = d.point_of(&d.events[0]).unwrap();
    assert_eq!((p.lat, p.lon), (19.93, 39.07));
    assert_eq!(d.events[1].title, "Bridge closed");
    let bad = l
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BadRecord)
        .unwrap();
    assert!(bad.message.contains("WKT LINESTRING"), "{}", bad.message);
}

#[test]
fn numeric_dates_are_read_in_the_order_their_column_settles() {
    // 4/30/2019 settles month first: 03/04/2019 is 4 March.
    let l = variant("us-dates.csv");
    let d = ds(&l);
    assert_eq!(d.events[0].when, When::At(day(2019, 3, 4)));
    assert_eq!(d.events[1].when, When::At(day(2019, 4, 30)));
    assert_eq!(d.events[2].when, When::At(day(2019, 5, 1)));
    assert!(!l.diagnostics.iter().any(|d| d.code == Code::DateOrder));
    // 30.04.2019 settles day first: 03.04.2019 is 3 April.
    let d = ds(&variant("dotted-dates.csv"));
    assert_eq!(d.events[0].when, When::At(day(2019, 4, 3)));
    assert_eq!(d.events[1].when, When::At(day(2019, 4, 30)));
    // Nothing settles it: read day first, and a warning says so.
    let l = variant("ambiguous-dates.csv");
    let d = ds(&l);
    assert_eq!(d.events[0].when, When::At(day(2019, 4, 3)));
    let w = l
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DateOrder)
        .expect("a warning names the choice");
    assert!(!w.is_error());
    assert!(w.message.contains("read day first"), "{}", w.message);
    assert!(w.message.contains("03/04/2019"), "{}", w.message);
    // Read in full (the context panel), an event agrees with the table.
    let store = l.usable().unwrap();
    let detail = store.detail(0);
    assert_eq!(detail.event.when, When::At(day(2019, 4, 3)));
}

#[test]
fn timelinejs_sheet_template_and_storymap_overview_are_titles_not_events() {
    let l = variant("timelinejs-sheet.csv");
    let d = ds(&l);
    // The title row is the data set's title and description.
    assert_eq!(d.title, "Women in Computing");
    assert_eq!(
        d.description.as_deref(),
        Some("A timeline from the sheet template.")
    );
    assert_eq!(d.events.len(), 3);
    let notes = &d.events[0];
    assert_eq!(notes.title, "Notes on the Analytical Engine");
    assert_eq!(notes.when, When::At(Moment::Year(1843)));
    assert!(notes.location.is_none(), "sheet events have no place");
    assert_eq!(quote(&d, &notes.id), "Ada Lovelace publishes her notes.");
    assert_eq!(d.events[1].when, When::At(utc("1946-02-14T20:30:00Z")));
    assert_eq!(
        d.events[2].when,
        When::Between(
            Some(Moment::Month {
                year: 1952,
                month: 5
            }),
            Some(Moment::Month {
                year: 1952,
                month: 8
            })
        )
    );
    let labels: Vec<&str> = d.categories.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Programming", "Hardware"]);
    // StoryMapJS: the overview is the title; the slides are placed.
    let d = ds(&variant("storymap.json"));
    assert_eq!(d.title, "A journey along the Nile");
    assert_eq!(d.events.len(), 2);
    assert_eq!(d.events[0].title, "Cairo");
    assert!((point(&d, &d.events[1].id).lat - 15.5).abs() < 1e-9);
}

#[test]
fn javascript_and_files_named_json_are_reported_as_json_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "data.js",
            "// Incidents for the map\nvar incidents = {\n  \"type\": \"FeatureCollection\"\n};\n",
            (1, 1),
            true,
        ),
        (
            "mapbox.geojson",
            "{\n  type: 'geojson',\n  data: {'type': 'FeatureCollection'}\n}\n",
            (2, 3),
            true,
        ),
        (
            "table.json",
            "title,date\nnot json,2020-01-01\n",
            (1, 1),
            false,
        ),
    ];
    for (name, text, (line, column), javascript) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let l = load(&p);
        assert!(l.usable().is_none(), "{name}");
        let d = &l.diagnostics[0];
        assert_eq!(d.code, Code::Syntax, "{name}: {d:?}");
        assert!(d.message.contains("invalid JSON"), "{name}: {}", d.message);
        let at = incident_map_core::diagnostic::TextIndex::new(text).line_col(d.offset.unwrap());
        assert_eq!((at.line, at.column), (line, column), "{name}");
        let hint = d
            .help
            .as_deref()
            .unwrap_or("")
            .contains("looks like JavaScript");
        assert_eq!(hint, javascript, "{name}: {:?}", d.help);
    }
}

#[test]
fn acled_turned_into_geojson_or_kml_by_qgis_reads_as_the_csv_does() {
    for file in ["acled-qgis.geojson", "acled-qgis.kml"] {
        acled_qgis(file);
    }
}

fn acled_qgis(file: &str) {
    let l = variant(file);
    let d = ds(&l);
    let e = event(&d, "SDN12345");
    // ACLED's codebook: the sub-event type and place as the title, the
    // event type as the category, time precision 2 as the week around the
    // coded day, actors, notes as the passage, fatalities.
    assert_eq!(e.title, "Armed clash: Omdurman");
    assert_eq!(e.category.as_deref(), Some("battles"));
    assert_eq!(
        e.when,
        When::Between(Some(day(2024, 3, 19)), Some(day(2024, 3, 25)))
    );
    assert_eq!(
        e.actors,
        ["Rapid Support Forces", "Military Forces of Sudan (2019-)"]
    );
    assert_eq!(
        quote(&d, "SDN12345"),
        "On 22 March 2024, RSF and SAF clashed in Omdurman."
    );
    assert_eq!(e.casualties[0].killed, Some(4));
    assert_eq!(
        e.location.as_ref().unwrap().precision,
        Some(Precision::Town)
    );
}

#[test]
fn kml_times_pass_from_folders_and_tracks_are_lines_over_their_span() {
    let l = variant("kml-time-inherited.kml");
    // Times passed down from folders need the whole document: read whole.
    assert!(l.store.as_ref().unwrap().dataset().is_some());
    let d = ds(&l);
    let by_title = |t: &str| {
        d.events
            .iter()
            .find(|e| e.title == t)
            .unwrap_or_else(|| panic!("no {t}"))
    };
    assert_eq!(
        by_title("From the document").when,
        When::Between(Some(day(2024, 3, 1)), Some(day(2024, 3, 31)))
    );
    assert_eq!(by_title("From the folder").when, When::At(day(2024, 3, 10)));
    assert_eq!(by_title("Its own").when, When::At(day(2024, 3, 12)));
    let convoy = by_title("A convoy");
    assert_eq!(
        convoy.when,
        When::Between(
            Some(utc("2024-03-14T08:00:00Z")),
            Some(utc("2024-03-14T10:30:00Z"))
        )
    );
    let line = convoy.location.as_ref().unwrap().geometry.as_ref().unwrap();
    assert!(
        matches!(line, geo::Geometry::LineString(l) if l.0.len() == 3),
        "{line:?}"
    );
    let legs = by_title("Two legs");
    assert_eq!(
        legs.when,
        When::Between(
            Some(utc("2024-03-15T08:00:00Z")),
            Some(utc("2024-03-16T12:00:00Z"))
        )
    );
    assert!(matches!(
        legs.location.as_ref().unwrap().geometry.as_ref().unwrap(),
        geo::Geometry::GeometryCollection(c) if c.0.len() == 2
    ));
    assert!(
        !l.diagnostics.iter().any(|d| d.is_error()),
        "{:#?}",
        l.diagnostics
    );
}

#[test]
fn timemap_events_with_their_sources_and_associations() {
    let l = load(&repo("tests/files/interop/timemap/events.json"));
    assert_eq!(l.format, Some(Format::TimeMap));
    let d = ds(&l);
    assert_eq!(d.events.len(), 3);
    let market = event(&d, "1");
    assert_eq!(market.title, "Shelling struck the central market");
    assert_eq!(market.when, When::At(utc("2024-03-22T20:00:00Z")));
    let p = point(&d, "1");
    assert_eq!((p.lat, p.lon), (49.9935, 36.2304));
    assert_eq!(
        market.location.as_ref().unwrap().note.as_deref(),
        Some("Place: Kharkiv")
    );
    // Filters are its tags, the first its category; narratives listed.
    assert_eq!(market.category.as_deref(), Some("shelling"));
    let notes = market.notes.as_deref().unwrap();
    assert!(notes.contains("Narratives: Attacks on markets"), "{notes}");
    assert!(
        notes.contains("Comments: Geolocated from two videos."),
        "{notes}"
    );
    // Its sources' words are what the marker leads to, each source once.
    let quotes: Vec<&str> = market.passages.iter().map(|p| p.quote.as_str()).collect();
    assert_eq!(
        quotes,
        [
            "Footage shows fires at the market stalls after the strike.",
            "The city council reported shelling near the market and a crater by the bridge."
        ]
    );
    let crater = event(&d, "3");
    assert_eq!(crater.passages[0].source, market.passages[1].source);
    assert_eq!(crater.when, When::Unknown, "a place without a date");
    assert_eq!(
        d.sources
            .iter()
            .filter(|s| s.title == "Local news report")
            .count(),
        1
    );
    // A date without a place: on the timeline, not on the map; its own
    // description is its words.
    let protest = event(&d, "2");
    assert!(protest.location.is_none());
    assert_eq!(protest.when, When::At(day(2024, 3, 23)));
    assert_eq!(quote(&d, "2"), "A protest gathered outside the city hall.");
    assert!(
        !l.diagnostics.iter().any(|d| d.is_error()),
        "{:#?}",
        l.diagnostics
    );
}

/// Real GPX files: each track an event drawn as its line over its time
/// span (a track whose points share a time, at that time), a waypoint at
/// its point, a route without points kept off the map.
#[test]
fn gpx_tracks_and_waypoints_as_devices_write_them() {
    let l = load(&repo("tests/files/interop/caltopo-export.gpx"));
    assert_eq!(l.format, Some(Format::Gpx));
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let d = ds(&l);
    let titles: Vec<&str> = d.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Day 01", "Day 02"]);
    assert_eq!(d.events[0].when, When::At(utc("2019-08-12T23:45:00Z")));
    assert_eq!(
        d.events[1].when,
        When::Between(
            Some(utc("2019-08-13T16:51:00Z")),
            Some(utc("2019-08-13T21:46:00Z"))
        )
    );
    let day2 = d.events[1].location.as_ref().unwrap();
    match day2.geometry.as_ref().unwrap() {
        geo::Geometry::LineString(line) => {
            assert_eq!(line.0.len(), 3);
            assert_eq!(
                (line.0[2].x, line.0[2].y),
                (-118.33698051050305, 36.49673483334482)
            );
        }
        other => panic!("{other:?}"),
    }
    let l = load(&repo("tests/files/interop/viking-route-extensions.gpx"));
    let d = ds(&l);
    let titles: Vec<&str> = d.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["001", "Trace", "Route"]);
    let p = d.events[0].location.as_ref().unwrap().point.unwrap();
    assert_eq!((p.lat, p.lon), (40.71488, -74.011422));
    assert_eq!(d.events[1].when, When::Unknown);
    assert!(d.events[1].location.as_ref().unwrap().geometry.is_some());
    assert!(d.events[2].location.is_none());
}

/// The events `l` holds are those of ACLED's real sample CSV, field for
/// field (ids, titles, dates, categories, actors, places, counts), their
/// words compared by `words`.
fn assert_reads_as_the_acled_sample(
    l: &Loaded,
    words: impl Fn(&incident_map_core::model::Event, &incident_map_core::model::Event),
) {
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let (a, b) = (
        ds(l),
        ds(&load(&repo(
            "tests/files/samples/acled_sample_2024_format.csv",
        ))),
    );
    assert_eq!(a.events.len(), 2);
    assert_eq!(a.events.len(), b.events.len());
    for (x, y) in a.events.iter().zip(&b.events) {
        assert_eq!(
            (&x.id, &x.title, &x.when, &x.category, &x.actors),
            (&y.id, &y.title, &y.when, &y.category, &y.actors)
        );
        assert_eq!(x.location, y.location);
        assert_eq!(x.casualties, y.casualties);
        words(x, y);
    }
}

/// An XLSX workbook as Excel writes one: shared styles (a date format),
/// dates as serial numbers, numbers as numbers, text inline; `sheets`:
/// each sheet's name and rows.
fn xlsx(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
    use std::io::Write;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut put = |name: &str, text: String| {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|k| format!(r#"<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>"#
        ),
    );
    put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string());
    let list: String = sheets
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            format!(
                r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#,
                esc(name),
                k + 1,
                k + 1
            )
        })
        .collect();
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{list}</sheets></workbook>"#
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|k| format!(r#"<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{k}.xml"/>"#))
        .collect();
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
        ),
    );
    put("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.to_string());
    for (k, (_, rows)) in sheets.iter().enumerate() {
        let mut body = String::new();
        for (r, row) in rows.iter().enumerate() {
            body.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for cell in row {
                match cell {
                    Cell::Text(t) if t.is_empty() => body.push_str("<c/>"),
                    Cell::Text(t) => body.push_str(&format!(
                        r#"<c t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        esc(t)
                    )),
                    Cell::Number(n) => body.push_str(&format!("<c><v>{n}</v></c>")),
                    Cell::Date(serial) => {
                        body.push_str(&format!(r#"<c s="1"><v>{serial}</v></c>"#))
                    }
                }
            }
            body.push_str("</row>");
        }
        put(
            &format!("xl/worksheets/sheet{}.xml", k + 1),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}

/// A spreadsheet cell, as `xlsx` writes it.
enum Cell {
    Text(String),
    Number(f64),
    /// Days since 1899-12-30, shown as a date.
    Date(i64),
}

/// ACLED's real sample saved as XLSX the way Excel keeps it (dates as date
/// cells, numbers as numbers), with a second sheet: its events are the
/// CSV's, field for field; the other sheet is named and can be chosen.
#[test]
fn an_acled_workbook_reads_as_its_csv() {
    let csv_path = repo("tests/files/samples/acled_sample_2024_format.csv");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = vec![
        header
            .iter()
            .map(|h| Cell::Text(h.clone()))
            .collect::<Vec<_>>(),
    ];
    let epoch = jiff::civil::date(1899, 12, 30);
    for record in reader.records() {
        let record = record.unwrap();
        rows.push(
            record
                .iter()
                .zip(&header)
                .map(|(v, h)| {
                    if h == "event_date" {
                        let d = jiff::civil::Date::strptime("%d %B %Y", v).unwrap();
                        Cell::Date((d - epoch).get_days().into())
                    } else if let Ok(n) = v.parse::<f64>() {
                        Cell::Number(n)
                    } else {
                        Cell::Text(v.to_string())
                    }
                })
                .collect(),
        );
    }
    let notes = vec![
        vec![
            Cell::Text("id".into()),
            Cell::Text("lat".into()),
            Cell::Text("lon".into()),
        ],
        vec![Cell::Text("x".into()), Cell::Number(1.0), Cell::Number(2.0)],
    ];
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("acled.xlsx");
    std::fs::write(&book, xlsx(&[("Events", rows), ("Notes", notes)])).unwrap();
    let from_book = load(&book);
    assert_eq!(from_book.format, Some(Format::Spreadsheet));
    assert!(!from_book.has_errors(), "{:#?}", from_book.diagnostics);
    assert!(
        from_book.diagnostics.iter().any(|d| d.message
            == "this workbook has 2 sheets (Events, Notes); the sheet \"Events\" was read"),
        "{:#?}",
        from_book.diagnostics
    );
    assert_reads_as_the_acled_sample(&from_book, |x, y| assert_eq!(quotes(x), quotes(y)));
    // The other sheet, by name; a sheet that is not there, said with the
    // names of those that are.
    let notes = load(&dir.path().join("acled.xlsx?sheet=Notes"));
    assert_eq!(ds(&notes).events.len(), 1);
    let missing = load(&dir.path().join("acled.xlsx?sheet=Actors"));
    assert!(missing.store.is_none());
    assert_eq!(
        missing.diagnostics[0].message,
        "this spreadsheet has no sheet \"Actors\"; its sheets are: Events, Notes"
    );
}

/// A Shapefile as QGIS saves an ACLED layer: names cut to ten letters
/// (`event_id_c`, `sub_event_`, `geo_precis`), `event_date` a date field,
/// numbers numeric, a WGS 84 `.prj` beside it: read with ACLED's codebook,
/// its events the CSV's; zipped, the same; a projected `.prj` refused with
/// its projection named.
#[test]
fn an_acled_layer_saved_as_a_shapefile_reads_as_its_csv() {
    use shapefile::dbase::{self, FieldName, FieldValue};
    let csv_path = repo("tests/files/samples/acled_sample_2024_format.csv");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // GDAL's names: cut to ten letters, a clash ending _1.
    let mut names: Vec<String> = Vec::new();
    for h in &header {
        let mut n: String = h.chars().take(10).collect();
        if names.contains(&n) {
            n = format!("{}_1", &n[..8]);
        }
        names.push(n);
    }
    let numeric = [
        "latitude",
        "longitude",
        "fatalities",
        "year",
        "iso",
        "inter1",
        "inter2",
        "timestamp",
    ];
    let mut table = dbase::TableWriterBuilder::new();
    for (h, n) in header.iter().zip(&names) {
        let name = FieldName::try_from(n.as_str()).unwrap();
        table = match h.as_str() {
            "event_date" => table.add_date_field(name),
            h if numeric.contains(&h) => table.add_numeric_field(name, 18, 6),
            _ => table.add_character_field(name, 254),
        };
    }
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("acled_layer.shp");
    {
        let mut writer = shapefile::Writer::from_path(&shp, table).unwrap();
        for r in &records {
            let mut record = dbase::Record::default();
            let mut point = shapefile::Point::new(0.0, 0.0);
            for ((h, n), v) in header.iter().zip(&names).zip(r.iter()) {
                let value = match h.as_str() {
                    "event_date" => {
                        let d = jiff::civil::Date::strptime("%d %B %Y", v).unwrap();
                        FieldValue::Date(Some(
                            dbase::Date::new(d.day() as u32, d.month() as u32, d.year() as u32)
                                .unwrap(),
                        ))
                    }
                    h if numeric.contains(&h) => FieldValue::Numeric(v.parse().ok()),
                    // A dBase text is at most 254 bytes: the notes cut there.
                    _ => FieldValue::Character((!v.is_empty()).then(|| {
                        let mut end = v.len().min(254);
                        while !v.is_char_boundary(end) {
                            end -= 1;
                        }
                        v[..end].to_string()
                    })),
                };
                if h == "latitude" {
                    point.y = v.parse().unwrap();
                } else if h == "longitude" {
                    point.x = v.parse().unwrap();
                }
                record.insert(n.clone(), value);
            }
            writer.write_shape_and_record(&point, &record).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("acled_layer.prj"),
        r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    )
    .unwrap();
    let from_shp = load(&shp);
    assert_eq!(from_shp.format, Some(Format::Shapefile));
    assert!(!from_shp.has_errors(), "{:#?}", from_shp.diagnostics);
    // The notes as far as a dBase text holds them (254 bytes).
    assert_reads_as_the_acled_sample(&from_shp, |x, y| {
        let (cut, whole) = (&x.passages[0].quote, &y.passages[0].quote);
        assert!(cut.len() > 100 && whole.starts_with(cut.as_str()), "{cut}");
    });
    let a = ds(&from_shp);
    // The same files zipped, as they are shared.
    let zipped = dir.path().join("acled_layer.zip");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
        for ext in ["shp", "shx", "dbf", "prj"] {
            zip.start_file(
                format!("layer/acled_layer.{ext}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&std::fs::read(shp.with_extension(ext)).unwrap())
                .unwrap();
        }
        zip.finish().unwrap();
    }
    let from_zip = load(&zipped);
    assert_eq!(from_zip.format, Some(Format::Shapefile));
    assert_eq!(ds(&from_zip).events, a.events);
    // In metres, it is refused, the projection named.
    std::fs::write(
        dir.path().join("acled_layer.prj"),
        r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator_Auxiliary_Sphere"],UNIT["Meter",1.0]]"#,
    )
    .unwrap();
    let projected = load(&shp);
    assert!(projected.store.is_none());
    assert!(
        projected.diagnostics[0]
            .message
            .contains("in the projection \"WGS_1984_Web_Mercator_Auxiliary_Sphere\""),
        "{:?}",
        projected.diagnostics
    );
    assert!(
        projected.diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("EPSG:4326")
    );
}

/// Real Shapefiles of other projects: a polygon with a hole, a polyline
/// of two parts, a multipatch with its table.
#[test]
fn real_shapefiles_keep_their_shapes() {
    let hole = load(&repo("tests/files/interop/shapefile/polygon_hole.shp"));
    assert_eq!(hole.format, Some(Format::Shapefile));
    let d = ds(&hole);
    assert_eq!(d.events.len(), 1);
    match d.events[0]
        .location
        .as_ref()
        .unwrap()
        .geometry
        .as_ref()
        .unwrap()
    {
        geo::Geometry::Polygon(p) => assert_eq!(p.interiors().len(), 1),
        other => panic!("{other:?}"),
    }
    assert!(
        hole.diagnostics
            .iter()
            .any(|d| d.message.starts_with("no .dbf beside this Shapefile")),
        "{:?}",
        hole.diagnostics
    );
    let line = ds(&load(&repo("tests/files/interop/shapefile/line.shp")));
    assert!(matches!(
        line.events[0].location.as_ref().unwrap().geometry,
        Some(geo::Geometry::MultiLineString(_) | geo::Geometry::LineString(_))
    ));
    let patch = load(&repo("tests/files/interop/shapefile/multipatch.shp"));
    assert!(!patch.has_errors(), "{:#?}", patch.diagnostics);
    assert_eq!(ds(&patch).events.len(), 1);
}

/// A TimeMap site's API bundle (its three files in one, keys capitalised
/// as the site serves them) reads as the three files do.
#[test]
fn a_timemap_sites_bundle_reads_as_its_three_files() {
    let part = |name: &str| {
        std::fs::read_to_string(repo(&format!("tests/files/interop/timemap/{name}"))).unwrap()
    };
    let bundle = format!(
        "{{\"Events\": {},\n\"Sources\": {},\n\"Associations\": {}}}",
        part("events.json"),
        part("sources.json"),
        part("associations.json")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export_events.json");
    std::fs::write(&path, bundle).unwrap();
    let l = load(&path);
    assert_eq!(l.format, Some(Format::TimeMap));
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let bundled = ds(&l);
    let split = ds(&load(&repo("tests/files/interop/timemap/events.json")));
    assert_eq!(bundled.events.len(), 3);
    for (a, b) in bundled.events.iter().zip(&split.events) {
        assert_eq!(
            (&a.title, &a.when, &a.category),
            (&b.title, &b.when, &b.category)
        );
        assert_eq!(a.location, b.location);
        assert_eq!(a.notes, b.notes);
        let quotes = |e: &incident_map_core::model::Event| -> Vec<String> {
            e.passages.iter().map(|p| p.quote.clone()).collect()
        };
        assert_eq!(quotes(a), quotes(b));
    }
}

#[test]
fn the_scenario_exported_for_timemap_reads_back_with_its_dates_places_and_words() {
    let original = ds(&load(&scenario()));
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("timemap");
    formats::export::save(&original, Some(&scenario()), &folder, Format::TimeMap).unwrap();
    for name in ["events.json", "sources.json", "associations.json"] {
        assert!(folder.join(name).is_file(), "{name}");
    }
    let l = load(&folder.join("events.json"));
    assert_eq!(l.format, Some(Format::TimeMap));
    let back = ds(&l);
    assert_eq!(back.events.len(), original.events.len());
    for (a, b) in original.events.iter().zip(&back.events) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.title, b.title, "{}", a.id);
        // The start, to the second (TimeMap's times are UTC).
        let second = |w: &When| match w.start() {
            Some(Moment::Instant(z)) => Some(z.timestamp().to_string()),
            Some(Moment::Day(d)) => Some(d.to_string()),
            _ => None,
        };
        if !matches!(a.when, When::Disputed(_)) {
            assert_eq!(second(&a.when), second(&b.when), "{}", a.id);
        }
        let (p, q) = (original.point_of(a).unwrap(), back.point_of(b).unwrap());
        assert!(
            (p.lat - q.lat).abs() < 1e-9 && (p.lon - q.lon).abs() < 1e-9,
            "{}",
            a.id
        );
        // Every passage's words, in order: what a TimeMap card shows.
        let quotes = |_: &Dataset, e: &incident_map_core::model::Event| {
            e.passages
                .iter()
                .map(|p| p.quote.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(quotes(&original, a), quotes(&back, b), "{}", a.id);
        assert_eq!(
            a.category.is_some(),
            b.category.is_some(),
            "{} keeps its category",
            a.id
        );
    }
}

#[test]
fn every_other_tools_file_converts_to_geojson_and_geopackage_and_back_keeping_dates_precision_places_words()
 {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "20240324.export.CSV",
        "gdelt-1.0-daily.txt",
        "gdelt-bigquery.csv",
        "one-column-coordinates.csv",
        "qgis-wkt.csv",
        "us-dates.csv",
        "timelinejs-sheet.csv",
        "storymap.json",
        "kml-time-inherited.kml",
        "timemap/events.json",
        "acled-qgis.geojson",
        "caltopo-export.gpx",
        "viking-route-extensions.gpx",
        "shapefile/kaluga-cp1251.shp",
        "shapefile/line.shp",
        "acled-gdal.gpkg",
        "acled-gdal.fgb",
        "flatgeobuf/alldatatypes.fgb",
        "flatgeobuf/heterogeneous.fgb",
        "geoparquet/acled-geoparquet.parquet",
        "geoparquet/acled-geoarrow.parquet",
        "geoparquet/acled-plain.parquet",
        "geoparquet/example.parquet",
        "geoparquet/data-linestring-encoding_wkb.parquet",
    ]
    .into_iter()
    .flat_map(|name| {
        [
            (name, Format::GeoJson, "geojson"),
            (name, Format::GeoPackage, "gpkg"),
        ]
    }) {
        let (name, format, ext) = name;
        let original = ds(&variant(name));
        let p = dir.path().join(format!("out.{ext}"));
        formats::export::save(
            &original,
            Some(&repo(&format!("tests/files/interop/{name}"))),
            &p,
            format,
        )
        .unwrap();
        let back = ds(&load(&p));
        assert_eq!(original.events.len(), back.events.len(), "{name}");
        for (a, b) in original.events.iter().zip(&back.events) {
            let what = format!("{name} through {ext}: {}", a.id);
            assert_eq!(a.id, b.id, "{what}");
            assert_eq!(a.when, b.when, "{what}");
            let precision = |e: &incident_map_core::model::Event| e.location.as_ref()?.precision;
            assert_eq!(precision(a), precision(b), "{what}");
            match (original.point_of(a), back.point_of(b)) {
                (Some(p), Some(q)) => assert!(
                    (p.lat - q.lat).abs() < 1e-6 && (p.lon - q.lon).abs() < 1e-6,
                    "{what}"
                ),
                (p, q) => assert_eq!(p, q, "{what}"),
            }
            let place = |e: &incident_map_core::model::Event| e.location.as_ref()?.note.clone();
            assert_eq!(place(a), place(b), "{what}");
            assert_eq!(quotes(a), quotes(b), "{what}");
        }
    }
}

#[test]
fn kml_icon_colours_are_category_colours() {
    let d = ds(&variant("kml-icon-colours.kml"));
    let colour = |label: &str| {
        d.categories
            .iter()
            .find(|c| c.label == label)
            .and_then(|c| c.color.clone())
    };
    // KML writes aabbggrr: ff0000ff is red. A StyleMap by its normal style;
    // the first placemark's colour is its category's.
    assert_eq!(colour("Shelling").as_deref(), Some("#ff0000"));
    // An inline IconStyle: green.
    assert_eq!(colour("Protests").as_deref(), Some("#00ff00"));
    // No icon colour: the palette's, as before.
    let other = colour("Other").unwrap();
    assert!(other.starts_with('#') && other != "#ff0000" && other != "#00ff00");
}

#[test]
fn gdelt_to_geojson_and_back_keeps_dates_precision_places() {
    let original = ds(&variant("20240324.export.CSV"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gdelt.geojson");
    std::fs::write(&p, formats::write(&original, Format::GeoJson).unwrap()).unwrap();
    let back = ds(&load(&p));
    assert_eq!(original.events.len(), back.events.len());
    for (a, b) in original.events.iter().zip(&back.events) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.when, b.when, "{}", a.id);
        assert_eq!(a.title, b.title);
        assert_eq!(a.actors, b.actors);
        let precision = |e: &incident_map_core::model::Event| e.location.as_ref()?.precision;
        assert_eq!(precision(a), precision(b), "{}", a.id);
        assert_eq!(original.point_of(a), back.point_of(b), "{}", a.id);
        let place = |e: &incident_map_core::model::Event| e.location.as_ref()?.note.clone();
        assert_eq!(place(a), place(b), "{}", a.id);
    }
}

#[test]
fn native_to_geojson_to_native_keeps_ids_dates_precision_coordinates() {
    let (original, back) = round_trip(Format::GeoJson, "geojson");
    assert_same_events(&original, &back);
}

#[test]
fn native_to_csv_to_native_keeps_ids_dates_precision_coordinates() {
    let (original, back) = round_trip(Format::Csv, "csv");
    assert_same_events(&original, &back);
}

/// A QGIS user's round trip: the scenario saved as a GeoPackage reads back
/// with its dates, precision, places and every passage's words; a layer
/// not there is said with the names of those that are.
#[test]
fn native_to_geopackage_to_native_keeps_ids_dates_precision_coordinates() {
    let (original, back) = round_trip(Format::GeoPackage, "gpkg");
    assert_same_events(&original, &back);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.gpkg");
    formats::export::save(&original, Some(&scenario()), &p, Format::GeoPackage).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    assert_eq!(
        &bytes[68..72],
        b"GPKG",
        "its application id says GeoPackage"
    );
    let l = load(&p);
    assert_eq!(l.format, Some(Format::GeoPackage));
    let missing = load(&dir.path().join("s.gpkg?layer=roads"));
    assert!(missing.store.is_none());
    assert_eq!(
        missing.diagnostics[0].message,
        "this GeoPackage has no layer \"roads\"; its layers are: events"
    );
}

/// A GeoPackage GDAL wrote (as QGIS does), three layers: the first read
/// (ACLED's events, as their CSV), the others named; a layer chosen by
/// name; a layer in Web Mercator refused, its projection named.
#[test]
fn a_geopackage_gdal_wrote_reads_its_layers() {
    let path = repo("tests/files/interop/acled-gdal.gpkg");
    let l = load(&path);
    assert_eq!(l.format, Some(Format::GeoPackage));
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    assert!(
        l.diagnostics.iter().any(|d| d.message
            == "this GeoPackage has 3 layers (acled_events, acled_web_mercator, tracks); the layer \"acled_events\" was read"),
        "{:#?}",
        l.diagnostics
    );
    assert_reads_as_the_acled_sample(&l, |x, y| assert_eq!(quotes(x), quotes(y)));
    let tracks = ds(&load(&repo(
        "tests/files/interop/acled-gdal.gpkg?layer=tracks",
    )));
    let titles: Vec<&str> = tracks.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Day 01", "Day 02"]);
    assert!(matches!(
        tracks.events[1].location.as_ref().unwrap().geometry,
        Some(geo::Geometry::MultiLineString(_))
    ));
    let projected = load(&repo(
        "tests/files/interop/acled-gdal.gpkg?layer=acled_web_mercator",
    ));
    assert!(projected.store.is_none());
    assert!(
        projected.diagnostics[0].message.contains("EPSG:3857"),
        "{:?}",
        projected.diagnostics
    );
}

#[test]
fn native_to_native_elsewhere_stands_on_its_own() {
    // Written into another folder, the article's text goes into the file.
    let (original, back) = round_trip(Format::Native, "json");
    assert_same_events(&original, &back);
    assert!(back.passages().all(|(_, p)| p.anchoring.anchor().is_some()));
}

#[test]
fn geojson_export_carries_json_fg_time() {
    let original = ds(&load(&scenario())).clone();
    let text = formats::write(&original, Format::GeoJson).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let attack = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "crocus-attack")
        .unwrap();
    assert_eq!(attack["geometry"]["type"], "Point");
    assert!(
        attack["time"]["timestamp"]
            .as_str()
            .unwrap()
            .starts_with("2024-03-22T17:00")
    );
    let fsb = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "fsb-kaluga-operation")
        .unwrap();
    assert_eq!(fsb["time"]["date"], "2024-03-07");
    assert_eq!(fsb["properties"]["precision"], "region");
    let kremlin = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "kremlin-reaction")
        .unwrap();
    assert!(
        kremlin["time"].is_null(),
        "a disputed date has no JSON-FG time"
    );
}

#[test]
fn geometries_survive_native_and_geojson() {
    let l = variant("variants.kml");
    let original = &*l.dataset().unwrap();
    let shape = |ds: &Dataset, title: &str| {
        ds.events
            .iter()
            .find(|e| e.title == title)
            .and_then(|e| e.location.as_ref()?.geometry.clone())
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    for (format, ext) in [(Format::Native, "json"), (Format::GeoJson, "geojson")] {
        let p = dir.path().join(format!("shapes.{ext}"));
        std::fs::write(&p, formats::write(original, format).unwrap()).unwrap();
        let back = load(&p);
        let back = back.dataset().unwrap();
        for title in ["A polygon", "Multi"] {
            assert_eq!(
                shape(original, title),
                shape(&back, title),
                "{ext}: {title}"
            );
        }
    }
}

/// What the views read from a table, event by event, for comparing two.
fn table_rows(t: &incident_map_core::store::EventTable) -> Vec<String> {
    (0..t.len())
        .map(|i| {
            let p = t.point(i).map(|p| format!("{:.5},{:.5}", p.lat, p.lon));
            format!(
                "{} | {} | {} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?}",
                t.id(i),
                t.title(i),
                t.label(i),
                p,
                t.precision(i),
                t.uncertainty_m(i),
                t.category(i).map(|c| &t.meta.categories[c].label),
                t.actors(i).collect::<Vec<_>>(),
                t.time(i),
            )
        })
        .collect()
}

#[test]
fn kml_read_placemark_by_placemark_on_every_core_gives_what_the_whole_document_reader_gives() {
    for path in [
        repo("tests/files/interop/variants.kml"),
        repo("tests/files/interop/acled-qgis.kml"),
        repo("tests/files/interop/kml-icon-colours.kml"),
        repo("tests/files/samples/kml_TimeTest.kml"),
    ] {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut whole = incident_map_core::formats::kml::read(&text, &name);
        incident_map_core::evidence::anchor_dataset(&mut whole.dataset);
        let l = load(&path);
        let fast = l.store.as_ref().unwrap().to_dataset();
        assert!(
            l.store.as_ref().unwrap().dataset().is_none(),
            "the placemarks stay in the file"
        );
        assert_eq!(fast.title, whole.dataset.title);
        assert_eq!(
            fast.categories,
            whole.dataset.categories,
            "{}",
            path.display()
        );
        assert_eq!(fast.events.len(), whole.dataset.events.len());
        for (a, b) in fast.events.iter().zip(&whole.dataset.events) {
            assert_eq!(a, b, "{}", path.display());
            for p in &a.passages {
                assert_eq!(fast.source(&p.source), whole.dataset.source(&p.source));
            }
        }
        // The same problems, in the same places.
        let problems =
            |ds: &[incident_map_core::diagnostic::Diagnostic]| -> Vec<(String, Option<usize>)> {
                ds.iter()
                    .filter(|d| d.code != incident_map_core::diagnostic::Code::NoPassage)
                    .map(|d| (d.message.clone(), d.offset))
                    .collect()
            };
        assert_eq!(
            problems(&l.diagnostics),
            problems(&whole.diagnostics),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_table_read_fast_says_what_its_records_read_in_full_say() {
    use incident_map_core::store::EventTable;
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("own.csv");
    std::fs::write(
        &own,
        "id,title,date,end_date,latitude,longitude,category,actors,precision,uncertainty_m,notes\n\
         a,First,2024-03-01,2024-03-03,55.7,37.6,Raid,A; B,town,5000,Words one\n\
         a,Repeats the id,01 March 2024,,55.8,37.7,Protest,,,,\n\
         a-2,Takes the renamed id,2024-03,,,,Raid,C,,,Words three\n\
         ,No id,1951,,54.5,36.2,,,region,,\n",
    )
    .unwrap();
    // An ACLED export as QGIS writes it in GeoJSON: the same properties.
    let acled_geojson = dir.path().join("acled.geojson");
    std::fs::write(
        &acled_geojson,
        r#"{"type": "FeatureCollection", "features": [
{"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.1365, 31.3942]}, "properties": {"event_id_cnty": "PSE62716", "event_date": "01 November 2024", "time_precision": 2, "event_type": "Strategic developments", "sub_event_type": "Looting/property destruction", "actor1": "Settlers (Israel)", "location": "Shi'b Al Batim", "geo_precision": 1, "notes": "Land seizure: settlers set up a tent.", "fatalities": 0, "country": "Palestine"}},
{"type": "Feature", "geometry": null, "properties": {"event_id_cnty": "YEM1", "event_date": "2024-11-02", "event_type": "Protests", "location": "Dhamar", "actor1": "Protesters (Yemen)", "assoc_actor_1": "Houthi", "notes": "A protest."}}
]}"#,
    )
    .unwrap();
    // The scenario, whose events have several passages each, as our
    // GeoJSON and CSV: `quote_2`, `source_2` … count as the full read does.
    let scenario_ds = ds(&load(&scenario())).clone();
    let mut exports = Vec::new();
    for (format, ext) in [(Format::GeoJson, "geojson"), (Format::Csv, "csv")] {
        let p = dir.path().join(format!("scenario.{ext}"));
        std::fs::write(&p, formats::write(&scenario_ds, format).unwrap()).unwrap();
        exports.push(p);
    }
    for path in [
        exports[0].clone(),
        exports[1].clone(),
        repo("tests/files/samples/acled_sample_2024_format.csv"),
        repo("tests/files/interop/acled-2016.csv"),
        repo("tests/files/interop/semicolon-bom.csv"),
        own.clone(),
        repo("tests/files/samples/geojson_unmiss_incidents.geojson"),
        repo("tests/files/interop/variants.geojson"),
        acled_geojson.clone(),
        repo("tests/files/interop/variants.kml"),
        repo("tests/files/samples/kml_TimeTest.kml"),
    ] {
        let l = load(&path);
        let store = l.usable().unwrap();
        let full = EventTable::of(&store.to_dataset());
        assert_eq!(
            table_rows(store.table()),
            table_rows(&full),
            "{}",
            path.display()
        );
        assert_eq!(store.table().passages, full.passages);
        assert_eq!(store.table().anchored, full.anchored);
        assert_eq!(store.table().meta.categories, full.meta.categories);
    }
    // Repeated ids are told apart as before: the second "a" is "a-2", and
    // the row that had "a-2" is "a-2-2".
    let l = load(&own);
    let t = l.usable().unwrap().table();
    let ids: Vec<&str> = (0..t.len()).map(|i| t.id(i)).collect();
    assert_eq!(ids, ["a", "a-2", "a-2-2", "row-5"]);
    // The GeoJSON from ACLED reads as ACLED: a week-long date, the title
    // from its kind and place, its notes as words, its actors.
    let l = load(&acled_geojson);
    let ds = l.usable().unwrap().to_dataset();
    let e = event(&ds, "PSE62716");
    assert_eq!(e.title, "Looting/property destruction: Shi'b Al Batim");
    assert_eq!(
        e.when,
        When::Between(Some(day(2024, 10, 29)), Some(day(2024, 11, 4)))
    );
    assert_eq!(e.actors, ["Settlers (Israel)"]);
    assert_eq!(
        quote(&ds, "PSE62716"),
        "Land seizure: settlers set up a tent."
    );
    assert_eq!(e.casualties[0].killed, Some(0));
    assert_eq!(event(&ds, "YEM1").actors, ["Protesters (Yemen)", "Houthi"]);
}

#[test]
fn a_geojson_feature_naming_a_property_twice_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("twice.geojson");
    std::fs::write(
        &p,
        "{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": \"Feature\", \"geometry\": null, \"properties\": {\"title\": \"First\", \"title\": \"Second\"}}]}",
    )
    .unwrap();
    let l = load(&p);
    assert!(
        problems(&l).contains(&(2, Code::DuplicateKey)),
        "{:#?}",
        l.diagnostics
    );
    assert_eq!(ds(&l).events[0].title, "First");
}

/// GeoParquet as GDAL and GeoPandas write it (WKB points named by the
/// `geo` metadata, zstd, a row group per row), with GeoArrow's native
/// points, and plain Parquet as DuckDB writes it (typed columns,
/// latitude/longitude, snappy): each reads as the CSV it was made from
/// (`tools/make-parquet.py`). A file whose CRS is Web Mercator is refused,
/// naming it.
#[test]
fn acled_as_geoparquet_and_parquet_reads_as_its_csv() {
    for kind in ["geoparquet", "geoarrow", "plain"] {
        let l = variant(&format!("geoparquet/acled-{kind}.parquet"));
        assert_eq!(l.format, Some(Format::Parquet), "{kind}");
        assert_reads_as_the_acled_sample(&l, |x, y| assert_eq!(quotes(x), quotes(y), "{kind}"));
    }
    let projected = variant("geoparquet/acled-projected.parquet");
    assert!(projected.store.is_none());
    assert_eq!(
        projected.diagnostics[0].message,
        "the geometry column \"geometry\" is in the projection \"WGS 84 / Pseudo-Mercator (EPSG:3857)\", not in longitude and latitude"
    );
}

/// The GeoParquet specification's own files: Natural Earth's countries
/// (multipolygons, their names as titles) and its test data, where an
/// empty line or area is an event without a place, not an error.
#[test]
fn the_geoparquet_specifications_files_keep_their_shapes() {
    let l = variant("geoparquet/example.parquet");
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let countries = ds(&l);
    let titles: Vec<&str> = countries.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Fiji",
            "Tanzania",
            "W. Sahara",
            "Canada",
            "United States of America"
        ]
    );
    assert!(matches!(
        countries.events[0].location.as_ref().unwrap().geometry,
        Some(geo::Geometry::MultiPolygon(_))
    ));
    let canada = countries.point_of(&countries.events[3]).unwrap();
    assert!(canada.lat > 45.0 && canada.lon < -60.0, "{canada:?}");
    for (file, shapes, placeless) in [
        ("data-point-encoding_wkb", 4, 2),
        ("data-linestring-encoding_wkb", 3, 2),
        ("data-polygon-encoding_wkb", 4, 2),
    ] {
        let l = variant(&format!("geoparquet/{file}.parquet"));
        assert!(!l.has_errors(), "{file}: {:#?}", l.diagnostics);
        let d = ds(&l);
        assert_eq!(d.events.len(), shapes, "{file}");
        let without = d.events.iter().filter(|e| d.point_of(e).is_none()).count();
        assert_eq!(without, placeless, "{file}");
    }
}

/// FlatGeobuf: ACLED's sample as GDAL writes it reads as its CSV (in the
/// file's order, which GDAL sorts along its spatial index); every typed
/// column of the format's own test file is read, its datetime as the
/// date; projected files (British National Grid, Web Mercator) are
/// refused, naming the projection.
#[test]
fn flatgeobuf_files_read_with_their_typed_properties() {
    let l = variant("acled-gdal.fgb");
    assert_eq!(l.format, Some(Format::FlatGeobuf));
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    let (mut a, mut b) = (
        ds(&l),
        ds(&load(&repo(
            "tests/files/samples/acled_sample_2024_format.csv",
        ))),
    );
    a.events.sort_by(|x, y| x.id.cmp(&y.id));
    b.events.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(a.events.len(), 2);
    for (x, y) in a.events.iter().zip(&b.events) {
        assert_eq!(
            (
                &x.id,
                &x.title,
                &x.when,
                &x.category,
                &x.actors,
                &x.location,
                &x.casualties
            ),
            (
                &y.id,
                &y.title,
                &y.when,
                &y.category,
                &y.actors,
                &y.location,
                &y.casualties
            )
        );
        assert_eq!(quotes(x), quotes(y));
    }
    let all = ds(&variant("flatgeobuf/alldatatypes.fgb"));
    assert_eq!(all.events.len(), 1);
    assert_eq!(all.events[0].when, When::At(utc("2020-02-29T12:34:56Z")));
    let details = format!("{:?}", all.events[0]);
    for field in [
        "ubyte: 255",
        "uint: 4294967295",
        "ushort: 65535",
        "string: X",
        "json: X",
    ] {
        assert!(details.contains(field), "{field}: {details}");
    }
    assert_eq!(ds(&variant("flatgeobuf/heterogeneous.fgb")).events.len(), 3);
    assert_eq!(ds(&variant("flatgeobuf/empty.fgb")).events.len(), 0);
    for (file, projection) in [
        (
            "flatgeobuf/poly00.fgb",
            "OSGB 1936 / British National Grid (EPSG:27700)",
        ),
        (
            "flatgeobuf/acled-web-mercator.fgb",
            "WGS 84 / Pseudo-Mercator (EPSG:3857)",
        ),
    ] {
        let l = variant(file);
        assert!(l.store.is_none(), "{file}");
        assert!(
            l.diagnostics[0].message.contains(projection),
            "{file}: {:?}",
            l.diagnostics
        );
    }
}

/// The README's table of files from other tools names every format the
/// catalog reads (our own JSON has its own section).
#[test]
fn the_readmes_format_table_names_every_format_read() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme.find("## Files from other tools").unwrap();
    let end = start + readme[start..].find("\n## ").unwrap();
    let rows: Vec<String> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| **"))
        .map(|l| l.split(" | ").next().unwrap().to_lowercase())
        .collect();
    for reader in formats::catalog::READERS {
        if reader.format == Format::Native {
            continue;
        }
        let word = reader
            .format
            .name()
            .split(' ')
            .next()
            .unwrap()
            .to_lowercase();
        assert!(
            rows.iter().any(|r| r.contains(&word)),
            "the README's format table has no row for {} ({word})",
            reader.name
        );
    }
}

/// A Shapefile's text is read in the code page its `.cpg` names
/// (Windows-1251 here: Russian titles and notes), or its table's language
/// byte (ESRI's 0x57, Windows-1252), never as mojibake.
#[test]
fn a_shapefiles_code_page_comes_from_its_cpg_or_its_table() {
    let kaluga = ds(&variant("shapefile/kaluga-cp1251.shp"));
    let titles: Vec<&str> = kaluga.events.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Пожар на складе в Калуге", "Обнинск: взрыв"]);
    assert_eq!(quotes(&kaluga.events[1]), ["Ёлка, «кавычки» — тире"]);
    let paris = ds(&variant("shapefile/paris-ldid.shp"));
    assert_eq!(paris.events[0].title, "Manifestation à Besançon");
    assert_eq!(quotes(&paris.events[0]), ["Café fermé, naïve"]);
}

/// Parquet's types as pyarrow writes them read as a table's columns: a
/// UTC timestamp in milliseconds is the time, an unsigned count the dead,
/// a dictionary's strings the category; a list column is named in a
/// warning, not read; an all-null row is an event without a date or place.
/// (Each type's text: `formats::parquet`'s tests.)
#[test]
fn parquets_types_read_as_a_table_holds_them() {
    let l = variant("geoparquet/typed.parquet");
    assert!(!l.has_errors(), "{:#?}", l.diagnostics);
    assert!(
        l.diagnostics
            .iter()
            .any(|d| d.message.ends_with("binary data): tags")),
        "{:#?}",
        l.diagnostics
    );
    let d = ds(&l);
    assert_eq!(d.events.len(), 3);
    let e = &d.events;
    assert_eq!(e[0].when, When::At(utc("2024-03-22T17:05:00Z")));
    assert_eq!(e[1].when, When::At(utc("2024-03-23T08:00:00.25Z")));
    assert_eq!(e[2].when, When::Unknown);
    assert_eq!(
        (e[0].category.as_deref(), e[1].category.as_deref()),
        (Some("x"), Some("y"))
    );
    assert_eq!(e[0].casualties[0].killed, Some(3));
    assert!(d.point_of(&e[2]).is_none());
}

/// A bad row of a Parquet file is named by its row, counted from the
/// first (no header to count), and placed at no line or column: the file
/// has none.
#[test]
fn a_bad_parquet_row_is_named_by_its_row() {
    let l = variant("geoparquet/bad-row.parquet");
    let bad = l
        .diagnostics
        .iter()
        .find(|d| d.code == Code::BadRecord)
        .expect("the bad row is said");
    assert_eq!(
        bad.message,
        "row 2: latitude 95.0 is out of range (-90..90); the row was skipped"
    );
    assert!(bad.position.is_none());
    assert_eq!(ds(&l).events.len(), 2);
}

//! Incident data in PostGIS: pushed, opened by URL, filtered by the server
//! as in memory, and servers that refuse or are not there. The tests run
//! against the throwaway cluster `tools/pg-cluster` starts (`.ci/run`
//! starts one and sets INCIDENT_MAP_TEST_PG); without it each says so and
//! checks nothing, and the rest of the suite runs as ever.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use incident_map_core::filter::{Filter, SHOWN};
use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::model::{BBox, LatLon, Precision};
use incident_map_core::postgis::{self, Target, sql};
use incident_map_core::store::Store;

mod common;
use common::scenario;

/// The server's URL (no table), if there is a server to test against.
fn server() -> Option<String> {
    let url = std::env::var("INCIDENT_MAP_TEST_PG").ok();
    if url.is_none() {
        eprintln!(
            "INCIDENT_MAP_TEST_PG is not set: no PostGIS server to test against (eval \"$(tools/pg-cluster start)\")"
        );
    }
    url
}

fn table(base: &str, name: &str) -> String {
    format!("{base}?table={name}")
}

fn load(url: &str) -> formats::Loaded {
    try_load(url).unwrap()
}

fn try_load(url: &str) -> Result<formats::Loaded, formats::LoadError> {
    let origin = incident_map_core::origin::Origin::parse(url).map_err(|e| formats::LoadError {
        path: url.into(),
        source: std::io::Error::other(e),
    })?;
    formats::open(&origin, &LoadOptions::default())
}

/// A clause over a table push wrote, its words looked up in its
/// vocabulary as the live view looks them up.
fn clause_pushed(
    client: &mut postgis::Client,
    table: &str,
    f: &Filter,
    categories: &[incident_map_core::model::Category],
) -> sql::Clause {
    let known = postgis::terms::look_up(client, table, &f.text, &mut Default::default()).unwrap();
    sql::clause_over(f, categories, sql::Words::Terms, &known).unwrap()
}

fn push(store: &Store, url: &str, replace: bool) -> Result<usize, String> {
    postgis::push(store, &Target::parse(url).unwrap(), replace, &|_, _| {})
}

#[test]
fn the_scenario_pushed_and_opened_by_url_is_the_same_events_with_their_words() {
    let Some(base) = server() else { return };
    let url = table(&base, "scenario_roundtrip");
    let file = load(scenario().to_str().unwrap());
    let original = file.usable().unwrap();
    assert_eq!(push(original, &url, true), Ok(4));
    // Again without --replace: refused, the table kept.
    let again = push(original, &url, false).unwrap_err();
    assert!(again.contains("--replace"), "{again}");
    // Its histogram (a range over several bins, a disputed date) counted
    // by the server as in memory.
    let bins = incident_map_core::histogram::TimeBins::build(original.table());
    let target = Target::parse(&url).unwrap();
    let mut client = postgis::connect(&target, true).unwrap();
    let clause = sql::clause(&Filter::default(), &original.table().meta.categories).unwrap();
    let on_server = postgis::view::histogram(
        &mut client,
        &target,
        &clause,
        bins.size().unwrap(),
        bins.edges(),
        &original.table().meta.categories,
    )
    .unwrap();
    let in_memory = incident_map_core::histogram::Histogram::count(original.table(), &bins, None);
    assert_eq!(on_server, in_memory);
    assert_eq!(on_server.undated, 1);
    let back = load(&url);
    let store = back
        .usable()
        .unwrap_or_else(|| panic!("{:#?}", back.diagnostics));
    assert_eq!(back.path.to_str().unwrap(), url);
    assert_eq!(store.len(), original.len());
    let (a, b) = (original.table(), store.table());
    // What the table's comment keeps: title, zone, categories as they were.
    assert_eq!(b.meta.title, a.meta.title);
    assert_eq!(b.meta.time_zone.as_deref(), Some("Europe/Moscow"));
    let ids = |t: &incident_map_core::store::EventTable| {
        let mut v: Vec<(String, Option<String>)> = t
            .meta
            .categories
            .iter()
            .map(|c| (c.id.clone(), c.color.clone()))
            .collect();
        v.sort();
        v
    };
    let used: Vec<(String, Option<String>)> = ids(a)
        .into_iter()
        .filter(|(id, _)| {
            (0..a.len()).any(|i| {
                a.category(i)
                    .is_some_and(|c| &a.meta.categories[c].id == id)
            })
        })
        .collect();
    assert_eq!(ids(b), used);
    for i in 0..a.len() {
        let j = b.find(a.id(i)).unwrap();
        assert_eq!(a.title(i), b.title(j));
        assert_eq!(a.time(i).start, b.time(j).start, "{}", a.id(i));
        assert_eq!(a.time(i).end, b.time(j).end, "{}", a.id(i));
        let (p, q) = (a.point(i), b.point(j));
        assert_eq!(p.is_some(), q.is_some(), "{}", a.id(i));
        if let (Some(p), Some(q)) = (p, q) {
            assert!((p.lat - q.lat).abs() < 1e-5 && (p.lon - q.lon).abs() < 1e-5);
        }
        let label = |t: &incident_map_core::store::EventTable, k: usize| {
            t.category(k).map(|c| t.meta.categories[c].label.clone())
        };
        assert_eq!(label(a, i), label(b, j));
        // Every passage's words, found again in the text that came back.
        let words = |s: &Store, k: usize| {
            s.detail(k)
                .event
                .passages
                .iter()
                .map(|p| p.quote.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(words(original, i), words(store, j));
        assert!(
            store
                .detail(j)
                .event
                .passages
                .iter()
                .all(|p| p.anchoring.anchor().is_some())
        );
    }
}

/// A seeded ACLED-like table of `n` rows.
fn generated(n: usize) -> String {
    let mut s = String::from(
        "id,title,event_date,latitude,longitude,category,actor1,actor2,precision,notes\n",
    );
    let mut x: u64 = 42;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let kinds = ["Battles", "Riots", "Protests", "Explosions/Remote violence"];
    let actors = [
        "Police Forces",
        "Rebel Group",
        "Protesters",
        "Militia (Ayele)",
        "Civilians",
    ];
    let precisions = ["town", "district", "region"];
    for i in 0..n {
        let r = next();
        let day = jiff::civil::date(2020, 1, 1) + jiff::Span::new().days((r % 730) as i64);
        let _ = writeln!(
            s,
            "g{i},{} near Place {},{day},{:.5},{:.5},{},{},{},{},Reported by source {}",
            kinds[(r >> 10) as usize % 4],
            (r >> 20) % 5000,
            -40.0 + ((r >> 8) % 80_000) as f64 / 1000.0,
            -120.0 + ((r >> 30) % 240_000) as f64 / 1000.0,
            kinds[(r >> 10) as usize % 4],
            actors[(r >> 40) as usize % 5],
            if r % 3 == 0 {
                actors[(r >> 44) as usize % 5]
            } else {
                ""
            },
            precisions[(r >> 50) as usize % 3],
            (r >> 52) % 100,
        );
    }
    s
}

/// `n` generated rows, read from a CSV file and pushed to table `name`:
/// what was read, and the table's URL.
fn pushed_generated(base: &str, n: usize, name: &str) -> (formats::Loaded, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.csv"));
    std::fs::write(&file, generated(n)).unwrap();
    let loaded = load(file.to_str().unwrap());
    let store = loaded.usable().unwrap();
    assert_eq!(store.len(), n);
    let url = table(base, name);
    assert_eq!(push(store, &url, true), Ok(n));
    (loaded, url)
}

#[test]
fn a_generated_table_of_100000_rows_counts_on_the_server_as_in_memory_under_each_filter() {
    let Some(base) = server() else { return };
    let (loaded, url) = pushed_generated(&base, 100_000, "generated_100k");
    let store = loaded.usable().unwrap();
    let target = Target::parse(&url).unwrap();
    let mut client = postgis::connect(&target, true).unwrap();
    let table = store.table();
    let tz = table.tz().clone();
    let day = |y, m, d| {
        jiff::civil::date(y, m, d)
            .at(0, 0, 0, 0)
            .to_zoned_datetime(tz.clone())
            .unwrap()
            .timestamp()
            .as_second()
    };
    let riots: BTreeSet<String> = table
        .meta
        .categories
        .iter()
        .filter(|c| c.label == "Riots")
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(riots.len(), 1);
    let filters = [
        Filter::default(),
        Filter {
            window: Some((day(2020, 3, 1), day(2020, 6, 1) - 1)),
            ..Filter::default()
        },
        Filter {
            hidden_categories: riots.clone(),
            ..Filter::default()
        },
        Filter {
            actors: vec!["militia".into(), "POLICE".into()],
            ..Filter::default()
        },
        Filter {
            text: "place 12".into(),
            ..Filter::default()
        },
        // A phrase whole: "Place 12", not "Place 120" nor "Place 1234".
        Filter {
            text: "\"place 12\"".into(),
            ..Filter::default()
        },
        Filter {
            text: "\"near place 49".into(),
            ..Filter::default()
        },
        Filter {
            precisions: [Precision::Town, Precision::Region].into(),
            ..Filter::default()
        },
        Filter {
            bbox: Some(BBox {
                sw: LatLon {
                    lat: -10.0,
                    lon: 20.0,
                },
                ne: LatLon {
                    lat: 15.5,
                    lon: 60.25,
                },
            }),
            ..Filter::default()
        },
        Filter {
            window: Some((day(2021, 1, 1), day(2021, 12, 31))),
            hidden_categories: riots,
            actors: vec!["rebel".into()],
            bbox: Some(BBox {
                sw: LatLon {
                    lat: -30.0,
                    lon: -100.0,
                },
                ne: LatLon {
                    lat: 30.0,
                    lon: 100.0,
                },
            }),
            ..Filter::default()
        },
    ];
    let search = incident_map_core::filter::SearchIndex::build(store, &|_| {});
    for f in &filters {
        let in_memory = f
            .flags(table, Some(&search))
            .iter()
            .filter(|&&v| v == SHOWN)
            .count() as i64;
        let clause = sql::clause(f, &table.meta.categories).unwrap();
        let on_server = postgis::count(&mut client, &target, &clause).unwrap();
        assert_eq!(on_server, in_memory, "{f:?}\n{}", clause.sql);
        // The words push keeps (folded, in a column, found through their
        // hashes) give the same answers.
        let over_column = clause_pushed(&mut client, "generated_100k", f, &table.meta.categories);
        let by_column = postgis::count(&mut client, &target, &over_column).unwrap();
        assert_eq!(by_column, in_memory, "{f:?}\n{}", over_column.sql);
        assert!(
            f.is_everything() || in_memory < 100_000,
            "{f:?} shows everything"
        );
        assert!(in_memory > 0, "{f:?} shows nothing");
    }
    // Words are answered through the index of their hashes push built.
    let mut words_of = |text: &str| {
        let f = Filter {
            text: text.into(),
            ..Filter::default()
        };
        clause_pushed(&mut client, "generated_100k", &f, &table.meta.categories)
    };
    let over_column = words_of("\"place 1234\"");
    // A word every row holds is read in the rows: the index would give
    // them all.
    let every = words_of("place");
    assert!(
        over_column.sql.contains("incident_terms &&"),
        "{}",
        over_column.sql
    );
    assert!(over_column.through_words);
    assert!(
        !every.through_words && !every.sql.contains("&&"),
        "{}",
        every.sql
    );
    assert_eq!(postgis::count(&mut client, &target, &every), Ok(100_000));
    let params: Vec<String> = over_column
        .params
        .iter()
        .map(|p| match p {
            sql::Param::Text(t) => sql::literal(t),
            sql::Param::Ints(h) => format!(
                "'{{{}}}'::int4[]",
                h.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    let mut explained = over_column.sql.clone();
    for (k, p) in params.iter().enumerate().rev() {
        explained = explained.replace(&format!("${}", k + 1), p);
    }
    let plan: Vec<String> = client
        .query(
            &format!("EXPLAIN SELECT count(*) FROM generated_100k WHERE {explained}"),
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        plan.iter().any(|l| l.contains("generated_100k_words")),
        "{}",
        plan.join("\n")
    );
    // The map's cells, counted by the server, as the marker index counts
    // them: the whole world at zoom 2 and 6, and a view at zoom 5 under a filter.
    let markers = incident_map_core::markers::MarkerIndex::build(table);
    let cases = [
        (Filter::default(), 2u8, None),
        (Filter::default(), 6, None),
        (
            filters[7].clone(),
            5,
            Some(BBox {
                sw: LatLon {
                    lat: -20.0,
                    lon: -60.0,
                },
                ne: LatLon {
                    lat: 25.0,
                    lon: 40.0,
                },
            }),
        ),
    ];
    for (f, zoom, view) in cases {
        let flags = f.flags(table, Some(&search));
        let shown = markers.filter(table, |i| {
            flags[i] == SHOWN
                && view.is_none_or(|b: BBox| {
                    table.point(i).is_some_and(|p| {
                        (b.sw.lat..=b.ne.lat).contains(&p.lat)
                            && (b.sw.lon..=b.ne.lon).contains(&p.lon)
                    })
                })
        });
        let clause = sql::clause(&f, &table.meta.categories).unwrap();
        let cells = postgis::view::count_cells(&mut client, &target, &clause, zoom, view).unwrap();
        let total: u64 = cells.iter().map(|c| c.count).sum();
        assert_eq!(total as usize, shown.len(), "zoom {zoom}");
        assert!(cells.len() > 3, "zoom {zoom}: {} cells", cells.len());
        for c in &cells {
            assert_eq!(
                shown.members(zoom, c.key).len() as u64,
                c.count,
                "zoom {zoom}, cell {}",
                c.key
            );
        }
    }
    // The time histogram (what the window is brushed on: the filter's
    // other parts), counted by the server as in memory.
    let bins = incident_map_core::histogram::TimeBins::build(table);
    for f in [&filters[0], &filters[2], &filters[3], &filters[7]] {
        let flags = f.flags(table, Some(&search));
        let in_memory = incident_map_core::histogram::Histogram::count(table, &bins, Some(&flags));
        let others = Filter {
            window: None,
            ..f.clone()
        };
        let clause = sql::clause(&others, &table.meta.categories).unwrap();
        let on_server = postgis::view::histogram(
            &mut client,
            &target,
            &clause,
            bins.size().unwrap(),
            bins.edges(),
            &table.meta.categories,
        )
        .unwrap();
        assert_eq!(on_server, in_memory, "{f:?}");
        assert!(in_memory.max > 0);
    }
    // Opened by URL: the same events.
    let back = load(&url);
    let again = back.usable().unwrap();
    assert_eq!(again.len(), 100_000);
    let i = again.table().find("g77777").unwrap();
    let j = table.find("g77777").unwrap();
    assert_eq!(again.table().title(i), table.title(j));
    assert_eq!(again.table().time(i).start, table.time(j).start);
}

/// ACLED rows with accents, markup and other alphabets, among rows of
/// ordinary places: what the folded words of a pushed table are tested on.
fn accented_acled() -> String {
    let mut s = String::from(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,\
         location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities\n\
         X1,06 September 2020,1,Battles,Armed clash,Militia,Police,Zürich,47.37,8.54,1,Reuters,National,\"On 6 September, a <b>clash</b> &amp; fire near Zürich.\",3\n\
         X2,07 September 2020,1,Protests,,Protesters,,São Paulo,-23.55,-46.63,1,Folha,National,Protest in São Paulo against prices.,0\n\
         X3,08 September 2020,1,Riots,Mob violence,Rioters,,Kraków,50.06,19.94,1,PAP,National,Riot in Kraków; ÆTHER group named.,0\n\
         X4,09 September 2020,1,Battles,Armed clash,Militia,Police,Zurich,47.37,8.54,1,Reuters,National,A second clash near ZURICH.,1\n\
         X5,10 September 2020,1,Protests,,Протестующие,,Москва,55.75,37.62,1,ТАСС,National,Акция протеста в Москве.,0\n",
    );
    for k in 0..200 {
        let _ = writeln!(
            s,
            "P{k},11 September 2020,1,Protests,,Protesters,,Place {k},{},{},1,Local,National,A protest in Place {k}.,0",
            10.0 + f64::from(k) / 100.0,
            20.0
        );
    }
    s
}

#[test]
fn a_pushed_tables_words_are_folded_as_the_app_folds_them_and_a_search_reads_only_the_rows_holding_them()
 {
    let Some(base) = server() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accented.csv");
    std::fs::write(&file, accented_acled()).unwrap();
    let sources = [
        (scenario(), "folded_scenario"),
        (file.clone(), "folded_acled"),
    ];
    let ids = |s: &Store, found: &[bool]| -> BTreeSet<String> {
        (0..s.len())
            .filter(|&i| found[i])
            .map(|i| s.table().id(i).to_string())
            .collect()
    };
    let scan = |s: &Store, q: &str| {
        incident_map_core::filter::SearchIndex::scan(s, q, None, None, &|| false).unwrap()
    };
    for (path, name) in sources {
        let loaded = load(path.to_str().unwrap());
        let original = loaded.usable().unwrap();
        let url = table(&base, name);
        assert_eq!(push(original, &url, true), Ok(original.len()));
        let back = load(&url);
        let back = back.usable().unwrap();
        let target = Target::parse(&url).unwrap();
        let mut client = postgis::connect(&target, true).unwrap();
        // Every run of letters and digits the app searches in a row read
        // back is in the words push wrote for it: what lets the server
        // send only the rows that may hold a search's words.
        let written: std::collections::HashMap<String, String> = client
            .query(&format!("SELECT id, incident_search FROM {name}"), &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(written.len(), back.len());
        let mut runs = 0;
        back.searched(&(0..back.len()).collect::<Vec<_>>(), &mut |i, words| {
            let mut folded = Vec::new();
            incident_map_core::filter::fold_bytes(&words.text, &mut folded);
            let folded = String::from_utf8(folded).unwrap();
            let row = &written[back.table().id(i)];
            for run in folded
                .split(|c: char| !c.is_alphanumeric())
                .filter(|r| !r.is_empty())
            {
                assert!(
                    row.contains(run),
                    "{name} {}: {run:?} not in {row:?}",
                    back.table().id(i)
                );
                runs += 1;
            }
        });
        assert!(runs > 10 * back.len(), "{runs} runs");
        let queries = [
            "zurich",
            "ZÜRICH",
            "sao paulo",
            "\"são paulo\"",
            "krakow",
            "aether",
            "clash",
            "\"clash & fire\"",
            "москва",
            "place 7",
            "\"place 7\"",
            "\"place 7",
            "place: zurich",
            "militia police",
            "kremlin",
            "moscow",
            "1",
        ];
        let total = back.len();
        let mut fewer = 0;
        for q in queries {
            let expected = ids(back, &scan(back, q));
            // Read with the search: only rows that may hold the words come,
            // and the app's search finds the same events among them.
            let mut holding = Target::parse(&url).unwrap();
            holding.holding = Some(q.to_string());
            let origin = incident_map_core::origin::Origin::Table(Box::new(holding));
            let sent = formats::open(&origin, &LoadOptions::default()).unwrap();
            let sent = sent.usable().unwrap();
            assert_eq!(ids(sent, &scan(sent, q)), expected, "{name}: {q}");
            fewer += usize::from(sent.len() < total);
            // The server's own count, for the live view, folds alike.
            let f = Filter {
                text: q.into(),
                ..Filter::default()
            };
            let clause = clause_pushed(&mut client, name, &f, &back.table().meta.categories);
            let counted = postgis::count(&mut client, &target, &clause).unwrap();
            assert_eq!(
                counted as usize,
                expected.len(),
                "{name}: {q}\n{}",
                clause.sql
            );
        }
        assert!(
            fewer >= queries.len() / 2,
            "{name}: {fewer} searches were sent fewer rows"
        );
        if name == "folded_acled" {
            for (q, n) in [
                ("zurich", 2),
                ("\"clash & fire\"", 1),
                ("москва", 1),
                ("aether", 1),
            ] {
                let f = |s: &Store| ids(s, &scan(s, q)).len();
                assert_eq!(f(back), n, "{q}");
            }
        }
        // The server can answer through the words' index (a table this
        // small is read whole unless told not to).
        client.batch_execute("SET enable_seqscan = off").unwrap();
        let known =
            postgis::terms::look_up(&mut client, name, "place 7", &mut Default::default()).unwrap();
        assert!(known.contains_key("place"), "{known:?}");
        let holds = sql::may_hold("place 7", sql::Words::Terms, &known).unwrap();
        let plan: Vec<String> = client
            .query(&format!("EXPLAIN SELECT * FROM {name} WHERE {holds}"), &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(plan.contains(&format!("{name}_words")), "{plan}");
    }
    // A row another tool adds has no folded words: the server's search
    // and a search's rows still find it (by its lowered text).
    let url = table(&base, "folded_acled");
    let target = Target::parse(&url).unwrap();
    let mut client = postgis::connect(&target, false).unwrap();
    client
        .batch_execute(
            "INSERT INTO folded_acled (id, title, latitude, longitude) VALUES ('SQL1', 'Riot by hand near Basel', 47.56, 7.59)",
        )
        .unwrap();
    let f = Filter {
        text: "basel".into(),
        ..Filter::default()
    };
    let clause = clause_pushed(&mut client, "folded_acled", &f, &[]);
    assert_eq!(postgis::count(&mut client, &target, &clause), Ok(1));
    let mut holding = target.clone();
    holding.holding = Some("basel".into());
    let origin = incident_map_core::origin::Origin::Table(Box::new(holding));
    let sent = formats::open(&origin, &LoadOptions::default()).unwrap();
    let sent = sent.usable().unwrap();
    assert_eq!(
        ids(sent, &scan(sent, "basel")),
        BTreeSet::from(["SQL1".to_string()])
    );
    // The command line says what the server sent (the two rows holding
    // the word, and the row without folded words).
    let out = dir.path().join("found.csv");
    let done = assert_cmd::Command::cargo_bin("incident-map")
        .unwrap()
        .args(["convert", &url, out.to_str().unwrap(), "--search", "zurich"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        said.contains("2 events found among the 3 the server sent"),
        "{said}"
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
}

#[test]
fn a_refused_login_a_missing_table_and_a_server_not_there_are_said_plainly() {
    let Some(base) = server() else { return };
    let url = url_with_user(&base, "analyst:wrong");
    let err = try_load(&table(&url, "anything"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("refused the login for \"analyst\""), "{err}");
    assert!(!err.contains("wrong"), "the password is never shown: {err}");
    // The right password, from PGPASSWORD's place in the URL: in.
    let ok = Target::parse(&table(&url_with_user(&base, "analyst:right"), "x")).unwrap();
    assert!(postgis::connect(&ok, true).is_ok());
    let err = try_load(&table(&base, "no_such_table"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("no table or view \"no_such_table\""), "{err}");
    let err = try_load("postgresql://postgres@127.0.0.1:1/incidents?table=t&connect_timeout=2")
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("could not reach the server at 127.0.0.1:1"),
        "{err}"
    );
    // A read-only session cannot write.
    let target = Target::parse(&table(&base, "scenario_roundtrip")).unwrap();
    let mut client = postgis::connect(&target, true).unwrap();
    assert!(client.batch_execute("CREATE TABLE nope (x int)").is_err());
}

fn url_with_user(base: &str, user: &str) -> String {
    let rest = base.split_once('@').map_or(base, |(_, r)| r);
    format!("postgresql://{user}@{rest}")
}

#[test]
fn the_app_opens_a_table_by_url_and_a_marker_click_leads_to_its_words() {
    use egui_kittest::kittest::Queryable;
    let Some(base) = server() else { return };
    let url = table(&base, "scenario_app");
    let file = load(scenario().to_str().unwrap());
    push(file.usable().unwrap(), &url, true).unwrap();
    // Opened with a password in the URL (the cluster trusts "postgres").
    let typed = url.replacen("postgres@", "postgres:typed-secret@", 1);
    let mut map =
        incident_map::render::OffscreenMap::new(std::path::Path::new(&typed), None, (1400, 900));
    common::wait_for_load(&mut map);
    assert_eq!(map.app().state.document().map(|d| d.store.len()), Some(4));
    map.harness()
        .get_by_label("Map: Attack on Crocus City Hall, Krasnogorsk")
        .click();
    map.harness().run_steps(3);
    assert_eq!(map.app().state.selected_id(), Some("crocus-attack"));
    assert!(
        map.harness()
            .get_all_by_label_contains("The second incident near Moscow")
            .next()
            .is_some(),
        "the passage is not shown"
    );
    // What the app keeps and shows as its file: the URL without the password.
    let shown = map.app().state.document().unwrap().origin.shown();
    assert_eq!(shown, url);
}

/// The server's counts by category under `f` are memory's.
fn same_category_counts(
    live: &postgis::live::Live,
    client: &mut postgis::Client,
    table: &incident_map_core::store::EventTable,
    f: &Filter,
) {
    let flags = f.flags(table, None);
    let facets = incident_map_core::filter::Facets::count(table, Some(&flags), None);
    let (by_category, none) = live.category_counts(client, f).unwrap();
    assert_eq!(none, facets.uncategorised, "{f:?}");
    for (k, c) in live.categories().iter().enumerate() {
        let m = table
            .meta
            .categories
            .iter()
            .position(|x| x.label == c.label)
            .unwrap();
        assert_eq!(by_category[k], facets.categories[m], "{f:?} {}", c.label);
    }
}

#[test]
fn a_table_asked_per_view_answers_as_the_table_read_whole() {
    use incident_map_core::postgis::live::{self, Ask, Live};
    let Some(base) = server() else { return };
    let (loaded, url) = pushed_generated(&base, 30_000, "generated_live");
    let store = loaded.usable().unwrap();
    let plain_url = format!("{}&live=on", table(&base, "plain_live"));
    let table = store.table();
    // Small: read whole unless asked; asked per view with live=on.
    assert!(Live::open(&Target::parse(&url).unwrap()).unwrap().is_none());
    let live = Live::open(&Target::parse(&format!("{url}&live=on")).unwrap())
        .unwrap()
        .expect("asked per view");
    assert!(
        Live::open(&Target::parse(&format!("{url}&live=off")).unwrap())
            .unwrap()
            .is_none()
    );
    let labels = |cs: &[incident_map_core::model::Category]| {
        cs.iter().map(|c| c.label.clone()).collect::<BTreeSet<_>>()
    };
    assert_eq!(labels(live.categories()), labels(&table.meta.categories));
    let mut client = live.connect().unwrap();

    // The whole world: every event counted, the latest PAGE sent in full.
    let world = live
        .answer(
            &mut client,
            &Ask {
                filter: Filter::default(),
                zoom: 2,
                view: None,
            },
        )
        .unwrap();
    assert_eq!(world.in_view, 30_000);
    assert!(!world.complete);
    assert_eq!(world.cells.iter().map(|c| c.count).sum::<u64>(), 30_000);
    let page = world.page.usable().unwrap();
    assert_eq!(page.len(), live::PAGE);
    let sent: BTreeSet<&str> = (0..page.len()).map(|i| page.table().id(i)).collect();
    let earliest_sent = (0..page.len())
        .map(|i| page.table().time(i).start)
        .min()
        .unwrap();
    let latest_left = (0..table.len())
        .filter(|&i| !sent.contains(table.id(i)))
        .map(|i| table.time(i).start)
        .max()
        .unwrap();
    assert!(latest_left <= earliest_sent, "a later event was left out");
    // Each event sent is the one in memory, with its category and colour.
    for i in (0..page.len()).step_by(997) {
        let j = table.find(page.table().id(i)).unwrap();
        assert_eq!(page.table().title(i), table.title(j));
        assert_eq!(page.table().time(i), table.time(j));
        assert_eq!(page.table().point(i), table.point(j));
        let category = |t: &incident_map_core::store::EventTable, k: usize| {
            t.category(k).map(|c| t.meta.categories[c].label.clone())
        };
        assert_eq!(category(page.table(), i), category(table, j));
    }
    assert_eq!(
        labels(&page.table().meta.categories),
        labels(&table.meta.categories),
        "every category, as the legend lists them"
    );

    // A box under a filter: few enough to send them all, the very events
    // the filter shows in memory there.
    let riots: BTreeSet<String> = table
        .meta
        .categories
        .iter()
        .filter(|c| c.label == "Riots")
        .map(|c| c.id.clone())
        .collect();
    let view = BBox {
        sw: LatLon {
            lat: -10.0,
            lon: 20.0,
        },
        ne: LatLon {
            lat: 5.0,
            lon: 40.0,
        },
    };
    let filter = Filter {
        hidden_categories: riots,
        actors: vec!["police".into()],
        ..Filter::default()
    };
    let answer = live
        .answer(
            &mut client,
            &Ask {
                filter: filter.clone(),
                zoom: 5,
                view: Some(view),
            },
        )
        .unwrap();
    assert!(answer.complete);
    let in_memory: BTreeSet<&str> = Filter {
        bbox: Some(view),
        ..filter.clone()
    }
    .flags(table, None)
    .iter()
    .enumerate()
    .filter(|(_, f)| **f == SHOWN)
    .map(|(i, _)| table.id(i))
    .collect();
    assert!(in_memory.len() > 20, "{} in the box", in_memory.len());
    let page = answer.page.usable().unwrap();
    let on_server: BTreeSet<&str> = (0..page.len()).map(|i| page.table().id(i)).collect();
    assert_eq!(on_server, in_memory);
    assert_eq!(answer.in_view as usize, in_memory.len());

    // The counts by category and in all, under the filter.
    same_category_counts(&live, &mut client, table, &filter);
    let shown = filter
        .flags(table, None)
        .iter()
        .filter(|f| **f == SHOWN)
        .count();
    assert_eq!(live.count(&mut client, &filter).unwrap() as usize, shown);

    // What the summaries answer (the whole table, a window, hidden
    // categories) is what the table's rows answer, and what memory holds.
    assert!(live.summarised);
    let markers = incident_map_core::markers::MarkerIndex::build(table);
    let target = Target::parse(&url).unwrap();
    let tz = table.tz().clone();
    let (size, edges) =
        incident_map_core::histogram::bins(live.span.unwrap().0, live.span.unwrap().1, &tz);
    let riots = filter.hidden_categories.clone();
    let mid = (live.span.unwrap().0 + live.span.unwrap().1) / 2;
    for f in [
        Filter::default(),
        Filter {
            hidden_categories: riots.clone(),
            ..Filter::default()
        },
        Filter {
            window: Some((mid - 40 * 86_400, mid)),
            hidden_categories: riots,
            ..Filter::default()
        },
    ] {
        assert!(postgis::rollup::answers_times(&f));
        let flags = f.flags(table, None);
        let shown = flags.iter().filter(|v| **v == SHOWN).count();
        assert_eq!(
            live.count(&mut client, &f).unwrap() as usize,
            shown,
            "{f:?}"
        );
        same_category_counts(&live, &mut client, table, &f);
        let clause = sql::clause(
            &Filter {
                window: None,
                ..f.clone()
            },
            live.categories(),
        )
        .unwrap();
        let from_rows = postgis::view::histogram(
            &mut client,
            &target,
            &clause,
            size,
            &edges,
            live.categories(),
        )
        .unwrap();
        assert_eq!(live.histogram(&mut client, &f).unwrap(), from_rows, "{f:?}");
        // The map's cells of the whole world, from the summary, as the
        // marker index counts them.
        if f.window.is_none() {
            for zoom in [2u8, 6] {
                assert!(postgis::rollup::answers_cells(&f, zoom));
                let shown_markers = markers.filter(table, |i| flags[i] == SHOWN);
                let ask = Ask {
                    filter: f.clone(),
                    zoom,
                    view: None,
                };
                let answer = live.answer(&mut client, &ask).unwrap();
                for c in &answer.cells {
                    assert_eq!(
                        shown_markers.members(zoom, c.key).len() as u64,
                        c.count,
                        "zoom {zoom}"
                    );
                }
                let total: u64 = answer.cells.iter().map(|c| c.count).sum();
                assert_eq!(total as usize, shown_markers.len());
            }
        }
    }

    // A table not written by push cannot be asked per view.
    drop(client);
    let mut writer = postgis::connect(&Target::parse(&url).unwrap(), false).unwrap();
    // A table changed after its push loses its summaries: its questions
    // go to its rows, never to stale counts.
    writer
        .batch_execute("DELETE FROM generated_live WHERE id = 'g7'")
        .unwrap();
    let changed = Live::open(&Target::parse(&format!("{url}&live=on")).unwrap())
        .unwrap()
        .unwrap();
    assert!(!changed.summarised);
    let mut client = changed.connect().unwrap();
    assert_eq!(
        changed.count(&mut client, &Filter::default()).unwrap(),
        29_999
    );
    drop(client);
    writer
        .batch_execute("DROP TABLE IF EXISTS plain_live; CREATE TABLE plain_live (id text, latitude float8, longitude float8)")
        .unwrap();
    let plain = Live::open(&Target::parse(&plain_url).unwrap()).unwrap_err();
    assert!(plain.contains("incident-map push"), "{plain}");
}

#[test]
fn the_app_asks_a_large_table_per_view_and_a_click_leads_to_words() {
    use egui_kittest::kittest::{NodeT, Queryable};
    let Some(base) = server() else { return };
    let (_, url) = pushed_generated(&base, 25_000, "generated_live_app");
    let live_url = format!("{url}&live=on");
    let mut map =
        incident_map::render::OffscreenMap::new(std::path::Path::new(&live_url), None, (1400, 900));
    common::wait_for_load(&mut map);
    let current = |map: &mut incident_map::render::OffscreenMap| {
        let start = std::time::Instant::now();
        loop {
            map.harness().run_steps(1);
            if map.app().state.view_is_current() {
                break;
            }
            assert!(start.elapsed().as_secs() < 30, "the server never answered");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        map.harness().run_steps(2);
    };
    current(&mut map);
    let status = map.app().state.status().to_string();
    assert!(
        status.starts_with("On the server: 25,000 events"),
        "{status}"
    );
    assert!(
        status.contains("the latest 10,000 of 25,000 in and around it listed"),
        "{status}"
    );
    // In the view: what the cells drawn on screen hold.
    let in_view = map.app().state.live_in_view().unwrap();
    assert!(
        status.contains(&format!(
            "about {} in the map's view",
            incident_map::state::thousands(in_view as usize)
        )),
        "{status}"
    );
    // Many in view: the server's counts are drawn, not the markers.
    let clusters: Vec<String> = map
        .harness()
        .get_all_by_label_contains("Cluster of")
        .map(|n| n.accesskit_node().label().unwrap_or_default().to_string())
        .collect();
    assert!(!clusters.is_empty());
    assert!(
        map.harness()
            .query_all_by_label_contains("Map: ")
            .next()
            .is_none()
    );
    let counted: u64 = clusters
        .iter()
        .filter_map(|l| l.split_whitespace().nth(2)?.parse::<u64>().ok())
        .sum();
    assert!(counted > 0 && counted <= 25_000, "{clusters:?}");
    // The legend's counts are of the whole table, not of the page.
    let facets = &map.app().state.view().unwrap().facets;
    let counted_by_category: u32 = facets.categories.iter().sum::<u32>() + facets.uncategorised;
    assert_eq!(counted_by_category, 25_000);
    // A close view holds few: they come in full, as markers.
    let zoomed = incident_map_core::model::LatLon { lat: 0.0, lon: 0.0 };
    map.app().map_mut().look_at(zoomed, 7.0);
    current(&mut map);
    let live = map.app().state.live().unwrap();
    assert!(live.shown.complete, "{:?}", live.shown);
    assert!(live.shown.ask.view.is_some());
    // One drawn well inside the map.
    let inside = map.app().map().rect().shrink(80.0);
    let first = map
        .harness()
        .query_all_by_label_contains("Map: ")
        .find(|n| inside.contains(n.rect().center()))
        .map(|n| n.accesskit_node().label().unwrap_or_default().to_string());
    let Some(first) = first else {
        panic!(
            "no marker near 0, 0 at zoom 7: {:?}",
            map.app().state.status().to_string()
        )
    };
    map.harness().get_by_label(&first).click();
    map.harness().run_steps(3);
    let id = map.app().state.selected_id().map(str::to_string).unwrap();
    // Its passage: the notes, as the CSV reader anchors them.
    assert!(
        map.harness()
            .get_all_by_label_contains("Reported by source")
            .next()
            .is_some(),
        "the passage of {id} is not shown"
    );
    // An export writes the events listed, and says so.
    let shown = map.app().state.document().unwrap().store.len();
    let out = tempfile::tempdir().unwrap();
    let exported = out.path().join("listed.csv");
    let ctx = map.ctx();
    map.app().apply(
        &ctx,
        incident_map::action::DocumentAction::Export {
            path: exported.clone(),
            only_shown: false,
        },
    );
    let start = std::time::Instant::now();
    while !map.app().state.status().to_string().starts_with("Exported") {
        assert!(start.elapsed().as_secs() < 20, "the export never finished");
        std::thread::sleep(std::time::Duration::from_millis(20));
        map.harness().run_steps(1);
    }
    let status = map.app().state.status().to_string();
    assert!(
        status.contains("(of 25,000 on the server") && status.contains("incident-map convert"),
        "{status}"
    );
    assert_eq!(
        load(exported.to_str().unwrap()).usable().unwrap().len(),
        shown
    );
    // The table gone from under the app: the next view says why it has
    // no answer, and what is on screen stays.
    let mut writer = postgis::connect(&Target::parse(&url).unwrap(), false).unwrap();
    writer
        .batch_execute("DROP TABLE generated_live_app")
        .unwrap();
    map.app().map_mut().look_at(
        incident_map_core::model::LatLon {
            lat: 10.0,
            lon: 10.0,
        },
        7.0,
    );
    current(&mut map);
    let status = map.app().state.status().to_string();
    assert!(
        status.starts_with("The server did not answer") && status.contains("generated_live_app"),
        "{status}"
    );
    assert_eq!(map.app().state.document().unwrap().store.len(), shown);
    assert_eq!(map.app().state.selected_id(), Some(id.as_str()));
}

#[test]
fn push_never_drops_a_table_it_did_not_make() {
    let Some(base) = server() else { return };
    let target = Target::parse(&table(&base, "mine")).unwrap();
    let mut client = postgis::connect(&target, false).unwrap();
    client
        .batch_execute(
            "DROP TABLE IF EXISTS mine, mine__times, mine__cells; \
             CREATE TABLE mine__times (note text); INSERT INTO mine__times VALUES ('the user''s own');",
        )
        .unwrap();
    let file = load(scenario().to_str().unwrap());
    let store = file.usable().unwrap();
    // Refused, said why; the user's table as it was.
    let refused = |client: &mut postgis::Client, theirs: &str| {
        let err = push(store, &table(&base, "mine"), true).unwrap_err();
        assert!(
            err.contains(&format!("\"{theirs}\" that incident-map did not make")),
            "{err}"
        );
        let kept: String = client
            .query_one(&format!("SELECT note FROM {theirs}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(kept, "the user's own");
    };
    refused(&mut client, "mine__times");
    // Nothing made.
    let made: bool = client
        .query_one("SELECT to_regclass('mine') IS NOT NULL", &[])
        .unwrap()
        .get(0);
    assert!(!made);
    // Without it, pushed; pushed again with --replace over its own summaries.
    client.batch_execute("DROP TABLE mine__times").unwrap();
    assert_eq!(push(store, &table(&base, "mine"), false), Ok(4));
    assert_eq!(push(store, &table(&base, "mine"), true), Ok(4));
    let comment: Option<String> = client
        .query_one(
            "SELECT obj_description('mine__cells'::regclass, 'pg_class')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(comment.as_deref(), Some("incident-map summary of mine"));
    // A table of the user's where the words' vocabulary goes: refused, kept.
    client
        .batch_execute(
            "DROP TABLE mine__terms; CREATE TABLE mine__terms (note text); \
             INSERT INTO mine__terms VALUES ('the user''s own')",
        )
        .unwrap();
    refused(&mut client, "mine__terms");
    client.batch_execute("DROP TABLE mine__terms").unwrap();
}

/// A push fills a table beside the one it replaces (`NAME__new`) and
/// builds its indexes at once on sessions of their own: a push that fails
/// then leaves the table it replaces as it was and nothing of its own; one
/// killed leaves `NAME__new`, which the next push drops; a table of that
/// name the user made is never touched; two pushes to a name never run at
/// once.
#[test]
fn a_push_cut_short_leaves_the_table_it_replaces_and_nothing_of_its_own() {
    let Some(base) = server() else { return };
    let url = table(&base, "kept");
    let target = Target::parse(&url).unwrap();
    let mut client = postgis::connect(&target, false).unwrap();
    client
        .batch_execute(
            "DROP TABLE IF EXISTS kept CASCADE; DROP TABLE IF EXISTS kept__new, kept_time, kept__terms CASCADE",
        )
        .unwrap();
    let scenario = load(scenario().to_str().unwrap());
    let four = scenario.usable().unwrap();
    assert_eq!(push(four, &url, false), Ok(4));
    let rows = |client: &mut postgis::Client| -> i64 {
        client
            .query_one("SELECT count(*) FROM kept", &[])
            .unwrap()
            .get(0)
    };
    let there = |client: &mut postgis::Client, name: &str| -> bool {
        client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&name])
            .unwrap()
            .get(0)
    };
    // Every index built and named after the table.
    let indexes: Vec<String> = client
        .query(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'kept'::regclass ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        indexes,
        ["kept_bare", "kept_geom", "kept_time", "kept_words"]
    );
    // Its vocabulary beside it, with its index, marked as made here.
    let vocabulary: (Option<String>, Option<String>) = client
        .query_one(
            "SELECT obj_description('kept__terms'::regclass, 'pg_class'), \
             (SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'kept__terms'::regclass)",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(
        vocabulary,
        (
            Some("incident-map words of kept".to_string()),
            Some("kept__terms_term".to_string())
        )
    );
    // (What this push names its own until the end; pushes of other tests
    // may be under way meanwhile.)
    let own = postgis::own_prefix("kept");
    assert!(own.starts_with("incident_map_"), "{own}");
    let ours_left = |client: &mut postgis::Client| -> i64 {
        client
            .query_one(
                "SELECT count(*) FROM pg_class WHERE starts_with(relname, $1)",
                &[&own],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(ours_left(&mut client), 0);
    // A push that fails once its rows are in (a table of the user's has
    // the name its time index takes): the four events stay, nothing of
    // the push is left, the user's table stays.
    client
        .batch_execute("DROP INDEX kept_time; CREATE TABLE kept_time (note text)")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("more.csv");
    std::fs::write(&file, accented_acled()).unwrap();
    let more = load(file.to_str().unwrap());
    let more = more.usable().unwrap();
    let err = push(more, &url, true).unwrap_err();
    assert!(err.contains("kept_time"), "{err}");
    assert_eq!(rows(&mut client), 4);
    assert!(!there(&mut client, "kept__new"));
    assert_eq!(ours_left(&mut client), 0);
    assert!(there(&mut client, "kept_time"));
    let words: i64 = client
        .query_one(
            "SELECT count(*) FROM kept__terms WHERE term = 'kremlin'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(words, 1, "the vocabulary replaced stays");
    client.batch_execute("DROP TABLE kept_time").unwrap();
    // A push killed after its rows went in left them beside: the next
    // push drops them and goes on.
    client
        .batch_execute(
            "CREATE TABLE kept__new (id text); COMMENT ON TABLE kept__new IS 'incident-map push under way'",
        )
        .unwrap();
    client
        .batch_execute(&format!("CREATE TABLE {own}__terms (term text)"))
        .unwrap();
    assert_eq!(ours_left(&mut client), 1);
    assert_eq!(push(more, &url, true), Ok(more.len()));
    assert_eq!(rows(&mut client), more.len() as i64);
    assert!(!there(&mut client, "kept__new"));
    assert_eq!(ours_left(&mut client), 0);
    // A table of that name the user made: refused, kept.
    client
        .batch_execute("CREATE TABLE kept__new (note text); INSERT INTO kept__new VALUES ('mine')")
        .unwrap();
    let err = push(four, &url, true).unwrap_err();
    assert!(err.contains("did not make"), "{err}");
    assert_eq!(rows(&mut client), more.len() as i64);
    let note: String = client
        .query_one("SELECT note FROM kept__new", &[])
        .unwrap()
        .get(0);
    assert_eq!(note, "mine");
    client.batch_execute("DROP TABLE kept__new").unwrap();
    // Another push to the name under way (its lock held here): refused.
    client
        .batch_execute("SELECT pg_advisory_lock(hashtext('\"kept\"'))")
        .unwrap();
    let err = push(four, &url, true).unwrap_err();
    assert!(err.contains("under way"), "{err}");
    client
        .batch_execute("SELECT pg_advisory_unlock(hashtext('\"kept\"'))")
        .unwrap();
    assert_eq!(push(four, &url, true), Ok(4));
    assert_eq!(rows(&mut client), 4);
}

/// Every command, given URLs with a planted password (the cluster trusts
/// "postgres" from 127.0.0.1, so it is let in with any): its output, its
/// errors, its JSON and the files it writes never hold the password.
#[test]
fn no_command_prints_a_password_it_was_given() {
    let Some(base) = server() else { return };
    const PLANTED: &str = "Pl4nted-S3cret";
    let with = url_with_user(&base, &format!("postgres:{PLANTED}"));
    let url = table(&with, "planted");
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let scenario = scenario().to_string_lossy().into_owned();
    let bad = |setting: &str| format!("{url}&{setting}");
    let port = format!("postgresql://postgres:{PLANTED}@127.0.0.1:99999/incidents");
    let runs: Vec<Vec<String>> = vec![
        vec![
            "push".into(),
            scenario.clone(),
            url.clone(),
            "--replace".into(),
        ],
        vec!["push".into(), scenario.clone(), url.clone()],
        vec![
            "push".into(),
            url.clone(),
            table(&with, "planted_copy"),
            "--replace".into(),
        ],
        vec!["check".into(), url.clone()],
        vec!["check".into(), "-e".into(), "-p".into(), url.clone()],
        vec!["check".into(), "--json".into(), url.clone()],
        vec!["convert".into(), url.clone(), out("out.json")],
        vec![
            "convert".into(),
            url.clone(),
            out("out.csv"),
            "--search".into(),
            "kremlin".into(),
        ],
        vec![
            "render".into(),
            url.clone(),
            "--out".into(),
            out("out.png"),
            "--size".into(),
            "320x200".into(),
        ],
        vec!["check".into(), table(&with, "no_such_table")],
        vec![
            "check".into(),
            table(
                &url_with_user(&base, &format!("analyst:{PLANTED}")),
                "planted",
            ),
        ],
        vec!["check".into(), table(&port, "planted")],
        vec!["check".into(), bad("sslmode=bogus")],
        vec!["check".into(), bad("frobnicate=1")],
        vec!["check".into(), bad("connect_timeout=soon")],
        vec![
            "check".into(),
            format!("{base}?table=planted&password={PLANTED}&port=x"),
        ],
        vec!["extract".into(), url.clone()],
        vec!["render".into(), url.clone(), url.clone()],
        vec!["convert".into(), url.clone()],
    ];
    let mut said = 0;
    for args in &runs {
        let done = assert_cmd::Command::cargo_bin("incident-map")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&done.stdout),
            String::from_utf8_lossy(&done.stderr)
        );
        assert!(
            !text.contains(PLANTED),
            "{args:?} printed the password:\n{text}"
        );
        said += usize::from(!text.trim().is_empty());
    }
    // Each said something (the test would pass on silence otherwise).
    assert_eq!(said, runs.len());
    let mut written = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(PLANTED));
        written += 1;
    }
    assert_eq!(written, 3, "out.json, out.csv and out.png were written");
}

/// A server that accepts the connection and never answers is given up on
/// at `connect_timeout`, said by name (no cluster needed: a socket that
/// listens and says nothing is such a server).
#[test]
fn a_server_that_accepts_and_never_answers_is_given_up_on_at_connect_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for c in listener.incoming().take(1) {
            kept.push(c);
            std::thread::sleep(std::time::Duration::from_secs(8));
        }
    });
    let started = std::time::Instant::now();
    let url = format!("postgresql://postgres@127.0.0.1:{port}/db?table=t&connect_timeout=1");
    let err = try_load(&url).err().unwrap().to_string();
    assert!(
        err.contains("accepted the connection but did not answer within 1 s (connect_timeout)"),
        "{err}"
    );
    assert!(err.contains("add connect_timeout=SECONDS"), "{err}");
    // Given up on well before the silent server lets go.
    assert!(started.elapsed() < std::time::Duration::from_secs(6));
    held.join().unwrap();
}

/// A table another session holds locked, and a view slower than the
/// statement limit: each stops at its limit, said by name with how to
/// raise it; nothing waits without end.
#[test]
fn a_locked_table_and_a_slow_view_stop_at_their_limits() {
    let Some(base) = server() else { return };
    let file = load(scenario().to_str().unwrap());
    let target = Target::parse(&table(&base, "held")).unwrap();
    let mut holder = postgis::connect(&target, false).unwrap();
    holder
        .batch_execute("DROP VIEW IF EXISTS slow_view")
        .unwrap();
    assert_eq!(
        push(file.usable().unwrap(), &table(&base, "held"), true),
        Ok(4)
    );
    holder
        .batch_execute("CREATE OR REPLACE VIEW slow_view AS SELECT h.* FROM held h, pg_sleep(30) s")
        .unwrap();
    let mut lock = holder.transaction().unwrap();
    lock.batch_execute("LOCK TABLE held IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let err = try_load(&format!("{}&lock_timeout=1", table(&base, "held")))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("locked by another session"), "{err}");
    assert!(err.contains("lock_timeout=SECONDS"), "{err}");
    // push waits for the lock too, then says so; the holder's work stands.
    let err = push(
        file.usable().unwrap(),
        &format!("{}&lock_timeout=1", table(&base, "held")),
        true,
    )
    .unwrap_err();
    assert!(err.contains("(lock_timeout)"), "{err}");
    lock.rollback().unwrap();
    let err = try_load(&format!(
        "{}&statement_timeout=1",
        table(&base, "slow_view")
    ))
    .err()
    .unwrap()
    .to_string();
    assert!(
        err.contains("stopped the query after 1 s (statement_timeout)"),
        "{err}"
    );
    // A limit that does not read is said with what to write.
    let err = Target::parse(&format!("{}&statement_timeout=soon", table(&base, "held")))
        .err()
        .unwrap();
    assert!(err.contains("a whole number of seconds"), "{err}");
    // The limits given are kept in the URL shown and remembered.
    let t = Target::parse(&format!("{}&lock_timeout=3", table(&base, "held"))).unwrap();
    assert!(t.shown.ends_with("&lock_timeout=3"), "{}", t.shown);
}

/// Rows a server holds that a reader could get wrong: a date before year
/// 1 comes back BC (not AD), and a geometry in a reference system the
/// server does not know loses only its own row's place, reported, not
/// the whole table.
#[test]
fn bc_dates_and_an_unknown_srid_come_back_as_they_are() {
    let Some(base) = server() else { return };
    let target = Target::parse(&table(&base, "odd_rows")).unwrap();
    let mut client = postgis::connect(&target, false).unwrap();
    client
        .batch_execute(
            "DROP TABLE IF EXISTS odd_rows; \
             CREATE TABLE odd_rows (id text, title text, event_date date, geom geometry); \
             INSERT INTO odd_rows VALUES \
               ('fine', 'fine', '2024-03-22', ST_SetSRID(ST_MakePoint(37.6, 55.7), 4326)), \
               ('caesar', 'Ides of March', '0044-03-15 BC', ST_SetSRID(ST_MakePoint(12.48, 41.89), 4326)), \
               ('odd', 'odd system', '2024-01-01', ST_SetSRID(ST_MakePoint(500000, 6000000), 990001));",
        )
        .unwrap();
    let loaded = load(&table(&base, "odd_rows"));
    let store = loaded.store.as_ref().expect("the table is read");
    assert_eq!(store.len(), 3);
    let event = |id: &str| {
        let i = (0..store.len())
            .find(|&i| store.table().id(i) == id)
            .unwrap();
        store.detail(i).event
    };
    let ides = jiff::civil::date(-43, 3, 15);
    assert_eq!(
        event("caesar").when,
        incident_map_core::model::When::At(incident_map_core::model::Moment::Day(ides))
    );
    assert!(event("fine").location.is_some());
    assert!(event("odd").location.is_none());
    let said: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(
        said.iter()
            .any(|m| m.contains("SRID 990001") && m.contains("1 row(s)")),
        "{said:?}"
    );
}

/// Table names as PostgreSQL has them: one too long for the server (and
/// its summaries) is refused before anything is written; a name with a dot
/// in it is addressed in double quotes; a table with no columns is said to
/// be one; a schema the user may not write to is said so.
#[test]
fn long_dotted_and_empty_table_names_are_addressed_or_refused_plainly() {
    let Some(base) = server() else { return };
    let file = load(scenario().to_str().unwrap());
    let store = file.usable().unwrap();
    let target = Target::parse(&table(&base, "x")).unwrap();
    let mut client = postgis::connect(&target, false).unwrap();
    let long = "t".repeat(60);
    let err = push(store, &table(&base, &long), true).unwrap_err();
    assert!(
        err.contains("is 60 bytes") && err.contains("at most 56"),
        "{err}"
    );
    let made: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname LIKE 'tttttttttttttttttttttttttttttt%')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(!made, "nothing is written under a cut name");
    // A dot inside the name, in double quotes (%22 in a URL): pushed, its
    // summaries beside it, read back whole.
    let dotted = table(&base, "%22my.events%22");
    assert_eq!(push(store, &dotted, true), Ok(4));
    let back = load(&dotted);
    assert_eq!(back.usable().unwrap().len(), 4);
    let summaries: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname IN ('my.events__times', 'my.events__cells')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(summaries, 2);
    // Unquoted, the dot names a schema: not there, and the list says how
    // to write the one that is.
    let err = try_load(&table(&base, "my.events"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("public.\"my.events\""), "{err}");
    client
        .batch_execute("DROP TABLE IF EXISTS no_columns; CREATE TABLE no_columns ()")
        .unwrap();
    let err = try_load(&table(&base, "no_columns"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("has no columns"), "{err}");
    client
        .batch_execute("CREATE SCHEMA IF NOT EXISTS theirs")
        .unwrap();
    let err = push(
        store,
        &table(&url_with_user(&base, "analyst:right"), "theirs.mine"),
        true,
    )
    .unwrap_err();
    assert!(err.contains("CREATE on that schema"), "{err}");
}

/// A table small on disk and large as text (a compressed column) is
/// measured as text before it is read: what the memory check compares.
#[test]
fn a_tables_size_as_text_is_known_before_it_is_read() {
    let Some(base) = server() else { return };
    let target = Target::parse(&table(&base, "roomy")).unwrap();
    let mut client = postgis::connect(&target, false).unwrap();
    client
        .batch_execute(
            "DROP TABLE IF EXISTS roomy; \
             CREATE TABLE roomy (id text, title text, latitude float8, longitude float8, notes text); \
             INSERT INTO roomy SELECT 'e' || i, 'T', 1, 1, repeat('words ', 40000) FROM generate_series(1, 50) i; \
             ANALYZE roomy;",
        )
        .unwrap();
    let on_disk: i64 = client
        .query_one("SELECT pg_total_relation_size('roomy')", &[])
        .unwrap()
        .get(0);
    let text = postgis::text_size(&target).unwrap();
    // 50 rows of 240,000 bytes each: 12 MB as text, a fraction of it on disk.
    assert!((11_000_000..13_000_000).contains(&text), "{text}");
    assert!((on_disk as u64) < text / 10, "{on_disk} on disk");
}

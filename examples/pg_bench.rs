//! How fast a server answers what one view of the map asks (`postgis::view`
//! and `postgis::count`) and what the app waits for per view of a table
//! asked per view (`postgis::live`: from the table's summaries where they
//! answer), on a pushed table: `tools/pg-bench` fills one with generated
//! rows and runs this. Prints each question's median of 5.
//!
//! `cargo run --release --example pg_bench -- 'postgresql://…?table=NAME'`

use std::time::{Duration, Instant};

use incident_map_core::filter::Filter;
use incident_map_core::histogram::bins;
use incident_map_core::model::{BBox, LatLon};
use incident_map_core::postgis::{self, Target, sql, view};

fn median(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut got = 0;
    for _ in 0..5 {
        let t = Instant::now();
        got = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[2], got)
}

fn main() {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: pg_bench 'postgresql://…?table=NAME'");
        std::process::exit(2);
    };
    let t = Target::parse(&url).unwrap_or_else(|e| panic!("{e}"));
    let mut client = postgis::connect(&t, true).unwrap_or_else(|e| panic!("{e}"));
    let categories = Vec::new();
    let all = sql::clause(&Filter::default(), &categories).unwrap();
    let row = |label: &str, (d, n): (Duration, usize)| {
        println!("{label:<52} {:>9.1} ms  ({n})", d.as_secs_f64() * 1000.0);
    };
    row(
        "count, no filter",
        median(|| postgis::count(&mut client, &t, &all).unwrap() as usize),
    );
    let box_of = |s, w, n, e| BBox {
        sw: LatLon { lat: s, lon: w },
        ne: LatLon { lat: n, lon: e },
    };
    for (label, zoom, b) in [
        ("cells, the world at zoom 2", 2u8, None),
        (
            "cells, 20° × 20° at zoom 5",
            5,
            Some(box_of(10.0, 20.0, 30.0, 40.0)),
        ),
        (
            "cells, 2° × 2° at zoom 8",
            8,
            Some(box_of(10.0, 30.0, 12.0, 32.0)),
        ),
        (
            "cells, 0.2° × 0.2° at zoom 12",
            12,
            Some(box_of(10.0, 30.0, 10.2, 30.2)),
        ),
    ] {
        row(
            label,
            median(|| {
                view::count_cells(&mut client, &t, &all, zoom, b)
                    .unwrap()
                    .len()
            }),
        );
    }
    let span: (Option<f64>, Option<f64>) = {
        let q = format!(
            "SELECT extract(epoch FROM min(incident_start))::float8, extract(epoch FROM max(incident_end))::float8 FROM {} WHERE incident_end < 'infinity'",
            sql::ident(&t.table)
        );
        let r = client.query_one(q.as_str(), &[]).unwrap();
        (r.get(0), r.get(1))
    };
    if let (Some(a), Some(b)) = span {
        let (size, edges) = bins(a as i64, b as i64, &jiff::tz::TimeZone::UTC);
        row(
            &format!("histogram, {} bins of a {}", edges.len() - 1, size.as_str()),
            median(|| {
                view::histogram(&mut client, &t, &all, size, &edges, &categories)
                    .unwrap()
                    .max as usize
            }),
        );
        let actor = sql::clause(
            &Filter {
                actors: vec!["militia".into()],
                ..Filter::default()
            },
            &categories,
        )
        .unwrap();
        row(
            "histogram, an actor's events",
            median(|| {
                view::histogram(&mut client, &t, &actor, size, &edges, &categories)
                    .unwrap()
                    .max as usize
            }),
        );
        let window = sql::clause(
            &Filter {
                window: Some((a as i64, a as i64 + 30 * 86_400)),
                ..Filter::default()
            },
            &categories,
        )
        .unwrap();
        row(
            "cells, the world at zoom 2, a 30-day window",
            median(|| {
                view::count_cells(&mut client, &t, &window, 2, None)
                    .unwrap()
                    .len()
            }),
        );
    }
    let words = sql::clause(
        &Filter {
            text: "place 123".into(),
            ..Filter::default()
        },
        &categories,
    )
    .unwrap();
    row(
        "count, words \"place 123\"",
        median(|| postgis::count(&mut client, &t, &words).unwrap() as usize),
    );
    // What the app waits for per view of a table asked per view
    // (`postgis::live`): the cells, the count in view and the latest page
    // of events in full, read into a store.
    let live_url = if url.contains("live=") {
        url.clone()
    } else {
        format!("{url}&live=on")
    };
    // The summaries `push` makes, made here for a table filled otherwise.
    let mut writer = postgis::connect(&t, false).unwrap_or_else(|e| panic!("{e}"));
    if !postgis::rollup::present(&mut writer, &t).unwrap() {
        let started = Instant::now();
        writer
            .batch_execute(&postgis::rollup::build_sql(&t.table))
            .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "(the table's summaries made in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    drop(writer);
    let Ok(Some(live)) = postgis::live::Live::open(&Target::parse(&live_url).unwrap()) else {
        println!("(not a pushed table: no live questions)");
        return;
    };
    let mut client = live.connect().unwrap_or_else(|e| panic!("{e}"));
    for (label, zoom, b) in [
        ("a view: the world at zoom 2", 2u8, None),
        (
            "a view: 20° × 20° at zoom 5",
            5,
            Some(box_of(10.0, 20.0, 30.0, 40.0)),
        ),
        (
            "a view: 2° × 2° at zoom 8",
            8,
            Some(box_of(10.0, 30.0, 12.0, 32.0)),
        ),
        (
            "a view: 0.2° × 0.2° at zoom 12",
            12,
            Some(box_of(10.0, 30.0, 10.2, 30.2)),
        ),
    ] {
        let ask = postgis::live::Ask {
            filter: Filter::default(),
            zoom,
            view: b,
        };
        row(
            label,
            median(|| {
                let a = live.answer(&mut client, &ask).unwrap();
                a.page.store.map_or(0, |s| s.len())
            }),
        );
    }
    let mut windowed = Filter::default();
    if let Some((a, _)) = live.span {
        windowed.window = Some((a, a + 30 * 86_400));
    }
    let ask = postgis::live::Ask {
        filter: windowed,
        zoom: 2,
        view: None,
    };
    row(
        "a view: the world at zoom 2, a 30-day window",
        median(|| {
            let a = live.answer(&mut client, &ask).unwrap();
            a.page.store.map_or(0, |s| s.len())
        }),
    );
    row(
        "the table's histogram, its span's bins",
        median(|| live.histogram(&mut client, &Filter::default()).unwrap().max as usize),
    );
    row(
        "counts by category",
        median(|| {
            live.category_counts(&mut client, &Filter::default())
                .unwrap()
                .0
                .len()
        }),
    );
}

//! A table opened: the server writes it as CSV (`COPY … TO STDOUT`), its
//! geometry as latitude and longitude in WGS 84 and its times in UTC, and
//! the CSV reader reads that, on every core, with the same vocabulary of
//! column names as any CSV file (a table it cannot map is reported with
//! its columns, as a CSV is).

use std::io::Read;
use std::path::PathBuf;

use super::sql::ident;
use super::{Target, connect};
use crate::formats::{LoadError, LoadOptions, Loaded, Progress, Stage};

/// What a pushed table's comment says it is (see `push`).
pub(super) const ABOUT: &str = "incident-map push";

/// Columns a pushed table has beside its CSV columns, read from its `when`.
const PUSHED: [&str; 7] = [
    "incident_start",
    "incident_end",
    "geom",
    "incident_words",
    "incident_search",
    "incident_part",
    "incident_terms",
];

/// Loads the table `target` names.
pub fn load(target: &Target, options: &LoadOptions) -> Result<Loaded, LoadError> {
    let fail = |path: &str, message: String| LoadError {
        path: PathBuf::from(path),
        source: std::io::Error::other(message),
    };
    let progress = options.progress.as_deref();
    if let Some(p) = progress {
        p.set_stage(Stage::Reading);
    }
    let fetched = fetch(target, progress).map_err(|m| fail(&target.shown, m))?;
    let Some((bytes, about, warnings)) = fetched else {
        return Err(LoadError {
            path: PathBuf::from(&target.shown),
            source: std::io::Error::new(std::io::ErrorKind::Interrupted, "cancelled"),
        });
    };
    let about = About::read(about.as_deref());
    let time_zone = about.as_ref().and_then(|a| a.time_zone.as_deref());
    let mut loaded =
        crate::formats::load_owned(&PathBuf::from(&target.shown), bytes, progress, time_zone)
            .map_err(|_| LoadError {
                path: PathBuf::from(&target.shown),
                source: std::io::Error::new(std::io::ErrorKind::Interrupted, "cancelled"),
            })?;
    if let (Some(about), Some(store)) = (about, loaded.store.as_mut()) {
        about.apply(store);
    }
    loaded.diagnostics.extend(warnings);
    Ok(loaded)
}

/// A pushed table's comment: what its data set was.
#[derive(serde::Deserialize, Debug, Clone)]
pub(super) struct About {
    format: String,
    pub title: Option<String>,
    description: Option<String>,
    pub time_zone: Option<String>,
    #[serde(default)]
    categories: Vec<AboutCategory>,
}

#[derive(serde::Deserialize, Debug, Clone)]
struct AboutCategory {
    id: String,
    label: String,
    color: Option<String>,
    description: Option<String>,
}

impl About {
    /// The comment `text`, if a push wrote it.
    pub fn read(text: Option<&str>) -> Option<About> {
        text.and_then(|a| serde_json::from_str::<About>(a).ok())
            .filter(|a| a.format == ABOUT)
    }

    /// The data set's categories, in its order.
    pub fn categories(&self) -> Vec<crate::model::Category> {
        self.categories
            .iter()
            .map(|c| crate::model::Category {
                id: c.id.clone(),
                label: c.label.clone(),
                color: c.color.clone(),
                description: c.description.clone(),
            })
            .collect()
    }

    /// The data set's title and categories as they were, on a store read
    /// from the table.
    pub fn apply(&self, store: &mut crate::store::Store) {
        let meta = store.meta_mut();
        if let Some(t) = &self.title {
            meta.title = t.clone();
        }
        meta.description = self.description.clone().or(meta.description.take());
        for c in &mut meta.categories {
            if let Some(was) = self.categories.iter().find(|k| k.label == c.label) {
                c.id = was.id.clone();
                c.color = was.color.clone().or(c.color.take());
                c.description = was.description.clone();
            }
        }
    }
}

/// What a table is: its columns (name, type), its comment, and the
/// server's estimate of its rows.
pub(super) struct Described {
    pub columns: Vec<(String, String)>,
    pub about: Option<String>,
    pub estimate: f64,
}

/// What `t`'s table is; a missing table is an error naming those there are.
pub(super) fn describe(client: &mut postgres::Client, t: &Target) -> Result<Described, String> {
    let explain = |e: postgres::Error| super::explain(&e, t);
    let columns = client
        .query(
            "SELECT a.attname::text, t.typname::text FROM pg_attribute a \
             JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attnum",
            &[&ident(&t.table)],
        )
        .map_err(explain)?;
    if columns.is_empty() {
        let there: bool = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&ident(&t.table)])
            .map_err(explain)?
            .get(0);
        if there {
            return Err(format!(
                "the table \"{}\" has no columns: there is nothing in it to read",
                t.table
            ));
        }
        // Each named as a URL's ?table= would name it (a dot inside a
        // name in double quotes).
        let tables = client
            .query(
                "SELECT format('%s.%s', \
                   CASE WHEN table_schema LIKE '%.%' THEN quote_ident(table_schema) ELSE table_schema END, \
                   CASE WHEN table_name LIKE '%.%' THEN quote_ident(table_name) ELSE table_name END) \
                 FROM information_schema.tables \
                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 20",
                &[],
            )
            .map_err(explain)?;
        let names: Vec<String> = tables.iter().map(|r| r.get(0)).collect();
        return Err(format!(
            "no table or view \"{}\" here{}",
            t.table,
            if names.is_empty() {
                " (the database has none)".to_string()
            } else {
                format!("; there are: {}", names.join(", "))
            }
        ));
    }
    let columns: Vec<(String, String)> = columns.iter().map(|r| (r.get(0), r.get(1))).collect();
    let about: Option<String> = client
        .query_one(
            "SELECT obj_description(to_regclass($1), 'pg_class')",
            &[&ident(&t.table)],
        )
        .map_err(explain)?
        .get(0);
    let estimate: f64 = client
        .query_one(
            "SELECT GREATEST(reltuples, 1)::float8 FROM pg_class WHERE oid = to_regclass($1)",
            &[&ident(&t.table)],
        )
        .map(|r| r.get(0))
        .unwrap_or(1.0);
    Ok(Described {
        columns,
        about,
        estimate,
    })
}

/// A table as CSV, its comment, and warnings of rows it reads without all
/// they hold.
type Fetched = (Vec<u8>, Option<String>, Vec<crate::diagnostic::Diagnostic>);

/// The table as CSV, and its comment; `None` when cancelled.
#[allow(clippy::type_complexity)]
fn fetch(t: &Target, progress: Option<&Progress>) -> Result<Option<Fetched>, String> {
    if let Some(why) = super::sql::name_problem(&t.table, 0) {
        return Err(why);
    }
    let mut client = connect(t, true)?;
    let explain = |e: postgres::Error| super::explain(&e, t);
    let Described {
        columns,
        about,
        estimate,
    } = describe(&mut client, t)?;
    let select = select_list(&columns);
    // Only the rows that may hold the words searched, when the table keeps
    // them folded as the app does.
    let words = super::sql::Words::of(|c| columns.iter().any(|(n, _)| n == c));
    let only = match t.holding.as_deref() {
        Some(query) => {
            let known = if words == super::sql::Words::Terms {
                super::terms::look_up(&mut client, &t.table, query, &mut Default::default())
                    .map_err(explain)?
            } else {
                Default::default()
            };
            // (The rows the words' index gives read, not every row: see
            // `terms`. This session asks nothing else.)
            if !known.is_empty() {
                client
                    .batch_execute(&super::sql::through_words("SESSION"))
                    .map_err(explain)?;
            }
            super::sql::may_hold(query, words, &known)
        }
        None => None,
    };
    let available = crate::formats::file::available_memory()
        .filter(|_| std::env::var_os("INCIDENT_MAP_NO_MEMORY_CHECK").is_none());
    // What the table comes to as text, before any of it is read: rows
    // small on disk can be huge as text (a compressed column). (Of the
    // rows a search lets through, the guard while reading says it.)
    if only.is_none() {
        let text = text_bytes(&mut client, t, &select, estimate)?;
        if let Some(why) = too_big(text, estimate, available) {
            return Err(why);
        }
    }
    let copy = format!(
        "COPY (SELECT {select} FROM {}{}) TO STDOUT WITH (FORMAT csv, HEADER true)",
        ident(&t.table),
        only.map_or_else(String::new, |w| format!(" WHERE {w}"))
    );
    let mut reader = client.copy_out(copy.as_str()).map_err(explain)?;
    let mut out = Vec::new();
    let mut buf = vec![0; 1 << 20];
    let mut rows = 0usize;
    loop {
        if progress.is_some_and(Progress::is_cancelled) {
            return Ok(None);
        }
        let n = reader.read(&mut buf).map_err(|e| {
            // The server's own words, when it stopped the copy.
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<postgres::Error>())
            {
                Some(pg) => super::explain(pg, t),
                None => format!("reading the table from {}: {e}", t.server()),
            }
        })?;
        if n == 0 {
            break;
        }
        rows += memchr::memchr_iter(b'\n', &buf[..n]).count();
        // A guard behind the estimate: the text never outgrows memory.
        if let Some(a) = available
            && (out.len() + n) as f64 * MEMORY_PER_TEXT_BYTE > a as f64
        {
            return Err(format!(
                "the table as text grew past {} after {rows} rows, more than this machine's {} of free memory allows; {TOO_BIG_HELP}",
                crate::formats::file::human_bytes(out.len() as u64),
                crate::formats::file::human_bytes(a)
            ));
        }
        out.extend_from_slice(&buf[..n]);
        if let Some(p) = progress {
            p.set_fraction(Stage::Reading, (rows as f64 / estimate).min(1.0) as f32);
        }
    }
    drop(reader);
    let warnings = match point_column(&columns) {
        Some(column) => unknown_systems(&mut client, t, column)?,
        None => Vec::new(),
    };
    Ok(Some((out, about, warnings)))
}

/// What to ask for each column: a geometry as its point's latitude and
/// longitude (when the table has no such columns), times in UTC as the
/// CSV reader reads them, the rest as text.
pub(super) fn select_list(columns: &[(String, String)]) -> String {
    let names: Vec<String> = columns.iter().map(|(n, _)| n.to_lowercase()).collect();
    let has = |any: &[&str]| names.iter().any(|n| any.contains(&n.as_str()));
    let has_point = has(&["latitude", "lat"]) && has(&["longitude", "lon", "lng", "long"]);
    let pushed = has(&["when"]);
    let mut out = Vec::new();
    let mut point_taken = has_point;
    for (name, kind) in columns {
        let col = ident(name);
        match kind.as_str() {
            _ if pushed && PUSHED.contains(&name.as_str()) => {}
            "geometry" | "geography" => {
                if !point_taken {
                    point_taken = true;
                    let g = format!("{col}::geometry");
                    let p = format!(
                        "ST_PointOnSurface(CASE WHEN ST_SRID({g}) IN (0, 4326) THEN {g} WHEN {known} THEN ST_Transform({g}, 4326) END)",
                        known = known_srid(&g)
                    );
                    out.push(format!("ST_Y({p}) AS latitude, ST_X({p}) AS longitude"));
                }
            }
            "timestamptz" => out.push(bc_aware(
                &format!("({col} AT TIME ZONE 'UTC')"),
                "-MM-DD\"T\"HH24:MI:SS\"Z\"",
                &col,
            )),
            "timestamp" => out.push(bc_aware(&col, "-MM-DD\"T\"HH24:MI:SS", &col)),
            "date" => out.push(bc_aware(&col, "-MM-DD", &col)),
            "bytea" => {}
            _ => out.push(format!("{col}::text AS {col}")),
        }
    }
    if out.is_empty() {
        "NULL AS nothing".into()
    } else {
        out.join(", ")
    }
}

/// Memory a table needs per byte of its text: the text, and the table
/// and indexes made from it (as for a CSV file).
const MEMORY_PER_TEXT_BYTE: f64 = 1.7;

const TOO_BIG_HELP: &str = "ask it per view with live=on in the URL, read a view of fewer rows or columns, or set INCIDENT_MAP_NO_MEMORY_CHECK=1 to try anyway";

/// About how many bytes the table comes to as text: its first thousand
/// rows' text, times the rows the server estimates.
fn text_bytes(
    client: &mut postgres::Client,
    t: &Target,
    select: &str,
    rows: f64,
) -> Result<f64, String> {
    let query = format!(
        "SELECT COALESCE(avg(octet_length(x::text)), 0)::float8 FROM (SELECT {select} FROM {} LIMIT 1000) x",
        ident(&t.table)
    );
    let mean: f64 = client
        .query_one(query.as_str(), &[])
        .map_err(|e| super::explain(&e, t))?
        .get(0);
    Ok(mean * rows)
}

/// Why a table of about `text` bytes as text, `rows` rows, is not read
/// into `available` bytes of memory.
fn too_big(text: f64, rows: f64, available: Option<u64>) -> Option<String> {
    let available = available?;
    let needed = text * MEMORY_PER_TEXT_BYTE;
    (needed > available as f64).then(|| {
        format!(
            "the table is about {} as text ({} rows) and would need about {} of memory to open; {} is available; {TOO_BIG_HELP}",
            crate::formats::file::human_bytes(text as u64),
            rows as u64,
            crate::formats::file::human_bytes(needed as u64),
            crate::formats::file::human_bytes(available)
        )
    })
}

/// About how many bytes the table `t` names comes to as text, as the app
/// would read it (its first thousand rows measured): what opening it whole
/// would cost, asked before reading it.
pub fn text_size(t: &Target) -> Result<u64, String> {
    let mut client = connect(t, true)?;
    let Described {
        columns, estimate, ..
    } = describe(&mut client, t)?;
    text_bytes(&mut client, t, &select_list(&columns), estimate).map(|b| b as u64)
}

/// Whether the server knows the reference system of geometry `g`: a row
/// whose system it does not know comes without a point (and is reported),
/// rather than failing the whole read.
fn known_srid(g: &str) -> String {
    format!("EXISTS (SELECT 1 FROM spatial_ref_sys r WHERE r.srid = ST_SRID({g}))")
}

/// The geometry column a table's point is read from, as `select_list`
/// chooses it: the first, unless the table has latitude and longitude (or
/// was pushed by this app, whose `geom` is made from them).
fn point_column(columns: &[(String, String)]) -> Option<&str> {
    let names: Vec<String> = columns.iter().map(|(n, _)| n.to_lowercase()).collect();
    let has = |any: &[&str]| names.iter().any(|n| any.contains(&n.as_str()));
    if has(&["when"]) || (has(&["latitude", "lat"]) && has(&["longitude", "lon", "lng", "long"])) {
        return None;
    }
    columns
        .iter()
        .find(|(_, kind)| kind == "geometry" || kind == "geography")
        .map(|(n, _)| n.as_str())
}

/// Warnings for rows whose geometry is in a reference system the server
/// does not know: kept, without a place.
fn unknown_systems(
    client: &mut postgres::Client,
    t: &Target,
    column: &str,
) -> Result<Vec<crate::diagnostic::Diagnostic>, String> {
    let g = format!("{}::geometry", ident(column));
    let query = format!(
        "SELECT ST_SRID({g}), count(*) FROM {} WHERE {g} IS NOT NULL AND ST_SRID({g}) NOT IN (0, 4326) AND NOT {} GROUP BY 1 ORDER BY 1",
        ident(&t.table),
        known_srid(&g)
    );
    let rows = client
        .query(query.as_str(), &[])
        .map_err(|e| super::explain(&e, t))?;
    Ok(rows
        .iter()
        .map(|r| {
            let (srid, n): (i32, i64) = (r.get(0), r.get(1));
            crate::diagnostic::Diagnostic::warning(
                crate::diagnostic::Code::BadRecord,
                format!(
                    "{n} row(s) of column \"{column}\" are in SRID {srid}, which this server's spatial_ref_sys does not hold: they are kept without a place"
                ),
            )
            .with_help(format!(
                "add SRID {srid} to spatial_ref_sys (PostGIS's spatial_ref_sys.sql, or epsg.io), or transform the column: UPDATE … SET {column} = ST_Transform(…)"
            ))
        })
        .collect())
}

/// A date or time column written as ISO 8601, a year before 1 as an
/// expanded astronomical year (44 BC is `-000043`), never a BC year read
/// as AD.
fn bc_aware(value: &str, rest: &str, name: &str) -> String {
    format!(
        "CASE WHEN to_char({value}, 'BC') = 'BC' \
         THEN '-' || lpad((-extract(year FROM {value})::int - 1)::text, 6, '0') || to_char({value}, '{rest}') \
         ELSE to_char({value}, 'YYYY{rest}') END AS {name}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_too_large_as_text_is_refused_with_the_numbers() {
        let gb = 1u64 << 30;
        assert_eq!(too_big(1.8 * gb as f64, 20.0, Some(8 * gb)), None);
        let why = too_big(1.8 * gb as f64, 20.0, Some(2 * gb)).unwrap();
        assert!(why.contains("about 1.8 GiB as text (20 rows)"), "{why}");
        assert!(why.contains("live=on"), "{why}");
        assert_eq!(too_big(1e12, 1.0, None), None);
    }

    #[test]
    fn a_geometry_is_asked_for_as_a_point_and_times_in_utc() {
        let cols = |c: &[(&str, &str)]| {
            select_list(
                &c.iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        let s = cols(&[
            ("event_id", "text"),
            ("geom", "geometry"),
            ("event_date", "date"),
            ("at", "timestamptz"),
        ]);
        assert!(
            s.contains("ST_Y(ST_PointOnSurface(CASE WHEN ST_SRID(\"geom\"::geometry) IN (0, 4326)"),
            "{s}"
        );
        assert!(
            s.contains("AS latitude") && s.contains("AS longitude"),
            "{s}"
        );
        assert!(
            s.contains("ELSE to_char(\"event_date\", 'YYYY-MM-DD') END AS \"event_date\""),
            "{s}"
        );
        assert!(s.contains("AT TIME ZONE 'UTC'"), "{s}");
        // Latitude and longitude of its own: the geometry is not asked for.
        let s = cols(&[
            ("latitude", "float8"),
            ("longitude", "float8"),
            ("geom", "geometry"),
        ]);
        assert!(!s.contains("ST_Y"), "{s}");
        // A pushed table: read from its CSV columns, not its helpers.
        let s = cols(&[
            ("id", "text"),
            ("when", "text"),
            ("incident_start", "timestamptz"),
            ("geom", "geometry"),
        ]);
        assert!(!s.contains("incident_start") && !s.contains("geom"), "{s}");
    }
}

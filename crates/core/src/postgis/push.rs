//! Any data set written to a new table: the columns of our CSV export
//! (ACLED's names where they mean the same; every passage), plus
//! `incident_start` and `incident_end` (the event's time, UTC; empty when
//! undated or disputed) and `geom`, a point made by the server from the
//! latitude and longitude. Rows go in by COPY, a batch at a time, in one
//! transaction: a push cut short leaves nothing behind. Then a GiST index
//! on `geom`, a B-tree on the times, and the table's summaries
//! ([`super::rollup`]).

use std::io::Write;

use super::sql::ident;
use super::{Target, connect};
use crate::formats::export;
use crate::store::{Store, TimeKind};

/// Events written per COPY batch.
const BATCH: usize = 20_000;

/// Writes `store` to the table `t` names; a table already there is
/// replaced only when `replace`. `progress(done, total)` hears after each
/// batch. Gives how many events were written.
pub fn push(
    store: &Store,
    t: &Target,
    replace: bool,
    progress: &dyn Fn(usize, usize),
) -> Result<usize, String> {
    if let Some(why) = super::sql::name_problem(&t.table, super::rollup::NAME_ROOM) {
        return Err(why);
    }
    let mut client = connect(t, false)?;
    let explain = |e: postgres::Error| super::explain(&e, t);
    let table = ident(&t.table);
    let exists: bool = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .map_err(explain)?
        .get(0);
    // The summaries go beside it: a table of their names this app did not
    // make is the user's, and stays. (Summaries made before they were
    // marked are known by the trigger this app puts on their table.)
    let ours_before: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) \
             AND tgname = 'incident_map_summaries')",
            &[&table],
        )
        .map_err(explain)?
        .get(0);
    let (times, cells) = super::rollup::names(&t.table);
    for (name, columns) in [
        (times, "incident_start,incident_end,category,n"),
        (cells, "z,cx,cy,category,n,sx,sy"),
    ] {
        let row = client
            .query_one(
                "SELECT to_regclass($1) IS NOT NULL, obj_description(to_regclass($1), 'pg_class'), \
                 (SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute \
                  WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped)",
                &[&ident(&name)],
            )
            .map_err(explain)?;
        let (there, comment, has): (bool, Option<String>, Option<String>) =
            (row.get(0), row.get(1), row.get(2));
        let marked = comment.is_some_and(|c| c.starts_with(super::rollup::MARK));
        // (Made before summaries were marked: our trigger on the table, or
        // exactly our columns.)
        let ours = marked || ours_before || has.as_deref() == Some(columns);
        if there && !ours {
            return Err(format!(
                "{} has a table \"{name}\" that incident-map did not make, where the summaries of \"{}\" go: it is left as it is; push under another name (?table=NEW), or rename that table",
                t.server(),
                t.table
            ));
        }
    }
    if exists && !replace {
        return Err(format!(
            "{} already has a table \"{}\": push again with --replace to overwrite it, or name another (?table=NEW)",
            t.server(),
            t.table
        ));
    }
    let has_postgis: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')",
            &[],
        )
        .map_err(explain)?
        .get(0);
    if !has_postgis {
        return Err(format!(
            "the database at {} has no PostGIS: ask its owner to run CREATE EXTENSION postgis",
            t.server()
        ));
    }
    let n = store.len();
    let table_rows = store.table();
    // Every batch has the same columns: as many passages as the most any
    // event has (the table counted them as it was read).
    let most = table_rows.most_passages;
    let mut columns = export::csv_columns(most);
    columns.extend(["incident_start".to_string(), "incident_end".to_string()]);
    let numbers = ["latitude", "longitude", "uncertainty_m"];
    let defs: Vec<String> = columns
        .iter()
        .map(|c| {
            let kind = if numbers.contains(&c.as_str()) {
                "double precision"
            } else if c.starts_with("incident_") {
                "timestamptz"
            } else {
                "text"
            };
            format!("{} {kind}", ident(c))
        })
        .collect();
    // What pushed tables share on the server, made before (and apart
    // from) this push's own transaction, so that pushes at once do not
    // race on them.
    shared(&mut client, super::rollup::STALE_FUNCTION).map_err(explain)?;
    // Words through a trigram index when the server has pg_trgm (a
    // trusted extension: the owner of a database may add it); without it
    // they are searched row by row, as before.
    let trigrams = shared(&mut client, "CREATE EXTENSION IF NOT EXISTS pg_trgm").is_ok();
    let mut tx = client.transaction().map_err(explain)?;
    if exists {
        tx.batch_execute(&format!("DROP TABLE {table}"))
            .map_err(explain)?;
    }
    tx.batch_execute(&format!(
        "CREATE TABLE {table} ({}, geom geometry(Point, 4326) GENERATED ALWAYS AS \
         (CASE WHEN latitude IS NULL OR longitude IS NULL THEN NULL \
          ELSE ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED, {})",
        defs.join(", "),
        super::sql::words_column_sql()
    ))
    .map_err(explain)?;
    let column_list: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    let copy = format!(
        "COPY {table} ({}) FROM STDIN WITH (FORMAT csv)",
        column_list.join(", ")
    );
    let time = |i: usize| -> Vec<String> {
        let t = table_rows.time(i);
        match t.kind() {
            TimeKind::At | TimeKind::Between => {
                vec![utc(t.start, "-infinity"), utc(t.end, "infinity")]
            }
            TimeKind::Unknown | TimeKind::Disputed => vec![String::new(), String::new()],
        }
    };
    // In time order: the rows of a stretch of time are then together on
    // disk, and the latest of a view (what the app asks for) are read
    // from a few pages, not from all over the table.
    let order = table_rows.by_time();
    // The next batch's rows are made (on every core) while the server
    // takes this one's: making and sending overlap.
    std::thread::scope(|scope| -> Result<(), String> {
        let (rows, made) = std::sync::mpsc::sync_channel::<Result<(usize, Vec<u8>), String>>(1);
        scope.spawn(move || {
            for batch in order.chunks(BATCH) {
                let keep: Vec<usize> = batch.iter().map(|&i| i as usize).collect();
                let mut bytes = Vec::new();
                let r = export::store_csv_rows(store, &keep, most, &mut bytes, |k| time(keep[k]))
                    .map(|()| (keep.len(), bytes));
                let failed = r.is_err();
                // The sender stopped (the server refused): nothing more to make.
                if rows.send(r).is_err() || failed {
                    return;
                }
            }
        });
        let mut done = 0;
        for batch in made {
            let (count, bytes) = batch?;
            let mut writer = tx.copy_in(copy.as_str()).map_err(explain)?;
            writer
                .write_all(&bytes)
                .map_err(|e| format!("writing to {}: {e}", t.server()))?;
            writer.finish().map_err(explain)?;
            done += count;
            progress(done, n);
        }
        Ok(())
    })?;
    let name = super::sql::name_parts(&t.table).pop().unwrap_or_default();
    tx.batch_execute(&format!(
        "CREATE INDEX {} ON {table} USING gist (geom); \
         CREATE INDEX {} ON {table} (incident_start, incident_end); \
         COMMENT ON TABLE {table} IS '{}'",
        ident(&super::sql::join_parts(&[format!("{name}_geom")])),
        ident(&super::sql::join_parts(&[format!("{name}_time")])),
        about(store).replace('\'', "''"),
    ))
    .map_err(explain)?;
    tx.batch_execute(&super::rollup::build_sql(&t.table))
        .map_err(explain)?;
    if trigrams {
        tx.batch_execute("SAVEPOINT words").map_err(explain)?;
        let indexed = tx.batch_execute(&format!(
            "CREATE INDEX {} ON {table} USING gin ({} gin_trgm_ops)",
            ident(&super::sql::join_parts(&[format!("{name}_words")])),
            super::sql::WORDS_COLUMN
        ));
        if indexed.is_err() {
            tx.batch_execute("ROLLBACK TO SAVEPOINT words")
                .map_err(explain)?;
        }
    }
    tx.commit().map_err(explain)?;
    client
        .batch_execute(&format!("ANALYZE {table}"))
        .map_err(explain)?;
    Ok(n)
}

/// Runs `sql` (a server-wide object pushes share) in a transaction of its
/// own, again when another session made it at the same moment (the
/// server's "tuple concurrently updated", or a duplicate name).
fn shared(client: &mut postgres::Client, sql: &str) -> Result<(), postgres::Error> {
    let mut tries = 0;
    loop {
        match client.batch_execute(sql) {
            Err(e)
                if tries < 4
                    && e.as_db_error().is_some_and(|d| {
                        d.code().code() == "23505" || d.message().contains("concurrently")
                    }) =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50 * tries));
            }
            other => return other,
        }
    }
}

/// What the table's comment keeps of the data set beyond its rows: its
/// title and description, the zone its days are in, its categories' ids
/// and colours (read back by `read`).
fn about(store: &Store) -> String {
    let meta = &store.table().meta;
    serde_json::json!({
        "format": super::read::ABOUT,
        "title": meta.title,
        "description": meta.description,
        "time_zone": meta.time_zone,
        "categories": meta.categories,
    })
    .to_string()
}

/// Seconds since 1970 as an ISO time in UTC, or `beyond` out of range.
fn utc(seconds: i64, beyond: &str) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| beyond.to_string(), |t| t.to_string())
}

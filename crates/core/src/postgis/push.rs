//! Any data set written to a new table: the columns of our CSV export
//! (ACLED's names where they mean the same; every passage), plus
//! `incident_start` and `incident_end` (the event's time, UTC; empty when
//! undated or disputed), `incident_search` (its words as the app searches
//! them, see [`super::sql::SEARCH_COLUMN`]), `incident_terms` (their
//! hashes, see [`super::terms`]) and `geom`, a point made by the server
//! from the latitude and longitude. Rows go in by COPY, a batch at a time,
//! into a table of its own beside (`NAME__new`), and the words' vocabulary
//! after them; then, all at once on connections of their own, a GiST index
//! on `geom`, a B-tree on the times, a GIN index on the words' hashes and a
//! trigram index on the vocabulary; then, in one transaction, the table and
//! its vocabulary take their names (those they replace dropped) and the
//! table gets its summaries ([`super::rollup`]). A push cut short leaves
//! the table it replaces as it was, and drops what it made (a push killed
//! leaves `NAME__new`, which the next push to NAME drops).

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
    let vocabulary = super::terms::vocabulary_name(&t.table);
    // (A vocabulary is ours only when marked: each was, from the first.)
    for (name, columns, mark, before) in [
        (
            times,
            "incident_start,incident_end,category,n",
            super::rollup::MARK,
            ours_before,
        ),
        (
            cells,
            "z,cx,cy,category,n,sx,sy",
            super::rollup::MARK,
            ours_before,
        ),
        (vocabulary, "", super::terms::MARK, false),
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
        let marked = comment.is_some_and(|c| c.starts_with(mark));
        // (Made before summaries were marked: our trigger on the table, or
        // exactly our columns.)
        let ours = marked || before || (!columns.is_empty() && has.as_deref() == Some(columns));
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
    columns.extend([
        "incident_start".to_string(),
        "incident_end".to_string(),
        super::sql::SEARCH_COLUMN.to_string(),
        super::terms::TERMS_COLUMN.to_string(),
    ]);
    let numbers = ["latitude", "longitude", "uncertainty_m"];
    let defs: Vec<String> = columns
        .iter()
        .map(|c| {
            let kind = if numbers.contains(&c.as_str()) {
                "double precision"
            } else if c == "incident_start" || c == "incident_end" {
                "timestamptz"
            } else if c == super::terms::TERMS_COLUMN {
                "int4[]"
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
    // The vocabulary through a trigram index when the server has pg_trgm
    // (a trusted extension: the owner of a database may add it); without
    // it the vocabulary (small) is read whole for each word.
    let trigrams = shared(&mut client, "CREATE EXTENSION IF NOT EXISTS pg_trgm").is_ok();
    // One push to a name at a time (they would share the table beside).
    let lock: bool = client
        .query_one("SELECT pg_try_advisory_lock(hashtext($1))", &[&table])
        .map_err(explain)?
        .get(0);
    if !lock {
        return Err(format!(
            "another push to \"{}\" on {} is under way: wait for it to end, or push under another name (?table=NEW)",
            t.table,
            t.server()
        ));
    }
    let mut parts = super::sql::name_parts(&t.table);
    let name = parts.pop().unwrap_or_default();
    let beside = |last: &str| {
        let mut p = parts.clone();
        p.push(last.to_string());
        ident(&super::sql::join_parts(&p))
    };
    let staging = beside(&format!("{name}{STAGING}"));
    // (NULL: no such table; its comment, or '', when there is one.)
    let left: Option<String> = client
        .query_one(
            "SELECT CASE WHEN to_regclass($1) IS NOT NULL \
             THEN coalesce(obj_description(to_regclass($1), 'pg_class'), '') END",
            &[&staging],
        )
        .map_err(explain)?
        .get(0);
    match left {
        Some(comment) if comment != UNDER_WAY => {
            return Err(format!(
                "{} has a table {staging} that incident-map did not make, where a push puts its rows before they take their name: it is left as it is; push under another name (?table=NEW), or rename that table",
                t.server()
            ));
        }
        Some(_) => client
            .batch_execute(&format!("DROP TABLE {staging}"))
            .map_err(explain)?,
        None => {}
    }
    let mut tx = client.transaction().map_err(explain)?;
    tx.batch_execute(&format!(
        "CREATE TABLE {staging} ({}, geom geometry(Point, 4326) GENERATED ALWAYS AS \
         (CASE WHEN latitude IS NULL OR longitude IS NULL THEN NULL \
          ELSE ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED); \
         COMMENT ON TABLE {staging} IS '{UNDER_WAY}'",
        defs.join(", "),
    ))
    .map_err(explain)?;
    let column_list: Vec<String> = columns.iter().map(|c| ident(c)).collect();
    let copy = format!(
        "COPY {staging} ({}) FROM STDIN WITH (FORMAT csv)",
        column_list.join(", ")
    );
    // After the export's columns: the time, the words folded and their
    // hashes (the words counted for the vocabulary).
    let vocabulary = super::terms::Vocabulary::default();
    let extra = |i: usize, words: &export::RowWords| -> Vec<String> {
        let t = table_rows.time(i);
        let mut cells = match t.kind() {
            TimeKind::At | TimeKind::Between => {
                vec![utc(t.start, "-infinity"), utc(t.end, "infinity")]
            }
            TimeKind::Unknown | TimeKind::Disputed => vec![String::new(), String::new()],
        };
        let text = search_text(words);
        let terms = super::terms::row(&text, &vocabulary);
        cells.extend([text, terms]);
        cells
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
                let r = export::store_csv_rows(store, &keep, most, &mut bytes, |k, w| {
                    extra(keep[k], w)
                })
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
    // The words, beside (under a name of this push's own until the end).
    let words = beside(&format!(
        "{}{}",
        mark_of(&staging),
        super::terms::VOCABULARY
    ));
    tx.batch_execute(&format!(
        "DROP TABLE IF EXISTS {words}; CREATE TABLE {words} (term text, hash int4, n int4)"
    ))
    .map_err(explain)?;
    let mut writer = tx
        .copy_in(format!("COPY {words} FROM STDIN").as_str())
        .map_err(explain)?;
    writer
        .write_all(&vocabulary.copy_text())
        .map_err(|e| format!("writing to {}: {e}", t.server()))?;
    writer.finish().map_err(explain)?;
    tx.commit().map_err(explain)?;
    let finished = finish(
        &mut client,
        store,
        t,
        &staging,
        &name,
        &beside,
        exists,
        trigrams,
    );
    if finished.is_err() {
        // What this push made goes; the table it replaces stays.
        let _ = client.batch_execute(&format!(
            "DROP TABLE IF EXISTS {staging}; DROP TABLE IF EXISTS {words}"
        ));
    }
    finished?;
    client
        .batch_execute(&format!("ANALYZE {table}"))
        .map_err(explain)?;
    Ok(n)
}

/// What the names of the indexes and vocabulary of a push to `table`
/// start with until they take their names (`incident_map_` and a hash of
/// its own).
pub fn own_prefix(table: &str) -> String {
    let mut parts = super::sql::name_parts(table);
    let name = parts.pop().unwrap_or_default();
    parts.push(format!("{name}{STAGING}"));
    mark_of(&ident(&super::sql::join_parts(&parts)))
}

/// [`own_prefix`], of `staging` (the name the rows go in under, quoted).
fn mark_of(staging: &str) -> String {
    format!(
        "incident_map_{:016x}",
        std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, staging)
    )
}

/// A name of one part (a dot in it is part of it), quoted.
fn one(name: &str) -> String {
    ident(&super::sql::join_parts(&[name.to_string()]))
}

/// What a push adds to its table's name while the rows go in.
const STAGING: &str = "__new";

/// The comment of a table a push is filling.
const UNDER_WAY: &str = "incident-map push under way";

/// The indexes of the rows in `staging` made at once, each on a session of
/// its own; then, in one transaction, the table `exists` replaced, the
/// rows given its name (`name`, in the schema `beside` names in) and their
/// summaries.
#[allow(clippy::too_many_arguments)]
fn finish(
    client: &mut postgres::Client,
    store: &Store,
    t: &Target,
    staging: &str,
    name: &str,
    beside: &dyn Fn(&str) -> String,
    exists: bool,
    trigrams: bool,
) -> Result<(), String> {
    let explain = |e: postgres::Error| super::explain(&e, t);
    let terms = super::terms::TERMS_COLUMN;
    let vocabulary = super::terms::VOCABULARY;
    // Each index under a name of its own (the table replaced keeps its
    // names until it is dropped), renamed once it is.
    let mark = mark_of(staging);
    let words = beside(&format!("{mark}{vocabulary}"));
    let mut indexes: Vec<(String, String, bool)> = vec![
        (
            format!("{mark}_geom"),
            format!("CREATE INDEX {{}} ON {staging} USING gist (geom)"),
            true,
        ),
        (
            format!("{mark}_time"),
            format!("CREATE INDEX {{}} ON {staging} (incident_start, incident_end)"),
            true,
        ),
    ];
    // The words' hashes (and the rows others add, found beside them).
    indexes.push((
        format!("{mark}_words"),
        format!("CREATE INDEX {{}} ON {staging} USING gin ({terms})"),
        false,
    ));
    indexes.push((
        format!("{mark}_bare"),
        format!("CREATE INDEX {{}} ON {staging} (id) WHERE {terms} IS NULL"),
        false,
    ));
    if trigrams {
        indexes.push((
            format!("{mark}{vocabulary}_term"),
            format!("CREATE INDEX {{}} ON {words} USING gin (term gin_trgm_ops)"),
            false,
        ));
    }
    // The words' index first: it takes longest.
    indexes.sort_by_key(|(_, _, needed)| *needed);
    let sessions = indexes.len();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let made: Vec<Result<Vec<(usize, bool)>, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..sessions)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<(usize, bool)>, String> {
                    let mut session = super::connect(t, false)?;
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((index, sql, needed)) = indexes.get(k) else {
                            return Ok(done);
                        };
                        let r = session.batch_execute(&sql.replace("{}", &ident(index)));
                        match r {
                            Ok(()) => done.push((k, true)),
                            Err(e) if *needed => return Err(super::explain(&e, t)),
                            // Words without an index: searched row by row.
                            Err(_) => done.push((k, false)),
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err("an index build failed".into()))
            })
            .collect()
    });
    let mut built = vec![false; indexes.len()];
    for m in made {
        for (k, ok) in m? {
            built[k] = ok;
        }
    }
    let table = ident(&t.table);
    let named_words = ident(&super::terms::vocabulary_name(&t.table));
    let mut sql = String::new();
    if exists {
        sql.push_str(&format!("DROP TABLE {table}; "));
    }
    sql.push_str(&format!(
        "DROP TABLE IF EXISTS {named_words}; \
         ALTER TABLE {staging} RENAME TO {}; COMMENT ON TABLE {table} IS {}; \
         ALTER TABLE {words} RENAME TO {}; COMMENT ON TABLE {named_words} IS {}; ",
        one(name),
        super::sql::literal(&about(store)),
        one(&format!("{name}{vocabulary}")),
        super::sql::literal(&format!("{}{}", super::terms::MARK, t.table)),
    ));
    for ((index, _, _), ok) in indexes.iter().zip(built) {
        if ok {
            let suffix = index.strip_prefix(&mark).unwrap_or(index);
            sql.push_str(&format!(
                "ALTER INDEX {} RENAME TO {}; ",
                beside(index),
                one(&format!("{name}{suffix}"))
            ));
        }
    }
    let mut tx = client.transaction().map_err(explain)?;
    tx.batch_execute(&sql).map_err(explain)?;
    tx.batch_execute(&super::rollup::build_sql(&t.table))
        .map_err(explain)?;
    tx.commit().map_err(explain)
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

/// An event's words as the app's search reads them, folded, one line
/// each (a NUL, which a text on the server may not hold, as a space).
fn search_text(words: &export::RowWords) -> String {
    let mut searched = crate::store::Searched::default();
    words.searched(&mut searched);
    let mut folded = Vec::with_capacity(searched.text.len());
    crate::filter::fold_bytes(&searched.text, &mut folded);
    for b in &mut folded {
        if *b == 0 {
            *b = b' ';
        }
    }
    String::from_utf8(folded).unwrap_or_default()
}

/// Seconds since 1970 as an ISO time in UTC, or `beyond` out of range.
fn utc(seconds: i64, beyond: &str) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| beyond.to_string(), |t| t.to_string())
}

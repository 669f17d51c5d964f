//! A pushed table's summaries: what a view asks most (the whole table or
//! a window of it, some categories hidden) answered without reading its
//! rows. `NAME__times` counts the rows by start, end and category: the
//! time histogram, the counts by category and the count in all, under a
//! window and hidden categories, are sums over it (as exact as the rows:
//! a row of it is rows of equal times and category). `NAME__cells` counts
//! them by the map's cells at zooms 0 to [`ZOOM`] and category, with the
//! sums of their positions: a view's cells at those zooms under hidden
//! categories. `push` makes both in its transaction, and a trigger that
//! drops them when the table changes (then every question asks the
//! table); a question they cannot answer (words, actors, precision, a
//! box; a window on the map) asks the table.

use postgres::Client;

use super::Target;
use super::sql::{Clause, ident};
use super::view::{CellCount, Rows, cell_counts, positions};
use crate::filter::Filter;
use crate::markers::{cells_per_side, mercator};
use crate::model::BBox;

/// The deepest zoom the cells are counted at; deeper views ask the table
/// (through its GiST index: a view that deep holds a small part of the world).
pub const ZOOM: u8 = 8;

/// How the summaries this app makes are marked (their tables' comment
/// begins so): a table of that name not so marked is the user's, never
/// dropped.
pub const MARK: &str = "incident-map summary of ";

/// The summaries' names beside `table` (in its schema).
pub fn names(table: &str) -> (String, String) {
    let beside = |suffix: &str| {
        let mut parts = super::sql::name_parts(table);
        if let Some(last) = parts.last_mut() {
            last.push_str(suffix);
        }
        super::sql::join_parts(&parts)
    };
    (beside("__times"), beside("__cells"))
}

/// Bytes the summaries add to their table's name.
pub const NAME_ROOM: usize = "__times".len();

/// The SQL that makes the summaries of `table` (its name as given).
pub fn build_sql(table: &str) -> String {
    let (times, cells) = names(table);
    let (t, times, cells) = (ident(table), ident(&times), ident(&cells));
    let deepest = cells_per_side(ZOOM);
    let mut sql = format!(
        "DROP TABLE IF EXISTS {times}; DROP TABLE IF EXISTS {cells}; \
         CREATE TABLE {times} AS SELECT incident_start, incident_end, category, count(*) AS n \
           FROM {t} GROUP BY 1, 2, 3; \
         CREATE INDEX ON {times} (incident_start, incident_end); \
         CREATE TABLE {cells} AS SELECT {ZOOM}::smallint AS z, \
           LEAST(trunc(x * {deepest})::int, {last}) AS cx, LEAST(trunc(y * {deepest})::int, {last}) AS cy, \
           category, count(*) AS n, sum(x) AS sx, sum(y) AS sy \
           FROM ({p}) AS p GROUP BY 2, 3, 4; ",
        p = positions(&t, "TRUE", ", category"),
        last = deepest - 1,
    );
    for z in (0..ZOOM).rev() {
        sql.push_str(&format!(
            "INSERT INTO {cells} SELECT {z}, cx >> 1, cy >> 1, category, sum(n), sum(sx), sum(sy) \
             FROM {cells} WHERE z = {} GROUP BY 2, 3, 4; ",
            z + 1
        ));
    }
    sql.push_str(&format!(
        "CREATE INDEX ON {cells} (z, cx, cy); ANALYZE {times}; ANALYZE {cells}; \
         COMMENT ON TABLE {times} IS {mark}; COMMENT ON TABLE {cells} IS {mark}; ",
        mark = super::sql::literal(&format!("{MARK}{table}")),
    ));
    // Any change to the table drops its summaries: a question they no
    // longer answer goes to the table's rows, never to stale counts.
    // (The function it calls is made once, apart: [`STALE_FUNCTION`].)
    sql.push_str(&format!(
        "DROP TRIGGER IF EXISTS incident_map_summaries ON {t}; \
         CREATE TRIGGER incident_map_summaries AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} \
           FOR EACH STATEMENT EXECUTE FUNCTION incident_map_summaries_stale();"
    ));
    sql
}

/// The trigger function every pushed table's summaries share: made in a
/// transaction of its own before a push (two pushes at once would race
/// on it inside theirs: "tuple concurrently updated").
pub const STALE_FUNCTION: &str = "CREATE OR REPLACE FUNCTION incident_map_summaries_stale() RETURNS trigger LANGUAGE plpgsql AS $stale$ \
     BEGIN EXECUTE format('DROP TABLE IF EXISTS %I.%I, %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME || '__times', \
                          TG_TABLE_SCHEMA, TG_TABLE_NAME || '__cells'); RETURN NULL; END $stale$";

/// Whether `t`'s table has its summaries.
pub fn present(client: &mut Client, t: &Target) -> Result<bool, String> {
    let (times, cells) = names(&t.table);
    let row = client
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL",
            &[&ident(&times), &ident(&cells)],
        )
        .map_err(|e| super::explain(&e, t))?;
    Ok(row.get(0))
}

/// Whether the times summary answers `filter`: it asks only for a window
/// and hidden categories.
pub fn answers_times(filter: &Filter) -> bool {
    let only = Filter {
        window: None,
        include_undated: filter.include_undated,
        hidden_categories: Default::default(),
        ..filter.clone()
    };
    only == Filter {
        include_undated: filter.include_undated,
        ..Filter::default()
    }
}

/// Whether the cells summary answers `filter` at `zoom`: no more than
/// hidden categories, at a zoom it counts.
pub fn answers_cells(filter: &Filter, zoom: u8) -> bool {
    zoom <= ZOOM && filter.window.is_none() && answers_times(filter)
}

/// The times summary's rows, counted by their `n`.
pub(super) fn times(t: &Target) -> Rows {
    Rows {
        table: ident(&names(&t.table).0),
        count: "sum(n)",
    }
}

/// The cells of the rows `clause` lets through (only hidden categories:
/// see [`answers_cells`]) at `zoom`, in the cells `view` touches.
pub fn sum_cells(
    client: &mut Client,
    t: &Target,
    clause: &Clause,
    zoom: u8,
    view: Option<BBox>,
) -> Result<Vec<CellCount>, String> {
    let n = cells_per_side(zoom) as f64;
    let mut within = String::new();
    if let Some(b) = view {
        // The cells the box's corners are in, and those between.
        let sw = mercator(b.sw);
        let ne = mercator(b.ne);
        let cell = |v: f64| ((v * n) as i64).clamp(0, n as i64 - 1);
        within = format!(
            " AND cx BETWEEN {} AND {} AND cy BETWEEN {} AND {}",
            cell(sw[0]),
            cell(ne[0]),
            cell(ne[1]),
            cell(sw[1])
        );
    }
    let query = format!(
        "SELECT cx::bigint, cy::bigint, sum(n)::bigint, sum(sx) / sum(n), sum(sy) / sum(n) FROM {} \
         WHERE z = {zoom}{within} AND ({}) GROUP BY 1, 2",
        ident(&names(&t.table).1),
        clause.sql
    );
    Ok(cell_counts(&super::rows(client, t, &query, clause)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summaries_answer_a_window_and_hidden_categories_only() {
        let hidden = Filter {
            hidden_categories: ["riots".to_string()].into(),
            include_undated: true,
            ..Filter::default()
        };
        assert!(answers_times(&Filter::default()));
        assert!(answers_times(&hidden));
        assert!(answers_cells(&hidden, ZOOM));
        assert!(!answers_cells(&hidden, ZOOM + 1), "deeper: the table");
        let window = Filter {
            window: Some((0, 86_400)),
            ..hidden.clone()
        };
        assert!(answers_times(&window));
        assert!(!answers_cells(&window, 2), "the cells keep no time");
        for other in [
            Filter {
                text: "clash".into(),
                ..Filter::default()
            },
            Filter {
                actors: vec!["police".into()],
                ..Filter::default()
            },
            Filter {
                precisions: [crate::model::Precision::Town].into(),
                ..Filter::default()
            },
            Filter {
                bbox: Some(BBox::WORLD),
                ..Filter::default()
            },
        ] {
            assert!(!answers_times(&other), "{other:?}");
            assert!(!answers_cells(&other, 2), "{other:?}");
        }
        let sql = build_sql("public.acled");
        assert!(sql.contains("\"public\".\"acled__times\""), "{sql}");
        assert!(
            sql.contains("WHERE z = 1 GROUP BY"),
            "every zoom from the one below"
        );
        assert!(
            sql.contains("ON \"public\".\"acled\""),
            "the trigger on the table"
        );
    }
}

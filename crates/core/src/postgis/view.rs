//! What one view of the map asks a server for, instead of every row: the
//! events shown, counted by the map's cells at the view's zoom (the cells
//! [`crate::markers::MarkerIndex`] clusters by, worked out by the server
//! with the same arithmetic: Web Mercator, 64-pixel cells), with each
//! cell's mean position for its bubble.

use postgres::Client;

use super::Target;
use super::sql::{Clause, Param, ident};
use crate::markers::{cell_of, cells_per_side};
use crate::model::BBox;

/// One cell of a view with events in it.
#[derive(Debug, Clone, PartialEq)]
pub struct CellCount {
    /// The cell's key at the zoom asked for ([`crate::markers::cell_key`]).
    pub key: u64,
    pub count: u64,
    /// The mean Web Mercator position of its events.
    pub at: [f64; 2],
}

/// The cells at `zoom` of the events `clause` lets through, within `view`
/// when given, by the server. Points are taken at the precision the app
/// keeps them in (single precision), so a cell holds what it holds in memory.
pub fn count_cells(
    client: &mut Client,
    t: &Target,
    clause: &Clause,
    zoom: u8,
    view: Option<BBox>,
) -> Result<Vec<CellCount>, String> {
    let mut clause = clause.clone();
    let mut within = String::new();
    if let Some(b) = view {
        within = format!(" AND {}", clause.envelope(b));
    }
    let n = cells_per_side(zoom);
    let query = format!(
        "WITH p AS ({}) \
         SELECT LEAST(trunc(x * {n})::bigint, {last}), LEAST(trunc(y * {n})::bigint, {last}), count(*), avg(x), avg(y) \
         FROM p GROUP BY 1, 2",
        positions(&ident(&t.table), &format!("({}){within}", clause.sql), ""),
        last = n - 1,
    );
    Ok(cell_counts(&super::rows(client, t, &query, &clause)?))
}

/// Cells from rows of (column, row, count, mean x, mean y).
pub(super) fn cell_counts(rows: &[postgres::Row]) -> Vec<CellCount> {
    rows.iter()
        .map(|r| {
            let (x, y): (i64, i64) = (r.get(0), r.get(1));
            CellCount {
                key: cell_of(x as u64, y as u64),
                count: r.get::<_, i64>(2) as u64,
                at: [r.get(3), r.get(4)],
            }
        })
        .collect()
}

/// The Web Mercator position (`x`, `y`, 0–1) of each row of `table` with a
/// point that `condition` lets through, and its columns `more` (", a, b"):
/// as [`crate::markers::mercator`] works it out, step by step, from the
/// point at the precision the app keeps it (single).
pub(super) fn positions(table: &str, condition: &str, more: &str) -> String {
    format!(
        "SELECT \
           LEAST(GREATEST((longitude::real::float8 + 180.0) / 360.0, 0.0), 1.0) AS x, \
           LEAST(GREATEST((1.0 - 0.5 * ln((1.0 + s) / (1.0 - s)) / pi()) / 2.0, 0.0), 1.0) AS y{more} \
         FROM (SELECT longitude, sin(radians(LEAST(GREATEST(latitude::real::float8, -85.05112878), 85.05112878))) AS s{more} \
               FROM {table} WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND {condition}) AS q"
    )
}

/// The time histogram of the events `clause` lets through (give it the
/// filter without its window: the histogram is what the window is chosen
/// on), over `bins` (a table's [`crate::histogram::TimeBins`], or
/// [`crate::histogram::bins`] of the span the server reports), counted by
/// the server: each event's first and last bin by `width_bucket`, grouped
/// with its category.
pub fn histogram(
    client: &mut Client,
    t: &Target,
    clause: &Clause,
    size: crate::histogram::BinSize,
    edges: &[i64],
    categories: &[crate::model::Category],
) -> Result<crate::histogram::Histogram, String> {
    histogram_in(client, t, &Rows::of(t), clause, size, edges, categories)
}

/// Where a question's rows are counted: a table's rows (`count(*)`), or a
/// summary's rows that each stand for `n` of them (`sum(n)`).
pub(super) struct Rows {
    /// The table, quoted.
    pub table: String,
    /// How its rows are counted.
    pub count: &'static str,
}

impl Rows {
    /// The rows of `t`'s table itself.
    pub fn of(t: &Target) -> Rows {
        Rows {
            table: ident(&t.table),
            count: "count(*)",
        }
    }
}

/// [`histogram`], of `rows`.
pub(super) fn histogram_in(
    client: &mut Client,
    t: &Target,
    rows: &Rows,
    clause: &Clause,
    size: crate::histogram::BinSize,
    edges: &[i64],
    categories: &[crate::model::Category],
) -> Result<crate::histogram::Histogram, String> {
    let nbins = edges.len().saturating_sub(1);
    if nbins == 0 {
        return Err("no bins to count in".into());
    }
    let base = clause;
    let mut clause = clause.clone();
    clause
        .params
        .push(Param::Floats(edges.iter().map(|&e| e as f64).collect()));
    let e = clause.params.len();
    let last = nbins - 1;
    let bin = |column: &str| {
        format!(
            "LEAST(GREATEST(width_bucket(extract(epoch FROM {column})::float8, ${e}) - 1, 0), {last})"
        )
    };
    let query = format!(
        "SELECT {}, {}, category, {}::bigint FROM {} WHERE incident_start IS NOT NULL AND ({}) GROUP BY 1, 2, 3",
        bin("incident_start"),
        bin("incident_end"),
        rows.count,
        rows.table,
        clause.sql
    );
    let source = rows;
    let rows = super::rows(client, t, &query, &clause)?;
    let ncat = categories.len().min(crate::histogram::MAX_CATEGORIES);
    let width = ncat + 1;
    let mut by_category = vec![0u32; nbins * width];
    let mut steps = vec![0i64; nbins + 1];
    for r in &rows {
        let (a, b): (i32, i32) = (r.get(0), r.get(1));
        let (a, b) = (a as usize, b as usize);
        let label: Option<String> = r.get(2);
        let count = r.get::<_, i64>(3);
        let column = label
            .and_then(|l| categories.iter().position(|c| c.label == l))
            .filter(|&k| k < ncat)
            .unwrap_or(ncat);
        if a == b {
            by_category[a * width + column] += count as u32;
        } else {
            steps[a] += count;
            steps[b + 1] -= count;
        }
    }
    let undated = count_in(
        client,
        t,
        source,
        &Clause {
            sql: format!("incident_start IS NULL AND ({})", base.sql),
            params: base.params.clone(),
            through_words: base.through_words,
        },
    )?;
    Ok(crate::histogram::Histogram::assemble(
        size,
        edges.to_vec(),
        ncat,
        by_category,
        steps,
        undated as u32,
    ))
}

/// How many of `rows` the clause lets through.
pub(super) fn count_in(
    client: &mut Client,
    t: &Target,
    rows: &Rows,
    c: &Clause,
) -> Result<i64, String> {
    let query = format!(
        "SELECT coalesce({}, 0)::bigint FROM {} WHERE {}",
        rows.count, rows.table, c.sql
    );
    Ok(super::rows(client, t, &query, c)?
        .first()
        .map_or(0, |r| r.get(0)))
}

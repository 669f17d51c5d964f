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
pub fn cells(
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
    // As `markers::mercator` does it, step by step.
    let query = format!(
        "WITH p AS (SELECT \
           LEAST(GREATEST((longitude::real::float8 + 180.0) / 360.0, 0.0), 1.0) AS x, \
           LEAST(GREATEST((1.0 - 0.5 * ln((1.0 + s) / (1.0 - s)) / pi()) / 2.0, 0.0), 1.0) AS y \
           FROM (SELECT longitude, sin(radians(LEAST(GREATEST(latitude::real::float8, -85.05112878), 85.05112878))) AS s \
                 FROM {table} WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND ({where}){within}) AS q) \
         SELECT LEAST(trunc(x * {n})::bigint, {last}), LEAST(trunc(y * {n})::bigint, {last}), count(*), avg(x), avg(y) \
         FROM p GROUP BY 1, 2",
        table = ident(&t.table),
        where = clause.sql,
        last = n - 1,
    );
    let rows = super::rows(client, t, &query, &clause)?;
    Ok(rows
        .iter()
        .map(|r| {
            let (x, y): (i64, i64) = (r.get(0), r.get(1));
            CellCount {
                key: cell_of(x as u64, y as u64),
                count: r.get::<_, i64>(2) as u64,
                at: [r.get(3), r.get(4)],
            }
        })
        .collect())
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
        "SELECT {}, {}, category, count(*) FROM {} WHERE incident_start IS NOT NULL AND ({}) GROUP BY 1, 2, 3",
        bin("incident_start"),
        bin("incident_end"),
        ident(&t.table),
        clause.sql
    );
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
    let undated = super::count(
        client,
        t,
        &Clause {
            sql: format!("incident_start IS NULL AND ({})", base.sql),
            params: base.params.clone(),
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

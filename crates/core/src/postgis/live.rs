//! A pushed table too large to read whole, asked per view instead: for
//! each view of the map, the server counts the events in the view's cells
//! at its zoom (what the map draws while many are in view) and sends the
//! latest [`PAGE`] of them in full (what the timeline lists and a marker
//! click opens; every one of them when the view holds no more); the time
//! histogram and the counts by category are counted by the server under
//! the filter. The app asks on a thread of its own, cancels what the view
//! has moved on from, and keeps answers per view ([`Ask`] is the key).

use postgres::Client;

use super::read::{About, Described, describe, select_list};
use super::sql::{Clause, ident};
use super::view::{CellCount, Rows, count_in};
use super::{Target, connect};
use crate::filter::Filter;
use crate::formats::Loaded;
use crate::histogram::Histogram;
use crate::model::{BBox, Category};

/// At most this many events of a view are sent in full.
pub const PAGE: usize = 10_000;

/// The longest a view's question may take on the server.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A pushed table of more rows than this (as the server estimates) is
/// asked per view unless its URL says `live=off`.
pub const LIVE_ABOVE: f64 = 250_000.0;

/// A pushed table, asked per view.
pub struct Live {
    pub target: Target,
    /// What to ask for each row, as the reader of a whole table does.
    select: String,
    about: About,
    categories: Vec<Category>,
    /// Where the table keeps its words (push's folded words, through
    /// the index of their hashes, on tables pushed since they were added).
    words: super::sql::Words,
    /// What the table's vocabulary said of each run of words searched.
    vocabulary: std::sync::Mutex<super::terms::Cache>,
    /// Rows, as the server estimated them when the table was opened.
    pub estimate: u64,
    /// The first and last start of an event, seconds (UTC).
    pub span: Option<(i64, i64)>,
    /// The table has its summaries ([`super::rollup`]).
    pub summarised: bool,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Live({}, ~{} rows)", self.target.shown, self.estimate)
    }
}

/// What one view asks: the events under `filter` in `view` (`None`: the
/// whole world, with the events that have no place), counted by the
/// cells of `zoom`. Equal asks have equal answers: the app's cache key.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub filter: Filter,
    pub zoom: u8,
    pub view: Option<BBox>,
}

/// The answer to an [`Ask`].
pub struct Answer {
    /// The latest [`PAGE`] events in view, in full, read as a table is.
    pub page: Loaded,
    /// The page holds every event in view.
    pub complete: bool,
    /// The events in view, by the cells of the zoom asked for.
    pub cells: Vec<CellCount>,
    /// How many events are in view (with a place, unless the view is the world).
    pub in_view: u64,
}

impl Live {
    /// The table `t` names, when it is to be asked per view: a table
    /// written by `push` (its helper columns and comment) of more than
    /// [`LIVE_ABOVE`] rows, or any pushed table when its URL says
    /// `live=on`. `None`: read it whole.
    pub fn open(t: &Target) -> Result<Option<Live>, String> {
        if t.live == Some(false) {
            return Ok(None);
        }
        let mut client = connect(t, true)?;
        let Described {
            columns,
            about,
            estimate,
        } = describe(&mut client, t)?;
        let has = |name: &str| columns.iter().any(|(n, _)| n == name);
        let about = About::read(about.as_deref())
            .filter(|_| has("incident_start") && has("incident_end") && has("geom"));
        let Some(about) = about else {
            return match t.live {
                Some(true) => Err(format!(
                    "live=on needs a table written by `incident-map push` (its incident_start, incident_end and geom columns and its comment); \"{}\" is not one: open it without live=on to read it whole",
                    t.table
                )),
                _ => Ok(None),
            };
        };
        if t.live.is_none() && estimate <= LIVE_ABOVE {
            return Ok(None);
        }
        let span = client
            .query_one(
                &format!(
                    "SELECT extract(epoch FROM min(incident_start))::float8, extract(epoch FROM max(incident_start))::float8 FROM {}",
                    ident(&t.table)
                ),
                &[],
            )
            .map_err(|e| super::explain(&e, t))?;
        let span = match (span.get::<_, Option<f64>>(0), span.get::<_, Option<f64>>(1)) {
            (Some(a), Some(b)) => Some((a as i64, b as i64)),
            _ => None,
        };
        let summarised = super::rollup::present(&mut client, t)?;
        Ok(Some(Live {
            words: super::sql::Words::of(has),
            vocabulary: Default::default(),
            summarised,
            target: t.clone(),
            select: select_list(&columns),
            categories: about.categories(),
            about,
            estimate: estimate as u64,
            span,
        }))
    }

    /// A session to ask on: read-only, and a question that takes longer
    /// than [`TIMEOUT`] is stopped by the server.
    pub fn connect(&self) -> Result<Client, String> {
        let mut client = connect(&self.target, true)?;
        client
            .batch_execute(&format!(
                "SET statement_timeout = {}",
                self.target.statement_timeout.unwrap_or(TIMEOUT).as_millis()
            ))
            .map_err(|e| super::explain(&e, &self.target))?;
        Ok(client)
    }

    /// The table's data set's categories, in its order.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The data set's title, as pushed.
    pub fn title(&self) -> Option<&str> {
        self.about.title.as_deref()
    }

    /// `filter` as the table's clause (whether the table can answer it).
    pub fn clause(&self, filter: &Filter) -> Result<Clause, String> {
        super::sql::clause_over(filter, &self.categories, self.words, &Default::default())
    }

    /// `filter` as the table's clause, its words through their index
    /// (looked up in the table's vocabulary, once per run).
    fn clause_on(&self, client: &mut Client, filter: &Filter) -> Result<Clause, String> {
        let mut known = super::terms::Known::new();
        if self.words == super::sql::Words::Terms && !filter.text.trim().is_empty() {
            let mut cache = self.vocabulary.lock().unwrap_or_else(|e| e.into_inner());
            known = super::terms::look_up(client, &self.target.table, &filter.text, &mut cache)
                .map_err(|e| super::explain(&e, &self.target))?;
        }
        super::sql::clause_over(filter, &self.categories, self.words, &known)
    }

    /// Where the rows `filter` lets through are counted: the times
    /// summary when it answers the filter, else the table.
    fn counted(&self, filter: &Filter) -> Rows {
        if self.summarised && super::rollup::answers_times(filter) {
            super::rollup::times(&self.target)
        } else {
            Rows::of(&self.target)
        }
    }

    /// How many rows `filter` lets through.
    pub fn count(&self, client: &mut Client, filter: &Filter) -> Result<u64, String> {
        let c = self.clause_on(client, filter)?;
        count_in(client, &self.target, &self.counted(filter), &c).map(|n| n as u64)
    }

    /// What the view `ask` shows.
    pub fn answer(&self, client: &mut Client, ask: &Ask) -> Result<Answer, String> {
        let clause = self.clause_on(client, &ask.filter)?;
        let cells = if self.summarised && super::rollup::answers_cells(&ask.filter, ask.zoom) {
            super::rollup::sum_cells(client, &self.target, &clause, ask.zoom, ask.view)?
        } else {
            super::view::count_cells(client, &self.target, &clause, ask.zoom, ask.view)?
        };
        let in_view = match ask.view {
            Some(_) => cells.iter().map(|c| c.count).sum(),
            None => self.count(client, &ask.filter)?,
        };
        let page = self.page(client, &clause, ask.view)?;
        let sent = page.store.as_ref().map_or(0, |s| s.len());
        // A page not full holds every event in view (the cells of a
        // summary may count a little beyond the view's edges).
        let complete = sent < PAGE || sent as u64 >= in_view;
        let in_view = if complete { sent as u64 } else { in_view };
        Ok(Answer {
            page,
            complete,
            cells,
            in_view,
        })
    }

    /// The latest [`PAGE`] events the clause lets through in `view`, read
    /// as the table's rows are when it is read whole.
    pub fn page(
        &self,
        client: &mut Client,
        clause: &Clause,
        view: Option<BBox>,
    ) -> Result<Loaded, String> {
        let mut clause = clause.clone();
        let within = match view {
            Some(b) => format!(" AND {}", clause.envelope(b)),
            None => String::new(),
        };
        // The latest first, by the time index (read backwards); the
        // undated after them, only when the dated do not fill the page.
        let (select, table, sql) = (&self.select, ident(&self.target.table), &clause.sql);
        let query = format!(
            "(SELECT {select} FROM {table} WHERE ({sql}){within} AND incident_start IS NOT NULL ORDER BY incident_start DESC LIMIT {PAGE}) \
             UNION ALL (SELECT {select} FROM {table} WHERE ({sql}){within} AND incident_start IS NULL LIMIT {PAGE}) LIMIT {PAGE}"
        );
        let explain = |e: postgres::Error| super::explain(&e, &self.target);
        let statement = client.prepare(&query).map_err(explain)?;
        let params = super::params(&clause);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p.as_ref()).collect();
        let rows = super::query_clause(client, &statement, &clause, &refs).map_err(explain)?;
        let mut csv = csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = statement.columns().iter().map(|c| c.name()).collect();
        let failed = |e: csv::Error| format!("writing a page of rows: {e}");
        csv.write_record(&header).map_err(failed)?;
        for row in &rows {
            for i in 0..row.len() {
                let number: String;
                // Text as it is (the columns are asked for as text); a
                // number (a geometry's latitude and longitude) written out.
                let field = match row.try_get::<_, Option<&str>>(i) {
                    Ok(text) => text.unwrap_or_default(),
                    Err(_) => {
                        number = row
                            .try_get::<_, Option<f64>>(i)
                            .ok()
                            .flatten()
                            .map(|f| f.to_string())
                            .unwrap_or_default();
                        number.as_str()
                    }
                };
                csv.write_field(field).map_err(failed)?;
            }
            csv.write_record(None::<&[u8]>).map_err(failed)?;
        }
        let bytes = csv.into_inner().map_err(|e| e.to_string())?;
        let path = std::path::PathBuf::from(&self.target.shown);
        let mut loaded =
            crate::formats::load_owned(&path, bytes, None, self.about.time_zone.as_deref())
                .map_err(|_| "cancelled".to_string())?;
        if let Some(store) = loaded.store.as_mut() {
            self.about.apply(store);
            store.use_categories(&self.categories);
        }
        Ok(loaded)
    }

    /// The time histogram under `filter` (its window aside: the histogram
    /// is what a window is chosen on), over bins of the table's span.
    pub fn histogram(&self, client: &mut Client, filter: &Filter) -> Result<Histogram, String> {
        let mut base = filter.clone();
        base.window = None;
        base.include_undated = true;
        let tz = self
            .about
            .time_zone
            .as_deref()
            .and_then(|z| jiff::tz::TimeZone::get(z).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let Some((first, last)) = self.span else {
            return Ok(Histogram::default());
        };
        let (size, edges) = crate::histogram::bins(first, last, &tz);
        let clause = self.clause_on(client, &base)?;
        super::view::histogram_in(
            client,
            &self.target,
            &self.counted(&base),
            &clause,
            size,
            &edges,
            &self.categories,
        )
    }

    /// How many events each category has under `filter`, by the index of
    /// [`Live::categories`], and the events with none.
    pub fn category_counts(
        &self,
        client: &mut Client,
        filter: &Filter,
    ) -> Result<(Vec<u32>, u32), String> {
        let c = self.clause_on(client, filter)?;
        let rows = self.counted(filter);
        let query = format!(
            "SELECT category, {}::bigint FROM {} WHERE {} GROUP BY 1",
            rows.count, rows.table, c.sql
        );
        let rows = super::rows(client, &self.target, &query, &c)?;
        let mut counts = vec![0u32; self.categories.len()];
        let mut none = 0;
        for r in &rows {
            let label: Option<String> = r.get(0);
            let n = r.get::<_, i64>(1) as u32;
            match label.and_then(|l| self.categories.iter().position(|k| k.label == l)) {
                Some(k) => counts[k] += n,
                None => none += n,
            }
        }
        Ok((counts, none))
    }
}

/// Stops the question a session is asking (a view moved on).
pub fn cancel(token: &postgres::CancelToken) {
    let _ = token.cancel_query(postgres::NoTls);
}

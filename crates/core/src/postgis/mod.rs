//! Incident data in a PostgreSQL/PostGIS table, opened as a file is:
//! anywhere a file is accepted, `postgresql://HOST/DB?table=NAME` is too.
//! `target` reads the URL and finds the credentials where libpq does;
//! `read` asks the server for the table as CSV (its geometry as latitude
//! and longitude, its times in UTC) and reads that with the CSV reader,
//! the same vocabulary of columns; `push` writes any data set to a new
//! table (COPY in batches, a GiST index on its points, a B-tree on its
//! times, an index of its words' hashes and their vocabulary: `terms`);
//! `sql` turns a [`crate::filter::Filter`] into the `WHERE` clause
//! that asks a pushed table for what the filter shows; `view` asks what one
//! view of the map needs (its cells' counts, the time histogram) of the
//! server instead of every row; `live` asks it per view for a table too
//! large to read whole; `rollup` keeps the counts a view asks most, made
//! by `push`, so those questions do not read every row.

pub mod live;
mod push;
mod read;
pub mod rollup;
pub mod sql;
mod target;
pub mod terms;
pub mod view;

use std::sync::Arc;

use postgres::NoTls;
use postgres::config::SslMode;

pub use postgres::{CancelToken, Client};
pub use push::{own_prefix, push};
pub use read::{load, text_size};
pub use target::{Env, Target, hide_secrets, is_url, remember_secrets_of};

/// Connects to `t`'s server; `read_only` makes every transaction of the
/// session read-only. TLS as the server offers it (`sslmode=prefer`, the
/// default), requires it (`require`) or never (`disable`); a certificate
/// is checked against the system's authorities.
///
/// Every wait is bounded: the whole handshake by `connect_timeout` (a
/// server that accepts and never answers is given up on, not only one that
/// cannot be reached), each statement by `statement_timeout` and a wait
/// for a lock by `lock_timeout` (see [`Target`]), each said by name when
/// hit, with how to raise it.
pub fn connect(t: &Target, read_only: bool) -> Result<Client, String> {
    let mut config = t.config.clone();
    let mut options = config.get_options().unwrap_or_default().to_string();
    options.push_str(&format!(
        " -c statement_timeout={} -c lock_timeout={}",
        t.statement_timeout
            .unwrap_or(if read_only {
                target::STATEMENT_TIMEOUT
            } else {
                std::time::Duration::ZERO
            })
            .as_millis(),
        t.lock_timeout.as_millis()
    ));
    if read_only {
        options.push_str(" -c default_transaction_read_only=on");
    }
    config.options(options.trim());
    let limit = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(std::time::Duration::from_secs(10));
    let (send, answer) = std::sync::mpsc::channel();
    // The client's own timeout covers reaching the server, not a server
    // that accepts and then says nothing: the handshake runs on a thread of
    // its own, given up on (and left to the operating system) at the limit.
    let handshake = std::thread::Builder::new()
        .name("postgis-connect".into())
        .spawn(move || {
            let result = match config.get_ssl_mode() {
                SslMode::Disable => config.connect(NoTls),
                mode => match config.connect(tls()) {
                    // Prefer, as libpq does: a server whose certificate cannot
                    // be checked is still reached without TLS.
                    Err(e) if mode == SslMode::Prefer && is_tls_error(&e) => config.connect(NoTls),
                    other => other,
                },
            };
            let _ = send.send(result);
        });
    if let Err(e) = handshake {
        return Err(format!("cannot start a connection: {e}"));
    }
    // A little beyond the limit, so that the client's own timeout (a
    // server that cannot be reached) is the one said when it applies.
    match answer.recv_timeout(limit + std::time::Duration::from_millis(500)) {
        Ok(result) => result.map_err(|e| explain(&e, t)),
        Err(_) => Err(format!(
            "the server at {} accepted the connection but did not answer within {} s (connect_timeout); add connect_timeout=SECONDS to the URL, or set PGCONNECT_TIMEOUT, to wait longer",
            t.server(),
            limit.as_secs()
        )),
    }
}

fn tls() -> tokio_postgres_rustls::MakeRustlsConnect {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_postgres_rustls::MakeRustlsConnect::new(config)
}

fn is_tls_error(e: &postgres::Error) -> bool {
    let text = format!("{e:?}").to_lowercase();
    text.contains("certificate") || text.contains("tls")
}

/// What went wrong with `t`, in words a user can act on.
pub fn explain(e: &postgres::Error, t: &Target) -> String {
    let user = t.config.get_user().unwrap_or_default();
    if let Some(db) = e.as_db_error() {
        return match db.code().code() {
            "28P01" | "28000" => format!(
                "the server at {} refused the login for \"{user}\" ({}): give the password in PGPASSWORD or ~/.pgpass (mode 600), never in the URL you share",
                t.server(),
                db.message()
            ),
            "3D000" => format!("{} (at {})", db.message(), t.server()),
            "42501" if db.message().contains("for schema") => format!(
                "{}: ask the database's owner for CREATE on that schema, or name a table in a schema you may write to (?table=SCHEMA.NAME)",
                db.message()
            ),
            "42501" => format!(
                "{}: ask the table's owner for SELECT on it (to read it) or to own it (to replace it)",
                db.message()
            ),
            "57014" if db.message().contains("statement timeout") => format!(
                "the server stopped the query {} (statement_timeout); add statement_timeout=SECONDS to the URL to wait longer",
                t.statement_timeout
                    .map_or("at its time limit".into(), |d| format!(
                        "after {} s",
                        d.as_secs()
                    ))
            ),
            "57014" => "the server took too long and the question was cancelled".into(),
            "55P03" => format!(
                "the table is locked by another session and the server waited {} s for it (lock_timeout); try again when that work is done, or add lock_timeout=SECONDS to the URL to wait longer",
                t.lock_timeout.as_secs()
            ),
            _ => format!("the server says: {}", db.message()),
        };
    }
    let text = e.to_string();
    let detail = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_default();
    if e.is_closed() {
        return format!("the connection to {} closed: {text} {detail}", t.server());
    }
    format!(
        "could not reach the server at {}: {text}{}{} (is it running, and is the address right?)",
        t.server(),
        if detail.is_empty() { "" } else { ": " },
        detail
    )
}

/// How many rows of the pushed table `t` the clause lets through.
pub fn count(client: &mut Client, t: &Target, c: &sql::Clause) -> Result<i64, String> {
    view::count_in(client, t, &view::Rows::of(t), c)
}

/// The rows `query` gives with the clause's values as its parameters,
/// errors in words.
fn rows(
    client: &mut Client,
    t: &Target,
    query: &str,
    c: &sql::Clause,
) -> Result<Vec<postgres::Row>, String> {
    let params = params(c);
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
        params.iter().map(|p| p.as_ref()).collect();
    query_clause(client, query, c, &refs).map_err(|e| explain(&e, t))
}

/// Asks `query` (with `c`'s values as `refs`), in a transaction of its own
/// set to read through the words' index when `c` asks through it.
fn query_clause<T: ?Sized + postgres::ToStatement>(
    client: &mut Client,
    query: &T,
    c: &sql::Clause,
    refs: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<postgres::Row>, postgres::Error> {
    if !c.through_words {
        return client.query(query, refs);
    }
    let mut tx = client.transaction()?;
    tx.batch_execute(&sql::through_words("LOCAL"))?;
    let rows = tx.query(query, refs)?;
    tx.commit()?;
    Ok(rows)
}

/// The clause's values as the client sends them.
fn params(c: &sql::Clause) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    c.params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match p {
                sql::Param::Text(s) => Box::new(s.clone()),
                sql::Param::Texts(v) => Box::new(v.clone()),
                sql::Param::Float(f) => Box::new(*f),
                sql::Param::Floats(v) => Box::new(v.clone()),
                sql::Param::Ints(v) => Box::new(v.clone()),
                // to_timestamp takes seconds as a double.
                sql::Param::Seconds(s) => Box::new(*s as f64),
            }
        })
        .collect()
}

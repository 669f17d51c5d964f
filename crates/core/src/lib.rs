//! incident-map-core: the headless core of incident-map. Incidents, each tied
//! to its place in time and to the words of the source that reports it.
//!
//! It knows nothing of any GUI: `incident-map check`, `convert` and the
//! desktop app all call it, and `cargo test -p incident-map-core` builds no
//! window system at all. The data flows through it in one direction:
//!
//! file → [`formats::load`] → [`model::Dataset`] → [`validate`] (diagnostics)
//! → [`evidence`] (passages located in their sources) → [`summary`].
//!
//! - [`model`]: events, places, sources, passages, claims; [`model::When`] for
//!   dates at their true precision.
//! - [`formats`]: reading and writing files; [`formats::native`] is ours.
//! - [`diagnostic`]: problems, with file, line:column and JSON path.
//! - [`validate`]: checks across a whole dataset.
//! - [`evidence`]: anchoring quotes in source texts.
//! - [`edit`]: changes to a data set, applied and undone in one place.
//! - [`common_words`]: the words most events hold, a bitmap each, so a search reads fewer events.
//! - [`store`]: the events of an open file: the packed table every view
//!   reads, and each event in full on demand.
//! - [`summary`]: a dataset at a glance.
//! - [`timeline`]: events in time order, by day, undated ones apart.
//! - [`geography`]: regions, which region holds a point, distance and bearing.
//! - [`gazetteer`]: places of the world found by name, offline.
//! - [`reading`]: the events an article reports, dated and placed, each tied to its words.
//! - [`markers`]: events projected, indexed and clustered for the map, once per dataset.
//! - [`view`]: what every view shows under one filter, assembled from the above.
//! - [`origin`]: where a data set comes from (a file, a table on a server).
//! - [`basemap`]: reading a PMTiles basemap archive and what it covers.
//! - [`publish`]: a data set as one HTML page that works offline in any browser.

pub mod basemap;
pub mod common_words;
pub mod diagnostic;
pub mod edit;
pub mod evidence;
pub mod filter;
pub mod formats;
pub mod gazetteer;
pub mod geography;
pub mod histogram;
pub mod limits;
pub mod markers;
pub mod model;
pub mod origin;
pub mod postgis;
pub mod publish;
pub mod reading;
pub mod store;
pub mod summary;
pub mod timeline;
pub mod validate;
pub mod view;

/// The repository's root, for tests that read its bundled files.
#[cfg(test)]
pub(crate) fn repo(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

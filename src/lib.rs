//! incident-map: incidents on a map, each tied to its place in time and to
//! the words of the source that reports it.
//!
//! This library is the headless core; it knows nothing of any GUI. The data
//! flows through it in one direction:
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
//! - [`summary`]: a dataset at a glance.
//! - [`timeline`]: events in time order, by day, undated ones apart.
//! - [`geography`]: regions, which region holds a point, distance and bearing.
//! - [`links`]: an event by id, and the relations pointing at each, built once.
//! - [`markers`]: events projected, indexed and clustered for the map, once per dataset.
//! - [`basemap`]: the offline basemap archive and what it covers.
//! - [`ui`]: the desktop app, a thin egui layer over all of the above.

pub mod basemap;
pub mod diagnostic;
pub mod evidence;
pub mod formats;
pub mod geography;
pub mod links;
pub mod markers;
pub mod model;
pub mod summary;
pub mod timeline;
pub mod ui;
pub mod validate;

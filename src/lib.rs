//! incident-map, the desktop app: a thin egui layer over
//! [`incident_map_core`] (model, formats, validation, evidence, geography,
//! timeline, markers), which knows nothing of any GUI.
//!
//! How a frame goes: [`app::IncidentMapApp::show`] lays out the panels
//! ([`panels`]); each reads the [`state::AppState`] and pushes
//! [`action::Action`]s (what the user asked for; keys become
//! [`command::Command`]s from the one command table). Those, and what
//! finished in the [`background`] (a load, a dialog, an export, a filter),
//! go through one queue into [`state::AppState::apply`], which changes the
//! state and answers with the [`action::Effect`]s the app carries out.
//!
//! - [`app`]: the window and its frame; `run` starts it.
//! - [`command`]: every user command with its text, tooltip and keys.
//! - [`action`]: what goes through the queue, and the effects it asks for.
//! - [`state`]: the app's state, and the one place it changes.
//! - [`views`]: what the views read, built once per dataset and filter.
//! - [`proposals`]: what reading a source proposes, as the review shows it.
//! - [`background`]: loads, dialogs, exports and rebuilds off the UI thread.
//! - [`live`]: a server's table asked per view, on a thread of its own.
//! - [`panels`]: the map, timeline, context, top and status bars, windows.
//! - [`map`]: tile layers, the map's overlays, framing and gliding.
//! - [`settings`]: what is remembered between runs, versioned.
//! - [`recovery`]: work in progress kept through a crash.
//! - [`bundle`]: the scenario, basemap and fonts the binary carries.
//! - [`render`]: the app drawn offscreen, for `render` and tests.
//! - [`map_image`]: the map saved as a PNG.

pub mod action;
pub mod app;
pub mod background;
pub mod bundle;
pub mod cli;
pub mod command;
mod fonts;
pub mod live;
pub mod map;
pub mod map_image;
pub mod panels;
pub mod proposals;
pub mod recovery;
pub mod render;
pub mod settings;
pub mod state;
pub mod typing;
pub mod views;

pub use incident_map_core as core;

#[cfg(test)]
pub(crate) mod tests {
    /// `rel`, a path inside the repository.
    pub fn repo(rel: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }
}

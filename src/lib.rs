//! incident-map: the desktop app, a thin egui layer over
//! [`incident_map_core`], the headless core (model, formats, validation,
//! evidence, geography, timeline, markers).

pub use incident_map_core::*;

pub mod ui;

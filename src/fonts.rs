//! Fonts: egui's defaults lack Cyrillic, so Noto Sans (SIL OFL, in
//! `assets/fonts/`) is added after them for every glyph they do not have.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans".into(),
        Arc::new(FontData::from_static(crate::bundle::FONT)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto-sans".into());
    }
    ctx.set_fonts(fonts);
}

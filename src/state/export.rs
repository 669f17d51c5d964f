//! An export checked before it is written: a name that says the format,
//! never the file open (nor the file it was imported from), and the events
//! it writes (all, or those the map shows); the writing is the background's.
//! A page published the same way: what the filter shows, as one HTML file.

use std::path::PathBuf;

use incident_map_core::formats::{Format, export};

use super::{AppState, Status, thousands};
use crate::action::{Effect, Exported, Published};

impl AppState {
    /// Writes the events (all, or those shown in the map's view) to `path`,
    /// in the background.
    pub(super) fn export(&mut self, path: PathBuf, only_shown: bool, fx: &mut Vec<Effect>) {
        let Some(doc) = self.docs.open() else {
            self.status = Status::NotExported("no data is open".into());
            return;
        };
        let Some(format) = Format::for_export(&path) else {
            self.status = Status::NotExported(format!(
                "name the file .geojson, .csv or .json to choose the format, or .timemap for a TimeMap folder ({})",
                path.display()
            ));
            return;
        };
        let opened = doc.origin.file().map(|p| p.to_path_buf());
        if opened
            .as_deref()
            .is_some_and(|o| export::same_file(o, &path))
        {
            self.status =
                Status::NotExported("that is the file you opened; choose another name".into());
            return;
        }
        let keep: Vec<usize> = match (only_shown, self.viewport) {
            (true, Some(v)) => doc
                .view
                .events_in_view(doc.table(), v.center, v.zoom, v.size),
            (true, None) => shown(&doc.view),
            (false, _) => (0..doc.store.len()).collect(),
        };
        self.status = Status::Note(format!("Exporting to {}…", path.display()));
        fx.push(Effect::Export {
            store: doc.store.clone(),
            keep,
            opened,
            path,
            format,
        });
    }

    /// Publishes what the filter shows (every category not hidden, the time
    /// window, the search) as one HTML page at `path`, in the background.
    pub(super) fn publish(&mut self, path: PathBuf, fx: &mut Vec<Effect>) {
        let Some(doc) = self.docs.open() else {
            self.status = Status::NotPublished("no data is open".into());
            return;
        };
        if self.live().is_some() {
            self.status = Status::NotPublished(format!(
                "a table on a server is published from the command line: incident-map publish '{}' {}",
                doc.origin.shown(),
                path.display()
            ));
            return;
        }
        let is_html = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if !is_html {
            self.status = Status::NotPublished(format!("name the page .html ({})", path.display()));
            return;
        }
        if doc
            .origin
            .file()
            .is_some_and(|o| export::same_file(o, &path))
        {
            self.status =
                Status::NotPublished("that is the file you opened; choose another name".into());
            return;
        }
        let keep = shown(&doc.view);
        if keep.is_empty() {
            self.status = Status::NotPublished(
                "the filter shows no event; show some (Reset filter) and publish again".into(),
            );
            return;
        }
        self.status = Status::Note(format!(
            "Publishing {} events to {}…",
            thousands(keep.len()),
            path.display()
        ));
        fx.push(Effect::Publish {
            store: doc.store.clone(),
            keep,
            path,
        });
    }

    /// A page was published: where, or why not.
    pub(super) fn published(&mut self, result: Result<Published, String>) {
        self.status = match result {
            Ok(p) => Status::Published(p),
            Err(why) => Status::NotPublished(why),
        };
    }

    /// An export finished: what was written, or why not.
    pub(super) fn exported(&mut self, result: Result<Exported, String>) {
        self.status = match (result, self.live()) {
            // A server's table: what was written is what is listed.
            (Ok(e), Some(l)) => Status::Note(format!(
                "Exported the {} events listed (of {} on the server under the filter) to {}; for the whole table: incident-map convert '{}' FILE",
                thousands(e.count),
                thousands(l.shown.total as usize),
                e.path.display(),
                l.source.target.shown
            )),
            (Ok(e), None) => Status::Exported(e),
            (Err(why), _) => Status::NotExported(why),
        };
    }
}

/// The events `view` shows (its timeline's, undated ones too), in file order.
fn shown(view: &crate::views::ViewIndex) -> Vec<usize> {
    let mut shown: Vec<usize> = view.timeline.order.iter().map(|&i| i as usize).collect();
    shown.sort_unstable();
    shown
}

//! Opening incident files from the app. Loading runs on a background thread,
//! so a large file never freezes the window, and the result is swapped in
//! only if it is fit to show: a file that fails leaves the data on screen as
//! it was, and its problems are listed for the user to read and copy.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::formats::{self, LoadOptions, Loaded, Progress, Stage};
use crate::links::Links;
use crate::markers::MarkerIndex;
use crate::model::Dataset;
use crate::timeline::Timeline;

/// What the views need from a dataset, built once when it is loaded (on
/// the loading thread when the app loads it), never per frame.
#[derive(Default)]
pub struct Indexes {
    pub timeline: Timeline,
    pub markers: MarkerIndex,
    pub links: Links,
    /// Where each row of the timeline's list starts, and its height.
    pub row_tops: Vec<f32>,
}

impl Indexes {
    pub fn build(ds: &Dataset) -> Indexes {
        Self::build_filtered(ds, &HashSet::new())
    }

    /// The views of the events whose category is not in `hidden`.
    pub fn build_filtered(ds: &Dataset, hidden: &HashSet<String>) -> Indexes {
        let shown = |i: usize| {
            ds.events[i]
                .category
                .as_ref()
                .is_none_or(|c| !hidden.contains(c))
        };
        let timeline = Timeline::build_where(ds, shown);
        Indexes {
            row_tops: super::timeline_panel::row_tops(ds, &timeline),
            timeline,
            markers: MarkerIndex::build_where(ds, shown),
            links: Links::build(ds),
        }
    }
}

/// A load's outcome: the file's data and problems, and the indexes of its
/// data when it is fit to show.
pub type Outcome = Result<(Loaded, Option<Indexes>), String>;

/// A file being loaded.
pub struct LoadJob {
    pub path: PathBuf,
    pub started: Instant,
    pub progress: Arc<Progress>,
    result: Receiver<Outcome>,
}

impl LoadJob {
    /// Starts loading `path` on a thread of its own.
    pub fn start(path: PathBuf, ctx: &egui::Context) -> LoadJob {
        let (tx, rx) = channel();
        let progress = Arc::new(Progress::default());
        let (file, ctx, shared) = (path.clone(), ctx.clone(), progress.clone());
        std::thread::Builder::new()
            .name("load".into())
            .spawn(move || {
                let _ = tx.send(load(&file, Some(shared)));
                ctx.request_repaint();
            })
            .expect("a thread can be started");
        LoadJob {
            path,
            started: Instant::now(),
            progress,
            result: rx,
        }
    }

    /// The outcome, once the thread is done.
    pub fn finished(&self) -> Option<Outcome> {
        self.result.try_recv().ok()
    }

    /// Stops the load at its next step; its thread then ends without a result.
    pub fn cancel(&self) {
        self.progress.cancel();
    }
}

/// Loads a file and indexes its data if it is fit to show.
pub fn load(path: &std::path::Path, progress: Option<Arc<Progress>>) -> Outcome {
    let options = LoadOptions {
        progress: progress.clone(),
        ..LoadOptions::default()
    };
    let loaded = formats::load(path, &options).map_err(|e| e.to_string())?;
    if let Some(p) = &progress {
        if p.is_cancelled() {
            return Err("cancelled".into());
        }
        p.set_stage(Stage::Indexing);
    }
    let indexes = loaded.usable().map(Indexes::build);
    Ok((loaded, indexes))
}

/// The system's file dialog, on a thread: it blocks until the user chooses.
pub struct FileDialog {
    chosen: Receiver<Option<PathBuf>>,
}

impl FileDialog {
    pub fn open(ctx: &egui::Context) -> FileDialog {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let path = rfd::FileDialog::new()
                .set_title("Open an incident file")
                .add_filter(
                    "Incident files",
                    &["json", "geojson", "csv", "tsv", "txt", "kml", "kmz"],
                )
                .add_filter("All files", &["*"])
                .pick_file();
            let _ = tx.send(path);
            ctx.request_repaint();
        });
        FileDialog { chosen: rx }
    }

    /// `Some(choice)` once the dialog closed; `Some(None)` if it was cancelled
    /// (or no dialog could be shown).
    pub fn closed(&self) -> Option<Option<PathBuf>> {
        self.chosen.try_recv().ok()
    }
}

/// The system's save dialog, on a thread.
pub struct SaveDialog {
    chosen: Receiver<Option<PathBuf>>,
}

impl SaveDialog {
    pub fn open(ctx: &egui::Context, suggested: &str) -> SaveDialog {
        let (tx, rx) = channel();
        let (ctx, suggested) = (ctx.clone(), suggested.to_string());
        std::thread::spawn(move || {
            let path = rfd::FileDialog::new()
                .set_title("Export events")
                .set_file_name(suggested)
                .add_filter("GeoJSON", &["geojson"])
                .add_filter("CSV", &["csv"])
                .add_filter("incident-map JSON", &["json"])
                .save_file();
            let _ = tx.send(path);
            ctx.request_repaint();
        });
        SaveDialog { chosen: rx }
    }

    /// `Some(choice)` once the dialog closed.
    pub fn closed(&self) -> Option<Option<PathBuf>> {
        self.chosen.try_recv().ok()
    }
}

/// Problems found in a file, for the window that lists them.
pub struct Problems {
    pub path: PathBuf,
    /// Whether the file was opened anyway (only warnings, or passages that did not anchor).
    pub opened: bool,
    /// Every diagnostic, one per paragraph, as `check` prints them.
    pub text: String,
    /// What the window shows: the first [`SHOWN_PROBLEMS`] of them (laying
    /// out a hundred thousand each frame would freeze the window).
    pub shown: String,
    /// How many there are.
    pub count: usize,
}

/// At most this many problems are shown; "Copy all" copies every one.
pub const SHOWN_PROBLEMS: usize = 200;

impl Problems {
    pub fn new(
        path: PathBuf,
        opened: bool,
        diagnostics: &[crate::diagnostic::Diagnostic],
    ) -> Problems {
        let all: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        Problems::from_paragraphs(path, opened, all)
    }

    /// Problems that are one message (the file could not be read at all).
    pub fn message(path: PathBuf, text: String) -> Problems {
        Problems::from_paragraphs(path, false, vec![text])
    }

    fn from_paragraphs(path: PathBuf, opened: bool, all: Vec<String>) -> Problems {
        let mut shown = all[..all.len().min(SHOWN_PROBLEMS)].join("\n\n");
        if all.len() > SHOWN_PROBLEMS {
            shown.push_str(&format!(
                "\n\n… and {} more: \"Copy all\" copies every one, or run `incident-map check` on the file.",
                all.len() - SHOWN_PROBLEMS
            ));
        }
        Problems {
            path,
            opened,
            count: all.len(),
            text: all.join("\n\n"),
            shown,
        }
    }
}

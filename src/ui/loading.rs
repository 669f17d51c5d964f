//! Opening incident files from the app. Loading runs on a background thread,
//! so a large file never freezes the window, and the result is swapped in
//! only if it is fit to show: a file that fails leaves the data on screen as
//! it was, and its problems are listed for the user to read and copy.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use crate::formats::{self, LoadOptions, Loaded};

/// A file being loaded.
pub struct LoadJob {
    pub path: PathBuf,
    pub started: Instant,
    result: Receiver<Result<Loaded, String>>,
}

impl LoadJob {
    /// Starts loading `path` on a thread of its own.
    pub fn start(path: PathBuf, ctx: &egui::Context) -> LoadJob {
        let (tx, rx) = channel();
        let (file, ctx) = (path.clone(), ctx.clone());
        std::thread::Builder::new()
            .name("load".into())
            .spawn(move || {
                let result =
                    formats::load(&file, &LoadOptions::default()).map_err(|e| e.to_string());
                let _ = tx.send(result);
                ctx.request_repaint();
            })
            .expect("a thread can be started");
        LoadJob {
            path,
            started: Instant::now(),
            result: rx,
        }
    }

    /// The outcome, once the thread is done.
    pub fn finished(&self) -> Option<Result<Loaded, String>> {
        self.result.try_recv().ok()
    }
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
                .add_filter("incident-map data", &["json"])
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

/// Problems found in a file, for the window that lists them.
pub struct Problems {
    pub path: PathBuf,
    /// Whether the file was opened anyway (only warnings, or passages that did not anchor).
    pub opened: bool,
    /// Every diagnostic, one per paragraph, as `check` prints them.
    pub text: String,
}

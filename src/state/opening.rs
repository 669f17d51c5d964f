//! Opening: starting a load (of a file, a table, or a copy a crash left),
//! and taking in what it opened, which replaces the data on screen only
//! when it is fit to show; a recovery copy becomes unsaved work again.

use std::path::PathBuf;
use std::sync::Arc;

use incident_map_core::diagnostic::Code;
use incident_map_core::filter::Filter;
use incident_map_core::formats::Format;
use incident_map_core::origin::Origin;
use incident_map_core::store::Store;

use super::document::{Document, Problems};
use super::status::Status;
use super::work::{Work, title};
use super::{AppState, camera};
use crate::action::{Effect, LoadIntent, Opened, Outcome};
use crate::views::ViewIndex;

/// Files of up to this many events have their words indexed as they open
/// (a few seconds and some 40 MB at most, in the background); larger ones
/// when a search first needs them.
pub const AUTO_INDEX: usize = 100_000;

impl AppState {
    /// Starts loading `origin`, for `intent`. The filter holds through a
    /// reload of the same data, not into another.
    pub(super) fn start_load(&mut self, origin: Origin, intent: LoadIntent, fx: &mut Vec<Effect>) {
        let filter = if self.origin() == Some(&origin) {
            self.lens.kept_for_reload()
        } else {
            Filter::default()
        };
        self.status = Status::Opening(origin.shown());
        // An index of a large file on screen still being built is not
        // waited for, nor left to take the cores from this load.
        if self
            .docs
            .open()
            .is_some_and(|d| d.search_index.is_none() && d.store.len() > AUTO_INDEX)
        {
            fx.push(Effect::StopIndexing);
        }
        fx.push(self.docs.start(origin, intent, filter));
    }

    /// Takes in a finished load, if it is the one under way.
    pub(super) fn take_loaded(
        &mut self,
        job: u64,
        origin: Origin,
        intent: LoadIntent,
        outcome: Outcome,
        fx: &mut Vec<Effect>,
    ) {
        if self.docs.finish(job) {
            self.take_in(origin, intent, outcome, fx);
        }
    }

    /// Takes in what a load opened: the new data replaces the old only if
    /// it is fit to show. Says what happened, and lists problems.
    fn take_in(
        &mut self,
        origin: Origin,
        intent: LoadIntent,
        outcome: Outcome,
        fx: &mut Vec<Effect>,
    ) {
        let Opened {
            mut loaded,
            view,
            live,
        } = match outcome {
            Ok(x) => x,
            Err(why) => {
                self.docs
                    .set_problems(Some(Problems::message(&origin, why.clone())));
                self.windows.problems_open = true;
                self.status = Status::NotRead { why };
                return;
            }
        };
        let frame = matches!(
            intent,
            LoadIntent::Open { frame: true } | LoadIntent::Recover { .. }
        );
        if let Some((live, first)) = live {
            return self.take_in_live(origin, live, first, frame, fx);
        }
        let (errors, warnings) = incident_map_core::diagnostic::count(&loaded.diagnostics);
        let usable = loaded.usable().is_some();
        // Taken, not copied: a large dataset is not cloned on the UI thread.
        let (Some(store), Some(view)) = (loaded.store.take().filter(|_| usable), view) else {
            self.docs
                .set_problems(Some(Problems::new(&origin, false, &loaded.diagnostics)));
            self.windows.problems_open = true;
            self.status = Status::NotOpened {
                path: origin.shown(),
                errors,
            };
            return;
        };
        // A file whose only remarks are that it cites no passage, or that
        // it has other sheets or layers (offered in the top bar), opens
        // quietly: the status bar says so; the problems list holds them.
        let quiet = !loaded.diagnostics.is_empty()
            && loaded
                .diagnostics
                .iter()
                .all(|d| matches!(d.code, Code::NoPassage | Code::OtherParts));
        let uncited = quiet && loaded.diagnostics.iter().any(|d| d.code == Code::NoPassage);
        let another = self.origin() != Some(&origin);
        if another {
            self.lens.forget(false);
        }
        let store = Arc::new(store);
        let doc = Document {
            origin: origin.clone(),
            store: store.clone(),
            view: Arc::new(ViewIndex::default()),
            search_index: None,
            format: loaded.format,
            live: None,
            parts: std::mem::take(&mut loaded.parts),
        };
        fx.extend(self.docs.replace(doc));
        self.install_view(view);
        if let LoadIntent::Recover { saved } = intent {
            // A recovery copy: its data is unsaved work, saved where it was;
            // the copy itself is no file to remember.
            self.restore_work(&store, saved, fx);
        } else {
            self.status = Status::Opened {
                path: origin.shown(),
                events: store.len(),
                errors,
                warnings,
                uncited,
            };
            self.docs.remember(&origin);
            self.docs.set_problems(
                (!loaded.diagnostics.is_empty())
                    .then(|| Problems::new(&origin, true, &loaded.diagnostics)),
            );
            self.windows.problems_open = self.docs.problems().is_some() && !quiet;
        }
        // The words of a file of ordinary size are indexed at once, in the
        // background: its first search finds them ready.
        // A larger one keeps no copy of its words: its common words' bitmaps
        // are made instead, on one core, so that its searches read less.
        if store.len() <= AUTO_INDEX {
            fx.push(Effect::IndexWords(store));
        } else {
            fx.push(Effect::CommonWords(store));
        }
        if self
            .view()
            .is_some_and(|v| v.filter != *self.effective_filter() || v.search != self.search())
        {
            // The filter changed while the file loaded.
            self.refilter(fx);
        }
        // Data opened is framed (a file picked again from Recent too),
        // unless the view of the last run was restored for it.
        if frame {
            fx.push(Effect::Camera(camera::fit(self.view(), &self.regions)));
        }
    }

    /// A recovery copy was opened (as `store`): its data becomes unsaved
    /// work, saved where that work was (`saved`), if it was.
    pub(super) fn restore_work(
        &mut self,
        store: &Store,
        saved: Option<PathBuf>,
        fx: &mut Vec<Effect>,
    ) {
        let (dataset, origin) = crate::recovery::restored(store, saved.clone());
        let work = Work::new(dataset, saved, false);
        fx.push(Effect::Title(title(&work)));
        if let Some(doc) = self.docs.open_mut() {
            doc.origin = origin;
            doc.format = Some(Format::Native);
        }
        self.author.work = Some(work);
        self.status =
            Status::Note("Recovered the unsaved work: save it (Ctrl+S) to keep it".into());
    }
}

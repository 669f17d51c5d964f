//! The document room: what is open (a file, a table on a server, or work
//! made in the app), with its events and the views of them; what is being
//! loaded; the files and tables opened recently; the problems of the last
//! one. Filled by [`super::opening`].

use std::sync::Arc;

use incident_map_core::diagnostic::Diagnostic;
use incident_map_core::filter::{Filter, SearchIndex};
use incident_map_core::formats::{Format, Progress};
use incident_map_core::origin::Origin;
use incident_map_core::store::{EventTable, Store};

use incident_map_core::postgis::live::{Ask, Live};

use crate::action::{Effect, LoadIntent};
use crate::views::{LiveView, ViewIndex};

/// At most this many recent files are kept.
pub const MAX_RECENT: usize = 10;

/// What is open: its events and the views of them under the current filter.
pub struct Document {
    pub origin: Origin,
    pub store: Arc<Store>,
    pub view: Arc<ViewIndex>,
    /// The events' words, folded, once a search or a source filter needed them.
    pub search_index: Option<Arc<SearchIndex>>,
    /// The format it was read in (ours is saved where it is; another is
    /// saved as ours, elsewhere); `None` for a table or unsaved work.
    pub format: Option<Format>,
    /// A server's table asked per view: `store` and `view` are then the
    /// page of events of the view on screen.
    pub live: Option<LiveDoc>,
    /// A workbook's sheets or a GeoPackage's layers, when it has several:
    /// the top bar offers the others.
    pub parts: Vec<String>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Document({}: {} events)", self.origin, self.store.len())
    }
}

impl Document {
    pub fn table(&self) -> &EventTable {
        self.store.table()
    }
}

/// A server's table asked per view, as the app has it.
pub struct LiveDoc {
    pub source: Arc<Live>,
    /// The latest question asked (and the words searched for).
    pub asked: Option<(Ask, String)>,
    /// The answer on screen.
    pub shown: Arc<LiveView>,
    /// Why the server did not answer the latest question.
    pub error: Option<String>,
}

impl LiveDoc {
    /// The answer on screen is to the latest question, or the server
    /// said why it could not answer it.
    pub fn is_current(&self) -> bool {
        // (A question the server failed to answer is done with too.)
        self.error.is_some()
            || self
                .asked
                .as_ref()
                .is_none_or(|(a, s)| *a == self.shown.ask && *s == self.shown.search)
    }
}

/// What is being loaded.
#[derive(Debug, Clone)]
pub struct Loading {
    pub job: u64,
    pub origin: Origin,
    pub progress: Arc<Progress>,
}

/// Problems found in a file, for the window that lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Problems {
    /// The file (or table), as shown.
    pub path: String,
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
    pub fn new(origin: &Origin, opened: bool, diagnostics: &[Diagnostic]) -> Problems {
        let all: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        Problems::from_paragraphs(origin, opened, all)
    }

    /// Problems that are one message (the file could not be read at all).
    pub fn message(origin: &Origin, text: String) -> Problems {
        Problems::from_paragraphs(origin, false, vec![text])
    }

    fn from_paragraphs(origin: &Origin, opened: bool, all: Vec<String>) -> Problems {
        let mut shown = all[..all.len().min(SHOWN_PROBLEMS)].join("\n\n");
        if all.len() > SHOWN_PROBLEMS {
            shown.push_str(&format!(
                "\n\n… and {} more: \"Copy all\" copies every one, or run `incident-map check` on the file.",
                all.len() - SHOWN_PROBLEMS
            ));
        }
        Problems {
            path: origin.shown(),
            opened,
            count: all.len(),
            text: all.join("\n\n"),
            shown,
        }
    }
}

/// The document room.
pub struct Documents {
    open: Option<Document>,
    loading: Option<Loading>,
    next_job: u64,
    recent: Vec<Origin>,
    /// The problems of the last file opened or tried.
    problems: Option<Problems>,
    /// Whether exports write only what is shown.
    pub export_only_shown: bool,
}

impl Default for Documents {
    fn default() -> Self {
        Documents {
            open: None,
            loading: None,
            next_job: 1,
            recent: Vec::new(),
            problems: None,
            export_only_shown: false,
        }
    }
}

impl Documents {
    pub fn open(&self) -> Option<&Document> {
        self.open.as_ref()
    }

    pub fn open_mut(&mut self) -> Option<&mut Document> {
        self.open.as_mut()
    }

    pub fn loading(&self) -> Option<&Loading> {
        self.loading.as_ref()
    }

    pub fn recent(&self) -> &[Origin] {
        &self.recent
    }

    pub fn problems(&self) -> Option<&Problems> {
        self.problems.as_ref()
    }

    pub fn set_problems(&mut self, problems: Option<Problems>) {
        self.problems = problems;
    }

    /// Starts loading `origin` (the load before it, if any, is stopped);
    /// its views are built under `filter`.
    pub fn start(&mut self, origin: Origin, intent: LoadIntent, filter: Filter) -> Effect {
        if let Some(old) = self.loading.take() {
            old.progress.cancel();
        }
        let job = self.next_job;
        self.next_job += 1;
        let progress = Arc::new(Progress::default());
        self.loading = Some(Loading {
            job,
            origin: origin.clone(),
            progress: progress.clone(),
        });
        Effect::Load {
            job,
            origin,
            intent,
            progress,
            filter,
        }
    }

    /// Stops the load under way; what it was loading.
    pub fn cancel(&mut self) -> Option<Origin> {
        let job = self.loading.take()?;
        // The thread stops at its next step; whatever it had is dropped.
        job.progress.cancel();
        Some(job.origin)
    }

    /// A load finished: whether it is the one under way (a load cancelled
    /// or replaced reports nothing).
    pub fn finish(&mut self, job: u64) -> bool {
        let current = self.loading.as_ref().is_some_and(|l| l.job == job);
        if current {
            self.loading = None;
        }
        current
    }

    /// Something went wrong before any load could start.
    pub fn abandon(&mut self) {
        self.loading = None;
    }

    /// Puts `doc` on screen; what the one before held, to be let go of off
    /// the UI thread.
    pub fn replace(&mut self, doc: Document) -> Option<Effect> {
        self.open
            .replace(doc)
            .map(|old| Effect::Release(Box::new(old)))
    }

    /// `origin` first in the recent list (unsaved work is not remembered).
    pub fn remember(&mut self, origin: &Origin) {
        if origin.remembered().is_none() {
            return;
        }
        self.recent.retain(|o| o != origin);
        self.recent.insert(0, origin.clone());
        self.recent.truncate(MAX_RECENT);
    }

    /// Remembered origins (from the settings), after those already listed.
    pub fn remember_all(&mut self, origins: impl IntoIterator<Item = Origin>) {
        for o in origins {
            if self.recent.len() >= MAX_RECENT {
                break;
            }
            if o.remembered().is_some() && !self.recent.contains(&o) {
                self.recent.push(o);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_is_started_replaced_cancelled_and_finished_in_turn() {
        let mut docs = Documents::default();
        let a = Origin::File("a.json".into());
        let b = Origin::File("b.json".into());
        let Effect::Load {
            job: first,
            progress,
            ..
        } = docs.start(
            a.clone(),
            LoadIntent::Open { frame: true },
            Filter::default(),
        )
        else {
            panic!()
        };
        // Another load stops the first: its end reports nothing.
        let Effect::Load { job: second, .. } = docs.start(
            b.clone(),
            LoadIntent::Open { frame: true },
            Filter::default(),
        ) else {
            panic!()
        };
        assert!(progress.is_cancelled());
        assert!(!docs.finish(first));
        assert_eq!(docs.loading().map(|l| &l.origin), Some(&b));
        assert_eq!(docs.cancel(), Some(b));
        assert!(!docs.finish(second), "cancelled: nothing to take in");
        assert_eq!(docs.cancel(), None);
    }

    #[test]
    fn the_recent_list_keeps_ten_the_latest_first_and_no_unsaved_work() {
        let mut docs = Documents::default();
        for k in 0..12 {
            docs.remember(&Origin::File(format!("{k}.csv").into()));
        }
        docs.remember(&Origin::File("3.csv".into()));
        docs.remember(&Origin::Unsaved("Untitled".into()));
        let names: Vec<String> = docs.recent().iter().map(Origin::shown).collect();
        assert_eq!(names.len(), MAX_RECENT);
        assert_eq!(names[..3], ["3.csv", "11.csv", "10.csv"]);
        // What the settings remembered comes after, up to the limit.
        let mut fresh = Documents::default();
        fresh.remember(&Origin::File("now.csv".into()));
        fresh.remember_all((0..1_000_000).map(|k| Origin::File(format!("{k}.csv").into())));
        assert_eq!(fresh.recent().len(), MAX_RECENT);
        assert_eq!(fresh.recent()[0].shown(), "now.csv");
    }
}

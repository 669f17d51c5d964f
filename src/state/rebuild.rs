//! The views follow the data and the lens: a change asks for a new view
//! (built off the UI thread, or asked of a server's table), the view on
//! screen staying until it is ready; a view built for an older lens or
//! another store is dropped; a view put in place keeps the selection when
//! its event is still shown; the status bar says what it shows.

use std::sync::{Arc, Weak};

use incident_map_core::filter::SearchIndex;
use incident_map_core::store::Store;

use super::AppState;
use super::status::Status;
use crate::action::{Effect, Rebuild};
use crate::views::ViewIndex;

impl AppState {
    /// Rebuilds the views for the lens, in the background; the view on
    /// screen stays until the new one is ready.
    pub(super) fn refilter(&mut self, fx: &mut Vec<Effect>) {
        let Some(doc) = self.docs.open() else { return };
        if let Some(live) = &doc.live {
            // The server is asked what the view shows under the filter.
            if let Err(why) = live.source.clause(self.lens.effective()) {
                self.status = Status::Note(why);
                return;
            }
            self.status = Status::Filtering;
            self.ask_live(fx);
            return;
        }
        // Words no longer asked for: an index of a large file still being
        // built for them stops (a file of ordinary size keeps its own,
        // built as it opened).
        if doc.search_index.is_none()
            && doc.store.len() > super::opening::AUTO_INDEX
            && self.lens.search().trim().is_empty()
            && !self.lens.effective().needs_text()
            && !self.lens.effective().needs_sources()
            && !self.lens.index_wanted()
        {
            fx.push(Effect::StopIndexing);
        }
        let (store, all_markers, index, before) = (
            doc.store.clone(),
            doc.view.all_markers.clone(),
            doc.search_index.clone(),
            doc.view.clone(),
        );
        let generation = self.lens.ask();
        self.status = Status::Filtering;
        fx.push(Effect::RebuildView(Rebuild {
            generation,
            store,
            all_markers,
            filter: self.lens.effective().clone(),
            search: self.lens.search().to_string(),
            index,
            before,
            index_wanted: self.lens.index_wanted(),
        }));
    }

    /// A view built for the lens numbered `generation`, of `store` (with
    /// the search index, when it was built for it).
    pub(super) fn take_view(
        &mut self,
        generation: u64,
        view: Arc<ViewIndex>,
        index: Option<Arc<SearchIndex>>,
        store: Weak<Store>,
    ) {
        if let Some(index) = index {
            self.take_index(&store, index);
        }
        // A view is of the store it was built for (a live table's page may
        // have been replaced meanwhile).
        let same = self.is_open(&store);
        if self.lens.built(generation) && same {
            self.install_view(view);
            self.status = self.shown_status();
        }
    }

    /// The words of `store`'s events, indexed: kept while it is open.
    pub(super) fn take_index(&mut self, store: &Weak<Store>, index: Arc<SearchIndex>) {
        if self.is_open(store)
            && let Some(doc) = self.docs.open_mut()
            && doc.search_index.is_none()
        {
            doc.search_index = Some(index);
        }
    }

    /// Whether `store` is the one open.
    fn is_open(&self, store: &Weak<Store>) -> bool {
        self.docs
            .open()
            .is_some_and(|d| std::ptr::eq(store.as_ptr(), Arc::as_ptr(&d.store)))
    }

    /// Puts a view of the open data in place; the selection survives when
    /// its event is still there and shown.
    pub(super) fn install_view(&mut self, view: Arc<ViewIndex>) {
        let Some(doc) = self.docs.open_mut() else {
            return;
        };
        doc.view = view;
        let doc = self.docs.open().expect("just set");
        self.selection.keep(doc, &self.regions);
        // The views bring a selection that stayed into view.
        if self.selection.get().is_some() {
            self.next_marks.scroll_to_selection = true;
        }
    }

    /// What the status bar says of the views on screen: how many events
    /// are shown, under which filter (of a server's table: in all, about
    /// in the map's view, and listed).
    pub(super) fn shown_status(&self) -> Status {
        let filter = self.lens.effective().describe(&self.tz());
        if let Some(l) = self.live() {
            return Status::Live {
                total: l.shown.total,
                in_view: self.live_in_view().unwrap_or(l.shown.in_view),
                around: l.shown.in_view,
                listed: l.shown.store.len(),
                filter,
            };
        }
        Status::Shown {
            shown: self.view().map_or(0, |v| v.shown()),
            total: self.store().map_or(0, |s| s.len()),
            filter,
        }
    }
}

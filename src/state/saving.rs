//! Saving the work: Save and Save as (never over the file it was imported
//! from), what the save wrote taken back in, and the question "Save the
//! changes first?" before what would lose them (quitting, opening, a new
//! data set).

use std::path::{Path, PathBuf};

use incident_map_core::formats::{Format, export};
use incident_map_core::origin::Origin;

use super::AppState;
use super::status::Status;
use super::work::{Then, Work, title};
use crate::action::{Done, Effect, LoadIntent, NewSource, UnsavedChoice};

impl AppState {
    /// Whether `then` may go ahead now; if unsaved changes would be lost,
    /// it waits for the user's answer instead.
    pub(super) fn may(&mut self, then: Then) -> bool {
        if self.author.work.as_ref().is_some_and(Work::is_dirty) {
            self.author.unsaved = Some(then);
            false
        } else {
            true
        }
    }

    /// Goes on with what waited on the question.
    pub(super) fn go_on(&mut self, then: Then, fx: &mut Vec<Effect>) {
        self.author.work = None;
        fx.push(Effect::Recovery(None));
        fx.push(Effect::Title(String::new()));
        match then {
            Then::Quit => fx.push(Effect::Quit),
            Then::Open(origin) => self.start_load(origin, LoadIntent::Open { frame: true }, fx),
            Then::OpenDialog => fx.push(Effect::OpenDialog),
            Then::NewDataSet => self.new_data_set(fx),
        }
    }

    pub(super) fn answer_unsaved(&mut self, choice: UnsavedChoice, fx: &mut Vec<Effect>) {
        match choice {
            UnsavedChoice::Save => self.save(false, fx),
            UnsavedChoice::Discard => {
                if let Some(then) = self.author.unsaved.take() {
                    self.go_on(then, fx);
                }
            }
            UnsavedChoice::Cancel => self.author.unsaved = None,
        }
    }

    pub(super) fn save(&mut self, ask: bool, fx: &mut Vec<Effect>) {
        let Some(work) = &self.author.work else {
            self.status = Status::Note("Nothing to save: nothing was changed".into());
            return;
        };
        match work.path.clone().filter(|_| !ask) {
            Some(path) => fx.push(Effect::SaveWork {
                dataset: Box::new(work.dataset.clone()),
                path,
            }),
            None => {
                let name = work
                    .imported_from
                    .as_deref()
                    .and_then(Path::file_stem)
                    .map_or_else(|| "incidents".into(), |s| s.to_string_lossy().into_owned());
                fx.push(Effect::SaveDialog(format!("{name}.json")));
            }
        }
    }

    /// Saves to `path` (named `.json` when it has no extension), never over
    /// the file it was imported from.
    pub(super) fn save_to(&mut self, mut path: PathBuf, fx: &mut Vec<Effect>) {
        let Some(work) = &self.author.work else {
            return;
        };
        if path.extension().is_none() {
            path.set_extension("json");
        }
        if work
            .imported_from
            .as_deref()
            .is_some_and(|from| export::same_file(from, &path))
        {
            self.status = Status::Note(format!(
                "{} is the file the data was imported from; it is never written over: choose another name",
                path.display()
            ));
            return;
        }
        fx.push(Effect::SaveWork {
            dataset: Box::new(work.dataset.clone()),
            path,
        });
    }

    /// Takes in what a save, the save dialog or a source read gave.
    pub(super) fn take_saved(&mut self, done: Done, fx: &mut Vec<Effect>) {
        match done {
            Done::Saved(Ok((path, written))) => {
                let Some(work) = self.author.work.as_mut() else {
                    return;
                };
                // The sources as written: their text files and SHA-256.
                for (s, w) in work.dataset.sources.iter_mut().zip(&written.sources) {
                    if s.id == w.id {
                        s.text_file.clone_from(&w.text_file);
                        s.text.clone_from(&w.text);
                        s.loaded_text.clone_from(&w.loaded_text);
                        s.sha256.clone_from(&w.sha256);
                    }
                }
                work.path = Some(path.clone());
                work.imported_from = None;
                work.saved_at = Some(work.history.depth());
                fx.push(Effect::Recovery(None));
                fx.push(Effect::Title(title(work)));
                let origin = Origin::File(path.clone());
                if let Some(doc) = self.docs.open_mut() {
                    doc.origin = origin.clone();
                    doc.format = Some(Format::Native);
                }
                self.docs.remember(&origin);
                self.status = Status::Note(format!("Saved {}", path.display()));
                if let Some(then) = self.author.unsaved.take() {
                    self.go_on(then, fx);
                }
            }
            Done::Saved(Err(why)) => {
                self.author.unsaved = None;
                self.status = Status::Note(format!("Not saved: {why}"));
            }
            Done::SaveDialog(Some(path)) => self.save_to(path, fx),
            Done::SaveDialog(None) => self.author.unsaved = None,
            Done::SourceRead(Ok(file)) => self.add_source(
                NewSource {
                    title: file.title,
                    text: file.text,
                    published: file.published.unwrap_or_default(),
                    ..NewSource::default()
                },
                fx,
            ),
            Done::SourceRead(Err(why)) => {
                self.status = Status::Note(format!("The source was not added: {why}"));
            }
            _ => {}
        }
    }
}

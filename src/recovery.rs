//! Work in progress kept through a crash. After each change to unsaved
//! work, a copy of it (its sources' texts inside) is written beside a note
//! of where that work is saved, in the XDG data folder
//! (`~/.local/share/incident-map/recovery/`); saving, or letting the work
//! go, removes them. At start a copy that is there is offered
//! ([`offer`]); taken, it is opened like any file and becomes unsaved work
//! again ([`restored`]).
//!
//! What is read at start is read without waiting or growing: only regular
//! files, the note at most [`MAX_NOTE`] bytes.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use incident_map_core::formats;
use incident_map_core::model::Dataset;
use incident_map_core::origin::Origin;
use incident_map_core::store::Store;

/// The most of the note (where the work was saved) that is read.
pub const MAX_NOTE: u64 = 4096;

/// Where recovery copies are kept: `recovery/work.json` in the app's data
/// folder (`None` when the system has no home for it).
pub fn place() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "incident-map")
        .map(|d| d.data_dir().join("recovery").join("work.json"))
}

/// A recovery copy a crash left, offered at start: where it is, where that
/// work was saved (if it was), and when it was kept, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub file: PathBuf,
    pub saved: Option<PathBuf>,
    pub kept: String,
}

/// The copy at `file`, if a crash left one: a regular file (a pipe, a
/// device or a folder put there is no copy), with the note beside it.
pub fn offer(file: &Path) -> Option<Offer> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() {
        return None;
    }
    let kept = meta
        .modified()
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::system())
                .strftime("%-d %b %Y, %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    Some(Offer {
        file: file.to_path_buf(),
        saved: read_note(&note_of(file)),
        kept,
    })
}

/// The note beside `file`: where its work is saved.
fn note_of(file: &Path) -> PathBuf {
    file.with_extension("path")
}

/// The path the note names, if it is a regular file of a few bytes.
fn read_note(note: &Path) -> Option<PathBuf> {
    if !std::fs::metadata(note).ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(note)
        .ok()?
        .take(MAX_NOTE)
        .read_to_string(&mut text)
        .ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| PathBuf::from(text))
}

/// What a recovery copy opened (as `store`) becomes: its data set whole,
/// and where it comes from now: the file its work was saved in, or
/// "Recovered" when it had none.
pub fn restored(store: &Store, saved: Option<PathBuf>) -> (Dataset, Origin) {
    let dataset = store.to_dataset().into_owned();
    let origin = match saved {
        Some(p) => Origin::File(p),
        None => Origin::Unsaved("Recovered".into()),
    };
    (dataset, origin)
}

/// Writes recovery copies off the UI thread, in the order they were asked
/// for: a copy older than the one on disk is dropped. A failure never
/// stops the work: the next change tries again.
#[derive(Clone, Default)]
pub struct Writer {
    inner: Arc<Written>,
}

#[derive(Default)]
struct Written {
    asked: AtomicU64,
    /// Each file, and the number of the copy last written to it.
    last: Mutex<Vec<(PathBuf, u64)>>,
}

impl Writer {
    /// Writes `work` (a data set and where it is saved) to `file`, or
    /// removes the copy when `None` (all is saved).
    pub fn write(&self, file: PathBuf, work: Option<(Box<Dataset>, Option<PathBuf>)>) {
        let version = self.inner.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let inner = self.inner.clone();
        let _ = std::thread::Builder::new()
            .name("recovery".into())
            .spawn(move || {
                let mut last = inner.last.lock().unwrap_or_else(|e| e.into_inner());
                match last.iter_mut().find(|(f, _)| *f == file) {
                    Some((_, v)) if *v > version => return,
                    Some((_, v)) => *v = version,
                    None => last.push((file.clone(), version)),
                }
                write_now(&file, work);
            });
    }
}

fn write_now(file: &Path, work: Option<(Box<Dataset>, Option<PathBuf>)>) {
    let note = note_of(file);
    match work {
        // The note first: once the copy is gone, so is all of it.
        None => {
            let _ = std::fs::remove_file(&note);
            let _ = std::fs::remove_file(file);
        }
        Some((ds, saved)) => {
            let mut ds = *ds;
            // The copy carries its sources' texts: it stands alone.
            for s in &mut ds.sources {
                if s.text.is_none() {
                    s.text.clone_from(&s.loaded_text);
                    s.text_file = None;
                }
            }
            if let Some(dir) = file.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Ok(json) = formats::write(&ds, formats::Format::Native) {
                let _ = formats::save_atomic(file, json.as_bytes());
            }
            let saved = saved.map(|p| p.display().to_string()).unwrap_or_default();
            let _ = formats::save_atomic(&note, saved.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_offered_with_where_its_work_was_saved_and_nothing_else_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("work.json");
        assert_eq!(offer(&file), None, "nothing there");
        std::fs::write(&file, "{}").unwrap();
        assert_eq!(offer(&file).unwrap().saved, None, "no note");
        std::fs::write(note_of(&file), "/home/ann/incidents.json\n").unwrap();
        let o = offer(&file).unwrap();
        assert_eq!(
            o.saved.as_deref(),
            Some(Path::new("/home/ann/incidents.json"))
        );
        assert!(!o.kept.is_empty());
        // A folder in its place is no copy.
        let other = dir.path().join("folder.json");
        std::fs::create_dir(&other).unwrap();
        assert_eq!(offer(&other), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_or_a_device_as_the_note_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("work.json");
        std::fs::write(&file, "{}").unwrap();
        // A link to a device that never ends.
        std::os::unix::fs::symlink("/dev/zero", note_of(&file)).unwrap();
        assert_eq!(offer(&file).unwrap().saved, None);
        std::fs::remove_file(note_of(&file)).unwrap();
        // A pipe nobody writes to: reading it would wait for ever.
        let fifo = std::ffi::CString::new(note_of(&file).to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path and creates a file; no memory is shared.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert_eq!(offer(&file).unwrap().saved, None);
    }

    #[test]
    fn copies_are_written_in_the_order_asked_and_removed_when_saved() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("recovery").join("work.json");
        let writer = Writer::default();
        let ds = |title: &str| Dataset {
            title: title.into(),
            ..Dataset::default()
        };
        writer.write(file.clone(), Some((Box::new(ds("one")), None)));
        writer.write(
            file.clone(),
            Some((Box::new(ds("two")), Some(PathBuf::from("/tmp/two.json")))),
        );
        let wait = |done: &dyn Fn() -> bool| {
            let start = std::time::Instant::now();
            while !done() {
                assert!(start.elapsed().as_secs() < 10, "never written");
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        };
        wait(&|| {
            std::fs::read_to_string(&file).is_ok_and(|t| t.contains("\"two\""))
                && offer(&file).is_some_and(|o| o.saved.is_some())
        });
        assert_eq!(
            offer(&file).unwrap().saved.as_deref(),
            Some(Path::new("/tmp/two.json"))
        );
        writer.write(file.clone(), None);
        wait(&|| !file.exists());
        assert!(!note_of(&file).exists());
    }
}

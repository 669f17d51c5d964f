//! The status bar's message, as a value: each kind of news the app gives,
//! worded in one place.

use std::fmt;
use std::path::PathBuf;

use crate::action::{Exported, Published};

/// What the status bar says.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Status {
    #[default]
    Quiet,
    /// A file or table, as shown (a table's URL without its password).
    Opening(String),
    Opened {
        path: String,
        events: usize,
        errors: usize,
        warnings: usize,
        /// Its only remark is that its records cite no passage (every
        /// GeoJSON, KML or GDELT file): said here, not in a window.
        uncited: bool,
    },
    /// The file could not be read at all.
    NotRead {
        why: String,
    },
    /// The file has errors that keep it from opening.
    NotOpened {
        path: String,
        errors: usize,
    },
    Stopped(String),
    /// A filter is being applied, or was.
    Filtering,
    /// A long job in the background says how far it got.
    Working(String),
    Shown {
        shown: usize,
        total: usize,
        /// The filter, in words ("7 Mar 2024 – 22 Mar 2024 · 1 category hidden").
        filter: String,
    },
    /// A live table's view: the events under the filter in the whole
    /// table, in the map's view, and listed (the latest of those in view).
    Live {
        total: u64,
        /// About how many are in the map's view (by the cells' means).
        in_view: u64,
        /// How many the server found in the view and the tiles around it.
        around: u64,
        listed: usize,
        filter: String,
    },
    Exported(Exported),
    NotExported(String),
    Published(Published),
    NotPublished(String),
    MapImageSaved(PathBuf),
    MapImageNotSaved(String),
    Basemap(PathBuf),
    BasemapNotChanged(String),
    NoFileChosen,
    /// Something to tell that has no kind of its own (a settings note).
    Note(String),
}

/// What the status bar says, with any password this process was given
/// hidden (a server's message may echo what it was sent).
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let said = Said(self).to_string();
        f.write_str(&incident_map_core::postgis::hide_secrets(&said))
    }
}

/// [`Status`] as said, before secrets are hidden.
struct Said<'s>(&'s Status);

impl fmt::Display for Said<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Status::Quiet => Ok(()),
            Status::Opening(p) => write!(f, "Opening {p}…"),
            Status::Opened {
                path,
                events,
                errors,
                warnings,
                uncited,
            } => {
                write!(f, "Opened {path}: {} events", thousands(*events))?;
                if *uncited {
                    write!(
                        f,
                        "; they cite no source passage (View › Problems… says more)"
                    )?;
                } else if errors + warnings > 0 {
                    write!(f, ", {errors} errors, {warnings} warnings")?;
                }
                Ok(())
            }
            Status::NotRead { why } => {
                write!(f, "Not opened: {why}. The data shown is unchanged.")
            }
            Status::NotOpened { path, errors } => write!(
                f,
                "{path} was not opened: {errors} errors. The data shown is unchanged."
            ),
            Status::Stopped(p) => write!(f, "Stopped opening {p}"),
            Status::Filtering => f.write_str("Filtering…"),
            Status::Working(s) => f.write_str(s),
            Status::Live {
                total,
                in_view,
                around,
                listed,
                filter,
            } => {
                write!(
                    f,
                    "On the server: {} events{} · about {} in the map's view",
                    thousands(*total as usize),
                    if filter.is_empty() {
                        String::new()
                    } else {
                        format!(" ({filter})")
                    },
                    thousands(*in_view as usize)
                )?;
                if (*listed as u64) < *around {
                    write!(
                        f,
                        " · the latest {} of {} in and around it listed",
                        thousands(*listed),
                        thousands(*around as usize)
                    )
                } else {
                    Ok(())
                }
            }
            Status::Shown {
                shown,
                total,
                filter,
            } => {
                if filter.is_empty() {
                    write!(f, "All {} events shown", thousands(*shown))
                } else {
                    write!(
                        f,
                        "{} of {} events shown ({filter})",
                        thousands(*shown),
                        thousands(*total)
                    )
                }
            }
            Status::Exported(e) => write!(
                f,
                "Exported {} of {} events to {} ({})",
                e.count,
                e.total,
                e.path.display(),
                e.format.name()
            ),
            Status::NotExported(why) => write!(f, "Not exported: {why}"),
            Status::Published(p) => write!(
                f,
                "Published {} of {} events to {} ({:.1} MB; open it in any browser, offline; add #event=ID to its address to point at one event)",
                p.count,
                p.total,
                p.path.display(),
                p.bytes as f64 / 1e6
            ),
            Status::NotPublished(why) => write!(f, "Not published: {why}"),
            Status::MapImageSaved(p) => write!(f, "Map image saved to {}", p.display()),
            Status::MapImageNotSaved(why) => write!(f, "Map image not saved: {why}"),
            Status::Basemap(p) => write!(f, "Basemap: {}", p.display()),
            Status::BasemapNotChanged(why) => write!(f, "Basemap not changed: {why}"),
            Status::NoFileChosen => {
                f.write_str("No file chosen (type its path in File instead if no dialog appeared)")
            }
            Status::Note(s) => f.write_str(s),
        }
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Status {
    /// The message, or `None` when there is nothing to say.
    pub fn text(&self) -> Option<String> {
        (*self != Status::Quiet).then(|| self.to_string())
    }
}

//! Where a data set comes from, named for what it is: a file on disk, a
//! table on a PostGIS server, or work made in the app and not saved yet.
//! What the user types (a path field, the command line, the recent list)
//! becomes an [`Origin`] once, in [`Origin::parse`]; opening, the document
//! on screen, the recent list, loading and exporting all take one, so no
//! one tests a path for a URL again. An origin is shown (and remembered)
//! without any password: [`Origin::shown`].

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::postgis::{Target, is_url};

/// Where a data set comes from.
#[derive(Clone)]
pub enum Origin {
    /// A file, by its path.
    File(PathBuf),
    /// A table (or view) on a PostgreSQL/PostGIS server.
    Table(Box<Target>),
    /// A data set made in the app that has no file yet, by its name.
    Unsaved(String),
}

impl Origin {
    /// What the user typed: a `postgresql://` URL names a table (an error
    /// when it cannot be read, its password never echoed), anything else a
    /// file.
    pub fn parse(text: &str) -> Result<Origin, String> {
        if is_url(text) {
            Target::parse(text).map(|t| Origin::Table(Box::new(t)))
        } else {
            Ok(Origin::File(PathBuf::from(text)))
        }
    }

    /// A path given on the command line or by a dialog: a URL when it reads
    /// as one, else a file (a name that is not Unicode is a file).
    pub fn of_path(path: &Path) -> Result<Origin, String> {
        match path.to_str() {
            Some(s) if is_url(s) => Origin::parse(s),
            _ => Ok(Origin::File(path.to_path_buf())),
        }
    }

    /// [`Origin::of_path`] for a string the OS gave.
    pub fn of_os(text: &OsStr) -> Result<Origin, String> {
        Origin::of_path(Path::new(text))
    }

    /// The file, if it is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Origin::File(p) => Some(p),
            _ => None,
        }
    }

    /// The table, if it is one.
    pub fn table(&self) -> Option<&Target> {
        match self {
            Origin::Table(t) => Some(t),
            _ => None,
        }
    }

    /// How it is shown and remembered: a file's path, a table's URL
    /// without its password, an unsaved data set's name.
    pub fn shown(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Table(t) => t.shown.clone(),
            Origin::Unsaved(name) => name.clone(),
        }
    }

    /// Its name, short: a file's name, a table's name, an unsaved data set's.
    pub fn name(&self) -> String {
        match self {
            Origin::File(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Origin::Table(t) => t.table.clone(),
            Origin::Unsaved(name) => name.clone(),
        }
    }

    /// What is kept of it in the settings and the recent list: a path, or a
    /// URL without its password (read again with [`Origin::parse`], the
    /// password found where libpq finds it). `None` for unsaved work.
    pub fn remembered(&self) -> Option<String> {
        match self {
            Origin::File(p) => p.to_str().map(str::to_string),
            Origin::Table(t) => Some(t.shown.clone()),
            Origin::Unsaved(_) => None,
        }
    }

    /// Whether it can still be opened: a file that is still there, any table
    /// (the server is asked when it is opened).
    pub fn is_there(&self) -> bool {
        match self {
            Origin::File(p) => p.exists(),
            Origin::Table(_) => true,
            Origin::Unsaved(_) => false,
        }
    }
}

/// Two origins are the same when they name the same thing (a table by
/// its URL without password).
impl PartialEq for Origin {
    fn eq(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::File(a), Origin::File(b)) => a == b,
            (Origin::Table(a), Origin::Table(b)) => a.shown == b.shown,
            (Origin::Unsaved(a), Origin::Unsaved(b)) => a == b,
            _ => false,
        }
    }
}

/// `text` with any password a `postgresql://` URL in it holds replaced by
/// `***` (the user-info's password, up to the last `@`, and a `password=`
/// parameter): what may be shown of what a user typed, even when it does
/// not read as a URL.
pub fn without_password(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let mut out = format!("{scheme}://");
    // The user-info ends at the last `@` (a password may hold `@`, `/`, `?`).
    let rest = match rest.rfind('@') {
        Some(at) => {
            let user = rest[..at].split(':').next().unwrap_or_default();
            out.push_str(user);
            if rest[..at].contains(':') {
                out.push_str(":***");
            }
            out.push('@');
            &rest[at + 1..]
        }
        None => rest,
    };
    match rest.split_once('?') {
        Some((base, query)) => {
            out.push_str(base);
            out.push('?');
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
        }
        None => out.push_str(rest),
    }
    out
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(p) => write!(f, "File({})", p.display()),
            Origin::Table(t) => write!(f, "Table({})", t.shown),
            Origin::Unsaved(n) => write!(f, "Unsaved({n})"),
        }
    }
}

impl From<PathBuf> for Origin {
    /// A path is a file (use [`Origin::of_path`] for what may be a URL).
    fn from(p: PathBuf) -> Origin {
        Origin::File(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_a_table_shown_without_its_password_and_the_rest_is_a_file() {
        let o = Origin::parse("postgresql://ann:s3cret@db.example:5433/gis?table=acled").unwrap();
        assert!(o.table().is_some() && o.file().is_none());
        let shown = o.shown();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.example:5433") && shown.contains("table=acled"));
        assert_eq!(o.remembered().as_deref(), Some(shown.as_str()));
        assert!(!format!("{o} {o:?}").contains("s3cret"));
        assert_eq!(o.name(), "acled");
        // The same table with another password is the same origin.
        let again =
            Origin::parse("postgresql://ann:other@db.example:5433/gis?table=acled").unwrap();
        assert_eq!(o, again);
        let f = Origin::parse("data/x.csv").unwrap();
        assert_eq!(f.file(), Some(Path::new("data/x.csv")));
        assert_eq!(f.name(), "x.csv");
        assert_ne!(f, o);
        assert!(Origin::parse("postgresql://ann@db.example/gis").is_err());
        assert_eq!(Origin::Unsaved("Untitled".into()).remembered(), None);
    }

    #[test]
    fn a_password_is_never_in_what_is_shown_of_a_url_typed() {
        for (typed, shown) in [
            (
                "postgresql://ann:s3cret@db/gis?table=t",
                "postgresql://ann:***@db/gis?table=t",
            ),
            (
                "postgresql://ann:s3@cr/et@db:99/gis?table=t",
                "postgresql://ann:***@db:99/gis?table=t",
            ),
            (
                "postgres://db/gis?table=t&password=s3cret",
                "postgres://db/gis?table=t&password=***",
            ),
            ("postgresql://ann@db/gis", "postgresql://ann@db/gis"),
            ("data/x.csv", "data/x.csv"),
        ] {
            assert_eq!(without_password(typed), shown);
        }
    }
}

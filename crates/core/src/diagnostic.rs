//! Diagnostics: what is wrong with a file, where, and how to fix it.
//!
//! Every reader and every check reports problems as [`Diagnostic`]s instead of
//! stopping at the first one, so a user sees all of them at once. A diagnostic
//! names its file, its place in it (line and column, and for JSON the path of the
//! value, like `$.events[2].where.place`), what is wrong and, where we can tell,
//! how to fix it. [`TextIndex`] turns byte offsets into the `line:column` pairs
//! that editors and compilers use.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data is wrong: `check` fails on it.
    Error,
    /// The data loads, but something deserves a look.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// What kind of problem a diagnostic is: stable names for scripts and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    FileTooLarge,
    NotUtf8,
    ByteOrderMark,
    Syntax,
    TooDeep,
    WrongType,
    MissingField,
    UnknownField,
    DuplicateKey,
    EmptyValue,
    InvalidValue,
    UnsupportedVersion,
    InvalidId,
    DuplicateId,
    UnknownReference,
    CoordinateOutOfRange,
    InvalidDate,
    /// Numeric dates whose day and month order the column does not settle.
    DateOrder,
    RangeReversed,
    SourceMissing,
    /// A source's text is not the one its SHA-256 was taken of.
    SourceChanged,
    SourceNotUtf8,
    SourcePathEscapes,
    SourceHasNoText,
    PassageNotFound,
    PassageAmbiguous,
    PassageOffsetsStale,
    NoPassage,
    /// A file in no format this app reads.
    UnknownFormat,
    /// A row or feature of an imported file that could not be taken in
    /// whole: it was skipped, or kept without the value at fault.
    BadRecord,
    /// The file holds more than the part read (a workbook's other sheets).
    OtherParts,
}

impl Code {
    /// The kebab-case name printed in brackets after a message.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::FileTooLarge => "file-too-large",
            Code::NotUtf8 => "not-utf8",
            Code::ByteOrderMark => "byte-order-mark",
            Code::Syntax => "syntax",
            Code::TooDeep => "too-deep",
            Code::WrongType => "wrong-type",
            Code::MissingField => "missing-field",
            Code::UnknownField => "unknown-field",
            Code::DuplicateKey => "duplicate-key",
            Code::EmptyValue => "empty-value",
            Code::InvalidValue => "invalid-value",
            Code::UnsupportedVersion => "unsupported-version",
            Code::InvalidId => "invalid-id",
            Code::DuplicateId => "duplicate-id",
            Code::UnknownReference => "unknown-reference",
            Code::CoordinateOutOfRange => "coordinate-out-of-range",
            Code::InvalidDate => "invalid-date",
            Code::RangeReversed => "range-reversed",
            Code::SourceMissing => "source-missing",
            Code::SourceChanged => "source-changed",
            Code::SourceNotUtf8 => "source-not-utf8",
            Code::SourcePathEscapes => "source-path-escapes",
            Code::SourceHasNoText => "source-has-no-text",
            Code::PassageNotFound => "passage-not-found",
            Code::PassageAmbiguous => "passage-ambiguous",
            Code::DateOrder => "date-order",
            Code::PassageOffsetsStale => "passage-offsets-stale",
            Code::NoPassage => "no-passage",
            Code::UnknownFormat => "unknown-format",
            Code::BadRecord => "bad-record",
            Code::OtherParts => "other-parts",
        }
    }

    /// Whether an error of this kind still lets the app open the file.
    ///
    /// A bad row of an imported file is an error for `check`, but the rest of
    /// the file opens (the row was skipped or kept without the bad value).
    /// A passage that did not anchor is an error for `check`, but the app opens
    /// the file anyway and marks the passage unverified: the rest of the data is
    /// sound and the user needs to see it to fix the quote.
    pub fn allows_opening(self) -> bool {
        matches!(
            self,
            Code::PassageNotFound | Code::SourceHasNoText | Code::BadRecord
        )
    }
}

/// A position in a text file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// What is wrong, in the user's terms.
    pub message: String,
    /// How to fix it, when we can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "lossy_path")]
    pub file: Option<PathBuf>,
    /// Where in the file, once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<LineCol>,
    /// The JSON path of the value at fault, for JSON formats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// Byte offset in the file, used to resolve `position`.
    #[serde(skip)]
    pub offset: Option<usize>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            help: None,
            file: None,
            position: None,
            json_path: None,
            offset: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.json_path = Some(path.into());
        self
    }

    /// At line `line`, column `column`, whatever text it is read against.
    pub fn at_position(mut self, line: usize, column: usize) -> Self {
        self.position = Some(LineCol { line, column });
        self
    }

    pub fn at_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether this diagnostic keeps the app from showing the file's data.
    pub fn prevents_opening(&self) -> bool {
        self.is_error() && !self.code.allows_opening()
    }
}

/// A file name as JSON: its text, with any bytes that are not UTF-8 shown
/// as U+FFFD (a name need not be text to be reported).
fn lossy_path<S: serde::Serializer>(p: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => s.serialize_str(&p.to_string_lossy()),
        None => s.serialize_none(),
    }
}

/// `s` safe to print to a terminal: control characters (escape sequences,
/// line breaks, carriage returns) and the characters that reorder text
/// (bidirectional overrides) written as `\u{…}` escapes, so that what a file
/// holds can neither drive the terminal nor forge a line of output.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Prints `file:line:col: error: message [code]` and indented `at` and `help`
/// lines, with what came from the file made [`printable`].
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", printable(&file.to_string_lossy()))?;
            if let Some(pos) = self.position {
                write!(f, "{pos}:")?;
            }
            f.write_str(" ")?;
        }
        write!(
            f,
            "{}: {} [{}]",
            self.severity,
            printable(&self.message),
            self.code.as_str()
        )?;
        if let Some(path) = &self.json_path {
            write!(f, "\n  at {}", printable(path))?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", printable(help))?;
        }
        Ok(())
    }
}

/// Line starts of a text, to turn byte offsets into [`LineCol`]s.
///
/// A line ends at `\n`; a `\r` before it belongs to no column, so files with
/// CRLF line ends get the same positions as files with LF.
pub struct TextIndex<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> TextIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        // A line ends at LF, at CRLF, or at a CR alone (old Mac files).
        let b = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', b)
                .filter(|&i| !(b[i] == b'\r' && b.get(i + 1) == Some(&b'\n')))
                .map(|i| i + 1),
        );
        TextIndex { text, line_starts }
    }

    /// The line and column of a byte offset (clamped to the text, and moved back
    /// to the start of a character if it falls inside one).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    use crate::limits::MAX_SUGGESTED_WORD;
    // Comparing costs the product of the lengths: long words get no suggestion.
    if word.len() > MAX_SUGGESTED_WORD * 4 || word.chars().count() > MAX_SUGGESTED_WORD {
        return None;
    }
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| c.len() <= MAX_SUGGESTED_WORD * 4)
        .map(|c| (strsim::jaro_winkler(&word_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Counts of errors and warnings in a list of diagnostics.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let idx = TextIndex::new("ab\n«é» x\r\nz");
        assert_eq!(idx.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(3), LineCol { line: 2, column: 1 });
        // "«é» " is 7 bytes but 4 characters.
        assert_eq!(idx.line_col(3 + 7), LineCol { line: 2, column: 5 });
        // After a CRLF the next line starts at column 1.
        let z = "ab\n«é» x\r\n".len();
        assert_eq!(idx.line_col(z), LineCol { line: 3, column: 1 });
        // Offsets past the end clamp to the end.
        assert_eq!(idx.line_col(999), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn display_is_compiler_style() {
        let mut d = Diagnostic::error(Code::UnknownField, "unknown field \"titel\"")
            .with_help("did you mean \"title\"?")
            .at_path("$.events[0].titel")
            .in_file(Path::new("a.json"));
        d.position = Some(LineCol { line: 4, column: 7 });
        assert_eq!(
            d.to_string(),
            "a.json:4:7: error: unknown field \"titel\" [unknown-field]\n  at $.events[0].titel\n  help: did you mean \"title\"?"
        );
    }
}

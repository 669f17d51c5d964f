//! Where a passage's words were found in its source: the outcome of
//! [`crate::evidence`]'s anchoring, kept on each [`super::Passage`].

use std::ops::Range;

/// How a quote was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Exact,
    /// Found after folding quotes, dashes and white space.
    Typographic,
}

/// Where a passage sits in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Byte range in the source text: what to highlight.
    pub bytes: Range<usize>,
    /// The same range in characters (Unicode scalar values), as the data file
    /// writes offsets.
    pub chars: Range<usize>,
    pub method: Method,
    /// How many places in the source hold the quote (more than one: the
    /// prefix, suffix or offsets chose).
    pub occurrences: usize,
    /// True when several places hold the quote and nothing told them apart.
    pub ambiguous: bool,
}

/// Text of the source that most resembles a quote that was not found.
#[derive(Debug, Clone, PartialEq)]
pub struct Closest {
    pub bytes: Range<usize>,
    pub text: String,
    /// Share of the quote's words found in this text, 0.0 to 1.0.
    pub similarity: f64,
}

/// The outcome of anchoring one passage.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Anchoring {
    /// Not tried yet (the passage was never loaded from a file).
    #[default]
    Pending,
    Found(Anchor),
    NotFound {
        closest: Option<Closest>,
    },
    /// The source has no text to look in.
    NoText,
}

impl Anchoring {
    pub fn anchor(&self) -> Option<&Anchor> {
        match self {
            Anchoring::Found(a) => Some(a),
            _ => None,
        }
    }
}

//! Evidence: finding each passage's words in the full text of its source.
//!
//! A passage is anchored the way a W3C Web Annotation `TextQuoteSelector` is:
//! by its exact words, with optional text before (`prefix`) and after
//! (`suffix`) to tell repeats apart, and optional character offsets
//! (`TextPositionSelector`) used only as a hint. [`anchor`] tries, in order:
//!
//! 1. the exact words;
//! 2. the words with typographic differences folded away: curly and straight
//!    quotes, dashes, ellipses, runs of white space and line breaks (so a
//!    quote typed with `'` finds `’`, and one copied across a CRLF line end
//!    still matches).
//!
//! The result is the byte range to highlight in the source text. A quote that
//! is not there yields [`Anchoring::NotFound`] with the closest text in the
//! source, so the user can see what to correct.

use std::collections::HashSet;
use std::ops::Range;

/// What a passage asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quote<'a> {
    pub exact: &'a str,
    pub prefix: Option<&'a str>,
    pub suffix: Option<&'a str>,
    /// Character offset where the quote is expected to start.
    pub start_hint: Option<usize>,
}

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

/// Locates `quote` in `text`.
pub fn anchor(text: &str, quote: &Quote) -> Anchoring {
    let exact = quote.exact.trim();
    if exact.is_empty() {
        return Anchoring::NotFound { closest: None };
    }
    let hits: Vec<Range<usize>> = text
        .match_indices(exact)
        .map(|(i, m)| i..i + m.len())
        .collect();
    if !hits.is_empty() {
        return choose(text, hits, quote, Method::Exact);
    }
    let folded_text = Folded::new(text);
    let folded_quote = Folded::new(exact);
    let needle = folded_quote.text.trim();
    if needle.is_empty() {
        return Anchoring::NotFound { closest: None };
    }
    let hits: Vec<Range<usize>> = folded_text
        .text
        .match_indices(needle)
        .map(|(i, m)| folded_text.original_range(i..i + m.len()))
        .collect();
    if !hits.is_empty() {
        return choose(text, hits, quote, Method::Typographic);
    }
    Anchoring::NotFound {
        closest: closest(text, exact),
    }
}

/// Picks among the places a quote occurs: the best prefix and suffix match,
/// then the nearest to the offset hint, then the first.
fn choose(text: &str, hits: Vec<Range<usize>>, quote: &Quote, method: Method) -> Anchoring {
    let occurrences = hits.len();
    let context_score = |r: &Range<usize>| {
        let before = quote
            .prefix
            .map_or(0, |p| common_suffix_len(&fold(&text[..r.start]), &fold(p)));
        let after = quote
            .suffix
            .map_or(0, |s| common_prefix_len(&fold(&text[r.end..]), &fold(s)));
        before + after
    };
    let scored: Vec<(usize, Range<usize>)> =
        hits.into_iter().map(|r| (context_score(&r), r)).collect();
    let best_score = scored.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let mut best: Vec<Range<usize>> = scored
        .into_iter()
        .filter(|(s, _)| *s == best_score)
        .map(|(_, r)| r)
        .collect();
    let ambiguous = best.len() > 1 && quote.start_hint.is_none();
    if let Some(hint) = quote.start_hint {
        best.sort_by_key(|r| char_offset(text, r.start).abs_diff(hint));
    }
    let bytes = best.swap_remove(0);
    let start = char_offset(text, bytes.start);
    let chars = start..start + text[bytes.clone()].chars().count();
    Anchoring::Found(Anchor {
        bytes,
        chars,
        method,
        occurrences,
        ambiguous,
    })
}

/// The character offset of a byte offset.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

fn common_suffix_len(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn fold(s: &str) -> String {
    Folded::new(s).text
}

/// A text with typographic variants folded to one form, and a map from each
/// byte of the folded text back to the byte it came from.
struct Folded {
    text: String,
    /// For each byte of `text`, the start of the original character.
    origin: Vec<usize>,
    /// For each byte of `text`, the end of the original character.
    origin_end: Vec<usize>,
}

impl Folded {
    fn new(original: &str) -> Self {
        let mut f = Folded {
            text: String::with_capacity(original.len()),
            origin: Vec::with_capacity(original.len()),
            origin_end: Vec::with_capacity(original.len()),
        };
        for (i, c) in original.char_indices() {
            let end = i + c.len_utf8();
            match c {
                c if c.is_whitespace() => {
                    if !f.text.ends_with(' ') {
                        f.push(' ', i, end);
                    }
                }
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`'
                | '\u{00B4}' => f.push('\'', i, end),
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
                | '\u{00BB}' => f.push('"', i, end),
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
                | '\u{2212}' => f.push('-', i, end),
                '\u{2026}' => {
                    for _ in 0..3 {
                        f.push('.', i, end);
                    }
                }
                // Soft hyphen, zero-width space and joiners, byte order mark: invisible.
                '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => {}
                c => f.push(c, i, end),
            }
        }
        f
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.origin.push(start);
            self.origin_end.push(end);
        }
    }

    /// The original byte range a non-empty folded range came from.
    fn original_range(&self, r: Range<usize>) -> Range<usize> {
        self.origin[r.start]..self.origin_end[r.end - 1]
    }
}

/// The stretch of `text` whose words best cover the quote's words.
fn closest(text: &str, quote: &str) -> Option<Closest> {
    let words = |s: &str| -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(st)) => {
                    out.push((st..i, s[st..i].to_lowercase()));
                    start = None;
                }
                _ => {}
            }
        }
        out
    };
    let wanted: HashSet<String> = words(quote).into_iter().map(|(_, w)| w).collect();
    let quote_len = words(quote).len();
    let text_words = words(text);
    if quote_len == 0 || text_words.is_empty() {
        return None;
    }
    let window = quote_len.min(text_words.len());
    let hit = |i: usize| usize::from(wanted.contains(&text_words[i].1));
    let mut score: usize = (0..window).map(hit).sum();
    let (mut best, mut best_at) = (score, 0);
    for i in window..text_words.len() {
        score = score + hit(i) - hit(i - window);
        if score > best {
            best = score;
            best_at = i + 1 - window;
        }
    }
    let similarity = best as f64 / quote_len as f64;
    if similarity < 0.3 {
        return None;
    }
    // Trim words at either edge that are not in the quote.
    let (mut first, mut last) = (best_at, best_at + window - 1);
    while first < last && hit(first) == 0 {
        first += 1;
    }
    while last > first && hit(last) == 0 {
        last -= 1;
    }
    let bytes = text_words[first].0.start..text_words[last].0.end;
    Some(Closest {
        text: text[bytes.clone()].to_string(),
        bytes,
        similarity,
    })
}

/// Anchors every passage of `dataset` in its source's text, storing the
/// outcome in each passage and reporting what did not anchor cleanly.
pub fn anchor_dataset(dataset: &mut crate::model::Dataset) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::{Code, Diagnostic};
    let mut out = Vec::new();
    // Source id → its text; `None` when it has none. A text file that failed
    // to load was reported already: its passages are marked, not reported again.
    let texts: std::collections::HashMap<String, (Option<String>, bool)> = dataset
        .sources
        .iter()
        .map(|s| {
            let failed = s.text_file.is_some() && s.loaded_text.is_none();
            (s.id.clone(), (s.full_text().map(str::to_string), failed))
        })
        .collect();
    for (i, event) in dataset.events.iter_mut().enumerate() {
        for (j, passage) in event.passages.iter_mut().enumerate() {
            let path = if passage.origin.json_path.is_empty() {
                format!("$.events[{i}].passages[{j}]")
            } else {
                passage.origin.json_path.clone()
            };
            // An unknown source is reported by `validate`.
            let Some((text, failed_to_load)) = texts.get(&passage.source) else {
                continue;
            };
            let Some(text) = text else {
                passage.anchoring = Anchoring::NoText;
                if *failed_to_load {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        Code::SourceHasNoText,
                        format!("source \"{}\" has no text to find this passage in", passage.source),
                    )
                    .with_help("give the source a \"text_file\" or its \"text\", so the quote can be checked")
                    .at_path(format!("{path}.source")),
                );
                continue;
            };
            let quote = Quote {
                exact: &passage.quote,
                prefix: passage.prefix.as_deref(),
                suffix: passage.suffix.as_deref(),
                start_hint: passage.start,
            };
            passage.anchoring = anchor(text, &quote);
            match &passage.anchoring {
                Anchoring::Found(a) => {
                    if a.ambiguous {
                        out.push(
                            Diagnostic::warning(
                                Code::PassageAmbiguous,
                                format!(
                                    "the quote occurs {} times in source \"{}\"; the first is used",
                                    a.occurrences, passage.source
                                ),
                            )
                            .with_help("add a \"prefix\" or \"suffix\" (the words just before or after) to choose")
                            .at_path(format!("{path}.quote")),
                        );
                    }
                    let stale = passage.start.is_some_and(|s| s != a.chars.start)
                        || passage.end.is_some_and(|e| e != a.chars.end);
                    if stale {
                        out.push(
                            Diagnostic::warning(
                                Code::PassageOffsetsStale,
                                format!(
                                    "the quote was found at characters {}..{}, not where \"start\"/\"end\" say",
                                    a.chars.start, a.chars.end
                                ),
                            )
                            .with_help(format!(
                                "set \"start\": {}, \"end\": {}, or remove them",
                                a.chars.start, a.chars.end
                            ))
                            .at_path(format!("{path}.start")),
                        );
                    }
                }
                Anchoring::NotFound { closest } => {
                    let help = match closest {
                        Some(c) => format!(
                            "the closest text in the source is \"{}\"; quote the source verbatim",
                            shorten(&c.text, 160)
                        ),
                        None => "nothing in the source resembles it: is it the right source?"
                            .to_string(),
                    };
                    out.push(
                        Diagnostic::error(
                            Code::PassageNotFound,
                            format!("the quote is not in source \"{}\"", passage.source),
                        )
                        .with_help(help)
                        .at_path(format!("{path}.quote")),
                    );
                }
                Anchoring::Pending | Anchoring::NoText => {}
            }
        }
    }
    out
}

/// At most `max` characters of `s`, with an ellipsis if cut.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "The Kremlin described as “highly unusual” the U.S. Embassy’s move.\r\n\
                        It was — they said — a warning. It was a warning.";

    fn q(exact: &str) -> Quote<'_> {
        Quote {
            exact,
            ..Quote::default()
        }
    }

    fn found(a: Anchoring) -> Anchor {
        match a {
            Anchoring::Found(a) => a,
            other => panic!("not found: {other:?}"),
        }
    }

    #[test]
    fn exact_quote_is_found_with_byte_and_char_ranges() {
        let a = found(anchor(TEXT, &q("“highly unusual”")));
        assert_eq!(&TEXT[a.bytes.clone()], "“highly unusual”");
        assert_eq!(a.method, Method::Exact);
        assert_eq!(a.chars, 25..41);
        assert_eq!(a.occurrences, 1);
    }

    #[test]
    fn straight_quotes_dashes_and_line_breaks_are_tolerated() {
        let a = found(anchor(
            TEXT,
            &q("as \"highly unusual\" the U.S. Embassy's move. It was - they said -"),
        ));
        assert_eq!(a.method, Method::Typographic);
        assert!(TEXT[a.bytes.clone()].starts_with("as “highly"));
        assert!(TEXT[a.bytes.clone()].ends_with("they said —"));
    }

    #[test]
    fn prefix_and_suffix_choose_among_repeats() {
        let plain = found(anchor(TEXT, &q("a warning")));
        assert_eq!(plain.occurrences, 2);
        assert!(plain.ambiguous);
        let second = found(anchor(
            TEXT,
            &Quote {
                exact: "a warning",
                prefix: Some("It was "),
                suffix: Some("."),
                start_hint: None,
            },
        ));
        assert_eq!(second.bytes.start, TEXT.rfind("a warning").unwrap());
        assert!(!second.ambiguous);
    }

    #[test]
    fn offset_hint_chooses_the_nearest_repeat() {
        let first = TEXT.find("a warning").unwrap();
        let hint = char_offset(TEXT, first);
        let a = found(anchor(
            TEXT,
            &Quote {
                exact: "a warning",
                start_hint: Some(hint + 2),
                ..Quote::default()
            },
        ));
        assert_eq!(a.bytes.start, first);
        assert!(!a.ambiguous);
    }

    #[test]
    fn a_missing_quote_names_the_closest_text() {
        match anchor(TEXT, &q("The Kremlin called it highly unusual")) {
            Anchoring::NotFound { closest: Some(c) } => {
                assert!(c.text.starts_with("The Kremlin described"), "{}", c.text);
                assert!(c.similarity > 0.5);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            anchor(TEXT, &q("zebra quantum")),
            Anchoring::NotFound { closest: None }
        );
        assert_eq!(
            anchor(TEXT, &q("  ")),
            Anchoring::NotFound { closest: None }
        );
    }

    #[test]
    fn folding_maps_back_to_whole_characters() {
        let f = Folded::new("a…b “c”");
        assert_eq!(f.text, "a...b \"c\"");
        assert_eq!(f.original_range(1..4), 1..4);
        assert_eq!(f.original_range(6..9), 6.."a…b “c”".len());
    }
}

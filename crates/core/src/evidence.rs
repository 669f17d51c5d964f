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

use crate::limits::{MAX_QUOTE_CONTEXT, MAX_SCORED_OCCURRENCES};

pub use crate::model::{Anchor, Anchoring, Closest, Method};

/// What a passage asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quote<'a> {
    pub exact: &'a str,
    pub prefix: Option<&'a str>,
    pub suffix: Option<&'a str>,
    /// Character offset where the quote is expected to start.
    pub start_hint: Option<usize>,
}

/// Locates `quote` in `text`. To anchor many quotes in one text, use
/// [`SourceText::anchor_all`]: it reads the text once for all of them.
pub fn anchor(text: &str, quote: &Quote) -> Anchoring {
    let source = SourceText::new(text);
    let mut found = source.anchor_all(std::slice::from_ref(quote));
    match found.pop() {
        Some(Anchoring::NotFound { .. }) => Anchoring::NotFound {
            closest: closest(text, quote.exact.trim()),
        },
        Some(a) => a,
        None => Anchoring::NotFound { closest: None },
    }
}

/// A source text prepared for anchoring: character offsets in O(1), and its
/// typographically folded form made once, only if some quote needs it.
pub struct SourceText<'t> {
    text: &'t str,
    chars: CharIndex,
    folded: std::cell::OnceCell<Folded>,
}

impl<'t> SourceText<'t> {
    pub fn new(text: &'t str) -> Self {
        SourceText {
            text,
            chars: CharIndex::new(text),
            folded: std::cell::OnceCell::new(),
        }
    }

    /// Anchors every quote, reading the text once for the exact quotes and at
    /// most once more for those found only after folding. A quote that is not
    /// found gets `NotFound` with no closest text: finding that is costly, and
    /// [`closest`] does it on demand.
    pub fn anchor_all(&self, quotes: &[Quote]) -> Vec<Anchoring> {
        let exact: Vec<&str> = quotes.iter().map(|q| q.exact.trim()).collect();
        let mut hits = find_all(self.text, &exact);
        let missing: Vec<usize> = (0..quotes.len())
            .filter(|&i| hits[i].is_empty() && !exact[i].is_empty())
            .collect();
        let mut method = vec![Method::Exact; quotes.len()];
        if !missing.is_empty() {
            let folded = self.folded.get_or_init(|| Folded::new(self.text));
            let needles: Vec<String> = missing
                .iter()
                .map(|&i| Folded::new(exact[i]).text.trim().to_string())
                .collect();
            let needle_refs: Vec<&str> = needles.iter().map(String::as_str).collect();
            for (k, found) in find_all(&folded.text, &needle_refs).into_iter().enumerate() {
                let i = missing[k];
                hits[i] = found
                    .into_iter()
                    .map(|r| folded.original_range(r))
                    .collect();
                method[i] = Method::Typographic;
            }
        }
        quotes
            .iter()
            .zip(hits)
            .zip(method)
            .map(|((q, h), m)| {
                if h.is_empty() {
                    Anchoring::NotFound { closest: None }
                } else {
                    self.choose(h, q, m)
                }
            })
            .collect()
    }

    /// Picks among the places a quote occurs: the best prefix and suffix
    /// match, then the nearest to the offset hint, then the first.
    fn choose(&self, hits: Vec<Range<usize>>, quote: &Quote, method: Method) -> Anchoring {
        let text = self.text;
        let occurrences = hits.len();
        // The context nearest the quote, folded once, at most MAX_QUOTE_CONTEXT bytes.
        let prefix = quote.prefix.map(|p| {
            let p = &p[floor_char(p, p.len().saturating_sub(MAX_QUOTE_CONTEXT))..];
            fold(p)
        });
        let suffix = quote
            .suffix
            .map(|s| fold(&s[..floor_char(s, s.len().min(MAX_QUOTE_CONTEXT))]));
        let context_score = |r: &Range<usize>| {
            // Only a window around the hit: long enough for the context given.
            let before = prefix.as_ref().map_or(0, |p| {
                let from = floor_char(text, r.start.saturating_sub(p.len() * 2 + 16));
                common_suffix_len(&fold(&text[from..r.start]), p)
            });
            let after = suffix.as_ref().map_or(0, |s| {
                let to = ceil_char(text, (r.end + s.len() * 2 + 16).min(text.len()));
                common_prefix_len(&fold(&text[r.end..to]), s)
            });
            before + after
        };
        // So many places that scoring each would not end: the offsets or
        // the first decide, and the choice is flagged as ambiguous.
        let score_each = occurrences <= MAX_SCORED_OCCURRENCES;
        let scored: Vec<(usize, Range<usize>)> = hits
            .into_iter()
            .map(|r| (if score_each { context_score(&r) } else { 0 }, r))
            .collect();
        let best_score = scored.iter().map(|(s, _)| *s).max().unwrap_or(0);
        let mut best: Vec<Range<usize>> = scored
            .into_iter()
            .filter(|(s, _)| *s == best_score)
            .map(|(_, r)| r)
            .collect();
        let ambiguous = best.len() > 1 && quote.start_hint.is_none();
        if let Some(hint) = quote.start_hint {
            best.sort_by_key(|r| self.chars.offset(text, r.start).abs_diff(hint));
        }
        let bytes = best.swap_remove(0);
        let chars = self.chars.offset(text, bytes.start)..self.chars.offset(text, bytes.end);
        Anchoring::Found(Anchor {
            bytes,
            chars,
            method,
            occurrences,
            ambiguous,
        })
    }
}

/// Every place each needle occurs in `haystack` (overlapping ones too), in
/// one pass, up to one more than [`MAX_SCORED_OCCURRENCES`] each (a short
/// quote in a long repetitive text would otherwise occur without end).
/// Empty needles occur nowhere.
fn find_all(haystack: &str, needles: &[&str]) -> Vec<Vec<Range<usize>>> {
    let mut hits = vec![Vec::new(); needles.len()];
    // The same words cited twice are searched for once.
    let mut distinct: Vec<&str> = needles.iter().copied().filter(|n| !n.is_empty()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return hits;
    }
    let mut found: Vec<Vec<Range<usize>>> = vec![Vec::new(); distinct.len()];
    if distinct.len() <= 2 {
        // A few quotes (an imported record quoting its own text): searching
        // for each is far cheaper than building an automaton.
        for (k, needle) in distinct.iter().enumerate() {
            let mut from = 0;
            while let Some(at) = haystack[from..].find(needle) {
                let start = from + at;
                found[k].push(start..start + needle.len());
                if found[k].len() > MAX_SCORED_OCCURRENCES {
                    break;
                }
                // Overlapping occurrences too: go on from the next character.
                from = ceil_char(haystack, start + 1);
                if from >= haystack.len() {
                    break;
                }
            }
        }
    } else {
        let ac = aho_corasick::AhoCorasick::new(&distinct).expect("quotes make a valid automaton");
        let mut full = 0;
        for m in ac.find_overlapping_iter(haystack) {
            let hits = &mut found[m.pattern().as_usize()];
            if hits.len() <= MAX_SCORED_OCCURRENCES {
                hits.push(m.range());
                if hits.len() > MAX_SCORED_OCCURRENCES {
                    full += 1;
                    if full == distinct.len() {
                        break;
                    }
                }
            }
        }
    }
    for (i, n) in needles.iter().enumerate() {
        if let Ok(k) = distinct.binary_search(n) {
            hits[i].clone_from(&found[k]);
        }
    }
    hits
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Byte offset → character offset in O(1): character counts at every 1 KiB,
/// and a count of the bytes that start a character from there on.
struct CharIndex {
    checkpoints: Vec<usize>,
}

const CHECKPOINT: usize = 1024;

impl CharIndex {
    fn new(text: &str) -> Self {
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut count = 0;
        for chunk in text.as_bytes().chunks(CHECKPOINT) {
            checkpoints.push(count);
            count += chunk.iter().filter(|&&b| !is_continuation(b)).count();
        }
        checkpoints.push(count);
        CharIndex { checkpoints }
    }

    fn offset(&self, text: &str, byte: usize) -> usize {
        let block = byte / CHECKPOINT;
        let start = block * CHECKPOINT;
        self.checkpoints[block]
            + text.as_bytes()[start..byte]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
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
    /// For each byte of `text`, the start of the original character (texts
    /// are under 4 GiB: see `limits::max_source_text`).
    origin: Vec<u32>,
    /// For each byte of `text`, the end of the original character.
    origin_end: Vec<u32>,
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
            self.origin.push(start as u32);
            self.origin_end.push(end as u32);
        }
    }

    /// The original byte range a non-empty folded range came from.
    fn original_range(&self, r: Range<usize>) -> Range<usize> {
        self.origin[r.start] as usize..self.origin_end[r.end - 1] as usize
    }
}

/// The stretch of `text` whose words best cover the quote's words, if any
/// covers at least 30% of them. Reads the whole text: call it for failures only.
pub fn closest(text: &str, quote: &str) -> Option<Closest> {
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

/// How many quotes of one file get a search for their closest text: each
/// search reads the whole source, so a file full of bad quotes stays quick.
const CLOSEST_SEARCHES: usize = 200;

/// Anchors every passage of `dataset` in its source's text, storing the
/// outcome in each passage and reporting what did not anchor cleanly.
pub fn anchor_dataset(dataset: &mut crate::model::Dataset) -> Vec<crate::diagnostic::Diagnostic> {
    let crate::model::Dataset {
        sources, events, ..
    } = dataset;
    anchor_events(sources, events, |i| i, &mut Searches::default())
}

/// How many more quotes may get a search for their closest text (see
/// [`CLOSEST_SEARCHES`]), kept across the parts of a file anchored apart.
#[derive(Debug)]
pub struct Searches(usize);

impl Default for Searches {
    fn default() -> Self {
        Searches(CLOSEST_SEARCHES)
    }
}

/// Anchors the passages of `events` in the texts of `sources`, as
/// [`anchor_dataset`] does; `index(i)` is where `events[i]` is in its
/// file's list of events, for the paths of what is reported.
pub fn anchor_events(
    sources: &[crate::model::Source],
    events: &mut [crate::model::Event],
    index: impl Fn(usize) -> usize,
    searches: &mut Searches,
) -> Vec<crate::diagnostic::Diagnostic> {
    use rayon::prelude::*;

    use crate::diagnostic::{Code, Diagnostic};

    // Passages by the source they quote, as (event, passage) indices.
    let mut by_source: rustc_hash::FxHashMap<&str, Vec<(usize, usize)>> = Default::default();
    for (i, e) in events.iter().enumerate() {
        for (j, p) in e.passages.iter().enumerate() {
            by_source.entry(p.source.as_str()).or_default().push((i, j));
        }
    }
    let events_ref: &[crate::model::Event] = events;
    // Each source's passages anchored on a core of their own, in the
    // sources' order.
    let anchored: Vec<(&crate::model::Source, Option<&str>, Vec<Anchoring>)> = sources
        .par_iter()
        .filter_map(|source| Some((source, by_source.get(source.id.as_str())?)))
        .map(|(source, refs)| {
            let Some(text) = source.full_text() else {
                return (source, None, vec![Anchoring::NoText; refs.len()]);
            };
            let quotes: Vec<Quote> = refs
                .iter()
                .map(|&(i, j)| {
                    let p = &events_ref[i].passages[j];
                    Quote {
                        exact: &p.quote,
                        prefix: p.prefix.as_deref(),
                        suffix: p.suffix.as_deref(),
                        start_hint: p.start,
                    }
                })
                .collect();
            // A record quoting all of its own text (an import's): found
            // without a search.
            if let [quote] = quotes.as_slice()
                && !text.is_empty()
                && quote.exact.trim() == text
            {
                let whole = Anchor {
                    bytes: 0..text.len(),
                    chars: 0..text.chars().count(),
                    method: Method::Exact,
                    occurrences: 1,
                    ambiguous: false,
                };
                return (source, Some(text), vec![Anchoring::Found(whole)]);
            }
            (
                source,
                Some(text),
                SourceText::new(text).anchor_all(&quotes),
            )
        })
        .collect();
    // What did not anchor cleanly, in order (a search for the closest text
    // for the first few quotes not found).
    let mut out = Vec::new();
    let mut results = Vec::new();
    for (source, text, anchorings) in anchored {
        let refs = &by_source[source.id.as_str()];
        let failed_to_load = source.text_file.is_some();
        for (&(i, j), mut anchoring) in refs.iter().zip(anchorings) {
            let passage = &events[i].passages[j];
            let path = || passage_path(index(i), j);
            match (&mut anchoring, text) {
                (Anchoring::NoText, _) if !failed_to_load => out.push(
                    Diagnostic::error(
                        Code::SourceHasNoText,
                        format!("source \"{}\" has no text to find this passage in", source.id),
                    )
                    .with_help("give the source a \"text_file\" or its \"text\", so the quote can be checked")
                    .at_path(format!("{}.source", path())),
                ),
                (Anchoring::Found(a), _) => {
                    if a.ambiguous {
                        out.push(
                            Diagnostic::warning(
                                Code::PassageAmbiguous,
                                if a.occurrences > MAX_SCORED_OCCURRENCES {
                                    format!(
                                        "the quote occurs more than {MAX_SCORED_OCCURRENCES} times in source \"{}\"; the first is used",
                                        passage.source
                                    )
                                } else {
                                    format!(
                                        "the quote occurs {} times in source \"{}\"; the first is used",
                                        a.occurrences, passage.source
                                    )
                                },
                            )
                            .with_help("add a \"prefix\" or \"suffix\" (the words just before or after) to choose")
                            .at_path(format!("{}.quote", path())),
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
                            .at_path(format!("{}.start", path())),
                        );
                    }
                }
                (Anchoring::NotFound { closest: best }, Some(text)) => {
                    let help = if searches.0 > 0 {
                        searches.0 -= 1;
                        *best = closest(text, passage.quote.trim());
                        match best {
                            Some(c) => format!(
                                "the closest text in the source is \"{}\"; quote the source verbatim",
                                shorten(&c.text, 160)
                            ),
                            None => "nothing in the source resembles it: is it the right source?"
                                .to_string(),
                        }
                    } else {
                        "quote the source verbatim (too many quotes failed to suggest the closest text for each)".to_string()
                    };
                    out.push(
                        Diagnostic::error(
                            Code::PassageNotFound,
                            format!("the quote is not in source \"{}\"", passage.source),
                        )
                        .with_help(help)
                        .at_path(format!("{}.quote", path())),
                    );
                }
                _ => {}
            }
            results.push(((i, j), anchoring));
        }
    }
    drop(by_source);
    for ((i, j), anchoring) in results {
        events[i].passages[j].anchoring = anchoring;
    }
    out
}

fn passage_path(event: usize, passage: usize) -> String {
    format!("$.events[{event}].passages[{passage}]")
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

    fn char_offset(text: &str, byte: usize) -> usize {
        text[..byte].chars().count()
    }

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
    fn few_and_many_needles_find_the_same_overlapping_hits() {
        let hay = "aaa ab aab ééé";
        let needles = ["aa", "ab", "éé", "x", ""];
        let few: Vec<Vec<Range<usize>>> = needles
            .iter()
            .map(|n| find_all(hay, &[n])[0].clone())
            .collect();
        let many = find_all(hay, &needles);
        assert_eq!(few, many);
        assert_eq!(many[0], [0..2, 1..3, 7..9]);
        assert_eq!(many[2], [11..15, 13..17]);
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

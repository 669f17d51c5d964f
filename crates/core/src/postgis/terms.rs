//! The words' index `push` builds, and how a search asks it. Each row gets
//! [`TERMS_COLUMN`]: the hashes of the words of its folded text (its runs
//! of letters and digits, [`runs`]), each once, under a GIN index (the
//! server's own `int4[]` operators; about a tenth of the work of a trigram
//! index over the same text). Beside the table, its vocabulary
//! ([`vocabulary_name`]: each word, its hash and how many rows hold it),
//! which is small, with a trigram index when the server has `pg_trgm`.
//!
//! A search's run ("pla", "1234") may be inside any word: the vocabulary
//! gives the words that hold it, and the rows holding any of them are
//! asked for by `incident_terms && ARRAY[…]` through the index
//! ([`look_up`]). A run too short, held by so many words that the index
//! would be slower than reading the rows, or by a tenth of the rows or
//! more, gets no such condition: its rows are found by their text alone.
//! Either way the text is still matched (`LIKE`), so a hash two words
//! share finds nothing more. (The server cannot tell how few rows such a
//! condition lets through: its statistics of arrays guess a hundred times
//! too many at 10^7 rows, and it reads every row. A question with one is
//! asked with sequential reading discouraged, [`super::sql::Clause::through_words`].)

use std::collections::HashMap;

use postgres::Client;

/// The column of a pushed row's words' hashes (`int4[]`), each once.
pub const TERMS_COLUMN: &str = "incident_terms";

/// What the vocabulary adds to its table's name.
pub const VOCABULARY: &str = "__terms";

/// The comment that marks a vocabulary this app made.
pub const MARK: &str = "incident-map words of ";

/// A run shorter than this is not looked up (nearly every word holds it).
const SHORTEST: usize = 3;

/// A table of fewer rows (as the server estimates them; -1 when never
/// counted) is asked through the index for any run held by few enough
/// words, whatever share of its rows hold them.
const SMALL: f32 = 50_000.0;

/// At most this many words of a run are asked for through the index.
const MOST_WORDS: usize = 512;

/// The index reads each of the words' rows once per word asked for (the
/// server's GIN merges them so): above this many word-rows, a run's rows
/// are read by their text instead.
const MOST_WORK: u64 = 20_000_000;

/// The runs of letters and digits of `text` (folded): a word as the
/// vocabulary keeps it, and a search's run as it is looked up.
pub fn runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
}

/// A word's hash as [`TERMS_COLUMN`] holds it: 32-bit FNV-1a of its
/// UTF-8 bytes (fixed here: the tables pushed keep it).
pub fn hash(word: &str) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in word.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as i32
}

/// The distinct hashes of the words of a row's folded `text`, as
/// `int4[]` text; its words counted in `vocabulary`, each once.
pub fn row(text: &str, vocabulary: &Vocabulary) -> String {
    let mut words: Vec<(i32, &str)> = runs(text).map(|w| (hash(w), w)).collect();
    words.sort_unstable();
    words.dedup();
    vocabulary.add(&words);
    let mut out = String::with_capacity(2 + 12 * words.len());
    out.push('{');
    let mut last = None;
    for &(h, _) in &words {
        if last == Some(h) {
            continue;
        }
        if last.is_some() {
            out.push(',');
        }
        last = Some(h);
        out.push_str(itoa(h, &mut [0; 11]));
    }
    out.push('}');
    out
}

/// `n` in decimal, written into `buf`.
fn itoa(n: i32, buf: &mut [u8; 11]) -> &str {
    let mut at = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

/// The vocabulary's name beside `table` (in its schema).
pub fn vocabulary_name(table: &str) -> String {
    let mut parts = super::sql::name_parts(table);
    if let Some(last) = parts.last_mut() {
        last.push_str(VOCABULARY);
    }
    super::sql::join_parts(&parts)
}

/// The words of a push, counted as its rows are made (on every core).
pub struct Vocabulary {
    /// Each word and how many rows hold it, in shards by its hash.
    shards: [std::sync::Mutex<rustc_hash::FxHashMap<Box<str>, u32>>; 64],
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary {
            shards: std::array::from_fn(|_| Default::default()),
        }
    }
}

impl Vocabulary {
    /// Counts one row's words (distinct, with their hashes).
    fn add(&self, words: &[(i32, &str)]) {
        for &(h, w) in words {
            let shard = &self.shards[h as u32 as usize % 64];
            let mut map = shard.lock().unwrap_or_else(|e| e.into_inner());
            match map.get_mut(w) {
                Some(n) => *n += 1,
                None => {
                    map.insert(w.into(), 1);
                }
            }
        }
    }

    /// The words as COPY text rows (`term`, `hash`, `n`), tabs and
    /// backslashes never in a word.
    pub fn copy_text(self) -> Vec<u8> {
        let mut out = Vec::new();
        for shard in self.shards {
            for (w, n) in shard.into_inner().unwrap_or_else(|e| e.into_inner()) {
                out.extend_from_slice(format!("{w}\t{}\t{n}\n", hash(&w)).as_bytes());
            }
        }
        out
    }
}

/// What a table's vocabulary said of a search's runs: for each run it
/// gives an index condition for, the hashes of the words holding it (an
/// empty list: no word holds it, so no row does).
pub type Known = HashMap<String, Vec<i32>>;

/// What was looked up in one table's vocabulary, run by run (`None`: no
/// index condition for it).
pub type Cache = HashMap<String, Option<Vec<i32>>>;

/// Looks the runs of the terms of `search` (a search as the app reads it)
/// up in `table`'s vocabulary: those with few enough words get their
/// hashes; the others none. `cache` keeps what was looked up (the same
/// table). A vocabulary gone gives none (the words are still matched row
/// by row); any other failure is the server's error.
pub fn look_up(
    client: &mut Client,
    table: &str,
    search: &str,
    cache: &mut Cache,
) -> Result<Known, postgres::Error> {
    let vocabulary = super::sql::ident(&vocabulary_name(table));
    // (As the server estimates them, asked once a run is not in the
    // cache: -1 when never counted.)
    let mut table_rows: Option<f32> = None;
    let query = format!(
        "SELECT hash, n FROM {vocabulary} WHERE term LIKE $1 LIMIT {}",
        MOST_WORDS + 1
    );
    let mut known = Known::new();
    for term in crate::filter::terms(search) {
        for run in runs(&term.text) {
            if run.chars().count() < SHORTEST {
                continue;
            }
            if !cache.contains_key(run) {
                let pattern = format!("%{}%", super::sql::like_escape(run));
                let rows = match client.query(query.as_str(), &[&pattern]) {
                    Ok(rows) => rows,
                    Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => {
                        return Ok(Known::new());
                    }
                    Err(e) => return Err(e),
                };
                let rows_held: u64 = rows.iter().map(|r| r.get::<_, i32>(1) as u64).sum();
                let table_rows = match table_rows {
                    Some(n) => n,
                    None => {
                        let n: f32 = client
                            .query_one(
                                "SELECT coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)), -1)",
                                &[&super::sql::ident(table)],
                            )?
                            .get(0);
                        *table_rows.insert(n)
                    }
                };
                // (Below SMALL rows, reading them all is quick either way.)
                let few = table_rows < SMALL || (rows_held as f32) * 10.0 <= table_rows;
                let hashes = (few && indexed(rows.len(), rows_held)).then(|| {
                    let mut h: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
                    h.sort_unstable();
                    h.dedup();
                    h
                });
                cache.insert(run.to_string(), hashes);
            }
            if let Some(Some(h)) = cache.get(run) {
                known.insert(run.to_string(), h.clone());
            }
        }
    }
    Ok(known)
}

/// Whether a run held by `words` words, held by `rows_held` rows in all,
/// is asked for through the index.
fn indexed(words: usize, rows_held: u64) -> bool {
    words <= MOST_WORDS && (words as u64).saturating_mul(rows_held) <= MOST_WORK
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_run_is_asked_through_the_index_only_where_that_is_quicker() {
        // A word every row holds, at 10^7 rows: one list read once.
        assert!(super::indexed(1, 10_000_000));
        // "1234" at 10^6: a few words of a few rows.
        assert!(super::indexed(15, 290));
        // No word: no row (the index says so at once).
        assert!(super::indexed(0, 0));
        // "ing" in a large vocabulary: the server would read each row's
        // list once per word (20,000 × 900,000 took five minutes).
        assert!(!super::indexed(20_000, 900_000));
        assert!(!super::indexed(MOST_WORDS + 1, MOST_WORDS as u64 + 1));
        assert!(!super::indexed(100, 1_000_000));
    }

    use super::*;

    #[test]
    fn a_rows_words_are_its_runs_each_once_and_their_hashes_are_fixed() {
        // (FNV-1a's published values: the tables pushed keep them.)
        assert_eq!(hash(""), 0x811c_9dc5_u32 as i32);
        assert_eq!(hash("a"), 0xe40c_292c_u32 as i32);
        assert_eq!(hash("foobar"), 0xbf9c_f968_u32 as i32);
        let text = "place: place 42\nzürich, 42-b москва";
        let words: Vec<&str> = runs(text).collect();
        assert_eq!(
            words,
            ["place", "place", "42", "zürich", "42", "b", "москва"]
        );
        let v = Vocabulary::default();
        let array = row(text, &v);
        assert_eq!(array.matches(',').count(), 4, "{array}");
        let mut hashes: Vec<i32> = ["place", "42", "zürich", "b", "москва"].map(hash).into();
        hashes.sort_unstable();
        let each: Vec<String> = hashes.iter().map(i32::to_string).collect();
        assert_eq!(array, format!("{{{}}}", each.join(",")));
        assert_eq!(row("", &v), "{}");
        row("place 7", &v);
        let copy = String::from_utf8(v.copy_text()).unwrap();
        let mut lines: Vec<&str> = copy.lines().collect();
        lines.sort_unstable();
        assert_eq!(lines.len(), 6);
        assert!(lines.contains(&format!("place\t{}\t2", hash("place")).as_str()));
        assert!(lines.contains(&format!("42\t{}\t1", hash("42")).as_str()));
    }
}

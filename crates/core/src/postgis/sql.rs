//! A [`Filter`] as SQL, in one place: the `WHERE` clause that asks a table
//! pushed by `incident-map push` for what the same filter shows in memory,
//! with every value a parameter (`$1`, `$2`, …), never spliced in.

use super::terms::{Known, TERMS_COLUMN};
use crate::filter::{Filter, fold};
use crate::model::Category;

/// A value for a parameter of the clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Texts(Vec<String>),
    Float(f64),
    Floats(Vec<f64>),
    /// An `int4[]` (words' hashes, [`super::terms`]).
    Ints(Vec<i32>),
    /// Seconds since 1970, UTC.
    Seconds(i64),
}

/// What a question through the words' index is asked with (`scope`:
/// `LOCAL`, for its own transaction, or `SESSION`): the server then reads
/// the rows the index gives, where it would read them all
/// ([`Clause::through_words`]); and, misled by the same guess, it would
/// spend 0.4 s compiling the question (JIT) to read a few thousand rows.
pub fn through_words(scope: &str) -> String {
    format!("SET {scope} enable_seqscan = off; SET {scope} jit = off")
}

/// A `WHERE` clause (without the word) and its parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clause {
    pub sql: String,
    pub params: Vec<Param>,
    /// It asks for words through the index of their hashes, which the
    /// server would not choose by itself ([`super::terms`]).
    pub through_words: bool,
}

impl Clause {
    fn push(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len())
    }

    /// The condition that a row's point is in `b` (inclusive, through the
    /// GiST index), its corners added as parameters.
    pub fn envelope(&mut self, b: crate::model::BBox) -> String {
        let [w, s, e, n] =
            [b.sw.lon, b.sw.lat, b.ne.lon, b.ne.lat].map(|v| self.push(Param::Float(v)));
        format!("geom && ST_MakeEnvelope({w}, {s}, {e}, {n}, 4326)")
    }
}

/// `filter` as a clause over a pushed table's columns; `categories` are
/// the data set's, to name the hidden ones as the table does (by label).
/// A filter the table cannot answer (sources, reliabilities: not pushed)
/// is an error saying so.
pub fn clause(filter: &Filter, categories: &[Category]) -> Result<Clause, String> {
    clause_over(filter, categories, Words::Expression, &Known::new())
}

/// The text words are searched in, as any pushed table can give it (what
/// `concat_ws` gives, lower case).
pub const WORDS_EXPRESSION: &str =
    "lower(concat_ws(' ', title, actor1, actor2, place, summary, notes))";

/// The column tables pushed before kept that text in, made by the server
/// from the row (so a trigram index could answer words); read on such
/// tables, no longer written.
pub const WORDS_COLUMN: &str = "incident_words";

/// The column `push` keeps an event's words in as the app searches them
/// in the row read back (title, summary, actors, place and its other
/// names, the passages quoted), folded as it folds them (case, accents),
/// one line each. Written by the app, so a word found through it is what
/// the app finds; the hashes of its words ([`TERMS_COLUMN`]) lead to it
/// through their index. (Tables pushed before had trigram indexes on it,
/// by parts: [`PART_COLUMN`].)
/// A row added by other means has no [`TERMS_COLUMN`] (or part), and is
/// searched through this column if it was given one, else
/// [`WORDS_EXPRESSION`].
pub const SEARCH_COLUMN: &str = "incident_search";

/// The column that put each row `push` wrote, before its words were
/// hashed, in one of [`WORD_PARTS`] parts (0, 1, …), each with a trigram
/// index of its own on [`SEARCH_COLUMN`] (built at once, on as many
/// cores). A row added by other means has none (`NULL`). Read, no longer
/// written.
pub const PART_COLUMN: &str = "incident_part";

/// How many parts [`PART_COLUMN`] names.
pub const WORD_PARTS: usize = 4;

/// The condition that a row is in one of the parts (what lets the server
/// answer through each part's index).
fn in_parts() -> String {
    let each: Vec<String> = (0..WORD_PARTS)
        .map(|j| format!("{PART_COLUMN} = {j}"))
        .collect();
    format!("({})", each.join(" OR "))
}

/// Where a table keeps the words [`clause_over`] looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// [`SEARCH_COLUMN`], found through [`TERMS_COLUMN`] (pushed now).
    Terms,
    /// [`SEARCH_COLUMN`], through trigram indexes by parts.
    Folded,
    /// [`WORDS_COLUMN`] (pushed before).
    Lowered,
    /// [`WORDS_EXPRESSION`], row by row.
    Expression,
}

impl Words {
    /// The words of a table with these columns.
    pub fn of(has: impl Fn(&str) -> bool) -> Words {
        if has(SEARCH_COLUMN) && has(TERMS_COLUMN) {
            Words::Terms
        } else if has(SEARCH_COLUMN) {
            Words::Folded
        } else if has(WORDS_COLUMN) {
            Words::Lowered
        } else {
            Words::Expression
        }
    }

    /// The condition that the words match `pattern` (a parameter) by `op`
    /// (`LIKE`, `~`); `held` are conditions on [`TERMS_COLUMN`] that every
    /// row matching holds (see [`super::terms`]).
    fn condition(self, op: &str, pattern: &str, held: &[String]) -> String {
        match self {
            Words::Terms if held.is_empty() => {
                format!("coalesce({SEARCH_COLUMN}, {WORDS_EXPRESSION}) {op} {pattern}")
            }
            Words::Terms => format!(
                "(({} AND {SEARCH_COLUMN} {op} {pattern}) OR ({TERMS_COLUMN} IS NULL AND \
                 coalesce({SEARCH_COLUMN}, {WORDS_EXPRESSION}) {op} {pattern}))",
                held.join(" AND ")
            ),
            Words::Folded => format!(
                "(({SEARCH_COLUMN} {op} {pattern} AND {parts}) OR ({PART_COLUMN} IS NULL AND \
                 coalesce({SEARCH_COLUMN}, {WORDS_EXPRESSION}) {op} {pattern}))",
                parts = in_parts()
            ),
            Words::Lowered => format!("{WORDS_COLUMN} {op} {pattern}"),
            Words::Expression => format!("{WORDS_EXPRESSION} {op} {pattern}"),
        }
    }
}

/// The rows of a pushed table (its words `words`: [`Words::Terms`] or
/// [`Words::Folded`]) that may hold the words of `query` (a search as the
/// app reads it), as a condition on its [`SEARCH_COLUMN`]: each run of
/// letters and digits of each term somewhere in the row's folded words
/// (through the index of their hashes, for the runs `known` gives; or
/// their trigram indexes), and every row push did not write.
/// What it lets through holds every row the app's search finds in the
/// table read back (push writes each row's words as they are read back:
/// a test holds it to that); the app's search then finds exactly those
/// among them. `None` for a query of no letters or digits, or another
/// table.
pub fn may_hold(query: &str, words: Words, known: &Known) -> Option<String> {
    let terms = crate::filter::terms(query);
    let mut each: Vec<String> = Vec::new();
    for run in terms.iter().flat_map(|t| super::terms::runs(&t.text)) {
        let pattern = format!("%{}%", like_escape(run));
        each.push(format!("{SEARCH_COLUMN} LIKE {}", literal(&pattern)));
        if let Some(hashes) = known.get(run) {
            each.push(format!("{TERMS_COLUMN} && {}", int_array(hashes)));
        }
    }
    if each.is_empty() {
        return None;
    }
    match words {
        Words::Terms => Some(format!(
            "({TERMS_COLUMN} IS NULL OR ({}))",
            each.join(" AND ")
        )),
        Words::Folded => Some(format!(
            "({PART_COLUMN} IS NULL OR ({} AND {}))",
            each.join(" AND "),
            in_parts()
        )),
        Words::Lowered | Words::Expression => None,
    }
}

/// Hashes as an `int4[]` literal.
fn int_array(hashes: &[i32]) -> String {
    let each: Vec<String> = hashes.iter().map(i32::to_string).collect();
    format!("'{{{}}}'::int4[]", each.join(","))
}

/// [`clause`], with words looked for where the table keeps them (and,
/// for [`Words::Terms`], through the index of the runs `known` gives).
pub fn clause_over(
    filter: &Filter,
    categories: &[Category],
    words: Words,
    known: &Known,
) -> Result<Clause, String> {
    if !filter.sources.is_empty() || !filter.reliabilities.is_empty() {
        return Err("filtering by source or reliability needs the data in memory: export what is shown, then open the file".into());
    }
    let mut c = Clause::default();
    let mut parts: Vec<String> = Vec::new();
    if let Some((from, to)) = filter.window {
        let (a, b) = (c.push(Param::Seconds(from)), c.push(Param::Seconds(to)));
        let dated =
            format!("(incident_start <= to_timestamp({b}) AND incident_end >= to_timestamp({a}))");
        parts.push(if filter.include_undated {
            format!("({dated} OR incident_start IS NULL)")
        } else {
            dated
        });
    }
    if !filter.hidden_categories.is_empty() {
        let labels: Vec<String> = categories
            .iter()
            .filter(|k| filter.hidden_categories.contains(&k.id))
            .map(|k| k.label.clone())
            .collect();
        let p = c.push(Param::Texts(labels));
        parts.push(format!(
            "(category IS NULL OR category = '' OR NOT category = ANY({p}))"
        ));
    }
    let actors: Vec<String> = filter
        .actors
        .iter()
        .map(|a| fold(a.trim()))
        .filter(|a| !a.is_empty())
        .collect();
    if !actors.is_empty() {
        let mut any = Vec::new();
        for a in actors {
            let p = c.push(Param::Text(format!("%{}%", like_escape(&a))));
            any.push(format!("lower(actor1) LIKE {p}"));
            any.push(format!(
                "EXISTS (SELECT 1 FROM unnest(string_to_array(actor2, '; ')) AS a WHERE lower(a) LIKE {p})"
            ));
        }
        parts.push(format!("({})", any.join(" OR ")));
    }
    for term in crate::filter::terms(&filter.text) {
        let p = c.push(Param::Text(format!("%{}%", like_escape(&term.text))));
        let held: Vec<String> = if words == Words::Terms {
            super::terms::runs(&term.text)
                .filter_map(|run| known.get(run))
                .map(|hashes| format!("{TERMS_COLUMN} && {}", c.push(Param::Ints(hashes.clone()))))
                .collect()
        } else {
            Vec::new()
        };
        c.through_words |= !held.is_empty();
        parts.push(words.condition("LIKE", &p, &held));
        // A phrase whole: not inside a longer word at either end it
        // closes (a POSIX class, as the app's letters and digits).
        if term.whole_start || term.whole_end {
            let p = c.push(Param::Text(format!(
                "{}{}{}",
                if term.whole_start {
                    "(^|[^[:alnum:]])"
                } else {
                    ""
                },
                regex_escape(&term.text),
                if term.whole_end {
                    "($|[^[:alnum:]])"
                } else {
                    ""
                }
            )));
            parts.push(words.condition("~", &p, &[]));
        }
    }
    if !filter.precisions.is_empty() {
        let names = filter
            .precisions
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        let p = c.push(Param::Texts(names));
        parts.push(format!("precision = ANY({p})"));
    }
    if let Some(b) = filter.bbox {
        parts.push(c.envelope(b));
    }
    c.sql = if parts.is_empty() {
        "TRUE".into()
    } else {
        parts.join(" AND ")
    };
    Ok(c)
}

/// `s` with a POSIX regular expression's special characters taken
/// literally.
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` with LIKE's wildcards taken literally.
pub(super) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A text as an SQL string literal (`it's` as `'it''s'`), for where no
/// parameter may go (a comment).
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A name quoted as an SQL identifier (`public.acled` as `"public"."acled"`;
/// `"my.table"` as one name with a dot in it).
pub fn ident(name: &str) -> String {
    name_parts(name)
        .iter()
        .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

/// The parts of a table's name as written in a URL: split at each dot
/// (`schema.table`), except inside double quotes, which hold a name with
/// a dot in it (`"my.table"`, `public."my.table"`; `""` is a quote).
pub fn name_parts(name: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = name.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                parts.last_mut().expect("one").push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(String::new()),
            c => parts.last_mut().expect("one").push(c),
        }
    }
    parts
}

/// Parts joined back as [`name_parts`] reads them (a part with a dot or a
/// quote in double quotes).
pub fn join_parts(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| {
            if p.contains(['.', '"']) {
                format!("\"{}\"", p.replace('"', "\"\""))
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The longest name PostgreSQL keeps, in bytes (it cuts longer ones).
pub const NAME_BYTES: usize = 63;

/// Why a table's name cannot be used as given: an empty part, or one
/// longer than the server keeps (`room` bytes kept free at its end for
/// what is named after it, as push's `__times`).
pub fn name_problem(name: &str, room: usize) -> Option<String> {
    let parts = name_parts(name);
    if parts.len() > 2 || parts.iter().any(String::is_empty) {
        return Some(format!(
            "\"{name}\" is not a table's name: write NAME or SCHEMA.NAME, and a name with a dot in double quotes (?table=%22my.table%22)"
        ));
    }
    let last = parts.last().expect("one");
    let most = NAME_BYTES - room;
    (last.len() > most || parts.iter().any(|p| p.len() > NAME_BYTES)).then(|| {
        format!(
            "the table's name \"{last}\" is {} bytes; PostgreSQL keeps {NAME_BYTES}{}: choose a shorter name",
            last.len(),
            if room > 0 {
                format!(" and {room} are needed after it for the summaries beside it, so at most {most}")
            } else {
                String::new()
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_splits_at_dots_outside_double_quotes() {
        assert_eq!(ident("acled"), "\"acled\"");
        assert_eq!(ident("public.acled"), "\"public\".\"acled\"");
        assert_eq!(ident("\"my.table\""), "\"my.table\"");
        assert_eq!(ident("s.\"a \"\"b\"\".c\""), "\"s\".\"a \"\"b\"\".c\"");
        for name in ["acled", "public.acled", "\"my.table\"", "s.\"x.y\""] {
            assert_eq!(join_parts(&name_parts(name)), name);
        }
        assert!(name_problem("a.b.c", 0).is_some());
        assert!(name_problem("a.", 0).is_some());
        assert!(name_problem(&"x".repeat(63), 0).is_none());
        assert!(name_problem(&"x".repeat(64), 0).is_some());
        assert!(name_problem(&"x".repeat(57), 7).is_some());
    }
    use crate::model::{BBox, LatLon, Precision};

    #[test]
    fn every_part_of_a_filter_is_a_condition_with_its_values_as_parameters() {
        assert_eq!(clause(&Filter::default(), &[]).unwrap().sql, "TRUE");
        let categories = vec![Category {
            id: "riots".into(),
            label: "Riots".into(),
            color: None,
            description: None,
        }];
        let f = Filter {
            window: Some((100, 200)),
            include_undated: true,
            hidden_categories: ["riots".to_string()].into(),
            actors: vec!["Police".into()],
            text: "o'brien 50%".into(),
            precisions: [Precision::Town].into(),
            bbox: Some(BBox {
                sw: LatLon { lat: 1.0, lon: 2.0 },
                ne: LatLon { lat: 3.0, lon: 4.0 },
            }),
            ..Filter::default()
        };
        let c = clause(&f, &categories).unwrap();
        assert!(c.sql.starts_with("((incident_start <= to_timestamp($2) AND incident_end >= to_timestamp($1)) OR incident_start IS NULL)"), "{}", c.sql);
        assert!(c.sql.contains("NOT category = ANY($3)"), "{}", c.sql);
        assert!(
            c.sql.contains("ST_MakeEnvelope($8, $9, $10, $11, 4326)"),
            "{}",
            c.sql
        );
        // No value is spliced into the text.
        assert!(
            !c.sql.contains("brien") && !c.sql.contains("Riots"),
            "{}",
            c.sql
        );
        assert_eq!(c.params[0], Param::Seconds(100));
        assert_eq!(c.params[2], Param::Texts(vec!["Riots".into()]));
        assert_eq!(c.params[3], Param::Text("%police%".into()));
        assert_eq!(c.params[5], Param::Text("%50\\%%".into()));
        assert_eq!(c.params[6], Param::Texts(vec!["town".into()]));
        assert_eq!(c.params[7], Param::Float(2.0));
        let by_source = Filter {
            sources: ["Reuters".to_string()].into(),
            ..Filter::default()
        };
        assert!(clause(&by_source, &[]).is_err());
        // A quote in a name is written doubled inside quotes; however
        // written, a name never closes the quotes it is put in.
        assert_eq!(ident("public.\"a\"\"b\""), "\"public\".\"a\"\"b\"");
        assert_eq!(ident("public.a\"b"), "\"public\".\"ab\"");
    }
}

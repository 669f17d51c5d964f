//! A JSON document with positions, and a typed walk over it that reports
//! every problem instead of stopping at the first.
//!
//! `jsonc-parser` (in strict JSON mode) gives the syntax tree with byte ranges.
//! [`Obj`] wraps one object of it: it reports unknown keys (with a "did you
//! mean" hint) and duplicate keys once, then hands out typed fields, turning a
//! wrong type or a missing field into a [`Diagnostic`] at the value's position.
//! [`locate`] finds the byte offset of a JSON path, so checks that run on the
//! model later can still point at the right line.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};

/// Deepest nesting accepted; real data files need a handful of levels.
pub const MAX_DEPTH: usize = crate::limits::MAX_JSON_DEPTH;

/// Parses strict JSON (RFC 8259: no comments, no trailing commas).
pub fn parse(text: &str) -> Result<Value<'_>, Box<Diagnostic>> {
    if let Some(offset) = too_deep(text, MAX_DEPTH) {
        return Err(Box::new(
            Diagnostic::error(
                Code::TooDeep,
                format!("the JSON is nested more than {MAX_DEPTH} levels deep"),
            )
            .with_help(
                "incident files need only a few levels: check that this is the file you meant",
            )
            .at_offset(offset),
        ));
    }
    if let Some(offset) = control_in_string(text) {
        return Err(Box::new(
            Diagnostic::error(
                Code::Syntax,
                "invalid JSON: a string holds a raw control character (a tab or line break typed into it)",
            )
            .with_help("write it escaped: \\t for a tab, \\n for a line break")
            .at_offset(offset),
        ));
    }
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict) {
        Ok(result) => result.value.ok_or_else(|| {
            Box::new(
                Diagnostic::error(Code::Syntax, "the file is empty")
                    .with_help(
                        "a data file is a JSON object: { \"format\": \"incident-map\", ... }",
                    )
                    .at_offset(0),
            )
        }),
        Err(e) => {
            let what = e.kind().to_string();
            let help = syntax_help(&what);
            let d = Diagnostic::error(
                Code::Syntax,
                format!("invalid JSON: {}", lower_first(&what)),
            )
            .with_help(help)
            .at_offset(e.range().start);
            Err(Box::new(d))
        }
    }
}

/// Where a string first holds a character below U+0020 unescaped, which
/// JSON forbids (RFC 8259, section 7) and the parser would let through.
fn control_in_string(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(q) = memchr::memchr(b'"', &b[i..]) {
        // Inside a string from here to its closing quote.
        let mut j = i + q + 1;
        loop {
            match b.get(j)? {
                b'"' => break,
                b'\\' => j += 2,
                c if *c < 0x20 => return Some(j),
                _ => j += 1,
            }
        }
        i = j + 1;
    }
    None
}

fn syntax_help(what: &str) -> &'static str {
    let what = what.to_lowercase();
    if what.contains("unterminated") {
        "the file ends before this is closed: it may be truncated, or a } or ] is missing"
    } else if what.contains("trailing comma") {
        "remove the comma after the last item"
    } else if what.contains("comma") {
        "items in a list and fields in an object are separated by commas"
    } else if what.contains("comment") {
        "JSON has no comments: put notes in a \"note\" field"
    } else if what.contains("single-quoted") {
        "JSON strings use double quotes"
    } else {
        "check the JSON syntax near this position"
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// The offset of the first bracket nested deeper than `max`, if any, found
/// without recursion so that no input can exhaust the stack.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The name of a JSON value's type, for messages: "a string", "an object".
/// The same JSON as a `serde_json` value (for crates that take one).
pub fn to_serde(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::NullKeyword(_) => J::Null,
        Value::BooleanLit(b) => J::Bool(b.value),
        // A number no float holds (1e400) stays its text, for the reader
        // to report rather than lose.
        Value::NumberLit(n) => n
            .value
            .parse::<serde_json::Number>()
            .map_or_else(|_| J::String(n.value.to_string()), J::Number),
        Value::StringLit(s) => J::String(s.value.to_string()),
        Value::Array(a) => J::Array(a.elements.iter().map(to_serde).collect()),
        Value::Object(o) => J::Object(
            o.properties
                .iter()
                .map(|p| (p.name.as_str().to_string(), to_serde(&p.value)))
                .collect(),
        ),
    }
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::NullKeyword(_) => "null",
    }
}

/// Appends a key to a JSON path: `.name`, or `["odd name"]`.
pub fn child_path(path: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", serde_json::to_string(key).unwrap_or_default())
    }
}

pub fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// Where problems found while decoding go.
#[derive(Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Reports that `v` at `path` is not `expected`.
    pub fn wrong_type(&mut self, v: &Value, path: &str, expected: &str) {
        let help = match (expected, v) {
            ("a number", Value::StringLit(_)) => "write the number without quotes, e.g. 55.7558",
            ("a string", Value::NumberLit(_) | Value::BooleanLit(_)) => {
                "put the text in double quotes"
            }
            ("an array", _) => "make it a list: [ ... ], with one item per entry",
            ("true or false", _) => "write true or false, without quotes",
            (e, _) if e.contains("object") => "write it as an object: { \"field\": value, ... }",
            (_, Value::NullKeyword(_)) => {
                "null is not a value here: leave the field out when there is nothing to say"
            }
            ("a string", Value::Array(_)) => {
                "give one value in double quotes, not a list (e.g. \"2024-03-22\")"
            }
            ("a number", Value::Array(_) | Value::Object(_)) => "give one number, e.g. 55.7558",
            _ => "give a value of the expected kind",
        };
        let d = Diagnostic::error(
            Code::WrongType,
            format!("expected {expected}, found {}", type_name(v)),
        )
        .at_path(path)
        .at_offset(v.start());
        self.push(d.with_help(help));
    }

    pub fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::StringLit(s) => Some(s.value.to_string()),
            _ => {
                self.wrong_type(v, path, "a string");
                None
            }
        }
    }

    pub fn number(&mut self, v: &Value, path: &str) -> Option<f64> {
        match v {
            Value::NumberLit(n) => match n.value.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("{} is not a finite number", n.value),
                        )
                        .with_help("write a number within the range of a 64-bit float")
                        .at_path(path)
                        .at_offset(v.start()),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(v, path, "a number");
                None
            }
        }
    }

    pub fn count(&mut self, v: &Value, path: &str) -> Option<u64> {
        let x = self.number(v, path)?;
        if x >= 0.0 && x.fract() == 0.0 && x <= 9.0e15 {
            Some(x as u64)
        } else {
            self.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("{x} is not a whole number of 0 or more"),
                )
                .with_help("counts are whole numbers, 0 or more (e.g. 3); leave the field out when nobody knows")
                .at_path(path)
                .at_offset(v.start()),
            );
            None
        }
    }

    pub fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::BooleanLit(b) => Some(b.value),
            _ => {
                self.wrong_type(v, path, "true or false");
                None
            }
        }
    }

    pub fn array<'v, 't>(&mut self, v: &'v Value<'t>, path: &str) -> Option<&'v [Value<'t>]> {
        match v {
            Value::Array(a) => Some(&a.elements),
            _ => {
                self.wrong_type(v, path, "an array");
                None
            }
        }
    }

    /// One of a fixed set of words, with a "did you mean" for near misses.
    pub fn one_of(&mut self, v: &Value, path: &str, allowed: &[&str]) -> Option<String> {
        let s = self.string(v, path)?;
        if allowed.contains(&s.as_str()) {
            return Some(s);
        }
        let help = match did_you_mean(&s, allowed.iter().copied()) {
            Some(m) => format!("did you mean \"{m}\"? Allowed: {}", allowed.join(", ")),
            None => format!("allowed: {}", allowed.join(", ")),
        };
        self.push(
            Diagnostic::error(
                Code::InvalidValue,
                format!("\"{s}\" is not an allowed value"),
            )
            .with_help(help)
            .at_path(path)
            .at_offset(v.start()),
        );
        None
    }
}

/// One JSON object being decoded, with its path.
pub struct Obj<'v, 't> {
    pub object: &'v Object<'t>,
    pub path: String,
    /// Known keys already suggested for a misspelled one: not reported missing too.
    suggested: Vec<String>,
}

impl<'v, 't> Obj<'v, 't> {
    /// Wraps `v` as an object describing `what` ("an event"), reporting a
    /// wrong type, duplicate keys, and keys not in `known`. `aliases` maps
    /// words people write by habit to the key this format uses.
    pub fn new(
        v: &'v Value<'t>,
        path: &str,
        what: &str,
        known: &[&str],
        aliases: &[(&str, &str)],
        report: &mut Report,
    ) -> Option<Self> {
        let Value::Object(object) = v else {
            report.wrong_type(v, path, &format!("{what} (a JSON object)"));
            return None;
        };
        // Keys seen so far: a set, so that an object of a million keys is
        // checked in linear time.
        let mut seen: rustc_hash::FxHashSet<&str> = Default::default();
        let mut suggested = Vec::new();
        for prop in &object.properties {
            let key = prop.name.as_str();
            let key_path = || child_path(path, key);
            if !seen.insert(key) {
                report.push(
                    Diagnostic::error(
                        Code::DuplicateKey,
                        format!("the field \"{key}\" appears twice in {what}"),
                    )
                    .with_help("keep one of them: a reader would silently take either")
                    .at_path(key_path())
                    .at_offset(prop.name.start()),
                );
                continue;
            }
            if !known.contains(&key) {
                let suggestion = aliases
                    .iter()
                    .find(|(alias, _)| alias.eq_ignore_ascii_case(key))
                    .map(|(_, k)| *k)
                    .or_else(|| did_you_mean(key, known.iter().copied()));
                let help = match suggestion {
                    Some(k) => {
                        suggested.push(k.to_string());
                        format!("did you mean \"{k}\"?")
                    }
                    None => format!("the fields of {what} are: {}", known.join(", ")),
                };
                report.push(
                    Diagnostic::error(
                        Code::UnknownField,
                        format!("unknown field \"{key}\" in {what}"),
                    )
                    .with_help(help)
                    .at_path(key_path())
                    .at_offset(prop.name.start()),
                );
            }
        }
        Some(Obj {
            object,
            path: path.to_string(),
            suggested,
        })
    }

    /// The byte offset of the object's opening brace.
    pub fn start(&self) -> usize {
        self.object.range.start
    }

    pub fn get(&self, key: &str) -> Option<&'v Value<'t>> {
        self.object
            .properties
            .iter()
            .find(|p| p.name.as_str() == key)
            .map(|p| &p.value)
    }

    pub fn path_of(&self, key: &str) -> String {
        child_path(&self.path, key)
    }

    /// Reports a missing required field.
    pub fn missing(&self, key: &str, what: &str, help: &str, report: &mut Report) {
        if self.suggested.iter().any(|k| k == key) {
            return;
        }
        report.push(
            Diagnostic::error(Code::MissingField, format!("{what} has no \"{key}\""))
                .with_help(help.to_string())
                .at_path(self.path.clone())
                .at_offset(self.start()),
        );
    }

    /// An optional string field.
    pub fn opt_string(&self, key: &str, report: &mut Report) -> Option<String> {
        let v = self.get(key)?;
        report.string(v, &self.path_of(key))
    }

    /// A required, non-empty string field.
    pub fn req_string(
        &self,
        key: &str,
        what: &str,
        help: &str,
        report: &mut Report,
    ) -> Option<String> {
        let Some(v) = self.get(key) else {
            self.missing(key, what, help, report);
            return None;
        };
        let s = report.string(v, &self.path_of(key))?;
        if s.trim().is_empty() {
            report.push(
                Diagnostic::error(Code::EmptyValue, format!("\"{key}\" of {what} is empty"))
                    .with_help(help.to_string())
                    .at_path(self.path_of(key))
                    .at_offset(v.start()),
            );
            return None;
        }
        Some(s)
    }

    pub fn opt_number(&self, key: &str, report: &mut Report) -> Option<f64> {
        let v = self.get(key)?;
        report.number(v, &self.path_of(key))
    }

    pub fn opt_count(&self, key: &str, report: &mut Report) -> Option<u64> {
        let v = self.get(key)?;
        report.count(v, &self.path_of(key))
    }

    pub fn opt_bool(&self, key: &str, report: &mut Report) -> Option<bool> {
        let v = self.get(key)?;
        report.boolean(v, &self.path_of(key))
    }

    /// An optional array; each element is given to `each` with its path.
    pub fn each<T>(
        &self,
        key: &str,
        report: &mut Report,
        mut each: impl FnMut(&'v Value<'t>, String, &mut Report) -> Option<T>,
    ) -> Vec<T> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let path = self.path_of(key);
        let Some(items) = report.array(v, &path) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| each(item, index_path(&path, i), report))
            .collect()
    }
}

/// The byte offset of the value at `path` (as made by [`child_path`] and
/// [`index_path`]), or of the deepest value on the way that exists.
pub fn locate(root: &Value, path: &str) -> Option<usize> {
    let mut rest = path.strip_prefix('$')?;
    let mut node = root;
    loop {
        let next = if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let (key, after) = r.split_at(end);
            rest = after;
            member(node, key)
        } else if let Some(r) = rest.strip_prefix("[\"") {
            // A quoted key: find its closing quote, honouring escapes.
            let end = quoted_end(r)?;
            let key: String = serde_json::from_str(&format!("\"{}", &r[..=end])).ok()?;
            rest = r[end + 1..].strip_prefix(']')?;
            member(node, &key)
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let i: usize = r[..end].parse().ok()?;
            rest = &r[end + 1..];
            match node {
                Value::Array(a) => a.elements.get(i),
                _ => None,
            }
        } else {
            return Some(node.start());
        };
        match next {
            Some(n) => node = n,
            None => return Some(node.start()),
        }
    }
}

/// The value of `key` in an object, if `node` is one and has it.
pub fn member<'v, 't>(node: &'v Value<'t>, key: &str) -> Option<&'v Value<'t>> {
    match node {
        Value::Object(o) => o
            .properties
            .iter()
            .find(|p| p.name.as_str() == key)
            .map(|p| &p.value),
        _ => None,
    }
}

fn quoted_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_have_an_offset_and_help() {
        let e = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(e.code, Code::Syntax);
        assert!(e.help.as_deref().unwrap().contains("comma"), "{e:?}");
        let e = parse("{\"a\": [1, 2").unwrap_err();
        assert!(e.message.contains("unterminated"), "{e:?}");
        assert!(parse("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = "[".repeat(100_000);
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.code, Code::TooDeep);
        assert_eq!(e.offset, Some(MAX_DEPTH));
        // Brackets inside strings do not count.
        let text = format!("[\"{}\"]", "[".repeat(1000));
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn unknown_and_duplicate_keys_are_reported_with_hints() {
        let v = parse(r#"{"title": "a", "titel": "b", "title": "c", "lat": 1}"#).unwrap();
        let mut r = Report::default();
        let o = Obj::new(
            &v,
            "$",
            "an event",
            &["title", "lon"],
            &[("lat", "where")],
            &mut r,
        )
        .unwrap();
        assert_eq!(o.opt_string("title", &mut r).as_deref(), Some("a"));
        let msgs: Vec<String> = r
            .diagnostics
            .iter()
            .map(|d| format!("{} | {}", d.message, d.help.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(msgs.len(), 3, "{msgs:#?}");
        assert!(msgs[0].contains("\"titel\"") && msgs[0].contains("did you mean \"title\""));
        assert!(msgs[1].contains("appears twice"));
        assert!(msgs[2].contains("\"lat\"") && msgs[2].contains("did you mean \"where\""));
    }

    #[test]
    fn wrong_types_and_non_finite_numbers_are_reported() {
        let v = parse(r#"{"n": "x", "big": 1e999, "c": -1}"#).unwrap();
        let mut r = Report::default();
        let o = Obj::new(&v, "$", "a thing", &["n", "big", "c"], &[], &mut r).unwrap();
        assert_eq!(o.opt_number("n", &mut r), None);
        assert_eq!(o.opt_number("big", &mut r), None);
        assert_eq!(o.opt_count("c", &mut r), None);
        let msgs: Vec<&str> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "expected a number, found a string",
                "1e999 is not a finite number",
                "-1 is not a whole number of 0 or more"
            ]
        );
    }

    #[test]
    fn locate_follows_paths_to_offsets() {
        let text = r#"{"events": [{"id": "a"}, {"where": {"lat": 91}}], "we ird": {"k": 1}}"#;
        let v = parse(text).unwrap();
        let at = |p: &str| locate(&v, p).map(|o| &text[o..]);
        assert!(at("$.events[1].where.lat").unwrap().starts_with("91"));
        assert!(at("$.events[0].id").unwrap().starts_with("\"a\""));
        // A missing tail stops at the deepest value that exists.
        assert!(at("$.events[1].where.lon").unwrap().starts_with("{\"lat\""));
        assert!(
            at(&child_path(&child_path("$", "we ird"), "k"))
                .unwrap()
                .starts_with('1')
        );
    }
}

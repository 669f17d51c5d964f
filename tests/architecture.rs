//! The app's code imports in one direction: no file of `src/` names,
//! through the files it names, a file that names it back; nor does any
//! top-level module (`action`, `state`, `panels`…) through the others.
//! A file names another by a path in its code (`use crate::views::…`,
//! `super::document::Document`, `crate::recovery::offer(…)`); a module's
//! own `mod` lines and its tests are not names. Run with `cargo test --test
//! architecture`; a circle is printed file by file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/`: `state/document.rs` →
/// `["state", "document"]`; `state/mod.rs`, `lib.rs` → its folder's.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments, string literals and its tests.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            // A char literal ('"') must not open a string.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\"'") || rest.starts_with("\\\"") {
                    chars.nth(rest.find('\'').unwrap_or(1));
                }
                out.push('\'');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The paths a file's code names, each as the segments after its root
/// (`crate` or the file's own module for `super`/`self`), braces expanded.
fn named_paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let bytes: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_');
        let rest: String = bytes[i..bytes.len().min(i + 8)].iter().collect();
        let root = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|r| rest.starts_with(r));
        match root.filter(|_| starts_word) {
            Some(r) => {
                // The path runs on through names, `::`, braces, commas and spaces.
                let mut depth = 0;
                let mut j = i;
                while j < bytes.len() {
                    let c = bytes[j];
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' | ' ' | '\n' | '*' if depth > 0 => {}
                        c if c.is_alphanumeric() || c == '_' || c == ':' => {}
                        _ => break,
                    }
                    j += 1;
                }
                let text: String = bytes[i..j].iter().collect();
                let base: Vec<String> = match r {
                    "crate::" => Vec::new(),
                    "self::" => here.to_vec(),
                    _ => here[..here.len().saturating_sub(1)].to_vec(),
                };
                let mut text = text[r.len()..].to_string();
                // `super::super::x`
                let mut base = base;
                while let Some(t) = text.strip_prefix("super::") {
                    base.pop();
                    text = t.to_string();
                }
                for p in expand(&text) {
                    let mut full = base.clone();
                    full.extend(p);
                    out.push(full);
                }
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e` (as segments).
fn expand(text: &str) -> Vec<Vec<String>> {
    let text = text.trim();
    let Some(open) = text.find('{') else {
        return vec![
            text.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "self")
                .map(str::to_string)
                .collect(),
        ];
    };
    let prefix: Vec<String> = text[..open]
        .split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let inner = &text[open + 1..text.rfind('}').unwrap_or(text.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    let mut out = Vec::new();
    for item in items.into_iter().filter(|s| !s.trim().is_empty()) {
        for tail in expand(item) {
            let mut p = prefix.clone();
            p.extend(tail);
            out.push(p);
        }
    }
    if out.is_empty() {
        out.push(prefix);
    }
    out
}

/// The file a path names: the longest prefix of it that is a file's module.
fn file_named(path: &[String], modules: &BTreeMap<Vec<String>, PathBuf>) -> Option<PathBuf> {
    (0..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n]).cloned())
}

/// The first circle in `graph`, as the nodes around it.
fn circle<T: Ord + Clone>(graph: &BTreeMap<T, BTreeSet<T>>) -> Option<Vec<T>> {
    fn visit<T: Ord + Clone>(
        n: &T,
        graph: &BTreeMap<T, BTreeSet<T>>,
        state: &mut BTreeMap<T, u8>,
        stack: &mut Vec<T>,
    ) -> Option<Vec<T>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in graph.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|x| x == m).unwrap();
                    let mut c = stack[from..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if state.get(n).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, graph, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// The files of `src/` and the files each names.
fn graph(src: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut all = Vec::new();
    files(src, &mut all);
    let modules: BTreeMap<Vec<String>, PathBuf> = all
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(src).unwrap().to_path_buf();
            (module_of(&rel), rel)
        })
        .collect();
    let mut graph = BTreeMap::new();
    for f in &all {
        let rel = f.strip_prefix(src).unwrap().to_path_buf();
        // `main.rs` is a crate of its own: it names the library by name.
        if rel == Path::new("main.rs") {
            continue;
        }
        let here = module_of(&rel);
        let text = std::fs::read_to_string(f).unwrap();
        let named: BTreeSet<PathBuf> = named_paths(&code(&text), &here)
            .iter()
            .filter_map(|p| file_named(p, &modules))
            .filter(|g| *g != rel)
            .collect();
        graph.insert(rel, named);
    }
    graph
}

#[test]
fn no_file_of_the_app_names_one_that_names_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    // The state's parts, for one: they are known by what they name.
    let state = |f: &str| PathBuf::from(format!("state/{f}.rs"));
    assert!(graph[&state("opening")].contains(&state("document")));
    assert!(graph[&state("opening")].contains(&state("mod")));
    assert!(
        !graph[&state("document")].contains(&state("mod")),
        "a room names not the state it is part of"
    );
    if let Some(c) = circle(&graph) {
        let names: Vec<String> = c.iter().map(|p| p.display().to_string()).collect();
        panic!("files that import each other: {}", names.join(" → "));
    }
}

#[test]
fn no_module_of_the_app_names_one_that_names_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top = |p: &Path| -> String {
        let first = p.iter().next().unwrap().to_string_lossy();
        first.trim_end_matches(".rs").to_string()
    };
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in graph(&src) {
        let entry = modules.entry(top(&from)).or_default();
        entry.extend(to.iter().map(|t| top(t)).filter(|t| *t != top(&from)));
    }
    modules.remove("lib");
    for set in modules.values_mut() {
        set.remove("lib");
    }
    // The messages sit under the rest: they name only the command table,
    // the views' data and what a reading proposes, which name nothing of
    // the app.
    assert!(
        modules["action"].is_subset(&["command", "views", "proposals"].map(String::from).into()),
        "action names {:?}",
        modules["action"]
    );
    for leaf in ["views", "proposals"] {
        assert!(modules[leaf].is_empty(), "{leaf} names {:?}", modules[leaf]);
    }
    assert!(
        modules["command"].is_empty(),
        "command names {:?}",
        modules["command"]
    );
    if let Some(c) = circle(&modules) {
        panic!("modules that import each other: {}", c.join(" → "));
    }
}

#[test]
fn the_reader_of_names_sees_what_a_circle_would_be() {
    // The checker itself: a made-up pair of files naming each other is a circle.
    let mut g: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    g.insert("a", ["b"].into());
    g.insert("b", ["c"].into());
    g.insert("c", [].into());
    assert_eq!(circle(&g), None);
    g.insert("c", ["a"].into());
    assert_eq!(circle(&g), Some(vec!["a", "b", "c", "a"]));
    // Paths in braces, over lines, with `super`.
    let here = ["state".to_string(), "opening".to_string()];
    let paths = named_paths(
        &code(
            "use super::{AppState, document::{Document, Problems}};\n// crate::app\nlet x = \"crate::cli\"; crate::recovery::offer(f);",
        ),
        &here,
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "state::AppState",
            "state::document::Document",
            "state::document::Problems",
            "recovery::offer"
        ]
    );
}

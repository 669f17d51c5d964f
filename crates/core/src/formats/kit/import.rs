//! What the readers of other tools' files share: building a [`Dataset`] one
//! record at a time, with unique ids, categories from labels, and each
//! record's own text kept as a source its event quotes, so that every marker
//! still leads back to words. Also the date forms those files use and
//! HTML turned into plain text.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Category, Dataset, Event, Origin, Passage, When};

/// Colours given to categories in the order they appear (Tableau 10).
const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// The colour of the `n`th category (from 1), round the palette.
pub fn palette(n: usize) -> &'static str {
    PALETTE[(n.max(1) - 1) % PALETTE.len()]
}

/// An id for a category labelled `label`, not one of `existing`'s: the
/// label in lower case with `-` for what is not a letter or digit (or,
/// when that is taken or empty, the first free `category-N`).
pub fn category_id(label: &str, existing: &[Category]) -> String {
    let id: String = label
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    if id.is_empty() || existing.iter().any(|c| c.id == id) {
        crate::edit::unused_id(existing.iter().map(|c| c.id.as_str()), "category")
    } else {
        id
    }
}

/// A dataset being read from another format.
#[derive(Default)]
pub struct Import {
    pub dataset: Dataset,
    pub diagnostics: Vec<Diagnostic>,
    ids: rustc_hash::FxHashSet<String>,
    categories: rustc_hash::FxHashMap<String, String>,
}

impl Import {
    pub fn new(title: impl Into<String>) -> Import {
        Import {
            dataset: Dataset {
                title: title.into(),
                ..Dataset::default()
            },
            ..Import::default()
        }
    }

    /// An id for a record: its own when it has a usable one not taken yet,
    /// else one made from `fallback`.
    pub fn id(&mut self, wanted: Option<&str>, fallback: &str) -> String {
        let clean = |s: &str| -> String {
            s.trim()
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || "-_.:".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        let base = wanted
            .map(clean)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| clean(fallback));
        let mut id = base.clone();
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        id
    }

    /// The id of the category labelled `label`, made on first use.
    pub fn category(&mut self, label: &str) -> Option<String> {
        let label = label.trim();
        if label.is_empty() {
            return None;
        }
        if let Some(id) = self.categories.get(label) {
            return Some(id.clone());
        }
        let id = category_id(label, &self.dataset.categories);
        let color = palette(self.dataset.categories.len() + 1);
        self.dataset.categories.push(Category {
            id: id.clone(),
            label: label.to_string(),
            color: Some(color.to_string()),
            description: None,
        });
        self.categories.insert(label.to_string(), id.clone());
        Some(id)
    }

    /// Keeps a record's own words as a source of their own, and returns the
    /// passage that quotes them all, for the record's event.
    pub fn words(&mut self, event_id: &str, words: RecordText) -> Option<Passage> {
        let (source, passage) = super::record::words_of(event_id, words)?;
        self.dataset.sources.push(source);
        Some(passage)
    }

    /// A problem with one record, at a byte offset of the file.
    pub fn problem(&mut self, offset: Option<usize>, message: String, help: &str) {
        let mut d = Diagnostic::error(Code::BadRecord, message).with_help(help);
        d.offset = offset;
        self.diagnostics.push(d);
    }

    pub fn push(&mut self, event: Event) {
        self.dataset.events.push(event);
    }
}

/// A record's own text, kept as the source its event quotes.
#[derive(Default)]
pub struct RecordText {
    pub text: String,
    pub title: String,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub note: Option<String>,
}

/// A place that is only a point (with, in its note, the place a record names).
pub fn at_point(point: crate::model::LatLon, note: Option<String>) -> crate::model::Location {
    crate::model::Location {
        place: None,
        point: Some(point),
        precision: None,
        uncertainty_m: None,
        geometry: None,
        note,
    }
}

/// An event with only what every reader gives; the rest is filled in by it.
pub fn event(id: String, title: String, when: When, offset: Option<usize>) -> Event {
    Event {
        id,
        title,
        summary: None,
        category: None,
        actors: Vec::new(),
        when,
        approximate: false,
        when_note: None,
        location: None,
        passages: Vec::new(),
        claims: Vec::new(),
        casualties: Vec::new(),
        relations: Vec::new(),
        notes: None,
        origin: Origin { offset },
    }
}

/// A report to add as a source, from its file: its title and its text.
/// Plain text and Markdown are kept as they are (the title from the first
/// heading or line); HTML is read as text: its head, scripts and styles
/// dropped, paragraphs kept, the title from `<title>` or the first heading.
pub fn document(file_name: &str, bytes: &[u8]) -> Result<(String, String), String> {
    let text =
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|e| {
            format!(
                "{file_name} is not UTF-8 text (at byte {}): save it as UTF-8 and add it again",
                e.valid_up_to()
            )
        })?;
    let lower = file_name.to_ascii_lowercase();
    let html = lower.ends_with(".html")
        || lower.ends_with(".htm")
        || text.trim_start().get(..15).is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s.starts_with("<!doctype html") || s.starts_with("<html")
        });
    let (title, body) = if html {
        let title = element(text, "title")
            .or_else(|| element(text, "h1"))
            .map(|t| plain_text(&t));
        let mut body = text.to_string();
        for tag in ["head", "script", "style", "noscript", "template"] {
            body = without_element(&body, tag);
        }
        (title, plain_text(&body).replace('\n', "\n\n"))
    } else {
        let first = text.lines().map(str::trim).find(|l| !l.is_empty());
        (
            first.map(|l| l.trim_start_matches('#').trim().to_string()),
            text.replace("\r\n", "\n"),
        )
    };
    if body.trim().is_empty() {
        return Err(format!("{file_name} holds no text to read"));
    }
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let title = title
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(160).collect())
        .unwrap_or_else(|| stem.to_string());
    Ok((title, body))
}

/// The inside of the first `<tag …>…</tag>`, if any.
fn element(html: &str, tag: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find(&format!("<{tag}"))?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find(&format!("</{tag}"))?;
    Some(html[start..end].trim().to_string())
}

/// `html` without its `<tag …>…</tag>` elements.
fn without_element(html: &str, tag: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let lower = rest.to_ascii_lowercase();
        let Some(open) = lower.find(&format!("<{tag}")).filter(|&o| {
            lower[o + tag.len() + 1..]
                .starts_with(|c: char| c == '>' || c.is_whitespace() || c == '/')
        }) else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..open]);
        let close = format!("</{tag}");
        match lower[open..].find(&close) {
            Some(c) => {
                let after = open + c;
                let gt = lower[after..]
                    .find('>')
                    .map_or(lower.len(), |g| after + g + 1);
                rest = &rest[gt..];
            }
            None => return out,
        }
    }
}

/// HTML as plain text: tags dropped (block ends become line breaks),
/// entities decoded, runs of blanks folded. Never rendered as HTML.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            rest = &rest[lt..];
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "blockquote"
        ) {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    // Fold blanks within lines; keep single line breaks.
    let lines: Vec<String> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" | "#39" => '\'',
                "nbsp" => ' ',
                "mdash" => '—',
                "ndash" => '–',
                "hellip" => '…',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_file_becomes_a_title_and_its_text() {
        let html = b"<!DOCTYPE html><html><head><title>Blast in Kaluga &amp; after</title><style>p{}</style><script>var x='<p>no</p>';</script></head><body><h1>Blast</h1><p>A blast hit the market.</p><p>Two died.</p><script>track()</script></body></html>";
        let (title, text) = document("report.html", html).unwrap();
        assert_eq!(title, "Blast in Kaluga & after");
        assert_eq!(text, "Blast\n\nA blast hit the market.\n\nTwo died.");
        let (title, text) =
            document("notes.md", b"# Raid on the market\r\n\r\nPolice said.").unwrap();
        assert_eq!(title, "Raid on the market");
        assert_eq!(text, "# Raid on the market\n\nPolice said.");
        let (title, _) = document("x.txt", b"\n\n  Report of 2 May  \nbody").unwrap();
        assert_eq!(title, "Report of 2 May");
        assert!(
            document("x.txt", b"\xff\xfe")
                .unwrap_err()
                .contains("not UTF-8")
        );
        assert!(
            document("x.html", b"<html><script>a()</script></html>")
                .unwrap_err()
                .contains("no text")
        );
    }

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            plain_text(
                "<p class=\"lead\">Ada &amp; <a href=\"x\">Grace</a></p><p>Next&nbsp;one&#8230;</p>"
            ),
            "Ada & Grace\nNext one…"
        );
        assert_eq!(plain_text("a < b & c"), "a < b & c");
        assert_eq!(plain_text("<script>x</script>y"), "xy");
    }

    #[test]
    fn ids_stay_unique_and_categories_get_colours() {
        let mut i = Import::new("t");
        // Kept as far as ids allow: letters, digits and - _ . : only.
        assert_eq!(i.id(Some("way/1"), "x"), "way-1");
        assert_eq!(i.id(Some("way/1"), "x"), "way-1-2");
        assert_eq!(i.id(None, "row 3"), "row-3");
        assert_eq!(i.id(Some("  "), "row 4"), "row-4");
        let a = i.category("Battles").unwrap();
        assert_eq!(i.category("Battles").unwrap(), a);
        i.category("Protests");
        assert_eq!(i.dataset.categories.len(), 2);
        assert_ne!(i.dataset.categories[0].color, i.dataset.categories[1].color);
        assert_eq!(i.category(" "), None);
    }
}

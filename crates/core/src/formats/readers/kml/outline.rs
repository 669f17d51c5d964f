//! The outline of a KML document, found without parsing its placemarks:
//! where each placemark is, the folders it sits in, and the document's
//! name. What lets the placemarks be parsed on every core.
//!
//! The scan reads tags only outside placemarks and jumps over each
//! placemark to its closing tag (carefully, tag by tag, when it holds a
//! comment or CDATA). Anything it does not understand (a document type
//! with its own definitions, tags that do not nest, a file cut short)
//! makes it give up, and the whole-document reader reports the problem.

use std::ops::Range;

use memchr::memmem;

/// Where the placemarks are and what is around them.
#[derive(Debug, Default, PartialEq)]
pub struct Outline {
    /// The `<name>` of the `<Document>`, unescaped.
    pub title: Option<String>,
    /// Each placemark's bytes, and the index of its folder path.
    pub placemarks: Vec<(Range<usize>, u32)>,
    /// Folder paths ("Outer / Inner"; "" outside any folder).
    pub folders: Vec<String>,
}

/// The outline of the KML document in `b`, or `None` when the scan gives up.
pub fn outline(b: &[u8]) -> Option<Outline> {
    let mut out = Outline::default();
    // Open elements (local names) and, for each open folder, its name.
    let mut stack: Vec<&[u8]> = Vec::new();
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut path_index: rustc_hash::FxHashMap<String, u32> = Default::default();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &b[i..]) {
        let at = i + lt;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            i = at + 4 + memmem::find(&b[at + 4..], b"-->")? + 3;
            continue;
        }
        if rest.starts_with(b"<![CDATA[") {
            i = at + 9 + memmem::find(&b[at + 9..], b"]]>")? + 3;
            continue;
        }
        if rest.starts_with(b"<?") {
            i = at + 2 + memmem::find(&b[at + 2..], b"?>")? + 2;
            continue;
        }
        if rest.starts_with(b"<!") {
            // A document type: only a plain one (its own definitions, in
            // brackets, are left to the full reader).
            let end = at + memchr::memchr(b'>', rest)?;
            if b[at..end].contains(&b'[') {
                return None;
            }
            i = end + 1;
            continue;
        }
        let end = tag_end(b, at)?;
        if rest.starts_with(b"</") {
            let name = local(trim(&b[at + 2..end]));
            if stack.pop() != Some(name) {
                return None;
            }
            if name == b"Folder" {
                folders.pop();
            }
            i = end + 1;
            continue;
        }
        let qname = tag_name(&b[at + 1..end]);
        let name = local(qname);
        if b[end - 1] == b'/' {
            i = end + 1;
            continue;
        }
        match name {
            b"Placemark" => {
                let close = element_end(b, end + 1, qname)?;
                let path: Vec<&str> = folders.iter().flatten().map(String::as_str).collect();
                let path = path.join(" / ");
                let next = path_index.len() as u32;
                let index = *path_index.entry(path.clone()).or_insert_with(|| {
                    out.folders.push(path);
                    next
                });
                out.placemarks.push((at..close, index));
                i = close;
            }
            b"name" if matches!(stack.last(), Some(&(b"Folder" | b"Document"))) => {
                let close = element_end(b, end + 1, qname)?;
                let inner_end = close - (qname.len() + 3);
                let text = text_of(std::str::from_utf8(&b[end + 1..inner_end]).ok()?)?;
                if stack.last() == Some(&&b"Folder"[..]) {
                    if let Some(f) = folders.last_mut() {
                        *f = Some(text);
                    }
                } else {
                    out.title = Some(text);
                }
                i = close;
            }
            // A time on a Document or Folder passes to the placemarks
            // inside: the whole-document reader keeps track of it.
            b"TimeSpan" | b"TimeStamp"
                if matches!(stack.last(), Some(&(b"Folder" | b"Document"))) =>
            {
                return None;
            }
            _ => {
                if name == b"Folder" {
                    folders.push(None);
                }
                stack.push(name);
                i = end + 1;
            }
        }
    }
    stack.is_empty().then_some(out)
}

/// The `>` that ends the tag opening at `at`, quotes in attributes skipped.
fn tag_end(b: &[u8], at: usize) -> Option<usize> {
    let mut j = at + 1;
    loop {
        let k = j + memchr::memchr3(b'>', b'"', b'\'', &b[j..])?;
        match b[k] {
            b'>' => return Some(k),
            quote => j = k + 1 + memchr::memchr(quote, &b[k + 1..])? + 1,
        }
    }
}

/// Just past the tag that closes the element named `qname` whose content
/// starts at `from`: found directly when the content holds no comment,
/// CDATA or element of the same name, else tag by tag.
fn element_end(b: &[u8], from: usize, qname: &[u8]) -> Option<usize> {
    let mut close = Vec::with_capacity(qname.len() + 3);
    close.extend_from_slice(b"</");
    close.extend_from_slice(qname);
    close.push(b'>');
    let at = from + memmem::find(&b[from..], &close)?;
    let inner = &b[from..at];
    let mut open = Vec::with_capacity(qname.len() + 1);
    open.push(b'<');
    open.extend_from_slice(qname);
    if memmem::find(inner, b"<!").is_none() && memmem::find(inner, &open).is_none() {
        return Some(at + close.len());
    }
    // Tag by tag.
    let mut depth = 0usize;
    let mut i = from;
    while let Some(lt) = memchr::memchr(b'<', &b[i..]) {
        let at = i + lt;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            i = at + 4 + memmem::find(&b[at + 4..], b"-->")? + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            i = at + 9 + memmem::find(&b[at + 9..], b"]]>")? + 3;
        } else if rest.starts_with(b"<?") {
            i = at + 2 + memmem::find(&b[at + 2..], b"?>")? + 2;
        } else {
            let end = tag_end(b, at)?;
            if rest.starts_with(b"</") {
                if trim(&b[at + 2..end]) == qname {
                    if depth == 0 {
                        return Some(end + 1);
                    }
                    depth -= 1;
                }
            } else if b[end - 1] != b'/' && tag_name(&b[at + 1..end]) == qname {
                depth += 1;
            }
            i = end + 1;
        }
    }
    None
}

/// The name at the start of a tag's inside (`kml:Placemark id="a"` → `kml:Placemark`).
fn tag_name(inside: &[u8]) -> &[u8] {
    let end = inside
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        .unwrap_or(inside.len());
    &inside[..end]
}

/// A name without its namespace prefix.
fn local(qname: &[u8]) -> &[u8] {
    match memchr::memchr(b':', qname) {
        Some(k) => &qname[k + 1..],
        None => qname,
    }
}

fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// The text of an element with no child elements: CDATA kept as it is,
/// the rest unescaped, white space trimmed. `None` if an escape is broken.
fn text_of(inner: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = inner;
    while let Some(k) = rest.find("<![CDATA[") {
        out.push_str(&quick_xml::escape::unescape(&rest[..k]).ok()?);
        let after = &rest[k + 9..];
        let end = after.find("]]>")?;
        out.push_str(&after[..end]);
        rest = &after[end + 3..];
    }
    if rest.contains('<') {
        return None;
    }
    out.push_str(&quick_xml::escape::unescape(rest).ok()?);
    Some(out.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placemarks_are_found_with_their_folders_past_comments_and_cdata() {
        let kml = r#"<?xml version="1.0"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Doc &amp; co</name>
<!-- <Placemark> in a comment -->
<Style id="s"><IconStyle><scale>1</scale></IconStyle></Style>
<Folder><name><![CDATA[Outer]]></name>
  <Placemark id="a"><name>A</name></Placemark>
  <Folder><name>Inner</name>
    <Placemark><description><![CDATA[<b>bold</Placemark> trick]]></description></Placemark>
    <Placemark attr='x>y'/>
  </Folder>
</Folder>
<Placemark><name>top</name></Placemark>
</Document></kml>"#;
        let o = outline(kml.as_bytes()).unwrap();
        assert_eq!(o.title.as_deref(), Some("Doc & co"));
        let texts: Vec<&str> = o.placemarks.iter().map(|(r, _)| &kml[r.clone()]).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert_eq!(texts[0], r#"<Placemark id="a"><name>A</name></Placemark>"#);
        assert!(texts[1].ends_with("trick]]></description></Placemark>"));
        assert_eq!(texts[2], "<Placemark><name>top</name></Placemark>");
        let folders: Vec<&str> = o
            .placemarks
            .iter()
            .map(|(_, f)| o.folders[*f as usize].as_str())
            .collect();
        assert_eq!(folders, ["Outer", "Outer / Inner", ""]);
    }

    #[test]
    fn what_it_does_not_understand_is_left_to_the_full_reader() {
        // Cut short, tags that do not nest, a placemark never closed.
        for kml in [
            "<kml><Document><Placemark><name>a</name></Placemark>",
            "<kml><Document></kml></Document>",
            "<kml><Document><Placemark><name>a</name></Document></kml>",
            "<!DOCTYPE kml [<!ENTITY e \"x\">]><kml></kml>",
        ] {
            assert_eq!(outline(kml.as_bytes()), None, "{kml}");
        }
        assert!(outline(b"<kml/>").unwrap().placemarks.is_empty());
    }
}

//! The shape of a large JSON document found without parsing its values:
//! the members of the top object, and where each element of an array
//! begins and ends. Strings are skipped with `memchr` (their escapes
//! honoured), so a file of hundreds of megabytes is cut into its records in
//! a fraction of a second; each record is then parsed, on any core, by
//! `serde_json`, which checks it. What the scanner itself checks is the
//! structure between records: brackets that match, commas between elements.

use std::ops::Range;

/// Where a document's structure breaks, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: &'static str,
}

fn error(offset: usize, message: &'static str) -> ScanError {
    ScanError { offset, message }
}

/// The first byte at or after `i` that is not JSON white space.
pub fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string whose opening quote is at `i`: just after its
/// closing quote.
pub fn skip_string(b: &[u8], i: usize) -> Result<usize, ScanError> {
    let mut j = i + 1;
    loop {
        match memchr::memchr2(b'"', b'\\', &b[j.min(b.len())..]) {
            None => return Err(error(i, "this string is never closed")),
            Some(k) => {
                let at = j + k;
                if b[at] == b'\\' {
                    j = at + 2;
                } else {
                    return Ok(at + 1);
                }
            }
        }
    }
}

/// The end of the value that starts at `i` (white space skipped before it).
pub fn skip_value(b: &[u8], i: usize) -> Result<usize, ScanError> {
    let i = skip_ws(b, i);
    match b.get(i) {
        None => Err(error(i, "a value is missing: the file ends here")),
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err(error(i, "this is never closed: the file may be cut short"))
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            if j == i {
                Err(error(i, "a value is expected here"))
            } else {
                Ok(j)
            }
        }
    }
}

/// A member of an object: its key's text (quotes dropped) and its value.
pub type Member = (Range<usize>, Range<usize>);

/// The members of the object at `start`: each key's text (the raw string,
/// quotes dropped) and its value's byte range. `None` if `start` is not an object.
pub fn members(b: &[u8], start: usize) -> Result<Option<Vec<Member>>, ScanError> {
    let mut i = skip_ws(b, start);
    if b.get(i) != Some(&b'{') {
        return Ok(None);
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b'}') {
        return Ok(Some(out));
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return Err(error(
                i,
                "a member's name in double quotes is expected here",
            ));
        }
        let key_end = skip_string(b, i)?;
        let key = i + 1..key_end - 1;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return Err(error(i, "a colon is expected after the member's name"));
        }
        let value_start = skip_ws(b, i + 1);
        let value_end = skip_value(b, value_start)?;
        out.push((key, value_start..value_end));
        i = skip_ws(b, value_end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Ok(Some(out)),
            _ => return Err(error(i, "a comma or a closing } is expected here")),
        }
    }
}

/// The byte ranges of the elements of the array at `start`.
pub fn elements(b: &[u8], start: usize) -> Result<Vec<Range<usize>>, ScanError> {
    let mut i = skip_ws(b, start);
    if b.get(i) != Some(&b'[') {
        return Err(error(i, "an array [ ... ] is expected here"));
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        return Ok(out);
    }
    loop {
        let end = skip_value(b, i)?;
        out.push(i..end);
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return Ok(out),
            None => {
                return Err(error(
                    i,
                    "the array is never closed: the file may be cut short",
                ));
            }
            _ => return Err(error(i, "a comma or a closing ] is expected here")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_elements_are_found_with_strings_skipped() {
        let text = br#" {"type": "FeatureCollection", "name": "a \"q\" [", "features": [ {"a": "}"}, [1, [2]], 3 ,"x"] } "#;
        let m = members(text, 0).unwrap().unwrap();
        let keys: Vec<&[u8]> = m.iter().map(|(k, _)| &text[k.clone()]).collect();
        assert_eq!(keys, [&b"type"[..], b"name", b"features"]);
        let features = &m[2].1;
        let els = elements(text, features.start).unwrap();
        let parts: Vec<&[u8]> = els.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(parts, [&br#"{"a": "}"}"#[..], b"[1, [2]]", b"3", br#""x""#]);
        assert_eq!(members(b"[1]", 0).unwrap(), None);
    }

    #[test]
    fn broken_structure_is_found_where_it_breaks() {
        assert_eq!(elements(b"[1, 2", 0).unwrap_err().offset, 5);
        assert_eq!(elements(b"[1 2]", 0).unwrap_err().offset, 3);
        assert_eq!(
            elements(b"[{\"a\": 1}, {\"b\": [}", 0).unwrap_err().offset,
            11
        );
        assert_eq!(skip_value(b"\"never", 0).unwrap_err().offset, 0);
        assert!(members(b"{\"a\" 1}", 0).is_err());
    }
}

//! Where the records of a CSV file begin and end, found in one pass without
//! parsing fields, so that the file can be cut into runs of whole records
//! and parsed on every core. It reads quotes as the `csv` crate does: a
//! quote opens a quoted field only at a field's start (elsewhere it is a
//! letter), `""` inside one is a quote, and `\n`, `\r` or `\r\n` ends a
//! record outside one. Empty lines are no records. A quoted field still open
//! at the end of the file is reported with where it opened: read on, it
//! would swallow the rest of the file as one value.

use std::ops::Range;

/// A run of whole records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Its bytes in the file.
    pub range: Range<usize>,
    /// The row number of its first record (the header is row 1).
    pub first_row: usize,
    /// How many records it holds.
    pub records: usize,
}

/// The file cut into chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub chunks: Vec<Chunk>,
    /// The offset of the quote that opens a field never closed.
    pub unterminated: Option<usize>,
}

enum State {
    FieldStart,
    Unquoted,
    Quoted { open: usize },
}

/// Cuts `bytes[start..]` into chunks of about `target` bytes of whole
/// records; the first record there is row `first_row`.
pub fn scan(bytes: &[u8], start: usize, delimiter: u8, target: usize, first_row: usize) -> Scan {
    let mut chunks = Vec::new();
    let mut chunk_start = start;
    let mut row = first_row;
    let mut records = 0;
    let mut content = false;
    let mut state = State::FieldStart;
    let mut i = start;
    let len = bytes.len();
    let mut unterminated = None;
    // Ends the record whose terminator is at `at`; the next starts at `next`.
    let end_record = |next: usize,
                          content: &mut bool,
                          chunks: &mut Vec<Chunk>,
                          chunk_start: &mut usize,
                          records: &mut usize,
                          row: &mut usize| {
        if std::mem::take(content) {
            *records += 1;
        }
        if next - *chunk_start >= target {
            chunks.push(Chunk {
                range: *chunk_start..next,
                first_row: *row,
                records: *records,
            });
            *row += *records;
            *records = 0;
            *chunk_start = next;
        }
    };
    while i < len {
        match state {
            State::FieldStart => {
                if bytes[i] == b'"' {
                    state = State::Quoted { open: i };
                    content = true;
                    i += 1;
                } else {
                    state = State::Unquoted;
                }
            }
            State::Unquoted => match memchr::memchr3(delimiter, b'\n', b'\r', &bytes[i..]) {
                None => {
                    content |= i < len;
                    i = len;
                }
                Some(k) => {
                    let j = i + k;
                    content |= k > 0;
                    if bytes[j] == delimiter {
                        content = true;
                        state = State::FieldStart;
                        i = j + 1;
                    } else {
                        let next = if bytes[j] == b'\r' && bytes.get(j + 1) == Some(&b'\n') {
                            j + 2
                        } else {
                            j + 1
                        };
                        end_record(
                            next,
                            &mut content,
                            &mut chunks,
                            &mut chunk_start,
                            &mut records,
                            &mut row,
                        );
                        state = State::FieldStart;
                        i = next;
                    }
                }
            },
            State::Quoted { open } => match memchr::memchr(b'"', &bytes[i..]) {
                None => {
                    unterminated = Some(open);
                    i = len;
                }
                Some(k) => {
                    let j = i + k;
                    if bytes.get(j + 1) == Some(&b'"') {
                        i = j + 2;
                    } else {
                        // Closed: what follows up to the delimiter is a letter run.
                        state = State::Unquoted;
                        i = j + 1;
                    }
                }
            },
        }
    }
    if content {
        records += 1;
    }
    if chunk_start < len || records > 0 {
        chunks.push(Chunk {
            range: chunk_start..len,
            first_row: row,
            records,
        });
    }
    Scan {
        chunks,
        unterminated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records the csv crate reads in `text`, for comparison.
    fn csv_records(text: &[u8]) -> usize {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text)
            .byte_records()
            .filter_map(Result::ok)
            .count()
    }

    #[test]
    fn chunks_hold_whole_records_and_count_them_as_csv_does() {
        let text = b"a,b\n1,\"x\ny\"\n\n2,\"say \"\"hi\"\"\"\r\n3,plain\"quote\r4,z\n\"\"\n";
        let total = csv_records(text);
        for target in [1, 3, 7, 1000] {
            let s = scan(text, 0, b',', target, 1);
            assert_eq!(s.unterminated, None);
            let counted: usize = s.chunks.iter().map(|c| c.records).sum();
            assert_eq!(counted, total, "target {target}");
            // Contiguous, whole, and each parses to as many records as counted.
            let mut at = 0;
            for c in &s.chunks {
                assert_eq!(c.range.start, at);
                at = c.range.end;
                assert_eq!(csv_records(&text[c.range.clone()]), c.records, "{c:?}");
            }
            assert_eq!(at, text.len());
            // Row numbers run on.
            for w in s.chunks.windows(2) {
                assert_eq!(w[1].first_row, w[0].first_row + w[0].records);
            }
        }
    }

    #[test]
    fn a_quote_never_closed_is_found_where_it_opens() {
        let text = b"a,b\n1,\"open\n2,3\n4,5\n";
        let s = scan(text, 4, b',', 4, 2);
        assert_eq!(s.unterminated, Some(6));
        // A quote inside an unquoted field is a letter, not an opening.
        assert_eq!(scan(b"a,b\n1,x\"y\n2,3\n", 4, b',', 4, 2).unterminated, None);
    }
}

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

/// Cuts `bytes[start..]` into chunks of about `target` bytes of whole
/// records; the first record there is row `first_row`.
///
/// It looks only at quotes and line ends (a few per record, found with
/// `memchr`): a quote opens a field only just after a delimiter or a line
/// end, which one byte back tells.
pub fn scan(bytes: &[u8], start: usize, delimiter: u8, target: usize, first_row: usize) -> Scan {
    let mut chunks = Vec::new();
    let mut chunk_start = start;
    let mut row = first_row;
    let mut records = 0;
    // Where the current record starts, and the quote it is inside, if any.
    let mut record_start = start;
    let mut open: Option<usize> = None;
    let mut i = start;
    let len = bytes.len();
    let field_start =
        |at: usize, record_start: usize| at == record_start || bytes[at - 1] == delimiter;
    while i < len {
        match open {
            Some(q) => match memchr::memchr(b'"', &bytes[i..]) {
                None => {
                    return Scan {
                        chunks,
                        unterminated: Some(q),
                    };
                }
                Some(k) => {
                    let j = i + k;
                    // A doubled quote is a quote; a single one closes the field.
                    if bytes.get(j + 1) == Some(&b'"') {
                        i = j + 2;
                    } else {
                        open = None;
                        i = j + 1;
                    }
                }
            },
            None => match memchr::memchr3(b'"', b'\n', b'\r', &bytes[i..]) {
                None => break,
                Some(k) => {
                    let j = i + k;
                    if bytes[j] == b'"' {
                        if field_start(j, record_start) {
                            open = Some(j);
                        }
                        i = j + 1;
                        continue;
                    }
                    // A record ends here (at `\n`, `\r` or `\r\n`); an empty
                    // line is none.
                    if j > record_start {
                        records += 1;
                    }
                    let next = if bytes[j] == b'\r' && bytes.get(j + 1) == Some(&b'\n') {
                        j + 2
                    } else {
                        j + 1
                    };
                    record_start = next;
                    i = next;
                    if next - chunk_start >= target {
                        chunks.push(Chunk {
                            range: chunk_start..next,
                            first_row: row,
                            records,
                        });
                        row += records;
                        records = 0;
                        chunk_start = next;
                    }
                }
            },
        }
    }
    if record_start < len {
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
        unterminated: None,
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
        assert_eq!(
            scan(b"a,b\n1,x\"y\n2,3\n", 4, b',', 4, 2).unterminated,
            None
        );
    }
}

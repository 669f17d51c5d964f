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

/// Finds the chunks of a file a few at a time, so that the first can be
/// parsed while the rest are found.
///
/// It looks only at quotes and line ends (a few per record, found with
/// `memchr`): a quote opens a field only just after a delimiter or a line
/// end, which one byte back tells.
pub struct Scanner<'b> {
    bytes: &'b [u8],
    delimiter: u8,
    target: usize,
    /// Where the next chunk starts, and its first row.
    at: usize,
    row: usize,
    /// The offset of the quote that opens a field never closed, once found.
    pub unterminated: Option<usize>,
}

impl<'b> Scanner<'b> {
    pub fn new(
        bytes: &'b [u8],
        start: usize,
        delimiter: u8,
        target: usize,
        first_row: usize,
    ) -> Scanner<'b> {
        Scanner {
            bytes,
            delimiter,
            target,
            at: start,
            row: first_row,
            unterminated: None,
        }
    }

    /// How far into the file the chunks found so far reach.
    pub fn position(&self) -> usize {
        self.at
    }

    /// Up to `n` more chunks; none at the end of the file, or at a quoted
    /// field never closed (then [`Scanner::unterminated`] says where).
    pub fn next_chunks(&mut self, n: usize) -> Vec<Chunk> {
        let mut chunks = Vec::new();
        while chunks.len() < n {
            match self.next_chunk() {
                Some(c) => chunks.push(c),
                None => break,
            }
        }
        chunks
    }

    fn next_chunk(&mut self) -> Option<Chunk> {
        let (bytes, delimiter) = (self.bytes, self.delimiter);
        let len = bytes.len();
        if self.at >= len || self.unterminated.is_some() {
            return None;
        }
        let chunk_start = self.at;
        let mut records = 0;
        // Where the current record starts, and the quote it is inside, if any.
        let mut record_start = chunk_start;
        let mut open: Option<usize> = None;
        let mut i = chunk_start;
        let field_start =
            |at: usize, record_start: usize| at == record_start || bytes[at - 1] == delimiter;
        while i < len {
            match open {
                Some(q) => match memchr::memchr(b'"', &bytes[i..]) {
                    None => {
                        self.unterminated = Some(q);
                        return None;
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
                        // A record ends here (at `\n`, `\r` or `\r\n`); an
                        // empty line is none.
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
                        if next - chunk_start >= self.target {
                            return Some(self.cut(chunk_start..next, records));
                        }
                    }
                },
            }
        }
        // The end of the file: a last record without a line end.
        if record_start < len {
            records += 1;
        }
        Some(self.cut(chunk_start..len, records))
    }

    fn cut(&mut self, range: Range<usize>, records: usize) -> Chunk {
        let chunk = Chunk {
            first_row: self.row,
            records,
            range,
        };
        self.row += records;
        self.at = chunk.range.end;
        chunk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file cut into chunks at once, as the tests compare.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Scan {
        chunks: Vec<Chunk>,
        /// The offset of the quote that opens a field never closed.
        unterminated: Option<usize>,
    }

    /// Cuts `bytes[start..]` into chunks of about `target` bytes of whole
    /// records; the first record there is row `first_row`.
    fn scan(bytes: &[u8], start: usize, delimiter: u8, target: usize, first_row: usize) -> Scan {
        let mut scanner = Scanner::new(bytes, start, delimiter, target, first_row);
        let chunks = scanner.next_chunks(usize::MAX);
        Scan {
            chunks,
            unterminated: scanner.unterminated,
        }
    }

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
    fn chunks_found_a_few_at_a_time_are_those_found_at_once() {
        let text = b"a,b\n1,\"x\ny\"\n\n2,\"say \"\"hi\"\"\"\r\n3,plain\"quote\r4,z\n\"\"\n5,6";
        for target in [1, 3, 7] {
            let whole = scan(text, 4, b',', target, 2);
            for n in [1, 2, 5] {
                let mut scanner = Scanner::new(text, 4, b',', target, 2);
                let mut chunks = Vec::new();
                loop {
                    let some = scanner.next_chunks(n);
                    if some.is_empty() {
                        break;
                    }
                    assert!(some.len() <= n);
                    assert_eq!(scanner.position(), some.last().unwrap().range.end);
                    chunks.extend(some);
                }
                assert_eq!(chunks, whole.chunks, "target {target}, {n} at a time");
                assert_eq!(scanner.unterminated, None);
            }
        }
        // A quote never closed stops the chunks before its record.
        let mut scanner = Scanner::new(b"a,b\n1,2\n3,\"open\n4,5\n", 4, b',', 1, 2);
        let first = scanner.next_chunks(usize::MAX);
        assert_eq!(first.iter().map(|c| c.records).sum::<usize>(), 1);
        assert_eq!(scanner.unterminated, Some(10));
        assert!(scanner.next_chunks(1).is_empty());
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

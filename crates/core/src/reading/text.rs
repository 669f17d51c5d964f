//! A text cut into what the readers look at: words and numbers with where
//! they are (byte offsets into the text), the sentences they make, and
//! the character offsets the outside world counts in.

use std::ops::Range;

/// One token: a word (letters, with inner apostrophes, hyphens and the
/// dots of an abbreviation: "U.S.", "N.J.", "a.m."), a number (digits,
/// with inner separators: "1,000", "9:30", "2024-03-08", "08/03/2024"), or
/// one mark of punctuation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// A word that begins with a capital letter.
    pub fn is_capitalised(&self, text: &str) -> bool {
        self.kind == TokenKind::Word
            && self
                .text(text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
    }
}

/// A text's tokens and sentences.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    /// Each sentence as a range of `tokens`.
    pub sentences: Vec<Range<usize>>,
}

/// The first sentence of `text` ("At 9:30 a.m. a bomb exploded." whole,
/// not "At 9:30 a."), with what closes it.
pub fn first_sentence(text: &str) -> &str {
    // Only the beginning is read, however long the text.
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let t = tokenize(head);
    match t.sentences.first() {
        Some(r) if !r.is_empty() => &head[t.tokens[r.start].start..t.tokens[r.end - 1].end],
        _ => head.trim(),
    }
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cpl",
    "st", "ft", "mt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "no", "vs", "inc", "co", "corp", "ltd", "jr", "sr", "rev", "ave", "blvd", "rd", "hwy",
    "approx", "est", "dept", "univ", "gov't",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Cuts `text` into tokens and sentences.
pub fn tokenize(text: &str) -> Tokens {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    while i < bytes.len() {
        let c = text[i..].chars().next().expect("on a char boundary");
        let w = c.len_utf8();
        if c.is_whitespace() {
            i += w;
            continue;
        }
        if c.is_ascii_digit() {
            // A number, with separators inside: 1,000  9:30  2024-03-08  08/03/2024  3.5
            let mut j = i + 1;
            while j < bytes.len() {
                let b = bytes[j];
                if b.is_ascii_digit() {
                    j += 1;
                } else if matches!(b, b',' | b':' | b'.' | b'/' | b'-')
                    && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
                {
                    j += 2;
                } else {
                    break;
                }
            }
            // "8th", "1990s": the letters stay with the number.
            while j < bytes.len() && bytes[j].is_ascii_alphabetic() {
                j += 1;
            }
            tokens.push(Token {
                start: i,
                end: j,
                kind: TokenKind::Number,
            });
            i = j;
            continue;
        }
        if is_word_char(c) {
            let mut j = i + w;
            while let Some(d) = text[j..].chars().next() {
                if is_word_char(d) {
                    j += d.len_utf8();
                    continue;
                }
                // Inner apostrophes and hyphens: "O'Hare", "Wilkes-Barre", "don't".
                let next = text[j + d.len_utf8()..].chars().next();
                if matches!(d, '\'' | '’' | '-' | '‑') && next.is_some_and(|n| n.is_alphabetic())
                {
                    j += d.len_utf8();
                    continue;
                }
                // The dots of an abbreviation: "U.S.", "N.J.", "a.m.".
                if d == '.' {
                    let word = &text[i..j];
                    let letters_dots = word.split('.').all(|p| p.chars().count() == 1);
                    if letters_dots
                        && next.is_some_and(|n| n.is_alphabetic())
                        && text[j + 1..].chars().nth(1).is_some_and(|n| n == '.')
                    {
                        j += 1;
                        continue;
                    }
                    if letters_dots && word.contains('.') {
                        // The abbreviation's last dot: "U.S."
                        j += 1;
                    }
                }
                break;
            }
            tokens.push(Token {
                start: i,
                end: j,
                kind: TokenKind::Word,
            });
            i = j;
            continue;
        }
        tokens.push(Token {
            start: i,
            end: i + w,
            kind: TokenKind::Punct,
        });
        i += w;
    }
    let sentences = sentences(text, &tokens);
    Tokens { tokens, sentences }
}

/// Where sentences end: a full stop, question or exclamation mark (not
/// after an abbreviation or an initial, nor before a lower-case word), or a
/// blank line.
fn sentences(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for k in 0..tokens.len() {
        let t = tokens[k];
        let next = tokens.get(k + 1);
        // A blank line between this token and the next ends the sentence.
        let paragraph = next.is_some_and(|n| text[t.end..n.start].matches('\n').count() >= 2)
            || next.is_some_and(|n| {
                text[t.end..n.start].contains('\n')
                    && t.kind != TokenKind::Punct
                    && n.is_capitalised(text)
            });
        let stop = match t.text(text) {
            "." | "!" | "?" | "…" => {
                let before = k.checked_sub(1).map(|p| tokens[p]);
                let abbreviation = before.is_some_and(|b| {
                    b.end == t.start && b.kind == TokenKind::Word && {
                        let w = b.text(text).to_ascii_lowercase();
                        ABBREVIATIONS.contains(&w.as_str())
                            || (w.chars().count() == 1 && b.is_capitalised(text))
                    }
                });
                let lower_next = next.is_some_and(|n| {
                    n.kind == TokenKind::Word
                        && n.text(text).chars().next().is_some_and(char::is_lowercase)
                });
                !abbreviation && !lower_next
            }
            // An abbreviation's own dot ends a sentence before a capital
            // and a space: "in the U.S. The next day".
            w if t.kind == TokenKind::Word && w.ends_with('.') && w.len() > 2 => next
                .is_some_and(|n| n.is_capitalised(text) && COMMON_STARTS.contains(&n.text(text))),
            _ => false,
        };
        if stop || paragraph || next.is_none() {
            // Closing quotes and brackets stay with the sentence.
            let mut end = k + 1;
            while stop
                && tokens.get(end).is_some_and(|n| {
                    n.start == tokens[end - 1].end
                        && matches!(n.text(text), "\"" | "”" | "’" | ")" | "'")
                })
            {
                end += 1;
            }
            if end > start {
                out.push(start..end);
            }
            start = end;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Words that begin sentences after an abbreviation's dot ("… the U.S. The").
const COMMON_STARTS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "In",
    "On",
    "At",
    "But",
    "And",
    "This",
    "That",
    "There",
    "His",
    "Her",
    "Their",
    "Police",
    "Officials",
];

/// Byte offsets to character offsets (Unicode scalar values), for one text.
pub struct CharOffsets<'t> {
    text: &'t str,
    /// Byte offsets of every 64th character (ASCII texts need none).
    marks: Vec<usize>,
}

impl<'t> CharOffsets<'t> {
    pub fn new(text: &'t str) -> CharOffsets<'t> {
        let marks = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().step_by(64).map(|(b, _)| b).collect()
        };
        CharOffsets { text, marks }
    }

    /// The character offset of byte `b` (a char boundary).
    pub fn chars(&self, b: usize) -> usize {
        if self.marks.is_empty() {
            return b;
        }
        let k = self.marks.partition_point(|&m| m <= b) - 1;
        k * 64 + self.text[self.marks[k]..b].chars().count()
    }

    /// The byte offset of character `c` (the text's length past its end).
    pub fn bytes(&self, c: usize) -> usize {
        if self.marks.is_empty() {
            return c.min(self.text.len());
        }
        let k = c / 64;
        let Some(&m) = self.marks.get(k) else {
            return self.text.len();
        };
        self.text[m..]
            .char_indices()
            .nth(c % 64)
            .map_or(self.text.len(), |(b, _)| m + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).tokens.iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn abbreviations_numbers_and_names_stay_whole() {
        assert_eq!(
            words("Seaside Park, N.J., at 9:30 a.m. on 08/03/2024: O'Hare's 1,000 troops."),
            [
                "Seaside",
                "Park",
                ",",
                "N.J.",
                ",",
                "at",
                "9:30",
                "a.m.",
                "on",
                "08/03/2024",
                ":",
                "O'Hare's",
                "1,000",
                "troops",
                "."
            ]
        );
        assert_eq!(words("the U.S. Embassy"), ["the", "U.S.", "Embassy"]);
        assert_eq!(words("the 1990s and 8th"), ["the", "1990s", "and", "8th"]);
    }

    #[test]
    fn sentences_end_where_a_reader_would_end_them() {
        let text = "Mr. Smith arrived in Washington, D.C. on Monday. The next day, police \
                    said so. A bomb exploded at 8 p.m. in Chelsea.\n\nNew paragraph";
        let t = tokenize(text);
        let s: Vec<&str> = t
            .sentences
            .iter()
            .map(|r| &text[t.tokens[r.start].start..t.tokens[r.end - 1].end])
            .collect();
        assert_eq!(
            s,
            [
                "Mr. Smith arrived in Washington, D.C. on Monday.",
                "The next day, police said so.",
                "A bomb exploded at 8 p.m. in Chelsea.",
                "New paragraph"
            ]
        );
    }

    #[test]
    fn byte_and_character_offsets_agree() {
        let text = "Взрыв в Калуге, then Moscow; ".repeat(20);
        let o = CharOffsets::new(&text);
        for (c, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(o.chars(b), c);
            assert_eq!(o.bytes(c), b);
        }
        assert_eq!(o.bytes(text.chars().count()), text.len());
        let ascii = CharOffsets::new("abc");
        assert_eq!((ascii.chars(2), ascii.bytes(2)), (2, 2));
    }
}

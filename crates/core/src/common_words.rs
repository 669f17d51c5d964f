//! The words most events hold, one bitmap each, which bytes each event's
//! words hold, and which digits and pairs of digits: a small index (at most
//! 54 bytes an event) that lets
//! a search skip reading the events whose answer it already knows.
//!
//! A large file keeps no copy of its events' words (that is 300 bytes an
//! event), so [`SearchIndex::scan`](crate::filter::SearchIndex::scan) reads
//! the events again for each search. That is quick for a word few events
//! hold (the reader's look at the file's bytes skips the rest) and slow for
//! a word every event holds ("place" in every ACLED note), which needs every
//! event read. This index answers those at once:
//! - an event holding a common word (a run of ASCII letters and digits in
//!   at least one event in a hundred, the 256 most held) holds every part
//!   of it: "pla" is found in each event "place" or "displaced" is in, from
//!   their bitmaps, without reading them;
//! - an event whose words lack one of a term's bytes cannot hold it (one
//!   bit an event for each letter, digit and a few bins of other bytes);
//! - digits: a bitmap for each digit and each pair of digits an event's
//!   words hold somewhere ("4", "42"): a number typed of one or two digits
//!   is answered by its bitmap alone, and a longer one ("4242") may only be
//!   where all its pairs are ("42", "24"), as a term being typed so often
//!   is ("place 4").
//!
//! Only the events left between them are read.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::filter::{Term, read_folded};
use crate::store::Store;

/// How many common words are kept at most: 256 bitmaps are 32 bytes an event.
const MOST: usize = 256;
/// A word held by fewer events than one in this many is not kept.
const RARER: usize = 100;
/// Events read a part at a time (a multiple of 64: a part fills whole bitmap words).
const CHUNK: usize = 4096;
/// The digits' bitmaps: "0" to "9", then "00" to "99".
const GRAMS: usize = 110;

/// The bitmap of a digit string of one or two digits.
fn gram(digits: &[u8]) -> Option<usize> {
    match *digits {
        [a] if a.is_ascii_digit() => Some(usize::from(a - b'0')),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(10 + usize::from(a - b'0') * 10 + usize::from(b - b'0'))
        }
        _ => None,
    }
}

/// The digits' bitmaps (see [`gram`]) `text` holds, set in `row`.
fn set_grams(text: &[u8], row: &mut [u64], bit: u64) {
    for (k, &a) in text.iter().enumerate() {
        if a.is_ascii_digit() {
            row[usize::from(a - b'0')] |= bit;
            if let Some(&b) = text.get(k + 1).filter(|b| b.is_ascii_digit()) {
                row[10 + usize::from(a - b'0') * 10 + usize::from(b - b'0')] |= bit;
            }
        }
    }
}

/// See the module's documentation.
#[derive(Debug, Default)]
pub struct CommonWords {
    n: usize,
    /// The common words, folded.
    words: Vec<Vec<u8>>,
    /// Bitmaps, block-major: for each 64 events, one word per common word.
    bits: Vec<u64>,
    /// For each event, the bins of the bytes its folded words hold.
    masks: Vec<u64>,
    /// The digits' bitmaps, block-major as `bits`: [`GRAMS`] a block.
    grams: Vec<u64>,
}

/// Which events a search's terms are sure to be in, and which they may be
/// in (the rest cannot hold them), one bit an event.
#[derive(Debug)]
pub struct Split {
    pub sure: Vec<u64>,
    pub maybe: Vec<u64>,
}

impl Split {
    pub fn is_sure(&self, i: usize) -> bool {
        self.sure[i / 64] >> (i % 64) & 1 == 1
    }

    pub fn is_maybe(&self, i: usize) -> bool {
        self.maybe[i / 64] >> (i % 64) & 1 == 1
    }
}

/// The bin of each byte: letters and digits their own, the rest in 28 bins.
const fn bins() -> [u64; 256] {
    let mut out = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let bin = match b as u8 {
            c @ b'a'..=b'z' => (c - b'a') as u32,
            c @ b'0'..=b'9' => 26 + (c - b'0') as u32,
            c => 36 + (c as u32 % 28),
        };
        out[b] = 1 << bin;
        b += 1;
    }
    out
}
static BINS: [u64; 256] = bins();

fn mask_of(text: &[u8]) -> u64 {
    text.iter().fold(0, |m, &b| m | BINS[b as usize])
}

/// The words of folded text: runs of ASCII letters and digits.
fn words_of(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

impl CommonWords {
    /// Reads every event of `store` once (on every core) to find its common
    /// words and make their bitmaps: first a sample of the events says which
    /// words are common, then all are read. `None` as soon as `stop` says so.
    pub fn build_until(
        store: &Store,
        progress: &(dyn Fn(f32) + Sync),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<CommonWords> {
        let n = store.len();
        let chunks = n.div_ceil(CHUNK);
        // Read each part's events folded, one at a time.
        let read = |c: usize, each: &mut dyn FnMut(usize, &[u8])| {
            let which: Vec<usize> = (c * CHUNK..((c + 1) * CHUNK).min(n)).collect();
            read_folded(store, &which, each);
        };
        // A sample of about 32 parts says which words are common.
        let every = (chunks / 32).max(1);
        let sampled: Vec<usize> = (0..chunks).step_by(every).collect();
        let counts = sampled
            .par_iter()
            .map(|&c| {
                if stop() {
                    return None;
                }
                let mut counts: FxHashMap<Vec<u8>, (u32, usize)> = FxHashMap::default();
                read(c, &mut |i, text| {
                    for w in words_of(text) {
                        match counts.get_mut(w) {
                            Some((count, last)) => {
                                if *last != i {
                                    *count += 1;
                                    *last = i;
                                }
                            }
                            None => {
                                counts.insert(w.to_vec(), (1, i));
                            }
                        }
                    }
                });
                Some(counts)
            })
            .try_reduce(FxHashMap::default, |mut a, b| {
                for (w, (count, _)) in b {
                    a.entry(w).or_insert((0, usize::MAX)).0 += count;
                }
                Some(a)
            })?;
        let seen: usize = sampled
            .iter()
            .map(|&c| ((c + 1) * CHUNK).min(n) - c * CHUNK)
            .sum();
        let mut common: Vec<(Vec<u8>, u32)> = counts
            .into_iter()
            .filter(|(_, (count, _))| *count as usize * RARER >= seen.max(1))
            .map(|(w, (count, _))| (w, count))
            .collect();
        common.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        common.truncate(MOST);
        let words: Vec<Vec<u8>> = common.into_iter().map(|(w, _)| w).collect();
        let which: FxHashMap<&[u8], usize> = words
            .iter()
            .enumerate()
            .map(|(k, w)| (w.as_slice(), k))
            .collect();
        // Then every event: its bytes' bins and its common words' bits.
        let k = words.len();
        let blocks = n.div_ceil(64);
        let mut bits = vec![0u64; blocks * k];
        // Every bin until an event is read: one never read is never passed over.
        let mut masks = vec![u64::MAX; n];
        // (Each of an event never read set alike.)
        let mut grams = vec![u64::MAX; blocks * GRAMS];
        let done = std::sync::atomic::AtomicUsize::new(0);
        // Each part's bitmap words (none when no word is common: the masks
        // are made all the same).
        let bit_parts: Vec<&mut [u64]> = if k == 0 {
            (0..chunks).map(|_| <&mut [u64]>::default()).collect()
        } else {
            bits.chunks_mut(CHUNK / 64 * k).collect()
        };
        let finished = bit_parts
            .into_par_iter()
            .zip(masks.par_chunks_mut(CHUNK))
            .zip(grams.par_chunks_mut(CHUNK / 64 * GRAMS))
            .enumerate()
            .all(|(c, ((bits, masks), grams))| {
                if stop() {
                    return false;
                }
                grams.fill(0);
                read(c, &mut |i, text| {
                    let at = i - c * CHUNK;
                    masks[at] = mask_of(text);
                    let (word, bit) = (at / 64, 1u64 << (at % 64));
                    for w in words_of(text) {
                        if let Some(&j) = which.get(w) {
                            bits[word * k + j] |= bit;
                        }
                    }
                    set_grams(text, &mut grams[word * GRAMS..(word + 1) * GRAMS], bit);
                });
                let d = done.fetch_add(masks.len(), std::sync::atomic::Ordering::Relaxed);
                progress((d + masks.len()) as f32 / n.max(1) as f32);
                true
            });
        finished.then_some(CommonWords {
            n,
            words,
            bits,
            masks,
            grams,
        })
    }

    /// Whether the bitmaps of `n` events (54 bytes an event at most) fit
    /// in `available` bytes of memory with room to spare: they take no more
    /// than a quarter of it (unknown: they fit).
    pub fn fit(n: usize, available: Option<u64>) -> bool {
        available.is_none_or(|a| n as u64 * 54 * 4 <= a)
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.bits.capacity() * 8
            + self.masks.capacity() * 8
            + self.grams.capacity() * 8
            + self.words.iter().map(|w| w.capacity() + 24).sum::<usize>()
    }

    /// Which events are sure to hold every term, and which may (the rest
    /// cannot): a word is sure in each event holding a common word it is
    /// part of, and a number of one or two digits in each holding it; a
    /// phrase's whole common words must be there, as must each pair of
    /// digits a term has; and every byte of a term must be among the event's.
    pub fn split(&self, terms: &[Term]) -> Split {
        let k = self.words.len();
        let blocks = self.n.div_ceil(64);
        // For each term: its bytes' bins, the common words that make it
        // sure, and those it must have.
        #[allow(clippy::type_complexity)]
        let per_term: Vec<(u64, Vec<usize>, Vec<usize>, Option<usize>, Vec<usize>)> = terms
            .iter()
            .map(|t| {
                let text = t.text.as_bytes();
                let containing = if t.whole_start || t.whole_end {
                    Vec::new()
                } else {
                    let finder = memchr::memmem::Finder::new(text);
                    (0..k)
                        .filter(|&j| finder.find(&self.words[j]).is_some())
                        .collect()
                };
                // A phrase's words that stand whole in it: each event holding
                // the phrase holds them as words.
                let parts: Vec<&str> = t.text.split(' ').collect();
                let last = parts.len().saturating_sub(1);
                let needed = if t.whole_start || t.whole_end {
                    parts
                        .iter()
                        .enumerate()
                        .filter(|&(p, w)| {
                            (p > 0 || t.whole_start)
                                && (p < last || t.whole_end)
                                && !w.is_empty()
                                && w.bytes().all(|b| b.is_ascii_alphanumeric())
                        })
                        .filter_map(|(_, w)| self.words.iter().position(|c| c == w.as_bytes()))
                        .collect()
                } else {
                    Vec::new()
                };
                // Its digits: the bitmap that answers it, the pairs it needs.
                let exact = gram(text).filter(|_| !t.whole_start && !t.whole_end);
                let pairs: Vec<usize> = text.windows(2).filter_map(gram).collect();
                (mask_of(text), containing, needed, exact, pairs)
            })
            .collect();
        let mut sure = vec![0u64; blocks];
        let mut maybe = vec![0u64; blocks];
        sure.par_iter_mut()
            .zip(maybe.par_iter_mut())
            .enumerate()
            .with_min_len(256)
            .for_each(|(b, (sure, maybe))| {
                let row = &self.bits[b * k..(b + 1) * k];
                let digits = &self.grams[b * GRAMS..(b + 1) * GRAMS];
                let events = &self.masks[b * 64..((b + 1) * 64).min(self.n)];
                let mut all_sure = u64::MAX;
                let mut all_may = if events.len() == 64 {
                    u64::MAX
                } else {
                    (1u64 << events.len()) - 1
                };
                for (mask, containing, needed, exact, pairs) in &per_term {
                    let mut has = 0u64;
                    for (e, m) in events.iter().enumerate() {
                        has |= u64::from(m & mask == *mask) << e;
                    }
                    for &j in needed {
                        has &= row[j];
                    }
                    for &g in pairs {
                        has &= digits[g];
                    }
                    let mut covered = containing.iter().fold(0u64, |a, &j| a | row[j]);
                    if let Some(g) = exact {
                        covered |= digits[*g];
                    }
                    all_may &= has;
                    all_sure &= covered;
                }
                if per_term.is_empty() {
                    all_sure = all_may;
                }
                *sure = all_sure & all_may;
                *maybe = all_may & !*sure;
            });
        Split { sure, maybe }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bins_of_a_terms_bytes_are_among_its_words() {
        assert_eq!(mask_of(b"ab") & mask_of(b"abc"), mask_of(b"ab"));
        assert_ne!(mask_of(b"a"), mask_of(b"b"));
        assert_ne!(mask_of(b"1"), mask_of(b"2"));
        assert!(CommonWords::fit(10_000_000, Some(2_200_000_000)));
        assert!(
            !CommonWords::fit(10_000_000, Some(2_000_000_000)),
            "540 MB of 2 GB"
        );
        assert!(CommonWords::fit(10_000_000, None));
        let words: Vec<&[u8]> = words_of(b"on 6 september, place 17289.").collect();
        assert_eq!(words, [&b"on"[..], b"6", b"september", b"place", b"17289"]);
    }

    #[test]
    fn with_no_common_word_the_masks_still_decide() {
        let mut csv = String::from("id,title,event_date,latitude,longitude\n");
        for i in 0..3000 {
            csv.push_str(&format!("e{i},Zq{i}x,2024-03-22,1,1\n"));
        }
        let loaded = crate::formats::load_bytes(std::path::Path::new("unique.csv"), csv.as_bytes());
        let store = loaded.store.unwrap();
        let common = CommonWords::build_until(&store, &|_| {}, &|| false).unwrap();
        assert!(common.words.is_empty(), "{:?}", common.words.len());
        assert!(
            common.masks.iter().all(|&m| m != u64::MAX),
            "every event's mask is made"
        );
        for query in ["zq12x", "q1", "zq", "\"zq7x\"", "nothing"] {
            let plain = crate::filter::SearchIndex::scan(&store, query, None, None, &|| false);
            let quick =
                crate::filter::SearchIndex::scan(&store, query, None, Some(&common), &|| false);
            assert_eq!(plain, quick, "{query}");
        }
        let found =
            crate::filter::SearchIndex::scan(&store, "zq12x", None, Some(&common), &|| false);
        assert_eq!(found.unwrap().iter().filter(|&&b| b).count(), 1);
    }
}

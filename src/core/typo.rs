//! Typo tolerance: a deletion index (SymSpell-style) over the words the knowledge uses.
//!
//! Every known word is stored under each string obtained by deleting up to `max_distance`
//! characters; a query word is looked up the same way and the candidates are verified with
//! the real Damerau–Levenshtein distance. This costs well under a microsecond per unknown
//! word, where a scan with `strsim` over the whole vocabulary costs hundreds.

use rustc_hash::FxHasher;
use std::hash::Hasher;

/// Words shorter than this are never corrected: too many short words are one edit apart.
pub const MIN_LEN: usize = 5;

/// Maximum edit distance allowed for a word of `len` characters.
pub fn max_distance(len: usize) -> usize {
    if len >= 9 { 2 } else { 1 }
}

/// A deletion index over a vocabulary with frequencies.
#[derive(Default)]
pub struct TypoIndex {
    words: Vec<(String, u32)>,
    /// (hash of a deletion variant, a word that gives it), sorted: the words of a variant are
    /// one run, found by binary search. One array instead of a map of small vectors keeps
    /// building the index (at every start-up) to a sort. Two variants may share a hash; that
    /// only adds a candidate, which the distance check then rejects.
    deletes: Vec<(u64, u32)>,
}

impl TypoIndex {
    /// Builds the index over `(word, frequency)` pairs.
    pub fn new(words: impl IntoIterator<Item = (String, u32)>) -> TypoIndex {
        let mut index = TypoIndex::default();
        let mut variants = Vec::new();
        let mut chars: Vec<char> = Vec::new();
        for (word, freq) in words {
            chars.clear();
            chars.extend(word.chars());
            if chars.len() < MIN_LEN {
                continue;
            }
            let id = index.words.len() as u32;
            variants.clear();
            deletions(&chars, max_distance(chars.len()), &mut variants);
            variants.push(key(&chars));
            index.deletes.extend(variants.iter().map(|&v| (v, id)));
            index.words.push((word, freq));
        }
        // A word that gives the same variant twice ("kampanye" without either 'a') is listed
        // once.
        index.deletes.sort_unstable();
        index.deletes.dedup();
        index
    }

    /// The words that give the deletion variant with hash `v`.
    fn words_of(&self, v: u64) -> impl Iterator<Item = u32> + '_ {
        let start = self.deletes.partition_point(|&(h, _)| h < v);
        self.deletes[start..]
            .iter()
            .take_while(move |&&(h, _)| h == v)
            .map(|&(_, id)| id)
    }

    /// The closest known word to `word` (smallest distance, then most frequent), if any is
    /// within the allowed distance.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < MIN_LEN {
            return None;
        }
        let limit = max_distance(chars.len());
        let mut variants = Vec::new();
        deletions(&chars, limit, &mut variants);
        variants.push(key(&chars));
        let mut best: Option<(usize, u32, &str)> = None;
        for &v in &variants {
            for id in self.words_of(v) {
                let (candidate, freq) = &self.words[id as usize];
                let cand: Vec<char> = candidate.chars().collect();
                // People rarely mistype the first letter; "pindah" is not a typo of "indah".
                if cand.first() != chars.first() {
                    continue;
                }
                let allowed = limit.min(max_distance(cand.len()));
                let d = damerau_levenshtein(&chars, &cand);
                if d == 0 || d > allowed {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((bd, bf, bw)) => {
                        d < bd
                            || (d == bd && (*freq > bf || (*freq == bf && candidate.as_str() < bw)))
                    }
                };
                if better {
                    best = Some((d, *freq, candidate));
                }
            }
        }
        best.map(|(_, _, w)| w)
    }
}

/// The hash a deletion variant is stored under.
fn key(chars: &[char]) -> u64 {
    key_without(chars, usize::MAX, usize::MAX)
}

/// The hashes of every string made by deleting one character, or with `depth` 2 up to two,
/// after the first: the first letter is never corrected (see [`TypoIndex::correct`]), and
/// when two words share it their distance is the distance of the rest.
fn deletions(chars: &[char], depth: usize, out: &mut Vec<u64>) {
    debug_assert!(depth <= 2, "max_distance never exceeds 2");
    if depth == 0 {
        return;
    }
    for i in 1..chars.len() {
        out.push(key_without(chars, i, i));
        if depth >= 2 {
            for j in i + 1..chars.len() {
                out.push(key_without(chars, i, j));
            }
        }
    }
}

/// [`key`] of `chars` without the characters at `i` and `j` (the same position for one, and
/// `usize::MAX` for none).
fn key_without(chars: &[char], i: usize, j: usize) -> u64 {
    let mut h = FxHasher::default();
    for (at, &c) in chars.iter().enumerate() {
        if at != i && at != j {
            h.write_u32(u32::from(c));
        }
    }
    h.finish()
}

/// Optimal string alignment distance (adjacent transpositions count as one edit).
pub fn damerau_levenshtein(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TypoIndex {
        TypoIndex::new([
            ("kampanye".to_string(), 50),
            ("netralitas".to_string(), 40),
            ("boleh".to_string(), 90),
            ("bolak".to_string(), 1),
        ])
    }

    #[test]
    fn corrects_one_edit_in_short_words() {
        assert_eq!(index().correct("bolhe"), Some("boleh"));
        assert_eq!(
            index().correct("bolh"),
            None,
            "four letters are too short to correct"
        );
        assert_eq!(index().correct("kampanya"), Some("kampanye"));
    }

    #[test]
    fn corrects_two_edits_in_long_words_only() {
        assert_eq!(index().correct("netraliats"), Some("netralitas"));
        assert_eq!(index().correct("netrlitas"), Some("netralitas"));
        assert_eq!(
            index().correct("nxtrxlitxs"),
            None,
            "three edits are too many"
        );
        assert_eq!(index().correct("bxlxh"), None);
    }

    #[test]
    fn prefers_the_more_frequent_word_at_equal_distance() {
        assert_eq!(index().correct("bolah"), Some("boleh"));
    }

    #[test]
    fn never_changes_the_first_letter() {
        let index = TypoIndex::new([("indah".to_string(), 5), ("lolos".to_string(), 5)]);
        assert_eq!(index.correct("pindah"), None);
        assert_eq!(index.correct("bolos"), None);
    }

    proptest::proptest! {
        /// The index finds exactly what a scan of the vocabulary would: the nearest word within
        /// the allowed distance that starts with the same letter.
        #[test]
        fn agrees_with_a_scan_of_the_vocabulary(
            vocab in proptest::collection::vec("[abk][aeiklnrst]{4,10}", 1..30),
            query in "[abk][aeiklnrst]{4,10}",
        ) {
            let freq = |w: &str| w.len() as u32;
            let index = TypoIndex::new(vocab.iter().map(|w| (w.clone(), freq(w))));
            let q: Vec<char> = query.chars().collect();
            let limit = max_distance(q.len());
            let mut best: Option<(usize, u32, &str)> = None;
            for w in &vocab {
                let c: Vec<char> = w.chars().collect();
                let d = damerau_levenshtein(&q, &c);
                if c[0] != q[0] || d == 0 || d > limit.min(max_distance(c.len())) {
                    continue;
                }
                let better = best.is_none_or(|(bd, bf, bw)| {
                    d < bd || (d == bd && (freq(w) > bf || (freq(w) == bf && w.as_str() < bw)))
                });
                if better {
                    best = Some((d, freq(w), w));
                }
            }
            proptest::prop_assert_eq!(index.correct(&query), best.map(|b| b.2));
        }
    }

    #[test]
    fn never_corrects_very_short_words_or_known_words() {
        assert_eq!(index().correct("pns"), None);
        assert_eq!(index().correct("boleh"), None);
    }
}

//! Features for the intent classifier: hashed word and character n-grams of normalised text.
//!
//! A question (or a phrasing of the knowledge) is first normalised by the same
//! [`Normaliser`](super::normalise::Normaliser) the lexical index uses — slang, synonyms,
//! particles, typo correction — so the classifier profits from the lexicon. Its features are
//! stem unigrams and adjacent stem pairs (the *word* block) and character 2–5-grams of each
//! surface word padded with spaces (the *char* block, which catches affixes and misspellings
//! the lexicon does not know). Features are hashed (FNV-1a, stable across platforms and
//! releases) into `2^bits` buckets, so a model needs no vocabulary strings. Each word carries
//! a weight (lower for the context around a question sentence), added up as term frequency.

/// One word of a question as the classifier sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word<'a> {
    /// The surface word (after normalisation, or its typo correction).
    pub surface: &'a str,
    /// Its stem.
    pub stem: &'a str,
    /// How much it counts (1 in the question sentence, less in the context around it).
    pub weight: f32,
}

/// The two blocks of features; each block is L2-normalised on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Block {
    Word = 0,
    Char = 1,
}

/// Smallest and largest character n-gram.
pub const CHAR_MIN: usize = 2;
pub const CHAR_MAX: usize = 5;

/// A hashed feature: its bucket, its block, and its (weighted) count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feature {
    pub bucket: u32,
    pub block: Block,
    pub count: f32,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(seed: u8, parts: &[&[u8]]) -> u64 {
    let mut h = FNV_OFFSET ^ u64::from(seed);
    h = h.wrapping_mul(FNV_PRIME);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(FNV_PRIME);
        }
        for &b in *p {
            h ^= u64::from(b);
            h = h.wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// Calls `f` with every feature of a sequence of words, unmerged: a bucket may come more than
/// once, and its counts add up. Inference accumulates them directly ([`extract`] merges them
/// for training).
pub fn each(words: &[Word<'_>], bits: u32, mut f: impl FnMut(Feature)) {
    let mask = (1u64 << bits) - 1;
    let mut push = |h: u64, block: Block, count: f32| {
        f(Feature {
            bucket: (h & mask) as u32,
            block,
            count,
        });
    };
    // " word " and the byte offset where each of its characters starts (plus its end).
    let mut padded = String::new();
    let mut starts: Vec<usize> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        push(fnv(b'w', &[w.stem.as_bytes()]), Block::Word, w.weight);
        if let Some(next) = words.get(i + 1)
            && next.stem != w.stem
        {
            push(
                fnv(b'b', &[w.stem.as_bytes(), next.stem.as_bytes()]),
                Block::Word,
                w.weight.min(next.weight),
            );
        }
        // Character n-grams over " word " (byte ranges on char boundaries).
        padded.clear();
        padded.push(' ');
        padded.push_str(w.surface);
        padded.push(' ');
        starts.clear();
        starts.extend(padded.char_indices().map(|(at, _)| at));
        starts.push(padded.len());
        // Each n-gram's hash extends the hash of the (n−1)-gram at the same start: FNV-1a
        // reads bytes left to right, so this equals `fnv(b'c', &[gram])`, in a fifth of the
        // work.
        let chars = starts.len() - 1;
        let bytes = padded.as_bytes();
        let seeded = (FNV_OFFSET ^ u64::from(b'c')).wrapping_mul(FNV_PRIME);
        for start in 0..chars.saturating_sub(CHAR_MIN - 1) {
            let mut h = seeded;
            for n in 1..=CHAR_MAX.min(chars - start) {
                for &b in &bytes[starts[start + n - 1]..starts[start + n]] {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(FNV_PRIME);
                }
                if n >= CHAR_MIN {
                    push(h, Block::Char, w.weight);
                }
            }
        }
    }
}

/// The features of a sequence of words, merged by bucket (sorted by bucket).
pub fn extract(words: &[Word<'_>], bits: u32) -> Vec<Feature> {
    let mut out: Vec<Feature> = Vec::with_capacity(words.len() * 20);
    each(words, bits, |f| out.push(f));
    out.sort_unstable_by_key(|f| (f.bucket, f.block as u8));
    let mut merged: Vec<Feature> = Vec::with_capacity(out.len());
    for f in out {
        match merged.last_mut() {
            Some(last) if last.bucket == f.bucket => last.count += f.count,
            _ => merged.push(f),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w<'a>(surface: &'a str, stem: &'a str) -> Word<'a> {
        Word {
            surface,
            stem,
            weight: 1.0,
        }
    }

    #[test]
    fn the_same_words_give_the_same_features_and_counts_add_up() {
        let a = extract(&[w("kampanye", "kampanye"), w("pns", "pns")], 20);
        let b = extract(&[w("kampanye", "kampanye"), w("pns", "pns")], 20);
        assert_eq!(a, b);
        let twice = extract(&[w("pns", "pns"), w("pns", "pns")], 20);
        let once = extract(&[w("pns", "pns")], 20);
        assert_eq!(
            twice.len(),
            once.len(),
            "a repeated word adds no new feature"
        );
        let total = |fs: &[Feature]| fs.iter().map(|f| f.count).sum::<f32>();
        assert!(total(&twice) > total(&once));
    }

    #[test]
    fn hashes_are_stable_across_releases() {
        // A model file stores buckets; changing the hash would silently break shipped models.
        assert_eq!(fnv(b'w', &[b"pns"]), fnv(b'w', &[b"pns"]));
        assert_eq!(fnv(b'w', &[b"pns"]) & 0xffff, 0xa8a5);
        assert_ne!(fnv(b'w', &[b"pns"]), fnv(b'c', &[b"pns"]));
        assert_ne!(fnv(b'b', &[b"a", b"bc"]), fnv(b'b', &[b"ab", b"c"]));
    }

    #[test]
    fn char_ngrams_hash_as_the_grams_themselves() {
        // The incremental hashing must give the very buckets a model was trained with.
        for word in ["kampanye", "pns", "ünïcödé"] {
            let padded = format!(" {word} ");
            let chars: Vec<char> = padded.chars().collect();
            let mut expected: Vec<u32> = Vec::new();
            for n in CHAR_MIN..=CHAR_MAX.min(chars.len()) {
                for start in 0..=chars.len() - n {
                    let gram: String = chars[start..start + n].iter().collect();
                    expected.push((fnv(b'c', &[gram.as_bytes()]) & 0xfffff) as u32);
                }
            }
            let mut got: Vec<u32> = Vec::new();
            each(&[w(word, "x")], 20, |f| {
                if f.block == Block::Char {
                    got.push(f.bucket);
                }
            });
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected, "{word}");
        }
    }

    #[test]
    fn context_words_weigh_less() {
        let mut ctx = w("bupati", "bupati");
        ctx.weight = 0.25;
        let fs = extract(&[ctx], 20);
        assert!(fs.iter().all(|f| f.count <= 0.25 * 3.0));
    }

    #[test]
    fn non_ascii_words_do_not_panic() {
        let fs = extract(&[w("ünïcödé漢字", "ünïcödé漢字")], 16);
        assert!(fs.iter().all(|f| f.bucket < (1 << 16)));
    }
}

//! Turns what users type into the tokens the matcher compares.
//!
//! Order of the rules (each tested on its own in `tests/normalise.rs`): markup tags pasted with
//! the question are removed; Unicode NFKC and
//! lowercase; letters with diacritics to their base letter; everything that is not a letter
//! or digit (emoji, punctuation) becomes a space; runs of three or more equal letters collapse
//! ("bolehhh"); reduplication is reduced ("kata2", "kata-kata"); a hyphen after a chat prefix
//! joins ("nge-like"), other hyphens split; the slang table maps one token to standard words;
//! multiword synonyms collapse to one canonical form (longest first); discourse particles are
//! dropped; last, every word not on the protected list is stemmed (Snowball Indonesian).

use crate::knowledge::Lexicon;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Chat prefixes that are joined to the word after a hyphen ("nge-like" → "ngelike").
const JOINING_PREFIXES: &[&str] = &["nge", "ng", "di", "ke", "ter", "ber", "me", "se"];

/// A multiword variant and the canonical words it stands for.
type Synonym = (Vec<String>, Vec<String>);

/// The normaliser, built once from the lexicon.
pub struct Normaliser {
    slang: HashMap<String, Vec<String>>,
    /// First token of a variant → (variant, canonical), longest variant first.
    synonyms: HashMap<String, Vec<Synonym>>,
    protected: HashSet<String>,
    particles: HashSet<String>,
    stemmer: frostem::Stemmer,
}

impl Normaliser {
    pub fn new(lexicon: &Lexicon) -> Normaliser {
        let mut synonyms: HashMap<String, Vec<Synonym>> = HashMap::default();
        for (variant, canonical) in &lexicon.synonyms {
            // Variants are written in their post-slang form; accept either form.
            let variant: Vec<String> = variant.iter().map(|w| w.to_lowercase()).collect();
            if let Some(first) = variant.first() {
                synonyms
                    .entry(first.clone())
                    .or_default()
                    .push((variant.clone(), canonical.clone()));
            }
        }
        for list in synonyms.values_mut() {
            list.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        }
        Normaliser {
            slang: lexicon
                .slang
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            synonyms,
            protected: lexicon.protected.iter().cloned().collect(),
            particles: lexicon.particles.iter().cloned().collect(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Indonesian),
        }
    }

    /// Words after every rule except stemming.
    pub fn surface(&self, text: &str) -> Vec<String> {
        let mut words = Vec::new();
        for raw in clean(text).split_whitespace() {
            if raw.bytes().any(|b| b == b'-' || b.is_ascii_digit()) {
                for word in split_word(raw) {
                    self.push_word(&word, &mut words);
                }
            } else {
                self.push_word(raw, &mut words);
            }
        }
        let words = self.apply_synonyms(words);
        words
            .into_iter()
            .filter(|w| !self.particles.contains(w))
            .collect()
    }

    /// Pushes one word as the lexicon reads it: a slang word becomes its standard words, and
    /// a word neither slang nor protected loses its repeated letters ("bolehhh" → "boleh")
    /// first.
    fn push_word(&self, word: &str, words: &mut Vec<String>) {
        if let Some(standard) = self.slang.get(word) {
            words.extend(standard.iter().cloned());
        } else if self.protected.contains(word) {
            words.push(word.to_string());
        } else {
            match collapse_runs(word) {
                Cow::Owned(collapsed) => match self.slang.get(&collapsed) {
                    Some(standard) => words.extend(standard.iter().cloned()),
                    None => words.push(collapsed),
                },
                Cow::Borrowed(w) => words.push(w.to_string()),
            }
        }
    }

    /// The stem of one surface word; protected words, numbers and short words stay as they are.
    /// A stem that is itself a slang key with a one-word standard form takes that form
    /// ("netralitasnya" → "netralitas" → "netral"), so affixed words meet their plain form.
    pub fn stem(&self, word: &str) -> String {
        let stem = self.stem_once(word);
        if stem != word
            && let Some([standard]) = self.slang.get(&stem).map(Vec::as_slice)
        {
            return self.stem_once(standard);
        }
        stem
    }

    fn stem_once(&self, word: &str) -> String {
        if self.protected.contains(word)
            || word.len() <= 3
            || word.bytes().any(|b| b.is_ascii_digit())
        {
            return word.to_string();
        }
        let stem = self.stemmer.stem(word);
        if stem.len() < 3 {
            word.to_string()
        } else {
            stem.into_owned()
        }
    }

    /// Whether the word is on the protected list.
    pub fn is_protected(&self, word: &str) -> bool {
        self.protected.contains(word)
    }

    /// The tokens the matcher compares: surface words, stemmed.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        self.surface(text).iter().map(|w| self.stem(w)).collect()
    }

    fn apply_synonyms(&self, mut words: Vec<String>) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        'outer: while i < words.len() {
            if let Some(candidates) = self.synonyms.get(&words[i]) {
                for (variant, canonical) in candidates {
                    if words.len() - i >= variant.len()
                        && words[i..i + variant.len()] == variant[..]
                    {
                        out.extend(canonical.iter().cloned());
                        i += variant.len();
                        continue 'outer;
                    }
                }
            }
            out.push(std::mem::take(&mut words[i]));
            i += 1;
        }
        out
    }
}

/// Removes markup tags ("<b>", "</script>", "<a href=…>") pasted with a question: they are
/// not words the user asked.
fn strip_tags(text: &str) -> Cow<'_, str> {
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let opens_tag = after
            .trim_start_matches('/')
            .starts_with(|c: char| c.is_ascii_alphabetic());
        match after.find('>') {
            Some(end) if opens_tag && end <= 200 => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// NFKC, lowercase, diacritics off, non-alphanumerics (but '-') to spaces.
fn clean(text: &str) -> String {
    let text = strip_tags(text);
    if text.is_ascii() {
        // NFKC and diacritics leave ASCII as it is: the same rules, byte by byte.
        let mut bytes = text.as_bytes().to_vec();
        for b in &mut bytes {
            *b = if b.is_ascii_alphanumeric() || *b == b'-' {
                b.to_ascii_lowercase()
            } else {
                b' '
            };
        }
        // Still ASCII, so always valid UTF-8.
        return String::from_utf8(bytes).unwrap_or_default();
    }
    text.nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| {
            let c = if c.is_ascii() || !c.is_alphabetic() {
                c
            } else {
                // "é" → "e"; letters of other scripts are kept as they are.
                std::iter::once(c)
                    .nfd()
                    .find(|d| d.is_ascii_alphabetic())
                    .unwrap_or(c)
            };
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// Runs of three or more equal letters collapse to one ("bolehhh" → "boleh").
fn collapse_runs(word: &str) -> Cow<'_, str> {
    let b = word.as_bytes();
    if word.is_ascii() && !b.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return Cow::Borrowed(word);
    }
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let run = j - i;
        let keep = if run >= 3 && chars[i].is_alphabetic() {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(chars[i], keep));
        i = j;
    }
    Cow::Owned(out)
}

/// Splits one whitespace-free chunk into words: hyphens, reduplication, digit suffixes.
fn split_word(raw: &str) -> Vec<String> {
    if !raw.bytes().any(|b| b == b'-' || b.is_ascii_digit()) {
        return vec![raw.to_string()];
    }
    let parts: Vec<&str> = raw.split('-').filter(|p| !p.is_empty()).collect();
    let mut words: Vec<String> = Vec::new();
    match parts.as_slice() {
        [] => {}
        [a, b] if a == b => words.push((*a).to_string()),
        [a, b] if JOINING_PREFIXES.contains(a) => words.push(format!("{a}{b}")),
        _ => words.extend(parts.iter().map(|p| (*p).to_string())),
    }
    words.into_iter().flat_map(|w| split_digits(&w)).collect()
}

/// "kata2" → "kata"; "pemilu2024" → "pemilu 2024"; "p3k" stays.
fn split_digits(word: &str) -> Vec<String> {
    let bytes = word.as_bytes();
    if word.len() > 3
        && word.ends_with('2')
        && bytes[..word.len() - 1].iter().all(u8::is_ascii_alphabetic)
    {
        return vec![word[..word.len() - 1].to_string()];
    }
    let letters = word.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = &word[letters..];
    if letters >= 2 && rest.len() >= 3 && rest.bytes().all(|b| b.is_ascii_digit()) {
        return vec![word[..letters].to_string(), rest.to_string()];
    }
    vec![word.to_string()]
}

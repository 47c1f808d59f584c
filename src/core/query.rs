//! A question made ready for matching: its normalised words, each with a weight, and the
//! words written as names.
//!
//! Real questions come wrapped in context: a letter to a Q&A column tells who the writer is
//! before asking, a comment names the candidate it is angry about. In a long question of
//! several sentences the sentence that asks (it ends with "?", or holds a question cue from
//! `matcher.toml`) keeps full weight and the others count `context_weight`. Words written
//! capitalised inside a sentence ("… foto bareng Ganjar Pranowo …") are reported as names, so
//! that the matcher can leave out those the knowledge does not know instead of letting them
//! sink the match.

use super::normalise::Normaliser;
use crate::knowledge::MatcherSettings;
use rustc_hash::FxHashSet as HashSet;

/// A question prepared for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prepared {
    /// Normalised words (before stemming) with their weights.
    pub words: Vec<(String, f32)>,
    /// Lowercased words that were written as names.
    pub names: HashSet<String>,
}

/// Splits raw text into sentences, keeping the end mark: ("…", ends with '?').
fn sentences(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let end = matches!(c, '?' | '!' | '.' | '\n');
        // "Pasal 5.a" or "1.000": a dot between non-spaces does not end a sentence.
        let next_is_space = bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
        if end && (c != '.' || next_is_space) {
            let s = &text[start..=i];
            if !s.trim().is_empty() {
                out.push((s, c == '?'));
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push((&text[start..], false));
    }
    out
}

/// Words capitalised inside a sentence (not its first word, not all capitals), lowercased.
fn names(sentences: &[(&str, bool)]) -> HashSet<String> {
    let mut out = HashSet::default();
    for (sentence, _) in sentences {
        let tokens = sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty());
        for token in tokens.skip(1) {
            let mut chars = token.chars();
            let first_upper = chars.next().is_some_and(char::is_uppercase);
            if first_upper && chars.any(char::is_lowercase) {
                out.insert(token.to_lowercase());
            }
        }
    }
    out
}

/// Prepares a question.
pub fn prepare(norm: &Normaliser, text: &str, s: &MatcherSettings) -> Prepared {
    let parts = sentences(text);
    let names = names(&parts);
    let words: Vec<Vec<String>> = parts.iter().map(|(p, _)| norm.surface(p)).collect();
    let total: usize = words.iter().map(Vec::len).sum();
    let mut asking: Vec<bool> = parts.iter().map(|(_, q)| *q).collect();
    if !asking.iter().any(|q| *q) {
        asking = words
            .iter()
            .map(|ws| ws.iter().any(|w| s.question_cues.contains(w)))
            .collect();
    }
    let scenario = parts.len() > 1
        && total >= s.long_question_words
        && asking.iter().any(|q| *q)
        && !asking.iter().all(|q| *q);
    let mut weighted = Vec::with_capacity(total);
    for (ws, ask) in words.into_iter().zip(asking) {
        let w = if scenario && !ask {
            s.context_weight
        } else {
            1.0
        };
        weighted.extend(ws.into_iter().map(|word| (word, w)));
    }
    Prepared {
        words: weighted,
        names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_marks_but_not_inside_numbers() {
        let s = sentences("Saya guru. Gaji 1.000 rupiah? boleh gak");
        assert_eq!(s.len(), 3);
        assert_eq!(s[1], (" Gaji 1.000 rupiah?", true));
        assert!(!s[2].1);
    }

    #[test]
    fn names_are_capitalised_words_inside_a_sentence() {
        let n = names(&sentences(
            "Heboh foto bareng Ganjar Pranowo. PNS BOLEH? Bupati Lahat datang",
        ));
        assert!(n.contains("ganjar") && n.contains("pranowo"));
        assert!(n.contains("lahat"));
        assert!(
            !n.contains("heboh"),
            "the first word of a sentence is not a name"
        );
        assert!(
            !n.contains("boleh") && !n.contains("pns"),
            "all capitals are not names"
        );
    }
}

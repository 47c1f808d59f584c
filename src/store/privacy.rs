//! The privacy rules every backend applies before anything is written: questions are kept
//! lightly normalised with long numbers (phone numbers, NIP, NIK) masked, and an asker key is
//! only ever stored as a salted hash. Nothing here knows which database is in use.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// Normalised questions longer than this are cut (characters).
const MAX_QUESTION_CHARS: usize = 500;
/// Numbers with at least this many digits are masked (phone numbers, NIP, NIK).
const MASK_DIGITS: usize = 9;

/// SHA-256 of the database's salt and the asker key, first 128 bits in hex.
pub(super) fn asker_hash(salt: &str, asker: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(asker.as_bytes());
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stands in for a masked number between masking and cleaning (a private-use character).
const MASK: char = '\u{E000}';

/// The text kept for a question: NFKC, lowercase, only letters and digits, single spaces,
/// long numbers masked as `<angka>`, cut at [`MAX_QUESTION_CHARS`]. Deliberately lighter than
/// the matcher's normaliser (no slang, no stemming, no letter-run folding): it does not depend
/// on the knowledge version, and keeps the phrasing a curator wants to label; `netral review`
/// applies the current normaliser when it groups.
pub(super) fn normalise(question: &str) -> String {
    let nfkc: String = question.nfkc().filter(|c| *c != MASK).collect();
    let mut out = String::new();
    let mut chars = 0;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
            word.clear();
        }
    };
    for c in mask_numbers(&nfkc).chars().flat_map(char::to_lowercase) {
        if c == MASK {
            flush(&mut word, &mut out);
            word.push_str("<angka>");
            flush(&mut word, &mut out);
        } else if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
        }
        chars += 1;
        if chars >= 4 * MAX_QUESTION_CHARS {
            break;
        }
    }
    flush(&mut word, &mut out);
    if out.chars().count() > MAX_QUESTION_CHARS {
        out = out.chars().take(MAX_QUESTION_CHARS).collect();
    }
    out
}

/// Replaces runs of digits — possibly split by single spaces, dots or hyphens, as phone
/// numbers are written — that hold at least [`MASK_DIGITS`] digits. Regulation numbers
/// ("PP 94/2021", "UU 7 tahun 2017") stay.
fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, each separator followed by a digit.
        let (start, mut end, mut digits) = (i, i, 0);
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if matches!(chars[end], ' ' | '.' | '-')
                && chars.get(end + 1).is_some_and(char::is_ascii_digit)
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= MASK_DIGITS {
            out.push(MASK);
        } else {
            out.extend(&chars[start..end]);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_text_keeps_the_phrasing_and_masks_long_numbers() {
        assert_eq!(
            normalise("NIP saya 199001012015031002, PPPK blh  ikut kampanye gak??"),
            "nip saya <angka> pppk blh ikut kampanye gak"
        );
        assert_eq!(
            normalise("wa saya 0812-3456-7890 / +62 812 3456 7890, nik3201234567890001"),
            "wa saya <angka> <angka> nik <angka>"
        );
        assert_eq!(
            normalise("PP 94/2021 pasal 5, UU 7 tahun 2017 pasal 280 ayat 2"),
            "pp 94 2021 pasal 5 uu 7 tahun 2017 pasal 280 ayat 2"
        );
        assert_eq!(
            normalise("ＡＳＮ boleh？😀\tnge-like"),
            "asn boleh nge like"
        );
        assert_eq!(normalise(&"kata ".repeat(500)).chars().count(), 500);
        assert_eq!(normalise("\u{E000} 123"), "123");
    }

    #[test]
    fn asker_hash_depends_on_salt() {
        assert_eq!(asker_hash("a", "telegram:1").len(), 32);
        assert_ne!(asker_hash("a", "telegram:1"), asker_hash("b", "telegram:1"));
        assert_eq!(asker_hash("a", "telegram:1"), asker_hash("a", "telegram:1"));
    }
}

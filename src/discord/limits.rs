//! Discord's size limits, and text helpers that keep within them.
//!
//! Lengths are counted in UTF-16 code units, which is never less than the number of Unicode
//! characters: a text that fits by this count fits by whichever count Discord applies.

/// Message content.
pub const CONTENT: usize = 2000;
/// Embed title.
pub const TITLE: usize = 256;
/// Embed description.
pub const DESCRIPTION: usize = 4096;
/// Embed field name.
pub const FIELD_NAME: usize = 256;
/// Embed field value.
pub const FIELD_VALUE: usize = 1024;
/// Embed footer text.
pub const FOOTER: usize = 2048;
/// Fields per embed.
pub const FIELDS: usize = 25;
/// Characters in all embeds of one message together.
pub const EMBED_TOTAL: usize = 6000;
/// Embeds per message.
pub const EMBEDS: usize = 10;
/// Button label.
pub const BUTTON_LABEL: usize = 80;
/// Component custom id.
pub const CUSTOM_ID: usize = 100;
/// Buttons in one action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows per message.
pub const ROWS: usize = 5;
/// Options of one select menu.
pub const SELECT_OPTIONS: usize = 25;
/// Select option label and value.
pub const SELECT_OPTION: usize = 100;
/// Autocomplete choices.
pub const CHOICES: usize = 25;
/// Autocomplete choice name and (for netral) value.
pub const CHOICE: usize = 100;

/// The length of `s` as Discord limits it (UTF-16 code units).
pub fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The longest prefix of `s` (on a character boundary) of at most `max` units.
fn prefix(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &s[..i];
        }
    }
    s
}

/// `s` cut to at most `max` units, ending in "…" when cut, preferably at a word boundary.
pub fn truncate(s: &str, max: usize) -> String {
    if len(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let head = prefix(s, max - 1);
    let cut = match head.rfind(char::is_whitespace) {
        Some(i) if len(&head[..i]) >= max / 2 => &head[..i],
        _ => head,
    };
    format!("{}…", cut.trim_end())
}

/// Splits `text` into pieces of at most `max` units each, cutting at a paragraph break, a line
/// break, a sentence end or a space when one lies in the second half of a piece.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if len(rest) <= max {
            out.push(rest.to_string());
            break;
        }
        let head = prefix(rest, max.max(1));
        let half = head.len() / 2;
        let cut = ["\n\n", "\n", ". ", " "]
            .iter()
            .find_map(|sep| {
                head.rfind(sep)
                    .filter(|i| *i >= half)
                    .map(|i| i + sep.len().min(1))
            })
            .unwrap_or(head.len());
        let cut = if cut == 0 { head.len() } else { cut };
        out.push(rest[..cut].trim_end().to_string());
        rest = rest[cut..].trim_start();
    }
    out
}

/// Escapes Discord markdown in plain knowledge text so that it shows as written. URLs are left
/// alone so that they stay clickable.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('>') || trimmed.starts_with('#') {
            out.push_str(&line[..line.len() - trimmed.len()]);
            out.push('\\');
            escape_words(trimmed, &mut out);
        } else {
            escape_words(line, &mut out);
        }
    }
    out
}

fn escape_words(line: &str, out: &mut String) {
    let mut in_url = false;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            in_url = false;
        } else if !in_url && (line[i..].starts_with("http://") || line[i..].starts_with("https://"))
        {
            in_url = true;
        }
        if !in_url && matches!(c, '\\' | '*' | '_' | '~' | '`' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_keeps_within_the_limit_and_marks_the_cut() {
        let s = "kata ".repeat(100);
        let t = truncate(&s, 50);
        assert!(len(&t) <= 50);
        assert!(t.ends_with('…'));
        assert_eq!(truncate("pendek", 50), "pendek");
        // Emoji count twice in UTF-16.
        let e = "👍".repeat(30);
        assert!(len(&truncate(&e, 11)) <= 11);
    }

    #[test]
    fn split_pieces_fit_and_lose_no_words() {
        let text = "Satu dua tiga. ".repeat(500);
        let parts = split(&text, 1024);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| len(p) <= 1024 && !p.is_empty()));
        let words: usize = parts.iter().map(|p| p.split_whitespace().count()).sum();
        assert_eq!(words, text.split_whitespace().count());
        let unbroken = "x".repeat(3000);
        assert!(split(&unbroken, 1000).iter().all(|p| len(p) <= 1000));
    }

    #[test]
    fn markdown_is_escaped_except_in_urls() {
        assert_eq!(
            escape_markdown("*tebal* a_b https://x.id/a_b_c"),
            "\\*tebal\\* a\\_b https://x.id/a_b_c"
        );
        assert_eq!(escape_markdown("> kutipan"), "\\> kutipan");
    }
}

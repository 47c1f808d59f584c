//! Plain-text rendering of a [`Reply`] for the terminal (`netral ask`, the REPL).
//!
//! Telegram (HTML) and Discord (embeds) render the same structure in their own modules.

use super::reply::Reply;
use crate::knowledge::Messages;

/// Whether to use ANSI colours (only on a terminal).
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn verdict(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1;33m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// A short line naming one legal basis: "PP 94/2021 Pasal 5 huruf n angka 1 — note".
pub fn basis_line(b: &crate::knowledge::LegalBasis) -> String {
    let mut line = b.regulation.clone();
    if !b.article.is_empty() {
        line.push(' ');
        line.push_str(&b.article);
    }
    if !b.note.is_empty() {
        line.push_str(" — ");
        line.push_str(&b.note);
    }
    line
}

/// "«quote», Outlet, date" for a news excerpt, then our caveat when it has one
/// ("(Catatan: …)").
pub fn quote_line(q: &super::reply::Quote, m: &Messages) -> String {
    let mut line = format!("«{}»", q.text);
    for part in [&q.outlet, &q.date] {
        if !part.is_empty() {
            line.push_str(", ");
            line.push_str(part);
        }
    }
    if let Some(note) = quote_note(q, m) {
        line.push(' ');
        line.push_str(&note);
    }
    line
}

/// Our caveat beside a quote, "(Catatan: …)", when the excerpt has one.
pub fn quote_note(q: &super::reply::Quote, m: &Messages) -> Option<String> {
    (!q.note.is_empty()).then(|| m.fill("core", "excerpt-note", &[("note", &q.note)]))
}

/// The closing line of a substantive answer: "Diperiksa per <date>. <disclaimer>", if any.
/// Every front end shows the same words.
pub fn footer_line(reply: &Reply, m: &Messages) -> Option<String> {
    let mut footer = Vec::new();
    if let Some(d) = &reply.as_of {
        footer.push(format!("{} {}.", m.get("core", "as-of"), d));
    }
    if let Some(d) = &reply.disclaimer {
        footer.push(d.clone());
    }
    (!footer.is_empty()).then(|| footer.join(" "))
}

/// The parts of an answer a phone user opens on demand under the first message (Telegram
/// private chats, Discord): each front end shows a button per part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The whole answer: body, every legal basis, sanction, excerpt, sources.
    Full,
    /// Every legal basis with its note.
    Basis,
    /// The sources and the news excerpt.
    Sources,
}

impl Detail {
    pub const ALL: [Detail; 3] = [Detail::Full, Detail::Basis, Detail::Sources];

    /// One letter for callback data and custom ids.
    pub fn code(self) -> char {
        match self {
            Detail::Full => 'x',
            Detail::Basis => 'l',
            Detail::Sources => 's',
        }
    }

    /// The inverse of [`Detail::code`].
    pub fn from_code(c: char) -> Option<Detail> {
        Detail::ALL.into_iter().find(|d| d.code() == c)
    }

    /// Key of the button label in the `core` messages.
    pub fn label_key(self) -> &'static str {
        match self {
            Detail::Full => "detail-full-button",
            Detail::Basis => "detail-basis-button",
            Detail::Sources => "detail-sources-button",
        }
    }
}

/// Whether an answer is shown compactly first, with [`Detail`] buttons: topics only (small
/// talk, declines and news summaries are short already).
pub fn has_details(reply: &Reply) -> bool {
    reply.answered && reply.kind == Some(super::index::EntryKind::Topic)
}

/// The first legal basis in one line, without its note, and how many more there are:
/// "PP 94/2021 Pasal 5 huruf n (+3 lainnya)".
pub fn basis_summary(reply: &Reply, m: &Messages) -> Option<String> {
    let first = reply.legal_basis.first()?;
    let mut line = first.regulation.clone();
    if !first.article.is_empty() {
        line.push(' ');
        line.push_str(&first.article);
    }
    let more = reply.legal_basis.len() - 1;
    if more > 0 {
        line.push(' ');
        line.push_str(&m.fill("core", "more-bases", &[("n", &more.to_string())]));
    }
    Some(line)
}

/// `text` cut to at most `max` characters: whole sentences if at least one fits, otherwise
/// whole words; "…" marks a cut. Short text comes back unchanged.
pub fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let budget = max.saturating_sub(1);
    let prefix: String = text.chars().take(budget).collect();
    let sentence_end = prefix
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .last()
        .filter(|&i| i > budget / 3);
    let cut = sentence_end.unwrap_or_else(|| prefix.rfind(' ').unwrap_or(prefix.len()));
    let kept = prefix[..cut].trim_end();
    if sentence_end.is_some() {
        format!("{kept} …")
    } else {
        format!("{kept}…")
    }
}

/// Wraps every line of `text` at word boundaries to at most `width` visible characters (ANSI
/// colour codes do not count). A continuation keeps the line's indentation, and a bullet
/// ("  • ") gets a hanging indent under its text. A word longer than the width stands on a
/// line of its own rather than being cut (URLs stay whole).
pub fn wrap(text: &str, width: usize) -> String {
    let visible = |s: &str| {
        let mut n = 0;
        let mut in_escape = false;
        for c in s.chars() {
            match (in_escape, c) {
                (false, '\x1b') => in_escape = true,
                (true, 'm') => in_escape = false,
                (true, _) => {}
                (false, _) => n += 1,
            }
        }
        n
    };
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if visible(line) <= width {
            out.push_str(line);
            continue;
        }
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let hanging = if body.starts_with("• ") {
            indent + 2
        } else {
            indent
        };
        out.push_str(&line[..indent]);
        let mut used = indent;
        let mut first = true;
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            let w = visible(word);
            if !first && used + 1 + w > width {
                out.push('\n');
                out.push_str(&" ".repeat(hanging));
                used = hanging;
                first = true;
            }
            if !first {
                out.push(' ');
                used += 1;
            }
            out.push_str(word);
            used += w;
            first = false;
        }
    }
    out
}

/// Renders the whole reply as plain text.
pub fn plain(reply: &Reply, m: &Messages, style: Style) -> String {
    let mut out = String::new();
    if !reply.answered {
        out.push_str(&reply.text);
        out.push('\n');
        if reply.declined == Some(super::reply::DeclineReason::Ambiguous) {
            // "Maksud Anda: A atau B?": numbered, so that typing the number picks one.
            for (i, s) in reply.suggestions.iter().enumerate() {
                out.push_str(&format!("  {}. {}\n", i + 1, s.title));
            }
            out.push_str(&style.dim(&m.get("conversation", "choose-number")));
            out.push('\n');
        } else if !reply.suggestions.is_empty() {
            out.push('\n');
            out.push_str(&style.bold(&m.get("core", "suggestions")));
            out.push('\n');
            for s in &reply.suggestions {
                out.push_str(&format!(
                    "  • {} {}\n",
                    s.title,
                    style.dim(&format!("[{}]", s.id))
                ));
            }
        }
        return out;
    }
    match reply.verdict_label(m) {
        Some(label) => out.push_str(&format!(
            "{} — {}\n\n",
            style.verdict(&label),
            style.bold(&reply.title)
        )),
        None if reply.kind == Some(super::index::EntryKind::Smalltalk) => {}
        None => out.push_str(&format!("{}\n\n", style.bold(&reply.title))),
    }
    out.push_str(&reply.text);
    out.push('\n');
    if !reply.body.is_empty() {
        out.push('\n');
        out.push_str(&reply.body);
        out.push('\n');
    }
    if !reply.legal_basis.is_empty() {
        out.push_str(&format!(
            "\n{}:\n",
            style.bold(&m.get("core", "legal-basis"))
        ));
        for b in &reply.legal_basis {
            out.push_str(&format!("  • {}\n", basis_line(b)));
        }
    }
    if let Some(s) = &reply.sanction {
        out.push_str(&format!(
            "\n{}: {}\n",
            style.bold(&m.get("core", "sanction")),
            s
        ));
    }
    for q in &reply.excerpts {
        out.push_str(&format!(
            "\n{}: {}\n",
            style.bold(&m.get("core", "excerpt")),
            quote_line(q, m)
        ));
    }
    if !reply.sources.is_empty() {
        out.push_str(&format!("\n{}:\n", style.bold(&m.get("core", "sources"))));
        for s in &reply.sources {
            if s.url.is_empty() {
                out.push_str(&format!("  • {}\n", s.title));
            } else {
                out.push_str(&format!("  • {} — {}\n", s.title, s.url));
            }
        }
    }
    if !reply.related.is_empty() {
        out.push_str(&format!("\n{}:\n", style.bold(&m.get("core", "related"))));
        for r in &reply.related {
            out.push_str(&format!(
                "  • {} {}\n",
                r.title,
                style.dim(&format!("[{}]", r.id))
            ));
        }
    }
    if let Some(footer) = footer_line(reply, m) {
        out.push('\n');
        out.push_str(&style.dim(&footer));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_never_cuts_a_word_and_keeps_bullets_hanging() {
        let line = "  • PP 94/2021 Pasal 5 huruf n angka 1 — PNS dilarang ikut kampanye untuk mendukung calon presiden";
        let wrapped = wrap(line, 30);
        for l in wrapped.lines() {
            assert!(l.chars().count() <= 30, "{l:?}");
        }
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&wrapped), words(line), "no word cut or lost");
        assert!(
            wrapped.lines().skip(1).all(|l| l.starts_with("    ")),
            "{wrapped}"
        );
    }

    #[test]
    fn wrapping_ignores_colour_codes_and_keeps_long_urls_whole() {
        let coloured = "\x1b[1mDasar hukum\x1b[0m: satu dua tiga";
        assert_eq!(wrap(coloured, 26), coloured);
        let url = "https://example.org/sangat/panjang/sekali/alamatnya";
        assert_eq!(
            wrap(&format!("lihat {url} ya"), 20),
            format!("lihat\n{url}\nya")
        );
    }

    #[test]
    fn shortening_prefers_whole_sentences_then_words() {
        let text = "Kalimat pertama cukup panjang. Kalimat kedua juga panjang sekali.";
        assert_eq!(shorten(text, 200), text);
        assert_eq!(shorten(text, 45), "Kalimat pertama cukup panjang. …");
        let cut = shorten("satu dua tiga empat lima enam", 16);
        assert_eq!(cut, "satu dua tiga…");
    }
}

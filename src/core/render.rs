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

/// "«quote», Outlet, date" for a news excerpt.
pub fn quote_line(q: &super::reply::Quote) -> String {
    let mut line = format!("«{}»", q.text);
    for part in [&q.outlet, &q.date] {
        if !part.is_empty() {
            line.push_str(", ");
            line.push_str(part);
        }
    }
    line
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
            quote_line(q)
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

//! Telegram HTML rendering of a [`Reply`], and splitting long answers into messages.
//!
//! Everything that comes from the knowledge or the user is escaped (`& < >`, plus `"` inside
//! attributes); the only tags produced are `b`, `i`, `a` and `blockquote`, always balanced.
//! [`split`] cuts an answer longer than Telegram's 4,096 characters at paragraph boundaries (or,
//! failing that, lines, then words), closing open tags at the cut and reopening them after it,
//! so every part is valid HTML on its own. This module only builds strings: no I/O.

use crate::core::render::{Detail, basis_line, basis_summary, has_details, shorten};
use crate::core::{EntryKind, Reply};
use crate::knowledge::Messages;

/// Telegram's limit for one message's text. Counted here in UTF-16 units of the HTML source,
/// which is never less than what Telegram counts (characters after entity parsing).
pub const MAX_MESSAGE: usize = 4096;

/// Escapes text for Telegram HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn escape_attr(text: &str) -> String {
    escape(text).replace('"', "&quot;")
}

/// Length as Telegram's limits count it (UTF-16 code units).
pub fn telegram_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// `text` as a link to `url` when the URL is a plain http(s) URL; otherwise just the text.
pub fn link(url: &str, text: &str) -> String {
    let url = url.trim();
    let plain = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if plain {
        format!("<a href=\"{}\">{}</a>", escape_attr(url), escape(text))
    } else {
        escape(text)
    }
}

fn bold(text: &str) -> String {
    format!("<b>{}</b>", escape(text))
}

fn italic(text: &str) -> String {
    format!("<i>{}</i>", escape(text))
}

/// The first line: verdict in bold and the canonical question, or the title alone.
fn headline(reply: &Reply, m: &Messages) -> Option<String> {
    match (reply.verdict_label(m), reply.kind) {
        (_, Some(EntryKind::Smalltalk)) => None,
        (Some(label), _) => Some(format!("{} — {}", bold(&label), italic(&reply.title))),
        (None, _) if reply.title.is_empty() => None,
        (None, _) => Some(bold(&reply.title)),
    }
}

/// The whole answer as one HTML string (use [`full`] to get it split into messages).
pub fn full_html(reply: &Reply, m: &Messages) -> String {
    let mut blocks: Vec<String> = Vec::new();
    if !reply.answered {
        blocks.push(escape(&reply.text));
        return blocks.join("\n\n");
    }
    let first = match headline(reply, m) {
        Some(h) => format!("{h}\n{}", escape(&reply.text)),
        None => escape(&reply.text),
    };
    blocks.push(first);
    for paragraph in reply.body.split("\n\n") {
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() {
            blocks.push(escape(paragraph));
        }
    }
    if !reply.legal_basis.is_empty() {
        let mut b = bold(&m.get("core", "legal-basis"));
        for basis in &reply.legal_basis {
            b.push_str("\n• ");
            b.push_str(&escape(&basis_line(basis)));
        }
        blocks.push(b);
    }
    if let Some(s) = &reply.sanction {
        blocks.push(format!(
            "{} {}",
            bold(&format!("{}:", m.get("core", "sanction"))),
            escape(s)
        ));
    }
    for q in &reply.excerpts {
        blocks.push(excerpt_block(q, m));
    }
    if !reply.sources.is_empty() {
        let mut b = bold(&m.get("core", "sources"));
        for s in &reply.sources {
            b.push_str("\n• ");
            b.push_str(&link(&s.url, &s.title));
        }
        blocks.push(b);
    }
    if let Some(footer) = crate::core::render::footer_line(reply, m) {
        blocks.push(italic(&footer));
    }
    blocks.join("\n\n")
}

/// The full answer, as messages of at most [`MAX_MESSAGE`].
pub fn full(reply: &Reply, m: &Messages) -> Vec<String> {
    split(&full_html(reply, m), MAX_MESSAGE)
}

/// The first message of an answer in a private chat, sized for a phone: at most this many
/// UTF-16 units of HTML (more than Telegram counts, so the visible text is shorter still).
pub const MAX_FIRST_MESSAGE: usize = 1500;
/// Below this the sanction line is never shortened to make room.
const MIN_SANCTION: usize = 160;

/// What a private chat gets first: a topic compactly (verdict, short answer, one line of legal
/// basis, one of sanction, the date and disclaimer) with [`Detail`] buttons for the rest;
/// anything else (small talk, declines, news summaries) whole, as today.
pub fn first_message(reply: &Reply, m: &Messages) -> Vec<String> {
    if has_details(reply) {
        vec![compact(reply, m)]
    } else {
        full(reply, m)
    }
}

/// A topic answer in at most [`MAX_FIRST_MESSAGE`]: whole where it fits, otherwise the sanction
/// and then the short answer are shortened at sentence or word boundaries (the full text is
/// one tap away).
pub fn compact(reply: &Reply, m: &Messages) -> String {
    let build = |text: &str, sanction: Option<&str>| {
        let mut out = String::new();
        if let Some(h) = headline(reply, m) {
            out.push_str(&h);
            out.push('\n');
        }
        out.push_str(&escape(text));
        if let Some(basis) = basis_summary(reply, m) {
            out.push_str(&format!(
                "\n\n{} {}",
                bold(&format!("{}:", m.get("core", "legal-basis"))),
                escape(&basis)
            ));
        }
        if let Some(s) = sanction {
            out.push_str(&format!(
                "\n{} {}",
                bold(&format!("{}:", m.get("core", "sanction"))),
                escape(s)
            ));
        }
        if let Some(footer) = crate::core::render::footer_line(reply, m) {
            out.push_str("\n\n");
            out.push_str(&italic(&footer));
        }
        out
    };
    let sanction = reply.sanction.as_deref();
    let whole = build(&reply.text, sanction);
    let over = telegram_len(&whole).saturating_sub(MAX_FIRST_MESSAGE);
    if over == 0 {
        return whole;
    }
    let sanction_len = sanction.map_or(0, |s| s.chars().count());
    let sanction_max = sanction_len.saturating_sub(over + 2).max(MIN_SANCTION);
    let short_sanction = sanction.map(|s| shorten(s, sanction_max));
    let trimmed = build(&reply.text, short_sanction.as_deref());
    let over = telegram_len(&trimmed).saturating_sub(MAX_FIRST_MESSAGE);
    if over == 0 {
        return trimmed;
    }
    let text_max = reply.text.chars().count().saturating_sub(over + 2);
    let out = build(&shorten(&reply.text, text_max), short_sanction.as_deref());
    // Only absurd knowledge (a title of a thousand characters) reaches this cut.
    split(&out, MAX_FIRST_MESSAGE)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// One part of an answer opened with a [`Detail`] button, as messages.
pub fn detail(reply: &Reply, m: &Messages, part: Detail) -> Vec<String> {
    let mut blocks = vec![italic(&reply.title)];
    match part {
        Detail::Full => return full(reply, m),
        Detail::Basis => {
            let mut b = bold(&m.get("core", "legal-basis"));
            for basis in &reply.legal_basis {
                b.push_str("\n• ");
                b.push_str(&escape(&basis_line(basis)));
            }
            blocks.push(b);
        }
        Detail::Sources => {
            let mut b = bold(&m.get("core", "sources"));
            for s in &reply.sources {
                b.push_str("\n• ");
                b.push_str(&link(&s.url, &s.title));
            }
            blocks.push(b);
            for q in &reply.excerpts {
                blocks.push(excerpt_block(q, m));
            }
        }
    }
    split(&blocks.join("\n\n"), MAX_MESSAGE)
}

fn excerpt_block(q: &crate::core::Quote, m: &Messages) -> String {
    let mut b = format!(
        "{}\n<blockquote>«{}»</blockquote>\n— {}",
        bold(&m.get("core", "excerpt")),
        escape(&q.text),
        link(&q.url, &q.outlet)
    );
    if !q.date.is_empty() {
        b.push_str(", ");
        b.push_str(&escape(&q.date));
    }
    if let Some(note) = crate::core::render::quote_note(q, m) {
        b.push('\n');
        b.push_str(&italic(&note));
    }
    b
}

/// The short answer for groups and inline results: verdict, short answer, the legal basis in
/// one line, and a link to the full answer in a private chat when `full_answer` is given.
pub fn short(reply: &Reply, m: &Messages, full_answer: Option<&str>) -> String {
    let mut out = String::new();
    if !reply.answered {
        out.push_str(&escape(&reply.text));
    } else {
        if let Some(h) = headline(reply, m) {
            out.push_str(&h);
            out.push('\n');
        }
        out.push_str(&escape(&reply.text));
        if !reply.legal_basis.is_empty() {
            let names: Vec<String> = reply
                .legal_basis
                .iter()
                .map(|b| {
                    if b.article.is_empty() {
                        b.regulation.clone()
                    } else {
                        format!("{} {}", b.regulation, b.article)
                    }
                })
                .collect();
            out.push_str(&format!(
                "\n{} {}",
                bold(&format!("{}:", m.get("core", "legal-basis"))),
                escape(&names.join("; "))
            ));
        }
        if let (Some(url), Some(EntryKind::Topic | EntryKind::Article)) = (full_answer, reply.kind)
        {
            out.push_str("\n\n");
            out.push_str(&link(url, &m.get("telegram", "full-answer-link")));
        }
    }
    // A short answer is short by construction; the cut only guards against absurd knowledge.
    split(&out, MAX_MESSAGE)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// A deep link opening the full answer `id` in a private chat with the bot, when `id` is a
/// valid `/start` payload (1–64 of `A-Z a-z 0-9 _ -`).
pub fn deep_link(bot_username: &str, id: &str) -> Option<String> {
    let ok = !bot_username.is_empty()
        && (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| format!("https://t.me/{bot_username}?start={id}"))
}

// ---- splitting ------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Token<'a> {
    /// An opening tag: its name and the whole tag as written.
    Open(&'a str, &'a str),
    Close(&'a str),
    /// One character of text or one entity (`&amp;`): never split further.
    Text(&'a str),
}

fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < html.len() {
        let rest = &html[i..];
        let end = match bytes[i] {
            b'<' => rest.find('>').map(|e| e + 1),
            b'&' => rest
                .find(';')
                .filter(|&e| {
                    e <= 10
                        && rest[1..e]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '#')
                })
                .map(|e| e + 1),
            _ => None,
        };
        let len = end.unwrap_or_else(|| rest.chars().next().map_or(1, char::len_utf8));
        let raw = &rest[..len];
        let token = if end.is_some() && bytes[i] == b'<' {
            let inner = raw.trim_start_matches('<').trim_end_matches('>');
            match inner.strip_prefix('/') {
                Some(name) => Token::Close(name.trim()),
                None => Token::Open(inner.split_whitespace().next().unwrap_or(""), raw),
            }
        } else {
            Token::Text(raw)
        };
        out.push(token);
        i += len;
    }
    out
}

/// Where a part may end: the token index and the tags open there (name, opening tag).
type Cut<'a> = (usize, Vec<(&'a str, &'a str)>);

fn closers(stack: &[(&str, &str)]) -> String {
    stack.iter().rev().map(|(n, _)| format!("</{n}>")).collect()
}

fn closers_len(stack: &[(&str, &str)]) -> usize {
    stack.iter().map(|(n, _)| n.len() + 3).sum()
}

/// Splits HTML into parts of at most `limit` UTF-16 units, preferring paragraph breaks
/// (`\n\n`), then line breaks, then spaces. Tags open at a cut are closed at the end of one
/// part and reopened at the start of the next; a tag or an entity is never cut.
pub fn split(html: &str, limit: usize) -> Vec<String> {
    let html = html.trim();
    if telegram_len(html) <= limit {
        return if html.is_empty() {
            Vec::new()
        } else {
            vec![html.to_string()]
        };
    }
    let tokens = tokenize(html);
    let is_space = |t: &Token<'_>| matches!(t, Token::Text(s) if s.trim().is_empty());
    let mut parts = Vec::new();
    let mut stack: Vec<(&str, &str)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        while i < tokens.len() && is_space(&tokens[i]) {
            i += 1;
        }
        if i >= tokens.len() {
            break;
        }
        let prefix: String = stack.iter().map(|(_, raw)| *raw).collect();
        let mut len = telegram_len(&prefix);
        let mut open = stack.clone();
        // best[p] = (cut index, open tags at the cut) for priority p: 0 any, 1 space, 2 line,
        // 3 paragraph.
        let mut best: [Option<Cut<'_>>; 4] = [None, None, None, None];
        let mut j = i;
        while j < tokens.len() {
            let t = &tokens[j];
            let mut next = open.clone();
            let tlen = match t {
                Token::Open(name, raw) => {
                    next.push((name, raw));
                    telegram_len(raw)
                }
                Token::Close(name) => {
                    if let Some(pos) = next.iter().rposition(|(n, _)| n == name) {
                        next.truncate(pos);
                    }
                    name.len() + 3
                }
                Token::Text(s) => telegram_len(s),
            };
            if len + tlen + closers_len(&next) > limit {
                break;
            }
            len += tlen;
            open = next;
            j += 1;
            let priority = match t {
                Token::Text("\n") if j >= 2 && matches!(tokens[j - 2], Token::Text("\n")) => 3,
                Token::Text("\n") => 2,
                Token::Text(" ") => 1,
                Token::Open(..) => continue,
                _ => 0,
            };
            best[priority] = Some((j, open.clone()));
        }
        let (cut, at_cut) = if j >= tokens.len() {
            (j, open)
        } else {
            match best.into_iter().rev().flatten().next() {
                Some(b) => b,
                // Not even one token fits after the reopened tags: drop them to make progress.
                None => {
                    stack.clear();
                    continue;
                }
            }
        };
        let mut end = cut;
        while end > i && is_space(&tokens[end - 1]) {
            end -= 1;
        }
        let visible = tokens[i..end]
            .iter()
            .any(|t| matches!(t, Token::Text(s) if !s.trim().is_empty()));
        if visible {
            let mut part = prefix;
            let mut still_open = stack.clone();
            for t in &tokens[i..end] {
                match t {
                    Token::Open(name, raw) => {
                        still_open.push((name, raw));
                        part.push_str(raw);
                    }
                    Token::Close(name) => {
                        // A close whose opening was dropped (see above) is dropped too.
                        if let Some(pos) = still_open.iter().rposition(|(n, _)| n == name) {
                            still_open.truncate(pos);
                            part.push_str(&format!("</{name}>"));
                        }
                    }
                    Token::Text(raw) => part.push_str(raw),
                }
            }
            part.push_str(&closers(&still_open));
            parts.push(part);
        }
        stack = at_cut;
        i = cut;
    }
    parts
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::Link;
    use crate::knowledge::{LegalBasis, Source, Verdict};
    use proptest::prelude::*;

    /// Checks Telegram's HTML rules as far as netral uses them: known tags only, balanced,
    /// `<`, `>` and `&` only as tags or entities.
    pub(crate) fn check_html(s: &str) -> Result<(), String> {
        const ALLOWED: [&str; 4] = ["b", "i", "a", "blockquote"];
        let mut stack = Vec::new();
        for t in tokenize(s) {
            match t {
                Token::Open(name, raw) => {
                    if !ALLOWED.contains(&name) {
                        return Err(format!("tag {raw} not allowed"));
                    }
                    stack.push(name);
                }
                Token::Close(name) => {
                    if stack.pop() != Some(name) {
                        return Err(format!("unbalanced </{name}> in {s:?}"));
                    }
                }
                Token::Text(x) => {
                    if x.starts_with('&') && !["&amp;", "&lt;", "&gt;", "&quot;"].contains(&x) {
                        return Err(format!("bad entity {x}"));
                    }
                    if x == "<" || x == ">" {
                        return Err(format!("bare {x} in {s:?}"));
                    }
                }
            }
        }
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    fn messages() -> Messages {
        let mut core = std::collections::BTreeMap::new();
        for (k, v) in [
            ("verdict-tidak-boleh", "Tidak boleh"),
            ("legal-basis", "Dasar hukum"),
            ("sanction", "Sanksi"),
            ("sources", "Sumber"),
            ("excerpt", "Dari berita"),
            ("as-of", "Diperiksa per"),
        ] {
            core.insert(k.to_string(), v.to_string());
        }
        let mut tg = std::collections::BTreeMap::new();
        tg.insert("full-answer-link".into(), "Jawaban lengkap".into());
        let mut sections = std::collections::BTreeMap::new();
        sections.insert("core".to_string(), core);
        sections.insert("telegram".to_string(), tg);
        Messages::new(sections)
    }

    pub(crate) fn reply(body: &str) -> Reply {
        Reply {
            query: "q".into(),
            answered: true,
            kind: Some(EntryKind::Topic),
            id: Some("medsos-interaksi".into()),
            verdict: Some(Verdict::TidakBoleh),
            title: "Bolehkah ASN <like> & share?".into(),
            text: "Tidak boleh.".into(),
            body: body.into(),
            legal_basis: vec![LegalBasis {
                regulation: "PP 94/2021".into(),
                regulation_title: "Disiplin PNS".into(),
                article: "Pasal 5 huruf n".into(),
                note: "a < b".into(),
                source: String::new(),
            }],
            sanction: Some("Hukuman disiplin berat".into()),
            sources: vec![Source {
                title: "SKB \"5 instansi\"".into(),
                url: "https://example.org/a?b=1&c=\"2\"".into(),
            }],
            excerpts: Vec::new(),
            related: vec![Link {
                id: "medsos-grup".into(),
                title: "Grup".into(),
                score: 0.0,
            }],
            suggestions: Vec::new(),
            confidence: 1.0,
            as_of: Some("2026-11-23".into()),
            disclaimer: Some("Bukan nasihat hukum.".into()),
            declined: None,
            followup: false,
            context: None,
            aspect: None,
        }
    }

    #[test]
    fn escapes_knowledge_and_bolds_the_verdict() {
        let html = full_html(&reply("Isi <script>alert(1)</script> & lain."), &messages());
        check_html(&html).unwrap();
        assert!(html.starts_with("<b>Tidak boleh</b>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<a href=\"https://example.org/a?b=1&amp;c=&quot;2&quot;\">"));
        assert!(html.contains("PP 94/2021 Pasal 5 huruf n — a &lt; b"));
    }

    #[test]
    fn links_only_for_http_urls() {
        assert_eq!(link("javascript:alert(1)", "x"), "x");
        assert_eq!(link("", "a<b"), "a&lt;b");
        assert_eq!(
            link("https://a.b/c", "t"),
            "<a href=\"https://a.b/c\">t</a>"
        );
    }

    #[test]
    fn short_answer_has_basis_and_full_answer_link() {
        let m = messages();
        let s = short(&reply("long body"), &m, Some("https://t.me/bot?start=x"));
        check_html(&s).unwrap();
        assert!(s.contains("PP 94/2021 Pasal 5 huruf n"));
        assert!(s.contains("https://t.me/bot?start=x"));
        assert!(!s.contains("long body"));
    }

    #[test]
    fn deep_links_only_for_valid_payloads() {
        assert_eq!(
            deep_link("netral_bot", "medsos-interaksi").as_deref(),
            Some("https://t.me/netral_bot?start=medsos-interaksi")
        );
        assert_eq!(deep_link("netral_bot", "a b"), None);
        assert_eq!(deep_link("netral_bot", &"x".repeat(65)), None);
    }

    #[test]
    fn long_answers_split_at_paragraphs() {
        let paragraph = "Kalimat panjang tentang netralitas. ".repeat(30);
        let body: Vec<String> = (0..12).map(|i| format!("{i}. {paragraph}")).collect();
        let parts = full(&reply(&body.join("\n\n")), &messages());
        assert!(parts.len() >= 2, "{}", parts.len());
        for p in &parts {
            check_html(p).unwrap();
            assert!(telegram_len(p) <= MAX_MESSAGE);
        }
        // every part but the last ends at the end of a paragraph
        for p in &parts[..parts.len() - 1] {
            assert!(p.ends_with(paragraph.trim_end()), "{}", &p[p.len() - 40..]);
        }
    }

    #[test]
    fn a_cut_inside_a_tag_closes_and_reopens_it() {
        let html = format!("<b>{}</b>", "kata ".repeat(100));
        let parts = split(&html, 60);
        assert!(parts.len() > 5);
        for p in &parts {
            check_html(p).unwrap();
            assert!(p.starts_with("<b>") && p.ends_with("</b>"), "{p}");
            assert!(telegram_len(p) <= 60);
        }
    }

    #[test]
    fn entities_are_never_cut() {
        let html = "&amp;".repeat(50);
        for p in split(&html, 12) {
            check_html(&p).unwrap();
            assert!(p.len() <= 12);
        }
    }

    proptest! {
        #[test]
        fn any_text_splits_into_valid_parts(text in "\\PC{0,3000}", limit in 40usize..600) {
            let html = format!("<b>{}</b>\n\n{}\n\n<i>{}</i>", escape(&text), escape(&text),
                               link("https://x.org", &text));
            let parts = split(&html, limit);
            let mut visible = String::new();
            for p in &parts {
                prop_assert!(check_html(p).is_ok(), "{:?}", check_html(p));
                prop_assert!(telegram_len(p) <= limit);
                visible.push_str(p);
            }
            // nothing but whitespace and re-opened tags is lost or added
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let tags = |s: &str| {
                let mut out = String::new();
                for t in tokenize(s) { if let Token::Text(x) = t { out.push_str(x) } }
                strip(&out)
            };
            prop_assert_eq!(tags(&visible), tags(&html));
        }
    }
}

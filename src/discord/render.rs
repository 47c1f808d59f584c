//! A [`Reply`] as Discord embeds, within Discord's limits.
//!
//! The first embed carries the verdict and the question as its title and the short answer and
//! body as its description; the legal basis, sanction, news excerpt and sources follow as
//! fields; the footer holds the date the answer was checked and the disclaimer. Text longer
//! than a description or a field continues in further fields or embeds; if all of it cannot fit
//! in the 6,000 characters Discord allows per message, the body is shortened first. This
//! module builds plain data ([`Embed`]); `send` turns it into serenity builders.

use super::limits::{self, escape_markdown, len};
use crate::core::render::{Detail, basis_line, basis_summary, has_details, quote_line, shorten};
use crate::core::{EntryKind, Reply};
use crate::knowledge::{Messages, Verdict};

/// One embed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
}

/// One embed, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embed {
    pub title: Option<String>,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub color: Option<u32>,
}

impl Embed {
    /// The characters Discord counts towards the 6,000 per message.
    pub fn size(&self) -> usize {
        self.title.as_deref().map_or(0, len)
            + self.description.as_deref().map_or(0, len)
            + self.footer.as_deref().map_or(0, len)
            + self
                .fields
                .iter()
                .map(|f| len(&f.name) + len(&f.value))
                .sum::<usize>()
    }
}

/// Total size of a message's embeds.
pub fn total_size(embeds: &[Embed]) -> usize {
    embeds.iter().map(Embed::size).sum()
}

/// The colour of the embed's side bar for a verdict.
fn color(verdict: Option<Verdict>, answered: bool) -> u32 {
    match verdict {
        Some(Verdict::Boleh) => 0x2E_A0_43,
        Some(Verdict::TidakBoleh) => 0xD7_3A_49,
        Some(Verdict::Bersyarat) => 0xE3_B3_41,
        Some(Verdict::Diperdebatkan) => 0xF0_88_3E,
        Some(Verdict::Info) => 0x58_65_F2,
        None if answered => 0x58_65_F2,
        None => 0x99_AA_B5,
    }
}

/// A labelled block of text that becomes one or more fields.
struct Section {
    label: String,
    text: String,
}

/// The embeds for a reply.
pub fn reply_embeds(reply: &Reply, m: &Messages) -> Vec<Embed> {
    let esc = escape_markdown;
    let mut sections = Vec::new();
    let (title, description) = if reply.answered {
        let title = headline(reply, m);
        let mut description = esc(&reply.text);
        if !reply.body.is_empty() {
            description.push_str("\n\n");
            description.push_str(&esc(&reply.body));
        }
        (title, description)
    } else {
        (None, esc(&reply.text))
    };
    if !reply.legal_basis.is_empty() {
        sections.push(Section {
            label: m.get("core", "legal-basis"),
            text: bullets(reply.legal_basis.iter().map(|b| esc(&basis_line(b)))),
        });
    }
    if let Some(s) = &reply.sanction {
        sections.push(Section {
            label: m.get("core", "sanction"),
            text: esc(s),
        });
    }
    if let Some(q) = reply.excerpts.first() {
        let mut text = esc(&quote_line(q, m));
        if !q.url.is_empty() {
            text.push('\n');
            text.push_str(&q.url);
        }
        sections.push(Section {
            label: m.get("core", "excerpt"),
            text,
        });
    }
    if !reply.sources.is_empty() {
        sections.push(Section {
            label: m.get("core", "sources"),
            text: bullets(reply.sources.iter().map(|s| {
                if s.url.is_empty() {
                    esc(&s.title)
                } else {
                    format!("{} — {}", esc(&s.title), s.url)
                }
            })),
        });
    }
    if !reply.answered && !reply.suggestions.is_empty() {
        sections.push(Section {
            label: m.get("core", "suggestions"),
            text: bullets(reply.suggestions.iter().map(|s| esc(&s.title))),
        });
    }
    let footer = crate::core::render::footer_line(reply, m);
    layout(
        Parts {
            title,
            description,
            sections,
            footer,
            color: color(reply.verdict, reply.answered),
        },
        m,
    )
}

/// What Discord shows first for a reply, at most [`MAX_FIRST_MESSAGE`] characters for a
/// topic: the verdict and question as title, the short answer, one field with the main legal
/// basis and one with the sanction, the date and disclaimer as footer. The rest opens with the
/// [`Detail`] buttons. Other replies (small talk, declines, news) are shown whole.
pub fn first_embeds(reply: &Reply, m: &Messages) -> Vec<Embed> {
    if !has_details(reply) {
        return reply_embeds(reply, m);
    }
    let build = |text: &str, sanction: Option<&str>| {
        let mut sections = Vec::new();
        if let Some(basis) = basis_summary(reply, m) {
            sections.push(Section {
                label: m.get("core", "legal-basis"),
                text: escape_markdown(&basis),
            });
        }
        if let Some(s) = sanction {
            sections.push(Section {
                label: m.get("core", "sanction"),
                text: escape_markdown(s),
            });
        }
        layout(
            Parts {
                title: headline(reply, m),
                description: escape_markdown(text),
                sections,
                footer: crate::core::render::footer_line(reply, m),
                color: color(reply.verdict, reply.answered),
            },
            m,
        )
    };
    let sanction = reply.sanction.as_deref();
    let whole = build(&reply.text, sanction);
    let over = total_size(&whole).saturating_sub(MAX_FIRST_MESSAGE);
    if over == 0 {
        return whole;
    }
    let sanction_len = sanction.map_or(0, |s| s.chars().count());
    let short_sanction =
        sanction.map(|s| shorten(s, sanction_len.saturating_sub(over + 2).max(MIN_SANCTION)));
    let trimmed = build(&reply.text, short_sanction.as_deref());
    let over = total_size(&trimmed).saturating_sub(MAX_FIRST_MESSAGE);
    if over == 0 {
        return trimmed;
    }
    let text_max = reply.text.chars().count().saturating_sub(over + 2);
    build(&shorten(&reply.text, text_max), short_sanction.as_deref())
}

/// The first message of a topic answer stays within this many characters (phones).
pub const MAX_FIRST_MESSAGE: usize = 1500;
/// Below this the sanction field is never shortened to make room.
const MIN_SANCTION: usize = 160;

fn headline(reply: &Reply, m: &Messages) -> Option<String> {
    match reply.verdict_label(m) {
        Some(label) => Some(format!("{label} — {}", reply.title)),
        None if reply.kind == Some(EntryKind::Smalltalk) => None,
        None => Some(reply.title.clone()),
    }
}

/// One part of an answer opened with a [`Detail`] button.
pub fn detail_embeds(reply: &Reply, m: &Messages, part: Detail) -> Vec<Embed> {
    let esc = escape_markdown;
    let mut sections = Vec::new();
    match part {
        Detail::Full => return reply_embeds(reply, m),
        Detail::Basis => {
            if !reply.legal_basis.is_empty() {
                sections.push(Section {
                    label: m.get("core", "legal-basis"),
                    text: bullets(reply.legal_basis.iter().map(|b| esc(&basis_line(b)))),
                });
            }
        }
        Detail::Sources => {
            if !reply.sources.is_empty() {
                sections.push(Section {
                    label: m.get("core", "sources"),
                    text: bullets(reply.sources.iter().map(|s| {
                        if s.url.is_empty() {
                            esc(&s.title)
                        } else {
                            format!("{} — {}", esc(&s.title), s.url)
                        }
                    })),
                });
            }
            for q in &reply.excerpts {
                sections.push(Section {
                    label: m.get("core", "excerpt"),
                    text: esc(&quote_line(q, m)),
                });
            }
        }
    }
    layout(
        Parts {
            title: Some(reply.title.clone()),
            description: String::new(),
            sections,
            footer: None,
            color: color(reply.verdict, reply.answered),
        },
        m,
    )
}

/// A simple embed: an optional title and a description (help, menus, thanks).
pub fn text_embed(title: Option<String>, description: &str) -> Vec<Embed> {
    layout(
        Parts {
            title,
            description: description.to_string(),
            sections: Vec::new(),
            footer: None,
            color: color(None, true),
        },
        &Messages::default(),
    )
}

fn bullets(lines: impl Iterator<Item = String>) -> String {
    lines
        .map(|l| format!("• {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Parts {
    title: Option<String>,
    description: String,
    sections: Vec<Section>,
    footer: Option<String>,
    color: u32,
}

/// Below this many characters a description is not shortened to make room for fields.
const MIN_DESCRIPTION: usize = 1000;

/// Places the parts into embeds within every limit.
fn layout(parts: Parts, m: &Messages) -> Vec<Embed> {
    let title = parts
        .title
        .map(|t| limits::truncate(&t, limits::TITLE))
        .filter(|t| !t.is_empty());
    let footer = parts
        .footer
        .map(|f| limits::truncate(&f, limits::FOOTER))
        .filter(|f| !f.is_empty());

    // Every section as fields of at most 1,024 characters; continuations are labelled.
    let mut fields = Vec::new();
    for s in parts.sections {
        let label = limits::truncate(&s.label, limits::FIELD_NAME);
        for (i, value) in limits::split(&s.text, limits::FIELD_VALUE)
            .into_iter()
            .enumerate()
        {
            let name = if i == 0 {
                label.clone()
            } else {
                limits::truncate(
                    &m.fill("discord", "continued", &[("label", &label)]),
                    limits::FIELD_NAME,
                )
            };
            fields.push(Field { name, value });
        }
    }

    // The budget: title and footer first, then fields, then as much description as fits.
    // Headroom is kept for the "…" marks truncation adds.
    let budget = limits::EMBED_TOTAL - 16;
    let fixed = title.as_deref().map_or(0, len) + footer.as_deref().map_or(0, len);
    let mut description = parts.description;
    let fields_size = |fs: &[Field]| {
        fs.iter()
            .map(|f| len(&f.name) + len(&f.value))
            .sum::<usize>()
    };
    if fixed + len(&description) + fields_size(&fields) > budget {
        let for_fields = budget.saturating_sub(fixed + len(&description).min(MIN_DESCRIPTION));
        let mut kept = Vec::new();
        let mut used = 0;
        for f in fields {
            let size = len(&f.name) + len(&f.value);
            if used + size <= for_fields {
                used += size;
                kept.push(f);
            } else {
                let room = for_fields.saturating_sub(used + len(&f.name));
                if room >= 40 {
                    kept.push(Field {
                        value: limits::truncate(&f.value, room),
                        name: f.name,
                    });
                }
                break;
            }
        }
        fields = kept;
        let room = budget.saturating_sub(fixed + fields_size(&fields));
        description = limits::truncate(&description, room);
    }

    // Description pieces: the first embed carries the title, each further one continues.
    let mut pieces = limits::split(&description, limits::DESCRIPTION);
    if pieces.is_empty() && title.is_none() && fields.is_empty() {
        pieces.push("…".to_string());
    }
    let mut embeds: Vec<Embed> = Vec::new();
    for (i, piece) in pieces.into_iter().enumerate() {
        embeds.push(Embed {
            title: if i == 0 { title.clone() } else { None },
            description: Some(piece),
            color: Some(parts.color),
            ..Embed::default()
        });
    }
    if embeds.is_empty() {
        embeds.push(Embed {
            title,
            color: Some(parts.color),
            ..Embed::default()
        });
    }
    for f in fields {
        let last = embeds.len() - 1;
        if embeds[last].fields.len() == limits::FIELDS {
            embeds.push(Embed {
                color: Some(parts.color),
                ..Embed::default()
            });
        }
        let last = embeds.len() - 1;
        embeds[last].fields.push(f);
    }
    let last = embeds.len() - 1;
    embeds[last].footer = footer;
    embeds.truncate(limits::EMBEDS);
    embeds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Link, Quote};
    use crate::knowledge::{LegalBasis, Source};

    fn messages() -> Messages {
        Messages::default()
    }

    fn reply(body: &str, bases: usize) -> Reply {
        Reply {
            query: "q".into(),
            answered: true,
            kind: Some(EntryKind::Topic),
            id: Some("medsos-interaksi".into()),
            verdict: Some(Verdict::TidakBoleh),
            title: "Bolehkah ASN like postingan calon?".into(),
            text: "Tidak boleh.".into(),
            body: body.into(),
            legal_basis: (0..bases)
                .map(|i| LegalBasis {
                    regulation: format!("PP 94/2021 {i}"),
                    regulation_title: String::new(),
                    article: "Pasal 5 huruf n angka 1".into(),
                    note: "larangan memberikan dukungan kepada calon ".repeat(3),
                    source: String::new(),
                })
                .collect(),
            sanction: Some("Hukuman disiplin sedang.".into()),
            sources: vec![Source {
                title: "SKB netralitas_ASN".into(),
                url: "https://example.go.id/skb_2022".into(),
            }],
            excerpts: vec![Quote {
                article_id: "a".into(),
                text: "ASN diminta netral".into(),
                outlet: "Harian".into(),
                date: "2024".into(),
                url: String::new(),
                note: String::new(),
            }],
            related: vec![Link {
                id: "medsos-posting".into(),
                title: "Bolehkah memposting?".into(),
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

    fn assert_within_limits(embeds: &[Embed]) {
        assert!(!embeds.is_empty() && embeds.len() <= limits::EMBEDS);
        assert!(
            total_size(embeds) <= limits::EMBED_TOTAL,
            "{}",
            total_size(embeds)
        );
        for e in embeds {
            assert!(e.title.as_deref().map_or(0, len) <= limits::TITLE);
            assert!(e.description.as_deref().map_or(0, len) <= limits::DESCRIPTION);
            assert!(e.footer.as_deref().map_or(0, len) <= limits::FOOTER);
            assert!(e.fields.len() <= limits::FIELDS);
            for f in &e.fields {
                assert!(!f.name.is_empty() && len(&f.name) <= limits::FIELD_NAME);
                assert!(!f.value.is_empty() && len(&f.value) <= limits::FIELD_VALUE);
            }
        }
    }

    #[test]
    fn an_ordinary_answer_is_one_embed_with_every_part() {
        let embeds = reply_embeds(&reply("Alasannya.", 2), &messages());
        assert_within_limits(&embeds);
        assert_eq!(embeds.len(), 1);
        let e = &embeds[0];
        assert_eq!(
            e.title.as_deref(),
            Some("[core.verdict-tidak-boleh] — Bolehkah ASN like postingan calon?")
        );
        assert_eq!(e.description.as_deref(), Some("Tidak boleh.\n\nAlasannya."));
        let names: Vec<_> = e.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "[core.legal-basis]",
                "[core.sanction]",
                "[core.excerpt]",
                "[core.sources]"
            ]
        );
        // Markdown in knowledge text is escaped, URLs are not.
        assert!(
            e.fields[3]
                .value
                .contains("SKB netralitas\\_ASN — https://example.go.id/skb_2022")
        );
        assert!(e.footer.as_deref().unwrap().contains("2026-11-23"));
    }

    #[test]
    fn a_long_body_continues_in_a_second_embed_and_fits() {
        let body = "Kalimat penjelasan yang panjang sekali. ".repeat(120); // ~4,800
        let embeds = reply_embeds(&reply(&body, 3), &messages());
        assert_within_limits(&embeds);
        assert!(embeds.len() >= 2);
        assert!(embeds[1].title.is_none());
    }

    #[test]
    fn too_much_text_is_shortened_to_6000_with_title_basis_and_footer_kept() {
        let body = "Kata ".repeat(5000);
        let embeds = reply_embeds(&reply(&body, 40), &messages());
        assert_within_limits(&embeds);
        assert!(embeds[0].title.is_some());
        assert!(embeds.last().unwrap().footer.is_some());
        assert!(
            embeds
                .iter()
                .flat_map(|e| &e.fields)
                .any(|f| f.name == "[core.legal-basis]")
        );
        // The long legal basis continues in labelled fields.
        assert!(
            embeds
                .iter()
                .flat_map(|e| &e.fields)
                .any(|f| f.name == "[discord.continued]")
        );
    }

    #[test]
    fn a_decline_lists_the_suggestions() {
        let mut r = reply("", 0);
        r.answered = false;
        r.verdict = None;
        r.text = "Maaf.".into();
        r.suggestions = vec![Link {
            id: "x".into(),
            title: "Topik X".into(),
            score: 0.2,
        }];
        let embeds = reply_embeds(&r, &messages());
        assert_within_limits(&embeds);
        assert!(embeds[0].title.is_none());
        assert!(embeds[0].fields.iter().any(|f| f.value == "• Topik X"));
    }
}

#[cfg(test)]
mod knowledge_tests {
    use super::*;
    use crate::core::Engine;

    /// Every answer of the shipped knowledge fits Discord, and none has to be shortened.
    #[test]
    fn every_shipped_answer_fits_without_being_cut() {
        let engine = Engine::builtin().expect("built-in knowledge");
        let kb = engine.knowledge();
        let ids = kb
            .topics
            .iter()
            .map(|t| t.id.clone())
            .chain(kb.articles.iter().map(|a| a.id.clone()))
            .chain(kb.smalltalk.iter().map(|s| s.id.clone()));
        for id in ids {
            let reply = engine.answer_by_id(&id).expect("answerable");
            let embeds = reply_embeds(&reply, &kb.messages);
            assert!(total_size(&embeds) <= limits::EMBED_TOTAL, "{id}");
            assert!(embeds.len() <= limits::EMBEDS, "{id}");
            let text: String = embeds
                .iter()
                .filter_map(|e| e.description.clone())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(!text.ends_with('…'), "{id}: the answer was shortened");
            for e in &embeds {
                assert!(
                    e.title.as_deref().map_or(0, limits::len) <= limits::TITLE,
                    "{id}"
                );
                for f in &e.fields {
                    assert!(limits::len(&f.value) <= limits::FIELD_VALUE, "{id}");
                }
            }
        }
    }
}

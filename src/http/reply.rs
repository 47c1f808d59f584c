//! The JSON the API answers with: a reply (`POST /v1/ask`, `GET /v1/entries/{id}`) and the
//! topic menu (`GET /v1/topics`). Documented in `openapi.json` beside this file.
//!
//! A reply carries the fields of `netral ask --json` (so scripts can move between the two)
//! plus every part a page renders: the verdict's label, short answer, body, legal basis with a
//! ready-made line, sanction, sources, news excerpts, related questions, date checked and the
//! disclaimer.
//!
//! A reply is several KB of JSON and is written on every request, so it is written straight
//! into bytes (typed, borrowed fields; no `serde_json::Value` tree), and the parts that depend
//! only on the entry (body, legal basis, sanction, sources, related questions, …) are rendered
//! once per entry when the server starts ([`ReplyWriter`]) and copied. A copied part is used
//! only when the reply's fields are equal to the entry's own (a focused follow-up, "sanksinya
//! apa?", carries only part of the entry, and is written field by field). The keys are
//! written in alphabetical order, the order `serde_json::Value` (and so `ask --json`) uses:
//! the bytes are the same as serialising the reply as a `Value`.

use crate::core::render::basis_line;
use crate::core::{Engine, Reply};
use crate::knowledge::{KnowledgeBase, Messages};
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// A part of a reply written as JSON (the members of one object, with their keys).
type Part = fn(&Reply, &Messages, &mut Vec<u8>) -> serde_json::Result<()>;

/// Whether two replies carry the same fields for a [`Part`].
type Same = fn(&Reply, &Reply) -> bool;

/// Writes replies as the API's JSON, with each entry's fixed parts rendered once.
pub struct ReplyWriter {
    engine: Arc<Engine>,
    /// Entry id → its answer by id and the fixed parts of its JSON.
    entries: FxHashMap<String, Rendered>,
}

/// One entry's fixed parts: the reply they were rendered from (to check that a reply carries
/// the same fields) and their JSON, one byte string per part of [`FIXED`].
struct Rendered {
    reply: Reply,
    parts: [Vec<u8>; FIXED.len()],
    /// All parts' length, to size the buffer.
    len: usize,
}

/// The parts that depend only on the entry, each with the check that a reply's fields are the
/// entry's own. Their order is their order in the object.
const FIXED: [(Part, Same); 6] = [
    (as_of_body, |a, b| a.as_of == b.as_of && a.body == b.body),
    (disclaimer, |a, b| a.disclaimer == b.disclaimer),
    (id_kind_legal_basis, |a, b| {
        a.id == b.id && a.kind == b.kind && a.legal_basis == b.legal_basis
    }),
    (related_sanction, |a, b| {
        a.related == b.related && a.sanction == b.sanction
    }),
    (short_answer_sources, |a, b| {
        a.text == b.text && a.sources == b.sources
    }),
    (title_verdict, |a, b| {
        a.title == b.title && a.verdict == b.verdict
    }),
];

impl ReplyWriter {
    /// Renders every entry's fixed parts (each entry answered by id).
    pub fn new(engine: Arc<Engine>) -> serde_json::Result<ReplyWriter> {
        let kb = engine.knowledge();
        let m = &kb.messages;
        let ids = kb
            .topics
            .iter()
            .map(|t| &t.id)
            .chain(kb.articles.iter().map(|a| &a.id))
            .chain(kb.smalltalk.iter().map(|s| &s.id));
        let mut entries = FxHashMap::default();
        for id in ids {
            let Some(reply) = engine.answer_by_id(id) else {
                continue;
            };
            let mut parts: [Vec<u8>; FIXED.len()] = Default::default();
            for ((write, _), part) in FIXED.iter().zip(&mut parts) {
                write(&reply, m, part)?;
            }
            let len = parts.iter().map(Vec::len).sum();
            entries.insert(id.clone(), Rendered { reply, parts, len });
        }
        Ok(ReplyWriter { engine, entries })
    }

    /// The reply as the API's JSON; `conversation` is echoed when the client sent one, and
    /// `followup`/`context` say whether (and against which entry) the conversation decided it.
    pub fn write(&self, reply: &Reply, conversation: Option<&str>) -> serde_json::Result<Vec<u8>> {
        let m = &self.engine.knowledge().messages;
        let rendered = reply.id.as_deref().and_then(|id| self.entries.get(id));
        let mut out = Vec::with_capacity(rendered.map_or(0, |r| r.len) + 1024);
        // Part `i` of FIXED: the entry's rendered bytes when the reply carries its fields.
        let part = |i: usize, out: &mut Vec<u8>| {
            let (write, same) = FIXED[i];
            match rendered {
                Some(r) if same(reply, &r.reply) => {
                    out.extend_from_slice(&r.parts[i]);
                    Ok(())
                }
                _ => write(reply, m, out),
            }
        };
        put(&mut out, "{\"answered\"", &reply.answered)?;
        part(0, &mut out)?; // as_of, body
        put(&mut out, ",\"context\"", &reply.context)?;
        put(&mut out, ",\"conversation\"", &conversation)?;
        match &reply.declined {
            // As a `Value`, so that its keys are in the same order as `ask --json`'s.
            Some(reason) => put(&mut out, ",\"declined\"", &serde_json::to_value(reason)?)?,
            None => out.extend_from_slice(b",\"declined\":null"),
        }
        part(1, &mut out)?; // disclaimer
        let excerpts: Vec<QuoteJson> = reply.excerpts.iter().map(QuoteJson::from).collect();
        put(&mut out, ",\"excerpts\"", &excerpts)?;
        put(&mut out, ",\"followup\"", &reply.followup)?;
        part(2, &mut out)?; // id, kind, legal_basis
        put(&mut out, ",\"query\"", &reply.query)?;
        part(3, &mut out)?; // related, sanction
        put(&mut out, ",\"score\"", &crate::cli::score(reply.confidence))?;
        part(4, &mut out)?; // short_answer, sources
        let suggestions: Vec<SuggestionJson> =
            reply.suggestions.iter().map(SuggestionJson::from).collect();
        put(&mut out, ",\"suggestions\"", &suggestions)?;
        part(5, &mut out)?; // title, verdict, verdict_label
        out.push(b'}');
        Ok(out)
    }
}

/// Writes `,"key":value` (the key is given with its quotes and leading comma or brace).
fn put<T: Serialize + ?Sized>(out: &mut Vec<u8>, key: &str, value: &T) -> serde_json::Result<()> {
    out.extend_from_slice(key.as_bytes());
    out.push(b':');
    serde_json::to_writer(out, value)
}

fn as_of_body(r: &Reply, _: &Messages, out: &mut Vec<u8>) -> serde_json::Result<()> {
    put(out, ",\"as_of\"", &r.as_of)?;
    put(out, ",\"body\"", &r.body)
}

fn disclaimer(r: &Reply, _: &Messages, out: &mut Vec<u8>) -> serde_json::Result<()> {
    put(out, ",\"disclaimer\"", &r.disclaimer)
}

fn id_kind_legal_basis(r: &Reply, _: &Messages, out: &mut Vec<u8>) -> serde_json::Result<()> {
    put(out, ",\"id\"", &r.id)?;
    put(out, ",\"kind\"", &r.kind)?;
    let basis: Vec<BasisJson> = r
        .legal_basis
        .iter()
        .map(|b| BasisJson {
            article: &b.article,
            line: basis_line(b),
            note: &b.note,
            regulation: &b.regulation,
            regulation_title: &b.regulation_title,
            source: &b.source,
        })
        .collect();
    put(out, ",\"legal_basis\"", &basis)
}

fn related_sanction(r: &Reply, _: &Messages, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let related: Vec<LinkJson> = r
        .related
        .iter()
        .map(|l| LinkJson {
            id: &l.id,
            title: &l.title,
        })
        .collect();
    put(out, ",\"related\"", &related)?;
    put(out, ",\"sanction\"", &r.sanction)
}

fn short_answer_sources(r: &Reply, _: &Messages, out: &mut Vec<u8>) -> serde_json::Result<()> {
    put(out, ",\"short_answer\"", &r.text)?;
    // A source serialises as {title, url}, the keys already in the order the page expects.
    put(out, ",\"sources\"", &r.sources)
}

fn title_verdict(r: &Reply, m: &Messages, out: &mut Vec<u8>) -> serde_json::Result<()> {
    put(out, ",\"title\"", &r.title)?;
    put(out, ",\"verdict\"", &r.verdict)?;
    put(out, ",\"verdict_label\"", &r.verdict_label(m))
}

// The objects inside a reply, with their keys in alphabetical order.

#[derive(Serialize)]
struct BasisJson<'a> {
    article: &'a str,
    line: String,
    note: &'a str,
    regulation: &'a str,
    regulation_title: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct LinkJson<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct SuggestionJson<'a> {
    id: &'a str,
    score: f64,
    title: &'a str,
}

impl<'a> From<&'a crate::core::Link> for SuggestionJson<'a> {
    fn from(l: &'a crate::core::Link) -> Self {
        SuggestionJson {
            id: &l.id,
            score: crate::cli::score(l.score),
            title: &l.title,
        }
    }
}

#[derive(Serialize)]
struct QuoteJson<'a> {
    article_id: &'a str,
    date: &'a str,
    note: &'a str,
    outlet: &'a str,
    text: &'a str,
    url: &'a str,
}

impl<'a> From<&'a crate::core::Quote> for QuoteJson<'a> {
    fn from(q: &'a crate::core::Quote) -> Self {
        QuoteJson {
            article_id: &q.article_id,
            date: &q.date,
            note: &q.note,
            outlet: &q.outlet,
            text: &q.text,
            url: &q.url,
        }
    }
}

/// Categories with their topics' ids, titles and verdicts, for a menu.
pub fn topics_body(kb: &KnowledgeBase) -> Value {
    let categories: Vec<Value> = kb
        .categories
        .iter()
        .map(|c| {
            let topics: Vec<Value> = kb
                .topics
                .iter()
                .filter(|t| t.category == c.id)
                .map(|t| {
                    json!({
                        "id": t.id,
                        "title": t.title,
                        "verdict": t.verdict,
                        "verdict_label": t.verdict.label_key().map(|k| kb.messages.get("core", k)),
                    })
                })
                .collect();
            json!({"id": c.id, "title": c.title, "topics": topics})
        })
        .collect();
    json!({ "categories": categories })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Context;

    /// The reply as the straightforward `Value`: `ask --json`'s object plus the page's parts
    /// (what the API answered before [`ReplyWriter`]; the reference it must equal).
    fn reply_value(reply: &Reply, m: &Messages, conversation: Option<&str>) -> Value {
        let mut body = crate::cli::reply_json(reply);
        let extra = json!({
            "verdict_label": reply.verdict_label(m),
            "short_answer": reply.text,
            "body": reply.body,
            "legal_basis": reply.legal_basis.iter().map(|b| json!({
                "regulation": b.regulation,
                "regulation_title": b.regulation_title,
                "article": b.article,
                "note": b.note,
                "source": b.source,
                "line": basis_line(b),
            })).collect::<Vec<_>>(),
            "sanction": reply.sanction,
            "sources": reply.sources,
            "excerpts": reply.excerpts,
            "related": reply.related.iter().map(|l| json!({"id": l.id, "title": l.title})).collect::<Vec<_>>(),
            "as_of": reply.as_of,
            "disclaimer": reply.disclaimer,
            "conversation": conversation,
            "followup": reply.followup,
            "context": reply.context,
        });
        if let (Value::Object(map), Value::Object(extra)) = (&mut body, extra) {
            map.extend(extra);
        }
        body
    }

    fn writer() -> ReplyWriter {
        ReplyWriter::new(Arc::new(Engine::builtin().unwrap())).unwrap()
    }

    /// The written reply equals the reference, as a value and byte for byte.
    fn assert_same(w: &ReplyWriter, reply: &Reply, conversation: Option<&str>) {
        let m = &w.engine.knowledge().messages;
        let expected = reply_value(reply, m, conversation);
        let bytes = w.write(reply, conversation).unwrap();
        let written: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(written, expected, "reply to {:?} differs", reply.query);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            expected.to_string(),
            "reply to {:?} differs in its bytes",
            reply.query
        );
    }

    fn questions(file: &str) -> Vec<String> {
        let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn a_reply_has_the_ask_json_fields_and_the_page_parts() {
        let w = writer();
        let reply = w.engine.ask("apa sanksi pns ikut kampanye");
        let body: Value = serde_json::from_slice(&w.write(&reply, Some("abc")).unwrap()).unwrap();
        let cli = crate::cli::reply_json(&reply);
        for (k, v) in cli.as_object().unwrap() {
            assert_eq!(body.get(k), Some(v), "field {k} differs from ask --json");
        }
        assert_eq!(body["conversation"], "abc");
        assert_eq!(body["short_answer"], reply.text.as_str());
        assert!(!body["legal_basis"].as_array().unwrap().is_empty());
        assert!(
            body["legal_basis"][0]["line"]
                .as_str()
                .unwrap()
                .contains("Pasal")
        );
    }

    #[test]
    fn every_question_of_the_fit_set_is_written_as_the_reference_value() {
        let w = writer();
        let (mut answered, mut declined) = (0, 0);
        for q in questions("blind-fit.tsv")
            .iter()
            .chain(&questions("dev.tsv"))
        {
            let reply = w.engine.ask(q);
            if reply.answered {
                answered += 1;
            } else {
                declined += 1;
            }
            assert_same(&w, &reply, None);
            assert_same(&w, &reply, Some("c-1"));
        }
        // Both kinds of reply, and edge cases of the text itself.
        assert!(answered > 100 && declined > 50, "{answered} {declined}");
        for q in ["", "   ", "\"quoted\" \\ \u{1} </script>", "🙂 boleh like?"] {
            assert_same(&w, &w.engine.ask(q), None);
        }
    }

    #[test]
    fn every_entry_by_id_is_written_as_the_reference_value() {
        let w = writer();
        let kb = w.engine.knowledge();
        let ids = kb.topics.iter().map(|t| &t.id);
        for id in ids.chain(kb.articles.iter().map(|a| &a.id)) {
            let reply = w.engine.answer_by_id(id).unwrap();
            assert_same(&w, &reply, Some("x"));
        }
    }

    #[test]
    fn conversation_turns_are_written_as_the_reference_value() {
        // Follow-ups (focused parts of an entry, variants), clarifying questions, fragments.
        let w = writer();
        let (mut turns, mut followups, mut partial) = (0, 0, 0);
        for file in ["conversations-dev.tsv", "conversations.tsv"] {
            let mut ctx = Context::default();
            for q in questions(file) {
                if q.trim().is_empty() {
                    ctx = Context::default();
                    continue;
                }
                let reply = w.engine.ask_in(&q, Some(&ctx));
                turns += 1;
                followups += usize::from(reply.followup);
                if let Some(r) = reply.id.as_deref().and_then(|id| w.entries.get(id))
                    && FIXED.iter().any(|(_, same)| !same(&reply, &r.reply))
                {
                    partial += 1;
                }
                assert_same(&w, &reply, Some("conv"));
                ctx = ctx.after(&reply);
            }
        }
        assert!(turns > 300 && followups > 50, "{turns} {followups}");
        // Some follow-ups carry only part of their entry: those are written field by field.
        assert!(partial > 0);
    }

    #[test]
    fn every_category_lists_its_topics_and_every_topic_is_listed_once() {
        let kb = KnowledgeBase::builtin().unwrap();
        let body = topics_body(&kb);
        let listed: usize = body["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["topics"].as_array().unwrap().len())
            .sum();
        assert_eq!(listed, kb.topics.len());
    }
}

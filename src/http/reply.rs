//! The JSON the API answers with: a reply (`POST /v1/ask`, `GET /v1/entries/{id}`) and the
//! topic menu (`GET /v1/topics`). Documented in `openapi.json` beside this file.
//!
//! A reply carries the fields of `netral ask --json` (so scripts can move between the two)
//! plus every part a page renders: the verdict's label, short answer, body, legal basis with a
//! ready-made line, sanction, sources, news excerpts, related questions, date checked and the
//! disclaimer.

use crate::core::Reply;
use crate::core::render::basis_line;
use crate::knowledge::{KnowledgeBase, Messages};
use serde_json::{Value, json};

/// The reply as the API's JSON; `conversation` is echoed when the client sent one, and
/// `followup`/`context` say whether (and against which entry) the conversation decided it.
pub fn reply_body(reply: &Reply, m: &Messages, conversation: Option<&str>) -> Value {
    let mut body = crate::cli::reply_json(reply);
    if let Value::Object(map) = &mut body {
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
        if let Value::Object(extra) = extra {
            map.extend(extra);
        }
    }
    body
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
    use crate::core::Engine;

    #[test]
    fn a_reply_has_the_ask_json_fields_and_the_page_parts() {
        let engine = Engine::builtin().unwrap();
        let reply = engine.ask("apa sanksi pns ikut kampanye");
        let m = &engine.knowledge().messages;
        let body = reply_body(&reply, m, Some("abc"));
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

//! The slash commands (`/tanya`, `/topik`, `/bantuan`), their autocompletion, and how a
//! submitted question is resolved to a reply.

use super::limits;
use crate::core::{Engine, Reply};

/// `/tanya pertanyaan:<text>`: ask a question.
pub const TANYA: &str = "tanya";
/// The question option of `/tanya`.
pub const PERTANYAAN: &str = "pertanyaan";
/// `/topik`: browse the categories.
pub const TOPIK: &str = "topik";
/// `/bantuan`: how to use the bot.
pub const BANTUAN: &str = "bantuan";

/// Longest question Discord lets a user type into a string option.
const MAX_QUESTION: u16 = 6000;

/// The commands netral registers (the body of Discord's bulk "overwrite commands" call),
/// described in the `discord` messages. Written out rather than built with serenity's
/// `CreateCommand`, which also sends fields Discord's API document does not define
/// (`nsfw`, and `options`/`channel_types`/`min_value` on a string option).
pub fn definitions(engine: &Engine) -> serde_json::Value {
    let m = &engine.knowledge().messages;
    let d = |key: &str| limits::truncate(&m.get("discord", key), 100);
    serde_json::json!([
        {
            "type": 1,
            "name": TANYA,
            "description": d("command-tanya"),
            "options": [{
                "type": 3,
                "name": PERTANYAAN,
                "description": d("command-tanya-question"),
                "required": true,
                "autocomplete": true,
                "max_length": MAX_QUESTION,
            }],
        },
        {"type": 1, "name": TOPIK, "description": d("command-topik")},
        {"type": 1, "name": BANTUAN, "description": d("command-bantuan")},
    ])
}

/// One autocomplete choice: the name the user sees and the value submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

/// The value submitted for an entry: its title when that fits, else its id. [`resolve`] maps
/// both back to the entry.
fn choice(id: &str, title: &str) -> Choice {
    let value = if limits::len(title) <= limits::CHOICE {
        title.to_string()
    } else {
        id.to_string()
    };
    Choice {
        name: limits::truncate(title, limits::CHOICE),
        value,
    }
}

/// Up to 25 choices for what the user has typed so far: the best matching titles (the last
/// word may be unfinished). An empty box lists the first topics; when nothing matches, the
/// typed text itself is offered, so a non-empty box never shows an empty list.
pub fn autocomplete(engine: &Engine, typed: &str) -> Vec<Choice> {
    let typed = typed.trim();
    let kb = engine.knowledge();
    let mut out: Vec<Choice> = Vec::new();
    let push = |c: Choice, out: &mut Vec<Choice>| {
        if out.len() < limits::CHOICES && !out.iter().any(|o| o.value == c.value) {
            out.push(c);
        }
    };
    if typed.is_empty() {
        for t in &kb.topics {
            push(choice(&t.id, &t.title), &mut out);
        }
        return out;
    }
    for c in engine.candidates(typed, limits::CHOICES, true) {
        push(choice(&c.id, &c.title), &mut out);
    }
    if out.is_empty() {
        let needle = typed.to_lowercase();
        for t in &kb.topics {
            if t.title.to_lowercase().contains(&needle)
                || t.questions
                    .iter()
                    .any(|q| q.to_lowercase().contains(&needle))
            {
                push(choice(&t.id, &t.title), &mut out);
            }
        }
    }
    if out.is_empty() {
        let own = limits::truncate(typed, limits::CHOICE);
        push(
            Choice {
                name: own.clone(),
                value: own,
            },
            &mut out,
        );
    }
    out
}

/// The reply to a submitted `/tanya` value: an entry id or exact title (an autocomplete
/// choice) gives that entry's answer; anything else is asked as typed, in the asker's
/// conversation `context` (a follow-up such as "kalau PPPK?" continues the last answer).
pub fn resolve(engine: &Engine, value: &str, context: Option<&crate::core::Context>) -> Reply {
    let value = value.trim();
    let kb = engine.knowledge();
    let by_title = || {
        kb.topics
            .iter()
            .map(|t| (&t.id, &t.title))
            .chain(kb.articles.iter().map(|a| (&a.id, &a.title)))
            .find(|(_, title)| title.as_str() == value)
            .map(|(id, _)| id.clone())
    };
    let known_id = (kb.title_of(value).is_some()).then(|| value.to_string());
    if let Some(reply) = known_id
        .or_else(by_title)
        .and_then(|id| engine.answer_by_id(&id))
    {
        return Reply {
            query: value.to_string(),
            ..reply
        };
    }
    engine.ask_in(value, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::builtin().expect("built-in knowledge")
    }

    #[test]
    fn autocomplete_never_leaves_a_typed_box_empty_and_keeps_choices_short() {
        let e = engine();
        for typed in ["", "bol", "asn like", "zzzz qqqq", &"panjang ".repeat(100)] {
            let choices = autocomplete(&e, typed);
            assert!(
                (1..=limits::CHOICES).contains(&choices.len()),
                "{typed:?}: {}",
                choices.len()
            );
            for c in &choices {
                assert!((1..=limits::CHOICE).contains(&limits::len(&c.name)));
                assert!((1..=limits::CHOICE).contains(&limits::len(&c.value)));
            }
        }
    }

    #[test]
    fn a_chosen_title_or_id_resolves_to_exactly_that_entry() {
        let e = engine();
        for t in &e.knowledge().topics {
            let chosen = choice(&t.id, &t.title);
            assert_eq!(
                resolve(&e, &chosen.value, None).id.as_deref(),
                Some(t.id.as_str())
            );
        }
    }

    #[test]
    fn the_registered_commands_fit_discords_rules() {
        let defs = definitions(&engine());
        for c in defs.as_array().unwrap() {
            let name = c["name"].as_str().unwrap();
            assert!(name.len() <= 32 && name.bytes().all(|b| b.is_ascii_lowercase()));
            let d = c["description"].as_str().unwrap();
            assert!(
                (1..=100).contains(&d.chars().count()) && !d.starts_with('['),
                "{d}"
            );
        }
    }
}

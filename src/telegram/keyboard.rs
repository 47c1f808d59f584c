//! Inline keyboards under answers and for browsing, and the callback data behind their buttons.
//!
//! Callback data is at most 64 bytes (Telegram's limit) and comes back from clients we do not
//! control, so [`Action::decode`] accepts only the shapes [`Action::encode`] writes and the
//! handlers check that an id still exists before using it. A button whose data would not fit is
//! left out rather than sent broken.

use crate::core::render::{Detail, has_details};
use crate::core::{EntryKind, Link, Reply};
use crate::knowledge::{KnowledgeBase, Messages};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

/// Telegram's limit for callback data, in bytes.
pub const MAX_CALLBACK_DATA: usize = 64;
/// Button labels longer than this many characters are shortened with an ellipsis.
const MAX_LABEL: usize = 60;

/// What a callback button asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show the answer with this id (related question, "did you mean", topic from `/topik`).
    Answer(String),
    /// 👍 (`helpful`) or 👎 on the answer with this id.
    Feedback { id: String, helpful: bool },
    /// The list of categories (`/topik`).
    Categories,
    /// The topics of one category.
    Category(String),
    /// One part of the answer with this id (full answer, legal basis, sources).
    Detail { id: String, part: Detail },
}

impl Action {
    /// The callback data, or `None` when it would exceed 64 bytes.
    pub fn encode(&self) -> Option<String> {
        let data = match self {
            Action::Answer(id) => format!("a:{id}"),
            Action::Feedback { id, helpful: true } => format!("y:{id}"),
            Action::Feedback { id, helpful: false } => format!("n:{id}"),
            Action::Categories => "k".to_string(),
            Action::Category(id) => format!("c:{id}"),
            Action::Detail { id, part } => format!("{}:{id}", part.code()),
        };
        (data.len() <= MAX_CALLBACK_DATA).then_some(data)
    }

    /// Parses callback data written by [`Action::encode`]; anything else is `None`.
    pub fn decode(data: &str) -> Option<Action> {
        if data == "k" {
            return Some(Action::Categories);
        }
        let (tag, id) = data.split_once(':')?;
        let valid = !id.is_empty()
            && id.len() <= MAX_CALLBACK_DATA
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return None;
        }
        let id = id.to_string();
        match tag {
            "a" => Some(Action::Answer(id)),
            "y" => Some(Action::Feedback { id, helpful: true }),
            "n" => Some(Action::Feedback { id, helpful: false }),
            "c" => Some(Action::Category(id)),
            tag => {
                let mut chars = tag.chars();
                let part = chars.next().and_then(Detail::from_code)?;
                chars
                    .next()
                    .is_none()
                    .then_some(Action::Detail { id, part })
            }
        }
    }
}

/// A label that fits on a button.
pub fn label(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= MAX_LABEL {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX_LABEL - 1).collect();
    out.push('…');
    out
}

fn callback(text: &str, action: &Action) -> Option<InlineKeyboardButton> {
    action
        .encode()
        .map(|data| InlineKeyboardButton::callback(label(text), data))
}

fn url_button(text: &str, url: &str) -> Option<InlineKeyboardButton> {
    url::Url::parse(url)
        .ok()
        .map(|u| InlineKeyboardButton::url(label(text), u))
}

fn link_rows(links: &[Link]) -> Vec<Vec<InlineKeyboardButton>> {
    links
        .iter()
        .filter_map(|l| callback(&l.title, &Action::Answer(l.id.clone())))
        .map(|b| vec![b])
        .collect()
}

fn feedback_row(id: &str, m: &Messages) -> Vec<InlineKeyboardButton> {
    [true, false]
        .into_iter()
        .filter_map(|helpful| {
            let key = if helpful {
                "feedback-yes-button"
            } else {
                "feedback-no-button"
            };
            callback(
                &m.get("telegram", key),
                &Action::Feedback {
                    id: id.to_string(),
                    helpful,
                },
            )
        })
        .collect()
}

/// Whether 👍/👎 makes sense: a substantive answer (topic or article), not small talk.
fn wants_feedback(reply: &Reply) -> bool {
    reply.answered && matches!(reply.kind, Some(EntryKind::Topic | EntryKind::Article))
}

fn markup(rows: Vec<Vec<InlineKeyboardButton>>) -> Option<InlineKeyboardMarkup> {
    let rows: Vec<_> = rows.into_iter().filter(|r| !r.is_empty()).collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

/// The buttons that open the rest of a compact answer: the full answer on its own row, then
/// the legal basis and the sources side by side.
fn detail_rows(id: &str, m: &Messages) -> Vec<Vec<InlineKeyboardButton>> {
    let button = |part: Detail| {
        callback(
            &m.get("core", part.label_key()),
            &Action::Detail {
                id: id.to_string(),
                part,
            },
        )
    };
    vec![
        button(Detail::Full).into_iter().collect(),
        [Detail::Basis, Detail::Sources]
            .into_iter()
            .filter_map(button)
            .collect(),
    ]
}

/// Under an answer in a private chat: for a compact topic answer the buttons to its full
/// text, legal basis and sources; related questions (or "did you mean" choices when the bot
/// declined); then 👍/👎.
pub fn private_answer(reply: &Reply, m: &Messages) -> Option<InlineKeyboardMarkup> {
    answer_keyboard(reply, m, true)
}

/// Under a full answer (a deep link from a group, or the "full answer" button): related
/// questions and 👍/👎, no detail buttons.
pub fn full_answer(reply: &Reply, m: &Messages) -> Option<InlineKeyboardMarkup> {
    answer_keyboard(reply, m, false)
}

fn answer_keyboard(reply: &Reply, m: &Messages, details: bool) -> Option<InlineKeyboardMarkup> {
    if !reply.answered {
        return markup(link_rows(&reply.suggestions));
    }
    let mut rows = Vec::new();
    if let Some(id) = reply
        .id
        .as_deref()
        .filter(|_| details && has_details(reply))
    {
        rows.extend(detail_rows(id, m));
    }
    rows.extend(link_rows(&reply.related));
    if let Some(id) = reply.id.as_deref().filter(|_| wants_feedback(reply)) {
        rows.push(feedback_row(id, m));
    }
    markup(rows)
}

/// Under a short answer in a group or an inline result: the full answer in a private chat (a
/// deep link), related questions as deep links, and 👍/👎; "did you mean" choices when the bot
/// declined (answered in the group).
pub fn short_answer(
    reply: &Reply,
    m: &Messages,
    deep_link: impl Fn(&str) -> Option<String>,
    with_related: bool,
) -> Option<InlineKeyboardMarkup> {
    if !reply.answered {
        return markup(link_rows(&reply.suggestions));
    }
    let mut rows = Vec::new();
    if let Some(id) = reply.id.as_deref().filter(|_| wants_feedback(reply)) {
        if let Some(url) = deep_link(id) {
            rows.extend(
                url_button(&m.get("telegram", "full-answer-button"), &url).map(|b| vec![b]),
            );
        }
        if with_related {
            for r in &reply.related {
                if let Some(url) = deep_link(&r.id) {
                    rows.extend(url_button(&r.title, &url).map(|b| vec![b]));
                }
            }
        }
        rows.push(feedback_row(id, m));
    }
    markup(rows)
}

/// The entry a bot answer was about, read back from the buttons under it (its 👍/👎, else
/// the deep link to the full answer): a group reply to that answer continues from it.
pub fn answered_entry(markup: &InlineKeyboardMarkup) -> Option<String> {
    use teloxide::types::InlineKeyboardButtonKind as Kind;
    let buttons = || markup.inline_keyboard.iter().flatten();
    let feedback = buttons().find_map(|b| match &b.kind {
        Kind::CallbackData(data) => match Action::decode(data) {
            Some(Action::Feedback { id, .. }) => Some(id),
            _ => None,
        },
        _ => None,
    });
    feedback.or_else(|| {
        buttons().find_map(|b| match &b.kind {
            Kind::Url(url) => url
                .query_pairs()
                .find(|(k, _)| k == "start")
                .map(|(_, v)| v.into_owned()),
            _ => None,
        })
    })
}

/// `/topik`: one button per category that has topics.
pub fn categories(kb: &KnowledgeBase) -> Option<InlineKeyboardMarkup> {
    let rows = kb
        .categories
        .iter()
        .filter(|c| kb.topics.iter().any(|t| t.category == c.id))
        .filter_map(|c| callback(&c.title, &Action::Category(c.id.clone())))
        .map(|b| vec![b])
        .collect();
    markup(rows)
}

/// The topics of one category, and a button back to the categories.
pub fn category(kb: &KnowledgeBase, category: &str, m: &Messages) -> Option<InlineKeyboardMarkup> {
    let mut rows: Vec<Vec<InlineKeyboardButton>> = kb
        .topics
        .iter()
        .filter(|t| t.category == category)
        .filter_map(|t| callback(&t.title, &Action::Answer(t.id.clone())))
        .map(|b| vec![b])
        .collect();
    rows.extend(callback(&m.get("telegram", "back-button"), &Action::Categories).map(|b| vec![b]));
    markup(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip() {
        for a in [
            Action::Answer("medsos-interaksi".into()),
            Action::Feedback {
                id: "x".into(),
                helpful: true,
            },
            Action::Feedback {
                id: "x".into(),
                helpful: false,
            },
            Action::Categories,
            Action::Category("medsos".into()),
            Action::Detail {
                id: "medsos-interaksi".into(),
                part: Detail::Full,
            },
            Action::Detail {
                id: "medsos-interaksi".into(),
                part: Detail::Basis,
            },
            Action::Detail {
                id: "medsos-interaksi".into(),
                part: Detail::Sources,
            },
        ] {
            let data = a.encode().unwrap();
            assert!(data.len() <= MAX_CALLBACK_DATA);
            assert_eq!(Action::decode(&data), Some(a));
        }
    }

    #[test]
    fn forged_or_oversized_data_is_rejected() {
        assert_eq!(Action::decode(""), None);
        assert_eq!(Action::decode("a:"), None);
        assert_eq!(Action::decode("z:medsos"), None);
        assert_eq!(Action::decode("xx:medsos"), None);
        assert_eq!(Action::decode("a:<script>"), None);
        assert_eq!(Action::decode(&format!("a:{}", "x".repeat(100))), None);
        assert_eq!(Action::Answer("x".repeat(63)).encode(), None);
    }

    #[test]
    fn the_answered_entry_is_read_back_from_the_buttons() {
        let m = crate::core::Engine::builtin()
            .expect("built-in knowledge")
            .knowledge()
            .messages
            .clone();
        let engine = crate::core::Engine::builtin().expect("built-in knowledge");
        let reply = engine.ask("bolehkah asn like postingan capres");
        let private = private_answer(&reply, &m).expect("buttons");
        assert_eq!(answered_entry(&private).as_deref(), reply.id.as_deref());
        let link = |id: &str| Some(format!("https://t.me/netral_bot?start={id}"));
        let short = short_answer(&reply, &m, link, true).expect("buttons");
        assert_eq!(answered_entry(&short).as_deref(), reply.id.as_deref());
        let browsing = categories(engine.knowledge()).expect("buttons");
        assert_eq!(answered_entry(&browsing), None);
    }

    #[test]
    fn long_labels_are_shortened() {
        let l = label(&"panjang ".repeat(20));
        assert_eq!(l.chars().count(), MAX_LABEL);
        assert!(l.ends_with('…'));
    }
}

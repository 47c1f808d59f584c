//! Buttons and select menus, and the custom ids that route their presses.
//!
//! Custom ids are stateless — the entry id travels in the id itself — so buttons keep working
//! after a restart: `a:<entry>` answers an entry (related question, "did you mean"),
//! `f:<entry>:1` / `f:<entry>:0` is 👍 / 👎 on an answer, `c:<n>` is the n-th category menu
//! and `t:<n>` the n-th topic menu (their selected value is the category or topic id).

use super::limits;
use crate::core::render::{Detail, has_details};
use crate::core::{EntryKind, Reply};
use crate::knowledge::{KnowledgeBase, Messages};

/// What a pressed button or a chosen menu option asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show the answer with this entry id.
    Answer(String),
    /// 👍 (`helpful`) or 👎 on the answer with this entry id.
    Feedback { id: String, helpful: bool },
    /// A category was chosen in the `/topik` menu (the value is its id).
    Category,
    /// A topic was chosen in a category's menu (the value is its id).
    Topic,
    /// One part of the answer with this entry id (full answer, legal basis, sources).
    Detail { id: String, part: Detail },
}

impl Action {
    /// Parses a custom id; `None` for anything netral did not make.
    pub fn parse(custom_id: &str) -> Option<Action> {
        let (kind, rest) = custom_id.split_once(':')?;
        match kind {
            "a" if !rest.is_empty() => Some(Action::Answer(rest.to_string())),
            "f" => {
                let (id, flag) = rest.rsplit_once(':')?;
                let helpful = match flag {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                };
                (!id.is_empty()).then(|| Action::Feedback {
                    id: id.to_string(),
                    helpful,
                })
            }
            "c" => Some(Action::Category),
            "t" => Some(Action::Topic),
            kind if !rest.is_empty() => {
                let mut chars = kind.chars();
                let part = chars.next().and_then(Detail::from_code)?;
                chars.next().is_none().then(|| Action::Detail {
                    id: rest.to_string(),
                    part,
                })
            }
            _ => None,
        }
    }

    /// The custom id for this action (menus get their index).
    fn custom_id(&self, index: usize) -> String {
        match self {
            Action::Answer(id) => format!("a:{id}"),
            Action::Feedback { id, helpful } => format!("f:{id}:{}", u8::from(*helpful)),
            Action::Category => format!("c:{index}"),
            Action::Topic => format!("t:{index}"),
            Action::Detail { id, part } => format!("{}:{id}", part.code()),
        }
    }
}

/// Button colours netral uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
    pub emoji: Option<&'static str>,
    pub style: ButtonStyle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
}

/// One action row: buttons, or one select menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Buttons(Vec<Button>),
    Select {
        custom_id: String,
        placeholder: String,
        options: Vec<SelectOption>,
    },
}

/// A button answering `id`, if its custom id fits.
fn answer_button(id: &str, title: &str, style: ButtonStyle) -> Option<Button> {
    let custom_id = Action::Answer(id.to_string()).custom_id(0);
    (limits::len(&custom_id) <= limits::CUSTOM_ID).then(|| Button {
        custom_id,
        label: limits::truncate(title, limits::BUTTON_LABEL),
        emoji: None,
        style,
    })
}

/// The rows under a first answer: for a topic the buttons to its full text, legal basis and
/// sources, then what [`full_rows`] gives.
pub fn reply_rows(reply: &Reply, m: &Messages) -> Vec<Row> {
    let mut rows = Vec::new();
    if let Some(id) = reply.id.as_deref().filter(|_| has_details(reply)) {
        let buttons: Vec<Button> = Detail::ALL
            .into_iter()
            .filter_map(|part| {
                let custom_id = Action::Detail {
                    id: id.to_string(),
                    part,
                }
                .custom_id(0);
                (limits::len(&custom_id) <= limits::CUSTOM_ID).then(|| Button {
                    custom_id,
                    label: limits::truncate(&m.get("core", part.label_key()), limits::BUTTON_LABEL),
                    emoji: None,
                    style: if part == Detail::Full {
                        ButtonStyle::Primary
                    } else {
                        ButtonStyle::Secondary
                    },
                })
            })
            .collect();
        if !buttons.is_empty() {
            rows.push(Row::Buttons(buttons));
        }
    }
    rows.extend(full_rows(reply, m));
    rows
}

/// The rows under a full answer: related questions (or, when declined, "did you mean"
/// choices), then 👍/👎 for topic and article answers.
pub fn full_rows(reply: &Reply, m: &Messages) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    let links = if reply.answered {
        (&reply.related, ButtonStyle::Secondary)
    } else {
        (&reply.suggestions, ButtonStyle::Primary)
    };
    let mut buttons = Vec::new();
    for link in links.0 {
        if Some(&link.id) == reply.id.as_ref() || seen.contains(&link.id) {
            continue;
        }
        if let Some(b) = answer_button(&link.id, &link.title, links.1) {
            seen.push(link.id.clone());
            buttons.push(b);
        }
        if buttons.len() == limits::BUTTONS_PER_ROW {
            break;
        }
    }
    if !buttons.is_empty() {
        rows.push(Row::Buttons(buttons));
    }
    let rateable = matches!(reply.kind, Some(EntryKind::Topic | EntryKind::Article));
    if let (true, true, Some(id)) = (reply.answered, rateable, &reply.id) {
        let yes = Action::Feedback {
            id: id.clone(),
            helpful: true,
        }
        .custom_id(0);
        let no = Action::Feedback {
            id: id.clone(),
            helpful: false,
        }
        .custom_id(0);
        if limits::len(&yes) <= limits::CUSTOM_ID {
            rows.push(Row::Buttons(vec![
                Button {
                    custom_id: yes,
                    label: limits::truncate(
                        &m.get("discord", "feedback-helpful"),
                        limits::BUTTON_LABEL,
                    ),
                    emoji: Some("👍"),
                    style: ButtonStyle::Secondary,
                },
                Button {
                    custom_id: no,
                    label: limits::truncate(
                        &m.get("discord", "feedback-not-helpful"),
                        limits::BUTTON_LABEL,
                    ),
                    emoji: Some("👎"),
                    style: ButtonStyle::Secondary,
                },
            ]));
        }
    }
    rows
}

/// Select menus over `(value, label)` pairs, 25 options each, at most five.
fn menus(
    action: Action,
    placeholder: &str,
    items: impl Iterator<Item = (String, String)>,
) -> Vec<Row> {
    let options: Vec<SelectOption> = items
        .filter(|(value, _)| limits::len(value) <= limits::SELECT_OPTION)
        .map(|(value, label)| SelectOption {
            label: limits::truncate(&label, limits::SELECT_OPTION),
            value,
        })
        .collect();
    options
        .chunks(limits::SELECT_OPTIONS)
        .take(limits::ROWS)
        .enumerate()
        .map(|(i, chunk)| Row::Select {
            custom_id: action.custom_id(i),
            placeholder: limits::truncate(placeholder, 150),
            options: chunk.to_vec(),
        })
        .collect()
}

/// The `/topik` menu: every category that has topics.
pub fn category_menu(kb: &KnowledgeBase) -> Vec<Row> {
    let m = &kb.messages;
    menus(
        Action::Category,
        &m.get("discord", "topics-category-placeholder"),
        kb.categories
            .iter()
            .filter(|c| kb.topics.iter().any(|t| t.category == c.id))
            .map(|c| (c.id.clone(), c.title.clone())),
    )
}

/// The menu of one category's topics (empty for an unknown or empty category).
pub fn topic_menu(kb: &KnowledgeBase, category: &str) -> Vec<Row> {
    let m = &kb.messages;
    menus(
        Action::Topic,
        &m.get("discord", "topics-topic-placeholder"),
        kb.topics
            .iter()
            .filter(|t| t.category == category)
            .map(|t| (t.id.clone(), t.title.clone())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip() {
        for a in [
            Action::Answer("medsos-posting".into()),
            Action::Feedback {
                id: "medsos-posting".into(),
                helpful: true,
            },
            Action::Feedback {
                id: "x".into(),
                helpful: false,
            },
        ] {
            assert_eq!(Action::parse(&a.custom_id(0)), Some(a));
        }
        assert_eq!(Action::parse("c:2"), Some(Action::Category));
        assert_eq!(Action::parse("t:0"), Some(Action::Topic));
        for junk in ["", "a:", "f:x", "f:x:2", "zz:1", "nothing"] {
            assert_eq!(Action::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn menus_split_at_25_options() {
        let rows = menus(
            Action::Topic,
            "Pilih",
            (0..60).map(|i| (format!("t{i}"), format!("Topik {i}"))),
        );
        assert_eq!(rows.len(), 3);
        let ids: Vec<_> = rows
            .iter()
            .map(|r| match r {
                Row::Select {
                    custom_id, options, ..
                } => (custom_id.clone(), options.len()),
                Row::Buttons(_) => unreachable!(),
            })
            .collect();
        assert_eq!(
            ids,
            [("t:0".into(), 25), ("t:1".into(), 25), ("t:2".into(), 10)]
        );
    }
}

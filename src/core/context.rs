//! The conversation context: what a front end remembers of one chat and hands back to the
//! engine with the next message ([`crate::core::Engine::ask_in`]).
//!
//! A plain value, owned and stored by the front end (which also decides when it expires); the
//! core never keeps it between calls. What the engine did with it is reported on the
//! [`Reply`] (`followup`, `context`), and [`Context::after`] gives the context for the next
//! message.

use super::index::EntryKind;
use super::reply::{DeclineReason, Reply};
use crate::knowledge::Aspect;

/// The longest question a context keeps: more than any question a follow-up is read against
/// needs, and a bound on what a front end's memory of many chats holds.
const MAX_QUESTION_CHARS: usize = 500;

/// What the conversation is about so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The entry the conversation is about: the id of the last substantive answer (a topic or
    /// a news article), or of the answer a group message replies to.
    pub entry: Option<String>,
    /// The question that brought the conversation to `entry`, as the user asked it (none when
    /// the context came from elsewhere, e.g. a replied-to answer): a variant follow-up is read
    /// against it as well as against the entry's title ("how about for PPPK?" after a question
    /// about the sanction for attending a campaign). Cut to the matcher's length limit.
    pub question: Option<String>,
    /// The choices of the clarifying question just asked, in the order shown: a reply "1" or
    /// "2" picks one.
    pub choices: Vec<String>,
    /// The last message was a question out of scope ("btw gaji pppk berapa?"): a follow-up
    /// naming who ("kalau pns?") asks about it, not about `entry`.
    pub aside: bool,
    /// The part of `entry` the last message asked for ("sanksinya?"), if it was an aspect
    /// follow-up: "kalau pppk?" next asks about PPPK's sanctions.
    pub aspect: Option<Aspect>,
}

impl Context {
    /// A conversation about entry `id` (e.g. the bot answer a group message replies to).
    pub fn about(id: impl Into<String>) -> Context {
        Context {
            entry: Some(id.into()),
            question: None,
            choices: Vec::new(),
            aside: false,
            aspect: None,
        }
    }

    /// Whether there is nothing to follow up.
    pub fn is_empty(&self) -> bool {
        self.entry.is_none() && self.choices.is_empty()
    }

    /// The context for the next message, once `reply` has been given. A substantive answer
    /// becomes what the conversation is about; a clarifying question keeps the topic and
    /// remembers its choices; anything else (small talk, a decline) leaves the topic as it was.
    pub fn after(&self, reply: &Reply) -> Context {
        if reply.answered && matches!(reply.kind, Some(EntryKind::Topic | EntryKind::Article)) {
            // A question of its own is what the conversation is now about; a follow-up keeps
            // the question before it while it stays on the same entry.
            let question = if !reply.followup {
                Some(reply.query.chars().take(MAX_QUESTION_CHARS).collect())
            } else if reply.id == self.entry {
                self.question.clone()
            } else {
                None
            };
            return Context {
                entry: reply.id.clone(),
                question,
                choices: Vec::new(),
                aside: false,
                aspect: reply.aspect,
            };
        }
        let choices = if reply.declined == Some(DeclineReason::Ambiguous) {
            reply.suggestions.iter().map(|l| l.id.clone()).collect()
        } else {
            Vec::new()
        };
        Context {
            entry: self.entry.clone(),
            question: self.question.clone(),
            choices,
            // A question we do not cover is an aside: the topic stays for a follow-up that
            // varies it ("kalau share postingannya?"), not for one naming only who.
            aside: matches!(reply.declined, Some(DeclineReason::OutOfScope(_)))
                || (self.aside && !reply.answered),
            aspect: self.aspect,
        }
    }

    /// The choice a message like "1" or " 2. " picks, if it is one.
    pub fn choice(&self, message: &str) -> Option<&str> {
        let n: usize = message.trim().trim_end_matches(['.', ')']).parse().ok()?;
        self.choices.get(n.checked_sub(1)?).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(answered: bool, kind: Option<EntryKind>, id: Option<&str>) -> Reply {
        let mut r = crate::core::Engine::builtin()
            .expect("built-in knowledge")
            .ask("bolehkah asn like postingan capres");
        r.answered = answered;
        r.kind = kind;
        r.id = id.map(str::to_string);
        r.declined = None;
        r
    }

    #[test]
    fn an_answer_becomes_the_topic_small_talk_does_not() {
        let ctx = Context::about("hadir-kampanye");
        let next = ctx.after(&reply(
            true,
            Some(EntryKind::Topic),
            Some("medsos-interaksi"),
        ));
        assert_eq!(next.entry.as_deref(), Some("medsos-interaksi"));
        assert_eq!(
            next.question.as_deref(),
            Some("bolehkah asn like postingan capres"),
            "the question asked is kept to read follow-ups against"
        );
        let after_smalltalk = next.after(&reply(true, Some(EntryKind::Smalltalk), Some("sapaan")));
        assert_eq!(after_smalltalk, next);
    }

    #[test]
    fn numbered_choices_pick_from_the_clarifying_question() {
        let ctx = Context {
            entry: None,
            question: None,
            choices: vec!["a".into(), "b".into()],
            ..Context::default()
        };
        assert_eq!(ctx.choice("1"), Some("a"));
        assert_eq!(ctx.choice(" 2. "), Some("b"));
        assert_eq!(ctx.choice("3"), None);
        assert_eq!(ctx.choice("0"), None);
        assert_eq!(ctx.choice("satu"), None);
        assert_eq!(Context::default().choice("1"), None);
    }
}

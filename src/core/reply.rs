//! The reply model: one platform-neutral structure every front end renders.

use super::index::EntryKind;
use crate::knowledge::{LegalBasis, Source, Verdict};
use serde::Serialize;

/// A link to another entry (related question, "did you mean").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub id: String,
    pub title: String,
    /// Match score, for suggestions; 0 for related links.
    pub score: f32,
}

/// A quote from a news article supporting the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub article_id: String,
    pub text: String,
    pub outlet: String,
    pub date: String,
    pub url: String,
    /// Our caveat beside the quote (empty when none is needed).
    pub note: String,
}

/// Why the bot did not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason", content = "entry")]
pub enum DeclineReason {
    /// Nothing was asked.
    Empty,
    /// No entry matched with enough confidence.
    LowConfidence,
    /// The question is outside netral's scope on purpose (the id of the out-of-scope entry).
    OutOfScope(String),
    /// Two entries fit about equally well: `text` asks "Maksud Anda: A atau B?" and
    /// `suggestions` holds the two choices.
    Ambiguous,
    /// A follow-up ("kalau PPPK?", "sanksinya?") with no conversation to follow: `text` asks
    /// what it is about and `suggestions` offers the nearest topics.
    NeedsContext,
    /// Doubt about the previous answer ("yang bener?"): nothing new is answered; `text` says
    /// what that answer rests on and `suggestions` links back to it.
    Doubt,
}

/// What the bot says to one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reply {
    /// The question as asked.
    pub query: String,
    /// Whether an entry was chosen. When false, `text` says so politely and `suggestions`
    /// lists the nearest topics.
    pub answered: bool,
    pub kind: Option<EntryKind>,
    pub id: Option<String>,
    pub verdict: Option<Verdict>,
    /// The canonical question (topic), headline (article) or small-talk title.
    pub title: String,
    /// The short answer (topic), summary (article), the reply (small talk) or the decline text.
    pub text: String,
    pub body: String,
    pub legal_basis: Vec<LegalBasis>,
    pub sanction: Option<String>,
    pub sources: Vec<Source>,
    pub excerpts: Vec<Quote>,
    pub related: Vec<Link>,
    pub suggestions: Vec<Link>,
    /// Confidence of the chosen entry, 0..=1 (1 when chosen by id).
    pub confidence: f32,
    pub as_of: Option<String>,
    /// The "not legal advice" line, on substantive answers.
    pub disclaimer: Option<String>,
    pub declined: Option<DeclineReason>,
    /// Whether the conversation context decided this reply (a follow-up resolved against it).
    pub followup: bool,
    /// The id of the entry the follow-up was resolved against (`None` when `followup` is false).
    pub context: Option<String>,
    /// The part of the entry a focused follow-up answered ("sanksinya?" → the sanction), which
    /// the conversation remembers. Not part of the reply's wire format.
    #[serde(skip)]
    pub aspect: Option<crate::knowledge::Aspect>,
}

impl Reply {
    /// A reply that answers nothing: a decline, or a question back to the user, with `text`
    /// and the topics offered instead. The engine's declines and the follow-up questions
    /// (fragment, doubt, "Maksud Anda: A atau B?") are all made here.
    pub fn declined(
        query: String,
        reason: DeclineReason,
        text: String,
        suggestions: Vec<Link>,
        confidence: f32,
    ) -> Reply {
        Reply {
            query,
            text,
            suggestions,
            confidence,
            declined: Some(reason),
            ..Reply::default()
        }
    }

    /// The verdict's label ("Tidak boleh"), if the answer has a verdict line.
    pub fn verdict_label(&self, messages: &crate::knowledge::Messages) -> Option<String> {
        self.verdict
            .and_then(Verdict::label_key)
            .map(|k| messages.get("core", k))
    }
}

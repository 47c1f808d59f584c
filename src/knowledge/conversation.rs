//! The conversation cues (`conversation.toml`): the words by which a message shows it follows
//! up the previous answer, and the few numbers that decide between a follow-up, a question of
//! its own and a clarifying question. Data, read by `core::followup`; the format is documented
//! in `knowledge/README.md`. Without the file no message is taken as a follow-up.

use serde::{Deserialize, Serialize};

/// The part of an answer an aspect follow-up asks for ("sanksinya?", "dasar hukumnya?").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aspect {
    /// The sanction.
    Sanction,
    /// The legal basis, down to the article.
    LegalBasis,
    /// The sources a reader can check.
    Sources,
    /// An example: a news excerpt, or the explanation when there is none.
    Example,
    /// Why: the explanation.
    Explanation,
    /// "Hukumnya?", "terus gimana?": the verdict and short answer again, with the legal basis.
    Verdict,
    /// "Yang bener?", "serius?": doubt about the answer just given. Not a new question: the
    /// reply points to what the answer rests on, and answers nothing new.
    Doubt,
}

impl Aspect {
    /// The aspect's name in the knowledge files and in message keys (`aspect-title-<name>`).
    pub fn key(self) -> &'static str {
        match self {
            Aspect::Sanction => "sanction",
            Aspect::LegalBasis => "legal-basis",
            Aspect::Sources => "sources",
            Aspect::Example => "example",
            Aspect::Explanation => "explanation",
            Aspect::Verdict => "verdict",
            Aspect::Doubt => "doubt",
        }
    }
}

/// The phrases that ask for one aspect.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AspectCue {
    pub part: Aspect,
    pub phrases: Vec<String>,
}

/// Everything `conversation.toml` holds. The default (no file) recognises no follow-up and
/// never asks a clarifying question.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationCues {
    /// A variant follow-up moves to another entry when its new words alone give it at least
    /// this confidence …
    #[serde(default)]
    pub move_confidence: f32,
    /// … and that entry's lexical score for the new words joined with the previous entry's
    /// title reaches this (it is related to what was being discussed) …
    #[serde(default)]
    pub move_related: f32,
    /// … or the new words alone give it at least this confidence.
    #[serde(default)]
    pub move_alone: f32,
    /// A short message out of scope on its own still follows up the previous entry when that
    /// entry's lexical score for its words reaches this, or when the entry's answer uses every
    /// one of its content words ("harus cuti?" after an answer about taking leave).
    #[serde(default)]
    pub touch_lexical: f32,
    /// A longer message declined on its own still follows up the previous entry when that
    /// entry's answer uses at least this share of its content words. 0 turns it off.
    #[serde(default)]
    pub touch_share: f32,
    /// A question its own best entry answers at least this confidently is never a follow-up
    /// unless it opens with a marker.
    #[serde(default)]
    pub sure: f32,
    /// A message with at most this many content words is a fragment: a follow-up with context,
    /// "maksudnya tentang apa?" without.
    #[serde(default)]
    pub short_words: usize,
    /// Ask "Maksud Anda: A atau B?" when the best entry scores below `clarify_below` …
    #[serde(default)]
    pub clarify_below: f32,
    /// … and the second best is within this margin of it.
    #[serde(default)]
    pub clarify_margin: f32,
    /// Words that open a follow-up ("kalau", "terus", "what about").
    #[serde(default)]
    pub markers: Vec<String>,
    /// A marker-led first message with at most this many content words and no asking word is
    /// a fragment even when it matches an entry well ("kalau di luar jam kerja?").
    #[serde(default)]
    pub fragment_words: usize,
    /// Words that make a marker-led first message a question of its own ("kalau saya PNS,
    /// *boleh* ikut kampanye?"); without one, "kalau di luar jam kerja?" needs context.
    #[serde(default)]
    pub asking: Vec<String>,
    /// Words that name who a question is about ("pppk", "honorer", "kepala desa"): a
    /// marker-led first message naming one and more than `short_words` content words describes
    /// a situation of its own ("kalau pppk ikut kampanye?"), not a variant of something unsaid.
    #[serde(default)]
    pub actors: Vec<String>,
    /// A variant stays on the previous entry when that entry's lexical score for the new words
    /// alone reaches this share of the score of the entry they point to (the previous answer
    /// covers them as well: "kalau share postingannya?" after liking posts). 0 turns it off.
    #[serde(default)]
    pub stay_share: f32,
    /// Who alone ("kalau pppk?") asks whether the answer just given holds for them. It moves
    /// to the entry its words point to (`move_confidence`) unless that entry is in one of these
    /// categories while the conversation is not on its aspect: neither the entry discussed is
    /// in that category, nor did the question asked before or the last message ask for that
    /// aspect. "Kalau pppk?" after the kinds of sanction, or after "sanksinya apa?", moves to
    /// the PPPK sanctions; after attending a campaign it asks that question again about PPPK.
    /// Category id (from `categories.toml`) → aspect.
    #[serde(default)]
    pub who_within: std::collections::BTreeMap<String, Aspect>,
    /// Words that carry no content in a follow-up (question words, pronouns, "juga").
    #[serde(default)]
    pub filler: Vec<String>,
    /// Possessive endings a one-word aspect may carry in other languages and spellings
    /// ("sanksi*na*" in Sundanese, "atura*ne*" in Javanese): a word that is no aspect as written
    /// is tried again without one of them.
    #[serde(default)]
    pub possessives: Vec<String>,
    /// Phrases that begin with an aspect phrase but name a thing of their own ("*masa*
    /// kampanye" is the campaign period, not "masa?", doubt): read as content words.
    #[serde(default)]
    pub not_aspects: Vec<String>,
    /// A clarifying question offers two entries only if the second scores at least this.
    #[serde(default)]
    pub clarify_floor: f32,
    /// The phrases of each aspect.
    #[serde(default)]
    pub aspect: Vec<AspectCue>,
}

/// Message keys of `messages/conversation.toml` every front end relies on.
pub const CONVERSATION_MESSAGE_KEYS: &[&str] = &[
    "clarify",
    "fragment",
    "aspect-missing",
    "aspect-title-sanction",
    "aspect-title-legal-basis",
    "aspect-title-sources",
    "aspect-title-example",
    "aspect-title-explanation",
    "aspect-title-verdict",
    "doubt",
    "aspect-lead-legal-basis",
    "aspect-lead-sources",
    "aspect-lead-example",
];

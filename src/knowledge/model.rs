//! The validated knowledge model: what the matcher indexes and the replies are built from.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The verdict a topic answer gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Boleh,
    TidakBoleh,
    Bersyarat,
    Diperdebatkan,
    /// Informational topic: no verdict line is shown.
    Info,
}

impl Verdict {
    /// All verdicts with the spelling used in the knowledge files.
    pub const ALL: [(&'static str, Verdict); 5] = [
        ("boleh", Verdict::Boleh),
        ("tidak-boleh", Verdict::TidakBoleh),
        ("bersyarat", Verdict::Bersyarat),
        ("diperdebatkan", Verdict::Diperdebatkan),
        ("info", Verdict::Info),
    ];

    /// Parses the spelling used in the knowledge files.
    pub fn parse(s: &str) -> Option<Verdict> {
        Self::ALL.iter().find(|(k, _)| *k == s).map(|(_, v)| *v)
    }

    /// The spelling used in the knowledge files and JSON output.
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map(|(k, _)| *k)
            .unwrap_or("info")
    }

    /// Key of the label in the `core` messages (e.g. `verdict-tidak-boleh`), `None` for info.
    pub fn label_key(self) -> Option<&'static str> {
        match self {
            Verdict::Boleh => Some("verdict-boleh"),
            Verdict::TidakBoleh => Some("verdict-tidak-boleh"),
            Verdict::Bersyarat => Some("verdict-bersyarat"),
            Verdict::Diperdebatkan => Some("verdict-diperdebatkan"),
            Verdict::Info => None,
        }
    }
}

/// One regulation article a topic rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegalBasis {
    /// Short name, a key of `regulations.toml` (e.g. `PP 94/2021`).
    pub regulation: String,
    /// Full title of the regulation.
    pub regulation_title: String,
    /// Article, down to ayat/huruf/angka; empty for a regulation as a whole.
    pub article: String,
    /// What the article says, or a hedge.
    pub note: String,
    /// Where the article number was verified.
    pub source: String,
}

/// How sure the project is of what a cited article says (`legal-basis.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sureness {
    /// An official copy, or at least two independent sources that agree.
    Verified,
    /// One source only: answers say so.
    SingleSource,
    /// An unofficial copy, memory or conflicting sources: answers hedge it.
    Uncertain,
}

impl Sureness {
    pub const ALL: [(&'static str, Sureness); 3] = [
        ("verified", Sureness::Verified),
        ("single-source", Sureness::SingleSource),
        ("uncertain", Sureness::Uncertain),
    ];

    /// Parses the spelling used in `legal-basis.toml`.
    pub fn parse(s: &str) -> Option<Sureness> {
        Self::ALL.iter().find(|(k, _)| *k == s).map(|(_, v)| *v)
    }

    /// The spelling used in `legal-basis.toml` and the docs.
    pub fn key(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("uncertain", |(k, _)| k)
    }
}

/// One (regulation, article) the knowledge cites: what it says in our words, where it was
/// checked and how sure we are. The reference behind `docs/legal-basis.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitedArticle {
    pub regulation: String,
    /// As cited in topics, "" for a regulation as a whole.
    pub article: String,
    pub says: String,
    /// Where it was checked; may be empty only when `sureness` is uncertain.
    pub source: String,
    pub sureness: Sureness,
}

/// A source a reader can check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// A curated answer to one question.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub category: String,
    pub title: String,
    pub verdict: Verdict,
    pub short: String,
    pub body: String,
    pub sanction: Option<String>,
    pub legal_basis: Vec<LegalBasis>,
    pub sources: Vec<Source>,
    pub related: Vec<String>,
    pub questions: Vec<String>,
    pub as_of: String,
    pub disclaimer: bool,
}

/// A quotable passage of a news article, linked to the topics it supports.
#[derive(Debug, Clone)]
pub struct Excerpt {
    pub text: String,
    pub topics: Vec<String>,
    /// Our own caveat shown beside the quote when it simplifies or misnames the law.
    pub note: String,
}

/// A news article from the seeds (or imported by a curator).
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub outlet: String,
    pub place: String,
    pub date: String,
    pub url: String,
    pub summary: String,
    pub text: String,
    pub questions: Vec<String>,
    pub related: Vec<String>,
    pub excerpts: Vec<Excerpt>,
}

/// Greeting, thanks, help: answered like any entry, without legal content.
#[derive(Debug, Clone)]
pub struct Smalltalk {
    pub id: String,
    pub title: String,
    pub reply: String,
    pub questions: Vec<String>,
}

/// A kind of question the bot declines on purpose (pay, recruitment, who to vote for…).
#[derive(Debug, Clone)]
pub struct Decline {
    pub id: String,
    pub reply: String,
    pub questions: Vec<String>,
}

/// Questions written the way users ask, each labelled with the entry that answers it, that
/// only the intent classifier learns from (`training/*.toml`): they teach it how people
/// really write without becoming phrasings the lexical index or `kb check` reads.
#[derive(Debug, Clone)]
pub struct TrainingQuestions {
    /// The entry (topic, article, small talk or out-of-scope) that answers them.
    pub id: String,
    pub questions: Vec<String>,
}

/// A browsing category for topics.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub title: String,
}

/// Words and phrases the normaliser rewrites before matching.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// One token → one or more standard tokens.
    pub slang: HashMap<String, Vec<String>>,
    /// Multiword variant (as tokens) → canonical tokens.
    pub synonyms: Vec<(Vec<String>, Vec<String>)>,
    /// Never stemmed.
    pub protected: Vec<String>,
    /// Dropped before matching.
    pub particles: Vec<String>,
    /// Words that tie a question to elections and politics (`lexicon/anchors.toml`); the
    /// confidence model learns how rarely a question without any of them is in scope.
    pub anchors: Vec<String>,
}

/// Thresholds and weights of the matcher (`matcher.toml`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MatcherSettings {
    /// Minimum confidence to answer.
    pub threshold: f32,
    /// Minimum score for a "did you mean" suggestion.
    pub suggestion_floor: f32,
    /// At most this many suggestions.
    pub max_suggestions: usize,
    /// A decline entry wins only with at least this confidence.
    pub decline_threshold: f32,
    /// Weight of a query word that had to be corrected for a typo.
    pub typo_weight: f32,
    /// Weight of a pair of adjacent words shared by question and phrasing (0 = words only).
    pub bigram_weight: f32,
    /// How much the question's coverage counts against the phrasing's (0.5 = cosine).
    pub query_share: f32,
    /// IDF given to query words the knowledge never uses, as a share of the highest IDF.
    pub unknown_idf_share: f32,
    /// Weight of a canonical title relative to a phrasing.
    pub title_weight: f32,
    /// Weight of a topic's short answer used as an extra phrasing.
    pub short_weight: f32,
    /// Weight of every phrasing of a news article: questions about an event name the place or
    /// the people, so generic overlap should prefer a topic.
    pub article_weight: f32,
    /// Weight of a news excerpt used as an extra phrasing of its article.
    pub excerpt_weight: f32,
    /// Queries are cut to this many characters before matching.
    pub max_query_chars: usize,
    /// A question of at least this many words in several sentences is a scenario: the
    /// sentence that asks carries the weight.
    pub long_question_words: usize,
    /// In such a scenario, how much the words of the other sentences count (0..=1).
    pub context_weight: f32,
    /// Words that mark a sentence as the one that asks, when no sentence ends with "?"
    /// (normalised forms: after slang, before stemming).
    pub question_cues: Vec<String>,
}

/// `confidence.toml`: the fitted confidence model (see `core::confidence`), written by
/// `netral kb calibrate`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidenceModel {
    /// Answer when the best candidate's confidence is at least this.
    pub threshold: f32,
    pub bias: f32,
    /// One weight per signal name.
    pub weights: BTreeMap<String, f32>,
    /// How it was fitted (command, data, figures), for people reading the file.
    #[serde(default)]
    pub fitted: BTreeMap<String, String>,
}

/// Every fixed sentence the front ends show, by section (file stem) and key.
#[derive(Debug, Clone, Default)]
pub struct Messages {
    sections: BTreeMap<String, BTreeMap<String, String>>,
}

impl Messages {
    pub(crate) fn new(sections: BTreeMap<String, BTreeMap<String, String>>) -> Self {
        Messages { sections }
    }

    /// The message `key` of `section`. A missing key (which `kb check` and the adapters' tests
    /// rule out) shows as `[section.key]` rather than failing.
    pub fn get(&self, section: &str, key: &str) -> String {
        self.sections
            .get(section)
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| format!("[{section}.{key}]"))
    }

    /// Like [`Messages::get`], replacing each `{name}` with its value.
    pub fn fill(&self, section: &str, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(section, key);
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The keys of `required` that `section` lacks.
    pub fn missing(&self, section: &str, required: &[&str]) -> Vec<String> {
        let have = self.sections.get(section);
        required
            .iter()
            .filter(|k| have.is_none_or(|s| !s.contains_key(**k)))
            .map(|k| format!("{section}.{k}"))
            .collect()
    }
}

/// Everything netral knows, validated.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    pub categories: Vec<Category>,
    pub topics: Vec<Topic>,
    pub articles: Vec<Article>,
    pub smalltalk: Vec<Smalltalk>,
    pub declines: Vec<Decline>,
    /// Questions only the intent classifier learns from (`training/*.toml`).
    pub training: Vec<TrainingQuestions>,
    pub lexicon: Lexicon,
    pub messages: Messages,
    pub settings: MatcherSettings,
    /// How follow-ups are recognised (`conversation.toml`; empty without the file).
    pub conversation: super::ConversationCues,
    pub regulations: BTreeMap<String, String>,
    /// The fitted confidence model; `None` until `netral kb calibrate` has written one (the
    /// lexical score then serves as the confidence, and `kb check` fails).
    pub confidence: Option<ConfidenceModel>,
    /// What each cited article says (`legal-basis.toml`); empty when the file is absent.
    pub cited_articles: Vec<CitedArticle>,
}

impl KnowledgeBase {
    /// The topic with this id.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The article with this id.
    pub fn article(&self, id: &str) -> Option<&Article> {
        self.articles.iter().find(|a| a.id == id)
    }

    /// Title of any answerable entry (topic, article, small talk).
    pub fn title_of(&self, id: &str) -> Option<&str> {
        self.topic(id)
            .map(|t| t.title.as_str())
            .or_else(|| self.article(id).map(|a| a.title.as_str()))
            .or_else(|| {
                self.smalltalk
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| s.title.as_str())
            })
    }
}

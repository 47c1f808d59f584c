//! The engine: a question in, a [`Reply`] out. Pure and synchronous; shared by every front end.

use super::context::Context;
use super::followup::{self, Cues};
use super::index::{EntryKind, EntryRef, Hit, Index, QueryTerm};
use super::normalise::Normaliser;
use super::reply::{DeclineReason, Link, Quote, Reply};
use crate::knowledge::{Files, KnowledgeBase, LoadError};
use std::collections::HashMap;
use std::path::Path;

/// One ranked candidate, for `:explain`, inline queries and autocompletion.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub kind: EntryKind,
    pub title: String,
    pub score: f32,
    /// The phrasing that matched best.
    pub phrasing: String,
}

/// What the matcher made of a question (`:explain`).
#[derive(Debug, Clone)]
pub struct Explanation {
    pub terms: Vec<QueryTerm>,
    pub candidates: Vec<Candidate>,
}

/// The Q&A core over one loaded knowledge base.
pub struct Engine {
    kb: KnowledgeBase,
    norm: Normaliser,
    index: Index,
    /// Topic id → the excerpts supporting it: (article index, excerpt index, stemmed terms).
    supporting: HashMap<String, Vec<(usize, usize, Vec<String>)>>,
    /// The conversation cues, normalised (follow-ups, clarifying questions).
    cues: Cues,
}

impl Engine {
    /// Builds the engine (normaliser and index) over a loaded knowledge base.
    pub fn new(kb: KnowledgeBase) -> Engine {
        let norm = Normaliser::new(&kb.lexicon);
        let index = Index::build(&kb, &norm);
        let mut supporting: HashMap<String, Vec<(usize, usize, Vec<String>)>> = HashMap::new();
        for (ai, a) in kb.articles.iter().enumerate() {
            for (xi, x) in a.excerpts.iter().enumerate() {
                let terms = norm.tokens(&x.text);
                for topic in &x.topics {
                    supporting
                        .entry(topic.clone())
                        .or_default()
                        .push((ai, xi, terms.clone()));
                }
            }
        }
        let cues = Cues::new(&kb.conversation, &norm);
        Engine {
            kb,
            norm,
            index,
            supporting,
            cues,
        }
    }

    /// The engine over the knowledge compiled into the binary.
    pub fn builtin() -> Result<Engine, LoadError> {
        Ok(Engine::new(KnowledgeBase::builtin()?))
    }

    /// The engine over the knowledge folder `dir`.
    pub fn from_dir(dir: &Path) -> Result<Engine, LoadError> {
        Ok(Engine::new(KnowledgeBase::load(&Files::from_dir(dir)?)?))
    }

    /// The knowledge base behind this engine.
    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// The normaliser (for `:explain` and tests).
    pub fn normaliser(&self) -> &Normaliser {
        &self.norm
    }

    /// Number of phrasings indexed.
    pub fn phrasing_count(&self) -> usize {
        self.index.len()
    }

    fn cut<'a>(&self, question: &'a str) -> &'a str {
        let max = self.kb.settings.max_query_chars;
        match question.char_indices().nth(max) {
            Some((i, _)) => &question[..i],
            None => question,
        }
    }

    /// How the question was understood, and the ranked entries (without phrasing `exclude`).
    fn hits(
        &self,
        question: &str,
        complete_last: bool,
        exclude: Option<usize>,
    ) -> (Vec<QueryTerm>, Vec<Hit>) {
        let words = self.norm.surface(self.cut(question));
        let terms = self.index.understand(&self.norm, &words, complete_last);
        let hits = self.index.rank(&terms, exclude);
        (terms, hits)
    }

    /// Answers a question, or declines with the nearest topics.
    pub fn ask(&self, question: &str) -> Reply {
        self.answer(question, None)
    }

    /// Answers a message within a conversation: a follow-up ("kalau PPPK?", "sanksinya?") is
    /// resolved against `ctx`, a clear question is answered on its own, a fragment without
    /// context and a near tie get a question back. The reply says whether the context was used
    /// (`followup`, `context`); [`Context::after`] gives the context for the next message.
    pub fn ask_in(&self, question: &str, ctx: Option<&Context>) -> Reply {
        followup::answer(self, &self.cues, question, ctx)
    }

    /// Asks one of entry `id`'s own phrasings as if it were not in the knowledge: would the
    /// other phrasings still bring a user who words it this way to the entry? (`kb check`.)
    /// `None` when `id` has no such phrasing.
    pub fn ask_left_out(&self, id: &str, phrasing: &str) -> Option<Reply> {
        let entry = self
            .index
            .entries()
            .iter()
            .position(|e| self.entry_id(*e) == id)?;
        let doc = self.index.doc_of(entry, phrasing)?;
        Some(self.answer(phrasing, Some(doc)))
    }

    fn answer(&self, question: &str, exclude: Option<usize>) -> Reply {
        let (terms, hits) = self.hits(question, false, exclude);
        let s = &self.kb.settings;
        if terms.is_empty() {
            return self.decline(question, DeclineReason::Empty, Vec::new());
        }
        match hits.first() {
            Some(top)
                if top.entry.kind == EntryKind::Decline && top.score >= s.decline_threshold =>
            {
                let id = self.kb.declines[top.entry.index].id.clone();
                self.decline(question, DeclineReason::OutOfScope(id), hits)
            }
            Some(top) if top.entry.kind != EntryKind::Decline && top.score >= s.threshold => {
                let mut reply = self.entry_reply(question, top.entry, top.score, &terms);
                reply.suggestions = self.suggestions(&hits, Some(top.entry));
                reply
            }
            _ => self.decline(question, DeclineReason::LowConfidence, hits),
        }
    }

    /// The full answer for an entry chosen by id (a button, a deep link), if it exists.
    pub fn answer_by_id(&self, id: &str) -> Option<Reply> {
        let entry = *self
            .index
            .entries()
            .iter()
            .find(|e| self.entry_id(**e) == id && e.kind != EntryKind::Decline)?;
        let title = self.entry_title(entry).to_string();
        Some(self.entry_reply(&title, entry, 1.0, &[]))
    }

    /// The best entries for a question, declines left out (inline mode, autocompletion).
    /// With `partial`, the last word may be the beginning of a word still being typed.
    pub fn candidates(&self, question: &str, limit: usize, partial: bool) -> Vec<Candidate> {
        let (_, hits) = self.hits(question, partial, None);
        let floor = self.kb.settings.suggestion_floor;
        hits.iter()
            .filter(|h| h.entry.kind != EntryKind::Decline && h.score >= floor)
            .take(limit)
            .map(|h| self.candidate(h))
            .collect()
    }

    /// How the question was understood and the top five candidates (`:explain`).
    pub fn explain(&self, question: &str) -> Explanation {
        let (terms, hits) = self.hits(question, false, None);
        Explanation {
            terms,
            candidates: hits.iter().take(5).map(|h| self.candidate(h)).collect(),
        }
    }

    fn candidate(&self, h: &Hit) -> Candidate {
        Candidate {
            id: self.entry_id(h.entry).to_string(),
            kind: h.entry.kind,
            title: self.entry_title(h.entry).to_string(),
            score: h.score,
            phrasing: self.index.phrasing(h.doc).to_string(),
        }
    }

    fn entry_id(&self, e: EntryRef) -> &str {
        match e.kind {
            EntryKind::Topic => &self.kb.topics[e.index].id,
            EntryKind::Article => &self.kb.articles[e.index].id,
            EntryKind::Smalltalk => &self.kb.smalltalk[e.index].id,
            EntryKind::Decline => &self.kb.declines[e.index].id,
        }
    }

    fn entry_title(&self, e: EntryRef) -> &str {
        match e.kind {
            EntryKind::Topic => &self.kb.topics[e.index].title,
            EntryKind::Article => &self.kb.articles[e.index].title,
            EntryKind::Smalltalk => &self.kb.smalltalk[e.index].title,
            EntryKind::Decline => &self.kb.declines[e.index].id,
        }
    }

    fn suggestions(&self, hits: &[Hit], except: Option<EntryRef>) -> Vec<Link> {
        let s = &self.kb.settings;
        hits.iter()
            .filter(|h| matches!(h.entry.kind, EntryKind::Topic | EntryKind::Article))
            .filter(|h| Some(h.entry) != except && h.score >= s.suggestion_floor)
            .take(s.max_suggestions)
            .map(|h| Link {
                id: self.entry_id(h.entry).to_string(),
                title: self.entry_title(h.entry).to_string(),
                score: h.score,
            })
            .collect()
    }

    fn links(&self, ids: &[String]) -> Vec<Link> {
        ids.iter()
            .filter_map(|id| {
                self.kb.title_of(id).map(|t| Link {
                    id: id.clone(),
                    title: t.to_string(),
                    score: 0.0,
                })
            })
            .collect()
    }

    fn decline(&self, question: &str, reason: DeclineReason, hits: Vec<Hit>) -> Reply {
        let m = &self.kb.messages;
        let suggestions = if reason == DeclineReason::Empty {
            Vec::new()
        } else {
            self.suggestions(&hits, None)
        };
        let text = match &reason {
            DeclineReason::Empty => m.get("core", "empty-question"),
            DeclineReason::OutOfScope(id) => self
                .kb
                .declines
                .iter()
                .find(|d| &d.id == id)
                .map(|d| d.reply.clone())
                .unwrap_or_default(),
            DeclineReason::LowConfidence if suggestions.is_empty() => {
                m.get("core", "declined-no-suggestions")
            }
            // The engine itself never asks back; `followup` builds those replies.
            DeclineReason::LowConfidence
            | DeclineReason::Ambiguous
            | DeclineReason::NeedsContext
            | DeclineReason::Doubt => m.get("core", "declined"),
        };
        Reply {
            query: question.to_string(),
            answered: false,
            kind: None,
            id: None,
            verdict: None,
            title: String::new(),
            text,
            body: String::new(),
            legal_basis: Vec::new(),
            sanction: None,
            sources: Vec::new(),
            excerpts: Vec::new(),
            related: Vec::new(),
            suggestions,
            confidence: hits.first().map_or(0.0, |h| h.score),
            as_of: None,
            disclaimer: None,
            declined: Some(reason),
            followup: false,
            context: None,
        }
    }

    fn entry_reply(
        &self,
        question: &str,
        entry: EntryRef,
        score: f32,
        terms: &[QueryTerm],
    ) -> Reply {
        let mut reply = Reply {
            query: question.to_string(),
            answered: true,
            kind: Some(entry.kind),
            id: Some(self.entry_id(entry).to_string()),
            verdict: None,
            title: self.entry_title(entry).to_string(),
            text: String::new(),
            body: String::new(),
            legal_basis: Vec::new(),
            sanction: None,
            sources: Vec::new(),
            excerpts: Vec::new(),
            related: Vec::new(),
            suggestions: Vec::new(),
            confidence: score,
            as_of: None,
            disclaimer: None,
            declined: None,
            followup: false,
            context: None,
        };
        match entry.kind {
            EntryKind::Topic => {
                let t = &self.kb.topics[entry.index];
                reply.verdict = Some(t.verdict);
                reply.text = t.short.clone();
                reply.body = t.body.clone();
                reply.legal_basis = t.legal_basis.clone();
                reply.sanction = t.sanction.clone();
                reply.sources = t.sources.clone();
                reply.related = self.links(&t.related);
                reply.as_of = Some(t.as_of.clone());
                reply.excerpts = self.quote_for(&t.id, terms).into_iter().collect();
                if t.disclaimer {
                    reply.disclaimer = Some(self.kb.messages.get("core", "disclaimer"));
                }
            }
            EntryKind::Article => {
                let a = &self.kb.articles[entry.index];
                reply.text = a.summary.clone();
                reply.body = a.text.clone();
                reply.related = self.links(&a.related);
                if !a.url.is_empty() {
                    reply.sources = vec![crate::knowledge::Source {
                        title: format!("{} — {}", a.outlet, a.title),
                        url: a.url.clone(),
                    }];
                }
                reply.excerpts = a
                    .excerpts
                    .iter()
                    .take(2)
                    .map(|x| self.quote(a, &x.text))
                    .collect();
            }
            EntryKind::Smalltalk => reply.text = self.kb.smalltalk[entry.index].reply.clone(),
            EntryKind::Decline => {}
        }
        reply
    }

    fn quote(&self, a: &crate::knowledge::Article, text: &str) -> Quote {
        Quote {
            article_id: a.id.clone(),
            text: text.to_string(),
            outlet: a.outlet.clone(),
            date: a.date.clone(),
            url: a.url.clone(),
        }
    }

    /// The excerpt supporting `topic` that shares most words with the question.
    fn quote_for(&self, topic: &str, terms: &[QueryTerm]) -> Option<Quote> {
        let mut best: Option<(usize, usize, usize)> = None;
        for (ai, xi, tokens) in self.supporting.get(topic)? {
            let overlap = terms.iter().filter(|q| tokens.contains(&q.term)).count();
            if best.is_none_or(|(o, _, _)| overlap > o) {
                best = Some((overlap, *ai, *xi));
            }
        }
        best.map(|(_, ai, xi)| {
            let a = &self.kb.articles[ai];
            self.quote(a, &a.excerpts[xi].text)
        })
    }
}

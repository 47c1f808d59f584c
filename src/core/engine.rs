//! The engine: a question in, a [`Reply`] out. Pure and synchronous; shared by every front end.

use super::confidence::{Calibrated, Evidence};
use super::context::Context;
use super::features::Word;
use super::followup::{self, Cues};
use super::index::{EntryKind, EntryRef, Index, QueryTerm};
use super::intent::{self, IntentModel};
use super::normalise::Normaliser;
use super::query;
use super::reply::{DeclineReason, Link, Quote, Reply};
use super::train::Settings as TrainSettings;
use crate::knowledge::{Files, KnowledgeBase, LoadError};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;

/// One ranked candidate, for `:explain`, inline queries and autocompletion.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub kind: EntryKind,
    pub title: String,
    /// The calibrated confidence (what `Reply::confidence` would be).
    pub score: f32,
    /// The lexical index's score.
    pub lexical: f32,
    /// The intent classifier's probability.
    pub classifier: f32,
    /// The phrasing that matched best lexically (empty when only the classifier found it).
    pub phrasing: String,
}

/// One candidate entry of one question: the two matchers' evidence and the fused confidence.
#[derive(Debug, Clone, Copy)]
struct Scored {
    entry: EntryRef,
    confidence: f32,
    lexical: f32,
    classifier: f32,
    /// The best-matching phrasing, when the lexical index found the entry.
    doc: Option<usize>,
}

/// How many candidates each matcher contributes before fusion.
const CANDIDATES_PER_MATCHER: usize = 5;
/// Up to this many entries the classifier scores them all; beyond, only the lexical index's
/// best [`RESTRICTED_CANDIDATES`] and the out-of-scope entries, so the cost per question stops
/// growing with the knowledge (the shipped knowledge has about 70 entries).
const FULL_SOFTMAX_ENTRIES: usize = 256;
const RESTRICTED_CANDIDATES: usize = 30;

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
    /// Topic id → the excerpts supporting it: (article index, excerpt index, stemmed terms,
    /// sorted and without repeats so that a question's terms are looked up by binary search).
    supporting: HashMap<String, Vec<(usize, usize, Vec<String>)>>,
    /// The conversation cues, normalised (follow-ups, clarifying questions).
    cues: Cues,
    /// The intent classifier; its classes are the index's entries, in the same order.
    intent: IntentModel,
    /// Why the classifier was trained in memory instead of read from the model file.
    model_note: Option<String>,
    /// Entry numbers of the out-of-scope entries.
    decline_entries: Vec<usize>,
    /// The confidence model of `confidence.toml`, ready to use.
    calibrated: Option<Calibrated>,
    /// Stems of the words that tie a question to elections and politics.
    anchors: HashSet<String>,
    /// For each entry, the share of its phrasings that use one of them.
    anchored_share: Vec<f32>,
}

/// The training settings of the shipped classifier (part of its fingerprint).
pub fn intent_settings() -> TrainSettings {
    TrainSettings::default()
}

impl Engine {
    /// Builds the engine over a loaded knowledge base, training the classifier in memory.
    pub fn new(kb: KnowledgeBase) -> Engine {
        Engine::with_model(kb, None)
    }

    /// Builds the engine with the classifier read from `model` (the bytes of
    /// `intent-model.bin`). A missing, unreadable or stale model is never used: the classifier
    /// is then trained in memory and [`Engine::model_note`] says why.
    pub fn with_model(kb: KnowledgeBase, model: Option<&[u8]>) -> Engine {
        Engine::with_read_model(kb, model.map(IntentModel::from_bytes))
    }

    /// [`Engine::with_model`] for a model compiled into the binary, read in place.
    pub fn with_static_model(kb: KnowledgeBase, model: Option<&'static [u8]>) -> Engine {
        Engine::with_read_model(kb, model.map(IntentModel::from_static))
    }

    fn with_read_model(
        kb: KnowledgeBase,
        model: Option<Result<IntentModel, intent::ModelError>>,
    ) -> Engine {
        let norm = Normaliser::new(&kb.lexicon);
        let settings = intent_settings();
        let (intent, model_note) = match model {
            Some(Ok(m)) if intent::is_fresh(&m, &kb, &settings) => (m, None),
            found => {
                let why = match found {
                    None => format!("no {}", intent::MODEL_FILE),
                    Some(Err(e)) => format!("{} unreadable ({e})", intent::MODEL_FILE),
                    Some(Ok(_)) => format!(
                        "{} is stale (the knowledge changed since it was trained)",
                        intent::MODEL_FILE
                    ),
                };
                let note = format!(
                    "{why}: trained the classifier in memory — run `netral kb train` to update the file"
                );
                let set = intent::training_set(&kb, &norm);
                (IntentModel::train(&set, settings), Some(note))
            }
        };
        Engine::assemble(kb, norm, intent, model_note)
    }

    /// Builds the engine with a given classifier (benchmarks, `kb calibrate`); its classes
    /// must be the knowledge's entries in index order.
    pub fn with_intent(kb: KnowledgeBase, intent: IntentModel) -> Engine {
        let norm = Normaliser::new(&kb.lexicon);
        Engine::assemble(kb, norm, intent, None)
    }

    fn assemble(
        kb: KnowledgeBase,
        norm: Normaliser,
        intent: IntentModel,
        model_note: Option<String>,
    ) -> Engine {
        let index = Index::build(&kb, &norm);
        let mut supporting: HashMap<String, Vec<(usize, usize, Vec<String>)>> = HashMap::default();
        for (ai, a) in kb.articles.iter().enumerate() {
            for (xi, x) in a.excerpts.iter().enumerate() {
                let mut terms = norm.tokens(&x.text);
                terms.sort_unstable();
                terms.dedup();
                for topic in &x.topics {
                    supporting
                        .entry(topic.clone())
                        .or_default()
                        .push((ai, xi, terms.clone()));
                }
            }
        }
        let cues = Cues::new(&kb.conversation, &norm);
        let anchors = kb
            .lexicon
            .anchors
            .iter()
            .flat_map(|w| norm.tokens(w))
            .collect();
        let calibrated = kb.confidence.as_ref().map(|c| c.calibrated());
        let anchored_share = index.share_using(&anchors);
        let decline_entries = (0..index.entries().len())
            .filter(|&e| index.entries()[e].kind == EntryKind::Decline)
            .collect();
        Engine {
            kb,
            norm,
            index,
            supporting,
            cues,
            decline_entries,
            calibrated,
            intent,
            model_note,
            anchors,
            anchored_share,
        }
    }

    /// The engine over the knowledge compiled into the binary.
    pub fn builtin() -> Result<Engine, LoadError> {
        Ok(Engine::with_static_model(
            KnowledgeBase::builtin()?,
            crate::knowledge::builtin_model(),
        ))
    }

    /// The engine over the knowledge folder `dir` (its `intent-model.bin`, if any).
    pub fn from_dir(dir: &Path) -> Result<Engine, LoadError> {
        let kb = KnowledgeBase::load(&Files::from_dir(dir)?)?;
        let model = std::fs::read(dir.join(intent::MODEL_FILE)).ok();
        Ok(Engine::with_model(kb, model.as_deref()))
    }

    /// Why the classifier was trained in memory (missing or stale model file), if it was.
    pub fn model_note(&self) -> Option<&str> {
        self.model_note.as_deref()
    }

    /// The intent classifier in use.
    pub fn intent_model(&self) -> &IntentModel {
        &self.intent
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

    /// How the question was understood.
    fn understand(&self, question: &str, complete_last: bool) -> Vec<QueryTerm> {
        self.terms(&self.prepare(question), complete_last)
    }

    /// The question cut to the length limit, its normalised words weighted by sentence.
    fn prepare(&self, question: &str) -> query::Prepared {
        query::prepare(&self.norm, self.cut(question), &self.kb.settings)
    }

    /// The matcher's terms for a prepared question.
    fn terms(&self, prepared: &query::Prepared, complete_last: bool) -> Vec<QueryTerm> {
        self.index
            .understand(&self.norm, &prepared.words, complete_last, &prepared.names)
    }

    /// The evidence for every candidate of a question, best confidence first. With `exclude`
    /// (a phrasing left out, for `kb check`), the lexical index alone decides, since the
    /// classifier has learned from that phrasing.
    fn score(&self, terms: &[QueryTerm], exclude: Option<usize>) -> Vec<Scored> {
        self.score_in(terms, exclude, false)
    }

    /// [`Engine::score`]; with `anchored`, the question counts as tied to elections and
    /// politics whatever its own words (a follow-up in a conversation about a topic).
    fn score_in(&self, terms: &[QueryTerm], exclude: Option<usize>, anchored: bool) -> Vec<Scored> {
        let model = self.calibrated.as_ref();
        if exclude.is_some() || model.is_none() {
            return self
                .index
                .rank(terms, exclude)
                .iter()
                .map(|h| Scored {
                    entry: h.entry,
                    confidence: h.score,
                    lexical: h.score,
                    classifier: 0.0,
                    doc: Some(h.doc),
                })
                .collect();
        }
        let mut scored: Vec<Scored> = self
            .gather(terms, None, &self.intent, anchored)
            .into_iter()
            .map(|(entry, evidence, doc)| Scored {
                entry,
                confidence: model.map_or(evidence.lexical, |m| m.confidence(&evidence)),
                lexical: evidence.lexical,
                classifier: evidence.classifier,
                doc,
            })
            .collect();
        scored.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        scored
    }

    /// The candidates of both matchers (the best few of each) with their evidence.
    fn gather(
        &self,
        terms: &[QueryTerm],
        exclude: Option<usize>,
        intent: &IntentModel,
        anchored: bool,
    ) -> Vec<(EntryRef, Evidence, Option<usize>)> {
        let hits = self.index.rank(terms, exclude);
        let words: Vec<Word<'_>> = terms
            .iter()
            .map(|t| Word {
                surface: t.corrected.as_deref().unwrap_or(&t.word),
                stem: &t.term,
                weight: t.weight,
            })
            .collect();
        let entries = self.index.entries();
        let among: Option<Vec<usize>> = (entries.len() > FULL_SOFTMAX_ENTRIES).then(|| {
            let mut among: Vec<usize> = hits
                .iter()
                .take(RESTRICTED_CANDIDATES)
                .map(|h| self.index.entry_number(h.doc))
                .collect();
            among.extend(self.decline_entries.iter().copied());
            among
        });
        let probs = intent.probabilities_of(&words, among.as_deref());
        let mut picked: Vec<usize> = hits
            .iter()
            .take(CANDIDATES_PER_MATCHER)
            .map(|h| self.index.entry_number(h.doc))
            .collect();
        // The classifier's best entries, best first (ties by entry number): one more than are
        // picked, so that each picked entry knows its best rival.
        let by_prob = top_entries(
            &probs[..probs.len().min(entries.len())],
            CANDIDATES_PER_MATCHER + 1,
        );
        for &e in by_prob.iter().take(CANDIDATES_PER_MATCHER) {
            if !picked.contains(&e) {
                picked.push(e);
            }
        }
        let lexical_of = |e: usize| {
            hits.iter()
                .find(|h| self.index.entry_number(h.doc) == e)
                .map(|h| (h.score, h.doc))
        };
        let best_lexical = |except: usize| {
            hits.iter()
                .find(|h| self.index.entry_number(h.doc) != except)
                .map_or(0.0, |h| h.score)
        };
        let best_prob = |except: usize| {
            by_prob
                .iter()
                .find(|&&e| e != except)
                .map_or(0.0, |&e| probs[e])
        };
        let (known_share, known_terms, unknown_terms) = self.index.coverage(terms);
        let anchors: f32 = terms
            .iter()
            .filter(|t| self.anchors.contains(&t.term))
            .map(|t| t.weight)
            .sum::<f32>()
            + if anchored { 1.0 } else { 0.0 };
        let decline_mass: f32 = entries
            .iter()
            .zip(&probs)
            .filter(|(e, _)| e.kind == EntryKind::Decline)
            .map(|(_, p)| p)
            .sum();
        picked
            .into_iter()
            .filter(|&e| e < entries.len())
            .map(|e| {
                let (lexical, doc) = lexical_of(e).map_or((0.0, None), |(s, d)| (s, Some(d)));
                let evidence = Evidence {
                    kind: entries[e].kind,
                    lexical,
                    classifier: probs.get(e).copied().unwrap_or(0.0),
                    lexical_other: best_lexical(e),
                    classifier_other: best_prob(e),
                    known_share,
                    known_terms,
                    decline_mass,
                    unknown_terms,
                    anchors,
                    entry_anchored: self.anchored_share.get(e).copied().unwrap_or(0.0),
                };
                (entries[e], evidence, doc)
            })
            .collect()
    }

    /// The evidence for the candidates of a question, by entry id (for `kb calibrate`).
    /// `left_out` asks it as if that phrasing of that entry were not in the knowledge: the
    /// lexical index leaves it out, and `intent` should be a classifier that never saw it.
    pub fn evidence(
        &self,
        question: &str,
        left_out: Option<(&str, &str)>,
        intent: Option<&IntentModel>,
    ) -> Vec<(String, Evidence)> {
        let exclude = left_out.and_then(|(id, phrasing)| {
            let entry = self
                .index
                .entries()
                .iter()
                .position(|e| self.entry_id(*e) == id)?;
            self.index.doc_of(entry, phrasing)
        });
        let terms = self.understand(question, false);
        if terms.is_empty() {
            return Vec::new();
        }
        self.gather(&terms, exclude, intent.unwrap_or(&self.intent), false)
            .into_iter()
            .map(|(e, ev, _)| (self.entry_id(e).to_string(), ev))
            .collect()
    }

    /// The answer threshold and the one for out-of-scope entries.
    fn thresholds(&self) -> (f32, f32) {
        match &self.kb.confidence {
            Some(m) => (m.threshold, m.threshold),
            None => (
                self.kb.settings.threshold,
                self.kb.settings.decline_threshold,
            ),
        }
    }

    /// The confidence an answer needs (the calibrated threshold, or the matcher's own without
    /// a confidence model).
    pub fn answer_threshold(&self) -> f32 {
        self.thresholds().0
    }

    /// Answers a question, or declines with the nearest topics.
    pub fn ask(&self, question: &str) -> Reply {
        self.answer(question, None, None)
    }

    /// [`Engine::ask`] once the caller knows whether the message is a fragment that needs
    /// context (read from its shape): such a message is declined with the nearest topics.
    pub(crate) fn ask_alone(&self, question: &str, needs_context: bool) -> Reply {
        self.answer(question, None, Some(needs_context))
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
        Some(self.answer(phrasing, Some(doc), Some(false)))
    }

    /// Answers `question` alone. `exclude` leaves a phrasing out (`kb check`); `needs_context`
    /// says whether the message is a fragment, when the caller has read its shape already
    /// (otherwise it is read here, from the words the matcher reads).
    fn answer(&self, question: &str, exclude: Option<usize>, needs_context: Option<bool>) -> Reply {
        let prepared = self.prepare(question);
        let needs_context = needs_context.unwrap_or_else(|| {
            let words: Vec<&str> = prepared.words.iter().map(|(w, _)| w.as_str()).collect();
            self.cues.needs_context(&words)
        });
        let terms = self.terms(&prepared, false);
        if terms.is_empty() {
            return self.decline(question, DeclineReason::Empty, Vec::new());
        }
        let scored = self.score(&terms, exclude);
        if needs_context {
            return self.decline(question, DeclineReason::LowConfidence, scored);
        }
        let (threshold, decline_threshold) = match exclude {
            // Left out: the lexical index decides alone, with its own thresholds.
            Some(_) => (
                self.kb.settings.threshold,
                self.kb.settings.decline_threshold,
            ),
            None => self.thresholds(),
        };
        match scored.first() {
            Some(top)
                if top.entry.kind == EntryKind::Decline && top.confidence >= decline_threshold =>
            {
                let id = self.kb.declines[top.entry.index].id.clone();
                self.decline(question, DeclineReason::OutOfScope(id), scored)
            }
            Some(top) if top.entry.kind != EntryKind::Decline && top.confidence >= threshold => {
                let mut reply = self.entry_reply(question, top.entry, top.confidence, &terms);
                reply.suggestions = self.suggestions(&scored, Some(top.entry));
                reply
            }
            _ => self.decline(question, DeclineReason::LowConfidence, scored),
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
        self.candidates_in(question, limit, partial, false)
    }

    /// [`Engine::candidates`]; with `anchored`, as a message of a conversation about a topic:
    /// its own words need not name anything political ("kalau pakai mobil dinas?").
    pub fn candidates_in(
        &self,
        question: &str,
        limit: usize,
        partial: bool,
        anchored: bool,
    ) -> Vec<Candidate> {
        let terms = self.understand(question, partial);
        let scored = self.score_in(&terms, None, anchored);
        scored
            .iter()
            .filter(|h| h.entry.kind != EntryKind::Decline && self.suggestible(h))
            .take(limit)
            .map(|h| self.candidate(h))
            .collect()
    }

    /// How the question was understood and the top five candidates (`:explain`).
    pub fn explain(&self, question: &str) -> Explanation {
        let terms = self.understand(question, false);
        let scored = self.score(&terms, None);
        Explanation {
            candidates: scored.iter().take(5).map(|h| self.candidate(h)).collect(),
            terms,
        }
    }

    /// Whether a candidate is close enough to offer as "did you mean".
    fn suggestible(&self, h: &Scored) -> bool {
        h.lexical.max(h.classifier) >= self.kb.settings.suggestion_floor
    }

    fn candidate(&self, h: &Scored) -> Candidate {
        Candidate {
            id: self.entry_id(h.entry).to_string(),
            kind: h.entry.kind,
            title: self.entry_title(h.entry).to_string(),
            score: h.confidence,
            lexical: h.lexical,
            classifier: h.classifier,
            phrasing: h
                .doc
                .map(|d| self.index.phrasing(d).to_string())
                .unwrap_or_default(),
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

    fn suggestions(&self, scored: &[Scored], except: Option<EntryRef>) -> Vec<Link> {
        scored
            .iter()
            .filter(|h| matches!(h.entry.kind, EntryKind::Topic | EntryKind::Article))
            .filter(|h| Some(h.entry) != except && self.suggestible(h))
            .take(self.kb.settings.max_suggestions)
            .map(|h| Link {
                id: self.entry_id(h.entry).to_string(),
                title: self.entry_title(h.entry).to_string(),
                score: h.confidence,
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

    fn decline(&self, question: &str, reason: DeclineReason, scored: Vec<Scored>) -> Reply {
        let m = &self.kb.messages;
        let suggestions = if reason == DeclineReason::Empty {
            Vec::new()
        } else {
            self.suggestions(&scored, None)
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
        Reply::declined(
            question.to_string(),
            reason,
            text,
            suggestions,
            scored.first().map_or(0.0, |h| h.confidence),
        )
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
            title: self.entry_title(entry).to_string(),
            confidence: score,
            ..Reply::default()
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
                    .map(|x| self.quote(a, x))
                    .collect();
            }
            EntryKind::Smalltalk => reply.text = self.kb.smalltalk[entry.index].reply.clone(),
            EntryKind::Decline => {}
        }
        reply
    }

    fn quote(&self, a: &crate::knowledge::Article, x: &crate::knowledge::Excerpt) -> Quote {
        Quote {
            article_id: a.id.clone(),
            text: x.text.clone(),
            note: x.note.clone(),
            outlet: a.outlet.clone(),
            date: a.date.clone(),
            url: a.url.clone(),
        }
    }

    /// The excerpt supporting `topic` that shares most words with the question.
    fn quote_for(&self, topic: &str, terms: &[QueryTerm]) -> Option<Quote> {
        let mut best: Option<(usize, usize, usize)> = None;
        for (ai, xi, tokens) in self.supporting.get(topic)? {
            let overlap = terms
                .iter()
                .filter(|q| tokens.binary_search(&q.term).is_ok())
                .count();
            if best.is_none_or(|(o, _, _)| overlap > o) {
                best = Some((overlap, *ai, *xi));
            }
        }
        best.map(|(_, ai, xi)| {
            let a = &self.kb.articles[ai];
            self.quote(a, &a.excerpts[xi])
        })
    }
}

/// The `k` entries of highest probability, best first; ties go to the lower entry number.
fn top_entries(probs: &[f32], k: usize) -> Vec<usize> {
    let mut top: Vec<usize> = Vec::with_capacity(k + 1);
    for (e, &p) in probs.iter().enumerate() {
        if top.len() == k && top.last().is_some_and(|&last| probs[last] >= p) {
            continue;
        }
        let at = top.partition_point(|&t| probs[t] >= p);
        top.insert(at, e);
        top.truncate(k);
    }
    top
}

#[cfg(test)]
mod tests {
    use super::top_entries;

    #[test]
    fn top_entries_are_the_best_first_with_ties_to_the_lower_number() {
        let probs = [0.1, 0.3, 0.05, 0.3, 0.25];
        assert_eq!(top_entries(&probs, 3), vec![1, 3, 4]);
        assert_eq!(top_entries(&probs, 10), vec![1, 3, 4, 0, 2]);
        assert_eq!(top_entries(&[], 3), Vec::<usize>::new());
    }
}

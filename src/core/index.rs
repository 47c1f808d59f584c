//! The retrieval index: every phrasing of every entry, scored against a question.
//!
//! Each phrasing (a topic's questions and title, its short answer as a weak extra phrasing,
//! an article's questions, title and excerpts, small talk and out-of-scope phrasings) is a
//! document of normalised, stemmed terms. A question is scored against a document by how much
//! of the question's IDF mass (Σ idf²) the document covers and how much of the document's mass
//! the question covers, combined as a weighted geometric mean (`query_share`; 0.5 is the
//! cosine), times the document's weight; an entry scores as its best phrasing. The score lies
//! in 0..=1, so it doubles as the answer's confidence: words the knowledge never uses count
//! against it, which is what makes off-topic questions fall below the threshold.
//!
//! Common terms (in more than [`COMMON_SHARE`] of the documents, and more than
//! [`COMMON_MIN_DF`]) do not bring in new candidates; they only add to documents that a rarer
//! term already found (unless the question has nothing rarer). That keeps the cost per
//! question growing far slower than the knowledge (figures in BENCHMARKS.md).

use super::normalise::Normaliser;
use super::typo::TypoIndex;
use crate::knowledge::{KnowledgeBase, MatcherSettings};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::RefCell;

/// A term is "common" when more than this share of the documents contain it.
pub const COMMON_SHARE: f32 = 0.01;
/// ... but never when fewer than this many documents contain it.
pub const COMMON_MIN_DF: usize = 64;

/// What kind of entry a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Topic,
    Article,
    Smalltalk,
    /// An out-of-scope entry: matching it means declining.
    Decline,
}

/// One answerable (or declinable) entry: its kind and position in the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef {
    pub kind: EntryKind,
    pub index: usize,
}

struct Doc {
    entry: u32,
    /// Sorted, unique term ids.
    terms: Vec<u32>,
    /// ln of Σ idf² over the document's terms (scores are compared as logarithms).
    ln_mass: f32,
    /// ln of the document's weight (scores are compared as logarithms).
    ln_weight: f32,
    /// Bit `common_bit[t]` is set for each of the most common terms `t` the document has.
    common_mask: u64,
}

/// `common_bit` of a term that has no bit in the documents' `common_mask`.
const NO_BIT: u8 = u8::MAX;

/// A scored entry.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub entry: EntryRef,
    pub score: f32,
    /// The document (phrasing) that gave the entry its score.
    pub doc: usize,
}

/// How a query word was understood.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    /// The word after normalisation (before stemming).
    pub word: String,
    /// The term compared: the stem, possibly of a corrected word.
    pub term: String,
    /// The corrected word when a typo was fixed.
    pub corrected: Option<String>,
    /// Whether the knowledge knows the term at all.
    pub known: bool,
    /// Whether the word was completed as a prefix being typed (autocompletion).
    pub complete: bool,
    /// How much the word counts: 1 in the question itself, less in the context around it.
    pub weight: f32,
}

/// The index over a knowledge base.
pub struct Index {
    entries: Vec<EntryRef>,
    docs: Vec<Doc>,
    texts: Vec<String>,
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    postings: Vec<Vec<u32>>,
    common: Vec<bool>,
    /// Each term's bit in [`Doc::common_mask`], or [`NO_BIT`].
    common_bit: Vec<u8>,
    unknown_idf: f32,
    typo: TypoIndex,
    /// The stem of every word the knowledge uses, kept from indexing: most words of a question
    /// are known, and a lookup costs a tenth of running the stemmer.
    stem_of: HashMap<String, String>,
    typo_weight: f32,
    bigram_weight: f32,
    query_share: f32,
    /// Surface words known to the knowledge with how often the phrasings use them, sorted by
    /// word, for prefix completion.
    words: Vec<(String, u32)>,
}

/// Document accumulators, the documents touched, the best hit per entry.
type Scratch = (Vec<f32>, Vec<u32>, Vec<Option<Hit>>);

thread_local! {
    /// Per-thread scratch space of [`Index::rank`]: document accumulators, the documents
    /// touched, and the best hit per entry.
    static SCRATCH: RefCell<Scratch> = const { RefCell::new((Vec::new(), Vec::new(), Vec::new())) };
}

impl Index {
    /// Builds the index. Entries are numbered topics, articles, small talk, declines.
    pub fn build(kb: &KnowledgeBase, norm: &Normaliser) -> Index {
        let s: &MatcherSettings = &kb.settings;
        let mut entries = Vec::new();
        let mut raw_docs: Vec<(u32, String, f32)> = Vec::new();
        let mut add = |entries: &mut Vec<EntryRef>, kind, index, phrasings: Vec<(&str, f32)>| {
            let e = entries.len() as u32;
            entries.push(EntryRef { kind, index });
            for (text, weight) in phrasings {
                raw_docs.push((e, text.to_string(), weight));
            }
        };
        for (i, t) in kb.topics.iter().enumerate() {
            let mut p: Vec<(&str, f32)> = vec![
                (t.title.as_str(), s.title_weight),
                (t.short.as_str(), s.short_weight),
            ];
            p.extend(t.questions.iter().map(|q| (q.as_str(), 1.0)));
            add(&mut entries, EntryKind::Topic, i, p);
        }
        for (i, a) in kb.articles.iter().enumerate() {
            let w = s.article_weight;
            let mut p: Vec<(&str, f32)> = vec![(a.title.as_str(), s.title_weight * w)];
            p.extend(a.questions.iter().map(|q| (q.as_str(), w)));
            p.extend(
                a.excerpts
                    .iter()
                    .map(|x| (x.text.as_str(), s.excerpt_weight * w)),
            );
            add(&mut entries, EntryKind::Article, i, p);
        }
        for (i, st) in kb.smalltalk.iter().enumerate() {
            let mut p: Vec<(&str, f32)> = vec![(st.title.as_str(), s.title_weight)];
            p.extend(st.questions.iter().map(|q| (q.as_str(), 1.0)));
            add(&mut entries, EntryKind::Smalltalk, i, p);
        }
        for (i, d) in kb.declines.iter().enumerate() {
            add(
                &mut entries,
                EntryKind::Decline,
                i,
                d.questions.iter().map(|q| (q.as_str(), 1.0)).collect(),
            );
        }

        let mut terms: HashMap<String, u32> = HashMap::default();
        let mut surface_freq: HashMap<String, u32> = HashMap::default();
        let mut docs = Vec::with_capacity(raw_docs.len());
        let mut texts = Vec::with_capacity(raw_docs.len());
        // Each distinct word is stemmed once (the phrasings share most of their words).
        let mut stem_of: HashMap<String, String> = HashMap::default();
        // A stem pair's term is "first second" (built in one reused buffer).
        let mut pair_key = String::new();
        for (entry, text, weight) in raw_docs {
            let mut ids = Vec::new();
            let mut stems = Vec::new();
            for word in norm.surface(&text) {
                let term = match stem_of.get(&word) {
                    Some(stem) => stem.clone(),
                    None => {
                        let stem = norm.stem(&word);
                        stem_of.insert(word.clone(), stem.clone());
                        stem
                    }
                };
                *surface_freq.entry(word).or_default() += 1;
                ids.push(term_id(&mut terms, &term));
                stems.push(term);
            }
            for pair in stems.windows(2).filter(|p| p[0] != p[1]) {
                pair_key.clear();
                pair_key.push_str(&pair[0]);
                pair_key.push(' ');
                pair_key.push_str(&pair[1]);
                ids.push(term_id(&mut terms, &pair_key));
            }
            ids.sort_unstable();
            ids.dedup();
            docs.push(Doc {
                entry,
                terms: ids,
                ln_mass: 0.0,
                ln_weight: weight.ln(),
                common_mask: 0,
            });
            texts.push(text);
        }
        let mut postings = vec![Vec::new(); terms.len()];
        for (d, doc) in docs.iter().enumerate() {
            for &t in &doc.terms {
                postings[t as usize].push(d as u32);
            }
        }
        // The mean of two IDFs: over phrasings (how common a word is in questions) and over
        // entries (a word all phrasings of one topic use is distinctive, not common).
        let n = docs.len().max(1) as f32;
        let e = entries.len().max(1) as f32;
        let idf: Vec<f32> = postings
            .iter()
            .map(|p| {
                let mut owners: Vec<u32> = p.iter().map(|&d| docs[d as usize].entry).collect();
                owners.dedup();
                let by_phrasing = (1.0 + n / p.len().max(1) as f32).ln();
                let by_entry = (1.0 + e / owners.len().max(1) as f32).ln();
                0.5 * (by_phrasing + by_entry)
            })
            .collect();
        let mut term_weight = vec![1.0f32; terms.len()];
        for (term, &id) in &terms {
            if term.contains(' ') {
                term_weight[id as usize] = s.bigram_weight;
            }
        }
        for doc in &mut docs {
            doc.ln_mass = doc
                .terms
                .iter()
                .map(|&t| term_weight[t as usize] * idf[t as usize].powi(2))
                .sum::<f32>()
                .max(f32::EPSILON)
                .ln();
        }
        let common_df = ((docs.len() as f32 * COMMON_SHARE) as usize).max(COMMON_MIN_DF);
        let common: Vec<bool> = postings.iter().map(|p| p.len() > common_df).collect();
        // The 64 most common terms get a bit in each document's mask, so that ranking checks
        // them without searching the document's terms.
        let mut by_df: Vec<u32> = (0..terms.len() as u32)
            .filter(|&t| common[t as usize])
            .collect();
        by_df.sort_by_key(|&t| (std::cmp::Reverse(postings[t as usize].len()), t));
        let mut common_bit = vec![NO_BIT; terms.len()];
        for (bit, &t) in by_df.iter().take(64).enumerate() {
            common_bit[t as usize] = bit as u8;
            for &d in &postings[t as usize] {
                docs[d as usize].common_mask |= 1 << bit;
            }
        }
        let max_idf = 0.5 * ((1.0 + n).ln() + (1.0 + e).ln());
        let mut words: Vec<(String, u32)> =
            surface_freq.iter().map(|(w, &f)| (w.clone(), f)).collect();
        words.sort();
        Index {
            entries,
            docs,
            texts,
            terms,
            idf,
            postings,
            common,
            common_bit,
            unknown_idf: max_idf * s.unknown_idf_share,
            typo: TypoIndex::new(surface_freq),
            stem_of,
            typo_weight: s.typo_weight,
            query_share: s.query_share,
            bigram_weight: s.bigram_weight,
            words,
        }
    }

    /// All entries, in index order.
    pub fn entries(&self) -> &[EntryRef] {
        &self.entries
    }

    /// Number of phrasings (documents) indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// The number (position in [`Index::entries`]) of the entry a document belongs to.
    pub fn entry_number(&self, doc: usize) -> usize {
        self.docs[doc].entry as usize
    }

    /// The text of a document (the phrasing that matched).
    pub fn phrasing(&self, doc: usize) -> &str {
        &self.texts[doc]
    }

    /// How each query word is understood: known, corrected, or unknown. `words` come with
    /// their weight; `names` are words written as names (capitalised inside a sentence): when
    /// the knowledge does not know one, it is left out rather than counted against the match.
    pub fn understand(
        &self,
        norm: &Normaliser,
        words: &[(String, f32)],
        complete_last: bool,
        names: &HashSet<String>,
    ) -> Vec<QueryTerm> {
        let last = words.len().saturating_sub(1);
        let mut terms: Vec<QueryTerm> = Vec::with_capacity(words.len());
        terms.extend(words.iter().enumerate().filter_map(|(i, (word, weight))| {
            let t = self.understand_word(norm, word, complete_last && i == last, *weight);
            let unknown_name = names.contains(word) && (!t.known || t.corrected.is_some());
            (!unknown_name).then_some(t)
        }));
        self.check_corrections(norm, &mut terms);
        terms
    }

    /// A typo correction stands only where the corrected word fits the question's context:
    /// some phrasing uses it together with another (uncommon) word of the question. Alone, it
    /// stands only when nothing else in the question is unknown ("kampnye?"), so "how to bake
    /// bread" does not become "… break …".
    fn check_corrections(&self, norm: &Normaliser, terms: &mut [QueryTerm]) {
        let support: Vec<u32> = terms
            .iter()
            .filter(|t| t.known && t.corrected.is_none())
            .filter_map(|t| self.terms.get(&t.term).copied())
            .filter(|&id| !self.common[id as usize])
            .collect();
        let unknown = terms.iter().filter(|t| !t.known).count();
        for i in 0..terms.len() {
            if terms[i].corrected.is_none() || terms[i].complete {
                continue;
            }
            let Some(&id) = self.terms.get(&terms[i].term) else {
                continue;
            };
            let fits = if support.is_empty() {
                unknown == 0 && terms.iter().filter(|t| t.corrected.is_some()).count() == 1
            } else {
                support.iter().any(|&s| {
                    sorted_intersect(&self.postings[id as usize], &self.postings[s as usize])
                })
            };
            if !fits {
                let word = terms[i].word.clone();
                terms[i] = QueryTerm {
                    term: self.stem(norm, &word),
                    word,
                    corrected: None,
                    known: false,
                    complete: false,
                    weight: terms[i].weight,
                };
            }
        }
    }

    /// `norm.stem(word)`, from the words seen while indexing when it is one of them.
    fn stem(&self, norm: &Normaliser, word: &str) -> String {
        match self.stem_of.get(word) {
            Some(stem) => stem.clone(),
            None => norm.stem(word),
        }
    }

    fn understand_word(
        &self,
        norm: &Normaliser,
        word: &str,
        complete: bool,
        weight: f32,
    ) -> QueryTerm {
        let found = |term: String, corrected: Option<String>, complete: bool| QueryTerm {
            word: word.to_string(),
            term,
            corrected,
            known: true,
            complete,
            weight,
        };
        let term = self.stem(norm, word);
        if self.terms.contains_key(&term) {
            return found(term, None, false);
        }
        // Colloquial affixes: "ditempelin" → "ditempel", "ngurus" → "urus".
        for root in colloquial_roots(word) {
            let t = self.stem(norm, &root);
            if self.terms.contains_key(&t) {
                return found(t, None, false);
            }
        }
        if complete && let Some(full) = self.complete(word) {
            return found(self.stem(norm, full), Some(full.to_string()), true);
        }
        // A word the stemmer could take apart is a real word, not a typo of a known one.
        if term == word
            && let Some(fixed) = self.typo.correct(word)
        {
            return found(self.stem(norm, fixed), Some(fixed.to_string()), false);
        }
        QueryTerm {
            word: word.to_string(),
            term,
            corrected: None,
            known: false,
            complete: false,
            weight,
        }
    }

    /// How much of the question the knowledge knows: the share of its IDF mass made of known
    /// words, and the weighted numbers of known and of unknown words.
    pub fn coverage(&self, query: &[QueryTerm]) -> (f32, f32, f32) {
        let (mut known, mut total, mut count) = (0.0f32, 0.0f32, 0.0f32);
        let unknown: f32 = query.iter().filter(|t| !t.known).map(|t| t.weight).sum();
        for t in query {
            let m = match self.terms.get(&t.term) {
                Some(&id) if t.known => {
                    count += t.weight;
                    self.idf[id as usize].powi(2) * t.weight
                }
                _ => self.unknown_idf.powi(2) * t.weight,
            };
            if t.known {
                known += m;
            }
            total += m;
        }
        if total > 0.0 {
            (known / total, count, unknown)
        } else {
            (0.0, 0.0, unknown)
        }
    }

    /// The word the knowledge uses most that starts with `prefix` (then the shortest, then
    /// the first alphabetically), for autocompletion: "li" is "like" in this domain, not the
    /// rarer "liat" that happens to sort first.
    fn complete(&self, prefix: &str) -> Option<&str> {
        if prefix.len() < 2 {
            return None;
        }
        let start = self.words.partition_point(|(w, _)| w.as_str() < prefix);
        self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(prefix))
            .min_by_key(|(w, freq)| (std::cmp::Reverse(*freq), w.len()))
            .map(|(w, _)| w.as_str())
    }

    /// For each entry, the share of its phrasings that use at least one of `stems`.
    pub fn share_using(&self, stems: &HashSet<String>) -> Vec<f32> {
        let ids: HashSet<u32> = stems
            .iter()
            .filter_map(|s| self.terms.get(s).copied())
            .collect();
        let mut with = vec![0u32; self.entries.len()];
        let mut all = vec![0u32; self.entries.len()];
        for d in &self.docs {
            all[d.entry as usize] += 1;
            if d.terms.iter().any(|t| ids.contains(t)) {
                with[d.entry as usize] += 1;
            }
        }
        with.iter()
            .zip(&all)
            .map(|(&w, &a)| if a > 0 { w as f32 / a as f32 } else { 0.0 })
            .collect()
    }

    /// The phrasing (document) of entry number `entry` whose text is `text`.
    pub fn doc_of(&self, entry: usize, text: &str) -> Option<usize> {
        (0..self.docs.len())
            .find(|&d| self.docs[d].entry as usize == entry && self.texts[d] == text)
    }

    /// Scores every entry that shares a term with the query; best first, one hit per entry.
    /// With `exclude`, as if that phrasing were not in the knowledge (a leave-one-out check of
    /// how well the other phrasings cover it).
    pub fn rank(&self, query: &[QueryTerm], exclude: Option<usize>) -> Vec<Hit> {
        self.rank_by(query, exclude, true)
    }

    /// [`Index::rank`]; `walk_postings` lets a common term without a mask bit walk its
    /// postings when that is cheaper (always true outside the test that checks both ways
    /// agree).
    fn rank_by(
        &self,
        query: &[QueryTerm],
        exclude: Option<usize>,
        walk_postings: bool,
    ) -> Vec<Hit> {
        // (term id or None for unknown, query weight)
        let mut q: Vec<(Option<u32>, f32)> = Vec::with_capacity(2 * query.len());
        let typo = |t: &QueryTerm| {
            t.weight
                * if t.corrected.is_some() && !t.complete {
                    self.typo_weight
                } else {
                    1.0
                }
        };
        for qt in query {
            let id = self.terms.get(&qt.term).copied();
            let w = typo(qt);
            match q.iter_mut().find(|(t, _)| t.is_some() && *t == id) {
                Some(existing) => existing.1 = existing.1.max(w),
                None => q.push((id, w)),
            }
        }
        // Adjacent pairs ("hukuman disiplin") that the knowledge also has count extra.
        let mut pair_key = String::new();
        for pair in query.windows(2).filter(|p| p[0].term != p[1].term) {
            pair_key.clear();
            pair_key.push_str(&pair[0].term);
            pair_key.push(' ');
            pair_key.push_str(&pair[1].term);
            if let Some(&id) = self.terms.get(pair_key.as_str()) {
                let w = self.bigram_weight * typo(&pair[0]).min(typo(&pair[1]));
                if !q.iter().any(|(t, _)| *t == Some(id)) {
                    q.push((Some(id), w));
                }
            }
        }
        let qmass = q
            .iter()
            .map(|(t, w)| match t {
                Some(t) => w * self.idf[*t as usize].powi(2),
                None => w * self.unknown_idf.powi(2),
            })
            .sum::<f32>();
        // A zero weight (bigram_weight = 0) adds nothing and must not mark documents as found.
        let mut known: Vec<(u32, f32)> = Vec::with_capacity(q.len());
        known.extend(
            q.iter()
                .filter_map(|(t, w)| t.filter(|_| *w > 0.0).map(|t| (t, *w))),
        );
        if known.is_empty() || qmass <= 0.0 {
            return Vec::new();
        }
        let all_common = known.iter().all(|(t, _)| self.common[*t as usize]);
        let ln_qmass = qmass.ln();

        SCRATCH.with(|cell| {
            let mut guard = cell.borrow_mut();
            let (acc, touched, best) = &mut *guard;
            if acc.len() < self.docs.len() {
                acc.resize(self.docs.len(), 0.0);
            }
            touched.clear();
            for &(t, w) in &known {
                if self.common[t as usize] && !all_common {
                    continue;
                }
                let contrib = w * self.idf[t as usize].powi(2);
                for &d in &self.postings[t as usize] {
                    if acc[d as usize] == 0.0 {
                        touched.push(d);
                    }
                    acc[d as usize] += contrib;
                }
            }
            if !all_common {
                // Common terms only add to documents a rarer term found.
                for &(t, w) in known.iter().filter(|(t, _)| self.common[*t as usize]) {
                    let contrib = w * self.idf[t as usize].powi(2);
                    match self.common_bit[t as usize] {
                        // A document a rarer term found has a positive sum (every contribution
                        // is positive); the others are at zero. Walking the term's postings is
                        // cheaper than searching every found document's terms when a long
                        // question has found many documents.
                        NO_BIT
                            if walk_postings
                                && self.postings[t as usize].len() < 4 * touched.len() =>
                        {
                            for &d in &self.postings[t as usize] {
                                if acc[d as usize] > 0.0 {
                                    acc[d as usize] += contrib;
                                }
                            }
                        }
                        NO_BIT => {
                            for &d in touched.iter() {
                                if self.docs[d as usize].terms.binary_search(&t).is_ok() {
                                    acc[d as usize] += contrib;
                                }
                            }
                        }
                        bit => {
                            let mask = 1u64 << bit;
                            for &d in touched.iter() {
                                if self.docs[d as usize].common_mask & mask != 0 {
                                    acc[d as usize] += contrib;
                                }
                            }
                        }
                    }
                }
            }
            // The best document of each entry, indexed by entry number.
            best.clear();
            best.resize(self.entries.len(), None);
            for &d in touched.iter() {
                if exclude == Some(d as usize) {
                    acc[d as usize] = 0.0;
                    continue;
                }
                let doc = &self.docs[d as usize];
                let dot = acc[d as usize];
                // score = (dot/qmass)^q · (dot/mass)^(1−q) · weight, compared as its logarithm
                // (one ln per document, the masses' logarithms precomputed; exp only for each
                // entry's best).
                let ln_dot = dot.ln();
                let log_score = self.query_share * (ln_dot - ln_qmass).min(0.0)
                    + (1.0 - self.query_share) * (ln_dot - doc.ln_mass).min(0.0)
                    + doc.ln_weight;
                acc[d as usize] = 0.0;
                let hit = Hit {
                    entry: self.entries[doc.entry as usize],
                    score: log_score,
                    doc: d as usize,
                };
                let slot = &mut best[doc.entry as usize];
                if slot.is_none_or(|h: Hit| log_score > h.score) {
                    *slot = Some(hit);
                }
            }
            let mut hits: Vec<Hit> = Vec::with_capacity(best.len());
            hits.extend(best.iter().flatten().map(|h| Hit {
                score: h.score.exp(),
                ..*h
            }));
            // Documents are distinct, so the order is total and an unstable sort is exact.
            hits.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
            hits
        })
    }
}

/// Whether two sorted posting lists share a document.
fn sorted_intersect(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// The term for two adjacent stems.
/// The id of `term`, given the next free id if it is new (allocating only then).
fn term_id(terms: &mut HashMap<String, u32>, term: &str) -> u32 {
    if let Some(&id) = terms.get(term) {
        return id;
    }
    let id = terms.len() as u32;
    terms.insert(term.to_string(), id);
    id
}

/// Roots of a chat-style word: without the "-in" suffix (for -kan/-i) and the "ng-/nge-" prefix.
fn colloquial_roots(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let unprefixed = if word.len() >= 6 && word.starts_with("nge") {
        Some(&word[3..])
    } else if word.len() >= 5 && word.starts_with("ng") {
        Some(&word[2..])
    } else {
        None
    };
    for w in unprefixed.into_iter().chain(std::iter::once(word)) {
        if w.len() >= 5 && w.ends_with("in") {
            out.push(w[..w.len() - 2].to_string());
        }
    }
    if let Some(u) = unprefixed {
        out.push(u.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_a_common_terms_postings_gives_the_same_ranking_as_searching() {
        // Long questions find most phrasings, which is when the postings are walked; short ones
        // search. Both must give the very same hits and scores.
        let kb = KnowledgeBase::builtin().expect("built-in knowledge");
        let norm = Normaliser::new(&kb.lexicon);
        let index = Index::build(&kb, &norm);
        let questions = [
            "Yth. Redaksi, saya guru PNS di sebuah SD negeri. Suami saya maju sebagai caleg DPRD \
             dari salah satu partai dan meminta saya ikut mendampingi saat kampanye di beberapa \
             desa. Apakah saya boleh hadir kalau hanya duduk dan tidak berpidato, dan apa \
             sanksinya kalau ternyata dilarang?",
            "pns boleh like postingan capres gak",
            "apa sanksi asn yang ikut kampanye dan pasang baliho calon di rumah",
            "resep nasi goreng",
        ];
        let mut walked_any = false;
        for q in questions {
            let words: Vec<(String, f32)> = norm.surface(q).into_iter().map(|w| (w, 1.0)).collect();
            let terms = index.understand(&norm, &words, false, &HashSet::default());
            let walked = index.rank_by(&terms, None, true);
            let searched = index.rank_by(&terms, None, false);
            assert_eq!(walked.len(), searched.len(), "{q}");
            for (a, b) in walked.iter().zip(&searched) {
                assert_eq!(
                    (a.doc, a.score.to_bits()),
                    (b.doc, b.score.to_bits()),
                    "{q}"
                );
            }
            walked_any |= terms.len() > 20 && !walked.is_empty();
        }
        assert!(walked_any, "the long letter must be ranked");
    }
}

//! Follow-ups: answering a message in the light of the conversation so far.
//!
//! A message is read for its *shape* before any ranking, with the cues of
//! `knowledge/conversation.toml`: does it open with a marker ("kalau", "terus", "what about"),
//! does it ask for an aspect of an answer ("sanksinya", "dasar hukumnya", "sumbernya"), and
//! which content words are left once markers, aspects and filler are set aside. Then:
//!
//! - an *aspect* follow-up (only an aspect, perhaps with words of the entry it follows) gets
//!   that part of the previous entry as a focused reply;
//! - a *variant* follow-up (a marker, or only a few content words) is ranked twice — its own
//!   words, and its words asked together with the previous entry's title — and moves to an
//!   entry its new words point to confidently when that entry is related to the previous one,
//!   else stays on the previous entry (`move_*` in `conversation.toml`); who alone ("kalau
//!   pppk?") goes to the entry about them, or asks the question asked before again about
//!   them (`who_within`);
//! - a question that stands on its own (no marker, enough words, or answered confidently
//!   alone) is answered on its own: the context never hijacks a clear question — except a
//!   few words the previous answer uses that alone point to an entry unrelated to it ("cltn
//!   itu apa?" after an answer speaking of CLTN), and a marker-led message that neither asks
//!   nor names who ("kalau cuma nonton di belakang?"): those follow the previous entry;
//! - a fragment with no context to follow ("kalau pppk gimana?", who alone: "pppk?") gets
//!   "maksudnya tentang apa?" and suggestions;
//! - when two entries share the likelihood (a decline whose two best suggestions together
//!   reach the answer threshold), the reply asks "Maksud Anda: A atau B?" instead.
//!
//! Ranking goes through the engine's public answers ([`Engine::ask`], [`Engine::candidates`],
//! [`Engine::answer_by_id`]), so the scores here are the matcher's confidence, whatever the
//! matcher is.

use super::context::Context;
use super::engine::{Candidate, Engine};
use super::index::EntryKind;
use super::normalise::Normaliser;
use super::reply::{DeclineReason, Link, Reply};
use crate::knowledge::{Aspect, ConversationCues};
use rustc_hash::FxHashMap;
use std::collections::HashSet;

/// How many candidates each ranking of a variant follow-up keeps.
const VARIANT_CANDIDATES: usize = 12;

/// The cues of `conversation.toml`, normalised once when the engine is built.
pub(crate) struct Cues {
    /// Marker phrases as surface words.
    markers: Phrases<()>,
    filler: HashSet<String>,
    asking: HashSet<String>,
    /// Phrases naming who a question is about, as surface words.
    actors: Phrases<()>,
    /// Aspect phrases as surface words, with the part each asks for.
    aspects: Phrases<Aspect>,
    /// Possessive endings tried off a word that is no aspect as written.
    possessives: Vec<String>,
    /// Phrases read as content even though an aspect phrase starts them ("masa kampanye").
    not_aspects: Phrases<()>,
    /// The part each one-word aspect asks for (the first in list order), for possessives.
    single_aspect: FxHashMap<String, Aspect>,
    settings: ConversationCues,
}

/// A list of phrases (surface words), longest first, each with what it stands for, and where
/// they start: a message is read word by word, and only the phrases starting with that word
/// can match there (scanning every list at every word cost more than answering a short
/// question).
struct Phrases<T> {
    list: Vec<(Vec<String>, T)>,
    /// First word → the positions in `list` of the phrases starting with it, in list order.
    by_first: FxHashMap<String, Vec<usize>>,
}

impl<T> Phrases<T> {
    /// The non-empty phrases, longest first (a stable sort keeps the file's order otherwise).
    fn new(mut list: Vec<(Vec<String>, T)>) -> Phrases<T> {
        list.retain(|(words, _)| !words.is_empty());
        list.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        let mut by_first: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (n, (words, _)) in list.iter().enumerate() {
            by_first.entry(words[0].clone()).or_default().push(n);
        }
        Phrases { list, by_first }
    }

    /// The first phrase in list order that `words` start with, and what it stands for.
    fn find<S: AsRef<str>>(&self, words: &[S]) -> Option<&(Vec<String>, T)> {
        self.by_first
            .get(words.first()?.as_ref())?
            .iter()
            .map(|&n| &self.list[n])
            .find(|(phrase, _)| {
                phrase.len() <= words.len()
                    && phrase.iter().zip(words).all(|(p, w)| p == w.as_ref())
            })
    }
}

/// How a message reads before any ranking.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Shape {
    /// Whether the message had any words at all.
    pub words: usize,
    /// It opens with a follow-up marker ("kalau …", "terus …").
    pub marker: bool,
    /// The first aspect it asks for.
    pub aspect: Option<Aspect>,
    /// It has a word that makes it a question of its own ("boleh", "wajib"), or an aspect.
    pub asking: bool,
    /// It names who it is about ("pppk", "kepala desa").
    pub actor: bool,
    /// How many of its content words belong to a phrase naming who it is about: all of them in
    /// "pppk?" or "kalau kepala desa?".
    pub actor_words: usize,
    /// The words that are neither marker, aspect nor filler (only counted: not stemmed).
    pub content: Vec<String>,
}

impl Cues {
    pub(crate) fn new(c: &ConversationCues, norm: &Normaliser) -> Cues {
        let phrase = |p: &String| norm.surface(p);
        let filler: HashSet<String> = c.filler.iter().flat_map(|f| norm.surface(f)).collect();
        // A phrase the normaliser reduces to filler names no part: "kok bisa" loses its
        // particle and would make every "bisa" ask for the explanation.
        let aspects = Phrases::new(
            c.aspect
                .iter()
                .flat_map(|a| a.phrases.iter().map(move |p| (phrase(p), a.part)))
                .filter(|(words, _)| !words.iter().all(|w| filler.contains(w)))
                .collect(),
        );
        // A marker the normaliser shortens to one word ("setelah itu" loses its particle) would
        // open every message starting with that word ("setelah lapor, prosesnya gimana?").
        let markers = Phrases::new(
            c.markers
                .iter()
                .map(|m| (phrase(m), m.split_whitespace().count()))
                .filter(|(words, written)| words.len() > 1 || *written == 1)
                .map(|(words, _)| (words, ()))
                .collect(),
        );
        let actors = Phrases::new(c.actors.iter().map(|m| (phrase(m), ())).collect());
        let mut single_aspect: FxHashMap<String, Aspect> = FxHashMap::default();
        for (p, part) in &aspects.list {
            if let [word] = p.as_slice() {
                single_aspect.entry(word.clone()).or_insert(*part);
            }
        }
        Cues {
            single_aspect,
            markers,
            filler,
            asking: c.asking.iter().flat_map(|f| norm.surface(f)).collect(),
            actors,
            aspects,
            possessives: c.possessives.clone(),
            not_aspects: Phrases::new(c.not_aspects.iter().map(|m| (phrase(m), ())).collect()),
            settings: c.clone(),
        }
    }

    /// Reads the shape of `question` (already cut to the matcher's length limit).
    pub(crate) fn shape(&self, norm: &Normaliser, question: &str) -> Shape {
        self.read(&norm.surface(question), usize::MAX)
    }

    /// Whether a message of these normalised words needs context ([`Shape::needs_context`]).
    /// Reading stops once more content words than any fragment has are seen: a long question
    /// is never a fragment, and is not read twice.
    pub(crate) fn needs_context<S: AsRef<str>>(&self, words: &[S]) -> bool {
        let s = &self.settings;
        self.read(words, s.short_words.max(s.fragment_words))
            .needs_context(s)
    }

    /// The shape of a message's normalised words. With `enough` content words of anything but
    /// who, reading stops: what is left can no longer make the message a fragment.
    fn read<S: AsRef<str>>(&self, words: &[S], enough: usize) -> Shape {
        let mut shape = Shape {
            words: words.len(),
            ..Shape::default()
        };
        let mut i = 0;
        // Words left of this index belong to an actor phrase found at or before word i.
        let mut actor_until = 0;
        while i < words.len() {
            if shape.content.len() > enough && shape.actor_words < shape.content.len() {
                return shape;
            }
            if i >= actor_until
                && let Some((phrase, ())) = self.actors.find(&words[i..])
            {
                actor_until = i + phrase.len();
            }
            let word = words[i].as_ref();
            if shape.content.is_empty()
                && shape.aspect.is_none()
                && let Some((marker, ())) = self.markers.find(&words[i..])
            {
                shape.marker = true;
                i += marker.len();
            } else if let Some((phrase, ())) = self.not_aspects.find(&words[i..]) {
                for word in phrase {
                    if !self.filler.contains(word) {
                        shape.content.push(word.clone());
                    }
                }
                i += phrase.len();
            } else if let Some((phrase, part)) = self.aspects.find(&words[i..]) {
                shape.aspect.get_or_insert(*part);
                i += phrase.len();
            } else if let Some(part) = self.possessive_aspect(word) {
                shape.aspect.get_or_insert(part);
                i += 1;
            } else {
                shape.asking |= self.asking.contains(word);
                if !self.filler.contains(word) {
                    shape.content.push(word.to_string());
                    shape.actor_words += usize::from(i < actor_until);
                }
                i += 1;
            }
        }
        // Who may also be named inside a marker or aspect phrase.
        shape.actor = self.first_actor(words).is_some();
        shape
    }
}

impl Shape {
    /// Only who it is about, nothing they do or ask: "pppk?", "kalau kepala desa?".
    fn only_actor(&self) -> bool {
        !self.content.is_empty()
            && self.actor_words == self.content.len()
            && !self.asking
            && self.aspect.is_none()
    }

    /// Whether the message, with nothing before it, asks what it follows: only an aspect or
    /// filler ("sanksinya apa?", "yang bener?"), who alone ("pppk?"), or a marker-led message
    /// that is short ("kalau pppk gimana?") or neither asks nor names a situation ("kalau di
    /// luar jam kerja?"). A marker-led message that asks about someone doing something ("kalau
    /// TNI boleh kampanye?") is a question of its own. This is the one test of a fragment:
    /// single questions ([`Engine::ask`]) and conversations ([`answer`]) both use it.
    pub(crate) fn needs_context(&self, s: &ConversationCues) -> bool {
        if self.words == 0 {
            return false;
        }
        if self.content.is_empty() || self.only_actor() {
            return true;
        }
        let short = self.content.len() <= s.short_words;
        let asks = self.asking || self.aspect.is_some();
        let situation = self.actor && !short;
        let someone_doing = asks && self.actor && self.content.len() > self.actor_words;
        self.marker
            && ((short && !someone_doing)
                || (!asks && !situation && self.content.len() <= s.fragment_words))
    }
}

impl Cues {
    /// `question` asked about `who` instead: its first phrase naming who it is about is
    /// replaced, or `who` is put in front when it names nobody ("pns boleh datang ke kampanye?"
    /// about "pppk" → "pppk boleh datang ke kampanye"), and then asking for `aspect` if the
    /// conversation had turned to it (the first phrase of that aspect: "… sanksinya").
    fn about(
        &self,
        norm: &Normaliser,
        question: &str,
        who: &[String],
        aspect: Option<Aspect>,
    ) -> String {
        let mut words = norm.surface(question);
        let (start, len) = self.first_actor(&words).unwrap_or((0, 0));
        words.splice(start..start + len, who.iter().cloned());
        let asks = aspect.and_then(|part| {
            let cue = self.settings.aspect.iter().find(|a| a.part == part)?;
            cue.phrases.first()
        });
        words.extend(asks.cloned());
        words.join(" ")
    }

    /// Where the first phrase naming who a message is about starts, and how many words it has.
    fn first_actor<S: AsRef<str>>(&self, words: &[S]) -> Option<(usize, usize)> {
        (0..words.len()).find_map(|i| self.actors.find(&words[i..]).map(|(p, ())| (i, p.len())))
    }

    /// The one-word aspect `word` is once a possessive ending is taken off ("sanksina").
    fn possessive_aspect(&self, word: &str) -> Option<Aspect> {
        self.possessives.iter().find_map(|ending| {
            let bare = word.strip_suffix(ending.as_str())?;
            (bare.len() >= 4)
                .then(|| self.single_aspect.get(bare).copied())
                .flatten()
        })
    }
}

/// Answers `question` within the conversation `ctx` (see the module documentation).
pub(crate) fn answer(engine: &Engine, cues: &Cues, question: &str, ctx: Option<&Context>) -> Reply {
    let kb = engine.knowledge();
    let s = &cues.settings;
    let ctx = ctx.filter(|c| !c.is_empty());
    if let Some(id) = ctx.and_then(|c| c.choice(question))
        && let Some(reply) = engine.answer_by_id(id)
    {
        return followed(reply, question, 1.0, id);
    }
    let cut: String = question.chars().take(kb.settings.max_query_chars).collect();
    let shape = cues.shape(engine.normaliser(), &cut);
    if shape.words == 0 {
        return engine.ask(question);
    }
    let needs_context = shape.needs_context(s);
    // Just after a question out of scope ("btw gaji pppk berapa?"), a follow-up naming who
    // ("kalau pns?") asks about that question, not about the answer before it. An aspect
    // ("dasar hukumnya?") still follows that answer: the question between may have been
    // declined by mistake.
    let aside = ctx.is_some_and(|c| c.aside) && shape.actor_words > 0;
    // The entry the conversation is about, if it still exists in this knowledge.
    let topic = ctx
        .and_then(|c| c.entry.as_deref())
        .filter(|id| !aside && kb.title_of(id).is_some());

    // Only an aspect ("sanksinya apa?", "yang bener?"), or only filler ("terus gimana?"). Any
    // content word ("sanksinya kalau PPPK?") makes it a variant instead.
    if shape.content.is_empty() {
        return match topic {
            Some(id) => focused(
                engine,
                question,
                id,
                shape.aspect.unwrap_or(Aspect::Verdict),
            )
            .unwrap_or_else(|| engine.ask(question)),
            None => fragment(engine, question),
        };
    }

    // Who alone ("pppk?") asks what it follows: without context it is a fragment.
    if topic.is_none() && shape.only_actor() {
        return fragment(engine, question);
    }
    let alone = engine.ask_alone(question, needs_context);
    let short = shape.content.len() <= s.short_words;
    // Out of scope on its own, but perhaps not in this conversation: a marker-led message, or a
    // short one using the previous entry's own words ("yg hadir siapa aja?" after a news
    // article), follows up; anything else ("gaji pppk berapa?") stays out of scope.
    if matches!(alone.declined, Some(DeclineReason::OutOfScope(_)))
        && !topic.is_some_and(|id| {
            shape.marker
                || (short
                    && (shape.aspect.is_some()
                        || touches(engine, s, &cut, id)
                        || answer_share(engine, cues, &shape, id) >= 1.0))
        })
    {
        return alone;
    }
    let sure_alone = alone.answered && alone.confidence >= s.sure;
    let asks = shape.asking || shape.aspect.is_some();
    // "Kalau pppk ikut kampanye?": who, and what they do: a situation of its own.
    let situation = shape.actor && !short && !shape.only_actor();
    let own_question = if shape.marker {
        let fragment = topic.is_none() && needs_context;
        // With an entry to follow, a marker-led message that neither asks nor names who it is
        // about ("kalau cuma nonton di belakang?") varies that entry, however long it is.
        let varies = topic.is_some() && !asks && !situation;
        !short && sure_alone && !fragment && !varies
    } else if short
        && sure_alone
        && let Some(id) = topic
        && unrelated_elsewhere(engine, &alone, id)
        && answer_share(engine, cues, &shape, id) >= 1.0
    {
        // A few words the previous answer uses, which alone point to an entry unrelated to it
        // ("cltn itu apa?" after an answer that speaks of CLTN): a question about that answer.
        return focused(
            engine,
            question,
            id,
            shape.aspect.unwrap_or(Aspect::Explanation),
        )
        .unwrap_or(alone);
    } else {
        // A longer message stands on its own, unless it is unsure alone and uses the words of
        // the entry being discussed: its phrasings', or (declined alone) its answer's
        // ("saya kan cuma jadi anggota, ga pernah komen" after joining a campaign group).
        sure_alone
            || (!short
                && !topic.is_some_and(|id| {
                    touches(engine, s, &cut, id)
                        || (!alone.answered
                            && s.touch_share > 0.0
                            && answer_share(engine, cues, &shape, id) >= s.touch_share)
                }))
    };
    if own_question {
        return clarified(engine, alone);
    }
    match topic {
        Some(id) => match variant(
            engine,
            cues,
            &Turn {
                question,
                topic: id,
                asked_before: ctx.and_then(|c| c.question.as_deref()),
                who: shape.only_actor().then_some(shape.content.as_slice()),
                last_aspect: ctx.and_then(|c| c.aspect),
                out_of_scope: matches!(alone.declined, Some(DeclineReason::OutOfScope(_))),
            },
        ) {
            // Staying on the entry and asking for a part of it ("which law says so?"): that part.
            Some(r) if r.id.as_deref() == Some(id) && shape.aspect.is_some() => {
                let aspect = shape.aspect.unwrap_or(Aspect::Verdict);
                focused(engine, question, id, aspect).unwrap_or(r)
            }
            Some(r) => r,
            None => clarified(engine, alone),
        },
        None if needs_context => fragment(engine, question),
        None => clarified(engine, alone),
    }
}

/// Whether `reply` answers with a topic or article other than `id` that neither lists as
/// related.
fn unrelated_elsewhere(engine: &Engine, reply: &Reply, id: &str) -> bool {
    let kb = engine.knowledge();
    let Some(other) = reply.id.as_deref() else {
        return false;
    };
    matches!(reply.kind, Some(EntryKind::Topic | EntryKind::Article))
        && other != id
        && !related(engine, id, other)
        && !related(engine, other, id)
        && kb.title_of(other).is_some()
}

/// Whether entry `from` lists `to` among its related entries.
fn related(engine: &Engine, from: &str, to: &str) -> bool {
    let kb = engine.knowledge();
    let listed = |ids: &[String]| ids.iter().any(|r| r == to);
    kb.topic(from).is_some_and(|t| listed(&t.related))
        || kb.article(from).is_some_and(|a| listed(&a.related))
}

/// Whether the words of `question` reach entry `id` itself (its lexical score for them is at
/// least `touch_lexical`).
fn touches(engine: &Engine, s: &ConversationCues, question: &str, id: &str) -> bool {
    engine
        .candidates(question, VARIANT_CANDIDATES, false)
        .iter()
        .any(|c| c.id == id && c.lexical >= s.touch_lexical)
}

/// The share of the message's content words (asking words aside) that entry `id`'s answer
/// uses: 1 for "harus cuti?" after an answer that speaks of leave. Words are compared stemmed;
/// 0 for a message with no such word.
fn answer_share(engine: &Engine, cues: &Cues, shape: &Shape, id: &str) -> f32 {
    let norm = engine.normaliser();
    let kb = engine.knowledge();
    let words: Vec<String> = shape
        .content
        .iter()
        .filter(|w| !cues.asking.contains(*w))
        .map(|w| norm.stem(w))
        .collect();
    if words.is_empty() {
        return 0.0;
    }
    let text = if let Some(t) = kb.topic(id) {
        format!(
            "{} {} {} {}",
            t.title,
            t.short,
            t.body,
            t.sanction.as_deref().unwrap_or_default()
        )
    } else if let Some(a) = kb.article(id) {
        format!("{} {} {}", a.title, a.summary, a.text)
    } else {
        return 0.0;
    };
    // The words as the matcher reads them, and as written (the lexicon may fold a phrase of
    // the answer into one term: "cuti di luar tanggungan negara" → "cltn").
    let written = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| norm.stem(&w.to_lowercase()));
    let used: HashSet<String> = norm.tokens(&text).into_iter().chain(written).collect();
    words.iter().filter(|w| used.contains(*w)).count() as f32 / words.len() as f32
}

/// Marks a reply as resolved against entry `context`.
fn followed(mut reply: Reply, question: &str, confidence: f32, context: &str) -> Reply {
    reply.query = question.to_string();
    reply.confidence = confidence;
    reply.followup = true;
    reply.context = Some(context.to_string());
    reply
}

/// `question` ranked together with the question asked before, once per variant follow-up:
/// `slot` keeps the ranking for the next reader.
fn joined_with<'a>(
    slot: &'a mut Option<Vec<Candidate>>,
    engine: &Engine,
    question: &str,
    before: &str,
) -> &'a [Candidate] {
    slot.get_or_insert_with(|| {
        engine.candidates_in(
            &format!("{question} {before}"),
            VARIANT_CANDIDATES,
            false,
            true,
        )
    })
}

/// A variant follow-up as [`variant`] reads it.
struct Turn<'a> {
    question: &'a str,
    /// The entry discussed.
    topic: &'a str,
    /// The question that brought the conversation to `topic`.
    asked_before: Option<&'a str>,
    /// Who alone ("kalau pppk?"): the words naming them.
    who: Option<&'a [String]>,
    /// The part of `topic` the last message asked for.
    last_aspect: Option<Aspect>,
    /// The message alone matches an out-of-scope entry ("kalau pakai mobil dinas?": everyday
    /// use of an official car), which the conversation may contradict (a campaign).
    out_of_scope: bool,
}

/// A variant follow-up: the new words ranked alone ("own") and together with the previous
/// entry's title ("joined"). The conversation moves to another entry when the new words alone
/// point to it confidently (`move_confidence`) and it is related to what was being discussed
/// (its lexical score for the new words joined with the previous entry's title, or with the
/// question the user asked before, reaches `move_related`), or when the new words alone are
/// unmistakable (`move_alone`): "kalau PPPK?" after the kinds of sanction → the PPPK
/// sanctions. It stays on the previous entry when that entry matches the new words nearly as
/// well (`stay_share`: "kalau share postingannya?" after liking posts), and whenever nothing
/// moves it: that answer covers the variant ("kalau di rumah aja?" after party T-shirts).
/// Who alone (`who`: "kalau honorer?") moves to the entry its words point to confidently,
/// unless that entry is in a category of `who_within` the previous one is not in; then it asks
/// the question asked before again about them ("kalau pppk?" after "pns boleh datang ke
/// kampanye?" asks "pppk boleh datang ke kampanye?": the same duty binds PPPK).
fn variant(engine: &Engine, cues: &Cues, turn: &Turn) -> Option<Reply> {
    let Turn {
        question,
        topic,
        asked_before,
        who,
        last_aspect,
        out_of_scope: own_out_of_scope,
    } = *turn;
    let kb = engine.knowledge();
    let s = &cues.settings;
    let title = kb.title_of(topic)?;
    let substantive = |c: &Candidate| matches!(c.kind, EntryKind::Topic | EntryKind::Article);
    let own: Vec<Candidate> = engine
        .candidates(question, VARIANT_CANDIDATES, false)
        .into_iter()
        .filter(substantive)
        .collect();
    let joined: Vec<Candidate> = engine
        .candidates_in(
            &format!("{question} {title}"),
            VARIANT_CANDIDATES,
            false,
            true,
        )
        .into_iter()
        .filter(substantive)
        .collect();
    let related = |id: &str| {
        joined
            .iter()
            .find(|c| c.id == id)
            .map_or(0.0, |c| c.lexical)
    };
    // Joined with the question asked before instead: ranked only when the title alone does
    // not relate the entry the new words point to.
    let mut joined_asked: Option<Vec<Candidate>> = None;
    let mut related_to_asked = |id: &str| {
        let Some(before) = asked_before else {
            return 0.0;
        };
        joined_with(&mut joined_asked, engine, question, before)
            .iter()
            .find(|c| c.id == id)
            .map_or(0.0, |c| c.lexical)
    };
    let covers = |c: &Candidate| {
        s.stay_share > 0.0
            && own
                .iter()
                .any(|o| o.id == topic && o.lexical >= s.stay_share * c.lexical)
    };
    let category = |id: &str| kb.topic(id).map(|t| t.category.as_str());
    // Read only for who alone.
    let asked_aspect = who
        .and(asked_before)
        .and_then(|q| cues.shape(engine.normaliser(), q).aspect);
    let who_may_enter = |id: &str| {
        let to = category(id);
        id == topic
            || to == category(topic)
            || to
                .and_then(|to| s.who_within.get(to))
                .is_none_or(|aspect| Some(*aspect) == last_aspect || Some(*aspect) == asked_aspect)
    };
    let moved: Option<Candidate> = match who {
        Some(who) => {
            // Who alone: the entry about them when the conversation may go there ("kalau
            // honorer?", "kalau kades?"), else the question asked before, asked about them.
            match own.iter().find(|c| c.score >= s.move_confidence) {
                Some(c) if who_may_enter(&c.id) => Some(c.clone()),
                _ => asked_before.and_then(|before| {
                    let about = cues.about(engine.normaliser(), before, who, last_aspect);
                    engine.candidates(&about, 1, false).into_iter().find(|c| {
                        substantive(c) && c.score >= s.move_confidence && who_may_enter(&c.id)
                    })
                }),
            }
        }
        None => own
            .iter()
            .find(|c| {
                c.id != topic
                    && c.score >= s.move_confidence
                    && (related(&c.id) >= s.move_related
                        || c.score >= s.move_alone
                        || related_to_asked(&c.id) >= s.move_related)
            })
            .filter(|c| !covers(c))
            .cloned()
            // Out of scope alone, read with the entry discussed or the question asked before
            // they point to another entry confidently: that entry ("kalau pakai mobil dinas?"
            // after joining a campaign team → the use of state facilities).
            .or_else(|| {
                let moves =
                    |c: &Candidate| substantive(c) && c.id != topic && c.score >= s.move_confidence;
                if !own_out_of_scope {
                    return None;
                }
                joined.first().filter(|c| moves(c)).cloned().or_else(|| {
                    let before = asked_before?;
                    joined_with(&mut joined_asked, engine, question, before)
                        .first()
                        .filter(|c| moves(c))
                        .cloned()
                })
            }),
    };
    let (id, confidence) = match &moved {
        Some(c) => (c.id.as_str(), c.score),
        None => {
            let stay = joined.iter().find(|c| c.id == topic)?;
            (topic, stay.score)
        }
    };
    let reply = engine.answer_by_id(id)?;
    let mut reply = followed(reply, question, confidence, topic);
    let mut suggestions: Vec<Link> = Vec::new();
    for c in own.iter().chain(&joined) {
        if c.id != id
            && c.score >= kb.settings.suggestion_floor
            && !suggestions.iter().any(|l| l.id == c.id)
        {
            suggestions.push(Link {
                id: c.id.clone(),
                title: c.title.clone(),
                score: c.score,
            });
        }
    }
    suggestions.truncate(kb.settings.max_suggestions);
    reply.suggestions = suggestions;
    Some(reply)
}

/// The reply, or "Maksud Anda: A atau B?" when it is not a confident answer and two entries
/// share the likelihood: a decline for low confidence whose two best suggestions both reach
/// `clarify_floor` and together reach the answer threshold (one of them is probably meant: a
/// near tie is what keeps the calibrated confidence of each low), or an answer below
/// `clarify_below` with its runner-up within `clarify_margin`.
fn clarified(engine: &Engine, reply: Reply) -> Reply {
    let s = &engine.knowledge().conversation;
    let substantive = matches!(reply.kind, Some(EntryKind::Topic | EntryKind::Article));
    let (first, second) = if reply.answered {
        let (Some(id), Some(second)) = (reply.id.clone(), reply.suggestions.first().cloned())
        else {
            return reply;
        };
        if !substantive || reply.confidence >= s.clarify_below {
            return reply;
        }
        let first = Link {
            id,
            title: reply.title.clone(),
            score: reply.confidence,
        };
        (first, second)
    } else if reply.declined == Some(DeclineReason::LowConfidence) {
        // Declined: neither is likely enough alone, but one of the two probably is.
        match reply.suggestions.as_slice() {
            [first, second, ..]
                if second.score >= s.clarify_floor
                    && first.score + second.score >= engine.answer_threshold() =>
            {
                (first.clone(), second.clone())
            }
            _ => return reply,
        }
    } else {
        return reply;
    };
    if second.score < s.clarify_floor
        || (reply.answered && second.score < first.score - s.clarify_margin)
    {
        return reply;
    }
    let text = engine.knowledge().messages.fill(
        "conversation",
        "clarify",
        &[("first", &first.title), ("second", &second.title)],
    );
    declined(reply, DeclineReason::Ambiguous, text, vec![first, second])
}

/// "Maksudnya tentang apa?" with the topics nearest to the fragment's words.
fn fragment(engine: &Engine, question: &str) -> Reply {
    let kb = engine.knowledge();
    let suggestions = engine
        .candidates(question, VARIANT_CANDIDATES, false)
        .into_iter()
        .filter(|c| matches!(c.kind, EntryKind::Topic | EntryKind::Article))
        .take(kb.settings.max_suggestions)
        .map(|c| Link {
            id: c.id,
            title: c.title,
            score: c.score,
        })
        .collect();
    let text = kb.messages.get("conversation", "fragment");
    declined(
        engine.ask(question),
        DeclineReason::NeedsContext,
        text,
        suggestions,
    )
}

/// Turns `reply` into a question back to the user (keeping its query, confidence and
/// follow-up fields).
fn declined(reply: Reply, reason: DeclineReason, text: String, suggestions: Vec<Link>) -> Reply {
    Reply {
        followup: reply.followup,
        context: reply.context,
        ..Reply::declined(reply.query, reason, text, suggestions, reply.confidence)
    }
}

/// The part `aspect` of entry `id`, as a focused reply (`None` if the entry is gone).
fn focused(engine: &Engine, question: &str, id: &str, aspect: Aspect) -> Option<Reply> {
    let m = &engine.knowledge().messages;
    let mut r = followed(engine.answer_by_id(id)?, question, 1.0, id);
    r.aspect = Some(aspect);
    let title = r.title.clone();
    let missing = m.fill("conversation", "aspect-missing", &[("title", &title)]);
    let lead = |key: &str| m.get("conversation", key);
    let short = std::mem::take(&mut r.text);
    let body = std::mem::take(&mut r.body);
    let sanction = r.sanction.take();
    let legal_basis = std::mem::take(&mut r.legal_basis);
    let excerpts = std::mem::take(&mut r.excerpts);
    let sources = std::mem::take(&mut r.sources);
    let verdict = r.verdict.take();
    match aspect {
        Aspect::Sanction => r.text = sanction.unwrap_or(missing),
        Aspect::LegalBasis if legal_basis.is_empty() => r.text = missing,
        Aspect::LegalBasis => {
            r.text = lead("aspect-lead-legal-basis");
            r.legal_basis = legal_basis;
        }
        Aspect::Sources if sources.is_empty() => r.text = missing,
        Aspect::Sources => {
            r.text = lead("aspect-lead-sources");
            r.sources = sources;
        }
        Aspect::Example if excerpts.is_empty() => {
            r.text = short;
            r.body = body;
        }
        Aspect::Example => {
            r.text = lead("aspect-lead-example");
            r.excerpts = excerpts;
        }
        Aspect::Explanation => {
            r.verdict = verdict;
            r.text = short;
            r.body = body;
        }
        Aspect::Verdict => {
            r.verdict = verdict;
            r.text = short;
            r.legal_basis = legal_basis;
        }
        Aspect::Doubt => {
            let mut text = m.fill("conversation", "doubt", &[("title", &title)]);
            for b in &legal_basis {
                text.push_str("\n• ");
                text.push_str(&super::render::basis_line(b));
            }
            let back = Link {
                id: id.to_string(),
                title: title.clone(),
                score: 1.0,
            };
            return Some(declined(r, DeclineReason::Doubt, text, vec![back]));
        }
    }
    r.title = m.fill(
        "conversation",
        &format!("aspect-title-{}", aspect.key()),
        &[("title", &title)],
    );
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn engine() -> &'static Engine {
        static E: OnceLock<Engine> = OnceLock::new();
        E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
    }

    fn shape(question: &str) -> Shape {
        let e = engine();
        Cues::new(&e.knowledge().conversation, e.normaliser()).shape(e.normaliser(), question)
    }

    #[test]
    fn who_alone_is_told_from_who_and_what() {
        assert!(shape("pppk?").only_actor());
        // "kepala desa" reads as one word ("kades"); "kepala dinas" does not.
        let village = shape("kalau kepala desa?");
        assert_eq!(village.actor_words, 1, "{village:?}");
        let head = shape("kalau perangkat desa?");
        assert_eq!(head.actor_words, head.content.len(), "{head:?}");
        assert!(village.only_actor());
        assert!(!shape("kalau pppk ikut kampanye?").only_actor());
        assert!(!shape("pppk boleh?").only_actor(), "an asking word");
        assert!(!shape("sanksi pppk?").only_actor(), "an aspect");
    }

    #[test]
    fn an_aspect_phrase_reduced_to_filler_names_no_part() {
        // "kok bisa" loses its particle: "bisa" alone must not ask for the explanation.
        let s = shape("bisa dipenjara?");
        assert_eq!(s.aspect, Some(Aspect::Sanction), "{s:?}");
        assert_eq!(shape("bisa?").aspect, None);
    }

    #[test]
    fn the_campaign_period_is_no_doubt() {
        // "masa?" doubts the answer; "masa kampanye" is the campaign period, a thing asked about.
        assert_eq!(shape("masa?").aspect, Some(Aspect::Doubt));
        let s = shape("kalau belum masa kampanye?");
        assert_eq!(s.aspect, None, "{s:?}");
        assert!(s.content.iter().any(|w| w == "kampanye"), "{s:?}");
        let e = engine();
        let first = e.ask_in("asn boleh pasang baliho caleg?", None);
        let ctx = Context::default().after(&first);
        let reply = e.ask_in("lha nek durung masa kampanye piye?", Some(&ctx));
        assert!(reply.answered, "a variant, not doubt: {reply:?}");
    }

    #[test]
    fn a_criminal_sanction_asks_for_the_sanction_of_the_entry_discussed() {
        let ctx = Context::about("hadir-kampanye");
        let reply = engine().ask_in("bisa dipenjara?", Some(&ctx));
        assert_eq!(reply.id.as_deref(), Some("hadir-kampanye"), "{reply:?}");
        assert!(reply.followup);
        let topic = engine().knowledge().topic("hadir-kampanye").expect("topic");
        assert_eq!(Some(&reply.text), topic.sanction.as_ref());
    }

    #[test]
    fn a_marker_led_message_that_neither_asks_nor_names_who_varies_the_entry() {
        let ctx = Context::about("hadir-deklarasi");
        let reply = engine().ask_in(
            "kalau cuma berdiri di barisan paling belakang tanpa bersorak?",
            Some(&ctx),
        );
        assert_eq!(reply.id.as_deref(), Some("hadir-deklarasi"), "{reply:?}");
        assert!(reply.followup);
    }

    #[test]
    fn a_few_words_of_the_previous_answer_follow_it_not_an_unrelated_entry() {
        let e = engine();
        let ctx = Context::about("keluarga-calon");
        let reply = e.ask_in("cltn tuh apa?", Some(&ctx));
        assert_eq!(reply.id.as_deref(), Some("keluarga-calon"), "{reply:?}");
        assert!(reply.followup);
        // The same words after an entry whose answer does not use them stand alone.
        let alone = e.ask("cltn tuh apa?");
        let elsewhere = e.ask_in("cltn tuh apa?", Some(&Context::about("hak-pilih")));
        assert_eq!(elsewhere.id, alone.id);
        assert!(!elsewhere.followup);
    }

    #[test]
    fn single_questions_and_conversations_tell_fragments_alike() {
        let e = engine();
        // Who alone ("pppk?", "honorer") is a fragment too.
        for fragment in [
            "kalau pppk gimana?",
            "sanksinya apa?",
            "yang bener?",
            "pppk?",
            "kalau kepala desa?",
            "honorer",
        ] {
            assert!(!e.ask(fragment).answered, "{fragment} answered alone");
            let reply = e.ask_in(fragment, None);
            assert_eq!(
                reply.declined,
                Some(DeclineReason::NeedsContext),
                "{fragment}: {reply:?}"
            );
        }
        // A marker-led question about someone doing something is a question of its own.
        for (question, id) in [
            ("kalau TNI boleh ikut kampanye?", "tni-polri"),
            ("kalau pns ikut kampanye boleh gak?", "hadir-kampanye"),
        ] {
            assert_eq!(e.ask(question).id.as_deref(), Some(id), "{question}");
            assert_eq!(
                e.ask_in(question, None).id.as_deref(),
                Some(id),
                "{question}"
            );
        }
    }

    #[test]
    fn a_marker_shortened_by_the_normaliser_opens_nothing() {
        // "setelah itu" loses "itu" (a particle): "setelah" alone must not make a fragment.
        assert!(!shape("setelah lapor ke bawaslu, prosesnya gimana?").marker);
        let reply = engine().ask("setelah lapor ke bawaslu, prosesnya gimana?");
        assert_eq!(reply.id.as_deref(), Some("alur-penanganan"), "{reply:?}");
    }

    #[test]
    fn after_a_question_out_of_scope_who_alone_asks_about_it() {
        let e = engine();
        let first = e.ask_in("bolehkah pns ikut kampanye?", None);
        assert_eq!(first.id.as_deref(), Some("hadir-kampanye"));
        let ctx = Context::default().after(&first);
        let aside = e.ask_in("btw gaji pppk berapa sih?", Some(&ctx));
        assert!(
            matches!(aside.declined, Some(DeclineReason::OutOfScope(_))),
            "{aside:?}"
        );
        let ctx = ctx.after(&aside);
        assert!(ctx.aside);
        let who = e.ask_in("kalau pns?", Some(&ctx));
        assert!(!who.answered, "who alone follows the pay question: {who:?}");
        // A follow-up that varies the earlier topic still follows it.
        let variant = e.ask_in("kalau cuma nonton dari jauh?", Some(&ctx));
        assert_eq!(variant.id.as_deref(), Some("hadir-kampanye"), "{variant:?}");
        assert!(variant.followup);
    }
}

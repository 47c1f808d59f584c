//! Reading and validating the knowledge files.
//!
//! Files come either from the copy compiled into the binary ([`builtin_files`]) or from a
//! folder ([`Files::from_dir`]); both are parsed and validated by the same code, so a
//! curator's folder is held to the same rules as the shipped one.

use super::error::{LoadError, Problem};
use super::model::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

static BUILTIN: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/knowledge");

/// The bytes of the intent classifier compiled into the binary (`intent-model.bin`), if any.
pub fn builtin_model() -> Option<&'static [u8]> {
    BUILTIN
        .get_file(crate::core::intent::MODEL_FILE)
        .map(|f| f.contents())
}

/// The knowledge files as `(path relative to the knowledge folder, contents)`.
#[derive(Debug, Clone, Default)]
pub struct Files(pub Vec<(String, String)>);

/// The knowledge compiled into the binary.
pub fn builtin_files() -> Files {
    let mut out = Vec::new();
    collect_builtin(&BUILTIN, &mut out);
    out.sort();
    Files(out)
}

fn collect_builtin(dir: &include_dir::Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if path.ends_with(".toml") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            out.push((path, text));
        }
    }
    for sub in dir.dirs() {
        collect_builtin(sub, out);
    }
}

impl Files {
    /// Reads every `*.toml` file below `root`.
    pub fn from_dir(root: &Path) -> Result<Files, LoadError> {
        let mut out = Vec::new();
        read_dir_into(root, root, &mut out)?;
        out.sort();
        Ok(Files(out))
    }
}

fn read_dir_into(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String)>,
) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_dir_into(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            let bytes = std::fs::read(&path).map_err(|source| LoadError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(())
}

// ---- raw file shapes -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorsFile {
    anchors: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrainingFile {
    entry: Vec<RawTraining>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    id: Spanned<String>,
    questions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    category: Vec<RawCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    id: Spanned<String>,
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegulationsFile {
    regulations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegalBasisFile {
    #[serde(default)]
    article: Vec<RawCitedArticle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCitedArticle {
    regulation: Spanned<String>,
    article: String,
    says: String,
    #[serde(default)]
    source: String,
    sureness: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    topic: Vec<RawTopic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    id: Spanned<String>,
    category: Spanned<String>,
    title: Spanned<String>,
    verdict: Option<Spanned<String>>,
    short: Spanned<String>,
    body: String,
    sanction: Option<String>,
    as_of: Spanned<toml::value::Datetime>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    #[serde(default)]
    questions: Vec<Spanned<String>>,
    #[serde(default)]
    legal_basis: Vec<RawLegalBasis>,
    #[serde(default)]
    sources: Vec<RawSource>,
    disclaimer: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLegalBasis {
    regulation: Spanned<String>,
    article: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: String,
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFile {
    article: RawArticle,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticle {
    id: Spanned<String>,
    title: Spanned<String>,
    outlet: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    url: String,
    summary: String,
    text: String,
    #[serde(default)]
    questions: Vec<Spanned<String>>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    #[serde(default)]
    excerpt: Vec<RawExcerpt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExcerpt {
    text: Spanned<String>,
    topics: Vec<Spanned<String>>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SmalltalkFile {
    smalltalk: Vec<RawSmalltalk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmalltalk {
    id: Spanned<String>,
    title: String,
    reply: String,
    questions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclineFile {
    decline: Vec<RawDecline>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecline {
    id: Spanned<String>,
    reply: String,
    questions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlangFile {
    words: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    synonym: Vec<RawSynonym>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSynonym {
    canonical: Spanned<String>,
    variants: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProtectedFile {
    protected: Vec<String>,
    #[serde(default)]
    particles: Vec<String>,
}

// ---- the loader ------------------------------------------------------------------------

/// Message keys the core itself needs (`messages/core.toml`).
pub const CORE_MESSAGE_KEYS: &[&str] = &[
    "verdict-boleh",
    "verdict-tidak-boleh",
    "verdict-bersyarat",
    "verdict-diperdebatkan",
    "legal-basis",
    "sanction",
    "sources",
    "excerpt",
    "excerpt-note",
    "more-bases",
    "detail-full-button",
    "detail-basis-button",
    "detail-sources-button",
    "related",
    "suggestions",
    "as-of",
    "disclaimer",
    "declined",
    "declined-no-suggestions",
    "empty-question",
];

/// Collects problems while parsing, so that one run reports all of them.
struct Loader {
    problems: Vec<Problem>,
}

/// A knowledge file's text with where its lines start, so that the line of each definition
/// and reference is a binary search, not a count from the top of the file (start-up time).
struct Text<'a> {
    text: &'a str,
    /// Byte offsets just after each newline.
    line_starts: Vec<usize>,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Text<'a> {
        let line_starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        Text { text, line_starts }
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        self.text
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &Text, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.line_starts.partition_point(|&start| start <= offset) + 1
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Loader {
    fn problem(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }

    fn at<T>(&mut self, file: &str, text: &Text, spanned: &Spanned<T>, message: impl Into<String>) {
        let line = line_of(text, spanned.span().start);
        self.problem(file, Some(line), message);
    }

    fn parse<T: DeserializeOwned>(&mut self, file: &str, text: &Text) -> Option<T> {
        match toml::from_str::<T>(text.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e.span().map(|s| line_of(text, s.start));
                let msg = e.message().trim().to_string();
                let hint = if msg.starts_with("unknown field") {
                    " — remove it or fix its spelling (the format is in knowledge/README.md)"
                } else if msg.starts_with("missing field") {
                    " — add it (the format is in knowledge/README.md)"
                } else {
                    ""
                };
                self.problem(file, line, format!("{msg}{hint}"));
                None
            }
        }
    }

    fn questions(
        &mut self,
        file: &str,
        text: &Text,
        id: &str,
        qs: Vec<Spanned<String>>,
    ) -> Vec<String> {
        let mut out = Vec::with_capacity(qs.len());
        for q in qs {
            if q.get_ref().trim().is_empty() {
                self.at(
                    file,
                    text,
                    &q,
                    format!("empty phrasing in `{id}` — write the question or delete the line"),
                );
            } else {
                out.push(q.into_inner().trim().to_string());
            }
        }
        out
    }

    fn id(&mut self, file: &str, text: &Text, id: &Spanned<String>) -> String {
        if !valid_id(id.get_ref()) {
            self.at(
                file,
                text,
                id,
                format!(
                    "invalid id `{}` — use lowercase letters, digits and '-'",
                    id.get_ref()
                ),
            );
        }
        id.get_ref().clone()
    }
}

/// Where each id was defined, for duplicate and dangling-reference messages.
struct Seen {
    ids: HashMap<String, (String, usize)>,
}

impl KnowledgeBase {
    /// Loads the knowledge compiled into the binary.
    pub fn builtin() -> Result<KnowledgeBase, LoadError> {
        KnowledgeBase::load(&builtin_files())
    }

    /// Loads the knowledge folder at `dir`.
    pub fn from_dir(dir: &Path) -> Result<KnowledgeBase, LoadError> {
        KnowledgeBase::load(&Files::from_dir(dir)?)
    }

    /// Parses and validates a set of knowledge files. Returns every problem found, or a
    /// complete knowledge base; never a partial one.
    pub fn load(files: &Files) -> Result<KnowledgeBase, LoadError> {
        let mut l = Loader {
            problems: Vec::new(),
        };
        let mut seen = Seen {
            ids: HashMap::new(),
        };
        let mut categories = Vec::new();
        let mut topics = Vec::new();
        let mut articles = Vec::new();
        let mut smalltalk = Vec::new();
        let mut declines = Vec::new();
        let mut training = Vec::new();
        let mut lexicon = Lexicon::default();
        let mut messages = BTreeMap::new();
        let mut settings = None;
        let mut conversation = None;
        let mut confidence = None;
        let mut regulations = None;
        let mut cited_articles = Vec::new();
        let mut seen_citations: HashSet<(String, String)> = HashSet::new();
        // References checked once every id is known: (file, line, from id, to id, what).
        let mut refs: Vec<(String, usize, String, String, &'static str)> = Vec::new();
        let mut category_refs: Vec<(String, usize, String)> = Vec::new();
        let mut regulation_refs: Vec<(String, usize, String)> = Vec::new();

        let define = |l: &mut Loader,
                      seen: &mut Seen,
                      file: &str,
                      text: &Text,
                      id: &Spanned<String>| {
            let line = line_of(text, id.span().start);
            if let Some((f, ln)) = seen.ids.get(id.get_ref()) {
                l.problem(file, Some(line), format!("duplicate id `{}` (first defined at {f}:{ln}) — give one of them another id", id.get_ref()));
            } else {
                seen.ids
                    .insert(id.get_ref().clone(), (file.to_string(), line));
            }
        };

        for (file, text) in &files.0 {
            let text = &Text::new(text);
            let file = file.as_str();
            match file {
                "categories.toml" => {
                    if let Some(f) = l.parse::<CategoriesFile>(file, text) {
                        for c in f.category {
                            let id = l.id(file, text, &c.id);
                            categories.push(Category { id, title: c.title });
                        }
                    }
                }
                "regulations.toml" => {
                    regulations = l
                        .parse::<RegulationsFile>(file, text)
                        .map(|f| f.regulations);
                }
                "matcher.toml" => {
                    settings = l.parse::<MatcherSettings>(file, text);
                }
                "conversation.toml" => {
                    conversation = l.parse::<super::ConversationCues>(file, text);
                }
                "confidence.toml" => {
                    confidence = l.parse::<ConfidenceModel>(file, text);
                    for p in confidence
                        .as_ref()
                        .map(|c| c.problems())
                        .unwrap_or_default()
                    {
                        l.problem(file, None, format!("{p} — run `netral kb calibrate`"));
                    }
                }
                "legal-basis.toml" => {
                    for a in l
                        .parse::<LegalBasisFile>(file, text)
                        .map(|f| f.article)
                        .unwrap_or_default()
                    {
                        let line = line_of(text, a.regulation.span().start);
                        regulation_refs.push((
                            file.to_string(),
                            line,
                            a.regulation.get_ref().clone(),
                        ));
                        let Some(sureness) = Sureness::parse(a.sureness.get_ref()) else {
                            l.at(file, text, &a.sureness, format!("unknown sureness `{}` — use verified, single-source or uncertain", a.sureness.get_ref()));
                            continue;
                        };
                        let source = a.source.trim().to_string();
                        if a.says.trim().is_empty() {
                            l.problem(
                                file,
                                Some(line),
                                "empty `says` — say in one line what the article says",
                            );
                        }
                        if !source.starts_with("http") && sureness != Sureness::Uncertain {
                            l.problem(file, Some(line), "no source URL — record where it was checked, or mark it `uncertain`");
                        }
                        let key = (a.regulation.get_ref().clone(), a.article.trim().to_string());
                        if !seen_citations.insert(key.clone()) {
                            l.problem(
                                file,
                                Some(line),
                                format!("`{} {}` is listed twice — keep one entry", key.0, key.1),
                            );
                        }
                        cited_articles.push(CitedArticle {
                            regulation: key.0,
                            article: key.1,
                            says: a.says.trim().to_string(),
                            source,
                            sureness,
                        });
                    }
                }
                "smalltalk.toml" => {
                    if let Some(f) = l.parse::<SmalltalkFile>(file, text) {
                        for s in f.smalltalk {
                            define(&mut l, &mut seen, file, text, &s.id);
                            let id = l.id(file, text, &s.id);
                            if s.questions.is_empty() {
                                l.at(
                                    file,
                                    text,
                                    &s.id,
                                    format!("`{id}` has no questions — add at least one phrasing"),
                                );
                            }
                            let questions = l.questions(file, text, &id, s.questions);
                            smalltalk.push(Smalltalk {
                                id,
                                title: s.title,
                                reply: s.reply.trim().to_string(),
                                questions,
                            });
                        }
                    }
                }
                "out-of-scope.toml" => {
                    if let Some(f) = l.parse::<DeclineFile>(file, text) {
                        for d in f.decline {
                            define(&mut l, &mut seen, file, text, &d.id);
                            let id = l.id(file, text, &d.id);
                            let questions = l.questions(file, text, &id, d.questions);
                            declines.push(Decline {
                                id,
                                reply: d.reply.trim().to_string(),
                                questions,
                            });
                        }
                    }
                }
                "lexicon/slang.toml" => {
                    if let Some(f) = l.parse::<SlangFile>(file, text) {
                        for (k, v) in f.words {
                            let words: Vec<String> =
                                v.split_whitespace().map(|w| w.to_lowercase()).collect();
                            if words.is_empty()
                                || k.trim().is_empty()
                                || k.contains(char::is_whitespace)
                            {
                                let line = text
                                    .find(&format!("{k} "))
                                    .or_else(|| text.find(&k))
                                    .map(|o| line_of(text, o));
                                l.problem(file, line, format!("slang entry `{k}` must be one word mapped to one or more words"));
                                continue;
                            }
                            lexicon.slang.insert(k.to_lowercase(), words);
                        }
                    }
                }
                "lexicon/synonyms.toml" => {
                    if let Some(f) = l.parse::<SynonymsFile>(file, text) {
                        for s in f.synonym {
                            let canonical: Vec<String> = s
                                .canonical
                                .get_ref()
                                .split_whitespace()
                                .map(str::to_lowercase)
                                .collect();
                            if canonical.is_empty() {
                                l.at(
                                    file,
                                    text,
                                    &s.canonical,
                                    "empty canonical form — write the word the variants stand for",
                                );
                                continue;
                            }
                            for v in s.variants {
                                let tokens: Vec<String> = v
                                    .get_ref()
                                    .split_whitespace()
                                    .map(str::to_lowercase)
                                    .collect();
                                if tokens.is_empty() {
                                    l.at(file, text, &v, "empty variant — write it or delete it");
                                } else {
                                    lexicon.synonyms.push((tokens, canonical.clone()));
                                }
                            }
                        }
                    }
                }
                "lexicon/anchors.toml" => {
                    if let Some(f) = l.parse::<AnchorsFile>(file, text) {
                        for a in f.anchors {
                            if a.get_ref().split_whitespace().count() != 1 {
                                l.at(
                                    file,
                                    text,
                                    &a,
                                    "an anchor is one word — split it or drop it",
                                );
                            } else {
                                lexicon.anchors.push(a.get_ref().trim().to_lowercase());
                            }
                        }
                    }
                }
                "lexicon/protected.toml" => {
                    if let Some(f) = l.parse::<ProtectedFile>(file, text) {
                        lexicon.protected = f.protected.iter().map(|w| w.to_lowercase()).collect();
                        lexicon.particles = f.particles.iter().map(|w| w.to_lowercase()).collect();
                    }
                }
                f if f.starts_with("messages/") => {
                    let section = f
                        .trim_start_matches("messages/")
                        .trim_end_matches(".toml")
                        .to_string();
                    if let Some(map) = l.parse::<BTreeMap<String, String>>(file, text) {
                        messages.insert(section, map);
                    }
                }
                f if f.starts_with("training/") => {
                    let Some(tf) = l.parse::<TrainingFile>(file, text) else {
                        continue;
                    };
                    for e in tf.entry {
                        let id = l.id(file, text, &e.id);
                        refs.push((
                            file.to_string(),
                            line_of(text, e.id.span().start),
                            "training".to_string(),
                            id.clone(),
                            "training",
                        ));
                        let questions = l.questions(file, text, &id, e.questions);
                        training.push(TrainingQuestions { id, questions });
                    }
                }
                f if f.starts_with("topics/") => {
                    let Some(tf) = l.parse::<TopicsFile>(file, text) else {
                        continue;
                    };
                    for t in tf.topic {
                        define(&mut l, &mut seen, file, text, &t.id);
                        let id = l.id(file, text, &t.id);
                        let id_line = line_of(text, t.id.span().start);
                        let verdict = match &t.verdict {
                            None => {
                                l.problem(file, Some(id_line), format!("topic `{id}` has no verdict — add verdict = \"boleh\" | \"tidak-boleh\" | \"bersyarat\" | \"diperdebatkan\" | \"info\""));
                                Verdict::Info
                            }
                            Some(v) => Verdict::parse(v.get_ref()).unwrap_or_else(|| {
                                l.at(file, text, v, format!("unknown verdict `{}` — use boleh, tidak-boleh, bersyarat, diperdebatkan or info", v.get_ref()));
                                Verdict::Info
                            }),
                        };
                        if t.title.get_ref().trim().is_empty() {
                            l.at(
                                file,
                                text,
                                &t.title,
                                format!(
                                    "topic `{id}` has an empty title — write the canonical question"
                                ),
                            );
                        }
                        if t.short.get_ref().trim().is_empty() {
                            l.at(file, text, &t.short, format!("topic `{id}` has an empty short answer — write one or two sentences"));
                        }
                        if t.questions.is_empty() {
                            l.problem(file, Some(id_line), format!("topic `{id}` has no questions — add phrasings users would write"));
                        }
                        if t.sources.is_empty() {
                            l.problem(file, Some(id_line), format!("topic `{id}` has no sources — add at least one [[topic.sources]]"));
                        }
                        category_refs.push((
                            file.to_string(),
                            line_of(text, t.category.span().start),
                            t.category.get_ref().clone(),
                        ));
                        for r in &t.related {
                            refs.push((
                                file.to_string(),
                                line_of(text, r.span().start),
                                id.clone(),
                                r.get_ref().clone(),
                                "related",
                            ));
                        }
                        let legal_basis = t
                            .legal_basis
                            .into_iter()
                            .map(|b| {
                                regulation_refs.push((
                                    file.to_string(),
                                    line_of(text, b.regulation.span().start),
                                    b.regulation.get_ref().clone(),
                                ));
                                LegalBasis {
                                    regulation: b.regulation.into_inner(),
                                    regulation_title: String::new(),
                                    article: b.article,
                                    note: b.note,
                                    source: b.source,
                                }
                            })
                            .collect();
                        let questions = l.questions(file, text, &id, t.questions);
                        topics.push(Topic {
                            id,
                            category: t.category.into_inner(),
                            title: t.title.into_inner().trim().to_string(),
                            verdict,
                            short: t.short.into_inner().trim().to_string(),
                            body: t.body.trim().to_string(),
                            sanction: t
                                .sanction
                                .map(|s| s.trim().to_string())
                                .filter(|s| !s.is_empty()),
                            legal_basis,
                            sources: t
                                .sources
                                .into_iter()
                                .map(|s| Source {
                                    title: s.title,
                                    url: s.url,
                                })
                                .collect(),
                            related: t.related.into_iter().map(Spanned::into_inner).collect(),
                            questions,
                            as_of: t.as_of.get_ref().to_string(),
                            disclaimer: t.disclaimer.unwrap_or(true),
                        });
                    }
                }
                f if f.starts_with("articles/") => {
                    let Some(af) = l.parse::<ArticleFile>(file, text) else {
                        continue;
                    };
                    let a = af.article;
                    define(&mut l, &mut seen, file, text, &a.id);
                    let id = l.id(file, text, &a.id);
                    for r in &a.related {
                        refs.push((
                            file.to_string(),
                            line_of(text, r.span().start),
                            id.clone(),
                            r.get_ref().clone(),
                            "related",
                        ));
                    }
                    let mut excerpts = Vec::new();
                    for e in a.excerpt {
                        if e.text.get_ref().trim().is_empty() {
                            l.at(
                                file,
                                text,
                                &e.text,
                                "empty excerpt — quote a sentence or delete it",
                            );
                        }
                        for t in &e.topics {
                            refs.push((
                                file.to_string(),
                                line_of(text, t.span().start),
                                id.clone(),
                                t.get_ref().clone(),
                                "excerpt topic",
                            ));
                        }
                        excerpts.push(Excerpt {
                            text: e.text.into_inner().trim().to_string(),
                            topics: e.topics.into_iter().map(Spanned::into_inner).collect(),
                            note: e.note.trim().to_string(),
                        });
                    }
                    let questions = l.questions(file, text, &id, a.questions);
                    articles.push(Article {
                        id,
                        title: a.title.into_inner().trim().to_string(),
                        outlet: a.outlet,
                        place: a.place,
                        date: a.date,
                        url: a.url,
                        summary: a.summary.trim().to_string(),
                        text: a.text.trim().to_string(),
                        questions,
                        related: a.related.into_iter().map(Spanned::into_inner).collect(),
                        excerpts,
                    });
                }
                other => {
                    l.problem(other, None, "unexpected file — knowledge/README.md lists where each kind of entry lives");
                }
            }
        }

        // Whole-base checks.
        let topic_ids: HashSet<&str> = topics.iter().map(|t| t.id.as_str()).collect();
        for (file, line, from, to, what) in &refs {
            let known = if *what == "excerpt topic" {
                topic_ids.contains(to.as_str())
            } else {
                seen.ids.contains_key(to)
            };
            if !known {
                l.problem(
                    file,
                    Some(*line),
                    format!(
                        "{what} id `{to}` in `{from}` does not exist — fix the id or remove it"
                    ),
                );
            } else if to == from {
                l.problem(
                    file,
                    Some(*line),
                    format!("`{from}` lists itself as related — remove it"),
                );
            }
        }
        let category_ids: HashSet<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        for (file, line, cat) in &category_refs {
            if !category_ids.contains(cat.as_str()) {
                l.problem(
                    file,
                    Some(*line),
                    format!(
                        "unknown category `{cat}` — use an id from categories.toml or add it there"
                    ),
                );
            }
        }
        if let Some(c) = &conversation {
            for cat in c.who_within.keys() {
                if !category_ids.contains(cat.as_str()) {
                    l.problem(
                        "conversation.toml",
                        None,
                        format!(
                            "`who_within` names unknown category `{cat}` — use an id from categories.toml"
                        ),
                    );
                }
            }
        }
        match &regulations {
            None if !files.0.iter().any(|(f, _)| f == "regulations.toml") => {
                l.problem(
                    "regulations.toml",
                    None,
                    "missing file — list the regulations a legal basis may name",
                );
            }
            None => {}
            Some(regs) => {
                for (file, line, reg) in &regulation_refs {
                    if !regs.contains_key(reg) {
                        l.problem(file, Some(*line), format!("unknown regulation `{reg}` — use a key of regulations.toml or add it there with its full title"));
                    }
                }
            }
        }
        if settings.is_none() && !files.0.iter().any(|(f, _)| f == "matcher.toml") {
            l.problem(
                "matcher.toml",
                None,
                "missing file — the matcher needs its thresholds and weights",
            );
        }
        let messages = Messages::new(messages);
        for key in messages.missing("core", CORE_MESSAGE_KEYS) {
            l.problem(
                "messages/core.toml",
                None,
                format!("missing message `{key}` — add it"),
            );
        }
        if conversation.is_some() {
            for key in messages.missing("conversation", super::CONVERSATION_MESSAGE_KEYS) {
                l.problem(
                    "messages/conversation.toml",
                    None,
                    format!("missing message `{key}` — add it (conversation.toml needs it)"),
                );
            }
        }
        if topics.is_empty() && l.problems.is_empty() {
            l.problem(
                "topics/",
                None,
                "no topics — add at least one topics/*.toml file",
            );
        }

        if !l.problems.is_empty() {
            return Err(LoadError::Invalid(l.problems));
        }
        let regulations = regulations.unwrap_or_default();
        for t in &mut topics {
            for b in &mut t.legal_basis {
                b.regulation_title = regulations.get(&b.regulation).cloned().unwrap_or_default();
            }
        }
        let settings = settings.ok_or_else(|| LoadError::Invalid(Vec::new()))?;
        Ok(KnowledgeBase {
            categories,
            topics,
            articles,
            smalltalk,
            declines,
            training,
            lexicon,
            messages,
            settings,
            conversation: conversation.unwrap_or_default(),
            regulations,
            confidence,
            cited_articles,
        })
    }
}

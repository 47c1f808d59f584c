//! `netral kb`: check the knowledge (validation and self-consistency), export it, import a
//! news article.

use crate::core::{DeclineReason, Engine, EntryKind};
use crate::knowledge::{KnowledgeBase, citations, freshness, import};
use clap::Subcommand;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Validate the knowledge, check that the classifier and the confidence model are up to
    /// date, that every phrasing retrieves its own entry and that every cited article is
    /// explained in legal-basis.toml.
    Check {
        /// Also list topics whose `as_of` is older than this period (e.g. 180d, 26w).
        #[arg(long, value_parser = crate::store::parse_period, value_name = "PERIOD")]
        stale: Option<i64>,
    },
    /// Print docs/legal-basis.md, generated from knowledge/legal-basis.toml.
    LegalBasis,
    /// Train the intent classifier on the knowledge's phrasings and write intent-model.bin
    /// into the knowledge folder (--knowledge DIR, or ./knowledge in a checkout).
    Train,
    /// Fit the confidence model (confidence.toml) on left-out phrasings and labelled sets.
    Calibrate(super::train::CalibrateArgs),
    /// Print every entry (id, kind, title, verdict, questions, legal basis, sources, related).
    Export {
        /// JSON output (the only format for now).
        #[arg(long)]
        json: bool,
    },
    /// Turn a pasted news text into an article entry (printed, or written with --out).
    ImportArticle {
        /// The pasted article text (title on the first line).
        file: PathBuf,
        /// Id of the new article entry, e.g. berita-kota-contoh.
        #[arg(long)]
        id: String,
        /// URL of the article, when known.
        #[arg(long)]
        url: Option<String>,
        /// Write the entry to this file (refuses to overwrite) instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A phrasing that does not retrieve its own entry.
#[derive(Debug, Clone)]
pub struct Collision {
    pub entry: String,
    pub phrasing: String,
    /// What the phrasing gets instead: an id, or `(declined)`.
    pub got: String,
    pub score: f32,
}

/// Every entry that has phrasings, with its kind, id and phrasings.
fn phrased_entries(kb: &KnowledgeBase) -> Vec<(EntryKind, &str, &[String])> {
    let topics = kb
        .topics
        .iter()
        .map(|t| (EntryKind::Topic, t.id.as_str(), t.questions.as_slice()));
    let articles = kb
        .articles
        .iter()
        .map(|a| (EntryKind::Article, a.id.as_str(), a.questions.as_slice()));
    let smalltalk = kb
        .smalltalk
        .iter()
        .map(|s| (EntryKind::Smalltalk, s.id.as_str(), s.questions.as_slice()));
    let declines = kb
        .declines
        .iter()
        .map(|d| (EntryKind::Decline, d.id.as_str(), d.questions.as_slice()));
    topics
        .chain(articles)
        .chain(smalltalk)
        .chain(declines)
        .collect()
}

/// Asks every phrasing of every entry and lists those that land elsewhere.
pub fn self_check(engine: &Engine) -> Vec<Collision> {
    let own = phrased_entries(engine.knowledge())
        .into_iter()
        .flat_map(|(kind, id, qs)| {
            qs.iter()
                .map(move |q| (id, q.as_str(), kind == EntryKind::Decline))
        });
    let mut out = Vec::new();
    for (id, q, decline) in own {
        let reply = engine.ask(q);
        let got = match (&reply.id, &reply.declined) {
            (Some(got), _) => got.clone(),
            (None, Some(DeclineReason::OutOfScope(d))) => d.clone(),
            _ => "(declined)".to_string(),
        };
        let ok = if decline {
            !reply.answered && got == id
        } else {
            reply.answered && got == id
        };
        if !ok {
            out.push(Collision {
                entry: id.to_string(),
                phrasing: q.to_string(),
                got,
                score: reply.confidence,
            });
        }
    }
    out
}

/// How well each entry's phrasings cover one another: each phrasing asked as if it were not
/// in the knowledge. A low share means users who word the question differently may miss it.
#[derive(Debug, Clone, Default)]
pub struct LeaveOneOut {
    /// (entry id, phrasings that still reach the entry, phrasings), topics and articles.
    pub entries: Vec<(String, usize, usize)>,
    /// Of the phrasings that do not reach their entry, how many are declined (the rest land
    /// on another entry).
    pub declined: usize,
}

impl LeaveOneOut {
    /// Phrasings that still reach their entry, and all phrasings.
    pub fn totals(&self) -> (usize, usize) {
        self.entries
            .iter()
            .fold((0, 0), |(r, t), (_, er, et)| (r + er, t + et))
    }
}

/// Runs the leave-one-out check over every topic and article phrasing.
pub fn leave_one_out(engine: &Engine) -> LeaveOneOut {
    let mut declined = 0;
    let entries = phrased_entries(engine.knowledge())
        .into_iter()
        .filter(|(kind, _, _)| matches!(kind, EntryKind::Topic | EntryKind::Article))
        .map(|(_, id, questions)| {
            let mut reached = 0;
            for q in questions.iter() {
                match engine.ask_left_out(id, q) {
                    Some(r) if r.id.as_deref() == Some(id) => reached += 1,
                    Some(r) if !r.answered => declined += 1,
                    _ => {}
                }
            }
            (id.to_string(), reached, questions.len())
        })
        .collect();
    LeaveOneOut { entries, declined }
}

/// Advice that does not block loading: thin entries.
pub fn warnings(kb: &KnowledgeBase) -> Vec<String> {
    let mut out = Vec::new();
    for t in &kb.topics {
        if t.questions.len() < 10 {
            out.push(format!(
                "topic `{}` has {} phrasings (aim for at least 10)",
                t.id,
                t.questions.len()
            ));
        }
        if !(2..=4).contains(&t.related.len()) {
            out.push(format!(
                "topic `{}` has {} related topics (aim for 2–4)",
                t.id,
                t.related.len()
            ));
        }
    }
    out
}

pub fn run(dir: Option<&Path>, cmd: KbCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KbCommand::LegalBasis => {
            let engine = super::load_engine(dir)?;
            print!("{}", citations::markdown(engine.knowledge()));
            Ok(ExitCode::SUCCESS)
        }
        KbCommand::Check { stale } => {
            let engine = match super::load_engine(dir) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("{e:#}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let kb = engine.knowledge();
            println!(
                "loaded: {} topics, {} articles, {} small-talk, {} out-of-scope entries, {} phrasings",
                kb.topics.len(),
                kb.articles.len(),
                kb.smalltalk.len(),
                kb.declines.len(),
                engine.phrasing_count()
            );
            for w in warnings(kb) {
                println!("warning: {w}");
            }
            let mut model_stale = false;
            if let Some(note) = engine.model_note() {
                println!("problem: {note}");
                model_stale = true;
            }
            match &kb.confidence {
                None => {
                    println!(
                        "problem: no confidence.toml — run `netral kb calibrate` (see knowledge/README.md)"
                    );
                    model_stale = true;
                }
                Some(c) => {
                    let fitted_on = c.fitted.get("model").map(String::as_str).unwrap_or("");
                    if !engine.intent_model().trained_on().starts_with(fitted_on)
                        || fitted_on.is_empty()
                    {
                        println!(
                            "problem: confidence.toml was fitted for another classifier — run `netral kb calibrate` again"
                        );
                        model_stale = true;
                    }
                }
            }
            for a in citations::unused(kb) {
                println!(
                    "warning: legal-basis.toml explains `{} {}`, which no topic cites — remove it or cite it",
                    a.regulation, a.article
                );
            }
            if let Some(period) = stale {
                let cutoff = crate::store::day(crate::store::since(period));
                let old = freshness::stale(kb, &cutoff);
                println!("stale: {} topic(s) last checked before {cutoff}", old.len());
                for s in &old {
                    println!("stale: `{}` as_of {}", s.id, s.as_of);
                }
            }
            let missing = citations::missing(kb);
            for c in &missing {
                println!(
                    "missing legal basis: `{} {}` (cited by {}) has no entry in legal-basis.toml — add what it says, its source and sureness",
                    c.regulation,
                    if c.article.is_empty() {
                        "(whole regulation)"
                    } else {
                        &c.article
                    },
                    c.topics.join(", ")
                );
            }
            let loo = leave_one_out(&engine);
            let (reached, total) = loo.totals();
            println!(
                "leave-one-out (lexical index alone; `netral kb calibrate` reports the fused matcher's k-fold figure): {reached} of {total} phrasings ({:.1} %) still reach their entry from the other phrasings; of the rest {} are declined, {} land elsewhere",
                100.0 * reached as f64 / total.max(1) as f64,
                loo.declined,
                total - reached - loo.declined
            );
            let mut thin = loo.entries.clone();
            thin.sort_by(|a, b| (a.1 * b.2).cmp(&(b.1 * a.2)));
            let thin: Vec<String> = thin
                .iter()
                .take(5)
                .map(|(id, r, t)| format!("{id} {r}/{t}"))
                .collect();
            println!(
                "  least covered (add phrasings worded differently): {}",
                thin.join(", ")
            );
            let collisions = self_check(&engine);
            for c in &collisions {
                println!(
                    "collision: `{}` phrasing {:?} → {} ({:.2})",
                    c.entry, c.phrasing, c.got, c.score
                );
            }
            if collisions.is_empty() {
                println!("ok: every phrasing retrieves its own entry");
            } else {
                println!(
                    "{} phrasing(s) do not retrieve their own entry",
                    collisions.len()
                );
            }
            if missing.is_empty() {
                println!("ok: every cited article is explained in legal-basis.toml");
            } else {
                println!(
                    "{} cited article(s) missing from legal-basis.toml",
                    missing.len()
                );
            }
            Ok(
                if collisions.is_empty() && missing.is_empty() && !model_stale {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                },
            )
        }
        KbCommand::Train => super::train::train(dir),
        KbCommand::Calibrate(args) => super::train::calibrate(dir, args),
        KbCommand::Export { json: _ } => {
            let engine = super::load_engine(dir)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&export(engine.knowledge()))?
            );
            Ok(ExitCode::SUCCESS)
        }
        KbCommand::ImportArticle { file, id, url, out } => {
            let text = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let entry = import::article_toml(
                &String::from_utf8_lossy(&text),
                &id,
                url.as_deref().unwrap_or(""),
            )?;
            match out {
                None => print!("{entry}"),
                Some(path) => {
                    use std::io::Write;
                    let mut f = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
                    f.write_all(entry.as_bytes())?;
                    eprintln!(
                        "wrote {}; add questions and excerpt topics, then run `netral kb check`",
                        path.display()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Every entry as one JSON object (`kb export --json`).
pub fn export(kb: &KnowledgeBase) -> serde_json::Value {
    let mut out = Vec::new();
    for t in &kb.topics {
        out.push(json!({
            "id": t.id, "kind": EntryKind::Topic, "category": t.category, "title": t.title,
            "verdict": t.verdict, "short": t.short, "questions": t.questions,
            "legal_basis": t.legal_basis, "sanction": t.sanction, "sources": t.sources,
            "related": t.related, "as_of": t.as_of,
        }));
    }
    for a in &kb.articles {
        let sources = vec![json!({"title": format!("{} — {}", a.outlet, a.title), "url": a.url})];
        out.push(json!({
            "id": a.id, "kind": EntryKind::Article, "category": "berita", "title": a.title,
            "verdict": null, "short": a.summary, "questions": a.questions, "legal_basis": [],
            "sources": sources, "related": a.related, "outlet": a.outlet, "place": a.place,
            "date": a.date,
            "excerpts": a.excerpts.iter().map(|x| json!({"text": x.text, "topics": x.topics})).collect::<Vec<_>>(),
        }));
    }
    for s in &kb.smalltalk {
        out.push(json!({
            "id": s.id, "kind": EntryKind::Smalltalk, "title": s.title, "verdict": null,
            "short": s.reply, "questions": s.questions, "legal_basis": [], "sources": [], "related": [],
        }));
    }
    serde_json::Value::Array(out)
}

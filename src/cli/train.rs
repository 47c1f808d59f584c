//! `netral kb train` and `netral kb calibrate`: build the intent classifier and fit the
//! confidence model, both deterministically, from a knowledge folder.
//!
//! `kb train` learns from the knowledge's own phrasings and writes `intent-model.bin` with
//! the fingerprint of what it learned from (like `rasa train`; `kb check` refuses a stale
//! file). `kb calibrate` fits `confidence.toml` on two kinds of data the reported figures are
//! not computed on: every phrasing asked as if it were unknown (k-fold: a classifier trained
//! without it, the lexical index without it) and the labelled sets given with `--set`.

use super::eval;
use crate::core::confidence::{ConfidenceModel, Evidence};
use crate::core::intent::{self, IntentModel};
use crate::core::{Engine, EntryKind, intent_settings};
use crate::knowledge::KnowledgeBase;
use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The knowledge folder to write into: `--knowledge DIR`, or `./knowledge` in a checkout.
fn knowledge_dir(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    match dir {
        Some(d) => Ok(d.to_path_buf()),
        None if Path::new("knowledge/matcher.toml").is_file() => Ok(PathBuf::from("knowledge")),
        None => bail!(
            "this command writes into a knowledge folder: pass --knowledge DIR, or run it from the repository root"
        ),
    }
}

/// The knowledge in `dir` without its confidence model: training and calibrating must work
/// when `confidence.toml` is missing, stale or from an older set of signals.
fn knowledge_without_confidence(dir: &Path) -> anyhow::Result<KnowledgeBase> {
    let mut files = crate::knowledge::Files::from_dir(dir)?;
    files.0.retain(|(name, _)| name != "confidence.toml");
    KnowledgeBase::load(&files).with_context(|| format!("loading knowledge from {}", dir.display()))
}

/// Writes `bytes` to `path` through a temporary file, so a crash never leaves half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// `netral kb train`.
pub fn train(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let dir = knowledge_dir(dir)?;
    let kb = knowledge_without_confidence(&dir)?;
    let norm = crate::core::normalise::Normaliser::new(&kb.lexicon);
    let set = intent::training_set(&kb, &norm);
    let started = std::time::Instant::now();
    let model = IntentModel::train(&set, intent_settings());
    let bytes = model.to_bytes();
    let path = dir.join(intent::MODEL_FILE);
    let unchanged = std::fs::read(&path).is_ok_and(|old| old == bytes);
    if !unchanged {
        write_atomically(&path, &bytes)?;
    }
    println!(
        "{} {}: {} classes, {} phrasings, {} features, {:.1} MB, trained in {:.1} s; fingerprint {}",
        if unchanged { "unchanged" } else { "wrote" },
        path.display(),
        set.classes.len(),
        set.samples.len(),
        model.feature_count(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        &model.trained_on()[..16],
    );
    Ok(ExitCode::SUCCESS)
}

/// Options of `netral kb calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// Labelled sets to fit on (the `netral eval` format); never the sets you report on.
    #[arg(long = "set", required = true)]
    pub sets: Vec<PathBuf>,
    /// Folds for the phrasings asked as if unknown.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// The answer threshold is the lowest at which the sets' confidently-wrong share stays at
    /// or below this.
    #[arg(long, default_value_t = 0.015)]
    pub max_wrong: f64,
    /// ... and the left-out phrasings' confidently-wrong share at or below this (they are
    /// worded unlike the rest on purpose; this keeps the threshold from fitting one small set).
    #[arg(long, default_value_t = 0.04)]
    pub max_wrong_phrasings: f64,
    /// Weight of a labelled question relative to a left-out phrasing.
    #[arg(long, default_value_t = 2.0)]
    pub set_weight: f64,
}

/// One question's candidates, each with whether answering with it is right.
type Question = Vec<(Evidence, bool)>;

/// Whether answering with candidate (`id`, `kind`) is right, given the accepted ids (empty:
/// the question must be declined, which an out-of-scope entry does).
fn is_right(id: &str, kind: EntryKind, accepted: &[String]) -> bool {
    if kind == EntryKind::Decline {
        accepted.is_empty()
    } else {
        accepted.iter().any(|a| a == id)
    }
}

/// Share answered and share answered wrongly, at threshold `t`.
fn risk(model: &ConfidenceModel, questions: &[Question], t: f32) -> (f64, f64) {
    let model = model.calibrated();
    let (mut answered, mut wrong) = (0usize, 0usize);
    for q in questions {
        let top = q
            .iter()
            .map(|(e, right)| (e, right, model.confidence(e)))
            .max_by(|a, b| a.2.total_cmp(&b.2));
        if let Some((e, right, confidence)) = top
            && e.kind != EntryKind::Decline
            && confidence >= t
        {
            answered += 1;
            if !right {
                wrong += 1;
            }
        }
    }
    let n = questions.len().max(1) as f64;
    (answered as f64 / n, wrong as f64 / n)
}

/// `netral kb calibrate`.
pub fn calibrate(dir: Option<&Path>, args: CalibrateArgs) -> anyhow::Result<ExitCode> {
    let dir = knowledge_dir(dir)?;
    let model = std::fs::read(dir.join(intent::MODEL_FILE)).ok();
    let engine = Engine::with_model(knowledge_without_confidence(&dir)?, model.as_deref());
    if let Some(note) = engine.model_note() {
        bail!("{note}; calibrate needs the model that will ship — run `netral kb train` first");
    }
    let folds = args.folds.max(2);
    let set = intent::training_set(engine.knowledge(), engine.normaliser());
    let mut phrasings: Vec<Question> = Vec::new();
    for fold in 0..folds {
        let model = IntentModel::train_without(&set, intent_settings(), |i| i % folds == fold);
        for (i, x) in set.samples.iter().enumerate() {
            if i % folds != fold {
                continue;
            }
            let gold = &set.classes[x.class];
            let gold_is_decline = engine.knowledge().declines.iter().any(|d| &d.id == gold);
            let accepted: Vec<String> = if gold_is_decline {
                Vec::new()
            } else {
                vec![gold.clone()]
            };
            let q = engine
                .evidence(&x.text, Some((gold, &x.text)), Some(&model))
                .into_iter()
                .map(|(id, e)| (e, is_right(&id, e.kind, &accepted)))
                .collect();
            phrasings.push(q);
        }
        eprintln!("fold {}/{folds} done", fold + 1);
    }
    let mut labelled: Vec<Question> = Vec::new();
    let mut names = Vec::new();
    for path in &args.sets {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let cases = eval::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        for c in &cases {
            let q = engine
                .evidence(&c.question, None, None)
                .into_iter()
                .map(|(id, e)| (e, is_right(&id, e.kind, &c.accepted)))
                .collect();
            labelled.push(q);
        }
        names.push(path.display().to_string());
    }
    let mut examples: Vec<(Evidence, bool, f64)> = Vec::new();
    for q in &phrasings {
        examples.extend(q.iter().map(|(e, r)| (*e, *r, 1.0)));
    }
    for q in &labelled {
        examples.extend(q.iter().map(|(e, r)| (*e, *r, args.set_weight)));
    }
    let mut model = ConfidenceModel::fit(&examples, 1.0);
    let steps: Vec<f32> = (20..=95).map(|i| i as f32 / 100.0).collect();
    let threshold = steps
        .iter()
        .copied()
        .find(|&t| {
            risk(&model, &labelled, t).1 <= args.max_wrong
                && risk(&model, &phrasings, t).1 <= args.max_wrong_phrasings
        })
        .unwrap_or(0.95);
    model.threshold = threshold;
    let (answered, wrong) = risk(&model, &labelled, threshold);
    let (cv_answered, cv_wrong) = risk(&model, &phrasings, threshold);
    let mut fitted = BTreeMap::new();
    let mut command = format!(
        "netral kb calibrate --folds {folds} --max-wrong {} --max-wrong-phrasings {} --set-weight {}",
        args.max_wrong, args.max_wrong_phrasings, args.set_weight
    );
    for n in &names {
        let _ = write!(command, " --set {n}");
    }
    fitted.insert("command".to_string(), command);
    fitted.insert(
        "data".to_string(),
        format!(
            "{} phrasings asked as if unknown ({folds}-fold), {} labelled questions from {}",
            phrasings.len(),
            labelled.len(),
            names.join(", ")
        ),
    );
    fitted.insert(
        "threshold".to_string(),
        format!(
            "lowest of 0.20..0.95 with confidently wrong ≤ {} on the labelled questions and ≤ {} on the left-out phrasings (there: answered {:.3}, wrong {:.3}; left-out phrasings: answered {:.3}, wrong {:.3})",
            args.max_wrong, args.max_wrong_phrasings, answered, wrong, cv_answered, cv_wrong
        ),
    );
    fitted.insert(
        "model".to_string(),
        engine.intent_model().trained_on()[..16].to_string(),
    );
    model.fitted = fitted;
    let text = format!(
        "# The confidence model: written by `netral kb calibrate` (see knowledge/README.md). Do not\n# edit by hand; refit after `netral kb train`.\n{}",
        toml::to_string(&model).context("writing the confidence model")?
    );
    let path = dir.join("confidence.toml");
    write_atomically(&path, text.as_bytes())?;
    println!("wrote {}: threshold {threshold:.2}", path.display());
    println!(
        "{:>9}  {:>8}  {:>8}  {:>8}  {:>8}",
        "threshold", "answered", "wrong", "phr.ans", "phr.wrong"
    );
    for t in [0.3f32, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
        let (a, w) = risk(&model, &labelled, t);
        let (pa, pw) = risk(&model, &phrasings, t);
        println!("{t:>9.2}  {a:>8.3}  {w:>8.3}  {pa:>8.3}  {pw:>8.3}");
    }
    Ok(ExitCode::SUCCESS)
}

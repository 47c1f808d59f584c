//! `netral eval`: how well the matcher does on a labelled question set.
//!
//! The file format is that of `../shared/eval/dev.tsv`: `question<TAB>id|id…` per line, `-`
//! for a question that must be declined, `#` comments. The same [`evaluate`] is used by the
//! test suite, so the numbers a curator sees are the numbers CI enforces.

use crate::core::Engine;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The labelled TSV file.
    pub file: PathBuf,
    /// Fail (exit 1) when in-scope top-1 accuracy is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_top1: f64,
    /// Fail when the share of out-of-scope questions declined is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_declined: f64,
    /// Fail when the confidently-wrong rate is above this.
    #[arg(long, default_value_t = 1.0)]
    pub max_wrong: f64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The file holds conversations (a blank line between them, one turn a line): report turn
    /// and follow-up accuracy, answering each turn in the context of the turns before it.
    #[arg(long)]
    pub conversation: bool,
    /// With --conversation: fail when turn accuracy is below this.
    #[arg(long, default_value_t = 0.0)]
    pub min_turns: f64,
    /// Print the figures only, never the misses (text and JSON): for a reporting set, whose
    /// misses nobody may read before the figures are reported.
    #[arg(long)]
    pub summary: bool,
}

/// One labelled question.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub line: usize,
    pub question: String,
    /// Accepted ids; empty means "must decline".
    pub accepted: Vec<String>,
}

/// A question the matcher got wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub line: usize,
    pub question: String,
    pub accepted: Vec<String>,
    /// The id answered, or None when declined.
    pub got: Option<String>,
    pub score: f32,
}

/// The measures of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub in_scope: usize,
    pub out_of_scope: usize,
    /// Share of in-scope questions answered with an accepted id.
    pub top1: f64,
    /// Mean reciprocal rank of the first accepted id among the top five candidates.
    pub mrr5: f64,
    /// Share of out-of-scope questions declined.
    pub declined: f64,
    /// Share of all questions answered with an id that is not accepted.
    pub confidently_wrong: f64,
    /// Area under the ROC curve of the confidence: how well it separates questions whose best
    /// candidate is right (an accepted id, or an out-of-scope entry for a must-decline
    /// question) from those whose best candidate is wrong. None when one side is empty.
    pub auroc: Option<f64>,
    /// Answered and wrongly answered shares of all questions at several thresholds.
    pub coverage: Vec<RiskRow>,
    pub misses: Vec<Miss>,
}

/// One row of the coverage/risk table.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    pub threshold: f32,
    /// Share of all questions that would be answered.
    pub answered: f64,
    /// Share of all questions that would be answered with a wrong id.
    pub wrong: f64,
}

/// Thresholds of the coverage/risk table.
const RISK_THRESHOLDS: [f32; 8] = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// Probability that a random right item scores above a random wrong one (ties count half).
pub fn auroc(items: &[(f32, bool)]) -> Option<f64> {
    let mut sorted: Vec<(f32, bool)> = items.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pos = sorted.iter().filter(|x| x.1).count() as f64;
    let neg = sorted.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    // Rank sum of the positives, with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let avg = (i + j + 1) as f64 / 2.0;
        rank_sum += avg * sorted[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// Parses the TSV format; returns `line: problem` for malformed lines.
pub fn parse(text: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((q, ids)) = line.rsplit_once('\t') else {
            return Err(format!(
                "line {}: expected `question<TAB>ids` (or `-`)",
                i + 1
            ));
        };
        let ids = ids.trim();
        let accepted = if ids == "-" {
            Vec::new()
        } else {
            ids.split('|')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        cases.push(Case {
            line: i + 1,
            question: q.trim().to_string(),
            accepted,
        });
    }
    Ok(cases)
}

/// Runs every case through [`Engine::ask`] and [`Engine::candidates`].
pub fn evaluate(engine: &Engine, cases: &[Case]) -> Report {
    let (mut ins, mut outs, mut top1, mut rr, mut declined, mut wrong) =
        (0usize, 0usize, 0usize, 0f64, 0usize, 0usize);
    let mut misses = Vec::new();
    // (confidence of the best candidate, whether it is right, whether it can be answered)
    let mut tops: Vec<(f32, bool, bool)> = Vec::new();
    for c in cases {
        let reply = engine.ask(&c.question);
        if let Some(top) = engine.explain(&c.question).candidates.first() {
            let decline = top.kind == crate::core::EntryKind::Decline;
            let right = if decline {
                c.accepted.is_empty()
            } else {
                c.accepted.contains(&top.id)
            };
            tops.push((top.score, right, !decline));
        } else {
            tops.push((0.0, c.accepted.is_empty(), false));
        }
        let ok = if c.accepted.is_empty() {
            outs += 1;
            if reply.answered {
                wrong += 1;
                false
            } else {
                declined += 1;
                true
            }
        } else {
            ins += 1;
            let hit = reply.id.as_ref().is_some_and(|id| c.accepted.contains(id));
            if hit {
                top1 += 1;
            } else if reply.answered {
                wrong += 1;
            }
            let candidates = engine.candidates(&c.question, 5, false);
            if let Some(rank) = candidates
                .iter()
                .position(|cand| c.accepted.contains(&cand.id))
            {
                rr += 1.0 / (rank + 1) as f64;
            }
            hit
        };
        if !ok {
            misses.push(Miss {
                line: c.line,
                question: c.question.clone(),
                accepted: c.accepted.clone(),
                got: reply.id.clone(),
                score: reply.confidence,
            });
        }
    }
    let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let n = cases.len().max(1) as f64;
    let coverage = RISK_THRESHOLDS
        .iter()
        .map(|&t| {
            let answered = tops.iter().filter(|x| x.2 && x.0 >= t);
            RiskRow {
                threshold: t,
                answered: answered.clone().count() as f64 / n,
                wrong: answered.filter(|x| !x.1).count() as f64 / n,
            }
        })
        .collect();
    let items: Vec<(f32, bool)> = tops.iter().map(|x| (x.0, x.1)).collect();
    Report {
        auroc: auroc(&items),
        coverage,
        in_scope: ins,
        out_of_scope: outs,
        top1: share(top1, ins),
        mrr5: if ins == 0 { 1.0 } else { rr / ins as f64 },
        declined: share(declined, outs),
        confidently_wrong: if cases.is_empty() {
            0.0
        } else {
            wrong as f64 / cases.len() as f64
        },
        misses,
    }
}

/// The report as the terminal shows it.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if !report.misses.is_empty() {
        out.push_str("Misses:\n");
        for m in &report.misses {
            let expected = if m.accepted.is_empty() {
                "-".to_string()
            } else {
                m.accepted.join("|")
            };
            let got = m.got.clone().unwrap_or_else(|| "(declined)".to_string());
            out.push_str(&format!(
                "  line {:>3}: {:<50} expected {:<28} got {} ({:.2})\n",
                m.line, m.question, expected, got, m.score
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "questions: {} in scope, {} out of scope\nin-scope top-1:     {:.3}\nMRR@5:              {:.3}\nout-of-scope declined: {:.3}\nconfidently wrong:  {:.3}\n",
        report.in_scope, report.out_of_scope, report.top1, report.mrr5, report.declined, report.confidently_wrong
    ));
    match report.auroc {
        Some(a) => out.push_str(&format!("AUROC of confidence: {a:.3}\n")),
        None => out.push_str("AUROC of confidence: n/a (no right or no wrong best candidate)\n"),
    }
    out.push_str("coverage/risk (share of all questions):\n  threshold  answered  wrong\n");
    for r in &report.coverage {
        out.push_str(&format!(
            "  {:>9.2}  {:>8.3}  {:>5.3}\n",
            r.threshold, r.answered, r.wrong
        ));
    }
    out
}

pub fn run(engine: &Engine, args: EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    if args.conversation {
        return run_conversations(engine, &args, &text);
    }
    let cases = parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let mut report = evaluate(engine, &cases);
    if args.summary {
        report.misses.clear();
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    let mut failed = Vec::new();
    if report.top1 < args.min_top1 {
        failed.push(format!(
            "in-scope top-1 {:.3} < {}",
            report.top1, args.min_top1
        ));
    }
    if report.declined < args.min_declined {
        failed.push(format!(
            "declined {:.3} < {}",
            report.declined, args.min_declined
        ));
    }
    if report.confidently_wrong > args.max_wrong {
        failed.push(format!(
            "confidently wrong {:.3} > {}",
            report.confidently_wrong, args.max_wrong
        ));
    }
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("netral eval: below thresholds: {}", failed.join("; "));
        Ok(ExitCode::FAILURE)
    }
}

fn run_conversations(engine: &Engine, args: &EvalArgs, text: &str) -> anyhow::Result<ExitCode> {
    use super::conversation;
    let conversations = conversation::parse(text, true)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let mut report = conversation::evaluate(engine, &conversations);
    if args.summary {
        report.misses.clear();
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", conversation::render(&report));
    }
    if report.turn_accuracy < args.min_turns {
        eprintln!(
            "netral eval: below thresholds: turn accuracy {:.3} < {}",
            report.turn_accuracy, args.min_turns
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

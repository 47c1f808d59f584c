//! Conversations on the command line: the file layout shared by `netral ask --json
//! --conversation` and `netral eval --conversation`, and the conversation measures.
//!
//! Layout: one turn a line, a blank line between conversations, `#` comments. For `eval`
//! each turn is `question<TAB>accepted ids` (`|`-separated, `-` for "must not be answered").
//! Each conversation starts with an empty [`Context`]; after each turn the context becomes
//! [`Context::after`] the reply, exactly as the front ends do it. The same [`evaluate`] is used
//! by the test suite.

use super::eval::Case;
use crate::core::{Context, Engine, Reply};
use serde::Serialize;
use std::time::{Duration, Instant};

/// One conversation: its turns in order.
#[derive(Debug, Clone, Serialize)]
pub struct Conversation {
    pub turns: Vec<Case>,
}

/// Splits text into conversations at blank lines. With `labelled`, every turn must carry
/// `<TAB>ids`; without, a line is the question as typed (tabs and all).
pub fn parse(text: &str, labelled: bool) -> Result<Vec<Conversation>, String> {
    let mut out = Vec::new();
    let mut current: Vec<Case> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(Conversation {
                    turns: std::mem::take(&mut current),
                });
            }
            continue;
        }
        if labelled && line.starts_with('#') {
            continue;
        }
        let case = if labelled {
            let mut cases = super::eval::parse(line)
                .map_err(|e| e.replacen("line 1", &format!("line {}", i + 1), 1))?;
            let mut case = cases
                .pop()
                .ok_or_else(|| format!("line {}: empty", i + 1))?;
            case.line = i + 1;
            case
        } else {
            Case {
                line: i + 1,
                question: line.to_string(),
                accepted: Vec::new(),
            }
        };
        current.push(case);
    }
    if !current.is_empty() {
        out.push(Conversation { turns: current });
    }
    Ok(out)
}

/// Runs one conversation; calls `turn` with each case, the context it was asked in, its reply
/// and how long the answer took.
pub fn run(
    engine: &Engine,
    conversation: &Conversation,
    mut turn: impl FnMut(&Case, &Context, &Reply, Duration),
) {
    let mut ctx = Context::default();
    for case in &conversation.turns {
        let started = Instant::now();
        let reply = engine.ask_in(&case.question, Some(&ctx));
        turn(case, &ctx, &reply, started.elapsed());
        ctx = ctx.after(&reply);
    }
}

/// A turn answered wrongly.
#[derive(Debug, Clone, Serialize)]
pub struct TurnMiss {
    pub line: usize,
    pub question: String,
    pub accepted: Vec<String>,
    /// The id answered, or None when not answered.
    pub got: Option<String>,
    /// The entry the context was about when the turn was asked.
    pub context: Option<String>,
    pub followup: bool,
    pub score: f32,
}

/// The measures of a conversation run.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationReport {
    pub conversations: usize,
    pub turns: usize,
    /// Share of all turns right: an accepted id answered, or nothing answered for `-`.
    pub turn_accuracy: f64,
    /// Turns asked while the conversation was about an entry (there was something to follow).
    pub in_context: usize,
    /// Share of those right.
    pub followup_accuracy: f64,
    /// Turns the engine resolved against the context.
    pub resolved_in_context: usize,
    /// Turns labelled `-` asked with nothing to follow (a fragment as the first message)…
    pub context_free_fragments: usize,
    /// … and how many of them were answered anyway (the target is none).
    pub context_free_fragments_answered: usize,
    /// Clarifying questions asked ("Maksud Anda: A atau B?"); they count as not right.
    pub clarifying_questions: usize,
    pub misses: Vec<TurnMiss>,
}

/// Runs every conversation through [`Engine::ask_in`].
pub fn evaluate(engine: &Engine, conversations: &[Conversation]) -> ConversationReport {
    let mut r = ConversationReport {
        conversations: conversations.len(),
        turns: 0,
        turn_accuracy: 1.0,
        in_context: 0,
        followup_accuracy: 1.0,
        resolved_in_context: 0,
        context_free_fragments: 0,
        context_free_fragments_answered: 0,
        clarifying_questions: 0,
        misses: Vec::new(),
    };
    let (mut right, mut right_in_context) = (0usize, 0usize);
    for c in conversations {
        run(engine, c, |case, ctx, reply, _| {
            r.turns += 1;
            let ok = if case.accepted.is_empty() {
                !reply.answered
            } else {
                reply
                    .id
                    .as_ref()
                    .is_some_and(|id| case.accepted.contains(id))
            };
            right += usize::from(ok);
            if ctx.entry.is_some() {
                r.in_context += 1;
                right_in_context += usize::from(ok);
            } else if case.accepted.is_empty() {
                r.context_free_fragments += 1;
                r.context_free_fragments_answered += usize::from(reply.answered);
            }
            r.resolved_in_context += usize::from(reply.followup);
            r.clarifying_questions +=
                usize::from(reply.declined == Some(crate::core::DeclineReason::Ambiguous));
            if !ok {
                r.misses.push(TurnMiss {
                    line: case.line,
                    question: case.question.clone(),
                    accepted: case.accepted.clone(),
                    got: reply.id.clone(),
                    context: ctx.entry.clone(),
                    followup: reply.followup,
                    score: reply.confidence,
                });
            }
        });
    }
    let share = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    r.turn_accuracy = share(right, r.turns);
    r.followup_accuracy = share(right_in_context, r.in_context);
    r
}

/// The report as the terminal shows it.
pub fn render(r: &ConversationReport) -> String {
    let mut out = String::new();
    if !r.misses.is_empty() {
        out.push_str("Misses:\n");
        for m in &r.misses {
            let expected = if m.accepted.is_empty() {
                "-".to_string()
            } else {
                m.accepted.join("|")
            };
            let got = m
                .got
                .clone()
                .unwrap_or_else(|| "(not answered)".to_string());
            let ctx = m.context.as_deref().unwrap_or("-");
            out.push_str(&format!(
                "  line {:>3}: {:<44} after {:<22} expected {:<26} got {} ({:.2}{})\n",
                m.line,
                m.question,
                ctx,
                expected,
                got,
                m.score,
                if m.followup { ", follow-up" } else { "" }
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "conversations: {}, turns: {}\nturn accuracy:      {:.3}\nfollow-up accuracy: {:.3} ({} turns with a previous answer; {} resolved in context)\ncontext-free fragments answered: {} of {}\nclarifying questions: {}\n",
        r.conversations,
        r.turns,
        r.turn_accuracy,
        r.followup_accuracy,
        r.in_context,
        r.resolved_in_context,
        r.context_free_fragments_answered,
        r.context_free_fragments,
        r.clarifying_questions,
    ));
    out
}

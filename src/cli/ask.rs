//! `netral ask`: one answer rendered for the terminal, or JSON lines for scripts.

use crate::core::record::{Asked, ChatKind, Platform, Recorder};
use crate::core::render::{Style, plain};
use crate::core::{Engine, Reply};
use clap::Args;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Print one JSON object per question instead of the rendered answer.
    #[arg(long)]
    pub json: bool,
    /// Standard input holds conversations (a blank line between them, one turn a line); each
    /// turn is answered in the context of the turns before it, and the JSON gains `followup`
    /// and `context`.
    #[arg(long, conflicts_with = "question")]
    pub conversation: bool,
    /// The question. Without it, each line of standard input is a question.
    pub question: Vec<String>,
}

/// The JSON object printed for one reply by `ask --json`.
pub fn reply_json(reply: &Reply) -> serde_json::Value {
    json!({
        "query": reply.query,
        "answered": reply.answered,
        "id": reply.id,
        "kind": reply.kind,
        "score": score(reply.confidence),
        "verdict": reply.verdict,
        "title": reply.title,
        "declined": reply.declined,
        "suggestions": reply.suggestions.iter().map(|s| json!({"id": s.id, "title": s.title, "score": score(s.score)})).collect::<Vec<_>>(),
    })
}

/// [`reply_json`] with what the conversation did: `followup` (whether the context decided the
/// reply) and `context` (the entry it was resolved against, or null).
pub fn turn_json(reply: &Reply) -> serde_json::Value {
    let mut v = reply_json(reply);
    v["followup"] = json!(reply.followup);
    v["context"] = json!(reply.context);
    v
}

/// A score as `ask --json` (and the API) write it: rounded to four decimals.
pub fn score(x: f32) -> f64 {
    (f64::from(x) * 10_000.0).round() / 10_000.0
}

/// Answers, and records each question through `recorder` (queued: it never slows the answers;
/// the queue is written when `recorder` is dropped at the end).
pub fn run(
    engine: &Engine,
    args: AskArgs,
    recorder: std::sync::Arc<dyn Recorder>,
) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let style = Style {
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut out = stdout.lock();
    let m = &engine.knowledge().messages;
    if args.conversation {
        return conversations(engine, &args, &*recorder, &mut out, style);
    }
    let emit = |out: &mut std::io::StdoutLock, q: &str, first: bool| -> std::io::Result<()> {
        let started = std::time::Instant::now();
        let reply = engine.ask(q);
        recorder.asked(&Asked {
            reply: &reply,
            platform: Platform::Cli,
            chat: ChatKind::Private,
            asker: None,
            elapsed: started.elapsed(),
        });
        if args.json {
            writeln!(out, "{}", reply_json(&reply))?;
        } else {
            if !first {
                writeln!(out, "\n{}\n", "─".repeat(40))?;
            }
            let text = plain(&reply, m, style);
            match super::repl::terminal_width() {
                Some(width) => write!(out, "{}", crate::core::render::wrap(&text, width))?,
                None => write!(out, "{text}")?,
            }
        }
        out.flush()
    };
    if !args.question.is_empty() {
        emit(&mut out, &args.question.join(" "), true)?;
        return Ok(ExitCode::SUCCESS);
    }
    // One question per line; bytes, so that invalid UTF-8 never stops the stream.
    let mut input = std::io::stdin().lock();
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let q = String::from_utf8_lossy(&line);
        emit(&mut out, &q, first)?;
        first = false;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--conversation`: every conversation on standard input, each turn in its context.
fn conversations(
    engine: &Engine,
    args: &AskArgs,
    recorder: &dyn Recorder,
    out: &mut std::io::StdoutLock,
    style: Style,
) -> anyhow::Result<ExitCode> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let conversations = super::conversation::parse(&text, false).map_err(anyhow::Error::msg)?;
    let m = &engine.knowledge().messages;
    let mut result = Ok(());
    for (i, c) in conversations.iter().enumerate() {
        super::conversation::run(engine, c, |_, _, reply, elapsed| {
            recorder.asked(&Asked {
                reply,
                platform: Platform::Cli,
                chat: ChatKind::Private,
                asker: None,
                elapsed,
            });
            if result.is_err() {
                return;
            }
            result = if args.json {
                writeln!(out, "{}", turn_json(reply))
            } else {
                writeln!(out, "{}", plain(reply, m, style))
            };
        });
        if result.is_ok() && !args.json && i + 1 < conversations.len() {
            result = writeln!(out, "{}\n", "═".repeat(40));
        }
    }
    result?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

//! `netral repl`: the curators' prompt, with history, colour and `:explain`.

use crate::core::record::{Asked, ChatKind, Platform, Recorder};
use crate::core::render::{Style, plain, wrap};
use crate::core::{Context, Engine};
use rustyline::error::ReadlineError;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

fn history_path() -> Option<std::path::PathBuf> {
    dirs::data_dir().map(|d| d.join("netral").join("repl-history.txt"))
}

/// The width to wrap answers to: the terminal's, or `None` when output is not a terminal.
/// At least 40, so a tiny window does not turn an answer into a column of words.
pub fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0).max(40))
}

/// `:explain`: the normalised words (with their weight when below 1) and the top five
/// candidates: the fused confidence, the lexical score and the classifier's probability.
pub fn explain(engine: &Engine, q: &str) -> String {
    let e = engine.explain(q);
    let mut out = String::from("words:");
    for t in &e.terms {
        out.push(' ');
        match (&t.corrected, t.known) {
            (Some(c), _) => out.push_str(&format!("{}→{}[{}]", t.word, c, t.term)),
            (None, true) => out.push_str(&format!("{}[{}]", t.word, t.term)),
            (None, false) => out.push_str(&format!("{}[?]", t.word)),
        }
        if t.weight < 1.0 {
            out.push_str(&format!("×{:.2}", t.weight));
        }
    }
    out.push('\n');
    if e.candidates.is_empty() {
        out.push_str("no candidates\n");
    }
    if !e.candidates.is_empty() {
        out.push_str("   confidence  lexical  classifier  entry\n");
    }
    for (i, c) in e.candidates.iter().enumerate() {
        out.push_str(&format!(
            "{}. {:>10.3}  {:>7.3}  {:>10.3}  {:<26} via {:?}\n",
            i + 1,
            c.score,
            c.lexical,
            c.classifier,
            c.id,
            c.phrasing
        ));
    }
    out
}

pub fn run(dir: Option<&Path>, recorder: std::sync::Arc<dyn Recorder>) -> anyhow::Result<ExitCode> {
    let mut engine = super::load_engine(dir)?;
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let style = Style { color };
    let mut rl = rustyline::DefaultEditor::new()?;
    let history = history_path();
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    // The conversation so far: follow-ups ("sanksinya?", "kalau PPPK?") and numbered choices
    // are read against it; `:reset` starts over.
    let mut context = Context::default();
    println!("netral — tanya soal netralitas ASN. Ketik :help untuk bantuan, :quit untuk keluar.");
    loop {
        match rl.readline("netral> ") {
            Ok(line) => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line);
                let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
                match cmd {
                    ":quit" | ":q" | ":exit" => break,
                    ":help" | ":h" => println!(
                        ":explain <pertanyaan>  how the question was understood, top five candidates\n:reset                forget the conversation (follow-ups start over)\n:reload               reload the knowledge ({})\n:help                 this help\n:quit                 leave\nAnything else is a question; follow-ups (\"sanksinya?\", \"kalau PPPK?\") continue the last answer, and a number picks a choice.",
                        dir.map_or(
                            "built-in; start with --knowledge DIR to edit live".to_string(),
                            |d| d.display().to_string()
                        )
                    ),
                    ":reset" => {
                        context = Context::default();
                        println!("conversation reset");
                    }
                    ":explain" | ":e" => print!("{}", explain(&engine, rest)),
                    ":reload" | ":r" => match super::load_engine(dir) {
                        Ok(e) => {
                            engine = e;
                            println!("reloaded: {} phrasings", engine.phrasing_count());
                        }
                        Err(e) => {
                            println!("not reloaded, still using the previous knowledge:\n{e:#}")
                        }
                    },
                    c if c.starts_with(':') => println!("unknown command {c}; :help lists them"),
                    _ => {
                        let started = std::time::Instant::now();
                        let reply = engine.ask_in(line, Some(&context));
                        context = context.after(&reply);
                        recorder.asked(&Asked {
                            reply: &reply,
                            platform: Platform::Cli,
                            chat: ChatKind::Private,
                            asker: None,
                            elapsed: started.elapsed(),
                        });
                        let text = plain(&reply, &engine.knowledge().messages, style);
                        // Read the width for every answer: the window may have been resized.
                        match terminal_width() {
                            Some(width) => print!("{}", wrap(&text, width)),
                            None => print!("{text}"),
                        }
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(h) = &history {
        if let Some(parent) = h.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = rl.save_history(h);
    }
    Ok(ExitCode::SUCCESS)
}

//! The command line: `netral ask`, `repl`, `eval`, `kb …` and the adapters' entry points.
//!
//! This is the binary's edge: it reads arguments, files and the environment, builds the
//! engine and prints. Errors here are `anyhow` and end as one line on stderr with a non-zero
//! exit code; the library below uses typed errors.

mod ask;
pub mod conversation;
mod curator;
mod discord;
pub mod eval;
pub mod kb;
mod repl;
mod serve;
mod telegram;

use crate::core::Engine;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// netral — jawaban seputar netralitas ASN (PNS dan PPPK) dalam pemilu dan pilkada.
#[derive(Debug, Parser)]
#[command(name = "netral", version, about, long_about = None, after_help = after_help())]
pub struct Cli {
    /// Load the knowledge from this folder instead of the copy built into the binary.
    #[arg(long, global = true, env = "NETRAL_KNOWLEDGE", value_name = "DIR")]
    pub knowledge: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

fn after_help() -> String {
    let db = crate::store::default_path().map_or("none on this system: set it".to_string(), |p| {
        p.display().to_string()
    });
    format!(
        "Environment:\n  \
         NETRAL_KNOWLEDGE  knowledge folder (default: built in)\n  \
         NETRAL_DB         curator store of declined questions and 👍/👎; `off` records nothing\n                    \
         (default: {db})\n  \
         RUST_LOG          log level (default: warn)\n  \
         DISCORD_*         for `netral discord`"
    )
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer one question (or one per line of standard input).
    Ask(ask::AskArgs),
    /// Interactive prompt with history, :explain, :reload, :help and :quit.
    Repl,
    /// Measure the matcher on a labelled TSV file (question TAB accepted ids, or -).
    Eval(eval::EvalArgs),
    /// Check, export or extend the knowledge base.
    #[command(subcommand)]
    Kb(kb::KbCommand),
    /// Declined questions grouped by similarity, with the entry each group likely belongs to
    /// (from NETRAL_DB); `review purge --older-than 90d` deletes old rows.
    Review(curator::ReviewArgs),
    /// Answered rate, top topics and 👍/👎 per topic and platform over a period (from NETRAL_DB).
    Stats(curator::StatsArgs),
    /// Run the Discord bot (token in DISCORD_TOKEN).
    Discord(discord::DiscordArgs),
    /// Run the Telegram bot (token in TELOXIDE_TOKEN).
    Telegram(telegram::TelegramArgs),
    /// Run every adapter whose token is set (Telegram, Discord or both) in one process.
    Serve(serve::ServeArgs),
}

/// The recorder for declined questions, answers and feedback: the SQLite store at `NETRAL_DB`
/// (default: a file in the platform's data directory), or nothing with `NETRAL_DB=off`. If the
/// store cannot be opened, one warning is logged and nothing is recorded: answering never
/// depends on it. Call `close()` on it at shutdown (or drop it) to write what is queued.
pub fn recorder() -> std::sync::Arc<dyn crate::core::record::Recorder> {
    use crate::core::record::NoRecorder;
    use crate::store::{DB_ENV, Location, SqliteRecorder};
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    let problem = match Location::from_env() {
        Location::Off => return std::sync::Arc::new(NoRecorder),
        Location::File(path) => match SqliteRecorder::open(&path) {
            Ok(r) => return std::sync::Arc::new(r),
            Err(e) => format!("cannot open it: {e}"),
        },
        Location::Unknown => format!("no data directory for it; set {DB_ENV}"),
    };
    if !WARNED.swap(true, Ordering::SeqCst) {
        tracing::warn!(
            "curator store: {problem}; answering without recording ({DB_ENV}=off silences this)"
        );
    }
    std::sync::Arc::new(NoRecorder)
}

/// Loads the engine from `--knowledge DIR` or the built-in knowledge.
pub fn load_engine(dir: Option<&std::path::Path>) -> anyhow::Result<Engine> {
    match dir {
        Some(dir) => Engine::from_dir(dir)
            .with_context(|| format!("loading knowledge from {}", dir.display())),
        None => Engine::builtin().context("loading the built-in knowledge"),
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The Telegram bot's start-up facts (getMe flags, mode) are worth seeing by default.
    let default_filter = match cli.command {
        Command::Telegram(_) | Command::Serve(_) => "warn,netral=info",
        _ => "warn",
    };
    init_logging(default_filter);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("netral: {}", crate::secret::redact(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn init_logging(default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::secret::RedactingStderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let dir = cli.knowledge.as_deref();
    match cli.command {
        Command::Ask(args) => ask::run(&load_engine(dir)?, args, recorder()),
        Command::Repl => repl::run(dir, recorder()),
        Command::Eval(args) => eval::run(&load_engine(dir)?, args),
        Command::Kb(cmd) => kb::run(dir, cmd),
        Command::Review(args) => curator::review(dir, args),
        Command::Stats(args) => curator::stats(args),
        Command::Discord(args) => discord::run(dir, args),
        Command::Telegram(args) => telegram::run(dir, args),
        Command::Serve(args) => serve::run(dir, args),
    }
}

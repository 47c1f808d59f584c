//! The command line: `netral ask`, `repl`, `eval`, `kb …` and the adapters' entry points.
//!
//! This is the binary's edge: it reads arguments, files and the environment, builds the
//! engine and prints. Errors here are `anyhow` and end as one line on stderr with a non-zero
//! exit code; the library below uses typed errors.

mod ask;
pub mod conversation;
pub use ask::{reply_json, score};
mod curator;
mod discord;
pub mod eval;
mod http;
pub mod kb;
mod repl;
mod serve;
mod telegram;
mod train;

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
         NETRAL_DB         curator store of declined questions and 👍/👎: a SQLite file or\n                    \
         postgres://USER:PASSWORD@HOST:PORT/DATABASE; `off` records nothing\n                    \
         (default: {db})\n  \
         NETRAL_METRICS_LISTEN  ADDR for GET /healthz and /metrics (telegram, discord, serve)\n  \
         RUST_LOG          log level (default: warn)\n  \
         DISCORD_*         for `netral discord`\n  \
         NETRAL_HTTP_*     for `netral http` (NETRAL_HTTP_LISTEN also starts it in `netral serve`)"
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
    /// The curator store's schema: `db migrate` creates or upgrades it in NETRAL_DB.
    #[command(subcommand)]
    Db(curator::DbCommand),
    /// Run the Discord bot (token in DISCORD_TOKEN).
    Discord(discord::DiscordArgs),
    /// Run the Telegram bot (token in TELOXIDE_TOKEN).
    Telegram(telegram::TelegramArgs),
    /// Serve the JSON API and the web chat page (default 127.0.0.1:8080).
    Http(http::HttpArgs),
    /// Run every adapter whose token is set (Telegram, Discord or both), and the HTTP front end
    /// when NETRAL_HTTP_LISTEN is set, in one process.
    Serve(serve::ServeArgs),
}

/// The recorder every front end reports questions and feedback to: it counts them in the
/// process's metrics ([`crate::metrics::Metered`]) and passes them to the curator store at
/// `NETRAL_DB` — a SQLite file (default: one in the platform's data directory), a PostgreSQL
/// database (`postgres://…`) — or nothing with `NETRAL_DB=off`. If the store cannot be opened
/// or reached, one warning is logged and nothing is recorded meanwhile: answering never
/// depends on it. Call `close()` on it at shutdown (or drop it) to
/// write what is queued.
pub fn recorder() -> std::sync::Arc<dyn crate::core::record::Recorder> {
    std::sync::Arc::new(crate::metrics::Metered::new(store_recorder()))
}

/// The curator store's recorder alone (see [`recorder`]).
fn store_recorder() -> std::sync::Arc<dyn crate::core::record::Recorder> {
    use crate::core::record::NoRecorder;
    use crate::store::{DB_ENV, Location, StoreRecorder};
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    let problem = match Location::from_env() {
        Location::Off => return std::sync::Arc::new(NoRecorder),
        Location::File(path) => match StoreRecorder::open(&path) {
            Ok(r) => return std::sync::Arc::new(r),
            Err(e) => format!("cannot open it: {e}"),
        },
        Location::Postgres(target) => {
            match StoreRecorder::open_postgres(&target, crate::store::Options::default()) {
                Ok(r) => return std::sync::Arc::new(r),
                Err(e) => format!("cannot start it: {e}"),
            }
        }
        Location::Unknown => format!("no data directory for it; set {DB_ENV}"),
        // Refused by `run` before any front end starts.
        Location::Unsupported(_) | Location::Malformed(_) => {
            return std::sync::Arc::new(NoRecorder);
        }
    };
    if !WARNED.swap(true, Ordering::SeqCst) {
        tracing::warn!(
            "curator store: {problem}; answering without recording ({DB_ENV}=off silences this)"
        );
    }
    std::sync::Arc::new(NoRecorder)
}

/// The address for `/healthz` and `/metrics` from `NETRAL_METRICS_LISTEN` (None: not served),
/// or the one-line error to print before exiting with status 2.
pub fn metrics_listen() -> Result<Option<std::net::SocketAddr>, String> {
    crate::metrics::server::listen_addr_from_env().map_err(|e| e.to_string())
}

/// Describes the engine's knowledge in the metrics and, when `listen` is set, serves
/// `/healthz` and `/metrics` there for as long as the current Tokio runtime runs.
pub async fn serve_metrics(
    listen: Option<std::net::SocketAddr>,
    engine: &Engine,
) -> anyhow::Result<()> {
    crate::metrics::Metrics::global().set_knowledge(engine);
    if let Some(addr) = listen {
        crate::metrics::server::spawn(addr, crate::metrics::server::router())
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {addr} for /healthz and /metrics ({})",
                    crate::metrics::server::LISTEN_VAR
                )
            })?;
    }
    Ok(())
}

/// Loads the engine from `--knowledge DIR` or the built-in knowledge.
/// A missing or stale classifier is trained in memory, never used silently: the note goes to
/// standard error.
pub fn load_engine(dir: Option<&std::path::Path>) -> anyhow::Result<Engine> {
    let engine = match dir {
        Some(dir) => Engine::from_dir(dir)
            .with_context(|| format!("loading knowledge from {}", dir.display()))?,
        None => Engine::builtin().context("loading the built-in knowledge")?,
    };
    if let Some(note) = engine.model_note() {
        eprintln!("note: {note}");
    }
    Ok(engine)
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The Telegram bot's start-up facts (getMe flags, mode) are worth seeing by default.
    let default_filter = match cli.command {
        Command::Telegram(_) | Command::Serve(_) | Command::Http(_) => "warn,netral=info",
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
    let uses_store = !matches!(cli.command, Command::Eval(_) | Command::Kb(_));
    if let Some(problem) = uses_store
        .then(crate::store::Location::from_env)
        .and_then(|l| l.problem())
    {
        eprintln!("netral: {problem}");
        return Ok(ExitCode::from(2));
    }
    match cli.command {
        Command::Ask(args) => ask::run(&load_engine(dir)?, args, recorder()),
        Command::Repl => repl::run(dir, recorder()),
        Command::Eval(args) => eval::run(&load_engine(dir)?, args),
        Command::Kb(cmd) => kb::run(dir, cmd),
        Command::Review(args) => curator::review(dir, args),
        Command::Stats(args) => curator::stats(args),
        Command::Db(cmd) => curator::db(cmd),
        Command::Discord(args) => discord::run(dir, args),
        Command::Telegram(args) => telegram::run(dir, args),
        Command::Http(args) => http::run(dir, args),
        Command::Serve(args) => serve::run(dir, args),
    }
}

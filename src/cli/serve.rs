//! `netral serve`: every adapter whose token is set, and the HTTP front end when
//! `NETRAL_HTTP_LISTEN` is set, in one process over one shared core.

use crate::discord::DiscordConfig;
use crate::http::HttpConfig;
use crate::telegram::TelegramConfig;
use clap::Args;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Debug, Args)]
#[command(
    after_help = "Starts Telegram when TELOXIDE_TOKEN (or TELEGRAM_BOT_TOKEN) is set and Discord when \
    DISCORD_TOKEN is set, with the same settings as `netral telegram` (long polling) and `netral discord`, \
    and the HTTP API and web page when NETRAL_HTTP_LISTEN is set (like `netral http --listen`). \
    NETRAL_METRICS_LISTEN=ADDR serves GET /healthz and /metrics. SIGINT or SIGTERM stops them all cleanly."
)]
pub struct ServeArgs {}

/// Exit code when no adapter is configured or a setting is unusable.
const CONFIG_EXIT: u8 = 2;

pub fn run(dir: Option<&Path>, _args: ServeArgs) -> anyhow::Result<ExitCode> {
    let telegram = match TelegramConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    let discord = match DiscordConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    let http = match HttpConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    if telegram.is_none() && discord.is_none() && http.is_none() {
        eprintln!(
            "netral: no adapter to start: set {} (or {}) for Telegram, {} for Discord and/or {} for HTTP",
            crate::telegram::config::TOKEN_VARS[0],
            crate::telegram::config::TOKEN_VARS[1],
            crate::discord::TOKEN_VAR,
            crate::http::config::LISTEN_VAR
        );
        return Ok(ExitCode::from(CONFIG_EXIT));
    }
    let listen = match super::metrics_listen() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    let started: Vec<&str> = [
        telegram.as_ref().map(|_| "telegram"),
        discord.as_ref().map(|_| "discord"),
        http.as_ref().map(|_| "http"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let engine = Arc::new(super::load_engine(dir)?);
    let recorder = super::recorder();
    eprintln!("netral serve: starting {}", started.join(", "));
    tracing::info!(adapters = ?started, "serve: starting");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        // Installed first: a stop signal sent once a front end says it is up is never lost.
        let stop = crate::shutdown::signal();
        if let Err(e) = super::serve_metrics(listen, &engine).await {
            eprintln!("netral serve: {e:#}");
            return Some("metrics");
        }
        // One signal stops every adapter.
        let (stop_tx, stop_rx) = watch::channel(false);
        tokio::spawn(async move {
            stop.await;
            let _ = stop_tx.send(true);
        });
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(config) = telegram {
            let (engine, recorder, stop) =
                (engine.clone(), recorder.clone(), stopped(stop_rx.clone()));
            tasks.spawn(async move {
                (
                    "telegram",
                    crate::telegram::run_until(config, engine, recorder, stop).await,
                )
            });
        }
        if let Some(config) = discord {
            let (engine, recorder, stop) =
                (engine.clone(), recorder.clone(), stopped(stop_rx.clone()));
            tasks.spawn(async move {
                (
                    "discord",
                    crate::discord::run_until(config, engine, recorder, stop).await,
                )
            });
        }
        if let Some(config) = http {
            let (engine, recorder, stop) =
                (engine.clone(), recorder.clone(), stopped(stop_rx.clone()));
            tasks.spawn(async move {
                let result = crate::http::run_until(config, engine, recorder, stop).await;
                ("http", result.map_err(anyhow::Error::from))
            });
        }
        let mut failed = None;
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((name, Ok(()))) => tracing::info!(adapter = name, "serve: stopped"),
                Ok((name, Err(e))) => {
                    let message = crate::secret::redact(&format!("{e:#}"));
                    eprintln!("netral serve: {name} stopped with an error: {message}");
                    failed = Some(name);
                }
                Err(e) => {
                    eprintln!("netral serve: an adapter task failed: {e}");
                    failed = Some("adapter");
                }
            }
        }
        failed
    });
    Ok(match result {
        None => ExitCode::SUCCESS,
        Some(_) => ExitCode::FAILURE,
    })
}

//! `netral telegram`: runs the Telegram bot (long polling, or webhooks with `--webhook`).

use crate::telegram::{TelegramConfig, config};
use clap::Args;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
#[command(
    after_help = "Environment: TELOXIDE_TOKEN (or TELEGRAM_BOT_TOKEN) the bot token; \
    TELOXIDE_API_URL another Bot API server; TELOXIDE_PROXY a proxy; NETRAL_WEBHOOK_SECRET the \
    webhook secret (shared by replicas); NETRAL_TELEGRAM_USER_LIMIT questions per user per \
    minute (default 20); NETRAL_METRICS_LISTEN the address for GET /healthz and /metrics."
)]
pub struct TelegramArgs {
    /// Receive updates by webhook at this public HTTPS URL instead of long polling (several
    /// replicas may then share one token).
    #[arg(long, value_name = "PUBLIC-URL")]
    pub webhook: Option<String>,
    /// Address the webhook server listens on.
    #[arg(
        long,
        value_name = "ADDR",
        requires = "webhook",
        default_value = "0.0.0.0:8080"
    )]
    pub listen: SocketAddr,
}

/// Exit code when the token is missing or a setting is unusable.
const CONFIG_EXIT: u8 = 2;

pub fn run(dir: Option<&Path>, args: TelegramArgs) -> anyhow::Result<ExitCode> {
    let config = match TelegramConfig::from_env() {
        Ok(Some(c)) => c,
        Ok(None) => {
            eprintln!(
                "netral: {} is not set: put the bot token from @BotFather in it \
                 ({} also works)",
                config::TOKEN_VARS[0],
                config::TOKEN_VARS[1]
            );
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    let config = match &args.webhook {
        None => config,
        Some(url) => {
            let secret = std::env::var(config::WEBHOOK_SECRET_VAR).ok();
            match config.webhook(url, args.listen, secret) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("netral: {e}");
                    return Ok(ExitCode::from(CONFIG_EXIT));
                }
            }
        }
    };
    let listen = match super::metrics_listen() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    let engine = Arc::new(super::load_engine(dir)?);
    let recorder = super::recorder();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        super::serve_metrics(listen, &engine).await?;
        crate::telegram::run(config, engine, recorder).await
    })?;
    Ok(ExitCode::SUCCESS)
}

//! `netral discord`: reads the Discord settings from the environment and runs the bot.

use super::{load_engine, recorder};
use crate::discord::{self, DiscordConfig, TOKEN_VAR};
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code for a missing or unusable setting.
const USAGE: u8 = 2;

#[derive(Debug, Args)]
#[command(after_help = "Environment:
  DISCORD_TOKEN                    the bot token (required; never printed)
  DISCORD_GUILD_ID                 register the slash commands to this server only (instant; development)
  DISCORD_MESSAGE_CONTENT_INTENT   0 to not request the privileged intent (mentions and DMs still work)
  DISCORD_API_URL                  testing/proxy mode: send every REST call to this base instead of
                                   discord.com and take the gateway from its /api/v10/gateway
                                   (serenity's rate limiter is off in this mode)
  NETRAL_METRICS_LISTEN            ADDR to serve GET /healthz and /metrics on (e.g. 0.0.0.0:9100)")]
pub struct DiscordArgs {}

pub fn run(dir: Option<&std::path::Path>, _args: DiscordArgs) -> anyhow::Result<ExitCode> {
    let config = match DiscordConfig::from_env() {
        Ok(Some(config)) => config,
        Ok(None) => {
            eprintln!(
                "netral: {TOKEN_VAR} is not set — export the bot token from https://discord.com/developers/applications"
            );
            return Ok(ExitCode::from(USAGE));
        }
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    let listen = match super::metrics_listen() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    let engine = Arc::new(load_engine(dir)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        super::serve_metrics(listen, &engine).await?;
        discord::run(config, engine, recorder()).await
    });
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A setting Discord refuses is a configuration error, like a missing one.
        Err(e) if e.is::<discord::Rejected>() => {
            eprintln!("netral: {e}");
            Ok(ExitCode::from(USAGE))
        }
        Err(e) => Err(e),
    }
}

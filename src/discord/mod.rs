//! The Discord front end (`netral discord`): slash commands, mentions and DMs over serenity.
//!
//! Thin by design: [`handler`] routes gateway events to the core ([`Engine::ask`],
//! [`Engine::candidates`], [`Engine::answer_by_id`]), [`render`] turns the core's reply into
//! embeds within Discord's limits, [`components`] builds the buttons and menus and parses
//! their presses, [`send`] wraps everything into serenity builders with mentions disabled.
//! Nothing here decides what to answer; every sentence a user reads comes from
//! `knowledge/messages/discord.toml` (or `core.toml`).
//!
//! [`run`] is the entry point for `netral discord` and for `netral serve`, which runs it beside
//! other adapters over one shared engine.

pub mod commands;
pub mod components;
mod config;
mod handler;
pub mod limits;
pub mod render;
pub mod send;

pub use config::{
    API_URL_VAR, ConfigError, DiscordConfig, GUILD_ID_VAR, MESSAGE_CONTENT_VAR, TOKEN_VAR,
};

use crate::core::Engine;
use crate::core::record::Recorder;
use anyhow::Context as _;
use serenity::all::{ClientBuilder, GatewayIntents, GuildId, HttpBuilder};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Keys this adapter reads from `knowledge/messages/discord.toml`.
pub const MESSAGE_KEYS: &[&str] = &[
    "command-tanya",
    "command-tanya-question",
    "command-topik",
    "command-bantuan",
    "help-title",
    "help",
    "topics-intro",
    "topics-category-placeholder",
    "topics-topic-placeholder",
    "topics-choose",
    "topics-empty",
    "feedback-helpful",
    "feedback-not-helpful",
    "feedback-thanks-helpful",
    "feedback-thanks-not-helpful",
    "unknown-entry",
    "continued",
    "error",
];

/// The gateway intents netral asks for. MESSAGE_CONTENT is privileged (it must be enabled in
/// the developer portal); without it Discord still delivers the text of DMs and of messages
/// that mention the bot, which is all netral reads, so it can be switched off.
pub fn intents(config: &DiscordConfig) -> GatewayIntents {
    let mut intents = GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.message_content_intent {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// Runs the bot until SIGINT or SIGTERM, then shuts the shards down cleanly.
pub async fn run(
    config: DiscordConfig,
    engine: Arc<Engine>,
    recorder: Arc<dyn Recorder>,
) -> anyhow::Result<()> {
    run_until(config, engine, recorder, crate::shutdown::signal()).await
}

/// Runs the bot until `shutdown` resolves (or the gateway gives up), then closes the shards.
/// Discord unreachable at start-up is retried with back-off (1, 2, 4 … 30 s) until it answers
/// or `shutdown`; a token or intent Discord refuses ends it with [`Rejected`].
pub async fn run_until(
    config: DiscordConfig,
    engine: Arc<Engine>,
    recorder: Arc<dyn Recorder>,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let redacted = |e: &dyn std::fmt::Display| crate::secret::redact(&e.to_string());
    crate::metrics::Health::global().starting(handler::HEALTH);
    let mut http =
        HttpBuilder::new(config.token.expose()).default_allowed_mentions(send::no_mentions());
    if let Some(base) = &config.api_url {
        // serenity ignores the proxy while its rate limiter is on: testing/proxy mode only.
        http = http.proxy(base).ratelimiter_disabled(true);
        tracing::warn!(
            "discord: {API_URL_VAR} is set: REST calls go to {base} with the rate limiter off (testing/proxy mode)"
        );
    }
    let http = http.build();
    tokio::pin!(shutdown);
    // The gateway URL, asked until Discord (or the configured API) answers. With a redirected
    // API the gateway must come from it: serenity would otherwise fall back to Discord's own
    // gateway and send the token there.
    let gateway = tokio::select! {
        url = gateway_url(&http) => url?,
        () = &mut shutdown => return Ok(()),
    };
    let handler = handler::Handler {
        engine,
        recorder,
        guild_id: config.guild_id.map(GuildId::new),
        defer_after: config.defer_after,
        registered: AtomicBool::new(false),
        memory: crate::chat_memory::ChatMemory::default(),
        connected_once: AtomicBool::new(false),
    };
    let mut client = ClientBuilder::new_with_http(http, intents(&config))
        .event_handler(handler)
        .await
        .map_err(|e| anyhow::anyhow!("{}", redacted(&e)))
        .context("starting the Discord client")?;
    *client.ws_url.lock().await = gateway;
    let shard_manager = Arc::clone(&client.shard_manager);
    let start = client.start();
    tokio::pin!(start);
    tokio::select! {
        result = &mut start => return finished(result),
        () = &mut shutdown => {}
    }
    tracing::info!("discord: shutting down");
    crate::metrics::Health::global().set_down(handler::HEALTH, "stopping");
    let running = !shard_manager.runners.lock().await.is_empty();
    shard_manager.shutdown_all().await;
    if running {
        // shutdown_all closes every shard's connection and then lets start() return.
        if let Ok(result) = tokio::time::timeout(std::time::Duration::from_secs(5), start).await {
            return finished(result);
        }
    }
    Ok(())
}

/// Back-off between start-up attempts: 1, 2, 4 … seconds, at most 30 (as for Telegram).
fn backoff(errors: u32) -> std::time::Duration {
    std::time::Duration::from_secs((1u64 << errors.min(5)).min(30))
}

/// A setting Discord refuses (the token, an intent): retrying cannot help, the operator must
/// change the configuration. `netral discord` exits 2 on it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Rejected(String);

fn rejected_token() -> anyhow::Error {
    Rejected(format!(
        "Discord rejected the bot token (401 Unauthorized): check {TOKEN_VAR}"
    ))
    .into()
}

/// `GET /gateway`, retried with back-off while Discord is unreachable or failing; only a
/// rejected token ends it.
async fn gateway_url(http: &serenity::http::Http) -> anyhow::Result<String> {
    let health = crate::metrics::Health::global();
    let mut errors = 0;
    loop {
        match http.get_gateway().await {
            Ok(g) => return Ok(g.url),
            Err(serenity::Error::Http(e)) if e.status_code().map(|s| s.as_u16()) == Some(401) => {
                health.set_down(handler::HEALTH, "the bot token was rejected");
                return Err(rejected_token());
            }
            Err(e) => {
                let wait = backoff(errors);
                errors += 1;
                tracing::warn!(
                    "discord: cannot reach the gateway endpoint, retrying in {}s: {}",
                    wait.as_secs(),
                    crate::secret::redact(&e.to_string())
                );
                health.failed(handler::HEALTH, "cannot reach Discord; retrying");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

fn finished(result: serenity::Result<()>) -> anyhow::Result<()> {
    use serenity::gateway::GatewayError;
    match result {
        Ok(()) => Ok(()),
        Err(serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents)) => {
            Err(Rejected(format!(
                "Discord refused the privileged MESSAGE_CONTENT intent: enable it for the bot in the developer portal, or set {MESSAGE_CONTENT_VAR}=0 (mentions and DMs are still answered)"
            ))
            .into())
        }
        Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
            Err(rejected_token())
        }
        Err(e) => anyhow::bail!(
            "the Discord connection ended: {}",
            crate::secret::redact(&e.to_string())
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_include_message_content_unless_switched_off() {
        let mut c = DiscordConfig::new("token-1234567");
        assert!(intents(&c).contains(GatewayIntents::MESSAGE_CONTENT));
        assert!(
            intents(&c).contains(GatewayIntents::DIRECT_MESSAGES | GatewayIntents::GUILD_MESSAGES)
        );
        c.message_content_intent = false;
        assert!(!intents(&c).contains(GatewayIntents::MESSAGE_CONTENT));
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn every_message_key_exists_in_the_built_in_knowledge() {
        let engine = Engine::builtin().expect("built-in knowledge");
        let missing = engine.knowledge().messages.missing("discord", MESSAGE_KEYS);
        assert!(missing.is_empty(), "missing messages: {missing:?}");
    }
}

//! The Telegram adapter (`netral telegram`): private chats, groups, inline mode, buttons.
//!
//! Thin by design: [`command`] decides what a message asks, the core answers, [`render`] turns
//! the reply into Telegram HTML, [`keyboard`] adds the buttons, [`send`] delivers. This file is
//! the routing table and the process around it: start-up (getMe with back-off, commands,
//! webhook or long polling), the dispatcher, and a clean stop on SIGINT/SIGTERM that confirms
//! processed updates to Telegram. It is not the place for wording (that is
//! `knowledge/messages/telegram.toml`) or for matching (that is the core).
//!
//! Robustness: the `Throttle` adaptor sits innermost (per-chat and global rate limits, 429
//! retries); network errors back off and never end the process; one user can ask at most
//! [`config::DEFAULT_USER_LIMIT`] questions a minute. The token never reaches a log line: errors
//! pass through [`config::Token::redact`].

pub mod command;
pub mod config;
mod handlers;
pub mod keyboard;
pub mod limit;
pub mod render;
pub mod send;

pub use config::{ConfigError, Mode, TelegramConfig, Token, WebhookConfig};

use crate::core::Engine;
use crate::core::record::Recorder;
use crate::metrics::Health;
use command::BotIdentity;
use handlers::State;
use send::TgBot;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use teloxide::dispatching::{Dispatcher, UpdateFilterExt, UpdateHandler};
use teloxide::error_handlers::ErrorHandler;
use teloxide::payloads::{SetMyCommandsSetters, SetWebhookSetters};
use teloxide::prelude::{Requester, RequesterExt};
use teloxide::types::{AllowedUpdate, BotCommand, BotCommandScope, Update};
use teloxide::update_listeners::{Polling, UpdateListener, webhooks};
use teloxide::{ApiError, RequestError, dptree};

/// Every message key of the `telegram` section this adapter uses.
pub const MESSAGE_KEYS: &[&str] = &[
    "start",
    "help",
    "group-help",
    "ask-usage",
    "unknown-command",
    "not-text",
    "rate-limited",
    "categories",
    "category",
    "no-topics",
    "back-button",
    "full-answer-button",
    "full-answer-link",
    "feedback-yes-button",
    "feedback-no-button",
    "feedback-thanks",
    "button-expired",
    "inline-ask-bot",
    "cmd-start",
    "cmd-bantuan",
    "cmd-tanya",
    "cmd-topik",
];

/// The commands shown in Telegram's menu: everywhere, and in groups.
const COMMANDS: [&str; 4] = ["start", "bantuan", "tanya", "topik"];
const GROUP_COMMANDS: [&str; 2] = ["tanya", "bantuan"];

/// The updates the bot asks Telegram for.
const UPDATES: [AllowedUpdate; 3] = [
    AllowedUpdate::Message,
    AllowedUpdate::InlineQuery,
    AllowedUpdate::CallbackQuery,
];

/// This adapter's name in `/healthz`.
const HEALTH: &str = "telegram";

/// How long a graceful stop may take before the process gives up waiting.
const STOP_GRACE: Duration = Duration::from_secs(20);

/// The routing table: which handler gets which update.
fn schema() -> UpdateHandler<RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(handlers::on_message))
        .branch(Update::filter_callback_query().endpoint(handlers::on_callback))
        .branch(Update::filter_inline_query().endpoint(handlers::on_inline_query))
}

/// Runs the bot until SIGINT or SIGTERM, then stops cleanly.
pub async fn run(
    config: TelegramConfig,
    engine: Arc<Engine>,
    recorder: Arc<dyn Recorder>,
) -> anyhow::Result<()> {
    run_until(config, engine, recorder, crate::shutdown::signal()).await
}

/// Like [`run`], stopping when `shutdown` resolves (tests, or a process running several
/// front ends with one signal handler).
pub async fn run_until(
    config: TelegramConfig,
    engine: Arc<Engine>,
    recorder: Arc<dyn Recorder>,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let token = config.token.clone();
    let redact = |e: anyhow::Error| anyhow::anyhow!(token.redact(&format!("{e:#}")));
    tokio::pin!(shutdown);
    Health::global().starting(HEALTH);
    let bot = match bot(&config) {
        Ok(bot) => bot,
        Err(e) => return Err(redact(e)),
    };
    let me = tokio::select! {
        me = identify(&bot, &token) => me.map_err(redact)?,
        () = &mut shutdown => return Ok(()),
    };
    let state = Arc::new(State {
        limiter: limit::UserLimiter::new(config.user_limit, config.user_window),
        engine,
        recorder,
        me,
        token: token.clone(),
        memory: crate::chat_memory::ChatMemory::default(),
    });
    tokio::select! {
        () = set_commands(&bot, &state) => {}
        () = &mut shutdown => return Ok(()),
    }
    match &config.mode {
        Mode::Polling => {
            tokio::select! {
                () = delete_webhook(&bot, &token) => {}
                () = &mut shutdown => return Ok(()),
            }
            let listener = Polling::builder(bot.clone())
                .timeout(Duration::from_secs(10))
                .backoff_strategy(backoff)
                .build();
            tracing::info!("telegram: long polling (one process per token)");
            Health::global().set_connected(HEALTH, true);
            dispatch(bot, state, listener, shutdown).await
        }
        Mode::Webhook(hook) => {
            let listener = tokio::select! {
                l = webhook_listener(&bot, &token, hook) => l.map_err(redact)?,
                () = &mut shutdown => return Ok(()),
            };
            Health::global().set_connected(HEALTH, true);
            dispatch(bot, state, listener, shutdown).await
        }
    }
}

/// The Bot API client: token, API URL and proxy from the configuration; `Throttle` innermost.
fn bot(config: &TelegramConfig) -> anyhow::Result<TgBot> {
    let mut client = teloxide::net::default_reqwest_settings();
    if let Some(proxy) = &config.proxy {
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|e| anyhow::anyhow!("{} is not a usable proxy: {e}", config::PROXY_VAR))?;
        client = client.proxy(proxy);
    }
    let client = client
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))?;
    let mut bot = teloxide::Bot::with_client(config.token.expose(), client);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url.clone());
    }
    Ok(bot
        .throttle(teloxide::adaptors::throttle::Limits::default())
        .cache_me())
}

/// Back-off after failed requests: 1, 2, 4 … seconds, at most 30.
fn backoff(errors: u32) -> Duration {
    Duration::from_secs((1u64 << errors.min(5)).min(30))
}

/// `getMe`, retried with back-off until it works; only a rejected token is fatal.
async fn identify(bot: &TgBot, token: &Token) -> anyhow::Result<BotIdentity> {
    let mut errors = 0;
    loop {
        match bot.get_me().await {
            Ok(me) => {
                let username = me.user.username.clone().unwrap_or_default();
                tracing::info!(
                    "telegram: bot @{username} ready; can_read_all_group_messages={} \
                     (privacy mode {}), supports_inline_queries={}",
                    me.can_read_all_group_messages,
                    if me.can_read_all_group_messages {
                        "off: the bot sees every group message"
                    } else {
                        "on: groups reach the bot with /tanya, replies and mentions"
                    },
                    me.supports_inline_queries,
                );
                if !me.supports_inline_queries {
                    tracing::warn!(
                        "telegram: inline mode is off; enable it with /setinline in @BotFather"
                    );
                }
                return Ok(BotIdentity {
                    id: me.user.id.0,
                    username,
                });
            }
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                Health::global().set_down(HEALTH, "the bot token was rejected");
                anyhow::bail!(
                    "Telegram rejected the bot token (Unauthorized): check {}",
                    config::TOKEN_VARS[0]
                );
            }
            Err(e) => {
                let wait = backoff(errors);
                errors += 1;
                send::log_failure(
                    token,
                    &format!("getMe failed, retrying in {}s", wait.as_secs()),
                    &e,
                );
                Health::global().failed(HEALTH, "getMe failing; retrying");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Registers the command menu with Indonesian descriptions; a failure is logged, not fatal.
async fn set_commands(bot: &TgBot, state: &State) {
    let m = &state.engine.knowledge().messages;
    let commands = |names: &[&str]| -> Vec<BotCommand> {
        names
            .iter()
            .map(|n| BotCommand::new(*n, m.get("telegram", &format!("cmd-{n}"))))
            .collect()
    };
    if let Err(e) = send::with_retry_after(bot.set_my_commands(commands(&COMMANDS))).await {
        send::log_failure(&state.token, "setMyCommands failed", &e);
    }
    let groups = bot
        .set_my_commands(commands(&GROUP_COMMANDS))
        .scope(BotCommandScope::AllGroupChats);
    if let Err(e) = send::with_retry_after(groups).await {
        send::log_failure(&state.token, "setMyCommands (groups) failed", &e);
    }
}

/// Long polling fails while a webhook is set: remove it first.
async fn delete_webhook(bot: &TgBot, token: &Token) {
    match bot.get_webhook_info().await {
        Ok(info) if info.url.is_some() => {
            tracing::info!("telegram: removing the webhook to use long polling");
            if let Err(e) = bot.delete_webhook().await {
                send::log_failure(token, "deleteWebhook failed", &e);
            }
        }
        Ok(_) => {}
        Err(e) => send::log_failure(token, "getWebhookInfo failed", &e),
    }
}

/// Registers the webhook (with its secret) and serves it. The webhook is left in place on
/// exit: other replicas behind the same URL keep receiving updates.
async fn webhook_listener(
    bot: &TgBot,
    token: &Token,
    hook: &WebhookConfig,
) -> anyhow::Result<impl UpdateListener<Err = std::convert::Infallible> + Send + use<>> {
    let mut options = webhooks::Options::new(hook.listen, hook.public_url.clone());
    let secret = match &hook.secret {
        Some(s) => s.clone(),
        None => {
            tracing::info!(
                "telegram: {} not set; using a generated webhook secret (one replica only)",
                config::WEBHOOK_SECRET_VAR
            );
            let generated = options.get_or_gen_secret_token().to_string();
            crate::secret::register(&generated);
            generated
        }
    };
    options.secret_token = Some(secret.clone());
    let tcp = tokio::net::TcpListener::bind(hook.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", hook.listen))?;
    let mut errors = 0;
    loop {
        let req = bot
            .set_webhook(hook.public_url.clone())
            .secret_token(secret.clone())
            .allowed_updates(UPDATES.to_vec());
        match req.await {
            Ok(_) => break,
            Err(RequestError::Api(ApiError::InvalidToken)) => anyhow::bail!(
                "Telegram rejected the bot token (Unauthorized): check {}",
                config::TOKEN_VARS[0]
            ),
            Err(e) => {
                let wait = backoff(errors);
                errors += 1;
                send::log_failure(token, "setWebhook failed, retrying", &e);
                Health::global().failed(HEALTH, "setWebhook failing; retrying");
                tokio::time::sleep(wait).await;
            }
        }
    }
    let local = tcp.local_addr().unwrap_or(hook.listen);
    let (listener, stopped, router) = webhooks::axum_no_setup(options);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(tcp, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!("telegram: webhook server failed: {e}");
        }
    });
    tracing::info!(
        "telegram: webhook mode, listening on {local} for {}",
        hook.public_url.path()
    );
    Ok(listener)
}

/// Logs errors from handlers and from the update listener, without the token; listener
/// errors also mark the adapter down in `/healthz` for a while.
struct LogErrors {
    token: Token,
    context: &'static str,
    /// The reason `/healthz` gives while errors keep coming, for listener errors.
    health: Option<&'static str>,
}

impl<E: std::fmt::Display + Send + 'static> ErrorHandler<E> for LogErrors {
    fn handle_error(
        self: Arc<Self>,
        error: E,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        send::log_failure(&self.token, self.context, &error);
        if let Some(reason) = self.health {
            Health::global().failed(HEALTH, reason);
        }
        Box::pin(async {})
    }
}

/// Runs the dispatcher over `listener` until `shutdown`, then stops it: long polling confirms
/// the processed updates with a last getUpdates before returning.
async fn dispatch<L>(
    bot: TgBot,
    state: Arc<State>,
    listener: L,
    shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
) -> anyhow::Result<()>
where
    L: UpdateListener + Send,
    L::Err: std::fmt::Debug + std::fmt::Display + Send + 'static,
{
    let token = state.token.clone();
    let mut dp = Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![state])
        // Updates no branch takes (service messages and the like): nothing to say, nothing to
        // log (the update holds user data).
        .default_handler(|_| async {})
        .error_handler(Arc::new(LogErrors {
            token: token.clone(),
            context: "handling an update failed",
            health: None,
        }))
        .build();
    let stopper = dp.shutdown_token();
    let listener_errors = Arc::new(LogErrors {
        token: token.clone(),
        context: "receiving updates failed (retrying with back-off)",
        health: Some("receiving updates failing; retrying"),
    });
    let running = dp.try_dispatch_with_listener(listener, listener_errors);
    tokio::pin!(running);
    let mut shutdown = shutdown;
    tokio::select! {
        r = &mut running => {
            return r.map_err(|e| anyhow::anyhow!(token.redact(&e.to_string())));
        }
        () = &mut shutdown => {}
    }
    tracing::info!("telegram: stopping; confirming processed updates");
    Health::global().set_down(HEALTH, "stopping");
    let stop = async {
        // The dispatcher refuses to stop before it has started: retry until it has.
        while stopper.shutdown().is_err() {
            tokio::select! {
                r = &mut running => return r,
                () = tokio::time::sleep(Duration::from_millis(20)) => {}
            }
        }
        (&mut running).await
    };
    match tokio::time::timeout(STOP_GRACE, stop).await {
        Ok(r) => r.map_err(|e| anyhow::anyhow!(token.redact(&e.to_string())))?,
        Err(_) => tracing::warn!("telegram: gave up waiting for a clean stop"),
    }
    tracing::info!("telegram: stopped");
    Ok(())
}

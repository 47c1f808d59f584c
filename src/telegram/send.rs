//! Sending messages: HTML parse mode, replies in thread, and recovery from the errors a send
//! can meet.
//!
//! A 429 (`RetryAfter`) is retried by the `Throttle` adaptor below us, so it is delivered once.
//! Here: `MigrateToChatId` (a group became a supergroup) re-sends to the new chat, and a
//! connection that could not be opened is retried with a short back-off — only then, because a
//! request that may have reached Telegram must not be sent twice.

use super::config::Token;
use crate::metrics::{Metrics, Retry};
use std::time::Duration;
use teloxide::RequestError;
use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{
    ChatId, InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageId, ParseMode,
    ReplyParameters,
};

/// The bot as the handlers see it: `Throttle` innermost (rate limits and 429 retries), then
/// `CacheMe` so the dispatcher's own `getMe` costs no request.
pub type TgBot = teloxide::adaptors::CacheMe<teloxide::adaptors::Throttle<teloxide::Bot>>;

/// Answers link to many sources: previews would bury the text.
pub fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// How many times a send is retried when the connection could not be opened.
const CONNECT_RETRIES: u32 = 3;

/// Sends one HTML message, replying to `reply_to` when given.
pub async fn send_html(
    bot: &TgBot,
    chat: ChatId,
    html: &str,
    keyboard: Option<&InlineKeyboardMarkup>,
    reply_to: Option<MessageId>,
) -> Result<Message, RequestError> {
    let mut chat = chat;
    let mut reply_to = reply_to;
    let mut migrated = false;
    let mut attempt = 0;
    loop {
        let mut req = bot
            .send_message(chat, html)
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if let Some(id) = reply_to {
            req = req.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Some(k) = keyboard {
            req = req.reply_markup(k.clone());
        }
        match req.await {
            Err(RequestError::MigrateToChatId(new_chat)) if !migrated => {
                // The old message ids mean nothing in the new supergroup.
                tracing::info!("telegram: group migrated to a supergroup; re-sending there");
                chat = new_chat;
                reply_to = None;
                migrated = true;
            }
            Err(RequestError::Network(e)) if e.is_connect() && attempt < CONNECT_RETRIES => {
                attempt += 1;
                Metrics::global().telegram_retry(Retry::Connect);
                tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
            }
            other => return other,
        }
    }
}

/// Sends the parts of one answer in order: the first replies to `reply_to`, the last carries
/// the keyboard.
pub async fn send_parts(
    bot: &TgBot,
    chat: ChatId,
    parts: &[String],
    keyboard: Option<&InlineKeyboardMarkup>,
    reply_to: Option<MessageId>,
) -> Result<(), RequestError> {
    let mut chat = chat;
    let mut reply_to = reply_to;
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        let sent = send_html(bot, chat, part, keyboard.filter(|_| i == last), reply_to).await?;
        // Later parts follow the first in whatever chat it landed (after a migration).
        chat = sent.chat.id;
        reply_to = None;
    }
    Ok(())
}

/// How many times a request outside `Throttle` (button and inline answers, menu edits) is
/// retried after a 429.
const RETRY_AFTER_TRIES: u32 = 2;

/// Sends a request that `Throttle` does not retry, waiting out a 429 `retry_after` (at most
/// [`RETRY_AFTER_TRIES`] times). Other errors are returned at once.
pub async fn with_retry_after<R>(
    req: R,
) -> Result<<R::Payload as teloxide::requests::Payload>::Output, RequestError>
where
    R: teloxide::requests::Request<Err = RequestError>,
{
    for _ in 0..RETRY_AFTER_TRIES {
        match req.send_ref().await {
            Err(RequestError::RetryAfter(wait)) => {
                let metrics = Metrics::global();
                metrics.telegram_rate_limited();
                metrics.telegram_retry(Retry::RateLimited);
                tokio::time::sleep(wait.duration()).await;
            }
            other => return other,
        }
    }
    req.send().await
}

/// Logs a failed request without the token (or anything else secret in it).
pub fn log_failure(token: &Token, context: &str, error: &dyn std::fmt::Display) {
    tracing::warn!("telegram: {context}: {}", token.redact(&error.to_string()));
}

//! The handlers: one small async function per kind of update, each parsing the event, asking
//! the core and sending the rendered reply. Routing between them is in `mod.rs`.

use super::command::{self, BotIdentity, Incoming};
use super::config::Token;
use super::keyboard::{self, Action};
use super::limit::{Decision, UserLimiter};
use super::render;
use super::send::{self, TgBot};
use crate::chat_memory::ChatMemory;
use crate::core::EntryKind;
use crate::core::record::{Asked, ChatKind, Feedback, Platform, Recorder};
use crate::core::{Context, Engine};
use crate::knowledge::Messages;
use std::sync::Arc;
use std::time::Instant;
use teloxide::RequestError;
use teloxide::payloads::{
    AnswerCallbackQuerySetters, AnswerInlineQuerySetters, EditMessageTextSetters,
};
use teloxide::prelude::Requester;
use teloxide::types::{
    CallbackQuery, ChatId, InlineKeyboardMarkup, InlineQuery, InlineQueryResult,
    InlineQueryResultArticle, InlineQueryResultsButton, InlineQueryResultsButtonKind,
    InputMessageContent, InputMessageContentText, Message, MessageId, ParseMode,
};

/// What every handler shares.
pub struct State {
    pub engine: Arc<Engine>,
    pub recorder: Arc<dyn Recorder>,
    pub limiter: UserLimiter,
    pub me: BotIdentity,
    pub token: Token,
    /// Private chats' conversations (groups keep none: a reply to an answer is the context).
    pub memory: ChatMemory<i64>,
}

impl State {
    fn messages(&self) -> &Messages {
        &self.engine.knowledge().messages
    }

    fn text(&self, key: &str) -> String {
        self.messages()
            .fill("telegram", key, &[("bot", &self.me.username)])
    }

    fn deep_link(&self, id: &str) -> Option<String> {
        render::deep_link(&self.me.username, id)
    }
}

pub type HandlerResult = Result<(), RequestError>;

/// Inline answers offered per query (Telegram allows 50; ten fit a phone screen).
pub const INLINE_RESULTS: usize = 10;
/// Telegram's limit for the text of answerCallbackQuery.
const MAX_TOAST: usize = 200;

fn toast(text: &str) -> String {
    text.chars().take(MAX_TOAST).collect()
}

/// Any message the bot receives.
pub async fn on_message(bot: TgBot, state: Arc<State>, msg: Message) -> HandlerResult {
    let chat = msg.chat.id;
    let in_group = !msg.chat.is_private();
    // In groups every reply is threaded under the message that asked.
    let thread = in_group.then_some(msg.id);
    let plain = |key: &str| vec![render::escape(&state.text(key))];
    match command::classify(&msg, &state.me) {
        Incoming::Ignore => Ok(()),
        Incoming::Ask(question) => ask(&bot, &state, &msg, &question).await,
        Incoming::Start(Some(payload)) => match state.engine.answer_by_id(&payload) {
            Some(reply) => {
                // A deep link opens a new conversation about that answer.
                state
                    .memory
                    .put(chat.0, Context::about(payload.as_str()), Instant::now());
                let kb = keyboard::full_answer(&reply, state.messages());
                let parts = render::full(&reply, state.messages());
                send::send_parts(&bot, chat, &parts, kb.as_ref(), None).await
            }
            None => send::send_parts(&bot, chat, &plain("start"), None, None).await,
        },
        Incoming::Start(None) => {
            state.memory.forget(&chat.0);
            send::send_parts(&bot, chat, &plain("start"), None, None).await
        }
        Incoming::Help => send::send_parts(&bot, chat, &plain("help"), None, None).await,
        Incoming::GroupHelp => {
            send::send_parts(&bot, chat, &plain("group-help"), None, thread).await
        }
        Incoming::AskUsage => send::send_parts(&bot, chat, &plain("ask-usage"), None, thread).await,
        Incoming::UnknownCommand => {
            send::send_parts(&bot, chat, &plain("unknown-command"), None, None).await
        }
        Incoming::NotText => send::send_parts(&bot, chat, &plain("not-text"), None, None).await,
        Incoming::Topics => {
            let (text, kb) = categories(&state);
            send::send_parts(&bot, chat, &[text], kb.as_ref(), None).await
        }
    }
}

fn categories(state: &State) -> (String, Option<InlineKeyboardMarkup>) {
    match keyboard::categories(state.engine.knowledge()) {
        Some(kb) => (render::escape(&state.text("categories")), Some(kb)),
        None => (render::escape(&state.text("no-topics")), None),
    }
}

fn category(state: &State, id: &str) -> Option<(String, Option<InlineKeyboardMarkup>)> {
    let kb = state.engine.knowledge();
    let cat = kb.categories.iter().find(|c| c.id == id)?;
    let text = state
        .messages()
        .fill("telegram", "category", &[("category", &cat.title)]);
    Some((
        render::escape(&text),
        keyboard::category(kb, id, state.messages()),
    ))
}

/// Over the per-user limit: says so once per window and tells the caller to stop.
async fn over_limit(
    bot: &TgBot,
    state: &State,
    user: u64,
    chat: ChatId,
    thread: Option<MessageId>,
) -> Result<bool, RequestError> {
    match state.limiter.check(user, Instant::now()) {
        Decision::Allowed => Ok(false),
        Decision::Limited { notify, wait } => {
            if notify {
                let text = limited_text(state, wait);
                send::send_html(bot, chat, &render::escape(&text), None, thread).await?;
            }
            Ok(true)
        }
    }
}

fn limited_text(state: &State, wait: std::time::Duration) -> String {
    let seconds = wait.as_secs().max(1).to_string();
    state
        .messages()
        .fill("telegram", "rate-limited", &[("seconds", &seconds)])
}

/// Answers a question: the full answer in a private chat, a short one in a group.
async fn ask(bot: &TgBot, state: &State, msg: &Message, question: &str) -> HandlerResult {
    let chat = msg.chat.id;
    let private = msg.chat.is_private();
    let thread = (!private).then_some(msg.id);
    let user = msg.from.as_ref().map_or(chat.0.unsigned_abs(), |u| u.id.0);
    if over_limit(bot, state, user, chat, thread).await? {
        return Ok(());
    }
    let started = std::time::Instant::now();
    // Private: the chat's conversation. Group: only the answer this message replies to.
    let context = if private {
        state.memory.get(&chat.0, Instant::now())
    } else {
        command::replied_entry(msg, &state.me).map(Context::about)
    };
    let reply = state.engine.ask_in(question, context.as_ref());
    if private {
        let next = context.unwrap_or_default().after(&reply);
        state.memory.put(chat.0, next, Instant::now());
    }
    let asker = format!("telegram:{user}");
    state.recorder.asked(&Asked {
        reply: &reply,
        platform: Platform::Telegram,
        chat: if private {
            ChatKind::Private
        } else {
            ChatKind::Group
        },
        asker: Some(&asker),
        elapsed: started.elapsed(),
    });
    let m = state.messages();
    if private {
        let kb = keyboard::private_answer(&reply, m);
        let parts = render::first_message(&reply, m);
        send::send_parts(bot, chat, &parts, kb.as_ref(), None).await
    } else {
        let full = reply.id.as_deref().and_then(|id| state.deep_link(id));
        let text = render::short(&reply, m, full.as_deref());
        let kb = keyboard::short_answer(&reply, m, |id| state.deep_link(id), true);
        send::send_parts(bot, chat, &[text], kb.as_ref(), thread).await
    }
}

/// A button press. It is always answered with answerCallbackQuery, whatever happens next.
pub async fn on_callback(bot: TgBot, state: Arc<State>, q: CallbackQuery) -> HandlerResult {
    let action = q.data.as_deref().and_then(Action::decode);
    let answer = bot.answer_callback_query(q.id.clone());
    let expired = toast(&state.text("button-expired"));
    // Where the button was: the chat and message, unless it sat under an inline result.
    let place = q
        .message
        .as_ref()
        .map(|m| (m.chat().id, m.id(), m.chat().is_private()));
    let kb = state.engine.knowledge();
    let done = |r: Result<teloxide::types::True, RequestError>| {
        if let Err(e) = r {
            send::log_failure(&state.token, "answering a button", &e);
        }
    };
    match action {
        None => done(send::with_retry_after(answer.text(expired)).await),
        Some(Action::Feedback { id, helpful }) => {
            if kb.title_of(&id).is_some() {
                state.recorder.feedback(&Feedback {
                    answer_id: &id,
                    helpful,
                    platform: Platform::Telegram,
                });
                done(
                    send::with_retry_after(answer.text(toast(&state.text("feedback-thanks"))))
                        .await,
                );
            } else {
                done(send::with_retry_after(answer.text(expired)).await);
            }
        }
        Some(Action::Categories) => {
            done(send::with_retry_after(answer).await);
            if let Some((chat, message, _)) = place {
                let (text, markup) = categories(&state);
                show_in_place(&bot, &state, chat, message, text, markup).await?;
            }
        }
        Some(Action::Category(id)) => match (category(&state, &id), place) {
            (Some((text, markup)), Some((chat, message, _))) => {
                done(send::with_retry_after(answer).await);
                show_in_place(&bot, &state, chat, message, text, markup).await?;
            }
            _ => done(send::with_retry_after(answer.text(expired)).await),
        },
        Some(Action::Detail { id, part }) => {
            let (Some(reply), Some((chat, _, _))) = (state.engine.answer_by_id(&id), place) else {
                done(send::with_retry_after(answer.text(expired)).await);
                return Ok(());
            };
            if let Decision::Limited { wait, .. } = state.limiter.check(q.from.id.0, Instant::now())
            {
                done(send::with_retry_after(answer.text(toast(&limited_text(&state, wait)))).await);
                return Ok(());
            }
            done(send::with_retry_after(answer).await);
            let m = state.messages();
            // The full answer keeps its related questions and 👍/👎; a single part needs none.
            let kb = match part {
                crate::core::render::Detail::Full => keyboard::full_answer(&reply, m),
                _ => None,
            };
            let parts = render::detail(&reply, m, part);
            send::send_parts(&bot, chat, &parts, kb.as_ref(), None).await?;
        }
        Some(Action::Answer(id)) => {
            let Some(reply) = state.engine.answer_by_id(&id) else {
                done(send::with_retry_after(answer.text(expired)).await);
                return Ok(());
            };
            let Some((chat, message, private)) = place else {
                // Under an inline result in someone else's chat: open the answer privately.
                let req = match state.deep_link(&id).and_then(|u| url::Url::parse(&u).ok()) {
                    Some(url) => answer.url(url),
                    None => answer.text(expired),
                };
                done(send::with_retry_after(req).await);
                return Ok(());
            };
            if let Decision::Limited { wait, .. } = state.limiter.check(q.from.id.0, Instant::now())
            {
                done(send::with_retry_after(answer.text(toast(&limited_text(&state, wait)))).await);
                return Ok(());
            }
            done(send::with_retry_after(answer).await);
            let m = state.messages();
            if private {
                // A button (related question, a clarifying choice) moves the conversation on.
                state
                    .memory
                    .put(chat.0, Context::about(id.as_str()), Instant::now());
                let kb = keyboard::private_answer(&reply, m);
                let parts = render::first_message(&reply, m);
                send::send_parts(&bot, chat, &parts, kb.as_ref(), None).await?;
            } else {
                let full = state.deep_link(&id);
                let text = render::short(&reply, m, full.as_deref());
                let kb = keyboard::short_answer(&reply, m, |id| state.deep_link(id), true);
                send::send_parts(&bot, chat, &[text], kb.as_ref(), Some(message)).await?;
            }
        }
    }
    Ok(())
}

/// Replaces a browsing message (`/topik`) with the next level; sends a new one if the old
/// message can no longer be edited.
async fn show_in_place(
    bot: &TgBot,
    state: &State,
    chat: ChatId,
    message: MessageId,
    text: String,
    markup: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    let mut req = bot
        .edit_message_text(chat, message, &text)
        .parse_mode(ParseMode::Html);
    if let Some(k) = &markup {
        req = req.reply_markup(k.clone());
    }
    match send::with_retry_after(req).await {
        Ok(_) => Ok(()),
        // Pressing the same button twice: nothing to change.
        Err(RequestError::Api(teloxide::ApiError::MessageNotModified)) => Ok(()),
        Err(e) => {
            send::log_failure(&state.token, "editing a menu", &e);
            send::send_parts(bot, chat, &[text], markup.as_ref(), None).await
        }
    }
}

/// `@bot pertanyaan` in any chat: up to ten answers to choose from.
pub async fn on_inline_query(bot: TgBot, state: Arc<State>, q: InlineQuery) -> HandlerResult {
    let kb = state.engine.knowledge();
    let query = q.query.trim();
    let ids: Vec<String> = if query.is_empty() {
        kb.topics
            .iter()
            .take(INLINE_RESULTS)
            .map(|t| t.id.clone())
            .collect()
    } else {
        state
            .engine
            .candidates(query, INLINE_RESULTS * 2, true)
            .into_iter()
            .filter(|c| matches!(c.kind, EntryKind::Topic | EntryKind::Article))
            .take(INLINE_RESULTS)
            .map(|c| c.id)
            .collect()
    };
    let m = state.messages();
    let results: Vec<InlineQueryResult> = ids
        .iter()
        .filter(|id| (1..=64).contains(&id.len()))
        .filter_map(|id| state.engine.answer_by_id(id))
        .map(|reply| {
            let id = reply.id.clone().unwrap_or_default();
            let full = state.deep_link(&id);
            let text = render::short(&reply, m, full.as_deref());
            // DefaultParseMode does not reach inline results: parse_mode is set on each.
            let content = InputMessageContentText::new(text)
                .parse_mode(ParseMode::Html)
                .link_preview_options(send::no_preview());
            let mut article = InlineQueryResultArticle::new(
                id.clone(),
                keyboard::label(&reply.title),
                InputMessageContent::Text(content),
            )
            .description(description(&reply));
            if let Some(k) = keyboard::short_answer(&reply, m, |id| state.deep_link(id), false) {
                article = article.reply_markup(k);
            }
            InlineQueryResult::Article(article)
        })
        .collect();
    let empty = results.is_empty();
    let mut req = bot
        .answer_inline_query(q.id, results)
        .cache_time(300)
        .is_personal(false);
    if empty {
        req = req.button(InlineQueryResultsButton {
            text: state.text("inline-ask-bot"),
            kind: InlineQueryResultsButtonKind::StartParameter("inline".into()),
        });
    }
    send::with_retry_after(req).await.map(|_| ())
}

/// The grey line under an inline result's title: the beginning of the short answer.
fn description(reply: &crate::core::Reply) -> String {
    reply.text.chars().take(150).collect()
}

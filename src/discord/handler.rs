//! Gateway events to core calls: the routing table of the Discord adapter.
//!
//! Each event is handled on its own task (serenity spawns one per event); a failure is logged
//! (with secrets redacted) and never reaches the shard, so the bot keeps running.

use super::commands::{self, BANTUAN, PERTANYAAN, TANYA, TOPIK};
use super::components::{self, Action, Row};
use super::render::{self, Embed};
use super::send;
use crate::chat_memory::ChatMemory;
use crate::core::record::{Asked, ChatKind, Feedback, Platform, Recorder};
use crate::core::{Engine, Reply};
use crate::metrics::{Health, Metrics};
use serenity::all::{
    CommandDataOptionValue, CommandInteraction, ComponentInteraction, ComponentInteractionDataKind,
    Context, CreateAutocompleteResponse, CreateInteractionResponse, EventHandler, GuildId,
    Interaction, Message, Ready, ResumedEvent, ShardStageUpdateEvent,
};
use serenity::async_trait;
use serenity::gateway::ConnectionStage;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub(crate) struct Handler {
    pub engine: Arc<Engine>,
    pub recorder: Arc<dyn Recorder>,
    pub guild_id: Option<GuildId>,
    pub defer_after: Duration,
    /// Commands are registered once per process (READY repeats on reconnects).
    pub registered: AtomicBool,
    /// Each asker's conversation, per channel (a DM is a channel of its own).
    pub memory: ChatMemory<Asker>,
    /// A READY arrived before: a later one is a reconnect.
    pub connected_once: AtomicBool,
}

/// Whose conversation: (user id, channel id).
pub(crate) type Asker = (u64, u64);

type Result<T> = std::result::Result<T, serenity::Error>;

/// This adapter's name in `/healthz`.
pub(crate) const HEALTH: &str = "discord";

/// Logs a failed handler without its secrets; the event is dropped, the shard carries on.
fn log_failure(what: &str, result: Result<()>) {
    if let Err(e) = result {
        tracing::warn!(
            "discord: {what} failed: {}",
            crate::secret::redact(&e.to_string())
        );
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!("discord: connected as {}", ready.user.name);
        if self.connected_once.swap(true, Ordering::Relaxed) {
            Metrics::global().discord_reconnect();
        }
        Health::global().set_connected(HEALTH, true);
        if self.registered.load(Ordering::Relaxed) {
            return;
        }
        let commands = commands::definitions(&self.engine);
        let result = match self.guild_id {
            Some(g) => ctx.http.create_guild_commands(g, &commands).await,
            None => ctx.http.create_global_commands(&commands).await,
        }
        .map(|_| ());
        if result.is_ok() {
            self.registered.store(true, Ordering::Relaxed);
            tracing::info!("discord: slash commands registered");
        }
        log_failure("registering the slash commands", result);
    }

    async fn resume(&self, _: Context, _: ResumedEvent) {
        tracing::info!("discord: gateway session resumed");
        Metrics::global().discord_reconnect();
        Health::global().set_connected(HEALTH, true);
    }

    async fn shard_stage_update(&self, _: Context, event: ShardStageUpdateEvent) {
        if event.new == ConnectionStage::Connected {
            Health::global().set_connected(HEALTH, true);
        } else {
            Health::global().set_down(HEALTH, &format!("gateway {}", event.new));
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(c) => {
                let result = match c.data.name.as_str() {
                    TANYA => self.tanya(&ctx, &c).await,
                    TOPIK => self.topik(&ctx, &c).await,
                    BANTUAN => self.bantuan(&ctx, &c).await,
                    // A command of an older registration: show what exists now.
                    _ => self.bantuan(&ctx, &c).await,
                };
                log_failure("answering a slash command", result);
            }
            Interaction::Autocomplete(c) => {
                log_failure("autocompleting", self.autocomplete(&ctx, &c).await);
            }
            Interaction::Component(c) => {
                log_failure("answering a button", self.component(&ctx, &c).await);
            }
            _ => {}
        }
    }

    async fn message(&self, ctx: Context, msg: Message) {
        if msg.author.bot || msg.webhook_id.is_some() {
            return;
        }
        // The cache holds the bot's own user from READY before any handler runs.
        let me = ctx.cache.current_user().id.get();
        let private = msg.guild_id.is_none();
        let mentioned = me != 0
            && (msg.mentions.iter().any(|u| u.id.get() == me)
                || msg.content.contains(&format!("<@{me}>"))
                || msg.content.contains(&format!("<@!{me}>")));
        if !private && !mentioned {
            return; // ordinary chatter
        }
        let question = msg
            .content
            .replace(&format!("<@{me}>"), " ")
            .replace(&format!("<@!{me}>"), " ");
        let asker = (msg.author.id.get(), msg.channel_id.get());
        let started = Instant::now();
        let context = self.memory.get(&asker, started);
        let reply = self.engine.ask_in(question.trim(), context.as_ref());
        self.remember(asker, context, &reply);
        self.record(&reply, private, msg.author.id.get(), started);
        let m = &self.engine.knowledge().messages;
        let (embeds, rows) = (
            render::first_embeds(&reply, m),
            components::reply_rows(&reply, m),
        );
        let result = msg
            .channel_id
            .send_message(&ctx.http, send::reply_message(&msg, &embeds, &rows))
            .await
            .map(|_| ());
        log_failure("replying to a message", result);
    }
}

impl Handler {
    /// Stores the asker's context for the next message, once `reply` has been given.
    fn remember(&self, asker: Asker, context: Option<crate::core::Context>, reply: &Reply) {
        let next = context.unwrap_or_default().after(reply);
        self.memory.put(asker, next, Instant::now());
    }

    /// Reports a question to the recorder (curator store and metrics); `started` is when it
    /// arrived.
    fn record(&self, reply: &Reply, private: bool, user: u64, started: Instant) {
        let asker = format!("discord:{user}");
        self.recorder.asked(&Asked {
            reply,
            platform: Platform::Discord,
            chat: if private {
                ChatKind::Private
            } else {
                ChatKind::Group
            },
            asker: Some(&asker),
            elapsed: started.elapsed(),
        });
    }

    fn reply_parts(&self, reply: &Reply) -> (Vec<Embed>, Vec<Row>) {
        let m = &self.engine.knowledge().messages;
        (
            render::first_embeds(reply, m),
            components::reply_rows(reply, m),
        )
    }

    /// The parts for a computed reply (recorded), or an apology if computing it failed.
    fn answered(
        &self,
        reply: std::result::Result<Reply, tokio::task::JoinError>,
        private: bool,
        asker: Asker,
        context: Option<crate::core::Context>,
        started: Instant,
    ) -> (Vec<Embed>, Vec<Row>) {
        match reply {
            Ok(reply) => {
                self.remember(asker, context, &reply);
                self.record(&reply, private, asker.0, started);
                self.reply_parts(&reply)
            }
            Err(_) => {
                let m = &self.engine.knowledge().messages;
                (render::text_embed(None, &m.get("discord", "error")), vec![])
            }
        }
    }

    /// `/tanya`: answered at once, or deferred first when the answer is not ready within
    /// `defer_after` (Discord drops interactions not answered within three seconds).
    async fn tanya(&self, ctx: &Context, c: &CommandInteraction) -> Result<()> {
        let question = c
            .data
            .options
            .iter()
            .find(|o| o.name == PERTANYAAN)
            .and_then(|o| match &o.value {
                CommandDataOptionValue::String(s) => Some(s.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let asker = (c.user.id.get(), c.channel_id.get());
        let started = Instant::now();
        let context = self.memory.get(&asker, started);
        let engine = Arc::clone(&self.engine);
        let asked_in = context.clone();
        let work = tokio::task::spawn_blocking(move || {
            commands::resolve(&engine, &question, asked_in.as_ref())
        });
        tokio::pin!(work);
        let ready = if self.defer_after.is_zero() {
            None
        } else {
            tokio::time::timeout(self.defer_after, &mut work).await.ok()
        };
        let private = c.guild_id.is_none();
        match ready {
            Some(reply) => {
                let (embeds, rows) = self.answered(reply, private, asker, context.clone(), started);
                c.create_response(
                    &ctx.http,
                    CreateInteractionResponse::Message(send::interaction_message(
                        &embeds, &rows, false,
                    )),
                )
                .await
            }
            None => {
                c.create_response(
                    &ctx.http,
                    CreateInteractionResponse::Defer(send::interaction_message(&[], &[], false)),
                )
                .await?;
                let (embeds, rows) = self.answered(work.await, private, asker, context, started);
                c.edit_response(&ctx.http, send::interaction_edit(&embeds, &rows))
                    .await
                    .map(|_| ())
            }
        }
    }

    /// `/topik`: a menu of the categories (only the asker sees it).
    async fn topik(&self, ctx: &Context, c: &CommandInteraction) -> Result<()> {
        let kb = self.engine.knowledge();
        let m = &kb.messages;
        let embeds = render::text_embed(None, &m.get("discord", "topics-intro"));
        let rows = components::category_menu(kb);
        c.create_response(
            &ctx.http,
            CreateInteractionResponse::Message(send::interaction_message(&embeds, &rows, true)),
        )
        .await
    }

    /// `/bantuan`: how to use the bot (only the asker sees it).
    async fn bantuan(&self, ctx: &Context, c: &CommandInteraction) -> Result<()> {
        let m = &self.engine.knowledge().messages;
        let embeds = render::text_embed(
            Some(m.get("discord", "help-title")),
            &m.get("discord", "help"),
        );
        c.create_response(
            &ctx.http,
            CreateInteractionResponse::Message(send::interaction_message(&embeds, &[], true)),
        )
        .await
    }

    async fn autocomplete(&self, ctx: &Context, c: &CommandInteraction) -> Result<()> {
        let typed = c
            .data
            .autocomplete()
            .map(|o| o.value.to_string())
            .unwrap_or_default();
        let mut response = CreateAutocompleteResponse::new();
        for choice in commands::autocomplete(&self.engine, &typed) {
            response = response.add_string_choice(choice.name, choice.value);
        }
        c.create_response(&ctx.http, CreateInteractionResponse::Autocomplete(response))
            .await
    }

    /// A button press or menu choice. Every press is answered, if only with an apology.
    async fn component(&self, ctx: &Context, c: &ComponentInteraction) -> Result<()> {
        let kb = self.engine.knowledge();
        let m = &kb.messages;
        let selected = match &c.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
            _ => None,
        };
        let (embeds, rows) = match (Action::parse(&c.data.custom_id), selected) {
            (Some(Action::Answer(id)), _) | (Some(Action::Topic), Some(id)) => {
                match self.engine.answer_by_id(&id) {
                    Some(reply) => {
                        // A chosen answer (related question, clarifying choice, menu) is
                        // what the conversation is about now.
                        let asker = (c.user.id.get(), c.channel_id.get());
                        self.memory.put(
                            asker,
                            crate::core::Context::about(id.as_str()),
                            Instant::now(),
                        );
                        self.reply_parts(&reply)
                    }
                    None => (
                        render::text_embed(None, &m.get("discord", "unknown-entry")),
                        vec![],
                    ),
                }
            }
            (Some(Action::Detail { id, part }), _) => match self.engine.answer_by_id(&id) {
                Some(reply) => {
                    let rows = match part {
                        crate::core::render::Detail::Full => components::full_rows(&reply, m),
                        _ => vec![],
                    };
                    (render::detail_embeds(&reply, m, part), rows)
                }
                None => (
                    render::text_embed(None, &m.get("discord", "unknown-entry")),
                    vec![],
                ),
            },
            (Some(Action::Feedback { id, helpful }), _) => {
                self.recorder.feedback(&Feedback {
                    answer_id: &id,
                    helpful,
                    platform: Platform::Discord,
                });
                let key = if helpful {
                    "feedback-thanks-helpful"
                } else {
                    "feedback-thanks-not-helpful"
                };
                (render::text_embed(None, &m.get("discord", key)), vec![])
            }
            (Some(Action::Category), Some(category)) => {
                let rows = components::topic_menu(kb, &category);
                let title = kb
                    .categories
                    .iter()
                    .find(|c| c.id == category)
                    .map(|c| c.title.clone());
                let key = if rows.is_empty() {
                    "topics-empty"
                } else {
                    "topics-choose"
                };
                (render::text_embed(title, &m.get("discord", key)), rows)
            }
            _ => (
                render::text_embed(None, &m.get("discord", "unknown-entry")),
                vec![],
            ),
        };
        c.create_response(
            &ctx.http,
            CreateInteractionResponse::Message(send::interaction_message(&embeds, &rows, true)),
        )
        .await
    }
}

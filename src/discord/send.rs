//! Plain embeds and rows as serenity builders, every message with mentions switched off.
//!
//! The one rule this module exists for: every message and interaction response carries
//! `allowed_mentions` with an empty `parse` list (and `replied_user: false`), so a quoted
//! @everyone, role or user mention in a question can never ping anyone.

use super::components::{ButtonStyle, Row};
use super::render::Embed;
use serenity::all::{
    ButtonStyle as SerenityButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage,
    CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, EditInteractionResponse,
    Message, MessageReference, MessageReferenceKind, ReactionType,
};

/// Mentions in netral's messages never notify anyone.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

pub fn embeds(embeds: &[Embed]) -> Vec<CreateEmbed> {
    embeds
        .iter()
        .map(|e| {
            let mut out = CreateEmbed::new();
            if let Some(t) = &e.title {
                out = out.title(t);
            }
            if let Some(d) = &e.description {
                out = out.description(d);
            }
            for f in &e.fields {
                out = out.field(&f.name, &f.value, false);
            }
            if let Some(f) = &e.footer {
                out = out.footer(CreateEmbedFooter::new(f));
            }
            if let Some(c) = e.color {
                out = out.color(c);
            }
            out
        })
        .collect()
}

pub fn rows(rows: &[Row]) -> Vec<CreateActionRow> {
    rows.iter()
        .map(|row| match row {
            Row::Buttons(buttons) => CreateActionRow::Buttons(
                buttons
                    .iter()
                    .map(|b| {
                        let mut out =
                            CreateButton::new(&b.custom_id)
                                .label(&b.label)
                                .style(match b.style {
                                    ButtonStyle::Primary => SerenityButtonStyle::Primary,
                                    ButtonStyle::Secondary => SerenityButtonStyle::Secondary,
                                });
                        if let Some(e) = b.emoji {
                            out = out.emoji(ReactionType::Unicode(e.to_string()));
                        }
                        out
                    })
                    .collect(),
            ),
            Row::Select {
                custom_id,
                placeholder,
                options,
            } => CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    custom_id,
                    CreateSelectMenuKind::String {
                        options: options
                            .iter()
                            .map(|o| CreateSelectMenuOption::new(&o.label, &o.value))
                            .collect(),
                    },
                )
                .placeholder(placeholder),
            ),
        })
        .collect()
}

/// A message in answer to an interaction.
pub fn interaction_message(
    e: &[Embed],
    r: &[Row],
    ephemeral: bool,
) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .embeds(embeds(e))
        .components(rows(r))
        .allowed_mentions(no_mentions())
        .ephemeral(ephemeral)
}

/// The edit that fills in a deferred interaction response.
pub fn interaction_edit(e: &[Embed], r: &[Row]) -> EditInteractionResponse {
    EditInteractionResponse::new()
        .embeds(embeds(e))
        .components(rows(r))
        .allowed_mentions(no_mentions())
}

/// A reply to a channel message, referencing it.
pub fn reply_message(to: &Message, e: &[Embed], r: &[Row]) -> CreateMessage {
    let mut reference = MessageReference::new(MessageReferenceKind::Default, to.channel_id)
        .message_id(to.id)
        .fail_if_not_exists(false);
    if let Some(g) = to.guild_id {
        reference = reference.guild_id(g);
    }
    CreateMessage::new()
        .embeds(embeds(e))
        .components(rows(r))
        .allowed_mentions(no_mentions())
        .reference_message(reference)
}

//! What an incoming message asks of the bot: commands, mentions, replies, and what to ignore.
//!
//! Pure functions over teloxide's [`Message`], so the rules are tested from update JSON without
//! a network. In a private chat any text is a question. In a group the bot answers only when it
//! is addressed — `/tanya`, `/tanya@<bot>`, a reply to one of its own messages, or a message
//! that starts with `@<bot>` — and ignores everything else, including commands meant for other
//! bots (`/tanya@other_bot`) and anything sent by a bot.

use teloxide::types::{Message, MessageKind};

/// The bot's own identity, from `getMe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub id: u64,
    /// The username without `@`; empty if Telegram gave none.
    pub username: String,
}

/// What to do with one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// `/start`, with the deep-link payload if any (private chat).
    Start(Option<String>),
    /// `/bantuan` (private chat).
    Help,
    /// `/start@bot`, `/bantuan@bot` or `/topik@bot` in a group: how to use the bot there.
    GroupHelp,
    /// A question to answer.
    Ask(String),
    /// `/tanya` with nothing to ask.
    AskUsage,
    /// `/topik` (private chat).
    Topics,
    /// A command the bot does not know (private chat).
    UnknownCommand,
    /// A sticker, photo or other non-text message in a private chat.
    NotText,
    /// Not for this bot.
    Ignore,
}

/// A command as written: `/name@target args`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCommand<'a> {
    /// Lower-cased command name.
    pub name: String,
    /// The `@username` it is addressed to, if any.
    pub target: Option<&'a str>,
    /// Everything after the command, trimmed.
    pub args: &'a str,
}

/// Parses `/name[@target] [args]`; `None` when `text` is not a command.
pub fn parse_command(text: &str) -> Option<ParsedCommand<'_>> {
    let rest = text.strip_prefix('/')?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (head, args) = rest.split_at(end);
    let (name, target) = match head.split_once('@') {
        Some((n, t)) => (n, Some(t)),
        None => (head, None),
    };
    let valid = (1..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then(|| ParsedCommand {
        name: name.to_ascii_lowercase(),
        target,
        args: args.trim(),
    })
}

/// `text` without a leading `@username` mention of the bot, if it starts with one.
pub fn strip_mention<'a>(text: &'a str, username: &str) -> Option<&'a str> {
    if username.is_empty() {
        return None;
    }
    let rest = text.trim_start().strip_prefix('@')?;
    let head = rest.get(..username.len())?;
    let after = &rest[username.len()..];
    let ends = after
        .chars()
        .next()
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
    (head.eq_ignore_ascii_case(username) && ends)
        .then(|| after.trim_start_matches([',', ':']).trim())
}

fn from_bot(msg: &Message, bot: &BotIdentity) -> bool {
    msg.from.as_ref().is_some_and(|u| u.id.0 == bot.id)
        || msg.via_bot.as_ref().is_some_and(|u| u.id.0 == bot.id)
}

/// Whether `msg` replies to one of the bot's own messages (not a forum topic's opening).
pub fn replies_to_bot(msg: &Message, bot: &BotIdentity) -> bool {
    msg.reply_to_message()
        .is_some_and(|r| matches!(r.kind, MessageKind::Common(_)) && from_bot(r, bot))
}

/// The entry of the bot answer `msg` replies to, if it replies to one: in a group that answer
/// is the whole conversation context.
pub fn replied_entry(msg: &Message, bot: &BotIdentity) -> Option<String> {
    if !replies_to_bot(msg, bot) {
        return None;
    }
    msg.reply_to_message()?
        .reply_markup()
        .and_then(super::keyboard::answered_entry)
}

/// Decides what `msg` asks of the bot.
pub fn classify(msg: &Message, bot: &BotIdentity) -> Incoming {
    let private = msg.chat.is_private();
    let group = msg.chat.is_group() || msg.chat.is_supergroup();
    // An anonymous group admin writes as the group itself (from = @GroupAnonymousBot).
    let anonymous_admin = msg
        .sender_chat
        .as_ref()
        .is_some_and(|c| c.id == msg.chat.id);
    let human = anonymous_admin || msg.from.as_ref().is_some_and(|u| !u.is_bot);
    if !(private || group) || !human {
        return Incoming::Ignore;
    }
    // A photo or document with a caption asks what the caption says.
    let Some(text) = msg.text().or_else(|| msg.caption()) else {
        return if private && matches!(msg.kind, MessageKind::Common(_)) {
            Incoming::NotText
        } else {
            Incoming::Ignore
        };
    };
    if let Some(cmd) = parse_command(text) {
        if cmd
            .target
            .is_some_and(|t| !t.eq_ignore_ascii_case(&bot.username))
        {
            return Incoming::Ignore;
        }
        let addressed = cmd.target.is_some();
        return match (cmd.name.as_str(), private) {
            ("tanya", _) if !cmd.args.is_empty() => Incoming::Ask(cmd.args.to_string()),
            ("tanya", false) => match msg.reply_to_message() {
                // `/tanya` as a reply to someone's question asks that question.
                Some(r) if !from_bot(r, bot) && r.from.as_ref().is_some_and(|u| !u.is_bot) => r
                    .text()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map_or(Incoming::AskUsage, |t| Incoming::Ask(t.to_string())),
                _ => Incoming::AskUsage,
            },
            ("tanya", true) => Incoming::AskUsage,
            ("start", true) if !cmd.args.is_empty() => Incoming::Start(Some(cmd.args.to_string())),
            ("start", true) => Incoming::Start(None),
            ("bantuan" | "help", true) => Incoming::Help,
            ("topik", true) => Incoming::Topics,
            (_, true) => Incoming::UnknownCommand,
            ("start" | "bantuan" | "help" | "topik", false) if addressed => Incoming::GroupHelp,
            (_, false) => Incoming::Ignore,
        };
    }
    let question = strip_mention(text, &bot.username);
    if private {
        let q = question.unwrap_or(text).trim();
        return if q.is_empty() {
            Incoming::AskUsage
        } else {
            Incoming::Ask(q.to_string())
        };
    }
    match question {
        Some("") => Incoming::AskUsage,
        Some(q) => Incoming::Ask(q.to_string()),
        None if replies_to_bot(msg, bot) => Incoming::Ask(text.trim().to_string()),
        None => Incoming::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use teloxide::types::{Update, UpdateKind};

    const BOT: u64 = 777;

    fn bot() -> BotIdentity {
        BotIdentity {
            id: BOT,
            username: "NetralBot".into(),
        }
    }

    fn user(id: u64, is_bot: bool) -> Value {
        json!({"id": id, "is_bot": is_bot, "first_name": "U"})
    }

    fn private_chat() -> Value {
        json!({"id": 42, "type": "private", "first_name": "U"})
    }

    fn group_chat() -> Value {
        json!({"id": -100123, "type": "supergroup", "title": "ASN Kecamatan"})
    }

    fn message(chat: Value, from: Value, text: &str) -> Value {
        json!({"message_id": 10, "date": 1700000000, "chat": chat, "from": from, "text": text})
    }

    /// Parses an update the way the dispatcher does and classifies its message.
    fn classify_update(message: Value) -> Incoming {
        let update = json!({"update_id": 1, "message": message});
        // As the dispatcher does: from the response text (from_value loses the message).
        let update: Update = serde_json::from_str(&update.to_string()).expect("valid update");
        match update.kind {
            UpdateKind::Message(m) => classify(&m, &bot()),
            other => panic!("not a message: {other:?}"),
        }
    }

    fn private(text: &str) -> Incoming {
        classify_update(message(private_chat(), user(1, false), text))
    }

    fn group(text: &str) -> Incoming {
        classify_update(message(group_chat(), user(1, false), text))
    }

    fn reply_to(text: &str, original_from: Value, original_text: &str) -> Incoming {
        let mut m = message(group_chat(), user(1, false), text);
        m["reply_to_message"] = message(group_chat(), original_from, original_text);
        classify_update(m)
    }

    #[test]
    fn private_text_is_a_question() {
        assert_eq!(
            private("pns blh like postingan capres?"),
            Incoming::Ask("pns blh like postingan capres?".into())
        );
        assert_eq!(
            private("@NetralBot boleh kampanye?"),
            Incoming::Ask("boleh kampanye?".into())
        );
    }

    #[test]
    fn private_commands() {
        assert_eq!(private("/start"), Incoming::Start(None));
        assert_eq!(
            private("/start medsos-interaksi"),
            Incoming::Start(Some("medsos-interaksi".into()))
        );
        assert_eq!(private("/bantuan"), Incoming::Help);
        assert_eq!(private("/BANTUAN@netralbot"), Incoming::Help);
        assert_eq!(private("/topik"), Incoming::Topics);
        assert_eq!(
            private("/tanya\nboleh like?"),
            Incoming::Ask("boleh like?".into())
        );
        assert_eq!(private("/tanya"), Incoming::AskUsage);
        assert_eq!(private("/apaini"), Incoming::UnknownCommand);
        assert_eq!(private("/tanya@OtherBot boleh?"), Incoming::Ignore);
    }

    #[test]
    fn group_answers_only_when_addressed() {
        assert_eq!(
            group("/tanya boleh like?"),
            Incoming::Ask("boleh like?".into())
        );
        assert_eq!(
            group("/tanya@NetralBot boleh like?"),
            Incoming::Ask("boleh like?".into())
        );
        assert_eq!(
            group("/tanya@netralbot boleh like?"),
            Incoming::Ask("boleh like?".into())
        );
        assert_eq!(group("/tanya@other_bot boleh like?"), Incoming::Ignore);
        assert_eq!(group("/start@other_bot"), Incoming::Ignore);
        assert_eq!(group("selamat pagi semua"), Incoming::Ignore);
        assert_eq!(group("/start"), Incoming::Ignore);
        assert_eq!(group("/topik"), Incoming::Ignore);
        assert_eq!(group("/bantuan@NetralBot"), Incoming::GroupHelp);
        assert_eq!(group("/tanya"), Incoming::AskUsage);
        assert_eq!(group("/tanya@NetralBot"), Incoming::AskUsage);
    }

    #[test]
    fn group_mentions() {
        assert_eq!(
            group("@NetralBot, boleh pasang baliho?"),
            Incoming::Ask("boleh pasang baliho?".into())
        );
        assert_eq!(group("@NetralBotFan halo"), Incoming::Ignore);
        assert_eq!(group("kata @NetralBot tidak boleh"), Incoming::Ignore);
        assert_eq!(group("@NetralBot"), Incoming::AskUsage);
    }

    #[test]
    fn group_replies() {
        assert_eq!(
            reply_to("kalau share?", user(BOT, true), "Tidak boleh"),
            Incoming::Ask("kalau share?".into())
        );
        assert_eq!(
            reply_to("setuju", user(5, false), "boleh like?"),
            Incoming::Ignore
        );
        assert_eq!(
            reply_to("/tanya", user(5, false), "boleh like capres?"),
            Incoming::Ask("boleh like capres?".into())
        );
        assert_eq!(
            reply_to("/tanya@other_bot", user(5, false), "boleh?"),
            Incoming::Ignore
        );
        assert_eq!(
            reply_to("/tanya", user(BOT, true), "Tidak boleh"),
            Incoming::AskUsage
        );
    }

    #[test]
    fn bots_and_non_text() {
        let from_bot = message(group_chat(), user(9, true), "/tanya@NetralBot boleh?");
        assert_eq!(classify_update(from_bot), Incoming::Ignore);
        let sticker = json!({
            "message_id": 11, "date": 1700000000, "chat": private_chat(), "from": user(1, false),
            "sticker": {"file_id": "f", "file_unique_id": "u", "type": "regular", "width": 512,
                        "height": 512, "is_animated": false, "is_video": false}
        });
        assert_eq!(classify_update(sticker.clone()), Incoming::NotText);
        let mut in_group = sticker;
        in_group["chat"] = group_chat();
        assert_eq!(classify_update(in_group), Incoming::Ignore);
        let photo = json!({
            "message_id": 12, "date": 1700000000, "chat": private_chat(), "from": user(1, false),
            "photo": [{"file_id": "p", "file_unique_id": "q", "width": 90, "height": 90}],
            "caption": "boleh pasang foto ini?"
        });
        assert_eq!(
            classify_update(photo),
            Incoming::Ask("boleh pasang foto ini?".into())
        );
    }

    #[test]
    fn command_parsing() {
        let c = parse_command("/tanya@Bot  apa itu?").unwrap();
        assert_eq!(
            (c.name.as_str(), c.target, c.args),
            ("tanya", Some("Bot"), "apa itu?")
        );
        assert_eq!(parse_command("tanya"), None);
        assert_eq!(parse_command("/"), None);
        assert_eq!(parse_command("/ spasi"), None);
        assert_eq!(parse_command("/<b>"), None);
    }
}

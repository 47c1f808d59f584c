//! The Discord adapter end to end: the real serenity client, run by `netral::discord`, against
//! a fake Discord (REST and gateway) on 127.0.0.1 that checks every request against Discord's
//! OpenAPI document and limits. The last tests run the real `netral` binary.

#[allow(dead_code)]
mod common;

use common::fake_discord::{
    self as fake, APP_ID, BOT_ID, CHANNEL_ID, DM_CHANNEL_ID, FakeDiscord, GUILD_ID, USER_ID, WAIT,
};
use netral::core::Engine;
use netral::core::record::{Asked, ChatKind, Feedback, Recorder};
use netral::discord::DiscordConfig;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.GfAkE.test-token-never-printed";
const LIKE_QUESTION: &str = "bolehkah asn like postingan capres";
/// A question two topics fit about equally well: the bot asks which one is meant.
const AMBIGUOUS_QUESTION: &str = "foto kampanye";

/// What the recorder saw of one question: answer id, chat kind, asker key.
type AskedRow = (Option<String>, ChatKind, Option<String>);

#[derive(Default)]
struct Recorded {
    asked: Mutex<Vec<AskedRow>>,
    feedback: Mutex<Vec<(String, bool)>>,
}

impl Recorder for Recorded {
    fn asked(&self, e: &Asked<'_>) {
        self.asked
            .lock()
            .unwrap()
            .push((e.reply.id.clone(), e.chat, e.asker.map(str::to_string)));
    }
    fn feedback(&self, e: &Feedback<'_>) {
        self.feedback
            .lock()
            .unwrap()
            .push((e.answer_id.to_string(), e.helpful));
    }
}

struct Bot {
    fake: FakeDiscord,
    recorded: Arc<Recorded>,
    engine: Arc<Engine>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(tune: impl FnOnce(&mut DiscordConfig)) -> Bot {
    let fake = FakeDiscord::start().await;
    let mut config = DiscordConfig::new(TOKEN);
    config.api_url = Some(fake.base_url.clone());
    tune(&mut config);
    let engine = Arc::new(Engine::builtin().expect("built-in knowledge"));
    let recorded = Arc::new(Recorded::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(netral::discord::run_until(
        config,
        Arc::clone(&engine),
        recorded.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    fake.wait_ready().await;
    Bot {
        fake,
        recorded,
        engine,
        stop: Some(stop),
        task,
    }
}

impl Bot {
    /// The interaction callback for interaction `id`.
    async fn callback(&self, id: &str) -> Value {
        let path = format!("/interactions/{id}/itoken-{id}/callback");
        self.fake.wait_request("POST", |p| p == path).await.body
    }

    /// The channel message replying to message `id`.
    async fn reply_to(&self, id: &str) -> Value {
        self.fake
            .wait_for("a reply", |v| {
                v.requests
                    .iter()
                    .find(|r| {
                        r.method == "POST"
                            && r.path.ends_with("/messages")
                            && r.body["message_reference"]["message_id"] == id
                    })
                    .map(|r| r.body.clone())
            })
            .await
    }

    /// Stops the bot as SIGINT would; the shard closes its connection normally.
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(WAIT, &mut self.task)
            .await
            .expect("the bot stops in time")
            .expect("the bot task did not panic");
        assert!(result.is_ok(), "run_until failed: {result:?}");
        self.fake
            .wait_for("the shard closing the gateway with 1000", |v| {
                v.closes.contains(&1000).then_some(())
            })
            .await;
        self.fake.assert_clean();
    }
}

fn embed_text(embeds: &Value) -> String {
    let mut out = String::new();
    for e in embeds.as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            out.push_str(e[key].as_str().unwrap_or(""));
            out.push('\n');
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "{}: {}\n",
                f["name"].as_str().unwrap_or(""),
                f["value"].as_str().unwrap_or("")
            ));
        }
        out.push_str(e["footer"]["text"].as_str().unwrap_or(""));
    }
    out
}

fn custom_ids(data: &Value) -> Vec<String> {
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_tanya_topik_and_bantuan_globally_and_identifies_with_the_token() {
    let bot = start(|_| {}).await;
    let put = bot
        .fake
        .wait_request("PUT", |p| p == format!("/applications/{APP_ID}/commands"))
        .await;
    assert_eq!(
        put.authorization.as_deref(),
        Some(format!("Bot {TOKEN}").as_str())
    );
    let names: Vec<&str> = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["tanya", "topik", "bantuan"]);
    let option = &put.body[0]["options"][0];
    assert_eq!(option["name"], "pertanyaan");
    assert_eq!(option["type"], 3);
    assert_eq!(option["autocomplete"], true);
    assert_eq!(option["required"], true);
    let identify = bot
        .fake
        .wait_for("identify", |v| {
            v.gateway_in.iter().find(|f| f["op"] == 2).cloned()
        })
        .await;
    // serenity sends the token with its "Bot " prefix in Identify, as in the header.
    assert_eq!(
        identify["d"]["token"]
            .as_str()
            .map(|t| t.trim_start_matches("Bot ")),
        Some(TOKEN)
    );
    let intents = identify["d"]["intents"].as_u64().unwrap();
    let (guild_messages, direct_messages, message_content) = (1 << 9, 1 << 12, 1 << 15);
    assert_eq!(
        intents & (guild_messages | direct_messages | message_content),
        guild_messages | direct_messages | message_content
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_to_one_guild_when_discord_guild_id_is_set() {
    let bot = start(|c| {
        c.guild_id = Some(GUILD_ID.parse().unwrap());
        c.message_content_intent = false;
    })
    .await;
    bot.fake
        .wait_request("PUT", |p| {
            p == format!("/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
        })
        .await;
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.path == format!("/applications/{APP_ID}/commands"))
    );
    let identify = bot
        .fake
        .gateway_frames()
        .into_iter()
        .find(|f| f["op"] == 2)
        .unwrap();
    assert_eq!(identify["d"]["intents"].as_u64().unwrap() & (1 << 15), 0);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tanya_answers_liking_a_candidates_post_with_tidak_boleh_and_its_legal_basis() {
    let bot = start(|_| {}).await;
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("1001", LIKE_QUESTION));
    let cb = bot.callback("1001").await;
    assert_eq!(cb["type"], 4, "answered at once: {cb}");
    let data = &cb["data"];
    assert_ne!(data["flags"], 64, "a /tanya answer is public");
    let title = data["embeds"][0]["title"].as_str().unwrap();
    assert!(title.starts_with("Tidak boleh — "), "{title}");
    let text = embed_text(&data["embeds"]);
    let topic = bot
        .engine
        .knowledge()
        .topic("medsos-interaksi")
        .unwrap()
        .clone();
    // Phone-sized: verdict, short answer, the main legal basis and the sanction, no more.
    let size = text.chars().count();
    assert!(size <= 1500, "{size} characters: {text}");
    assert!(
        text.contains(&format!("Dasar hukum: {}", topic.legal_basis[0].regulation)),
        "{text}"
    );
    assert!(text.contains("Sanksi: "), "{text}");
    assert!(
        !text.contains("Sumber: "),
        "sources wait behind a button: {text}"
    );
    assert!(text.contains("bukan nasihat hukum"), "{text}");
    let ids = custom_ids(data);
    for part in ["x", "l", "s"] {
        assert!(ids.contains(&format!("{part}:medsos-interaksi")), "{ids:?}");
    }
    assert!(ids.contains(&"f:medsos-interaksi:1".to_string()), "{ids:?}");
    assert!(ids.contains(&"f:medsos-interaksi:0".to_string()), "{ids:?}");
    let related = &bot.engine.answer_by_id("medsos-interaksi").unwrap().related;
    assert!(!related.is_empty());
    assert!(ids.contains(&format!("a:{}", related[0].id)), "{ids:?}");
    let asked = bot.recorded.asked.lock().unwrap().clone();
    assert_eq!(
        asked,
        [(
            Some("medsos-interaksi".into()),
            ChatKind::Group,
            Some(format!("discord:{USER_ID}"))
        )]
    );

    // "Penjelasan lengkap": the whole answer, to the presser only, with sources and body.
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("1002", "x:medsos-interaksi", None),
    );
    let full = bot.callback("1002").await;
    assert_eq!(full["data"]["flags"], 64, "{full}");
    let text = embed_text(&full["data"]["embeds"]);
    assert!(text.contains("Sumber: "), "{text}");
    let body_start: String = topic.body.chars().take(60).collect();
    assert!(text.contains(&body_start), "{text}");
    // "Dasar hukum": every article the answer rests on.
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("1003", "l:medsos-interaksi", None),
    );
    let basis = embed_text(&bot.callback("1003").await["data"]["embeds"]);
    for b in &topic.legal_basis {
        assert!(basis.contains(&b.article), "{basis}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_between_1_and_25_matching_titles() {
    let bot = start(|_| {}).await;
    let cases = [
        ("2001", "bolehkah asn li"),
        ("2002", ""),
        ("2003", "like post"),
        ("2004", "qqqq zzzz"),
    ];
    for (id, typed) in cases {
        bot.fake
            .dispatch("INTERACTION_CREATE", fake::autocomplete(id, typed));
    }
    for (id, typed) in cases {
        let cb = bot.callback(id).await;
        assert_eq!(cb["type"], 8);
        let choices = cb["data"]["choices"].as_array().unwrap();
        assert!(
            (1..=25).contains(&choices.len()),
            "{typed:?}: {} choices",
            choices.len()
        );
        for c in choices {
            let (name, value) = (c["name"].as_str().unwrap(), c["value"].as_str().unwrap());
            assert!((1..=100).contains(&name.chars().count()), "{name}");
            assert!((1..=100).contains(&value.chars().count()), "{value}");
        }
        if typed.contains("li") {
            let like = bot.engine.answer_by_id("medsos-interaksi").unwrap().title;
            assert!(
                choices.iter().take(5).any(|c| c["name"] == like.as_str()),
                "{typed:?}: {choices:?}"
            );
        }
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_button_press_is_answered_and_feedback_is_recorded() {
    let bot = start(|_| {}).await;
    let related = bot.engine.answer_by_id("medsos-interaksi").unwrap().related[0].clone();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("3001", "f:medsos-interaksi:1", None),
    );
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("3002", "f:medsos-interaksi:0", None),
    );
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("3003", &format!("a:{}", related.id), None),
    );
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("3004", "a:no-such-entry", None),
    );
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("3005", "something-else", None),
    );
    for id in ["3001", "3002", "3003", "3004", "3005"] {
        let cb = bot.callback(id).await;
        assert_eq!(cb["type"], 4, "{id}: {cb}");
        assert_eq!(cb["data"]["flags"], 64, "{id}: only the presser sees it");
        assert!(!embed_text(&cb["data"]["embeds"]).trim().is_empty());
    }
    let answer = bot.callback("3003").await;
    assert!(embed_text(&answer["data"]["embeds"]).contains(&related.title));
    let mut feedback = bot.recorded.feedback.lock().unwrap().clone();
    feedback.sort();
    assert_eq!(
        feedback,
        [
            ("medsos-interaksi".to_string(), false),
            ("medsos-interaksi".to_string(), true)
        ]
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topik_menus_lead_from_a_category_to_an_answer_and_bantuan_explains() {
    let bot = start(|_| {}).await;
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::command("4001", "topik", true));
    let menu = bot.callback("4001").await;
    let select = &menu["data"]["components"][0]["components"][0];
    assert_eq!(select["type"], 3, "a select menu: {menu}");
    let values: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["value"].as_str())
        .collect();
    assert!(values.contains(&"medsos"), "{values:?}");
    let custom_id = select["custom_id"].as_str().unwrap().to_string();

    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("4002", &custom_id, Some(&["medsos"])),
    );
    let topics = bot.callback("4002").await;
    let select = &topics["data"]["components"][0]["components"][0];
    let values: Vec<&str> = select["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["value"].as_str())
        .collect();
    assert!(values.contains(&"medsos-interaksi"), "{values:?}");
    let custom_id = select["custom_id"].as_str().unwrap().to_string();

    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::component("4003", &custom_id, Some(&["medsos-interaksi"])),
    );
    let answer = bot.callback("4003").await;
    assert!(
        answer["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Tidak boleh")
    );

    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::command("4004", "bantuan", false),
    );
    let help = bot.callback("4004").await;
    assert!(embed_text(&help["data"]["embeds"]).contains("/tanya"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_is_answered_as_a_reply_and_other_chatter_is_ignored() {
    let bot = start(|_| {}).await;
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("5001", LIKE_QUESTION, true, &[], false),
    );
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("5002", "ada yang mau makan siang?", true, &[USER_ID], false),
    );
    let content = format!("<@{BOT_ID}> {LIKE_QUESTION}");
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("5003", &content, true, &[BOT_ID], false),
    );
    let reply = bot.reply_to("5003").await;
    assert_eq!(reply["message_reference"]["channel_id"], CHANNEL_ID);
    assert_eq!(reply["message_reference"]["fail_if_not_exists"], false);
    assert!(
        reply["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Tidak boleh")
    );
    // Give the chatter every chance to be (wrongly) answered.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posts = bot
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages"))
        .count();
    assert_eq!(posts, 1, "only the mention is answered");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_is_answered_without_a_mention() {
    let bot = start(|_| {}).await;
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("6001", LIKE_QUESTION, false, &[], false),
    );
    let reply = bot.reply_to("6001").await;
    assert_eq!(reply["message_reference"]["channel_id"], DM_CHANNEL_ID);
    assert!(embed_text(&reply["embeds"]).contains("PP 94/2021"));
    let post = bot
        .fake
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/messages"))
        .unwrap();
    assert_eq!(post.path, format!("/channels/{DM_CHANNEL_ID}/messages"));
    assert_eq!(bot.recorded.asked.lock().unwrap()[0].1, ChatKind::Private);
    bot.stop().await;
}

/// The first characters of the sanction of the topic the conversation tests start from.
fn like_sanction(engine: &Engine) -> String {
    let topic = engine
        .knowledge()
        .topic("medsos-interaksi")
        .unwrap()
        .clone();
    let sanction = topic.sanction.expect("the topic names its sanction");
    sanction.chars().take(40).collect()
}

/// Whether a reply asks what a follow-up is about.
fn asks_what_it_is_about(engine: &Engine, text: &str) -> bool {
    let fragment = engine.knowledge().messages.get("conversation", "fragment");
    let start: String = fragment.chars().take(20).collect();
    text.contains(&start)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tanya_after_an_answer_follows_it_up_in_that_channel_only() {
    let bot = start(|_| {}).await;
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("7001", LIKE_QUESTION));
    let first = bot.callback("7001").await;
    assert!(embed_text(&first["data"]["embeds"]).starts_with("Tidak boleh"));
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("7002", "sanksinya apa?"));
    let sanction = embed_text(&bot.callback("7002").await["data"]["embeds"]);
    assert!(sanction.contains(&like_sanction(&bot.engine)), "{sanction}");

    // The same user in a direct message is another conversation: asked back.
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("7003", "sanksinya apa?", false, &[], false),
    );
    let dm = embed_text(&bot.reply_to("7003").await["embeds"]);
    assert!(asks_what_it_is_about(&bot.engine, &dm), "{dm}");
    let asked = bot.recorded.asked.lock().unwrap().clone();
    assert_eq!(asked[1].0.as_deref(), Some("medsos-interaksi"), "{asked:?}");
    assert_eq!(asked[2].0, None, "{asked:?}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clarifying_question_is_answered_by_pressing_a_choice() {
    let bot = start(|_| {}).await;
    let asked = bot.engine.ask_in(AMBIGUOUS_QUESTION, None);
    assert_eq!(
        asked.declined,
        Some(netral::core::DeclineReason::Ambiguous),
        "{AMBIGUOUS_QUESTION} should ask which topic is meant: {asked:?}"
    );
    let second = asked.suggestions[1].clone();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::tanya("7101", AMBIGUOUS_QUESTION),
    );
    let question = bot.callback("7101").await;
    let choice = format!("a:{}", second.id);
    let ids = custom_ids(&question["data"]);
    assert!(ids.contains(&choice), "{ids:?}");
    assert!(
        embed_text(&question["data"]["embeds"]).contains(&second.title),
        "{question}"
    );

    // The press answers the choice, and the next /tanya follows it up.
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::component("7102", &choice, None));
    let chosen = embed_text(&bot.callback("7102").await["data"]["embeds"]);
    assert!(chosen.contains(&second.title), "{chosen}");
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("7103", "dasar hukumnya?"));
    let basis = embed_text(&bot.callback("7103").await["data"]["embeds"]);
    let expected = bot.engine.ask_in(
        "dasar hukumnya?",
        Some(&netral::core::Context::about(second.id.as_str())),
    );
    assert!(expected.followup);
    assert!(basis.contains(&expected.title), "{basis}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_role_and_user_mentions_in_a_question_ping_nobody() {
    let bot = start(|_| {}).await;
    let content =
        format!("<@{BOT_ID}> @everyone @here <@&123456789012345678> <@{USER_ID}> {LIKE_QUESTION}");
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("7001", &content, true, &[BOT_ID, USER_ID], true),
    );
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::tanya("7002", "@everyone bolehkah asn like postingan capres @here"),
    );
    let reply = bot.reply_to("7001").await;
    let cb = bot.callback("7002").await;
    for data in [&reply, &cb["data"]] {
        assert_eq!(data["allowed_mentions"]["parse"], json!([]), "{data}");
        assert_eq!(data["allowed_mentions"]["replied_user"], false);
        assert!(
            data["allowed_mentions"]["users"]
                .as_array()
                .is_none_or(Vec::is_empty)
        );
        assert!(
            data["allowed_mentions"]["roles"]
                .as_array()
                .is_none_or(Vec::is_empty)
        );
        let content = data["content"].as_str().unwrap_or("");
        assert!(
            !content.contains("@everyone") && !content.contains("@here"),
            "{content}"
        );
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_6000_character_question_gets_a_reply_within_discords_limits() {
    let bot = start(|_| {}).await;
    let long: String = format!("{LIKE_QUESTION} ")
        .repeat(200)
        .chars()
        .take(6000)
        .collect();
    assert_eq!(long.chars().count(), 6000);
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("8001", &long));
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::autocomplete("8002", &long));
    let mention: String = format!("<@{BOT_ID}> {long}").chars().take(4000).collect();
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("8003", &mention, true, &[BOT_ID], false),
    );
    let cb = bot.callback("8001").await;
    assert_eq!(cb["type"], 4);
    assert!(!embed_text(&cb["data"]["embeds"]).trim().is_empty());
    assert_eq!(bot.callback("8002").await["type"], 8);
    bot.reply_to("8003").await;
    // The fake has checked 2,000 / 4,096 / 1,024 / 6,000 on every one of them.
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_does_not_stop_the_bot() {
    let bot = start(|_| {}).await;
    bot.fake.fail_next_messages(1);
    let content = format!("<@{BOT_ID}> {LIKE_QUESTION}");
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("9001", &content, true, &[BOT_ID], false),
    );
    bot.reply_to("9001").await; // answered with 400 by the fake
    bot.fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("9002", &content, true, &[BOT_ID], false),
    );
    bot.reply_to("9002").await;
    // An event serenity cannot even parse does not end the shard either.
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        json!({"id": "9003", "type": 2, "data": "?"}),
    );
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("9004", LIKE_QUESTION));
    bot.callback("9004").await;
    assert_eq!(
        bot.fake
            .gateway_frames()
            .iter()
            .filter(|f| f["op"] == 2)
            .count(),
        1,
        "no reconnect"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_is_deferred_then_filled_in() {
    let bot = start(|c| c.defer_after = Duration::ZERO).await;
    bot.fake
        .dispatch("INTERACTION_CREATE", fake::tanya("9101", LIKE_QUESTION));
    let cb = bot.callback("9101").await;
    assert_eq!(cb["type"], 5, "deferred: {cb}");
    let edit = bot
        .fake
        .wait_request("PATCH", |p| {
            p == format!("/webhooks/{APP_ID}/itoken-9101/messages/@original")
        })
        .await;
    assert!(
        edit.body["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Tidak boleh")
    );
    bot.stop().await;
}

// ---- the real binary ---------------------------------------------------------------------

mod binary {
    use super::*;
    use std::io::Read;
    use std::process::{Command, Stdio};

    fn netral() -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_netral"));
        cmd.env("NETRAL_DB", "off"); // no curator store in the user's data directory
        for var in [
            "DISCORD_TOKEN",
            "DISCORD_API_URL",
            "DISCORD_GUILD_ID",
            "DISCORD_MESSAGE_CONTENT_INTENT",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    #[test]
    fn without_a_token_it_exits_2_with_one_line_naming_the_variable() {
        let out = netral().arg("discord").output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("DISCORD_TOKEN"), "{stderr}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn it_answers_then_stops_on_sigint_without_ever_printing_the_token() {
        answer_then_stop_on("INT").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn it_stops_on_sigterm_too() {
        answer_then_stop_on("TERM").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn discord_unreachable_at_start_up_is_waited_for_not_given_up() {
        let fake = FakeDiscord::start().await;
        fake.refuse_gateway(2);
        let mut child = netral()
            .arg("discord")
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", &fake.base_url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Two refusals (back-off 1 s, then 2 s), then the gateway answers and the bot connects.
        fake.wait_ready().await;
        let still_running = child.try_wait().unwrap().is_none();
        let gateway_asks = fake
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == "/gateway")
            .count();
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(still_running, "netral discord gave up: {stderr}");
        // Two refused, one answered (serenity's client builder asks once more itself).
        assert!(gateway_asks >= 3, "{gateway_asks}: {stderr}");
        assert!(stderr.contains("retrying in 1s"), "{stderr}");
        assert!(
            !stderr.contains(TOKEN.rsplit('.').next().unwrap()),
            "{stderr}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_rejected_token_is_a_configuration_error_exit_2() {
        let fake = FakeDiscord::start().await;
        fake.reject_token();
        let out = tokio::task::spawn_blocking({
            let base = fake.base_url.clone();
            move || {
                netral()
                    .arg("discord")
                    .env("DISCORD_TOKEN", TOKEN)
                    .env("DISCORD_API_URL", base)
                    .output()
                    .unwrap()
            }
        })
        .await
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let last = stderr.trim().lines().last().unwrap_or_default();
        assert!(
            last.contains("rejected the bot token") && last.contains("DISCORD_TOKEN"),
            "{stderr}"
        );
        assert!(
            !stderr.contains(TOKEN.rsplit('.').next().unwrap()),
            "{stderr}"
        );
    }

    #[test]
    fn an_unusable_metrics_address_exits_2_with_one_line() {
        let out = netral()
            .arg("discord")
            .env("DISCORD_TOKEN", TOKEN)
            .env("NETRAL_METRICS_LISTEN", "not-an-address")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("NETRAL_METRICS_LISTEN"), "{stderr}");
    }

    /// A free port on 127.0.0.1 (bound, then released for the child to take).
    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// GET `path` on the metrics address: status and body (None while nothing listens).
    async fn get(port: u16, path: &str) -> Option<(u16, String)> {
        let response = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
            .await
            .ok()?;
        let status = response.status().as_u16();
        Some((status, response.text().await.ok()?))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn healthz_turns_ok_once_connected_and_metrics_count_the_questions() {
        let fake = FakeDiscord::start().await;
        let port = free_port();
        let mut child = netral()
            .arg("discord")
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", &fake.base_url)
            .env("NETRAL_METRICS_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        fake.wait_ready().await;
        let deadline = std::time::Instant::now() + WAIT;
        let health = loop {
            match get(port, "/healthz").await {
                Some((200, body)) => break body,
                other => assert!(
                    std::time::Instant::now() < deadline,
                    "/healthz never turned 200: {other:?}"
                ),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let health: Value = serde_json::from_str(&health).unwrap();
        assert_eq!(health["components"]["discord"], "connected");

        fake.dispatch("INTERACTION_CREATE", fake::tanya("1", LIKE_QUESTION));
        fake.dispatch(
            "INTERACTION_CREATE",
            fake::tanya("2", "resep nasi goreng kampung"),
        );
        fake.wait_request("POST", |p| p == "/interactions/2/itoken-2/callback")
            .await;
        fake.wait_request("POST", |p| p == "/interactions/1/itoken-1/callback")
            .await;
        let (status, metrics) = get(port, "/metrics").await.expect("metrics served");
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(status, 200);
        assert!(
            metrics.contains(r#"netral_questions_total{outcome="answered",platform="discord"} 1"#),
            "{metrics}"
        );
        let declined: u64 = metrics
            .lines()
            .filter(|l| {
                l.starts_with("netral_questions_total{")
                    && l.contains(r#"platform="discord""#)
                    && !l.contains("answered")
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        assert_eq!(declined, 1, "{metrics}");
        assert!(
            metrics.contains(r#"netral_answer_seconds_count{platform="discord"} 2"#),
            "{metrics}"
        );
        assert!(
            metrics.contains(r#"netral_up{component="discord"} 1"#),
            "{metrics}"
        );
        assert!(metrics.contains("netral_model_info{"), "{metrics}");
    }

    /// Runs `netral discord` with debug logging, has it answer a command and a mention, sends
    /// it `signal`, and checks a clean exit with the token nowhere in its output.
    async fn answer_then_stop_on(signal: &str) {
        let fake = FakeDiscord::start().await;
        let mut child = netral()
            .arg("discord")
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", &fake.base_url)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Drain the pipes so that verbose logging never blocks the bot.
        let drain = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut s = Vec::new();
                let _ = r.read_to_end(&mut s);
                String::from_utf8_lossy(&s).into_owned()
            })
        };
        let out = drain(Box::new(child.stdout.take().unwrap()));
        let err = drain(Box::new(child.stderr.take().unwrap()));

        fake.wait_ready().await;
        fake.dispatch("INTERACTION_CREATE", fake::tanya("1", LIKE_QUESTION));
        let content = format!("<@{BOT_ID}> @everyone {LIKE_QUESTION}");
        fake.dispatch(
            "MESSAGE_CREATE",
            fake::message("2", &content, true, &[BOT_ID], true),
        );
        fake.wait_request("POST", |p| p == "/interactions/1/itoken-1/callback")
            .await;
        fake.wait_request("POST", |p| p == format!("/channels/{CHANNEL_ID}/messages"))
            .await;

        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args([format!("-{signal}").as_str(), &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = std::time::Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "netral discord did not stop on SIG{signal}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(status.success(), "exit status after SIG{signal}: {status}");
        assert!(
            fake.close_codes().contains(&1000),
            "{:?}",
            fake.close_codes()
        );
        let (out, err) = (out.join().unwrap(), err.join().unwrap());
        assert!(err.contains("DEBUG"), "debug logging was on: {err}");
        let secret_part = TOKEN.rsplit('.').next().unwrap();
        for text in [&out, &err] {
            assert!(
                !text.contains(TOKEN) && !text.contains(secret_part),
                "token printed:\n{text}"
            );
        }
        fake.assert_clean();
    }
}

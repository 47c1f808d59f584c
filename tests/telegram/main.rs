//! End-to-end tests of `netral telegram` against a fake Bot API on 127.0.0.1: the real
//! teloxide Dispatcher (in-process through `telegram::run_until`, or the real binary) talks to
//! the fake, which checks every request against the vendored Bot API spec and every text
//! against Telegram's HTML rules. No test touches the internet.

mod binary;
// Shared with tests/discord.rs; this crate uses only part of it.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
mod fake;
mod html;
mod serve;
mod spec;
mod store;

use fake::{BOT_USERNAME, Failure, Fake, TOKEN, group_chat, private_chat, text, user};
use netral::core::Engine;
use netral::core::record::{Asked, ChatKind, Feedback, Recorder};
use netral::telegram::{self, TelegramConfig, Token};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The question every user-visible check revolves around, and what it must get.
const LIKE_QUESTION: &str = "pns blh like postingan capres gak?";
const LIKE_ID: &str = "medsos-interaksi";
/// A question two topics fit about equally well: the bot asks which one is meant.
const AMBIGUOUS_QUESTION: &str = "foto kampanye";

/// The knowledge under test: the built-in one, or `NETRAL_KNOWLEDGE` when set.
fn engine() -> Arc<Engine> {
    let engine = match std::env::var_os("NETRAL_KNOWLEDGE") {
        Some(dir) => Engine::from_dir(std::path::Path::new(&dir)),
        None => Engine::builtin(),
    };
    Arc::new(engine.expect("knowledge loads"))
}

/// What the recorder saw of one question: answer id, chat kind, asker key.
type AskedEntry = (Option<String>, ChatKind, Option<String>);

#[derive(Default)]
struct Recorded {
    asked: Mutex<Vec<AskedEntry>>,
    feedback: Mutex<Vec<(String, bool)>>,
}

impl Recorder for Recorded {
    fn asked(&self, e: &Asked<'_>) {
        let entry = (e.reply.id.clone(), e.chat, e.asker.map(str::to_string));
        self.asked.lock().unwrap().push(entry);
    }
    fn feedback(&self, e: &Feedback<'_>) {
        let entry = (e.answer_id.to_string(), e.helpful);
        self.feedback.lock().unwrap().push(entry);
    }
}

struct Running {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    recorded: Arc<Recorded>,
}

impl Running {
    /// Stops the bot as SIGINT would and returns how `run` ended.
    async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), &mut self.task)
            .await
            .expect("the bot stops within 10 s")
            .expect("the bot task does not panic")
    }
}

fn config(fake: &Fake) -> TelegramConfig {
    let mut c = TelegramConfig::new(Token::new(TOKEN));
    c.api_url = Some(url::Url::parse(&fake.url).unwrap());
    c
}

/// Starts the bot against `fake` and waits until it polls.
async fn start(fake: &Fake, config: TelegramConfig) -> Running {
    let recorded = Arc::new(Recorded::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(telegram::run_until(
        config,
        engine(),
        recorded.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    fake.wait_for(10, "the first getUpdates", |calls| {
        calls.iter().any(|c| c.method == "getUpdates").then_some(())
    })
    .await;
    Running {
        stop: Some(stop),
        task,
        recorded,
    }
}

fn text_of(msg: &Value) -> String {
    html::check(msg["text"].as_str().unwrap_or("")).unwrap_or_else(|e| panic!("{e}"))
}

/// Every callback_data in a message's keyboard.
fn buttons(msg: &Value) -> Vec<(String, String)> {
    msg["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            let target = b["callback_data"]
                .as_str()
                .or(b["url"].as_str())
                .unwrap_or("")
                .to_string();
            (b["text"].as_str().unwrap_or("").to_string(), target)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_answer_fits_a_phone_in_one_message_and_a_button_brings_the_full_answer() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 509;
    fake.push(
        "message",
        text(
            &fake,
            private_chat(chat),
            user(chat),
            "boleh gak pns like postingan capres?",
        ),
    );
    let first = fake.wait_sent(chat, 1).await[0].clone();
    // Give a second message every chance to arrive: there must not be one.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        fake.sent_to(chat).len(),
        1,
        "one message, not a wall of parts"
    );
    let html = first["text"].as_str().unwrap();
    assert!(
        html.chars().count() <= 1500,
        "{} characters",
        html.chars().count()
    );
    let visible = text_of(&first);
    assert!(visible.starts_with("Tidak boleh — "), "{visible}");
    let topic = engine().knowledge().topic(LIKE_ID).unwrap().clone();
    let main_basis = format!("Dasar hukum: {}", topic.legal_basis[0].regulation);
    assert!(visible.contains(&main_basis), "{visible}");
    assert!(visible.contains("Sanksi:"), "{visible}");
    let body_start: String = topic.body.chars().take(60).collect();
    assert!(
        !visible.contains(&body_start),
        "the body waits behind a button"
    );
    let b = buttons(&first);
    for (label, data) in [
        ("Penjelasan lengkap", format!("x:{LIKE_ID}")),
        ("Dasar hukum", format!("l:{LIKE_ID}")),
        ("Sumber", format!("s:{LIKE_ID}")),
    ] {
        assert!(
            b.iter().any(|(l, d)| l.contains(label) && d == &data),
            "{label}: {b:?}"
        );
    }

    // The button brings the whole answer, body and sources included.
    fake.push(
        "callback_query",
        callback(
            &fake,
            private_chat(chat),
            chat,
            "cb-full",
            &format!("x:{LIKE_ID}"),
        ),
    );
    let sent = fake.wait_sent(chat, 2).await;
    let full: String = sent[1..].iter().map(text_of).collect::<Vec<_>>().join("\n");
    assert!(full.contains(&body_start), "{full}");
    assert!(full.contains("Sumber"), "{full}");
    let full_buttons = buttons(&sent[1]);
    assert!(
        !full_buttons.iter().any(|(_, d)| d.starts_with("x:")),
        "no button to what is already shown: {full_buttons:?}"
    );

    // The legal basis alone, every article with its note.
    fake.push(
        "callback_query",
        callback(
            &fake,
            private_chat(chat),
            chat,
            "cb-basis",
            &format!("l:{LIKE_ID}"),
        ),
    );
    let sent = fake.wait_sent(chat, 3).await;
    let basis = text_of(sent.last().unwrap());
    for b in &topic.legal_basis {
        assert!(basis.contains(&b.article), "{basis}");
    }
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_question_gets_verdict_basis_and_buttons() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 501;
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    let sent = fake.wait_sent(chat, 1).await;
    let msg = sent.last().unwrap();
    let visible = text_of(msg);
    assert!(visible.starts_with("Tidak boleh"), "{visible}");
    assert!(
        msg["text"]
            .as_str()
            .unwrap()
            .starts_with("<b>Tidak boleh</b>")
    );
    assert!(visible.contains("Dasar hukum"), "{visible}");
    assert!(visible.contains("PP 94/2021"), "{visible}");
    assert!(
        msg.get("reply_parameters").is_none(),
        "no threading in private chats"
    );
    let b = buttons(msg);
    assert!(b.iter().any(|(_, d)| d == &format!("y:{LIKE_ID}")), "{b:?}");
    assert!(b.iter().any(|(_, d)| d == &format!("n:{LIKE_ID}")), "{b:?}");
    assert!(
        b.iter().any(|(_, d)| d.starts_with("a:")),
        "related questions: {b:?}"
    );
    let asked = bot.recorded.asked.lock().unwrap().clone();
    assert_eq!(
        asked,
        vec![(
            Some(LIKE_ID.into()),
            ChatKind::Private,
            Some(format!("telegram:{chat}"))
        )]
    );
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_registers_indonesian_commands_and_start_greets_or_opens_a_deep_link() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let commands = fake.ok_calls("setMyCommands");
    assert_eq!(commands.len(), 2, "{commands:?}");
    let names = |p: &Value| -> Vec<String> {
        p["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["command"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&commands[0]), ["start", "bantuan", "tanya", "topik"]);
    assert_eq!(commands[1]["scope"]["type"], "all_group_chats");
    assert!(
        commands[0]["commands"][2]["description"]
            .as_str()
            .unwrap()
            .contains("Tanyakan")
    );

    let chat = 502;
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "/start"),
    );
    let greeting = text_of(&fake.wait_sent(chat, 1).await[0]);
    assert!(greeting.contains("netralitas ASN"), "{greeting}");
    assert!(
        greeting.matches("• ").count() >= 3,
        "three examples: {greeting}"
    );

    let deep = format!("/start {LIKE_ID}");
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), &deep),
    );
    let answer = text_of(&fake.wait_sent(chat, 2).await[1]);
    assert!(answer.starts_with("Tidak boleh"), "{answer}");

    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "/bantuan"),
    );
    let help = text_of(&fake.wait_sent(chat, 3).await[2]);
    assert!(help.contains(&format!("@{BOT_USERNAME}")), "{help}");
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_get_short_threaded_answers_only_when_addressed() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let group = -100_503;
    let g = || group_chat(group);
    // Chatter and other bots' commands first: the per-chat order means they are processed
    // before the question below.
    fake.push("message", text(&fake, g(), user(11), "selamat pagi semua"));
    fake.push(
        "message",
        text(&fake, g(), user(11), "/tanya@other_bot boleh like?"),
    );
    fake.push("message", text(&fake, g(), user(11), "/start"));
    let mut ask = text(
        &fake,
        g(),
        user(11),
        &format!("/tanya@{BOT_USERNAME} {LIKE_QUESTION}"),
    );
    let asking_id = ask["message_id"].clone();
    ask["reply_to_message"] = text(&fake, g(), user(12), "ada yang tahu?");
    fake.push("message", ask);
    let sent = fake.wait_sent(group, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        fake.sent_to(group).len(),
        1,
        "only the addressed question is answered"
    );
    let msg = &sent[0];
    assert_eq!(msg["reply_parameters"]["message_id"], asking_id);
    let visible = text_of(msg);
    assert!(visible.starts_with("Tidak boleh"), "{visible}");
    assert!(visible.contains("Dasar hukum"), "{visible}");
    assert!(visible.len() < 1500, "group answers are short: {visible}");
    let deep_link = format!("https://t.me/{BOT_USERNAME}?start={LIKE_ID}");
    assert!(msg["text"].as_str().unwrap().contains(&deep_link));
    assert!(buttons(msg).iter().any(|(_, u)| u == &deep_link));

    // A reply to the bot's own message is a question too.
    let mut follow_up = text(&fake, g(), user(13), "kalau cuma follow akun capres?");
    follow_up["reply_to_message"] = fake::bot_message(&fake, g(), "Tidak boleh …");
    fake.push("message", follow_up);
    let sent = fake.wait_sent(group, 2).await;
    assert!(text_of(&sent[1]).len() > 20);
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_queries_offer_at_most_ten_html_answers() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let id = fake.push(
        "inline_query",
        json!({"id": "iq-1", "from": user(31), "query": "like postingan capres", "offset": ""}),
    );
    let answer = fake
        .wait_for(10, "answerInlineQuery", |calls| {
            calls
                .iter()
                .find(|c| c.method == "answerInlineQuery")
                .map(|c| c.params.clone())
        })
        .await;
    assert_eq!(answer["inline_query_id"], "iq-1");
    let results = answer["results"].as_array().unwrap();
    assert!(
        !results.is_empty() && results.len() <= 10,
        "{}",
        results.len()
    );
    assert_eq!(results[0]["id"], LIKE_ID);
    let content = &results[0]["input_message_content"];
    assert_eq!(content["parse_mode"], "HTML");
    let visible = html::check(content["message_text"].as_str().unwrap()).unwrap();
    assert!(visible.starts_with("Tidak boleh"), "{visible}");
    assert!(id > 0);

    // An empty query still gets an answer (the first topics), never silence.
    fake.push(
        "inline_query",
        json!({"id": "iq-2", "from": user(31), "query": "", "offset": ""}),
    );
    fake.wait_for(10, "the second answerInlineQuery", |calls| {
        calls
            .iter()
            .any(|c| c.method == "answerInlineQuery" && c.params["inline_query_id"] == "iq-2")
            .then_some(())
    })
    .await;
    bot.stop().await.unwrap();
    fake.assert_clean();
}

fn callback(fake: &Fake, chat: Value, from: i64, id: &str, data: &str) -> Value {
    json!({"id": id, "from": user(from), "chat_instance": "ci",
           "message": fake::bot_message(fake, chat, "jawaban"), "data": data})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_button_press_is_answered_and_feedback_is_recorded() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 504;
    let answered = |id: &'static str| {
        move |calls: &[fake::Call]| {
            calls
                .iter()
                .find(|c| c.method == "answerCallbackQuery" && c.params["callback_query_id"] == id)
                .map(|c| c.params.clone())
        }
    };
    let data = format!("y:{LIKE_ID}");
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-1", &data),
    );
    let toast = fake.wait_for(10, "cb-1 answered", answered("cb-1")).await;
    assert!(
        toast["text"].as_str().unwrap().contains("Terima kasih"),
        "{toast}"
    );
    assert_eq!(
        bot.recorded.feedback.lock().unwrap().clone(),
        vec![(LIKE_ID.to_string(), true)]
    );

    // A related question: answered in the chat.
    let data = format!("a:{LIKE_ID}");
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-2", &data),
    );
    fake.wait_for(10, "cb-2 answered", answered("cb-2")).await;
    let sent = fake.wait_sent(chat, 1).await;
    assert!(text_of(&sent[0]).starts_with("Tidak boleh"));

    // Forged or stale data: answered politely, nothing recorded.
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-3", "y:no-such-topic"),
    );
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-4", "<script>"),
    );
    let toast = fake.wait_for(10, "cb-4 answered", answered("cb-4")).await;
    assert!(
        toast["text"].as_str().unwrap().contains("tidak berlaku"),
        "{toast}"
    );
    fake.wait_for(10, "cb-3 answered", answered("cb-3")).await;
    assert_eq!(bot.recorded.feedback.lock().unwrap().len(), 1);

    // /topik: categories, then one category's topics, in place.
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "/topik"),
    );
    let menu = fake.wait_sent(chat, 2).await[1].clone();
    let categories = buttons(&menu);
    assert!(
        categories.iter().any(|(_, d)| d == "c:medsos"),
        "{categories:?}"
    );
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-5", "c:medsos"),
    );
    fake.wait_for(10, "cb-5 answered", answered("cb-5")).await;
    let edit = fake
        .wait_for(10, "the menu edited", |calls| {
            calls
                .iter()
                .find(|c| c.method == "editMessageText")
                .map(|c| c.params.clone())
        })
        .await;
    let topics = buttons(&edit);
    assert!(
        topics.iter().any(|(_, d)| d == &format!("a:{LIKE_ID}")),
        "{topics:?}"
    );
    assert!(
        topics.iter().any(|(_, d)| d == "k"),
        "a way back: {topics:?}"
    );
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_gets_polite_valid_answers() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 505;
    let html_question =
        "<script>alert('x')</script> bolehkah asn <b>like</b> postingan capres & cawapres?";
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), html_question),
    );
    let long = format!("{} {}", "netralitas asn ".repeat(700), "ﷺ\u{202e}\u{0}");
    assert!(long.chars().count() > 10_000);
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), &long),
    );
    fake.push(
        "message",
        json!({"message_id": fake.message_id(), "date": 1_700_000_000, "chat": private_chat(chat),
               "from": user(chat),
               "sticker": {"file_id": "f", "file_unique_id": "u", "type": "regular",
                           "width": 512, "height": 512, "is_animated": false, "is_video": false}}),
    );
    let sent = fake.wait_sent(chat, 3).await;
    assert!(!sent[0]["text"].as_str().unwrap().contains("<script>"));
    assert!(
        text_of(&sent[0]).starts_with("Tidak boleh"),
        "{}",
        text_of(&sent[0])
    );
    assert!(text_of(&sent[1]).len() > 10);
    assert!(text_of(&sent[2]).contains("teks"), "{}", text_of(&sent[2]));
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_and_delivered_exactly_once() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 506;
    fake.fail_next("sendMessage", Failure::RetryAfter(1));
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    let sent = fake.wait_sent(chat, 1).await;
    assert!(text_of(&sent[0]).starts_with("Tidak boleh"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let attempts: Vec<bool> = fake
        .calls()
        .iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == chat)
        .map(|c| c.ok)
        .collect();
    assert_eq!(
        attempts,
        [false, true],
        "one 429, then exactly one delivery"
    );

    // Button answers go around Throttle: they wait out a 429 too.
    fake.fail_next("answerCallbackQuery", Failure::RetryAfter(1));
    let data = format!("y:{LIKE_ID}");
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-429", &data),
    );
    fake.wait_for(10, "the button answered after the 429", |calls| {
        let tries: Vec<bool> = calls
            .iter()
            .filter(|c| {
                c.method == "answerCallbackQuery" && c.params["callback_query_id"] == "cb-429"
            })
            .map(|c| c.ok)
            .collect();
        (tries == [false, true]).then_some(())
    })
    .await;
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migrated_group_gets_the_answer_in_the_new_supergroup() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let (old, new) = (-507, -100_507);
    let chat = json!({"id": old, "type": "group", "title": "Dinas"});
    fake.fail_next("sendMessage", Failure::Migrate(new));
    fake.push(
        "message",
        text(&fake, chat, user(21), &format!("/tanya {LIKE_QUESTION}")),
    );
    let sent = fake.wait_sent(new, 1).await;
    assert!(text_of(&sent[0]).starts_with("Tidak boleh"));
    assert!(sent[0].get("reply_parameters").is_none());
    assert!(fake.sent_to(old).is_empty());
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_over_the_limit_is_told_once_politely() {
    let fake = Fake::start().await;
    let mut c = config(&fake);
    c.user_limit = 2;
    let bot = start(&fake, c).await;
    let chat = 508;
    for _ in 0..4 {
        fake.push(
            "message",
            text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
        );
    }
    let sent = fake.wait_sent(chat, 3).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(fake.sent_to(chat).len(), 3, "two answers and one notice");
    let notice = text_of(&sent[2]);
    assert!(notice.contains("tunggu"), "{notice}");
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_errors_back_off_and_never_end_the_bot() {
    let fake = Fake::start().await;
    fake.set_offline(true);
    let recorded = Arc::new(Recorded::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(telegram::run_until(
        config(&fake),
        engine(),
        recorded.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        !task.is_finished(),
        "an unreachable API does not end the bot"
    );
    fake.set_offline(false);
    let chat = 509;
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    fake.wait_sent(chat, 1).await;
    // An outage while polling.
    fake.set_offline(true);
    tokio::time::sleep(Duration::from_millis(500)).await;
    fake.set_offline(false);
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    fake.wait_sent(chat, 2).await;
    let bot = Running {
        stop: Some(stop),
        task,
        recorded,
    };
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_confirms_processed_updates() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 510;
    let last = fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    fake.wait_sent(chat, 1).await;
    bot.stop().await.unwrap();
    assert_eq!(
        fake.confirmed(),
        last + 1,
        "a restart will not see the update again"
    );
    let polls: Vec<Value> = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "getUpdates")
        .map(|c| c.params)
        .collect();
    let first = &polls[0];
    for kind in ["message", "inline_query", "callback_query"] {
        assert!(
            first["allowed_updates"]
                .as_array()
                .unwrap()
                .contains(&json!(kind)),
            "{first}"
        );
    }
    // The stop itself confirms: a last, immediate getUpdates with the next offset.
    let final_poll = polls.last().unwrap();
    assert_eq!(final_poll["offset"], last + 1, "{final_poll}");
    assert_eq!(final_poll["timeout"], 0, "{final_poll}");
    fake.assert_clean();
}

#[test]
fn every_message_key_exists_in_the_built_in_knowledge() {
    let engine = engine();
    let missing = engine
        .knowledge()
        .messages
        .missing("telegram", telegram::MESSAGE_KEYS);
    assert!(missing.is_empty(), "missing: {missing:?}");
}

#[test]
fn every_id_fits_callback_data_and_deep_links() {
    let engine = engine();
    let kb = engine.knowledge();
    for id in kb
        .topics
        .iter()
        .map(|t| &t.id)
        .chain(kb.articles.iter().map(|a| &a.id))
    {
        assert!(id.len() + 2 <= 64, "{id} is too long for callback data");
        assert!(
            telegram::render::deep_link(BOT_USERNAME, id).is_some(),
            "{id} cannot be a /start payload"
        );
    }
    for c in &kb.categories {
        assert!(
            c.id.len() + 2 <= 64,
            "{} is too long for callback data",
            c.id
        );
    }
}

#[test]
fn every_answer_renders_as_valid_telegram_html() {
    let engine = engine();
    let kb = engine.knowledge();
    let m = &kb.messages;
    let ids = kb
        .topics
        .iter()
        .map(|t| t.id.clone())
        .chain(kb.articles.iter().map(|a| a.id.clone()));
    for id in ids {
        let reply = engine.answer_by_id(&id).unwrap();
        for part in telegram::render::full(&reply, m) {
            html::check(&part).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        let short = telegram::render::short(&reply, m, Some("https://t.me/b?start=x"));
        html::check(&short).unwrap_or_else(|e| panic!("{id}: {e}"));
    }
}

/// The sanction of the topic every conversation test starts from, as the user sees it.
fn like_sanction() -> String {
    let topic = engine().knowledge().topic(LIKE_ID).unwrap().clone();
    let sanction = topic.sanction.expect("the topic names its sanction");
    sanction.chars().take(40).collect()
}

/// What the bot says to a follow-up it has nothing to follow with.
fn asks_what_it_is_about(visible: &str) -> bool {
    let fragment = engine()
        .knowledge()
        .messages
        .get("conversation", "fragment");
    let start: String = fragment.chars().take(20).collect();
    visible.contains(&start)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_follow_up_is_answered_from_the_previous_answer_and_start_forgets_it() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let (chat, other) = (521, 522);
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    assert!(text_of(&fake.wait_sent(chat, 1).await[0]).starts_with("Tidak boleh"));
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "sanksinya apa?"),
    );
    let sanction = text_of(&fake.wait_sent(chat, 2).await[1]);
    assert!(sanction.contains(&like_sanction()), "{sanction}");

    // Another chat knows nothing of that conversation: the fragment is asked back.
    fake.push(
        "message",
        text(&fake, private_chat(other), user(other), "sanksinya apa?"),
    );
    let asked_back = text_of(&fake.wait_sent(other, 1).await[0]);
    assert!(asks_what_it_is_about(&asked_back), "{asked_back}");

    // /start begins afresh.
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "/start"),
    );
    fake.wait_sent(chat, 3).await;
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "sanksinya apa?"),
    );
    let after_start = text_of(&fake.wait_sent(chat, 4).await[3]);
    assert!(asks_what_it_is_about(&after_start), "{after_start}");
    let asked: Vec<_> = bot.recorded.asked.lock().unwrap().clone();
    assert_eq!(asked[1].0.as_deref(), Some(LIKE_ID), "{asked:?}");
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_group_only_a_reply_to_an_answer_follows_it_up() {
    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let group = -100_523;
    let g = || group_chat(group);
    fake.push(
        "message",
        text(
            &fake,
            g(),
            user(21),
            &format!("/tanya@{BOT_USERNAME} {LIKE_QUESTION}"),
        ),
    );
    let answer = fake.wait_sent(group, 1).await[0].clone();
    assert!(text_of(&answer).starts_with("Tidak boleh"));

    // Another member replies to that answer: the reply is read in its context.
    let mut follow_up = text(&fake, g(), user(22), "sanksinya apa?");
    let mut replied = fake::bot_message(&fake, g(), answer["text"].as_str().unwrap());
    replied["reply_markup"] = answer["reply_markup"].clone();
    follow_up["reply_to_message"] = replied;
    fake.push("message", follow_up);
    let sanction = text_of(&fake.wait_sent(group, 2).await[1]);
    assert!(sanction.contains(&like_sanction()), "{sanction}");

    // The same words as a command, replying to nothing: the group keeps no conversation.
    fake.push(
        "message",
        text(
            &fake,
            g(),
            user(22),
            &format!("/tanya@{BOT_USERNAME} sanksinya apa?"),
        ),
    );
    let alone = text_of(&fake.wait_sent(group, 3).await[2]);
    assert!(asks_what_it_is_about(&alone), "{alone}");
    bot.stop().await.unwrap();
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clarifying_question_is_answered_by_pressing_a_choice() {
    let e = engine();
    let asked = e.ask_in(AMBIGUOUS_QUESTION, None);
    assert_eq!(
        asked.declined,
        Some(netral::core::DeclineReason::Ambiguous),
        "{AMBIGUOUS_QUESTION} should ask which topic is meant: {asked:?}"
    );
    let second = asked.suggestions[1].clone();

    let fake = Fake::start().await;
    let bot = start(&fake, config(&fake)).await;
    let chat = 524;
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), AMBIGUOUS_QUESTION),
    );
    let question = fake.wait_sent(chat, 1).await[0].clone();
    let b = buttons(&question);
    let choice = format!("a:{}", second.id);
    assert!(b.iter().any(|(_, d)| d == &choice), "{b:?}");
    assert!(
        text_of(&question).contains(&second.title),
        "{}",
        text_of(&question)
    );

    // Pressing the second choice answers it, and the conversation is about it from then on.
    fake.push(
        "callback_query",
        callback(&fake, private_chat(chat), chat, "cb-choice", &choice),
    );
    let chosen = text_of(&fake.wait_sent(chat, 2).await[1]);
    assert!(chosen.contains(&second.title), "{chosen}");
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "dasar hukumnya?"),
    );
    let basis = text_of(&fake.wait_sent(chat, 3).await[2]);
    let expected = e.ask_in(
        "dasar hukumnya?",
        Some(&netral::core::Context::about(&second.id)),
    );
    assert!(expected.followup);
    assert!(basis.contains(&expected.title), "{basis}");
    bot.stop().await.unwrap();
    fake.assert_clean();
}

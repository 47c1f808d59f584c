//! The real `netral` binary against the fake Bot API: exit codes, SIGINT/SIGTERM with offset
//! confirmation, webhook mode, and the token never appearing in anything it prints.

use super::fake::{self, Failure, Fake, TOKEN, private_chat, text, user};
use super::{LIKE_QUESTION, html};
use serde_json::json;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `netral telegram` with its output collected.
struct Process {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(mut from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    out
}

fn netral(args: &[&str], env: &[(&str, &str)]) -> Process {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netral"));
    cmd.args(args)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TELEGRAM_BOT_TOKEN")
        .env_remove("TELOXIDE_API_URL")
        .env_remove("TELOXIDE_PROXY")
        .env_remove("NETRAL_WEBHOOK_SECRET")
        .env("RUST_LOG", "debug")
        .env("NETRAL_DB", "off") // no curator store in the user's data directory
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the netral binary starts");
    let stdout = collect(child.stdout.take().expect("stdout"));
    let stderr = collect(child.stderr.take().expect("stderr"));
    Process {
        child,
        stdout,
        stderr,
    }
}

impl Process {
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the exit (at most `secs`), then returns the status and everything printed.
    async fn exit(mut self, secs: u64) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "netral did not exit; stderr:\n{}",
                    self.stderr.lock().unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        // Let the reader threads drain the pipes.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let out = format!(
            "{}{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        );
        (status, out)
    }

    /// Waits until stderr contains `needle`, returning the line that does.
    async fn wait_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self
                .stderr
                .lock()
                .unwrap()
                .lines()
                .find(|l| l.contains(needle))
            {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} in:\n{}",
                self.stderr.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn assert_no_token(out: &str) {
    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(!out.contains(secret), "the token was printed:\n{out}");
}

#[tokio::test]
async fn a_missing_token_is_one_line_naming_the_variable_and_exit_code_2() {
    let (status, out) = netral(&["telegram"], &[]).exit(10).await;
    assert_eq!(status.code(), Some(2), "{out}");
    assert_eq!(out.trim().lines().count(), 1, "{out}");
    assert!(out.contains("TELOXIDE_TOKEN"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_ends_with_an_error_naming_the_variable_not_the_token() {
    let fake = Fake::start().await;
    let wrong = "987654321:AAWrongSecretWrongSecretWrongSecret00";
    let p = netral(
        &["telegram"],
        &[("TELOXIDE_TOKEN", wrong), ("TELOXIDE_API_URL", &fake.url)],
    );
    let (status, out) = p.exit(15).await;
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(
        out.contains("rejected") && out.contains("TELOXIDE_TOKEN"),
        "{out}"
    );
    assert!(
        !out.contains("AAWrongSecret"),
        "the token was printed:\n{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_cleanly_confirming_updates_and_the_token_is_never_printed() {
    let fake = Fake::start().await;
    let p = netral(
        &["telegram"],
        &[("TELOXIDE_TOKEN", TOKEN), ("TELOXIDE_API_URL", &fake.url)],
    );
    fake.wait_for(20, "the first getUpdates", |calls| {
        calls.iter().any(|c| c.method == "getUpdates").then_some(())
    })
    .await;
    let chat = 601;
    // An error on the way makes the bot log it: the log must not hold the token either.
    fake.fail_next("sendMessage", Failure::BadRequest("chat not found"));
    fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), "halo"),
    );
    let last = fake.push(
        "message",
        text(&fake, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    let sent = fake.wait_sent(chat, 1).await;
    let answer = html::check(sent[0]["text"].as_str().unwrap()).unwrap();
    assert!(answer.starts_with("Tidak boleh"), "{answer}");
    p.wait_line("can_read_all_group_messages=false").await;
    p.signal("INT");
    let (status, out) = p.exit(15).await;
    assert!(status.success(), "exit {status:?}:\n{out}");
    assert_eq!(
        fake.confirmed(),
        last + 1,
        "processed updates confirmed:\n{out}"
    );
    let final_poll = fake
        .calls()
        .into_iter()
        .rfind(|c| c.method == "getUpdates")
        .unwrap()
        .params;
    assert_eq!(
        (
            final_poll["offset"].as_i64(),
            final_poll["timeout"].as_i64()
        ),
        (Some(last + 1), Some(0)),
        "the stop ends with an immediate confirming getUpdates"
    );
    assert!(out.contains("supports_inline_queries=true"), "{out}");
    assert!(
        out.contains("handling an update failed"),
        "the error was logged:\n{out}"
    );
    assert_no_token(&out);
    fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_checks_the_secret_and_stops_on_sigterm() {
    let fake = Fake::start().await;
    let secret = "s3cret_for-tests";
    let p = netral(
        &[
            "telegram",
            "--webhook",
            "https://bot.example.org/tg-hook",
            "--listen",
            "127.0.0.1:0",
        ],
        &[
            ("TELOXIDE_TOKEN", TOKEN),
            ("TELOXIDE_API_URL", &fake.url),
            ("NETRAL_WEBHOOK_SECRET", secret),
        ],
    );
    let line = p.wait_line("listening on").await;
    let addr = line
        .split("listening on ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("address in the log line")
        .to_string();
    let hook = fake.ok_calls("setWebhook");
    assert_eq!(hook.len(), 1);
    assert_eq!(hook[0]["url"], "https://bot.example.org/tg-hook");
    assert_eq!(hook[0]["secret_token"], secret);

    let chat = 602;
    let update = json!({"update_id": 1, "message": text(&fake, private_chat(chat), user(chat), LIKE_QUESTION)});
    let client = reqwest::Client::new();
    let post = |secret: &'static str| {
        client
            .post(format!("http://{addr}/tg-hook"))
            .header("content-type", "application/json")
            .header("X-Telegram-Bot-Api-Secret-Token", secret)
            .body(update.to_string())
            .send()
    };
    let wrong = post("wrong").await.expect("webhook answers");
    assert_eq!(wrong.status().as_u16(), 401);
    let right = post("s3cret_for-tests").await.expect("webhook answers");
    assert_eq!(right.status().as_u16(), 200);
    let sent = fake.wait_sent(chat, 1).await;
    assert!(
        html::check(sent[0]["text"].as_str().unwrap())
            .unwrap()
            .starts_with("Tidak boleh")
    );
    assert_eq!(
        fake.sent_to(chat).len(),
        1,
        "the wrong secret was not answered"
    );

    p.signal("TERM");
    let (status, out) = p.exit(15).await;
    assert!(status.success(), "exit {status:?}:\n{out}");
    assert!(
        fake.ok_calls("deleteWebhook").is_empty(),
        "other replicas keep the webhook"
    );
    assert!(
        !out.contains(secret),
        "the webhook secret was printed:\n{out}"
    );
    assert_no_token(&out);
    fake.assert_clean();
    let _ = fake::BOT_ID;
}

//! `netral serve`: both adapters in one process over one core, against both fakes at once,
//! stopped by one SIGINT.

use super::LIKE_QUESTION;
use super::fake::{Fake, TOKEN, private_chat, text, user};
use crate::common::fake_discord::{self as discord_fake, DM_CHANNEL_ID, FakeDiscord, WAIT};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DISCORD_TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAy.GsErV.serve-token-never-printed";

fn netral_serve() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netral"));
    cmd.arg("serve");
    for var in [
        "TELOXIDE_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "TELOXIDE_API_URL",
        "TELOXIDE_PROXY",
        "DISCORD_TOKEN",
        "DISCORD_API_URL",
        "DISCORD_GUILD_ID",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NETRAL_DB", "off").stdin(Stdio::null());
    cmd
}

#[test]
fn without_any_token_it_names_both_variables_and_exits_2() {
    let out = netral_serve().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TELOXIDE_TOKEN") && err.contains("DISCORD_TOKEN"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_adapters_answer_in_one_process_and_stop_on_one_sigint() {
    let telegram = Fake::start().await;
    let discord = FakeDiscord::start().await;
    let mut child = netral_serve()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &telegram.url)
        .env("DISCORD_TOKEN", DISCORD_TOKEN)
        .env("DISCORD_API_URL", &discord.base_url)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));

    // Telegram: a private question gets its answer.
    let chat = 4242;
    telegram.push(
        "message",
        text(&telegram, private_chat(chat), user(chat), LIKE_QUESTION),
    );
    let sent = telegram.wait_sent(chat, 1).await;
    assert!(
        sent[0]["text"].as_str().unwrap().contains("Tidak boleh"),
        "{sent:?}"
    );

    // Discord: a direct message gets its answer from the same process.
    discord.wait_ready().await;
    discord.dispatch(
        "MESSAGE_CREATE",
        discord_fake::message("31", LIKE_QUESTION, false, &[], false),
    );
    let reply = discord
        .wait_request("POST", |p| {
            p == format!("/channels/{DM_CHANNEL_ID}/messages")
        })
        .await;
    assert!(
        reply.body.to_string().contains("Tidak boleh"),
        "{:?}",
        reply.body
    );

    assert!(
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + WAIT + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "netral serve did not stop on SIGINT"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status}");
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(
        err.contains("netral serve: starting telegram, discord"),
        "{err}"
    );
    let tg_secret = TOKEN.split_once(':').unwrap().1;
    let dc_secret = DISCORD_TOKEN.rsplit('.').next().unwrap();
    for text in [&out, &err] {
        assert!(
            !text.contains(tg_secret) && !text.contains(dc_secret),
            "a token was printed:\n{text}"
        );
    }
    // Processed Telegram updates were confirmed before the exit.
    assert!(telegram.confirmed() > 0);
    telegram.assert_clean();
    discord.assert_clean();
}

//! A scripted Telegram session recorded in the SQLite curator store: declined questions in a
//! private chat and a group, 👎 presses, then `netral review` and `netral stats` on the file,
//! and a look at every table for the users' and chats' ids.

use super::fake::{self, Fake, group_chat, private_chat, text, user};
use super::{LIKE_ID, LIKE_QUESTION, config, engine};
use netral::core::record::Recorder;
use netral::store::StoreRecorder;
use netral::telegram;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const ASKER: i64 = 987_654_321;
const OTHER: i64 = 123_123_123;
const GROUP: i64 = -100_987_650_001;

fn netral(db: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_netral"))
        .args(args)
        .env("NETRAL_DB", db)
        .env_remove("NETRAL_KNOWLEDGE")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_telegram_session_shows_in_review_and_stats_and_leaves_no_user_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let fake = Fake::start().await;
    let engine = engine();
    let recorder = Arc::new(StoreRecorder::open(&db).unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(telegram::run_until(
        config(&fake),
        engine.clone(),
        recorder.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    fake.wait_for(10, "the first getUpdates", |calls| {
        calls.iter().any(|c| c.method == "getUpdates").then_some(())
    })
    .await;

    let declined = [
        "cuti melahirkan berapa lama",
        "berapa lama cuti melahirkan pns",
        "cuti melahirkan pns berapa lama ya",
    ];
    for q in declined {
        assert!(!engine.ask(q).answered, "{q} is declined");
    }
    let me = || private_chat(ASKER);
    for q in [declined[0], declined[1], LIKE_QUESTION] {
        fake.push("message", text(&fake, me(), user(ASKER), q));
    }
    fake.push(
        "message",
        text(
            &fake,
            group_chat(GROUP),
            user(OTHER),
            &format!("/tanya@{} {}", fake::BOT_USERNAME, declined[2]),
        ),
    );
    fake.wait_sent(ASKER, 3).await;
    fake.wait_sent(GROUP, 1).await;
    for (id, from, chat) in [("cb-1", ASKER, me()), ("cb-2", OTHER, group_chat(GROUP))] {
        fake.push(
            "callback_query",
            json!({"id": id, "from": user(from), "chat_instance": "ci",
                   "message": fake::bot_message(&fake, chat, "jawaban"),
                   "data": format!("n:{LIKE_ID}")}),
        );
        fake.wait_for(10, "the 👎 acknowledged", |calls| {
            calls
                .iter()
                .any(|c| c.method == "answerCallbackQuery" && c.params["callback_query_id"] == id)
                .then_some(())
        })
        .await;
    }
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the bot stops in time")
        .expect("no panic")
        .expect("run_until succeeds");
    recorder.close();
    assert_eq!(recorder.written(), 6, "3 declined, 1 answered, 2 👎");
    assert_eq!(recorder.warnings(), 0);

    let review = netral(&db, &["review", "--out-of-scope"]);
    assert!(review.starts_with("3 declined question(s)"), "{review}");
    assert!(
        review.contains("3×") && review.contains("(telegram 3)"),
        "{review}"
    );
    for q in declined {
        assert!(review.contains(q), "{review}");
    }
    let stats = netral(&db, &["stats"]);
    assert!(
        stats.contains("answered              1   25.0 %"),
        "{stats}"
    );
    assert!(stats.contains("distinct askers       2"), "{stats}");
    assert!(
        stats.contains("  telegram            1         3      25.0 %        2     0     2"),
        "{stats}"
    );
    let worst = stats.split("Most 👎").nth(1).expect("a most-👎 list");
    assert!(
        worst.contains(LIKE_ID) && worst.contains("👎 2 of 2 votes"),
        "{stats}"
    );

    // No user id, chat id, group title or asker key in any cell of any table.
    let secrets = [
        ASKER.to_string(),
        OTHER.to_string(),
        GROUP.unsigned_abs().to_string(),
        "kecamatan".to_string(),
        "telegram:".to_string(),
    ];
    for (table, cell) in crate::common::store_cells::all_cells(&db) {
        let cell = cell.to_lowercase();
        for s in &secrets {
            assert!(!cell.contains(s.as_str()), "{table}: {cell}");
        }
    }
    fake.assert_clean();
}

//! A scripted Discord session, recorded in the SQLite store: the real adapter against the fake
//! Discord (127.0.0.1), then `netral review` and `netral stats` on the database it left, and a
//! look at every table for the user's id, name and channels.

#[allow(dead_code)]
mod common;

use common::fake_discord::{
    self as fake, CHANNEL_ID, DM_CHANNEL_ID, FakeDiscord, GUILD_ID, USER_ID, WAIT,
};
use netral::core::Engine;
use netral::core::record::Recorder;
use netral::discord::DiscordConfig;
use netral::store::StoreRecorder;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::oneshot;

const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAx.GfAkE.test-token-never-printed";

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
async fn a_discord_session_shows_in_review_and_stats_and_leaves_no_user_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let fake = FakeDiscord::start().await;
    let mut config = DiscordConfig::new(TOKEN);
    config.api_url = Some(fake.base_url.clone());
    let engine = Arc::new(Engine::builtin().expect("built-in knowledge"));
    let recorder = Arc::new(StoreRecorder::open(&db).unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(netral::discord::run_until(
        config,
        Arc::clone(&engine),
        recorder.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    fake.wait_ready().await;

    // Three ways of asking something netral declines, one answered question, two 👎.
    let declined = [
        "cuti melahirkan berapa lama",
        "berapa lama cuti melahirkan pns",
        "cuti melahirkan pns berapa lama ya",
    ];
    for q in declined {
        assert!(!engine.ask(q).answered, "{q} is declined");
    }
    fake.dispatch("INTERACTION_CREATE", fake::tanya("1001", declined[0]));
    fake.dispatch("INTERACTION_CREATE", fake::tanya("1002", declined[1]));
    fake.dispatch(
        "MESSAGE_CREATE",
        fake::message("1003", declined[2], false, &[], false),
    );
    fake.dispatch(
        "INTERACTION_CREATE",
        fake::tanya("1004", "bolehkah asn like postingan capres"),
    );
    for id in ["1005", "1006"] {
        fake.dispatch(
            "INTERACTION_CREATE",
            fake::component(id, "f:medsos-interaksi:0", None),
        );
    }
    for id in ["1001", "1002", "1004", "1005", "1006"] {
        let path = format!("/interactions/{id}/itoken-{id}/callback");
        fake.wait_request("POST", |p| p == path).await;
    }
    let dm = format!("/channels/{DM_CHANNEL_ID}/messages");
    fake.wait_request("POST", |p| p == dm).await;

    let _ = stop.send(());
    tokio::time::timeout(WAIT, task)
        .await
        .expect("the bot stops in time")
        .expect("no panic")
        .expect("run_until succeeds");
    recorder.close();
    assert_eq!(recorder.written(), 6);
    assert_eq!(recorder.warnings(), 0);

    let review = netral(&db, &["review", "--out-of-scope"]);
    assert!(review.starts_with("3 declined question(s)"), "{review}");
    assert!(
        review.contains("3×") && review.contains("(discord 3)"),
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
    assert!(stats.contains("distinct askers       1"), "{stats}");
    assert!(
        stats.contains("  discord             1         3      25.0 %        1     0     2"),
        "{stats}"
    );
    let worst = stats.split("Most 👎").nth(1).expect("a most-👎 list");
    assert!(
        worst.contains("medsos-interaksi") && worst.contains("👎 2 of 2 votes"),
        "{stats}"
    );

    // No id or name of the user, the guild or the channels in any cell of any table.
    for (table, text) in common::store_cells::all_cells(&db) {
        for secret in [
            USER_ID,
            GUILD_ID,
            CHANNEL_ID,
            DM_CHANNEL_ID,
            "penanya",
            "discord:",
        ] {
            assert!(!text.contains(secret), "{table}: {text}");
        }
    }
}

//! Snapshots of the phone layouts: the first message of a topic answer on Telegram (private
//! chats) and Discord, and the parts its buttons open. Every topic's first message is checked
//! against the 1,500-character budget. `INSTA_UPDATE=always cargo test --test layouts`
//! rewrites the snapshots; read the diff before committing.

use netral::core::Engine;
use netral::core::render::Detail;
use netral::discord::render::{Embed, detail_embeds, first_embeds, total_size};
use netral::telegram::render::{MAX_FIRST_MESSAGE, compact, detail, first_message, telegram_len};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

/// Embeds as readable text for a snapshot.
fn embeds_text(embeds: &[Embed]) -> String {
    let mut out = String::new();
    for e in embeds {
        for (k, v) in [("title", &e.title), ("description", &e.description)] {
            if let Some(v) = v {
                out.push_str(&format!("[{k}] {v}\n"));
            }
        }
        for f in &e.fields {
            out.push_str(&format!("[field] {}: {}\n", f.name, f.value));
        }
        if let Some(f) = &e.footer {
            out.push_str(&format!("[footer] {f}\n"));
        }
    }
    out
}

macro_rules! telegram_first {
    ($($name:ident => $id:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let e = engine();
            let reply = e.answer_by_id($id).unwrap();
            insta::assert_snapshot!(concat!("telegram-first-", $id), compact(&reply, &e.knowledge().messages));
        }
    )*};
}

telegram_first! {
    telegram_like_a_candidates_post => "medsos-interaksi",
    telegram_attending_a_campaign => "hadir-kampanye",
    telegram_abstaining => "golput",
    telegram_what_neutrality_means => "netralitas-pengertian",
}

#[test]
fn discord_first_message_like_a_candidates_post() {
    let e = engine();
    let reply = e.answer_by_id("medsos-interaksi").unwrap();
    insta::assert_snapshot!(
        "discord-first-medsos-interaksi",
        embeds_text(&first_embeds(&reply, &e.knowledge().messages))
    );
}

#[test]
fn the_detail_parts_of_an_answer() {
    let e = engine();
    let m = &e.knowledge().messages;
    let reply = e.answer_by_id("saksi-paslon").unwrap();
    insta::assert_snapshot!(
        "telegram-basis-saksi-paslon",
        detail(&reply, m, Detail::Basis).join("\n---\n")
    );
    insta::assert_snapshot!(
        "telegram-sources-saksi-paslon",
        detail(&reply, m, Detail::Sources).join("\n---\n")
    );
    insta::assert_snapshot!(
        "discord-sources-saksi-paslon",
        embeds_text(&detail_embeds(&reply, m, Detail::Sources))
    );
}

#[test]
fn every_topic_fits_the_phone_budget_on_both_platforms() {
    let e = engine();
    let m = &e.knowledge().messages;
    for t in &e.knowledge().topics {
        let reply = e.answer_by_id(&t.id).unwrap();
        let first = first_message(&reply, m);
        assert_eq!(first.len(), 1, "{}", t.id);
        assert!(
            telegram_len(&first[0]) <= MAX_FIRST_MESSAGE,
            "{}: {}",
            t.id,
            telegram_len(&first[0])
        );
        assert!(
            first[0].contains(
                &t.title
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            ),
            "{}",
            t.id
        );
        let embeds = first_embeds(&reply, m);
        assert!(
            total_size(&embeds) <= 1500,
            "{}: {}",
            t.id,
            total_size(&embeds)
        );
    }
}

#[test]
fn news_and_small_talk_are_shown_whole() {
    let e = engine();
    let m = &e.knowledge().messages;
    for id in ["berita-lahat", "sapaan"] {
        let reply = e.answer_by_id(id).unwrap();
        assert_eq!(
            first_message(&reply, m),
            netral::telegram::render::full(&reply, m),
            "{id}"
        );
    }
}

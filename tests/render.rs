//! Snapshots of the plain-text answer for key topics: what a curator sees in `netral ask`.
//! A change in wording, order or legal basis shows up here for review (`INSTA_UPDATE=always`
//! rewrites them; read the diff before committing).

use netral::core::Engine;
use netral::core::render::{Style, plain};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

fn render(id: &str) -> String {
    let engine = engine();
    let reply = engine
        .answer_by_id(id)
        .unwrap_or_else(|| panic!("{id} exists"));
    plain(&reply, &engine.knowledge().messages, Style::default())
}

macro_rules! snapshot {
    ($($name:ident => $id:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!($id, render($id));
        }
    )*};
}

snapshot! {
    like_a_candidates_post => "medsos-interaksi",
    campaign_whatsapp_group => "medsos-grup",
    posting_campaign_photos => "medsos-posting",
    photo_with_a_candidate => "foto-bersama-calon",
    attending_a_campaign => "hadir-kampanye",
    campaign_team => "tim-kampanye",
    witness_at_a_polling_station => "saksi-paslon",
    donating_to_a_campaign => "dana-kampanye",
    party_membership => "anggota-partai",
    running_for_office => "mencalonkan-diri",
    right_to_vote => "hak-pilih",
    kinds_of_sanctions => "sanksi-jenis",
    sanctions_for_pppk => "sanksi-pppk",
    how_to_report => "cara-melapor",
    news_article_lumajang => "berita-lumajang",
}

#[test]
fn a_decline_lists_the_nearest_topics() {
    let engine = engine();
    let reply = engine.ask("berapa gaji pns golongan 3a");
    let text = plain(&reply, &engine.knowledge().messages, Style::default());
    assert!(!reply.answered);
    assert!(!text.contains("Dasar hukum"), "{text}");
    insta::assert_snapshot!("decline-gaji", text);
}

#[test]
fn colour_only_when_asked() {
    let engine = engine();
    let reply = engine.answer_by_id("medsos-interaksi").unwrap();
    let coloured = plain(&reply, &engine.knowledge().messages, Style { color: true });
    assert!(coloured.contains("\x1b[1;33mTidak boleh\x1b[0m"));
    assert!(!render("medsos-interaksi").contains('\x1b'));
}

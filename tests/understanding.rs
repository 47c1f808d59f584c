//! What the matcher understands beyond shared words: the robustness cases of the matcher
//! issue, each as a user would meet it (the built-in knowledge and its shipped classifier).

use netral::core::Engine;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

fn threshold() -> f32 {
    engine()
        .knowledge()
        .confidence
        .as_ref()
        .expect("the shipped knowledge has a confidence model")
        .threshold
}

/// The question gets no answer (a decline, with suggestions at most).
fn assert_declined(q: &str) {
    let r = engine().ask(q);
    assert!(
        !r.answered,
        "{q:?} answered with {:?} at {:.2}",
        r.id, r.confidence
    );
}

#[test]
fn the_shipped_classifier_is_used_not_retrained() {
    assert_eq!(
        engine().model_note(),
        None,
        "knowledge/intent-model.bin is stale: run `netral kb train`"
    );
}

#[test]
fn one_shared_word_among_foreign_ones_is_declined() {
    for q in [
        "how to bake bread",
        "bagaimana cara menurunkan berat badan",
        "jadwal pertandingan timnas",
        "resep kue lapis legit yang enak",
        "cara memperbaiki motor yang mogok",
    ] {
        assert_declined(q);
    }
}

#[test]
fn an_everyday_question_about_an_object_a_topic_names_is_declined() {
    // Official cars, office halls and social media accounts are what some topics are about,
    // but only when they serve a campaign: nothing here names elections or politics.
    for q in [
        "oli mobil dinas sebaiknya diganti tiap berapa kilometer?",
        "aula kantor kecamatan bisa disewa buat resepsi nikahan?",
        "cara nambah followers instagram kantor biar rame",
    ] {
        assert_declined(q);
    }
    // The same objects in a question about a campaign are answered.
    let r = engine().ask("pns pakai mobil dinas buat antar tim kampanye paslon, boleh?");
    assert_eq!(r.id.as_deref(), Some("fasilitas-negara"), "{r:?}");
    let r = engine().ask("akun instagram kantor dipakai posting dukungan ke paslon, boleh?");
    assert!(r.answered, "{r:?}");
}

#[test]
fn a_typo_is_corrected_only_where_the_word_fits_the_question() {
    let e = engine().explain("how to bake bread");
    assert!(
        e.terms
            .iter()
            .all(|t| t.corrected.as_deref() != Some("break")),
        "bread must not become break: {:?}",
        e.terms
    );
    // A real typo among domain words is still corrected.
    let e = engine().explain("pns ikut kampanye kena hukuman displin?");
    assert!(
        e.terms
            .iter()
            .any(|t| t.word == "displin" && t.corrected.as_deref() == Some("disiplin")),
        "{:?}",
        e.terms
    );
    let r = engine().ask("pns ikut kampanye kena hukuman displin?");
    assert!(r.answered, "{r:?}");
}

#[test]
fn names_and_news_context_around_a_clear_question_do_not_sink_it() {
    let cases = [
        (
            "Heboh Mobil Pelat Merah Ditempel Wajah Besar Ganjar Pranowo, Memang Boleh ASN Kampanye?",
            &["fasilitas-negara", "hadir-kampanye"][..],
        ),
        (
            "sy jg ASN emang knp klu saya like postingan Anies Baswedan",
            &["medsos-interaksi"][..],
        ),
        (
            "Viral Camat di Kabupaten Sukamaju Foto Bareng Bobby Nasution Sambil Pose Dua Jari, Boleh Gak Sih?",
            &["foto-pose-simbol", "foto-bersama-calon"][..],
        ),
    ];
    for (q, ok) in cases {
        let r = engine().ask(q);
        assert!(
            r.answered && ok.contains(&r.id.as_deref().unwrap_or("")),
            "{q:?} → {:?} at {:.2}",
            r.id,
            r.confidence
        );
    }
}

#[test]
fn in_a_long_scenario_the_asking_sentence_carries_the_weight() {
    let q = "Selamat siang, saya seorang guru PPPK di sebuah SMP negeri di Kabupaten Lahat. \
             Bulan lalu sekolah kami mengadakan rapat koordinasi tentang kurikulum dan jadwal ujian \
             semester, dan kepala sekolah membagikan jadwal piket. Tetangga saya kebetulan sedang \
             mencalonkan diri sebagai anggota DPRD. Apakah saya boleh memasang baliho caleg di \
             pagar rumah saya sendiri?";
    let e = engine().explain(q);
    let weight_of = |w: &str| e.terms.iter().find(|t| t.word == w).map(|t| t.weight);
    assert_eq!(weight_of("baliho"), Some(1.0), "{:?}", e.terms);
    assert!(
        weight_of("kurikulum").is_none_or(|w| w < 1.0),
        "context words weigh less: {:?}",
        e.terms
    );
    let r = engine().ask(q);
    assert_eq!(r.id.as_deref(), Some("alat-peraga"), "{r:?}");
}

#[test]
fn anaphoric_fragments_alone_are_not_answered_with_confidence() {
    for q in [
        "yang bener?",
        "kalau pppk gimana?",
        "terus gimana?",
        "kalau dia?",
    ] {
        assert_declined(q);
    }
}

#[test]
fn the_confidence_is_a_probability_and_explain_shows_its_parts() {
    let e = engine().explain("bolehkah pns like postingan capres?");
    let top = &e.candidates[0];
    assert_eq!(top.id, "medsos-interaksi");
    assert!((0.0..=1.0).contains(&top.score));
    assert!(top.score >= threshold());
    assert!(top.lexical > 0.0 && top.classifier > 0.5, "{top:?}");
    let r = engine().ask("bolehkah pns like postingan capres?");
    assert_eq!(
        r.confidence, top.score,
        "the reply carries the fused confidence"
    );
}

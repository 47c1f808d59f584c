//! What users notice of the matcher on the shipped knowledge: slang, typos, English and
//! scenario questions reach the right answer; off-topic and out-of-scope questions are
//! declined politely with the nearest topics; replies carry what a verdict needs.

use netral::core::{DeclineReason, Engine, EntryKind};
use netral::knowledge::Verdict;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

fn id(q: &str) -> Option<String> {
    engine().ask(q).id
}

#[test]
fn slang_question_about_liking_a_candidate_is_tidak_boleh_with_its_basis() {
    let r = engine().ask("pns blh ngelike postingan capres gak?");
    assert_eq!(r.id.as_deref(), Some("medsos-interaksi"));
    assert_eq!(r.verdict, Some(Verdict::TidakBoleh));
    assert!(r.legal_basis.iter().any(|b| b.regulation == "SKB 2022"));
    assert!(r.legal_basis.iter().all(|b| !b.regulation_title.is_empty()));
    assert!(r.sanction.is_some());
    assert!(!r.sources.is_empty());
    assert!(
        r.disclaimer.is_some(),
        "substantive answers carry the disclaimer"
    );
    assert!(r.confidence > 0.0 && r.confidence <= 1.0);
}

#[test]
fn typos_and_repeated_letters_still_land() {
    assert_eq!(
        id("bolehhh gak asn pasang balihoo caleg di pagar rumahnya"),
        Some("alat-peraga".into())
    );
    assert_eq!(
        id("sanksi pidanna buat asn yg jadi timses"),
        Some("sanksi-pidana".into())
    );
}

#[test]
fn english_and_code_mixed_questions_land() {
    assert_eq!(
        id("can a civil servant be a member of a political party?"),
        Some("anggota-partai".into())
    );
    assert_eq!(
        id("asn pake mobil dinas buat kampanye boleh ga"),
        Some("fasilitas-negara".into())
    );
}

#[test]
fn scenario_questions_land() {
    assert_eq!(
        id(
            "saya guru pns, kemarin dimasukkan ke grup wa relawan salah satu paslon tanpa izin, harus gimana?"
        ),
        Some("medsos-grup".into())
    );
}

#[test]
fn off_topic_questions_are_declined_without_an_id() {
    for q in [
        "cuaca di bandung besok gimana",
        "resep rendang padang",
        "jadwal kereta jakarta surabaya",
    ] {
        let r = engine().ask(q);
        assert!(!r.answered, "{q} must be declined, got {:?}", r.id);
        assert_eq!(r.id, None);
        assert!(r.verdict.is_none() && r.legal_basis.is_empty());
        assert!(!r.text.is_empty(), "a decline still says something polite");
        assert!(r.suggestions.len() <= 3);
    }
}

#[test]
fn the_bot_never_recommends_a_candidate() {
    for q in [
        "capres mana yang paling bagus buat dipilih asn?",
        "partai apa yang sebaiknya saya pilih",
    ] {
        let r = engine().ask(q);
        assert!(!r.answered, "{q} answered with {:?}", r.id);
        assert!(
            matches!(r.declined, Some(DeclineReason::OutOfScope(_))),
            "{q}: {:?}",
            r.declined
        );
    }
}

#[test]
fn declines_offer_nearest_topics_as_suggestions() {
    let r = engine()
        .ask("asn kampanye pemilu bagaimana hukumnya ya kalau di desa terpencil tanpa sinyal");
    if !r.answered {
        assert!(!r.suggestions.is_empty(), "a near miss suggests topics");
        assert!(
            r.suggestions
                .iter()
                .all(|s| engine().answer_by_id(&s.id).is_some())
        );
    }
}

#[test]
fn empty_questions_ask_for_a_question() {
    for q in ["", "   ", "?!?", "🙏🙏"] {
        let r = engine().ask(q);
        assert!(!r.answered);
        assert_eq!(r.declined, Some(DeclineReason::Empty), "{q:?}");
        assert!(r.suggestions.is_empty());
    }
}

#[test]
fn greetings_and_thanks_are_small_talk_without_legal_content() {
    let r = engine().ask("halo selamat pagi");
    assert_eq!(r.kind, Some(EntryKind::Smalltalk));
    assert_eq!(r.id.as_deref(), Some("sapaan"));
    assert!(r.disclaimer.is_none() && r.legal_basis.is_empty());
    assert_eq!(id("makasih banyak ya"), Some("terima-kasih".into()));
}

#[test]
fn answers_by_id_work_for_buttons_and_deep_links() {
    let r = engine().answer_by_id("anggota-partai").expect("known id");
    assert!(r.answered && r.confidence == 1.0);
    assert_eq!(r.verdict, Some(Verdict::TidakBoleh));
    assert!(engine().answer_by_id("tidak-ada").is_none());
    assert!(
        engine().answer_by_id("rekomendasi-calon").is_none(),
        "out-of-scope entries are not answers"
    );
    let a = engine().answer_by_id("berita-lahat").expect("article");
    assert_eq!(a.kind, Some(EntryKind::Article));
}

#[test]
fn topic_answers_quote_a_fitting_news_excerpt() {
    let r = engine().answer_by_id("foto-bersama-calon").expect("topic");
    let q = r.excerpts.first().expect("an excerpt supports this topic");
    assert_eq!(q.article_id, "berita-lumajang");
    assert!(!q.outlet.is_empty());
}

#[test]
fn questions_about_the_news_events_land_on_the_article() {
    assert_eq!(
        id("apa kata pj bupati lahat soal netralitas asn?"),
        Some("berita-lahat".into())
    );
    assert_eq!(
        id("camat dan lurah di muara enim teken komitmen netral"),
        Some("berita-muara-enim".into())
    );
}

#[test]
fn partial_words_complete_for_autocompletion() {
    let c = engine().candidates("asn ikut kampa", 25, true);
    assert!(!c.is_empty() && c.len() <= 25);
    assert!(c.iter().any(|c| c.id == "hadir-kampanye"), "{c:?}");
    assert!(c.iter().all(|c| c.kind != EntryKind::Decline));
}

#[test]
fn very_long_questions_are_answered_not_refused() {
    let long = "bolehkah asn like postingan capres ".repeat(3000);
    let r = engine().ask(&long);
    assert_eq!(r.id.as_deref(), Some("medsos-interaksi"));
    assert_eq!(r.query.len(), long.len(), "the question is kept as asked");
}

#[test]
fn related_links_point_to_existing_entries() {
    for t in &engine().knowledge().topics {
        let r = engine().answer_by_id(&t.id).expect("topic answers by id");
        assert_eq!(r.related.len(), t.related.len(), "{}", t.id);
    }
}

#[test]
fn leaving_a_phrasing_out_never_makes_it_reach_its_own_entry_through_itself() {
    let e = engine();
    let t = e.knowledge().topic("medsos-interaksi").unwrap();
    let q = &t.questions[0];
    let with = e.explain(q);
    assert_eq!(with.candidates[0].id, "medsos-interaksi");
    assert!(
        with.candidates[0].lexical > 0.999,
        "a phrasing matches itself fully"
    );
    let without = e.ask_left_out("medsos-interaksi", q).expect("own phrasing");
    assert!(
        without.confidence < 1.0,
        "the left-out phrasing itself no longer counts"
    );
    assert!(
        e.ask_left_out("medsos-interaksi", "not one of its phrasings")
            .is_none()
    );
}

/// Knowledge round 3: the new topics are reached by phrasings that are not in the knowledge,
/// their neighbours keep theirs, and cheating or winning strategies are declined.
#[test]
fn round_three_topics_and_their_neighbours_route_right() {
    for (q, want) in [
        (
            "pns boleh gabung relawan demokrasi kpu?",
            "relawan-demokrasi",
        ),
        (
            "asn jadi relawan sosialisasi pemilih dari kpu gmn hukumnya",
            "relawan-demokrasi",
        ),
        (
            "datang ke acara ultah partai sebagai tamu, pns boleh ga",
            "hadir-acara-partai",
        ),
        (
            "asn diundang pelantikan pengurus partai, hadir boleh?",
            "hadir-acara-partai",
        ),
        (
            "like postingan gubernur yang belum nyalon boleh?",
            "medsos-pejabat",
        ),
        (
            "share unggahan program bupati yg masih menjabat, asn melanggar?",
            "medsos-pejabat",
        ),
        ("asn golput kena sanksi ga", "golput"),
        ("pns nggak nyoblos pas pilkada melanggar?", "golput"),
        // neighbours keep their answers
        ("pns like postingan capres", "medsos-interaksi"),
        ("asn jadi relawan paslon boleh?", "tim-kampanye"),
        ("asn masuk tim pemenangan calon bupati", "tim-kampanye"),
        ("asn boleh nyoblos?", "hak-pilih"),
        ("netral berarti asn harus golput ya?", "hak-pilih"),
    ] {
        assert_eq!(id(q).as_deref(), Some(want), "{q}");
    }
    for (q, decline) in [
        ("gimana caranya curang di tps", "curang-pemilu"),
        ("cara coblos berkali-kali tanpa ketahuan", "curang-pemilu"),
        ("strategi biar menang pilkada", "menang-pemilu"),
        ("tips memenangkan pemilihan caleg", "menang-pemilu"),
    ] {
        let r = engine().ask(q);
        assert!(!r.answered, "{q} must be declined");
        assert_eq!(
            r.declined,
            Some(DeclineReason::OutOfScope(decline.into())),
            "{q}"
        );
    }
}

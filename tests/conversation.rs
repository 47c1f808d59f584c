//! Conversations through the same code as `netral eval --conversation`: follow-ups answered in
//! context, fragments without context never answered, and single questions unchanged.

use netral::cli::conversation::{evaluate, parse, render};
use netral::core::{Context, DeclineReason, Engine};
use std::path::Path;
use std::sync::OnceLock;

/// How far below issue 10's 90 % each set may be while the target is open. Measured after the
/// second conversation round (situations named in a first message, answers' own words, the
/// question asked before): development set 0.955 (242 turns), blind set 0.871 (it was 0.916 and
/// 0.867 after knowledge round 4). These floors only stop a further fall; the blind target is
/// not met (see BENCHMARKS.md).
const FLOOR_SLACK_DEV: f64 = 0.0;
const FLOOR_SLACK_BLIND: f64 = 0.03;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

fn set(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The labelled conversation set `name` has at least `conversations` conversations (issue 10
/// asks for 60 of our own), at least
/// `floor` of its turns right, and no context-free fragment answered.
fn assert_floor(name: &str, conversations: usize, floor: f64) {
    let set = parse(&set(name), true).expect("the set parses");
    assert!(
        set.len() >= conversations,
        "{name}: {} conversations, fewer than {conversations}",
        set.len()
    );
    let report = evaluate(engine(), &set);
    let shown = render(&report);
    assert!(
        report.turn_accuracy >= floor,
        "{name}: turn accuracy\n{shown}"
    );
    assert_eq!(
        report.context_free_fragments_answered, 0,
        "{name}: a fragment without context was answered\n{shown}"
    );
}

#[test]
fn development_conversations_stay_above_their_floor() {
    assert_floor("conversations-dev.tsv", 60, 0.90 - FLOOR_SLACK_DEV);
}

#[test]
fn second_fitting_conversations_stay_above_their_floor() {
    // tests/data/conversations-fit2.tsv was written blind too, but its misses were read and
    // fitted on (conversation round 3: who alone, criminal sanctions as the sanction, marker-led
    // variants that do not ask, a few words the previous answer uses): 0.885 before, 0.929
    // after. It is no longer a blind measure; this floor only stops a fall. Round 8 (users'
    // questions in training, everyday-object declines) took it from 0.925 to 0.907 while
    // single questions gave fewer wrong answers on every hold-out: the floor was lowered from
    // 0.92 to 0.90 for that round. Conversation round 5 (who alone) took it back to 0.925,
    // and the floor back to 0.92.
    assert_floor("conversations-fit2.tsv", 70, 0.92 - FLOOR_SLACK_DEV);
}

#[test]
fn third_fitting_conversations_stay_above_their_floor() {
    // tests/data/conversations-fit3.tsv (written blind on 2026-12-02): its misses were read
    // (one fragment test for single questions and conversations, asides out of scope,
    // acknowledgements): 0.935 before, 0.948 after.
    assert_floor("conversations-fit3.tsv", 70, 0.93 - FLOOR_SLACK_DEV);
}

#[test]
fn fourth_fitting_conversations_stay_above_their_floor() {
    // tests/data/conversations-fit4.tsv (written blind on 2026-12-02): its misses were read for
    // conversation round 5 (who alone asks the question again about them, the aspect last asked
    // for, variants out of scope alone read with the question before): 0.814 before, 0.864
    // after. Far from 0.90; this floor stops a fall.
    assert_floor("conversations-fit4.tsv", 70, 0.84);
}

#[test]
fn third_reporting_conversations_stay_above_their_floor() {
    // tests/data/conversations-holdout3.tsv, written with conversations-fit3.tsv as an
    // independent sample, is only measured (summary only). Far from the 0.90 target
    // (BENCHMARKS.md: 0.878 after conversation round 5); this floor stops a fall.
    assert_floor("conversations-holdout3.tsv", 70, 0.85);
}

#[test]
fn fourth_reporting_conversations_stay_above_their_floor() {
    // tests/data/conversations-holdout4.tsv was written blind with blind-holdout4.tsv and is
    // only measured (summary only): 0.877 before conversation round 5, 0.899 after, one turn
    // short of the 0.90 target. This floor stops a fall.
    assert_floor("conversations-holdout4.tsv", 70, 0.87);
}

#[test]
fn blind_conversations_stay_above_their_floor() {
    // tests/data/conversations.tsv was written blind (by someone who never saw the knowledge)
    // and is only measured: its turns never go into the knowledge or the development set.
    // The target of issue 10: at least 90 % of turns right, no context-free fragment answered.
    assert_floor("conversations.tsv", 70, 0.90 - FLOOR_SLACK_BLIND);
}

#[test]
fn an_aspect_follow_up_answers_that_part_of_the_previous_entry() {
    let e = engine();
    let first = e.ask_in("bolehkah pns like postingan capres?", None);
    assert_eq!(first.id.as_deref(), Some("medsos-interaksi"));
    let ctx = Context::default().after(&first);
    let sanction = e.ask_in("sanksinya apa?", Some(&ctx));
    assert!(sanction.followup);
    assert_eq!(sanction.context.as_deref(), Some("medsos-interaksi"));
    assert_eq!(sanction.id.as_deref(), Some("medsos-interaksi"));
    let topic = e.knowledge().topic("medsos-interaksi").expect("topic");
    assert_eq!(
        Some(&sanction.text),
        topic.sanction.as_ref(),
        "the sanction, not the answer"
    );
    assert!(sanction.body.is_empty());
}

#[test]
fn a_fragment_without_context_is_asked_back_not_answered() {
    for fragment in ["kalau pppk gimana?", "sanksinya apa?", "contohnya?"] {
        let reply = engine().ask_in(fragment, None);
        assert!(!reply.answered, "{fragment} was answered");
        assert_eq!(
            reply.declined,
            Some(DeclineReason::NeedsContext),
            "{fragment}"
        );
    }
}

#[test]
fn a_near_tie_asks_which_one_is_meant_and_a_number_picks_it() {
    let e = engine();
    let asked = e.ask_in("foto kampanye", None);
    assert_eq!(asked.declined, Some(DeclineReason::Ambiguous), "{asked:?}");
    assert_eq!(asked.suggestions.len(), 2);
    for choice in &asked.suggestions {
        assert!(asked.text.contains(&choice.title), "{}", asked.text);
    }
    let ctx = Context::default().after(&asked);
    let picked = e.ask_in("2", Some(&ctx));
    assert_eq!(picked.id, Some(asked.suggestions[1].id.clone()));
    assert!(picked.answered);
}

#[test]
fn a_variant_moves_to_the_entry_its_new_words_name_or_stays() {
    let e = engine();
    let moved = e.ask_in("kalau pppk?", Some(&Context::about("sanksi-jenis")));
    assert_eq!(moved.id.as_deref(), Some("sanksi-pppk"));
    assert!(moved.followup);
    assert_eq!(moved.context.as_deref(), Some("sanksi-jenis"));
    let stayed = e.ask_in(
        "kalau di rumah aja?",
        Some(&Context::about("atribut-partai")),
    );
    assert_eq!(stayed.id.as_deref(), Some("atribut-partai"));
    assert!(stayed.followup);
}

#[test]
fn a_clear_question_is_not_hijacked_by_the_context() {
    let e = engine();
    let ctx = Context::about("medsos-interaksi");
    let reply = e.ask_in("bolehkah asn jadi saksi paslon di tps?", Some(&ctx));
    assert_eq!(reply.id.as_deref(), Some("saksi-paslon"));
    assert!(!reply.followup);
}

#[test]
fn a_first_message_naming_who_and_what_is_answered_not_asked_back() {
    let e = engine();
    let reply = e.ask_in("kalau pppk ikut kampanye?", None);
    assert!(reply.answered, "{reply:?}");
    assert!(!reply.followup);
    // Who alone, or a circumstance alone, still asks what it follows.
    for fragment in ["kalau pppk gimana?", "terus kalau di luar jam kerja?"] {
        let reply = e.ask_in(fragment, None);
        assert_eq!(
            reply.declined,
            Some(DeclineReason::NeedsContext),
            "{fragment}"
        );
    }
}

#[test]
fn a_short_message_the_previous_answer_speaks_of_follows_it_up() {
    let e = engine();
    // Alone, "harus cuti?" is about leave in general, which the bot does not answer …
    let alone = e.ask_in("harus cuti?", None);
    assert!(!alone.answered);
    // … after the answer about a spouse running for office, whose answer speaks of leave, it
    // asks about that answer.
    let reply = e.ask_in("harus cuti?", Some(&Context::about("keluarga-calon")));
    assert_eq!(reply.id.as_deref(), Some("keluarga-calon"), "{reply:?}");
    assert!(reply.followup);
    // A short out-of-scope question the answer does not speak of stays out of scope.
    let salary = e.ask_in("gaji pppk berapa?", Some(&Context::about("hadir-kampanye")));
    assert!(!salary.answered, "{salary:?}");
}

#[test]
fn a_variant_the_previous_answer_covers_stays_on_it() {
    let e = engine();
    // Sharing is part of the answer about liking and sharing candidates' posts, even though
    // "share" alone points to sharing officials' posts.
    let reply = e.ask_in(
        "kalau share postingannya?",
        Some(&Context::about("medsos-interaksi")),
    );
    assert_eq!(reply.id.as_deref(), Some("medsos-interaksi"));
    assert!(reply.followup);
}

#[test]
fn who_alone_asks_the_question_again_about_them() {
    let e = engine();
    // An entry about who it names is where "kalau honorer?" goes, whatever was discussed.
    let first = e.ask_in("pns boleh like postingan capres?", None);
    assert_eq!(first.id.as_deref(), Some("medsos-interaksi"));
    let ctx = Context::default().after(&first);
    let reply = e.ask_in("kalau honorer gimana?", Some(&ctx));
    assert_eq!(reply.id.as_deref(), Some("subjek-honorer"), "{reply:?}");
    assert!(reply.followup);
    // The general subject after a question about someone with rules of their own: the same
    // question about PNS, not the TNI entry again.
    let first = e.ask_in("tentara boleh nyoblos gak?", None);
    assert_eq!(first.id.as_deref(), Some("tni-polri"));
    let reply = e.ask_in("kalau pns?", Some(&Context::default().after(&first)));
    assert_eq!(reply.id.as_deref(), Some("hak-pilih"), "{reply:?}");
    let first = e.ask_in("honorer boleh jadi pengurus partai?", None);
    assert_eq!(first.id.as_deref(), Some("subjek-honorer"));
    let reply = e.ask_in("kalau pns?", Some(&Context::default().after(&first)));
    assert_eq!(reply.id.as_deref(), Some("anggota-partai"), "{reply:?}");
}

#[test]
fn who_alone_after_asking_for_the_sanction_asks_for_their_sanction() {
    let e = engine();
    let first = e.ask_in("bolehkah asn ngelike postingan capres di ig?", None);
    let ctx = Context::default().after(&first);
    // Straight after the question about liking, PPPK are bound the same way.
    let same = e.ask_in("kalau pppk?", Some(&ctx));
    assert_eq!(same.id, first.id, "{same:?}");
    let sanction = e.ask_in("sanksinya apa?", Some(&ctx));
    assert_eq!(sanction.id, first.id, "the sanction of the same entry");
    let ctx = ctx.after(&sanction);
    let reply = e.ask_in("kalau pppk?", Some(&ctx));
    assert_eq!(reply.id.as_deref(), Some("sanksi-pppk"), "{reply:?}");
    assert!(reply.followup);
}

#[test]
fn a_variant_out_of_scope_alone_is_read_with_the_question_asked_before() {
    let e = engine();
    // Alone, an official car's use is an everyday matter (declined); after joining a campaign
    // team it asks about using state facilities for the campaign.
    let alone = e.ask_in("kalau pakai mobil dinas buat keliling?", None);
    assert!(!alone.answered, "{alone:?}");
    let first = e.ask_in("saya pns diminta jadi timses caleg, boleh gak?", None);
    assert_eq!(first.id.as_deref(), Some("tim-kampanye"));
    let reply = e.ask_in(
        "kalau pakai mobil dinas buat keliling?",
        Some(&Context::default().after(&first)),
    );
    assert_eq!(reply.id.as_deref(), Some("fasilitas-negara"), "{reply:?}");
    assert!(reply.followup);
}

#[test]
fn a_variant_is_read_against_the_question_asked_before() {
    let e = engine();
    let first = e.ask_in("apa sanksi untuk pns yang ikut kampanye?", None);
    assert!(first.answered);
    let ctx = Context::default().after(&first);
    let reply = e.ask_in("how about for pppk?", Some(&ctx));
    assert_eq!(reply.id.as_deref(), Some("sanksi-pppk"), "{reply:?}");
    assert!(reply.followup);
    // The same follow-up after a question about attending, answered by the same entry, stays.
    let first = e.ask_in("bolehkah asn datang ke kampanye?", None);
    assert_eq!(first.id, ctx.entry, "the same entry as before");
    let ctx = Context::default().after(&first);
    let reply = e.ask_in("how about for pppk?", Some(&ctx));
    assert_eq!(reply.id, ctx.entry, "{reply:?}");
}

//! Conversations through the same code as `netral eval --conversation`: follow-ups answered in
//! context, fragments without context never answered, and single questions unchanged.

use netral::cli::conversation::{evaluate, parse, render};
use netral::core::{Context, DeclineReason, Engine};
use std::path::Path;
use std::sync::OnceLock;

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

#[test]
fn development_conversations_stay_above_their_floor() {
    let conversations = parse(&set("conversations-dev.tsv"), true).expect("the set parses");
    assert!(conversations.len() >= 55);
    let report = evaluate(engine(), &conversations);
    let shown = render(&report);
    assert!(report.turn_accuracy >= 0.84, "turn accuracy\n{shown}");
    assert_eq!(
        report.context_free_fragments_answered, 0,
        "a fragment without context was answered\n{shown}"
    );
}

#[test]
fn blind_conversations_stay_above_their_floor() {
    // tests/data/conversations.tsv was written blind (by someone who never saw the knowledge).
    // Its figures are in BENCHMARKS.md; the target of issue 10 (0.90) is not reached yet, so
    // this guards the measured level against regressions.
    let conversations = parse(&set("conversations.tsv"), true).expect("the set parses");
    assert!(conversations.len() >= 70);
    let report = evaluate(engine(), &conversations);
    let shown = render(&report);
    assert!(report.turn_accuracy >= 0.78, "turn accuracy\n{shown}");
    assert!(
        report.context_free_fragments_answered <= 1,
        "fragments without context answered\n{shown}"
    );
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
fn a_clear_question_is_not_hijacked_by_the_context() {
    let e = engine();
    let ctx = Context::about("medsos-interaksi");
    let reply = e.ask_in("bolehkah asn jadi saksi paslon di tps?", Some(&ctx));
    assert_eq!(reply.id.as_deref(), Some("saksi-paslon"));
    assert!(!reply.followup);
}

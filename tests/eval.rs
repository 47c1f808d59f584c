//! The labelled development set, through the same code as `netral eval`: the bar the issue
//! sets for the shipped knowledge.

use netral::cli::eval::{evaluate, parse, render};
use netral::core::Engine;
use std::path::Path;

fn dev_set() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/eval/dev.tsv");
    let path = if shared.exists() {
        shared
    } else {
        root.join("tests/data/dev.tsv")
    };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn dev_set_meets_the_bar() {
    let engine = Engine::builtin().expect("built-in knowledge loads");
    let cases = parse(&dev_set()).expect("dev set parses");
    assert!(cases.len() >= 80, "dev set has {} questions", cases.len());
    let report = evaluate(&engine, &cases);
    let shown = render(&report);
    assert!(report.top1 >= 0.95, "in-scope top-1 below 0.95\n{shown}");
    assert!(
        report.declined >= 0.90,
        "out-of-scope declined below 0.90\n{shown}"
    );
    assert!(
        report.confidently_wrong <= 0.03,
        "confidently wrong above 0.03\n{shown}"
    );
    assert!(
        report.mrr5 >= report.top1,
        "MRR@5 cannot be below top-1\n{shown}"
    );
}

#[test]
fn the_tsv_parser_reads_labels_and_rejects_malformed_lines() {
    let cases =
        parse("# comment\nbolehkah asn like\tmedsos-interaksi\nresep\t-\nx\ta|b\n\n").unwrap();
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0].accepted, ["medsos-interaksi"]);
    assert!(cases[1].accepted.is_empty(), "`-` means must decline");
    assert_eq!(cases[2].accepted, ["a", "b"]);
    assert_eq!(
        parse("no tab here\n").unwrap_err(),
        "line 1: expected `question<TAB>ids` (or `-`)"
    );
}

#[test]
fn a_wrong_answer_counts_as_confidently_wrong_and_a_decline_does_not() {
    let engine = Engine::builtin().expect("built-in knowledge loads");
    // Deliberately mislabelled: the engine answers medsos-interaksi, the label says otherwise.
    let cases = parse(
        "bolehkah pns like postingan capres\tsanksi-moral\nresep rendang padang\tsanksi-moral\n",
    )
    .unwrap();
    let report = evaluate(&engine, &cases);
    assert_eq!(report.top1, 0.0);
    assert_eq!(
        report.confidently_wrong, 0.5,
        "one answered wrongly, one declined"
    );
    assert_eq!(report.misses.len(), 2);
    assert_eq!(report.misses[0].got.as_deref(), Some("medsos-interaksi"));
    assert_eq!(report.misses[1].got, None);
}

#[test]
fn independent_validation_set_meets_the_held_out_bar() {
    // tests/data/validation.tsv was written from TOPICS.md alone, without seeing the knowledge
    // or the dev set; it is held to the bar of the project's unseen held-out set.
    let engine = Engine::builtin().expect("built-in knowledge loads");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/validation.tsv"),
    )
    .unwrap();
    let cases = parse(&text).expect("validation set parses");
    assert!(cases.len() >= 200);
    let report = evaluate(&engine, &cases);
    let shown = render(&report);
    assert!(report.top1 >= 0.90, "in-scope top-1 below 0.90\n{shown}");
    assert!(
        report.declined >= 0.85,
        "out-of-scope declined below 0.85\n{shown}"
    );
    assert!(
        report.confidently_wrong <= 0.05,
        "confidently wrong above 0.05\n{shown}"
    );
}

#[test]
fn harder_blind_set_stays_above_its_floor() {
    // tests/data/blind2.tsv was written blind (TOPICS.md and the seeds only) by another hand,
    // on purpose harder: long rambling scenarios, formal letters, regional languages, tricky
    // out-of-scope questions. Its figures are reported in BENCHMARKS.md; this guards against
    // regressions with some room.
    let engine = Engine::builtin().expect("built-in knowledge loads");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind2.tsv"),
    )
    .unwrap();
    let cases = parse(&text).expect("blind set parses");
    assert!(cases.len() >= 200);
    let report = evaluate(&engine, &cases);
    let shown = render(&report);
    assert!(report.top1 >= 0.80, "in-scope top-1 below 0.80\n{shown}");
    assert!(
        report.declined >= 0.90,
        "out-of-scope declined below 0.90\n{shown}"
    );
    assert!(
        report.confidently_wrong <= 0.05,
        "confidently wrong above 0.05\n{shown}"
    );
}

//! The labelled question sets, through the same code as `netral eval`: the bars the issues set
//! for the shipped knowledge.

use netral::cli::eval::{evaluate, parse, render};
use netral::core::Engine;
use std::path::Path;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The minimum a set must reach.
struct Bar {
    questions: usize,
    top1: f64,
    declined: f64,
    wrong: f64,
}

/// Runs a labelled set and checks it against its bar, showing the misses when it falls short.
fn meets(text: &str, bar: Bar) {
    let cases = parse(text).expect("the set parses");
    assert!(
        cases.len() >= bar.questions,
        "only {} questions",
        cases.len()
    );
    let report = evaluate(engine(), &cases);
    let shown = render(&report);
    assert!(
        report.top1 >= bar.top1,
        "in-scope top-1 below {}\n{shown}",
        bar.top1
    );
    assert!(
        report.declined >= bar.declined,
        "out-of-scope declined below {}\n{shown}",
        bar.declined
    );
    assert!(
        report.confidently_wrong <= bar.wrong,
        "confidently wrong above {}\n{shown}",
        bar.wrong
    );
    assert!(
        report.mrr5 >= report.top1,
        "MRR@5 cannot be below top-1\n{shown}"
    );
}

#[test]
fn dev_set_meets_the_bar() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/eval/dev.tsv");
    let path = if shared.exists() {
        shared
    } else {
        root.join("tests/data/dev.tsv")
    };
    meets(
        &read(&path),
        Bar {
            questions: 80,
            top1: 0.95,
            declined: 0.90,
            wrong: 0.03,
        },
    );
}

#[test]
fn independent_validation_set_meets_the_held_out_bar() {
    // tests/data/validation.tsv was written from TOPICS.md alone, without seeing the knowledge
    // or the dev set; it is held to the bar of the project's unseen held-out set.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/validation.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 200,
            top1: 0.90,
            declined: 0.85,
            wrong: 0.05,
        },
    );
}

#[test]
fn harder_blind_set_stays_above_its_floor() {
    // tests/data/blind2.tsv was written blind (TOPICS.md and the seeds only) by another hand,
    // on purpose harder: long rambling scenarios, formal letters, regional languages, tricky
    // out-of-scope questions. Its figures are in BENCHMARKS.md; this guards against
    // regressions with some room.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind2.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 200,
            top1: 0.80,
            declined: 0.90,
            wrong: 0.05,
        },
    );
}

#[test]
fn blind_fitting_set_stays_above_its_floor() {
    // tests/data/blind-fit.tsv was written blind, in the styles real users write (headlines
    // as questions, comments naming candidates, letters, regional particles); the confidence
    // model is fitted on it (`netral kb calibrate`), so its figures are not reported.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-fit.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 250,
            top1: 0.90,
            declined: 0.95,
            wrong: 0.025,
        },
    );
}

#[test]
fn blind_reporting_set_stays_above_its_floor() {
    // tests/data/blind-report.tsv was written blind by the same hand as blind-fit.tsv, before
    // any failure was looked at, and is used for nothing but reporting (BENCHMARKS.md). This
    // guards its reported figures against regressions.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-report.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 250,
            top1: 0.83,
            declined: 0.93,
            wrong: 0.035,
        },
    );
}

#[test]
fn second_blind_fitting_set_stays_above_its_floor() {
    // tests/data/blind-fit2.tsv was written blind (TOPICS.md, the fact sheet and the seeds
    // only) with many out-of-scope near misses; the confidence model is fitted on it beside
    // blind-fit.tsv, and its misses were read to write knowledge round 6.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-fit2.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 300,
            top1: 0.93,
            declined: 0.95,
            wrong: 0.025,
        },
    );
}

#[test]
fn second_blind_reporting_set_stays_above_its_floor() {
    // tests/data/blind-holdout2.tsv was written blind at the same time as blind-fit2.tsv and
    // is used only to report figures: nobody reads its misses. This guards the reported
    // figures against regressions, with some room.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-holdout2.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 300,
            top1: 0.92,
            declined: 0.89,
            wrong: 0.035,
        },
    );
}

#[test]
fn third_blind_fitting_set_stays_above_its_floor() {
    // tests/data/blind-fit3.tsv (written blind on 2026-12-02, 110 of 370 out of scope): the
    // confidence model is fitted on it and its misses were read for knowledge round 7
    // (0.927 / 0.918 / 0.035 before, 0.988 / 0.973 / 0.014 after).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-fit3.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 350,
            top1: 0.95,
            declined: 0.95,
            wrong: 0.025,
        },
    );
}

#[test]
fn third_blind_reporting_set_stays_above_its_floor() {
    // tests/data/blind-holdout3.tsv was written at the same time as blind-fit3.tsv, as an
    // independent sample, and is used only to report figures (summary only: nobody reads its
    // misses). Its figures are far from the bar (BENCHMARKS.md); this floor stops a fall.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-holdout3.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 350,
            top1: 0.85,
            declined: 0.90,
            wrong: 0.05,
        },
    );
}

#[test]
fn fifth_blind_reporting_set_stays_above_its_floor() {
    // tests/data/blind-holdout5.tsv was written blind on 2026-12-02 and is only measured
    // (summary only). Measured before round 9 changed anything: 0.952 / 0.964 / 0.019; after:
    // 0.964 / 0.964 / 0.017 (BENCHMARKS.md). This floor stops a fall.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-holdout5.tsv");
    meets(
        &read(&path),
        Bar {
            questions: 350,
            top1: 0.94,
            declined: 0.94,
            wrong: 0.025,
        },
    );
}

#[test]
fn the_confidence_separates_right_from_wrong_answers() {
    // AUROC of the calibrated confidence on the reporting set.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind-report.tsv");
    let report = evaluate(engine(), &parse(&read(&path)).unwrap());
    let auroc = report
        .auroc
        .expect("right and wrong best candidates both occur");
    assert!(auroc >= 0.85, "AUROC {auroc:.3}");
    let answered: Vec<f64> = report.coverage.iter().map(|r| r.answered).collect();
    assert!(
        answered.windows(2).all(|w| w[0] >= w[1]),
        "a higher threshold never answers more: {answered:?}"
    );
}

#[test]
fn auroc_is_a_rank_statistic() {
    use netral::cli::eval::auroc;
    assert_eq!(auroc(&[(0.9, true), (0.1, false)]), Some(1.0));
    assert_eq!(auroc(&[(0.1, true), (0.9, false)]), Some(0.0));
    assert_eq!(auroc(&[(0.5, true), (0.5, false)]), Some(0.5));
    assert_eq!(auroc(&[(0.5, true)]), None);
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
    // Deliberately mislabelled: the engine answers medsos-interaksi, the label says otherwise.
    let cases = parse(
        "bolehkah pns like postingan capres\tsanksi-moral\nresep rendang padang\tsanksi-moral\n",
    )
    .unwrap();
    let report = evaluate(engine(), &cases);
    assert_eq!(report.top1, 0.0);
    assert_eq!(
        report.confidently_wrong, 0.5,
        "one answered wrongly, one declined"
    );
    assert_eq!(report.misses.len(), 2);
    assert_eq!(report.misses[0].got.as_deref(), Some("medsos-interaksi"));
    assert_eq!(report.misses[1].got, None);
}

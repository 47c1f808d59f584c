//! Speed of the core: time per question on the shipped knowledge and on synthetic knowledge
//! 10× and 100× larger, and start-up (load + index). Targets and recorded figures are in
//! BENCHMARKS.md. Run with `cargo bench --bench matcher`.
//!
//! The shipped knowledge runs with its shipped classifier. The synthetic knowledge cannot be
//! trained in a benchmark's set-up (7,000 classes), so it runs with a classifier of the shape
//! training would give and zero weights: the cost of inference depends on the shape only.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use netral::core::Engine;
use netral::core::intent::{IntentModel, training_set};
use netral::core::normalise::Normaliser;
use netral::knowledge::{KnowledgeBase, Topic};
use std::hint::black_box;

mod common;

use common::QUESTIONS;

/// A tiny deterministic generator (no dependency needed for a benchmark).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// The shipped knowledge plus `factor - 1` times as many synthetic topics. New topics bring
/// new words (a vocabulary growing with the knowledge) mixed with the common domain words,
/// as real new subjects would.
fn synthetic(factor: usize) -> KnowledgeBase {
    let mut kb = KnowledgeBase::builtin().expect("built-in knowledge");
    let base: Vec<Topic> = kb.topics.clone();
    let common = [
        "asn", "pns", "pppk", "boleh", "apa", "tidak", "yang", "calon", "kampanye", "sanksi",
    ];
    let syllables = [
        "ka", "ri", "mu", "to", "la", "se", "no", "pa", "di", "ge", "ru", "wi",
    ];
    let vocab_size = 400 * factor;
    let mut rng = Lcg(42);
    let word = |rng: &mut Lcg| {
        let n = (rng.next() as usize) % vocab_size;
        let mut w = String::new();
        let mut k = n + 7;
        while k > 0 {
            w.push_str(syllables[k % syllables.len()]);
            k /= syllables.len();
        }
        w
    };
    for copy in 1..factor {
        for t in &base {
            let mut s = t.clone();
            s.id = format!("{}-syn{copy}", t.id);
            s.related.clear();
            s.questions = (0..t.questions.len())
                .map(|_| {
                    let mut q: Vec<String> = (0..6).map(|_| word(&mut rng)).collect();
                    q.push(common[(rng.next() as usize) % common.len()].to_string());
                    q.push(common[(rng.next() as usize) % common.len()].to_string());
                    q.join(" ")
                })
                .collect();
            s.title = s.questions[0].clone();
            s.short = s.questions[1 % s.questions.len()].clone();
            kb.topics.push(s);
        }
    }
    kb
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("ask");
    for factor in [1usize, 10, 100] {
        let engine = if factor == 1 {
            Engine::builtin().expect("built-in knowledge")
        } else {
            let kb = synthetic(factor);
            let model = IntentModel::untrained(&training_set(&kb, &Normaliser::new(&kb.lexicon)));
            Engine::with_intent(kb, model)
        };
        let label = format!("{factor}x ({} phrasings)", engine.phrasing_count());
        g.bench_with_input(BenchmarkId::new("per_question", label), &engine, |b, e| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % QUESTIONS.len();
                black_box(e.ask(black_box(QUESTIONS[i])))
            })
        });
    }
    g.finish();

    // Start-up is building the engine; freeing it happens at exit and is not timed.
    let mut g = c.benchmark_group("startup");
    g.bench_function("load_and_index_builtin", |b| {
        b.iter_with_large_drop(|| Engine::builtin().expect("loads"))
    });
    let kb = KnowledgeBase::builtin().expect("loads");
    let model = netral::knowledge::builtin_model();
    g.bench_function("index_build_builtin", |b| {
        b.iter_batched(
            || kb.clone(),
            |kb| Engine::with_model(kb, model),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// The spread of single answers: every question of the two blind fitting sets (long letters
/// and headlines as well as slang; 638 questions), timed one by one over five passes after a
/// warm-up pass. Criterion gives the typical time of the short question mix above; this gives
/// the median and the tail (p99) of realistic questions, which the targets also bound.
fn latency_spread(_: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut questions: Vec<String> = Vec::new();
    for set in ["blind-fit.tsv", "blind-fit2.tsv"] {
        let text = std::fs::read_to_string(root.join(set)).expect("the set is in the repository");
        questions.extend(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .filter_map(|l| l.split('\t').next())
                .map(str::to_string),
        );
    }
    let engine = Engine::builtin().expect("built-in knowledge");
    for q in &questions {
        black_box(engine.ask(q));
    }
    let mut micros: Vec<f64> = Vec::with_capacity(questions.len() * 5);
    for _ in 0..5 {
        for q in &questions {
            let start = std::time::Instant::now();
            black_box(engine.ask(black_box(q)));
            micros.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    micros.sort_by(f64::total_cmp);
    let at = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    println!(
        "ask/spread ({} questions of blind-fit and blind-fit2, {} answers): p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        questions.len(),
        micros.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        micros[micros.len() - 1]
    );
}

criterion_group!(benches, bench, latency_spread);
criterion_main!(benches);

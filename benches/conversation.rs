//! What following a conversation costs: a question answered through [`Engine::ask_in`] with a
//! context against the same question through [`Engine::ask`], the front ends' memory look-up
//! and store, and the follow-ups themselves. Figures and the command are in BENCHMARKS.md.
//!
//! `cargo bench --bench conversation`. The "context cost per question" of issue 10 is
//! `ask_in` with a context minus `ask` on self-contained questions (what every message pays
//! once a chat has a context), plus one `ChatMemory` get and put.

use criterion::{Criterion, criterion_group, criterion_main};
use netral::chat_memory::{ChatMemory, DEFAULT_CAPACITY};
use netral::core::{Context, Engine};
use std::hint::black_box;
use std::time::Instant;

mod common;

// The matcher benchmark's mix, all self-contained: the context must not change them.
use common::QUESTIONS;

/// Follow-ups that ask for a part of the previous answer.
const ASPECTS: &[&str] = &[
    "sanksinya apa?",
    "dasar hukumnya?",
    "sumbernya mana?",
    "yang bener?",
];

/// Follow-ups that change the previous question.
const VARIANTS: &[&str] = &[
    "kalau pppk?",
    "kalau di luar jam kerja?",
    "kalau cuma like aja?",
    "nek pakai mobil dinas?",
];

/// Who alone, after a question: the entry about them, or that question asked again about them.
const WHO: &[&str] = &[
    "kalau pppk?",
    "kalau honorer?",
    "kalau pns?",
    "kalau kades?",
];

fn cycle<'a>(list: &'a [&'a str], i: &mut usize) -> &'a str {
    *i = (*i + 1) % list.len();
    list[*i]
}

fn bench(c: &mut Criterion) {
    let engine = Engine::builtin().expect("built-in knowledge");
    let ctx = Context::about("hadir-kampanye");

    let mut g = c.benchmark_group("self_contained");
    g.bench_function("ask", |b| {
        let mut i = 0;
        b.iter(|| black_box(engine.ask(black_box(cycle(QUESTIONS, &mut i)))))
    });
    g.bench_function("ask_in_without_context", |b| {
        let mut i = 0;
        b.iter(|| black_box(engine.ask_in(black_box(cycle(QUESTIONS, &mut i)), None)))
    });
    g.bench_function("ask_in_with_context", |b| {
        let mut i = 0;
        b.iter(|| black_box(engine.ask_in(black_box(cycle(QUESTIONS, &mut i)), Some(&ctx))))
    });
    g.finish();

    let mut g = c.benchmark_group("follow_up");
    g.bench_function("aspect", |b| {
        let mut i = 0;
        b.iter(|| black_box(engine.ask_in(black_box(cycle(ASPECTS, &mut i)), Some(&ctx))))
    });
    g.bench_function("variant", |b| {
        let mut i = 0;
        b.iter(|| black_box(engine.ask_in(black_box(cycle(VARIANTS, &mut i)), Some(&ctx))))
    });
    let asked = Context::default().after(&engine.ask("pns boleh datang ke kampanye?"));
    g.bench_function("who_alone_after_a_question", |b| {
        let mut i = 0;
        b.iter(|| black_box(engine.ask_in(black_box(cycle(WHO, &mut i)), Some(&asked))))
    });
    g.finish();

    // A full memory (the default capacity of remembered chats): one message's look-up and
    // store, as every front end does around `ask_in`.
    let mut g = c.benchmark_group("memory");
    let memory: ChatMemory<u64> = ChatMemory::default();
    let now = Instant::now();
    for chat in 0..DEFAULT_CAPACITY as u64 {
        memory.put(chat, Context::about("hadir-kampanye"), now);
    }
    g.bench_function("get_and_put_full", |b| {
        let mut chat = 0u64;
        b.iter(|| {
            chat = (chat + 7919) % (2 * DEFAULT_CAPACITY as u64);
            let context = memory.get(black_box(&chat), now).unwrap_or_default();
            let next = match context.entry {
                Some(_) => Context::about("medsos-interaksi"),
                None => Context::about("hadir-kampanye"),
            };
            memory.put(chat, next, now);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Answering latency with the curator store recording versus recording nothing.
//!
//! `cargo bench --bench store`. Each iteration answers one question of a fixed mix (answered
//! and declined) and hands it to the recorder, as every front end does. The target: with the
//! SQLite store, answering no more than 10 % slower than with `NoRecorder`.
//!
//! Three measures: criterion's (back to back, as fast as possible); "paced", the latency of one
//! answer when questions come 1,000 a second — far more than a bot gets, yet the writer thread
//! has time between them, as in production; and "saturated", back-to-back blocks interleaved,
//! where the writer thread competes with answering for the CPU (the worst case on a busy
//! two-core machine). Each prints how many events the store wrote and dropped.

use criterion::{BenchmarkId, Criterion};
use netral::core::Engine;
use netral::core::record::{Asked, ChatKind, NoRecorder, Platform, Recorder};
use netral::store::SqliteRecorder;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUESTIONS: &[&str] = &[
    "bolehkah asn like postingan capres",
    "pns blh komen di postingan caleg gak",
    "asn jadi saksi partai di tps",
    "apa sanksi pns ikut kampanye",
    "bolehkah asn jadi pengurus koperasi",
    "cuti melahirkan berapa lama",
    "siapa capres yang bagus",
    "asn masuk grup whatsapp tim sukses",
    "halo",
    "kapan gaji pppk naik",
];

fn engine() -> Engine {
    Engine::builtin().expect("the built-in knowledge loads")
}

fn answer(engine: &Engine, recorder: &dyn Recorder, i: usize) {
    let reply = engine.ask(QUESTIONS[i % QUESTIONS.len()]);
    recorder.asked(&Asked {
        reply: &reply,
        platform: Platform::Telegram,
        chat: ChatKind::Group,
        asker: Some("telegram:12345"),
        elapsed: Duration::ZERO,
    });
    black_box(reply);
}

fn main() {
    let engine = engine();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store: Arc<SqliteRecorder> =
        Arc::new(SqliteRecorder::open(&dir.path().join("bench.db")).expect("the store opens"));
    let recorders: [(&str, Arc<dyn Recorder>); 2] = [
        ("no-recorder", Arc::new(NoRecorder)),
        ("sqlite-store", store.clone()),
    ];

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("answer");
        for (name, recorder) in &recorders {
            let mut i = 0usize;
            group.bench_function(BenchmarkId::from_parameter(name), |b| {
                b.iter(|| {
                    answer(&engine, recorder.as_ref(), i);
                    i += 1;
                })
            });
        }
        group.finish();
        // The part the answering path pays for recording alone: build the event and queue it.
        // A store of its own: at this pace most events are dropped (queue full), which must
        // not spill into the measures below.
        let own = Arc::new(
            SqliteRecorder::open(&dir.path().join("record-only.db")).expect("the store opens"),
        );
        let only: [(&str, Arc<dyn Recorder>); 2] = [
            ("no-recorder", Arc::new(NoRecorder)),
            ("sqlite-store", own.clone()),
        ];
        let mut group = c.benchmark_group("record-only");
        let replies: Vec<_> = QUESTIONS.iter().map(|q| engine.ask(q)).collect();
        for (name, recorder) in &only {
            let mut i = 0usize;
            group.bench_function(BenchmarkId::from_parameter(name), |b| {
                b.iter(|| {
                    recorder.asked(&Asked {
                        reply: &replies[i % replies.len()],
                        platform: Platform::Telegram,
                        chat: ChatKind::Group,
                        asker: Some("telegram:12345"),
                        elapsed: Duration::ZERO,
                    });
                    i += 1;
                })
            });
        }
        group.finish();
        own.close();
    }
    c.final_summary();

    // Paced: alternate the two recorders question by question, 1 ms apart; which one goes first
    // alternates too (the second asks a question whose data the first just brought into cache).
    let mut lat: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for i in 0..4_000 {
        for j in 0..2 {
            let k = (i + j) % 2;
            let recorder = &recorders[k].1;
            let t = Instant::now();
            answer(&engine, recorder.as_ref(), i);
            lat[k].push(t.elapsed().as_secs_f64() * 1e6);
            std::thread::sleep(Duration::from_micros(500));
        }
    }
    for l in &mut lat {
        l.sort_by(f64::total_cmp);
    }
    let q = |l: &[f64], p: f64| l[((l.len() - 1) as f64 * p) as usize];
    eprintln!(
        "paced (1,000 questions/s): median {:.2} µs without the store, {:.2} µs with it: {:+.1} % (target ≤ +10 %); p99 {:.2} / {:.2} µs",
        q(&lat[0], 0.5),
        q(&lat[1], 0.5),
        100.0 * (q(&lat[1], 0.5) / q(&lat[0], 0.5) - 1.0),
        q(&lat[0], 0.99),
        q(&lat[1], 0.99),
    );

    // Saturated: interleaved blocks, so that drift (frequency, other load) hits both the same.
    let mut total = [Duration::ZERO; 2];
    let block = 2_000;
    let until = Instant::now() + Duration::from_secs(3);
    let mut blocks = 0;
    while Instant::now() < until {
        for (k, (_, recorder)) in recorders.iter().enumerate() {
            let t = Instant::now();
            for i in 0..block {
                answer(&engine, recorder.as_ref(), i);
            }
            total[k] += t.elapsed();
        }
        blocks += 1;
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(blocks * block as u32);
    let (without, with) = (per(total[0]), per(total[1]));
    store.close();
    eprintln!(
        "saturated: {without:.2} µs per answer without the store, {with:.2} µs with it: {:+.1} %; store wrote {} events, dropped {}",
        100.0 * (with / without - 1.0),
        store.written(),
        store.dropped()
    );
}

//! Answering latency with the curator store recording versus recording nothing.
//!
//! `cargo bench --bench store`. Each iteration answers one question of a fixed mix (answered
//! and declined) and hands it to the recorder, as every front end does. The target: with the
//! SQLite store, and with the PostgreSQL store, answering no more than 10 % slower than with
//! `NoRecorder`. The PostgreSQL store writes to a throwaway server the benchmark starts
//! (`tests/common/pg.rs`: Debian's `postgresql` binaries, a temporary cluster on 127.0.0.1);
//! without a server binary that store is left out, with a note.
//!
//! Three measures: criterion's (back to back, as fast as possible); "paced", the latency of one
//! answer when questions come 1,000 a second — far more than a bot gets, yet the writer thread
//! has time between them, as in production; and "saturated", back-to-back blocks interleaved,
//! where the writer thread competes with answering for the CPU (the worst case on a busy
//! two-core machine). Each prints how many events the store wrote and dropped.

use criterion::{BenchmarkId, Criterion};
use netral::core::Engine;
use netral::core::record::{Asked, ChatKind, NoRecorder, Platform, Recorder};
use netral::store::{Options, PgTarget, StoreRecorder};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

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

/// A recorder under test: its name, and the store behind it (None: `NoRecorder`).
struct Subject {
    name: &'static str,
    recorder: Arc<dyn Recorder>,
    store: Option<Arc<StoreRecorder>>,
}

impl Subject {
    fn store(name: &'static str, store: StoreRecorder) -> Subject {
        let store = Arc::new(store);
        Subject {
            name,
            recorder: store.clone(),
            store: Some(store),
        }
    }
}

fn main() {
    let engine = engine();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let server = pg::PgServer::start();
    let postgres = |database: &str| {
        server.as_ref().map(|s| {
            let url = if database == "netral" {
                s.url()
            } else {
                s.create_database(database)
            };
            let target = PgTarget::parse(&url).expect("the server's URL");
            StoreRecorder::open_postgres(&target, Options::default()).expect("the store starts")
        })
    };
    let mut subjects = vec![
        Subject {
            name: "no-recorder",
            recorder: Arc::new(NoRecorder),
            store: None,
        },
        Subject::store(
            "sqlite-store",
            StoreRecorder::open(&dir.path().join("bench.db")).expect("the store opens"),
        ),
    ];
    if let Some(store) = postgres("netral") {
        subjects.push(Subject::store("postgres-store", store));
        // Let the writer connect and migrate before anything is measured.
        std::thread::sleep(Duration::from_millis(500));
    } else {
        eprintln!("note: no PostgreSQL server binary, the postgres-store is left out");
    }

    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group("answer");
        for s in &subjects {
            let mut i = 0usize;
            group.bench_function(BenchmarkId::from_parameter(s.name), |b| {
                b.iter(|| {
                    answer(&engine, s.recorder.as_ref(), i);
                    i += 1;
                })
            });
        }
        group.finish();
        // The part the answering path pays for recording alone: build the event and queue it.
        // Stores of their own: at this pace most events are dropped (queue full), which must
        // not spill into the measures below.
        let mut only = vec![
            Subject {
                name: "no-recorder",
                recorder: Arc::new(NoRecorder),
                store: None,
            },
            Subject::store(
                "sqlite-store",
                StoreRecorder::open(&dir.path().join("record-only.db")).expect("the store opens"),
            ),
        ];
        if let Some(store) = postgres("record_only") {
            only.push(Subject::store("postgres-store", store));
        }
        let mut group = c.benchmark_group("record-only");
        let replies: Vec<_> = QUESTIONS.iter().map(|q| engine.ask(q)).collect();
        for s in &only {
            let mut i = 0usize;
            group.bench_function(BenchmarkId::from_parameter(s.name), |b| {
                b.iter(|| {
                    s.recorder.asked(&Asked {
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
        for s in &only {
            s.recorder.close();
        }
    }
    c.final_summary();

    // Paced: the recorders take turns question by question, 0.5 ms apart; which one goes first
    // rotates too (each asks a question whose data the one before just brought into cache).
    let n = subjects.len();
    let mut lat: Vec<Vec<f64>> = vec![Vec::new(); n];
    for i in 0..4_000 {
        for j in 0..n {
            let k = (i + j) % n;
            let t = Instant::now();
            answer(&engine, subjects[k].recorder.as_ref(), i);
            lat[k].push(t.elapsed().as_secs_f64() * 1e6);
            std::thread::sleep(Duration::from_micros(500));
        }
    }
    for l in &mut lat {
        l.sort_by(f64::total_cmp);
    }
    let q = |l: &[f64], p: f64| l[((l.len() - 1) as f64 * p) as usize];
    for k in 1..n {
        eprintln!(
            "paced (one question each 0.5 ms): median {:.2} µs without a store, {:.2} µs with the {}: {:+.1} % (target ≤ +10 %); p99 {:.2} / {:.2} µs",
            q(&lat[0], 0.5),
            q(&lat[k], 0.5),
            subjects[k].name,
            100.0 * (q(&lat[k], 0.5) / q(&lat[0], 0.5) - 1.0),
            q(&lat[0], 0.99),
            q(&lat[k], 0.99),
        );
    }

    // Saturated: interleaved blocks, so that drift (frequency, other load) hits all the same.
    let mut total = vec![Duration::ZERO; n];
    let block = 2_000;
    let until = Instant::now() + Duration::from_secs(3);
    let mut blocks = 0;
    while Instant::now() < until {
        for (k, s) in subjects.iter().enumerate() {
            let t = Instant::now();
            for i in 0..block {
                answer(&engine, s.recorder.as_ref(), i);
            }
            total[k] += t.elapsed();
        }
        blocks += 1;
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(blocks * block as u32);
    for s in &subjects {
        s.recorder.close();
    }
    for (k, s) in subjects.iter().enumerate().skip(1) {
        let (without, with) = (per(total[0]), per(total[k]));
        let store = s.store.as_ref().expect("a store");
        eprintln!(
            "saturated: {without:.2} µs per answer without a store, {with:.2} µs with the {}: {:+.1} %; it wrote {} events, dropped {}",
            s.name,
            100.0 * (with / without - 1.0),
            store.written(),
            store.dropped()
        );
    }
    drop(subjects);
    drop(server);
}

//! Load test of the HTTP front end on loopback: requests per second and latency (p50, p90,
//! p99, max) of `POST /v1/ask` over N keep-alive HTTP/1.1 connections, each sending its next
//! question as soon as the previous answer has arrived. Bounded in time: a warm-up, then a
//! fixed measuring period per concurrency level. Figures and the command are in BENCHMARKS.md.
//!
//! `cargo bench --bench http` (environment: `HTTP_BENCH_SECONDS`, default 10;
//! `HTTP_BENCH_CONNECTIONS`, default `8,32,64`; `HTTP_BENCH_SERVER_THREADS`, default 2).
//!
//! `HTTP_BENCH_REQUESTS=N` sends exactly N requests per level instead (no warm-up, no time
//! limit), for counting instructions: run the binary under `valgrind --tool=callgrind` with two
//! values of N; the difference of the totals divided by the difference of N is the instructions
//! a request costs, client and server together, start-up left out.
//!
//! The server runs in this process on its own Tokio runtime (the worker count `netral http`
//! would get on a 2-core machine), the client on a single-threaded runtime beside it: both
//! share the machine's cores, so the figures include the client's cost.

use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use netral::core::Engine;
use netral::core::record::NoRecorder;
use netral::http::{ClientLimit, HttpConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use common::QUESTIONS;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts the server on a free port; returns its address.
fn start_server(threads: usize) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let engine = Arc::new(Engine::builtin().expect("built-in knowledge"));
            // The per-client limit stays on (its cost is part of every request), set high
            // enough for one client sending tens of thousands of requests a second.
            let config = HttpConfig {
                client_limit: Some(ClientLimit {
                    per_minute: u32::MAX,
                    burst: u32::MAX,
                }),
                ..HttpConfig::new("127.0.0.1:0")
            };
            let listener = netral::http::bind(&config).await.expect("bind");
            tx.send(listener.local_addr().expect("address"))
                .expect("send address");
            let app = netral::http::router(engine, Arc::new(NoRecorder), &config);
            netral::http::serve_until(listener, app, std::future::pending())
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("server address")
}

/// One keep-alive connection sending questions until `until` (or `count` of them); latencies of
/// the requests that started after `from`, in nanoseconds.
async fn connection(
    addr: std::net::SocketAddr,
    offset: usize,
    from: Instant,
    until: Instant,
    count: Option<usize>,
) -> (Vec<u64>, usize) {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let bodies: Vec<Bytes> = QUESTIONS
        .iter()
        .map(|q| Bytes::from(format!("{{\"question\":{q:?}}}")))
        .collect();
    let mut latencies = Vec::with_capacity(1 << 16);
    let mut failures = 0;
    let mut i = offset;
    loop {
        let start = Instant::now();
        if start >= until || count.is_some_and(|n| i - offset >= n) {
            break;
        }
        let request = Request::post("/v1/ask")
            .header("host", "127.0.0.1")
            .header("content-type", "application/json")
            .body(Full::new(bodies[i % bodies.len()].clone()))
            .expect("request");
        i += 1;
        let ok = match sender.send_request(request).await {
            Ok(response) => {
                let status = response.status();
                let body = response.into_body().collect().await;
                status == 200 && body.is_ok()
            }
            Err(_) => false,
        };
        if start >= from {
            latencies.push(start.elapsed().as_nanos() as u64);
            if !ok {
                failures += 1;
            }
        }
    }
    (latencies, failures)
}

fn percentile(sorted: &[u64], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    Duration::from_nanos(sorted[i.min(sorted.len() - 1)])
}

fn main() {
    let seconds: u64 = env_or("HTTP_BENCH_SECONDS", 10);
    let threads: usize = env_or("HTTP_BENCH_SERVER_THREADS", 2);
    let requests: Option<usize> = std::env::var("HTTP_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok());
    let levels: Vec<usize> = std::env::var("HTTP_BENCH_CONNECTIONS")
        .unwrap_or_else(|_| "8,32,64".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let addr = start_server(threads);
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    match requests {
        Some(n) => println!(
            "POST /v1/ask on {addr}, server {threads} worker threads, client 1 thread, {n} requests per level"
        ),
        None => println!(
            "POST /v1/ask on {addr}, server {threads} worker threads, client 1 thread, {seconds} s per level after 2 s warm-up"
        ),
    }
    println!("| connections | requests | requests/s | p50 | p90 | p99 | max | failed |");
    println!("|---|---|---|---|---|---|---|---|");
    for connections in levels {
        let (from, until, count) = match requests {
            // Each connection's share of the requests, from the first one, without a deadline.
            Some(n) => {
                let now = Instant::now();
                (
                    now,
                    now + Duration::from_secs(86_400),
                    Some(n / connections),
                )
            }
            None => {
                let from = Instant::now() + Duration::from_secs(2);
                (from, from + Duration::from_secs(seconds), None)
            }
        };
        let started = Instant::now().max(from);
        let results = client.block_on(async {
            let tasks: Vec<_> = (0..connections)
                .map(|c| tokio::spawn(connection(addr, c, from, until, count)))
                .collect();
            let mut all = Vec::new();
            for t in tasks {
                all.push(t.await.expect("connection task"));
            }
            all
        });
        let failures: usize = results.iter().map(|(_, f)| f).sum();
        let mut latencies: Vec<u64> = results.into_iter().flat_map(|(l, _)| l).collect();
        latencies.sort_unstable();
        let elapsed = match requests {
            Some(_) => started.elapsed().as_secs_f64(),
            None => seconds as f64,
        };
        let rate = latencies.len() as f64 / elapsed;
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {connections} | {} | {:.0} | {} | {} | {} | {} | {failures} |",
            latencies.len(),
            rate,
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.90)),
            ms(percentile(&latencies, 0.99)),
            ms(percentile(&latencies, 1.0)),
        );
    }
}

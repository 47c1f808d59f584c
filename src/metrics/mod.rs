//! Operational metrics and health for the long-running front ends: what an operator's
//! Prometheus scrapes from `GET /metrics` and a load balancer or container runtime probes at
//! `GET /healthz` (served by [`server`] when `NETRAL_METRICS_LISTEN` is set).
//!
//! One place counts: [`Metrics::global`] holds every `netral_*` series. Questions are counted by
//! [`Metered`], the [`Recorder`] wrapper that `cli::recorder()` hands to every front end, so a
//! front end reports a question exactly as it already does for the curator store and gets the
//! metrics for free. The few adapter-specific events (a Telegram 429, a Discord reconnect) and
//! the store's written/dropped events are reported by one call each where they happen.
//! [`health::Health`] is the connection state the adapters set and `/healthz` reads.
//!
//! Metric names (all prefixed `netral_`):
//! - `netral_questions_total{platform,outcome}` — outcome `answered`, `declined` or
//!   `out_of_scope`
//! - `netral_answer_seconds{platform}` — histogram, from receiving a question to having its reply
//! - `netral_telegram_rate_limited_total` — 429 Too Many Requests seen by netral's own retries
//! - `netral_telegram_retries_total{reason}` — requests sent again (`rate_limited`, `connect`)
//! - `netral_discord_reconnects_total` — gateway sessions resumed or re-identified
//! - `netral_store_events_written_total`, `netral_store_events_dropped_total`
//! - `netral_knowledge_entries{kind}` — topics, articles, smalltalk, out-of-scope entries
//! - `netral_model_info{version,knowledge}` — always 1; the netral version and a fingerprint of
//!   the knowledge loaded, to tell which replicas run which model
//! - `netral_up{component}` — 1 while an adapter is connected (mirrors `/healthz`)

pub mod health;
pub mod server;

pub use health::Health;

use crate::core::Engine;
use crate::core::record::{Asked, Feedback, Platform, Recorder};
use crate::core::{DeclineReason, Reply};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use std::sync::{Arc, OnceLock};

/// What became of a question, as counted in `netral_questions_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An entry was chosen.
    Answered,
    /// No entry matched with enough confidence (or nothing was asked).
    Declined,
    /// Declined on purpose: the question is outside netral's scope.
    OutOfScope,
}

impl Outcome {
    /// The outcome of a reply.
    pub fn of(reply: &Reply) -> Outcome {
        match &reply.declined {
            None => Outcome::Answered,
            Some(DeclineReason::OutOfScope(_)) => Outcome::OutOfScope,
            Some(_) => Outcome::Declined,
        }
    }

    /// Every outcome, in the order of [`Outcome::index`].
    const ALL: [Outcome; 3] = [Outcome::Answered, Outcome::Declined, Outcome::OutOfScope];

    fn index(self) -> usize {
        match self {
            Outcome::Answered => 0,
            Outcome::Declined => 1,
            Outcome::OutOfScope => 2,
        }
    }

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Declined => "declined",
            Outcome::OutOfScope => "out_of_scope",
        }
    }
}

/// Why a Telegram request was sent again (`netral_telegram_retries_total{reason}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// After a 429 and its `retry_after`.
    RateLimited,
    /// The connection could not be opened.
    Connect,
}

impl Retry {
    fn as_str(self) -> &'static str {
        match self {
            Retry::RateLimited => "rate_limited",
            Retry::Connect => "connect",
        }
    }
}

/// Every `netral_*` series, in one Prometheus registry. Cheap to update from any thread.
pub struct Metrics {
    registry: Registry,
    questions: IntCounterVec,
    answer_seconds: HistogramVec,
    /// Each (platform, outcome)'s series of `questions` and each platform's of
    /// `answer_seconds`, looked up on first use and kept: counting a question then takes no
    /// lock and no hashing of label values (it happens on every request).
    question_series: [[OnceLock<IntCounter>; Outcome::ALL.len()]; PLATFORMS],
    seconds_series: [OnceLock<Histogram>; PLATFORMS],
    telegram_rate_limited: IntCounter,
    telegram_retries: IntCounterVec,
    discord_reconnects: IntCounter,
    store_written: IntCounter,
    store_dropped: IntCounter,
    knowledge_entries: IntGaugeVec,
    model_info: IntGaugeVec,
    up: IntGaugeVec,
}

/// How many [`Platform`]s there are (see [`platform_index`]).
const PLATFORMS: usize = 4;

fn platform_index(p: Platform) -> usize {
    match p {
        Platform::Cli => 0,
        Platform::Telegram => 1,
        Platform::Discord => 2,
        Platform::Web => 3,
    }
}

/// Answer latency buckets, seconds: the matcher takes well under a millisecond, a reply that
/// waited for the thread pool or a slow disk takes longer.
const ANSWER_BUCKETS: [f64; 12] = [
    0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
];

impl Metrics {
    /// The process's metrics, created on first use.
    pub fn global() -> &'static Metrics {
        static GLOBAL: OnceLock<Metrics> = OnceLock::new();
        GLOBAL.get_or_init(Metrics::new)
    }

    /// A fresh, independent set (tests; the process uses [`Metrics::global`]).
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let counter_vec = |name: &str, help: &str, labels: &[&str]| {
            let c =
                IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric definition");
            registry
                .register(Box::new(c.clone()))
                .expect("metric names are unique");
            c
        };
        let counter = |name: &str, help: &str| {
            let c = IntCounter::new(name, help).expect("valid metric definition");
            registry
                .register(Box::new(c.clone()))
                .expect("metric names are unique");
            c
        };
        let gauge_vec = |name: &str, help: &str, labels: &[&str]| {
            let g =
                IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric definition");
            registry
                .register(Box::new(g.clone()))
                .expect("metric names are unique");
            g
        };
        let answer_seconds = HistogramVec::new(
            HistogramOpts::new(
                "netral_answer_seconds",
                "Time from receiving a question to having its reply.",
            )
            .buckets(ANSWER_BUCKETS.to_vec()),
            &["platform"],
        )
        .expect("valid metric definition");
        registry
            .register(Box::new(answer_seconds.clone()))
            .expect("metric names are unique");
        Metrics {
            questions: counter_vec(
                "netral_questions_total",
                "Questions by platform and outcome (answered, declined, out_of_scope).",
                &["platform", "outcome"],
            ),
            answer_seconds,
            question_series: Default::default(),
            seconds_series: Default::default(),
            telegram_rate_limited: counter(
                "netral_telegram_rate_limited_total",
                "Telegram 429 Too Many Requests replies seen by netral's retries.",
            ),
            telegram_retries: counter_vec(
                "netral_telegram_retries_total",
                "Telegram requests sent again, by reason (rate_limited, connect).",
                &["reason"],
            ),
            discord_reconnects: counter(
                "netral_discord_reconnects_total",
                "Discord gateway sessions resumed or identified again after the first.",
            ),
            store_written: counter(
                "netral_store_events_written_total",
                "Curator store events committed.",
            ),
            store_dropped: counter(
                "netral_store_events_dropped_total",
                "Curator store events dropped (queue full, database unusable).",
            ),
            knowledge_entries: gauge_vec(
                "netral_knowledge_entries",
                "Entries in the loaded knowledge, by kind.",
                &["kind"],
            ),
            model_info: gauge_vec(
                "netral_model_info",
                "Always 1: the netral version and a fingerprint of the loaded knowledge.",
                &["version", "knowledge"],
            ),
            up: gauge_vec(
                "netral_up",
                "1 while a front end is connected to its platform, 0 otherwise.",
                &["component"],
            ),
            registry,
        }
    }

    /// Counts one question and how long answering it took.
    pub fn record_question(&self, platform: Platform, outcome: Outcome, seconds: f64) {
        let p = platform_index(platform);
        self.question_series[p][outcome.index()]
            .get_or_init(|| {
                self.questions
                    .with_label_values(&[platform.as_str(), outcome.as_str()])
            })
            .inc();
        self.seconds_series[p]
            .get_or_init(|| self.answer_seconds.with_label_values(&[platform.as_str()]))
            .observe(seconds.max(0.0));
    }

    /// Questions counted so far for a platform and outcome.
    pub fn questions(&self, platform: Platform, outcome: Outcome) -> u64 {
        self.questions
            .with_label_values(&[platform.as_str(), outcome.as_str()])
            .get()
    }

    /// Telegram answered 429 Too Many Requests.
    pub fn telegram_rate_limited(&self) {
        self.telegram_rate_limited.inc();
    }

    /// A Telegram request is sent again.
    pub fn telegram_retry(&self, reason: Retry) {
        self.telegram_retries
            .with_label_values(&[reason.as_str()])
            .inc();
    }

    /// The Discord gateway connected again (resumed or identified after the first time).
    pub fn discord_reconnect(&self) {
        self.discord_reconnects.inc();
    }

    /// The curator store committed `n` events.
    pub fn store_written(&self, n: u64) {
        self.store_written.inc_by(n);
    }

    /// The curator store dropped `n` events.
    pub fn store_dropped(&self, n: u64) {
        self.store_dropped.inc_by(n);
    }

    /// Describes the loaded knowledge: entries by kind and the model fingerprint.
    pub fn set_knowledge(&self, engine: &Engine) {
        let kb = engine.knowledge();
        for (kind, n) in [
            ("topic", kb.topics.len()),
            ("article", kb.articles.len()),
            ("smalltalk", kb.smalltalk.len()),
            ("out_of_scope", kb.declines.len()),
        ] {
            self.knowledge_entries
                .with_label_values(&[kind])
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        self.model_info.reset();
        self.model_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), &knowledge_fingerprint(engine)])
            .set(1);
    }

    /// Mirrors a component's connection state (`netral_up`); called by [`Health`].
    pub(crate) fn set_up(&self, component: &str, up: bool) {
        self.up.with_label_values(&[component]).set(i64::from(up));
    }

    /// Everything in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into memory fails only on a metric the registry would not have taken.
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::warn!("metrics: cannot encode: {e}");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

/// A short, stable fingerprint of the knowledge the engine answers from: the first 12 hex
/// digits of a SHA-256 over its entries and matcher settings. Two replicas with the same
/// fingerprint give the same answers.
pub fn knowledge_fingerprint(engine: &Engine) -> String {
    use sha2::{Digest, Sha256};
    let kb = engine.knowledge();
    let mut hash = Sha256::new();
    hash.update(format!("{:?}", kb.topics));
    hash.update(format!("{:?}", kb.articles));
    hash.update(format!("{:?}", kb.smalltalk));
    hash.update(format!("{:?}", kb.declines));
    hash.update(format!("{:?}", kb.settings));
    hash.update(engine.phrasing_count().to_le_bytes());
    let digest = hash.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The [`Recorder`] every front end reports to: counts each question in [`Metrics`] and passes
/// it on to the curator store (or whatever `inner` is).
pub struct Metered {
    inner: Arc<dyn Recorder>,
    metrics: &'static Metrics,
}

impl Metered {
    /// Counts into the process's [`Metrics::global`].
    pub fn new(inner: Arc<dyn Recorder>) -> Metered {
        Metered::with(inner, Metrics::global())
    }

    /// Counts into `metrics` (tests).
    pub fn with(inner: Arc<dyn Recorder>, metrics: &'static Metrics) -> Metered {
        Metered { inner, metrics }
    }
}

impl Recorder for Metered {
    fn asked(&self, event: &Asked<'_>) {
        if !matches!(event.reply.declined, Some(DeclineReason::Empty)) {
            self.metrics.record_question(
                event.platform,
                Outcome::of(event.reply),
                event.elapsed.as_secs_f64(),
            );
        }
        self.inner.asked(event);
    }

    fn feedback(&self, event: &Feedback<'_>) {
        self.inner.feedback(event);
    }

    fn close(&self) {
        self.inner.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{ChatKind, NoRecorder};
    use std::time::Duration;

    fn leaked() -> &'static Metrics {
        Box::leak(Box::new(Metrics::new()))
    }

    fn engine() -> Engine {
        Engine::builtin().expect("built-in knowledge")
    }

    fn line<'a>(text: &'a str, start: &str) -> Option<&'a str> {
        text.lines().find(|l| l.starts_with(start))
    }

    #[test]
    fn questions_are_counted_by_platform_and_outcome() {
        let metrics = leaked();
        let engine = engine();
        let metered = Metered::with(Arc::new(NoRecorder), metrics);
        for (question, platform) in [
            (
                "bolehkah ASN like postingan kampanye capres",
                Platform::Telegram,
            ),
            ("resep nasi goreng yang enak", Platform::Telegram),
            (
                "bolehkah ASN like postingan kampanye capres",
                Platform::Discord,
            ),
            ("", Platform::Discord),
        ] {
            let reply = engine.ask(question);
            metered.asked(&Asked {
                reply: &reply,
                platform,
                chat: ChatKind::Private,
                asker: None,
                elapsed: Duration::from_millis(3),
            });
        }
        assert_eq!(metrics.questions(Platform::Telegram, Outcome::Answered), 1);
        assert_eq!(
            metrics.questions(Platform::Telegram, Outcome::Declined)
                + metrics.questions(Platform::Telegram, Outcome::OutOfScope),
            1
        );
        assert_eq!(metrics.questions(Platform::Discord, Outcome::Answered), 1);
        // An empty message is not a question.
        assert_eq!(metrics.questions(Platform::Discord, Outcome::Declined), 0);
        let text = metrics.render();
        assert!(
            text.contains(r#"netral_questions_total{outcome="answered",platform="telegram"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"netral_answer_seconds_bucket{platform="telegram",le="0.005"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"netral_answer_seconds_bucket{platform="telegram",le="0.0025"} 0"#),
            "{text}"
        );
    }

    #[test]
    fn out_of_scope_is_its_own_outcome() {
        let engine = engine();
        let declined = engine.ask("kalau pppk gimana?");
        assert_eq!(Outcome::of(&declined), Outcome::Declined);
        let scoped = engine
            .knowledge()
            .declines
            .iter()
            .find_map(|d| {
                d.questions
                    .iter()
                    .map(|p| engine.ask(p))
                    .find(|r| Outcome::of(r) == Outcome::OutOfScope)
            })
            .expect("an out-of-scope phrasing is declined as out of scope");
        assert!(matches!(
            scoped.declined,
            Some(DeclineReason::OutOfScope(_))
        ));
    }

    #[test]
    fn every_series_is_exposed_under_the_netral_prefix() {
        let metrics = leaked();
        metrics.set_knowledge(&engine());
        metrics.telegram_rate_limited();
        metrics.telegram_retry(Retry::RateLimited);
        metrics.telegram_retry(Retry::Connect);
        metrics.discord_reconnect();
        metrics.store_written(5);
        metrics.store_dropped(2);
        metrics.record_question(Platform::Cli, Outcome::Answered, 0.0001);
        metrics.set_up("telegram", true);
        let text = metrics.render();
        for name in [
            "netral_questions_total",
            "netral_answer_seconds",
            "netral_telegram_rate_limited_total",
            "netral_telegram_retries_total",
            "netral_discord_reconnects_total",
            "netral_store_events_written_total",
            "netral_store_events_dropped_total",
            "netral_knowledge_entries",
            "netral_model_info",
            "netral_up",
        ] {
            assert!(
                text.contains(&format!("# TYPE {name} ")),
                "{name} missing:\n{text}"
            );
        }
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(l.starts_with("netral_"), "unprefixed series: {l}");
        }
        assert_eq!(
            line(&text, "netral_store_events_written_total"),
            Some("netral_store_events_written_total 5")
        );
        assert!(text.contains(r#"netral_telegram_retries_total{reason="connect"} 1"#));
        let topics = engine().knowledge().topics.len();
        assert!(text.contains(&format!(
            r#"netral_knowledge_entries{{kind="topic"}} {topics}"#
        )));
        assert!(text.contains(&format!(
            r#"netral_model_info{{knowledge="{}",version="{}"}} 1"#,
            knowledge_fingerprint(&engine()),
            env!("CARGO_PKG_VERSION")
        )));
    }

    #[test]
    fn the_fingerprint_changes_with_the_knowledge() {
        let a = engine();
        let mut kb = a.knowledge().clone();
        kb.settings.threshold += 0.01;
        let b = Engine::with_static_model(kb, crate::knowledge::builtin_model());
        assert_eq!(knowledge_fingerprint(&a), knowledge_fingerprint(&engine()));
        assert_ne!(knowledge_fingerprint(&a), knowledge_fingerprint(&b));
        assert_eq!(knowledge_fingerprint(&a).len(), 12);
    }
}

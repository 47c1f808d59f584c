//! What the front ends report for curators: declined questions, answers given, 👍/👎.
//!
//! The core only defines the interface; a store (SQLite in `crate::store`) implements it.
//! Implementations must never block or fail the answering path: they queue and return.

use super::reply::Reply;

/// Where a question came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Cli,
    Telegram,
    Discord,
    /// The HTTP API and its web page (`netral http`).
    Web,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Cli => "cli",
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Web => "web",
        }
    }
}

/// Private chat (or DM, or the terminal) versus a group or server channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Private,
    Group,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Private => "private",
            ChatKind::Group => "group",
        }
    }
}

/// One question and the reply it got.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    pub reply: &'a Reply,
    pub platform: Platform,
    pub chat: ChatKind,
    /// An opaque key for the asker (e.g. `telegram:12345`), used only to count distinct
    /// askers: a store keeps at most a salted hash of it, never the key itself.
    pub asker: Option<&'a str>,
    /// How long answering took, from receiving the question to having the reply (the
    /// `netral_answer_seconds` metric); `Duration::ZERO` when the front end does not measure.
    pub elapsed: std::time::Duration,
}

/// A 👍 or 👎 on an answer.
#[derive(Debug, Clone)]
pub struct Feedback<'a> {
    pub answer_id: &'a str,
    pub helpful: bool,
    pub platform: Platform,
}

/// Receives what curators need. Called on the answering path: must return quickly and never
/// panic; failures are logged by the implementation, not returned.
pub trait Recorder: Send + Sync {
    fn asked(&self, event: &Asked<'_>);
    fn feedback(&self, event: &Feedback<'_>);
    /// Writes what is still queued and stops recording; later events are ignored. Front ends
    /// call it once when shutting down (dropping the last reference does the same). Bounded in
    /// time: it never hangs the exit.
    fn close(&self) {}
}

/// Records nothing (no store configured, or in tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoRecorder;

impl Recorder for NoRecorder {
    fn asked(&self, _: &Asked<'_>) {}
    fn feedback(&self, _: &Feedback<'_>) {}
}

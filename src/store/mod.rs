//! The curator store: what the front ends saw, kept in SQLite for `netral review` and
//! `netral stats`.
//!
//! What it keeps: each declined question (normalised text, time, platform, chat kind, the
//! nearest entries and their scores), each 👍/👎 (answer id, time, platform), answer counts per
//! entry, platform and day, and — to count distinct askers — a salted hash per asker and day in
//! a table of its own that no question row refers to (the salt is random per database). What it
//! never keeps: user names, user ids, chat ids, or the raw question (long digit runs such as
//! phone numbers or NIPs are masked, too). It is not a conversation log.
//!
//! Writing never happens on the answering path: [`SqliteRecorder`], the
//! [`Recorder`](crate::core::record::Recorder) that `cli::recorder()` hands to the front ends,
//! puts each event on a bounded queue and a writer thread commits them in batches. A full queue
//! or a locked or broken database drops events and logs one warning; answers keep flowing. The
//! database runs in WAL mode with `synchronous = NORMAL`: a committed batch survives the process
//! being killed (a power cut may lose the last batches, never corrupt the file).
//!
//! [`Store`] is the synchronous side, used by the writer thread and by the curator commands
//! ([`review`], [`stats`], [`Store::purge`]). `docs/store.md` says how a PostgreSQL backend would
//! take its place when several replicas run.

mod db;
mod recorder;
pub mod review;
pub mod stats;

pub use db::{DeclinedRow, Purged, Store};
pub use recorder::{Options, SqliteRecorder};

use crate::core::record::{Asked, ChatKind, Feedback, Platform};
use crate::core::{DeclineReason, EntryKind};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the database file; `off` disables recording.
pub const DB_ENV: &str = "NETRAL_DB";

/// Where the store lives, from [`DB_ENV`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `NETRAL_DB=off`: record nothing.
    Off,
    /// The database file.
    File(PathBuf),
    /// No `NETRAL_DB` and no platform data directory to put the default file in.
    Unknown,
    /// A URL (`scheme://…`) this build cannot store into: the scheme alone, never the rest
    /// (it may hold a password). PostgreSQL (`postgres://`) is not built yet.
    Unsupported(String),
}

impl Location {
    /// The one-line error for a location the store cannot use (None when it can).
    pub fn problem(&self) -> Option<String> {
        match self {
            Location::Unsupported(scheme) => Some(format!(
                "{DB_ENV}: `{scheme}://…` is not a store this build supports: set it to a SQLite file path or `off` (the PostgreSQL store is not built yet)"
            )),
            _ => None,
        }
    }

    /// The location from the environment.
    pub fn from_env() -> Location {
        Location::parse(std::env::var_os(DB_ENV))
    }

    /// The location for a value of [`DB_ENV`] (unset or empty: the default file).
    pub fn parse(value: Option<OsString>) -> Location {
        match value {
            Some(v) if v.eq_ignore_ascii_case("off") => Location::Off,
            Some(v) if v.to_string_lossy().contains("://") => {
                let text = v.to_string_lossy();
                let scheme = text.split("://").next().unwrap_or_default();
                Location::Unsupported(scheme.chars().take(20).collect())
            }
            Some(v) if !v.is_empty() => Location::File(PathBuf::from(v)),
            _ => default_path().map_or(Location::Unknown, Location::File),
        }
    }
}

/// The default database file: `netral/netral.db` in the platform's data directory
/// (`~/.local/share` on Linux).
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("netral").join("netral.db"))
}

/// What can go wrong opening or using the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: nothing recorded yet (no such file; set {DB_ENV} to the store's file)", path.display())]
    NotFound { path: PathBuf },
    #[error(
        "{}: written by a newer netral (schema version {version}); upgrade netral or set {DB_ENV} to another file",
        path.display()
    )]
    Newer { path: PathBuf, version: i64 },
    #[error("cannot start the store's writer thread: {0}")]
    Thread(std::io::Error),
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl StoreError {
    fn sqlite(path: &Path) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// One thing to record, as it travels from the answering path to the writer thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Asked(AskedEvent),
    Feedback(FeedbackEvent),
}

/// A question and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct AskedEvent {
    /// Unix time, seconds.
    pub at: i64,
    pub platform: Platform,
    pub chat: ChatKind,
    /// The opaque asker key; the store writes only its salted hash, in a table of its own.
    pub asker: Option<String>,
    pub outcome: Outcome,
}

/// Answered (counted per entry and day) or declined (kept for review).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Answered {
        entry_id: String,
        kind: EntryKind,
    },
    Declined {
        /// The question as asked; the store normalises it before writing.
        question: String,
        /// The out-of-scope entry that declined it, if any.
        out_of_scope: Option<String>,
        /// The score of the best candidate (of any kind).
        top_score: f32,
        /// The nearest entries offered as suggestions, best first.
        candidates: Vec<(String, f32)>,
    },
}

/// A 👍 or 👎.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackEvent {
    pub at: i64,
    pub platform: Platform,
    pub answer_id: String,
    pub helpful: bool,
}

impl AskedEvent {
    /// The event for a question, or None when there is nothing to record (an empty question).
    pub fn new(e: &Asked<'_>, at: i64) -> Option<AskedEvent> {
        let reply = e.reply;
        let outcome = match (&reply.declined, &reply.id, reply.kind) {
            (Some(DeclineReason::Empty), _, _) => return None,
            (Some(reason), _, _) => Outcome::Declined {
                question: reply.query.clone(),
                out_of_scope: match reason {
                    DeclineReason::OutOfScope(id) => Some(id.clone()),
                    _ => None,
                },
                top_score: reply.confidence,
                candidates: reply
                    .suggestions
                    .iter()
                    .map(|s| (s.id.clone(), s.score))
                    .collect(),
            },
            (None, Some(id), Some(kind)) => Outcome::Answered {
                entry_id: id.clone(),
                kind,
            },
            (None, _, _) => return None,
        };
        Some(AskedEvent {
            at,
            platform: e.platform,
            chat: e.chat,
            asker: e.asker.map(str::to_string),
            outcome,
        })
    }
}

impl FeedbackEvent {
    pub fn new(e: &Feedback<'_>, at: i64) -> FeedbackEvent {
        FeedbackEvent {
            at,
            platform: e.platform,
            answer_id: e.answer_id.to_string(),
            helpful: e.helpful,
        }
    }
}

/// Now, as Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A period such as `30d`, `12h`, `2w` in seconds; `all` is everything.
pub fn parse_period(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("all") {
        return Ok(i64::MAX);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("`{text}`: expected a number and a unit, e.g. 30d, 12h, 2w or all"))?;
    let unit_secs = match unit {
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "`{text}`: unknown unit `{unit}`; use h (hours), d (days) or w (weeks), e.g. 30d"
            ));
        }
    };
    n.checked_mul(unit_secs)
        .ok_or_else(|| format!("`{text}`: too long a period"))
}

/// The start of a period ending now, as Unix seconds (0 for `all`).
pub fn since(period_secs: i64) -> i64 {
    now().saturating_sub(period_secs).max(0)
}

/// `YYYY-MM-DD` (UTC) of a Unix time.
pub fn day(unix: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = unix.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(parse_period("30d"), Ok(30 * 86_400));
        assert_eq!(parse_period("12h"), Ok(12 * 3_600));
        assert_eq!(parse_period("2w"), Ok(14 * 86_400));
        assert_eq!(parse_period("all"), Ok(i64::MAX));
        assert!(parse_period("30").unwrap_err().contains("unknown unit"));
        assert!(parse_period("d").unwrap_err().contains("expected a number"));
        assert!(parse_period("99999999999999999999d").is_err());
        assert_eq!(since(i64::MAX), 0);
    }

    #[test]
    fn days() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(951_782_400), "2000-02-29");
        assert_eq!(day(1_735_689_599), "2024-12-31");
        assert_eq!(day(1_735_689_600), "2025-01-01");
    }

    #[test]
    fn locations() {
        assert_eq!(Location::parse(Some("OFF".into())), Location::Off);
        assert_eq!(
            Location::parse(Some("postgres://netral:hunter2@db:5432/netral".into())),
            Location::Unsupported("postgres".into())
        );
        assert_eq!(
            Location::parse(Some("/tmp/x.db".into())),
            Location::File("/tmp/x.db".into())
        );
        let default = default_path().map_or(Location::Unknown, Location::File);
        assert_eq!(Location::parse(Some("".into())), default);
        assert_eq!(Location::parse(None), default);
    }
}

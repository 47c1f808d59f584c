//! The SQLite database: schema, batched writes, the curator queries and purge.

use super::{AskedEvent, Event, FeedbackEvent, Outcome, StoreError, day};
use crate::core::EntryKind;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;
use unicode_normalization::UnicodeNormalization;

/// The schema; `PRAGMA user_version` says which one a file has.
const SCHEMA_VERSION: i64 = 1;
const SCHEMA: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per declined question. No asker column, on purpose.
CREATE TABLE declined (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,   -- Unix seconds
    platform     TEXT NOT NULL,      -- cli | telegram | discord | web
    chat         TEXT NOT NULL,      -- private | group
    question     TEXT NOT NULL,      -- normalised, long digit runs masked
    out_of_scope TEXT,               -- the out-of-scope entry that declined it, or NULL
    top_score    REAL NOT NULL,
    -- The nearest entries offered, best first: a JSON array of [entry id, score]. One column
    -- rather than a child table: one statement per question on the writer thread.
    candidates   TEXT NOT NULL
);
CREATE INDEX declined_at ON declined(at);
CREATE TABLE feedback (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    platform  TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    helpful   INTEGER NOT NULL       -- 1 for 👍, 0 for 👎
);
CREATE INDEX feedback_at ON feedback(at);
-- Answers given, counted per day (UTC), platform, chat kind and entry.
CREATE TABLE answer_count (
    day      TEXT NOT NULL,
    platform TEXT NOT NULL,
    chat     TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    kind     TEXT NOT NULL,          -- topic | article | smalltalk
    answers  INTEGER NOT NULL,
    PRIMARY KEY (day, platform, chat, entry_id)
);
-- Distinct askers per day and platform: a salted hash, linked to nothing else.
CREATE TABLE asker_day (
    day        TEXT NOT NULL,
    platform   TEXT NOT NULL,
    asker_hash TEXT NOT NULL,
    PRIMARY KEY (day, platform, asker_hash)
);
INSERT INTO meta (key, value) VALUES ('salt', lower(hex(randomblob(32))));
";

const DAY: i64 = 86_400;

/// How long a connection waits for another one's write lock before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(1);
/// Normalised questions longer than this are cut (characters).
const MAX_QUESTION_CHARS: usize = 500;
/// Numbers with at least this many digits are masked (phone numbers, NIP, NIK).
const MASK_DIGITS: usize = 9;

/// One declined question as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclinedRow {
    pub at: i64,
    pub platform: String,
    pub chat: String,
    pub question: String,
    pub out_of_scope: Option<String>,
    pub top_score: f32,
    pub candidates: Vec<(String, f32)>,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    pub declined: usize,
    pub feedback: usize,
    pub answer_days: usize,
    pub asker_days: usize,
}

/// A connection to the store's database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    salt: String,
}

impl Store {
    /// Opens the database at `path`, creating the file, its folder and the schema if needed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        Store::connect(path)
    }

    /// Opens an existing database (the curator commands: nothing recorded, nothing to show).
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        Store::connect(path)
    }

    fn connect(path: &Path) -> Result<Store, StoreError> {
        let err = StoreError::sqlite(path);
        let conn = Connection::open(path).map_err(StoreError::sqlite(path))?;
        let salt = (|| {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::debug!("store: journal mode is {mode}, not wal");
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version > SCHEMA_VERSION {
                return Ok(Err(version));
            }
            if version < SCHEMA_VERSION {
                migrate(&conn)?;
            }
            conn.query_row("SELECT value FROM meta WHERE key = 'salt'", [], |r| {
                r.get::<_, String>(0)
            })
            .map(Ok)
        })()
        .map_err(err)?
        .map_err(|version| StoreError::Newer {
            path: path.to_path_buf(),
            version,
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            salt,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection (tests inspect the schema through it).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Writes a batch of events in one transaction: all of them or none.
    pub fn write(&mut self, events: &[Event]) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.write_inner(events).map_err(StoreError::sqlite(&path))
    }

    fn write_inner(&mut self, events: &[Event]) -> rusqlite::Result<()> {
        // Counts are summed in memory first: one statement per key and batch, not per event.
        // Keyed by day number (Unix days), formatted once per key.
        let mut answers: HashMap<(i64, &str, &str, &str, &str), i64> = HashMap::new();
        let mut askers: HashSet<(i64, &str, &str)> = HashSet::new();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for event in events {
            match event {
                Event::Asked(a) => {
                    let (platform, chat) = (a.platform.as_str(), a.chat.as_str());
                    match &a.outcome {
                        Outcome::Answered { entry_id, kind } => {
                            *answers
                                .entry((
                                    a.at.div_euclid(DAY),
                                    platform,
                                    chat,
                                    entry_id,
                                    kind_name(*kind),
                                ))
                                .or_insert(0) += 1;
                        }
                        Outcome::Declined { .. } => write_declined(&tx, a)?,
                    }
                    if let Some(asker) = &a.asker {
                        askers.insert((a.at.div_euclid(DAY), platform, asker));
                    }
                }
                Event::Feedback(f) => write_feedback(&tx, f)?,
            }
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO answer_count (day, platform, chat, entry_id, kind, answers)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (day, platform, chat, entry_id) DO UPDATE
                 SET answers = answers + excluded.answers",
            )?;
            for ((d, platform, chat, entry, kind), n) in &answers {
                stmt.execute(params![day(d * DAY), platform, chat, entry, kind, n])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO asker_day (day, platform, asker_hash) VALUES (?1, ?2, ?3)",
            )?;
            for (d, platform, asker) in &askers {
                stmt.execute(params![
                    day(d * DAY),
                    platform,
                    asker_hash(&self.salt, asker)
                ])?;
            }
        }
        tx.commit()
    }

    /// Declined questions since `since` (Unix seconds), oldest first.
    pub fn declined(
        &self,
        since: i64,
        include_out_of_scope: bool,
    ) -> Result<Vec<DeclinedRow>, StoreError> {
        self.declined_inner(since, include_out_of_scope)
            .map_err(StoreError::sqlite(&self.path))
    }

    fn declined_inner(&self, since: i64, all: bool) -> rusqlite::Result<Vec<DeclinedRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, platform, chat, question, out_of_scope, top_score, candidates
             FROM declined
             WHERE at >= ?1 AND (?2 OR out_of_scope IS NULL)
             ORDER BY at, id",
        )?;
        let rows = stmt.query_map(params![since, all], |r| {
            let candidates: String = r.get(6)?;
            Ok(DeclinedRow {
                at: r.get(0)?,
                platform: r.get(1)?,
                chat: r.get(2)?,
                question: r.get(3)?,
                out_of_scope: r.get(4)?,
                top_score: r.get::<_, f64>(5)? as f32,
                // A row written by hand with broken JSON just has no candidates.
                candidates: serde_json::from_str(&candidates).unwrap_or_default(),
            })
        })?;
        rows.collect()
    }

    /// Removes every row older than `before` (Unix seconds; daily counts: days before that
    /// day), overwriting the freed pages, and shrinks the write-ahead log.
    pub fn purge(&mut self, before: i64) -> Result<Purged, StoreError> {
        let path = self.path.clone();
        self.purge_inner(before).map_err(StoreError::sqlite(&path))
    }

    fn purge_inner(&mut self, before: i64) -> rusqlite::Result<Purged> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let purged = Purged {
            declined: tx.execute("DELETE FROM declined WHERE at < ?1", [before])?,
            feedback: tx.execute("DELETE FROM feedback WHERE at < ?1", [before])?,
            answer_days: tx.execute(
                "DELETE FROM answer_count WHERE day < date(?1, 'unixepoch')",
                [before],
            )?,
            asker_days: tx.execute(
                "DELETE FROM asker_day WHERE day < date(?1, 'unixepoch')",
                [before],
            )?,
        };
        tx.commit()?;
        // Old pages may still sit in the write-ahead log; fold it in and truncate it. A reader
        // holding it open only delays this, so its result is not an error.
        let _: rusqlite::Result<(i64, i64, i64)> =
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                });
        Ok(purged)
    }

    pub(super) fn query_one<T: rusqlite::types::FromSql>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Option<T>, StoreError> {
        self.conn
            .query_row(sql, params, |r| r.get(0))
            .optional()
            .map_err(StoreError::sqlite(&self.path))
    }

    pub(super) fn query_map<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        (|| {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map(params, f)?;
            rows.collect::<rusqlite::Result<Vec<T>>>()
        })()
        .map_err(StoreError::sqlite(&self.path))
    }
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    // Immediate: two processes opening a new file at once must not both create the schema.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            conn.execute_batch(SCHEMA)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT"),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Topic => "topic",
        EntryKind::Article => "article",
        EntryKind::Smalltalk => "smalltalk",
        EntryKind::Decline => "decline",
    }
}

fn write_declined(tx: &rusqlite::Transaction<'_>, a: &AskedEvent) -> rusqlite::Result<()> {
    let Outcome::Declined {
        question,
        out_of_scope,
        top_score,
        candidates,
    } = &a.outcome
    else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO declined (at, platform, chat, question, out_of_scope, top_score, candidates)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        a.at,
        a.platform.as_str(),
        a.chat.as_str(),
        normalise(question),
        out_of_scope,
        f64::from(*top_score),
        candidates_json(candidates)
    ])?;
    Ok(())
}

fn write_feedback(tx: &rusqlite::Transaction<'_>, f: &FeedbackEvent) -> rusqlite::Result<()> {
    let id: String = f.answer_id.chars().take(100).collect();
    tx.prepare_cached(
        "INSERT INTO feedback (at, platform, answer_id, helpful) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![f.at, f.platform.as_str(), id, f.helpful])?;
    Ok(())
}

fn candidates_json(candidates: &[(String, f32)]) -> String {
    // Scores rounded to 4 places, as `ask --json` prints them.
    let rounded: Vec<(&str, f64)> = candidates
        .iter()
        .map(|(id, s)| (id.as_str(), (f64::from(*s) * 10_000.0).round() / 10_000.0))
        .collect();
    serde_json::to_string(&rounded).unwrap_or_else(|_| "[]".to_string())
}

/// SHA-256 of the database's salt and the asker key, first 128 bits in hex.
fn asker_hash(salt: &str, asker: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(asker.as_bytes());
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stands in for a masked number between masking and cleaning (a private-use character).
const MASK: char = '\u{E000}';

/// The text kept for a question: NFKC, lowercase, only letters and digits, single spaces,
/// long numbers masked as `<angka>`, cut at [`MAX_QUESTION_CHARS`]. Deliberately lighter than
/// the matcher's normaliser (no slang, no stemming, no letter-run folding): it does not depend
/// on the knowledge version, and keeps the phrasing a curator wants to label; `netral review`
/// applies the current normaliser when it groups.
fn normalise(question: &str) -> String {
    let nfkc: String = question.nfkc().filter(|c| *c != MASK).collect();
    let mut out = String::new();
    let mut chars = 0;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
            word.clear();
        }
    };
    for c in mask_numbers(&nfkc).chars().flat_map(char::to_lowercase) {
        if c == MASK {
            flush(&mut word, &mut out);
            word.push_str("<angka>");
            flush(&mut word, &mut out);
        } else if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
        }
        chars += 1;
        if chars >= 4 * MAX_QUESTION_CHARS {
            break;
        }
    }
    flush(&mut word, &mut out);
    if out.chars().count() > MAX_QUESTION_CHARS {
        out = out.chars().take(MAX_QUESTION_CHARS).collect();
    }
    out
}

/// Replaces runs of digits — possibly split by single spaces, dots or hyphens, as phone
/// numbers are written — that hold at least [`MASK_DIGITS`] digits. Regulation numbers
/// ("PP 94/2021", "UU 7 tahun 2017") stay.
fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, each separator followed by a digit.
        let (start, mut end, mut digits) = (i, i, 0);
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if matches!(chars[end], ' ' | '.' | '-')
                && chars.get(end + 1).is_some_and(char::is_ascii_digit)
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= MASK_DIGITS {
            out.push(MASK);
        } else {
            out.extend(&chars[start..end]);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_text_keeps_the_phrasing_and_masks_long_numbers() {
        assert_eq!(
            normalise("NIP saya 199001012015031002, PPPK blh  ikut kampanye gak??"),
            "nip saya <angka> pppk blh ikut kampanye gak"
        );
        assert_eq!(
            normalise("wa saya 0812-3456-7890 / +62 812 3456 7890, nik3201234567890001"),
            "wa saya <angka> <angka> nik <angka>"
        );
        assert_eq!(
            normalise("PP 94/2021 pasal 5, UU 7 tahun 2017 pasal 280 ayat 2"),
            "pp 94 2021 pasal 5 uu 7 tahun 2017 pasal 280 ayat 2"
        );
        assert_eq!(
            normalise("ＡＳＮ boleh？😀\tnge-like"),
            "asn boleh nge like"
        );
        assert_eq!(normalise(&"kata ".repeat(500)).chars().count(), 500);
        assert_eq!(normalise("\u{E000} 123"), "123");
    }

    #[test]
    fn asker_hash_depends_on_salt() {
        assert_eq!(asker_hash("a", "telegram:1").len(), 32);
        assert_ne!(asker_hash("a", "telegram:1"), asker_hash("b", "telegram:1"));
        assert_eq!(asker_hash("a", "telegram:1"), asker_hash("a", "telegram:1"));
    }
}

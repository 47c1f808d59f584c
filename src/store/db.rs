//! The SQLite backend: schema, batched writes, the curator queries and purge.

use super::batch::Batch;
use super::stats::Counts;
use super::{Backend, Event, Migrated, StoreError};
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

/// How long a connection waits for another one's write lock before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(1);

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
    /// The schema version the file had when it was opened (0: new).
    found_version: i64,
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
            .map(|salt| Ok((version, salt)))
        })()
        .map_err(err)?
        .map_err(|version| StoreError::Newer {
            place: path.display().to_string(),
            version,
        })?;
        let (found_version, salt) = salt;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            salt,
            found_version,
        })
    }

    /// The schema versions before and after opening (`netral db migrate` reports them).
    pub fn migrated(&self) -> Migrated {
        Migrated {
            from: self.found_version,
            to: SCHEMA_VERSION,
        }
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
        let batch = Batch::new(events, &self.salt);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO declined (at, platform, chat, question, out_of_scope, top_score, candidates)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for d in &batch.declined {
                stmt.execute(params![
                    d.at,
                    d.platform,
                    d.chat,
                    d.question,
                    d.out_of_scope,
                    d.top_score,
                    d.candidates
                ])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT INTO feedback (at, platform, answer_id, helpful) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for f in &batch.feedback {
                stmt.execute(params![f.at, f.platform, f.answer_id, f.helpful])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT INTO answer_count (day, platform, chat, entry_id, kind, answers)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (day, platform, chat, entry_id) DO UPDATE
                 SET answers = answers + excluded.answers",
            )?;
            for ((day, platform, chat, entry, kind), n) in &batch.answers {
                stmt.execute(params![day, platform, chat, entry, kind, n])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO asker_day (day, platform, asker_hash) VALUES (?1, ?2, ?3)",
            )?;
            for (day, platform, hash) in &batch.askers {
                stmt.execute(params![day, platform, hash])?;
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

    /// The raw figures since `since` (Unix seconds) for `netral stats`.
    pub fn counts(&self, since: i64) -> Result<Counts, StoreError> {
        self.counts_inner(since)
            .map_err(StoreError::sqlite(&self.path))
    }

    fn counts_inner(&self, since: i64) -> rusqlite::Result<Counts> {
        fn n(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<u64> {
            Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0).max(0) as u64)
        }
        let pairs = |sql: &str| -> rusqlite::Result<Vec<(String, u64)>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([since], |r| Ok((r.get(0)?, n(r, 1)?)))?;
            rows.collect()
        };
        let triples = |sql: &str| -> rusqlite::Result<Vec<(String, u64, u64)>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([since], |r| Ok((r.get(0)?, n(r, 1)?, n(r, 2)?)))?;
            rows.collect()
        };
        Ok(Counts {
            answered: pairs(
                "SELECT platform, SUM(answers) FROM answer_count
                 WHERE day >= date(?1, 'unixepoch') GROUP BY platform",
            )?,
            declined: triples(
                "SELECT platform, COUNT(*), SUM(out_of_scope IS NOT NULL) FROM declined
                 WHERE at >= ?1 GROUP BY platform",
            )?,
            askers: pairs(
                "SELECT platform, COUNT(DISTINCT asker_hash) FROM asker_day
                 WHERE day >= date(?1, 'unixepoch') GROUP BY platform",
            )?,
            feedback: triples(
                "SELECT platform, SUM(helpful), SUM(1 - helpful) FROM feedback
                 WHERE at >= ?1 GROUP BY platform",
            )?,
            entry_answers: pairs(
                "SELECT entry_id, SUM(answers) FROM answer_count
                 WHERE day >= date(?1, 'unixepoch') AND kind <> 'smalltalk' GROUP BY entry_id",
            )?,
            entry_feedback: triples(
                "SELECT answer_id, SUM(helpful), SUM(1 - helpful) FROM feedback
                 WHERE at >= ?1 GROUP BY answer_id",
            )?,
            distinct_askers: self.conn.query_row(
                "SELECT COUNT(*) FROM (SELECT DISTINCT platform, asker_hash FROM asker_day
                 WHERE day >= date(?1, 'unixepoch'))",
                [since],
                |r| n(r, 0),
            )?,
        })
    }
}

impl Backend for Store {
    fn write(&mut self, events: &[Event]) -> Result<(), StoreError> {
        Store::write(self, events)
    }

    fn declined(
        &mut self,
        since: i64,
        include_out_of_scope: bool,
    ) -> Result<Vec<DeclinedRow>, StoreError> {
        Store::declined(self, since, include_out_of_scope)
    }

    fn counts(&mut self, since: i64) -> Result<Counts, StoreError> {
        Store::counts(self, since)
    }

    /// Also overwrites the freed pages and shrinks the write-ahead log.
    fn purge(&mut self, before: i64) -> Result<Purged, StoreError> {
        Store::purge(self, before)
    }

    fn place(&self) -> String {
        self.path.display().to_string()
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

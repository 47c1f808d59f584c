//! The PostgreSQL backend, for several replicas writing to one database
//! (`NETRAL_DB=postgres://…`).
//!
//! It writes the same rows as the SQLite backend ([`super::batch`]), one transaction per
//! batch with one statement per table (`unnest` of arrays), counts as upserts that add up
//! (`ON CONFLICT … DO UPDATE SET answers = answers + excluded.answers`), so replicas never
//! coordinate. The salt lives in the database, made once, read by every replica: one asker
//! hashes alike everywhere. The blocking `postgres` client runs on the writer thread only; the
//! answering path never sees it.
//!
//! A lost connection is not fatal: the batch in hand is dropped (the recorder logs one warning
//! per outage), and the next batches reconnect with back-off (0.1 s doubling to 5 s). A
//! connection that went stale while idle (the server restarted) fails on `BEGIN`, before
//! anything was sent; that batch is retried once on a fresh connection, so nothing is lost
//! when the server comes back between two batches.

mod schema;
mod target;

pub use schema::SCHEMA_VERSION;
pub use target::PgTarget;

use super::batch::Batch;
use super::stats::Counts;
use super::{Backend, DeclinedRow, Event, Migrated, Purged, StoreError};
use postgres::{Client, Statement};
use std::time::{Duration, Instant};

/// The first wait after a failed connection; doubled after each failure up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(5);

/// A connection to the store's PostgreSQL database, reconnecting when it is lost.
pub struct PgStore {
    target: PgTarget,
    conn: Option<Conn>,
    /// The writer's session commits asynchronously (`synchronous_commit = off`).
    writer: bool,
    /// No connection attempt before this (back-off after a failure).
    next_attempt: Option<Instant>,
    delay: Duration,
    last_error: String,
    found_version: i64,
}

struct Conn {
    client: Client,
    salt: String,
    statements: Statements,
}

/// The writer's statements, prepared once per connection.
struct Statements {
    declined: Statement,
    feedback: Statement,
    answers: Statement,
    askers: Statement,
}

impl PgStore {
    /// The writer thread's store: it connects (and migrates) in [`Backend::prepare`] and
    /// reconnects by itself; nothing is attempted here.
    pub fn writer(target: PgTarget) -> PgStore {
        PgStore {
            target,
            conn: None,
            writer: true,
            next_attempt: None,
            delay: FIRST_RETRY,
            last_error: String::new(),
            found_version: 0,
        }
    }

    /// Connects now, creating or upgrading the schema (`netral db migrate`, tests).
    pub fn open(target: &PgTarget) -> Result<PgStore, StoreError> {
        let mut store = PgStore::writer(target.clone());
        store.writer = false;
        store.ensure()?;
        Ok(store)
    }

    /// Connects to a database a bot has written to (the curator commands): one with no
    /// netral tables is "nothing recorded yet", and nothing is created.
    pub fn open_existing(target: &PgTarget) -> Result<PgStore, StoreError> {
        let place = target.shown().to_string();
        let mut client = target.connect().map_err(|e| failed(&place, &e))?;
        match schema::found(&mut client).map_err(|e| failed(&place, &e))? {
            schema::Found::Nothing => Err(StoreError::NothingThere { place }),
            schema::Found::Version(v) if v > SCHEMA_VERSION => {
                Err(StoreError::Newer { place, version: v })
            }
            schema::Found::Version(v) if v < SCHEMA_VERSION => {
                Err(StoreError::Older { place, version: v })
            }
            schema::Found::Version(_) => {
                drop(client);
                PgStore::open(target)
            }
        }
    }

    /// The schema versions before and after connecting.
    pub fn migrated(&self) -> Migrated {
        Migrated {
            from: self.found_version,
            to: SCHEMA_VERSION,
        }
    }

    /// A connection, made now unless the last attempt failed too recently.
    fn ensure(&mut self) -> Result<&mut Conn, StoreError> {
        if self.conn.as_ref().is_some_and(|c| c.client.is_closed()) {
            self.conn = None;
        }
        if self.conn.is_none() {
            if let Some(next) = self.next_attempt
                && Instant::now() < next
            {
                return Err(StoreError::Postgres {
                    place: self.target.shown().to_string(),
                    message: format!("not connected ({}); trying again", self.last_error),
                });
            }
            match self.connect() {
                Ok(conn) => {
                    self.conn = Some(conn);
                    self.next_attempt = None;
                    self.delay = FIRST_RETRY;
                }
                Err(e) => {
                    self.next_attempt = Some(Instant::now() + self.delay);
                    self.delay = (self.delay * 2).min(MAX_RETRY);
                    self.last_error = match &e {
                        StoreError::Postgres { message, .. } => message.clone(),
                        other => other.to_string(),
                    };
                    return Err(e);
                }
            }
        }
        self.conn.as_mut().ok_or_else(|| StoreError::Postgres {
            place: self.target.shown().to_string(),
            message: "not connected".to_string(),
        })
    }

    fn connect(&mut self) -> Result<Conn, StoreError> {
        let place = self.target.shown().to_string();
        let err = |e: postgres::Error| failed(&place, &e);
        let mut client = self.target.connect().map_err(err)?;
        let from = schema::migrate(&mut client).map_err(err)?;
        if from > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                place,
                version: from,
            });
        }
        self.found_version = from;
        if self.writer {
            // A crash of the server may lose the last batches, never half of one: what the
            // SQLite store promises with `synchronous = NORMAL`, for less waiting per commit.
            client
                .batch_execute("SET synchronous_commit = off")
                .map_err(err)?;
        }
        let salt: String = client
            .query_one("SELECT value FROM meta WHERE key = 'salt'", &[])
            .map_err(err)?
            .get(0);
        let statements = Statements {
            declined: client
                .prepare(
                    "INSERT INTO declined (at, platform, chat, question, out_of_scope, top_score, candidates)
                     SELECT to_timestamp(a), p, c, q, o, s, j::jsonb
                     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                                 $6::float8[], $7::text[]) AS t(a, p, c, q, o, s, j)",
                )
                .map_err(err)?,
            feedback: client
                .prepare(
                    "INSERT INTO feedback (at, platform, answer_id, helpful)
                     SELECT to_timestamp(a), p, i, h
                     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::boolean[])
                          AS t(a, p, i, h)",
                )
                .map_err(err)?,
            answers: client
                .prepare(
                    "INSERT INTO answer_count (day, platform, chat, entry_id, kind, answers)
                     SELECT d::date, p, c, e, k, n
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                 $6::bigint[]) AS t(d, p, c, e, k, n)
                     ON CONFLICT (day, platform, chat, entry_id) DO UPDATE
                     SET answers = answer_count.answers + excluded.answers",
                )
                .map_err(err)?,
            askers: client
                .prepare(
                    "INSERT INTO asker_day (day, platform, asker_hash)
                     SELECT d::date, p, h FROM unnest($1::text[], $2::text[], $3::text[]) AS t(d, p, h)
                     ON CONFLICT DO NOTHING",
                )
                .map_err(err)?,
        };
        Ok(Conn {
            client,
            salt,
            statements,
        })
    }

    fn failed(&self, e: &postgres::Error) -> StoreError {
        failed(self.target.shown(), e)
    }
}

/// The store error for a client error, with the whole chain of causes on one line.
fn failed(place: &str, e: &postgres::Error) -> StoreError {
    StoreError::Postgres {
        place: place.to_string(),
        message: message(e),
    }
}

/// A client error and its causes on one line, any registered secret redacted.
fn message(e: &postgres::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    crate::secret::redact(&out.replace('\n', "; "))
}

/// Where a batch failed: before anything was sent (`BEGIN`), or later.
enum WriteError {
    Begin(postgres::Error),
    Later(postgres::Error),
}

fn write_batch(conn: &mut Conn, events: &[Event]) -> Result<(), WriteError> {
    let batch = Batch::new(events, &conn.salt);
    let st = &conn.statements;
    let mut tx = conn.client.transaction().map_err(WriteError::Begin)?;
    (|| {
        if !batch.declined.is_empty() {
            let d = &batch.declined;
            let at: Vec<i64> = d.iter().map(|r| r.at).collect();
            let platform: Vec<&str> = d.iter().map(|r| r.platform).collect();
            let chat: Vec<&str> = d.iter().map(|r| r.chat).collect();
            let question: Vec<&str> = d.iter().map(|r| r.question.as_str()).collect();
            let oos: Vec<Option<&str>> = d.iter().map(|r| r.out_of_scope).collect();
            let score: Vec<f64> = d.iter().map(|r| r.top_score).collect();
            let candidates: Vec<&str> = d.iter().map(|r| r.candidates.as_str()).collect();
            tx.execute(
                &st.declined,
                &[&at, &platform, &chat, &question, &oos, &score, &candidates],
            )?;
        }
        if !batch.feedback.is_empty() {
            let f = &batch.feedback;
            let at: Vec<i64> = f.iter().map(|r| r.at).collect();
            let platform: Vec<&str> = f.iter().map(|r| r.platform).collect();
            let id: Vec<&str> = f.iter().map(|r| r.answer_id.as_str()).collect();
            let helpful: Vec<bool> = f.iter().map(|r| r.helpful).collect();
            tx.execute(&st.feedback, &[&at, &platform, &id, &helpful])?;
        }
        if !batch.answers.is_empty() {
            let keys = || batch.answers.keys();
            let day: Vec<&str> = keys().map(|k| k.0.as_str()).collect();
            let platform: Vec<&str> = keys().map(|k| k.1).collect();
            let chat: Vec<&str> = keys().map(|k| k.2).collect();
            let entry: Vec<&str> = keys().map(|k| k.3).collect();
            let kind: Vec<&str> = keys().map(|k| k.4).collect();
            let n: Vec<i64> = batch.answers.values().copied().collect();
            tx.execute(&st.answers, &[&day, &platform, &chat, &entry, &kind, &n])?;
        }
        if !batch.askers.is_empty() {
            let a = &batch.askers;
            let day: Vec<&str> = a.iter().map(|k| k.0.as_str()).collect();
            let platform: Vec<&str> = a.iter().map(|k| k.1).collect();
            let hash: Vec<&str> = a.iter().map(|k| k.2.as_str()).collect();
            tx.execute(&st.askers, &[&day, &platform, &hash])?;
        }
        tx.commit()
    })()
    .map_err(WriteError::Later)
}

/// `to_timestamp` of a Unix time, as the UTC day: what SQLite's `date(?, 'unixepoch')` gives.
const UTC_DAY_OF: &str = "(to_timestamp($1::bigint) AT TIME ZONE 'UTC')::date";

impl Backend for PgStore {
    fn prepare(&mut self) -> Result<(), StoreError> {
        self.ensure().map(|_| ())
    }

    fn write(&mut self, events: &[Event]) -> Result<(), StoreError> {
        let was_connected = self.conn.is_some();
        let conn = self.ensure()?;
        match write_batch(conn, events) {
            Ok(()) => Ok(()),
            Err(WriteError::Begin(e)) if was_connected => {
                // Stale after a quiet spell (the server restarted or dropped us): nothing was
                // written, so one try on a fresh connection loses nothing.
                tracing::debug!("curator store: reconnecting ({})", message(&e));
                self.conn = None;
                self.next_attempt = None;
                let conn = self.ensure()?;
                write_batch(conn, events).map_err(|e| {
                    let e = match e {
                        WriteError::Begin(e) | WriteError::Later(e) => e,
                    };
                    self.conn = None;
                    self.failed(&e)
                })
            }
            Err(WriteError::Begin(e) | WriteError::Later(e)) => {
                // Whatever went wrong, the next batch starts on a fresh connection.
                self.conn = None;
                Err(self.failed(&e))
            }
        }
    }

    fn declined(
        &mut self,
        since: i64,
        include_out_of_scope: bool,
    ) -> Result<Vec<DeclinedRow>, StoreError> {
        let conn = self.ensure()?;
        let rows = conn.client.query(
            "SELECT extract(epoch FROM at)::bigint, platform, chat, question, out_of_scope,
                    top_score, candidates::text
             FROM declined
             WHERE at >= to_timestamp($1::bigint) AND ($2::boolean OR out_of_scope IS NULL)
             ORDER BY at, id",
            &[&since, &include_out_of_scope],
        );
        let rows = rows.map_err(|e| self.failed(&e))?;
        Ok(rows
            .iter()
            .map(|r| DeclinedRow {
                at: r.get(0),
                platform: r.get(1),
                chat: r.get(2),
                question: r.get(3),
                out_of_scope: r.get(4),
                top_score: r.get::<_, f64>(5) as f32,
                candidates: serde_json::from_str(r.get(6)).unwrap_or_default(),
            })
            .collect())
    }

    fn counts(&mut self, since: i64) -> Result<Counts, StoreError> {
        let conn = self.ensure()?;
        let client = &mut conn.client;
        let n = |v: i64| v.max(0) as u64;
        let result = (|| -> Result<Counts, postgres::Error> {
            let mut pairs = |sql: &str| -> Result<Vec<(String, u64)>, postgres::Error> {
                Ok(client
                    .query(sql, &[&since])?
                    .iter()
                    .map(|r| (r.get(0), n(r.get::<_, Option<i64>>(1).unwrap_or(0))))
                    .collect())
            };
            let answered = pairs(&format!(
                "SELECT platform, SUM(answers)::bigint FROM answer_count
                 WHERE day >= {UTC_DAY_OF} GROUP BY platform"
            ))?;
            let askers = pairs(&format!(
                "SELECT platform, COUNT(DISTINCT asker_hash) FROM asker_day
                 WHERE day >= {UTC_DAY_OF} GROUP BY platform"
            ))?;
            let entry_answers = pairs(&format!(
                "SELECT entry_id, SUM(answers)::bigint FROM answer_count
                 WHERE day >= {UTC_DAY_OF} AND kind <> 'smalltalk' GROUP BY entry_id"
            ))?;
            let mut triples = |sql: &str| -> Result<Vec<(String, u64, u64)>, postgres::Error> {
                Ok(client
                    .query(sql, &[&since])?
                    .iter()
                    .map(|r| (r.get(0), n(r.get(1)), n(r.get(2))))
                    .collect())
            };
            let declined = triples(
                "SELECT platform, COUNT(*), COUNT(out_of_scope) FROM declined
                 WHERE at >= to_timestamp($1::bigint) GROUP BY platform",
            )?;
            let feedback = triples(
                "SELECT platform, COUNT(*) FILTER (WHERE helpful), COUNT(*) FILTER (WHERE NOT helpful)
                 FROM feedback WHERE at >= to_timestamp($1::bigint) GROUP BY platform",
            )?;
            let entry_feedback = triples(
                "SELECT answer_id, COUNT(*) FILTER (WHERE helpful), COUNT(*) FILTER (WHERE NOT helpful)
                 FROM feedback WHERE at >= to_timestamp($1::bigint) GROUP BY answer_id",
            )?;
            let distinct_askers = n(client
                .query_one(
                    &format!(
                        "SELECT COUNT(*) FROM (SELECT DISTINCT platform, asker_hash FROM asker_day
                         WHERE day >= {UTC_DAY_OF}) AS t"
                    ),
                    &[&since],
                )?
                .get(0));
            Ok(Counts {
                answered,
                declined,
                askers,
                feedback,
                entry_answers,
                entry_feedback,
                distinct_askers,
            })
        })();
        result.map_err(|e| self.failed(&e))
    }

    /// Deletes the old rows in one transaction, then `VACUUM`s the tables so that the space
    /// is reused; the deleted text stays in the server's WAL, its backups and free space until
    /// they are overwritten (see the README's privacy note).
    fn purge(&mut self, before: i64) -> Result<Purged, StoreError> {
        let conn = self.ensure()?;
        let result = (|| -> Result<Purged, postgres::Error> {
            let mut tx = conn.client.transaction()?;
            let mut delete = |sql: &str| -> Result<usize, postgres::Error> {
                Ok(usize::try_from(tx.execute(sql, &[&before])?).unwrap_or(usize::MAX))
            };
            let purged = Purged {
                declined: delete("DELETE FROM declined WHERE at < to_timestamp($1::bigint)")?,
                feedback: delete("DELETE FROM feedback WHERE at < to_timestamp($1::bigint)")?,
                answer_days: delete(&format!(
                    "DELETE FROM answer_count WHERE day < {UTC_DAY_OF}"
                ))?,
                asker_days: delete(&format!("DELETE FROM asker_day WHERE day < {UTC_DAY_OF}"))?,
            };
            tx.commit()?;
            Ok(purged)
        })();
        let purged = result.map_err(|e| self.failed(&e))?;
        if let Some(conn) = self.conn.as_mut()
            && let Err(e) = conn
                .client
                .batch_execute("VACUUM declined, feedback, answer_count, asker_day")
        {
            tracing::warn!(
                "curator store: the rows are deleted, but VACUUM did not run ({}); autovacuum will reclaim them later",
                message(&e)
            );
        }
        Ok(purged)
    }

    fn place(&self) -> String {
        self.target.shown().to_string()
    }
}

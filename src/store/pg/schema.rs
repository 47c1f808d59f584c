//! The PostgreSQL schema and its migrations: numbered, each applied once, all under one
//! advisory lock so that replicas starting together (or `netral db migrate` beside them)
//! never race. The version lives in `meta` (`schema_version`); a replica whose schema is
//! already current only reads it, so it needs no right to create tables.

use postgres::GenericClient;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// An arbitrary constant for `pg_advisory_xact_lock`: "netral" in ASCII.
const MIGRATION_LOCK: i64 = 0x6e65_7472_616c;

/// Version 1: the SQLite store's five tables, with `timestamptz`, `date` and `jsonb` columns.
/// The privacy rule is the same: `declined` has no asker, `asker_day` no question and no time
/// finer than the day. The salt is made once, from the server's strong random source
/// (`gen_random_uuid`, PostgreSQL 13 or later), and shared by every replica.
const V1: &str = "
CREATE TABLE declined (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    platform     text NOT NULL,
    chat         text NOT NULL,
    question     text NOT NULL,
    out_of_scope text,
    top_score    double precision NOT NULL,
    candidates   jsonb NOT NULL
);
CREATE INDEX declined_at ON declined (at);
CREATE TABLE feedback (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    platform  text NOT NULL,
    answer_id text NOT NULL,
    helpful   boolean NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);
CREATE TABLE answer_count (
    day      date NOT NULL,
    platform text NOT NULL,
    chat     text NOT NULL,
    entry_id text NOT NULL,
    kind     text NOT NULL,
    answers  bigint NOT NULL,
    PRIMARY KEY (day, platform, chat, entry_id)
);
CREATE TABLE asker_day (
    day        date NOT NULL,
    platform   text NOT NULL,
    asker_hash text NOT NULL,
    PRIMARY KEY (day, platform, asker_hash)
);
INSERT INTO meta (key, value)
VALUES ('salt', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
ON CONFLICT (key) DO NOTHING;
";

/// Every migration, in order: (the version it brings the schema to, its SQL).
const MIGRATIONS: &[(i64, &str)] = &[(1, V1)];

/// What opening found about the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No `meta` table: nothing was ever written here.
    Nothing,
    /// This schema version.
    Version(i64),
}

/// The schema version in the database, without changing anything.
pub fn found(client: &mut impl GenericClient) -> Result<Found, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('meta') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(Found::Nothing);
    }
    let version = client
        .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])?
        .and_then(|r| r.get::<_, String>(0).parse().ok())
        .unwrap_or(0);
    Ok(Found::Version(version))
}

/// Brings the schema to [`SCHEMA_VERSION`]; returns the version found before (0: none).
/// A newer schema is left alone and returned as it is: the caller refuses it.
pub fn migrate(client: &mut postgres::Client) -> Result<i64, postgres::Error> {
    if let Found::Version(v) = found(client)?
        && v >= SCHEMA_VERSION
    {
        return Ok(v);
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL)",
    )?;
    // Again under the lock: another process may have migrated meanwhile.
    let before = match found(&mut tx)? {
        Found::Version(v) => v,
        Found::Nothing => 0,
    };
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > before) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&version.to_string()],
        )?;
    }
    tx.commit()?;
    Ok(before)
}

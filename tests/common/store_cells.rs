//! Every table, column and cell of a curator store — SQLite or PostgreSQL — as text, and the
//! privacy rule checked on them: what the privacy tests of both backends share.

use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::Path;

/// One table as the privacy check sees it.
#[derive(Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    /// Every non-null cell, as text.
    pub cells: Vec<String>,
}

/// The store's tables, in creation order.
pub fn tables(conn: &Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("the tables can be listed")
}

/// Every table of the SQLite store at `db`.
pub fn sqlite_tables(db: &Path) -> Vec<Table> {
    let conn = Connection::open(db).expect("the store opens");
    let mut out = Vec::new();
    for name in tables(&conn) {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {name}"))
            .expect("select");
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let n = stmt.column_count();
        let mut cells = Vec::new();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..n {
                cells.push(match row.get::<_, Value>(i).expect("cell") {
                    Value::Text(s) => s,
                    Value::Integer(v) => v.to_string(),
                    Value::Real(f) => f.to_string(),
                    Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
                    Value::Null => continue,
                });
            }
        }
        out.push(Table {
            name,
            columns,
            cells,
        });
    }
    out
}

/// Every table of the PostgreSQL database `client` is connected to (its current schema).
pub fn pg_tables(client: &mut postgres::Client) -> Vec<Table> {
    let names: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() ORDER BY table_name",
            &[],
        )
        .expect("the tables can be listed")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::new();
    for name in names {
        let columns: Vec<String> = client
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1
                 ORDER BY ordinal_position",
                &[&name],
            )
            .expect("columns")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut cells = Vec::new();
        for c in &columns {
            for row in client
                .query(&format!("SELECT \"{c}\"::text FROM {name}"), &[])
                .expect("cells")
            {
                if let Some(text) = row.get::<_, Option<String>>(0) {
                    cells.push(text);
                }
            }
        }
        out.push(Table {
            name,
            columns,
            cells,
        });
    }
    out
}

/// `(table, cell)` for every non-null cell of the SQLite store at `db`.
pub fn all_cells(db: &Path) -> Vec<(String, String)> {
    sqlite_tables(db)
        .into_iter()
        .flat_map(|t| {
            let name = t.name;
            t.cells.into_iter().map(move |c| (name.clone(), c))
        })
        .collect()
}

/// The ids the privacy scenario ([`PRIVACY_QUESTIONS`], [`PRIVACY_ASKERS`]) puts in front of
/// the store, which must never be found in it.
pub const SECRETS: &[&str] = &[
    "987654321",          // Telegram user id
    "123456789012345678", // Discord snowflake
    "199001012015031002", // a NIP typed in a question
    "081234567890",       // a phone number typed in a question
];

/// Questions with a NIP and a phone number in them (two declined, one answered).
pub const PRIVACY_QUESTIONS: &[&str] = &[
    "NIP saya 199001012015031002, asn buka usaha warung kopi boleh",
    "wa saya 0812-3456-7890 cuti melahirkan berapa lama",
    "bolehkah asn like postingan capres",
];

/// The asker keys each question is asked by.
pub const PRIVACY_ASKERS: &[&str] = &["telegram:987654321", "discord:123456789012345678"];

/// Puts the privacy scenario in front of `recorder`: every question by every asker, and a 👎.
pub fn record_privacy_scenario(
    engine: &netral::core::Engine,
    recorder: &dyn netral::core::record::Recorder,
) {
    use netral::core::record::{Asked, ChatKind, Feedback, Platform};
    for q in PRIVACY_QUESTIONS {
        let reply = engine.ask(q);
        for asker in PRIVACY_ASKERS {
            recorder.asked(&Asked {
                reply: &reply,
                platform: Platform::Telegram,
                chat: ChatKind::Group,
                asker: Some(asker),
                elapsed: std::time::Duration::ZERO,
            });
        }
    }
    recorder.feedback(&Feedback {
        answer_id: "medsos-interaksi",
        helpful: false,
        platform: Platform::Discord,
    });
}

/// The privacy rule on a store that recorded the privacy scenario: exactly the five known
/// tables (a new one must be looked at here first), no column named for a user, no table that
/// has both an asker and a question or time, and none of [`SECRETS`] nor an asker key in any
/// cell, even with the digits pulled out of their surroundings.
pub fn assert_private(tables: &[Table]) {
    let mut names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["answer_count", "asker_day", "declined", "feedback", "meta"],
        "the privacy rule covers these tables"
    );
    for t in tables {
        for c in &t.columns {
            for word in ["user", "name", "chat_id", "asker_id", "sender", "author"] {
                assert!(!c.contains(word), "column {}.{c}", t.name);
            }
        }
        // Whoever can tell who asked must not be able to tell what they asked.
        if t.columns.iter().any(|c| c.contains("asker")) {
            assert!(
                !t.columns.iter().any(|c| c == "question" || c == "at"),
                "{}: {:?}",
                t.name,
                t.columns
            );
        }
        for text in &t.cells {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            for s in SECRETS {
                assert!(
                    !text.contains(s) && !digits.contains(s),
                    "{}: {text}",
                    t.name
                );
            }
            assert!(
                !text.contains("telegram:") && !text.contains("discord:"),
                "{}: {text}",
                t.name
            );
        }
    }
    let cells: usize = tables.iter().map(|t| t.cells.len()).sum();
    assert!(cells > 30, "only {cells} cells: was the scenario recorded?");
    // The questions were kept, with the numbers masked: 2 declined questions × 2 askers.
    let declined = tables.iter().find(|t| t.name == "declined");
    let masked = declined.map_or(0, |t| {
        t.cells.iter().filter(|c| c.contains("<angka>")).count()
    });
    assert_eq!(masked, 4, "masked questions");
}

//! Every cell of every table of a curator store, as text: what the privacy tests search for
//! user ids, chat ids and names.

use rusqlite::Connection;
use rusqlite::types::Value;
use std::path::Path;

/// The store's tables, in creation order.
pub fn tables(conn: &Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("the tables can be listed")
}

/// `(table, cell)` for every non-null cell of the database at `db`.
pub fn all_cells(db: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(db).expect("the store opens");
    let mut out = Vec::new();
    for table in tables(&conn) {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table}"))
            .expect("select");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..n {
                let text = match row.get::<_, Value>(i).expect("cell") {
                    Value::Text(s) => s,
                    Value::Integer(v) => v.to_string(),
                    Value::Real(f) => f.to_string(),
                    Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
                    Value::Null => continue,
                };
                out.push((table.clone(), text));
            }
        }
    }
    out
}

//! The curator store: concurrent writers, a locked or broken database while answering, a kill
//! during writes, purge, the privacy rule, and what `netral review` / `netral stats` show.

// Shared with the adapter tests; this file uses only the store helpers.
#[allow(dead_code)]
mod common;

use netral::core::Engine;
use netral::core::record::{Asked, ChatKind, Feedback, Platform, Recorder};
use netral::store::{
    AskedEvent, Event, FeedbackEvent, Options, Outcome, SqliteRecorder, Store, now,
};
use rusqlite::Connection;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;

/// The fixture entries (`tests/fixtures/knowledge`) with the shipped settings and messages
/// beside them, assembled once per run under the target directory.
fn fixture() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("store-knowledge");
        let _ = std::fs::remove_dir_all(&dir);
        let copy = |from: &Path, to: &Path| {
            std::fs::create_dir_all(to).unwrap();
            for f in std::fs::read_dir(from).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "toml") {
                    std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
                }
            }
        };
        let shipped = root.join("knowledge");
        for f in ["matcher.toml", "categories.toml", "regulations.toml"] {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(shipped.join(f), dir.join(f)).unwrap();
        }
        copy(&shipped.join("messages"), &dir.join("messages"));
        let entries = root.join("tests/fixtures/knowledge");
        copy(&entries, &dir);
        copy(&entries.join("topics"), &dir.join("topics"));
        // The fixture's own classifier, so the engine uses it instead of training in memory
        // with a note on standard error.
        let kb = netral::knowledge::KnowledgeBase::from_dir(&dir).expect("fixture loads");
        let norm = netral::core::normalise::Normaliser::new(&kb.lexicon);
        let set = netral::core::intent::training_set(&kb, &norm);
        let model = netral::core::intent::IntentModel::train(&set, netral::core::intent_settings());
        std::fs::write(dir.join(netral::core::intent::MODEL_FILE), model.to_bytes()).unwrap();
        dir
    })
    .clone()
}

fn engine() -> Engine {
    Engine::from_dir(&fixture()).expect("the fixture knowledge loads")
}

fn netral(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_netral"));
    c.arg("--knowledge")
        .arg(fixture())
        .env("NETRAL_DB", db)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .env_remove("NETRAL_KNOWLEDGE");
    c
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// Suggestions recorded with a declined question.
const NEAR: &[(&str, f32)] = &[("saksi-tps", 0.3), ("kampanye-ikut", 0.2)];

fn declined(
    at: i64,
    platform: Platform,
    q: &str,
    near: &[(&str, f32)],
    oos: Option<&str>,
    asker: Option<&str>,
) -> Event {
    Event::Asked(AskedEvent {
        at,
        platform,
        chat: ChatKind::Group,
        asker: asker.map(str::to_string),
        outcome: Outcome::Declined {
            question: q.to_string(),
            out_of_scope: oos.map(str::to_string),
            top_score: 0.3,
            candidates: near.iter().map(|(id, s)| (id.to_string(), *s)).collect(),
        },
    })
}

fn answered(at: i64, platform: Platform, id: &str, asker: Option<&str>) -> Event {
    Event::Asked(AskedEvent {
        at,
        platform,
        chat: ChatKind::Private,
        asker: asker.map(str::to_string),
        outcome: Outcome::Answered {
            entry_id: id.to_string(),
            kind: if id == "sapaan" {
                netral::core::EntryKind::Smalltalk
            } else {
                netral::core::EntryKind::Topic
            },
        },
    })
}

fn vote(at: i64, platform: Platform, id: &str, helpful: bool) -> Event {
    Event::Feedback(FeedbackEvent {
        at,
        platform,
        answer_id: id.to_string(),
        helpful,
    })
}

/// Twelve threads over three recorders (three connections, like three processes) on one file:
/// every event arrives, once.
#[test]
fn many_concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/folder/netral.db");
    let engine = Arc::new(engine());
    let options = Options {
        capacity: 100_000,
        ..Options::default()
    };
    let recorders: Vec<Arc<SqliteRecorder>> = (0..3)
        .map(|_| Arc::new(SqliteRecorder::open_with(&db, options).unwrap()))
        .collect();
    let questions = [
        "bolehkah asn like postingan capres", // answered
        "cuti melahirkan berapa lama",        // declined, no suggestions
        "asn buka usaha warung kopi boleh",   // declined, with suggestions
    ];
    let (threads, per_thread) = (12, 150);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let r = Arc::clone(&recorders[t % 3]);
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    let reply = engine.ask(questions[i % 3]);
                    let asker = format!("telegram:{}", t * 1000 + i % 5);
                    r.asked(&Asked {
                        reply: &reply,
                        platform: Platform::Telegram,
                        chat: ChatKind::Group,
                        asker: Some(&asker),
                        elapsed: Duration::ZERO,
                    });
                    if i % 10 == 0 {
                        r.feedback(&Feedback {
                            answer_id: "medsos-interaksi",
                            helpful: i % 20 == 0,
                            platform: Platform::Telegram,
                        });
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    for r in &recorders {
        r.close();
        assert_eq!(r.warnings(), 0);
        assert_eq!(r.dropped(), 0);
    }
    let conn = Connection::open(&db).unwrap();
    let total = (threads * per_thread) as i64;
    assert_eq!(
        count(&conn, "SELECT SUM(answers) FROM answer_count"),
        total / 3
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM declined"), 2 * total / 3);
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM feedback"),
        (threads * per_thread.div_ceil(10)) as i64
    );
    // Suggestions stay with their question.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM declined WHERE question = 'asn buka usaha warung kopi boleh'
             AND candidates NOT LIKE '[[%'"
        ),
        0
    );
    assert_eq!(
        count(&conn, "SELECT COUNT(DISTINCT asker_hash) FROM asker_day"),
        (threads * 5) as i64
    );
}

/// Another process holds the write lock: every answer still comes at once, events are
/// dropped with one warning, and recording resumes when the lock goes.
#[test]
fn locked_database_keeps_answers_flowing_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    drop(Store::open(&db).unwrap());
    let locker = Connection::open(&db).unwrap();
    locker
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO meta VALUES ('lock', 'held');")
        .unwrap();

    let engine = engine();
    let recorder = SqliteRecorder::open_with(
        &db,
        Options {
            capacity: 64,
            ..Options::default()
        },
    )
    .unwrap();
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    let mut answered = 0;
    while started.elapsed() < Duration::from_millis(1_500) {
        let reply = engine.ask("asn buka usaha warung kopi boleh");
        let t = Instant::now();
        recorder.asked(&Asked {
            reply: &reply,
            platform: Platform::Discord,
            chat: ChatKind::Group,
            asker: None,
            elapsed: Duration::ZERO,
        });
        slowest = slowest.max(t.elapsed());
        answered += 1;
    }
    assert!(answered > 100, "only {answered} answers in 1.5 s");
    // The write lock waits up to a second; recording must never wait for it.
    assert!(slowest < Duration::from_millis(50), "slowest: {slowest:?}");
    assert!(recorder.dropped() > 0);
    assert_eq!(recorder.warnings(), 1);

    locker.execute_batch("ROLLBACK").unwrap();
    let resumed = "SELECT COUNT(*) FROM declined WHERE question = 'cuti melahirkan berapa lama'";
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = engine.ask("cuti melahirkan berapa lama");
        recorder.asked(&Asked {
            reply: &reply,
            platform: Platform::Discord,
            chat: ChatKind::Group,
            asker: None,
            elapsed: Duration::ZERO,
        });
        std::thread::sleep(Duration::from_millis(20));
        if count(&locker, resumed) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "recording did not resume");
    }
    recorder.close();
    assert_eq!(recorder.warnings(), 1);
}

/// The real binary against a locked database: all answers, exit 0, exactly one warning.
#[test]
fn ask_with_a_locked_database_answers_everything_and_warns_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    drop(Store::open(&db).unwrap());
    let locker = Connection::open(&db).unwrap();
    locker
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO meta VALUES ('lock', 'held');")
        .unwrap();

    let input: String = (0..300)
        .map(|i| format!("asn buka usaha warung kopi boleh {i}\n"))
        .collect();
    let started = Instant::now();
    let mut child = netral(&db)
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let elapsed = started.elapsed();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 300);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(warnings.len(), 1, "stderr: {stderr}");
    assert!(warnings[0].contains("curator store"), "{}", warnings[0]);
    // The exit waits for the writer a bounded time (lock wait 1 s + close 3 s at most).
    assert!(elapsed < Duration::from_secs(8), "took {elapsed:?}");
    drop(locker);
}

/// A file that is not a database: answers as usual, one warning, nothing recorded.
#[test]
fn broken_database_falls_back_to_recording_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    std::fs::write(&db, vec![b'x'; 8192]).unwrap();
    let out = netral(&db)
        .args(["ask", "--json", "bolehkah asn like postingan capres"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "medsos-interaksi");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("WARN")).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("cannot open"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), vec![b'x'; 8192]);
}

/// `NETRAL_DB=off` records nothing and creates no file.
#[test]
fn recording_can_be_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let out = netral(Path::new("off"))
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .args(["ask", "--json", "cuti melahirkan berapa lama"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let review = netral(Path::new("off")).arg("review").output().unwrap();
    assert!(!review.status.success());
    assert!(String::from_utf8_lossy(&review.stderr).contains("recording is off"));
}

/// A database URL this build cannot use is one line and exit 2 — not a folder named `postgres:`,
/// and never the password.
#[test]
fn a_database_url_is_refused_in_one_line_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "postgres://netral:hunter2@127.0.0.1:5432/netral",
        "mysql://root:hunter2@db/netral",
    ] {
        for args in [
            &["ask", "cuti melahirkan berapa lama"][..],
            &["stats"],
            &["serve"],
        ] {
            let out = netral(Path::new(url))
                .current_dir(dir.path())
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
            assert!(stderr.contains("NETRAL_DB"), "{stderr}");
            assert!(!stderr.contains("hunter2"), "{stderr}");
            assert!(out.stdout.is_empty());
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// `netral ask` records through the same interface, and the queue is written before exit.
#[test]
fn ask_records_before_it_exits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let out = netral(&db)
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(
                b"bolehkah asn like postingan capres\ncuti melahirkan berapa lama\n\n",
            )?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    let conn = Connection::open(&db).unwrap();
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM declined WHERE platform = 'cli' AND chat = 'private'"
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT answers FROM answer_count WHERE entry_id = 'medsos-interaksi'"
        ),
        1
    );
}

/// The REPL records questions (not its `:` commands) through the same interface.
#[test]
fn repl_records_questions_but_not_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let mut child = netral(&db)
        .arg("repl")
        .env("XDG_DATA_HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b":explain cuti melahirkan berapa lama\ncuti melahirkan berapa lama\nbolehkah asn like postingan capres\n:quit\n",
        )
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let conn = Connection::open(&db).unwrap();
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM declined WHERE platform = 'cli' AND chat = 'private'"
        ),
        1
    );
    assert_eq!(count(&conn, "SELECT SUM(answers) FROM answer_count"), 1);
}

/// Killed (SIGKILL) in the middle of writing: the file is intact and every row that was
/// committed before the kill is still there, whole.
#[test]
fn kill_during_writes_keeps_committed_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    drop(Store::open(&db).unwrap());
    let mut child = netral(&db)
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for i in 0.. {
            let line = format!("asn buka usaha warung kopi boleh {}\n", i % 1000);
            if stdin.write_all(line.as_bytes()).is_err() {
                break; // killed
            }
        }
    });
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || BufReader::new(stdout).lines().count());

    let conn = Connection::open(&db).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let committed = loop {
        let n = count(&conn, "SELECT COUNT(*) FROM declined");
        if n >= 300 {
            break n;
        }
        assert!(Instant::now() < deadline, "only {n} rows committed in time");
        std::thread::sleep(Duration::from_millis(10));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    feeder.join().unwrap();
    let answered = reader.join().unwrap();
    drop(conn);

    let store = Store::open(&db).unwrap();
    let conn = store.connection();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let after = count(conn, "SELECT COUNT(*) FROM declined");
    assert!(
        after >= committed,
        "{after} rows after the kill, {committed} before"
    );
    assert!(after <= answered as i64 + 1);
    // Every row is whole: its question and its suggestions.

    assert_eq!(
        count(
            conn,
            "SELECT COUNT(*) FROM declined
             WHERE question NOT LIKE 'asn buka usaha warung kopi boleh%'
                OR json_array_length(candidates) < 1"
        ),
        0
    );
}

/// Purge removes old rows (and their text from the file), keeps the rest.
#[test]
fn purge_removes_old_rows_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let t = now();
    let mut store = Store::open(&db).unwrap();
    store
        .write(&[
            declined(
                t - 100 * DAY,
                Platform::Telegram,
                "pertanyaan lama sekali xyzzy",
                NEAR,
                None,
                Some("telegram:1"),
            ),
            answered(
                t - 100 * DAY,
                Platform::Telegram,
                "medsos-interaksi",
                Some("telegram:1"),
            ),
            vote(t - 100 * DAY, Platform::Telegram, "medsos-interaksi", false),
            declined(
                t - 10 * DAY,
                Platform::Telegram,
                "pertanyaan baru",
                NEAR,
                None,
                Some("telegram:1"),
            ),
            answered(
                t - 10 * DAY,
                Platform::Discord,
                "saksi-tps",
                Some("discord:2"),
            ),
            vote(t - 10 * DAY, Platform::Discord, "saksi-tps", true),
        ])
        .unwrap();
    drop(store);

    let out = netral(&db)
        .args(["review", "purge", "--older-than", "90d"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(
            "1 declined question(s), 1 👍/👎, 1 daily answer count(s), 1 daily asker count(s)"
        ),
        "{said}"
    );

    let conn = Connection::open(&db).unwrap();
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM declined"), 1);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM feedback"), 1);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM answer_count"), 1);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM asker_day"), 2);
    drop(conn);
    // secure_delete and the checkpoint leave no trace of the purged text on disk.
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        assert!(!bytes.windows(5).any(|w| w == b"xyzzy"));
    }

    let bad = netral(&db)
        .args(["review", "purge", "--older-than", "90"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown unit"));
}

/// No user names, ids or chat ids anywhere: every column of every table is inspected.
#[test]
fn no_user_identifiers_in_any_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let engine = engine();
    let secrets = [
        "987654321",          // Telegram user id
        "123456789012345678", // Discord snowflake
        "199001012015031002", // a NIP typed in a question
        "081234567890",       // a phone number typed in a question
    ];
    {
        let recorder = SqliteRecorder::open(&db).unwrap();
        for q in [
            "NIP saya 199001012015031002, asn buka usaha warung kopi boleh",
            "wa saya 0812-3456-7890 cuti melahirkan berapa lama",
            "bolehkah asn like postingan capres",
        ] {
            let reply = engine.ask(q);
            for asker in ["telegram:987654321", "discord:123456789012345678"] {
                recorder.asked(&Asked {
                    reply: &reply,
                    platform: Platform::Telegram,
                    chat: ChatKind::Group,
                    asker: Some(asker),
                    elapsed: Duration::ZERO,
                });
            }
        }
        recorder.feedback(&Feedback {
            answer_id: "medsos-interaksi",
            helpful: false,
            platform: Platform::Discord,
        });
    }

    let conn = Connection::open(&db).unwrap();
    let tables = common::store_cells::tables(&conn);
    // A new table must be looked at here before it is added.
    assert_eq!(
        tables,
        ["meta", "declined", "feedback", "answer_count", "asker_day"],
        "the privacy rule covers these tables"
    );
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for c in &columns {
            for word in ["user", "name", "chat_id", "asker_id", "sender", "author"] {
                assert!(!c.contains(word), "column {table}.{c}");
            }
        }
        // Whoever can tell who asked must not be able to tell what they asked.
        if columns.iter().any(|c| c.contains("asker")) {
            assert!(
                !columns.iter().any(|c| c == "question" || c == "at"),
                "{table}: {columns:?}"
            );
        }
    }
    let all = common::store_cells::all_cells(&db);
    let cells = all.len();
    for (table, text) in &all {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        for s in secrets {
            assert!(!text.contains(s) && !digits.contains(s), "{table}: {text}");
        }
        assert!(
            !text.contains("telegram:") && !text.contains("discord:"),
            "{table}: {text}"
        );
    }
    assert!(cells > 30);
    // The questions were kept, with the numbers masked.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM declined WHERE question LIKE '%<angka>%'"
        ),
        4
    );
    // Two askers counted; the same asker hashes differently in another database.
    assert_eq!(
        count(&conn, "SELECT COUNT(DISTINCT asker_hash) FROM asker_day"),
        2
    );
    let hash: String = conn
        .query_row("SELECT MIN(asker_hash) FROM asker_day", [], |r| r.get(0))
        .unwrap();
    let other = dir.path().join("other.db");
    {
        let mut s = Store::open(&other).unwrap();
        s.write(&[answered(
            now(),
            Platform::Telegram,
            "saksi-tps",
            Some("telegram:987654321"),
        )])
        .unwrap();
        s.write(&[answered(
            now(),
            Platform::Discord,
            "saksi-tps",
            Some("discord:123456789012345678"),
        )])
        .unwrap();
    }
    let other = Connection::open(&other).unwrap();
    let hashes: Vec<String> = other
        .prepare("SELECT asker_hash FROM asker_day")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 2);
    assert!(!hashes.contains(&hash));
}

/// A scripted month: what `netral review` (text and TSV) and `netral stats` show a curator.
#[test]
fn review_and_stats_on_a_scripted_period() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("netral.db");
    let t = now() - 3_600;
    use Platform::{Cli, Discord, Telegram};
    let mut events = vec![
        // Forty days ago: in `review`, not in `stats --since 30d`.
        declined(
            t - 40 * DAY,
            Telegram,
            "ASN boleh pasang baliho di rumah?",
            NEAR,
            None,
            Some("telegram:9"),
        ),
        answered(t - 40 * DAY, Telegram, "kampanye-ikut", Some("telegram:9")),
        vote(t - 40 * DAY, Telegram, "kampanye-ikut", false),
        // One group asked five ways on three platforms.
        declined(
            t - 3 * DAY,
            Telegram,
            "bolehkah asn jadi pengurus koperasi",
            NEAR,
            None,
            Some("telegram:1"),
        ),
        declined(
            t - 2 * DAY,
            Telegram,
            "Bolehkah ASN jadi pengurus koperasi??",
            NEAR,
            None,
            Some("telegram:2"),
        ),
        declined(
            t - DAY,
            Telegram,
            "bolehkah asn jadi pengurus koperasi",
            NEAR,
            None,
            Some("telegram:3"),
        ),
        declined(
            t - DAY,
            Discord,
            "asn jadi pengurus koperasi boleh",
            NEAR,
            None,
            Some("discord:1"),
        ),
        declined(t, Cli, "pengurus koperasi asn", NEAR, None, None),
        // Another group.
        declined(
            t - 5 * DAY,
            Telegram,
            "cuti melahirkan berapa lama",
            &[],
            None,
            Some("telegram:1"),
        ),
        declined(
            t,
            Discord,
            "berapa lama cuti melahirkan",
            &[],
            None,
            Some("discord:2"),
        ),
        // Out of scope on purpose: only with --out-of-scope.
        declined(
            t,
            Telegram,
            "gaji pppk naik kapan",
            &[],
            Some("gaji-tunjangan"),
            Some("telegram:4"),
        ),
    ];
    for i in 0..5 {
        events.push(answered(
            t - i * DAY,
            Telegram,
            "medsos-interaksi",
            Some("telegram:1"),
        ));
    }
    events.push(answered(t, Discord, "saksi-tps", Some("discord:1")));
    events.push(answered(t, Discord, "saksi-tps", Some("discord:1")));
    events.push(answered(t, Telegram, "sapaan", Some("telegram:5")));
    events.push(vote(t, Telegram, "medsos-interaksi", true));
    events.push(vote(t, Telegram, "medsos-interaksi", true));
    events.push(vote(t, Discord, "medsos-interaksi", false));
    events.push(vote(t, Discord, "saksi-tps", false));
    events.push(vote(t, Discord, "saksi-tps", false));
    Store::open(&db).unwrap().write(&events).unwrap();

    let run = |args: &[&str]| {
        let out = netral(&db).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };

    let review = run(&["review"]);
    assert!(
        review.starts_with("8 declined question(s) since the store was created, in 3 group(s):"),
        "{review}"
    );
    let groups: Vec<&str> = review.split("\n\n").skip(1).collect();
    assert_eq!(groups.len(), 3, "{review}");
    assert!(groups[0].contains("5×"), "{review}");
    assert!(
        groups[0].contains("(cli 1, discord 1, telegram 3)"),
        "{review}"
    );
    assert!(
        groups[0].contains("bolehkah asn jadi pengurus koperasi  (3×)"),
        "{review}"
    );
    assert!(groups[0].contains("pengurus koperasi asn"), "{review}");
    assert!(groups[0].contains("likely entry: "), "{review}");
    assert!(
        groups[1].contains("2×") && groups[1].contains("berapa lama cuti melahirkan"),
        "{review}"
    );
    assert!(
        groups[2].contains("asn boleh pasang baliho di rumah"),
        "{review}"
    );
    assert!(!review.contains("gaji"), "{review}");
    let first = netral::store::day(t - 3 * DAY);
    let last = netral::store::day(t);
    assert!(groups[0].contains(&format!("{first} … {last}")), "{review}");

    let recent = run(&["review", "--since", "30d", "--out-of-scope"]);
    assert!(!recent.contains("baliho"), "{recent}");
    assert!(
        recent.contains("declined as out of scope (gaji-tunjangan)"),
        "{recent}"
    );

    let tsv = run(&["review", "--tsv"]);
    let cases = netral::cli::eval::parse(&tsv).expect("the TSV reads as an eval file");
    assert_eq!(cases.len(), 6, "{tsv}");
    let koperasi: Vec<_> = cases
        .iter()
        .filter(|c| c.question.contains("koperasi"))
        .collect();
    assert_eq!(koperasi.len(), 3);
    assert!(
        koperasi
            .iter()
            .all(|c| c.accepted == koperasi[0].accepted && c.accepted.len() == 1)
    );
    let cuti: Vec<_> = cases
        .iter()
        .filter(|c| c.question.contains("cuti"))
        .collect();
    assert!(cuti.iter().all(|c| c.accepted.is_empty()), "{tsv}");
    assert!(
        tsv.lines()
            .next()
            .unwrap()
            .starts_with("# netral review --tsv")
    );

    let stats = run(&["stats", "--since", "30d"]);
    assert!(stats.contains("questions            16"), "{stats}");
    assert!(
        stats.contains("answered              8   50.0 %"),
        "{stats}"
    );
    assert!(
        stats.contains("declined              8   (1 of them out of scope)"),
        "{stats}"
    );
    assert!(stats.contains("distinct askers       7"), "{stats}");
    assert!(
        stats.contains("  telegram            6         5      54.5 %        5     2     0"),
        "{stats}"
    );
    assert!(
        stats.contains("  discord             2         2      50.0 %        2     0     3"),
        "{stats}"
    );
    assert!(
        stats.contains("  medsos-interaksi                         5     2     1"),
        "{stats}"
    );
    assert!(
        stats.contains("  saksi-tps                                2     0     2"),
        "{stats}"
    );
    assert!(
        !stats.contains("sapaan") && !stats.contains("kampanye-ikut"),
        "{stats}"
    );
    let worst = stats.split("Most 👎").nth(1).expect("a most-👎 list");
    assert!(
        worst.find("saksi-tps") < worst.find("medsos-interaksi"),
        "{stats}"
    );

    let all = run(&["stats", "--since", "all", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(v["answered"], 9);
    assert_eq!(v["declined"], 9);
    assert_eq!(v["unhelpful"], 4);
}

/// `netral --help` names the variable and prints the default file.
#[test]
fn help_shows_where_the_store_is() {
    let out = Command::new(env!("CARGO_BIN_EXE_netral"))
        .arg("--help")
        .env("HOME", "/home/somebody")
        .env("XDG_DATA_HOME", "/data/somebody")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("NETRAL_DB"), "{help}");
    assert!(help.contains("`off` records nothing"), "{help}");
    let default = netral::store::default_path().unwrap();
    let expected = if cfg!(target_os = "linux") {
        PathBuf::from("/data/somebody/netral/netral.db")
    } else {
        default
    };
    assert!(help.contains(&expected.display().to_string()), "{help}");
    assert!(help.contains("review") && help.contains("stats"), "{help}");
}

#[test]
fn review_without_a_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = netral(&dir.path().join("none.db"))
        .arg("review")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing recorded yet"));
    assert!(!dir.path().join("none.db").exists());
}

//! The curator store on PostgreSQL, against a real throwaway server each test starts
//! (`common::pg`): two processes writing at once, a server restart mid-run, the privacy rule
//! and the shared salt, purge, `review` and `stats` through it, `netral db migrate`, and what
//! an operator sees with a wrong or unreachable URL. Without a PostgreSQL server binary the
//! server tests print SKIPPED and pass; `.ci/run` installs one.

#[allow(dead_code)]
mod common;

use common::pg::{PASSWORD, PgServer};
use common::store_cells;
use common::store_script::{
    DAY, NEAR, answered, check_scripted_period, declined, engine, netral, scripted_end,
    scripted_period, vote,
};
use netral::core::record::{Asked, ChatKind, Platform, Recorder};
use netral::store::{Backend, Options, PgStore, PgTarget, StoreRecorder, now};
use std::io::Write;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

fn count(client: &mut postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).expect(sql).get(0)
}

fn target(url: &str) -> PgTarget {
    PgTarget::parse(url).expect("the test server's URL reads")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `netral` on the database at `url`, expecting success; standard output.
fn run(url: &str, args: &[&str]) -> String {
    let out = netral(url).args(args).output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{args:?}: {err}");
    assert!(!err.contains(PASSWORD), "{err}");
    String::from_utf8(out.stdout).unwrap()
}

/// Asks one question through `recorder` as the Telegram adapter would.
fn ask(recorder: &dyn Recorder, engine: &netral::core::Engine, question: &str) {
    let reply = engine.ask(question);
    recorder.asked(&Asked {
        reply: &reply,
        platform: Platform::Telegram,
        chat: ChatKind::Group,
        asker: None,
        elapsed: Duration::ZERO,
    });
}

/// Two `netral ask` processes, started together on an empty database (both migrate it at
/// once), fed questions for about two seconds so that their batches interleave: every
/// answer and every declined question is counted, exactly, and `netral stats` says so.
#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.url();
    let per_process = 1_200;
    let children: Vec<_> = (0..2)
        .map(|_| {
            netral(&url)
                .args(["ask", "--json"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let children: Vec<_> = children
        .into_iter()
        .map(|mut child| {
            let mut stdin = child.stdin.take().unwrap();
            let feeder = std::thread::spawn(move || {
                for i in 0..per_process {
                    let q = if i % 2 == 0 {
                        "bolehkah asn like postingan capres\n"
                    } else {
                        "cuti melahirkan berapa lama\n"
                    };
                    stdin.write_all(q.as_bytes()).unwrap();
                    if i % 60 == 59 {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            });
            (child, feeder)
        })
        .collect();
    for (child, feeder) in children {
        feeder.join().unwrap();
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            per_process
        );
        assert!(!err.contains("WARN"), "{err}");
    }
    let mut client = pg.client("netral");
    assert_eq!(
        count(
            &mut client,
            "SELECT SUM(answers)::bigint FROM answer_count WHERE entry_id = 'medsos-interaksi'"
        ),
        per_process as i64
    );
    assert_eq!(
        count(&mut client, "SELECT COUNT(*) FROM answer_count"),
        1,
        "both processes add up in one row"
    );
    assert_eq!(
        count(
            &mut client,
            "SELECT COUNT(*) FROM declined WHERE question = 'cuti melahirkan berapa lama'"
        ),
        per_process as i64
    );
    let stats: serde_json::Value =
        serde_json::from_str(&run(&url, &["stats", "--since", "all", "--json"])).unwrap();
    assert_eq!(stats["answered"], per_process);
    assert_eq!(stats["declined"], per_process);
}

/// The server stops in the middle of a run and comes back: answering never waits, what was
/// asked during the outage is dropped with exactly one warning, and every question after the
/// store reconnects is recorded.
#[test]
fn a_server_restart_mid_run_drops_only_the_outage_with_one_warning() {
    let Some(mut pg) = PgServer::start() else {
        return;
    };
    let engine = engine();
    // The schema first, so that the test can count rows from the start.
    drop(PgStore::open(&target(&pg.url())).unwrap());
    let recorder = StoreRecorder::open_postgres(&target(&pg.url()), Options::default()).unwrap();
    let mut client = pg.client("netral");
    let rows = |client: &mut postgres::Client, word: &str| {
        count(
            client,
            &format!("SELECT COUNT(*) FROM declined WHERE question LIKE '% {word}'"),
        )
    };
    let wait_for = |client: &mut postgres::Client, word: &str, n: i64| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while rows(client, word) < n {
            assert!(Instant::now() < deadline, "`{word}` rows did not arrive");
            std::thread::sleep(Duration::from_millis(20));
        }
    };

    for _ in 0..200 {
        ask(&recorder, &engine, "cuti melahirkan berapa lama sebelum");
    }
    wait_for(&mut client, "sebelum", 200);
    drop(client);

    pg.stop();
    let mut slowest = Duration::ZERO;
    for _ in 0..300 {
        let t = Instant::now();
        ask(&recorder, &engine, "cuti melahirkan berapa lama selama");
        slowest = slowest.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(3));
    }
    assert!(slowest < Duration::from_millis(50), "slowest: {slowest:?}");
    // Let the writer give up on the outage's events before the server is back.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(recorder.dropped(), 300);
    assert_eq!(recorder.warnings(), 1);

    pg.start_again();
    let mut client = pg.client("netral");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut probes = 0;
    while rows(&mut client, "probe") == 0 {
        assert!(Instant::now() < deadline, "recording did not resume");
        ask(&recorder, &engine, "cuti melahirkan berapa lama probe");
        probes += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    for _ in 0..200 {
        ask(&recorder, &engine, "cuti melahirkan berapa lama sesudah");
    }
    recorder.close();

    assert_eq!(rows(&mut client, "sebelum"), 200);
    assert_eq!(rows(&mut client, "selama"), 0);
    assert_eq!(
        rows(&mut client, "sesudah"),
        200,
        "none lost after the restart"
    );
    assert_eq!(recorder.warnings(), 1);
    assert_eq!(
        recorder.written() + recorder.dropped(),
        200 + 300 + probes + 200
    );
    assert_eq!(
        count(&mut client, "SELECT COUNT(*) FROM declined"),
        recorder.written() as i64
    );
}

/// The privacy rule of the SQLite store, checked the same way on PostgreSQL; and two
/// replicas (two recorders, two connections) share the salt: each asker is one hash, counted
/// once, while another database hashes the same asker differently.
#[test]
fn no_user_identifiers_and_replicas_share_the_salt() {
    let Some(pg) = PgServer::start() else { return };
    let engine = engine();
    let replica = || StoreRecorder::open_postgres(&target(&pg.url()), Options::default()).unwrap();
    let first = replica();
    store_cells::record_privacy_scenario(&engine, &first);
    first.close();
    assert_eq!((first.dropped(), first.warnings()), (0, 0));
    let mut client = pg.client("netral");
    store_cells::assert_private(&store_cells::pg_tables(&mut client));

    // A second replica, its own connection, the same askers.
    let second = replica();
    store_cells::record_privacy_scenario(&engine, &second);
    second.close();
    assert_eq!((second.dropped(), second.warnings()), (0, 0));
    assert_eq!(count(&mut client, "SELECT COUNT(*) FROM asker_day"), 2);
    assert_eq!(
        count(&mut client, "SELECT SUM(answers)::bigint FROM answer_count"),
        4,
        "2 replicas × 2 askers, added up"
    );
    let hash: String = client
        .query_one("SELECT MIN(asker_hash) FROM asker_day", &[])
        .unwrap()
        .get(0);
    let other = pg.create_database("other");
    let mut store = PgStore::open(&target(&other)).unwrap();
    store
        .write(&[answered(
            now(),
            Platform::Telegram,
            "saksi-tps",
            Some("telegram:987654321"),
        )])
        .unwrap();
    let mut other = pg.client("other");
    let theirs: String = other
        .query_one("SELECT asker_hash FROM asker_day", &[])
        .unwrap()
        .get(0);
    assert_ne!(theirs, hash);
    assert_ne!(
        other
            .query_one("SELECT value FROM meta WHERE key = 'salt'", &[])
            .unwrap()
            .get::<_, String>(0),
        client
            .query_one("SELECT value FROM meta WHERE key = 'salt'", &[])
            .unwrap()
            .get::<_, String>(0)
    );
}

/// `netral review purge --older-than 90d` removes exactly the old rows of every table, says
/// what it removed and where, and never prints the password.
#[test]
fn purge_removes_old_rows_only() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.url();
    let t = now();
    PgStore::open(&target(&url))
        .unwrap()
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

    let said = run(&url, &["review", "purge", "--older-than", "90d"]);
    assert!(
        said.contains(&format!(
            "Deleted from PostgreSQL netral@{}/netral",
            url.split('@').nth(1).unwrap().split('/').next().unwrap()
        )),
        "{said}"
    );
    assert!(
        said.contains(
            "1 declined question(s), 1 👍/👎, 1 daily answer count(s), 1 daily asker count(s)"
        ),
        "{said}"
    );
    let mut client = pg.client("netral");
    assert_eq!(count(&mut client, "SELECT COUNT(*) FROM declined"), 1);
    assert_eq!(
        count(
            &mut client,
            "SELECT COUNT(*) FROM declined WHERE question LIKE '%xyzzy%'"
        ),
        0
    );
    assert_eq!(count(&mut client, "SELECT COUNT(*) FROM feedback"), 1);
    assert_eq!(count(&mut client, "SELECT COUNT(*) FROM answer_count"), 1);
    assert_eq!(count(&mut client, "SELECT COUNT(*) FROM asker_day"), 2);
    // Purging again finds nothing more.
    let again = run(&url, &["review", "purge", "--older-than", "90d"]);
    assert!(again.contains("0 declined question(s), 0 👍/👎"), "{again}");
}

/// The scripted month of the SQLite test, written to PostgreSQL: `netral review` and
/// `netral stats` read through it and show the curator the same.
#[test]
fn review_and_stats_read_through_postgres() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.url();
    let t = scripted_end();
    PgStore::open(&target(&url))
        .unwrap()
        .write(&scripted_period(t))
        .unwrap();
    check_scripted_period(t, |args| run(&url, args));
}

/// `netral db migrate` creates the schema once and is safe to run again; before it (or a
/// bot) ran, the curator commands say there is nothing yet rather than create tables; a
/// database written by a newer netral is refused by the curators, and a bot on it still
/// answers.
#[test]
fn migrate_is_idempotent_and_a_newer_schema_is_refused() {
    let Some(pg) = PgServer::start() else { return };
    let url = pg.url();
    let out = netral(&url).args(["stats"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing recorded yet"),
        "{}",
        stderr(&out)
    );
    let mut client = pg.client("netral");
    assert_eq!(
        count(
            &mut client,
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ),
        0
    );

    let first = run(&url, &["db", "migrate"]);
    assert!(first.contains("created, schema version 1"), "{first}");
    let again = run(&url, &["db", "migrate"]);
    assert!(
        again.contains("schema version 1, already up to date"),
        "{again}"
    );
    assert!(run(&url, &["stats"]).starts_with("Nothing recorded"));

    client
        .batch_execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        .unwrap();
    let out = netral(&url).args(["stats"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("written by a newer netral (schema version 99)"),
        "{}",
        stderr(&out)
    );
    let out = netral(&url)
        .args(["ask", "--json", "bolehkah asn like postingan capres"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("medsos-interaksi"));
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("WARN"))
        .map(str::to_string)
        .collect();
    assert_eq!(warnings.len(), 1, "{}", stderr(&out));
    assert!(warnings[0].contains("newer netral"), "{warnings:?}");
}

/// Nothing listens at the URL: `netral ask` answers every question and warns once, and
/// `netral stats` fails in one line naming the server — neither shows the password.
#[test]
fn an_unreachable_server_warns_once_and_keeps_answering() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://netral:{PASSWORD}@127.0.0.1:{port}/netral");
    let started = Instant::now();
    let mut child = netral(&url)
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = (0..50).map(|i| format!("cuti melahirkan {i}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 50);
    assert_eq!(
        err.lines().filter(|l| l.contains("WARN")).count(),
        1,
        "{err}"
    );
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(!err.contains(PASSWORD), "{err}");
    assert!(started.elapsed() < Duration::from_secs(8));

    let out = netral(&url).arg("stats").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("PostgreSQL netral@127.0.0.1:{port}/netral")),
        "{err}"
    );
    assert!(!err.contains(PASSWORD), "{err}");
}

/// A malformed PostgreSQL URL is one line and exit 2 for every command that uses the store,
/// and never quoted (it holds the password).
#[test]
fn a_malformed_url_exits_2_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        format!("postgres://netral:{PASSWORD}@db:port/netral"),
        format!("postgresql://netral:{PASSWORD}@db/netral?no_such_option=1"),
        format!("postgres://netral:{PASSWORD}@/netral"),
        format!("postgres://netral:{PASSWORD}@db/netral?sslmode=require"),
    ] {
        for args in [
            &["ask", "halo"][..],
            &["serve"],
            &["review"],
            &["db", "migrate"],
        ] {
            let out = netral(&url)
                .current_dir(dir.path())
                .args(args)
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{url} {args:?}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "{err}");
            assert!(
                err.contains("NETRAL_DB: not a usable PostgreSQL URL"),
                "{err}"
            );
            assert!(!err.contains(PASSWORD), "{err}");
            assert!(out.stdout.is_empty());
        }
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// The README's split of rights: the owner runs `netral db migrate`; a replica's role with
/// only `SELECT, INSERT, UPDATE` on the five tables (no right to create anything) records.
#[test]
fn a_replica_role_with_only_the_documented_grants_records() {
    let Some(pg) = PgServer::start() else { return };
    run(&pg.url(), &["db", "migrate"]);
    let mut admin = pg.client("netral");
    admin
        .batch_execute(
            "CREATE ROLE replica LOGIN PASSWORD 'replica-password-1';
             REVOKE CREATE ON SCHEMA public FROM PUBLIC;
             GRANT SELECT, INSERT, UPDATE ON meta, declined, feedback, answer_count, asker_day
                 TO replica;",
        )
        .unwrap();
    let url = pg.url().replace(
        &format!("netral:{PASSWORD}@"),
        "replica:replica-password-1@",
    );
    let out = netral(&url)
        .args(["ask", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(
                b"bolehkah asn like postingan capres\ncuti melahirkan berapa lama\nbolehkah asn like postingan capres\n",
            )?;
            c.wait_with_output()
        })
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("WARN"), "{err}");
    assert_eq!(
        count(&mut admin, "SELECT SUM(answers)::bigint FROM answer_count"),
        2
    );
    assert_eq!(count(&mut admin, "SELECT COUNT(*) FROM declined"), 1);
}

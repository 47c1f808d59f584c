//! What the store tests of both backends share: the fixture knowledge, events, and the
//! scripted month with what `netral review` and `netral stats` must show for it.

use netral::core::Engine;
use netral::core::record::{ChatKind, Platform};
use netral::store::{AskedEvent, Event, FeedbackEvent, Outcome, now};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const DAY: i64 = 86_400;

/// The fixture entries (`tests/fixtures/knowledge`) with the shipped settings and messages
/// beside them, assembled once per run under the target directory.
pub fn fixture() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // One copy per test binary: binaries may run at once (nextest).
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(concat!("store-knowledge-", env!("CARGO_CRATE_NAME")));
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

pub fn engine() -> Engine {
    Engine::from_dir(&fixture()).expect("the fixture knowledge loads")
}

/// `netral --knowledge <fixture>` with `NETRAL_DB` set to `db` (a path or a URL).
pub fn netral(db: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_netral"));
    c.arg("--knowledge")
        .arg(fixture())
        .env("NETRAL_DB", db)
        .env("RUST_LOG", "warn")
        .env("NO_COLOR", "1")
        .env_remove("NETRAL_KNOWLEDGE");
    c
}

/// Suggestions recorded with a declined question.
pub const NEAR: &[(&str, f32)] = &[("saksi-tps", 0.3), ("kampanye-ikut", 0.2)];

pub fn declined(
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

pub fn answered(at: i64, platform: Platform, id: &str, asker: Option<&str>) -> Event {
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

pub fn vote(at: i64, platform: Platform, id: &str, helpful: bool) -> Event {
    Event::Feedback(FeedbackEvent {
        at,
        platform,
        answer_id: id.to_string(),
        helpful,
    })
}

/// The time the scripted month ends: an hour ago.
pub fn scripted_end() -> i64 {
    now() - 3_600
}

/// A scripted month of events ending at `t` ([`scripted_end`]): what
/// [`check_scripted_period`] expects `netral review` and `netral stats` to show.
pub fn scripted_period(t: i64) -> Vec<Event> {
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
    events
}

/// What `netral review` (text and TSV) and `netral stats` show a curator for
/// [`scripted_period`]; `run` runs `netral` with these arguments on the store and returns
/// its standard output.
pub fn check_scripted_period(t: i64, run: impl Fn(&[&str]) -> String) {
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

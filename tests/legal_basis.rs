//! The legal basis inside the project: every cited (regulation, article) is explained in
//! `knowledge/legal-basis.toml`, `docs/legal-basis.md` is generated from it, weak points keep
//! their sureness, and `kb check --stale` finds answers not re-checked for a while.

use netral::knowledge::{KnowledgeBase, Sureness, citations, freshness};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::builtin().expect("built-in knowledge loads"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_cited_article_is_explained() {
    let missing = citations::missing(kb());
    assert!(
        missing.is_empty(),
        "add these to knowledge/legal-basis.toml: {missing:#?}"
    );
    assert!(citations::unused(kb()).is_empty(), "entries nothing cites");
}

#[test]
fn a_citation_without_an_entry_is_reported_with_the_topics_citing_it() {
    let mut kb = kb().clone();
    kb.cited_articles
        .retain(|a| !(a.regulation == "PP 94/2021" && a.article == "Pasal 1 angka 6"));
    let missing = citations::missing(&kb);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].article, "Pasal 1 angka 6");
    assert!(missing[0].topics.contains(&"luar-jam-kerja".to_string()));
}

#[test]
fn the_doc_is_the_generated_table() {
    let doc = std::fs::read_to_string(root().join("docs/legal-basis.md")).unwrap();
    assert!(
        doc == citations::markdown(kb()),
        "docs/legal-basis.md is out of date: run `netral kb legal-basis > docs/legal-basis.md`"
    );
    // One row per entry, each with its sureness.
    for a in &kb().cited_articles {
        assert!(doc.contains(&a.says.replace('|', "\\|")), "{a:?}");
    }
}

#[test]
fn weak_points_keep_their_sureness() {
    let sureness = |reg: &str, art: &str| {
        kb().cited_articles
            .iter()
            .find(|a| a.regulation == reg && a.article == art)
            .map(|a| a.sureness)
            .unwrap_or_else(|| panic!("{reg} {art} listed"))
    };
    assert_eq!(
        sureness("PP 49/2018", "Pasal 53 ayat (3) huruf c"),
        Sureness::Uncertain
    );
    assert_eq!(sureness("PP 42/2004", "Pasal 16"), Sureness::Uncertain);
    assert_eq!(
        sureness("PP 94/2021", "Pasal 13 huruf g"),
        Sureness::SingleSource
    );
    assert_eq!(
        sureness("UU 10/2016", "Pasal 71 ayat (3)"),
        Sureness::SingleSource
    );
    assert_eq!(
        sureness("PP 94/2021", "Pasal 14 huruf i"),
        Sureness::Verified
    );
    for a in &kb().cited_articles {
        assert!(
            a.source.starts_with("http") || a.sureness == Sureness::Uncertain,
            "{a:?} needs a source URL"
        );
    }
}

#[test]
fn stale_lists_topics_checked_before_the_cutoff() {
    assert!(freshness::stale(kb(), "2000-01-01").is_empty());
    let after_all: Vec<String> = freshness::stale(kb(), "9999-01-01")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(after_all.len(), kb().topics.len());
    let one = &kb().topics[0];
    let just_after = freshness::stale(kb(), &format!("{}~", one.as_of));
    assert!(
        just_after
            .iter()
            .any(|s| s.id == one.id && s.as_of == one.as_of)
    );
}

fn netral(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_netral"))
        .arg("--knowledge")
        .arg(dir)
        .args(args)
        .env("NETRAL_DB", "off")
        .env_remove("NETRAL_KNOWLEDGE")
        .output()
        .unwrap()
}

fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = root().join("tests/fixtures/min");
    for entry in walk(&from) {
        let target = dir.path().join(entry.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&entry, target).unwrap();
    }
    // kb check also wants a trained classifier and a fitted confidence model.
    let set = dir.path().join("fit.tsv");
    std::fs::write(
        &set,
        "pns like postingan capres dong\tlike-calon\nasn selfie bareng caleg\tfoto-calon\nresep rendang\t-\n",
    )
    .unwrap();
    for args in [
        &["kb", "train"][..],
        &["kb", "calibrate", "--set", set.to_str().unwrap()],
    ] {
        let out = netral(dir.path(), args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn kb_check_fails_when_a_cited_article_is_not_explained() {
    let dir = fixture_copy();
    let ok = netral(dir.path(), &["kb", "check"]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{stdout}");
    assert!(
        stdout.contains("every cited article is explained"),
        "{stdout}"
    );

    std::fs::write(dir.path().join("legal-basis.toml"), "").unwrap();
    let out = netral(dir.path(), &["kb", "check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("missing legal basis: `PP 94/2021 Pasal 5 huruf n` (cited by like-calon)"),
        "{stdout}"
    );
}

#[test]
fn kb_check_stale_lists_topics_older_than_the_period() {
    let dir = fixture_copy();
    let topics = dir.path().join("topics/medsos.toml");
    let text = std::fs::read_to_string(&topics).unwrap();
    // like-calon checked long ago; foto-calon dated so far ahead it is never stale.
    let text = text
        .replacen("as_of = 2026-11-23", "as_of = 2020-01-01", 1)
        .replacen("as_of = 2026-11-23", "as_of = 2999-01-01", 1);
    std::fs::write(&topics, text).unwrap();

    let out = netral(dir.path(), &["kb", "check", "--stale", "180d"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("stale: `like-calon` as_of 2020-01-01"),
        "{stdout}"
    );
    assert!(!stdout.contains("stale: `foto-calon`"), "{stdout}");

    // A period reaching back before 2020 lists nothing; a bad period is refused.
    let out = netral(dir.path(), &["kb", "check", "--stale", "36500d"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("stale: 0 topic(s)"));
    let out = netral(dir.path(), &["kb", "check", "--stale", "soon"]);
    assert!(!out.status.success());
}

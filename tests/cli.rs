//! The command-line contract, exercised on the real binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn netral(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_netral"));
    c.args(args)
        .env_remove("NETRAL_KNOWLEDGE")
        .env("NETRAL_DB", "off")
        .env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> Output {
    netral(args).output().expect("binary runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = netral(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer").expect("write stdin");
    out
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("utf-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {e}: {l}")))
        .collect()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn ask_renders_a_verdict_basis_and_sources() {
    let out = run(&["ask", "pns", "blh", "like", "postingan", "capres", "gak?"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Tidak boleh — "), "{text}");
    assert!(
        text.contains("Dasar hukum:")
            && text.contains("Sumber:")
            && text.contains("bukan nasihat hukum"),
        "{text}"
    );
    assert!(!text.contains("\x1b["), "no colour when not on a terminal");
}

#[test]
fn ask_json_on_arguments_gives_one_object_with_the_contract_fields() {
    let out = run(&["ask", "--json", "apa sanksi pns ikut kampanye"]);
    assert!(out.status.success());
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let v = &lines[0];
    assert_eq!(v["query"], "apa sanksi pns ikut kampanye");
    assert!(v["answered"].is_boolean() && v["score"].is_number() && v["suggestions"].is_array());
    assert!(v["id"].is_string() && v["kind"] == "topic");
    for s in v["suggestions"].as_array().unwrap() {
        assert!(s["id"].is_string() && s["title"].is_string() && s["score"].is_number());
    }
}

#[test]
fn ask_json_on_stdin_answers_every_line_in_order_whatever_it_holds() {
    let long = "a".repeat(100_000);
    let mut input = Vec::new();
    input.extend_from_slice(b"halo\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(long.as_bytes());
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"asn \x00\x07\x1b[31m boleh\tikut kampanye?\r\n");
    input.extend_from_slice(b"\xff\xfe\xfd invalid utf-8\n");
    input.extend_from_slice(b"resep nasi goreng"); // no final newline
    let out = run_stdin(&["ask", "--json"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 6, "one object per input line");
    assert_eq!(lines[0]["id"], "sapaan");
    assert_eq!(lines[1]["answered"], false);
    assert_eq!(lines[1]["id"], serde_json::Value::Null);
    assert_eq!(lines[2]["query"].as_str().unwrap().len(), 100_000);
    assert!(lines[3]["query"].as_str().unwrap().contains('\u{0}'));
    assert!(
        lines[4]["query"]
            .as_str()
            .unwrap()
            .contains("invalid utf-8")
    );
    assert_eq!(lines[5]["query"], "resep nasi goreng");
    assert_eq!(lines[5]["answered"], false);
}

#[test]
fn eval_reports_and_fails_below_thresholds() {
    let dev = root().join("tests/data/dev.tsv");
    let dev = dev.to_str().unwrap();
    let ok = run(&["eval", dev]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(ok.status.success(), "{text}");
    for key in [
        "in-scope top-1:",
        "MRR@5:",
        "out-of-scope declined:",
        "confidently wrong:",
    ] {
        assert!(text.contains(key), "{key} missing:\n{text}");
    }
    let strict = run(&["eval", dev, "--min-top1", "1.01"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("below thresholds"));
    let missing = run(&["eval", "/nonexistent.tsv"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.tsv"));
}

#[test]
fn eval_summary_never_shows_a_reporting_sets_misses() {
    // A set with misses (the fitting set, whose misses may be read).
    let set = root().join("tests/data/blind-fit2.tsv");
    let set = set.to_str().unwrap();
    let full = run(&["eval", set]);
    assert!(String::from_utf8_lossy(&full.stdout).contains("Misses:"));
    let summary = run(&["eval", set, "--summary"]);
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(summary.status.success(), "{text}");
    assert!(
        !text.contains("Misses:") && !text.contains("expected"),
        "{text}"
    );
    assert!(text.contains("in-scope top-1:"), "{text}");
    let json = run(&["eval", set, "--summary", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["misses"], serde_json::json!([]));
    assert!(v["top1"].as_f64().unwrap() > 0.5);
}

#[test]
fn kb_check_is_clean_on_the_shipped_knowledge() {
    let out = run(&["kb", "check"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("ok: every phrasing retrieves its own entry"),
        "{text}"
    );
}

#[test]
fn kb_check_reports_broken_knowledge_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/min"), dir.path());
    let topics = dir.path().join("topics/medsos.toml");
    let text = std::fs::read_to_string(&topics)
        .unwrap()
        .replace("related = [\"foto-calon\"]", "related = [\"hilang\"]");
    std::fs::write(&topics, text).unwrap();
    let out = run(&["--knowledge", dir.path().to_str().unwrap(), "kb", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("topics/medsos.toml:9: related id `hilang` in `like-calon` does not exist"),
        "{err}"
    );
}

#[test]
fn kb_train_is_deterministic_and_kb_check_refuses_a_stale_model() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/min"), dir.path());
    let d = dir.path().to_str().unwrap();
    let model = dir.path().join("intent-model.bin");

    // No model yet: answering trains one in memory and says so; kb check fails.
    let out = run(&["--knowledge", d, "ask", "pns foto bareng caleg"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no intent-model.bin") && err.contains("netral kb train"),
        "{err}"
    );
    let check = run(&["--knowledge", d, "kb", "check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("problem: no intent-model.bin"));

    // kb train writes the model; the same knowledge gives the same bytes.
    let out = run(&["--knowledge", d, "kb", "train"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = std::fs::read(&model).expect("kb train wrote the model");
    let again = run(&["--knowledge", d, "kb", "train"]);
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("unchanged"));
    assert_eq!(std::fs::read(&model).unwrap(), first);
    let out = run(&["--knowledge", d, "ask", "pns foto bareng caleg"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("note:"),
        "a fresh model is used as it is"
    );

    // A changed phrasing makes it stale: never used silently.
    let topics = dir.path().join("topics/medsos.toml");
    let text = std::fs::read_to_string(&topics).unwrap();
    let changed = text.replacen(
        "questions = [",
        "questions = [\"pns boleh nge-like story caleg?\", ",
        1,
    );
    assert_ne!(text, changed, "the fixture has a questions list to extend");
    std::fs::write(&topics, changed).unwrap();
    let check = run(&["--knowledge", d, "kb", "check"]);
    assert_eq!(check.status.code(), Some(1));
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains("problem: intent-model.bin is stale"),
        "{text}"
    );
    let out = run(&["--knowledge", d, "ask", "--json", "pns foto bareng caleg"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is stale"));
    assert_eq!(
        json_lines(&out)[0]["id"],
        "foto-calon",
        "still answers, retrained in memory"
    );

    // A damaged file is an error message and a retrain, not a crash.
    std::fs::write(&model, b"NTRLINT1garbage").unwrap();
    let out = run(&["--knowledge", d, "ask", "pns foto bareng caleg"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unreadable"));
}

#[test]
fn kb_train_outside_a_checkout_asks_for_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = netral(&["kb", "train"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--knowledge DIR"));
}

#[test]
fn kb_export_lists_every_entry_with_the_contract_fields() {
    let out = run(&["kb", "export", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let entries = v.as_array().expect("an array of entries");
    assert!(entries.len() >= 57);
    for e in entries {
        for key in [
            "id",
            "kind",
            "title",
            "verdict",
            "questions",
            "legal_basis",
            "sources",
            "related",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {}", e["id"]);
        }
    }
    assert!(
        entries
            .iter()
            .any(|e| e["id"] == "medsos-interaksi" && e["verdict"] == "tidak-boleh")
    );
}

#[test]
fn knowledge_from_the_environment_is_used() {
    let out = netral(&["ask", "--json", "pns foto bareng caleg"])
        .env("NETRAL_KNOWLEDGE", root().join("tests/fixtures/min"))
        .output()
        .unwrap();
    assert_eq!(json_lines(&out)[0]["id"], "foto-calon");
}

#[test]
fn import_article_cleans_every_seed_into_a_loadable_entry() {
    let seeds = root().join("tests/data/seeds");
    let mut names: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5);
    for (i, seed) in names.iter().enumerate() {
        let id = format!("berita-uji-{i}");
        let out = run(&[
            "kb",
            "import-article",
            seed.to_str().unwrap(),
            "--id",
            &id,
            "--url",
            "https://contoh.id/a",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let toml_text = String::from_utf8(out.stdout).unwrap();
        for noise in [
            "Iklan",
            "BACA JUGA",
            "Response (",
            "-foto: ist-",
            "(KPU)--",
            "(Dok Kominfo",
        ] {
            assert!(
                !toml_text.contains(noise),
                "{noise} left in {}",
                seed.display()
            );
        }
        // The entry loads beside the fixture knowledge.
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&root().join("tests/fixtures/min"), dir.path());
        std::fs::create_dir_all(dir.path().join("articles")).unwrap();
        std::fs::write(dir.path().join(format!("articles/{id}.toml")), &toml_text).unwrap();
        let check = run(&[
            "--knowledge",
            dir.path().to_str().unwrap(),
            "kb",
            "export",
            "--json",
        ]);
        assert!(
            check.status.success(),
            "{}: {}",
            seed.display(),
            String::from_utf8_lossy(&check.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
        let article = v
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id.as_str())
            .expect("imported article present");
        assert!(!article["title"].as_str().unwrap().is_empty());
        assert!(
            !article["outlet"].as_str().unwrap().is_empty() || i == 3,
            "outlet found in {}",
            seed.display()
        );
    }
}

#[test]
fn import_article_refuses_to_overwrite_and_bad_ids() {
    let seed = root().join("tests/data/seeds/004_f2cf7f9abee5e2e1.txt");
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("a.toml");
    std::fs::write(&out_path, "keep me").unwrap();
    let out = run(&[
        "kb",
        "import-article",
        seed.to_str().unwrap(),
        "--id",
        "berita-x",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        "keep me",
        "nothing lost"
    );
    let out = run(&[
        "kb",
        "import-article",
        seed.to_str().unwrap(),
        "--id",
        "Bad Id",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid id"));
}

#[test]
fn help_is_available_everywhere() {
    for args in [
        &["--help"][..],
        &["ask", "--help"],
        &["eval", "--help"],
        &["kb", "check", "--help"],
        &["kb", "export", "--help"],
        &["repl", "--help"],
    ] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage:"));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn repl_answers_explains_reloads_and_keeps_history() {
    let home = tempfile::tempdir().unwrap();
    let mut child = netral(&["repl"])
        .env("XDG_DATA_HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b":help\n:explain pns blh ngelike postingan capres\n:reload\nbolehkah pns ikut kampanye\n:nope\n:quit\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(":explain <pertanyaan>"), "{text}");
    assert!(
        text.contains("words: pns[pns] blh[boleh]") || text.contains("boleh[boleh]"),
        "{text}"
    );
    assert!(
        text.contains("1. ") && text.contains("medsos-interaksi") && text.contains("via \""),
        "{text}"
    );
    assert!(text.contains("reloaded:"), "{text}");
    assert!(text.contains("Diperdebatkan — sebaiknya hindari"), "{text}");
    assert!(text.contains("unknown command :nope"), "{text}");
    let history = std::fs::read_to_string(home.path().join("netral/repl-history.txt")).unwrap();
    assert!(history.contains("bolehkah pns ikut kampanye"));
}

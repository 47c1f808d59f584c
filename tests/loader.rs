//! Every kind of knowledge error is reported with its file, line and a fix, and nothing
//! partial is ever served.

use netral::knowledge::{Files, KnowledgeBase, LoadError, Problem};
use std::path::Path;

fn fixture() -> Files {
    Files::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/min"))
        .expect("fixture readable")
}

/// Loads the fixture with `file` replaced (or added) by `text`, expecting failure.
fn problems_with(file: &str, text: &str) -> Vec<Problem> {
    let mut files = fixture();
    files.0.retain(|(f, _)| f != file);
    files.0.push((file.to_string(), text.to_string()));
    match KnowledgeBase::load(&files) {
        Ok(_) => panic!("{file} should not load"),
        Err(LoadError::Invalid(p)) => p,
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn topics_file() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/min/topics/medsos.toml"),
    )
    .unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle present")
        + 1
}

#[test]
fn the_fixture_itself_loads() {
    let kb = KnowledgeBase::load(&fixture()).expect("fixture loads");
    assert_eq!(kb.topics.len(), 2);
    assert_eq!(
        kb.topics[0].legal_basis[0].regulation_title,
        "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin PNS"
    );
}

#[test]
fn unknown_field_names_file_line_and_fix() {
    let text = topics_file().replace(
        "short = \"Tidak boleh.\"",
        "short = \"Tidak boleh.\"\nverdit = \"boleh\"",
    );
    let p = problems_with("topics/medsos.toml", &text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].file, "topics/medsos.toml");
    assert_eq!(p[0].line, Some(line_of(&text, "verdit")));
    assert!(
        p[0].message.contains("unknown field `verdit`"),
        "{}",
        p[0].message
    );
    assert!(
        p[0].message.contains("remove it or fix its spelling"),
        "{}",
        p[0].message
    );
    assert!(p[0].to_string().starts_with(&format!(
        "topics/medsos.toml:{}: ",
        line_of(&text, "verdit")
    )));
}

#[test]
fn duplicate_id_points_at_both_definitions() {
    let text = topics_file().replace("id = \"foto-calon\"", "id = \"like-calon\"");
    let p = problems_with("topics/medsos.toml", &text);
    let dup = p
        .iter()
        .find(|p| p.message.contains("duplicate id `like-calon`"))
        .expect("duplicate reported");
    let second = text
        .match_indices("id = \"like-calon\"")
        .nth(1)
        .map(|(i, _)| text[..i].lines().count() + 1)
        .unwrap();
    assert_eq!(dup.line, Some(second));
    assert!(dup.message.contains(&format!(
        "first defined at topics/medsos.toml:{}",
        line_of(&text, "id = \"like-calon\"")
    )));
}

#[test]
fn duplicate_id_across_files_is_caught_too() {
    let text = topics_file()
        .replace("id = \"like-calon\"", "id = \"x-1\"")
        .replace("id = \"foto-calon\"", "id = \"x-2\"")
        .replace("\"foto-calon\"]", "\"x-2\"]")
        .replace("\"like-calon\"]", "\"x-1\"]");
    let mut files = fixture();
    files.0.push((
        "topics/other.toml".into(),
        text.replace("x-2", "like-calon").replace("x-1", "x-3"),
    ));
    let Err(LoadError::Invalid(p)) = KnowledgeBase::load(&files) else {
        panic!("should fail")
    };
    assert!(
        p.iter().any(|p| p.file == "topics/other.toml"
            && p.message.contains("duplicate id `like-calon`")
            && p.message.contains("topics/medsos.toml:")),
        "{p:?}"
    );
}

#[test]
fn dangling_related_id() {
    let text = topics_file().replace("related = [\"foto-calon\"]", "related = [\"foto-calonn\"]");
    let p = problems_with("topics/medsos.toml", &text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, Some(line_of(&text, "foto-calonn")));
    assert!(
        p[0].message
            .contains("related id `foto-calonn` in `like-calon` does not exist")
    );
}

#[test]
fn empty_phrasing() {
    let text = topics_file().replace("\"asn komen postingan calon\"", "\"  \"");
    let p = problems_with("topics/medsos.toml", &text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, Some(line_of(&text, "questions = [\"pns like")));
    assert!(p[0].message.contains("empty phrasing in `like-calon`"));
}

#[test]
fn missing_verdict_names_the_topic_and_the_choices() {
    let text = topics_file().replace("verdict = \"bersyarat\"\n", "");
    let p = problems_with("topics/medsos.toml", &text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, Some(line_of(&text, "id = \"foto-calon\"")));
    assert!(p[0].message.contains("topic `foto-calon` has no verdict"));
    assert!(p[0].message.contains("\"tidak-boleh\""));
}

#[test]
fn unknown_verdict_category_and_regulation() {
    let text = topics_file()
        .replace("verdict = \"bersyarat\"", "verdict = \"mungkin\"")
        .replace(
            "category = \"medsos\"\ntitle = \"Bolehkah ASN like",
            "category = \"sosmed\"\ntitle = \"Bolehkah ASN like",
        )
        .replace("regulation = \"PP 94/2021\"", "regulation = \"PP 94/2022\"");
    let p = problems_with("topics/medsos.toml", &text);
    let msgs: Vec<String> = p.iter().map(ToString::to_string).collect();
    assert!(
        msgs.iter().any(|m| m.contains(&format!(
            ":{}: unknown verdict `mungkin`",
            line_of(&text, "mungkin")
        ))),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains(&format!(
            ":{}: unknown category `sosmed`",
            line_of(&text, "sosmed")
        ))),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains(&format!(
            ":{}: unknown regulation `PP 94/2022`",
            line_of(&text, "PP 94/2022")
        ))),
        "{msgs:?}"
    );
}

#[test]
fn missing_field_and_syntax_errors() {
    let text = topics_file().replace("short = \"Tidak boleh.\"\n", "");
    let p = problems_with("topics/medsos.toml", &text);
    assert!(
        p[0].message.contains("missing field `short`") && p[0].message.contains("add it"),
        "{p:?}"
    );
    assert!(p[0].line.is_some());

    let p = problems_with("topics/medsos.toml", "[[topic]]\nid = = \"a\"\n");
    assert_eq!(p[0].file, "topics/medsos.toml");
    assert_eq!(p[0].line, Some(2), "{p:?}");
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let text = topics_file()
        .replace("related = [\"foto-calon\"]", "related = [\"nope\"]")
        .replace("verdict = \"bersyarat\"\n", "");
    let p = problems_with("topics/medsos.toml", &text);
    assert_eq!(p.len(), 2, "{p:?}");
}

#[test]
fn unexpected_files_and_missing_core_messages() {
    let p = problems_with("topic/medsos.toml", "[[topic]]\n");
    assert!(
        p.iter()
            .any(|p| p.file == "topic/medsos.toml" && p.message.contains("unexpected file")),
        "{p:?}"
    );
    let p = problems_with("messages/core.toml", "disclaimer = \"x\"\n");
    assert!(
        p.iter()
            .any(|p| p.message.contains("missing message `core.declined`")),
        "{p:?}"
    );
}

#[test]
fn excerpt_topics_must_exist() {
    let article = "[article]\nid = \"berita-x\"\ntitle = \"X\"\noutlet = \"O\"\nsummary = \"S\"\ntext = \"T\"\n\n[[article.excerpt]]\ntext = \"kutipan\"\ntopics = [\"like-calon\", \"tidak-ada\"]\n";
    let p = problems_with("articles/berita-x.toml", article);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, Some(10));
    assert!(p[0].message.contains("excerpt topic id `tidak-ada`"));
}

#[test]
fn a_missing_folder_is_an_io_error_naming_it() {
    let err = Files::from_dir(Path::new("/nonexistent/netral-knowledge")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/netral-knowledge"));
}

#[test]
fn the_built_in_knowledge_loads() {
    let kb = KnowledgeBase::builtin().unwrap_or_else(|e| panic!("{e}"));
    assert!(kb.topics.len() >= 50);
}

#[test]
fn training_questions_must_name_an_entry_and_join_its_class() {
    let bad = "[[entry]]\nid = \"like-calon\"\nquestions = [\"pns ngelike ig paslon gmn\"]\n\n[[entry]]\nid = \"tidak-ada\"\nquestions = [\"x\"]\n";
    let p = problems_with("training/users.toml", bad);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].file, "training/users.toml");
    assert_eq!(p[0].line, Some(line_of(bad, "tidak-ada")));
    assert!(
        p[0].message.contains("training id `tidak-ada`"),
        "{}",
        p[0].message
    );

    let empty = "[[entry]]\nid = \"like-calon\"\nquestions = [\" \"]\n";
    let p = problems_with("training/users.toml", empty);
    assert!(p.iter().any(|p| p.message.contains("empty")), "{p:?}");

    let mut files = fixture();
    let good = "[[entry]]\nid = \"like-calon\"\nquestions = [\"pns ngelike ig paslon gmn\"]\n";
    files.0.push(("training/users.toml".into(), good.into()));
    let kb = KnowledgeBase::load(&files).expect("loads");
    assert_eq!(kb.training.len(), 1);
    assert_eq!(kb.training[0].questions, ["pns ngelike ig paslon gmn"]);
    // A training question changes what the classifier is trained on: the shipped model of the
    // knowledge without it is stale.
    let without = KnowledgeBase::load(&fixture()).expect("loads");
    assert_ne!(
        netral::core::intent::source_digest(&kb),
        netral::core::intent::source_digest(&without)
    );
}

#[test]
fn an_anchor_is_one_word() {
    let text = "anchors = [\"kampanye\", \"tim sukses\"]\n";
    let p = problems_with("lexicon/anchors.toml", text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, Some(1));
    assert!(p[0].message.contains("one word"), "{}", p[0].message);
}

#[test]
fn who_within_names_a_category_and_an_aspect() {
    let p = problems_with(
        "conversation.toml",
        "who_within = { sanksi-tidak-ada = \"sanction\" }\n",
    );
    let who = p
        .iter()
        .find(|p| p.message.contains("who_within"))
        .unwrap_or_else(|| panic!("no problem names who_within: {p:?}"));
    assert_eq!(who.file, "conversation.toml");
    assert!(
        who.message.contains("unknown category `sanksi-tidak-ada`"),
        "{}",
        who.message
    );
    let p = problems_with("conversation.toml", "who_within = { medsos = \"gaji\" }\n");
    assert!(
        p.iter().any(|p| p.message.contains("gaji")),
        "an aspect that does not exist is named: {p:?}"
    );
}

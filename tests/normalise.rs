//! The normaliser's rules, one by one, and the protected-word list of the shipped lexicon.

use netral::core::normalise::Normaliser;
use netral::knowledge::{KnowledgeBase, Lexicon};

fn small() -> Normaliser {
    let mut lex = Lexicon::default();
    for (k, v) in [
        ("gak", "tidak"),
        ("blh", "boleh"),
        ("ngelike", "like"),
        ("p3k", "pppk"),
        ("gmn", "bagaimana"),
    ] {
        lex.slang
            .insert(k.into(), v.split(' ').map(String::from).collect());
    }
    lex.synonyms
        .push((vec!["media".into(), "sosial".into()], vec!["medsos".into()]));
    lex.synonyms
        .push((vec!["tim".into(), "sukses".into()], vec!["timses".into()]));
    lex.synonyms.push((
        vec!["tim".into(), "sukses".into(), "paslon".into()],
        vec!["timses".into(), "calon".into()],
    ));
    lex.protected = vec!["pemilu".into(), "pegawai".into(), "partai".into()];
    lex.particles = vec!["sih".into(), "dong".into(), "ya".into()];
    Normaliser::new(&lex)
}

fn surface(s: &str) -> Vec<String> {
    small().surface(s)
}

#[test]
fn nfkc_folds_stylised_and_fullwidth_letters() {
    assert_eq!(surface("𝗽𝗻𝘀 ＰＮＳ"), ["pns", "pns"]);
}

#[test]
fn lowercases_and_strips_punctuation_and_emoji() {
    assert_eq!(
        surface("Bolehkah ASN, like?!! 👍🏽🙏"),
        ["bolehkah", "asn", "like"]
    );
}

#[test]
fn diacritics_fold_to_base_letters() {
    assert_eq!(surface("kampanyé"), ["kampanye"]);
}

#[test]
fn runs_of_three_or_more_letters_collapse() {
    assert_eq!(surface("bolehhh gaaaak"), ["boleh", "tidak"]);
    assert_eq!(
        surface("tanggal saat"),
        ["tanggal", "saat"],
        "double letters are kept"
    );
}

#[test]
fn reduplication_is_reduced() {
    assert_eq!(surface("kata2 kata-kata"), ["kata", "kata"]);
}

#[test]
fn chat_prefix_hyphen_joins_then_slang_applies() {
    assert_eq!(surface("nge-like"), ["like"]);
    assert_eq!(
        surface("pra-kampanye"),
        ["pra", "kampanye"],
        "other hyphens split"
    );
}

#[test]
fn digits_split_from_words_but_codes_stay() {
    assert_eq!(surface("pemilu2024 p3k"), ["pemilu", "2024", "pppk"]);
}

#[test]
fn slang_maps_one_token_to_standard_words() {
    assert_eq!(
        surface("pns blh like gak gmn"),
        ["pns", "boleh", "like", "tidak", "bagaimana"]
    );
}

#[test]
fn multiword_synonyms_take_the_longest_match() {
    assert_eq!(
        surface("tim sukses paslon di media sosial"),
        ["timses", "calon", "di", "medsos"]
    );
    assert_eq!(surface("tim sukses caleg"), ["timses", "caleg"]);
}

#[test]
fn discourse_particles_are_dropped_but_rule_words_are_not() {
    assert_eq!(surface("boleh gak sih dong ya"), ["boleh", "tidak"]);
    assert_eq!(
        surface("apa kapan siapa harus ikut bukan"),
        ["apa", "kapan", "siapa", "harus", "ikut", "bukan"]
    );
}

#[test]
fn stemming_spares_protected_words() {
    let n = small();
    assert_eq!(n.stem("pemilu"), "pemilu");
    assert_eq!(n.stem("pegawai"), "pegawai");
    assert_eq!(n.stem("partai"), "partai");
    assert_eq!(n.stem("kampanyenya"), "kampanye");
    assert_eq!(n.stem("bolehkah"), "boleh");
    assert_eq!(
        n.tokens("Bolehkah pegawai berkampanye?"),
        ["boleh", "pegawai", "kampanye"]
    );
}

#[test]
fn empty_and_symbol_only_text_gives_no_words() {
    assert!(surface("").is_empty());
    assert!(surface("?!… 🙏🙏 --- \u{0000}\u{0007}").is_empty());
}

#[test]
fn shipped_protected_words_are_never_mangled() {
    let kb = KnowledgeBase::builtin().expect("built-in knowledge loads");
    let n = Normaliser::new(&kb.lexicon);
    for word in [
        "pemilu", "pilkada", "pilpres", "pileg", "pegawai", "partai", "caleg", "capres", "paslon",
        "medsos", "asn", "pns", "pppk", "kpu", "bawaslu", "tps",
    ] {
        assert_eq!(n.stem(word), word, "{word} must stay as it is");
        assert!(
            n.is_protected(word) || word.len() <= 3,
            "{word} must be on the protected list"
        );
    }
}

#[test]
fn shipped_slang_covers_the_chat_forms_users_write() {
    let kb = KnowledgeBase::builtin().expect("built-in knowledge loads");
    let n = Normaliser::new(&kb.lexicon);
    for (chat, standard) in [
        ("gak", "tidak"),
        ("nggak", "tidak"),
        ("tdk", "tidak"),
        ("blh", "boleh"),
        ("yg", "yang"),
        ("dgn", "dengan"),
        ("gmn", "bagaimana"),
        ("utk", "untuk"),
        ("udh", "sudah"),
        ("klo", "kalau"),
        ("ngelike", "like"),
    ] {
        assert_eq!(n.surface(chat).join(" "), standard, "{chat}");
    }
    assert_eq!(
        n.surface("media sosial").join(" "),
        n.surface("medsos").join(" ")
    );
    assert_eq!(
        n.surface("tim sukses").join(" "),
        n.surface("timses").join(" ")
    );
}

#[test]
fn pasted_markup_tags_are_not_words() {
    assert_eq!(
        surface("<script>alert</script> asn <b>like</b>"),
        ["alert", "asn", "like"]
    );
    assert_eq!(
        surface("1 < 2 dan 3 > 2"),
        ["1", "2", "dan", "3", "2"],
        "a lone < is not a tag"
    );
    assert_eq!(surface("<a href=\"https://x.id\">link</a>"), ["link"]);
}

#[test]
fn an_affixed_word_meets_the_standard_form_of_its_stem() {
    let mut lex = Lexicon::default();
    lex.slang.insert("netralitas".into(), vec!["netral".into()]);
    let n = Normaliser::new(&lex);
    assert_eq!(
        n.tokens("netralitasnya"),
        n.tokens("netral"),
        "netralitasnya → netralitas → netral"
    );
    assert_eq!(n.tokens("netralitas"), ["netral"]);
}

//! Any input gives a reply: no panic, consistent fields, valid JSON.

use netral::core::Engine;
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in knowledge loads"))
}

fn check(q: &str) {
    let r = engine().ask(q);
    assert_eq!(r.answered, r.id.is_some());
    assert_eq!(r.answered, r.declined.is_none());
    assert!((0.0..=1.0).contains(&r.confidence), "{}", r.confidence);
    assert!(r.suggestions.len() <= 3);
    assert!(!r.text.is_empty());
    serde_json::to_string(&r).expect("reply serialises");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_string_gives_a_reply(q in any::<String>()) {
        check(&q);
    }

    #[test]
    fn any_mix_of_domain_words_and_noise_gives_a_reply(
        words in prop::collection::vec(prop_oneof![
            Just("asn".to_string()), Just("boleh".to_string()), Just("gak".to_string()),
            Just("kampanye".to_string()), Just("-".to_string()), Just("2".to_string()),
            Just("👍".to_string()), Just("\u{0}".to_string()), "[a-z]{1,12}", "\\PC{1,4}",
        ], 0..40)
    ) {
        check(&words.join(" "));
        check(&words.concat());
    }

    #[test]
    fn candidates_never_exceed_the_limit(q in "\\PC{0,60}", limit in 0usize..30) {
        prop_assert!(engine().candidates(&q, limit, true).len() <= limit);
    }
}

//! What the speed benchmarks share: the questions they ask.

/// Questions users might send, one mix for the matcher, conversation and HTTP benchmarks so
/// their figures compare (not the dev set: those are for accuracy, not speed) — slang,
/// English, a scenario, out of scope.
pub const QUESTIONS: &[&str] = &[
    "pns blh like postingan capres gak?",
    "apa sanksi asn ikut kampanye",
    "saya pppk, boleh pasang baliho caleg di rumah?",
    "can civil servants join a campaign whatsapp group",
    "bolehkah asn foto bareng calon bupati",
    "siapa capres yang harus saya pilih",
    "resep nasi goreng",
    "guru pns jadi saksi paslon di tps gimana hukumnya",
];

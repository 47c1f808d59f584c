//! What a batch of events becomes before any backend writes it: the rows, with the privacy
//! rules applied ([`super::privacy`]) and the counts summed in memory.
//!
//! Summing first means one upsert per day × platform × chat × entry and one insert per
//! distinct asker per batch, not one per event. Keys come out sorted, so two replicas
//! upserting the same counts at once take their row locks in the same order (no deadlock).

use super::privacy::{asker_hash, normalise};
use super::{Event, Outcome, day};
use crate::core::EntryKind;
use std::collections::{BTreeMap, BTreeSet};

const DAY: i64 = 86_400;
/// Answer ids from a 👍/👎 button are cut to this many characters.
const MAX_ANSWER_ID_CHARS: usize = 100;

/// One declined question as it is written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DeclinedOut<'a> {
    pub at: i64,
    pub platform: &'static str,
    pub chat: &'static str,
    /// Normalised, long numbers masked.
    pub question: String,
    pub out_of_scope: Option<&'a str>,
    pub top_score: f64,
    /// JSON `[[id, score], …]`, scores rounded to 4 places.
    pub candidates: String,
}

/// One 👍/👎 as it is written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FeedbackOut {
    pub at: i64,
    pub platform: &'static str,
    pub answer_id: String,
    pub helpful: bool,
}

/// The key of a daily answer count: day (`YYYY-MM-DD`, UTC), platform, chat, entry, kind.
pub(super) type AnswerKey<'a> = (String, &'static str, &'static str, &'a str, &'static str);

/// The rows of one batch.
#[derive(Debug, Default)]
pub(super) struct Batch<'a> {
    pub declined: Vec<DeclinedOut<'a>>,
    pub feedback: Vec<FeedbackOut>,
    /// Answers per key, summed over the batch; sorted by key.
    pub answers: BTreeMap<AnswerKey<'a>, i64>,
    /// Distinct (day, platform, salted asker hash) of the batch; sorted.
    pub askers: BTreeSet<(String, &'static str, String)>,
}

impl<'a> Batch<'a> {
    /// The rows for `events`, asker keys hashed with `salt`.
    pub fn new(events: &'a [Event], salt: &str) -> Batch<'a> {
        // Summed by Unix day first, so each day is formatted once per key, not per event.
        let mut answers: BTreeMap<(i64, &'static str, &'static str, &'a str, &'static str), i64> =
            BTreeMap::new();
        let mut askers: BTreeSet<(i64, &'static str, &'a str)> = BTreeSet::new();
        let mut batch = Batch::default();
        for event in events {
            match event {
                Event::Asked(a) => {
                    let (platform, chat) = (a.platform.as_str(), a.chat.as_str());
                    match &a.outcome {
                        Outcome::Answered { entry_id, kind } => {
                            *answers
                                .entry((
                                    a.at.div_euclid(DAY),
                                    platform,
                                    chat,
                                    entry_id.as_str(),
                                    kind_name(*kind),
                                ))
                                .or_insert(0) += 1;
                        }
                        Outcome::Declined {
                            question,
                            out_of_scope,
                            top_score,
                            candidates,
                        } => batch.declined.push(DeclinedOut {
                            at: a.at,
                            platform,
                            chat,
                            question: normalise(question),
                            out_of_scope: out_of_scope.as_deref(),
                            top_score: f64::from(*top_score),
                            candidates: candidates_json(candidates),
                        }),
                    }
                    if let Some(asker) = &a.asker {
                        askers.insert((a.at.div_euclid(DAY), platform, asker.as_str()));
                    }
                }
                Event::Feedback(f) => batch.feedback.push(FeedbackOut {
                    at: f.at,
                    platform: f.platform.as_str(),
                    answer_id: f.answer_id.chars().take(MAX_ANSWER_ID_CHARS).collect(),
                    helpful: f.helpful,
                }),
            }
        }
        batch.answers = answers
            .into_iter()
            .map(|((d, p, c, e, k), n)| ((day(d * DAY), p, c, e, k), n))
            .collect();
        batch.askers = askers
            .into_iter()
            .map(|(d, p, asker)| (day(d * DAY), p, asker_hash(salt, asker)))
            .collect();
        batch
    }
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Topic => "topic",
        EntryKind::Article => "article",
        EntryKind::Smalltalk => "smalltalk",
        EntryKind::Decline => "decline",
    }
}

fn candidates_json(candidates: &[(String, f32)]) -> String {
    // Scores rounded to 4 places, as `ask --json` prints them.
    let rounded: Vec<(&str, f64)> = candidates
        .iter()
        .map(|(id, s)| (id.as_str(), (f64::from(*s) * 10_000.0).round() / 10_000.0))
        .collect();
    serde_json::to_string(&rounded).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{ChatKind, Platform};
    use crate::store::{AskedEvent, FeedbackEvent};

    fn answered(at: i64, asker: &str) -> Event {
        Event::Asked(AskedEvent {
            at,
            platform: Platform::Telegram,
            chat: ChatKind::Group,
            asker: Some(asker.to_string()),
            outcome: Outcome::Answered {
                entry_id: "saksi-tps".into(),
                kind: EntryKind::Topic,
            },
        })
    }

    #[test]
    fn counts_are_summed_per_day_and_askers_hashed_once() {
        let events = [
            answered(10, "telegram:1"),
            answered(20, "telegram:1"),
            answered(DAY + 5, "telegram:2"),
            Event::Feedback(FeedbackEvent {
                at: 30,
                platform: Platform::Discord,
                answer_id: "x".repeat(300),
                helpful: true,
            }),
        ];
        let b = Batch::new(&events, "salt");
        let counts: Vec<(&str, i64)> = b.answers.iter().map(|(k, n)| (k.0.as_str(), *n)).collect();
        assert_eq!(counts, [("1970-01-01", 2), ("1970-01-02", 1)]);
        assert_eq!(b.askers.len(), 2);
        assert!(b.askers.iter().all(|(_, _, h)| !h.contains("telegram")));
        assert_eq!(b.feedback[0].answer_id.len(), MAX_ANSWER_ID_CHARS);
        assert!(b.declined.is_empty());
    }
}

//! One calibrated confidence: the probability that answering with a candidate entry is right.
//!
//! Two matchers look at every question: the lexical index (how much of the question a
//! phrasing covers) and the intent classifier (a probability over all entries). For each
//! candidate entry a handful of [`SIGNALS`] — both scores, their margins to the runner-up,
//! whether the two agree, how much of the question the knowledge knows at all, the kind of
//! entry — go through a small logistic regression whose weights live in
//! `knowledge/confidence.toml`, fitted by `netral kb calibrate` on data the reported figures
//! are not computed on. The front ends see only its output, `Reply::confidence`.

use super::index::EntryKind;
use super::train::{self, Row, Settings};
pub use crate::knowledge::ConfidenceModel;
use std::collections::BTreeMap;

/// The signals, in order; also the keys of `[weights]` in `confidence.toml`.
pub const SIGNALS: [&str; 19] = [
    "lexical",
    "classifier",
    "lexical_margin",
    "classifier_margin",
    "lexical_first",
    "classifier_first",
    "both_first",
    "classifier_logit",
    "known_share",
    "known_terms",
    "is_decline",
    "is_article",
    "is_smalltalk",
    "decline_mass",
    "lexical_x_classifier",
    "answer_decline_mass",
    "classifier_squared",
    "unknown_terms",
    "unanchored_answer",
];

/// What is known about one candidate entry of one question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    pub kind: EntryKind,
    /// Lexical score (0 when the index did not find the entry).
    pub lexical: f32,
    /// Classifier probability.
    pub classifier: f32,
    /// Best lexical score and best probability among the *other* entries.
    pub lexical_other: f32,
    pub classifier_other: f32,
    /// Share of the question's IDF mass made of words the knowledge knows.
    pub known_share: f32,
    /// Number of known, weighted words in the question.
    pub known_terms: f32,
    /// Total probability of the out-of-scope classes.
    pub decline_mass: f32,
    /// Number of weighted words the knowledge does not know.
    pub unknown_terms: f32,
    /// Weighted number of the question's words that tie it to elections and politics
    /// (`lexicon/anchors.toml`).
    pub anchors: f32,
    /// Share of the candidate entry's phrasings that hold such a word.
    pub entry_anchored: f32,
}

impl Evidence {
    /// The signal values, in the order of [`SIGNALS`].
    pub fn signals(&self) -> [f32; SIGNALS.len()] {
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        let lexical_first = self.lexical > self.lexical_other;
        let classifier_first = self.classifier > self.classifier_other;
        let p = self.classifier.clamp(1e-4, 1.0 - 1e-4);
        [
            self.lexical,
            self.classifier,
            self.lexical - self.lexical_other,
            self.classifier - self.classifier_other,
            b(lexical_first),
            b(classifier_first),
            b(lexical_first && classifier_first),
            (p / (1.0 - p)).ln() / 5.0,
            self.known_share,
            (1.0 + self.known_terms).ln(),
            b(self.kind == EntryKind::Decline),
            b(self.kind == EntryKind::Article),
            b(self.kind == EntryKind::Smalltalk),
            self.decline_mass,
            self.lexical * self.classifier,
            if self.kind == EntryKind::Decline {
                0.0
            } else {
                self.decline_mass
            },
            self.classifier * self.classifier,
            (1.0 + self.unknown_terms).ln(),
            if self.anchors <= 0.0 && matches!(self.kind, EntryKind::Topic | EntryKind::Article) {
                self.entry_anchored
            } else {
                0.0
            },
        ]
    }
}

/// A confidence model ready for the answering path: weights in signal order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibrated {
    weights: [f32; SIGNALS.len()],
    bias: f32,
    /// Answer when the best candidate's confidence is at least this.
    pub threshold: f32,
}

impl Calibrated {
    /// The confidence for one candidate, 0..=1.
    pub fn confidence(&self, e: &Evidence) -> f32 {
        let z: f32 = self.bias
            + self
                .weights
                .iter()
                .zip(e.signals())
                .map(|(w, v)| w * v)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

impl ConfidenceModel {
    /// The model with its weights in signal order (missing ones count 0).
    pub fn calibrated(&self) -> Calibrated {
        Calibrated {
            weights: SIGNALS.map(|name| self.weights.get(name).copied().unwrap_or(0.0)),
            bias: self.bias,
            threshold: self.threshold,
        }
    }

    /// The signals this model has no weight for, and names it has that are not signals.
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = SIGNALS
            .iter()
            .filter(|s| !self.weights.contains_key(**s))
            .map(|s| format!("no weight for signal `{s}`"))
            .collect();
        out.extend(
            self.weights
                .keys()
                .filter(|k| !SIGNALS.contains(&k.as_str()))
                .map(|k| format!("unknown signal `{k}` (known: {})", SIGNALS.join(", "))),
        );
        if !(0.0..=1.0).contains(&self.threshold) {
            out.push(format!("threshold {} is not within 0..=1", self.threshold));
        }
        out
    }

    /// The confidence for one candidate, 0..=1.
    pub fn confidence(&self, e: &Evidence) -> f32 {
        self.calibrated().confidence(e)
    }

    /// Fits the weights on labelled evidence (`true`: answering with that candidate is right),
    /// each example with a weight. Deterministic.
    pub fn fit(examples: &[(Evidence, bool, f64)], c: f64) -> ConfidenceModel {
        let rows: Vec<Row> = examples
            .iter()
            .map(|(e, right, w)| Row {
                features: e
                    .signals()
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as u32, *v))
                    .collect(),
                class: usize::from(*right),
                weight: *w,
            })
            .collect();
        let m = train::train(
            &rows,
            SIGNALS.len(),
            2,
            Settings {
                c,
                max_iter: 500,
                tol: 1e-6,
            },
        );
        // Two-class softmax = sigmoid of the difference.
        let weights = SIGNALS
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let w = m.weights[i * 2 + 1] - m.weights[i * 2];
                (s.to_string(), (w * 1e4).round() as f32 / 1e4)
            })
            .collect();
        ConfidenceModel {
            threshold: 0.5,
            bias: ((m.bias[1] - m.bias[0]) * 1e4).round() as f32 / 1e4,
            weights,
            fitted: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(lexical: f32, classifier: f32, other: f32) -> Evidence {
        Evidence {
            kind: EntryKind::Topic,
            lexical,
            classifier,
            lexical_other: other,
            classifier_other: other,
            known_share: 1.0,
            known_terms: 4.0,
            decline_mass: 0.0,
            unknown_terms: 0.0,
            anchors: 1.0,
            entry_anchored: 1.0,
        }
    }

    #[test]
    fn a_topic_for_a_question_naming_nothing_political_loses_confidence() {
        let m = ConfidenceModel {
            threshold: 0.5,
            bias: 0.0,
            weights: [
                ("classifier".into(), 4.0),
                ("unanchored_answer".into(), -2.0),
            ]
            .into(),
            fitted: BTreeMap::new(),
        };
        let c = m.calibrated();
        let anchored = ev(0.5, 0.8, 0.1);
        let bare = Evidence {
            anchors: 0.0,
            ..anchored
        };
        assert!(c.confidence(&bare) < c.confidence(&anchored));
        // It counts by how political the entry's own phrasings are, and never for a decline.
        let loose = Evidence {
            entry_anchored: 0.2,
            ..bare
        };
        assert!(c.confidence(&bare) < c.confidence(&loose));
        let decline = Evidence {
            kind: EntryKind::Decline,
            ..bare
        };
        let decline_anchored = Evidence {
            kind: EntryKind::Decline,
            ..anchored
        };
        assert_eq!(c.confidence(&decline), c.confidence(&decline_anchored));
    }

    #[test]
    fn a_fitted_model_ranks_agreeing_strong_evidence_above_weak() {
        let mut examples = Vec::new();
        for i in 0..40 {
            let x = i as f32 / 40.0;
            examples.push((ev(0.5 + x / 2.0, 0.6 + x / 3.0, 0.1), true, 1.0));
            examples.push((ev(0.1 + x / 5.0, 0.05 + x / 10.0, 0.3), false, 1.0));
        }
        let m = ConfidenceModel::fit(&examples, 1.0);
        assert!(m.problems().is_empty());
        let strong = m.confidence(&ev(0.8, 0.9, 0.1));
        let weak = m.confidence(&ev(0.15, 0.1, 0.3));
        assert!(strong > 0.8 && weak < 0.2, "{strong} {weak}");
    }

    #[test]
    fn missing_and_unknown_signals_are_reported() {
        let m = ConfidenceModel {
            threshold: 1.5,
            bias: 0.0,
            weights: [("lexical".to_string(), 1.0), ("shoe_size".to_string(), 2.0)]
                .into_iter()
                .collect(),
            fitted: BTreeMap::new(),
        };
        let p = m.problems();
        assert!(p.iter().any(|x| x.contains("`classifier`")));
        assert!(p.iter().any(|x| x.contains("`shoe_size`")));
        assert!(p.iter().any(|x| x.contains("threshold")));
    }
}

//! `netral stats`: answered rate, top topics and 👍/👎 per topic and platform over a period.

use super::{Backend, StoreError};
use serde::Serialize;
use std::collections::BTreeMap;

/// The figures of one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// First day counted (UTC), or `None` for everything.
    pub since: Option<String>,
    /// Questions answered (topics, articles, small talk).
    pub answered: u64,
    /// Questions declined, out-of-scope ones included.
    pub declined: u64,
    pub out_of_scope: u64,
    /// Distinct askers (platforms that pass an asker key; the command line does not).
    pub askers: u64,
    pub helpful: u64,
    pub unhelpful: u64,
    pub platforms: Vec<PlatformStats>,
    /// Topics and articles, most answered first (small talk left out).
    pub topics: Vec<EntryStats>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlatformStats {
    pub platform: String,
    pub answered: u64,
    pub declined: u64,
    pub askers: u64,
    pub helpful: u64,
    pub unhelpful: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EntryStats {
    pub id: String,
    pub answers: u64,
    pub helpful: u64,
    pub unhelpful: u64,
}

impl Stats {
    /// Questions that reached the store (empty ones are not recorded).
    pub fn questions(&self) -> u64 {
        self.answered + self.declined
    }

    /// Share answered, 0..=1 (0 without questions).
    pub fn answered_rate(&self) -> f64 {
        rate(self.answered, self.questions())
    }
}

fn rate(a: u64, of: u64) -> f64 {
    if of == 0 { 0.0 } else { a as f64 / of as f64 }
}

/// The raw figures of a period, as a backend reads them; [`collect`] assembles [`Stats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Answers per platform.
    pub answered: Vec<(String, u64)>,
    /// Declined questions per platform, and how many of those were out of scope.
    pub declined: Vec<(String, u64, u64)>,
    /// Distinct askers per platform.
    pub askers: Vec<(String, u64)>,
    /// 👍 and 👎 per platform.
    pub feedback: Vec<(String, u64, u64)>,
    /// Answers per entry, small talk left out.
    pub entry_answers: Vec<(String, u64)>,
    /// 👍 and 👎 per answer id.
    pub entry_feedback: Vec<(String, u64, u64)>,
    /// Distinct askers over all platforms (an asker on two platforms counts twice: the keys
    /// differ).
    pub distinct_askers: u64,
}

/// Collects the figures since `since` (Unix seconds; 0 for everything). Answer counts are
/// kept per day, so they start at the beginning of `since`'s day (UTC).
pub fn collect(store: &mut dyn Backend, since: i64) -> Result<Stats, StoreError> {
    Ok(assemble(store.counts(since)?, since))
}

fn assemble(c: Counts, since: i64) -> Stats {
    let mut platforms: BTreeMap<String, PlatformStats> = BTreeMap::new();
    fn platform(all: &mut BTreeMap<String, PlatformStats>, p: String) -> &mut PlatformStats {
        all.entry(p.clone()).or_insert_with(|| PlatformStats {
            platform: p,
            ..PlatformStats::default()
        })
    }
    for (p, n) in c.answered {
        platform(&mut platforms, p).answered = n;
    }
    let mut out_of_scope = 0;
    for (p, n, oos) in c.declined {
        platform(&mut platforms, p).declined = n;
        out_of_scope += oos;
    }
    for (p, n) in c.askers {
        platform(&mut platforms, p).askers = n;
    }
    for (p, up, down) in c.feedback {
        let e = platform(&mut platforms, p);
        e.helpful = up;
        e.unhelpful = down;
    }

    let mut topics: BTreeMap<String, EntryStats> = BTreeMap::new();
    for (id, n) in c.entry_answers {
        topics.entry(id).or_default().answers = n;
    }
    for (id, up, down) in c.entry_feedback {
        let e = topics.entry(id).or_default();
        e.helpful = up;
        e.unhelpful = down;
    }
    let mut topics: Vec<EntryStats> = topics
        .into_iter()
        .map(|(id, e)| EntryStats { id, ..e })
        .collect();
    topics.sort_by(|a, b| {
        (b.answers, b.unhelpful, b.helpful)
            .cmp(&(a.answers, a.unhelpful, a.helpful))
            .then_with(|| a.id.cmp(&b.id))
    });

    let platforms: Vec<PlatformStats> = platforms.into_values().collect();
    Stats {
        since: (since > 0).then(|| super::day(since)),
        answered: platforms.iter().map(|p| p.answered).sum(),
        declined: platforms.iter().map(|p| p.declined).sum(),
        out_of_scope,
        askers: c.distinct_askers,
        helpful: platforms.iter().map(|p| p.helpful).sum(),
        unhelpful: platforms.iter().map(|p| p.unhelpful).sum(),
        platforms,
        topics,
    }
}

/// The figures as the terminal shows them; at most `top` topics.
pub fn render(s: &Stats, top: usize) -> String {
    let period = match &s.since {
        Some(d) => format!("since {d} (UTC)"),
        None => "since the store was created".to_string(),
    };
    if s.questions() == 0 && s.helpful + s.unhelpful == 0 {
        return format!("Nothing recorded {period}.\n");
    }
    let pct = |a: u64, of: u64| format!("{:.1} %", 100.0 * rate(a, of));
    let mut out = format!("Questions {period}:\n");
    out.push_str(&format!("  questions        {:>6}\n", s.questions()));
    out.push_str(&format!(
        "  answered         {:>6}   {}\n",
        s.answered,
        pct(s.answered, s.questions())
    ));
    out.push_str(&format!(
        "  declined         {:>6}   ({} of them out of scope)\n",
        s.declined, s.out_of_scope
    ));
    out.push_str(&format!("  distinct askers  {:>6}\n", s.askers));
    out.push_str(&format!(
        "  👍 / 👎          {:>6} / {}\n",
        s.helpful, s.unhelpful
    ));

    // Emoji take two columns on a terminal but count as one character: pad them to 3.
    out.push_str(&format!(
        "\n  {:<12} {:>8}  {:>8}  {:>10}  {:>7}  {:>3}  {:>3}\n",
        "platform", "answered", "declined", "answered %", "askers", "👍", "👎"
    ));
    for p in &s.platforms {
        out.push_str(&format!(
            "  {:<12} {:>8}  {:>8}  {:>10}  {:>7}  {:>4}  {:>4}\n",
            p.platform,
            p.answered,
            p.declined,
            pct(p.answered, p.answered + p.declined),
            p.askers,
            p.helpful,
            p.unhelpful
        ));
    }

    if !s.topics.is_empty() {
        out.push_str(&format!(
            "\n  {:<34} {:>7}  {:>3}  {:>3}\n",
            format!(
                "top topics ({} of {})",
                top.min(s.topics.len()),
                s.topics.len()
            ),
            "answers",
            "👍",
            "👎"
        ));
        for t in s.topics.iter().take(top) {
            out.push_str(&format!(
                "  {:<34} {:>7}  {:>4}  {:>4}\n",
                t.id, t.answers, t.helpful, t.unhelpful
            ));
        }
        let worst: Vec<&EntryStats> = {
            let mut w: Vec<&EntryStats> = s.topics.iter().filter(|t| t.unhelpful > 0).collect();
            w.sort_by(|a, b| b.unhelpful.cmp(&a.unhelpful).then_with(|| a.id.cmp(&b.id)));
            w
        };
        if !worst.is_empty() {
            out.push_str("\nMost 👎 (answers to check first):\n");
            for t in worst.iter().take(top) {
                out.push_str(&format!(
                    "  {:<34} 👎 {} of {} votes\n",
                    t.id,
                    t.unhelpful,
                    t.helpful + t.unhelpful
                ));
            }
        }
    }
    out
}

//! `netral review`: declined questions grouped by similarity, each group with the entry it most
//! likely belongs to, for the terminal or as a `dev.tsv`-style file to label.
//!
//! Grouping re-normalises the stored text with the *current* lexicon and stemmer, so a slang
//! word added since the question was asked already helps. Two questions share a group when
//! their token sets are the same or overlap enough (Jaccard ≥ [`SIMILARITY`]) with the group's
//! most frequent question. The likely entry is a vote of the current matcher's candidates over
//! the group, weighted by how often each question was asked; when the matcher finds nothing,
//! the candidates recorded at the time vote instead.

use super::DeclinedRow;
use crate::core::Engine;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Minimum token overlap (Jaccard) with a group's first question to join the group.
pub const SIMILARITY: f64 = 0.5;

/// One normalised question text and how often it was declined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub text: String,
    pub count: usize,
}

/// The entry a group most likely belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likely {
    pub id: String,
    pub title: String,
    /// Mean score of that entry over the group's questions.
    pub score: f32,
}

/// Similar declined questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Most frequent first.
    pub variants: Vec<Variant>,
    pub count: usize,
    /// Unix seconds.
    pub first: i64,
    pub last: i64,
    pub platforms: BTreeMap<String, usize>,
    /// The out-of-scope entry that declined most of them, if any.
    pub out_of_scope: Option<String>,
    pub likely: Option<Likely>,
}

struct Distinct<'a> {
    text: &'a str,
    tokens: BTreeSet<String>,
    rows: Vec<&'a DeclinedRow>,
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// Groups declined questions; most asked groups first.
pub fn group(engine: &Engine, rows: &[DeclinedRow]) -> Vec<Group> {
    let norm = engine.normaliser();
    let mut distinct: Vec<Distinct<'_>> = Vec::new();
    let mut by_text: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        let i = *by_text.entry(row.question.as_str()).or_insert_with(|| {
            distinct.push(Distinct {
                text: &row.question,
                tokens: norm.tokens(&row.question).into_iter().collect(),
                rows: Vec::new(),
            });
            distinct.len() - 1
        });
        distinct[i].rows.push(row);
    }
    distinct.sort_by(|a, b| {
        b.rows
            .len()
            .cmp(&a.rows.len())
            .then_with(|| a.text.cmp(b.text))
    });

    // Greedy: each question joins the most similar group whose first question is close enough.
    let mut groups: Vec<Vec<Distinct<'_>>> = Vec::new();
    for d in distinct {
        let best = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (i, jaccard(&g[0].tokens, &d.tokens)))
            .filter(|(_, s)| *s >= SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _)) => groups[i].push(d),
            None => groups.push(vec![d]),
        }
    }

    let mut out: Vec<Group> = groups.iter().map(|g| summarise(engine, g)).collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last.cmp(&a.last))
            .then_with(|| a.variants[0].text.cmp(&b.variants[0].text))
    });
    out
}

fn summarise(engine: &Engine, members: &[Distinct<'_>]) -> Group {
    let rows = || members.iter().flat_map(|d| d.rows.iter().copied());
    let count = rows().count();
    let mut platforms = BTreeMap::new();
    let mut oos: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows() {
        *platforms.entry(r.platform.clone()).or_insert(0) += 1;
        if let Some(id) = &r.out_of_scope {
            *oos.entry(id.as_str()).or_insert(0) += 1;
        }
    }
    let out_of_scope = oos
        .iter()
        .max_by_key(|(_, n)| **n)
        .filter(|(_, n)| **n * 2 > count)
        .map(|(id, _)| (*id).to_string());

    // Vote of the current matcher, weighted by how often each question was asked.
    let mut votes: BTreeMap<String, (f32, String)> = BTreeMap::new();
    for d in members {
        for c in engine.candidates(d.text, 3, false) {
            let v = votes.entry(c.id).or_insert((0.0, c.title));
            v.0 += c.score * d.rows.len() as f32;
        }
    }
    if votes.is_empty() {
        for r in rows() {
            for (id, score) in &r.candidates {
                if let Some(title) = engine.knowledge().title_of(id) {
                    let v = votes.entry(id.clone()).or_insert((0.0, title.to_string()));
                    v.0 += score;
                }
            }
        }
    }
    let likely = votes
        .into_iter()
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0).then_with(|| b.0.cmp(&a.0)))
        .map(|(id, (total, title))| Likely {
            id,
            title,
            score: total / count.max(1) as f32,
        });

    Group {
        variants: members
            .iter()
            .map(|d| Variant {
                text: d.text.to_string(),
                count: d.rows.len(),
            })
            .collect(),
        count,
        first: rows().map(|r| r.at).min().unwrap_or(0),
        last: rows().map(|r| r.at).max().unwrap_or(0),
        platforms,
        out_of_scope,
        likely,
    }
}

/// The groups as the terminal shows them; at most `limit`.
pub fn render(groups: &[Group], period: &str, limit: usize) -> String {
    let total: usize = groups.iter().map(|g| g.count).sum();
    if groups.is_empty() {
        return format!("No declined questions {period}.\n");
    }
    let mut out = format!(
        "{total} declined question(s) {period}, in {} group(s){}:\n",
        groups.len(),
        if groups.len() > limit {
            format!("; the {limit} largest")
        } else {
            String::new()
        }
    );
    for (i, g) in groups.iter().take(limit).enumerate() {
        let dates = if super::day(g.first) == super::day(g.last) {
            super::day(g.first)
        } else {
            format!("{} … {}", super::day(g.first), super::day(g.last))
        };
        let platforms: Vec<String> = g
            .platforms
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect();
        out.push_str(&format!(
            "\n{:>3}. {}×  {}  ({})\n",
            i + 1,
            g.count,
            dates,
            platforms.join(", ")
        ));
        for v in g.variants.iter().take(5) {
            if v.count > 1 {
                out.push_str(&format!("     {}  ({}×)\n", v.text, v.count));
            } else {
                out.push_str(&format!("     {}\n", v.text));
            }
        }
        if g.variants.len() > 5 {
            out.push_str(&format!(
                "     … and {} more phrasing(s)\n",
                g.variants.len() - 5
            ));
        }
        if let Some(id) = &g.out_of_scope {
            out.push_str(&format!("     declined as out of scope ({id})\n"));
        }
        match &g.likely {
            Some(l) => out.push_str(&format!(
                "     likely entry: {} ({:.2}) — {}\n",
                l.id, l.score, l.title
            )),
            None => out.push_str("     likely entry: none close — a new topic?\n"),
        }
    }
    out
}

/// The groups in the format of `eval/dev.tsv` (question TAB ids), the likely entry as the
/// suggested label, `-` ("must decline") where there is none.
pub fn tsv(groups: &[Group], period: &str) -> String {
    let mut out = format!(
        "# netral review --tsv: declined questions {period}, to label.\n\
         # Format of eval/dev.tsv: question<TAB>accepted ids (| separated), or - for \"must decline\".\n\
         # Each id is only the nearest entry today: confirm it, replace it, or write - ; then add the\n\
         # lines to the eval set (netral eval FILE) and the phrasings to the knowledge.\n"
    );
    for g in groups {
        out.push_str(&format!(
            "# {}× {} … {}{}\n",
            g.count,
            super::day(g.first),
            super::day(g.last),
            match (&g.likely, &g.out_of_scope) {
                (_, Some(id)) => format!(", declined as out of scope ({id})"),
                (Some(l), None) => format!(", likely {} ({:.2})", l.id, l.score),
                (None, None) => ", no entry close".to_string(),
            }
        ));
        let label = match (&g.likely, &g.out_of_scope) {
            (Some(l), None) => l.id.as_str(),
            _ => "-",
        };
        for v in &g.variants {
            out.push_str(&format!("{}\t{label}\n", v.text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> BTreeSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn overlap() {
        assert_eq!(jaccard(&set(&["a", "b"]), &set(&["a", "b"])), 1.0);
        assert_eq!(jaccard(&set(&["a", "b"]), &set(&["c"])), 0.0);
        assert_eq!(jaccard(&set(&[]), &set(&[])), 0.0);
        assert!((jaccard(&set(&["a", "b", "c"]), &set(&["a", "b", "d"])) - 0.5).abs() < 1e-9);
    }
}

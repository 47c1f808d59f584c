//! Which topics were last checked before a cut-off day (`netral kb check --stale 180d`), so
//! curators know what to re-check before the next election season.

use super::KnowledgeBase;

/// A topic whose `as_of` is older than the cut-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub id: String,
    pub as_of: String,
}

/// Topics checked before `cutoff` (`YYYY-MM-DD`), oldest first. `as_of` is a TOML date, so
/// comparing the `YYYY-MM-DD` strings compares the days.
pub fn stale(kb: &KnowledgeBase, cutoff: &str) -> Vec<Stale> {
    let mut out: Vec<Stale> = kb
        .topics
        .iter()
        .filter(|t| t.as_of.as_str() < cutoff)
        .map(|t| Stale {
            id: t.id.clone(),
            as_of: t.as_of.clone(),
        })
        .collect();
    out.sort_by(|a, b| (&a.as_of, &a.id).cmp(&(&b.as_of, &b.id)));
    out
}

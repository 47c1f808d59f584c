//! Load errors that a curator can act on: every problem names the file, the line and the fix.

use std::fmt;

/// One problem found in the knowledge files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path of the file relative to the knowledge folder, e.g. `topics/medsos.toml`.
    pub file: String,
    /// 1-based line, when the problem can be pinned to one.
    pub line: Option<usize>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Why the knowledge base could not be loaded. Nothing is served when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The knowledge folder (or a file in it) could not be read.
    #[error("cannot read knowledge from {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The files were read, but they contain problems.
    #[error("{} problem(s) in the knowledge files:\n{}", .0.len(), display_all(.0))]
    Invalid(Vec<Problem>),
}

fn display_all(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

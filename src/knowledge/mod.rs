//! The knowledge base: what netral knows, loaded from the TOML files under `knowledge/`.
//!
//! This module owns the data model (topics, news articles, small talk, out-of-scope entries,
//! lexicon, messages, matcher settings) and the loader that validates it. It is the only part
//! of the core that reads files, and it never hands out a partially loaded knowledge base:
//! [`KnowledgeBase::load`] returns every problem it found, each with `file:line`, or a
//! complete, consistent [`KnowledgeBase`]. The format is documented in `knowledge/README.md`.

pub mod citations;
mod conversation;
mod error;
pub mod freshness;
pub mod import;
mod load;
mod model;

pub use conversation::{Aspect, AspectCue, CONVERSATION_MESSAGE_KEYS, ConversationCues};
pub use error::{LoadError, Problem};
pub use load::{Files, builtin_files, builtin_model};
pub use model::*;

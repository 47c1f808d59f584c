//! The shared Q&A core: text in, a structured [`Reply`] out.
//!
//! Pure and synchronous: no async, no platform types, no I/O (the knowledge is loaded by
//! [`crate::knowledge`] before the engine is built). Every front end — the command line,
//! Telegram, Discord — calls [`Engine::ask`] (or [`Engine::ask_in`] with the conversation's
//! [`Context`], which the front end keeps) and renders the same [`Reply`].

pub mod confidence;
mod context;
mod engine;
pub mod features;
mod followup;
mod index;
pub mod intent;
pub mod normalise;
pub mod query;
pub mod render;
mod reply;
pub mod train;
pub mod typo;

pub use context::Context;
pub use engine::{Candidate, Engine, Explanation, intent_settings};
pub use index::{EntryKind, QueryTerm};
pub use reply::{DeclineReason, Link, Quote, Reply};
pub mod record;

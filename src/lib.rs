//! netral: answers Indonesian civil servants' questions about political neutrality (netralitas
//! ASN) from a curated knowledge base.
//!
//! - [`knowledge`] loads and validates the knowledge files (`knowledge/`).
//! - [`core`] matches a question and builds a platform-neutral [`core::Reply`].
//! - [`cli`] is the command line and REPL; `telegram` and `discord` are the chat adapters;
//!   `store` records declined questions and feedback for curators; [`secret`] keeps tokens
//!   out of logs and errors; [`chat_memory`] keeps each chat's conversation context for the
//!   front ends (bounded, in memory); [`metrics`] counts what an operator watches and serves
//!   `/healthz` and `/metrics`; [`shutdown`] is the stop signal the long-running front ends share.
//!
//! The core never does I/O beyond loading knowledge; adapters only parse events, call the
//! core and render its reply.

pub mod chat_memory;
pub mod cli;
pub mod core;
pub mod discord;
pub mod http;
pub mod knowledge;
pub mod metrics;
pub mod secret;
pub mod shutdown;
pub mod store;
pub mod telegram;

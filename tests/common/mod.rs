//! Helpers shared by the integration tests.

pub mod fake_discord;
pub mod openapi;
pub mod pg;
pub mod store_cells;
pub mod store_script;

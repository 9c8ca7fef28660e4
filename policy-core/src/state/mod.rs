//! Session state shared by the hook processes of one agent session: rate-limit
//! counters and taint, kept by a [`SessionStore`](store::SessionStore).
//!
//! Every tool call is a fresh hook process and parallel tool calls run
//! concurrently, so the state lives on disk and every update happens under an
//! exclusive file lock. Time comes from a [`Clock`], which
//! `AGENT_POLICY_CLOCK` fixes for tests and replays.

mod clock;
mod dirs;

pub use clock::{Clock, ClockError};
pub use dirs::default_state_dir;

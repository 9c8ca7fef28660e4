//! Session state shared by the hook processes of one agent session: rate-limit
//! counters and taint, kept by a [`SessionStore`] and applied by a [`Tracker`].
//!
//! Every tool call is a fresh hook process and parallel tool calls run
//! concurrently, so the default store ([`FileStore`]) keeps one small file per
//! session and updates it under an exclusive file lock. Time comes from a
//! [`Clock`], which `AGENT_POLICY_CLOCK` fixes for tests and replays.
//!
//! * **Rate limits**: sliding windows `(t - per, t]` per session, counted on
//!   PreToolUse only, refused calls included ([`rate`]).
//! * **Taint**: a PostToolUse that brings third-party content (WebFetch,
//!   WebSearch, MCP fetch tools, `curl`/`wget` from a non-local host) marks the
//!   session; until `clears_after` past the latest such event, actions matched
//!   by rules with an escalated tag (`egress`, `destructive`, `credential`,
//!   `persistence`) need a human ([`taint`]).
//! * A state that cannot be read counts as tainted, never as clean.

mod clock;
mod config;
mod dirs;
mod file;
pub mod rate;
mod session;
mod store;
pub mod taint;
mod tracker;

pub use clock::{Clock, ClockError};
pub use config::{tool_glob, RateLimit, TaintConfig, DEFAULT_TAINT_MS};
pub use dirs::default_state_dir;
pub use file::{FileStore, MAX_STATE_BYTES};
pub use session::{SessionId, SessionState, Taint, TaintSource, MAX_PLAIN_ID, STATE_VERSION};
pub use store::{MemoryStore, SessionStore, StateError};
pub use tracker::{Note, StatePolicy, Tracker};

//! The tamper-evident audit log: one JSON line per hook decision, each
//! carrying the SHA-256 of the line before it, with no secret value in it.
//!
//! * [`record`]: what a line holds ([`Entry`]), redacted with
//!   [`crate::scrub_json`] and capped ([`record::MAX_LINE_BYTES`],
//!   [`record::MAX_FIELD_BYTES`], [`record::MAX_LIST`]);
//! * [`chain`]: the hash of a line and the link to the previous one;
//! * [`writer`]: appending under an exclusive lock with `O_APPEND`, optional
//!   `fsync`, torn lines after a crash acknowledged, a head file for
//!   truncation;
//! * [`verify`](mod@verify): the first broken line and what is wrong with it;
//! * [`read`]: the last lines, or one record, for `policy-cli audit`;
//! * [`config`]: where the log is and how it is written, from the policy.
//!
//! A line (wrapped here):
//!
//! ```text
//! {"v":1,"seq":42,"time":1732000000,"session":"4f1c…","agent":"claude",
//!  "event":"PreToolUse","tool":"Bash","cwd":"/home/dev/project","decision":"deny",
//!  "rules":["secret.in-call"],"summary":["exec curl -H 'token [REDACTED:github-token]' …"],
//!  "secrets":["github-token"],"input":{"command":"curl -H 'token [REDACTED:github-token]' …"},
//!  "prev":"9c1e…","hash":"51ab…"}
//! ```
//!
//! The format, concurrency and failure modes are documented in
//! `docs/audit.md`.
//!
//! What the chain proves: that no line was edited, removed, reordered or
//! inserted *unless every later line was rewritten too* (the hash is not
//! keyed: whoever can write the file can recompute it). Ship the log, or at
//! least its head (`audit.jsonl.head`), somewhere the agent cannot write, and
//! compare: that is the anchor.

pub mod chain;
pub mod config;
pub mod head;
pub mod read;
pub mod record;
pub mod verify;
pub mod writer;

use std::path::PathBuf;

pub use config::AuditConfig;
pub use record::Entry;
pub use verify::{verify, Broken, Problem, Report};
pub use writer::{Appended, AuditLog};

/// The record format version (`v`).
pub const VERSION: u32 = 1;

/// Why the log could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// An I/O error on the log.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// The log file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Another process held the lock too long.
    #[error("{} is locked by another process (waited {waited_ms} ms)", path.display())]
    Locked {
        /// The log file.
        path: PathBuf,
        /// How long the append waited.
        waited_ms: u64,
    },
    /// The end of the log is not a record to chain onto.
    #[error("{}: {problem}", path.display())]
    BrokenTail {
        /// The log file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// No log location: no `audit.path` and no state directory.
    #[error("no audit log location: set `audit.path` in the policy, or AGENT_POLICY_STATE_DIR, XDG_STATE_HOME or HOME")]
    NoLocation,
}

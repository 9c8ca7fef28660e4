//! One session's state: rate-limit windows and taint.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the state file format.
pub const STATE_VERSION: u32 = 1;
/// Longest session id kept as the file name; longer ids are hashed.
pub const MAX_PLAIN_ID: usize = 128;

/// A session id made safe as a file name: ids of letters, digits, `.`, `_`
/// and `-` (not starting with `.`, at most [`MAX_PLAIN_ID`] bytes) are kept;
/// anything else (`../../etc/passwd`, `/`, control characters, very long ids)
/// becomes `h-` and the SHA-256 of the raw id, so it can never name a path
/// outside the state directory and distinct ids never share a file.
///
/// ```
/// use policy_core::state::SessionId;
/// assert_eq!(SessionId::new("abc-123").as_str(), "abc-123");
/// let evil = SessionId::new("../../etc/passwd");
/// assert!(evil.as_str().starts_with("h-") && !evil.as_str().contains('/'));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(String);

impl SessionId {
    /// The safe form of `raw`.
    pub fn new(raw: &str) -> SessionId {
        let plain = !raw.is_empty()
            && raw.len() <= MAX_PLAIN_ID
            && !raw.starts_with('.')
            && !raw.starts_with("h-")
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if plain {
            return SessionId(raw.to_string());
        }
        let digest = Sha256::digest(raw.as_bytes());
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        SessionId(format!("h-{hex}"))
    }

    /// Parses a name as stored on disk (as listed by a store); `None` if it is
    /// not one [`SessionId::new`] could produce.
    pub fn from_stored(name: &str) -> Option<SessionId> {
        if let Some(hex) = name.strip_prefix("h-") {
            return (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| SessionId(name.to_string()));
        }
        (SessionId::new(name).0 == name).then(|| SessionId(name.to_string()))
    }

    /// The safe id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What tainted a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaintSource {
    /// The tool (`WebFetch`, `Bash`, `mcp__fetch__fetch`).
    pub tool: String,
    /// What it fetched (a URL, a host, a program), capped in length.
    pub detail: String,
    /// When (unix milliseconds).
    pub at_ms: u64,
}

/// The session's taint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taint {
    /// The first source event of this taint period (unix ms).
    pub since_ms: u64,
    /// The taint lasts until this time (unix ms): the latest source plus the duration.
    pub until_ms: u64,
    /// The latest source.
    pub source: TaintSource,
    /// How many source events this period had.
    pub events: u32,
}

/// One session's state, as stored (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionState {
    /// Format version ([`STATE_VERSION`]).
    pub version: u32,
    /// Last update (unix ms).
    pub updated_ms: u64,
    /// PreToolUse calls recorded in this session.
    pub calls: u64,
    /// Taint, while it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taint: Option<Taint>,
    /// Rate-limit windows: counter → `(unix ms, calls)` buckets, oldest first.
    #[serde(default)]
    pub rates: BTreeMap<String, Vec<(u64, u32)>>,
    /// Set (never stored) when the stored state could not be read: the
    /// session is then treated as tainted, never as clean.
    #[serde(skip)]
    pub damaged: Option<String>,
}

impl SessionState {
    /// A fresh state.
    pub fn new() -> SessionState {
        SessionState {
            version: STATE_VERSION,
            ..SessionState::default()
        }
    }

    /// A state standing in for one that could not be read (`why`).
    pub fn damaged(why: String) -> SessionState {
        SessionState {
            damaged: Some(why),
            ..SessionState::new()
        }
    }

    /// The taint in force at `now_ms`, if any.
    pub fn taint_at(&self, now_ms: u64) -> Option<&Taint> {
        self.taint.as_ref().filter(|t| now_ms < t.until_ms)
    }

    /// What WASM rules receive as `session` (ABI v1, docs/wasm-abi.md):
    /// `tainted` (a damaged state counts as tainted), the taint's source and
    /// times when tainted, PreToolUse `calls` so far, and `recent_calls` per
    /// rate-limit counter (calls still recorded in its window buckets).
    ///
    /// ```
    /// use policy_core::state::SessionState;
    /// let s = SessionState::new();
    /// assert_eq!(s.facts(0)["tainted"], false);
    /// ```
    pub fn facts(&self, now_ms: u64) -> serde_json::Value {
        let taint = self.taint_at(now_ms).map(|t| {
            serde_json::json!({
                "tool": t.source.tool,
                "detail": t.source.detail,
                "since_ms": t.since_ms,
                "until_ms": t.until_ms,
            })
        });
        let recent: serde_json::Map<String, serde_json::Value> = self
            .rates
            .iter()
            .map(|(k, b)| {
                let n: u64 = b.iter().map(|(_, c)| u64::from(*c)).sum();
                (k.clone(), n.into())
            })
            .collect();
        serde_json::json!({
            "tainted": taint.is_some() || self.damaged.is_some(),
            "taint": taint,
            "damaged": self.damaged.is_some(),
            "calls": self.calls,
            "recent_calls": recent,
        })
    }

    /// Calls in `counter`'s window `(now - window, now]`.
    pub fn count(&self, counter: &str, now_ms: u64, window_ms: u64) -> u32 {
        self.rates
            .get(counter)
            .map(|b| super::rate::in_window(b, now_ms, window_ms))
            .unwrap_or(0)
    }
}

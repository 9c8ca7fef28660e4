//! Where session state (and, by default, the audit log) lives.

use std::path::PathBuf;

/// The state directory: `$AGENT_POLICY_STATE_DIR`, else
/// `$XDG_STATE_HOME/agent-policy`, else `~/.local/state/agent-policy`.
/// Relative values are ignored (a hook's cwd is the agent's, not ours).
/// `None` when none of these is set.
///
/// ```
/// let dir = policy_core::state::default_state_dir();
/// assert!(dir.map_or(true, |d| d.is_absolute()));
/// ```
pub fn default_state_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    var("AGENT_POLICY_STATE_DIR")
        .or_else(|| var("XDG_STATE_HOME").map(|d| d.join("agent-policy")))
        .or_else(|| var("HOME").map(|h| h.join(".local").join("state").join("agent-policy")))
}

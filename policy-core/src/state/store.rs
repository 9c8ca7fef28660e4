//! The [`SessionStore`] trait: where session state lives.

use std::path::PathBuf;

use super::session::{SessionId, SessionState};

/// A session store failed (the state directory is not writable, a lock
/// could not be taken, ...).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// An I/O error on a path.
    #[error("session state: {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// No state directory is configured.
    #[error(
        "session state: no state directory (set AGENT_POLICY_STATE_DIR, XDG_STATE_HOME or HOME)"
    )]
    NoDirectory,
    /// Another failure.
    #[error("session state: {0}")]
    Other(String),
}

/// Keeps each session's [`SessionState`]. Implementations must make
/// [`SessionStore::update`] atomic with respect to every other update of the
/// same session, across threads *and processes* (parallel tool calls run
/// concurrent hook processes): no lost counts.
///
/// A state that exists but cannot be read (corrupt, wrong version, too big)
/// is returned as [`SessionState::damaged`], which the rules treat as
/// tainted; it is never silently reset to a clean state.
pub trait SessionStore: Send + Sync {
    /// The session's state (a fresh one when it has none).
    fn load(&self, id: &SessionId) -> Result<SessionState, StateError>;

    /// Reads, changes with `f` and writes back the session's state, as one
    /// atomic step; returns the state as written.
    fn update(
        &self,
        id: &SessionId,
        f: &mut dyn FnMut(&mut SessionState),
    ) -> Result<SessionState, StateError>;

    /// The sessions that have state.
    fn list(&self) -> Result<Vec<SessionId>, StateError>;

    /// Forgets a session; true when it had state.
    fn clear(&self, id: &SessionId) -> Result<bool, StateError>;
}

/// A store in memory, for embedders whose agent runs in one process and for
/// tests.
///
/// ```
/// use policy_core::state::{MemoryStore, SessionId, SessionStore};
/// let store = MemoryStore::default();
/// let id = SessionId::new("s1");
/// store.update(&id, &mut |s| s.calls += 1).unwrap();
/// assert_eq!(store.load(&id).unwrap().calls, 1);
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: std::sync::Mutex<std::collections::BTreeMap<SessionId, SessionState>>,
}

impl MemoryStore {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<SessionId, SessionState>> {
        // A panic while holding the lock cannot leave a half-written state:
        // updates replace whole values.
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SessionStore for MemoryStore {
    fn load(&self, id: &SessionId) -> Result<SessionState, StateError> {
        Ok(self
            .lock()
            .get(id)
            .cloned()
            .unwrap_or_else(SessionState::new))
    }

    fn update(
        &self,
        id: &SessionId,
        f: &mut dyn FnMut(&mut SessionState),
    ) -> Result<SessionState, StateError> {
        let mut map = self.lock();
        let mut state = map.get(id).cloned().unwrap_or_else(SessionState::new);
        f(&mut state);
        map.insert(id.clone(), state.clone());
        Ok(state)
    }

    fn list(&self) -> Result<Vec<SessionId>, StateError> {
        Ok(self.lock().keys().cloned().collect())
    }

    fn clear(&self, id: &SessionId) -> Result<bool, StateError> {
        Ok(self.lock().remove(id).is_some())
    }
}

//! [`FileStore`]: one small JSON file per session under the state directory,
//! updated under an exclusive lock with write-to-temp and rename.
//!
//! Layout: `DIR/sessions/ID.json` holds the state; `DIR/sessions/ID.lock`
//! is the lock (never replaced, so every process locks the same inode; the
//! state file itself is replaced by each update). Readers that do not update
//! (taint checks) read the state file without the lock: the rename makes
//! every version they see complete.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::session::{SessionId, SessionState, STATE_VERSION};
use super::store::{SessionStore, StateError};

/// Largest state file read; a bigger one is damaged (treated as tainted).
pub const MAX_STATE_BYTES: u64 = 1024 * 1024;

/// The default store: files under a directory.
///
/// ```
/// use policy_core::state::{FileStore, SessionId, SessionStore};
/// let dir = tempfile::tempdir().unwrap();
/// let store = FileStore::new(dir.path());
/// let id = SessionId::new("s1");
/// store.update(&id, &mut |s| s.calls += 1).unwrap();
/// store.update(&id, &mut |s| s.calls += 1).unwrap();
/// assert_eq!(store.load(&id).unwrap().calls, 2);
/// assert_eq!(store.list().unwrap(), vec![id]);
/// ```
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
    move |source| StateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl FileStore {
    /// A store in `dir` (created on the first update).
    pub fn new(dir: impl Into<PathBuf>) -> FileStore {
        FileStore { dir: dir.into() }
    }

    /// The store in [`super::default_state_dir`].
    pub fn from_env() -> Result<FileStore, StateError> {
        super::default_state_dir()
            .map(FileStore::new)
            .ok_or(StateError::NoDirectory)
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn sessions(&self) -> PathBuf {
        self.dir.join("sessions")
    }

    /// The state file of `id`.
    pub fn state_path(&self, id: &SessionId) -> PathBuf {
        self.sessions().join(format!("{}.json", id.as_str()))
    }

    fn lock_path(&self, id: &SessionId) -> PathBuf {
        self.sessions().join(format!("{}.lock", id.as_str()))
    }

    /// Takes the session's exclusive lock (released when the file closes).
    fn lock(&self, id: &SessionId) -> Result<File, StateError> {
        let path = self.lock_path(id);
        let open = || {
            OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        };
        // The directory exists after a session's first call: create it only
        // when the lock file cannot be created without it.
        let file = match open() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let sessions = self.sessions();
                fs::create_dir_all(&sessions).map_err(io(&sessions))?;
                open()
            }
            other => other,
        }
        .map_err(io(&path))?;
        file.lock().map_err(io(&path))?;
        Ok(file)
    }

    fn read(&self, id: &SessionId) -> Result<SessionState, StateError> {
        let path = self.state_path(id);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SessionState::new()),
            Err(e) => return Err(io(&path)(e)),
        };
        let mut bytes = Vec::new();
        file.take(MAX_STATE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io(&path))?;
        if bytes.len() as u64 > MAX_STATE_BYTES {
            return Ok(SessionState::damaged(format!(
                "{} is larger than {} KiB",
                path.display(),
                MAX_STATE_BYTES / 1024
            )));
        }
        Ok(match serde_json::from_slice::<SessionState>(&bytes) {
            Ok(s) if s.version == STATE_VERSION => s,
            Ok(s) => SessionState::damaged(format!(
                "{} has format version {}, expected {STATE_VERSION}",
                path.display(),
                s.version
            )),
            Err(e) => SessionState::damaged(format!("{} is corrupt: {e}", path.display())),
        })
    }

    fn write(&self, id: &SessionId, state: &SessionState) -> Result<(), StateError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let path = self.state_path(id);
        let tmp = self.sessions().join(format!(
            ".{}.{}.{}.tmp",
            id.as_str(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut bytes = serde_json::to_vec(state).map_err(|e| StateError::Other(e.to_string()))?;
        bytes.push(b'\n');
        let result = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(&bytes)?;
            fs::rename(&tmp, &path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(io(&path))
    }
}

impl SessionStore for FileStore {
    fn load(&self, id: &SessionId) -> Result<SessionState, StateError> {
        self.read(id)
    }

    fn update(
        &self,
        id: &SessionId,
        f: &mut dyn FnMut(&mut SessionState),
    ) -> Result<SessionState, StateError> {
        let _lock = self.lock(id)?;
        let mut state = self.read(id)?;
        f(&mut state);
        // What was damaged is now recorded in the state (as taint) by `f`.
        state.damaged = None;
        state.version = STATE_VERSION;
        self.write(id, &state)?;
        Ok(state)
    }

    fn list(&self) -> Result<Vec<SessionId>, StateError> {
        let sessions = self.sessions();
        let entries = match fs::read_dir(&sessions) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&sessions)(e)),
        };
        let mut out: Vec<SessionId> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name();
                let name = name.to_str()?;
                SessionId::from_stored(name.strip_suffix(".json")?)
            })
            .collect();
        out.sort();
        Ok(out)
    }

    fn clear(&self, id: &SessionId) -> Result<bool, StateError> {
        let _lock = self.lock(id)?;
        let path = self.state_path(id);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io(&path)(e)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn damaged_files_are_reported_and_replaced_by_the_update() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let id = SessionId::new("s");
        fs::create_dir_all(dir.path().join("sessions")).unwrap();
        fs::write(store.state_path(&id), b"{not json").unwrap();
        let s = store.load(&id).unwrap();
        assert!(s.damaged.as_deref().unwrap().contains("corrupt"));
        let mut seen = None;
        let written = store
            .update(&id, &mut |s| seen = s.damaged.clone())
            .unwrap();
        assert!(seen.is_some(), "the update sees the damage");
        assert!(written.damaged.is_none());
        assert!(store.load(&id).unwrap().damaged.is_none());
    }

    #[test]
    fn oversized_files_are_damaged_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let id = SessionId::new("big");
        fs::create_dir_all(dir.path().join("sessions")).unwrap();
        fs::write(
            store.state_path(&id),
            vec![b' '; MAX_STATE_BYTES as usize + 1],
        )
        .unwrap();
        assert!(store.load(&id).unwrap().damaged.unwrap().contains("larger"));
    }

    #[test]
    fn clear_and_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let a = SessionId::new("a");
        let b = SessionId::new("../b");
        store.update(&a, &mut |_| {}).unwrap();
        store.update(&b, &mut |_| {}).unwrap();
        let mut want = vec![a.clone(), b.clone()];
        want.sort();
        assert_eq!(store.list().unwrap(), want);
        assert!(store.clear(&a).unwrap());
        assert!(!store.clear(&a).unwrap());
        assert_eq!(store.list().unwrap(), vec![b]);
    }

    #[test]
    fn stored_names_round_trip() {
        for raw in ["abc", "4f1c2a9e-7b3d", "../x", "h-abc", ".x", ""] {
            let id = SessionId::new(raw);
            assert_eq!(
                SessionId::from_stored(id.as_str()),
                Some(id.clone()),
                "{raw}"
            );
        }
        assert_eq!(SessionId::from_stored("../x"), None);
        assert_eq!(SessionId::from_stored("h-zz"), None);
    }
}

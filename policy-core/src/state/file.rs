//! [`FileStore`]: one small JSON file per session under the state directory,
//! rewritten in place under an exclusive lock.
//!
//! Layout: `DIR/sessions/ID.json` holds the state; `DIR/sessions/ID.lock`
//! is the lock (a separate file, so the lock outlives `clear`). An update
//! takes the lock exclusively, reads the state, and overwrites it from
//! offset 0 with one `write`. A shorter state is padded with spaces to the
//! old length (JSON allows trailing white space), so there is no moment at
//! which the file holds the new state followed by the old one's tail; the
//! padding is cut off by a `set_len` after the write only when it exceeds
//! [`MAX_PADDING`]. Readers that do not update (taint checks) take the lock
//! shared, so they never see a write in progress.
//!
//! Why not write-to-temp and `rename`: on ext4 a rename over an existing file
//! forces the new file's blocks out, ~0.3 ms of a ~3 ms hook call
//! (`BENCHMARKS.md`). The hook's deadline `_exit`s from a signal handler,
//! which runs between system calls, never inside the one `write`. A state
//! torn anyway (the process killed by `SIGKILL` inside a write of more than
//! a page, a power loss) does not parse, and a state that does not parse
//! counts as tainted: the failure is closed.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use super::session::{SessionId, SessionState, STATE_VERSION};
use super::store::{SessionStore, StateError};

/// Largest state file read; a bigger one is damaged (treated as tainted).
pub const MAX_STATE_BYTES: u64 = 1024 * 1024;

/// Most trailing padding an update leaves behind: beyond this, the file is
/// cut to the state's length after the write (one more system call).
pub const MAX_PADDING: usize = 4096;

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

    /// Reads the state from `file` (an empty file is a new session).
    fn read_from(file: &mut File, path: &Path) -> Result<(SessionState, usize), StateError> {
        let mut bytes = Vec::with_capacity(4096);
        file.take(MAX_STATE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io(path))?;
        let len = bytes.len();
        if len as u64 > MAX_STATE_BYTES {
            let damaged = SessionState::damaged(format!(
                "{} is larger than {} KiB",
                path.display(),
                MAX_STATE_BYTES / 1024
            ));
            return Ok((damaged, len));
        }
        if len == 0 {
            // Created by an update that has not written yet (or died
            // before): the session has no state, as if the file were missing.
            return Ok((SessionState::new(), 0));
        }
        let state = match serde_json::from_slice::<SessionState>(&bytes) {
            Ok(s) if s.version == STATE_VERSION => s,
            Ok(s) => SessionState::damaged(format!(
                "{} has format version {}, expected {STATE_VERSION}",
                path.display(),
                s.version
            )),
            Err(e) => SessionState::damaged(format!("{} is corrupt: {e}", path.display())),
        };
        Ok((state, len))
    }

    /// Overwrites the state in `file`, whose old content was `old_len` bytes.
    fn write_to(
        file: &mut File,
        path: &Path,
        state: &SessionState,
        old_len: usize,
    ) -> Result<(), StateError> {
        let mut bytes = serde_json::to_vec(state).map_err(|e| StateError::Other(e.to_string()))?;
        bytes.push(b'\n');
        let len = bytes.len();
        if len < old_len {
            bytes.resize(old_len, b' ');
        }
        file.seek(SeekFrom::Start(0)).map_err(io(path))?;
        file.write_all(&bytes).map_err(io(path))?;
        if old_len.saturating_sub(len) > MAX_PADDING {
            file.set_len(len as u64).map_err(io(path))?;
        }
        Ok(())
    }
}

/// Opens a state file, for reading or (`write`) for an update, never through
/// a symbolic link: the update writes in place, and a link planted at the
/// state's name would aim that write at another file. A link is an error (on
/// Unix, `O_NOFOLLOW`), which the hook treats as a failing store: tainted.
fn open_state(path: &Path, write: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    if write {
        options.write(true).create(true).truncate(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

impl SessionStore for FileStore {
    fn load(&self, id: &SessionId) -> Result<SessionState, StateError> {
        // Shared lock: no update writes while the state is read. Without a
        // lock file there has been no update to wait for (the state file,
        // if someone left one, is read as it is).
        let lock_path = self.lock_path(id);
        let _lock = match File::open(&lock_path) {
            Ok(lock) => {
                lock.lock_shared().map_err(io(&lock_path))?;
                Some(lock)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&lock_path)(e)),
        };
        let path = self.state_path(id);
        let mut file = match open_state(&path, false) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SessionState::new()),
            Err(e) => return Err(io(&path)(e)),
        };
        Self::read_from(&mut file, &path).map(|(state, _)| state)
    }

    fn update(
        &self,
        id: &SessionId,
        f: &mut dyn FnMut(&mut SessionState),
    ) -> Result<SessionState, StateError> {
        let _lock = self.lock(id)?;
        let path = self.state_path(id);
        let mut file = open_state(&path, true).map_err(io(&path))?;
        let (mut state, old_len) = Self::read_from(&mut file, &path)?;
        f(&mut state);
        // What was damaged is now recorded in the state (as taint) by `f`.
        state.damaged = None;
        state.version = STATE_VERSION;
        Self::write_to(&mut file, &path, &state, old_len)?;
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

    /// A store in a new directory, and session `name` of it.
    fn new_store(name: &str) -> (tempfile::TempDir, FileStore, SessionId) {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        (dir, store, SessionId::new(name))
    }

    /// A store whose session `name` has a state file holding `bytes`.
    fn store_with_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, FileStore, SessionId) {
        let (dir, store, id) = new_store(name);
        fs::create_dir_all(dir.path().join("sessions")).unwrap();
        fs::write(store.state_path(&id), bytes).unwrap();
        (dir, store, id)
    }

    #[test]
    fn damaged_files_are_reported_and_replaced_by_the_update() {
        let (_dir, store, id) = store_with_file("s", b"{not json");
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

    /// A state whose JSON takes about `n` timestamps.
    fn with_rates(n: u64) -> impl FnMut(&mut SessionState) {
        move |s: &mut SessionState| {
            s.rates.insert("r".into(), (0..n).map(|i| (i, 1)).collect());
        }
    }

    #[test]
    fn a_shorter_state_is_padded_in_place_and_reads_back() {
        let (_dir, store, id) = new_store("pad");
        store.update(&id, &mut with_rates(100)).unwrap();
        let long = fs::metadata(store.state_path(&id)).unwrap().len();
        store.update(&id, &mut with_rates(3)).unwrap();
        let bytes = fs::read(store.state_path(&id)).unwrap();
        assert_eq!(bytes.len() as u64, long, "padded to the old length");
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.trim_end().ends_with('}'));
        assert!(text.len() - text.trim_end().len() > 100, "trailing spaces");
        let back = store.load(&id).unwrap();
        assert!(back.damaged.is_none());
        assert_eq!(back.rates["r"].len(), 3);
    }

    #[test]
    fn padding_beyond_the_limit_is_cut_off() {
        let (_dir, store, id) = new_store("cut");
        store.update(&id, &mut with_rates(2000)).unwrap();
        assert!(fs::metadata(store.state_path(&id)).unwrap().len() > 2 * MAX_PADDING as u64);
        let state = store.update(&id, &mut with_rates(1)).unwrap();
        let want = serde_json::to_vec(&state).unwrap().len() as u64 + 1;
        assert_eq!(fs::metadata(store.state_path(&id)).unwrap().len(), want);
        assert_eq!(store.load(&id).unwrap().rates["r"].len(), 1);
    }

    #[test]
    fn a_new_state_followed_by_an_old_tail_is_damaged() {
        // What a write torn after its first bytes would leave: not a state
        // to trust, so it counts as damaged (tainted), never as clean.
        let (_dir, store, id) = new_store("torn");
        store.update(&id, &mut with_rates(50)).unwrap();
        let mut bytes = fs::read(store.state_path(&id)).unwrap();
        let short = br#"{"version":1,"calls":1}"#;
        bytes[..short.len()].copy_from_slice(short);
        fs::write(store.state_path(&id), &bytes).unwrap();
        assert!(store
            .load(&id)
            .unwrap()
            .damaged
            .unwrap()
            .contains("corrupt"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_state_s_name_is_neither_followed_nor_written() {
        let (dir, store, id) = new_store("link");
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        fs::create_dir_all(dir.path().join("sessions")).unwrap();
        std::os::unix::fs::symlink(&victim, store.state_path(&id)).unwrap();
        assert!(store.update(&id, &mut |s| s.calls += 1).is_err());
        assert!(store.load(&id).is_err());
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
    }

    #[test]
    fn an_empty_state_file_is_a_new_session() {
        let (_dir, store, id) = store_with_file("empty", b"");
        let s = store.load(&id).unwrap();
        assert!(s.damaged.is_none());
        assert_eq!(s.calls, 0);
        assert_eq!(store.update(&id, &mut |s| s.calls += 1).unwrap().calls, 1);
    }

    #[test]
    fn threads_updating_in_place_lose_no_count() {
        let (_dir, store, id) = new_store("threads");
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                let (store, id) = (&store, &id);
                scope.spawn(move || {
                    for i in 0..50u64 {
                        // Lengths go up and down, so writes pad and grow.
                        store
                            .update(id, &mut |s| {
                                s.calls += 1;
                                s.rates
                                    .insert("r".into(), vec![(1, 1); ((t * 7 + i) % 40) as usize]);
                            })
                            .unwrap();
                        let seen = store.load(id).unwrap();
                        assert!(seen.damaged.is_none(), "{:?}", seen.damaged);
                    }
                });
            }
        });
        assert_eq!(store.load(&id).unwrap().calls, 200);
    }

    #[test]
    fn oversized_files_are_damaged_not_read() {
        let (_dir, store, id) = store_with_file("big", &vec![b' '; MAX_STATE_BYTES as usize + 1]);
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

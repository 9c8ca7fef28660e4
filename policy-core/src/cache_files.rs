//! File handling shared by the on-disk caches (compiled policies in
//! [`crate::policy::cache`], precompiled WASM modules in `policy-wasm`):
//! atomic writes, a fast integrity checksum, pruning by age, hex names.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Lower-case hex of `b`.
///
/// ```
/// assert_eq!(policy_core::cache_files::hex(&[0, 255]), "00ff");
/// ```
pub fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(b.len() * 2);
    for &x in b {
        out.push(char::from(DIGITS[usize::from(x >> 4)]));
        out.push(char::from(DIGITS[usize::from(x & 0xf)]));
    }
    out
}

/// A 64-bit checksum of a cache payload (four lanes, so it runs at memory
/// speed). It detects torn or corrupted files, not tampering: cache keys are
/// SHA-256, and the files live in the user's own directory.
///
/// ```
/// use policy_core::cache_files::checksum;
/// assert_ne!(checksum(b"abc"), checksum(b"abd"));
/// ```
pub fn checksum(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lanes = [K, K ^ 1, K ^ 2, K ^ 3];
    let mut chunks = b.chunks_exact(32);
    for c in &mut chunks {
        for (i, lane) in lanes.iter_mut().enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(c.get(i * 8..i * 8 + 8).unwrap_or(&[0; 8]));
            *lane = (*lane ^ u64::from_le_bytes(w))
                .wrapping_mul(K)
                .rotate_left(31);
        }
    }
    let mut h = (b.len() as u64).wrapping_mul(K);
    for (i, x) in chunks.remainder().iter().enumerate() {
        h ^= u64::from(*x) << ((i % 8) * 8);
        if i % 8 == 7 {
            h = h.wrapping_mul(K).rotate_left(27);
        }
    }
    for lane in lanes {
        h = (h ^ lane).wrapping_mul(K).rotate_left(29);
    }
    h ^ (h >> 32)
}

/// Writes `bytes` to `path` through a new temporary file in `dir` (created
/// when missing) and a rename, so readers never see a partial file. With
/// `private`, the file is readable by its owner only (mode 0600). False when
/// anything failed (the temporary file is removed).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("x.bin");
/// assert!(policy_core::cache_files::write_atomic(dir.path(), &path, b"data", true));
/// assert_eq!(std::fs::read(&path).unwrap(), b"data");
/// ```
pub fn write_atomic(dir: &Path, path: &Path, bytes: &[u8], private: bool) -> bool {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if std::fs::create_dir_all(dir).is_err() {
        return false;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(
        ".tmp-{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let ok = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| std::fs::rename(&tmp, path))
        .is_ok();
    if !ok {
        let _ = std::fs::remove_file(&tmp);
    }
    ok
}

/// Keeps at most `max - 1` files with `extension` in `dir` besides `keep`
/// (the entry just written), removing the oldest by modification time first.
/// Concurrent processes may race on the same files; a removed entry is
/// simply rebuilt by whoever needs it.
pub fn prune(dir: &Path, extension: &str, keep: &Path, max: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == extension) && p != keep)
        .filter_map(|p| {
            let m = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            Some((m, p))
        })
        .collect();
    if files.len() < max {
        return;
    }
    files.sort();
    let excess = files.len() + 1 - max;
    for (_, p) in files.into_iter().take(excess) {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn prune_keeps_the_newest_and_the_kept_entry() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::time::SystemTime::now() - std::time::Duration::from_secs(1000);
        for i in 0..5u64 {
            let p = dir.path().join(format!("{i}.policy"));
            std::fs::write(&p, b"x").unwrap();
            let f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
            f.set_modified(base + std::time::Duration::from_secs(i * 10))
                .unwrap();
        }
        std::fs::write(dir.path().join("other.txt"), b"x").unwrap();
        let keep = dir.path().join("0.policy");
        prune(dir.path(), "policy", &keep, 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["0.policy", "3.policy", "4.policy", "other.txt"]);
    }
}

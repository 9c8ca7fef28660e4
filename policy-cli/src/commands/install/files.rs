//! Reading config files, backups and atomic writes that keep permissions.

use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Largest config file read.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The file a path stands for: a symlink (dotfile managers use them) is
/// followed, so writes land in its target instead of replacing the link.
pub fn resolve(path: &Path) -> Result<PathBuf, String> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|e| format!("{}: broken symlink: {e}", path.display()))
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// The text of `path`, `None` when it does not exist.
pub fn read(path: &Path) -> Result<Option<String>, String> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!("{}: not a regular file", path.display()));
    }
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "{}: larger than {MAX_BYTES} bytes; refusing to edit it",
            path.display()
        ));
    }
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map(Some).map_err(|e| {
        format!(
            "{}: not UTF-8 (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A fresh backup name: `<file>.bak-<unix time>` (with `-N` when taken).
fn backup_name(path: &Path) -> PathBuf {
    let base = format!("{}.bak-{}", path.display(), unix_time());
    let mut candidate = PathBuf::from(&base);
    let mut n = 1;
    while fs::symlink_metadata(&candidate).is_ok() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// Copies `path` to a fresh backup; returns the backup's path.
pub fn backup(path: &Path) -> Result<PathBuf, String> {
    let to = backup_name(path);
    fs::copy(path, &to)
        .map_err(|e| format!("{}: backup to {}: {e}", path.display(), to.display()))?;
    Ok(to)
}

/// Moves `path` to a fresh backup (the file is removed); returns the backup's path.
pub fn move_to_backup(path: &Path) -> Result<PathBuf, String> {
    let to = backup_name(path);
    fs::rename(path, &to)
        .map_err(|e| format!("{}: move to {}: {e}", path.display(), to.display()))?;
    Ok(to)
}

/// Writes `text` to `path` atomically (a temporary file in the same directory,
/// then a rename). An existing file's permissions are kept; a new file gets
/// `new_mode` (Unix permission bits) when given, else the default.
pub fn write_atomic(path: &Path, text: &str, new_mode: Option<u32>) -> Result<(), String> {
    let err = |what: &str, e: std::io::Error| format!("{}: {what}: {e}", path.display());
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| err("creating its directory", e))?;
    let keep = fs::metadata(path).ok().map(|m| m.permissions());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(".{name}.tmp-{}-{nanos}", std::process::id()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| err("creating a temporary file", e))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| err("writing", e))?;
        drop(f);
        if let Some(p) = keep {
            fs::set_permissions(&tmp, p).map_err(|e| err("setting permissions", e))?;
        } else if let Some(mode) = new_mode {
            set_mode(&tmp, mode).map_err(|e| err("setting permissions", e))?;
        }
        fs::rename(&tmp, path).map_err(|e| err("replacing the file", e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

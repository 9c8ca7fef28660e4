//! Path handling: joining against a working directory and normalizing `.`,
//! `..` and `//` lexically ([`absolutize`], [`normalize_lexically`]), and
//! resolving symlinks the way the kernel will ([`resolve_real`]) for the
//! evaluator's boundary checks: a symlink inside the project that points
//! outside it is outside.

/// Joins `path` onto `cwd` (when relative) and normalizes it lexically.
/// Returns `None` when `path` is relative and `cwd` is unknown, or when the
/// path holds a NUL byte.
///
/// ```
/// use policy_core::paths::absolutize;
/// assert_eq!(absolutize("../x//./y", Some("/home/dev/project")).as_deref(), Some("/home/dev/x/y"));
/// assert_eq!(absolutize("/a/../../b", None).as_deref(), Some("/b"));
/// assert_eq!(absolutize("rel", None), None);
/// ```
pub fn absolutize(path: &str, cwd: Option<&str>) -> Option<String> {
    if path.contains('\0') {
        return None;
    }
    let joined;
    let full = if path.starts_with('/') {
        path
    } else {
        let base = cwd?;
        joined = format!("{base}/{path}");
        &joined
    };
    Some(normalize_lexically(full))
}

/// Normalizes an absolute path lexically: collapses `//`, drops `.`, applies `..`
/// (never above `/`), and removes a trailing slash.
///
/// ```
/// use policy_core::paths::normalize_lexically;
/// assert_eq!(normalize_lexically("/./home/./dev/"), "/home/dev");
/// assert_eq!(normalize_lexically("/.."), "/");
/// ```
pub fn normalize_lexically(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut out = String::with_capacity(path.len());
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The last path component of a command name (`rm` for `/usr/bin/../bin/rm`).
///
/// ```
/// use policy_core::paths::basename;
/// assert_eq!(basename("/usr/bin/rm"), "rm");
/// assert_eq!(basename("rm"), "rm");
/// ```
pub fn basename(name: &str) -> &str {
    let trimmed = name.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// The directory holding `path` (absolute and normalized); `/` for `/`.
///
/// ```
/// use policy_core::paths::parent;
/// assert_eq!(parent("/home/dev/project/bin/x"), "/home/dev/project/bin");
/// assert_eq!(parent("/x"), "/");
/// assert_eq!(parent("/"), "/");
/// ```
pub fn parent(path: &str) -> String {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((dir, _)) => dir.to_string(),
    }
}

/// The project root of `cwd`: the nearest ancestor holding `.git` (a directory
/// or a worktree file), else `cwd` itself. This reads the file system.
///
/// ```
/// use policy_core::paths::project_root;
/// let dir = std::env::temp_dir();
/// let root = project_root(&dir.to_string_lossy());
/// assert!(!root.is_empty());
/// ```
pub fn project_root(cwd: &str) -> String {
    let start = normalize_lexically(cwd);
    let mut cur = std::path::PathBuf::from(&start);
    loop {
        if cur.join(".git").exists() {
            return cur.to_string_lossy().into_owned();
        }
        if !cur.pop() {
            return start;
        }
    }
}

/// Longest path resolved ([`resolve_real`]); Linux's `PATH_MAX`.
pub const MAX_PATH_BYTES: usize = 4096;
/// Most symlinks followed while resolving one path (Linux's limit is 40).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// Why a path could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path holds a NUL byte (no system call accepts it).
    #[error("the path contains a NUL byte")]
    Nul,
    /// The path is longer than [`MAX_PATH_BYTES`].
    #[error("the path is longer than {MAX_PATH_BYTES} bytes")]
    TooLong,
    /// The path is relative.
    #[error("the path is not absolute")]
    Relative,
    /// More than [`MAX_SYMLINK_HOPS`] symlinks (a loop).
    #[error("more than {MAX_SYMLINK_HOPS} symbolic links (a loop?) in {0}")]
    Loop(String),
}

/// The real location of the absolute `path`: every symlink component is
/// followed (relative targets against the link's directory, `..` after a
/// link applies to its target, as the kernel does), and the part past the
/// deepest existing ancestor is kept lexically (a file about to be created).
/// A component that cannot be inspected (permission denied, not a
/// directory) ends the resolution there, like a missing one. For an existing
/// path this equals [`std::fs::canonicalize`].
///
/// ```
/// use policy_core::paths::resolve_real;
/// let dir = tempfile::tempdir().unwrap();
/// let root = std::fs::canonicalize(dir.path()).unwrap();
/// std::os::unix::fs::symlink("/etc", root.join("link")).unwrap();
/// let p = format!("{}/link/new-file", root.display());
/// assert_eq!(resolve_real(&p).unwrap(), "/etc/new-file");
/// ```
pub fn resolve_real(path: &str) -> Result<String, PathError> {
    if path.contains('\0') {
        return Err(PathError::Nul);
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(PathError::TooLong);
    }
    if !path.starts_with('/') {
        return Err(PathError::Relative);
    }
    // Components still to walk, in reverse (the next one is last).
    let mut todo: Vec<String> = path
        .split('/')
        .rev()
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let mut done = std::path::PathBuf::from("/");
    let mut hops = 0usize;
    let mut exists = true;
    while let Some(c) = todo.pop() {
        match c.as_str() {
            "." => continue,
            ".." => {
                done.pop();
                continue;
            }
            _ => {}
        }
        let next = done.join(&c);
        if !exists {
            done = next;
            continue;
        }
        match std::fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(PathError::Loop(path.to_string()));
                }
                let Ok(target) = std::fs::read_link(&next) else {
                    exists = false;
                    done = next;
                    continue;
                };
                let target = target.to_string_lossy().into_owned();
                if target.starts_with('/') {
                    done = std::path::PathBuf::from("/");
                }
                if todo.len() + target.len() > MAX_PATH_BYTES {
                    return Err(PathError::TooLong);
                }
                todo.extend(
                    target
                        .split('/')
                        .rev()
                        .filter(|c| !c.is_empty())
                        .map(str::to_string),
                );
            }
            Ok(_) => done = next,
            Err(_) => {
                exists = false;
                done = next;
            }
        }
    }
    Ok(done.to_string_lossy().into_owned())
}

/// True when `path` is `root` or inside it, component-wise
/// (`/home/dev/projectx` is not inside `/home/dev/project`). Both absolute
/// and normalized.
///
/// ```
/// use policy_core::paths::is_within;
/// assert!(is_within("/home/dev/project/src", "/home/dev/project"));
/// assert!(is_within("/home/dev/project", "/home/dev/project"));
/// assert!(!is_within("/home/dev/projectx", "/home/dev/project"));
/// assert!(is_within("/etc", "/"));
/// ```
pub fn is_within(path: &str, root: &str) -> bool {
    root == "/"
        || path == root
        || (path.len() > root.len()
            && path.starts_with(root)
            && path.as_bytes()[root.len()] == b'/')
}

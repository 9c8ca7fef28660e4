//! Lexical path handling: joining against a working directory and normalizing
//! `.`, `..` and `//` without touching the file system.
//!
//! Symlink-aware (realpath) boundary checks build on this in the evaluator.

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

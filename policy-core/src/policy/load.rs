//! Loading policy files: YAML with serde-saphyr (line:column errors, duplicate
//! keys rejected, node and depth budgets), a size cap, and `extends` of
//! builtin packs and relative files with cycle detection.

use std::path::{Path, PathBuf};

use crate::policy::error::PolicyError;
use crate::policy::schema::PolicyFile;

/// Largest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// Most files one policy may pull in through `extends`.
pub const MAX_POLICY_FILES: usize = 64;

/// The builtin packs, compiled into the binary: `extends: [builtin:NAME]`.
pub const BUILTINS: &[(&str, &str)] = &[
    ("default", include_str!("../../../rules/default.yaml")),
    (
        "self-protection",
        include_str!("../../../rules/self-protection.yaml"),
    ),
    (
        "packs/filesystem",
        include_str!("../../../rules/packs/filesystem.yaml"),
    ),
    (
        "packs/system",
        include_str!("../../../rules/packs/system.yaml"),
    ),
    (
        "packs/privilege",
        include_str!("../../../rules/packs/privilege.yaml"),
    ),
    ("packs/git", include_str!("../../../rules/packs/git.yaml")),
    (
        "packs/persistence",
        include_str!("../../../rules/packs/persistence.yaml"),
    ),
    ("packs/rce", include_str!("../../../rules/packs/rce.yaml")),
    (
        "packs/exfiltration",
        include_str!("../../../rules/packs/exfiltration.yaml"),
    ),
    (
        "packs/web-mcp",
        include_str!("../../../rules/packs/web-mcp.yaml"),
    ),
    (
        "packs/credentials",
        include_str!("../../../rules/packs/credentials.yaml"),
    ),
    (
        "packs/infra",
        include_str!("../../../rules/packs/infra.yaml"),
    ),
    (
        "packs/secrets",
        include_str!("../../../rules/packs/secrets.yaml"),
    ),
    (
        "packs/supply-chain",
        include_str!("../../../rules/packs/supply-chain.yaml"),
    ),
    (
        "packs/classes",
        include_str!("../../../rules/packs/classes.yaml"),
    ),
];

/// A 64-bit FNV-1a fingerprint of `text`, computable at compile time.
///
/// ```
/// use policy_core::policy::load::fingerprint;
/// assert_ne!(fingerprint("a"), fingerprint("b"));
/// ```
pub const fn fingerprint(text: &str) -> u64 {
    let b = text.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// [`fingerprint`] of each builtin pack's text, computed when the crate is
/// compiled (the cache keys builtin packs by it instead of hashing their text
/// at every start).
const BUILTIN_FINGERPRINTS: [u64; BUILTINS.len()] = {
    let mut out = [0u64; BUILTINS.len()];
    let mut i = 0;
    while i < BUILTINS.len() {
        out[i] = fingerprint(BUILTINS[i].1);
        i += 1;
    }
    out
};

/// The compile-time [`fingerprint`] of builtin pack `name`.
///
/// ```
/// use policy_core::policy::load::{builtin, builtin_fingerprint, fingerprint};
/// assert_eq!(builtin_fingerprint("default"), builtin("default").map(fingerprint));
/// ```
pub fn builtin_fingerprint(name: &str) -> Option<u64> {
    BUILTINS
        .iter()
        .position(|(n, _)| *n == name)
        .and_then(|i| BUILTIN_FINGERPRINTS.get(i).copied())
}

/// The text of builtin pack `name`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Parses one policy file's text; `name` is used in error messages.
pub fn parse_text(text: &str, name: &str) -> Result<PolicyFile, PolicyError> {
    if text.len() as u64 > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            path: PathBuf::from(name),
            size: text.len() as u64,
            limit: MAX_POLICY_BYTES,
        });
    }
    let options = serde_saphyr::Options::default();
    let file: PolicyFile = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = first_line(&e.to_string());
        PolicyError::Syntax {
            path: name.to_string(),
            line,
            column,
            message,
        }
    })?;
    if file.version != 1 {
        return Err(PolicyError::Invalid {
            path: name.to_string(),
            message: format!(
                "unsupported `version: {}` (this engine reads version 1)",
                file.version
            ),
        });
    }
    Ok(file)
}

/// The first line of a multi-line message, without the snippet serde-saphyr adds
/// and without its own `error: line N column M:` prefix (we print `file:line:col:`).
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s).trim();
    let rest = line.strip_prefix("error: ").unwrap_or(line);
    let msg = match rest.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((pos, msg)) if pos.contains(" column ") => msg,
        _ => rest,
    };
    // The parser's advice is for library users, not for policy authors.
    msg.trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable")
        .to_string()
}

/// One loaded file, in the order bases come before what extends them.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it came from (`path` or `builtin:NAME`).
    pub name: String,
    /// Its content.
    pub file: PolicyFile,
}

/// Where a policy comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// A builtin pack.
    Builtin(String),
    /// Text given directly (relative `extends` resolve against `base`).
    Text {
        /// Name for messages.
        name: String,
        /// The YAML.
        text: String,
        /// Directory for relative `extends`.
        base: PathBuf,
    },
}

fn read_file(path: &Path) -> Result<String, PolicyError> {
    let meta = std::fs::metadata(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Loads `source` and everything it extends, bases first. A file reached twice
/// on one chain is a cycle (an error naming the chain); reached twice on
/// different chains it is loaded once.
pub fn load_all(source: Source) -> Result<Vec<Loaded>, PolicyError> {
    Ok(load_all_with_texts(source)?
        .into_iter()
        .map(|(l, _)| l)
        .collect())
}

/// [`load_all`], also returning the text each file was parsed from (the
/// compiled-policy cache hashes exactly the bytes that were parsed).
pub fn load_all_with_texts(source: Source) -> Result<Vec<(Loaded, String)>, PolicyError> {
    let mut out: Vec<(Loaded, String)> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    // Explicit stack: (source, chain of names leading to it, children expanded?)
    enum Item {
        Visit(Source, Vec<String>),
        Emit(Box<(Loaded, String)>),
    }
    let mut stack = vec![Item::Visit(source, Vec::new())];
    while let Some(item) = stack.pop() {
        let (src, chain) = match item {
            Item::Emit(l) => {
                if !done.contains(&l.0.name) {
                    done.push(l.0.name.clone());
                    out.push(*l);
                }
                continue;
            }
            Item::Visit(s, c) => (s, c),
        };
        let (name, text, base) = match src {
            Source::Builtin(n) => {
                let text = builtin(&n).ok_or_else(|| PolicyError::Invalid {
                    path: chain.last().cloned().unwrap_or_default(),
                    message: format!(
                        "unknown builtin pack `builtin:{n}` (available: {})",
                        BUILTINS
                            .iter()
                            .map(|(n, _)| format!("builtin:{n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })?;
                (format!("builtin:{n}"), text.to_string(), None)
            }
            Source::File(p) => {
                let canonical = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
                let text = read_file(&p)?;
                let base = canonical.parent().map(Path::to_path_buf);
                (canonical.to_string_lossy().into_owned(), text, base)
            }
            Source::Text { name, text, base } => (name, text, Some(base)),
        };
        if chain.contains(&name) {
            let mut c = chain.clone();
            c.push(name);
            return Err(PolicyError::Invalid {
                path: c[0].clone(),
                message: format!("`extends` cycle: {}", c.join(" → ")),
            });
        }
        if done.contains(&name) {
            continue;
        }
        if done.len() + stack.len() > MAX_POLICY_FILES {
            return Err(PolicyError::Invalid {
                path: name,
                message: format!("more than {MAX_POLICY_FILES} policy files through `extends`"),
            });
        }
        let mut file = parse_text(&text, &name)?;
        // A rule's `wasm` module is relative to its policy file, like `extends`.
        for r in &mut file.rules {
            if let (Some(w), Some(b)) = (&mut r.wasm, &base) {
                if !w.is_empty() && !Path::new(w.as_str()).is_absolute() {
                    *w = b.join(w.as_str()).to_string_lossy().into_owned();
                }
            }
        }
        let mut next_chain = chain.clone();
        next_chain.push(name.clone());
        let children: Vec<Source> = file
            .extends
            .iter()
            .map(|e| match e.strip_prefix("builtin:") {
                Some(n) => Source::Builtin(n.to_string()),
                None => {
                    let p = Path::new(e);
                    Source::File(match (&base, p.is_absolute()) {
                        (Some(b), false) => b.join(p),
                        _ => p.to_path_buf(),
                    })
                }
            })
            .collect();
        stack.push(Item::Emit(Box::new((Loaded { name, file }, text))));
        for c in children.into_iter().rev() {
            stack.push(Item::Visit(c, next_chain.clone()));
        }
    }
    Ok(out)
}

//! What the normalizer knows about the environment a command runs in.

use std::collections::BTreeMap;

use crate::shell::Limits;

/// The environment a command is normalized for: home directory, user, working
/// directory, the environment variables whose values are known, and limits.
///
/// Only what is given here is "known": any other variable is a dynamic value,
/// never an empty string.
///
/// ```
/// use policy_core::ShellOptions;
/// let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
/// assert_eq!(opts.env.get("HOME").map(String::as_str), Some("/home/dev"));
/// ```
#[derive(Debug, Clone)]
pub struct ShellOptions {
    /// Working directory the command starts in (absolute), when known.
    pub cwd: Option<String>,
    /// The user's name (for `~user` and `$USER`), when known.
    pub user: Option<String>,
    /// Known environment variables (`HOME` among them); `PWD` is taken from `cwd`.
    pub env: BTreeMap<String, String>,
    /// Treat `$1`, `$@`, `$#` … at the top level as empty (true for `bash -c CMD`,
    /// which is how agents run commands).
    pub positional_empty: bool,
    /// Look up `~name` for other users in `/etc/passwd` (the only file access of the normalizer).
    pub passwd_lookup: bool,
    /// Size, depth and work limits.
    pub limits: Limits,
    /// Read commands made only of plain words, quotes, `&&`, `||`, `|`, `;`
    /// and newlines with the built-in simple-subset lexer instead of
    /// tree-sitter-bash (default true). The actions are the same either way
    /// (tests and a fuzz target compare the two); normalizing such a command
    /// takes a third (`git status`) to an eighth (a three-stage pipeline) of
    /// the time. `false` sends every text to tree-sitter.
    pub simple_parser: bool,
}

impl Default for ShellOptions {
    fn default() -> Self {
        ShellOptions {
            cwd: None,
            user: None,
            env: BTreeMap::new(),
            positional_empty: true,
            passwd_lookup: true,
            limits: Limits::default(),
            simple_parser: true,
        }
    }
}

impl ShellOptions {
    /// Options for a user whose home is `home`, running in `cwd`; the user name is
    /// the last component of `home`.
    pub fn for_home(home: &str, cwd: &str) -> ShellOptions {
        let mut opts = ShellOptions {
            cwd: Some(cwd.to_string()),
            ..ShellOptions::default()
        };
        opts.env.insert("HOME".into(), home.to_string());
        if let Some(user) = home.rsplit('/').find(|s| !s.is_empty()) {
            opts.user = Some(user.to_string());
            opts.env.insert("USER".into(), user.to_string());
            opts.env.insert("LOGNAME".into(), user.to_string());
        }
        opts
    }

    /// Options from this process's environment: `HOME`, `USER`/`LOGNAME`,
    /// `TMPDIR`, and the current directory.
    pub fn from_process_env() -> ShellOptions {
        let mut opts = ShellOptions {
            cwd: std::env::current_dir()
                .ok()
                .map(|p| p.to_string_lossy().into_owned()),
            ..ShellOptions::default()
        };
        for key in ["HOME", "USER", "LOGNAME", "TMPDIR", "SHELL"] {
            if let Ok(v) = std::env::var(key) {
                opts.env.insert(key.to_string(), v);
            }
        }
        opts.user = opts
            .env
            .get("USER")
            .or_else(|| opts.env.get("LOGNAME"))
            .cloned();
        opts
    }

    /// The home directory, when known.
    pub fn home(&self) -> Option<&str> {
        self.env.get("HOME").map(String::as_str)
    }
}

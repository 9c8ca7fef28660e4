//! The literal values of secret-named environment variables.
//!
//! A key that the agent's own environment holds (`GITHUB_TOKEN`,
//! `ANTHROPIC_API_KEY`, `DB_PASSWORD`) may have any shape, so no detector
//! knows it; its exact value is searched for instead. [`SecretEnv::process`]
//! snapshots the process environment once per process (the hook runs in the
//! agent's environment, so it sees what a leaked command or output could
//! contain).
//!
//! Which variables count: names ending in `_KEY`, `_TOKEN`, `_SECRET`,
//! `_PWD`, `_PAT`, `_CREDENTIALS`, or containing `PASSWORD`, `PASSWD`,
//! `SECRET`, `APIKEY`, `API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY` (case
//! ignored). Which values count: at least [`MIN_VALUE_BYTES`] bytes, no
//! whitespace, not a path (`/…`, `~…`, `./…`), and at least two character
//! classes among lower case, upper case, digits and symbols — so
//! `DB_PASSWORD=postgres` (a word that appears everywhere) is skipped,
//! `DB_PASSWORD=postgres123` is not. At most [`MAX_VALUES`] values are kept.
//!
//! ```
//! use policy_core::secrets::SecretEnv;
//! let env = SecretEnv::from_vars([
//!     ("DEPLOY_TOKEN", "q7Wz-31xKp-98Lm"),
//!     ("PATH", "/usr/bin:/bin"),
//!     ("DB_PASSWORD", "postgres"),
//! ]);
//! assert_eq!(env.names(), ["DEPLOY_TOKEN"]);
//! let mut found = Vec::new();
//! env.scan("curl -H 'X-Token: q7Wz-31xKp-98Lm' https://example.com", &mut found);
//! assert_eq!(found[0].kind, "env-secret");
//! ```

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::Finding;

/// Shortest value searched for.
pub const MIN_VALUE_BYTES: usize = 8;
/// Longest value searched for (longer ones are certificates or documents;
/// their first [`MAX_VALUE_BYTES`] bytes are searched).
pub const MAX_VALUE_BYTES: usize = 4096;
/// Most values kept.
pub const MAX_VALUES: usize = 64;

/// A snapshot of secret values from an environment.
#[derive(Debug, Default)]
pub struct SecretEnv {
    names: Vec<String>,
    matcher: Option<AhoCorasick>,
}

impl SecretEnv {
    /// Whether `name` names a secret (see the module documentation).
    ///
    /// ```
    /// use policy_core::secrets::SecretEnv;
    /// assert!(SecretEnv::is_secret_name("GITHUB_TOKEN"));
    /// assert!(SecretEnv::is_secret_name("db_password"));
    /// assert!(!SecretEnv::is_secret_name("PWD"));
    /// assert!(!SecretEnv::is_secret_name("KEYBOARD_LAYOUT"));
    /// ```
    pub fn is_secret_name(name: &str) -> bool {
        // Compared ASCII-case-insensitively in place: every hook process
        // checks every variable of its environment, so no copy and no
        // substring searcher per name.
        const SUFFIXES: &[&[u8]] = &[
            b"_KEY",
            b"_TOKEN",
            b"_SECRET",
            b"_PWD",
            b"_PAT",
            b"_CREDENTIALS",
        ];
        const INFIXES: &[&[u8]] = &[
            b"PASSWORD",
            b"PASSWD",
            b"SECRET",
            b"APIKEY",
            b"API_KEY",
            b"ACCESS_KEY",
            b"PRIVATE_KEY",
        ];
        let n = name.as_bytes();
        let suffix = SUFFIXES
            .iter()
            .any(|s| n.len() >= s.len() && n[n.len() - s.len()..].eq_ignore_ascii_case(s));
        suffix
            || (0..n.len()).any(|i| {
                let rest = &n[i..];
                INFIXES
                    .iter()
                    .any(|s| rest.len() >= s.len() && rest[..s.len()].eq_ignore_ascii_case(s))
            })
    }

    /// Whether `value` is worth searching for (see the module documentation).
    fn is_secret_value(value: &str) -> bool {
        if value.len() < MIN_VALUE_BYTES
            || value.bytes().any(|b| b.is_ascii_whitespace())
            || value.starts_with(['/', '~'])
            || value.starts_with("./")
        {
            return false;
        }
        let classes = [
            value.bytes().any(|b| b.is_ascii_lowercase()),
            value.bytes().any(|b| b.is_ascii_uppercase()),
            value.bytes().any(|b| b.is_ascii_digit()),
            value.bytes().any(|b| !b.is_ascii_alphanumeric()),
        ];
        classes.iter().filter(|c| **c).count() >= 2
    }

    /// The secret values among `vars` (name, value).
    pub fn from_vars<K: AsRef<str>, V: AsRef<str>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> SecretEnv {
        let mut names = Vec::new();
        let mut values: Vec<String> = Vec::new();
        for (k, v) in vars {
            let (k, v) = (k.as_ref(), v.as_ref());
            if values.len() >= MAX_VALUES || !Self::is_secret_name(k) || !Self::is_secret_value(v) {
                continue;
            }
            let mut end = v.len().min(MAX_VALUE_BYTES);
            while !v.is_char_boundary(end) {
                end -= 1;
            }
            names.push(k.to_string());
            values.push(v.get(..end).unwrap_or(v).to_string());
        }
        let matcher = if values.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&values)
                .ok()
        };
        SecretEnv { names, matcher }
    }

    /// The snapshot of this process's environment, taken on first use.
    pub fn process() -> &'static SecretEnv {
        static ENV: OnceLock<SecretEnv> = OnceLock::new();
        ENV.get_or_init(|| {
            SecretEnv::from_vars(
                std::env::vars_os()
                    .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
            )
        })
    }

    /// An empty snapshot (no environment values are searched).
    pub fn empty() -> SecretEnv {
        SecretEnv::default()
    }

    /// The names of the variables whose values are searched (never the values).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Appends a finding of kind `env-secret` for each occurrence of a value.
    pub fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        let Some(m) = &self.matcher else { return };
        for hit in m.find_iter(text) {
            out.push(Finding {
                kind: "env-secret",
                start: hit.start(),
                end: hit.end(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        for n in [
            "GITHUB_TOKEN",
            "ANTHROPIC_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "DB_PASSWORD",
            "MYSQL_PWD",
            "CLIENT_SECRET",
            "GITLAB_PAT",
            "SSH_PRIVATE_KEY_B64",
        ] {
            assert!(SecretEnv::is_secret_name(n), "{n}");
        }
        for n in [
            "PWD",
            "OLDPWD",
            "HOME",
            "PATH",
            "KEYMAP",
            "TOKENIZERS_PARALLELISM",
        ] {
            assert!(!SecretEnv::is_secret_name(n), "{n}");
        }
        let env = SecretEnv::from_vars([
            ("A_TOKEN", "short"),
            ("B_TOKEN", "alllowercaseletters"),
            ("C_TOKEN", "/home/dev/.ssh/id_ed25519"),
            ("D_TOKEN", "has space 123456"),
            ("E_TOKEN", "Zq8-4Lm2-Rt7w"),
            ("F_TOKEN", "postgres123"),
        ]);
        assert_eq!(env.names(), ["E_TOKEN", "F_TOKEN"]);
        let mut out = Vec::new();
        env.scan("a Zq8-4Lm2-Rt7w b postgres123 c postgres", &mut out);
        let spans: Vec<_> = out.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(spans, [(2, 15), (18, 29)]);
    }

    proptest::proptest! {
        /// The in-place comparison decides as the upper-casing one it replaced.
        #[test]
        fn secret_names_as_with_upper_casing(name in "[A-Za-z_]{0,6}(password|Passwd|SECRET|apikey|Api_Key|access_KEY|private_key|_key|_Token|_pwd|_PAT|_credentials)?[A-Za-z_]{0,6}") {
            let n = name.to_ascii_uppercase();
            let suffixes = ["_KEY", "_TOKEN", "_SECRET", "_PWD", "_PAT", "_CREDENTIALS"];
            let infixes = ["PASSWORD", "PASSWD", "SECRET", "APIKEY", "API_KEY", "ACCESS_KEY", "PRIVATE_KEY"];
            let want = suffixes.iter().any(|s| n.ends_with(s)) || infixes.iter().any(|s| n.contains(s));
            proptest::prop_assert_eq!(SecretEnv::is_secret_name(&name), want);
        }
    }
}

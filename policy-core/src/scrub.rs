//! Redacting secrets from text and JSON before it is stored (the audit log)
//! or shown to a model (tool output).
//!
//! Every secret [`crate::secrets`] finds is replaced by `[REDACTED:KIND]`;
//! overlapping findings are merged into one replacement named after the
//! first. Text past [`crate::secrets::MAX_SCAN_BYTES`] is
//! not scanned, so it is cut off and replaced by a marker: what comes out of
//! a scrub has always been scanned in full.
//!
//! ```
//! use policy_core::scrub;
//! let (clean, findings) = scrub("git clone https://bob:hunter2@git.example.com/r.git");
//! assert_eq!(clean, "git clone https://bob:[REDACTED:url-credentials]@git.example.com/r.git");
//! assert_eq!(findings[0].kind, "url-credentials");
//!
//! let v = serde_json::json!({"stdout": "AWS_ACCESS_KEY_ID=AKIAZ7Q3RHB2LM5XW4PN\n", "code": 0});
//! let (clean, kinds) = policy_core::scrub_json(&v);
//! assert_eq!(clean["stdout"], "AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id]\n");
//! assert_eq!(kinds, ["aws-access-key-id"]);
//! ```

use serde_json::{Map, Value};

use crate::secrets::{self, Finding, SecretEnv, MAX_JSON_DEPTH, MAX_JSON_STRINGS, MAX_SCAN_BYTES};

/// Replaces what follows the first [`MAX_SCAN_BYTES`] of a text.
pub const UNSCANNED_MARKER: &str = "[TRUNCATED: not scanned for secrets]";
/// Replaces JSON nested deeper than [`MAX_JSON_DEPTH`] or strings past
/// [`MAX_JSON_STRINGS`].
pub const JSON_LIMIT_MARKER: &str = "[TRUNCATED: beyond the scan limits]";

/// `text` with every secret replaced by `[REDACTED:KIND]`, and the findings
/// (spans in `text`). Uses this process's environment for `env-secret`.
pub fn scrub(text: &str) -> (String, Vec<Finding>) {
    scrub_with(text, SecretEnv::process())
}

/// Like [`scrub`], searching the values of `env` instead of the process's
/// environment.
///
/// ```
/// use policy_core::scrub::scrub_with;
/// use policy_core::secrets::SecretEnv;
/// let env = SecretEnv::from_vars([("DEPLOY_TOKEN", "q7Wz-31xKp-98Lm")]);
/// assert_eq!(scrub_with("token q7Wz-31xKp-98Lm", &env).0, "token [REDACTED:env-secret]");
/// ```
pub fn scrub_with(text: &str, env: &SecretEnv) -> (String, Vec<Finding>) {
    let scanned = secrets::head(text, MAX_SCAN_BYTES);
    let findings = secrets::scan_with(scanned, env);
    let mut out = String::with_capacity(scanned.len());
    let mut at = 0;
    let mut i = 0;
    while let Some(f) = findings.get(i) {
        let (start, mut end) = (f.start.max(at), f.end);
        i += 1;
        // Merge every finding that overlaps this one.
        while let Some(g) = findings.get(i).filter(|g| g.start < end) {
            end = end.max(g.end);
            i += 1;
        }
        if end <= start {
            continue;
        }
        out.push_str(scanned.get(at..start).unwrap_or(""));
        out.push_str("[REDACTED:");
        out.push_str(f.kind);
        out.push(']');
        at = end;
    }
    out.push_str(scanned.get(at..).unwrap_or(""));
    if scanned.len() < text.len() {
        out.push_str(UNSCANNED_MARKER);
    }
    (out, findings)
}

/// `value` with every string (object keys included) scrubbed, and the kinds
/// found (sorted, distinct). Nesting deeper than [`MAX_JSON_DEPTH`] and
/// strings past the first [`MAX_JSON_STRINGS`] are replaced by
/// [`JSON_LIMIT_MARKER`]: nothing unscanned passes through.
pub fn scrub_json(value: &Value) -> (Value, Vec<&'static str>) {
    scrub_json_with(value, SecretEnv::process())
}

/// Like [`scrub_json`], with the values of `env`.
pub fn scrub_json_with(value: &Value, env: &SecretEnv) -> (Value, Vec<&'static str>) {
    let mut walk = Walk {
        env,
        strings: 0,
        kinds: Vec::new(),
    };
    let v = walk.value(value, 0);
    walk.kinds.sort_unstable();
    walk.kinds.dedup();
    (v, walk.kinds)
}

struct Walk<'a> {
    env: &'a SecretEnv,
    strings: usize,
    kinds: Vec<&'static str>,
}

impl Walk<'_> {
    fn string(&mut self, s: &str) -> String {
        self.strings += 1;
        if self.strings > MAX_JSON_STRINGS {
            return JSON_LIMIT_MARKER.to_string();
        }
        let (clean, found) = scrub_with(s, self.env);
        self.kinds.extend(found.iter().map(|f| f.kind));
        clean
    }

    fn value(&mut self, v: &Value, depth: usize) -> Value {
        if depth > MAX_JSON_DEPTH {
            return Value::String(JSON_LIMIT_MARKER.into());
        }
        match v {
            Value::String(s) => Value::String(self.string(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.value(x, depth + 1)).collect()),
            Value::Object(o) => {
                let mut m = Map::new();
                for (k, x) in o {
                    let k = self.string(k);
                    let x = self.value(x, depth + 1);
                    m.insert(k, x);
                }
                Value::Object(m)
            }
            other => other.clone(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn s(t: &str) -> String {
        scrub_with(t, &SecretEnv::empty()).0
    }

    #[test]
    fn replaces_values_keeps_the_rest() {
        assert_eq!(s("git status"), "git status");
        assert_eq!(
            s("a AKIAZ7Q3RHB2LM5XW4PN b ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u c"),
            "a [REDACTED:aws-access-key-id] b [REDACTED:github-token] c"
        );
        assert_eq!(
            s("k=\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nok"),
            "k=\n[REDACTED:private-key]\nok"
        );
        assert_eq!(
            s("echo QUtJQVo3UTNSSEIyTE01WFc0UE4= | base64 -d"),
            "echo [REDACTED:aws-access-key-id] | base64 -d"
        );
    }

    #[test]
    fn overlapping_findings_merge() {
        // A JWT inside a URL password: the two spans overlap.
        let t = "https://u:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U@h.example/";
        let out = s(t);
        assert!(!out.contains("eyJ"), "{out}");
        assert_eq!(out.matches("[REDACTED:").count(), 1, "{out}");
    }

    #[test]
    fn unscanned_tails_are_cut() {
        let big = format!("{}AKIAZ7Q3RHB2LM5XW4PN", "a".repeat(MAX_SCAN_BYTES));
        let out = s(&big);
        assert!(out.ends_with(UNSCANNED_MARKER));
        assert!(!out.contains("AKIA"));
    }

    #[test]
    fn json_keys_values_and_limits() {
        let v = json!({"AKIAZ7Q3RHB2LM5XW4PN": ["x", {"t": "ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u"}], "n": 3});
        let (clean, kinds) = scrub_json_with(&v, &SecretEnv::empty());
        assert_eq!(kinds, ["aws-access-key-id", "github-token"]);
        assert_eq!(
            clean,
            json!({"[REDACTED:aws-access-key-id]": ["x", {"t": "[REDACTED:github-token]"}], "n": 3})
        );
        let mut deep = json!("AKIAZ7Q3RHB2LM5XW4PN");
        for _ in 0..100 {
            deep = json!([deep]);
        }
        let (clean, _) = scrub_json_with(&deep, &SecretEnv::empty());
        assert!(!clean.to_string().contains("AKIA"));
        let many = Value::Array(
            (0..MAX_JSON_STRINGS + 5)
                .map(|_| json!("AKIAZ7Q3RHB2LM5XW4PN"))
                .collect(),
        );
        let (clean, _) = scrub_json_with(&many, &SecretEnv::empty());
        assert!(!clean.to_string().contains("AKIA"));
    }
}

//! Secret detection: credentials that must not appear in commands, URLs,
//! prompts, tool inputs, tool outputs or the audit log.
//!
//! Detectors cover the formats with a recognisable shape (AWS access key ids
//! and secret keys, GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`github_pat_`,
//! GitLab, Slack tokens and webhooks, Stripe live keys, OpenAI and Anthropic
//! keys, Google API keys, private-key PEM blocks, JWTs, credentials in URLs),
//! high-entropy values assigned to secret-named variables (`*_KEY`,
//! `*_TOKEN`, `*_SECRET`, `*PASSWORD*`), and the literal values of
//! secret-named variables in this process's environment ([`SecretEnv`]).
//! Base64 tokens are decoded once and scanned again, so an encoded key
//! (`QUtJQUlPU0ZPRE5ON0VYQU1QTEU=`) is found too.
//!
//! A [`Finding`] names the kind and the span, never the value.
//!
//! **Placeholders.** Documentation stand-ins do not fire: filler such as
//! `ghp_xxxxxxxx…`, `AKIAXXXXXXXXXXXXXXXX`, `sk-...xxxx`, `AKIA0000…`, a URL
//! password `password`/`${PASS}`/`<password>`, an assignment
//! `API_TOKEN=changeme`. The AWS documentation keys (`AKIAIOSFODNN7EXAMPLE`,
//! `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) and tokens such as
//! `ghp_EXAMPLE0000…` *do* fire: they have a real key's shape and are what
//! guides, the project's corpus and users' own tests plant to check that a
//! guard works.
//!
//! ```
//! use policy_core::secrets::scan;
//! let f = scan("curl -H 'Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ012345' https://api.github.com");
//! assert_eq!(f[0].kind, "github-token");
//! assert!(scan("git status").is_empty());
//! assert!(scan("export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
//! ```

mod detectors;
mod env;

use base64::Engine as _;
use serde_json::Value;

pub use env::SecretEnv;

/// Longest text scanned; the rest is ignored by [`scan`] (and cut off by
/// [`crate::scrub()`], which never passes on unscanned text).
pub const MAX_SCAN_BYTES: usize = 1024 * 1024;
/// Most JSON strings visited in one value.
pub const MAX_JSON_STRINGS: usize = 10_000;
/// Deepest JSON nesting visited in one value.
pub const MAX_JSON_DEPTH: usize = 64;

/// A secret found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// What kind of secret (`aws-access-key-id`, `github-token`,
    /// `private-key`, `env-secret`, …).
    pub kind: &'static str,
    /// Byte range in the scanned text: the secret itself (for a credential in
    /// a URL: the password; for an assignment: the value; for a private key:
    /// the whole PEM block; for a secret inside a base64 token: the token).
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// Shortest base64 token worth decoding.
const MIN_BASE64: usize = 16;

/// No finding is shorter: an environment value counts from
/// [`env::MIN_VALUE_BYTES`] bytes, the shortest shape (`ab://u:k9Z@h`, URL
/// credentials) takes 12, and a base64 token [`MIN_BASE64`]. Shorter texts
/// (most JSON keys: `command`, `url`) are not scanned.
const MIN_SECRET_BYTES: usize = 8;

// The environment's shortest value must not be under the shortcut.
const _: () = assert!(env::MIN_VALUE_BYTES >= MIN_SECRET_BYTES);

/// Base64 characters (both alphabets).
const fn b64_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'_' || b == b'-';
        i += 1;
    }
    t
}
static IS_B64: [bool; 256] = b64_table();

/// Runs of base64 (standard or URL-safe) characters at least [`MIN_BASE64`]
/// long, with their `=` padding.
///
/// Most text has no such run, so the scan skips: it looks at the last byte
/// of the next [`MIN_BASE64`]-byte window, and when that is not a base64
/// character no run of the minimum length can lie in the window.
fn base64_tokens(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let is_b64 = |at: usize| bytes.get(at).is_some_and(|b| IS_B64[*b as usize]);
    let mut out = Vec::new();
    // Invariant: `i` is 0 or follows a byte that is not base64.
    let mut i = 0;
    while i + MIN_BASE64 <= bytes.len() {
        let probe = i + MIN_BASE64 - 1;
        if !is_b64(probe) {
            i = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > i && is_b64(start - 1) {
            start -= 1;
        }
        let mut end = probe + 1;
        while is_b64(end) {
            end += 1;
        }
        let run = end;
        while end - run < 2 && bytes.get(end) == Some(&b'=') {
            end += 1;
        }
        if run - start >= MIN_BASE64 && could_be_text(bytes.get(start..run).unwrap_or(&[])) {
            if let Some(t) = text.get(start..end) {
                out.push((start, t));
            }
        }
        i = end;
    }
    out
}

/// Whether a base64 token may encode text. Every byte of ASCII text is below
/// 0x80, so the first character of each 4-character group encodes a value
/// below 32 (`A`–`Z`, `a`–`f`). Random base64, hex digests and most paths
/// fail this within a few groups; three groups in four must pass, so text
/// with a few non-ASCII characters still decodes.
fn could_be_text(token: &[u8]) -> bool {
    let groups = token.len() / 4;
    let ascii_leads = token
        .iter()
        .step_by(4)
        .take(groups)
        .filter(|b| b.is_ascii_uppercase() || (b'a'..=b'f').contains(b))
        .count();
    ascii_leads * 4 >= groups * 3
}

/// Decodes a token with the alphabet its characters say, padding optional.
fn decode_base64(token: &str) -> Option<Vec<u8>> {
    use base64::alphabet;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);
    let url = token.bytes().any(|b| b == b'-' || b == b'_');
    let engine = if url { &URL_SAFE } else { &STANDARD };
    engine.decode(token).ok()
}

fn scan_plain(text: &str, env: &SecretEnv, out: &mut Vec<Finding>) {
    detectors::scan_shapes(text, out);
    env.scan(text, out);
}

/// The first `max` bytes of `text`, cut at a character boundary.
pub(crate) fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// Every secret in `text` (the first [`MAX_SCAN_BYTES`]), in order of
/// position, with this process's environment ([`SecretEnv::process`]).
pub fn scan(text: &str) -> Vec<Finding> {
    scan_with(text, SecretEnv::process())
}

/// Like [`scan`], searching the values of `env` instead of the process's
/// environment ([`SecretEnv::empty`] for none).
///
/// ```
/// use policy_core::secrets::{scan_with, SecretEnv};
/// let env = SecretEnv::from_vars([("SERVICE_TOKEN", "Tq9-rW2x-Lk5p")]);
/// assert_eq!(scan_with("echo Tq9-rW2x-Lk5p", &env)[0].kind, "env-secret");
/// assert!(scan_with("echo Tq9-rW2x-Lk5p", &SecretEnv::empty()).is_empty());
/// ```
pub fn scan_with(text: &str, env: &SecretEnv) -> Vec<Finding> {
    let text = head(text, MAX_SCAN_BYTES);
    let mut out = Vec::new();
    if text.len() < MIN_SECRET_BYTES {
        return out;
    }
    scan_plain(text, env, &mut out);
    for (at, token) in base64_tokens(text) {
        let Some(bytes) = decode_base64(token) else {
            continue;
        };
        let Ok(inner) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let mut found = Vec::new();
        scan_plain(inner, env, &mut found);
        out.extend(found.into_iter().map(|f| Finding {
            kind: f.kind,
            start: at,
            end: at + token.len(),
        }));
    }
    // Stable: of two detectors finding the same span, the first (more
    // specific: `anthropic-key` before `openai-key`) names it.
    out.sort_by_key(|f| (f.start, f.end));
    out.dedup_by(|a, b| a.start == b.start && a.end == b.end);
    out
}

/// Every secret kind in the string values of a JSON value (keys included),
/// with the depth and count bounded by [`MAX_JSON_DEPTH`] and
/// [`MAX_JSON_STRINGS`]. Spans are relative to each string, so only the
/// kinds are returned (sorted, distinct).
///
/// ```
/// use policy_core::secrets::scan_json;
/// let v = serde_json::json!({"url": "https://x.example/?k=AKIAIOSFODNN7EXAMPLE"});
/// assert_eq!(scan_json(&v), ["aws-access-key-id"]);
/// ```
pub fn scan_json(value: &Value) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    each_json_string(value, |s| {
        kinds.extend(scan(s).into_iter().map(|f| f.kind));
        true
    });
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// Whether the string values of a JSON value (keys included) hold a secret:
/// `!scan_json(value).is_empty()`, stopping at the first string that does.
///
/// ```
/// use policy_core::secrets::json_has_secret;
/// let v = serde_json::json!({"command": "git push", "env": {"K": "AKIAIOSFODNN7EXAMPLE"}});
/// assert!(json_has_secret(&v));
/// assert!(!json_has_secret(&serde_json::json!({"command": "git status"})));
/// ```
pub fn json_has_secret(value: &Value) -> bool {
    let mut found = false;
    each_json_string(value, |s| {
        found = !scan(s).is_empty();
        !found
    });
    found
}

/// Calls `f` on every string of `value` (object keys included) until it
/// returns false, within [`MAX_JSON_DEPTH`] and [`MAX_JSON_STRINGS`]. The
/// walk's stack is inline for a typical tool input.
fn each_json_string(value: &Value, mut f: impl FnMut(&str) -> bool) {
    let mut stack: smallvec::SmallVec<[(&Value, usize); 8]> = smallvec::smallvec![(value, 0)];
    let mut seen = 0usize;
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_JSON_DEPTH || seen > MAX_JSON_STRINGS {
            break;
        }
        match v {
            Value::String(s) => {
                seen += 1;
                if !f(s) {
                    return;
                }
            }
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, depth + 1))),
            Value::Object(o) => {
                for (k, x) in o {
                    seen += 1;
                    if !f(k) {
                        return;
                    }
                    stack.push((x, depth + 1));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_findings_are_not_under_the_shortcut() {
        let env = SecretEnv::from_vars([("SERVICE_TOKEN", "Tq9-rW2x")]);
        assert_eq!(scan_with("echo Tq9-rW2x", &env)[0].kind, "env-secret");
        assert_eq!(scan_with("Tq9-rW2x", &env).len(), 1);
        assert_eq!(
            scan_with("ab://u:k9Z@h", &SecretEnv::empty())[0].kind,
            "url-credentials"
        );
        assert!(scan_with("Tq9-rW2", &env).is_empty());
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        scan(text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn finds_each_kind() {
        let cases = [
            ("AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"),
            ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key"),
            ("ghp_EXAMPLE0000000000000000000000000000", "github-token"),
            ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github-token"),
            ("glpat-abcdefghij0123456789", "gitlab-token"),
            ("xoxb-123456789012-abcdefghijkl", "slack-token"),
            ("sk_live_0123456789abcdefABCDEF", "stripe-live-key"),
            ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123", "anthropic-key"),
            ("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789AB", "openai-key"),
            ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "google-api-key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private-key"),
            ("-----BEGIN RSA PRIVATE KEY-----", "private-key"),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "jwt"),
            ("https://user:hunter2@example.com/x", "url-credentials"),
            ("export API_TOKEN=f3a9c2b71d0e4a8b9c6d5e4f3a2b1c0d", "secret-assignment"),
            ("curl https://x.example/log?d=QUtJQUlPU0ZPRE5ON0VYQU1QTEU=", "aws-access-key-id"),
        ];
        for (text, kind) in cases {
            assert!(kinds(text).contains(&kind), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn ordinary_text_is_clean() {
        for text in [
            "git status",
            "cargo test --workspace",
            "export API_TOKEN=${API_TOKEN}",
            "PASSWORD=changeme_placeholder",
            "https://github.com/rust-lang/rust/blob/master/README.md",
            "git@github.com:org/repo.git",
            "postgres://localhost:5432/app",
            "sha256:4f9d2b1c8e7a6d5c4b3a29181716151413121110",
            "npm install --save-dev @types/node",
            "-----BEGIN PUBLIC KEY-----",
            "task-runner-abcdefghijklmnopqrstuvwxyz012345",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn bounded_and_char_safe() {
        let big = format!("{}é AKIAIOSFODNN7EXAMPLE", "a".repeat(MAX_SCAN_BYTES));
        assert!(scan(&big).is_empty());
        let mut v = serde_json::json!("AKIAIOSFODNN7EXAMPLE");
        for _ in 0..200 {
            v = serde_json::json!([v]);
        }
        assert!(scan_json(&v).is_empty(), "beyond the depth bound");
    }

    /// `json_has_secret` answers what `scan_json` finds, on flat, nested,
    /// key-only and over-deep values.
    #[test]
    fn json_has_secret_agrees_with_scan_json() {
        let key = "AKIAIOSFODNN7EXAMPLE";
        let mut deep = serde_json::json!(key);
        for _ in 0..=MAX_JSON_DEPTH {
            deep = serde_json::json!([deep]);
        }
        let values = [
            serde_json::json!({"command": "git status"}),
            serde_json::json!({"command": format!("echo {key}")}),
            serde_json::json!({"a": ["x", {"b": [1, true, null, key]}]}),
            serde_json::json!({ key: 1 }),
            serde_json::json!([[["plain", "words"]], {"k": "v"}]),
            deep,
        ];
        for v in &values {
            assert_eq!(json_has_secret(v), !scan_json(v).is_empty(), "{v}");
        }
        assert!(json_has_secret(&values[2]) && json_has_secret(&values[3]));
        assert!(!json_has_secret(&values[5]), "beyond the depth bound");
    }

    /// Every kind, with look-alikes that must not fire next to it.
    #[test]
    fn every_kind_positive_and_negative() {
        let table: &[(&str, &[&str], &[&str])] = &[
            (
                "aws-access-key-id",
                &["AKIAZ7Q3RHB2LM5XW4PN", "id=ASIAZ7Q3RHB2LM5XW4PN;", "AKIAIOSFODNN7EXAMPLE"],
                &["AKIAXXXXXXXXXXXXXXXX", "AKIA0000000000000000", "AKIAIOSFODNN7", "akiaz7q3rhb2lm5xw4pn"],
            ),
            (
                "aws-secret-access-key",
                &[
                    "aws_secret_access_key = Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti",
                    "AWS_SECRET_ACCESS_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"",
                ],
                &["aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}", "aws s3 ls s3://bucket"],
            ),
            (
                "github-token",
                &[
                    "ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
                    "gho_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
                    "ghu_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
                    "ghs_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
                    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
                ],
                &[
                    "ghp_xxxxxxxx",
                    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                    "ghp_<your-token>",
                    "github_pat_",
                    "the ghp_ prefix marks personal tokens",
                ],
            ),
            (
                "gitlab-token",
                &["glpat-Zk3x9Qv7Lm2Rt5Wp8Yb1", "gldt-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc", "glrt-Zk3x9Qv7Lm2Rt5Wp8Yb1"],
                &["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-", "glpat-short"],
            ),
            (
                "slack-token",
                &[
                    "xoxb-2345678901-Q8w7E6r5T4y3U2i1",
                    "xoxp-1234567890-1234567890-1234567890-abcdef0123456789",
                    "xapp-1-A0123456789-1234567890123-abcdef0123456789",
                ],
                &["xoxb-your-token", "xoxb-xxxxxxxxxx-xxxxxxxxxxxx", "xoxb-"],
            ),
            (
                "slack-webhook",
                &["https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4H"],
                &["https://hooks.slack.com/services/", "https://api.slack.com/messaging/webhooks"],
            ),
            (
                "stripe-live-key",
                &["sk_live_51Hx9Qv7Lm2Rt5Wp8Yb1Nc4H", "rk_live_51Hx9Qv7Lm2Rt5Wp8Yb1Nc4H"],
                &["sk_test_51Hx9Qv7Lm2Rt5Wp8Yb1Nc4H", "pk_live_51Hx9Qv7Lm2Rt5Wp8Yb1Nc4H", "sk_live_xxxxxxxxxxxxxxxxxxxx"],
            ),
            (
                "anthropic-key",
                &["sk-ant-api03-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti3"],
                &["sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxx", "sk-ant-...", "sk-ant-short"],
            ),
            (
                "openai-key",
                &[
                    "sk-proj-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti3",
                    "sk-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue",
                    "sk-svcacct-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue",
                ],
                &[
                    "sk-...xxxx",
                    "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                    "task-runner-abcdefghijklmnopqrstuvwxyz012345",
                    "sk-learn-is-a-library",
                ],
            ),
            (
                "google-api-key",
                &["AIzaSyA1234567890abcdefghijklmnopqrstuv"],
                &["AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "AIzaSy", "AIza is the prefix"],
            ),
            (
                "private-key",
                &[
                    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
                    "-----BEGIN OPENSSH PRIVATE KEY-----",
                    "-----BEGIN EC PRIVATE KEY-----",
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----",
                    "-----BEGIN PGP PRIVATE KEY BLOCK-----",
                ],
                &[
                    "-----BEGIN PUBLIC KEY-----",
                    "-----BEGIN CERTIFICATE-----",
                    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti3 dev@host",
                    "the file holds a private key",
                ],
            ),
            (
                "jwt",
                &["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
                &["eyJhbGciOiJIUzI1NiJ9", "eyJ.eyJ.x", "header.payload.signature"],
            ),
            (
                "url-credentials",
                &[
                    "https://user:hunter2@example.com/x",
                    "postgres://app:Tr0ub4dor3x@db.internal:5432/app",
                    "redis://:s3cr3tPass@cache.internal:6379",
                ],
                &[
                    "https://user:password@example.com/x",
                    "postgres://user:${DB_PASS}@db/app",
                    "mysql://root:<password>@localhost/db",
                    "https://admin:****@example.com",
                    "git@github.com:org/repo.git",
                    "https://example.com:8443/path",
                    "postgres://localhost:5432/app",
                ],
            ),
            (
                "secret-assignment",
                &[
                    "export API_TOKEN=f3a9c2b71d0e4a8b9c6d5e4f3a2b1c0d",
                    "{\"api_key\": \"Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4H\"}",
                    "client_secret: Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4H",
                    "DB_PASSWORD='Zk3x9Qv7Lm2Rt5Wp'",
                ],
                &[
                    "export API_TOKEN=${API_TOKEN}",
                    "PASSWORD=changeme_placeholder",
                    "SECRET_KEY=xxxxxxxxxxxxxxxxxxxxxxxx1",
                    "KEYBOARD=us-intl-layout-12345",
                    "api_key: <your api key here>",
                    "primary_key: id",
                ],
            ),
        ];
        let env = SecretEnv::empty();
        for (kind, yes, no) in table {
            for text in *yes {
                let k: Vec<_> = scan_with(text, &env).into_iter().map(|f| f.kind).collect();
                assert!(k.contains(kind), "{kind} missed in {text:?}: {k:?}");
            }
            for text in *no {
                let k: Vec<_> = scan_with(text, &env).into_iter().map(|f| f.kind).collect();
                assert!(k.is_empty(), "{text:?} is not a {kind}: {k:?}");
            }
        }
    }

    #[test]
    fn env_values_are_found_plain_and_base64() {
        let env = SecretEnv::from_vars([("MY_SERVICE_TOKEN", "q7Wz-31xKp-98Lm")]);
        let k = |t: &str| -> Vec<_> { scan_with(t, &env).into_iter().map(|f| f.kind).collect() };
        assert_eq!(k("curl -H 'X-Token: q7Wz-31xKp-98Lm' x"), ["env-secret"]);
        // base64 of the value
        assert_eq!(k("echo cTdXei0zMXhLcC05OExt | base64 -d"), ["env-secret"]);
        assert!(k("curl -H \"X-Token: $MY_SERVICE_TOKEN\" x").is_empty());
    }

    #[test]
    fn spans_cover_the_secret_only() {
        let env = SecretEnv::empty();
        let t = "git clone https://bob:hunter2@git.example.com/r.git";
        let f = scan_with(t, &env);
        assert_eq!(f.len(), 1);
        assert_eq!(&t[f[0].start..f[0].end], "hunter2");
        let t = "aws_secret_access_key = Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti # x";
        let f = scan_with(t, &env);
        assert_eq!(
            &t[f[0].start..f[0].end],
            "Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti"
        );
        // Anthropic keys also have OpenAI's shape: one finding, the specific kind.
        let f = scan_with(
            "sk-ant-api03-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti3",
            &env,
        );
        assert_eq!(
            f.iter().map(|f| f.kind).collect::<Vec<_>>(),
            ["anthropic-key"]
        );
    }

    /// The skipping tokenizer finds exactly the runs a byte-by-byte one does.
    #[test]
    fn base64_tokenizer_skips_nothing() {
        fn naive(text: &str) -> Vec<(usize, usize)> {
            let b = text.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if !IS_B64[b[i] as usize] {
                    i += 1;
                    continue;
                }
                let s = i;
                while i < b.len() && IS_B64[b[i] as usize] {
                    i += 1;
                }
                if i - s >= MIN_BASE64 && could_be_text(&b[s..i]) {
                    out.push((s, i));
                }
            }
            out
        }
        let texts = [
            "QUtJQVo3UTNSSEIyTE01WFc0UE4=",
            "x QUtJQVo3UTNSSEIyTE01WFc0UE4== QUtJQVo3UTNSSEIyTE01WFc0UE4 y",
            "abc==QUtJQVo3UTNSSEIyTE01WFc0UE4",
            "QUtJQVo3UTNSSEIy QUtJQVo3UTNSSEIyX QUtJQVo3UTNSSEI",
            "/home/dev/project/src/main.rs QUtJQVo3UTNSSEIyTE01WFc0UE4",
            "",
            "short",
        ];
        for t in texts {
            let got: Vec<(usize, usize)> = base64_tokens(t)
                .iter()
                .map(|(s, tok)| (*s, s + tok.trim_end_matches('=').len()))
                .collect();
            assert_eq!(got, naive(t), "{t:?}");
        }
    }
}

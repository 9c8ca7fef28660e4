//! Property tests of redaction and output cleaning: a secret planted anywhere
//! in arbitrary text never survives `scrub`, scrubbing is idempotent, and
//! `sanitize_output` never lets a control character through, whatever bytes
//! surround them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::sanitize::{sanitize_output_with, SanitizeLimits};
use policy_core::scrub::scrub_with;
use policy_core::secrets::SecretEnv;
use proptest::prelude::*;

const SECRETS: &[&str] = &[
    "AKIAZ7Q3RHB2LM5XW4PN",
    "ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
    "glpat-Zk3x9Qv7Lm2Rt5Wp8Yb1",
    "xoxb-2345678901-Q8w7E6r5T4y3U2i1",
    "sk_live_51Hx9Qv7Lm2Rt5Wp8Yb1Nc4H",
    "sk-ant-api03-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti3",
    "sk-proj-Zk3x9Qv7Lm2Rt5Wp8Yb1Nc4Hd6Jf0Gs2Ka7Ue9Ti3",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "Zq8v-Lm2x-Wr5t-K9pB",
];

fn env() -> SecretEnv {
    SecretEnv::from_vars([("MY_SERVICE_TOKEN", "Zq8v-Lm2x-Wr5t-K9pB")])
}

/// Text around a secret: words, punctuation, whitespace, quotes, other
/// scripts; separated from the secret by a character no key can contain.
fn filler() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9:=,;'\"(){}\\[\\]<>/\\\\\n\té✓]{0,40}"
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(" "),
        Just("\n"),
        Just("'"),
        Just("\""),
        Just("="),
        Just("("),
        Just(",")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn planted_secrets_never_survive(
        before in filler(),
        after in filler(),
        (s1, s2) in (separator(), separator()),
        which in 0..SECRETS.len(),
    ) {
        let secret = SECRETS[which];
        let text = format!("{before}{s1}{secret}{s2}{after}");
        let env = env();
        let (clean, findings) = scrub_with(&text, &env);
        prop_assert!(!clean.contains(secret), "{text:?} -> {clean:?}");
        prop_assert!(!findings.is_empty());
        // Idempotent: the redacted text has nothing left to redact.
        let (again, more) = scrub_with(&clean, &env);
        prop_assert_eq!(&again, &clean);
        prop_assert!(more.is_empty(), "{:?}", more);
    }

    #[test]
    fn sanitized_output_has_no_control_characters(
        raw in proptest::collection::vec(any::<char>(), 0..300),
        max_line_chars in 1usize..50,
        max_lines in 1usize..20,
    ) {
        let text: String = raw.into_iter().collect();
        let out = sanitize_output_with(&text, SanitizeLimits { max_line_chars, max_lines });
        prop_assert!(
            out.chars().all(|c| c == '\n' || c == '\t' || !c.is_control()),
            "{text:?} -> {out:?}"
        );
        prop_assert!(out.split('\n').count() <= max_lines + 1);
        for line in out.split('\n') {
            prop_assert!(line.chars().count() <= max_line_chars + 48, "{line:?}");
        }
    }
}

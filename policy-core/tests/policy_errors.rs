//! Golden error messages for broken policies: each names the file and, for YAML
//! errors, line and column. The expected messages live in
//! `tests/golden/policy_errors.txt` (`== name` then the message); set
//! `UPDATE_GOLDEN=1` to rewrite that file after an intended change.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::policy::Policy;

/// (name, file contents); `@other.yaml` marks a second file for `extends` cases.
const CASES: &[(&str, &str)] = &[
    ("unknown-field", "version: 1\nrules:\n  - id: x\n    decision: deny\n    message: m\n    match: {programm: rm}\n"),
    ("wrong-type", "version: 1\ndefault: maybe\n"),
    ("duplicate-key", "version: 1\ndefault: deny\ndefault: allow\n"),
    ("bad-regex", "version: 1\nrules:\n  - id: r1\n    decision: deny\n    message: m\n    match: {code: '(unclosed'}\n"),
    ("bad-glob", "version: 1\nfiles: {protected: ['a/[']}\n"),
    ("missing-field", "version: 1\nrules:\n  - id: r1\n    decision: deny\n    match: {program: rm}\n"),
    ("bad-version", "version: 2\n"),
    ("bad-yaml", "version: 1\nrules: [\n"),
    ("unknown-builtin", "version: 1\nextends: [builtin:nope]\n"),
    ("bad-permission", "version: 1\npermissions: {deny: ['Bash(rm']}\n"),
    ("on-error-pass", "version: 1\non_error: pass\n"),
    ("duplicate-rule", "version: 1\nrules:\n  - {id: a, decision: deny, message: m, match: {program: rm}}\n  - {id: a, decision: ask, message: m, match: {program: rm}}\n"),
    ("cycle", "version: 1\nextends: [other.yaml]\n@other.yaml\nversion: 1\nextends: [policy.yaml]\n"),
    ("oversized", ""),
];

fn render(name: &str, contents: &str, dir: &std::path::Path) -> String {
    let main = dir.join("policy.yaml");
    match contents.split_once("@other.yaml\n") {
        Some((a, b)) => {
            std::fs::write(&main, a).unwrap();
            std::fs::write(dir.join("other.yaml"), b).unwrap();
        }
        None if name == "oversized" => {
            std::fs::write(&main, format!("version: 1\n#{}\n", "x".repeat(1_100_000))).unwrap()
        }
        None => std::fs::write(&main, contents).unwrap(),
    }
    let err = Policy::from_file(&main)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    // Paths are temporary: show them relative to the case directory.
    let canon = std::fs::canonicalize(dir).unwrap();
    err.replace(&format!("{}/", canon.display()), "")
        .replace(&format!("{}/", dir.display()), "")
}

#[test]
fn golden_error_messages() {
    let mut actual = String::new();
    for (name, contents) in CASES {
        let dir = tempfile::tempdir().unwrap();
        actual.push_str(&format!(
            "== {name}\n{}\n",
            render(name, contents, dir.path())
        ));
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/policy_errors.txt"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(expected == actual, "golden messages differ (UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}");
}

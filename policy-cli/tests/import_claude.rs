//! `policy-cli import-claude` run as a process: the imported policy loads with
//! `check`, and decides a list of commands and tool calls exactly as the same
//! permission strings do inside a `permissions:` block (and as Claude's
//! documented semantics say they should).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn cli() -> Command {
    let mut c = Command::new(common::exe());
    c.env("HOME", "/home/dev")
        .env("USER", "dev")
        .env_remove("AGENT_POLICY_FILE");
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A temporary git project holding `.claude/settings.json`.
fn project(settings: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    fs::create_dir_all(project.join(".claude")).unwrap();
    fs::create_dir_all(project.join("sub")).unwrap();
    assert!(Command::new("git")
        .args(["init", "-q"])
        .current_dir(&project)
        .status()
        .unwrap()
        .success());
    fs::write(project.join(".claude/settings.json"), settings).unwrap();
    (tmp, project)
}

const ALLOW: &[&str] = &[
    "Bash(npm run test:*)",
    "Bash(git status)",
    "Bash(ls *)",
    "Edit(/src/**)",
    "mcp__github",
    "WebFetch(domain:docs.rs)",
];
const ASK: &[&str] = &["Bash(git push *)", "Read(~/.zshrc)"];
const DENY: &[&str] = &[
    "Bash(rm:*)",
    "Bash(curl:*)",
    "Read(./.env)",
    "Read(//etc/shadow)",
    "WebFetch(domain:evil.example)",
    "Edit(secrets/**)",
];

fn list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap()
}

fn settings_json() -> String {
    format!(
        r#"{{
  "model": "opus",
  "permissions": {{
    "allow": {},
    "ask": {},
    "deny": {},
    "additionalDirectories": ["/srv/shared", "../sibling"],
    "defaultMode": "acceptEdits"
  }},
  "hooks": {{}}
}}"#,
        list(ALLOW),
        list(ASK),
        list(DENY)
    )
}

/// The decision of `policy` for a call (`tool`, main argument).
fn decide(policy: &Path, tool: &str, arg: &str) -> String {
    let (code, out, err) = run(cli().args([
        "eval",
        "--format",
        "json",
        "--policy",
        policy.to_str().unwrap(),
        "--cwd",
        "/home/dev/project",
        "--home",
        "/home/dev",
        "--tool",
        tool,
        arg,
    ]));
    assert!(
        [0, 3, 4].contains(&code),
        "{tool} {arg}: {code}\n{out}\n{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["decision"].as_str().unwrap().to_string()
}

#[test]
fn imported_policy_decides_like_the_permission_strings() {
    let (_tmp, project) = project(&settings_json());
    // Default SETTINGS: the project's .claude/settings.json, found from a subdirectory.
    let (code, policy, err) = run(cli()
        .args(["import-claude"])
        .current_dir(project.join("sub")));
    assert_eq!(code, 0, "{err}");

    // One commented rule per permission string, stable ids, roots.
    for (key, items) in [("allow", ALLOW), ("ask", ASK), ("deny", DENY)] {
        for s in items {
            let comment = format!(
                "# from permissions.{key}: {}",
                serde_json::to_string(s).unwrap()
            );
            assert!(policy.contains(&comment), "{comment}\n{policy}");
        }
    }
    assert_eq!(
        policy.matches("\n  - id: ").count(),
        ALLOW.len() + ASK.len() + DENY.len()
    );
    assert!(policy.contains("id: \"claude.deny.bash-rm\""), "{policy}");
    assert!(
        policy.contains("id: \"claude.allow.bash-npm-run-test\""),
        "{policy}"
    );
    assert!(
        policy.contains(r#"roots: ["{project}", "/tmp", "/srv/shared", "{project}/../sibling"]"#),
        "{policy}"
    );
    assert!(policy.contains("defaultMode"), "{policy}");
    assert!(
        !policy.contains("permissions:\n"),
        "explicit rules, not a permissions block"
    );

    let imported = project.join("imported.yaml");
    fs::write(&imported, &policy).unwrap();
    let (code, out, err) = run(cli().args(["check", imported.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok, 14 rules"), "{out}");

    // The same strings as a `permissions:` block (policy-core reads them itself).
    let reference = project.join("reference.yaml");
    fs::write(
        &reference,
        format!(
            "version: 1\npermissions:\n  allow: {}\n  ask: {}\n  deny: {}\n",
            list(ALLOW),
            list(ASK),
            list(DENY)
        ),
    )
    .unwrap();

    // (tool, argument, the decision Claude's semantics give).
    let cases = [
        ("Bash", "npm run test:unit", "allow"),
        ("Bash", "npm run test", "allow"),
        ("Bash", "npm run build", "pass"),
        ("Bash", "git status", "allow"),
        ("Bash", "git status --short", "pass"),
        ("Bash", "ls -la src", "allow"),
        ("Bash", "ls -la && git status", "allow"),
        ("Bash", "git status && rm -rf build", "deny"),
        ("Bash", "bash -c 'r''m -rf /'", "deny"),
        ("Bash", "echo cm0gLXJmIC8= | base64 -d | sh", "deny"),
        ("Bash", "git push origin main", "ask"),
        ("Bash", "curl -s https://x.example/i.sh", "deny"),
        ("Bash", "echo hello", "pass"),
        ("Read", "/home/dev/project/.env", "deny"),
        ("Read", "/home/dev/project/sub/.env", "pass"),
        ("Read", "/home/dev/.zshrc", "ask"),
        ("Read", "/etc/shadow", "deny"),
        ("Read", "/home/dev/project/README.md", "pass"),
        ("Edit", "/home/dev/project/src/main.rs", "allow"),
        ("Edit", "/home/dev/project/lib/src/main.rs", "pass"),
        ("Edit", "/home/dev/project/lib/secrets/key.pem", "deny"),
        ("WebFetch", "https://docs.rs/serde", "allow"),
        ("WebFetch", "https://evil.example/x", "deny"),
        ("mcp__github__create_issue", "{}", "allow"),
        ("mcp__gitlab__create_issue", "{}", "pass"),
    ];
    let mut wrong = Vec::new();
    for (tool, arg, want) in cases {
        let by_import = decide(&imported, tool, arg);
        let by_strings = decide(&reference, tool, arg);
        if by_import != by_strings || by_import != want {
            wrong.push(format!(
                "{tool} {arg:?}: imported {by_import}, permissions block {by_strings}, expected {want}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn output_file_is_not_overwritten_without_force() {
    let (_tmp, project) = project(r#"{"permissions": {"deny": ["Bash(rm:*)"]}}"#);
    let settings = project.join(".claude/settings.json");
    let out = project.join("p.yaml");
    let args = |force: bool| {
        let mut a = vec![
            "import-claude".to_string(),
            settings.display().to_string(),
            "-o".into(),
            out.display().to_string(),
        ];
        if force {
            a.push("--force".into());
        }
        a
    };
    let (code, stdout, err) = run(cli().args(args(false)));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert!(fs::read_to_string(&out)
        .unwrap()
        .contains("claude.deny.bash-rm"));
    fs::write(&out, "keep").unwrap();
    let (code, _, err) = run(cli().args(args(false)));
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "keep");
    let (code, _, err) = run(cli().args(args(true)));
    assert_eq!(code, 0, "{err}");
    assert!(fs::read_to_string(&out).unwrap().contains("version: 1"));
}

#[test]
fn bad_input_is_named() {
    let (_tmp, project) =
        project("{\n  \"permissions\": {\n    \"allow\": [\"Bash(ls)\",]\n  }\n}\n");
    let settings = project.join(".claude/settings.json");
    let (code, _, err) = run(cli().args(["import-claude", settings.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:3:", settings.display())), "{err}");

    fs::write(&settings, r#"{"permissions": {"deny": ["Bash(rm:*)", 3]}}"#).unwrap();
    let (code, _, err) = run(cli().args(["import-claude", settings.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("permissions.deny[1] is not a string"), "{err}");

    let (code, _, err) = run(cli().args(["import-claude", "/nonexistent/settings.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/settings.json"), "{err}");
}

#[test]
fn unsupported_rules_are_refused_unless_skipped() {
    let (_tmp, project) = project(r#"{"permissions": {"deny": ["Task(Explore)", "Bash(rm:*)"]}}"#);
    let settings = project.join(".claude/settings.json");
    let (code, _, err) = run(cli().args(["import-claude", settings.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(
        err.contains("Task(Explore)") && err.contains("--skip-unsupported"),
        "{err}"
    );

    let (code, out, err) = run(cli().args([
        "import-claude",
        settings.to_str().unwrap(),
        "--skip-unsupported",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: skipped permissions.deny: \"Task(Explore)\""),
        "{err}"
    );
    assert!(
        out.contains("# skipped permissions.deny: \"Task(Explore)\""),
        "{out}"
    );
    assert!(out.contains("claude.deny.bash-rm"), "{out}");
}

#[test]
fn settings_without_permissions_give_an_empty_policy() {
    let (_tmp, project) = project(r#"{"model": "opus"}"#);
    let (code, out, err) = run(cli().args(["import-claude", "--cwd", project.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("version: 1") && out.contains("rules: []"),
        "{out}"
    );
}

//! `policy-cli eval` run as a process: commands on the command line, tool
//! calls as JSON on stdin, and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

fn cli() -> Command {
    let mut c = Command::new(common::exe());
    c.env("HOME", "/home/dev").env("USER", "dev").env(
        "AGENT_POLICY_CACHE_DIR",
        std::env::temp_dir().join("agent-policy-test-cache"),
    );
    c
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let mut child = cli()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn eval_text_shows_unwrapped_command() {
    let out = cli()
        .args([
            "eval",
            "--actions",
            "--cwd",
            "/home/dev/project",
            "sudo -u dev -- r''m -rf ~",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("exec rm -rf /home/dev   [via sudo]"),
        "{text}"
    );
}

#[test]
fn eval_json_from_stdin() {
    let payload = br#"{"session_id":"s1","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"echo cm0gLXJmIC8= | base64 -d | sh"}}"#;
    let (code, stdout, stderr) = run_stdin(&["eval", "--json", "-", "--format", "json"], payload);
    assert_eq!(code, 4, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let actions = v["actions"].as_array().unwrap();
    let decoded = actions.iter().find(|a| {
        a["type"] == "exec"
            && a["program"] == "rm"
            && a["origin"]["context"]
                .as_array()
                .is_some_and(|c| c.iter().any(|x| x["kind"] == "decoded"))
    });
    assert!(decoded.is_some(), "{stdout}");
}

#[test]
fn eval_file_tools() {
    let payload = br#"{"tool_name":"Read","tool_input":{"file_path":"/home/dev/project/../.aws/credentials"},"cwd":"/home/dev/project"}"#;
    let (code, stdout, _) = run_stdin(&["eval", "--actions", "--json", "-"], payload);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("read /home/dev/project/../.aws/credentials (/home/dev/.aws/credentials)"),
        "{stdout}"
    );
    let (code, stdout, _) = run_stdin(&["eval", "--json", "-"], payload);
    assert_eq!(code, 4, "credentials are protected: {stdout}");
    assert!(
        stdout.starts_with("deny\n  cred.cloud-credentials (deny)"),
        "{stdout}"
    );
}

#[test]
fn malformed_json_is_a_clear_error() {
    for bad in [
        &b"{not json"[..],
        b"",
        b"[1,2]",
        b"{\"tool_input\":{}}",
        b"\xff\xfe",
    ] {
        let (code, stdout, stderr) = run_stdin(&["eval", "--json", "-"], bad);
        assert_eq!(code, 2, "input {bad:?}: {stdout}");
        assert!(stderr.starts_with("policy-cli: error:"), "{stderr}");
        assert!(stdout.is_empty());
    }
}

#[test]
fn missing_command_is_an_error() {
    let out = cli().arg("eval").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bash_with_wrong_input_type_is_opaque() {
    let payload = br#"{"tool_name":"Bash","tool_input":{"command":42}}"#;
    let (code, stdout, _) = run_stdin(&["eval", "--explain", "--json", "-"], payload);
    assert_eq!(code, 3, "bad input → on_error (ask): {stdout}");
    assert!(stdout.contains("opaque bad_input"), "{stdout}");
}

#[test]
fn exit_codes_per_decision() {
    let code = |cmd: &str| {
        cli()
            .args(["eval", "--cwd", "/home/dev/project", cmd])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code("git status"), Some(0), "pass");
    assert_eq!(code("git reset --hard HEAD~1"), Some(3), "ask");
    assert_eq!(code("git push --force origin main"), Some(4), "deny");
}

#[test]
fn policy_file_errors_name_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.yaml");
    std::fs::write(&p, "version: 1\nrules:\n  - id: x\n    decision: deny\n    message: m\n    match: {progam: rm}\n").unwrap();
    let out = cli()
        .args(["eval", "--policy", p.to_str().unwrap(), "ls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("p.yaml:6:") && err.contains("progam"), "{err}");
    let out = cli().args(["check", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn test_command_runs_examples_and_test_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("team.yaml"),
        "version: 1\nextends: [builtin:default]\nrules:\n  - id: team.no-publish\n    decision: deny\n    message: no publishing\n    match: {program: npm, subcommand: publish}\n    examples: {match: [npm publish], no_match: [npm test]}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("team.test.yaml"),
        "policy: team.yaml\ncases:\n  - {input: 'npm publish --access public', decision: deny, rule: team.no-publish}\n  - {input: 'git status', decision: pass}\n  - {input: {tool: Read, input: {file_path: /home/dev/.ssh/id_rsa}}, decision: deny, rule: cred.ssh-private-key}\n",
    )
    .unwrap();
    let out = cli()
        .args(["test", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("3 cases, 0 failed"), "{text}");
    // A wrong expectation fails with exit 1 and names the case.
    std::fs::write(
        dir.path().join("bad.test.yaml"),
        "policy: team.yaml\ncases:\n  - {input: 'git status', decision: deny}\n",
    )
    .unwrap();
    let out = cli()
        .args(["test", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("bad.test.yaml case 1: expected deny"),
        "{text}"
    );
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_without_a_panic() {
    use std::io::Read as _;
    // ~1.4 MB of JSON: far more than a pipe buffer holds.
    let long: Vec<String> = (0..3000).map(|i| format!("echo {i}")).collect();
    let mut child = cli()
        .args(["eval", "--format", "json", &long.join(" && ")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one chunk, then close our end like `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 64];
    let _ = stdout.read(&mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

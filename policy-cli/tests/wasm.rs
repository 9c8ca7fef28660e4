//! WASM rules through the command line, run as processes: `test` runs the
//! example rules' examples (the C modules built by `rules/wasm/build.sh`),
//! `hook` decides with a precompiled module and fails closed on a broken one,
//! `eval` and `check` see WASM rules too.

#![cfg(feature = "wasm-compiler")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    root().join("policy-wasm/tests/fixtures").join(name)
}

/// Builds the C example rules when a `.wasm` is missing or older than its
/// sources (CI builds them before the tests; a fresh clone needs clang + lld).
fn build_c_examples() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let dir = root().join("rules/wasm");
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let header = modified(&dir.join("policy_rule.h"));
        let stale = ["deploy_hours", "watched_paths"].iter().any(|n| {
            let wasm = modified(&dir.join(format!("{n}.wasm")));
            let c = modified(&dir.join(format!("{n}.c")));
            wasm.is_none() || wasm < c || wasm < header
        });
        if stale {
            let out = Command::new("bash")
                .arg(dir.join("build.sh"))
                .output()
                .expect("bash");
            assert!(
                out.status.success(),
                "rules/wasm/build.sh failed (it needs clang and lld: apt-get install clang lld): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    });
}

/// The shared test command, with `cache` as the cache directory and no
/// project directory.
fn cli(cache: &Path) -> Command {
    let mut c = common::cli();
    c.env_remove("XDG_CACHE_HOME")
        // A debug build compiles modules slowly; the deadline is not what these tests test.
        .env("AGENT_POLICY_DEADLINE_MS", "30000")
        .env_remove("AGENT_POLICY_WASM_LOG")
        .env_remove("CLAUDE_PROJECT_DIR")
        .env("AGENT_POLICY_CACHE_DIR", cache);
    c
}

fn run(cmd: Command, stdin: &str) -> Output {
    common::run_stdin(cmd, stdin.as_bytes())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn hook(cache: &Path, policy: &Path, command: &str, clock: Option<u64>) -> (i32, Value, String) {
    let mut cmd = cli(cache);
    cmd.args(["hook", "--policy"]).arg(policy);
    if let Some(t) = clock {
        cmd.env("AGENT_POLICY_CLOCK", t.to_string());
    }
    let payload = json!({
        "session_id": "s", "cwd": "/home/dev/project", "hook_event_name": "PreToolUse",
        "tool_name": "Bash", "tool_input": { "command": command }
    });
    let out = run(cmd, &payload.to_string());
    let stdout = text(&out.stdout);
    let v = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(stdout.trim()).unwrap()
    };
    (out.status.code().unwrap(), v, text(&out.stderr))
}

fn decision(v: &Value) -> &str {
    v["hookSpecificOutput"]["permissionDecision"]
        .as_str()
        .unwrap_or("pass")
}

fn reason(v: &Value) -> &str {
    v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap_or("")
}

#[test]
fn test_runs_the_example_wasm_rules() {
    build_c_examples();
    let cache = tempfile::tempdir().unwrap();
    let mut cmd = cli(cache.path());
    cmd.current_dir(root()).args(["test", "rules/wasm"]);
    let out = run(cmd, "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("rules/wasm/examples.yaml: 3 rules, 19 examples, 0 failed"),
        "{stdout}"
    );
    assert!(stdout.contains("4 cases, 0 failed"), "{stdout}");
}

#[test]
fn test_reports_a_failing_wasm_example() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        format!(
            "version: 1\nrules:\n  - id: rm\n    message: m\n    wasm: {}\n    examples:\n      match: [\"ls\"]\n",
            fixture("deny_rm.wat").display()
        ),
    )
    .unwrap();
    let mut cmd = cli(dir.path());
    cmd.arg("test").arg(dir.path().join("p.yaml"));
    let out = run(cmd, "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("FAIL rm") && text(&out.stdout).contains("should match: ls"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn hook_decides_with_a_precompiled_module_and_the_hook_clock() {
    build_c_examples();
    let cache = tempfile::tempdir().unwrap();
    let policy = root().join("rules/wasm/examples.yaml");
    // `check` compiles the modules into the cache (a debug build's compiler
    // would take longer than the hook's deadline: that is the point of the cache).
    let mut cmd = cli(cache.path());
    cmd.arg("check").arg(&policy);
    let out = run(cmd, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cwasm = std::fs::read_dir(cache.path().join("wasm"))
        .unwrap()
        .count();
    assert_eq!(cwasm, 3, "one precompiled file per module");
    // Saturday 10:00 UTC: denied.
    let (code, v, err) = hook(
        cache.path(),
        &policy,
        "kubectl apply -f prod.yaml",
        Some(1_768_039_200),
    );
    assert_eq!((code, decision(&v)), (0, "deny"), "{v} {err}");
    assert!(reason(&v).contains("it is Saturday 10:00"), "{v}");
    assert_eq!(
        std::fs::read_dir(cache.path().join("wasm"))
            .unwrap()
            .count(),
        3
    );
    // Wednesday 10:00: no opinion (the agent's own flow decides).
    let (code, v, _) = hook(
        cache.path(),
        &policy,
        "kubectl apply -f prod.yaml",
        Some(1_767_780_000),
    );
    assert_eq!((code, decision(&v)), (0, "pass"), "{v}");
    let (_, v, _) = hook(cache.path(), &policy, "sudo ls", None);
    assert_eq!(decision(&v), "ask", "{v}");
    // A bad clock blocks rather than silently using the wall clock.
    let mut cmd = cli(cache.path());
    cmd.args(["hook", "--policy"])
        .arg(&policy)
        .env("AGENT_POLICY_CLOCK", "soon");
    let out = run(
        cmd,
        r#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}"#,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hook_fails_closed_on_a_broken_module() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        format!(
            "version: 1\non_error: deny\nrules:\n  - id: loops\n    message: m\n    wasm: {}\n",
            fixture("infinite_loop.wat").display()
        ),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let (code, v, err) = hook(dir.path(), &policy, "ls", None);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!((code, decision(&v)), (0, "deny"), "{v} {err}");
    assert!(reason(&v).contains("infinite_loop.wat"), "{v}");
    assert!(reason(&v).contains("fuel exhausted"), "{v}");
    // A module importing WASI is named with its import.
    std::fs::write(
        &policy,
        format!(
            "version: 1\non_error: ask\nrules:\n  - id: wasi\n    message: m\n    wasm: {}\n",
            fixture("forbidden_import.wat").display()
        ),
    )
    .unwrap();
    let (_, v, _) = hook(dir.path(), &policy, "ls", None);
    assert_eq!(decision(&v), "ask", "{v}");
    assert!(
        reason(&v).contains("forbidden import `wasi_snapshot_preview1.fd_write`"),
        "{v}"
    );
}

#[test]
fn hook_blocks_when_the_module_file_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "version: 1\nrules:\n  - id: gone\n    message: m\n    wasm: gone.wasm\n",
    )
    .unwrap();
    let (code, _, err) = hook(dir.path(), &policy, "ls", None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot read WASM module"), "{err}");
}

#[test]
fn eval_and_check_run_wasm_rules() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        format!(
            "version: 1\nrules:\n  - id: rm\n    message: m\n    wasm: {}\n",
            fixture("deny_rm.wat").display()
        ),
    )
    .unwrap();
    let mut cmd = cli(dir.path());
    cmd.args(["eval", "--cwd", "/home/dev/project", "--policy"])
        .arg(&policy)
        .arg("sudo rm -rf /");
    let out = run(cmd, "");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("rm (deny): rm is not allowed here"));
    let mut cmd = cli(dir.path());
    cmd.arg("check").arg(&policy);
    let out = run(cmd, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // `check` loads every module: a forbidden import is an error (exit 2).
    std::fs::write(
        &policy,
        format!(
            "version: 1\nrules:\n  - id: wasi\n    message: m\n    wasm: {}\n",
            fixture("forbidden_import.wat").display()
        ),
    )
    .unwrap();
    let mut cmd = cli(dir.path());
    cmd.arg("check").arg(&policy);
    let out = run(cmd, "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("forbidden import"),
        "{}",
        text(&out.stderr)
    );
}

//! What the process tests share: a `policy-cli` command in the corpus world
//! (HOME=/home/dev, project /home/dev/project, no user policy, the shared
//! test cache), running one hook event, and reading a Claude Code answer.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The `policy-cli` under test: this build's binary, or the one named by
/// `AGENT_POLICY_TEST_BIN` (CI runs the process tests a second time against
/// the statically linked release build of `scripts/build-hook.sh`).
pub fn exe() -> std::ffi::OsString {
    std::env::var_os("AGENT_POLICY_TEST_BIN")
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_policy-cli").into())
}

/// `policy-cli` with a clean environment in the corpus world. Callers set
/// `AGENT_POLICY_STATE_DIR` (and anything else) themselves.
pub fn cli() -> Command {
    let mut c = Command::new(exe());
    c.env("HOME", "/home/dev")
        .env("USER", "dev")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_STATE_HOME")
        .env_remove("AGENT_POLICY_FILE")
        .env_remove("AGENT_POLICY_STATE_DIR")
        .env_remove("AGENT_POLICY_CLOCK")
        // Claude Code names the project to hooks this way; it does not exist here.
        .env("CLAUDE_PROJECT_DIR", "/home/dev/project")
        .env(
            "AGENT_POLICY_CACHE_DIR",
            std::env::temp_dir().join("agent-policy-test-cache"),
        );
    c
}

/// Runs `c hook --agent claude` (with a generous deadline: answers are under
/// test, not speed) on `payload`.
pub fn run_hook(mut c: Command, payload: &Value) -> Output {
    c.args(["hook", "--agent", "claude", "--deadline-ms", "30000"]);
    run_stdin(c, payload.to_string().as_bytes())
}

/// Runs `c` with `stdin` written from another thread (so a child that answers
/// before reading everything cannot deadlock the test).
pub fn run_stdin(mut c: Command, stdin: &[u8]) -> Output {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    out
}

/// A Claude Code PreToolUse answer: `deny`, `ask`, `allow`, `pass` (no
/// output) or `block` (exit 2).
pub fn decision(out: &Output) -> String {
    match out.status.code() {
        Some(2) => "block".into(),
        Some(0) if out.stdout.is_empty() => "pass".into(),
        Some(0) => {
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            v["hookSpecificOutput"]["permissionDecision"]
                .as_str()
                .unwrap_or_else(|| panic!("no permissionDecision: {v}"))
                .into()
        }
        c => panic!("exit {c:?}: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// stdout and stderr, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A scratch directory for one test binary's run: `name` under Cargo's
/// per-target temporary directory, emptied when first asked for. A static
/// `TempDir` is never dropped, so it used to leave one directory in /tmp per
/// test run; this one is reused by the next run (and `cargo clean` removes it).
pub fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    // Ignored: absent on the first run.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

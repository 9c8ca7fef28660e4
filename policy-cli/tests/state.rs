//! Session state through the real hook: concurrent processes on one session,
//! damaged state files, hostile session ids, a missing state directory, and
//! `policy-cli session`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::{cli, decision, run_hook, text};
use serde_json::{json, Value};

fn bash(session: &str, command: &str) -> Value {
    json!({"session_id": session, "cwd": "/home/dev/project", "hook_event_name": "PreToolUse",
           "tool_name": "Bash", "tool_input": {"command": command}})
}

#[test]
fn eight_processes_fifty_calls_each_count_exactly_and_trip_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "version: 1\nrate_limits:\n  - { id: conc, tools: [Bash], max: 100, per: 1h }\n",
    )
    .unwrap();
    let decisions: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|w| {
                let (state, policy) = (&state, &policy);
                scope.spawn(move || {
                    (0..50)
                        .map(|i| {
                            let mut c = cli();
                            c.env("AGENT_POLICY_STATE_DIR", state)
                                .env("AGENT_POLICY_CLOCK", "1790000000")
                                .env("AGENT_POLICY_FILE", policy);
                            decision(&run_hook(c, &bash("shared", &format!("echo {w}-{i}"))))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(decisions.len(), 400);
    let asks = decisions.iter().filter(|d| *d == "ask").count();
    let passes = decisions.iter().filter(|d| *d == "pass").count();
    // Calls 1..=100 are within the limit, 101..=400 over it: exactly.
    assert_eq!((passes, asks), (100, 300), "{decisions:?}");
    let file = state.join("sessions/shared.json");
    let stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["calls"], 400);
    let counted: u64 = stored["rates"]["conc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[1].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 400);
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(state.join("sessions"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_damaged_state_file_counts_as_tainted_never_as_clean() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    for garbage in [
        &b"{\"version\": 1, \"calls\": "[..],
        b"\x00\xff\xfe",
        b"{\"version\": 99}",
    ] {
        std::fs::write(sessions.join("s1.json"), garbage).unwrap();
        let mut c = cli();
        c.env("AGENT_POLICY_STATE_DIR", dir.path());
        let out = run_hook(c, &bash("s1", "git push origin main"));
        assert_eq!(decision(&out), "ask", "{}", text(&out));
        assert!(text(&out).contains("taint.escalate"), "{}", text(&out));
        assert!(text(&out).contains("damaged"), "{}", text(&out));
    }
    // The damage is recorded as taint, so it persists after the rewrite.
    let mut c = cli();
    c.env("AGENT_POLICY_STATE_DIR", dir.path());
    assert_eq!(
        decision(&run_hook(c, &bash("s1", "git push origin main"))),
        "ask"
    );
    // An untagged action is unaffected.
    let mut c = cli();
    c.env("AGENT_POLICY_STATE_DIR", dir.path());
    assert_eq!(decision(&run_hook(c, &bash("s1", "cargo test"))), "pass");
}

#[test]
fn hostile_session_ids_stay_inside_the_state_directory() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    for id in [
        "../../escape",
        "/etc/passwd",
        "a/b",
        "..",
        ".hidden",
        "x\u{0}y",
        &"z".repeat(5000),
    ] {
        let mut c = cli();
        c.env("AGENT_POLICY_STATE_DIR", &state);
        let out = run_hook(c, &bash(id, "ls"));
        assert_eq!(decision(&out), "pass", "{id:?}: {}", text(&out));
    }
    // Nothing was written outside `state/sessions`, and every name is safe.
    let outside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("state")]);
    for e in std::fs::read_dir(state.join("sessions")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(name.starts_with("h-") || name.starts_with("a"), "{name}");
        assert!(!name.contains('/') && name.len() < 80, "{name}");
    }
}

#[test]
fn without_a_usable_state_directory_the_session_counts_as_tainted() {
    // Nothing can be created under /proc, not even by root.
    let unusable = || {
        let mut c = cli();
        c.env(
            "AGENT_POLICY_STATE_DIR",
            "/proc/agent-policy-no-such-dir/state",
        );
        c
    };
    let out = run_hook(unusable(), &bash("s", "git push origin main"));
    assert_eq!(decision(&out), "ask", "{}", text(&out));
    assert!(text(&out).contains("session state"), "{}", text(&out));
    assert_eq!(decision(&run_hook(unusable(), &bash("s", "ls"))), "pass");
}

#[test]
fn session_list_show_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let post = json!({"session_id": "web", "cwd": "/home/dev/project", "hook_event_name": "PostToolUse",
        "tool_name": "WebFetch", "tool_input": {"url": "https://example.com/x", "prompt": "p"},
        "tool_response": {"code": 200, "result": "text"}});
    let mut c = cli();
    c.env("AGENT_POLICY_STATE_DIR", dir.path());
    assert_eq!(run_hook(c, &post).status.code(), Some(0));
    let session = |args: &[&str]| {
        let mut c = cli();
        c.env("AGENT_POLICY_STATE_DIR", dir.path())
            .arg("session")
            .args(args);
        c.output().unwrap()
    };
    let list = session(&["list"]);
    assert!(list.status.success());
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(
        listed.contains("web") && listed.contains("tainted by WebFetch https://example.com/x"),
        "{listed}"
    );
    let show = session(&["show", "web"]);
    let shown = String::from_utf8_lossy(&show.stdout).into_owned();
    assert!(
        shown.contains("\"taint\"") && shown.contains("https://example.com/x"),
        "{shown}"
    );
    let mut c = cli();
    c.env("AGENT_POLICY_STATE_DIR", dir.path());
    assert_eq!(decision(&run_hook(c, &bash("web", "git push"))), "ask");
    assert!(session(&["clear", "web"]).status.success());
    let mut c = cli();
    c.env("AGENT_POLICY_STATE_DIR", dir.path());
    assert_eq!(decision(&run_hook(c, &bash("web", "git push"))), "pass");
    // The agent itself may not clear it.
    let mut c = cli();
    c.env("AGENT_POLICY_STATE_DIR", dir.path());
    let out = run_hook(c, &bash("web", "policy-cli session clear web"));
    assert_eq!(decision(&out), "deny", "{}", text(&out));
    assert!(Path::new(&dir.path().join("sessions")).exists());
}

#[test]
fn wasm_rules_receive_the_stored_session_facts() {
    let dir = tempfile::tempdir().unwrap();
    let module = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../policy-wasm/tests/fixtures/ask_when_tainted.wat");
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        format!(
            "version: 1\nextends: [builtin:default]\nrules:\n  - id: acme.tainted\n    message: m\n    wasm: {}\n",
            module.display()
        ),
    )
    .unwrap();
    let state = dir.path().join("state");
    let with = || {
        let mut c = cli();
        c.env("AGENT_POLICY_STATE_DIR", &state)
            .env("AGENT_POLICY_FILE", &policy)
            .env("AGENT_POLICY_CACHE_DIR", dir.path().join("cache"));
        c
    };
    // Clean session: the module abstains.
    let out = run_hook(with(), &bash("w", "ls"));
    assert_eq!(decision(&out), "pass", "{}", text(&out));
    let post = json!({"session_id": "w", "cwd": "/home/dev/project", "hook_event_name": "PostToolUse",
        "tool_name": "WebFetch", "tool_input": {"url": "https://example.com/x", "prompt": "p"},
        "tool_response": {"code": 200, "result": "text"}});
    assert_eq!(run_hook(with(), &post).status.code(), Some(0));
    // Tainted: the module sees `"tainted":true` in `session` and asks.
    let out = run_hook(with(), &bash("w", "ls"));
    assert_eq!(decision(&out), "ask", "{}", text(&out));
    assert!(text(&out).contains("acme.tainted"), "{}", text(&out));
}

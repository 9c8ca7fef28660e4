//! Every multi-step session of the shared corpus
//! (`../shared/corpus/sequences.jsonl`) replayed through the real hook: one
//! `policy-cli hook` process per step, `AGENT_POLICY_CLOCK` set to the step's
//! time, a fresh state directory per session. Only the last step is judged
//! (block = deny or ask; allow = no objection), as the corpus README says.
//!
//! The policy is the default plus the per-MCP-server limit the labels assume
//! (`tests/fixtures/sequences-policy.yaml`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The session's start, in unix seconds (steps give seconds since the start).
const START: f64 = 1_790_000_000.0;

fn hook(state: &Path, clock: f64, payload: &Value) -> (i32, String, String) {
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sequences-policy.yaml");
    let mut c = common::cli();
    c.env("AGENT_POLICY_FILE", &policy)
        .env("AGENT_POLICY_STATE_DIR", state)
        .env("AGENT_POLICY_CLOCK", format!("{clock:.3}"));
    let out = common::run_hook(c, payload);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `block` or `allow` for a PreToolUse answer.
fn judged(code: i32, stdout: &str, stderr: &str) -> &'static str {
    match code {
        2 => "block",
        0 if stdout.trim().is_empty() => "allow",
        0 => {
            let v: Value = serde_json::from_str(stdout).unwrap();
            match v["hookSpecificOutput"]["permissionDecision"].as_str() {
                Some("deny" | "ask") => "block",
                Some("allow") => "allow",
                other => panic!("unexpected answer {other:?}: {stdout}"),
            }
        }
        _ => panic!("hook exited {code}: {stderr}"),
    }
}

fn replay(seq: &Value, state: &Path) -> (String, String) {
    let id = seq["id"].as_str().unwrap();
    let steps = seq["steps"].as_array().unwrap();
    let mut last = (String::new(), String::new());
    for step in steps {
        let mut payload = json!({
            "session_id": id,
            "transcript_path": format!("/home/dev/.claude/projects/p/{id}.jsonl"),
            "cwd": seq["cwd"],
            "permission_mode": "default",
            "hook_event_name": step["hook_event_name"],
            "tool_name": step["tool_name"],
            "tool_input": step["tool_input"],
        });
        if let Some(r) = step.get("tool_response") {
            payload["tool_response"] = r.clone();
        }
        let t = step["t"].as_f64().unwrap();
        let (code, out, err) = hook(state, START + t, &payload);
        if step["hook_event_name"] == "PostToolUse" {
            assert_eq!(code, 0, "{id}: PostToolUse at t={t} answered {code}: {err}");
        }
        last = (
            judged_or_post(step, code, &out, &err),
            format!("{out}{err}"),
        );
    }
    last
}

fn judged_or_post(step: &Value, code: i32, out: &str, err: &str) -> String {
    if step["hook_event_name"] == "PreToolUse" {
        judged(code, out, err).to_string()
    } else {
        "post".to_string()
    }
}

fn sequences() -> Option<Vec<Value>> {
    let path: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/sequences.jsonl");
    let text = std::fs::read_to_string(&path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

#[test]
fn every_corpus_sequence_replays_to_its_label() {
    let Some(seqs) = sequences() else {
        eprintln!("shared/corpus/sequences.jsonl not found; skipping");
        return;
    };
    assert!(seqs.len() >= 30, "expected the 30 corpus sessions");
    let root = tempfile::tempdir().unwrap();
    // Two sessions at a time (the machine has two cores).
    let results: Vec<(String, String, String, String)> = std::thread::scope(|scope| {
        let chunks: Vec<&[Value]> = seqs.chunks(seqs.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let root = root.path();
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|seq| {
                            let id = seq["id"].as_str().unwrap().to_string();
                            let state = root.join(&id);
                            let (got, answer) = replay(seq, &state);
                            let want = seq["expect_last"].as_str().unwrap().to_string();
                            (id, want, got, answer)
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
    let mut failures = Vec::new();
    for (id, want, got, answer) in &results {
        println!("{id:<16} expect {want:<5} got {got:<5}");
        if want != got {
            failures.push(format!(
                "{id}: expected {want}, got {got}: {}",
                answer.trim()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_reason_names_the_taint_source() {
    let Some(seqs) = sequences() else {
        return;
    };
    let seq = seqs.iter().find(|s| s["id"] == "seq-taint-001").unwrap();
    let state = tempfile::tempdir().unwrap();
    let (got, answer) = replay(seq, state.path());
    assert_eq!(got, "block");
    assert!(answer.contains("taint.escalate"), "{answer}");
    assert!(answer.contains("WebFetch"), "{answer}");
    assert!(
        answer.contains("https://example.com/guides/setup.md"),
        "{answer}"
    );
}

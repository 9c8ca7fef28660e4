//! `policy-cli hook` run as a process: every agent's sample payloads, generated
//! payloads for allow/ask/deny, hostile input, crashes and deadlines, policy
//! discovery and layering, and self-protection.
//!
//! The hook must exit 0 or 2 whatever happens, and never let a dangerous call
//! through. Each run is bounded by a harness timeout (a hang is a failure);
//! the hook's own deadline is what turns slowness into a block.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A hook run that takes longer than this is a hang (the hook's own deadline is 2 s here).
const HARNESS_TIMEOUT: Duration = Duration::from_secs(20);

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?}", self.stdout))
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protocols")
}

/// A fresh session-state directory for one hook process (each test's calls
/// are independent: no rate-limit counts or taint carried between them).
fn fresh_state_dir() -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let root = ROOT.get_or_init(|| common::scratch_dir("hook-state"));
    root.join(
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_string(),
    )
}

/// Fills the compiled-policy cache once, with a generous deadline: a debug
/// build compiling the default packs cold takes about as long as the hook's
/// default deadline, and the tests below are about answers, not cold starts.
fn warm_cache() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        let mut c = Command::new(common::exe());
        c.args(["hook", "--agent", "claude", "--deadline-ms", "60000"])
            .env("HOME", "/home/dev")
            .env("AGENT_POLICY_STATE_DIR", fresh_state_dir())
            .env_remove("AGENT_POLICY_FILE")
            .env_remove("CLAUDE_PROJECT_DIR")
            .env(
                "AGENT_POLICY_CACHE_DIR",
                std::env::temp_dir().join("agent-policy-test-cache"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = c.spawn().unwrap();
        let _ = child.stdin.take().unwrap().write_all(
            br#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/tmp"}"#,
        );
        let _ = child.wait();
    });
}

/// A hook command with a clean environment: HOME=/home/dev (no user policy
/// there), no AGENT_POLICY_* variables but a fresh state directory.
fn hook(args: &[&str]) -> Command {
    warm_cache();
    let mut c = Command::new(common::exe());
    c.arg("hook")
        .args(args)
        .env("HOME", "/home/dev")
        .env("USER", "dev")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_STATE_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("AGENT_POLICY_FILE")
        .env("AGENT_POLICY_STATE_DIR", fresh_state_dir())
        .env_remove("AGENT_POLICY_CLOCK")
        // Answers, not speed, are under test here: a debug build on a loaded
        // 2-core CI machine can take longer than the 1.5 s default. Tests of
        // the deadline pass `--deadline-ms`, which overrides this.
        .env("AGENT_POLICY_DEADLINE_MS", "10000")
        .env_remove("AGENT_POLICY_TEST_CRASH")
        .env_remove("CLAUDE_PROJECT_DIR")
        .env(
            "AGENT_POLICY_CACHE_DIR",
            std::env::temp_dir().join("agent-policy-test-cache"),
        );
    c
}

fn run(mut cmd: Command, stdin: &[u8]) -> Out {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // Write on a thread: the hook may answer (and close stdin) before reading all of it.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > HARNESS_TIMEOUT {
            let _ = child.kill();
            panic!("the hook hung for {HARNESS_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = writer.join();
    let out = child.wait_with_output().unwrap();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status));
    Out {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run_json(args: &[&str], payload: &Value) -> Out {
    run(hook(args), payload.to_string().as_bytes())
}

/// The decision an answer expresses, in our vocabulary (`block` for exit 2).
fn decision_of(out: &Out) -> String {
    assert!(
        out.code == 0 || out.code == 2,
        "exit {} ({})",
        out.code,
        out.stderr
    );
    if out.code == 2 {
        return "block".into();
    }
    if out.stdout.trim().is_empty() {
        return "pass".into();
    }
    let v = out.json();
    if let Some(d) = v["hookSpecificOutput"]["permissionDecision"].as_str() {
        return d.into();
    }
    if let Some(d) = v["permissionDecision"].as_str() {
        return d.into();
    }
    if let Some(d) = v["permission"].as_str() {
        return d.into();
    }
    if let Some(d) = v["decision"].as_str() {
        return d.into();
    }
    if let Some(c) = v["cancel"].as_bool() {
        return if c { "deny" } else { "pass" }.into();
    }
    if v == json!({}) {
        return "pass".into();
    }
    panic!("unrecognised answer {v}");
}

fn sample(path: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(path)).unwrap()
}

#[test]
fn fixtures_cover_every_shared_sample() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/protocols");
    let Ok(agents) = std::fs::read_dir(&shared) else {
        eprintln!("../shared/protocols not found; the fixtures stand alone");
        return;
    };
    for agent in agents.flatten().filter(|e| e.path().is_dir()) {
        for f in std::fs::read_dir(agent.path()).unwrap().flatten() {
            let rel = format!(
                "{}/{}",
                agent.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            );
            let ours = std::fs::read(fixtures().join(&rel)).unwrap_or_default();
            assert_eq!(
                ours,
                std::fs::read(f.path()).unwrap(),
                "fixture {rel} differs from ../shared/protocols; copy it"
            );
        }
    }
}

#[test]
fn every_sample_is_answered_in_its_agents_format() {
    // (sample, expected decision, a rule id the reason must name)
    let table: &[(&str, &str, Option<&str>)] = &[
        (
            "claude/pre-bash.json",
            "deny",
            Some("git.force-push-protected"),
        ),
        (
            "claude/pre-bash-subagent.json",
            "deny",
            Some("fs.delete-home-essentials"),
        ),
        ("claude/pre-read.json", "deny", Some("cred.ssh-private-key")),
        ("claude/pre-edit.json", "deny", Some("self.hook-config")),
        ("claude/pre-grep.json", "ask", Some("cred.home-wide-search")),
        ("claude/pre-mcp.json", "ask", Some("infra.sql-drop-table")),
        ("claude/pre-write.json", "pass", None),
        ("claude/pre-multiedit.json", "pass", None),
        ("claude/pre-notebookedit.json", "pass", None),
        ("claude/pre-glob.json", "pass", None),
        ("claude/pre-agent.json", "pass", None),
        ("claude/pre-webfetch.json", "pass", None),
        ("claude/pre-websearch.json", "pass", None),
        ("claude/post-bash.json", "block", None),
        ("claude/post-webfetch.json", "pass", None),
        ("claude/session-start.json", "pass", None),
        ("claude/user-prompt-submit.json", "block", None),
        ("codex/pre-bash.json", "pass", None),
        (
            "gemini/before-tool.json",
            "deny",
            Some("rce.download-to-interpreter"),
        ),
        (
            "cursor/before-shell-execution.json",
            "ask",
            Some("git.reset-hard-discard"),
        ),
        (
            "cursor/before-read-file.json",
            "deny",
            Some("cred.dotenv-read"),
        ),
        (
            "cursor/before-mcp-execution.json",
            "ask",
            Some("infra.sql-unbounded-write"),
        ),
        (
            "copilot-cli/pre-tool-use.json",
            "deny",
            Some("fs.delete-system-dir"),
        ),
        (
            "cline/PreToolUse.json",
            "deny",
            Some("fs.recursive-permission-broad"),
        ),
    ];
    for (file, want, rule) in table {
        let out = run(hook(&[]), &sample(file));
        assert_eq!(
            decision_of(&out),
            *want,
            "{file}: {} {}",
            out.stdout,
            out.stderr
        );
        if let Some(rule) = rule {
            assert!(
                out.stdout.contains(&format!("[{rule}")),
                "{file}: reason lacks {rule}: {}",
                out.stdout
            );
        }
        if *want != "pass" {
            assert!(
                out.stdout.contains("Instead:"),
                "{file}: no advice: {}",
                out.stdout
            );
        }
        assert!(out.stderr.is_empty(), "{file}: stderr {}", out.stderr);
    }
}

#[test]
fn claude_answer_shape() {
    let out = run(
        hook(&["--agent", "claude"]),
        &sample("claude/pre-bash.json"),
    );
    let v = out.json();
    assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
    let reason = v["hookSpecificOutput"]["permissionDecisionReason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains(
            "[git.force-push-protected, user policy] Force-push that can overwrite main/master"
        ),
        "{reason}"
    );
    assert!(
        reason.contains("Instead: push to a feature branch"),
        "{reason}"
    );
}

/// One policy that allows `ls`, asks for `make`, denies `git push`.
fn three_way_policy(dir: &Path) -> PathBuf {
    let p = dir.join("policy.yaml");
    std::fs::write(
        &p,
        "version: 1\nrules:\n  - {id: t.ls, decision: allow, message: listing is fine, match: {program: ls}}\n  - {id: t.make, decision: ask, message: make runs arbitrary recipes, match: {program: make}}\n  - {id: t.push, decision: deny, message: no pushing, hint: commit locally instead, match: {program: git, subcommand: push}}\n",
    )
    .unwrap();
    p
}

/// A payload in `agent`'s shape for a shell command.
fn shell_payload(agent: &str, command: &str) -> Value {
    match agent {
        "claude" | "codex" => json!({"hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command}, "cwd": "/home/dev/project", "session_id": "s"}),
        "gemini" => json!({"hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
            "tool_input": {"command": command}, "cwd": "/home/dev/project"}),
        "cursor" => json!({"hook_event_name": "beforeShellExecution", "command": command,
            "cwd": "/home/dev/project", "workspace_roots": ["/home/dev/project"]}),
        "copilot" => {
            json!({"toolName": "bash", "toolArgs": json!({"command": command}).to_string(),
            "cwd": "/home/dev/project"})
        }
        "cline" => json!({"hookName": "PreToolUse", "workspaceRoots": ["/home/dev/project"],
            "preToolUse": {"toolName": "execute_command", "parameters": {"command": command}}}),
        other => panic!("{other}"),
    }
}

#[test]
fn allow_ask_deny_for_every_agent() {
    let dir = tempfile::tempdir().unwrap();
    let policy = three_way_policy(dir.path());
    let policy = policy.to_str().unwrap();
    // What each agent can express: (allow, ask, deny).
    let expect = [
        ("claude", ["allow", "ask", "deny"]),
        ("codex", ["allow", "ask", "deny"]),
        ("gemini", ["allow", "deny", "deny"]),
        ("cursor", ["allow", "ask", "deny"]),
        ("copilot", ["pass", "deny", "deny"]),
        ("cline", ["pass", "deny", "deny"]),
    ];
    for (agent, [allow, ask, deny]) in expect {
        for (command, want) in [
            ("ls -la", allow),
            ("make all", ask),
            ("bash -c 'git push origin main'", deny),
        ] {
            // Detected from the payload, and named with --agent.
            for args in [
                vec!["--policy", policy],
                vec!["--policy", policy, "--agent", agent],
            ] {
                let out = run_json(&args, &shell_payload(agent, command));
                assert_eq!(
                    decision_of(&out),
                    want,
                    "{agent} {command} {args:?}: {}",
                    out.stdout
                );
                assert_eq!(out.code, 0);
            }
        }
        let out = run_json(&["--policy", policy], &shell_payload(agent, "git push"));
        assert!(
            out.stdout.contains("commit locally instead"),
            "{agent}: hint missing: {}",
            out.stdout
        );
    }
}

#[test]
fn subagent_calls_are_checked_like_top_level_calls() {
    let top = json!({"hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "git push --force origin main"}, "cwd": "/home/dev/project"});
    let mut sub = top.clone();
    sub["agent_id"] = json!("agent_7");
    sub["agent_type"] = json!("general-purpose");
    let a = run_json(&[], &top);
    let b = run_json(&[], &sub);
    assert_eq!(decision_of(&a), "deny");
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn unknown_events_are_ignored() {
    for payload in [
        json!({"hook_event_name": "Stop", "session_id": "s"}),
        json!({"hook_event_name": "Notification", "message": "hi", "permission_mode": "default"}),
        json!({"hook_event_name": "PreCompact"}),
    ] {
        let out = run_json(&[], &payload);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "", ""),
            "{payload}"
        );
    }
}

/// Hostile input: every case answers 0 or 2 and none lets the dangerous
/// command through.
#[test]
fn hostile_input_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "version: 1\nrules:\n  - id: x\n    decision: maybe\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.yaml");
    let big_command = format!("echo {} ; rm -rf /", "a".repeat(1024 * 1024));
    let deep_command = format!("{}rm -rf /{}", "$(".repeat(10_000), ")".repeat(10_000));
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bash = |c: &str| {
        json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": c}, "cwd": "/home/dev/project"}).to_string().into_bytes()
    };
    let mut invalid_utf8 = b"{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf / ".to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0x80]);
    invalid_utf8.extend_from_slice(b"\"}}");
    let cases: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        ("garbage", b"\x00\x01garbage{{{".to_vec(), vec![]),
        ("empty", Vec::new(), vec![]),
        ("whitespace", b" \n\t ".to_vec(), vec![]),
        ("json array", b"[1,2,3]".to_vec(), vec![]),
        ("truncated json", b"{\"tool_name\": \"Bash\", \"tool_input\": {\"comm".to_vec(), vec![]),
        ("1 MiB command", bash(&big_command), vec![]),
        ("10 000-deep nesting", bash(&deep_command), vec![]),
        ("invalid utf-8", invalid_utf8, vec![]),
        ("NUL bytes", bash("rm\u{0} -rf /\u{0}"), vec![]),
        ("deeply nested json", deep_json.into_bytes(), vec![]),
        ("tool_input string", br#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":"rm -rf /"}"#.to_vec(), vec![]),
        ("command not a string", br#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":["rm","-rf","/"]}}"#.to_vec(), vec![]),
        ("9 MiB payload", vec![b' '; 9 * 1024 * 1024], vec![]),
        ("broken policy", bash("rm -rf /"), vec!["--policy".into(), broken.to_string_lossy().into()]),
        ("missing policy", bash("ls"), vec!["--policy".into(), missing.to_string_lossy().into()]),
    ];
    for (name, input, extra) in cases {
        let mut args: Vec<&str> = vec!["--deadline-ms", "2000"];
        args.extend(extra.iter().map(String::as_str));
        let out = run(hook(&args), &input);
        let d = decision_of(&out);
        assert!(
            matches!(d.as_str(), "block" | "deny" | "ask"),
            "{name}: decided {d}: {} {}",
            out.stdout,
            out.stderr
        );
        if out.code == 2 {
            let line = out.stderr.trim_end();
            assert!(line.starts_with("agent-policy: blocked:"), "{name}: {line}");
            assert!(
                !line.contains('\n'),
                "{name}: stderr is not one line: {line}"
            );
        }
    }
}

#[test]
fn errors_name_what_went_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "version: 1\nrules:\n  - id: x\n    decision: maybe\n",
    )
    .unwrap();
    let out = run(
        hook(&["--policy", broken.to_str().unwrap()]),
        &sample("claude/pre-bash.json"),
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("broken.yaml") && out.stderr.contains(":4:"),
        "{}",
        out.stderr
    );
    let out = run(
        hook(&[]),
        br#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":7}"#,
    );
    assert!(out.stderr.contains("tool_input"), "{}", out.stderr);
    let out = run(hook(&[]), b"");
    assert!(out.stderr.contains("empty"), "{}", out.stderr);
    let mut c = hook(&[]);
    c.env("AGENT_POLICY_CLOCK", "yesterday");
    let out = run(c, &sample("claude/pre-bash.json"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("AGENT_POLICY_CLOCK"), "{}", out.stderr);
}

#[test]
fn crashes_panics_and_hangs_block() {
    for (mode, agent) in [
        ("segv", "claude"),
        ("bus", "claude"),
        ("abort", "claude"),
        ("overflow", "claude"),
        ("panic", "claude"),
        ("hang", "claude"),
        ("segv", "copilot"),
        ("panic", "cline"),
    ] {
        let mut c = hook(&["--agent", agent, "--deadline-ms", "300"]);
        c.env("AGENT_POLICY_TEST_CRASH", mode);
        let out = run(c, &sample("claude/pre-bash.json"));
        assert_eq!(out.code, 2, "{mode}: {} / {}", out.stdout, out.stderr);
        let line = out.stderr.trim_end();
        assert!(line.starts_with("agent-policy: blocked:"), "{mode}: {line}");
        assert!(!line.contains('\n'), "{mode}: {line}");
        if agent == "copilot" {
            assert_eq!(out.json()["permissionDecision"], "deny", "{mode}");
        }
        if agent == "cline" {
            assert_eq!(out.json()["cancel"], true, "{mode}");
        }
    }
}

fn git_project(root: &Path) -> PathBuf {
    let project = root.join("project");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    project
}

#[test]
fn project_policy_tightens_and_cannot_relax() {
    let home = tempfile::tempdir().unwrap();
    let project = git_project(home.path());
    std::fs::write(
        project.join(".agent-policy.yaml"),
        "version: 1\ndefault: allow\nrules:\n  - {id: p.anything, decision: allow, message: trust me, match: {tool: '*'}}\n  - {id: p.no-docker, decision: deny, message: no docker in this repo, match: {program: docker}}\n",
    )
    .unwrap();
    let cwd = project.join("src");
    std::fs::create_dir_all(&cwd).unwrap();
    let call = |command: &str| {
        let mut c = hook(&[]);
        c.env("HOME", home.path());
        run(
            c,
            json!({"hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": {"command": command}, "cwd": cwd})
            .to_string()
            .as_bytes(),
        )
    };
    let out = call("docker run --rm alpine");
    assert_eq!(decision_of(&out), "deny");
    assert!(
        out.stdout.contains("[p.no-docker, project policy]"),
        "{}",
        out.stdout
    );
    assert_eq!(decision_of(&call("git push --force origin main")), "deny");
    assert_eq!(
        decision_of(&call("ls")),
        "pass",
        "a project allow must not skip the agent's prompt"
    );
    // A broken project policy blocks, naming the file.
    std::fs::write(project.join(".agent-policy.yaml"), "version: 1\nrules: {\n").unwrap();
    let out = call("ls");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(".agent-policy.yaml"), "{}", out.stderr);
}

#[test]
fn user_policy_and_env_file_are_found() {
    let home = tempfile::tempdir().unwrap();
    let user = home.path().join(".config/agent-policy/policy.yaml");
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    std::fs::write(&user, "version: 1\nrules:\n  - {id: u.cat, decision: deny, message: no cat, match: {program: cat}}\n").unwrap();
    let payload = json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "cat README"}, "cwd": home.path()});
    let mut c = hook(&[]);
    c.env("HOME", home.path());
    assert_eq!(decision_of(&run(c, payload.to_string().as_bytes())), "deny");
    // AGENT_POLICY_FILE replaces the user file.
    let other = home.path().join("other.yaml");
    std::fs::write(&other, "version: 1\n").unwrap();
    let mut c = hook(&[]);
    c.env("HOME", home.path()).env("AGENT_POLICY_FILE", &other);
    assert_eq!(decision_of(&run(c, payload.to_string().as_bytes())), "pass");
}

#[test]
fn the_agent_cannot_switch_the_guard_off() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap();
    let project = git_project(home.path());
    let policy = home.path().join("team-policy.yaml");
    std::fs::write(&policy, "version: 1\n").unwrap();
    let state = home.path().join("state");
    let exe = common::exe();
    let exe = exe.to_string_lossy();
    let bash = |c: String| json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": c}, "cwd": project});
    let tool = |t: &str, path: String| json!({"hook_event_name": "PreToolUse", "tool_name": t, "tool_input": {"file_path": path, "content": "{}", "old_string": "a", "new_string": "b"}, "cwd": project});
    let cases = [
        tool("Write", format!("{h}/.claude/settings.json")),
        tool(
            "Edit",
            format!("{}/.claude/settings.local.json", project.display()),
        ),
        tool("Write", format!("{}/.agent-policy.yaml", project.display())),
        tool("Write", policy.to_string_lossy().into_owned()),
        bash(format!("echo '{{}}' > {h}/.claude/settings.json")),
        bash("sed -i 's/PreToolUse/Disabled/' .claude/settings.json".into()),
        bash(format!("rm -rf {h}/.config/agent-policy")),
        bash(format!("cp /bin/true {exe}")),
        bash(format!("mv {} /tmp/p.yaml", policy.display())),
        bash(format!("rm -rf {}", state.display())),
        bash("rm -rf .github/hooks".into()),
        bash(format!("tee {h}/.gemini/settings.json < /dev/null")),
    ];
    for payload in cases {
        let mut c = hook(&[]);
        c.env("HOME", home.path())
            .env("AGENT_POLICY_FILE", &policy)
            .env("AGENT_POLICY_STATE_DIR", &state);
        let out = run(c, payload.to_string().as_bytes());
        assert_eq!(decision_of(&out), "deny", "{payload}: {}", out.stdout);
        assert!(out.stdout.contains("self."), "{payload}: {}", out.stdout);
    }
    // Reading them is fine.
    let mut c = hook(&[]);
    c.env("HOME", home.path()).env("AGENT_POLICY_FILE", &policy);
    let out = run(
        c,
        bash(format!(
            "cat {h}/.claude/settings.json {}",
            policy.display()
        ))
        .to_string()
        .as_bytes(),
    );
    assert_eq!(decision_of(&out), "pass", "{}", out.stdout);
}

#[test]
fn claude_project_dir_names_the_project_root() {
    // `../README.md` from project/frontend is the project's README: inside the
    // project only when the hook knows where the project is.
    let payload = json!({"hook_event_name": "PreToolUse", "tool_name": "Read",
        "tool_input": {"file_path": "../README.md"}, "cwd": "/home/dev/project/frontend"});
    let out = run_json(&[], &payload);
    assert_eq!(decision_of(&out), "ask", "{}", out.stdout);
    let mut c = hook(&[]);
    c.env("CLAUDE_PROJECT_DIR", "/home/dev/project");
    let out = run(c, payload.to_string().as_bytes());
    assert_eq!(decision_of(&out), "pass", "{}", out.stdout);
}

#[test]
fn secrets_in_prompts_and_outputs_are_flagged_by_kind_never_by_value() {
    let out = run(hook(&[]), &sample("claude/user-prompt-submit.json"));
    let v = out.json();
    assert_eq!(v["decision"], "block");
    let reason = v["reason"].as_str().unwrap();
    assert!(reason.contains("github-token"), "{reason}");
    assert!(
        !reason.contains("ghp_"),
        "the value must not be repeated: {reason}"
    );
    let out = run(hook(&[]), &sample("claude/post-bash.json"));
    let reason = out.json()["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("aws-access-key-id"), "{reason}");
    assert!(
        !reason.contains("AKIA") && !reason.contains("hunter2"),
        "{reason}"
    );
    // Clean prompts and outputs pass silently.
    let clean = json!({"hook_event_name": "UserPromptSubmit", "prompt": "run the tests", "session_id": "s"});
    assert_eq!(decision_of(&run_json(&[], &clean)), "pass");
    let clean = json!({"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"},
        "tool_response": {"stdout": "README.md\nsrc\n", "stderr": ""}});
    assert_eq!(decision_of(&run_json(&[], &clean)), "pass");
}

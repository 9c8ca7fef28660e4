//! The hook as a whole process, side by side with the process floor.
//!
//! Each iteration spawns the program, writes a Claude Code PreToolUse payload
//! to its stdin and waits for its answer: `hook_floor` (a Rust program that
//! only reads stdin and prints JSON) and `policy-cli hook` with the builtin
//! packs and a warm compiled-policy cache. Both are measured the same way in
//! one run, so their ratio is what DESIGN §11's "≤ 1.5 × the process floor"
//! is about. Every hook call appends to the audit log (in a temporary state
//! directory); `hook_git_status_audit_off` is the same call with a policy
//! that turns the log off (`audit: {enabled: false}`), beside
//! `hook_git_status_audit_on` with the same policy file and the log on.
//!
//! The `hook_wasm` group compares, with a one-rule user policy instead of the
//! builtin packs (the self-protection layer stays): a policy with one `match`
//! rule, and one with one precompiled WASM rule (`rules/wasm/deploy_hours.wasm`
//! when built, else `sudo_ask.wat`) — DESIGN §11: ≤ 2 × the floor.
//!
//! `policy-cli` is another package: build it first. `bash benches/hook-latency.sh`
//! does both steps:
//!
//! ```text
//! cargo build --release -p policy-cli
//! cargo bench -p agent-policy-benches --bench hook_process
//! ```
//!
//! That times the ordinary (dynamically linked) build. To time the hook as
//! installed (statically linked on Linux/glibc), name it:
//!
//! ```text
//! AGENT_POLICY_BENCH_HOOK="$(bash scripts/build-hook.sh | tail -n 1)" cargo bench -p agent-policy-benches --bench hook_process
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};

const BENIGN: &str = r#"{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"}}"#;
const DENY: &str = r#"{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git push --force origin main"}}"#;

/// `AGENT_POLICY_BENCH_HOOK`, else the workspace's `target/release/policy-cli`.
fn policy_cli() -> Option<PathBuf> {
    let p = match std::env::var_os("AGENT_POLICY_BENCH_HOOK").filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/policy-cli"),
    };
    p.is_file().then_some(p)
}

/// Where the runs keep their compiled-policy cache and their audit log.
struct Dirs {
    cache: PathBuf,
    state: PathBuf,
    /// A policy file for the audit on/off comparison, if any.
    policy: Option<PathBuf>,
}

fn run_once(program: &Path, args: &[&str], payload: &str, dirs: &Dirs) {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("HOME", "/home/dev")
        .env("AGENT_POLICY_CACHE_DIR", &dirs.cache)
        .env("AGENT_POLICY_STATE_DIR", &dirs.state)
        .env_remove("AGENT_POLICY_FILE")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_STATE_HOME");
    if let Some(p) = &dirs.policy {
        cmd.env("AGENT_POLICY_FILE", p);
    }
    let mut child = match cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot start {}: {e}", program.display());
            std::process::exit(1);
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(payload.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            eprintln!("{} exited {:?}", program.display(), out.status);
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("{}: {e}", program.display());
            std::process::exit(1);
        }
    }
}

fn bench(c: &mut Criterion) {
    let Some(cli) = policy_cli() else {
        eprintln!(
            "policy-cli not found: run `cargo build --release -p policy-cli` first (or name one in AGENT_POLICY_BENCH_HOOK)"
        );
        return;
    };
    let floor = PathBuf::from(env!("CARGO_BIN_EXE_hook_floor"));
    let tmp = std::env::temp_dir().join(format!("agent-policy-bench-{}", std::process::id()));
    let dirs = Dirs {
        cache: std::env::temp_dir().join("agent-policy-bench-cache"),
        state: tmp.join("state"),
        policy: None,
    };
    let policy = |name: &str, audit: &str| -> Option<Dirs> {
        let p = tmp.join(name);
        std::fs::create_dir_all(&tmp).ok()?;
        std::fs::write(
            &p,
            format!("version: 1\nextends: [builtin:default]\naudit: {audit}\n"),
        )
        .ok()?;
        Some(Dirs {
            cache: dirs.cache.clone(),
            state: dirs.state.clone(),
            policy: Some(p),
        })
    };
    let (Some(on), Some(off)) = (
        policy("audit-on.yaml", "{enabled: true}"),
        policy("audit-off.yaml", "{enabled: false}"),
    ) else {
        eprintln!("cannot write policy files under {}", tmp.display());
        return;
    };
    // Warm the caches once (the first call after an install builds them).
    for d in [&dirs, &on, &off] {
        run_once(&cli, &["hook"], BENIGN, d);
    }
    let mut g = c.benchmark_group("hook_process");
    g.bench_function("floor", |b| b.iter(|| run_once(&floor, &[], BENIGN, &dirs)));
    g.bench_function("hook_git_status_pass", |b| {
        b.iter(|| run_once(&cli, &["hook"], BENIGN, &dirs))
    });
    g.bench_function("hook_git_push_force_deny", |b| {
        b.iter(|| run_once(&cli, &["hook"], DENY, &dirs))
    });
    g.bench_function("hook_git_status_audit_on", |b| {
        b.iter(|| run_once(&cli, &["hook"], BENIGN, &on))
    });
    g.bench_function("hook_git_status_audit_off", |b| {
        b.iter(|| run_once(&cli, &["hook"], BENIGN, &off))
    });
    g.finish();

    // One-rule policies: a `match` rule, and a precompiled WASM rule.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/wasm");
    let (module, config) = if rules.join("deploy_hours.wasm").is_file() {
        (
            rules.join("deploy_hours.wasm"),
            r#"{ commands: ["kubectl apply"], start_hour: 9, end_hour: 17 }"#,
        )
    } else {
        (rules.join("sudo_ask.wat"), "null")
    };
    let dir = std::env::temp_dir().join("agent-policy-bench-wasm");
    let _ = std::fs::create_dir_all(&dir);
    let plain = dir.join("match.yaml");
    let wasm = dir.join("wasm.yaml");
    let written = std::fs::write(
        &plain,
        "version: 1\nrules:\n  - id: one\n    decision: deny\n    message: m\n    match: { program: kubectl, subcommand: apply }\n",
    )
    .and_then(|()| {
        std::fs::write(
            &wasm,
            format!(
                "version: 1\nrules:\n  - id: one\n    message: m\n    wasm: {}\n    config: {config}\n",
                module.display()
            ),
        )
    });
    if let Err(e) = written {
        eprintln!("cannot write the bench policies: {e}");
        let _ = std::fs::remove_dir_all(&tmp);
        return;
    }
    let with_policy = |p: &Path| Dirs {
        cache: dirs.cache.clone(),
        state: dirs.state.clone(),
        policy: Some(p.to_path_buf()),
    };
    let (plain_dirs, wasm_dirs) = (with_policy(&plain), with_policy(&wasm));
    // Warm both caches (compiled policy, .cwasm).
    run_once(&cli, &["hook"], BENIGN, &plain_dirs);
    run_once(&cli, &["hook"], BENIGN, &wasm_dirs);
    let mut g = c.benchmark_group("hook_wasm");
    g.bench_function("floor", |b| b.iter(|| run_once(&floor, &[], BENIGN, &dirs)));
    g.bench_function("hook_one_match_rule", |b| {
        b.iter(|| run_once(&cli, &["hook"], BENIGN, &plain_dirs))
    });
    g.bench_function("hook_one_precompiled_wasm_rule", |b| {
        b.iter(|| run_once(&cli, &["hook"], BENIGN, &wasm_dirs))
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&tmp);
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The hook as a whole process, side by side with the process floor.
//!
//! Each iteration spawns the program, writes a Claude Code PreToolUse payload
//! to its stdin and waits for its answer: `hook_floor` (a Rust program that
//! only reads stdin and prints JSON) and `policy-cli hook` with the builtin
//! packs and a warm compiled-policy cache. Both are measured the same way in
//! one run, so their ratio is what DESIGN §11's "≤ 1.5 × the process floor"
//! is about.
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

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{criterion_group, criterion_main, Criterion};

const BENIGN: &str = r#"{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"}}"#;
const DENY: &str = r#"{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git push --force origin main"}}"#;

fn policy_cli() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/policy-cli");
    p.is_file().then_some(p)
}

fn run_once(program: &Path, args: &[&str], payload: &str, cache: &Path) {
    run_with(program, args, payload, cache, None)
}

fn run_with(program: &Path, args: &[&str], payload: &str, cache: &Path, policy: Option<&Path>) {
    let mut cmd = Command::new(program);
    match policy {
        Some(p) => cmd.env("AGENT_POLICY_FILE", p),
        None => cmd.env_remove("AGENT_POLICY_FILE"),
    };
    let mut child = match cmd
        .args(args)
        .env("HOME", "/home/dev")
        .env("AGENT_POLICY_CACHE_DIR", cache)
        .env_remove("XDG_CONFIG_HOME")
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
            "target/release/policy-cli not found: run `cargo build --release -p policy-cli` first"
        );
        return;
    };
    let floor = PathBuf::from(env!("CARGO_BIN_EXE_hook_floor"));
    let cache = std::env::temp_dir().join("agent-policy-bench-cache");
    // Warm the cache once (the first call after an install builds it).
    run_once(&cli, &["hook"], BENIGN, &cache);
    let mut g = c.benchmark_group("hook_process");
    g.bench_function("floor", |b| {
        b.iter(|| run_once(&floor, &[], BENIGN, &cache))
    });
    g.bench_function("hook_git_status_pass", |b| {
        b.iter(|| run_once(&cli, &["hook"], BENIGN, &cache))
    });
    g.bench_function("hook_git_push_force_deny", |b| {
        b.iter(|| run_once(&cli, &["hook"], DENY, &cache))
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
        return;
    }
    // Warm both caches (compiled policy, .cwasm).
    run_with(&cli, &["hook"], BENIGN, &cache, Some(&plain));
    run_with(&cli, &["hook"], BENIGN, &cache, Some(&wasm));
    let mut g = c.benchmark_group("hook_wasm");
    g.bench_function("floor", |b| {
        b.iter(|| run_once(&floor, &[], BENIGN, &cache))
    });
    g.bench_function("hook_one_match_rule", |b| {
        b.iter(|| run_with(&cli, &["hook"], BENIGN, &cache, Some(&plain)))
    });
    g.bench_function("hook_one_precompiled_wasm_rule", |b| {
        b.iter(|| run_with(&cli, &["hook"], BENIGN, &cache, Some(&wasm)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

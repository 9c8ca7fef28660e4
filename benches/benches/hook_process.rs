//! The hook as a whole process, side by side with the process floor.
//!
//! Each iteration spawns the program, writes a Claude Code PreToolUse payload
//! to its stdin and waits for its answer: `hook_floor` (a Rust program that
//! only reads stdin and prints JSON) and `policy-cli hook` with the builtin
//! packs and a warm compiled-policy cache. Both are measured the same way in
//! one run, so their ratio is what DESIGN §11's "≤ 1.5 × the process floor"
//! is about.
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
    let mut child = match Command::new(program)
        .args(args)
        .env("HOME", "/home/dev")
        .env("AGENT_POLICY_CACHE_DIR", cache)
        // Session state (rate-limit counters) in a scratch directory, not ~/.local.
        .env("AGENT_POLICY_STATE_DIR", cache.join("state"))
        .env_remove("AGENT_POLICY_FILE")
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
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The audit log: one append per hook decision (with and without `fsync`),
//! and verifying a log.
//!
//! Each append opens the file, takes the lock, reads the tail, writes one
//! line and the head file, as a hook process does once per decision.
//!
//! ```text
//! cargo bench -p agent-policy-benches --bench audit -- --warm-up-time 1 --measurement-time 3 --noplot
//! ```

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use policy_core::audit::{verify, AuditLog, Entry};

/// A typical PreToolUse decision.
fn entry(i: u64) -> Entry {
    Entry {
        time: 1_700_000_000 + i,
        session: Some("4f1c2a9e-7b3d-4e8a-9c21-0d5e6f7a8b9c".into()),
        agent: Some("claude".into()),
        event: "PreToolUse".into(),
        tool: Some("Bash".into()),
        cwd: Some("/home/dev/project".into()),
        decision: "deny".into(),
        rules: vec!["git.force-push-protected".into()],
        summary: vec!["exec git push --force origin main".into()],
        secrets: Vec::new(),
        error: None,
        input: serde_json::json!({"command": "git push --force origin main", "description": "Push the fix"}),
    }
}

/// `iters` appends to a fresh log, timed.
fn appends(iters: u64, fsync: bool) -> Duration {
    let Ok(dir) = tempfile::tempdir() else {
        return Duration::ZERO;
    };
    let log = AuditLog::new(dir.path().join("audit.jsonl")).with_fsync(fsync);
    let start = Instant::now();
    for i in 0..iters {
        if let Err(e) = log.append(&entry(i)) {
            eprintln!("append failed: {e}");
            std::process::exit(1);
        }
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit");
    g.bench_function("append", |b| b.iter_custom(|n| appends(n, false)));
    g.sample_size(20);
    g.bench_function("append_fsync", |b| b.iter_custom(|n| appends(n, true)));
    g.sample_size(100);
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::new(&path);
    for i in 0..10_000 {
        if log.append(&entry(i)).is_err() {
            return;
        }
    }
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("verify_10k_lines", |b| {
        b.iter(|| verify(std::hint::black_box(&path)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Benchmarks of session state and path resolution (issue: realpath
//! boundaries, rate limits and taint):
//!
//! * `state/update_file`: one `FileStore` update — lock, read, change, write
//!   to a temporary file, rename — on a session holding a full 60 s window
//!   of Bash calls (what every PreToolUse of a hook process pays);
//! * `state/pre_tool_use`: a `Tracker` counting a Bash call against the
//!   default limits and checking taint, file store included;
//! * `paths/resolve_real`: a 6-component path with no symlinks, and one
//!   through a symlink (one `lstat` per component).

// A bench that cannot set up its fixture has nothing to measure: stop loudly.
#![allow(clippy::panic)]

use std::hint::black_box;
use std::os::unix::fs::symlink;

use criterion::{criterion_group, criterion_main, Criterion};
use policy_core::paths::resolve_real;
use policy_core::policy::{Engine, Policy};
use policy_core::state::{Clock, FileStore, SessionId, SessionStore, Tracker};
use policy_core::{ShellOptions, ToolCall};

fn state(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = FileStore::new(dir.path());
    let id = SessionId::new("bench-session");
    // A full window: 30 calls in the last minute.
    for i in 0..30u64 {
        let _ = store.update(&id, &mut |s| {
            s.rates
                .entry("bash-burst".into())
                .or_default()
                .push((1_790_000_000_000 + i * 1000, 1));
        });
    }
    c.bench_function("state/update_file", |b| {
        b.iter(|| {
            store
                .update(&id, &mut |s| s.calls += 1)
                .map(|s| black_box(s.calls))
        })
    });

    let engine = Engine::new(
        Policy::builtin("default").unwrap_or_else(|e| panic!("{e}")),
        ShellOptions::for_home("/home/dev", "/home/dev/project"),
    )
    .with_project("/home/dev/project");
    let policy = engine.state_policy();
    let call = ToolCall::bash("git status");
    let verdict = engine.evaluate(&call);
    let mut t = 1_790_000_000_000u64;
    c.bench_function("state/pre_tool_use", |b| {
        b.iter(|| {
            // One call per simulated 3 s: the window stays at ~20 calls.
            t += 3000;
            let tracker = Tracker::new(&store, Clock::FixedMillis(t), &policy);
            let mut v = verdict.clone();
            black_box(tracker.pre_tool_use(&id, &call, &mut v));
            v.decision
        })
    });
}

fn paths(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let root = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let deep = root.join("a/b/c/d");
    std::fs::create_dir_all(&deep).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(deep.join("file.rs"), "").unwrap_or_else(|e| panic!("{e}"));
    symlink(root.join("a/b"), root.join("link")).unwrap_or_else(|e| panic!("{e}"));
    let plain = deep.join("file.rs").to_string_lossy().into_owned();
    let linked = root.join("link/c/d/file.rs").to_string_lossy().into_owned();
    let missing = root
        .join("a/b/new/dir/file.rs")
        .to_string_lossy()
        .into_owned();
    c.bench_function("paths/resolve_real_plain", |b| {
        b.iter(|| resolve_real(black_box(&plain)))
    });
    c.bench_function("paths/resolve_real_symlink", |b| {
        b.iter(|| resolve_real(black_box(&linked)))
    });
    c.bench_function("paths/resolve_real_missing_tail", |b| {
        b.iter(|| resolve_real(black_box(&missing)))
    });
}

criterion_group!(benches, state, paths);
criterion_main!(benches);

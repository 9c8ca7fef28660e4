//! The sandbox, end to end through `policy-core`: every failure mode of a
//! guest (WAT fixtures in `tests/fixtures/`, compiled with the `wat` crate)
//! gives the policy's `on_error` decision within a bounded time, with a
//! message naming the module and the failure, and the same engine then
//! serves the next call.

#![cfg(feature = "compiler")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use policy_core::policy::{Decision, Env, Policy, Verdict};
use policy_core::{ShellOptions, ToolCall};
use policy_wasm::{HostConfig, Limits, LoadKind, WasmtimeHost};

/// A failing call must be answered within this time (debug build, shared machine).
const BOUND: Duration = Duration::from_secs(5);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Writes `fixture`'s WAT compiled to a binary module into `dir`.
fn compile(dir: &Path, name: &str) -> PathBuf {
    let bytes = wat::parse_file(fixture(name)).unwrap();
    let out = dir.join(name.replace(".wat", ".wasm"));
    std::fs::write(&out, bytes).unwrap();
    out
}

/// A policy (on_error: deny) with a gated rule for `failing` on `program:
/// bad` and the working `deny_rm` guest for every call.
fn policy(dir: &Path, failing: &Path, host: &Arc<WasmtimeHost>) -> Policy {
    let good = compile(dir, "deny_rm.wat");
    let yaml = format!(
        "version: 1\non_error: deny\nrules:\n  - id: failing\n    message: failing\n    wasm: {}\n    match: {{ program: bad }}\n  - id: good\n    message: good\n    wasm: {}\n",
        failing.display(),
        good.display()
    );
    let path = dir.join("policy.yaml");
    std::fs::write(&path, yaml).unwrap();
    Policy::from_file(&path)
        .unwrap()
        .with_wasm_host(Arc::clone(host) as _)
}

fn eval(policy: &Policy, command: &str) -> Verdict {
    let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    let env = Env::new(&opts, "/home/dev/project");
    let mut call = ToolCall::bash(command);
    call.cwd = Some("/home/dev/project".into());
    policy.evaluate(&call, &opts, &env)
}

fn host(limits: Limits) -> Arc<WasmtimeHost> {
    Arc::new(WasmtimeHost::new(HostConfig {
        limits,
        ..HostConfig::default()
    }))
}

/// Runs the failing module twice and checks the on_error hit, then checks
/// that the good module still serves calls.
fn fails_closed(name: &str, expected: &str) {
    fails_closed_with(name, expected, Limits::default());
}

fn fails_closed_with(name: &str, expected: &str, limits: Limits) {
    let dir = tempfile::tempdir().unwrap();
    let failing = compile(dir.path(), name);
    let host = host(limits);
    let policy = policy(dir.path(), &failing, &host);
    for _ in 0..2 {
        let start = Instant::now();
        let v = eval(&policy, "bad thing");
        assert!(
            start.elapsed() < BOUND,
            "{name}: took {:?}",
            start.elapsed()
        );
        assert_eq!(v.decision, Decision::Deny, "{name}: {:?}", v.hits);
        let hit = v.hits.iter().find(|h| h.rule == "failing").unwrap();
        assert!(
            hit.message.contains(&failing.display().to_string()),
            "{name}: the message names the module: {}",
            hit.message
        );
        assert!(
            hit.message.contains(expected),
            "{name}: expected `{expected}` in: {}",
            hit.message
        );
    }
    // The engine keeps serving: the good guest abstains, then denies.
    assert_eq!(eval(&policy, "ls -la").decision, Decision::Pass);
    let v = eval(&policy, "rm -rf build");
    assert_eq!(v.decision, Decision::Deny);
    assert_eq!(v.hits[0].rule, "good");
    assert_eq!(v.hits[0].message, "rm is not allowed here");
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    fails_closed("infinite_loop.wat", "fuel exhausted in `evaluate`");
}

#[test]
fn infinite_loop_hits_the_epoch_deadline() {
    // A ticker thread, as an embedder would run; fuel high enough not to matter.
    let limits = Limits {
        fuel: u64::MAX / 2,
        epoch_ticks: Some(5),
        ..Limits::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let failing = compile(dir.path(), "infinite_loop.wat");
    let host = host(limits);
    let policy = policy(dir.path(), &failing, &host);
    let ticker = Arc::clone(&host);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = Arc::clone(&stop);
    let t = std::thread::spawn(move || {
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(5));
            ticker.increment_epoch();
        }
    });
    let start = Instant::now();
    let v = eval(&policy, "bad thing");
    let took = start.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    t.join().unwrap();
    assert!(took < BOUND, "took {took:?}");
    let hit = v.hits.iter().find(|h| h.rule == "failing").unwrap();
    assert!(
        hit.message
            .contains("deadline exceeded in `evaluate` (5 epoch ticks)"),
        "{}",
        hit.message
    );
    assert_eq!(v.decision, Decision::Deny);
}

#[test]
fn memory_bomb_hits_the_cap() {
    fails_closed(
        "memory_bomb.wat",
        "memory limit: the guest asked for 16842752 bytes of memory, the limit is 16777216",
    );
}

#[test]
fn huge_initial_memory_is_refused() {
    fails_closed(
        "huge_initial_memory.wat",
        "memory limit: the guest asked for 67108864 bytes",
    );
}

#[test]
fn trap_is_reported() {
    fails_closed(
        "trap.wat",
        "trap in `evaluate`: wasm `unreachable` instruction executed",
    );
}

#[test]
fn stack_overflow_is_a_trap() {
    fails_closed(
        "stack_overflow.wat",
        "trap in `evaluate`: call stack exhausted",
    );
}

#[test]
fn bad_json_is_malformed() {
    fails_closed("bad_json.wat", "malformed verdict");
}

#[test]
fn non_utf8_output() {
    fails_closed(
        "non_utf8.wat",
        "the verdict is not UTF-8 (invalid byte at offset 30)",
    );
}

#[test]
fn missing_export() {
    fails_closed("missing_export.wat", "missing export `evaluate`");
    fails_closed("no_memory.wat", "missing export `memory`");
}

#[test]
fn forbidden_import_is_named() {
    fails_closed(
        "forbidden_import.wat",
        "forbidden import `wasi_snapshot_preview1.fd_write` (func (i32, i32, i32, i32) -> (i32))",
    );
    fails_closed(
        "wrong_log_signature.wat",
        "forbidden import `env.log` (func (i32) -> (i32))",
    );
}

#[test]
fn abi_mismatch() {
    fails_closed(
        "abi_mismatch.wat",
        "ABI mismatch: the module speaks ABI version 2, this host speaks 1",
    );
    fails_closed(
        "wrong_evaluate_signature.wat",
        "ABI mismatch: export `evaluate` is a func (i32, i32) -> (i32), expected func (i32, i32) -> (i64)",
    );
}

#[test]
fn output_out_of_bounds() {
    fails_closed(
        "out_of_bounds.wat",
        "output pointer out of bounds: 0xfff0 + 100 bytes is outside the guest's 65536-byte memory",
    );
    fails_closed(
        "alloc_out_of_bounds.wat",
        "returned 0xfffffff0, outside the guest's 65536-byte memory",
    );
}

#[test]
fn huge_output_is_refused() {
    fails_closed(
        "huge_output.wat",
        "the output is 1073741824 bytes, more than the limit of 65536",
    );
}

#[test]
fn invalid_module_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("garbage.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\xff\xff").unwrap();
    let host = host(Limits::default());
    let policy = policy(dir.path(), &bad, &host);
    let v = eval(&policy, "bad x");
    let hit = v.hits.iter().find(|h| h.rule == "failing").unwrap();
    assert!(
        hit.message.contains("invalid WebAssembly module"),
        "{}",
        hit.message
    );
    assert_eq!(eval(&policy, "rm x").hits[0].rule, "good");
}

#[test]
fn input_over_the_cap() {
    let limits = Limits {
        max_input_bytes: 100,
        ..Limits::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let failing = compile(dir.path(), "deny_rm.wat");
    let policy = policy(dir.path(), &failing, &host(limits));
    let v = eval(&policy, "bad thing");
    let hit = v.hits.iter().find(|h| h.rule == "failing").unwrap();
    assert!(
        hit.message.contains("more than the limit of 100"),
        "{}",
        hit.message
    );
}

#[test]
fn allow_covers_the_call_and_empty_message_uses_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let allow = compile(dir.path(), "allow.wat");
    let ask = compile(dir.path(), "ask_no_message.wat");
    std::fs::write(
        dir.path().join("p.yaml"),
        format!(
            "version: 1\nrules:\n  - id: vetted\n    message: m\n    wasm: {}\n  - id: asks\n    message: the rule's own message\n    hint: try another way\n    wasm: {}\n    match: {{ program: curl }}\n",
            allow.display(),
            ask.display()
        ),
    )
    .unwrap();
    let policy = Policy::from_file(dir.path().join("p.yaml"))
        .unwrap()
        .with_wasm_host(host(Limits::default()) as _);
    let v = eval(&policy, "ls && cat x");
    assert_eq!(v.decision, Decision::Allow);
    assert_eq!(v.hits.len(), 1);
    assert_eq!(v.hits[0].message, "vetted by the module");
    let v = eval(&policy, "ls && curl -s example.com");
    assert_eq!(v.decision, Decision::Ask);
    let ask = v.hits.iter().find(|h| h.rule == "asks").unwrap();
    assert_eq!(ask.message, "the rule's own message");
    assert_eq!(ask.hint.as_deref(), Some("try another way"));
    assert!(ask.matched.contains("curl"), "{}", ask.matched);
}

#[test]
fn guest_logs_and_relative_wat_paths() {
    // `wasm:` may name a WAT file (compiled by wasmtime's `wat` support),
    // relative to the policy file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("deny_rm.wat"), dir.path().join("deny_rm.wat")).unwrap();
    std::fs::write(
        dir.path().join("p.yaml"),
        "version: 1\nrules:\n  - id: rm\n    message: m\n    wasm: deny_rm.wat\n",
    )
    .unwrap();
    let policy = Policy::from_file(dir.path().join("p.yaml"))
        .unwrap()
        .with_wasm_host(host(Limits::default()) as _);
    assert_eq!(eval(&policy, "sudo rm -rf /").decision, Decision::Deny);
    assert_eq!(eval(&policy, "echo rm").decision, Decision::Pass);
}

#[test]
fn precompiled_cache_is_used_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let wasm = compile(dir.path(), "deny_rm.wat");
    let (module, _) = policy_core::policy::external::WasmModule::read(&wasm).unwrap();
    let config = HostConfig {
        cache_dir: Some(cache.clone()),
        ..HostConfig::default()
    };
    let first = WasmtimeHost::new(config.clone());
    assert!(!first.engine_created());
    assert_eq!(first.load(&module).unwrap(), LoadKind::Compiled);
    assert_eq!(first.load(&module).unwrap(), LoadKind::Memory);
    let files: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().is_some_and(|x| x == "cwasm"));
    // A new process (host) deserializes.
    assert_eq!(
        WasmtimeHost::new(config.clone()).load(&module).unwrap(),
        LoadKind::Deserialized
    );
    // A corrupted file is ignored and rewritten.
    let mut bytes = std::fs::read(&files[0]).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0x55;
    std::fs::write(&files[0], &bytes).unwrap();
    let host = WasmtimeHost::new(config.clone());
    assert_eq!(host.load(&module).unwrap(), LoadKind::Compiled);
    let out = host
        .call(&module, br#"{"actions":[{"program":"rm"}]}"#)
        .unwrap();
    assert!(String::from_utf8(out).unwrap().contains("deny"));
    // A truncated file too.
    std::fs::write(&files[0], &bytes[..n / 2]).unwrap();
    assert_eq!(
        WasmtimeHost::new(config.clone()).load(&module).unwrap(),
        LoadKind::Compiled
    );
    assert_eq!(
        WasmtimeHost::new(config).load(&module).unwrap(),
        LoadKind::Deserialized
    );
}

#[test]
fn changed_module_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = compile(dir.path(), "deny_rm.wat");
    let (module, _) = policy_core::policy::external::WasmModule::read(&wasm).unwrap();
    std::fs::write(&wasm, wat::parse_file(fixture("allow.wat")).unwrap()).unwrap();
    let err = WasmtimeHost::new(HostConfig::default())
        .load(&module)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("changed since the policy was loaded"),
        "{err}"
    );
}

#[test]
fn no_engine_without_wasm_rules() {
    let host = host(Limits::default());
    let policy = Policy::builtin("default")
        .unwrap()
        .with_wasm_host(Arc::clone(&host) as _);
    assert_eq!(eval(&policy, "git push --force").decision, Decision::Deny);
    assert!(!host.engine_created());
}

#[test]
fn examples_of_wasm_rules_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = compile(dir.path(), "deny_rm.wat");
    let yaml = format!(
        "version: 1\nrules:\n  - id: rm\n    message: m\n    wasm: {}\n    examples:\n      match: [\"rm -rf x\", \"sudo rm y\"]\n      no_match: [\"ls\", \"echo rm\"]\n  - id: broken\n    message: m\n    wasm: {}\n    examples:\n      match: [\"ls\"]\n",
        good.display(),
        compile(dir.path(), "trap.wat").display()
    );
    std::fs::write(dir.path().join("p.yaml"), yaml).unwrap();
    let policy = Policy::from_file(dir.path().join("p.yaml"))
        .unwrap()
        .with_wasm_host(host(Limits::default()) as _);
    let (failures, count) = policy_core::policy::examples::run_examples(&policy);
    assert_eq!(count, 5);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].rule, "broken");
    assert!(failures[0]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("unreachable")));
    policy.prepare_wasm().unwrap();
}

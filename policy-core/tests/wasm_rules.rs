//! `wasm` rules in policy-core alone (no WebAssembly runtime): validation,
//! path resolution, failing closed without a host, a host's verdicts and
//! failures, the session and clock in the input, and the compiled-policy
//! cache treating modules as dependencies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use policy_core::policy::cache::{load, CacheConfig, CacheStatus};
use policy_core::policy::external::{HostError, WasmHost, WasmModule};
use policy_core::policy::{Decision, Engine, Env, Policy, Source};
use policy_core::state::Clock;
use policy_core::{ShellOptions, ToolCall};

/// A host that answers a fixed output (or error) and records the inputs.
struct Fake {
    out: Result<Vec<u8>, String>,
    inputs: Mutex<Vec<serde_json::Value>>,
}

impl Fake {
    fn new(out: Result<&str, &str>) -> Arc<Fake> {
        Arc::new(Fake {
            out: out.map(|s| s.as_bytes().to_vec()).map_err(str::to_string),
            inputs: Mutex::new(Vec::new()),
        })
    }
}

impl WasmHost for Fake {
    fn evaluate(&self, _module: &WasmModule, input: &[u8]) -> Result<Vec<u8>, HostError> {
        self.inputs
            .lock()
            .unwrap()
            .push(serde_json::from_slice(input).unwrap());
        self.out.clone().map_err(|e| e.into())
    }
}

fn write_policy(dir: &std::path::Path, rules: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("m.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let p = dir.join("policy.yaml");
    std::fs::write(&p, format!("version: 1\non_error: deny\nrules:\n{rules}")).unwrap();
    p
}

const RULE: &str = "  - id: custom\n    message: the rule's message\n    wasm: m.wasm\n    config: { limit: 3, names: [a, b] }\n";

fn eval(policy: &Policy, command: &str) -> policy_core::policy::Verdict {
    let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    let mut env = Env::new(&opts, "/home/dev/project");
    env.set_clock(Clock::Fixed(1_767_780_000));
    env.set_session(serde_json::json!({"tainted": true}));
    policy.evaluate(&ToolCall::bash(command), &opts, &env)
}

#[test]
fn no_host_fails_closed_with_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let policy = Policy::from_file(write_policy(dir.path(), RULE)).unwrap();
    let v = eval(&policy, "ls");
    assert_eq!(v.decision, Decision::Deny);
    assert_eq!(v.hits[0].rule, "custom");
    assert!(
        v.hits[0].message.contains("m.wasm"),
        "{}",
        v.hits[0].message
    );
    assert!(v.hits[0].message.contains("no WASM host is available"));
    assert!(policy.prepare_wasm().unwrap_err().contains("no WASM host"));
    // A rule example cannot pass because the module could not run.
    let (failures, _) = policy_core::policy::examples::run_examples(&policy);
    assert!(failures.is_empty());
}

#[test]
fn the_host_receives_the_abi_input_and_decides() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::new(Ok(r#"{"decision":"ask","message":"from the guest"}"#));
    let policy = Policy::from_file(write_policy(dir.path(), RULE))
        .unwrap()
        .with_wasm_host(fake.clone());
    let v = eval(&policy, "sudo rm -rf build");
    assert_eq!(v.decision, Decision::Ask);
    assert_eq!(v.hits.len(), 1);
    assert_eq!(v.hits[0].message, "from the guest");
    let input = fake.inputs.lock().unwrap()[0].clone();
    assert_eq!(input["abi"], 1);
    assert_eq!(input["rule"]["id"], "custom");
    assert_eq!(input["rule"]["config"]["names"][1], "b");
    assert_eq!(input["now"], 1_767_780_000u64);
    assert_eq!(input["session"]["tainted"], true);
    assert_eq!(input["call"]["input"]["command"], "sudo rm -rf build");
    let actions = input["actions"].as_array().unwrap();
    assert!(actions
        .iter()
        .any(|a| a["program"] == "rm" && a["argv"] == serde_json::json!(["-rf", "build"])));
    // Effects are included (rm deletes build).
    assert!(actions.iter().any(|a| a["type"] == "file_delete"));
}

#[test]
fn abstain_is_no_hit_and_failures_are_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_policy(dir.path(), RULE);
    let abstain = Policy::from_file(&path)
        .unwrap()
        .with_wasm_host(Fake::new(Ok(r#"{"decision":"abstain","message":"x"}"#)));
    let v = eval(&abstain, "ls");
    assert_eq!((v.decision, v.hits.len()), (Decision::Pass, 0));
    for (out, expected) in [
        (Err("trap in `evaluate`: boom"), "trap in `evaluate`: boom"),
        (Ok("{\"decision\":\"perhaps\"}"), "malformed verdict"),
        (Ok("\u{1}"), "malformed verdict"),
    ] {
        let policy = Policy::from_file(&path)
            .unwrap()
            .with_wasm_host(Fake::new(out));
        let v = eval(&policy, "ls");
        assert_eq!(v.decision, Decision::Deny, "{out:?}");
        assert!(
            v.hits[0].message.contains(expected),
            "{}",
            v.hits[0].message
        );
        assert!(v.hits[0].message.contains("m.wasm"));
    }
}

#[test]
fn match_gates_the_module() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::new(Ok(r#"{"decision":"deny"}"#));
    let rules = format!("{RULE}    match: {{ program: kubectl }}\n");
    let policy = Policy::from_file(write_policy(dir.path(), &rules))
        .unwrap()
        .with_wasm_host(fake.clone());
    assert_eq!(eval(&policy, "ls -la").decision, Decision::Pass);
    assert!(fake.inputs.lock().unwrap().is_empty(), "gated: not called");
    let v = eval(&policy, "ls && sudo kubectl apply -f x");
    assert_eq!(v.decision, Decision::Deny);
    assert_eq!(v.hits[0].message, "the rule's message");
    assert!(
        v.hits[0].matched.contains("kubectl"),
        "{}",
        v.hits[0].matched
    );
}

#[test]
fn engine_attaches_the_host_to_every_layer_and_passes_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::new(Ok(r#"{"decision":"deny","message":"tainted session"}"#));
    let policy = Policy::from_file(write_policy(dir.path(), RULE)).unwrap();
    let engine = Engine::new(
        policy,
        ShellOptions::for_home("/home/dev", "/home/dev/project"),
    )
    .with_project("/home/dev/project")
    .with_clock(Clock::Fixed(42))
    .with_wasm_host(fake.clone());
    let v = engine.evaluate_with_session(&ToolCall::bash("ls"), &serde_json::json!({"n": 7}));
    assert_eq!(v.decision, Decision::Deny);
    let input = fake.inputs.lock().unwrap()[0].clone();
    assert_eq!(
        (input["now"].as_u64(), input["session"]["n"].as_u64()),
        (Some(42), Some(7))
    );
    engine.evaluate(&ToolCall::bash("ls"));
    assert_eq!(
        fake.inputs.lock().unwrap()[1]["session"],
        serde_json::json!({})
    );
}

#[test]
fn invalid_wasm_rules_are_load_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "  - id: r\n    message: m\n    decision: deny\n    wasm: m.wasm\n",
            "`decision` is not allowed on a `wasm` rule",
        ),
        ("  - id: r\n    message: m\n    decision: deny\n", "`match` is missing"),
        ("  - id: r\n    message: m\n    match: { program: x }\n", "`decision` is missing"),
        (
            "  - id: r\n    message: m\n    decision: deny\n    match: { program: x }\n    config: 1\n",
            "`config` is only for `wasm` rules",
        ),
        ("  - id: r\n    message: m\n    wasm: missing.wasm\n", "cannot read WASM module"),
    ];
    for (rules, expected) in cases {
        let err = Policy::from_file(write_policy(dir.path(), rules))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(err.contains("rule `r`"), "{err}");
    }
}

#[test]
fn module_bytes_are_a_cache_dependency() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = CacheConfig::in_dir(cache.path());
    let path = write_policy(dir.path(), RULE);
    let (_, r) = load(Source::File(path.clone()), &config).unwrap();
    assert_eq!((r.status, r.written), (CacheStatus::Missing, true));
    let (p, r) = load(Source::File(path.clone()), &config).unwrap();
    assert_eq!(r.status, CacheStatus::Hit);
    // The cached policy still has its wasm rule, module hash and config.
    let modules = p.wasm_modules();
    assert_eq!(modules.len(), 1);
    let (fresh, _) = WasmModule::read(&dir.path().join("m.wasm")).unwrap();
    assert_eq!(modules[0].sha256, fresh.sha256);
    assert_eq!(
        p.rules[0].wasm.as_ref().unwrap().config,
        r#"{"limit":3,"names":["a","b"]}"#
    );
    let fake = Fake::new(Ok(r#"{"decision":"ask"}"#));
    assert_eq!(eval(&p.with_wasm_host(fake), "ls").decision, Decision::Ask);
    // New module bytes: the cached policy is stale.
    std::fs::write(dir.path().join("m.wasm"), b"\0asm\x01\0\0\0\0").unwrap();
    let (_, r) = load(Source::File(path.clone()), &config).unwrap();
    assert_eq!(r.status, CacheStatus::Stale);
    let (_, r) = load(Source::File(path.clone()), &config).unwrap();
    assert_eq!(r.status, CacheStatus::Hit);
    // A deleted module: stale, then a load error.
    std::fs::remove_file(dir.path().join("m.wasm")).unwrap();
    assert!(load(Source::File(path), &config).is_err());
}

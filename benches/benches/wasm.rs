//! WASM rules (`policy-wasm` on wasmtime 48):
//!
//! * `warm_call`: one call of a loaded module in a long-lived host — a fresh
//!   `Store`, instantiation, `alloc`, copying the input in, `evaluate`,
//!   copying the verdict out (DESIGN §11 target: ≤ 20 µs);
//! * `policy_evaluate`: a whole `Policy::evaluate` of a Bash call with the
//!   example WASM rules (normalize, build the ABI input, run the modules);
//! * `cold`: what a hook process pays once: a new host (wasmtime `Engine`),
//!   the module deserialized from the `.cwasm` cache, instantiated and called;
//! * `compile`: a new host compiling the module (a cache miss).
//!
//! The modules: `rules/wasm/sudo_ask.wat` (a substring search) and, when
//! `rules/wasm/build.sh` has built it, the C rule `deploy_hours.wasm` (a JSON
//! reader over the whole input).
//!
//! ```text
//! bash rules/wasm/build.sh
//! cargo bench -p agent-policy-benches --bench wasm -- --warm-up-time 1 --measurement-time 3 --noplot
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use policy_core::policy::external::{Input, WasmModule};
use policy_core::policy::{Env, Policy};
use policy_core::{normalize, ShellOptions, ToolCall};
use policy_wasm::{HostConfig, LoadKind, WasmtimeHost};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/wasm")
}

fn fail(msg: String) -> ! {
    eprintln!("{msg}");
    std::process::exit(1)
}

/// The modules to bench: (name, path, config JSON).
fn modules() -> Vec<(&'static str, PathBuf, &'static str)> {
    let mut v = vec![("sudo_ask_wat", rules_dir().join("sudo_ask.wat"), "null")];
    let c = rules_dir().join("deploy_hours.wasm");
    if c.is_file() {
        v.push((
            "deploy_hours_c",
            c,
            r#"{"commands":["kubectl apply","helm upgrade","terraform apply"],"start_hour":9,"end_hour":17}"#,
        ));
    } else {
        eprintln!(
            "rules/wasm/deploy_hours.wasm not built (bash rules/wasm/build.sh): benching WAT only"
        );
    }
    v
}

/// The ABI input of a typical Bash call (~1.5 KB with its actions).
fn input(rule: &str, config: &str) -> Vec<u8> {
    let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    let mut call = ToolCall::bash("sudo kubectl apply -f deploy/prod.yaml && git status");
    call.cwd = Some("/home/dev/project".into());
    let actions = policy_core::policy::effects::with_effects(normalize(&call, &opts));
    Input::new(&call, &actions, &serde_json::json!({}), 1_768_039_200).for_rule(rule, config)
}

fn bench(c: &mut Criterion) {
    let cache = tempfile::tempdir().unwrap_or_else(|e| fail(format!("tempdir: {e}")));
    let config = HostConfig {
        cache_dir: Some(cache.path().to_path_buf()),
        ..HostConfig::default()
    };
    let mut g = c.benchmark_group("wasm");
    for (name, path, cfg) in modules() {
        let (module, _) =
            WasmModule::read(&path).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
        let bytes = input(name, cfg);
        let host = WasmtimeHost::new(config.clone());
        match host.call(&module, &bytes) {
            Ok(out) => eprintln!(
                "{name}: {} ({} byte input)",
                String::from_utf8_lossy(&out),
                bytes.len()
            ),
            Err(e) => fail(format!("{name}: {e}")),
        }
        g.bench_function(format!("warm_call/{name}"), |b| {
            b.iter(|| black_box(host.call(&module, black_box(&bytes))))
        });
        g.bench_function(format!("cold/{name}"), |b| {
            b.iter(|| {
                let host = WasmtimeHost::new(config.clone());
                let kind = host.load(&module);
                debug_assert_eq!(kind.as_ref().ok(), Some(&LoadKind::Deserialized));
                black_box(host.call(&module, black_box(&bytes)))
            })
        });
        g.bench_function(format!("compile/{name}"), |b| {
            b.iter(|| black_box(WasmtimeHost::new(HostConfig::default()).load(&module)))
        });
    }
    let policy = Policy::from_file(rules_dir().join("examples.yaml"));
    if let Ok(policy) = policy {
        let host = Arc::new(WasmtimeHost::new(config.clone()));
        let policy = policy.with_wasm_host(host);
        let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let env = Env::new(&opts, "/home/dev/project");
        let mut call = ToolCall::bash("sudo kubectl apply -f deploy/prod.yaml");
        call.cwd = Some("/home/dev/project".into());
        eprintln!(
            "policy_evaluate: {:?}",
            policy.evaluate(&call, &opts, &env).decision
        );
        g.bench_function("policy_evaluate/examples_yaml_3_rules", |b| {
            b.iter(|| black_box(policy.evaluate(black_box(&call), &opts, &env)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Times the match stage (`Policy::evaluate_actions` on pre-normalized
//! actions, the builtin default policy) on one command in a loop, for
//! profiling with `perf record`:
//! `cargo run --release -p policy-core --example match_prof -- "git status" 300000`
//! (`POLICY_YAML` set: that policy instead, e.g. `version: 1` for the fixed
//! cost of an empty one; `@FILE` reads the command from a file; `E2E=1` times
//! normalizing and matching together, as a hook call does).
use policy_core::policy::{Env, Policy};
use policy_core::{normalize, ShellOptions, ToolCall};

fn main() {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "git status".into());
    let cmd = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).unwrap_or_default(),
        None => arg,
    };
    let e2e = std::env::var_os("E2E").is_some();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let policy = match std::env::var("POLICY_YAML")
        .map_or_else(|_| Policy::builtin("default"), |y| Policy::from_yaml(&y))
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("builtin policy: {e}");
            std::process::exit(1);
        }
    };
    let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    let env = Env::new(&opts, "/home/dev/project");
    let call = ToolCall::bash(&cmd);
    let actions = normalize(&call, &opts);
    let t = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..n.max(1) {
        let verdict = if e2e {
            policy.evaluate(&call, &opts, &env)
        } else {
            policy.evaluate_actions(&call, actions.clone(), &env)
        };
        hits += verdict.hits.len();
    }
    println!("{:?} per call ({hits} hits)", t.elapsed() / n.max(1) as u32);
}

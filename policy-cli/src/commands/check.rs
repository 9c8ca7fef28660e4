//! `policy-cli check FILE…`: loads each policy (with what it extends), compiles
//! every rule (and every `wasm` rule's module, into the precompiled cache) and
//! runs the rules' examples. Exit codes: 0 valid, 1 an example
//! failed, 2 the policy does not load (the message names file:line:column).

use std::process::ExitCode;

use clap::Args;
use policy_core::policy::examples::run_examples;
use policy_core::policy::Policy;

/// Arguments of `check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Policy files (or `builtin:NAME`).
    #[arg(required = true)]
    files: Vec<String>,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<ExitCode, String> {
    let mut code = ExitCode::SUCCESS;
    for f in &args.files {
        let policy = match f.strip_prefix("builtin:") {
            Some(n) => Policy::builtin(n),
            None => Policy::from_file(f),
        }
        .map_err(|e| e.to_string())?
        .with_wasm_host(super::wasm_host());
        // Every WASM module loads, validates and compiles (into the cache).
        policy.prepare_wasm().map_err(|e| format!("{f}: {e}"))?;
        let (failures, count) = run_examples(&policy);
        for x in &failures {
            let want = if x.expected_match {
                "should match"
            } else {
                "should not match"
            };
            println!("{f}: rule {} example {want}: {}", x.rule, x.example);
            if let Some(e) = &x.error {
                println!("  error: {e}");
            }
        }
        println!(
            "{f}: ok, {} rules from {} file(s), {count} examples, {} failed",
            policy.rules.len(),
            policy.sources.len(),
            failures.len()
        );
        if !failures.is_empty() {
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}

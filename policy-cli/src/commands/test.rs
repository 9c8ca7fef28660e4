//! `policy-cli test [PATHS]`: runs every rule's examples, and the cases of
//! `*.test.yaml` files, for each policy under PATHS (default: `rules/` when it
//! exists, else the builtin pack). Exit codes: 0 all passed, 1 a failure, 2 a
//! policy or test file could not be loaded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use policy_core::policy::examples::{
    example_call, example_now, run_examples, EXAMPLE_HOME, EXAMPLE_PROJECT,
};
use policy_core::policy::{Decision, Env, Example, Policy};
use policy_core::ShellOptions;
use serde::Deserialize;

/// Arguments of `test`.
#[derive(Args)]
pub struct TestArgs {
    /// Policy files, `*.test.yaml` files, or directories holding them.
    paths: Vec<String>,
    /// List the rules that have no examples.
    #[arg(long)]
    coverage: bool,
}

/// A `*.test.yaml` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    /// The policy to test (relative to the test file, or `builtin:NAME`); default `builtin:default`.
    #[serde(default)]
    policy: Option<String>,
    cases: Vec<TestCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCase {
    input: Example,
    decision: Decision,
    #[serde(default)]
    rule: Option<String>,
}

fn collect(
    path: &Path,
    policies: &mut Vec<PathBuf>,
    tests: &mut Vec<PathBuf>,
) -> Result<(), String> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                collect(&e, policies, tests)?;
            }
        }
        return Ok(());
    }
    let name = path.to_string_lossy();
    if name.ends_with(".test.yaml") || name.ends_with(".test.yml") {
        tests.push(path.to_path_buf());
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        policies.push(path.to_path_buf());
    } else if !path.exists() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    Ok(())
}

fn load(spec: &str, base: &Path) -> Result<Policy, String> {
    let policy = match spec.strip_prefix("builtin:") {
        Some(n) => Policy::builtin(n),
        None => Policy::from_file(base.join(spec)),
    };
    with_host(policy.map_err(|e| e.to_string())?, spec)
}

/// Attaches the WASM host and loads every module (a module that does not
/// load is an error of its own, like a policy that does not parse).
fn with_host(policy: Policy, name: &str) -> Result<Policy, String> {
    let policy = policy.with_wasm_host(super::wasm_host());
    policy.prepare_wasm().map_err(|e| format!("{name}: {e}"))?;
    Ok(policy)
}

/// Runs `test`.
pub fn run(args: &TestArgs) -> Result<ExitCode, String> {
    let mut policies = Vec::new();
    let mut tests = Vec::new();
    let paths: Vec<String> = if args.paths.is_empty() {
        if Path::new("rules").is_dir() {
            vec!["rules".into()]
        } else {
            Vec::new()
        }
    } else {
        args.paths.clone()
    };
    for p in &paths {
        collect(Path::new(p), &mut policies, &mut tests)?;
    }
    let mut loaded: Vec<(String, Policy)> = Vec::new();
    for p in &policies {
        let name = p.display().to_string();
        let policy = with_host(Policy::from_file(p).map_err(|e| e.to_string())?, &name)?;
        loaded.push((name, policy));
    }
    if loaded.is_empty() && tests.is_empty() {
        loaded.push((
            "builtin:default".into(),
            Policy::builtin("default").map_err(|e| e.to_string())?,
        ));
    }
    let mut failed = 0usize;
    let mut total = 0usize;
    for (name, policy) in &loaded {
        let (failures, count) = run_examples(policy);
        total += count;
        for f in &failures {
            failed += 1;
            let want = if f.expected_match {
                "should match"
            } else {
                "should not match"
            };
            println!("FAIL {} ({}) {want}: {}", f.rule, f.source, f.example);
            if let Some(e) = &f.error {
                println!("       error: {e}");
            }
            for a in &f.actions {
                println!("       {a}");
            }
        }
        println!(
            "{name}: {} rules, {count} examples, {} failed",
            policy.rules.len(),
            failures.len()
        );
        if args.coverage {
            for r in &policy.rules {
                if r.rule.examples.must_match.is_empty() || r.rule.examples.no_match.is_empty() {
                    println!(
                        "  no {} examples: {} ({})",
                        if r.rule.examples.must_match.is_empty() {
                            "match"
                        } else {
                            "no_match"
                        },
                        r.rule.id,
                        r.source
                    );
                }
            }
        }
    }
    let opts = ShellOptions::for_home(EXAMPLE_HOME, EXAMPLE_PROJECT);
    let mut env = Env::new(&opts, EXAMPLE_PROJECT);
    for t in &tests {
        let text = std::fs::read_to_string(t).map_err(|e| format!("{}: {e}", t.display()))?;
        let file: TestFile = serde_saphyr::from_str(&text).map_err(|e| {
            let loc = e
                .location()
                .map_or(String::new(), |l| format!("{}:{}:", l.line(), l.column()));
            format!(
                "{}:{loc} {}",
                t.display(),
                e.to_string().lines().next().unwrap_or("")
            )
        })?;
        let base = t.parent().unwrap_or(Path::new("."));
        let policy = load(file.policy.as_deref().unwrap_or("builtin:default"), base)?;
        let mut case_failed = 0;
        for (i, c) in file.cases.iter().enumerate() {
            total += 1;
            let call = example_call(&c.input);
            env.set_clock(policy_core::state::Clock::Fixed(example_now(&c.input)));
            let v = policy.evaluate(&call, &opts, &env);
            let rule_ok = c
                .rule
                .as_ref()
                .is_none_or(|r| v.deciding().any(|h| &h.rule == r));
            if v.decision != c.decision || !rule_ok {
                case_failed += 1;
                let got: Vec<&str> = v.deciding().map(|h| h.rule.as_str()).collect();
                println!(
                    "FAIL {} case {}: expected {}{} got {} {:?}",
                    t.display(),
                    i + 1,
                    c.decision.as_str(),
                    c.rule
                        .as_ref()
                        .map_or(String::new(), |r| format!(" by {r},")),
                    v.decision.as_str(),
                    got
                );
                for a in &v.actions {
                    println!("       {}", a.describe_from(Some(EXAMPLE_PROJECT)));
                }
            }
        }
        failed += case_failed;
        println!(
            "{}: {} cases, {case_failed} failed",
            t.display(),
            file.cases.len()
        );
    }
    println!("{} passed, {} failed", total - failed, failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

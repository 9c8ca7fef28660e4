//! Embedding the engine in a Rust agent: build it once, evaluate every tool
//! call before running it.
//!
//! Run: `cargo run -p policy-core --example embed -- 'git push -f origin main'`

use policy_core::policy::{Decision, Engine, Policy};
use policy_core::{ShellOptions, ToolCall};

fn main() {
    let policy = match Policy::builtin("default") {
        Ok(p) => p,
        Err(e) => {
            eprintln!("policy: {e}");
            std::process::exit(2);
        }
    };
    let engine = Engine::new(policy, ShellOptions::from_process_env());
    let command = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let verdict = engine.evaluate(&ToolCall::bash(&command));
    match verdict.decision {
        Decision::Deny | Decision::Ask => {
            for hit in verdict.deciding() {
                println!(
                    "{}: {} ({})",
                    verdict.decision.as_str(),
                    hit.message,
                    hit.rule
                );
            }
        }
        Decision::Allow | Decision::Pass => println!("{}: run it", verdict.decision.as_str()),
    }
}

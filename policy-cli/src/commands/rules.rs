//! `policy-cli rules [--tag T] [--policy FILE]`: lists the rules of a policy.

use std::process::ExitCode;

use clap::Args;

/// Arguments of `rules`.
#[derive(Args)]
pub struct RulesArgs {
    /// Only rules with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Policy file (or `builtin:NAME`); default `$AGENT_POLICY_FILE`, else `builtin:default`.
    #[arg(long)]
    policy: Option<String>,
}

/// Runs `rules`.
pub fn run(args: &RulesArgs) -> Result<ExitCode, String> {
    let policy = super::load_policy(args.policy.as_deref())?;
    for r in &policy.rules {
        if args.tag.as_ref().is_some_and(|t| !r.rule.tags.contains(t)) {
            continue;
        }
        println!(
            "{:<40} {:<5} [{}] {}",
            r.rule.id,
            r.rule.decision.map_or("wasm", |d| d.as_str()),
            r.rule.tags.join(","),
            r.rule.message
        );
    }
    Ok(ExitCode::SUCCESS)
}

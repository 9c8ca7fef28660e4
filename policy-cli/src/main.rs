//! `policy-cli`: the agent-policy command line.
//!
//! * `eval` — the decision for a command or tool call (`--explain`, `--actions`).
//! * `test` — run rules' examples and `*.test.yaml` cases.
//! * `check` — validate policy files.
//! * `rules` — list rules.
//! * `schema` — print the JSON Schema of policy files.
//!
//! The hook, `install` and `audit` commands arrive with their issues.

mod commands;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// agent-policy: decides whether an AI agent's tool call runs.
#[derive(Parser)]
#[command(name = "policy-cli", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide a command (or a tool call given as JSON) and explain the decision.
    Eval(commands::eval::EvalArgs),
    /// Run every rule's examples and the cases of *.test.yaml files.
    Test(commands::test::TestArgs),
    /// Validate policy files (load, compile, run examples).
    Check(commands::check::CheckArgs),
    /// List a policy's rules.
    Rules(commands::rules::RulesArgs),
    /// Print the JSON Schema of policy files (also shipped as rules/schema.json).
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Eval(args) => commands::eval::run(&args),
        Command::Test(args) => commands::test::run(&args),
        Command::Check(args) => commands::check::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Schema => {
            print!("{}", policy_core::policy::schema::json_schema());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("policy-cli: error: {e}");
            ExitCode::from(2)
        }
    }
}

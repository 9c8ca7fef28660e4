//! `policy-cli`: the agent-policy command line.
//!
//! * `eval` — normalize a command or a tool call and print the actions.
//!
//! The hook, `test`, `check`, `install` and `audit` commands arrive with their issues.

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
    /// Normalize a command (or a tool call given as JSON) and print what it will do.
    Eval(commands::eval::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Eval(args) => commands::eval::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("policy-cli: error: {e}");
            ExitCode::from(2)
        }
    }
}

//! `policy-cli`: the agent-policy command line.
//!
//! * `eval` — the decision for a command or tool call (`--explain`, `--actions`).
//! * `test` — run rules' examples and `*.test.yaml` cases.
//! * `check` — validate policy files.
//! * `rules` — list rules.
//! * `schema` — print the JSON Schema of policy files.
//! * `hook` — the agent hook (Claude Code, Codex, Gemini CLI, Cursor, Copilot
//!   CLI, Cline): one event on stdin, the agent's answer on stdout, exit 0 or 2.
//! * `install` / `uninstall` — register the hook in agents' config files.
//! * `import-claude` — Claude Code permission rules → a policy file.
//! * `audit` — verify, tail and show the hook's audit log.

mod cache_map;
mod commands;
mod sigpipe;

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
    /// The agent hook: read one event on stdin, answer in the agent's format (exit 0 or 2).
    Hook(commands::hook::HookArgs),
    /// Register the hook in agents' config files (Claude Code by default).
    Install(commands::install::InstallArgs),
    /// Remove the hook entries `install` added.
    Uninstall(commands::install::UninstallArgs),
    /// Convert Claude Code's permission rules (settings.json) into a policy file.
    ImportClaude(commands::import_claude::ImportClaudeArgs),
    /// Inspect or reset session state (rate-limit windows, taint).
    Session(commands::session::SessionArgs),
    /// Check and read the hook's audit log (verify, tail, show, path).
    Audit(commands::audit::AuditArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Hook(_)) {
        sigpipe::restore_default();
    }
    let result = match cli.command {
        Command::Hook(args) => return commands::hook::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
        Command::Test(args) => commands::test::run(&args),
        Command::Check(args) => commands::check::run(&args),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Install(args) => commands::install::run_install(&args),
        Command::Uninstall(args) => commands::install::run_uninstall(&args),
        Command::ImportClaude(args) => commands::import_claude::run(&args),
        Command::Session(args) => commands::session::run(&args),
        Command::Audit(args) => commands::audit::run(&args),
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

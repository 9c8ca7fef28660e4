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

/// The hook's arguments, parsed without building the rest of the command
/// tree: the hook runs once per tool call, and clap building every
/// subcommand's parser cost ~0.13 M of a hook call's ~2.3 M instructions.
/// `None` — then the full parser decides, with its help and its errors —
/// unless the first argument is `hook` and the rest parse.
fn hook_args(
    argv: impl IntoIterator<Item = std::ffi::OsString>,
) -> Option<commands::hook::HookArgs> {
    use clap::{Args as _, FromArgMatches as _};
    let mut argv = argv.into_iter();
    let _program = argv.next()?;
    let first = argv.next()?;
    if first != "hook" {
        return None;
    }
    let command = commands::hook::HookArgs::augment_args(clap::Command::new("hook"));
    let matches = command
        .try_get_matches_from(std::iter::once(first).chain(argv))
        .ok()?;
    commands::hook::HookArgs::from_arg_matches(&matches).ok()
}

fn main() -> ExitCode {
    if let Some(args) = hook_args(std::env::args_os()) {
        return commands::hook::run(&args);
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<std::ffi::OsString> {
        args.iter().map(Into::into).collect()
    }

    #[test]
    fn the_hook_fast_path_parses_as_the_full_parser() {
        for args in [
            &["policy-cli", "hook"][..],
            &["policy-cli", "hook", "--agent", "codex"],
            &[
                "policy-cli",
                "hook",
                "--policy",
                "p.yaml",
                "--deadline-ms",
                "5",
            ],
            &[
                "policy-cli",
                "hook",
                "--agent=gemini",
                "--policy=builtin:default",
            ],
        ] {
            let fast = hook_args(argv(args)).unwrap_or_else(|| panic!("{args:?}"));
            let Command::Hook(full) = Cli::try_parse_from(argv(args)).unwrap().command else {
                panic!("{args:?} is not the hook");
            };
            assert_eq!(format!("{fast:?}"), format!("{full:?}"));
        }
    }

    #[test]
    fn anything_else_goes_to_the_full_parser() {
        for args in [
            &["policy-cli"][..],
            &["policy-cli", "eval", "ls"],
            &["policy-cli", "hook", "--help"],
            &["policy-cli", "hook", "--agent", "nobody"],
            &["policy-cli", "hook", "--deadline-ms", "soon"],
            &["policy-cli", "hook", "extra"],
            &["policy-cli", "--version"],
        ] {
            assert!(hook_args(argv(args)).is_none(), "{args:?}");
        }
    }
}

//! `policy-cli audit`: check and read the hook's audit log.
//!
//! * `verify [FILE]` — check every line's hash, the sequence, the links and
//!   the head file; print the first broken line and what is wrong (exit 1),
//!   or the number of records (exit 0).
//! * `tail [-n N] [FILE]` — the last N lines (default 10), as written.
//! * `show SEQ [FILE]` — one record, pretty-printed (`--line`: SEQ is a
//!   1-based line number instead).
//! * `path` — where the log is, per the policies that apply here.
//!
//! Without FILE: the log the hook writes for the current directory
//! (`audit.path` of the managed or user policy, else
//! `<state dir>/audit/audit.jsonl`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use policy_core::audit::read::{self, Locator};
use policy_core::audit::{self as log, AuditConfig};
use policy_core::policy::discover::Discovery;

/// Arguments of `audit`.
#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the chain; name the first broken line (exit 1) or count the records (exit 0).
    Verify {
        /// The log (default: the hook's log for this directory).
        file: Option<PathBuf>,
    },
    /// Print the last lines of the log.
    Tail {
        /// How many lines.
        #[arg(short = 'n', long = "lines", default_value_t = 10)]
        n: usize,
        /// The log (default: the hook's log for this directory).
        file: Option<PathBuf>,
    },
    /// Print one record, pretty-printed, with whether its hash matches.
    Show {
        /// The record's sequence number (with --line: the 1-based line number).
        at: u64,
        /// The log (default: the hook's log for this directory).
        file: Option<PathBuf>,
        /// AT is a line number.
        #[arg(long)]
        line: bool,
    },
    /// Print where the hook writes its log for this directory.
    Path,
}

/// The log the hook writes for the current directory.
fn default_file() -> Result<PathBuf, String> {
    let discovery = Discovery::from_env(None);
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".into());
    let config = match discovery.find(&cwd) {
        Ok(found) => AuditConfig::from_layers(
            found
                .layers
                .iter()
                .map(|l| (l.name.as_str(), &l.policy.audit)),
            discovery.home.as_deref(),
        ),
        Err(e) => {
            eprintln!("policy-cli: warning: the policies do not load ({e}); using the default log");
            AuditConfig::default()
        }
    };
    config
        .path
        .ok_or_else(|| log::AuditError::NoLocation.to_string())
}

fn file_or_default(file: Option<PathBuf>) -> Result<PathBuf, String> {
    match file {
        Some(f) => Ok(f),
        None => default_file(),
    }
}

/// Runs `audit`.
pub fn run(args: &AuditArgs) -> Result<ExitCode, String> {
    match &args.command {
        AuditCommand::Verify { file } => {
            let path = file_or_default(file.clone())?;
            let report = log::verify(&path).map_err(|e| e.to_string())?;
            for w in &report.warnings {
                eprintln!("{}: warning: {w}", path.display());
            }
            match &report.broken {
                Some(b) => {
                    println!("{}: {b}", path.display());
                    println!(
                        "{}: {} valid record(s) before line {}",
                        path.display(),
                        report.records,
                        b.line
                    );
                    Ok(ExitCode::from(1))
                }
                None => {
                    println!(
                        "{}: ok: {} record(s) in {} line(s), chain intact",
                        path.display(),
                        report.records,
                        report.lines
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        AuditCommand::Tail { n, file } => {
            let path = file_or_default(file.clone())?;
            for l in read::tail(&path, *n).map_err(|e| e.to_string())? {
                println!("{l}");
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Show { at, file, line } => {
            let path = file_or_default(file.clone())?;
            let locator = if *line {
                Locator::Line(*at)
            } else {
                Locator::Seq(*at)
            };
            let Some((n, text)) = read::find(&path, locator).map_err(|e| e.to_string())? else {
                let what = if *line { "line" } else { "record" };
                return Err(format!("{}: no {what} {at}", path.display()));
            };
            let pretty = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| text.clone());
            println!("{pretty}");
            match log::chain::open(text.as_bytes()) {
                Ok(_) => eprintln!(
                    "{}: line {n}: hash ok (the links are checked by `audit verify`)",
                    path.display()
                ),
                Err(e) => eprintln!("{}: line {n}: {e}", path.display()),
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Path => {
            println!("{}", default_file()?.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

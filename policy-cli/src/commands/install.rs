//! `policy-cli install` / `uninstall`: register the hook in agents' config
//! files, or take it out again.
//!
//! Every file is planned before anything is written: a malformed file (named
//! with its line and column) stops the whole run with nothing changed. A
//! changed file that existed is first copied to `<file>.bak-<unix time>`, then
//! replaced atomically (temporary file + rename) with its permissions kept.
//! Our entries are those whose command runs `policy-cli hook` (see
//! [`targets::is_ours`]); every other key and hook is left as it was. The
//! per-agent files and entries are in docs/install.md.

mod diff;
mod files;
mod json;
mod targets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use json::J;
use targets::{Agent, Content, Places, Scope, Target};

/// Options shared by `install` and `uninstall`.
#[derive(Args)]
pub struct CommonArgs {
    /// Agents (repeat, or separate with commas).
    #[arg(
        long = "agent",
        value_parser = targets::parse_agent,
        value_delimiter = ',',
        default_value = "claude"
    )]
    agents: Vec<Agent>,
    /// Which config file: user (~), project (shared, in the repository), local
    /// (Claude: personal, git-ignored) or managed (Claude: machine-wide).
    #[arg(long, value_enum, default_value = "user")]
    scope: Scope,
    /// Print what would change (a diff per file) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The policy-cli program the hook runs (default: this binary's absolute path).
    #[arg(long, value_name = "CMD")]
    command: Option<String>,
    /// Directory whose git toplevel is the project (default: the current directory).
    #[arg(long, value_name = "DIR")]
    cwd: Option<PathBuf>,
}

/// Arguments of `install`.
#[derive(Args)]
pub struct InstallArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Hook timeout in seconds (Gemini CLI's file gets it in milliseconds).
    #[arg(long, default_value_t = 10, value_name = "SECS",
          value_parser = clap::value_parser!(u32).range(1..=600))]
    timeout: u32,
}

/// Arguments of `uninstall`.
#[derive(Args)]
pub struct UninstallArgs {
    #[command(flatten)]
    common: CommonArgs,
}

/// Runs `install`.
pub fn run_install(args: &InstallArgs) -> Result<ExitCode, String> {
    run(&args.common, Some(args.timeout))
}

/// Runs `uninstall`.
pub fn run_uninstall(args: &UninstallArgs) -> Result<ExitCode, String> {
    run(&args.common, None)
}

/// What happens to one file.
enum Change {
    /// Nothing to do; why.
    Nothing(&'static str),
    /// New contents.
    Write(String),
    /// The file goes (moved to its backup).
    Delete,
}

/// One file's plan.
struct Plan {
    target: Target,
    /// The file really written (a symlink's target).
    real: PathBuf,
    old: Option<String>,
    change: Change,
    notes: Vec<String>,
}

fn places(common: &CommonArgs) -> Result<Places, String> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or("HOME is not set")?;
    let cwd = match &common.cwd {
        Some(d) if d.is_absolute() => d.clone(),
        Some(d) => std::env::current_dir()
            .map_err(|e| format!("current directory: {e}"))?
            .join(d),
        None => std::env::current_dir().map_err(|e| format!("current directory: {e}"))?,
    };
    let cwd_text = cwd
        .to_str()
        .ok_or_else(|| format!("{}: not a UTF-8 path", cwd.display()))?;
    let env_dir = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    Ok(Places {
        home,
        project: PathBuf::from(policy_core::paths::project_root(cwd_text)),
        codex_home: env_dir("CODEX_HOME"),
        copilot_home: env_dir("COPILOT_HOME"),
    })
}

fn program(common: &CommonArgs) -> Result<String, String> {
    if let Some(c) = &common.command {
        if c.trim().is_empty() {
            return Err("--command is empty".into());
        }
        return Ok(c.clone());
    }
    let exe = std::env::current_exe().map_err(|e| format!("finding this program: {e}"))?;
    exe.to_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{}: not a UTF-8 path; give --command", exe.display()))
}

fn run(common: &CommonArgs, install: Option<u32>) -> Result<ExitCode, String> {
    let places = places(common)?;
    let program = program(common)?;
    let agents = &common.agents;
    let mut plans = Vec::new();
    for (i, agent) in agents.iter().enumerate() {
        if agents[..i].contains(agent) {
            continue;
        }
        let target = targets::target(
            *agent,
            common.scope,
            &places,
            &program,
            install.unwrap_or(10),
        )?;
        plans.push(plan(target, &program, install.is_some())?);
    }
    for p in &plans {
        report(p, &places.home, common.dry_run)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `file:line:column: message` for a JSON syntax error.
fn parse_error(path: &Path, e: &serde_json::Error) -> String {
    format!(
        "{}:{}:{}: not valid JSON ({e}); the file was not changed",
        path.display(),
        e.line(),
        e.column()
    )
}

fn plan(target: Target, program: &str, install: bool) -> Result<Plan, String> {
    let real = files::resolve(&target.path)?;
    let old = files::read(&real)?;
    let installing = targets::hook_command(program, target.agent);
    let ours = |c: &str| targets::is_ours(c, &installing);
    let mut notes = Vec::new();
    let change = match &target.content {
        Content::Json(spec) => {
            let text = old.as_deref().unwrap_or("");
            let mut doc: J = if text.trim().is_empty() {
                J::Obj(Vec::new())
            } else {
                serde_json::from_str(text).map_err(|e| parse_error(&real, &e))?
            };
            let in_file = |m: String| format!("{}: {m}; the file was not changed", real.display());
            if install {
                notes = json::install(&mut doc, spec, &ours).map_err(in_file)?;
                if notes.is_empty() {
                    Change::Nothing("already installed, nothing to change")
                } else {
                    Change::Write(doc.to_pretty(&json::detect_indent(text))?)
                }
            } else {
                let (n, only_defaults) = json::uninstall(&mut doc, spec, &ours).map_err(in_file)?;
                notes = n;
                if notes.is_empty() {
                    Change::Nothing("no agent-policy entries, nothing to remove")
                } else if only_defaults {
                    notes.push("nothing else left: file removed".into());
                    Change::Delete
                } else {
                    Change::Write(doc.to_pretty(&json::detect_indent(text))?)
                }
            }
        }
        Content::Script { body, marker } => {
            let mine = old
                .as_deref()
                .map(|t| t.contains(marker) || t.lines().any(ours));
            match (install, mine) {
                (true, None) => {
                    notes.push("created the hook script".into());
                    Change::Write(body.clone())
                }
                (true, Some(true)) if old.as_deref() == Some(body.as_str()) => {
                    Change::Nothing("already installed, nothing to change")
                }
                (true, Some(true)) => {
                    notes.push("replaced the agent-policy hook script".into());
                    Change::Write(body.clone())
                }
                (true, Some(false)) => {
                    return Err(format!(
                        "{}: exists and is not agent-policy's hook (the agent runs one such script per \
                         directory); merge it by hand or move it away",
                        real.display()
                    ))
                }
                (false, Some(true)) => {
                    notes.push("removed the agent-policy hook script".into());
                    Change::Delete
                }
                (false, Some(false)) => Change::Nothing("not agent-policy's hook, left alone"),
                (false, None) => Change::Nothing("no hook script, nothing to remove"),
            }
        }
    };
    Ok(Plan {
        target,
        real,
        old,
        change,
        notes,
    })
}

fn report(p: &Plan, home: &Path, dry_run: bool) -> Result<(), String> {
    let mut shown = targets::display(&p.target.path, home);
    if p.real != p.target.path {
        shown = format!("{shown} (→ {})", p.real.display());
    }
    println!(
        "{} ({} scope): {shown}",
        p.target.agent.name(),
        p.target.scope.name()
    );
    if let Change::Nothing(why) = p.change {
        println!("  {why}");
        return Ok(());
    }
    for n in &p.notes {
        println!("  {n}");
    }
    if dry_run {
        let new = match &p.change {
            Change::Write(t) => t.as_str(),
            _ => "",
        };
        println!("  dry run, nothing written; the change would be:");
        for line in diff::unified(p.old.as_deref().unwrap_or(""), new).lines() {
            println!("    {line}");
        }
        return Ok(());
    }
    let exec_mode = matches!(p.target.content, Content::Script { .. }).then_some(0o755);
    match &p.change {
        Change::Write(text) => {
            if p.old.is_some() {
                let b = files::backup(&p.real)?;
                println!("  backup: {}", targets::display(&b, home));
            }
            files::write_atomic(&p.real, text, exec_mode)?;
            println!("  written");
        }
        Change::Delete => {
            let b = files::move_to_backup(&p.real)?;
            println!("  backup: {}", targets::display(&b, home));
        }
        Change::Nothing(_) => {}
    }
    Ok(())
}

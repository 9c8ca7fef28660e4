//! `policy-cli eval`: the decision for a command or tool call, with the rules
//! that fired; `--explain` adds the normalized actions and every rule checked.
//!
//! Exit codes: 0 allow or pass, 3 ask, 4 deny, 2 usage or input error.

use std::io::Read as _;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_core::policy::{Decision, Env};
use policy_core::{normalize, ShellOptions, ToolCall};

/// Largest tool-call JSON read from a file or stdin.
const MAX_JSON_BYTES: u64 = 4 * 1024 * 1024;

/// Output format.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// One line per action with its context.
    Text,
    /// The actions as JSON.
    Json,
}

/// Arguments of `eval`.
#[derive(Args)]
pub struct EvalArgs {
    /// The tool the command is given to (for a non-Bash tool, COMMAND is its main argument:
    /// a path for Read/Write/Edit, a URL for WebFetch).
    #[arg(long, default_value = "Bash")]
    tool: String,
    /// Working directory of the call (default: the current directory).
    #[arg(long)]
    cwd: Option<String>,
    /// Home directory to assume (default: $HOME).
    #[arg(long)]
    home: Option<String>,
    /// Read a tool call as JSON (Claude Code hook shape: tool_name, tool_input, cwd) from FILE, or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    json: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Policy file (or `builtin:NAME`); default `$AGENT_POLICY_FILE`, else `builtin:default`.
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// Also print the normalized actions and every rule's result.
    #[arg(long)]
    explain: bool,
    /// Print only the normalized actions (no policy).
    #[arg(long, conflicts_with_all = ["policy", "explain"])]
    actions: bool,
    /// The command (words are joined with spaces).
    command: Vec<String>,
}

fn read_limited(mut r: impl std::io::Read, what: &str) -> Result<String, String> {
    let mut buf = Vec::new();
    (&mut r)
        .take(MAX_JSON_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("reading {what}: {e}"))?;
    if buf.len() as u64 > MAX_JSON_BYTES {
        return Err(format!("{what} is larger than {MAX_JSON_BYTES} bytes"));
    }
    String::from_utf8(buf).map_err(|e| {
        format!(
            "{what} is not valid UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Runs `eval`.
pub fn run(args: &EvalArgs) -> Result<ExitCode, String> {
    let mut opts = ShellOptions::from_process_env();
    if let Some(h) = &args.home {
        opts.env.insert("HOME".into(), h.clone());
        if let Some(user) = h.rsplit('/').find(|s| !s.is_empty()) {
            opts.user.get_or_insert_with(|| user.to_string());
        }
    }
    if let Some(c) = &args.cwd {
        opts.cwd = Some(c.clone());
    }
    let call = match &args.json {
        Some(path) => {
            let text = if path == "-" {
                read_limited(std::io::stdin().lock(), "stdin")?
            } else {
                let f = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
                read_limited(f, path)?
            };
            ToolCall::from_json_str(&text)
                .map_err(|e| format!("{}: {e}", if path == "-" { "stdin" } else { path }))?
        }
        None => {
            if args.command.is_empty() {
                return Err("nothing to evaluate: give a COMMAND or --json FILE".into());
            }
            let text = args.command.join(" ");
            let input = match args.tool.as_str() {
                "Bash" => serde_json::json!({ "command": text }),
                "Read" | "Write" | "Edit" | "MultiEdit" => serde_json::json!({ "file_path": text }),
                "NotebookEdit" => serde_json::json!({ "notebook_path": text }),
                "Glob" | "Grep" => serde_json::json!({ "pattern": text }),
                "WebFetch" => serde_json::json!({ "url": text }),
                "WebSearch" => serde_json::json!({ "query": text }),
                _ => serde_json::from_str(&text)
                    .unwrap_or_else(|_| serde_json::json!({ "command": text })),
            };
            let mut call = ToolCall::new(args.tool.clone(), input);
            call.cwd = opts.cwd.clone();
            call
        }
    };
    let start = call.cwd.clone().or_else(|| opts.cwd.clone());
    if args.actions {
        let actions = normalize(&call, &opts);
        match args.format {
            Format::Json => {
                let out =
                    serde_json::json!({ "tool": call.tool, "cwd": start, "actions": actions });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
                );
            }
            Format::Text => {
                println!("{} → {} action(s)", call.tool, actions.len());
                for a in &actions {
                    println!("  {}", a.describe_from(start.as_deref()));
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let policy = super::load_policy(args.policy.as_deref())?;
    let project = policy_core::paths::project_root(start.as_deref().unwrap_or("/"));
    let mut env = Env::new(&opts, &project);
    env.set_clock(policy_core::state::Clock::from_env().map_err(|e| e.to_string())?);
    let verdict = policy.evaluate(&call, &opts, &env);
    match args.format {
        Format::Json => {
            let out = serde_json::json!({
                "decision": verdict.decision,
                "hits": verdict.hits,
                "actions": verdict.actions,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
            );
        }
        Format::Text => {
            println!("{}", verdict.decision.as_str());
            for h in verdict.deciding() {
                println!("  {} ({}): {}", h.rule, h.decision.as_str(), h.message);
                println!("    on: {}", h.matched);
            }
            if args.explain {
                println!("actions ({}):", verdict.actions.len());
                for (i, a) in verdict.actions.iter().enumerate() {
                    println!("  [{i}] {}", a.describe_from(start.as_deref()));
                }
                println!("hits ({}):", verdict.hits.len());
                for h in &verdict.hits {
                    println!(
                        "  [{}] {} → {}: {}",
                        h.action,
                        h.rule,
                        h.decision.as_str(),
                        h.message
                    );
                }
                println!(
                    "policy: {} ({} rules; default {}, on_error {})",
                    policy.sources.join(", "),
                    policy.rules.len(),
                    policy.default.as_str(),
                    policy.on_error.as_str()
                );
            }
        }
    }
    Ok(match verdict.decision {
        Decision::Allow | Decision::Pass => ExitCode::SUCCESS,
        Decision::Ask => ExitCode::from(3),
        Decision::Deny => ExitCode::from(4),
    })
}

//! `policy-cli session list|show ID|clear ID`: inspect and reset the session
//! state that rate limits and taint keep (under `--state-dir`, else
//! `$AGENT_POLICY_STATE_DIR`, else `$XDG_STATE_HOME/agent-policy`, else
//! `~/.local/state/agent-policy`).
//!
//! Session ids are given as the agent sent them (`4f1c2a9e-…`) or as stored
//! (`h-…` for ids that are not safe file names). The agent itself may not
//! clear its session: the builtin self-protection pack denies it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use policy_core::state::{Clock, FileStore, SessionId, SessionState, SessionStore};

/// Arguments of `session`.
#[derive(Args)]
pub struct SessionArgs {
    /// The state directory (default: as the hook finds it).
    #[arg(long, value_name = "DIR", global = true)]
    state_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: SessionCommand,
}

#[derive(Subcommand)]
enum SessionCommand {
    /// List sessions with state: taint, calls, last update.
    List,
    /// Print one session's state as JSON.
    Show {
        /// The session id.
        id: String,
    },
    /// Forget one session's state (its rate-limit windows and taint).
    Clear {
        /// The session id.
        id: String,
    },
}

/// Runs `session`.
pub fn run(args: &SessionArgs) -> Result<ExitCode, String> {
    let store = match &args.state_dir {
        Some(d) => FileStore::new(d),
        None => FileStore::from_env().map_err(|e| e.to_string())?,
    };
    let now = Clock::from_env().map_err(|e| e.to_string())?.now_ms();
    match &args.command {
        SessionCommand::List => {
            let ids = store.list().map_err(|e| e.to_string())?;
            if ids.is_empty() {
                println!("no sessions in {}", store.dir().display());
            }
            for id in ids {
                let s = store.load(&id).map_err(|e| e.to_string())?;
                println!("{id:<40} {}", status(&s, now));
            }
            Ok(ExitCode::SUCCESS)
        }
        SessionCommand::Show { id } => {
            let id = resolve(&store, id)?;
            let s = store.load(&id).map_err(|e| e.to_string())?;
            if let Some(why) = &s.damaged {
                eprintln!("policy-cli: {why} (the hook treats this session as tainted)");
                return Ok(ExitCode::from(1));
            }
            let text = serde_json::to_string_pretty(&s).map_err(|e| e.to_string())?;
            println!("{text}");
            println!("# {}", status(&s, now));
            Ok(ExitCode::SUCCESS)
        }
        SessionCommand::Clear { id } => {
            let id = resolve(&store, id)?;
            if store.clear(&id).map_err(|e| e.to_string())? {
                println!("cleared session {id}");
            } else {
                println!("session {id} had no state");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The stored id for what the user typed: a stored name (`h-…`) as is,
/// anything else through [`SessionId::new`].
fn resolve(store: &FileStore, id: &str) -> Result<SessionId, String> {
    if let Some(stored) = SessionId::from_stored(id) {
        if store.state_path(&stored).exists() {
            return Ok(stored);
        }
    }
    Ok(SessionId::new(id))
}

/// One line: taint and counts.
fn status(s: &SessionState, now_ms: u64) -> String {
    if let Some(why) = &s.damaged {
        return format!("DAMAGED ({why}): treated as tainted");
    }
    let taint = match s.taint_at(now_ms) {
        Some(t) => format!(
            "tainted by {} {} for {} s more",
            t.source.tool,
            t.source.detail,
            t.until_ms.saturating_sub(now_ms) / 1000
        ),
        None => "clean".into(),
    };
    let age = now_ms.saturating_sub(s.updated_ms) / 1000;
    let windows: Vec<String> = s
        .rates
        .iter()
        .map(|(k, b)| format!("{k}={}", b.iter().map(|(_, n)| u64::from(*n)).sum::<u64>()))
        .collect();
    format!(
        "{taint}; {} calls; updated {age} s ago{}",
        s.calls,
        if windows.is_empty() {
            String::new()
        } else {
            format!("; recent calls: {}", windows.join(", "))
        }
    )
}

//! `policy-cli hook`: reads one hook event on stdin and answers in the agent's
//! format. It never fails open:
//!
//! * it exits 0 (with the agent's answer) or 2 (a block, one line on stderr);
//! * malformed, empty, oversized or non-UTF-8 input, a tool input of the wrong
//!   type, a missing or broken policy file, a panic, a crash in C code, a stack
//!   overflow and the internal deadline all become a block;
//! * subagent calls are checked exactly like top-level calls.
//!
//! The work runs on the main thread (a panic is caught and answered); a
//! `SIGALRM` timer blocks the call when no answer is printed by the deadline
//! (`--deadline-ms`, `AGENT_POLICY_DEADLINE_MS`, default [`DEFAULT_DEADLINE_MS`]).
//!
//! Every decision is appended to the audit log before the answer is printed
//! (`audit`), and no answer carries a secret value (`output`).

mod audit;
mod guard;
mod output;

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use policy_core::policy::discover::Discovery;
use policy_core::protocol::{self, Agent, Answer, Event, HookInput};
use policy_core::state::{FileStore, SessionId, SessionState, SessionStore, StateError, Tracker};
use policy_core::ShellOptions;

/// Largest payload read from stdin; larger input is refused (a block).
pub const MAX_STDIN_BYTES: u64 = 8 * 1024 * 1024;
/// The internal deadline, well under the agents' hook timeouts (Claude Code's
/// default is 60 s; `policy-cli install` registers 10 s).
pub const DEFAULT_DEADLINE_MS: u64 = 1500;

/// Arguments of `hook`.
#[derive(Args, Debug)]
pub struct HookArgs {
    /// The agent whose protocol to speak (detected from the payload when omitted).
    #[arg(long, value_parser = ["claude", "codex", "gemini", "cursor", "copilot", "cline"])]
    agent: Option<String>,
    /// Policy file (or `builtin:NAME`) replacing the user layer; default
    /// `$AGENT_POLICY_FILE`, else ~/.config/agent-policy/policy.yaml, else builtin:default.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Block when no decision is reached within this many milliseconds
    /// (default `$AGENT_POLICY_DEADLINE_MS`, else 1500).
    #[arg(long, value_name = "MS")]
    deadline_ms: Option<u64>,
}

/// Runs the hook: always an answer, exit 0 or 2.
pub fn run(args: &HookArgs) -> ExitCode {
    let start = Instant::now();
    let agent = args.agent.as_deref().and_then(Agent::from_name);
    guard::capture_panics();
    guard::set_crash_answer(&protocol::failure(agent, "the hook crashed"));
    guard::install_signal_handlers();
    let deadline = match deadline(args) {
        Ok(d) => d,
        Err(e) => return emit(&protocol::failure(agent, &e)),
    };
    // Whoever answers first (the work or the deadline) is the only one to print.
    let late = |agent| {
        protocol::failure(
            agent,
            &format!(
                "no decision within the {} ms deadline",
                deadline.as_millis()
            ),
        )
    };
    guard::set_deadline_answer(&late(agent));
    if let Err(e) = guard::arm_deadline(
        deadline
            .saturating_sub(start.elapsed())
            .max(Duration::from_micros(1)),
    ) {
        return emit(&protocol::failure(
            agent,
            &format!("cannot start the deadline timer: {e}"),
        ));
    }
    let policy = args.policy.clone();
    let answer = std::panic::catch_unwind(move || work(agent, policy, late)).unwrap_or_else(|_| {
        protocol::failure(
            agent,
            &format!(
                "internal error: {}",
                guard::panic_message().unwrap_or_else(|| "panic".into())
            ),
        )
    });
    if guard::claim_answer() {
        return emit(&answer);
    }
    // The deadline is answering and exits the process.
    loop {
        std::thread::park();
    }
}

fn deadline(args: &HookArgs) -> Result<Duration, String> {
    let ms = match args.deadline_ms {
        Some(ms) => ms,
        None => match std::env::var("AGENT_POLICY_DEADLINE_MS") {
            Ok(v) if !v.is_empty() => v.parse::<u64>().map_err(|_| {
                format!("AGENT_POLICY_DEADLINE_MS=`{v}` is not a number of milliseconds")
            })?,
            _ => DEFAULT_DEADLINE_MS,
        },
    };
    if ms == 0 {
        return Err("the deadline must be at least 1 ms".into());
    }
    Ok(Duration::from_millis(ms))
}

/// Prints an answer and exits with its code (0 or 2; anything else is a bug
/// that would fail open, so it is mapped to 2).
fn emit(answer: &Answer) -> ExitCode {
    let mut ok = true;
    if let Some(out) = &answer.stdout {
        let mut stdout = std::io::stdout().lock();
        ok &= writeln!(stdout, "{out}")
            .and_then(|_| stdout.flush())
            .is_ok();
    }
    if let Some(err) = &answer.stderr {
        let _ = writeln!(std::io::stderr(), "{err}");
    }
    match answer.exit {
        0 if ok => ExitCode::SUCCESS,
        0 => {
            // The answer did not reach the agent: block instead.
            let _ = writeln!(
                std::io::stderr(),
                "agent-policy: blocked: could not write the answer to stdout"
            );
            ExitCode::from(2)
        }
        _ => ExitCode::from(2),
    }
}

/// Reads stdin, decides, records the decision in the audit log, and builds
/// the answer. Every error is an answer.
fn work(
    agent: Option<Agent>,
    policy: Option<PathBuf>,
    late: impl Fn(Option<Agent>) -> Answer,
) -> Answer {
    guard::test_crash();
    let mut note = audit::Note::default();
    let (answer, input) = read_and_decide(agent, policy.clone(), &mut note, late);
    let answer = output::redact(answer);
    audit::finish(agent, input.as_ref(), &note, answer, policy.as_deref())
}

fn read_and_decide(
    agent: Option<Agent>,
    policy: Option<PathBuf>,
    note: &mut audit::Note,
    late: impl Fn(Option<Agent>) -> Answer,
) -> (Answer, Option<HookInput>) {
    let mut fail = |agent: Option<Agent>, message: String| {
        let answer = protocol::failure(agent, &message);
        note.error = Some(message);
        (answer, None)
    };
    let payload = match read_stdin() {
        Ok(p) => p,
        Err(e) => return fail(agent, e),
    };
    note.payload_bytes = Some(payload.len());
    let value: serde_json::Value = match serde_json::from_slice(&payload) {
        Ok(v) => v,
        Err(e) => return fail(agent, format!("the hook input is not valid JSON: {e}")),
    };
    let input = match protocol::parse(agent, &value) {
        Ok(i) => i,
        Err(e) => return fail(agent.or(Some(Agent::detect(&value))), e.to_string()),
    };
    guard::set_crash_answer(&protocol::failure(Some(input.agent), "the hook crashed"));
    guard::set_deadline_answer(&late(Some(input.agent)));
    let answer = decide(&input, policy, note).unwrap_or_else(|e| {
        let answer = protocol::failure(Some(input.agent), &e);
        note.error = Some(e);
        answer
    });
    (answer, Some(input))
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read the hook input: {e}"))?;
    if buf.len() as u64 > MAX_STDIN_BYTES {
        return Err(format!(
            "the hook input exceeds {} MiB",
            MAX_STDIN_BYTES / (1024 * 1024)
        ));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Err("the hook input is empty".into());
    }
    Ok(buf)
}

/// Paths of this installation the agent may not touch.
fn installation_paths() -> Vec<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| v.starts_with('/'));
    let home = var("HOME");
    let under = |xdg: &str, fallback: &str| {
        var(xdg).map(|d| format!("{d}/agent-policy")).or_else(|| {
            home.as_ref()
                .map(|h| format!("{h}/{fallback}/agent-policy"))
        })
    };
    let mut paths = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        paths.push(exe.to_string_lossy().into_owned());
    }
    paths.extend(policy_core::state::default_state_dir().map(|d| d.to_string_lossy().into_owned()));
    paths.extend(var("AGENT_POLICY_CACHE_DIR").or_else(|| under("XDG_CACHE_HOME", ".cache")));
    paths
}

/// `AGENT_POLICY_CLOCK` (unix seconds), validated here so that a bad value
/// blocks instead of silently using the wall clock; state and audit read it.
fn check_clock() -> Result<policy_core::state::Clock, String> {
    policy_core::state::Clock::from_env().map_err(|e| e.to_string())
}

fn decide(
    input: &HookInput,
    policy: Option<PathBuf>,
    note: &mut audit::Note,
) -> Result<Answer, String> {
    let silent = Answer {
        stdout: None,
        stderr: None,
        exit: 0,
    };
    let call = match (&input.event, &input.call) {
        (Event::PreToolUse, Some(call)) => call,
        // A secret in the prompt is refused before the model sees it.
        (Event::UserPromptSubmit, _) => return Ok(output::prompt(input, note)),
        // A secret in a tool's output is flagged to the model (and redacted
        // from an MCP tool's output); the output may taint the session.
        (Event::PostToolUse, call) => {
            let answer = output::post_tool(input, note);
            return post_tool_use(input, call.as_ref(), policy, note, answer);
        }
        (Event::SessionStart, _) => {
            return Ok(protocol::answer(
                input.agent,
                &input.event,
                &input.event_name,
                policy_core::policy::Decision::Pass,
                "",
            ))
        }
        (Event::Other(_), _) => return Ok(silent),
        (Event::PreToolUse, None) => return Err("a tool event without a tool call".into()),
    };
    let clock = check_clock()?;
    let (engine, call) = load_engine(call, policy, note)?;
    let state = engine.state_policy();
    let session = session_id(input);
    // Session facts for WASM rules (no other rule reads them): as stored
    // before this call; a state that cannot be read counts as tainted.
    let facts = if state.is_active() && engine.has_wasm_rules() {
        with_store(|store| store.load(&session))
            .map(|s| s.facts(clock.now_ms()))
            .unwrap_or_else(|_| serde_json::json!({"tainted": true, "damaged": true}))
    } else {
        serde_json::json!({})
    };
    let mut verdict = engine.evaluate_with_session(&call, &facts);
    let notes = if state.is_active() {
        with_store(|store| {
            Tracker::new(store, clock, &state).pre_tool_use(&session, &call, &mut verdict)
        })
    } else {
        Vec::new()
    };
    // The process ends right after answering: freeing hundreds of compiled
    // rules would only delay the answer.
    std::mem::forget(engine);
    let mut reason = output::pre_tool_reason(&verdict, &call, note);
    for n in &notes {
        reason.push_str(&format!(" (agent-policy: {n})"));
    }
    let mut answer = protocol::answer(
        input.agent,
        &input.event,
        &input.event_name,
        verdict.decision,
        &reason,
    );
    if !notes.is_empty() && answer.stderr.is_none() {
        answer.stderr = Some(format!("agent-policy: {}", notes.join("; ")));
    }
    Ok(answer)
}

/// The session's id as stored (a missing id shares the `no-session` state).
fn session_id(input: &HookInput) -> SessionId {
    SessionId::new(input.session_id.as_deref().unwrap_or("no-session"))
}

/// Runs `f` with the state directory's store, or with a store that fails
/// (which the tracker treats as a tainted session) when there is none.
fn with_store<T>(f: impl FnOnce(&dyn SessionStore) -> T) -> T {
    match FileStore::from_env() {
        Ok(store) => f(&store),
        Err(e) => f(&Unavailable(e.to_string())),
    }
}

/// A store that cannot be used (no state directory).
struct Unavailable(String);

impl SessionStore for Unavailable {
    fn load(&self, _: &SessionId) -> Result<SessionState, StateError> {
        Err(StateError::Other(self.0.clone()))
    }
    fn update(
        &self,
        _: &SessionId,
        _: &mut dyn FnMut(&mut SessionState),
    ) -> Result<SessionState, StateError> {
        Err(StateError::Other(self.0.clone()))
    }
    fn list(&self) -> Result<Vec<SessionId>, StateError> {
        Err(StateError::Other(self.0.clone()))
    }
    fn clear(&self, _: &SessionId) -> Result<bool, StateError> {
        Err(StateError::Other(self.0.clone()))
    }
}

/// The policy layers for `call`'s working directory, and the call with its
/// cwd settled.
fn load_engine(
    call: &policy_core::ToolCall,
    policy: Option<PathBuf>,
    note: &mut audit::Note,
) -> Result<(policy_core::policy::Engine, policy_core::ToolCall), String> {
    let mut opts = ShellOptions::from_process_env();
    let cwd = call
        .cwd
        .clone()
        .or_else(|| opts.cwd.clone())
        .unwrap_or_else(|| "/".into());
    opts.cwd = Some(cwd.clone());
    let mut discovery = Discovery::from_env(policy);
    discovery.cache = discovery.cache.with_map(crate::cache_map::map);
    discovery.protect.extend(installation_paths());
    // The project root (`CLAUDE_PROJECT_DIR`, else the git toplevel of the
    // cwd), found once for discovery and evaluation alike.
    let project = discovery
        .project
        .get_or_insert_with(|| policy_core::paths::project_root(&cwd))
        .clone();
    let found = discovery.find(&cwd).map_err(|e| e.to_string())?;
    let found = audit::configure(found, &discovery, note)?;
    let mut engine = found
        .engine(opts)
        .with_wasm_host(crate::commands::wasm_host())
        .with_clock(check_clock()?);
    engine = engine.with_project(&project);
    let mut call = call.clone();
    call.cwd = Some(cwd);
    Ok((engine, call))
}

/// PostToolUse after the secret check: a taint source marks the session.
fn post_tool_use(
    input: &HookInput,
    call: Option<&policy_core::ToolCall>,
    policy: Option<PathBuf>,
    note: &mut audit::Note,
    mut answer: Answer,
) -> Result<Answer, String> {
    let Some(call) = call else {
        return Ok(answer);
    };
    let clock = check_clock()?;
    let (engine, call) = load_engine(call, policy, note)?;
    let state = engine.state_policy();
    if state.taint.enabled {
        // With the program effects (the verdict's actions have them): `curl
        // URL` fetches from URL's host.
        let actions = engine.evaluate(&call).actions;
        let session = session_id(input);
        let recorded = with_store(|store| {
            Tracker::new(store, clock, &state).post_tool_use(&session, &call, &actions)
        });
        match recorded {
            Ok(Some(source)) => note.rules.push(format!("taint.source:{}", source.tool)),
            Ok(None) => {}
            Err(e) => {
                // The taint could not be recorded: say so. The next PreToolUse
                // finds the store failing too and treats the session as tainted.
                let msg = format!("agent-policy: could not record taint: {e}");
                answer.stderr = Some(match answer.stderr.take() {
                    Some(s) => format!("{s}\n{msg}"),
                    None => msg,
                });
            }
        }
    }
    std::mem::forget(engine);
    Ok(answer)
}

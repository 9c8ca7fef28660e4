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
//! watchdog thread blocks the call when no answer is printed by the deadline
//! (`--deadline-ms`, `AGENT_POLICY_DEADLINE_MS`, default [`DEFAULT_DEADLINE_MS`]).

mod guard;

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use policy_core::policy::discover::Discovery;
use policy_core::protocol::{self, Agent, Answer, Event, HookInput};
use policy_core::ShellOptions;

/// Largest payload read from stdin; larger input is refused (a block).
pub const MAX_STDIN_BYTES: u64 = 8 * 1024 * 1024;
/// The internal deadline, well under the agents' hook timeouts (Claude Code's
/// default is 60 s; `policy-cli install` registers 10 s).
pub const DEFAULT_DEADLINE_MS: u64 = 1500;

/// Arguments of `hook`.
#[derive(Args)]
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
    // Whoever answers first (the work or the watchdog) is the only one to print.
    let answered = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let answered = Arc::clone(&answered);
        std::thread::Builder::new()
            .name("hook-deadline".into())
            .spawn(move || {
                std::thread::sleep(deadline.saturating_sub(start.elapsed()));
                if claim(&answered) {
                    // `emit` maps the failure to exit code 2; exit here so the
                    // unfinished work cannot print anything afterwards.
                    let _ = emit(&protocol::failure(
                        agent,
                        &format!(
                            "no decision within the {} ms deadline",
                            deadline.as_millis()
                        ),
                    ));
                    std::process::exit(2);
                }
            })
    };
    if let Err(e) = watchdog {
        return emit(&protocol::failure(
            agent,
            &format!("cannot start the deadline watchdog: {e}"),
        ));
    }
    let policy = args.policy.clone();
    let answer = std::panic::catch_unwind(move || work(agent, policy)).unwrap_or_else(|_| {
        protocol::failure(
            agent,
            &format!(
                "internal error: {}",
                guard::panic_message().unwrap_or_else(|| "panic".into())
            ),
        )
    });
    if claim(&answered) {
        return emit(&answer);
    }
    // The watchdog is answering and exits the process.
    loop {
        std::thread::park();
    }
}

/// True for the first caller only.
fn claim(answered: &AtomicBool) -> bool {
    answered
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
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

/// Reads stdin, decides, and builds the answer. Every error is an answer.
fn work(agent: Option<Agent>, policy: Option<PathBuf>) -> Answer {
    guard::test_crash();
    let payload = match read_stdin() {
        Ok(p) => p,
        Err(e) => return protocol::failure(agent, &e),
    };
    let value: serde_json::Value = match serde_json::from_slice(&payload) {
        Ok(v) => v,
        Err(e) => {
            return protocol::failure(agent, &format!("the hook input is not valid JSON: {e}"))
        }
    };
    let input = match protocol::parse(agent, &value) {
        Ok(i) => i,
        Err(e) => return protocol::failure(agent.or(Some(Agent::detect(&value))), &e.to_string()),
    };
    guard::set_crash_answer(&protocol::failure(Some(input.agent), "the hook crashed"));
    decide(&input, policy).unwrap_or_else(|e| protocol::failure(Some(input.agent), &e))
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

const SECRET_IN_PROMPT: &str = "the prompt contains what looks like a secret";
const SECRET_IN_OUTPUT: &str = "the tool's output contains what looks like a secret";

/// The distinct kinds, joined for a message (never the values).
fn kinds_of(kinds: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = kinds.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Deny (prompt) or flag (tool output) when secrets were found, else pass.
fn secret_answer(input: &HookInput, kinds: &[&'static str], what: &str) -> Answer {
    use policy_core::policy::Decision;
    if kinds.is_empty() {
        return protocol::answer(
            input.agent,
            &input.event,
            &input.event_name,
            Decision::Pass,
            "",
        );
    }
    let reason = format!(
        "agent-policy: {what} ({}). Instead: do not repeat, store or send the value; refer to it by name (an environment variable or a secrets manager) and ask the user to rotate it if it was exposed.",
        kinds.join(", ")
    );
    protocol::answer(
        input.agent,
        &input.event,
        &input.event_name,
        Decision::Deny,
        &reason,
    )
}

fn decide(input: &HookInput, policy: Option<PathBuf>) -> Result<Answer, String> {
    let silent = Answer {
        stdout: None,
        stderr: None,
        exit: 0,
    };
    let call = match (&input.event, &input.call) {
        (Event::PreToolUse, Some(call)) => call,
        // A secret in the prompt is refused before the model sees it; a secret
        // in a tool's output is flagged to the model. (Session state — taint,
        // rate limits — and output redaction arrive with their issues.)
        (Event::UserPromptSubmit, _) => {
            let kinds = input
                .prompt
                .as_deref()
                .map(|p| kinds_of(policy_core::secrets::scan(p).into_iter().map(|f| f.kind)))
                .unwrap_or_default();
            return Ok(secret_answer(input, &kinds, SECRET_IN_PROMPT));
        }
        (Event::PostToolUse, call) => {
            let kinds = call
                .as_ref()
                .and_then(|c| c.response.as_ref())
                .map(|r| kinds_of(policy_core::secrets::scan_json(r).into_iter()))
                .unwrap_or_default();
            return Ok(secret_answer(input, &kinds, SECRET_IN_OUTPUT));
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
    let mut opts = ShellOptions::from_process_env();
    let cwd = call
        .cwd
        .clone()
        .or_else(|| opts.cwd.clone())
        .unwrap_or_else(|| "/".into());
    opts.cwd = Some(cwd.clone());
    let mut discovery = Discovery::from_env(policy);
    discovery.protect.extend(installation_paths());
    let project = discovery.project.clone();
    let found = discovery.find(&cwd).map_err(|e| e.to_string())?;
    let mut engine = found
        .engine(opts)
        .with_wasm_host(crate::commands::wasm_host())
        .with_clock(clock);
    if let Some(p) = project {
        engine = engine.with_project(&p);
    }
    let mut call = call.clone();
    call.cwd = Some(cwd);
    let verdict = engine.evaluate(&call);
    // The process ends right after answering: freeing hundreds of compiled
    // rules would only delay the answer.
    std::mem::forget(engine);
    let reason = protocol::reason(&verdict);
    Ok(protocol::answer(
        input.agent,
        &input.event,
        &input.event_name,
        verdict.decision,
        &reason,
    ))
}

//! The hook's audit record: what `decide` learnt ([`Note`]), written to the
//! log before the answer is printed ([`finish`]).
//!
//! Failure policy (`audit.on_failure`): with `warn` (the default) a log that
//! cannot be written — unwritable or missing state directory, a lock held
//! too long, a last line that is not a record — leaves the answer as decided
//! and adds one line on stderr, so that a read-only home does not make the
//! agent unusable; with `block` the call is refused with a failure answer
//! (exit 2), for users who want no unaudited tool call. Events the hook
//! ignores (unknown names) are not recorded; a deadline or a crash answers
//! from another path and is not recorded either.

use std::path::{Path, PathBuf};

use policy_core::audit::{AuditConfig, AuditError, AuditLog, Entry};
use policy_core::policy::discover::{Discovery, Found};
use policy_core::policy::{AuditFailure, Decision, Verdict};
use policy_core::protocol::{self, Agent, Answer, Event, HookInput};
use serde_json::{json, Value};

/// What the decision was and why, for the record.
#[derive(Debug, Default)]
pub(super) struct Note {
    /// The decision, when one was reached.
    pub decision: Option<Decision>,
    /// Rule (and check) ids that fired.
    pub rules: Vec<String>,
    /// The normalized actions, one line each.
    pub summary: Vec<String>,
    /// Secret kinds found.
    pub secrets: Vec<&'static str>,
    /// Why the hook failed, when it did.
    pub error: Option<String>,
    /// Size of a payload that could not be read as an event.
    pub payload_bytes: Option<usize>,
    /// Audit settings, when the policies were loaded anyway.
    pub config: Option<AuditConfig>,
}

impl Note {
    /// Records a policy verdict.
    pub fn verdict(&mut self, v: &Verdict) {
        self.decision = Some(v.decision);
        let mut rules: Vec<String> = v.hits.iter().map(|h| h.rule.clone()).collect();
        rules.sort();
        rules.dedup();
        self.rules = rules;
        self.summary = v.actions.iter().map(|a| a.summary()).collect();
    }
}

/// Resolves the audit settings from the loaded layers and, when the log is
/// configured outside the state directory (which self-protection already
/// covers), adds a layer that denies the agent writes to it.
pub(super) fn configure(
    mut found: Found,
    discovery: &Discovery,
    note: &mut Note,
) -> Result<Found, String> {
    let config = config_of(&found, discovery);
    if let Some(path) = &config.path {
        let covered = policy_core::state::default_state_dir().is_some_and(|d| path.starts_with(d));
        if !covered {
            let log = path.to_string_lossy().into_owned();
            let head = policy_core::audit::head::path_for(path)
                .to_string_lossy()
                .into_owned();
            if let Some(layer) = discovery
                .protection_layer(&[log, head])
                .map_err(|e| e.to_string())?
            {
                let at = found
                    .layers
                    .iter()
                    .rposition(|l| l.name == "self")
                    .map_or(0, |i| i + 1);
                found.layers.insert(at, layer);
                found.origins.insert(at, "audit log path".into());
            }
        }
    }
    note.config = Some(config);
    Ok(found)
}

fn config_of(found: &Found, discovery: &Discovery) -> AuditConfig {
    AuditConfig::from_layers(
        found
            .layers
            .iter()
            .map(|l| (l.name.as_str(), &l.policy.audit)),
        discovery.home.as_deref(),
    )
}

/// The settings when `decide` did not load the policies (prompts, tool
/// output, session start, failures): discovered now; the defaults when the
/// policies do not load (the failure itself is recorded), and for a payload
/// that could not be read at all (answered at once, without loading
/// policies: it goes to the default log).
fn discover_config(input: Option<&HookInput>, policy: Option<&Path>) -> AuditConfig {
    if input.is_none() {
        return AuditConfig::default();
    }
    let discovery = Discovery::from_env(policy.map(PathBuf::from));
    let cwd = input
        .and_then(|i| i.cwd.clone())
        .or_else(|| {
            std::env::current_dir()
                .ok()
                .map(|d| d.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "/".into());
    match discovery.find(&cwd) {
        Ok(found) => config_of(&found, &discovery),
        Err(_) => AuditConfig::default(),
    }
}

fn event_name(e: &Event) -> &str {
    match e {
        Event::PreToolUse => "PreToolUse",
        Event::PostToolUse => "PostToolUse",
        Event::SessionStart => "SessionStart",
        Event::UserPromptSubmit => "UserPromptSubmit",
        Event::Other(n) => n,
    }
}

/// The record of this hook call.
fn entry(agent: Option<Agent>, input: Option<&HookInput>, note: &Note, answer: &Answer) -> Entry {
    let decision = match (&note.error, note.decision) {
        (Some(_), _) => "error".to_string(),
        (None, Some(d)) => d.as_str().to_string(),
        (None, None) if answer.exit != 0 => "error".to_string(),
        (None, None) => "pass".to_string(),
    };
    let time = policy_core::state::Clock::from_env()
        .unwrap_or(policy_core::state::Clock::System)
        .now();
    let call = input.and_then(|i| i.call.as_ref());
    let body: Value = match (input, call) {
        (Some(_), Some(c)) => c.input.clone(),
        (Some(i), None) => i
            .prompt
            .as_ref()
            .map(|p| json!({ "prompt": p }))
            .unwrap_or(Value::Null),
        (None, _) => note
            .payload_bytes
            .map(|n| json!({ "payload_bytes": n }))
            .unwrap_or(Value::Null),
    };
    Entry {
        time,
        session: input.and_then(|i| i.session_id.clone()),
        agent: input
            .map(|i| i.agent)
            .or(agent)
            .map(|a| a.name().to_string()),
        event: input
            .map(|i| event_name(&i.event).to_string())
            .unwrap_or_else(|| "invalid".into()),
        tool: call.map(|c| c.tool.clone()),
        cwd: input.and_then(|i| i.cwd.clone()),
        decision,
        rules: note.rules.clone(),
        summary: note.summary.clone(),
        secrets: note.secrets.iter().map(|s| s.to_string()).collect(),
        error: note.error.clone(),
        input: body,
    }
}

/// Adds `message` to the answer's stderr, on the same line when there is
/// one already (a failure's reason is one line).
fn warn(mut answer: Answer, message: &str) -> Answer {
    let message = message.replace(['\n', '\r'], " ");
    answer.stderr = Some(match answer.stderr.take() {
        Some(s) => format!("{s} (also: {message})"),
        None => format!("agent-policy: warning: {message}"),
    });
    answer
}

/// Writes the record of this call, then returns the answer to print: as
/// decided, with a warning, or a block (see the module documentation).
pub(super) fn finish(
    agent: Option<Agent>,
    input: Option<&HookInput>,
    note: &Note,
    answer: Answer,
    policy: Option<&Path>,
) -> Answer {
    if matches!(input.map(|i| &i.event), Some(Event::Other(_))) {
        return answer;
    }
    let config = note
        .config
        .clone()
        .unwrap_or_else(|| discover_config(input, policy));
    if !config.enabled {
        return answer;
    }
    let record = entry(agent, input, note, &answer);
    let written = match &config.path {
        Some(p) => AuditLog::new(p).with_fsync(config.fsync).append(&record),
        None => Err(AuditError::NoLocation),
    };
    match written {
        Ok(a) => match a.warning {
            Some(w) => warn(answer, &format!("audit log: {w}")),
            None => answer,
        },
        Err(e) => match config.on_failure {
            AuditFailure::Warn => warn(
                answer,
                &format!("audit log not written: {e} (answered anyway: audit.on_failure is warn)"),
            ),
            AuditFailure::Block => protocol::failure(
                input.map(|i| i.agent).or(agent),
                &format!("the audit log could not be written ({e}) and audit.on_failure is block"),
            ),
        },
    }
}

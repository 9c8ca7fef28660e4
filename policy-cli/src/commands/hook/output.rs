//! Secrets in what the hook sees and says: prompts, tool output, its own
//! answers.
//!
//! * A prompt holding a secret is refused before the model sees it.
//! * Tool output holding a secret: the tool already ran, so the answer is a
//!   `decision: "block"` whose reason tells the model that a secret was
//!   exposed and must not be repeated (kinds only, never values); for an MCP
//!   tool (`mcp__*`), Claude Code and Codex also get
//!   `hookSpecificOutput.updatedMCPToolOutput`, the output with each value
//!   replaced by `[REDACTED:KIND]`.
//! * A tool call holding a secret is denied by the `secret` rules
//!   (`rules/packs/secrets.yaml`); its reason is completed with the kinds.
//! * Every answer is scrubbed before it is printed (a last line of defence:
//!   reasons quote commands and policy errors quote files).

use policy_core::policy::{Decision, Verdict};
use policy_core::protocol::{self, Answer, HookInput};
use policy_core::ToolCall;
use serde_json::Value;

use super::audit::Note;

const SECRET_IN_PROMPT: &str = "the prompt contains what looks like a secret";

/// Pseudo-rule ids recorded in the audit log for these checks.
const PROMPT_CHECK: &str = "secret.in-prompt";
const OUTPUT_CHECK: &str = "secret.in-output";

/// The distinct kinds, sorted.
fn kinds_of(kinds: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = kinds.collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn pass(input: &HookInput, note: &mut Note) -> Answer {
    note.decision = Some(Decision::Pass);
    protocol::answer(
        input.agent,
        &input.event,
        &input.event_name,
        Decision::Pass,
        "",
    )
}

/// UserPromptSubmit: a secret in the prompt is refused.
pub(super) fn prompt(input: &HookInput, note: &mut Note) -> Answer {
    let kinds = input
        .prompt
        .as_deref()
        .map(|p| kinds_of(policy_core::secrets::scan(p).into_iter().map(|f| f.kind)))
        .unwrap_or_default();
    if kinds.is_empty() {
        return pass(input, note);
    }
    note.decision = Some(Decision::Deny);
    note.rules = vec![PROMPT_CHECK.into()];
    note.secrets.clone_from(&kinds);
    let reason = format!(
        "agent-policy: {SECRET_IN_PROMPT} ({}). Instead: do not repeat, store or send the value; refer to it by name (an environment variable or a secrets manager) and ask the user to rotate it if it was exposed.",
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

/// PostToolUse: a secret in the tool's output is flagged, and redacted from
/// an MCP tool's output.
pub(super) fn post_tool(input: &HookInput, note: &mut Note) -> Answer {
    let call = input.call.as_ref();
    let Some(response) = call.and_then(|c| c.response.as_ref()) else {
        return pass(input, note);
    };
    let (redacted, kinds) = policy_core::scrub_json(response);
    if kinds.is_empty() {
        return pass(input, note);
    }
    note.decision = Some(Decision::Deny);
    note.rules = vec![OUTPUT_CHECK.into()];
    note.secrets.clone_from(&kinds);
    let mcp = call.is_some_and(|c| c.tool.starts_with("mcp__"));
    let replaced = if mcp {
        " The values were replaced by [REDACTED:KIND] in the output you see."
    } else {
        ""
    };
    let reason = format!(
        "agent-policy: the tool's output contains what looks like a secret ({}): it is now exposed to this session.{replaced} Instead: do not repeat, quote, store or send the value, and do not use it; refer to it by name (an environment variable or a secrets manager) and tell the user, who should rotate it.",
        kinds.join(", ")
    );
    protocol::post_tool_secret(input.agent, &reason, mcp.then_some(&redacted))
}

/// The reason for a PreToolUse verdict, naming the secret kinds the call
/// holds when it is refused; also records the verdict for the audit log.
pub(super) fn pre_tool_reason(verdict: &Verdict, call: &ToolCall, note: &mut Note) -> String {
    note.verdict(verdict);
    let reason = protocol::reason(verdict);
    if !matches!(verdict.decision, Decision::Deny | Decision::Ask) {
        return reason;
    }
    let kinds = policy_core::secrets::scan_json(&call.input);
    if kinds.is_empty() {
        return reason;
    }
    note.secrets.clone_from(&kinds);
    let kinds = format!("Secret kinds in the call: {}.", kinds.join(", "));
    match reason.split_once(" Instead: ") {
        Some((head, instead)) => format!("{head} {kinds} Instead: {instead}"),
        None => format!("{reason} {kinds}"),
    }
}

/// `answer` with every secret in its stdout (JSON strings) and stderr
/// replaced by `[REDACTED:KIND]`.
pub(super) fn redact(mut answer: Answer) -> Answer {
    if let Some(out) = &answer.stdout {
        if let Ok(v) = serde_json::from_str::<Value>(out) {
            let (clean, kinds) = policy_core::scrub_json(&v);
            if !kinds.is_empty() {
                answer.stdout = Some(clean.to_string());
            }
        } else {
            let (clean, found) = policy_core::scrub(out);
            if !found.is_empty() {
                answer.stdout = Some(clean);
            }
        }
    }
    if let Some(err) = &answer.stderr {
        let (clean, found) = policy_core::scrub(err);
        if !found.is_empty() {
            answer.stderr = Some(clean);
        }
    }
    answer
}

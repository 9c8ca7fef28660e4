//! Answers in each agent's format.
//!
//! | agent | pre-tool answer | cannot express | exit |
//! | --- | --- | --- | --- |
//! | Claude Code, Codex | `hookSpecificOutput.permissionDecision` allow/deny/ask | — | 0 |
//! | Gemini CLI | `{"decision": "allow"\|"deny", "reason"}` | ask → deny | 0 |
//! | Cursor | `{"permission": "allow"\|"deny"\|"ask", "user_message", "agent_message"}` | ask on `beforeReadFile` → deny | 0 |
//! | Copilot CLI | `{"permissionDecision": "deny", "permissionDecisionReason"}` | allow → no output; ask → deny | 0 |
//! | Cline | `{"cancel": bool, "errorMessage"}` | ask → cancel | 0 |
//!
//! Where an agent has no way to ask a human, `ask` becomes a refusal whose
//! reason says a human must approve: the guard never turns "needs a human"
//! into "runs". `pass` (no rule decided) leaves the agent's own permission
//! flow in charge: no output, or an empty object where the agent expects JSON.
//!
//! Failures ([`failure`]) exit 2 with a one-line reason on stderr (the code every
//! agent treats as a block) and, for agents whose exit-code semantics are less
//! certain, also print their refusal JSON.

use serde_json::{json, Value};

use crate::policy::Decision;
use crate::protocol::{Agent, Event};

/// What the hook prints and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Printed on stdout (one JSON document), if anything.
    pub stdout: Option<String>,
    /// Printed on stderr (one line), if anything.
    pub stderr: Option<String>,
    /// The exit code: 0, or 2 to block.
    pub exit: u8,
}

impl Answer {
    fn json(v: Value) -> Answer {
        Answer {
            stdout: Some(v.to_string()),
            stderr: None,
            exit: 0,
        }
    }

    fn silent() -> Answer {
        Answer {
            stdout: None,
            stderr: None,
            exit: 0,
        }
    }
}

/// The answer to `event` from `agent` when the policy decided `decision` for
/// the reason `reason` (see [`reason`](fn@crate::protocol::reason)).
///
/// ```
/// use policy_core::policy::Decision;
/// use policy_core::protocol::{answer, Agent, Event};
///
/// let a = answer(Agent::Claude, &Event::PreToolUse, "PreToolUse", Decision::Deny, "[x] no");
/// assert_eq!(a.exit, 0);
/// assert!(a.stdout.unwrap().contains(r#""permissionDecision":"deny""#));
///
/// // Copilot CLI honours only deny: an ask is refused with a reason.
/// let a = answer(Agent::Copilot, &Event::PreToolUse, "preToolUse", Decision::Ask, "[y] maybe");
/// assert!(a.stdout.unwrap().contains(r#""permissionDecision":"deny""#));
/// ```
pub fn answer(
    agent: Agent,
    event: &Event,
    event_name: &str,
    decision: Decision,
    reason: &str,
) -> Answer {
    match event {
        Event::PreToolUse => pre_tool(agent, event_name, decision, reason),
        Event::PostToolUse => post_tool(agent, decision, reason),
        Event::UserPromptSubmit => prompt(agent, decision, reason),
        Event::SessionStart | Event::Other(_) => Answer::silent(),
    }
}

/// A human must approve, said to an agent that cannot ask.
fn as_refusal(reason: &str) -> String {
    format!("{reason} (This agent cannot ask for approval, so the call is refused; the user can run it themselves.)")
}

fn pre_tool(agent: Agent, event_name: &str, decision: Decision, reason: &str) -> Answer {
    match agent {
        Agent::Claude | Agent::Codex => {
            if decision == Decision::Pass {
                return Answer::silent();
            }
            Answer::json(json!({
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": decision.as_str(),
                    "permissionDecisionReason": reason,
                }
            }))
        }
        Agent::Gemini => match decision {
            Decision::Pass => Answer::json(json!({})),
            Decision::Allow => Answer::json(json!({"decision": "allow", "reason": reason})),
            Decision::Deny => Answer::json(json!({"decision": "deny", "reason": reason})),
            Decision::Ask => {
                Answer::json(json!({"decision": "deny", "reason": as_refusal(reason)}))
            }
        },
        Agent::Cursor => {
            let can_ask = event_name != "beforeReadFile";
            match decision {
                Decision::Pass => Answer::json(json!({})),
                Decision::Ask if !can_ask => Answer::json(json!({
                    "permission": "deny",
                    "user_message": as_refusal(reason),
                    "agent_message": as_refusal(reason),
                })),
                d => Answer::json(json!({
                    "permission": d.as_str(),
                    "user_message": reason,
                    "agent_message": reason,
                })),
            }
        }
        Agent::Copilot => match decision {
            Decision::Pass | Decision::Allow => Answer::silent(),
            Decision::Deny => Answer::json(
                json!({"permissionDecision": "deny", "permissionDecisionReason": reason}),
            ),
            Decision::Ask => Answer::json(json!({
                "permissionDecision": "deny",
                "permissionDecisionReason": as_refusal(reason),
            })),
        },
        Agent::Cline => match decision {
            Decision::Pass | Decision::Allow => Answer::json(json!({"cancel": false})),
            Decision::Deny => Answer::json(json!({"cancel": true, "errorMessage": reason})),
            Decision::Ask => {
                Answer::json(json!({"cancel": true, "errorMessage": as_refusal(reason)}))
            }
        },
    }
}

/// After the tool ran nothing can be refused; a deny or ask becomes a note the
/// agent shows next to the result.
fn post_tool(agent: Agent, decision: Decision, reason: &str) -> Answer {
    if !matches!(decision, Decision::Deny | Decision::Ask) {
        return match agent {
            Agent::Gemini | Agent::Cursor => Answer::json(json!({})),
            Agent::Cline => Answer::json(json!({"cancel": false})),
            _ => Answer::silent(),
        };
    }
    match agent {
        Agent::Claude | Agent::Codex | Agent::Gemini => {
            Answer::json(json!({"decision": "block", "reason": reason}))
        }
        Agent::Cursor => Answer::json(json!({})),
        Agent::Copilot => Answer::silent(),
        Agent::Cline => Answer::json(json!({"cancel": false, "contextModification": reason})),
    }
}

/// The answer after a tool whose output held a secret: the deny of
/// [`answer`] (Claude Code and Codex: `decision: "block"` with the reason
/// next to the result), and for an MCP tool whose output was redacted,
/// `hookSpecificOutput.updatedMCPToolOutput` so that the model sees the
/// redacted output instead of the original. Other agents have no way to
/// replace a tool's output; they get the deny of [`answer`] alone.
///
/// ```
/// use policy_core::protocol::{post_tool_secret, Agent};
/// let out = serde_json::json!({"content": [{"type": "text", "text": "key [REDACTED:aws-access-key-id]"}]});
/// let a = post_tool_secret(Agent::Claude, "a secret was exposed", Some(&out));
/// let v: serde_json::Value = serde_json::from_str(&a.stdout.unwrap()).unwrap();
/// assert_eq!(v["decision"], "block");
/// assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PostToolUse");
/// assert_eq!(v["hookSpecificOutput"]["updatedMCPToolOutput"], out);
/// ```
pub fn post_tool_secret(agent: Agent, reason: &str, redacted_mcp_output: Option<&Value>) -> Answer {
    match (agent, redacted_mcp_output) {
        (Agent::Claude | Agent::Codex, Some(out)) => Answer::json(json!({
            "decision": "block",
            "reason": reason,
            "hookSpecificOutput": {
                "hookEventName": "PostToolUse",
                "updatedMCPToolOutput": out,
            }
        })),
        _ => post_tool(agent, Decision::Deny, reason),
    }
}

/// A prompt can be refused before the model sees it.
fn prompt(agent: Agent, decision: Decision, reason: &str) -> Answer {
    let refuse = matches!(decision, Decision::Deny | Decision::Ask);
    match agent {
        Agent::Claude | Agent::Codex | Agent::Gemini if refuse => {
            Answer::json(json!({"decision": "block", "reason": reason}))
        }
        Agent::Cursor if refuse => Answer::json(json!({"continue": false, "user_message": reason})),
        Agent::Cline if refuse => Answer::json(json!({"cancel": true, "errorMessage": reason})),
        Agent::Cursor | Agent::Gemini => Answer::json(json!({})),
        Agent::Cline => Answer::json(json!({"cancel": false})),
        _ => Answer::silent(),
    }
}

/// The answer when the hook cannot decide (bad input, broken policy, internal
/// error, deadline): a block, exit 2, `message` on stderr as one line.
///
/// ```
/// use policy_core::protocol::{failure, Agent};
/// let a = failure(Some(Agent::Claude), "policy file /x: not found");
/// assert_eq!(a.exit, 2);
/// assert!(a.stderr.unwrap().starts_with("agent-policy: blocked:"));
/// ```
pub fn failure(agent: Option<Agent>, message: &str) -> Answer {
    let line = format!(
        "agent-policy: blocked: {} (the guard fails closed; fix the problem or ask the user)",
        message.replace(['\n', '\r'], " ")
    );
    let stdout = match agent {
        Some(Agent::Cursor) => {
            Some(json!({"permission": "deny", "user_message": line, "agent_message": line}))
        }
        Some(Agent::Copilot) => {
            Some(json!({"permissionDecision": "deny", "permissionDecisionReason": line}))
        }
        Some(Agent::Cline) => Some(json!({"cancel": true, "errorMessage": line})),
        _ => None,
    };
    Answer {
        stdout: stdout.map(|v| v.to_string()),
        stderr: Some(line),
        exit: 2,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn out(a: &Answer) -> Value {
        a.stdout
            .as_deref()
            .map(|s| serde_json::from_str(s).unwrap_or(Value::Null))
            .unwrap_or(Value::Null)
    }

    #[test]
    fn claude_decisions() {
        for d in [Decision::Allow, Decision::Ask, Decision::Deny] {
            let a = answer(Agent::Claude, &Event::PreToolUse, "PreToolUse", d, "r");
            assert_eq!(
                out(&a)["hookSpecificOutput"]["permissionDecision"],
                d.as_str()
            );
            assert_eq!(a.exit, 0);
        }
        assert_eq!(
            answer(
                Agent::Claude,
                &Event::PreToolUse,
                "PreToolUse",
                Decision::Pass,
                ""
            ),
            Answer::silent()
        );
        let post = answer(
            Agent::Claude,
            &Event::PostToolUse,
            "PostToolUse",
            Decision::Deny,
            "leak",
        );
        assert_eq!(out(&post)["decision"], "block");
    }

    #[test]
    fn no_agent_turns_ask_or_deny_into_a_run() {
        for agent in Agent::ALL {
            for d in [Decision::Ask, Decision::Deny] {
                let a = answer(agent, &Event::PreToolUse, "beforeReadFile", d, "r");
                let v = out(&a);
                let refused = v["hookSpecificOutput"]["permissionDecision"] == d.as_str()
                    || v["decision"] == "deny"
                    || v["permission"] == "deny"
                    || v["permissionDecision"] == "deny"
                    || v["cancel"] == true;
                assert!(refused, "{agent:?} {d:?} → {v}");
            }
        }
    }

    #[test]
    fn failures_exit_2_with_one_line() {
        for agent in Agent::ALL {
            let a = failure(Some(agent), "bad\ninput");
            assert_eq!(a.exit, 2);
            assert!(!a.stderr.unwrap_or_default().contains('\n'));
        }
    }
}

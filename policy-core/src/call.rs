//! The agent-neutral input: one tool call an agent is about to make (or made).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Errors reading a tool call.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The input is not valid JSON.
    #[error("tool call is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A required field is missing or has the wrong type.
    #[error("tool call field `{field}`: {problem}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
}

/// The hook event a call arrives with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum HookEvent {
    /// Before the tool runs.
    #[default]
    PreToolUse,
    /// After the tool ran (`response` holds its output).
    PostToolUse,
    /// Any other event, by name.
    Other(String),
}

/// One tool call, independent of the agent that makes it.
///
/// ```
/// use policy_core::ToolCall;
/// let call = ToolCall::from_json_str(r#"{"tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/tmp"}"#).unwrap();
/// assert_eq!(call.tool, "Bash");
/// assert_eq!(call.cwd.as_deref(), Some("/tmp"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolCall {
    /// The tool name (`Bash`, `Read`, `mcp__github__create_issue`, ...).
    pub tool: String,
    /// The tool's input object.
    pub input: Value,
    /// The agent's working directory, when given.
    pub cwd: Option<String>,
    /// The agent's session id, when given.
    pub session_id: Option<String>,
    /// The hook event.
    pub event: HookEvent,
    /// The agent that sent it (`claude`, `codex`, ...), when known.
    pub agent: Option<String>,
    /// The subagent id, when a subagent makes the call.
    pub agent_id: Option<String>,
    /// The tool's output, for post-tool events.
    pub response: Option<Value>,
}

impl ToolCall {
    /// A pre-tool-use call of `tool` with `input`.
    pub fn new(tool: impl Into<String>, input: Value) -> ToolCall {
        ToolCall {
            tool: tool.into(),
            input,
            cwd: None,
            session_id: None,
            event: HookEvent::PreToolUse,
            agent: None,
            agent_id: None,
            response: None,
        }
    }

    /// A Bash call of `command`.
    pub fn bash(command: &str) -> ToolCall {
        ToolCall::new("Bash", serde_json::json!({ "command": command }))
    }

    /// Reads a call in Claude Code's hook shape (`tool_name`, `tool_input`, `cwd`,
    /// `session_id`, `hook_event_name`, `agent_id`, `tool_response`); the corpus
    /// files use the same keys.
    pub fn from_json_str(text: &str) -> Result<ToolCall, CallError> {
        let value: Value = serde_json::from_str(text)?;
        ToolCall::from_json(&value)
    }

    /// Like [`ToolCall::from_json_str`], from a parsed value.
    pub fn from_json(value: &Value) -> Result<ToolCall, CallError> {
        let obj = value.as_object().ok_or(CallError::Field {
            field: "(root)",
            problem: "expected a JSON object",
        })?;
        let tool = obj
            .get("tool_name")
            .and_then(Value::as_str)
            .ok_or(CallError::Field {
                field: "tool_name",
                problem: "missing or not a string",
            })?;
        let input = obj.get("tool_input").cloned().unwrap_or(Value::Null);
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_string);
        let event = match text("hook_event_name").as_deref() {
            None | Some("PreToolUse") => HookEvent::PreToolUse,
            Some("PostToolUse") => HookEvent::PostToolUse,
            Some(other) => HookEvent::Other(other.to_string()),
        };
        Ok(ToolCall {
            tool: tool.to_string(),
            input,
            cwd: text("cwd"),
            session_id: text("session_id"),
            event,
            agent: None,
            agent_id: text("agent_id"),
            response: obj.get("tool_response").cloned(),
        })
    }
}

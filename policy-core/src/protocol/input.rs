//! Reading one hook payload: the event, and the tool call in our terms.
//!
//! Every agent names its tools its own way; they are mapped to the tool names
//! the normalizer knows (`Bash`, `Read`, `Write`, `Edit`, `Glob`, `Grep`, `LS`,
//! `WebFetch`, `WebSearch`, `mcp__server__tool`) so that one policy covers all
//! agents. Tools without an equivalent keep their own name (rules can still
//! match them by `tool`).

use serde_json::{json, Map, Value};

use crate::call::{HookEvent, ToolCall};
use crate::protocol::Agent;

/// Why a payload cannot be read. The hook turns every one of these into a block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The payload is not a JSON object.
    #[error("hook payload is not a JSON object")]
    NotObject,
    /// A field is missing or has the wrong type.
    #[error("hook payload field `{field}`: {problem}")]
    Field {
        /// The field (dotted path).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

fn field_error(field: &str, problem: &str) -> ProtocolError {
    ProtocolError::Field {
        field: field.to_string(),
        problem: problem.to_string(),
    }
}

/// The event of a hook payload, in Claude Code's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Before a tool runs (Gemini `BeforeTool`, Cursor `before*Execution`/`beforeReadFile`).
    PreToolUse,
    /// After a tool ran (Gemini `AfterTool`, Cursor `after*`).
    PostToolUse,
    /// A session begins.
    SessionStart,
    /// The user submitted a prompt (Gemini `BeforeAgent`, Cursor `beforeSubmitPrompt`).
    UserPromptSubmit,
    /// Anything else, by its own name: answered with exit 0 and no output.
    Other(String),
}

/// A payload read into our terms.
#[derive(Debug, Clone, PartialEq)]
pub struct HookInput {
    /// The agent that sent it (given, or detected).
    pub agent: Agent,
    /// The event.
    pub event: Event,
    /// The event name as the agent spelled it.
    pub event_name: String,
    /// The tool call, for tool events.
    pub call: Option<ToolCall>,
    /// The prompt, for prompt events.
    pub prompt: Option<String>,
    /// The session (or conversation, task) id.
    pub session_id: Option<String>,
    /// The working directory (or first workspace root).
    pub cwd: Option<String>,
}

/// Reads `payload` as sent by `agent` (detected from the payload when `None`).
///
/// Tool events must carry a tool name and an input object: anything else is an
/// error, which the hook answers with a block.
///
/// ```
/// use policy_core::protocol::{parse, Agent, Event};
/// let v = serde_json::json!({
///     "hookName": "PreToolUse",
///     "workspaceRoots": ["/home/dev/project"],
///     "preToolUse": {"toolName": "execute_command", "parameters": {"command": "ls"}}
/// });
/// let input = parse(None, &v).unwrap();
/// assert_eq!(input.agent, Agent::Cline);
/// let call = input.call.unwrap();
/// assert_eq!(call.tool, "Bash");
/// assert_eq!(call.cwd.as_deref(), Some("/home/dev/project"));
///
/// assert!(parse(Some(Agent::Claude), &serde_json::json!({
///     "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "rm -rf /"
/// })).is_err());
/// ```
pub fn parse(agent: Option<Agent>, payload: &Value) -> Result<HookInput, ProtocolError> {
    let obj = payload.as_object().ok_or(ProtocolError::NotObject)?;
    let agent = agent.unwrap_or_else(|| Agent::detect(payload));
    match agent {
        Agent::Claude | Agent::Codex => claude(agent, obj),
        Agent::Gemini => gemini(obj),
        Agent::Cursor => cursor(obj),
        Agent::Copilot => copilot(obj),
        Agent::Cline => cline(obj),
    }
}

fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_string)
}

fn first_root(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key)
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The tool name, required and a non-empty string.
fn tool_name(obj: &Map<String, Value>, key: &str) -> Result<String, ProtocolError> {
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(field_error(key, "not a non-empty string")),
        None => Err(field_error(key, "missing")),
    }
}

/// The tool input, required and an object; a string holding a JSON object is
/// accepted where the agent sends one (`string_ok`).
fn tool_input(value: Option<&Value>, key: &str, string_ok: bool) -> Result<Value, ProtocolError> {
    match value {
        Some(v @ Value::Object(_)) => Ok(v.clone()),
        Some(Value::String(s)) if string_ok => match serde_json::from_str::<Value>(s) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Ok(_) => Err(field_error(key, "the JSON string does not hold an object")),
            Err(e) => Err(field_error(key, &format!("not valid JSON: {e}"))),
        },
        Some(_) => Err(field_error(key, "not an object")),
        None => Err(field_error(key, "missing")),
    }
}

fn event_of(obj: &Map<String, Value>, key: &str, default: &str) -> Result<String, ProtocolError> {
    match obj.get(key) {
        None => Ok(default.to_string()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(field_error(key, "not a string")),
    }
}

fn hook_event(e: &Event) -> HookEvent {
    match e {
        Event::PostToolUse => HookEvent::PostToolUse,
        Event::Other(n) => HookEvent::Other(n.clone()),
        Event::SessionStart => HookEvent::Other("SessionStart".into()),
        Event::UserPromptSubmit => HookEvent::Other("UserPromptSubmit".into()),
        Event::PreToolUse => HookEvent::PreToolUse,
    }
}

struct Parts {
    agent: Agent,
    event: Event,
    event_name: String,
    session_id: Option<String>,
    cwd: Option<String>,
}

impl Parts {
    fn finish(self, call: Option<(String, Value)>, response: Option<Value>) -> HookInput {
        let call = call.map(|(tool, input)| {
            let mut c = ToolCall::new(tool, input);
            c.cwd = self.cwd.clone();
            c.session_id = self.session_id.clone();
            c.event = hook_event(&self.event);
            c.agent = Some(self.agent.name().to_string());
            c.response = response;
            c
        });
        HookInput {
            agent: self.agent,
            event: self.event,
            event_name: self.event_name,
            call,
            prompt: None,
            session_id: self.session_id,
            cwd: self.cwd,
        }
    }

    fn prompt(self, prompt: Option<String>) -> HookInput {
        let mut h = self.finish(None, None);
        h.prompt = prompt;
        h
    }
}

fn is_tool_event(e: &Event) -> bool {
    matches!(e, Event::PreToolUse | Event::PostToolUse)
}

fn claude(agent: Agent, obj: &Map<String, Value>) -> Result<HookInput, ProtocolError> {
    let name = event_of(obj, "hook_event_name", "PreToolUse")?;
    let event = match name.as_str() {
        "PreToolUse" => Event::PreToolUse,
        "PostToolUse" => Event::PostToolUse,
        "SessionStart" => Event::SessionStart,
        "UserPromptSubmit" => Event::UserPromptSubmit,
        other => Event::Other(other.to_string()),
    };
    let parts = Parts {
        agent,
        event,
        event_name: name,
        session_id: text(obj, "session_id"),
        cwd: text(obj, "cwd"),
    };
    if parts.event == Event::UserPromptSubmit {
        return Ok(parts.prompt(text(obj, "prompt")));
    }
    if !is_tool_event(&parts.event) {
        return Ok(parts.finish(None, None));
    }
    let tool = tool_name(obj, "tool_name")?;
    let input = tool_input(obj.get("tool_input"), "tool_input", false)?;
    let mut h = parts.finish(Some((tool, input)), obj.get("tool_response").cloned());
    if let Some(c) = &mut h.call {
        c.agent_id = text(obj, "agent_id");
    }
    Ok(h)
}

/// Renames a tool input key (`absolute_path` → `file_path`).
fn with_key(input: &Value, to: &str, from: &[&str]) -> Value {
    let mut out = input.clone();
    if let Some(o) = out.as_object_mut() {
        if !o.contains_key(to) {
            if let Some(v) = from.iter().find_map(|k| input.get(*k)) {
                o.insert(to.to_string(), v.clone());
            }
        }
    }
    out
}

/// The first `http(s)://` URL in `text`.
fn first_url(text: &str) -> Option<String> {
    let start = text.find("https://").or_else(|| text.find("http://"))?;
    let rest = text.get(start..)?;
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')'))
        .unwrap_or(rest.len());
    rest.get(..end).map(str::to_string)
}

fn gemini_tool(name: &str, input: &Value) -> (String, Value) {
    let (tool, input) = match name {
        "run_shell_command" => ("Bash", input.clone()),
        "read_file" => (
            "Read",
            with_key(input, "file_path", &["absolute_path", "path"]),
        ),
        "write_file" => (
            "Write",
            with_key(input, "file_path", &["absolute_path", "path"]),
        ),
        "replace" | "edit" => (
            "Edit",
            with_key(input, "file_path", &["absolute_path", "path"]),
        ),
        "glob" => ("Glob", with_key(input, "path", &["dir_path", "directory"])),
        "search_file_content" | "grep_search" | "grep" => {
            ("Grep", with_key(input, "path", &["dir_path", "directory"]))
        }
        "list_directory" | "ls" => ("LS", with_key(input, "path", &["dir_path", "directory"])),
        "web_fetch" => {
            let url = input
                .get("url")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    input
                        .get("prompt")
                        .and_then(Value::as_str)
                        .and_then(first_url)
                });
            let mut v = input.clone();
            if let (Some(o), Some(u)) = (v.as_object_mut(), url) {
                o.insert("url".into(), Value::String(u));
            }
            ("WebFetch", v)
        }
        "google_web_search" | "web_search" => ("WebSearch", input.clone()),
        // Gemini names MCP tools `server__tool`.
        other if other.contains("__") && !other.starts_with("mcp__") => {
            return (format!("mcp__{other}"), input.clone());
        }
        other => return (other.to_string(), input.clone()),
    };
    (tool.to_string(), input)
}

fn gemini(obj: &Map<String, Value>) -> Result<HookInput, ProtocolError> {
    let name = event_of(obj, "hook_event_name", "BeforeTool")?;
    let event = match name.as_str() {
        "BeforeTool" => Event::PreToolUse,
        "AfterTool" => Event::PostToolUse,
        "SessionStart" => Event::SessionStart,
        "BeforeAgent" => Event::UserPromptSubmit,
        other => Event::Other(other.to_string()),
    };
    let parts = Parts {
        agent: Agent::Gemini,
        event,
        event_name: name,
        session_id: text(obj, "session_id"),
        cwd: text(obj, "cwd"),
    };
    if parts.event == Event::UserPromptSubmit {
        return Ok(parts.prompt(text(obj, "prompt")));
    }
    if !is_tool_event(&parts.event) {
        return Ok(parts.finish(None, None));
    }
    let name = tool_name(obj, "tool_name")?;
    let input = tool_input(obj.get("tool_input"), "tool_input", false)?;
    let (tool, input) = gemini_tool(&name, &input);
    let mut h = parts.finish(
        Some((tool, input.clone())),
        obj.get("tool_response").cloned(),
    );
    // `run_shell_command` may run in a subdirectory.
    if let (Some(c), Some(dir)) = (
        &mut h.call,
        input
            .get("dir_path")
            .or_else(|| input.get("directory"))
            .and_then(Value::as_str),
    ) {
        let base = c.cwd.clone().unwrap_or_else(|| "/".into());
        c.cwd = crate::paths::absolutize(dir, Some(&base));
    }
    Ok(h)
}

/// A server name for a Cursor MCP call: the URL's host, or the package or
/// program the server runs as (`npx @example/pg-mcp` → `pg-mcp`).
fn cursor_server(obj: &Map<String, Value>) -> String {
    if let Some(url) = obj.get("url").and_then(Value::as_str) {
        if let (Some(host), _) = crate::normalize::web::host_port(url) {
            return host;
        }
    }
    let command = obj.get("command").and_then(Value::as_str).unwrap_or("");
    let word = command
        .split_whitespace()
        .filter(|w| !w.starts_with('-'))
        .find(|w| {
            !matches!(
                *w,
                "npx" | "uvx" | "pnpx" | "bunx" | "node" | "python" | "python3" | "docker" | "run"
            )
        })
        .unwrap_or("unknown");
    let base = word.rsplit('/').next().unwrap_or(word);
    let base = base.split('@').next().unwrap_or(base);
    if base.is_empty() {
        "unknown".into()
    } else {
        base.to_string()
    }
}

fn cursor(obj: &Map<String, Value>) -> Result<HookInput, ProtocolError> {
    let name = event_of(obj, "hook_event_name", "")?;
    let event = match name.as_str() {
        "beforeShellExecution" | "beforeMCPExecution" | "beforeReadFile" => Event::PreToolUse,
        "afterShellExecution" | "afterMCPExecution" | "afterFileEdit" => Event::PostToolUse,
        "beforeSubmitPrompt" => Event::UserPromptSubmit,
        other => Event::Other(other.to_string()),
    };
    let parts = Parts {
        agent: Agent::Cursor,
        event,
        event_name: name.clone(),
        session_id: text(obj, "conversation_id"),
        cwd: text(obj, "cwd").or_else(|| first_root(obj, "workspace_roots")),
    };
    if parts.event == Event::UserPromptSubmit {
        return Ok(parts.prompt(text(obj, "prompt")));
    }
    if !is_tool_event(&parts.event) {
        return Ok(parts.finish(None, None));
    }
    let string_field = |key: &str| -> Result<String, ProtocolError> {
        match obj.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(field_error(key, "not a string")),
            None => Err(field_error(key, "missing")),
        }
    };
    let response = obj.get("output").cloned();
    let call = match name.as_str() {
        "beforeShellExecution" | "afterShellExecution" => (
            "Bash".to_string(),
            json!({ "command": string_field("command")? }),
        ),
        "beforeReadFile" => (
            "Read".to_string(),
            json!({ "file_path": string_field("file_path")? }),
        ),
        "afterFileEdit" => (
            "Edit".to_string(),
            json!({ "file_path": string_field("file_path")? }),
        ),
        _ => {
            let tool = tool_name(obj, "tool_name")?;
            let input = tool_input(obj.get("tool_input"), "tool_input", true)?;
            (format!("mcp__{}__{tool}", cursor_server(obj)), input)
        }
    };
    Ok(parts.finish(Some(call), response))
}

fn copilot_tool(name: &str, input: &Value) -> (String, Value) {
    let (tool, input) = match name {
        "bash" | "shell" | "powershell" => ("Bash", input.clone()),
        "view" | "read" | "read_file" => ("Read", with_key(input, "file_path", &["path"])),
        "create" | "write" => ("Write", with_key(input, "file_path", &["path"])),
        "edit" | "str_replace" | "str_replace_editor" => {
            ("Edit", with_key(input, "file_path", &["path"]))
        }
        "glob" => ("Glob", input.clone()),
        "grep" => ("Grep", input.clone()),
        "web_fetch" | "fetch" => ("WebFetch", input.clone()),
        other => return (other.to_string(), input.clone()),
    };
    (tool.to_string(), input)
}

fn copilot(obj: &Map<String, Value>) -> Result<HookInput, ProtocolError> {
    let post = obj.contains_key("toolResult");
    let default = if post { "postToolUse" } else { "preToolUse" };
    let name = event_of(obj, "hook_event_name", default)?;
    let event = match name.as_str() {
        "preToolUse" | "PreToolUse" => Event::PreToolUse,
        "postToolUse" | "PostToolUse" => Event::PostToolUse,
        "sessionStart" => Event::SessionStart,
        "userPromptSubmitted" => Event::UserPromptSubmit,
        other => Event::Other(other.to_string()),
    };
    let parts = Parts {
        agent: Agent::Copilot,
        event,
        event_name: name,
        session_id: text(obj, "sessionId"),
        cwd: text(obj, "cwd"),
    };
    if parts.event == Event::UserPromptSubmit {
        return Ok(parts.prompt(text(obj, "prompt")));
    }
    if !is_tool_event(&parts.event) {
        return Ok(parts.finish(None, None));
    }
    let name = tool_name(obj, "toolName")?;
    let input = tool_input(obj.get("toolArgs"), "toolArgs", true)?;
    let call = copilot_tool(&name, &input);
    Ok(parts.finish(Some(call), obj.get("toolResult").cloned()))
}

fn cline_tool(name: &str, input: &Value) -> Result<(String, Value), ProtocolError> {
    let (tool, input) = match name {
        "execute_command" => ("Bash", input.clone()),
        "read_file" => ("Read", with_key(input, "file_path", &["path"])),
        "write_to_file" => ("Write", with_key(input, "file_path", &["path"])),
        "replace_in_file" | "apply_diff" => ("Edit", with_key(input, "file_path", &["path"])),
        "list_files" | "list_code_definition_names" => ("LS", input.clone()),
        "search_files" => ("Grep", with_key(input, "pattern", &["regex"])),
        "web_fetch" => ("WebFetch", input.clone()),
        "browser_action" if input.get("url").is_some() => ("WebFetch", input.clone()),
        "use_mcp_tool" | "access_mcp_resource" => {
            let server = input
                .get("server_name")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    field_error(
                        "preToolUse.parameters.server_name",
                        "missing or not a string",
                    )
                })?;
            if name == "access_mcp_resource" {
                return Ok((format!("mcp__{server}__resource"), input.clone()));
            }
            let tool = input
                .get("tool_name")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    field_error("preToolUse.parameters.tool_name", "missing or not a string")
                })?;
            let args = match input.get("arguments") {
                None => json!({}),
                some => tool_input(some, "preToolUse.parameters.arguments", true)?,
            };
            return Ok((format!("mcp__{server}__{tool}"), args));
        }
        other => return Ok((other.to_string(), input.clone())),
    };
    Ok((tool.to_string(), input))
}

fn cline(obj: &Map<String, Value>) -> Result<HookInput, ProtocolError> {
    let name = event_of(obj, "hookName", "")?;
    let name = if name.is_empty() {
        if obj.contains_key("postToolUse") {
            "PostToolUse".to_string()
        } else {
            "PreToolUse".to_string()
        }
    } else {
        name
    };
    let event = match name.as_str() {
        "PreToolUse" => Event::PreToolUse,
        "PostToolUse" => Event::PostToolUse,
        "TaskStart" => Event::SessionStart,
        "UserPromptSubmit" => Event::UserPromptSubmit,
        other => Event::Other(other.to_string()),
    };
    let parts = Parts {
        agent: Agent::Cline,
        event,
        event_name: name,
        session_id: text(obj, "taskId"),
        cwd: first_root(obj, "workspaceRoots"),
    };
    if parts.event == Event::UserPromptSubmit {
        let prompt = obj
            .get("userPromptSubmit")
            .and_then(|u| u.get("prompt"))
            .and_then(Value::as_str)
            .map(str::to_string);
        return Ok(parts.prompt(prompt));
    }
    if !is_tool_event(&parts.event) {
        return Ok(parts.finish(None, None));
    }
    let key = if parts.event == Event::PreToolUse {
        "preToolUse"
    } else {
        "postToolUse"
    };
    let body = match obj.get(key) {
        Some(Value::Object(b)) => b,
        Some(_) => return Err(field_error(key, "not an object")),
        None => return Err(field_error(key, "missing")),
    };
    let name = tool_name(body, "toolName").map_err(|_| {
        field_error(
            &format!("{key}.toolName"),
            "missing or not a non-empty string",
        )
    })?;
    let input = tool_input(body.get("parameters"), &format!("{key}.parameters"), true)?;
    let call = cline_tool(&name, &input)?;
    Ok(parts.finish(Some(call), body.get("result").cloned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn call(agent: Option<Agent>, v: Value) -> ToolCall {
        match parse(agent, &v) {
            Ok(h) => h.call.unwrap_or_else(|| panic!("no call in {v}")),
            Err(e) => panic!("{v}: {e}"),
        }
    }

    #[test]
    fn claude_shapes() {
        let c = call(
            None,
            json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"},
                   "cwd": "/p", "session_id": "s", "agent_id": "a7"}),
        );
        assert_eq!(
            (c.tool.as_str(), c.cwd.as_deref(), c.agent_id.as_deref()),
            ("Bash", Some("/p"), Some("a7"))
        );
        for bad in [
            json!({"hook_event_name": "PreToolUse", "tool_name": "Bash"}),
            json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": ["ls"]}),
            json!({"hook_event_name": "PreToolUse", "tool_name": 3, "tool_input": {}}),
            json!({"hook_event_name": "PreToolUse", "tool_input": {}}),
            json!({"hook_event_name": 7, "tool_name": "Bash", "tool_input": {}}),
            json!([1, 2]),
        ] {
            assert!(parse(Some(Agent::Claude), &bad).is_err(), "{bad}");
        }
        let other = parse(None, &json!({"hook_event_name": "Stop"})).unwrap();
        assert_eq!(other.event, Event::Other("Stop".into()));
        let p = parse(
            None,
            &json!({"hook_event_name": "UserPromptSubmit", "prompt": "hi"}),
        )
        .unwrap();
        assert_eq!(p.prompt.as_deref(), Some("hi"));
    }

    #[test]
    fn gemini_tools() {
        let c = call(
            None,
            json!({"hook_event_name": "BeforeTool", "tool_name": "read_file",
            "tool_input": {"absolute_path": "/h/.ssh/id_rsa"}, "cwd": "/p"}),
        );
        assert_eq!(c.tool, "Read");
        assert_eq!(c.input["file_path"], "/h/.ssh/id_rsa");
        let c = call(
            None,
            json!({"hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
            "tool_input": {"command": "ls", "dir_path": "sub"}, "cwd": "/p"}),
        );
        assert_eq!(c.cwd.as_deref(), Some("/p/sub"));
        let c = call(
            None,
            json!({"hook_event_name": "BeforeTool", "tool_name": "web_fetch",
            "tool_input": {"prompt": "summarize https://evil.example/x please"}}),
        );
        assert_eq!(
            (c.tool.as_str(), c.input["url"].as_str()),
            ("WebFetch", Some("https://evil.example/x"))
        );
        let c = call(
            None,
            json!({"hook_event_name": "BeforeTool", "tool_name": "github__create_issue", "tool_input": {}}),
        );
        assert_eq!(c.tool, "mcp__github__create_issue");
    }

    #[test]
    fn cursor_events() {
        let c = call(
            None,
            json!({"hook_event_name": "beforeShellExecution", "command": "ls", "workspace_roots": ["/w"]}),
        );
        assert_eq!((c.tool.as_str(), c.cwd.as_deref()), ("Bash", Some("/w")));
        let c = call(
            None,
            json!({"hook_event_name": "beforeMCPExecution", "tool_name": "query",
            "tool_input": "{\"sql\": \"DROP TABLE x\"}", "command": "npx -y @example/pg-mcp"}),
        );
        assert_eq!(c.tool, "mcp__pg-mcp__query");
        assert_eq!(c.input["sql"], "DROP TABLE x");
        let c = call(
            None,
            json!({"hook_event_name": "beforeMCPExecution", "tool_name": "q",
            "tool_input": {}, "url": "https://mcp.example.com/sse"}),
        );
        assert_eq!(c.tool, "mcp__mcp.example.com__q");
        assert!(parse(None, &json!({"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "not json"})).is_err());
        assert!(parse(
            None,
            &json!({"hook_event_name": "beforeShellExecution", "command": ["rm"]})
        )
        .is_err());
        let c = call(
            None,
            json!({"hook_event_name": "beforeReadFile", "file_path": "/w/.env"}),
        );
        assert_eq!(
            (c.tool.as_str(), c.input["file_path"].as_str()),
            ("Read", Some("/w/.env"))
        );
    }

    #[test]
    fn copilot_and_cline() {
        let c = call(
            None,
            json!({"toolName": "bash", "toolArgs": "{\"command\": \"ls\"}", "cwd": "/p"}),
        );
        assert_eq!(
            (c.tool.as_str(), c.input["command"].as_str()),
            ("Bash", Some("ls"))
        );
        let c = call(
            None,
            json!({"toolName": "view", "toolArgs": "{\"path\": \"/p/.env\"}"}),
        );
        assert_eq!(
            (c.tool.as_str(), c.input["file_path"].as_str()),
            ("Read", Some("/p/.env"))
        );
        assert!(parse(None, &json!({"toolName": "bash", "toolArgs": "[1]"})).is_err());
        assert!(parse(None, &json!({"toolName": "bash", "toolArgs": 5})).is_err());
        let c = call(
            None,
            json!({"hookName": "PreToolUse", "workspaceRoots": ["/w"],
            "preToolUse": {"toolName": "use_mcp_tool", "parameters": {"server_name": "gh", "tool_name": "merge", "arguments": "{\"pr\": 1}"}}}),
        );
        assert_eq!(
            (c.tool.as_str(), &c.input["pr"]),
            ("mcp__gh__merge", &json!(1))
        );
        let c = call(
            None,
            json!({"hookName": "PreToolUse", "preToolUse": {"toolName": "write_to_file", "parameters": {"path": "a.txt", "content": "x"}}}),
        );
        assert_eq!(
            (c.tool.as_str(), c.input["file_path"].as_str()),
            ("Write", Some("a.txt"))
        );
        assert!(parse(None, &json!({"hookName": "PreToolUse", "preToolUse": "x"})).is_err());
    }
}

//! Tool calls of every kind → actions.
//!
//! * `Bash` (and the shell tools of other agents, mapped to `Bash` by the hook
//!   adapters) → the shell normalizer.
//! * `Read`, `Write`, `Edit`, `MultiEdit`, `NotebookEdit`, `Glob`, `Grep` → file actions.
//! * `WebFetch`, `WebSearch` → network actions.
//! * `mcp__server__tool` → [`Action::Mcp`].
//! * anything else → [`Action::Tool`].
//!
//! An input of the wrong shape never yields an empty list: it yields
//! [`Action::Opaque`] with reason `bad_input`.
//!
//! ```
//! use policy_core::{normalize, Action, ShellOptions, ToolCall};
//! let call = ToolCall::new("Read", serde_json::json!({"file_path": "~/.aws/credentials"}));
//! let actions = normalize(&call, &ShellOptions::for_home("/home/dev", "/home/dev/project"));
//! assert!(matches!(&actions[0], Action::FileRead(f) if f.resolved.as_deref() == Some("/home/dev/.aws/credentials")));
//! ```

mod files;
mod mcp;
pub(crate) mod web;

pub(crate) use web::host_port;

use serde_json::Value;

use crate::action::{Action, Opaque, OpaqueReason, Origin, ToolUse};
use crate::call::ToolCall;
use crate::options::ShellOptions;
use crate::shell::normalize_command;

/// Normalizes a tool call into actions. The call's `cwd` (when given) overrides `opts.cwd`.
pub fn normalize(call: &ToolCall, opts: &ShellOptions) -> Vec<Action> {
    let owned;
    let opts = match &call.cwd {
        Some(cwd) if opts.cwd.as_deref() != Some(cwd.as_str()) => {
            owned = ShellOptions {
                cwd: Some(cwd.clone()),
                ..opts.clone()
            };
            &owned
        }
        _ => opts,
    };
    let input = &call.input;
    match call.tool.as_str() {
        "Bash" => match input.get("command").and_then(Value::as_str) {
            Some(cmd) => normalize_command(cmd, opts),
            None => vec![bad_input(
                "Bash",
                "`tool_input.command` is missing or not a string",
            )],
        },
        "Read" | "Write" | "Edit" | "MultiEdit" | "NotebookEdit" | "Glob" | "Grep" | "LS" => {
            files::normalize(&call.tool, input, opts)
        }
        "WebFetch" | "WebSearch" => web::normalize(&call.tool, input),
        tool => match tool.strip_prefix("mcp__").and_then(|r| r.split_once("__")) {
            Some((server, name)) => mcp::normalize(server, name, input, opts),
            None => vec![Action::Tool(ToolUse {
                tool: tool.to_string(),
            })],
        },
    }
}

/// An opaque action for a tool input of the wrong shape.
pub(crate) fn bad_input(tool: &str, problem: &str) -> Action {
    Action::Opaque(Opaque {
        reason: OpaqueReason::BadInput,
        detail: format!("{tool}: {problem}"),
        origin: Origin::default(),
    })
}

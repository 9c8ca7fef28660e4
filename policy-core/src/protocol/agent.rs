//! The agents whose hook protocols we speak, and telling them apart.

use serde_json::Value;

/// An agent with a hook protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Agent {
    /// Claude Code (`hookSpecificOutput.permissionDecision`).
    Claude,
    /// OpenAI Codex CLI (Claude's shape).
    Codex,
    /// Gemini CLI (`BeforeTool` → `decision`).
    Gemini,
    /// Cursor (`beforeShellExecution` … → `permission`).
    Cursor,
    /// GitHub Copilot CLI (`toolName` + `toolArgs` → deny only).
    Copilot,
    /// Cline (`preToolUse` → `cancel`).
    Cline,
}

impl Agent {
    /// Every agent, in documentation order.
    pub const ALL: [Agent; 6] = [
        Agent::Claude,
        Agent::Codex,
        Agent::Gemini,
        Agent::Cursor,
        Agent::Copilot,
        Agent::Cline,
    ];

    /// The name used on the command line (`--agent claude`).
    ///
    /// ```
    /// use policy_core::protocol::Agent;
    /// assert_eq!(Agent::Copilot.name(), "copilot");
    /// assert_eq!(Agent::from_name("copilot"), Some(Agent::Copilot));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Cursor => "cursor",
            Agent::Copilot => "copilot",
            Agent::Cline => "cline",
        }
    }

    /// The agent called `name` (see [`Agent::name`]).
    pub fn from_name(name: &str) -> Option<Agent> {
        Agent::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Guesses the agent from a payload's keys. Claude Code's shape is the
    /// fallback (Codex sends the same shape; it is told apart only by a
    /// transcript under `.codex/`).
    ///
    /// ```
    /// use policy_core::protocol::Agent;
    /// let v = serde_json::json!({"toolName": "bash", "toolArgs": "{\"command\":\"ls\"}"});
    /// assert_eq!(Agent::detect(&v), Agent::Copilot);
    /// ```
    pub fn detect(payload: &Value) -> Agent {
        let has = |k: &str| payload.get(k).is_some();
        let event = payload
            .get("hook_event_name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if has("preToolUse") || has("postToolUse") || has("clineVersion") || has("hookName") {
            return Agent::Cline;
        }
        if has("toolName") && has("toolArgs") {
            return Agent::Copilot;
        }
        if event.starts_with("before") || event.starts_with("after") || has("conversation_id") {
            return Agent::Cursor;
        }
        if matches!(
            event,
            "BeforeTool"
                | "AfterTool"
                | "BeforeAgent"
                | "AfterAgent"
                | "BeforeModel"
                | "AfterModel"
                | "BeforeToolSelection"
                | "SessionEnd"
                | "PreCompress"
                | "Notification"
        ) && !has("permission_mode")
        {
            return Agent::Gemini;
        }
        let transcript = payload
            .get("transcript_path")
            .and_then(Value::as_str)
            .unwrap_or("");
        if transcript.contains("/.codex/") {
            return Agent::Codex;
        }
        Agent::Claude
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_each_agent() {
        let cases = [
            (
                json!({"hook_event_name": "PreToolUse", "tool_name": "Bash"}),
                Agent::Claude,
            ),
            (
                json!({"hook_event_name": "PreToolUse", "transcript_path": "/h/.codex/s.jsonl"}),
                Agent::Codex,
            ),
            (json!({"hook_event_name": "BeforeTool"}), Agent::Gemini),
            (
                json!({"hook_event_name": "beforeShellExecution"}),
                Agent::Cursor,
            ),
            (
                json!({"toolName": "bash", "toolArgs": "{}"}),
                Agent::Copilot,
            ),
            (
                json!({"hookName": "PreToolUse", "preToolUse": {}}),
                Agent::Cline,
            ),
        ];
        for (payload, agent) in cases {
            assert_eq!(Agent::detect(&payload), agent, "{payload}");
        }
        for a in Agent::ALL {
            assert_eq!(Agent::from_name(a.name()), Some(a));
        }
        assert_eq!(Agent::from_name("vim"), None);
    }
}

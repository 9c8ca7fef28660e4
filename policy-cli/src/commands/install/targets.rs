//! Where each agent reads its hooks, and the entries we write there.
//! docs/install.md is the user-facing table; keep the two in step.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::json::{EventSpec, JsonSpec, Style, J};

/// The agents (shared with the hook's protocol layer, so that the names
/// `install --agent` takes are the ones `hook --agent` takes).
pub use policy_core::protocol::Agent;

/// Parses `--agent NAME` (`copilot-cli` is accepted for `copilot`).
pub fn parse_agent(name: &str) -> Result<Agent, String> {
    let name = if name == "copilot-cli" {
        "copilot"
    } else {
        name
    };
    Agent::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Agent::ALL.iter().map(|a| a.name()).collect();
        format!("unknown agent `{name}` (one of {})", known.join(", "))
    })
}

/// Which of an agent's config files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scope {
    /// The user's own file (every project).
    User,
    /// The project's shared file (committed with the repository).
    Project,
    /// The project's personal, git-ignored file (Claude Code only).
    Local,
    /// The machine-wide managed file (Claude Code only; needs root).
    Managed,
}

impl Scope {
    /// The name as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Project => "project",
            Scope::Local => "local",
            Scope::Managed => "managed",
        }
    }
}

/// The directories paths are built from.
pub struct Places {
    /// `$HOME`.
    pub home: PathBuf,
    /// The git toplevel of the working directory, else that directory.
    pub project: PathBuf,
    /// `$CODEX_HOME` when set.
    pub codex_home: Option<PathBuf>,
    /// `$COPILOT_HOME` when set.
    pub copilot_home: Option<PathBuf>,
}

/// What gets written to a target file.
pub enum Content {
    /// Our entries merged into a JSON document.
    Json(JsonSpec),
    /// A whole executable script of our own, recognised by `marker`.
    Script {
        /// The script text.
        body: String,
        /// A line only our script holds.
        marker: &'static str,
    },
}

/// One file to change.
pub struct Target {
    /// The agent.
    pub agent: Agent,
    /// The scope.
    pub scope: Scope,
    /// The file.
    pub path: PathBuf,
    /// What goes into it.
    pub content: Content,
}

/// Claude Code's managed settings on Linux.
const CLAUDE_MANAGED: &str = "/etc/claude-code/managed-settings.json";

/// The comment line that marks our Cline script.
pub const CLINE_MARKER: &str = "# agent-policy hook for Cline";

fn unsupported(agent: Agent, scope: Scope) -> String {
    let what = match scope {
        Scope::Local | Scope::Managed => "is supported for Claude Code only",
        _ => "is not supported",
    };
    format!(
        "--scope {} {what} (agent {}); use --scope user or --scope project",
        scope.name(),
        agent.name()
    )
}

/// The file `agent` reads its hooks from in `scope`.
pub fn path(agent: Agent, scope: Scope, p: &Places) -> Result<PathBuf, String> {
    let home = |rel: &str| p.home.join(rel);
    let proj = |rel: &str| p.project.join(rel);
    Ok(match (agent, scope) {
        (Agent::Claude, Scope::User) => home(".claude/settings.json"),
        (Agent::Claude, Scope::Project) => proj(".claude/settings.json"),
        (Agent::Claude, Scope::Local) => proj(".claude/settings.local.json"),
        (Agent::Claude, Scope::Managed) => PathBuf::from(CLAUDE_MANAGED),
        (Agent::Codex, Scope::User) => p
            .codex_home
            .clone()
            .unwrap_or_else(|| home(".codex"))
            .join("hooks.json"),
        (Agent::Codex, Scope::Project) => proj(".codex/hooks.json"),
        (Agent::Gemini, Scope::User) => home(".gemini/settings.json"),
        (Agent::Gemini, Scope::Project) => proj(".gemini/settings.json"),
        (Agent::Cursor, Scope::User) => home(".cursor/hooks.json"),
        (Agent::Cursor, Scope::Project) => proj(".cursor/hooks.json"),
        (Agent::Copilot, Scope::User) => p
            .copilot_home
            .clone()
            .unwrap_or_else(|| home(".copilot"))
            .join("hooks/agent-policy.json"),
        (Agent::Copilot, Scope::Project) => proj(".github/hooks/agent-policy.json"),
        (Agent::Cline, Scope::User) => home("Documents/Cline/Hooks/PreToolUse"),
        (Agent::Cline, Scope::Project) => proj(".clinerules/hooks/PreToolUse"),
        (a, s) => return Err(unsupported(a, s)),
    })
}

/// A Claude-shaped matcher group: `{matcher?, hooks: [handler]}`.
fn group(matcher: Option<&str>, handler: J) -> J {
    let mut pairs = Vec::new();
    if let Some(m) = matcher {
        pairs.push(("matcher", J::s(m)));
    }
    pairs.push(("hooks", J::Arr(vec![handler])));
    J::obj(pairs)
}

fn grouped(event: &'static str, entry: J) -> EventSpec {
    EventSpec {
        event,
        entry,
        style: Style::Grouped,
    }
}

/// Claude Code and Codex: PreToolUse/PostToolUse for every tool (`.*` is a
/// regex matching any name, `mcp__…` included), SessionStart and
/// UserPromptSubmit (no matcher). `block` adds `"onFailure": "block"` to the
/// tool events (Claude Code only).
fn claude_like(command: &str, timeout: u32, block: bool) -> JsonSpec {
    let handler = |fail_closed: bool| {
        let mut h = vec![
            ("type", J::s("command")),
            ("command", J::s(command)),
            ("timeout", J::n(timeout.into())),
        ];
        if fail_closed {
            h.push(("onFailure", J::s("block")));
        }
        J::obj(h)
    };
    JsonSpec {
        defaults: vec![],
        events: vec![
            grouped("PreToolUse", group(Some(".*"), handler(block))),
            grouped("PostToolUse", group(Some(".*"), handler(block))),
            grouped("SessionStart", group(None, handler(false))),
            grouped("UserPromptSubmit", group(None, handler(false))),
        ],
    }
}

/// Gemini CLI: BeforeTool/AfterTool for every tool; timeouts in milliseconds.
fn gemini(command: &str, timeout: u32) -> JsonSpec {
    let handler = J::obj(vec![
        ("name", J::s("agent-policy")),
        ("type", J::s("command")),
        ("command", J::s(command)),
        ("timeout", J::n(u64::from(timeout) * 1000)),
    ]);
    JsonSpec {
        defaults: vec![],
        events: vec![
            grouped("BeforeTool", group(Some(".*"), handler.clone())),
            grouped("AfterTool", group(Some(".*"), handler)),
        ],
    }
}

/// Cursor: the three `before…` events, flat `{command}` entries, `version: 1`.
fn cursor(command: &str) -> JsonSpec {
    let flat = |event| EventSpec {
        event,
        entry: J::obj(vec![("command", J::s(command))]),
        style: Style::Flat("command"),
    };
    JsonSpec {
        defaults: vec![("version", J::n(1))],
        events: vec![
            flat("beforeShellExecution"),
            flat("beforeMCPExecution"),
            flat("beforeReadFile"),
        ],
    }
}

/// Copilot CLI: `preToolUse` with a `bash` command and `timeoutSec`, `version: 1`.
fn copilot(command: &str, timeout: u32) -> JsonSpec {
    JsonSpec {
        defaults: vec![("version", J::n(1))],
        events: vec![EventSpec {
            event: "preToolUse",
            entry: J::obj(vec![
                ("type", J::s("command")),
                ("bash", J::s(command)),
                ("timeoutSec", J::n(timeout.into())),
            ]),
            style: Style::Flat("bash"),
        }],
    }
}

/// Cline's `PreToolUse` script: blocks (`cancel`) when the program is missing,
/// else hands stdin to `policy-cli hook --agent cline`.
fn cline_script(program: &str) -> String {
    format!(
        "#!/bin/sh\n\
         {CLINE_MARKER}: installed by `policy-cli install --agent cline`,\n\
         # removed by `policy-cli uninstall --agent cline`. Edits are lost on re-install.\n\
         if ! command -v {program} >/dev/null 2>&1; then\n\
         \x20 printf '%s\\n' '{{\"cancel\":true,\"errorMessage\":\"agent-policy: policy-cli is not installed; the tool call is blocked\"}}'\n\
         \x20 exit 0\n\
         fi\n\
         exec {program} hook --agent cline\n"
    )
}

/// Quotes `s` for a POSIX shell when it holds anything beyond safe characters.
pub fn shell_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./+-:@%=,".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The hook command for `agent`: `PROGRAM hook --agent NAME` (PROGRAM shell-quoted).
pub fn hook_command(program: &str, agent: Agent) -> String {
    format!("{} hook --agent {}", shell_quote(program), agent.name())
}

/// True when a hook command is ours: it runs `policy-cli hook` (quotes
/// ignored, so `'/opt/my tools/policy-cli' hook …` counts), or it is exactly
/// the command being installed.
pub fn is_ours(command: &str, installing: &str) -> bool {
    command == installing || command.replace(['\'', '"'], "").contains("policy-cli hook")
}

/// The target for `agent` in `scope`.
pub fn target(
    agent: Agent,
    scope: Scope,
    places: &Places,
    program: &str,
    timeout: u32,
) -> Result<Target, String> {
    let path = path(agent, scope, places)?;
    let command = hook_command(program, agent);
    let content = match agent {
        Agent::Claude => Content::Json(claude_like(&command, timeout, true)),
        Agent::Codex => Content::Json(claude_like(&command, timeout, false)),
        Agent::Gemini => Content::Json(gemini(&command, timeout)),
        Agent::Cursor => Content::Json(cursor(&command)),
        Agent::Copilot => Content::Json(copilot(&command, timeout)),
        Agent::Cline => Content::Script {
            body: cline_script(&shell_quote(program)),
            marker: CLINE_MARKER,
        },
    };
    Ok(Target {
        agent,
        scope,
        path,
        content,
    })
}

/// `path` shown with `~` for the home directory.
pub fn display(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) if !home.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_ownership() {
        assert_eq!(shell_quote("/usr/bin/policy-cli"), "/usr/bin/policy-cli");
        assert_eq!(
            shell_quote("/opt/my tools/policy-cli"),
            "'/opt/my tools/policy-cli'"
        );
        assert_eq!(shell_quote("/a'b"), r"'/a'\''b'");
        let cmd = hook_command("/opt/my tools/policy-cli", Agent::Claude);
        assert_eq!(cmd, "'/opt/my tools/policy-cli' hook --agent claude");
        assert!(is_ours(&cmd, "x"));
        assert!(is_ours(
            "/usr/local/bin/policy-cli hook --agent gemini",
            "x"
        ));
        assert!(is_ours(
            "/opt/ap hook --agent claude",
            "/opt/ap hook --agent claude"
        ));
        assert!(!is_ours("policy-cli eval", "x"));
        assert!(!is_ours("~/bin/guard.sh", "x"));
    }

    #[test]
    fn scopes_outside_claude_are_refused() {
        let places = Places {
            home: "/h".into(),
            project: "/p".into(),
            codex_home: None,
            copilot_home: None,
        };
        assert!(path(Agent::Cursor, Scope::Local, &places).is_err());
        assert!(path(Agent::Gemini, Scope::Managed, &places).is_err());
        assert_eq!(
            path(Agent::Cline, Scope::Project, &places).ok(),
            Some(PathBuf::from("/p/.clinerules/hooks/PreToolUse"))
        );
    }
}

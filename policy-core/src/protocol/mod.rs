//! Hook protocols: what each agent sends on a hook's stdin and what it expects
//! back.
//!
//! * [`agent`]: the supported agents and detecting one from a payload.
//! * [`input`]: a payload → a [`HookInput`] (event plus an agent-neutral
//!   [`ToolCall`](crate::ToolCall)), mapping each agent's tool names to ours
//!   (`run_shell_command`, `execute_command`, `bash` → `Bash`, ...).
//! * [`answer`](mod@answer): a decision → the agent's answer (stdout JSON, stderr, exit
//!   code), failing closed where an agent cannot express a decision.
//! * [`reason`](mod@reason): the one-paragraph explanation that names the deciding rules.
//!
//! ```
//! use policy_core::protocol::{self, Agent, Event};
//!
//! let payload = serde_json::json!({
//!     "hook_event_name": "BeforeTool",
//!     "tool_name": "run_shell_command",
//!     "tool_input": {"command": "git push -f"},
//!     "cwd": "/home/dev/project"
//! });
//! let input = protocol::parse(None, &payload).unwrap();
//! assert_eq!(input.agent, Agent::Gemini);
//! assert_eq!(input.event, Event::PreToolUse);
//! assert_eq!(input.call.unwrap().tool, "Bash");
//! ```

pub mod agent;
pub mod answer;
pub mod input;
pub mod reason;

pub use agent::Agent;
pub use answer::{answer, failure, post_tool_secret, Answer};
pub use input::{parse, Event, HookInput, ProtocolError};
pub use reason::reason;

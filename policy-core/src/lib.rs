//! # policy-core
//!
//! The engine behind agent-policy: it turns an AI agent's tool call into the
//! list of things that will really happen, and decides whether the call may run
//! (`allow`), must be refused (`deny`) or needs a human (`ask`).
//!
//! This crate is organised in layers, each in its own module:
//!
//! * [`call`]: the agent-neutral input, [`ToolCall`].
//! * [`action`]: the normalized AST, [`Action`] — every simple command after
//!   quote removal, expansion and unwrapping, plus file, network and code
//!   execution effects.
//! * [`shell`]: the Bash normalizer. It parses with tree-sitter-bash, walks the
//!   tree *iteratively* (hostile nesting cannot overflow the stack), expands
//!   words the way bash does (quotes, `$'..'`, braces, tilde, `$IFS`,
//!   constant propagation of variables), unwraps wrappers (`sudo`, `env`,
//!   `xargs`, `bash -c`, `eval`, `find -exec`, ...) from one data table and
//!   follows decode-to-shell pipelines (`echo … | base64 -d | sh`).
//! * [`normalize`](mod@normalize): tool calls of every kind (Bash, Read, Write, Edit, WebFetch,
//!   MCP, ...) → actions.
//! * [`programs`]: per-program knowledge as data (options taking values,
//!   subcommands, which operands are paths, URLs, hosts or code).
//! * [`policy`]: the YAML policy language, loading with `extends`, compiled
//!   matchers, evaluation to a [`policy::Verdict`], and the embeddable
//!   [`policy::Engine`] (layers combined by strictness). Rules with `wasm:`
//!   run WebAssembly modules through the [`policy::external::WasmHost`]
//!   extension point (implemented by the `policy-wasm` crate; this crate
//!   has no WebAssembly runtime, and without a host such rules fail closed).
//! * [`render`]: one-line summaries of actions for explanations.
//! * [`paths`]: lexical path handling and the project root.
//! * [`secrets`], [`scrub`](mod@scrub), [`sanitize`]: secret detection,
//!   redaction (`[REDACTED:KIND]`) and terminal-escape removal, for the hook
//!   and for embedders cleaning tool output before it reaches a model.
//! * [`audit`]: the hash-chained, redacted JSON Lines audit log (writer,
//!   verifier).
//!
//! ```
//! use policy_core::{normalize_command, Action, ShellOptions};
//!
//! let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
//! let actions = normalize_command("echo cm0gLXJmIC8= | base64 -d | sh", &opts);
//! // The decoded text `rm -rf /` is parsed as the code the shell runs.
//! assert!(actions.iter().any(|a| matches!(a,
//!     Action::Exec(e) if e.program.as_deref() == Some("rm") && e.args_text() == ["-rf", "/"])));
//!
//! use policy_core::policy::{Decision, Engine, Policy};
//! let engine = Engine::new(Policy::builtin("default").unwrap(), opts).with_project("/home/dev/project");
//! assert_eq!(engine.evaluate(&policy_core::ToolCall::bash("g''it push -f")).decision, Decision::Deny);
//! ```

pub mod action;
mod ascii;
pub mod audit;
pub mod cache_files;
pub mod call;
pub mod normalize;
pub mod options;
pub mod paths;
pub mod policy;
pub mod programs;
pub mod protocol;
pub mod render;
pub mod sanitize;
pub mod scrub;
pub mod secrets;
pub mod shell;
pub mod state;

pub use action::{
    Action, Assignment, CodeExec, CodeSource, Context, Dynamic, Exec, FileAccess, Input, McpCall,
    NetAccess, NetDirection, Opaque, OpaqueReason, Origin, Redirect, ToolUse, Word, WordPart,
};
pub use call::{CallError, HookEvent, ToolCall};
pub use normalize::normalize;
pub use options::ShellOptions;
pub use sanitize::sanitize_output;
pub use scrub::{scrub, scrub_json};
pub use shell::{normalize_command, Limits};

//! The Bash normalizer: command text → [`Action`]s.
//!
//! Layers, each in its own module:
//!
//! * [`limits`]: size, depth and work caps.
//! * `parse`: tree-sitter-bash parsing and the source arena.
//! * `simple`: a lexer for the simple subset (plain words, quotes, `&&`,
//!   `||`, `|`, `;`), used instead of tree-sitter when a text lies in it;
//!   `simple_walk` gives the walker its tasks.
//! * `quote`: decoding of `$'..'`, double-quote and backtick escapes, and the
//!   equivalent rewrites that avoid tree-sitter misreadings.
//! * `words`: atoms, brace expansion, tilde expansion, field splitting.
//! * `scope`: variables, functions and the working directory (constant propagation).
//! * `walk`: the iterative walker over statements.
//! * `expand`: word expansion on the syntax tree (parameters, substitutions).
//! * `command`: what a simple command means (builtins, wrappers, interpreters, pipes).
//! * `wrappers`, `interpreters`, `decode`: the data tables and static evaluators.

mod command;
mod decode;
mod expand;
mod interpreters;
pub mod limits;
mod parse;
mod quote;
mod scope;
mod simple;
mod simple_walk;
mod walk;
mod words;
mod wrappers;

pub use limits::Limits;

use crate::action::Action;
use crate::options::ShellOptions;

/// Normalizes one Bash command into actions.
///
/// Never panics and never returns an empty list for input it could not
/// understand: parse errors, limits and unknown command names produce
/// [`Action::Opaque`] entries next to whatever could be understood.
///
/// ```
/// use policy_core::{normalize_command, Action, ShellOptions};
/// let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
/// let actions = normalize_command("x=rm; y=-rf; $x $y ~", &opts);
/// assert!(matches!(&actions[0], Action::Exec(e) if e.program.as_deref() == Some("rm")));
/// ```
///
/// NUL bytes cannot reach a shell intact: `execve` truncates the command at
/// the first one and bash drops them when reading a script. The command is
/// normalized with them removed (the form that reveals the most) and an
/// opaque action records where they were, so the policy's `on_error` decides
/// too.
pub fn normalize_command(command: &str, opts: &ShellOptions) -> Vec<Action> {
    let Some(at) = command.find('\0') else {
        return walk::Walker::run(command, opts);
    };
    let cleaned = command.replace('\0', "");
    let mut actions = walk::Walker::run(&cleaned, opts);
    actions.push(Action::Opaque(crate::action::Opaque {
        reason: crate::action::OpaqueReason::BadInput,
        detail: format!(
            "the command contains NUL bytes (first at byte {at}); shells truncate or drop them"
        ),
        origin: crate::action::Origin {
            cwd: opts.cwd.clone(),
            ..crate::action::Origin::default()
        },
    }));
    actions
}

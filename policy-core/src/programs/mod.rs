//! Per-program knowledge: which arguments of `rm`, `cp`, `curl`, `git push`, … are
//! options, option values, subcommands and operands, and what each one *does*
//! (a path read, written or deleted, a URL fetched or sent to, a host connected
//! to, code run).
//!
//! The knowledge is data: one table of [`ProgramSpec`] rows in [`table`]
//! (options that take a value, short-flag bundling, GNU option permutation,
//! subcommand trees, and [`Rule`]s that give operands and option values a
//! [`Role`]). Two small interpreters read it:
//!
//! * [`parse`] splits an argument vector into subcommand path, canonical flags
//!   (bundles split, `--long=value` split, unambiguous long prefixes expanded)
//!   and operands;
//! * [`effects()`] applies the row's rules to the parsed arguments.
//!
//! ```
//! use policy_core::programs::{effects, parse, Role};
//! use policy_core::Word;
//!
//! let args: Vec<Word> = ["-rf", "--no-preserve-root", "/"].into_iter().map(Word::literal).collect();
//! let parsed = parse("rm", &args);
//! assert!(parsed.has(&["-r"]) && parsed.has(&["-f"]));
//! let fx = effects("rm", &parsed);
//! assert_eq!(fx[0].role, Role::Delete);
//! assert_eq!(fx[0].target.text(), "/");
//! assert!(fx[0].recursive);
//! ```

pub mod args;
pub mod effects;
pub mod table;

pub use args::{canonical_long, parse, Flag, ParsedArgs};
pub use effects::{effects, Effect, Role};
pub use table::{
    lookup, Cond, Filter, Permute, Pick, ProgramSpec, Rec, Rule, Scope, Source, Syntax, PROGRAMS,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{normalize_command, Action, ShellOptions};

    /// The table applies to the normalizer's expanded argv.
    #[test]
    fn effects_of_normalized_commands() {
        let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let actions = normalize_command(
            "d=/srv; sudo rm -r\"f\" \"$d\" && git push --forc origin",
            &opts,
        );
        let mut seen = Vec::new();
        for action in &actions {
            let Action::Exec(exec) = action else { continue };
            let Some(program) = exec.program.as_deref() else {
                continue;
            };
            let parsed = parse(program, &exec.args);
            for e in effects(program, &parsed) {
                seen.push((program.to_string(), e.role, e.target.text(), e.recursive));
            }
        }
        assert!(seen.contains(&("rm".into(), Role::Delete, "/srv".into(), true)));
        assert!(seen.contains(&("git".into(), Role::Send, "origin".into(), false)));
    }
}

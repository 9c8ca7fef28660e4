//! Splits an exec's arguments into subcommand path, canonical flags and
//! operands for rule matching.

use crate::action::Word;

/// A canonical flag: bundles split (`-rf` ⇒ `-r`, `-f`), `--long=value` split.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// `-f` or `--force`.
    pub name: String,
    /// The value given with `=` or attached, when any.
    pub value: Option<Word>,
}

/// Parsed arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedArgs {
    /// Leading plain words that name a subcommand (`push`, `s3 rb`).
    pub subcommand: Vec<String>,
    /// Flags in order.
    pub flags: Vec<Flag>,
    /// Operands (non-flag arguments after the subcommand).
    pub operands: Vec<Word>,
}

/// Global options that take a value, per program, before the subcommand.
const GLOBAL_VALUE_OPTS: &[(&str, &[&str])] = &[
    (
        "git",
        &[
            "-C",
            "-c",
            "--git-dir",
            "--work-tree",
            "--namespace",
            "--exec-path",
            "--config-env",
        ],
    ),
    (
        "kubectl",
        &[
            "-n",
            "--namespace",
            "--context",
            "--kubeconfig",
            "--cluster",
            "--user",
            "-s",
            "--server",
        ],
    ),
    (
        "helm",
        &["-n", "--namespace", "--kube-context", "--kubeconfig"],
    ),
    (
        "docker",
        &[
            "-H",
            "--host",
            "--context",
            "-c",
            "--config",
            "-l",
            "--log-level",
        ],
    ),
    (
        "aws",
        &["--profile", "--region", "--output", "--endpoint-url"],
    ),
    ("gcloud", &["--project", "--account", "--configuration"]),
    ("az", &["--subscription"]),
    ("terraform", &["-chdir"]),
];

/// Whether the next plain word after `sub` is still part of the subcommand path
/// (`aws s3 rb`, `git stash drop`, `kubectl rollout undo`).
fn more_subcommands(program: &str, sub: &[String]) -> bool {
    let first = sub.first().map(String::as_str);
    match program {
        "aws" | "gcloud" | "az" | "gh" => sub.len() < 3,
        "git" => {
            sub.is_empty()
                || (sub.len() < 2
                    && matches!(
                        first,
                        Some(
                            "remote"
                                | "stash"
                                | "submodule"
                                | "worktree"
                                | "bisect"
                                | "notes"
                                | "reflog"
                                | "lfs"
                                | "sparse-checkout"
                        )
                    ))
        }
        "kubectl" | "oc" => {
            sub.is_empty()
                || (sub.len() < 2
                    && matches!(
                        first,
                        Some("rollout" | "config" | "auth" | "create" | "set" | "top")
                    ))
        }
        "docker" | "podman" => {
            sub.is_empty()
                || (sub.len() < 2
                    && matches!(
                        first,
                        Some(
                            "container"
                                | "image"
                                | "volume"
                                | "network"
                                | "system"
                                | "compose"
                                | "builder"
                                | "buildx"
                                | "context"
                        )
                    ))
        }
        "helm" | "terraform" | "tofu" | "npm" | "pnpm" | "yarn" | "pip" | "pip3" | "cargo"
        | "go" | "systemctl" | "launchctl" | "brew" | "apt" | "apt-get" | "dnf" | "yum"
        | "redis-cli" | "crontab" => sub.is_empty(),
        _ => false,
    }
}

/// Parses `args` of `program`.
///
/// ```
/// use policy_core::{policy::argv::parse, Word};
/// let args: Vec<Word> = ["-C", "/r", "push", "-uf", "--force-with-lease=main", "origin"].iter().map(|s| Word::literal(*s)).collect();
/// let p = parse("git", &args);
/// assert_eq!(p.subcommand, ["push"]);
/// let names: Vec<&str> = p.flags.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["-C", "-u", "-f", "--force-with-lease"]);
/// ```
pub fn parse(program: &str, args: &[Word]) -> ParsedArgs {
    let globals: &[&str] = GLOBAL_VALUE_OPTS
        .iter()
        .find(|(p, _)| *p == program)
        .map_or(&[], |(_, v)| v);
    let mut out = ParsedArgs::default();
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let w = &args[i];
        i += 1;
        let Some(text) = w.as_literal() else {
            out.operands.push(w.clone());
            continue;
        };
        if !options_done && text == "--" {
            options_done = true;
            continue;
        }
        if !options_done && text.starts_with("--") && text.len() > 2 {
            let (name, value) = match text.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(Word::literal(v))),
                None => (text.clone(), None),
            };
            let value =
                if value.is_none() && out.subcommand.is_empty() && globals.contains(&name.as_str())
                {
                    i += 1;
                    args.get(i - 1).cloned()
                } else {
                    value
                };
            out.flags.push(Flag { name, value });
            continue;
        }
        if !options_done
            && text.starts_with('-')
            && text.len() > 1
            && !text[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            // Single-dash long options (`-auto-approve`, `-chdir=x`) for Go-style tools.
            if matches!(program, "terraform" | "tofu" | "find" | "java") || text.contains('=') {
                let (name, value) = match text.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(Word::literal(v))),
                    None => (text.clone(), None),
                };
                out.flags.push(Flag { name, value });
                continue;
            }
            let body: Vec<char> = text.chars().skip(1).collect();
            for (k, c) in body.iter().enumerate() {
                let name = format!("-{c}");
                if out.subcommand.is_empty() && globals.contains(&name.as_str()) {
                    let rest: String = body[k + 1..].iter().collect();
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).cloned()
                    } else {
                        Some(Word::literal(rest))
                    };
                    out.flags.push(Flag { name, value });
                    break;
                }
                out.flags.push(Flag { name, value: None });
            }
            continue;
        }
        if more_subcommands(program, &out.subcommand)
            && out.operands.is_empty()
            && !text.contains(['/', '.', '=', ':'])
        {
            out.subcommand.push(text);
            continue;
        }
        out.operands.push(w.clone());
    }
    out
}

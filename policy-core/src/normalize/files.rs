//! File tools → file actions.

use serde_json::Value;

use crate::action::{Action, FileAccess, Origin, Word};
use crate::options::ShellOptions;
use crate::paths;

/// Expands a leading `~` / `~/` of a tool path (agents sometimes send them) against the home directory.
fn expand_home(path: &str, opts: &ShellOptions) -> String {
    match (path.strip_prefix('~'), opts.home()) {
        (Some(""), Some(h)) => h.to_string(),
        (Some(rest), Some(h)) if rest.starts_with('/') => format!("{h}{rest}"),
        _ => path.to_string(),
    }
}

fn access(tool: &str, path: &str, opts: &ShellOptions, recursive: bool) -> FileAccess {
    let expanded = expand_home(path, opts);
    FileAccess {
        resolved: paths::absolutize(&expanded, opts.cwd.as_deref()),
        path: Word::literal(path),
        recursive,
        via: format!("tool:{tool}"),
        origin: Origin {
            cwd: opts.cwd.clone(),
            ..Origin::default()
        },
    }
}

pub(super) fn normalize(tool: &str, input: &Value, opts: &ShellOptions) -> Vec<Action> {
    let key = match tool {
        "NotebookEdit" => "notebook_path",
        "Glob" | "Grep" | "LS" => "path",
        _ => "file_path",
    };
    let path = input.get(key).and_then(Value::as_str);
    if let Some(at) = path.and_then(|p| p.find('\0')) {
        // The OS would truncate at the NUL (`ok.rs\0/../../../.bashrc`): the
        // path is not what it looks like either way.
        return vec![super::bad_input(
            tool,
            &format!("`{key}` contains a NUL byte (at byte {at})"),
        )];
    }
    match tool {
        "Read" => match path {
            Some(p) => vec![Action::FileRead(access(tool, p, opts, false))],
            None => vec![super::bad_input(
                tool,
                "`file_path` is missing or not a string",
            )],
        },
        "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => match path {
            Some(p) => vec![Action::FileWrite(access(tool, p, opts, false))],
            None => vec![super::bad_input(
                tool,
                &format!("`{key}` is missing or not a string"),
            )],
        },
        _ => {
            // Glob / Grep / LS: the search root (default: cwd), recursive.
            let root = path.unwrap_or(".");
            let mut a = access(tool, root, opts, true);
            if let Some(pattern) = input.get("pattern").and_then(Value::as_str) {
                if tool == "Glob" {
                    // A glob pattern may itself name a path (`~/.ssh/*`, `/etc/**`).
                    let p = expand_home(pattern, opts);
                    if p.starts_with('/') || pattern.starts_with("..") {
                        let base = paths::absolutize(&p, a.resolved.as_deref()).unwrap_or(p);
                        a.resolved = Some(base);
                        a.path = Word::literal(pattern);
                    }
                }
            }
            vec![Action::FileRead(a)]
        }
    }
}

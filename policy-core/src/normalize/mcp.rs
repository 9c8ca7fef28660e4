//! MCP tool calls (`mcp__server__tool`): the call itself, plus what its input
//! says it will do, so that the same rules that judge Bash and the file tools
//! judge MCP servers too.
//!
//! MCP inputs have no fixed schema; these are the conventions of the common
//! servers (filesystem, fetch, database, shell/terminal servers):
//!
//! | input key | becomes |
//! | --- | --- |
//! | `path`, `file_path`, `filePath`, `filename`, `file`, `source`, `destination`, `target`, `directory`, `paths[]` | a file read, write or delete of that path — write when the tool name says write/create/edit/save/move/…, delete for delete/remove/…, else read |
//! | `url`, `uri`, `endpoint`, `href` | `http(s)://` → a network fetch; `file://` → a file read |
//! | `sql`, `query`, `statement` (`query` only on tools named for SQL/databases) | SQL code (`code_exec`, language `sql`) |
//! | `command`, `cmd`, `script` on tools named exec/shell/run/command/terminal/bash | the command normalized as Bash (context `shell_string`) |
//!
//! Derived actions carry `via: mcp:<server>:<tool>`.

use serde_json::Value;

use crate::action::{
    Action, CodeExec, CodeSource, Context, FileAccess, McpCall, NetAccess, NetDirection, Origin,
    Word,
};
use crate::options::ShellOptions;
use crate::paths;

const PATH_KEYS: &[&str] = &[
    "path",
    "file_path",
    "filePath",
    "filename",
    "file",
    "source",
    "destination",
    "target",
    "directory",
];
const URL_KEYS: &[&str] = &["url", "uri", "endpoint", "href"];
const WRITE_WORDS: &[&str] = &[
    "write", "create", "edit", "save", "put", "upload", "append", "patch", "update", "move",
    "rename", "copy", "mkdir", "replace", "insert",
];
const DELETE_WORDS: &[&str] = &["delete", "remove", "rm", "unlink", "trash", "purge", "drop"];
const SQL_WORDS: &[&str] = &[
    "sql",
    "query",
    "exec",
    "execute",
    "db",
    "database",
    "postgres",
    "mysql",
    "sqlite",
    "statement",
];
const SHELL_WORDS: &[&str] = &[
    "exec", "execute", "shell", "run", "command", "terminal", "bash", "cmd", "process",
];

/// True when `name` (a tool or server name) contains one of `words` as a
/// `_`/`-`-separated word, or (for words over three letters) anywhere.
fn has_word(name: &str, words: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| words.contains(&w))
        || words.iter().any(|w| w.len() > 3 && lower.contains(w))
}

fn origin(opts: &ShellOptions) -> Origin {
    Origin {
        cwd: opts.cwd.clone(),
        ..Origin::default()
    }
}

fn file(path: &str, via: &str, opts: &ShellOptions, role: u8) -> Action {
    let expanded = match (path.strip_prefix("~/"), opts.home()) {
        (Some(rest), Some(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    };
    let access = FileAccess {
        path: Word::literal(path),
        resolved: paths::absolutize(&expanded, opts.cwd.as_deref()),
        recursive: false,
        via: via.to_string(),
        origin: origin(opts),
    };
    match role {
        1 => Action::FileWrite(access),
        2 => Action::FileDelete(access),
        _ => Action::FileRead(access),
    }
}

/// Normalizes a call of `server`'s tool `name` with `input`.
pub(super) fn normalize(
    server: &str,
    name: &str,
    input: &Value,
    opts: &ShellOptions,
) -> Vec<Action> {
    let via = format!("mcp:{server}:{name}");
    let mut out = vec![Action::Mcp(McpCall {
        server: server.to_string(),
        tool: name.to_string(),
        args: input.clone(),
    })];
    let Some(obj) = input.as_object() else {
        return out;
    };
    let role = if has_word(name, DELETE_WORDS) {
        2
    } else if has_word(name, WRITE_WORDS) {
        1
    } else {
        0
    };
    let text = |k: &str| obj.get(k).and_then(Value::as_str);
    for k in PATH_KEYS {
        if let Some(p) = text(k).filter(|p| !p.is_empty() && !p.contains('\0')) {
            out.push(file(p, &via, opts, role));
        }
    }
    if let Some(list) = obj.get("paths").and_then(Value::as_array) {
        for p in list
            .iter()
            .filter_map(Value::as_str)
            .filter(|p| !p.contains('\0'))
        {
            out.push(file(p, &via, opts, role));
        }
    }
    for k in URL_KEYS {
        let Some(u) = text(k) else { continue };
        if let Some(p) = u.strip_prefix("file://") {
            out.push(file(p, &via, opts, 0));
        } else if u.starts_with("http://") || u.starts_with("https://") {
            let (host, port) = super::web::host_port(u);
            out.push(Action::Net(NetAccess {
                url: Some(u.to_string()),
                host,
                port,
                direction: NetDirection::Fetch,
                via: via.clone(),
                origin: origin(opts),
            }));
        }
    }
    let sql_tool = has_word(name, SQL_WORDS) || has_word(server, SQL_WORDS);
    for k in ["sql", "query", "statement"] {
        if k == "query" && !sql_tool {
            continue;
        }
        if let Some(code) = text(k) {
            out.push(Action::CodeExec(CodeExec {
                interpreter: format!("mcp:{server}:{name}"),
                language: "sql".into(),
                source: CodeSource::Argument,
                code: Some(code.to_string()),
                file: None,
                producer: None,
                origin: origin(opts),
            }));
        }
    }
    if has_word(name, SHELL_WORDS) || has_word(server, &["shell", "terminal", "bash"]) {
        for k in ["command", "cmd", "script"] {
            let Some(cmd) = text(k) else { continue };
            for mut a in crate::shell::normalize_command(cmd, opts) {
                if let Some(o) = a.origin_mut() {
                    o.context
                        .insert(0, Context::ShellString { via: via.clone() });
                }
                out.push(a);
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summaries(server: &str, name: &str, input: Value) -> Vec<String> {
        let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
        normalize(server, name, &input, &opts)
            .iter()
            .map(Action::summary)
            .collect()
    }

    #[test]
    fn derived_actions() {
        let s = summaries(
            "filesystem",
            "read_file",
            json!({"path": "/home/dev/.ssh/id_rsa"}),
        );
        assert!(
            s.iter().any(|x| x.contains("read /home/dev/.ssh/id_rsa")),
            "{s:?}"
        );
        let s = summaries(
            "filesystem",
            "write_file",
            json!({"path": "~/.bashrc", "content": "x"}),
        );
        assert!(
            s.iter()
                .any(|x| x.contains("write") && x.contains("/home/dev/.bashrc")),
            "{s:?}"
        );
        let s = summaries("fs", "delete_file", json!({"path": "../x"}));
        assert!(
            s.iter()
                .any(|x| x.contains("delete") && x.contains("/home/dev/x")),
            "{s:?}"
        );
        let s = summaries(
            "fetch",
            "fetch",
            json!({"url": "http://169.254.169.254/latest/"}),
        );
        assert!(s.iter().any(|x| x.contains("169.254.169.254")), "{s:?}");
        let s = summaries(
            "fetch",
            "fetch",
            json!({"url": "file:///home/dev/.aws/credentials"}),
        );
        assert!(
            s.iter()
                .any(|x| x.contains("read /home/dev/.aws/credentials")),
            "{s:?}"
        );
        let s = summaries("postgres", "query", json!({"sql": "DROP TABLE users;"}));
        assert!(
            s.iter()
                .any(|x| x.contains("sql") && x.contains("DROP TABLE")),
            "{s:?}"
        );
        let s = summaries(
            "github",
            "search_issues",
            json!({"query": "is:open label:bug"}),
        );
        assert!(!s.iter().any(|x| x.contains("sql")), "{s:?}");
        let s = summaries("shell", "run_command", json!({"command": "rm -rf ~"}));
        assert!(
            s.iter().any(|x| x.starts_with("exec rm -rf /home/dev")),
            "{s:?}"
        );
        let s = summaries(
            "github",
            "create_issue",
            json!({"title": "x", "body": "rm -rf ~"}),
        );
        assert_eq!(s.len(), 1, "{s:?}");
    }
}

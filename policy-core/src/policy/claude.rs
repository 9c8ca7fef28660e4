//! Claude Code permission rules (`Bash(npm run test:*)`, `Read(./.env)`,
//! `Edit(/src/**)`, `WebFetch(domain:example.com)`, `mcp__github__*`) turned
//! into ordinary rules. They match normalized actions, so `Bash(git push:*)`
//! as a deny also catches `bash -c 'git push -f'`, and an allow covers a call
//! only when every simple command in it is allowed.

use crate::policy::error::PolicyError;
use crate::policy::schema::{Decision, Examples, Match, OneOrMany, Rule};

/// Converts a Claude Code path specifier to a policy glob: `//abs` is absolute,
/// `~/x` is in the home directory, `/x` and `./x` are relative to the project
/// root, and a bare `x` matches at any depth (gitignore style).
fn path_glob(spec: &str) -> String {
    if let Some(abs) = spec.strip_prefix("//") {
        format!("/{abs}")
    } else if spec.starts_with("~/") || spec == "~" {
        spec.to_string()
    } else if let Some(rel) = spec.strip_prefix("./").or_else(|| spec.strip_prefix('/')) {
        format!("{{project}}/{rel}")
    } else {
        spec.to_string()
    }
}

fn many(items: &[&str]) -> Option<OneOrMany> {
    Some(OneOrMany::Many(
        items.iter().map(|s| s.to_string()).collect(),
    ))
}

/// The rule for one Claude permission string.
pub fn rule(decision: Decision, text: &str) -> Result<Rule, PolicyError> {
    let text = text.trim();
    let invalid = |why: &str| PolicyError::Invalid {
        path: String::new(),
        message: format!("permission rule `{text}`: {why}"),
    };
    let (tool, spec) = match text.find('(') {
        Some(open) => {
            let inner = text[open + 1..]
                .strip_suffix(')')
                .ok_or_else(|| invalid("missing closing `)`"))?;
            (&text[..open], Some(inner))
        }
        None => (text, None),
    };
    if tool.is_empty()
        || !tool
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '*')
    {
        return Err(invalid("expected `Tool` or `Tool(specifier)`"));
    }
    let mut m = Match::default();
    match (tool, spec) {
        ("Bash", Some(cmd)) => {
            m.tool = Some(OneOrMany::One("Bash".into()));
            m.command = Some(OneOrMany::One(cmd.to_string()));
        }
        ("Read" | "Glob" | "Grep" | "LS", Some(p)) => {
            m.action = many(&["file_read"]);
            m.path = Some(vec![path_glob(p)]);
        }
        ("Edit" | "Write" | "MultiEdit" | "NotebookEdit", Some(p)) => {
            m.action = many(&["file_write", "file_delete"]);
            m.path = Some(vec![path_glob(p)]);
        }
        ("WebFetch", Some(s)) => {
            let domain = s
                .strip_prefix("domain:")
                .ok_or_else(|| invalid("WebFetch takes `domain:HOST`"))?;
            m.action = many(&["net"]);
            m.host = Some(vec![domain.to_ascii_lowercase()]);
        }
        (t, None) if t.starts_with("mcp__") => {
            let glob = if t.matches("__").count() == 1 {
                format!("{t}__*")
            } else {
                t.to_string()
            };
            m.tool = Some(OneOrMany::One(glob));
        }
        (t, None) => m.tool = Some(OneOrMany::One(t.to_string())),
        (_, Some(_)) => return Err(invalid("this tool takes no specifier")),
    }
    Ok(Rule {
        id: format!("claude.{}:{text}", decision.as_str()),
        decision: Some(decision),
        tags: vec!["claude-permission".into()],
        message: format!("Claude permission rule {} {text}", decision.as_str()),
        hint: None,
        matcher: Some(m),
        wasm: None,
        config: None,
        examples: Examples::default(),
    })
}

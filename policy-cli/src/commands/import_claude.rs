//! `policy-cli import-claude [SETTINGS]`: turns the `permissions` of a Claude
//! Code settings file into a policy file.
//!
//! Each permission string becomes one rule, built by
//! [`policy_core::policy::claude::rule`] (the same code that reads a policy's
//! `permissions:` block, so the semantics are Claude's: `:*` and ` *`
//! suffixes, `domain:`, gitignore-style paths, `//abs`, `~/`), written out in
//! the ordinary rule format with a stable id and a comment naming the original
//! string. `additionalDirectories` become `roots` beside `{project}` and `/tmp`.
//! The output is loaded again before it is printed, so it always passes
//! `policy-cli check`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use policy_core::policy::{claude, Decision, Policy};
use serde_json::Value;

/// Largest settings file read.
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Longest slug of a permission string in a rule id.
const MAX_SLUG: usize = 48;

/// Arguments of `import-claude`.
#[derive(Args)]
pub struct ImportClaudeArgs {
    /// Claude Code settings file (default: the project's .claude/settings.json).
    settings: Option<PathBuf>,
    /// Write the policy to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Overwrite FILE when it exists.
    #[arg(long, requires = "output")]
    force: bool,
    /// Directory whose git toplevel holds the default SETTINGS (default: the current directory).
    #[arg(long, value_name = "DIR")]
    cwd: Option<PathBuf>,
    /// Keep going past permission strings with no equivalent, leaving them as comments
    /// (default: refuse, since a dropped deny would make the policy weaker).
    #[arg(long)]
    skip_unsupported: bool,
}

/// A JSON string literal, which is also a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `Bash(npm run test:*)` → `bash-npm-run-test`: lowercase ASCII letters and
/// digits, other runs as one `-`, at most [`MAX_SLUG`] characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut s: String = out.trim_matches('-').chars().take(MAX_SLUG).collect();
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() {
        s.push_str("rule");
    }
    s
}

/// Drops `null` members of objects, recursively (unset `match` keys).
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// `v` as a one-line YAML flow value: `{command: "rm:*", tool: "Bash"}`.
/// Strings are JSON literals (valid YAML double-quoted scalars); keys are the
/// schema's own field names, written plain.
fn flow(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    let key = if k.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        k.clone()
                    } else {
                        quoted(k)
                    };
                    format!("{key}: {}", flow(v))
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::String(s) => quoted(s),
        other => other.to_string(),
    }
}

/// The strings of `permissions.<key>` (absent: none).
fn strings<'a>(perms: &'a Value, key: &str, file: &str) -> Result<Vec<&'a str>, String> {
    match perms.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .ok_or_else(|| format!("{file}: permissions.{key}[{i}] is not a string"))
            })
            .collect(),
        Some(_) => Err(format!("{file}: permissions.{key} is not an array")),
    }
}

/// A Claude `additionalDirectories` entry as a policy root: absolute and `~`
/// paths as they are, relative ones under `{project}`.
fn root(dir: &str) -> String {
    if dir.starts_with('/') || dir == "~" || dir.starts_with("~/") {
        dir.to_string()
    } else {
        format!("{{project}}/{}", dir.trim_start_matches("./"))
    }
}

/// The policy text for a parsed settings file (`file` names it in comments and errors).
pub fn convert(settings: &Value, file: &str, skip_unsupported: bool) -> Result<String, String> {
    let empty = Value::Object(Default::default());
    let perms = match settings.get("permissions") {
        None | Some(Value::Null) => &empty,
        Some(p @ Value::Object(_)) => p,
        Some(_) => return Err(format!("{file}: `permissions` is not an object")),
    };
    let mut out = String::new();
    out.push_str(&format!(
        "# Generated by `policy-cli import-claude` from {file}.\n\
         # One rule per Claude Code permission string, with Claude's semantics\n\
         # (docs/policy-language.md, \"Claude Code permission rules\"), matched on the\n\
         # normalized actions: a deny also catches `bash -c '…'`, and an allow covers a\n\
         # call only when every command in it is allowed. Calls no rule covers are left\n\
         # to the agent (`default: pass`).\n"
    ));
    if let Some(mode) = perms.get("defaultMode").and_then(Value::as_str) {
        out.push_str(&format!(
            "# permissions.defaultMode {} is not imported: it is the agent's own setting.\n",
            quoted(mode)
        ));
    }
    out.push_str("version: 1\ndefault: pass\n");
    let mut roots = vec!["{project}".to_string(), "/tmp".to_string()];
    for d in strings(perms, "additionalDirectories", file)? {
        let r = root(d);
        if !roots.contains(&r) {
            roots.push(r);
        }
    }
    let roots: Vec<String> = roots.iter().map(|r| quoted(r)).collect();
    out.push_str(&format!("roots: [{}]\n", roots.join(", ")));

    let mut rules = String::new();
    let mut ids = HashSet::new();
    let mut unsupported = Vec::new();
    let mut count = 0;
    for (key, decision) in [
        ("deny", Decision::Deny),
        ("ask", Decision::Ask),
        ("allow", Decision::Allow),
    ] {
        for text in strings(perms, key, file)? {
            let origin = format!("permissions.{key}: {}", quoted(text));
            let rule = match claude::rule(decision, text) {
                Ok(r) => r,
                Err(e) => {
                    let why = e.to_string();
                    rules.push_str(&format!("  # skipped {origin}: {why}\n"));
                    unsupported.push(format!("{origin}: {why}"));
                    continue;
                }
            };
            let base = format!("claude.{key}.{}", slug(text));
            let mut id = base.clone();
            let mut n = 2;
            while !ids.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            let matcher = serde_json::to_value(&rule.matcher)
                .map(strip_nulls)
                .map_err(|e| format!("{origin}: {e}"))?;
            let tags: Vec<String> = rule.tags.iter().map(|t| quoted(t)).collect();
            rules.push_str(&format!(
                "  # from {origin}\n  - id: {}\n    decision: {key}\n    tags: [{}]\n    message: {}\n    match: {}\n",
                quoted(&id),
                tags.join(", "),
                quoted(&rule.message),
                flow(&matcher),
            ));
            count += 1;
        }
    }
    if !unsupported.is_empty() && !skip_unsupported {
        return Err(format!(
            "{file}: {} permission rule(s) have no equivalent (give --skip-unsupported to leave them \
             out as comments):\n  {}",
            unsupported.len(),
            unsupported.join("\n  ")
        ));
    }
    for u in &unsupported {
        eprintln!("policy-cli: warning: skipped {u}");
    }
    if count == 0 && unsupported.is_empty() {
        out.push_str("rules: []\n");
    } else {
        out.push_str("rules:\n");
        out.push_str(&rules);
        if count == 0 {
            out.push_str("  []\n");
        }
    }
    // The output must load; a failure here is a bug in this converter.
    Policy::from_yaml(&out).map_err(|e| format!("the generated policy does not load: {e}"))?;
    Ok(out)
}

/// Runs `import-claude`.
pub fn run(args: &ImportClaudeArgs) -> Result<ExitCode, String> {
    let path = match &args.settings {
        Some(p) => p.clone(),
        None => {
            let cwd = match &args.cwd {
                Some(d) => d.clone(),
                None => std::env::current_dir().map_err(|e| format!("current directory: {e}"))?,
            };
            let cwd = cwd
                .to_str()
                .ok_or_else(|| format!("{}: not a UTF-8 path", cwd.display()))?;
            PathBuf::from(policy_core::paths::project_root(cwd)).join(".claude/settings.json")
        }
    };
    let file = path.display().to_string();
    let meta = std::fs::metadata(&path).map_err(|e| format!("{file}: {e}"))?;
    if meta.len() > MAX_BYTES {
        return Err(format!("{file}: larger than {MAX_BYTES} bytes"));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
    let settings: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{file}:{}:{}: not valid JSON: {e}", e.line(), e.column()))?;
    let policy = convert(&settings, &file, args.skip_unsupported)?;
    match &args.output {
        None => print!("{policy}"),
        Some(out) => {
            let shown = out.display();
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true);
            if args.force {
                opts.create(true).truncate(true);
            } else {
                opts.create_new(true);
            }
            let mut f = opts.open(out).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    format!("{shown}: exists; give --force to overwrite it")
                } else {
                    format!("{shown}: {e}")
                }
            })?;
            std::io::Write::write_all(&mut f, policy.as_bytes())
                .map_err(|e| format!("{shown}: {e}"))?;
            eprintln!("policy-cli: wrote {shown}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_and_plain() {
        assert_eq!(slug("Bash(npm run test:*)"), "bash-npm-run-test");
        assert_eq!(slug("Read(//etc/**)"), "read-etc");
        assert_eq!(slug("(*)"), "rule");
        assert!(slug(&"x ".repeat(100)).len() <= MAX_SLUG);
        assert!(!slug(&"ab ".repeat(100)).ends_with('-'));
    }

    #[test]
    fn ids_are_unique_and_output_loads() {
        let v = serde_json::json!({"permissions": {
            "allow": ["Bash(git status)", "Bash(git-status)"],
            "deny": ["Read(./.env)"],
            "additionalDirectories": ["/srv/data", "../shared", "~/notes"],
        }});
        let out = convert(&v, "s.json", false).unwrap();
        assert!(
            out.contains("id: \"claude.allow.bash-git-status\""),
            "{out}"
        );
        assert!(
            out.contains("id: \"claude.allow.bash-git-status-2\""),
            "{out}"
        );
        assert!(
            out.contains(
                r#"roots: ["{project}", "/tmp", "/srv/data", "{project}/../shared", "~/notes"]"#
            ),
            "{out}"
        );
        assert!(
            out.contains("# from permissions.deny: \"Read(./.env)\""),
            "{out}"
        );
    }

    #[test]
    fn unsupported_strings_are_refused_unless_skipped() {
        let v = serde_json::json!({"permissions": {"deny": ["Task(Explore)"]}});
        let err = convert(&v, "s.json", false).unwrap_err();
        assert!(err.contains("Task(Explore)"), "{err}");
        let out = convert(&v, "s.json", true).unwrap();
        assert!(
            out.contains("# skipped permissions.deny: \"Task(Explore)\""),
            "{out}"
        );
    }
}

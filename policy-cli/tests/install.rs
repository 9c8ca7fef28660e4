//! `policy-cli install` / `uninstall` run as a process on a temporary HOME and
//! a temporary git project: other keys and hooks survive, a second install
//! changes nothing, backups are written, `--dry-run` writes nothing, malformed
//! files are refused, uninstall restores the original, and each agent's file
//! has its documented shape.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// A temporary HOME and a git project inside it.
struct World {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    project: PathBuf,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let project = tmp.path().join("work/project");
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(project.join("src/deep")).unwrap();
        let git = Command::new("git")
            .args(["init", "-q"])
            .current_dir(&project)
            .status()
            .unwrap();
        assert!(git.success());
        World {
            _tmp: tmp,
            home,
            project,
        }
    }

    /// Runs policy-cli from the project's `src/deep` (so the git toplevel must be found).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(common::exe())
            .args(args)
            .env("HOME", &self.home)
            .env_remove("CODEX_HOME")
            .env_remove("COPILOT_HOME")
            .current_dir(self.project.join("src/deep"))
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
        out
    }

    fn write(&self, path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// Backups of `path` (`<name>.bak-*`), sorted.
fn backups(path: &Path) -> Vec<PathBuf> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut found: Vec<PathBuf> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{name}.bak-"))
        })
        .collect();
    found.sort();
    found
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn our_command(agent: &str) -> String {
    format!("{} hook --agent {agent}", common::exe().to_string_lossy())
}

const CLAUDE_SETTINGS: &str = r#"{
    "model": "opus",
    "permissions": {"allow": ["Bash(git status)"], "deny": ["Read(./.env)"]},
    "env": {"FOO": "1"},
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "~/bin/guard.sh", "timeout": 5}]}
        ],
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]
    },
    "statusLine": {"type": "command", "command": "echo hi"}
}
"#;

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn claude_install_keeps_other_keys_is_idempotent_and_uninstall_restores() {
    let w = World::new();
    let settings = w.home.join(".claude/settings.json");
    w.write(&settings, CLAUDE_SETTINGS);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&settings, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let original = read_json(&settings);

    let out = w.ok(&["install"]);
    assert!(out.contains("hooks.PreToolUse: added"), "{out}");
    assert!(out.contains("backup:"), "{out}");
    let after = read_json(&settings);

    // Every other key is as it was.
    for key in ["model", "permissions", "env", "statusLine"] {
        assert_eq!(after[key], original[key], "{key}");
    }
    assert_eq!(after["hooks"]["Stop"], original["hooks"]["Stop"]);
    // The other PreToolUse hook is still first; ours follows.
    let pre = after["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 2);
    assert_eq!(pre[0], original["hooks"]["PreToolUse"][0]);
    let ours = json!({"type": "command", "command": our_command("claude"), "timeout": 10, "onFailure": "block"});
    assert_eq!(pre[1], json!({"matcher": ".*", "hooks": [ours]}));
    assert_eq!(
        after["hooks"]["PostToolUse"],
        json!([{"matcher": ".*", "hooks": [ours]}])
    );
    for event in ["SessionStart", "UserPromptSubmit"] {
        let groups = after["hooks"][event].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{event}");
        assert!(groups[0].get("matcher").is_none(), "{event}");
        assert_eq!(
            groups[0]["hooks"][0]["command"],
            json!(our_command("claude"))
        );
    }
    // Key order is kept: `model` still comes first.
    let text = fs::read_to_string(&settings).unwrap();
    assert!(
        text.find("\"model\"") < text.find("\"permissions\""),
        "{text}"
    );
    assert!(
        text.contains("\n    \"model\""),
        "4-space indent kept: {text}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&settings), 0o600, "permissions kept");

    // The backup holds the original bytes.
    let b = backups(&settings);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(fs::read_to_string(&b[0]).unwrap(), CLAUDE_SETTINGS);

    // A second install changes nothing and writes no backup.
    let out = w.ok(&["install", "--agent", "claude"]);
    assert!(
        out.contains("already installed, nothing to change"),
        "{out}"
    );
    assert_eq!(fs::read_to_string(&settings).unwrap(), text);
    assert_eq!(backups(&settings).len(), 1);

    // Uninstall gives back the original document.
    let out = w.ok(&["uninstall"]);
    assert!(
        out.contains("hooks.PreToolUse: removed 1 agent-policy entry"),
        "{out}"
    );
    assert_eq!(read_json(&settings), original);
    assert_eq!(backups(&settings).len(), 2);
    #[cfg(unix)]
    assert_eq!(mode(&settings), 0o600);

    // And a second uninstall has nothing to do.
    let out = w.ok(&["uninstall"]);
    assert!(out.contains("nothing to remove"), "{out}");
    assert_eq!(backups(&settings).len(), 2);
}

#[test]
fn dry_run_writes_nothing() {
    let w = World::new();
    let settings = w.home.join(".claude/settings.json");
    w.write(&settings, CLAUDE_SETTINGS);
    let out = w.ok(&["install", "--dry-run"]);
    assert!(out.contains("dry run, nothing written"), "{out}");
    let cmd = our_command("claude");
    let added = |out: &str, sign: char| {
        out.lines()
            .any(|l| l.trim_start().starts_with(sign) && l.contains(&cmd))
    };
    assert!(added(&out, '+'), "the diff adds our entry: {out}");
    assert!(
        out.contains("\"onFailure\": \"block\""),
        "diff shows the entry: {out}"
    );
    assert_eq!(fs::read_to_string(&settings).unwrap(), CLAUDE_SETTINGS);
    assert!(backups(&settings).is_empty());

    // A project install that would create files creates none.
    let before = tree(&w.project);
    let out = w.ok(&[
        "install",
        "--dry-run",
        "--scope",
        "project",
        "--agent",
        "claude,codex,gemini,cursor,copilot,cline",
    ]);
    assert!(out.contains(".cursor/hooks.json"), "{out}");
    assert_eq!(tree(&w.project), before);

    // Uninstall's dry run leaves the installed file alone.
    w.ok(&["install"]);
    let installed = fs::read_to_string(&settings).unwrap();
    let out = w.ok(&["uninstall", "--dry-run"]);
    assert!(added(&out, '-'), "the diff removes our entry: {out}");
    assert_eq!(fs::read_to_string(&settings).unwrap(), installed);
    assert_eq!(backups(&settings).len(), 1);
}

#[test]
fn malformed_file_is_refused_and_nothing_is_written() {
    let w = World::new();
    let settings = w.home.join(".claude/settings.json");
    let bad = "{\n  \"model\": \"opus\",\n  \"hooks\": {\n}\n";
    w.write(&settings, bad);
    let (code, out, err) = w.run(&["install", "--agent", "cursor,claude"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&format!("{}:5:", settings.display())), "{err}");
    assert_eq!(fs::read_to_string(&settings).unwrap(), bad);
    assert!(backups(&settings).is_empty());
    // Files are planned before any is written: cursor's was not created.
    assert!(!w.home.join(".cursor/hooks.json").exists());

    // A `hooks` of the wrong type is refused, not replaced.
    w.write(&settings, r#"{"hooks": ["x"]}"#);
    let (code, _, err) = w.run(&["install"]);
    assert_eq!(code, 2);
    assert!(err.contains("`hooks` is not a JSON object"), "{err}");
    assert_eq!(
        fs::read_to_string(&settings).unwrap(),
        r#"{"hooks": ["x"]}"#
    );

    let (code, _, err) = w.run(&["uninstall"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn claude_scopes_pick_their_files() {
    let w = World::new();
    w.ok(&["install", "--scope", "project"]);
    let project = w.project.join(".claude/settings.json");
    assert!(project.exists(), "git toplevel found from src/deep");
    assert!(!w.project.join("src/deep/.claude").exists());
    assert!(backups(&project).is_empty(), "a new file needs no backup");

    w.ok(&["install", "--scope", "local"]);
    assert!(w.project.join(".claude/settings.local.json").exists());

    let out = w.ok(&["install", "--scope", "managed", "--dry-run"]);
    assert!(
        out.contains("/etc/claude-code/managed-settings.json"),
        "{out}"
    );

    let (code, _, err) = w.run(&["install", "--agent", "cursor", "--scope", "local"]);
    assert_eq!(code, 2);
    assert!(err.contains("Claude Code only"), "{err}");

    // A file we created is removed by uninstall (to its backup).
    w.ok(&["uninstall", "--scope", "project"]);
    assert!(!project.exists());
    assert_eq!(backups(&project).len(), 1);
}

#[test]
fn every_agent_gets_its_shape_and_uninstall_removes_it() {
    let w = World::new();
    let all = "claude,codex,gemini,cursor,copilot,cline";
    // Pre-existing user files with keys of their own.
    let gemini = w.home.join(".gemini/settings.json");
    w.write(
        &gemini,
        r#"{"theme": "dark", "hooks": {"BeforeTool": [{"matcher": "run_shell_command", "hooks": [{"type": "command", "command": "lint"}]}]}}"#,
    );
    let cursor = w.home.join(".cursor/hooks.json");
    w.write(
        &cursor,
        r#"{"version": 1, "hooks": {"afterFileEdit": [{"command": "fmt"}]}}"#,
    );
    w.ok(&["install", "--agent", all]);

    let c = read_json(&w.home.join(".claude/settings.json"));
    assert_eq!(
        c["hooks"]["PreToolUse"][0]["hooks"][0]["onFailure"],
        "block"
    );

    let codex = read_json(&w.home.join(".codex/hooks.json"));
    assert_eq!(
        codex["hooks"]["PreToolUse"],
        json!([{"matcher": ".*", "hooks": [{"type": "command", "command": our_command("codex"), "timeout": 10}]}])
    );
    assert!(codex["hooks"]["SessionStart"].is_array());

    let g = read_json(&gemini);
    assert_eq!(g["theme"], "dark");
    let before = g["hooks"]["BeforeTool"].as_array().unwrap();
    assert_eq!(before.len(), 2);
    assert_eq!(before[0]["hooks"][0]["command"], "lint");
    assert_eq!(
        before[1],
        json!({"matcher": ".*", "hooks": [{"name": "agent-policy", "type": "command", "command": our_command("gemini"), "timeout": 10000}]})
    );
    assert_eq!(g["hooks"]["AfterTool"][0]["hooks"][0]["timeout"], 10000);

    let cu = read_json(&cursor);
    assert_eq!(cu["version"], 1);
    assert_eq!(cu["hooks"]["afterFileEdit"], json!([{"command": "fmt"}]));
    for event in [
        "beforeShellExecution",
        "beforeMCPExecution",
        "beforeReadFile",
    ] {
        assert_eq!(
            cu["hooks"][event],
            json!([{"command": our_command("cursor")}]),
            "{event}"
        );
    }

    let copilot_file = w.home.join(".copilot/hooks/agent-policy.json");
    assert_eq!(
        read_json(&copilot_file),
        json!({"hooks": {"preToolUse": [{"type": "command", "bash": our_command("copilot"), "timeoutSec": 10}]}, "version": 1})
    );

    let cline = w.home.join("Documents/Cline/Hooks/PreToolUse");
    let script = fs::read_to_string(&cline).unwrap();
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(
        script.contains(&format!("exec {}\n", our_command("cline"))),
        "{script}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&cline), 0o755);

    // Idempotent for every agent.
    let out = w.ok(&["install", "--agent", all]);
    assert_eq!(out.matches("already installed").count(), 6, "{out}");

    // Uninstall: the pre-existing files are back as they were, ours are gone.
    w.ok(&["uninstall", "--agent", all]);
    assert_eq!(
        read_json(&gemini),
        json!({"theme": "dark", "hooks": {"BeforeTool": [{"matcher": "run_shell_command", "hooks": [{"type": "command", "command": "lint"}]}]}})
    );
    assert_eq!(
        read_json(&cursor),
        json!({"version": 1, "hooks": {"afterFileEdit": [{"command": "fmt"}]}})
    );
    for created in [
        w.home.join(".claude/settings.json"),
        w.home.join(".codex/hooks.json"),
        copilot_file,
        cline,
    ] {
        assert!(!created.exists(), "{}", created.display());
        assert_eq!(backups(&created).len(), 1, "{}", created.display());
    }
}

#[test]
fn project_scope_paths_for_other_agents() {
    let w = World::new();
    w.ok(&[
        "install",
        "--scope",
        "project",
        "--agent",
        "codex,gemini,cursor,copilot,cline",
    ]);
    let files = tree(&w.project);
    for f in [
        ".codex/hooks.json",
        ".gemini/settings.json",
        ".cursor/hooks.json",
        ".github/hooks/agent-policy.json",
        ".clinerules/hooks/PreToolUse",
    ] {
        assert!(files.contains(&f.to_string()), "{f} in {files:?}");
    }
}

#[test]
fn command_override_is_quoted_and_replaces_an_older_entry() {
    let w = World::new();
    let settings = w.home.join(".claude/settings.json");
    w.ok(&["install", "--command", "/opt/old/policy-cli"]);
    w.ok(&["install", "--command", "/opt/my tools/policy-cli"]);
    let v = read_json(&settings);
    let pre = v["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 1, "the old entry was replaced: {pre:?}");
    assert_eq!(
        pre[0]["hooks"][0]["command"],
        "'/opt/my tools/policy-cli' hook --agent claude"
    );
    // A command not named policy-cli is still recognised when given again.
    w.ok(&["uninstall"]);
    w.ok(&["install", "--command", "/opt/ap"]);
    let out = w.ok(&["install", "--command", "/opt/ap"]);
    assert!(out.contains("already installed"), "{out}");
    w.ok(&["uninstall", "--command", "/opt/ap"]);
    assert!(!settings.exists());
}

#[test]
fn a_foreign_cline_script_is_left_alone() {
    let w = World::new();
    let script = w.project.join(".clinerules/hooks/PreToolUse");
    w.write(&script, "#!/bin/sh\necho '{\"cancel\": false}'\n");
    let (code, _, err) = w.run(&["install", "--agent", "cline", "--scope", "project"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not agent-policy's hook"), "{err}");
    let out = w.ok(&["uninstall", "--agent", "cline", "--scope", "project"]);
    assert!(out.contains("left alone"), "{out}");
    assert_eq!(
        fs::read_to_string(&script).unwrap(),
        "#!/bin/sh\necho '{\"cancel\": false}'\n"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_settings_file_stays_a_symlink() {
    let w = World::new();
    let real = w.home.join("dotfiles/claude.json");
    w.write(&real, r#"{"model": "opus"}"#);
    fs::create_dir_all(w.home.join(".claude")).unwrap();
    let link = w.home.join(".claude/settings.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    w.ok(&["install"]);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read_json(&real)["model"], "opus");
    assert!(read_json(&real)["hooks"]["PreToolUse"].is_array());
}

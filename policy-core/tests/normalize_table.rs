//! Table-driven tests of the Bash normalizer: `tests/cases/normalize.txt`
//! holds commands and the `describe()` lines of the actions they must
//! normalize to (the format is documented at the top of that file).
//!
//! Every case is checked and all failures are reported at once, with the
//! case's line number, the command, and the expected and actual lines.
//! Cases marked `@known-bug` must still fail (so the marker is removed once
//! the bug is fixed); they are listed in the output.
//!
//! Set `NORMALIZE_TABLE_DUMP=1` to print every case with its actual output
//! in the file's format (handy when writing new cases: never copy the output
//! blindly, decide what bash really does).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;

use policy_core::{normalize_command, Action, ShellOptions};

/// The working directory every case starts in.
const CWD: &str = "/home/dev/project";
/// The home directory every case assumes.
const HOME: &str = "/home/dev";
/// The fewest cases the table must hold.
const MIN_CASES: usize = 300;

/// One case of the table.
#[derive(Debug)]
struct Case {
    /// 1-based line number of the `$ ` line.
    line: usize,
    /// The command text (continuation lines joined with `\n`).
    command: String,
    /// The expected `describe()` lines, after cwd normalisation.
    expected: Vec<String>,
    /// The reason given by `@known-bug`, when the case is expected to fail.
    known_bug: Option<String>,
    /// `@summary`: compare `summary()` lines (no origin) instead of `describe()`.
    summary: bool,
    /// `@subset`: the expected lines must appear in the actual list, in order,
    /// with other lines allowed around them.
    subset: bool,
}

fn options() -> ShellOptions {
    let mut opts = ShellOptions::for_home(HOME, CWD);
    opts.passwd_lookup = false;
    opts
}

/// Commands too large or too repetitive to write in the table, named by `$@ NAME`.
fn generated(name: &str) -> Result<String, String> {
    match name {
        // 300 KB: past the 256 KiB input cap.
        "too_large_300k" => Ok(format!("echo {}", "a".repeat(300 * 1024))),
        // 200 nested command substitutions: past the depth limit.
        "nested_substitutions_200" => Ok(format!(
            "echo {}x{}",
            "$(echo ".repeat(200),
            ")".repeat(200)
        )),
        // 200 nested subshells.
        "nested_subshells_200" => Ok(format!("{}rm x{}", "( ".repeat(200), " )".repeat(200))),
        _ => Err(format!("unknown generator `{name}`")),
    }
}

fn parse_table(text: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    // True while the lines after a `$ ` line may still continue the command.
    let mut in_command = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches('\r');
        if let Some(cmd) = line.strip_prefix("$ ") {
            cases.push(Case {
                line: line_no,
                command: cmd.to_string(),
                expected: Vec::new(),
                known_bug: None,
                summary: false,
                subset: false,
            });
            in_command = true;
            continue;
        }
        if let Some(name) = line.strip_prefix("$@ ") {
            cases.push(Case {
                line: line_no,
                command: generated(name.trim()).map_err(|e| format!("line {line_no}: {e}"))?,
                expected: Vec::new(),
                known_bug: None,
                summary: false,
                subset: false,
            });
            in_command = true;
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            in_command = false;
            continue;
        }
        let Some(case) = cases.last_mut() else {
            return Err(format!(
                "line {line_no}: expected line before the first case"
            ));
        };
        if in_command && (line == ">" || line.starts_with("> ")) {
            case.command.push('\n');
            case.command.push_str(line.get(2..).unwrap_or(""));
            continue;
        }
        if line.starts_with('@') && !case.expected.is_empty() {
            return Err(format!(
                "line {line_no}: directives must come before the expected lines"
            ));
        }
        if line == "@summary" {
            case.summary = true;
            continue;
        }
        if line == "@subset" {
            case.subset = true;
            continue;
        }
        if let Some(reason) = line.strip_prefix("@known-bug") {
            if case.known_bug.is_some() {
                return Err(format!("line {line_no}: a second @known-bug"));
            }
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(format!("line {line_no}: @known-bug needs a reason"));
            }
            case.known_bug = Some(reason.to_string());
            continue;
        }
        if line.starts_with('@') {
            return Err(format!("line {line_no}: unknown directive `{line}`"));
        }
        in_command = false;
        case.expected.push(line.to_string());
    }
    Ok(cases)
}

/// `describe()` with the working directory note normalised: dropped when it is
/// the starting directory, `cwd ?` when the action's directory is unknown.
fn describe(action: &Action) -> String {
    let line = action.describe();
    match action.origin() {
        Some(o) if o.cwd.is_none() => {
            if line == action.summary() {
                format!("{line}   [cwd ?]")
            } else {
                match line.strip_suffix(']') {
                    Some(rest) => format!("{rest}; cwd ?]"),
                    None => line,
                }
            }
        }
        _ => strip_cwd(&line),
    }
}

/// `describe()` text without the trailing working directory when it is the starting one.
fn strip_cwd(line: &str) -> String {
    let only = format!("   [cwd {CWD}]");
    let last = format!("; cwd {CWD}]");
    if let Some(rest) = line.strip_suffix(&only) {
        rest.to_string()
    } else if let Some(rest) = line.strip_suffix(&last) {
        format!("{rest}]")
    } else {
        line.to_string()
    }
}

fn actual(command: &str, opts: &ShellOptions, summary: bool) -> Result<Vec<String>, String> {
    let command = command.to_string();
    let opts = opts.clone();
    // A panic in the normalizer is a failure of this case, not of the whole table.
    std::panic::catch_unwind(move || {
        normalize_command(&command, &opts)
            .iter()
            .map(|a| if summary { a.summary() } else { describe(a) })
            .collect()
    })
    .map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default();
        format!("PANIC: {msg}")
    })
}

/// True when `want` appears in `have` in order (other lines allowed between).
fn is_subsequence(want: &[String], have: &[String]) -> bool {
    let mut have = have.iter();
    want.iter().all(|w| have.any(|h| h == w))
}

fn show_command(command: &str) -> String {
    if command.len() > 200 {
        let mut end = 200;
        while !command.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}… ({} bytes)", &command[..end], command.len())
    } else {
        command.replace('\n', "\n  > ")
    }
}

fn lines(ls: &[String]) -> String {
    if ls.is_empty() {
        return "      (no actions)\n".into();
    }
    ls.iter().fold(String::new(), |mut s, l| {
        let _ = writeln!(s, "      {l}");
        s
    })
}

#[test]
fn normalize_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/normalize.txt");
    let text = std::fs::read_to_string(path).expect("read tests/cases/normalize.txt");
    let cases = match parse_table(&text) {
        Ok(c) => c,
        Err(e) => panic!("normalize.txt: {e}"),
    };
    let opts = options();
    let dump = std::env::var_os("NORMALIZE_TABLE_DUMP").is_some();
    // Silence the default panic message of cases that panic; they are reported below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));

    let mut failures = String::new();
    let mut n_failed = 0;
    let mut fixed = String::new();
    let mut n_fixed = 0;
    let mut known = String::new();
    let mut dumped = String::new();
    for case in &cases {
        let got = actual(&case.command, &opts, case.summary);
        let got_lines = match &got {
            Ok(l) => l.clone(),
            Err(p) => vec![p.clone()],
        };
        if dump {
            let _ = writeln!(dumped, "# line {}", case.line);
            let _ = writeln!(dumped, "$ {}", case.command.replace('\n', "\n> "));
            for l in &got_lines {
                let _ = writeln!(dumped, "{l}");
            }
            dumped.push('\n');
        }
        let ok = got.as_ref().is_ok_and(|l| {
            if case.subset {
                is_subsequence(&case.expected, l)
            } else {
                *l == case.expected
            }
        });
        match (&case.known_bug, ok) {
            (None, true) => {}
            (None, false) => {
                n_failed += 1;
                let _ = write!(
                    failures,
                    "--- line {}: $ {}\n    expected:\n{}    actual:\n{}",
                    case.line,
                    show_command(&case.command),
                    lines(&case.expected),
                    lines(&got_lines)
                );
            }
            (Some(reason), true) => {
                n_fixed += 1;
                let _ = writeln!(
                    fixed,
                    "--- line {}: $ {}  (was: {reason}) now passes: remove its @known-bug",
                    case.line,
                    show_command(&case.command)
                );
            }
            (Some(reason), false) => {
                let _ = write!(
                    known,
                    "--- line {}: $ {}  [{reason}]\n    expected:\n{}    actual:\n{}",
                    case.line,
                    show_command(&case.command),
                    lines(&case.expected),
                    lines(&got_lines)
                );
            }
        }
    }
    std::panic::set_hook(hook);

    if dump {
        println!("{dumped}");
    }
    let n_known = cases.iter().filter(|c| c.known_bug.is_some()).count() - n_fixed;
    println!(
        "{} cases: {} passed, {} failed, {} known bugs still failing, {} known bugs fixed",
        cases.len(),
        cases.len() - n_failed - n_known - n_fixed,
        n_failed,
        n_known,
        n_fixed
    );
    if !known.is_empty() {
        println!("\nknown bugs (expected to fail):\n{known}");
    }
    let mut problems = String::new();
    if cases.len() < MIN_CASES {
        let _ = writeln!(
            problems,
            "the table has {} cases, fewer than {MIN_CASES}",
            cases.len()
        );
    }
    if n_failed > 0 {
        let _ = write!(problems, "\n{n_failed} failing case(s):\n{failures}");
    }
    if n_fixed > 0 {
        let _ = write!(
            problems,
            "\n{n_fixed} @known-bug case(s) now pass:\n{fixed}"
        );
    }
    assert!(problems.is_empty(), "{problems}");
}

#[test]
fn table_format() {
    let cases =
        parse_table("# c\n$ a\n> b\n@known-bug why\nexec a\n\n$ x\n>\n> y\nexec x   [eval]\n")
            .expect("parses");
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].command, "a\nb");
    assert_eq!(cases[0].known_bug.as_deref(), Some("why"));
    assert_eq!(cases[0].expected, ["exec a"]);
    assert_eq!(cases[1].command, "x\n\ny");
    assert_eq!(cases[1].line, 7);
    assert!(parse_table("exec a\n").is_err());
    assert!(parse_table("$ a\nexec a\n@known-bug late\n").is_err());
    assert_eq!(strip_cwd("exec a   [cwd /home/dev/project]"), "exec a");
    assert_eq!(
        strip_cwd("exec a   [conditional; cwd /home/dev/project]"),
        "exec a   [conditional]"
    );
    assert_eq!(
        strip_cwd("exec a   [conditional; cwd /tmp]"),
        "exec a   [conditional; cwd /tmp]"
    );
}

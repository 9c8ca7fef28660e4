//! The interpreter table: programs that run code given inline (`python -c`,
//! `perl -e`, `node -e`, `awk PROGRAM`, ...), and the shells.
//!
//! Also finds shell commands embedded in interpreter code (`os.system("…")`,
//! `execSync("…")`, Ruby/Perl backticks, awk `system("…")`), so that
//! `node -e 'require("child_process").execSync("rm -rf ~")'` is seen as an `rm`.

use crate::action::Word;
use crate::shell::wrappers::scan_options;

/// How an interpreter takes its code.
pub(crate) struct Interpreter {
    /// Program names (version suffixes like `python3.12` are stripped before lookup).
    pub names: &'static [&'static str],
    /// The language name used in [`CodeExec`](crate::CodeExec).
    pub language: &'static str,
    /// Options whose value is code (`-c`, `-e`, `--eval`).
    pub code_opts: &'static [&'static str],
    /// Other options that take a value.
    pub value_opts: &'static [&'static str],
    /// Options that end option parsing and run something that is not code text (`python -m mod`).
    pub module_opts: &'static [&'static str],
    /// Options whose value is a program file (`awk -f prog.awk`).
    pub file_opts: &'static [&'static str],
    /// The first operand is the program text (awk, sed) unless a file option was given.
    pub operand_is_code: bool,
}

const fn i(names: &'static [&'static str], language: &'static str) -> Interpreter {
    Interpreter {
        names,
        language,
        code_opts: &[],
        value_opts: &[],
        module_opts: &[],
        file_opts: &[],
        operand_is_code: false,
    }
}

/// The table.
pub(crate) static INTERPRETERS: &[Interpreter] = &[
    Interpreter {
        code_opts: &["-c"],
        value_opts: &["-W", "-X", "-Q"],
        module_opts: &["-m"],
        ..i(&["python", "pypy", "python2", "python3", "pypy3"], "python")
    },
    Interpreter {
        code_opts: &["-e", "-E"],
        value_opts: &[
            // -i, -l, -0, -x, -C, -d, -D take attached values only (`-i.bak`).
            "-I", "-M", "-m",
        ],
        ..i(&["perl"], "perl")
    },
    Interpreter {
        code_opts: &["-e"],
        value_opts: &[
            "-r",
            "-I",
            "-E",
            "-C",
            // -x, -F, -i, -0, -W take attached values only.
            "--encoding",
            "--external-encoding",
            "--internal-encoding",
        ],
        ..i(&["ruby", "jruby"], "ruby")
    },
    Interpreter {
        code_opts: &["-e", "--eval", "-p", "--print"],
        value_opts: &[
            "-r",
            "--require",
            "--import",
            "--loader",
            "--experimental-loader",
            "--input-type",
            "--conditions",
            "-C",
            "--env-file",
            "--inspect-port",
            "--title",
        ],
        ..i(&["node", "nodejs", "bun"], "javascript")
    },
    Interpreter {
        code_opts: &["eval"],
        ..i(&["deno"], "javascript")
    },
    Interpreter {
        code_opts: &["-r", "-B", "-R", "-E"],
        value_opts: &["-d", "-c", "-z"],
        file_opts: &["-f", "-F"],
        ..i(&["php"], "php")
    },
    Interpreter {
        code_opts: &["-e"],
        value_opts: &["-l"],
        ..i(&["lua", "luajit"], "lua")
    },
    Interpreter {
        code_opts: &["-e"],
        ..i(&["Rscript", "R"], "r")
    },
    Interpreter {
        code_opts: &["-e"],
        value_opts: &["-l", "-s"],
        ..i(&["osascript"], "applescript")
    },
    Interpreter {
        code_opts: &[
            "-c",
            "-command",
            "-Command",
            "-e",
            "-encodedcommand",
            "-EncodedCommand",
        ],
        value_opts: &["-f", "-File", "-ExecutionPolicy", "-executionpolicy"],
        ..i(&["pwsh", "powershell"], "powershell")
    },
    Interpreter {
        code_opts: &["-e", "--source"],
        value_opts: &[
            "-F",
            "-v",
            "--assign",
            "--field-separator",
            "-i",
            "--include",
            "-l",
            "--load",
        ],
        file_opts: &["-f", "--file"],
        operand_is_code: true,
        ..i(&["awk", "gawk", "mawk", "nawk"], "awk")
    },
    Interpreter {
        code_opts: &["-e", "--expression"],
        value_opts: &["-l", "--line-length", "-s"],
        file_opts: &["-f", "--file"],
        operand_is_code: true,
        ..i(&["sed", "gsed"], "sed")
    },
    Interpreter {
        code_opts: &["-c"],
        ..i(&["expect"], "tcl")
    },
    i(&["tclsh", "wish"], "tcl"),
];

/// Shell names; `busybox sh` is unwrapped before lookup.
pub(crate) const SHELLS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "fish", "csh", "tcsh", "rbash",
    "posh",
];

/// Strips a version suffix: `python3.12` → `python3`, `perl5.36` → `perl`.
pub(crate) fn base_name(program: &str) -> &str {
    let trimmed = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if trimmed.is_empty() || INTERPRETERS.iter().any(|i| i.names.contains(&program)) {
        program
    } else {
        trimmed
    }
}

/// Finds the interpreter row for `program`.
pub(crate) fn lookup(program: &str) -> Option<&'static Interpreter> {
    let name = base_name(program);
    INTERPRETERS
        .iter()
        .find(|i| i.names.contains(&name) || i.names.contains(&program))
}

/// How an interpreter invocation gets its code.
#[derive(Debug, PartialEq)]
pub(crate) enum CodeFrom {
    /// Inline code (possibly several `-e` pieces joined by newlines).
    Inline(Word),
    /// A script or program file.
    File(Word),
    /// Standard input.
    Stdin,
    /// Not code (a module, a version query, ...).
    Other,
}

/// Works out where an interpreter's code comes from.
pub(crate) fn code_from(spec: &Interpreter, args: &[Word]) -> CodeFrom {
    if spec.language == "powershell" {
        return powershell_code(args);
    }
    // `deno eval CODE`
    if spec.code_opts.iter().any(|o| !o.starts_with('-')) {
        if let Some(first) = args.first().and_then(Word::as_literal) {
            if spec.code_opts.contains(&first.as_str()) {
                return args
                    .get(1)
                    .cloned()
                    .map_or(CodeFrom::Other, CodeFrom::Inline);
            }
        }
        return CodeFrom::Other;
    }
    let value_opts: Vec<&str> = spec
        .code_opts
        .iter()
        .chain(spec.value_opts)
        .chain(spec.module_opts)
        .chain(spec.file_opts)
        .copied()
        .collect();
    let mut code: Vec<Word> = Vec::new();
    let mut file = None;
    let mut module = false;
    let first_operand = scan_options(args, &value_opts, |opt, value| {
        let Some(v) = value else { return };
        if spec.code_opts.contains(&opt) {
            code.push(v.clone());
        } else if spec.file_opts.contains(&opt) {
            file = Some(v.clone());
        } else if spec.module_opts.contains(&opt) {
            module = true;
        }
    });
    if !code.is_empty() {
        return CodeFrom::Inline(crate::shell::words::join_words_with(code, "\n"));
    }
    if let Some(f) = file {
        return CodeFrom::File(f);
    }
    if module {
        return CodeFrom::Other;
    }
    match args.get(first_operand) {
        Some(w) if spec.operand_is_code => CodeFrom::Inline(w.clone()),
        Some(w) if w.as_literal().as_deref() == Some("-") => CodeFrom::Stdin,
        Some(w) => CodeFrom::File(w.clone()),
        None => CodeFrom::Stdin,
    }
}

/// PowerShell's parameters are single-dash, case-insensitive and may be
/// abbreviated (`-c`, `-Com`, `-EncodedCommand`, `-enc`); `-EncodedCommand` is
/// base64 of UTF-16LE text, decoded here.
fn powershell_code(args: &[Word]) -> CodeFrom {
    const WITH_VALUE: &[&str] = &[
        "-executionpolicy",
        "-windowstyle",
        "-workingdirectory",
        "-outputformat",
        "-inputformat",
        "-configurationname",
        "-custompipename",
        "-settingsfile",
        "-version",
        "-psconsolefile",
    ];
    let is = |arg: &str, full: &str, min: usize| arg.len() >= min && full.starts_with(arg);
    let mut i = 0;
    while i < args.len() {
        let Some(a) = args[i].as_literal() else {
            return CodeFrom::File(args[i].clone());
        };
        let lower = a.to_ascii_lowercase();
        if !lower.starts_with('-') {
            // A bare first operand is a script file; `-` reads stdin.
            return if lower == "-" {
                CodeFrom::Stdin
            } else {
                CodeFrom::File(args[i].clone())
            };
        }
        if is(&lower, "-encodedcommand", 2) {
            let decoded = args
                .get(i + 1)
                .and_then(Word::as_literal)
                .and_then(|b| decode_utf16le_base64(&b));
            return match decoded {
                Some(code) => CodeFrom::Inline(Word::literal(code)),
                None => args
                    .get(i + 1)
                    .cloned()
                    .map_or(CodeFrom::Other, CodeFrom::Inline),
            };
        }
        if is(&lower, "-command", 2) {
            // The rest of the arguments, joined, is the command.
            let rest: Vec<Word> = args[i + 1..].to_vec();
            return if rest.is_empty() {
                CodeFrom::Stdin
            } else {
                CodeFrom::Inline(crate::shell::words::join_words(rest))
            };
        }
        if is(&lower, "-file", 2) {
            return args
                .get(i + 1)
                .cloned()
                .map_or(CodeFrom::Other, CodeFrom::File);
        }
        i += if WITH_VALUE.iter().any(|w| is(&lower, w, 3)) {
            2
        } else {
            1
        };
    }
    CodeFrom::Stdin
}

fn decode_utf16le_base64(b64: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    Some(String::from_utf16_lossy(&units))
}

/// Shell commands embedded in interpreter code: the string literal arguments of
/// `system(…)`, `exec(…)`, `popen(…)`, `execSync(…)`, `subprocess.*(…)`,
/// `shell_exec(…)`, and Ruby/Perl backticks and `%x(…)`/`qx(…)`.
pub(crate) fn embedded_shell(language: &str, code: &str) -> Vec<String> {
    let backticks = matches!(language, "ruby" | "perl" | "php");
    let quoted_exec = matches!(language, "ruby" | "perl");
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let word_byte = |i: usize| bytes.get(i).is_some_and(|&b| WORD[usize::from(b)]);
    let mut idx = 0;
    // Word by word: a call name is a whole word (`do shell script` starts
    // with one) and is looked up only at a word's start; inside a word only
    // a `qx` (Perl, Ruby) can start something. Other bytes are stepped over
    // one by one, stopping only at a backtick or `%x`. Every stop is at an
    // ASCII byte, so `idx` is then at a character boundary.
    while idx < bytes.len() && out.len() < 64 {
        let c = bytes[idx];
        if !WORD[usize::from(c)] {
            let quote = (backticks && c == b'`') || (quoted_exec && c == b'%');
            let rest = if quote { code.get(idx..) } else { None };
            let read = rest.and_then(|rest| match c {
                b'`' => backtick_string(rest, &mut out),
                _ => quoted_command(rest, &mut out),
            });
            idx += read.unwrap_or(1);
            continue;
        }
        let start = idx;
        let word_start = start == 0 || !word_byte(start - 1);
        idx += 1;
        while word_byte(idx) {
            idx += 1;
        }
        let rest = code.get(start..).unwrap_or_default();
        if word_start && FIRST[usize::from(c)] {
            if let Some(call) = call_named(rest, code.get(start..idx).unwrap_or_default()) {
                call_arguments(rest.get(call.len()..).unwrap_or_default(), &mut out);
                idx = start + call.len();
                continue;
            }
        }
        if quoted_exec {
            // A `qx` in the word: the first `q` from its start on.
            let word = bytes.get(start..idx).unwrap_or_default();
            if let Some(q) = memchr::memchr(b'q', word) {
                let at = start + q;
                idx = at
                    + code
                        .get(at..)
                        .and_then(|rest| quoted_command(rest, &mut out))
                        .unwrap_or(1);
            }
        }
    }
    out
}

/// The bytes of a word (ASCII letters, digits, `_`).
const WORD: [bool; 256] = {
    let mut word = [false; 256];
    let mut b = 0;
    while b < 256 {
        word[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    word
};

/// The calls whose string argument [`embedded_shell`] reads as a command.
const CALLS: &[&str] = &[
    "system",
    "exec",
    "execSync",
    "spawnSync",
    "spawn",
    "execFileSync",
    "popen",
    "check_output",
    "check_call",
    "call",
    "run",
    "Popen",
    "getoutput",
    "getstatusoutput",
    "shell_exec",
    "passthru",
    "proc_open",
    "Command",
    "execute",
];

/// AppleScript's call, of three words.
const SHELL_SCRIPT: &str = "do shell script";

/// Whether a byte starts one of [`CALLS`] or [`SHELL_SCRIPT`]: most words
/// of a script are ruled out by their first byte.
const FIRST: [bool; 256] = {
    let mut first = [false; 256];
    let mut i = 0;
    while i < CALLS.len() {
        first[CALLS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    first[SHELL_SCRIPT.as_bytes()[0] as usize] = true;
    first
};

/// The call of [`embedded_shell`] named at the start of `rest`, whose first
/// word is `word`: the whole word, or `do shell script` ending at a word's
/// end.
fn call_named(rest: &str, word: &str) -> Option<&'static str> {
    if word == "do" {
        let after = rest.get(SHELL_SCRIPT.len()..)?;
        let ends = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        return (rest.starts_with(SHELL_SCRIPT) && ends).then_some(SHELL_SCRIPT);
    }
    CALLS.iter().copied().find(|call| *call == word)
}

/// Reads the argument after a call name into `out`: a string literal, or a
/// list of them (`subprocess.run(['rm', '-rf', 'x'])`), after an optional `(`.
fn call_arguments(after: &str, out: &mut Vec<String>) {
    let after = after.trim_start();
    let after = after.strip_prefix('(').unwrap_or(after).trim_start();
    if let Some(list) = after.strip_prefix('[') {
        if let Some(argv) = string_list(list) {
            out.push(
                argv.iter()
                    .map(|a| shell_quote(a))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    } else if let Some(s) = string_literal(after) {
        out.push(s);
    }
}

/// A backtick command at the start of `rest` into `out`: the length read, or
/// `None` when it is not closed.
fn backtick_string(rest: &str, out: &mut Vec<String>) -> Option<usize> {
    let body = rest.get(1..)?;
    let end = body.find('`')?;
    out.push(body.get(..end)?.to_string());
    Some(end + 2)
}

/// A `%x(…)` / `qx(…)` command at the start of `rest` into `out` (any
/// delimiter; brackets close with their pair): the length read, or `None`.
fn quoted_command(rest: &str, out: &mut Vec<String>) -> Option<usize> {
    if !(rest.starts_with("%x") || rest.starts_with("qx")) {
        return None;
    }
    let open = rest.get(2..)?.chars().next()?;
    let close = match open {
        '(' => ')',
        '{' => '}',
        '[' => ']',
        '<' => '>',
        o => o,
    };
    let body = rest.get(2 + open.len_utf8()..)?;
    let end = body.find(close)?;
    out.push(body.get(..end)?.to_string());
    Some(2 + open.len_utf8() + end + close.len_utf8())
}

/// Reads a list of string literals up to `]` (`'rm', "-rf", 'x']`).
fn string_list(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix(']') {
            let _ = r;
            return Some(out);
        }
        let lit = string_literal(rest)?;
        let quote = rest.chars().next()?;
        // Skip past the literal: find its closing quote, honouring escapes.
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                end = Some(i + c.len_utf8());
                break;
            }
        }
        out.push(lit);
        rest = rest[end?..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        if out.len() > 256 {
            return None;
        }
    }
}

/// Single-quotes a word for re-parsing as shell text when needed.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+%@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Reads a quoted string literal (`"…"`, `'…'`, `` `…` ``) at the start of `s`,
/// decoding `\\`, `\"`, `\'` and `\n`.
fn string_literal(s: &str) -> Option<String> {
    let mut chars = s.chars();
    let quote = chars.next()?;
    if !matches!(quote, '"' | '\'' | '`') {
        return None;
    }
    let mut out = String::new();
    while let Some(c) = chars.next() {
        if c == quote {
            return Some(out);
        }
        if c == '\\' {
            match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// The shell commands a sed script runs: the `e COMMAND` command. A `s///e` flag
/// (running the pattern space) gives `Some(None)`: code not known statically.
pub(crate) fn sed_exec(script: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for line in script.split(['\n', ';']) {
        let t = line.trim_start();
        // Skip an address: digits, $, /re/, ranges and `!`.
        let mut rest = t.trim_start_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '$' | ',' | '!' | '~' | ' ')
        });
        if let Some(r) = rest.strip_prefix('/') {
            rest = r.split_once('/').map_or("", |x| x.1).trim_start();
            rest = rest.trim_start_matches(|c: char| {
                c.is_ascii_digit() || matches!(c, '$' | ',' | '!' | ' ')
            });
        }
        if let Some(cmd) = rest.strip_prefix('e') {
            if cmd.is_empty() || cmd.starts_with(' ') {
                let c = cmd.trim();
                out.push(if c.is_empty() {
                    None
                } else {
                    Some(c.to_string())
                });
            }
        } else if let Some(s) = rest.strip_prefix('s') {
            let mut it = s.chars();
            if let Some(delim) = it.next() {
                let parts: Vec<&str> = s[delim.len_utf8()..].splitn(3, delim).collect();
                if parts.len() == 3
                    && parts[2].contains('e')
                    && parts[2].chars().all(|c| c.is_ascii_alphanumeric())
                {
                    out.push(None);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(s: &str) -> Vec<Word> {
        s.split(' ').map(Word::literal).collect()
    }

    #[test]
    fn python_and_perl() {
        assert_eq!(
            code_from(
                lookup("python3.12").unwrap_or(&INTERPRETERS[0]),
                &ws("-c print(1)")
            ),
            CodeFrom::Inline(Word::literal("print(1)"))
        );
        let perl = lookup("perl").unwrap_or(&INTERPRETERS[0]);
        assert_eq!(
            code_from(perl, &ws("-pe s/a/b/")),
            CodeFrom::Inline(Word::literal("s/a/b/"))
        );
        assert_eq!(
            code_from(&INTERPRETERS[0], &ws("-m http.server")),
            CodeFrom::Other
        );
        assert_eq!(
            code_from(&INTERPRETERS[0], &ws("x.py")),
            CodeFrom::File(Word::literal("x.py"))
        );
        assert_eq!(code_from(&INTERPRETERS[0], &[]), CodeFrom::Stdin);
    }

    #[test]
    fn powershell_parameters() {
        let pwsh = lookup("pwsh").unwrap_or(&INTERPRETERS[0]);
        let w = |s: &[&str]| s.iter().map(|x| Word::literal(*x)).collect::<Vec<_>>();
        assert_eq!(
            code_from(pwsh, &w(&["-NoProfile", "-Command", "iex", "(irm x)"])),
            CodeFrom::Inline(Word::literal("iex (irm x)"))
        );
        assert_eq!(
            code_from(pwsh, &w(&["-ExecutionPolicy", "Bypass", "-c", "Get-Date"])),
            CodeFrom::Inline(Word::literal("Get-Date"))
        );
        // "rm x" in UTF-16LE, base64.
        assert_eq!(
            code_from(pwsh, &w(&["-enc", "cgBtACAAeAA="])),
            CodeFrom::Inline(Word::literal("rm x"))
        );
        assert_eq!(
            code_from(pwsh, &w(&["-File", "a.ps1"])),
            CodeFrom::File(Word::literal("a.ps1"))
        );
        assert_eq!(
            code_from(pwsh, &w(&["b.ps1", "-x"])),
            CodeFrom::File(Word::literal("b.ps1"))
        );
    }

    #[test]
    fn embedded_calls() {
        assert_eq!(
            embedded_shell(
                "javascript",
                r#"require("child_process").execSync("rm -rf ~")"#
            ),
            ["rm -rf ~"]
        );
        assert_eq!(
            embedded_shell("ruby", "`git push --force origin main`"),
            ["git push --force origin main"]
        );
        assert_eq!(
            embedded_shell("awk", r#"BEGIN { system("rm -rf ~") }"#),
            ["rm -rf ~"]
        );
        assert_eq!(
            embedded_shell("python", "import os; os.system('id')"),
            ["id"]
        );
        assert!(embedded_shell("python", "print(1)").is_empty());
    }

    #[test]
    fn embedded_calls_start_words() {
        // A call name inside a longer identifier is not a call.
        assert!(embedded_shell("python", "mysystem('id'); system_x('id'); _exec('id')").is_empty());
        // After punctuation, a blank or a character that is not ASCII, it is.
        assert_eq!(embedded_shell("python", "é=1;system('a')"), ["a"]);
        assert_eq!(embedded_shell("python", "x = 'é'\nos.popen(\"b\")"), ["b"]);
        assert_eq!(
            embedded_shell("python", "subprocess.run(['rm', '-rf', 'x y'])"),
            ["rm -rf 'x y'"]
        );
        // The first listed name that fits wins: `execSync`, not `exec`.
        assert_eq!(embedded_shell("javascript", "execSync('c')"), ["c"]);
        // Backticks and `%x`/`qx` only where the language has them.
        assert_eq!(
            embedded_shell("perl", "my $x = qx{id}; %x(whoami)"),
            ["id", "whoami"]
        );
        assert_eq!(embedded_shell("php", "echo `ls`;"), ["ls"]);
        assert!(embedded_shell("python", "`ls` qx{id}").is_empty());
    }

    proptest::proptest! {
        /// Any code, in any language, is scanned without a panic, and every
        /// snippet found is text of the code (or an argument vector).
        #[test]
        fn embedded_shell_takes_any_code(
            language in proptest::sample::select(vec!["python", "ruby", "perl", "php", "javascript"]),
            code in "([a-z_ .;(){}\\[\\]'\"`%-]|é|—|system|execSync|qx|%x){0,24}",
        ) {
            for s in embedded_shell(language, &code) {
                proptest::prop_assert!(code.contains(&s) || s.contains(' ') || s.is_empty(), "{:?} from {:?}", s, code);
            }
        }
    }

    #[test]
    fn sed_e_command() {
        assert_eq!(sed_exec("1e rm -rf ~"), [Some("rm -rf ~".to_string())]);
        assert_eq!(sed_exec("s/x/id/e"), [None]);
        assert!(sed_exec("s/a/b/g").is_empty());
    }
}

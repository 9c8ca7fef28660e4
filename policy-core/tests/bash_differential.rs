//! Differential test of word expansion against real bash.
//!
//! Shell words are generated from building blocks (literals, quotes, `$'..'`,
//! brace expansion, tilde, `$IFS`, `$HOME`, ...) and expanded twice:
//!
//! * by bash: `bash -c 'set -f; cd /tmp; printf "%s\0" WORDS'` in a clean
//!   environment (the oracle), and
//! * by [`policy_core::normalize_command`] on `printf '%s\0' WORDS`.
//!
//! The argument vectors must be equal. Every generated word is statically
//! known (no unknown variables, no globs, no substitutions), so every argument
//! the normalizer produces must be a literal.
//!
//! A fixed table of hand-picked words and the lines of
//! `tests/bash_differential_regressions.txt` (one `WORDS` string per line,
//! `#` starts a comment line) are checked the same way.
//!
//! When `bash` is not on `PATH` the tests print a note and pass.
//!
//! Triage tools (ignored tests): `survey` runs `$PROPTEST_CASES` cases without
//! stopping and prints every distinct shrunk mismatch; `probe` compares the
//! WORDS lines given in `$BASH_DIFF_WORDS`; `show_samples` prints generated words.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

mod common;

use policy_core::{normalize_command, Action, ShellOptions};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};

const HOME: &str = "/home/dev";
const CWD: &str = "/tmp";
/// Appended to every `WORDS` string, so that bash's `printf` never runs with
/// zero arguments (it would still print one empty string) and so that word
/// boundaries at the end are checked too.
const SENTINEL: &str = "__end__";

// ---------------------------------------------------------------------------
// The oracle and the system under test
// ---------------------------------------------------------------------------

/// Skips the calling test (with a note) when bash is missing.
macro_rules! require_bash {
    () => {
        if !common::bash_available() {
            eprintln!("note: `bash` is not on PATH; skipping the bash differential test");
            return;
        }
    };
}

/// bash's argv for `printf "%s\0" WORDS`, or an error text when bash failed
/// (which means the generator produced something that is not a valid word).
fn bash_argv(words: &str) -> Result<Vec<String>, String> {
    let script = format!("set -f; cd {CWD}; printf \"%s\\0\" {words}");
    // Equivalent to `env -i HOME=/home/dev PATH=/usr/bin:/bin bash --norc
    // --noprofile -c SCRIPT`, with one addition: LC_ALL=C.UTF-8. Without a
    // UTF-8 locale bash prints `$'\u00e9'` as the six characters `\u00E9`
    // instead of `é`; agents run in UTF-8 locales, and the normalizer
    // decodes `\u` to UTF-8, so the C locale would be an artefact of the
    // harness, not a difference in expansion.
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env_clear()
        .env("HOME", HOME)
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C.UTF-8")
        .current_dir(CWD)
        .output()
        .map_err(|e| format!("cannot run bash: {e}"))?;
    if !out.status.success() || !out.stderr.is_empty() {
        return Err(format!(
            "bash failed (status {:?}) on script {script:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut pieces: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    // stdout ends with NUL, so the last piece is empty.
    match pieces.pop() {
        Some(last) if last.is_empty() => Ok(pieces),
        _ => Err(format!(
            "bash output not NUL-terminated for script {script:?}: {:?}",
            String::from_utf8_lossy(&out.stdout)
        )),
    }
}

fn sut_options() -> ShellOptions {
    let mut opts = ShellOptions::for_home(HOME, CWD);
    // `~name` is looked up in /etc/passwd, like bash does.
    opts.user = None;
    opts.env.remove("USER");
    opts.env.remove("LOGNAME");
    // The oracle runs `cd /tmp` first, which sets OLDPWD (to /tmp: it starts there).
    opts.env.insert("OLDPWD".into(), CWD.into());
    opts
}

/// The normalizer's expansion of WORDS (the arguments after the format), or an
/// explanation of why there is none.
fn our_argv(words: &str) -> Result<Vec<String>, String> {
    let command = format!("printf '%s\\0' {words}");
    let actions = normalize_command(&command, &sut_options());
    let exec = match actions.first() {
        Some(Action::Exec(e)) if e.program.as_deref() == Some("printf") => e,
        Some(other) => {
            return Err(format!(
                "first action is not Exec(printf): {other:?}\nall actions: {actions:?}"
            ))
        }
        None => return Err("no actions at all (expected Exec(printf))".to_string()),
    };
    if exec.args.first().and_then(|w| w.as_literal()).as_deref() != Some("%s\\0") {
        return Err(format!(
            "args[0] is not the format `%s\\0`: {:?}\nall actions: {actions:?}",
            exec.args.first()
        ));
    }
    let mut argv = Vec::new();
    for (i, w) in exec.args.iter().enumerate().skip(1) {
        match w.as_literal() {
            Some(s) => argv.push(s),
            None => {
                return Err(format!(
                    "args[{i}] is not literal: {w:?} (all args: {:?})\nall actions: {actions:?}",
                    exec.args_text()
                ))
            }
        }
    }
    let opaque: Vec<&Action> = actions
        .iter()
        .filter(|a| matches!(a, Action::Opaque(_)))
        .collect();
    if !opaque.is_empty() {
        return Err(format!(
            "expanded to {argv:?} but also produced Opaque actions: {opaque:?}"
        ));
    }
    Ok(argv)
}

/// Compares bash and the normalizer on one WORDS string (the sentinel is
/// appended here). `Err` carries a report with WORDS, bash's argv and ours.
fn compare(words: &str) -> Result<(), String> {
    let words = format!("{words} {SENTINEL}");
    let expected = bash_argv(&words).map_err(|e| format!("ORACLE ERROR for WORDS {words}\n{e}"))?;
    let ours = our_argv(&words);
    if ours.as_ref() == Ok(&expected) {
        return Ok(());
    }
    let mut msg = String::new();
    let _ = writeln!(msg, "bash and policy_core disagree");
    let _ = writeln!(msg, "  WORDS: {words}");
    let _ = writeln!(msg, "  bash : {expected:?}");
    match ours {
        Ok(ours) => {
            let _ = writeln!(msg, "  ours : {ours:?}");
        }
        Err(e) => {
            let _ = writeln!(msg, "  ours : <no literal argv> {e}");
        }
    }
    Err(msg)
}

// ---------------------------------------------------------------------------
// Word model and rendering
// ---------------------------------------------------------------------------

/// A tilde prefix at the start of a word.
#[derive(Clone, Debug)]
enum Tilde {
    Bare,          // ~
    Slash(String), // ~/x
    Plus,          // ~+
    PlusSlash,     // ~+/x
    Root,          // ~root
    RootSlash,     // ~root/x
    NoSuchUser,    // ~nosuchuser123
}

impl Tilde {
    fn render(&self) -> String {
        match self {
            Tilde::Bare => "~".into(),
            Tilde::Slash(s) => format!("~/{s}"),
            Tilde::Plus => "~+".into(),
            Tilde::PlusSlash => "~+/x".into(),
            Tilde::Root => "~root".into(),
            Tilde::RootSlash => "~root/x".into(),
            Tilde::NoSuchUser => "~nosuchuser123".into(),
        }
    }
}

/// A piece of a double-quoted string.
#[derive(Clone, Debug)]
enum DqPart {
    /// Text without `"`, `\`, `$`, `` ` ``.
    Lit(String),
    /// `\"`, `\\`, `\$`, `` \` `` (the backslash is removed) or `\` before an
    /// ordinary character (kept).
    Esc(char),
    /// `$HOME` or `${HOME}`.
    Home { braced: bool },
}

/// A piece of an ANSI-C `$'..'` string.
#[derive(Clone, Debug)]
enum AnsiPart {
    Lit(String),
    /// A simple escape: the text after the backslash (`n`, `t`, `\\`, `'`, `e`, `q` ...).
    Simple(&'static str),
    Hex(u8, bool),         // \xHH, 1..=0x7f; bool = upper-case digits
    Octal(u8),             // \ooo, 1..=0o177
    Unicode(&'static str), // \uXXXX / \UXXXXXXXX as written
    Ctrl(char),            // \cX, X a letter
}

/// One element of a brace expression.
#[derive(Clone, Debug)]
enum Brace {
    /// `{item,item,...}`
    Alt(Vec<Vec<ItemPiece>>),
    /// `{a..b}` / `{a..b..c}`, as written.
    Seq(String),
    /// Something bash leaves alone: `{`, `}`, `{a}`, `{}`, `{1..a}` ...
    Bogus(&'static str),
}

/// A piece of one alternative of `{a,b}`.
#[derive(Clone, Debug)]
enum ItemPiece {
    Lit(String),
    Sq(String),
    Dq(Vec<DqPart>),
    Esc(char),
    Home,
    Nested(Brace),
}

/// A building block of a word.
#[derive(Clone, Debug)]
enum Block {
    /// Unquoted literal characters.
    Lit(String),
    /// `'...'`
    Sq(String),
    /// `"..."`
    Dq(Vec<DqPart>),
    /// `\c` outside quotes.
    Esc(char),
    /// `$'...'`
    Ansi(Vec<AnsiPart>),
    Brace(Brace),
    /// `$IFS` / `${IFS}`, optionally followed by `$9`.
    Ifs {
        braced: bool,
        nine: bool,
    },
    /// `$HOME`, `${HOME}`, `"$HOME"`.
    Home(u8),
}

/// One generated word.
#[derive(Clone, Debug)]
struct WordSpec {
    tilde: Option<Tilde>,
    blocks: Vec<Block>,
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether a bare `$NAME` right before `next` must be written `${NAME}`:
/// when `next` would continue the name, or is a brace expression (brace
/// expansion runs first: `$HOME{a,b}` is `$HOMEa $HOMEb`).
fn needs_braces(next: Option<&str>) -> bool {
    next.and_then(|s| s.chars().next())
        .is_some_and(|c| is_ident(c) || c == '{')
}

fn render_dq(parts: &[DqPart]) -> String {
    let rendered: Vec<String> = parts.iter().map(|p| render_dq_part(p, false)).collect();
    let mut out = String::from("\"");
    for (i, p) in parts.iter().enumerate() {
        let next = rendered.get(i + 1).map(String::as_str);
        out.push_str(&render_dq_part(p, needs_braces(next)));
    }
    out.push('"');
    out
}

fn render_dq_part(p: &DqPart, protect: bool) -> String {
    match p {
        DqPart::Lit(s) => s.clone(),
        DqPart::Esc(c) => format!("\\{c}"),
        DqPart::Home { braced } => {
            if *braced || protect {
                "${HOME}".into()
            } else {
                "$HOME".into()
            }
        }
    }
}

fn render_ansi(parts: &[AnsiPart]) -> String {
    let mut out = String::from("$'");
    for p in parts {
        match p {
            AnsiPart::Lit(s) => out.push_str(s),
            AnsiPart::Simple(s) => {
                out.push('\\');
                out.push_str(s);
            }
            AnsiPart::Hex(v, upper) => {
                if *upper {
                    let _ = write!(out, "\\x{v:02X}");
                } else {
                    let _ = write!(out, "\\x{v:02x}");
                }
            }
            AnsiPart::Octal(v) => {
                let _ = write!(out, "\\{v:03o}");
            }
            AnsiPart::Unicode(s) => out.push_str(s),
            AnsiPart::Ctrl(c) => {
                let _ = write!(out, "\\c{c}");
            }
        }
    }
    out.push('\'');
    out
}

fn render_brace(b: &Brace) -> String {
    match b {
        Brace::Alt(items) => {
            let items: Vec<String> = items.iter().map(|it| render_item(it)).collect();
            format!("{{{}}}", items.join(","))
        }
        Brace::Seq(s) => s.clone(),
        Brace::Bogus(s) => (*s).to_string(),
    }
}

fn render_item(pieces: &[ItemPiece]) -> String {
    let rendered: Vec<String> = pieces.iter().map(|p| render_item_piece(p, false)).collect();
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        // A bare `$HOME` at the end of an alternative would be glued to the
        // text after the closing brace (`{,$HOME}a` is `$HOMEa`, unknown).
        let protect = match rendered.get(i + 1) {
            Some(next) => needs_braces(Some(next)),
            None => true,
        };
        out.push_str(&render_item_piece(p, protect));
    }
    out
}

fn render_item_piece(p: &ItemPiece, protect: bool) -> String {
    match p {
        ItemPiece::Sq(s) => format!("'{s}'"),
        ItemPiece::Lit(s) => s.clone(),
        ItemPiece::Dq(parts) => render_dq(parts),
        ItemPiece::Esc(c) => format!("\\{c}"),
        ItemPiece::Home => {
            if protect {
                "${HOME}".into()
            } else {
                "$HOME".into()
            }
        }
        ItemPiece::Nested(b) => render_brace(b),
    }
}

fn render_block(b: &Block, protect: bool) -> String {
    match b {
        Block::Lit(s) => s.clone(),
        Block::Sq(s) => format!("'{s}'"),
        Block::Dq(parts) => render_dq(parts),
        Block::Esc(c) => format!("\\{c}"),
        Block::Ansi(parts) => render_ansi(parts),
        Block::Brace(b) => render_brace(b),
        Block::Ifs { braced, nine } => {
            let ifs = if *braced || (protect && !*nine) {
                "${IFS}"
            } else {
                "$IFS"
            };
            if *nine {
                format!("{ifs}$9")
            } else {
                ifs.to_string()
            }
        }
        Block::Home(form) => match form {
            0 if !protect => "$HOME".into(),
            0 | 1 => "${HOME}".into(),
            _ => "\"$HOME\"".into(),
        },
    }
}

impl WordSpec {
    fn render(&self) -> String {
        let rendered: Vec<String> = self.blocks.iter().map(|b| render_block(b, false)).collect();
        let mut out = self.tilde.as_ref().map(Tilde::render).unwrap_or_default();
        for (i, b) in self.blocks.iter().enumerate() {
            let next = rendered.get(i + 1).map(String::as_str);
            out.push_str(&render_block(b, needs_braces(next)));
        }
        out
    }

    /// Upper bound of the number of words brace expansion makes of this word.
    fn brace_product(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| match b {
                Block::Brace(br) => brace_count(br),
                _ => 1,
            })
            .fold(1usize, |a, n| a.saturating_mul(n))
    }
}

fn brace_count(b: &Brace) -> usize {
    match b {
        Brace::Alt(items) => items
            .iter()
            .map(|it| {
                it.iter()
                    .map(|p| match p {
                        ItemPiece::Nested(n) => brace_count(n),
                        _ => 1,
                    })
                    .fold(1usize, |a, n| a.saturating_mul(n))
            })
            .sum(),
        Brace::Seq(_) => 26,
        Brace::Bogus(_) => 1,
    }
}

fn render_words(words: &[WordSpec]) -> String {
    words
        .iter()
        .map(WordSpec::render)
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

const LIT_CHARS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+,";
/// Literal characters inside a brace alternative (no `,`).
const ITEM_CHARS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+";
/// Inside single quotes: anything but `'` (and newline).
const SQ_CHARS: &str = "abcxyzABC019 -_./=:@%+,\"\\$*?[]{}~#;|&<>()!`\t^";
/// Inside double quotes: anything but `"`, `\`, `$`, `` ` `` (those come as escapes).
const DQ_CHARS: &str = "abcxyzABC019 -_./=:@%+,'*?[]{}~#;|&<>()!\t^";
/// Inside `$'..'`: anything but `'` and `\` (those come as escapes).
const ANSI_CHARS: &str = "abcnrtxuABC0179 -_./=:@%+,\"$*?[]{}~#;|&<>()!`^";

fn chars_from(set: &'static str, min: usize, max: usize) -> BoxedStrategy<String> {
    let chars: Vec<char> = set.chars().collect();
    prop::collection::vec(prop::sample::select(chars), min..=max)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

fn tilde_strategy() -> BoxedStrategy<Tilde> {
    prop_oneof![
        Just(Tilde::Bare),
        prop_oneof![
            Just("x".to_string()),
            Just(String::new()),
            Just("a/b".to_string())
        ]
        .prop_map(Tilde::Slash),
        Just(Tilde::Plus),
        Just(Tilde::PlusSlash),
        Just(Tilde::Root),
        Just(Tilde::RootSlash),
        Just(Tilde::NoSuchUser),
    ]
    .boxed()
}

fn dq_part_strategy() -> BoxedStrategy<DqPart> {
    prop_oneof![
        4 => chars_from(DQ_CHARS, 1, 5).prop_map(DqPart::Lit),
        // \" \\ \$ \` lose the backslash; before an ordinary char it stays.
        2 => prop::sample::select(vec!['"', '\\', '$', '`', 'a', 'n', 'q', 'x', '\'', '{', '~', '*'])
            .prop_map(DqPart::Esc),
        1 => any::<bool>().prop_map(|braced| DqPart::Home { braced }),
    ]
    .boxed()
}

fn dq_strategy() -> BoxedStrategy<Vec<DqPart>> {
    prop::collection::vec(dq_part_strategy(), 0..=4).boxed()
}

fn ansi_part_strategy() -> BoxedStrategy<AnsiPart> {
    prop_oneof![
        3 => chars_from(ANSI_CHARS, 1, 4).prop_map(AnsiPart::Lit),
        2 => prop::sample::select(vec![
            "n", "t", "\\", "'", "\"", "?", "a", "b", "e", "E", "f", "r", "v", "q", "z", "$",
        ])
        .prop_map(AnsiPart::Simple),
        2 => (1u8..=0x7f, any::<bool>()).prop_map(|(v, u)| AnsiPart::Hex(v, u)),
        1 => (1u8..=0o177).prop_map(AnsiPart::Octal),
        1 => prop::sample::select(vec![
            "\\u00e9", "\\u0041", "\\u263a", "\\u4e2d", "\\u00a0", "\\u20AC", "\\u007f",
            "\\U0001F600", "\\U000000e9",
        ])
        .prop_map(AnsiPart::Unicode),
        1 => prop::sample::select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".chars().collect::<Vec<_>>()
        )
        .prop_map(AnsiPart::Ctrl),
    ]
    .boxed()
}

fn seq_strategy() -> BoxedStrategy<String> {
    let num = prop_oneof![
        (-3i32..=9).prop_map(|n| n.to_string()),
        prop::sample::select(vec!["01", "03", "00", "-01", "010", "007", "05"])
            .prop_map(String::from),
    ];
    // Letter sequences stay within one case: a range across `[\]^_`` (like
    // `{Z..a}`) makes bash produce a backtick and a backslash that it then
    // mis-handles (`{f..Z}x` is even a syntax error); `{Z..a}` is in the table.
    let letters = prop_oneof![
        (
            prop::sample::select("abcdefxyz".chars().collect::<Vec<_>>()),
            prop::sample::select("abcdefxyz".chars().collect::<Vec<_>>()),
        ),
        (
            prop::sample::select("ABCDEFXYZ".chars().collect::<Vec<_>>()),
            prop::sample::select("ABCDEFXYZ".chars().collect::<Vec<_>>()),
        ),
    ];
    let step = prop::option::of(prop_oneof![(-3i32..=4).prop_map(|n| n.to_string())]);
    prop_oneof![
        (num.clone(), num, step.clone()).prop_map(|(a, b, s)| match s {
            Some(s) => format!("{{{a}..{b}..{s}}}"),
            None => format!("{{{a}..{b}}}"),
        }),
        (letters, step).prop_map(|((a, b), s)| match s {
            Some(s) => format!("{{{a}..{b}..{s}}}"),
            None => format!("{{{a}..{b}}}"),
        }),
        prop::sample::select(vec![
            "{1..3}",
            "{a..c}",
            "{3..1}",
            "{01..03}",
            "{1..10..3}",
            "{c..a}",
            "{-1..1}",
        ])
        .prop_map(String::from),
    ]
    .boxed()
}

fn bogus_strategy() -> BoxedStrategy<&'static str> {
    prop::sample::select(vec![
        "{", "}", "{a}", "{}", "{1..a}", "{a..}", "{..}", "{x}y", "{,}",
    ])
    .boxed()
}

fn brace_strategy() -> BoxedStrategy<Brace> {
    let leaf_piece = prop_oneof![
        4 => chars_from(ITEM_CHARS, 1, 4).prop_map(ItemPiece::Lit),
        1 => chars_from(SQ_CHARS, 0, 3).prop_map(ItemPiece::Sq),
        1 => dq_strategy().prop_map(ItemPiece::Dq),
        1 => prop::sample::select(vec![',', '{', '}', ' ', 'r', '\\']).prop_map(ItemPiece::Esc),
        1 => Just(ItemPiece::Home),
    ];
    let leaf_alt = prop::collection::vec(prop::collection::vec(leaf_piece.clone(), 0..=2), 2..=3)
        .prop_map(Brace::Alt);
    let inner = prop_oneof![
        3 => leaf_alt.clone(),
        1 => seq_strategy().prop_map(Brace::Seq),
    ];
    let nested_piece = prop_oneof![
        3 => leaf_piece,
        1 => inner.prop_map(ItemPiece::Nested),
    ];
    let alt = prop::collection::vec(prop::collection::vec(nested_piece, 0..=2), 2..=3)
        .prop_map(Brace::Alt);
    prop_oneof![
        4 => alt,
        2 => seq_strategy().prop_map(Brace::Seq),
        1 => bogus_strategy().prop_map(Brace::Bogus),
    ]
    .boxed()
}

fn block_strategy() -> BoxedStrategy<Block> {
    prop_oneof![
        5 => chars_from(LIT_CHARS, 1, 6).prop_map(Block::Lit),
        2 => chars_from(SQ_CHARS, 0, 5).prop_map(Block::Sq),
        2 => dq_strategy().prop_map(Block::Dq),
        2 => prop::sample::select(vec![
            'r', ' ', '\'', '"', '\\', '$', '{', '}', ',', '*', '?', '[', '#', '~', ';', '&', '|',
            '(', '<', '!', '=',
        ])
        .prop_map(Block::Esc),
        2 => prop::collection::vec(ansi_part_strategy(), 0..=4).prop_map(Block::Ansi),
        3 => brace_strategy().prop_map(Block::Brace),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(braced, nine)| Block::Ifs { braced, nine }),
        1 => (0u8..3).prop_map(Block::Home),
    ]
    .boxed()
}

fn word_strategy() -> BoxedStrategy<WordSpec> {
    prop_oneof![
        3 => prop::collection::vec(block_strategy(), 1..=4)
            .prop_map(|blocks| WordSpec { tilde: None, blocks }),
        1 => (tilde_strategy(), prop::collection::vec(block_strategy(), 0..=2))
            .prop_map(|(t, blocks)| WordSpec { tilde: Some(t), blocks }),
    ]
    // Stay far below the normalizer's brace-expansion limit (1024 words).
    .prop_filter("too many brace words", |w| w.brace_product() <= 200)
    .boxed()
}

fn words_strategy() -> BoxedStrategy<Vec<WordSpec>> {
    prop::collection::vec(word_strategy(), 1..=4).boxed()
}

fn proptest_config() -> ProptestConfig {
    // Random runs still find the quirks listed as `gap:` in the regression
    // file now and then.
    common::seeded_config("BASH_DIFF_SEED", 512)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// Generated words, expanded by bash and by the normalizer.
#[test]
fn differential_against_bash() {
    require_bash!();
    let mut runner = TestRunner::new(proptest_config());
    let result = runner.run(&words_strategy(), |words| {
        let text = render_words(&words);
        compare(&text).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Hand-picked words covering every building block.
const TABLE: &[&str] = &[
    // quotes and escapes
    "r''m",
    "'r'm",
    "\"a b\"'c d'",
    "\"\"",
    "''",
    "a''b",
    "\"x\\\"y\\\\z\\$w\\`v\"",
    "\"back\\slash\\q\"",
    "\\r\\m",
    "a\\ b",
    "\\'x",
    "\\$HOME",
    "\\{a,b}",
    "\\~",
    // ANSI-C strings
    "$'\\x72\\x6d'",
    "$'\\101\\102'",
    "$'\\u00e9'",
    "$'\\U0001F600'",
    "$'a\\nb\\tc'",
    "$'\\\\'",
    "$'it\\'s'",
    "$'\\e[0m'",
    "$'\\cA\\cz'",
    "$'\\q'",
    "$'\\x4A\\x4a'",
    // braces
    "{rm,-rf,/}",
    "{a,b}",
    "{x,y,z}",
    "x{a,b}y",
    "{a,{b,c}}",
    "{a,b}{1,2}",
    "{1..3}",
    "{a..c}",
    "{3..1}",
    "{01..03}",
    "{1..10..3}",
    "{",
    "}",
    "{a}",
    "{}",
    "{'a,b',c}",
    "{,a}",
    "~{root,x}",
    // $IFS
    "rm${IFS}-rf${IFS}/tmp",
    "a$IFS$9b",
    "a${IFS}b",
    "$IFS",
    "''$IFS",
    "\"$IFS\"",
    // tilde
    "~",
    "~/x",
    "~+",
    "~+/x",
    "~root",
    "~root/x",
    "~nosuchuser123",
    "~'root'",
    "'~'",
    "a=~",
    "a=~/x:~/y",
    // $HOME
    "$HOME",
    "${HOME}",
    "\"$HOME\"",
    "\"${HOME}x\"",
    "$HOME/x",
    "x$HOME",
    "'$HOME'",
];

fn regressions_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("bash_differential_regressions.txt")
}

/// The lines of the regression file: one WORDS string per line; blank lines
/// and lines starting with `#` are skipped. A line starting with `gap: ` is a
/// known gap: a word where the normalizer still differs from bash.
fn regression_lines() -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(regressions_file()) else {
        return Vec::new();
    };
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|l| l.trim_start().to_string())
        .collect()
}

/// Regression words that must agree with bash.
fn regression_words() -> Vec<String> {
    regression_lines()
        .into_iter()
        .filter(|l| !l.starts_with("gap: "))
        .collect()
}

/// Known gaps (`gap: WORDS`): words that still differ from bash.
fn known_gaps() -> Vec<String> {
    regression_lines()
        .into_iter()
        .filter_map(|l| l.strip_prefix("gap: ").map(str::to_string))
        .collect()
}

fn check_all(cases: &[String]) {
    let failures: Vec<String> = cases.iter().filter_map(|w| compare(w).err()).collect();
    if !failures.is_empty() {
        panic!(
            "{} of {} words differ from bash:\n\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn table_against_bash() {
    require_bash!();
    let cases: Vec<String> = TABLE.iter().map(|s| (*s).to_string()).collect();
    check_all(&cases);
}

#[test]
fn regressions_against_bash() {
    require_bash!();
    check_all(&regression_words());
}

/// Known gaps must still differ: when one is fixed, this fails until its
/// `gap: ` marker is removed (so the word becomes a regression case).
#[test]
fn known_gaps_still_differ() {
    require_bash!();
    let fixed: Vec<String> = known_gaps()
        .into_iter()
        .filter(|w| compare(w).is_ok())
        .collect();
    assert!(
        fixed.is_empty(),
        "known gaps now agree with bash; drop their `gap: ` marker: {fixed:?}"
    );
}

/// The oracle itself: guards against harness artefacts (locale, cwd, HOME).
#[test]
fn oracle_sanity() {
    require_bash!();
    let cases: &[(&str, &[&str])] = &[
        ("r''m", &["rm"]),
        ("$'\\u00e9'", &["é"]),
        ("~ ~+ ~root", &[HOME, CWD, "/root"]),
        ("a$IFS$9b", &["a", "b"]),
        ("{1..3}", &["1", "2", "3"]),
        ("$IFS", &[]),
    ];
    for (words, want) in cases {
        let got = bash_argv(&format!("{words} {SENTINEL}")).unwrap();
        let mut want: Vec<String> = want.iter().map(|s| (*s).to_string()).collect();
        want.push(SENTINEL.to_string());
        assert_eq!(got, want, "oracle on {words}");
    }
}

/// The generator only makes words bash accepts (a harness check: when it
/// fails, fix the generator, not the normalizer).
#[test]
fn generator_makes_valid_words() {
    require_bash!();
    let mut runner = TestRunner::new(proptest_config());
    let result = runner.run(&words_strategy(), |words| {
        let text = render_words(&words);
        bash_argv(&format!("{text} {SENTINEL}"))
            .map(|_| ())
            .map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Prints some generated WORDS strings with bash's expansion (for eyeballing
/// the generator): `cargo test --test bash_differential -- --ignored --nocapture`.
#[test]
#[ignore = "prints samples only"]
fn show_samples() {
    require_bash!();
    let mut runner = TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    for _ in 0..40 {
        let words = words_strategy().new_tree(&mut runner).unwrap().current();
        let text = render_words(&words);
        println!(
            "{text}\n    => {:?}",
            bash_argv(&format!("{text} {SENTINEL}"))
        );
    }
}

/// Compares the WORDS strings given one per line in `$BASH_DIFF_WORDS`
/// (for minimising a mismatch by hand):
/// `BASH_DIFF_WORDS='a\$' cargo test --test bash_differential probe -- --ignored --nocapture`.
#[test]
#[ignore = "manual probe"]
fn probe() {
    require_bash!();
    let words = std::env::var("BASH_DIFF_WORDS").unwrap_or_default();
    for line in words.lines().filter(|l| !l.trim().is_empty()) {
        match compare(line) {
            Ok(()) => println!("SAME   {line}"),
            Err(e) => println!("DIFFER {line}\n{e}"),
        }
    }
}

/// Runs `$PROPTEST_CASES` generated cases without stopping at the first
/// mismatch, shrinks every mismatch and prints the distinct minimal WORDS
/// (for triage; the real check is `differential_against_bash`):
/// `PROPTEST_CASES=2000 cargo test --test bash_differential survey -- --ignored --nocapture`.
#[test]
#[ignore = "triage tool"]
fn survey() {
    require_bash!();
    let config = proptest_config();
    let mut runner = TestRunner::new(config.clone());
    let strategy = words_strategy();
    let mut minimal: std::collections::BTreeMap<String, (usize, String)> = Default::default();
    for _ in 0..config.cases {
        let mut tree = strategy.new_tree(&mut runner).unwrap();
        let text = render_words(&tree.current());
        let Err(mut last) = compare(&text) else {
            continue;
        };
        let mut last_text = text;
        let mut steps = 0;
        if tree.simplify() {
            loop {
                steps += 1;
                if steps > 4000 {
                    break;
                }
                let t = render_words(&tree.current());
                match compare(&t) {
                    Err(e) => {
                        last = e;
                        last_text = t;
                        if !tree.simplify() {
                            break;
                        }
                    }
                    Ok(()) => {
                        if !tree.complicate() {
                            break;
                        }
                    }
                }
            }
        }
        let entry = minimal.entry(last_text).or_insert((0, last));
        entry.0 += 1;
    }
    println!("{} distinct minimal mismatches:", minimal.len());
    for (words, (count, report)) in &minimal {
        println!("[{count}x] {words}\n{report}");
    }
}

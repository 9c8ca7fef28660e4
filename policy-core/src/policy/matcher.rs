//! Compiled matchers: a rule's `match` block with its regexes and globs built
//! at load time (or, for a policy read from the on-disk cache, on first use),
//! evaluated against one action.

use std::sync::OnceLock;

use globset::GlobBuilder;
use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;
use regex_automata::MatchKind;

use crate::action::{Action, Context, NetDirection, Word};
use crate::call::ToolCall;
use crate::policy::error::PolicyError;
use crate::policy::forward::ForwardDfa;
use crate::policy::glob_needle::glob_needle;
use crate::policy::needles::Needles;
use crate::policy::schema::{Match, Pattern};
use crate::policy::Env;

/// A regex kept with its source, compiled at load time (`eager`) or on first use.
///
/// A policy built from YAML compiles every regex while loading, so a bad regex
/// is a load error naming the rule. A policy read from the cache was validated
/// when the cache was written; its regexes compile when a candidate rule first
/// needs them. Should that compilation fail anyway (a cache file forged with a
/// valid checksum), the regex matches nothing.
///
/// ASCII text (almost every command) is matched by the regex's ASCII form, a
/// forward lazy DFA that is several times cheaper to build
/// ([`crate::policy::forward`], which explains why it is exact); other text,
/// and patterns without an ASCII form, by the full regex.
#[derive(Debug, Clone)]
pub(crate) struct LazyRegex {
    pub(crate) src: String,
    /// The regex's required literals, when known (a policy from the cache):
    /// a text without any of them is not a match, without compiling. Boxed:
    /// most regexes of a loaded policy are never tried.
    pub(crate) needles: Option<Box<Needles>>,
    compiled: OnceLock<Option<Regex>>,
    /// Boxed, like [`LazyGlob`]'s automaton: a `ForwardDfa` is ~750 bytes,
    /// and a cached policy's rules hold many patterns that never build one.
    ascii: OnceLock<Option<Box<ForwardDfa>>>,
}

impl LazyRegex {
    fn new(rule: &str, field: &str, src: String, eager: bool) -> Result<LazyRegex, PolicyError> {
        let compiled = OnceLock::new();
        if eager {
            let _ = compiled.set(Some(regex(rule, field, &src)?));
        }
        Ok(LazyRegex {
            src,
            needles: None,
            compiled,
            ascii: OnceLock::new(),
        })
    }

    fn is_match(&self, text: &str) -> bool {
        // A compiled full regex (a policy loaded from YAML compiles them all)
        // decides alone.
        if let Some(Some(full)) = self.compiled.get() {
            return full.is_match(text);
        }
        // The needles spare a compilation; once the ASCII form is built, it decides.
        if self.ascii.get().is_none()
            && self
                .needles
                .as_ref()
                .is_some_and(|n| !n.admit(text.as_bytes()))
        {
            return false;
        }
        if text.is_ascii() {
            let fast = self
                .ascii
                .get_or_init(|| ForwardDfa::ascii(&self.src).map(Box::new));
            if let Some(m) = fast.as_ref().and_then(|d| d.is_match(text.as_bytes())) {
                return m;
            }
        }
        self.compiled
            .get_or_init(|| regex("", "", &self.src).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }
}

/// A glob kept with its source, compiled like [`LazyRegex`].
#[derive(Debug, Clone)]
pub(crate) struct LazyGlob {
    pub(crate) src: String,
    /// A literal every match contains ([`glob_needle`]): a text without it
    /// is no match, and the glob need not be compiled to say so.
    needle: Option<Box<str>>,
    /// Boxed: a [`GlobRegex`] is ~800 bytes, and most globs of a cached
    /// policy are never compiled.
    compiled: OnceLock<Option<Box<GlobRegex>>>,
}

impl LazyGlob {
    fn new(rule: &str, field: &str, src: String, eager: bool) -> Result<LazyGlob, PolicyError> {
        let compiled = OnceLock::new();
        if eager {
            let _ = compiled.set(Some(Box::new(glob(rule, field, &src)?)));
        }
        let needle = glob_needle(&src).map(String::into_boxed_str);
        Ok(LazyGlob {
            src,
            needle,
            compiled,
        })
    }

    fn is_match(&self, text: &str) -> bool {
        if self.needle.as_deref().is_some_and(|n| !text.contains(n)) {
            return false;
        }
        self.compiled
            .get_or_init(|| glob("", "", &self.src).ok().map(Box::new))
            .as_ref()
            .is_some_and(|g| g.is_match(text.as_bytes()))
    }
}

/// A compiled glob: `globset`'s regex for it (bytes syntax, `.` matching
/// newlines, as `GlobMatcher` matches on Unix), run by a forward lazy DFA,
/// with a `meta::Regex` built only should the DFA give up.
#[derive(Debug, Clone)]
pub(crate) struct GlobRegex {
    regex: String,
    fast: Option<ForwardDfa>,
    full: OnceLock<Option<Regex>>,
}

impl GlobRegex {
    fn syntax() -> syntax::Config {
        syntax::Config::new().utf8(false).dot_matches_new_line(true)
    }

    /// Whether the glob matches `path` (`GlobMatcher::is_match`).
    pub(crate) fn is_match(&self, path: &[u8]) -> bool {
        if let Some(m) = self.fast.as_ref().and_then(|d| d.is_match(path)) {
            return m;
        }
        self.full
            .get_or_init(|| {
                meta::Builder::new()
                    .configure(
                        lean()
                            .utf8_empty(false)
                            .nfa_size_limit(Some(10 * (1 << 20)))
                            .hybrid_cache_capacity(10 * (1 << 20)),
                    )
                    .syntax(GlobRegex::syntax())
                    .build(&self.regex)
                    .ok()
            })
            .as_ref()
            .is_some_and(|r| r.is_match(path))
    }
}

/// A compiled text pattern.
#[derive(Debug, Clone)]
pub(crate) enum TextPattern {
    Literal(String),
    Glob(LazyGlob),
    Regex(LazyRegex),
}

impl TextPattern {
    fn matches(&self, text: &str) -> bool {
        match self {
            TextPattern::Literal(l) => l == text,
            TextPattern::Glob(g) => g.is_match(text),
            TextPattern::Regex(r) => r.is_match(text),
        }
    }
}

/// A compiled `match` block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher {
    pub(super) tool: Option<Vec<LazyGlob>>,
    pub(super) action: Option<Vec<String>>,
    pub(super) program: Option<Vec<String>>,
    pub(super) subcommand: Option<Vec<Vec<String>>>,
    pub(super) any_flag: Option<Vec<String>>,
    pub(super) all_flags: Option<Vec<String>>,
    pub(super) no_flag: Option<Vec<String>>,
    pub(super) any_arg: Option<Vec<TextPattern>>,
    pub(super) no_arg: Option<Vec<TextPattern>>,
    pub(super) dynamic_arg: Option<bool>,
    pub(super) path: Option<Vec<String>>,
    pub(super) outside_roots: Option<bool>,
    pub(super) path_unknown: Option<bool>,
    pub(super) recursive: Option<bool>,
    pub(super) direction: Option<Vec<NetDirection>>,
    pub(super) via: Option<Vec<String>>,
    pub(super) host: Option<Vec<String>>,
    pub(super) code: Option<LazyRegex>,
    pub(super) code_unknown: Option<bool>,
    pub(super) language: Option<Vec<String>>,
    pub(super) producer: Option<Vec<String>>,
    pub(super) context: Option<Vec<String>>,
    pub(super) wrapper: Option<Vec<String>>,
    pub(super) subagent: Option<bool>,
    /// Claude-notation command patterns, with their compiled regexes.
    pub(super) command: Option<Vec<(String, LazyRegex)>>,
    pub(super) raw: Option<LazyRegex>,
    pub(super) secret: Option<bool>,
    pub(super) any: Option<Vec<Matcher>>,
    pub(super) all: Option<Vec<Matcher>>,
    pub(super) not: Option<Box<Matcher>>,
}

const ACTION_KINDS: &[&str] = &[
    "exec",
    "file_read",
    "file_write",
    "file_delete",
    "net",
    "code_exec",
    "mcp",
    "tool",
    "opaque",
];
const CONTEXT_KINDS: &[&str] = &[
    "subshell",
    "substitution",
    "process_substitution",
    "pipeline",
    "background",
    "conditional",
    "function",
    "shell_string",
    "eval",
    "shell_stdin",
    "decoded",
    "remote",
    "container",
    "embedded",
];

/// Most nesting of `any` / `all` / `not` in one rule.
const MAX_MATCH_DEPTH: usize = 16;

/// Compiles a rule regex for `is_match` only: the `regex` crate's syntax,
/// semantics (Unicode, UTF-8, leftmost-first) and size limits, built with
/// [`lean`]. Measured on a `git status` hook call, which compiles seven rule
/// regexes: 12.1 M instructions with `regex::Regex`, 6.2 M this way.
fn regex(rule: &str, field: &str, re: &str) -> Result<Regex, PolicyError> {
    meta::Builder::new()
        .configure(
            lean()
                .nfa_size_limit(Some(1 << 20))
                .hybrid_cache_capacity(1 << 20),
        )
        .build(re)
        .map_err(|_| {
            // Report the `regex` crate's message (the same parser and limits).
            let text = regex::RegexBuilder::new(re)
                .size_limit(1 << 20)
                .dfa_size_limit(1 << 20)
                .build()
                .err()
                .map_or_else(|| "too large".to_string(), |e| e.to_string());
            // The regex crate's message spans several lines (pattern, caret, error); keep the error.
            let why = text
                .lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or(text.as_str())
                .to_string();
            PolicyError::rule(rule, format!("`{field}`: invalid regex `{re}`: {why}"))
        })
}

/// The `meta` configuration of every regex built for `is_match` alone: the
/// lazy DFA and the PikeVM, without the engines that cost more to build than
/// a hook process gets back (literal prefilters, full and one-pass DFAs,
/// capture groups). Same matches, same syntax.
pub(crate) fn lean() -> meta::Config {
    meta::Config::new()
        .which_captures(WhichCaptures::Implicit)
        .auto_prefilter(false)
        .dfa(false)
        .onepass(false)
}

/// A compiled glob ([`GlobRegex`]); `None` when it is too large to compile.
/// `glob_matcher(g).is_match(path.as_bytes())` is
/// `g.compile_matcher().is_match(path)` on Unix.
pub(crate) fn glob_matcher(g: &globset::Glob) -> Option<GlobRegex> {
    let regex = g.regex().to_string();
    let fast = ForwardDfa::bytes_many(&[&regex], MatchKind::LeftmostFirst, GlobRegex::syntax());
    let glob = GlobRegex {
        regex,
        fast,
        full: OnceLock::new(),
    };
    if glob.fast.is_none() {
        // Too large for the lazy DFA's limits: the full regex or nothing.
        glob.is_match(b"");
        glob.full.get()?.as_ref()?;
    }
    Some(glob)
}

fn glob(rule: &str, field: &str, g: &str) -> Result<GlobRegex, PolicyError> {
    let parsed = GlobBuilder::new(g)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| PolicyError::rule(rule, format!("`{field}`: invalid glob `{g}`: {e}")))?;
    glob_matcher(&parsed)
        .ok_or_else(|| PolicyError::rule(rule, format!("`{field}`: glob `{g}` is too large")))
}

/// The regex globset matches glob `g` with (the options of every rule glob), as
/// bytes-regex syntax; `None` when the glob does not parse.
pub(crate) fn glob_regex(g: &str) -> Option<String> {
    GlobBuilder::new(g)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .ok()
        .map(|g| g.regex().to_string())
}

fn pattern(rule: &str, field: &str, p: &Pattern, eager: bool) -> Result<TextPattern, PolicyError> {
    match p {
        Pattern::Literal(l) => Ok(TextPattern::Literal(l.clone())),
        Pattern::Object(o) => match (&o.literal, &o.glob, &o.regex) {
            (Some(l), None, None) => Ok(TextPattern::Literal(l.clone())),
            (None, Some(g), None) => {
                LazyGlob::new(rule, field, g.clone(), eager).map(TextPattern::Glob)
            }
            (None, None, Some(r)) => {
                LazyRegex::new(rule, field, r.clone(), eager).map(TextPattern::Regex)
            }
            _ => Err(PolicyError::rule(
                rule,
                format!("`{field}`: a pattern has exactly one of `literal`, `glob`, `regex`"),
            )),
        },
    }
}

fn strings(v: &Option<crate::policy::schema::OneOrMany>) -> Option<Vec<String>> {
    v.as_ref()
        .map(|x| x.items().into_iter().map(str::to_string).collect())
}

impl Matcher {
    /// Compiles a `match` block of rule `rule`: every regex and glob now
    /// (`eager`, reporting errors) or on first use (a policy from the cache).
    pub(crate) fn compile(
        rule: &str,
        m: &Match,
        depth: usize,
        eager: bool,
    ) -> Result<Matcher, PolicyError> {
        if depth > MAX_MATCH_DEPTH {
            return Err(PolicyError::rule(
                rule,
                format!("`any`/`all`/`not` nested deeper than {MAX_MATCH_DEPTH}"),
            ));
        }
        let action = strings(&m.action);
        if let Some(a) = &action {
            if let Some(bad) = a.iter().find(|k| !ACTION_KINDS.contains(&k.as_str())) {
                return Err(PolicyError::rule(
                    rule,
                    format!(
                        "`action`: unknown kind `{bad}` (expected one of {})",
                        ACTION_KINDS.join(", ")
                    ),
                ));
            }
        }
        let context = strings(&m.context);
        if let Some(c) = &context {
            if let Some(bad) = c.iter().find(|k| !CONTEXT_KINDS.contains(&k.as_str())) {
                return Err(PolicyError::rule(
                    rule,
                    format!(
                        "`context`: unknown context `{bad}` (expected one of {})",
                        CONTEXT_KINDS.join(", ")
                    ),
                ));
            }
        }
        let compile_list =
            |list: &Option<Vec<Match>>| -> Result<Option<Vec<Matcher>>, PolicyError> {
                list.as_ref()
                    .map(|v| {
                        v.iter()
                            .map(|x| Matcher::compile(rule, x, depth + 1, eager))
                            .collect()
                    })
                    .transpose()
            };
        let matcher = Matcher {
            tool: strings(&m.tool)
                .map(|v| {
                    v.iter()
                        .map(|g| LazyGlob::new(rule, "tool", g.clone(), eager))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            action,
            program: strings(&m.program),
            subcommand: strings(&m.subcommand).map(|v| {
                v.iter()
                    .map(|s| s.split_whitespace().map(str::to_string).collect())
                    .collect()
            }),
            any_flag: m.any_flag.clone(),
            all_flags: m.all_flags.clone(),
            no_flag: m.no_flag.clone(),
            any_arg: m
                .any_arg
                .as_ref()
                .map(|v| {
                    v.iter()
                        .map(|p| pattern(rule, "any_arg", p, eager))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            no_arg: m
                .no_arg
                .as_ref()
                .map(|v| {
                    v.iter()
                        .map(|p| pattern(rule, "no_arg", p, eager))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            dynamic_arg: m.dynamic_arg,
            path: m.path.clone(),
            outside_roots: m.outside_roots,
            path_unknown: m.path_unknown,
            recursive: m.recursive,
            direction: m
                .direction
                .as_ref()
                .map(|d| {
                    d.items()
                        .into_iter()
                        .map(|x| match x {
                            "fetch" => Ok(NetDirection::Fetch),
                            "send" => Ok(NetDirection::Send),
                            "connect" => Ok(NetDirection::Connect),
                            "search" => Ok(NetDirection::Search),
                            other => Err(PolicyError::rule(
                                rule,
                                format!(
                                    "`direction`: unknown direction `{other}` (expected one of fetch, send, connect, search)"
                                ),
                            )),
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            via: m.via.clone(),
            host: m
                .host
                .as_ref()
                .map(|v| v.iter().map(|h| h.to_ascii_lowercase()).collect()),
            code: m
                .code
                .as_ref()
                .map(|r| LazyRegex::new(rule, "code", r.clone(), eager))
                .transpose()?,
            code_unknown: m.code_unknown,
            language: strings(&m.language),
            producer: strings(&m.producer),
            context,
            wrapper: strings(&m.wrapper),
            subagent: m.subagent,
            command: strings(&m.command)
                .map(|v| {
                    v.iter()
                        .map(|c| {
                            LazyRegex::new(rule, "command", command_regex(c), eager)
                                .map(|r| (c.clone(), r))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            raw: m
                .raw
                .as_ref()
                .map(|r| LazyRegex::new(rule, "raw", r.clone(), eager))
                .transpose()?,
            secret: m.secret,
            any: compile_list(&m.any)?,
            all: compile_list(&m.all)?,
            not: m
                .not
                .as_ref()
                .map(|x| Matcher::compile(rule, x, depth + 1, eager).map(Box::new))
                .transpose()?,
        };
        // Path globs are compiled per evaluation environment (they expand `~` and
        // `{project}`); check their syntax now.
        if let (true, Some(p)) = (eager, &matcher.path) {
            for g in p {
                GlobBuilder::new(g)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .map_err(|e| {
                        PolicyError::rule(rule, format!("`path`: invalid glob `{g}`: {e}"))
                    })?;
            }
        }
        Ok(matcher)
    }

    /// Calls `f` with every regex of this block and its nested blocks.
    pub(crate) fn each_regex(&self, f: &mut dyn FnMut(&LazyRegex)) {
        for list in [&self.any_arg, &self.no_arg].into_iter().flatten() {
            for p in list {
                if let TextPattern::Regex(r) = p {
                    f(r);
                }
            }
        }
        for r in [&self.code, &self.raw].into_iter().flatten() {
            f(r);
        }
        for (_, r) in self.command.iter().flatten() {
            f(r);
        }
        for m in [&self.any, &self.all].into_iter().flatten().flatten() {
            m.each_regex(f);
        }
        if let Some(m) = &self.not {
            m.each_regex(f);
        }
    }

    /// Calls `f` with every regex of this block and its nested blocks, mutably.
    pub(crate) fn each_regex_mut(&mut self, f: &mut dyn FnMut(&mut LazyRegex)) {
        for list in [&mut self.any_arg, &mut self.no_arg].into_iter().flatten() {
            for p in list {
                if let TextPattern::Regex(r) = p {
                    f(r);
                }
            }
        }
        for r in [&mut self.code, &mut self.raw].into_iter().flatten() {
            f(r);
        }
        for (_, r) in self.command.iter_mut().flatten() {
            f(r);
        }
        for m in [&mut self.any, &mut self.all]
            .into_iter()
            .flatten()
            .flatten()
        {
            m.each_regex_mut(f);
        }
        if let Some(m) = &mut self.not {
            m.each_regex_mut(f);
        }
    }

    /// True when the matcher holds for `action` of `call`.
    pub(crate) fn matches(
        &self,
        action: &Action,
        parsed: Option<&crate::programs::ParsedArgs>,
        call: &ToolCall,
        env: &Env,
        roots: &[String],
    ) -> bool {
        if let Some(t) = &self.tool {
            if !t.iter().any(|g| g.is_match(&call.tool)) {
                return false;
            }
        }
        if let Some(a) = &self.action {
            if !a.iter().any(|k| k == action.kind()) {
                return false;
            }
        }
        if let Some(s) = self.subagent {
            if call.agent_id.is_some() != s {
                return false;
            }
        }
        let origin = action.origin();
        if let Some(ctx) = &self.context {
            let Some(o) = origin else { return false };
            if !o
                .context
                .iter()
                .any(|c| ctx.iter().any(|want| context_name(c) == want))
            {
                return false;
            }
        }
        if let Some(w) = &self.wrapper {
            let Some(o) = origin else { return false };
            if !o.wrappers.iter().any(|x| w.contains(x)) {
                return false;
            }
        }
        if !self.exec_fields(action, parsed)
            || !self.file_fields(action, env, roots)
            || !self.net_fields(action)
            || !self.code_fields(action)
        {
            return false;
        }
        // The costly checks last: a raw regex compiled on first use, a secret
        // scan of the whole input.
        if let Some(re) = &self.raw {
            let raw = call
                .input
                .get("command")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let key = std::ptr::from_ref(re) as usize;
            if !env.raw_once(key, || re.is_match(raw)) {
                return false;
            }
        }
        if let Some(want) = self.secret {
            if env.call_has_secret(call) != want {
                return false;
            }
        }
        if let Some(any) = &self.any {
            if !any
                .iter()
                .any(|m| m.matches(action, parsed, call, env, roots))
            {
                return false;
            }
        }
        if let Some(all) = &self.all {
            if !all
                .iter()
                .all(|m| m.matches(action, parsed, call, env, roots))
            {
                return false;
            }
        }
        if let Some(not) = &self.not {
            if not.matches(action, parsed, call, env, roots) {
                return false;
            }
        }
        true
    }

    fn exec_fields(&self, action: &Action, parsed: Option<&crate::programs::ParsedArgs>) -> bool {
        let wants_exec = self.command.is_some()
            || self.program.is_some()
            || self.subcommand.is_some()
            || self.any_flag.is_some()
            || self.all_flags.is_some()
            || self.no_flag.is_some()
            || self.any_arg.is_some()
            || self.no_arg.is_some()
            || self.dynamic_arg.is_some();
        if !wants_exec {
            return true;
        }
        let Action::Exec(e) = action else {
            return false;
        };
        let Some(program) = &e.program else {
            return false;
        };
        if let Some(p) = &self.program {
            if !p.iter().any(|x| x == program) {
                return false;
            }
        }
        let owned;
        let parsed = match parsed {
            Some(p) => p,
            None => {
                owned = crate::programs::parse(program, &e.args);
                &owned
            }
        };
        if let Some(subs) = &self.subcommand {
            if !subs.iter().any(|s| {
                parsed.subcommand.len() >= s.len() && parsed.subcommand[..s.len()] == s[..]
            }) {
                return false;
            }
        }
        let has = |f: &String| parsed.flags.iter().any(|x| &x.name == f);
        if let Some(f) = &self.any_flag {
            if !f.iter().any(has) {
                return false;
            }
        }
        if let Some(f) = &self.all_flags {
            if !f.iter().all(has) {
                return false;
            }
        }
        if let Some(f) = &self.no_flag {
            if f.iter().any(has) {
                return false;
            }
        }
        // Cheap structural checks above; patterns (regexes compiled on first
        // use) below.
        if let Some(d) = self.dynamic_arg {
            let dynamic = e.trailing_dynamic || parsed.operands.iter().any(Word::is_dynamic);
            if dynamic != d {
                return false;
            }
        }
        if let Some(cmds) = &self.command {
            let line = std::iter::once(program.clone())
                .chain(e.args.iter().map(Word::text))
                .collect::<Vec<_>>()
                .join(" ");
            if !cmds.iter().any(|(_, re)| re.is_match(&line)) {
                return false;
            }
        }
        if self.any_arg.is_none() && self.no_arg.is_none() {
            return true;
        }
        let texts: Vec<std::borrow::Cow<'_, str>> = e.args.iter().map(Word::text_cow).collect();
        if let Some(p) = &self.any_arg {
            if !texts.iter().any(|t| p.iter().any(|x| x.matches(t))) {
                return false;
            }
        }
        if let Some(p) = &self.no_arg {
            if texts.iter().any(|t| p.iter().any(|x| x.matches(t))) {
                return false;
            }
        }
        true
    }

    fn file_fields(&self, action: &Action, env: &Env, roots: &[String]) -> bool {
        let file_keys = self.path.is_some()
            || self.outside_roots.is_some()
            || self.path_unknown.is_some()
            || self.recursive.is_some();
        if !file_keys && self.via.is_none() {
            return true;
        }
        let f = match action {
            Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => f,
            // `via` alone also applies to network actions.
            Action::Net(n) if !file_keys => {
                return self
                    .via
                    .as_ref()
                    .is_some_and(|v| v.iter().any(|p| n.via.starts_with(p.as_str())));
            }
            _ => return false,
        };
        if self.recursive.is_some_and(|r| r != f.recursive) {
            return false;
        }
        if let Some(v) = &self.via {
            if !v.iter().any(|p| f.via.starts_with(p.as_str())) {
                return false;
            }
        }
        if let Some(u) = self.path_unknown {
            if f.resolved.is_none() != u {
                return false;
            }
        }
        // An unknown path could be anywhere: it matches path conditions.
        let Some(resolved) = &f.resolved else {
            return true;
        };
        if let Some(globs) = &self.path {
            if !globs.iter().any(|g| env.path_glob_matches(g, resolved)) {
                return false;
            }
        }
        if let Some(o) = self.outside_roots {
            if env.outside(roots, resolved) != o {
                return false;
            }
        }
        true
    }

    fn net_fields(&self, action: &Action) -> bool {
        if let Some(dirs) = &self.direction {
            let Action::Net(n) = action else { return false };
            if !dirs.contains(&n.direction) {
                return false;
            }
        }
        let Some(hosts) = &self.host else { return true };
        let Action::Net(n) = action else { return false };
        let Some(h) = &n.host else { return true };
        let h = h.to_ascii_lowercase();
        hosts.iter().any(|want| host_matches(want, &h))
    }

    fn code_fields(&self, action: &Action) -> bool {
        if self.code.is_none()
            && self.code_unknown.is_none()
            && self.language.is_none()
            && self.producer.is_none()
        {
            return true;
        }
        let (code, language, producer): (Option<&str>, Option<&str>, Option<String>) = match action
        {
            Action::CodeExec(c) => (
                c.code.as_deref(),
                Some(c.language.as_str()),
                c.producer.clone(),
            ),
            Action::Exec(e)
                if self.code.is_none()
                    && self.code_unknown.is_none()
                    && self.language.is_none() =>
            {
                let p = match &e.stdin {
                    Some(crate::action::Input::Pipe { producer, .. }) => Some(producer.clone()),
                    _ => None,
                };
                (
                    None,
                    None,
                    p.or_else(|| {
                        e.args
                            .iter()
                            .find_map(|a| a.producers().next().map(str::to_string))
                    }),
                )
            }
            _ => return false,
        };
        if let Some(re) = &self.code {
            if !code.is_some_and(|c| re.is_match(c)) {
                return false;
            }
        }
        if let Some(u) = self.code_unknown {
            // Unknown: neither the text nor the file it comes from is known.
            let from_file = matches!(action, Action::CodeExec(c) if c.file.is_some());
            if (code.is_none() && !from_file) != u {
                return false;
            }
        }
        if let Some(l) = &self.language {
            if !language.is_some_and(|x| l.iter().any(|w| w == x)) {
                return false;
            }
        }
        if let Some(p) = &self.producer {
            if !producer
                .as_deref()
                .is_some_and(|x| p.iter().any(|w| w == x))
            {
                return false;
            }
        }
        true
    }
}

/// A Claude Code command pattern as an anchored regex over `program args…`:
/// `npm run test:*` is a prefix (at a word boundary), `*` elsewhere is any text,
/// anything else is exact.
pub(crate) fn command_regex(pattern: &str) -> String {
    match pattern.strip_suffix(":*") {
        // A prefix: `npm run test:*` covers `npm run test`, `npm run test --x`, `npm run test:unit`.
        Some(body) => format!("^{}(?:[\\s:].*)?$", regex::escape(body)),
        None => {
            let parts: Vec<String> = pattern.split('*').map(regex::escape).collect();
            format!("^{}$", parts.join(".*"))
        }
    }
}

/// What the prefilter looks for in `program args…` so that a command
/// pattern's regex ([`command_regex`]) can hold: `*` and the literal text
/// before the first wildcard (a prefix of the line), or `=` and the whole
/// pattern when it has no wildcard (the line itself).
pub(crate) fn command_prefix(pattern: &str) -> String {
    let prefix = match pattern.strip_suffix(":*") {
        // The body is literal up to the `:*` (a `*` inside it is literal too).
        Some(body) => Some(body),
        None => pattern.split_once('*').map(|(head, _)| head),
    };
    match prefix {
        Some(p) => format!("*{p}"),
        None => format!("={pattern}"),
    }
}

/// `*.example.com` matches subdomains of example.com; anything else matches exactly.
pub(crate) fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(base) => {
            host.len() > base.len()
                && host.ends_with(base)
                && host[..host.len() - base.len()].ends_with('.')
        }
        None => pattern == host,
    }
}

/// The name of a context as used in `match.context`.
pub(crate) fn context_name(c: &Context) -> &'static str {
    match c {
        Context::Subshell => "subshell",
        Context::Substitution => "substitution",
        Context::ProcessSubstitution => "process_substitution",
        Context::Pipeline { .. } => "pipeline",
        Context::Background => "background",
        Context::Conditional => "conditional",
        Context::Function { .. } => "function",
        Context::ShellString { .. } => "shell_string",
        Context::Eval => "eval",
        Context::ShellStdin { .. } => "shell_stdin",
        Context::Decoded { .. } => "decoded",
        Context::Remote { .. } => "remote",
        Context::Container { .. } => "container",
        Context::Embedded { .. } => "embedded",
    }
}

#[cfg(test)]
mod tests {
    use super::host_matches;

    #[test]
    fn hosts() {
        assert!(host_matches("*.github.com", "api.github.com"));
        assert!(!host_matches("*.github.com", "github.com"));
        assert!(!host_matches("*.github.com", "evilgithub.com"));
        assert!(host_matches("github.com", "github.com"));
    }
}

#[cfg(test)]
mod size_tests {
    /// Rules hold many patterns that are never compiled, and a hook process
    /// decodes a dozen rules: the uncompiled forms stay small (a regex or
    /// glob's automaton is boxed; it was ~850 bytes inline per pattern).
    #[test]
    fn uncompiled_patterns_are_small() {
        assert!(std::mem::size_of::<super::LazyRegex>() <= 128);
        assert!(std::mem::size_of::<super::LazyGlob>() <= 64);
        assert!(std::mem::size_of::<super::TextPattern>() <= 128);
        assert!(std::mem::size_of::<super::Matcher>() <= 1024);
    }
}

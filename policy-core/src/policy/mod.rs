//! Policies: the YAML language (`schema`), loading with `extends` (`load`),
//! compiled matchers (`matcher`) and evaluation of a tool call to a [`Verdict`].
//!
//! ```
//! use policy_core::policy::{Decision, Env, Policy};
//! use policy_core::{ShellOptions, ToolCall};
//!
//! let policy = Policy::from_yaml(r#"
//! version: 1
//! rules:
//!   - id: git.force-push
//!     decision: deny
//!     message: Force-push rewrites shared history
//!     match: { program: git, subcommand: push, any_flag: [-f, --force, --force-with-lease, --mirror] }
//! "#).unwrap();
//! let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
//! let env = Env::new(&opts, "/home/dev/project");
//! let v = policy.evaluate(&ToolCall::bash("bash -c 'git push -uf origin main'"), &opts, &env);
//! assert_eq!(v.decision, Decision::Deny);
//! assert_eq!(v.hits[0].rule, "git.force-push");
//! ```

pub mod cache;
pub mod claude;
pub mod discover;
pub mod effects;
mod engine;
pub mod error;
pub mod examples;
pub mod external;
mod flat;
pub(crate) mod forward;
mod glob_needle;
pub mod load;
mod matcher;
mod needles;
mod packed;
mod prefilter;
mod rule;
pub mod rules;
pub mod schema;
mod stored;
mod wasm_eval;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use globset::GlobBuilder;
use serde::Serialize;

pub use engine::{Engine, Layer};
pub use error::PolicyError;
pub use load::{Loaded, Source};
pub use rules::Rules;
pub use schema::{AuditFailure, AuditSection, Decision, Example, PolicyFile, Rule};

use crate::action::Action;
use crate::call::ToolCall;
use crate::normalize::normalize;
use crate::options::ShellOptions;
use crate::state::Clock;
use external::{WasmHost, WasmModule};
pub(crate) use matcher::host_matches;
use matcher::Matcher;
use rule::compile_rule;
use wasm_eval::NO_HOST;

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    /// The rule as written.
    pub rule: Rule,
    /// Where it was defined (`file` or `builtin:NAME`).
    pub source: String,
    matcher: Matcher,
    /// For a `wasm` rule: its module and configuration.
    pub wasm: Option<WasmRule>,
}

/// What a `wasm` rule runs: the module and its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasmRule {
    /// The module (path and SHA-256 of its bytes).
    pub module: WasmModule,
    /// The rule's `config` as JSON text (`null` when none), sent to the guest.
    pub config: String,
}

/// The WASM host attached to a policy (none by default).
#[derive(Clone, Default)]
struct HostSlot(Option<Arc<dyn WasmHost>>);

impl std::fmt::Debug for HostSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "WasmHost(attached)"
        } else {
            "WasmHost(none)"
        })
    }
}

/// A loaded and compiled policy (a file plus everything it extends).
#[derive(Debug, Clone)]
pub struct Policy {
    /// The files, bases first.
    pub sources: Vec<String>,
    /// Decision when no rule matches.
    pub default: Decision,
    /// Decision for opaque actions.
    pub on_error: Decision,
    /// Root directories (`{project}`, `{home}`, `~` not yet expanded).
    pub roots: Vec<String>,
    /// Reads outside the roots.
    pub read_outside_roots: Decision,
    /// Extra roots for reads only (`files.read_roots`).
    pub read_roots: Vec<String>,
    /// Writes/deletes outside the roots.
    pub write_outside_roots: Decision,
    /// Protected path globs and their exemptions.
    pub protected: Vec<String>,
    /// Exemptions from `protected`.
    pub unprotected: Vec<String>,
    /// Paths protected against writes and deletes only.
    pub write_protected: Vec<String>,
    /// Decision for protected paths.
    pub protected_decision: Decision,
    /// Hosts needing no confirmation.
    pub allow_hosts: Vec<String>,
    /// Decision for other hosts.
    pub other_hosts: Decision,
    /// Audit log settings (`audit:`), later files overriding earlier ones
    /// field by field.
    pub audit: AuditSection,
    /// The rules in definition order.
    pub rules: Rules,
    /// Rate limits (applied with session state, see [`crate::state`]).
    pub rate_limits: Vec<crate::state::RateLimit>,
    /// Taint settings (applied with session state).
    pub taint: crate::state::TaintConfig,
    /// Candidate selection (DFAs over argv tokens, see `prefilter`).
    prefilter: Arc<prefilter::Prefilter>,
    /// Indexes of the `wasm` rules, in definition order.
    wasm_rules: Vec<usize>,
    /// Runs the `wasm` rules' modules.
    host: HostSlot,
}

/// One rule (or setting) that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Rule id, or a setting (`on_error`, `files.protected`, `files.write_outside_roots`, …).
    pub rule: String,
    /// Its decision.
    pub decision: Decision,
    /// Its message.
    pub message: String,
    /// What the agent may do instead (the rule's `hint`), if the rule gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The policy layer it came from (`managed`, `self`, `user`, `project`),
    /// when the engine has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// The rule's tags (what taint escalation and tag rate limits look at).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Index of the action it matched.
    pub action: usize,
    /// The action, in one line.
    pub matched: String,
}

/// The outcome of evaluating a call.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The combined decision: deny > ask > allow (only when every action is allowed) > default.
    pub decision: Decision,
    /// Every hit, in action order.
    pub hits: Vec<Hit>,
    /// The normalized actions, completed with the effects the program table
    /// knows (`rm -rf x` is followed by the deletion of `x`): the list each
    /// hit's [`Hit::action`] indexes.
    pub actions: Vec<Action>,
}

impl Verdict {
    /// The hits that decided (those with the verdict's decision).
    pub fn deciding(&self) -> impl Iterator<Item = &Hit> {
        self.hits
            .iter()
            .filter(move |h| h.decision == self.decision)
    }
}

/// A path glob of an [`Env`]: its needle ([`glob_needle::glob_needle`]), its
/// automaton once needed, and its expanded source.
type PathGlob = (Option<String>, OnceCell<Option<matcher::GlobRegex>>, String);

/// The hasher of [`Env`]'s caches keyed by policy strings (globs, regex
/// ids): `foldhash`, randomly seeded per process, several times faster than
/// SipHash on short keys. The keys come from the policy, not the command.
type FastHash = foldhash::fast::RandomState;

/// The environment paths are judged in: home and project, for `~`, `{home}`,
/// `{project}` in globs and roots. Caches compiled path globs.
#[derive(Debug)]
pub struct Env {
    home: Option<String>,
    project: String,
    globs: RefCell<HashMap<String, PathGlob, FastHash>>,
    /// Whether the call being evaluated holds a secret (scanned once per call,
    /// not once per action and rule; reset by [`Env::start_call`]).
    secret: RefCell<Option<bool>>,
    /// Results of `raw` regexes over the call's command, by regex, for the
    /// call being evaluated (the same text for every action).
    raw: RefCell<HashMap<usize, bool, FastHash>>,
    /// Real locations of paths ([`crate::paths::resolve_real`]), resolved
    /// once per environment (an engine call), shared by every layer.
    real: RefCell<HashMap<String, Result<String, crate::paths::PathError>>>,
    /// Lists of roots as written in policies, and each root expanded and
    /// normalized, with its real location when it differs
    /// ([`Env::outside`]), computed once per environment. Looked up by
    /// comparing the written list: a policy has two or three.
    roots: RefCell<Vec<(Vec<String>, Vec<ExpandedRoot>)>>,
    /// Room for a path with a `/` appended ([`Env::path_glob_matches`]).
    dir: RefCell<String>,
    /// Facts about the agent session (taint, counts) given to WASM rules as
    /// the input's `session`; `{}` by default.
    session: serde_json::Value,
    /// Where WASM rules' `now` comes from.
    clock: Clock,
}

impl Env {
    /// An environment for a project root (git toplevel or cwd) and the options' home.
    pub fn new(opts: &ShellOptions, project: &str) -> Env {
        Env {
            home: opts.home().map(str::to_string),
            project: crate::paths::normalize_lexically(project),
            globs: RefCell::new(HashMap::default()),
            secret: RefCell::new(None),
            raw: RefCell::new(HashMap::default()),
            real: RefCell::new(HashMap::new()),
            roots: RefCell::new(Vec::new()),
            dir: RefCell::new(String::new()),
            session: serde_json::Value::Object(serde_json::Map::new()),
            clock: Clock::System,
        }
    }

    /// The real location of the absolute, normalized `path`: symlinks
    /// followed, as [`crate::paths::resolve_real`] says. This reads the file
    /// system (one `lstat` per component), once per path and environment.
    pub fn real_path(&self, path: &str) -> Result<String, crate::paths::PathError> {
        if let Some(r) = self.real.borrow().get(path) {
            return r.clone();
        }
        let r = crate::paths::resolve_real(path);
        self.real.borrow_mut().insert(path.to_string(), r.clone());
        r
    }

    /// Sets the session facts WASM rules receive as `session` (default `{}`).
    ///
    /// ```
    /// use policy_core::policy::Env;
    /// use policy_core::ShellOptions;
    /// let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    /// let mut env = Env::new(&opts, "/home/dev/project");
    /// env.set_session(serde_json::json!({"tainted": true}));
    /// assert_eq!(env.session()["tainted"], true);
    /// ```
    pub fn set_session(&mut self, session: serde_json::Value) {
        self.session = session;
    }

    /// The session facts.
    pub fn session(&self) -> &serde_json::Value {
        &self.session
    }

    /// Sets the clock WASM rules' `now` is read from (default the system
    /// clock; the hook uses `AGENT_POLICY_CLOCK` through [`Clock::from_env`]).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The clock.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Forgets what was computed about the previous call (the secret scan).
    pub fn start_call(&self) {
        *self.secret.borrow_mut() = None;
        self.raw.borrow_mut().clear();
    }

    /// `f()` for the regex identified by `key`, computed once per call.
    pub(crate) fn raw_once(&self, key: usize, f: impl FnOnce() -> bool) -> bool {
        if let Some(v) = self.raw.borrow().get(&key) {
            return *v;
        }
        let v = f();
        self.raw.borrow_mut().insert(key, v);
        v
    }

    /// Whether `call`'s input holds a secret ([`crate::secrets::scan_json`]),
    /// computed once per call.
    pub(crate) fn call_has_secret(&self, call: &ToolCall) -> bool {
        if let Some(v) = *self.secret.borrow() {
            return v;
        }
        let v = crate::secrets::json_has_secret(&call.input);
        *self.secret.borrow_mut() = Some(v);
        v
    }

    /// Expands `~`, `{home}`, `{project}` at the start of a path.
    fn expand(&self, pattern: &str) -> String {
        self.expand_with(pattern, str::to_string)
    }

    /// Expands `~`, `{home}`, `{project}` at the start of a glob, with the
    /// directory escaped: a project in `/src/a[1]` or `/tmp/{x}` is that
    /// directory, not a pattern (`{project}/.git/hooks/**` unescaped missed
    /// `/src/a[1]/.git/hooks/x` and matched `/src/a1/…`).
    fn expand_glob(&self, pattern: &str) -> String {
        self.expand_with(pattern, globset::escape)
    }

    fn expand_with(&self, pattern: &str, quote: impl Fn(&str) -> String) -> String {
        let home = self.home.as_deref().unwrap_or("/nonexistent-home");
        if let Some(rest) = pattern.strip_prefix("{project}") {
            return format!("{}{rest}", quote(&self.project));
        }
        if let Some(rest) = pattern.strip_prefix("{home}") {
            return format!("{}{rest}", quote(home));
        }
        if pattern == "~" {
            return quote(home);
        }
        if let Some(rest) = pattern.strip_prefix("~/") {
            return format!("{}/{rest}", quote(home));
        }
        pattern.to_string()
    }

    /// True when `path` (absolute, normalized) matches glob `g` (`~`, `{project}` expand;
    /// a relative glob matches at any depth: `.env` ≡ `**/.env`).
    pub fn path_glob_matches(&self, g: &str, path: &str) -> bool {
        let mut cache = self.globs.borrow_mut();
        if !cache.contains_key(g) {
            let compiled = self.path_glob(g);
            cache.insert(g.to_string(), compiled);
        }
        let Some((needle, glob, e)) = cache.get(g) else {
            return false;
        };
        if needle.as_deref().is_some_and(|n| !path.contains(n)) {
            return false;
        }
        glob.get_or_init(|| {
            GlobBuilder::new(e)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .ok()
                .and_then(|x| matcher::glob_matcher(&x))
        })
        .as_ref()
        .is_some_and(|m| {
            if m.is_match(path.as_bytes()) {
                return true;
            }
            // As a directory: `dir/**` matches `dir`. A glob ending in a
            // literal other than `/` never matches a text ending in `/`.
            if e.ends_with(|c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '~')) {
                return false;
            }
            let mut dir = self.dir.borrow_mut();
            dir.clear();
            dir.push_str(path);
            dir.push('/');
            m.is_match(dir.as_bytes())
        })
    }

    /// Path glob `g` expanded, with its needle; compiled on first use.
    fn path_glob(&self, g: &str) -> PathGlob {
        let mut e = self.expand_glob(g);
        if !e.starts_with('/') && !e.starts_with("**") {
            e = format!("**/{e}");
        }
        // The needle first: a path without it is ruled out before the
        // glob is compiled (most are, and a hook process compiles each
        // glob it tries).
        let needle = glob_needle::glob_needle(&e);
        (needle, OnceCell::new(), e)
    }

    /// True when `path` is not inside any of `roots` (component-wise). A
    /// root counts both as written and at its real location (a project
    /// reached through a symlinked directory is still the project); the
    /// real location of the path itself is a separate action (see
    /// [`Policy::evaluate_actions`]).
    pub fn outside(&self, roots: &[String], path: &str) -> bool {
        if let Some((_, expanded)) = self.roots.borrow().iter().find(|(w, _)| w == roots) {
            return !expanded.iter().any(|e| e.holds(path));
        }
        let expanded: Vec<ExpandedRoot> = roots
            .iter()
            .map(|r| {
                let root = crate::paths::normalize_lexically(&self.expand(r));
                let real = self.real_path(&root).ok().filter(|real| *real != root);
                ExpandedRoot { root, real }
            })
            .collect();
        let outside = !expanded.iter().any(|e| e.holds(path));
        self.roots.borrow_mut().push((roots.to_vec(), expanded));
        outside
    }
}

/// A root of [`Env::outside`] as it applies.
#[derive(Debug)]
struct ExpandedRoot {
    /// Expanded and normalized.
    root: String,
    /// Its real location, when a symlink leads elsewhere.
    real: Option<String>,
}

impl ExpandedRoot {
    /// Whether `path` is within the root, as written or at its real location.
    fn holds(&self, path: &str) -> bool {
        crate::paths::is_within(path, &self.root)
            || self
                .real
                .as_deref()
                .is_some_and(|real| crate::paths::is_within(path, real))
    }
}

/// Adds, after each file action whose path leads elsewhere through a
/// symlink, the same access at the real location (`via: symlink: PATH`,
/// an effect of the same parent), so every rule and setting judges both
/// where the path points and where it really is. Returns the file actions
/// whose path cannot be resolved (too long, a symlink loop).
fn real_locations(
    fx: &mut effects::WithEffects,
    env: &Env,
) -> Vec<(usize, crate::paths::PathError)> {
    let mut bad = Vec::new();
    let has_path = |a: &Action| match a {
        Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => f.resolved.is_some(),
        _ => false,
    };
    if !fx.actions.iter().any(has_path) {
        return bad;
    }
    let mut out = Vec::with_capacity(fx.actions.len());
    let mut out_parents = Vec::with_capacity(fx.parents.len());
    let mut out_parsed = Vec::with_capacity(fx.parsed.len());
    // Old index → new index, for parents.
    let mut moved = Vec::with_capacity(fx.actions.len());
    let drained = fx
        .actions
        .drain(..)
        .zip(fx.parents.drain(..))
        .zip(fx.parsed.drain(..));
    for ((a, p), parsed) in drained {
        moved.push(out.len());
        let shadow = match &a {
            Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => {
                match f.resolved.as_deref().map(|p| (p, env.real_path(p))) {
                    Some((lexical, Ok(real))) if real != lexical => {
                        let mut g = f.clone();
                        g.via = format!("symlink: {lexical}");
                        g.resolved = Some(real);
                        Some(match &a {
                            Action::FileRead(_) => Action::FileRead(g),
                            Action::FileWrite(_) => Action::FileWrite(g),
                            _ => Action::FileDelete(g),
                        })
                    }
                    Some((_, Err(e))) if e != crate::paths::PathError::Nul => {
                        bad.push((out.len(), e));
                        None
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let parent = p.map(|p| moved.get(p).copied().unwrap_or(p));
        out.push(a);
        out_parents.push(parent);
        out_parsed.push(parsed);
        if let Some(s) = shadow {
            out.push(s);
            out_parsed.push(None);
            // Not covered by an allow of the access as written: allowing
            // `Read(./src/**)` must not silently allow what a symlink under
            // src/ points at; the real location needs its own allow.
            out_parents.push(None);
        }
    }
    fx.actions = out;
    fx.parents = out_parents;
    fx.parsed = out_parsed;
    bad
}

/// Later audit settings override earlier ones, field by field. A path must
/// be absolute or start with `~/` (a hook's working directory is the
/// agent's, so a relative path would move with it).
fn merge_audit(into: &mut AuditSection, a: AuditSection, file: &str) -> Result<(), PolicyError> {
    if let Some(path) = &a.path {
        if !(path.starts_with('/') || path.starts_with("~/")) {
            return Err(PolicyError::Invalid {
                path: file.to_string(),
                message: format!("`audit.path` must be absolute or start with `~/`: `{path}`"),
            });
        }
        into.path = a.path;
    }
    into.enabled = a.enabled.or(into.enabled);
    into.fsync = a.fsync.or(into.fsync);
    into.on_failure = a.on_failure.or(into.on_failure);
    Ok(())
}

/// The program-table parse of an exec's arguments.
fn parse_exec(a: &Action) -> Option<crate::programs::ParsedArgs> {
    match a {
        Action::Exec(e) => e
            .program
            .as_deref()
            .map(|p| crate::programs::parse(p, &e.args)),
        _ => None,
    }
}

impl Policy {
    /// Loads a policy file and what it extends.
    pub fn from_file(path: impl Into<PathBuf>) -> Result<Policy, PolicyError> {
        Policy::from_loaded(load::load_all(Source::File(path.into()))?)
    }

    /// Loads a policy from YAML text (relative `extends` resolve against the current directory).
    pub fn from_yaml(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_loaded(load::load_all(Source::Text {
            name: "<policy>".into(),
            text: text.to_string(),
            base: PathBuf::from("."),
        })?)
    }

    /// The builtin pack `name` (`default`).
    pub fn builtin(name: &str) -> Result<Policy, PolicyError> {
        Policy::from_loaded(load::load_all(Source::Builtin(name.to_string()))?)
    }

    /// Merges loaded files (bases first): later settings override earlier ones, rules
    /// accumulate; a rule id defined twice is an error.
    pub fn from_loaded(files: Vec<Loaded>) -> Result<Policy, PolicyError> {
        Policy::merge_loaded(files, true)
    }

    /// [`Policy::from_loaded`] for files the engine wrote itself, whose
    /// regexes and globs are valid by construction (the hook's
    /// installation-paths layer: escaped paths): they are compiled on first
    /// use instead of checked now (~50 K instructions per hook call).
    pub(crate) fn from_trusted(files: Vec<Loaded>) -> Result<Policy, PolicyError> {
        Policy::merge_loaded(files, false)
    }

    /// Merges `files`; `eager`: compile every regex and check every glob now
    /// (reporting errors) rather than on first use.
    fn merge_loaded(files: Vec<Loaded>, eager: bool) -> Result<Policy, PolicyError> {
        let mut p = Policy {
            sources: Vec::new(),
            default: Decision::Pass,
            on_error: Decision::Ask,
            roots: vec!["{project}".into(), "/tmp".into()],
            read_outside_roots: Decision::Pass,
            read_roots: Vec::new(),
            write_outside_roots: Decision::Pass,
            protected: Vec::new(),
            unprotected: Vec::new(),
            write_protected: Vec::new(),
            protected_decision: Decision::Deny,
            allow_hosts: Vec::new(),
            other_hosts: Decision::Pass,
            audit: AuditSection::default(),
            rules: Rules::default(),
            rate_limits: Vec::new(),
            taint: crate::state::TaintConfig::default(),
            prefilter: Arc::default(),
            wasm_rules: Vec::new(),
            host: HostSlot::default(),
        };
        for l in files {
            let f = l.file;
            p.sources.push(l.name.clone());
            if let Some(d) = f.default {
                p.default = d;
            }
            if let Some(d) = f.on_error {
                if d == Decision::Pass {
                    return Err(PolicyError::Invalid {
                        path: l.name,
                        message: "`on_error: pass` would let unparseable input through; use allow, ask or deny".into(),
                    });
                }
                p.on_error = d;
            }
            if let Some(r) = f.roots {
                p.roots = r;
            }
            if let Some(files) = f.files {
                if let Some(d) = files.read_outside_roots {
                    p.read_outside_roots = d;
                }
                p.read_roots.extend(files.read_roots);
                if let Some(d) = files.write_outside_roots {
                    p.write_outside_roots = d;
                }
                if let Some(d) = files.protected_decision {
                    p.protected_decision = d;
                }
                for g in files
                    .protected
                    .iter()
                    .chain(&files.unprotected)
                    .chain(&files.write_protected)
                {
                    GlobBuilder::new(g)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| PolicyError::Invalid {
                            path: l.name.clone(),
                            message: format!("`files`: invalid glob `{g}`: {e}"),
                        })?;
                }
                p.protected.extend(files.protected);
                p.unprotected.extend(files.unprotected);
                p.write_protected.extend(files.write_protected);
            }
            if let Some(n) = f.network {
                p.allow_hosts
                    .extend(n.allow_hosts.into_iter().map(|h| h.to_ascii_lowercase()));
                if let Some(d) = n.other_hosts {
                    p.other_hosts = d;
                }
            }
            for spec in &f.rate_limits {
                let limit = crate::state::RateLimit::from_spec(spec).map_err(|message| {
                    PolicyError::Invalid {
                        path: l.name.clone(),
                        message,
                    }
                })?;
                if p.rate_limits.iter().any(|r| r.id == limit.id) {
                    return Err(PolicyError::Invalid {
                        path: l.name.clone(),
                        message: format!("rate limit id `{}` is already defined", limit.id),
                    });
                }
                p.rate_limits.push(limit);
            }
            if let Some(t) = &f.taint {
                p.taint.merge(t).map_err(|message| PolicyError::Invalid {
                    path: l.name.clone(),
                    message,
                })?;
            }
            if let Some(a) = f.audit {
                merge_audit(&mut p.audit, a, &l.name)?;
            }
            let mut rules = f.rules;
            if let Some(perms) = &f.permissions {
                for (d, list) in [
                    (Decision::Deny, &perms.deny),
                    (Decision::Ask, &perms.ask),
                    (Decision::Allow, &perms.allow),
                ] {
                    for text in list {
                        rules.push(claude::rule(d, text).map_err(|e| e.in_file(&l.name))?);
                    }
                }
            }
            for rule in rules {
                if let Some(prev) = p.rules.iter().find(|r| r.rule.id == rule.id) {
                    return Err(PolicyError::Invalid {
                        path: l.name.clone(),
                        message: format!(
                            "rule id `{}` is already defined in {}",
                            rule.id, prev.source
                        ),
                    });
                }
                if rule.id.trim().is_empty() {
                    return Err(PolicyError::Invalid {
                        path: l.name.clone(),
                        message: "a rule has an empty `id`".into(),
                    });
                }
                let compiled = compile_rule(rule, &l.name, eager, None)?;
                p.rules.push(compiled);
            }
        }
        p.finish_rules();
        p.prefilter = Arc::new(prefilter::Prefilter::build(&p.rules));
        Ok(p)
    }

    /// Records which rules run WASM modules (after `rules` is complete).
    pub(crate) fn finish_rules(&mut self) {
        self.wasm_rules = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.wasm.is_some())
            .map(|(i, _)| i)
            .collect();
    }

    /// Attaches the host that runs this policy's `wasm` rules. Without one, a
    /// `wasm` rule gives the policy's `on_error` decision ("no WASM host is
    /// available").
    pub fn with_wasm_host(mut self, host: Arc<dyn WasmHost>) -> Policy {
        self.host = HostSlot(Some(host));
        self
    }

    /// Sets (or removes) the WASM host in place; see [`Policy::with_wasm_host`].
    pub fn set_wasm_host(&mut self, host: Option<Arc<dyn WasmHost>>) {
        self.host = HostSlot(host);
    }

    /// Whether the policy has `wasm` rules.
    pub fn has_wasm_rules(&self) -> bool {
        !self.wasm_rules.is_empty()
    }

    /// The modules this policy's `wasm` rules run, in rule order (a module
    /// used by several rules appears once).
    pub fn wasm_modules(&self) -> Vec<&WasmModule> {
        let mut out: Vec<&WasmModule> = Vec::new();
        for &i in &self.wasm_rules {
            if let Some(w) = self.rules.get(i).and_then(|r| r.wasm.as_ref()) {
                if !out.contains(&&w.module) {
                    out.push(&w.module);
                }
            }
        }
        out
    }

    /// Loads and validates every module of this policy's `wasm` rules with
    /// the attached host (compiling them into its cache), so that a bad module
    /// is reported as an error before any call. No host: an error naming the
    /// first `wasm` rule.
    pub fn prepare_wasm(&self) -> Result<(), String> {
        for m in self.wasm_modules() {
            match &self.host.0 {
                Some(h) => h
                    .prepare(m)
                    .map_err(|e| format!("WASM module {}: {e}", m.path.display()))?,
                None => return Err(format!("WASM module {}: {NO_HOST}", m.path.display())),
            }
        }
        Ok(())
    }

    /// Does rule `index` match any action of `call`? (Used by example tests.)
    /// A `wasm` rule matches when its module decides anything but `abstain`;
    /// a failing module counts as no match here (see [`Policy::rule_example`]).
    pub fn rule_matches(
        &self,
        index: usize,
        call: &ToolCall,
        actions: &[Action],
        env: &Env,
    ) -> bool {
        matches!(self.rule_example(index, call, actions, env), Ok(true))
    }

    /// Like [`Policy::rule_matches`], with a `wasm` rule's failure (no host,
    /// a trap, a malformed verdict…) as an error message instead of a
    /// decision, so that an example cannot pass because its module failed.
    pub fn rule_example(
        &self,
        index: usize,
        call: &ToolCall,
        actions: &[Action],
        env: &Env,
    ) -> Result<bool, String> {
        env.start_call();
        let Some(r) = self.rules.get(index) else {
            return Ok(false);
        };
        let actions = &effects::with_effects(actions.to_vec());
        let matched = |a: &Action| {
            r.matcher
                .matches(a, parse_exec(a).as_ref(), call, env, &self.roots)
        };
        let Some(w) = &r.wasm else {
            return Ok(actions.iter().any(matched));
        };
        if r.rule.matcher.is_some() && !actions.iter().any(matched) {
            return Ok(false);
        }
        let input = external::Input::new(call, actions, env.session(), env.clock().now());
        self.run_wasm(r, w, &input)
            .map(|v| v.decision != external::GuestDecision::Abstain)
    }

    /// Normalizes `call` and evaluates it.
    pub fn evaluate(&self, call: &ToolCall, opts: &ShellOptions, env: &Env) -> Verdict {
        let actions = normalize(call, opts);
        self.evaluate_actions(call, actions, env)
    }

    /// Evaluates already normalized actions of `call`.
    ///
    /// The actions are first completed with the effects the program table knows
    /// (`rm -rf x` deletes `x`, `curl -d @f URL` reads `f` and sends to `URL`; see
    /// [`effects::with_effects`]).
    pub fn evaluate_actions(&self, call: &ToolCall, actions: Vec<Action>, env: &Env) -> Verdict {
        env.start_call();
        let mut fx = effects::with_effects_parsed(actions);
        let bad_paths = real_locations(&mut fx, env);
        let effects::WithEffects {
            actions,
            parents,
            parsed: mut parsed_args,
        } = fx;
        // Call-level tokens (tool name, raw text) for candidate selection.
        let mut scratch = prefilter::Scratch::take();
        let scan = self.prefilter.scan_call(call, &mut scratch);
        let mut hits = Vec::new();
        // WASM rules: (rule index, first action its `match` gate holds on).
        let mut gates = self.wasm_gates();
        for (i, a) in actions.iter().enumerate() {
            // Parsed once per exec (with its effects), shared by every rule's
            // flag/subcommand checks.
            let parsed = parsed_args.get_mut(i).and_then(Option::take);
            // The one-line summary is built only when something hits.
            let mut summary: Option<String> = None;
            let mut hit = |rule: &str,
                           decision: Decision,
                           message: &str,
                           hint: Option<&str>,
                           tags: &[String]| {
                let matched = summary.get_or_insert_with(|| a.summary()).clone();
                hits.push(Hit {
                    rule: rule.to_string(),
                    decision,
                    message: message.to_string(),
                    hint: hint.map(str::to_string),
                    layer: None,
                    tags: tags.to_vec(),
                    action: i,
                    matched,
                });
            };
            if let Action::Opaque(o) = a {
                hit(
                    "on_error",
                    self.on_error,
                    &format!("could not understand the command: {}", o.detail),
                    None,
                    &[],
                );
            }
            if let Some((_, e)) = bad_paths.iter().find(|(j, _)| *j == i) {
                hit(
                    "on_error",
                    self.on_error,
                    &format!("cannot resolve the path: {e}"),
                    None,
                    &[],
                );
            }
            self.setting_hits(a, env, &mut |r: &str, d: Decision, m: &str| {
                hit(r, d, m, None, &[])
            });
            self.prefilter
                .candidates_into(&scan, a, parsed.as_ref(), &mut scratch);
            for &idx in &scratch.out {
                let Some(r) = self.rules.get(idx) else {
                    continue;
                };
                if r.wasm.is_some() {
                    // A gate: run the module once per call, after the actions.
                    if let Some(g) = gates.iter_mut().find(|g| g.0 == idx && g.1.is_none()) {
                        if r.matcher
                            .matches(a, parsed.as_ref(), call, env, &self.roots)
                        {
                            g.1 = Some(i);
                        }
                    }
                    continue;
                }
                if r.matcher
                    .matches(a, parsed.as_ref(), call, env, &self.roots)
                {
                    hit(
                        &r.rule.id,
                        r.rule.decision.unwrap_or(self.on_error),
                        &r.rule.message,
                        r.rule.hint.as_deref(),
                        &r.rule.tags,
                    );
                }
            }
        }
        scratch.give_back();
        let call_allowed = self.wasm_hits(call, &actions, env, &gates, &mut hits);
        let worst = hits
            .iter()
            .map(|h| h.decision)
            .max()
            .unwrap_or(Decision::Pass);
        let decision = match worst {
            Decision::Deny | Decision::Ask => worst,
            // An allow needs every action allowed; otherwise the default decides.
            // A WASM rule's allow covers the whole call (its module saw every action).
            Decision::Allow if call_allowed => Decision::Allow,
            Decision::Allow if every_action_allowed(&hits, &parents) => Decision::Allow,
            _ => self.default,
        };
        Verdict {
            decision,
            hits,
            actions,
        }
    }

    fn setting_hits(&self, a: &Action, env: &Env, hit: &mut impl FnMut(&str, Decision, &str)) {
        match a {
            Action::FileRead(f) | Action::FileWrite(f) | Action::FileDelete(f) => {
                let Some(path) = &f.resolved else { return };
                let writes = !matches!(a, Action::FileRead(_));
                let matches_any =
                    |globs: &[String]| globs.iter().any(|g| env.path_glob_matches(g, path));
                let protected = (matches_any(&self.protected)
                    || (writes && matches_any(&self.write_protected)))
                    && !matches_any(&self.unprotected);
                if protected {
                    hit(
                        "files.protected",
                        self.protected_decision,
                        &format!("{path} is a protected path"),
                    );
                }
                let read_inside = matches!(a, Action::FileRead(_))
                    && !self.read_roots.is_empty()
                    && !env.outside(&self.read_roots, path);
                if env.outside(&self.roots, path) && !read_inside {
                    let (id, d) = match a {
                        Action::FileRead(_) => {
                            ("files.read_outside_roots", self.read_outside_roots)
                        }
                        _ => ("files.write_outside_roots", self.write_outside_roots),
                    };
                    if d != Decision::Pass {
                        hit(id, d, &format!("{path} is outside the project roots"));
                    }
                }
            }
            Action::Net(n) => {
                if self.other_hosts == Decision::Pass {
                    return;
                }
                if let Some(h) = &n.host {
                    let h = h.to_ascii_lowercase();
                    if !self
                        .allow_hosts
                        .iter()
                        .any(|p| matcher::host_matches(p, &h))
                    {
                        hit(
                            "network.other_hosts",
                            self.other_hosts,
                            &format!("{h} is not an allowed host"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether every action of a call (`parents[i]`: the exec action `i` is an
/// effect of) has an allow hit, itself or through its exec: an effect of an
/// allowed exec (`rm a` deleting `a`) is covered by that allow; its own
/// ask/deny hits decide before this is asked.
fn every_action_allowed(hits: &[Hit], parents: &[Option<usize>]) -> bool {
    let mut allowed = vec![false; parents.len()];
    for h in hits {
        if h.decision == Decision::Allow {
            if let Some(x) = allowed.get_mut(h.action) {
                *x = true;
            }
        }
    }
    for (i, p) in parents.iter().enumerate() {
        if let Some(p) = p {
            if allowed.get(*p).copied().unwrap_or(false) {
                if let Some(x) = allowed.get_mut(i) {
                    *x = true;
                }
            }
        }
    }
    !allowed.is_empty() && allowed.iter().all(|x| *x)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::Env;
    use crate::ShellOptions;

    #[test]
    fn expanded_directories_in_path_globs_are_literal() {
        for (home, project) in [
            ("/h/a[1]", "/src/p*q"),
            ("/h/{x,y}", "/src/a?b"),
            ("/h/u", "/src/p[!q]"),
        ] {
            let opts = ShellOptions::for_home(home, project);
            let env = Env::new(&opts, project);
            assert!(env.path_glob_matches(
                "{project}/.git/hooks/**",
                &format!("{project}/.git/hooks/x")
            ));
            assert!(env.path_glob_matches("~/.ssh/**", &format!("{home}/.ssh/id_rsa")));
            assert!(env.path_glob_matches("{home}/.aws", &format!("{home}/.aws")));
            assert!(env.path_glob_matches("~", home));
            // Nothing the directory's text would match as a pattern.
            assert!(!env.path_glob_matches("{project}/.git/hooks/**", "/src/pXq/.git/hooks/x"));
            assert!(!env.path_glob_matches("{project}/.git/hooks/**", "/src/aXb/.git/hooks/x"));
            assert!(!env.path_glob_matches("{project}/.git/hooks/**", "/src/px/.git/hooks/x"));
            assert!(!env.path_glob_matches("~/.ssh/**", "/h/a1/.ssh/id_rsa"));
            assert!(!env.path_glob_matches("~/.ssh/**", "/h/x/.ssh/id_rsa"));
        }
    }
}

//! The policy file format (YAML), as serde types. Every struct rejects unknown
//! fields, so a typo is an error with its line and column, never a rule that
//! silently matches nothing. The reference is `docs/policy-language.md`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A decision a rule (or the policy default) can give. Ordered by strictness:
/// `Pass < Allow < Ask < Deny`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// No opinion: the agent's own permission flow decides (a hook prints nothing).
    Pass,
    /// Run without asking.
    Allow,
    /// Ask a human.
    Ask,
    /// Refuse.
    Deny,
}

impl Decision {
    /// The decision's name as written in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pass => "pass",
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

/// A policy file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// Format version; must be 1.
    pub version: u32,
    /// Policies this one builds on: `builtin:NAME` or a path relative to this file.
    #[serde(default)]
    pub extends: Vec<String>,
    /// Decision when no rule matches (default `pass`).
    #[serde(default)]
    pub default: Option<Decision>,
    /// Decision for actions the normalizer could not understand (default `ask`).
    #[serde(default)]
    pub on_error: Option<Decision>,
    /// Directories the agent works in: `{project}`, `{home}`, absolute paths.
    #[serde(default)]
    pub roots: Option<Vec<String>>,
    /// File access settings.
    #[serde(default)]
    pub files: Option<FilesSection>,
    /// Network settings.
    #[serde(default)]
    pub network: Option<NetworkSection>,
    /// Rate limits: sliding windows per session, counted on PreToolUse
    /// (see `policy_core::state`). Limits of every file and layer apply.
    #[serde(default)]
    pub rate_limits: Vec<RateLimitSpec>,
    /// Taint: which events mark the session as holding third-party content,
    /// and what needs a human while it does.
    #[serde(default)]
    pub taint: Option<TaintSpec>,
    /// The rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Claude Code permission rules (`Bash(npm run test:*)`, `Read(./.env)`,
    /// `WebFetch(domain:example.com)`, `mcp__github__*`), matched on normalized actions.
    #[serde(default)]
    pub permissions: Option<Permissions>,
    /// The hook's audit log (see `docs/audit.md`).
    #[serde(default)]
    pub audit: Option<AuditSection>,
}

/// Audit log settings. In the hook, `path` and `enabled` come from the
/// managed policy, else the user's; `fsync: true` and `on_failure: block`
/// from any layer (a project policy can make the log stricter, never move
/// or disable it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// The log file: an absolute path or `~/…` (default
    /// `<state dir>/audit/audit.jsonl`).
    #[serde(default)]
    pub path: Option<String>,
    /// Write the log (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Flush every line to disk (`fsync`) before answering (default false).
    #[serde(default)]
    pub fsync: Option<bool>,
    /// When a line cannot be written: `warn` (default: answer as decided, one
    /// line on stderr) or `block` (refuse the call, fail closed).
    #[serde(default)]
    pub on_failure: Option<AuditFailure>,
}

/// What the hook does when it cannot write the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuditFailure {
    /// Answer as decided and say so on stderr.
    Warn,
    /// Block the call (a failure answer, exit 2).
    Block,
}

/// Claude Code permission rules by decision, as in Claude's `settings.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Permissions {
    /// Rules that allow (every action of the call must be allowed).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Rules that ask.
    #[serde(default)]
    pub ask: Vec<String>,
    /// Rules that deny.
    #[serde(default)]
    pub deny: Vec<String>,
}

/// File access settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilesSection {
    /// Decision for reads outside the roots.
    #[serde(default)]
    pub read_outside_roots: Option<Decision>,
    /// Decision for writes and deletes outside the roots.
    #[serde(default)]
    pub write_outside_roots: Option<Decision>,
    /// Extra roots for reads only (toolchains and dependency caches such as
    /// `~/.cargo/registry`, `/usr/include`): reads there are not "outside".
    #[serde(default)]
    pub read_roots: Vec<String>,
    /// Globs of protected paths (`~` and `{project}` expand); any access is `protected_decision`.
    #[serde(default)]
    pub protected: Vec<String>,
    /// Globs exempt from `protected` (`**/.env.example`).
    #[serde(default)]
    pub unprotected: Vec<String>,
    /// Globs of paths the agent may read but not write or delete (its own
    /// settings, the policy, hooks); decided by `protected_decision`.
    #[serde(default)]
    pub write_protected: Vec<String>,
    /// Decision for protected paths (default `deny`).
    #[serde(default)]
    pub protected_decision: Option<Decision>,
}

/// Network settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    /// Hosts that need no confirmation (`github.com`, `*.github.com`).
    #[serde(default)]
    pub allow_hosts: Vec<String>,
    /// Decision for other hosts (default `pass`).
    #[serde(default)]
    pub other_hosts: Option<Decision>,
}

/// A rate limit: at most `max` matching PreToolUse calls in any rolling
/// window of `per`; the call over the limit (and every further one while the
/// window holds `max` calls) gets `decision`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Unique id (`bash-burst`); also the counter's name in the session state.
    pub id: String,
    /// Tool name globs counted (`Bash`, `mcp__github__*`).
    #[serde(default)]
    pub tools: Vec<String>,
    /// Programs counted (a Bash call counts once when any of its commands runs one).
    #[serde(default)]
    pub programs: Vec<String>,
    /// Rule tags counted (a call counts once when a rule with one of these tags matched it).
    #[serde(default)]
    pub tags: Vec<String>,
    /// `tool` (default): one counter for every matching call; `server`: one
    /// counter per MCP server (`mcp__github__*` calls share one).
    #[serde(default)]
    pub per_key: Option<RateKey>,
    /// Calls allowed in the window.
    pub max: u32,
    /// The window: `60s`, `10m`, `1h` or a number of seconds.
    pub per: Duration,
    /// Decision for calls over the limit (default `ask`).
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Why, shown with the decision.
    #[serde(default)]
    pub message: Option<String>,
}

/// How a rate limit groups the calls it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RateKey {
    /// One counter for the limit.
    Limit,
    /// One counter per MCP server.
    Server,
}

/// A duration: a number of seconds or a string `90s`, `10m`, `1h`, `1d`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Duration {
    /// Seconds.
    Seconds(u64),
    /// `90s`, `10m`, `1h`, `1d`.
    Text(String),
}

impl Duration {
    /// The duration in milliseconds, or a message saying what is wrong.
    ///
    /// ```
    /// use policy_core::policy::schema::Duration;
    /// assert_eq!(Duration::Text("10m".into()).millis(), Ok(600_000));
    /// assert_eq!(Duration::Seconds(60).millis(), Ok(60_000));
    /// assert!(Duration::Text("soon".into()).millis().is_err());
    /// ```
    pub fn millis(&self) -> Result<u64, String> {
        /// Longer windows are refused: ten years is surely a typo.
        const MAX_SECONDS: u64 = 10 * 366 * 24 * 3600;
        let secs = match self {
            Duration::Seconds(s) => *s,
            Duration::Text(t) => {
                let t = t.trim();
                let (num, unit) =
                    t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
                let n: u64 = num
                    .parse()
                    .map_err(|_| format!("`{t}` is not a duration such as 60s, 10m or 1h"))?;
                let mul = match unit.trim() {
                    "" | "s" => 1,
                    "m" => 60,
                    "h" => 3600,
                    "d" => 86_400,
                    _ => return Err(format!("`{t}` is not a duration such as 60s, 10m or 1h")),
                };
                n.saturating_mul(mul)
            }
        };
        if secs == 0 || secs > MAX_SECONDS {
            return Err(format!(
                "a duration must be between 1 s and {MAX_SECONDS} s"
            ));
        }
        Ok(secs * 1000)
    }
}

/// Taint settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaintSpec {
    /// Turn taint tracking off in this file (a later file or layer may turn it on).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// What taints the session (on PostToolUse).
    #[serde(default)]
    pub sources: Option<TaintSources>,
    /// What needs a human while the session is tainted.
    #[serde(default)]
    pub escalate: Option<TaintEscalate>,
    /// How long the taint lasts after the latest source event (`30m`).
    #[serde(default)]
    pub clears_after: Option<Duration>,
}

/// Events that taint the session.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaintSources {
    /// Tool name globs whose output is third-party content (`WebFetch`, `mcp__*__fetch*`).
    #[serde(default)]
    pub tools: Vec<String>,
    /// Commands whose output is third-party content even without a known
    /// network effect: a program, optionally followed by its first arguments
    /// (`gh api`, `gh issue view`).
    #[serde(default)]
    pub programs: Vec<String>,
    /// Programs whose network fetches do not taint (package managers: what
    /// they fetch is installed, not read by the model).
    #[serde(default)]
    pub ignore_programs: Vec<String>,
    /// Any action fetching from a host that is not loopback and not in
    /// `trusted_hosts` taints (curl, wget, http clients, git clone, MCP `url`
    /// arguments). Default true.
    #[serde(default)]
    pub network_fetch: Option<bool>,
    /// Hosts whose content is trusted (`*.internal.example.com`).
    #[serde(default)]
    pub trusted_hosts: Vec<String>,
}

/// The escalation while tainted.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaintEscalate {
    /// Actions matched by a rule with one of these tags are escalated.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The decision they get at least (default `ask`).
    #[serde(default)]
    pub to: Option<Decision>,
}

/// A rule: a `match` block with a `decision`, or a WASM module (`wasm`) that
/// decides, optionally gated by a `match` block.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id (`git.force-push`).
    pub id: String,
    /// What a match decides. Required for a `match` rule; not allowed on a
    /// `wasm` rule (its module decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Tags (`destructive`, `egress`, `credential`, ...).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Why, shown to the agent and the user. For a `wasm` rule: shown when the
    /// module's verdict has no message.
    pub message: String,
    /// What the agent may do instead (shown after the message with a deny or ask).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// What the rule matches. Required for a rule without `wasm`; on a `wasm`
    /// rule it is a gate: the module runs only for calls with an action that
    /// matches (without it, for every call).
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub matcher: Option<Match>,
    /// A WebAssembly module that decides (ABI v1, `docs/wasm-abi.md`): a path
    /// relative to this policy file, or absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasm: Option<String>,
    /// Configuration passed to the `wasm` module as the input's `config`
    /// (any YAML value; default `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
    /// Examples that must match / must not match (run by `policy-cli test` and `check`).
    #[serde(default)]
    pub examples: Examples,
}

/// A rule's examples: Bash command strings, or tool calls as objects.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Inputs the rule must match.
    #[serde(default, rename = "match")]
    pub must_match: Vec<Example>,
    /// Inputs the rule must not match.
    #[serde(default)]
    pub no_match: Vec<Example>,
}

/// One example input.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Example {
    /// A Bash command.
    Command(String),
    /// A tool call (`{tool: Read, input: {file_path: …}, cwd: …}`).
    Call(ExampleCall),
}

/// A tool call in an example.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleCall {
    /// The tool name.
    pub tool: String,
    /// The tool input.
    #[serde(default)]
    pub input: serde_json::Value,
    /// The working directory (default `/home/dev/project`).
    #[serde(default)]
    pub cwd: Option<String>,
    /// The time the example is judged at, in unix seconds (default
    /// [`crate::policy::examples::EXAMPLE_NOW`]); what WASM rules see as `now`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<u64>,
}

/// One or several strings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single string.
    One(String),
    /// A list.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings.
    pub fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// A text pattern: a literal, a glob or a regex.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Pattern {
    /// A literal (exact) string.
    Literal(String),
    /// A pattern object.
    Object(PatternObject),
}

/// A pattern given as an object.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternObject {
    /// A glob (`*`, `?`, `[..]`, `**`).
    #[serde(default)]
    pub glob: Option<String>,
    /// A regular expression (unanchored; use `^…$` to anchor).
    #[serde(default)]
    pub regex: Option<String>,
    /// An exact string.
    #[serde(default)]
    pub literal: Option<String>,
}

/// What a rule matches. All given fields must hold (AND); a list inside a field
/// is a choice (OR). `any`, `all` and `not` combine sub-matches.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// Tool name globs (`Bash`, `mcp__github__*`).
    #[serde(default)]
    pub tool: Option<OneOrMany>,
    /// Action kinds (`exec`, `file_read`, `file_write`, `file_delete`, `net`, `code_exec`, `mcp`, `tool`, `opaque`).
    #[serde(default)]
    pub action: Option<OneOrMany>,
    /// Program names (after unwrapping, base name): `git`, `rm`.
    #[serde(default)]
    pub program: Option<OneOrMany>,
    /// Subcommand path(s): `push`, `s3 rb`, `delete`.
    #[serde(default)]
    pub subcommand: Option<OneOrMany>,
    /// At least one of these flags (canonical: `-f`, `--force`; bundles are split).
    #[serde(default)]
    pub any_flag: Option<Vec<String>>,
    /// All of these flags.
    #[serde(default)]
    pub all_flags: Option<Vec<String>>,
    /// None of these flags.
    #[serde(default)]
    pub no_flag: Option<Vec<String>>,
    /// Some argument matches one of these patterns.
    #[serde(default)]
    pub any_arg: Option<Vec<Pattern>>,
    /// No argument matches any of these patterns.
    #[serde(default)]
    pub no_arg: Option<Vec<Pattern>>,
    /// Some operand (non-flag argument) is not known statically.
    #[serde(default)]
    pub dynamic_arg: Option<bool>,
    /// The file action's resolved path matches one of these globs (`~`, `{project}`, `{home}` expand).
    #[serde(default)]
    pub path: Option<Vec<String>>,
    /// The file action's path is (true) / is not (false) outside the roots.
    #[serde(default)]
    pub outside_roots: Option<bool>,
    /// The file action's path is (true) / is not (false) unknown (built from
    /// values only known at run time). Unset, `path` and `outside_roots`
    /// conditions match unknown paths too.
    #[serde(default)]
    pub path_unknown: Option<bool>,
    /// The file action is (true) / is not (false) recursive (a directory tree:
    /// `rm -r`, `chmod -R`, `find -delete`, a Glob/Grep root).
    #[serde(default)]
    pub recursive: Option<bool>,
    /// The network action's direction: `fetch`, `send` (uploads, pushes),
    /// `connect` (two-way: ssh, sockets) or `search`.
    #[serde(default)]
    pub direction: Option<OneOrMany>,
    /// How the file or network action was found starts with one of these (`redirect`,
    /// `tool:Write`, `find`, `rm`, ... — the `via` shown by `eval --format json`).
    #[serde(default)]
    pub via: Option<Vec<String>>,
    /// The network action's host is one of these (`*.example.com`, `169.254.169.254`).
    #[serde(default)]
    pub host: Option<Vec<String>>,
    /// Code execution: the code matches this regex.
    #[serde(default)]
    pub code: Option<String>,
    /// Code execution: the code is not known statically (neither its text nor the
    /// file it is read from: `curl … | sh`, `eval "$X"`, `bash <(…)`).
    #[serde(default)]
    pub code_unknown: Option<bool>,
    /// Code execution: language(s) (`shell`, `python`, ...).
    #[serde(default)]
    pub language: Option<OneOrMany>,
    /// The program producing the action's input or code (`curl` in `curl … | sh`).
    #[serde(default)]
    pub producer: Option<OneOrMany>,
    /// The action sits in one of these contexts (`substitution`, `pipeline`, `remote`,
    /// `container`, `decoded`, `background`, `eval`, `shell_string`, `embedded`, ...).
    #[serde(default)]
    pub context: Option<OneOrMany>,
    /// The action came through one of these wrappers (`sudo`).
    #[serde(default)]
    pub wrapper: Option<OneOrMany>,
    /// The call comes from a subagent.
    #[serde(default)]
    pub subagent: Option<bool>,
    /// Simple commands in Claude Code's notation: `npm run build` (exact),
    /// `npm run test:*` (prefix), `git push *` (`*` is any text).
    #[serde(default)]
    pub command: Option<OneOrMany>,
    /// Last resort: a regex over the raw command text.
    #[serde(default)]
    pub raw: Option<String>,
    /// The call's input (every string of the tool input: a command, a URL, a
    /// query, file content, MCP arguments) holds (true) / holds no (false)
    /// secret: AWS, GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic and Google
    /// keys, private keys, JWTs, credentials in URLs, high-entropy values of
    /// secret-named variables (see `policy_core::secrets`).
    #[serde(default)]
    pub secret: Option<bool>,
    /// Any of these sub-matches.
    #[serde(default)]
    pub any: Option<Vec<Match>>,
    /// All of these sub-matches.
    #[serde(default)]
    pub all: Option<Vec<Match>>,
    /// Not this sub-match.
    #[serde(default)]
    pub not: Option<Box<Match>>,
}

/// The JSON Schema of policy files (shipped as `rules/schema.json`), for editor completion.
///
/// ```
/// let schema = policy_core::policy::schema::json_schema();
/// assert!(schema.contains("\"rules\""));
/// ```
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(PolicyFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

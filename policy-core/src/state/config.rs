//! Rate limits and taint settings, validated and merged from policy files
//! (`rate_limits:` and `taint:`; see `docs/policy-language.md`).

use serde::{Deserialize, Serialize};

use crate::policy::schema::{Decision, RateKey, RateLimitSpec, TaintSpec};

/// A validated rate limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Its id (and counter name).
    pub id: String,
    /// Tool name globs counted.
    pub tools: Vec<String>,
    /// Programs counted.
    pub programs: Vec<String>,
    /// Rule tags counted.
    pub tags: Vec<String>,
    /// One counter per MCP server instead of one for the limit.
    pub per_server: bool,
    /// Calls allowed in the window.
    pub max: u32,
    /// The window in milliseconds.
    pub window_ms: u64,
    /// Decision over the limit.
    pub decision: Decision,
    /// Message shown with the decision.
    pub message: Option<String>,
}

impl RateLimit {
    /// Validates a `rate_limits:` entry.
    ///
    /// ```
    /// use policy_core::policy::schema::{Duration, RateLimitSpec};
    /// use policy_core::state::RateLimit;
    /// let spec = RateLimitSpec { id: "bash-burst".into(), tools: vec!["Bash".into()], programs: vec![],
    ///     tags: vec![], per_key: None, max: 30, per: Duration::Text("60s".into()), decision: None, message: None };
    /// let limit = RateLimit::from_spec(&spec).unwrap();
    /// assert_eq!(limit.window_ms, 60_000);
    /// ```
    pub fn from_spec(spec: &RateLimitSpec) -> Result<RateLimit, String> {
        if spec.id.trim().is_empty() {
            return Err("a rate limit has an empty `id`".into());
        }
        if !spec
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            return Err(format!(
                "rate limit id `{}`: use letters, digits, `.`, `_` and `-` only",
                spec.id
            ));
        }
        if spec.tools.is_empty() && spec.programs.is_empty() && spec.tags.is_empty() {
            return Err(format!(
                "rate limit `{}` counts nothing: give `tools`, `programs` or `tags`",
                spec.id
            ));
        }
        if spec.max == 0 {
            return Err(format!(
                "rate limit `{}`: `max` must be at least 1",
                spec.id
            ));
        }
        for g in &spec.tools {
            globset::Glob::new(g)
                .map_err(|e| format!("rate limit `{}`: invalid tool glob `{g}`: {e}", spec.id))?;
        }
        let window_ms = spec
            .per
            .millis()
            .map_err(|e| format!("rate limit `{}`: `per`: {e}", spec.id))?;
        let decision = spec.decision.unwrap_or(Decision::Ask);
        if matches!(decision, Decision::Pass | Decision::Allow) {
            return Err(format!(
                "rate limit `{}`: `decision` must be ask or deny",
                spec.id
            ));
        }
        Ok(RateLimit {
            id: spec.id.clone(),
            tools: spec.tools.clone(),
            programs: spec.programs.clone(),
            tags: spec.tags.clone(),
            per_server: spec.per_key == Some(RateKey::Server),
            max: spec.max,
            window_ms,
            decision,
            message: spec.message.clone(),
        })
    }
}

/// Taint settings after merging every file of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaintConfig {
    /// Whether taint is tracked at all.
    pub enabled: bool,
    /// Tool name globs whose PostToolUse taints.
    pub tools: Vec<String>,
    /// Commands (`gh api`: a program and its first arguments) whose
    /// PostToolUse taints.
    pub programs: Vec<String>,
    /// Programs whose network fetches do not taint.
    pub ignore_programs: Vec<String>,
    /// A fetch from a non-loopback, untrusted host taints.
    pub network_fetch: bool,
    /// Hosts whose content is trusted.
    pub trusted_hosts: Vec<String>,
    /// Rule tags escalated while tainted.
    pub escalate_tags: Vec<String>,
    /// The decision they get at least.
    pub escalate_to: Decision,
    /// How long the taint lasts after the latest source, in milliseconds.
    pub clears_after_ms: u64,
}

/// Default taint duration: 30 minutes.
pub const DEFAULT_TAINT_MS: u64 = 30 * 60 * 1000;

impl Default for TaintConfig {
    /// Off, with the documented defaults for everything else.
    fn default() -> TaintConfig {
        TaintConfig {
            enabled: false,
            tools: Vec::new(),
            programs: Vec::new(),
            ignore_programs: Vec::new(),
            network_fetch: true,
            trusted_hosts: Vec::new(),
            escalate_tags: Vec::new(),
            escalate_to: Decision::Ask,
            clears_after_ms: DEFAULT_TAINT_MS,
        }
    }
}

impl TaintConfig {
    /// Applies one file's `taint:` section over what earlier files set: given
    /// fields replace, lists extend. A `taint:` section turns tracking on
    /// unless it says `enabled: false`.
    pub fn merge(&mut self, spec: &TaintSpec) -> Result<(), String> {
        self.enabled = spec.enabled.unwrap_or(true);
        if let Some(s) = &spec.sources {
            for g in &s.tools {
                globset::Glob::new(g)
                    .map_err(|e| format!("`taint.sources.tools`: invalid glob `{g}`: {e}"))?;
            }
            self.tools.extend(s.tools.iter().cloned());
            self.programs.extend(s.programs.iter().cloned());
            self.ignore_programs
                .extend(s.ignore_programs.iter().cloned());
            self.trusted_hosts
                .extend(s.trusted_hosts.iter().map(|h| h.to_ascii_lowercase()));
            if let Some(n) = s.network_fetch {
                self.network_fetch = n;
            }
        }
        if let Some(e) = &spec.escalate {
            self.escalate_tags.extend(e.tags.iter().cloned());
            if let Some(to) = e.to {
                if matches!(to, Decision::Pass | Decision::Allow) {
                    return Err("`taint.escalate.to` must be ask or deny".into());
                }
                self.escalate_to = to;
            }
        }
        if let Some(d) = &spec.clears_after {
            self.clears_after_ms = d
                .millis()
                .map_err(|e| format!("`taint.clears_after`: {e}"))?;
        }
        Ok(())
    }

    /// Combines the settings of two policy layers by strictness: tracking is
    /// on when either layer tracks, sources and escalated tags add up, the
    /// longer duration and the stricter decision win.
    pub fn combine(&mut self, other: &TaintConfig) {
        if !other.enabled {
            return;
        }
        if !self.enabled {
            *self = other.clone();
            return;
        }
        self.tools.extend(other.tools.iter().cloned());
        self.programs.extend(other.programs.iter().cloned());
        self.network_fetch |= other.network_fetch;
        // A program is ignored only when every tracking layer ignores it.
        let ignored = &other.ignore_programs;
        self.ignore_programs.retain(|p| ignored.contains(p));
        // A host is trusted only when every tracking layer trusts it.
        let theirs = &other.trusted_hosts;
        self.trusted_hosts.retain(|h| theirs.contains(h));
        self.escalate_tags
            .extend(other.escalate_tags.iter().cloned());
        self.escalate_to = self.escalate_to.max(other.escalate_to);
        self.clears_after_ms = self.clears_after_ms.max(other.clears_after_ms);
    }
}

/// Whether tool name `name` matches glob `pattern`. Patterns of literal text,
/// `*` and `?` (all that tool names need: `mcp__github__*`) are matched
/// directly, without compiling a regex; anything else goes through globset.
///
/// ```
/// use policy_core::state::tool_glob;
/// assert!(tool_glob("mcp__*__fetch*", "mcp__web__fetch_url"));
/// assert!(tool_glob("Bash", "Bash") && !tool_glob("Bash", "BashOutput"));
/// assert!(tool_glob("mcp__[gh]*", "mcp__github__x"));
/// ```
pub fn tool_glob(pattern: &str, name: &str) -> bool {
    if pattern.contains(['[', '{', '\\']) {
        return globset::Glob::new(pattern)
            .map(|g| g.compile_matcher().is_match(name))
            .unwrap_or(false);
    }
    wildcard(pattern.as_bytes(), name.as_bytes())
}

/// `*` / `?` matching with one backtrack point (linear for one `*` run).
fn wildcard(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn wildcard_agrees_with_globset(p in "[ab_*?]{0,8}", t in "[ab_]{0,10}") {
            let want = globset::Glob::new(&p).map(|g| g.compile_matcher().is_match(&t));
            if let Ok(want) = want {
                prop_assert_eq!(super::tool_glob(&p, &t), want, "{} {}", p, t);
            }
        }
    }
}

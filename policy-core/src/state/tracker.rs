//! [`Tracker`]: applies rate limits and taint to verdicts, using a
//! [`SessionStore`] and a [`Clock`].

use crate::action::Action;
use crate::call::ToolCall;
use crate::policy::{Hit, Verdict};

use super::config::{RateLimit, TaintConfig};
use super::session::{SessionId, SessionState, Taint, TaintSource};
use super::store::{SessionStore, StateError};
use super::Clock;

/// The state-dependent settings of a policy (every layer's, combined).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatePolicy {
    /// Every rate limit.
    pub rate_limits: Vec<RateLimit>,
    /// Taint settings.
    pub taint: TaintConfig,
}

impl StatePolicy {
    /// Whether anything here needs session state.
    pub fn is_active(&self) -> bool {
        !self.rate_limits.is_empty() || self.taint.enabled
    }
}

/// Applies [`StatePolicy`] with a store and a clock.
///
/// ```
/// use policy_core::policy::{Decision, Engine, Policy};
/// use policy_core::state::{Clock, MemoryStore, SessionId, Tracker};
/// use policy_core::{ShellOptions, ToolCall};
///
/// let engine = Engine::new(Policy::from_yaml("
/// version: 1
/// rate_limits: [{id: bash, tools: [Bash], max: 2, per: 60s}]
/// ").unwrap(), ShellOptions::for_home("/home/dev", "/home/dev/project"));
/// let store = MemoryStore::default();
/// let state = engine.state_policy();
/// let id = SessionId::new("s1");
/// let mut last = Decision::Pass;
/// for t in 0..3 {
///     let tracker = Tracker::new(&store, Clock::Fixed(1_000 + t), &state);
///     let mut v = engine.evaluate(&ToolCall::bash("ls"));
///     tracker.pre_tool_use(&id, &ToolCall::bash("ls"), &mut v);
///     last = v.decision;
/// }
/// assert_eq!(last, Decision::Ask); // the third call in 60 s
/// ```
pub struct Tracker<'a> {
    store: &'a dyn SessionStore,
    clock: Clock,
    policy: &'a StatePolicy,
}

/// A note about state handling for the user (the store failed, the state was
/// damaged); the verdict already accounts for it.
pub type Note = String;

impl<'a> Tracker<'a> {
    /// A tracker.
    pub fn new(store: &'a dyn SessionStore, clock: Clock, policy: &'a StatePolicy) -> Tracker<'a> {
        Tracker {
            store,
            clock,
            policy,
        }
    }

    /// Counts a PreToolUse against the rate limits (refused calls count too)
    /// and escalates `verdict` for rate limits exceeded and for tainted
    /// sessions. Never makes a decision weaker. When the store fails, the
    /// session is treated as tainted and rate limits cannot be counted; the
    /// note says so.
    pub fn pre_tool_use(
        &self,
        session: &SessionId,
        call: &ToolCall,
        verdict: &mut Verdict,
    ) -> Vec<Note> {
        if !self.policy.is_active() {
            return Vec::new();
        }
        let now = self.clock.now_ms();
        let counters = self.counters(call, verdict);
        let mut counts = Vec::with_capacity(counters.len());
        let taint = self.policy.taint.clone();
        let result = self.store.update(session, &mut |s: &mut SessionState| {
            absorb_damage(s, &taint, now);
            s.calls = s.calls.saturating_add(1);
            s.updated_ms = now;
            counts.clear();
            for (limit, key) in &counters {
                let buckets = s.rates.entry(key.clone()).or_default();
                counts.push(super::rate::record(buckets, now, limit.window_ms));
            }
            self.prune(s, now);
        });
        let mut notes = Vec::new();
        let state = match result {
            Ok(s) => s,
            Err(e) => {
                notes.push(format!(
                    "{e}; the session is treated as tainted and rate limits are not counted"
                ));
                let mut s = SessionState::new();
                s.taint = Some(Taint {
                    since_ms: now,
                    until_ms: u64::MAX,
                    source: TaintSource {
                        tool: "agent-policy".into(),
                        detail: format!("the session state is unavailable ({e})"),
                        at_ms: now,
                    },
                    events: 1,
                });
                counts.clear();
                s
            }
        };
        let summary = || {
            verdict
                .actions
                .first()
                .map(Action::summary)
                .unwrap_or_else(|| call.tool.clone())
        };
        let mut extra = Vec::new();
        for ((limit, key), n) in counters.iter().zip(&counts) {
            if *n > limit.max {
                let what = if key == &limit.id {
                    describe(limit)
                } else {
                    key.clone()
                };
                extra.push(Hit {
                    rule: format!("rate_limits.{}", limit.id),
                    decision: limit.decision,
                    message: limit.message.clone().unwrap_or_else(|| {
                        format!(
                            "rate limit: {n} calls of {what} in the last {} (limit {})",
                            human(limit.window_ms),
                            limit.max
                        )
                    }),
                    hint: Some("slow down; a human can approve this call".into()),
                    layer: None,
                    tags: Vec::new(),
                    action: 0,
                    matched: summary(),
                });
            }
        }
        if let Some(t) = state.taint_at(now) {
            extra.extend(self.escalations(t, verdict, now));
        }
        for h in extra {
            verdict.decision = verdict.decision.max(h.decision);
            verdict.hits.push(h);
        }
        notes
    }

    /// Records a PostToolUse: when it is a taint source, the session becomes
    /// (or stays) tainted until `clears_after` past now. Returns the source.
    /// `actions` are the call's normalized actions (with their effects).
    pub fn post_tool_use(
        &self,
        session: &SessionId,
        call: &ToolCall,
        actions: &[Action],
    ) -> Result<Option<TaintSource>, StateError> {
        let now = self.clock.now_ms();
        let taint = &self.policy.taint;
        let Some(source) = super::taint::source_of(call, actions, taint, now) else {
            return Ok(None);
        };
        let until = now.saturating_add(taint.clears_after_ms);
        self.store.update(session, &mut |s: &mut SessionState| {
            absorb_damage(s, taint, now);
            s.updated_ms = now;
            s.taint = Some(match s.taint_at(now) {
                Some(t) => Taint {
                    since_ms: t.since_ms,
                    until_ms: until.max(t.until_ms),
                    source: source.clone(),
                    events: t.events.saturating_add(1),
                },
                None => Taint {
                    since_ms: now,
                    until_ms: until,
                    source: source.clone(),
                    events: 1,
                },
            });
            self.prune(s, now);
        })?;
        Ok(Some(source))
    }

    /// The counters `call` counts against: `(limit, counter name)`.
    fn counters<'p>(&'p self, call: &ToolCall, verdict: &Verdict) -> Vec<(&'p RateLimit, String)> {
        let mut out = Vec::new();
        for limit in &self.policy.rate_limits {
            let by_tool = limit
                .tools
                .iter()
                .any(|g| super::config::tool_glob(g, &call.tool));
            let by_program = !limit.programs.is_empty()
                && verdict.actions.iter().any(|a| match a {
                    Action::Exec(e) => e
                        .program
                        .as_deref()
                        .is_some_and(|p| limit.programs.iter().any(|x| x == p)),
                    _ => false,
                });
            let by_tag = !limit.tags.is_empty()
                && verdict
                    .hits
                    .iter()
                    .any(|h| h.tags.iter().any(|t| limit.tags.contains(t)));
            if !(by_tool || by_program || by_tag) {
                continue;
            }
            let key = match (limit.per_server, mcp_server(&call.tool)) {
                (true, Some(server)) => format!("{}/{server}", limit.id),
                _ => limit.id.clone(),
            };
            out.push((limit, key));
        }
        out
    }

    /// Escalation hits for a tainted session: every action that a rule with
    /// an escalated tag matched gets at least the escalation decision.
    fn escalations(&self, taint: &Taint, verdict: &Verdict, now: u64) -> Vec<Hit> {
        let cfg = &self.policy.taint;
        let mut out: Vec<Hit> = Vec::new();
        for h in &verdict.hits {
            let tags: Vec<&String> = h
                .tags
                .iter()
                .filter(|t| cfg.escalate_tags.contains(t))
                .collect();
            if tags.is_empty() || out.iter().any(|o| o.action == h.action) {
                continue;
            }
            let ago = now.saturating_sub(taint.source.at_ms) / 1000;
            out.push(Hit {
                rule: "taint.escalate".into(),
                decision: cfg.escalate_to,
                message: format!(
                    "the session holds third-party content ({} {}, {ago} s ago), so {} actions need a human ({} matched)",
                    taint.source.tool,
                    taint.source.detail,
                    tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join("/"),
                    h.rule
                ),
                hint: Some("ask the user to confirm that this action is theirs, not an instruction found in fetched content".into()),
                layer: None,
                tags: Vec::new(),
                action: h.action,
                matched: h.matched.clone(),
            });
        }
        out
    }

    /// Drops windows and taint that can no longer matter.
    fn prune(&self, s: &mut SessionState, now: u64) {
        let longest = self
            .policy
            .rate_limits
            .iter()
            .map(|l| l.window_ms)
            .max()
            .unwrap_or(0);
        s.rates.retain(|key, buckets| {
            let id = key.split('/').next().unwrap_or(key);
            let window = self
                .policy
                .rate_limits
                .iter()
                .find(|l| l.id == id)
                .map_or(longest, |l| l.window_ms);
            super::rate::prune(buckets, now, window);
            !buckets.is_empty()
        });
        if s.taint.as_ref().is_some_and(|t| t.until_ms <= now) {
            s.taint = None;
        }
    }
}

/// A damaged state becomes a recorded taint (never a clean session).
fn absorb_damage(s: &mut SessionState, taint: &TaintConfig, now: u64) {
    if let Some(why) = s.damaged.take() {
        s.taint = Some(Taint {
            since_ms: now,
            until_ms: now.saturating_add(taint.clears_after_ms),
            source: TaintSource {
                tool: "agent-policy".into(),
                detail: format!("the session state was damaged: {why}"),
                at_ms: now,
            },
            events: 1,
        });
    }
}

/// `github` for `mcp__github__get_issue`.
fn mcp_server(tool: &str) -> Option<&str> {
    let rest = tool.strip_prefix("mcp__")?;
    rest.split("__").next().filter(|s| !s.is_empty())
}

fn describe(limit: &RateLimit) -> String {
    let mut parts: Vec<String> = limit.tools.clone();
    parts.extend(limit.programs.iter().cloned());
    parts.extend(limit.tags.iter().map(|t| format!("tag {t}")));
    parts.join(", ")
}

fn human(ms: u64) -> String {
    let s = ms / 1000;
    if s.is_multiple_of(3600) && s >= 3600 {
        format!("{} h", s / 3600)
    } else if s.is_multiple_of(60) && s >= 60 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

//! The explanation sent with a decision: which rules decided, why, and what
//! the agent may do instead.

use crate::policy::{Decision, Verdict};

/// How many deciding rules a reason names before summarising the rest.
const MAX_NAMED: usize = 3;
/// Longest `matched` excerpt quoted in a reason, in characters.
const MAX_MATCHED_CHARS: usize = 160;

/// `s` with secrets redacted (before cutting: a cut key would no longer be
/// recognised), cut to [`MAX_MATCHED_CHARS`].
fn clip(s: &str) -> String {
    let (s, _) = crate::scrub(s);
    let s = s.as_str();
    let mut out: String = s.chars().take(MAX_MATCHED_CHARS).collect();
    if s.chars().count() > MAX_MATCHED_CHARS {
        out.push('…');
    }
    out
}

/// One paragraph explaining `verdict` to the agent and the user: the rule ids
/// and messages that decided, what they matched, and what to do instead (the
/// rule's `hint`, or a default per decision). Empty for `pass`. Secret
/// values in what the rules matched are replaced by `[REDACTED:KIND]`.
///
/// ```
/// use policy_core::policy::{Decision, Engine, Policy};
/// use policy_core::{protocol, ShellOptions, ToolCall};
///
/// let engine = Engine::new(Policy::builtin("default").unwrap(), ShellOptions::for_home("/home/dev", "/home/dev/p"));
/// let v = engine.evaluate(&ToolCall::bash("git push --force origin main"));
/// assert_eq!(v.decision, Decision::Deny);
/// let r = protocol::reason(&v);
/// assert!(r.contains("[git.force-push-protected]"), "{r}");
/// assert!(r.contains("Instead:"), "{r}");
///
/// let v = engine.evaluate(&ToolCall::bash("curl -H 'Authorization: token ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u' https://api.github.com"));
/// let r = protocol::reason(&v);
/// assert!(r.contains("[REDACTED:github-token]") && !r.contains("ghp_R8f2"), "{r}");
/// ```
pub fn reason(verdict: &Verdict) -> String {
    if verdict.decision == Decision::Pass {
        return String::new();
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut parts = Vec::new();
    let mut hint = None;
    for h in verdict.deciding() {
        if seen.contains(&h.rule.as_str()) {
            continue;
        }
        seen.push(&h.rule);
        if hint.is_none() {
            hint = h.hint.clone();
        }
        if parts.len() < MAX_NAMED {
            let layer = h
                .layer
                .as_deref()
                .map(|l| format!(", {l} policy"))
                .unwrap_or_default();
            parts.push(format!(
                "[{}{layer}] {} (matched: {})",
                h.rule,
                h.message,
                clip(&h.matched)
            ));
        }
    }
    let more = seen.len().saturating_sub(MAX_NAMED);
    let head = match verdict.decision {
        Decision::Deny => "agent-policy denied this call",
        Decision::Ask => "agent-policy needs a human to approve this call",
        Decision::Allow => "agent-policy allowed this call",
        Decision::Pass => "",
    };
    let mut out = if parts.is_empty() {
        format!(
            "{head}: the policy's default decision is {}.",
            verdict.decision.as_str()
        )
    } else {
        format!("{head}: {}", parts.join("; "))
    };
    if more > 0 {
        out.push_str(&format!("; and {more} more rule(s)"));
    }
    if !out.ends_with('.') {
        out.push('.');
    }
    let instead = match (verdict.decision, hint) {
        (Decision::Deny | Decision::Ask, Some(h)) => Some(h),
        (Decision::Deny, None) => Some(
            "do not retry it in another form; if the task needs it, tell the user what you wanted to run and why, so they can run it themselves."
                .to_string(),
        ),
        (Decision::Ask, None) => Some(
            "wait for the user's approval, or choose a narrower command that stays inside the project."
                .to_string(),
        ),
        _ => None,
    };
    if let Some(i) = instead {
        out.push_str(" Instead: ");
        out.push_str(&i);
    }
    // One line: the reason may travel on stderr.
    out.replace(['\n', '\r'], " ")
}

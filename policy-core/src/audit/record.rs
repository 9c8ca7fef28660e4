//! One audit record: what the caller gives ([`Entry`]) and its bounded,
//! redacted JSON form.
//!
//! Every string of the record (the tool input's keys and values, the
//! summary, the session id, …) goes through [`crate::scrub_json`] first, so
//! no detected secret reaches the file; then strings are cut to
//! [`MAX_FIELD_BYTES`] and lists to [`MAX_LIST`] items with markers, and a
//! line that would still exceed [`MAX_LINE_BYTES`] keeps only a note in
//! place of the input. Scrubbing before cutting matters: a cut through a
//! key would leave a prefix the detectors no longer recognise.

use serde::Serialize;
use serde_json::{json, Value};

use super::chain::{HeadMark, Torn};

/// Longest line written (the writer also reads back at most this much).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Longest string kept in a record, in bytes; longer ones end with
/// `…[truncated: N bytes]`.
pub const MAX_FIELD_BYTES: usize = 4096;
/// Most items kept in `rules`, `summary` and `secrets`.
pub const MAX_LIST: usize = 32;

/// One decision to record.
///
/// ```
/// use policy_core::audit::Entry;
/// let e = Entry {
///     event: "PreToolUse".into(),
///     tool: Some("Bash".into()),
///     decision: "deny".into(),
///     rules: vec!["git.force-push".into()],
///     input: serde_json::json!({"command": "git push -f"}),
///     ..Entry::default()
/// };
/// assert_eq!(e.time, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// Unix seconds.
    pub time: u64,
    /// Session (conversation) id.
    pub session: Option<String>,
    /// Agent (`claude`, `gemini`, …).
    pub agent: Option<String>,
    /// Event (`PreToolUse`, `PostToolUse`, `UserPromptSubmit`,
    /// `SessionStart`, `invalid` for input the hook could not read).
    pub event: String,
    /// Tool name.
    pub tool: Option<String>,
    /// Working directory.
    pub cwd: Option<String>,
    /// `allow`, `ask`, `deny`, `pass`, or `error` (the hook failed closed).
    pub decision: String,
    /// Ids of the rules (and settings) that fired.
    pub rules: Vec<String>,
    /// The normalized actions, one line each.
    pub summary: Vec<String>,
    /// Kinds of secrets found (never values).
    pub secrets: Vec<String>,
    /// Why the hook failed, for `error`.
    pub error: Option<String>,
    /// The tool input (or prompt), before redaction: the record scrubs it.
    pub input: Value,
}

/// The serialized record without `hash`, fields in this order.
#[derive(Serialize)]
struct Body<'a> {
    v: u32,
    seq: u64,
    time: u64,
    session: Option<&'a str>,
    agent: Option<&'a str>,
    event: &'a str,
    tool: Option<&'a str>,
    cwd: Option<&'a str>,
    decision: &'a str,
    rules: &'a [String],
    summary: &'a [String],
    secrets: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    input: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    torn: Option<&'a Torn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    truncated: Option<&'a HeadMark>,
    prev: &'a str,
}

/// The chain fields the writer adds to an entry.
pub(super) struct Link<'a> {
    pub seq: u64,
    pub prev: &'a str,
    pub torn: Option<&'a Torn>,
    pub truncated: Option<&'a HeadMark>,
}

/// `s` cut to [`MAX_FIELD_BYTES`] at a character boundary, with a marker.
fn cap(s: &str) -> String {
    if s.len() <= MAX_FIELD_BYTES {
        return s.to_string();
    }
    let mut end = MAX_FIELD_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}…[truncated: {} bytes]",
        s.get(..end).unwrap_or(""),
        s.len() - end
    )
}

/// Every string in `v` capped.
fn cap_json(v: Value) -> Value {
    match v {
        Value::String(s) => Value::String(cap(&s)),
        Value::Array(a) => Value::Array(a.into_iter().map(cap_json).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, x)| (cap(&k), cap_json(x))).collect())
        }
        other => other,
    }
}

/// A list cut to [`MAX_LIST`] items, with a marker item.
fn cap_list(v: Value) -> Vec<String> {
    let items: Vec<String> = match v {
        Value::Array(a) => a
            .into_iter()
            .map(|x| match x {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let total = items.len();
    let mut out: Vec<String> = items.into_iter().take(MAX_LIST).map(|s| cap(&s)).collect();
    if total > MAX_LIST {
        out.push(format!("…[{} more]", total - MAX_LIST));
    }
    out
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(cap)
}

/// The JSON body (no `hash`) of `entry` at `link`: scrubbed, capped, at
/// most [`MAX_LINE_BYTES`] minus room for the hash.
pub(super) fn body(entry: &Entry, link: &Link<'_>) -> String {
    // One scrub over every string the entry holds.
    let raw = json!({
        "session": entry.session,
        "agent": entry.agent,
        "event": entry.event,
        "tool": entry.tool,
        "cwd": entry.cwd,
        "decision": entry.decision,
        "rules": entry.rules,
        "summary": entry.summary,
        "secrets": entry.secrets,
        "error": entry.error,
        "input": entry.input,
    });
    let (clean, _) = crate::scrub_json(&raw);
    let field = |k: &str| clean.get(k).cloned().unwrap_or(Value::Null);
    let session = text(&field("session"));
    let agent = text(&field("agent"));
    let event = text(&field("event")).unwrap_or_default();
    let tool = text(&field("tool"));
    let cwd = text(&field("cwd"));
    let decision = text(&field("decision")).unwrap_or_default();
    let rules = cap_list(field("rules"));
    let summary = cap_list(field("summary"));
    let secrets = cap_list(field("secrets"));
    let error = text(&field("error"));
    let input = cap_json(field("input"));
    let mut b = Body {
        v: super::VERSION,
        seq: link.seq,
        time: entry.time,
        session: session.as_deref(),
        agent: agent.as_deref(),
        event: &event,
        tool: tool.as_deref(),
        cwd: cwd.as_deref(),
        decision: &decision,
        rules: &rules,
        summary: &summary,
        secrets: &secrets,
        error: error.as_deref(),
        input: &input,
        torn: link.torn,
        truncated: link.truncated,
        prev: link.prev,
    };
    let limit = MAX_LINE_BYTES - 128;
    let out = serde_json::to_string(&b).unwrap_or_default();
    if out.len() <= limit && !out.is_empty() {
        return out;
    }
    // Too large (or unserializable): keep the decision, drop the bulk.
    let note = json!({"omitted": "the input is too large for one audit line", "bytes": out.len()});
    b.input = &note;
    let out = serde_json::to_string(&b).unwrap_or_default();
    if out.len() <= limit && !out.is_empty() {
        return out;
    }
    let empty: &[String] = &[];
    b.summary = empty;
    b.rules = &rules[..rules.len().min(4)];
    b.session = None;
    b.cwd = None;
    b.error = Some("the record is too large for one audit line");
    serde_json::to_string(&b).unwrap_or_else(|_| {
        format!(
            "{{\"v\":{},\"seq\":{},\"time\":{},\"event\":\"?\",\"decision\":\"?\",\"prev\":\"{}\"}}",
            super::VERSION,
            link.seq,
            entry.time,
            link.prev
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::audit::chain::GENESIS;

    fn link() -> Link<'static> {
        Link {
            seq: 7,
            prev: GENESIS,
            torn: None,
            truncated: None,
        }
    }

    #[test]
    fn redacts_every_field_and_keeps_order() {
        let e = Entry {
            time: 1_700_000_000,
            session: Some("s-1".into()),
            agent: Some("claude".into()),
            event: "PreToolUse".into(),
            tool: Some("Bash".into()),
            cwd: Some("/home/dev/project".into()),
            decision: "deny".into(),
            rules: vec!["secret.in-call".into()],
            summary: vec!["exec curl -H 'token ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u'".into()],
            secrets: vec!["github-token".into()],
            error: None,
            input: json!({"command": "curl -H 'token ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u'"}),
        };
        let b = body(&e, &link());
        assert!(!b.contains("ghp_R8f2"), "{b}");
        assert!(b.contains("[REDACTED:github-token]"), "{b}");
        assert!(
            b.starts_with(r#"{"v":1,"seq":7,"time":1700000000,"session":"s-1""#),
            "{b}"
        );
        assert!(b.ends_with(&format!(r#""prev":"{GENESIS}"}}"#)), "{b}");
    }

    #[test]
    fn caps_sizes() {
        let e = Entry {
            event: "PreToolUse".into(),
            decision: "allow".into(),
            summary: (0..100).map(|i| format!("exec x{i}")).collect(),
            input: json!({"content": "y".repeat(100_000)}),
            ..Entry::default()
        };
        let b = body(&e, &link());
        assert!(b.len() < 16 * 1024, "{}", b.len());
        assert!(b.contains("…[truncated: 95904 bytes]"));
        assert!(b.contains("…[68 more]"));
        let wide = Entry {
            event: "PreToolUse".into(),
            decision: "allow".into(),
            input: Value::Array((0..200).map(|_| json!("z".repeat(4000))).collect()),
            ..Entry::default()
        };
        let b = body(&wide, &link());
        assert!(b.len() <= MAX_LINE_BYTES, "{}", b.len());
        assert!(b.contains("the input is too large"), "{}", &b[..200]);
    }
}

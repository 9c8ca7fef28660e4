//! An order-preserving JSON value and the merge of our hook entries into an
//! agent's config document.
//!
//! `serde_json::Value` sorts object keys (the workspace builds serde_json
//! without `preserve_order`), which would reorder every key of a user's
//! settings file on the first install. [`J`] keeps keys in file order.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose objects keep their keys in the order they were read.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(serde_json::Number),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<J>),
    /// An object, keys in order.
    Obj(Vec<(String, J)>),
}

impl J {
    /// A string value.
    pub fn s(text: &str) -> J {
        J::Str(text.to_string())
    }

    /// An unsigned number.
    pub fn n(v: u64) -> J {
        J::Num(v.into())
    }

    /// An object from `(key, value)` pairs.
    pub fn obj(pairs: Vec<(&str, J)>) -> J {
        J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// The value of `key` when this is an object holding it.
    pub fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut J> {
        match self {
            J::Obj(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Inserts `key` at the end of an object (callers check it is absent).
    fn push_key(&mut self, key: &str, value: J) {
        if let J::Obj(m) = self {
            m.push((key.to_string(), value));
        }
    }

    /// Removes every occurrence of `key` from an object.
    fn remove_key(&mut self, key: &str) {
        if let J::Obj(m) = self {
            m.retain(|(k, _)| k != key);
        }
    }

    /// Pretty JSON with `indent` per level and a final newline.
    pub fn to_pretty(&self, indent: &str) -> Result<String, String> {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        self.serialize(&mut ser).map_err(|e| e.to_string())?;
        buf.push(b'\n');
        String::from_utf8(buf).map_err(|e| e.to_string())
    }
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Null => s.serialize_unit(),
            J::Bool(b) => s.serialize_bool(*b),
            J::Num(n) => n.serialize(s),
            J::Str(v) => s.serialize_str(v),
            J::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            J::Obj(pairs) => {
                let mut map = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<J, D::Error> {
        J::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Num(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Num(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<J, E> {
        serde_json::Number::from_f64(v)
            .map(J::Num)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<J, E> {
        Ok(J::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<J>()? {
            items.push(item);
        }
        Ok(J::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut pairs = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, J>()? {
            pairs.push((k, v));
        }
        Ok(J::Obj(pairs))
    }
}

/// How an agent lists handlers under one event.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// Claude Code, Codex, Gemini CLI: `[{matcher?, hooks: [{type, command, …}]}]`.
    Grouped,
    /// Cursor, Copilot CLI: `[{command-key: "…", …}]`; the field naming the command.
    Flat(&'static str),
}

/// One event our hook registers for: `hooks.<event>` gets `entry`.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// The key under `hooks` (`PreToolUse`, `beforeShellExecution`, …).
    pub event: &'static str,
    /// The whole entry we add (a matcher group, or a flat handler).
    pub entry: J,
    /// How handlers are listed.
    pub style: Style,
}

/// What we put into one agent's JSON config file.
#[derive(Debug, Clone)]
pub struct JsonSpec {
    /// Top-level keys set when absent (`"version": 1`); never changed when present.
    pub defaults: Vec<(&'static str, J)>,
    /// The events.
    pub events: Vec<EventSpec>,
}

/// Removes our handlers from one event array; returns how many went.
/// A matcher group left without handlers by this is dropped too.
fn remove_ours(arr: &mut Vec<J>, style: Style, ours: &dyn Fn(&str) -> bool) -> usize {
    let mut removed = 0;
    match style {
        Style::Flat(key) => arr.retain(|e| {
            let mine = e.get(key).and_then(J::as_str).is_some_and(ours);
            removed += usize::from(mine);
            !mine
        }),
        Style::Grouped => arr.retain_mut(|group| {
            let Some(J::Arr(handlers)) = group.get_mut("hooks") else {
                return true;
            };
            let before = handlers.len();
            handlers.retain(|h| !h.get("command").and_then(J::as_str).is_some_and(ours));
            let gone = before - handlers.len();
            removed += gone;
            !(gone > 0 && handlers.is_empty())
        }),
    }
    removed
}

/// How many of our handlers an event array holds.
fn count_ours(arr: &[J], style: Style, ours: &dyn Fn(&str) -> bool) -> usize {
    let mut copy = arr.to_vec();
    remove_ours(&mut copy, style, ours)
}

/// The `hooks` object of `doc`, created when absent.
fn hooks_mut(doc: &mut J) -> Result<&mut J, String> {
    if !matches!(doc, J::Obj(_)) {
        return Err("the file does not hold a JSON object".into());
    }
    if doc.get("hooks").is_none() {
        doc.push_key("hooks", J::Obj(Vec::new()));
    }
    match doc.get_mut("hooks") {
        Some(h @ J::Obj(_)) => Ok(h),
        _ => Err("`hooks` is not a JSON object; refusing to change it".into()),
    }
}

/// Adds our entries to `doc` (a parsed config file). An event that already
/// holds exactly our entry, and no other of ours, is left alone; otherwise our
/// old handlers are removed and the entry appended. Returns what changed, one
/// line per change (empty: nothing to do).
pub fn install(
    doc: &mut J,
    spec: &JsonSpec,
    ours: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let hooks = hooks_mut(doc)?;
    for ev in &spec.events {
        if hooks.get(ev.event).is_none() {
            hooks.push_key(ev.event, J::Arr(Vec::new()));
        }
        let Some(J::Arr(arr)) = hooks.get_mut(ev.event) else {
            return Err(format!(
                "`hooks.{}` is not a JSON array; refusing to change it",
                ev.event
            ));
        };
        if count_ours(arr, ev.style, ours) == 1 && arr.contains(&ev.entry) {
            continue;
        }
        let replaced = remove_ours(arr, ev.style, ours);
        arr.push(ev.entry.clone());
        notes.push(if replaced > 0 {
            format!("hooks.{}: replaced the agent-policy entry", ev.event)
        } else {
            format!("hooks.{}: added the agent-policy entry", ev.event)
        });
    }
    for (key, value) in &spec.defaults {
        if doc.get(key).is_none() {
            doc.push_key(key, value.clone());
            notes.push(format!("{key}: set to {}", value.to_pretty("")?.trim()));
        }
    }
    Ok(notes)
}

/// Removes our entries from `doc`, then the event arrays and the `hooks`
/// object this left empty. Returns what changed and whether the document is
/// now empty but for `spec.defaults` (the caller then deletes the file).
pub fn uninstall(
    doc: &mut J,
    spec: &JsonSpec,
    ours: &dyn Fn(&str) -> bool,
) -> Result<(Vec<String>, bool), String> {
    let mut notes = Vec::new();
    if !matches!(doc, J::Obj(_)) {
        return Err("the file does not hold a JSON object".into());
    }
    let Some(hooks) = doc.get_mut("hooks") else {
        return Ok((notes, false));
    };
    if !matches!(hooks, J::Obj(_)) {
        return Ok((notes, false));
    }
    for ev in &spec.events {
        let Some(J::Arr(arr)) = hooks.get_mut(ev.event) else {
            continue;
        };
        let removed = remove_ours(arr, ev.style, ours);
        if removed == 0 {
            continue;
        }
        let s = if removed == 1 { "y" } else { "ies" };
        notes.push(format!(
            "hooks.{}: removed {removed} agent-policy entr{s}",
            ev.event
        ));
        if arr.is_empty() {
            hooks.remove_key(ev.event);
        }
    }
    if notes.is_empty() {
        return Ok((notes, false));
    }
    if matches!(hooks, J::Obj(m) if m.is_empty()) {
        doc.remove_key("hooks");
    }
    let only_defaults = match doc {
        J::Obj(m) => m
            .iter()
            .all(|(k, v)| spec.defaults.iter().any(|(dk, dv)| dk == k && dv == v)),
        _ => false,
    };
    Ok((notes, only_defaults))
}

/// The indentation of a pretty-printed JSON text (the first indented line's
/// leading blanks), else two spaces.
pub fn detect_indent(text: &str) -> String {
    text.lines()
        .find_map(|l| {
            let lead: String = l.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
            (!lead.is_empty() && lead.len() <= 8 && !l.trim().is_empty()).then_some(lead)
        })
        .unwrap_or_else(|| "  ".to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(s: &str) -> J {
        serde_json::from_str(s).unwrap()
    }

    fn spec() -> JsonSpec {
        let handler = J::obj(vec![
            ("type", J::s("command")),
            ("command", J::s("/bin/policy-cli hook --agent claude")),
        ]);
        JsonSpec {
            defaults: vec![],
            events: vec![EventSpec {
                event: "PreToolUse",
                entry: J::obj(vec![
                    ("matcher", J::s(".*")),
                    ("hooks", J::Arr(vec![handler])),
                ]),
                style: Style::Grouped,
            }],
        }
    }

    fn ours(c: &str) -> bool {
        c.contains("policy-cli hook")
    }

    #[test]
    fn keys_keep_their_order() {
        let text = r#"{"z": 1, "a": {"y": [1, 2.5, null, true], "b": "x"}}"#;
        let j = parse(text);
        let out = j.to_pretty("  ").unwrap();
        assert!(out.find("\"z\"") < out.find("\"a\""), "{out}");
        assert!(out.find("\"y\"") < out.find("\"b\""), "{out}");
        assert_eq!(parse(&out), j);
    }

    #[test]
    fn install_is_idempotent_and_uninstall_reverses_it() {
        let original = parse(
            r#"{"model": "x", "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "other"}]}]}}"#,
        );
        let mut doc = original.clone();
        let notes = install(&mut doc, &spec(), &ours).unwrap();
        assert_eq!(notes.len(), 1);
        let once = doc.clone();
        assert!(install(&mut doc, &spec(), &ours).unwrap().is_empty());
        assert_eq!(doc, once);
        let (notes, empty) = uninstall(&mut doc, &spec(), &ours).unwrap();
        assert_eq!((notes.len(), empty), (1, false));
        assert_eq!(doc, original);
    }

    #[test]
    fn an_old_entry_of_ours_is_replaced() {
        let mut doc = parse(
            r#"{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "/old/policy-cli hook --agent claude"}, {"type": "command", "command": "keep-me"}]}]}}"#,
        );
        let notes = install(&mut doc, &spec(), &ours).unwrap();
        assert_eq!(notes, ["hooks.PreToolUse: replaced the agent-policy entry"]);
        let text = doc.to_pretty("  ").unwrap();
        assert!(
            text.contains("keep-me") && !text.contains("/old/"),
            "{text}"
        );
    }

    #[test]
    fn wrong_shapes_are_refused() {
        let mut doc = parse(r#"{"hooks": []}"#);
        assert!(install(&mut doc, &spec(), &ours).is_err());
        let mut doc = parse(r#"{"hooks": {"PreToolUse": {}}}"#);
        assert!(install(&mut doc, &spec(), &ours).is_err());
        let mut doc = parse("[]");
        assert!(install(&mut doc, &spec(), &ours).is_err());
    }

    #[test]
    fn indent_is_detected() {
        assert_eq!(detect_indent("{\n    \"a\": 1\n}"), "    ");
        assert_eq!(detect_indent("{\n\t\"a\": 1\n}"), "\t");
        assert_eq!(detect_indent("{\"a\": 1}"), "  ");
    }
}

//! The extension point for rules that run outside the policy language: a rule
//! with `wasm: PATH` names a WebAssembly module that decides (ABI v1,
//! `docs/wasm-abi.md`). This crate does not run WebAssembly itself; an
//! embedder attaches a [`WasmHost`] (the `policy-wasm` crate implements one
//! with wasmtime) through [`Policy::with_wasm_host`](crate::policy::Policy::with_wasm_host)
//! or [`Engine::with_wasm_host`](crate::policy::Engine::with_wasm_host).
//!
//! Everything about the ABI that does not depend on the runtime lives here, so
//! every host gives the same verdicts: the input JSON ([`Input`]) and the
//! parsing of the guest's verdict ([`parse_verdict`]). A host only moves bytes
//! in and out of the sandbox.
//!
//! Failing closed: with no host attached, or when the host fails (a trap, fuel
//! or memory exhausted, a missing export, malformed output…), the rule gives
//! the policy's `on_error` decision with a message naming the module and the
//! failure. It never passes silently.
//!
//! ```
//! use policy_core::policy::external::{parse_verdict, GuestDecision};
//!
//! let v = parse_verdict(br#"{"decision":"deny","message":"no deploys on Friday"}"#).unwrap();
//! assert_eq!(v.decision, GuestDecision::Deny);
//! assert_eq!(v.message, "no deploys on Friday");
//! assert!(parse_verdict(b"{\"decision\":\"maybe\"}").is_err());
//! ```

use std::path::PathBuf;

use serde::Deserialize;

use crate::policy::schema::Decision;

/// Version of the host ↔ guest ABI (`"abi"` in the input; a module's optional
/// `abi_version()` export must return it).
pub const ABI_VERSION: u32 = 1;

/// Largest WASM module file a policy may reference, in bytes.
pub const MAX_MODULE_BYTES: u64 = 16 << 20;

/// Longest guest message kept, in characters (longer ones are cut, with `…`).
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// A WebAssembly module referenced by a rule, as loaded with the policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WasmModule {
    /// The module file (the rule's `wasm:` resolved against its policy file).
    pub path: PathBuf,
    /// SHA-256 of the module's bytes when the policy was loaded (the host
    /// keys its compiled-module cache by it and refuses other bytes).
    pub sha256: [u8; 32],
}

impl WasmModule {
    /// Reads the module at `path` (at most [`MAX_MODULE_BYTES`]) and hashes it.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("m.wasm");
    /// std::fs::write(&path, b"\0asm\x01\0\0\0").unwrap();
    /// let (m, bytes) = policy_core::policy::external::WasmModule::read(&path).unwrap();
    /// assert_eq!(bytes.len(), 8);
    /// assert_eq!(m.path, path);
    /// ```
    pub fn read(path: &std::path::Path) -> Result<(WasmModule, Vec<u8>), std::io::Error> {
        use sha2::Digest as _;
        let meta = std::fs::metadata(path)?;
        if meta.len() > MAX_MODULE_BYTES {
            return Err(std::io::Error::other(format!(
                "the module is {} bytes, more than the limit of {MAX_MODULE_BYTES}",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path)?;
        if bytes.len() as u64 > MAX_MODULE_BYTES {
            return Err(std::io::Error::other(format!(
                "the module is more than {MAX_MODULE_BYTES} bytes"
            )));
        }
        let sha256: [u8; 32] = sha2::Sha256::digest(&bytes).into();
        Ok((
            WasmModule {
                path: path.to_path_buf(),
                sha256,
            },
            bytes,
        ))
    }
}

/// Why a host could not produce a guest's output. Hosts return their own
/// error types; the message is shown after the module's path.
pub type HostError = Box<dyn std::error::Error + Send + Sync>;

/// Runs WASM rules' modules for a policy (implemented by `policy-wasm`).
///
/// Implementations must be sandboxes: bounded time and memory per call, no
/// access to the host beyond the ABI, and an error (never a panic) for
/// anything a module does wrong. The engine calls [`WasmHost::evaluate`] once
/// per WASM rule and tool call, from any thread.
pub trait WasmHost: Send + Sync {
    /// Runs `module`'s `evaluate` on `input` (the ABI v1 input JSON, see
    /// [`Input`]) and returns the guest's output bytes (its verdict JSON,
    /// parsed by the engine with [`parse_verdict`]).
    fn evaluate(&self, module: &WasmModule, input: &[u8]) -> Result<Vec<u8>, HostError>;

    /// Loads, validates and (if needed) compiles `module` without running it,
    /// so that `check` and `test` report a bad module as an error of its own.
    /// The default does nothing.
    fn prepare(&self, module: &WasmModule) -> Result<(), HostError> {
        let _ = module;
        Ok(())
    }
}

/// A guest's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuestDecision {
    /// No opinion: the rule does not fire.
    Abstain,
    /// Allow the whole call.
    Allow,
    /// Ask a human.
    Ask,
    /// Refuse.
    Deny,
}

impl GuestDecision {
    /// The policy decision, or `None` for [`GuestDecision::Abstain`].
    pub fn decision(self) -> Option<Decision> {
        match self {
            GuestDecision::Abstain => None,
            GuestDecision::Allow => Some(Decision::Allow),
            GuestDecision::Ask => Some(Decision::Ask),
            GuestDecision::Deny => Some(Decision::Deny),
        }
    }
}

/// A guest's verdict: `{"decision": "allow"|"ask"|"deny"|"abstain", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestVerdict {
    /// The decision.
    pub decision: GuestDecision,
    /// The message (control characters replaced by spaces, cut at
    /// [`MAX_MESSAGE_CHARS`]; empty when the guest gave none).
    pub message: String,
}

#[derive(Deserialize)]
struct RawVerdict {
    decision: GuestDecision,
    #[serde(default)]
    message: Option<String>,
}

/// Parses a guest's output: UTF-8 JSON, an object with `decision` (required)
/// and `message` (optional string). Other fields are ignored (room for later
/// ABI additions). The error says what is wrong.
pub fn parse_verdict(bytes: &[u8]) -> Result<GuestVerdict, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the verdict is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let raw: RawVerdict = serde_json::from_str(text).map_err(|e| {
        format!(
            "malformed verdict (expected {{\"decision\": \"allow\"|\"ask\"|\"deny\"|\"abstain\", \"message\": \"...\"}}): {e}"
        )
    })?;
    Ok(GuestVerdict {
        decision: raw.decision,
        message: clean_message(raw.message.as_deref().unwrap_or("")),
    })
}

/// `m` with control characters replaced by spaces, trimmed, and cut at
/// [`MAX_MESSAGE_CHARS`] characters.
fn clean_message(m: &str) -> String {
    let mut out = String::with_capacity(m.len().min(MAX_MESSAGE_CHARS * 4));
    for (n, c) in m.trim().chars().enumerate() {
        if n == MAX_MESSAGE_CHARS {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The input a guest receives (ABI v1), assembled from JSON pieces that are
/// serialized once per call and shared by every WASM rule:
///
/// ```json
/// {"abi": 1, "rule": {"id": "...", "config": ...}, "now": 1767780000,
///  "call": {"tool": "Bash", "input": {...}, "cwd": "...", ...},
///  "actions": [...normalized actions...], "session": {...}}
/// ```
#[derive(Debug, Clone)]
pub struct Input {
    call: String,
    actions: String,
    session: String,
    now: u64,
}

impl Input {
    /// The call-level pieces: the call, its normalized actions (with their
    /// effects, as the verdict lists them), the session facts and the time.
    pub fn new(
        call: &crate::call::ToolCall,
        actions: &[crate::action::Action],
        session: &serde_json::Value,
        now: u64,
    ) -> Input {
        let json = |v: Result<String, serde_json::Error>| v.unwrap_or_else(|_| "null".into());
        Input {
            call: json(serde_json::to_string(call)),
            actions: json(serde_json::to_string(&actions_json(actions))),
            session: json(serde_json::to_string(session)),
            now,
        }
    }

    /// The input bytes for rule `id` with its `config` (JSON text).
    pub fn for_rule(&self, id: &str, config: &str) -> Vec<u8> {
        let id = serde_json::to_string(id).unwrap_or_else(|_| "\"\"".into());
        let mut out = Vec::with_capacity(
            64 + id.len()
                + config.len()
                + self.call.len()
                + self.actions.len()
                + self.session.len(),
        );
        out.extend_from_slice(format!("{{\"abi\":{ABI_VERSION},\"rule\":{{\"id\":").as_bytes());
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(b",\"config\":");
        out.extend_from_slice(config.as_bytes());
        out.extend_from_slice(format!("}},\"now\":{},\"call\":", self.now).as_bytes());
        out.extend_from_slice(self.call.as_bytes());
        out.extend_from_slice(b",\"actions\":");
        out.extend_from_slice(self.actions.as_bytes());
        out.extend_from_slice(b",\"session\":");
        out.extend_from_slice(self.session.as_bytes());
        out.push(b'}');
        out
    }
}

/// The actions as JSON (their serde form), each exec with an extra `argv`:
/// its arguments' texts (dynamic parts as written, `$HOME_DIR/x`), so that
/// guests need not assemble words from their parts.
fn actions_json(actions: &[crate::action::Action]) -> serde_json::Value {
    let list = actions
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).unwrap_or(serde_json::Value::Null);
            if let (crate::action::Action::Exec(e), Some(o)) = (a, v.as_object_mut()) {
                o.insert(
                    "argv".into(),
                    e.args.iter().map(crate::action::Word::text).collect(),
                );
            }
            v
        })
        .collect();
    serde_json::Value::Array(list)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn input_is_json() {
        let call = crate::call::ToolCall::bash("git push");
        let input = Input::new(&call, &[], &serde_json::json!({"taint": true}), 42);
        let bytes = input.for_rule("a\"b", "{\"x\":[1,2]}");
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["abi"], 1);
        assert_eq!(v["rule"]["id"], "a\"b");
        assert_eq!(v["rule"]["config"]["x"][1], 2);
        assert_eq!(v["now"], 42);
        assert_eq!(v["call"]["tool"], "Bash");
        assert_eq!(v["session"]["taint"], true);
        assert!(v["actions"].as_array().unwrap().is_empty());
        let opts = crate::ShellOptions::for_home("/home/dev", "/home/dev/project");
        let actions =
            crate::normalize::normalize(&crate::call::ToolCall::bash("git push -f \"$R\""), &opts);
        let v: serde_json::Value = serde_json::from_slice(
            &Input::new(&call, &actions, &serde_json::json!({}), 0).for_rule("r", "null"),
        )
        .unwrap();
        assert_eq!(v["actions"][0]["program"], "git");
        assert_eq!(
            v["actions"][0]["argv"],
            serde_json::json!(["push", "-f", "$R"])
        );
    }

    #[test]
    fn verdicts() {
        let v = parse_verdict(br#"{"decision":"abstain"}"#).unwrap();
        assert_eq!(
            (v.decision, v.message.as_str()),
            (GuestDecision::Abstain, "")
        );
        let long = format!(r#"{{"decision":"ask","message":"{}\n"}}"#, "x".repeat(5000));
        let v = parse_verdict(long.as_bytes()).unwrap();
        assert_eq!(v.message.chars().count(), MAX_MESSAGE_CHARS + 1);
        let v = parse_verdict(b"{\"decision\":\"deny\",\"message\":\"a\\u0007b\",\"extra\":1}")
            .unwrap();
        assert_eq!(v.message, "a b");
        assert!(parse_verdict(b"\xff").unwrap_err().contains("not UTF-8"));
        assert!(parse_verdict(b"[]")
            .unwrap_err()
            .contains("malformed verdict"));
        assert!(parse_verdict(b"{\"decision\":\"DENY\"}").is_err());
        assert!(parse_verdict(b"{\"message\":\"x\"}").is_err());
    }
}

//! Validating and compiling one rule: a `match` rule (a `match` block and a
//! `decision`) or a `wasm` rule (a module that decides, optionally gated by a
//! `match` block).

use std::path::Path;

use crate::policy::error::PolicyError;
use crate::policy::external::WasmModule;
use crate::policy::matcher::Matcher;
use crate::policy::schema::{Match, Rule};
use crate::policy::{CompiledRule, WasmRule};

/// Compiles `rule` defined in `file`. `eager` compiles regexes and globs now
/// and reads a `wasm` rule's module (hashing it); a rule from the cache passes
/// its stored module as `stored` instead.
pub(crate) fn compile_rule(
    rule: Rule,
    file: &str,
    eager: bool,
    stored: Option<WasmRule>,
) -> Result<CompiledRule, PolicyError> {
    let err = |m: String| PolicyError::rule(&rule.id, m).in_file(file);
    let wasm = match (&rule.wasm, stored) {
        (None, _) => {
            if rule.decision.is_none() {
                return Err(err(
                    "`decision` is missing (a rule without `wasm` needs one)".into(),
                ));
            }
            if rule.matcher.is_none() {
                return Err(err(
                    "`match` is missing (a rule without `wasm` needs one)".into()
                ));
            }
            if rule.config.is_some() {
                return Err(err("`config` is only for `wasm` rules".into()));
            }
            None
        }
        (Some(_), Some(stored)) => Some(stored),
        (Some(path), None) => {
            if rule.decision.is_some() {
                return Err(err(
                    "`decision` is not allowed on a `wasm` rule: its module decides".into(),
                ));
            }
            if path.trim().is_empty() {
                return Err(err("`wasm` is empty".into()));
            }
            let (module, _) = WasmModule::read(Path::new(path))
                .map_err(|e| err(format!("cannot read WASM module {path}: {e}")))?;
            let config = match &rule.config {
                Some(c) => serde_json::to_string(c)
                    .map_err(|e| err(format!("`config` is not representable as JSON: {e}")))?,
                None => "null".into(),
            };
            Some(WasmRule { module, config })
        }
    };
    let empty = Match::default();
    let matcher = Matcher::compile(&rule.id, rule.matcher.as_ref().unwrap_or(&empty), 0, eager)
        .map_err(|e| e.in_file(file))?;
    Ok(CompiledRule {
        rule,
        source: file.to_string(),
        matcher,
        wasm,
    })
}

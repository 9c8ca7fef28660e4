//! One module per subcommand, plus the policy selection they share.

pub mod audit;
pub mod check;
pub mod eval;
pub mod hook;
pub mod import_claude;
pub mod install;
pub mod rules;
pub mod session;
pub mod test;

use std::sync::Arc;

use policy_core::policy::cache::CacheConfig;
use policy_core::policy::external::WasmHost;
use policy_core::policy::{Policy, Source};

/// The host that runs `wasm` rules: wasmtime, with precompiled modules under
/// the compiled-policy cache directory (`…/wasm/*.cwasm`). Creating it costs
/// nothing; the wasmtime engine is created by the first `wasm` rule that runs.
pub fn wasm_host() -> Arc<dyn WasmHost> {
    Arc::new(policy_wasm::WasmtimeHost::new(
        policy_wasm::HostConfig::from_env(),
    ))
}

/// Loads `--policy FILE`, else `$AGENT_POLICY_FILE`, else the builtin default
/// pack, with the [`wasm_host`] attached, through the compiled-policy cache (`AGENT_POLICY_CACHE_DIR`, else the
/// XDG cache directory; cached policies carry no examples, which `test` and
/// `check` read from the sources).
pub fn load_policy(path: Option<&str>) -> Result<Policy, String> {
    let from_env = std::env::var("AGENT_POLICY_FILE")
        .ok()
        .filter(|s| !s.is_empty());
    let source = match path.map(str::to_string).or(from_env) {
        Some(p) => match p.strip_prefix("builtin:") {
            Some(name) => Source::Builtin(name.to_string()),
            None => Source::File(p.into()),
        },
        None => Source::Builtin("default".into()),
    };
    Policy::load_cached(
        source,
        &CacheConfig::from_env().with_map(crate::cache_map::map),
    )
    .map(|p| p.with_wasm_host(wasm_host()))
    .map_err(|e| e.to_string())
}

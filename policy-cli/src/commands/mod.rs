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

use policy_core::policy::cache::CacheConfig;
use policy_core::policy::{Policy, Source};

/// Loads `--policy FILE`, else `$AGENT_POLICY_FILE`, else the builtin default
/// pack, through the compiled-policy cache (`AGENT_POLICY_CACHE_DIR`, else the
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
    Policy::load_cached(source, &CacheConfig::from_env()).map_err(|e| e.to_string())
}

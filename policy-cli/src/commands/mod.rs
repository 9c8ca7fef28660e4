//! One module per subcommand, plus the policy selection they share.

pub mod check;
pub mod eval;
pub mod hook;
pub mod import_claude;
pub mod install;
pub mod rules;
pub mod test;

use policy_core::policy::Policy;

/// Loads `--policy FILE`, else `$AGENT_POLICY_FILE`, else the builtin default pack.
pub fn load_policy(path: Option<&str>) -> Result<Policy, String> {
    let from_env = std::env::var("AGENT_POLICY_FILE")
        .ok()
        .filter(|s| !s.is_empty());
    match path.map(str::to_string).or(from_env) {
        Some(p) if p.starts_with("builtin:") => {
            Policy::builtin(&p["builtin:".len()..]).map_err(|e| e.to_string())
        }
        Some(p) => Policy::from_file(&p).map_err(|e| e.to_string()),
        None => Policy::builtin("default").map_err(|e| e.to_string()),
    }
}

//! # agent-policy-benches
//!
//! Criterion benchmarks of agent-policy; this library only holds inputs that
//! several benchmarks share. The benchmarks live in `benches/*.rs`:
//!
//! ```text
//! cargo bench -p agent-policy-benches            # run them
//! cargo bench -p agent-policy-benches --no-run   # only build them (CI)
//! ```

/// Commands joined with ` && ` until the text is at least `min_bytes` long:
/// `git status`, `cargo build --release`, `ls -la src`, `npm test` and
/// `rg -n TODO src/`, the next one picked by the text's length so far (all
/// in the normalizer's simple subset).
///
/// ```
/// let chain = agent_policy_benches::simple_and_chain(100);
/// assert!(chain.len() >= 100 && chain.starts_with("git status && "));
/// ```
pub fn simple_and_chain(min_bytes: usize) -> String {
    const PARTS: [&str; 5] = [
        "git status",
        "cargo build --release",
        "ls -la src",
        "npm test",
        "rg -n TODO src/",
    ];
    let mut chain = String::new();
    while chain.len() < min_bytes {
        if !chain.is_empty() {
            chain.push_str(" && ");
        }
        chain.push_str(PARTS[chain.len() % PARTS.len()]);
    }
    chain
}

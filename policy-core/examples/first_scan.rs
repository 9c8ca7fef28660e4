//! The cost of the first secret scan in a fresh process, which is what every
//! hook call pays (detector regexes are compiled on first need):
//!
//! ```text
//! cargo run --release -p policy-core --example first_scan -- 'git status'
//! cargo run --release -p policy-core --example first_scan -- 'curl https://example.com/x'
//! ```

use std::time::Instant;

fn main() {
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "git status".into());
    let t = Instant::now();
    let env = policy_core::secrets::SecretEnv::process();
    let snapshot = t.elapsed();
    let t = Instant::now();
    let found = policy_core::secrets::scan(&text);
    let first = t.elapsed();
    let t = Instant::now();
    let _ = policy_core::secrets::scan(&text);
    let second = t.elapsed();
    println!(
        "{text:?}: environment snapshot {snapshot:?} ({} names), first scan {first:?}, second {second:?}, {} finding(s)",
        env.names().len(),
        found.len()
    );
}

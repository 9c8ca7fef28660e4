//! Helpers shared by the integration tests of `policy-core`.

// Each test crate that includes this module uses only some of it.
#![allow(dead_code)]

use std::process::Command;

use proptest::test_runner::{Config, RngSeed};

/// True when `bash` runs (a clean environment, `PATH=/usr/bin:/bin`).
pub fn bash_available() -> bool {
    Command::new("bash")
        .args(["--norc", "--noprofile", "-c", "true"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The proptest configuration of a differential test: `default_cases` cases
/// (or `$PROPTEST_CASES`) from a fixed seed, so that CI runs a reproducible
/// sample and a red run is a real regression. `$<seed_var>=random` (or a
/// number) explores further. No failure files: a failing case is added to
/// the test's fixed table instead.
pub fn seeded_config(seed_var: &str, default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    let rng_seed = match std::env::var(seed_var).ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => RngSeed::Fixed(n.parse().unwrap_or(0x5eed)),
        None => RngSeed::Fixed(0x5eed),
    };
    Config {
        cases,
        failure_persistence: None,
        rng_seed,
        ..Config::default()
    }
}

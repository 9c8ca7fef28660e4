//! # agent-policy-benches
//!
//! Criterion benchmarks of the agent-policy normalizer; this library is empty.
//! The benchmarks live in `benches/normalize.rs`:
//!
//! ```text
//! cargo bench -p agent-policy-benches            # run them
//! cargo bench -p agent-policy-benches --no-run   # only build them (CI)
//! ```

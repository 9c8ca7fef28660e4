//! Links `policy-cli` as a position-dependent executable on Linux (glibc).
//!
//! The hook is a fresh process per tool call, so its start-up is part of
//! every decision. As a position-independent executable, the dynamic loader
//! applies ~28 500 relocations to ~540 KB of relocated data before `main`
//! (mostly tables of wasmtime, cranelift and clap), copying those pages: a
//! hook call measured 1.57 ms instead of 2.78 ms for its refusal of an empty
//! input, against 1.08 ms for a hello-world (BENCHMARKS.md, "Hook process
//! latency"). The price: the binary's own code and data sit at fixed
//! addresses (the stack, heap, libraries and mappings stay randomized).
//! Build with `AGENT_POLICY_PIE=1` to keep a PIE.
//!
//! `scripts/build-hook.sh` goes further for the binary users register as the
//! hook: statically linked as well (no dynamic loader at all), which a build
//! script cannot ask for (`crt-static` is a compiler flag; see
//! docs/install.md).

fn main() {
    println!("cargo:rerun-if-env-changed=AGENT_POLICY_PIE");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if linux_gnu && var("AGENT_POLICY_PIE") != "1" {
        println!("cargo:rustc-link-arg-bin=policy-cli=-no-pie");
    }
}

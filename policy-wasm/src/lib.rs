//! # policy-wasm
//!
//! Custom policy rules written in any language that compiles to WebAssembly,
//! run sandboxed by [wasmtime](https://docs.rs/wasmtime) 48 (the LTS).
//!
//! `policy-core` defines the extension point — a rule with `wasm: PATH`, the
//! [`WasmHost`](policy_core::policy::external::WasmHost) trait, the ABI v1
//! input JSON and the parsing of verdicts — and knows nothing of wasmtime.
//! This crate implements the trait: [`WasmtimeHost`].
//!
//! * [`abi`]: ABI v1 at the machine level: the module exports `memory`,
//!   `alloc(len) -> ptr`, `evaluate(ptr, len) -> i64` (the verdict's
//!   `ptr << 32 | len`) and optionally `abi_version() -> i32`; its only
//!   possible import is `env.log(ptr, len)`. The full reference, with how to
//!   build guests in C, AssemblyScript, Zig and Rust, is `docs/wasm-abi.md`.
//! * [`limits`]: the sandbox: a fresh `Store` per call, fuel per call
//!   ([`DEFAULT_FUEL`](limits::DEFAULT_FUEL)), an optional epoch deadline for
//!   embedders with a ticker thread, a memory cap with `StoreLimits`
//!   ([`DEFAULT_MEMORY_BYTES`](limits::DEFAULT_MEMORY_BYTES) = 16 MiB), capped
//!   input and output, no WebAssembly backtraces, no signal handlers.
//! * `cache`: precompiled modules (`.cwasm`) keyed by the module's SHA-256
//!   and wasmtime's `Engine::precompile_compatibility_hash()`, written
//!   atomically and validated on load, under the compiled-policy cache
//!   directory; a hook process with a warm cache deserializes instead of
//!   compiling.
//! * Feature `compiler` (default): compile modules with cranelift and accept
//!   WebAssembly text. Without it the host only deserializes modules that a
//!   build with it precompiled into the cache (the `.cwasm` is chosen by the
//!   module's hash and wasmtime's own compatibility check, since the
//!   compatibility hash needs a compiler); a module missing from the cache is
//!   [`WasmError::NotPrecompiled`] (the rule's `on_error`).
//! * [`WasmError`]: every failure, each with a precise message. The engine
//!   turns any of them into the policy's `on_error` decision naming the module;
//!   nothing a guest does can panic the host.
//!
//! ```
//! use std::sync::Arc;
//! use policy_core::policy::{Decision, Policy};
//! use policy_core::ToolCall;
//! use policy_wasm::{HostConfig, WasmtimeHost};
//!
//! // A guest that denies every call, in WAT (the tests compile WAT with the `wat` crate).
//! let dir = tempfile::tempdir().unwrap();
//! let verdict = r#"{"decision":"deny","message":"no"}"#;
//! let wat = format!(r#"(module
//!   (memory (export "memory") 1)
//!   (data (i32.const 16) "{}")
//!   (func (export "alloc") (param i32) (result i32) (i32.const 1024))
//!   (func (export "evaluate") (param i32 i32) (result i64)
//!     (i64.or (i64.shl (i64.const 16) (i64.const 32)) (i64.const {}))))"#,
//!     verdict.replace('"', "\\\""), verdict.len());
//! std::fs::write(dir.path().join("deny.wasm"), wat::parse_str(&wat).unwrap()).unwrap();
//! std::fs::write(dir.path().join("p.yaml"), "version: 1\nrules:\n  - id: no\n    message: m\n    wasm: deny.wasm\n").unwrap();
//!
//! let host = Arc::new(WasmtimeHost::new(HostConfig::default()));
//! let policy = Policy::from_file(dir.path().join("p.yaml")).unwrap().with_wasm_host(host);
//! let opts = policy_core::ShellOptions::for_home("/home/dev", "/home/dev/project");
//! let env = policy_core::policy::Env::new(&opts, "/home/dev/project");
//! let v = policy.evaluate(&ToolCall::bash("ls"), &opts, &env);
//! assert_eq!(v.decision, Decision::Deny);
//! assert_eq!(v.hits[0].message, "no");
//! ```

pub mod abi;
mod cache;
mod error;
mod host;
pub mod limits;

pub use abi::ABI_VERSION;
pub use cache::{MAX_CWASM_BYTES, MAX_ENTRIES as MAX_CWASM_ENTRIES};
pub use error::WasmError;
pub use host::{HostConfig, LoadKind, WasmtimeHost};
pub use limits::Limits;

#[cfg(test)]
mod tests {
    use super::ABI_VERSION;

    #[test]
    fn abi_version_is_one() {
        assert_eq!(ABI_VERSION, 1);
    }
}

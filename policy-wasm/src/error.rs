//! Everything that can go wrong loading or running a guest. The engine shows
//! the message after the module's path (`WASM module /p/rule.wasm: …`) in the
//! `on_error` hit, so each says precisely what failed.

/// A guest module could not be loaded or did not produce a verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WasmError {
    /// The module file could not be read.
    #[error("cannot read the module: {0}")]
    Read(String),
    /// The file changed since the policy was loaded (its SHA-256 differs).
    #[error("the module file changed since the policy was loaded (reload the policy)")]
    Changed,
    /// The WebAssembly runtime could not be set up.
    #[error("cannot create the WebAssembly engine: {0}")]
    Engine(String),
    /// The bytes are not a valid module (or use a feature this host lacks).
    #[error("invalid WebAssembly module: {0}")]
    Invalid(String),
    /// No precompiled module in the cache and this build has no compiler.
    #[error("the module is not precompiled and this build cannot compile WebAssembly")]
    NotPrecompiled,
    /// The module imports something other than `env.log`.
    #[error("forbidden import `{module}.{name}` ({kind}): guests may import only `env.log(ptr: i32, len: i32)`")]
    ForbiddenImport {
        /// The import's module name.
        module: String,
        /// The import's field name.
        name: String,
        /// What it is (`func (i32) -> i32`, `memory`, …).
        kind: String,
    },
    /// A required export is missing.
    #[error("missing export `{0}` (ABI v1 needs `memory`, `alloc(i32) -> i32` and `evaluate(i32, i32) -> i64`)")]
    MissingExport(&'static str),
    /// An export has the wrong kind or signature, or `abi_version()` returned
    /// another version.
    #[error("ABI mismatch: {0}")]
    AbiMismatch(String),
    /// The guest trapped (`unreachable`, out-of-bounds access, stack
    /// exhaustion, division by zero, …).
    #[error("trap in `{func}`: {trap}")]
    Trap {
        /// The export that was running (`alloc`, `evaluate`, …) or `instantiate`.
        func: &'static str,
        /// The trap.
        trap: String,
    },
    /// The guest used its whole fuel budget.
    #[error("fuel exhausted in `{func}` (budget {budget} units per call)")]
    FuelExhausted {
        /// The export that was running.
        func: &'static str,
        /// The budget.
        budget: u64,
    },
    /// The guest ran past its epoch deadline.
    #[error("deadline exceeded in `{func}` ({ticks} epoch ticks)")]
    Deadline {
        /// The export that was running.
        func: &'static str,
        /// The deadline in ticks.
        ticks: u64,
    },
    /// The guest asked for more linear memory (or table space) than allowed.
    #[error("memory limit: the guest asked for {desired} bytes of memory, the limit is {limit}")]
    MemoryLimit {
        /// The size asked for.
        desired: usize,
        /// The cap.
        limit: usize,
    },
    /// The input is larger than the limit.
    #[error("the input is {len} bytes, more than the limit of {limit}")]
    InputTooLarge {
        /// The input's size.
        len: usize,
        /// The cap.
        limit: usize,
    },
    /// `alloc` returned a buffer outside the guest's memory.
    #[error("`alloc({len})` returned {ptr:#x}, outside the guest's {memory}-byte memory")]
    AllocOutOfBounds {
        /// The pointer.
        ptr: u32,
        /// The size asked for.
        len: usize,
        /// The memory's size.
        memory: usize,
    },
    /// `evaluate` returned an output larger than the limit.
    #[error("the output is {len} bytes, more than the limit of {limit}")]
    OutputTooLarge {
        /// The output's size.
        len: u32,
        /// The cap.
        limit: usize,
    },
    /// `evaluate` returned an output outside the guest's memory.
    #[error("output pointer out of bounds: {ptr:#x} + {len} bytes is outside the guest's {memory}-byte memory")]
    OutputOutOfBounds {
        /// The pointer.
        ptr: u32,
        /// The length.
        len: u32,
        /// The memory's size.
        memory: usize,
    },
    /// Any other runtime failure.
    #[error("runtime error in `{func}`: {message}")]
    Runtime {
        /// The export that was running.
        func: &'static str,
        /// The runtime's message.
        message: String,
    },
}

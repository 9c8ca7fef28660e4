//! The sandbox's bounds: fuel, epoch deadline, memory, input and output
//! sizes, logging. Each call gets a fresh `Store` with these limits.

use wasmtime::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};

/// Default fuel per call: about ten million WebAssembly instructions (a few
/// milliseconds), far more than parsing a large input needs and far less
/// than the hook's 1.5 s deadline.
pub const DEFAULT_FUEL: u64 = 10_000_000;

/// Default cap on a guest's linear memory: 16 MiB.
pub const DEFAULT_MEMORY_BYTES: usize = 16 << 20;

/// Default cap on the input JSON: 4 MiB (it must fit in the guest's memory).
pub const DEFAULT_MAX_INPUT_BYTES: usize = 4 << 20;

/// Default cap on the verdict JSON: 64 KiB.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 64 << 10;

/// Most bytes of `env.log` output kept per call (16 KiB); the rest is dropped.
pub const MAX_LOG_BYTES: usize = 16 << 10;

/// Most table elements a guest may have (function tables of C programs).
pub const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Limits applied to every call.
///
/// ```
/// use policy_wasm::Limits;
/// let limits = Limits { fuel: 1_000_000, ..Limits::default() };
/// assert_eq!(limits.memory_bytes, 16 << 20);
/// assert_eq!(limits.epoch_ticks, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel per call (roughly one unit per WebAssembly instruction);
    /// default [`DEFAULT_FUEL`].
    pub fuel: u64,
    /// Epoch deadline per call, in ticks of [`WasmtimeHost::increment_epoch`](crate::WasmtimeHost::increment_epoch),
    /// for embedders that run a ticker thread; `None` (default): fuel only.
    pub epoch_ticks: Option<u64>,
    /// Linear memory cap in bytes (enforced with `StoreLimits`); default
    /// [`DEFAULT_MEMORY_BYTES`].
    pub memory_bytes: usize,
    /// Largest input JSON; default [`DEFAULT_MAX_INPUT_BYTES`].
    pub max_input_bytes: usize,
    /// Largest verdict JSON; default [`DEFAULT_MAX_OUTPUT_BYTES`].
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: DEFAULT_FUEL,
            epoch_ticks: None,
            memory_bytes: DEFAULT_MEMORY_BYTES,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
        }
    }
}

/// `StoreLimits` (one instance, one memory, one table, capped memory and
/// table sizes, growth past the cap traps) that remembers a denied memory
/// growth, so that the failure is reported as the memory limit rather than
/// as a bare trap.
pub(crate) struct Limiter {
    inner: StoreLimits,
    limit: usize,
    /// The size a denied memory growth asked for.
    pub(crate) denied: Option<usize>,
}

impl Limiter {
    pub(crate) fn new(limits: &Limits) -> Limiter {
        Limiter {
            inner: StoreLimitsBuilder::new()
                .memory_size(limits.memory_bytes)
                .table_elements(MAX_TABLE_ELEMENTS)
                .instances(1)
                .memories(1)
                .tables(1)
                .trap_on_grow_failure(true)
                .build(),
            limit: limits.memory_bytes,
            denied: None,
        }
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.denied = Some(desired);
        }
        self.inner.memory_growing(current, desired, maximum)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.inner.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.inner.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

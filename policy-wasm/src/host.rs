//! [`WasmtimeHost`]: runs guests with wasmtime, one fresh `Store` per call.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use policy_core::policy::external::{HostError, WasmHost, WasmModule};
use wasmtime::{Config, Engine, InstancePre, Module, Store};

use crate::abi::{self, Shape};
use crate::cache::{self, CwasmCache};
use crate::error::WasmError;
use crate::limits::{Limiter, Limits};

/// Ticks added to the epoch deadline when no deadline is configured (the
/// engine has epoch interruption compiled in; nobody ticks it then).
const NO_DEADLINE: u64 = 1 << 48;

/// How the host runs guests.
///
/// ```
/// use policy_wasm::HostConfig;
/// let config = HostConfig::from_env();
/// assert!(!config.log_to_stderr || std::env::var_os("AGENT_POLICY_WASM_LOG").is_some());
/// ```
#[derive(Debug, Clone, Default)]
pub struct HostConfig {
    /// Per-call limits.
    pub limits: Limits,
    /// Directory of precompiled modules (`.cwasm`); `None`: compile in memory
    /// at each process start.
    pub cache_dir: Option<PathBuf>,
    /// Print what guests write with `env.log` on stderr (prefixed with the
    /// module's path). Off by default: a hook's stderr is the agent's.
    pub log_to_stderr: bool,
}

impl HostConfig {
    /// The configuration the command line uses: default limits, the
    /// `wasm/` directory of the compiled-policy cache
    /// ([`CacheConfig::from_env`](policy_core::policy::cache::CacheConfig::from_env):
    /// `AGENT_POLICY_CACHE_DIR`, …), and guest logs on stderr when
    /// `AGENT_POLICY_WASM_LOG` is set to anything but empty or `0`.
    pub fn from_env() -> HostConfig {
        let log = std::env::var("AGENT_POLICY_WASM_LOG").is_ok_and(|v| !v.is_empty() && v != "0");
        HostConfig {
            limits: Limits::default(),
            cache_dir: policy_core::policy::cache::CacheConfig::from_env()
                .dir()
                .map(|d| d.join("wasm")),
            log_to_stderr: log,
        }
    }
}

/// What a call's `Store` holds.
pub(crate) struct State {
    pub(crate) limiter: Limiter,
    pub(crate) logs: Vec<String>,
    pub(crate) log_bytes: usize,
}

/// A loaded, validated module ready to instantiate.
struct Prepared {
    pre: InstancePre<State>,
    shape: Shape,
}

/// Loaded modules (or why they failed to load), by the SHA-256 of their bytes.
type Modules = HashMap<[u8; 32], Result<Arc<Prepared>, WasmError>>;

/// The engine and what is built once per engine.
struct Runtime {
    engine: Engine,
    linker: wasmtime::Linker<State>,
}

/// How a module was obtained (for tests and benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// Already loaded in this host.
    Memory,
    /// Deserialized from the `.cwasm` cache.
    Deserialized,
    /// Compiled (and written to the cache when there is one).
    Compiled,
}

/// A [`WasmHost`] on wasmtime: sandboxed, fuel-metered, memory-capped.
///
/// Nothing is created until the first WASM rule runs: a policy without
/// `wasm` rules never creates a wasmtime `Engine`. Modules are loaded once per
/// host (deserialized from the `.cwasm` cache, or compiled and cached) and
/// instantiated afresh for every call, so no state survives between calls.
///
/// ```
/// use std::sync::Arc;
/// use policy_core::policy::{Decision, Policy};
/// use policy_wasm::{HostConfig, WasmtimeHost};
///
/// let host = Arc::new(WasmtimeHost::new(HostConfig::default()));
/// let policy = Policy::builtin("default").unwrap().with_wasm_host(host.clone());
/// assert!(!host.engine_created()); // no wasm rules: no engine
/// ```
pub struct WasmtimeHost {
    config: HostConfig,
    runtime: OnceLock<Result<Runtime, WasmError>>,
    modules: Mutex<Modules>,
    cache: Option<CwasmCache>,
}

impl std::fmt::Debug for WasmtimeHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmtimeHost")
            .field("config", &self.config)
            .field("engine_created", &self.engine_created())
            .finish()
    }
}

impl WasmtimeHost {
    /// A host with `config`; creates nothing yet.
    pub fn new(config: HostConfig) -> WasmtimeHost {
        let cache = config.cache_dir.clone().map(CwasmCache::new);
        WasmtimeHost {
            config,
            runtime: OnceLock::new(),
            modules: Mutex::new(HashMap::new()),
            cache,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Whether the wasmtime `Engine` exists (it is created by the first load).
    pub fn engine_created(&self) -> bool {
        self.runtime.get().is_some()
    }

    /// Advances the epoch by one tick, for embedders that run a ticker
    /// thread with [`Limits::epoch_ticks`] set: a call running longer than
    /// that many ticks stops with [`WasmError::Deadline`]. Does nothing before
    /// the engine exists.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use policy_wasm::{HostConfig, Limits, WasmtimeHost};
    ///
    /// let config = HostConfig { limits: Limits { epoch_ticks: Some(10), ..Limits::default() }, ..HostConfig::default() };
    /// let host = Arc::new(WasmtimeHost::new(config));
    /// let ticker = Arc::clone(&host);
    /// std::thread::spawn(move || loop {
    ///     std::thread::sleep(Duration::from_millis(10)); // a 100 ms deadline
    ///     ticker.increment_epoch();
    /// });
    /// ```
    pub fn increment_epoch(&self) {
        if let Some(Ok(rt)) = self.runtime.get() {
            rt.engine.increment_epoch();
        }
    }

    fn runtime(&self) -> Result<&Runtime, WasmError> {
        self.runtime
            .get_or_init(|| {
                let mut c = Config::new();
                let cap = self.config.limits.memory_bytes as u64;
                c.consume_fuel(true)
                    .epoch_interruption(true)
                    .wasm_backtrace_max_frames(None)
                    // No process-wide signal handlers: explicit bounds and
                    // stack checks instead (the hook has fatal-signal
                    // handlers of its own).
                    .signals_based_traps(false)
                    // Reserve only what the memory cap allows, with no guard
                    // regions (bounds are checked explicitly): mapping and
                    // unmapping 4 GiB + guards per call dominated a call.
                    .memory_reservation(cap)
                    .memory_reservation_for_growth(0)
                    .memory_guard_size(0)
                    .guard_before_linear_memory(false)
                    // Copy the (small) data segments rather than mapping a
                    // memfd image per instance.
                    .memory_init_cow(false);
                let engine = Engine::new(&c).map_err(|e| WasmError::Engine(e.to_string()))?;
                let linker = abi::linker(&engine)?;
                Ok(Runtime { engine, linker })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads `module` (memory, cache or compile) and tells how.
    pub fn load(&self, module: &WasmModule) -> Result<LoadKind, WasmError> {
        self.prepared(module).map(|(_, k)| k)
    }

    fn prepared(&self, module: &WasmModule) -> Result<(Arc<Prepared>, LoadKind), WasmError> {
        if let Some(r) = self.lock().get(&module.sha256) {
            return r.clone().map(|p| (p, LoadKind::Memory));
        }
        let result = self.build(module);
        self.lock().insert(
            module.sha256,
            result
                .as_ref()
                .map(|(p, _)| Arc::clone(p))
                .map_err(Clone::clone),
        );
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Modules> {
        // A panic while holding the lock cannot leave the map inconsistent
        // (entries are inserted whole).
        self.modules.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn build(&self, module: &WasmModule) -> Result<(Arc<Prepared>, LoadKind), WasmError> {
        let start = std::time::Instant::now();
        let result = self.build_inner(module);
        if self.config.log_to_stderr {
            let how = match &result {
                Ok((_, kind)) => format!("{kind:?}"),
                Err(e) => format!("failed: {e}"),
            };
            eprintln!(
                "wasm {}: loaded ({how}) in {} µs",
                module.path.display(),
                start.elapsed().as_micros()
            );
        }
        result
    }

    fn build_inner(&self, module: &WasmModule) -> Result<(Arc<Prepared>, LoadKind), WasmError> {
        let rt = self.runtime()?;
        let key = cache::key(&rt.engine, &module.sha256);
        let cached = self
            .cache
            .as_ref()
            .and_then(|c| c.load(&rt.engine, key.as_ref(), &module.sha256));
        let (compiled, kind) = match cached {
            Some(m) => (m, LoadKind::Deserialized),
            None => (self.compile(rt, module, key.as_ref())?, LoadKind::Compiled),
        };
        let shape = abi::validate(&compiled)?;
        let pre = rt
            .linker
            .instantiate_pre(&compiled)
            .map_err(|e| WasmError::Invalid(first_line(&e)))?;
        Ok((Arc::new(Prepared { pre, shape }), kind))
    }

    /// Compiles `module` (checking its bytes are the ones the policy loaded)
    /// and stores it in the cache.
    #[cfg(feature = "compiler")]
    fn compile(
        &self,
        rt: &Runtime,
        module: &WasmModule,
        key: Option<&[u8; 32]>,
    ) -> Result<Module, WasmError> {
        let (read, bytes) =
            WasmModule::read(&module.path).map_err(|e| WasmError::Read(e.to_string()))?;
        if read.sha256 != module.sha256 {
            return Err(WasmError::Changed);
        }
        let m = Module::new(&rt.engine, &bytes).map_err(|e| WasmError::Invalid(first_line(&e)))?;
        // Validate before caching: a rejected module is not stored.
        abi::validate(&m)?;
        if let (Some(c), Some(k)) = (&self.cache, key) {
            c.store(k, &module.sha256, &m);
        }
        Ok(m)
    }

    /// Without the `compiler` feature: only precompiled modules load.
    #[cfg(not(feature = "compiler"))]
    fn compile(
        &self,
        rt: &Runtime,
        module: &WasmModule,
        key: Option<&[u8; 32]>,
    ) -> Result<Module, WasmError> {
        let _ = (rt, module, key);
        Err(WasmError::NotPrecompiled)
    }

    /// Runs `module` on `input` and returns the guest's output bytes.
    pub fn call(&self, module: &WasmModule, input: &[u8]) -> Result<Vec<u8>, WasmError> {
        let (prepared, _) = self.prepared(module)?;
        let rt = self.runtime()?;
        let limits = self.config.limits;
        let mut store = Store::new(
            &rt.engine,
            State {
                limiter: Limiter::new(&limits),
                logs: Vec::new(),
                log_bytes: 0,
            },
        );
        store.limiter(|s| &mut s.limiter);
        store
            .set_fuel(limits.fuel)
            .map_err(|e| WasmError::Engine(e.to_string()))?;
        store.set_epoch_deadline(limits.epoch_ticks.unwrap_or(NO_DEADLINE));
        let result = match prepared.pre.instantiate(&mut store) {
            Ok(instance) => abi::call(&mut store, &instance, prepared.shape, input, &limits),
            Err(e) => Err(abi::classify(&e, &store, "instantiate", &limits)),
        };
        if self.config.log_to_stderr {
            for line in &store.data().logs {
                eprintln!("wasm {}: {line}", module.path.display());
            }
        }
        result
    }
}

/// The first line of a runtime error (wasmtime's messages can span lines).
fn first_line(e: &wasmtime::Error) -> String {
    let text = format!("{e:#}");
    text.lines().next().unwrap_or("").to_string()
}

impl WasmHost for WasmtimeHost {
    fn evaluate(&self, module: &WasmModule, input: &[u8]) -> Result<Vec<u8>, HostError> {
        self.call(module, input)
            .map_err(|e| Box::new(e) as HostError)
    }

    fn prepare(&self, module: &WasmModule) -> Result<(), HostError> {
        self.load(module)
            .map(|_| ())
            .map_err(|e| Box::new(e) as HostError)
    }
}

//! ABI v1 at the machine level (`docs/wasm-abi.md`): what a module must
//! import and export, and one call — `abi_version()` (optional), `alloc(len)`,
//! copy the input in, `evaluate(ptr, len)`, copy the verdict out. The JSON on
//! both sides is `policy_core::policy::external`'s business.
//!
//! Every value the guest returns is checked before use: pointers and lengths
//! against its memory's size, the output length against the cap. Nothing here
//! panics on guest data.

use wasmtime::{
    Caller, Engine, ExternType, FuncType, Instance, Linker, Module, Store, TypedFunc, ValType,
};

use crate::error::WasmError;
use crate::host::State;
use crate::limits::{Limits, MAX_LOG_BYTES};

/// The ABI version this host speaks.
pub use policy_core::policy::external::ABI_VERSION;

/// The only import a guest may have: `env.log(ptr: i32, len: i32)`.
pub const LOG_IMPORT: (&str, &str) = ("env", "log");

/// Which optional parts a module has.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    /// It exports `abi_version() -> i32`.
    pub(crate) has_abi_version: bool,
}

fn is(ty: &FuncType, params: &[ValType], results: &[ValType]) -> bool {
    let same = |a: &mut dyn ExactSizeIterator<Item = ValType>, b: &[ValType]| {
        a.len() == b.len() && a.zip(b).all(|(x, y)| ValType::eq(&x, y))
    };
    same(&mut ty.params(), params) && same(&mut ty.results(), results)
}

fn describe(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(f) => {
            let list = |it: &mut dyn Iterator<Item = ValType>| {
                it.map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
            };
            format!(
                "func ({}) -> ({})",
                list(&mut f.params()),
                list(&mut f.results())
            )
        }
        ExternType::Memory(_) => "memory".into(),
        ExternType::Table(_) => "table".into(),
        ExternType::Global(_) => "global".into(),
        ExternType::Tag(_) => "tag".into(),
    }
}

/// Checks `module`'s imports and exports against ABI v1.
pub(crate) fn validate(module: &Module) -> Result<Shape, WasmError> {
    use ValType::{I32, I64};
    for import in module.imports() {
        let ty = import.ty();
        let ok = (import.module(), import.name()) == LOG_IMPORT
            && matches!(&ty, ExternType::Func(f) if is(f, &[I32, I32], &[]));
        if !ok {
            return Err(WasmError::ForbiddenImport {
                module: import.module().to_string(),
                name: import.name().to_string(),
                kind: describe(&ty),
            });
        }
    }
    let export = |name: &'static str| module.get_export(name);
    match export("memory") {
        None => return Err(WasmError::MissingExport("memory")),
        Some(ExternType::Memory(m)) if m.is_64() => {
            return Err(WasmError::AbiMismatch(
                "`memory` is a 64-bit memory; ABI v1 uses a 32-bit memory".into(),
            ))
        }
        Some(ExternType::Memory(_)) => {}
        Some(other) => {
            return Err(WasmError::AbiMismatch(format!(
                "export `memory` is a {}, expected a memory",
                describe(&other)
            )))
        }
    }
    let func =
        |name: &'static str, params: &[ValType], results: &[ValType], sig: &str| match export(name)
        {
            None => Err(WasmError::MissingExport(name)),
            Some(ExternType::Func(f)) if is(&f, params, results) => Ok(()),
            Some(other) => Err(WasmError::AbiMismatch(format!(
                "export `{name}` is a {}, expected {sig}",
                describe(&other)
            ))),
        };
    func("alloc", &[I32], &[I32], "func (i32) -> (i32)")?;
    func("evaluate", &[I32, I32], &[I64], "func (i32, i32) -> (i64)")?;
    let has_abi_version = match export("abi_version") {
        None => false,
        Some(_) => {
            func("abi_version", &[], &[I32], "func () -> (i32)")?;
            true
        }
    };
    Ok(Shape { has_abi_version })
}

/// The linker every instance is created with: `env.log` only.
pub(crate) fn linker(engine: &Engine) -> Result<Linker<State>, WasmError> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(LOG_IMPORT.0, LOG_IMPORT.1, log)
        .map_err(|e| WasmError::Engine(e.to_string()))?;
    Ok(linker)
}

/// `env.log(ptr, len)`: keeps the text (lossy UTF-8) when it lies inside the
/// guest's memory and the call's log budget is not spent; never traps.
fn log(mut caller: Caller<'_, State>, ptr: i32, len: i32) {
    let Some(memory) = caller
        .get_export("memory")
        .and_then(wasmtime::Extern::into_memory)
    else {
        return;
    };
    let (start, len) = (ptr as u32 as usize, len as u32 as usize);
    let (data, state) = memory.data_and_store_mut(&mut caller);
    let room = MAX_LOG_BYTES.saturating_sub(state.log_bytes);
    let take = len.min(room);
    let Some(bytes) = start.checked_add(take).and_then(|end| data.get(start..end)) else {
        return;
    };
    if take == 0 {
        return;
    }
    state.log_bytes += take;
    state.logs.push(String::from_utf8_lossy(bytes).into_owned());
}

/// Maps a runtime error of export `func` to a [`WasmError`].
pub(crate) fn classify(
    err: &wasmtime::Error,
    store: &Store<State>,
    func: &'static str,
    limits: &Limits,
) -> WasmError {
    if let Some(desired) = store.data().limiter.denied {
        return WasmError::MemoryLimit {
            desired,
            limit: store.data().limiter.limit(),
        };
    }
    match err.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::OutOfFuel) => WasmError::FuelExhausted {
            func,
            budget: limits.fuel,
        },
        Some(wasmtime::Trap::Interrupt) => WasmError::Deadline {
            func,
            ticks: limits.epoch_ticks.unwrap_or(0),
        },
        Some(trap) => {
            let text = trap.to_string();
            WasmError::Trap {
                func,
                trap: text
                    .strip_prefix("wasm trap: ")
                    .unwrap_or(&text)
                    .to_string(),
            }
        }
        None => WasmError::Runtime {
            func,
            message: err.to_string(),
        },
    }
}

fn typed<P, R>(
    instance: &Instance,
    store: &mut Store<State>,
    name: &'static str,
) -> Result<TypedFunc<P, R>, WasmError>
where
    P: wasmtime::WasmParams,
    R: wasmtime::WasmResults,
{
    instance
        .get_typed_func::<P, R>(&mut *store, name)
        .map_err(|e| WasmError::AbiMismatch(format!("export `{name}`: {e}")))
}

/// One ABI v1 call on a fresh instance: returns the verdict bytes.
pub(crate) fn call(
    store: &mut Store<State>,
    instance: &Instance,
    shape: Shape,
    input: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, WasmError> {
    if input.len() > limits.max_input_bytes {
        return Err(WasmError::InputTooLarge {
            len: input.len(),
            limit: limits.max_input_bytes,
        });
    }
    let len = i32::try_from(input.len()).map_err(|_| WasmError::InputTooLarge {
        len: input.len(),
        limit: limits.max_input_bytes,
    })?;
    if shape.has_abi_version {
        let f = typed::<(), i32>(instance, store, "abi_version")?;
        let v = f
            .call(&mut *store, ())
            .map_err(|e| classify(&e, store, "abi_version", limits))?;
        if v != ABI_VERSION as i32 {
            return Err(WasmError::AbiMismatch(format!(
                "the module speaks ABI version {v}, this host speaks {ABI_VERSION}"
            )));
        }
    }
    let memory = instance
        .get_memory(&mut *store, "memory")
        .ok_or(WasmError::MissingExport("memory"))?;
    let alloc = typed::<i32, i32>(instance, store, "alloc")?;
    let evaluate = typed::<(i32, i32), i64>(instance, store, "evaluate")?;
    let ptr = alloc
        .call(&mut *store, len)
        .map_err(|e| classify(&e, store, "alloc", limits))? as u32;
    let size = memory.data_size(&*store);
    let dest = (ptr as usize)
        .checked_add(input.len())
        .filter(|end| *end <= size)
        .and_then(|end| memory.data_mut(&mut *store).get_mut(ptr as usize..end))
        .ok_or(WasmError::AllocOutOfBounds {
            ptr,
            len: input.len(),
            memory: size,
        })?;
    dest.copy_from_slice(input);
    let packed = evaluate
        .call(&mut *store, (ptr as i32, len))
        .map_err(|e| classify(&e, store, "evaluate", limits))? as u64;
    let (out_ptr, out_len) = ((packed >> 32) as u32, packed as u32);
    if out_len as usize > limits.max_output_bytes {
        return Err(WasmError::OutputTooLarge {
            len: out_len,
            limit: limits.max_output_bytes,
        });
    }
    let size = memory.data_size(&*store);
    (out_ptr as usize)
        .checked_add(out_len as usize)
        .and_then(|end| memory.data(&*store).get(out_ptr as usize..end))
        .map(<[u8]>::to_vec)
        .ok_or(WasmError::OutputOutOfBounds {
            ptr: out_ptr,
            len: out_len,
            memory: size,
        })
}

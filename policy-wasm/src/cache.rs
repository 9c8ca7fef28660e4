//! The on-disk cache of precompiled modules (`.cwasm`), so that a hook
//! process deserializes (tens of microseconds) instead of compiling
//! (milliseconds).
//!
//! * **Where.** `DIR/wasm/MODULE-ENGINE.cwasm`, `DIR` being the
//!   compiled-policy cache directory (`AGENT_POLICY_CACHE_DIR`, else
//!   `$XDG_CACHE_HOME/agent-policy`, else `~/.cache/agent-policy`), `MODULE`
//!   the SHA-256 of the module bytes and `ENGINE` the first 64 bits of the key.
//! * **Key.** SHA-256 of the module bytes' SHA-256 and wasmtime's
//!   `Engine::precompile_compatibility_hash()` (target, compiler flags,
//!   tunables — fuel, epochs, memory layout — and wasmtime's version): a module
//!   compiled by another engine configuration is another file. A build
//!   without the `compiler` feature cannot compute that hash (wasmtime offers
//!   it only with a compiler): it tries the files of the module by name, and
//!   wasmtime's own check on deserialization (the same configuration data)
//!   accepts the compatible one.
//! * **File.** A header — magic, key, the module's SHA-256, body length and a
//!   checksum of the body — then wasmtime's serialized module.
//! * **Validation.** A file is used only when the header matches the key
//!   and module, the length and checksum match, it is not writable by group
//!   or others, and wasmtime accepts it (wasmtime checks its own version and
//!   the engine configuration again). Anything else is a miss: the module is
//!   compiled and the file rewritten. The checksum detects corruption, not
//!   forgery: like the compiled-policy cache, the directory must be writable
//!   by its user only (the hook's self-protection denies the agent writes
//!   there), because a forged `.cwasm` is native code.
//! * **Writing.** To a temporary file in the same directory (mode 0600),
//!   then renamed over the final name (atomic). Failing to write only means no
//!   cache. At most [`MAX_ENTRIES`] files are kept (oldest removed first).

#![allow(unsafe_code)]

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use policy_core::cache_files::{checksum, hex};
use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

/// The first bytes of every `.cwasm` file of this cache.
const MAGIC: &[u8; 8] = b"APCWASM1";

/// Header: magic, key, module SHA-256, body length, checksum.
const HEADER: usize = 8 + 32 + 32 + 8 + 8;

/// Largest `.cwasm` file read.
pub const MAX_CWASM_BYTES: u64 = 256 << 20;

/// Most `.cwasm` files kept in the directory.
pub const MAX_ENTRIES: usize = 64;

/// A [`Hasher`] that feeds SHA-256 (to turn wasmtime's `Hash` of the engine
/// configuration into stable bytes).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// The cache key of a module with SHA-256 `module` on `engine`; `None` in a
/// build without a compiler (see the module docs).
#[cfg(feature = "compiler")]
pub(crate) fn key(engine: &Engine, module: &[u8; 32]) -> Option<[u8; 32]> {
    let mut h = ShaHasher(Sha256::new());
    h.write(b"agent-policy cwasm\0");
    h.write(module);
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut h);
    Some(h.0.finalize().into())
}

/// The cache key of a module with SHA-256 `module` on `engine`; `None` in a
/// build without a compiler (see the module docs).
#[cfg(not(feature = "compiler"))]
pub(crate) fn key(engine: &Engine, module: &[u8; 32]) -> Option<[u8; 32]> {
    let _ = (engine, module, ShaHasher(Sha256::new()).finish());
    None
}

/// The precompiled-module cache in one directory.
#[derive(Debug, Clone)]
pub(crate) struct CwasmCache {
    dir: PathBuf,
}

impl CwasmCache {
    pub(crate) fn new(dir: PathBuf) -> CwasmCache {
        CwasmCache { dir }
    }

    pub(crate) fn path(&self, key: &[u8; 32], module: &[u8; 32]) -> PathBuf {
        self.dir.join(format!(
            "{}-{}.cwasm",
            hex(module),
            hex(key.get(..8).unwrap_or_default())
        ))
    }

    /// The cached module for `key` (or, without a key, any compatible file of
    /// `module`), when a valid file is there.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        key: Option<&[u8; 32]>,
        module: &[u8; 32],
    ) -> Option<Module> {
        match key {
            Some(k) => self.load_file(engine, &self.path(k, module), Some(k), module),
            None => {
                let prefix = format!("{}-", hex(module));
                let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
                    .ok()?
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".cwasm"))
                    })
                    .collect();
                files.sort();
                files
                    .iter()
                    .find_map(|p| self.load_file(engine, p, None, module))
            }
        }
    }

    fn load_file(
        &self,
        engine: &Engine,
        path: &Path,
        key: Option<&[u8; 32]>,
        module: &[u8; 32],
    ) -> Option<Module> {
        let meta = std::fs::metadata(path).ok()?;
        if meta.len() > MAX_CWASM_BYTES || !private(&meta) {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        let body = check(&bytes, key, module)?;
        // SAFETY: wasmtime requires that the bytes come from
        // `Module::serialize`/`Engine::precompile_module` of a compatible
        // engine and were not tampered with. This file was written by `store`
        // below with `Module::serialize`, under a key that includes the
        // engine's compatibility hash; the header and checksum reject
        // truncated or corrupted files, and wasmtime itself re-checks its
        // version and configuration (for a build without a compiler, that
        // check is what selects the file). What remains is forgery by
        // someone who can write the cache directory, which the module docs
        // rule out.
        unsafe { Module::deserialize(engine, body) }.ok()
    }

    /// Writes `module`'s serialized form for `key` atomically; false when it
    /// could not be written (no cache, not an error).
    #[cfg(feature = "compiler")]
    pub(crate) fn store(&self, key: &[u8; 32], sha256: &[u8; 32], module: &Module) -> bool {
        let Ok(body) = module.serialize() else {
            return false;
        };
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(key);
        out.extend_from_slice(sha256);
        out.extend_from_slice(&(body.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend_from_slice(&body);
        let path = self.path(key, sha256);
        let ok = policy_core::cache_files::write_atomic(&self.dir, &path, &out, true);
        if ok {
            policy_core::cache_files::prune(&self.dir, "cwasm", &path, MAX_ENTRIES);
        }
        ok
    }
}

/// The body of a cache file when its header is right (the key is not
/// checked when not known).
fn check<'a>(bytes: &'a [u8], key: Option<&[u8; 32]>, module: &[u8; 32]) -> Option<&'a [u8]> {
    if bytes.get(..8)? != MAGIC
        || key.is_some_and(|k| bytes.get(8..40) != Some(&k[..]))
        || bytes.get(40..72)? != module
    {
        return None;
    }
    let mut w = [0u8; 8];
    w.copy_from_slice(bytes.get(72..80)?);
    let len = u64::from_le_bytes(w);
    w.copy_from_slice(bytes.get(80..88)?);
    let sum = u64::from_le_bytes(w);
    let body = bytes.get(HEADER..)?;
    (body.len() as u64 == len && checksum(body) == sum).then_some(body)
}

/// Not writable by group or others (always true off Unix).
fn private(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        meta.permissions().mode() & 0o022 == 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

#[cfg(feature = "compiler")]
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_checked() {
        let key = [1u8; 32];
        let module = [2u8; 32];
        let body = b"hello cwasm body".to_vec();
        let mut f = Vec::new();
        f.extend_from_slice(MAGIC);
        f.extend_from_slice(&key);
        f.extend_from_slice(&module);
        f.extend_from_slice(&(body.len() as u64).to_le_bytes());
        f.extend_from_slice(&checksum(&body).to_le_bytes());
        f.extend_from_slice(&body);
        assert_eq!(check(&f, Some(&key), &module), Some(&body[..]));
        assert_eq!(check(&f, None, &module), Some(&body[..]));
        assert_eq!(check(&f, Some(&[9; 32]), &module), None);
        assert_eq!(check(&f, Some(&key), &[9; 32]), None);
        assert_eq!(check(&f[..f.len() - 1], Some(&key), &module), None);
        let mut flipped = f.clone();
        if let Some(last) = flipped.last_mut() {
            *last ^= 1;
        }
        assert_eq!(check(&flipped, Some(&key), &module), None);
        assert_eq!(check(&f[..10], Some(&key), &module), None);
    }

    /// A build without a compiler finds the file by the module's hash alone.
    #[cfg(feature = "compiler")]
    #[test]
    fn found_without_the_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let cache = CwasmCache::new(dir.path().to_path_buf());
        let engine = Engine::default();
        let Ok(m) = Module::new(&engine, "(module (memory (export \"memory\") 1))") else {
            unreachable!("a valid module")
        };
        let sha = [7u8; 32];
        let Some(k) = key(&engine, &sha) else {
            unreachable!("compiler builds have a key")
        };
        assert!(cache.store(&k, &sha, &m));
        assert!(cache.load(&engine, Some(&k), &sha).is_some());
        assert!(cache.load(&engine, None, &sha).is_some());
        assert!(cache.load(&engine, None, &[8u8; 32]).is_none());
        let other = [1u8; 32];
        assert!(cache.load(&engine, Some(&other), &sha).is_none());
    }
}

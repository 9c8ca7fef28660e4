//! Compiled-policy cache files mapped into memory instead of read
//! ([`policy_core::policy::cache::CacheConfig::with_map`]).
//!
//! A hook process loads the default packs' ~190 KB cache file once and
//! evaluates one call: reading it costs a zeroed page, a page fault and a
//! copy per 4 KiB, more than most of the decoding. A mapping populated in the
//! `mmap` call shares the page cache's pages instead.
//!
//! Besides `commands::hook::guard` and `sigpipe`, this is the crate's only
//! `unsafe` code: `memmap2::Mmap::map` is `unsafe` because the file may
//! change under the mapping.

#![allow(unsafe_code)]

use std::fs::File;
use std::sync::Arc;

use policy_core::policy::cache::FileBytes;

/// Maps the first `len` bytes of the cache file `file`.
pub fn map(file: &File, len: u64) -> std::io::Result<FileBytes> {
    let len = usize::try_from(len)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "file too large"))?;
    if len == 0 {
        // A zero-length mapping is an error; an empty file is an invalid
        // cache entry either way.
        return Ok(Arc::new(Vec::new()));
    }
    // SAFETY: the bytes must not change while the mapping lives. Cache files
    // are written to a temporary file and renamed into place, never written
    // in place, so the mapped inode keeps its content; a new entry replaces
    // the name, not these pages. Someone else writing the file in place
    // could change rules after their validation, but whoever can write the
    // cache directory can write a valid forged entry anyway (self-protection
    // keeps the agent out of it). Truncating it makes the next access fault
    // with SIGBUS, which the hook's fatal-signal handler answers with a block.
    let mapping = unsafe { memmap2::MmapOptions::new().len(len).populate().map(file)? };
    Ok(Arc::new(mapping))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn maps_the_file_s_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let mut f = File::create(&path).unwrap();
        f.write_all(b"hello mapping").unwrap();
        let f = File::open(&path).unwrap();
        let bytes = map(&f, 13).unwrap();
        assert_eq!((*bytes).as_ref(), b"hello mapping");
        let empty = File::create(dir.path().join("e")).unwrap();
        assert!((*map(&empty, 0).unwrap()).as_ref().is_empty());
    }
}

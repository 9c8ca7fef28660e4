//! # policy-wasm
//!
//! Custom policy rules written in any language and compiled to WebAssembly.
//!
//! This crate is a placeholder: WASM custom rules land in their own issue.
//! Until then it exposes only [`ABI_VERSION`], the version of the (future)
//! host ↔ guest interface, so that downstream code can already depend on the
//! crate without pulling in a WebAssembly runtime.

/// Version of the host ↔ guest ABI that custom WASM rules are compiled against.
///
/// It is bumped on every incompatible change to the interface; a host refuses
/// modules built for a different version.
pub const ABI_VERSION: u32 = 1;

#[cfg(test)]
mod tests {
    use super::ABI_VERSION;

    #[test]
    fn abi_version_is_one() {
        assert_eq!(ABI_VERSION, 1);
    }
}

//! Quiet exit when stdout is a closed pipe (`policy-cli eval … | head`).
//!
//! Rust ignores `SIGPIPE`, so writing to a closed pipe returns an error and
//! `println!` panics. Command-line tools conventionally die quietly instead;
//! this restores the default disposition for the reporting commands. The
//! hook never calls it: a hook killed by a signal would let the tool call
//! through, so it keeps the error and answers with a block (see
//! `commands::hook`).
//!
//! Besides `commands::hook::guard` and `cache_map`, this is the crate's only
//! `unsafe` code: `signal` has no safe wrapper.

#![allow(unsafe_code)]

/// Restores the default `SIGPIPE` disposition (terminate quietly).
pub fn restore_default() {
    // SAFETY: setting a signal's disposition to SIG_DFL is async-signal-safe
    // and touches no Rust state; no handler runs our code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

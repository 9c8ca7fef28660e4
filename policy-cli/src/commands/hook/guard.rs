//! Last-resort guards that keep the hook from failing open.
//!
//! Claude Code lets a call through when its hook exits with anything but 0 or
//! 2 — including a crash. A Rust panic is caught (`catch_unwind` in
//! `super::run`), but a stack overflow aborts the process and a fault in C
//! code (tree-sitter) raises `SIGSEGV`: neither unwinds. This module installs
//! handlers for the fatal signals that print the precomputed refusal for the
//! current agent and `_exit(2)`.
//!
//! This is the crate's only `unsafe` code: `sigaction` has no safe wrapper, and
//! the handler may only call async-signal-safe functions (`write`, `_exit`). It
//! reads one leaked, immutable buffer through an atomic pointer and allocates
//! nothing.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

use policy_core::protocol::Answer;

/// The bytes a fatal signal prints: stderr line, stdout answer.
struct CrashAnswer {
    stderr: Vec<u8>,
    stdout: Vec<u8>,
}

static CRASH: AtomicPtr<CrashAnswer> = AtomicPtr::new(std::ptr::null_mut());

/// The message of the last panic, for the failure answer.
static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Sets what a fatal signal prints from now on (the previous buffer is leaked
/// on purpose: a handler may still be reading it; the hook sets it twice).
pub fn set_crash_answer(answer: &Answer) {
    let mut stderr = answer.stderr.clone().unwrap_or_default().into_bytes();
    stderr.push(b'\n');
    let mut stdout = answer.stdout.clone().unwrap_or_default().into_bytes();
    if !stdout.is_empty() {
        stdout.push(b'\n');
    }
    let boxed = Box::new(CrashAnswer { stderr, stdout });
    CRASH.store(Box::into_raw(boxed), Ordering::Release);
}

/// Records panics instead of printing them (the hook prints one line).
pub fn capture_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut slot) = PANIC_MESSAGE.lock() {
            *slot = Some(format!("{msg}{at}"));
        }
    }));
}

/// The message of the last captured panic.
pub fn panic_message() -> Option<String> {
    PANIC_MESSAGE.lock().ok().and_then(|m| m.clone())
}

#[cfg(unix)]
fn write_all(fd: libc::c_int, bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: `rest` is a valid, initialised buffer of `rest.len()` bytes;
        // `write` is async-signal-safe.
        let n = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
        if n <= 0 {
            return;
        }
        rest = rest.get(n as usize..).unwrap_or(&[]);
    }
}

#[cfg(unix)]
extern "C" fn on_fatal_signal(_signal: libc::c_int) {
    let p = CRASH.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: `p` came from `Box::into_raw` in `set_crash_answer` and is
        // never freed, so it stays valid and immutable.
        let answer = unsafe { &*p };
        write_all(2, &answer.stderr);
        write_all(1, &answer.stdout);
    }
    // SAFETY: `_exit` is async-signal-safe and never returns.
    unsafe { libc::_exit(2) }
}

/// Installs the fatal-signal handlers (`SIGSEGV`, `SIGBUS`, `SIGILL`, `SIGFPE`,
/// `SIGABRT`, `SIGSYS`, `SIGTRAP`). They run on the alternate signal stack the
/// Rust runtime sets up for each thread, so a stack overflow is handled too.
#[cfg(unix)]
pub fn install_signal_handlers() {
    let handler = on_fatal_signal as extern "C" fn(libc::c_int);
    for signal in [
        libc::SIGSEGV,
        libc::SIGBUS,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGABRT,
        libc::SIGSYS,
        libc::SIGTRAP,
    ] {
        // SAFETY: a zeroed `sigaction` is a valid initial value; the handler
        // only calls async-signal-safe functions; `sigaction` copies the struct.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler as libc::sighandler_t;
            action.sa_flags = libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// No fatal-signal handling outside Unix.
#[cfg(not(unix))]
pub fn install_signal_handlers() {}

/// Test hook: `AGENT_POLICY_TEST_CRASH=segv|abort|panic|hang` makes the worker
/// fail that way, so tests can prove each failure becomes a block. Only in
/// debug builds: a release binary ignores the variable.
pub fn test_crash() {
    if !cfg!(debug_assertions) {
        return;
    }
    match std::env::var("AGENT_POLICY_TEST_CRASH").as_deref() {
        #[cfg(unix)]
        Ok("segv") => {
            // SAFETY: deliberately raises SIGSEGV for the test; never returns
            // normally because the handler exits.
            unsafe {
                libc::raise(libc::SIGSEGV);
            }
        }
        Ok("abort") => std::process::abort(),
        Ok("overflow") => {
            #[allow(unconditional_recursion)]
            fn deep(n: u64) -> u64 {
                let buf = [n; 64];
                std::hint::black_box(&buf);
                deep(n + 1) + buf[0]
            }
            std::hint::black_box(deep(0));
        }
        #[allow(clippy::panic)]
        Ok("panic") => panic!("test crash requested"),
        Ok("hang") => loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        },
        _ => {}
    }
}

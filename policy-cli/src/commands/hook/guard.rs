//! Last-resort guards that keep the hook from failing open.
//!
//! Claude Code lets a call through when its hook exits with anything but 0 or
//! 2 — including a crash. A Rust panic is caught (`catch_unwind` in
//! `super::run`), but a stack overflow aborts the process and a fault in C
//! code (tree-sitter) raises `SIGSEGV`, and a mapped cache file truncated
//! under the process raises `SIGBUS`: none of them unwinds. This module installs
//! handlers for the fatal signals that print the precomputed refusal for the
//! current agent and `_exit(2)`.
//!
//! The internal deadline is a `SIGALRM` timer, not a watchdog thread (a thread
//! cost a `clone`, a 2 MiB stack and a malloc arena in every hook process): its
//! handler prints the precomputed deadline refusal and `_exit(2)`s, unless the
//! hook has already claimed the right to answer ([`claim_answer`]).
//!
//! With `sigpipe` and `cache_map`, this is the crate's only `unsafe` code
//! (`sigaction` has no safe wrapper), and
//! the handler may only call async-signal-safe functions (`write`, `_exit`). It
//! reads one leaked, immutable buffer through an atomic pointer and allocates
//! nothing.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::Mutex;

use policy_core::protocol::Answer;

/// The bytes a fatal signal prints: stderr line, stdout answer.
struct CrashAnswer {
    stderr: Vec<u8>,
    stdout: Vec<u8>,
}

static CRASH: AtomicPtr<CrashAnswer> = AtomicPtr::new(std::ptr::null_mut());

/// What the deadline prints.
static DEADLINE: AtomicPtr<CrashAnswer> = AtomicPtr::new(std::ptr::null_mut());

/// Set by whoever answers first: the work or the deadline.
static ANSWERED: AtomicBool = AtomicBool::new(false);

/// The message of the last panic, for the failure answer.
static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Sets what a fatal signal prints from now on (the previous buffer is leaked
/// on purpose: a handler may still be reading it; the hook sets it twice).
pub fn set_crash_answer(answer: &Answer) {
    CRASH.store(leak(answer), Ordering::Release);
}

/// Sets what the deadline prints from now on (leaked like the crash answer).
pub fn set_deadline_answer(answer: &Answer) {
    DEADLINE.store(leak(answer), Ordering::Release);
}

/// True for the first caller only: the work before printing its answer, or
/// the deadline's handler. The loser prints nothing.
pub fn claim_answer() -> bool {
    ANSWERED
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

fn leak(answer: &Answer) -> *mut CrashAnswer {
    let mut stderr = answer.stderr.clone().unwrap_or_default().into_bytes();
    stderr.push(b'\n');
    let mut stdout = answer.stdout.clone().unwrap_or_default().into_bytes();
    if !stdout.is_empty() {
        stdout.push(b'\n');
    }
    Box::into_raw(Box::new(CrashAnswer { stderr, stdout }))
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

/// Prints the answer `slot` points to (if any) and `_exit(2)`s.
#[cfg(unix)]
fn print_and_exit(slot: &AtomicPtr<CrashAnswer>) -> ! {
    let p = slot.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: `p` came from `Box::into_raw` in `leak` and is never freed,
        // so it stays valid and immutable.
        let answer = unsafe { &*p };
        write_all(2, &answer.stderr);
        write_all(1, &answer.stdout);
    }
    // SAFETY: `_exit` is async-signal-safe and never returns.
    unsafe { libc::_exit(2) }
}

#[cfg(unix)]
extern "C" fn on_fatal_signal(_signal: libc::c_int) {
    print_and_exit(&CRASH)
}

#[cfg(unix)]
extern "C" fn on_deadline(_signal: libc::c_int) {
    if claim_answer() {
        print_and_exit(&DEADLINE)
    }
    // The work is printing its answer: let it finish.
}

/// Arms the deadline: after `deadline`, unless the work has claimed the
/// answer, the deadline answer is printed and the process exits with 2.
#[cfg(unix)]
pub fn arm_deadline(deadline: std::time::Duration) -> Result<(), String> {
    let handler = on_deadline as extern "C" fn(libc::c_int);
    let secs = deadline.as_secs().min(i32::MAX as u64);
    let timer = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: secs as libc::time_t,
            tv_usec: deadline.subsec_micros() as libc::suseconds_t,
        },
    };
    // SAFETY: as in `install_signal_handlers`; `setitimer` reads the struct
    // and `SIGALRM` then runs `on_deadline`, which only calls
    // async-signal-safe functions (an atomic exchange, `write`, `_exit`).
    let ok = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as libc::sighandler_t;
        action.sa_flags = libc::SA_ONSTACK | libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGALRM, &action, std::ptr::null_mut()) == 0
            && libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut()) == 0
    };
    if ok {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

/// Arms the deadline with a watchdog thread (no `SIGALRM` outside Unix).
#[cfg(not(unix))]
pub fn arm_deadline(deadline: std::time::Duration) -> Result<(), String> {
    std::thread::Builder::new()
        .name("hook-deadline".into())
        .spawn(move || {
            std::thread::sleep(deadline);
            if claim_answer() {
                let p = DEADLINE.load(Ordering::Acquire);
                if !p.is_null() {
                    // SAFETY: see `print_and_exit`.
                    let answer = unsafe { &*p };
                    let _ = std::io::Write::write_all(&mut std::io::stderr(), &answer.stderr);
                    let _ = std::io::Write::write_all(&mut std::io::stdout(), &answer.stdout);
                }
                std::process::exit(2);
            }
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
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

/// Test hook: `AGENT_POLICY_TEST_CRASH=segv|bus|abort|overflow|panic|hang`
/// makes the worker fail that way, so tests can prove each failure becomes a
/// block (`bus`: a mapped cache file truncated under the process, then read).
/// Only in debug builds and builds with the `crash-injection` feature (CI's
/// static release build, tested as a process): a release binary ignores the
/// variable.
pub fn test_crash() {
    if !cfg!(any(debug_assertions, feature = "crash-injection")) {
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
        #[cfg(unix)]
        Ok("bus") => {
            // What a cache file truncated in place by someone else does to a
            // hook that mapped it: the next read of a page past the new end
            // raises SIGBUS.
            use std::io::Write as _;
            let path = std::env::temp_dir().join(format!(
                "agent-policy-test-bus-{}.policy",
                std::process::id()
            ));
            let written = std::fs::File::create(&path)
                .and_then(|mut f| f.write_all(&[1u8; 8192]))
                .is_ok();
            if let (true, Ok(f)) = (written, std::fs::File::open(&path)) {
                if let Ok(bytes) = crate::cache_map::map(&f, 8192) {
                    let cut = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .and_then(|w| w.set_len(0));
                    let _ = std::fs::remove_file(&path);
                    if cut.is_ok() {
                        std::hint::black_box((*bytes).as_ref().get(4096).copied());
                    }
                }
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

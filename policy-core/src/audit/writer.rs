//! Appending to the log, safely under concurrent hook processes.
//!
//! Every append, under an exclusive lock on the log file
//! (`std::fs::File::lock`, an advisory `flock` on Unix):
//!
//! 1. reads the end of the file: the last line's `seq` and `hash`, and a
//!    torn segment after it (bytes without a final newline: a writer that
//!    died mid-write);
//! 2. reads the head file; if it records a record the log no longer holds,
//!    the new record carries `truncated` (the evidence stays in the chain);
//! 3. writes `[\n]LINE\n` with one `write` on a file opened `O_APPEND` (the
//!    leading newline ends a torn segment, which the record names in `torn`),
//!    optionally `fsync`s, and rewrites the head file.
//!
//! A last line that is complete but not a valid record (edited, foreign) is
//! not chained onto: the append fails with [`AuditError::BrokenTail`] and
//! the caller decides (the hook warns or blocks, per `audit.on_failure`).
//! A crash leaves only a torn segment, which is handled; a complete invalid
//! line means someone changed the file, and `policy-cli audit verify` says
//! where.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::chain::{self, HeadMark, Torn, GENESIS};
use super::head::Head;
use super::record::{self, Entry, Link, MAX_LINE_BYTES};
use super::AuditError;

/// How long an append waits for the lock before failing.
pub const LOCK_TIMEOUT: Duration = Duration::from_millis(500);

/// First read at the end of the file; most lines are far shorter.
const FIRST_TAIL: u64 = 8 * 1024;

/// An audit log file.
///
/// ```
/// use policy_core::audit::{verify, AuditLog, Entry};
/// let dir = tempfile::tempdir().unwrap();
/// let log = AuditLog::new(dir.path().join("audit.jsonl"));
/// for d in ["allow", "deny"] {
///     log.append(&Entry { event: "PreToolUse".into(), decision: d.into(), ..Entry::default() }).unwrap();
/// }
/// let report = verify(log.path()).unwrap();
/// assert_eq!((report.records, report.broken), (2, None));
/// ```
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
    fsync: bool,
    lock_timeout: Duration,
}

/// What an append wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The record's sequence number.
    pub seq: u64,
    /// The record's hash.
    pub hash: String,
    /// A problem that did not stop the append (the head file could not be
    /// written).
    pub warning: Option<String>,
}

/// What the end of the file says.
struct Tail {
    /// The last complete record's (seq, hash).
    last: Option<(u64, String)>,
    /// A torn segment after it.
    torn: Option<Torn>,
}

impl AuditLog {
    /// The log at `path` (created with its directory on first append).
    pub fn new(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog {
            path: path.into(),
            fsync: false,
            lock_timeout: LOCK_TIMEOUT,
        }
    }

    /// Whether every append is flushed to disk (`fsync`) before it returns.
    pub fn with_fsync(mut self, fsync: bool) -> AuditLog {
        self.fsync = fsync;
        self
    }

    /// How long an append waits for the lock (default [`LOCK_TIMEOUT`]).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> AuditLog {
        self.lock_timeout = timeout;
        self
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, what: &str, e: std::io::Error) -> AuditError {
        AuditError::Io {
            path: self.path.clone(),
            what: what.to_string(),
            source: e,
        }
    }

    fn open(&self) -> Result<File, AuditError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                let mut b = std::fs::DirBuilder::new();
                b.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
                b.create(dir)
                    .map_err(|e| self.io("cannot create the directory", e))?;
            }
        }
        let mut opts = OpenOptions::new();
        opts.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&self.path).map_err(|e| self.io("cannot open", e))
    }

    fn lock(&self, file: &File) -> Result<(), AuditError> {
        let start = Instant::now();
        let mut pause = Duration::from_micros(200);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(()),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(self.io("cannot lock", e)),
            }
            if start.elapsed() >= self.lock_timeout {
                return Err(AuditError::Locked {
                    path: self.path.clone(),
                    waited_ms: start.elapsed().as_millis() as u64,
                });
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(10));
        }
    }

    /// Appends one record (redacted and capped, see [`super::record`]).
    pub fn append(&self, entry: &Entry) -> Result<Appended, AuditError> {
        let mut file = self.open()?;
        self.lock(&file)?;
        // The lock is released when `file` is closed, on every return path.
        let tail = self.read_tail(&mut file)?;
        let (seq, prev) = match &tail.last {
            Some((seq, hash)) => (seq.saturating_add(1), hash.clone()),
            None => (1, GENESIS.to_string()),
        };
        let last_seq = seq - 1;
        let head = Head::read(&self.path).ok().flatten();
        let truncated = head
            .filter(|h| {
                h.seq > last_seq
                    || (h.seq == last_seq && tail.last.as_ref().is_some_and(|(_, x)| *x != h.hash))
            })
            .map(|h| HeadMark {
                seq: h.seq,
                hash: h.hash,
            });
        let body = record::body(
            entry,
            &Link {
                seq,
                prev: &prev,
                torn: tail.torn.as_ref(),
                truncated: truncated.as_ref(),
            },
        );
        let (line, hash) = chain::seal(&body);
        let mut buf = Vec::with_capacity(line.len() + 2);
        if tail.torn.is_some() {
            buf.push(b'\n');
        }
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        file.write_all(&buf)
            .map_err(|e| self.io("cannot write", e))?;
        if self.fsync {
            file.sync_data().map_err(|e| self.io("cannot fsync", e))?;
        }
        let warning = Head {
            seq,
            hash: hash.clone(),
        }
        .write(&self.path)
        .err()
        .map(|e| format!("cannot write the head file: {e}"));
        drop(file);
        Ok(Appended { seq, hash, warning })
    }

    /// Reads the end of the file: the last record and a torn segment.
    fn read_tail(&self, file: &mut File) -> Result<Tail, AuditError> {
        let len = file
            .metadata()
            .map_err(|e| self.io("cannot stat", e))?
            .len();
        if len == 0 {
            return Ok(Tail {
                last: None,
                torn: None,
            });
        }
        let max = 2 * MAX_LINE_BYTES as u64 + 2;
        let mut want = FIRST_TAIL.min(len);
        loop {
            let buf = self.read_at_end(file, len, want)?;
            let at_start = want == len;
            match parse_tail(&buf, at_start) {
                Some(result) => return result.map_err(|problem| self.broken(problem)),
                None if want < max.min(len) => want = max.min(len),
                None => {
                    return Err(self.broken(format!(
                        "the last line is longer than {MAX_LINE_BYTES} bytes"
                    )))
                }
            }
        }
    }

    fn broken(&self, problem: String) -> AuditError {
        AuditError::BrokenTail {
            path: self.path.clone(),
            problem,
        }
    }

    fn read_at_end(&self, file: &mut File, len: u64, want: u64) -> Result<Vec<u8>, AuditError> {
        file.seek(SeekFrom::Start(len - want))
            .map_err(|e| self.io("cannot seek", e))?;
        let mut buf = Vec::with_capacity(want as usize);
        file.take(want)
            .read_to_end(&mut buf)
            .map_err(|e| self.io("cannot read", e))?;
        Ok(buf)
    }
}

/// The tail of a file: `None` when `buf` does not reach back to the start of
/// the last line (read more); `Some(Err)` when the last line is not a record.
fn parse_tail(buf: &[u8], at_start: bool) -> Option<Result<Tail, String>> {
    // A torn segment: bytes after the last newline.
    let (complete, torn) = match buf.iter().rposition(|b| *b == b'\n') {
        Some(nl) if nl + 1 == buf.len() => (&buf[..nl], None),
        Some(nl) => (&buf[..nl], Some(&buf[nl + 1..])),
        None if at_start => (&buf[..0], Some(buf)),
        None => return None,
    };
    let torn = torn.map(|t| Torn {
        bytes: t.len() as u64,
        sha256: chain::sha256_hex(t),
    });
    if complete.is_empty() && at_start {
        // Only a torn segment (or nothing) in the file.
        return Some(Ok(Tail { last: None, torn }));
    }
    let line = match complete.iter().rposition(|b| *b == b'\n') {
        Some(nl) => &complete[nl + 1..],
        None if at_start => complete,
        None => return None,
    };
    Some(match chain::open(line) {
        Ok(s) => Ok(Tail {
            last: Some((s.seq, s.hash)),
            torn,
        }),
        Err(e) => Err(format!(
            "the last complete line is not a valid audit record ({e}); run `policy-cli audit verify`, then move the file aside"
        )),
    })
}

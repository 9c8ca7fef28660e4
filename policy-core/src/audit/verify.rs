//! Checking a log: every line's hash, the sequence, the links, the head.
//!
//! The verifier reads the file once, line by line (at most
//! [`super::record::MAX_LINE_BYTES`] × 2 per line), and
//! stops at the first broken line, which it names by its 1-based number:
//!
//! | what happened | reported at | problem |
//! | --- | --- | --- |
//! | a byte edited | the edited line | [`Problem::Line`] (hash mismatch, or not a record) |
//! | a line edited and re-hashed | the next line | [`Problem::Prev`] |
//! | a line deleted | the line after the gap | [`Problem::Sequence`] |
//! | two lines swapped | the first of them | [`Problem::Sequence`] |
//! | lines cut off the end | one past the last line | [`Problem::Missing`] (from the head file) |
//! | the last line cut short | that line | [`Problem::Torn`] |
//! | cut, then written to | the first record after the cut | [`Problem::Truncated`] |
//!
//! A torn line that the next record acknowledges (a crash, see
//! [`writer`](super::writer)) is a warning, not a break.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::chain::{self, LineError, GENESIS};
use super::head::Head;
use super::record::MAX_LINE_BYTES;
use super::AuditError;

/// What is wrong at a broken line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The line itself is not a valid record.
    #[error("{0}")]
    Line(LineError),
    /// The line is longer than any record the writer produces.
    #[error("the line is longer than {0} bytes")]
    TooLong(usize),
    /// A sequence number out of place.
    #[error("expected record {expected}, found record {found}: {}", if found > expected { "records were deleted before this line, or lines reordered" } else { "lines were reordered or duplicated" })]
    Sequence {
        /// The sequence number that should be here.
        expected: u64,
        /// The one that is.
        found: u64,
    },
    /// `prev` is not the previous record's hash.
    #[error("`prev` does not match the previous record's hash: the previous line was edited and re-hashed, or replaced")]
    Prev,
    /// The last line has no newline: a write cut short (a crash, or the file
    /// was truncated inside a line).
    #[error("the last line is incomplete ({bytes} bytes, no newline): a write cut short by a crash, or the file was truncated")]
    Torn {
        /// Its length.
        bytes: u64,
    },
    /// A record says it follows a torn line that is not there.
    #[error(
        "the record acknowledges a torn line before it, but there is none: a line was removed"
    )]
    NoTornLine,
    /// The head file records more than the log holds.
    #[error("missing: the head file records {head_seq} records, the log ends at record {last_seq}: lines were cut off the end")]
    Missing {
        /// Records per the head file.
        head_seq: u64,
        /// The last record in the log.
        last_seq: u64,
    },
    /// The head file's hash differs from the record of that number.
    #[error(
        "the head file's hash for record {seq} differs from this line's: the line was replaced"
    )]
    HeadMismatch {
        /// The record.
        seq: u64,
    },
    /// The writer found the log shorter than the head file said.
    #[error("the log was truncated before this record was written: the head file recorded {head_seq} records")]
    Truncated {
        /// Records per the head file at that time.
        head_seq: u64,
    },
}

/// The first broken line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct Broken {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub problem: Problem,
}

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Lines read.
    pub lines: u64,
    /// Valid records before the first broken line.
    pub records: u64,
    /// The last valid record's sequence number.
    pub last_seq: u64,
    /// The first broken line, if any.
    pub broken: Option<Broken>,
    /// Things that are not breaks (an acknowledged torn line, no head file).
    pub warnings: Vec<String>,
}

/// Verifies the log at `path` and its head file.
pub fn verify(path: &Path) -> Result<Report, AuditError> {
    let io = |what: &str, e: std::io::Error| AuditError::Io {
        path: path.to_path_buf(),
        what: what.to_string(),
        source: e,
    };
    let file = File::open(path).map_err(|e| io("cannot open", e))?;
    let head = Head::read(path).map_err(|e| io("cannot read the head file of", e))?;
    verify_reader(BufReader::new(file), head.as_ref()).map_err(|e| io("cannot read", e))
}

/// An invalid line waiting to see whether the next record acknowledges it.
struct Pending {
    line: u64,
    bytes: u64,
    sha256: String,
    problem: Problem,
}

/// Verifies a log read from `reader`, against `head` when given.
pub fn verify_reader(mut reader: impl BufRead, head: Option<&Head>) -> std::io::Result<Report> {
    let mut report = Report::default();
    let mut expected_prev = GENESIS.to_string();
    let mut pending: Option<Pending> = None;
    let mut buf = Vec::new();
    let limit = 2 * MAX_LINE_BYTES as u64 + 2;
    let mut head_seen = false;
    let broken = |report: &mut Report, line: u64, problem: Problem| {
        report.broken = Some(Broken { line, problem });
    };
    loop {
        buf.clear();
        let n = reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        report.lines += 1;
        let line_no = report.lines;
        let Some(content) = buf.strip_suffix(b"\n") else {
            if n as u64 >= limit {
                broken(&mut report, line_no, Problem::TooLong(MAX_LINE_BYTES));
            } else {
                broken(
                    &mut report,
                    line_no,
                    Problem::Torn {
                        bytes: buf.len() as u64,
                    },
                );
            }
            return Ok(report);
        };
        let sealed = match chain::open(content) {
            Ok(s) => s,
            Err(e) => {
                if let Some(p) = pending.take() {
                    broken(&mut report, p.line, p.problem);
                    return Ok(report);
                }
                pending = Some(Pending {
                    line: line_no,
                    bytes: content.len() as u64,
                    sha256: chain::sha256_hex(content),
                    problem: Problem::Line(e),
                });
                continue;
            }
        };
        match (pending.take(), &sealed.torn) {
            (Some(p), Some(t)) if t.bytes == p.bytes && t.sha256 == p.sha256 => {
                report.warnings.push(format!(
                    "line {}: a write cut short by a crash, acknowledged by line {line_no}",
                    p.line
                ));
            }
            (Some(p), _) => {
                broken(&mut report, p.line, p.problem);
                return Ok(report);
            }
            (None, Some(_)) => {
                broken(&mut report, line_no, Problem::NoTornLine);
                return Ok(report);
            }
            (None, None) => {}
        }
        let expected = report.last_seq + 1;
        if sealed.seq != expected {
            broken(
                &mut report,
                line_no,
                Problem::Sequence {
                    expected,
                    found: sealed.seq,
                },
            );
            return Ok(report);
        }
        if sealed.prev != expected_prev {
            broken(&mut report, line_no, Problem::Prev);
            return Ok(report);
        }
        if let Some(t) = &sealed.truncated {
            broken(&mut report, line_no, Problem::Truncated { head_seq: t.seq });
            return Ok(report);
        }
        if let Some(h) = head.filter(|h| h.seq == sealed.seq) {
            head_seen = true;
            if h.hash != sealed.hash {
                broken(&mut report, line_no, Problem::HeadMismatch { seq: h.seq });
                return Ok(report);
            }
        }
        report.records += 1;
        report.last_seq = sealed.seq;
        expected_prev = sealed.hash;
    }
    if let Some(p) = pending {
        broken(&mut report, p.line, p.problem);
        return Ok(report);
    }
    let (lines, last_seq) = (report.lines, report.last_seq);
    match head {
        Some(h) if h.seq > last_seq => broken(
            &mut report,
            lines + 1,
            Problem::Missing {
                head_seq: h.seq,
                last_seq,
            },
        ),
        Some(h) if !head_seen && h.seq > 0 => report.warnings.push(format!(
            "the head file names record {}, which is not in the log",
            h.seq
        )),
        Some(h) if h.seq + 1 < report.last_seq => report.warnings.push(format!(
            "the head file lags: it records {} of {} records (its last update failed)",
            h.seq, report.last_seq
        )),
        Some(_) => {}
        None if report.records > 0 => report.warnings.push(
            "no head file: lines cut off the end at a line boundary cannot be detected".into(),
        ),
        None => {}
    }
    Ok(report)
}

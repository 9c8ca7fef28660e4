//! Reading records back: the last lines of a log, or one record.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::record::MAX_LINE_BYTES;
use super::AuditError;

/// Bytes read per step when reading backwards.
const CHUNK: u64 = 64 * 1024;

fn io(path: &Path, what: &str, e: std::io::Error) -> AuditError {
    AuditError::Io {
        path: path.to_path_buf(),
        what: what.to_string(),
        source: e,
    }
}

/// The last `n` lines of the log (a torn last line included), oldest first,
/// without reading the whole file.
pub fn tail(path: &Path, n: usize) -> Result<Vec<String>, AuditError> {
    let mut f = File::open(path).map_err(|e| io(path, "cannot open", e))?;
    let len = f.metadata().map_err(|e| io(path, "cannot stat", e))?.len();
    if n == 0 || len == 0 {
        return Ok(Vec::new());
    }
    let mut start = len;
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let step = CHUNK.min(start);
        start -= step;
        f.seek(SeekFrom::Start(start))
            .map_err(|e| io(path, "cannot seek", e))?;
        let mut chunk = Vec::with_capacity(step as usize);
        f.by_ref()
            .take(step)
            .read_to_end(&mut chunk)
            .map_err(|e| io(path, "cannot read", e))?;
        chunk.extend_from_slice(&buf);
        buf = chunk;
        // Newlines other than a final one: n of them delimit the last n lines.
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        if start == 0 || body.iter().filter(|b| **b == b'\n').count() >= n {
            break;
        }
    }
    let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
    let lines: Vec<&[u8]> = body.split(|b| *b == b'\n').collect();
    let skip = lines.len().saturating_sub(n);
    Ok(lines
        .into_iter()
        .skip(skip)
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect())
}

/// Which record to find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// By sequence number.
    Seq(u64),
    /// By 1-based line number.
    Line(u64),
}

/// The line of the record `at`, with its 1-based line number.
pub fn find(path: &Path, at: Locator) -> Result<Option<(u64, String)>, AuditError> {
    let f = File::open(path).map_err(|e| io(path, "cannot open", e))?;
    let mut reader = BufReader::new(f);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .by_ref()
            .take(2 * MAX_LINE_BYTES as u64 + 2)
            .read_until(b'\n', &mut buf)
            .map_err(|e| io(path, "cannot read", e))?;
        if n == 0 {
            return Ok(None);
        }
        line += 1;
        let content = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let hit = match at {
            Locator::Line(l) => l == line,
            Locator::Seq(s) => {
                serde_json::from_slice::<serde_json::Value>(content)
                    .ok()
                    .and_then(|v| v.get("seq").and_then(serde_json::Value::as_u64))
                    == Some(s)
            }
        };
        if hit {
            return Ok(Some((line, String::from_utf8_lossy(content).into_owned())));
        }
    }
}

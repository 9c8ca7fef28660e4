//! The chain: each line is a JSON object whose last member is its own hash,
//! the SHA-256 of the line without that member.
//!
//! A line is `BODY` with its closing `}` replaced by `,"hash":"HEX"}`, where
//! `BODY` is the record serialized without `hash` and `HEX` is the lower-case
//! SHA-256 of `BODY`'s bytes. Each record's `prev` is the previous record's
//! `hash` ([`GENESIS`] for the first), so a record commits to every line
//! before it. Hashing exact bytes needs no JSON canonicalization: the
//! verifier strips the suffix, puts the `}` back and hashes.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `prev` of the first record: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Length of the sealed suffix `,"hash":"` + 64 hex + `"}`.
const SUFFIX_LEN: usize = 9 + 64 + 2;

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    s
}

/// `body` (a JSON object) sealed with its hash: the line to write (without
/// the newline) and the hash.
pub fn seal(body: &str) -> (String, String) {
    let hash = sha256_hex(body.as_bytes());
    let open = body.strip_suffix('}').unwrap_or(body);
    let mut line = String::with_capacity(body.len() + SUFFIX_LEN);
    line.push_str(open);
    line.push_str(",\"hash\":\"");
    line.push_str(&hash);
    line.push_str("\"}");
    (line, hash)
}

/// A line written after a crash cut the previous one short: the next record
/// names the bytes it found (length and SHA-256), which the writer ended
/// with a newline, so that the verifier can tell a crash from an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Torn {
    /// Length of the torn line, without the newline the writer added.
    pub bytes: u64,
    /// SHA-256 of the torn line.
    pub sha256: String,
}

/// The head file recorded more than the log holds: written into the next
/// record so that the truncation stays visible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadMark {
    /// The sequence number the head file recorded.
    pub seq: u64,
    /// The hash the head file recorded.
    pub hash: String,
}

/// The chain fields of a line, read back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Sealed {
    /// Format version.
    pub v: u32,
    /// Sequence number (1, 2, …).
    pub seq: u64,
    /// The previous record's hash.
    pub prev: String,
    /// This record's hash.
    pub hash: String,
    /// A torn line just before this one, acknowledged.
    #[serde(default)]
    pub torn: Option<Torn>,
    /// A truncation the writer noticed before writing this record.
    #[serde(default)]
    pub truncated: Option<HeadMark>,
}

/// Why a line is not a valid record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Not UTF-8 or not a JSON object with the chain fields.
    #[error("not an audit record ({0})")]
    NotRecord(String),
    /// The line does not end with its hash.
    #[error("no hash at the end of the line")]
    NoHash,
    /// The hash does not match the content: the line was edited.
    #[error("the hash does not match the content: the line was edited")]
    HashMismatch,
    /// A version this build does not read.
    #[error("unsupported record version {0}")]
    Version(u32),
}

/// Reads and checks one line (without its newline): its own hash must match.
pub fn open(line: &[u8]) -> Result<Sealed, LineError> {
    let text = std::str::from_utf8(line).map_err(|_| LineError::NotRecord("not UTF-8".into()))?;
    let sealed: Sealed = serde_json::from_str(text).map_err(|e| {
        LineError::NotRecord(format!("{}", e).chars().take(120).collect::<String>())
    })?;
    if sealed.v != super::VERSION {
        return Err(LineError::Version(sealed.v));
    }
    let cut = text
        .len()
        .checked_sub(SUFFIX_LEN)
        .ok_or(LineError::NoHash)?;
    let (open, suffix) = (text.get(..cut), text.get(cut..));
    let (Some(open), Some(suffix)) = (open, suffix) else {
        return Err(LineError::NoHash);
    };
    let expected_suffix = format!(",\"hash\":\"{}\"}}", sealed.hash);
    if suffix != expected_suffix || sealed.hash.len() != 64 {
        return Err(LineError::NoHash);
    }
    let mut body = String::with_capacity(open.len() + 1);
    body.push_str(open);
    body.push('}');
    if sha256_hex(body.as_bytes()) != sealed.hash {
        return Err(LineError::HashMismatch);
    }
    Ok(sealed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open() {
        let body = format!(r#"{{"v":1,"seq":1,"x":"é","prev":"{GENESIS}"}}"#);
        let (line, hash) = seal(&body);
        assert!(line.ends_with(&format!(",\"hash\":\"{hash}\"}}")));
        let s = open(line.as_bytes()).unwrap();
        assert_eq!((s.seq, s.hash.as_str()), (1, hash.as_str()));
        let edited = line.replace("\"x\":\"é\"", "\"x\":\"e\"");
        assert_eq!(open(edited.as_bytes()), Err(LineError::HashMismatch));
        assert!(matches!(open(b"garbage"), Err(LineError::NotRecord(_))));
        assert!(matches!(
            open(&line.as_bytes()[..line.len() - 3]),
            Err(LineError::NotRecord(_))
        ));
        let v2 = seal(&format!(r#"{{"v":2,"seq":1,"prev":"{GENESIS}"}}"#)).0;
        assert_eq!(open(v2.as_bytes()), Err(LineError::Version(2)));
        // A hash member that is not last.
        let moved = format!(r#"{{"v":1,"seq":1,"hash":"{hash}","prev":"{GENESIS}","z":1}}"#);
        assert_eq!(open(moved.as_bytes()), Err(LineError::NoHash));
    }
}

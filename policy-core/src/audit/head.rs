//! The head file beside the log (`audit.jsonl.head`): the sequence number
//! and hash of the last record written, rewritten in place after every
//! append. A log cut at a line boundary is a valid chain on its own; the head
//! says how long it was.
//!
//! Format: one line of fixed length,
//! `agent-policy-audit-head v1 seq=00000000000000000042 hash=<64 hex>\n`,
//! overwritten at offset 0 so that no rewrite ever shortens it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const PREFIX: &str = "agent-policy-audit-head v1 seq=";

/// What the head file recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The last record's sequence number.
    pub seq: u64,
    /// The last record's hash.
    pub hash: String,
}

/// The head file of the log at `log`.
pub fn path_for(log: &Path) -> PathBuf {
    let mut s = log.as_os_str().to_owned();
    s.push(".head");
    PathBuf::from(s)
}

impl Head {
    /// The line written.
    fn line(&self) -> String {
        format!("{PREFIX}{:020} hash={}\n", self.seq, self.hash)
    }

    /// Parses a head file's content (`None`: empty, foreign or damaged).
    pub fn parse(text: &str) -> Option<Head> {
        let rest = text.strip_prefix(PREFIX)?;
        let (seq, rest) = rest.split_once(" hash=")?;
        let hash = rest.strip_suffix('\n')?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Head {
            seq: seq.parse().ok()?,
            hash: hash.to_string(),
        })
    }

    /// Reads the head file of `log` (`Ok(None)` when it does not exist or
    /// holds no head).
    pub fn read(log: &Path) -> std::io::Result<Option<Head>> {
        let mut text = String::with_capacity(512);
        match File::open(path_for(log)) {
            Ok(f) => {
                f.take(512).read_to_string(&mut text)?;
                Ok(Head::parse(&text))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the head file of `log` (the caller holds the log's lock).
    pub fn write(&self, log: &Path) -> std::io::Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(path_for(log))?;
        f.seek(SeekFrom::Start(0))?;
        f.write_all(self.line().as_bytes())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_fixed_length() {
        let h = Head {
            seq: 42,
            hash: "ab".repeat(32),
        };
        assert_eq!(Head::parse(&h.line()), Some(h.clone()));
        let big = Head {
            seq: u64::MAX,
            hash: h.hash.clone(),
        };
        assert_eq!(h.line().len(), big.line().len());
        assert_eq!(Head::parse("junk"), None);
        assert_eq!(Head::parse(""), None);
    }
}

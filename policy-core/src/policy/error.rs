//! Errors loading a policy: each names the file and, where the YAML parser
//! knows it, the line and column.

use std::path::PathBuf;

/// A policy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is larger than the cap.
    #[error("{path}: policy file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// YAML syntax or shape error.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line (0 when unknown).
        line: u64,
        /// 1-based column (0 when unknown).
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A semantic error in a rule or setting.
    #[error("{path}: {message}")]
    Invalid {
        /// The file (or `builtin:NAME`).
        path: String,
        /// What is wrong, naming the rule.
        message: String,
    },
}

impl PolicyError {
    /// An error in rule `rule` (the file is filled in by the loader).
    pub(crate) fn rule(rule: &str, message: String) -> PolicyError {
        PolicyError::Invalid {
            path: String::new(),
            message: format!("rule `{rule}`: {message}"),
        }
    }

    /// Sets the file of an `Invalid` error that does not have one yet.
    pub(crate) fn in_file(self, file: &str) -> PolicyError {
        match self {
            PolicyError::Invalid { path, message } if path.is_empty() => PolicyError::Invalid {
                path: file.to_string(),
                message,
            },
            other => other,
        }
    }
}

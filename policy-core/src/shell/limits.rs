//! Size, depth and work limits of the shell normalizer.
//!
//! Hostile input must not cost unbounded time or memory. Past any limit the
//! normalizer stops descending and emits an [`Opaque`](crate::Action::Opaque)
//! action naming the limit, so the policy's `on_error` decides: the result is
//! never an empty (harmless-looking) list.

/// Limits of one normalization. The defaults are documented in `docs/normalizer.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest command accepted, in bytes (default 256 KiB).
    pub max_bytes: usize,
    /// Deepest nesting of contexts: subshells, groups, substitutions, `bash -c` inside
    /// `bash -c`, function calls, wrappers (default 64).
    pub max_depth: usize,
    /// Work budget: syntax nodes visited plus words expanded (default 200 000).
    pub max_work: usize,
    /// Most actions produced (default 4 096).
    pub max_actions: usize,
    /// Most words one brace expansion may produce (default 1 024).
    pub max_brace_words: usize,
    /// Longest expanded word, in bytes (default 64 KiB).
    pub max_word_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 * 1024,
            max_depth: 64,
            max_work: 200_000,
            max_actions: 4096,
            max_brace_words: 1024,
            max_word_bytes: 64 * 1024,
        }
    }
}

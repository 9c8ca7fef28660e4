//! Required literals of a regex: a test that rules a text out before the
//! regex is compiled.
//!
//! Most rule regexes cannot match most texts they are tried on: `git status`
//! is tried against the `git` rules' argument regexes (`(?i)^alias\..*=…`,
//! `(?i)^(-c)?core\.hookspath=`) and the `raw` regexes over the command, and
//! matches none. Compiling them cost a hook process about 3 M instructions.
//! A match of a regex starts with one of its *prefix literals* (what
//! `regex-syntax`'s literal extractor computes, the same analysis the `regex`
//! crate's own prefilters rest on), so a text containing none of them cannot
//! match, and the regex need not be compiled for it.
//!
//! Case-insensitive regexes have a literal per case variant (`(?i)^alias\.`
//! has 48): literals and text are compared ASCII-lowercased, which keeps the
//! test a necessary condition (lowercasing maps an occurrence to an
//! occurrence) and the literal lists short.
//!
//! The literals are extracted when the compiled-policy cache is written (the
//! analysis needs the parsed regex, the expensive part) and stored with the
//! rule; a regex without a finite set of non-empty prefix literals (`.*x`,
//! `\w+@`) has no [`Needles`] and is always compiled.

use memchr::memmem;
use regex_syntax::hir::literal::Extractor;
use serde::{Deserialize, Serialize};

/// Most literals kept for one regex: more means no filter (each is searched
/// for separately).
const MAX_NEEDLES: usize = 64;

/// The prefix literals of a regex: every match starts with one of them.
///
/// ```ignore
/// let n = Needles::of(r"(push|reset)\s.*--hard").unwrap();
/// assert!(!n.admit(b"status"));
/// assert!(n.admit(b"git reset --hard"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Needles(Vec<Vec<u8>>);

impl Needles {
    /// The needles of `regex` (the `regex` crate's syntax); `None` when it
    /// has none worth checking or does not parse.
    pub(crate) fn of(regex: &str) -> Option<Needles> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(regex)
            .ok()?;
        let seq = Extractor::new().extract(&hir);
        let literals = seq.literals()?;
        if literals.iter().any(|l| l.as_bytes().is_empty()) {
            return None;
        }
        let mut lower: Vec<Vec<u8>> = literals
            .iter()
            .map(|l| l.as_bytes().to_ascii_lowercase())
            .collect();
        lower.sort_unstable();
        lower.dedup();
        (lower.len() <= MAX_NEEDLES).then_some(Needles(lower))
    }

    /// False when `text` contains none of the needles (then the regex cannot
    /// match it).
    pub(crate) fn admit(&self, text: &[u8]) -> bool {
        let lower = text.to_ascii_lowercase();
        self.0.iter().any(|n| memmem::find(&lower, n).is_some())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rules_out_texts_without_a_prefix_literal() {
        let n = Needles::of(r"(push|reset)\s.*--hard").unwrap();
        assert!(!n.admit(b"status"));
        assert!(n.admit(b"git reset --hard"));
        let n = Needles::of(r"(?i)^(-c)?core\.hookspath=").unwrap();
        assert!(!n.admit(b"status"));
        assert!(n.admit(b"CORE.HooksPath=/tmp/x"));
        // Unicode case folding is part of the literals: `ſ` folds to `s`.
        let n = Needles::of(r"(?i)secret").unwrap();
        assert!(n.admit("ſecret".as_bytes()));
    }

    #[test]
    fn regexes_without_required_prefixes_have_none() {
        assert!(Needles::of(r".*x").is_none());
        assert!(Needles::of(r"\w+@").is_none());
        assert!(Needles::of(r"a?").is_none());
        assert!(Needles::of(r"(").is_none());
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// Whenever the regex matches, the needles admit the text.
        #[test]
        fn never_rules_out_a_match(
            re in (
                proptest::sample::select(vec!["", "(?i)", "(?m)^"]),
                proptest::sample::select(vec!["ab", "cd", "[a-c]x", r"\bs", r"e\s", r"k\w", "(Ab|cD)", "S?K"]),
                proptest::sample::select(vec!["", ".*", "+", "?"]),
                proptest::sample::select(vec!["", "ef", "G", r"\b"]),
            ).prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
            text in "[a-gkxsABCDKS \\n.ſ]{0,10}",
        ) {
            let matched = regex::Regex::new(&re).unwrap().is_match(&text);
            if let Some(n) = Needles::of(&re) {
                proptest::prop_assert!(!matched || n.admit(text.as_bytes()), "{} on {:?}", re, text);
            }
        }
    }
}

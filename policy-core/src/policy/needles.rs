//! Required literals of a regex: a test that rules a text out before the
//! regex is compiled.
//!
//! Most rule regexes cannot match most texts they are tried on: `git status`
//! is tried against the `git` rules' argument regexes (`(?i)^alias\..*=…`,
//! `(?i)^(-c)?core\.hookspath=`) and the `raw` regexes over the command, and
//! matches none. Compiling them cost a hook process about 3 M instructions.
//! A match of a regex starts with one of its *prefix literals* and ends with
//! one of its *suffix literals* (what `regex-syntax`'s literal extractor
//! computes, the analysis the `regex` crate's own prefilters rest on), so a
//! text containing none of either set cannot match, and the regex need not
//! be compiled for it.
//!
//! Literals and text are compared ASCII-lowercased, which keeps the test a
//! necessary condition (lowercasing maps an occurrence to an occurrence). A
//! case-insensitive regex would have a literal per case variant (`(?i)^alias\.`
//! has 48), so its literals are taken from the regex without its `i` flags
//! (see [`Needles`] for when that is exact).
//!
//! The literals are extracted when the compiled-policy cache is written (the
//! analysis needs the parsed regex, the expensive part) and stored with the
//! rule (or the prefilter's pattern); a regex without a finite set of
//! non-empty literals at either end (`x?\w+`) has no [`Needles`] and is
//! always compiled.

use crate::policy::flat::Blobs;
use memchr::memmem;
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{
    self,
    literal::{ExtractKind, Extractor},
};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// Most literals kept for one regex: more means no filter (each is searched
/// for separately).
const MAX_NEEDLES: usize = 64;

/// Required literals of a regex: every match starts with one of them (its
/// prefix literals) or ends with one of them (its suffix literals), whichever
/// set is more selective.
///
/// Compared ASCII-lowercased. For a case-insensitive regex, the literals are
/// those of the regex without `i` flags: a text matching the regex, lowercased,
/// contains one of them lowercased — on ASCII text, when the pattern names
/// ASCII characters only (Unicode folding pairs `ſ` with `s` and the Kelvin
/// sign with `k`); so such needles rule out ASCII text only.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Needles {
    /// Lower-cased and sorted, in one buffer (decoded from the cache with
    /// two allocations, not one per literal).
    literals: Blobs,
    /// The literals come from a regex whose `i` flags were dropped: text
    /// with a character that folds to an ASCII letter ([`folds_to_ascii`])
    /// cannot be ruled out.
    ascii_only: bool,
    /// How often they were consulted: after [`MAX_CHECKS`], [`Needles::admit`]
    /// lets every text through, so a long-running process builds the
    /// automaton, which then decides faster than the needles.
    #[serde(skip)]
    checks: AtomicU32,
    /// Which text positions may start a literal: computed from `literals`
    /// on the first search (a hook process decodes a few hundred needles
    /// and searches with a handful), never stored, so a damaged cache
    /// cannot make it lie.
    #[serde(skip)]
    starts: OnceLock<Box<Starts>>,
}

impl Clone for Needles {
    fn clone(&self) -> Needles {
        Needles {
            literals: self.literals.clone(),
            ascii_only: self.ascii_only,
            checks: AtomicU32::new(self.checks.load(Ordering::Relaxed)),
            starts: self.starts.clone(),
        }
    }
}

impl PartialEq for Needles {
    fn eq(&self, other: &Needles) -> bool {
        self.literals == other.literals && self.ascii_only == other.ascii_only
    }
}

/// Texts one [`Needles`] rules on before it admits everything (see `checks`).
const MAX_CHECKS: u32 = 32;

/// Texts up to this length are searched position by position; longer ones
/// with `memmem`, literal by literal.
const SHORT: usize = 256;

impl Needles {
    /// The needles of `regex` (the `regex` crate's syntax); `None` when it
    /// has none worth checking or does not parse.
    pub(crate) fn of(regex: &str) -> Option<Needles> {
        Needles::of_syntax(regex, false)
    }

    /// The needles of `regex`, parsed with the `regex` crate's syntax or, when
    /// `bytes`, as a byte-syntax pattern (a glob's regex, which may match
    /// bytes that are not UTF-8).
    pub(crate) fn of_syntax(regex: &str, bytes: bool) -> Option<Needles> {
        let mut tree = ast::parse::Parser::new().parse(regex).ok()?;
        let ascii_only = regex.is_ascii()
            && ast::visit(&tree, crate::policy::forward::NonAscii).is_ok()
            && drop_case_insensitive(&mut tree);
        let hir = hir::translate::TranslatorBuilder::new()
            .utf8(!bytes)
            .build()
            .translate(regex, &tree)
            .ok()?;
        [ExtractKind::Prefix, ExtractKind::Suffix]
            .into_iter()
            .filter_map(|kind| {
                let seq = Extractor::new().kind(kind).extract(&hir);
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
                (lower.len() <= MAX_NEEDLES).then_some(lower)
            })
            // Longer shortest literal first, then fewer literals.
            .max_by_key(|l| {
                let shortest = l.iter().map(Vec::len).min().unwrap_or(0);
                (shortest.min(8), std::cmp::Reverse(l.len()))
            })
            .map(|literals| Needles::new(literals.iter().collect(), ascii_only))
    }

    /// Needles of `literals` (lower-cased and sorted).
    fn new(literals: Blobs, ascii_only: bool) -> Needles {
        Needles {
            literals,
            ascii_only,
            checks: AtomicU32::new(0),
            starts: OnceLock::new(),
        }
    }

    /// How many literals there are: what a search of a long text costs, in
    /// `memmem` passes over it.
    pub(crate) fn literal_count(&self) -> usize {
        self.literals.len()
    }

    /// False when `text` cannot match the regex (it contains none of the
    /// needles); true when it may — and always after [`MAX_CHECKS`] texts.
    pub(crate) fn admit(&self, text: &[u8]) -> bool {
        if self.ascii_only && folds_to_ascii(text) {
            return true;
        }
        let uses = self.checks.fetch_add(1, Ordering::Relaxed);
        if uses >= MAX_CHECKS {
            return true;
        }
        self.search(text, uses)
    }

    /// False when `text` cannot match the regex (it contains none of the
    /// needles); true when it may. Unlike [`Needles::admit`], never gives up
    /// checking: for candidate selection, which has no automaton to fall
    /// back on.
    pub(crate) fn may_match(&self, text: &[u8]) -> bool {
        if self.ascii_only && folds_to_ascii(text) {
            return true;
        }
        let uses = match self.starts.get() {
            Some(_) => SEARCH_WARMUP,
            None => self.checks.fetch_add(1, Ordering::Relaxed),
        };
        self.search(text, uses)
    }

    /// Whether a literal occurs in `text` (ASCII-case-insensitively), the
    /// needles consulted `uses` times before: the first [`SEARCH_WARMUP`]
    /// times each literal is searched for on its own; then through
    /// [`Starts`], built once.
    fn search(&self, text: &[u8], uses: u32) -> bool {
        if text.len() > SHORT {
            // Long text: `memmem` per literal over a lower-cased copy (for
            // literals as extracted, lower-cased; others one by one).
            if self
                .literals
                .iter()
                .any(|l| l.iter().any(u8::is_ascii_uppercase))
            {
                return self.each_literal(text);
            }
            return with_lowered(text, |lower| {
                self.literals
                    .iter()
                    .any(|n| memmem::find(lower, n).is_some())
            });
        }
        let starts = match self.starts.get() {
            Some(s) => s,
            None if uses < SEARCH_WARMUP => return self.each_literal(text),
            None => self
                .starts
                .get_or_init(|| Box::new(Starts::of(&self.literals))),
        };
        if starts.empty {
            return true;
        }
        if !starts.ordered {
            // Literals not as extracted (a damaged cache).
            return self.each_literal(text);
        }
        // Short text (building a `memmem` searcher costs more than it saves
        // there): one pass over its positions, lower-casing as it goes. A
        // position is compared with the literals starting with its byte (a
        // range of the sorted list) only when its first two bytes are in the
        // literals' pair set; most positions of most texts are not.
        let n = self.literals.len();
        for (i, &b) in text.iter().enumerate() {
            let b = b.to_ascii_lowercase();
            if has_bit(&starts.singles, b) {
                return true;
            }
            let Some(&c) = text.get(i + 1) else {
                break;
            };
            if !starts.has_pair(b, c.to_ascii_lowercase()) {
                continue;
            }
            let rest = text.get(i..).unwrap_or_default();
            let start = partition(n, |j| self.literals.get(j).first() < Some(&b));
            for j in start..n {
                let l = self.literals.get(j);
                if l.first() != Some(&b) {
                    break;
                }
                if rest
                    .get(..l.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(l))
                {
                    return true;
                }
            }
        }
        false
    }

    /// Whether a literal occurs in `text`, each searched for on its own
    /// (any order and case of the literals; the empty one occurs anywhere).
    fn each_literal(&self, text: &[u8]) -> bool {
        self.literals
            .iter()
            .any(|l| crate::ascii::contains_ignore_case(text, l))
    }
}

/// Searches of one [`Needles`] that go literal by literal before its
/// [`Starts`] are built: a hook process consults most needles once or
/// twice, and building them (~60 instructions per literal) costs more than
/// those searches.
const SEARCH_WARMUP: u32 = 4;

/// Where a literal of a [`Needles`] may start, for ruling most text
/// positions out with a bit test.
#[derive(Debug, Clone, Default)]
struct Starts {
    /// The one-byte literals (bit `b` of the 256): such a byte anywhere is
    /// an occurrence.
    singles: [u64; 4],
    /// The first two bytes of the longer literals, hashed to one of 512
    /// bits: a position whose two bytes' bit is clear starts none of them.
    pairs: [u64; 8],
    /// An empty literal (never extracted, but possible in a damaged cache):
    /// it occurs in every text.
    empty: bool,
    /// The literals are lower-cased and sorted, as extracted; the search by
    /// first-byte ranges needs them so (a damaged cache may hold others).
    ordered: bool,
}

impl Starts {
    fn of(literals: &Blobs) -> Starts {
        let mut s = Starts {
            ordered: literals.iter().is_sorted()
                && literals
                    .iter()
                    .all(|l| !l.iter().any(u8::is_ascii_uppercase)),
            ..Starts::default()
        };
        for l in literals.iter() {
            match *l {
                [] => s.empty = true,
                [b] => set_bit(&mut s.singles, b),
                [b, c, ..] => {
                    let h = pair_hash(b, c);
                    if let Some(w) = s.pairs.get_mut(h >> 6) {
                        *w |= 1 << (h & 63);
                    }
                }
            }
        }
        s
    }

    fn has_pair(&self, b: u8, c: u8) -> bool {
        let h = pair_hash(b, c);
        self.pairs
            .get(h >> 6)
            .is_some_and(|w| w & (1 << (h & 63)) != 0)
    }
}

/// Two bytes hashed to `0..512`.
fn pair_hash(b: u8, c: u8) -> usize {
    ((usize::from(b) << 1) ^ usize::from(c).wrapping_mul(0x9d)) & 511
}

/// The first index in `0..n` for which `before` is false (`before` holds
/// for a prefix of the range).
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn set_bit(set: &mut [u64; 4], b: u8) {
    if let Some(w) = set.get_mut(usize::from(b >> 6)) {
        *w |= 1 << (b & 63);
    }
}

fn has_bit(set: &[u64; 4], b: u8) -> bool {
    set.get(usize::from(b >> 6))
        .is_some_and(|w| w & (1 << (b & 63)) != 0)
}

/// Longest text whose lower-cased copy a thread keeps ([`with_lowered`]).
const KEEP_LOWERED: usize = 64 << 10;

thread_local! {
    /// The last long text searched on this thread, and its lower-cased copy.
    static LOWERED: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// `f` of `text` lower-cased (ASCII). The copy is kept per thread for the
/// next call with the same text: the needles of a call's rules search the
/// same command, code or argument one after another (a 9 KB script was
/// copied 32 times per evaluation). Texts over [`KEEP_LOWERED`] bytes are
/// copied each time.
fn with_lowered<T>(text: &[u8], f: impl FnOnce(&[u8]) -> T) -> T {
    if text.len() > KEEP_LOWERED {
        return f(&text.to_ascii_lowercase());
    }
    LOWERED.with(|cell| match cell.try_borrow_mut() {
        Ok(mut kept) => {
            let (source, lower) = &mut *kept;
            if source.as_slice() != text {
                source.clear();
                source.extend_from_slice(text);
                lower.clear();
                lower.extend(text.iter().map(u8::to_ascii_lowercase));
            }
            f(lower)
        }
        // Only from a nested search: no sharing then.
        Err(_) => f(&text.to_ascii_lowercase()),
    })
}

/// Whether `text` holds a character whose simple case folding is an ASCII
/// letter: `ſ` (U+017F, to `s`) or the Kelvin sign (U+212A, to `k`), the
/// only two (checked against the `regex` crate by
/// `only_two_characters_fold_to_ascii_letters`). Elsewhere an ASCII
/// case-insensitive search finds exactly what `(?i)` on ASCII literals
/// matches: a literal's letters are ASCII, so no other byte of the text can
/// stand for them.
fn folds_to_ascii(text: &[u8]) -> bool {
    !text.is_ascii()
        && (memchr::memmem::find(text, "\u{17F}".as_bytes()).is_some()
            || memchr::memmem::find(text, "\u{212A}".as_bytes()).is_some())
}

/// Removes every `i` flag from the syntax tree; true when there was one.
/// Recursion is bounded by the parser's nesting limit.
fn drop_case_insensitive(node: &mut Ast) -> bool {
    fn strip(flags: &mut ast::Flags) -> bool {
        let before = flags.items.len();
        flags
            .items
            .retain(|i| i.kind != ast::FlagsItemKind::Flag(ast::Flag::CaseInsensitive));
        flags.items.len() != before
    }
    match node {
        Ast::Flags(f) => strip(&mut f.flags),
        Ast::Group(g) => {
            let here = match &mut g.kind {
                ast::GroupKind::NonCapturing(f) => strip(f),
                _ => false,
            };
            drop_case_insensitive(&mut g.ast) | here
        }
        Ast::Repetition(r) => drop_case_insensitive(&mut r.ast),
        Ast::Alternation(a) => a
            .asts
            .iter_mut()
            .fold(false, |any, x| drop_case_insensitive(x) | any),
        Ast::Concat(c) => c
            .asts
            .iter_mut()
            .fold(false, |any, x| drop_case_insensitive(x) | any),
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rules_out_texts_without_a_required_literal() {
        let n = Needles::of(r"(push|reset)\s.*--hard").unwrap();
        assert!(!n.admit(b"status"));
        assert!(n.admit(b"git reset --hard"));
        let n = Needles::of(r"(?i)^(-c)?core\.hookspath=").unwrap();
        assert!(!n.admit(b"status"));
        assert!(n.admit(b"CORE.HooksPath=/tmp/x"));
        // Unicode case folding: `ſ` folds to `s`, so non-ASCII text is never
        // ruled out by the needles of a case-insensitive regex.
        let n = Needles::of(r"(?i)secret").unwrap();
        assert!(n.admit("ſecret".as_bytes()));
        assert!(!n.admit(b"status"));
        // Suffix literals when they are the better test.
        let n = Needles::of(r"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@").unwrap();
        assert!(!n.admit(b"status"));
        assert!(n.admit(b"https://u:p@host"));
        // Many case-insensitive alternatives.
        let n =
            Needles::of(r"(?i)(private.?key|AKIA|secret|token|api.?key|\.pem\b|\.env\b)").unwrap();
        assert!(!n.admit(b"git status"));
        assert!(n.admit(b"cat .ENV"));
    }

    #[test]
    fn regexes_without_required_literals_have_none() {
        assert!(Needles::of(r"x?\w+").is_none());
        // A regex ending in a literal has that suffix.
        assert!(!Needles::of(r".*x").unwrap().admit(b"abc"));
        assert!(!Needles::of(r"\w+@").unwrap().admit(b"user"));
        assert!(Needles::of(r"a?").is_none());
        assert!(Needles::of(r"(").is_none());
    }

    use proptest::strategy::Strategy as _;

    #[test]
    fn long_texts_share_a_lowered_copy_only_when_equal() {
        let secret = Needles::of("(?i)secret").unwrap();
        let other = Needles::of("token").unwrap();
        let pad = "x".repeat(SHORT);
        let with = format!("{pad}SECRET");
        let without = format!("{pad}sacret");
        assert_eq!(with.len(), without.len());
        for _ in 0..2 {
            assert!(secret.may_match(with.as_bytes()));
            assert!(!other.may_match(with.as_bytes()));
            assert!(!secret.may_match(without.as_bytes()));
            assert!(secret.may_match(with.as_bytes()));
        }
        // Past what a thread keeps, still searched.
        let huge = format!("{}Secret", "y".repeat(KEEP_LOWERED));
        assert!(secret.may_match(huge.as_bytes()));
        assert!(!other.may_match(huge.as_bytes()));
    }

    #[test]
    fn a_long_running_process_stops_asking_the_needles() {
        let n = Needles::of("secret").unwrap();
        for _ in 0..MAX_CHECKS {
            assert!(!n.admit(b"status"));
        }
        assert!(n.admit(b"status"));
    }

    proptest::proptest! {
        /// The short-text search (pair set, first-byte ranges) and the long
        /// one (`memmem`) both answer exactly "some literal occurs,
        /// ASCII-case-insensitively", for literals of any length and case
        /// (a damaged cache may store them unsorted or upper-case) and the
        /// empty literal.
        #[test]
        fn may_match_is_a_substring_test(
            literals in proptest::collection::vec("[a-dA-D.]{0,4}", 1..12),
            text in "[a-dA-D. ]{0,24}",
            long in proptest::bool::ANY,
        ) {
            let text = if long { text.repeat(SHORT / 8 + 1) } else { text };
            let lower = text.to_ascii_lowercase();
            let want = literals
                .iter()
                .any(|l| lower.contains(&l.to_ascii_lowercase()));
            // As extracted (lower-cased, sorted: the fast search) and as a
            // damaged cache may hold them.
            let mut extracted: Vec<String> = literals.iter().map(|l| l.to_ascii_lowercase()).collect();
            extracted.sort();
            extracted.dedup();
            let fast = Needles::new(extracted.iter().collect(), false);
            let raw = Needles::new(literals.iter().collect(), false);
            // Literal by literal (the warm-up), then through the starts.
            for _ in 0..=SEARCH_WARMUP {
                proptest::prop_assert_eq!(fast.may_match(text.as_bytes()), want);
                proptest::prop_assert_eq!(raw.may_match(text.as_bytes()), want);
            }
            // (Long text is searched with `memmem`, without the starts.)
            proptest::prop_assert!(long || fast.starts.get().is_some_and(|s| s.ordered));
        }

        /// Whenever the regex matches, the needles admit the text.
        #[test]
        fn never_rules_out_a_match(
            re in (
                proptest::sample::select(vec!["", "(?i)", "(?m)^", "(?i:k)", "(?i)s(?-i)"]),
                proptest::sample::select(vec!["ab", "cd", "[a-c]x", r"\bs", r"e\s", r"k\w", "(Ab|cD)", "S?K"]),
                proptest::sample::select(vec!["", ".*", "+", "?"]),
                proptest::sample::select(vec!["", "ef", "G", r"\b"]),
            ).prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
            text in "[a-gkxsABCDKS \\n.ſ\u{212A}é—]{0,10}",
        ) {
            let matched = regex::Regex::new(&re).unwrap().is_match(&text);
            if let Some(n) = Needles::of(&re) {
                proptest::prop_assert!(!matched || n.admit(text.as_bytes()), "{} on {:?}", re, text);
                proptest::prop_assert!(!matched || n.may_match(text.as_bytes()), "{} on {:?}", re, text);
            }
        }
    }

    /// [`folds_to_ascii`] names every character outside ASCII that a
    /// case-insensitive ASCII letter matches.
    #[test]
    fn only_two_characters_fold_to_ascii_letters() {
        let all: String = ('\u{80}'..=char::MAX).collect();
        let found: Vec<char> = regex::Regex::new("(?i)[a-z]")
            .unwrap()
            .find_iter(&all)
            .filter_map(|m| m.as_str().chars().next())
            .collect();
        assert_eq!(found, ['\u{17F}', '\u{212A}']);
        assert!(found
            .iter()
            .all(|c| folds_to_ascii(c.to_string().as_bytes())));
        assert!(!folds_to_ascii("é — ß".as_bytes()));
        assert!(!folds_to_ascii(b"ascii only"));
    }

    #[test]
    fn case_insensitive_needles_rule_out_text_that_is_not_ascii() {
        let n = Needles::of("(?i)drop\\s+table").unwrap();
        assert!(!n.may_match("café — rien".as_bytes()));
        assert!(n.may_match("DROP — table".as_bytes()));
        // `ſ` may stand for an `s`, the Kelvin sign for a `k`.
        let n = Needles::of("(?i)sk").unwrap();
        assert!(n.may_match("\u{17F}\u{212A}".as_bytes()));
        assert!(regex::Regex::new("(?i)sk")
            .unwrap()
            .is_match("\u{17F}\u{212A}"));
    }

    /// Every regex of the default packs, on every command of the shared
    /// corpus and each of its words: a match is never ruled out.
    #[test]
    fn default_pack_regexes_on_the_corpus() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/corpus/cases.jsonl"
        );
        let Ok(corpus) = std::fs::read_to_string(path) else {
            eprintln!("shared corpus not found; skipping");
            return;
        };
        let mut texts: Vec<String> = Vec::new();
        for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let input = &case["tool_input"];
            for key in ["command", "file_path", "url", "content"] {
                if let Some(t) = input.get(key).and_then(|v| v.as_str()) {
                    texts.push(t.to_string());
                    texts.extend(t.split_whitespace().map(str::to_string));
                }
            }
        }
        texts.sort();
        texts.dedup();
        let policy = crate::policy::Policy::builtin("default").unwrap();
        let mut sources: Vec<String> = Vec::new();
        for r in policy.rules.iter() {
            r.matcher.each_regex(&mut |re| sources.push(re.src.clone()));
        }
        sources.sort();
        sources.dedup();
        let (mut with, mut ruled_out) = (0, 0);
        for src in &sources {
            let Some(n) = Needles::of(src) else { continue };
            with += 1;
            let re = regex::Regex::new(src).unwrap();
            for t in &texts {
                n.checks.store(0, Ordering::Relaxed);
                if !n.admit(t.as_bytes()) {
                    ruled_out += 1;
                    assert!(
                        !re.is_match(t),
                        "{src} matches {t:?} but its needles rule it out"
                    );
                }
            }
        }
        eprintln!(
            "{with} of {} regexes have needles; {ruled_out} texts ruled out",
            sources.len()
        );
        assert!(
            with * 10 >= sources.len() * 7,
            "{with} of {} regexes have needles",
            sources.len()
        );
        assert!(ruled_out > 0);
    }
}

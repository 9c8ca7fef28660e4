//! Forward-only lazy DFAs for `is_match` in a fresh process.
//!
//! A hook process compiles the handful of regexes its candidate rules need
//! and uses each once or twice, so compiling is the cost that counts. A
//! `meta::Regex` builds a forward and a reverse NFA and compiles Unicode
//! classes (`\w`, `\s`, `\b`, `.`, negated classes) into UTF-8 automata; an
//! `is_match` needs only the forward lazy DFA. [`ForwardDfa`] is that DFA
//! alone, and [`ForwardDfa::ascii`] compiles a rule regex with Unicode off.
//!
//! **Why the ASCII form is exact on ASCII text.** With Unicode off, `\w`,
//! `\s`, `\d` and `\b` are their ASCII versions, `.` and negated classes match
//! single bytes, and `(?i)` folds ASCII letters only. On a haystack of ASCII
//! characters these match exactly what the Unicode forms match: the Unicode
//! classes agree with the ASCII ones on ASCII characters, and no character a
//! Unicode class adds can occur. The one difference, case folding of a
//! non-ASCII character in the pattern to an ASCII one (`(?i)ſ` matches `s`, the
//! Kelvin sign matches `k`), is excluded: a pattern naming any non-ASCII
//! character, written out or escaped (`ſ`, `\x{17F}`), is not given an ASCII
//! form. Patterns that need Unicode classes (`\pL`) fail to compile without it
//! and have no ASCII form either. So a caller uses the ASCII form for ASCII
//! text and the full regex otherwise.
//!
//! Measured over the 289 regexes of the default packs (release build, per
//! regex): `meta::Regex` as [`crate::policy::matcher`] built it, 75 µs;
//! the same with Unicode off, 30 µs; a forward lazy DFA with Unicode off, 20 µs.

use std::panic::{RefUnwindSafe, UnwindSafe};

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind, PatternSet};
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir;

/// Largest compiled NFA of one forward DFA (the `regex` crate's default size limit is 10 MiB;
/// rule regexes are capped at 1 MiB like their full form).
const NFA_LIMIT: usize = 1 << 20;

/// Most memory one DFA's state cache may use.
const CACHE_CAPACITY: usize = 2 << 20;

/// The lazy DFA's configuration.
fn dfa_config(kind: MatchKind) -> regex_automata::hybrid::dfa::Config {
    DFA::config()
        .match_kind(kind)
        .cache_capacity(CACHE_CAPACITY)
}

/// The NFA's: no capture groups (only `is_match` and sets are asked).
fn nfa_config() -> thompson::Config {
    thompson::Config::new()
        .utf8(false)
        .which_captures(WhichCaptures::None)
        .nfa_size_limit(Some(NFA_LIMIT))
}

/// Rejects a syntax tree naming a non-ASCII character — written out, escaped
/// (`\x{17F}`, `\u{212A}`) or as a class range's end.
pub(crate) struct NonAscii;

impl ast::Visitor for NonAscii {
    type Output = ();
    type Err = ();
    fn finish(self) -> Result<(), ()> {
        Ok(())
    }
    fn visit_pre(&mut self, node: &Ast) -> Result<(), ()> {
        match node {
            Ast::Literal(l) if !l.c.is_ascii() => Err(()),
            _ => Ok(()),
        }
    }
    fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), ()> {
        match item {
            ast::ClassSetItem::Literal(l) if !l.c.is_ascii() => Err(()),
            ast::ClassSetItem::Range(r) if !r.start.c.is_ascii() || !r.end.c.is_ascii() => Err(()),
            _ => Ok(()),
        }
    }
}

/// Deepest regex nesting [`without_unicode_word_boundaries`] rebuilds (the
/// parser's own nest limit is 250).
const MAX_STRIP_DEPTH: usize = 300;

/// `hir` with every Unicode word-boundary assertion replaced by the empty
/// regex (which matches wherever the assertion did, and elsewhere too).
/// `None` past [`MAX_STRIP_DEPTH`].
fn without_unicode_word_boundaries(hir: hir::Hir, depth: usize) -> Option<hir::Hir> {
    use hir::{Hir, HirKind, Look};
    if depth > MAX_STRIP_DEPTH {
        return None;
    }
    let strip = |h: Hir| without_unicode_word_boundaries(h, depth + 1);
    Some(match hir.into_kind() {
        HirKind::Look(
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode,
        ) => Hir::empty(),
        HirKind::Look(l) => Hir::look(l),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Repetition(mut r) => {
            r.sub = Box::new(strip(*r.sub)?);
            Hir::repetition(r)
        }
        HirKind::Capture(mut c) => {
            c.sub = Box::new(strip(*c.sub)?);
            Hir::capture(c)
        }
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(strip).collect::<Option<_>>()?),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(strip).collect::<Option<_>>()?)
        }
    })
}

/// Makes a fresh cache for a [`ForwardDfa`]'s pool.
type MakeCache = Box<dyn Fn() -> Cache + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// A forward lazy DFA with its state caches, for `is_match` (one pattern) and
/// for which patterns match (a set).
pub(crate) struct ForwardDfa {
    dfa: DFA,
    /// Every pattern starts with `^` (`\A`): searches run anchored, so they
    /// stop where the pattern fails instead of scanning the rest of the text.
    anchored: bool,
    /// The shortest text any pattern can match: shorter text is not searched
    /// (most rule regexes are tried on short arguments).
    min_len: usize,
    /// State caches: the owning thread's without a lock, others' pooled (the
    /// pool `meta::Regex` uses).
    caches: Pool<Cache, MakeCache>,
}

impl std::fmt::Debug for ForwardDfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardDfa")
            .field("patterns", &self.dfa.pattern_len())
            .finish()
    }
}

impl ForwardDfa {
    /// The ASCII form of a rule regex (see the module documentation); `None`
    /// when the pattern has a non-ASCII character or needs Unicode.
    pub(crate) fn ascii(pattern: &str) -> Option<ForwardDfa> {
        ForwardDfa::ascii_many(&[pattern], MatchKind::LeftmostFirst)
    }

    /// The ASCII form of several rule regexes, matched as a set
    /// ([`ForwardDfa::which`]) with `kind`. Each pattern is parsed once: the
    /// same syntax tree is checked for non-ASCII characters and translated.
    pub(crate) fn ascii_many<P: AsRef<str>>(patterns: &[P], kind: MatchKind) -> Option<ForwardDfa> {
        let mut hirs = Vec::with_capacity(patterns.len());
        for p in patterns {
            let p = p.as_ref();
            if !p.is_ascii() {
                return None;
            }
            let tree = ast::parse::Parser::new().parse(p).ok()?;
            ast::visit(&tree, NonAscii).ok()?;
            let hir = hir::translate::TranslatorBuilder::new()
                .unicode(false)
                .utf8(false)
                .build()
                .translate(p, &tree)
                .ok()?;
            hirs.push(hir);
        }
        ForwardDfa::from_hirs(&hirs, kind)
    }

    /// A forward DFA over rule regexes with Unicode on, less their Unicode
    /// word boundaries (`\b`, `\B`, `\b{start}`, …), which are dropped: it
    /// matches every text the regexes match, and more (a superset, for
    /// candidate selection only). Unicode word boundaries are what make a
    /// lazy DFA give up on non-ASCII text; without them it decides any text
    /// in one pass, where the regexes' own engines fall back to a PikeVM
    /// (measured: 8.4 M instructions for a 10 KB heredoc with one `—`).
    /// `None` when a pattern does not parse or nests deeper than
    /// [`MAX_STRIP_DEPTH`].
    pub(crate) fn unicode_superset_many<P: AsRef<str>>(
        patterns: &[P],
        kind: MatchKind,
    ) -> Option<ForwardDfa> {
        let syntax = syntax::Config::new();
        let hirs = patterns
            .iter()
            .map(|p| {
                let hir = syntax::parse_with(p.as_ref(), &syntax).ok()?;
                without_unicode_word_boundaries(hir, 0)
            })
            .collect::<Option<Vec<_>>>()?;
        ForwardDfa::from_hirs(&hirs, kind)
    }

    /// A forward DFA over byte-syntax patterns (glob regexes: Unicode off,
    /// `.` matching any byte, as `globset` builds them), exact on any text.
    pub(crate) fn bytes_many<P: AsRef<str>>(
        patterns: &[P],
        kind: MatchKind,
        syntax: syntax::Config,
    ) -> Option<ForwardDfa> {
        let syntax = syntax.utf8(false);
        let hirs = patterns
            .iter()
            .map(|p| syntax::parse_with(p.as_ref(), &syntax).ok())
            .collect::<Option<Vec<_>>>()?;
        ForwardDfa::from_hirs(&hirs, kind)
    }

    fn from_hirs(hirs: &[hir::Hir], kind: MatchKind) -> Option<ForwardDfa> {
        let nfa = thompson::Compiler::new()
            .configure(nfa_config())
            .build_many_from_hir(hirs)
            .ok()?;
        let dfa = DFA::builder()
            .configure(dfa_config(kind))
            .build_from_nfa(nfa)
            .ok()?;
        let mut d = ForwardDfa::with_pool(dfa);
        // A pattern that can never match has no minimum length.
        d.min_len = hirs
            .iter()
            .map(|h| h.properties().minimum_len().unwrap_or(usize::MAX))
            .min()
            .unwrap_or(usize::MAX);
        Some(d)
    }

    fn with_pool(dfa: DFA) -> ForwardDfa {
        let make = dfa.clone();
        let make: MakeCache = Box::new(move || make.create_cache());
        ForwardDfa {
            anchored: dfa.get_nfa().is_always_start_anchored(),
            min_len: 0,
            dfa,
            caches: Pool::new(make),
        }
    }

    fn anchored(&self, asked: bool) -> regex_automata::Anchored {
        if asked || self.anchored {
            regex_automata::Anchored::Yes
        } else {
            regex_automata::Anchored::No
        }
    }

    /// Runs `f` with a cache of this DFA.
    fn with_cache<T>(&self, f: impl FnOnce(&DFA, &mut Cache) -> T) -> T {
        let mut cache = self.caches.get();
        f(&self.dfa, &mut cache)
    }

    /// Whether some pattern matches somewhere in `text`; `None` when the lazy
    /// DFA could not decide (then the caller asks the full regex).
    pub(crate) fn is_match(&self, text: &[u8]) -> Option<bool> {
        if text.len() < self.min_len {
            return Some(false);
        }
        self.with_cache(|dfa, cache| {
            let input = Input::new(text)
                .earliest(true)
                .anchored(self.anchored(false));
            dfa.try_search_fwd(cache, &input).ok().map(|m| m.is_some())
        })
    }

    /// Adds to `set` every pattern that matches `text` (searched anchored at
    /// its start when `anchored`); `None` when the lazy DFA could not decide.
    pub(crate) fn which(&self, text: &[u8], anchored: bool, set: &mut PatternSet) -> Option<()> {
        if text.len() < self.min_len {
            return Some(());
        }
        let anchored = self.anchored(anchored);
        self.with_cache(|dfa, cache| {
            dfa.try_which_overlapping_matches(cache, &Input::new(text).anchored(anchored), set)
                .ok()
        })
    }

    /// Number of patterns.
    pub(crate) fn pattern_len(&self) -> usize {
        self.dfa.pattern_len()
    }
}

impl Clone for ForwardDfa {
    /// The same DFA with empty caches.
    fn clone(&self) -> ForwardDfa {
        let mut d = ForwardDfa::with_pool(self.dfa.clone());
        d.min_len = self.min_len;
        d
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn full(re: &str, text: &str) -> bool {
        regex::Regex::new(re).unwrap().is_match(text)
    }

    #[test]
    fn ascii_form_agrees_with_the_unicode_regex_on_ascii_text() {
        let cases = [
            (r"\bgit\s+push\b", "cd x && git  push -f"),
            (r"\bgit\s+push\b", "gitpush"),
            (r"(?i)DROP\s+TABLE", "psql -c 'drop table x'"),
            (r"[^;&|\n]*curl", "echo; curl"),
            (r"^\s*$", "   "),
            (r"^\s*$", " x "),
            (r"(?s)a.b", "a\nb"),
            (r"a.b", "a\nb"),
            (r"\w+@\w+", "user@host"),
            (r"\Bx\B", "axb"),
            (r"(?m)^rm$", "ls\nrm\n"),
        ];
        for (re, text) in cases {
            let d = ForwardDfa::ascii(re).unwrap();
            assert_eq!(
                d.is_match(text.as_bytes()),
                Some(full(re, text)),
                "{re} on {text:?}"
            );
        }
    }

    #[test]
    fn patterns_that_need_unicode_have_no_ascii_form() {
        // `(?i)ſ` matches `s` and the Kelvin sign matches `k` under Unicode folding.
        assert!(full("(?i)ſ", "s"));
        assert!(ForwardDfa::ascii("(?i)ſ").is_none());
        assert!(ForwardDfa::ascii("(?i)\u{212A}").is_none());
        assert!(ForwardDfa::ascii(r"\pL+").is_none());
        assert!(ForwardDfa::ascii(r"(?i)\x{17F}").is_none());
        assert!(ForwardDfa::ascii(r"(?i)[\x{17F}]").is_none());
        assert!(ForwardDfa::ascii(r"(?i)[^\u{212A}]").is_none());
        assert!(ForwardDfa::ascii(r"[!-\x{10FFFF}]").is_none());
        assert!(ForwardDfa::ascii(r"(?i)[a-z]\x41").is_some());
    }

    #[test]
    fn start_anchored_patterns_search_anchored() {
        let d = ForwardDfa::ascii(r"(?i)^alias\.").unwrap();
        assert!(d.anchored);
        assert_eq!(d.is_match(b"alias.x=y"), Some(true));
        assert_eq!(d.is_match(b"x alias.x=y"), Some(false));
        let d = ForwardDfa::ascii(r"(?m)^rm").unwrap();
        assert!(!d.anchored);
        assert_eq!(d.is_match(b"ls\nrm"), Some(true));
        let d = ForwardDfa::ascii_many(&["^a", "b"], MatchKind::All).unwrap();
        assert!(!d.anchored);
    }

    #[test]
    fn text_shorter_than_any_match_is_not_searched() {
        let d = ForwardDfa::ascii(r"sslverify=(false|0)").unwrap();
        assert_eq!(d.min_len, 11);
        assert_eq!(d.is_match(b"-m"), Some(false));
        assert_eq!(d.is_match(b"sslverify=0"), Some(true));
        let d = ForwardDfa::ascii(r"[a&&b]").unwrap();
        assert_eq!(d.is_match(b"ab"), Some(false));
        let g = ForwardDfa::bytes_many(&["(?-u)^.*\\.pem$"], MatchKind::All, syntax::Config::new())
            .unwrap();
        assert_eq!(g.min_len, 4);
        assert_eq!(g.is_match(b"k.pem"), Some(true));
    }

    #[test]
    fn a_set_reports_every_matching_pattern() {
        let d = ForwardDfa::ascii_many(&[r"\bcurl\b", r"\bsh\b", r"wget"], MatchKind::All).unwrap();
        let mut set = PatternSet::new(d.pattern_len());
        d.which(b"curl x | sh", false, &mut set).unwrap();
        let got: Vec<usize> = set.iter().map(|p| p.as_usize()).collect();
        assert_eq!(got, vec![0, 1]);
    }

    #[test]
    fn the_cache_is_reused_and_shared_safely() {
        let d = std::sync::Arc::new(ForwardDfa::ascii(r"\bssh\b").unwrap());
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let d = std::sync::Arc::clone(&d);
                std::thread::spawn(move || {
                    (0..200).all(|j| {
                        let text = if (i + j) % 2 == 0 { "ssh host" } else { "sshd" };
                        d.is_match(text.as_bytes()) == Some((i + j) % 2 == 0)
                    })
                })
            })
            .collect();
        for t in threads {
            assert!(t.join().unwrap());
        }
    }

    fn atom() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop::sample::select(vec![
            "a",
            "s",
            "k",
            "K",
            "S",
            "\\w",
            "\\W",
            "\\s",
            "\\S",
            "\\d",
            "\\b",
            "\\B",
            ".",
            "[^a]",
            "[a-z]",
            "[[:alpha:]]",
            "^",
            "$",
            "-",
            " ",
            "\\.",
            "[^\\s;]",
        ])
        .prop_map(str::to_string)
    }

    fn pattern() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = (
            atom(),
            prop::sample::select(vec!["", "*", "+", "?", "{1,3}", "*?"]),
        )
            .prop_map(|(a, q)| format!("{a}{q}"));
        let branch = prop::collection::vec(piece, 1..5).prop_map(|v| v.concat());
        (
            prop::sample::select(vec!["", "(?i)", "(?s)", "(?m)", "(?is)"]),
            prop::collection::vec(branch, 1..3),
        )
            .prop_map(|(f, b)| format!("{f}(?:{})", b.join("|")))
    }

    proptest::proptest! {
        #[test]
        fn ascii_form_is_exact_on_ascii_text(
            re in pattern(),
            text in "[a-zA-Z0-9 _.;\\n\\t-]{0,12}",
        ) {
            let d = ForwardDfa::ascii(&re).unwrap();
            proptest::prop_assert_eq!(d.is_match(text.as_bytes()), Some(full(&re, &text)), "{} on {:?}", re, text);
        }

        /// The superset form decides any text (no Unicode word boundary
        /// makes it give up) and matches wherever the regex does; with no
        /// word boundary in the pattern, exactly there.
        #[test]
        fn unicode_superset_holds_wherever_the_regex_does(
            re in pattern(),
            text in "([a-zA-Z0-9 _.;\\n-]|é|—|ſ|\u{212A}|ß){0,12}",
        ) {
            let d = ForwardDfa::unicode_superset_many(&[&re], MatchKind::All).unwrap();
            let got = d.is_match(text.as_bytes());
            proptest::prop_assert!(got.is_some(), "{} gave up on {:?}", re, text);
            if full(&re, &text) {
                proptest::prop_assert_eq!(got, Some(true), "{} on {:?}", re, text);
            }
            if !re.contains("\\b") && !re.contains("\\B") {
                proptest::prop_assert_eq!(got, Some(full(&re, &text)), "{} on {:?}", re, text);
            }
        }
    }

    #[test]
    fn unicode_superset_drops_only_word_boundaries() {
        let d =
            ForwardDfa::unicode_superset_many(&[r"\bcurl\b", r"^wget\B"], MatchKind::All).unwrap();
        // `\b` does not hold between two letters; the superset matches anyway.
        assert_eq!(d.is_match("écurlé".as_bytes()), Some(true));
        assert_eq!(d.is_match("wgetx — ".as_bytes()), Some(true));
        assert_eq!(d.is_match("— cur l".as_bytes()), Some(false));
        // Other assertions stay.
        assert_eq!(d.is_match("— wget".as_bytes()), Some(false));
    }
}

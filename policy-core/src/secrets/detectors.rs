//! The shape detectors: one table of (kind, trigger literals, regex, which
//! group is the secret, how to reject placeholders).
//!
//! Every hook call is a fresh process, so nothing is compiled up front, and
//! tool outputs can be a mebibyte, so nothing runs over the text that does not
//! have to. Measured on 1 MiB of tool output (BENCHMARKS.md, "Secret
//! detection"):
//!
//! * **Triggers.** A detector's regex is compiled and run only when one of
//!   its literals occurs (ASCII case ignored). Each literal is searched with
//!   SIMD `memmem`, stopping at its first occurrence. One Aho-Corasick
//!   automaton over all literals was tried and is slower here (2.6 ms against
//!   1 ms per MiB): words such as `token` and `://` occur on many lines and
//!   an automaton reports every occurrence.
//! * **Assignments.** `NAME=value` with a secret-looking NAME has no literal
//!   prefix, so as one regex it runs its automaton at every position (2.3 ms
//!   per MiB). Instead one Aho-Corasick automaton finds the name fragments
//!   (`_key`, `_token`, `password`, …), the name is widened to its word, and
//!   an anchored regex reads the value after it.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use super::Finding;

/// How a detector tells a real value from a documentation placeholder.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// A token with a fixed shape: reject filler (`xxxxx`, `AKIA0000…`).
    Token,
    /// The password of `scheme://user:password@host`: reject the usual
    /// stand-ins (`password`, `pass`, `${PASS}`, `<password>`, `***`).
    UrlPassword,
    /// A `-----BEGIN … PRIVATE KEY-----` header: the span grows to the whole
    /// block, so that scrubbing removes the key and not just its header.
    PemBlock,
}

/// One detector.
struct Spec {
    kind: &'static str,
    /// Literals one of which occurs in every match (ASCII case is ignored in
    /// this pre-check; the regex decides).
    triggers: &'static [&'static str],
    src: &'static str,
    /// The capture group that is the secret (0: the whole match).
    group: usize,
    check: Check,
}

/// Word boundaries are ASCII (`(?-u:\b)`): compiling Unicode ones costs
/// milliseconds, and every hook call is a fresh process. Order matters where
/// two detectors find the same span: the first (more specific) one names it.
const SPECS: &[Spec] = &[
    Spec {
        kind: "aws-access-key-id",
        triggers: &["AKIA", "ASIA", "ABIA", "ACCA"],
        src: r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "aws-secret-access-key",
        triggers: &["aws"],
        src: r#"(?i)aws[\x20-\x7E]{0,20}?(?:secret|sk)[\x20-\x7E]{0,20}?['"=: \t\r\n]([A-Za-z0-9/+=]{40})(?-u:\b)"#,
        group: 1,
        check: Check::Token,
    },
    Spec {
        kind: "github-token",
        triggers: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        src: r"(?-u:\b)(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,40}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "github-token",
        triggers: &["github_pat_"],
        src: r"(?-u:\b)github_pat_[A-Za-z0-9_]{22,}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "gitlab-token",
        triggers: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glsoat-",
        ],
        src: r"(?-u:\b)(?:glpat|gldt|glrt|glptt|glcbt|glft|glsoat)-[A-Za-z0-9_-]{20,}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "slack-token",
        triggers: &["xox", "xapp-"],
        src: r"(?-u:\b)(?:xox[baprse]-[0-9]+-[A-Za-z0-9-]{8,}|xapp-[0-9]+-[A-Za-z0-9-]{10,})(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "slack-webhook",
        triggers: &["hooks.slack.com"],
        src: r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "stripe-live-key",
        triggers: &["_live_"],
        src: r"(?-u:\b)(?:sk|rk)_live_[A-Za-z0-9]{16,}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "anthropic-key",
        triggers: &["sk-ant-"],
        src: r"(?-u:\b)sk-ant-[A-Za-z0-9_-]{20,}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "openai-key",
        triggers: &["sk-"],
        src: r"(?-u:\b)sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "google-api-key",
        triggers: &["AIza"],
        src: r"(?-u:\b)AIza[0-9A-Za-z_-]{35}(?-u:\b)",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "private-key",
        triggers: &["PRIVATE KEY"],
        src: r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
        group: 0,
        check: Check::PemBlock,
    },
    Spec {
        kind: "jwt",
        triggers: &["eyJ"],
        src: r"(?-u:\b)eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
        group: 0,
        check: Check::Token,
    },
    Spec {
        kind: "url-credentials",
        triggers: &["://"],
        src: r"(?-u:\b)[a-zA-Z][a-zA-Z0-9+.-]{1,15}://[\x21-\x7E&&[^/:@'\x22]]{0,64}:([\x21-\x7E&&[^/@'\x22]]{3,128})@[A-Za-z0-9.\[\]-]",
        group: 1,
        check: Check::UrlPassword,
    },
];

/// Fragments of secret-looking variable names (ASCII case ignored); the
/// name is the whole word around one: `*_KEY`, `*_TOKEN`, `*_SECRET`,
/// `*PASSWORD*`, `*PASSWD*`, `*_PWD`, `*APIKEY*`, `*API_KEY*`.
const NAME_FRAGMENTS: &[&str] = &[
    "_key", "_token", "_secret", "password", "passwd", "_pwd", "apikey",
];

/// What follows a secret-looking name: optional closing quote (JSON, YAML),
/// `=` or `:`, optional opening quote, and the value (group 1).
const ASSIGNED_VALUE: &str = r#"\A['"]?[ \t]*[:=][ \t]*['"]?([A-Za-z0-9/+=_.\-]{16,})"#;

/// The kind of an assignment finding.
const ASSIGNMENT_KIND: &str = "secret-assignment";

/// Longest span a private-key block is grown to.
const MAX_PEM_BYTES: usize = 16 * 1024;

/// Each detector's regex, compiled on first use.
fn regexes() -> &'static [OnceLock<Option<Regex>>] {
    static R: OnceLock<Vec<OnceLock<Option<Regex>>>> = OnceLock::new();
    R.get_or_init(|| SPECS.iter().map(|_| OnceLock::new()).collect())
}

/// The name-fragment automaton, built on first use (microseconds).
fn name_fragments() -> Option<&'static AhoCorasick> {
    static A: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    A.get_or_init(|| {
        // Case-sensitive over the lower-cased text: a case-insensitive
        // automaton loses the SIMD prefilter (measured 3× slower).
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(NAME_FRAGMENTS)
            .ok()
    })
    .as_ref()
}

/// The value regex, compiled when a name fragment first occurs.
fn assigned_value() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| Regex::new(ASSIGNED_VALUE).ok()).as_ref()
}

/// Whether `hay` (already lower-cased) contains `needle` (ASCII case ignored).
fn has(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    // Short text (tool inputs, answers, audit fields): a plain scan, with no
    // allocation and no `memmem` searcher to build for each trigger. (A
    // `memchr` of the first byte and a comparison there was measured slower
    // on the few-byte strings of a typical call: a call per trigger.)
    if hay.len() <= SHORT_HAY {
        return crate::ascii::contains_ignore_case(hay, n);
    }
    if n.iter().any(u8::is_ascii_uppercase) {
        memchr::memmem::find(hay, &n.to_ascii_lowercase()).is_some()
    } else {
        memchr::memmem::find(hay, n).is_some()
    }
}

/// Texts up to this many bytes are searched for triggers without `memmem`.
const SHORT_HAY: usize = 512;

/// Texts up to this length are lower-cased on the stack.
const SHORT_TEXT: usize = 256;

/// The byte pairs of a lower-cased text, for ruling triggers out before
/// searching for them.
struct Pairs {
    /// The detectors that may have a trigger in the text, as bits by index
    /// in [`SPECS`], plus [`FRAGMENT_BIT`] when a name fragment may occur:
    /// the union of [`TRIGGERS_BY_PAIR`] over the text's byte pairs. One
    /// table lookup per byte instead of a test per trigger: with first bytes
    /// alone, `git status` let 22 of the 35 triggers and name fragments
    /// through to the search, most of a call's secret scan; by first pairs,
    /// one (`github_pat_`).
    possible: u16,
    /// The set of the text's pair hashes: a trigger is searched for only
    /// when its own first pair occurs (`possible` alone let `--workspace`,
    /// whose `pa` starts `password`, search every name fragment).
    hashes: [u64; 16],
}

impl Pairs {
    fn of(lower: &[u8]) -> Pairs {
        let mut p = Pairs {
            possible: 0,
            hashes: [0; 16],
        };
        for w in lower.windows(2) {
            let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
                continue;
            };
            let h = pair_hash(a, b);
            p.possible |= TRIGGERS_BY_PAIR.get(h).copied().unwrap_or(u16::MAX);
            if let Some(x) = p.hashes.get_mut(h >> 6) {
                *x |= 1 << (h & 63);
            }
        }
        p
    }

    /// False when `literal` cannot occur in the text: one of its byte
    /// pairs, lower-cased, is no pair of the text (`password` in
    /// `--workspace`: `pa` is, `as` is not).
    fn may_have(&self, literal: &str) -> bool {
        literal.as_bytes().windows(2).all(|w| {
            let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
                return true;
            };
            let h = pair_hash(a.to_ascii_lowercase(), b.to_ascii_lowercase());
            self.hashes
                .get(h >> 6)
                .is_none_or(|x| x & (1 << (h & 63)) != 0)
        })
    }

    /// Whether `literal` occurs in `hay`, the text these pairs are of.
    fn has(&self, hay: &[u8], literal: &str) -> bool {
        self.may_have(literal) && has(hay, literal)
    }
}

/// The bit of [`Pairs::possible`] for the name fragments of assignments.
const FRAGMENT_BIT: u16 = 1 << 15;

// The detectors fit in the bits below FRAGMENT_BIT.
const _: () = assert!(SPECS.len() < 15);

/// For each pair hash: the detectors with a trigger whose first two bytes,
/// lower-cased, hash there, and [`FRAGMENT_BIT`] for the name fragments'.
/// Built at compile time (2 KB).
static TRIGGERS_BY_PAIR: [u16; 1024] = triggers_by_pair();

const fn triggers_by_pair() -> [u16; 1024] {
    const fn add(table: &mut [u16; 1024], literals: &[&str], bit: u16) {
        let mut j = 0;
        while j < literals.len() {
            let b = literals[j].as_bytes();
            // A literal shorter than a pair could not be ruled out by one.
            assert!(b.len() >= 2, "a trigger needs two bytes");
            table[pair_hash(b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase())] |= bit;
            j += 1;
        }
    }
    let mut table = [0u16; 1024];
    let mut i = 0;
    while i < SPECS.len() {
        add(&mut table, SPECS[i].triggers, 1 << i);
        i += 1;
    }
    add(&mut table, NAME_FRAGMENTS, FRAGMENT_BIT);
    table
}

/// A pair of bytes as an index below 1024: Fibonacci hashing of the 16-bit
/// pair, whose top ten bits spread letter pairs evenly. (A shift and xor,
/// tried first, sent `gi` and `gl` near each other and let the eight GitLab
/// triggers through on every `git` command.)
const fn pair_hash(a: u8, b: u8) -> usize {
    let pair = ((a as u32) << 8) | b as u32;
    (pair.wrapping_mul(0x9E37_79B1) >> 22) as usize
}

/// Which detectors have a trigger in `lower` (the lower-cased text), as bits
/// by index in [`SPECS`]: of those [`Pairs::possible`] names, each literal searched
/// until its first occurrence.
fn candidates(lower: &str, pairs: &Pairs) -> u16 {
    let hay = lower.as_bytes();
    let mut wanted = 0u16;
    for (i, s) in SPECS.iter().enumerate() {
        let bit = 1u16 << i;
        if pairs.possible & bit != 0 && s.triggers.iter().any(|t| pairs.has(hay, t)) {
            wanted |= bit;
        }
    }
    wanted
}

fn regex(i: usize) -> Option<&'static Regex> {
    let spec = SPECS.get(i)?;
    regexes()
        .get(i)?
        .get_or_init(|| Regex::new(spec.src).ok())
        .as_ref()
}

/// Every shape finding in `text` (not sorted).
pub(super) fn scan_shapes(text: &str, out: &mut Vec<Finding>) {
    // ASCII lower-casing keeps every byte offset (and UTF-8 validity); a
    // short text is lower-cased on the stack.
    let mut buf = [0u8; SHORT_TEXT];
    let owned: String;
    let lower: &str = match buf.get_mut(..text.len()) {
        Some(b) => {
            b.copy_from_slice(text.as_bytes());
            b.make_ascii_lowercase();
            match std::str::from_utf8(b) {
                Ok(l) => l,
                Err(_) => {
                    owned = text.to_ascii_lowercase();
                    &owned
                }
            }
        }
        None => {
            owned = text.to_ascii_lowercase();
            &owned
        }
    };
    let pairs = Pairs::of(lower.as_bytes());
    let wanted = candidates(lower, &pairs);
    for i in 0..SPECS.len() {
        if wanted & (1 << i) == 0 {
            continue;
        }
        let (Some(spec), Some(re)) = (SPECS.get(i), regex(i)) else {
            continue;
        };
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(spec.group) else {
                continue;
            };
            let value = m.as_str();
            let (start, mut end) = (m.start(), m.end());
            let keep = match spec.check {
                Check::Token => !is_placeholder(value),
                Check::UrlPassword => !is_placeholder_password(value),
                Check::PemBlock => {
                    end = pem_end(text, end);
                    true
                }
            };
            if keep {
                out.push(Finding {
                    kind: spec.kind,
                    start,
                    end,
                });
            }
        }
    }
    // Last: a specific kind found at the same span names it.
    scan_assignments(text, lower, &pairs, out);
}

/// `NAME=value` where NAME says secret and the value looks random.
fn scan_assignments(text: &str, lower: &str, pairs: &Pairs, out: &mut Vec<Finding>) {
    // Most calls have no such name: do not even build the automaton.
    if pairs.possible & FRAGMENT_BIT == 0
        || !NAME_FRAGMENTS
            .iter()
            .any(|f| pairs.has(lower.as_bytes(), f))
    {
        return;
    }
    let Some(names) = name_fragments() else {
        return;
    };
    let bytes = text.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut last_end = 0;
    for m in names.find_iter(lower) {
        // The whole word around the fragment is the name.
        let end = m.end()
            + bytes
                .get(m.end()..)
                .map_or(0, |r| r.iter().take_while(|b| word(b)).count());
        if end <= last_end {
            continue;
        }
        last_end = end;
        let Some(rest) = text.get(end..) else {
            continue;
        };
        let Some(v) = assigned_value()
            .and_then(|r| r.captures(rest))
            .and_then(|c| c.get(1))
        else {
            continue;
        };
        if looks_random(v.as_str()) {
            out.push(Finding {
                kind: ASSIGNMENT_KIND,
                start: end + v.start(),
                end: end + v.end(),
            });
        }
    }
}

/// Documentation filler in a token: a run of five `x`/`X` (`ghp_xxxxx…`,
/// `AKIAXXXXXXXXXXXXXXXX`), a run of eight identical letters, `...` or
/// `***`, or fewer than six distinct letters and digits in the whole token
/// (`AKIA0000000000000000`). Real keys are random: such runs have a
/// probability below one in a million per key.
///
/// The AWS documentation keys (`AKIAIOSFODNN7EXAMPLE`) and tokens such as
/// `ghp_EXAMPLE0000…` are *not* placeholders here: they are the fakes that
/// guides, the project's corpus and users' own tests plant to check that a
/// guard catches a key, so they are reported like real ones.
pub(super) fn is_placeholder(token: &str) -> bool {
    if token.contains("...") || token.contains("***") {
        return true;
    }
    let bytes = token.as_bytes();
    let mut run = 1usize;
    for w in bytes.windows(2) {
        let [a, b] = [w[0], w[1]];
        if a == b {
            run += 1;
            if (matches!(a, b'x' | b'X') && run >= 5) || (a.is_ascii_alphabetic() && run >= 8) {
                return true;
            }
        } else {
            run = 1;
        }
    }
    let mut seen = [false; 128];
    let mut distinct = 0;
    for b in bytes.iter().filter(|b| b.is_ascii_alphanumeric()) {
        if let Some(s) = seen.get_mut(*b as usize) {
            if !*s {
                *s = true;
                distinct += 1;
            }
        }
    }
    distinct < 6
}

/// The usual stand-ins for a password in a URL.
fn is_placeholder_password(p: &str) -> bool {
    const WORDS: &[&str] = &[
        "pass",
        "password",
        "passwd",
        "pwd",
        "secret",
        "changeme",
        "token",
        "apikey",
        "api_key",
        "redacted",
        "placeholder",
        "example",
        "mypassword",
        "yourpassword",
        "your_password",
        "your-password",
    ];
    let lower = p.to_ascii_lowercase();
    WORDS.contains(&lower.as_str())
        || p.starts_with(['$', '<', '{', '%', '['])
        || p.bytes().all(|b| b == p.as_bytes()[0])
        || p.contains("***")
        || p.contains("xxxx")
}

/// Shannon entropy in bits per character.
///
/// `libm::log2`, not `f64::log2`: the latter links the C library's libm, a
/// shared library every hook process would load for this one function.
fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / n;
            -p * libm::log2(p)
        })
        .sum()
}

/// A value assigned to a secret-named variable that looks like a key:
/// letters and digits mixed, entropy ≥ 3.5 bits per character. Placeholders
/// (`xxxxxxxx`, `${TOKEN}`, `changeme_placeholder`) have low entropy or no
/// digits.
fn looks_random(value: &str) -> bool {
    let mixed =
        value.bytes().any(|b| b.is_ascii_digit()) && value.bytes().any(|b| b.is_ascii_alphabetic());
    mixed && entropy(value) >= 3.5 && !is_placeholder(value)
}

/// The end of a PEM block whose header ends at `from`: after the matching
/// `-----END … -----` line when there is one within [`MAX_PEM_BYTES`], else
/// after the base64 body that follows (a block cut short by a head or tail).
fn pem_end(text: &str, from: usize) -> usize {
    let limit = (from + MAX_PEM_BYTES).min(text.len());
    let window = text.as_bytes().get(from..limit).unwrap_or(&[]);
    if let Some(at) = find(window, b"-----END ") {
        let after = &window[at + 9..];
        if let Some(close) = find(after, b"-----") {
            return from + at + 9 + close + 5;
        }
    }
    // No END line: the body lines that follow (base64, or `Key: value`
    // headers of encrypted keys), up to the first empty or other line.
    let mut end = 0;
    let mut rest = window;
    // The header's own line ending.
    let first = rest
        .iter()
        .position(|b| *b == b'\n')
        .map_or(rest.len(), |n| n + 1);
    if rest
        .get(..first)
        .is_some_and(|l| l.iter().all(u8::is_ascii_whitespace))
    {
        end = first;
        rest = rest.get(first..).unwrap_or(&[]);
    }
    while !rest.is_empty() {
        let n = rest
            .iter()
            .position(|b| *b == b'\n')
            .map_or(rest.len(), |n| n + 1);
        let line = rest.get(..n).unwrap_or(&[]);
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        let body = !content.is_empty()
            && content
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b));
        let header =
            content.contains(&b':') && content.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
        if !(body || header) {
            break;
        }
        end += content.len();
        if content.len() < line.len() && rest.len() > n {
            // Include the newline only when another body line may follow.
            end += line.len() - content.len();
        }
        rest = rest.get(n..).unwrap_or(&[]);
    }
    from + end
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A trigger or name fragment that occurs, in any case and anywhere
        /// in the text, always has its bit in `possible`.
        #[test]
        fn possible_keeps_every_trigger_that_occurs(
            before in "[a-zA-Z0-9_ :/.-]{0,30}",
            after in "[a-zA-Z0-9_ :/.-]{0,30}",
            pick in 0usize..1000,
            upper in proptest::bool::ANY,
        ) {
            let all: Vec<(&str, u16)> = SPECS
                .iter()
                .enumerate()
                .flat_map(|(i, s)| s.triggers.iter().map(move |t| (*t, 1u16 << i)))
                .chain(NAME_FRAGMENTS.iter().map(|f| (*f, FRAGMENT_BIT)))
                .collect();
            let (t, bit) = all[pick % all.len()];
            let t = if upper { t.to_ascii_uppercase() } else { t.to_string() };
            let lower = format!("{before}{t}{after}").to_ascii_lowercase();
            let pairs = Pairs::of(lower.as_bytes());
            proptest::prop_assert!(pairs.possible & bit != 0, "{}", lower);
            // Nor does the trigger's own pair test rule it out.
            proptest::prop_assert!(pairs.has(lower.as_bytes(), &t), "{} in {}", t, lower);
        }

        /// `has` on short text is a case-insensitive substring test.
        #[test]
        fn has_is_a_lowercased_substring_test(
            hay in "[a-cA-C_ -]{0,40}",
            needle in "[a-cA-C_-]{0,5}",
        ) {
            let lower = hay.to_ascii_lowercase();
            let want = lower.contains(&needle.to_ascii_lowercase());
            proptest::prop_assert_eq!(has(lower.as_bytes(), &needle), want);
        }
    }

    #[test]
    fn possible_names_only_detectors_whose_first_pair_occurs() {
        let through = |text: &str| -> Vec<&str> {
            let bits = Pairs::of(text.to_ascii_lowercase().as_bytes()).possible;
            SPECS
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .flat_map(|(_, s)| s.triggers.iter().copied())
                .chain(
                    NAME_FRAGMENTS
                        .iter()
                        .copied()
                        .filter(|_| bits & FRAGMENT_BIT != 0),
                )
                .collect()
        };
        // `gi` of `git` is the first pair of one trigger: `github_pat_`.
        assert_eq!(through("git status"), ["github_pat_"]);
        assert!(through("command").is_empty());
        assert!(through("ls -la src").is_empty());
        assert!(through("X_API_KEY=1").contains(&"_key"));
        assert!(through("AKIA").contains(&"AKIA"), "compared lower-cased");
        assert!(through("a").is_empty() && through("").is_empty());
    }

    #[test]
    fn triggers_are_found_case_insensitively_in_short_and_long_text() {
        let long_prefix = "x".repeat(SHORT_HAY + 10);
        for (hay, needle, want) in [
            ("echo akia123", "AKIA", true),
            ("echo aki", "AKIA", false),
            ("-----begin rsa private key-----", "PRIVATE KEY", true),
            ("ghp", "ghp_", false),
            ("", "aws", false),
        ] {
            assert_eq!(has(hay.as_bytes(), needle), want, "{hay:?} {needle}");
            let long = format!("{long_prefix}{hay}");
            assert_eq!(has(long.as_bytes(), needle), want, "long {hay:?} {needle}");
        }
    }

    #[test]
    fn every_detector_compiles() {
        for (i, s) in SPECS.iter().enumerate() {
            assert!(regex(i).is_some(), "{}: {}", s.kind, s.src);
            let re = Regex::new(s.src).ok();
            assert!(
                re.is_some_and(|r| r.captures_len() > s.group),
                "{}: group {}",
                s.kind,
                s.group
            );
        }
        assert!(name_fragments().is_some() && assigned_value().is_some());
    }

    #[test]
    fn placeholders() {
        for p in [
            "AKIAXXXXXXXXXXXXXXXX",
            "AKIA0000000000000000",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-proj-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sk-...xxxx",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_EXAMPLE0000000000000000000000000000",
            "ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u",
        ] {
            assert!(!is_placeholder(real), "{real}");
        }
        for p in [
            "password",
            "PASS",
            "${DB_PASS}",
            "<password>",
            "****",
            "xxxxxx",
        ] {
            assert!(is_placeholder_password(p), "{p}");
        }
        assert!(!is_placeholder_password("hunter2"));
    }

    #[test]
    fn pem_blocks_are_spanned_whole() {
        let t = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc=\n-----END RSA PRIVATE KEY-----\ny";
        let mut out = Vec::new();
        scan_shapes(t, &mut out);
        let f = out.first().copied();
        assert_eq!(
            f.map(|f| &t[f.start..f.end]),
            Some("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc=\n-----END RSA PRIVATE KEY-----")
        );
        let cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n\nnext";
        let mut out = Vec::new();
        scan_shapes(cut, &mut out);
        assert_eq!(out.first().map(|f| f.end), Some(cut.len() - 5));
    }
}

//! Word expansion after parsing: brace expansion, tilde expansion, field
//! splitting on `$IFS`, and assembly of [`Word`]s.
//!
//! The walker turns a word's syntax into [`Atom`]s: characters (with their
//! quoted flag, quote removal already applied) and expansion results. This
//! module then applies bash's order: braces → tilde → (values already
//! substituted) → field splitting → glob marking.

use crate::action::{Dynamic, Word, WordPart};

/// One unit of a word before splitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Atom {
    /// A literal character from the source; `quoted` when quoted or escaped.
    Ch(char, bool),
    /// The result of an expansion; `quoted` when inside double quotes.
    Val(ExpVal, bool),
    /// An unquoted blank inside what tree-sitter gave as one word (`{ }`): bash
    /// separates words there.
    Sep,
}

/// The value of an expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExpVal {
    /// A known string.
    Str(String),
    /// Several fields (`"$@"`, `"${arr[@]}"`).
    Fields(Vec<String>),
    /// An unknown value.
    Dyn(Dynamic),
}

/// Which expansion steps apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mode {
    /// Brace expansion.
    pub brace: bool,
    /// Tilde expansion at the start.
    pub tilde: bool,
    /// Field splitting (and glob marking).
    pub split: bool,
}

impl Mode {
    /// Arguments of a simple command.
    pub const ARGV: Mode = Mode {
        brace: true,
        tilde: true,
        split: true,
    };
    /// Assignment values, redirection targets, here-strings.
    pub const SCALAR: Mode = Mode {
        brace: false,
        tilde: true,
        split: false,
    };
    /// Here-document bodies, `case` subjects.
    pub const PLAIN: Mode = Mode {
        brace: false,
        tilde: false,
        split: false,
    };
}

/// What tilde prefixes expand to.
pub(crate) trait TildeResolver {
    /// The expansion of `~prefix` (prefix without the `~`), or `None` to leave it as written.
    fn tilde(&self, prefix: &str) -> Option<ExpVal>;
}

/// Brace expansion failed because it would produce too many words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyWords;

/// Most atoms brace expansion may copy while building its words; past it the
/// expansion counts as too large (keeps `{a,b}` × 10 000 linear).
const MAX_BRACE_ATOMS: usize = 1 << 20;

/// Brace-expands a word (left to right, nested), bounded by `max_words` and by
/// the atoms copied.
pub(crate) fn brace_expand(
    atoms: Vec<Atom>,
    max_words: usize,
) -> Result<Vec<Vec<Atom>>, TooManyWords> {
    let mut out = Vec::new();
    let mut stack = vec![atoms];
    let mut copied = 0usize;
    while let Some(word) = stack.pop() {
        match find_brace(&word) {
            None => {
                out.push(word);
                if out.len() > max_words {
                    return Err(TooManyWords);
                }
            }
            Some((open, close, alts)) => {
                copied += alts.len().saturating_mul(word.len());
                if copied > MAX_BRACE_ATOMS || out.len() + stack.len() + alts.len() > max_words {
                    return Err(TooManyWords);
                }
                for alt in alts.into_iter().rev() {
                    let mut w = Vec::with_capacity(word.len());
                    w.extend_from_slice(&word[..open]);
                    w.extend(alt);
                    w.extend_from_slice(&word[close + 1..]);
                    stack.push(w);
                }
            }
        }
    }
    Ok(out)
}

fn is_unquoted(a: &Atom, ch: char) -> bool {
    matches!(a, Atom::Ch(c, false) if *c == ch)
}

/// Finds the first brace expression that bash would expand: returns the open
/// and close indices and the alternatives. One pass matches the braces, so a
/// word of thousands of braces costs linear time.
fn find_brace(word: &[Atom]) -> Option<(usize, usize, Vec<Vec<Atom>>)> {
    let n = word.len();
    let mut close_of: Vec<usize> = Vec::new();
    let mut opens: Vec<usize> = Vec::new();
    let mut has_comma: Vec<bool> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..n {
        if is_unquoted(&word[i], '{') && !(i > 0 && is_unquoted(&word[i - 1], '$')) {
            stack.push(opens.len());
            opens.push(i);
            close_of.push(usize::MAX);
            has_comma.push(false);
        } else if is_unquoted(&word[i], '}') {
            if let Some(k) = stack.pop() {
                close_of[k] = i;
            }
        } else if is_unquoted(&word[i], ',') {
            if let Some(&k) = stack.last() {
                has_comma[k] = true;
            }
        }
    }
    for k in 0..opens.len() {
        let (open, close) = (opens[k], close_of[k]);
        if close == usize::MAX {
            continue;
        }
        if has_comma[k] {
            let mut alts = Vec::new();
            let mut depth = 0usize;
            let mut from = open + 1;
            for (i, a) in word.iter().enumerate().take(close).skip(open + 1) {
                if is_unquoted(a, '{') {
                    depth += 1;
                } else if is_unquoted(a, '}') {
                    depth = depth.saturating_sub(1);
                } else if depth == 0 && is_unquoted(a, ',') {
                    alts.push(word[from..i].to_vec());
                    from = i + 1;
                }
            }
            alts.push(word[from..close].to_vec());
            return Some((open, close, alts));
        }
        // A sequence expression is short; longer groups are not one.
        if close - open <= 64 {
            if let Some(seq) = sequence(&word[open + 1..close]) {
                return Some((open, close, seq));
            }
        }
    }
    None
}

/// A sequence expression `{x..y[..incr]}` of integers or single letters.
fn sequence(inner: &[Atom]) -> Option<Vec<Vec<Atom>>> {
    let mut text = String::new();
    for a in inner {
        match a {
            Atom::Ch(c, false) => text.push(*c),
            _ => return None,
        }
    }
    let parts: Vec<&str> = text.split("..").collect();
    if parts.len() != 2 && parts.len() != 3 {
        return None;
    }
    let incr: i64 = if parts.len() == 3 {
        parts[2].parse::<i64>().ok()?.checked_abs()?.max(1)
    } else {
        1
    };
    // Sequence items are digits, signs and letters: unquoted (tilde expansion
    // still applies, `~{0..1}`), and they cannot start another brace expansion.
    let to_atoms = |s: String| s.chars().map(|c| Atom::Ch(c, false)).collect::<Vec<_>>();
    const MAX_SEQ: i64 = 100_000;
    if let (Ok(a), Ok(b)) = (parts[0].parse::<i64>(), parts[1].parse::<i64>()) {
        if (a - b).abs() / incr > MAX_SEQ {
            return None;
        }
        let padded = |s: &str| {
            let d = s.trim_start_matches(['-', '+']);
            d.len() > 1 && d.starts_with('0')
        };
        let width = if padded(parts[0]) || padded(parts[1]) {
            parts[0].len().max(parts[1].len())
        } else {
            0
        };
        let mut out = Vec::new();
        let mut v = a;
        loop {
            let s = if width > 0 {
                if v < 0 {
                    format!("-{:0w$}", -v, w = width.saturating_sub(1))
                } else {
                    format!("{v:0width$}")
                }
            } else {
                v.to_string()
            };
            out.push(to_atoms(s));
            if v == b {
                break;
            }
            if a < b {
                v += incr;
                if v > b {
                    break;
                }
            } else {
                v -= incr;
                if v < b {
                    break;
                }
            }
        }
        return Some(out);
    }
    let (mut ca, mut cb) = (parts[0].chars(), parts[1].chars());
    let (Some(a), None, Some(b), None) = (ca.next(), ca.next(), cb.next(), cb.next()) else {
        return None;
    };
    if !a.is_ascii_alphabetic() || !b.is_ascii_alphabetic() {
        return None;
    }
    let (a, b) = (a as i64, b as i64);
    let mut out = Vec::new();
    let mut v = a;
    loop {
        let c = char::from_u32(v as u32)?;
        // Bash emits the characters between `Z` and `a` too, but quotes none of them.
        out.push(vec![Atom::Ch(c, !c.is_ascii_alphanumeric())]);
        if v == b {
            break;
        }
        if a < b {
            v += incr;
            if v > b {
                break;
            }
        } else {
            v -= incr;
            if v < b {
                break;
            }
        }
    }
    Some(out)
}

/// Tilde expansion as bash does it outside POSIX mode: at the start of the word
/// (the prefix ends at an unquoted `/` or `:`), and in a word that looks like an
/// assignment (`NAME=…`) also right after the `=` and after each unquoted `:`.
pub(crate) fn tilde_expand(word: &mut Vec<Atom>, resolver: &dyn TildeResolver) {
    let mut starts = vec![0usize];
    let name_len = word
        .iter()
        .take_while(|a| matches!(a, Atom::Ch(c, false) if c.is_ascii_alphanumeric() || *c == '_'))
        .count();
    let assignment_like = name_len > 0
        && !matches!(word.first(), Some(Atom::Ch(c, _)) if c.is_ascii_digit())
        && matches!(word.get(name_len), Some(Atom::Ch('=', false)));
    if assignment_like {
        starts.push(name_len + 1);
        for (i, a) in word.iter().enumerate().skip(name_len + 1) {
            if matches!(a, Atom::Ch(':', false)) {
                starts.push(i + 1);
            }
        }
    }
    for &start in starts.iter().rev() {
        if !matches!(word.get(start), Some(Atom::Ch('~', false))) {
            continue;
        }
        // Like bash: a quoted character anywhere before the first unquoted `/`
        // (even past a `:`) makes the tilde literal.
        let quoted_before_slash = word[start + 1..]
            .iter()
            .take_while(|a| !matches!(a, Atom::Ch('/', false)))
            .any(|a| matches!(a, Atom::Ch(_, true) | Atom::Val(_, true)));
        if quoted_before_slash {
            continue;
        }
        let mut prefix = String::new();
        let mut end = start + 1;
        let mut plain = true;
        while end < word.len() {
            match &word[end] {
                Atom::Ch('/' | ':', false) => break,
                Atom::Ch(c, false) => prefix.push(*c),
                _ => {
                    plain = false;
                    break;
                }
            }
            end += 1;
        }
        if !plain {
            continue;
        }
        if let Some(v) = resolver.tilde(&prefix) {
            word.splice(start..end, std::iter::once(Atom::Val(v, true)));
        }
    }
}

/// Builder of the fields of one word during splitting.
struct Fields {
    out: Vec<Word>,
    cur: Vec<WordPart>,
    glob: bool,
    have: bool,
}

impl Fields {
    fn push_char(&mut self, c: char) {
        if let Some(WordPart::Literal(s)) = self.cur.last_mut() {
            s.push(c);
        } else {
            self.cur.push(WordPart::Literal(c.to_string()));
        }
        self.have = true;
    }
    fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            self.have = true;
            return;
        }
        if let Some(WordPart::Literal(t)) = self.cur.last_mut() {
            t.push_str(s);
        } else {
            self.cur.push(WordPart::Literal(s.to_string()));
        }
        self.have = true;
    }
    fn push_dyn(&mut self, d: &Dynamic) {
        self.cur.push(WordPart::Dynamic(d.clone()));
        self.have = true;
    }
    fn finish(&mut self) {
        if self.have || !self.cur.is_empty() {
            self.out.push(Word {
                parts: std::mem::take(&mut self.cur),
                glob: self.glob,
            });
        }
        self.cur.clear();
        self.glob = false;
        self.have = false;
    }
}

fn is_glob_char(c: char) -> bool {
    matches!(c, '*' | '?' | '[')
}

/// Splits expanded atoms into fields on `ifs` (when `split`), marking globs.
/// Unquoted unknown values stay one field (they might split at run time; the
/// word is then dynamic anyway).
pub(crate) fn split_fields(atoms: &[Atom], ifs: &str, split: bool) -> Vec<Word> {
    let mut f = Fields {
        out: Vec::new(),
        cur: Vec::new(),
        glob: false,
        have: false,
    };
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\n');
    for atom in atoms {
        match atom {
            Atom::Sep => f.finish(),
            Atom::Ch(c, quoted) => {
                if split && !quoted && is_glob_char(*c) {
                    f.glob = true;
                }
                f.push_char(*c);
            }
            Atom::Val(ExpVal::Str(s), true) => f.push_str(s),
            Atom::Val(ExpVal::Dyn(d), _) => f.push_dyn(d),
            Atom::Val(ExpVal::Fields(items), true) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        if split {
                            f.finish();
                        } else {
                            f.push_char(' ');
                        }
                    }
                    f.push_str(item);
                }
            }
            Atom::Val(ExpVal::Str(s), false) => split_value(&mut f, s, ifs, split, is_ws),
            Atom::Val(ExpVal::Fields(items), false) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        if split {
                            f.finish();
                        } else {
                            f.push_char(' ');
                        }
                    }
                    split_value(&mut f, item, ifs, split, is_ws);
                }
            }
        }
    }
    f.finish();
    if !split && f.out.is_empty() {
        f.out.push(Word::default());
    }
    f.out
}

fn split_value(f: &mut Fields, s: &str, ifs: &str, split: bool, is_ws: impl Fn(char) -> bool) {
    if !split {
        f.push_str(s);
        return;
    }
    // After a non-whitespace delimiter, a second one produces an empty field.
    let mut after_delim = false;
    for c in s.chars() {
        if ifs.contains(c) {
            if is_ws(c) {
                if f.have || !f.cur.is_empty() {
                    f.finish();
                }
            } else {
                if f.have || !f.cur.is_empty() {
                    f.finish();
                } else if after_delim {
                    f.out.push(Word::default());
                }
                after_delim = true;
                continue;
            }
        } else {
            if is_glob_char(c) {
                f.glob = true;
            }
            f.push_char(c);
            after_delim = false;
        }
    }
}

/// Joins fields into one word with single spaces (as `"$*"` and assignments do).
pub(crate) fn join_words(words: Vec<Word>) -> Word {
    join_words_with(words, " ")
}

/// Joins fields into one word with `sep` between them.
pub(crate) fn join_words_with(words: Vec<Word>, sep: &str) -> Word {
    let mut out = Word::default();
    for (i, w) in words.into_iter().enumerate() {
        if i > 0 {
            push_literal(&mut out, sep);
        }
        out.glob |= w.glob;
        for p in w.parts {
            match p {
                WordPart::Literal(s) => push_literal(&mut out, &s),
                d @ WordPart::Dynamic(_) => out.parts.push(d),
            }
        }
    }
    out
}

fn push_literal(w: &mut Word, s: &str) {
    if let Some(WordPart::Literal(t)) = w.parts.last_mut() {
        t.push_str(s);
    } else {
        w.parts.push(WordPart::Literal(s.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Vec<Atom> {
        s.chars().map(|c| Atom::Ch(c, false)).collect()
    }

    fn texts(words: Vec<Vec<Atom>>) -> Vec<String> {
        words
            .into_iter()
            .map(|w| {
                w.iter()
                    .map(|a| match a {
                        Atom::Ch(c, _) => c.to_string(),
                        _ => "?".into(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn braces() {
        let e = |s: &str| texts(brace_expand(lit(s), 1000).unwrap_or_default());
        assert_eq!(e("{rm,-rf,/}"), ["rm", "-rf", "/"]);
        assert_eq!(e("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(e("{a,{b,c}}"), ["a", "b", "c"]);
        assert_eq!(e("{1..3}"), ["1", "2", "3"]);
        assert_eq!(e("{3..1}"), ["3", "2", "1"]);
        assert_eq!(e("{01..03}"), ["01", "02", "03"]);
        assert_eq!(e("{1..10..4}"), ["1", "5", "9"]);
        assert_eq!(e("{a..c}"), ["a", "b", "c"]);
        assert_eq!(e("{a}"), ["{a}"]);
        assert_eq!(e("{}"), ["{}"]);
        assert_eq!(e("x{"), ["x{"]);
        assert_eq!(e("{a,b}{c,d}"), ["ac", "ad", "bc", "bd"]);
    }

    #[test]
    fn brace_bomb_is_bounded() {
        let s = "{a,b}".repeat(30);
        assert_eq!(brace_expand(lit(&s), 1024), Err(TooManyWords));
    }

    #[test]
    fn ifs_splitting() {
        let atoms = vec![
            Atom::Ch('r', false),
            Atom::Ch('m', false),
            Atom::Val(ExpVal::Str(" \t\n".into()), false),
            Atom::Ch('-', false),
            Atom::Ch('f', false),
        ];
        let w = split_fields(&atoms, " \t\n", true);
        let t: Vec<String> = w.iter().map(Word::text).collect();
        assert_eq!(t, ["rm", "-f"]);
        let colon = vec![Atom::Val(ExpVal::Str("a::b:".into()), false)];
        let t: Vec<String> = split_fields(&colon, ":", true)
            .iter()
            .map(Word::text)
            .collect();
        assert_eq!(t, ["a", "", "b"]);
    }

    #[test]
    fn empty_unquoted_expansion_vanishes_but_quoted_stays() {
        assert!(
            split_fields(&[Atom::Val(ExpVal::Str(String::new()), false)], " ", true).is_empty()
        );
        assert_eq!(
            split_fields(&[Atom::Val(ExpVal::Str(String::new()), true)], " ", true).len(),
            1
        );
    }
}

//! A lexer for the simple subset of Bash, used instead of tree-sitter when a
//! command lies entirely inside it.
//!
//! Most commands agents run are plain words joined by `&&`, `||`, `|`, `;`
//! and newlines: `git status`, `cargo test && cargo clippy`, `rg -n x src |
//! head`. tree-sitter-bash parses them slowly (1.7 µs for `git status`,
//! ~38 µs for any pipeline of three stages, ~0.17 µs per byte of an `&&`
//! chain, ~8 ns per byte of a here-document), and misreads some of them
//! (see `parse::parse_mended`). This lexer accepts only that subset and
//! says `None` for anything else, which then goes to tree-sitter as before:
//!
//! * words of ASCII letters, digits and `_ - . / : = , @ % + ^`, single-quoted
//!   strings (any text but a control character other than tab and newline),
//!   and double-quoted strings without `$`, `` ` ``, `\`, `!` or those
//!   control characters, glued together (so a `python3 -c "…"` script of many
//!   lines is in the subset);
//! * blanks (space, tab) between words; `|`, `&&`, `||` between commands
//!   (newlines may follow them); `;` and newlines between lists;
//! * on a command alone in its list, after its words and a blank: `> word`
//!   or `>> word`, then a here-document with a quoted delimiter ending its
//!   line (`cat > notes.md <<'EOF'`, `python3 - <<"PY"`), whose body is
//!   every line up to the first that is exactly the delimiter (see
//!   `Lexer::redirections` for what is refused around it);
//! * no first word that is a reserved word, a declaration builtin or holds
//!   `=` (an assignment), `@`, `%` or `+` (`t+:`, `-n+:`), or is `-`, no
//!   word starting with `==`
//!   (tree-sitter-bash reports syntax errors for `x@` and `echo ==`, where
//!   bash has none; those errors must stay), no empty command, no `&`, no
//!   comment, nothing else.
//!
//! So no expansion of any kind can happen in an accepted command: no
//! parameters, substitutions, globs, braces, tildes, escapes, and no
//! here-document body that bash would expand.
//! The walker turns the result into the same tasks it makes from the
//! tree-sitter nodes of the same text; tests and a fuzz target compare the
//! actions of both paths on generated commands in the subset
//! (`normalize_command` with [`ShellOptions::simple_parser`] on and off).
//!
//! [`ShellOptions::simple_parser`]: crate::ShellOptions::simple_parser

/// A parsed command text: its lists, in order.
#[derive(Debug, Default)]
pub(crate) struct Script {
    /// The `;`- or newline-separated lists.
    pub lists: Vec<List>,
}

/// Pipelines joined by `&&` / `||` (the walker treats both alike: every
/// operand after the first may not run).
#[derive(Debug)]
pub(crate) struct List {
    /// The operands, at least one.
    pub pipelines: Vec<Pipeline>,
}

/// Commands joined by `|`.
#[derive(Debug)]
pub(crate) struct Pipeline {
    /// The stages, at least one.
    pub commands: Vec<Command>,
}

/// A simple command: words, then the redirections of the subset.
#[derive(Debug)]
pub(crate) struct Command {
    /// The words, at least one.
    pub words: Vec<Word>,
    /// The redirections after the words, in order: at most one `>`/`>>`,
    /// then at most one here-document.
    pub redirects: Vec<Redirect>,
    /// Byte offset of the first word in the text.
    pub start: usize,
}

/// A redirection of the subset.
#[derive(Debug)]
pub(crate) enum Redirect {
    /// `> target` or `>> target` (standard output).
    File {
        /// `>>`.
        append: bool,
        /// The target word (not empty).
        target: Word,
    },
    /// `<<'DELIM'` or `<<"DELIM"`: a here-document whose body is not
    /// expanded, as a byte range of the text (every line up to the one that
    /// is the delimiter, newlines included).
    Heredoc {
        /// Byte range of the body (from its first character that is not a
        /// blank or newline, as tree-sitter-bash reads it).
        body: (usize, usize),
    },
}

/// One word: glued parts.
#[derive(Debug)]
pub(crate) struct Word {
    /// The parts, in order (inline: most words have one).
    pub parts: smallvec::SmallVec<[Part; 2]>,
    /// Byte range of the whole word in the text.
    pub span: (usize, usize),
}

/// A part of a word, as a byte range of the text (quotes excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Unquoted characters.
    Bare(usize, usize),
    /// The inside of `'…'`.
    Single(usize, usize),
    /// The inside of `"…"`.
    Double(usize, usize),
}

impl Part {
    /// The byte range of the part's characters (inside the quotes).
    pub fn inner(self) -> (usize, usize) {
        match self {
            Part::Bare(a, b) | Part::Single(a, b) | Part::Double(a, b) => (a, b),
        }
    }
}

/// Words that make the first word of a command something other than a
/// simple command name in bash (reserved words) or in tree-sitter-bash
/// (declaration builtins, which it parses as their own node).
const NOT_A_NAME: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc", "declare", "typeset", "export", "local",
    "readonly", "unset",
];

/// True for the bytes of an unquoted word.
fn bare_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b',' | b'@' | b'%' | b'+' | b'^'
        )
}

/// True when every character of `inside` may be inside quotes of the given
/// kind: no control character (category Cc: U+0000–U+001F, U+007F–U+009F)
/// but tab and newline, which inside quotes are ordinary characters to bash
/// and to tree-sitter-bash; and inside double quotes no `$`, `` ` ``, `\`,
/// `!` or `"`. Checked byte by byte: U+0080–U+009F are the only characters
/// whose UTF-8 form starts with 0xC2 followed by 0x80–0x9F.
fn quoted_ok(inside: &str, double: bool) -> bool {
    let bytes = inside.as_bytes();
    // The first byte that is not always allowed, then the rest from there.
    let mut from = 0;
    while let Some(at) = bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| QUOTED[usize::from(b)] != OK))
    {
        let i = from + at;
        let allowed = match bytes.get(i).map(|&b| QUOTED[usize::from(b)]) {
            Some(NEVER) => false,
            Some(DOUBLE) => !double,
            // 0xC2: a C1 control character when 0x80–0x9F follows.
            _ => !matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        };
        if !allowed {
            return false;
        }
        from = i + 1;
    }
    true
}

/// [`QUOTED`]: a byte allowed inside any quotes.
const OK: u8 = 0;
/// [`QUOTED`]: a byte allowed inside single quotes only.
const DOUBLE: u8 = 1;
/// [`QUOTED`]: a control character's byte, allowed nowhere.
const NEVER: u8 = 2;
/// [`QUOTED`]: 0xC2, which starts U+0080–U+00BF (C1 controls among them).
const LEAD_C2: u8 = 3;

/// What each byte may be inside quotes (see [`quoted_ok`]).
const QUOTED: [u8; 256] = {
    let mut t = [OK; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = NEVER;
        b += 1;
    }
    t[b'\t' as usize] = OK;
    t[b'\n' as usize] = OK;
    t[0x7f] = NEVER;
    t[b'$' as usize] = DOUBLE;
    t[b'`' as usize] = DOUBLE;
    t[b'\\' as usize] = DOUBLE;
    t[b'!' as usize] = DOUBLE;
    t[b'"' as usize] = DOUBLE;
    t[0xc2] = LEAD_C2;
    t
};

struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s.as_bytes()))
    }

    fn blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn blanks_and_newlines(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n')) {
            self.pos += 1;
        }
    }

    /// The inside of a quoted string starting at the opening quote.
    fn quoted(&mut self, quote: char) -> Option<(usize, usize)> {
        let start = self.pos + 1;
        let rest = self.text.get(start..)?;
        let end = start + rest.find(quote)?;
        let inside = &self.text[start..end];
        if !quoted_ok(inside, quote == '"') {
            return None;
        }
        self.pos = end + 1;
        Some((start, end))
    }

    fn word(&mut self) -> Option<Word> {
        let start = self.pos;
        let mut parts = smallvec::SmallVec::new();
        loop {
            match self.peek() {
                Some(b'\'') => {
                    let (a, b) = self.quoted('\'')?;
                    parts.push(Part::Single(a, b));
                }
                Some(b'"') => {
                    let (a, b) = self.quoted('"')?;
                    parts.push(Part::Double(a, b));
                }
                Some(b) if bare_byte(b) => {
                    let a = self.pos;
                    while self.peek().is_some_and(bare_byte) {
                        self.pos += 1;
                    }
                    parts.push(Part::Bare(a, self.pos));
                }
                _ => break,
            }
        }
        // tree-sitter-bash reads a word `==` as the test operator and reports
        // a syntax error (bash does not): leave it to tree-sitter.
        if parts.is_empty() || self.text.get(start..self.pos)?.starts_with("==") {
            return None;
        }
        Some(Word {
            parts,
            span: (start, self.pos),
        })
    }

    fn command(&mut self) -> Option<Command> {
        let start = self.pos;
        let mut words = Vec::new();
        let mut redirects = Vec::new();
        loop {
            words.push(self.word()?);
            self.blanks();
            match self.peek() {
                None | Some(b'|' | b'&' | b';' | b'\n') => break,
                // After a blank: `2>` glued is a descriptor. A `-` just
                // before vanishes in tree-sitter-bash's reading (`python3 -
                // <<'PY'` comes out without it): left to tree-sitter.
                Some(b'>' | b'<')
                    if matches!(self.text.as_bytes().get(self.pos - 1), Some(b' ' | b'\t'))
                        && words
                            .last()
                            .is_some_and(|w| self.text.get(w.span.0..w.span.1) != Some("-")) =>
                {
                    redirects = self.redirections()?;
                    break;
                }
                // Anything else that is not a word start fails in `word`.
                _ => {}
            }
        }
        let first = words.first()?;
        let name = self.text.get(first.span.0..first.span.1)?;
        let unquoted: String = name.chars().filter(|c| !matches!(c, '\'' | '"')).collect();
        // tree-sitter-bash takes a reserved word glued to a quote as the
        // keyword (`export'x'y` as `export 'x'y`); bash reads one word.
        let keyword_prefix = match first.parts.first() {
            Some(Part::Bare(a, b)) if first.parts.len() > 1 => self
                .text
                .get(*a..*b)
                .is_some_and(|bare| NOT_A_NAME.contains(&bare)),
            _ => false,
        };
        // Command names left to tree-sitter:
        // * with `=`: an assignment;
        // * with `@`, `%` or `+` (`x@`, `a%b`, `t+:`, `-n+:`): tree-sitter-bash
        //   starts an (append) assignment or array there and reports a
        //   syntax error, where bash runs the command; the error (and
        //   `on_error`) must keep deciding (`g++` goes to tree-sitter too);
        // * a lone `-`: before an assignment-like word it vanishes in
        //   tree-sitter-bash's reading (`- a=b c` is `a=b c` there);
        // * reserved words and declaration builtins, also glued to a quote.
        if name.contains(['=', '@', '%', '+'])
            || name == "-"
            || keyword_prefix
            || NOT_A_NAME.contains(&unquoted.as_str())
        {
            return None;
        }
        Some(Command {
            words,
            redirects,
            start,
        })
    }

    /// The redirections ending a command: `> target` or `>> target`, then
    /// a here-document `<<'DELIM'` (or `"DELIM"`, a delimiter of word
    /// characters) that ends its line, whose body runs to the first line
    /// that is exactly the delimiter. Then the command must end its list
    /// (checked by `pipeline` and `list`), and after a here-document its
    /// line. Anything else (descriptors, `>&`, `>|`, `<`, `<<<`, `<<-`, an
    /// unquoted delimiter, whose body is expanded, a body line that starts
    /// with the delimiter or is it with blanks around, a control character
    /// but tab and newline in the body, no end line) is left to tree-sitter.
    fn redirections(&mut self) -> Option<Vec<Redirect>> {
        let mut out = Vec::new();
        if self.peek() == Some(b'>') {
            let append = self.at(">>");
            self.pos += if append { 2 } else { 1 };
            if matches!(self.peek(), Some(b'>' | b'&' | b'|' | b'<')) {
                return None;
            }
            self.blanks();
            let target = self.word()?;
            if target.span.0 == target.span.1
                || target.parts.iter().all(|p| p.inner().0 == p.inner().1)
            {
                return None;
            }
            out.push(Redirect::File { append, target });
            self.blanks();
        }
        if self.at("<<") {
            out.push(self.heredoc()?);
        }
        match self.peek() {
            None | Some(b'\n' | b';' | b'|' | b'&') if !out.is_empty() => Some(out),
            _ => None,
        }
    }

    /// A here-document with a quoted delimiter, the text at `<<`: leaves the
    /// position at the newline that ends the delimiter line (or the end).
    fn heredoc(&mut self) -> Option<Redirect> {
        self.pos += 2;
        let quote = self.peek().filter(|&q| q == b'\'' || q == b'"')?;
        let open = self.pos + 1;
        let len = self
            .text
            .get(open..)?
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))?;
        let delim = self.text.get(open..open + len)?;
        if delim.is_empty() || self.text.as_bytes().get(open + len) != Some(&quote) {
            return None;
        }
        self.pos = open + len + 1;
        self.blanks();
        if self.peek() != Some(b'\n') {
            return None;
        }
        let body_start = self.pos + 1;
        let mut line_start = body_start;
        loop {
            let rest = self.text.get(line_start..)?;
            if rest.is_empty() {
                // No end line: bash reads to the end with a warning.
                return None;
            }
            let line_len = rest.find('\n').unwrap_or(rest.len());
            let line = rest.get(..line_len)?;
            if line == delim {
                let body = self.text.get(body_start..line_start)?;
                if !quoted_ok(body, false) {
                    return None;
                }
                self.pos = line_start + line_len;
                // tree-sitter-bash's body starts at its first character that
                // is not a blank or newline (bash keeps them): the same text
                // both ways.
                let lead = body
                    .bytes()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\n'))
                    .unwrap_or(body.len());
                return Some(Redirect::Heredoc {
                    body: (body_start + lead, line_start),
                });
            }
            if line.trim_start().starts_with(delim) {
                return None;
            }
            line_start += line_len + 1;
        }
    }

    fn pipeline(&mut self) -> Option<Pipeline> {
        let mut commands = vec![self.command()?];
        while self.peek() == Some(b'|') && !self.at("||") {
            self.pos += 1;
            self.blanks_and_newlines();
            commands.push(self.command()?);
        }
        // Redirections only on a command alone in its pipeline (tree-sitter
        // gives a trailing one to the whole pipeline or list).
        if commands.len() > 1 && commands.iter().any(|c| !c.redirects.is_empty()) {
            return None;
        }
        Some(Pipeline { commands })
    }

    fn list(&mut self) -> Option<List> {
        let mut pipelines = vec![self.pipeline()?];
        while self.at("&&") || self.at("||") {
            self.pos += 2;
            self.blanks_and_newlines();
            pipelines.push(self.pipeline()?);
        }
        let redirected = |p: &Pipeline| p.commands.iter().any(|c| !c.redirects.is_empty());
        if pipelines.len() > 1 && pipelines.iter().any(redirected) {
            return None;
        }
        Some(List { pipelines })
    }
}

/// Parses `text` when it lies entirely in the simple subset (see the module
/// documentation); `None` otherwise, and for a text without any command.
pub(crate) fn parse(text: &str) -> Option<Script> {
    let mut lx = Lexer { text, pos: 0 };
    let mut script = Script::default();
    lx.blanks_and_newlines();
    while lx.pos < text.len() {
        script.lists.push(lx.list()?);
        // A list ends with `;` or a newline (then blanks and newlines), or the text.
        if lx.peek() == Some(b';') {
            lx.pos += 1;
            lx.blanks();
            if lx.peek() == Some(b';') {
                return None;
            }
        } else if lx.peek().is_some() && lx.peek() != Some(b'\n') {
            return None;
        }
        lx.blanks_and_newlines();
    }
    if script.lists.is_empty() {
        return None;
    }
    Some(script)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Option<Vec<Vec<Vec<Vec<String>>>>> {
        let s = parse(text)?;
        Some(
            s.lists
                .iter()
                .map(|l| {
                    l.pipelines
                        .iter()
                        .map(|p| {
                            p.commands
                                .iter()
                                .map(|c| {
                                    c.words
                                        .iter()
                                        .map(|w| text[w.span.0..w.span.1].to_string())
                                        .collect()
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect(),
        )
    }

    #[test]
    fn accepts_plain_lists_and_pipelines() {
        let s = shape("git status && cargo test -- --nocapture | tail -n 5; ls\nnpm test").unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].len(), 2);
        assert_eq!(s[0][1].len(), 2);
        assert_eq!(s[0][1][1], vec!["tail", "-n", "5"]);
        assert_eq!(s[2][0][0], vec!["npm", "test"]);
        let s = shape("git commit -m \"fix: a 'thing' (really)\" -m 'b\"c'").unwrap();
        assert_eq!(s[0][0][0].len(), 6);
        assert!(shape("a &&\n  b |\n c;").is_some());
        assert!(shape("  a b  \n\n").is_some());
        let s = shape("python3 -c 'import os\nos.getcwd()' && echo \"a\nb\"").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0][1][0], vec!["echo", "\"a\nb\""]);
    }

    #[test]
    fn refuses_everything_else() {
        for t in [
            "",
            "   ",
            "echo $HOME",
            "echo `id`",
            "echo a\\ b",
            "cat < in",
            "a & b",
            "a &",
            "(a)",
            "{ a; }",
            "ls *.rs",
            "ls ~",
            "echo a # c",
            "x=1 cmd",
            "'x'=1",
            "export A",
            "if true; then a; fi",
            "a ;; b",
            "; a",
            "a && ",
            "a | ",
            "| a",
            "a |& b",
            "echo \"$x\"",
            "echo \"a\\\"b\"",
            "echo 'unterminated",
            "echo \"unterminated",
            "echo héllo",
            "echo 'a\u{7}'",
            "echo 'a\rb'",
            "echo \"a\r\nb\"",
            "a\r\nb",
            "! a",
            "[[ a ]]",
            "a=b",
            "export'#'x",
            "a | t+:",
            "g++ -c a.c",
            "if\"a\" b",
        ] {
            assert!(parse(t).is_none(), "accepted {t:?}");
        }
    }

    proptest::proptest! {
        /// The byte test says what the definition by characters says.
        #[test]
        fn quoted_ok_is_the_character_test(
            inside in proptest::prop_oneof!["(?s).{0,12}", "[\\x00-\\u{a0}é—]{0,12}"],
            double: bool,
        ) {
            let by_char = inside.chars().all(|c| {
                let control = c.is_control() && c != '\t' && c != '\n';
                let special = double && matches!(c, '$' | '`' | '\\' | '!' | '"');
                !control && !special
            });
            proptest::prop_assert_eq!(quoted_ok(&inside, double), by_char);
        }
    }

    #[test]
    fn redirections_of_a_command_alone_in_its_list() {
        let text =
            "cat > notes.md <<'EOF'\n  $(rm -rf ~)\nx EOF\n\nEOF\nls > 'a b'; git log >> log";
        let s = parse(text).unwrap();
        assert_eq!(s.lists.len(), 3);
        let cat = &s.lists[0].pipelines[0].commands[0];
        let [Redirect::File {
            append: false,
            target,
        }, Redirect::Heredoc { body }] = cat.redirects.as_slice()
        else {
            unreachable!("{:?}", cat.redirects)
        };
        assert_eq!(&text[target.span.0..target.span.1], "notes.md");
        assert_eq!(&text[body.0..body.1], "$(rm -rf ~)\nx EOF\n\n");
        let log = &s.lists[2].pipelines[0].commands[0];
        assert!(matches!(
            log.redirects.as_slice(),
            [Redirect::File { append: true, .. }]
        ));
        assert!(parse("python3 <<\"PY\"\nprint(1)\nPY").is_some());
        assert!(parse("python3 - <<\"PY\"\nprint(1)\nPY").is_none());
        for t in [
            "cat <<EOF\nx\nEOF",
            "cat <<-'EOF'\nx\nEOF",
            "cat << 'EOF'\nx\nEOF",
            "cat <<'EOF' | sh\nx\nEOF",
            "cat <<'EOF' && ls\nx\nEOF",
            "cat <<'EOF'\nx",
            "cat <<'EOF'\n EOF\nEOF",
            "cat <<'EOF'\nEOFX\nEOF",
            "cat <<'EOF'\nx\r\nEOF",
            "cat <<'EOF' > f\nx\nEOF",
            "cat 2> f",
            "cat 2>f",
            "cat > f x",
            "cat > ''",
            "cat >& f",
            "cat >| f",
            "cat < f",
            "cat <<< x",
            "a > f | b",
            "a | b > f",
            "a > f && b",
            "a && b > f",
            "a > f &",
            "a > $f",
        ] {
            assert!(parse(t).is_none(), "accepted {t:?}");
        }
    }

    #[test]
    fn quoted_unicode_is_accepted() {
        assert!(parse("git commit -m 'café ✓'").is_some());
        assert!(parse("echo \"naïve\"").is_some());
    }
}

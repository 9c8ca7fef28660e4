//! A literal every match of a glob contains, to rule texts out before the
//! glob is compiled.
//!
//! Compiling a glob into its automaton costs ~45 K instructions; a hook
//! process compiles each glob it first tries. Most tries fail on the literal
//! part (`*://169.254.169.254*` against `main`), so the glob's longest literal
//! run is checked first, with a substring search.

/// The longest run of literal characters in glob `g` (the syntax of
/// `globset` with backslash escapes): a substring of every text `g`
/// matches. `None` when no run has two or more bytes.
///
/// A run ends at every token that is not one literal character: `*`, `?`,
/// `**`, a `[...]` class, a `{a,b}` alternation, and at `/`, which `**`
/// takes into itself (`a/**/b` matches `a/b`). A `\x` escape is the
/// literal `x`. A glob that does not parse gives runs that may be wrong,
/// but such a glob never compiles and so never matches anything.
///
/// ```text
/// **/.ssh/**            -> .ssh
/// *://169.254.169.254*  -> 169.254.169.254
/// {a,b}.pem             -> .pem
/// ```
pub(crate) fn glob_needle(g: &str) -> Option<String> {
    let g: Vec<char> = g.chars().collect();
    let mut best = String::new();
    let mut run = String::new();
    for t in tokens(&g) {
        match t {
            Token::Char(c) => run.push(c),
            _ => {
                if run.len() > best.len() {
                    std::mem::swap(&mut run, &mut best);
                }
                run.clear();
            }
        }
    }
    if run.len() > best.len() {
        best = run;
    }
    (best.len() >= 2).then_some(best)
}

/// A glob's syntax, as far as its literals go (`globset` syntax with
/// backslash escapes).
enum Token<'g> {
    /// A literal character, written or escaped (`\*` is `*`, `\/` a `/`).
    Char(char),
    /// An unescaped `/`.
    Slash,
    /// `**`: any directories, or none, taking a `/` beside it with them
    /// (`a/**/b` matches `a/b`).
    Stars,
    /// What ends a literal run and promises nothing: `*`, `?`, a `[…]`
    /// class, a stray `]`, `}` or `,`, a trailing `\`.
    Other,
    /// A `{…}` alternation: its top-level branches.
    Alternation(Vec<&'g [char]>),
}

/// The tokens of glob `g`, read as they are asked for (a hook process
/// reads the self-protection policy's globs, long absolute paths, on every
/// call).
fn tokens(g: &[char]) -> impl Iterator<Item = Token<'_>> {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        let &c = g.get(i)?;
        i += 1;
        Some(match c {
            '\\' => match g.get(i) {
                Some(&x) => {
                    i += 1;
                    Token::Char(x)
                }
                None => Token::Other,
            },
            '*' if g.get(i) == Some(&'*') => {
                while g.get(i) == Some(&'*') {
                    i += 1;
                }
                Token::Stars
            }
            '/' => Token::Slash,
            '[' => {
                i = class_end(g, i);
                Token::Other
            }
            '{' => {
                let (branches, end) = branches(g, i);
                i = end;
                Token::Alternation(branches)
            }
            '*' | '?' | ']' | '}' | ',' => Token::Other,
            c => Token::Char(c),
        })
    })
}

/// Where reading goes on after the `[…]` class whose members start at
/// `from` (just after its `[`): `]` right after `[` or `[!` / `[^` is a
/// member, not the end.
fn class_end(g: &[char], from: usize) -> usize {
    let mut members = 0usize;
    let mut negated = false;
    let mut i = from;
    while let Some(&x) = g.get(i) {
        i += 1;
        if x == ']' && members > 0 {
            break;
        }
        if members == 0 && !negated && matches!(x, '!' | '^') {
            negated = true;
            continue;
        }
        members += 1;
    }
    i
}

/// Literals one of which every path that path glob `g` matches holds, with
/// a `/` appended, whatever the home and project directories are. `None`
/// when the glob gives no such literals of two or more bytes.
///
/// The glob is read after the prefix [`crate::policy::Env`] expands
/// (`{project}`, `{home}`, the `~` of `~/`; `~` alone leaves nothing). Unlike
/// [`glob_needle`], a run keeps its `/` except next to `**` (which may
/// match no directory at all), and a `{a,b}` alternation whose every
/// branch has literals gives the set of them. Of a glob's runs and
/// alternations, the one whose shortest literal is longest is taken (then
/// the one with fewer literals). A run may end in `/` (`/dev/mapper/*`,
/// which matches `/dev/mapper` as a directory): the path is searched with
/// a `/` appended, as the environment also matches it.
///
/// ```text
/// ~/.ssh/**                       -> [/.ssh]
/// {project}/.git/hooks/**         -> [/.git/hooks]
/// ~/.{bashrc,zshrc}               -> [bashrc, zshrc]
/// {home}                          -> None
/// ```
pub(crate) fn path_glob_needles(g: &str) -> Option<Vec<String>> {
    let rest = if let Some(rest) = g.strip_prefix("{project}") {
        rest
    } else if let Some(rest) = g.strip_prefix("{home}") {
        rest
    } else if g == "~" {
        ""
    } else if let Some(rest) = g.strip_prefix('~').filter(|r| r.starts_with('/')) {
        rest
    } else {
        g
    };
    // A plain path, or one ending in `/**` (the self-protection policy's
    // globs, built on every hook call): itself, without the `/**`.
    let plain = rest.strip_suffix("/**").unwrap_or(rest);
    if !plain.contains(['*', '?', '[', ']', '{', '}', ',', '\\']) {
        return (plain.len() >= 2).then(|| vec![plain.to_string()]);
    }
    let chars: Vec<char> = rest.chars().collect();
    requirement(&chars, 0)
}

/// Deepest `{…}` nesting [`requirement`] looks into (globset itself
/// rejects nested alternations).
const MAX_ALTERNATION_DEPTH: usize = 4;

/// The best literal set of glob `g` (see [`path_glob_needles`]).
fn requirement(g: &[char], depth: usize) -> Option<Vec<String>> {
    let mut best: Option<Vec<String>> = None;
    let mut consider = |set: Vec<String>| {
        let score = |s: &[String]| {
            (
                s.iter().map(String::len).min().unwrap_or(0),
                usize::MAX - s.len(),
            )
        };
        if set.iter().all(|l| l.len() >= 2)
            && best.as_deref().is_none_or(|b| score(&set) > score(b))
        {
            best = Some(set);
        }
    };
    let mut run = String::new();
    let mut tokens = tokens(g).peekable();
    while let Some(t) = tokens.next() {
        match t {
            Token::Char(c) => run.push(c),
            // A `/` that `**` may take with it ends the run.
            Token::Slash if matches!(tokens.peek(), Some(Token::Stars)) => {
                consider(vec![std::mem::take(&mut run)]);
            }
            Token::Slash => run.push('/'),
            Token::Stars => {
                if run.ends_with('/') {
                    run.pop();
                }
                consider(vec![std::mem::take(&mut run)]);
                if matches!(tokens.peek(), Some(Token::Slash)) {
                    tokens.next();
                }
            }
            Token::Other => consider(vec![std::mem::take(&mut run)]),
            Token::Alternation(branches) => {
                consider(vec![std::mem::take(&mut run)]);
                if depth < MAX_ALTERNATION_DEPTH {
                    let sets: Option<Vec<Vec<String>>> =
                        branches.iter().map(|b| requirement(b, depth + 1)).collect();
                    if let Some(sets) = sets {
                        let mut union: Vec<String> = sets.into_iter().flatten().collect();
                        union.sort();
                        union.dedup();
                        consider(union);
                    }
                }
            }
        }
    }
    consider(vec![run]);
    best
}

/// The top-level branches of the alternation whose content starts at
/// `from` (just after its `{`), and where reading goes on (after its `}`).
fn branches(g: &[char], from: usize) -> (Vec<&[char]>, usize) {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    let mut i = from;
    while let Some(&c) = g.get(i) {
        match c {
            '\\' => i += 1,
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.push(g.get(start..i).unwrap_or_default());
                return (out, i + 1);
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(g.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // Unclosed: globset rejects the glob, which then matches nothing.
    out.push(g.get(start..).unwrap_or_default());
    (out, g.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{glob_needle, path_glob_needles};
    use proptest::prelude::*;

    fn matches(glob: &str, text: &str) -> bool {
        globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .is_ok_and(|g| g.compile_matcher().is_match(text))
    }

    #[test]
    fn longest_literal_run() {
        for (g, n) in [
            ("**/.ssh/**", Some(".ssh")),
            ("*://169.254.169.254*", Some("169.254.169.254")),
            ("{a,bcd}.pem", Some(".pem")),
            ("[ab]cd", Some("cd")),
            ("[]xy]zz", Some("zz")),
            ("[!]xy]zz", Some("zz")),
            ("\\*lit\\?", Some("*lit?")),
            ("mcp__*", Some("mcp__")),
            ("a/b", None),
            ("*", None),
            ("", None),
        ] {
            assert_eq!(glob_needle(g).as_deref(), n, "{g}");
        }
    }

    #[test]
    fn matches_contain_the_needle() {
        for (g, t) in [
            ("**/.ssh/**", ".ssh/id_rsa"),
            ("**/.ssh/**", "/home/u/.ssh/id_rsa"),
            ("ab/**/cd", "ab/cd"),
            ("ab/**", "ab/x"),
            ("{ab,cd}ef", "cdef"),
            ("[xy]zz", "yzz"),
            ("\\*lit", "*lit"),
        ] {
            assert!(matches(g, t), "{g} should match {t}");
            let n = glob_needle(g).unwrap();
            assert!(t.contains(&n), "{g}: {t} lacks {n}");
        }
    }

    #[test]
    fn path_needles() {
        for (g, n) in [
            ("~/.ssh/**", Some(vec!["/.ssh"])),
            ("{home}/.aws/credentials", Some(vec!["/.aws/credentials"])),
            ("{project}/.git/hooks/**", Some(vec!["/.git/hooks"])),
            ("{project}", None),
            ("{home}/**", None),
            ("~", None),
            ("~foo/bar", Some(vec!["~foo/bar"])),
            (".env", Some(vec![".env"])),
            ("/etc/shadow", Some(vec!["/etc/shadow"])),
            ("/dev/sd*", Some(vec!["/dev/sd"])),
            ("/dev/mapper/*", Some(vec!["/dev/mapper/"])),
            ("ab/**/cd", Some(vec!["ab"])),
            ("~/.{bashrc,zshrc}", Some(vec!["bashrc", "zshrc"])),
            (
                "{/root,/home/*}/.{profile,zshrc}",
                Some(vec!["/home/", "/root"]),
            ),
            ("{/r,/h/*}/.{profile,zshrc}", Some(vec!["profile", "zshrc"])),
            ("~/bin/{sh,sudo}", Some(vec!["/bin/"])),
            ("{a,bc}", None),
            ("{ab,{cd,ef}}", Some(vec!["ab", "cd", "ef"])),
            ("\\*lit", Some(vec!["*lit"])),
        ] {
            let want = n.map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
            assert_eq!(path_glob_needles(g), want, "{g}");
        }
    }

    /// Globs over a small alphabet, with the prefixes the environment
    /// expands.
    const PATH_GLOB: &str =
        "(~|~/|\\{home\\}|\\{project\\}|/)?([ab./]|\\*|\\*\\*|\\?|\\{a,b\\.\\}|\\{ab,/a/\\}|\\{a\\*b,\\*\\*/ba\\}){0,8}";

    proptest! {
        /// Whenever the environment (any home and project) says a path glob
        /// matches a path, the path with a `/` appended holds one of the
        /// glob's path needles.
        #[test]
        fn every_path_match_holds_the_path_needle(
            g in PATH_GLOB,
            home in "/[ab.]{0,3}(/[ab.]{1,3})?",
            project in "/[ab.]{0,3}(/[ab.]{1,3})?",
            path in "/[ab./]{0,12}",
        ) {
            let opts = crate::ShellOptions::for_home(&home, &project);
            let env = crate::policy::Env::new(&opts, &project);
            if env.path_glob_matches(&g, &path) {
                if let Some(n) = path_glob_needles(&g) {
                    let token = format!("{path}/");
                    prop_assert!(n.iter().any(|n| token.contains(n.as_str())), "{} matches {} without {:?}", g, path, n);
                }
            }
        }

        /// The environment matches a path glob as globset matches the
        /// expanded glob against the path or the path with a `/` appended
        /// (so `dir/**` matches `dir`), whichever shortcut it takes.
        #[test]
        fn env_path_globs_agree_with_globset(
            g in PATH_GLOB,
            home in "/[ab.]{1,3}(/[ab.]{1,3})?",
            project in "/[ab.]{1,3}(/[ab.]{1,3})?",
            path in "/[ab./]{0,12}",
        ) {
            let opts = crate::ShellOptions::for_home(&home, &project);
            let env = crate::policy::Env::new(&opts, &project);
            let project = crate::paths::normalize_lexically(&project);
            let mut e = if let Some(rest) = g.strip_prefix("{project}") {
                format!("{project}{rest}")
            } else if let Some(rest) = g.strip_prefix("{home}") {
                format!("{home}{rest}")
            } else if g == "~" {
                home.clone()
            } else if let Some(rest) = g.strip_prefix("~/") {
                format!("{home}/{rest}")
            } else {
                g.clone()
            };
            if !e.starts_with('/') && !e.starts_with("**") {
                e = format!("**/{e}");
            }
            let want = matches(&e, &path) || matches(&e, &format!("{path}/"));
            prop_assert_eq!(env.path_glob_matches(&g, &path), want, "{} ({}) on {}", g, e, path);
        }

        /// Over a small alphabet (so that random globs often match random
        /// texts): whenever a glob matches a text, the text holds its needle.
        #[test]
        fn every_match_holds_the_needle(
            g in "([ab./]|\\*|\\*\\*|\\?|\\[ab\\]|\\{a,b\\.\\}|\\\\\\*){0,8}",
            t in "[ab./*]{0,10}",
        ) {
            if matches(&g, &t) {
                if let Some(n) = glob_needle(&g) {
                    prop_assert!(t.contains(&n), "{} matches {} without {}", g, t, n);
                }
            }
        }
    }
}

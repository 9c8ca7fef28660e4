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
    let mut best = String::new();
    let mut run = String::new();
    let mut chars = g.chars();
    fn end_run(run: &mut String, best: &mut String) {
        if run.len() > best.len() {
            std::mem::swap(run, best);
        }
        run.clear();
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(x) => run.push(x),
                None => end_run(&mut run, &mut best),
            },
            '[' => {
                end_run(&mut run, &mut best);
                // `]` right after `[` or `[!` / `[^` is a member, not the end.
                let mut members = 0usize;
                let mut negated = false;
                for x in chars.by_ref() {
                    if x == ']' && members > 0 {
                        break;
                    }
                    if members == 0 && !negated && matches!(x, '!' | '^') {
                        negated = true;
                        continue;
                    }
                    members += 1;
                }
            }
            '{' => {
                end_run(&mut run, &mut best);
                let mut depth = 1usize;
                for x in chars.by_ref() {
                    match x {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            '*' | '?' | '/' | ']' | '}' | ',' => end_run(&mut run, &mut best),
            _ => run.push(c),
        }
    }
    end_run(&mut run, &mut best);
    (best.len() >= 2).then_some(best)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::glob_needle;
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

    proptest! {
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

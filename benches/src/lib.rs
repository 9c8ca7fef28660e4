//! # agent-policy-benches
//!
//! Criterion benchmarks of agent-policy; this library only holds inputs that
//! several benchmarks share. The benchmarks live in `benches/*.rs`:
//!
//! ```text
//! cargo bench -p agent-policy-benches            # run them
//! cargo bench -p agent-policy-benches --no-run   # only build them (CI)
//! ```

/// Commands joined with ` && ` until the text is at least `min_bytes` long:
/// `git status`, `cargo build --release`, `ls -la src`, `npm test` and
/// `rg -n TODO src/`, the next one picked by the text's length so far (all
/// in the normalizer's simple subset).
///
/// ```
/// let chain = agent_policy_benches::simple_and_chain(100);
/// assert!(chain.len() >= 100 && chain.starts_with("git status && "));
/// ```
pub fn simple_and_chain(min_bytes: usize) -> String {
    const PARTS: [&str; 5] = [
        "git status",
        "cargo build --release",
        "ls -la src",
        "npm test",
        "rg -n TODO src/",
    ];
    let mut chain = String::new();
    while chain.len() < min_bytes {
        if !chain.is_empty() {
            chain.push_str(" && ");
        }
        chain.push_str(PARTS[chain.len() % PARTS.len()]);
    }
    chain
}

/// Commands joined with ` && ` until the text is at least `min_bytes` long,
/// each one different: `mkdir -p build/dN`, `cp src/fN.rs build/dN/`,
/// `grep -n fnN src/lib.rs`, `touch out/tN.txt` in turn, so that nothing a
/// per-token cache learns from one command applies to the next, and three
/// of four write or read files (each a file action with its path).
///
/// ```
/// let chain = agent_policy_benches::distinct_file_chain(60);
/// assert!(chain.starts_with("mkdir -p build/d0 && cp src/f1.rs build/d1/ && "));
/// ```
pub fn distinct_file_chain(min_bytes: usize) -> String {
    grow(String::new(), min_bytes, |i| {
        let and = if i == 0 { "" } else { " && " };
        match i % 4 {
            0 => format!("{and}mkdir -p build/d{i}"),
            1 => format!("{and}cp src/f{i}.rs build/d{i}/"),
            2 => format!("{and}grep -n fn{i} src/lib.rs"),
            _ => format!("{and}touch out/t{i}.txt"),
        }
    })
}

/// `text` with `piece(0)`, `piece(1)`, … appended until it is at least
/// `min_bytes` long.
fn grow(mut text: String, min_bytes: usize, piece: impl Fn(usize) -> String) -> String {
    let mut i = 0usize;
    while text.len() < min_bytes {
        text.push_str(&piece(i));
        i += 1;
    }
    text
}

/// `cat > NOTES.md <<'EOF'` with a Markdown body of at least `min_bytes`
/// (numbered lines of prose and code, with an em dash in each: text that is
/// not ASCII, as agents write it), then `EOF`.
///
/// ```
/// let h = agent_policy_benches::heredoc_file(200);
/// assert!(h.starts_with("cat > NOTES.md <<'EOF'\n") && h.ends_with("\nEOF"));
/// ```
pub fn heredoc_file(min_bytes: usize) -> String {
    let body = grow(String::new(), min_bytes, |i| {
        format!("{i}. The parser keeps line {i} — see `src/lib.rs` and run `cargo test -p core` before merging.\n")
    });
    format!("cat > NOTES.md <<'EOF'\n{body}EOF")
}

/// `python3 -c "…"` with a script of at least `min_bytes` (distinct lines
/// calling `os`, `json` and `print`).
///
/// ```
/// let p = agent_policy_benches::python_inline(100);
/// assert!(p.starts_with("python3 -c \"import os, json, sys\n") && p.ends_with('"'));
/// ```
pub fn python_inline(min_bytes: usize) -> String {
    let code = grow("import os, json, sys\n".into(), min_bytes, |i| {
        format!("row{i} = json.loads(json.dumps({{'n': {i}, 'cwd': os.getcwd()}})); print(row{i}['n'], file=sys.stderr)\n")
    });
    format!("python3 -c \"{code}\"")
}

/// `git commit -m "…"` with a message of at least `min_bytes`.
///
/// ```
/// let c = agent_policy_benches::long_commit_message(50);
/// assert!(c.starts_with("git commit -m \"") && c.len() >= 50);
/// ```
pub fn long_commit_message(min_bytes: usize) -> String {
    let msg = grow(String::new(), min_bytes, |i| {
        format!("Step {i}: split the walker's state so that nested commands keep their own scope. ")
    });
    format!("git commit -m \"{msg}\"")
}

/// The ~10 KB commands the benchmarks time, by name: the repeated simple
/// chain, the distinct file chain, a heredoc, inline Python and a long
/// commit message.
pub fn ten_kb_commands() -> Vec<(&'static str, String)> {
    vec![
        ("and_chain", simple_and_chain(10_000)),
        ("distinct_file_chain", distinct_file_chain(10_000)),
        ("heredoc", heredoc_file(10_000)),
        ("python_c", python_inline(10_000)),
        ("commit_message", long_commit_message(10_000)),
    ]
}

//! The process floor for hook latency: a Rust program that reads a hook
//! payload from stdin and prints a JSON answer, doing nothing else.
//! `benches/hook-latency.sh` times `policy-cli hook` against it.

use std::io::{Read, Write};

fn main() {
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        std::process::exit(2);
    }
    let answer = format!(
        "{{\"hookSpecificOutput\":{{\"hookEventName\":\"PreToolUse\",\"note\":\"read {} bytes\"}}}}",
        input.len()
    );
    if writeln!(std::io::stdout(), "{answer}").is_err() {
        std::process::exit(2);
    }
}

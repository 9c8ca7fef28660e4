//! Differential fuzzing of the simple-subset lexer: every command must give
//! the same actions whether the lexer reads it (when it lies in the subset)
//! or tree-sitter-bash does (`ShellOptions::simple_parser` on and off).
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::{normalize_command, ShellOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(command) = std::str::from_utf8(data) {
        let mut opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let fast = normalize_command(command, &opts);
        opts.simple_parser = false;
        let tree = normalize_command(command, &opts);
        assert_eq!(fast, tree, "the two readings of {command:?} differ");
    }
});

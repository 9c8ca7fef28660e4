//! Fuzzes the shell normalizer: any UTF-8 command must normalize without
//! panicking, overflowing the stack or running away in time or memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::{normalize_command, ShellOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(command) = std::str::from_utf8(data) {
        let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
        let _ = normalize_command(command, &opts);
    }
});

//! Fuzzes tool-call parsing and normalization: any UTF-8 text is read as a
//! hook JSON tool call and, when it parses, normalized without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::{normalize, ShellOptions, ToolCall};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(call) = ToolCall::from_json_str(text) else {
        return;
    };
    let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    let _ = normalize(&call, &opts);
});

//! Fuzzes the policy loader (YAML parse, schema, rule compilation) and, for
//! policies that load, evaluation of a fixed set of calls. Only asserts that
//! nothing panics or hangs.

#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_core::policy::{Env, Policy};
use policy_core::{ShellOptions, ToolCall};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // `extends` of files would read the disk; the loader is exercised without them.
    if text.contains("extends") {
        return;
    }
    let Ok(policy) = Policy::from_yaml(text) else { return };
    let opts = ShellOptions::for_home("/home/dev", "/home/dev/project");
    let env = Env::new(&opts, "/home/dev/project");
    for cmd in ["git push -f origin main", "rm -rf ~", "curl -s x | sh", "cat .env"] {
        let _ = policy.evaluate(&ToolCall::bash(cmd), &opts, &env);
    }
});

//! Scratch: prints the actions of each argument.
fn main() {
    let opts = policy_core::ShellOptions::for_home("/home/dev", "/home/dev/project");
    for a in std::env::args().skip(1) {
        println!("== {a}");
        for x in policy_core::normalize_command(&a, &opts) {
            println!("  {}", x.describe());
        }
    }
}

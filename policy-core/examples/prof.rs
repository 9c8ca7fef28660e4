//! Times `normalize_command` on one command in a loop (`@FILE` reads it from a file):
//! `cargo run --release -p policy-core --example prof -- "git status" 100000`.
fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let cmd = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).unwrap_or_default(),
        None => arg,
    };
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10000);
    let opts = policy_core::ShellOptions::for_home("/home/dev", "/home/dev/project");
    let t = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..n {
        total += policy_core::normalize_command(&cmd, &opts).len();
    }
    println!("{:?} per call ({total})", t.elapsed() / n as u32);
}

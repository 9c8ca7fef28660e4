//! Secret detection and output cleaning on a large tool output.
//!
//! `scan/1MiB` scans 1 MiB of realistic tool output (build logs, source code,
//! JSON with ids and hashes, base64 blobs, paths) holding a handful of planted
//! secrets; `scrub/1MiB` also rewrites it with `[REDACTED:KIND]`;
//! `sanitize/1MiB` strips escapes and caps lines. `scan/1KiB` is a typical
//! tool input (what the hook scans for every call).
//!
//! ```text
//! cargo bench -p agent-policy-benches --bench secrets -- --warm-up-time 1 --measurement-time 3 --noplot
//! ```

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// Deterministic pseudo-random generator (xorshift), so every run scans the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

const HEX: &[u8] = b"0123456789abcdef";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz_";

/// About `bytes` of tool output with five planted secrets.
pub fn tool_output(bytes: usize) -> String {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(bytes + 256);
    let mut n = 0u64;
    while out.len() < bytes {
        n += 1;
        let line = match r.next() % 10 {
            0 => format!(
                "   Compiling {}-{} v0.{}.{} (/home/dev/project/crates/{})",
                r.word(LOWER, 6),
                r.word(LOWER, 4),
                r.next() % 20,
                r.next() % 10,
                r.word(LOWER, 8)
            ),
            1 => format!(
                "{{\"id\":\"{}-{}-{}\",\"sha\":\"{}\",\"status\":\"ok\",\"elapsed_ms\":{}}}",
                r.word(HEX, 8),
                r.word(HEX, 4),
                r.word(HEX, 12),
                r.word(HEX, 40),
                r.next() % 1000
            ),
            2 => format!(
                "    let {} = {}.{}(&{})?;",
                r.word(LOWER, 7),
                r.word(LOWER, 5),
                r.word(LOWER, 9),
                r.word(LOWER, 4)
            ),
            3 => format!("data: {}", r.word(B64, 76)),
            4 => format!(
                "src/{}/{}.rs:{}:{}: warning: unused variable: `{}`",
                r.word(LOWER, 6),
                r.word(LOWER, 8),
                r.next() % 900,
                r.next() % 80,
                r.word(LOWER, 5)
            ),
            5 => format!(
                "2026-11-24T10:{:02}:{:02}Z INFO request method=GET path=/api/v1/{} status=200 token_count={}",
                r.next() % 60,
                r.next() % 60,
                r.word(LOWER, 10),
                r.next() % 5000
            ),
            6 => format!(
                "commit {}\nAuthor: Dev <dev@example.com>\n\n    fix: {} {}",
                r.word(HEX, 40),
                r.word(LOWER, 6),
                r.word(LOWER, 9)
            ),
            7 => format!(
                "https://github.com/{}/{}/blob/main/{}.md",
                r.word(LOWER, 8),
                r.word(LOWER, 6),
                r.word(LOWER, 5)
            ),
            8 => format!(
                "-rw-r--r-- 1 dev dev {} Nov 24 10:00 {}.{}",
                r.next() % 100_000,
                r.word(LOWER, 9),
                ["rs", "toml", "json", "md"][(r.next() % 4) as usize]
            ),
            _ => format!(
                "test {}::{}::{} ... ok",
                r.word(LOWER, 6),
                r.word(LOWER, 8),
                r.word(LOWER, 10)
            ),
        };
        out.push_str(&line);
        out.push('\n');
        if n.is_multiple_of(2000) {
            out.push_str(match (n / 2000) % 5 {
                0 => "AWS_ACCESS_KEY_ID=AKIAZ7Q3RHB2LM5XW4PN\n",
                1 => "Authorization: token ghp_R8f2Kq9ZxL3mW7vN1pT5yB0cJ6hD4sA2eG8u\n",
                2 => "export OPENAI_API_KEY=sk-proj-Xq7Lm2Nv9Bc4Zr8Kt1Wy6Hp3Jd5Fs0Ga\n",
                3 => "db: postgres://app:Tr0ub4dor3x@db.internal:5432/app\n",
                _ => "slack: xoxb-2345678901-Q8w7E6r5T4y3U2i1\n",
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let big = tool_output(1 << 20);
    let found = policy_core::secrets::scan(&big);
    let kinds: Vec<_> = found.iter().map(|f| f.kind).collect();
    eprintln!("{} findings in {} bytes: {kinds:?}", found.len(), big.len());
    assert!(found.len() >= 5, "planted secrets not found");
    let small = &big[..1024];

    let mut g = c.benchmark_group("secrets");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("scan/1MiB", |b| {
        b.iter(|| policy_core::secrets::scan(std::hint::black_box(&big)))
    });
    g.bench_function("scrub/1MiB", |b| {
        b.iter(|| policy_core::scrub(std::hint::black_box(&big)))
    });
    g.bench_function("sanitize/1MiB", |b| {
        b.iter(|| policy_core::sanitize_output(std::hint::black_box(&big)))
    });
    g.throughput(Throughput::Bytes(small.len() as u64));
    g.bench_function("scan/1KiB", |b| {
        b.iter(|| policy_core::secrets::scan(std::hint::black_box(small)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

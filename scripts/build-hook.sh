#!/usr/bin/env bash
# Builds the release `policy-cli` to register as the agents' hook, and prints
# its path on the last line of stdout (cargo's output goes to stderr).
#
#   bash scripts/build-hook.sh                     # then: "$(…)" install
#   bash scripts/build-hook.sh -p agent-policy-benches --bin hook_floor   # more targets, same flags
#
# On Linux with glibc (a `*-linux-gnu` host), the binary is linked statically
# and position-dependent (`-C target-feature=+crt-static -C
# relocation-model=static`): the hook is a fresh process per tool call, and
# without the dynamic loader (mapping and relocating libc, resolving symbols)
# a benign call takes ~1.05 ms instead of ~1.4 ms on the CI machine
# (BENCHMARKS.md, "Hook latency, round six"). Elsewhere it is the ordinary
# release build. `--target` keeps those flags off build scripts and proc
# macros (which cannot be static); `RUSTFLAGS`, when set, overrides them.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
case "$host" in
*-linux-gnu)
    flags='["-C", "target-feature=+crt-static", "-C", "relocation-model=static"]'
    cargo build --release -p policy-cli --bin policy-cli --target "$host" \
        --config "target.$host.rustflags = $flags" "$@" >&2
    echo "$target_dir/$host/release/policy-cli"
    ;;
*)
    cargo build --release -p policy-cli --bin policy-cli "$@" >&2
    echo "$target_dir/release/policy-cli"
    ;;
esac

#!/usr/bin/env bash
# Builds the C example rules (rules/wasm/*.c) into WebAssembly modules next to
# them, with Debian's clang and lld (apt-get install clang lld). No libc, no
# WASI: the only import a module may have is env.log.
#
#   bash rules/wasm/build.sh          # CI runs this before the tests
set -euo pipefail
cd "$(dirname "$0")"
CC=${CC:-clang}
for c in *.c; do
    out=${c%.c}.wasm
    "$CC" --target=wasm32 -O2 -nostdlib -mbulk-memory -fno-builtin \
        -Wall -Wextra -Werror \
        -Wl,--no-entry -Wl,--strip-all \
        -o "$out.tmp" "$c"
    mv "$out.tmp" "$out"
    echo "built rules/wasm/$out ($(wc -c <"$out") bytes)"
done

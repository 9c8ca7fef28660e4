#!/usr/bin/env bash
# Hook process latency, end to end, side by side with the process floor.
#
#   bash benches/hook-latency.sh            # needs hyperfine (apt-get install hyperfine)
#   HYPERFINE=/path/to/hyperfine bash benches/hook-latency.sh   # a newer one (>= 1.16: no shell)
#
# Times `policy-cli hook` as users install it (`scripts/build-hook.sh`:
# statically linked on Linux/glibc; builtin default and self-protection packs;
# benign `git status` call and a denied force-push) against `hook_floor`, a
# Rust program that only reads stdin and prints JSON, built the ordinary way.
# The target (DESIGN §11) is hook median ≤ 1.5 × floor median. For reference
# the same run also times the ordinary (dynamically linked) release build of
# `policy-cli` and a statically linked `hook_floor`. Then, with a one-rule user
# policy instead of the builtin packs: a `match` rule, and one precompiled
# WASM rule (rules/wasm/deploy_hours.wasm, built by rules/wasm/build.sh;
# target ≤ 2 × floor).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p policy-cli -p agent-policy-benches --bin policy-cli --bin hook_floor
built=$(bash scripts/build-hook.sh -q -p agent-policy-benches --bin hook_floor | tail -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Every binary is timed as an installed copy (`cp`, as `cargo install` does),
# never as the file the linker wrote: on Linux 6.18/ext4 the page cache holds a
# file written sequentially in large folios and the linker's output in 4 KiB
# ones, and exec'ing the latter took ~0.4 ms more per process in the same run
# (BENCHMARKS.md, "Hook latency, round six").
mkdir "$tmp/bin"
cp "$built" "$tmp/bin/policy-cli"
cp "$(dirname "$built")/hook_floor" "$tmp/bin/hook_floor_static"
cp target/release/policy-cli "$tmp/bin/policy-cli-dynamic"
cp target/release/hook_floor "$tmp/bin/hook_floor"
hook=$tmp/bin/policy-cli
dynamic=$tmp/bin/policy-cli-dynamic
floor=$tmp/bin/hook_floor
static_floor=$tmp/bin/hook_floor_static
cat > "$tmp/benign.json" <<'JSON'
{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"}}
JSON
cat > "$tmp/deny.json" <<'JSON'
{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git push --force origin main"}}
JSON
# Session state (rate limits, taint) and the audit log go to a fresh directory, not ~/.local.
export HOME=/home/dev XDG_CACHE_HOME="$tmp/cache" AGENT_POLICY_STATE_DIR="$tmp/state"
unset AGENT_POLICY_FILE XDG_CONFIG_HOME XDG_STATE_HOME
unset AGENT_POLICY_CACHE_DIR
bash rules/wasm/build.sh >/dev/null
cat > "$tmp/match.yaml" <<'YAML'
version: 1
rules:
  - id: one
    decision: deny
    message: m
    match: { program: kubectl, subcommand: apply }
YAML
cat > "$tmp/wasm.yaml" <<YAML
version: 1
rules:
  - id: one
    message: m
    wasm: $PWD/rules/wasm/deploy_hours.wasm
    config: { commands: ["kubectl apply"], start_hour: 9, end_hour: 17 }
YAML
# Warm the caches (compiled policies, .cwasm).
for p in match wasm; do AGENT_POLICY_FILE="$tmp/$p.yaml" "$hook" hook < "$tmp/benign.json" >/dev/null; done
"$hook" hook < "$tmp/benign.json" >/dev/null
# Before every run, the session holds ten Bash calls of the last ten seconds:
# a session in ordinary use. (Without this, hundreds of runs in a few seconds
# fill the rate-limit window with hundreds of timestamps, and every later run
# reads and rewrites them and answers `ask`: a burst, not the common case.)
cat > "$tmp/prep.sh" <<'SH'
#!/bin/sh
now=$(date +%s%3N)
b=""
for i in 1 2 3 4 5 6 7 8 9 10; do b="$b[$((now - i * 1000)),1],"; done
printf '{"version":1,"updated_ms":%s,"calls":10,"rates":{"bash-burst":[%s]}}\n' "$now" "${b%,}" \
  > "$AGENT_POLICY_STATE_DIR/sessions/s.json"
SH
HYPERFINE=${HYPERFINE:-hyperfine}
if "$HYPERFINE" --help | grep -q -- '--input'; then
  # hyperfine >= 1.16 (`cargo install hyperfine --version 1.20.0 --locked`):
  # no shell at all, the payload on stdin. The deny payload goes through
  # `--input` too, so it is its own run.
  run() {
    "$HYPERFINE" -N --warmup 50 --runs "${RUNS:-500}" --prepare "sh $tmp/prep.sh" \
      --input "$tmp/benign.json" --export-json "$tmp/result.json" \
      -n floor "$floor" \
      -n "hook (git status, pass)" "$hook hook" \
      -n "  dynamically linked build" "$dynamic hook" \
      -n "  floor, statically linked" "$static_floor" \
      -n "hook, one match rule" "$hook hook --policy $tmp/match.yaml" \
      -n "hook, one precompiled wasm rule" "$hook hook --policy $tmp/wasm.yaml"
    "$HYPERFINE" -N --warmup 50 --runs "${RUNS:-500}" --prepare "sh $tmp/prep.sh" \
      --input "$tmp/deny.json" --export-json "$tmp/deny.json.result" \
      -n "floor (deny payload)" "$floor" \
      -n "hook (git push --force, deny)" "$hook hook" \
      -n "  dynamically linked build" "$dynamic hook"
  }
else
  # hyperfine 1.15 (Debian 12) has no --input: each command reads its payload
  # through a shell redirection, and hyperfine subtracts the shell's own
  # start-up (imprecisely for commands this short: it says so).
  run() {
    "$HYPERFINE" --warmup 50 --runs "${RUNS:-500}" --prepare "sh $tmp/prep.sh" \
      --export-json "$tmp/result.json" \
      -n floor "$floor < $tmp/benign.json" \
      -n "hook (git status, pass)" "$hook hook < $tmp/benign.json" \
      -n "  dynamically linked build" "$dynamic hook < $tmp/benign.json" \
      -n "  floor, statically linked" "$static_floor < $tmp/benign.json" \
      -n "hook (git push --force, deny)" "$hook hook < $tmp/deny.json" \
      -n "hook, one match rule" "AGENT_POLICY_FILE=$tmp/match.yaml $hook hook < $tmp/benign.json" \
      -n "hook, one precompiled wasm rule" "AGENT_POLICY_FILE=$tmp/wasm.yaml $hook hook < $tmp/benign.json"
  }
fi
run
python3 - "$tmp/result.json" "$tmp/deny.json.result" <<'PY'
import json, os, sys
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    r = json.load(open(path))["results"]
    floor = r[0]["median"]
    for x in r:
        print(f'{x["command"]:<32} median {x["median"]*1e3:7.3f} ms  = {x["median"]/floor:4.2f} x floor'
              f'  (user {x["user"]*1e3:.2f} ms, system {x["system"]*1e3:.2f} ms)')
PY

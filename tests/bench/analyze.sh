#!/usr/bin/env bash
# Benchmark of `csat analyze` on the committed demo workspace (seed 15): load time (reading
# the lake), compute time (all marts) and write time, from the binary's own -v timing log.
# Usage: tests/bench/analyze.sh [debug|release] [runs]   (results: tests/bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${1:-release}
runs=${2:-5}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/csat-target}"
if [ "$profile" = release ]; then cargo build -q --release; else cargo build -q; fi
bin="$CARGO_TARGET_DIR/$profile/csat"
"$bin" run --as-of 2026-11-01 >/dev/null 2>&1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); date: $(date -u +%F); profile: $profile"
for i in $(seq "$runs"); do
  "$bin" -v analyze 2>&1 | grep -o 'answers=[0-9]* load_ms=[0-9]* compute_ms=[0-9]* write_ms=[0-9]*'
done

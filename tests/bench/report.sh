#!/usr/bin/env bash
# Benchmark of `csat report` on the committed demo workspace (seed 15): wall time and peak
# memory of rendering the whole report (14 charts as SVG+PNG, the Typst PDF, the HTML page
# and summary.json) from existing marts, per language.
# Usage: tests/bench/report.sh [debug|release] [runs]   (results: tests/bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${1:-release}
runs=${2:-5}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/csat-target}"
if [ "$profile" = release ]; then cargo build -q --release; else cargo build -q; fi
bin="$CARGO_TARGET_DIR/$profile/csat"
"$bin" run --as-of 2026-11-01 >/dev/null 2>&1
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); date: $(date -u +%F); profile: $profile"
for lang in zh en; do
  for i in $(seq "$runs"); do
    /usr/bin/time -f "report $lang: %e s wall, %M KiB max RSS" \
      "$bin" report --as-of 2026-11-01 --lang "$lang" 2>&1 >/dev/null | grep '^report .*wall'
  done
done

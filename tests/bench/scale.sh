#!/usr/bin/env bash
# csat at 1×, 10× and 100× the demo's volume, side by side with DuckDB doing the equivalent
# work on the same files in the same run (ratios, not absolute times: the machine is shared).
#
# Usage: tests/bench/scale.sh [K …]          (default: 1 10 100; results: tests/bench/RESULTS.md)
#   RUNS=3            runs of each step (the table shows the median wall time and the median
#                     peak RSS)
#   BENCH_DIR=DIR     where the generated workspaces live (default /tmp/csat-scale; ×100 needs
#                     about 1.5 GB of disk)
#   CSAT_BIN=PATH     benchmark this binary instead of building the release one (e.g. an older
#                     commit's build, for a before/after table)
#   GEN_BIN=PATH      the binary that generates the workspaces (default: CSAT_BIN; an older
#                     build without `demo --scale` needs a newer one here)
#   STORES=N          generate with `csat demo --stores N` (default 12): the twelve stores and
#                     N − 12 more sharing the same customers, for growth in the number of
#                     stores (a carmaker's dealers) rather than in the customers
#
# For each K: `csat demo --scale K --seed 15` (once per K and binary), then per step RUNS times:
#   csat ingest   all nine raw files → lake (the lake is removed before each run)
#   csat ingest3  the same three files DuckDB's ingest reads (a copy of the config with only
#                 those sources), for a comparison on exactly the same files
#   csat analyze  the marts of 2026-10 (13 months of answers); once more with -v for the
#                 time of its stages (the survey scan DuckDB's analyze compares with, the
#                 survey marts, the complaint and churn marts DuckDB does not compute)
#   csat report   charts, PDF, HTML, tables of 2026-10
#   csat report --scorecards  the same and one scorecard PDF per store and region
#   duckdb ingest the web survey (a UTF-8 copy: DuckDB cannot decode GBK here), the call-centre
#                 sheet and the customer file → long Parquet partitioned by month
#   duckdb analyze the satisfaction core, NPS shares and 13-month trend from csat's lake
# and once `duckdb check`: DuckDB's figures equal csat's marts on 2026-10's cells (same work).
# DuckDB is pinned in tests/engines/requirements.txt and runs in a throwaway virtualenv.
# Not part of .ci/run: ×100 takes a quarter of an hour. Never a timing assert.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
runs=${RUNS:-3}
stores=${STORES:-12}
bench=${BENCH_DIR:-/tmp/csat-scale}
if [ $# -gt 0 ]; then scales=("$@"); else scales=(1 10 100); fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/csat-target}"
if [ -z "${CSAT_BIN:-}" ]; then
  cargo build -q --release --locked
  CSAT_BIN="$CARGO_TARGET_DIR/release/csat"
fi
GEN_BIN=${GEN_BIN:-$CSAT_BIN}
mkdir -p "$bench"
venv="$bench/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "$(grep '^duckdb==' tests/engines/requirements.txt)"
fi
py="$venv/bin/python"
side="$repo/tests/bench/duckdb_side.py"
log="$bench/log.txt"
: >"$log"

# median of the arguments (numbers)
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure NAME PREPARE CMD…: run PREPARE (untimed) then CMD, RUNS times; sets WALL (s) and RSS (MB)
measure() {
  local name=$1 prepare=$2
  shift 2
  local walls=() rss=() i out status
  for i in $(seq "$runs"); do
    eval "$prepare"
    out=$(mktemp)
    set +e
    /usr/bin/time -f '%e %M' -o "$out" "$@" >>"$log" 2>&1
    status=$?
    set -e
    # 6 = done with warnings (e.g. a reject share above the warning level)
    if [ "$status" -ne 0 ] && [ "$status" -ne 6 ]; then
      echo "$name failed (exit $status); see $log" >&2
      tail -5 "$log" >&2
      exit 1
    fi
    read -r w m < <(tail -1 "$out")
    rm -f "$out"
    walls+=("$w")
    rss+=("$((m / 1024))")
  done
  WALL=$(median "${walls[@]}")
  RSS=$(median "${rss[@]}")
  echo "  $name: wall ${walls[*]} s, peak RSS ${rss[*]} MB" >&2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "–" }'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); date: $(date -u +%F); binary: $CSAT_BIN ($("$CSAT_BIN" --version)); duckdb $("$py" -c 'import duckdb; print(duckdb.__version__)'); runs: $runs (median); stores: $stores"
echo
echo "| scale | stores | raw rows | answers (13 months) | csat ingest s / MB | csat ingest, DuckDB's 3 files | duckdb ingest s / MB | ratio (3 files) | csat analyze s / MB | of which survey scan s | duckdb analyze s / MB | of which queries s | ratio (scan / queries) | csat report s / MB | csat report --scorecards s / MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for k in "${scales[@]}"; do
  ws="$bench/x$k"
  store_args=()
  if [ "$stores" != 12 ]; then
    ws="$bench/x$k-stores$stores"
    store_args=(--stores "$stores")
  fi
  # The workspace depends only on the seed, the scale, the stores and the generator's source.
  stamp="seed 15 scale $k stores $stores generator $(git -C "$repo" rev-parse HEAD:src/demo)"
  if [ "$(cat "$ws/.generated" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$ws"
    "$GEN_BIN" demo --out "$ws" --seed 15 --scale "$k" "${store_args[@]}" 2>>"$log"
    "$py" "$side" transcode "$ws" >>"$log"
    echo "$stamp" >"$ws/.generated"
  fi
  "$py" "$side" subset "$ws" >>"$log"
  echo "scale $k: $ws" >&2
  cfg="$ws/csat.toml"
  measure "csat ingest" "rm -rf '$ws/lake' '$ws/marts' '$ws/reports'" \
    "$CSAT_BIN" ingest --config "$cfg" --as-of 2026-11-01
  ci=("$WALL" "$RSS")
  raw=$(grep -o 'ingest: [0-9]* rows read' "$log" | tail -1 | grep -o '[0-9]*')
  measure "csat ingest3" "rm -rf '$ws/bench/lake3'" \
    "$CSAT_BIN" ingest --config "$ws/bench/csat-3-sources.toml" --as-of 2026-11-01
  c3=("$WALL" "$RSS")
  measure "csat analyze" ":" "$CSAT_BIN" analyze --config "$cfg" --period 2026-10 --as-of 2026-11-01
  ca=("$WALL" "$RSS")
  # The stage timings of one -v run (the logger prints a line's fields in name order).
  stages=$("$CSAT_BIN" -v analyze --config "$cfg" --period 2026-10 --as-of 2026-11-01 2>&1 | grep 'analyze stages' | grep -o '[a-z_]*_ms=[0-9]*' | tr '\n' ' ')
  scan_s=$(echo "$stages" | grep -o 'scan_ms=[0-9]*' | awk -F= '{ printf "%.2f", $2 / 1000 }')
  measure "csat report" ":" "$CSAT_BIN" report --config "$cfg" --period 2026-10 --as-of 2026-11-01
  cr=("$WALL" "$RSS")
  measure "csat report --scorecards" ":" "$CSAT_BIN" report --config "$cfg" --period 2026-10 --as-of 2026-11-01 --scorecards
  cs=("$WALL" "$RSS")
  measure "duckdb ingest" "rm -rf '$ws/bench/duckdb_lake'" "$py" "$side" ingest "$ws"
  di=("$WALL" "$RSS")
  measure "duckdb analyze" ":" "$py" "$side" analyze "$ws"
  da=("$WALL" "$RSS")
  # DuckDB's time inside the process (without Python's start-up), the like of csat's scan.
  dq=$(grep -o 'duckdb analyze: .* in [0-9.]* s' "$log" | tail -1 | grep -o '[0-9.]* s$' | grep -o '[0-9.]*')
  "$py" "$side" check "$ws" | tee -a "$log" >&2
  answers=$("$py" -c "import duckdb,sys; print(duckdb.sql(\"select count(*) from read_parquet('$ws/lake/responses/*/*.parquet')\").fetchall()[0][0])")
  echo "  csat analyze stages (one -v run): $stages" >&2
  echo "| ×$k | $stores | $raw | $answers | ${ci[0]} / ${ci[1]} | ${c3[0]} / ${c3[1]} | ${di[0]} / ${di[1]} | $(ratio "${c3[0]}" "${di[0]}") | ${ca[0]} / ${ca[1]} | $scan_s | ${da[0]} / ${da[1]} | $dq | $(ratio "$scan_s" "$dq") | ${cr[0]} / ${cr[1]} | ${cs[0]} / ${cs[1]} |"
done

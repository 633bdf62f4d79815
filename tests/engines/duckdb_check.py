"""Other engines read the lake and marts: DuckDB recomputes the headline figure of the
report from the raw lake (Hive-partitioned Parquet) and from the satisfaction mart, and both
must equal summary.json exactly (the same float64 arithmetic on the same answers).

Usage: python tests/engines/duckdb_check.py WORKSPACE PERIOD
(run by .ci/run in a throwaway virtualenv with the duckdb package)."""

import json
import sys
from pathlib import Path

import duckdb

ws, period = Path(sys.argv[1]), sys.argv[2]
# The repository's own workspace keeps lake and marts under data/; a `csat demo` one at its root.
lake, marts = (ws / "data" / "lake", ws / "data" / "marts") if (ws / "data" / "lake").exists() else (ws / "lake", ws / "marts")
summary = json.loads((ws / "reports" / period / "summary.json").read_text())
item = summary["overall"]["item"]
con = duckdb.connect()

# From the lake: our own brand's answers to the overall item in the period, from our own
# surveys (the competitor survey's ratings of us are benchmarks, not satisfaction).
n, mean = con.execute(
    f"""
    select count(*), avg(score)
    from read_parquet('{lake}/responses/*/*.parquet', hive_partitioning = true)
    where period = ? and item_id = ? and brand = 'ours' and source <> 'competitor_survey'
      and score is not null
    """,
    [period, item],
).fetchone()
print(f"lake:    n = {n}, mean = {mean!r}; summary.json: n = {summary['overall']['n']}, mean = {summary['overall']['mean']!r}")
assert n == summary["overall"]["n"], (n, summary["overall"]["n"])
# Integer scores sum exactly in any order, so the float64 means agree to the last bit.
assert mean == summary["overall"]["mean"], (mean, summary["overall"]["mean"])

# From the marts (Hive-partitioned by period too).
m = con.execute(
    f"""
    select n, mean, ci_low, ci_high
    from read_parquet('{marts}/*/satisfaction.parquet', hive_partitioning = true)
    where period = ? and segment = 'all' and measure = ? and weighting = 'none'
    """,
    [period, item],
).fetchall()
assert len(m) == 1, m
assert m[0][0] == summary["overall"]["n"] and m[0][1] == summary["overall"]["mean"], m
assert m[0][2] == summary["overall"]["ci_low"] and m[0][3] == summary["overall"]["ci_high"], m

# Every lake table reads as one Hive-partitioned dataset with a flat schema.
for table in sorted(p.name for p in lake.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
    cols = con.execute(
        f"describe select * from read_parquet('{lake}/{table}/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert all("STRUCT" not in c[1] and "[]" not in c[1] for c in cols), (table, cols)
    rows = con.execute(
        f"select count(*) from read_parquet('{lake}/{table}/*/*.parquet', hive_partitioning = true)"
    ).fetchone()[0]
    print(f"  {table}: {rows} rows, {len(cols)} columns")
print("duckdb: the lake and marts reproduce summary.json exactly")

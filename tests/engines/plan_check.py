"""Independent reference for the plan mart (`csat plan`, the report's sample-size table).

Reads this period's satisfaction, NPS, loyalty and channels marts with DuckDB, recomputes
every plan row with SciPy's t and normal quantiles and statsmodels'
`samplesize_confint_proportion`, and compares it with csat's plan mart: margins and spreads
to 1e-9 (relative), every count exactly. The rules recomputed (documented in
src/metrics/plan.rs):

- margin of the mean: t(1 − α/2, m − 1) · sd / √m on the effective sample m = n_eff;
  answers needed: the smallest m ≥ 2 with t(1 − α/2, m − 1) · sd · √((1 − m/N)/m) ≤ target
  (without a population the factor is 1) — found here by a plain upward scan, not bisection;
- top-2-box: z · √(p(1 − p)/m); n₀ = statsmodels' samplesize_confint_proportion(p, d, α),
  with the population n₀ / (1 + (n₀ − 1)/N) (Krejcie & Morgan 1970);
- NPS: sd = se · √n_eff, margin z · se, n₀ = (z · sd / E)², with the population
  n₀ / (1 + n₀/N);
- each need is rounded up, multiplied by the design effect n / n_eff, rounded up and kept
  within the population; the plan is the largest of the three (corrected where N is known);
  invitations = ⌈plan / response rate⌉, the rate over the channels with invitations.

With --csv, the rows of `csat plan --csv FILE` (the unweighted ones, for the confidence and
targets given here) are checked instead of the mart.

Usage: python tests/engines/plan_check.py WORKSPACE PERIOD [--confidence C] [--margin M]
       [--margin-share S] [--margin-nps E] [--csv FILE]
(run by .ci/run in a throwaway virtualenv with the pinned packages)."""

import argparse
import csv
import math
from pathlib import Path

import duckdb
from scipy import stats
from statsmodels.stats.proportion import samplesize_confint_proportion

ap = argparse.ArgumentParser()
ap.add_argument("workspace", type=Path)
ap.add_argument("period")
ap.add_argument("--confidence", type=float, default=0.95)
ap.add_argument("--margin", type=float, default=0.1)
ap.add_argument("--margin-share", type=float, default=0.05)
ap.add_argument("--margin-nps", type=float, default=10.0)
ap.add_argument("--csv", type=Path)
args = ap.parse_args()
ws, period = args.workspace, args.period
target, target_share, target_nps = args.margin, args.margin_share, args.margin_nps
alpha = 1 - args.confidence
marts = ws / "data" / "marts" if (ws / "data" / "marts").exists() else ws / "marts"
d = marts / f"period={period}"
con = duckdb.connect()


def rows(name, where=""):
    cur = con.execute(f"select * from read_parquet('{d}/{name}.parquet') {where}")
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def up(x):
    """Whole number at or above x, forgiving float noise below 1e-9 (the documented rule)."""
    return max(0, math.ceil(x - 1e-9))


def csv_rows(path):
    """The CSV's rows with its text turned back into the mart's types (empty = missing)."""
    texts = {"period", "segment", "segment_value", "weighting", "measure", "rate_channels", "note"}
    out = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            row = {}
            for k, v in r.items():
                if k in texts:
                    row[k] = v
                elif v == "":
                    row[k] = None
                elif any(c in v for c in ".eE") or k.startswith("target") or k in {"n_eff"}:
                    row[k] = float(v)
                else:
                    row[k] = int(v)
            out.append(row)
    return out


z = stats.norm.ppf(1 - alpha / 2)
plan = csv_rows(args.csv) if args.csv else rows("plan")
assert plan, "no plan rows"
overall = plan[0]["measure"]
weighting = "and weighting = 'none'" if args.csv else ""
sat = rows("satisfaction", f"where measure = '{overall}' {weighting}")
nps = {(r["segment"], r["segment_value"], r["weighting"]): r for r in rows("nps")}
pops = {
    (r["segment"], r["segment_value"]): r["customers"] - (r["churned"] or 0)
    for r in rows("loyalty")
    if r["customers"] is not None
}
invited = [c for c in rows("channels") if c["invitations"] and c["invitations"] > 0]
rate = sum(c["responses"] for c in invited) / sum(c["invitations"] for c in invited) if invited else None


def mean_need(sd, N):
    m = 2
    while True:
        fpc = max(0.0, 1 - m / N) if N else 1.0
        if stats.t.ppf(1 - alpha / 2, m - 1) * sd * math.sqrt(fpc / m) <= target:
            return m
        m += 1


def completes(m, deff, N):
    n = up(m * deff)
    return min(n, N) if N else n


def expected(s):
    key = (s["segment"], s["segment_value"])
    N = pops.get(key) or None
    deff = s["n"] / s["n_eff"] if s["n_eff"] > 0 else 1.0
    e = {"n": s["n"], "population": N}
    sd = s["sd"]
    e["sd"] = sd
    e["margin"] = stats.t.ppf(1 - alpha / 2, s["n_eff"] - 1) * sd / math.sqrt(s["n_eff"]) if sd is not None and s["n_eff"] > 1 else None
    e["n_needed"] = completes(mean_need(sd, None), deff, None) if sd is not None else None
    e["n_needed_fpc"] = completes(mean_need(sd, N), deff, N) if sd is not None and N else None
    p = s["top2box"]
    e["share_margin"] = z * math.sqrt(p * (1 - p) / s["n_eff"]) if p is not None and s["n_eff"] > 0 else None
    if p is not None:
        n0 = samplesize_confint_proportion(p, target_share, alpha=alpha)
        e["share_n_needed"] = completes(up(n0), deff, None)
        e["share_n_needed_fpc"] = completes(up(n0 / (1 + (n0 - 1) / N)), deff, N) if N else None
    else:
        e["share_n_needed"] = e["share_n_needed_fpc"] = None
    x = nps.get((s["segment"], s["segment_value"], s["weighting"]))
    if x is not None and x["n_eff"] > 1:
        nsd = x["se"] * math.sqrt(x["n_eff"])
        n0 = (z * nsd / target_nps) ** 2
        nd = x["n"] / x["n_eff"]
        e.update(nps_n=x["n"], nps_sd=nsd, nps_margin=z * x["se"], nps_n_needed=completes(up(n0), nd, None))
        e["nps_n_needed_fpc"] = completes(up(n0 / (1 + n0 / N)), nd, N) if N else None
    else:
        e.update(nps_n=x["n"] if x else None, nps_sd=None, nps_margin=None, nps_n_needed=None, nps_n_needed_fpc=None)
    acting = [
        e["n_needed_fpc"] if e["n_needed_fpc"] is not None else e["n_needed"],
        e["share_n_needed_fpc"] if e["share_n_needed_fpc"] is not None else e["share_n_needed"],
        e["nps_n_needed_fpc"] if e["nps_n_needed_fpc"] is not None else e["nps_n_needed"],
    ]
    acting = [a for a in acting if a is not None]
    e["completes_needed"] = max(acting) if acting else None
    e["response_rate"] = rate
    e["invitations_needed"] = up(e["completes_needed"] / rate) if rate and e["completes_needed"] is not None else None
    return e


by_key = {(r["segment"], r["segment_value"], r["weighting"]): r for r in plan}
assert len(by_key) == len(sat), (len(by_key), len(sat))
checked = 0
for s in sat:
    got = by_key[(s["segment"], s["segment_value"], s["weighting"])]
    for col, want in expected(s).items():
        have = got[col]
        if isinstance(want, float) and have is not None:
            ok = math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-12)
        else:
            ok = have == want
        assert ok, f"plan {s['segment']}={s['segment_value']} ({s['weighting']}) {col}: csat {have!r}, reference {want!r}"
        checked += 1
print(f"plan: {len(plan)} rows, {checked} figures equal the SciPy/statsmodels reference (1e-9; counts exact)")

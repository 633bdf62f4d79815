"""Independent reference for the complaint_hazard mart of the demo's 2026-10 (tests/e2e/churn.rs):
the follow-up is rebuilt from the lake with pandas by the rules README states, and the two Cox
models are fitted with lifelines' CoxTimeVaryingFitter; the long (start, stop] table is written
to a CSV for hazard_reference.R (the proportional-hazards tests with R's cox.zph); the
Simon–Makuch curves' log-rank test is computed at the end with pandas.

Rules (README, "complaints and churn"):
- customers: the latest customer snapshot by 2026-10; churned = flag or churn date by
  2026-10-31 (a later churn date is not churn yet); follow-up from max(first purchase,
  2025-11-01) to the churn date (churned) or 2026-10-31; none for a churn before its start;
  follow-ups of no length are not at risk;
- complaints received by 2026-10-31 and, for a churner, before the churn date; a customer is
  `complained` from the first one's day (on or before the start: from the start);
- outcome model: the latest complaint received decides (of the same day, the later-closing
  or open one): open from receipt to closing, then closed in time or late by the closing
  commitment (closing within 3 working days after the day of receipt, weekends, the public
  holidays and make-up working days of data/calendars/china.toml);
- controls: tier as dummies against the most frequent tier.

    python3 tests/reference/hazard_reference.py data/lake /tmp/hazard_long.csv
"""
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
from lifelines import CoxTimeVaryingFitter

lake = Path(sys.argv[1] if len(sys.argv) > 1 else "data/lake")
out_csv = sys.argv[2] if len(sys.argv) > 2 else "/tmp/hazard_long.csv"
END = date(2026, 10, 31)
ORIGIN = date(2025, 11, 1)
CLOSE_DAYS = 3

cal = tomllib.loads(Path("data/calendars/china.toml").read_text())["years"]
holidays = {date.fromisoformat(d) for y in cal.values() for d in y["holidays"]}
workdays = {date.fromisoformat(d) for y in cal.values() for d in y["workdays"]}


def working_days_between(a: date, b: date) -> int:
    n, d = 0, a
    while d < b:
        d += timedelta(days=1)
        if d in workdays or (d.weekday() < 5 and d not in holidays):
            n += 1
    return n


def table(name):
    t = ds.dataset(lake / name, format="parquet", partitioning="hive").to_table().to_pandas()
    t["period"] = t["period"].astype(str)
    return t[t["period"] <= "2026-10"]


cust = table("customers")
cust = cust[cust["period"] == cust["period"].max()]
cust = cust[cust["customer_id"].notna()]
comp = table("complaints")
comp = comp[comp["customer_id"].notna()]


def to_date(x):
    return None if pd.isna(x) else pd.Timestamp(x).date()


top_tier = cust["tier"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0]
tiers = sorted(t for t in cust["tier"].dropna().unique() if t != top_tier)
by_customer = {k: g for k, g in comp.groupby("customer_id")}

rows = []
for c in cust.itertuples():
    first = to_date(c.first_purchase)
    cd = to_date(c.churn_date)
    cd = cd if cd is not None and cd <= END else None
    churned = bool(c.churned) if not pd.isna(c.churned) else False
    churned = churned or cd is not None
    start = max(first, ORIGIN) if first else ORIGIN
    if cd is not None and cd < start:
        continue
    stop = cd if cd is not None else END
    total = (stop - start).days
    if total <= 0:
        continue
    filed = []
    for k in (by_customer.get(c.customer_id, pd.DataFrame()).itertuples()):
        r = pd.Timestamp(k.received_at)
        if r.date() > END or (churned and r.date() >= stop):
            continue
        rd = max((r.date() - start).days, 0)
        closed = None
        if not pd.isna(k.closed_at):
            cl = pd.Timestamp(k.closed_at)
            ok = working_days_between(r.date(), cl.date()) <= CLOSE_DAYS
            closed = (max(max((cl.date() - start).days, 0), rd), ok)
        filed.append((rd, closed))
    filed.sort(key=lambda f: (f[0], f[1][0] if f[1] else float("inf")))
    cuts = sorted({0, total, *[f[0] for f in filed], *[f[1][0] for f in filed if f[1]]})
    cuts = [t for t in cuts if t <= total]

    def status(a):
        latest = [f for f in filed if f[0] <= a]
        if not latest:
            return 0, "none"
        _, cl = latest[-1]
        if cl and cl[0] <= a:
            return 1, "in_time" if cl[1] else "late"
        return 1, "open"

    ctl = {f"tier:{t}": float(c.tier == t) for t in tiers}
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        comp_, stage = status(a)
        if pieces and pieces[-1]["complained"] == comp_ and pieces[-1]["stage"] == stage:
            pieces[-1]["stop"] = b
        else:
            pieces.append(dict(id=c.customer_id, start=a, stop=b, event=0, complained=comp_, stage=stage, **ctl))
    pieces[-1]["event"] = int(churned)
    rows.extend(pieces)

long = pd.DataFrame(rows)
for s in ["open", "in_time", "late"]:
    long[f"complaint_{s}"] = (long["stage"] == s).astype(float)
long.to_csv(out_csv, index=False)
print(f"customers={long['id'].nunique()} events={int(long['event'].sum())} rows={len(long)} tiers={tiers} (reference tier {top_tier})")
ctl = [f"tier:{t}" for t in tiers]
for name, terms in [("complained", ["complained"]), ("outcome", ["complaint_open", "complaint_in_time", "complaint_late"])]:
    d = long[["id", "start", "stop", "event", *terms, *ctl]]
    f = CoxTimeVaryingFitter().fit(d, id_col="id", start_col="start", stop_col="stop", event_col="event")
    print(f"model {name}: log-likelihood {f.log_likelihood_!r}")
    for t in terms + ctl:
        print(f"  {t} coef={f.params_[t]!r} se={f.standard_errors_[t]!r} p={f.summary.loc[t, 'p']!r}")

# The Simon–Makuch curves' log-rank test: at each churn day t, the customers at risk
# (start < t <= stop) before and after a complaint, hypergeometric variance (the score test of
# the Cox model with exact ties; R's coxph(..., ties = "exact") is too slow on 7,000 rows, and
# src/metrics/churn.rs checks the same statistic against it on a small fixture).
num, var = 0.0, 0.0
for t in sorted(long.loc[long["event"] == 1, "stop"].unique()):
    r = long[(long["start"] < t) & (long["stop"] >= t)]
    n, n1 = len(r), int((r["complained"] == 1).sum())
    e = r[(r["stop"] == t) & (r["event"] == 1)]
    d, d1 = len(e), int((e["complained"] == 1).sum())
    num += d1 - d * n1 / n
    if n > 1:
        var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
print(f"Simon–Makuch log-rank chi2={num * num / var!r}")

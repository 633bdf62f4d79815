"""DuckDB doing the work csat does, on the same workspace, for tests/bench/scale.sh.

Usage: python duckdb_side.py STEP WORKSPACE
  transcode  the 问卷星 export is GBK; DuckDB's CSV reader needs UTF-8 (its encodings
             extension is downloaded at run time, which this machine cannot), so this
             writes a UTF-8 copy beside it once, untimed. Same rows, same bytes otherwise.
  ingest     CSV → long Parquet partitioned by month (Hive layout, zstd), for the three
             large files csat ingests (web survey, call-centre sheet, customer file):
             parse dates, drop skipped answers (-3) and out-of-scale scores, unpivot the
             item columns into (response_id, item_id, score) rows.
  analyze    from csat's own lake: the satisfaction core (n, mean, sd, top-2 count per
             item × {all, region, store, tier, channel, product_line} × month, 13 months),
             the NPS shares per segment × month, and the 13-month trend per item.
  check      the same figures against csat's marts on a sample of cells (all of
             2026-10's satisfaction rows for items, NPS rows, and the overall item's trend):
             DuckDB's n must equal csat's and its means must agree to 1e-12, so that the
             comparison of times is a comparison of the same work.

Each step prints one line `duckdb STEP: … in S s` (time inside the process, without the
interpreter's start-up); scale.sh measures wall time and peak RSS of the whole process."""

import sys
import time
from pathlib import Path

import duckdb

step, ws = sys.argv[1], Path(sys.argv[2])
raw = ws / "raw"
web = raw / "wjx_满意度调查_202511-202610.csv"
web_utf8 = ws / "bench" / "web_survey.utf8.csv"
out = ws / "bench" / "duckdb_lake"
lake = ws / "lake"
marts = ws / "marts"
PERIOD = "2026-10"
ITEMS = [f"q{i:02d}" for i in range(1, 13)]
WEB_ITEMS = {  # header → item id, as the demo's csat.toml maps them
    "4、导购人员热情友好": "q01", "5、导购人员主动介绍推荐": "q02", "6、售后回访及时": "q03",
    "7、送货准时": "q04", "8、安装规范整洁": "q05", "9、商品质量可靠": "q06",
    "10、商品与描述一致": "q07", "11、问题处理专业高效": "q08", "12、提货交接顺畅": "q09",
    "13、总体满意度": "q10", "14、您向亲友推荐本品牌的可能性有多大？": "q11",
    "15、您是否愿意再次在本品牌购买？": "q12",
}
PHONE_ITEMS = {"售后回访及时": "q03", "送货准时": "q04", "安装规范": "q05", "问题处理": "q08",
               "总体满意度": "q10", "推荐意愿(0-10)": "q11"}
SEGMENTS = ["region", "store", "tier", "channel", "product_line"]

con = duckdb.connect()
t0 = time.perf_counter()


def q(s):
    return '"' + s.replace('"', '""') + '"'


def unpivot(src, id_col, time_col, time_fmt, items, extra=""):
    cols = ", ".join(f"{q(h)} AS {i}" for h, i in items.items())
    scale = " OR ".join(
        f"(item_id = '{i}' AND score BETWEEN {0 if i == 'q11' else 1} AND {10 if i == 'q11' else 5})"
        for i in items.values())
    return f"""
      WITH wide AS (
        SELECT {q(id_col)} AS response_id, try_strptime({q(time_col)}, '{time_fmt}') AS survey_time
               {extra}, {cols}
        FROM read_csv('{src}', header = true, all_varchar = true)
      ), long AS (
        UNPIVOT wide ON {", ".join(items.values())} INTO NAME item_id VALUE raw_score
      )
      SELECT *, strftime(survey_time, '%Y-%m') AS period
      FROM (SELECT * EXCLUDE raw_score, try_cast(raw_score AS DOUBLE) AS score FROM long)
      WHERE survey_time IS NOT NULL AND score IS NOT NULL AND ({scale})"""


if step == "subset":
    # csat's config with only the three sources DuckDB's ingest reads, so that the two
    # ingests can also be compared on exactly the same files (csat still validates every
    # value, hashes ids and keeps rejects; DuckDB does not).
    text = (ws / "csat.toml").read_text(encoding="utf-8")
    head, *blocks = text.split("[[sources]]")
    keep = [b for b in blocks if any(f'name = "{n}"' in b for n in ("web_survey", "phone_followup", "customers"))]
    out_toml = ws / "bench" / "csat-3-sources.toml"
    out_toml.parent.mkdir(parents=True, exist_ok=True)
    body = "[[sources]]".join([head] + keep)
    # Paths in the config are relative to its directory: point them back at the workspace.
    body = body.replace('path = "raw/', 'path = "../raw/')
    body = body.replace('lake = "lake"', 'lake = "lake3"')
    out_toml.write_text(body, encoding="utf-8")
    print(f"duckdb subset: {out_toml} ({len(keep)} sources)")

elif step == "transcode":
    web_utf8.parent.mkdir(parents=True, exist_ok=True)
    web_utf8.write_text(web.read_bytes().decode("gb18030"), encoding="utf-8")
    print(f"duckdb transcode: {web_utf8} in {time.perf_counter() - t0:.2f} s")

elif step == "ingest":
    (out / "responses").mkdir(parents=True, exist_ok=True)
    rows = 0
    for name, sql in [
        ("web_survey", unpivot(web_utf8, "序号", "提交答卷时间", "%Y/%m/%d %H:%M:%S", WEB_ITEMS,
                               f", {q('1、您的会员编号')} AS customer_id, {q('2、您在哪家门店购物？')} AS store,"
                               f" {q('3、您购买的主要商品类别')} AS product_line")),
        ("phone_followup", unpivot(raw / "电话回访记录.csv", "回访编号", "回访时间", "%Y/%m/%d %H:%M",
                                   PHONE_ITEMS, f", {q('会员编号')} AS customer_id")),
    ]:
        target = out / "responses" / name
        con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, PARTITION_BY (period), "
                    "COMPRESSION zstd, OVERWRITE_OR_IGNORE true)")
        rows += con.execute(f"SELECT count(*) FROM read_parquet('{target}/*/*.parquet')").fetchone()[0]
    con.execute(f"""COPY (SELECT "会员编号" AS customer_id, "所属门店" AS store, "会员等级" AS tier,
                   try_strptime("首次购买日期", '%Y-%m-%d') AS first_purchase,
                   try_strptime("最近购买日期", '%Y-%m-%d') AS last_purchase,
                   "是否流失" = '是' AS churned, try_strptime("流失日期", '%Y-%m-%d') AS churn_date,
                   try_cast("累计消费金额" AS DOUBLE) AS value, '2026-10' AS period
                   FROM read_csv('{raw / "顾客档案.csv"}', header = true, all_varchar = true))
                   TO '{out / "customers"}' (FORMAT parquet, PARTITION_BY (period),
                   COMPRESSION zstd, OVERWRITE_OR_IGNORE true)""")
    print(f"duckdb ingest: {rows} answers in {time.perf_counter() - t0:.2f} s")

elif step in ("analyze", "check"):
    # Our own brand's answers from our own surveys, as csat's satisfaction mart counts them.
    con.execute(f"""CREATE VIEW answers AS
        SELECT period, item_id::VARCHAR AS item_id, score, {", ".join(f"{s}::VARCHAR AS {s}" for s in SEGMENTS)}
        FROM read_parquet('{lake}/responses/*/*.parquet', hive_partitioning = true)
        WHERE brand = 'ours' AND source <> 'competitor_survey' AND score IS NOT NULL""")
    sets = ", ".join(["(period, item_id)"] + [f"(period, item_id, {s})" for s in SEGMENTS])
    seg_case = "CASE " + " ".join(f"WHEN grouping({s}) = 0 THEN '{s}'" for s in SEGMENTS) + " ELSE 'all' END"
    val_case = "CASE " + " ".join(f"WHEN grouping({s}) = 0 THEN {s}" for s in SEGMENTS) + " ELSE 'all' END"
    # csat has no cell for answers without a value of the segment (e.g. a phone answer has
    # no product line): drop those groups.
    seg_null = " OR ".join(f"(grouping({s}) = 0 AND {s} IS NULL)" for s in SEGMENTS)
    sat = con.execute(f"""
        SELECT period, {seg_case} AS segment, {val_case} AS segment_value, item_id,
               count(*) AS n, avg(score) AS mean, stddev_samp(score) AS sd,
               count(*) FILTER (WHERE score >= 4) AS top2
        FROM answers WHERE item_id <> 'q11'
        GROUP BY GROUPING SETS ({sets}) HAVING NOT ({seg_null})""").fetchall()
    nps_sets = ", ".join(["(period)"] + [f"(period, {s})" for s in SEGMENTS])
    nps = con.execute(f"""
        SELECT period, {seg_case} AS segment, {val_case} AS segment_value, count(*) AS n,
               count(*) FILTER (WHERE score >= 9) AS promoters,
               count(*) FILTER (WHERE score <= 6) AS detractors
        FROM answers WHERE item_id = 'q11'
        GROUP BY GROUPING SETS ({nps_sets}) HAVING NOT ({seg_null})""").fetchall()
    trend = con.execute("""
        SELECT period, item_id, count(*) AS n, avg(score) AS mean
        FROM answers WHERE item_id <> 'q11' GROUP BY period, item_id ORDER BY period, item_id""").fetchall()
    elapsed = time.perf_counter() - t0
    print(f"duckdb analyze: {len(sat)} satisfaction cells, {len(nps)} NPS cells, "
          f"{len(trend)} trend points in {elapsed:.2f} s")
    if step == "check":
        mart = {(r[0], r[1], r[2], r[3]): r[4:] for r in con.execute(f"""
            SELECT period, segment, segment_value, measure, n, mean
            FROM read_parquet('{marts}/period={PERIOD}/satisfaction.parquet')
            WHERE weighting = 'none' AND measure_kind = 'item'""").fetchall()}
        checked = 0
        for period, segment, value, item, n, mean, sd, top2 in sat:
            if period != PERIOD:
                continue
            got = mart.get((period, segment, value, item))
            assert got is not None, ("csat has no cell", period, segment, value, item)
            assert got[0] == n and abs(got[1] - mean) <= 1e-12 * max(1, abs(mean)), (segment, value, item, n, mean, got)
            checked += 1
        assert checked == len(mart), (checked, len(mart))
        nps_mart = {(r[0], r[1], r[2]): r[3:] for r in con.execute(f"""
            SELECT period, segment, segment_value, n, promoters, detractors
            FROM read_parquet('{marts}/period={PERIOD}/nps.parquet') WHERE weighting = 'none'""").fetchall()}
        nps_checked = 0
        for period, segment, value, n, pro, det in nps:
            if period == PERIOD:
                assert nps_mart[(period, segment, value)] == (n, pro, det), (segment, value)
                nps_checked += 1
        trend_mart = {(r[0], r[1]): r[2:] for r in con.execute(f"""
            SELECT month, measure, n, value FROM read_parquet('{marts}/period={PERIOD}/trend.parquet')
            WHERE segment = 'all' AND measure = 'q10'""").fetchall()}
        trend_checked = 0
        for period, item, n, mean in trend:
            if item == "q10" and (period, item) in trend_mart:
                tn, tv = trend_mart[(period, item)]
                assert tn == n and abs(tv - mean) <= 1e-12 * max(1, abs(mean)), (period, n, mean, tn, tv)
                trend_checked += 1
        months = {p for p, i, _, _ in trend if i == "q10"}
        assert trend_checked == len(months) and trend_checked >= 12, (trend_checked, months)
        print(f"duckdb check: {checked} satisfaction cells, {nps_checked} NPS cells and "
              f"{trend_checked} trend points of {PERIOD} equal csat's marts (n exact, means to 1e-12)")
else:
    sys.exit(f"unknown step {step}")

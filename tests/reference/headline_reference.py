"""Independent reference for the demo's 2026-10 headline figures.

Reads the raw demo files with Python's csv module and openpyxl (not with csat), applies
the documented ingest rules (a row with an unknown store or an unparsable date is rejected
whole; an out-of-range score rejects that answer only, the row's other answers count;
blanks, -2/-3, (空) and 不适用 are missing), and computes
the overall-satisfaction mean with its Student-t interval (SciPy) and the NPS with its
normal interval. tests/e2e.rs compares csat's summary.json with the printed values.

    python3 tests/reference/headline_reference.py data/demo
"""
import csv, io, sys, datetime, math
import openpyxl
from scipy import stats

root = sys.argv[1] if len(sys.argv) > 1 else "data/demo"
STORES = ["上海真北店", "杭州滨江店", "南京河西店", "北京东四环店", "天津河东店", "济南历下店",
          "广州天河店", "深圳南山店", "厦门湖里店", "成都高新店", "重庆江北店", "昆明西山店"]
MISSING = {"", "-2", "-3", "(空)", "不适用", "/"}

def parse_time(s):
    for f in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M"):
        try:
            return datetime.datetime.strptime(s.strip(), f)
        except ValueError:
            pass
    return None

def read_csv(path, enc):
    with open(path, encoding=enc, newline="") as f:
        return list(csv.DictReader(f))

overall, nps = [], []

def take(rows, time_col, scales, overall_col, nps_col=None, store_col=None):
    for r in rows:
        t = parse_time(r[time_col])
        if t is None or (store_col and r[store_col] not in STORES):
            continue
        vals = {}
        for col, (lo, hi) in scales.items():
            v = r[col].strip()
            if v in MISSING:
                continue
            x = float(v)
            if lo <= x <= hi:
                vals[col] = x
        if not vals or (t.year, t.month) != (2026, 10):
            continue
        if overall_col in vals:
            overall.append(vals[overall_col])
        if nps_col and nps_col in vals:
            nps.append(vals[nps_col])

web = read_csv(f"{root}/raw/wjx_满意度调查_202511-202610.csv", "gbk")
web_items = [h for h in web[0].keys() if h[:2].rstrip("、").isdigit() and int(h.split("、")[0]) >= 4 and int(h.split("、")[0]) <= 15]
scales = {h: ((0, 10) if h.startswith("14、") else (1, 5)) for h in web_items}
take(web, "提交答卷时间", scales, "13、总体满意度", "14、您向亲友推荐本品牌的可能性有多大？", "2、您在哪家门店购物？")

phone = read_csv(f"{root}/raw/电话回访记录.csv", "utf-8")
scales = {c: (1, 5) for c in ["售后回访及时", "送货准时", "安装规范", "问题处理", "总体满意度"]}
scales["推荐意愿(0-10)"] = (0, 10)
take(phone, "回访时间", scales, "总体满意度", "推荐意愿(0-10)")

wb = openpyxl.load_workbook(f"{root}/raw/邮寄问卷录入.xlsx")
ws = wb["录入"]
rows = list(ws.iter_rows(values_only=True))
head = rows[0]
mail = []
for r in rows[1:]:
    d = dict(zip(head, r))
    d = {k: ("" if v is None else (v.strftime("%Y-%m-%d") if isinstance(v, datetime.datetime) else str(int(v)) if isinstance(v, float) else str(v))) for k, v in d.items()}
    mail.append(d)
scales = {c: (1, 5) for c in head[3:] if c != "Q11推荐意愿"}
scales["Q11推荐意愿"] = (0, 10)
take(mail, "回寄日期", scales, "Q10总体满意", "Q11推荐意愿")

interviews = read_csv(f"{root}/raw/深入访谈记录.csv", "utf-8")
take(interviews, "访谈日期", {"总体满意度": (1, 5), "再次购买意愿": (1, 5)}, "总体满意度", None, "门店")

n = len(overall)
m = sum(overall) / n
lo, hi = stats.t.interval(0.95, n - 1, loc=m, scale=stats.sem(overall))
print(f"overall n={n} mean={m!r} ci=({lo!r}, {hi!r})")
k = len(nps)
p = sum(1 for s in nps if s >= 9) / k
d = sum(1 for s in nps if s <= 6) / k
v = 100 * (p - d)
se = math.sqrt(100**2 * (p * (1 - p) + d * (1 - d) + 2 * p * d) / k)
z = stats.norm.ppf(0.975)
print(f"nps n={k} nps={v!r} ci=({v - z * se!r}, {v + z * se!r})")

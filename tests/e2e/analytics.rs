//! The analysis of the demo workspace finds what the generator planted (documented in
//! `data/demo/README.md`) and nothing else, at the committed seed.

use std::collections::BTreeSet;
use std::path::Path;

use csat::frame::{self, DataFrame};

use super::{demo, ok, AS_OF};

/// A mart of the demo's 2026-10 (the other e2e modules read marts through this too).
pub(super) fn mart(dir: &Path, name: &str) -> DataFrame {
    csat::lake::read_file(&dir.join(format!("marts/period=2026-10/{name}.parquet"))).unwrap()
}

/// A text column, nulls as "".
pub(super) fn s(df: &DataFrame, c: &str) -> Vec<String> {
    frame::strs(df, c)
        .unwrap()
        .into_iter()
        .map(|v| v.unwrap_or_default())
        .collect()
}

fn f(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    frame::f64s(df, c).unwrap()
}

fn b(df: &DataFrame, c: &str) -> Vec<Option<bool>> {
    frame::bools(df, c).unwrap()
}

#[test]
fn the_analysis_finds_the_planted_effects_and_nothing_else() {
    let t = demo("planted");
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let dir = t.path();

    // Satisfaction: only the planted store drop is a significant change after FDR.
    let sat = mart(dir, "satisfaction");
    let (seg, val, measure) = (
        s(&sat, "segment"),
        s(&sat, "segment_value"),
        s(&sat, "measure"),
    );
    let (sig, sup, q, p, delta) = (
        b(&sat, "significant"),
        b(&sat, "suppressed"),
        f(&sat, "q_value"),
        f(&sat, "p_value"),
        f(&sat, "delta"),
    );
    let changed: BTreeSet<(String, String)> = (0..sat.height())
        .filter(|&i| sig[i] == Some(true))
        .map(|i| (seg[i].clone(), val[i].clone()))
        .collect();
    assert_eq!(
        changed,
        [("store".to_string(), "S03".to_string())]
            .into_iter()
            .collect(),
        "significant changes"
    );
    let s03 = (0..sat.height())
        .find(|&i| val[i] == "S03" && measure[i] == "q10")
        .unwrap();
    assert!(delta[s03].unwrap() < -0.5 && q[s03].unwrap() < 0.01 && sup[s03] == Some(false));
    for i in 0..sat.height() {
        if sup[i] == Some(true) {
            assert_eq!(
                sig[i], None,
                "a suppressed cell carries a significance flag: {} {}",
                seg[i], val[i]
            );
        }
        if let (Some(p), Some(q)) = (p[i], q[i]) {
            assert!(q >= p - 1e-15 && q <= 1.0);
        }
    }
    // CSI and the loyalty index exist for everyone.
    for m in ["csi", "loyalty"] {
        assert!(
            (0..sat.height()).any(|i| seg[i] == "all" && measure[i] == m),
            "no {m} row"
        );
    }

    // NPS: the same.
    let nps = mart(dir, "nps");
    let (nseg, nval, nsig) = (
        s(&nps, "segment"),
        s(&nps, "segment_value"),
        b(&nps, "significant"),
    );
    let nchanged: BTreeSet<(String, String)> = (0..nps.height())
        .filter(|&i| nsig[i] == Some(true))
        .map(|i| (nseg[i].clone(), nval[i].clone()))
        .collect();
    assert_eq!(
        nchanged,
        [("store".to_string(), "S03".to_string())]
            .into_iter()
            .collect(),
        "significant NPS changes"
    );

    // Benchmark: 美居坊 is significantly ahead on delivery (q04) and ranks first there;
    // every other significant gap is 家悦汇 behind (planted −0.2 everywhere).
    let bench = mart(dir, "benchmark");
    let (bm, bb, bsrc) = (
        s(&bench, "measure"),
        s(&bench, "brand"),
        s(&bench, "source"),
    );
    let (bsig, gap) = (b(&bench, "significant"), f(&bench, "gap"));
    let rank = frame::f64s(&bench, "rank").unwrap();
    let lead = (0..bench.height())
        .find(|&i| bm[i] == "q04" && bb[i] == "meijufang")
        .unwrap();
    assert_eq!(bsig[lead], Some(true));
    assert!(gap[lead].unwrap() > 0.2 && rank[lead] == Some(1.0));
    for i in 0..bench.height() {
        if bsig[i] == Some(true) && i != lead {
            assert!(
                bb[i] == "jiayuehui" && gap[i].unwrap() < 0.0,
                "unplanted significant gap: {} {}",
                bm[i],
                bb[i]
            );
        }
    }
    assert!((0..bench.height()).any(|i| bsrc[i] == "external" && bb[i] == "行业平均"));

    // Drivers: the ranking is the planted one.
    let drv = mart(dir, "drivers");
    let (attr, imp) = (s(&drv, "attribute"), f(&drv, "importance"));
    let mut got: Vec<(f64, String)> = attr
        .iter()
        .zip(&imp)
        .map(|(a, w)| (w.unwrap(), a.clone()))
        .collect();
    got.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut planted: Vec<(f64, &str)> = csat::demo::DIMENSIONS
        .iter()
        .map(|(id, _, w)| (*w, *id))
        .collect();
    planted.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert_eq!(
        got.iter().map(|g| g.1.as_str()).collect::<Vec<_>>(),
        planted.iter().map(|p| p.1).collect::<Vec<_>>()
    );
    assert!((imp.iter().flatten().sum::<f64>() - 100.0).abs() < 1e-9);
    // Delivery is planted weakest: the lowest performance of all attributes.
    let perf = f(&drv, "performance");
    let weakest = (0..drv.height())
        .min_by(|&i, &j| perf[i].unwrap().total_cmp(&perf[j].unwrap()))
        .unwrap();
    assert_eq!(attr[weakest], "delivery");

    // Trend: only the month and region of the planted drop are out of control. The stores'
    // own charts (the scorecards' trend) are 12 × 4 charts of 12 small-sample months, where
    // 3σ limits raise a few false alarms by design; the scorecards mark the current month of
    // the overall item only, and there only the store of the planted drop is out.
    let tr = mart(dir, "trend");
    let (mo, tseg, tval, ooc, tm) = (
        s(&tr, "month"),
        s(&tr, "segment"),
        s(&tr, "segment_value"),
        b(&tr, "out_of_control"),
        s(&tr, "measure"),
    );
    let months: BTreeSet<&str> = mo.iter().map(String::as_str).collect();
    assert_eq!(months.len(), 12, "twelve months of data in the trailing 13");
    let flagged_stores: Vec<&str> = (0..tr.height())
        .filter(|&i| tseg[i] == "store" && mo[i] == "2026-10" && tm[i] == "q10")
        .filter(|&i| ooc[i] == Some(true))
        .map(|i| tval[i].as_str())
        .collect();
    assert_eq!(flagged_stores, ["S03"], "the store of the planted drop");
    for i in 0..tr.height() {
        if ooc[i] == Some(true) && tseg[i] != "store" {
            assert!(
                mo[i] == "2026-10" && tseg[i] == "region" && tval[i] == "east",
                "unplanted out-of-control point {} {} {}",
                mo[i],
                tseg[i],
                tval[i]
            );
        }
    }
    assert!(
        (0..tr.height()).any(|i| ooc[i] == Some(true)),
        "the drop should show on the control chart"
    );

    // Channels: response rates by construction (520 of 4,280 web invitations, 120 of 200 calls).
    let ch = mart(dir, "channels");
    let (name, rate) = (s(&ch, "channel"), f(&ch, "response_rate"));
    let r = |c: &str| rate[name.iter().position(|n| n == c).unwrap()].unwrap();
    assert!(
        (r("web") - 520.0 / 4280.0).abs() < 1e-12 && (r("phone") - 120.0 / 200.0).abs() < 1e-12
    );

    // Responses are responses: October has 669 with a scored answer, 3 of the 25 mail forms
    // without the overall item (counted independently with pandas in the audit of issue 13:
    // distinct (source, response_id) of our brand with a score, competitor survey excluded).
    let (resp, n) = (f(&ch, "responses"), f(&ch, "n"));
    let at = |c: &str| name.iter().position(|n| n == c).unwrap();
    assert_eq!((resp[at("mail")], n[at("mail")]), (Some(25.0), Some(22.0)));
    assert_eq!(resp.iter().map(|x| x.unwrap()).sum::<f64>(), 669.0);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("reports/2026-10/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["responses"], 669);
    assert_eq!(summary["overall"]["n"], 666);

    // Loyalty: the customer file (one row rejected) and rates in range.
    let loy = mart(dir, "loyalty");
    let all = s(&loy, "segment").iter().position(|x| x == "all").unwrap();
    assert_eq!(f(&loy, "customers")[all], Some(5999.0));
    let (cr, rr) = (
        f(&loy, "churn_rate")[all].unwrap(),
        f(&loy, "retention_rate")[all].unwrap(),
    );
    assert!(cr > 0.0 && cr < 0.3 && (cr + rr - 1.0).abs() < 1e-12);
}

#[test]
fn weighting_adds_raked_figures_with_a_smaller_effective_sample() {
    let t = demo("weighting");
    let cfg = std::fs::read_to_string(t.path().join("csat.toml")).unwrap();
    std::fs::write(
        t.path().join("csat.toml"),
        format!("{cfg}\n[weighting]\nrake = [\"region\", \"tier\"]\ncap = 5\n"),
    )
    .unwrap();
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let sat = mart(t.path(), "satisfaction");
    let (seg, measure, w) = (s(&sat, "segment"), s(&sat, "measure"), s(&sat, "weighting"));
    let (n, n_eff, lo, hi) = (
        f(&sat, "n"),
        f(&sat, "n_eff"),
        f(&sat, "ci_low"),
        f(&sat, "ci_high"),
    );
    let row = |wt: &str| {
        (0..sat.height())
            .find(|&i| seg[i] == "all" && measure[i] == "q10" && w[i] == wt)
            .unwrap()
    };
    let (a, r) = (row("none"), row("raked"));
    assert_eq!(n[a], n[r]);
    assert!(
        (n_eff[a].unwrap() - n[a].unwrap()).abs() < 1e-9,
        "unweighted n_eff is n"
    );
    assert!(n_eff[r].unwrap() < n[r].unwrap(), "raking lowers n_eff");
    let mean = f(&sat, "mean");
    assert!(
        (mean[r].unwrap() - mean[a].unwrap()).abs() > 1e-6,
        "the raked mean is a different estimate"
    );
    assert!(lo[r].unwrap() < mean[r].unwrap() && mean[r].unwrap() < hi[r].unwrap());
}

#[test]
fn external_benchmarks_are_compared_on_their_own_scale_and_nps_against_nps() {
    let t = demo("bench-scale");
    let dir = t.path();
    let path = dir.join("raw/行业对标.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("2026-10,q10,行业指数,72.00,0,100\n");
    std::fs::write(&path, text).unwrap();
    ok(dir, &["run", "--as-of", AS_OF]);
    let bm = mart(dir, "benchmark");
    let (m, brand, gap, basis) = (
        s(&bm, "measure"),
        s(&bm, "brand"),
        f(&bm, "gap"),
        s(&bm, "gap_basis"),
    );
    let row = |me: &str, br: &str| {
        (0..bm.height())
            .find(|&i| m[i] == me && brand[i] == br)
            .unwrap_or_else(|| panic!("no {me}/{br} row"))
    };
    // Our October overall mean is 2466/666 = 137/37 = 3.7027027 (summary.json, checked
    // against DuckDB in .ci/run): on 0–100 that is (137/37 − 1)/4·100 = 67.567568, so the
    // index reference of 72 is +4.432432 ahead (issue 13's audit: +4.43), not +68.30.
    let i = row("q10", "行业指数");
    assert_eq!(basis[i], "index");
    let ours_index = (137.0 / 37.0 - 1.0) / 4.0 * 100.0;
    assert!((gap[i].unwrap() - (72.0 - ours_index)).abs() < 1e-9);
    // Same 1–5 scale: the plain difference of the reference and 137/37.
    let i = row("q10", "行业平均");
    assert_eq!(basis[i], "scale");
    assert!((gap[i].unwrap() - (f(&bm, "mean")[i].unwrap() - 137.0 / 37.0)).abs() < 1e-9);
    // NPS against NPS: the reference minus our NPS of the nps mart (before: no gap).
    let nps = mart(dir, "nps");
    let all = s(&nps, "segment").iter().position(|x| x == "all").unwrap();
    let ours = f(&nps, "nps")[all].unwrap();
    let i = row("nps", "行业平均");
    assert_eq!(basis[i], "nps");
    assert!((gap[i].unwrap() - (f(&bm, "mean")[i].unwrap() - ours)).abs() < 1e-12);
}

#[test]
fn the_trend_of_a_weighted_survey_is_the_marts_figures_with_limits_on_n_eff() {
    let t = demo("trend-weights");
    let dir = t.path();
    // Design weights on the phone sheet: 1, 2, 3 by line.
    let path = dir.join("raw/电话回访记录.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let w = if i == 0 {
            "权重".to_string()
        } else {
            (1 + i % 3).to_string()
        };
        out.push_str(&format!("{line},{w}\n"));
    }
    std::fs::write(&path, out).unwrap();
    let cfg = dir.join("csat.toml");
    let c = std::fs::read_to_string(&cfg).unwrap().replace(
        "interviewer = \"回访专员\"\n",
        "interviewer = \"回访专员\"\nweight = \"权重\"\n",
    );
    std::fs::write(&cfg, c).unwrap();
    ok(dir, &["run", "--as-of", AS_OF]);
    let (tr, sat, nps) = (
        mart(dir, "trend"),
        mart(dir, "satisfaction"),
        mart(dir, "nps"),
    );
    let (month, measure, seg) = (s(&tr, "month"), s(&tr, "measure"), s(&tr, "segment"));
    let at = |m: &str| {
        (0..tr.height())
            .find(|&i| month[i] == "2026-10" && measure[i] == m && seg[i] == "all")
            .unwrap_or_else(|| panic!("no trend row {m}"))
    };
    let sat_all = (0..sat.height())
        .find(|&i| {
            s(&sat, "segment")[i] == "all"
                && s(&sat, "measure")[i] == "q10"
                && s(&sat, "weighting")[i] == "none"
        })
        .unwrap();
    let nps_all = (0..nps.height())
        .find(|&i| s(&nps, "segment")[i] == "all" && s(&nps, "weighting")[i] == "none")
        .unwrap();
    let n_eff = f(&sat, "n_eff")[sat_all].unwrap();
    assert!(
        n_eff < f(&sat, "n")[sat_all].unwrap(),
        "the weights lower n_eff"
    );
    // One source of truth: the trend's October is the satisfaction and NPS marts' October.
    let (v, ne) = (f(&tr, "value"), f(&tr, "n_eff"));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    let i = at("q10");
    assert!(close(v[i].unwrap(), f(&sat, "mean")[sat_all].unwrap()));
    assert!(close(ne[i].unwrap(), n_eff));
    let i = at("q10_top2box");
    assert!(close(v[i].unwrap(), f(&sat, "top2box")[sat_all].unwrap()));
    assert!(close(
        f(&tr, "ci_low")[i].unwrap(),
        f(&sat, "top2box_ci_low")[sat_all].unwrap()
    ));
    let i = at("nps");
    assert!(close(v[i].unwrap(), f(&nps, "nps")[nps_all].unwrap()));
    assert!(close(ne[i].unwrap(), f(&nps, "n_eff")[nps_all].unwrap()));
    // X̄ limits (Montgomery §6.3.2): centre ± 3σ̂/√n_eff, so (ucl − centre)·√n_eff is the same
    // 3σ̂ in every month of the overall item.
    let (ucl, centre) = (f(&tr, "ucl"), f(&tr, "center"));
    let spans: Vec<f64> = (0..tr.height())
        .filter(|&i| measure[i] == "q10" && seg[i] == "all")
        .map(|i| (ucl[i].unwrap() - centre[i].unwrap()) * ne[i].unwrap().sqrt())
        .collect();
    assert_eq!(spans.len(), 12, "the demo's twelve months");
    assert!(
        spans.iter().all(|x| (x - spans[0]).abs() < 1e-9),
        "{spans:?}"
    );
}

#[test]
fn tables_xlsx_holds_numbers_where_the_report_shows_numbers() {
    // Issue 14.9: all 1,256 cells of tables.xlsx were strings ("5,356", "6.5%"), so nothing
    // could be summed, sorted or charted. Read back with calamine, an independent reader
    // (rust_xlsxwriter writes it).
    use calamine::{Data, Reader, Xlsx};
    let t = demo("xlsx");
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let bytes = std::fs::read(t.path().join("reports/2026-10/tables.xlsx")).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let looks_numeric = |s: &str| {
        let s = s.trim_start_matches(['−', '+', '-']).trim_end_matches('%');
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            && s.chars().next().unwrap().is_ascii_digit()
            && !(s.len() > 1 && s.starts_with('0') && !s.starts_with("0."))
    };
    let (mut numbers, mut texts, mut numeric_text) = (0, 0, Vec::new());
    let mut customers = false;
    let names = wb.sheet_names().to_vec();
    assert!(names.len() > 20, "{names:?}");
    for name in &names {
        let range = wb.worksheet_range(name).unwrap();
        for (i, row) in range.rows().enumerate().skip(2) {
            for c in row {
                match c {
                    Data::Float(v) => {
                        numbers += 1;
                        customers |= *v == 5999.0;
                    }
                    Data::Int(_) => numbers += 1,
                    Data::String(s) if looks_numeric(s) => {
                        numeric_text.push(format!("{name}!{i}: {s}"))
                    }
                    Data::String(_) => texts += 1,
                    _ => {}
                }
            }
        }
    }
    assert!(
        numeric_text.is_empty(),
        "numbers left as text: {numeric_text:?}"
    );
    assert!(
        numbers > 900 && numbers > 2 * texts,
        "{numbers} numbers, {texts} texts"
    );
    // The loyalty table's 5,999 customers are the number 5999.
    assert!(customers);
}

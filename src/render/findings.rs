//! The executive summary: findings drawn from the marts by fixed rules, ranked by
//! importance, each a sentence with its number, change, interval or q-value and segment.
//! No finding is written by hand. The rules, in order of the weight they get:
//!
//! 1. significant changes of the overall item, the CSI and the NPS (q below 1 − confidence),
//!    by segment; importance grows with −log₁₀ q, and drops count more than rises;
//! 2. the current month out of control on the trend charts (everyone and regions);
//! 3. the complaint → churn relative risk, when its interval excludes 1;
//! 4. competitors significantly ahead of us on an item;
//! 5. attributes in the "fix first" quadrant of the drivers analysis;
//! 6. the share of complaints closed within the 3-working-day commitment, with the churn
//!    risk of customers whose complaint was closed late when its interval excludes 1.

use std::collections::BTreeMap;

use crate::config::{Config, Lang};
use crate::frame::{self, DataFrame};

use super::i18n;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub text: String,
    pub importance: f64,
}

fn s(df: &DataFrame, c: &str) -> Vec<String> {
    frame::strs(df, c)
        .map(|v| v.into_iter().map(|x| x.unwrap_or_default()).collect())
        .unwrap_or_default()
}

fn f(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    frame::f64s(df, c).unwrap_or_else(|_| vec![None; df.height()])
}

fn b(df: &DataFrame, c: &str) -> Vec<Option<bool>> {
    frame::bools(df, c).unwrap_or_else(|_| vec![None; df.height()])
}

fn measure_label(cfg: &Config, m: &str, lang: Lang) -> String {
    if let Some(i) = cfg.item(m) {
        return i.label(lang).to_string();
    }
    if let Some(d) = cfg.dimensions.iter().find(|d| d.id == m) {
        return match lang {
            Lang::Zh => d.zh.clone(),
            Lang::En => d.en.clone(),
        };
    }
    match (m, lang) {
        ("csi", Lang::Zh) => "顾客满意度指数（CSI）".into(),
        ("csi", Lang::En) => "satisfaction index (CSI)".into(),
        ("nps", _) => "NPS".into(),
        (other, _) => other.to_string(),
    }
}

fn who(cfg: &Config, seg: &str, val: &str, lang: Lang) -> String {
    if seg == "all" {
        match lang {
            Lang::Zh => "全公司".into(),
            Lang::En => "Company-wide".into(),
        }
    } else {
        cfg.segment_label(seg, val, lang).to_string()
    }
}

/// All findings of a report, most important first (at most `max`).
pub fn findings(
    cfg: &Config,
    lang: Lang,
    marts: &BTreeMap<&str, &DataFrame>,
    max: usize,
) -> Vec<Finding> {
    let alpha = 1.0 - cfg.confidence;
    // Intervals are at the configured level: "95% CI" by default.
    let ci = format!("{} CI", crate::render::i18n::level(cfg.confidence));
    let overall = cfg
        .items_with_role(crate::config::Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    if let Some(df) = marts.get("satisfaction") {
        let (seg, val, m, w) = (
            s(df, "segment"),
            s(df, "segment_value"),
            s(df, "measure"),
            s(df, "weighting"),
        );
        let (mean, prev, delta, q) = (
            f(df, "mean"),
            f(df, "prev_mean"),
            f(df, "delta"),
            f(df, "q_value"),
        );
        let sig = b(df, "significant");
        for i in 0..df.height() {
            if sig[i] != Some(true)
                || (m[i] != overall && m[i] != "csi")
                || w.get(i).is_some_and(|w| w == "raked")
            {
                continue;
            }
            let (Some(mean), Some(prev), Some(d), Some(q)) = (mean[i], prev[i], delta[i], q[i])
            else {
                continue;
            };
            let digits = if m[i] == "csi" { 1 } else { 2 };
            let text = match lang {
                Lang::Zh => format!(
                    "{}{} {:.*} → {:.*}（{}，{}），显著{}。",
                    who(cfg, &seg[i], &val[i], lang),
                    measure_label(cfg, &m[i], lang),
                    digits,
                    prev,
                    digits,
                    mean,
                    i18n::signed_plus(d, digits),
                    i18n::qvalue(q),
                    if d < 0.0 { "下降" } else { "上升" }
                ),
                Lang::En => format!(
                    "{}: {} {:.*} → {:.*} ({}, {}), a significant {}.",
                    who(cfg, &seg[i], &val[i], lang),
                    measure_label(cfg, &m[i], lang),
                    digits,
                    prev,
                    digits,
                    mean,
                    i18n::signed_plus(d, digits),
                    i18n::qvalue(q),
                    if d < 0.0 { "drop" } else { "rise" }
                ),
            };
            out.push(Finding {
                text,
                importance: 3.0 - q.max(1e-12).log10() + if d < 0.0 { 1.0 } else { 0.0 },
            });
        }
    }
    if let Some(df) = marts.get("nps") {
        let (seg, val, w) = (s(df, "segment"), s(df, "segment_value"), s(df, "weighting"));
        let (v, prev, q) = (f(df, "nps"), f(df, "prev_nps"), f(df, "q_value"));
        let sig = b(df, "significant");
        for i in 0..df.height() {
            if sig[i] != Some(true) || w.get(i).is_some_and(|w| w == "raked") {
                continue;
            }
            let (Some(v), Some(p), Some(q)) = (v[i], prev[i], q[i]) else {
                continue;
            };
            let text = match lang {
                Lang::Zh => format!(
                    "{} NPS {} → {}（{}），显著{}。",
                    who(cfg, &seg[i], &val[i], lang),
                    i18n::signed(p, 1),
                    i18n::signed(v, 1),
                    i18n::qvalue(q),
                    if v < p { "下降" } else { "上升" }
                ),
                Lang::En => format!(
                    "{}: NPS {} → {} ({}), a significant {}.",
                    who(cfg, &seg[i], &val[i], lang),
                    i18n::signed(p, 1),
                    i18n::signed(v, 1),
                    i18n::qvalue(q),
                    if v < p { "drop" } else { "rise" }
                ),
            };
            out.push(Finding {
                text,
                importance: 2.5 - q.max(1e-12).log10() + if v < p { 1.0 } else { 0.0 },
            });
        }
    }
    if let Some(df) = marts.get("trend") {
        let (mo, meas, seg, val) = (
            s(df, "month"),
            s(df, "measure"),
            s(df, "segment"),
            s(df, "segment_value"),
        );
        let (v, lcl, ucl) = (f(df, "value"), f(df, "lcl"), f(df, "ucl"));
        let ooc = b(df, "out_of_control");
        let last = mo.iter().max().cloned().unwrap_or_default();
        for i in 0..df.height() {
            if ooc[i] != Some(true)
                || mo[i] != last
                || (meas[i] != overall && meas[i] != "csi")
                || (seg[i] != "all" && seg[i] != "region")
            {
                continue;
            }
            let (Some(v), Some(l), Some(u)) = (v[i], lcl[i], ucl[i]) else {
                continue;
            };
            let d = if meas[i] == "csi" { 1 } else { 2 };
            let text = match lang {
                Lang::Zh => format!("{}{}本月 {:.*}，超出控制限 [{:.*}, {:.*}]，属异常波动，需查明原因。", who(cfg, &seg[i], &val[i], lang), measure_label(cfg, &meas[i], lang), d, v, d, l, d, u),
                Lang::En => format!("{}: {} at {:.*} this month is outside its control limits [{:.*}, {:.*}]: a special cause to investigate.", who(cfg, &seg[i], &val[i], lang), measure_label(cfg, &meas[i], lang), d, v, d, l, d, u),
            };
            out.push(Finding {
                text,
                importance: 5.0,
            });
        }
    }
    if let Some(df) = marts.get("complaint_churn") {
        let g = s(df, "group");
        if let (Some(any), Some(none)) = (
            g.iter().position(|x| x == "any"),
            g.iter().position(|x| x == "none"),
        ) {
            let (rate, rr, lo, hi) = (
                f(df, "churn_rate"),
                f(df, "rr_vs_none"),
                f(df, "rr_ci_low"),
                f(df, "rr_ci_high"),
            );
            if let (Some(ra), Some(rn), Some(rr), Some(lo), Some(hi)) =
                (rate[any], rate[none], rr[any], lo[any], hi[any])
            {
                if lo > 1.0 || hi < 1.0 {
                    let mut text = match lang {
                        Lang::Zh => format!("投诉顾客的流失率 {} 对比未投诉顾客 {}，相对风险 {:.1}（{ci} {:.1}–{:.1}）。", i18n::percent(ra), i18n::percent(rn), rr, lo, hi),
                        Lang::En => format!("Customers who complained churned at {} against {} of the others: relative risk {:.1} ({ci} {:.1}–{:.1}).", i18n::percent(ra), i18n::percent(rn), rr, lo, hi),
                    };
                    // The hazard after a complaint, with the complaint as a time-varying
                    // exposure (the fixed grouping understates it), when estimated.
                    if let Some(h) = marts.get("complaint_hazard") {
                        let v = |c: &str| f(h, c).first().copied().flatten();
                        if let (Some(hr), Some(a), Some(b)) =
                            (v("hazard_ratio"), v("hr_ci_low"), v("hr_ci_high"))
                        {
                            text.push_str(&match lang {
                                Lang::Zh => format!("按投诉发生时点计（Cox 模型），投诉后的流失风险为投诉前的 {hr:.1} 倍（{ci} {a:.1}–{b:.1}）。"),
                                Lang::En => format!(" Counted from the day of the complaint (Cox model), the churn hazard after a complaint is {hr:.1} times that before ({ci} {a:.1}–{b:.1})."),
                            });
                        }
                    }
                    out.push(Finding {
                        text,
                        importance: 4.5,
                    });
                }
            }
        }
    }
    if let Some(df) = marts.get("benchmark") {
        let (m, brand, src) = (s(df, "measure"), s(df, "brand"), s(df, "source"));
        let (gap, q) = (f(df, "gap"), f(df, "q_value"));
        for i in 0..df.height() {
            let (Some(g), Some(q)) = (gap[i], q[i]) else {
                continue;
            };
            if src[i] != "competitor_survey" || g <= 0.0 || q >= alpha {
                continue;
            }
            let name = cfg.segment_label("brand", &brand[i], lang).to_string();
            let text = match lang {
                Lang::Zh => format!(
                    "竞争对手{}在「{}」上领先本品牌 {:.2} 分（{}）。",
                    name,
                    measure_label(cfg, &m[i], lang),
                    g,
                    i18n::qvalue(q)
                ),
                Lang::En => format!(
                    "Competitor {} leads us on \"{}\" by {:.2} points ({}).",
                    name,
                    measure_label(cfg, &m[i], lang),
                    g,
                    i18n::qvalue(q)
                ),
            };
            out.push(Finding {
                text,
                importance: 4.0,
            });
        }
    }
    if let Some(df) = marts.get("drivers") {
        let (a, quad) = (s(df, "attribute"), s(df, "quadrant"));
        let (imp, perf) = (f(df, "importance"), f(df, "performance"));
        for i in 0..df.height() {
            if quad[i] != "fix_first" {
                continue;
            }
            let (Some(w), Some(p)) = (imp[i], perf[i]) else {
                continue;
            };
            let text = match lang {
                Lang::Zh => format!("「{}」对总体满意度影响大（占 R² 的 {:.1}%）而表现偏低（{:.1}/100），应优先改进。", measure_label(cfg, &a[i], lang), w, p),
                Lang::En => format!("\"{}\" matters ({:.1}% of R²) but performs below average ({:.1}/100): fix it first.", measure_label(cfg, &a[i], lang), w, p),
            };
            out.push(Finding {
                text,
                importance: 3.5 + w / 100.0,
            });
        }
    }
    if let Some(df) = marts.get("complaints") {
        let seg = s(df, "segment");
        if let Some(i) = seg.iter().position(|x| x == "all") {
            let (n, w3, lo, hi, w24, r_lo, r_hi) = (
                f(df, "count"),
                f(df, "closed_in_time_share"),
                f(df, "closed_in_time_ci_low"),
                f(df, "closed_in_time_ci_high"),
                f(df, "responded_in_time_share"),
                f(df, "responded_in_time_ci_low"),
                f(df, "responded_in_time_ci_high"),
            );
            // The interval of the closing share, else of the response share; a share the log
            // cannot measure is left out, and without either there is no finding.
            let interval = lo[i].zip(hi[i]).or(r_lo[i].zip(r_hi[i]));
            if let (Some(n), Some((lo, hi))) = (n[i], interval) {
                let ct = i18n::CommitmentText::new(cfg.commitments, lang);
                let shares = ct.shares(w24[i], w3[i]);
                let mut text = match lang {
                    Lang::Zh => format!(
                        "本月受理投诉 {} 件：{shares}（{ci} {}–{}）。",
                        n as u64,
                        i18n::percent(lo),
                        i18n::percent(hi)
                    ),
                    Lang::En => format!(
                        "{} complaints this month: {shares} ({ci} {}–{}).",
                        n as u64,
                        i18n::percent(lo),
                        i18n::percent(hi)
                    ),
                };
                // What a late closure costs: churn of customers with a complaint closed late,
                // against those who did not complain, when its interval excludes 1.
                if let Some(cc) = marts.get("complaint_churn") {
                    let g = s(cc, "group");
                    let (rate, rr, rlo, rhi) = (
                        f(cc, "churn_rate"),
                        f(cc, "rr_vs_none"),
                        f(cc, "rr_ci_low"),
                        f(cc, "rr_ci_high"),
                    );
                    if let Some(j) = g.iter().position(|x| x == "closed_late") {
                        if let (Some(r), Some(rr), Some(a), Some(b)) =
                            (rate[j], rr[j], rlo[j], rhi[j])
                        {
                            if a > 1.0 {
                                text.push_str(&match lang {
                                    Lang::Zh => format!("超时结案顾客近十二个月流失率 {}，为未投诉顾客的 {:.1} 倍（{ci} {:.1}–{:.1}）。", i18n::percent(r), rr, a, b),
                                    Lang::En => format!(" Customers whose complaint was closed late churned at {}, {:.1} times the rate of those who did not complain ({ci} {:.1}–{:.1}).", i18n::percent(r), rr, a, b),
                                });
                            }
                        }
                    }
                }
                let met = w3[i].or(w24[i]).unwrap_or(1.0);
                out.push(Finding {
                    text,
                    importance: if met < 0.9 { 3.0 } else { 1.0 },
                });
            }
        }
    }
    out.sort_by(|a, b| {
        b.importance
            .total_cmp(&a.importance)
            .then(a.text.cmp(&b.text))
    });
    out.truncate(max);
    out
}

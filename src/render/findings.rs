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

use crate::config::{Config, Lang};
use crate::mart::{self, MartSet};

use super::i18n;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub text: String,
    pub importance: f64,
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

/// What every rule needs: the configuration, the language, the interval label, the overall
/// item and the significance level.
struct Ctx<'a> {
    cfg: &'a Config,
    lang: Lang,
    ci: String,
    overall: String,
    alpha: f64,
}

/// All findings of a report, most important first (at most `max`).
pub fn findings(cfg: &Config, lang: Lang, marts: &MartSet, max: usize) -> Vec<Finding> {
    let cx = Ctx {
        cfg,
        lang,
        // Intervals are at the configured level: "95% CI" by default.
        ci: format!("{} CI", crate::render::i18n::level(cfg.confidence)),
        overall: cfg
            .items_with_role(crate::config::Role::Overall)
            .next()
            .map(|i| i.id.clone())
            .unwrap_or_default(),
        alpha: 1.0 - cfg.confidence,
    };
    let mut out = Vec::new();
    out.extend(satisfaction_changes(
        &cx,
        marts.satisfaction.as_deref().unwrap_or_default(),
    ));
    out.extend(nps_changes(&cx, marts.nps.as_deref().unwrap_or_default()));
    out.extend(out_of_control(
        &cx,
        marts.trend.as_deref().unwrap_or_default(),
    ));
    let churn = marts.complaint_churn.as_deref().unwrap_or_default();
    let hazard = marts.complaint_hazard.as_deref().unwrap_or_default();
    out.extend(complaint_churn(&cx, churn, hazard));
    out.extend(competitors_ahead(
        &cx,
        marts.benchmark.as_deref().unwrap_or_default(),
    ));
    out.extend(fix_first(&cx, marts.drivers.as_deref().unwrap_or_default()));
    out.extend(complaint_handling(
        &cx,
        marts.complaints.as_deref().unwrap_or_default(),
        churn,
    ));
    out.sort_by(|a, b| {
        b.importance
            .total_cmp(&a.importance)
            .then(a.text.cmp(&b.text))
    });
    out.truncate(max);
    out
}

/// Rule 1: significant changes of the overall item and the CSI, by segment.
fn satisfaction_changes(cx: &Ctx, rows: &[mart::Satisfaction]) -> Vec<Finding> {
    let (cfg, lang) = (cx.cfg, cx.lang);
    let mut out = Vec::new();
    for r in rows {
        if r.significant != Some(true)
            || (r.measure != cx.overall && r.measure != "csi")
            || r.weighting == "raked"
        {
            continue;
        }
        let (mean, Some(prev), Some(d), Some(q)) = (r.mean, r.prev_mean, r.delta, r.q_value) else {
            continue;
        };
        let digits = if r.measure == "csi" { 1 } else { 2 };
        let (who, what) = (
            who(cfg, &r.segment, &r.segment_value, lang),
            measure_label(cfg, &r.measure, lang),
        );
        let text = match lang {
            Lang::Zh => format!(
                "{who}{what} {prev:.digits$} → {mean:.digits$}（{}，{}），显著{}。",
                i18n::signed_plus(d, digits),
                i18n::qvalue(q),
                if d < 0.0 { "下降" } else { "上升" }
            ),
            Lang::En => format!(
                "{who}: {what} {prev:.digits$} → {mean:.digits$} ({}, {}), a significant {}.",
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
    out
}

/// Rule 1: significant changes of the NPS, by segment.
fn nps_changes(cx: &Ctx, rows: &[mart::Nps]) -> Vec<Finding> {
    let (cfg, lang) = (cx.cfg, cx.lang);
    let mut out = Vec::new();
    for r in rows {
        if r.significant != Some(true) || r.weighting == "raked" {
            continue;
        }
        let (v, Some(p), Some(q)) = (r.nps, r.prev_nps, r.q_value) else {
            continue;
        };
        let who = who(cfg, &r.segment, &r.segment_value, lang);
        let text = match lang {
            Lang::Zh => format!(
                "{who} NPS {} → {}（{}），显著{}。",
                i18n::signed(p, 1),
                i18n::signed(v, 1),
                i18n::qvalue(q),
                if v < p { "下降" } else { "上升" }
            ),
            Lang::En => format!(
                "{who}: NPS {} → {} ({}), a significant {}.",
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
    out
}

/// Rule 2: the current month out of control (everyone and regions).
fn out_of_control(cx: &Ctx, rows: &[mart::Trend]) -> Vec<Finding> {
    let (cfg, lang) = (cx.cfg, cx.lang);
    let last = rows.iter().map(|r| &r.month).max();
    let mut out = Vec::new();
    for r in rows {
        if r.out_of_control != Some(true)
            || Some(&r.month) != last
            || (r.measure != cx.overall && r.measure != "csi")
            || (r.segment != "all" && r.segment != "region")
        {
            continue;
        }
        let (v, Some(l), Some(u)) = (r.value, r.lcl, r.ucl) else {
            continue;
        };
        let d = if r.measure == "csi" { 1 } else { 2 };
        let (who, what) = (
            who(cfg, &r.segment, &r.segment_value, lang),
            measure_label(cfg, &r.measure, lang),
        );
        let text = match lang {
            Lang::Zh => format!("{who}{what}本月 {v:.d$}，超出控制限 [{l:.d$}, {u:.d$}]，属异常波动，需查明原因。"),
            Lang::En => format!("{who}: {what} at {v:.d$} this month is outside its control limits [{l:.d$}, {u:.d$}]: a special cause to investigate."),
        };
        out.push(Finding {
            text,
            importance: 5.0,
        });
    }
    out
}

/// Rule 3: the complaint → churn relative risk when its interval excludes 1, with the
/// hazard after a complaint (Cox, time-varying) when estimated.
fn complaint_churn(
    cx: &Ctx,
    rows: &[mart::ComplaintChurn],
    hazard: &[mart::ComplaintHazard],
) -> Option<Finding> {
    let (lang, ci) = (cx.lang, &cx.ci);
    let any = rows.iter().find(|r| r.group == "any")?;
    let none = rows.iter().find(|r| r.group == "none")?;
    let (ra, rn, rr, lo, hi) = (
        any.churn_rate?,
        none.churn_rate?,
        any.rr_vs_none?,
        any.rr_ci_low?,
        any.rr_ci_high?,
    );
    if !(lo > 1.0 || hi < 1.0) {
        return None;
    }
    let mut text = match lang {
        Lang::Zh => format!("投诉顾客的流失率 {} 对比未投诉顾客 {}，相对风险 {:.1}（{ci} {:.1}–{:.1}）。", i18n::percent(ra), i18n::percent(rn), rr, lo, hi),
        Lang::En => format!("Customers who complained churned at {} against {} of the others: relative risk {:.1} ({ci} {:.1}–{:.1}).", i18n::percent(ra), i18n::percent(rn), rr, lo, hi),
    };
    // The hazard after a complaint, with the complaint as a time-varying exposure (the
    // fixed grouping understates it), when estimated.
    if let Some((hr, a, b)) = hazard
        .first()
        .and_then(|h| Some((h.hazard_ratio?, h.hr_ci_low?, h.hr_ci_high?)))
    {
        text.push_str(&match lang {
            Lang::Zh => format!("按投诉发生时点计（Cox 模型），投诉后的流失风险为投诉前的 {hr:.1} 倍（{ci} {a:.1}–{b:.1}）。"),
            Lang::En => format!(" Counted from the day of the complaint (Cox model), the churn hazard after a complaint is {hr:.1} times that before ({ci} {a:.1}–{b:.1})."),
        });
    }
    Some(Finding {
        text,
        importance: 4.5,
    })
}

/// Rule 4: competitors significantly ahead of us on an item.
fn competitors_ahead(cx: &Ctx, rows: &[mart::Benchmark]) -> Vec<Finding> {
    let (cfg, lang) = (cx.cfg, cx.lang);
    let mut out = Vec::new();
    for r in rows {
        let (Some(g), Some(q)) = (r.gap, r.q_value) else {
            continue;
        };
        if r.source != "competitor_survey" || g <= 0.0 || q >= cx.alpha {
            continue;
        }
        let name = cfg.segment_label("brand", &r.brand, lang).to_string();
        let what = measure_label(cfg, &r.measure, lang);
        let text = match lang {
            Lang::Zh => format!(
                "竞争对手{name}在「{what}」上领先本品牌 {g:.2} 分（{}）。",
                i18n::qvalue(q)
            ),
            Lang::En => format!(
                "Competitor {name} leads us on \"{what}\" by {g:.2} points ({}).",
                i18n::qvalue(q)
            ),
        };
        out.push(Finding {
            text,
            importance: 4.0,
        });
    }
    out
}

/// Rule 5: attributes in the "fix first" quadrant.
fn fix_first(cx: &Ctx, rows: &[mart::Driver]) -> Vec<Finding> {
    let (cfg, lang) = (cx.cfg, cx.lang);
    let mut out = Vec::new();
    for r in rows {
        if r.quadrant.as_deref() != Some("fix_first") {
            continue;
        }
        let (Some(w), Some(p)) = (r.importance, r.performance) else {
            continue;
        };
        let what = measure_label(cfg, &r.attribute, lang);
        let text = match lang {
            Lang::Zh => format!("「{what}」对总体满意度影响大（占 R² 的 {w:.1}%）而表现偏低（{p:.1}/100），应优先改进。"),
            Lang::En => format!("\"{what}\" matters ({w:.1}% of R²) but performs below average ({p:.1}/100): fix it first."),
        };
        out.push(Finding {
            text,
            importance: 3.5 + w / 100.0,
        });
    }
    out
}

/// Rule 6: the share of complaints handled within the commitments, with the churn risk of
/// customers whose complaint was closed late when its interval excludes 1.
fn complaint_handling(
    cx: &Ctx,
    rows: &[mart::Complaints],
    churn: &[mart::ComplaintChurn],
) -> Option<Finding> {
    let (cfg, lang, ci) = (cx.cfg, cx.lang, &cx.ci);
    let all = rows.iter().find(|r| r.segment == "all")?;
    // The interval of the closing share, else of the response share; a share the log
    // cannot measure is left out, and without either there is no finding.
    let (lo, hi) = all
        .closed_in_time_ci_low
        .zip(all.closed_in_time_ci_high)
        .or(all
            .responded_in_time_ci_low
            .zip(all.responded_in_time_ci_high))?;
    let (w24, w3) = (all.responded_in_time_share, all.closed_in_time_share);
    let ct = i18n::CommitmentText::new(cfg.commitments, lang);
    let shares = ct.shares(w24, w3);
    let n = all.count;
    let mut text = match lang {
        Lang::Zh => format!(
            "本月受理投诉 {n} 件：{shares}（{ci} {}–{}）。",
            i18n::percent(lo),
            i18n::percent(hi)
        ),
        Lang::En => format!(
            "{n} complaints this month: {shares} ({ci} {}–{}).",
            i18n::percent(lo),
            i18n::percent(hi)
        ),
    };
    // What a late closure costs: churn of customers with a complaint closed late, against
    // those who did not complain, when its interval excludes 1.
    let late = churn
        .iter()
        .find(|r| r.group == "closed_late")
        .and_then(|r| Some((r.churn_rate?, r.rr_vs_none?, r.rr_ci_low?, r.rr_ci_high?)));
    if let Some((r, rr, a, b)) = late.filter(|l| l.2 > 1.0) {
        text.push_str(&match lang {
            Lang::Zh => format!("超时结案顾客近十二个月流失率 {}，为未投诉顾客的 {rr:.1} 倍（{ci} {a:.1}–{b:.1}）。", i18n::percent(r)),
            Lang::En => format!(" Customers whose complaint was closed late churned at {}, {rr:.1} times the rate of those who did not complain ({ci} {a:.1}–{b:.1}).", i18n::percent(r)),
        });
    }
    let met = w3.or(w24).unwrap_or(1.0);
    Some(Finding {
        text,
        importance: if met < 0.9 { 3.0 } else { 1.0 },
    })
}

//! The complaint → churn models as tables and words: the logistic churn model
//! (`churn_model`) and the Cox model with the complaint as a time-varying exposure
//! (`complaint_hazard`).

use crate::config::{Config, Lang};

use super::i18n::{self, Msg};
use crate::mart;

use super::model::{opt, Inputs, Table};

/// A model term in the reader's words: the complaint terms, the derived numbers, a
/// `segment:value` dummy as "segment = value", a `[[fields]]` number by its label.
fn term_label(cfg: &Config, lang: Lang, x: &str) -> String {
    let t = |m: Msg| m.text(lang).to_string();
    match x {
        "intercept" => t(Msg::TermIntercept),
        "complained" => t(Msg::TermComplained),
        "complaints" => t(Msg::TermComplaints),
        "closed_late" => t(Msg::TermClosedLate),
        "severe" => t(Msg::TermSevere),
        "tenure" => t(Msg::TermTenure),
        "satisfaction" => t(Msg::TermSatisfaction),
        "value" => t(Msg::TermValue),
        "complaint_open" => t(Msg::TermOpen),
        "complaint_closed_in_time" => t(Msg::TermClosedInTime),
        "complaint_closed_late" => t(Msg::TermClosedLateSince),
        other => match other.split_once(':') {
            Some((seg, v)) => format!(
                "{} = {}",
                i18n::segment_name(cfg, seg, lang),
                cfg.segment_label(seg, v, lang)
            ),
            None => cfg
                .field(other)
                .map(|f| f.label(lang).to_string())
                .unwrap_or_else(|| other.to_string()),
        },
    }
}

/// The churn model: each term's coefficient, standard error, odds ratio with its interval
/// and p-value, from the churn_model mart (n and events in the caption).
pub(super) fn model_table(inp: &Inputs) -> Option<Table> {
    let model = inp.marts.churn_model.as_ref()?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    if model.iter().all(|r| r.coef.is_none()) {
        return None;
    }
    let label = |x: &str| term_label(cfg, lang, x);
    let rows: Vec<Vec<String>> = model
        .iter()
        .map(|r| {
            vec![
                label(r.term.as_deref().unwrap_or_default()),
                opt(r.coef, 3),
                r.coef
                    .and(r.se)
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "—".into()),
                r.odds_ratio
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "—".into()),
                r.or_ci_low
                    .zip(r.or_ci_high)
                    .map(|(a, b)| format!("{a:.2}–{b:.2}"))
                    .unwrap_or_else(|| "—".into()),
                r.p_value.map(i18n::pvalue).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let first = model.first();
    let caption = format!(
        "{}{}",
        t(Msg::ChurnModelTable),
        i18n::paren(
            &format!(
                "n = {}, {} {}",
                i18n::count(first.and_then(|r| r.n).unwrap_or(0)),
                t(Msg::Churned),
                i18n::count(first.and_then(|r| r.events).unwrap_or(0))
            ),
            lang
        )
    );
    Some(Table {
        caption: Some(caption),
        header: vec![
            t(Msg::Term),
            t(Msg::Coefficient),
            t(Msg::StdError),
            t(Msg::OddsRatio),
            t(Msg::Ci),
            t(Msg::PValue),
        ],
        align: vec!["left", "right", "right", "right", "right", "right"],
        muted: vec![false; rows.len()],
        rows,
    })
}

/// The complaint as a time-varying exposure (the complaint_hazard mart), in words: the
/// hazard ratio after a complaint, its proportional-hazards check, why it differs from the
/// fixed groups of the table, and how the curves are drawn.
pub(super) fn hazard_note(inp: &Inputs) -> Option<String> {
    let hazard = inp.marts.complaint_hazard.as_ref()?;
    let h = hazard
        .iter()
        .find(|r| r.term.as_deref() == Some("complained"))?;
    let (hr, lo, hi, p) = (h.hazard_ratio?, h.hr_ci_low?, h.hr_ci_high?, h.p_value?);
    let ph = h.ph_p_value;
    let (n, k) = (h.customers, h.events);
    let pct = (inp.cfg.confidence * 100.0).round();
    let alpha = 1.0 - inp.cfg.confidence;
    let simon = inp
        .marts
        .survival
        .as_ref()
        .and_then(|s| s.first())
        .is_some_and(|s| s.method == "simon_makuch");
    let controls = inp.cfg.churn_controls.len();
    let outcome = hazard.iter().any(|r| r.model == "outcome");
    let (pv, nn, kk) = (i18n::pvalue(p), i18n::count(n), i18n::count(k));
    Some(match inp.lang {
        Lang::Zh => {
            let mut s = format!("投诉作为随时间变化的暴露（Cox 比例风险模型，Efron 法处理同日流失；顾客自首次投诉之日起计为已投诉{}）：投诉后的流失风险为投诉前或未投诉时的 {hr:.2} 倍（{pct}% CI {lo:.2}–{hi:.2}，p {pv}；{nn} 位顾客、{kk} 次流失）。", if controls > 0 { "，并控制表中其余各项" } else { "" });
            if let Some(ph) = ph {
                s.push_str(&format!(
                    "比例风险检验（Grambsch–Therneau，Schoenfeld 残差）p {}{}。",
                    i18n::pvalue(ph),
                    if ph < alpha {
                        "：风险比随随访时间变化，上述倍数是随访期内的平均"
                    } else {
                        "，未见风险比随时间变化"
                    }
                ));
            }
            if outcome {
                s.push_str("“投诉处理中”“按时结案”“超时结案”三项来自另一模型：按顾客最近一次投诉所处的状态随时间切换，以尚未投诉为参照，同样控制其余各项。");
            }
            s.push_str("本节首表的分组自随访开始即按随访期间是否投诉划分，存在不朽时间偏倚（投诉前的时间被计入投诉组），相对风险偏低，仅作描述。");
            if simon {
                s.push_str("生存曲线采用 Simon–Makuch 法：顾客在投诉当日由“未投诉”曲线转入“投诉后”曲线，log-rank 检验按同样随时间变化的分组。");
            }
            s
        }
        Lang::En => {
            let mut s = format!("Complaints as a time-varying exposure (Cox proportional hazards, Efron ties; a customer counts as complained from the day of the first complaint{}): the churn hazard after a complaint is {hr:.2} times that before or without one ({pct}% CI {lo:.2}–{hi:.2}, p {pv}; {nn} customers, {kk} churns).", if controls > 0 { ", adjusted for the table's other terms" } else { "" });
            if let Some(ph) = ph {
                s.push_str(&format!(
                    " Proportional-hazards test (Grambsch–Therneau, Schoenfeld residuals) p {}{}.",
                    i18n::pvalue(ph),
                    if ph < alpha {
                        ": the ratio changes over follow-up, and the figure is its average"
                    } else {
                        ", no sign that the ratio changes over follow-up"
                    }
                ));
            }
            if outcome {
                s.push_str(" The open / closed in time / closed late rows are another model: the status of the customer's latest complaint, switching over time, against no complaint yet, adjusted alike.");
            }
            s.push_str(" The groups of the section's first table are fixed from the start of follow-up by complaints made during it (immortal-time bias: the time before a complaint counts for the complained group), so their ratios understate the effect and are descriptive.");
            if simon {
                s.push_str(" The curves are Simon–Makuch estimates: a customer moves from the no-complaint curve to the after-a-complaint curve on the day of the complaint, and the log-rank test uses the same time-varying groups.");
            }
            s
        }
    })
}

/// The Cox models of the complaint_hazard mart: the `complained` model's complaint term,
/// the outcome model's complaint terms (adjusted for the same controls), then the first
/// model's controls, each with its hazard ratio, interval, p, q and proportional-hazards test.
pub(super) fn hazard_table(inp: &Inputs) -> Option<Table> {
    let hazard = inp.marts.complaint_hazard.as_ref()?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    // The complaint, where the complaint stands (the outcome model), then the controls (of
    // the first model; the outcome model's are alike).
    let pick = |m: &str, exposure: bool| -> Vec<&mart::ComplaintHazard> {
        hazard
            .iter()
            .filter(|r| r.hazard_ratio.is_some() && r.model == m)
            .filter(|r| {
                let term = r.term.as_deref().unwrap_or_default();
                (term == "complained" || term.starts_with("complaint_")) == exposure
            })
            .collect()
    };
    let shown: Vec<&mart::ComplaintHazard> = [
        pick("complained", true),
        pick("outcome", true),
        pick("complained", false),
    ]
    .concat();
    let first = shown.first()?;
    let dash = || "—".to_string();
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            let term = r.term.as_deref().unwrap_or_default();
            vec![
                if term == "complained" {
                    t(Msg::TermComplainedSince)
                } else {
                    term_label(cfg, lang, term)
                },
                r.hazard_ratio
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(dash),
                r.hr_ci_low
                    .zip(r.hr_ci_high)
                    .map(|(a, b)| format!("{a:.2}–{b:.2}"))
                    .unwrap_or_else(dash),
                r.p_value.map(i18n::pvalue).unwrap_or_else(dash),
                r.q_value.map(i18n::pvalue).unwrap_or_else(dash),
                r.ph_p_value.map(i18n::pvalue).unwrap_or_else(dash),
            ]
        })
        .collect();
    let caption = format!(
        "{}{}",
        t(Msg::HazardTable),
        i18n::paren(
            &format!(
                "n = {}, {} {}",
                i18n::count(first.customers),
                t(Msg::Churned),
                i18n::count(first.events)
            ),
            lang
        )
    );
    Some(Table {
        caption: Some(caption),
        header: vec![
            t(Msg::Term),
            t(Msg::HazardRatio),
            t(Msg::Ci),
            t(Msg::PValue),
            t(Msg::QValue),
            t(Msg::PhTest),
        ],
        align: vec!["left", "right", "right", "right", "right", "right"],
        muted: vec![false; rows.len()],
        rows,
    })
}

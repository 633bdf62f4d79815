//! The complaint → churn models as tables and words: the logistic churn model
//! (`churn_model`) and the Cox model with the complaint as a time-varying exposure
//! (`complaint_hazard`).

use crate::config::{Config, Lang};

use super::i18n::{self, Msg};
use super::model::{opt, Cols, Inputs, Table};

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
    let df = inp.marts.get("churn_model")?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let c = Cols(df);
    let (term, coef, se, or, lo, hi, p) = (
        c.s("term"),
        c.f("coef"),
        c.f("se"),
        c.f("odds_ratio"),
        c.f("or_ci_low"),
        c.f("or_ci_high"),
        c.f("p_value"),
    );
    if coef.iter().all(Option::is_none) {
        return None;
    }
    let (n, events) = (c.f("n"), c.f("events"));
    let label = |x: &str| term_label(cfg, lang, x);
    let rows: Vec<Vec<String>> = (0..df.height())
        .map(|i| {
            vec![
                label(&term[i]),
                opt(coef[i], 3),
                coef[i]
                    .and(se[i])
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "—".into()),
                or[i]
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "—".into()),
                lo[i]
                    .zip(hi[i])
                    .map(|(a, b)| format!("{a:.2}–{b:.2}"))
                    .unwrap_or_else(|| "—".into()),
                p[i].map(i18n::pvalue).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let caption = format!(
        "{}{}",
        t(Msg::ChurnModelTable),
        i18n::paren(
            &format!(
                "n = {}, {} {}",
                i18n::count(n.first().copied().flatten().unwrap_or(0.0) as usize),
                t(Msg::Churned),
                i18n::count(events.first().copied().flatten().unwrap_or(0.0) as usize)
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
    let df = inp.marts.get("complaint_hazard")?;
    let c = Cols(df);
    let i = (0..df.height()).find(|&i| c.s("term")[i] == "complained")?;
    let (hr, lo, hi, p) = (
        c.f("hazard_ratio")[i]?,
        c.f("hr_ci_low")[i]?,
        c.f("hr_ci_high")[i]?,
        c.f("p_value")[i]?,
    );
    let ph = c.f("ph_p_value")[i];
    let (n, k) = (c.f("customers")[i]? as usize, c.f("events")[i]? as usize);
    let pct = (inp.cfg.confidence * 100.0).round();
    let alpha = 1.0 - inp.cfg.confidence;
    let simon = inp.marts.get("survival").is_some_and(|s| {
        Cols(s)
            .s("method")
            .first()
            .is_some_and(|m| m == "simon_makuch")
    });
    let controls = inp.cfg.churn_controls.len();
    let outcome = c.s("model").iter().any(|m| m == "outcome");
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
    let df = inp.marts.get("complaint_hazard")?;
    let (cfg, lang) = (inp.cfg, inp.lang);
    let t = |m: Msg| m.text(lang).to_string();
    let c = Cols(df);
    let (model, term, hr, lo, hi, p, q, ph) = (
        c.s("model"),
        c.s("term"),
        c.f("hazard_ratio"),
        c.f("hr_ci_low"),
        c.f("hr_ci_high"),
        c.f("p_value"),
        c.f("q_value"),
        c.f("ph_p_value"),
    );
    // The complaint, where the complaint stands (the outcome model), then the controls (of
    // the first model; the outcome model's are alike).
    let pick = |m: &str, exposure: bool| -> Vec<usize> {
        (0..df.height())
            .filter(|&i| hr[i].is_some() && model[i] == m)
            .filter(|&i| (term[i] == "complained" || term[i].starts_with("complaint_")) == exposure)
            .collect()
    };
    let shown: Vec<usize> = [
        pick("complained", true),
        pick("outcome", true),
        pick("complained", false),
    ]
    .concat();
    if shown.is_empty() {
        return None;
    }
    let dash = || "—".to_string();
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|&i| {
            vec![
                if term[i] == "complained" {
                    t(Msg::TermComplainedSince)
                } else {
                    term_label(cfg, lang, &term[i])
                },
                hr[i].map(|v| format!("{v:.2}")).unwrap_or_else(dash),
                lo[i]
                    .zip(hi[i])
                    .map(|(a, b)| format!("{a:.2}–{b:.2}"))
                    .unwrap_or_else(dash),
                p[i].map(i18n::pvalue).unwrap_or_else(dash),
                q[i].map(i18n::pvalue).unwrap_or_else(dash),
                ph[i].map(i18n::pvalue).unwrap_or_else(dash),
            ]
        })
        .collect();
    let (n, k) = (c.f("customers"), c.f("events"));
    let caption = format!(
        "{}{}",
        t(Msg::HazardTable),
        i18n::paren(
            &format!(
                "n = {}, {} {}",
                i18n::count(n[shown[0]].unwrap_or(0.0) as usize),
                t(Msg::Churned),
                i18n::count(k[shown[0]].unwrap_or(0.0) as usize)
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

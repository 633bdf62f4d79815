//! The words of the sample-size plan table (the report's appendix; `csat plan` prints its
//! own English table).

use super::*;

/// The plan table's caption with its targets: 下期样本量计划（均值 ±0.1 分、满意率 ±5.0 个
/// 百分点、NPS ±10，95% 置信） / Sample plan for next period (…).
pub fn plan_caption(t: &crate::config::PlanTargets, confidence: f64, lang: Lang) -> String {
    let (m, s, n, c) = (
        t.margin,
        t.margin_share * 100.0,
        t.margin_nps,
        confidence * 100.0,
    );
    match lang {
        Lang::Zh => format!(
            "下期样本量计划（目标：均值 ±{m} 分、满意率 ±{s:.1} 个百分点、NPS ±{n}，{c:.0}% 置信）"
        ),
        Lang::En => format!(
            "Sample plan for next period (targets: mean ±{m}, top-2-box ±{s:.1} points, NPS ±{n}, {c:.0}% confidence)"
        ),
    }
}

/// The plan table's header after the segment column.
pub fn plan_header(lang: Lang) -> [&'static str; 10] {
    match lang {
        Lang::Zh => [
            "本期 n",
            "均值误差",
            "所需",
            "满意率误差",
            "所需",
            "NPS 误差",
            "所需",
            "顾客数",
            "计划完成",
            "需邀请",
        ],
        Lang::En => [
            "n now",
            "± mean",
            "need",
            "± T2B",
            "need",
            "± NPS",
            "need",
            "customers",
            "plan",
            "invite",
        ],
    }
}

/// The total row's label: 合计（12 家） / Total (12).
pub fn plan_total(k: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("合计（{k}）"),
        Lang::En => format!("Total ({k})"),
    }
}

/// How to read the plan table, and where its formulas come from.
pub fn plan_note(rate: Option<(f64, &str)>, lang: Lang) -> String {
    let rate_zh = match rate {
        Some((r, ch)) => format!("需邀请 = 计划完成 ÷ 本期应答率 {}（{ch}）。", percent(r)),
        None => "本期未记录邀请数，无法估计需邀请数。".into(),
    };
    let rate_en = match rate {
        Some((r, ch)) => format!(
            "Invite = plan ÷ this period's response rate of {} ({ch}).",
            percent(r)
        ),
        None => {
            "No invitations were recorded this period, so the invitations needed are not available."
                .into()
        }
    };
    match lang {
        Lang::Zh => format!("样本量计划：“误差”为本期区间的半宽（均值用 t 区间，满意率与 NPS 用正态近似）；“所需”为达到目标半宽所需的有效答卷数，已知顾客数时按有限总体校正（Cochran 1977；满意率同 Krejcie–Morgan 1970）；“计划完成”取三项中最多者。报告中的区间不作有限总体校正，因而略宽。{rate_zh}"),
        Lang::En => format!("Sample plan: “±” is this period's interval half-width (a t interval for the mean, the normal approximation for top-2-box and NPS); “need” is the answers that reach the target half-width, with the finite-population correction where the customer file gives the segment's customers (Cochran 1977; for shares as Krejcie & Morgan 1970); “plan” is the most of the three. The report's intervals leave the correction out and are slightly wider. {rate_en}"),
    }
}

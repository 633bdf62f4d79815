//! The complaint charts of the report: the categories' Pareto chart, the handling-time
//! histograms against the commitments, and the survival of complainers and others.

use super::*;

/// The month's share of complaints that met a commitment (`share` of the complaints
/// mart's all-complaints row), where it is measured.
pub(super) fn commitment_share(
    inp: &Inputs,
    share: fn(&mart::Complaints) -> Option<f64>,
) -> Option<f64> {
    inp.marts
        .complaints
        .as_ref()?
        .iter()
        .find(|r| r.segment == "all")
        .and_then(share)
}

/// First-response and resolution times of this month's complaints against the 24-hour and
/// 3-working-day commitments, from the complaint_times mart.
pub fn times_chart(inp: &Inputs) -> Option<HistogramChart> {
    let rows = inp.marts.complaint_times.as_deref()?;
    let lang = inp.lang;
    let mut panels = Vec::new();
    let ct = i18n::CommitmentText::new(inp.cfg.commitments, lang);
    let days = if inp.cfg.commitments.calendar_days {
        "resolution_calendar_days"
    } else {
        "resolution_working_days"
    };
    for (measure, title, unit, missing, commitment_label) in [
        (
            "first_response_h",
            Msg::FirstResponseHours,
            Msg::Hours.text(lang).to_string(),
            Msg::NoResponse,
            ct.respond_line(),
        ),
        (
            days,
            Msg::ResolutionDays,
            ct.day_unit().to_string(),
            Msg::NotClosed,
            ct.close_line(),
        ),
    ] {
        let bins: Vec<&mart::ComplaintTime> =
            rows.iter().filter(|r| r.measure == measure).collect();
        let Some(first) = bins.first() else {
            continue;
        };
        let commitment = first.commitment;
        let mut bars = Vec::new();
        let mut at = 0;
        for b in &bins {
            let (lo, hi) = (b.bin_low, b.bin_high);
            let label = match (lo, hi) {
                (Some(l), Some(_)) => format!("{l:.0}"),
                (Some(l), None) => format!("≥{l:.0}"),
                _ => missing.text(lang).to_string(),
            };
            if let Some(l) = lo {
                // Whole working days: ≤ 3 means bars 0..=3 meet the commitment; hours are
                // continuous, so bars ending at or before 24 h meet it.
                let meets = if measure == days {
                    l <= commitment
                } else {
                    hi.is_some_and(|h| h <= commitment)
                };
                if meets {
                    at = bars.len() + 1;
                }
            }
            bars.push((label, b.count as f64, lo.is_none()));
        }
        // The share met is the complaints mart's (one rule, `metrics::handling`): the bars
        // are binned, a share from them would misplace a response at exactly the boundary.
        let share = commitment_share(
            inp,
            if measure == days {
                |r| r.closed_in_time_share
            } else {
                |r| r.responded_in_time_share
            },
        );
        panels.push(HistPanel {
            title: title.text(lang).into(),
            x_axis: unit,
            bars,
            commitment_at: at,
            commitment_label,
            note: share
                .map(|x| format!("{} {}", Msg::Met.text(lang), i18n::percent(x)))
                .unwrap_or_default(),
        });
    }
    Some(HistogramChart {
        title: Msg::ChartTimesTitle.text(lang).into(),
        y_axis: Msg::Count.text(lang).into(),
        panels,
        no_data: Msg::NoData.text(lang).into(),
    })
}

/// This month's complaints by category in Pareto order, from the complaints mart.
pub fn pareto_chart(inp: &Inputs) -> Option<crate::render::charts::ParetoChart> {
    let rows: Vec<&mart::Complaints> = inp
        .marts
        .complaints
        .as_ref()?
        .iter()
        .filter(|r| r.segment == "category")
        .collect();
    Some(crate::render::charts::ParetoChart {
        title: Msg::ChartParetoTitle.text(inp.lang).into(),
        axis: Msg::Count.text(inp.lang).into(),
        categories: rows.iter().map(|r| r.segment_value.clone()).collect(),
        counts: rows.iter().map(|r| r.count as f64).collect(),
        no_data: Msg::NoData.text(inp.lang).into(),
    })
}

/// Kaplan–Meier curves by complaint group, from the survival mart.
pub fn survival_chart(inp: &Inputs) -> Option<crate::render::charts::SurvivalChart> {
    let rows = inp.marts.survival.as_deref()?;
    let lang = inp.lang;
    let label = |x: &str| match x {
        "none" => Msg::GroupNone.text(lang).to_string(),
        "any" => Msg::GroupAny.text(lang).to_string(),
        "after_complaint" => Msg::GroupAfter.text(lang).to_string(),
        "all" => Msg::AllCustomers.text(lang).to_string(),
        "closed_within_commitment" => Msg::GroupWithin.text(lang).to_string(),
        "closed_late" => Msg::GroupLate.text(lang).to_string(),
        "unresolved" => Msg::GroupUnresolved.text(lang).to_string(),
        other => other.to_string(),
    };
    let mut groups: Vec<(String, Vec<(f64, f64, Option<(f64, f64)>)>)> = Vec::new();
    for r in rows {
        let name = label(&r.group);
        let point = (r.day, r.survival, r.ci_low.zip(r.ci_high));
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, pts)) => pts.push(point),
            None => groups.push((name, vec![point])),
        }
    }
    let everyone = rows.iter().all(|r| r.group == "all");
    let simon = rows.first().is_some_and(|r| r.method == "simon_makuch");
    Some(crate::render::charts::SurvivalChart {
        title: if everyone {
            Msg::ChartRetentionTitle
        } else if simon {
            Msg::ChartSimonMakuchTitle
        } else {
            Msg::ChartSurvivalTitle
        }
        .text(lang)
        .into(),
        x_axis: Msg::Days.text(lang).into(),
        y_axis: Msg::Retention.text(lang).into(),
        groups,
        note: rows
            .first()
            .and_then(|r| r.logrank_p)
            .map(|p| format!("log-rank {}", i18n::qvalue(p).replacen('q', "p", 1)))
            .unwrap_or_default(),
        no_data: Msg::NoData.text(lang).into(),
    })
}

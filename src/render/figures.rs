//! The charts of the report, built from the marts in the report's language: each a plain
//! value of [`super::chart`] that draws itself as SVG and PNG.

use crate::mart;

use super::charts::{
    AnyChart, ChannelTrendChart, CiChart, CiPoint, ControlChart, Flag, HistPanel, HistogramChart,
};
use super::i18n::{self, Msg};
use super::model::{measure_name, nps_of, overall_item, sat_of, Inputs};
use super::RenderError;

mod complaints;
pub use complaints::*;

/// Satisfaction with the overall item by `segment` (region, store, tier, channel): mean and
/// interval per group, the company mean as reference; significant changes vs last month
/// in red (drop) or green (rise) with the change and its q-value; suppressed groups grey.
pub fn segment_chart(inp: &Inputs, segment: &str) -> Result<CiChart, RenderError> {
    let cells = sat_of(inp)?;
    let item = overall_item(inp.cfg);
    let lang = inp.lang;
    let points = cells
        .iter()
        .filter(|c| c.segment == segment && c.measure == item.id)
        .map(|c| {
            let marked = c.significant && !c.suppressed;
            CiPoint {
                label: inp.cfg.segment_label(segment, &c.value, lang).to_string(),
                mean: c.mean,
                ci: c.ci,
                n: c.n,
                suppressed: c.suppressed,
                note: match (marked, c.delta, c.q) {
                    (true, Some(d), Some(q)) => Some(format!(
                        "{}{}",
                        i18n::signed_plus(d, 2),
                        i18n::paren(&i18n::qvalue(q), lang)
                    )),
                    _ => None,
                },
                flag: match (marked, c.delta) {
                    (true, Some(d)) if d < 0.0 => Flag::Down,
                    (true, Some(_)) => Flag::Up,
                    _ => Flag::None,
                },
            }
        })
        .collect();
    let reference = cells
        .iter()
        .find(|c| c.segment == "all" && c.measure == item.id)
        .map(|c| (Msg::CompanyAverage.text(lang).to_string(), c.mean));
    Ok(CiChart {
        title: i18n::by_segment_title(inp.cfg, segment, lang),
        axis: format!(
            "{}{}",
            item.label(lang),
            i18n::paren(&format!("{:.0}–{:.0}", item.min, item.max), lang)
        ),
        points,
        range: (item.min, item.max),
        reference,
        no_data: Msg::NoData.text(lang).to_string(),
        suppressed_label: Msg::Suppressed.text(lang).to_string(),
        footnote: Some(Msg::SignificanceFootnote.text(lang).to_string()),
        decimals: 2,
    })
}

/// A control chart of everyone from the trend mart: `measure` is "csi" or the overall
/// item; the band is each month's confidence interval.
pub fn trend_chart(inp: &Inputs, measure: &str) -> Option<ControlChart> {
    let rows: Vec<&mart::Trend> = inp
        .marts
        .trend
        .as_ref()?
        .iter()
        .filter(|r| r.measure == measure && r.segment == "all")
        .collect();
    let lang = inp.lang;
    let (title, axis) = if measure == "csi" {
        (
            Msg::ChartTrendTitle.text(lang).to_string(),
            "CSI (0–100)".to_string(),
        )
    } else {
        let item = overall_item(inp.cfg);
        (
            Msg::ChartTrendOverallTitle.text(lang).to_string(),
            format!(
                "{}{}",
                item.label(lang),
                i18n::paren(&format!("{:.0}–{:.0}", item.min, item.max), lang)
            ),
        )
    };
    Some(ControlChart {
        title,
        axis,
        months: rows.iter().map(|r| r.month.clone()).collect(),
        values: rows.iter().map(|r| r.value).collect(),
        center: rows.first().and_then(|r| r.center),
        limits: rows.iter().map(|r| r.lcl.zip(r.ucl)).collect(),
        out_of_control: rows
            .iter()
            .map(|r| r.out_of_control == Some(true))
            .collect(),
        band: rows.iter().map(|r| r.ci_low.zip(r.ci_high)).collect(),
        no_data: Msg::NoData.text(lang).into(),
        center_label: Msg::CenterLine.text(lang).into(),
    })
}

/// Half-width of a symmetric axis around 0 that holds every point and interval of a
/// difference chart, times `room`, rounded up to a quarter point (at least 0.25·room).
fn reach(points: &[CiPoint], room: f64) -> f64 {
    let r = points
        .iter()
        .flat_map(|p| {
            [
                p.mean.abs(),
                p.ci.map(|c| c.0.abs().max(c.1.abs())).unwrap_or(0.0),
            ]
        })
        .fold(0.25, f64::max);
    (r * room * 4.0).ceil() / 4.0
}

/// Competitor gaps (competitor − us) per measure with their Welch intervals, and the
/// external references (industry average, leader) minus our own survey figure, from the
/// benchmark mart. Measures on the 0–10 NPS scale are left to the table.
pub fn gap_chart(inp: &Inputs) -> Option<CiChart> {
    let rows = inp.marts.benchmark.as_deref()?;
    let lang = inp.lang;
    let cfg = inp.cfg;
    let mut points = Vec::new();
    for r in rows {
        // Gaps on a 0–100 index (a reference on another scale) are not points of the
        // score axis: they are in the table.
        if r.brand == "ours" || r.measure == "nps" || r.gap_basis == "index" {
            continue;
        }
        let label = format!(
            "{} · {}",
            measure_name(cfg, &r.measure, lang),
            cfg.segment_label("brand", &r.brand, lang)
        );
        if let Some(g) = r.gap {
            let significant = r.significant == Some(true);
            points.push(CiPoint {
                label,
                mean: g,
                ci: r.gap_ci_low.zip(r.gap_ci_high),
                n: r.n.unwrap_or(0),
                suppressed: false,
                note: if r.source == "external" {
                    Some(Msg::ExternalReference.text(lang).to_string())
                } else {
                    r.q_value.filter(|_| significant).map(i18n::qvalue)
                },
                flag: match (significant, g > 0.0) {
                    (true, true) => Flag::Down,
                    (true, false) => Flag::Up,
                    _ => Flag::None,
                },
            });
        } else {
            // An external reference: its value minus our own survey's mean of the measure.
            let ours = rows
                .iter()
                .find(|o| o.measure == r.measure && o.brand == "ours" && o.source != r.source)
                .or_else(|| {
                    rows.iter()
                        .find(|o| o.measure == r.measure && o.brand == "ours")
                })
                .map(|o| o.mean);
            if let Some(o) = ours {
                points.push(CiPoint {
                    label,
                    mean: r.mean - o,
                    ci: None,
                    n: 0,
                    suppressed: false,
                    note: Some(Msg::ExternalReference.text(lang).to_string()),
                    flag: Flag::None,
                });
            }
        }
    }
    // Room on the right for the value and its q-value.
    let reach = reach(&points, 1.6);
    Some(CiChart {
        title: Msg::ChartGapTitle.text(lang).into(),
        axis: Msg::GapAxis.text(lang).into(),
        points,
        range: (-reach, reach),
        reference: Some((Msg::Ours.text(lang).into(), 0.0)),
        no_data: Msg::NoData.text(lang).into(),
        suppressed_label: Msg::Suppressed.text(lang).into(),
        footnote: Some(Msg::GapFootnote.text(lang).into()),
        decimals: 2,
    })
}

/// The mix of answers by survey channel and each channel's mean of the overall item over the
/// months of the trend mart.
pub fn channel_chart(inp: &Inputs) -> Option<ChannelTrendChart> {
    let item = overall_item(inp.cfg);
    let rows: Vec<&mart::Trend> = inp
        .marts
        .trend
        .as_ref()?
        .iter()
        .filter(|r| r.segment == "channel")
        .collect();
    let mut months: Vec<String> = rows.iter().map(|r| r.month.clone()).collect();
    months.sort();
    months.dedup();
    let mut names: Vec<String> = rows.iter().map(|r| r.segment_value.clone()).collect();
    names.sort();
    names.dedup();
    let lang = inp.lang;
    let channels = names
        .iter()
        .map(|ch| {
            let series = months
                .iter()
                .map(|mon| {
                    rows.iter()
                        .find(|r| &r.segment_value == ch && &r.month == mon)
                        .map(|r| (r.n as f64, r.value, r.ci_low.zip(r.ci_high)))
                })
                .collect();
            (
                inp.cfg.segment_label("channel", ch, lang).to_string(),
                series,
            )
        })
        .collect();
    Some(ChannelTrendChart {
        title: Msg::ChartChannelsTitle.text(lang).into(),
        mix_axis: Msg::Mix.text(lang).into(),
        mean_axis: format!(
            "{}{}",
            item.label(lang),
            i18n::paren(&format!("{:.0}–{:.0}", item.min, item.max), lang)
        ),
        months,
        channels,
        range: (item.min, item.max),
        no_data: Msg::NoData.text(lang).into(),
    })
}

/// Closed improvement actions: the change of the target measure (after − before) with its
/// Welch interval, the before → after means and the p-value written beside it.
pub fn actions_chart(inp: &Inputs) -> Option<CiChart> {
    let lang = inp.lang;
    let points: Vec<CiPoint> = inp
        .marts
        .actions
        .as_ref()?
        .iter()
        .filter_map(|r| {
            let d = r.diff?;
            // Marked by its q-value (the month's actions are one BH family).
            let significant = r.q_value.is_some_and(|q| q < 1.0 - inp.cfg.confidence);
            let scope = match r.store.as_deref().filter(|s| !s.is_empty()) {
                None => String::new(),
                Some(s) => i18n::paren(inp.cfg.segment_label("store", s, lang), lang),
            };
            Some(CiPoint {
                label: format!("{} {}{}", r.action_id, r.title, scope),
                mean: d,
                ci: r.diff_ci_low.zip(r.diff_ci_high),
                n: 0,
                suppressed: false,
                note: Some(format!(
                    "({:.2} → {:.2}, q {})",
                    r.before_mean?,
                    r.after_mean?,
                    r.q_value
                        .map(|p| {
                            let v = i18n::pvalue(p);
                            if v.starts_with('<') {
                                v
                            } else {
                                format!("= {v}")
                            }
                        })
                        .unwrap_or_else(|| "—".into())
                )),
                flag: match (significant, d > 0.0) {
                    (true, true) => Flag::Up,
                    (true, false) => Flag::Down,
                    _ => Flag::None,
                },
            })
        })
        .collect();
    let reach = reach(&points, 1.3);
    Some(CiChart {
        title: Msg::ChartActionsTitle.text(lang).into(),
        axis: Msg::ActionsAxis.text(lang).into(),
        points,
        range: (-reach, reach * 3.0),
        reference: Some((Msg::NoChange.text(lang).into(), 0.0)),
        no_data: Msg::NoClosedActions.text(lang).into(),
        suppressed_label: Msg::Suppressed.text(lang).into(),
        footnote: Some(Msg::ActionsFootnote.text(lang).into()),
        decimals: 2,
    })
}

/// Every chart of the report by file name (without extension), in report order; a chart
/// whose mart is absent is left out, a chart whose mart is empty draws its "no data" panel.
pub fn all(inp: &Inputs) -> Result<Vec<(String, AnyChart)>, RenderError> {
    let mut out: Vec<(String, AnyChart)> = Vec::new();
    if let Some(t) = trend_chart(inp, &overall_item(inp.cfg).id) {
        out.push(("trend_overall".into(), AnyChart::Control(t)));
    }
    // The CSI needs dimensions; without them there is no CSI, not an empty chart.
    if let Some(t) = trend_chart(inp, "csi").filter(|_| !inp.cfg.dimensions.is_empty()) {
        out.push(("trend_csi".into(), AnyChart::Control(t)));
    }
    // Survey charts only for a workspace with a survey (no empty panels for what was
    // never configured); NPS charts only for a questionnaire with an NPS item.
    let survey = inp.cfg.has_survey();
    let has_nps = inp
        .cfg
        .items_with_role(crate::config::Role::Nps)
        .next()
        .is_some();
    for seg in ["region", "store"]
        .into_iter()
        .filter(|_| survey && has_nps)
    {
        if inp.cfg.segment_available(seg)
            && (seg == "region" || inp.cfg.report_segments.iter().any(|s| s == seg))
        {
            out.push((format!("nps_by_{seg}"), AnyChart::Nps(nps_chart(inp, seg)?)));
        }
    }
    for seg in inp
        .cfg
        .available_segments()
        .filter(|_| survey)
        .filter(|s| {
            matches!(s.as_str(), "region" | "store" | "tier" | "channel")
                || inp.cfg.field(s).is_some()
        })
        .filter(|s| s.as_str() != "channel" || inp.cfg.survey_channels() > 1)
    {
        out.push((
            format!("satisfaction_by_{seg}"),
            AnyChart::Ci(segment_chart(inp, seg)?),
        ));
    }
    if let Some(c) = channel_chart(inp).filter(|_| inp.cfg.survey_channels() > 1) {
        out.push(("channels_trend".into(), AnyChart::Channels(c)));
    }
    let compares = inp.cfg.has_kind(crate::schema::SourceKind::Competitor)
        || inp.cfg.has_kind(crate::schema::SourceKind::Benchmark);
    if let Some(c) = gap_chart(inp).filter(|_| compares) {
        out.push(("competitor_gaps".into(), AnyChart::Ci(c)));
    }
    // The quadrants only for an estimated model (else the section says why, in words).
    if let Some(q) = quadrant_chart(inp).filter(|q| !q.points.is_empty()) {
        out.push(("drivers_quadrant".into(), AnyChart::Quadrant(q)));
    }
    if let Some(p) = pareto_chart(inp) {
        out.push(("complaints_pareto".into(), AnyChart::Pareto(p)));
    }
    if let Some(t) = times_chart(inp) {
        out.push(("complaint_times".into(), AnyChart::Histogram(t)));
    }
    // No curve for a survival analysis that could not be estimated (its note says why).
    if let Some(k) = survival_chart(inp).filter(|k| !k.groups.is_empty()) {
        out.push(("survival".into(), AnyChart::Survival(k)));
    }
    if let Some(a) = actions_chart(inp) {
        out.push(("actions".into(), AnyChart::Ci(a)));
    }
    Ok(out)
}

/// The importance–performance quadrant of the drivers mart.
pub fn quadrant_chart(inp: &Inputs) -> Option<super::charts::QuadrantChart> {
    let lang = inp.lang;
    let points: Vec<(String, f64, f64)> = inp
        .marts
        .drivers
        .as_ref()?
        .iter()
        .filter_map(|r| {
            let name = measure_name(inp.cfg, &r.attribute, lang);
            Some((name, r.importance?, r.performance?))
        })
        .collect();
    Some(super::charts::QuadrantChart {
        title: Msg::ChartQuadrantTitle.text(lang).into(),
        x_axis: Msg::Importance.text(lang).into(),
        y_axis: Msg::Performance.text(lang).into(),
        points,
        quadrants: [
            Msg::FixFirst.text(lang).into(),
            Msg::KeepUp.text(lang).into(),
            Msg::LowPriority.text(lang).into(),
            Msg::PossibleOverkill.text(lang).into(),
        ],
        no_data: Msg::NoData.text(lang).into(),
    })
}

/// NPS by `segment` as stacked detractor/passive/promoter bars, from the NPS mart.
pub fn nps_chart(inp: &Inputs, segment: &str) -> Result<super::charts::NpsChart, RenderError> {
    let lang = inp.lang;
    let rows = nps_of(inp)?
        .into_iter()
        .filter(|c| c.segment == segment && c.n > 0)
        .map(|c| {
            let n = c.n as f64;
            (
                super::charts::shorten(inp.cfg.segment_label(segment, &c.value, lang), 10.0),
                c.detractors as f64 / n,
                c.passives as f64 / n,
                c.promoters as f64 / n,
                c.nps,
                c.ci,
                c.suppressed,
            )
        })
        .collect();
    Ok(super::charts::NpsChart {
        title: i18n::nps_by_segment_title(inp.cfg, segment, lang),
        rows,
        legend: [
            Msg::Detractors.text(lang).into(),
            Msg::Passives.text(lang).into(),
            Msg::Promoters.text(lang).into(),
        ],
        suppressed_label: Msg::Suppressed.text(lang).into(),
        no_data: Msg::NoData.text(lang).into(),
    })
}

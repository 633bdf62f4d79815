//! The headline figures at the top of the report: the survey's (CSI, overall satisfaction,
//! NPS, response rate) and the complaints' (count, commitments kept).

use super::*;

/// The headline cards of a survey: overall satisfaction and NPS with their intervals, the
/// number of responses, and the lowest region.
pub(super) fn survey_headlines(inp: &Inputs, sat: &[SatCell], nps: &[NpsCell]) -> Vec<Headline> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    let item = overall_item(cfg);
    let overall = sat
        .iter()
        .find(|c| c.segment == "all" && c.measure == item.id);
    let nps_all = nps.iter().find(|c| c.segment == "all");
    let mut headlines = Vec::new();
    if let Some(o) = overall {
        headlines.push(Headline {
            label: if item.label(lang) == Msg::HeadlineOverall.text(lang) {
                item.label(lang).to_string()
            } else {
                format!(
                    "{}{}",
                    Msg::HeadlineOverall.text(lang),
                    i18n::paren(item.label(lang), lang)
                )
            },
            // A yes/no overall item is a share (its mean), written as one.
            value: if item.min == 0.0 && item.max == 1.0 {
                pct(Some(o.mean))
            } else {
                i18n::score(o.mean, lang)
            },
            detail: format!(
                "{} {} · n = {}",
                Msg::Ci.text(lang),
                match (item.min == 0.0 && item.max == 1.0, o.top2) {
                    (true, Some((_, lo, hi))) => format!("{}–{}", pct(Some(lo)), pct(Some(hi))),
                    _ => ci_text(o.ci, 2),
                },
                i18n::count(o.n)
            ),
        });
    }
    if let Some(n) = nps_all {
        headlines.push(Headline {
            label: Msg::HeadlineNps.text(lang).into(),
            value: i18n::signed(n.nps, 1),
            detail: format!(
                "{} {} · n = {}",
                Msg::Ci.text(lang),
                i18n::interval(n.ci.0, n.ci.1, 1),
                i18n::count(n.n)
            ),
        });
    }
    let responses = responses_in_period(inp).unwrap_or(0);
    headlines.push(Headline {
        label: Msg::HeadlineResponses.text(lang).into(),
        value: i18n::count(responses),
        detail: format!("{} {}", Msg::Period.text(lang), inp.period),
    });
    // A region is picked out only when it is significantly below the rest of the company;
    // otherwise the card says that no region differs (a lowest mean alone is noise).
    let regions: Vec<&SatCell> = sat
        .iter()
        .filter(|c| c.segment == "region" && c.measure == item.id && !c.suppressed)
        .collect();
    if let Some(low) = regions
        .iter()
        .filter(|c| c.rest_significant && c.rest_delta.is_some_and(|d| d < 0.0))
        .min_by(|a, b| a.mean.total_cmp(&b.mean))
    {
        headlines.push(Headline {
            label: Msg::HeadlineLowRegion.text(lang).into(),
            value: cfg.segment_label("region", &low.value, lang).to_string(),
            detail: format!(
                "{} · {} {}",
                i18n::score(low.mean, lang),
                Msg::VsRest.text(lang),
                low.rest_delta
                    .map(|d| {
                        format!(
                            "{}{}",
                            i18n::signed_plus(d, 2),
                            low.rest_q
                                .map(|q| i18n::paren(&i18n::qvalue(q), lang))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default()
            ),
        });
    } else if regions.len() > 1 {
        headlines.push(Headline {
            label: Msg::HeadlineRegions.text(lang).into(),
            value: Msg::NoRegionDiffers.text(lang).into(),
            detail: format!(
                "{} {}",
                i18n::count(regions.len()),
                Msg::RegionsCompared.text(lang)
            ),
        });
    }
    headlines
}

/// Headline cards of a workspace without a survey: the month's complaints and the share
/// closed in time, and the churn rate of the customer file.
pub(super) fn complaint_headlines(inp: &Inputs) -> Vec<Headline> {
    let (cfg, lang) = (inp.cfg, inp.lang);
    if cfg.has_survey() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(rows) = &inp.marts.complaints {
        let all = rows.iter().find(|r| r.segment == "all");
        out.push(Headline {
            label: Msg::HeadlineComplaints.text(lang).into(),
            value: i18n::count(all.map_or(0, |r| r.count)),
            detail: format!("{} {}", Msg::Period.text(lang), inp.period),
        });
        let ct = i18n::CommitmentText::new(cfg.commitments, lang);
        let closed = all.map(|r| {
            (
                r.closed_in_time_share,
                r.closed_in_time_ci_low,
                r.closed_in_time_ci_high,
            )
        });
        let responded = all.map(|r| {
            (
                r.responded_in_time_share,
                r.responded_in_time_ci_low,
                r.responded_in_time_ci_high,
            )
        });
        for (share, label) in [
            (closed, ct.closed_header()),
            (responded, ct.responded_header()),
        ] {
            if let Some((v, lo, hi)) = share.filter(|s| s.0.is_some()) {
                out.push(Headline {
                    label,
                    value: pct(v),
                    detail: format!("{} {}–{}", Msg::Ci.text(lang), pct(lo), pct(hi)),
                });
                break;
            }
        }
    }
    let everyone = inp
        .marts
        .loyalty
        .as_ref()
        .and_then(|rows| rows.iter().find(|r| r.segment == "all"));
    if let Some(r) = everyone {
        if let (Some(rate), Some(n)) = (r.churn_rate, r.customers) {
            out.push(Headline {
                label: Msg::HeadlineChurn.text(lang).into(),
                value: pct(Some(rate)),
                detail: format!("n = {}", i18n::count(n)),
            });
        }
    }
    out
}

//! `summary.json`: the period's headline figures for machines (the DuckDB check and the
//! notebook read it).

use super::*;

/// The headline numbers of a period and the findings in the report's language.
pub fn summary(inp: &Inputs) -> Result<Summary, RenderError> {
    let sat = sat_of(inp)?;
    let nps = nps_of(inp)?;
    let item = overall_item(inp.cfg);
    let overall = sat
        .iter()
        .find(|c| c.segment == "all" && c.measure == item.id);
    let total = |name: &str| -> usize {
        inp.ledger
            .and_then(|l| frame::f64s(l, name).ok())
            .map(|v| v.iter().flatten().sum::<f64>() as usize)
            .unwrap_or(0)
    };
    Ok(Summary {
        period: inp.period.to_string(),
        lang: inp.lang.code(),
        findings: findings(inp),
        data_as_of: inp.period.last_day().to_string(),
        generated_on: inp.generated_on.clone(),
        responses: responses_in_period(inp).unwrap_or(0),
        overall: overall.map(|o| MeanSummary {
            item: item.id.clone(),
            n: o.n,
            mean: o.mean,
            ci_low: o.ci.map(|c| c.0),
            ci_high: o.ci.map(|c| c.1),
        }),
        nps: nps.iter().find(|c| c.segment == "all").map(|n| NpsSummary {
            n: n.n,
            nps: n.nps,
            ci_low: n.ci.0,
            ci_high: n.ci.1,
        }),
        regions: sat
            .iter()
            .filter(|c| c.segment == "region" && c.measure == item.id)
            .map(|c| RegionSummary {
                region: c.value.clone(),
                n: c.n,
                mean: c.mean,
                ci_low: c.ci.map(|x| x.0),
                ci_high: c.ci.map(|x| x.1),
                suppressed: c.suppressed,
            })
            .collect(),
        rows_read: total("rows_read"),
        rows_accepted: total("accepted"),
        rows_rejected: total("rejected"),
        rows_superseded: total("superseded"),
        answers_rejected: total("answers_rejected"),
    })
}

/// The period's responses (with at least one scored answer, whether or not they answered
/// the overall item): the channels mart's responses, summed over channels.
pub(super) fn responses_in_period(inp: &Inputs) -> Option<usize> {
    Some(
        inp.marts
            .channels
            .as_ref()?
            .iter()
            .map(|r| r.responses)
            .sum(),
    )
}

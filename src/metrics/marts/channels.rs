//! The channels mart: responses, response rate and the overall item per survey channel,
//! each compared with the reference channel.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct ChannelRow {
    pub(super) channel: String,
    /// Responses (with at least one scored answer) and answers to the overall item.
    pub(super) responses: usize,
    pub(super) n: usize,
    pub(super) invitations: Option<f64>,
    pub(super) m: Option<stats::WeightedMean>,
    pub(super) diff: Option<f64>,
    pub(super) p: Option<f64>,
    pub(super) slot: Option<usize>,
}

pub(super) fn channels(
    inp: &Inputs,
    cells: &[ChannelCell],
    fam: &mut Family,
) -> Result<Vec<ChannelRow>, MetricsError> {
    let cfg = inp.cfg;
    let e = err("channels");
    let now = inp.period.to_string();
    let mut invites: HashMap<String, f64> = HashMap::new();
    if let Some(inv) = inp.invitations {
        let (p, c, k) = (
            frame::strs(inv, "period").map_err(&e)?,
            frame::strs(inv, "channel").map_err(&e)?,
            frame::f64s(inv, "invitations").map_err(&e)?,
        );
        for i in 0..inv.height() {
            if p[i].as_deref() == Some(now.as_str()) {
                *invites.entry(c[i].clone().unwrap_or_default()).or_default() +=
                    k[i].unwrap_or(0.0);
            }
        }
    }
    let mut rows: Vec<(ChannelRow, Sums)> = cells
        .iter()
        .filter(|c| c.period == now)
        .map(|c| {
            let s = c.sums;
            (
                ChannelRow {
                    invitations: invites.get(&c.channel).copied(),
                    channel: c.channel.clone(),
                    responses: c.responses,
                    n: s.n,
                    m: stats::weighted_mean_ci(s, cfg.confidence),
                    diff: None,
                    p: None,
                    slot: None,
                },
                s,
            )
        })
        .collect();
    // The reference channel: web if present, else the one with most answers.
    let reference = rows
        .iter()
        .find(|(r, _)| r.channel == "web")
        .or_else(|| rows.iter().max_by_key(|(r, _)| r.n))
        .map(|(r, s)| (r.channel.clone(), *s));
    if let Some((ref_ch, ref_sums)) = reference {
        for (r, s) in rows.iter_mut() {
            if r.channel == ref_ch || r.n < cfg.min_n || ref_sums.n < cfg.min_n {
                continue;
            }
            if let (Some(m), Some(rm)) = (r.m, stats::weighted_mean_ci(ref_sums, cfg.confidence)) {
                r.diff = Some(m.mean - rm.mean);
                r.p = welch_sums(*s, ref_sums, cfg.confidence).map(|t| t.p);
            }
        }
    }
    let mut rows: Vec<ChannelRow> = rows.into_iter().map(|(r, _)| r).collect();
    for r in &mut rows {
        r.slot = fam.add("channels", r.p);
    }
    Ok(rows)
}

pub(super) fn channels_mart(
    rows: &[ChannelRow],
    q: &[f64],
    period: Period,
    reference: &str,
) -> Vec<mart::Channel> {
    rows.iter()
        .map(|r| mart::Channel {
            period: period.to_string(),
            channel: r.channel.clone(),
            responses: r.responses,
            n: r.n,
            invitations: r.invitations,
            response_rate: r
                .invitations
                .filter(|i| *i > 0.0)
                .map(|i| r.responses as f64 / i),
            mean: r.m.map(|m| m.mean),
            ci_low: r.m.and_then(|m| m.ci).map(|c| c.0),
            ci_high: r.m.and_then(|m| m.ci).map(|c| c.1),
            reference_channel: reference.to_string(),
            diff_vs_reference: r.diff,
            p_value: r.p,
            q_value: q_of(q, r.slot),
        })
        .collect()
}

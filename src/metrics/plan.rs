//! Sample-size planning: how many completed answers (and invitations) next period needs per
//! segment so that its figures are as precise as `[plan]` asks, from this period's marts.
//!
//! Three figures are planned, each with the interval the report gives it:
//! - the mean of the overall item: half-width t(1 − α/2, m − 1) · s · √(1/m − 1/N), the
//!   report's t interval on the effective sample m with the finite-population factor
//!   (1 − m/N) of simple random sampling without replacement (Cochran 1977, *Sampling
//!   Techniques*, 3rd ed., Theorem 2.2: V(ȳ) = (1 − n/N) S²/n);
//! - the top-2-box share: the normal-approximation half-width z · √(p(1 − p)/m), which gives
//!   n₀ = z² p(1 − p)/d² (statsmodels' `samplesize_confint_proportion`) and with the
//!   population n₀ / (1 + (n₀ − 1)/N) (Cochran's V(p̂) = (N − n)/(N − 1) · PQ/n; the formula
//!   of Krejcie & Morgan's 1970 table);
//! - the NPS: answers coded +100/0/−100 have the spread s = SE · √m of the NPS mart, so
//!   n₀ = (z s / E)² and with the population n₀ / (1 + n₀/N) (Cochran's V(ȳ) again).
//!
//! m is Kish's effective sample size: with raked weights a segment needs m · (n / n_eff)
//! completed answers (the design effect of its weights). N is the segment's active customers
//! on the customer file. Without a population the correction is left out; the report's
//! intervals always leave it out (they are conservative), so `n_needed` is what makes the
//! report's interval as narrow as the target, `n_needed_fpc` what makes the estimate of the
//! customer base that precise.

use std::collections::BTreeMap;

use super::stats::{t_critical, z_critical};
use crate::config::{Config, PlanTargets, Role};
use crate::mart::{Channel, Loyalty, MartSet, Nps, Plan, Satisfaction};

/// The smallest whole number at or above `x`, forgiving the last bits of rounding (a
/// computed 384.00000000001 needs 384, not 385).
fn whole_above(x: f64) -> usize {
    (x - 1e-9).ceil().max(0.0) as usize
}

/// Half-width of the t interval of a mean of `m` (effective) answers with spread `sd`, with
/// the finite-population factor when `population` is given; `None` for m ≤ 1.
pub fn mean_margin(sd: f64, m: f64, confidence: f64, population: Option<f64>) -> Option<f64> {
    if m <= 1.0 {
        return None;
    }
    let fpc = population.map_or(1.0, |n| (1.0 - m / n).max(0.0));
    Some(t_critical(confidence, m - 1.0) * sd * (fpc / m).sqrt())
}

/// The smallest whole m ≥ 2 whose [`mean_margin`] is at most `target` (the t quantile
/// shrinks with m, so the margin falls as m grows: a bisection finds it). With a population
/// the answer is at most N, where the margin is 0.
pub fn n_for_mean(sd: f64, target: f64, confidence: f64, population: Option<usize>) -> usize {
    let pop = population.map(|n| n as f64);
    let fits = |m: usize| mean_margin(sd, m as f64, confidence, pop).is_some_and(|e| e <= target);
    if fits(2) {
        return 2;
    }
    // An upper bound: the normal n₀ doubled until the t margin fits (t → z as m grows).
    let z = z_critical(confidence);
    let mut hi = whole_above((z * sd / target).powi(2)).max(3);
    if let Some(n) = population {
        hi = hi.min(n.max(2));
    }
    while !fits(hi) {
        hi *= 2;
    }
    let mut lo = 2; // does not fit
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Half-width of the normal-approximation interval of a share `p` of `m` answers, with the
/// factor (N − m)/(N − 1) when the population is given.
pub fn share_margin(p: f64, m: f64, confidence: f64, population: Option<f64>) -> Option<f64> {
    if m <= 0.0 {
        return None;
    }
    let fpc = population.map_or(1.0, |n| {
        if n > 1.0 {
            ((n - m) / (n - 1.0)).max(0.0)
        } else {
            0.0
        }
    });
    Some(z_critical(confidence) * (p * (1.0 - p) * fpc / m).sqrt())
}

/// n₀ = z² p(1 − p)/d², unrounded: statsmodels' `samplesize_confint_proportion(p, d, α)`.
pub fn share_n0(p: f64, target: f64, confidence: f64) -> f64 {
    z_critical(confidence).powi(2) * p * (1.0 - p) / (target * target)
}

/// Answers needed for a share within ±`target`: ⌈n₀⌉, or with the population
/// ⌈n₀ / (1 + (n₀ − 1)/N)⌉ (Krejcie & Morgan 1970).
pub fn n_for_share(p: f64, target: f64, confidence: f64, population: Option<usize>) -> usize {
    let n0 = share_n0(p, target, confidence);
    whole_above(match population {
        Some(n) => n0 / (1.0 + (n0 - 1.0) / n as f64),
        None => n0,
    })
}

/// Answers needed for a mean of spread `sd` within ±`target` on the normal quantile:
/// ⌈n₀⌉ with n₀ = (z·sd/target)², or with the population ⌈n₀ / (1 + n₀/N)⌉ (used for the
/// NPS, whose interval is a normal one).
pub fn n_for_normal_mean(
    sd: f64,
    target: f64,
    confidence: f64,
    population: Option<usize>,
) -> usize {
    let n0 = (z_critical(confidence) * sd / target).powi(2);
    whole_above(match population {
        Some(n) => n0 / (1.0 + n0 / n as f64),
        None => n0,
    })
}

/// Completed answers per invitation over the channels whose invitations are known, and
/// those channels' names; `None` when no channel has invitations.
pub fn response_rate(channels: &[Channel]) -> Option<(f64, String)> {
    let invited: Vec<&Channel> = channels
        .iter()
        .filter(|c| c.invitations.is_some_and(|i| i > 0.0))
        .collect();
    let sent: f64 = invited.iter().filter_map(|c| c.invitations).sum();
    if invited.is_empty() || sent <= 0.0 {
        return None;
    }
    let got: usize = invited.iter().map(|c| c.responses).sum();
    let names: Vec<&str> = invited.iter().map(|c| c.channel.as_str()).collect();
    Some((got as f64 / sent, names.join(", ")))
}

/// What one plan row starts from: the planned segment's figures.
struct Basis<'a> {
    sat: &'a Satisfaction,
    nps: Option<&'a Nps>,
    population: Option<usize>,
}

/// Each segment's active customers (on file, not churned) from the loyalty mart.
fn populations(loyalty: &[Loyalty]) -> BTreeMap<(&str, &str), usize> {
    loyalty
        .iter()
        .filter_map(|r| {
            let active = r.customers?.checked_sub(r.churned.unwrap_or(0))?;
            Some(((r.segment.as_str(), r.segment_value.as_str()), active))
        })
        .collect()
}

/// The plan rows of a period from its marts: one per segment value × weighting of the
/// overall item, in the satisfaction mart's order. `None` without a satisfaction mart or an
/// overall item. `confidence` is the level of the intervals planned for.
pub fn build(
    cfg: &Config,
    marts: &MartSet,
    targets: &PlanTargets,
    confidence: f64,
) -> Option<Vec<Plan>> {
    let overall = cfg.items.iter().find(|i| i.role == Role::Overall)?;
    let sat = marts.satisfaction.as_deref()?;
    let pops = marts
        .loyalty
        .as_deref()
        .map(populations)
        .unwrap_or_default();
    let rate = marts.channels.as_deref().and_then(response_rate);
    let nps = marts.nps.as_deref().unwrap_or_default();
    let rows = sat
        .iter()
        .filter(|r| r.measure == overall.id)
        .map(|r| {
            let basis = Basis {
                sat: r,
                nps: nps.iter().find(|x| {
                    x.segment == r.segment
                        && x.segment_value == r.segment_value
                        && x.weighting == r.weighting
                }),
                population: pops
                    .get(&(r.segment.as_str(), r.segment_value.as_str()))
                    .copied()
                    .filter(|n| *n > 0),
            };
            plan_row(&basis, targets, confidence, rate.as_ref())
        })
        .collect();
    Some(rows)
}

/// The answers a target needs, scaled by the design effect and kept within the population.
fn completes(m: usize, deff: f64, population: Option<usize>) -> usize {
    let n = whole_above(m as f64 * deff);
    population.map_or(n, |p| n.min(p))
}

fn plan_row(b: &Basis, t: &PlanTargets, confidence: f64, rate: Option<&(f64, String)>) -> Plan {
    let s = b.sat;
    let deff = if s.n_eff > 0.0 {
        s.n as f64 / s.n_eff
    } else {
        1.0
    };
    let pop = b.population;
    let sd = s.sd;
    let margin = sd.and_then(|sd| mean_margin(sd, s.n_eff, confidence, None));
    let need_mean =
        |p: Option<usize>| sd.map(|sd| completes(n_for_mean(sd, t.margin, confidence, p), deff, p));
    let p = s.top2box;
    let share_margin_now = p.and_then(|p| share_margin(p, s.n_eff, confidence, None));
    let need_share = |n: Option<usize>| {
        p.map(|p| completes(n_for_share(p, t.margin_share, confidence, n), deff, n))
    };
    let (nps_n, nps_sd, nps_margin, nps_need, nps_need_fpc) = match b.nps {
        Some(x) if x.n_eff > 1.0 => {
            let nps_deff = x.n as f64 / x.n_eff;
            let sd = x.se * x.n_eff.sqrt();
            let need = |n: Option<usize>| {
                completes(
                    n_for_normal_mean(sd, t.margin_nps, confidence, n),
                    nps_deff,
                    n,
                )
            };
            (
                Some(x.n),
                Some(sd),
                Some(z_critical(confidence) * x.se),
                Some(need(None)),
                pop.map(|n| need(Some(n))),
            )
        }
        Some(x) => (Some(x.n), None, None, None, None),
        None => (None, None, None, None, None),
    };
    let n_needed_fpc = pop.and_then(|n| need_mean(Some(n)));
    let share_fpc = pop.and_then(|n| need_share(Some(n)));
    let acting = [
        n_needed_fpc.or(need_mean(None)),
        share_fpc.or(need_share(None)),
        nps_need_fpc.or(nps_need),
    ];
    let completes_needed = acting.iter().flatten().max().copied();
    let invitations_needed = match (completes_needed, rate) {
        (Some(c), Some((r, _))) if *r > 0.0 => Some(whole_above(c as f64 / r)),
        _ => None,
    };
    Plan {
        period: s.period.clone(),
        segment: s.segment.clone(),
        segment_value: s.segment_value.clone(),
        weighting: s.weighting.clone(),
        measure: s.measure.clone(),
        n: s.n,
        n_eff: s.n_eff,
        population: pop,
        sd,
        margin,
        target_margin: t.margin,
        n_needed: need_mean(None),
        n_needed_fpc,
        top2box: p,
        share_margin: share_margin_now,
        target_share_margin: t.margin_share,
        share_n_needed: need_share(None),
        share_n_needed_fpc: share_fpc,
        nps_n,
        nps_sd,
        nps_margin,
        target_nps_margin: t.margin_nps,
        nps_n_needed: nps_need,
        nps_n_needed_fpc: nps_need_fpc,
        completes_needed,
        response_rate: rate.map(|r| r.0),
        rate_channels: rate.map(|r| r.1.clone()),
        invitations_needed,
        note: note(s, pop, rate),
    }
}

/// What the reader of a plan row should know: a spread from too few answers, no population,
/// no response rate.
fn note(s: &Satisfaction, pop: Option<usize>, rate: Option<&(f64, String)>) -> Option<String> {
    let mut v = Vec::new();
    if s.sd.is_none() {
        v.push(format!(
            "not available: {} answer(s) give no spread to plan from",
            s.n
        ));
    } else if s.suppressed {
        v.push(format!("rough: the spread comes from only {} answers", s.n));
    }
    if pop.is_none() {
        v.push("no population on the customer file: no finite-population correction".into());
    }
    if rate.is_none() {
        v.push("no invitations recorded: invitations needed not available".into());
    }
    (!v.is_empty()).then(|| v.join("; "))
}

#[cfg(test)]
mod tests;

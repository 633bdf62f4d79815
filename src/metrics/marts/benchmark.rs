//! The benchmark mart: competitor-survey brands against ours per item, and external
//! references (industry averages, leaders) against our own figures on a common index.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct BenchRow {
    pub(super) measure: String,
    pub(super) brand: String,
    pub(super) n: Option<usize>,
    pub(super) mean: f64,
    pub(super) ci: Option<(f64, f64)>,
    pub(super) gap: Option<f64>,
    pub(super) gap_ci: Option<(f64, f64)>,
    pub(super) p: Option<f64>,
    pub(super) slot: Option<usize>,
    pub(super) rank: Option<usize>,
    pub(super) source: &'static str,
    /// What the gap is measured in: `scale` (our item's scale, or the competitor survey's
    /// shared one), `index` (a common 0–100 index: the reference is on another scale), `nps`
    /// (NPS points); empty without a gap.
    pub(super) basis: &'static str,
}

/// The gap of an external reference `v` against our figure `o`, both with their scales
/// (`theirs` as the reference row gives it, if at all): `v − o` on our scale when the
/// scales agree or the row names none; else on a common 0–100 index, `(x − min)/(max −
/// min)·100` on each side (a 72 on 0–100 against 3.70 on 1–5 is 72 − 67.5 = +4.5). `None`
/// for an empty scale. The second value says whether the index was used.
pub(super) fn external_gap(
    o: f64,
    ours: (f64, f64),
    v: f64,
    theirs: Option<(f64, f64)>,
) -> Option<(f64, bool)> {
    let index = |x: f64, (lo, hi): (f64, f64)| (hi > lo).then(|| (x - lo) / (hi - lo) * 100.0);
    match theirs {
        Some(t) if t != ours => Some((index(v, t)? - index(o, ours)?, true)),
        _ => Some((v - o, false)),
    }
}

/// The benchmark mart's rows: the competitor survey's brands per item, then the external
/// references.
pub(super) fn benchmark_rows(
    inp: &Inputs,
    brands: &[BrandCell],
    sat: &[SatRow],
    overall_nps: Option<f64>,
    fam: &mut Family,
) -> Result<Vec<BenchRow>, MetricsError> {
    let mut out = competitor_rows(inp.cfg, brands, fam);
    out.extend(external_rows(inp, sat, overall_nps)?);
    Ok(out)
}

/// Each brand's mean per item from the competitor survey, ranked, with its gap to ours
/// (Welch; the tests join the benchmark family).
fn competitor_rows(cfg: &Config, brands: &[BrandCell], fam: &mut Family) -> Vec<BenchRow> {
    let mut by_item: BTreeMap<String, Vec<(String, stats::WeightedMean)>> = BTreeMap::new();
    for c in brands {
        let sums = Sums {
            n: c.n,
            sw: c.n as f64,
            sw2: c.n as f64,
            swx: c.sx,
            swx2: c.sx2,
        };
        if let Some(m) = stats::weighted_mean_ci(sums, cfg.confidence) {
            by_item
                .entry(c.item_id.clone())
                .or_default()
                .push((c.brand.clone(), m));
        }
    }
    let mut out = Vec::new();
    let item_rank = |m: &str| cfg.items.iter().position(|i| i.id == m).unwrap_or(999);
    let mut items: Vec<_> = by_item.into_iter().collect();
    items.sort_by_key(|(m, _)| item_rank(m));
    for (measure, brands) in items {
        let ours = brands.iter().find(|(b, _)| b == "ours").map(|(_, m)| *m);
        let means: Vec<f64> = brands.iter().map(|(_, m)| m.mean).collect();
        let ranks = stats::ranks(&means, true);
        for ((b, m), rank) in brands.iter().zip(ranks) {
            let (gap, gap_ci, p) = match ours {
                Some(o) if b != "ours" => match (m.sd, o.sd) {
                    (Some(sb), Some(so)) => {
                        let t = testable(stats::welch(m.mean, sb, m.n_eff, o.mean, so, o.n_eff));
                        let se = (sb * sb / m.n_eff + so * so / o.n_eff).sqrt();
                        let g = m.mean - o.mean;
                        let ci = t.and_then(|t| t.df).map(|df| {
                            let h = stats::t_critical(cfg.confidence, df) * se;
                            (g - h, g + h)
                        });
                        (Some(g), ci, t.map(|t| t.p))
                    }
                    _ => (Some(m.mean - o.mean), None, None),
                },
                _ => (None, None, None),
            };
            out.push(BenchRow {
                measure: measure.clone(),
                brand: b.clone(),
                n: Some(m.n),
                mean: m.mean,
                ci: m.ci,
                gap,
                gap_ci,
                p,
                slot: fam.add("benchmark", p),
                rank: Some(rank),
                source: "competitor_survey",
                basis: if gap.is_some() { "scale" } else { "" },
            });
        }
    }
    out
}

/// External references (industry average, leader) against our own survey's figure.
fn external_rows(
    inp: &Inputs,
    sat: &[SatRow],
    overall_nps: Option<f64>,
) -> Result<Vec<BenchRow>, MetricsError> {
    let cfg = inp.cfg;
    let mut out = Vec::new();
    if let Some(b) = inp.benchmarks {
        let e = err("benchmark");
        let s = |c| frame::strs(b, c).map_err(&e);
        let (per, measure, reference) = (s("period")?, s("measure")?, s("reference")?);
        let value = frame::f64s(b, "value").map_err(&e)?;
        let (lo, hi) = (
            frame::f64s(b, "scale_min").map_err(&e)?,
            frame::f64s(b, "scale_max").map_err(&e)?,
        );
        let now = inp.period.to_string();
        for i in 0..b.height() {
            if per[i].as_deref() != Some(now.as_str()) {
                continue;
            }
            let (Some(m), Some(r), Some(v)) = (&measure[i], &reference[i], value[i]) else {
                continue;
            };
            let theirs = match (lo[i], hi[i]) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            };
            let is_nps = m == "nps" || cfg.item(m).is_some_and(|it| it.role == Role::Nps);
            let gap = if is_nps {
                // NPS against NPS (−100 … 100), whatever the item's answer scale.
                overall_nps
                    .and_then(|o| external_gap(o, (-100.0, 100.0), v, theirs))
                    .map(|(g, idx)| (g, if idx { "index" } else { "nps" }))
            } else {
                let scale = if m == CSI {
                    Some((0.0, 100.0))
                } else {
                    cfg.item(m).map(|it| (it.min, it.max))
                };
                let ours = sat
                    .iter()
                    .find(|x| x.segment == "all" && &x.measure == m && x.weighting == "none")
                    .map(|x| x.m.mean);
                ours.zip(scale)
                    .and_then(|(o, sc)| external_gap(o, sc, v, theirs))
                    .map(|(g, idx)| (g, if idx { "index" } else { "scale" }))
            };
            out.push(BenchRow {
                measure: m.clone(),
                brand: r.clone(),
                n: None,
                mean: v,
                ci: None,
                gap: gap.map(|g| g.0),
                gap_ci: None,
                p: None,
                slot: None,
                rank: None,
                source: "external",
                basis: gap.map_or("", |g| g.1),
            });
        }
    }
    Ok(out)
}

pub(super) fn benchmark_mart(
    rows: &[BenchRow],
    q: &[f64],
    period: Period,
    alpha: f64,
) -> Vec<mart::Benchmark> {
    rows.iter()
        .map(|r| mart::Benchmark {
            period: period.to_string(),
            measure: r.measure.clone(),
            brand: r.brand.clone(),
            source: r.source.to_string(),
            n: r.n,
            mean: r.mean,
            ci_low: r.ci.map(|c| c.0),
            ci_high: r.ci.map(|c| c.1),
            gap: r.gap,
            gap_basis: r.basis.to_string(),
            gap_ci_low: r.gap_ci.map(|c| c.0),
            gap_ci_high: r.gap_ci.map(|c| c.1),
            p_value: r.p,
            q_value: q_of(q, r.slot),
            significant: q_of(q, r.slot).map(|q| q < alpha),
            rank: r.rank,
        })
        .collect()
}

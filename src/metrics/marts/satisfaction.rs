//! The satisfaction mart (items, dimensions, CSI, loyalty index per segment: means with
//! intervals, top-2-box shares, change vs the previous period, segment vs the rest) and the
//! NPS mart, from the survey's sufficient statistics.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct SatRow {
    pub(super) segment: String,
    pub(super) value: String,
    pub(super) measure: String,
    pub(super) kind: String,
    pub(super) weighting: &'static str,
    pub(super) n: usize,
    pub(super) m: stats::WeightedMean,
    pub(super) top2: Option<(f64, f64, f64)>,
    pub(super) index: f64,
    pub(super) prev: Option<f64>,
    pub(super) p: Option<f64>,
    pub(super) p_slot: Option<usize>,
    pub(super) rest_delta: Option<f64>,
    pub(super) rest_p: Option<f64>,
    pub(super) rest_slot: Option<usize>,
    pub(super) suppressed: bool,
}

pub(super) fn scale_of(cfg: &Config, measure: &str) -> (f64, f64) {
    cfg.item(measure)
        .map(|i| (i.min, i.max))
        .unwrap_or((0.0, 100.0))
}

/// Cells by (period, segment, value, measure).
type CellIndex<'a> = HashMap<(String, String, String, String), &'a Cell>;

/// A segment's cell against the rest of the company (everyone minus the segment, from the
/// same sums): the difference of means and Welch's p, where the rest has `min_n` answers.
fn vs_rest(
    c: &Cell,
    m: &stats::WeightedMean,
    index: &CellIndex,
    cfg: &Config,
) -> (Option<f64>, Option<f64>) {
    let key = (
        c.period.clone(),
        "all".into(),
        "all".into(),
        c.measure.clone(),
    );
    let Some(all) = index.get(&key) else {
        return (None, None);
    };
    let rest = minus(all.sums, c.sums);
    if rest.n < cfg.min_n {
        return (None, None);
    }
    match (
        stats::weighted_mean_ci(rest, cfg.confidence),
        welch_sums(c.sums, rest, cfg.confidence),
    ) {
        (Some(r), Some(t)) => (Some(m.mean - r.mean), Some(t.p)),
        _ => (None, None),
    }
}

pub(super) fn satisfaction_rows(
    cells: &[Cell],
    cfg: &Config,
    period: Period,
    weighting: &'static str,
    fam: &mut Family,
) -> Vec<SatRow> {
    let (now, before) = (period.to_string(), period.prev().to_string());
    let key = |c: &Cell| {
        (
            c.period.clone(),
            c.segment.clone(),
            c.value.clone(),
            c.measure.clone(),
        )
    };
    let index: CellIndex = cells.iter().map(|c| (key(c), c)).collect();
    let mut out = Vec::new();
    for c in cells.iter().filter(|c| c.period == now) {
        let Some(m) = stats::weighted_mean_ci(c.sums, cfg.confidence) else {
            continue;
        };
        let suppressed = c.sums.n < cfg.min_n;
        let (min, max) = scale_of(cfg, &c.measure);
        let index_value = if c.kind == "item" {
            stats::index_0_100(m.mean, min, max)
        } else {
            m.mean
        };
        let top2 = match (c.kind.as_str(), c.swt) {
            ("item", swt) if c.sums.sw > 0.0 => {
                stats::wilson_share(swt / c.sums.sw, m.n_eff, cfg.confidence)
            }
            _ => None,
        };
        let prev = index.get(&(
            before.clone(),
            c.segment.clone(),
            c.value.clone(),
            c.measure.clone(),
        ));
        let prev_mean = prev
            .and_then(|p| stats::weighted_mean_ci(p.sums, cfg.confidence))
            .map(|p| p.mean);
        let testable = !suppressed && prev.is_some_and(|p| p.sums.n >= cfg.min_n);
        let p = if testable {
            prev.and_then(|pc| welch_sums(c.sums, pc.sums, cfg.confidence))
                .map(|t| t.p)
        } else {
            None
        };
        let (rest_delta, rest_p) = match c.segment != "all" && !suppressed {
            true => vs_rest(c, &m, &index, cfg),
            false => (None, None),
        };
        let family = format!("satisfaction/{weighting}");
        let p_slot = fam.add(&family, p);
        let rest_slot = fam.add(&family, rest_p);
        out.push(SatRow {
            segment: c.segment.clone(),
            value: c.value.clone(),
            measure: c.measure.clone(),
            kind: c.kind.clone(),
            weighting,
            n: c.sums.n,
            m,
            top2,
            index: index_value,
            prev: prev_mean,
            p,
            p_slot,
            rest_delta,
            rest_p,
            rest_slot,
            suppressed,
        });
    }
    // Stable order: segments as configured (all first), values, then measures as declared.
    let seg_rank = |s: &str| segment_rank(cfg, s);
    let measure_rank = |m: &str| {
        cfg.items
            .iter()
            .position(|i| i.id == m)
            .or_else(|| {
                cfg.dimensions
                    .iter()
                    .position(|d| d.id == m)
                    .map(|i| 100 + i)
            })
            .unwrap_or(if m == CSI { 200 } else { 300 })
    };
    out.sort_by(|a, b| {
        (seg_rank(&a.segment), &a.value, measure_rank(&a.measure)).cmp(&(
            seg_rank(&b.segment),
            &b.value,
            measure_rank(&b.measure),
        ))
    });
    out
}

pub(super) fn satisfaction_mart(
    cfg: &Config,
    rows: &[SatRow],
    q: &[f64],
    period: Period,
    alpha: f64,
) -> Vec<mart::Satisfaction> {
    // What the top box of an item is (2: the top two points; 1: the top point of a short
    // scale such as yes/no); composites have none.
    let top_points = |r: &SatRow| {
        cfg.item(&r.measure)
            .filter(|_| r.top2.is_some())
            .map(|i| stats::top_box_points(i.min, i.max))
    };
    let sig = |r: &SatRow, slot: Option<usize>| {
        if r.suppressed {
            None
        } else {
            q_of(q, slot).map(|q| q < alpha)
        }
    };
    rows.iter()
        .map(|r| mart::Satisfaction {
            period: period.to_string(),
            segment: r.segment.clone(),
            segment_value: r.value.clone(),
            measure: r.measure.clone(),
            measure_kind: r.kind.clone(),
            weighting: r.weighting.to_string(),
            n: r.n,
            n_eff: r.m.n_eff,
            mean: r.m.mean,
            sd: r.m.sd,
            ci_low: r.m.ci.map(|c| c.0),
            ci_high: r.m.ci.map(|c| c.1),
            top2box: r.top2.map(|t| t.0),
            top2box_ci_low: r.top2.map(|t| t.1),
            top2box_ci_high: r.top2.map(|t| t.2),
            top_box_points: top_points(r),
            index: r.index,
            prev_mean: r.prev,
            delta: r.prev.map(|p| r.m.mean - p),
            p_value: r.p,
            q_value: q_of(q, r.p_slot),
            significant: sig(r, r.p_slot),
            vs_rest_delta: r.rest_delta,
            vs_rest_p_value: r.rest_p,
            vs_rest_q_value: q_of(q, r.rest_slot),
            vs_rest_significant: sig(r, r.rest_slot),
            suppressed: r.suppressed,
        })
        .collect()
}

#[derive(Debug, Clone)]
pub(super) struct NpsRow {
    pub(super) segment: String,
    pub(super) value: String,
    pub(super) weighting: &'static str,
    pub(super) nps: stats::Nps,
    pub(super) n_eff: f64,
    pub(super) prev: Option<f64>,
    pub(super) p: Option<f64>,
    pub(super) slot: Option<usize>,
    pub(super) suppressed: bool,
}

pub(super) fn nps_rows(
    cells: &[NpsCell],
    cfg: &Config,
    period: Period,
    weighting: &'static str,
    fam: &mut Family,
) -> Vec<NpsRow> {
    let mut by_key = HashMap::new();
    for c in cells.iter().filter(|c| c.sw > 0.0) {
        let n_eff = c.sw.powi(2) / c.sw2;
        let r = stats::nps_from_shares(
            c.n,
            c.kp as usize,
            c.kd as usize,
            n_eff,
            c.swp / c.sw,
            c.swd / c.sw,
            cfg.confidence,
        );
        by_key.insert(
            (c.period.clone(), c.segment.clone(), c.value.clone()),
            (r, n_eff),
        );
    }
    let (now, before) = (period.to_string(), period.prev().to_string());
    let mut rows: Vec<NpsRow> = by_key
        .iter()
        .filter(|((p, _, _), _)| *p == now)
        .map(|((_, sg, v), (r, n_eff))| {
            let prev = by_key.get(&(before.clone(), sg.clone(), v.clone()));
            let suppressed = r.n < cfg.min_n;
            let p = if !suppressed && prev.is_some_and(|(pr, _)| pr.n >= cfg.min_n) {
                prev.map(|(pr, _)| stats::nps_change(r, pr).p)
            } else {
                None
            };
            NpsRow {
                segment: sg.clone(),
                value: v.clone(),
                weighting,
                nps: *r,
                n_eff: *n_eff,
                prev: prev.map(|(pr, _)| pr.nps),
                p,
                slot: None,
                suppressed,
            }
        })
        .collect();
    let seg_rank = |s: &str| segment_rank(cfg, s);
    rows.sort_by(|a, b| (seg_rank(&a.segment), &a.value).cmp(&(seg_rank(&b.segment), &b.value)));
    let family = format!("nps/{weighting}");
    for r in &mut rows {
        r.slot = fam.add(&family, r.p);
    }
    rows
}

pub(super) fn nps_mart(rows: &[NpsRow], q: &[f64], period: Period, alpha: f64) -> Vec<mart::Nps> {
    rows.iter()
        .map(|r| mart::Nps {
            period: period.to_string(),
            segment: r.segment.clone(),
            segment_value: r.value.clone(),
            weighting: r.weighting.to_string(),
            n: r.nps.n,
            n_eff: r.n_eff,
            promoters: r.nps.promoters,
            passives: r.nps.passives,
            detractors: r.nps.detractors,
            nps: r.nps.nps,
            se: r.nps.se,
            ci_low: r.nps.ci.0,
            ci_high: r.nps.ci.1,
            prev_nps: r.prev,
            delta: r.prev.map(|p| r.nps.nps - p),
            p_value: r.p,
            q_value: q_of(q, r.slot),
            significant: if r.suppressed {
                None
            } else {
                q_of(q, r.slot).map(|q| q < alpha)
            },
            suppressed: r.suppressed,
        })
        .collect()
}

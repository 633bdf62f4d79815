//! The marts of one period, built from the sufficient statistics of [`super::cells`]:
//! satisfaction (items, dimensions, CSI, loyalty index), NPS, loyalty, benchmark, drivers,
//! trend and channels. Every figure carries its interval; every comparison (period over
//! period, segment vs rest, competitor gaps, channel differences) gets a p-value, and all
//! p-values of a run are adjusted together (Benjamini–Hochberg q-values). Cells with fewer
//! answers than `min_n` keep their figures but are `suppressed` and never `significant`.

use std::collections::{BTreeMap, HashMap};

use crate::config::{Config, Role};
use crate::frame::{self, DataFrame};
use crate::mart::{self, MartSet};
use crate::period::Period;

use super::cells::{CSI, LOYALTY};
use super::stats::{self, Sums, Test};
use super::MetricsError;

/// The inputs of one analysis (tables read from the lake; `None` when absent).
pub struct Inputs<'a> {
    pub cfg: &'a Config,
    pub period: Period,
    /// The survey answers of one month of the trailing 13 (the period and the 12 before
    /// it), asked for one month at a time (see [`super::scan`]).
    pub responses: &'a super::scan::MonthLoader<'a>,
    pub customers: Option<&'a DataFrame>,
    pub benchmarks: Option<&'a DataFrame>,
    pub invitations: Option<&'a DataFrame>,
    /// Complaints of all months (the churn analysis looks back a year).
    pub complaints: Option<&'a DataFrame>,
    /// The improvement-action log (all months), when one is ingested.
    pub actions: Option<&'a DataFrame>,
    /// Each surveyed customer's mean answer to the overall item (when the churn model
    /// controls for satisfaction; see [`super::complaints::SatisfactionByCustomer`]).
    pub satisfaction_by_customer: Option<&'a std::collections::HashMap<String, f64>>,
}

/// All marts of a period, ready to write.
pub struct Marts {
    pub tables: MartSet,
    /// Notes for the report (e.g. a drivers model that could not be fitted).
    pub notes: Vec<String>,
    /// Survey answers read (all months), for the log.
    pub answers: usize,
}

use super::err;

use super::cells::{BrandCell, Cell, ChannelCell, DriverCase, NpsCell};

fn minus(a: Sums, b: Sums) -> Sums {
    Sums {
        n: a.n.saturating_sub(b.n),
        sw: a.sw - b.sw,
        sw2: a.sw2 - b.sw2,
        swx: a.swx - b.swx,
        swx2: a.swx2 - b.swx2,
    }
}

/// Welch test between two cells given by their sums.
fn welch_sums(a: Sums, b: Sums, confidence: f64) -> Option<Test> {
    let (x, y) = (
        stats::weighted_mean_ci(a, confidence)?,
        stats::weighted_mean_ci(b, confidence)?,
    );
    testable(stats::welch(x.mean, x.sd?, x.n_eff, y.mean, y.sd?, y.n_eff))
}

/// A comparison of two groups without any variance (every answer the same on both sides)
/// is not tested: SciPy gives p = 0 for different means, which would make two cells of
/// identical answers a headline finding. The marts leave such a comparison without a
/// p-value (and out of the BH family).
fn testable(t: Option<Test>) -> Option<Test> {
    t.filter(|t| t.df.is_some())
}

/// The p-values of a run, each in its family, adjusted by Benjamini–Hochberg within the
/// family at the end. A family is one mart under one weighting (`satisfaction/none`,
/// `satisfaction/raked`, `nps/none`, `benchmark`, `channels`): turning raking on adds a
/// family, it does not move the unweighted q-values.
#[derive(Default)]
struct Family {
    p: Vec<f64>,
    family: Vec<String>,
}

impl Family {
    /// Register a p-value in `family`; returns its slot.
    fn add(&mut self, family: &str, p: Option<f64>) -> Option<usize> {
        p.map(|p| {
            self.p.push(p);
            self.family.push(family.to_string());
            self.p.len() - 1
        })
    }

    /// The q-value of every slot, adjusted within its family.
    fn qvalues(&self) -> Vec<f64> {
        let mut q = vec![f64::NAN; self.p.len()];
        let names: std::collections::BTreeSet<&String> = self.family.iter().collect();
        for name in names {
            let slots: Vec<usize> = (0..self.p.len())
                .filter(|&i| &self.family[i] == name)
                .collect();
            let ps: Vec<f64> = slots.iter().map(|&i| self.p[i]).collect();
            for (&i, qi) in slots.iter().zip(stats::bh_qvalues(&ps)) {
                q[i] = qi;
            }
        }
        q
    }
}

fn q_of(q: &[f64], slot: Option<usize>) -> Option<f64> {
    slot.map(|i| q[i])
}

#[derive(Debug, Clone)]
struct SatRow {
    segment: String,
    value: String,
    measure: String,
    kind: String,
    weighting: &'static str,
    n: usize,
    m: stats::WeightedMean,
    top2: Option<(f64, f64, f64)>,
    index: f64,
    prev: Option<f64>,
    p: Option<f64>,
    p_slot: Option<usize>,
    rest_delta: Option<f64>,
    rest_p: Option<f64>,
    rest_slot: Option<usize>,
    suppressed: bool,
}

fn scale_of(cfg: &Config, measure: &str) -> (f64, f64) {
    cfg.item(measure)
        .map(|i| (i.min, i.max))
        .unwrap_or((0.0, 100.0))
}

fn satisfaction_rows(
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
    let index: HashMap<(String, String, String, String), &Cell> =
        cells.iter().map(|c| (key(c), c)).collect();
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
        let (mut rest_delta, mut rest_p) = (None, None);
        if c.segment != "all" && !suppressed {
            if let Some(all) =
                index.get(&(now.clone(), "all".into(), "all".into(), c.measure.clone()))
            {
                let rest = minus(all.sums, c.sums);
                if rest.n >= cfg.min_n {
                    if let (Some(r), Some(t)) = (
                        stats::weighted_mean_ci(rest, cfg.confidence),
                        welch_sums(c.sums, rest, cfg.confidence),
                    ) {
                        rest_delta = Some(m.mean - r.mean);
                        rest_p = Some(t.p);
                    }
                }
            }
        }
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
    let seg_rank = |s: &str| {
        if s == "all" {
            0
        } else {
            1 + cfg
                .report_segments
                .iter()
                .position(|x| x == s)
                .unwrap_or(99)
        }
    };
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

fn satisfaction_mart(
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
struct NpsRow {
    segment: String,
    value: String,
    weighting: &'static str,
    nps: stats::Nps,
    n_eff: f64,
    prev: Option<f64>,
    p: Option<f64>,
    slot: Option<usize>,
    suppressed: bool,
}

fn nps_rows(
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
    let seg_rank = |s: &str| {
        if s == "all" {
            0
        } else {
            1 + cfg
                .report_segments
                .iter()
                .position(|x| x == s)
                .unwrap_or(99)
        }
    };
    rows.sort_by(|a, b| (seg_rank(&a.segment), &a.value).cmp(&(seg_rank(&b.segment), &b.value)));
    let family = format!("nps/{weighting}");
    for r in &mut rows {
        r.slot = fam.add(&family, r.p);
    }
    rows
}

fn nps_mart(rows: &[NpsRow], q: &[f64], period: Period, alpha: f64) -> Vec<mart::Nps> {
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

#[derive(Debug, Clone)]
struct BenchRow {
    measure: String,
    brand: String,
    n: Option<usize>,
    mean: f64,
    ci: Option<(f64, f64)>,
    gap: Option<f64>,
    gap_ci: Option<(f64, f64)>,
    p: Option<f64>,
    slot: Option<usize>,
    rank: Option<usize>,
    source: &'static str,
    /// What the gap is measured in: `scale` (our item's scale, or the competitor survey's
    /// shared one), `index` (a common 0–100 index: the reference is on another scale), `nps`
    /// (NPS points); empty without a gap.
    basis: &'static str,
}

/// The gap of an external reference `v` against our figure `o`, both with their scales
/// (`theirs` as the reference row gives it, if at all): `v − o` on our scale when the
/// scales agree or the row names none; else on a common 0–100 index, `(x − min)/(max −
/// min)·100` on each side (a 72 on 0–100 against 3.70 on 1–5 is 72 − 67.5 = +4.5). `None`
/// for an empty scale. The second value says whether the index was used.
pub(crate) fn external_gap(
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

fn benchmark_rows(
    inp: &Inputs,
    brands: &[BrandCell],
    sat: &[SatRow],
    overall_nps: Option<f64>,
    fam: &mut Family,
) -> Result<Vec<BenchRow>, MetricsError> {
    let cfg = inp.cfg;
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
    // External references (industry average, leader) against our own survey's figure.
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

fn benchmark_mart(
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

/// Months pooled for the drivers model: the period and the two before it (a quarter), so
/// that the model has enough complete answers to rank attributes stably.
pub const DRIVER_MONTHS: usize = 3;

/// The drivers mart: Johnson's relative weights of the dimensions on overall satisfaction
/// (complete answers of the trailing quarter), their performance, and the
/// importance–performance quadrant.
fn drivers(
    inp: &Inputs,
    m: &[DriverCase],
    notes: &mut Vec<String>,
) -> Result<Vec<mart::Driver>, MetricsError> {
    let cfg = inp.cfg;
    let y: Vec<f64> = m.iter().map(|c| c.overall.unwrap_or(f64::NAN)).collect();
    let xs: Vec<Vec<f64>> = (0..cfg.dimensions.len())
        .map(|d| m.iter().map(|c| c.dims[d]).collect())
        .collect();
    let k = xs.len();
    let n = y.len();
    if k < 2 {
        // Importance is a share of the variance the attributes explain together: with one
        // attribute it is 100% by definition, with none there is nothing to rank.
        notes.push(format!("drivers {}: not estimated: the key-driver model ranks rated dimensions against the overall item and needs at least two; the questionnaire has {k} (declare [[questionnaire.dimensions]] and give the rating items a dimension)", inp.period));
    }
    let pear = |a: &[f64], b: &[f64]| stats::pearson(a, b).unwrap_or(f64::NAN);
    let rxx: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| if i == j { 1.0 } else { pear(&xs[i], &xs[j]) })
                .collect()
        })
        .collect();
    let rxy: Vec<f64> = xs.iter().map(|x| pear(x, &y)).collect();
    let fit = if k < 2 {
        Err(String::new())
    } else if n < cfg.min_n.max(k + 2) {
        Err(format!(
            "only {n} complete responses for {k} attributes; the drivers model needs at least {}",
            cfg.min_n.max(k + 2)
        ))
    } else {
        stats::relative_weights(&rxx, &rxy)
    };
    let (weights, r2) = match fit {
        Ok(v) => (Some(v.0), Some(v.1)),
        Err(msg) => {
            if !msg.is_empty() {
                notes.push(format!("drivers {}: not estimated: {msg}", inp.period));
            }
            (None, None)
        }
    };
    let perf: Vec<f64> = xs
        .iter()
        .map(|x| {
            if n == 0 {
                f64::NAN
            } else {
                x.iter().sum::<f64>() / n as f64
            }
        })
        .collect();
    let imp: Vec<Option<f64>> = (0..k)
        .map(|i| weights.as_ref().zip(r2).map(|(w, r2)| 100.0 * w[i] / r2))
        .collect();
    let mean_imp = 100.0 / k.max(1) as f64;
    let mean_perf = perf.iter().sum::<f64>() / k.max(1) as f64;
    let quadrant = |i: usize| {
        imp[i].map(|w| match (w >= mean_imp, perf[i] >= mean_perf) {
            (true, false) => "fix_first",
            (true, true) => "keep_up",
            (false, false) => "low_priority",
            (false, true) => "possible_overkill",
        })
    };
    Ok((0..k)
        .map(|i| mart::Driver {
            period: inp.period.to_string(),
            attribute: cfg.dimensions[i].id.clone(),
            importance: imp[i],
            raw_weight: weights.as_ref().map(|w| w[i]),
            r: Some(rxy[i]).filter(|v| v.is_finite()),
            performance: Some(perf[i]).filter(|v| v.is_finite()),
            quadrant: quadrant(i).map(String::from),
            model_n: n,
            model_r2: r2,
        })
        .collect())
}

/// The trend mart: 13 months of the overall item, CSI and NPS (X̄ charts) and the overall
/// top-2-box share (p chart), for everyone and per region.
fn trend(inp: &Inputs, sums: &[Cell], nps: &[NpsCell]) -> Result<Vec<mart::Trend>, MetricsError> {
    let cfg = inp.cfg;
    let overall = cfg
        .items_with_role(Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let months: Vec<String> = {
        let mut m = vec![inp.period];
        for _ in 0..12 {
            m.push(m.last().unwrap().prev());
        }
        m.reverse();
        m.iter().map(|p| p.to_string()).collect()
    };
    #[derive(Clone)]
    struct T {
        month: String,
        measure: String,
        segment: String,
        value: String,
        v: f64,
        n: usize,
        /// The effective sample size the limits and intervals use (= n without weights).
        n_eff: f64,
        centre: Option<f64>,
        lim: Option<(f64, f64)>,
        ci: Option<(f64, f64)>,
    }
    let mut rows: Vec<T> = Vec::new();
    let groups: Vec<(String, String)> = std::iter::once(("all".to_string(), "all".to_string()))
        .chain(
            sums.iter()
                .filter(|c| c.segment == "region" && c.period == inp.period.to_string())
                .map(|c| ("region".to_string(), c.value.clone())),
        )
        .chain(
            // Channels (mode effects over time): the overall item only.
            sums.iter()
                .filter(|c| c.segment == "channel" && c.period == inp.period.to_string())
                .map(|c| ("channel".to_string(), c.value.clone())),
        )
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for (seg, val) in &groups {
        let measures: &[&str] = if seg == "channel" {
            &[overall.as_str()]
        } else {
            &[overall.as_str(), CSI, "top2box"]
        };
        for &measure in measures {
            let source = if measure == "top2box" {
                overall.as_str()
            } else {
                measure
            };
            let pts: Vec<(&String, &Cell)> = months
                .iter()
                .filter_map(|mo| {
                    sums.iter()
                        .find(|c| {
                            &c.period == mo
                                && &c.segment == seg
                                && &c.value == val
                                && c.measure == source
                        })
                        .map(|c| (mo, c))
                })
                .collect();
            if pts.is_empty() {
                continue;
            }
            if measure == "top2box" {
                // The satisfaction mart's figure (weighted share, Wilson on n_eff), and the
                // p chart on the same effective counts.
                let ks: Vec<(f64, f64, f64)> = pts
                    .iter()
                    .map(|(_, c)| {
                        let n_eff = stats::n_eff(c.sums);
                        let share = c.swt / c.sums.sw.max(f64::MIN_POSITIVE);
                        (
                            c.swt * (n_eff / c.sums.sw.max(f64::MIN_POSITIVE)),
                            n_eff,
                            share,
                        )
                    })
                    .collect();
                let chart = stats::p_chart(&ks.iter().map(|k| (k.0, k.1)).collect::<Vec<_>>());
                for (i, (mo, c)) in pts.iter().enumerate() {
                    rows.push(T {
                        month: (*mo).clone(),
                        measure: format!("{overall}_top2box"),
                        segment: seg.clone(),
                        value: val.clone(),
                        v: ks[i].2,
                        n: c.sums.n,
                        n_eff: ks[i].1,
                        centre: chart.as_ref().map(|x| x.0),
                        lim: chart.as_ref().and_then(|x| x.1[i]),
                        ci: stats::wilson_share(ks[i].2, ks[i].1, cfg.confidence)
                            .map(|w| (w.1, w.2)),
                    });
                }
            } else {
                // Cells always hold answers (n ≥ 1), so every month has a mean.
                let means: Vec<stats::WeightedMean> = pts
                    .iter()
                    .filter_map(|(_, c)| stats::weighted_mean_ci(c.sums, cfg.confidence))
                    .collect();
                if means.len() != pts.len() {
                    continue;
                }
                let stats_pts: Vec<(f64, f64, f64)> = means
                    .iter()
                    .map(|m| (m.mean, m.sd.unwrap_or(0.0), m.n_eff))
                    .collect();
                let chart = stats::xbar_chart(&stats_pts);
                for (i, (mo, c)) in pts.iter().enumerate() {
                    rows.push(T {
                        month: (*mo).clone(),
                        measure: measure.to_string(),
                        segment: seg.clone(),
                        value: val.clone(),
                        v: stats_pts[i].0,
                        n: c.sums.n,
                        n_eff: stats_pts[i].2,
                        centre: chart.as_ref().map(|x| x.0),
                        lim: chart.as_ref().and_then(|x| x.1[i]),
                        ci: means[i].ci,
                    });
                }
            }
        }
        if seg == "channel" {
            continue;
        }
        // NPS as the mean of answers coded +100/0/−100: an X̄ chart applies.
        // Weighted shares on n_eff, as the nps mart computes them.
        let pts: Vec<(String, f64, f64, usize, f64, (f64, f64))> = months
            .iter()
            .filter_map(|mo| {
                nps.iter()
                    .find(|c| c.period == *mo && c.segment == *seg && c.value == *val)
                    .map(|c| {
                        let w = c.sw.max(f64::MIN_POSITIVE);
                        let ne = stats::kish(c.sw, c.sw2);
                        let (p, d) = (c.swp / w, c.swd / w);
                        let mean = 100.0 * (p - d);
                        let var = 100.0_f64.powi(2) * (p + d - (p - d).powi(2)) * ne
                            / (ne - 1.0).max(1.0);
                        let ci = stats::nps_from_shares(
                            c.n,
                            c.kp as usize,
                            c.kd as usize,
                            ne,
                            p,
                            d,
                            cfg.confidence,
                        )
                        .ci;
                        (mo.clone(), mean, var.max(0.0).sqrt(), c.n, ne, ci)
                    })
            })
            .collect();
        let chart = stats::xbar_chart(
            &pts.iter()
                .map(|(_, m, s, _, ne, _)| (*m, *s, *ne))
                .collect::<Vec<_>>(),
        );
        for (i, (mo, m, _, nn, ne, ci)) in pts.iter().enumerate() {
            rows.push(T {
                month: mo.clone(),
                measure: "nps".into(),
                segment: seg.clone(),
                value: val.clone(),
                v: *m,
                n: *nn,
                n_eff: *ne,
                centre: chart.as_ref().map(|x| x.0),
                lim: chart.as_ref().and_then(|x| x.1[i]),
                ci: Some(*ci),
            });
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| mart::Trend {
            month: r.month,
            measure: r.measure,
            segment: r.segment,
            segment_value: r.value,
            value: r.v,
            n: r.n,
            n_eff: r.n_eff,
            center: r.centre,
            ucl: r.lim.map(|l| l.1),
            lcl: r.lim.map(|l| l.0),
            ci_low: r.ci.map(|c| c.0),
            ci_high: r.ci.map(|c| c.1),
            out_of_control: r.lim.map(|(lo, hi)| r.v < lo || r.v > hi),
        })
        .collect())
}

/// Months compared before an action starts and after it closes.
pub const ACTION_WINDOW_MONTHS: usize = 3;

/// The `actions` mart: each improvement action with its target measure before and after.
/// "Before" pools the (up to) three full months before the month the action opened;
/// "after" pools the (up to) three full months after the month it closed, up to the
/// period. Both come from the survey sums of the action's store (or everyone when the
/// action names no store) and are compared with Welch's test and interval (after − before).
/// An action whose measure is not a survey item, dimension or the CSI, which is still open,
/// or whose windows fall outside the 13 months analysed gets a `status_note` saying so.
fn actions(inp: &Inputs, df: &DataFrame, sums: &[Cell]) -> Result<Vec<mart::Action>, MetricsError> {
    let cfg = inp.cfg;
    let e = err("actions");
    let s = |c| frame::strs(df, c).map_err(&e);
    let (id, title, measure, store, owner) = (
        s("action_id")?,
        s("title")?,
        s("measure")?,
        s("store")?,
        s("owner")?,
    );
    let (opened, closed) = (
        frame::dates(df, "opened").map_err(&e)?,
        frame::dates(df, "closed").map_err(&e)?,
    );
    let first_month = {
        let mut p = inp.period;
        for _ in 0..12 {
            p = p.prev();
        }
        p
    };
    let pool = |seg: &str, val: &str, m: &str, months: &[Period]| -> Option<Sums> {
        let mut acc: Option<Sums> = None;
        for mo in months {
            let mo = mo.to_string();
            if let Some(c) = sums
                .iter()
                .find(|c| c.period == mo && c.segment == seg && c.value == val && c.measure == m)
            {
                let a = acc.get_or_insert(Sums {
                    n: 0,
                    sw: 0.0,
                    sw2: 0.0,
                    swx: 0.0,
                    swx2: 0.0,
                });
                a.n += c.sums.n;
                a.sw += c.sums.sw;
                a.sw2 += c.sums.sw2;
                a.swx += c.sums.swx;
                a.swx2 += c.sums.swx2;
            }
        }
        acc
    };
    #[derive(Default)]
    struct Row {
        id: String,
        title: String,
        measure: String,
        store: Option<String>,
        owner: Option<String>,
        opened: Option<String>,
        closed: Option<String>,
        status: String,
        before: Option<(usize, stats::WeightedMean)>,
        after: Option<(usize, stats::WeightedMean)>,
        diff: Option<f64>,
        ci: Option<(f64, f64)>,
        p: Option<f64>,
        note: Option<&'static str>,
    }
    let mut rows = Vec::new();
    let mut order: Vec<usize> = (0..df.height()).collect();
    order.sort_by(|&a, &b| opened[a].cmp(&opened[b]).then(id[a].cmp(&id[b])));
    for i in order {
        let m = measure[i].clone().unwrap_or_default();
        let known = m == CSI || cfg.item(&m).is_some() || cfg.dimensions.iter().any(|d| d.id == m);
        let (seg, val) = match &store[i] {
            Some(st) => ("store", st.clone()),
            None => ("all", "all".to_string()),
        };
        let open_month = opened[i].map(Period::of_date);
        let close_month = closed[i].map(Period::of_date);
        let before_months: Vec<Period> = open_month
            .map(|o| {
                let mut v = Vec::new();
                let mut p = o;
                for _ in 0..ACTION_WINDOW_MONTHS {
                    p = p.prev();
                    if p >= first_month {
                        v.push(p);
                    }
                }
                v
            })
            .unwrap_or_default();
        let after_months: Vec<Period> = close_month
            .map(|c| {
                let mut v = Vec::new();
                let mut p = c;
                for _ in 0..ACTION_WINDOW_MONTHS {
                    p = p.next();
                    if p <= inp.period {
                        v.push(p);
                    }
                }
                v
            })
            .unwrap_or_default();
        let mut r = Row {
            id: id[i].clone().unwrap_or_default(),
            title: title[i].clone().unwrap_or_default(),
            measure: m.clone(),
            store: store[i].clone(),
            owner: owner[i].clone(),
            opened: opened[i].map(|d| d.to_string()),
            closed: closed[i].map(|d| d.to_string()),
            status: if closed[i].is_some() {
                "closed"
            } else {
                "open"
            }
            .to_string(),
            ..Row::default()
        };
        if !known {
            r.note = Some("not_a_survey_measure");
        } else {
            let wm = |x: Option<Sums>| {
                x.and_then(|s| stats::weighted_mean_ci(s, cfg.confidence).map(|m| (s.n, m)))
            };
            r.before = wm(pool(seg, &val, &m, &before_months));
            if closed[i].is_some() {
                r.after = wm(pool(seg, &val, &m, &after_months));
            }
            r.note = match (r.before.is_some(), closed[i].is_some(), r.after.is_some()) {
                (_, false, _) => Some("open"),
                (_, true, false) if after_months.is_empty() => Some("too_early"),
                (false, _, _) => Some("no_data_before"),
                (true, true, false) => Some("no_data_after"),
                _ => None,
            };
            if let (Some((_, b)), Some((_, a))) = (r.before, r.after) {
                r.diff = Some(a.mean - b.mean);
                if let (Some(sa), Some(sb)) = (a.sd, b.sd) {
                    r.ci = stats::welch_diff_ci(
                        a.mean,
                        sa,
                        a.n_eff,
                        b.mean,
                        sb,
                        b.n_eff,
                        cfg.confidence,
                    );
                    r.p = testable(stats::welch(a.mean, sa, a.n_eff, b.mean, sb, b.n_eff))
                        .map(|t| t.p);
                }
            }
        }
        rows.push(r);
    }
    let p = inp.period.to_string();
    let action_q = stats::bh_qvalues_opt(&rows.iter().map(|r| r.p).collect::<Vec<_>>());
    Ok(rows
        .into_iter()
        .zip(action_q)
        .map(|(r, q)| mart::Action {
            period: p.clone(),
            action_id: r.id,
            title: r.title,
            measure: r.measure,
            store: r.store,
            owner: r.owner,
            opened: r.opened,
            closed: r.closed,
            status: r.status,
            before_n: r.before.map(|b| b.0),
            before_mean: r.before.map(|b| b.1.mean),
            before_ci_low: r.before.and_then(|b| b.1.ci).map(|c| c.0),
            before_ci_high: r.before.and_then(|b| b.1.ci).map(|c| c.1),
            after_n: r.after.map(|b| b.0),
            after_mean: r.after.map(|b| b.1.mean),
            after_ci_low: r.after.and_then(|b| b.1.ci).map(|c| c.0),
            after_ci_high: r.after.and_then(|b| b.1.ci).map(|c| c.1),
            diff: r.diff,
            diff_ci_low: r.ci.map(|c| c.0),
            diff_ci_high: r.ci.map(|c| c.1),
            p_value: r.p,
            // The actions of the month are one family (Benjamini–Hochberg).
            q_value: q,
            status_note: r.note.map(str::to_string),
        })
        .collect())
}

#[derive(Debug, Clone)]
struct ChannelRow {
    channel: String,
    /// Responses (with at least one scored answer) and answers to the overall item.
    responses: usize,
    n: usize,
    invitations: Option<f64>,
    m: Option<stats::WeightedMean>,
    diff: Option<f64>,
    p: Option<f64>,
    slot: Option<usize>,
}

fn channels(
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

fn channels_mart(
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

/// The loyalty mart: loyalty index (from the loyalty items) with its interval, and from the
/// customer file: customers, churned, churn and retention rates (Wilson), and the tier mix.
fn loyalty(inp: &Inputs, sat: &[SatRow]) -> Result<Vec<mart::Loyalty>, MetricsError> {
    let cfg = inp.cfg;
    let e = err("loyalty");
    // Customer-file figures per segment (region, store, tier and everyone).
    let mut cust: BTreeMap<(String, String), (usize, usize, BTreeMap<String, usize>)> =
        BTreeMap::new();
    if let Some(c) = inp.customers {
        let per = frame::strs(c, "period").map_err(&e)?;
        // The newest snapshot at or before the period.
        let now = inp.period.to_string();
        let snap = per
            .iter()
            .flatten()
            .filter(|p| p.as_str() <= now.as_str())
            .max()
            .cloned();
        let (region, store, tier) = (
            frame::strs(c, "region").map_err(&e)?,
            frame::strs(c, "store").map_err(&e)?,
            frame::strs(c, "tier").map_err(&e)?,
        );
        let churned = frame::bools(c, "churned").map_err(&e)?;
        let churn_date = frame::dates(c, "churn_date").map_err(&e)?;
        let last = frame::dates(c, "last_purchase").map_err(&e)?;
        // The customer file's custom segments too (`[[fields]]`), where it has them.
        let custom: Vec<(String, Vec<Option<String>>)> = cfg
            .custom_segments()
            .filter(|f| frame::has_column(c, &f.id))
            .map(|f| Ok((f.id.clone(), frame::strs(c, &f.id).map_err(&e)?)))
            .collect::<Result<_, MetricsError>>()?;
        for i in 0..c.height() {
            if per[i] != snap {
                continue;
            }
            let t = tier[i].clone().unwrap_or_else(|| "unknown".into());
            let segs = [
                ("all".to_string(), Some("all".to_string())),
                ("region".to_string(), region[i].clone()),
                ("store".to_string(), store[i].clone()),
                ("tier".to_string(), tier[i].clone()),
            ]
            .into_iter()
            .chain(custom.iter().map(|(id, v)| (id.clone(), v[i].clone())));
            for (seg, val) in segs {
                let Some(v) = val else { continue };
                let e = cust.entry((seg, v)).or_default();
                e.0 += 1;
                // The one definition of churn (derived from the last purchase too).
                let (gone, _) = super::complaints::churn_status(
                    churned[i],
                    churn_date[i],
                    last[i],
                    cfg.churn_after_days,
                    inp.period,
                );
                e.1 += usize::from(gone);
                *e.2.entry(t.clone()).or_default() += 1;
            }
        }
    }
    let tiers: Vec<String> = cfg
        .catalog
        .get("tier")
        .map(|t| t.iter().map(|x| x.id.clone()).collect())
        .unwrap_or_default();
    let loy: Vec<&SatRow> = sat
        .iter()
        .filter(|r| r.measure == LOYALTY && r.weighting == "none")
        .collect();
    let mut keys: Vec<(String, String)> = loy
        .iter()
        .map(|r| (r.segment.clone(), r.value.clone()))
        .collect();
    for k in cust.keys() {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let seg_rank = |s: &str| {
        if s == "all" {
            0
        } else {
            1 + cfg
                .report_segments
                .iter()
                .position(|x| x == s)
                .unwrap_or(98)
        }
    };
    keys.sort_by(|a, b| (seg_rank(&a.0), &a.1).cmp(&(seg_rank(&b.0), &b.1)));
    let l = |k: &(String, String)| loy.iter().find(|r| r.segment == k.0 && r.value == k.1);
    let c = |k: &(String, String)| cust.get(k);
    let churn =
        |k: &(String, String)| c(k).and_then(|(n, ch, _)| stats::wilson(*ch, *n, cfg.confidence));
    Ok(keys
        .iter()
        .map(|k| {
            let (l, c, w) = (l(k), c(k), churn(k));
            mart::Loyalty {
                period: inp.period.to_string(),
                segment: k.0.clone(),
                segment_value: k.1.clone(),
                n: l.map(|r| r.n),
                loyalty_index: l.map(|r| r.m.mean),
                loyalty_ci_low: l.and_then(|r| r.m.ci).map(|c| c.0),
                loyalty_ci_high: l.and_then(|r| r.m.ci).map(|c| c.1),
                customers: c.map(|x| x.0),
                churned: c.map(|x| x.1),
                churn_rate: w.map(|w| w.0),
                churn_ci_low: w.map(|w| w.1),
                churn_ci_high: w.map(|w| w.2),
                retention_rate: w.map(|w| 1.0 - w.0),
                suppressed: l.map(|r| r.suppressed),
                tier_share: tiers
                    .iter()
                    .map(|t| {
                        let share =
                            c.map(|(n, _, mix)| *mix.get(t).unwrap_or(&0) as f64 / *n as f64);
                        (t.clone(), share)
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Compute every mart of `inp.period`.
/// A note for each source whose rows are dated by the configuration, not by the file: the
/// report says so, since such a month is only as right as the setting.
pub fn dated_sources(cfg: &Config) -> Vec<String> {
    use crate::config::Dated;
    cfg.sources
        .iter()
        .filter_map(|s| {
            let how = match s.dated? {
                Dated::Date(d) => format!("on {d}"),
                Dated::Month(m) => format!("in {m}"),
                Dated::FromFileName => "in the month of each file's name".to_string(),
            };
            Some(format!(
                "{}: the file has no dates; its rows are dated {how} by the configuration",
                s.name
            ))
        })
        .collect()
}

/// The marts of a period without survey answers: the customer file's churn and retention
/// by segment (the loyalty mart without its survey index), and the complaint marts.
pub fn build_without_survey(inp: &Inputs) -> Result<Marts, MetricsError> {
    let mut notes = dated_sources(inp.cfg);
    let mut tables = MartSet::default();
    if inp.customers.is_some() {
        tables.loyalty = Some(loyalty(inp, &[])?);
    }
    tables.merge(super::complaints::build(
        inp.cfg,
        inp.period,
        inp.complaints,
        inp.customers,
        inp.satisfaction_by_customer,
        &mut notes,
    )?);
    Ok(Marts {
        tables,
        notes,
        answers: 0,
    })
}

pub fn build(inp: &Inputs) -> Result<Marts, MetricsError> {
    let cfg = inp.cfg;
    let months: Vec<Period> = {
        let mut m = vec![inp.period];
        for _ in 0..12 {
            m.push(m.last().unwrap().prev());
        }
        m
    };
    let alpha = 1.0 - cfg.confidence;
    let mut fam = Family::default();
    let mut notes = dated_sources(cfg);
    let started = std::time::Instant::now();
    let scanned = super::scan::scan(&super::scan::Request {
        cfg,
        period: inp.period,
        months: &months,
        driver_months: DRIVER_MONTHS,
        load: inp.responses,
        customers: inp.customers,
    })?;
    let scan_ms = started.elapsed().as_millis() as u64;
    let sums = &scanned.sums;
    let mut sat = satisfaction_rows(sums, cfg, inp.period, "none", &mut fam);
    let mut nps = nps_rows(&scanned.nps, cfg, inp.period, "none", &mut fam);
    if let Some((wsums, wn)) = &scanned.raked {
        sat.extend(satisfaction_rows(wsums, cfg, inp.period, "raked", &mut fam));
        nps.extend(nps_rows(wn, cfg, inp.period, "raked", &mut fam));
    }
    let overall_nps = nps
        .iter()
        .find(|r| r.segment == "all" && r.weighting == "none")
        .map(|r| r.nps.nps);
    let bench = benchmark_rows(inp, &scanned.brands, &sat, overall_nps, &mut fam)?;
    let chans = channels(inp, &scanned.channels, &mut fam)?;
    let q = fam.qvalues();
    let reference = chans
        .iter()
        .find(|c| c.channel == "web")
        .or_else(|| chans.iter().max_by_key(|c| c.n))
        .map(|c| c.channel.clone())
        .unwrap_or_default();
    let mut tables = MartSet {
        satisfaction: Some(satisfaction_mart(cfg, &sat, &q, inp.period, alpha)),
        nps: Some(nps_mart(&nps, &q, inp.period, alpha)),
        loyalty: Some(loyalty(inp, &sat)?),
        benchmark: Some(benchmark_mart(&bench, &q, inp.period, alpha)),
        drivers: Some(drivers(inp, &scanned.drivers, &mut notes)?),
        trend: Some(trend(inp, sums, &scanned.nps)?),
        channels: Some(channels_mart(&chans, &q, inp.period, &reference)),
        actions: inp.actions.map(|a| actions(inp, a, sums)).transpose()?,
        ..MartSet::default()
    };
    let survey_ms = started.elapsed().as_millis() as u64 - scan_ms;
    tables.merge(super::complaints::build(
        cfg,
        inp.period,
        inp.complaints,
        inp.customers,
        inp.satisfaction_by_customer,
        &mut notes,
    )?);
    // Where the time goes: the survey answers' one pass, the survey marts from its sums, and
    // the complaint and churn marts over the customer file (`csat -v analyze`).
    tracing::info!(
        scan_ms,
        survey_marts_ms = survey_ms,
        complaint_marts_ms = started.elapsed().as_millis() as u64 - scan_ms - survey_ms,
        "analyze stages"
    );
    Ok(Marts {
        tables,
        notes,
        answers: scanned.rows,
    })
}

#[cfg(test)]
mod tests {
    use super::{external_gap, welch_sums, Family, Sums};

    #[test]
    fn q_values_are_adjusted_within_each_family() {
        let mut fam = Family::default();
        let a = [0.01, 0.04, 0.03, 0.005, 0.2, 0.9, 0.04];
        let mut slots = Vec::new();
        for (i, p) in a.iter().enumerate() {
            slots.push(fam.add("satisfaction/none", Some(*p)).unwrap());
            // Interleaved with another family: it must not change the first one's q-values.
            if i % 3 == 0 {
                fam.add("satisfaction/raked", Some(0.001 * (i + 1) as f64));
            }
        }
        assert_eq!(fam.add("nps/none", None), None, "no p-value, no slot");
        let q = fam.qvalues();
        // statsmodels multipletests(a, method="fdr_bh")[1] (as in stats::tests).
        let expected = [0.035, 0.056, 0.056, 0.035, 0.23333333333333336, 0.9, 0.056];
        for (s, e) in slots.iter().zip(expected) {
            assert!((q[*s] - e).abs() < 1e-12, "slot {s}: {} vs {e}", q[*s]);
        }
        // The other family on its own: p = 0.001, 0.004, 0.007 → q = 0.003, 0.006, 0.007.
        let raked: Vec<f64> = (0..q.len())
            .filter(|i| !slots.contains(i))
            .map(|i| q[i])
            .collect();
        for (x, e) in raked.iter().zip([0.003, 0.006, 0.007]) {
            assert!((x - e).abs() < 1e-12, "{raked:?}");
        }
    }

    #[test]
    fn two_cells_of_identical_answers_are_not_tested() {
        // 30 answers of 5 against 30 answers of 4 (weights 1): both variances 0. SciPy's
        // ttest_ind(..., equal_var=False) gives p = 0 here; the marts give no p-value.
        let cell = |x: f64| Sums {
            n: 30,
            sw: 30.0,
            sw2: 30.0,
            swx: 30.0 * x,
            swx2: 30.0 * x * x,
        };
        assert!(welch_sums(cell(5.0), cell(4.0), 0.95).is_none());
        // One side with variance: tested as usual (5 × 30 against 15 fours and 15 fives;
        // ttest_ind([5]*30, [4]*15 + [5]*15, equal_var=False).pvalue).
        let mixed = Sums {
            n: 30,
            sw: 30.0,
            sw2: 30.0,
            swx: 135.0,
            swx2: 15.0 * 16.0 + 15.0 * 25.0,
        };
        // SciPy 1.17.1: 8.699475448390493e-06.
        let t = welch_sums(cell(5.0), mixed, 0.95).unwrap();
        assert!(
            (t.p / 8.699475448390493e-06 - 1.0).abs() < 1e-9,
            "p {}",
            t.p
        );
    }

    #[test]
    fn external_references_are_compared_on_a_common_index_when_their_scale_differs() {
        // Issue 13's case, by hand: 72 on 0–100 against 3.70 on 1–5 → (3.70 − 1)/4·100 =
        // 67.5, gap +4.5 (not 72 − 3.70 = +68.3).
        let (g, idx) = external_gap(3.70, (1.0, 5.0), 72.0, Some((0.0, 100.0))).unwrap();
        assert!((g - 4.5).abs() < 1e-12 && idx);
        // Same scale, or none given: the plain difference on our scale.
        let (g, idx) = external_gap(3.70, (1.0, 5.0), 3.85, Some((1.0, 5.0))).unwrap();
        assert!((g - 0.15).abs() < 1e-12 && !idx);
        assert_eq!(
            external_gap(3.70, (1.0, 5.0), 3.85, None).map(|x| x.1),
            Some(false)
        );
        // NPS against NPS on −100…100; an empty scale has no gap.
        let (g, _) = external_gap(40.8, (-100.0, 100.0), 18.0, Some((-100.0, 100.0))).unwrap();
        assert!((g + 22.8).abs() < 1e-12);
        assert_eq!(external_gap(3.7, (1.0, 5.0), 3.0, Some((5.0, 5.0))), None);
    }
}

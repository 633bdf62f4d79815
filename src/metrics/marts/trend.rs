//! The trend mart: 13 months of the overall item, CSI and NPS (X̄ charts) and the overall
//! top-2-box share (p chart), for everyone and per region; per channel the overall item only
//! (mode effects over time).

use super::*;

/// The cells by (month, segment, value, measure) and the NPS cells by (month, segment,
/// value), the first of each kept: the trend looks every point up once, so the mart stays
/// linear in the number of stores.
struct Index<'c> {
    cells: HashMap<(&'c str, &'c str, &'c str, &'c str), &'c Cell>,
    nps: HashMap<(&'c str, &'c str, &'c str), &'c NpsCell>,
}

impl<'c> Index<'c> {
    fn new(sums: &'c [Cell], nps: &'c [NpsCell]) -> Index<'c> {
        let mut cells = HashMap::new();
        for c in sums {
            let key = (c.period.as_str(), c.segment.as_str(), c.value.as_str());
            cells
                .entry((key.0, key.1, key.2, c.measure.as_str()))
                .or_insert(c);
        }
        let mut by_group = HashMap::new();
        for c in nps {
            let key = (c.period.as_str(), c.segment.as_str(), c.value.as_str());
            by_group.entry(key).or_insert(c);
        }
        Index {
            cells,
            nps: by_group,
        }
    }
}

/// One group of the trend (a segment and its value) over the months.
struct Series<'a> {
    months: &'a [String],
    segment: &'a str,
    value: &'a str,
    confidence: f64,
}

/// A control chart's centre line and, per point, its limits (as [`stats::xbar_chart`] and
/// [`stats::p_chart`] give them).
type Chart = Option<(f64, Vec<Option<(f64, f64)>>)>;

impl Series<'_> {
    /// One month's point: its value with n, n_eff and interval, and the chart's centre and
    /// limits at point `i`.
    fn point(
        &self,
        month: &str,
        measure: &str,
        (v, n, n_eff): (f64, usize, f64),
        chart: &Chart,
        i: usize,
        ci: Option<(f64, f64)>,
    ) -> mart::Trend {
        let lim = chart.as_ref().and_then(|x| x.1[i]);
        mart::Trend {
            month: month.to_string(),
            measure: measure.to_string(),
            segment: self.segment.to_string(),
            segment_value: self.value.to_string(),
            value: v,
            n,
            n_eff,
            center: chart.as_ref().map(|x| x.0),
            ucl: lim.map(|l| l.1),
            lcl: lim.map(|l| l.0),
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            out_of_control: lim.map(|(lo, hi)| v < lo || v > hi),
        }
    }

    /// The group's cells of `measure`, one per month that has one, oldest first.
    fn cells<'c>(&self, index: &Index<'c>, measure: &str) -> Vec<(&'c str, &'c Cell)> {
        self.months
            .iter()
            .filter_map(|mo| {
                index
                    .cells
                    .get(&(mo.as_str(), self.segment, self.value, measure))
                    .copied()
            })
            .map(|c| (c.period.as_str(), c))
            .collect()
    }

    /// The weighted mean of a measure per month with its X̄ chart (nothing when a month has
    /// no mean; cells always hold answers, so that does not happen).
    fn means(&self, pts: &[(&str, &Cell)], measure: &str) -> Vec<mart::Trend> {
        let means: Vec<stats::WeightedMean> = pts
            .iter()
            .filter_map(|(_, c)| stats::weighted_mean_ci(c.sums, self.confidence))
            .collect();
        if means.len() != pts.len() {
            return Vec::new();
        }
        let xs: Vec<(f64, f64, f64)> = means
            .iter()
            .map(|m| (m.mean, m.sd.unwrap_or(0.0), m.n_eff))
            .collect();
        let chart = stats::xbar_chart(&xs);
        pts.iter()
            .enumerate()
            .map(|(i, (mo, c))| {
                let (v, _, ne) = xs[i];
                self.point(mo, measure, (v, c.sums.n, ne), &chart, i, means[i].ci)
            })
            .collect()
    }

    /// The top-2-box share of the overall item per month: the satisfaction mart's figure
    /// (weighted share, Wilson on n_eff) and the p chart on the same effective counts.
    fn top2box(&self, pts: &[(&str, &Cell)], measure: &str) -> Vec<mart::Trend> {
        let ks: Vec<(f64, f64, f64)> = pts
            .iter()
            .map(|(_, c)| {
                let n_eff = stats::n_eff(c.sums);
                let sw = c.sums.sw.max(f64::MIN_POSITIVE);
                (c.swt * (n_eff / sw), n_eff, c.swt / sw)
            })
            .collect();
        let chart = stats::p_chart(&ks.iter().map(|k| (k.0, k.1)).collect::<Vec<_>>());
        pts.iter()
            .enumerate()
            .map(|(i, (mo, c))| {
                let (_, ne, share) = ks[i];
                let ci = stats::wilson_share(share, ne, self.confidence).map(|w| (w.1, w.2));
                self.point(mo, measure, (share, c.sums.n, ne), &chart, i, ci)
            })
            .collect()
    }

    /// NPS per month as the mean of answers coded +100/0/−100, so an X̄ chart applies;
    /// weighted shares on n_eff, as the nps mart computes them.
    fn nps(&self, index: &Index) -> Vec<mart::Trend> {
        let pts: Vec<(&str, f64, f64, usize, f64, (f64, f64))> = self
            .months
            .iter()
            .filter_map(|mo| {
                index
                    .nps
                    .get(&(mo.as_str(), self.segment, self.value))
                    .copied()
            })
            .map(|c| {
                let w = c.sw.max(f64::MIN_POSITIVE);
                let ne = stats::kish(c.sw, c.sw2);
                let (p, d) = (c.swp / w, c.swd / w);
                let mean = 100.0 * (p - d);
                let var = 100.0_f64.powi(2) * (p + d - (p - d).powi(2)) * ne / (ne - 1.0).max(1.0);
                let ci = stats::nps_from_shares(
                    c.n,
                    c.kp as usize,
                    c.kd as usize,
                    ne,
                    p,
                    d,
                    self.confidence,
                )
                .ci;
                (c.period.as_str(), mean, var.max(0.0).sqrt(), c.n, ne, ci)
            })
            .collect();
        let chart = stats::xbar_chart(
            &pts.iter()
                .map(|(_, m, s, _, ne, _)| (*m, *s, *ne))
                .collect::<Vec<_>>(),
        );
        pts.iter()
            .enumerate()
            .map(|(i, (mo, m, _, n, ne, ci))| {
                self.point(mo, "nps", (*m, *n, *ne), &chart, i, Some(*ci))
            })
            .collect()
    }
}

/// The 13 months to `period`, oldest first.
fn thirteen_months(period: Period) -> Vec<String> {
    let mut m = vec![period];
    for _ in 0..12 {
        m.push(m.last().unwrap().prev());
    }
    m.reverse();
    m.iter().map(|p| p.to_string()).collect()
}

/// The groups the trend follows: everyone, each region, store and channel of the period
/// (a store's line is its scorecard's trend).
fn groups(sums: &[Cell], period: Period) -> Vec<(String, String)> {
    let now = period.to_string();
    std::iter::once(("all".to_string(), "all".to_string()))
        .chain(
            sums.iter()
                .filter(|c| {
                    matches!(c.segment.as_str(), "region" | "store" | "channel") && c.period == now
                })
                .map(|c| (c.segment.clone(), c.value.clone())),
        )
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The trend mart, group by group (sorted), each group's measures in the order overall
/// item, CSI, top-2-box, NPS.
pub(super) fn trend(inp: &Inputs, sums: &[Cell], nps: &[NpsCell]) -> Vec<mart::Trend> {
    let cfg = inp.cfg;
    let overall = cfg
        .items_with_role(Role::Overall)
        .next()
        .map(|i| i.id.clone())
        .unwrap_or_default();
    let months = thirteen_months(inp.period);
    let index = Index::new(sums, nps);
    let mut rows = Vec::new();
    for (seg, val) in &groups(sums, inp.period) {
        let series = Series {
            months: &months,
            segment: seg,
            value: val,
            confidence: cfg.confidence,
        };
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
            let pts = series.cells(&index, source);
            if pts.is_empty() {
                continue;
            }
            rows.extend(match measure {
                "top2box" => series.top2box(&pts, &format!("{overall}_top2box")),
                _ => series.means(&pts, measure),
            });
        }
        if seg != "channel" {
            rows.extend(series.nps(&index));
        }
    }
    rows
}

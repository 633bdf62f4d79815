//! Statistics of complaint → churn: the 2×2 table (risk ratio, odds ratio, chi-square,
//! Fisher's exact test, phi), logistic regression by IRLS, and Kaplan–Meier retention with
//! Greenwood intervals and the log-rank test. Each function states its source and is tested
//! against SciPy, statsmodels or lifelines.

use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::factorial::ln_binomial;

use super::stats::{normal_p, z_critical};

/// A 2×2 table: exposed (a churned, b stayed) and unexposed (c churned, d stayed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Table2x2 {
    pub a: u64,
    pub b: u64,
    pub c: u64,
    pub d: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Association {
    /// Risk ratio (a/(a+b)) / (c/(c+d)) with its CI by the log method (Katz 1978).
    pub rr: Option<(f64, f64, f64)>,
    /// Odds ratio ad/bc with Woolf's logit CI.
    pub or: Option<(f64, f64, f64)>,
    /// Pearson's chi-square without continuity correction, its p-value, and whether
    /// Fisher's exact test was used instead (an expected count below 5).
    pub chi2: f64,
    pub p: f64,
    pub fisher: bool,
    pub phi: f64,
}

impl Table2x2 {
    fn n(&self) -> f64 {
        (self.a + self.b + self.c + self.d) as f64
    }

    /// Risk ratio, odds ratio, test and phi. RR and OR CIs equal statsmodels'
    /// `Table2x2.riskratio_confint()` / `oddsratio_confint()`; chi-square equals SciPy's
    /// `chi2_contingency(correction=False)`; Fisher equals `fisher_exact` (two-sided).
    /// Ratios are `None` where a cell makes them undefined (a zero denominator).
    pub fn association(&self, confidence: f64) -> Association {
        let (a, b, c, d) = (self.a as f64, self.b as f64, self.c as f64, self.d as f64);
        let z = z_critical(confidence);
        let rr = (a > 0.0 && c > 0.0 && a + b > 0.0 && c + d > 0.0).then(|| {
            let rr = (a / (a + b)) / (c / (c + d));
            let se = (1.0 / a - 1.0 / (a + b) + 1.0 / c - 1.0 / (c + d)).sqrt();
            (rr, (rr.ln() - z * se).exp(), (rr.ln() + z * se).exp())
        });
        let or = (a > 0.0 && b > 0.0 && c > 0.0 && d > 0.0).then(|| {
            let or = a * d / (b * c);
            let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
            (or, (or.ln() - z * se).exp(), (or.ln() + z * se).exp())
        });
        let n = self.n();
        let rows = [a + b, c + d];
        let cols = [a + c, b + d];
        let obs = [[a, b], [c, d]];
        let mut chi2 = 0.0;
        let mut min_expected = f64::INFINITY;
        for (i, r) in rows.iter().enumerate() {
            for (j, col) in cols.iter().enumerate() {
                let e = r * col / n;
                min_expected = min_expected.min(e);
                if e > 0.0 {
                    chi2 += (obs[i][j] - e).powi(2) / e;
                }
            }
        }
        let denom = (rows[0] * rows[1] * cols[0] * cols[1]).sqrt();
        let phi = if denom > 0.0 {
            (a * d - b * c) / denom
        } else {
            0.0
        };
        let fisher = min_expected < 5.0;
        let p = if fisher {
            self.fisher_p()
        } else {
            ChiSquared::new(1.0).expect("df 1").sf(chi2)
        };
        Association {
            rr,
            or,
            chi2,
            p,
            fisher,
            phi,
        }
    }

    /// Fisher's exact test, two-sided: the sum of the hypergeometric probabilities of all
    /// tables with the same margins that are no more likely than the observed one (with
    /// SciPy's relative tolerance of 1e-7 for ties).
    pub fn fisher_p(&self) -> f64 {
        let (r1, c1, n) = (
            self.a + self.b,
            self.a + self.c,
            self.a + self.b + self.c + self.d,
        );
        let lo = c1.saturating_sub(n - r1);
        let hi = r1.min(c1);
        let lp = |x: u64| ln_binomial(r1, x) + ln_binomial(n - r1, c1 - x) - ln_binomial(n, c1);
        let observed = lp(self.a);
        (lo..=hi)
            .map(lp)
            .filter(|&l| l <= observed + 1e-7_f64.ln_1p())
            .map(f64::exp)
            .sum::<f64>()
            .min(1.0)
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq)]
pub struct Logit {
    pub coef: Vec<f64>,
    pub se: Vec<f64>,
    pub z: Vec<f64>,
    pub p: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
    /// Set when the fit did not converge or the data separate (reported, never hidden).
    pub note: Option<String>,
}

/// Logistic regression of y ∈ {0, 1} on the columns of `x` (each row includes the
/// intercept's 1 if wanted) by iteratively reweighted least squares (Newton–Raphson on the
/// log-likelihood); standard errors from the observed information (XᵀWX)⁻¹. Equals
/// statsmodels' `Logit(y, X).fit()` to 1e-6. Separation shows as diverging coefficients or
/// fitted probabilities of 0/1 and is reported in `note`.
pub fn logistic(x: &[Vec<f64>], y: &[f64]) -> Result<Logit, String> {
    use nalgebra::{DMatrix, DVector};
    let n = y.len();
    let k = x.first().map(Vec::len).unwrap_or(0);
    if n == 0 || k == 0 || x.len() != n {
        return Err("no data for the churn model".into());
    }
    let xm = DMatrix::from_fn(n, k, |i, j| x[i][j]);
    let yv = DVector::from_column_slice(y);
    let mut beta = DVector::<f64>::zeros(k);
    let mut note = None;
    let mut iterations = 0;
    let mut info = DMatrix::<f64>::zeros(k, k);
    for it in 0..100 {
        iterations = it + 1;
        let eta = &xm * &beta;
        let mu = eta.map(|e| 1.0 / (1.0 + (-e).exp()));
        let w = mu.map(|m| (m * (1.0 - m)).max(1e-12));
        let grad = xm.transpose() * (&yv - &mu);
        let xw = DMatrix::from_fn(n, k, |i, j| xm[(i, j)] * w[i]);
        info = xm.transpose() * xw;
        let step = info.clone().lu().solve(&grad).ok_or("the churn model's information matrix is singular: a term is constant or collinear with others; drop it")?;
        beta += &step;
        if step.amax() < 1e-10 {
            break;
        }
        if it == 99 {
            note = Some("the model did not converge in 100 iterations".to_string());
        }
    }
    let eta = &xm * &beta;
    let mu = eta.map(|e| 1.0 / (1.0 + (-e).exp()));
    if beta.amax() > 15.0 || mu.iter().any(|m| *m < 1e-8 || *m > 1.0 - 1e-8) {
        note = Some("the outcome is (quasi-)separated by the terms: some coefficients and their standard errors are not meaningful".to_string());
    }
    let ll: f64 = (0..n)
        .map(|i| y[i] * mu[i].max(1e-300).ln() + (1.0 - y[i]) * (1.0 - mu[i]).max(1e-300).ln())
        .sum();
    let cov = info
        .try_inverse()
        .ok_or("the churn model's information matrix cannot be inverted")?;
    let se: Vec<f64> = (0..k).map(|j| cov[(j, j)].sqrt()).collect();
    let coef: Vec<f64> = beta.iter().cloned().collect();
    let z: Vec<f64> = coef.iter().zip(&se).map(|(b, s)| b / s).collect();
    let p = z.iter().map(|z| normal_p(*z)).collect();
    Ok(Logit {
        coef,
        se,
        z,
        p,
        log_likelihood: ll,
        iterations,
        note,
    })
}

/// One step of a Kaplan–Meier curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmPoint {
    pub time: f64,
    pub at_risk: usize,
    pub events: usize,
    pub censored: usize,
    pub survival: f64,
    /// Greenwood variance on the log(−log S) scale ("exponential Greenwood", lifelines'
    /// default); `None` where S is 0 or 1.
    pub ci: Option<(f64, f64)>,
}

/// One subject's time at risk: the interval (start, stop], with the event at `stop` or
/// censored there. Follow-up from the origin is (−∞ or 0, time]; a subject who moves into a
/// group during follow-up (Simon–Makuch) enters that group's risk set at `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtRisk {
    pub start: f64,
    pub stop: f64,
    pub event: bool,
}

/// How many of the intervals are at risk at t, {start < t ≤ stop}, from their starts and
/// stops sorted ascending.
fn at_risk_at(starts: &[f64], stops: &[f64], t: f64) -> usize {
    starts.partition_point(|s| *s < t) - stops.partition_point(|s| *s < t)
}

fn sorted(xs: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = xs.collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
/// Kaplan–Meier estimate from (time, event) pairs (event = true: churned; false:
/// censored, still a customer at the analysis date). One point per distinct time.
pub fn kaplan_meier(times: &[f64], events: &[bool], confidence: f64) -> Vec<KmPoint> {
    let rows: Vec<AtRisk> = times
        .iter()
        .zip(events)
        .map(|(&stop, &event)| AtRisk {
            start: f64::NEG_INFINITY,
            stop,
            event,
        })
        .collect();
    kaplan_meier_counting(&rows, confidence)
}

/// Kaplan–Meier estimate on counting-process data: the risk set at t is every interval with
/// start < t ≤ stop (R's `survfit(Surv(start, stop, event) ~ 1)`); with a group's intervals
/// those of its members while they are in it, this is the Simon–Makuch estimate for a
/// time-varying group. One point per distinct stop time; `censored` counts the intervals
/// that end there without the event (leaving follow-up, or the group).
pub fn kaplan_meier_counting(rows: &[AtRisk], confidence: f64) -> Vec<KmPoint> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by(|&a, &b| rows[a].stop.total_cmp(&rows[b].stop));
    let starts = sorted(rows.iter().map(|r| r.start));
    let stops = sorted(rows.iter().map(|r| r.stop));
    let z = z_critical(confidence);
    let (mut s, mut gw) = (1.0_f64, 0.0_f64);
    let mut out = Vec::new();
    let mut i = 0;
    while i < idx.len() {
        let t = rows[idx[i]].stop;
        let at_risk = at_risk_at(&starts, &stops, t);
        let (mut d, mut c) = (0, 0);
        while i < idx.len() && rows[idx[i]].stop == t {
            if rows[idx[i]].event {
                d += 1;
            } else {
                c += 1;
            }
            i += 1;
        }
        if d > 0 {
            s *= 1.0 - d as f64 / at_risk as f64;
            if at_risk > d {
                gw += d as f64 / (at_risk as f64 * (at_risk - d) as f64);
            }
        }
        let ci = (s > 0.0 && s < 1.0).then(|| {
            let v = gw / (s.ln() * s.ln());
            let h = z * v.sqrt();
            let l = (-s.ln()).ln();
            ((-(l + h).exp()).exp(), (-(l - h).exp()).exp())
        });
        out.push(KmPoint {
            time: t,
            at_risk,
            events: d,
            censored: c,
            survival: s,
            ci,
        });
    }
    out
}

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
/// The log-rank test across groups (Mantel–Haenszel; equals lifelines'
/// `multivariate_logrank_test` and, for two groups, `logrank_test`): chi-square with
/// groups − 1 degrees of freedom and its p-value. `None` with fewer than two groups.
pub fn log_rank(groups: &[(Vec<f64>, Vec<bool>)]) -> Option<(f64, f64)> {
    let rows: Vec<Vec<AtRisk>> = groups
        .iter()
        .map(|(t, e)| {
            t.iter()
                .zip(e)
                .map(|(&stop, &event)| AtRisk {
                    start: f64::NEG_INFINITY,
                    stop,
                    event,
                })
                .collect()
        })
        .collect();
    log_rank_counting(&rows)
}

/// The log-rank test on counting-process data, each group's risk set at t its intervals
/// with start < t ≤ stop: for a time-varying grouping this is the score test of the Cox
/// model with the group as a time-varying covariate and exact ties (R's `coxph(Surv(start,
/// stop, event) ~ group, ties = "exact")$score`), and with fixed groups the ordinary
/// log-rank test. One pass over the event times, each group's risk set counted from its
/// sorted starts and stops.
pub fn log_rank_counting(groups: &[Vec<AtRisk>]) -> Option<(f64, f64)> {
    use nalgebra::{DMatrix, DVector};
    let g = groups.len();
    if g < 2 {
        return None;
    }
    let starts: Vec<Vec<f64>> = groups
        .iter()
        .map(|r| sorted(r.iter().map(|x| x.start)))
        .collect();
    let stops: Vec<Vec<f64>> = groups
        .iter()
        .map(|r| sorted(r.iter().map(|x| x.stop)))
        .collect();
    let deaths: Vec<Vec<f64>> = groups
        .iter()
        .map(|r| sorted(r.iter().filter(|x| x.event).map(|x| x.stop)))
        .collect();
    let mut times: Vec<f64> = deaths.iter().flatten().copied().collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times.dedup();
    let mut o_minus_e = DVector::<f64>::zeros(g);
    let mut v = DMatrix::<f64>::zeros(g, g);
    for t in times {
        let n: Vec<f64> = (0..g)
            .map(|j| at_risk_at(&starts[j], &stops[j], t) as f64)
            .collect();
        let d: Vec<f64> = deaths
            .iter()
            .map(|ds| (ds.partition_point(|x| *x <= t) - ds.partition_point(|x| *x < t)) as f64)
            .collect();
        let (nt, dt): (f64, f64) = (n.iter().sum(), d.iter().sum());
        for j in 0..g {
            o_minus_e[j] += d[j] - dt * n[j] / nt;
            if nt < 2.0 {
                continue;
            }
            for l in 0..g {
                let delta = if j == l { 1.0 } else { 0.0 };
                v[(j, l)] += dt * (n[j] / nt) * (delta - n[l] / nt) * (nt - dt) / (nt - 1.0);
            }
        }
    }
    // Drop the last group: the full covariance is singular.
    let k = g - 1;
    let sub = v.view((0, 0), (k, k)).into_owned();
    let inv = sub.try_inverse()?;
    let oe = o_minus_e.rows(0, k).into_owned();
    let chi2 = (oe.transpose() * inv * oe)[(0, 0)];
    Some((chi2, ChiSquared::new(k as f64).ok()?.sf(chi2)))
}

#[cfg(test)]
mod tests;

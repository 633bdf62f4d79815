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
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn two_by_two_matches_statsmodels_and_scipy_on_the_uci_churn_table() {
        // UCI Iranian churn (CC BY 4.0): complainers 200 churned / 41 stayed, others 295 / 2614.
        // statsmodels 0.15 Table2x2: riskratio 8.1834165553133129 CI (7.2410189970529757,
        // 9.2484644143360839); oddsratio 43.224472922695327 CI (30.249675280158712,
        // 61.76446663116095). SciPy chi2_contingency(correction=False): 891.70311791580286,
        // p 6.2441371581527596e-196; phi 0.53205296248954925.
        let t = Table2x2 {
            a: 200,
            b: 41,
            c: 295,
            d: 2614,
        }
        .association(0.95);
        let (rr, rlo, rhi) = t.rr.unwrap();
        assert!(
            close(rr, 8.1834165553133129, 1e-12)
                && close(rlo, 7.2410189970529757, 1e-9)
                && close(rhi, 9.2484644143360839, 1e-9)
        );
        let (or, olo, ohi) = t.or.unwrap();
        assert!(
            close(or, 43.224472922695327, 1e-12)
                && close(olo, 30.249675280158712, 1e-9)
                && close(ohi, 61.76446663116095, 1e-9)
        );
        assert!(close(t.chi2, 891.70311791580286, 1e-9) && !t.fisher);
        assert!((t.p / 6.2441371581527596e-196 - 1.0).abs() < 1e-6);
        assert!(close(t.phi, 0.53205296248954925, 1e-12));
    }

    #[test]
    fn small_tables_use_fisher() {
        // SciPy fisher_exact([[8, 2], [1, 5]]) = (20, 0.034965034965034975); the smallest
        // expected count is 2.625, so Fisher is used. statsmodels: RR 4.8 CI
        // (0.78097056599857184, 29.501752054560971), OR CI (1.4161851393939515, 282.44894602634895).
        let t = Table2x2 {
            a: 8,
            b: 2,
            c: 1,
            d: 5,
        }
        .association(0.95);
        assert!(t.fisher && close(t.p, 0.034965034965034975, 1e-9));
        let (rr, lo, hi) = t.rr.unwrap();
        assert!(
            close(rr, 4.8, 1e-12)
                && close(lo, 0.78097056599857184, 1e-9)
                && close(hi, 29.501752054560971, 1e-9)
        );
        let (_, olo, ohi) = t.or.unwrap();
        assert!(close(olo, 1.4161851393939515, 1e-9) && close(ohi, 282.44894602634895, 1e-9));
        // fisher_exact([[3, 1], [1, 3]]) p = 0.48571428571428565
        assert!(close(
            Table2x2 {
                a: 3,
                b: 1,
                c: 1,
                d: 3
            }
            .fisher_p(),
            0.48571428571428565,
            1e-9
        ));
        // A zero cell: no odds ratio, no crash.
        assert!(Table2x2 {
            a: 0,
            b: 5,
            c: 3,
            d: 5
        }
        .association(0.95)
        .or
        .is_none());
    }

    #[test]
    fn logistic_matches_statsmodels() {
        // statsmodels 0.15 Logit(y, add_constant([x1, x2])).fit() on the data below:
        // params (-9.7068608169024291, 1.9768445375544026, 5.3733550506655616),
        // bse (5.9795429295308304, 3.136055588597352, 3.0014706218989207), llf -3.1536649788472326,
        // pvalues (0.10451568567523108, 0.52845896325054409, 0.073415214924593269).
        let y = [
            0., 0., 1., 0., 1., 1., 0., 0., 1., 1., 0., 1., 0., 0., 1., 1., 1., 0., 0., 1.,
        ];
        let x1 = [
            0., 0., 1., 0., 1., 1., 0., 1., 1., 0., 0., 1., 0., 1., 1., 1., 0., 0., 0., 1.,
        ];
        let x2 = [
            1.2, 0.5, 3.1, 0.7, 2.2, 1.9, 0.3, 1.1, 2.8, 2.5, 0.9, 1.4, 0.2, 1.7, 3.3, 2.9, 2.4,
            0.6, 1.0, 1.6,
        ];
        let x: Vec<Vec<f64>> = (0..20).map(|i| vec![1.0, x1[i], x2[i]]).collect();
        let m = logistic(&x, &y).unwrap();
        let want_b = [-9.7068608169024291, 1.9768445375544026, 5.3733550506655616];
        let want_se = [5.9795429295308304, 3.136055588597352, 3.0014706218989207];
        let want_p = [
            0.10451568567523108,
            0.52845896325054409,
            0.073415214924593269,
        ];
        for j in 0..3 {
            assert!(close(m.coef[j], want_b[j], 1e-6), "coef {j}: {}", m.coef[j]);
            assert!(close(m.se[j], want_se[j], 1e-6), "se {j}: {}", m.se[j]);
            assert!((m.p[j] - want_p[j]).abs() < 1e-6);
        }
        assert!(close(m.log_likelihood, -3.1536649788472326, 1e-9));
        assert!(m.note.is_none());
        // Perfect separation is reported, not hidden.
        let xs: Vec<Vec<f64>> = (0..6).map(|i| vec![1.0, i as f64]).collect();
        let sep = logistic(&xs, &[0., 0., 0., 1., 1., 1.]).unwrap();
        assert!(sep.note.unwrap().contains("separated"));
    }

    #[test]
    fn kaplan_meier_and_greenwood_match_lifelines() {
        // lifelines 0.30 KaplanMeierFitter().fit(T, E) (CI: exponential Greenwood, log(-log)).
        let t = [5., 8., 8., 12., 15., 20., 20., 22., 30., 30., 35., 40.];
        let e = [
            true, true, false, true, false, true, true, false, true, false, false, true,
        ];
        let km = kaplan_meier(&t, &e, 0.95);
        let want = [
            (
                5.0,
                0.91666666666666674,
                0.53897718057074051,
                0.98782556540045807,
            ),
            (
                8.0,
                0.83333333333333348,
                0.48171494219537864,
                0.955509365728065,
            ),
            (
                12.0,
                0.74074074074074059,
                0.39067612760778186,
                0.9086238694040617,
            ),
            (
                20.0,
                0.52910052910052896,
                0.20509338256378892,
                0.77431210614921397,
            ),
            (
                30.0,
                0.3968253968253968,
                0.10843653257001402,
                0.68077468279717457,
            ),
        ];
        for (time, s, lo, hi) in want {
            let p = km.iter().find(|p| p.time == time).unwrap();
            assert!(close(p.survival, s, 1e-12), "S({time})");
            let (l, h) = p.ci.unwrap();
            assert!(
                close(l, lo, 1e-9) && close(h, hi, 1e-9),
                "CI at {time}: {l} {h}"
            );
        }
        let at8 = km.iter().find(|p| p.time == 8.0).unwrap();
        assert_eq!((at8.at_risk, at8.events, at8.censored), (11, 1, 1));
        assert_eq!(km.last().unwrap().survival, 0.0);
    }

    /// The 44 (start, stop] rows of `cox::tests` (30 subjects, `c` switching from 0 to 1
    /// during follow-up), split by `c`: each group's rows while its members are in it.
    fn time_varying_groups() -> [Vec<AtRisk>; 2] {
        const ROWS: &str = "0,10,0,0;0,5,1,0;0,3,0,0;0,6,0,0;6,8,1,1;0,14,1,0;0,9,0,0;0,6,0,0;6,7,1,1;0,2,0,0;2,10,1,1;0,14,0,0;0,4,0,0;4,8,1,1;0,3,1,0;0,3,0,0;3,5,1,1;0,10,1,0;0,5,0,0;0,3,1,0;0,6,0,0;6,11,0,1;0,6,0,0;6,10,1,1;0,1,0,0;1,5,0,1;0,14,1,0;0,6,0,0;6,10,1,1;0,2,0,0;2,7,1,1;0,14,1,0;0,6,0,0;0,4,0,0;0,7,0,0;7,13,1,1;0,11,0,0;11,12,1,1;0,13,1,0;0,5,0,0;5,7,1,1;0,14,1,0;0,3,0,0;3,8,0,1";
        let mut g = [Vec::new(), Vec::new()];
        for r in ROWS.split(';') {
            let v: Vec<f64> = r.split(',').map(|x| x.parse().unwrap()).collect();
            g[v[3] as usize].push(AtRisk {
                start: v[0],
                stop: v[1],
                event: v[2] == 1.0,
            });
        }
        g
    }

    #[test]
    fn simon_makuch_curves_and_their_log_rank_equal_r() {
        // R 4.2 survival 3.5.3: summary(survfit(Surv(start, stop, event) ~ c, conf.type =
        // "log-log"), censored = TRUE) (n.risk, surv, lower, upper), and the score test of
        // coxph(Surv(start, stop, event) ~ c, ties = "exact") (= the log-rank test).
        let [g0, g1] = time_varying_groups();
        let want0 = [
            (
                3.0,
                27,
                0.92592592592592593,
                0.73504082282034156,
                0.98094273707870761,
            ),
            (
                7.0,
                11,
                0.87962962962962954,
                0.66882071154800093,
                0.95993087075384143,
            ),
            (
                14.0,
                5,
                0.13031550068587103,
                0.0070592322021651175,
                0.43243066601336683,
            ),
        ];
        let want1 = [
            (
                5.0,
                6,
                0.83333333333333337,
                0.273122849928356,
                0.97471242669089353,
            ),
            (
                7.0,
                10,
                0.58333333333333337,
                0.22978651892398377,
                0.82073949717215611,
            ),
            (
                12.0,
                2,
                0.087500000000000008,
                0.0051662173458751209,
                0.32398436927037766,
            ),
        ];
        for (rows, want) in [(&g0, want0), (&g1, want1)] {
            let km = kaplan_meier_counting(rows, 0.95);
            for (t, n, s, lo, hi) in want {
                let p = km.iter().find(|p| p.time == t).unwrap();
                let (l, h) = p.ci.unwrap();
                assert_eq!(p.at_risk, n, "at risk at {t}");
                assert!(close(p.survival, s, 1e-12), "S({t}) {}", p.survival);
                assert!(close(l, lo, 1e-9) && close(h, hi, 1e-9), "CI at {t}");
            }
        }
        // The group entered at 5 (from 1) is not at risk before: no point before its first stop.
        assert_eq!(kaplan_meier_counting(&g1, 0.95)[0].time, 5.0);
        assert_eq!(
            kaplan_meier_counting(&g1, 0.95).last().unwrap().survival,
            0.0
        );
        let (chi2, _) = log_rank_counting(&[g0, g1]).unwrap();
        assert!(close(chi2, 13.335261214252109, 1e-9), "{chi2}");
    }

    #[test]
    fn log_rank_matches_lifelines() {
        // lifelines logrank_test(T, T2, E, E2): test_statistic 1.5528308694795478,
        // p 0.21271801400047313.
        let t = vec![5., 8., 8., 12., 15., 20., 20., 22., 30., 30., 35., 40.];
        let e = vec![
            true, true, false, true, false, true, true, false, true, false, false, true,
        ];
        let t2 = vec![3., 6., 6., 9., 10., 14., 18., 25., 28., 33.];
        let e2 = vec![
            true, true, true, false, true, true, false, true, false, true,
        ];
        let (chi2, p) = log_rank(&[(t, e), (t2, e2)]).unwrap();
        assert!(close(chi2, 1.5528308694795478, 1e-9), "{chi2}");
        assert!((p - 0.21271801400047313).abs() < 1e-6);
        assert!(log_rank(&[(vec![1.0], vec![true])]).is_none());
    }
}

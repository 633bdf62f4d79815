//! Cox proportional-hazards regression on counting-process data: each row an interval
//! (start, stop] of one subject with covariates constant inside it, so a covariate may change
//! over time (a complaint switches `complained` from 0 to 1 on its day) by splitting the
//! subject's follow-up into rows. Ties of event times by Efron's approximation. Newton–Raphson
//! on the log partial likelihood with step halving, from β = 0; standard errors from the
//! observed information; Wald z tests and the likelihood-ratio test against β = 0. The same
//! model as lifelines' `CoxTimeVaryingFitter` and R's `coxph(Surv(start, stop, event) ~ …,
//! ties = "efron")`.
//!
//! Risk sets are swept once per iteration in time order (intervals enter when their stop is
//! reached from above and leave when their start is), so a fit costs O((n + events)·k²) per
//! iteration, not O(n·events).

use nalgebra::{DMatrix, DVector};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// One interval of a subject's follow-up.
#[derive(Debug, Clone)]
pub struct Interval {
    pub start: f64,
    pub stop: f64,
    /// The subject had the event at `stop`.
    pub event: bool,
    pub x: Vec<f64>,
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct CoxFit {
    pub coef: Vec<f64>,
    pub se: Vec<f64>,
    pub p: Vec<f64>,
    /// ℓ(β̂), checked against R's `coxph()$loglik` in the tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub log_likelihood: f64,
    /// Likelihood-ratio statistic 2(ℓ(β̂) − ℓ(0)) on k degrees of freedom, and its p-value.
    pub lr: f64,
    pub lr_p: f64,
    pub events: usize,
}

/// The risk set at one event time, as the sweep hands it over: the intervals with
/// an event there, how many intervals are at risk, and the sums over the risk set of
/// w = exp(xβ), w·x and w·xxᵀ.
struct RiskSet<'a> {
    deaths: &'a [usize],
    at_risk: usize,
    s0: f64,
    s1: &'a DVector<f64>,
    s2: &'a DMatrix<f64>,
}

/// Walk the event times from the last to the first, keeping the risk set {start < t ≤ stop}
/// (intervals enter when their stop is reached from above and leave when their start is),
/// and call `visit` at each time with events.
fn sweep(
    data: &[Interval],
    by_stop: &[usize],
    by_start: &[usize],
    risk: &[f64],
    mut visit: impl FnMut(&RiskSet),
) {
    let k = data.first().map_or(0, |r| r.x.len());
    let (mut s0, mut s1, mut s2) = (0.0, DVector::zeros(k), DMatrix::zeros(k, k));
    let mut n = 0usize;
    // exp(xβ) once per interval; the sums updated in place (no vector per interval: this
    // runs twice per interval per iteration).
    let weight: Vec<f64> = risk.iter().map(|r| r.exp()).collect();
    let add = |i: usize, sign: f64, s0: &mut f64, s1: &mut DVector<f64>, s2: &mut DMatrix<f64>| {
        let w = weight[i] * sign;
        let x = &data[i].x;
        *s0 += w;
        let s2 = s2.as_mut_slice(); // column-major: (a, b) at a + b·k
        for a in 0..k {
            let wa = w * x[a];
            s1[a] += wa;
            for b in 0..k {
                s2[a + b * k] += wa * x[b];
            }
        }
    };
    let (mut a, mut b) = (0, 0); // next interval to enter (by stop desc), to leave (by start desc)
    let mut t_idx = 0;
    let mut deaths = Vec::new();
    while t_idx < by_stop.len() {
        let t = data[by_stop[t_idx]].stop;
        while a < by_stop.len() && data[by_stop[a]].stop >= t {
            add(by_stop[a], 1.0, &mut s0, &mut s1, &mut s2);
            n += 1;
            a += 1;
        }
        while b < by_start.len() && data[by_start[b]].start >= t {
            add(by_start[b], -1.0, &mut s0, &mut s1, &mut s2);
            n -= 1;
            b += 1;
        }
        deaths.clear();
        while t_idx < by_stop.len() && data[by_stop[t_idx]].stop == t {
            if data[by_stop[t_idx]].event {
                deaths.push(by_stop[t_idx]);
            }
            t_idx += 1;
        }
        if !deaths.is_empty() {
            visit(&RiskSet {
                deaths: &deaths,
                at_risk: n,
                s0,
                s1: &s1,
                s2: &s2,
            });
        }
    }
}

/// One event time's part of the log partial likelihood (`ll`), of the score (`grad`, the
/// Schoenfeld residuals summed over the time's events) and of the information (`info`), by
/// Efron's approximation for its tied events. The buffers are kept from one event time to
/// the next: a sweep visits every event time, and allocating a dozen small matrices at each
/// was most of a fit's time at 700,000 intervals. The arithmetic is that of the matrix
/// expressions written out per element, in the same order.
struct Efron {
    k: usize,
    ll: f64,
    grad: DVector<f64>,
    info: DMatrix<f64>,
    d1: Vec<f64>,
    d2: Vec<f64>,
    e1: Vec<f64>,
}

impl Efron {
    fn new(k: usize) -> Efron {
        Efron {
            k,
            ll: 0.0,
            grad: DVector::zeros(k),
            info: DMatrix::zeros(k, k),
            d1: vec![0.0; k],
            d2: vec![0.0; k * k],
            e1: vec![0.0; k],
        }
    }

    /// The parts of the event time `r` (matrices column-major: (a, b) at a + b·k; the
    /// loops index several vectors at once, as the formulas do).
    #[allow(clippy::needless_range_loop)]
    fn at(&mut self, data: &[Interval], risk: &[f64], r: &RiskSet) {
        let k = self.k;
        self.ll = 0.0;
        self.grad.fill(0.0);
        self.info.fill(0.0);
        self.d1.fill(0.0);
        self.d2.fill(0.0);
        let mut d0 = 0.0;
        let grad = self.grad.as_mut_slice();
        for &i in r.deaths {
            let w = risk[i].exp();
            let x = &data[i].x;
            self.ll += risk[i];
            d0 += w;
            for a in 0..k {
                grad[a] += x[a];
                self.d1[a] += x[a] * w;
            }
            for b in 0..k {
                for a in 0..k {
                    self.d2[a + b * k] += x[a] * x[b] * w;
                }
            }
        }
        let (s1, s2) = (r.s1.as_slice(), r.s2.as_slice());
        let info = self.info.as_mut_slice();
        let d = r.deaths.len();
        for l in 0..d {
            let f = l as f64 / d as f64;
            let e0 = r.s0 - f * d0;
            for a in 0..k {
                self.e1[a] = s1[a] - self.d1[a] * f;
            }
            self.ll -= e0.ln();
            for a in 0..k {
                grad[a] -= self.e1[a] / e0;
            }
            for b in 0..k {
                for a in 0..k {
                    let e2 = s2[a + b * k] - self.d2[a + b * k] * f;
                    info[a + b * k] += e2 / e0 - self.e1[a] * self.e1[b] / (e0 * e0);
                }
            }
        }
    }
}

fn linear_predictor(data: &[Interval], beta: &DVector<f64>) -> Vec<f64> {
    data.iter()
        .map(|r| r.x.iter().zip(beta.iter()).map(|(x, b)| x * b).sum::<f64>())
        .collect()
}

/// Log partial likelihood, gradient and information matrix at `beta` (Efron ties).
fn derivatives(
    data: &[Interval],
    by_stop: &[usize],
    by_start: &[usize],
    beta: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let k = beta.len();
    let risk = linear_predictor(data, beta);
    let (mut ll, mut grad, mut info) = (0.0, DVector::zeros(k), DMatrix::zeros(k, k));
    let mut e = Efron::new(k);
    sweep(data, by_stop, by_start, &risk, |r| {
        e.at(data, &risk, r);
        ll += e.ll;
        grad += &e.grad;
        info += &e.info;
    });
    (ll, grad, info)
}

/// Interval indices by stop and by start, both descending (the sweep's orders).
fn orders(data: &[Interval]) -> (Vec<usize>, Vec<usize>) {
    let mut by_stop: Vec<usize> = (0..data.len()).collect();
    by_stop.sort_by(|&i, &j| data[j].stop.total_cmp(&data[i].stop).then(i.cmp(&j)));
    let mut by_start: Vec<usize> = (0..data.len()).collect();
    by_start.sort_by(|&i, &j| data[j].start.total_cmp(&data[i].start).then(i.cmp(&j)));
    (by_stop, by_start)
}

/// The proportional-hazards check of a fitted model (Grambsch & Therneau 1994, in the form
/// of R survival ≥ 3.0 `cox.zph`, transform "km"): for each covariate, the score test of
/// adding x·g(t) to the model at β̂, where g(t) = 1 − KM(t−) of all the follow-up; a
/// significant test says the covariate's hazard ratio changes over follow-up. `chi2[j]` on
/// one degree of freedom per covariate, `global` on k.
#[derive(Debug, Clone)]
pub struct PhTest {
    pub chi2: Vec<f64>,
    pub p: Vec<f64>,
    pub global_chi2: f64,
    pub global_p: f64,
}

pub fn ph_test(data: &[Interval], fit: &CoxFit) -> Result<PhTest, String> {
    let k = fit.coef.len();
    let beta = DVector::from_column_slice(&fit.coef);
    let risk = linear_predictor(data, &beta);
    let (by_stop, by_start) = orders(data);
    // Per event time, from the last to the first: time, events, at risk, Schoenfeld sum,
    // information.
    struct AtTime {
        deaths: usize,
        at_risk: usize,
        schoenfeld: DVector<f64>,
        info: DMatrix<f64>,
    }
    let mut at: Vec<AtTime> = Vec::new();
    let mut e = Efron::new(k);
    sweep(data, &by_stop, &by_start, &risk, |r| {
        e.at(data, &risk, r);
        at.push(AtTime {
            deaths: r.deaths.len(),
            at_risk: r.at_risk,
            schoenfeld: e.grad.clone(),
            info: e.info.clone(),
        });
    });
    at.reverse();
    // g(t) = 1 − S(t−), the Kaplan–Meier estimate just before t, centred on its mean over
    // the events (the centring leaves the test unchanged; R does it for the residual plot).
    let mut s = 1.0;
    let mut g: Vec<f64> = Vec::with_capacity(at.len());
    for a in &at {
        g.push(1.0 - s);
        s *= 1.0 - a.deaths as f64 / a.at_risk as f64;
    }
    let events: usize = at.iter().map(|a| a.deaths).sum();
    let mean = at
        .iter()
        .zip(&g)
        .map(|(a, g)| a.deaths as f64 * g)
        .sum::<f64>()
        / events as f64;
    let mut u = DVector::<f64>::zeros(2 * k);
    let mut imat = DMatrix::<f64>::zeros(2 * k, 2 * k);
    for (a, g) in at.iter().zip(&g) {
        let (sch, info) = (&a.schoenfeld, &a.info);
        let g = g - mean;
        u.rows_mut(k, k).axpy(g, sch, 1.0);
        let mut blk = imat.view_mut((0, 0), (k, k));
        blk += info;
        let mut blk = imat.view_mut((0, k), (k, k));
        blk += info * g;
        let mut blk = imat.view_mut((k, 0), (k, k));
        blk += info * g;
        let mut blk = imat.view_mut((k, k), (k, k));
        blk += info * (g * g);
    }
    let quad = |idx: &[usize]| -> Option<f64> {
        let m = DMatrix::from_fn(idx.len(), idx.len(), |a, b| imat[(idx[a], idx[b])]);
        let v = DVector::from_iterator(idx.len(), idx.iter().map(|&i| u[i]));
        let x = m.lu().solve(&v)?;
        Some(x.dot(&v))
    };
    let singular = "the proportional-hazards test's information matrix is singular";
    let mut chi2 = Vec::with_capacity(k);
    for j in 0..k {
        let idx: Vec<usize> = (0..k).chain([k + j]).collect();
        chi2.push(quad(&idx).ok_or(singular)?);
    }
    let all: Vec<usize> = (0..2 * k).collect();
    let global_chi2 = quad(&all).ok_or(singular)?;
    let sf = |x: f64, df: usize| {
        ChiSquared::new(df as f64)
            .map(|c| c.sf(x.max(0.0)))
            .unwrap_or(f64::NAN)
    };
    Ok(PhTest {
        p: chi2.iter().map(|&x| sf(x, 1)).collect(),
        chi2,
        global_chi2,
        global_p: sf(global_chi2, k),
    })
}

/// Fit the model; `Err` with the reason when it cannot be estimated (no events, no
/// covariates, a singular information matrix: a covariate constant or separating).
pub fn fit(data: &[Interval]) -> Result<CoxFit, String> {
    let k = data.first().map_or(0, |r| r.x.len());
    let events = data.iter().filter(|r| r.event).count();
    if k == 0 || events == 0 {
        return Err(format!(
            "{events} events and {k} covariates: nothing to estimate"
        ));
    }
    if data.iter().any(|r| r.x.len() != k || !(r.stop > r.start)) {
        return Err("every interval needs start < stop and the same covariates".into());
    }
    let (by_stop, by_start) = orders(data);
    let mut beta = DVector::zeros(k);
    // Each evaluation gives the log-likelihood, gradient and information together; those of
    // the accepted step serve the next iteration and the standard errors (one sweep each).
    let (null_ll, mut grad, mut info) = derivatives(data, &by_stop, &by_start, &beta);
    let mut ll = null_ll;
    for _ in 0..50 {
        let step = info
            .clone()
            .cholesky()
            .ok_or("the information matrix is singular (a covariate constant or separating the events)")?
            .solve(&grad);
        let mut scale = 1.0;
        let mut next = &beta + &step;
        let mut at_next = derivatives(data, &by_stop, &by_start, &next);
        // A step is halved while it lowers the log-likelihood by more than its rounding
        // (relative, as in the convergence test: at 700,000 intervals ℓ is ~6·10⁵ and its
        // last bits move by more than 10⁻¹² between evaluations at the optimum).
        while at_next.0 < ll - 1e-12 * (1.0 + ll.abs()) && scale > 1e-4 {
            scale /= 2.0;
            next = &beta + &step * scale;
            at_next = derivatives(data, &by_stop, &by_start, &next);
        }
        let converged =
            (at_next.0 - ll).abs() < 1e-12 * (1.0 + ll.abs()) || step.amax() * scale < 1e-10;
        beta = next;
        (ll, grad, info) = at_next;
        if converged {
            break;
        }
    }
    let cov = info
        .try_inverse()
        .ok_or("the information matrix is singular at the estimate")?;
    let se: Vec<f64> = (0..k).map(|j| cov[(j, j)].sqrt()).collect();
    let z: Vec<f64> = (0..k).map(|j| beta[j] / se[j]).collect();
    let p = z.iter().map(|z| super::stats::normal_p(*z)).collect();
    let lr = 2.0 * (ll - null_ll);
    let lr_p = ChiSquared::new(k as f64)
        .map(|c| c.sf(lr.max(0.0)))
        .unwrap_or(f64::NAN);
    Ok(CoxFit {
        coef: beta.iter().copied().collect(),
        se,
        p,
        log_likelihood: ll,
        lr,
        lr_p,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 subjects, 44 intervals, 20 events with ties on whole-number times; `x` fixed, `c`
    /// switching from 0 to 1 during follow-up for half of them (made with NumPy, seed 7).
    const DATA: &str = "(0.0,10.0,0,1.0,0.0);(0.0,5.0,1,1.0,0.0);(0.0,3.0,0,1.0,0.0);(0.0,6.0,0,0.0,0.0);(6.0,8.0,1,0.0,1.0);(0.0,14.0,1,0.0,0.0);(0.0,9.0,0,0.0,0.0);(0.0,6.0,0,1.0,0.0);(6.0,7.0,1,1.0,1.0);(0.0,2.0,0,1.0,0.0);(2.0,10.0,1,1.0,1.0);(0.0,14.0,0,1.0,0.0);(0.0,4.0,0,0.0,0.0);(4.0,8.0,1,0.0,1.0);(0.0,3.0,1,1.0,0.0);(0.0,3.0,0,1.0,0.0);(3.0,5.0,1,1.0,1.0);(0.0,10.0,1,1.0,0.0);(0.0,5.0,0,0.0,0.0);(0.0,3.0,1,1.0,0.0);(0.0,6.0,0,1.0,0.0);(6.0,11.0,0,1.0,1.0);(0.0,6.0,0,1.0,0.0);(6.0,10.0,1,1.0,1.0);(0.0,1.0,0,0.0,0.0);(1.0,5.0,0,0.0,1.0);(0.0,14.0,1,1.0,0.0);(0.0,6.0,0,0.0,0.0);(6.0,10.0,1,0.0,1.0);(0.0,2.0,0,0.0,0.0);(2.0,7.0,1,0.0,1.0);(0.0,14.0,1,0.0,0.0);(0.0,6.0,0,0.0,0.0);(0.0,4.0,0,1.0,0.0);(0.0,7.0,0,1.0,0.0);(7.0,13.0,1,1.0,1.0);(0.0,11.0,0,0.0,0.0);(11.0,12.0,1,0.0,1.0);(0.0,13.0,1,0.0,0.0);(0.0,5.0,0,0.0,0.0);(5.0,7.0,1,0.0,1.0);(0.0,14.0,1,0.0,0.0);(0.0,3.0,0,1.0,0.0);(3.0,8.0,0,1.0,1.0)";

    fn data() -> Vec<Interval> {
        DATA.split(';')
            .map(|r| {
                let v: Vec<f64> = r
                    .trim_matches(|c| c == '(' || c == ')')
                    .split(',')
                    .map(|x| x.parse().unwrap())
                    .collect();
                Interval {
                    start: v[0],
                    stop: v[1],
                    event: v[2] == 1.0,
                    x: vec![v[3], v[4]],
                }
            })
            .collect()
    }

    #[test]
    fn time_varying_cox_equals_lifelines() {
        // lifelines 0.30.3 CoxTimeVaryingFitter().fit(df, id_col, start_col, stop_col,
        // event_col): params, standard errors, log-likelihood, Wald p and the
        // likelihood-ratio test against the null model.
        let f = fit(&data()).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert_eq!((data().len(), f.events), (44, 20));
        for (got, want) in f.coef.iter().zip([-0.2812262235361006, 1.9810870767810025]) {
            assert!(close(*got, want), "coef {got} vs {want}");
        }
        for (got, want) in f.se.iter().zip([0.4701556070868756, 0.5839758840307608]) {
            assert!(close(*got, want), "se {got} vs {want}");
        }
        for (got, want) in f.p.iter().zip([0.5497360938366442, 0.0006928006061308038]) {
            assert!(close(*got, want), "p {got} vs {want}");
        }
        assert!(
            close(f.log_likelihood, -42.284754117344555),
            "{}",
            f.log_likelihood
        );
        assert!(close(f.lr, 12.720803523996807) && close(f.lr_p, 0.001728672057583216));
    }

    #[test]
    fn proportional_hazards_test_equals_r_cox_zph() {
        // R 4.2 survival 3.5.3: cox.zph(coxph(Surv(start, stop, event) ~ x + c, ties =
        // "efron"), terms = FALSE) with the default transform "km" on the same 44 rows.
        let d = data();
        let t = ph_test(&d, &fit(&d).unwrap()).unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        for (got, want) in t.chi2.iter().zip([3.2891571333887009, 1.2616491504104790]) {
            assert!(close(*got, want), "chi2 {got} vs {want}");
        }
        for (got, want) in t.p.iter().zip([0.069738813384197795, 0.261339159631244433]) {
            assert!(close(*got, want), "p {got} vs {want}");
        }
        assert!(
            close(t.global_chi2, 5.0799436300456122),
            "{}",
            t.global_chi2
        );
        assert!(close(t.global_p, 0.078868622669680158));
    }

    #[test]
    fn a_model_that_cannot_be_estimated_says_why() {
        let mut d = data();
        for r in &mut d {
            r.event = false;
        }
        assert!(fit(&d).unwrap_err().contains("0 events"));
        let mut d = data();
        for r in &mut d {
            r.x[1] = 1.0;
        }
        assert!(fit(&d).unwrap_err().contains("singular"));
    }
}

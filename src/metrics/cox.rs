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
    pub z: Vec<f64>,
    pub p: Vec<f64>,
    pub log_likelihood: f64,
    pub null_log_likelihood: f64,
    /// Likelihood-ratio statistic 2(ℓ(β̂) − ℓ(0)) on k degrees of freedom, and its p-value.
    pub lr: f64,
    pub lr_p: f64,
    pub events: usize,
    pub iterations: usize,
}

/// Log partial likelihood, gradient and information matrix at `beta` (Efron ties).
fn derivatives(
    data: &[Interval],
    by_stop: &[usize],
    by_start: &[usize],
    beta: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let k = beta.len();
    let risk: Vec<f64> = data
        .iter()
        .map(|r| r.x.iter().zip(beta.iter()).map(|(x, b)| x * b).sum::<f64>())
        .collect();
    let (mut s0, mut s1, mut s2) = (0.0, DVector::zeros(k), DMatrix::zeros(k, k));
    let (mut ll, mut grad, mut info) = (0.0, DVector::zeros(k), DMatrix::zeros(k, k));
    let add = |i: usize, sign: f64, s0: &mut f64, s1: &mut DVector<f64>, s2: &mut DMatrix<f64>| {
        let w = risk[i].exp() * sign;
        let x = DVector::from_column_slice(&data[i].x);
        *s0 += w;
        *s1 += &x * w;
        *s2 += &x * x.transpose() * w;
    };
    let (mut a, mut b) = (0, 0); // next interval to enter (by stop desc), to leave (by start desc)
    let mut t_idx = 0;
    while t_idx < by_stop.len() {
        let t = data[by_stop[t_idx]].stop;
        // Enter every interval with stop ≥ t; leave every interval with start ≥ t.
        while a < by_stop.len() && data[by_stop[a]].stop >= t {
            add(by_stop[a], 1.0, &mut s0, &mut s1, &mut s2);
            a += 1;
        }
        while b < by_start.len() && data[by_start[b]].start >= t {
            add(by_start[b], -1.0, &mut s0, &mut s1, &mut s2);
            b += 1;
        }
        // The events at t.
        let deaths: Vec<usize> = by_stop[t_idx..]
            .iter()
            .take_while(|&&i| data[i].stop == t)
            .copied()
            .filter(|&i| data[i].event)
            .collect();
        while t_idx < by_stop.len() && data[by_stop[t_idx]].stop == t {
            t_idx += 1;
        }
        let d = deaths.len();
        if d == 0 {
            continue;
        }
        let (mut d0, mut d1, mut d2) = (0.0, DVector::zeros(k), DMatrix::zeros(k, k));
        for &i in &deaths {
            let w = risk[i].exp();
            let x = DVector::from_column_slice(&data[i].x);
            ll += risk[i];
            grad += &x;
            d0 += w;
            d1 += &x * w;
            d2 += &x * x.transpose() * w;
        }
        for l in 0..d {
            let f = l as f64 / d as f64;
            let e0 = s0 - f * d0;
            let e1 = &s1 - &d1 * f;
            let e2 = &s2 - &d2 * f;
            ll -= e0.ln();
            grad -= &e1 / e0;
            info += e2 / e0 - &e1 * e1.transpose() / (e0 * e0);
        }
    }
    (ll, grad, info)
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
    // Stop descending (ties: events first does not matter, the sweep takes them together);
    // start descending.
    let mut by_stop: Vec<usize> = (0..data.len()).collect();
    by_stop.sort_by(|&i, &j| data[j].stop.total_cmp(&data[i].stop).then(i.cmp(&j)));
    let mut by_start: Vec<usize> = (0..data.len()).collect();
    by_start.sort_by(|&i, &j| data[j].start.total_cmp(&data[i].start).then(i.cmp(&j)));
    let mut beta = DVector::zeros(k);
    let (null_ll, _, _) = derivatives(data, &by_stop, &by_start, &beta);
    let mut ll = null_ll;
    let mut iterations = 0;
    for it in 1..=50 {
        iterations = it;
        let (_, grad, info) = derivatives(data, &by_stop, &by_start, &beta);
        let step = info
            .clone()
            .cholesky()
            .ok_or("the information matrix is singular (a covariate constant or separating the events)")?
            .solve(&grad);
        let mut scale = 1.0;
        let mut next = &beta + &step;
        let mut next_ll = derivatives(data, &by_stop, &by_start, &next).0;
        while next_ll < ll - 1e-12 && scale > 1e-4 {
            scale /= 2.0;
            next = &beta + &step * scale;
            next_ll = derivatives(data, &by_stop, &by_start, &next).0;
        }
        let converged =
            (next_ll - ll).abs() < 1e-12 * (1.0 + ll.abs()) || step.amax() * scale < 1e-10;
        beta = next;
        ll = next_ll;
        if converged {
            break;
        }
    }
    let (_, _, info) = derivatives(data, &by_stop, &by_start, &beta);
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
        z,
        p,
        log_likelihood: ll,
        null_log_likelihood: null_ll,
        lr,
        lr_p,
        events,
        iterations,
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

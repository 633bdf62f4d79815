//! Small statistical functions over slices and counts. Each states its formula and source,
//! handles the degenerate cases (n = 0, n = 1, zero variance) explicitly, and is tested
//! against values computed independently with SciPy/statsmodels (see the tests).

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The two-sided critical value of the standard normal: z with P(|Z| ≤ z) = `confidence`.
pub fn z_critical(confidence: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(0.5 + confidence / 2.0)
}

/// The two-sided critical value of Student's t with `df` degrees of freedom.
pub fn t_critical(confidence: f64, df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .expect("df > 0")
        .inverse_cdf(0.5 + confidence / 2.0)
}

/// A mean with its spread and confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1); `None` when n < 2.
    pub sd: Option<f64>,
    /// `None` when n < 2: one answer has no spread to build an interval from.
    pub ci: Option<(f64, f64)>,
}

/// Mean with the Student-t interval: mean ± t(1 − α/2, n − 1) · sd / √n.
///
/// Source: any introductory text (e.g. Moore & McCabe §7.1); equals SciPy's
/// `stats.t.interval(conf, n-1, loc=mean, scale=stats.sem(x))`. With zero variance the
/// interval collapses to the mean. `None` for an empty slice.
pub fn mean_ci(xs: &[f64], confidence: f64) -> Option<MeanCi> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some(MeanCi {
            n,
            mean,
            sd: None,
            ci: None,
        });
    }
    let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
    let sd = (ss / (n - 1) as f64).sqrt();
    let half = t_critical(confidence, (n - 1) as f64) * sd / (n as f64).sqrt();
    Some(MeanCi {
        n,
        mean,
        sd: Some(sd),
        ci: Some((mean - half, mean + half)),
    })
}

/// Wilson score interval for a proportion `k / n`.
///
/// p̂ = k/n, z = z(1 − α/2): centre (p̂ + z²/2n)/(1 + z²/n), half-width
/// z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n). Source: Wilson (1927); equals statsmodels'
/// `proportion_confint(k, n, method="wilson")`. Unlike the Wald interval it stays inside
/// [0, 1] and is sensible at k = 0 or k = n. `None` when n = 0.
pub fn wilson(k: usize, n: usize, confidence: f64) -> Option<(f64, f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let (kf, nf) = (k as f64, n as f64);
    let p = kf / nf;
    let z = z_critical(confidence);
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    Some((p, (centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Net Promoter Score of 0–10 answers with its standard error and normal interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nps {
    pub n: usize,
    pub promoters: usize,
    pub passives: usize,
    pub detractors: usize,
    /// 100·(p − d), in [−100, 100].
    pub nps: f64,
    pub se: f64,
    pub ci: (f64, f64),
}

/// Promoters answer 9 or 10; detractors 0 to 6 (Reichheld 2003; the cut-offs are the
/// definition of NPS, not a setting).
pub const PROMOTER_MIN: f64 = 9.0;
pub const DETRACTOR_MAX: f64 = 6.0;

/// NPS = 100·(p − d) with Var = 100²·[p(1−p) + d(1−d) + 2pd]/n, the multinomial variance
/// of the difference of two shares (equivalently the population variance of answers coded
/// +100/0/−100, divided by n). Interval: NPS ± z·SE, clipped to [−100, 100]. `None` for no
/// answers.
pub fn nps(scores: &[f64], confidence: f64) -> Option<Nps> {
    let n = scores.len();
    if n == 0 {
        return None;
    }
    let promoters = scores.iter().filter(|&&s| s >= PROMOTER_MIN).count();
    let detractors = scores.iter().filter(|&&s| s <= DETRACTOR_MAX).count();
    let passives = n - promoters - detractors;
    let (p, d) = (promoters as f64 / n as f64, detractors as f64 / n as f64);
    let value = 100.0 * (p - d);
    let var = 100.0_f64.powi(2) * (p * (1.0 - p) + d * (1.0 - d) + 2.0 * p * d) / n as f64;
    let se = var.sqrt();
    let half = z_critical(confidence) * se;
    Some(Nps {
        n,
        promoters,
        passives,
        detractors,
        nps: value,
        se,
        ci: ((value - half).max(-100.0), (value + half).min(100.0)),
    })
}

/// A mean on a `[min, max]` scale as a 0–100 index: (mean − min)/(max − min)·100.
pub fn index_0_100(mean: f64, min: f64, max: f64) -> f64 {
    (mean - min) / (max - min) * 100.0
}

/// Number of answers in the top two points of a `[min, max]` scale of whole numbers.
pub fn top2_count(xs: &[f64], max: f64) -> usize {
    xs.iter().filter(|&&x| x >= max - 1.0).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    // x = [4,5,3,4,4,5,2,4,5,3,4,4]. Expected values from SciPy 1.17.1:
    //   x.mean(); x.std(ddof=1); stats.t.interval(0.95, 11, loc=mean, scale=stats.sem(x))
    const X: [f64; 12] = [4., 5., 3., 4., 4., 5., 2., 4., 5., 3., 4., 4.];

    #[test]
    fn mean_ci_matches_scipy() {
        let m = mean_ci(&X, 0.95).unwrap();
        assert_eq!(m.n, 12);
        assert!(close(m.mean, 3.9166666666666665, 1e-12));
        assert!(close(m.sd.unwrap(), 0.90033663737851999, 1e-12));
        let (lo, hi) = m.ci.unwrap();
        assert!(close(lo, 3.3446200588831569, 1e-9), "{lo}");
        assert!(close(hi, 4.4887132744501761, 1e-9), "{hi}");
        // 90% level: stats.t.interval(0.90, 11, ...)
        let (lo, hi) = mean_ci(&X, 0.90).unwrap().ci.unwrap();
        assert!(close(lo, 3.4499075820816625, 1e-9) && close(hi, 4.3834257512516706, 1e-9));
        // n = 2: stats.t.interval(0.95, 1, loc=3.5, scale=0.5) = (-2.853102368087347, 9.853102368087347)
        let (lo, hi) = mean_ci(&[3.0, 4.0], 0.95).unwrap().ci.unwrap();
        assert!(close(lo, -2.853102368087347, 1e-9) && close(hi, 9.853102368087347, 1e-9));
    }

    #[test]
    fn t_critical_matches_the_table() {
        // stats.t.ppf(0.975, 11) = 2.2009851600916388 (printed tables: 2.201)
        assert!(close(t_critical(0.95, 11.0), 2.2009851600916388, 1e-9));
        // stats.norm.ppf(0.975) = 1.959963984540054
        assert!(close(z_critical(0.95), 1.959963984540054, 1e-12));
    }

    #[test]
    fn mean_ci_degenerate_cases() {
        assert!(mean_ci(&[], 0.95).is_none());
        let one = mean_ci(&[4.0], 0.95).unwrap();
        assert_eq!((one.n, one.mean, one.sd, one.ci), (1, 4.0, None, None));
        let flat = mean_ci(&[3.0; 5], 0.95).unwrap();
        assert_eq!(flat.sd, Some(0.0));
        assert_eq!(flat.ci, Some((3.0, 3.0)));
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels 0.15.0: proportion_confint(k, n, alpha=0.05, method="wilson")
        let cases = [
            (37, 50, 0.60446842735151163, 0.84128472506447605),
            (0, 20, 0.0, 0.16112515805281941),
            (20, 20, 0.83887484194718043, 0.99999999999999989),
            (1, 3, 0.061491944720396263, 0.79234039919795229),
        ];
        for (k, n, lo, hi) in cases {
            let (p, l, h) = wilson(k, n, 0.95).unwrap();
            assert!(close(p, k as f64 / n as f64, 1e-15));
            assert!(close(l, lo, 1e-9) && close(h, hi, 1e-9), "{k}/{n}: {l} {h}");
        }
        assert!(wilson(0, 0, 0.95).is_none());
        assert!(wilson(3, 2, 0.95).is_none());
    }

    #[test]
    fn nps_matches_independent_computation() {
        // 16 answers: 8 promoters, 4 passives, 4 detractors. Expected values computed in
        // NumPy/SciPy from the textbook formula, and cross-checked as the population
        // variance of the +100/0/−100 coding divided by n (both 429.6875):
        // NPS 25, SE 20.72890493972125, 95% CI (−15.627907120808068, 65.627907120808061).
        let s = [
            10., 9., 9., 8., 7., 6., 10., 3., 9., 10., 5., 8., 9., 0., 10., 7.,
        ];
        let r = nps(&s, 0.95).unwrap();
        assert_eq!((r.n, r.promoters, r.passives, r.detractors), (16, 8, 4, 4));
        assert!(close(r.nps, 25.0, 1e-12));
        assert!(close(r.se, 20.72890493972125, 1e-9));
        assert!(
            close(r.ci.0, -15.627907120808068, 1e-9) && close(r.ci.1, 65.627907120808061, 1e-9)
        );
    }

    #[test]
    fn nps_edges_stay_in_range() {
        assert!(nps(&[], 0.95).is_none());
        let all = nps(&[10.0; 7], 0.95).unwrap();
        assert_eq!((all.nps, all.se, all.ci), (100.0, 0.0, (100.0, 100.0)));
        let none = nps(&[0.0, 6.0], 0.95).unwrap();
        assert_eq!(none.nps, -100.0);
        let small = nps(&[10.0, 0.0], 0.95).unwrap();
        assert!(small.ci.0 >= -100.0 && small.ci.1 <= 100.0);
    }

    #[test]
    fn index_and_top2() {
        assert_eq!(index_0_100(4.0, 1.0, 5.0), 75.0);
        assert!(close(index_0_100(5.5, 0.0, 10.0), 55.0, 1e-12));
        // Counted by hand: nine of the twelve answers are 4 or 5.
        assert_eq!(top2_count(&X, 5.0), 9);
    }
}

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

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
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

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
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
    wilson_share(k as f64 / n as f64, n as f64, confidence)
}

/// Kish's effective sample size (Σw)²/Σw² of a cell's sums (its count without weights).
pub fn n_eff(s: Sums) -> f64 {
    kish(s.sw, s.sw2)
}

/// Kish's effective sample size from the sum of weights and of squared weights; 0 without
/// weights.
pub fn kish(sw: f64, sw2: f64) -> f64 {
    if sw2 > 0.0 {
        sw * sw / sw2
    } else {
        0.0
    }
}

/// Wilson interval of a share `p` observed on an effective sample of `n` (Kish n_eff for
/// weighted shares; with whole counts this is [`wilson`]).
pub fn wilson_share(p: f64, n: f64, confidence: f64) -> Option<(f64, f64, f64)> {
    if !(n > 0.0) || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let z = z_critical(confidence);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
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

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
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
    Some(nps_from_shares(
        n,
        promoters,
        detractors,
        n as f64,
        promoters as f64 / n as f64,
        detractors as f64 / n as f64,
        confidence,
    ))
}

/// NPS from (possibly weighted) shares of promoters `p` and detractors `d` on an effective
/// sample `n_eff`; the counts are reported as they are. Same formula as [`nps`].
pub fn nps_from_shares(
    n: usize,
    promoters: usize,
    detractors: usize,
    n_eff: f64,
    p: f64,
    d: f64,
    confidence: f64,
) -> Nps {
    let value = 100.0 * (p - d);
    let var = 100.0_f64.powi(2) * (p * (1.0 - p) + d * (1.0 - d) + 2.0 * p * d) / n_eff;
    let se = var.max(0.0).sqrt();
    let half = z_critical(confidence) * se;
    Nps {
        n,
        promoters,
        passives: n - promoters - detractors,
        detractors,
        nps: value,
        se,
        ci: ((value - half).max(-100.0), (value + half).min(100.0)),
    }
}

/// A mean on a `[min, max]` scale as a 0–100 index: (mean − min)/(max − min)·100.
pub fn index_0_100(mean: f64, min: f64, max: f64) -> f64 {
    (mean - min) / (max - min) * 100.0
}

/// How many top points of a `[min, max]` scale of whole numbers make its "top box": the top
/// two on a scale of five points or more (the satisfaction handbooks' 满意率: 满意 + 非常满意;
/// on 0–10, 9–10), the top point on a shorter one, where the top two would be most of the
/// scale (a yes/no item coded 0/1: the share yes, never a meaningless 100%).
pub fn top_box_points(min: f64, max: f64) -> usize {
    if max - min + 1.0 >= 5.0 {
        2
    } else {
        1
    }
}

/// Whether `x` is in the top box of a `[min, max]` scale ([`top_box_points`]).
pub fn in_top_box(x: f64, min: f64, max: f64) -> bool {
    x >= max - (top_box_points(min, max) - 1) as f64
}

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
/// Number of answers in the top box of a `[min, max]` scale of whole numbers.
pub fn top2_count(xs: &[f64], min: f64, max: f64) -> usize {
    xs.iter().filter(|&&x| in_top_box(x, min, max)).count()
}

/// A mean from weighted sufficient statistics, with Kish's effective sample size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedMean {
    pub n: usize,
    /// Kish n_eff = (Σw)²/Σw²; equals n when all weights are equal.
    pub n_eff: f64,
    pub mean: f64,
    pub sd: Option<f64>,
    pub ci: Option<(f64, f64)>,
}

/// Sums over one cell's answers x with weights w: n, Σw, Σw², Σwx, Σwx². Polars computes
/// these per group; everything else follows from them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sums {
    pub n: usize,
    pub sw: f64,
    pub sw2: f64,
    pub swx: f64,
    pub swx2: f64,
}

impl Sums {
    #[cfg(test)]
    pub fn of(xs: &[f64], ws: &[f64]) -> Sums {
        let mut s = Sums {
            n: xs.len(),
            ..Sums::default()
        };
        for (x, w) in xs.iter().zip(ws) {
            s.sw += w;
            s.sw2 += w * w;
            s.swx += w * x;
            s.swx2 += w * x * x;
        }
        s
    }
}

/// Weighted mean with a t interval on Kish's effective sample size:
/// mean = Σwx/Σw; s² = [Σw(x − mean)²/Σw]·n_eff/(n_eff − 1); CI = mean ± t(1 − α/2, n_eff − 1)·s/√n_eff.
///
/// With equal weights this is exactly [`mean_ci`]. It equals statsmodels'
/// `DescrStatsW(x, weights=w·n_eff/Σw).tconfint_mean()` (weights rescaled to sum to
/// n_eff). `None` for no answers; no interval when n_eff ≤ 1.
pub fn weighted_mean_ci(s: Sums, confidence: f64) -> Option<WeightedMean> {
    if s.n == 0 || s.sw <= 0.0 {
        return None;
    }
    let mean = s.swx / s.sw;
    let n_eff = s.sw * s.sw / s.sw2;
    if s.n < 2 || n_eff <= 1.0 + 1e-12 {
        return Some(WeightedMean {
            n: s.n,
            n_eff,
            mean,
            sd: None,
            ci: None,
        });
    }
    let pop_var = ((s.swx2 - s.swx * s.swx / s.sw) / s.sw).max(0.0);
    let sd = (pop_var * n_eff / (n_eff - 1.0)).sqrt();
    let half = t_critical(confidence, n_eff - 1.0) * sd / n_eff.sqrt();
    Some(WeightedMean {
        n: s.n,
        n_eff,
        mean,
        sd: Some(sd),
        ci: Some((mean - half, mean + half)),
    })
}

/// A two-sample test result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Test {
    pub statistic: f64,
    /// Degrees of freedom (Welch–Satterthwaite); `None` for z tests.
    pub df: Option<f64>,
    pub p: f64,
}

/// Two-sided p-value of a standard normal statistic: 2·(1 − Φ(|z|)).
pub fn normal_p(z: f64) -> f64 {
    if z.is_infinite() {
        return 0.0;
    }
    2.0 * Normal::new(0.0, 1.0).expect("standard normal").sf(z.abs())
}

/// Welch's unequal-variance t test of mean₁ − mean₂ from (mean, sd, n) of each sample:
/// t = (m₁ − m₂)/√(s₁²/n₁ + s₂²/n₂), df by Welch–Satterthwaite. Equals SciPy's
/// `stats.ttest_ind_from_stats(..., equal_var=False)`. `None` when a sample has n < 2;
/// with both variances zero the test is degenerate: p = 1 for equal means, 0 otherwise.
pub fn welch(m1: f64, s1: f64, n1: f64, m2: f64, s2: f64, n2: f64) -> Option<Test> {
    if n1 < 2.0 || n2 < 2.0 {
        return None;
    }
    let (v1, v2) = (s1 * s1 / n1, s2 * s2 / n2);
    let se = (v1 + v2).sqrt();
    if se == 0.0 {
        let same = m1 == m2;
        return Some(Test {
            statistic: if same {
                0.0
            } else {
                f64::INFINITY.copysign(m1 - m2)
            },
            df: None,
            p: if same { 1.0 } else { 0.0 },
        });
    }
    let t = (m1 - m2) / se;
    let df = (v1 + v2).powi(2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
    let p = 2.0 * StudentsT::new(0.0, 1.0, df).expect("df > 0").sf(t.abs());
    Some(Test {
        statistic: t,
        df: Some(df),
        p,
    })
}

/// The Welch interval of m₁ − m₂: (m₁ − m₂) ± t(df)·√(s₁²/n₁ + s₂²/n₂) with the
/// Welch–Satterthwaite df, as SciPy's `ttest_ind(a, b, equal_var=False)
/// .confidence_interval(confidence)`. `None` when a sample has n < 2 or both variances are 0.
pub fn welch_diff_ci(
    m1: f64,
    s1: f64,
    n1: f64,
    m2: f64,
    s2: f64,
    n2: f64,
    confidence: f64,
) -> Option<(f64, f64)> {
    let test = welch(m1, s1, n1, m2, s2, n2)?;
    let df = test.df?;
    let se = (s1 * s1 / n1 + s2 * s2 / n2).sqrt();
    let half = t_critical(confidence, df) * se;
    Some((m1 - m2 - half, m1 - m2 + half))
}

/// Two-proportion z test with the pooled proportion: z = (p₁ − p₂)/√(p̄(1 − p̄)(1/n₁ + 1/n₂)).
/// Equals statsmodels' `proportions_ztest([k1, k2], [n1, n2])`. `None` when a sample is
/// empty; p = 1 when both shares are 0 or both 1.
pub fn two_proportion_z(k1: usize, n1: usize, k2: usize, n2: usize) -> Option<Test> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let pooled = (k1 + k2) as f64 / (n1 + n2) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return Some(Test {
            statistic: 0.0,
            df: None,
            p: 1.0,
        });
    }
    let z = (p1 - p2) / se;
    Some(Test {
        statistic: z,
        df: None,
        p: normal_p(z),
    })
}

/// The change between two independent NPS: difference, SE = √(SE₁² + SE₂²), z and p.
pub fn nps_change(now: &Nps, before: &Nps) -> Test {
    let se = (now.se * now.se + before.se * before.se).sqrt();
    let d = now.nps - before.nps;
    if se == 0.0 {
        return Test {
            statistic: 0.0,
            df: None,
            p: if d == 0.0 { 1.0 } else { 0.0 },
        };
    }
    Test {
        statistic: d / se,
        df: None,
        p: normal_p(d / se),
    }
}

/// [`bh_qvalues`] over the p-values that exist (one family); `None` stays `None`.
pub fn bh_qvalues_opt(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let q = bh_qvalues(&p.iter().map(|x| x.unwrap_or(f64::NAN)).collect::<Vec<_>>());
    q.into_iter().map(|x| x.is_finite().then_some(x)).collect()
}

/// Benjamini–Hochberg adjusted p-values (q-values), in the input order:
/// q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m/j, capped at 1. Equals statsmodels'
/// `multipletests(p, method="fdr_bh")[1]`. NaN p-values are left out and stay NaN.
pub fn bh_qvalues(p: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_finite()).collect();
    let m = idx.len() as f64;
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut q = vec![f64::NAN; p.len()];
    let mut running = 1.0_f64;
    for (rank, &i) in idx.iter().enumerate().rev() {
        running = running.min(p[i] * m / (rank + 1) as f64);
        q[i] = running.min(1.0);
    }
    q
}

/// Ranks, 1 = best, ties sharing the lowest rank ("competition" ranking, SciPy's
/// `rankdata(method="min")` on the negated values when `higher_is_better`).
pub fn ranks(values: &[f64], higher_is_better: bool) -> Vec<usize> {
    values
        .iter()
        .map(|v| {
            1 + values
                .iter()
                .filter(|o| if higher_is_better { *o > v } else { *o < v })
                .count()
        })
        .collect()
}

/// Control limits of an X̄ chart with varying sample sizes (Montgomery, *Introduction to
/// Statistical Quality Control*, §6.3.2): centre = grand mean Σnᵢx̄ᵢ/Σnᵢ, σ̂ = pooled
/// within-sample sd √(Σ(nᵢ − 1)sᵢ²/Σ(nᵢ − 1)), limits centre ± 3σ̂/√nᵢ. Input per point:
/// (mean, sd, n), with n the effective sample size of a weighted month (Kish's (Σw)²/Σw²;
/// the count itself without weights). Points with n < 2 get no limits.
pub fn xbar_chart(points: &[(f64, f64, f64)]) -> Option<(f64, Vec<Option<(f64, f64)>>)> {
    let total: f64 = points.iter().map(|p| p.2).sum();
    let dof: f64 = points.iter().map(|p| (p.2 - 1.0).max(0.0)).sum();
    if total <= 0.0 || dof <= 0.0 {
        return None;
    }
    let centre = points.iter().map(|(m, _, n)| m * n).sum::<f64>() / total;
    let sigma = (points
        .iter()
        .map(|(_, s, n)| (n - 1.0).max(0.0) * s * s)
        .sum::<f64>()
        / dof)
        .sqrt();
    let limits = points
        .iter()
        .map(|(_, _, n)| {
            (*n >= 2.0).then(|| {
                (
                    centre - 3.0 * sigma / n.sqrt(),
                    centre + 3.0 * sigma / n.sqrt(),
                )
            })
        })
        .collect();
    Some((centre, limits))
}

/// Limits of a p chart with varying sample sizes (Montgomery §7.2.2): p̄ = Σkᵢ/Σnᵢ,
/// limits p̄ ± 3√(p̄(1 − p̄)/nᵢ), clipped to [0, 1]. Input per point: (k, n), for a weighted
/// month its effective count and size (share·n_eff, n_eff).
pub fn p_chart(points: &[(f64, f64)]) -> Option<(f64, Vec<Option<(f64, f64)>>)> {
    let (k, n): (f64, f64) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (k, n)| (a + k, b + n));
    if n <= 0.0 {
        return None;
    }
    let p = k / n;
    let limits = points
        .iter()
        .map(|(_, ni)| {
            (*ni > 0.0).then(|| {
                let h = 3.0 * (p * (1.0 - p) / ni).sqrt();
                ((p - h).max(0.0), (p + h).min(1.0))
            })
        })
        .collect();
    Some((p, limits))
}

/// Johnson's relative weights: each predictor's share of R² in a linear model of y,
/// accounting for correlated predictors (Johnson 2000, *Multivariate Behavioral Research*
/// 35(1)). With Rxx = VΛVᵀ, Λ½ = VΛ^½Vᵀ: β = Λ½⁻¹·rxy, weights = (Λ½∘Λ½)·(β∘β), which sum
/// to R². Refuses a correlation matrix that is singular or not positive definite (a
/// predictor constant or a linear combination of others) with a message saying so.
pub fn relative_weights(rxx: &[Vec<f64>], rxy: &[f64]) -> Result<(Vec<f64>, f64), String> {
    use nalgebra::{DMatrix, DVector};
    let k = rxy.len();
    if k == 0 || rxx.len() != k || rxx.iter().any(|r| r.len() != k) {
        return Err("the correlation matrix does not match the number of attributes".into());
    }
    if rxx.iter().flatten().chain(rxy).any(|v| !v.is_finite()) {
        return Err("an attribute has no variance (every answer the same) or too few answers; drop it from the model".into());
    }
    let m = DMatrix::from_fn(k, k, |i, j| rxx[i][j]);
    let eig = m.clone().symmetric_eigen();
    let min = eig
        .eigenvalues
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min);
    if min <= 1e-10 {
        return Err(format!(
            "the attributes' correlation matrix is singular or not positive definite (smallest eigenvalue {min:.2e}): some attributes are constant or linear combinations of others; drop or merge them"
        ));
    }
    let sqrt_l = DMatrix::from_diagonal(&eig.eigenvalues.map(f64::sqrt));
    let lam = &eig.eigenvectors * sqrt_l * eig.eigenvectors.transpose();
    let inv = lam
        .clone()
        .try_inverse()
        .ok_or("the correlation matrix cannot be inverted")?;
    let beta = inv * DVector::from_column_slice(rxy);
    let beta2 = beta.map(|b| b * b);
    let lam2 = lam.map(|v| v * v);
    let w = lam2 * &beta2;
    let r2 = beta2.sum();
    Ok((w.iter().cloned().collect(), r2))
}

/// Pearson correlation of two equally long slices; `None` if either is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    if x.len() < 2 || x.len() != y.len() {
        return None;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests;

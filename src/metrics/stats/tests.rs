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
    assert!(close(r.ci.0, -15.627907120808068, 1e-9) && close(r.ci.1, 65.627907120808061, 1e-9));
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
    assert_eq!(top2_count(&X, 1.0, 5.0), 9);
    // A yes/no item (0/1): the share yes, not the top two of two points (always 100%).
    assert_eq!(top_box_points(0.0, 1.0), 1);
    assert_eq!(top2_count(&[0.0, 1.0, 1.0, 0.0, 1.0], 0.0, 1.0), 3);
    // 1–3 and 1–4: the top point; 1–5, 1–7, 0–10: the top two (9–10 on 0–10).
    assert_eq!(top_box_points(1.0, 3.0), 1);
    assert_eq!(top_box_points(1.0, 4.0), 1);
    assert_eq!(top_box_points(1.0, 5.0), 2);
    assert_eq!(top2_count(&[8.0, 9.0, 10.0, 6.0], 0.0, 10.0), 2);
}

#[test]
fn weighted_mean_matches_statsmodels_descrstatsw() {
    // x, w below; statsmodels 0.15.0:
    //   neff = w.sum()**2/(w**2).sum(); d = DescrStatsW(x, weights=w*neff/w.sum())
    //   d.mean, d.tconfint_mean(0.05)
    let x = [4., 5., 3., 4., 2., 5., 4., 3.];
    let w = [1.2, 0.8, 1.5, 1.0, 2.0, 0.5, 1.0, 1.0];
    let m = weighted_mean_ci(Sums::of(&x, &w), 0.95).unwrap();
    assert!(close(m.n_eff, 6.9948186528497409, 1e-12));
    assert!(close(m.mean, 3.4222222222222221, 1e-12));
    let (lo, hi) = m.ci.unwrap();
    assert!(
        close(lo, 2.4340521918465559, 1e-9) && close(hi, 4.4103922525978883, 1e-9),
        "{lo} {hi}"
    );
    // Equal weights reduce to the plain t interval (SciPy values of mean_ci_matches_scipy).
    let eq = weighted_mean_ci(Sums::of(&X, &[1.0; 12]), 0.95).unwrap();
    assert!(close(eq.n_eff, 12.0, 1e-12));
    assert!(close(eq.ci.unwrap().0, 3.3446200588831569, 1e-9));
    assert!(weighted_mean_ci(Sums::default(), 0.95).is_none());
    assert_eq!(
        weighted_mean_ci(Sums::of(&[3.0], &[2.0]), 0.95).unwrap().ci,
        None
    );
}

#[test]
fn welch_interval_matches_scipy() {
    // a = [4,5,3,4,4,5,2,4]; b = [3,3,4,2,3,3,2]
    // r = stats.ttest_ind(a, b, equal_var=False); r.confidence_interval(0.95)
    //   = (0.06993348979094482, 1.9657807959233407), SciPy 1.17
    let a = [4.0, 5.0, 3.0, 4.0, 4.0, 5.0, 2.0, 4.0];
    let b = [3.0, 3.0, 4.0, 2.0, 3.0, 3.0, 2.0];
    let (x, y) = (mean_ci(&a, 0.95).unwrap(), mean_ci(&b, 0.95).unwrap());
    let (lo, hi) =
        welch_diff_ci(x.mean, x.sd.unwrap(), 8.0, y.mean, y.sd.unwrap(), 7.0, 0.95).unwrap();
    assert!((lo - 0.06993348979094482).abs() < 1e-9, "{lo}");
    assert!((hi - 1.9657807959233407).abs() < 1e-9, "{hi}");
    assert_eq!(welch_diff_ci(4.0, 0.0, 5.0, 4.0, 0.0, 5.0, 0.95), None);
}

#[test]
fn welch_matches_scipy() {
    // stats.ttest_ind_from_stats(4.12, 0.81, 120, 3.85, 0.95, 95, equal_var=False)
    let t = welch(4.12, 0.81, 120.0, 3.85, 0.95, 95.0).unwrap();
    assert!(close(t.statistic, 2.2069329089348946, 1e-9));
    assert!(close(t.df.unwrap(), 184.94485298326336, 1e-9));
    assert!((t.p - 0.028549544951611449).abs() < 1e-6 * 0.0285);
    // equal means: t = 0, p = 1 (SciPy)
    let z = welch(3.0, 1.0, 10.0, 3.0, 2.0, 12.0).unwrap();
    assert_eq!((z.statistic, z.p), (0.0, 1.0));
    assert!(welch(3.0, 1.0, 1.0, 3.0, 1.0, 10.0).is_none());
    assert_eq!(welch(4.0, 0.0, 5.0, 3.0, 0.0, 5.0).unwrap().p, 0.0);
}

#[test]
fn two_proportion_z_matches_statsmodels() {
    // proportions_ztest([45, 30], [100, 90]) = (1.6427266128719296, 0.10043950997963545)
    let t = two_proportion_z(45, 100, 30, 90).unwrap();
    assert!(close(t.statistic, 1.6427266128719296, 1e-9));
    assert!((t.p - 0.10043950997963545).abs() < 1e-6 * 0.1);
    assert_eq!(two_proportion_z(0, 10, 0, 12).unwrap().p, 1.0);
    assert!(two_proportion_z(1, 0, 1, 2).is_none());
}

#[test]
fn nps_change_matches_the_normal_reference() {
    // 200 answers with 90 promoters and 40 detractors vs 180 with 68 and 45. NumPy/SciPy
    // from the textbook formula: diff 12.222222222222223, SE 7.9589244711831055,
    // z 1.5356625466764069, p = 2*norm.sf(z) = 0.12462116535590728.
    let mk = |n: usize, pr: usize, de: usize| {
        let mut s = vec![10.0; pr];
        s.extend(vec![0.0; de]);
        s.extend(vec![8.0; n - pr - de]);
        nps(&s, 0.95).unwrap()
    };
    let (a, b) = (mk(200, 90, 40), mk(180, 68, 45));
    assert!(close(a.nps - b.nps, 12.222222222222223, 1e-12));
    let t = nps_change(&a, &b);
    assert!(close(t.statistic, 1.5356625466764069, 1e-9));
    assert!((t.p - 0.12462116535590728).abs() < 1e-6 * 0.12);
}

#[test]
fn bh_matches_statsmodels() {
    // multipletests([.01, .04, .03, .005, .2, .9, .04], method="fdr_bh")[1]
    let q = bh_qvalues(&[0.01, 0.04, 0.03, 0.005, 0.2, 0.9, 0.04]);
    let want = [0.035, 0.056, 0.056, 0.035, 0.23333333333333336, 0.9, 0.056];
    for (a, b) in q.iter().zip(want) {
        assert!(close(*a, b, 1e-12), "{q:?}");
    }
    let with_nan = bh_qvalues(&[0.01, f64::NAN, 0.04]);
    assert!(
        with_nan[1].is_nan() && close(with_nan[0], 0.02, 1e-12) && close(with_nan[2], 0.04, 1e-12)
    );
    assert!(bh_qvalues(&[]).is_empty());
}

#[test]
fn ranks_share_ties() {
    // scipy.stats.rankdata([-3.9, -4.1, -3.9, -4.3], method="min") = [3, 2, 3, 1]
    assert_eq!(ranks(&[3.9, 4.1, 3.9, 4.3], true), vec![3, 2, 3, 1]);
    assert_eq!(ranks(&[3.9, 4.1, 3.9, 4.3], false), vec![1, 3, 1, 4]);
}

#[test]
fn control_limits_follow_montgomery() {
    // Worked by hand: means 4, 3.5 with sd 1, 0.5 and n 5, 3: centre (20 + 10.5)/8 = 3.8125;
    // σ = √((4·1 + 2·0.25)/6) = √0.75; limits 3.8125 ± 3·√0.75/√n.
    let (c, l) = xbar_chart(&[(4.0, 1.0, 5.0), (3.5, 0.5, 3.0)]).unwrap();
    assert!(close(c, 3.8125, 1e-15));
    let h = 3.0 * 0.75_f64.sqrt() / 5.0_f64.sqrt();
    assert!(close(l[0].unwrap().0, 3.8125 - h, 1e-12) && close(l[0].unwrap().1, 3.8125 + h, 1e-12));
    // p chart: 10/100 and 30/100 → p̄ 0.2, limits 0.2 ± 3·0.04 = [0.08, 0.32].
    let (p, l) = p_chart(&[(10.0, 100.0), (30.0, 100.0)]).unwrap();
    assert!(close(p, 0.2, 1e-15));
    assert!(close(l[1].unwrap().0, 0.08, 1e-12) && close(l[1].unwrap().1, 0.32, 1e-12));
    assert!(p_chart(&[]).is_none() && xbar_chart(&[(3.0, 0.0, 1.0)]).is_none());
}

#[test]
fn relative_weights_match_johnson_and_sum_to_r2() {
    // 12 × 3 data in the test below; weights computed with NumPy following Johnson (2000)
    // (eigh of Rxx, Λ½ = V√ΛVᵀ, β = Λ½⁻¹rxy, w = Λ½² β²); their sum equals statsmodels
    // OLS R² = 0.96845889176032207 (an independent check).
    let x = [
        [4., 3., 5.],
        [3., 3., 4.],
        [5., 4., 5.],
        [2., 2., 3.],
        [4., 5., 4.],
        [3., 2., 2.],
        [5., 5., 5.],
        [1., 2., 1.],
        [4., 4., 3.],
        [2., 3., 2.],
        [3., 4., 4.],
        [5., 3., 4.],
    ];
    let y = [4., 3., 5., 2., 4., 2., 5., 1., 4., 2., 4., 4.];
    let col = |j: usize| x.iter().map(|r| r[j]).collect::<Vec<f64>>();
    let rxx: Vec<Vec<f64>> = (0..3)
        .map(|i| (0..3).map(|j| pearson(&col(i), &col(j)).unwrap()).collect())
        .collect();
    let rxy: Vec<f64> = (0..3).map(|i| pearson(&col(i), &y).unwrap()).collect();
    assert!(close(rxy[0], 0.92241508603106481, 1e-12));
    let (w, r2) = relative_weights(&rxx, &rxy).unwrap();
    let want = [
        0.35308395316592378,
        0.28248409241504108,
        0.33289084617935738,
    ];
    for (a, b) in w.iter().zip(want) {
        assert!(close(*a, b, 1e-9), "{w:?}");
    }
    assert!(close(r2, 0.96845889176032207, 1e-9));
    // Uncorrelated predictors: each weight is its r² (Johnson 2000, property 1).
    let (w, _) = relative_weights(&[vec![1.0, 0.0], vec![0.0, 1.0]], &[0.5, 0.3]).unwrap();
    assert!(close(w[0], 0.25, 1e-12) && close(w[1], 0.09, 1e-12));
    // Singular input is refused with a clear message.
    let err = relative_weights(&[vec![1.0, 1.0], vec![1.0, 1.0]], &[0.5, 0.5]).unwrap_err();
    assert!(err.contains("singular"), "{err}");
    assert!(
        relative_weights(&[vec![1.0, f64::NAN], vec![f64::NAN, 1.0]], &[0.5, 0.5])
            .unwrap_err()
            .contains("no variance")
    );
}

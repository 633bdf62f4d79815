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
        1.2, 0.5, 3.1, 0.7, 2.2, 1.9, 0.3, 1.1, 2.8, 2.5, 0.9, 1.4, 0.2, 1.7, 3.3, 2.9, 2.4, 0.6,
        1.0, 1.6,
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

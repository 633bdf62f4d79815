//! Expected values from SciPy 1.17.1 and statsmodels 0.15.0 (the same versions as
//! tests/engines/requirements.txt), computed independently of csat:
//!
//! ```python
//! from scipy import stats; import math
//! from statsmodels.stats.proportion import samplesize_confint_proportion, proportion_confint
//! def mm(sd, m, c, N=None):            # the t half-width, with the factor 1 − m/N
//!     f = 1 if N is None else 1 - m / N
//!     return stats.t.ppf(0.5 + c / 2, m - 1) * sd * math.sqrt(f / m)
//! def nm(sd, E, c, N=None):            # the smallest m by counting up, no bisection
//!     m = 2
//!     while mm(sd, m, c, N) > E: m += 1
//!     return m
//! ```
//! and Krejcie & Morgan (1970), *Educational and Psychological Measurement* 30, Table 1
//! (p = 0.5, d = 0.05, 95%): N = 100 → 80, N = 1000 → 278, N = 10000 → 370.

use super::*;

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
}

#[test]
fn the_mean_margin_is_scipys_t_half_width() {
    // mm(0.9, 50, 0.95), mm(0.9, 50, 0.95, 400), mm(1.2, 12.5, 0.9)
    close(
        mean_margin(0.9, 50.0, 0.95, None).unwrap(),
        0.25577716994615685,
    );
    close(
        mean_margin(0.9, 50.0, 0.95, Some(400.0)).unwrap(),
        0.23925763432429292,
    );
    close(
        mean_margin(1.2, 12.5, 0.9, None).unwrap(),
        0.6071274062972917,
    );
    assert_eq!(mean_margin(0.9, 1.0, 0.95, None), None);
    assert_eq!(mean_margin(0.9, 400.0, 0.95, Some(400.0)), Some(0.0));
}

#[test]
fn the_mean_plan_is_the_smallest_n_scipy_counts_up_to() {
    // nm(0.9, 0.1, 0.95) = 314; with N = 500: 194; nm(1.2, 0.15, 0.9) = 176; with N = 120: 72;
    // nm(0.5, 1.0, 0.95) = 4; nm(1.05, 0.1, 0.99) = 736.
    assert_eq!(n_for_mean(0.9, 0.1, 0.95, None), 314);
    assert_eq!(n_for_mean(0.9, 0.1, 0.95, Some(500)), 194);
    assert_eq!(n_for_mean(1.2, 0.15, 0.9, None), 176);
    assert_eq!(n_for_mean(1.2, 0.15, 0.9, Some(120)), 72);
    assert_eq!(n_for_mean(0.5, 1.0, 0.95, None), 4);
    assert_eq!(n_for_mean(1.05, 0.1, 0.99, None), 736);
    // No spread: two answers are the least that show one.
    assert_eq!(n_for_mean(0.0, 0.1, 0.95, None), 2);
    // A population smaller than the plan: all of it (the margin is then 0).
    assert_eq!(n_for_mean(0.9, 0.01, 0.95, Some(40)), 40);
}

#[test]
fn the_share_plan_is_statsmodels_and_krejcie_morgans_table() {
    // samplesize_confint_proportion(0.5, 0.05) and (0.7, 0.05, alpha=0.1)
    close(share_n0(0.5, 0.05, 0.95), 384.14588206941266);
    close(share_n0(0.7, 0.05, 0.90), 227.26565014401487);
    assert_eq!(n_for_share(0.5, 0.05, 0.95, None), 385);
    assert_eq!(n_for_share(0.5, 0.05, 0.95, Some(100)), 80);
    assert_eq!(n_for_share(0.5, 0.05, 0.95, Some(1000)), 278);
    assert_eq!(n_for_share(0.5, 0.05, 0.95, Some(10000)), 370);
    assert_eq!(n_for_share(0.5, 0.05, 0.95, Some(10)), 10);
    // proportion_confint(35, 50, method='normal'): half of its width
    close(
        share_margin(0.7, 50.0, 0.95, None).unwrap(),
        0.1270201836202236,
    );
}

#[test]
fn the_nps_plan_is_the_normal_mean_plan() {
    // (1.959963984540054 · 80 / 10)² = 245.85336452442397; with N = 300: 135.1205546229202
    assert_eq!(n_for_normal_mean(80.0, 10.0, 0.95, None), 246);
    assert_eq!(n_for_normal_mean(80.0, 10.0, 0.95, Some(300)), 136);
}

#[test]
fn a_whole_number_is_not_rounded_past_itself() {
    assert_eq!(whole_above(384.0 + 1e-12), 384);
    assert_eq!(whole_above(384.01), 385);
    assert_eq!(whole_above(0.0), 0);
}

#[test]
fn weights_scale_the_plan_and_the_population_caps_it() {
    assert_eq!(completes(100, 1.25, None), 125);
    assert_eq!(completes(100, 1.25, Some(110)), 110);
    assert_eq!(completes(100, 1.0, Some(500)), 100);
}

fn channel(name: &str, responses: usize, invitations: Option<f64>) -> Channel {
    Channel {
        period: "2026-10".into(),
        channel: name.into(),
        responses,
        n: responses,
        invitations,
        response_rate: None,
        mean: None,
        ci_low: None,
        ci_high: None,
        reference_channel: "web".into(),
        diff_vs_reference: None,
        p_value: None,
        q_value: None,
    }
}

#[test]
fn the_response_rate_counts_only_invited_channels() {
    let c = [
        channel("web", 520, Some(4280.0)),
        channel("phone", 120, Some(200.0)),
        channel("mail", 25, None),
    ];
    let (r, names) = response_rate(&c).unwrap();
    assert_eq!(r, 640.0 / 4480.0);
    assert_eq!(names, "web, phone");
    assert_eq!(response_rate(&c[2..]), None);
    assert_eq!(response_rate(&[channel("web", 5, Some(0.0))]), None);
}

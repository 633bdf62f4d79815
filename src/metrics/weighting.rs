//! Raking: weights that make the respondents' margins (e.g. region and tier) match the
//! customer base's, by iterative proportional fitting (Deming & Stephan 1940), with
//! extreme weights capped.

use std::collections::BTreeMap;

/// Rake unit weights to target shares. `cats[v][i]` is unit i's category on variable v
/// (`None`: unknown, the unit is not adjusted on v); `targets[v]` the target share of each
/// category of v (normalised here). Weights have mean 1 and stay within [1/cap, cap].
/// Errors name a target category no respondent has, which no weight can reach.
pub fn rake(
    cats: &[Vec<Option<String>>],
    targets: &[BTreeMap<String, f64>],
    cap: f64,
) -> Result<Vec<f64>, String> {
    let n = cats.first().map(Vec::len).unwrap_or(0);
    let mut w = vec![1.0; n];
    if n == 0 {
        return Ok(w);
    }
    for (v, t) in targets.iter().enumerate() {
        for (c, share) in t {
            if *share > 0.0 && !cats[v].iter().any(|x| x.as_deref() == Some(c)) {
                return Err(format!("no respondent in `{c}`, which has {:.1}% of the customer base: cannot weight to it; leave the variable out of [weighting] rake", share * 100.0));
            }
        }
    }
    for _ in 0..200 {
        let mut change = 0.0_f64;
        for (v, t) in targets.iter().enumerate() {
            let total_t: f64 = t.values().sum();
            let known: f64 = (0..n).filter(|&i| cats[v][i].is_some()).map(|i| w[i]).sum();
            let mut have: BTreeMap<&str, f64> = BTreeMap::new();
            for i in 0..n {
                if let Some(c) = &cats[v][i] {
                    *have.entry(c.as_str()).or_default() += w[i];
                }
            }
            for i in 0..n {
                let Some(c) = &cats[v][i] else { continue };
                let want = t.get(c).copied().unwrap_or(0.0) / total_t * known;
                let f = if have[c.as_str()] > 0.0 {
                    want / have[c.as_str()]
                } else {
                    1.0
                };
                let new = w[i] * f;
                change = change.max((new - w[i]).abs());
                w[i] = new;
            }
        }
        trim(&mut w, cap);
        if change < 1e-12 {
            break;
        }
    }
    Ok(w)
}

/// Normalise to mean 1 and clamp to [1/cap, cap], repeated until both hold (clamping moves
/// the mean, normalising moves the extremes; a few rounds settle it). Only relative
/// weights matter for means, shares and n_eff.
fn trim(w: &mut [f64], cap: f64) {
    for _ in 0..100 {
        let mean = w.iter().sum::<f64>() / w.len() as f64;
        w.iter_mut().for_each(|x| *x /= mean);
        if w.iter()
            .all(|x| *x <= cap * (1.0 + 1e-9) && *x >= (1.0 - 1e-9) / cap)
        {
            return;
        }
        w.iter_mut().for_each(|x| *x = x.clamp(1.0 / cap, cap));
    }
}

// Used by the tests only: the plain form the reference values (SciPy, lifelines) are
// stated for, which the tests check the pipeline's own form against.
#[cfg(test)]
/// Kish's effective sample size (Σw)²/Σw².
pub fn kish_n_eff(w: &[f64]) -> f64 {
    let (s, s2) = w.iter().fold((0.0, 0.0), |(a, b), x| (a + x, b + x * x));
    if s2 == 0.0 {
        0.0
    } else {
        s * s / s2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(spec: &[(&str, &str, usize)]) -> Vec<Vec<Option<String>>> {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y, k) in spec {
            for _ in 0..*k {
                a.push(Some(x.to_string()));
                b.push(Some(y.to_string()));
            }
        }
        vec![a, b]
    }

    #[test]
    fn rakes_a_two_by_two_table_to_the_analytic_solution() {
        // Sample cells (A1,B1)=30, (A1,B2)=20, (A2,B1)=10, (A2,B2)=40; targets A 50/50,
        // B 60/40. Raking keeps the sample's odds ratio (30·40)/(20·10) = 6 (Deming & Stephan
        // 1940), so the raked cells a, b, c, d solve a + b = 50, a + c = 60, ad/bc = 6:
        // a² − 130a + 3600 = 0 → a = 40, b = 10, c = 20, d = 30. Weights per unit:
        // 40/30, 10/20, 20/10, 30/40.
        let cats = units(&[
            ("A1", "B1", 30),
            ("A1", "B2", 20),
            ("A2", "B1", 10),
            ("A2", "B2", 40),
        ]);
        let t = |a: &str, x: f64, b: &str, y: f64| {
            [(a.to_string(), x), (b.to_string(), y)]
                .into_iter()
                .collect()
        };
        let w = rake(
            &cats,
            &[t("A1", 0.5, "A2", 0.5), t("B1", 0.6, "B2", 0.4)],
            10.0,
        )
        .unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            close(w[0], 4.0 / 3.0) && close(w[30], 0.5) && close(w[50], 2.0) && close(w[60], 0.75),
            "{:?}",
            &w[..1]
        );
        // Kish n_eff = 100² / (30·(4/3)² + 20·0.5² + 10·2² + 40·0.75²) = 10000/120.8333…
        assert!(close(
            kish_n_eff(&w),
            10000.0 / (30.0 * 16.0 / 9.0 + 5.0 + 40.0 + 22.5)
        ));
    }

    #[test]
    fn caps_weights_and_names_unreachable_targets() {
        let cats = units(&[("A1", "B1", 1), ("A2", "B1", 99)]);
        let t = [("A1".to_string(), 0.5), ("A2".to_string(), 0.5)]
            .into_iter()
            .collect();
        let b = [("B1".to_string(), 1.0)].into_iter().collect();
        let w = rake(&cats, &[t, b], 5.0).unwrap();
        assert!(w.iter().all(|x| *x <= 5.0 * 1.0001), "{w:?}");
        let missing = [("A1".to_string(), 0.5), ("A3".to_string(), 0.5)]
            .into_iter()
            .collect();
        assert!(rake(&cats, &[missing], 5.0).unwrap_err().contains("`A3`"));
    }
}

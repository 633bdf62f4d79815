//! The drivers mart: Johnson's relative weights of the rated dimensions against the overall
//! item, with each dimension's performance and its importance–performance quadrant.

use super::*;

/// Months pooled for the drivers model: the period and the two before it (a quarter), so
/// that the model has enough complete answers to rank attributes stably.
pub const DRIVER_MONTHS: usize = 3;

/// The drivers mart: Johnson's relative weights of the dimensions on overall satisfaction
/// (complete answers of the trailing quarter), their performance, and the
/// importance–performance quadrant.
pub(super) fn drivers(
    inp: &Inputs,
    m: &[DriverCase],
    notes: &mut Vec<String>,
) -> Result<Vec<mart::Driver>, MetricsError> {
    let cfg = inp.cfg;
    let y: Vec<f64> = m.iter().map(|c| c.overall.unwrap_or(f64::NAN)).collect();
    let xs: Vec<Vec<f64>> = (0..cfg.dimensions.len())
        .map(|d| m.iter().map(|c| c.dims[d]).collect())
        .collect();
    let k = xs.len();
    let n = y.len();
    if k < 2 {
        // Importance is a share of the variance the attributes explain together: with one
        // attribute it is 100% by definition, with none there is nothing to rank.
        notes.push(format!("drivers {}: not estimated: the key-driver model ranks rated dimensions against the overall item and needs at least two; the questionnaire has {k} (declare [[questionnaire.dimensions]] and give the rating items a dimension)", inp.period));
    }
    let pear = |a: &[f64], b: &[f64]| stats::pearson(a, b).unwrap_or(f64::NAN);
    let rxx: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| if i == j { 1.0 } else { pear(&xs[i], &xs[j]) })
                .collect()
        })
        .collect();
    let rxy: Vec<f64> = xs.iter().map(|x| pear(x, &y)).collect();
    let fit = if k < 2 {
        Err(String::new())
    } else if n < cfg.min_n.max(k + 2) {
        Err(format!(
            "only {n} complete responses for {k} attributes; the drivers model needs at least {}",
            cfg.min_n.max(k + 2)
        ))
    } else {
        stats::relative_weights(&rxx, &rxy)
    };
    let (weights, r2) = match fit {
        Ok(v) => (Some(v.0), Some(v.1)),
        Err(msg) => {
            if !msg.is_empty() {
                notes.push(format!("drivers {}: not estimated: {msg}", inp.period));
            }
            (None, None)
        }
    };
    let perf: Vec<f64> = xs
        .iter()
        .map(|x| {
            if n == 0 {
                f64::NAN
            } else {
                x.iter().sum::<f64>() / n as f64
            }
        })
        .collect();
    let imp: Vec<Option<f64>> = (0..k)
        .map(|i| weights.as_ref().zip(r2).map(|(w, r2)| 100.0 * w[i] / r2))
        .collect();
    let mean_imp = 100.0 / k.max(1) as f64;
    let mean_perf = perf.iter().sum::<f64>() / k.max(1) as f64;
    let quadrant = |i: usize| {
        imp[i].map(|w| match (w >= mean_imp, perf[i] >= mean_perf) {
            (true, false) => "fix_first",
            (true, true) => "keep_up",
            (false, false) => "low_priority",
            (false, true) => "possible_overkill",
        })
    };
    Ok((0..k)
        .map(|i| mart::Driver {
            period: inp.period.to_string(),
            attribute: cfg.dimensions[i].id.clone(),
            importance: imp[i],
            raw_weight: weights.as_ref().map(|w| w[i]),
            r: Some(rxy[i]).filter(|v| v.is_finite()),
            performance: Some(perf[i]).filter(|v| v.is_finite()),
            quadrant: quadrant(i).map(String::from),
            model_n: n,
            model_r2: r2,
        })
        .collect())
}

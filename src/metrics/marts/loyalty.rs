//! The loyalty mart: retention and churn per segment from the customer file, beside the
//! segment's loyalty index.

use super::*;

/// Per segment (region, store, tier, custom segments and everyone) of the customer file's
/// newest snapshot at or before the period: customers, churned, and customers per tier.
type CustomerFigures = BTreeMap<(String, String), (usize, usize, BTreeMap<String, usize>)>;

fn customer_figures(inp: &Inputs) -> Result<CustomerFigures, MetricsError> {
    let cfg = inp.cfg;
    let e = err("loyalty");
    // Customer-file figures per segment (region, store, tier and everyone).
    let mut cust = CustomerFigures::new();
    if let Some(c) = inp.customers {
        let per = frame::strs(c, "period").map_err(&e)?;
        let snap = crate::metrics::complaints::snapshot_at(&per, inp.period);
        let (region, store, tier) = (
            frame::strs(c, "region").map_err(&e)?,
            frame::strs(c, "store").map_err(&e)?,
            frame::strs(c, "tier").map_err(&e)?,
        );
        let churned = frame::bools(c, "churned").map_err(&e)?;
        let churn_date = frame::dates(c, "churn_date").map_err(&e)?;
        let last = frame::dates(c, "last_purchase").map_err(&e)?;
        // The customer file's custom segments too (`[[fields]]`), where it has them.
        let custom: Vec<(String, Vec<Option<String>>)> = cfg
            .custom_segments()
            .filter(|f| frame::has_column(c, &f.id))
            .map(|f| Ok((f.id.clone(), frame::strs(c, &f.id).map_err(&e)?)))
            .collect::<Result<_, MetricsError>>()?;
        for i in 0..c.height() {
            if per[i] != snap {
                continue;
            }
            let t = tier[i].clone().unwrap_or_else(|| "unknown".into());
            let segs = [
                ("all".to_string(), Some("all".to_string())),
                ("region".to_string(), region[i].clone()),
                ("store".to_string(), store[i].clone()),
                ("tier".to_string(), tier[i].clone()),
            ]
            .into_iter()
            .chain(custom.iter().map(|(id, v)| (id.clone(), v[i].clone())));
            for (seg, val) in segs {
                let Some(v) = val else { continue };
                let e = cust.entry((seg, v)).or_default();
                e.0 += 1;
                // The one definition of churn (derived from the last purchase too).
                let (gone, _) = crate::metrics::complaints::churn_status(
                    churned[i],
                    churn_date[i],
                    last[i],
                    cfg.churn_after_days,
                    inp.period,
                );
                e.1 += usize::from(gone);
                *e.2.entry(t.clone()).or_default() += 1;
            }
        }
    }
    Ok(cust)
}

/// The loyalty mart: loyalty index (from the loyalty items) with its interval, and from the
/// customer file: customers, churned, churn and retention rates (Wilson), and the tier mix.
pub(super) fn loyalty(inp: &Inputs, sat: &[SatRow]) -> Result<Vec<mart::Loyalty>, MetricsError> {
    let cfg = inp.cfg;
    let cust = customer_figures(inp)?;
    let tiers: Vec<String> = cfg
        .catalog
        .get("tier")
        .map(|t| t.iter().map(|x| x.id.clone()).collect())
        .unwrap_or_default();
    let loy: Vec<&SatRow> = sat
        .iter()
        .filter(|r| r.measure == LOYALTY && r.weighting == "none")
        .collect();
    let mut keys: Vec<(String, String)> = loy
        .iter()
        .map(|r| (r.segment.clone(), r.value.clone()))
        .collect();
    for k in cust.keys() {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    let seg_rank = |s: &str| segment_rank(cfg, s);
    keys.sort_by(|a, b| (seg_rank(&a.0), &a.1).cmp(&(seg_rank(&b.0), &b.1)));
    let l = |k: &(String, String)| loy.iter().find(|r| r.segment == k.0 && r.value == k.1);
    let c = |k: &(String, String)| cust.get(k);
    let churn =
        |k: &(String, String)| c(k).and_then(|(n, ch, _)| stats::wilson(*ch, *n, cfg.confidence));
    Ok(keys
        .iter()
        .map(|k| {
            let (l, c, w) = (l(k), c(k), churn(k));
            mart::Loyalty {
                period: inp.period.to_string(),
                segment: k.0.clone(),
                segment_value: k.1.clone(),
                n: l.map(|r| r.n),
                loyalty_index: l.map(|r| r.m.mean),
                loyalty_ci_low: l.and_then(|r| r.m.ci).map(|c| c.0),
                loyalty_ci_high: l.and_then(|r| r.m.ci).map(|c| c.1),
                customers: c.map(|x| x.0),
                churned: c.map(|x| x.1),
                churn_rate: w.map(|w| w.0),
                churn_ci_low: w.map(|w| w.1),
                churn_ci_high: w.map(|w| w.2),
                retention_rate: w.map(|w| 1.0 - w.0),
                suppressed: l.map(|r| r.suppressed),
                tier_share: tiers
                    .iter()
                    .map(|t| {
                        let share =
                            c.map(|(n, _, mix)| *mix.get(t).unwrap_or(&0) as f64 / *n as f64);
                        (t.clone(), share)
                    })
                    .collect(),
            }
        })
        .collect())
}

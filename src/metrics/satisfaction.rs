//! The `satisfaction` and `nps` marts: per segment cell, each item's and each dimension's
//! mean with its Student-t interval, top-2-box share with its Wilson interval, 0–100
//! index, and the NPS with its interval. Cells with fewer answers than `min_n` keep their
//! figures but are flagged `suppressed`, so a report can say "n too small" rather than
//! print noise or silently drop the row.

use std::collections::BTreeMap;

use crate::config::{Config, Role};
use crate::frame::{self, DataFrame, Values};
use crate::period::Period;

use super::stats::{index_0_100, mean_ci, nps, top2_count, wilson};
use super::{Answers, MetricsError};

/// One row of the satisfaction mart.
#[derive(Debug, Clone, PartialEq)]
pub struct SatRow {
    pub segment: String,
    pub segment_value: String,
    pub measure: String,
    pub measure_kind: &'static str,
    pub n: usize,
    pub mean: f64,
    pub sd: Option<f64>,
    pub ci: Option<(f64, f64)>,
    /// Top-2-box share and its Wilson interval (items only: a dimension score is a mean).
    pub top2: Option<(f64, f64, f64)>,
    pub index: f64,
    pub suppressed: bool,
}

/// Satisfaction rows for one period: every cell × (scored items in questionnaire order,
/// then dimensions in config order).
pub fn satisfaction_rows(a: &Answers, cfg: &Config) -> Vec<SatRow> {
    let scored: Vec<_> = cfg
        .items
        .iter()
        .filter(|i| !matches!(i.role, Role::Comment | Role::Nps))
        .collect();
    let mut out = Vec::new();
    for (segment, value, idx) in a.cells(cfg) {
        let mut by_item: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        // Per response and dimension: (sum, count) of its answered rating items.
        let mut by_resp_dim: BTreeMap<(&str, &str), (f64, usize)> = BTreeMap::new();
        for &i in &idx {
            let item_id = a.item_id[i].as_str();
            by_item.entry(item_id).or_default().push(a.score[i]);
            if let Some(item) = cfg.item(item_id) {
                if let (Role::Rating, Some(d)) = (item.role, item.dimension.as_deref()) {
                    let scaled = index_0_100(a.score[i], item.min, item.max);
                    let e = by_resp_dim
                        .entry((a.response_id[i].as_str(), d))
                        .or_insert((0.0, 0));
                    e.0 += scaled;
                    e.1 += 1;
                }
            }
        }
        for item in &scored {
            let Some(xs) = by_item.get(item.id.as_str()) else {
                continue;
            };
            let Some(m) = mean_ci(xs, cfg.confidence) else {
                continue;
            };
            out.push(SatRow {
                segment: segment.clone(),
                segment_value: value.clone(),
                measure: item.id.clone(),
                measure_kind: "item",
                n: m.n,
                mean: m.mean,
                sd: m.sd,
                ci: m.ci,
                top2: wilson(top2_count(xs, item.max), m.n, cfg.confidence),
                index: index_0_100(m.mean, item.min, item.max),
                suppressed: m.n < cfg.min_n,
            });
        }
        // A dimension's score per response is the mean 0–100 index of its answered items,
        // so items on different scales combine on one footing.
        for dim in &cfg.dimensions {
            let xs: Vec<f64> = by_resp_dim
                .iter()
                .filter(|((_, d), _)| *d == dim.id)
                .map(|(_, (s, c))| s / *c as f64)
                .collect();
            let Some(m) = mean_ci(&xs, cfg.confidence) else {
                continue;
            };
            out.push(SatRow {
                segment: segment.clone(),
                segment_value: value.clone(),
                measure: dim.id.clone(),
                measure_kind: "dimension",
                n: m.n,
                mean: m.mean,
                sd: m.sd,
                ci: m.ci,
                top2: None,
                index: m.mean,
                suppressed: m.n < cfg.min_n,
            });
        }
    }
    out
}

/// One row of the NPS mart.
#[derive(Debug, Clone, PartialEq)]
pub struct NpsRow {
    pub segment: String,
    pub segment_value: String,
    pub nps: super::stats::Nps,
    pub suppressed: bool,
}

pub fn nps_rows(a: &Answers, cfg: &Config) -> Vec<NpsRow> {
    let Some(item) = cfg.items_with_role(Role::Nps).next() else {
        return Vec::new();
    };
    a.cells(cfg)
        .into_iter()
        .filter_map(|(segment, segment_value, idx)| {
            let xs: Vec<f64> = idx
                .iter()
                .filter(|&&i| a.item_id[i] == item.id)
                .map(|&i| a.score[i])
                .collect();
            let r = nps(&xs, cfg.confidence)?;
            Some(NpsRow {
                segment,
                segment_value,
                suppressed: r.n < cfg.min_n,
                nps: r,
            })
        })
        .collect()
}

fn build(mart: &'static str, cols: Vec<(&str, Values)>) -> Result<DataFrame, MetricsError> {
    frame::build_plain(cols).map_err(|e| MetricsError::Build {
        mart,
        message: e.to_string(),
    })
}

fn strs<T>(rows: &[T], f: impl Fn(&T) -> String) -> Values {
    Values::Str(rows.iter().map(|r| Some(f(r))).collect())
}

fn nums<T>(rows: &[T], f: impl Fn(&T) -> Option<f64>) -> Values {
    Values::F64(rows.iter().map(f).collect())
}

fn ints<T>(rows: &[T], f: impl Fn(&T) -> usize) -> Values {
    Values::I64(rows.iter().map(|r| Some(f(r) as i64)).collect())
}

/// The satisfaction mart of `period` from the `responses` table.
pub fn satisfaction_mart(
    responses: &DataFrame,
    cfg: &Config,
    period: Period,
) -> Result<DataFrame, MetricsError> {
    let a = Answers::from_responses(responses, cfg, period)?;
    let rows = satisfaction_rows(&a, cfg);
    let p = period.to_string();
    build(
        "satisfaction",
        vec![
            ("period", strs(&rows, |_| p.clone())),
            ("segment", strs(&rows, |r| r.segment.clone())),
            ("segment_value", strs(&rows, |r| r.segment_value.clone())),
            ("measure", strs(&rows, |r| r.measure.clone())),
            ("measure_kind", strs(&rows, |r| r.measure_kind.to_string())),
            ("n", ints(&rows, |r| r.n)),
            ("mean", nums(&rows, |r| Some(r.mean))),
            ("sd", nums(&rows, |r| r.sd)),
            ("ci_low", nums(&rows, |r| r.ci.map(|c| c.0))),
            ("ci_high", nums(&rows, |r| r.ci.map(|c| c.1))),
            ("top2box", nums(&rows, |r| r.top2.map(|t| t.0))),
            ("top2box_ci_low", nums(&rows, |r| r.top2.map(|t| t.1))),
            ("top2box_ci_high", nums(&rows, |r| r.top2.map(|t| t.2))),
            ("index", nums(&rows, |r| Some(r.index))),
            (
                "suppressed",
                Values::Bool(rows.iter().map(|r| Some(r.suppressed)).collect()),
            ),
        ],
    )
}

/// The NPS mart of `period` from the `responses` table.
pub fn nps_mart(
    responses: &DataFrame,
    cfg: &Config,
    period: Period,
) -> Result<DataFrame, MetricsError> {
    let a = Answers::from_responses(responses, cfg, period)?;
    let rows = nps_rows(&a, cfg);
    let p = period.to_string();
    build(
        "nps",
        vec![
            ("period", strs(&rows, |_| p.clone())),
            ("segment", strs(&rows, |r| r.segment.clone())),
            ("segment_value", strs(&rows, |r| r.segment_value.clone())),
            ("n", ints(&rows, |r| r.nps.n)),
            ("promoters", ints(&rows, |r| r.nps.promoters)),
            ("passives", ints(&rows, |r| r.nps.passives)),
            ("detractors", ints(&rows, |r| r.nps.detractors)),
            ("nps", nums(&rows, |r| Some(r.nps.nps))),
            ("se", nums(&rows, |r| Some(r.nps.se))),
            ("ci_low", nums(&rows, |r| Some(r.nps.ci.0))),
            ("ci_high", nums(&rows, |r| Some(r.nps.ci.1))),
            (
                "suppressed",
                Values::Bool(rows.iter().map(|r| Some(r.suppressed)).collect()),
            ),
        ],
    )
}

//! Metrics: from canonical tables (polars `DataFrame`s read from the lake) to the marts of a
//! period. [`cells`] holds the columnar polars queries (observations and their sufficient
//! statistics), [`marts`] turns those into the published tables, [`stats`] holds the small
//! statistical functions, [`weighting`] the raking. No file access here; `cmd::analyze`
//! reads the lake and writes what these return.

pub mod cells;
pub mod churn;
pub mod complaints;
pub mod cox;
pub mod handling;
pub mod hazard;
pub mod marts;
pub mod plan;
pub mod scan;
pub mod stats;
pub mod weighting;

use std::collections::BTreeMap;

use thiserror::Error;

use crate::config::Config;
use crate::frame::{self, DataFrame, Values};
use crate::period::Period;
use crate::schema::{ColType, SourceKind};

#[derive(Debug, Error)]
pub enum MetricsError {
    #[error("table {table} lacks column `{column}` ({source})")]
    Column {
        table: &'static str,
        column: String,
        #[source]
        source: crate::frame::FrameError,
    },
    #[error("building mart {mart}: {message}")]
    Build { mart: &'static str, message: String },
    /// A frame operation failed while building `mart` (a bug, or a lake that changed shape).
    #[error("building mart {mart}: {source}")]
    Frame {
        mart: &'static str,
        #[source]
        source: crate::frame::FrameError,
    },
    /// The lake could not give a month of answers (the message names the file).
    #[error("{0}")]
    Load(String),
    #[error("weighting {period}: {message}")]
    Weighting { period: Period, message: String },
}

/// A polars error while building `mart`, as a [`MetricsError`] (for `map_err`).
fn err(mart: &'static str) -> impl Fn(crate::frame::FrameError) -> MetricsError {
    move |source| MetricsError::Frame { mart, source }
}

impl MetricsError {
    /// What to do about it (printed after the message, its own key in JSON logs).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            MetricsError::Column { .. } => Some("re-run `csat ingest` to rebuild the lake"),
            _ => None,
        }
    }
}

/// Raking weights for our own survey responses of `periods`: each response's weight makes
/// the respondents' margins on the configured variables (e.g. region, tier) match the
/// active customers' in the customer file. Returns (response_id, period, source, rake_w).
pub fn rake_weights(
    responses: &DataFrame,
    customers: &DataFrame,
    cfg: &Config,
    periods: &[Period],
) -> Result<DataFrame, MetricsError> {
    let w = cfg
        .weighting
        .as_ref()
        .expect("called only when weighting is configured");
    let col = |df: &DataFrame, table: &'static str, c: &str| {
        frame::strs(df, c).map_err(|source| MetricsError::Column {
            table,
            column: c.to_string(),
            source,
        })
    };
    // Targets: shares of active customers in the newest snapshot.
    let per = col(customers, "customers", "period")?;
    let snap = per.iter().flatten().max().cloned();
    let churned = frame::bools(customers, "churned").map_err(|source| MetricsError::Column {
        table: "customers",
        column: "churned".into(),
        source,
    })?;
    let mut targets: Vec<BTreeMap<String, f64>> = Vec::new();
    for v in &w.rake {
        let vals = col(customers, "customers", v)?;
        let mut t = BTreeMap::new();
        for i in 0..customers.height() {
            if per[i] == snap && churned[i] != Some(true) {
                if let Some(x) = &vals[i] {
                    *t.entry(x.clone()).or_insert(0.0) += 1.0;
                }
            }
        }
        targets.push(t);
    }
    // Units: one per response of our own surveys.
    let (rp, rs, rid, brand) = (
        col(responses, "responses", "period")?,
        col(responses, "responses", "source")?,
        col(responses, "responses", "response_id")?,
        col(responses, "responses", "brand")?,
    );
    let vars: Vec<Vec<Option<String>>> = w
        .rake
        .iter()
        .map(|v| col(responses, "responses", v))
        .collect::<Result<_, _>>()?;
    let competitor: Vec<&str> = cfg
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Competitor)
        .map(|s| s.name.as_str())
        .collect();
    let (mut ids, mut ps, mut ss, mut ws) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in periods {
        let ps_str = p.to_string();
        let mut seen = std::collections::BTreeMap::new();
        for i in 0..responses.height() {
            if rp[i].as_deref() != Some(ps_str.as_str())
                || brand[i].as_deref() != Some("ours")
                || rs[i].as_deref().is_some_and(|s| competitor.contains(&s))
            {
                continue;
            }
            seen.entry((
                rs[i].clone().unwrap_or_default(),
                rid[i].clone().unwrap_or_default(),
            ))
            .or_insert(i);
        }
        let units: Vec<usize> = seen.values().copied().collect();
        let cats: Vec<Vec<Option<String>>> = vars
            .iter()
            .map(|v| units.iter().map(|&i| v[i].clone()).collect())
            .collect();
        let weights =
            weighting::rake(&cats, &targets, w.cap).map_err(|message| MetricsError::Weighting {
                period: *p,
                message,
            })?;
        for ((src, id), wt) in seen.keys().zip(weights) {
            ids.push(Some(id.clone()));
            ps.push(Some(ps_str.clone()));
            ss.push(Some(src.clone()));
            ws.push(Some(wt));
        }
    }
    frame::build(vec![
        ("response_id", ColType::Str, Values::Str(ids)),
        ("period", ColType::Str, Values::Str(ps)),
        ("source", ColType::Str, Values::Str(ss)),
        ("rake_w", ColType::F64, Values::F64(ws)),
    ])
    .map_err(err("weights"))
}

//! Metrics: pure functions from canonical tables (polars `DataFrame`s read from the lake)
//! to metric tables ("marts"), one row per period × segment × segment value × measure.
//! No file access here; `cmd::analyze` reads the lake and writes what these return.

pub mod satisfaction;
pub mod stats;

use std::collections::BTreeMap;

use thiserror::Error;

use crate::config::Config;
use crate::frame::{self, DataFrame};
use crate::period::Period;
use crate::schema::SourceKind;

pub use satisfaction::{nps_mart, satisfaction_mart};

#[derive(Debug, Error)]
pub enum MetricsError {
    #[error("table {table} lacks column `{column}` ({message}); re-run `csat ingest` to rebuild the lake")]
    Column {
        table: &'static str,
        column: String,
        message: String,
    },
    #[error("building mart {mart}: {message}")]
    Build { mart: &'static str, message: String },
}

/// The answers of our own brand in one period, as plain columns, with each report
/// segment's value per answer.
#[derive(Debug, Clone)]
pub struct Answers {
    pub response_id: Vec<String>,
    pub item_id: Vec<String>,
    pub score: Vec<f64>,
    /// Segment name → value per answer (`None` where the answer's value is unknown).
    pub segments: BTreeMap<String, Vec<Option<String>>>,
}

impl Answers {
    /// Select `period`'s answers about our brand from the `responses` table.
    pub fn from_responses(
        df: &DataFrame,
        cfg: &Config,
        period: Period,
    ) -> Result<Answers, MetricsError> {
        let col = |name: &str| {
            frame::strs(df, name).map_err(|e| MetricsError::Column {
                table: "responses",
                column: name.to_string(),
                message: e.to_string(),
            })
        };
        let periods = col("period")?;
        let brands = col("brand")?;
        let ids = col("response_id")?;
        let items = col("item_id")?;
        let scores = frame::f64s(df, "score").map_err(|e| MetricsError::Column {
            table: "responses",
            column: "score".into(),
            message: e.to_string(),
        })?;
        let seg_cols: Vec<(String, Vec<Option<String>>)> = cfg
            .report_segments
            .iter()
            .map(|s| Ok((s.clone(), col(s)?)))
            .collect::<Result<_, MetricsError>>()?;
        let sources = col("source")?;
        // Competitor surveys rate our brand too, but on another sample and footing: they
        // feed the benchmark, not our own satisfaction figures.
        let benchmark_sources: Vec<&str> = cfg
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Competitor)
            .map(|s| s.name.as_str())
            .collect();
        let p = period.to_string();
        let keep: Vec<usize> = (0..df.height())
            .filter(|&i| {
                periods[i].as_deref() == Some(&p)
                    && brands[i].as_deref() == Some("ours")
                    && scores[i].is_some()
                    && !sources[i]
                        .as_deref()
                        .is_some_and(|s| benchmark_sources.contains(&s))
            })
            .collect();
        Ok(Answers {
            response_id: keep
                .iter()
                .map(|&i| ids[i].clone().unwrap_or_default())
                .collect(),
            item_id: keep
                .iter()
                .map(|&i| items[i].clone().unwrap_or_default())
                .collect(),
            score: keep.iter().map(|&i| scores[i].unwrap()).collect(),
            segments: seg_cols
                .into_iter()
                .map(|(s, v)| (s, keep.iter().map(|&i| v[i].clone()).collect()))
                .collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.score.len()
    }

    pub fn is_empty(&self) -> bool {
        self.score.is_empty()
    }

    /// The cells to report: ("all", "all") first, then each configured segment's known
    /// values in sorted order, each with the indices of its answers.
    pub fn cells(&self, cfg: &Config) -> Vec<(String, String, Vec<usize>)> {
        let mut out = vec![(
            "all".to_string(),
            "all".to_string(),
            (0..self.len()).collect(),
        )];
        for seg in &cfg.report_segments {
            let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, v) in self.segments[seg].iter().enumerate() {
                if let Some(v) = v {
                    groups.entry(v).or_default().push(i);
                }
            }
            out.extend(
                groups
                    .into_iter()
                    .map(|(v, idx)| (seg.clone(), v.to_string(), idx)),
            );
        }
        out
    }
}

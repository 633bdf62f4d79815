//! One pass over the survey answers, a month at a time.
//!
//! Every survey mart is built from small tables of sufficient statistics (per month ×
//! segment × value × measure), and each month's statistics depend only on that month's
//! answers. So the analysis asks for the answers one month at a time (through a
//! [`MonthLoader`] that `cmd::analyze` backs with the lake), reduces them at once, and
//! keeps only the reductions: memory is bounded by the largest months being reduced (two
//! at a time, one per core), not by the thirteen months the trend covers, and time is
//! linear in the number of answers.
//!
//! The reductions are concatenated oldest month first, whichever worker finished first,
//! and each is sorted by period first, so the tables are exactly those one pass over all
//! months would give (same rows, same order, same floating-point sums: each month's sums
//! are added in the same order).

use crate::config::Config;
use crate::frame::{self, DataFrame, Values};
use crate::period::Period;
use crate::schema::Table;

use super::cells;
use super::{err, MetricsError};

/// Gives the survey answers of one month (the lake's `responses` partition, with a
/// `period` column), or `None` when that month has none.
pub type MonthLoader<'a> = dyn Fn(Period) -> Result<Option<DataFrame>, MetricsError> + Sync + 'a;

/// The columns of `responses` the survey marts read (with the custom segments the report
/// cuts by); the others (customer ids, times, interviewer, lineage) are never loaded.
pub fn needed_columns(cfg: &Config) -> Vec<String> {
    const UNUSED: [&str; 4] = ["customer_id", "survey_time", "interviewer", "file_id"];
    Table::Responses
        .columns()
        .iter()
        .map(|(c, _)| c.to_string())
        .filter(|c| !UNUSED.contains(&c.as_str()))
        .chain(
            cfg.custom_segments()
                .filter(|f| cfg.report_segments.contains(&f.id))
                .map(|f| f.id.clone()),
        )
        .collect()
}

/// What a scan needs.
pub struct Request<'a> {
    pub cfg: &'a Config,
    pub period: Period,
    /// The months to read, newest first (the period and the 12 before it).
    pub months: &'a [Period],
    /// How many of the newest months feed the drivers model.
    pub driver_months: usize,
    pub load: &'a MonthLoader<'a>,
    /// The customer file, for raking weights when `[weighting]` is configured.
    pub customers: Option<&'a DataFrame>,
}

/// The reductions of all months, each as the corresponding function of [`cells`] gives it.
pub struct Scanned {
    /// [`cells::sums`] of the observations (unweighted by raking), all months.
    pub sums: DataFrame,
    /// [`cells::nps_sums`], all months.
    pub nps: DataFrame,
    /// Raked [`cells::sums`] and [`cells::nps_sums`] of the period and the month before it.
    pub raked: Option<(DataFrame, DataFrame)>,
    /// [`cells::channel_sums`], all months.
    pub channels: DataFrame,
    /// [`cells::driver_matrix`] of the newest `driver_months` months.
    pub drivers: DataFrame,
    /// [`cells::brand_sums`] of the period (competitor surveys).
    pub brands: DataFrame,
    /// Answers read, over all months (for the log).
    pub rows: usize,
}

/// Accumulators, one per reduction (`None` until a month contributes).
#[derive(Default)]
struct Parts {
    sums: Option<DataFrame>,
    nps: Option<DataFrame>,
    raked_sums: Option<DataFrame>,
    raked_nps: Option<DataFrame>,
    channels: Option<DataFrame>,
    drivers: Option<DataFrame>,
    brands: Option<DataFrame>,
}

/// The reductions of one month.
struct MonthParts {
    rows: usize,
    sums: DataFrame,
    nps: DataFrame,
    channels: DataFrame,
    drivers: Option<DataFrame>,
    brands: Option<DataFrame>,
    raked: Option<(DataFrame, DataFrame)>,
}

fn append(
    acc: &mut Option<DataFrame>,
    df: DataFrame,
    mart: &'static str,
) -> Result<(), MetricsError> {
    frame::append(acc, df).map_err(err(mart))
}

/// Read one month through the loader and reduce it (`None` when it has no answers).
fn reduce_month(req: &Request, m: Period) -> Result<Option<MonthParts>, MetricsError> {
    let cfg = req.cfg;
    let segs = &cfg.report_segments;
    let Some(r) = (req.load)(m)? else {
        return Ok(None);
    };
    // The month decoded once (integer codes, rows in a fixed order), reused by every
    // reduction; the frame itself is dropped on return.
    let month = cells::Month::new(&r, cfg, m).map_err(err("satisfaction"))?;
    let newest = |k: usize| req.months[..req.months.len().min(k)].contains(&m);
    let rows = r.height();
    // Raking needs the frame; otherwise it goes now (two months are reduced at once).
    let raked = match cfg.weighting.is_some() && newest(2) {
        true => Some(raked(req, &r, &month, m)?),
        false => None,
    };
    drop(r);
    let plain = cells::answers(&month, None).map_err(err("satisfaction"))?;
    Ok(Some(MonthParts {
        rows,
        sums: cells::sums(&plain, segs).map_err(err("satisfaction"))?,
        nps: cells::nps_sums(&plain, segs).map_err(err("nps"))?,
        channels: cells::channel_sums(&plain, cfg).map_err(err("channels"))?,
        drivers: match newest(req.driver_months) {
            true => Some(cells::driver_matrix(&plain, cfg).map_err(err("drivers"))?),
            false => None,
        },
        brands: match m == req.period {
            true => Some(cells::brand_sums(&month).map_err(err("benchmark"))?),
            false => None,
        },
        raked,
    }))
}

/// Reduce every month, [`crate::parallel::WORKERS`] at a time; the results in the order of
/// `months`.
fn reduce_all(req: &Request, months: &[Period]) -> Result<Vec<Option<MonthParts>>, MetricsError> {
    crate::parallel::map(months, |_| 0, |m| reduce_month(req, *m))
        .into_iter()
        .collect()
}

/// Read every month of `req.months` through the loader and reduce it. Fails when no month
/// has answers (the caller then builds the marts that need no survey).
pub fn scan(req: &Request) -> Result<Scanned, MetricsError> {
    let cfg = req.cfg;
    let mut parts = Parts::default();
    let mut rows = 0;
    let oldest_first: Vec<Period> = req.months.iter().rev().copied().collect();
    // Merged oldest first, whichever worker finished first: the same tables as one pass.
    for p in reduce_all(req, &oldest_first)?.into_iter().flatten() {
        rows += p.rows;
        append(&mut parts.sums, p.sums, "satisfaction")?;
        append(&mut parts.nps, p.nps, "nps")?;
        append(&mut parts.channels, p.channels, "channels")?;
        if let Some(d) = p.drivers {
            append(&mut parts.drivers, d, "drivers")?;
        }
        if let Some(b) = p.brands {
            append(&mut parts.brands, b, "benchmark")?;
        }
        if let Some((s, n)) = p.raked {
            append(&mut parts.raked_sums, s, "satisfaction")?;
            append(&mut parts.raked_nps, n, "nps")?;
        }
    }
    let (Some(sums), Some(nps), Some(channels)) = (parts.sums, parts.nps, parts.channels) else {
        return Err(MetricsError::Build {
            mart: "satisfaction",
            message: format!(
                "no survey answers in the 13 months to {}; run `csat ingest`",
                req.period
            ),
        });
    };
    Ok(Scanned {
        sums,
        nps,
        raked: parts.raked_sums.zip(parts.raked_nps),
        channels,
        drivers: match parts.drivers {
            Some(d) => d,
            None => empty_driver_matrix(cfg)?,
        },
        brands: match parts.brands {
            Some(b) => b,
            None => empty_brand_sums()?,
        },
        rows,
    })
}

/// Raked sums and NPS sums of one month: raking weights to the customer file's margins,
/// then the same reductions with those weights.
fn raked(
    req: &Request,
    r: &DataFrame,
    month: &cells::Month,
    m: Period,
) -> Result<(DataFrame, DataFrame), MetricsError> {
    let cfg = req.cfg;
    let Some(customers) = req.customers else {
        return Err(MetricsError::Weighting {
            period: m,
            message: "weighting is configured but the lake has no customer file to weight to; add a customers source or remove [weighting]".into(),
        });
    };
    let w = super::rake_weights(r, customers, cfg, &[m])?;
    let answers = cells::answers(month, Some(&w)).map_err(err("satisfaction"))?;
    let sums = cells::sums(&answers, &cfg.report_segments).map_err(err("satisfaction"))?;
    let nps = cells::nps_sums(&answers, &cfg.report_segments).map_err(err("nps"))?;
    Ok((sums, nps))
}

/// The drivers model's input when none of its months has answers: no rows, same columns.
fn empty_driver_matrix(cfg: &Config) -> Result<DataFrame, MetricsError> {
    let mut cols = vec![("__overall", Values::F64(Vec::new()))];
    for d in &cfg.dimensions {
        cols.push((d.id.as_str(), Values::F64(Vec::new())));
    }
    frame::build_plain(cols).map_err(err("drivers"))
}

/// The competitor sums when the period has no answers at all: no rows, same columns.
fn empty_brand_sums() -> Result<DataFrame, MetricsError> {
    frame::build_plain(vec![
        ("brand", Values::Str(Vec::new())),
        ("item_id", Values::Str(Vec::new())),
        ("n", Values::I64(Vec::new())),
        ("sx", Values::F64(Vec::new())),
        ("sx2", Values::F64(Vec::new())),
    ])
    .map_err(err("benchmark"))
}

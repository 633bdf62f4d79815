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
use crate::frame::DataFrame;
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

/// The reductions of all months, each as the corresponding function of [`cells`] gives it,
/// oldest month first.
pub struct Scanned {
    /// [`cells::sums`] of the observations (unweighted by raking), all months.
    pub sums: Vec<cells::Cell>,
    /// [`cells::nps_sums`], all months.
    pub nps: Vec<cells::NpsCell>,
    /// Raked [`cells::sums`] and [`cells::nps_sums`] of the period and the month before it.
    pub raked: Option<(Vec<cells::Cell>, Vec<cells::NpsCell>)>,
    /// [`cells::channel_sums`], all months.
    pub channels: Vec<cells::ChannelCell>,
    /// [`cells::driver_matrix`] of the newest `driver_months` months.
    pub drivers: Vec<cells::DriverCase>,
    /// [`cells::brand_sums`] of the period (competitor surveys).
    pub brands: Vec<cells::BrandCell>,
    /// Answers read, over all months (for the log).
    pub rows: usize,
}

/// The reductions of one month.
struct MonthParts {
    rows: usize,
    sums: Vec<cells::Cell>,
    nps: Vec<cells::NpsCell>,
    channels: Vec<cells::ChannelCell>,
    drivers: Vec<cells::DriverCase>,
    brands: Vec<cells::BrandCell>,
    raked: Option<(Vec<cells::Cell>, Vec<cells::NpsCell>)>,
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
        sums: cells::sums(&plain, segs),
        nps: cells::nps_sums(&plain, segs),
        channels: cells::channel_sums(&plain, cfg),
        drivers: match newest(req.driver_months) {
            true => cells::driver_matrix(&plain, cfg),
            false => Vec::new(),
        },
        brands: match m == req.period {
            true => cells::brand_sums(&month),
            false => Vec::new(),
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
    let mut out = Scanned {
        sums: Vec::new(),
        nps: Vec::new(),
        raked: None,
        channels: Vec::new(),
        drivers: Vec::new(),
        brands: Vec::new(),
        rows: 0,
    };
    let mut months = 0;
    let oldest_first: Vec<Period> = req.months.iter().rev().copied().collect();
    // Merged oldest first, whichever worker finished first: the same tables as one pass.
    for p in reduce_all(req, &oldest_first)?.into_iter().flatten() {
        months += 1;
        out.rows += p.rows;
        out.sums.extend(p.sums);
        out.nps.extend(p.nps);
        out.channels.extend(p.channels);
        out.drivers.extend(p.drivers);
        out.brands.extend(p.brands);
        if let Some((s, n)) = p.raked {
            let (rs, rn) = out.raked.get_or_insert_with(Default::default);
            rs.extend(s);
            rn.extend(n);
        }
    }
    if months == 0 {
        return Err(MetricsError::Build {
            mart: "satisfaction",
            message: format!(
                "no survey answers in the 13 months to {}; run `csat ingest`",
                req.period
            ),
        });
    }
    Ok(out)
}

/// Raked sums and NPS sums of one month: raking weights to the customer file's margins,
/// then the same reductions with those weights.
fn raked(
    req: &Request,
    r: &DataFrame,
    month: &cells::Month,
    m: Period,
) -> Result<(Vec<cells::Cell>, Vec<cells::NpsCell>), MetricsError> {
    let cfg = req.cfg;
    let Some(customers) = req.customers else {
        return Err(MetricsError::Weighting {
            period: m,
            message: "weighting is configured but the lake has no customer file to weight to; add a customers source or remove [weighting]".into(),
        });
    };
    let w = super::rake_weights(r, customers, cfg, &[m])?;
    let answers = cells::answers(month, Some(&w)).map_err(err("satisfaction"))?;
    let sums = cells::sums(&answers, &cfg.report_segments);
    let nps = cells::nps_sums(&answers, &cfg.report_segments);
    Ok((sums, nps))
}

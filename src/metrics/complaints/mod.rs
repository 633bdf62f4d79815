//! Complaint handling (ISO 10002 §8) and complaint → churn: the `complaints`,
//! `complaint_churn`, `churn_model` and `survival` marts of a period.
//!
//! Rules that make the numbers mean something:
//! - churn comes from the customer file (flag and/or date);
//! - only complaints received before a customer's churn date (or before the end of the
//!   period for retained customers) count as exposure: a complaint after churn is no cause;
//! - "in time" means within the configured commitments (`[complaints]`, by default a first
//!   response within 24 hours and closing within 3 working days; weekends, public holidays
//!   and make-up days from the shipped calendar; for a year without a calendar only weekends
//!   are skipped, and a note says so), decided by one rule ([`super::handling::Handling`]).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::churn::{self, Table2x2};
use super::handling::{self, Complaint, Handling};
use super::hazard;
use super::stats;
use super::MetricsError;
use crate::calendar::Calendar;
use crate::config::Config;
use crate::frame::{self, DataFrame};
use crate::mart::{self, MartSet};
use crate::period::Period;

use super::err;

mod to_churn;
use to_churn::*;

#[derive(Debug, Clone)]
struct Customer {
    id: String,
    tier: Option<String>,
    store: Option<String>,
    region: Option<String>,
    first: Option<NaiveDate>,
    churned: bool,
    churn_date: Option<NaiveDate>,
    /// A complaint flag of customer files without a complaint log.
    complained_flag: bool,
    /// Custom segments of the customer file (`[[fields]]`), by id.
    custom: BTreeMap<String, Option<String>>,
    /// Numbers: `value`, the custom numbers, `tenure` (years since the first purchase, to the
    /// churn date or the period's end) and `satisfaction` (the customer's mean overall answer
    /// in the twelve months to the period's end), by name; absent where unknown.
    numbers: BTreeMap<String, f64>,
}

impl Customer {
    fn segment(&self, name: &str) -> Option<&str> {
        match name {
            "tier" => self.tier.as_deref(),
            "store" => self.store.as_deref(),
            "region" => self.region.as_deref(),
            other => self.custom.get(other).and_then(|v| v.as_deref()),
        }
    }
}

/// Each customer's mean answer to the overall item, accumulated a month at a time (the
/// `satisfaction` control of the churn model): our own brand's answers in our own surveys,
/// the overall item's score as given (its own scale).
#[derive(Debug, Default)]
pub struct SatisfactionByCustomer {
    sums: HashMap<String, (f64, usize)>,
}

impl SatisfactionByCustomer {
    /// The columns a month of `responses` needs for [`SatisfactionByCustomer::add`].
    pub const COLUMNS: [&'static str; 5] = ["customer_id", "source", "brand", "item_id", "score"];

    /// Add one month of `responses` (with [`Self::COLUMNS`]).
    pub fn add(&mut self, cfg: &Config, df: &DataFrame) -> Result<(), MetricsError> {
        let e = err("churn_model");
        let Some(overall) = cfg.items_with_role(crate::config::Role::Overall).next() else {
            return Ok(());
        };
        let competitor: Vec<&str> = cfg
            .sources
            .iter()
            .filter(|s| s.kind == crate::schema::SourceKind::Competitor)
            .map(|s| s.name.as_str())
            .collect();
        let s = |c| frame::strs(df, c).map_err(&e);
        let (cust, src, brand, item) =
            (s("customer_id")?, s("source")?, s("brand")?, s("item_id")?);
        let score = frame::f64s(df, "score").map_err(&e)?;
        for i in 0..df.height() {
            let (Some(c), Some(x)) = (&cust[i], score[i]) else {
                continue;
            };
            let own = brand[i].as_deref() == Some("ours")
                && src[i].as_deref().is_some_and(|s| !competitor.contains(&s));
            if own && item[i].as_deref() == Some(overall.id.as_str()) {
                let a = self.sums.entry(c.clone()).or_default();
                a.0 += x;
                a.1 += 1;
            }
        }
        Ok(())
    }

    /// The mean per customer.
    pub fn means(self) -> HashMap<String, f64> {
        self.sums
            .into_iter()
            .map(|(c, (s, n))| (c, s / n as f64))
            .collect()
    }
}

/// Whether churn-model control `name` is a number (else a category, entered as dummies).
fn numeric_control(cfg: &Config, name: &str) -> bool {
    crate::config::DERIVED_CONTROLS.contains(&name)
        || cfg
            .field(name)
            .is_some_and(|f| f.kind == crate::config::FieldKind::Number)
}

/// The customer file's snapshot that describes `period`: the newest at or before it
/// (`periods`: each row's snapshot month). Later snapshots are the future; none is `None`.
pub(crate) fn snapshot_at(periods: &[Option<String>], period: Period) -> Option<String> {
    let now = period.to_string();
    periods
        .iter()
        .flatten()
        .filter(|p| p.as_str() <= now.as_str())
        .max()
        .cloned()
}

fn read_customers(
    cfg: &Config,
    df: &DataFrame,
    period: Period,
    satisfaction: Option<&HashMap<String, f64>>,
) -> Result<Vec<Customer>, MetricsError> {
    let after_days = cfg.churn_after_days;
    let e = err("complaint_churn");
    let s = |c| frame::strs(df, c).map_err(&e);
    let per = s("period")?;
    let snap = snapshot_at(&per, period);
    let (id, tier, store, region) = (s("customer_id")?, s("tier")?, s("store")?, s("region")?);
    let first = frame::dates(df, "first_purchase").map_err(&e)?;
    let last = frame::dates(df, "last_purchase").map_err(&e)?;
    let churn_date = frame::dates(df, "churn_date").map_err(&e)?;
    let churned = frame::bools(df, "churned").map_err(&e)?;
    let flag = if frame::has_column(df, "complained") {
        frame::bools(df, "complained").map_err(&e)?
    } else {
        vec![None; df.height()]
    };
    // Columns of the customer file that may be absent from an older snapshot: empty then.
    let strs_or_none = |c: &str| -> Result<Vec<Option<String>>, MetricsError> {
        match frame::has_column(df, c) {
            true => frame::strs(df, c).map_err(&e),
            false => Ok(vec![None; df.height()]),
        }
    };
    let nums_or_none = |c: &str| -> Result<Vec<Option<f64>>, MetricsError> {
        match frame::has_column(df, c) {
            true => frame::f64s(df, c).map_err(&e),
            false => Ok(vec![None; df.height()]),
        }
    };
    let custom: Vec<(String, Vec<Option<String>>)> = cfg
        .custom_segments()
        .map(|f| Ok((f.id.clone(), strs_or_none(&f.id)?)))
        .collect::<Result<_, MetricsError>>()?;
    let numbers: Vec<(String, Vec<Option<f64>>)> = std::iter::once("value".to_string())
        .chain(
            cfg.fields
                .iter()
                .filter(|f| f.kind == crate::config::FieldKind::Number)
                .map(|f| f.id.clone()),
        )
        .map(|n| Ok((n.clone(), nums_or_none(&n)?)))
        .collect::<Result<_, MetricsError>>()?;
    Ok((0..df.height())
        .filter(|&i| per[i] == snap && id[i].is_some())
        .map(|i| {
            let (gone, churn_date) =
                churn_status(churned[i], churn_date[i], last[i], after_days, period);
            (i, gone, churn_date)
        })
        .map(|(i, gone, churn_date)| Customer {
            id: id[i].clone().unwrap_or_default(),
            store: store[i].clone(),
            region: region[i].clone(),
            tier: tier[i].clone(),
            first: first[i],
            churned: gone,
            churn_date,
            complained_flag: flag[i] == Some(true),
            custom: custom
                .iter()
                .map(|(n, v)| (n.clone(), v[i].clone()))
                .collect(),
            numbers: {
                let mut m: BTreeMap<String, f64> = numbers
                    .iter()
                    .filter_map(|(n, v)| Some((n.clone(), v[i]?)))
                    .collect();
                let until = churn_date
                    .filter(|d| *d <= period.last_day())
                    .unwrap_or(period.last_day());
                if let Some(f) = first[i].filter(|f| *f <= until) {
                    m.insert("tenure".into(), (until - f).num_days() as f64 / 365.25);
                }
                if let Some(s) = id[i].as_ref().and_then(|id| satisfaction?.get(id)) {
                    m.insert("satisfaction".into(), *s);
                }
                m
            },
        })
        .collect())
}

/// Whether a customer had churned by the end of `period`, and when: the one definition of
/// churn that every mart uses (loyalty, complaint → churn, the model, survival). A churn
/// flag or a churn date on or before the period's end says so; without either, `[churn]
/// after_days` derives it from the last purchase (churned on the day `after_days` after it,
/// if that day is by the period's end). A churn date after the period's end is not churn yet.
pub(super) fn churn_status(
    flag: Option<bool>,
    date: Option<NaiveDate>,
    last_purchase: Option<NaiveDate>,
    after_days: Option<i64>,
    period: Period,
) -> (bool, Option<NaiveDate>) {
    let end = period.last_day();
    let derived = match (flag, date, last_purchase, after_days) {
        (None, None, Some(l), Some(days)) => Some(l + chrono::Duration::days(days)),
        _ => None,
    };
    let date = date.or(derived).filter(|d| *d <= end);
    (flag == Some(true) || date.is_some(), date)
}

/// Empirical quantile with linear interpolation (NumPy's default, Hyndman–Fan type 7).
pub fn quantile(xs: &mut [f64], q: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let h = (xs.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo]))
}

/// Customers active at some time in `period` (for complaints per 1,000 customers).
fn active_customers(custs: &[Customer], period: Period) -> usize {
    let (start, end) = (period.first_day(), period.last_day());
    custs
        .iter()
        .filter(|c| c.first.is_none_or(|f| f <= end) && c.churn_date.is_none_or(|d| d >= start))
        .count()
}

/// Everything complaint-related of `period`.
pub fn build(
    cfg: &Config,
    period: Period,
    complaints: Option<&DataFrame>,
    customers: Option<&DataFrame>,
    satisfaction: Option<&HashMap<String, f64>>,
    notes: &mut Vec<String>,
) -> Result<MartSet, MetricsError> {
    let cal = match &cfg.calendar {
        Some(text) => Calendar::parse(text).map_err(|message| MetricsError::Build {
            mart: "complaints",
            message,
        })?,
        None => Calendar::china(),
    };
    // The calendar only matters to complaint handling times.
    for y in [period.prev().year, period.year]
        .into_iter()
        .filter(|_| complaints.is_some())
    {
        if !cal.covers(y) {
            let n = format!("no public-holiday calendar for {y}: working days skip weekends only");
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
    }
    let all: Vec<Complaint> = match complaints {
        Some(df) => handling::read_complaints(cfg, df)?,
        None => Vec::new(),
    };
    for n in handling::not_measured(&all) {
        notes.push(n);
    }
    let h = Handling {
        commitments: cfg.commitments,
        calendar: &cal,
        horizon: handling::horizon(&all),
    };
    let custs: Vec<Customer> = match customers {
        Some(df) => read_customers(cfg, df, period, satisfaction)?,
        None => Vec::new(),
    };
    let mut out = MartSet::default();
    if complaints.is_some() {
        let active = active_customers(&custs, period);
        out.complaints = Some(handling::complaints_mart(cfg, period, &all, active, &h)?);
        out.complaint_times = Some(times_mart(period, &all, &h));
    }
    if !custs.is_empty() {
        let (cc, model, surv, hazard) = churn_marts(cfg, period, &all, &custs, &h, notes)?;
        out.complaint_hazard = hazard;
        // Without a complaint log or a `complained` flag nothing says who complained: the
        // customer file gives retention (one curve of everyone), not complaint → churn.
        if cfg.has_complaint_info() {
            out.complaint_churn = Some(cc);
            out.churn_model = Some(model);
        }
        out.survival = Some(surv);
    }
    Ok(out)
}

/// First-response hours are binned by this many hours up to [`RESPONSE_BINS_MAX_H`].
pub const RESPONSE_BIN_H: f64 = 4.0;
pub const RESPONSE_BINS_MAX_H: f64 = 72.0;
/// Resolution working days are binned one day wide up to this many days.
pub const RESOLUTION_BINS_MAX_WD: i64 = 10;

/// One bar of a handling-time histogram: `[low, high)` (`high` is `None` for the overflow
/// bar, `low` and `high` both `None` for complaints without a response / not closed yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub count: usize,
}

/// Histogram with `k` bars `[i·width, (i+1)·width)` from 0, one overflow bar (≥ k·width)
/// and one bar of missing values; negative values (clock skew) count in the first bar.
/// Every value lands in exactly one bar.
fn histogram(values: impl Iterator<Item = Option<f64>>, width: f64, k: usize) -> Vec<Bin> {
    let mut bins: Vec<Bin> = (0..=k)
        .map(|i| Bin {
            low: Some(i as f64 * width),
            high: (i < k).then(|| (i + 1) as f64 * width),
            count: 0,
        })
        .chain(std::iter::once(Bin {
            low: None,
            high: None,
            count: 0,
        }))
        .collect();
    for v in values {
        let i = match v {
            Some(v) => ((v.max(0.0) / width).floor() as usize).min(k),
            None => k + 1,
        };
        bins[i].count += 1;
    }
    bins
}

/// Histogram of first-response times in hours: 4 h bars from 0 to 72 h, one overflow bar
/// (≥ 72 h) and one bar of complaints with no response recorded. A time of exactly 24 h
/// falls in `[24, 28)` though it still meets the "within 24 h" commitment (≤ 24 h).
pub fn response_histogram(hours: &[Option<f64>]) -> Vec<Bin> {
    histogram(
        hours.iter().copied(),
        RESPONSE_BIN_H,
        (RESPONSE_BINS_MAX_H / RESPONSE_BIN_H) as usize,
    )
}

/// Histogram of resolution times in working days: one bar per day 0..=10 (`[d, d+1)`), one
/// overflow bar (> 10) and one bar of complaints not closed.
pub fn resolution_histogram(days: &[Option<i64>]) -> Vec<Bin> {
    histogram(
        days.iter().map(|d| d.map(|d| d as f64)),
        1.0,
        RESOLUTION_BINS_MAX_WD as usize + 1,
    )
}

/// The `complaint_times` mart: this month's complaints binned by first-response hours and
/// by resolution working days, with the commitment each is held to.
fn times_mart(period: Period, all: &[Complaint], h: &Handling) -> Vec<mart::ComplaintTime> {
    let now: Vec<&Complaint> = all
        .iter()
        .filter(|c| Period::of_date(c.received.date()) == period)
        .collect();
    // Only complaints whose log records the time are binned (no "not recorded" bar for
    // a log that never records it).
    let resp = response_histogram(
        &now.iter()
            .filter(|c| c.response_measured && (c.first_response.is_some() || c.timely.is_none()))
            .map(|c| h.response_hours(c))
            .collect::<Vec<_>>(),
    );
    let res = resolution_histogram(
        &now.iter()
            .filter(|c| c.close_measured)
            .map(|c| h.close_days(c))
            .collect::<Vec<_>>(),
    );
    let c = h.commitments;
    let days = if c.calendar_days {
        "resolution_calendar_days"
    } else {
        "resolution_working_days"
    };
    let nonempty = |bins: &[Bin]| bins.iter().any(|b| b.count > 0);
    let rows: Vec<(&str, f64, &Bin)> = resp
        .iter()
        .filter(|_| nonempty(&resp))
        .map(|b| ("first_response_h", c.respond_hours, b))
        .chain(
            res.iter()
                .filter(|_| nonempty(&res))
                .map(|b| (days, c.close_days as f64, b)),
        )
        .collect();
    rows.iter()
        .map(|(measure, commitment, b)| mart::ComplaintTime {
            period: period.to_string(),
            measure: measure.to_string(),
            bin_low: b.low,
            bin_high: b.high,
            count: b.count,
            commitment: *commitment,
        })
        .collect()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod churn_rule_tests;

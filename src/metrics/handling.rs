//! Complaint handling against the organisation's commitments (ISO 10002 §8): the complaints
//! as the marts read them, the one rule that says whether a complaint was answered and
//! closed in time, and the `complaints` mart built with it.
//!
//! A log measures only what it records: response times (or a "timely response" flag) and
//! close times are measured for the complaints of sources that map them. A complaint from a
//! source that maps neither is not counted as late — its share is "not available", with the
//! reason in the notes — and a complaint of a source that maps a close time but has none is
//! open, and so not closed in time.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};

use super::{err, stats, MetricsError};
use crate::calendar::Calendar;
use crate::config::{Commitments, Config};
use crate::frame::{self, DataFrame};
use crate::mart;
use crate::period::Period;

/// One complaint, as the marts read it from the lake.
#[derive(Debug, Clone)]
pub(super) struct Complaint {
    pub customer: Option<String>,
    pub received: NaiveDateTime,
    pub first_response: Option<NaiveDateTime>,
    pub closed: Option<NaiveDateTime>,
    pub status: String,
    pub category: String,
    pub severity: String,
    pub channel: String,
    pub store: Option<String>,
    pub region: Option<String>,
    pub satisfaction: Option<f64>,
    /// The log's own "responded in time" flag, where it has one.
    pub timely: Option<bool>,
    /// The log's "disputed by the customer" flag, where it has one.
    pub disputed: Option<bool>,
    /// Its source records when (or whether in time) it was first answered.
    pub response_measured: bool,
    /// Its source records when it was closed.
    pub close_measured: bool,
}

/// Which sources record which handling fields (`None`: a source the config no longer names,
/// taken as recording everything, as before sources said so).
struct Recorded {
    response: BTreeSet<String>,
    close: BTreeSet<String>,
    disputed: BTreeSet<String>,
    known: BTreeSet<String>,
}

impl Recorded {
    fn of(cfg: &Config) -> Recorded {
        let maps = |f: &[&str]| {
            cfg.sources
                .iter()
                .filter(|s| f.iter().any(|f| s.columns.contains_key(*f)))
                .map(|s| s.name.clone())
                .collect()
        };
        Recorded {
            response: maps(&["first_response_at", "timely_response"]),
            close: maps(&["closed_at"]),
            disputed: maps(&["disputed"]),
            known: cfg.sources.iter().map(|s| s.name.clone()).collect(),
        }
    }

    fn has(&self, set: &BTreeSet<String>, source: &str) -> bool {
        set.contains(source) || !self.known.contains(source)
    }
}

pub(super) fn read_complaints(
    cfg: &Config,
    df: &DataFrame,
) -> Result<Vec<Complaint>, MetricsError> {
    let e = err("complaints");
    let s = |c| frame::strs(df, c).map_err(&e);
    let t = |c| frame::times(df, c).map_err(&e);
    // Lakes written before a column existed read it as empty.
    let b = |c: &str| {
        if frame::has_column(df, c) {
            frame::bools(df, c).map_err(&e)
        } else {
            Ok(vec![None; df.height()])
        }
    };
    let (cust, cat, sev, chan, store, region, status, source) = (
        s("customer_id")?,
        s("category")?,
        s("severity")?,
        s("channel")?,
        s("store")?,
        s("region")?,
        s("status")?,
        s("source")?,
    );
    let (rec, first, closed) = (t("received_at")?, t("first_response_at")?, t("closed_at")?);
    let sat = frame::f64s(df, "handling_satisfaction").map_err(&e)?;
    let (timely, disputed) = (b("timely_response")?, b("disputed")?);
    let rec_by = Recorded::of(cfg);
    Ok((0..df.height())
        .filter_map(|i| {
            let src = source[i].clone().unwrap_or_default();
            Some(Complaint {
                customer: cust[i].clone(),
                received: rec[i]?,
                first_response: first[i],
                closed: closed[i],
                status: status[i].clone().unwrap_or_default(),
                category: cat[i].clone().unwrap_or_else(|| "—".into()),
                severity: sev[i].clone().unwrap_or_else(|| "—".into()),
                channel: chan[i].clone().unwrap_or_else(|| "—".into()),
                store: store[i].clone(),
                region: region[i].clone(),
                satisfaction: sat[i],
                timely: timely[i],
                disputed: if rec_by.has(&rec_by.disputed, &src) {
                    disputed[i]
                } else {
                    None
                },
                response_measured: rec_by.has(&rec_by.response, &src),
                close_measured: rec_by.has(&rec_by.close, &src),
            })
        })
        .collect())
}

/// The commitments and the calendar their days count in: the one rule that every mart,
/// chart, table and finding uses.
pub struct Handling<'a> {
    pub commitments: Commitments,
    pub calendar: &'a Calendar,
    /// The latest event the log records (receipt, response or closing, [`horizon`]): an
    /// open complaint whose commitment runs past it is not yet due.
    pub horizon: Option<NaiveDateTime>,
}

/// The time up to which a log is known: its latest recorded receipt, first response or
/// closing. A complaint without a response or closing whose commitment has not run out by
/// then is "not yet due": it can still be met, so it is neither a success nor a failure.
pub(super) fn horizon(all: &[Complaint]) -> Option<NaiveDateTime> {
    all.iter()
        .flat_map(|c| [Some(c.received), c.first_response, c.closed])
        .flatten()
        .max()
}

impl Handling<'_> {
    /// Hours from receipt to the first response, to the second (24 h 00 min 40 s is
    /// after a 24 h commitment).
    pub(super) fn response_hours(&self, c: &Complaint) -> Option<f64> {
        c.first_response
            .map(|t| (t - c.received).num_seconds() as f64 / 3600.0)
    }

    /// Days from receipt to closing: working days (weekends, holidays and make-up days of
    /// the calendar) or calendar days, as the commitments count them.
    pub(super) fn close_days(&self, c: &Complaint) -> Option<i64> {
        c.closed.map(|t| self.days_between(c.received, t))
    }

    fn days_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        if self.commitments.calendar_days {
            (to.date() - from.date()).num_days()
        } else {
            self.calendar.working_days_between(from.date(), to.date())
        }
    }

    /// Whether the first response met the commitment (`≤` the hours); `None` when the log
    /// does not record it. Without a response time, the log's own flag decides; a complaint
    /// of a log that records responses but has none was not answered in time.
    pub(super) fn responded_in_time(&self, c: &Complaint) -> Option<bool> {
        if !c.response_measured || self.response_pending(c) {
            return None;
        }
        match (self.response_hours(c), c.timely) {
            (Some(h), _) => Some(h <= self.commitments.respond_hours),
            (None, Some(flag)) => Some(flag),
            (None, None) => Some(false),
        }
    }

    /// Not answered yet, and the response commitment has not run out by the log's horizon
    /// (answering at the horizon would still meet it).
    pub(super) fn response_pending(&self, c: &Complaint) -> bool {
        c.response_measured
            && c.first_response.is_none()
            && c.timely.is_none()
            && self.horizon.is_some_and(|t| {
                (t - c.received).num_seconds() as f64 / 3600.0 <= self.commitments.respond_hours
            })
    }

    /// Open, and the close commitment has not run out by the log's horizon (closing on the
    /// horizon's day would still meet it).
    pub(super) fn close_pending(&self, c: &Complaint) -> bool {
        c.close_measured
            && c.closed.is_none()
            && self
                .horizon
                .is_some_and(|t| self.days_between(c.received, t) <= self.commitments.close_days)
    }

    /// Whether it was closed within the commitment (`≤` the days); `None` when the log does
    /// not record closing or it is not yet due ([`Self::close_pending`]); an open complaint
    /// past its commitment was not closed in time.
    pub(super) fn closed_in_time(&self, c: &Complaint) -> Option<bool> {
        if !c.close_measured || self.close_pending(c) {
            return None;
        }
        Some(
            self.close_days(c)
                .is_some_and(|d| d <= self.commitments.close_days),
        )
    }
}

/// Figures of one group of complaints (a segment value in one month).
#[derive(Debug, Default, Clone)]
struct Group {
    count: usize,
    fr50: Option<f64>,
    fr90: Option<f64>,
    rs50: Option<f64>,
    rs90: Option<f64>,
    /// (met, measured) of each commitment.
    responded: (usize, usize),
    closed: (usize, usize),
    /// Complaints not yet due for each commitment (left out of `responded` / `closed`).
    responded_pending: usize,
    closed_pending: usize,
    disputed: (usize, usize),
    open: Option<usize>,
    reopened: usize,
    satisfaction: Option<f64>,
}

fn group(cs: &[&Complaint], h: &Handling) -> Group {
    let mut fr: Vec<f64> = cs.iter().filter_map(|c| h.response_hours(c)).collect();
    let mut rs: Vec<f64> = cs
        .iter()
        .filter_map(|c| h.close_days(c))
        .map(|d| d as f64)
        .collect();
    let tally = |f: &dyn Fn(&Complaint) -> Option<bool>| {
        let v: Vec<bool> = cs.iter().filter_map(|c| f(c)).collect();
        (v.iter().filter(|b| **b).count(), v.len())
    };
    let sats: Vec<f64> = cs.iter().filter_map(|c| c.satisfaction).collect();
    let closes = cs.iter().any(|c| c.close_measured);
    Group {
        count: cs.len(),
        fr50: super::complaints::quantile(&mut fr.clone(), 0.5),
        fr90: super::complaints::quantile(&mut fr, 0.9),
        rs50: super::complaints::quantile(&mut rs.clone(), 0.5),
        rs90: super::complaints::quantile(&mut rs, 0.9),
        responded: tally(&|c| h.responded_in_time(c)),
        closed: tally(&|c| h.closed_in_time(c)),
        responded_pending: cs.iter().filter(|c| h.response_pending(c)).count(),
        closed_pending: cs.iter().filter(|c| h.close_pending(c)).count(),
        disputed: tally(&|c| c.disputed),
        open: closes.then(|| {
            cs.iter()
                .filter(|c| c.close_measured && c.closed.is_none())
                .count()
        }),
        reopened: cs
            .iter()
            .filter(|c| c.status.contains("重开") || c.status.to_lowercase().contains("reopen"))
            .count(),
        satisfaction: (!sats.is_empty()).then(|| sats.iter().sum::<f64>() / sats.len() as f64),
    }
}

/// The segments a complaint counts in: the whole log, its category, severity, channel,
/// region and store.
fn segments(c: &Complaint) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("all", "all".to_string()),
        ("category", c.category.clone()),
        ("severity", c.severity.clone()),
        ("channel", c.channel.clone()),
    ];
    if let Some(r) = &c.region {
        v.push(("region", r.clone()));
    }
    if let Some(s) = &c.store {
        v.push(("store", s.clone()));
    }
    v
}

type Key = (&'static str, String);

fn by_segment<'a>(cs: &[&'a Complaint]) -> BTreeMap<Key, Vec<&'a Complaint>> {
    let mut g: BTreeMap<Key, Vec<&'a Complaint>> = BTreeMap::new();
    for c in cs {
        for k in segments(c) {
            g.entry(k).or_default().push(*c);
        }
    }
    g
}

/// The share of the month before, of the tally `f`.
fn prev_share(r: &Row, f: fn(&Group) -> (usize, usize)) -> Option<f64> {
    r.prev
        .as_ref()
        .map(f)
        .filter(|t| t.1 > 0)
        .map(|t| t.0 as f64 / t.1 as f64)
}

/// The p-value of the change of the tally `f` against the month before (pooled
/// two-proportion z test).
fn change_p(r: &Row, f: fn(&Group) -> (usize, usize)) -> Option<f64> {
    let (a, b) = (f(&r.now), f(r.prev.as_ref()?));
    stats::two_proportion_z(a.0, a.1, b.0, b.1).map(|t| t.p)
}

/// A row of the mart: a group this month and the same group the month before.
struct Row {
    seg: String,
    val: String,
    now: Group,
    prev: Option<Group>,
    rate: Option<f64>,
    share: f64,
    cum: f64,
    repeat: usize,
}

/// The `complaints` mart of `period`: volume, Pareto shares, handling times and the share of
/// complaints that met each commitment (Wilson intervals), per segment, with the month before
/// and two-proportion tests. `active` customers give the rate per 1,000; `repeat` counts the
/// customers of a group with a repeat complaint in it ([`is_repeat`]).
pub(super) fn complaints_mart(
    cfg: &Config,
    period: Period,
    all: &[Complaint],
    active: usize,
    h: &Handling,
) -> Result<Vec<mart::Complaints>, MetricsError> {
    let in_p = |p: Period, c: &&Complaint| Period::of_date(c.received.date()) == p;
    let now: Vec<&Complaint> = all.iter().filter(|c| in_p(period, c)).collect();
    let prev: Vec<&Complaint> = all.iter().filter(|c| in_p(period.prev(), c)).collect();
    // Each customer's complaint days, sorted, for the repeat rule.
    let mut history: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for c in all {
        if let Some(id) = &c.customer {
            history
                .entry(id.as_str())
                .or_default()
                .push(c.received.date());
        }
    }
    for days in history.values_mut() {
        days.sort_unstable();
    }
    let (groups, prev_groups) = (by_segment(&now), by_segment(&prev));
    let total = now.len().max(1) as f64;
    let mut rows = Vec::new();
    for seg in ["all", "category", "severity", "channel", "region", "store"] {
        let mut cells: Vec<(&Key, &Vec<&Complaint>)> =
            groups.iter().filter(|(k, _)| k.0 == seg).collect();
        // Pareto order: most complaints first, ties by name.
        cells.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0 .1.cmp(&b.0 .1)));
        let mut cum = 0.0;
        for (k, cs) in cells {
            let n = cs.len();
            cum += n as f64 / total;
            // Customers of the group with a repeat complaint among theirs in it.
            let mut customers: Vec<&str> = cs
                .iter()
                .filter(|c| {
                    c.customer.as_deref().is_some_and(|id| {
                        history
                            .get(id)
                            .is_some_and(|d| is_repeat(d, c.received.date()))
                    })
                })
                .filter_map(|c| c.customer.as_deref())
                .collect();
            customers.sort_unstable();
            customers.dedup();
            rows.push(Row {
                seg: k.0.to_string(),
                val: k.1.clone(),
                now: group(cs, h),
                prev: prev_groups.get(k).map(|p| group(p, h)),
                rate: (k.0 == "all" && active > 0).then(|| 1000.0 * n as f64 / active as f64),
                share: n as f64 / total,
                cum,
                repeat: customers.len(),
            });
        }
    }
    Ok(mart_rows(cfg, period, &rows, h))
}

/// Repeat complaints: a complaint on day `d` is a repeat when the same customer complained on
/// an earlier day within the 365 days before it (`d − 365 ≤ d' < d`); a second complaint on
/// the same day is a duplicate of the first, not a repeat. `days`: the customer's complaint
/// days, sorted.
pub(super) fn is_repeat(days: &[NaiveDate], d: NaiveDate) -> bool {
    let from = d - chrono::Duration::days(365);
    days.iter().any(|x| *x >= from && *x < d)
}

/// `(share, ci_low, ci_high)` of `met` of `n` (Wilson), or nothing when nothing was measured.
fn share(t: (usize, usize), confidence: f64) -> Option<(f64, f64, f64)> {
    stats::wilson(t.0, t.1, confidence)
}

fn mart_rows(cfg: &Config, period: Period, rows: &[Row], h: &Handling) -> Vec<mart::Complaints> {
    let conf = cfg.confidence;
    // The month-on-month tests of the mart (both commitments, every segment): one family.
    let (closed_q, responded_q) = {
        let ps: Vec<Option<f64>> = rows
            .iter()
            .map(|r| change_p(r, |g| g.closed))
            .chain(rows.iter().map(|r| change_p(r, |g| g.responded)))
            .collect();
        let mut q = stats::bh_qvalues_opt(&ps);
        let responded = q.split_off(rows.len());
        (q, responded)
    };
    let measured = |t: (usize, usize)| (t.1 > 0).then_some(t.1);
    // A count of complaints not yet due, where the commitment is measured at all.
    let pending = |t: (usize, usize), k: usize| (measured(t).is_some() || k > 0).then_some(k);
    let c = h.commitments;
    rows.iter()
        .zip(closed_q.into_iter().zip(responded_q))
        .map(|(r, (closed_q, responded_q))| {
            let (resp, closed, disp) = (
                share(r.now.responded, conf),
                share(r.now.closed, conf),
                share(r.now.disputed, conf),
            );
            let prev = r.prev.as_ref();
            mart::Complaints {
                period: period.to_string(),
                segment: r.seg.clone(),
                segment_value: r.val.clone(),
                count: r.now.count,
                rate_per_1000: r.rate,
                share: r.share,
                cum_share: r.cum,
                first_response_p50_h: r.now.fr50,
                first_response_p90_h: r.now.fr90,
                resolution_p50_days: r.now.rs50,
                resolution_p90_days: r.now.rs90,
                respond_within_h: c.respond_hours,
                close_within_days: c.close_days as usize,
                close_day_kind: if c.calendar_days {
                    "calendar"
                } else {
                    "working"
                }
                .to_string(),
                responded_in_time_n: measured(r.now.responded),
                responded_in_time_share: resp.map(|w| w.0),
                responded_in_time_ci_low: resp.map(|w| w.1),
                responded_in_time_ci_high: resp.map(|w| w.2),
                responded_not_yet_due: pending(r.now.responded, r.now.responded_pending),
                closed_in_time_n: measured(r.now.closed),
                closed_in_time_share: closed.map(|w| w.0),
                closed_in_time_ci_low: closed.map(|w| w.1),
                closed_in_time_ci_high: closed.map(|w| w.2),
                closed_not_yet_due: pending(r.now.closed, r.now.closed_pending),
                disputed_n: measured(r.now.disputed),
                disputed_share: disp.map(|w| w.0),
                disputed_ci_low: disp.map(|w| w.1),
                disputed_ci_high: disp.map(|w| w.2),
                open_count: r.now.open,
                reopened_count: r.now.reopened,
                repeat_complainers: r.repeat,
                handling_satisfaction_mean: r.now.satisfaction,
                prev_count: prev.map_or(0, |p| p.count),
                prev_closed_in_time_share: prev_share(r, |g| g.closed),
                closed_in_time_change_p_value: change_p(r, |g| g.closed),
                closed_in_time_change_q_value: closed_q,
                prev_responded_in_time_share: prev_share(r, |g| g.responded),
                responded_in_time_change_p_value: change_p(r, |g| g.responded),
                responded_in_time_change_q_value: responded_q,
                prev_first_response_p50_h: prev.and_then(|p| p.fr50),
                prev_resolution_p50_days: prev.and_then(|p| p.rs50),
                prev_handling_satisfaction_mean: prev.and_then(|p| p.satisfaction),
            }
        })
        .collect()
}

/// Notes for the appendix on what the complaint log cannot measure.
pub(super) fn not_measured(all: &[Complaint]) -> Vec<String> {
    let mut notes = Vec::new();
    if !all.is_empty() && all.iter().all(|c| !c.response_measured) {
        notes.push("complaints: the log records no first-response time or timely-response flag; the share answered in time is not available".to_string());
    }
    if !all.is_empty() && all.iter().all(|c| !c.close_measured) {
        notes.push("complaints: the log records no close time; the share closed in time, open complaints and the churn of late or unresolved complaints are not available".to_string());
    }
    notes
}

#[cfg(test)]
mod tests;

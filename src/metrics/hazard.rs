//! The complaint → churn hazard as a time-varying exposure: a Cox model in which
//! `complained` switches from 0 to 1 on the day of a customer's first complaint during
//! follow-up ([`super::cox`]). The Kaplan–Meier groups of the survival mart are fixed at the
//! start of follow-up by complaints that happen during it (immortal-time bias: a customer who
//! will complain in month 6 has to survive to month 6); here each customer counts as not
//! complained until the complaint, and as complained after it.

use chrono::NaiveDate;

use super::cox::{self, Interval};
use super::{err, stats, MetricsError};
use crate::frame::{self, DataFrame, Values};
use crate::period::Period;

/// One customer's follow-up: from `start` to `stop` (the churn date when `churned`, else
/// the period's end), and the day of their first complaint, if any.
#[derive(Debug, Clone, Copy)]
pub(super) struct Followup {
    pub start: NaiveDate,
    pub stop: NaiveDate,
    pub churned: bool,
    pub complained_on: Option<NaiveDate>,
}

/// The counting-process rows of one follow-up, on the scale of days since its start: before
/// the complaint (`complained` 0) and from the complaint on (1). A complaint on or before the
/// first day counts from the start; a follow-up of no length has no rows (it cannot be at
/// risk in an interval (start, stop]).
pub(super) fn intervals(f: &Followup) -> Vec<Interval> {
    let total = (f.stop - f.start).num_days() as f64;
    if total <= 0.0 {
        return Vec::new();
    }
    let row = |a: f64, b: f64, event: bool, x: f64| Interval {
        start: a,
        stop: b,
        event,
        x: vec![x],
    };
    match f.complained_on.map(|d| (d - f.start).num_days() as f64) {
        Some(tc) if tc >= total => vec![row(0.0, total, f.churned, 0.0)],
        Some(tc) if tc > 0.0 => vec![row(0.0, tc, false, 0.0), row(tc, total, f.churned, 1.0)],
        Some(_) => vec![row(0.0, total, f.churned, 1.0)],
        None => vec![row(0.0, total, f.churned, 0.0)],
    }
}

/// The `complaint_hazard` mart: the hazard ratio of churn after a complaint against before
/// (or never), with its Wald interval and test, the likelihood-ratio test, n, events; a row
/// with the reason in `note` when the model cannot be estimated.
pub(super) fn mart(
    period: Period,
    follow: &[Followup],
    confidence: f64,
) -> Result<DataFrame, MetricsError> {
    let rows: Vec<Interval> = follow.iter().flat_map(intervals).collect();
    let customers = follow
        .iter()
        .filter(|f| (f.stop - f.start).num_days() > 0)
        .count();
    let fit = cox::fit(&rows);
    let z = stats::z_critical(confidence);
    let one = |v: Option<f64>| Values::F64(vec![v]);
    let (coef, se, p, lr, lr_p, events, note) = match &fit {
        Ok(f) => (
            Some(f.coef[0]),
            Some(f.se[0]),
            Some(f.p[0]),
            Some(f.lr),
            Some(f.lr_p),
            f.events,
            None,
        ),
        Err(why) => (
            None,
            None,
            None,
            None,
            None,
            rows.iter().filter(|r| r.event).count(),
            Some(why.clone()),
        ),
    };
    frame::build_plain(vec![
        ("period", Values::Str(vec![Some(period.to_string())])),
        ("term", Values::Str(vec![Some("complained".into())])),
        ("coef", one(coef)),
        ("se", one(se)),
        ("hazard_ratio", one(coef.map(f64::exp))),
        (
            "hr_ci_low",
            one(coef.zip(se).map(|(b, s)| (b - z * s).exp())),
        ),
        (
            "hr_ci_high",
            one(coef.zip(se).map(|(b, s)| (b + z * s).exp())),
        ),
        ("p_value", one(p)),
        ("lr_chi2", one(lr)),
        ("lr_p_value", one(lr_p)),
        ("customers", Values::I64(vec![Some(customers as i64)])),
        ("events", Values::I64(vec![Some(events as i64)])),
        ("note", Values::Str(vec![note])),
    ])
    .map_err(err("complaint_hazard"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_complaint_splits_the_follow_up_on_its_day() {
        let f = |c: Option<&str>, churned| Followup {
            start: d("2026-01-01"),
            stop: d("2026-01-31"),
            churned,
            complained_on: c.map(d),
        };
        // Complaint on day 10 of 30: (0, 10] not complained, (10, 30] complained, churn at 30.
        let r = intervals(&f(Some("2026-01-11"), true));
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].start, r[0].stop, r[0].event, r[0].x[0]),
            (0.0, 10.0, false, 0.0)
        );
        assert_eq!(
            (r[1].start, r[1].stop, r[1].event, r[1].x[0]),
            (10.0, 30.0, true, 1.0)
        );
        // Before the start: complained throughout; never: not complained throughout.
        assert_eq!(intervals(&f(Some("2025-12-01"), false))[0].x[0], 1.0);
        assert_eq!(intervals(&f(None, false))[0].x[0], 0.0);
        // No follow-up: no rows.
        let empty = Followup {
            stop: d("2026-01-01"),
            ..f(None, true)
        };
        assert!(intervals(&empty).is_empty());
    }
}

//! The complaint → churn hazard as a time-varying exposure. The Kaplan–Meier groups of the
//! complaint → churn table are fixed at the start of follow-up by complaints that happen
//! during it (immortal-time bias: a customer who will complain in month 6 has to survive to
//! month 6). Here each customer's follow-up is split where their complaint status changes,
//! so that they count as not (yet) complained until their first complaint and, in the outcome
//! model, by where their latest complaint stands:
//!
//! - `complaint_open` from the day a complaint is received until it is closed (the latest
//!   complaint decides: a new complaint reopens the status);
//! - `complaint_closed_in_time` / `complaint_closed_late` from the day it is closed, by the
//!   closing commitment ([`super::handling::Handling::close_days`] ≤ the commitment).
//!
//! Both Cox models ([`super::cox`]) carry the configured churn controls as covariates fixed
//! over follow-up, and each term has the Grambsch–Therneau proportional-hazards test. The
//! retention curves use the same split (Simon–Makuch: a customer moves from the "no
//! complaint" curve's risk set to the "after a complaint" curve's on the day of the
//! complaint), with the log-rank test over those time-varying groups.

use chrono::NaiveDate;

use super::churn::{self, AtRisk};
use super::cox::{self, Interval};
use super::stats;
use crate::mart::{ComplaintHazard, Survival};
use crate::period::Period;

/// Where a customer's latest complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Open,
    InTime,
    Late,
}

/// One complaint of a customer: the day it was received and, once closed, the day and
/// whether that was within the commitment.
#[derive(Debug, Clone, Copy)]
pub(super) struct Filed {
    pub received: NaiveDate,
    pub closed: Option<(NaiveDate, bool)>,
}

/// One customer's follow-up: from `start` to `stop` (the churn date when `churned`, else
/// the period's end), their complaints received before the churn (or by the period's end),
/// and their values of the model's controls (fixed over follow-up).
#[derive(Debug, Clone)]
pub(super) struct Followup {
    pub start: NaiveDate,
    pub stop: NaiveDate,
    pub churned: bool,
    pub complaints: Vec<Filed>,
    pub controls: Vec<f64>,
}

/// A stretch (start, stop] of one follow-up, in days since its start, with one complaint
/// status; the event (churn) only on the last stretch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Piece {
    pub start: f64,
    pub stop: f64,
    pub event: bool,
    pub complained: bool,
    pub stage: Option<Stage>,
}

/// The stretches of one follow-up. A complaint (or a closing) on or before the first day
/// counts from the start, one on or after the last day is after the follow-up; of two
/// complaints received the same day the later-closing (or open) one decides. A follow-up of
/// no length has no stretches (it cannot be at risk in an interval (start, stop]).
pub(super) fn pieces(f: &Followup) -> Vec<Piece> {
    let total = (f.stop - f.start).num_days() as f64;
    if total <= 0.0 {
        return Vec::new();
    }
    let day = |d: NaiveDate| ((d - f.start).num_days() as f64).max(0.0);
    let mut filed: Vec<(f64, Option<(f64, bool)>)> = f
        .complaints
        .iter()
        .map(|c| {
            let r = day(c.received);
            (r, c.closed.map(|(d, ok)| (day(d).max(r), ok)))
        })
        .collect();
    let close_key = |c: &Option<(f64, bool)>| c.map_or(f64::INFINITY, |c| c.0);
    filed.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(close_key(&a.1).total_cmp(&close_key(&b.1)))
    });
    let mut cuts: Vec<f64> = vec![0.0, total];
    for (r, c) in &filed {
        cuts.push(*r);
        cuts.extend(c.map(|c| c.0));
    }
    cuts.retain(|t| *t <= total);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let status = |a: f64| match filed.iter().rev().find(|(r, _)| *r <= a) {
        None => (false, None),
        Some((_, Some((d, ok)))) if *d <= a => {
            (true, Some(if *ok { Stage::InTime } else { Stage::Late }))
        }
        Some(_) => (true, Some(Stage::Open)),
    };
    let mut out: Vec<Piece> = Vec::new();
    for w in cuts.windows(2) {
        let (complained, stage) = status(w[0]);
        match out.last_mut() {
            Some(p) if p.complained == complained && p.stage == stage => p.stop = w[1],
            _ => out.push(Piece {
                start: w[0],
                stop: w[1],
                event: false,
                complained,
                stage,
            }),
        }
    }
    if let Some(p) = out.last_mut() {
        p.event = f.churned;
    }
    out
}

/// The two models: the exposure's terms and how a stretch sets them.
const COMPLAINED: (&str, &[&str]) = ("complained", &["complained"]);
const OUTCOME: (&str, &[&str]) = (
    "outcome",
    &[
        "complaint_open",
        "complaint_closed_in_time",
        "complaint_closed_late",
    ],
);

fn exposure(model: &str, p: &Piece) -> Vec<f64> {
    let b = |x: bool| x as u8 as f64;
    if model == COMPLAINED.0 {
        vec![b(p.complained)]
    } else {
        vec![
            b(p.stage == Some(Stage::Open)),
            b(p.stage == Some(Stage::InTime)),
            b(p.stage == Some(Stage::Late)),
        ]
    }
}

/// One fitted (or not estimable) model's rows.
struct Fitted {
    model: &'static str,
    terms: Vec<String>,
    fit: Result<(cox::CoxFit, Option<cox::PhTest>), String>,
    events: usize,
}

fn fit_model(
    (model, exposures): (&'static str, &[&str]),
    follow: &[Followup],
    controls: &[String],
) -> Fitted {
    let rows: Vec<Interval> = follow
        .iter()
        .flat_map(|f| {
            pieces(f).into_iter().map(move |p| Interval {
                start: p.start,
                stop: p.stop,
                event: p.event,
                x: exposure(model, &p)
                    .into_iter()
                    .chain(f.controls.iter().copied())
                    .collect(),
            })
        })
        .collect();
    let fit = cox::fit(&rows).map(|f| {
        let ph = cox::ph_test(&rows, &f).ok();
        (f, ph)
    });
    Fitted {
        model,
        terms: exposures
            .iter()
            .map(|s| s.to_string())
            .chain(controls.iter().cloned())
            .collect(),
        fit,
        events: rows.iter().filter(|r| r.event).count(),
    }
}

/// The `complaint_hazard` mart: per model (`complained`; `outcome` where the log records
/// closing) and term, the coefficient, hazard ratio with its Wald interval and test, the
/// q-value (BH over the model's terms), the proportional-hazards test of the term; per model
/// the likelihood-ratio test, the global proportional-hazards test, customers and events; a
/// row with the reason in `note` when a model cannot be estimated.
pub(super) fn mart(
    period: Period,
    follow: &[Followup],
    controls: &[String],
    outcomes: bool,
    confidence: f64,
) -> Vec<ComplaintHazard> {
    let customers = follow
        .iter()
        .filter(|f| (f.stop - f.start).num_days() > 0)
        .count();
    let mut models = vec![fit_model(COMPLAINED, follow, controls)];
    if outcomes {
        models.push(fit_model(OUTCOME, follow, controls));
    }
    let z = stats::z_critical(confidence);
    let row = |model: &str, term: Option<String>, events: usize| ComplaintHazard {
        period: period.to_string(),
        model: model.to_string(),
        term,
        coef: None,
        se: None,
        hazard_ratio: None,
        hr_ci_low: None,
        hr_ci_high: None,
        p_value: None,
        q_value: None,
        ph_chi2: None,
        ph_p_value: None,
        lr_chi2: None,
        lr_p_value: None,
        ph_global_chi2: None,
        ph_global_p_value: None,
        customers,
        events,
        note: None,
    };
    let mut out = Vec::new();
    for m in &models {
        match &m.fit {
            Ok((f, ph)) => {
                let q = stats::bh_qvalues_opt(&f.p.iter().map(|p| Some(*p)).collect::<Vec<_>>());
                for (j, term) in m.terms.iter().enumerate() {
                    let (b, s) = (f.coef[j], f.se[j]);
                    out.push(ComplaintHazard {
                        coef: Some(b),
                        se: Some(s),
                        hazard_ratio: Some(b.exp()),
                        hr_ci_low: Some((b - z * s).exp()),
                        hr_ci_high: Some((b + z * s).exp()),
                        p_value: Some(f.p[j]),
                        q_value: q[j],
                        ph_chi2: ph.as_ref().map(|t| t.chi2[j]),
                        ph_p_value: ph.as_ref().map(|t| t.p[j]),
                        lr_chi2: Some(f.lr),
                        lr_p_value: Some(f.lr_p),
                        ph_global_chi2: ph.as_ref().map(|t| t.global_chi2),
                        ph_global_p_value: ph.as_ref().map(|t| t.global_p),
                        ..row(m.model, Some(term.clone()), f.events)
                    });
                }
            }
            Err(why) => out.push(ComplaintHazard {
                note: Some(why.clone()),
                ..row(m.model, None, m.events)
            }),
        }
    }
    out
}

/// The retention curves' groups (Simon–Makuch): each follow-up's stretches before any
/// complaint in "none", from the first complaint on in "after_complaint"; everyone in "all"
/// when nothing says who complained.
pub(super) fn curve_groups(follow: &[Followup], informed: bool) -> Vec<(String, Vec<AtRisk>)> {
    let names: &[&str] = if informed {
        &["none", "after_complaint"]
    } else {
        &["all"]
    };
    let mut groups: Vec<(String, Vec<AtRisk>)> =
        names.iter().map(|n| (n.to_string(), Vec::new())).collect();
    for f in follow {
        // Consecutive stretches of one customer in one group (an outcome change) are one
        // stay in it.
        let mut stays: Vec<(usize, AtRisk)> = Vec::new();
        for p in pieces(f) {
            let g = (informed && p.complained) as usize;
            match stays.last_mut() {
                Some((h, last)) if *h == g => {
                    last.stop = p.stop;
                    last.event = p.event;
                }
                _ => stays.push((
                    g,
                    AtRisk {
                        start: p.start,
                        stop: p.stop,
                        event: p.event,
                    },
                )),
            }
        }
        for (g, r) in stays {
            groups[g].1.push(r);
        }
    }
    groups
}

/// The `survival` mart from groups of (start, stop] rows: each group's Kaplan–Meier curve
/// (on counting-process data: Simon–Makuch for groups a customer moves between, the
/// ordinary estimate for fixed groups), its pointwise interval, and the log-rank test
/// across the groups; `method` says which grouping it is.
pub(super) fn survival_mart(
    period: Period,
    groups: &[(String, Vec<AtRisk>)],
    method: &str,
    confidence: f64,
) -> Vec<Survival> {
    let lr = churn::log_rank_counting(
        &groups
            .iter()
            .filter(|(_, r)| !r.is_empty())
            .map(|(_, r)| r.clone())
            .collect::<Vec<_>>(),
    );
    let mut out = Vec::new();
    for (g, rows) in groups {
        for p in churn::kaplan_meier_counting(rows, confidence) {
            out.push(Survival {
                period: period.to_string(),
                method: method.to_string(),
                group: g.clone(),
                day: p.time,
                at_risk: p.at_risk,
                events: p.events,
                censored: p.censored,
                survival: p.survival,
                ci_low: p.ci.map(|c| c.0),
                ci_high: p.ci.map(|c| c.1),
                logrank_chi2: lr.map(|l| l.0),
                logrank_p: lr.map(|l| l.1),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn f(complaints: Vec<Filed>, churned: bool) -> Followup {
        Followup {
            start: d("2026-01-01"),
            stop: d("2026-01-31"),
            churned,
            complaints,
            controls: Vec::new(),
        }
    }

    fn filed(r: &str, closed: Option<(&str, bool)>) -> Filed {
        Filed {
            received: d(r),
            closed: closed.map(|(c, ok)| (d(c), ok)),
        }
    }

    fn span(p: &Piece) -> (f64, f64, bool, bool, Option<Stage>) {
        (p.start, p.stop, p.event, p.complained, p.stage)
    }

    #[test]
    fn a_complaint_splits_the_follow_up_on_its_day_and_on_its_closing() {
        use Stage::*;
        // Received on day 10, closed late on day 15, churn at day 30.
        let r = pieces(&f(
            vec![filed("2026-01-11", Some(("2026-01-16", false)))],
            true,
        ));
        assert_eq!(
            r.iter().map(span).collect::<Vec<_>>(),
            vec![
                (0.0, 10.0, false, false, None),
                (10.0, 15.0, false, true, Some(Open)),
                (15.0, 30.0, true, true, Some(Late)),
            ]
        );
        // A second complaint reopens the status; the latest decides.
        let r = pieces(&f(
            vec![
                filed("2026-01-21", None),
                filed("2026-01-03", Some(("2026-01-04", true))),
            ],
            false,
        ));
        assert_eq!(
            r.iter().map(|p| (p.start, p.stage)).collect::<Vec<_>>(),
            vec![
                (0.0, None),
                (2.0, Some(Open)),
                (3.0, Some(InTime)),
                (20.0, Some(Open))
            ]
        );
        assert!(!r.last().unwrap().event);
        // Before the start: complained throughout; after the end: never; never: never.
        assert_eq!(
            pieces(&f(vec![filed("2025-12-01", None)], false))[0].stage,
            Some(Open)
        );
        assert!(!pieces(&f(vec![filed("2026-02-15", None)], false))[0].complained);
        assert_eq!(pieces(&f(vec![], false)).len(), 1);
        // No follow-up: no stretches.
        let empty = Followup {
            stop: d("2026-01-01"),
            ..f(vec![], true)
        };
        assert!(pieces(&empty).is_empty());
    }

    #[test]
    fn a_customer_moves_between_the_curves_on_the_day_of_the_complaint() {
        let follow = [
            f(vec![filed("2026-01-11", Some(("2026-01-16", false)))], true),
            f(vec![], false),
        ];
        let g = curve_groups(&follow, true);
        let rows = |i: usize| {
            g[i].1
                .iter()
                .map(|r| (r.start, r.stop, r.event))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(0), vec![(0.0, 10.0, false), (0.0, 30.0, false)]);
        // Open then closed late: one stay in the "after a complaint" group.
        assert_eq!(rows(1), vec![(10.0, 30.0, true)]);
        let all = curve_groups(&follow, false);
        assert_eq!((all.len(), all[0].1.len()), (1, 2));
    }
}

//! Complaint → churn: which customers complained before churning and how their complaint
//! was handled (exposure), churn per complaint group against customers without complaints,
//! the logistic churn model, the retention curves and the time-varying hazard models.

use super::*;

/// A customer's complaint exposure before churning (or before the period's end).
#[derive(Debug, Clone, Default)]
pub(super) struct Exposure {
    pub(super) count: usize,
    pub(super) late: bool,
    pub(super) unresolved: bool,
    pub(super) severe: bool,
    pub(super) categories: Vec<String>,
}

/// The churn models' controls from config (default: tier): a category as dummies against
/// its most frequent value (`(segment, Some(value))`), a number as itself (`(name, None)`).
pub(super) fn control_terms(cfg: &Config, custs: &[Customer]) -> Vec<(String, Option<String>)> {
    let mut controls: Vec<(String, Option<String>)> = Vec::new();
    for ctl in &cfg.churn_controls {
        if numeric_control(cfg, ctl) {
            controls.push((ctl.clone(), None));
            continue;
        }
        let mut values: BTreeMap<String, usize> = BTreeMap::new();
        for c in custs {
            if let Some(v) = c.segment(ctl) {
                *values.entry(v.to_string()).or_default() += 1;
            }
        }
        let mut ordered: Vec<(String, usize)> = values.into_iter().collect();
        ordered.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        controls.extend(
            ordered
                .into_iter()
                .skip(1)
                .map(|(v, _)| (ctl.clone(), Some(v))),
        );
    }
    controls
}

pub(super) fn control_name((s, v): &(String, Option<String>)) -> String {
    match v {
        Some(v) => format!("{s}:{v}"),
        None => s.clone(),
    }
}

/// A customer's values of the controls; `None` when a numeric control is unknown (such
/// customers are left out of the models: complete cases, as statsmodels' missing="drop").
pub(super) fn control_values(
    c: &Customer,
    controls: &[(String, Option<String>)],
) -> Option<Vec<f64>> {
    controls
        .iter()
        .map(|(s, v)| match v {
            Some(v) => Some((c.segment(s) == Some(v.as_str())) as u8 as f64),
            None => c.numbers.get(s).copied(),
        })
        .collect()
}

/// Each customer's follow-up over the twelve months from `origin` to `end`: from the first
/// purchase (or the origin) to the churn date or the period's end, none for a churn before
/// it began; their complaints before the churn date (a complaint on or after it is no cause)
/// and by the period's end; their control values (`tenure` as at the start of follow-up,
/// the model's covariates being fixed over it), and whether every control is known.
pub(super) fn followups(
    custs: &[Customer],
    by_customer: &HashMap<&str, Vec<&Complaint>>,
    h: &Handling,
    origin: NaiveDate,
    end: NaiveDate,
    controls: &[(String, Option<String>)],
) -> Vec<(usize, hazard::Followup, bool)> {
    custs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let start = c.first.map(|f| f.max(origin)).unwrap_or(origin);
            let (stop, churned) = match c.churn_date {
                Some(d) if d >= start => (d, true),
                Some(_) => return None,
                None => (end, false),
            };
            let complaints = by_customer
                .get(c.id.as_str())
                .into_iter()
                .flatten()
                .filter(|k| {
                    let d = k.received.date();
                    d <= end && (!churned || d < stop)
                })
                .map(|k| hazard::Filed {
                    received: k.received.date(),
                    // One rule for "in time" (≤ the commitment), as for the marts.
                    closed: k
                        .closed
                        .map(|t| (t.date(), h.closed_in_time(k) == Some(true))),
                })
                .collect();
            // Tenure as at the start of follow-up (the customer's own is to its end).
            let tenure = c.first.map(|f| (start - f).num_days() as f64 / 365.25);
            let values = control_values(c, controls).map(|mut v| {
                for (x, (name, value)) in v.iter_mut().zip(controls) {
                    if name == "tenure" && value.is_none() {
                        *x = tenure.unwrap_or(*x);
                    }
                }
                v
            });
            Some((
                i,
                hazard::Followup {
                    start,
                    stop,
                    churned,
                    complaints,
                    controls: values.clone().unwrap_or_default(),
                },
                values.is_some(),
            ))
        })
        .collect()
}

/// Retention groups fixed from the start of follow-up (a complaint flag without a date):
/// "none" and "any", each customer's whole follow-up in one.
pub(super) fn fixed_groups(
    follow: &[(usize, hazard::Followup, bool)],
    ex: &[Exposure],
) -> Vec<(String, Vec<churn::AtRisk>)> {
    let mut groups = vec![
        ("none".to_string(), Vec::new()),
        ("any".to_string(), Vec::new()),
    ];
    for (i, f, _) in follow {
        let days = (f.stop - f.start).num_days() as f64;
        if days > 0.0 {
            groups[(ex[*i].count > 0) as usize].1.push(churn::AtRisk {
                start: 0.0,
                stop: days,
                event: f.churned,
            });
        }
    }
    groups
}

/// The complaint → churn marts: churn by complaint group, the churn model, the retention
/// curves and (with a dated complaint log) the time-varying hazard models.
pub(super) type ChurnMarts = (
    Vec<mart::ComplaintChurn>,
    Vec<mart::ChurnModel>,
    Vec<mart::Survival>,
    Option<Vec<mart::ComplaintHazard>>,
);

/// What every complaint → churn mart of a period works from.
struct Churn<'a> {
    cfg: &'a Config,
    period: Period,
    all: &'a [Complaint],
    custs: &'a [Customer],
    h: &'a Handling<'a>,
    by_customer: HashMap<&'a str, Vec<&'a Complaint>>,
    /// Each customer's exposure, in `custs` order.
    ex: Vec<Exposure>,
    /// A complaint log is ingested (not only a flag in the customer file).
    has_log: bool,
    /// The log records when complaints closed (outcomes: in time, late, unresolved).
    closes: bool,
    controls: Vec<(String, Option<String>)>,
}

pub(super) fn churn_marts(
    cfg: &Config,
    period: Period,
    all: &[Complaint],
    custs: &[Customer],
    h: &Handling,
    notes: &mut Vec<String>,
) -> Result<ChurnMarts, MetricsError> {
    let end = period.last_day();
    let mut by_customer: HashMap<&str, Vec<&Complaint>> = HashMap::new();
    for c in all {
        if let Some(id) = &c.customer {
            by_customer.entry(id.as_str()).or_default().push(c);
        }
    }
    let ex = custs
        .iter()
        .map(|c| exposure(c, &by_customer, h, end))
        .collect();
    let ch = Churn {
        cfg,
        period,
        all,
        custs,
        h,
        by_customer,
        ex,
        has_log: !all.is_empty(),
        closes: all.iter().any(|c| c.close_measured),
        controls: control_terms(cfg, custs),
    };
    let cc = ch.complaint_churn();
    let model = ch.model(notes);
    let (surv, hazard) = ch.retention(notes);
    Ok((cc, model, surv, hazard))
}

/// A customer's complaints before churning (a complaint on or after the churn date is not a
/// cause) and by the period's `end`.
fn exposure(
    c: &Customer,
    by_customer: &HashMap<&str, Vec<&Complaint>>,
    h: &Handling,
    end: NaiveDate,
) -> Exposure {
    let until = c.churn_date.unwrap_or(end);
    let mut e = Exposure::default();
    for k in by_customer
        .get(c.id.as_str())
        .map(|v| v.as_slice())
        .unwrap_or(&[])
    {
        if k.received.date() >= until && c.churn_date.is_some() || k.received.date() > end {
            continue;
        }
        e.count += 1;
        // Churn looks at what happened: an open complaint is unresolved, even when its
        // commitment has not run out yet.
        match (k.close_measured, k.closed, h.closed_in_time(k)) {
            (false, ..) => {}
            (true, None, _) => e.unresolved = true,
            (true, Some(_), Some(false)) => e.late = true,
            _ => {}
        }
        e.severe |= k.severity.contains("重大") || k.severity.eq_ignore_ascii_case("major");
        e.categories.push(k.category.clone());
    }
    if e.count == 0 && c.complained_flag {
        e.count = 1;
    }
    e
}

/// A customer's outcome group by their exposure.
fn outcome_group(e: &Exposure) -> &'static str {
    if e.count == 0 {
        "none"
    } else if e.unresolved {
        "unresolved"
    } else if e.late {
        "closed_late"
    } else {
        "closed_within_commitment"
    }
}

/// One group of the complaint_churn mart: its customers, churners, churn rate and the
/// association with churn against customers without complaints.
struct GroupChurn {
    group: String,
    n: usize,
    k: usize,
    w: Option<(f64, f64, f64)>,
    assoc: Option<churn::Association>,
}

impl Churn<'_> {
    fn who(&self, keep: impl Fn(&Exposure) -> bool) -> Vec<usize> {
        (0..self.custs.len())
            .filter(|&i| keep(&self.ex[i]))
            .collect()
    }

    /// The groups compared: none, any, each outcome (where closings are recorded), each
    /// severity and each category with at least `min_n` customers (with a complaint log).
    fn groups(&self) -> Vec<(String, Vec<usize>)> {
        let mut defs: Vec<(String, Vec<usize>)> = vec![
            ("none".into(), self.who(|e| e.count == 0)),
            ("any".into(), self.who(|e| e.count > 0)),
        ];
        if !self.has_log {
            return defs;
        }
        for g in ["closed_within_commitment", "closed_late", "unresolved"]
            .into_iter()
            .filter(|_| self.closes)
        {
            defs.push((g.into(), self.who(|e| outcome_group(e) == g)));
        }
        for (label, pred) in [("severity:重大", true), ("severity:一般", false)] {
            defs.push((label.into(), self.who(|e| e.count > 0 && e.severe == pred)));
        }
        let mut cats: Vec<String> = self.ex.iter().flat_map(|e| e.categories.clone()).collect();
        cats.sort();
        cats.dedup();
        for c in cats {
            let members = self.who(|e| e.categories.contains(&c));
            if members.len() >= self.cfg.min_n {
                defs.push((format!("category:{c}"), members));
            }
        }
        defs
    }

    /// The complaint_churn mart: churn per group, each against customers without complaints.
    fn complaint_churn(&self) -> Vec<mart::ComplaintChurn> {
        let (cfg, custs) = (self.cfg, self.custs);
        let none = self.who(|e| e.count == 0);
        let (n0, k0) = (
            none.len(),
            none.iter().filter(|&&i| custs[i].churned).count(),
        );
        let rows: Vec<GroupChurn> = self
            .groups()
            .into_iter()
            .map(|(g, members)| {
                let k = members.iter().filter(|&&i| custs[i].churned).count();
                let assoc = (g != "none" && !members.is_empty() && n0 > 0).then(|| {
                    Table2x2 {
                        a: k as u64,
                        b: (members.len() - k) as u64,
                        c: k0 as u64,
                        d: (n0 - k0) as u64,
                    }
                    .association(cfg.confidence)
                });
                GroupChurn {
                    w: stats::wilson(k, members.len(), cfg.confidence),
                    group: g,
                    n: members.len(),
                    k,
                    assoc,
                }
            })
            .collect();
        let group_q = stats::bh_qvalues_opt(
            &rows
                .iter()
                .map(|r| r.assoc.map(|a| a.p))
                .collect::<Vec<_>>(),
        );
        rows.iter()
            .zip(group_q)
            .map(|(r, q)| self.churn_row(r, q))
            .collect()
    }

    fn churn_row(&self, r: &GroupChurn, q: Option<f64>) -> mart::ComplaintChurn {
        let (rr, or) = (r.assoc.and_then(|a| a.rr), r.assoc.and_then(|a| a.or));
        mart::ComplaintChurn {
            period: self.period.to_string(),
            group: r.group.clone(),
            customers: r.n,
            churned: r.k,
            churn_rate: r.w.map(|w| w.0),
            ci_low: r.w.map(|w| w.1),
            ci_high: r.w.map(|w| w.2),
            rr_vs_none: rr.map(|x| x.0),
            rr_ci_low: rr.map(|x| x.1),
            rr_ci_high: rr.map(|x| x.2),
            or_vs_none: or.map(|x| x.0),
            or_ci_low: or.map(|x| x.1),
            or_ci_high: or.map(|x| x.2),
            test: r
                .assoc
                .map(|a| if a.fisher { "fisher" } else { "chi_square" }.to_string()),
            chi2: r.assoc.filter(|a| !a.fisher).map(|a| a.chi2),
            p_value: r.assoc.map(|a| a.p),
            // The groups' tests against customers without complaints: one family.
            q_value: q,
            phi: r.assoc.map(|a| a.phi),
        }
    }

    /// The logistic model's terms and design (churn on complained, complaints, closed late,
    /// severe and the controls), over the customers with every control known. The complaint
    /// count is a term only where some customer complained more than once (otherwise it
    /// equals `complained` and the model would be singular).
    fn design(&self) -> (Vec<String>, Vec<Vec<f64>>, Vec<f64>) {
        let counts = self.ex.iter().any(|e| e.count > 1);
        let mut terms: Vec<String> = vec!["intercept".into(), "complained".into()];
        if counts {
            terms.push("complaints".into());
        }
        if self.closes {
            terms.push("closed_late".into());
        }
        if self.has_log {
            terms.push("severe".into());
        }
        terms.extend(self.controls.iter().map(control_name));
        let complete: Vec<usize> = (0..self.custs.len())
            .filter(|&i| control_values(&self.custs[i], &self.controls).is_some())
            .collect();
        let x: Vec<Vec<f64>> = complete
            .iter()
            .map(|&i| {
                let (c, e) = (&self.custs[i], &self.ex[i]);
                let mut row = vec![1.0, (e.count > 0) as u8 as f64];
                if counts {
                    row.push(e.count as f64);
                }
                if self.closes {
                    row.push((e.late || e.unresolved) as u8 as f64);
                }
                if self.has_log {
                    row.push(e.severe as u8 as f64);
                }
                row.extend(control_values(c, &self.controls).unwrap_or_default());
                row
            })
            .collect();
        let y: Vec<f64> = complete
            .iter()
            .map(|&i| self.custs[i].churned as u8 as f64)
            .collect();
        (terms, x, y)
    }

    /// The churn_model mart: the logistic model's terms, or one row with the reason it
    /// could not be fitted.
    fn model(&self, notes: &mut Vec<String>) -> Vec<mart::ChurnModel> {
        let (cfg, period) = (self.cfg, self.period);
        let (terms, x, y) = self.design();
        let events = y.iter().filter(|v| **v > 0.0).count();
        let z = stats::z_critical(cfg.confidence);
        let m = match churn::logistic(&x, &y) {
            Ok(m) => m,
            Err(msg) => {
                // The model is reported only where something says who complained.
                if cfg.has_complaint_info() {
                    notes.push(format!("churn model {period}: {msg}"));
                }
                // One row: the note, no estimates.
                return vec![mart::ChurnModel {
                    period: period.to_string(),
                    term: None,
                    coef: None,
                    se: None,
                    z: None,
                    p_value: None,
                    q_value: None,
                    odds_ratio: None,
                    or_ci_low: None,
                    or_ci_high: None,
                    n: None,
                    events: None,
                    log_likelihood: None,
                    note: Some(msg),
                }];
            }
        };
        // The model's terms other than the intercept: one family.
        let q = stats::bh_qvalues_opt(
            &terms
                .iter()
                .enumerate()
                .map(|(j, t)| (t != "intercept").then_some(m.p[j]))
                .collect::<Vec<_>>(),
        );
        terms
            .iter()
            .enumerate()
            .map(|(j, t)| mart::ChurnModel {
                period: period.to_string(),
                term: Some(t.clone()),
                coef: Some(m.coef[j]),
                se: Some(m.se[j]),
                z: Some(m.z[j]),
                p_value: Some(m.p[j]),
                q_value: q[j],
                odds_ratio: Some(m.coef[j].exp()),
                or_ci_low: Some((m.coef[j] - z * m.se[j]).exp()),
                or_ci_high: Some((m.coef[j] + z * m.se[j]).exp()),
                n: Some(y.len()),
                events: Some(events),
                log_likelihood: Some(m.log_likelihood),
                note: m.note.clone(),
            })
            .collect()
    }

    /// Retention over the twelve months to the period's end: the survival mart's curves
    /// and, with a dated complaint log, the hazard models.
    fn retention(
        &self,
        notes: &mut Vec<String>,
    ) -> (Vec<mart::Survival>, Option<Vec<mart::ComplaintHazard>>) {
        let (cfg, period, custs) = (self.cfg, self.period, self.custs);
        let end = period.last_day();
        let origin = (0..11).fold(period, |p, _| p.prev()).first_day();
        let informed = cfg.has_complaint_info();
        // Kaplan–Meier needs when each customer churned: a churner without a date cannot be
        // placed on the curve (and must never count as retained), so without dates there is
        // no curve, and the note says why.
        let undated = custs
            .iter()
            .filter(|c| c.churned && c.churn_date.is_none())
            .count();
        let churners = custs.iter().filter(|c| c.churned).count();
        let follow = followups(
            custs,
            &self.by_customer,
            self.h,
            origin,
            end,
            &self.controls,
        );
        let (groups, method) = if undated > 0 {
            notes.push(format!("survival {period}: not estimated: {undated} of {churners} churned customers have no churn date, and a retention curve needs when each churned; map churn_date (or set [churn] after_days with last_purchase) for the Kaplan–Meier curves; the churn rates and the model need no dates"));
            (Vec::new(), "none")
        } else if self.has_log || !informed {
            // A complaint log dates each complaint: customers move to the "after a
            // complaint" curve on its day (Simon–Makuch).
            let f: Vec<hazard::Followup> = follow.iter().map(|(_, f, _)| f.clone()).collect();
            let method = if informed { "simon_makuch" } else { "overall" };
            (hazard::curve_groups(&f, informed), method)
        } else {
            // Only a complaint flag in the customer file: no day to move on, so the groups
            // are fixed from the start of follow-up (and the note says what that means).
            notes.push(format!("survival {period}: the customer file flags complaints without their dates, so the curves group customers from the start of follow-up by a complaint made during it (immortal-time bias: the gap between the curves understates the effect of a complaint); a complaint log with dates gives curves that move customers on the day of the complaint"));
            (fixed_groups(&follow, &self.ex), "fixed")
        };
        let surv = hazard::survival_mart(period, &groups, method, cfg.confidence);
        // The same follow-up with the complaint as a time-varying exposure (a complaint log
        // gives its day; churners need their dates, as for the curves), for the customers
        // with every control known. The outcome model needs every complaint's closing
        // recorded.
        if !self.has_log || undated > 0 {
            return (surv, None);
        }
        let f: Vec<hazard::Followup> = follow
            .into_iter()
            .filter_map(|(_, f, complete)| complete.then_some(f))
            .collect();
        let outcomes = self.closes && self.all.iter().all(|c| c.close_measured);
        let names: Vec<String> = self.controls.iter().map(control_name).collect();
        let hazard = hazard::mart(period, &f, &names, outcomes, cfg.confidence);
        (surv, Some(hazard))
    }
}

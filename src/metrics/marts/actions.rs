//! The actions mart: each improvement action's measure before and after it (from the
//! survey sums of its store, or everyone's), with a test of the change.

use super::*;

/// Months compared before an action starts and after it closes.
pub const ACTION_WINDOW_MONTHS: usize = 3;

/// One action as the mart reports it, before its q-value.
#[derive(Default)]
struct Row {
    id: String,
    title: String,
    measure: String,
    store: Option<String>,
    owner: Option<String>,
    opened: Option<String>,
    closed: Option<String>,
    status: String,
    before: Option<(usize, stats::WeightedMean)>,
    after: Option<(usize, stats::WeightedMean)>,
    diff: Option<f64>,
    ci: Option<(f64, f64)>,
    p: Option<f64>,
    note: Option<&'static str>,
}

/// The sums of `measure` for `segment` = `value`, pooled over `months` (`None` when no month
/// has them).
fn pooled(
    sums: &[Cell],
    (seg, val): (&str, &str),
    measure: &str,
    months: &[Period],
) -> Option<Sums> {
    let mut acc: Option<Sums> = None;
    for mo in months {
        let mo = mo.to_string();
        if let Some(c) = sums
            .iter()
            .find(|c| c.period == mo && c.segment == seg && c.value == val && c.measure == measure)
        {
            let a = acc.get_or_insert_with(Sums::default);
            a.n += c.sums.n;
            a.sw += c.sums.sw;
            a.sw2 += c.sums.sw2;
            a.swx += c.sums.swx;
            a.swx2 += c.sums.swx2;
        }
    }
    acc
}

/// The [`ACTION_WINDOW_MONTHS`] months before `from` (newest first) that are not before
/// `first`, or (`after`) the months after it (oldest first) that are not after `last`.
fn window(from: Option<Period>, after: bool, first: Period, last: Period) -> Vec<Period> {
    let Some(mut p) = from else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for _ in 0..ACTION_WINDOW_MONTHS {
        p = if after { p.next() } else { p.prev() };
        if (after && p <= last) || (!after && p >= first) {
            v.push(p);
        }
    }
    v
}

/// After − before with Welch's interval and test, where both windows have a mean.
fn compare(r: &mut Row, confidence: f64) {
    let (Some((_, b)), Some((_, a))) = (r.before, r.after) else {
        return;
    };
    r.diff = Some(a.mean - b.mean);
    if let (Some(sa), Some(sb)) = (a.sd, b.sd) {
        r.ci = stats::welch_diff_ci(a.mean, sa, a.n_eff, b.mean, sb, b.n_eff, confidence);
        r.p = testable(stats::welch(a.mean, sa, a.n_eff, b.mean, sb, b.n_eff)).map(|t| t.p);
    }
}

/// The `actions` mart: each improvement action with its target measure before and after.
/// "Before" pools the (up to) three full months before the month the action opened;
/// "after" pools the (up to) three full months after the month it closed, up to the
/// period. Both come from the survey sums of the action's store (or everyone when the
/// action names no store) and are compared with Welch's test and interval (after − before).
/// An action whose measure is not a survey item, dimension or the CSI, which is still open,
/// or whose windows fall outside the 13 months analysed gets a `status_note` saying so.
pub(super) fn actions(
    inp: &Inputs,
    df: &DataFrame,
    sums: &[Cell],
) -> Result<Vec<mart::Action>, MetricsError> {
    let cfg = inp.cfg;
    let e = err("actions");
    let s = |c| frame::strs(df, c).map_err(&e);
    let (id, title, measure, store, owner) = (
        s("action_id")?,
        s("title")?,
        s("measure")?,
        s("store")?,
        s("owner")?,
    );
    let (opened, closed) = (
        frame::dates(df, "opened").map_err(&e)?,
        frame::dates(df, "closed").map_err(&e)?,
    );
    let first_month = {
        let mut p = inp.period;
        for _ in 0..12 {
            p = p.prev();
        }
        p
    };
    let mut rows = Vec::new();
    let mut order: Vec<usize> = (0..df.height()).collect();
    order.sort_by(|&a, &b| opened[a].cmp(&opened[b]).then(id[a].cmp(&id[b])));
    for i in order {
        let m = measure[i].clone().unwrap_or_default();
        let known = m == CSI || cfg.item(&m).is_some() || cfg.dimensions.iter().any(|d| d.id == m);
        let (seg, val) = match &store[i] {
            Some(st) => ("store", st.clone()),
            None => ("all", "all".to_string()),
        };
        let open_month = opened[i].map(Period::of_date);
        let close_month = closed[i].map(Period::of_date);
        let before_months = window(open_month, false, first_month, inp.period);
        let after_months = window(close_month, true, first_month, inp.period);
        let mut r = Row {
            id: id[i].clone().unwrap_or_default(),
            title: title[i].clone().unwrap_or_default(),
            measure: m.clone(),
            store: store[i].clone(),
            owner: owner[i].clone(),
            opened: opened[i].map(|d| d.to_string()),
            closed: closed[i].map(|d| d.to_string()),
            status: if closed[i].is_some() {
                "closed"
            } else {
                "open"
            }
            .to_string(),
            ..Row::default()
        };
        if !known {
            r.note = Some("not_a_survey_measure");
        } else {
            let wm = |x: Option<Sums>| {
                x.and_then(|s| stats::weighted_mean_ci(s, cfg.confidence).map(|m| (s.n, m)))
            };
            r.before = wm(pooled(sums, (seg, &val), &m, &before_months));
            if closed[i].is_some() {
                r.after = wm(pooled(sums, (seg, &val), &m, &after_months));
            }
            r.note = match (r.before.is_some(), closed[i].is_some(), r.after.is_some()) {
                (_, false, _) => Some("open"),
                (_, true, false) if after_months.is_empty() => Some("too_early"),
                (false, _, _) => Some("no_data_before"),
                (true, true, false) => Some("no_data_after"),
                _ => None,
            };
            compare(&mut r, cfg.confidence);
        }
        rows.push(r);
    }
    let p = inp.period.to_string();
    let action_q = stats::bh_qvalues_opt(&rows.iter().map(|r| r.p).collect::<Vec<_>>());
    Ok(rows
        .into_iter()
        .zip(action_q)
        .map(|(r, q)| r.into_mart(&p, q))
        .collect())
}

impl Row {
    /// The mart row of the action in `period`, with its BH q-value among the month's actions.
    fn into_mart(self, period: &str, q: Option<f64>) -> mart::Action {
        mart::Action {
            period: period.to_string(),
            action_id: self.id,
            title: self.title,
            measure: self.measure,
            store: self.store,
            owner: self.owner,
            opened: self.opened,
            closed: self.closed,
            status: self.status,
            before_n: self.before.map(|b| b.0),
            before_mean: self.before.map(|b| b.1.mean),
            before_ci_low: self.before.and_then(|b| b.1.ci).map(|c| c.0),
            before_ci_high: self.before.and_then(|b| b.1.ci).map(|c| c.1),
            after_n: self.after.map(|b| b.0),
            after_mean: self.after.map(|b| b.1.mean),
            after_ci_low: self.after.and_then(|b| b.1.ci).map(|c| c.0),
            after_ci_high: self.after.and_then(|b| b.1.ci).map(|c| c.1),
            diff: self.diff,
            diff_ci_low: self.ci.map(|c| c.0),
            diff_ci_high: self.ci.map(|c| c.1),
            p_value: self.p,
            // The actions of the month are one family (Benjamini–Hochberg).
            q_value: q,
            status_note: self.note.map(str::to_string),
        }
    }
}

use super::churn_status;
use chrono::NaiveDate;

fn d(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

#[test]
fn a_complaint_flag_without_dates_groups_the_whole_follow_up() {
    use super::super::hazard;
    use super::{fixed_groups, Exposure};
    let f = |days: i64, churned| hazard::Followup {
        start: d("2026-01-01").unwrap(),
        stop: d("2026-01-01").unwrap() + chrono::Duration::days(days),
        churned,
        complaints: Vec::new(),
        controls: Vec::new(),
    };
    let follow = vec![
        (0, f(30, true), true),
        (1, f(10, false), true),
        (2, f(0, true), true),
    ];
    let ex = vec![
        Exposure {
            count: 1,
            ..Exposure::default()
        },
        Exposure::default(),
        Exposure::default(),
    ];
    let g = fixed_groups(&follow, &ex);
    let rows = |i: usize| {
        g[i].1
            .iter()
            .map(|r| (r.start, r.stop, r.event))
            .collect::<Vec<_>>()
    };
    assert_eq!((g[0].0.as_str(), g[1].0.as_str()), ("none", "any"));
    // The complainer's whole follow-up in "any"; a churn on the first day is not at risk.
    assert_eq!(rows(1), vec![(0.0, 30.0, true)]);
    assert_eq!(rows(0), vec![(0.0, 10.0, false)]);
}

#[test]
fn churn_is_a_flag_a_date_by_the_period_end_or_a_year_without_purchase() {
    let oct: crate::period::Period = "2026-10".parse().unwrap();
    // Derived: last purchase 2025-10-31 + 365 days = 2026-10-31, the period's last day.
    assert_eq!(
        churn_status(None, None, d("2025-10-31"), Some(365), oct),
        (true, d("2026-10-31"))
    );
    // One day later is November: not churned in October.
    assert_eq!(
        churn_status(None, None, d("2025-11-01"), Some(365), oct),
        (false, None)
    );
    // A flag or a date decides; a derived date never overrides them.
    assert_eq!(
        churn_status(Some(false), None, d("2020-01-01"), Some(365), oct),
        (false, None)
    );
    assert_eq!(
        churn_status(Some(true), None, None, None, oct),
        (true, None)
    );
    assert_eq!(
        churn_status(None, d("2026-11-05"), None, None, oct),
        (false, None)
    );
    assert_eq!(
        churn_status(None, d("2026-10-05"), None, None, oct),
        (true, d("2026-10-05"))
    );
}

#[test]
fn the_snapshot_of_a_period_is_the_newest_at_or_before_it() {
    use super::snapshot_at;
    use crate::period::Period;
    let p = |s: &str| Some(s.to_string());
    let rows = [p("2026-06"), None, p("2026-09"), p("2026-12"), p("2026-09")];
    let at = |m: &str| snapshot_at(&rows, m.parse::<Period>().unwrap());
    assert_eq!(
        at("2026-10"),
        p("2026-09"),
        "the newest before, not the later one"
    );
    assert_eq!(
        at("2026-09"),
        p("2026-09"),
        "a snapshot of the period itself"
    );
    assert_eq!(at("2027-01"), p("2026-12"));
    assert_eq!(
        at("2026-05"),
        None,
        "every snapshot is later: none describes the period"
    );
    assert_eq!(snapshot_at(&[None, None], "2026-10".parse().unwrap()), None);
}

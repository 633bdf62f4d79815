use super::*;

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap()
}

fn complaint(received: &str, first: Option<&str>, closed: Option<&str>) -> Complaint {
    Complaint {
        customer: None,
        received: t(received),
        first_response: first.map(t),
        closed: closed.map(t),
        status: String::new(),
        category: "送货".into(),
        severity: "一般".into(),
        channel: "热线".into(),
        store: None,
        region: None,
        satisfaction: None,
        timely: None,
        disputed: None,
        response_measured: true,
        close_measured: true,
    }
}

#[test]
fn complaints_whose_commitment_has_not_run_out_are_not_yet_due() {
    let cal = Calendar::china();
    let h = Handling {
        commitments: Commitments::default(),
        calendar: &cal,
        // The log's latest event: Saturday 2026-10-31, late evening.
        horizon: Some(t("2026-10-31 23:59:59")),
    };
    // Received Thursday 10-29: by Saturday 10-31 one working day (Friday 10-30) has
    // passed, within 3: open but not yet due, neither met nor failed.
    let recent = complaint("2026-10-29 10:00", Some("2026-10-29 12:00"), None);
    assert!(h.close_pending(&recent));
    assert_eq!(h.closed_in_time(&recent), None);
    // Received 10-20: 10-21 … 10-30 are 8 working days: open and late.
    let overdue = complaint("2026-10-20 10:00", Some("2026-10-20 12:00"), None);
    assert!(!h.close_pending(&overdue));
    assert_eq!(h.closed_in_time(&overdue), Some(false));
    // No response yet, received 10-31 10:00: 13 h 59 min 59 s ≤ 24 h, not yet due;
    // received 10-30 10:00: 37 h 59 min 59 s, failed.
    let fresh = complaint("2026-10-31 10:00", None, None);
    assert!(h.response_pending(&fresh) && h.responded_in_time(&fresh).is_none());
    let unanswered = complaint("2026-10-30 10:00", None, None);
    assert_eq!(h.responded_in_time(&unanswered), Some(false));
    // The horizon is the latest receipt, response or closing of the log.
    let log = [recent.clone(), overdue.clone(), fresh.clone()];
    assert_eq!(horizon(&log), Some(t("2026-10-31 10:00")));
}

#[test]
fn a_repeat_is_an_earlier_day_within_365_days() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let days = [
        d("2025-10-01"),
        d("2026-10-05"),
        d("2026-10-05"),
        d("2026-10-20"),
    ];
    // 2026-10-05: 2025-10-01 is 369 days before (outside); the other 10-05 is the same
    // day (a duplicate): not a repeat.
    assert!(!is_repeat(&days, d("2026-10-05")));
    // 2026-10-20: 10-05 is 15 days before.
    assert!(is_repeat(&days, d("2026-10-20")));
    // Exactly 365 days before is inside the window (2025-10-01 + 365 = 2026-10-01).
    assert!(is_repeat(
        &[d("2025-10-01"), d("2026-10-01")],
        d("2026-10-01")
    ));
}

#[test]
fn the_commitments_are_met_at_their_boundary_and_count_working_or_calendar_days() {
    let cal = Calendar::china();
    let h = Handling {
        commitments: Commitments::default(),
        calendar: &cal,
        horizon: None,
    };
    // Friday 2026-10-09 10:00 (the first working day after the National Day holiday).
    let on_time = complaint(
        "2026-10-09 10:00",
        Some("2026-10-10 10:00"),
        Some("2026-10-13 09:00"),
    );
    assert_eq!(
        h.responded_in_time(&on_time),
        Some(true),
        "exactly 24 h meets 24 h"
    );
    // Saturday 10-10 is a make-up working day (调休), Sunday 10-11 is not: 10-09 → 10-13
    // is 3 working days (10, 12, 13), 10-14 is 4.
    assert_eq!(h.close_days(&on_time), Some(3));
    assert_eq!(h.closed_in_time(&on_time), Some(true));
    let closed_late = complaint("2026-10-09 10:00", None, Some("2026-10-14 09:00"));
    assert_eq!(h.close_days(&closed_late), Some(4));
    assert_eq!(h.closed_in_time(&closed_late), Some(false));
    // Seconds count: 24 h 00 min 40 s is 24.0111 h (86,440 s / 3,600), after 24 h.
    let by_seconds = complaint("2026-10-09 10:00:00", Some("2026-10-10 10:00:40"), None);
    assert_eq!(h.responded_in_time(&by_seconds), Some(false));
    assert!((h.response_hours(&by_seconds).unwrap() - 86_440.0 / 3_600.0).abs() < 1e-12);
    let late = complaint("2026-10-09 10:00", Some("2026-10-10 10:01"), None);
    assert_eq!(h.responded_in_time(&late), Some(false));
    assert_eq!(
        h.closed_in_time(&late),
        Some(false),
        "open: not closed in time"
    );
    // Calendar days and other promises: 15 days, 48 h.
    let h15 = Handling {
        commitments: Commitments {
            respond_hours: 48.0,
            close_days: 15,
            calendar_days: true,
        },
        calendar: &cal,
        horizon: None,
    };
    let c = complaint(
        "2026-10-01 09:00",
        Some("2026-10-03 08:00"),
        Some("2026-10-16 09:00"),
    );
    assert_eq!(h15.close_days(&c), Some(15));
    assert_eq!(
        (h15.responded_in_time(&c), h15.closed_in_time(&c)),
        (Some(true), Some(true))
    );
    // The log's flag stands in for a missing time; a log that records nothing says so.
    let mut flagged = complaint("2026-10-01 09:00", None, None);
    flagged.timely = Some(true);
    assert_eq!(h.responded_in_time(&flagged), Some(true));
    flagged.response_measured = false;
    flagged.close_measured = false;
    assert_eq!(h.responded_in_time(&flagged), None);
    assert_eq!(h.closed_in_time(&flagged), None);
}

#[test]
fn a_log_without_close_times_has_no_close_share_never_zero() {
    let cal = Calendar::china();
    let h = Handling {
        commitments: Commitments::default(),
        calendar: &cal,
        horizon: None,
    };
    // A regulator-style log: received dates, a timely-response flag and a disputed flag.
    let cs: Vec<Complaint> = (0..40)
        .map(|i| {
            let mut c = complaint("2026-10-05 09:00", None, None);
            c.close_measured = false;
            c.timely = Some(i % 4 != 0);
            c.disputed = Some(i % 5 == 0);
            c
        })
        .collect();
    let cfg = {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("c.csv"), "x\n").unwrap();
        let text = r#"
            [questionnaire]
            items = [{ id = "q", zh = "总体", en = "Overall", scale = [1, 5], role = "overall" }]
            [[sources]]
            name = "log"
            kind = "complaints"
            path = "c.csv"
            date = "2026-10-05"
            columns = { complaint_id = "@line", category = "Issue", timely_response = "Timely?", disputed = "Disputed?" }
        "#;
        Config::resolve(toml::from_str(text).unwrap(), &dir.join("csat.toml"), dir).unwrap()
    };
    let rows = complaints_mart(&cfg, "2026-10".parse().unwrap(), &cs, 0, &h).unwrap();
    let df = <mart::Complaints as crate::mart::Mart>::to_frame(&rows).unwrap();
    let all = |c: &str| frame::f64s(&df, c).unwrap()[0];
    assert_eq!(all("count"), Some(40.0));
    assert_eq!(all("responded_in_time_n"), Some(40.0));
    assert_eq!(all("responded_in_time_share"), Some(0.75));
    assert_eq!(all("disputed_share"), Some(0.2));
    for c in [
        "closed_in_time_n",
        "closed_in_time_share",
        "open_count",
        "resolution_p50_days",
    ] {
        assert_eq!(all(c), None, "{c} is not available, not 0");
    }
    assert_eq!(not_measured(&cs).len(), 1);
    assert!(not_measured(&cs)[0].contains("no close time"));
}

use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn span(s: &str) -> Span {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn parses_and_prints_every_kind() {
    for s in [
        "2026-10", "2026-Q3", "2026-H1", "2026", "2026-W43", "2026-W01",
    ] {
        assert_eq!(span(s).to_string(), s);
    }
    assert_eq!(span("2026-q3"), span("2026-Q3"));
    assert_eq!(span(" 2026-w43 "), span("2026-W43"));
    assert_eq!(span("2026-10").kind(), SpanKind::Month);
    assert_eq!(span("2026").kind(), SpanKind::Year);
}

#[test]
fn refuses_what_is_not_a_period_with_the_forms_it_takes() {
    for bad in [
        "2026-Q5", "2026-Q0", "2026-H3", "2026-W4", "2026-13", "26", "2026-", "2026-X1", "latest",
        "", "2026-Q12",
    ] {
        let err = bad.parse::<Span>().unwrap_err();
        assert!(err.contains("2026-Q3"), "{bad}: {err}");
    }
    // 2025 has 52 ISO weeks (Python: date.fromisocalendar(2025, 53, 1) raises ValueError).
    let err = "2025-W53".parse::<Span>().unwrap_err();
    assert!(err.contains("no week 53"), "{err}");
    let err = "2026-W00".parse::<Span>().unwrap_err();
    assert!(err.contains("no week 0"), "{err}");
}

#[test]
fn days_and_months_of_each_kind() {
    let q3 = span("2026-Q3");
    assert_eq!(
        (q3.first_day(), q3.last_day()),
        (day("2026-07-01"), day("2026-09-30"))
    );
    assert_eq!(
        q3.months()
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>(),
        ["2026-07", "2026-08", "2026-09"]
    );
    let h1 = span("2024-H1");
    assert_eq!(
        (h1.first_day(), h1.last_day()),
        (day("2024-01-01"), day("2024-06-30"))
    );
    assert_eq!(span("2026").months().len(), 12);
    assert_eq!(span("2026").last_day(), day("2026-12-31"));
    assert_eq!(span("2024-02").last_day(), day("2024-02-29"));
}

#[test]
fn iso_weeks_equal_pythons_calendar() {
    // Reference: Python 3 datetime.date.fromisocalendar(year, week, 1 and 7).
    for (w, mon, sun) in [
        ("2026-W01", "2025-12-29", "2026-01-04"),
        ("2026-W43", "2026-10-19", "2026-10-25"),
        ("2026-W53", "2026-12-28", "2027-01-03"),
        ("2020-W53", "2020-12-28", "2021-01-03"),
        ("2021-W01", "2021-01-04", "2021-01-10"),
        ("2025-W01", "2024-12-30", "2025-01-05"),
    ] {
        let s = span(w);
        assert_eq!((s.first_day(), s.last_day()), (day(mon), day(sun)), "{w}");
    }
    // Reference: Python date.isocalendar().
    for (d, w) in [
        ("2026-12-31", "2026-W53"),
        ("2027-01-03", "2026-W53"),
        ("2027-01-04", "2027-W01"),
        ("2024-12-30", "2025-W01"),
        ("2021-01-03", "2020-W53"),
    ] {
        assert_eq!(Span::of_date(SpanKind::Week, day(d)).to_string(), w, "{d}");
    }
    // A week across a month's end reads both months.
    assert_eq!(
        span("2026-W01")
            .months()
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>(),
        ["2025-12", "2026-01"]
    );
    assert_eq!(span("2026-W43").months().len(), 1);
}

#[test]
fn previous_and_year_ago_spans() {
    let cases = [
        ("2026-Q1", "2025-Q4", Some("2025-Q1")),
        ("2026-Q3", "2026-Q2", Some("2025-Q3")),
        ("2026-H1", "2025-H2", Some("2025-H1")),
        ("2026", "2025", Some("2025")),
        ("2026-01", "2025-12", Some("2025-01")),
        ("2026-W01", "2025-W52", Some("2025-W01")),
        ("2027-W01", "2026-W53", Some("2026-W01")),
        ("2026-W43", "2026-W42", Some("2025-W43")),
        // 2025 has no week 53: the year-over-year comparison cannot be made.
        ("2026-W53", "2026-W52", None),
        ("1900-Q2", "1900-Q1", None),
    ];
    for (s, prev, ago) in cases {
        assert_eq!(span(s).prev().to_string(), prev, "{s}");
        assert_eq!(
            span(s).year_ago().map(|a| a.to_string()).as_deref(),
            ago,
            "{s}"
        );
        assert_eq!(span(s).prev().next(), span(s), "{s}");
    }
    assert_eq!(
        span("2026-Q1")
            .trailing(5)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
        ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    );
}

#[test]
fn the_span_before_the_analysis_date_for_schedules() {
    // On the 1st, the month, quarter or year just ended.
    let first = day("2026-10-01");
    assert_eq!(Span::before(SpanKind::Month, first).to_string(), "2026-09");
    assert_eq!(
        Span::before(SpanKind::Quarter, first).to_string(),
        "2026-Q3"
    );
    assert_eq!(Span::before(SpanKind::Half, first).to_string(), "2026-H1");
    assert_eq!(Span::before(SpanKind::Year, first).to_string(), "2025");
    // 2026-10-01 is the Thursday of W40 (Python: date(2026, 10, 1).isocalendar()).
    assert_eq!(Span::before(SpanKind::Week, first).to_string(), "2026-W39");
    // As `last-month` does, the span before the one holding the date, even on its last day.
    assert_eq!(
        Span::before(SpanKind::Quarter, day("2026-09-30")).to_string(),
        "2026-Q2"
    );
    assert!(span("2026-Q3").contains(day("2026-09-30")));
    assert!(!span("2026-Q3").contains(day("2026-10-01")));
}

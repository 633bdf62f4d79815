use super::*;

#[test]
fn a_year_without_a_calendar_is_noted() {
    let cfg = crate::config::Config::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/csat.toml"
    )))
    .unwrap();
    // An empty complaint log: the calendar matters, so its gap is noted…
    let empty = crate::frame::build(
        crate::schema::Table::Complaints
            .columns()
            .iter()
            .map(|(n, t)| (*n, *t, crate::frame::Values::empty(*t)))
            .collect(),
    )
    .unwrap();
    let mut none = Vec::new();
    build(
        &cfg,
        "2028-01".parse().unwrap(),
        None,
        None,
        None,
        &mut none,
    )
    .unwrap();
    assert!(
        none.is_empty(),
        "no complaints, no calendar notice: {none:?}"
    );
    let mut notes = Vec::new();
    build(
        &cfg,
        "2028-01".parse().unwrap(),
        Some(&empty),
        None,
        None,
        &mut notes,
    )
    .unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("no public-holiday calendar for 2028")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("2027")),
        "the previous month's year too: {notes:?}"
    );
}

#[test]
fn response_histogram_matches_numpy_and_keeps_every_complaint() {
    // numpy.histogram([0.5, 3.99, 4, 23.9, 24, 71.9], bins=range(0, 76, 4)) puts
    // 2 in [0,4), 1 in [4,8), 1 in [20,24), 1 in [24,28) and 1 in [68,72].
    let h = [0.5, 3.99, 4.0, 23.9, 24.0, 71.9, 72.0, 500.0, -0.2]
        .map(Some)
        .to_vec();
    let mut with_missing = h.clone();
    with_missing.push(None);
    let bins = response_histogram(&with_missing);
    assert_eq!(bins.len(), 18 + 2);
    let count = |lo: f64| bins.iter().find(|b| b.low == Some(lo)).unwrap().count;
    assert_eq!(
        count(0.0),
        3,
        "two in [0,4) and the negative (clock skew) one"
    );
    assert_eq!(count(4.0), 1);
    assert_eq!(count(20.0), 1);
    assert_eq!(count(24.0), 1);
    assert_eq!(count(68.0), 1);
    assert_eq!(count(72.0), 2, "72 h and 500 h overflow");
    assert_eq!(bins.last().unwrap().count, 1, "no response recorded");
    assert_eq!(
        bins.iter().map(|b| b.count).sum::<usize>(),
        with_missing.len()
    );
}

#[test]
fn resolution_histogram_has_one_bar_per_working_day_then_overflow() {
    let d = [0, 1, 3, 3, 10, 11, 40].map(Some).to_vec();
    let bins = resolution_histogram(&[d, vec![None, None]].concat());
    assert_eq!(bins.len(), 11 + 2);
    assert_eq!(bins[3].count, 2);
    assert_eq!(bins[10].count, 1);
    assert_eq!(bins[11].count, 2, "11 and 40 overflow");
    assert_eq!(bins[11].high, None);
    assert_eq!(bins[12].count, 2, "not closed");
    assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 9);
}

#[test]
fn quantiles_match_numpy() {
    // numpy.quantile([1, 2, 3, 4, 10], [0.5, 0.9]) = [3.0, 7.6]
    let mut x = vec![10.0, 2.0, 1.0, 4.0, 3.0];
    assert_eq!(quantile(&mut x, 0.5), Some(3.0));
    assert!((quantile(&mut x, 0.9).unwrap() - 7.6).abs() < 1e-12);
    assert_eq!(quantile(&mut [], 0.5), None);
}

use super::*;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

fn row(id: &str, store: Option<&str>, score: f64) -> Vec<V> {
    vec![
        V::S(Some(id.into())),
        V::S(store.map(Into::into)),
        V::F(Some(score)),
    ]
}

/// Rows of three columns (id, store, score): a made-up shape, built with the same
/// machinery as a real table's.
fn rows(data: &[(&str, &str, Option<&str>, f64)]) -> TableRows {
    let mut t = TableRows {
        table: Table::Responses,
        extra: Vec::new(),
        periods: Runs::new(),
        cols: vec![
            Col::new(ColType::Str),
            Col::new(ColType::Cat),
            Col::new(ColType::F64),
        ],
    };
    for (month, id, store, score) in data {
        for (c, v) in t.cols.iter_mut().zip(row(id, *store, *score)) {
            c.push(v, 1).unwrap();
        }
        t.periods.push_n(p(month), 1);
    }
    t
}

/// A column's values as plain strings (what the coded form stands for).
fn column(t: &TableRows, i: usize, ranges: &[(usize, usize)]) -> Values {
    match Ready::of(t.cols[i].clone()).values(ranges) {
        Values::Coded { dict, codes } => Values::Str(
            codes
                .iter()
                .map(|c| (*c != NULL_CODE).then(|| dict[*c as usize].to_string()))
                .collect(),
        ),
        v => v,
    }
}

#[test]
fn runs_round_trip_values_in_row_order() {
    let t = rows(&[
        ("2026-09", "r1", Some("S01"), 4.0),
        ("2026-09", "r1", Some("S01"), 5.0),
        ("2026-10", "r2", None, 3.0),
        ("2026-09", "r3", Some("S01"), 2.0),
    ]);
    assert_eq!(t.len(), 4);
    // Repeated values are one run each; the string "S01" is stored once.
    if let Col::Str(r, d) = &t.cols[1] {
        assert_eq!(r.vals.len(), 3);
        assert_eq!(d.0.len(), 1);
    } else {
        panic!("store is a string column");
    }
    let ranges = t.ranges();
    assert_eq!(ranges[&p("2026-09")], vec![(0, 2), (3, 4)]);
    assert_eq!(
        column(&t, 0, &ranges[&p("2026-09")]),
        Values::Str(vec![
            Some("r1".into()),
            Some("r1".into()),
            Some("r3".into())
        ])
    );
    assert_eq!(
        column(&t, 2, &ranges[&p("2026-09")]),
        Values::F64(vec![Some(4.0), Some(5.0), Some(2.0)])
    );
    assert_eq!(
        column(&t, 1, &ranges[&p("2026-10")]),
        Values::Str(vec![None])
    );
}

#[test]
fn retain_ranges_and_append_keep_values_and_order() {
    // Months interleaved, and a store run ("S01") that spans the kept and dropped rows.
    let mut a = rows(&[
        ("2026-09", "r1", Some("S01"), 4.0),
        ("2026-10", "r2", Some("S01"), 5.0),
        ("2026-10", "r2", Some("S01"), 5.0),
        ("2026-09", "r3", Some("S01"), 3.0),
        ("2026-11", "r4", Some("S02"), 2.0),
    ]);
    // Rows 1 and 2 (the October ones) let go.
    a.retain_ranges(&[(0, 1), (3, 5)]);
    assert_eq!(a.len(), 3);
    let b = rows(&[
        ("2026-10", "r5", Some("S02"), 1.0),
        ("2026-10", "r9", None, 2.0),
    ]);
    a.append(b);
    assert_eq!(a.len(), 5);
    let all = vec![(0, 5)];
    let strs = |v: &[Option<&str>]| Values::Str(v.iter().map(|s| s.map(String::from)).collect());
    assert_eq!(
        column(&a, 0, &all),
        strs(&[Some("r1"), Some("r3"), Some("r4"), Some("r5"), Some("r9")])
    );
    assert_eq!(
        column(&a, 1, &all),
        strs(&[Some("S01"), Some("S01"), Some("S02"), Some("S02"), None])
    );
    assert_eq!(
        column(&a, 2, &all),
        Values::F64(vec![Some(4.0), Some(3.0), Some(2.0), Some(1.0), Some(2.0)])
    );
    assert_eq!(a.ranges()[&p("2026-09")], vec![(0, 2)]);
    assert_eq!(a.ranges()[&p("2026-10")], vec![(3, 5)]);
    // Everything removed: an empty table.
    a.retain_ranges(&[]);
    assert!(a.is_empty());
}

#[test]
fn partitions_are_frames_of_each_month() {
    let mut t = TableRows::new(Table::Invitations);
    t.push(
        p("2026-10"),
        vec![
            V::S(Some("web".into())),
            V::S(Some("web".into())),
            V::I(Some(40)),
        ],
    );
    t.push(
        p("2026-09"),
        vec![V::S(Some("web".into())), V::S(None), V::I(Some(30))],
    );
    let parts = t.into_partitions().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(frame::height(&parts[&p("2026-09")]), 1);
    assert_eq!(
        frame::strs(&parts[&p("2026-10")], "channel").unwrap(),
        vec![Some("web".to_string())]
    );
}

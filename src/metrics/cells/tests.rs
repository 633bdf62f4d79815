//! Expected values are worked by hand from the answers below (1–5 items: index =
//! (score − 1)/4·100; CSI weights from the demo's csat.toml).
use super::*;
use crate::frame::Values;
use crate::schema::ColType;

fn cfg() -> Config {
    Config::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/csat.toml"
    )))
    .unwrap()
}

/// (response, source, store, brand, item, score)
const ANSWERS: [(&str, &str, &str, &str, &str, f64); 19] = [
    // r3 first: input order must not matter.
    ("r3", "web_survey", "S01", "ours", "q01", 5.0),
    ("r3", "web_survey", "S01", "ours", "q02", 4.0),
    ("r3", "web_survey", "S01", "ours", "q03", 3.0),
    ("r3", "web_survey", "S01", "ours", "q04", 2.0),
    ("r3", "web_survey", "S01", "ours", "q06", 1.0),
    ("r3", "web_survey", "S01", "ours", "q08", 5.0),
    ("r3", "web_survey", "S01", "ours", "q09", 4.0),
    ("r3", "web_survey", "S01", "ours", "q10", 4.0),
    ("r1", "web_survey", "S01", "ours", "q04", 4.0),
    ("r1", "web_survey", "S01", "ours", "q05", 2.0),
    ("r1", "web_survey", "S01", "ours", "q10", 5.0),
    ("r1", "web_survey", "S01", "ours", "q11", 9.0),
    ("r1", "web_survey", "S01", "ours", "q12", 3.0),
    ("r2", "web_survey", "S02", "ours", "q04", 5.0),
    ("r2", "web_survey", "S02", "ours", "q10", 3.0),
    ("r2", "web_survey", "S02", "ours", "q11", 6.0),
    // The competitor survey: benchmarks only, also when it rates us.
    ("c1", "competitor_survey", "", "meijufang", "q04", 5.0),
    ("c2", "competitor_survey", "", "ours", "q04", 1.0),
    ("c2", "competitor_survey", "", "ours", "q10", 2.0),
];

fn month() -> Month {
    type Answer = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        f64,
    );
    let s = |f: fn(&Answer) -> &'static str| {
        Values::Str(
            ANSWERS
                .iter()
                .map(|a| Some(f(a)).filter(|v| !v.is_empty()).map(str::to_string))
                .collect(),
        )
    };
    let c = |v: &str| Values::Str(ANSWERS.iter().map(|_| Some(v.to_string())).collect());
    let df = frame::build(vec![
        ("response_id", ColType::Str, s(|a| a.0)),
        ("source", ColType::Cat, s(|a| a.1)),
        ("channel", ColType::Cat, c("web")),
        ("region", ColType::Cat, c("east")),
        ("store", ColType::Cat, s(|a| a.2)),
        ("tier", ColType::Cat, c("loyal")),
        ("product_line", ColType::Cat, c("sofa")),
        ("brand", ColType::Cat, s(|a| a.3)),
        ("item_id", ColType::Cat, s(|a| a.4)),
        (
            "score",
            ColType::F64,
            Values::F64(ANSWERS.iter().map(|a| Some(a.5)).collect()),
        ),
        (
            "weight",
            ColType::F64,
            Values::F64(ANSWERS.iter().map(|_| Some(1.0)).collect()),
        ),
    ])
    .unwrap();
    Month::new(&df, &cfg(), "2026-10".parse().unwrap()).unwrap()
}

/// (n, Σw, Σwx, Σwx²) of a cell of `sums`.
fn cell(cells: &[Cell], segment: &str, value: &str, measure: &str) -> (f64, f64, f64, f64) {
    let c = cells
        .iter()
        .find(|c| c.segment == segment && c.value == value && c.measure == measure)
        .unwrap_or_else(|| panic!("no cell {segment}/{value}/{measure}"));
    (c.sums.n as f64, c.sums.sw, c.sums.swx, c.sums.swx2)
}

#[test]
fn sums_cover_items_dimensions_loyalty_and_csi_of_our_own_answers() {
    let cfg = cfg();
    let m = month();
    let df = sums(&answers(&m, None).unwrap(), &cfg.report_segments);
    // q04 from r1, r2, r3 (not the competitor survey's ratings): 4, 5, 2.
    assert_eq!(cell(&df, "all", "all", "q04"), (3.0, 3.0, 11.0, 45.0));
    assert_eq!(cell(&df, "store", "S01", "q04"), (2.0, 2.0, 6.0, 20.0));
    // Delivery = mean index of q04 and q05: r1 (75 + 25)/2 = 50, r2 100, r3 25.
    assert_eq!(
        cell(&df, "all", "all", "delivery"),
        (3.0, 3.0, 175.0, 2500.0 + 10000.0 + 625.0)
    );
    // Loyalty index: r1's q12 = 3 → 50.
    assert_eq!(cell(&df, "all", "all", "loyalty"), (1.0, 1.0, 50.0, 2500.0));
    // CSI: r1 and r2 answered delivery only (50, 100); r3 all seven dimensions:
    // (100·.16 + 75·.10 + 50·.11 + 25·.12 + 0·.21 + 100·.15 + 75·.15) / 1 = 58.25.
    let (n, _, swx, _) = cell(&df, "all", "all", CSI);
    assert_eq!(n, 3.0);
    assert!((swx - (50.0 + 100.0 + 58.25)).abs() < 1e-9, "{swx}");
    // Top-2-box of q04 (4 or 5 on 1–5): r1 and r2.
    let kt = df
        .iter()
        .find(|c| c.measure == "q04" && c.segment == "all")
        .map(|c| c.kt);
    assert_eq!(kt, Some(2.0));
    // NPS is not an observation of `sums`.
    assert!(!df.iter().any(|c| c.measure == "q11"));
}

#[test]
fn raking_weights_multiply_the_source_weight() {
    let cfg = cfg();
    let m = month();
    let rake = frame::build_plain(vec![
        ("response_id", Values::Str(vec![Some("r1".into())])),
        ("period", Values::Str(vec![Some("2026-10".into())])),
        ("source", Values::Str(vec![Some("web_survey".into())])),
        ("rake_w", Values::F64(vec![Some(2.0)])),
    ])
    .unwrap();
    let df = sums(&answers(&m, Some(&rake)).unwrap(), &cfg.report_segments);
    // r1 weighs 2, r2 and r3 keep 1: Σw = 4, Σwx = 2·4 + 5 + 2.
    assert_eq!(
        cell(&df, "all", "all", "q04"),
        (3.0, 4.0, 15.0, 32.0 + 25.0 + 4.0)
    );
}

#[test]
fn nps_channels_drivers_and_brands() {
    let cfg = cfg();
    let m = month();
    let a = answers(&m, None).unwrap();
    let nps = nps_sums(&a, &cfg.report_segments);
    let all = nps.iter().find(|c| c.segment == "all").unwrap();
    assert_eq!((all.n as f64, all.kp, all.kd), (2.0, 1.0, 1.0));

    let ch = channel_sums(&a, &cfg);
    assert_eq!(
        ch.iter().map(|c| c.channel.as_str()).collect::<Vec<_>>(),
        ["web"]
    );
    let s = ch[0].sums;
    assert_eq!((s.n as f64, s.swx, s.swx2), (3.0, 12.0, 50.0));

    // Only r3 answered the overall item and every dimension.
    let d = driver_matrix(&a, &cfg);
    assert_eq!(
        d.iter()
            .map(|c| c.response_id.as_deref())
            .collect::<Vec<_>>(),
        [Some("r3")]
    );
    let dim = |id: &str| {
        let i = cfg.dimensions.iter().position(|d| d.id == id).unwrap();
        d[0].dims[i]
    };
    assert_eq!(
        [
            d[0].overall.unwrap(),
            dim("friendliness"),
            dim("initiative"),
            dim("supervision"),
            dim("delivery"),
            dim("product"),
            dim("service"),
            dim("handover")
        ],
        [4.0, 100.0, 75.0, 50.0, 25.0, 0.0, 100.0, 75.0]
    );

    // The competitor survey per item × brand, sorted by item then brand.
    let b = brand_sums(&m);
    assert_eq!(
        b.iter().map(|c| c.brand.as_str()).collect::<Vec<_>>(),
        ["meijufang", "ours", "ours"]
    );
    assert_eq!(
        b.iter().map(|c| c.item_id.as_str()).collect::<Vec<_>>(),
        ["q04", "q04", "q10"]
    );
    assert_eq!(b.iter().map(|c| c.sx).collect::<Vec<_>>(), [5.0, 1.0, 2.0]);
}

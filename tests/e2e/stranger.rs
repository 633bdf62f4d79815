//! Files in the layouts of public exports csat has never seen (`tests/fixtures/stranger/`,
//! made by its make_stranger.py): each goes from its file to a report through the real
//! binary, and the figures equal an independent reference.

use std::path::Path;

use std::collections::BTreeMap;

use super::{column_strings, ok, repo, tool, TempDir};

/// A copy of a fixture workspace (`tests/fixtures/stranger/<name>/` and the data files).
fn workspace(name: &str) -> TempDir {
    let t = TempDir::new(&format!("stranger-{name}"));
    let src = repo().join("tests/fixtures/stranger");
    std::fs::create_dir_all(t.path().join("ws")).unwrap();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "csv") {
            std::fs::copy(e.path(), t.path().join(e.file_name())).unwrap();
        }
    }
    std::fs::copy(
        src.join(name).join("csat.toml"),
        t.path().join("ws/csat.toml"),
    )
    .unwrap();
    t
}

/// Columns of a mart of 2026-10, read with the independent Parquet reader (arrow-rs).
fn mart(ws: &Path, name: &str, columns: &[&str]) -> BTreeMap<String, Vec<String>> {
    let path = ws.join(format!("data/marts/period=2026-10/{name}.parquet"));
    columns
        .iter()
        .map(|c| (c.to_string(), column_strings(&path, c)))
        .collect()
}

#[test]
fn a_dateless_churn_export_with_custom_fields_gives_the_statsmodels_model() {
    let t = workspace("ecommerce");
    let ws = t.path().join("ws");
    ok(&ws, &["run", "--as-of", "2026-11-01"]);
    let cols = mart(
        &ws,
        "churn_model",
        &[
            "term",
            "coef",
            "se",
            "p_value",
            "n",
            "events",
            "log_likelihood",
        ],
    );
    let num = |c: &str| -> Vec<f64> { cols[c].iter().map(|v| v.parse().unwrap()).collect() };
    // tests/reference/churn_model_reference.py (statsmodels 0.15.0 Logit, missing rows
    // dropped, tol=1e-12): n=387 events=65 llf=-156.34590103773797.
    let expected = [
        (
            "intercept",
            -0.9378621883739185,
            0.42278195533083257,
            0.026533582093983946,
        ),
        (
            "complained",
            1.3964903823149784,
            0.29114223106537784,
            1.6138816703535153e-06,
        ),
        (
            "city_tier:3",
            0.1568005074242774,
            0.3498555287393417,
            0.6540186409708016,
        ),
        (
            "city_tier:2",
            -0.13735909312868552,
            0.39368539498348376,
            0.7271600775525515,
        ),
        (
            "tenure_months",
            -0.06404798244152744,
            0.018475590500088592,
            0.0005270325264398897,
        ),
        (
            "sat_score",
            -0.1576135403587258,
            0.10497118456536672,
            0.13322799361047047,
        ),
    ];
    let (coef, se, p) = (num("coef"), num("se"), num("p_value"));
    assert_eq!(
        cols["term"],
        expected.iter().map(|e| e.0).collect::<Vec<_>>()
    );
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1e-3);
    for (i, (term, c, s, pv)) in expected.iter().enumerate() {
        assert!(close(coef[i], *c), "{term}: coef {} vs {c}", coef[i]);
        assert!(close(se[i], *s), "{term}: se {} vs {s}", se[i]);
        assert!(close(p[i], *pv), "{term}: p {} vs {pv}", p[i]);
    }
    assert_eq!(cols["n"][0], "387");
    assert_eq!(cols["events"][0], "65");
    assert!(close(num("log_likelihood")[0], -156.34590103773797));
    // The custom segment is a cut of the churn figures; flags without dates give no curve.
    let loyalty = mart(&ws, "loyalty", &["segment"]);
    assert!(
        loyalty["segment"]
            .iter()
            .filter(|s| *s == "city_tier")
            .count()
            == 3
    );
    let text = tool(
        "pdftotext",
        &[ws.join("reports/2026-10/report.pdf").to_str().unwrap(), "-"],
    );
    for needle in [
        "流失的 logistic 回归",
        "城市等级 = 3",
        "在网月数",
        "have no churn date",
    ] {
        assert!(text.contains(needle), "the report lacks `{needle}`");
    }
    assert!(
        !ws.join("reports/2026-10/charts/survival.svg").exists(),
        "no flat curve"
    );
}

//! Sample-size planning: `csat plan` and the plan mart on the demo equal the SciPy/statsmodels
//! reference, its margins are the report's intervals, and what cannot be planned says why.

use csat::frame::{self, DataFrame};

use super::analytics::mart;
use super::partial::keep_only;
use super::{csat, demo, ok, tool, AS_OF};

/// The unweighted row of `segment = value` of a mart.
fn row(df: &DataFrame, segment: &str, value: &str) -> usize {
    row_where(df, segment, value, |_| true)
}

/// The unweighted row of `segment = value` of a mart that also passes `also`.
fn row_where(df: &DataFrame, segment: &str, value: &str, also: impl Fn(usize) -> bool) -> usize {
    let seg = frame::strs(df, "segment").unwrap();
    let val = frame::strs(df, "segment_value").unwrap();
    let w = frame::strs(df, "weighting").unwrap();
    (0..df.height())
        .find(|&i| {
            seg[i].as_deref() == Some(segment)
                && val[i].as_deref() == Some(value)
                && w[i].as_deref() == Some("none")
                && also(i)
        })
        .unwrap_or_else(|| panic!("no row {segment}={value}"))
}

fn num(df: &DataFrame, c: &str, i: usize) -> Option<f64> {
    frame::f64s(df, c).unwrap()[i]
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn the_plan_equals_the_reference_and_its_margins_are_the_reports_intervals() {
    let t = demo("plan");
    let dir = t.path();
    ok(dir, &["run", "--as-of", AS_OF]);
    let plan = mart(dir, "plan");
    let sat = mart(dir, "satisfaction");
    // Reference: tests/engines/plan_check.py on this demo (SciPy 1.17.1 t.ppf/norm.ppf,
    // statsmodels 0.15.0 samplesize_confint_proportion), printed for these rows.
    let cases: [(&str, &str, [f64; 3], [f64; 8]); 3] = [
        (
            "all",
            "all",
            [0.04749571804482215, 0.03572033449037579, 5.144067559538748],
            [5549.0, 153.0, 149.0, 340.0, 321.0, 176.0, 170.0, 2247.0],
        ),
        (
            "store",
            "S01",
            [0.12129145336362161, 0.09053760976717078, 12.862161686310204],
            [632.0, 133.0, 111.0, 299.0, 203.0, 148.0, 120.0, 1421.0],
        ),
        (
            "store",
            "S06",
            [0.2156838289672338, 0.1539893138166309, 22.642212025803524],
            [333.0, 159.0, 108.0, 342.0, 169.0, 190.0, 121.0, 1183.0],
        ),
    ];
    let floats = ["margin", "share_margin", "nps_margin"];
    let counts = [
        "population",
        "n_needed",
        "n_needed_fpc",
        "share_n_needed",
        "share_n_needed_fpc",
        "nps_n_needed",
        "nps_n_needed_fpc",
        "invitations_needed",
    ];
    for (seg, val, want_f, want_n) in cases {
        let i = row(&plan, seg, val);
        for (c, w) in floats.iter().zip(want_f) {
            let got = num(&plan, c, i).unwrap();
            assert!(close(got, w), "{seg}={val} {c}: {got} vs reference {w}");
        }
        for (c, w) in counts.iter().zip(want_n) {
            assert_eq!(num(&plan, c, i), Some(w), "{seg}={val} {c}");
        }
        // The margin achieved is the satisfaction mart's own t interval, on the overall item.
        let measure = frame::strs(&plan, "measure").unwrap()[i].clone().unwrap();
        let ms = frame::strs(&sat, "measure").unwrap();
        let j = row_where(&sat, seg, val, |j| {
            ms[j].as_deref() == Some(measure.as_str())
        });
        let half = num(&sat, "ci_high", j).unwrap() - num(&sat, "mean", j).unwrap();
        assert!(close(num(&plan, "margin", i).unwrap(), half), "{seg}={val}");
    }

    // The command prints the stores and a total; its CSV holds every unweighted row.
    let out = ok(dir, &["plan", "--csv", "plan.csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let s01 = text
        .lines()
        .find(|l| l.starts_with("S01 "))
        .expect("a row for S01");
    let cells: Vec<&str> = s01.split_whitespace().collect();
    assert_eq!(cells[cells.len() - 2..], ["203", "1421"], "{s01}");
    assert!(text.contains("total (12)"), "{text}");
    let csv = std::fs::read_to_string(dir.join("plan.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 1 + plan.height(), "header + every row");

    // Other targets change the plan; an unknown segment or a bad target is a usage error.
    let loose = ok(
        dir,
        &[
            "plan",
            "--margin",
            "0.3",
            "--margin-share",
            "0.2",
            "--margin-nps",
            "40",
        ],
    );
    assert!(String::from_utf8(loose.stdout).unwrap() != text);
    let bad = csat(dir, &["plan", "--by", "city"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8(bad.stderr).unwrap();
    assert!(
        err.contains("city") && err.contains("store") && err.contains("region"),
        "{err}"
    );
    for args in [
        ["--margin", "0"],
        ["--margin-share", "1.5"],
        ["--confidence", "1"],
    ] {
        let bad = csat(dir, &["plan", args[0], args[1]]);
        assert_eq!(bad.status.code(), Some(2), "{args:?}");
    }

    // The report's appendix shows the table.
    let pdf = dir.join("reports/2026-10/report.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("下期样本量计划"),
        "the plan table in the appendix"
    );
}

#[test]
fn without_a_customer_file_the_plan_has_no_population_and_says_so() {
    let t = keep_only("plan-no-customers", &["web_survey"]);
    let dir = t.path();
    ok(dir, &["run", "--as-of", AS_OF]);
    let plan = mart(dir, "plan");
    let i = row(&plan, "store", "S01");
    assert_eq!(num(&plan, "population", i), None);
    assert_eq!(num(&plan, "n_needed_fpc", i), None);
    assert!(num(&plan, "n_needed", i).is_some());
    let note = frame::strs(&plan, "note").unwrap()[i].clone().unwrap();
    assert!(note.contains("no population"), "{note}");
}

//! Store and region scorecards: one A4 page per store and region, whose text (read back with
//! pdftotext) carries the marts' figures; too few answers say so instead of a rank.

use std::path::Path;

use csat::frame::{self, DataFrame};

use super::analytics::{mart, s as strs};
use super::partial::keep_only;
use super::{csat, demo, ok, tool, AS_OF};

/// The pages of a PDF as pdftotext reads them.
fn pages(pdf: &Path) -> Vec<String> {
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let mut p: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if p.last().is_some_and(|l| l.trim().is_empty()) {
        p.pop();
    }
    p
}

/// Whether the page holds `want`, ignoring spaces (pdftotext keeps or drops the thin spaces
/// between CJK text and numbers depending on their widths).
fn has(page: &str, want: &str) -> bool {
    let squeeze = |t: &str| t.split_whitespace().collect::<String>();
    squeeze(page).contains(&squeeze(want))
}

/// "−0.27" with the typographic minus, as the report prints numbers.
fn fmt(x: f64, d: usize) -> String {
    let s = format!("{x:.d$}");
    match s.strip_prefix('-') {
        Some(r) => format!("−{r}"),
        None => s,
    }
}

/// (store, mean, n, suppressed, delta, significant) of the overall item's unweighted store
/// rows.
type StoreRow = (String, f64, f64, bool, Option<f64>, Option<bool>);

fn overall_rows(sat: &DataFrame) -> Vec<StoreRow> {
    let (seg, val, m, w) = (
        strs(sat, "segment"),
        strs(sat, "segment_value"),
        strs(sat, "measure"),
        strs(sat, "weighting"),
    );
    let mean = frame::f64s(sat, "mean").unwrap();
    let n = frame::f64s(sat, "n").unwrap();
    let delta = frame::f64s(sat, "delta").unwrap();
    let sup = frame::bools(sat, "suppressed").unwrap();
    let sig = frame::bools(sat, "significant").unwrap();
    (0..sat.height())
        // q10 is the demo's overall item.
        .filter(|&i| seg[i] == "store" && m[i] == "q10" && w[i] == "none")
        .map(|i| {
            (
                val[i].clone(),
                mean[i].unwrap(),
                n[i].unwrap(),
                sup[i].unwrap(),
                delta[i],
                sig[i],
            )
        })
        .collect()
}

#[test]
fn one_page_per_store_and_region_with_the_marts_figures() {
    let t = demo("scorecards");
    let dir = t.path();
    let out = ok(dir, &["run", "--as-of", AS_OF, "--scorecards"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scorecards 2026-10: 16 in"), "{err}");
    let sc = dir.join("reports/2026-10/scorecards");
    for s in 1..=12 {
        let p = sc.join(format!("S{s:02}.pdf"));
        assert_eq!(pages(&p).len(), 1, "{} is one page", p.display());
    }
    for r in ["east", "north", "south", "west"] {
        assert_eq!(pages(&sc.join(format!("region_{r}.pdf"))).len(), 1, "{r}");
    }
    let all = pages(&sc.join("scorecards.pdf"));
    assert_eq!(all.len(), 16, "every card in the combined file");
    // The embedded font, not the machine's.
    let fonts = tool("pdffonts", &[sc.join("S01.pdf").to_str().unwrap()]);
    assert!(fonts.contains("yes yes"), "embedded, subset: {fonts}");

    // Each store's page: its overall mean, its rank among the stores (computed here from the
    // mart), its change with ● when significant, and its complaints of the month.
    let sat = mart(dir, "satisfaction");
    let rows = overall_rows(&sat);
    assert_eq!(rows.len(), 12);
    let complaints = mart(dir, "complaints");
    let (cseg, cval) = (
        strs(&complaints, "segment"),
        strs(&complaints, "segment_value"),
    );
    let count = frame::f64s(&complaints, "count").unwrap();
    let ranked: Vec<&StoreRow> = rows.iter().filter(|r| !r.3).collect();
    for (store, mean, n, suppressed, delta, sig) in &rows {
        let page = pages(&sc.join(format!("{store}.pdf"))).remove(0);
        assert!(page.contains("门店服务月度考核表"), "{store}");
        assert!(
            has(&page, &fmt(*mean, 2)),
            "{store}: mean {mean} in\n{page}"
        );
        assert!(
            has(&page, &format!("本月回答 {n} 份（总体满意度）")),
            "{store}: n {n} in\n{page}"
        );
        if !suppressed {
            let rank = 1 + ranked.iter().filter(|r| r.1 > *mean).count();
            let want = format!("第 {rank} / {} 名", ranked.len());
            assert!(has(&page, &want), "{store}: {want} in\n{page}");
        }
        if let Some(d) = delta {
            let mut want = format!("较上月 {}", fmt(*d, 2));
            if !want.contains('−') {
                want = want.replacen("较上月 ", "较上月 +", 1);
            }
            if *sig == Some(true) {
                want.push_str(" ●");
            }
            assert!(has(&page, &want), "{store}: {want} in\n{page}");
        }
        let c = (0..complaints.height())
            .find(|&i| cseg[i] == "store" && cval[i] == *store)
            .map_or(0.0, |i| count[i].unwrap());
        assert!(
            page.lines().any(|l| l.trim() == format!("{c}")),
            "{store}: {c} complaints in\n{page}"
        );
    }
    // A region's page lists its stores with their overall item.
    let east = pages(&sc.join("region_east.pdf")).remove(0);
    assert!(has(&east, "区域内门店"), "{east}");
    for (store, mean, ..) in rows
        .iter()
        .filter(|r| ["S01", "S02", "S03"].contains(&r.0.as_str()))
    {
        assert!(
            has(&east, &fmt(*mean, 2)),
            "{store} {mean} on the region's page\n{east}"
        );
    }
    // The planted drop (S03, 2026-10) is marked significant on its card.
    let s03 = rows.iter().find(|r| r.0 == "S03").unwrap();
    assert_eq!(
        s03.5,
        Some(true),
        "the demo plants a significant drop at S03"
    );

    // Without the flag or the option there are none; `[report] scorecards = true` for cron.
    ok(dir, &["report", "--as-of", AS_OF]);
    assert!(
        !sc.exists(),
        "a report without scorecards replaces the folder whole"
    );
    let cfg = dir.join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replacen("[report]\n", "[report]\nscorecards = true\n", 1),
    )
    .unwrap();
    ok(dir, &["report", "--as-of", AS_OF, "--lang", "en"]);
    let page = pages(&sc.join("S01.pdf")).remove(0);
    assert!(page.contains("Store service scorecard"), "{page}");
    assert!(page.contains("rank "), "{page}");
}

#[test]
fn stores_with_too_few_answers_say_so_instead_of_ranking() {
    let t = demo("scorecards-few");
    let dir = t.path();
    let cfg = dir.join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("min_n = 30"), "the demo's threshold");
    std::fs::write(&cfg, text.replace("min_n = 30", "min_n = 45")).unwrap();
    ok(dir, &["run", "--as-of", AS_OF, "--scorecards"]);
    let rows = overall_rows(&mart(dir, "satisfaction"));
    let few: Vec<&StoreRow> = rows.iter().filter(|r| r.3).collect();
    let enough: Vec<&StoreRow> = rows.iter().filter(|r| !r.3).collect();
    assert!(
        !few.is_empty() && !enough.is_empty(),
        "both kinds at min_n 45"
    );
    for r in &few {
        let page = pages(&dir.join(format!("reports/2026-10/scorecards/{}.pdf", r.0))).remove(0);
        // The banner with the store's n, and no rank on the overall item's tile.
        let banner = format!("样本不足：本店本月只有 {} 份回答（少于 45 份）", r.2);
        assert!(has(&page, &banner), "{}: {banner} in\n{page}", r.0);
        assert!(
            has(&page, "样本不足，不排名"),
            "{}: not ranked\n{page}",
            r.0
        );
    }
    for r in &enough {
        let page = pages(&dir.join(format!("reports/2026-10/scorecards/{}.pdf", r.0))).remove(0);
        assert!(
            has(&page, &format!("/ {} 名", enough.len())),
            "{}: ranked among the {} with enough answers\n{page}",
            r.0,
            enough.len()
        );
    }
}

#[test]
fn a_workspace_without_stores_or_regions_is_told_why() {
    // The survey alone (no complaint log, whose marts are by store and region too), cut by
    // tier only.
    let t = keep_only("scorecards-none", &["web_survey"]);
    let dir = t.path();
    let cfg = dir.join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let start = text.find("[segments]").unwrap();
    let line_end = start + text[start..].find("report = ").unwrap();
    let end = line_end + text[line_end..].find('\n').unwrap();
    let edited = format!("{}report = [\"tier\"]{}", &text[..line_end], &text[end..]);
    std::fs::write(&cfg, edited).unwrap();
    let out = csat(dir, &["run", "--as-of", AS_OF, "--scorecards"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no store or region"), "{err}");
}

#[test]
fn a_network_of_many_stores_gets_a_card_each() {
    // `csat demo --stores N`: the twelve stores and N − 12 more, each in the catalogue.
    let t = super::TempDir::new("scorecards-many");
    let dir = t.path();
    ok(dir, &["demo", "--out", ".", "--stores", "48"]);
    let cfg = std::fs::read_to_string(dir.join("csat.toml")).unwrap();
    assert_eq!(cfg.matches("[[catalog.store]]").count(), 48);
    let out = ok(dir, &["run", "--as-of", AS_OF, "--scorecards"]);
    let err = String::from_utf8_lossy(&out.stderr);
    // Every row is still accounted for, none rejected beyond the planted ones.
    assert!(
        err.contains("19168 rows read = 19162 accepted + 6 rejected"),
        "{err}"
    );
    assert!(err.contains("scorecards 2026-10: 52 in"), "{err}");
    let sc = dir.join("reports/2026-10/scorecards");
    assert_eq!(pages(&sc.join("scorecards.pdf")).len(), 52);
    assert_eq!(pages(&sc.join("D0048.pdf")).len(), 1);
    assert!(has(&pages(&sc.join("D0048.pdf"))[0], "门店0048"));
    // A region of more than ten stores lists its five best and five weakest, on one page.
    let east = pages(&sc.join("region_east.pdf"));
    assert_eq!(east.len(), 1, "one page however many stores");
    assert!(
        has(&east[0], "共 12 家门店，此处列出最好和最弱的各 5 家"),
        "{}",
        east[0]
    );
}

//! End-to-end tests: the real `csat` binary on the real demo files in temporary
//! directories, with every Parquet file read back by an independent reader (arrow-rs
//! `parquet`) and the PDF checked with poppler's `pdftotext`/`pdffonts` (installed by
//! `.ci/run`). All integration tests live in this one binary to keep link time down.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use parquet::file::reader::{FileReader, SerializedFileReader};

#[path = "e2e/analytics.rs"]
mod analytics;
#[path = "e2e/churn.rs"]
mod churn;
#[path = "e2e/hostile.rs"]
mod hostile;
#[path = "e2e/ingest_fixtures.rs"]
mod ingest_fixtures;
#[path = "e2e/init.rs"]
mod init;
#[path = "e2e/overlap.rs"]
mod overlap;
#[path = "e2e/partial.rs"]
mod partial;
#[path = "e2e/plan.rs"]
mod plan;
#[path = "e2e/scorecards.rs"]
mod scorecards;
#[path = "e2e/stranger.rs"]
mod stranger;
#[path = "e2e/unattended.rs"]
mod unattended;

const AS_OF: &str = "2026-11-01";

/// A temporary directory removed when dropped (its name says which test made it).
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("csat-e2e-{name}-"))
            .tempdir()
            .expect("create a temporary directory");
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

fn csat(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_csat"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run csat")
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = csat(dir, args);
    assert!(
        out.status.success(),
        "csat {args:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A fresh demo workspace in a temp dir.
fn demo(name: &str) -> TempDir {
    let t = TempDir::new(name);
    ok(t.path(), &["demo", "--out", "."]);
    t
}

fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` is needed by this test ({e}); install poppler-utils (.ci/run does)")
    });
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn completions_man_page_and_version_come_from_the_command_definition() {
    let t = TempDir::new("completions");
    let bash = ok(t.path(), &["completions", "bash"]);
    let text = String::from_utf8_lossy(&bash.stdout);
    // Every subcommand is completed.
    for sub in [
        "ingest", "analyze", "report", "run", "status", "validate", "man",
    ] {
        assert!(text.contains(sub), "bash completion lacks {sub}");
    }
    let man = ok(t.path(), &["man"]);
    let roff = String::from_utf8_lossy(&man.stdout);
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH csat"),
        "{roff}"
    );
    assert!(roff.contains("monthly customer"), "{roff}");
    // The version names the commit it was built from.
    let v = ok(t.path(), &["--version"]);
    let v = String::from_utf8_lossy(&v.stdout);
    assert!(
        v.starts_with("csat 0.") && v.contains('(') && v.trim_end().ends_with(')'),
        "{v}"
    );
}

#[test]
fn demo_is_deterministic_and_equals_the_committed_workspace() {
    let a = TempDir::new("demo-a");
    let b = TempDir::new("demo-b");
    ok(a.path(), &["demo", "--out", ".", "--seed", "7"]);
    ok(b.path(), &["demo", "--out", ".", "--seed", "7"]);
    let (fa, fb) = (files_under(a.path()), files_under(b.path()));
    assert_eq!(fa.len(), 11);
    assert!(fa == fb, "two runs with seed 7 differ");

    let c = TempDir::new("demo-c");
    ok(
        c.path(),
        &[
            "demo",
            "--out",
            ".",
            "--seed",
            &csat::demo::DEFAULT_SEED.to_string(),
        ],
    );
    let committed = files_under(&repo().join("data/demo"));
    let fresh = files_under(c.path());
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "data/demo has other files than `csat demo` writes"
    );
    for (name, bytes) in &fresh {
        assert!(
            committed[name] == *bytes,
            "data/demo/{name} differs from `csat demo`: regenerate it"
        );
    }
    let total: usize = committed.values().map(Vec::len).sum();
    assert!(
        total <= 10 * 1024 * 1024,
        "the demo must stay under 10 MB, is {total} bytes"
    );
}

#[test]
fn scaled_demo_multiplies_the_volume_and_keeps_the_planted_rows() {
    let t = TempDir::new("demo-scale");
    ok(t.path(), &["demo", "--out", ".", "--scale", "3"]);
    let readme = std::fs::read_to_string(t.path().join("README.md")).unwrap();
    assert!(
        readme.contains("`csat demo --seed 15 --scale 3`"),
        "{readme}"
    );
    assert!(readme.contains("18000 customers"), "{readme}");
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let ledger = t.path().join("lake/_ledger/files.parquet");
    let files = column_strings(&ledger, "file");
    let num = |c: &str| {
        column_strings(&ledger, c)
            .iter()
            .map(|v| v.parse::<i64>().unwrap())
            .collect::<Vec<_>>()
    };
    let (read, rejected, answers) = (num("rows_read"), num("rejected"), num("answers_rejected"));
    let read_of = |f: &str| read[files.iter().position(|x| x == f).unwrap()];
    assert_eq!(
        read_of("raw/wjx_满意度调查_202511-202610.csv"),
        3 * 12 * 520
    );
    assert_eq!(read_of("raw/电话回访记录.csv"), 3 * 12 * 120);
    assert_eq!(read_of("raw/顾客档案.csv"), 3 * 6000);
    // The same six bad rows and three bad answers, on the same lines, and no others.
    assert_eq!(rejected.iter().sum::<i64>(), 6);
    assert_eq!(answers.iter().sum::<i64>(), 3);
    let lines = column_strings(&t.path().join("lake/_rejects/web_survey.parquet"), "line");
    assert_eq!(lines, ["402", "1202", "2302", "5502"]);
    // Out of range is a usage error.
    for bad in ["0", "1001", "x"] {
        let out = csat(t.path(), &["demo", "--out", "other", "--scale", bad]);
        assert_eq!(out.status.code(), Some(2), "--scale {bad}");
    }
}

#[test]
fn root_config_is_the_demo_config_with_workspace_paths() {
    let root = std::fs::read_to_string(repo().join("csat.toml")).unwrap();
    assert_eq!(
        root,
        csat::demo::config_text("data/demo/raw", "data/lake", "data/marts", "reports")
    );
}

fn read_parquet(path: &Path) -> (i64, Vec<(String, bool)>) {
    let f = std::fs::File::open(path).unwrap();
    let r = SerializedFileReader::new(f).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let meta = r.metadata();
    let n = meta.file_metadata().num_rows();
    let mut dict = Vec::new();
    if meta.num_row_groups() > 0 {
        let rg = meta.row_group(0);
        for c in rg.columns() {
            dict.push((
                c.column_path().string(),
                c.dictionary_page_offset().is_some(),
            ));
        }
    }
    // Decode every value, not just the footer.
    let rows = r
        .get_row_iter(None)
        .unwrap()
        .try_fold(0usize, |k, row| row.map(|_| k + 1))
        .unwrap();
    assert_eq!(rows as i64, n, "{}", path.display());
    (n, dict)
}

fn column_strings(path: &Path, column: &str) -> Vec<String> {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    r.get_row_iter(None)
        .unwrap()
        .map(|row| {
            let row = row.unwrap();
            let (_, field) = row
                .get_column_iter()
                .find(|(n, _)| n.as_str() == column)
                .expect("column");
            field.to_string().trim_matches('"').to_string()
        })
        .collect()
}

#[test]
fn ingest_accounts_for_every_row_and_rejects_exactly_the_planted_rows() {
    let t = demo("ingest");
    let out = ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rows read ="), "{stderr}");

    let ledger = t.path().join("lake/_ledger/files.parquet");
    let files = column_strings(&ledger, "file");
    let num = |c: &str| {
        column_strings(&ledger, c)
            .iter()
            .map(|v| v.parse::<i64>().unwrap())
            .collect::<Vec<_>>()
    };
    let (read, acc, rej) = (num("rows_read"), num("accepted"), num("rejected"));
    // Row counts by construction of the demo generator (12 months).
    let expected_read: BTreeMap<&str, i64> = [
        ("raw/wjx_满意度调查_202511-202610.csv", 12 * 520),
        ("raw/电话回访记录.csv", 12 * 120),
        ("raw/邮寄问卷录入.xlsx", 12 * 25),
        ("raw/深入访谈记录.csv", 12 * 4),
        ("raw/竞品对比调查.csv", 12 * 3 * 120),
        ("raw/顾客档案.csv", 6000),
        ("raw/行业对标.csv", 12 * 6),
        ("raw/持续改进记录表.csv", 8),
    ]
    .into_iter()
    .collect();
    let expected_rejected: BTreeMap<&str, i64> = [
        ("raw/wjx_满意度调查_202511-202610.csv", 2),
        ("raw/电话回访记录.csv", 1),
        ("raw/投诉登记表.csv", 2),
        ("raw/顾客档案.csv", 1),
    ]
    .into_iter()
    .collect();
    // Out-of-scale answers reject the answer, not the response (its other answers count).
    let expected_answers_rejected: BTreeMap<&str, i64> = [
        ("raw/wjx_满意度调查_202511-202610.csv", 2),
        ("raw/电话回访记录.csv", 1),
    ]
    .into_iter()
    .collect();
    let answers_rejected = num("answers_rejected");
    assert_eq!(files.len(), 9);
    for i in 0..files.len() {
        assert_eq!(
            read[i],
            acc[i] + rej[i],
            "{}: read != accepted + rejected",
            files[i]
        );
        if let Some(n) = expected_read.get(files[i].as_str()) {
            assert_eq!(read[i], *n, "{}", files[i]);
        }
        assert_eq!(
            rej[i],
            *expected_rejected.get(files[i].as_str()).unwrap_or(&0),
            "{}",
            files[i]
        );
        assert_eq!(
            answers_rejected[i],
            *expected_answers_rejected
                .get(files[i].as_str())
                .unwrap_or(&0),
            "answers of {}",
            files[i]
        );
    }

    // The reasons, by file and line (line 1 is the header; 序号 N is on line N + 1).
    let mut got = Vec::new();
    for s in ["web_survey", "phone_followup", "complaints", "customers"] {
        let p = t.path().join(format!("lake/_rejects/{s}.parquet"));
        let lines = column_strings(&p, "line");
        let levels = column_strings(&p, "level");
        let reasons = column_strings(&p, "reason");
        for ((l, v), r) in lines.into_iter().zip(levels).zip(reasons) {
            got.push((s.to_string(), l, v, r));
        }
    }
    let expect = [
        ("web_survey", "402", "answer", "outside the 1–5 scale"),
        ("web_survey", "1202", "row", "unknown store `苏州园区店`"),
        ("web_survey", "2302", "row", "not a date"),
        ("web_survey", "5502", "answer", "outside the 1–5 scale"),
        ("phone_followup", "152", "row", "not a date"),
        ("phone_followup", "902", "answer", "outside the 0–10 scale"),
        ("complaints", "102", "row", "unknown store `无锡惠山店`"),
        (
            "complaints",
            "202",
            "row",
            "before the complaint was received",
        ),
        ("customers", "4323", "row", "before the first purchase"),
    ];
    assert_eq!(got.len(), expect.len(), "{got:#?}");
    for ((s, l, v, r), (es, el, ev, er)) in got.iter().zip(expect) {
        assert_eq!((s.as_str(), l.as_str(), v.as_str()), (es, el, ev));
        assert!(r.contains(er), "{s}:{l}: `{r}` lacks `{er}`");
    }

    // Re-ingesting the same files adds nothing.
    let before = files_under(&t.path().join("lake"));
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    assert!(
        before == files_under(&t.path().join("lake")),
        "a second ingest changed the lake"
    );
}

#[test]
fn run_end_to_end_writes_a_real_report_and_every_table_reads_back() {
    let t = demo("run");
    let out = ok(t.path(), &["run", "--as-of", AS_OF]);
    // Regression: the catalogue once used a combining macron (X̄) the embedded font lacks.
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("no glyph"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = t.path().join("reports/2026-10");
    for f in [
        "report.pdf",
        "report.html",
        "summary.json",
        "charts/satisfaction_by_region.svg",
        "charts/satisfaction_by_region.png",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }

    // The PDF: real, extractable Chinese text in an embedded, subset font.
    let pdf = dir.join("report.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for needle in [
        "主要发现",
        "竞品对标",
        "关键驱动因素",
        "投诉与流失",
        "南京河西店顾客满意度指数（CSI）",
        "显著下降",
        "顾客满意度月度分析报告",
        "2026 年 10 月",
        "华东区",
        "净推荐值",
        "拒收明细",
    ] {
        assert!(text.contains(needle), "PDF text lacks `{needle}`");
    }
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("CsatSansSC-Regular"), "{fonts}");
    for line in fonts.lines().skip(2) {
        assert!(
            line.contains(" yes yes "),
            "font not embedded and subset: {line}"
        );
    }

    // The HTML is self-contained and carries the chart inline.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("华东区") && !html.contains("<script"));

    // summary.json: the headline figures, sane.
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["period"], "2026-10");
    let mean = s["overall"]["mean"].as_f64().unwrap();
    assert!(
        s["overall"]["ci_low"].as_f64().unwrap() < mean
            && mean < s["overall"]["ci_high"].as_f64().unwrap()
    );
    // Independent reference: tests/reference/headline_reference.py recomputes these from
    // the raw demo files with Python's csv module, openpyxl and SciPy 1.17.1
    // (stats.t.interval, stats.norm.ppf), without csat:
    //   overall n=666 mean=3.7027027027027026 ci=(3.6552069846578803, 3.750198420747525)
    //   nps n=662 nps=40.78549848942598 ci=(35.641430929887235, 45.92956604896473)
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    assert_eq!(s["overall"]["n"], 666);
    assert!(close(mean, 3.7027027027027026));
    assert!(close(f(&s["overall"]["ci_low"]), 3.6552069846578803));
    assert!(close(f(&s["overall"]["ci_high"]), 3.750198420747525));
    assert_eq!(s["nps"]["n"], 662);
    assert!(close(f(&s["nps"]["nps"]), 40.78549848942598));
    assert!(close(f(&s["nps"]["ci_low"]), 35.641430929887235));
    assert!(close(f(&s["nps"]["ci_high"]), 45.92956604896473));
    assert_eq!(
        s["rows_read"].as_u64().unwrap(),
        s["rows_accepted"].as_u64().unwrap() + 6
    );
    assert_eq!(s["answers_rejected"], 3);
    assert_eq!(s["regions"].as_array().unwrap().len(), 4);
    // No region differs significantly from the rest in the demo: the headline says so
    // instead of naming the lowest mean.
    let text = tool(
        "pdftotext",
        &[dir.join("report.pdf").to_str().unwrap(), "-"],
    );
    assert!(text.contains("无显著差异") && !text.contains("满意度显著偏低的区域"));

    // The executive summary states every planted effect (data/demo/README.md) and nothing
    // else: each finding matches one planted effect, and each planted effect is stated.
    let findings: Vec<String> = s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(
        (5..=8).contains(&findings.len()),
        "5–8 findings: {findings:#?}"
    );
    let planted: [(&str, &[&str]); 6] = [
        ("store drop", &["南京河西店", "显著下降"]),
        // S03 is in 华东区: its drop pushes the region's CSI out of control.
        ("store drop, region chart", &["华东区", "超出控制限"]),
        ("complaint → churn", &["投诉顾客的流失率", "相对风险"]),
        ("late closure", &["3 个工作日内结案", "超时结案顾客", "倍"]),
        ("competitor lead", &["美居坊", "送货准时", "领先本品牌"]),
        // The drivers plant: service quality weighs most and performs low.
        ("drivers", &["服务质量", "优先改进"]),
    ];
    for f in &findings {
        assert!(
            planted
                .iter()
                .any(|(_, needles)| needles.iter().all(|n| f.contains(n))),
            "a finding no planted effect explains (false alarm): {f}"
        );
    }
    for (what, needles) in &planted {
        if *what == "drivers" {
            continue; // ranked 8th or lower when the other effects are strong
        }
        assert!(
            findings
                .iter()
                .any(|f| needles.iter().all(|n| f.contains(n))),
            "the planted {what} is not stated: {findings:#?}"
        );
    }
    // The same sentences are in the PDF (pdftotext breaks lines; compare without spaces).
    let squash = |x: &str| x.split_whitespace().collect::<String>();
    let pdf_text = squash(&text);
    for f in &findings {
        assert!(pdf_text.contains(&squash(f)), "PDF lacks the finding {f}");
    }

    // Every chart kind of the report, as SVG and PNG, with its title in the SVG.
    for (name, title) in [
        ("trend_overall", "总体满意度月度趋势"),
        ("trend_csi", "顾客满意度指数（CSI）月度趋势"),
        ("satisfaction_by_region", "各区域总体满意度"),
        ("satisfaction_by_store", "各门店总体满意度"),
        ("satisfaction_by_tier", "各会员等级总体满意度"),
        ("satisfaction_by_channel", "各调查渠道总体满意度"),
        ("nps_by_region", "各区域净推荐值构成"),
        ("nps_by_store", "各门店净推荐值构成"),
        ("drivers_quadrant", "重要性—表现四象限"),
        ("competitor_gaps", "竞品差距"),
        ("complaints_pareto", "帕累托"),
        ("complaint_times", "投诉处理时长与承诺"),
        ("survival", "投诉前后的顾客留存（Simon–Makuch）"),
        ("channels_trend", "调查渠道构成"),
        ("actions", "已完成改进措施"),
    ] {
        let svg = std::fs::read_to_string(dir.join(format!("charts/{name}.svg")))
            .unwrap_or_else(|e| panic!("{name}.svg: {e}"));
        assert!(svg.contains(title), "{name}.svg lacks its title `{title}`");
        let png = std::fs::read(dir.join(format!("charts/{name}.png"))).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{name}.png");
    }
    // The store drop is marked on the store chart with its change and q-value, in red.
    let stores = std::fs::read_to_string(dir.join("charts/satisfaction_by_store.svg")).unwrap();
    assert!(stores.contains("q &lt; 0.001") || stores.contains("q < 0.001"));
    assert!(stores.contains("#C82828"));
    for section in ["分组满意度", "调查渠道", "改进措施跟踪", "置信水平"] {
        assert!(text.contains(section), "PDF lacks `{section}`");
    }

    // Every Parquet table we wrote reads back with arrow-rs; categorical columns of the
    // lake are dictionary-encoded.
    let mut count = 0;
    for (name, _) in files_under(&t.path().join("lake")).into_iter().chain(
        files_under(&t.path().join("marts"))
            .into_iter()
            .map(|(k, v)| (format!("../marts/{k}"), v)),
    ) {
        if !name.ends_with(".parquet") {
            continue;
        }
        let path = t.path().join("lake").join(&name);
        let (_, dict) = read_parquet(&path);
        count += 1;
        if let Some(table) = csat::schema::Table::ALL
            .iter()
            .find(|t| name.starts_with(&format!("{}/", t.name())))
        {
            for (col, ty) in table.columns() {
                if *ty == csat::schema::ColType::Cat {
                    let d = dict
                        .iter()
                        .find(|(c, _)| c == col)
                        .unwrap_or_else(|| panic!("{name}: no column {col}"));
                    assert!(d.1, "{name}: column {col} is not dictionary-encoded");
                }
            }
        }
    }
    assert!(count > 40, "only {count} Parquet files");
    assert!(t
        .path()
        .join("lake/responses/period=2026-10/part-0.parquet")
        .is_file());
    assert!(t
        .path()
        .join("marts/period=2026-10/satisfaction.parquet")
        .is_file());
}

#[test]
fn branding_and_layout_change_without_recompiling() {
    // A logo, an accent colour and the user's own copy of the template, all from csat.toml.
    let t = demo("brand");
    let logo = std::fs::read(repo().join("reports/example-2026-10-page2.png")).unwrap();
    std::fs::write(t.path().join("logo.png"), &logo).unwrap();
    let template = std::fs::read_to_string(repo().join("src/render/report.typ")).unwrap();
    let template = template.replace(
        "#outline(",
        "#text(fill: accent)[本报告使用自定义模板]\n#outline(",
    );
    std::fs::write(t.path().join("my-report.typ"), template).unwrap();
    let cfg = std::fs::read_to_string(t.path().join("csat.toml")).unwrap();
    let cfg = cfg.replace("logo = \"\"", "logo = \"logo.png\"").replace(
        "[report]\n",
        "[report]\ntemplate = \"my-report.typ\"\naccent = \"#AA3300\"\n",
    );
    assert!(cfg.contains("my-report.typ") && cfg.contains("logo.png"));
    std::fs::write(t.path().join("csat.toml"), cfg).unwrap();
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let dir = t.path().join("reports/2026-10");
    let pdf = dir.join("report.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("本报告使用自定义模板"),
        "the user's template was not used"
    );
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(
        images.lines().count() > 2,
        "no logo image in the PDF:\n{images}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("data:image/png;base64,") && html.contains("#aa3300"));

    // A bad accent or a missing template is a configuration error naming the key.
    let cfg = std::fs::read_to_string(t.path().join("csat.toml")).unwrap();
    std::fs::write(
        t.path().join("csat.toml"),
        cfg.replace("#AA3300", "dark red")
            .replace("my-report.typ", "gone.typ"),
    )
    .unwrap();
    let out = csat(t.path(), &["report", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("report.accent") && err.contains("report.template"),
        "{err}"
    );
}

#[test]
fn the_first_month_of_data_alone_still_gives_a_complete_report() {
    // 2025-11 is the demo's first month: one month of trend, no previous month to compare,
    // no action windows, few complaints. Every chart must draw (data or a "no data" panel).
    let t = demo("first-month");
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    ok(t.path(), &["analyze", "--period", "2025-11"]);
    let out = ok(
        t.path(),
        &["report", "--period", "2025-11", "--as-of", AS_OF],
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no glyph"));
    let dir = t.path().join("reports/2025-11");
    let text = tool(
        "pdftotext",
        &[dir.join("report.pdf").to_str().unwrap(), "-"],
    );
    assert!(text.contains("顾客满意度月度分析报告") && text.contains("2025 年 11 月"));
    let trend = std::fs::read_to_string(dir.join("charts/trend_csi.svg")).unwrap();
    assert!(
        trend.contains("2025-11") && trend.contains("<circle"),
        "one month drawn"
    );
    let actions = std::fs::read_to_string(dir.join("charts/actions.svg")).unwrap();
    assert!(
        actions.contains("尚无可评估的已完成措施"),
        "no closed action yet: a clear panel"
    );
    for entry in std::fs::read_dir(dir.join("charts")).unwrap() {
        let p = entry.unwrap().path();
        assert!(
            std::fs::metadata(&p).unwrap().len() > 500,
            "{} is empty",
            p.display()
        );
    }
}

#[test]
fn same_inputs_give_byte_identical_outputs() {
    let t = demo("det");
    // The scorecards too.
    ok(t.path(), &["run", "--as-of", AS_OF, "--scorecards"]);
    let first = (
        files_under(&t.path().join("marts")),
        files_under(&t.path().join("reports")),
        files_under(&t.path().join("lake")),
    );
    ok(t.path(), &["run", "--as-of", AS_OF, "--scorecards"]);
    let second = (
        files_under(&t.path().join("marts")),
        files_under(&t.path().join("reports")),
        files_under(&t.path().join("lake")),
    );
    assert!(first.0 == second.0, "marts differ between two runs");
    assert!(first.2 == second.2, "lake differs between two runs");
    assert!(first.1.keys().any(|k| k.contains("scorecards/S01.pdf")));
    for (name, bytes) in &first.1 {
        assert!(
            second.1[name] == *bytes,
            "reports/{name} differs between two runs"
        );
    }
}

#[test]
fn english_report_on_request() {
    let t = demo("en");
    let out = ok(t.path(), &["run", "--as-of", AS_OF, "--lang", "en"]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("no glyph"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = t.path().join("reports/2026-10/report.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for needle in [
        "Monthly Customer Satisfaction Report",
        "October 2026",
        "East",
        "Net Promoter Score",
        "Rejected rows",
        "Improvement actions",
        "Competitor gaps",
        "Complaint handling times against the commitments",
    ] {
        assert!(text.contains(needle), "English PDF lacks `{needle}`");
    }
    // File names and data (store names, action owners) may be Chinese; labels may not,
    // nor full-width punctuation around English text.
    for zh in ["置信区间", "样本量", "附录", "分组", "n（", "）"] {
        assert!(
            !text.contains(zh),
            "English report still has the Chinese label `{zh}`"
        );
    }
}

#[test]
fn exit_codes_are_the_documented_ones() {
    let t = demo("exit");
    let code = |out: &Output| out.status.code().unwrap();
    let stderr = |out: &Output| String::from_utf8_lossy(&out.stderr).to_string();

    // 2: usage error (clap) and configuration errors, naming the key.
    assert_eq!(code(&csat(t.path(), &["run", "--period", "2026-13"])), 2);
    assert_eq!(code(&csat(t.path(), &["frobnicate"])), 2);
    let missing = csat(t.path(), &["run", "--config", "nope.toml"]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("nope.toml"));
    let cfg = std::fs::read_to_string(t.path().join("csat.toml")).unwrap();
    std::fs::write(
        t.path().join("bad.toml"),
        cfg.replace("weight = 0.16", "weight = 0.26"),
    )
    .unwrap();
    let bad = csat(t.path(), &["ingest", "--config", "bad.toml"]);
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("weights sum to 1.1000"),
        "{}",
        stderr(&bad)
    );

    // 3: data errors: nothing ingested yet; a month without data; a broken input file.
    let none = csat(t.path(), &["analyze"]);
    assert_eq!(code(&none), 3);
    assert!(
        stderr(&none).contains("run `csat ingest` first"),
        "{}",
        stderr(&none)
    );
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let empty_month = csat(t.path(), &["analyze", "--period", "2030-01"]);
    assert_eq!(code(&empty_month), 3);
    assert!(
        stderr(&empty_month).contains("months with data: 2025-11"),
        "{}",
        stderr(&empty_month)
    );
    std::fs::write(
        t.path().join("raw/邮寄问卷录入.xlsx"),
        b"PK\x03\x04 truncated",
    )
    .unwrap();
    let broken = csat(t.path(), &["ingest", "--as-of", AS_OF]);
    assert_eq!(code(&broken), 3);
    assert!(
        stderr(&broken).contains("邮寄问卷录入.xlsx"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn help_documents_every_command_and_the_exit_codes() {
    let t = TempDir::new("help");
    for c in ["demo", "ingest", "analyze", "report", "run"] {
        let out = ok(t.path(), &[c, "--help"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Exit codes:") && text.contains("3  data error"),
            "{c} --help:\n{text}"
        );
    }
}

//! `csat init`: from files the user has, to a workspace `csat run` reports on, without
//! writing a line of configuration (the demo's raw exports as a user has them, and the
//! layouts of public exports in tests/fixtures/stranger/).

use std::path::Path;

use super::{csat, ok, repo, tool, TempDir, AS_OF};

/// `csat init --out ws FILES…` in `t`, then `csat run` on the result; the config text.
fn init_and_run(t: &TempDir, files: &[std::path::PathBuf]) -> String {
    let mut args = vec!["init", "--out", "ws", "--as-of", AS_OF];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    ok(t.path(), &args);
    let ws = t.path().join("ws");
    let run = ok(&ws, &["run", "--as-of", AS_OF]);
    let said = String::from_utf8_lossy(&run.stderr).to_string();
    assert!(said.contains("0 warnings"), "{said}");
    assert!(ws.join("reports/2026-10/report.pdf").exists());
    std::fs::read_to_string(ws.join("csat.toml")).unwrap()
}

fn mart_rows(ws: &Path, name: &str) -> i64 {
    super::read_parquet(&ws.join(format!("data/marts/period=2026-10/{name}.parquet"))).0
}

#[test]
fn init_on_the_demo_exports_gives_a_workspace_that_runs() {
    let t = TempDir::new("init-demo");
    let mut files: Vec<_> = std::fs::read_dir(repo().join("data/demo/raw"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let toml = init_and_run(&t, &files);
    let ws = t.path().join("ws");
    // Every file became a source of the kind it is (see data/demo/README.md).
    for (file, kind) in [
        ("wjx_满意度调查_202511-202610.csv", "survey"),
        ("投诉登记表.csv", "complaints"),
        ("持续改进记录表.csv", "actions"),
        ("深入访谈记录.csv", "interview"),
        ("电话回访记录.csv", "phone"),
        ("竞品对比调查.csv", "competitor"),
        ("行业对标.csv", "benchmark"),
        ("邮寄问卷录入.xlsx", "mail"),
        ("顾客档案.csv", "customers"),
    ] {
        let at = toml.find(&format!("path = \"raw/{file}\"")).expect(file);
        let block = &toml[toml[..at].rfind("[[sources]]").unwrap()..at];
        assert!(
            block.contains(&format!("kind = \"{kind}\"")),
            "{file}: {block}"
        );
    }
    // The 问卷星 layout is recognised; its metadata columns are neither items nor segments.
    assert!(toml.contains("preset = \"wjx\""));
    assert!(toml.contains("`序号` (read by the wjx layout as response_id)"));
    assert!(toml.contains("`所用时间` (wjx metadata"));
    // A -3 (skipped) does not hide a rating item; a stray 7 does not widen a 1–5 scale.
    assert!(toml.contains("zh = \"安装规范整洁\""), "{toml}");
    assert!(toml.contains("zh = \"送货准时\", en = \"送货准时\", scale = [1, 5]"));
    assert!(toml.contains("2 answers above 5 look like keying errors"));
    // The open question is a comment, not a segment with 14 values.
    assert!(toml.contains("zh = \"您对我们还有哪些意见和建议？\", en = \"您对我们还有哪些意见和建议？\", role = \"comment\""));
    // One questionnaire: the phone sheet's 总体满意度 is the web survey's overall item, the
    // mail form's Q1热情友好 the web survey's 导购人员热情友好.
    let id_of = |zh: &str| {
        let at = toml.find(&format!("zh = \"{zh}\"")).expect(zh);
        let line = &toml[toml[..at].rfind('{').unwrap()..at];
        line.split('"').nth(1).unwrap().to_string()
    };
    assert!(toml.contains(&format!("{} = \"总体满意度\"", id_of("总体满意度"))));
    assert!(toml.contains(&format!("{} = \"Q1热情友好\"", id_of("导购人员热情友好"))));
    // The customer file, exported on the 1st, describes October: loyalty and churn marts.
    assert!(mart_rows(&ws, "loyalty") > 0);
    assert!(mart_rows(&ws, "complaint_churn") > 0);
    assert!(mart_rows(&ws, "satisfaction") > 0);
    let text = tool(
        "pdftotext",
        &[ws.join("reports/2026-10/report.pdf").to_str().unwrap(), "-"],
    );
    assert!(text.contains("净推荐值"), "no NPS in the report");
}

#[test]
fn init_on_public_export_layouts_gives_workspaces_that_run() {
    let dir = repo().join("tests/fixtures/stranger");
    for (file, kind, mart) in [
        ("ecommerce_churn.csv", "customers", "churn_model"),
        ("consumer_complaints.csv", "complaints", "complaints"),
        ("airline_survey.csv", "survey", "satisfaction"),
    ] {
        let t = TempDir::new(&format!("init-{kind}"));
        let toml = init_and_run(&t, &[dir.join(file)]);
        assert!(
            toml.contains(&format!("kind = \"{kind}\"")),
            "{file}: {toml}"
        );
        assert!(
            mart_rows(&t.path().join("ws"), mart) > 0,
            "{file}: no {mart} rows"
        );
    }
}

#[test]
fn init_never_overwrites_a_config_without_force() {
    let t = TempDir::new("init-force");
    let file = repo().join("tests/fixtures/stranger/airline_survey.csv");
    let file = file.to_str().unwrap();
    ok(t.path(), &["init", "--out", "ws", "--as-of", AS_OF, file]);
    let cfg = t.path().join("ws/csat.toml");
    std::fs::write(&cfg, "# edited by hand\n").unwrap();
    let out = csat(t.path(), &["init", "--out", "ws", "--as-of", AS_OF, file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), "# edited by hand\n");
    ok(
        t.path(),
        &["init", "--out", "ws", "--as-of", AS_OF, "--force", file],
    );
    assert!(std::fs::read_to_string(&cfg)
        .unwrap()
        .contains("[[sources]]"));
    // A file that is not there is named, with exit 3 (data), and nothing is written.
    let out = csat(t.path(), &["init", "--out", "other", "no-such.csv"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.csv"));
    assert!(!t.path().join("other/csat.toml").exists());
}

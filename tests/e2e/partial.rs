//! Partial workspaces: every combination of source kinds goes from files to a report, and
//! the report holds exactly the sections its inputs support — no "no data" panel, no
//! notice and no table of contents entry for what was never configured.

use super::{ok, tool, TempDir};

/// The demo workspace with only the named sources kept.
pub(super) fn keep_only(name: &str, sources: &[&str]) -> TempDir {
    let t = TempDir::new(name);
    ok(t.path(), &["demo", "--out", "."]);
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let mut blocks = text.split("[[sources]]");
    let head = blocks.next().unwrap().to_string();
    let kept: Vec<&str> = blocks
        .filter(|b| {
            sources
                .iter()
                .any(|s| b.contains(&format!("name = \"{s}\"")))
        })
        .collect();
    let mut out = head;
    if !sources.contains(&"customers") {
        // Raking needs the customer file.
        out = out.replace("[weighting]", "[weighting_off]");
    }
    for b in kept {
        out.push_str("[[sources]]");
        out.push_str(b);
    }
    std::fs::write(&cfg, out).unwrap();
    t
}

const ALL_SECTIONS: [&str; 10] = [
    "满意度",
    "净推荐值（NPS）",
    "分组满意度",
    "调查渠道",
    "竞品对标",
    "关键驱动因素",
    "投诉处理",
    "投诉与流失",
    "顾客保留与流失",
    "改进措施跟踪",
];

#[test]
fn every_combination_of_sources_reports_exactly_its_sections() {
    let cases: [(&str, &[&str], &[&str]); 5] = [
        ("complaints-only", &["complaints"], &["投诉处理"]),
        ("customers-only", &["customers"], &["顾客保留与流失"]),
        (
            "complaints-customers",
            &["complaints", "customers"],
            &["投诉处理", "投诉与流失"],
        ),
        (
            "survey-only",
            &["web_survey"],
            &["满意度", "净推荐值（NPS）", "分组满意度", "关键驱动因素"],
        ),
        (
            "survey-complaints",
            &["web_survey", "phone_followup", "complaints"],
            &[
                "满意度",
                "净推荐值（NPS）",
                "分组满意度",
                "调查渠道",
                "关键驱动因素",
                "投诉处理",
            ],
        ),
    ];
    for (name, sources, expected) in cases {
        let t = keep_only(name, sources);
        ok(t.path(), &["run", "--as-of", "2026-11-01"]);
        let pdf = t.path().join("reports/2026-10/report.pdf");
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        // Section titles as the table of contents lists them ("2. 投诉处理 . . . 4").
        let titles: Vec<String> = text
            .lines()
            .filter(|l| l.contains(" . . ."))
            .filter_map(|l| l.split_once(". ").map(|(_, t)| t))
            .map(|t| t.split(" . .").next().unwrap().trim().to_string())
            .collect();
        for s in ALL_SECTIONS {
            let want = expected.contains(&s);
            let has = titles.iter().any(|t| t == s);
            assert_eq!(has, want, "{name}: section {s} (contents: {titles:?})");
        }
        assert!(
            !text.contains("本期无数据"),
            "{name}: a no-data panel for a configured input"
        );
        if !sources.contains(&"complaints") {
            assert!(
                !text.contains("节假日"),
                "{name}: a calendar notice without complaints"
            );
        }
        let summary: serde_json::Value = serde_json::from_slice(
            &std::fs::read(t.path().join("reports/2026-10/summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            summary["overall"].is_null(),
            !sources.contains(&"web_survey"),
            "{name}: {summary}"
        );
    }
}

#[test]
fn a_complaint_log_without_close_times_says_not_available_never_zero() {
    let t = keep_only("no-close", &["complaints"]);
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.contains("closed_at") {
                // Drop the close time from the mapping (inline table or own line).
                l.split(", ")
                    .filter(|p| !p.contains("closed_at"))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!text.contains("closed_at"), "{text}");
    std::fs::write(&cfg, text).unwrap();
    ok(t.path(), &["run", "--as-of", "2026-11-01"]);
    let pdf = t.path().join("reports/2026-10/report.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("未登记结案时间"), "the reason is stated");
    assert!(
        !text.contains("工作日内结案 0.0%"),
        "no 0% for an unmeasured share"
    );
    assert!(
        text.contains("24 小时内响应"),
        "what the log does record is still shown"
    );
}

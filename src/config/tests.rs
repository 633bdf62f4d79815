use super::*;

fn resolve(text: &str) -> Result<Config, ConfigError> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("a.csv"), "x\n").unwrap();
    let raw: RawConfig = toml::from_str(text).unwrap();
    Config::resolve(raw, &dir.join("csat.toml"), dir)
}

const MINIMAL: &str = r#"
    [questionnaire]
    dimensions = [{ id = "svc", zh = "服务", en = "Service", weight = 1.0 }]
    items = [
      { id = "q1", zh = "服务", en = "Service", dimension = "svc", scale = [1, 5], role = "rating" },
      { id = "q2", zh = "总体", en = "Overall", scale = [1, 5], role = "overall" },
    ]
    [[sources]]
    name = "web"
    kind = "survey"
    preset = "generic"
    path = "a.csv"
    columns = { response_id = "id", survey_time = "t" }
    items = { q1 = "Q1", q2 = "Q2" }
"#;

#[test]
fn only_the_report_languages_names_are_required() {
    // Issue 14.6: `zh` was required on every item and store even with lang = "en".
    let english = MINIMAL
        .replace(r#"zh = "服务", "#, "")
        .replace(r#"zh = "总体", "#, "");
    let c = resolve(&format!("[report]\nlang = \"en\"\n{english}")).unwrap();
    let q1 = c.item("q1").unwrap();
    assert_eq!((q1.zh.as_str(), q1.en.as_str()), ("q1", "Service"));
    assert_eq!(c.dimensions[0].zh, "svc");
    // In a Chinese report every missing name is listed, in one go.
    let Err(ConfigError::Invalid { problems, .. }) = resolve(&english) else {
        panic!("a Chinese report without Chinese names")
    };
    let missing: Vec<&String> = problems
        .iter()
        .filter(|p| p.contains("no `zh` name"))
        .collect();
    assert_eq!(missing.len(), 3, "{problems:?}");
}

#[test]
fn minimal_config_resolves_with_defaults() {
    let c = resolve(MINIMAL).unwrap();
    assert_eq!(c.min_n, 30);
    assert_eq!(c.confidence, 0.95);
    assert_eq!(c.lang, Lang::Zh);
    assert_eq!(c.sources[0].files.len(), 1);
    assert_eq!(c.sources[0].channel.as_deref(), Some("web"));
    assert_eq!(c.sources[0].format, Format::Csv);
}

#[test]
fn every_problem_is_reported_with_its_key() {
    let bad = MINIMAL
        .replace("weight = 1.0", "weight = 0.7")
        .replace("path = \"a.csv\"", "path = \"missing/*.csv\"")
        .replace("survey_time = \"t\"", "survey_tme = \"t\"")
        .replace("q2 = \"Q2\"", "q9 = \"Q9\"");
    let err = resolve(&bad).unwrap_err().to_string();
    for needle in [
        "weights sum to 0.7000",
        "the folder",
        "missing does not exist",
        "columns.survey_tme: not a field",
        "`survey_time` is required",
        "items.q9: no such item",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
}

#[test]
fn nps_item_must_be_0_to_10_and_thresholds_sane() {
    let bad = MINIMAL.replace(
        "{ id = \"q2\"",
        "{ id = \"q3\", zh = \"推荐\", en = \"NPS\", scale = [1, 10], role = \"nps\" },\n { id = \"q2\"",
    ) + "\n[thresholds]\nconfidence = 95\n";
    // `[thresholds]` after `[[sources]]` is still a top-level table in TOML.
    let err = resolve(&bad).unwrap_err().to_string();
    assert!(err.contains("set scale = [0, 10]"), "{err}");
    assert!(err.contains("thresholds.confidence = 95"), "{err}");
}

#[test]
fn items_dimensions_and_composites_share_one_namespace() {
    let clash = MINIMAL
        .replace("{ id = \"q2\"", "{ id = \"svc\"")
        .replace("q2 = \"Q2\"", "svc = \"Q2\"");
    let err = resolve(&clash).unwrap_err().to_string();
    assert!(err.contains("a dimension has the same id"), "{err}");
    let composite = MINIMAL
        .replace("{ id = \"q2\"", "{ id = \"csi\"")
        .replace("q2 = \"Q2\"", "csi = \"Q2\"");
    let err = resolve(&composite).unwrap_err().to_string();
    assert!(err.contains("name of a composite measure"), "{err}");
}

#[test]
fn a_file_without_dates_is_dated_by_the_source_and_misuse_is_named() {
    let dateless = MINIMAL.replace(
        "columns = { response_id = \"id\", survey_time = \"t\" }",
        "columns = { response_id = \"@line\" }\nperiod = \"2026-10\"",
    );
    let c = resolve(&dateless).unwrap();
    assert_eq!(
        c.sources[0].dated,
        Some(Dated::Month("2026-10".parse().unwrap()))
    );
    let by_name = dateless.replace("\"2026-10\"", "\"from-file-name\"");
    assert_eq!(
        resolve(&by_name).unwrap().sources[0].dated,
        Some(Dated::FromFileName)
    );
    let day = dateless.replace("period = \"2026-10\"", "date = \"2026-10-15\"");
    assert!(matches!(
        resolve(&day).unwrap().sources[0].dated,
        Some(Dated::Date(_))
    ));
    for (text, needle) in [
        // A pseudo-field that cannot work is a config error, not 100% rejects.
        (
            MINIMAL.replace("survey_time = \"t\"", "survey_time = \"@line\""),
            "only an id field (response_id, complaint_id, customer_id, action_id) can be the line number; for a file without dates set sources[0] (`web`).date",
        ),
        (
            MINIMAL.replace("items = { q1", "period = \"2026-10\"\nitems = { q1"),
            "dated both by the column `survey_time` and by date/period",
        ),
        (
            dateless.replace("period = \"2026-10\"", "period = \"2026-10\"\ndate = \"2026-10-01\""),
            "set date or period, not both",
        ),
        (dateless.replace("\"2026-10\"", "\"October\""), "sources[0] (`web`).period"),
        (day.replace("2026-10-15", "15/10/2026"), "date = `15/10/2026`: use YYYY-MM-DD"),
        (
            dateless.replace("period = ", "snapshot = "),
            "only a customer file is a snapshot",
        ),
    ] {
        let err = resolve(&text).unwrap_err().to_string();
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
}

//! Ingest of the export fixtures in `tests/fixtures/ingest/` (made by
//! `tests/fixtures/make_fixtures.py` in each platform's real layout): canonical rows field
//! by field, row accounting, GBK/UTF-8 twins, personal data, idempotence and replacement,
//! and a property test over generated messy files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use csat::config::Config;
use csat::frame;
use csat::ingest::{self, privacy::Privacy, Ingested};
use csat::schema::Table;

use super::{csat, files_under, ok, repo, tool, TempDir};

fn fixtures() -> PathBuf {
    repo().join("tests/fixtures/ingest")
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn ingest_fixtures() -> (Config, Ingested) {
    let cfg = Config::load(&fixtures().join("csat.toml")).unwrap();
    let opts = ingest::Options {
        as_of: as_of(),
        privacy: Privacy::new(cfg.pii, cfg.pii_key.as_ref().unwrap().as_bytes()),
        prior: Vec::new(),
    };
    let out = ingest::ingest(&cfg, &opts).unwrap();
    (cfg, out)
}

/// One answer as (response id, time, store, channel, item, score).
type Answer = (String, String, String, String, String, f64);

fn answers(out: &Ingested, source: &str) -> Vec<Answer> {
    let parts = out.tables[&Table::Responses]
        .clone()
        .into_partitions()
        .unwrap();
    let mut v = Vec::new();
    for df in parts.values() {
        let s = |c| frame::strs(df, c).unwrap();
        let (src, id, store, chan, item) = (
            s("source"),
            s("response_id"),
            s("store"),
            s("channel"),
            s("item_id"),
        );
        let time = frame::times(df, "survey_time").unwrap();
        let score = frame::f64s(df, "score").unwrap();
        for i in 0..df.height() {
            if src[i].as_deref() == Some(source) {
                v.push((
                    id[i].clone().unwrap(),
                    time[i].unwrap().format("%Y-%m-%d %H:%M:%S").to_string(),
                    store[i].clone().unwrap_or_default(),
                    chan[i].clone().unwrap_or_default(),
                    item[i].clone().unwrap(),
                    score[i].unwrap(),
                ));
            }
        }
    }
    v.sort_by(|a, b| (&a.0, &a.4).cmp(&(&b.0, &b.4)));
    v
}

fn comments(out: &Ingested, source: &str) -> Vec<(String, String)> {
    let parts = out.tables[&Table::Comments]
        .clone()
        .into_partitions()
        .unwrap();
    let mut v = Vec::new();
    for df in parts.values() {
        let (src, id, text) = (
            frame::strs(df, "source").unwrap(),
            frame::strs(df, "response_id").unwrap(),
            frame::strs(df, "text").unwrap(),
        );
        for i in 0..df.height() {
            if src[i].as_deref() == Some(source) {
                v.push((id[i].clone().unwrap(), text[i].clone().unwrap()));
            }
        }
    }
    v.sort();
    v
}

fn a(id: &str, t: &str, store: &str, chan: &str, item: &str, score: f64) -> Answer {
    (
        id.into(),
        t.into(),
        store.into(),
        chan.into(),
        item.into(),
        score,
    )
}

#[test]
fn every_fixture_ingests_through_config_alone_field_by_field() {
    let (_, out) = ingest_fixtures();
    let wjx = vec![
        a("1", "2026-10-03 10:05:09", "S1", "web", "dlv", 4.0),
        // 安装有问题 is reverse-coded: 2 → 6 − 2 = 4.
        a("1", "2026-10-03 10:05:09", "S1", "web", "inst", 4.0),
        a("1", "2026-10-03 10:05:09", "S1", "web", "nps", 9.0),
        a("1", "2026-10-03 10:05:09", "S1", "web", "sat", 5.0),
        // dlv = -3 (skipped) gives no answer.
        a("2", "2026-10-04 11:00:00", "S2", "web", "inst", 5.0),
        a("2", "2026-10-04 11:00:00", "S2", "web", "nps", 10.0),
        a("2", "2026-10-04 11:00:00", "S2", "web", "sat", 4.0),
        // dlv = 7 is outside 1–5: that answer is rejected, the others count.
        a("3", "2026-10-05 12:00:00", "S2", "web", "inst", 3.0),
        a("3", "2026-10-05 12:00:00", "S2", "web", "nps", 5.0),
        a("3", "2026-10-05 12:00:00", "S2", "web", "sat", 3.0),
    ];
    assert_eq!(answers(&out, "wjx_csv"), wjx, "问卷星 GBK CSV");
    assert_eq!(answers(&out, "wjx_xlsx"), wjx, "问卷星 .xlsx");
    assert_eq!(answers(&out, "wjx_xls"), wjx, "问卷星 .xls");
    assert_eq!(
        comments(&out, "wjx_csv"),
        vec![
            ("1".to_string(), "送货很快，有事打我电话[phone]".to_string()),
            // The third response is kept (only its bad answer is rejected), e-mail redacted.
            ("3".to_string(), "邮箱 [email]".to_string())
        ]
    );

    assert_eq!(
        answers(&out, "wjx_text"),
        vec![
            a("1", "2026-10-06 09:00:00", "S1", "web", "dlv", 4.0),
            a("1", "2026-10-06 09:00:00", "S1", "web", "inst", 4.0),
            a("1", "2026-10-06 09:00:00", "S1", "web", "nps", 8.0),
            a("1", "2026-10-06 09:00:00", "S1", "web", "sat", 5.0),
            // 满意┋一般 (two answers to a single-answer item) rejects that answer only.
            a("2", "2026-10-07 09:00:00", "S2", "web", "inst", 3.0),
            a("2", "2026-10-07 09:00:00", "S2", "web", "nps", 6.0),
            a("2", "2026-10-07 09:00:00", "S2", "web", "sat", 3.0),
        ],
        "问卷星 option text"
    );
    assert_eq!(
        answers(&out, "tencent"),
        vec![
            a("1", "2026-10-02 20:26:58", "S1", "web", "dlv", 5.0),
            a("1", "2026-10-02 20:26:58", "S1", "web", "inst", 5.0),
            a("1", "2026-10-02 20:26:58", "S1", "web", "nps", 10.0),
            a("1", "2026-10-02 20:26:58", "S1", "web", "sat", 5.0),
            a("2", "2026-10-03 08:03:00", "S2", "web", "dlv", 3.0),
            a("2", "2026-10-03 08:03:00", "S2", "web", "inst", 3.0),
            a("2", "2026-10-03 08:03:00", "S2", "web", "nps", 6.0),
            a("2", "2026-10-03 08:03:00", "S2", "web", "sat", 3.0),
        ],
        "腾讯问卷"
    );
    // Recorded in UTC (the ImportId row says so) → +08:00; the preview and the unfinished
    // response are excluded.
    assert_eq!(
        answers(&out, "qualtrics"),
        vec![
            a("R_abc1", "2026-10-01 10:00:00", "S1", "web", "dlv", 4.0),
            a("R_abc1", "2026-10-01 10:00:00", "S1", "web", "nps", 9.0),
            a("R_abc1", "2026-10-01 10:00:00", "S1", "web", "sat", 5.0),
            a("R_abc2", "2026-10-03 00:30:00", "S2", "web", "dlv", 1.0),
            a("R_abc2", "2026-10-03 00:30:00", "S2", "web", "nps", 4.0),
            a("R_abc2", "2026-10-03 00:30:00", "S2", "web", "sat", 2.0),
        ],
        "Qualtrics, 3 header rows"
    );
    assert_eq!(
        comments(&out, "qualtrics"),
        vec![("R_abc1".to_string(), "Call me at [phone]".to_string())]
    );
    assert_eq!(
        answers(&out, "qualtrics_legacy"),
        vec![
            a("R_old1", "2026-10-02 09:00:00", "", "web", "dlv", 5.0),
            a("R_old1", "2026-10-02 09:00:00", "", "web", "sat", 4.0),
        ],
        "Qualtrics legacy UTF-16 TSV, timezone from config"
    );
    assert_eq!(
        answers(&out, "surveymonkey"),
        vec![
            a("114000001", "2026-10-01 09:05:00", "S1", "web", "dlv", 5.0),
            a("114000001", "2026-10-01 09:05:00", "S1", "web", "nps", 9.0),
            a("114000001", "2026-10-01 09:05:00", "S1", "web", "sat", 4.0),
            a("114000002", "2026-10-02 13:10:00", "S2", "web", "dlv", 1.0),
            a("114000002", "2026-10-02 13:10:00", "S2", "web", "nps", 3.0),
            a("114000002", "2026-10-02 13:10:00", "S2", "web", "sat", 3.0),
        ],
        "SurveyMonkey, matrix columns"
    );
    assert_eq!(
        comments(&out, "surveymonkey"),
        vec![("114000001".to_string(), "Great, call [phone]".to_string())]
    );
    assert_eq!(
        answers(&out, "limesurvey"),
        vec![
            a("1", "2026-10-08 14:00:00", "S1", "web", "dlv", 4.0),
            a("1", "2026-10-08 14:00:00", "S1", "web", "nps", 10.0),
            a("1", "2026-10-08 14:00:00", "S1", "web", "sat", 5.0),
        ],
        "LimeSurvey"
    );
    assert_eq!(
        answers(&out, "phone"),
        vec![
            a("P1", "2026-10-09 10:00:00", "", "phone", "nps", 9.0),
            a("P1", "2026-10-09 10:00:00", "", "phone", "sat", 5.0),
            a("P2", "2026-10-09 11:00:00", "", "phone", "nps", 7.0),
            a("P2", "2026-10-09 11:00:00", "", "phone", "sat", 4.0),
        ],
        "semicolon call sheet with a doubled-space header"
    );
    assert_eq!(
        comments(&out, "phone"),
        vec![("P1".to_string(), "第一行\n第二行 [phone]".to_string())]
    );
    let mail = vec![
        a("YJ1", "2026-10-10 00:00:00", "S1", "mail", "dlv", 3.0),
        a("YJ1", "2026-10-10 00:00:00", "S1", "mail", "sat", 4.0),
        // 不适用 is no answer.
        a("YJ2", "2026-10-11 00:00:00", "S2", "mail", "dlv", 5.0),
    ];
    assert_eq!(answers(&out, "mail_gbk"), mail, "GBK twin");
    assert_eq!(answers(&out, "mail_utf8"), mail, "UTF-8 twin");
    assert_eq!(
        answers(&out, "excel_1904"),
        vec![a("X1", "2026-10-12 00:00:00", "S2", "mail", "sat", 5.0)],
        "1904 date system"
    );
}

#[test]
fn every_fixture_accounts_for_its_rows_and_every_reject_has_a_reason() {
    let (_, out) = ingest_fixtures();
    assert_eq!(out.ledger.len(), 13);
    for l in &out.ledger {
        assert_eq!(
            l.rows_read,
            l.accepted + l.rejected + l.superseded,
            "{}",
            l.file
        );
    }
    let by_file: BTreeMap<&str, (usize, usize, usize)> = out
        .ledger
        .iter()
        .map(|l| (l.file.as_str(), (l.rows_read, l.accepted, l.rejected)))
        .collect();
    assert_eq!(by_file["qualtrics.csv"], (4, 2, 2));
    // Its third response has one answer outside the scale: the answer is rejected, the row kept.
    assert_eq!(by_file["wjx_codes.csv"], (3, 3, 0));
    let answers_rejected = |f: &str| {
        out.ledger
            .iter()
            .find(|l| l.file == f)
            .unwrap()
            .answers_rejected
    };
    assert_eq!(answers_rejected("wjx_codes.csv"), 1);
    assert_eq!(by_file["limesurvey.csv"], (2, 1, 1));
    for r in &out.rejects {
        assert!(!r.reason.is_empty() && r.line > 1, "{r:?}");
    }
    let codes: Vec<(&str, usize, &str)> = out
        .rejects
        .iter()
        .map(|r| (r.source.as_str(), r.line, r.code.as_str()))
        .collect();
    // Answer-level rejects are counted apart from the rows.
    let answer_level: usize = out.ledger.iter().map(|l| l.answers_rejected).sum();
    let rows_rejected: usize = out.ledger.iter().map(|l| l.rejected).sum();
    assert_eq!(out.rejects.len(), rows_rejected + answer_level);
    assert!(out
        .rejects
        .iter()
        .any(|r| r.level == ingest::RejectLevel::Answer && r.code.as_str() == "out_of_scale"));
    for want in [
        ("wjx_csv", 4, "out_of_scale"),
        ("wjx_text", 3, "not_a_number"),
        ("qualtrics", 5, "excluded"),
        ("qualtrics", 6, "incomplete"),
        ("limesurvey", 3, "incomplete"),
    ] {
        assert!(
            codes.contains(&want),
            "missing reject {want:?} in {codes:?}"
        );
    }
}

#[test]
fn identifiers_are_hashed_with_the_configured_key() {
    let (cfg, out) = ingest_fixtures();
    let df = out.tables[&Table::Responses]
        .clone()
        .into_partitions()
        .unwrap()
        .into_values()
        .next()
        .unwrap();
    let ids: Vec<String> = frame::strs(&df, "customer_id")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    let p = Privacy::new(cfg.pii, b"fixture-key");
    assert!(ids.contains(&p.id(Some("M001".into())).unwrap()));
    assert!(!ids.iter().any(|i| i.starts_with('M')), "{ids:?}");
}

/// Every string in a Parquet file, decoded (the files are zstd-compressed, so a byte grep
/// would see nothing).
fn parquet_text(path: &Path) -> String {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    for row in r.get_row_iter(None).unwrap() {
        for (_, f) in row.unwrap().get_column_iter() {
            out.push_str(&f.to_string());
            out.push('\n');
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn no_personal_data_from_any_fixture_reaches_the_lake_or_a_report() {
    let t = TempDir::new("pii");
    copy_dir(&fixtures(), t.path());
    ok(
        t.path(),
        &[
            "run",
            "--as-of",
            "2026-11-01",
            "--max-reject-share",
            "1",
            "--warn-reject-share",
            "1",
        ],
    );
    let pii = [
        "116.228.1.20",
        "101.80.2.3",
        "1.2.3.4",
        "36.1.2.3",
        "203.0.113.5",
        "203.0.113.9",
        "203.0.113.7",
        "198.51.100.7",
        "198.51.100.8",
        "192.0.2.1",
        "192.0.2.2",
        "192.0.2.77",
        "13812345678",
        "13900001111",
        "021-6543 2100",
        "6543 2100",
        "a.b@example.com",
        "wang.li@example.com",
        "zhao.min@example.com",
        "zhang@example.com",
        "li.lei@example.com",
        "王丽",
        "陈静",
        "Li, Lei",
        "M001",
        "M002",
        "M003",
    ];
    let mut checked = 0;
    for dir in ["lake", "marts", "reports"] {
        for (name, bytes) in files_under(&t.path().join(dir)) {
            let path = t.path().join(dir).join(&name);
            let text = if name.ends_with(".parquet") {
                parquet_text(&path)
            } else if name.ends_with(".pdf") {
                tool("pdftotext", &[path.to_str().unwrap(), "-"])
            } else {
                String::from_utf8_lossy(&bytes).to_string()
            };
            for p in pii {
                assert!(!text.contains(p), "{dir}/{name} contains `{p}`");
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} outputs checked");
}

#[test]
fn reingest_adds_nothing_and_a_corrected_file_replaces_its_rows() {
    let t = TempDir::new("replace");
    copy_dir(&fixtures(), t.path());
    let cfg = std::fs::read_to_string(t.path().join("csat.toml")).unwrap();
    std::fs::write(
        t.path().join("csat.toml"),
        cfg.replace("path = \"mail_utf8.csv\"", "path = \"mail_utf8*.csv\""),
    )
    .unwrap();
    let ingest = |as_of: &str| {
        ok(
            t.path(),
            &[
                "ingest",
                "--as-of",
                as_of,
                "--max-reject-share",
                "1",
                "--warn-reject-share",
                "1",
            ],
        )
    };
    ingest("2026-11-01");
    let lake = |sub: &str| files_under(&t.path().join("lake").join(sub));
    let first = lake("responses");
    ingest("2026-11-01");
    assert!(
        first == lake("responses"),
        "a second ingest of the same files changed the lake"
    );

    // A copy of a file under another name adds nothing.
    std::fs::copy(
        t.path().join("mail_utf8.csv"),
        t.path().join("mail_utf8_copy.csv"),
    )
    .unwrap();
    ingest("2026-11-02");
    let p = t
        .path()
        .join("lake/responses/period=2026-10/part-0.parquet");
    let count = |src: &str| {
        let r = csat::lake::read_file(&p).unwrap();
        frame::strs(&r, "source")
            .unwrap()
            .iter()
            .filter(|s| s.as_deref() == Some(src))
            .count()
    };
    assert_eq!(count("mail_utf8"), 3);

    // A corrected export of the same month replaces the earlier file's rows.
    let fixed = std::fs::read_to_string(t.path().join("mail_utf8.csv"))
        .unwrap()
        .replace("YJ1,M001,2026-10-10,4,3", "YJ1,M001,2026-10-10,2,3");
    std::fs::write(t.path().join("mail_utf8_v2.csv"), fixed).unwrap();
    ingest("2026-11-03");
    assert_eq!(count("mail_utf8"), 3, "rows doubled instead of replaced");
    let r = csat::lake::read_file(&p).unwrap();
    let (src, id, item, score) = (
        frame::strs(&r, "source").unwrap(),
        frame::strs(&r, "response_id").unwrap(),
        frame::strs(&r, "item_id").unwrap(),
        frame::f64s(&r, "score").unwrap(),
    );
    let yj1 = (0..r.height())
        .find(|&i| {
            src[i].as_deref() == Some("mail_utf8")
                && id[i].as_deref() == Some("YJ1")
                && item[i].as_deref() == Some("sat")
        })
        .unwrap();
    assert_eq!(score[yj1], Some(2.0), "the corrected value wins");
    // The ledger says where every row came from and what was superseded.
    let ledger = csat::lake::read_file(&t.path().join("lake/_ledger/files.parquet")).unwrap();
    let files = frame::strs(&ledger, "file").unwrap();
    let sup = frame::f64s(&ledger, "superseded").unwrap();
    let of = |f: &str| sup[files.iter().position(|x| x.as_deref() == Some(f)).unwrap()].unwrap();
    assert_eq!(
        (
            of("mail_utf8.csv"),
            of("mail_utf8_copy.csv"),
            of("mail_utf8_v2.csv")
        ),
        (2.0, 2.0, 0.0)
    );
    let file_ids: Vec<String> = frame::strs(&r, "file_id")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    let ledger_ids: Vec<String> = frame::strs(&ledger, "file_id")
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert!(
        file_ids.iter().all(|f| ledger_ids.contains(f)),
        "a row's file_id is not in the ledger"
    );
}

#[test]
fn validate_reports_layout_mapping_and_rejects_without_writing() {
    let t = TempDir::new("validate");
    copy_dir(&fixtures(), t.path());
    let out = ok(
        t.path(),
        &[
            "validate",
            "--as-of",
            "2026-11-01",
            "qualtrics.csv",
            "wjx_codes.csv",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "layout     qualtrics (detected)",
        "excluded ×1",
        "incomplete ×1",
        "encoding   gb18030",
        "out_of_scale ×1",
        "dlv                ← 3、送货准时",
    ] {
        assert!(
            text.contains(needle),
            "validate output lacks `{needle}`:\n{text}"
        );
    }
    assert!(
        !t.path().join("lake").exists() && !t.path().join(".csat-key").exists(),
        "validate wrote something"
    );
    let bad = csat(t.path(), &["validate", "nope.csv"]);
    assert_eq!(bad.status.code(), Some(3));
}

#[test]
fn validate_into_a_closed_pipe_ends_quietly() {
    // `csat validate … | head -1`: the reader goes away before the answer is written. The
    // answer is on stdout; a closed pipe ends the command with 0, not an internal error.
    let t = TempDir::new("validate-pipe");
    copy_dir(&fixtures(), t.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_csat"))
        .current_dir(t.path())
        .args([
            "validate",
            "--as-of",
            "2026-11-01",
            "qualtrics.csv",
            "wjx_codes.csv",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("internal error"), "{err}");
}

#[test]
fn too_many_rejects_fail_the_run_before_the_lake_changes() {
    let t = TempDir::new("share");
    copy_dir(&fixtures(), t.path());
    // With bad_answer = "response", wjx_codes.csv's out-of-scale answer rejects its row:
    // 1 of 3 rows, above the default 5%.
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "path = \"wjx_codes.csv\"\n",
        "path = \"wjx_codes.csv\"\nbad_answer = \"response\"\n",
    );
    std::fs::write(&cfg, text).unwrap();
    let out = csat(t.path(), &["ingest", "--as-of", "2026-11-01"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wjx_codes.csv rejects 1 of 3 rows") && err.contains("--max-reject-share"),
        "{err}"
    );
    assert!(
        !t.path().join("lake/responses").exists(),
        "the lake was written despite the failure"
    );
    assert!(
        t.path()
            .join("lake/_rejects/failed/wjx_csv.parquet")
            .is_file()
            && !t.path().join("lake/_rejects/wjx_csv.parquet").exists(),
        "the rejects that explain it are missing, or the lake's were written"
    );
}

/// Property: for generated messy files (random valid and broken rows, ragged rows, quoted
/// newlines, GBK or UTF-8), every row is accepted or rejected, never lost, and every
/// reject has a reason.
#[test]
fn messy_files_never_lose_a_row() {
    use csat::demo::rng::Rng;
    let t = TempDir::new("messy");
    let dir = t.path();
    std::fs::write(
        dir.join("csat.toml"),
        r#"
[privacy]
key = "k"
[[catalog.store]]
id = "S1"
zh = "上海店"
en = "Shanghai"
[questionnaire]
items = [
  { id = "sat", zh = "总体", en = "Overall", scale = [1, 5], role = "overall" },
  { id = "nps", zh = "推荐", en = "NPS", scale = [0, 10], role = "nps" },
  { id = "c", zh = "意见", en = "Comment", role = "comment" },
]
[[sources]]
name = "messy"
kind = "survey"
preset = "generic"
path = "messy.csv"
columns = { response_id = "编号", survey_time = "时间", store = "门店" }
items = { sat = "总体", nps = "推荐", c = "意见" }
"#,
    )
    .unwrap();
    let cells_ok = ["1", "2", "3", "4", "5", " 5 ", "非常满意", "", "-3"];
    let cells_bad = [
        "6",
        "0",
        "5.0.1",
        "NaN",
        "1e309",
        "很好吧",
        "=cmd|' /C calc'!A0",
        "\u{0}",
    ];
    let times = [
        "2026-10-01 10:00:00",
        "2026/10/2 9:00",
        "2026-13-01",
        "昨天",
        "",
        "2027-01-01 00:00:00",
        "10/03/2026 01:00:00 PM",
    ];
    let stores = ["上海店", "Shanghai", "S1", "苏州店", ""];
    let mut rng = Rng::new(42);
    for case in 0..40 {
        let n = rng.range(1, 60) as usize;
        let mut text = String::from("编号,时间,门店,总体,推荐,意见\n");
        let mut rows = 0;
        for r in 0..n {
            let id = if rng.chance(0.05) {
                "dup".to_string()
            } else {
                format!("r{r}")
            };
            let pick = |rng: &mut Rng, xs: &[&str]| {
                xs[rng.range(0, xs.len() as i64 - 1) as usize].to_string()
            };
            let sat = if rng.chance(0.8) {
                pick(&mut rng, &cells_ok)
            } else {
                pick(&mut rng, &cells_bad)
            };
            let nps = rng.range(-1, 11).to_string();
            let comment = if rng.chance(0.2) {
                "\"两行\n意见, 13812345678\"".to_string()
            } else {
                String::new()
            };
            let mut line = format!(
                "{id},{},{},\"{}\",{nps},{comment}",
                pick(&mut rng, &times),
                pick(&mut rng, &stores),
                sat.replace('"', "\"\"")
            );
            if rng.chance(0.05) {
                line.push_str(",extra,cells");
            }
            if rng.chance(0.05) {
                line = format!("{id},{}", pick(&mut rng, &times));
            }
            text.push_str(&line);
            text.push('\n');
            rows += 1;
        }
        let bytes = if case % 2 == 0 {
            text.into_bytes()
        } else {
            encoding_rs::GBK.encode(&text).0.into_owned()
        };
        std::fs::write(dir.join("messy.csv"), &bytes).unwrap();
        let cfg = Config::load(&dir.join("csat.toml")).unwrap();
        let opts = ingest::Options {
            as_of: as_of(),
            privacy: Privacy::new(cfg.pii, b"k"),
            prior: Vec::new(),
        };
        let out = ingest::ingest(&cfg, &opts).unwrap_or_else(|e| panic!("case {case}: {e}"));
        let l = &out.ledger[0];
        assert_eq!(l.rows_read, rows, "case {case}: rows read");
        assert_eq!(
            l.rows_read,
            l.accepted + l.rejected,
            "case {case}: a row was lost"
        );
        assert_eq!(
            out.rejects.len(),
            l.rejected + l.answers_rejected,
            "case {case}"
        );
        assert_eq!(
            out.rejects
                .iter()
                .filter(|r| r.level == ingest::RejectLevel::Answer)
                .count(),
            l.answers_rejected,
            "case {case}"
        );
        assert!(
            out.rejects.iter().all(|r| !r.reason.is_empty()),
            "case {case}: a reject without a reason"
        );
        assert!(
            out.rejects.iter().all(|r| !r.value.contains("13812345678")),
            "case {case}: a phone number in a reject"
        );
        let parts = out.tables[&Table::Responses]
            .clone()
            .into_partitions()
            .unwrap();
        for df in parts.values() {
            let items = frame::strs(df, "item_id").unwrap();
            for (i, s) in frame::f64s(df, "score").unwrap().into_iter().enumerate() {
                let s = s.unwrap();
                let max = if items[i].as_deref() == Some("nps") {
                    10.0
                } else {
                    5.0
                };
                assert!((0.0..=max).contains(&s), "case {case}: score {s} accepted");
            }
        }
    }
}

#[test]
fn validate_without_files_checks_every_source_and_fails_on_too_many_rejects() {
    let t = TempDir::new("validate-all");
    copy_dir(&fixtures(), t.path());
    // A second source that reads the same file with another mapping: both are checked.
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap()
        + "\n[[sources]]\nname = \"wjx_again\"\nkind = \"survey\"\npath = \"wjx_codes.csv\"\nbad_answer = \"response\"\ncolumns = { store = \"门店\" }\nitems = { dlv = \"3\" }\n";
    std::fs::write(&cfg, text).unwrap();
    let out = csat(t.path(), &["validate", "--as-of", "2026-11-01"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "qualtrics_legacy.tsv",
        "excel_1904.xlsx",
        "source     wjx_csv (survey)",
        "source     wjx_again (survey)",
        "answers    1 rejected in accepted rows",
        // As wjx_again (one item, whole rows rejected), 2 of 3 rows are rejected: above 5%.
        "above --max-reject-share 5.0%",
    ] {
        assert!(
            stdout.contains(needle),
            "validate lacks `{needle}`:\n{stdout}"
        );
    }
    assert_eq!(
        out.status.code(),
        Some(3),
        "a file over the limit fails validate"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 reject more than 5.0% of their rows"),
        "{err}"
    );
    // A Qualtrics export that names no time zone (the legacy one, once its source stops
    // saying UTC) is read in the workspace's zone, and the ledger says so.
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "path = \"qualtrics_legacy.tsv\"\ntimezone = \"UTC\"",
        "path = \"qualtrics_legacy.tsv\"",
    );
    std::fs::write(&cfg, text).unwrap();
    let out = csat(
        t.path(),
        &[
            "validate",
            "--as-of",
            "2026-11-01",
            "qualtrics_legacy.tsv",
            "qualtrics.csv",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout
            .matches("names no time zone: its times are read as +08:00")
            .count(),
        1,
        "{stdout}"
    );
    // A looser limit passes.
    ok(
        t.path(),
        &[
            "validate",
            "--as-of",
            "2026-11-01",
            "--max-reject-share",
            "0.7",
        ],
    );
}

/// One source of each kind whose every mappable field has a value no other field has, so a
/// field filed under another column (two same-typed columns trading places, such as
/// `region` and `store`) shows: each lake column, read back by name, holds its own field's
/// value.
#[test]
fn every_mapped_field_lands_in_its_own_column() {
    use csat::schema::{source_fields, ColType, FieldType, SourceKind};
    let t = TempDir::new("own-column");
    // The value written for a field (and expected back in the column of that name).
    let value = |kind: SourceKind, field: &str, ty: FieldType| -> String {
        match (kind, field, ty) {
            (_, "channel", FieldType::Segment(_)) => "phone".into(),
            (_, "survey_time", _) => "2026-10-01 08:00:00".into(),
            (_, "received_at", _) => "2026-10-01 07:00:00".into(),
            (_, "first_response_at", _) => "2026-10-01 09:30:00".into(),
            (_, "closed_at", _) => "2026-10-02 10:00:00".into(),
            (_, "first_purchase", _) => "2020-01-02".into(),
            (_, "last_purchase", _) => "2026-09-03".into(),
            (_, "churn_date", _) => "2026-09-04".into(),
            (_, "opened", _) => "2026-10-05".into(),
            (_, "closed", _) => "2026-10-20".into(),
            (_, "period", _) => "2026-10".into(),
            (_, "weight", _) => "2.5".into(),
            (_, "compensation", _) => "11".into(),
            (_, "handling_satisfaction", _) => "4".into(),
            (SourceKind::Customers, "value", _) => "123".into(),
            (_, "value", _) => "7.5".into(),
            (_, "scale_min", _) => "1".into(),
            (_, "scale_max", _) => "10".into(),
            (_, "timely_response" | "churned", _) => "1".into(),
            (_, "disputed" | "complained", _) => "0".into(),
            _ => format!("v-{field}"),
        }
    };
    let kinds = [
        (SourceKind::Survey, "survey"),
        (SourceKind::Complaints, "complaints"),
        (SourceKind::Customers, "customers"),
        (SourceKind::Benchmark, "benchmark"),
        (SourceKind::Actions, "actions"),
    ];
    let mut cfg = String::from(
        r#"[organisation]
name = "字段测试"
[workspace]
lake = "lake"
marts = "marts"
reports = "reports"
timezone = "+08:00"
[privacy]
pii = "keep"
[questionnaire]
dimensions = [{ id = "svc", zh = "服务", en = "Service", weight = 1.0 }]
items = [
  { id = "sat", zh = "总体满意度", en = "Overall", scale = [1, 5], role = "overall" },
  { id = "cmt", zh = "意见", en = "Comments", role = "comment" },
]
"#,
    );
    for (kind, name) in kinds {
        let fields = source_fields(kind);
        let mut header: Vec<String> = fields.iter().map(|f| format!("h_{}", f.name)).collect();
        let mut row: Vec<String> = fields.iter().map(|f| value(kind, f.name, f.ty)).collect();
        cfg += &format!("[[sources]]\nname = \"{name}\"\nkind = \"{name}\"\npath = \"{name}.csv\"\n[sources.columns]\n");
        for f in fields {
            cfg += &format!("{0} = \"h_{0}\"\n", f.name);
        }
        if kind == SourceKind::Survey {
            header.extend(["h_sat".into(), "h_cmt".into()]);
            row.extend(["4".into(), "v-text".into()]);
            cfg += "[sources.items]\nsat = \"h_sat\"\ncmt = \"h_cmt\"\n";
        }
        let csv = format!("{}\n{}\n", header.join(","), row.join(","));
        std::fs::write(t.path().join(format!("{name}.csv")), csv).unwrap();
    }
    std::fs::write(t.path().join("csat.toml"), &cfg).unwrap();
    let cfg = Config::load(&t.path().join("csat.toml")).unwrap();
    let opts = ingest::Options {
        as_of: as_of(),
        privacy: Privacy::new(cfg.pii, b"unused"),
        prior: Vec::new(),
    };
    let out = ingest::ingest(&cfg, &opts).unwrap();
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);

    // A column's one value, as the text it was written as.
    let cell = |df: &frame::DataFrame, col: &str, ty: ColType| -> Option<String> {
        match ty {
            ColType::Str | ColType::Cat => frame::strs(df, col).unwrap()[0].clone(),
            ColType::F64 => frame::f64s(df, col).unwrap()[0].map(|v| v.to_string()),
            ColType::I64 => frame::i64s(df, col).unwrap()[0].map(|v| v.to_string()),
            ColType::Bool => frame::bools(df, col).unwrap()[0].map(|b| (b as u8).to_string()),
            ColType::Date => frame::dates(df, col).unwrap()[0].map(|d| d.to_string()),
            ColType::Time => {
                frame::times(df, col).unwrap()[0].map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            }
        }
    };
    let mut checked = 0;
    for (kind, name) in kinds {
        let table = kind.table();
        let parts = out.tables[&table].clone().into_partitions().unwrap();
        assert_eq!(parts.len(), 1, "{name}: one month");
        let df = parts.values().next().unwrap();
        assert_eq!(df.height(), 1, "{name}: one row");
        for f in source_fields(kind) {
            let Some((_, ty)) = table.columns().iter().find(|(c, _)| *c == f.name) else {
                continue; // `period` is the partition, not a column
            };
            let want = value(kind, f.name, f.ty);
            let want = match *ty {
                ColType::F64 => want.parse::<f64>().unwrap().to_string(),
                _ => want,
            };
            assert_eq!(
                cell(df, f.name, *ty).as_deref(),
                Some(want.as_str()),
                "{name}.{}: the column holds another field's value",
                f.name
            );
            checked += 1;
        }
        if table.columns().iter().any(|(c, _)| *c == "source") {
            assert_eq!(cell(df, "source", ColType::Cat).as_deref(), Some(name));
        }
    }
    // The comment of the survey: its text and the response's segments.
    let comments = out.tables[&Table::Comments]
        .clone()
        .into_partitions()
        .unwrap();
    let df = comments.values().next().unwrap();
    for (col, want) in [
        ("text", "v-text"),
        ("region", "v-region"),
        ("store", "v-store"),
    ] {
        assert_eq!(
            cell(df, col, ColType::Str).as_deref(),
            Some(want),
            "comments.{col}"
        );
    }
    assert!(checked >= 40, "only {checked} fields checked");
}

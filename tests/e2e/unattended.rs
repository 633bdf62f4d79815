//! Unattended monthly runs (issue 7): the workspace lock, period selection for schedules,
//! exit codes, JSON logs and the summary line, file permissions, and crash safety under
//! SIGKILL at many points of ingest, analyze and report.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{csat, demo, files_under, ok, TempDir, AS_OF};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn spawn(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_csat"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn csat")
}

#[test]
fn two_runs_at_once_one_proceeds_and_the_other_exits_with_the_lock_code() {
    let t = demo("lock");
    let mut first = spawn(t.path(), &["run", "--as-of", AS_OF]);
    // Wait until the first run has taken the lock (the file names its pid).
    let lock = t.path().join(".csat.lock");
    let pid = first.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !std::fs::read_to_string(&lock).is_ok_and(|s| s.contains(&format!("pid {pid}"))) {
        assert!(
            Instant::now() < deadline,
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = csat(t.path(), &["run", "--as-of", AS_OF]);
    assert_eq!(second.status.code(), Some(5), "{}", stderr(&second));
    let msg = stderr(&second);
    assert!(
        msg.contains(&format!("pid {pid}")) && msg.contains("started"),
        "{msg}"
    );
    let status = first.wait().unwrap();
    assert!(status.success(), "the first run failed");
    // A lock left by a run that was killed does not block: the next run takes it over.
    std::fs::write(&lock, "pid 4000000\nstarted 2026-11-01T02:00:00+08:00\n").unwrap();
    let third = ok(t.path(), &["status"]);
    assert!(stderr(&third).contains("pid 4000000"), "{}", stderr(&third));
}

#[test]
fn run_defaults_to_last_month_and_says_which_sources_it_looked_at() {
    let t = demo("last-month");
    // The demo's config says `period = "latest"` (so its README command works any day); a
    // live workspace leaves the key out and gets `last-month`.
    let cfg = std::fs::read_to_string(t.path().join("csat.toml")).unwrap();
    let live = cfg.replace("period = \"latest\"\n", "");
    assert_ne!(cfg, live);
    let out = ok(t.path(), &["run", "--as-of", "2026-12-01"]);
    assert!(
        stderr(&out).contains("csat run 2026-10:"),
        "{}",
        stderr(&out)
    );
    std::fs::write(t.path().join("csat.toml"), live).unwrap();
    let out = ok(t.path(), &["run", "--as-of", "2026-11-03"]);
    assert!(
        stderr(&out).contains("csat run 2026-10:"),
        "{}",
        stderr(&out)
    );
    // On 2026-12-01 the previous month (2026-11) has no data yet: a data error naming the
    // sources, not a silent report of an older month.
    let out = csat(t.path(), &["run", "--as-of", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(3));
    let msg = stderr(&out);
    assert!(msg.contains("no data for 2026-11"), "{msg}");
    assert!(
        msg.contains("Sources looked at: web_survey") && msg.contains("complaints ("),
        "{msg}"
    );
    // `latest` picks the newest month with data whatever the date.
    let out = ok(
        t.path(),
        &["run", "--as-of", "2026-12-01", "--period", "latest"],
    );
    assert!(stderr(&out).contains("csat run 2026-10:"));
}

#[test]
fn a_failure_in_json_logs_has_its_hint_exit_code_and_causes_as_keys() {
    let t = demo("json-failure");
    // No data yet: the message, then what to do, as separate keys.
    let out = csat(
        t.path(),
        &["report", "--period", "2026-10", "--log-format", "json"],
    );
    let last: serde_json::Value =
        serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert!(
        last["msg"]
            .as_str()
            .unwrap()
            .starts_with("no data for 2026-10"),
        "{last}"
    );
    assert!(
        last["hint"]
            .as_str()
            .unwrap()
            .starts_with("add the month's exports"),
        "{last}"
    );
    // Ingested, not analysed: no marts.
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let out = csat(
        t.path(),
        &["report", "--period", "2026-10", "--log-format", "json"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let last: serde_json::Value =
        serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert_eq!(last["level"], "error");
    assert_eq!(last["exit_code"], 3);
    assert!(
        last["msg"]
            .as_str()
            .unwrap()
            .starts_with("no marts for 2026-10"),
        "{last}"
    );
    assert_eq!(last["hint"], "run `csat analyze --period 2026-10` first");
    // In text, the hint follows the message.
    let out = csat(t.path(), &["report", "--period", "2026-10"]);
    assert!(stderr(&out).contains("; run `csat analyze --period 2026-10` first"));
    // A damaged lake file: the Parquet reader's error is kept as the cause.
    let part = t
        .path()
        .join("lake/customers/period=2026-10/part-0.parquet");
    std::fs::write(&part, b"PAR1 not really").unwrap();
    let out = csat(
        t.path(),
        &[
            "analyze",
            "--period",
            "2026-10",
            "--as-of",
            AS_OF,
            "--log-format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let last: serde_json::Value =
        serde_json::from_str(stderr(&out).lines().last().unwrap()).unwrap();
    assert_eq!(
        last["hint"], "delete it and run `csat ingest` again",
        "{last}"
    );
    assert!(
        last["cause"].as_array().is_some_and(|c| !c.is_empty()),
        "{last}"
    );
}

#[test]
fn json_logs_summary_line_warnings_exit_code_and_private_files() {
    let t = demo("json");
    let out = csat(
        t.path(),
        &[
            "run",
            "--as-of",
            AS_OF,
            "--log-format",
            "json",
            "--warn-reject-share",
            "0.0001",
        ],
    );
    // 6: done, with warnings (the demo's files each reject a few planted rows).
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().any(|l| l["level"] == "warning"));
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["period"], "2026-10");
    assert_eq!(
        summary["rows_read"].as_u64().unwrap(),
        summary["rows_accepted"].as_u64().unwrap() + summary["rows_rejected"].as_u64().unwrap()
    );
    assert_eq!(summary["rows_rejected"], 6);
    assert_eq!(summary["answers_rejected"], 3);
    assert!(summary["report"].as_str().unwrap().ends_with("report.pdf"));
    assert!(summary["warnings"].as_u64().unwrap() > 0);
    // Without the low warning level the same run is a plain success, with no progress
    // lines (stderr is not a terminal here) and a readable summary line.
    let out = ok(t.path(), &["run", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0));
    let text = stderr(&out);
    assert!(!text.contains("[1/3]"), "progress lines outside a terminal");
    assert!(text
        .lines()
        .last()
        .unwrap()
        .starts_with("csat run 2026-10: 19168 rows read"));
    // Outputs are not world-readable: reports and the lake hold customer data.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for p in [
            "reports/2026-10/report.pdf",
            "reports/2026-10/summary.json",
            "marts/period=2026-10/satisfaction.parquet",
            "lake/responses/period=2026-10/part-0.parquet",
            "lake/_ledger/files.parquet",
        ] {
            let mode = std::fs::metadata(t.path().join(p))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o007, 0, "{p} is world-accessible: {mode:o}");
        }
        let mode = std::fs::metadata(t.path().join("reports/2026-10"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o007, 0, "reports/2026-10: {mode:o}");
    }
}

/// The state of one stage's outputs: every file under it, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .filter(|(k, _)| !k.contains(".csat-"))
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().unwrap().is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The new inputs: the complaint log loses its last 60 rows, so the lake, the marts and
/// the report all differ from the old state.
fn change_inputs(ws: &Path) {
    let p = ws.join("raw/投诉登记表.csv");
    let text = std::fs::read(&p).unwrap();
    let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
    let keep = lines.len().saturating_sub(61);
    std::fs::write(&p, lines[..keep].join(&b'\n')).unwrap();
}

#[test]
fn sigkill_at_many_points_leaves_the_old_or_the_new_complete_state() {
    // States: S0 all old; S1 the lake new; S2 lake and marts new; S3 all new. A kill during
    // ingest (from S0), analyze (from S1) or report (from S2) must leave each of lake,
    // marts and reports equal to its old or its new complete version, after the next
    // command's recovery (here `csat status`); a rerun then reaches S3 exactly.
    let base = demo("kill-base");
    ok(base.path(), &["run", "--as-of", AS_OF]);
    let s0 = TempDir::new("kill-s0");
    copy_dir(base.path(), s0.path());
    change_inputs(s0.path());
    let s1 = TempDir::new("kill-s1");
    copy_dir(s0.path(), s1.path());
    ok(s1.path(), &["ingest", "--as-of", AS_OF]);
    let s2 = TempDir::new("kill-s2");
    copy_dir(s1.path(), s2.path());
    ok(s2.path(), &["analyze", "--period", "2026-10"]);
    let s3 = TempDir::new("kill-s3");
    copy_dir(s2.path(), s3.path());
    ok(
        s3.path(),
        &["report", "--period", "2026-10", "--as-of", AS_OF],
    );
    let parts = ["lake", "marts", "reports"];
    let state = |ws: &Path| -> Vec<BTreeMap<String, Vec<u8>>> {
        parts.iter().map(|p| snapshot(&ws.join(p))).collect()
    };
    let states = [
        state(s0.path()),
        state(s1.path()),
        state(s2.path()),
        state(s3.path()),
    ];
    for i in 0..3 {
        assert!(
            states[i][i] != states[i + 1][i],
            "stage {i}: old and new must differ"
        );
    }
    let stages: [(&str, &[&str], &Path); 3] = [
        ("ingest", &["ingest", "--as-of", AS_OF], s0.path()),
        ("analyze", &["analyze", "--period", "2026-10"], s1.path()),
        (
            "report",
            &["report", "--period", "2026-10", "--as-of", AS_OF],
            s2.path(),
        ),
    ];
    // How long each stage takes here, to spread the kills over its whole run.
    let mut took = Vec::new();
    let probe = TempDir::new("kill-probe");
    for (_, args, from) in &stages {
        copy_dir(from, probe.path());
        let t = Instant::now();
        ok(probe.path(), args);
        took.push(t.elapsed());
    }
    let mut seed: u64 = 0x5eed_c5a7;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let ws = TempDir::new("kill-ws");
    let mut kills = [0usize; 3];
    let mut attempts = 0;
    while kills.iter().sum::<usize>() < 51 {
        attempts += 1;
        assert!(attempts < 120, "too few kills landed: {kills:?}");
        let k = attempts % 3;
        let (name, args, from) = stages[k];
        copy_dir(from, ws.path());
        let mut child = spawn(ws.path(), args);
        let delay = took[k].mul_f64(0.02 + 0.98 * rand());
        std::thread::sleep(delay);
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap(); // SIGKILL
        }
        let status = child.wait().unwrap();
        if !killed {
            assert!(status.success(), "{name} failed without being killed");
            continue;
        }
        kills[k] += 1;
        // The next command finishes or undoes the interrupted switch.
        ok(ws.path(), &["status"]);
        let now = state(ws.path());
        for (j, part) in parts.iter().enumerate() {
            let (old, new) = (&states[k][j], &states[k + 1][j]);
            assert!(
                now[j] == *old || now[j] == *new,
                "{name} killed after {delay:?}: {part} is neither the old nor the new state"
            );
        }
    }
    assert!(kills.iter().all(|&n| n >= 10), "kills per stage: {kills:?}");
    // After the last kill, the monthly job finishes and reaches exactly the new state.
    ok(ws.path(), &["run", "--as-of", AS_OF]);
    assert!(
        state(ws.path()) == states[3],
        "the rerun after kills differs from a clean run"
    );
    eprintln!("kills per stage (ingest, analyze, report): {kills:?}, timings {took:?}");
}

#[test]
fn a_crash_after_the_journal_is_rolled_forward_by_the_next_command() {
    let t = demo("journal");
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let before = snapshot(&t.path().join("marts"));
    change_inputs(t.path());
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let crashed = Command::new(env!("CARGO_BIN_EXE_csat"))
        .current_dir(t.path())
        .args(["analyze", "--period", "2026-10"])
        .env("CSAT_TEST_CRASH_AFTER_JOURNAL", "1")
        .output()
        .unwrap();
    assert!(
        !crashed.status.success(),
        "the fault injection did not fire"
    );
    assert!(t.path().join("marts/.csat-journal").is_file());
    let out = ok(t.path(), &["status"]);
    assert!(!t.path().join("marts/.csat-journal").exists());
    assert!(stdout(&out).contains("marts: 2026-10"));
    let rolled = snapshot(&t.path().join("marts"));
    assert!(
        rolled != before,
        "the committed marts were not rolled forward"
    );
    // The rolled-forward marts are exactly what an uninterrupted analyze writes.
    ok(t.path(), &["analyze", "--period", "2026-10"]);
    assert!(snapshot(&t.path().join("marts")) == rolled);
}

#[test]
fn output_errors_and_internal_errors_have_their_own_exit_codes() {
    let t = demo("exit-more");
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    ok(t.path(), &["analyze"]);
    // 4: an output cannot be written (here `reports` is a file, not a directory).
    std::fs::write(t.path().join("reports"), "in the way").unwrap();
    let out = csat(t.path(), &["report", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    std::fs::remove_file(t.path().join("reports")).unwrap();
    // 1: a bug. A panic anywhere is caught, reported as an internal error, exit 1.
    let out = Command::new(env!("CARGO_BIN_EXE_csat"))
        .current_dir(t.path())
        .args(["status"])
        .env("CSAT_TEST_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("internal error"), "{}", stderr(&out));
}

#[test]
fn a_rerun_keeps_the_users_files_and_says_so() {
    // Issue 14.4: `echo x > reports/2026-10/经理批注.txt; csat run` deleted the note.
    let t = demo("userfiles");
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let note = t.path().join("reports/2026-10/经理批注.txt");
    let mart_note = t.path().join("marts/period=2026-10/README.txt");
    std::fs::write(&note, "x").unwrap();
    std::fs::write(&mart_note, "y").unwrap();
    let out = csat(t.path(), &["run", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&note).unwrap(), "x");
    assert_eq!(std::fs::read_to_string(&mart_note).unwrap(), "y");
    let err = stderr(&out);
    assert!(
        err.contains("经理批注.txt") && err.contains("README.txt"),
        "{err}"
    );
    // csat's own outputs are listed, the user's file is not.
    let manifest =
        std::fs::read_to_string(t.path().join("reports/2026-10/.csat-manifest")).unwrap();
    assert!(manifest.contains("report.pdf\n") && !manifest.contains("经理批注"));
}

#[test]
fn a_failed_ingest_leaves_lake_rejects_and_ledger_as_they_were() {
    // Issue 14.2: with every phone score out of range the ingest failed (exit 3, "lake
    // tables were not changed") but its ledger listed the new phone file as 0 accepted while
    // the lake still held the old phone rows, and the next report contradicted itself.
    let t = demo("failed-ingest");
    ok(t.path(), &["run", "--as-of", AS_OF]);
    let before = files_under(&t.path().join("lake"));
    let phone = t.path().join("raw/电话回访记录.csv");
    let bytes = std::fs::read(&phone).unwrap();
    let mut out = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if i > 0 && !line.is_empty() {
            let f: Vec<&[u8]> = line.splitn(11, |b| *b == b',').collect();
            let mut row: Vec<Vec<u8>> = f.iter().map(|x| x.to_vec()).collect();
            for c in row.iter_mut().take(10).skip(4) {
                *c = b"99".to_vec();
            }
            out.extend(row.join(&b','));
        } else {
            out.extend(line);
        }
        out.push(b'\n');
    }
    out.pop();
    std::fs::write(&phone, out).unwrap();
    let failed = csat(t.path(), &["ingest", "--as-of", AS_OF]);
    assert_eq!(failed.status.code(), Some(3), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("_rejects/failed"),
        "{}",
        stderr(&failed)
    );
    let mut after = files_under(&t.path().join("lake"));
    let explained: Vec<String> = after
        .keys()
        .filter(|k| k.starts_with("_rejects/failed/"))
        .cloned()
        .collect();
    assert!(
        explained.iter().any(|k| k.contains("phone_followup")),
        "{explained:?}"
    );
    for k in explained {
        after.remove(&k);
    }
    assert!(before == after, "the failed ingest changed the lake");
    // The report still agrees with itself (exit 0), and a good ingest removes the failure's
    // rejects.
    ok(t.path(), &["report", "--as-of", AS_OF]);
    std::fs::write(&phone, bytes).unwrap();
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    assert!(!t.path().join("lake/_rejects/failed").exists());
}

#[test]
fn a_byte_identical_copy_adds_nothing_not_even_its_rejects() {
    // Issue 14.5: a copy of the complaint log under another name re-counted its rejects.
    let t = demo("copy");
    ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let rejects = t.path().join("lake/_rejects/complaints.parquet");
    let lines = |p: &Path| csat::frame::height(&csat::lake::read_file(p).unwrap());
    let before = lines(&rejects);
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let glob = text.replace(
        "path = \"raw/投诉登记表.csv\"",
        "path = \"raw/投诉登记表*.csv\"",
    );
    assert_ne!(text, glob);
    std::fs::write(&cfg, glob).unwrap();
    std::fs::copy(
        t.path().join("raw/投诉登记表.csv"),
        t.path().join("raw/投诉登记表 (1).csv"),
    )
    .unwrap();
    let out = ok(t.path(), &["ingest", "--as-of", AS_OF]);
    let err = stderr(&out);
    assert!(err.contains("19162 accepted + 6 rejected"), "{err}");
    // Listed once, under the name they were first read under.
    assert_eq!(lines(&rejects), before, "the copy's rejects were added");
    let files = csat::frame::strs(&csat::lake::read_file(&rejects).unwrap(), "file").unwrap();
    assert!(
        files
            .iter()
            .all(|f| f.as_deref() == Some("raw/投诉登记表.csv")),
        "{files:?}"
    );
}

#[test]
fn two_typos_in_the_config_are_both_reported_with_their_lines() {
    // Issue 14.6: with typos on two lines (`min_nn`, `encodng`) only the later was reported,
    // so fixing a config took one run per typo.
    let t = demo("two-typos");
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[35].starts_with("min_n = 30") && lines[210] == "encoding = \"auto\"");
    let typo = text.replacen("\nmin_n = 30", "\nmin_nn = 30", 1).replacen(
        "\nencoding = \"auto\"",
        "\nencodng = \"auto\"",
        1,
    );
    std::fs::write(&cfg, typo).unwrap();
    let out = csat(t.path(), &["validate"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 36: thresholds.min_nn: unknown key `min_nn`; did you mean `min_n`?"),
        "{err}"
    );
    assert!(
        err.contains(
            "line 211: sources[0].encodng: unknown key `encodng`; did you mean `encoding`?"
        ),
        "{err}"
    );
    assert!(err.contains("has 2 problem(s)"), "{err}");
}

#[test]
fn quiet_runs_print_the_summary_and_warnings_only() {
    // Issue 14.7: the README said cron mail carries only the summary and warnings, but the
    // stage lines and up to 20 `rejected …` lines were printed (13 lines on the demo).
    let t = demo("quiet");
    let out = ok(t.path(), &["run", "--quiet", "--as-of", AS_OF]);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("csat run 2026-10: 19168 rows read"),
        "{err}"
    );
    // A warning still comes through, and is counted in the summary.
    let out = csat(
        t.path(),
        &[
            "run",
            "-q",
            "--as-of",
            AS_OF,
            "--warn-reject-share",
            "0.0001",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.lines()
            .all(|l| l.starts_with("warning: ") || l.starts_with("csat run ")),
        "{err}"
    );
    assert!(
        err.lines().last().unwrap().starts_with("csat run "),
        "{err}"
    );
}

#[test]
fn a_missing_input_folder_is_named_with_the_workspace() {
    // Issue 14.7: "no file matches (relative to )" with an empty path.
    let t = demo("missing-folder");
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace(
            "path = \"raw/电话回访记录.csv\"",
            "path = \"exports/电话回访记录.csv\"",
        ),
    )
    .unwrap();
    let out = csat(t.path(), &["validate"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let here = std::fs::canonicalize(t.path()).unwrap();
    assert!(
        err.contains(&format!(
            "the folder {} does not exist",
            here.join("exports").display()
        )) || err.contains(&format!(
            "the folder {} does not exist",
            t.path().join("exports").display()
        )),
        "{err}"
    );
    assert!(!err.contains("relative to )"), "{err}");
}

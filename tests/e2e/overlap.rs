//! Overlapping exports of one source (issue 14.1): split the demo's web survey into export A
//! (up to 2026-10-15) and export B (from 2026-10-10), as people export "since last time".
//! B used to replace all of A's October rows, 164 responses that B does not have included:
//! October's n fell from 666 to 502 with exit 0 and no word.

use std::path::Path;

use super::{csat, demo, ok, AS_OF};

const WEB: &str = "raw/wjx_满意度调查_202511-202610.csv";

/// A data line's day as (year, month, day), from its second field (`2026/10/1 09:23:44`).
fn day(line: &[u8]) -> (u32, u32, u32) {
    let f = line.split(|b| *b == b',').nth(1).expect("a time field");
    let date = std::str::from_utf8(f).unwrap().split(' ').next().unwrap();
    let n: Vec<u32> = date.split('/').map(|x| x.parse().unwrap()).collect();
    (n[0], n[1], n[2])
}

/// Replace the web survey by export A (every line up to `a_to`) and export B (every line
/// from `b_from`, without those `drop_b` picks), read through a glob; returns how many lines
/// are in both.
fn split(
    dir: &Path,
    a_to: (u32, u32, u32),
    b_from: (u32, u32, u32),
    drop_b: impl Fn((u32, u32, u32)) -> bool,
) -> usize {
    let bytes = std::fs::read(dir.join(WEB)).unwrap();
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let header = lines.next().unwrap().to_vec();
    let (mut a, mut b, mut both) = (header.clone(), header, 0);
    for line in lines {
        let d = day(line);
        if d <= a_to {
            a.extend_from_slice(line);
        }
        if d >= b_from && !drop_b(d) {
            b.extend_from_slice(line);
            both += usize::from(d <= a_to);
        }
    }
    std::fs::remove_file(dir.join(WEB)).unwrap();
    std::fs::write(dir.join("raw/wjx_A.csv"), a).unwrap();
    std::fs::write(dir.join("raw/wjx_B.csv"), b).unwrap();
    let cfg = dir.join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let glob = text.replace(&format!("path = \"{WEB}\""), "path = \"raw/wjx_*.csv\"");
    assert_ne!(text, glob);
    std::fs::write(&cfg, glob).unwrap();
    both
}

fn october_n(dir: &Path) -> serde_json::Value {
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("reports/2026-10/summary.json")).unwrap())
            .unwrap();
    s["overall"]["n"].clone()
}

/// The ledger's (accepted, superseded, note) of a file.
fn ledger(dir: &Path, file: &str) -> (f64, f64, String) {
    let l = csat::lake::read_file(&dir.join("lake/_ledger/files.parquet")).unwrap();
    let files = csat::frame::strs(&l, "file").unwrap();
    let i = files
        .iter()
        .position(|f| f.as_deref() == Some(file))
        .unwrap_or_else(|| panic!("{file} not in the ledger: {files:?}"));
    (
        csat::frame::f64s(&l, "accepted").unwrap()[i].unwrap(),
        csat::frame::f64s(&l, "superseded").unwrap()[i].unwrap(),
        csat::frame::strs(&l, "note").unwrap()[i]
            .clone()
            .unwrap_or_default(),
    )
}

#[test]
fn overlapping_exports_keep_every_response_once() {
    let t = demo("overlap");
    let both = split(t.path(), (2026, 10, 15), (2026, 10, 10), |_| false);
    // The demo's generator: 102 web responses from 10 to 15 October.
    assert_eq!(both, 102);
    let out = ok(t.path(), &["run", "--as-of", AS_OF]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(october_n(t.path()), 666, "{err}");
    assert!(err.contains("+ 102 superseded"), "{err}");
    assert!(err.contains("rejected, 102 superseded"), "{err}");
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(t.path().join("reports/2026-10/summary.json")).unwrap(),
    )
    .unwrap();
    let n = |k: &str| summary[k].as_u64().unwrap();
    assert_eq!(n("rows_superseded"), 102);
    assert_eq!(
        n("rows_read"),
        n("rows_accepted") + n("rows_rejected") + 102
    );
    assert!(err.contains("0 warnings"), "{err}");
    let (_, sup_a, note_a) = ledger(t.path(), "raw/wjx_A.csv");
    let (_, sup_b, _) = ledger(t.path(), "raw/wjx_B.csv");
    assert_eq!((sup_a, sup_b), (102.0, 0.0));
    assert!(
        note_a.contains("102 responses replaced by their newer version in raw/wjx_B.csv (102)"),
        "{note_a}"
    );
    // The same two files again: nothing changes.
    let again = ok(t.path(), &["run", "--as-of", AS_OF]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("+ 102 superseded"));
    assert_eq!(october_n(t.path()), 666);
}

#[test]
fn a_reexport_that_lacks_responses_is_a_warning_unless_it_replaces_the_month() {
    let t = demo("overlap-lacks");
    // B lacks the responses of 12 October that A has.
    let twelfth = |d: (u32, u32, u32)| d == (2026, 10, 12);
    let both = split(t.path(), (2026, 10, 15), (2026, 10, 10), twelfth);
    let out = csat(t.path(), &["run", "--as-of", AS_OF]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(6), "{err}");
    let lacking = 102 - both;
    assert!(lacking > 0);
    assert!(
        err.contains(&format!(
            "raw/wjx_B.csv: {lacking} responses of older files of source `web_survey` (raw/wjx_A.csv ({lacking}))"
        )) && err.contains("they were kept")
            && err.contains("overlap = \"replace-month\""),
        "{err}"
    );
    // They are kept: October is whole.
    assert_eq!(october_n(t.path()), 666);
    assert!(ledger(t.path(), "raw/wjx_B.csv").2.contains("lacks"));

    // A source whose every export is the complete month: B replaces A's October.
    let cfg = t.path().join("csat.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace(
            "path = \"raw/wjx_*.csv\"",
            "path = \"raw/wjx_*.csv\"\noverlap = \"replace-month\"",
        ),
    )
    .unwrap();
    let out = ok(t.path(), &["run", "--as-of", AS_OF]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("0 warnings"), "{err}");
    // All of A's October (164 before the 10th, 102 from the 10th to the 15th) is replaced.
    let (_, sup_a, note_a) = ledger(t.path(), "raw/wjx_A.csv");
    assert_eq!(sup_a, 266.0, "{note_a}");
    assert!(note_a.contains("the newer file of their month"), "{note_a}");
    assert!(october_n(t.path()).as_u64().unwrap() < 666 - 164);
}

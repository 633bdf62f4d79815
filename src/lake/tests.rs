use super::*;
use crate::frame::Values;
use crate::schema::ColType;

/// A fresh directory (removed when the returned guard drops) and a path in it.
fn tmp(name: &str) -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join(name);
    (t, d)
}

#[test]
fn a_switch_dropped_on_an_error_removes_what_it_staged_and_names_the_real_target() {
    // Issue 14.3: a failed run (disk full) left 24 staging entries behind, and its error
    // named the hidden staging path.
    let (_guard, root) = tmp("drop");
    let target = root.join("period=2026-10");
    {
        let mut sw = Switch::new(&root);
        let staged = sw.stage(&target);
        write_atomic(&staged.join("nps.parquet"), b"x").unwrap();
        let e = sw.unstage(LakeError::Write {
            path: staged.join("nps.parquet"),
            source: std::io::Error::other("disk full"),
        });
        assert!(
            e.to_string()
                .contains(&target.join("nps.parquet").display().to_string()),
            "{e}"
        );
        assert!(!e.to_string().contains(STAGE), "{e}");
        assert_eq!(sw.real_path(&staged), target);
        assert!(staged.exists());
        // Dropped here, as on an error return, without commit.
    }
    let left: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
    // A committed switch keeps its output.
    let mut sw = Switch::new(&root);
    write_atomic(&sw.stage(&target).join("nps.parquet"), b"y").unwrap();
    sw.commit().unwrap();
    assert_eq!(std::fs::read(target.join("nps.parquet")).unwrap(), b"y");
}

#[test]
fn partitions_round_trip_with_period_column() {
    let (_guard, lake) = tmp("rt");
    let df = |v: &str| {
        frame::build(vec![
            (
                "store",
                ColType::Cat,
                Values::Str(vec![Some(v.into()), None]),
            ),
            (
                "score",
                ColType::F64,
                Values::F64(vec![Some(4.0), Some(5.0)]),
            ),
        ])
        .unwrap()
    };
    write_partition(&lake, "responses", "2026-09".parse().unwrap(), &df("S01")).unwrap();
    write_partition(&lake, "responses", "2026-10".parse().unwrap(), &df("S02")).unwrap();
    assert_eq!(partitions(&lake, "responses").unwrap().len(), 2);
    let all = read_table(&lake, "responses", None).unwrap().unwrap();
    assert_eq!(all.height(), 4);
    assert_eq!(
        frame::strs(&all, "period").unwrap(),
        vec![
            Some("2026-09".into()),
            Some("2026-09".into()),
            Some("2026-10".into()),
            Some("2026-10".into())
        ]
    );
    assert_eq!(
        frame::strs(&all, "store").unwrap()[2].as_deref(),
        Some("S02")
    );
    let only: Vec<Period> = vec!["2026-10".parse().unwrap()];
    assert_eq!(
        read_table(&lake, "responses", Some(&only))
            .unwrap()
            .unwrap()
            .height(),
        2
    );
    assert!(read_table(&lake, "nothing", None).unwrap().is_none());
    // One month, projected: only the asked columns and the partition's period.
    let month = read_month(&lake, "responses", "2026-09".parse().unwrap(), &["score"])
        .unwrap()
        .unwrap();
    assert_eq!(frame::column_names(&month), ["score", "period"]);
    assert_eq!(
        frame::f64s(&month, "score").unwrap(),
        [Some(4.0), Some(5.0)]
    );
    assert!(
        read_month(&lake, "responses", "2026-08".parse().unwrap(), &["score"])
            .unwrap()
            .is_none()
    );
    let keep = only.iter().copied().collect();
    remove_partitions_except(&lake, "responses", &keep).unwrap();
    assert_eq!(partitions(&lake, "responses").unwrap(), only);
    // No temporary file is left behind.
    let leftovers: Vec<_> = walk(&lake)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn same_frame_gives_byte_identical_files() {
    let df = frame::build(vec![(
        "x",
        ColType::Cat,
        Values::Str(vec![Some("b".into()), Some("a".into()), Some("b".into())]),
    )])
    .unwrap();
    let a = to_parquet_bytes(&df, Path::new("a")).unwrap();
    let b = to_parquet_bytes(&df, Path::new("b")).unwrap();
    assert_eq!(a, b);
}

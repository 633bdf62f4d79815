//! The data lake: the only code that reads or writes Parquet.
//!
//! Layout (Hive partitioning, readable by DuckDB, Spark, pyarrow, polars):
//!
//! ```text
//! data/lake/<table>/period=YYYY-MM/part-0.parquet
//! data/lake/_rejects/<source>.parquet
//! data/marts/period=YYYY-MM/<mart>.parquet
//! ```
//!
//! Files have flat schemas; categorical columns are Parquet dictionaries; the partition
//! column `period` lives in the directory name only. Every file is written whole to a
//! temporary name beside its target and renamed over it ([`write_atomic`]), so a reader
//! never sees a half-written file.

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use polars::prelude::{ParquetCompression, ParquetReader, ParquetWriter, SerReader};
use thiserror::Error;

use crate::frame::{self, DataFrame};
use crate::period::Period;

#[derive(Debug, Error)]
pub enum LakeError {
    #[error(
        "cannot write {path}: {source}; check that the directory is writable and the disk not full"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: not a readable Parquet table ({message}); delete it and run `csat ingest` again"
    )]
    Parquet { path: PathBuf, message: String },
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target. Creates missing parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), LakeError> {
    let err = |source| LakeError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".csat-{}-{name}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Serialise a frame to Parquet bytes (zstd, with statistics).
pub fn to_parquet_bytes(df: &DataFrame, path_for_errors: &Path) -> Result<Vec<u8>, LakeError> {
    let mut df = df.clone();
    let mut buf = Cursor::new(Vec::new());
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .set_parallel(false)
        .finish(&mut df)
        .map_err(|e| LakeError::Parquet {
            path: path_for_errors.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(buf.into_inner())
}

/// Write one frame as one Parquet file, atomically.
pub fn write_file(path: &Path, df: &DataFrame) -> Result<(), LakeError> {
    let bytes = to_parquet_bytes(df, path)?;
    write_atomic(path, &bytes)
}

pub fn read_file(path: &Path) -> Result<DataFrame, LakeError> {
    let f = std::fs::File::open(path).map_err(|source| LakeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetReader::new(f)
        .finish()
        .map_err(|e| LakeError::Parquet {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

pub fn table_dir(lake: &Path, table: &str) -> PathBuf {
    lake.join(table)
}

pub fn partition_path(lake: &Path, table: &str, period: Period) -> PathBuf {
    table_dir(lake, table)
        .join(format!("period={period}"))
        .join("part-0.parquet")
}

/// Write one month of a table, replacing what was there.
pub fn write_partition(
    lake: &Path,
    table: &str,
    period: Period,
    df: &DataFrame,
) -> Result<PathBuf, LakeError> {
    let path = partition_path(lake, table, period);
    write_file(&path, df)?;
    Ok(path)
}

/// The months a table has, oldest first.
pub fn partitions(lake: &Path, table: &str) -> Result<Vec<Period>, LakeError> {
    let dir = table_dir(lake, table);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(LakeError::Read { path: dir, source }),
    };
    let mut out: Vec<Period> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_prefix("period=")?
                .parse()
                .ok()
        })
        .filter(|p| partition_path(lake, table, *p).is_file())
        .collect();
    out.sort();
    Ok(out)
}

/// Remove partitions of `table` that are not in `keep` (a full re-ingest replaces the table).
pub fn remove_partitions_except(
    lake: &Path,
    table: &str,
    keep: &BTreeSet<Period>,
) -> Result<(), LakeError> {
    for p in partitions(lake, table)? {
        if !keep.contains(&p) {
            let dir = partition_path(lake, table, p)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            std::fs::remove_dir_all(&dir)
                .map_err(|source| LakeError::Write { path: dir, source })?;
        }
    }
    Ok(())
}

/// Read the given months of a table (all months if `periods` is `None`) into one frame
/// with a `period` column. `None` when the table has no such partition.
pub fn read_table(
    lake: &Path,
    table: &str,
    periods: Option<&[Period]>,
) -> Result<Option<DataFrame>, LakeError> {
    let mut acc = None;
    for p in partitions(lake, table)? {
        if periods.is_some_and(|ps| !ps.contains(&p)) {
            continue;
        }
        let path = partition_path(lake, table, p);
        let df = read_file(&path)?;
        let df = frame::with_const_str(df, "period", &p.to_string()).map_err(|e| {
            LakeError::Parquet {
                path: path.clone(),
                message: e.to_string(),
            }
        })?;
        frame::append(&mut acc, df).map_err(|e| LakeError::Parquet {
            path,
            message: e.to_string(),
        })?;
    }
    Ok(acc)
}

pub fn mart_path(marts: &Path, period: Period, mart: &str) -> PathBuf {
    marts
        .join(format!("period={period}"))
        .join(format!("{mart}.parquet"))
}

pub fn rejects_path(lake: &Path, source: &str) -> PathBuf {
    lake.join("_rejects").join(format!("{source}.parquet"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Values;
    use crate::schema::ColType;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("csat-lake-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn partitions_round_trip_with_period_column() {
        let lake = tmp("rt");
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
}

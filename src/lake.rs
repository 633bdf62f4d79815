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
//! never sees a half-written file; the outputs of one command are switched over together
//! ([`Switch`]), so a killed run leaves the old complete state or the new one.

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use polars::prelude::{ParquetCompression, ParquetWriter};
use thiserror::Error;

use crate::frame::{self, DataFrame};
use crate::period::Period;

mod decode;
pub mod manifest;

#[derive(Debug, Error)]
pub enum LakeError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a readable Parquet table ({source})")]
    Parquet {
        path: PathBuf,
        #[source]
        source: frame::FrameError,
    },
}

impl LakeError {
    /// What to do about it (printed after the message, its own key in JSON logs).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            LakeError::Write { .. } => {
                Some("check that the directory is writable and the disk not full")
            }
            LakeError::Read { .. } => None,
            LakeError::Parquet { .. } => Some("delete it and run `csat ingest` again"),
        }
    }
}

/// Files csat writes are readable by their owner and group only (`0640`), directories
/// `0750`: reports and the lake hold customer data.
#[cfg(unix)]
const FILE_MODE: u32 = 0o640;
#[cfg(unix)]
const DIR_MODE: u32 = 0o750;

/// Create `dir` and its missing parents (mode `0750` on Unix).
pub fn create_dirs(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(dir)
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory (mode
/// `0640`), flushed to disk, then renamed over the target. Creates missing parent
/// directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), LakeError> {
    let err = |source| LakeError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    create_dirs(dir).map_err(err)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".csat-{}-{name}.tmp", std::process::id()));
    let result = (|| {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(FILE_MODE);
        }
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

const JOURNAL: &str = ".csat-journal";
const STAGE: &str = ".csat-stage-";
const OLD: &str = ".csat-old-";

/// A set of outputs that is switched over only when all of it is written: each target
/// (a file or a directory under `root`) is first written to a hidden staging path beside
/// it; [`Switch::commit`] then writes a journal naming every staged path and target
/// (atomically), moves the old targets aside, the staged ones in, and deletes the old ones
/// and the journal. A crash before the journal exists leaves the old state (the staged
/// leftovers are swept by [`recover`]); a crash after it is rolled forward by [`recover`],
/// which every writing command runs first, under the workspace lock. Readers that go
/// through csat therefore see either the old or the new complete set, never a mix.
pub struct Switch {
    root: PathBuf,
    id: String,
    /// (staged path or `None` for a deletion, target), both relative to `root`.
    entries: Vec<(Option<PathBuf>, PathBuf)>,
    /// The journal is written: from here on the staged files belong to the roll-forward.
    journaled: bool,
}

/// A switch dropped before its journal was written (an error on the way) removes what it
/// staged, so that a failed run (a full disk) leaves nothing behind.
impl Drop for Switch {
    fn drop(&mut self) {
        if self.journaled {
            return;
        }
        for (s, _) in &self.entries {
            if let Some(s) = s {
                let _ = remove_any(&self.root.join(s));
            }
        }
    }
}

impl Switch {
    pub fn new(root: &Path) -> Switch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Switch {
            root: root.to_path_buf(),
            id: format!("{}-{nanos}", std::process::id()),
            entries: Vec::new(),
            journaled: false,
        }
    }

    fn rel(&self, target: &Path) -> PathBuf {
        target
            .strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| target.to_path_buf())
    }

    /// Where to write the new content of `target` (a file or a directory under the root).
    pub fn stage(&mut self, target: &Path) -> PathBuf {
        let rel = self.rel(target);
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let staged = rel.with_file_name(format!("{STAGE}{}-{name}", self.id));
        let abs = self.root.join(&staged);
        if let Some(e) = self.entries.iter().find(|(_, t)| *t == rel) {
            if let Some(s) = &e.0 {
                return self.root.join(s);
            }
        }
        self.entries.push((Some(staged), rel));
        abs
    }

    /// Delete `target` when the switch is committed.
    pub fn remove(&mut self, target: &Path) {
        let rel = self.rel(target);
        self.entries.push((None, rel));
    }

    /// The path the user knows for `p`: a path inside a staged entry as inside its target.
    pub fn real_path(&self, p: &Path) -> PathBuf {
        let rel = self.rel(p);
        for (s, t) in &self.entries {
            if let Some(rest) = s.as_ref().and_then(|s| rel.strip_prefix(s).ok()) {
                return match rest.as_os_str().is_empty() {
                    true => self.root.join(t),
                    false => self.root.join(t).join(rest),
                };
            }
        }
        p.to_path_buf()
    }

    /// An error about a staged path, told about the real target instead.
    pub fn unstage(&self, e: LakeError) -> LakeError {
        match e {
            LakeError::Write { path, source } => LakeError::Write {
                path: self.real_path(&path),
                source,
            },
            LakeError::Read { path, source } => LakeError::Read {
                path: self.real_path(&path),
                source,
            },
            LakeError::Parquet { path, source } => LakeError::Parquet {
                path: self.real_path(&path),
                source,
            },
        }
    }

    /// Switch every target over (see the type's documentation).
    pub fn commit(mut self) -> Result<(), LakeError> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let mut text = format!("{}\n", self.id);
        for (s, t) in &self.entries {
            text.push_str(&format!(
                "{}\t{}\n",
                s.as_ref()
                    .map(|p| p.to_string_lossy().to_string())
                    .unwrap_or_default(),
                t.to_string_lossy()
            ));
        }
        // Fault injection for the crash tests: stop right after the journal is written.
        write_atomic(&self.root.join(JOURNAL), text.as_bytes()).map_err(|e| self.unstage(e))?;
        self.journaled = true;
        if std::env::var_os("CSAT_TEST_CRASH_AFTER_JOURNAL").is_some() {
            std::process::abort();
        }
        apply_journal(&self.root)
    }
}

/// Roll a committed switch forward (idempotent): move each old target aside and its
/// staged replacement in, then delete the old ones and the journal.
fn apply_journal(root: &Path) -> Result<(), LakeError> {
    let jpath = root.join(JOURNAL);
    let text = match std::fs::read_to_string(&jpath) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(LakeError::Read {
                path: jpath,
                source,
            })
        }
    };
    let mut lines = text.lines();
    let id = lines.next().unwrap_or("x").to_string();
    let werr = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LakeError::Write { path, source }
    };
    let mut olds = Vec::new();
    for line in lines {
        let Some((s, t)) = line.split_once('\t') else {
            continue;
        };
        let target = root.join(t);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let old = target.with_file_name(format!("{OLD}{id}-{name}"));
        let staged = (!s.is_empty()).then(|| root.join(s));
        let pending = staged.as_ref().is_none_or(|p| p.exists());
        if pending && target.exists() && !old.exists() {
            std::fs::rename(&target, &old).map_err(werr(&target))?;
        }
        if let Some(st) = staged.filter(|p| p.exists()) {
            if let Some(parent) = target.parent() {
                create_dirs(parent).map_err(werr(parent))?;
            }
            std::fs::rename(&st, &target).map_err(werr(&target))?;
        }
        olds.push(old);
    }
    for old in olds {
        remove_any(&old).map_err(werr(&old))?;
    }
    std::fs::remove_file(&jpath).map_err(werr(&jpath))
}

fn remove_any(p: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Finish or undo what a killed run left under `root`: roll a committed switch forward,
/// then delete staged and old copies and temporary files (in `root` and two levels
/// below). Call it holding the workspace lock. Returns how many leftovers were removed.
pub fn recover(root: &Path) -> Result<usize, LakeError> {
    if !root.is_dir() {
        // Nothing there yet (or something that is not a directory, which the first write
        // will report as an output error).
        return Ok(0);
    }
    apply_journal(root)?;
    let mut removed = 0;
    let mut dirs = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let p = e.path();
            if name.starts_with(STAGE)
                || name.starts_with(OLD)
                || (name.starts_with(".csat-") && name.ends_with(".tmp"))
            {
                remove_any(&p).map_err(|source| LakeError::Write {
                    path: p.clone(),
                    source,
                })?;
                removed += 1;
            } else if depth < 2 && e.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push((p, depth + 1));
            }
        }
    }
    Ok(removed)
}

/// Serialise a frame to Parquet bytes (zstd, with statistics).
pub fn to_parquet_bytes(df: &DataFrame, path_for_errors: &Path) -> Result<Vec<u8>, LakeError> {
    let mut df = df.clone();
    let mut buf = Cursor::new(Vec::new());
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .set_parallel(false)
        .finish(&mut df)
        .map_err(|source| LakeError::Parquet {
            path: path_for_errors.to_path_buf(),
            source,
        })?;
    Ok(buf.into_inner())
}

/// Write one frame as one Parquet file, atomically.
pub fn write_file(path: &Path, df: &DataFrame) -> Result<(), LakeError> {
    let bytes = to_parquet_bytes(df, path)?;
    write_atomic(path, &bytes)
}

pub fn read_file(path: &Path) -> Result<DataFrame, LakeError> {
    let bytes = std::fs::read(path).map_err(|source| LakeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    decode::read(bytes, None).map_err(|source| LakeError::Parquet {
        path: path.to_path_buf(),
        source,
    })
}

pub fn table_dir(lake: &Path, table: &str) -> PathBuf {
    lake.join(table)
}

/// The file of a partition.
pub const PART_FILE: &str = "part-0.parquet";

/// The directory of one month of a table.
pub fn partition_dir(lake: &Path, table: &str, period: Period) -> PathBuf {
    table_dir(lake, table).join(format!("period={period}"))
}

pub fn partition_path(lake: &Path, table: &str, period: Period) -> PathBuf {
    partition_dir(lake, table, period).join(PART_FILE)
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
        let df = frame::with_const_str(df, "period", &p.to_string()).map_err(|source| {
            LakeError::Parquet {
                path: path.clone(),
                source,
            }
        })?;
        frame::append(&mut acc, df).map_err(|source| LakeError::Parquet { path, source })?;
    }
    Ok(acc)
}

/// Read one month of a table with only the named columns (projection at the Parquet scan:
/// the other columns are never decoded), plus the `period` column. `None` when the table
/// has no such partition. The analysis reads the survey answers this way, a month at a
/// time, so that its memory is bounded by the largest month rather than the whole year.
pub fn read_month(
    lake: &Path,
    table: &str,
    period: Period,
    columns: &[&str],
) -> Result<Option<DataFrame>, LakeError> {
    let path = partition_path(lake, table, period);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(LakeError::Read { path, source }),
    };
    let parquet = |source: polars::prelude::PolarsError| LakeError::Parquet {
        path: path.clone(),
        source,
    };
    let df = decode::read_or_null(bytes, columns).map_err(parquet)?;
    frame::add_const_str(df, "period", &period.to_string())
        .map(Some)
        .map_err(parquet)
}

pub fn mart_path(marts: &Path, period: Period, mart: &str) -> PathBuf {
    marts
        .join(format!("period={period}"))
        .join(format!("{mart}.parquet"))
}

pub fn rejects_path(lake: &Path, source: &str) -> PathBuf {
    lake.join("_rejects").join(format!("{source}.parquet"))
}

/// Where an ingest that failed on too many rejects leaves the rejects that explain it (the
/// next successful ingest removes them).
pub fn failed_rejects_dir(lake: &Path) -> PathBuf {
    lake.join("_rejects").join("failed")
}

#[cfg(test)]
mod tests;

//! Every row and file accounted for: rejects with their reason codes, the ledger of input
//! files, and both as the tables of `lake/_rejects/` and `lake/_ledger/` (read back for the
//! next run's first-seen dates).

use super::*;

/// Why a row was rejected, as a stable code (reports translate it; the `reason` text
/// gives the detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectCode {
    MissingValue,
    BadDate,
    NotANumber,
    BadFlag,
    UnknownValue,
    OutOfScale,
    InTheFuture,
    DuplicateId,
    TimeOrder,
    NoAnswer,
    BadWeight,
    /// Marked by the platform as not a real response (preview, test, spam).
    Excluded,
    /// Not finished or not submitted (kept only with `include_partial`).
    Incomplete,
    /// A cell longer than `[limits] max_cell_bytes`, cut to it (the row counts).
    TooLong,
}

impl RejectCode {
    pub const ALL: [RejectCode; 14] = [
        RejectCode::MissingValue,
        RejectCode::BadDate,
        RejectCode::NotANumber,
        RejectCode::BadFlag,
        RejectCode::UnknownValue,
        RejectCode::OutOfScale,
        RejectCode::InTheFuture,
        RejectCode::DuplicateId,
        RejectCode::TimeOrder,
        RejectCode::NoAnswer,
        RejectCode::BadWeight,
        RejectCode::Excluded,
        RejectCode::Incomplete,
        RejectCode::TooLong,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::MissingValue => "missing_value",
            RejectCode::BadDate => "bad_date",
            RejectCode::NotANumber => "not_a_number",
            RejectCode::BadFlag => "bad_flag",
            RejectCode::UnknownValue => "unknown_value",
            RejectCode::OutOfScale => "out_of_scale",
            RejectCode::InTheFuture => "in_the_future",
            RejectCode::DuplicateId => "duplicate_id",
            RejectCode::TimeOrder => "time_order",
            RejectCode::NoAnswer => "no_answer",
            RejectCode::BadWeight => "bad_weight",
            RejectCode::Excluded => "excluded",
            RejectCode::Incomplete => "incomplete",
            RejectCode::TooLong => "too_long",
        }
    }

    /// Rows the platform itself marks as not counting: not data errors, so they do not
    /// count towards the reject share that fails a run.
    pub fn is_exclusion(self) -> bool {
        matches!(self, RejectCode::Excluded | RejectCode::Incomplete)
    }
}

/// What a reject sets aside: a whole raw row, one answer of a row whose other answers
/// count, or the end of a cell too long to keep (its row and the cell's start count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RejectLevel {
    Row,
    Answer,
    Cell,
}

impl RejectLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectLevel::Row => "row",
            RejectLevel::Answer => "answer",
            RejectLevel::Cell => "cell",
        }
    }
}

/// A rejected row (or answer) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub level: RejectLevel,
    pub code: RejectCode,
    pub source: String,
    pub file: String,
    pub line: usize,
    pub column: String,
    /// The offending value (personal identifiers hashed, free text redacted).
    pub value: String,
    pub reason: String,
}

/// What happened to one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileLedger {
    pub source: String,
    pub kind: String,
    pub file: String,
    /// The first 12 hex digits of the SHA-256: the `file_id` of its rows in the lake.
    pub file_id: String,
    pub sha256: String,
    pub bytes: u64,
    /// When this content was first ingested (the analysis date of that run).
    pub first_seen: String,
    pub encoding: String,
    pub preset: String,
    pub rows_read: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Answers rejected on their own in accepted rows (not counted in `rejected`).
    pub answers_rejected: usize,
    /// Of the rejected: rows the platform marks as preview/test/spam or unfinished.
    pub excluded: usize,
    /// Rows replaced by their version in a newer file of the same source (with `overlap =
    /// "replace-month"`, every row of a month a newer file has), or all rows of a file whose
    /// content was already read under another name.
    pub superseded: usize,
    pub note: String,
}

/// What an earlier ingest recorded about a file's content.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorFile {
    pub sha256: String,
    pub first_seen: String,
    /// The name it was read under (a copy of it under another name then stays the copy).
    pub file: Option<String>,
}

/// Rejects as a table (for `data/lake/_rejects/`).
pub fn rejects_frame(rejects: &[Reject]) -> Result<DataFrame, IngestError> {
    let s =
        |f: &dyn Fn(&Reject) -> String| Values::Str(rejects.iter().map(|r| Some(f(r))).collect());
    frame::build(vec![
        ("source", ColType::Cat, s(&|r| r.source.clone())),
        ("file", ColType::Cat, s(&|r| r.file.clone())),
        ("level", ColType::Cat, s(&|r| r.level.as_str().to_string())),
        (
            "line",
            ColType::I64,
            Values::I64(rejects.iter().map(|r| Some(r.line as i64)).collect()),
        ),
        ("column", ColType::Str, s(&|r| r.column.clone())),
        ("code", ColType::Cat, s(&|r| r.code.as_str().to_string())),
        // A rejected cell is kept for diagnosis, but not a megabyte of it.
        ("value", ColType::Str, s(&|r| clip(&r.value, 500))),
        ("reason", ColType::Str, s(&|r| r.reason.clone())),
    ])
    .map_err(|e| IngestError::Frame {
        table: "_rejects",
        message: e.to_string(),
    })
}

/// The per-file ledger as a table (for `data/lake/_ledger/files.parquet`).
pub fn ledger_frame(ledger: &[FileLedger]) -> Result<DataFrame, IngestError> {
    let s = |f: &dyn Fn(&FileLedger) -> String| {
        Values::Str(ledger.iter().map(|r| Some(f(r))).collect())
    };
    let n = |f: &dyn Fn(&FileLedger) -> usize| {
        Values::I64(ledger.iter().map(|r| Some(f(r) as i64)).collect())
    };
    frame::build(vec![
        ("source", ColType::Str, s(&|r| r.source.clone())),
        ("kind", ColType::Str, s(&|r| r.kind.clone())),
        ("file", ColType::Str, s(&|r| r.file.clone())),
        ("file_id", ColType::Str, s(&|r| r.file_id.clone())),
        ("sha256", ColType::Str, s(&|r| r.sha256.clone())),
        ("bytes", ColType::I64, n(&|r| r.bytes as usize)),
        ("first_seen", ColType::Str, s(&|r| r.first_seen.clone())),
        ("encoding", ColType::Str, s(&|r| r.encoding.clone())),
        ("preset", ColType::Str, s(&|r| r.preset.clone())),
        ("rows_read", ColType::I64, n(&|r| r.rows_read)),
        ("accepted", ColType::I64, n(&|r| r.accepted)),
        ("rejected", ColType::I64, n(&|r| r.rejected)),
        ("answers_rejected", ColType::I64, n(&|r| r.answers_rejected)),
        ("excluded", ColType::I64, n(&|r| r.excluded)),
        ("superseded", ColType::I64, n(&|r| r.superseded)),
        ("note", ColType::Str, s(&|r| r.note.clone())),
    ])
    .map_err(|e| IngestError::Frame {
        table: "_ledger",
        message: e.to_string(),
    })
}

/// The content history of an earlier ledger frame (sha256, first_seen).
pub fn prior_from_ledger(df: &DataFrame) -> Vec<PriorFile> {
    let (Ok(sha), Ok(seen)) = (frame::strs(df, "sha256"), frame::strs(df, "first_seen")) else {
        return Vec::new();
    };
    let names = frame::strs(df, "file").unwrap_or_else(|_| vec![None; sha.len()]);
    sha.into_iter()
        .zip(seen)
        .zip(names)
        .filter_map(|((s, f), file)| {
            Some(PriorFile {
                sha256: s?,
                first_seen: f?,
                file,
            })
        })
        .collect()
}

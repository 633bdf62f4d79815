//! One file of a source: read, laid out by its preset, mapped row by row, every row
//! accepted or rejected with its reason, and the file's ledger entry.

use std::collections::HashMap;
use std::path::Path;

use compact_str::CompactString;

use super::*;

/// One file read and mapped, before superseding across files.
pub struct FileResult {
    pub ledger: FileLedger,
    /// What the accepted raw rows became.
    pub accepted: Accepted,
    pub rejects: Vec<Reject>,
    /// Canonical field or item → header (what `csat validate` prints).
    pub mapping: Vec<(String, String)>,
}

pub(super) fn display_path(cfg: &Config, path: &Path) -> String {
    path.strip_prefix(&cfg.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Read, lay out and map one file of `src`.
pub fn ingest_file(
    ctx: &Context,
    src: &Source,
    path: &Path,
    bytes: &[u8],
    first_seen: &str,
) -> Result<FileResult, IngestError> {
    let file = display_path(ctx.cfg, path);
    let file_err = |message: String| IngestError::File {
        source_name: src.name.clone(),
        path: path.to_path_buf(),
        message,
    };
    let raw = read::read_bytes(bytes, src.format, src.encoding, src.sheet.as_deref())
        .map_err(file_err)?;
    let encoding = raw.encoding.to_string();
    check_preset(src, &raw.headers).map_err(file_err)?;
    let (layout, rows) = preset::apply(src.preset, raw, src.include_partial).map_err(file_err)?;
    let fm = FileMap::new(ctx.cfg, src, &layout, path, ctx.as_of)?;
    let pii_headers: Vec<String> = (0..layout.headers.len())
        .filter(|&i| fm.is_pii_column(i))
        .map(|i| layout.headers[i].clone())
        .collect();
    let mut ledger = FileLedger::new(src, file.clone(), bytes, first_seen, encoding, &layout);
    let mut accepted = Accepted::new(ctx.cfg);
    let mut rejects = Vec::new();
    let mut seen_ids: HashMap<CompactString, usize> = HashMap::new();
    let mut keyer = overlap::Keyer::default();
    let file_id: std::rc::Rc<str> = ledger.file_id.as_str().into();
    // Rows are read, mapped and let go one at a time: only what they became is kept. One
    // thread parses the file while this one maps the rows (in file order).
    let mut truncated = 0usize;
    read_ahead(rows, |row| -> Result<(), IngestError> {
        let mut row = layout.shape(row.map_err(file_err)?);
        ledger.rows_read += 1;
        for (i, n) in cut_long_cells(&mut row, ctx.cfg.max_cell_bytes) {
            truncated += 1;
            rejects.push(too_long(ctx, src, &file, &layout, &row, i, n));
        }
        let result = match layout.excluded(&row) {
            Some((code, why)) => Err(map::RowError {
                code,
                column: String::new(),
                value: String::new(),
                reason: why,
            }),
            None => fm
                .map_row(ctx, &row)
                .and_then(|m| first_of_its_id(&fm, &row, m, &mut seen_ids)),
        };
        let reject = |e: map::RowError, level: RejectLevel| {
            reject_of(ctx, src, &file, row.line, &pii_headers, e, level)
        };
        match result {
            Ok(mut m) => {
                ledger.accepted += 1;
                ledger.answers_rejected += m.answer_rejects.len();
                for e in std::mem::take(&mut m.answer_rejects) {
                    rejects.push(reject(e, RejectLevel::Answer));
                }
                let key = keyer.key(&fm.identity(&row, &m), fm.key_scope(&m));
                accepted.add(m, &file_id, key);
            }
            Err(e) => {
                ledger.rejected += 1;
                if e.code.is_exclusion() {
                    ledger.excluded += 1;
                }
                rejects.push(reject(e, RejectLevel::Row));
            }
        }
        Ok(())
    })?;
    for rows in accepted.tables.values_mut() {
        rows.shrink();
    }
    if let Some(n) = fm.zone_note() {
        ledger.note = n;
    }
    if truncated > 0 {
        overlap::push_note(
            &mut ledger.note,
            format!(
                "{truncated} cells longer than {} bytes cut to that length",
                ctx.cfg.max_cell_bytes
            ),
        );
    }
    Ok(FileResult {
        ledger,
        accepted,
        rejects,
        mapping: fm.describe(),
    })
}

/// A rejected row or answer of `line`, its value redacted (hashed in a personal-data
/// column, free text scrubbed).
fn reject_of(
    ctx: &Context,
    src: &Source,
    file: &str,
    line: usize,
    pii_headers: &[String],
    e: map::RowError,
    level: RejectLevel,
) -> Reject {
    let value = if pii_headers.contains(&e.column) {
        ctx.privacy.id(Some(e.value)).unwrap_or_default()
    } else {
        ctx.privacy.text(&e.value)
    };
    Reject {
        level,
        code: e.code,
        source: src.name.clone(),
        file: file.to_string(),
        line,
        column: e.column,
        value,
        reason: ctx.privacy.text(&e.reason),
    }
}

/// A platform preset named in the configuration must be the layout the file has.
fn check_preset(src: &Source, headers: &[String]) -> Result<(), String> {
    if let Some(p) = src.preset.filter(|p| *p != preset::Preset::Generic) {
        let seen = preset::Preset::detect(headers);
        if seen != p {
            return Err(format!(
                "the source says preset = \"{}\" but the file does not look like one (its layout looks {}); export again in the platform's CSV/Excel format, or fix the preset",
                p.name(),
                seen.name()
            ));
        }
    }
    Ok(())
}

/// A mapped row whose id an earlier row of the file had is a duplicate; the first row of
/// each id is remembered.
fn first_of_its_id(
    fm: &FileMap,
    row: &read::RawRow,
    m: map::Mapped,
    seen_ids: &mut HashMap<CompactString, usize>,
) -> Result<map::Mapped, map::RowError> {
    match &m.id {
        Some((id, _)) if seen_ids.contains_key(id.as_str()) => {
            Err(fm.duplicate(row, id, seen_ids[id.as_str()]))
        }
        Some((id, line)) => {
            seen_ids.insert(id.as_str().into(), *line);
            Ok(m)
        }
        None => Ok(m),
    }
}

/// The cell-level reject of a cell of `n` bytes cut to the limit (its start, redacted).
fn too_long(
    ctx: &Context,
    src: &Source,
    file: &str,
    layout: &preset::Layout,
    row: &read::RawRow,
    i: usize,
    n: usize,
) -> Reject {
    Reject {
        level: RejectLevel::Cell,
        code: RejectCode::TooLong,
        source: src.name.clone(),
        file: file.to_string(),
        line: row.line,
        column: layout.headers.get(i).cloned().unwrap_or_default(),
        value: ctx.privacy.text(&clip(&row.cells[i].text(), 200)),
        reason: format!(
            "the cell holds {n} bytes, more than the limit of {} ([limits] max_cell_bytes); only its start was kept",
            ctx.cfg.max_cell_bytes
        ),
    }
}

impl FileLedger {
    /// A file's ledger entry before its rows are counted.
    fn new(
        src: &Source,
        file: String,
        bytes: &[u8],
        first_seen: &str,
        encoding: String,
        layout: &preset::Layout,
    ) -> FileLedger {
        let sha256 = privacy::sha256_hex(bytes);
        FileLedger {
            source: src.name.clone(),
            kind: format!("{:?}", src.kind).to_lowercase(),
            file,
            file_id: sha256[..12].to_string(),
            sha256,
            bytes: bytes.len() as u64,
            first_seen: first_seen.to_string(),
            encoding,
            preset: layout.preset.name().to_string(),
            rows_read: 0,
            accepted: 0,
            rejected: 0,
            answers_rejected: 0,
            excluded: 0,
            superseded: 0,
            note: String::new(),
        }
    }
}

/// Cut every text cell of `row` longer than `max` bytes to at most `max` (at a character
/// boundary); the columns cut, with their lengths before.
fn cut_long_cells(row: &mut read::RawRow, max: usize) -> Vec<(usize, usize)> {
    let mut cut = Vec::new();
    for (i, c) in row.cells.iter_mut().enumerate() {
        if let read::Cell::Text(s) = c {
            if s.len() > max {
                let mut end = max;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                cut.push((i, s.len()));
                s.truncate(end);
            }
        }
    }
    cut
}

/// Hand every row of `rows` to `each`, in order, while another thread reads ahead (parsing
/// and decoding a CSV file is a third of its ingest). Stops at the first error of `each`.
fn read_ahead<E: Send>(
    rows: read::RawRows<'_>,
    mut each: impl FnMut(Result<read::RawRow, String>) -> Result<(), E>,
) -> Result<(), E> {
    const BATCH: usize = 1024;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<read::RawRow, String>>>(4);
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            for row in rows {
                let failed = row.is_err();
                batch.push(row);
                if batch.len() == BATCH || failed {
                    // A send fails when the mapper stopped: nothing more is wanted.
                    if tx.send(std::mem::take(&mut batch)).is_err() || failed {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
        });
        for batch in rx {
            for row in batch {
                each(row)?;
            }
        }
        Ok(())
    })
}

//! Excel workbooks: XLSX and legacy XLS through calamine, guarded first (the compound file's
//! sector chains checked, the sheet's declared extent bounded) so that a damaged or huge
//! workbook is an error naming the fix, not a hang or an exhausted memory.

use super::*;
use calamine::Data;

/// Read a workbook with the Excel parser (calamine), which can panic on damaged files (a
/// fuzzed XLS tripped an assertion in calamine 0.38): such a panic becomes the same clear
/// error as any unreadable workbook, never a crash of the run.
pub(super) fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, String> {
    crate::panics::quietly(|| read_xlsx_unguarded(bytes, sheet)).unwrap_or_else(|what| {
        Err(format!(
            "not a readable Excel workbook (the Excel reader failed: {what}); the file is damaged or not an Excel file; open it in Excel or WPS and save it again as .xlsx"
        ))
    })
}

/// The largest XLSX sheet read: 20 million cells (header width × data rows).
pub const XLSX_MAX_CELLS: u64 = 20_000_000;

/// The largest sheet (rows × columns, as declared) read from a legacy `.xls`: 4 million cells,
/// 160 MB of cells in memory; larger exports are refused with the advice to save as .xlsx.
pub const XLS_MAX_CELLS: u64 = 4_000_000;

pub(super) fn read_xlsx_unguarded(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, String> {
    if bytes.starts_with(&CFB_MAGIC) {
        cfb_sane(bytes).map_err(|e| {
            format!("not a readable Excel workbook ({e}); open it in Excel or WPS and save it again as .xlsx")
        })?;
    }
    use calamine::{open_workbook_auto_from_rs, Reader};
    let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
        format!("not a readable Excel workbook ({e}); save it again from Excel as .xlsx")
    })?;
    let names = wb.sheet_names().to_vec();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "no sheet named `{s}`; the workbook has {}",
                    names.join(", ")
                )
            })?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    // XLSX: read the cells one by one (calamine's dense range of a sheet with one cell in
    // XFD1048576 asks for 550 GB and aborts; a 4.9 KB file did exactly that).
    if let calamine::Sheets::Xlsx(x) = &mut wb {
        return xlsx_cells(x, &name);
    }
    xls_sheet(&mut wb, &name)
}

/// A legacy `.xls` sheet through calamine's dense range (bounded by [`cfb_sane`]); blank
/// rows are skipped, lines counted from the sheet's first row.
fn xls_sheet<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Sheets<RS>,
    name: &str,
) -> Result<RawTable, String> {
    use calamine::Reader;
    let range = wb
        .worksheet_range(name)
        .map_err(|e| format!("cannot read sheet `{name}`: {e}"))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut iter = range.rows().enumerate();
    let headers = match iter.next() {
        Some((_, r)) => r.iter().map(|c| cell_of(c).as_text()).collect(),
        None => return Err(format!("sheet `{name}` is empty; it needs a header row")),
    };
    let mut rows = Vec::new();
    for (i, r) in iter {
        let cells: Vec<Cell> = r.iter().map(cell_of).collect();
        if cells
            .iter()
            .all(|c| matches!(c, Cell::Empty) || c.as_text().trim().is_empty())
        {
            continue;
        }
        rows.push(RawRow {
            line: first_row + i + 1,
            cells,
        });
    }
    Ok(RawTable {
        headers,
        rows,
        encoding: "excel",
    })
}

/// The XLSX sheet from its sparse cells: the first row with a cell is the header row; a
/// row is as wide as the header (data without a header is not mapped to anything); the
/// table may hold at most [`XLSX_MAX_CELLS`] cells.
fn xlsx_cells(
    x: &mut calamine::Xlsx<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<RawTable, String> {
    let mut reader = x
        .worksheet_cells_reader(name)
        .map_err(|e| format!("cannot read sheet `{name}`: {e}"))?;
    let mut by_row: std::collections::BTreeMap<u32, Vec<(u32, Data)>> = Default::default();
    let mut n = 0u64;
    while let Some(c) = reader
        .next_cell()
        .map_err(|e| format!("cannot read sheet `{name}`: {e}"))?
    {
        let (r, col) = c.get_position();
        let v: Data = c.get_value().clone().into();
        if matches!(v, Data::Empty) {
            continue;
        }
        n += 1;
        if n > XLSX_MAX_CELLS {
            return Err(format!(
                "sheet `{name}` has more than {XLSX_MAX_CELLS} cells; export the data as CSV"
            ));
        }
        by_row.entry(r).or_default().push((col, v));
    }
    let mut rows_iter = by_row.into_iter();
    let (_, header_cells) = rows_iter
        .next()
        .ok_or_else(|| format!("sheet `{name}` is empty; it needs a header row"))?;
    let width = header_cells
        .iter()
        .map(|(c, _)| *c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut headers = vec![String::new(); width];
    for (c, v) in &header_cells {
        headers[*c as usize] = cell_of(v).as_text();
    }
    let n_rows = rows_iter.len() as u64;
    if n_rows.saturating_mul(width as u64) > XLSX_MAX_CELLS {
        return Err(format!(
            "sheet `{name}` is {n_rows} rows × {width} columns, more than {XLSX_MAX_CELLS} cells; export the data as CSV"
        ));
    }
    let mut rows = Vec::new();
    for (r, cells) in rows_iter {
        let mut row = vec![Cell::Empty; width];
        for (c, v) in cells {
            if let Some(slot) = row.get_mut(c as usize) {
                *slot = cell_of(&v);
            }
        }
        if row
            .iter()
            .all(|c| matches!(c, Cell::Empty) || c.as_text().trim().is_empty())
        {
            continue;
        }
        rows.push(RawRow {
            line: r as usize + 1,
            cells: row,
        });
    }
    Ok(RawTable {
        headers,
        rows,
        encoding: "excel",
    })
}

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.as_str().into()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(Cell::DateTime)
            .unwrap_or(Cell::Number(dt.as_f64())),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.as_str().into()),
        Data::Error(e) => Cell::Text(format!("#{e:?}").into()),
    }
}

//! Excel workbooks: XLSX and legacy XLS through calamine, guarded first (the compound file's
//! sector chains checked, the sheet's declared extent bounded) so that a damaged or huge
//! workbook is an error naming the fix, not a hang or an exhausted memory.

use super::*;

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

/// The signature of an OLE compound file (CFB), the container of legacy `.xls` workbooks.
pub(super) const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(super) const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// Check the sector chains of a compound file (MS-CFB §2.2–2.3) before the Excel parser
/// follows them: every chain of the FAT, the DIFAT and the mini FAT must end within the
/// file, without cycles, and no stream may claim to be larger than the file. calamine 0.38
/// follows a cyclic chain until memory runs out (a 4.7 KB file found by the fuzzer asked for
/// 8 GB and aborted the process), which no panic guard can catch.
pub fn cfb_sane(bytes: &[u8]) -> Result<(), String> {
    let u16_at = |o: usize| -> Option<u32> {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as u32)
    };
    let u32_at = |o: usize| -> Option<u32> {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let bad = |why: &str| Err(format!("damaged compound file: {why}"));
    if bytes.len() < 512 || bytes[..8] != CFB_MAGIC {
        return bad("no valid header");
    }
    let ssize = match u16_at(0x1E) {
        Some(9) => 512usize,
        Some(12) => 4096,
        _ => return bad("sector size is neither 512 nor 4096 bytes"),
    };
    let nsec = (bytes.len().saturating_sub(ssize.max(512))).div_ceil(ssize);
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize + 1).checked_mul(ssize)?;
        bytes.get(start..(start + ssize).min(bytes.len()))
    };
    // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
    let n_fat = u32_at(0x2C).unwrap_or(0) as usize;
    if n_fat > nsec {
        return bad("more FAT sectors than the file has");
    }
    let mut fat_ids: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(0x4C + 4 * i))
        .filter(|&v| v < 0xFFFF_FFFA)
        .collect();
    let mut difat = u32_at(0x44).unwrap_or(CFB_END_OF_CHAIN);
    let mut steps = 0;
    while difat < 0xFFFF_FFFA {
        steps += 1;
        if steps > nsec {
            return bad("the DIFAT chain loops");
        }
        let s = sector(difat).ok_or("a DIFAT sector lies outside the file")?;
        let per = ssize / 4 - 1;
        for i in 0..per {
            let v = u32::from_le_bytes(
                s.get(4 * i..4 * i + 4)
                    .and_then(|b| b.try_into().ok())
                    .unwrap_or([0xFF; 4]),
            );
            if v < 0xFFFF_FFFA {
                fat_ids.push(v);
            }
        }
        difat = s
            .get(4 * per..4 * per + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .unwrap_or(CFB_END_OF_CHAIN);
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_ids.iter().take(n_fat.max(1)) {
        let s = sector(*id).ok_or("a FAT sector lies outside the file")?;
        fat.extend(
            s.chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
    }
    /// Any cycle among `next` pointers (values < len), or a pointer past `limit`.
    fn acyclic(next: &[u32], limit: usize) -> bool {
        // 0 = unseen, 1 = on the current path, 2 = known to end.
        let mut state = vec![0u8; next.len()];
        for start in 0..next.len() {
            let mut path = Vec::new();
            let mut i = start;
            loop {
                match state.get(i) {
                    Some(2) => break,
                    Some(1) => return false,
                    Some(_) => {}
                    None => break,
                }
                state[i] = 1;
                path.push(i);
                let n = next[i];
                if n >= 0xFFFF_FFFA {
                    break;
                }
                if n as usize >= limit {
                    return false;
                }
                i = n as usize;
            }
            for p in path {
                state[p] = 2;
            }
        }
        true
    }
    if !acyclic(&fat, nsec.max(fat.len())) {
        return bad("a sector chain loops or leaves the file");
    }
    // The mini FAT (its own chain in the FAT, then pointers between 64-byte mini sectors).
    let mut mini = Vec::new();
    let mut m = u32_at(0x3C).unwrap_or(CFB_END_OF_CHAIN);
    let mut steps = 0;
    while m < 0xFFFF_FFFA {
        steps += 1;
        if steps > nsec {
            return bad("the mini FAT chain loops");
        }
        let s = sector(m).ok_or("a mini FAT sector lies outside the file")?;
        mini.extend(
            s.chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        m = *fat.get(m as usize).unwrap_or(&CFB_END_OF_CHAIN);
    }
    if !acyclic(&mini, mini.len().max(1) * 64) {
        return bad("a mini-stream chain loops");
    }
    // Directory entries: no stream larger than the file; find the workbook stream.
    let mut d = u32_at(0x30).unwrap_or(CFB_END_OF_CHAIN);
    let mut steps = 0;
    let (mut workbook, mut root) = (None, None);
    while d < 0xFFFF_FFFA {
        steps += 1;
        if steps > nsec {
            return bad("the directory chain loops");
        }
        let s = sector(d).ok_or("a directory sector lies outside the file")?;
        for e in s.chunks_exact(128) {
            let start = u32::from_le_bytes([e[0x74], e[0x75], e[0x76], e[0x77]]);
            let size = u32::from_le_bytes([e[0x78], e[0x79], e[0x7A], e[0x7B]]) as usize;
            if e[0x42] != 0 && size > bytes.len() {
                return bad("a stream claims to be larger than the file");
            }
            let name_len = (u16::from_le_bytes([e[0x40], e[0x41]]) as usize).min(64);
            let name: Vec<u16> = e[..name_len.saturating_sub(2)]
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect();
            let name = String::from_utf16_lossy(&name);
            match e[0x42] {
                5 => root = Some((start, size)),
                2 if name == "Workbook" || name == "Book" => workbook = Some((start, size)),
                _ => {}
            }
        }
        d = *fat.get(d as usize).unwrap_or(&CFB_END_OF_CHAIN);
    }
    // The workbook stream's sheet dimensions: calamine reserves rows × columns cells up
    // front (a fuzzed file claimed 10^15 bytes' worth and aborted the process).
    let Some((start, _)) = workbook else {
        return Ok(()); // no workbook stream: calamine reports that itself
    };
    // The stream as calamine may read it: through the FAT or through the mini FAT (a hostile
    // header can make the two disagree about which applies), whole chains regardless of the
    // declared size, and the raw file too (records inside one sector).
    let chain = |mut id: u32, next: &[u32], read: &dyn Fn(u32) -> Option<Vec<u8>>| {
        let mut out = Vec::new();
        let mut steps = 0;
        while id < 0xFFFF_FFFA && steps <= next.len() {
            steps += 1;
            out.extend(read(id).unwrap_or_default());
            id = *next.get(id as usize).unwrap_or(&CFB_END_OF_CHAIN);
        }
        out
    };
    let mut streams = vec![
        bytes.to_vec(),
        chain(start, &fat, &|id| sector(id).map(<[u8]>::to_vec)),
    ];
    if let Some((rs, _)) = root {
        let mini_stream = chain(rs, &fat, &|id| sector(id).map(<[u8]>::to_vec));
        streams.push(chain(start, &mini, &|id| {
            mini_stream
                .get(id as usize * 64..(id as usize * 64 + 64).min(mini_stream.len()))
                .map(<[u8]>::to_vec)
        }));
    }
    for stream in &streams {
        scan_dimensions(stream)?;
        scan_sheet_extents(stream)?;
    }
    Ok(())
}

/// The records of a BIFF stream from `at`: (type, data), until the stream ends.
pub(super) fn biff_records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let head = stream.get(at..at + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((typ, data))
    })
}

/// What calamine will allocate for each sheet: it builds a dense range over the smallest
/// rectangle holding every cell record, so one cell at row 65535, column 65535 means 4
/// billion cells (a fuzzed file asked for 24 GB). Walk the sheets where the BoundSheet
/// records point, as calamine does, and refuse extents beyond [`XLS_MAX_CELLS`].
pub(super) fn scan_sheet_extents(stream: &[u8]) -> Result<(), String> {
    let sheets: Vec<usize> = biff_records(stream, 0)
        .take_while(|(t, _)| *t != 0x000A)
        .filter(|(t, d)| *t == 0x0085 && d.len() >= 4)
        .map(|(_, d)| u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize)
        .collect();
    for pos in sheets {
        let (mut r0, mut r1, mut c0, mut c1) = (u64::MAX, 0u64, u64::MAX, 0u64);
        let mut depth = 0usize;
        let mut seen_bof = false;
        for (typ, d) in biff_records(stream, pos) {
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A if depth > 0 => depth -= 1,
                0x000A => break,
                _ if depth > 0 => {}
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD if d.len() >= 4 => {
                    let row = u16::from_le_bytes([d[0], d[1]]) as u64;
                    let first = u16::from_le_bytes([d[2], d[3]]) as u64;
                    let last = if typ == 0x00BD && d.len() >= 6 {
                        u16::from_le_bytes([d[d.len() - 2], d[d.len() - 1]]) as u64
                    } else {
                        first
                    };
                    r0 = r0.min(row);
                    r1 = r1.max(row);
                    c0 = c0.min(first.min(last));
                    c1 = c1.max(first.max(last));
                }
                _ => {}
            }
        }
        if r0 <= r1 && c0 <= c1 {
            let (rows, cols) = (r1 - r0 + 1, c1 - c0 + 1);
            if rows.saturating_mul(cols) > XLS_MAX_CELLS {
                return Err(format!(
                    "a sheet's cells span {rows} rows × {cols} columns, more than a legacy .xls holds sensibly ({XLS_MAX_CELLS} cells); save it as .xlsx"
                ));
            }
        }
    }
    Ok(())
}

/// Refuse any DIMENSIONS record (at any offset of `stream`) that declares an absurd sheet.
pub(super) fn scan_dimensions(stream: &[u8]) -> Result<(), String> {
    // Every offset, not only record boundaries: calamine seeks to each sheet at the offset
    // its BoundSheet record gives, which a hostile file can point into the middle of
    // another record (a fuzzed file did).
    for at in 0..stream.len().saturating_sub(4) {
        let typ = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = u16::from_le_bytes([stream[at + 2], stream[at + 3]]) as usize;
        let data = &stream[(at + 4).min(stream.len())..(at + 4 + len).min(stream.len())];
        if typ == 0x0200 {
            let (rf, rl, cf, cl): (u64, u64, u64, u64) = match data.len() {
                10 => (
                    u16::from_le_bytes([data[0], data[1]]) as u64,
                    u16::from_le_bytes([data[2], data[3]]) as u64,
                    u16::from_le_bytes([data[4], data[5]]) as u64,
                    u16::from_le_bytes([data[6], data[7]]) as u64,
                ),
                14 | 16 => (
                    u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as u64,
                    u32::from_le_bytes([data[4], data[5], data[6], data[7]]) as u64,
                    u16::from_le_bytes([data[8], data[9]]) as u64,
                    u16::from_le_bytes([data[10], data[11]]) as u64,
                ),
                _ => (0, 0, 0, 0),
            };
            let rows = rl.saturating_sub(rf) + 1;
            let cols = cl.min(0x100).saturating_sub(cf.min(0x100)) + 1;
            if rl < rf || rows.saturating_mul(cols) > XLS_MAX_CELLS {
                return Err(format!(
                    "a sheet declares {rows} rows × {cols} columns, more than a legacy .xls holds sensibly ({XLS_MAX_CELLS} cells); save it as .xlsx"
                ));
            }
        }
    }
    Ok(())
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
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
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
    let range = wb
        .worksheet_range(&name)
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
    return Ok(RawTable {
        headers,
        rows,
        encoding: "excel",
    });

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
}

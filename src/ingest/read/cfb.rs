//! The guard in front of calamine for legacy `.xls` workbooks: an OLE compound file's
//! sector chains (MS-CFB §2.2–2.3) and its BIFF sheets' declared and actual extents are
//! checked before the Excel parser follows them. calamine 0.38 follows a cyclic chain
//! until memory runs out (a 4.7 KB file found by the fuzzer asked for 8 GB and aborted the
//! process) and reserves a dense range for a sheet's extent, which no panic guard can catch.
//! Hand-written: no maintained crate validates a CFB without allocating what it declares.

use super::*;

/// The signature of an OLE compound file (CFB), the container of legacy `.xls` workbooks.
pub(super) const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(super) const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// The first of the special sector ids (free, end of chain, FAT, DIFAT).
const CFB_SPECIAL: u32 = 0xFFFF_FFFA;

/// Check a compound file before the Excel parser reads it: every chain of the FAT, the
/// DIFAT and the mini FAT ends within the file, without cycles; no stream claims to be
/// larger than the file; and no reading of the workbook stream declares or holds a sheet
/// beyond [`XLS_MAX_CELLS`].
pub fn cfb_sane(bytes: &[u8]) -> Result<(), String> {
    let readings =
        workbook_readings(bytes).map_err(|why| format!("damaged compound file: {why}"))?;
    for stream in &readings {
        scan_dimensions(stream)?;
        scan_sheet_extents(stream)?;
    }
    Ok(())
}

/// The readings of the workbook stream, once the sector chains are known to be sound
/// (none when the file has no workbook stream: calamine reports that itself).
fn workbook_readings(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let cfb = Cfb::open(bytes)?;
    let fat = cfb.fat()?;
    if !acyclic(&fat, cfb.nsec.max(fat.len())) {
        return Err("a sector chain loops or leaves the file".into());
    }
    let mini = cfb.mini_fat(&fat)?;
    if !acyclic(&mini, mini.len().max(1) * 64) {
        return Err("a mini-stream chain loops".into());
    }
    let (workbook, root) = cfb.directory(&fat)?;
    // The workbook stream's sheet dimensions: calamine reserves rows × columns cells up
    // front (a fuzzed file claimed 10^15 bytes' worth and aborted the process).
    Ok(match workbook {
        Some((start, _)) => cfb.workbook_readings(start, root, &fat, &mini),
        None => Vec::new(),
    })
}

/// A compound file's bytes with its sector size and count.
struct Cfb<'a> {
    bytes: &'a [u8],
    ssize: usize,
    nsec: usize,
}

/// A directory entry's first sector and size.
type Entry = (u32, usize);

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Result<Cfb<'a>, String> {
        if bytes.len() < 512 || bytes[..8] != CFB_MAGIC {
            return Err("no valid header".into());
        }
        let ssize = match bytes
            .get(0x1E..0x20)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
        {
            Some(9) => 512usize,
            Some(12) => 4096,
            _ => return Err("sector size is neither 512 nor 4096 bytes".into()),
        };
        let nsec = (bytes.len().saturating_sub(ssize.max(512))).div_ceil(ssize);
        Ok(Cfb { bytes, ssize, nsec })
    }

    fn u32_at(&self, o: usize) -> Option<u32> {
        self.bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize + 1).checked_mul(self.ssize)?;
        self.bytes
            .get(start..(start + self.ssize).min(self.bytes.len()))
    }

    /// Follow a chain of sectors from `first`: `visit` reads each sector and gives the id
    /// of the next; `what` names the chain in the errors (a loop, a sector outside the file).
    fn walk(
        &self,
        first: u32,
        what: &str,
        mut visit: impl FnMut(u32, &'a [u8]) -> u32,
    ) -> Result<(), String> {
        let (mut id, mut steps) = (first, 0);
        while id < CFB_SPECIAL {
            steps += 1;
            if steps > self.nsec {
                return Err(format!("the {what} chain loops"));
            }
            let s = self
                .sector(id)
                .ok_or_else(|| format!("a {what} sector lies outside the file"))?;
            id = visit(id, s);
        }
        Ok(())
    }

    /// The FAT: its sectors are listed by the DIFAT, 109 entries in the header, then a
    /// chain of DIFAT sectors (each ending with the id of the next).
    fn fat(&self) -> Result<Vec<u32>, String> {
        let n_fat = self.u32_at(0x2C).unwrap_or(0) as usize;
        if n_fat > self.nsec {
            return Err("more FAT sectors than the file has".into());
        }
        let mut fat_ids: Vec<u32> = (0..109)
            .filter_map(|i| self.u32_at(0x4C + 4 * i))
            .filter(|&v| v < CFB_SPECIAL)
            .collect();
        let per = self.ssize / 4 - 1;
        let first = self.u32_at(0x44).unwrap_or(CFB_END_OF_CHAIN);
        self.walk(first, "DIFAT", |_, s| {
            fat_ids.extend(
                (0..per)
                    .map(|i| le_u32(s, 4 * i))
                    .filter(|&v| v < CFB_SPECIAL),
            );
            le_u32(s, 4 * per)
        })?;
        let mut fat = Vec::new();
        for id in fat_ids.iter().take(n_fat.max(1)) {
            let s = self
                .sector(*id)
                .ok_or("a FAT sector lies outside the file")?;
            fat.extend(words(s));
        }
        Ok(fat)
    }

    /// The mini FAT: its own chain in the FAT, then pointers between 64-byte mini sectors.
    fn mini_fat(&self, fat: &[u32]) -> Result<Vec<u32>, String> {
        let mut mini = Vec::new();
        let first = self.u32_at(0x3C).unwrap_or(CFB_END_OF_CHAIN);
        self.walk(first, "mini FAT", |id, s| {
            mini.extend(words(s));
            next_in(fat, id)
        })?;
        Ok(mini)
    }

    /// The directory's root entry and workbook stream (`Workbook`, or `Book` in BIFF5); no
    /// stream may claim to be larger than the file.
    fn directory(&self, fat: &[u32]) -> Result<(Option<Entry>, Option<Entry>), String> {
        let (mut workbook, mut root, mut too_large) = (None, None, false);
        let first = self.u32_at(0x30).unwrap_or(CFB_END_OF_CHAIN);
        self.walk(first, "directory", |id, s| {
            for e in s.chunks_exact(128) {
                let start = le_u32(e, 0x74);
                let size = le_u32(e, 0x78) as usize;
                too_large |= e[0x42] != 0 && size > self.bytes.len();
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
            if too_large {
                CFB_END_OF_CHAIN
            } else {
                next_in(fat, id)
            }
        })?;
        if too_large {
            return Err("a stream claims to be larger than the file".into());
        }
        Ok((workbook, root))
    }

    /// The workbook stream as calamine may read it: through the FAT or through the mini FAT
    /// (a hostile header can make the two disagree about which applies), whole chains
    /// regardless of the declared size, and the raw file too (records inside one sector).
    fn workbook_readings(
        &self,
        start: u32,
        root: Option<Entry>,
        fat: &[u32],
        mini: &[u32],
    ) -> Vec<Vec<u8>> {
        let by_sector = |id: u32| self.sector(id).map(<[u8]>::to_vec);
        let mut streams = vec![self.bytes.to_vec(), chain(start, fat, &by_sector)];
        if let Some((rs, _)) = root {
            let mini_stream = chain(rs, fat, &by_sector);
            streams.push(chain(start, mini, &|id| {
                mini_stream
                    .get(id as usize * 64..(id as usize * 64 + 64).min(mini_stream.len()))
                    .map(<[u8]>::to_vec)
            }));
        }
        streams
    }
}

/// The little-endian u32 at `o` of `s`, or "end of chain" past its end.
fn le_u32(s: &[u8], o: usize) -> u32 {
    s.get(o..o + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .unwrap_or(CFB_END_OF_CHAIN)
}

/// A sector's bytes as little-endian u32 words.
fn words(s: &[u8]) -> impl Iterator<Item = u32> + '_ {
    s.chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The successor of sector `id` in an allocation table (end of chain past its end).
fn next_in(table: &[u32], id: u32) -> u32 {
    *table.get(id as usize).unwrap_or(&CFB_END_OF_CHAIN)
}

/// The bytes of a whole chain from `id`, each unit read by `read`, at most one pass over
/// `next` (a loop ends there).
fn chain(mut id: u32, next: &[u32], read: &dyn Fn(u32) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut steps = 0;
    while id < CFB_SPECIAL && steps <= next.len() {
        steps += 1;
        out.extend(read(id).unwrap_or_default());
        id = next_in(next, id);
    }
    out
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
            if n >= CFB_SPECIAL {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_files_with_looping_chains_are_refused_before_the_excel_parser() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let good = std::fs::read(fixtures.join("ingest/wjx_codes.xls")).unwrap();
        assert_eq!(cfb_sane(&good), Ok(()), "a real .xls passes");
        let cyclic = std::fs::read(fixtures.join("hostile/calamine_0.38_cfb_cycle.xls")).unwrap();
        let err = cfb_sane(&cyclic).unwrap_err();
        assert!(err.starts_with("damaged compound file"), "{err}");
        // A FAT whose only used sector points to itself.
        let mut tiny = good.clone();
        let fat0 = u32::from_le_bytes(tiny[0x4C..0x50].try_into().unwrap()) as usize;
        let at = (fat0 + 1) * 512;
        tiny[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
        assert!(cfb_sane(&tiny).is_err(), "sector 0 → 0 is a loop");
        assert!(cfb_sane(&good[..100]).is_err());
        // Found by the fuzzer: sheets whose DIMENSIONS record claims ~10^13 cells, once in
        // the workbook stream, once where only a mini-stream reading of it finds it.
        for f in [
            "hostile/calamine_0.38_huge_dimensions.xls",
            "hostile/calamine_0.38_dimensions_mid_record.xls",
            "hostile/calamine_0.38_far_cell.xls",
        ] {
            let claims = std::fs::read(fixtures.join(f)).unwrap();
            let err = cfb_sane(&claims).unwrap_err();
            assert!(err.contains("rows ×"), "{f}: {err}");
        }
    }
}

//! Readers: a raw file (CSV in any common encoding and dialect, or XLSX) → a [`RawTable`]
//! of header names and cells with their line numbers. No mapping happens here.

use chrono::NaiveDateTime;
use compact_str::CompactString;

use crate::config::{Encoding, Format};

/// One cell as the file had it. CSV cells are always text; XLSX cells keep their type,
/// so an Excel date arrives as a date, not as a serial number. Text up to 24 bytes (scores,
/// ids, dates, store names) is stored inline, without an allocation: a whole file is held
/// as cells while it is mapped, and a `String` per cell was most of ingest's memory and a
/// third of its time.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(CompactString),
    Number(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
}

impl Cell {
    /// The cell as text, as a person would read it.
    pub fn as_text(&self) -> String {
        self.text().into_owned()
    }

    /// The same, borrowed where the cell is text already (most cells: no allocation).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s.as_str()),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Cow::Owned(format!("{}", *n as i64))
            }
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Bool(b) => Cow::Owned(b.to_string()),
            Cell::DateTime(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M:%S").to_string()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based line (CSV) or row (XLSX) number in the file, as a spreadsheet shows it.
    pub line: usize,
    pub cells: Vec<Cell>,
}

/// A whole sheet held in memory: what the Excel reader gives (calamine holds a sheet whole
/// anyway), and a convenience for tests. CSV files are not held: see [`RawFile`].
#[derive(Debug, Clone)]
pub struct RawTable {
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// What the bytes were decoded as (for the ledger and error messages).
    pub encoding: &'static str,
}

impl RawTable {
    /// The column index of `header` (see [`find_header`]).
    pub fn find(&self, header: &str) -> Option<usize> {
        find_header(&self.headers, header)
    }
}

/// The column index of `header` in `headers`, comparing trimmed names with runs of spaces
/// collapsed (exports often carry stray or doubled spaces in headers).
pub fn find_header(headers: &[String], header: &str) -> Option<usize> {
    let want = normalise_header(header);
    headers.iter().position(|h| normalise_header(h) == want)
}

pub fn normalise_header(h: &str) -> String {
    h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A file opened for reading: its header row, and its data rows one at a time. A CSV file's
/// records are decoded and parsed as they are asked for, so ingest holds one row of a file,
/// not all its cells (a 676,000-row export held as cells was most of ingest's memory).
pub struct RawFile<'a> {
    pub headers: Vec<String>,
    /// What the bytes were decoded as (for the ledger and error messages).
    pub encoding: &'static str,
    pub rows: RawRows<'a>,
}

/// The data rows of a [`RawFile`], in file order; an error (malformed CSV, a byte sequence
/// that is not in the file's encoding) ends the file.
pub struct RawRows<'a> {
    rows: Rows<'a>,
    /// A row read ahead by [`RawRows::peek`].
    peeked: Option<Option<Result<RawRow, String>>>,
}

enum Rows<'a> {
    Csv(Box<CsvRows<'a>>),
    Held(std::vec::IntoIter<RawRow>),
}

impl RawRows<'_> {
    /// The next row, without taking it.
    pub fn peek(&mut self) -> Option<&Result<RawRow, String>> {
        if self.peeked.is_none() {
            let next = self.read();
            self.peeked = Some(next);
        }
        self.peeked.as_ref().and_then(Option::as_ref)
    }

    fn read(&mut self) -> Option<Result<RawRow, String>> {
        match &mut self.rows {
            Rows::Csv(c) => c.next(),
            Rows::Held(rows) => rows.next().map(Ok),
        }
    }
}

impl Iterator for RawRows<'_> {
    type Item = Result<RawRow, String>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.peeked.take() {
            Some(p) => p,
            None => self.read(),
        }
    }
}

impl<'a> RawFile<'a> {
    /// A table already in memory, read as a file.
    pub fn held(t: RawTable) -> RawFile<'a> {
        RawFile {
            headers: t.headers,
            encoding: t.encoding,
            rows: RawRows {
                rows: Rows::Held(t.rows.into_iter()),
                peeked: None,
            },
        }
    }

    /// Read every row into memory (tests, small files).
    pub fn into_table(self) -> Result<RawTable, String> {
        Ok(RawTable {
            headers: self.headers,
            encoding: self.encoding,
            rows: self.rows.collect::<Result<_, _>>()?,
        })
    }
}

/// Open a file's bytes: CSV in any supported encoding, or an Excel workbook.
pub fn read_bytes<'a>(
    bytes: &'a [u8],
    format: Format,
    encoding: Encoding,
    sheet: Option<&str>,
) -> Result<RawFile<'a>, String> {
    match format {
        Format::Csv => open_csv(bytes, encoding),
        Format::Xlsx => read_xlsx(bytes, sheet).map(RawFile::held),
    }
}

/// Decode bytes to text. `Auto`: a UTF-16 BOM means UTF-16; valid UTF-8 (BOM or not) is
/// UTF-8; anything else is GB18030 (a superset of GBK and GB2312). A UTF-8 file is never
/// read as GBK, because valid UTF-8 is tried first. (The CSV reader decodes as it reads,
/// with [`text_stream`]; this is the whole-file form.)
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<(String, &'static str), String> {
    let (mut stream, enc) = text_stream(bytes, encoding)?;
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut out).map_err(|e| e.to_string())?;
    String::from_utf8(out)
        .map(|s| (s, enc))
        .map_err(|_| "the decoder produced invalid UTF-8 (a bug)".to_string())
}

const NOT_UTF8_NOR_GBK: &str = "the file is neither UTF-8 nor GBK/GB18030; save it from Excel as \"CSV UTF-8\" or set encoding";

/// The file's text as a stream of UTF-8 bytes, and the name of what it was decoded as. UTF-8
/// is borrowed as it is; GB18030 is decoded as it is read (never held twice); UTF-16 (rare:
/// old Qualtrics exports) is decoded whole.
fn text_stream(
    bytes: &[u8],
    encoding: Encoding,
) -> Result<(Box<dyn std::io::Read + Send + '_>, &'static str), String> {
    let utf16 = |enc: &'static encoding_rs::Encoding, name| {
        let (text, _, errors) = enc.decode(bytes);
        if errors {
            Err(format!(
                "the file starts like {name} but has malformed characters"
            ))
        } else {
            let stream: Box<dyn std::io::Read + Send> =
                Box::new(std::io::Cursor::new(text.into_owned().into_bytes()));
            Ok((stream, name))
        }
    };
    let gb = || -> (Box<dyn std::io::Read + Send + '_>, &'static str) {
        (
            Box::new(DecodeReader::new(
                bytes,
                encoding_rs::GB18030,
                NOT_UTF8_NOR_GBK,
            )),
            "gb18030",
        )
    };
    let utf8 = |b| -> (Box<dyn std::io::Read + Send + '_>, &'static str) { (Box::new(b), "utf-8") };
    let without_bom = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(without_bom) {
            Ok(_) => Ok(utf8(without_bom)),
            Err(e) => Err(format!(
                "not valid UTF-8 at byte {} (is it GBK? set encoding = \"auto\")",
                e.valid_up_to()
            )),
        },
        Encoding::Gb18030 => Ok(gb()),
        // Every byte is a character of Windows-1252: this cannot fail.
        Encoding::Windows1252 => Ok((
            Box::new(DecodeReader::new(
                without_bom,
                encoding_rs::WINDOWS_1252,
                "not Windows-1252",
            )),
            "windows-1252",
        )),
        Encoding::Auto => {
            if bytes.starts_with(b"\xff\xfe") {
                return utf16(encoding_rs::UTF_16LE, "utf-16le");
            }
            if bytes.starts_with(b"\xfe\xff") {
                return utf16(encoding_rs::UTF_16BE, "utf-16be");
            }
            match std::str::from_utf8(without_bom) {
                Ok(_) => Ok(utf8(without_bom)),
                Err(_) => Ok(gb()),
            }
        }
    }
}

/// Bytes in a legacy encoding (GB18030, Windows-1252) → UTF-8 as an `io::Read`, a block at a
/// time; a byte sequence that is not in the encoding is an error (`malformed`), never a
/// replacement character.
struct DecodeReader<'a> {
    src: &'a [u8],
    decoder: encoding_rs::Decoder,
    malformed: &'static str,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<'a> DecodeReader<'a> {
    fn new(
        src: &'a [u8],
        enc: &'static encoding_rs::Encoding,
        malformed: &'static str,
    ) -> DecodeReader<'a> {
        DecodeReader {
            src,
            decoder: enc.new_decoder_without_bom_handling(),
            malformed,
            out: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

impl std::io::Read for DecodeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() && !self.done {
            const BLOCK: usize = 64 * 1024;
            let take = self.src.len().min(BLOCK);
            let last = take == self.src.len();
            self.out.resize(BLOCK * 2 + 16, 0);
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.src[..take],
                &mut self.out,
                last,
            );
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    self.malformed,
                ));
            }
            self.src = &self.src[read..];
            self.out.truncate(written);
            self.at = 0;
            self.done = last && read == take && result == encoding_rs::DecoderResult::InputEmpty;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Counts lines in the text it passes on, so that a record's line number can be told from
/// its byte offset without holding the text: for each line that starts with something other
/// than a line break, its (offset, line number), kept until a record past it is asked for.
struct LineCounter<R> {
    inner: R,
    /// Bytes passed on so far, and line breaks among them.
    passed: u64,
    newlines: u64,
    /// Whether the last byte passed was a line break (or nothing has been passed yet).
    at_line_start: bool,
    starts: std::collections::VecDeque<(u64, u64)>,
}

impl<R: std::io::Read> std::io::Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        let is_break = |b: u8| b == b'\n' || b == b'\r';
        if let Some(&first) = chunk.first() {
            if self.at_line_start && !is_break(first) {
                self.starts.push_back((self.passed, self.newlines + 1));
            }
            self.at_line_start = is_break(chunk[n - 1]);
        }
        for i in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            self.newlines += (chunk[i] == b'\n') as u64;
            if chunk.get(i + 1).is_some_and(|b| !is_break(*b)) {
                self.starts
                    .push_back((self.passed + i as u64 + 1, self.newlines + 1));
            }
        }
        self.passed += n as u64;
        Ok(n)
    }
}

impl<R> LineCounter<R> {
    /// The line of the first character at or after byte `offset` that is not a line break
    /// (where a record that csv reports at `offset` really starts, after blank lines).
    fn line_at(&mut self, offset: u64) -> usize {
        while self.starts.front().is_some_and(|(o, _)| *o < offset) {
            self.starts.pop_front();
        }
        self.starts.front().map(|(_, l)| *l as usize).unwrap_or(1)
    }
}

/// CSV records parsed one at a time.
struct CsvRows<'a> {
    rdr: csv::Reader<LineCounter<Box<dyn std::io::Read + Send + 'a>>>,
    record: csv::StringRecord,
}

impl CsvRows<'_> {
    /// The next record with its line, or `None` at the end of the file.
    fn record(&mut self) -> Option<Result<usize, String>> {
        match self.rdr.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let at = self.record.position().map(|p| p.byte()).unwrap_or(0);
                Some(Ok(self.rdr.get_mut().line_at(at)))
            }
            Err(e) => Some(Err(match e.kind() {
                csv::ErrorKind::Io(io) => io.to_string(),
                _ => format!("malformed CSV: {e}"),
            })),
        }
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<RawRow, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = match self.record()? {
                Ok(line) => line,
                Err(e) => return Some(Err(e)),
            };
            if self.record.iter().all(|c| c.trim().is_empty()) {
                continue; // blank lines carry no row
            }
            let cells = self
                .record
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(CompactString::new(c))
                    }
                })
                .collect();
            return Some(Ok(RawRow { line, cells }));
        }
    }
}

/// Guess the delimiter from the header line: the most frequent of comma, tab, semicolon.
fn sniff_delimiter(first_line: &str) -> u8 {
    let count = |c| first_line.matches(c).count();
    let candidates = [(b',', count(',')), (b'\t', count('\t')), (b';', count(';'))];
    candidates
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map(|(d, _)| *d)
        .unwrap_or(b',')
}

/// The first line of the file's text, for sniffing its delimiter.
fn first_line(bytes: &[u8], encoding: Encoding) -> Result<String, String> {
    let (stream, _) = text_stream(bytes, encoding)?;
    let mut line = Vec::new();
    for b in std::io::Read::bytes(stream) {
        let b = b.map_err(|e| e.to_string())?;
        if b == b'\n' || line.len() > 1 << 20 {
            break;
        }
        line.push(b);
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Open a CSV file: decode and parse its header row; its data rows follow as they are read.
pub fn open_csv(bytes: &[u8], encoding: Encoding) -> Result<RawFile<'_>, String> {
    let delimiter = sniff_delimiter(&first_line(bytes, encoding)?);
    let (stream, enc) = text_stream(bytes, encoding)?;
    let counter = LineCounter {
        inner: stream,
        passed: 0,
        newlines: 0,
        at_line_start: true,
        starts: Default::default(),
    };
    let rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(counter);
    let mut csv_rows = CsvRows {
        rdr,
        record: csv::StringRecord::new(),
    };
    let empty = || "the file is empty; export it again with its header row".to_string();
    csv_rows.record().ok_or_else(empty)??;
    let headers: Vec<String> = csv_rows.record.iter().map(str::to_string).collect();
    let mut rows = RawRows {
        rows: Rows::Csv(Box::new(csv_rows)),
        peeked: None,
    };
    if headers.iter().all(|h| h.trim().is_empty()) && rows.peek().is_none() {
        return Err(empty());
    }
    Ok(RawFile {
        headers,
        encoding: enc,
        rows,
    })
}

/// A CSV file read whole (tests, small files).
pub fn read_csv_bytes(bytes: &[u8], encoding: Encoding) -> Result<RawTable, String> {
    open_csv(bytes, encoding)?.into_table()
}

/// Read a workbook with the Excel parser (calamine), which can panic on damaged files (a
/// fuzzed XLS tripped an assertion in calamine 0.38): such a panic becomes the same clear
/// error as any unreadable workbook, never a crash of the run.
fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, String> {
    crate::panics::quietly(|| read_xlsx_unguarded(bytes, sheet)).unwrap_or_else(|what| {
        Err(format!(
            "not a readable Excel workbook (the Excel reader failed: {what}); the file is damaged or not an Excel file; open it in Excel or WPS and save it again as .xlsx"
        ))
    })
}

/// The signature of an OLE compound file (CFB), the container of legacy `.xls` workbooks.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;

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
fn biff_records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
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
fn scan_sheet_extents(stream: &[u8]) -> Result<(), String> {
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
fn scan_dimensions(stream: &[u8]) -> Result<(), String> {
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

fn read_xlsx_unguarded(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable, String> {
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

    #[test]
    fn utf8_is_never_read_as_gbk_and_gbk_is_decoded() {
        let text = "序号,满意度\n1,非常满意\n";
        let (t, e) = decode(text.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!((t.as_str(), e), (text, "utf-8"));
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (t, e) = decode(&gbk, Encoding::Auto).unwrap();
        assert_eq!((t.as_str(), e), (text, "gb18030"));
        let bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom, Encoding::Auto).unwrap().0, text);
        assert!(decode(&gbk, Encoding::Utf8)
            .unwrap_err()
            .contains("not valid UTF-8"));
    }

    #[test]
    fn csv_keeps_line_numbers_through_quoted_newlines_and_sniffs_delimiters() {
        let t = read_csv_bytes("a;b\n1;\"x\ny\"\n\n2;z\n".as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(t.headers, vec!["a", "b"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[0].cells[1], Cell::Text("x\ny".into()));
        assert_eq!(t.rows[1].line, 5);
        assert!(read_csv_bytes(b"  \n", Encoding::Auto)
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn line_numbers_count_crlf_blank_lines_and_lines_before_the_header() {
        let t = read_csv_bytes(
            b"\r\n\na,b\r\n1,2\r\n\r\n \r\n3,\"x\r\ny\"\r\n4,5",
            Encoding::Auto,
        )
        .unwrap();
        assert_eq!(t.headers, vec!["a", "b"]);
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        // The line of spaces is a record of blanks (no row); 4 follows a quoted line break.
        assert_eq!(lines, vec![4, 7, 9]);
    }

    #[test]
    fn gbk_is_decoded_as_it_is_read_across_blocks_and_bad_bytes_are_an_error() {
        // Two-byte characters straddle every 64 KB block boundary at some point.
        let mut text = String::from("序号,意见\n");
        for i in 0..20_000 {
            text.push_str(&format!("{i},送货很及时安装师傅态度好\n"));
        }
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        assert!(gbk.len() > 3 * 64 * 1024);
        let t = read_csv_bytes(&gbk, Encoding::Auto).unwrap();
        assert_eq!(t.encoding, "gb18030");
        assert_eq!(t.rows.len(), 20_000);
        assert_eq!(t.rows[19_999].line, 20_001);
        assert!(t
            .rows
            .iter()
            .all(|r| r.cells[1] == Cell::Text("送货很及时安装师傅态度好".into())));
        assert_eq!(decode(&gbk, Encoding::Auto).unwrap().0, text);
        // 0xFF is not GB18030: an error naming the fix, after the rows before it.
        let mut bad = gbk.into_owned();
        bad.extend_from_slice(b"20000,\xff\n");
        let err = open_csv(&bad, Encoding::Auto)
            .unwrap()
            .rows
            .find_map(Result::err)
            .unwrap();
        assert!(err.contains("neither UTF-8 nor GBK"), "{err}");
    }

    #[test]
    fn latin_1_exports_are_declared_and_decoded() {
        // "Café,Crème brûlée" in Windows-1252 (é = E9, è = E8, û = FB); not valid UTF-8.
        let bytes = b"Caf\xe9,Note\n1,Cr\xe8me br\xfbl\xe9e\n";
        let t = read_csv_bytes(bytes, Encoding::Windows1252).unwrap();
        assert_eq!(t.encoding, "windows-1252");
        assert_eq!(t.headers, vec!["Café", "Note"]);
        assert_eq!(t.rows[0].cells[1], Cell::Text("Crème brûlée".into()));
    }

    #[test]
    fn headers_match_despite_stray_spaces() {
        let t = read_csv_bytes(
            "\u{feff} Call  Failure ,Churn\n1,0\n".as_bytes(),
            Encoding::Auto,
        )
        .unwrap();
        assert_eq!(t.find("Call Failure"), Some(0));
        assert_eq!(t.find("Churn"), Some(1));
        assert_eq!(t.find("churn"), None);
    }
}

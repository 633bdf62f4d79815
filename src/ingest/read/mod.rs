//! Readers: a raw file (CSV in any common encoding and dialect, or XLSX) → a [`RawTable`]
//! of header names and cells with their line numbers. No mapping happens here.

use chrono::NaiveDateTime;
use compact_str::CompactString;

use crate::config::{Encoding, Format};

mod cfb;
mod excel;
use cfb::*;
pub use excel::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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

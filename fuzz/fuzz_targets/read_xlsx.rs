//! Any bytes as an Excel workbook (XLSX, XLS): an error or a table, never a panic.
#![no_main]
use csat::config::{Encoding, Format};
use csat::ingest::read::read_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read_bytes(data, Format::Xlsx, Encoding::Auto, None);
    let _ = read_bytes(data, Format::Xlsx, Encoding::Auto, Some("Sheet1"));
});

//! Any bytes as a CSV export, in every encoding setting: an error or a table, never a panic.
#![no_main]
use csat::config::{Encoding, Format};
use csat::ingest::read::read_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for enc in [
        Encoding::Auto,
        Encoding::Utf8,
        Encoding::Gb18030,
        Encoding::Windows1252,
    ] {
        if let Ok(file) = read_bytes(data, Format::Csv, enc, None) {
            let mut last = 0;
            for r in file.rows.map_while(Result::ok) {
                assert!(r.line >= 1 && r.line > last, "lines increase");
                last = r.line;
            }
        }
    }
});

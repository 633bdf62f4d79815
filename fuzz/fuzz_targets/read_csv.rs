//! Any bytes as a CSV export, in every encoding setting: an error or a table, never a panic.
#![no_main]
use csat::config::{Encoding, Format};
use csat::ingest::read::read_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for enc in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
        if let Ok(t) = read_bytes(data, Format::Csv, enc, None) {
            for r in &t.rows {
                assert!(r.line >= 1);
            }
        }
    }
});

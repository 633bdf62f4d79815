//! Any bytes as an Excel workbook (XLSX, XLS): an error or a table, never a panic that
//! escapes csat. calamine can panic on damaged files; csat's reader catches that
//! (`csat::panics::quietly`), so this target aborts only on a panic csat did not catch.
#![no_main]
use csat::config::{Encoding, Format};
use csat::ingest::read::read_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|info| {
            if !csat::panics::is_quiet() {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    },
    |data: &[u8]| {
        let _ = read_bytes(data, Format::Xlsx, Encoding::Auto, None);
        let _ = read_bytes(data, Format::Xlsx, Encoding::Auto, Some("Sheet1"));
    }
);

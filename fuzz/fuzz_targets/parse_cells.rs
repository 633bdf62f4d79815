//! Any text (and any number) through the cell parsers: dates, times, months, numbers, flags.
#![no_main]
use csat::ingest::parse;
use csat::ingest::read::Cell;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).to_string();
    let mut cells = vec![Cell::Text(text.into())];
    if data.len() >= 8 {
        let n = f64::from_le_bytes(data[..8].try_into().unwrap());
        cells.push(Cell::Number(n));
        let _ = parse::excel_serial(n);
    }
    for c in &cells {
        let _ = parse::time(c);
        let _ = parse::date(c);
        let _ = parse::month(c);
        let _ = parse::number(c);
        let _ = parse::flag(c);
    }
});

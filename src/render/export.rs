//! Spreadsheet exports beside the report: `tables.xlsx` (every table of the report, one
//! sheet per section) and `rejects.csv` (every rejected row with its reason). Cells that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return, OWASP's list for CSV injection) are neutralised with a leading apostrophe, so a
//! hostile value in a raw export (`=cmd|' /C calc'!A0`) stays text when someone opens the
//! file in Excel or WPS.

use std::borrow::Cow;

use crate::frame::{self, DataFrame};

use super::model::Report;
use super::RenderError;

/// The cell as text a spreadsheet will not evaluate.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Every rejected row and answer (`level` row or answer) as CSV (UTF-8 with a byte-order mark, which Excel needs to read
/// Chinese correctly), every text cell neutralised.
pub fn rejects_csv(rejects: Option<&DataFrame>) -> Result<Vec<u8>, RenderError> {
    let cols = [
        "source", "file", "line", "level", "column", "value", "code", "reason",
    ];
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: csv::Error| RenderError::Data(format!("rejects.csv: {e}"));
    w.write_record(cols).map_err(err)?;
    if let Some(df) = rejects {
        let data: Vec<Vec<Option<String>>> = cols
            .iter()
            .map(|c| frame::strs(df, c).unwrap_or_else(|_| vec![None; df.height()]))
            .collect();
        for i in 0..df.height() {
            let row: Vec<String> = data
                .iter()
                .map(|c| neutralise(c[i].as_deref().unwrap_or("")).into_owned())
                .collect();
            w.write_record(&row).map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| RenderError::Data(format!("rejects.csv: {e}")))
}

/// Every table of the report as an XLSX workbook, one sheet per section (tables one under
/// another, each with its caption), cells as text, neutralised. The file's creation date is
/// the report's generation date, so the same report gives the same bytes.
pub fn tables_xlsx(report: &Report, generated: chrono::NaiveDate) -> Result<Vec<u8>, RenderError> {
    use chrono::Datelike;
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| RenderError::Data(format!("tables.xlsx: {e}"));
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        generated.year().clamp(1900, 9999) as u16,
        generated.month() as u8,
        generated.day() as u8,
    )
    .map_err(e)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title(&format!("{} {}", report.title, report.period)),
    );
    let bold = Format::new().set_bold();
    let mut used: Vec<String> = Vec::new();
    for (k, s) in report.sections.iter().enumerate() {
        if s.tables.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\ , unique.
        let mut name: String = format!("{} {}", k + 2, s.title)
            .chars()
            .filter(|c| !"[]:*?/\\'".contains(*c))
            .take(31)
            .collect();
        while used.contains(&name) {
            name = format!(
                "{}{}",
                name.chars().take(28).collect::<String>(),
                used.len()
            );
        }
        used.push(name.clone());
        ws.set_name(&name).map_err(e)?;
        let mut row = 0u32;
        for t in &s.tables {
            if let Some(c) = &t.caption {
                ws.write_string_with_format(row, 0, neutralise(c), &bold)
                    .map_err(e)?;
                row += 1;
            }
            for (j, h) in t.header.iter().enumerate() {
                ws.write_string_with_format(row, j as u16, neutralise(h), &bold)
                    .map_err(e)?;
            }
            row += 1;
            for r in &t.rows {
                for (j, cell) in r.iter().enumerate() {
                    ws.write_string(row, j as u16, neutralise(cell))
                        .map_err(e)?;
                }
                row += 1;
            }
            row += 1;
        }
        ws.autofit();
    }
    if used.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer().map_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_kept() {
        // OWASP "CSV Injection": =, +, -, @, tab and carriage return start a formula.
        for bad in [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for ok in ["南京河西店", "−0.27", "3.70", "", "a=b"] {
            assert_eq!(neutralise(ok), ok);
        }
    }

    #[test]
    fn rejects_csv_neutralises_hostile_values() {
        let df = crate::frame::build_plain(vec![
            (
                "source",
                crate::frame::Values::Str(vec![Some("web".into())]),
            ),
            (
                "file",
                crate::frame::Values::Str(vec![Some("a.csv".into())]),
            ),
            ("line", crate::frame::Values::Str(vec![Some("4".into())])),
            (
                "column",
                crate::frame::Values::Str(vec![Some("意见".into())]),
            ),
            (
                "value",
                crate::frame::Values::Str(vec![Some("=HYPERLINK(\"http://x\")".into())]),
            ),
            (
                "code",
                crate::frame::Values::Str(vec![Some("out_of_scale".into())]),
            ),
            (
                "reason",
                crate::frame::Values::Str(vec![Some("bad".into())]),
            ),
        ])
        .unwrap();
        let bytes = rejects_csv(Some(&df)).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(!text.contains(",=HYPERLINK"));
    }
}

//! Spreadsheet exports beside the report: `rejects.csv` (every rejected row with its
//! reason; `tables.xlsx` is [`super::xlsx`]), and the neutralising both share. Cells that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return, OWASP's list for CSV injection) are neutralised with a leading apostrophe, so a
//! hostile value in a raw export (`=cmd|' /C calc'!A0`) stays text when someone opens the
//! file in Excel or WPS.

use std::borrow::Cow;

use crate::frame::{self, DataFrame};

use super::RenderError;
use crate::config::Lang;

/// The cell as text a spreadsheet will not evaluate.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Every rejected row, answer and cut cell as CSV (UTF-8 with a byte-order mark, which
/// Excel needs to read Chinese correctly), every text cell neutralised. The header and the
/// reason (the code's label) are in the report's language; the detail sentence stays as the
/// ingest wrote it (English), for a reader who needs the exact cause.
pub fn rejects_csv(rejects: Option<&DataFrame>, lang: Lang) -> Result<Vec<u8>, RenderError> {
    let cols = [
        "source", "file", "line", "level", "column", "value", "code", "reason",
    ];
    let header: [&str; 9] = match lang {
        Lang::Zh => [
            "来源",
            "文件",
            "行号",
            "范围",
            "列",
            "取值",
            "原因",
            "原因代码",
            "详情（英文）",
        ],
        Lang::En => [
            "source", "file", "line", "level", "column", "value", "reason", "code", "detail",
        ],
    };
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: csv::Error| RenderError::Data(format!("rejects.csv: {e}"));
    w.write_record(header).map_err(err)?;
    if let Some(df) = rejects {
        let data: Vec<Vec<Option<String>>> = cols
            .iter()
            .map(|c| frame::strs(df, c).unwrap_or_else(|_| vec![None; df.height()]))
            .collect();
        // Row i of the columns k (the loop indexes every column at the same row).
        #[allow(clippy::needless_range_loop)]
        for i in 0..df.height() {
            let at = |k: usize| data[k][i].as_deref().unwrap_or("");
            let level = match (lang, at(3)) {
                (Lang::Zh, "row") => "整行",
                (Lang::Zh, "answer") => "仅此答案",
                (Lang::Zh, "cell") => "单元格截断",
                (_, other) => other,
            };
            let label = super::i18n::reject_reason(at(6), lang);
            let row = [
                at(0),
                at(1),
                at(2),
                level,
                at(4),
                at(5),
                label.as_str(),
                at(6),
                at(7),
            ]
            .map(|c| neutralise(c).into_owned());
            w.write_record(&row).map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| RenderError::Data(format!("rejects.csv: {e}")))
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
        let bytes = rejects_csv(Some(&df), Lang::Zh).unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(!text.contains(",=HYPERLINK"));
        // The header and the reason in the report's language, the detail as written.
        assert!(
            text.starts_with("来源,文件,行号,范围,列,取值,原因,原因代码,详情（英文）"),
            "{text}"
        );
        assert!(
            text.contains(",分值超出量表范围,out_of_scale,bad"),
            "{text}"
        );
        let en = rejects_csv(Some(&df), Lang::En).unwrap();
        let en = String::from_utf8(en[3..].to_vec()).unwrap();
        assert!(
            en.contains(",score outside the item's scale,out_of_scale,bad"),
            "{en}"
        );
    }
}

//! `tables.xlsx`: every table of the report as a worksheet people can sum, sort, filter and
//! chart in Excel or WPS.
//!
//! The report's tables hold display strings ("5,356", "69.6%", "−0.27", "[3.81, 3.95]"); here
//! each cell that shows a number is written as that number with the number format that
//! shows it the same way (thousands separators, decimals, percent, an explicit sign), and a
//! column of intervals becomes two numeric columns (low, high). Everything else stays text,
//! neutralised against formula injection ([`super::export::neutralise`]). One sheet per
//! table, its header row frozen and filterable, columns sized to their contents.

use super::export::neutralise;
use super::model::Report;
use super::RenderError;

/// A cell as a spreadsheet should hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum XCell {
    Text(String),
    /// A value and the Excel number format that displays it as the report does.
    Number(f64, String),
}

/// The number a report cell shows, with the format that shows it the same way: `537`,
/// `5,999`, `3.88`, `−38.6` (the report's minus sign), `+0.08`, `69.6%`, `−1.5%`. Not a
/// number: text, ids with leading zeros (`007`), more than 15 digits (beyond a double's
/// exact integers), composites (`3.70 (3.62–3.78)`, `<0.001`, `2026-10`).
pub fn number(cell: &str) -> Option<(f64, String)> {
    let t = cell.trim();
    let (sign, body) = match t.chars().next()? {
        '−' | '-' => (-1.0, &t[t.chars().next()?.len_utf8()..]),
        '+' => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    let explicit = t.starts_with('+');
    let (body, percent) = match body.strip_suffix('%') {
        Some(b) => (b, true),
        None => (body, false),
    };
    let grouped = body.contains(',');
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let int_ok = if grouped {
        let groups: Vec<&str> = int.split(',').collect();
        (1..=3).contains(&groups[0].len())
            && digits(groups[0])
            && groups[1..].iter().all(|g| g.len() == 3 && digits(g))
    } else {
        digits(int) && !(int.len() > 1 && int.starts_with('0'))
    };
    if !int_ok || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let plain: String = int.chars().filter(|c| *c != ',').collect();
    if plain.len() + frac.map_or(0, str::len) > 15 {
        return None;
    }
    let text = match frac {
        Some(f) => format!("{plain}.{f}"),
        None => plain,
    };
    // A percent read as `…e-2`: the double nearest the shown value (8.2% is 0.082, not
    // 8.2 / 100 = 0.08199999999999999).
    let v: f64 = if percent {
        format!("{text}e-2").parse().ok()?
    } else {
        text.parse().ok()?
    };
    let decimals = frac.map_or(0, str::len);
    let mut fmt = if grouped { "#,##0" } else { "0" }.to_string();
    if decimals > 0 {
        fmt.push('.');
        fmt.push_str(&"0".repeat(decimals));
    }
    if percent {
        fmt.push('%');
    }
    // Negative numbers shown with the report's minus sign (U+2212), quoted as a literal.
    let fmt = if explicit {
        format!("+{fmt};\"−\"{fmt};{fmt}")
    } else {
        format!("{fmt};\"−\"{fmt}")
    };
    Some((sign * v, fmt))
}

/// The two ends of an interval cell, `[3.81, 3.95]`, `[−1.0, 44.3]` or `1.94–2.93`,
/// `6.9%–8.2%`.
pub fn interval(cell: &str) -> Option<((f64, String), (f64, String))> {
    let t = cell.trim();
    let (a, b) = match t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) => inner.split_once(", ")?,
        None => t.split_once('–')?,
    };
    Some((number(a)?, number(b)?))
}

/// A missing value as the report shows it.
fn is_blank(cell: &str) -> bool {
    matches!(cell.trim(), "" | "—" | "–" | "-")
}

/// The rows of a table as spreadsheet cells, and its header, with every interval column
/// (all its non-blank cells intervals) split into a low and a high column.
pub fn cells(
    header: &[String],
    rows: &[Vec<String>],
    lang: &str,
) -> (Vec<String>, Vec<Vec<XCell>>) {
    let ncol = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    let split: Vec<bool> = (0..ncol)
        .map(|j| {
            let col: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(j).map(String::as_str))
                .filter(|c| !is_blank(c))
                .collect();
            !col.is_empty() && col.iter().all(|c| interval(c).is_some())
        })
        .collect();
    let (low, high) = if lang == "zh" {
        ("下限", "上限")
    } else {
        ("low", "high")
    };
    let mut head = Vec::new();
    for (j, &split) in split.iter().enumerate().take(ncol) {
        let h = header.get(j).cloned().unwrap_or_default();
        if split {
            head.push(format!("{h} {low}"));
            head.push(format!("{h} {high}"));
        } else {
            head.push(h);
        }
    }
    let text = |c: &str| XCell::Text(neutralise(c).into_owned());
    let out = rows
        .iter()
        .map(|r| {
            let mut row = Vec::new();
            for (j, &split) in split.iter().enumerate().take(ncol) {
                let c = r.get(j).map(String::as_str).unwrap_or("");
                match (split, interval(c)) {
                    (true, Some((a, b))) => {
                        row.push(XCell::Number(a.0, a.1));
                        row.push(XCell::Number(b.0, b.1));
                    }
                    (true, None) => {
                        row.push(text(c));
                        row.push(text(""));
                    }
                    (false, _) => row.push(match number(c) {
                        Some((v, f)) => XCell::Number(v, f),
                        None => text(c),
                    }),
                }
            }
            row
        })
        .collect();
    (head, out)
}

/// A sheet name: at most 31 characters, none of `[]:*?/\'`, unique among `used`.
fn sheet_name(wanted: &str, used: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(31)
        .collect();
    let mut name = clean.clone();
    let mut k = 2;
    while used.contains(&name) {
        let tag = format!("~{k}");
        name = format!(
            "{}{tag}",
            clean.chars().take(31 - tag.len()).collect::<String>()
        );
        k += 1;
    }
    name
}

/// Every table of the report as an XLSX workbook, one sheet per table named by its section
/// number and caption: the caption in the first row, the header (bold, frozen, with a
/// filter) in the second, numbers as numbers. The file's creation date is the report's
/// generation date, so the same report gives the same bytes.
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
            .set_title(format!("{} {}", report.title, report.period)),
    );
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let mut formats: std::collections::BTreeMap<String, Format> = Default::default();
    let mut used: Vec<String> = Vec::new();
    for (k, s) in report.sections.iter().enumerate() {
        for (ti, t) in s.tables.iter().enumerate() {
            let title = t.caption.as_deref().unwrap_or(&s.title);
            let wanted = match &t.caption {
                Some(c) if *c != s.title => format!("{}.{} {} {c}", k + 2, ti + 1, s.title),
                _ => format!("{}.{} {}", k + 2, ti + 1, s.title),
            };
            let name = sheet_name(&wanted, &used);
            used.push(name.clone());
            let ws = wb.add_worksheet();
            ws.set_name(&name).map_err(e)?;
            ws.write_string_with_format(0, 0, neutralise(&format!("{} — {title}", s.title)), &bold)
                .map_err(e)?;
            let (header, rows) = cells(&t.header, &t.rows, report.lang);
            for (j, h) in header.iter().enumerate() {
                ws.write_string_with_format(1, j as u16, neutralise(h), &head)
                    .map_err(e)?;
            }
            for (i, r) in rows.iter().enumerate() {
                let row = i as u32 + 2;
                for (j, c) in r.iter().enumerate() {
                    match c {
                        XCell::Text(s) => ws.write_string(row, j as u16, s).map_err(e)?,
                        XCell::Number(v, f) => {
                            let fmt = formats
                                .entry(f.clone())
                                .or_insert_with(|| Format::new().set_num_format(f));
                            ws.write_number_with_format(row, j as u16, *v, fmt)
                                .map_err(e)?
                        }
                    };
                }
            }
            ws.set_freeze_panes(2, 0).map_err(e)?;
            if !header.is_empty() {
                let last_row = (rows.len() as u32 + 1).max(1);
                ws.autofilter(1, 0, last_row, header.len() as u16 - 1)
                    .map_err(e)?;
            }
            // Wide enough for the contents, but a long comment does not make a column of
            // a screen's width (pixels).
            ws.set_autofit_max_width(400);
            ws.autofit();
        }
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
    fn displayed_numbers_become_numbers_with_the_format_that_shows_them() {
        let n = |s: &str| number(s);
        assert_eq!(n("537"), Some((537.0, "0;\"−\"0".into())));
        assert_eq!(n("5,999"), Some((5999.0, "#,##0;\"−\"#,##0".into())));
        assert_eq!(
            n("1,234,567.5"),
            Some((1234567.5, "#,##0.0;\"−\"#,##0.0".into()))
        );
        assert_eq!(n("3.88"), Some((3.88, "0.00;\"−\"0.00".into())));
        assert_eq!(n("−38.6"), Some((-38.6, "0.0;\"−\"0.0".into())));
        assert_eq!(n("+0.08"), Some((0.08, "+0.00;\"−\"0.00;0.00".into())));
        let (v, f) = n("69.6%").unwrap();
        assert_eq!(v, 0.696);
        assert_eq!(f, "0.0%;\"−\"0.0%");
        assert_eq!(n("−1.5%").map(|x| x.0), Some(-0.015));
        for text in [
            "007",
            "2026-10",
            "<0.001",
            "3.70 (3.62–3.78)",
            "—",
            "",
            "华东区",
            "1,23",
            "12,3456",
            "1234567890123456",
            "4.8 / 22.0",
            "+",
            "−",
            "5.",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
    }

    #[test]
    fn interval_columns_split_into_low_and_high() {
        assert_eq!(
            interval("[−1.0, 44.3]").map(|(a, b)| (a.0, b.0)),
            Some((-1.0, 44.3))
        );
        assert_eq!(
            interval("6.9%–8.2%").map(|(a, b)| (a.0, b.0)),
            Some((0.069, 0.082))
        );
        assert_eq!(interval("2025-11-10 – 2026-01-15"), None);
        let header = vec!["门店".to_string(), "均值".into(), "95% 置信区间".into()];
        let rows = vec![
            vec![
                "上海真北店".to_string(),
                "3.88".into(),
                "[3.81, 3.95]".into(),
            ],
            vec!["=cmd".to_string(), "—".into(), "—".into()],
        ];
        let (head, out) = cells(&header, &rows, "zh");
        assert_eq!(
            head,
            ["门店", "均值", "95% 置信区间 下限", "95% 置信区间 上限"]
        );
        assert_eq!(out[0][0], XCell::Text("上海真北店".into()));
        assert!(matches!(out[0][1], XCell::Number(v, _) if v == 3.88));
        assert!(matches!(out[0][2], XCell::Number(v, _) if v == 3.81));
        assert!(matches!(out[0][3], XCell::Number(v, _) if v == 3.95));
        assert_eq!(out[1][0], XCell::Text("'=cmd".into()));
        assert_eq!(out[1][2], XCell::Text("—".into()));
        assert_eq!(out[1].len(), 4);
    }

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let a = sheet_name(
            "2.1 各门店满意度：均值与置信区间 [含 95%] 以及更多很长很长的说明",
            &[],
        );
        assert!(a.chars().count() <= 31 && !a.contains('['));
        let b = sheet_name(
            "2.1 各门店满意度：均值与置信区间 [含 95%] 以及更多很长很长的说明",
            std::slice::from_ref(&a),
        );
        assert_ne!(a, b);
        assert!(b.chars().count() <= 31 && b.ends_with("~2"));
    }
}

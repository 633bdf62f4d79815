//! Cell parsers: text or typed cells → dates, times, numbers and flags, or a reason why not.

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::read::Cell;
use crate::period::Period;

const TIME_FORMATS: [&str; 13] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    // SurveyMonkey: 10/01/2026 09:05:00 AM
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    // 腾讯问卷: 02-Feb-2021 20:26:58
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y %H:%M",
];

const DATE_FORMATS: [&str; 5] = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
    "%Y.%m.%d",
    "%m/%d/%Y",
];

/// The layouts, parsed once (parsing a format string for every cell and every layout tried
/// was a tenth of ingest's time).
struct Layouts {
    times: Vec<Vec<Item<'static>>>,
    dates: Vec<Vec<Item<'static>>>,
}

fn layouts() -> &'static Layouts {
    static LAYOUTS: std::sync::OnceLock<Layouts> = std::sync::OnceLock::new();
    LAYOUTS.get_or_init(|| {
        let parse = |f: &str| {
            StrftimeItems::new(f)
                .parse_to_owned()
                .expect("the layouts above are valid")
        };
        Layouts {
            times: TIME_FORMATS.iter().map(|f| parse(f)).collect(),
            dates: DATE_FORMATS.iter().map(|f| parse(f)).collect(),
        }
    })
}

thread_local! {
    /// The layout that read the last timestamp: a file's timestamps share one, so it is
    /// tried first. When it reads a four-digit year, no other layout reads the text (they
    /// differ in separators or in the fields they end with, and one that puts the year
    /// elsewhere would need a year of at most two digits where this one has four); any other
    /// text goes through the layouts in their order. So the result never depends on the
    /// rows before, only the number of layouts tried does.
    static LAST_LAYOUT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// `s` in the `i`-th layout (time layouts first, then date layouts at midnight).
fn in_layout(s: &str, i: usize) -> Option<NaiveDateTime> {
    let l = layouts();
    let mut parsed = Parsed::new();
    if let Some(items) = l.times.get(i) {
        chrono::format::parse(&mut parsed, s, items.iter()).ok()?;
        parsed.to_naive_datetime_with_offset(0).ok()
    } else {
        chrono::format::parse(&mut parsed, s, l.dates[i - l.times.len()].iter()).ok()?;
        parsed
            .to_naive_date()
            .ok()
            .map(|d| d.and_time(NaiveTime::MIN))
    }
}

/// A date and time: the layouts above, a date alone (taken as midnight), an Excel date cell.
pub fn time(cell: &Cell) -> Result<Option<NaiveDateTime>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::DateTime(t) => Ok(Some(*t)),
        Cell::Number(n) => excel_serial(*n).map(Some),
        Cell::Bool(_) => Err("a yes/no value where a date was expected".into()),
        Cell::Text(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let s = s.strip_suffix(".000").unwrap_or(s);
            if let Some(t) = in_layout(s, LAST_LAYOUT.get()).filter(|t| t.year() >= 1000) {
                return Ok(Some(t));
            }
            for i in 0..TIME_FORMATS.len() + DATE_FORMATS.len() {
                if let Some(t) = in_layout(s, i) {
                    LAST_LAYOUT.set(i);
                    return Ok(Some(t));
                }
            }
            // An Excel serial that lost its date format on the way to CSV (1982–2119).
            if let Ok(n) = s.parse::<f64>() {
                if (30_000.0..80_000.0).contains(&n) {
                    return excel_serial(n).map(Some);
                }
            }
            Err(format!("`{s}` is not a date/time; use YYYY-MM-DD HH:MM:SS"))
        }
    }
}

pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    time(cell)
        .map(|t| t.map(|t| t.date()))
        .map_err(|e| e.replace("date/time; use YYYY-MM-DD HH:MM:SS", "date; use YYYY-MM-DD"))
}

/// Excel's 1900 date system: serial 1 = 1900-01-01, with Lotus' phantom 1900-02-29, so
/// serials from 61 on count from 1899-12-30. (Workbooks in the 1904 system arrive as
/// typed date cells, which calamine converts with the workbook's flag.)
pub fn excel_serial(n: f64) -> Result<NaiveDateTime, String> {
    if !(1.0..2_958_466.0).contains(&n) {
        return Err(format!("`{n}` is not an Excel date serial"));
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap()
        .and_time(NaiveTime::MIN);
    let n = if n < 61.0 { n + 1.0 } else { n };
    let ms = (n * 86_400_000.0).round() as i64;
    Ok(base + chrono::Duration::milliseconds(ms))
}

pub fn month(cell: &Cell) -> Result<Option<Period>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::DateTime(t) => Ok(Some(Period::of_date(t.date()))),
        other => {
            let s = other.as_text();
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let s2 = s.replace(['/', '年'], "-").replace('月', "");
            let s2 = if s2.len() == 6 && s2.as_bytes()[4] == b'-' {
                format!("{}-0{}", &s2[..4], &s2[5..])
            } else {
                s2
            };
            s2.parse()
                .map(Some)
                .map_err(|_| format!("`{s}` is not a month; use YYYY-MM"))
        }
    }
}

/// The month a file's name gives (`满意度_2026-10.csv`, `export_2026_10.xlsx`,
/// `回访202610.csv`, `投诉_20261015.csv`, `2026年10月.csv`): every run of digits that reads
/// as a year and month (a four-digit year 1990–2099, a separator `-`, `_`, `.` or `年`, and
/// a month; or six or eight digits YYYYMM[DD]). A name with no month, or with two different
/// ones (`202511-202610`: a range), is an error that says how to name the file.
pub fn month_in_name(name: &str) -> Result<Period, String> {
    let chars: Vec<char> = name.chars().collect();
    let digits_at = |i: usize| {
        chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
    };
    let mut found: Vec<Period> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let run = digits_at(i);
        let ym = |y: &str, m: &str| -> Option<Period> {
            let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
            ((1990..2100).contains(&y) && (1..=12).contains(&m))
                .then(|| format!("{y:04}-{m:02}").parse().ok())
                .flatten()
        };
        let after = i + run.chars().count();
        let p = match run.len() {
            6 | 8 => ym(&run[..4], &run[4..6]),
            4 if matches!(chars.get(after), Some('-' | '_' | '.' | '年')) => {
                let m = chars
                    .get(after + 1)
                    .map_or(String::new(), |_| digits_at(after + 1));
                (1..=2).contains(&m.len()).then(|| ym(&run, &m)).flatten()
            }
            _ => None,
        };
        if let Some(p) = p {
            if !found.contains(&p) {
                found.push(p);
            }
        }
        i = after;
    }
    match found.as_slice() {
        [p] => Ok(*p),
        [] => Err(format!("the file name `{name}` holds no month; name it like 满意度_2026-10.csv (or set the source's period = \"YYYY-MM\")")),
        several => Err(format!(
            "the file name `{name}` holds several months ({}); name each file after the one month it covers, or set the source's period = \"YYYY-MM\"",
            several.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
        )),
    }
}

pub fn number(cell: &Cell) -> Result<Option<f64>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) if n.is_finite() => Ok(Some(*n)),
        Cell::Number(n) => Err(format!("`{n}` is not a finite number")),
        Cell::Text(s) => {
            let t = s.trim().replace(',', "");
            if t.is_empty() {
                return Ok(None);
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                _ => Err(format!("`{}` is not a number", s.trim())),
            }
        }
        Cell::Bool(b) => Ok(Some(if *b { 1.0 } else { 0.0 })),
        Cell::DateTime(_) => Err("a date where a number was expected".into()),
    }
}

pub fn flag(cell: &Cell) -> Result<Option<bool>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Bool(b) => Ok(Some(*b)),
        other => {
            let s = other.as_text();
            match s.trim().to_lowercase().as_str() {
                // Not applicable: no value (a regulator's log writes N/A for a question
                // that was not asked).
                "" | "n/a" | "na" | "-" | "不适用" => Ok(None),
                "1" | "是" | "y" | "yes" | "true" | "已流失" | "流失" => Ok(Some(true)),
                "0" | "否" | "n" | "no" | "false" | "未流失" | "在用" => Ok(Some(false)),
                t => Err(format!(
                    "`{t}` is not a yes/no value; use 是/否, 1/0, yes/no or true/false"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn dt(y: i32, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(hh, mm, ss)
            .unwrap()
    }

    #[test]
    fn times_in_the_layouts_exports_use() {
        let want = dt(2026, 10, 3, 14, 5, 9);
        for s in [
            "2026-10-03 14:05:09",
            "2026/10/03 14:05:09",
            "2026/10/3 14:05:09",
            "10/3/2026 14:05:09",
        ] {
            assert_eq!(time(&t(s)).unwrap(), Some(want), "{s}");
        }
        assert_eq!(
            time(&t("2026-10-03")).unwrap(),
            Some(dt(2026, 10, 3, 0, 0, 0))
        );
        assert_eq!(time(&t("  ")).unwrap(), None);
        assert!(time(&t("2026-13-45")).unwrap_err().contains("not a date"));
        assert!(time(&t("昨天")).is_err());
        assert_eq!(
            time(&t("45000.5")).unwrap(),
            Some(dt(2023, 3, 15, 12, 0, 0))
        );
        assert!(time(&t("20261003")).is_err());
    }

    #[test]
    fn a_time_reads_the_same_whatever_was_read_before() {
        // Two layouts read "10/3/20" (year 10 as Y/m/d, year 20 as m/d/Y); the order of the
        // layouts decides, not the layout of the row before.
        let alone = time(&t("10/3/20")).unwrap();
        for before in [
            "10/3/2026 14:05:09",
            "10/03/2026",
            "2026/10/3",
            "03-Oct-2026 10:00",
        ] {
            assert!(time(&t(before)).unwrap().is_some(), "{before}");
            assert_eq!(time(&t("10/3/20")).unwrap(), alone, "after {before}");
            assert_eq!(
                time(&t("2026/10/3 14:05:09")).unwrap(),
                Some(dt(2026, 10, 3, 14, 5, 9)),
                "after {before}"
            );
        }
        assert_eq!(alone.unwrap().date().year(), 10);
    }

    #[test]
    fn the_month_of_a_file_name() {
        let m = |s: &str| month_in_name(s).map(|p| p.to_string());
        for (name, want) in [
            ("满意度_2026-10.csv", "2026-10"),
            ("export_2026_10.xlsx", "2026-10"),
            ("回访202610.csv", "2026-10"),
            ("投诉_20261015.csv", "2026-10"),
            ("2026年10月调查.csv", "2026-10"),
            ("survey 2026.9 final.csv", "2026-09"),
            ("2026-10-03_and_2026-10-28.csv", "2026-10"),
        ] {
            assert_eq!(m(name).as_deref(), Ok(want), "{name}");
        }
        assert!(m("wjx_满意度调查_202511-202610.csv")
            .unwrap_err()
            .contains("several months (2025-11, 2026-10)"));
        assert!(m("survey_final_v2.csv")
            .unwrap_err()
            .contains("holds no month"));
        assert!(m("report_2026_13.csv")
            .unwrap_err()
            .contains("holds no month"));
        assert!(
            m("id123456789.csv").is_err(),
            "a long number is not a month"
        );
    }

    #[test]
    fn excel_serials_match_excel() {
        // Excel shows serial 45000 as 2023-03-15 and 45000.5 as 2023-03-15 12:00 (checked
        // with LibreOffice Calc's =TEXT(45000.5;"YYYY-MM-DD HH:MM")); serial 1 is 1900-01-01.
        assert_eq!(excel_serial(45000.5).unwrap(), dt(2023, 3, 15, 12, 0, 0));
        assert_eq!(excel_serial(1.0).unwrap(), dt(1900, 1, 1, 0, 0, 0));
        assert_eq!(excel_serial(61.0).unwrap(), dt(1900, 3, 1, 0, 0, 0));
        assert!(excel_serial(-3.0).is_err());
    }

    #[test]
    fn numbers_flags_and_months() {
        assert_eq!(number(&t(" 4 ")).unwrap(), Some(4.0));
        assert_eq!(number(&t("1,234.5")).unwrap(), Some(1234.5));
        assert!(number(&t("5.0.1")).is_err());
        assert!(number(&t("NaN")).is_err());
        assert!(number(&t("1e309")).is_err());
        assert_eq!(flag(&t("是")).unwrap(), Some(true));
        assert_eq!(flag(&t("0")).unwrap(), Some(false));
        assert!(flag(&t("maybe")).is_err());
        assert_eq!(
            month(&t("2026/9")).unwrap(),
            Some("2026-09".parse().unwrap())
        );
        assert_eq!(
            month(&t("2026年10月")).unwrap(),
            Some("2026-10".parse().unwrap())
        );
    }
}

//! Export layouts of survey platforms, recognised from their headers and normalised to
//! one header row, so that a config only maps the question columns.
//!
//! | preset | recognised by | normalisation |
//! |---|---|---|
//! | `wjx` (问卷星) | `序号`, `提交答卷时间` | questions `N、题干` match by number `N` or by 题干 |
//! | `tencent` (腾讯问卷) | `编号`, `开始答题时间` | phantom empty column from the trailing comma dropped; `N.题干` |
//! | `qualtrics` | `ResponseId`/`ResponseID` + `StartDate` | 3 header rows (ids, labels, `{"ImportId":…}` with the time zone) or the older 2; previews/spam/tests excluded; unfinished responses excluded unless `include_partial` |
//! | `surveymonkey` | `Respondent ID`, `Collector ID` | 2 header rows; matrix continuation columns named `question | row` |
//! | `limesurvey` | `id`, `submitdate`, `lastpage`, `startlanguage` | unsubmitted responses excluded unless `include_partial` |
//!
//! Each preset also knows its metadata columns (response id, submission time), so those need
//! no mapping, and its personal-data columns (IP, e-mail, names), which are never read.

use std::collections::BTreeMap;

use chrono::FixedOffset;

use super::read::{normalise_header, Cell, RawTable};
use super::RejectCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Generic,
    Wjx,
    Tencent,
    Qualtrics,
    SurveyMonkey,
    LimeSurvey,
}

impl Preset {
    pub const NAMES: &'static str =
        "auto, generic, wjx, tencent, qualtrics, surveymonkey, limesurvey";

    /// `None` for `auto`.
    pub fn parse(s: &str) -> Result<Option<Preset>, String> {
        Ok(Some(match s.to_lowercase().as_str() {
            "auto" => return Ok(None),
            "generic" => Preset::Generic,
            "wjx" | "问卷星" => Preset::Wjx,
            "tencent" | "腾讯问卷" => Preset::Tencent,
            "qualtrics" => Preset::Qualtrics,
            "surveymonkey" => Preset::SurveyMonkey,
            "limesurvey" => Preset::LimeSurvey,
            other => {
                return Err(format!(
                    "`{other}` is not a preset; use one of {}",
                    Preset::NAMES
                ))
            }
        }))
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Generic => "generic",
            Preset::Wjx => "wjx",
            Preset::Tencent => "tencent",
            Preset::Qualtrics => "qualtrics",
            Preset::SurveyMonkey => "surveymonkey",
            Preset::LimeSurvey => "limesurvey",
        }
    }

    /// Recognise a platform export from its first header row.
    pub fn detect(headers: &[String]) -> Preset {
        let has = |h: &str| {
            headers
                .iter()
                .any(|x| normalise_header(x).eq_ignore_ascii_case(h))
        };
        if has("序号") && has("提交答卷时间") {
            Preset::Wjx
        } else if has("编号") && has("开始答题时间") {
            Preset::Tencent
        } else if (has("ResponseId") || has("ResponseID") || has("V1"))
            && (has("StartDate") || has("V8"))
        {
            Preset::Qualtrics
        } else if has("Respondent ID") && has("Collector ID") {
            Preset::SurveyMonkey
        } else if has("id") && has("submitdate") && has("lastpage") && has("startlanguage") {
            Preset::LimeSurvey
        } else {
            Preset::Generic
        }
    }
}

/// A file normalised by its preset.
#[derive(Debug, Clone)]
pub struct Layout {
    pub preset: Preset,
    pub table: RawTable,
    /// Canonical field → column, for fields the preset knows (response id, time).
    pub meta: BTreeMap<&'static str, usize>,
    /// Other names a column answers to (question number, question text, code, label).
    pub aliases: Vec<Vec<String>>,
    /// Rows the platform marks as not real or not complete: row index → why.
    pub excluded: BTreeMap<usize, (RejectCode, String)>,
    /// The time zone the file's timestamps are in, when the file says so (an error when it
    /// names a zone with daylight saving time, which one offset cannot describe).
    pub timezone: Option<Result<FixedOffset, String>>,
}

impl Layout {
    /// The column for a mapped header, code or label: the header first, then aliases.
    pub fn find(&self, spec: &str) -> Option<usize> {
        self.table.find(spec).or_else(|| {
            let want = normalise_header(spec);
            self.aliases
                .iter()
                .position(|a| a.iter().any(|x| normalise_header(x) == want))
        })
    }
}

/// Split `N、题干` / `N.题干` / `N. 题干` into ("N", "题干").
fn numbered(h: &str) -> Option<(String, String)> {
    let h = normalise_header(h);
    let digits: String = h.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = h[digits.len()..].trim_start_matches(['、', '.', '．', ':', '：', ' ']);
    Some((digits, rest.to_string()))
}

fn col(t: &RawTable, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        t.headers
            .iter()
            .position(|h| normalise_header(h).eq_ignore_ascii_case(n))
    })
}

fn text(t: &RawTable, row: usize, c: usize) -> String {
    t.rows[row]
        .cells
        .get(c)
        .map(Cell::as_text)
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Apply `preset` (or the detected one when `None`) to a raw table.
pub fn apply(
    preset: Option<Preset>,
    mut t: RawTable,
    include_partial: bool,
) -> Result<Layout, String> {
    let preset = preset.unwrap_or_else(|| Preset::detect(&t.headers));
    let mut meta = BTreeMap::new();
    let mut aliases = vec![Vec::new(); t.headers.len()];
    let mut excluded = BTreeMap::new();
    let mut timezone = None;
    let put = |meta: &mut BTreeMap<&'static str, usize>, field, c: Option<usize>| {
        if let Some(c) = c {
            meta.insert(field, c);
        }
    };
    match preset {
        Preset::Generic => {}
        Preset::Wjx | Preset::Tencent => {
            if preset == Preset::Tencent {
                drop_phantom_columns(&mut t);
                aliases.truncate(t.headers.len());
                put(&mut meta, "response_id", col(&t, &["编号"]));
                put(
                    &mut meta,
                    "survey_time",
                    col(&t, &["结束答题时间", "提交时间"]),
                );
            } else {
                put(&mut meta, "response_id", col(&t, &["序号"]));
                put(&mut meta, "survey_time", col(&t, &["提交答卷时间"]));
            }
            for (i, h) in t.headers.iter().enumerate() {
                if let Some((n, label)) = numbered(h) {
                    aliases[i] = vec![n, label];
                }
            }
        }
        Preset::Qualtrics => {
            if t.rows.is_empty() {
                return Err("a Qualtrics export needs its label row under the header".into());
            }
            let labels: Vec<String> = t.rows[0].cells.iter().map(Cell::as_text).collect();
            let mut header_rows = 1;
            if let Some(r) = t.rows.get(1) {
                let first = r.cells.first().map(Cell::as_text).unwrap_or_default();
                if first.trim_start().starts_with("{\"ImportId\"")
                    || first.trim_start().starts_with("{'ImportId'")
                {
                    header_rows = 2;
                    timezone = r
                        .cells
                        .iter()
                        .find_map(|c| qualtrics_timezone(&c.as_text()));
                }
            }
            t.rows.drain(..header_rows);
            for (i, a) in aliases.iter_mut().enumerate() {
                if let Some(l) = labels.get(i) {
                    a.push(l.clone());
                }
            }
            put(
                &mut meta,
                "response_id",
                col(&t, &["ResponseId", "ResponseID", "V1"]),
            );
            put(
                &mut meta,
                "survey_time",
                col(&t, &["RecordedDate", "EndDate", "V9"]),
            );
            let status = col(&t, &["Status", "V7"]);
            let finished = col(&t, &["Finished", "V10"]);
            let progress = col(&t, &["Progress"]);
            for r in 0..t.rows.len() {
                if let Some(c) = status {
                    let s = text(&t, r, c);
                    // Qualtrics status codes: 0 IP address (a real response), 1 survey
                    // preview, 2 survey test, 4 imported, 8 spam, 16 offline, 17 offline preview.
                    let not_real = match s.as_str() {
                        "Survey Preview" | "Survey Test" | "Spam" | "Offline Survey Preview" => {
                            true
                        }
                        "1" | "2" | "8" | "17" => true,
                        _ => false,
                    };
                    if not_real {
                        excluded.insert(
                            r,
                            (
                                RejectCode::Excluded,
                                format!("Status `{s}`: not a real response"),
                            ),
                        );
                        continue;
                    }
                }
                if let (Some(c), false) = (finished, include_partial) {
                    let f = text(&t, r, c);
                    if matches!(f.to_lowercase().as_str(), "false" | "0") {
                        let p = progress.map(|p| text(&t, r, p)).unwrap_or_default();
                        excluded.insert(r, (RejectCode::Incomplete, format!("unfinished response (Progress {p}%); set include_partial = true to keep partial answers")));
                    }
                }
            }
        }
        Preset::SurveyMonkey => {
            if t.rows.is_empty() {
                return Err("a SurveyMonkey export needs its second header row".into());
            }
            let second: Vec<String> = t.rows[0].cells.iter().map(Cell::as_text).collect();
            t.rows.remove(0);
            let mut question = String::new();
            let mut headers = Vec::with_capacity(t.headers.len());
            for (i, h) in t.headers.iter().enumerate() {
                let h = normalise_header(h);
                if !h.is_empty() {
                    question = h.clone();
                }
                let sub = normalise_header(second.get(i).map(String::as_str).unwrap_or(""));
                let name = if sub.is_empty() || sub == "Response" || sub == "Open-Ended Response" {
                    question.clone()
                } else {
                    format!("{question} | {sub}")
                };
                if !sub.is_empty() {
                    aliases[i].push(sub);
                }
                headers.push(name);
            }
            t.headers = headers;
            put(&mut meta, "response_id", col(&t, &["Respondent ID"]));
            put(&mut meta, "survey_time", col(&t, &["End Date"]));
        }
        Preset::LimeSurvey => {
            put(&mut meta, "response_id", col(&t, &["id"]));
            put(&mut meta, "survey_time", col(&t, &["submitdate"]));
            if let (Some(c), false) = (col(&t, &["submitdate"]), include_partial) {
                for r in 0..t.rows.len() {
                    if text(&t, r, c).is_empty() {
                        let last = col(&t, &["lastpage"])
                            .map(|l| text(&t, r, l))
                            .unwrap_or_default();
                        excluded.insert(r, (RejectCode::Incomplete, format!("not submitted (last page {last}); set include_partial = true to keep partial answers")));
                    }
                }
            }
        }
    }
    Ok(Layout {
        preset,
        table: t,
        meta,
        aliases,
        excluded,
        timezone,
    })
}

/// Tencent exports end every line with a comma: an unnamed, empty last column.
fn drop_phantom_columns(t: &mut RawTable) {
    while let Some(last) = t.headers.last() {
        let i = t.headers.len() - 1;
        let empty = last.trim().is_empty()
            && t.rows
                .iter()
                .all(|r| r.cells.get(i).is_none_or(|c| c.as_text().trim().is_empty()));
        if !empty {
            break;
        }
        t.headers.pop();
        for r in &mut t.rows {
            r.cells.truncate(i);
        }
    }
}

/// The time zone in a Qualtrics `{"ImportId":"startDate","timeZone":"…"}` cell.
fn qualtrics_timezone(cell: &str) -> Option<Result<FixedOffset, String>> {
    let i = cell.find("timeZone")?;
    let rest = &cell[i + "timeZone".len()..];
    let start = rest.find(|c: char| c != '"' && c != '\'' && c != ':' && !c.is_whitespace())?;
    let rest = &rest[start..];
    let end = rest.find(['"', '\'', '}', ',']).unwrap_or(rest.len());
    Some(parse_timezone(rest[..end].trim()))
}

/// A time zone: `UTC`, `Z`, `+08:00`/`+0800`/`UTC+8`, or an IANA name of a zone without
/// daylight saving time (Asia/Shanghai and its neighbours). Zones with daylight saving need
/// a fixed offset in the config, because one offset cannot describe them.
pub fn parse_timezone(s: &str) -> Result<FixedOffset, String> {
    let fixed = |h: i32, m: i32| FixedOffset::east_opt(h.signum() * (h.abs() * 3600 + m * 60));
    let named = match s {
        "UTC" | "Z" | "GMT" | "Etc/UTC" | "Etc/GMT" => Some(0),
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Harbin" | "Asia/Hong_Kong" | "Asia/Macau"
        | "Asia/Taipei" | "Asia/Singapore" | "Asia/Kuala_Lumpur" | "Asia/Manila" | "PRC" => Some(8),
        "Asia/Tokyo" | "Asia/Seoul" => Some(9),
        "Asia/Kolkata" => None,
        _ => None,
    };
    if let Some(h) = named {
        return Ok(fixed(h, 0).unwrap());
    }
    if s == "Asia/Kolkata" {
        return Ok(FixedOffset::east_opt(5 * 3600 + 1800).unwrap());
    }
    let t = s.trim_start_matches("UTC").trim_start_matches("GMT");
    let (sign, body) = match t.chars().next() {
        Some('+') => (1, &t[1..]),
        Some('-') => (-1, &t[1..]),
        _ => return Err(format!("time zone `{s}` is not supported; give a fixed offset such as +08:00 in the source's `timezone`")),
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h.parse::<i32>(), m.parse::<i32>()),
        None if body.len() == 4 => (body[..2].parse::<i32>(), body[2..].parse::<i32>()),
        None => (body.parse::<i32>(), Ok(0)),
    };
    match (h, m) {
        (Ok(h), Ok(m)) if h <= 14 && m < 60 => Ok(fixed(sign * h, m).unwrap()),
        _ => Err(format!("time zone `{s}` is not an offset like +08:00")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Encoding;
    use crate::ingest::read::read_csv_bytes;

    fn table(csv: &str) -> RawTable {
        read_csv_bytes(csv.as_bytes(), Encoding::Auto).unwrap()
    }

    #[test]
    fn detects_each_platform_from_its_headers() {
        let h = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            Preset::detect(&h(
                "序号,提交答卷时间,所用时间,来源,来源详情,来自IP,1、您的性别"
            )),
            Preset::Wjx
        );
        assert_eq!(
            Preset::detect(&h("编号,开始答题时间,结束答题时间,答题时长,1.满意度,")),
            Preset::Tencent
        );
        assert_eq!(
            Preset::detect(&h(
                "StartDate,EndDate,Status,IPAddress,Progress,ResponseId,Q1"
            )),
            Preset::Qualtrics
        );
        assert_eq!(
            Preset::detect(&h("Respondent ID,Collector ID,Start Date,End Date")),
            Preset::SurveyMonkey
        );
        assert_eq!(
            Preset::detect(&h("id,submitdate,lastpage,startlanguage,seed,Q1")),
            Preset::LimeSurvey
        );
        assert_eq!(Preset::detect(&h("回访编号,会员编号")), Preset::Generic);
    }

    #[test]
    fn wjx_questions_match_by_number_or_text() {
        let l = apply(
            None,
            table("序号,提交答卷时间,1、送货准时,2. 总体满意度\n1,2026/10/3 10:00:00,4,5\n"),
            false,
        )
        .unwrap();
        assert_eq!(l.preset, Preset::Wjx);
        assert_eq!(l.find("1"), Some(2));
        assert_eq!(l.find("总体满意度"), Some(3));
        assert_eq!(l.find("1、送货准时"), Some(2));
        assert_eq!(l.meta["response_id"], 0);
        assert_eq!(l.meta["survey_time"], 1);
    }

    #[test]
    fn tencent_phantom_column_is_dropped() {
        let l = apply(
            None,
            table("编号,开始答题时间,结束答题时间,1.满意度,\n7,a,b,5,\n"),
            false,
        )
        .unwrap();
        assert_eq!(l.table.headers.len(), 4);
        assert_eq!(l.table.rows[0].cells.len(), 4);
        assert_eq!(l.meta["survey_time"], 2);
    }

    #[test]
    fn qualtrics_three_rows_timezone_previews_and_unfinished() {
        let csv = "StartDate,EndDate,Status,Progress,Finished,RecordedDate,ResponseId,Q1\n\
                   Start Date,End Date,Response Type,Progress,Finished,Recorded Date,Response ID,How satisfied?\n\
                   \"{\"\"ImportId\"\":\"\"startDate\"\",\"\"timeZone\"\":\"\"America/Denver\"\"}\",x,x,x,x,\"{\"\"ImportId\"\":\"\"recordedDate\"\",\"\"timeZone\"\":\"\"UTC\"\"}\",x,x\n\
                   a,b,IP Address,100,True,2026-10-01 10:00:00,R_1,5\n\
                   a,b,Survey Preview,100,True,2026-10-01 10:00:00,R_2,4\n\
                   a,b,IP Address,40,False,2026-10-01 10:00:00,R_3,3\n";
        let l = apply(None, table(csv), false).unwrap();
        assert_eq!(l.preset, Preset::Qualtrics);
        assert_eq!(l.table.rows.len(), 3);
        assert_eq!(l.table.rows[0].line, 4);
        assert_eq!(l.find("How satisfied?"), Some(7));
        assert_eq!(l.excluded.len(), 2);
        assert_eq!(l.excluded[&1].0, RejectCode::Excluded);
        assert_eq!(l.excluded[&2].0, RejectCode::Incomplete);
        // The first ImportId cell with a zone wins; America/Denver has daylight saving time,
        // so the file's zone is an error that says what to configure.
        assert!(l.timezone.unwrap().unwrap_err().contains("fixed offset"));
    }

    #[test]
    fn surveymonkey_matrix_columns_get_question_and_row_names() {
        let csv = "Respondent ID,Collector ID,Start Date,End Date,How satisfied are you with:,,Comments\n\
                   ,,,,Delivery,Installation,Open-Ended Response\n\
                   111,9,10/01/2026 09:00:00 AM,10/01/2026 09:05:00 AM,Very satisfied,Satisfied,ok\n";
        let l = apply(None, table(csv), false).unwrap();
        assert_eq!(l.table.headers[4], "How satisfied are you with: | Delivery");
        assert_eq!(
            l.table.headers[5],
            "How satisfied are you with: | Installation"
        );
        assert_eq!(l.table.headers[6], "Comments");
        assert_eq!(l.find("Installation"), Some(5));
        assert_eq!(l.table.rows.len(), 1);
    }

    #[test]
    fn limesurvey_unsubmitted_rows_are_excluded_unless_partial_kept() {
        let csv = "id,submitdate,lastpage,startlanguage,Q1\n1,2026-10-01 10:00:00,3,zh-Hans,5\n2,,1,zh-Hans,4\n";
        assert_eq!(apply(None, table(csv), false).unwrap().excluded.len(), 1);
        assert_eq!(apply(None, table(csv), true).unwrap().excluded.len(), 0);
    }

    #[test]
    fn time_zones() {
        assert_eq!(
            parse_timezone("+08:00").unwrap().local_minus_utc(),
            8 * 3600
        );
        assert_eq!(parse_timezone("UTC+8").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_timezone("-0530").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert_eq!(
            parse_timezone("Asia/Shanghai").unwrap().local_minus_utc(),
            8 * 3600
        );
        assert_eq!(parse_timezone("UTC").unwrap().local_minus_utc(), 0);
        assert!(parse_timezone("America/Denver")
            .unwrap_err()
            .contains("fixed offset"));
    }
}

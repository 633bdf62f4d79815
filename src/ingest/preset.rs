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

use crate::zone::Zone;

use super::read::{find_header, normalise_header, Cell, RawFile, RawRow, RawRows};
use super::RejectCode;

pub use crate::config::Preset;

/// What ingest does with a platform's layout (the names live with the configuration).
impl Preset {
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

/// A file's layout as its preset normalises it: one header row, the columns the preset
/// knows, and which rows the platform marks as not counting. The rows themselves stream
/// past ([`apply`] returns them beside the layout).
#[derive(Debug, Clone)]
pub struct Layout {
    pub preset: Preset,
    pub headers: Vec<String>,
    /// What the bytes were decoded as.
    pub encoding: &'static str,
    /// Canonical field → column, for fields the preset knows (response id, time).
    pub meta: BTreeMap<&'static str, usize>,
    /// Other names a column answers to (question number, question text, code, label).
    pub aliases: Vec<Vec<String>>,
    /// The time zone the file's timestamps are in, when the file says so (an error when it
    /// names a zone that does not exist).
    pub timezone: Option<Result<Zone, String>>,
    /// How the platform marks rows that are not real or not complete.
    exclusion: Exclusion,
    /// Cells past this many are dropped (the phantom last column of a Tencent export).
    width: Option<usize>,
}

/// The columns by which a platform marks rows as not counting.
#[derive(Debug, Clone, Default)]
enum Exclusion {
    #[default]
    None,
    /// Qualtrics: `Status` (previews, tests, spam) and, unless partial answers are kept,
    /// `Finished` (with `Progress` for the message).
    Qualtrics {
        status: Option<usize>,
        finished: Option<usize>,
        progress: Option<usize>,
    },
    /// LimeSurvey: an empty `submitdate` is a response never submitted.
    LimeSurvey {
        submitdate: usize,
        lastpage: Option<usize>,
    },
}

impl Layout {
    /// The column for a mapped header, code or label: the header first, then aliases.
    pub fn find(&self, spec: &str) -> Option<usize> {
        find_header(&self.headers, spec).or_else(|| {
            let want = normalise_header(spec);
            self.aliases
                .iter()
                .position(|a| a.iter().any(|x| normalise_header(x) == want))
        })
    }

    /// The row as the layout has it (cells of dropped columns removed).
    pub fn shape(&self, mut row: RawRow) -> RawRow {
        if let Some(w) = self.width {
            row.cells.truncate(w);
        }
        row
    }

    /// Why the platform marks `row` as not a real or not a complete response, if it does.
    pub fn excluded(&self, row: &RawRow) -> Option<(RejectCode, String)> {
        match self.exclusion {
            Exclusion::None => None,
            Exclusion::Qualtrics {
                status,
                finished,
                progress,
            } => {
                if let Some(c) = status {
                    let s = text(row, c);
                    // Qualtrics status codes: 0 IP address (a real response), 1 survey
                    // preview, 2 survey test, 4 imported, 8 spam, 16 offline, 17 offline preview.
                    let not_real = matches!(
                        s.as_str(),
                        "Survey Preview"
                            | "Survey Test"
                            | "Spam"
                            | "Offline Survey Preview"
                            | "1"
                            | "2"
                            | "8"
                            | "17"
                    );
                    if not_real {
                        return Some((
                            RejectCode::Excluded,
                            format!("Status `{s}`: not a real response"),
                        ));
                    }
                }
                let f = text(row, finished?);
                if matches!(f.to_lowercase().as_str(), "false" | "0") {
                    let p = progress.map(|p| text(row, p)).unwrap_or_default();
                    return Some((RejectCode::Incomplete, format!("unfinished response (Progress {p}%); set include_partial = true to keep partial answers")));
                }
                None
            }
            Exclusion::LimeSurvey {
                submitdate,
                lastpage,
            } => {
                if !text(row, submitdate).is_empty() {
                    return None;
                }
                let last = lastpage.map(|l| text(row, l)).unwrap_or_default();
                Some((RejectCode::Incomplete, format!("not submitted (last page {last}); set include_partial = true to keep partial answers")))
            }
        }
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

fn col(headers: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        headers
            .iter()
            .position(|h| normalise_header(h).eq_ignore_ascii_case(n))
    })
}

fn text(row: &RawRow, c: usize) -> String {
    row.cells
        .get(c)
        .map(|c| c.text().trim().to_string())
        .unwrap_or_default()
}

/// The texts of a header row that a platform writes below the first (labels, sub-questions),
/// taken from the rows; a read error is the file's error.
fn header_row(rows: &mut RawRows, missing: &str) -> Result<Vec<String>, String> {
    match rows.next() {
        Some(Ok(r)) => Ok(r.cells.iter().map(Cell::as_text).collect()),
        Some(Err(e)) => Err(e),
        None => Err(missing.to_string()),
    }
}

/// Apply `preset` (or the detected one when `None`) to an opened file: the layout, and the
/// data rows (the platform's extra header rows taken off).
pub fn apply<'a>(
    preset: Option<Preset>,
    file: RawFile<'a>,
    include_partial: bool,
) -> Result<(Layout, RawRows<'a>), String> {
    let RawFile {
        headers,
        encoding,
        mut rows,
    } = file;
    let preset = preset.unwrap_or_else(|| Preset::detect(&headers));
    let mut layout = Layout {
        preset,
        aliases: vec![Vec::new(); headers.len()],
        headers,
        encoding,
        meta: BTreeMap::new(),
        timezone: None,
        exclusion: Exclusion::None,
        width: None,
    };
    match preset {
        Preset::Generic => {}
        Preset::Wjx | Preset::Tencent => layout.wjx_or_tencent(),
        Preset::Qualtrics => layout.qualtrics(&mut rows, include_partial)?,
        Preset::SurveyMonkey => layout.surveymonkey(&mut rows)?,
        Preset::LimeSurvey => layout.limesurvey(include_partial),
    }
    Ok((layout, rows))
}

/// Each platform's layout: its id and time columns, the other names its columns answer
/// to, and how it marks rows that do not count.
impl Layout {
    /// Record `field` as the first of the columns `names` the file has, if any.
    fn put(&mut self, field: &'static str, names: &[&str]) {
        if let Some(c) = col(&self.headers, names) {
            self.meta.insert(field, c);
        }
    }

    /// 问卷星 (序号, 提交答卷时间) or 腾讯问卷 (编号, 结束答题时间); both number their
    /// questions (`1、…`), which columns then answer to.
    fn wjx_or_tencent(&mut self) {
        if self.preset == Preset::Tencent {
            // Tencent exports end every line with a comma: unnamed empty last columns.
            while self.headers.last().is_some_and(|h| h.trim().is_empty()) {
                self.headers.pop();
                self.width = Some(self.headers.len());
            }
            self.aliases.truncate(self.headers.len());
            self.put("response_id", &["编号"]);
            self.put("survey_time", &["结束答题时间", "提交时间"]);
        } else {
            self.put("response_id", &["序号"]);
            self.put("survey_time", &["提交答卷时间"]);
        }
        for (i, h) in self.headers.iter().enumerate() {
            if let Some((n, label)) = numbered(h) {
                self.aliases[i] = vec![n, label];
            }
        }
    }

    /// Qualtrics: a label row under the header (aliases), perhaps an ImportId row (which may
    /// name the time zone), and Status/Finished columns marking rows that do not count.
    fn qualtrics(&mut self, rows: &mut RawRows, include_partial: bool) -> Result<(), String> {
        let labels = header_row(
            rows,
            "a Qualtrics export needs its label row under the header",
        )?;
        let import_ids = match rows.peek() {
            Some(Ok(r)) => r.cells.first().is_some_and(|c| {
                let first = c.as_text();
                let first = first.trim_start();
                first.starts_with("{\"ImportId\"") || first.starts_with("{'ImportId'")
            }),
            _ => false,
        };
        if import_ids {
            let ids = header_row(rows, "")?;
            self.timezone = ids.iter().find_map(|c| qualtrics_timezone(c));
        }
        for (i, a) in self.aliases.iter_mut().enumerate() {
            if let Some(l) = labels.get(i) {
                a.push(l.clone());
            }
        }
        self.put("response_id", &["ResponseId", "ResponseID", "V1"]);
        self.put("survey_time", &["RecordedDate", "EndDate", "V9"]);
        let headers = &self.headers;
        self.exclusion = Exclusion::Qualtrics {
            status: col(headers, &["Status", "V7"]),
            finished: col(headers, &["Finished", "V10"]).filter(|_| !include_partial),
            progress: col(headers, &["Progress"]),
        };
        Ok(())
    }

    /// SurveyMonkey: a second header row of sub-questions; a column is named `question |
    /// sub` (the question carried over blank headers) and answers to its sub-question.
    fn surveymonkey(&mut self, rows: &mut RawRows) -> Result<(), String> {
        let second = header_row(rows, "a SurveyMonkey export needs its second header row")?;
        let mut question = String::new();
        let mut named = Vec::with_capacity(self.headers.len());
        for (i, h) in self.headers.iter().enumerate() {
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
                self.aliases[i].push(sub);
            }
            named.push(name);
        }
        self.headers = named;
        self.put("response_id", &["Respondent ID"]);
        self.put("survey_time", &["End Date"]);
        Ok(())
    }

    /// LimeSurvey: `id`, `submitdate` (empty for an unfinished answer, excluded unless
    /// partial answers are kept).
    fn limesurvey(&mut self, include_partial: bool) {
        self.put("response_id", &["id"]);
        self.put("survey_time", &["submitdate"]);
        if let (Some(c), false) = (col(&self.headers, &["submitdate"]), include_partial) {
            self.exclusion = Exclusion::LimeSurvey {
                submitdate: c,
                lastpage: col(&self.headers, &["lastpage"]),
            };
        }
    }
}

/// The time zone in a Qualtrics `{"ImportId":"startDate","timeZone":"…"}` cell.
fn qualtrics_timezone(cell: &str) -> Option<Result<Zone, String>> {
    let i = cell.find("timeZone")?;
    let rest = &cell[i + "timeZone".len()..];
    let start = rest.find(|c: char| c != '"' && c != '\'' && c != ':' && !c.is_whitespace())?;
    let rest = &rest[start..];
    let end = rest.find(['"', '\'', '}', ',']).unwrap_or(rest.len());
    Some(Zone::parse(rest[..end].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Encoding;
    use crate::ingest::read::open_csv;

    /// The layout of a CSV text and its data rows, each with why it is excluded.
    fn layout(csv: &str, partial: bool) -> (Layout, Vec<(RawRow, Option<RejectCode>)>) {
        let file = open_csv(csv.as_bytes(), Encoding::Auto).unwrap();
        let (l, rows) = apply(None, file, partial).unwrap();
        let rows = rows
            .map(|r| {
                let r = l.shape(r.unwrap());
                let why = l.excluded(&r).map(|e| e.0);
                (r, why)
            })
            .collect();
        (l, rows)
    }

    fn excluded(rows: &[(RawRow, Option<RejectCode>)]) -> Vec<Option<RejectCode>> {
        rows.iter().map(|r| r.1).collect()
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
        let (l, _) = layout(
            "序号,提交答卷时间,1、送货准时,2. 总体满意度\n1,2026/10/3 10:00:00,4,5\n",
            false,
        );
        assert_eq!(l.preset, Preset::Wjx);
        assert_eq!(l.find("1"), Some(2));
        assert_eq!(l.find("总体满意度"), Some(3));
        assert_eq!(l.find("1、送货准时"), Some(2));
        assert_eq!(l.meta["response_id"], 0);
        assert_eq!(l.meta["survey_time"], 1);
    }

    #[test]
    fn tencent_phantom_column_is_dropped() {
        let (l, rows) = layout(
            "编号,开始答题时间,结束答题时间,1.满意度,\n7,a,b,5,\n",
            false,
        );
        assert_eq!(l.headers.len(), 4);
        assert_eq!(rows[0].0.cells.len(), 4);
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
        let (l, rows) = layout(csv, false);
        assert_eq!(l.preset, Preset::Qualtrics);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0.line, 4);
        assert_eq!(l.find("How satisfied?"), Some(7));
        assert_eq!(
            excluded(&rows),
            vec![
                None,
                Some(RejectCode::Excluded),
                Some(RejectCode::Incomplete)
            ]
        );
        // Kept with include_partial, but a preview is never a response.
        assert_eq!(
            excluded(&layout(csv, true).1),
            vec![None, Some(RejectCode::Excluded), None]
        );
        // The first ImportId cell with a zone wins: America/Denver, with its daylight
        // saving time.
        assert_eq!(l.timezone, Some(Zone::parse("America/Denver")));
    }

    #[test]
    fn surveymonkey_matrix_columns_get_question_and_row_names() {
        let csv = "Respondent ID,Collector ID,Start Date,End Date,How satisfied are you with:,,Comments\n\
                   ,,,,Delivery,Installation,Open-Ended Response\n\
                   111,9,10/01/2026 09:00:00 AM,10/01/2026 09:05:00 AM,Very satisfied,Satisfied,ok\n";
        let (l, rows) = layout(csv, false);
        assert_eq!(l.headers[4], "How satisfied are you with: | Delivery");
        assert_eq!(l.headers[5], "How satisfied are you with: | Installation");
        assert_eq!(l.headers[6], "Comments");
        assert_eq!(l.find("Installation"), Some(5));
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn limesurvey_unsubmitted_rows_are_excluded_unless_partial_kept() {
        let csv = "id,submitdate,lastpage,startlanguage,Q1\n1,2026-10-01 10:00:00,3,zh-Hans,5\n2,,1,zh-Hans,4\n";
        assert_eq!(
            excluded(&layout(csv, false).1),
            vec![None, Some(RejectCode::Incomplete)]
        );
        assert_eq!(excluded(&layout(csv, true).1), vec![None, None]);
    }
}

//! `[[sources]]`: one configured input (a platform export, a call sheet, a complaint log, a
//! customer file…), as written and as resolved: which files, how to read them, which columns
//! hold which canonical fields, and how rows without a date get one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Item, DEFAULT_MISSING};
use crate::schema::{self, SourceKind};

mod mapping;
use mapping::{check_columns, check_items, check_required};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub name: String,
    pub kind: String,
    pub path: String,
    pub format: Option<String>,
    pub encoding: Option<String>,
    pub channel: Option<String>,
    /// XLSX: the sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Cell values that mean "no answer" (not shown, skipped, not applicable).
    pub missing: Option<Vec<String>>,
    /// Snapshot tables (customers): the month the file describes, `YYYY-MM` (the same as
    /// `period` for a customer file).
    pub snapshot: Option<String>,
    /// Files without a date column: the date of every row, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Files without a date column: the month of every row, `YYYY-MM`, or `from-file-name`
    /// (the month in each file's name, such as `满意度_2026-10.csv` or `export_202610.xlsx`).
    pub period: Option<String>,
    /// Export layout: auto (default), generic, wjx, tencent, qualtrics, surveymonkey, limesurvey.
    pub preset: Option<String>,
    /// Keep unfinished/unsubmitted responses of platforms that mark them.
    #[serde(default)]
    pub include_partial: bool,
    /// What a bad answer (not a number, outside its scale) rejects: `answer` (default: that
    /// answer, the response keeps its other answers) or `response` (the whole row).
    pub bad_answer: Option<String>,
    /// The time zone of the file's timestamps (default: the workspace's, or what the
    /// export itself says).
    pub timezone: Option<String>,
    /// Invitations sent per month (`"2026-10" = 1200`), for response rates.
    #[serde(default)]
    pub invitations: BTreeMap<String, u64>,
    /// Headers whose values identify a row when the export has no id column (default: the
    /// row's id, else the mapped cells of the row).
    pub key: Option<Vec<String>>,
    /// How a newer file treats the rows of older ones: `merge` (default: every row kept,
    /// the newest file's version of a row winning) or `replace-month` (a newer file replaces
    /// every month it has rows in).
    pub overlap: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub items: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without BOM) if the bytes are valid UTF-8, else GB18030.
    Auto,
    Utf8,
    Gb18030,
    /// Windows-1252, the superset of Latin-1 (ISO-8859-1) that Western Excel writes.
    Windows1252,
}

/// How a source without a date column dates its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    /// Every row on this day.
    Date(chrono::NaiveDate),
    /// Every row in this month (stored as its first day, 00:00; analyses use the month).
    Month(crate::period::Period),
    /// Every row of a file in the month its file name holds.
    FromFileName,
}

/// The value of `period` that takes each file's month from its name.
pub const FROM_FILE_NAME: &str = "from-file-name";

#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    /// The configured path or glob, as written.
    pub pattern: String,
    /// Files it matched when the config was resolved, sorted.
    pub files: Vec<PathBuf>,
    pub format: Format,
    pub encoding: Encoding,
    pub channel: Option<String>,
    pub sheet: Option<String>,
    pub missing: Vec<String>,
    pub snapshot: Option<crate::period::Period>,
    /// Rows dated by the configuration instead of a column (`date`/`period`); for a
    /// customer file, `period = "from-file-name"` (a fixed month is `snapshot`).
    pub dated: Option<Dated>,
    /// `None`: recognise the layout from the headers.
    pub preset: Option<Preset>,
    pub include_partial: bool,
    /// A bad answer rejects the whole response (`bad_answer = "response"`), not only itself.
    pub reject_response: bool,
    pub timezone: Option<crate::zone::Zone>,
    pub invitations: BTreeMap<crate::period::Period, u64>,
    /// Headers whose values identify a row (`key`); empty: the row's id or its mapped cells.
    pub key: Vec<String>,
    /// A newer file replaces whole months (`overlap = "replace-month"`) instead of being
    /// merged row by row.
    pub replace_month: bool,
    /// Canonical field → header in the file.
    pub columns: BTreeMap<String, String>,
    /// Item id → header in the file.
    pub items: BTreeMap<String, String>,
}

/// The problem of a `path` that matches no file: where it was looked for (the workspace
/// folder, by its full name when the config is in the current directory), and the first
/// folder of the path that does not exist, if one does not.
fn no_match(key: &str, pattern: &str, root: &Path) -> String {
    let base = if root.as_os_str().is_empty() {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
    } else {
        root.to_path_buf()
    };
    // The folders before the first glob character.
    let fixed: PathBuf = Path::new(pattern)
        .parent()
        .map(|p| {
            p.components()
                .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
                .collect()
        })
        .unwrap_or_default();
    let mut missing = None;
    let mut at = base.clone();
    for c in fixed.components() {
        at.push(c);
        if !at.is_dir() {
            missing = Some(at.clone());
            break;
        }
    }
    match missing {
        Some(dir) => format!(
            "{key}.path = `{pattern}`: the folder {} does not exist; create it and put the exports there, or fix the path (relative to the workspace folder {})",
            dir.display(),
            base.display()
        ),
        None => format!(
            "{key}.path = `{pattern}`: no file matches in {}; put the export there, or fix the path or the glob (relative to the workspace folder {})",
            base.join(Path::new(pattern).parent().unwrap_or(Path::new(""))).display(),
            base.display()
        ),
    }
}

pub(super) fn resolve_source(
    i: usize,
    rs: &RawSource,
    root: &Path,
    items: &[Item],
    custom: &[super::CustomField],
    p: &mut Vec<String>,
) -> Option<Source> {
    let key = format!("sources[{i}] (`{}`)", rs.name);
    let kind: SourceKind = match toml::Value::String(rs.kind.clone()).try_into() {
        Ok(k) => k,
        Err(_) => {
            p.push(format!(
                "{key}.kind = `{}`: use one of {}",
                rs.kind,
                SourceKind::ALL
            ));
            return None;
        }
    };
    let files = match glob_files(root, &rs.path) {
        Ok(f) if f.is_empty() => {
            p.push(no_match(&key, &rs.path, root));
            Vec::new()
        }
        Ok(f) => f,
        Err(e) => {
            p.push(format!("{key}.path = `{}`: {e}", rs.path));
            Vec::new()
        }
    };
    let format = format_of(&key, rs, p);
    let encoding = encoding_of(&key, rs, p);
    let fields = schema::source_fields(kind);
    check_columns(&key, kind, rs, fields, custom, p);
    let preset = match rs.preset.as_deref().map(Preset::parse).transpose() {
        Ok(p) => p.flatten(),
        Err(e) => {
            p.push(format!("{key}.preset: {e}"));
            None
        }
    };
    check_required(&key, kind, rs, fields, preset, p);
    check_items(&key, kind, rs, items, p);
    let (snapshot, dated) = resolve_dating(&key, kind, rs, p);
    let timezone = match rs
        .timezone
        .as_deref()
        .map(crate::zone::Zone::parse)
        .transpose()
    {
        Ok(t) => t,
        Err(e) => {
            p.push(format!("{key}.timezone: {e}"));
            None
        }
    };
    let invitations = invitations_of(&key, kind, rs, p);
    Some(Source {
        name: rs.name.clone(),
        kind,
        pattern: rs.path.clone(),
        files,
        format,
        encoding,
        channel: rs
            .channel
            .clone()
            .or_else(|| kind.default_channel().map(String::from)),
        sheet: rs.sheet.clone(),
        missing: rs
            .missing
            .clone()
            .unwrap_or_else(|| DEFAULT_MISSING.iter().map(|s| s.to_string()).collect()),
        snapshot,
        dated,
        preset,
        include_partial: rs.include_partial,
        reject_response: bad_answer_rule(&key, rs, p),
        timezone,
        invitations,
        key: row_key(&key, rs, p),
        replace_month: replaces_month(&key, rs, p),
        columns: rs.columns.clone(),
        items: rs.items.clone(),
    })
}

/// Whether a bad answer rejects the whole row (`bad_answer = "response"`) or only the answer.
fn bad_answer_rule(key: &str, rs: &RawSource, p: &mut Vec<String>) -> bool {
    match rs.bad_answer.as_deref() {
        None | Some("answer") => false,
        Some("response") => true,
        Some(other) => {
            p.push(format!("{key}.bad_answer = `{other}`: use answer (reject the bad answer only, the default) or response (reject the whole row)"));
            false
        }
    }
}

/// The headers whose values identify a row (empty: the id, else the mapped cells).
fn row_key(key: &str, rs: &RawSource, p: &mut Vec<String>) -> Vec<String> {
    match &rs.key {
        Some(k) if k.is_empty() || k.iter().any(|h| h.trim().is_empty()) => {
            p.push(format!("{key}.key: list the headers whose values identify a row, e.g. key = [\"门店\", \"电话回访日期\", \"序号\"]; or leave it out (the row's id, else its mapped cells)"));
            Vec::new()
        }
        Some(k) => k.clone(),
        None => Vec::new(),
    }
}

/// Whether a newer file replaces every month it has rows in (`overlap = "replace-month"`).
fn replaces_month(key: &str, rs: &RawSource, p: &mut Vec<String>) -> bool {
    match rs.overlap.as_deref() {
        None | Some("merge") => false,
        Some("replace-month") => true,
        Some(other) => {
            p.push(format!("{key}.overlap = `{other}`: use merge (the default: a row in several files counts once, the newest file's version wins) or replace-month (a newer file replaces every month it has rows in)"));
            false
        }
    }
}

/// The file format: given, or by the file extension.
fn format_of(key: &str, rs: &RawSource, p: &mut Vec<String>) -> Format {
    match rs.format.as_deref() {
        Some("csv") | Some("tsv") | Some("txt") => Format::Csv,
        Some("xlsx") | Some("xls") => Format::Xlsx,
        Some(other) => {
            p.push(format!("{key}.format = `{other}`: use csv or xlsx (or leave it out to go by the file extension)"));
            Format::Csv
        }
        None => {
            let lower = rs.path.to_lowercase();
            if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm") {
                Format::Xlsx
            } else {
                Format::Csv
            }
        }
    }
}

/// The text encoding (default: detected per file).
fn encoding_of(key: &str, rs: &RawSource, p: &mut Vec<String>) -> Encoding {
    match rs
        .encoding
        .as_deref()
        .unwrap_or("auto")
        .to_lowercase()
        .as_str()
    {
        "auto" => Encoding::Auto,
        "utf-8" | "utf8" => Encoding::Utf8,
        "gbk" | "gb2312" | "gb18030" => Encoding::Gb18030,
        "latin-1" | "latin1" | "iso-8859-1" | "windows-1252" | "cp1252" => Encoding::Windows1252,
        other => {
            p.push(format!(
                "{key}.encoding = `{other}`: use auto, utf-8, gbk (gb18030) or latin-1 (windows-1252)"
            ));
            Encoding::Auto
        }
    }
}

/// The invitations sent per month (the response rate's denominator), survey sources only.
fn invitations_of(
    key: &str,
    kind: SourceKind,
    rs: &RawSource,
    p: &mut Vec<String>,
) -> BTreeMap<crate::period::Period, u64> {
    let mut invitations = BTreeMap::new();
    for (month, n) in &rs.invitations {
        match month.parse() {
            Ok(per) => {
                invitations.insert(per, *n);
            }
            Err(e) => p.push(format!("{key}.invitations.{month}: {e}")),
        }
    }
    if !rs.invitations.is_empty() && !kind.is_response() {
        p.push(format!(
            "{key}.invitations: only survey sources have invitations"
        ));
    }
    invitations
}

/// A customer file's snapshot month and the dating of rows without a date column, with
/// every misuse named: both a column and a configured date, a date where the kind has none,
/// times relative to a receipt that has no time.
fn resolve_dating(
    key: &str,
    kind: SourceKind,
    rs: &RawSource,
    p: &mut Vec<String>,
) -> (Option<crate::period::Period>, Option<Dated>) {
    let month = |field: &str, s: &str, p: &mut Vec<String>| match s.parse() {
        Ok(per) => Some(per),
        Err(e) => {
            p.push(format!("{key}.{field}: {e}"));
            None
        }
    };
    let mut snapshot = rs.snapshot.as_deref().and_then(|s| month("snapshot", s, p));
    let mut dated = None;
    if let Some(d) = &rs.date {
        match chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
            Ok(day) => dated = Some(Dated::Date(day)),
            Err(_) => p.push(format!("{key}.date = `{d}`: use YYYY-MM-DD")),
        }
    }
    if let Some(per) = &rs.period {
        if rs.date.is_some() {
            p.push(format!("{key}: set date or period, not both"));
        }
        dated = if per.trim() == FROM_FILE_NAME {
            Some(Dated::FromFileName)
        } else {
            month("period", per, p).map(Dated::Month)
        };
    }
    if kind == SourceKind::Customers {
        if rs.date.is_some() {
            p.push(format!("{key}.date: a customer file describes a month; set period = \"YYYY-MM\" (or \"{FROM_FILE_NAME}\")"));
        }
        match dated {
            Some(Dated::Month(m)) if snapshot.is_some() => {
                p.push(format!("{key}: set snapshot or period, not both"));
                snapshot = Some(m);
            }
            Some(Dated::Month(m)) => snapshot = Some(m),
            _ => {}
        }
        return (snapshot, dated.filter(|d| *d == Dated::FromFileName));
    }
    if rs.snapshot.is_some() {
        p.push(format!(
            "{key}.snapshot: only a customer file is a snapshot; a {} source without dates sets date or period",
            rs.kind
        ));
    }
    if dated.is_none() {
        return (None, None);
    }
    let Some(field) = schema::time_field(kind) else {
        p.push(format!(
            "{key}: a {} source dates its rows by its own columns; remove date/period",
            rs.kind
        ));
        return (None, None);
    };
    if rs.columns.contains_key(field) {
        p.push(format!(
            "{key}: the rows are dated both by the column `{field}` and by date/period; keep one"
        ));
    }
    if kind == SourceKind::Complaints {
        for t in ["first_response_at", "closed_at"] {
            if rs.columns.contains_key(t) {
                p.push(format!("{key}.columns.{t}: handling times are measured from when a complaint was received; map received_at instead of setting date/period"));
            }
        }
    }
    (None, dated)
}

/// Files matching `pattern` (a path or a glob) under `root`, sorted for a stable order.
fn glob_files(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let full = root.join(pattern);
    let full = full.to_str().ok_or("the path is not valid UTF-8")?;
    let mut files: Vec<PathBuf> = glob::glob(full)
        .map_err(|e| format!("not a valid glob ({e})"))?
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// A survey platform's export layout (`preset` of a source); `auto` detects it.
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
}

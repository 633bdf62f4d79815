//! `[[sources]]`: one configured input (a platform export, a call sheet, a complaint log, a
//! customer file…), as written and as resolved: which files, how to read them, which columns
//! hold which canonical fields, and how rows without a date get one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Item, DEFAULT_MISSING};
use crate::schema::{self, SourceKind};

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
    /// Snapshot tables (customers): the month the file describes, `YYYY-MM`.
    pub snapshot: Option<String>,
    /// Export layout: auto (default), generic, wjx, tencent, qualtrics, surveymonkey, limesurvey.
    pub preset: Option<String>,
    /// Keep unfinished/unsubmitted responses of platforms that mark them.
    #[serde(default)]
    pub include_partial: bool,
    /// The time zone of the file's timestamps (default: the workspace's, or what the
    /// export itself says).
    pub timezone: Option<String>,
    /// Invitations sent per month (`"2026-10" = 1200`), for response rates.
    #[serde(default)]
    pub invitations: BTreeMap<String, u64>,
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
}

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
    /// `None`: recognise the layout from the headers.
    pub preset: Option<crate::ingest::preset::Preset>,
    pub include_partial: bool,
    pub timezone: Option<chrono::FixedOffset>,
    pub invitations: BTreeMap<crate::period::Period, u64>,
    /// Canonical field → header in the file.
    pub columns: BTreeMap<String, String>,
    /// Item id → header in the file.
    pub items: BTreeMap<String, String>,
}

pub(super) fn resolve_source(
    i: usize,
    rs: &RawSource,
    root: &Path,
    items: &[Item],
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
            p.push(format!(
                "{key}.path = `{}`: no file matches (relative to {}); fix the path or the glob",
                rs.path,
                root.display()
            ));
            Vec::new()
        }
        Ok(f) => f,
        Err(e) => {
            p.push(format!("{key}.path = `{}`: {e}", rs.path));
            Vec::new()
        }
    };
    let format = match rs.format.as_deref() {
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
    };
    let encoding = match rs
        .encoding
        .as_deref()
        .unwrap_or("auto")
        .to_lowercase()
        .as_str()
    {
        "auto" => Encoding::Auto,
        "utf-8" | "utf8" => Encoding::Utf8,
        "gbk" | "gb2312" | "gb18030" => Encoding::Gb18030,
        other => {
            p.push(format!(
                "{key}.encoding = `{other}`: use auto, utf-8, gbk or gb18030"
            ));
            Encoding::Auto
        }
    };
    let fields = schema::source_fields(kind);
    for field in rs.columns.keys() {
        if !fields.iter().any(|f| f.name == field) {
            let valid: Vec<_> = fields.iter().map(|f| f.name).collect();
            p.push(format!(
                "{key}.columns.{field}: not a field of a {} source; use {}",
                rs.kind,
                valid.join(", ")
            ));
        }
    }
    let preset = match rs
        .preset
        .as_deref()
        .map(crate::ingest::preset::Preset::parse)
        .transpose()
    {
        Ok(p) => p.flatten(),
        Err(e) => {
            p.push(format!("{key}.preset: {e}"));
            None
        }
    };
    // A platform preset knows its id and time columns; a generic file (or one whose layout
    // is recognised only when read) must map them, which ingest checks per file.
    let preset_maps_meta =
        kind.is_response() && preset != Some(crate::ingest::preset::Preset::Generic);
    for f in fields.iter().filter(|f| f.required) {
        if preset_maps_meta && matches!(f.name, "response_id" | "survey_time") {
            continue;
        }
        if !rs.columns.contains_key(f.name) {
            p.push(format!(
                "{key}.columns: `{}` is required for a {} source; map it to its header, e.g. {} = \"<header>\"",
                f.name, rs.kind, f.name
            ));
        }
    }
    if kind.is_response() {
        if rs.items.is_empty() {
            p.push(format!(
                "{key}.items: a {} source must map at least one questionnaire item to a column",
                rs.kind
            ));
        }
        for id in rs.items.keys() {
            if !items.iter().any(|it| &it.id == id) {
                p.push(format!(
                    "{key}.items.{id}: no such item in [[questionnaire.items]]"
                ));
            }
        }
    } else if !rs.items.is_empty() {
        p.push(format!("{key}.items: only response sources (survey, phone, mail, interview, focus_group, competitor) map items"));
    }
    let snapshot = match &rs.snapshot {
        Some(s) => match s.parse() {
            Ok(per) => Some(per),
            Err(e) => {
                p.push(format!("{key}.snapshot: {e}"));
                None
            }
        },
        None => None,
    };
    let timezone = match rs
        .timezone
        .as_deref()
        .map(crate::ingest::preset::parse_timezone)
        .transpose()
    {
        Ok(t) => t,
        Err(e) => {
            p.push(format!("{key}.timezone: {e}"));
            None
        }
    };
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
        preset,
        include_partial: rs.include_partial,
        timezone,
        invitations,
        columns: rs.columns.clone(),
        items: rs.items.clone(),
    })
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
